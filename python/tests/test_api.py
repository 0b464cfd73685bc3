"""The aicc package's API: sources, signatures, calls, DLPack, save/load,
explain, dtypes."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import aicc
from conftest import make_model, tensor


def reference(x, model):
    w, b = (onnx.numpy_helper.to_array(t) for t in model.graph.initializer)
    return np.maximum(x @ w + b, 0)


@pytest.fixture
def x():
    return np.random.default_rng(2).standard_normal((2, 4)).astype(np.float32)


def test_sources_path_bytes_and_modelproto(mlp, x, tmp_path):
    path = tmp_path / "mlp.onnx"
    onnx.save(mlp, path)
    for source in (str(path), path, path.read_bytes(), mlp):
        y = aicc.compile(source)(x)
        np.testing.assert_allclose(y, reference(x, mlp), rtol=1e-5, atol=1e-6)


def test_signatures(mlp):
    m = aicc.compile(mlp)
    assert m.inputs == [aicc.TensorInfo("x", (2, 4), "float32")]
    assert m.outputs == [aicc.TensorInfo("y", (2, 3), "float32")]
    assert m.target == "cpu" and m.device.startswith("cpu (")
    assert "x: float32[2, 4]" in repr(m)


def test_calls_positional_by_name_and_run(mlp, x):
    m = aicc.compile(mlp)
    want = reference(x, mlp)
    np.testing.assert_allclose(m(x), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(m(x=x), want, rtol=1e-5, atol=1e-6)
    result = m.run({"x": x})
    assert list(result) == ["y"]
    np.testing.assert_allclose(result["y"], want, rtol=1e-5, atol=1e-6)


def test_inputs_lists_noncontiguous_and_readonly(mlp, x):
    m = aicc.compile(mlp)
    want = m(x)
    np.testing.assert_array_equal(m(x.tolist()), want)
    fortran = np.asfortranarray(x)
    assert not fortran.flags.c_contiguous
    np.testing.assert_array_equal(m(fortran), want)
    strided = np.repeat(x, 2, axis=1)[:, ::2]
    np.testing.assert_array_equal(m(strided), want)
    readonly = x.copy()
    readonly.flags.writeable = False
    np.testing.assert_array_equal(m(readonly), want)
    assert x.flags.writeable, "inputs are not modified"


class DLPackOnly:
    """A tensor that speaks DLPack and nothing else (as torch or jax)."""

    def __init__(self, array):
        self.array = array
        self.exported = 0

    def __dlpack__(self, **kwargs):
        self.exported += 1
        return self.array.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self.array.__dlpack_device__()


def test_dlpack_input(mlp, x):
    m = aicc.compile(mlp)
    t = DLPackOnly(x)
    np.testing.assert_array_equal(m(t), m(x))
    assert t.exported == 1, "taken through DLPack, once"


def test_contiguous_inputs_are_not_copied(x):
    from aicc import _aicc

    assert _aicc._input_address(x) == x.ctypes.data
    assert _aicc._input_address(DLPackOnly(x)) == x.ctypes.data
    fortran = np.asfortranarray(x)
    assert _aicc._input_address(fortran) != fortran.ctypes.data  # a C-order copy


def test_outputs_are_fresh_owned_arrays(mlp, x):
    m = aicc.compile(mlp)
    a, b = m(x), m(x)
    assert a is not b and not np.shares_memory(a, b)
    assert a.flags.owndata or a.base is not None
    assert a.flags.c_contiguous and a.flags.writeable
    del m  # outputs outlive the model
    a += 1
    np.testing.assert_array_equal(a - 1, b)


def test_several_outputs_and_integer_and_bool_dtypes():
    model = make_model(
        [helper.make_node("Greater", ["a", "b"], ["gt"], name="gt"),
         helper.make_node("Add", ["i", "i"], ["twice"], name="twice"),
         helper.make_node("Not", ["gt"], ["le"], name="not")],
        [tensor("a", TensorProto.FLOAT, [5]), tensor("b", TensorProto.FLOAT, [5]),
         tensor("i", TensorProto.INT64, [2, 3])],
        [tensor("gt", TensorProto.BOOL, [5]), tensor("twice", TensorProto.INT64, [2, 3]),
         tensor("le", TensorProto.BOOL, [5])])
    m = aicc.compile(model)
    assert [o.dtype for o in m.outputs] == ["bool", "int64", "bool"]
    a = np.arange(5, dtype=np.float32)
    b = np.full(5, 2, np.float32)
    i = np.arange(6, dtype=np.int64).reshape(2, 3)
    gt, twice, le = m(a, b, i)
    np.testing.assert_array_equal(gt, a > b)
    np.testing.assert_array_equal(twice, 2 * i)
    np.testing.assert_array_equal(le, ~(a > b))


def test_bfloat16_in_and_out():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    model = make_model(
        [helper.make_node("Add", ["a", "a"], ["y"], name="add")],
        [tensor("a", TensorProto.BFLOAT16, [4])], [tensor("y", TensorProto.BFLOAT16, [4])])
    m = aicc.compile(model)
    a = np.array([1, 2.5, -3, 0.125], dtype=ml_dtypes.bfloat16)
    y = m(a)
    assert y.dtype == ml_dtypes.bfloat16
    np.testing.assert_array_equal(y.astype(np.float32), 2 * a.astype(np.float32))
    np.testing.assert_array_equal(m(a.view(np.uint16)), y)  # ONNX's convention


def test_input_shapes_bind_symbolic_dims():
    model = make_model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                       [tensor("x", TensorProto.FLOAT, ["batch", 8])],
                       [tensor("y", TensorProto.FLOAT, ["batch", 8])])
    m = aicc.compile(model, input_shapes={"x": (3, 8)})
    assert m.inputs[0].shape == (3, 8) and m.outputs[0].shape == (3, 8)
    x = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32)
    np.testing.assert_array_equal(m(x), np.maximum(x, 0))


def test_bind_compiles_for_a_value(tmp_path):
    model = make_model([helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
                       [tensor("x", TensorProto.FLOAT, [2, 6]),
                        tensor("shape", TensorProto.INT64, [2])],
                       [tensor("y", TensorProto.FLOAT, None)], check=False)
    shape = np.array([3, 4])
    m = aicc.compile(model, bind={"shape": shape})
    x = np.arange(12, dtype=np.float32).reshape(2, 6)
    np.testing.assert_array_equal(m(x, shape), x.reshape(3, 4))
    with pytest.raises(aicc.InputError, match="'shape' differs from the value"):
        m(x, np.array([4, 3]))
    m.save(tmp_path / "r.aicc")
    loaded = aicc.load(tmp_path / "r.aicc")
    np.testing.assert_array_equal(loaded(x, shape), x.reshape(3, 4))
    with pytest.raises(aicc.InputError, match="differs from the value"):
        loaded(x, np.array([4, 3]))


def test_explain_lists_kernels_schedules_and_fused_nodes(mlp):
    m = aicc.compile(mlp)
    text = m.explain()
    assert "inputs:\n  x: float32[2, 4]" in text
    (kernel,) = m.kernels
    assert set(kernel.nodes) == {"matmul", "bias", "relu"}
    assert kernel.schedule.startswith("#aicc.schedule<")
    assert kernel.symbol in text and kernel.schedule in text
    assert "fuses: matmul, bias, relu" in text
    reference = aicc.compile(mlp, opt_level=0)
    assert reference.kernels == [] and "reference path" in reference.explain()


def test_save_load_roundtrip(mlp, x, tmp_path):
    m = aicc.compile(mlp)
    path = tmp_path / "mlp.aicc"
    m.save(path)
    assert path.read_bytes()[:4] == b"\x7fELF"
    assert [p.name for p in tmp_path.iterdir()] == ["mlp.aicc"], "no temporary left"
    loaded = aicc.load(str(path), threads=1)
    assert loaded.inputs == m.inputs and loaded.outputs == m.outputs
    np.testing.assert_allclose(loaded(x), m(x), rtol=1e-6, atol=1e-7)
    assert "kernels: 1" in loaded.explain()
    again = tmp_path / "again.aicc"
    loaded.save(again)
    assert again.read_bytes() == path.read_bytes()


def test_same_model_same_artifact_bytes(mlp, tmp_path):
    aicc.compile(mlp).save(tmp_path / "a.aicc")
    aicc.compile(mlp).save(tmp_path / "b.aicc")
    assert (tmp_path / "a.aicc").read_bytes() == (tmp_path / "b.aicc").read_bytes()


def test_save_of_a_changed_file_is_refused(mlp, tmp_path):
    path = tmp_path / "m.onnx"
    onnx.save(mlp, path)
    m = aicc.compile(path)
    mlp.graph.node[2].op_type = "Sigmoid"
    onnx.save(mlp, path)
    with pytest.raises(aicc.Error, match="changed since it was compiled"):
        m.save(tmp_path / "m.aicc")
    assert not (tmp_path / "m.aicc").exists()


def test_load_sees_a_new_artifact_saved_at_the_same_path(mlp, tmp_path):
    path = tmp_path / "m.aicc"
    aicc.compile(mlp).save(path)
    first = aicc.load(path)  # still loaded while the path gets a new model
    other = make_model([helper.make_node("Neg", ["a"], ["b"], name="neg")],
                       [tensor("a", TensorProto.FLOAT, [3])], [tensor("b", TensorProto.FLOAT, [3])])
    aicc.compile(other).save(path)
    second = aicc.load(path)
    assert second.inputs == [aicc.TensorInfo("a", (3,), "float32")]
    np.testing.assert_array_equal(second(np.arange(3, dtype=np.float32)), -np.arange(3))
    assert first.inputs[0].name == "x"
    first(np.zeros((2, 4), np.float32))


@pytest.mark.parametrize("weights", ["input", "constant"])
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_matmul_accumulates_in_f32(dtype, weights):
    # f16/bf16 products are summed in f32 and rounded once: every output is
    # within one unit in the last place of the exact result (summing 768
    # terms in f16/bf16 would be off by many). On CPUs the operands are
    # widened before an f32 GEMM (a constant weight at compile time).
    ml_dtypes = pytest.importorskip("ml_dtypes")
    np_type = np.float16 if dtype == "float16" else ml_dtypes.bfloat16
    onnx_type = TensorProto.FLOAT16 if dtype == "float16" else TensorProto.BFLOAT16
    ulp = 2.0**-10 if dtype == "float16" else 2.0**-7
    m, n, k = 24, 64, 768
    rng = np.random.default_rng(9)
    a = rng.standard_normal((m, k)).astype(np_type)
    b = rng.standard_normal((k, n)).astype(np_type)
    inputs = [tensor("a", onnx_type, [m, k])]
    inits = []
    if weights == "input":
        inputs.append(tensor("b", onnx_type, [k, n]))
    else:
        inits.append(helper.make_tensor("b", onnx_type, b.shape, b.tobytes(), raw=True))
    model = make_model([helper.make_node("MatMul", ["a", "b"], ["y"], name="mm")],
                       inputs, [tensor("y", onnx_type, [m, n])], inits)
    compiled = aicc.compile(model)
    y = compiled(a, b) if weights == "input" else compiled(a)
    assert y.dtype == np_type
    exact = a.astype(np.float64) @ b.astype(np.float64)
    scale = np.abs(a.astype(np.float64)) @ np.abs(b.astype(np.float64))
    err = np.abs(y.astype(np.float64) - exact)
    assert np.all(err <= ulp * np.abs(exact) + 1e-6 * scale), float(np.max(err))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_conv_accumulates_in_f32(dtype):
    # A 3x3 conv over 64 channels (576 products per output) is a GEMM that
    # sums in f32 and rounds once, like MatMul: within one unit in the last
    # place of the exact result.
    ml_dtypes = pytest.importorskip("ml_dtypes")
    np_type = np.float16 if dtype == "float16" else ml_dtypes.bfloat16
    onnx_type = TensorProto.FLOAT16 if dtype == "float16" else TensorProto.BFLOAT16
    ulp = 2.0**-10 if dtype == "float16" else 2.0**-7
    rng = np.random.default_rng(4)
    x = rng.standard_normal((1, 64, 10, 10)).astype(np_type)
    w = rng.standard_normal((16, 64, 3, 3)).astype(np_type)
    model = make_model(
        [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1], name="conv")],
        [tensor("x", onnx_type, [1, 64, 10, 10])], [tensor("y", onnx_type, [1, 16, 10, 10])],
        [helper.make_tensor("w", onnx_type, w.shape, w.tobytes(), raw=True)])
    y = aicc.compile(model)(x)
    assert y.dtype == np_type
    padded = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3))
    exact = np.einsum("nchwij,fcij->nfhw", windows, w.astype(np.float64))
    scale = np.einsum("nchwij,fcij->nfhw", np.abs(windows), np.abs(w.astype(np.float64)))
    err = np.abs(y.astype(np.float64) - exact)
    assert np.all(err <= ulp * np.abs(exact) + 1e-6 * scale), float(np.max(err))


def test_bfloat16_reductions():
    # Reductions over bf16 vectors carried through a loop (LLVM used to
    # convert them through f32 with __truncsfbf2, which the JIT lacks on
    # CPUs without AVX512-BF16). Each step's sum is rounded to bf16.
    ml_dtypes = pytest.importorskip("ml_dtypes")
    bf16 = TensorProto.BFLOAT16
    model = make_model(
        [helper.make_node("ReduceSum", ["x", "axes"], ["s"], keepdims=0, name="sum"),
         helper.make_node("GlobalAveragePool", ["x"], ["p"], name="pool")],
        [tensor("x", bf16, [1, 8, 5, 5])],
        [tensor("s", bf16, [1, 8]), tensor("p", bf16, [1, 8, 1, 1])],
        [helper.make_tensor("axes", TensorProto.INT64, [2], [2, 3])])
    x = np.random.default_rng(5).standard_normal((1, 8, 5, 5)).astype(ml_dtypes.bfloat16)
    s, p = aicc.compile(model)(x)
    f = x.astype(np.float64)
    bound = 25 * 2.0**-8 * np.abs(f).sum((2, 3))
    assert np.all(np.abs(s.astype(np.float64) - f.sum((2, 3))) <= bound)
    assert np.all(np.abs(p.astype(np.float64)[..., 0, 0] - f.mean((2, 3))) <= bound / 25)
