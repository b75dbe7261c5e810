"""Golden cases for the training engine: layers (forward and backward) and optimizers.

Ops (see shared/docs/golden-format.md for the file format):
  linear      meta bias;                      input (N,in), weight (out,in), bias, grad_output
              -> output, grad_input, grad_weight, grad_bias
  conv2d      meta stride, padding, bias;     input (N,C,H,W), weight (out,in,k,k), bias, grad_output
              -> output, grad_input, grad_weight, grad_bias
  max_pool2d / avg_pool2d  meta kernel, stride, padding;  input, grad_output -> output, grad_input
  activation  meta fn (relu, sigmoid, tanh);  input, grad_output -> output, grad_input
  optimizer   meta kind (sgd, adam, adamw), lr, momentum, nesterov, weight_decay, beta1, beta2,
              eps;  param (initial), grads (steps, size): one gradient per step
              -> params (steps, size): the parameter after each step
grad_* are gradients of sum(output * grad_output).
"""
import os

import torch
import torch.nn.functional as F

from golden_io import write_case


def _grads(out, inputs, grad_output):
    return torch.autograd.grad(out, inputs, grad_output)


def linear_cases(out_dir, g):
    count = 0
    for (n, fin, fout, bias) in [(1, 1, 1, True), (4, 7, 3, True), (33, 17, 15, False), (60, 100, 10, True)]:
        x = torch.randn(n, fin, generator=g, requires_grad=True)
        w = (torch.randn(fout, fin, generator=g) / fin ** 0.5).requires_grad_()
        b = torch.randn(fout, generator=g).requires_grad_() if bias else None
        y = F.linear(x, w, b)
        go = torch.randn_like(y)
        grads = _grads(y, [x, w] + ([b] if bias else []), go)
        t = {"input": x, "weight": w, "grad_output": go, "output": y,
             "grad_input": grads[0], "grad_weight": grads[1]}
        if bias:
            t["bias"] = b
            t["grad_bias"] = grads[2]
        write_case(os.path.join(out_dir, f"linear_{n}x{fin}x{fout}.safetensors"), "linear",
                   {"bias": bias, "rtol": 1e-4, "atol": 2e-5}, t)
        count += 1
    return count


def conv_cases(out_dir, g):
    count = 0
    for (n, cin, cout, h, w, k, stride, pad, bias) in [
        (1, 1, 1, 3, 3, 3, 1, 0, True),
        (2, 1, 4, 7, 7, 3, 1, 1, True),
        (3, 3, 5, 9, 8, 3, 2, 1, False),
        (2, 4, 6, 6, 10, 1, 1, 0, True),
        (2, 5, 3, 11, 9, 5, 2, 2, True),
        (4, 8, 8, 14, 14, 3, 1, 1, False),
    ]:
        x = torch.randn(n, cin, h, w, generator=g, requires_grad=True)
        wt = (torch.randn(cout, cin, k, k, generator=g) / (cin * k * k) ** 0.5).requires_grad_()
        b = torch.randn(cout, generator=g).requires_grad_() if bias else None
        y = F.conv2d(x, wt, b, stride=stride, padding=pad)
        go = torch.randn_like(y)
        grads = _grads(y, [x, wt] + ([b] if bias else []), go)
        t = {"input": x, "weight": wt, "grad_output": go, "output": y,
             "grad_input": grads[0], "grad_weight": grads[1]}
        if bias:
            t["bias"] = b
            t["grad_bias"] = grads[2]
        name = f"conv2d_{n}x{cin}x{h}x{w}_to{cout}_k{k}s{stride}p{pad}.safetensors"
        write_case(os.path.join(out_dir, name), "conv2d",
                   {"stride": stride, "padding": pad, "bias": bias, "rtol": 1e-4, "atol": 3e-5}, t)
        count += 1
    return count


def pool_cases(out_dir, g):
    count = 0
    for op, fn in (("max_pool2d", F.max_pool2d), ("avg_pool2d", F.avg_pool2d)):
        for (n, c, h, w, k, stride, pad) in [(1, 1, 2, 2, 2, 2, 0), (2, 3, 7, 7, 2, 2, 0),
                                             (2, 2, 9, 8, 3, 2, 1), (3, 4, 28, 28, 2, 2, 0)]:
            x = torch.randn(n, c, h, w, generator=g, requires_grad=True)
            y = fn(x, k, stride, pad)
            go = torch.randn_like(y)
            (gx,) = _grads(y, [x], go)
            write_case(os.path.join(out_dir, f"{op}_{n}x{c}x{h}x{w}_k{k}s{stride}p{pad}.safetensors"), op,
                       {"kernel": k, "stride": stride, "padding": pad},
                       {"input": x, "grad_output": go, "output": y, "grad_input": gx})
            count += 1
    return count


def activation_cases(out_dir, g):
    count = 0
    for fn in ("relu", "sigmoid", "tanh"):
        for size in (1, 17, 4097):
            x = (3 * torch.randn(size, generator=g)).requires_grad_()
            y = getattr(torch, fn)(x)
            go = torch.randn_like(y)
            (gx,) = _grads(y, [x], go)
            write_case(os.path.join(out_dir, f"activation_{fn}_{size}.safetensors"), "activation",
                       {"fn": fn, "rtol": 1e-5, "atol": 1e-6},
                       {"input": x, "grad_output": go, "output": y, "grad_input": gx})
            count += 1
    return count


def optimizer_cases(out_dir, g):
    count = 0
    steps, size = 5, 37
    configs = [
        ("sgd", dict(lr=0.1, momentum=0.0, nesterov=False, weight_decay=0.0)),
        ("sgd", dict(lr=0.05, momentum=0.9, nesterov=False, weight_decay=1e-2)),
        ("sgd", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)),
        ("adam", dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)),
        ("adam", dict(lr=3e-3, betas=(0.8, 0.99), eps=1e-6, weight_decay=1e-2)),
        ("adamw", dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)),
    ]
    for i, (kind, cfg) in enumerate(configs):
        p0 = torch.randn(size, generator=g)
        grads = torch.randn(steps, size, generator=g)
        p = p0.clone().requires_grad_()
        opt = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[kind]([p], **cfg)
        trajectory = []
        for s in range(steps):
            opt.zero_grad()
            p.grad = grads[s].clone()
            opt.step()
            trajectory.append(p.detach().clone())
        meta = {"kind": kind, "lr": cfg["lr"], "weight_decay": cfg["weight_decay"],
                "momentum": cfg.get("momentum", 0.0), "nesterov": cfg.get("nesterov", False),
                "beta1": cfg.get("betas", (0.9, 0.999))[0], "beta2": cfg.get("betas", (0.9, 0.999))[1],
                "eps": cfg.get("eps", 1e-8), "rtol": 1e-5, "atol": 1e-6}
        write_case(os.path.join(out_dir, f"optimizer_{i}_{kind}.safetensors"), "optimizer", meta,
                   {"param": p0, "grads": grads, "params": torch.stack(trajectory)})
        count += 1
    return count


def generate(out_dir):
    g = torch.Generator().manual_seed(20150211)
    return (linear_cases(out_dir, g) + conv_cases(out_dir, g) + pool_cases(out_dir, g)
            + activation_cases(out_dir, g) + optimizer_cases(out_dir, g))
