#!/usr/bin/python3
"""Runs normlab's JMH benchmarks and the same operations in PyTorch, side by side, and writes
BENCHMARKS.md. Started by bench/run-benchmarks.sh (which finds JDK 25 and builds the jar);
run it with /usr/bin/python3 (Debian's python3-torch).

Rows come from bench/torch/*.py: each module defines ROWS, a list of dicts with
  id       unique name, e.g. "bn.nchw.64x64x56x56.train_fwd" (--rows filters on it)
  section  table heading
  name     what the row measures, for people
  jmh      fully qualified JMH method, e.g. "org.normlab.bench.GemmBench.sgemm"
  params   JMH @Param values besides threads, e.g. {"size": "1024"} (no commas: JMH splits on them)
  torch    fn() that builds the inputs and returns a zero-argument callable running PyTorch once
  bytes    minimum bytes moved per call, or None (gives GB/s and the fraction of a size-matched copy)
  flops    floating-point operations per call, or None (gives GFLOP/s)
  target   None, a string, or {threads: string}; comma-separated conditions, all of which must hold:
           "2x PyTorch", ">= 150 GFLOP/s", ">= 30 GB/s", ">= 85% of copy", ">= 1.8x 1-thread"
  jvm      (may be left out) more JVM flags for this row's JMH forks, after the common ones
  optional (may be left out) True for rows that only run when --rows selects them by name (the
           ceiling rows of bench/torch/ceiling.py), not in a default full run

For every row and thread count the script runs normlab (one JMH fork) and PyTorch (a fresh
/usr/bin/python3 process with the thread settings in its environment) back to back, for
--rounds rounds, and for rows with bytes a plain copy of the same bytes (StreamBench.copy). It
reports medians over rounds and the min-max spread. A row whose benchmark is missing or fails
is reported as an error in the table; the run goes on.
"""
import argparse
import datetime
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TORCH_DIR = os.path.join(HERE, "torch")
COPY_JMH = "org.normlab.bench.StreamBench.copy"


def transparent_huge_pages():
    """True when the kernel backs memory that asks for it (madvise) with 2 MiB pages."""
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            return "[never]" not in f.read()
    except OSError:
        return False


HUGE_PAGES = transparent_huge_pages()
# normlab as its launcher (./normlab) runs it: the Vector API module and the parallel collector.
# Under G1, the JVM's default, a training step's large short-lived tensors are humongous objects:
# the cnn-bn step measured about 280 ms against 220-250 ms with the parallel collector. And a heap
# on transparent huge pages where the kernel offers them (the launcher's same test): with 4 KiB
# pages, streaming tens of MB costs a TLB miss every 4 KiB (the cnn step at 1 thread measured
# 114-117 ms against 110-111 ms on huge pages, GroupNorm forward 5.9-7.8 against 5.4-5.6 ms).
JVM_FLAGS = "--add-modules=jdk.incubator.vector -XX:+UseParallelGC" + (
    " -XX:+UseTransparentHugePages" if HUGE_PAGES else "")

# PyTorch at its best on this machine (shared/docs/benchmarks.md): OpenBLAS's AVX-512 kernels,
# an allocator that reuses memory instead of mapping fresh pages for every large tensor, and, as
# normlab's heap, huge pages where the kernel offers them (glibc.malloc.hugetlb=1: malloc asks
# for them with madvise; the cnn-bn step measured 201-208 ms against 212-218 ms without).
TORCH_SETTINGS = {
    "OPENBLAS_CORETYPE": "SkylakeX",
    "GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=4294967296:glibc.malloc.trim_threshold=4294967296"
    + (":glibc.malloc.hugetlb=1" if HUGE_PAGES else ""),
}
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
LOCK_RETRIES = 60
STARTED_LOAD = os.getloadavg()  # 1, 5 and 15 minutes: how busy the machine was when the run began
REQUIRED_KEYS = ("id", "section", "name", "jmh", "params", "torch", "bytes", "flops", "target")


class BenchError(Exception):
    """A benchmark that could not be measured; its message goes into the table's notes."""


# ---- rows -----------------------------------------------------------------------------------

def load_module(path):
    name = "normlab_rows_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def row_modules():
    return sorted(os.path.join(TORCH_DIR, f) for f in os.listdir(TORCH_DIR)
                  if f.endswith(".py") and not f.startswith("_"))


def load_rows():
    """All rows, each with its module path; modules that fail to load become load errors."""
    rows, errors, seen = [], [], set()
    for path in row_modules():
        try:
            module_rows = load_module(path).ROWS
        except Exception as e:  # a broken module must not stop the other areas' rows
            errors.append(f"{os.path.relpath(path, ROOT)}: {type(e).__name__}: {e}")
            continue
        for row in module_rows:
            missing = [k for k in REQUIRED_KEYS if k not in row]
            if missing:
                errors.append(f"{os.path.relpath(path, ROOT)}: row {row.get('id')!r} lacks {missing}")
                continue
            if row["id"] in seen:
                errors.append(f"{os.path.relpath(path, ROOT)}: duplicate row id {row['id']!r}")
                continue
            seen.add(row["id"])
            rows.append(dict(row, module=path))
    return rows, errors


def target_for(row, threads):
    target = row["target"]
    if isinstance(target, dict):
        return target.get(threads)
    return target


# ---- measuring ------------------------------------------------------------------------------

def torch_env(threads):
    env = dict(os.environ)
    env.update(TORCH_SETTINGS)
    for var in THREAD_VARS:
        env[var] = str(threads)
    return env


def last_lines(text, n=3):
    lines = [l.strip() for l in text.splitlines() if l.strip() and not l.startswith("WARNING")]
    return " | ".join(lines[-n:]) if lines else "(no output)"


def run_jmh(args, bench, params, threads, jvm=""):
    """Median ms per call over the measurement iterations of one JMH fork (jvm: extra flags)."""
    for key, value in params.items():
        if "," in str(value):
            raise BenchError(f"param {key}={value!r} contains a comma, which JMH splits on")
    # Quick runs still need two warm-up seconds: the first calls of a Vector API kernel run in
    # the interpreter, a hundred times slower than compiled (a cold 512^3 SGEMM takes seconds).
    warmups, iterations = str(args.warmups), str(args.iterations)
    with tempfile.TemporaryDirectory(prefix="normlab-jmh-") as tmp:
        result = os.path.join(tmp, "result.json")
        cmd = [args.java, "-jar", args.jar, "^" + re.escape(bench) + "$",
               "-f", "1", "-wi", warmups, "-w", "1", "-i", iterations, "-r", "1",
               "-jvmArgsAppend", (JVM_FLAGS + " " + jvm).strip(), "-p", f"threads={threads}"]
        for key, value in params.items():
            cmd += ["-p", f"{key}={value}"]
        cmd += ["-rf", "json", "-rff", result]
        for attempt in range(LOCK_RETRIES + 1):
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, cwd=ROOT)
            except subprocess.TimeoutExpired:
                raise BenchError(f"JMH timed out after {args.timeout} s")
            if "Unable to acquire the JMH lock" not in proc.stdout + proc.stderr or attempt == LOCK_RETRIES:
                break
            # Another JMH run holds /tmp/jmh.lock; running beside it would spoil both.
            print("benchmarks: another JMH run is in progress; waiting 10 s", file=sys.stderr, flush=True)
            time.sleep(10)
        if proc.returncode != 0 or not os.path.exists(result):
            raise BenchError(f"JMH exit {proc.returncode}: {last_lines(proc.stdout + proc.stderr)}")
        with open(result) as f:
            data = json.load(f)
    if not data:
        raise BenchError(f"JMH ran no benchmark named {bench}: {last_lines(proc.stdout)}")
    metric = data[0]["primaryMetric"]
    raw = [v for fork in metric.get("rawData", []) for v in fork] or [metric["score"]]
    scale = {"ns/op": 1e-6, "us/op": 1e-3, "ms/op": 1.0, "s/op": 1e3}.get(metric["scoreUnit"])
    if scale is None:
        raise BenchError(f"unexpected JMH unit {metric['scoreUnit']}")
    return statistics.median(raw) * scale


def run_torch(args, row, threads):
    """Median ms per call, timed in a fresh /usr/bin/python3 with the thread settings."""
    cmd = [sys.executable, os.path.abspath(__file__), "--torch-child", row["module"], row["id"],
           str(threads)] + (["--quick"] if args.quick else [])
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout,
                              env=torch_env(threads), cwd=ROOT)
    except subprocess.TimeoutExpired:
        raise BenchError(f"PyTorch timed out after {args.timeout} s")
    if proc.returncode != 0:
        raise BenchError(f"PyTorch exit {proc.returncode}: {last_lines(proc.stderr)}")
    return json.loads(proc.stdout.strip().splitlines()[-1])["ms"]


def torch_child(module, row_id, threads, quick):
    """In the child: warm up, then time single calls with perf_counter; prints {"ms": median}."""
    import torch
    torch.set_num_threads(threads)
    rows = [r for r in load_module(module).ROWS if r["id"] == row_id]
    if not rows:
        raise SystemExit(f"no row {row_id!r} in {module}")
    run = rows[0]["torch"]()
    warm_s, measure_s = (0.2, 0.5) if quick else (0.5, 1.5)
    start, calls = time.perf_counter(), 0
    while calls < 3 or time.perf_counter() - start < warm_s:
        run()
        calls += 1
    times, start = [], time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < measure_s and len(times) < 2000):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    print(json.dumps({"ms": statistics.median(times) * 1e3, "calls": len(times)}))


def torch_info():
    """PyTorch version and the BLAS library it loaded, from a child with the benchmark settings."""
    code = ("import torch, json\n"
            "a = torch.randn(64, 64); torch.mm(a, a)\n"
            "libs = sorted({l.split()[-1] for l in open('/proc/self/maps')"
            " if 'blas' in l.lower() or 'mkl' in l.lower()})\n"
            "print(json.dumps({'version': torch.__version__, 'blas': libs}))\n")
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=120, env=torch_env(1))
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except Exception as e:
        return {"version": f"unknown ({e})", "blas": []}


# ---- results --------------------------------------------------------------------------------

class Result:
    """The measurements of one row at one thread count."""

    def __init__(self, row, threads):
        self.row, self.threads = row, threads
        self.normlab, self.torch, self.copy = [], [], []
        self.errors = []

    @staticmethod
    def stat(values):
        return statistics.median(values) if values else None


def spread(values):
    if not values:
        return "error"
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:.3g}"
    return f"{med:.3g} ({min(values):.3g}-{max(values):.3g})"


def check_target(text, res, one_thread):
    """'yes', 'no' or '?' for a target string (see the module docstring)."""
    if not text:
        return ""
    nl, pt, cp = Result.stat(res.normlab), Result.stat(res.torch), Result.stat(res.copy)
    verdicts = []
    for cond in (c.strip() for c in text.split(",")):
        m_pt = re.fullmatch(r"(?:>=\s*)?([\d.]+)x PyTorch", cond)
        m_gf = re.fullmatch(r">=\s*([\d.]+)\s*GFLOP/s", cond)
        m_gb = re.fullmatch(r">=\s*([\d.]+)\s*GB/s", cond)
        m_cp = re.fullmatch(r">=\s*([\d.]+)\s*% of copy", cond)
        m_sc = re.fullmatch(r">=\s*([\d.]+)x 1-thread", cond)
        value = None
        if m_pt and nl and pt:
            value, need = pt / nl, float(m_pt.group(1))
        elif m_gf and nl and res.row["flops"]:
            value, need = res.row["flops"] / (nl * 1e-3) / 1e9, float(m_gf.group(1))
        elif m_gb and nl and res.row["bytes"]:
            value, need = res.row["bytes"] / (nl * 1e-3) / 1e9, float(m_gb.group(1))
        elif m_cp and nl and cp:
            value, need = cp / nl, float(m_cp.group(1)) / 100
        elif m_sc and nl and one_thread:
            value, need = one_thread / nl, float(m_sc.group(1))
        verdicts.append("?" if value is None else ("yes" if value >= need else "no"))
    if "no" in verdicts:
        return "no"
    return "?" if "?" in verdicts else "yes"


def rate(row, ms):
    if ms is None:
        return ""
    if row["flops"]:
        return f"{row['flops'] / (ms * 1e-3) / 1e9:.1f} GFLOP/s"
    if row["bytes"]:
        return f"{row['bytes'] / (ms * 1e-3) / 1e9:.1f} GB/s"
    return ""


def machine_info(java):
    cpu = "unknown"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        fields = dict(l.split(":", 1) for l in out.splitlines() if ":" in l)
        cpu = f"{fields.get('Model name', '?').strip()}, {fields.get('CPU(s)', '?').strip()} CPUs"
        caches = [f"{k.strip()} {fields[k].strip()}" for k in ("L1d cache", "L2 cache", "L3 cache") if k in fields]
        if caches:
            cpu += " (" + ", ".join(caches) + ")"
    except OSError:
        pass
    proc = subprocess.run([java, "-version"], capture_output=True, text=True)
    jdk = (proc.stderr or proc.stdout).splitlines()
    return cpu, " / ".join(l.strip() for l in jdk[:2])


def render(args, results, load_errors, started, info, cpu, jdk, pending=0):
    by_key = {(r.row["id"], r.threads): r for r in results}
    started_load = " / ".join(f"{v:.1f}" for v in STARTED_LOAD)
    extra_jvm = {}  # flags -> the ids of the rows that add them (once each, in run order)
    for r in results:
        if r.row.get("jvm"):
            extra_jvm.setdefault(r.row["jvm"], {})[r.row["id"]] = None
    lines = [
        "# normlab benchmarks",
        "",
        f"Generated by `bench/run-benchmarks.sh {' '.join(args.argv)}`".rstrip() + f" on {started} UTC.",
        "",
        f"- CPU: {cpu}; load average at the start {started_load}",
        f"- JDK: {jdk}; JMH: one fork per measurement, {args.warmups} warm-up and {args.iterations}"
        f" measurement iterations of 1 s, `{JVM_FLAGS}`",
        *[f"- JMH forks of {', '.join(ids)} add `{flags}`" for flags, ids in sorted(extra_jvm.items())],
        f"- PyTorch {info['version']}; BLAS: {', '.join(info['blas']) or 'not detected'}",
        "- PyTorch settings: " + ", ".join(f"{k}={v}" for k, v in TORCH_SETTINGS.items())
        + ", " + "/".join(THREAD_VARS) + " = threads, torch.set_num_threads(threads)",
        "- Transparent huge pages: " + (
            "offered by the kernel; normlab's heap and PyTorch's allocator both ask for them"
            " (-XX:+UseTransparentHugePages, glibc.malloc.hugetlb=1)" if HUGE_PAGES
            else "not offered by the kernel; both sides run on 4 KiB pages"),
        f"- {args.rounds} round(s) per row and thread count, normlab and PyTorch back to back"
        " (A B A B ...). Times are medians over rounds in ms, with the min-max spread; each"
        " normlab value is the median of its JMH iterations, each PyTorch value the median of"
        " single calls timed with time.perf_counter after warm-up.",
        "- PyTorch/normlab: PyTorch's time divided by normlab's (above 1: normlab is faster)."
        " Of copy: a plain copy of the same bytes (StreamBench.copy, same threads) timed in the"
        " same rounds, divided by the row's time (the fraction of the size-matched bandwidth).",
    ]
    if pending:
        lines.append(f"- Incomplete: {pending} row and thread-count measurements were not run"
                     " (the run was interrupted or is still going).")
    lines += [
        "",
    ]
    sections = []
    for r in results:
        if r.row["section"] not in sections:
            sections.append(r.row["section"])
    notes = []
    for section in sections:
        lines += [f"## {section}", "",
                  "| Benchmark | Threads | normlab ms | PyTorch ms | PyTorch/normlab | normlab rate"
                  " | PyTorch rate | normlab of copy | PyTorch of copy | Target | Met |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
        for r in (r for r in results if r.row["section"] == section):
            nl, pt, cp = Result.stat(r.normlab), Result.stat(r.torch), Result.stat(r.copy)
            one = by_key.get((r.row["id"], 1))
            one_ms = Result.stat(one.normlab) if one else None
            target = target_for(r.row, r.threads)
            ratio = f"{pt / nl:.2f}" if nl and pt else ""
            nl_copy = f"{cp / nl:.2f}" if nl and cp else ""
            pt_copy = f"{cp / pt:.2f}" if pt and cp else ""
            name = r.row["name"]
            if r.errors:
                notes.append(f"`{r.row['id']}` ({r.threads} thread(s)): " + "; ".join(dict.fromkeys(r.errors)))
                name += f" [note {len(notes)}]"
            lines.append(f"| {name} | {r.threads} | {spread(r.normlab)} | {spread(r.torch)} | {ratio}"
                         f" | {rate(r.row, nl)} | {rate(r.row, pt)} | {nl_copy} | {pt_copy}"
                         f" | {target or ''} | {check_target(target, r, one_ms)} |")
        lines.append("")
    if notes or load_errors:
        lines += ["## Errors", ""]
        lines += [f"{i}. {n}" for i, n in enumerate(notes, 1)]
        lines += [f"- {e}" for e in load_errors]
        lines.append("")
    return "\n".join(lines)


def write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".benchmarks-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ---- main -----------------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(description="normlab vs PyTorch benchmarks -> BENCHMARKS.md")
    p.add_argument("--rows", default="", help="regular expression on row ids (default: all)")
    p.add_argument("--rounds", type=int, default=None, help="rounds per row (default 3; 1 with --quick)")
    p.add_argument("--threads", default="1,2", help="thread counts, comma-separated (default 1,2)")
    p.add_argument("--quick", action="store_true", help="1 round and short JMH runs (a smoke test)")
    p.add_argument("--warmups", type=int, default=None,
                   help="JMH warm-up iterations of 1 s (default 3; 2 with --quick)")
    p.add_argument("--iterations", type=int, default=None,
                   help="JMH measurement iterations of 1 s (default 5; 2 with --quick)")
    p.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"), help="output file")
    p.add_argument("--list", action="store_true", help="list the selected rows and exit")
    p.add_argument("--timeout", type=int, default=900, help="seconds allowed per measurement")
    args = p.parse_args(argv)
    args.argv = argv
    # run-benchmarks.sh says which java (JDK 25+) and which jar to use.
    args.java = os.environ.get("NORMLAB_JAVA", "java")
    args.jar = os.environ.get("NORMLAB_BENCH_JAR", os.path.join(HERE, "target", "benchmarks.jar"))
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    if args.warmups is None:
        args.warmups = 2 if args.quick else 3
    if args.iterations is None:
        args.iterations = 2 if args.quick else 5
    if args.rounds < 1:
        p.error(f"--rounds: expected at least 1, got {args.rounds}")
    try:
        args.thread_counts = [int(t) for t in args.threads.split(",")]
        if any(t < 1 for t in args.thread_counts):
            raise ValueError
    except ValueError:
        p.error(f"--threads: expected positive integers like 1,2, got {args.threads!r}")
    return args


def main(argv):
    if argv[:1] == ["--torch-child"]:
        torch_child(argv[1], argv[2], int(argv[3]), "--quick" in argv[4:])
        return 0
    args = parse_args(argv)
    rows, load_errors = load_rows()
    rows = [r for r in rows
            if re.search(args.rows, r["id"]) and (args.rows or not r.get("optional"))]
    if args.list:
        for r in rows:
            print(f"{r['id']:45} {r['jmh']} {r['params']}")
        for e in load_errors:
            print("error:", e)
        return 0
    if not rows:
        print(f"benchmarks: no row id matches {args.rows!r}", file=sys.stderr)
        return 2
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    cpu, jdk = machine_info(args.java)
    info = torch_info()
    results, copies = [], {}
    total, done = len(rows) * len(args.thread_counts), 0
    # Every row at one thread count before the next count: an interrupted run still covers all rows.
    for threads in args.thread_counts:
        for row in rows:
            res = Result(row, threads)
            results.append(res)
            done += 1
            copy_key = (row["bytes"], threads)
            measure_copy = row["bytes"] and copy_key not in copies
            for rnd in range(args.rounds):
                for label, values, fn in (
                        ("normlab", res.normlab, lambda: run_jmh(args, row["jmh"], row["params"], threads, row.get("jvm", ""))),
                        ("PyTorch", res.torch, lambda: run_torch(args, row, threads)),
                        ("copy", copies.setdefault(copy_key, []) if measure_copy else None,
                         lambda: run_jmh(args, COPY_JMH, {"bytes": str(row["bytes"])}, threads))):
                    if values is None or (rnd > 0 and not values and label != "copy"):
                        continue  # no copy for this row, or it already failed in round 1
                    try:
                        values.append(fn())
                        print(f"[{done}/{total}] {row['id']} threads {threads} round {rnd + 1}:"
                              f" {label} {values[-1]:.4g} ms", file=sys.stderr, flush=True)
                    except BenchError as e:
                        res.errors.append(f"{label}: {e}")
                        print(f"[{done}/{total}] {row['id']} threads {threads}: {label} error: {e}",
                              file=sys.stderr, flush=True)
            if row["bytes"]:
                res.copy = copies.get(copy_key, [])
            # Rewrite the table after every row, so an interrupted run still leaves what it measured.
            pending = total - done
            write_atomically(args.out, render(args, results, load_errors, started, info, cpu, jdk,
                                              pending))
    print(f"benchmarks: wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
