"""nbclient runs each lesson notebook given as an argument on the kernel its kernelspec names (fdfa).

Every code cell must run without error, and every cell that draws (a `plot` to no file, a `show`)
must show its figure as inline SVG: at least as many image/svg+xml displays as the recording has.
Prints "ok: ..." per lesson; any failure raises, so the exit status is non-zero.
"""
import re
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient

# A call that draws inline: plot(...) without file=, or show(...).
DRAWS = re.compile(r"\b(plot\((?![^\n]*\bfile=)|show\()")


def svgs(cell):
    return [o for o in cell.get("outputs", []) if o["output_type"] == "display_data" and "image/svg+xml" in o["data"]]


def run(path):
    recorded = nbformat.read(path, as_version=4)
    assert recorded.metadata["kernelspec"]["name"] == "fdfa", recorded.metadata
    notebook = nbformat.from_dict(recorded)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        NotebookClient(notebook, timeout=300, kernel_name="fdfa", resources={"metadata": {"path": scratch}}).execute()
    seconds = time.monotonic() - started
    nbformat.validate(notebook)

    code = [(old, new) for old, new in zip(recorded.cells, notebook.cells) if new.cell_type == "code"]
    assert code, f"{path}: no code cells"
    figures = 0
    for number, (old, new) in enumerate(code, 1):
        errors = [o for o in new.outputs if o["output_type"] == "error"]
        assert not errors, f"{path}, cell {number}: {errors}"
        shown = svgs(new)
        assert all(o["data"]["image/svg+xml"].startswith("<svg") for o in shown), f"{path}, cell {number}: {shown}"
        assert len(shown) >= len(svgs(old)), f"{path}, cell {number}: {len(shown)} figures, {len(svgs(old))} recorded"
        if DRAWS.search(new.source):
            assert shown, f"{path}, cell {number} draws but showed no image/svg+xml: {new.outputs}"
        figures += len(shown)
    print(f"ok: {path} ran {len(code)} code cells without error, {figures} figures as image/svg+xml, "
          f"in {seconds:.1f} s", flush=True)
    return figures


def main(paths):
    assert paths, "give the lesson notebooks"
    figures = sum(run(path) for path in paths)
    assert figures > 0, "no lesson showed a figure"
    print(f"ok: {len(paths)} lessons ran on the fdfa kernel", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
