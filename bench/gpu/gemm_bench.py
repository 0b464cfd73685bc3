#!/usr/bin/env python3
"""GPU GEMM benchmark, run on the GPU machine from build/gpu/:

    python3 gemm_bench.py --out gemm.json

For each gemm/gemm_MxNxK[_f16|_bf16][_strict|_staged|_wgmma|_splitk].aicc
(bench/gpu/make_gemm_models.py, compiled with -target=cuda: f32 on tf32
tensor cores by default, `_strict` with --gpu-precision=strict, f16 and
bf16 on m16n8k16 tensor cores; `_staged` with --gpu-stages=3, operands
staged in shared memory; `_wgmma` the same for --gpu-arch=sm_90a, on
wgmma.mma_async (H100/H200 only); `_splitk` with --gpu-split-k, the reduction
split and the partials summed by a second kernel: its time counts both),
inputs are drawn here (fixed seed; bf16
travels as uint16 bits) and the output checked against a float64 numpy
product of the same inputs (max error relative to max |ref|).
The aicc kernel time comes from the runtime's profile: CUDA events around
each launch, issued 20 times back to back (AICC_CUDA_PROFILE=async,
AICC_CUDA_PROFILE_REPEAT=20) so that the GPU is busy and clocked up as it
is for the peers (a GPU idling between synchronous launches runs its next
kernel at a fraction of its clock); the peers are torch.matmul (cuBLAS) on
the same shapes, for f32 strict and with TF32, for f16 and bf16 in their
type, timed with CUDA events over 50 runs after warm-up.
"""
import argparse
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def torch_ms(m, n, k, tf32, dtype="float32"):
    import torch
    torch.backends.cuda.matmul.allow_tf32 = tf32
    a = torch.randn(m, k, device="cuda").to(getattr(torch, dtype))
    b = torch.randn(k, n, device="cuda").to(getattr(torch, dtype))
    for _ in range(5):
        torch.matmul(a, b)
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    runs = 50
    start.record()
    for _ in range(runs):
        torch.matmul(a, b)
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / runs


def encode(a, dtype):
    """float32 -> the artifact's input type (bf16 as uint16 bits, rounded
    to nearest even)."""
    if dtype == "bfloat16":
        bits = a.view(np.uint32)
        return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    return a.astype(dtype)


def decode(a):
    """An input or output as stored -> float64."""
    if a.dtype == np.uint16:
        a = (a.astype(np.uint32) << 16).view(np.float32)
    return a.astype(np.float64)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rows = []
    work = Path(tempfile.mkdtemp())
    rng = np.random.default_rng(0)
    for artifact in sorted((HERE / "gemm").glob("gemm_*.aicc")):
        m, n, k = map(int, artifact.stem.split("_")[1].split("x"))
        tags = artifact.stem.split("_")[2:]
        strict, splitk = "strict" in tags, "splitk" in tags
        staged = "wgmma" if "wgmma" in tags else "staged" in tags
        dtype = "float16" if "f16" in tags else "bfloat16" if "bf16" in tags else "float32"
        a_path, b_path = work / f"a_{m}x{k}_{dtype}.npy", work / f"b_{k}x{n}_{dtype}.npy"
        for path, shape in [(a_path, (m, k)), (b_path, (k, n))]:
            if not path.exists():
                np.save(path, encode(rng.standard_normal(shape, dtype=np.float32), dtype))
        out = work / artifact.stem
        env = dict(os.environ, AICC_CUDA_PROFILE="async", AICC_CUDA_PROFILE_REPEAT="20")
        proc = subprocess.run([str(HERE / "bin" / "aicc-run"), str(artifact),
                               "--input", f"a={a_path}", "--input", f"b={b_path}",
                               "--output-dir", str(out), "--repeat", "5", "--warmup", "1"],
                              capture_output=True, text=True, env=env, timeout=600)
        shape = f"{m}x{n}x{k}"
        precision = dtype if dtype != "float32" else "strict" if strict else "tf32"
        if proc.returncode != 0:
            rows.append({"shape": shape, "precision": precision, "staged": staged,
                         "split_k": splitk, "error": proc.stderr.strip()[-300:]})
            print(rows[-1], flush=True)
            continue
        kernel_ms = 0.0
        for line in proc.stderr.splitlines():
            hit = re.match(r"aicc-cuda profile:\s+([\d.]+) ms\s+(\d+) calls", line)
            if hit:
                kernel_ms += float(hit.group(1)) / int(hit.group(2))
        end_to_end = float(proc.stdout.split("median ")[1].split(" ms")[0])
        got = decode(np.load(out / "c.npy"))
        ref = decode(np.load(a_path)) @ decode(np.load(b_path))
        err = float(np.max(np.abs(got - ref)) / np.max(np.abs(ref)))
        flops = 2.0 * m * n * k
        row = {"shape": shape, "precision": precision, "staged": staged,
               "split_k": splitk, "aicc_kernel_ms": kernel_ms, "aicc_end_to_end_ms": end_to_end,
               "aicc_tflops": flops / kernel_ms / 1e9, "max_rel_err": err}
        if dtype == "float32":
            f32, tf32 = torch_ms(m, n, k, False), torch_ms(m, n, k, True)
            row.update({"torch_f32_ms": f32, "torch_tf32_ms": tf32,
                        "ratio_vs_torch_f32": f32 / kernel_ms,
                        "ratio_vs_torch_tf32": tf32 / kernel_ms})
        else:
            peer = torch_ms(m, n, k, False, dtype)
            row.update({f"torch_{dtype}_ms": peer, "ratio_vs_torch": peer / kernel_ms})
        rows.append(row)
        print(rows[-1], flush=True)
    import torch
    report = {"gpu": torch.cuda.get_device_name(), "torch": torch.__version__, "rows": rows}
    Path(args.out).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
