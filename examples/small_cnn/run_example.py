"""The README's main job: builds a small CNN as an ONNX model (fixed seed),
compiles and runs it with `aicc run` on the CPU, and prints aicc's outputs
next to onnxruntime's; then compiles it into an artifact (`-o small_cnn.aicc`)
and checks that the artifact, run by the runtime, agrees too.

    Conv(3→8, 3x3, pad 1) → BatchNormalization → Relu → MaxPool(2x2)
    → Conv(8→16, 3x3, stride 2) → Relu → GlobalAveragePool → Flatten
    → Gemm(16→10) → Softmax

usage: run_example.py AICC OUT_DIR
"""
import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

aicc, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(42)


def weight(name, *shape, scale=0.3):
    return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


inits = [
    weight("w1", 8, 3, 3, 3), weight("b1", 8, scale=0.1),
    weight("bn_scale", 8), weight("bn_bias", 8, scale=0.1), weight("bn_mean", 8, scale=0.1),
    numpy_helper.from_array(rng.uniform(0.5, 1.5, 8).astype(np.float32), "bn_var"),
    weight("w2", 16, 8, 3, 3, scale=0.2), weight("b2", 16, scale=0.1),
    weight("fc_w", 10, 16), weight("fc_b", 10, scale=0.1),
]
nodes = [
    helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
    helper.make_node("BatchNormalization", ["c1", "bn_scale", "bn_bias", "bn_mean", "bn_var"],
                     ["bn1"], name="bn1"),
    helper.make_node("Relu", ["bn1"], ["r1"], name="relu1"),
    helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("Conv", ["p1", "w2", "b2"], ["c2"], name="conv2", strides=[2, 2]),
    helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
    helper.make_node("GlobalAveragePool", ["r2"], ["g"], name="gap"),
    helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
    helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["logits"], name="fc", transB=1),
    helper.make_node("Softmax", ["logits"], ["probs"], name="softmax", axis=1),
]
graph = helper.make_graph(
    nodes, "small_cnn",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 16, 16])],
    [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [2, 10])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
onnx.checker.check_model(model)
model_path = os.path.join(out, "small_cnn.onnx")
onnx.save(model, model_path)

x = rng.standard_normal((2, 3, 16, 16)).astype(np.float32)
np.save(os.path.join(out, "x.npy"), x)
subprocess.run([aicc, "run", model_path, "--input", f"x={out}/x.npy",
                "--output-dir", out], check=True)

y = np.load(os.path.join(out, "probs.npy"))
ref = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
np.set_printoptions(precision=5, suppress=True, linewidth=120)
print(f"\nmodel: {model_path}")
print("  " + " → ".join(n.op_type for n in nodes))
print("aicc output probs:")
print(y)
print("onnxruntime reference:")
print(ref)
err = np.abs(y - ref).max()
print(f"max abs difference: {err:.3g}")

# The same model compiled ahead of time into an artifact and run by the
# runtime (no JIT): `aicc model.onnx -o model.aicc`, `aicc run model.aicc`.
artifact = os.path.join(out, "small_cnn.aicc")
subprocess.run([aicc, model_path, "-target=cpu", "-o", artifact], check=True)
aot_dir = os.path.join(out, "aot")
subprocess.run([aicc, "run", artifact, "--input", f"x={out}/x.npy", "--output-dir", aot_dir],
               check=True, stdout=subprocess.DEVNULL)
aot_err = np.abs(np.load(os.path.join(aot_dir, "probs.npy")) - ref).max()
print(f"artifact {artifact}: max abs difference {aot_err:.3g}")
sys.exit(0 if max(err, aot_err) < 1e-5 else 1)
