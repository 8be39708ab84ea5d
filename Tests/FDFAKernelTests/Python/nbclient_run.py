"""nbclient (what nbconvert --execute and papermill use) runs a notebook top to bottom on fdfa's kernel.

Prints "ok: ..." lines; any failure raises, so the exit status is non-zero.
"""
import nbformat
from nbclient import NotebookClient

CELLS = [
    'seed 3\ndata = load("synthetic", shape=[8], classes=3, train=256, test=64)\nnet = fc(data, [16])\nconfigure net, rule="BP", lr=1e-2',
    "losses = []\nfor i in 0..<20 {\n    losses = losses + [step(net, batch(data.train, 32, index=i % 8))]\n}\nlen(losses)",
    'plot({loss: losses}, title="training loss")',
    "train(net, data, epochs=2, batch=32)\neval(net, data)",
]


def main():
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "fdfa", "display_name": "fdfa", "language": "fdfa"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    NotebookClient(notebook, timeout=60, kernel_name="fdfa").execute()
    nbformat.validate(notebook)

    assert notebook.metadata["language_info"]["name"] == "fdfa", notebook.metadata
    outputs = [cell.outputs for cell in notebook.cells]
    assert [cell.execution_count for cell in notebook.cells] == [1, 2, 3, 4]
    assert outputs[1][-1]["output_type"] == "execute_result" and outputs[1][-1]["data"]["text/plain"] == "20", outputs[1]
    figure = [o for o in outputs[2] if o["output_type"] == "display_data"]
    assert len(figure) == 1 and figure[0]["data"]["image/svg+xml"].startswith("<svg"), outputs[2]
    assert "training loss" in figure[0]["data"]["text/plain"], figure[0]
    print("ok: the plot arrived as image/svg+xml with its terminal text", flush=True)
    streams = "".join(o["text"] for o in outputs[3] if o["output_type"] == "stream")
    assert streams.count("mean loss") == 2, outputs[3]
    result = outputs[3][-1]
    assert result["output_type"] == "execute_result" and "accuracy" in result["data"]["text/html"], result
    print("ok: training printed its epochs and eval's record came as a table", flush=True)


if __name__ == "__main__":
    main()
