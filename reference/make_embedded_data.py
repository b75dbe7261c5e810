"""Writes the Fashion-MNIST data embedded in the normlab CLI (lab resources).

Run with /usr/bin/python3 from the repository root:
    /usr/bin/python3 reference/make_embedded_data.py [SOURCE_DIR]
SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist).

Output (lab/src/main/resources/org/normlab/lab/data/fashion-mnist/):
  train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz: a class-balanced 10,000-image
      training subset: for each class 0..9, the first 1,000 images of that class in the
      original training file, kept in their original order;
  t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz: the full 10,000-image test set,
      re-written byte-identical in content (fresh gzip);
  LICENSE (the MIT/Expat licence of Fashion-MNIST) and README.md naming the source.
Gzip headers carry mtime 0 so that the files are reproducible.
"""
import gzip
import os
import struct
import sys

PER_CLASS = 1000
OUT = "lab/src/main/resources/org/normlab/lab/data/fashion-mnist"

LICENSE = """The MIT License (MIT) Copyright (c) 2017 Zalando SE, https://tech.zalando.com

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""

README = """# Embedded Fashion-MNIST

Source: Fashion-MNIST by Zalando Research (https://github.com/zalandoresearch/fashion-mnist),
as packaged by Debian (dataset-fashion-mnist, /usr/share/datasets/fashion-mnist). Licence: MIT
(see LICENSE).

- train-*: a class-balanced 10,000-image subset of the 60,000 training images: for each class
  0..9 the first 1,000 images of that class, in their original order.
- t10k-*: the full 10,000-image test set.

Written by reference/make_embedded_data.py; gzip IDX, the format of the original files.
Classes: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker,
8 Bag, 9 Ankle boot.
"""


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndims = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 8, path
    dims = struct.unpack(">" + "I" * ndims, data[4:4 + 4 * ndims])
    return dims, data[4 + 4 * ndims:]


def write_idx(path, dims, payload):
    header = struct.pack(">HBB", 0, 8, len(dims)) + struct.pack(">" + "I" * len(dims), *dims)
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(header + payload)
    os.replace(tmp, path)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    os.makedirs(OUT, exist_ok=True)
    (n, h, w), images = read_idx(os.path.join(src, "train-images-idx3-ubyte.gz"))
    (nl,), labels = read_idx(os.path.join(src, "train-labels-idx1-ubyte.gz"))
    assert n == nl
    size = h * w
    chosen = []
    for cls in range(10):
        idx = [i for i in range(n) if labels[i] == cls][:PER_CLASS]
        assert len(idx) == PER_CLASS, cls
        chosen.extend(idx)
    chosen.sort()  # original order, classes interleaved as in the source file
    sub_images = b"".join(images[i * size:(i + 1) * size] for i in chosen)
    sub_labels = bytes(labels[i] for i in chosen)
    write_idx(os.path.join(OUT, "train-images-idx3-ubyte.gz"), (len(chosen), h, w), sub_images)
    write_idx(os.path.join(OUT, "train-labels-idx1-ubyte.gz"), (len(chosen),), sub_labels)
    for kind, name in (("images", "t10k-images-idx3-ubyte.gz"), ("labels", "t10k-labels-idx1-ubyte.gz")):
        dims, payload = read_idx(os.path.join(src, name))
        write_idx(os.path.join(OUT, name), dims, payload)
    with open(os.path.join(OUT, "LICENSE"), "w") as f:
        f.write(LICENSE)
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(README)
    print(f"wrote {len(chosen)} training and 10000 test images to {OUT}")


if __name__ == "__main__":
    main()
