#!/usr/bin/env python3
"""GPU row-kernel benchmark (softmax, layer norm), run on the GPU machine
from build/gpu/:

    python3 rows_bench.py --out rows.json

For each rows/<op>_<shape>[_fused].aicc (bench/gpu/make_row_models.py;
`_fused` compiled with --gpu-fuse-rows: one kernel, a warp per row), aicc's
time is the sum of its kernels' GPU times (CUDA events, each launch issued 20
times back to back: AICC_CUDA_PROFILE=async, AICC_CUDA_PROFILE_REPEAT=20;
a softmax is several kernels today). Replayed launches make reductions
accumulate, so outputs are not checked here: tests/e2e/mma_sweep.py checks
these kernels. The peers are torch.softmax and torch.nn.functional.layer_norm
on the same shapes, timed with CUDA events over 50 runs after warm-up.
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


def torch_ms(op, shape):
    import torch
    import torch.nn.functional as F
    x = torch.randn(*shape, device="cuda")
    n = shape[-1]
    g, b = torch.randn(n, device="cuda"), torch.randn(n, device="cuda")
    fn = (lambda: torch.softmax(x, -1)) if op == "softmax" else \
        (lambda: F.layer_norm(x, (n,), g, b, 1e-5))
    for _ in range(5):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(50):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / 50


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rows, work = [], Path(tempfile.mkdtemp())
    for artifact in sorted((HERE / "rows").glob("*.aicc")):
        op, dims = artifact.stem.split("_", 1)
        fused = dims.endswith("_fused")
        dims = dims.removesuffix("_fused")
        shape = tuple(int(d) for d in dims.split("x"))
        x = work / f"{artifact.stem}.npy"
        np.save(x, np.random.default_rng(0).standard_normal(shape, dtype=np.float32))
        env = dict(os.environ, AICC_CUDA_PROFILE="async", AICC_CUDA_PROFILE_REPEAT="20")
        proc = subprocess.run([str(HERE / "bin" / "aicc-run"), str(artifact), "--input", f"x={x}",
                               "--output-dir", str(work / "out"), "--repeat", "3", "--warmup", "1"],
                              capture_output=True, text=True, env=env, timeout=600)
        if proc.returncode:
            rows.append({"op": op, "shape": dims, "fused": fused,
                         "error": proc.stderr.strip()[-300:]})
            continue
        kernels = {}
        for line in proc.stderr.splitlines():
            hit = re.match(r"aicc-cuda profile:\s+([\d.]+) ms\s+(\d+) calls\s+(\S+)", line)
            if hit:
                kernels[hit.group(3)] = float(hit.group(1)) / int(hit.group(2))
        aicc = sum(kernels.values())
        peer = torch_ms(op, shape)
        rows.append({"op": op, "shape": dims, "fused": fused, "aicc_kernels": len(kernels),
                     "aicc_ms": aicc,
                     "torch_ms": peer, "ratio_vs_torch": peer / aicc})
        print(rows[-1], flush=True)
    import torch
    Path(args.out).write_text(json.dumps({"gpu": torch.cuda.get_device_name(),
                                          "torch": torch.__version__, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
