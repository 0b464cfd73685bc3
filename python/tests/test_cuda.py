"""target="cuda": compiles without a GPU (ptxas from the CUDA toolkit); runs
and is compared with numpy where there is a GPU, and is skipped, saying so,
where there is none."""

import shutil

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import aicc
from conftest import make_model, tensor

NO_DRIVER = "no CUDA device/driver found"


def has_toolkit():
    import os

    for root in (os.environ.get("CUDA_HOME"), os.environ.get("CUDA_PATH"), "/usr/local/cuda"):
        if root and shutil.which("ptxas", path=os.path.join(root, "bin")):
            return True
    return False


pytestmark = pytest.mark.skipif(not has_toolkit(), reason="no CUDA toolkit (ptxas) here")


@pytest.fixture
def matmul_relu():
    rng = np.random.default_rng(9)
    w = rng.standard_normal((64, 48)).astype(np.float32) / 8
    model = make_model(
        [helper.make_node("MatMul", ["x", "w"], ["m"], name="mm"),
         helper.make_node("Relu", ["m"], ["y"], name="relu")],
        [tensor("x", TensorProto.FLOAT, [32, 64])], [tensor("y", TensorProto.FLOAT, [32, 48])],
        [numpy_helper.from_array(w, "w")])
    return model, w


def test_compiles_without_a_gpu(matmul_relu, tmp_path):
    model, _ = matmul_relu
    m = aicc.compile(model, target="cuda", gpu_arch="sm_80")
    assert m.target == "cuda" and m.device == "cuda sm_80 (tf32)"
    assert m.kernels and "fuses: mm, relu" in m.explain()
    path = tmp_path / "m.aicc"
    m.save(path)
    assert path.read_bytes()[:4] == b"\x7fELF"
    strict = aicc.compile(model, target="cuda", gpu_precision="strict")
    assert strict.device == "cuda sm_90 (strict)"


def test_experimental_gpu_options_compile():
    """gpu_stages: a large f16 matmul stages its operands in shared memory;
    gpu_fuse_rows: a softmax is one kernel (a warp per row). Both compile
    without a GPU and say so in their schedules."""
    rng = np.random.default_rng(12)
    w = rng.standard_normal((96, 1024)).astype(np.float16)
    mm = make_model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                    [tensor("x", TensorProto.FLOAT16, [2048, 96])],
                    [tensor("y", TensorProto.FLOAT16, [2048, 1024])],
                    [numpy_helper.from_array(w, "w")])
    staged = aicc.compile(mm, target="cuda", gpu_stages=3)
    assert any("stages = 2" in k.schedule for k in staged.kernels)
    plain = aicc.compile(mm, target="cuda")
    assert not any("stages =" in k.schedule for k in plain.kernels)
    softmax = make_model([helper.make_node("Softmax", ["x"], ["y"], axis=-1, name="sm")],
                         [tensor("x", TensorProto.FLOAT, [64, 1000])],
                         [tensor("y", TensorProto.FLOAT, [64, 1000])])
    fused = aicc.compile(softmax, target="cuda", gpu_fuse_rows=True)
    assert len(fused.kernels) == 1 and "lanes = 32" in fused.kernels[0].schedule
    assert len(aicc.compile(softmax, target="cuda").kernels) > 1


def test_split_k_compiles():
    """gpu_split_k: a 64 x 128 matmul with K = 2048 (32 warps of 16x16)
    becomes a tensor-core matmul into 8 partial results and a kernel that
    sums them; without it, one kernel."""
    rng = np.random.default_rng(13)
    w = rng.standard_normal((2048, 128)).astype(np.float32)
    mm = make_model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                    [tensor("x", TensorProto.FLOAT, [64, 2048])],
                    [tensor("y", TensorProto.FLOAT, [64, 128])],
                    [numpy_helper.from_array(w, "w")])
    split = aicc.compile(mm, target="cuda", gpu_split_k=True)
    assert len(split.kernels) == 2
    assert 'mma = "m16n8k8_tf32"' in split.kernels[0].schedule
    assert len(aicc.compile(mm, target="cuda").kernels) == 1
    # Strict f32 math has no tensor-core matmul to split.
    assert len(aicc.compile(mm, target="cuda", gpu_split_k=True,
                            gpu_precision="strict").kernels) == 1


def test_runs_on_a_gpu(matmul_relu):
    model, w = matmul_relu
    m = aicc.compile(model, target="cuda", gpu_precision="strict")
    x = np.random.default_rng(10).standard_normal((32, 64)).astype(np.float32)
    try:
        y = m(x)
    except aicc.DeviceError as e:
        assert NO_DRIVER in str(e)
        pytest.skip(f"no GPU here: {e}")
    np.testing.assert_allclose(y, np.maximum(x @ w, 0), rtol=1e-4, atol=1e-5)
