"""PyTorch rows for the normalization family (see bench/run-benchmarks.sh and
shared/docs/benchmarks.md). Each torch fn builds its inputs and returns a callable that runs the
operation once; the harness sets the thread count, warms up and times."""
import torch
import torch.nn.functional as F


def _layer_norm_forward_backward(n, d):
    def build():
        g = torch.Generator().manual_seed(1)
        x = torch.randn(n, d, generator=g, requires_grad=True)
        dy = torch.randn(n, d, generator=g)
        w = torch.ones(d, requires_grad=True)
        b = torch.zeros(d, requires_grad=True)

        def run():
            out = F.layer_norm(x, (d,), w, b, eps=1e-5)
            torch.autograd.grad(out, (x, w, b), dy)
        return run
    return build


def _group_norm_forward(shape, groups):
    def build():
        g = torch.Generator().manual_seed(1)
        x = torch.randn(*shape, generator=g)
        w = torch.ones(shape[1])
        b = torch.zeros(shape[1])

        def run():
            with torch.no_grad():
                F.group_norm(x, groups, w, b, eps=1e-5)
        return run
    return build


def _elements(shape):
    n = 1
    for s in shape:
        n *= s
    return n


ROWS = [
    dict(id="ln.4096x1024.fwd_bwd", section="Normalization family",
         name="LayerNorm (4096,1024) forward+backward",
         jmh="org.normlab.bench.NormFamilyBench.layerNormForwardBackward",
         params={"shape": "4096x1024"},
         torch=_layer_norm_forward_backward(4096, 1024),
         # forward reads x, writes y; backward reads dy and x, writes dx (float32)
         bytes=5 * 4 * 4096 * 1024, flops=None, target="1.5x PyTorch"),
    dict(id="gn.nchw.64x64x56x56.g32.fwd", section="Normalization family",
         name="GroupNorm(32) NCHW (64,64,56,56) forward",
         jmh="org.normlab.bench.NormFamilyBench.groupNormForward",
         params={"shape": "64x64x56x56", "groups": "32"},
         torch=_group_norm_forward((64, 64, 56, 56), 32),
         # reads x, writes y (float32)
         bytes=2 * 4 * _elements((64, 64, 56, 56)), flops=None, target="1.5x PyTorch"),
]
