"""PyTorch rows for the training-engine benchmarks (bench/run-benchmarks.sh imports ROWS).

Each fn() builds the same nn.Sequential as org.normlab.nn.Models, an SGD optimizer with
momentum 0.9 and a fixed batch, and returns a callable that runs one full training step
(forward, cross-entropy, backward, update), as TrainStepBench.trainStep does.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def _mlp_sigmoid_bn():
    layers, width = [], 784
    for _ in range(3):
        layers += [nn.Linear(width, 100, bias=False), nn.BatchNorm1d(100), nn.Sigmoid()]
        width = 100
    return nn.Sequential(*layers, nn.Linear(100, 10))


def _cnn(bn):
    layers = []
    for i, (cin, cout) in enumerate([(1, 32), (32, 32), (32, 64), (64, 64)]):
        layers.append(nn.Conv2d(cin, cout, 3, padding=1, bias=not bn))
        if bn:
            layers.append(nn.BatchNorm2d(cout))
        layers.append(nn.ReLU())
        if i % 2 == 1:
            layers.append(nn.MaxPool2d(2))
    layers += [nn.Flatten(), nn.Linear(64 * 7 * 7, 256, bias=not bn)]
    if bn:
        layers.append(nn.BatchNorm1d(256))
    return nn.Sequential(*layers, nn.ReLU(), nn.Linear(256, 10))


def _step(build, batch, flat):
    def fn():
        torch.manual_seed(1)
        model = build()
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        x = torch.rand(batch, 1, 28, 28)
        if flat:
            x = x.reshape(batch, 784)
        y = torch.arange(batch) % 10

        def run():
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
        return run
    return fn


# The training steps allocate their activations as they go: in a JVM of a few seconds the heap is
# still growing, and every step's new tensors land on memory never touched before, whose first
# touch is a page fault (2 MiB zeroed by the kernel, with huge pages). A training run of minutes
# reaches the steady state after the first collections and then reuses memory; a JMH fork of
# seconds measured the warm-up instead: the cnn step at 1 thread took 129-134 ms per step until
# the first collection after the heap had grown, then 111-113 ms (every step logged in one JVM).
# So the forks start from a fixed, pre-touched heap, the JVM's counterpart of the glibc settings
# that let PyTorch's allocator reuse its memory (TORCH_SETTINGS in benchmarks.py): with it JMH
# measured 112-114 ms from the first measured iteration.
STEADY_HEAP = "-Xms2g -Xmx2g -XX:+AlwaysPreTouch"

ROWS = [
    dict(id="train.cnn-bn.128", section="Training step", name="cnn-bn training step, batch 128 (images/s = 128 / time)",
         jmh="org.normlab.bench.TrainStepBench.trainStep", params={"model": "cnn-bn", "batch": "128"},
         torch=_step(lambda: _cnn(True), 128, False), bytes=None, flops=None, images=128, target="1.5x PyTorch", jvm=STEADY_HEAP),
    dict(id="train.cnn.128", section="Training step", name="cnn training step, batch 128 (images/s = 128 / time)",
         jmh="org.normlab.bench.TrainStepBench.trainStep", params={"model": "cnn", "batch": "128"},
         torch=_step(lambda: _cnn(False), 128, False), bytes=None, flops=None, images=128, target="1.5x PyTorch", jvm=STEADY_HEAP),
    dict(id="train.mlp-sigmoid-bn.60", section="Training step",
         name="mlp-sigmoid-bn training step, batch 60 (images/s = 60 / time)",
         jmh="org.normlab.bench.TrainStepBench.trainStep", params={"model": "mlp-sigmoid-bn", "batch": "60"},
         torch=_step(_mlp_sigmoid_bn, 60, True), bytes=None, flops=None, images=60, target="1.5x PyTorch", jvm=STEADY_HEAP),
]
