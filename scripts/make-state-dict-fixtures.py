#!/usr/bin/env python3
"""Writes the state_dict fixtures of Tests/FDFATrainingTests/StateDictTests.swift from the PyTorch
original's own model code (Florian-BACHO/FDFA). The tests never need torch.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install torch numpy safetensors
    git clone https://github.com/Florian-BACHO/FDFA /tmp/FDFA-original
    /tmp/venv/bin/python scripts/make-state-dict-fixtures.py /tmp/FDFA-original

Writes to Tests/FDFATrainingTests/Fixtures/:

- original-state-dicts.json: for each reference network, built by the original's classes and run
  forward once (the original creates its feedback matrices on the first forward pass, as main.py's
  first test() does), every state_dict key with its shape and dtype:
  "fc-FDFA" / "fc-BP" (networks/fc_mnist.py, 2 hidden layers), "fc-cifar10-DFA" (fc_cifar10.py,
  3 hidden layers), "cnn-mnist-FDFA" (conv_mnist.py), "cnn-cifar10-DKP" (conv_cifar10.py),
  "alexnet-FDFA" (alexnet_cifar100.py), "fgw" (fc_mnist_fwd.py, main_fwd_grad.py's network, 1 hidden layer).
- tiny-fc.safetensors: the state_dict of networks/fc_mnist.py's Network with its sizes made small
  (784 inputs -> 36, 800 units -> 16, the source edited before it runs, nothing else changed),
  DFA mode, parameters and running statistics drawn away from their defaults, saved with
  safetensors.torch.save_file (int64 num_batches_tracked included).
- tiny-fc-probe.safetensors: "x" (5 x 1 x 6 x 6) and "logits": the model's evaluation-mode output on x.
"""
import json
import os
import sys
import types

import torch
from safetensors.torch import save_file

original = sys.argv[1]
sys.path.insert(0, original)
out = os.path.join(os.path.dirname(__file__), "..", "Tests", "FDFATrainingTests", "Fixtures")
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
cpu = torch.device("cpu")

from networks.alexnet_cifar100 import AlexNet
from networks.conv_cifar10 import Network as ConvCIFAR10
from networks.conv_mnist import Network as ConvMNIST
from networks.fc_cifar10 import Network as FCCIFAR10
from networks.fc_mnist import Network as FCMNIST
from networks.fc_mnist_fwd import Network as FCMNISTForward


def described(model, input_shape):
    model.eval()
    with torch.no_grad():
        model(torch.zeros([2] + input_shape))
    return {k: {"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", "")} for k, v in model.state_dict().items()}


networks = {
    "fc-FDFA": described(FCMNIST(64, 2, "FDFA", cpu), [1, 28, 28]),
    "fc-BP": described(FCMNIST(64, 2, "BP", cpu), [1, 28, 28]),
    "fc-cifar10-DFA": described(FCCIFAR10(64, 3, "DFA", cpu), [3, 32, 32]),
    "cnn-mnist-FDFA": described(ConvMNIST(64, "FDFA", cpu), [1, 28, 28]),
    "cnn-cifar10-DKP": described(ConvCIFAR10(64, "DKP", cpu), [3, 32, 32]),
    "alexnet-FDFA": described(AlexNet(64, "FDFA", cpu), [3, 224, 224]),
    "fgw": described(FCMNISTForward(64, 1, "BP", cpu), [1, 28, 28]),
}
with open(os.path.join(out, "original-state-dicts.json"), "w") as f:
    json.dump({"torch": torch.__version__, "networks": networks}, f, sort_keys=True, separators=(",", ":"))

# The original's fc network, made small by editing its sizes only.
source = open(os.path.join(original, "networks", "fc_mnist.py")).read()
assert source.count("784") == 1 and source.count("800") == 3
tiny = types.ModuleType("fc_tiny")
exec(compile(source.replace("784", "36").replace("800", "16"), "fc_tiny", "exec"), tiny.__dict__)
model = tiny.Network(64, 2, "DFA", cpu)
model.train()
model(torch.randn(8, 1, 6, 6))  # creates the feedback matrices and moves the running statistics once
with torch.no_grad():
    for name, t in model.state_dict().items():
        if t.dtype != torch.float32:
            continue
        if name.endswith("running_var") or (name.startswith("bn_hidden") and name.endswith("weight")):
            t.copy_(0.5 + torch.rand_like(t))
        else:
            t.copy_(0.3 * torch.randn_like(t))
model.eval()
x = torch.randn(5, 1, 6, 6)
with torch.no_grad():
    logits = model(x)
save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(out, "tiny-fc.safetensors"))
save_file({"x": x, "logits": logits}, os.path.join(out, "tiny-fc-probe.safetensors"))
print("wrote", out)
