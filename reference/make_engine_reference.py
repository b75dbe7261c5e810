"""PyTorch cross-check of the engine's built-in models.

Run from the repository root with Debian's PyTorch:
    /usr/bin/python3 reference/make_engine_reference.py

Builds mlp-sigmoid-bn and cnn-bn as torch.nn.Sequential (the same layers as
org.normlab.nn.Models, so the same state_dict names), trains each briefly on the embedded
Fashion-MNIST subset (so that weights and BN running statistics are not at their initial
values), and writes to lab/src/test/resources/org/normlab/engine-reference/:
  <model>.safetensors   the state_dict (mlp-sigmoid-bn in F32; cnn-bn in F16, which also
                        exercises normlab's F16 reader: the model is evaluated with the
                        F16-rounded weights, so PyTorch and normlab see the same values);
                        metadata: accuracy and loss on the reference test set
  <model>-logits.safetensors  inputs (64 test images, F32) and PyTorch's eval-mode logits
  data/t10k-*-idx*-ubyte.gz   the reference test set: the first 1,000 Fashion-MNIST test images
"""
import gzip
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

RES = "lab/src/main/resources/org/normlab/lab/data/fashion-mnist"
OUT = "lab/src/test/resources/org/normlab/engine-reference"
TEST_COUNT = 1000
LOGIT_COUNT = 64

_DT = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64", torch.float64: "F64"}


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    blobs, offset = [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        data = t.numpy().tobytes()
        header[name] = {"dtype": _DT[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndims = data[3]
    dims = struct.unpack(">" + "I" * ndims, data[4:4 + 4 * ndims])
    return dims, data[4 + 4 * ndims:]


def write_idx(path, dims, payload):
    header = struct.pack(">HBB", 0, 8, len(dims)) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(header + payload)


def load(prefix):
    (n, h, w), images = read_idx(os.path.join(RES, f"{prefix}-images-idx3-ubyte.gz"))
    _, labels = read_idx(os.path.join(RES, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.frombuffer(bytearray(images), dtype=torch.uint8).reshape(n, 1, h, w).float() / 255
    y = torch.frombuffer(bytearray(labels), dtype=torch.uint8).long()
    return x, y


def mlp_sigmoid_bn():
    layers, width = [], 784
    for _ in range(3):
        layers += [nn.Linear(width, 100, bias=False), nn.BatchNorm1d(100), nn.Sigmoid()]
        width = 100
    layers.append(nn.Linear(100, 10))
    return nn.Sequential(*layers)


def cnn_bn():
    layers = []
    for i, (cin, cout) in enumerate([(1, 32), (32, 32), (32, 64), (64, 64)]):
        layers += [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
        if i % 2 == 1:
            layers.append(nn.MaxPool2d(2))
    layers += [nn.Flatten(), nn.Linear(64 * 7 * 7, 256, bias=False), nn.BatchNorm1d(256), nn.ReLU(),
               nn.Linear(256, 10)]
    return nn.Sequential(*layers)


def train(model, x, y, flat, steps, batch, lr):
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    g = torch.Generator().manual_seed(1)
    model.train()
    for _ in range(steps):
        idx = torch.randint(0, x.shape[0], (batch,), generator=g)
        xb = x[idx].reshape(batch, -1) if flat else x[idx]
        loss = F.cross_entropy(model(xb), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    os.makedirs(os.path.join(OUT, "data"), exist_ok=True)
    xtr, ytr = load("train")
    xte, yte = load("t10k")
    xte, yte = xte[:TEST_COUNT], yte[:TEST_COUNT]
    (_, h, w), images = read_idx(os.path.join(RES, "t10k-images-idx3-ubyte.gz"))
    _, labels = read_idx(os.path.join(RES, "t10k-labels-idx1-ubyte.gz"))
    write_idx(os.path.join(OUT, "data", "t10k-images-idx3-ubyte.gz"), (TEST_COUNT, h, w), images[:TEST_COUNT * h * w])
    write_idx(os.path.join(OUT, "data", "t10k-labels-idx1-ubyte.gz"), (TEST_COUNT,), labels[:TEST_COUNT])
    for name, build, flat, steps, batch, lr, dtype in [
            ("mlp-sigmoid-bn", mlp_sigmoid_bn, True, 300, 60, 0.5, torch.float32),
            ("cnn-bn", cnn_bn, False, 60, 64, 0.05, torch.float16)]:
        model = build()
        train(model, xtr, ytr, flat, steps, batch, lr)
        state = model.state_dict()
        stored = {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in state.items()}
        model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in stored.items()})
        model.eval()
        with torch.no_grad():
            inputs = xte if not flat else xte.reshape(TEST_COUNT, -1)
            logits = model(inputs)
            loss = F.cross_entropy(logits, yte).item()
            correct = int((logits.argmax(1) == yte).sum())
        meta = {"model": name, "reference_correct": correct, "reference_count": TEST_COUNT,
                "reference_accuracy": correct / TEST_COUNT, "reference_loss": loss,
                "made_by": f"reference/make_engine_reference.py, PyTorch {torch.__version__}"}
        write_safetensors(os.path.join(OUT, f"{name}.safetensors"), stored, meta)
        write_safetensors(os.path.join(OUT, f"{name}-logits.safetensors"),
                          {"inputs": xte[:LOGIT_COUNT], "logits": logits[:LOGIT_COUNT]}, {"model": name})
        print(f"{name}: {correct}/{TEST_COUNT} correct, loss {loss:.4f}")


if __name__ == "__main__":
    main()
