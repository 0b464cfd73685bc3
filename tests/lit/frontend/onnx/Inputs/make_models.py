"""Writes the small ONNX models (good and bad) the frontend's lit tests use.

usage: make_models.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def save(name, nodes, inputs, outputs, inits=(), opset=17, ir_version=None):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    if ir_version is not None:
        model.ir_version = ir_version
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())
    return model


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


F = TensorProto.FLOAT
rng = np.random.default_rng(0)

# MLP block: Gemm (transB, alpha, beta) → Relu → MatMul → Reshape → Sigmoid.
w1 = rng.standard_normal((8, 4)).astype(np.float32)
b1 = rng.standard_normal((8,)).astype(np.float32)
w2 = rng.standard_normal((8, 6)).astype(np.float32)
save("mlp", [
    helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], name="fc1", transB=1, alpha=0.5, beta=2.0),
    helper.make_node("Relu", ["h"], ["r"], name="act"),
    helper.make_node("MatMul", ["r", "w2"], ["m"], name="fc2"),
    helper.make_node("Reshape", ["m", "shape"], ["s"], name="reshape"),
    helper.make_node("Sigmoid", ["s"], ["y"], name="out"),
], [vi("x", F, [2, 4])], [vi("y", F, [3, 4])],
    [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(b1, "b1"),
     numpy_helper.from_array(w2, "w2"),
     numpy_helper.from_array(np.array([3, -1], np.int64), "shape")])

# Two kernels with results of 128 KiB (above the CPU's 64 KiB stack scratch),
# the first feeding the second (driver/out_params.test).
save("wide", [
    helper.make_node("MatMul", ["x", "w"], ["h"], name="wide_mm"),
    helper.make_node("Relu", ["h"], ["r"], name="wide_act"),
    helper.make_node("MatMul", ["r", "w"], ["y"], name="wide_mm2"),
], [vi("x", F, [128, 256])], [vi("y", F, [128, 256])],
    [numpy_helper.from_array(
        rng.standard_normal((256, 256)).astype(np.float32) / 16, "w")])

# A deep GEMM with a non-constant right operand that is not packed (250
# columns: not a whole number of 32-column panels): a thread tile's 4001 x 250
# slab of it (4 MiB) overflows half of any common L2, so the CPU heuristic
# blocks its reduction and the kernel keeps the thread tile's accumulator in
# a scratch buffer (4001 is prime: the last block is partial and peeled off
# the block loop), once per thread tile of an scf.forall (two of 64 rows).
save("deep", [
    helper.make_node("MatMul", ["x", "w"], ["h"], name="deep_mm"),
    helper.make_node("Relu", ["h"], ["y"], name="deep_act"),
], [vi("x", F, [128, 4001]), vi("w", F, [4001, 250])], [vi("y", F, [128, 250])])
# The same with 130 rows: no multiple of the register tile's rows divides
# them, so the last thread tile is smaller and its scratch size dynamic.
save("deep_ragged", [
    helper.make_node("MatMul", ["x", "w"], ["h"], name="deep_mm"),
    helper.make_node("Relu", ["h"], ["y"], name="deep_act"),
], [vi("x", F, [130, 4001]), vi("w", F, [4001, 250])], [vi("y", F, [130, 250])])

# Typed-field initializers (no raw_data) of several dtypes, and a Constant node.
save("typed_fields", [
    helper.make_node("Constant", [], ["c"], name="const", value=helper.make_tensor("v", TensorProto.UINT8, [2], [7, 250])),
    helper.make_node("Add", ["u", "c"], ["y"], name="add_u8"),
    helper.make_node("Mul", ["i", "k"], ["z"], name="mul_i32"),
], [vi("u", TensorProto.UINT8, [2]), vi("i", TensorProto.INT32, [3])],
    [vi("y", TensorProto.UINT8, [2]), vi("z", TensorProto.INT32, [3])],
    [helper.make_tensor("k", TensorProto.INT32, [3], [1, -2, 3])])

# External data: a good one, and ones that try to leave the model's folder.
ext = rng.standard_normal((2, 2)).astype(np.float32)
with open(os.path.join(out, "weights.bin"), "wb") as f:
    f.write(ext.tobytes())


def external_tensor():
    t = TensorProto()
    t.name, t.data_type = "w", F
    t.dims.extend([2, 2])
    return t


def external_model(name, location):
    t = external_tensor()
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", "0"), ("length", "16")):
        e = t.external_data.add()
        e.key, e.value = k, v
    save(name, [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
         [vi("x", F, [2, 2])], [vi("y", F, [2, 2])], [t])


external_model("external_ok", "weights.bin")
external_model("external_dotdot", "../weights.bin")
external_model("external_absolute", "/etc/passwd")
external_model("external_missing", "nope.bin")
os.makedirs(os.path.join(out, "outside"), exist_ok=True)
with open(os.path.join(out, "outside", "w.bin"), "wb") as f:
    f.write(ext.tobytes())
os.makedirs(os.path.join(out, "sub"), exist_ok=True)
link = os.path.join(out, "sub", "link.bin")
if os.path.lexists(link):
    os.remove(link)
os.symlink(os.path.join(out, "outside", "w.bin"), link)
t_model_dir = os.path.join(out, "sub")
t = external_tensor()
t.data_location = TensorProto.EXTERNAL
for k, v in (("location", "link.bin"),):
    e = t.external_data.add()
    e.key, e.value = k, v
graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], "g",
                          [vi("x", F, [2, 2])], [vi("y", F, [2, 2])], [t])
with open(os.path.join(t_model_dir, "external_symlink.onnx"), "wb") as f:
    f.write(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString())

# Bad graphs.
save("unsupported_op", [helper.make_node("NoSuchOp", ["x"], ["y"], name="custom_1")],
     [vi("x", F, [1, 1, 3, 3])], [vi("y", F, None)])
save("undefined_input", [helper.make_node("Relu", ["nope"], ["y"], name="relu_1")],
     [vi("x", F, [2])], [vi("y", F, [2])])
save("cycle", [helper.make_node("Add", ["x", "b"], ["a"], name="first"),
               helper.make_node("Relu", ["a"], ["b"], name="second")],
     [vi("x", F, [2])], [vi("b", F, [2])])
save("shape_mismatch", [helper.make_node("Add", ["x", "z"], ["y"], name="bad_add")],
     [vi("x", F, [2, 3]), vi("z", F, [4])], [vi("y", F, [2, 3])])
save("matmul_mismatch", [helper.make_node("MatMul", ["x", "z"], ["y"], name="bad_mm")],
     [vi("x", F, [2, 3]), vi("z", F, [4, 5])], [vi("y", F, [2, 5])])
save("symbolic_dim", [helper.make_node("Relu", ["x"], ["y"], name="r")],
     [vi("x", F, ["N", 3])], [vi("y", F, ["N", 3])])
save("old_ir", [helper.make_node("Relu", ["x"], ["y"], name="r")],
     [vi("x", F, [2])], [vi("y", F, [2])], ir_version=2)
save("missing_output", [helper.make_node("Relu", ["x"], ["y"], name="r")],
     [vi("x", F, [2])], [vi("never", F, [2])])
save("runtime_shape", [helper.make_node("Reshape", ["x", "s"], ["y"], name="dyn_reshape")],
     [vi("x", F, [2, 3]), vi("s", TensorProto.INT64, [1])], [vi("y", F, [6])])
good = open(os.path.join(out, "mlp.onnx"), "rb").read()
with open(os.path.join(out, "truncated.onnx"), "wb") as f:
    f.write(good[: len(good) // 2])
with open(os.path.join(out, "not_onnx.onnx"), "wb") as f:
    f.write(b"this is plain text, not a protobuf\n")
with open(os.path.join(out, "empty.onnx"), "wb") as f:
    pass

np.save(os.path.join(out, "x24.npy"), rng.standard_normal((2, 4)).astype(np.float32))
np.save(os.path.join(out, "x33.npy"), rng.standard_normal((3, 3)).astype(np.float32))
np.save(os.path.join(out, "x24_f64.npy"), rng.standard_normal((2, 4)))
np.save(os.path.join(out, "x23.npy"), rng.standard_normal((2, 3)).astype(np.float32))
np.save(os.path.join(out, "shape6.npy"), np.array([6], np.int64))

# Resize: nearest becomes a gather with an index table; linear a contraction
# with a constant weight matrix along each resized axis.
for mode in ("nearest", "linear"):
    save(f"resize_{mode}", [helper.make_node("Resize", ["x", "", "scales"], ["y"], name=f"resize_{mode}", mode=mode)],
         [vi("x", F, [1, 1, 2, 2])], [vi("y", F, [1, 1, 4, 4])],
         [numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")])

# QuantizeLinear: round half to even, add the zero point, saturate, cast.
save("quantize", [helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["y"], name="q")],
     [vi("x", F, [4])], [vi("y", TensorProto.UINT8, [4])],
     [numpy_helper.from_array(np.array(0.5, np.float32), "s"),
      numpy_helper.from_array(np.array(128, np.uint8), "zp")])

# Regressions found by fuzzing: a failed step inside a decomposition (Mean of
# incompatible shapes) and absurd window sizes must give errors, not crashes
# or hours of compile time.
save("mean_mismatch", [helper.make_node("Mean", ["a", "b"], ["y"], name="bad_mean")],
     [vi("a", F, [2]), vi("b", F, [3])], [vi("y", F, [2])])
save("huge_pool", [helper.make_node("AveragePool", ["x"], ["y"], name="huge_pool",
                                    kernel_shape=[1 << 40, 2], pads=[3, 2, 1 << 40, 0])],
     [vi("x", F, [1, 3, 28, 28])], [vi("y", F, None)])
save("huge_range", [helper.make_node("Range", ["s", "l", "d"], ["y"], name="huge_range")],
     [], [vi("y", F, None)],
     [numpy_helper.from_array(np.array(0, np.float32), "s"),
      numpy_helper.from_array(np.array(1e12, np.float32), "l"),
      numpy_helper.from_array(np.array(1, np.float32), "d")])

# A 3x3 conv with bias and a deep matmul with a constant weight: the forms
# the CUDA pipeline gives them (channels-first im2col GEMM, split-K) are
# checked on the CPU through AICC_CPU_CHANNELS_FIRST / AICC_CPU_SPLIT_K.
forms = np.random.default_rng(7)
save("conv_bias", [
    helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1], name="conv"),
], [vi("x", F, [1, 4, 6, 6])], [vi("y", F, [1, 6, 6, 6])],
    [numpy_helper.from_array(forms.standard_normal((6, 4, 3, 3)).astype(np.float32), "w"),
     numpy_helper.from_array(forms.standard_normal((6,)).astype(np.float32), "b")])
# A matmul of two inputs large enough for 128 blocks of 128x128: staged
# (--gpu-stages), and on sm_90a run by wgmma (driver/cuda.test).
save("big_matmul", [helper.make_node("MatMul", ["x", "z"], ["y"], name="big_mm")],
     [vi("x", F, [2048, 64]), vi("z", F, [64, 1024])], [vi("y", F, [2048, 1024])])
save("deep_weight", [
    helper.make_node("MatMul", ["x", "w"], ["y"], name="mm"),
], [vi("x", F, [32, 1024])], [vi("y", F, [32, 32])],
    [numpy_helper.from_array(forms.standard_normal((1024, 32)).astype(np.float32), "w")])
