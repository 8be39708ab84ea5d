"""Times the PyTorch original's training step, as `fdfa bench` times fdfa's.

One step is the body of the original's `train()` on one fixed batch: zero_grad, the forward pass
(a dual-number forward for FDFA, as the original runs it), cross-entropy, backward, and the
optimiser step (the original's two Adams for DKP and FDFA). The model, its feedback initialisation
(one forward pass in eval mode) and the optimisers are set up exactly as the original's `main()` does.

Usage: python original-step.py ORIGINAL_DIR --arch fc2,conv --rule FDFA,BP [--batch 64]
       [--warmup 5] [--repeats 30] [--threads 2]
Prints one JSON object per (arch, rule, batch): {"arch", "rule", "batch", "step_ms"} (the median).
Needs torch; run it from a scratch virtual environment, never from the test suite.
"""
import argparse
import json
import statistics
import sys
import time


def build(original, arch, rule, batch):
    sys.path.insert(0, original)
    import torch
    from networks.alexnet_cifar100 import AlexNet
    from networks.conv_mnist import Network as ConvMNIST
    from networks.fc_mnist import Network as FCMNIST
    from utils.MultiOptimizer import MultipleOptimizer

    device = torch.device("cpu")
    if arch == "fc2":
        model, shape, classes = FCMNIST(batch, 2, rule, device), (1, 28, 28), 10
    elif arch == "conv":
        model, shape, classes = ConvMNIST(batch, rule, device), (1, 28, 28), 10
    elif arch == "alexnet":
        model, shape, classes = AlexNet(batch, rule, device), (3, 224, 224), 100
    else:
        raise SystemExit(f"unknown arch {arch!r}: fc2, conv or alexnet")
    model.eval()
    with torch.no_grad():
        model(torch.zeros(batch, *shape))  # the original creates its feedback matrices here
    if rule in ("DKP", "FDFA"):
        forward = [p for n, p in model.named_parameters() if "feedbacks" not in n]
        backward = [p for n, p in model.named_parameters() if "feedbacks" in n]
        optimizer = MultipleOptimizer(torch.optim.Adam(backward, lr=1e-4), torch.optim.Adam(forward, lr=1e-4))
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    data = torch.randn(batch, *shape)
    target = torch.randint(0, classes, (batch,))
    return model, optimizer, data, target


def step(model, optimizer, data, target, dual):
    import torch
    import torch.autograd.forward_ad as fwAD
    import torch.nn.functional as F

    optimizer.zero_grad()
    if dual:
        with fwAD.dual_level():
            x = fwAD.make_dual(data, torch.zeros(data.shape))
            output = fwAD.unpack_dual(model(x)).primal
    else:
        output = model(data)
    F.cross_entropy(output, target).backward()
    optimizer.step()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("original", help="a checkout of Florian-BACHO/FDFA")
    parser.add_argument("--arch", default="fc2,conv")
    parser.add_argument("--rule", default="FDFA,BP")
    parser.add_argument("--batch", default="64")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if args.warmup < 0 or args.repeats < 1:
        raise SystemExit("--warmup must be >= 0 and --repeats >= 1")
    import torch
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for arch in args.arch.split(","):
        for rule in args.rule.split(","):
            for batch in map(int, args.batch.split(",")):
                model, optimizer, data, target = build(args.original, arch, rule, batch)
                model.train()
                times = []
                for i in range(args.warmup + args.repeats):
                    start = time.perf_counter()
                    step(model, optimizer, data, target, rule == "FDFA")
                    if i >= args.warmup:
                        times.append(1000 * (time.perf_counter() - start))
                print(json.dumps({"arch": arch, "rule": rule, "batch": batch,
                                  "step_ms": round(statistics.median(times), 3)}), flush=True)


if __name__ == "__main__":
    main()
