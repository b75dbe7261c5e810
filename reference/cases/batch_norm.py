"""Golden cases for batch_norm (see shared/docs/golden-format.md).

Inputs are float32; every expected value is computed by PyTorch in float64 from those float32
inputs (torch.nn.functional.batch_norm forward, autograd backward, and the running-statistics
update done by F.batch_norm itself on float64 copies of the running buffers), then stored as F64.

Cases with metadata relu=true hold relu(batch_norm(x)) and the gradients through both (normlab's
fused BN+ReLU); the other cases have no "relu" key.

Momentum "none" is PyTorch's cumulative average: factor 1 / num_batches_tracked after the step's
increment (torch.nn.modules.batchnorm._BatchNorm.forward).
"""
import os

import torch
import torch.nn.functional as F

from golden_io import write_case

# (name, logical shape) per rank: NC, NCL, NCHW, NCDHW.
RANKS = [
    ("nc", (8, 5)),
    ("ncl", (4, 3, 7)),
    ("nchw", (2, 3, 5, 4)),
    ("ncdhw", (2, 3, 3, 4, 5)),
]

# Per rank: (suffix, training, affine, tracked, momentum, num_batches_tracked before).
MODES = [
    ("train", True, True, True, 0.1, 0),
    ("eval", False, True, True, 0.1, 5),
    ("train_noaffine", True, False, True, 0.1, 0),
    ("train_untracked", True, True, False, 0.1, 0),
    ("eval_untracked", False, True, False, 0.1, 0),
    ("train_m03", True, True, True, 0.3, 2),
    ("train_mnone", True, True, True, None, 3),
]


def make_case(path, shape, training, affine, tracked, momentum, nbt, eps=1e-5, seed=0,
              x=None, relu=False):
    g = torch.Generator().manual_seed(seed)
    c = shape[1]
    if x is None:
        x = torch.randn(shape, generator=g, dtype=torch.float32) * 1.5 + 0.5
    dy = torch.randn(shape, generator=g, dtype=torch.float32)
    weight = (torch.rand(c, generator=g) * 1.5 + 0.25).float()
    bias = (torch.randn(c, generator=g) * 0.5).float()
    rm = (torch.randn(c, generator=g) * 0.3).float()
    rv = (torch.rand(c, generator=g) + 0.5).float()

    xd = x.double().requires_grad_(True)
    wd = weight.double().requires_grad_(True)
    bd = bias.double().requires_grad_(True)
    rmd = rm.double().clone()
    rvd = rv.double().clone()
    # The factor F.batch_norm applies, exactly as nn.BatchNorm computes it.
    if momentum is None:
        factor = 1.0 / (nbt + 1) if training and tracked else 0.0
    else:
        factor = momentum
    y = F.batch_norm(xd, rmd if tracked else None, rvd if tracked else None,
                     wd if affine else None, bd if affine else None,
                     training=training or not tracked, momentum=factor, eps=eps)
    if relu:
        y = torch.relu(y)
    y.backward(dy.double())

    meta = {
        "training": training,
        "eps": eps,
        "momentum": "none" if momentum is None else momentum,
        "affine": affine,
        "track_running_stats": tracked,
        "num_batches_tracked": nbt,
        "seed": seed,
    }
    if relu:
        meta["relu"] = True
    tensors = {"input": x, "grad_output": dy}
    if affine:
        tensors["weight"] = weight
        tensors["bias"] = bias
    if tracked:
        tensors["running_mean"] = rm
        tensors["running_var"] = rv
    tensors["output"] = y.detach()
    tensors["grad_input"] = xd.grad
    if affine:
        tensors["grad_weight"] = wd.grad
        tensors["grad_bias"] = bd.grad
    if tracked:
        tensors["running_mean_out"] = rmd
        tensors["running_var_out"] = rvd
    write_case(path, "batch_norm", meta, tensors)


def generate(out_dir):
    count = 0

    def case(name, *args, **kwargs):
        nonlocal count
        make_case(os.path.join(out_dir, name + ".safetensors"), *args, **kwargs)
        count += 1

    seed = 1
    for rank_name, shape in RANKS:
        for suffix, training, affine, tracked, momentum, nbt in MODES:
            case(f"{rank_name}_{suffix}", shape, training, affine, tracked, momentum, nbt, seed=seed)
            seed += 1

    # Odd shapes.
    case("nc_n2_c3_train", (2, 3), True, True, True, 0.1, 0, seed=101)
    case("nc_n2_c3_eval", (2, 3), False, True, True, 0.1, 1, seed=102)
    case("ncl_n2_train", (2, 5, 3), True, True, True, 0.1, 0, seed=103)
    case("ncl_l1_train", (5, 4, 1), True, True, True, 0.1, 0, seed=104)
    case("ncl_l1_eval", (5, 4, 1), False, True, True, 0.1, 0, seed=105)
    case("nchw_3x7x5x13_train", (3, 7, 5, 13), True, True, True, 0.1, 0, seed=106)
    case("nchw_3x7x5x13_eval", (3, 7, 5, 13), False, True, True, 0.1, 0, seed=107)
    case("nchw_3x7x5x13_train_noaffine_untracked", (3, 7, 5, 13), True, False, False, 0.1, 0, seed=108)
    case("nchw_hw1_train", (4, 6, 1, 1), True, True, True, 0.1, 0, seed=109)
    case("nchw_hw1_eval", (4, 6, 1, 1), False, True, True, 0.1, 0, seed=110)
    case("nchw_17ch_train_m03", (2, 17, 9, 9), True, True, True, 0.3, 4, seed=111)
    case("ncdhw_n3_c2_train_mnone", (3, 2, 2, 3, 2), True, False, True, None, 0, seed=112)
    case("nc_eps1e-3_train", (16, 33), True, True, True, 0.1, 0, eps=1e-3, seed=113)
    case("nc_40x70_train", (40, 70), True, True, True, 0.1, 0, seed=114)

    # A constant channel (zero variance): rstd = 1/sqrt(eps), y = beta there.
    g = torch.Generator().manual_seed(120)
    x = torch.randn((3, 4, 5, 6), generator=g)
    x[:, 2] = 0.75
    case("nchw_constant_channel_train", (3, 4, 5, 6), True, True, True, 0.1, 0, seed=121, x=x)
    case("nchw_constant_channel_eval", (3, 4, 5, 6), False, True, True, 0.1, 0, seed=122, x=x)
    x = torch.randn((6, 3), generator=g)
    x[:, 0] = -2.0
    case("nc_constant_channel_train", (6, 3), True, False, True, 0.1, 0, seed=123, x=x)

    # Mean 100, std 1: catches E[x^2] - E[x]^2 computed in float.
    for name, shape, seed_ in [("nc", (64, 6), 130), ("ncl", (8, 5, 17), 131),
                               ("nchw", (4, 5, 8, 8), 132), ("ncdhw", (2, 3, 4, 5, 6), 133)]:
        x = torch.randn(shape, generator=torch.Generator().manual_seed(seed_)) + 100.0
        case(f"{name}_mean100_std1_train", shape, True, True, True, 0.1, 0, seed=seed_, x=x)
    x = torch.randn((4, 5, 8, 8), generator=torch.Generator().manual_seed(134)) + 100.0
    case("nchw_mean100_std1_untracked_eval", (4, 5, 8, 8), False, True, False, 0.1, 0, seed=134, x=x)

    # Fused BN + ReLU (optional metadata "relu": output = relu(batch_norm(x)), gradients through both).
    case("nchw_relu_train", (3, 4, 5, 6), True, True, True, 0.1, 0, seed=140, relu=True)
    case("nchw_relu_eval", (3, 4, 5, 6), False, True, True, 0.1, 0, seed=141, relu=True)
    case("nc_relu_train_noaffine", (16, 9), True, False, True, 0.1, 0, seed=142, relu=True)
    case("ncdhw_relu_train_untracked", (2, 3, 3, 4, 5), True, True, False, 0.1, 0, seed=143, relu=True)
    return count
