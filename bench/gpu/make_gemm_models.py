#!/usr/bin/env python3
"""Writes single-MatMul ONNX models (A input, B constant, f32) for the GPU
GEMM benchmark: square 256..2048 and the BERT-base shapes.

    make_gemm_models.py OUT_DIR
"""
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SHAPES = [(256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048),
          (128, 768, 768), (128, 3072, 768), (128, 768, 3072)]  # (M, N, K)


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for m, n, k in SHAPES:
        b = rng.standard_normal((k, n), dtype=np.float32)
        graph = helper.make_graph(
            [helper.make_node("MatMul", ["a", "b"], ["c"], name="matmul")],
            f"gemm_{m}x{n}x{k}",
            [helper.make_tensor_value_info("a", TensorProto.FLOAT, [m, k])],
            [helper.make_tensor_value_info("c", TensorProto.FLOAT, [m, n])],
            [numpy_helper.from_array(b, "b")])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        name = f"gemm_{m}x{n}x{k}"
        onnx.save(model, out / f"{name}.onnx")
        np.save(out / f"{name}_a.npy", rng.standard_normal((m, k), dtype=np.float32))


if __name__ == "__main__":
    main()
