#!/usr/bin/env python3
"""ONNX node tests on CUDA, in two halves (compile here, run on a GPU).

    cuda.py compile --aicc build/bin/aicc --cpu-results build/conformance/cpu-O2.json
                    --bundle build/gpu/conformance [--gpu-arch sm_90 ...] [--jobs 2]
                    [--aicc-flag=--gpu-fuse-rows ...]
        Compiles every test that passes on the CPU for each --gpu-arch (no GPU
        needed; ptxas must accept each kernel) and, for the first arch, writes
        an artifact, the inputs and the expected outputs as .npy into the
        bundle. Prints, per arch,
            conformance cuda-compile <arch>: P compiled, F failed of N
        and exits 1 if any test fails to compile for any arch.

    cuda.py run --bundle DIR --aicc-run bin/aicc-run [--out results.json]
        On a machine with a GPU (no MLIR, LLVM or onnx needed, only numpy):
        runs each artifact with aicc-run and compares with the expected
        outputs (the CPU runner's tolerances). Prints
            conformance cuda: P passed, F failed, U unsupported of N
        Without a GPU it says so and exits 77 (ctest: skipped) without
        counting anything.

    cuda.py run --bundle DIR --aicc-run bin/aicc-run --fake-driver build/fake-cuda
        No GPU needed: runs each artifact on the stand-in driver
        (tests/runtime/fake_cuda.c), which counts kernels without executing
        them and maps device memory so that any host access to it crashes.
        Checks the runtime and the artifacts' host code (buffers, copies,
        launches), not results. Prints
            conformance cuda-fake-driver: R ran, F failed of N
        and exits 1 if any fails.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import compare  # noqa: E402  (shared with run.py)

DATA_ROOT = Path("/usr/share/libonnx-testdata/data")
TIMEOUT_S = 120
# Inputs this small are bound (compiled for their value, `aicc --bind`).
BIND_MAX_ELEMENTS = 64


def safe_name(name):
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    return "_" + safe if not safe or safe[0] == "." else safe


def to_npy_array(array):
    # bf16 travels as its uint16 bits (the artifact's convention).
    if array.dtype.name == "bfloat16":
        return array.view(np.uint16)
    return array


def compile_one(aicc, suite, test_dir, arch, bundle, write_data, flags=()):
    import onnx
    from onnx import numpy_helper
    name = test_dir.name
    out = bundle / suite / name
    out.mkdir(parents=True, exist_ok=True)
    artifact = out / f"model-{arch}.aicc"
    cmd = [aicc, str(test_dir / "model.onnx"), "-target=cuda", f"--gpu-arch={arch}",
           *flags, "-o", str(artifact)]
    model = onnx.load(str(test_dir / "model.onnx"), load_external_data=False)
    init_names = {i.name for i in model.graph.initializer}
    input_names = [i.name for i in model.graph.input if i.name not in init_names]
    output_names = [o.name for o in model.graph.output]
    data_set = sorted(test_dir.glob("test_data_set_*"))[0]
    inputs = sorted(data_set.glob("input_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
    outputs = sorted(data_set.glob("output_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
    # Bind each input's shape from the test data (models may leave dims
    # symbolic), and the value of small ones: shape-like inputs (Reshape's
    # shape, Slice's starts, Resize's scales) must be known at compile time.
    arrays = [to_npy_array(numpy_helper.to_array(onnx.load_tensor(str(p)))) for p in inputs]
    for n, a, p in zip(input_names, arrays, inputs):
        if a.size <= BIND_MAX_ELEMENTS:
            cmd.append(f"--bind={n}={p}")
        elif a.ndim:
            cmd.append(f"--input-shape={n}=" + "x".join(str(d) for d in a.shape))
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
    if proc.returncode != 0:
        lines = [l for l in proc.stderr.splitlines() if "error" in l]
        return {"status": "failed", "reason": (lines[0] if lines else proc.stderr.strip())[-300:]}
    entry = {"status": "compiled", "inputs": [], "outputs": []}
    if write_data:
        for i, (n, a) in enumerate(zip(input_names, arrays)):
            np.save(out / f"input_{i}.npy", a)
            entry["inputs"].append([n, f"input_{i}.npy"])
        for i, (n, p) in enumerate(zip(output_names, outputs)):
            np.save(out / f"expected_{i}.npy",
                    to_npy_array(numpy_helper.to_array(onnx.load_tensor(str(p)))))
            entry["outputs"].append([safe_name(n), f"expected_{i}.npy"])
    else:
        artifact.unlink()  # compile-only check for this arch
    return entry


def cmd_compile(args):
    cpu = json.loads(Path(args.cpu_results).read_text())["results"]
    bundle = Path(args.bundle)
    bundle.mkdir(parents=True, exist_ok=True)
    arches = args.gpu_arch or ["sm_90"]
    index = {"arch": arches[0], "tests": {}}
    rc = 0
    for k, arch in enumerate(arches):
        jobs = []
        for suite, results in cpu.items():
            for name, r in sorted(results.items()):
                if r["status"] == "passed" and (not args.filter or args.filter in name):
                    jobs.append((suite, DATA_ROOT / suite / name))
        counts = {"compiled": 0, "failed": 0}
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            futures = {pool.submit(compile_one, args.aicc, s, d, arch, bundle, k == 0,
                                   args.aicc_flag or ()): (s, d.name)
                       for s, d in jobs}
            for i, fut in enumerate(concurrent.futures.as_completed(futures), 1):
                suite, name = futures[fut]
                try:
                    r = fut.result()
                except subprocess.TimeoutExpired:
                    r = {"status": "failed", "reason": f"compile timeout after {TIMEOUT_S}s"}
                counts[r["status"]] += 1
                if k == 0:
                    index["tests"][f"{suite}/{name}"] = r
                elif r["status"] == "failed":
                    index["tests"][f"{suite}/{name}"].setdefault("other_arch_failures", {})[arch] = r["reason"]
                if i % 100 == 0 or i == len(jobs):
                    print(f"[{arch}] {i}/{len(jobs)}", flush=True)
        print(f"conformance cuda-compile {arch}: {counts['compiled']} compiled, "
              f"{counts['failed']} failed of {len(jobs)}", flush=True)
        rc |= counts["failed"] > 0
    (bundle / "index.json").write_text(json.dumps(index, indent=1, sort_keys=True))
    for key, entry in sorted(index["tests"].items()):
        if entry["status"] != "compiled":
            print(f"  {key}: {entry['reason']}")
        for arch, reason in entry.get("other_arch_failures", {}).items():
            print(f"  {key} ({arch}): {reason}")
    return rc


def run_one(aicc_run, bundle, key, entry, arch, fake_driver=None):
    test = bundle / key
    env = None
    if fake_driver:
        env = dict(os.environ, LD_LIBRARY_PATH=str(fake_driver))
    with tempfile.TemporaryDirectory() as out:
        cmd = [aicc_run, str(test / f"model-{arch}.aicc"), "--output-dir", out]
        for n, f in entry["inputs"]:
            cmd += ["--input", f"{n}={test / f}"]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S,
                                  env=env)
        except subprocess.TimeoutExpired:
            return {"status": "failed", "reason": f"timeout after {TIMEOUT_S}s"}
        if proc.returncode != 0:
            why = proc.stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            return {"status": "failed", "reason": f"rc {proc.returncode}: {why[0][:300]}"}
        for n, f in entry["outputs"]:
            path = Path(out) / f"{n}.npy"
            if not path.exists():
                return {"status": "failed", "reason": f"no output '{n}'"}
            if fake_driver:
                continue  # the kernels did not run: nothing to compare
            ok, detail = compare(np.load(test / f), np.load(path))
            if not ok:
                return {"status": "failed", "reason": f"mismatch in {n}: {detail}"}
    return {"status": "passed", "reason": ""}


def cmd_run_fake(args):
    bundle = Path(args.bundle)
    index = json.loads((bundle / "index.json").read_text())
    fake = Path(args.fake_driver).resolve()
    if not (fake / "libcuda.so.1").exists():
        print(f"error: no libcuda.so.1 in {fake}", file=sys.stderr)
        return 1
    results = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_one, args.aicc_run, bundle, key, entry, index["arch"],
                               fake): key
                   for key, entry in index["tests"].items() if entry["status"] == "compiled"}
        for fut in concurrent.futures.as_completed(futures):
            results[futures[fut]] = fut.result()
    failed = sorted(k for k, r in results.items() if r["status"] != "passed")
    for key in failed:
        print(f"  {key}: {results[key]['reason']}")
    print(f"conformance cuda-fake-driver: {len(results) - len(failed)} ran, "
          f"{len(failed)} failed of {len(results)} (kernels counted, not executed)")
    return 1 if failed or not results else 0


def cmd_run(args):
    if args.fake_driver:
        return cmd_run_fake(args)
    bundle = Path(args.bundle)
    try:
        smi = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version",
                              "--format=csv,noheader"], capture_output=True, text=True)
        gpu = smi.stdout.strip() if smi.returncode == 0 else ""
    except FileNotFoundError:
        gpu = ""
    if not gpu:
        print("conformance cuda: skipped (no GPU: nvidia-smi finds none)")
        return 77  # ctest's SKIP_RETURN_CODE
    index = json.loads((bundle / "index.json").read_text())
    results = {}
    tests = index["tests"]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {}
        for key, entry in tests.items():
            if entry["status"] != "compiled":
                results[key] = {"status": "failed", "reason": "compile: " + entry["reason"]}
                continue
            futures[pool.submit(run_one, args.aicc_run, bundle, key, entry, index["arch"])] = key
        for fut in concurrent.futures.as_completed(futures):
            results[futures[fut]] = fut.result()
    counts = {k: sum(r["status"] == k for r in results.values()) for k in ("passed", "failed")}
    summary = {"gpu": gpu, "arch": index["arch"], "passed": counts["passed"],
               "failed": counts["failed"], "unsupported": 0, "total": len(results),
               "of_cpu_passing": len(results)}
    if args.out:
        Path(args.out).write_text(json.dumps({"summary": summary, "results": results},
                                             indent=1, sort_keys=True))
    for key, r in sorted(results.items()):
        if r["status"] != "passed" and args.verbose:
            print(f"  {key}: {r['reason']}")
    print(f"GPU: {gpu}")
    print(f"conformance cuda: {counts['passed']} passed, {counts['failed']} failed, "
          f"0 unsupported of {len(results)}")
    # Done-when of the CUDA issue: >= 90% of the CPU-passing tests pass.
    if args.check and counts["passed"] < 0.9 * len(results):
        print(f"error: fewer than 90% of the {len(results)} CPU-passing tests pass on CUDA",
              file=sys.stderr)
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compile")
    c.add_argument("--aicc", required=True)
    c.add_argument("--cpu-results", required=True)
    c.add_argument("--bundle", required=True)
    c.add_argument("--gpu-arch", action="append")
    c.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    c.add_argument("--filter", help="only tests whose name contains this")
    c.add_argument("--aicc-flag", action="append",
                   help="an extra aicc flag (e.g. --gpu-fuse-rows), repeatable")
    r = sub.add_parser("run")
    r.add_argument("--bundle", required=True)
    r.add_argument("--aicc-run", required=True)
    r.add_argument("--jobs", type=int, default=8)
    r.add_argument("--out")
    r.add_argument("-v", "--verbose", action="store_true")
    r.add_argument("--check", action="store_true",
                   help="fail when fewer than 90%% of the tests pass")
    r.add_argument("--fake-driver", metavar="DIR",
                   help="run on the stand-in libcuda.so.1 in DIR (no GPU; results not compared)")
    args = ap.parse_args()
    return cmd_compile(args) if args.command == "compile" else cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
