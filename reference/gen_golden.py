#!/usr/bin/python3
"""Writes every golden case under core/src/test/resources/golden/<area>/.

Run with Debian's PyTorch: /usr/bin/python3 reference/gen_golden.py [area ...]
Each module reference/cases/<area>.py defines generate(out_dir) and writes its cases with
golden_io.write_case; cases are seeded, so re-running gives the same files.
"""
import importlib
import os
import pkgutil
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "core", "src", "test", "resources", "golden")


def main(argv):
    sys.path.insert(0, HERE)
    torch.set_num_threads(1)
    areas = argv or sorted(m.name for m in pkgutil.iter_modules([os.path.join(HERE, "cases")]))
    print(f"PyTorch {torch.__version__}; writing golden cases for {', '.join(areas)}")
    for area in areas:
        module = importlib.import_module(f"cases.{area}")
        out_dir = os.path.join(OUT, area)
        count = module.generate(out_dir)
        print(f"  {area}: {count} cases in {os.path.relpath(out_dir)}")


if __name__ == "__main__":
    main(sys.argv[1:])
