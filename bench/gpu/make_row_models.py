#!/usr/bin/env python3
"""Writes Softmax and LayerNormalization ONNX models (f32, input x, last
axis) for the GPU row-kernel benchmark (rows_bench.py): BERT-base's shapes
(softmax over 1x12x128x128, layer norm over 1x128x768) and larger ones.

    make_row_models.py OUT_DIR
"""
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SOFTMAX = [(1, 12, 128, 128), (4096, 1024)]
LAYERNORM = [(1, 128, 768), (4096, 1024)]


def save(out, name, node, shape, inits=()):
    graph = helper.make_graph(
        [node], name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(shape))], list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, out / f"{name}.onnx")


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for shape in SOFTMAX:
        save(out, "softmax_" + "x".join(map(str, shape)),
             helper.make_node("Softmax", ["x"], ["y"], axis=-1), shape)
    for shape in LAYERNORM:
        n = shape[-1]
        g = numpy_helper.from_array(rng.standard_normal(n).astype(np.float32), "g")
        b = numpy_helper.from_array(rng.standard_normal(n).astype(np.float32), "b")
        save(out, "layernorm_" + "x".join(map(str, shape)),
             helper.make_node("LayerNormalization", ["x", "g", "b"], ["y"], axis=-1,
                              epsilon=1e-5), shape, [g, b])


if __name__ == "__main__":
    main()
