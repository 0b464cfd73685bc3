#!/usr/bin/env python3
"""GPU GEMM benchmark, run on the GPU machine from build/gpu/:

    python3 gemm_bench.py --out gemm.json

For each gemm/<name>.aicc (bench/gpu/make_gemm_models.py, compiled with
-target=cuda), the aicc kernel time comes from the runtime's profile
(AICC_CUDA_PROFILE=1: host time around each synchronous launch, so launch
overhead is included) over 20 runs; the peer is torch.matmul on the same
shapes, f32 strict (TF32 off, which is what aicc computes) and with TF32,
timed with CUDA events over 50 runs after warm-up.
"""
import argparse
import json
import os
import re
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent


def torch_ms(m, n, k, tf32):
    import torch
    torch.backends.cuda.matmul.allow_tf32 = tf32
    a = torch.randn(m, k, device="cuda")
    b = torch.randn(k, n, device="cuda")
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rows = []
    for artifact in sorted((HERE / "gemm").glob("gemm_*.aicc")):
        m, n, k = map(int, re.findall(r"\d+", artifact.stem))
        env = dict(os.environ, AICC_CUDA_PROFILE="1")
        proc = subprocess.run([str(HERE / "bin" / "aicc-run"), str(artifact), "--input",
                               f"a={HERE / 'gemm' / (artifact.stem + '_a.npy')}",
                               "--repeat", "20", "--warmup", "3"],
                              capture_output=True, text=True, env=env, timeout=600)
        if proc.returncode != 0:
            rows.append({"shape": f"{m}x{n}x{k}", "error": proc.stderr.strip()[-300:]})
            continue
        kernel_ms = 0.0
        for line in proc.stderr.splitlines():
            hit = re.match(r"aicc-cuda profile:\s+([\d.]+) ms\s+(\d+) calls", line)
            if hit:
                kernel_ms += float(hit.group(1)) / int(hit.group(2))
        end_to_end = float(proc.stdout.split("median ")[1].split(" ms")[0])
        flops = 2.0 * m * n * k
        strict, tf32 = torch_ms(m, n, k, False), torch_ms(m, n, k, True)
        rows.append({"shape": f"{m}x{n}x{k}", "aicc_kernel_ms": kernel_ms,
                     "aicc_end_to_end_ms": end_to_end,
                     "aicc_tflops": flops / kernel_ms / 1e9,
                     "torch_f32_ms": strict, "torch_tf32_ms": tf32,
                     "ratio_vs_torch_f32": strict / kernel_ms,
                     "ratio_vs_torch_tf32": tf32 / kernel_ms})
        print(rows[-1], flush=True)
    import torch
    report = {"gpu": torch.cuda.get_device_name(), "torch": torch.__version__, "rows": rows}
    Path(args.out).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
