"""Shared models for the Python binding tests: built with onnx.helper from
fixed seeds (never downloaded), compared with onnxruntime."""

import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "models"))

import build_models  # noqa: E402  (the bench models' layer builders)


def make_model(nodes, inputs, outputs, inits=(), opset=17, check=True):
    graph = helper.make_graph(nodes, "test", inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    if check:
        onnx.checker.check_model(model)
    return model


def tensor(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


@pytest.fixture
def mlp():
    """x[2,4] -> MatMul -> Add -> Relu -> y[2,3] (named nodes)."""
    rng = np.random.default_rng(1)
    w = numpy_helper.from_array(rng.standard_normal((4, 3)).astype(np.float32), "w")
    b = numpy_helper.from_array(rng.standard_normal(3).astype(np.float32), "b")
    return make_model(
        [helper.make_node("MatMul", ["x", "w"], ["m"], name="matmul"),
         helper.make_node("Add", ["m", "b"], ["a"], name="bias"),
         helper.make_node("Relu", ["a"], ["y"], name="relu")],
        [tensor("x", TensorProto.FLOAT, [2, 4])], [tensor("y", TensorProto.FLOAT, [2, 3])],
        [w, b])


def small_cnn():
    g = build_models.Graph(7)
    x = g.conv_bn("x", 3, 8, 3)
    x = g.conv_bn(x, 8, 8, 3, group=8, act="relu6")  # depthwise
    x = g.conv_bn(x, 8, 16, 1, stride=2)
    x = g.op("GlobalAveragePool", [x])
    x = g.op("Flatten", [x])
    x = g.op("Gemm", [x, g.weight([10, 16]), g.weight([10], scale=0.1)], transB=1)
    x = g.op("Softmax", [x], axis=1)
    return g.model("small_cnn", [("x", [1, 3, 16, 16])], x, [1, 10])


def tiny_bert():
    g = build_models.Graph(11)
    x, weights = "hidden", {}
    for _ in range(2):
        x = build_models.encoder_layer(g, x, 16, 64, 4, 128, weights, pre_norm=False)
    return g.model("tiny_bert", [("hidden", [1, 16, 64])], x, [1, 16, 64])


def ort_run(model, feeds):
    import onnxruntime as ort

    session = ort.InferenceSession(model.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def rss_mib():
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
