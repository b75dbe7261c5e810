"""Ceiling rows: can a speed target be met at all? For every memory-bound row whose target asks for
a multiple of PyTorch's speed, the same PyTorch operation is timed beside the fastest loop a normlab
kernel could be: StreamKernel's vector loads and stores moving the row's minimum bytes (forward
rows: one array in, one out; forward+backward rows: three in, two out), nothing computed. Its
"PyTorch/normlab" is the most any Java kernel could reach against PyTorch in that run; where it is
below the row's multiple, the target is beyond this machine's memory bandwidth for code that
reads and writes those bytes. (Its "of copy" compares the loop with System.arraycopy of the same
bytes, the ceiling the other tables use.)

A channels-last training forward whose input is larger than the L3 must read x twice (every
channel occurs at every position, so no output can be written before all of x has been summed, and
by then its start has left the cache): for those rows a second ceiling, "ceiling2r.", times two
arrays in and one out, each of the tensor's size.

The rows are optional (a default full run leaves them out): run them with --rows '^ceiling' and
--out in bench/results/ when a target is in question.
"""
import importlib.util
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = ("batch_norm.py", "norm_family.py")
SECTION = "Ceilings: the same bytes through a vector load/store loop"
JMH = "org.normlab.bench.StreamBench.vectorStream"


def _rows_of(file_name):
    path = os.path.join(HERE, file_name)
    spec = importlib.util.spec_from_file_location("normlab_ceiling_" + file_name[:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ROWS


def _streams(row_id):
    """(arrays read, arrays written) of the row's minimum bytes."""
    return (3, 2) if row_id.endswith("fwd_bwd") else (1, 1)


def _multiple(target):
    found = re.search(r"([\d.]+)x PyTorch", str(target))
    return found.group(1) if found else None


def _l3_bytes():
    """This machine's L3 size in bytes from sysfs, or 0 when it does not say (then every
    channels-last forward gets its second ceiling)."""
    base = "/sys/devices/system/cpu/cpu0/cache"
    try:
        for index in sorted(os.listdir(base)):
            with open(os.path.join(base, index, "level")) as f:
                if f.read().strip() != "3":
                    continue
            with open(os.path.join(base, index, "size")) as f:
                size = f.read().strip()
            units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
            return int(size[:-1]) * units[size[-1]] if size[-1] in units else int(size)
    except (OSError, ValueError):
        pass
    return 0


L3_BYTES = _l3_bytes()


def _ceiling(row, prefix, name, reads, writes, moved):
    """The ceiling row of benchmark row `row`: the loop moving `moved` bytes over
    `reads` + `writes` equal arrays, beside the row's PyTorch operation."""
    return dict(
        id=prefix + row["id"],
        section=SECTION,
        name=name,
        jmh=JMH,
        params={"bytes": str(moved), "reads": str(reads), "writes": str(writes)},
        torch=row["torch"],
        bytes=row["bytes"],
        flops=None,
        target=f"{_multiple(row['target'])}x PyTorch",
        optional=True,
    )


ROWS = []
for _source in SOURCES:
    for _row in _rows_of(_source):
        if not _row["bytes"] or not _multiple(_row["target"]):
            continue
        _reads, _writes = _streams(_row["id"])
        ROWS.append(_ceiling(_row, "ceiling.", f"{_reads} in / {_writes} out, the bytes of: "
                             f"{_row['name']}", _reads, _writes, _row["bytes"]))
        # a training forward's minimum bytes are x and y, so the tensor is half of them
        if _row["id"].startswith("bn.nhwc.") and _row["id"].endswith(".train_fwd") \
                and _row["bytes"] // 2 > L3_BYTES:
            ROWS.append(_ceiling(_row, "ceiling2r.", f"2 in / 1 out, x read twice: {_row['name']}",
                                 2, 1, _row["bytes"] * 3 // 2))
