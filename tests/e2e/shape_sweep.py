"""Shape sweep: GEMM, conv, pooling and reduction models of awkward sizes
(1x1x1, odd, prime, tiles that do not divide) compiled on the optimized CPU
path (-O2) and compared with onnxruntime (float32, rtol/atol 1e-4, scaled by
the reduction length).

usage: shape_sweep.py AICC WORK_DIR
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

AICC, WORK = sys.argv[1], Path(sys.argv[2])
WORK.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(7)


def model(name, nodes, inputs, outputs, inits=()):
    g = helper.make_graph(nodes, name,
                          [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
                          [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in outputs],
                          list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    return m


def cases():
    # GEMM: 1x1x1, primes, odd, non-divisible by the 8x32 register tile,
    # exactly divisible, with a bias + relu epilogue.
    for m, n, k in [(1, 1, 1), (7, 13, 17), (8, 32, 1), (33, 65, 31), (64, 256, 64),
                    (1, 1000, 64), (97, 3, 101), (128, 96, 40)]:
        yield (f"matmul_{m}x{n}x{k}",
               model("mm", [helper.make_node("MatMul", ["a", "b"], ["c"], name="mm")],
                     [("a", [m, k]), ("b", [k, n])], ["c"]))
    # Constant weights with N a multiple of 32 are packed into panels
    # (aicc-cpu-pack-weights): 2, 3 and 5 panels, odd M and K.
    for m, n, k in [(5, 64, 16), (16, 48, 9), (13, 96, 300), (3, 160, 33)]:
        w = numpy_helper.from_array(rng.standard_normal((n, k)).astype(np.float32), "w")
        b = numpy_helper.from_array(rng.standard_normal(n).astype(np.float32), "bias")
        yield (f"gemm_relu_{m}x{n}x{k}",
               model("gemm", [helper.make_node("Gemm", ["a", "w", "bias"], ["g"], transB=1, name="gemm"),
                              helper.make_node("Relu", ["g"], ["y"], name="relu")],
                     [("a", [m, k])], ["y"], [w, b]))
    # Deep reductions: a thread tile's slab of a non-constant right operand
    # overflows half of L2, so the reduction is walked in blocks (the last
    # one partial: K prime), with a 1-row remainder (37 rows); constant
    # weights with 7-row register tiles (49 rows).
    yield ("matmul_deep_37x160x9001",
           model("mm", [helper.make_node("MatMul", ["a", "b"], ["c"], name="mm")],
                 [("a", [37, 9001]), ("b", [9001, 160])], ["c"]))
    # A non-constant right operand large enough (537 KiB, 131 rows) to be
    # packed into 3 panels at run time (a linalg.pack before the GEMM), with
    # an elementwise epilogue on the panels.
    yield ("matmul_runtime_packed_131x96x1399_add_relu",
           model("mm", [helper.make_node("MatMul", ["a", "b"], ["c"], name="mm"),
                        helper.make_node("Add", ["c", "d"], ["e"], name="add"),
                        helper.make_node("Relu", ["e"], ["y"], name="relu")],
                 [("a", [131, 1399]), ("b", [1399, 96]), ("d", [96])], ["y"]))
    # The same for a 3-D activation (120 rows) times a right operand that a
    # Transpose computes (627 KiB, 7 panels).
    yield ("matmul_runtime_packed_3x40x224x700_transposed_b",
           model("mm", [helper.make_node("Transpose", ["bt"], ["b"], perm=[1, 0], name="t"),
                        helper.make_node("MatMul", ["a", "b"], ["c"], name="mm"),
                        helper.make_node("Relu", ["c"], ["y"], name="relu")],
                 [("a", [3, 40, 700]), ("bt", [224, 700])], ["y"]))
    w = numpy_helper.from_array(
        (rng.standard_normal((64, 20011)) / np.sqrt(20011)).astype(np.float32), "w")
    b = numpy_helper.from_array(rng.standard_normal(64).astype(np.float32), "bias")
    yield ("gemm_relu_deep_49x64x20011",
           model("gemm", [helper.make_node("Gemm", ["a", "w", "bias"], ["g"], transB=1, name="gemm"),
                          helper.make_node("Relu", ["g"], ["y"], name="relu")],
                 [("a", [49, 20011])], ["y"], [w, b]))
    # A 3-D activation times a constant weight (a transformer's projection),
    # the epilogue fused on the panels.
    w = numpy_helper.from_array(rng.standard_normal((40, 128)).astype(np.float32), "w")
    b = numpy_helper.from_array(rng.standard_normal(128).astype(np.float32), "bias")
    yield ("matmul_const_2x9x40x128_bias_erf",
           model("proj", [helper.make_node("MatMul", ["a", "w"], ["p"], name="proj"),
                          helper.make_node("Add", ["p", "bias"], ["q"], name="bias"),
                          helper.make_node("Erf", ["q"], ["y"], name="erf")],
                 [("a", [2, 9, 40])], ["y"], [w, b]))
    # Batched matmul.
    yield ("batch_matmul_3x5x7x9",
           model("bmm", [helper.make_node("MatMul", ["a", "b"], ["c"], name="bmm")],
                 [("a", [3, 5, 9]), ("b", [3, 9, 7])], ["c"]))
    # Convolutions: 1x1, 3x3 stride 2 with padding, odd channels, depthwise
    # (3x3, 3x3 stride 2 on an odd size, 5x5).
    for (c, h, oc, kk, stride, pad, group) in [(1, 1, 1, 1, 1, 0, 1), (3, 9, 5, 3, 1, 1, 1),
                                                (8, 11, 16, 3, 2, 1, 1), (16, 14, 32, 1, 1, 0, 1),
                                                (6, 10, 6, 3, 1, 1, 6), (7, 13, 7, 3, 2, 1, 7),
                                                (5, 9, 5, 5, 1, 2, 5)]:
        w = numpy_helper.from_array(rng.standard_normal((oc, c // group, kk, kk)).astype(np.float32), "w")
        yield (f"conv_c{c}_h{h}_oc{oc}_k{kk}_s{stride}_g{group}",
               model("conv", [helper.make_node("Conv", ["x", "w"], ["y"], strides=[stride, stride],
                                               pads=[pad] * 4, group=group, name="conv"),
                              helper.make_node("Relu", ["y"], ["r"], name="relu")],
                     [("x", [1, c, h, h])], ["r"], [w]))
    # A ResNet-like stem and block, run channels last on the CPU (conv,
    # relu, padded max pool, 3x3 conv, residual add, global average pool):
    # 64 output channels (packed filter panels) and an odd 24.
    for (c, h, oc) in [(3, 31, 64), (5, 15, 24)]:
        w1 = numpy_helper.from_array(rng.standard_normal((oc, c, 7, 7)).astype(np.float32) * 0.1, "w1")
        w2 = numpy_helper.from_array(rng.standard_normal((oc, oc, 3, 3)).astype(np.float32) * 0.1, "w2")
        b1 = numpy_helper.from_array(rng.standard_normal((oc,)).astype(np.float32), "b1")
        yield (f"cnn_block_c{c}_h{h}_oc{oc}",
               model("cnn", [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], strides=[2, 2],
                                              pads=[3] * 4, name="stem"),
                             helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
                             helper.make_node("MaxPool", ["r1"], ["p"], kernel_shape=[3, 3],
                                              strides=[2, 2], pads=[1] * 4, name="pool"),
                             helper.make_node("Conv", ["p", "w2"], ["c2"], pads=[1] * 4, name="conv"),
                             helper.make_node("Add", ["c2", "p"], ["s"], name="residual"),
                             helper.make_node("Relu", ["s"], ["r2"], name="relu2"),
                             helper.make_node("GlobalAveragePool", ["r2"], ["y"], name="gap")],
                     [("x", [1, c, h, h])], ["y"], [w1, w2, b1]))
    # Pooling and reductions over the contiguous and the outer axis.
    yield ("maxpool_1x3x7x7", model("mp", [helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3],
                                                            strides=[2, 2], name="mp")],
                                   [("x", [1, 3, 7, 7])], ["y"]))
    for shape, axes in [([1, 1, 1], [2]), ([7, 129], [1]), ([129, 7], [0]), ([4, 33, 5], [0, 2]),
                        ([2, 1000], [1])]:
        yield (f"reducesum_{'x'.join(map(str, shape))}_axes{''.join(map(str, axes))}",
               model("rs", [helper.make_node("ReduceSum", ["x", "axes"], ["y"], name="rs")],
                     [("x", shape)], ["y"],
                     [numpy_helper.from_array(np.array(axes, np.int64), "axes")]))
    for shape in [[1, 1], [3, 1000], [5, 17]]:
        yield (f"softmax_{'x'.join(map(str, shape))}",
               model("sm", [helper.make_node("Softmax", ["x"], ["y"], axis=-1, name="sm")],
                     [("x", shape)], ["y"]))


failures = 0
count = 0
for name, m in cases():
    count += 1
    d = WORK / name
    d.mkdir(exist_ok=True)
    path = d / "model.onnx"
    onnx.save(m, path)
    feeds, args = {}, []
    for inp in m.graph.input:
        shape = [x.dim_value for x in inp.type.tensor_type.shape.dim]
        feeds[inp.name] = rng.standard_normal(shape).astype(np.float32)
        np.save(d / f"{inp.name}.npy", feeds[inp.name])
        args += ["--input", f"{inp.name}={d / (inp.name + '.npy')}"]
    expected = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, feeds)
    proc = subprocess.run([AICC, "run", "-O2", str(path), "--output-dir", str(d / "out")] + args,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"FAIL {name}: aicc exited {proc.returncode}: {proc.stderr.strip()[-300:]}")
        failures += 1
        continue
    for out, want in zip(m.graph.output, expected):
        got = np.load(d / "out" / f"{out.name}.npy")
        tol = 1e-4 * max(1.0, float(np.sqrt(want.size)))
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-4, atol=tol):
            err = np.abs(got - want).max() if got.shape == want.shape else "shape"
            print(f"FAIL {name}: output {out.name} differs (max abs error {err})")
            failures += 1
        else:
            print(f"ok   {name}")
print(f"shape sweep: {count - failures} of {count} cases agree with onnxruntime")
sys.exit(1 if failures else 0)
