"""The README's main job: builds a small MLP block as an ONNX model (fixed
seed), compiles and runs it with `aicc run` on the CPU, and prints aicc's
outputs next to numpy's reference.

usage: run_example.py AICC OUT_DIR
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

aicc, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(42)

# y = sigmoid(relu(x @ W1 + b1) @ W2 + b2)
w1 = rng.standard_normal((16, 32)).astype(np.float32) * 0.3
b1 = rng.standard_normal((32,)).astype(np.float32) * 0.1
w2 = rng.standard_normal((32, 4)).astype(np.float32) * 0.3
b2 = rng.standard_normal((4,)).astype(np.float32) * 0.1
nodes = [
    helper.make_node("MatMul", ["x", "w1"], ["h0"], name="fc1"),
    helper.make_node("Add", ["h0", "b1"], ["h1"], name="fc1_bias"),
    helper.make_node("Relu", ["h1"], ["h2"], name="act1"),
    helper.make_node("Gemm", ["h2", "w2", "b2"], ["logits"], name="fc2"),
    helper.make_node("Sigmoid", ["logits"], ["y"], name="out"),
]
graph = helper.make_graph(
    nodes, "mlp",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 16])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 4])],
    [numpy_helper.from_array(a, n) for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))])
model_path = os.path.join(out, "mlp.onnx")
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), model_path)

x = rng.standard_normal((3, 16)).astype(np.float32)
np.save(os.path.join(out, "x.npy"), x)
subprocess.run([aicc, "run", model_path, "--input", f"x={out}/x.npy",
                "--output-dir", out], check=True)

y = np.load(os.path.join(out, "y.npy"))
ref = 1 / (1 + np.exp(-(np.maximum(x @ w1 + b1, 0) @ w2 + b2)))
np.set_printoptions(precision=6, suppress=True)
print(f"\nmodel: {model_path}  (MatMul, Add, Relu, Gemm, Sigmoid)")
print("aicc output y:")
print(y)
print("numpy reference:")
print(ref)
err = np.abs(y - ref).max()
print(f"max abs difference: {err:.3g}")
sys.exit(0 if err < 1e-5 else 1)
