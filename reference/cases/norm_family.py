"""Golden cases for layer_norm, group_norm and instance_norm (see shared/docs/golden-format.md),
and for two ops PyTorch 1.13 has no module for, written as PyTorch expressions whose gradients
come from autograd: rms_norm (x * rsqrt(mean(x^2) + eps) * weight over the last k dims) and
lp_norm (Santurkar et al.: per channel over N and positions, (x - mean) / s * weight + bias with
s = mean|x| + eps, sqrt(mean(x^2) + eps) or max|x| + eps, taken before centring).

Inputs are seeded normal values with a non-zero mean and scale (so centring and scaling both
matter); affine weights and biases are random, not PyTorch's ones and zeros, so their gradients
and effect are tested. Outputs and gradients come from PyTorch's autograd (float32).
"""
import os

import torch
import torch.nn.functional as F

from golden_io import write_case

# (name, input shape, k, affine)
LAYER_NORM = [
    ("nc_k1_affine", (4, 10), 1, True),
    ("ncl_k2_affine", (3, 5, 8), 2, True),
    ("ncl_k2_plain", (2, 3, 16), 2, False),
    ("nchw_k1_plain", (2, 3, 4, 5), 1, False),
    ("nchw_k3_affine", (2, 3, 4, 5), 3, True),
    ("rows_k1_wide", (5, 67), 1, True),
]

# (name, input shape, groups, affine)
GROUP_NORM = [
    ("nc_g3_affine", (4, 6), 3, True),
    ("ncl_g4_affine", (3, 8, 10), 4, True),
    ("ncl_g1_plain", (2, 6, 7), 1, False),
    ("nchw_g2_plain", (2, 6, 5, 7), 2, False),
    ("nchw_g3_affine", (3, 6, 4, 4), 3, True),
    ("nchw_gc_affine", (2, 5, 3, 3), 5, True),
    ("ncdhw_g2_affine", (2, 4, 3, 3, 3), 2, True),
    ("nchw_g8_affine_wide", (2, 32, 6, 6), 8, True),
]

# (name, input shape, affine, track_running_stats, training)
INSTANCE_NORM = [
    ("ncl_plain", (3, 4, 9), False, False, True),
    ("nchw_affine_tracked_train", (2, 3, 5, 5), True, True, True),
    ("nchw_affine_tracked_eval", (2, 3, 5, 5), True, True, False),
    ("ncdhw_plain_eval_untracked", (2, 2, 3, 3, 3), False, False, False),
]


# (name, input shape, k, affine)
RMS_NORM = [
    ("rows_k1_affine", (4, 33), 1, True),
    ("ncl_k2_plain", (2, 3, 8), 2, False),
]

# (name, input shape, kind)
LP_NORM = [
    ("nc_l1", (16, 5), "L1"),
    ("nchw_l2", (4, 3, 3, 3), "L2"),
    ("ncl_linf", (6, 4, 5), "LINF"),
]


def _input(gen, shape):
    return (torch.randn(shape, generator=gen) * 2.0 + 0.5).requires_grad_(True)


def _affine(gen, shape):
    w = (1.0 + 0.5 * torch.randn(shape, generator=gen)).requires_grad_(True)
    b = (0.3 * torch.randn(shape, generator=gen)).requires_grad_(True)
    return w, b


def _backward(out, gen):
    grad_output = torch.randn(out.shape, generator=gen)
    out.backward(grad_output)
    return grad_output


def _case_tensors(x, out, grad_output, w, b):
    """Inputs, then expected values, named as golden-format.md says (weights only when affine)."""
    tensors = {"input": x, "grad_output": grad_output}
    if w is not None:
        tensors.update(weight=w, bias=b)
    tensors.update(output=out, grad_input=x.grad)
    if w is not None:
        tensors.update(grad_weight=w.grad, grad_bias=b.grad)
    return tensors


def layer_norm_cases(out_dir, gen):
    for name, shape, k, affine in LAYER_NORM:
        x = _input(gen, shape)
        normalized = shape[-k:]
        w, b = _affine(gen, normalized) if affine else (None, None)
        out = F.layer_norm(x, normalized, w, b, eps=1e-5)
        tensors = _case_tensors(x, out, _backward(out, gen), w, b)
        write_case(os.path.join(out_dir, f"layer_norm_{name}.safetensors"), "layer_norm",
                   {"normalized_dims": k, "eps": 1e-5, "affine": affine}, tensors)
    return len(LAYER_NORM)


def group_norm_cases(out_dir, gen):
    for name, shape, groups, affine in GROUP_NORM:
        x = _input(gen, shape)
        w, b = _affine(gen, (shape[1],)) if affine else (None, None)
        out = F.group_norm(x, groups, w, b, eps=1e-5)
        tensors = _case_tensors(x, out, _backward(out, gen), w, b)
        write_case(os.path.join(out_dir, f"group_norm_{name}.safetensors"), "group_norm",
                   {"groups": groups, "eps": 1e-5, "affine": affine}, tensors)
    return len(GROUP_NORM)


def instance_norm_cases(out_dir, gen):
    for name, shape, affine, track, training in INSTANCE_NORM:
        x = _input(gen, shape)
        c = shape[1]
        w, b = _affine(gen, (c,)) if affine else (None, None)
        rm = 0.2 * torch.randn(c, generator=gen) if track else None
        rv = (0.5 + torch.rand(c, generator=gen)) if track else None
        rm_out = rm.clone() if track else None
        rv_out = rv.clone() if track else None
        out = F.instance_norm(x, rm_out, rv_out, w, b, use_input_stats=training or not track,
                              momentum=0.1, eps=1e-5)
        tensors = _case_tensors(x, out, _backward(out, gen), w, b)
        if track:
            tensors.update(running_mean=rm, running_var=rv)
            tensors.update(running_mean_out=rm_out, running_var_out=rv_out)
        write_case(os.path.join(out_dir, f"instance_norm_{name}.safetensors"), "instance_norm",
                   {"eps": 1e-5, "momentum": 0.1, "affine": affine,
                    "track_running_stats": track, "training": training}, tensors)
    return len(INSTANCE_NORM)


def rms_norm_cases(out_dir, gen):
    eps = 1e-6
    for name, shape, k, affine in RMS_NORM:
        x = _input(gen, shape)
        dims = tuple(range(-k, 0))
        w = (1.0 + 0.5 * torch.randn(shape[-k:], generator=gen)).requires_grad_(True) if affine else None
        out = x * torch.rsqrt(x.pow(2).mean(dim=dims, keepdim=True) + eps)
        if affine:
            out = out * w
        tensors = {"input": x, "grad_output": _backward(out, gen)}
        if affine:
            tensors["weight"] = w
        tensors.update(output=out, grad_input=x.grad)
        if affine:
            tensors["grad_weight"] = w.grad
        write_case(os.path.join(out_dir, f"rms_norm_{name}.safetensors"), "rms_norm",
                   {"normalized_dims": k, "eps": eps, "affine": affine}, tensors)
    return len(RMS_NORM)


def lp_norm_cases(out_dir, gen):
    eps = 1e-5
    for name, shape, kind in LP_NORM:
        x = _input(gen, shape)
        with torch.no_grad():  # one clear largest |x| per channel: LINF's gradient has no ties
            for c in range(shape[1]):
                x[(0, c) + (0,) * (len(shape) - 2)] = 8.0 + c
        c = shape[1]
        w, b = _affine(gen, (c,))
        dims = [0] + list(range(2, len(shape)))
        view = (1, c) + (1,) * (len(shape) - 2)
        mean = x.mean(dim=dims, keepdim=True)
        if kind == "L1":
            size = x.abs().mean(dim=dims, keepdim=True) + eps
        elif kind == "L2":
            size = torch.sqrt(x.pow(2).mean(dim=dims, keepdim=True) + eps)
        else:
            size = x.abs().amax(dim=dims, keepdim=True) + eps
        out = (x - mean) / size * w.view(view) + b.view(view)
        tensors = _case_tensors(x, out, _backward(out, gen), w, b)
        write_case(os.path.join(out_dir, f"lp_norm_{name}.safetensors"), "lp_norm",
                   {"kind": kind, "eps": eps, "affine": True}, tensors)
    return len(LP_NORM)


def generate(out_dir):
    gen = torch.Generator().manual_seed(20150211)
    return layer_norm_cases(out_dir, gen) + group_norm_cases(out_dir, gen) \
        + instance_norm_cases(out_dir, gen) + rms_norm_cases(out_dir, gen) \
        + lp_norm_cases(out_dir, gen)
