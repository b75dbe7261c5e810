"""PyTorch rows for batch normalization (see shared/docs/benchmarks.md).

Each row's fn() builds the inputs and returns a zero-argument callable that runs the PyTorch
operation once; the harness sets the thread count, warms up and times. bytes = the minimum bytes
moved: training forward reads x and writes y; forward+backward adds reading x and dy and writing
dx; eval reads x and writes y (float32, 4 bytes per element).
"""
import math

import torch
import torch.nn.functional as F

SECTION = "Batch normalization"
BENCH = "org.normlab.bench.BatchNormBench"


def _inputs(shape, layout):
    x = torch.randn(shape) * 2 + 0.5
    dy = torch.randn(shape)
    if layout in ("NHWC", "NDHWC"):
        fmt = torch.channels_last if layout == "NHWC" else torch.channels_last_3d
        x = x.contiguous(memory_format=fmt)
        dy = dy.contiguous(memory_format=fmt)
    c = shape[1]
    return x, dy, torch.ones(c), torch.zeros(c), torch.zeros(c), torch.ones(c)


def _forward(training):
    def factory(shape, layout):
        def fn():
            x, _, w, b, rm, rv = _inputs(shape, layout)

            def run():
                with torch.no_grad():
                    F.batch_norm(x, rm, rv, w, b, training=training, momentum=0.1, eps=1e-5)
            return run
        return fn
    return factory


def _train_forward_backward(shape, layout):
    def fn():
        x, dy, w, b, rm, rv = _inputs(shape, layout)
        x.requires_grad_(True)
        w.requires_grad_(True)
        b.requires_grad_(True)

        def run():
            x.grad = None
            y = F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5)
            y.backward(dy)
        return run
    return fn


CASES = [
    # (id part, jmh method, name, torch fn factory, bytes per element, target)
    ("train_fwd", "trainForward", "training forward", _forward(True), 8, None),
    ("train_fwd_bwd", "trainForwardBackward", "training forward+backward", _train_forward_backward, 20, None),
    ("eval", "evalForward", "eval forward", _forward(False), 8, ">= 85% of copy"),
]

SHAPES = [
    ("NCHW", (64, 64, 56, 56)),
    ("NHWC", (64, 64, 56, 56)),
    ("NCHW", (256, 256, 14, 14)),
    ("NHWC", (256, 256, 14, 14)),
    ("NCHW", (128, 32, 28, 28)),
    ("NHWC", (128, 32, 28, 28)),
    ("NC", (4096, 1024)),
]


def _target(layout, case_id, explicit):
    """Issue 3: every training row >= 2x PyTorch (NCHW >= 3x), training forward also >= 60% of
    the copy bandwidth (one read and one write); eval >= 85% of copy."""
    if explicit:
        return explicit
    speed = "3x PyTorch" if layout == "NCHW" else "2x PyTorch"
    return speed + ", >= 60% of copy" if case_id == "train_fwd" else speed


ROWS = []
for layout, shape in SHAPES:
    dims = "x".join(str(d) for d in shape)
    kind = "BN1d" if len(shape) == 2 else "BN2d"
    for case_id, method, name, factory, per_element, target in CASES:
        ROWS.append(dict(
            id=f"bn.{layout.lower()}.{dims}.{case_id}",
            section=SECTION,
            name=f"{kind} {layout} ({','.join(str(d) for d in shape)}) {name}",
            jmh=f"{BENCH}.{method}",
            params={"shape": "x".join(str(d) for d in shape), "layout": layout},
            torch=factory(shape, layout),
            bytes=per_element * math.prod(shape),
            flops=None,
            target=_target(layout, case_id, target),
        ))
