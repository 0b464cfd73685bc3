#!/usr/bin/env python3
"""f16 / bf16 MatMul on the CPU: aicc (JIT through the Python package) against
onnxruntime's CPU MatMul on the same model, in the same run, on one thread,
with the f32 MatMul of the same shape for scale. Weights are constants (as in
a model); the activation is the input. onnxruntime has no bf16 MatMul on
CPUs, so bf16 rows have aicc only.

    PYTHONPATH=build/python_packages .venv/bin/python bench/python/half_gemm.py \\
        [--out bench/results/cpu-half-gemm-DATE.json]

Each time is the median of 25 calls after 5 warm-up calls; ratio =
onnxruntime / aicc (higher: aicc faster).
"""
import argparse
import json
import platform
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

import aicc

SHAPES = [(128, 768, 768), (128, 3072, 768), (128, 768, 3072), (512, 512, 512),
          (1024, 1024, 1024)]  # (M, N, K)


def model(m, n, k, elem, b):
    init = helper.make_tensor("b", elem, b.shape, b.tobytes(), raw=True)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "b"], ["y"], name="mm")], "mm",
        [helper.make_tensor_value_info("a", elem, [m, k])],
        [helper.make_tensor_value_info("y", elem, None)], [init])
    out = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    out.ir_version = 9
    return out


def median_ms(fn):
    for _ in range(5):
        fn()
    times = []
    for _ in range(25):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times)) * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    args = ap.parse_args()
    import ml_dtypes
    types = [("f32", np.float32, TensorProto.FLOAT), ("f16", np.float16, TensorProto.FLOAT16),
             ("bf16", ml_dtypes.bfloat16, TensorProto.BFLOAT16)]
    rng = np.random.default_rng(0)
    rows = []
    for m, n, k in SHAPES:
        for name, np_type, elem in types:
            a = rng.standard_normal((m, k)).astype(np_type)
            b = rng.standard_normal((k, n)).astype(np_type)
            onnx_model = model(m, n, k, elem, b)
            compiled = aicc.compile(onnx_model, threads=1)
            row = {"shape": f"{m}x{n}x{k}", "type": name,
                   "aicc_ms": median_ms(lambda: compiled(a))}
            row["aicc_gflops"] = 2.0 * m * n * k / row["aicc_ms"] / 1e6
            if name != "bf16":
                options = ort.SessionOptions()
                options.intra_op_num_threads = 1
                session = ort.InferenceSession(onnx_model.SerializeToString(), options,
                                               providers=["CPUExecutionProvider"])
                row["ort_ms"] = median_ms(lambda: session.run(None, {"a": a}))
                row["ratio_ort_over_aicc"] = row["ort_ms"] / row["aicc_ms"]
            rows.append(row)
            print(" ".join(f"{key}={value:.3g}" if isinstance(value, float) else
                           f"{key}={value}" for key, value in row.items()), flush=True)
    if args.out:
        report = {"machine": platform.processor() or platform.machine(),
                  "onnxruntime": ort.__version__, "threads": 1, "rows": rows}
        with open(args.out, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
