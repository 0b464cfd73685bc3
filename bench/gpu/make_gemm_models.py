#!/usr/bin/env python3
"""Writes single-MatMul ONNX models (A and B inputs, f32) for the GPU GEMM
benchmark: square 256..4096 and the BERT-base shapes. The inputs are made
on the GPU machine (gemm_bench.py), so the artifacts stay small to carry.

    make_gemm_models.py OUT_DIR
"""
import sys
from pathlib import Path

import onnx
from onnx import TensorProto, helper

SHAPES = [(256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048),
          (4096, 4096, 4096), (128, 768, 768), (128, 3072, 768),
          (128, 768, 3072)]  # (M, N, K)


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for m, n, k in SHAPES:
        graph = helper.make_graph(
            [helper.make_node("MatMul", ["a", "b"], ["c"], name="matmul")],
            f"gemm_{m}x{n}x{k}",
            [helper.make_tensor_value_info("a", TensorProto.FLOAT, [m, k]),
             helper.make_tensor_value_info("b", TensorProto.FLOAT, [k, n])],
            [helper.make_tensor_value_info("c", TensorProto.FLOAT, [m, n])])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        name = f"gemm_{m}x{n}x{k}"
        onnx.save(model, out / f"{name}.onnx")


if __name__ == "__main__":
    main()
