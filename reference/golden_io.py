"""Writes golden case files in the safetensors format (see shared/docs/golden-format.md).

Written by hand (struct + json) so that only Debian's python3-torch is needed: PyTorch 1.13.1
has no safetensors support of its own.
"""
import json
import os
import struct

import torch

_DTYPES = {
    torch.float32: ("F32", "<f4"),
    torch.float64: ("F64", "<f8"),
    torch.int64: ("I64", "<i8"),
}


def write_case(path, op, meta, tensors):
    """Writes one case: metadata (op plus string values) and named tensors, contiguous, in
    PyTorch's logical order. The file is written to a temporary name, then renamed."""
    header = {"__metadata__": {"op": op}}
    for key, value in meta.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        header["__metadata__"][key] = str(value)
    blobs = []
    offset = 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        if t.dtype not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {t.dtype}")
        dtype, np_dtype = _DTYPES[t.dtype]
        data = t.numpy().astype(np_dtype).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)
