#!/usr/bin/env python3
"""Runs a bundle of CUDA artifacts on a machine with a GPU and reports JSON.

Built here (no GPU needed) by bench/gpu/make_bundle.sh into build/gpu/:
bin/aicc-run, lib/libaicc_runtime.so, conformance/ (tests/conformance/cuda.py
compile) and models/<name>[_strict|_implicit].aicc. On the GPU machine, from build/gpu/:

    python3 device_run.py --out results.json [--no-conformance] [--torch-compile]

runs the conformance bundle (cuda.py run) if present, then each model: the
ONNX model is rebuilt here by build_models.py (same script and seeds as the
artifact's, so nothing large is carried), onnxruntime (CPU) gives the
reference, aicc-run is checked against it and timed (median of 20 runs
after warm-up, inputs and outputs copied in and out each run), and the
PyTorch peers (torch_peer.py: eager, and torch.compile if asked) run the
same model on the GPU. Each artifact is also run with AICC_CUDA_MANAGED=1
(managed memory, as before the device arena) and AICC_CUDA_GRAPHS=1 (CUDA
graphs; the output checked is a replayed run's). Tolerance: strict artifacts allclose(rtol 1e-3,
atol 1e-4); tf32 ones max |error| <= 1e-2 of max |reference| (operands
rounded to 10 mantissa bits through 12 layers).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def manifest_line(artifact, kind):
    data = artifact.read_bytes()
    start = data.index(b"aicc-artifact")
    for line in data[start:data.index(b"\0", start)].split(b"\n"):
        if line.startswith(kind.encode() + b" "):
            return line.decode().split()[1:]
    return []


def base_of(artifact):
    """The bench model an artifact compiles: <model>[_strict|_implicit].aicc
    (--gpu-precision=strict, --gpu-implicit-gemm)."""
    return artifact.stem.removesuffix("_strict").removesuffix("_implicit")


def run_models(aicc_run, repeat, torch_compile):
    models = HERE / "models"
    artifacts = sorted(models.glob("*.aicc"))
    bases = sorted({base_of(a) for a in artifacts})
    if not bases:
        return {}
    onnx_dir = models / "onnx"
    subprocess.run([sys.executable, str(HERE / "build_models.py"), str(onnx_dir),
                    "--only", ",".join(bases)], check=True)
    import onnxruntime as ort
    refs, peers = {}, {}
    rng = np.random.default_rng(0)
    for base in bases:
        s = ort.InferenceSession(str(onnx_dir / f"{base}.onnx"))
        i = s.get_inputs()[0]
        x = rng.standard_normal(i.shape).astype(np.float32)
        np.save(models / f"{base}_in.npy", x)
        refs[base] = s.run(None, {i.name: x})[0]
        np.save(models / f"{base}_ref.npy", refs[base])
        cmd = [sys.executable, str(HERE / "torch_peer.py"), str(onnx_dir / f"{base}.onnx"),
               str(models / f"{base}_in.npy"), str(models / f"{base}_ref.npy")]
        if torch_compile:
            cmd.append("--compile")
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        peers[base] = (json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0
                       else {"error": proc.stderr.strip()[-300:]})
        print(f"torch {base}: {peers[base]}", flush=True)
    results = {}
    for artifact in artifacts:
        name, base = artifact.stem, base_of(artifact)
        device = manifest_line(artifact, "device")
        precision = device[3] if len(device) > 3 else "strict"
        input_name = manifest_line(artifact, "input")[0]
        ref = refs[base]

        def run(env_extra):
            """(row, None) or (None, reason): median and error of `repeat`
            runs with the extra environment (the output is the last run's)."""
            with tempfile.TemporaryDirectory() as out:
                cmd = [aicc_run, str(artifact), "--input",
                       f"{input_name}={models / (base + '_in.npy')}",
                       "--output-dir", out, "--repeat", str(repeat), "--warmup", "3"]
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                                      env=dict(os.environ, **env_extra))
                if proc.returncode != 0:
                    return None, proc.stderr.strip()[-300:]
                ms = float(proc.stdout.split("median ")[1].split(" ms")[0])
                got = np.load(next(Path(out).glob("*.npy")))
            err = float(np.max(np.abs(got.astype(np.float64) - ref)) /
                        (np.max(np.abs(ref)) + 1e-30))
            if precision == "tf32":
                ok = got.shape == ref.shape and err <= 1e-2
            else:
                ok = got.shape == ref.shape and np.allclose(got, ref, rtol=1e-3, atol=1e-4)
            return {"status": "passed" if ok else "failed", "median_ms": ms,
                    "max_rel_error": err}, None

        row, reason = run({})
        if row is None:
            results[name] = {"status": "failed", "reason": reason}
            print(f"model {name}: {results[name]}", flush=True)
            continue
        row.update(precision=precision, runs=repeat)
        ms = row["median_ms"]
        peer = peers.get(base, {})
        for key in ("eager_ms", "compile_ms"):
            if key in peer:
                row[f"torch_{key}"] = peer[key]
                row[f"speedup_vs_torch_{key[:-3]}"] = peer[key] / ms
        # The runtime's alternatives, same artifact: every buffer in managed
        # memory (as before the device arena), and CUDA graphs (replayed runs).
        for variant, env_extra in (("managed_memory", {"AICC_CUDA_MANAGED": "1"}),
                                   ("cuda_graphs", {"AICC_CUDA_GRAPHS": "1"})):
            other, reason = run(env_extra)
            row[variant] = other if other is not None else {"status": "failed",
                                                            "reason": reason}
        results[name] = row
        print(f"model {name}: {row}", flush=True)
    return {"models": results, "torch": peers}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--no-conformance", action="store_true")
    ap.add_argument("--torch-compile", action="store_true")
    args = ap.parse_args()
    aicc_run = str(HERE / "bin" / "aicc-run")
    smi = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,compute_cap",
                          "--format=csv,noheader"], capture_output=True, text=True)
    report = {"gpu": smi.stdout.strip()}
    if not args.no_conformance and (HERE / "conformance").exists():
        conf_json = Path(args.out).with_name("cuda-conformance.json")
        subprocess.run([sys.executable, str(HERE / "cuda.py"), "run", "--bundle",
                        str(HERE / "conformance"), "--aicc-run", aicc_run, "--jobs", "16",
                        "--out", str(conf_json), "-v"], check=False)
        report["conformance"] = (json.loads(conf_json.read_text())["summary"]
                                 if conf_json.exists() else None)
    report.update(run_models(aicc_run, args.repeat, args.torch_compile))
    Path(args.out).write_text(json.dumps(report, indent=1, sort_keys=True))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    sys.exit(main())
