"""Golden cases for the losses and information measures (issue 5), from PyTorch.

Ops in golden-format.md's table: cross_entropy, binary_cross_entropy_with_logits, kl_div, entropy.
Ops this script adds, in the same style:

| op | metadata | input tensors | expected tensors |
|---|---|---|---|
| `nll_loss` | `reduction`, `ignore_index` | `input` (log-probabilities N,C or N,C,d...), `target` (I64), `weight` optional, `grad_output` when reduction is none | `output`, `grad_input` |
| `binary_cross_entropy` | `reduction` | `input` (probabilities), `target`, `weight` optional, `grad_output` when reduction is none | `output`, `grad_input` |
| `mse_loss` | `reduction` | `input`, `target`, `grad_output` when reduction is none | `output`, `grad_input` |

grad_input is always the gradient of sum(output * grad_output), with grad_output = 1 when the
reduction gives a scalar. Weights and pos_weight of the binary losses have a shape that is a
suffix of the input's (PyTorch broadcasting over the leading dimensions).
"""
import math
import os

import torch
import torch.nn.functional as F

from golden_io import write_case


def _grad(fn, x, reduction, gen):
    """Runs fn(x) and backpropagates sum(out * grad_output); returns (out, grad_input, grad_output or None)."""
    x = x.clone().requires_grad_(True)
    out = fn(x)
    go = None
    if reduction == "none":
        go = torch.randn(out.shape, generator=gen)
        out.backward(go)
    else:
        out.backward()
    return out.detach(), x.grad.detach(), go


def _case(out_dir, op, name, fn, x, reduction, gen, inputs, **meta):
    """Writes one loss case: input x, the other inputs (None entries left out), grad_output when the
    reduction is none, then output and grad_input (the gradient of sum(fn(x) * grad_output))."""
    out, grad, go = _grad(fn, x, reduction, gen)
    tensors = {"input": x}
    tensors.update({k: v for k, v in inputs.items() if v is not None})
    if go is not None:
        tensors["grad_output"] = go
    tensors["output"] = out
    tensors["grad_input"] = grad
    write_case(os.path.join(out_dir, f"{op}_{name}.safetensors"), op, dict(reduction=reduction, **meta), tensors)
    return 1


def _cross_entropy(out_dir, gen):
    n = 0

    def case(name, logits, target, reduction="mean", weight=None, ignore_index=-100, smoothing=0.0, **extra):
        nonlocal n
        fn = lambda x: F.cross_entropy(x, target, weight=weight, ignore_index=ignore_index,
                                       reduction=reduction, label_smoothing=smoothing)
        n += _case(out_dir, "cross_entropy", name, fn, logits, reduction, gen, dict(target=target, weight=weight),
                   label_smoothing=smoothing, ignore_index=ignore_index,
                   target="index" if target.dtype == torch.int64 else "prob", **extra)

    def logits(*shape, scale=1.0):
        return torch.randn(*shape, generator=gen) * scale

    def index(high, *shape):
        return torch.randint(0, high, shape, generator=gen)

    def probs(*shape, dim=1):
        return torch.softmax(torch.randn(*shape, generator=gen) * 2, dim=dim)

    w5 = torch.rand(5, generator=gen) + 0.25
    for red in ("mean", "sum", "none"):
        case(f"index_{red}", logits(8, 5), index(5, 8), red)
        case(f"index_weight_{red}", logits(8, 5), index(5, 8), red, weight=w5)
    # ignore_index in the middle of the batch, with and without weights
    t = index(5, 9)
    t[3] = -100
    t[4] = -100
    case("ignore_mid_mean", logits(9, 5), t, "mean")
    case("ignore_mid_weight_mean", logits(9, 5), t.clone(), "mean", weight=w5)
    t2 = index(5, 7)
    t2[2] = 1
    case("ignore_index_1_sum", logits(7, 5), t2, "sum", ignore_index=1)
    # label smoothing 0.1 and 0.2 (index targets: PyTorch's separate smoothing term and denominators)
    case("smooth01_mean", logits(8, 5), index(5, 8), "mean", smoothing=0.1)
    case("smooth02_mean", logits(8, 5), index(5, 8), "mean", smoothing=0.2)
    case("smooth02_weight_ignore_mean", logits(9, 5), t.clone(), "mean", weight=w5, smoothing=0.2)
    case("smooth02_ignore_mean", logits(9, 5), t.clone(), "mean", smoothing=0.2)
    case("smooth01_weight_none", logits(6, 5), index(5, 6), "none", weight=w5, smoothing=0.1)
    case("smooth02_sum", logits(6, 5), index(5, 6), "sum", smoothing=0.2)
    # probability targets (soft labels), with weights and smoothing, and targets with zeros
    for red in ("mean", "sum", "none"):
        case(f"prob_{red}", logits(6, 5), probs(6, 5), red)
    case("prob_weight_smooth02_mean", logits(6, 5), probs(6, 5), "mean", weight=w5, smoothing=0.2)
    case("prob_smooth01_sum", logits(6, 5), probs(6, 5), "sum", smoothing=0.1)
    zeros = torch.zeros(6, 5)
    zeros[torch.arange(6), index(5, 6)] = 1.0
    zeros[0] = torch.tensor([0.5, 0.0, 0.5, 0.0, 0.0])
    case("prob_with_zeros_mean", logits(6, 5), zeros, "mean")
    # spatial inputs (N, C, d) and (N, C, h, w)
    ts = index(4, 3, 7)
    ts[1, 3] = -100
    case("spatial_ncd_mean", logits(3, 4, 7), ts, "mean")
    case("spatial_ncd_weight_none", logits(3, 4, 7), index(4, 3, 7), "none", weight=torch.rand(4, generator=gen) + 0.5)
    case("spatial_nchw_smooth01_sum", logits(2, 3, 4, 5), index(3, 2, 4, 5), "sum", smoothing=0.1)
    case("spatial_ncd_prob_mean", logits(2, 4, 6), probs(2, 4, 6), "mean")
    # 1000 classes
    case("classes1000_mean", logits(16, 1000), index(1000, 16), "mean")
    case("classes1000_smooth01_mean", logits(16, 1000), index(1000, 16), "mean", smoothing=0.1)
    # logits of magnitude 50 and more (log-sum-exp must not overflow)
    case("large_logits_mean", logits(8, 6, scale=60.0), index(6, 8), "mean", rtol=1e-4, atol=1e-4)
    big = logits(4, 6)
    big[:, 0] = 100.0
    big[:, 1] = -100.0
    case("logits_pm100_none", big, index(6, 4), "none", rtol=1e-4, atol=1e-4)
    return n


def _binary_with_logits(out_dir, gen):
    n = 0

    def case(name, x, y, reduction="mean", weight=None, pos_weight=None, **extra):
        nonlocal n
        fn = lambda z: F.binary_cross_entropy_with_logits(z, y, weight=weight, pos_weight=pos_weight,
                                                          reduction=reduction)
        n += _case(out_dir, "binary_cross_entropy_with_logits", name, fn, x, reduction, gen,
                   dict(target=y, weight=weight, pos_weight=pos_weight), **extra)

    x = lambda *s: torch.randn(*s, generator=gen) * 3
    y = lambda *s: (torch.rand(*s, generator=gen) > 0.5).float()
    soft = lambda *s: torch.rand(*s, generator=gen)
    for red in ("mean", "sum", "none"):
        case(red, x(5, 6), y(5, 6), red)
    case("soft_targets_mean", x(5, 6), soft(5, 6), "mean")
    case("weight_row_sum", x(5, 6), y(5, 6), "sum", weight=torch.rand(6, generator=gen))
    case("weight_full_mean", x(5, 6), soft(5, 6), "mean", weight=torch.rand(5, 6, generator=gen))
    case("pos_weight_mean", x(5, 6), y(5, 6), "mean", pos_weight=torch.rand(6, generator=gen) * 3)
    case("weight_pos_weight_none", x(4, 3, 6), soft(4, 3, 6), "none",
         weight=torch.rand(6, generator=gen), pos_weight=torch.rand(6, generator=gen) * 3)
    big = x(4, 8)
    big[:, :4] = torch.tensor([100.0, -100.0, 60.0, -60.0])
    case("logits_pm100_mean", big, y(4, 8), "mean")
    case("logits_pm100_pos_weight_none", big, y(4, 8), "none", pos_weight=torch.full((8,), 2.5))
    return n


def _kl_div(out_dir, gen):
    n = 0

    def case(name, log_q, target, reduction, log_target):
        nonlocal n
        fn = lambda z: F.kl_div(z, target, reduction=reduction, log_target=log_target)
        n += _case(out_dir, "kl_div", name, fn, log_q, reduction, gen, dict(target=target), log_target=log_target)

    for red in ("batchmean", "sum", "mean", "none"):
        log_q = torch.log_softmax(torch.randn(6, 7, generator=gen), dim=1)
        p = torch.softmax(torch.randn(6, 7, generator=gen) * 2, dim=1)
        case(f"{red}", log_q, p, red, False)
        case(f"{red}_log_target", log_q, torch.log(p), red, True)
    log_q = torch.log_softmax(torch.randn(5, 4, generator=gen), dim=1)
    p = torch.tensor([[1.0, 0.0, 0.0, 0.0], [0.5, 0.5, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25],
                      [0.0, 0.0, 0.0, 1.0], [0.1, 0.0, 0.9, 0.0]])
    case("targets_with_zeros_batchmean", log_q, p, "batchmean", False)
    case("targets_with_zeros_none", log_q, p, "none", False)
    log_q = torch.log_softmax(torch.randn(3, 4, 5, generator=gen), dim=1)
    p = torch.softmax(torch.randn(3, 4, 5, generator=gen), dim=1)
    case("rank3_batchmean", log_q, p, "batchmean", False)
    return n


def _entropy(out_dir):
    n = 0
    gen = torch.Generator().manual_seed(5)
    rows = torch.softmax(torch.randn(6, 9, generator=gen) * 2, dim=1).double()
    rows[0] = torch.zeros(9, dtype=torch.float64)
    rows[0, 4] = 1.0                                     # a certain outcome: H = 0
    rows[1] = torch.full((9,), 1.0 / 9, dtype=torch.float64)  # uniform: H = log 9
    rows[2, :5] = 0.0                                    # zeros inside a row (0 log 0 = 0)
    rows[2] /= rows[2].sum()
    p = rows.float()
    for base, log_base in (("e", 1.0), ("2", math.log(2)), ("10", math.log(10))):
        h = torch.distributions.Categorical(probs=p.double()).entropy() / log_base
        write_case(os.path.join(out_dir, f"entropy_base{base}.safetensors"), "entropy", dict(base=base),
                   {"p": p, "output": h})
        n += 1
    textbook = torch.tensor([[0.4, 0.3, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25], [0.5, 0.5, 0.0, 0.0]])
    h = torch.distributions.Categorical(probs=textbook.double()).entropy() / math.log(2)
    write_case(os.path.join(out_dir, "entropy_textbook_bits.safetensors"), "entropy", dict(base="2"),
               {"p": textbook, "output": h})
    return n + 1


def _nll_loss(out_dir, gen):
    n = 0

    def case(name, log_p, target, reduction, weight=None, ignore_index=-100):
        nonlocal n
        fn = lambda z: F.nll_loss(z, target, weight=weight, ignore_index=ignore_index, reduction=reduction)
        n += _case(out_dir, "nll_loss", name, fn, log_p, reduction, gen, dict(target=target, weight=weight),
                   ignore_index=ignore_index)

    log_p = torch.log_softmax(torch.randn(8, 5, generator=gen), dim=1)
    t = torch.randint(0, 5, (8,), generator=gen)
    t[4] = -100
    case("weight_ignore_mean", log_p, t, "mean", weight=torch.rand(5, generator=gen) + 0.1)
    case("sum", log_p, t, "sum")
    log_p = torch.log_softmax(torch.randn(2, 3, 4, generator=gen), dim=1)
    case("spatial_none", log_p, torch.randint(0, 3, (2, 4), generator=gen), "none")
    return n


def _binary_cross_entropy(out_dir, gen):
    n = 0

    def case(name, p, y, reduction, weight=None):
        nonlocal n
        fn = lambda z: F.binary_cross_entropy(z, y, weight=weight, reduction=reduction)
        n += _case(out_dir, "binary_cross_entropy", name, fn, p, reduction, gen, dict(target=y, weight=weight))

    p = torch.rand(5, 6, generator=gen) * 0.98 + 0.01
    y = (torch.rand(5, 6, generator=gen) > 0.5).float()
    case("mean", p, y, "mean")
    case("weight_sum", p, torch.rand(5, 6, generator=gen), "sum", weight=torch.rand(6, generator=gen))
    case("none", p, y, "none")
    # probabilities of exactly 0 and 1: log clamped at -100 (loss 100, not infinity)
    edge = torch.tensor([[0.0, 1.0, 0.0, 1.0, 0.5, 1e-30]])
    case("clamped_sum", edge, torch.tensor([[1.0, 0.0, 0.0, 1.0, 1.0, 1.0]]), "sum")
    return n


def _mse_loss(out_dir, gen):
    n = 0
    for red in ("mean", "sum", "none"):
        x = torch.randn(4, 7, generator=gen)
        y = torch.randn(4, 7, generator=gen)
        n += _case(out_dir, "mse_loss", red, lambda z: F.mse_loss(z, y, reduction=red), x, red, gen, dict(target=y))
    return n


def generate(out_dir):
    gen = torch.Generator().manual_seed(2015)
    count = _cross_entropy(out_dir, gen)
    count += _binary_with_logits(out_dir, gen)
    count += _kl_div(out_dir, gen)
    count += _entropy(out_dir)
    count += _nll_loss(out_dir, gen)
    count += _binary_cross_entropy(out_dir, gen)
    count += _mse_loss(out_dir, gen)
    return count
