"""PyTorch rows for the losses (issue 5), matched with org.normlab.bench.LossBench.

Each fn() builds its inputs and returns a zero-argument callable that runs the operation once;
the harness sets the thread count, warms up and times. Minimum bytes (shared/docs/benchmarks.md):
cross_entropy forward+backward reads the logits and the targets and writes the gradient; kl_div
forward reads input and target; binary_cross_entropy_with_logits forward+backward reads input
and target and writes the gradient.
"""
import torch
import torch.nn.functional as F


def _cross_entropy(n, c):
    def fn():
        x = torch.randn(n, c, requires_grad=True)
        t = torch.randint(0, c, (n,))

        def run():
            x.grad = None
            F.cross_entropy(x, t).backward()
        return run
    return fn


def _kl_div(n, c):
    def fn():
        log_q = torch.rand(n, c) * -12
        p = torch.rand(n, c)
        return lambda: F.kl_div(log_q, p, reduction="batchmean")
    return fn


def _bce_with_logits(n):
    def fn():
        x = torch.randn(n, requires_grad=True)
        y = torch.rand(n)

        def run():
            x.grad = None
            F.binary_cross_entropy_with_logits(x, y).backward()
        return run
    return fn


_JMH = "org.normlab.bench.LossBench."
_M4 = 4 * 1024 * 1024

ROWS = [
    dict(id="loss.ce.65536x10.fwd_bwd", section="Losses",
         name="cross_entropy (65536,10) forward+backward", jmh=_JMH + "crossEntropyForwardBackward",
         params={"shape": "65536x10"}, torch=_cross_entropy(65536, 10),
         bytes=2 * 4 * 65536 * 10 + 4 * 65536, flops=None, target="2x PyTorch"),
    dict(id="loss.ce.4096x1000.fwd_bwd", section="Losses",
         name="cross_entropy (4096,1000) forward+backward", jmh=_JMH + "crossEntropyForwardBackward",
         params={"shape": "4096x1000"}, torch=_cross_entropy(4096, 1000),
         bytes=2 * 4 * 4096 * 1000 + 4 * 4096, flops=None, target="2x PyTorch"),
    dict(id="loss.kl.4096x1000.batchmean", section="Losses",
         name="kl_div batchmean (4096,1000) forward", jmh=_JMH + "klDivBatchmean",
         params={"shape": "4096x1000"}, torch=_kl_div(4096, 1000),
         bytes=2 * 4 * 4096 * 1000, flops=None, target="2x PyTorch"),
    dict(id="loss.bce_logits.4m.fwd_bwd", section="Losses",
         name="binary_cross_entropy_with_logits 4M forward+backward", jmh=_JMH + "bceWithLogitsForwardBackward",
         params={"shape": str(_M4)}, torch=_bce_with_logits(_M4),
         bytes=3 * 4 * _M4, flops=None, target="2x PyTorch"),
]
