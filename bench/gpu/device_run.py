#!/usr/bin/env python3
"""Runs a bundle of CUDA artifacts on a machine with a GPU and reports JSON.

Built here (no GPU needed) by bench/gpu/make_bundle.sh into build/gpu/:
bin/aicc-run, lib/libaicc_runtime.so, conformance/ (tests/conformance/cuda.py
compile), models/<name>.aicc with <name>_in.npy and <name>_ref.npy (the
onnxruntime CPU output). On the GPU machine, from build/gpu/:

    python3 device_run.py --out results.json

runs the conformance bundle (cuda.py run) and each model: checks its output
against the reference and times it (aicc-run --repeat, median of 20 runs
after warm-up, inputs and outputs copied in and out each run).
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def run_models(aicc_run, repeat):
    results = {}
    for artifact in sorted((HERE / "models").glob("*.aicc")):
        name = artifact.stem
        x, ref = HERE / "models" / f"{name}_in.npy", np.load(HERE / "models" / f"{name}_ref.npy")
        manifest = artifact.read_bytes()
        input_name = None
        for line in manifest.split(b"\n"):
            if line.startswith(b"input "):
                input_name = line.split()[1].decode()
                break
        with tempfile.TemporaryDirectory() as out:
            cmd = [aicc_run, str(artifact), "--input", f"{input_name}={x}", "--output-dir", out,
                   "--repeat", str(repeat), "--warmup", "3"]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            if proc.returncode != 0:
                results[name] = {"status": "failed", "reason": proc.stderr.strip()[-300:]}
                continue
            ms = float(proc.stdout.split("median ")[1].split(" ms")[0])
            got = np.load(next(Path(out).glob("*.npy")))
            err = float(np.max(np.abs(got.astype(np.float64) - ref)) / (np.max(np.abs(ref)) + 1e-30))
            ok = got.shape == ref.shape and np.allclose(got, ref, rtol=1e-3, atol=1e-4)
            results[name] = {"status": "passed" if ok else "failed", "median_ms": ms,
                             "max_rel_error": err, "runs": repeat}
        print(f"model {name}: {results[name]}", flush=True)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    aicc_run = str(HERE / "bin" / "aicc-run")
    smi = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,compute_cap",
                          "--format=csv,noheader"], capture_output=True, text=True)
    report = {"gpu": smi.stdout.strip()}
    conf_json = Path(args.out).with_name("cuda-conformance.json")
    subprocess.run([sys.executable, str(HERE / "cuda.py"), "run", "--bundle", str(HERE / "conformance"),
                    "--aicc-run", aicc_run, "--jobs", "16", "--out", str(conf_json), "-v"], check=False)
    report["conformance"] = json.loads(conf_json.read_text())["summary"] if conf_json.exists() else None
    report["models"] = run_models(aicc_run, args.repeat)
    Path(args.out).write_text(json.dumps(report, indent=1, sort_keys=True))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    sys.exit(main())
