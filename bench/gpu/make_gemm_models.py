#!/usr/bin/env python3
"""Writes single-MatMul ONNX models (A and B inputs) for the GPU GEMM
benchmark: f32 (gemm_MxNxK) at square 256..4096 and the BERT-base shapes,
f16 and bf16 (gemm_MxNxK_f16 / _bf16) at square 1024..8192 and the BERT-base
shapes. The inputs are made on the GPU machine (gemm_bench.py), so the
artifacts stay small to carry.

    make_gemm_models.py OUT_DIR
"""
import sys
from pathlib import Path

import onnx
from onnx import TensorProto, helper

BERT = [(128, 768, 768), (128, 3072, 768), (128, 768, 3072)]
SHAPES = [(256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048),
          (4096, 4096, 4096)] + BERT  # (M, N, K)
HALF_SHAPES = [(1024, 1024, 1024), (2048, 2048, 2048), (4096, 4096, 4096),
               (8192, 8192, 8192)] + BERT
TYPES = {"": TensorProto.FLOAT, "_f16": TensorProto.FLOAT16, "_bf16": TensorProto.BFLOAT16}


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for suffix, elem in TYPES.items():
        for m, n, k in SHAPES if not suffix else HALF_SHAPES:
            name = f"gemm_{m}x{n}x{k}{suffix}"
            graph = helper.make_graph(
                [helper.make_node("MatMul", ["a", "b"], ["c"], name="matmul")], name,
                [helper.make_tensor_value_info("a", elem, [m, k]),
                 helper.make_tensor_value_info("b", elem, [k, n])],
                [helper.make_tensor_value_info("c", elem, [m, n])])
            model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
            model.ir_version = 8
            onnx.save(model, out / f"{name}.onnx")


if __name__ == "__main__":
    main()
