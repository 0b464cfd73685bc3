#!/usr/bin/env python3
"""Runs aicc's benchmarks with their peers in the same process and writes the
results as JSON plus a markdown table of ratios (aicc / peer, higher is
better for throughput).

    bench/run.py cpu [--build build] [--filter REGEX] [--min-time 0.5]
    bench/run.py models [--build build] [--only resnet50,bert_base]

cpu: kernels against their peers, same thread count (1 and 2): sgemm vs
OpenBLAS; ResNet-50 convs, MobileNetV2 depthwise convs, softmax and layer
norm rows vs oneDNN; writes bench/results/cpu-<date>[-<tag>].{json,md}.
models: builds ResNet-50, MobileNetV2, BERT-base and ViT-B/16
(bench/models/build_models.py, under build/models), compiles each with
`aicc -o` (timed), checks aicc's output against onnxruntime's on one input,
then times both on 1 and 2 threads (aicc: aicc-bench-model on the
artifact; onnxruntime: InferenceSession with intra_op_num_threads, warm-up
then median of repeated runs); writes bench/results/models-<date>[-<tag>].{json,md}.
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


def cpuinfo(field):
    """The first `field` line's value in /proc/cpuinfo, or None."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(field):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def cpu_name():
    return cpuinfo("model name") or platform.processor() or "unknown"


def peer_environment(coretype):
    """The peers' process environment and a note on it for the report.

    OpenBLAS picks its kernels from OPENBLAS_CORETYPE, else from the CPU it
    detects. This workplace's environment sets OPENBLAS_CORETYPE=Haswell
    (AVX2 kernels: 115-120 GFLOP/s on sgemm 1024^3, one thread, on its Zen 5
    EPYC), while OpenBLAS's AVX-512 kernels reach 216-224 GFLOP/s on the
    same core. A peer should run at its best: `auto` runs it with
    OPENBLAS_CORETYPE=SkylakeX on a host with AVX-512 and with its own
    detection elsewhere; `inherit` keeps the caller's environment; anything
    else is the core type to force."""
    env = dict(os.environ)
    if coretype == "auto":
        env.pop("OPENBLAS_CORETYPE", None)
        if "avx512f" in (cpuinfo("flags") or "").split():
            env["OPENBLAS_CORETYPE"] = "SkylakeX"
    elif coretype != "inherit":
        env["OPENBLAS_CORETYPE"] = coretype
    chosen = env.get("OPENBLAS_CORETYPE")
    note = (f"OpenBLAS with OPENBLAS_CORETYPE={chosen}" if chosen else
            "OpenBLAS with the kernels it detects")
    return env, note


def result_stem(kind, date, args):
    """bench/results/<kind>-<date>[-<tag>]; refuses to overwrite unless --force."""
    stem = f"{kind}-{date}" + (f"-{args.tag}" if args.tag else "")
    if (HERE / "results" / f"{stem}.json").exists() and not args.force:
        sys.exit(f"bench/results/{stem}.json exists; pass --tag NAME to keep it "
                 "beside this run, or --force to replace it")
    return stem


def run_cpu(args):
    binary = Path(args.build) / "bin" / "aicc-bench-cpu"
    if not binary.exists():
        print(f"error: {binary} not found; build with scripts/build.sh "
              "(needs libbenchmark-dev and libopenblas-dev)", file=sys.stderr)
        return 2
    # aicc and the peers run in separate processes of the same binary, one
    # after the other: aicc's kernels use LLVM's OpenMP runtime, oneDNN uses
    # libgomp and OpenBLAS its own threads, and a runtime's idle workers
    # spinning after its benchmarks took the second core from the other's
    # (aicc on 2 threads measured up to 2x slower right after oneDNN).
    # (Google Benchmark's filters are POSIX regexes: no lookahead to combine
    # --filter with the implementation, so the names are listed first.)
    listing = subprocess.run([str(binary), "--benchmark_list_tests=true"] +
                             ([f"--benchmark_filter={args.filter}"] if args.filter else []),
                             capture_output=True, text=True)
    names = listing.stdout.split()
    data = {"benchmarks": []}
    peer_env, peer_note = peer_environment(args.openblas_coretype)
    for impls in (("aicc",), ("openblas", "onednn")):
        chosen = [n for n in names if n.split("/")[0].rsplit("_", 1)[-1] in impls]
        if not chosen:
            continue
        pattern = "^(" + "|".join(re.escape(n) for n in chosen) + ")$"
        cmd = [str(binary), "--benchmark_format=json",
               f"--benchmark_min_time={args.min_time}",
               "--benchmark_repetitions=3", "--benchmark_report_aggregates_only=true",
               f"--benchmark_filter={pattern}"]
        print(f"running {len(chosen)} {'/'.join(impls)} benchmarks:", " ".join(cmd[:-1]),
              flush=True)
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              env=None if impls == ("aicc",) else peer_env)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode or 1
        part = json.loads(proc.stdout)
        data.setdefault("context", part.get("context", {}))
        data["benchmarks"] += part.get("benchmarks", [])

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
    result = {"date": date, "cpu": cpu_name(), "peers": peer_note,
              "context": data.get("context", {}),
              "results": [{"kernel": k, "shape": s, **v} for (k, s), v in sorted(rows.items())]}
    stem = args.stem
    (out / f"{stem}.json").write_text(json.dumps(result, indent=1) + "\n")

    lines = [f"# CPU benchmarks, {date}", "",
             f"CPU: {cpu_name()}. Median of 3 repetitions; aicc and the peers in "
             f"separate processes, one after the other "
             f"(`bench/run.py cpu`); {peer_note}. Ratio = peer time / aicc "
             "time (higher is better for aicc; the same as the GFLOP/s ratio).", "",
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
            ratio = theirs["ms"] / mine["ms"]
            gflops = lambda r: f"{r['gflops']:.1f}" if r.get("gflops") else ""
            lines.append(f"| {kernel} | {shape} | {mine['ms']:.3f} | {gflops(mine)} | "
                         f"{peer} | {gflops(theirs)} | {ratio:.2f}x |")
    (out / f"{stem}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


def time_onnxruntime(path, threads, runs):
    import numpy as np
    import onnxruntime as ort
    import time
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    feeds = {i.name: np.random.default_rng(1).standard_normal(i.shape).astype(np.float32)
             for i in sess.get_inputs()}
    for _ in range(3):
        sess.run(None, feeds)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        sess.run(None, feeds)
        times.append((time.perf_counter() - t) * 1e3)
    return float(np.median(times))


def check_against_onnxruntime(aicc, model, artifact, work):
    import numpy as np
    import onnxruntime as ort
    sess = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    args = []
    feeds = {}
    for i in sess.get_inputs():
        x = np.random.default_rng(2).standard_normal(i.shape).astype(np.float32)
        feeds[i.name] = x
        np.save(work / f"{i.name}.npy", x)
        args += ["--input", f"{i.name}={work / (i.name + '.npy')}"]
    expected = sess.run(None, feeds)
    proc = subprocess.run([aicc, "run", str(artifact), "--output-dir", str(work / "out")] + args,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return f"aicc run failed: {proc.stderr.strip()[-200:]}"
    worst = 0.0
    for o, want in zip(sess.get_outputs(), expected):
        got = np.load(work / "out" / f"{o.name}.npy")
        worst = max(worst, float(np.abs(got - want).max() / (np.abs(want).max() + 1e-30)))
    return worst


def run_models(args):
    build = Path(args.build)
    aicc, bench = build / "bin" / "aicc", build / "bin" / "aicc-bench-model"
    if not aicc.exists() or not bench.exists():
        print("error: build aicc and aicc-bench-model first (scripts/build.sh)", file=sys.stderr)
        return 2
    models_dir = build / "models"
    names = args.only.split(",") if args.only else ["resnet50", "mobilenetv2", "bert_base", "vit_b16"]
    subprocess.run([sys.executable, str(HERE / "models" / "build_models.py"), str(models_dir),
                    "--only", ",".join(names)], check=True)
    rows = []
    for name in names:
        import time
        model, artifact = models_dir / f"{name}.onnx", models_dir / f"{name}.aicc"
        t = time.perf_counter()
        proc = subprocess.run([str(aicc), str(model), "-o", str(artifact)],
                              capture_output=True, text=True)
        compile_s = time.perf_counter() - t
        if proc.returncode != 0:
            print(f"{name}: compile failed: {proc.stderr.strip()[-300:]}", flush=True)
            rows.append({"model": name, "error": proc.stderr.strip()[-300:]})
            continue
        work = models_dir / f"{name}-check"
        work.mkdir(exist_ok=True)
        rel_err = check_against_onnxruntime(str(aicc), model, artifact, work)
        row = {"model": name, "compile_s": round(compile_s, 1), "max_rel_error": rel_err}
        out = subprocess.run([str(bench), f"--model={artifact}", "--threads=1,2",
                              "--benchmark_format=json", f"--benchmark_min_time={args.min_time}",
                              "--benchmark_repetitions=3",
                              "--benchmark_report_aggregates_only=true"],
                             capture_output=True, text=True)
        for b in json.loads(out.stdout)["benchmarks"] if out.returncode == 0 else []:
            if b.get("aggregate_name") == "median":
                threads = int(re.search(r"threads:(\d+)", b["name"]).group(1))
                row[f"aicc_ms_{threads}t"] = round(b["real_time"], 2)
        for threads in (1, 2):
            row[f"onnxruntime_ms_{threads}t"] = round(time_onnxruntime(model, threads, 10), 2)
        print(row, flush=True)
        rows.append(row)

    date = datetime.date.today().isoformat()
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    stem = args.stem
    (out_dir / f"{stem}.json").write_text(
        json.dumps({"date": date, "cpu": cpu_name(), "models": rows}, indent=1) + "\n")
    lines = [f"# Model latency, {date}", "",
             f"CPU: {cpu_name()}. Batch 1. aicc: the artifact through the runtime "
             "(median of 3 repetitions); onnxruntime: median of 10 runs after 3 warm-ups. "
             "Ratio = onnxruntime latency / aicc latency (higher is better for aicc). "
             "`bench/run.py models`.", "",
             "| model | compile s | max rel. error | threads | aicc ms | onnxruntime ms | ratio |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['model']} | failed | | | | | |")
            continue
        err = r["max_rel_error"]
        err = f"{err:.1e}" if isinstance(err, float) else err
        for t in (1, 2):
            a, o = r.get(f"aicc_ms_{t}t"), r.get(f"onnxruntime_ms_{t}t")
            ratio = f"{o / a:.2f}x" if a and o else ""
            lines.append(f"| {r['model']} | {r['compile_s']} | {err} | {t} | {a} | {o} | {ratio} |")
    (out_dir / f"{stem}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("target", choices=["cpu", "models"])
    ap.add_argument("--only", help="models: comma-separated subset")
    ap.add_argument("--build", default=str(HERE.parent / "build"))
    ap.add_argument("--filter")
    ap.add_argument("--openblas-coretype", default="auto",
                    help="cpu: OpenBLAS's kernels: auto (AVX-512 ones on an AVX-512 "
                    "host, whatever OPENBLAS_CORETYPE says), inherit (the "
                    "environment's), or a core type such as Haswell")
    ap.add_argument("--min-time", default="0.5")
    ap.add_argument("--tag", help="suffix of the result files: <kind>-<date>-<tag>")
    ap.add_argument("--force", action="store_true",
                    help="replace result files of the same name")
    args = ap.parse_args()
    # Checked before the run, which takes minutes.
    args.stem = result_stem(args.target, datetime.date.today().isoformat(), args)
    return run_cpu(args) if args.target == "cpu" else run_models(args)


if __name__ == "__main__":
    sys.exit(main())
