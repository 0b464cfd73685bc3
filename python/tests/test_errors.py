"""Every error the API promises: a Python exception with the diagnostic and
the node or input at fault; never a crash."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import aicc
from conftest import make_model, tensor


def lstm_model():
    return make_model(
        [helper.make_node("LSTM", ["x", "w", "r"], ["y"], name="lstm_1", hidden_size=2)],
        [tensor("x", TensorProto.FLOAT, [1, 1, 4]), tensor("w", TensorProto.FLOAT, [1, 8, 4]),
         tensor("r", TensorProto.FLOAT, [1, 8, 2])],
        [tensor("y", TensorProto.FLOAT, [1, 1, 1, 2])])


def test_unsupported_operator_names_the_node(tmp_path):
    path = tmp_path / "lstm.onnx"
    onnx.save(lstm_model(), path)
    with pytest.raises(aicc.CompileError) as info:
        aicc.compile(path)
    e = info.value
    assert str(e) == (f"{path}: lstm_1: error: node 'lstm_1' (LSTM, opset 17): "
                      "unsupported operator 'LSTM'")
    assert e.node == "lstm_1" and e.location == str(path)
    (d,) = e.diagnostics
    assert d.severity == "error" and d.node == "lstm_1" and d.model == str(path)
    assert "unsupported operator 'LSTM'" in d.message


@pytest.mark.parametrize("data", [b"", b"not a model", b"\x08\x07\x12"])
def test_malformed_bytes(data):
    with pytest.raises(aicc.CompileError, match="is not (a valid ONNX|an ONNX) model"):
        aicc.compile(data)


def test_truncated_file(mlp, tmp_path):
    path = tmp_path / "cut.onnx"
    path.write_bytes(mlp.SerializeToString()[:-7])
    with pytest.raises(aicc.CompileError, match="cut.onnx"):
        aicc.compile(path)


def test_missing_file_and_wrong_source_type(tmp_path):
    with pytest.raises(aicc.CompileError, match="no such file"):
        aicc.compile(tmp_path / "nope.onnx")
    with pytest.raises(TypeError, match="path, bytes or an onnx.ModelProto"):
        aicc.compile(42)


def external_data_model(location):
    w = numpy_helper.from_array(np.ones((4, 4), np.float32), "w")
    w.data_location = TensorProto.EXTERNAL
    w.ClearField("raw_data")
    for key, value in (("location", location), ("offset", "0"), ("length", "64")):
        entry = w.external_data.add()
        entry.key, entry.value = key, value
    return make_model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                      [tensor("x", TensorProto.FLOAT, [1, 4])],
                      [tensor("y", TensorProto.FLOAT, [1, 4])], [w], check=False)


def test_external_data(tmp_path):
    (tmp_path / "w.bin").write_bytes(np.ones((4, 4), np.float32).tobytes())
    model = external_data_model("w.bin")
    path = tmp_path / "m.onnx"
    path.write_bytes(model.SerializeToString())
    x = np.ones((1, 4), np.float32)
    np.testing.assert_array_equal(aicc.compile(path)(x), np.full((1, 4), 4, np.float32))
    with pytest.raises(aicc.CompileError, match="has no folder") as info:
        aicc.compile(model)
    assert info.value.node == "w"


@pytest.mark.parametrize("location,match", [
    ("../secret.bin", "escapes the model's folder"),
    ("/etc/passwd", "absolute path"),
])
def test_external_data_outside_the_folder(tmp_path, location, match):
    folder = tmp_path / "model"
    folder.mkdir()
    (tmp_path / "secret.bin").write_bytes(bytes(64))
    path = folder / "m.onnx"
    path.write_bytes(external_data_model(location).SerializeToString())
    with pytest.raises(aicc.CompileError, match=match):
        aicc.compile(path)


def test_symbolic_shape_needs_input_shapes():
    model = make_model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                       [tensor("x", TensorProto.FLOAT, ["n", 3])],
                       [tensor("y", TensorProto.FLOAT, ["n", 3])])
    with pytest.raises(aicc.CompileError, match="symbolic dimension 'n'") as info:
        aicc.compile(model)
    assert info.value.node == "x"


@pytest.mark.parametrize("kwargs,match", [
    (dict(target="tpu"), "unknown target 'tpu'"),
    (dict(threads=-1), "threads must be >= 1"),
    (dict(opt_level=7), "opt_level must be"),
    (dict(target="cuda", gpu_arch="sm_1"), "unknown GPU arch 'sm_1'"),
    (dict(target="cuda", gpu_precision="fast"), "unknown GPU precision 'fast'"),
    (dict(target="cuda", gpu_stages=5), r"GPU stages 5 out of range \(0 to 4\)"),
    (dict(bind={"nope": np.zeros(2)}), "no input named 'nope'"),
    (dict(bind={"x": np.zeros((2, 4))}), "input 'x' expects float32"),
])
def test_bad_options(mlp, kwargs, match):
    with pytest.raises(aicc.CompileError, match=match):
        aicc.compile(mlp, **kwargs)


class OnGpu:
    """A DLPack tensor that lives on a CUDA device."""

    def __dlpack__(self, **kwargs):
        raise BufferError("on the GPU")

    def __dlpack_device__(self):
        return (2, 0)  # kDLCUDA


@pytest.mark.parametrize("call,match", [
    (lambda m, x: m(x.astype(np.float64)), r"input 'x' expects float32\[2, 4\], got float64\[2, 4\]"),
    (lambda m, x: m(x[:1]), r"input 'x' expects float32\[2, 4\], got float32\[1, 4\]"),
    (lambda m, x: m(x.reshape(8)), r"got float32\[8\]"),
    (lambda m, x: m(), "takes 1 inputs, got 0"),
    (lambda m, x: m(x, x), "takes 1 inputs, got 2"),
    (lambda m, x: m(z=x), "no input named 'z'"),
    (lambda m, x: m(x, x=x), "given twice"),
    (lambda m, x: m("text"), "input 'x' expects a float32\\[2, 4\\] array"),
    (lambda m, x: m([[1, 2], [3]]), "cannot make one"),
    (lambda m, x: m(OnGpu()), "moved to the CPU"),
    (lambda m, x: m.run({"y": x}), "no input named 'y'"),
])
def test_bad_inputs(mlp, call, match):
    m = aicc.compile(mlp)
    x = np.zeros((2, 4), np.float32)
    with pytest.raises(aicc.InputError, match=match):
        call(m, x)
    assert issubclass(aicc.InputError, ValueError)
    m(x)  # the model still works


def test_load_errors(tmp_path):
    with pytest.raises(aicc.Error, match="nope.aicc"):
        aicc.load(tmp_path / "nope.aicc")
    text = tmp_path / "text.aicc"
    text.write_text("not an artifact")
    with pytest.raises(aicc.Error):
        aicc.load(text)
    with pytest.raises(aicc.Error, match="threads"):
        aicc.load(text, threads=-2)


def test_save_errors_leave_nothing(mlp, tmp_path):
    m = aicc.compile(mlp)
    with pytest.raises(aicc.Error, match="cannot"):
        m.save(tmp_path / "missing" / "m.aicc")
    assert not (tmp_path / "missing").exists()
    with pytest.raises(aicc.Error, match="optimized path"):
        aicc.compile(mlp, opt_level=0).save(tmp_path / "ref.aicc")
    assert list(tmp_path.iterdir()) == []
