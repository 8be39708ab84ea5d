#!/usr/bin/env python3
"""Records the PyTorch original's own console output and CSV log, the fixtures of fdfa's
console-format tests (Tests/FDFATrainingTests/Fixtures/original-console-*.txt, original-csv-*.txt).

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install torch torchvision numpy
    git clone https://github.com/Florian-BACHO/FDFA /tmp/FDFA-original
    /tmp/venv/bin/python scripts/record-original-console.py /tmp/FDFA-original

The original's main.py hard-codes its arguments in `__main__`, so it is run as `main.main([...flags])`.
Its data sets are replaced by torchvision's FakeData of the same image shape (a few hundred random
images, no download): the lines recorded here (the seed line, the mode line, the parameter listing,
the CSV's arguments line, header and row layout, the dry-run training loss) do not depend on the
images, and the tests compare only those.
"""
import contextlib
import io
import os
import sys
import tempfile

original = sys.argv[1]
sys.path.insert(0, original)
os.chdir(original)

import main as reference
from torchvision.datasets import FakeData


def fake(root, train, download, transform):
    return FakeData(size=256 if train else 128, image_size=(1, 28, 28), num_classes=10, transform=transform,
                    random_offset=0 if train else 10_000)


reference.datasets.MNIST = fake
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "FDFATrainingTests", "Fixtures")

runs = {
    "fc-DFA": ["--train-mode=DFA", "--epochs=1", "--dry-run", "--seed=0", "--lr=0.123456789", "--gamma=1e-5"],
    "fc-FDFA": ["--train-mode=FDFA", "--epochs=1", "--dry-run", "--seed=3", "--b-lr=2e16"],
    "fc-BP": ["--train-mode=BP", "--epochs=1", "--dry-run", "--n-layers=1", "--seed=-1", "--weight-decay=0.0001"],
    "cnn-DKP": ["--train-mode=DKP", "--epochs=1", "--dry-run", "--conv", "--seed=1", "--feedback-decay=1e-6"],
}
for name, flags in runs.items():
    with tempfile.TemporaryDirectory() as logs:
        console = io.StringIO()
        with contextlib.redirect_stdout(console):
            reference.main(flags + ["--log-dir=" + logs + "/"])
        (csv_dir,) = os.listdir(logs)
        (csv_file,) = os.listdir(os.path.join(logs, csv_dir))
        with open(os.path.join(logs, csv_dir, csv_file), "rb") as f:
            csv = f.read().replace(logs.encode(), b"LOGDIR")
    with open(os.path.join(out, "original-console-%s.txt" % name), "w") as f:
        f.write(console.getvalue())
    with open(os.path.join(out, "original-csv-%s.txt" % name), "wb") as f:
        f.write(csv)
print("wrote", out)
