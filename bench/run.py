#!/usr/bin/env python3
"""Runs aicc's benchmarks with their peers in the same process and writes the
results as JSON plus a markdown table of ratios (aicc / peer, higher is
better for throughput).

    bench/run.py cpu [--build build] [--filter REGEX] [--min-time 0.5]

Writes bench/results/cpu-<date>.json and bench/results/cpu-<date>.md.
Peers: OpenBLAS sgemm, with the same thread count (1 and 2).
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run_cpu(args):
    binary = Path(args.build) / "bin" / "aicc-bench-cpu"
    if not binary.exists():
        print(f"error: {binary} not found; build with scripts/build.sh "
              "(needs libbenchmark-dev and libopenblas-dev)", file=sys.stderr)
        return 2
    cmd = [str(binary), "--benchmark_format=json",
           f"--benchmark_min_time={args.min_time}",
           "--benchmark_repetitions=3", "--benchmark_report_aggregates_only=true"]
    if args.filter:
        cmd.append(f"--benchmark_filter={args.filter}")
    print("running:", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        return proc.returncode or 1
    data = json.loads(proc.stdout)

    # Pair BM_<kernel>_<impl>/<shape> medians.
    rows = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        m = re.match(r"BM_(\w+?)_(aicc|openblas|onednn|onnxruntime)/(.*?)(/real_time)?_median$",
                     b["name"])
        if not m:
            continue
        kernel, impl, shape = m.group(1), m.group(2), m.group(3)
        if b.get("error_occurred"):
            rows.setdefault((kernel, shape), {})[impl] = None
            continue
        rows.setdefault((kernel, shape), {})[impl] = {
            "ms": b["real_time"], "gflops": b.get("GFLOP/s")}

    date = datetime.date.today().isoformat()
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    result = {"date": date, "cpu": cpu_name(),
              "context": data.get("context", {}),
              "results": [{"kernel": k, "shape": s, **v} for (k, s), v in sorted(rows.items())]}
    (out / f"cpu-{date}.json").write_text(json.dumps(result, indent=1) + "\n")

    lines = [f"# CPU benchmarks, {date}", "",
             f"CPU: {cpu_name()}. Median of 3 repetitions "
             f"(`bench/run.py cpu`). Ratio = aicc GFLOP/s / peer GFLOP/s.", "",
             "| kernel | shape | aicc ms | aicc GFLOP/s | peer | peer GFLOP/s | ratio |",
             "| --- | --- | ---: | ---: | --- | ---: | ---: |"]
    for (kernel, shape), impls in sorted(rows.items()):
        mine = impls.get("aicc")
        for peer in ("openblas", "onednn", "onnxruntime"):
            if peer not in impls:
                continue
            theirs = impls[peer]
            if not mine or not theirs:
                lines.append(f"| {kernel} | {shape} | error | | {peer} | | |")
                continue
            ratio = mine["gflops"] / theirs["gflops"]
            lines.append(f"| {kernel} | {shape} | {mine['ms']:.3f} | {mine['gflops']:.1f} | "
                         f"{peer} | {theirs['gflops']:.1f} | {ratio:.2f}x |")
    (out / f"cpu-{date}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("target", choices=["cpu"])
    ap.add_argument("--build", default=str(HERE.parent / "build"))
    ap.add_argument("--filter")
    ap.add_argument("--min-time", default="0.5")
    args = ap.parse_args()
    return run_cpu(args)


if __name__ == "__main__":
    sys.exit(main())
