#!/usr/bin/env python3
"""Writes the PyTorch parity fixtures of Tests/FDFAEngineTests/TorchParityTests.swift.

Run with any Python that has torch and numpy (the tests themselves never need torch):

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch numpy
    /tmp/torchvenv/bin/python scripts/make-torch-fixtures.py

It builds small versions of the reference's networks in PyTorch (float32, fixed seed) and records,
on one batch, what the reference computes (docs/reference.md#learning-rules):

- "fc":  Flatten → Linear(12→16) → BN1d → ReLU → tap → Linear(16→10) → BN1d → ReLU → tap → Linear(10→5)
- "cnn": the shallow CNN's shape on 1×14×14: Conv(1→3, k5) → BN2d → ReLU → tap; Conv(3→4, k5) → BN2d
         → ReLU → tap → MaxPool2 → Flatten(36) → Linear(36→8) → BN1d → ReLU → tap → Linear(8→5)
- "fgw": FG-W's network: Flatten → Linear(12→16) → ReLU → Linear(16→5) (no BatchNorm, no taps)

For fc and cnn (keys prefixed "fc." / "cnn."):
  x, labels, param.<i> (initial, in the engine's order: weight, bias / gamma, beta, layer by layer),
  bn.<j>.mean / bn.<j>.var (initial running statistics; γ, β and the running statistics are drawn
  away from their defaults so that a mix-up cannot hide),
  bp.logits, bp.loss, bp.e (dL/dlogits), bp.grad.<i>, bp.delta.<l> (true dL/dh_l),
  step.param.<i>, step.bn.<j>.mean / .var: after one Adam step (lr 1e-3, weight decay 1e-4) on the BP
  gradient, with the running statistics moved once by the training forward pass,
  step.eval_logits: evaluation-mode logits after that step,
  B.<l> (K × n_l) and u.<l> ([B] + shape of h_l), for every tap l (1-based),
  dfa.delta.<l> = e · B_l, dfa.grad.<i>: the parameter gradients when every tap cuts backpropagation
  and injects e · B_l (the reference's DFA hook: a custom autograd Function whose backward returns
  e · B_l; e is captured by a hook on the logits, as the DKP code the reference builds on does),
  fdfa.d: the logits' tangent of one forward-mode pass (dual tensors, BatchNorm in training mode)
  with u_l added to the tangent at every tap and a zero input tangent,
  fdfa.bgrad.<l> = B_l − mean_i(d_i ⊗ u_l,i) (the reference's Adam gradient for B_l),
  dkp.bgrad.<l> = eᵀ h_l.
For fgw (prefix "fgw."): x, labels, param.<i>, v.<i> (one direction over all parameters),
  logits, loss, d (the logits' tangent along v), dir (∇L · v).

Output: Tests/FDFAEngineTests/Fixtures/torch-parity.bin (float32 little-endian, concatenated) and
torch-parity.json ({"torch": version, "tensors": {name: {"offset": floats, "shape": [...]}}}).
"""
import copy
import json
import os

import numpy as np
import torch
import torch.autograd.forward_ad as fwAD
import torch.nn as nn
import torch.nn.functional as F

SEED = int(os.environ.get("FIXTURE_SEED", "2"))
torch.manual_seed(SEED)
torch.set_default_dtype(torch.float32)
torch.use_deterministic_algorithms(True)

BATCH, CLASSES = 8, 5
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "FDFAEngineTests", "Fixtures")

out = {}


def put(name, t):
    a = t.detach().cpu().numpy() if torch.is_tensor(t) else np.asarray(t)
    out[name] = np.array(a, dtype=np.float32, copy=True)  # a copy: parameters change in place later


class Signal:
    """What the taps share during a backward pass: e = dL/dlogits, captured at the logits."""
    e = None


class DFAHook(torch.autograd.Function):
    """Identity forward; backward replaces the gradient from above with e · B (the reference's hook)."""

    @staticmethod
    def forward(ctx, x, feedback):
        ctx.save_for_backward(feedback)
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        (feedback,) = ctx.saved_tensors
        delta = Signal.e @ feedback  # B × K times K × n
        return delta.view_as(grad), None


class Tap(nn.Module):
    """The reference's DFA hook layer: identity in the forward pass.

    mode None: a plain identity (BP); "dfa": backward injects e · B; "jvp": adds u to the tangent.
    """

    def __init__(self):
        super().__init__()
        self.mode = None
        self.B = None
        self.u = None
        self.h = None
        self.grad = None

    def forward(self, x):
        self.h = x.detach().clone()
        if self.mode == "dfa":
            return DFAHook.apply(x, self.B)
        if self.mode == "jvp":
            return x + fwAD.make_dual(torch.zeros_like(x), self.u)
        if self.mode == "bp" and x.requires_grad:
            x.register_hook(lambda g: setattr(self, "grad", g.detach().clone()))
        return x


def fc_net():
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(12, 16), nn.BatchNorm1d(16), nn.ReLU(), Tap(),
        nn.Linear(16, 10), nn.BatchNorm1d(10), nn.ReLU(), Tap(),
        nn.Linear(10, CLASSES),
    )


def cnn_net():
    return nn.Sequential(
        nn.Conv2d(1, 3, 5), nn.BatchNorm2d(3), nn.ReLU(), Tap(),
        nn.Conv2d(3, 4, 5), nn.BatchNorm2d(4), nn.ReLU(), Tap(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(36, 8), nn.BatchNorm1d(8), nn.ReLU(), Tap(),
        nn.Linear(8, CLASSES),
    )


def taps(model):
    return [m for m in model if isinstance(m, Tap)]


def bns(model):
    return [m for m in model if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d))]


def set_mode(model, mode):
    for t in taps(model):
        t.mode = mode


def forward_with_error(model, x, labels):
    """Logits and loss, with e = dL/dlogits captured into Signal.e during backward."""
    logits = model(x)
    logits.register_hook(lambda g: setattr(Signal, "e", g.detach().clone()))
    return logits, F.cross_entropy(logits, labels)


def check_margins(model, x, name):
    """Refuse fixtures whose ReLU or max-pool decisions are within float noise of flipping."""
    values = []
    h = x
    with torch.no_grad():
        for m in model:
            if isinstance(m, nn.ReLU):
                values.append(h.abs().min().item())
            if isinstance(m, nn.MaxPool2d):
                w = F.unfold(h.flatten(0, 1).unsqueeze(1), 2, stride=2)  # windows as columns
                top = w.topk(2, dim=1).values
                live = top[:, 0] > 0  # an all-zero window (after ReLU) routes nothing either way
                values.append((top[:, 0] - top[:, 1])[live].min().item())
            h = m(h)
    margin = min(values)
    assert margin > 1e-4, f"{name}: a ReLU/max-pool decision is within {margin} of a tie; change the seed"
    return margin


def record(prefix, model, x, labels):
    model.train()
    with torch.no_grad():
        for bn in bns(model):
            bn.weight.copy_(1 + 0.2 * torch.randn_like(bn.weight))
            bn.bias.copy_(0.1 * torch.randn_like(bn.bias))
            bn.running_mean.copy_(0.1 * torch.randn_like(bn.running_mean))
            bn.running_var.copy_(0.5 + torch.rand_like(bn.running_var))
    params = list(model.parameters())
    put(prefix + "x", x)
    put(prefix + "labels", labels.float())
    for i, p in enumerate(params):
        put(f"{prefix}param.{i}", p)
    for j, bn in enumerate(bns(model)):
        put(f"{prefix}bn.{j}.mean", bn.running_mean)
        put(f"{prefix}bn.{j}.var", bn.running_var)
    margin = check_margins(copy.deepcopy(model).train(), x, prefix)

    # Feedback matrices and perturbations (tap numbers are 1-based, as the engine's).
    with torch.no_grad():
        probe = copy.deepcopy(model)
        probe(x)
        shapes = [t.h.shape[1:] for t in taps(probe)]
    for l, (t, shape) in enumerate(zip(taps(model), shapes), 1):
        n = int(np.prod(shape))
        bound = (6 / n) ** 0.5
        t.B = torch.empty(CLASSES, n).uniform_(-bound, bound)
        t.u = torch.randn(BATCH, *shape)
        put(f"{prefix}B.{l}", t.B)
        put(f"{prefix}u.{l}", t.u)

    # DFA: every tap cuts backpropagation and injects e · B_l (no statistics update: a copy).
    dfa = copy.deepcopy(model)
    set_mode(dfa, "dfa")
    logits, loss = forward_with_error(dfa, x, labels)
    loss.backward()
    e = Signal.e
    for i, p in enumerate(dfa.parameters()):
        put(f"{prefix}dfa.grad.{i}", p.grad)
    for l, t in enumerate(taps(dfa), 1):
        put(f"{prefix}dfa.delta.{l}", (e @ t.B).view_as(t.h))
        put(f"{prefix}dkp.bgrad.{l}", e.t() @ t.h.flatten(1))

    # FDFA: one dual-number forward pass, u_l added to the tangent at every tap, BatchNorm training.
    fdfa = copy.deepcopy(model)
    set_mode(fdfa, "jvp")
    with fwAD.dual_level():
        d = fwAD.unpack_dual(fdfa(x)).tangent
    put(prefix + "fdfa.d", d)
    for l, t in enumerate(taps(fdfa), 1):
        put(f"{prefix}fdfa.bgrad.{l}", t.B - d.t() @ t.u.flatten(1) / BATCH)

    # Cross-check the dual-number tangent against torch.func.jvp of a functional form.
    def with_perturbations(*shifts):
        m = copy.deepcopy(model)
        for bn in bns(m):  # batch statistics only: nothing to update under the transform
            bn.running_mean, bn.running_var = None, None
        for t, s in zip(taps(m), shifts):
            t.shift = s
        hooks = [t.register_forward_hook(lambda mod, inp, o: o + mod.shift) for t in taps(m)]
        y = m(x)
        for h in hooks:
            h.remove()
        return y

    zeros = tuple(torch.zeros_like(t.u) for t in taps(model))
    _, d2 = torch.func.jvp(with_perturbations, zeros, tuple(t.u for t in taps(model)))
    assert torch.allclose(d, d2, rtol=1e-5, atol=1e-6), (d - d2).abs().max()

    # BP on the model itself: this forward pass moves the running statistics once, as a step does.
    set_mode(model, "bp")
    logits, loss = forward_with_error(model, x, labels)
    loss.backward()
    put(prefix + "bp.logits", logits)
    put(prefix + "bp.loss", loss.reshape(1))
    put(prefix + "bp.e", Signal.e)
    for i, p in enumerate(params):
        put(f"{prefix}bp.grad.{i}", p.grad)
    for l, t in enumerate(taps(model), 1):
        put(f"{prefix}bp.delta.{l}", t.grad)
    optimizer = torch.optim.Adam(params, lr=1e-3, weight_decay=1e-4)
    optimizer.step()
    for i, p in enumerate(params):
        put(f"{prefix}step.param.{i}", p)
    for j, bn in enumerate(bns(model)):
        put(f"{prefix}step.bn.{j}.mean", bn.running_mean)
        put(f"{prefix}step.bn.{j}.var", bn.running_var)
    model.eval()
    set_mode(model, None)
    with torch.no_grad():
        put(prefix + "step.eval_logits", model(x))
    print(f"{prefix[:-1]}: loss {loss.item():.6f}, {len(params)} parameter tensors, "
          f"{len(taps(model))} taps, decision margin {margin:.2e}")


def record_fgw():
    prefix = "fgw."
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 16), nn.ReLU(), nn.Linear(16, CLASSES))
    x = torch.rand(BATCH, 1, 3, 4) * 2 - 1
    labels = torch.randint(0, CLASSES, (BATCH,))
    margin = check_margins(model, x, prefix)
    names = [n for n, _ in model.named_parameters()]
    values = tuple(p.detach() for p in model.parameters())
    v = tuple(torch.randn_like(p) for p in values)

    def loss_of(*ps):
        logits = torch.func.functional_call(model, dict(zip(names, ps)), (x,))
        return F.cross_entropy(logits, labels), logits

    (loss, logits), (directional, d) = torch.func.jvp(loss_of, values, v)
    put(prefix + "x", x)
    put(prefix + "labels", labels.float())
    for i, (p, vi) in enumerate(zip(values, v)):
        put(f"{prefix}param.{i}", p)
        put(f"{prefix}v.{i}", vi)
    put(prefix + "logits", logits)
    put(prefix + "loss", loss.reshape(1))
    put(prefix + "d", d)
    put(prefix + "dir", directional.reshape(1))
    print(f"fgw: loss {loss.item():.6f}, ∇L·v {directional.item():.6f}, decision margin {margin:.2e}")


def main():
    x = torch.rand(BATCH, 1, 3, 4) * 2 - 1
    record("fc.", fc_net(), x, torch.randint(0, CLASSES, (BATCH,)))
    x = torch.rand(BATCH, 1, 14, 14) * 2 - 1
    record("cnn.", cnn_net(), x, torch.randint(0, CLASSES, (BATCH,)))
    record_fgw()

    os.makedirs(ROOT, exist_ok=True)
    index, offset, blobs = {}, 0, []
    for name in sorted(out):
        a = out[name]
        index[name] = {"offset": offset, "shape": list(a.shape)}
        blobs.append(a.astype("<f4").tobytes())
        offset += a.size
    with open(os.path.join(ROOT, "torch-parity.bin"), "wb") as f:
        f.write(b"".join(blobs))
    with open(os.path.join(ROOT, "torch-parity.json"), "w") as f:
        json.dump({"torch": torch.__version__, "seed": SEED, "tensors": index}, f, indent=0, sort_keys=True)
        f.write("\n")
    print(f"{len(index)} tensors, {offset} floats ({4 * offset} bytes) in {os.path.normpath(ROOT)}")


if __name__ == "__main__":
    main()
