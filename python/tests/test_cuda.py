"""target="cuda": compiles without a GPU (ptxas from the CUDA toolkit); runs
and is compared with numpy where there is a GPU, and is skipped, saying so,
where there is none."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

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


def matmul_model(m, k, n, dtype, seed):
    """x[m, k] @ w[k, n] with a random weight of `dtype` (an onnx type)."""
    w = np.random.default_rng(seed).standard_normal((k, n)).astype(
        helper.tensor_dtype_to_np_dtype(dtype))
    return make_model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                      [tensor("x", dtype, [m, k])], [tensor("y", dtype, [m, n])],
                      [numpy_helper.from_array(w, "w")])


def test_experimental_gpu_options_compile():
    """gpu_stages: a large f16 matmul stages its operands in shared memory;
    gpu_fuse_rows: a softmax is one kernel (a warp per row). Both compile
    without a GPU and say so in their schedules."""
    mm = matmul_model(2048, 96, 1024, TensorProto.FLOAT16, seed=12)
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
    mm = matmul_model(64, 2048, 128, TensorProto.FLOAT, seed=13)
    split = aicc.compile(mm, target="cuda", gpu_split_k=True)
    assert len(split.kernels) == 2
    assert 'mma = "m16n8k8_tf32"' in split.kernels[0].schedule
    assert len(aicc.compile(mm, target="cuda").kernels) == 1
    # Strict f32 math has no tensor-core matmul to split.
    assert len(aicc.compile(mm, target="cuda", gpu_split_k=True,
                            gpu_precision="strict").kernels) == 1


def test_wgmma_compiles_for_sm90a():
    """gpu_arch="sm_90a" with gpu_stages: the staged matmul is a wgmma one
    (two warpgroups of 64x128); sm_90 keeps mma.sync; without stages there
    is no wgmma (it reads its operands from shared memory)."""
    mm = matmul_model(2048, 96, 1024, TensorProto.FLOAT16, seed=16)
    wg = aicc.compile(mm, target="cuda", gpu_arch="sm_90a", gpu_stages=3)
    assert wg.device == "cuda sm_90a (tf32)"
    assert any('vector_tile = [64, 128, 16]' in k.schedule and 'mma = "wgmma_f16"' in k.schedule
               and "stages = 3" in k.schedule for k in wg.kernels)
    sync = aicc.compile(mm, target="cuda", gpu_stages=3)
    assert not any("wgmma" in k.schedule for k in sync.kernels)
    unstaged = aicc.compile(mm, target="cuda", gpu_arch="sm_90a")
    assert not any("wgmma" in k.schedule for k in unstaged.kernels)


def gpu_compute_capability():
    """The first GPU's compute capability as nvidia-smi reports it ("9.0"),
    or "" where there is none."""
    smi = shutil.which("nvidia-smi")
    if not smi:
        return ""
    out = subprocess.run([smi, "--query-gpu=compute_cap", "--format=csv,noheader"],
                         capture_output=True, text=True).stdout.split()
    return out[0] if out else ""


def test_wgmma_runs_on_an_h100():
    """sm_90a code runs on sm_90 GPUs alone: compared with numpy there, skipped
    elsewhere."""
    cap = gpu_compute_capability()
    if cap != "9.0":
        pytest.skip(f"sm_90a needs an H100/H200 (compute capability 9.0); here: {cap or 'no GPU'}")
    rng = np.random.default_rng(17)
    x = rng.standard_normal((2000, 72)).astype(np.float16)
    mm = matmul_model(2000, 72, 1030, TensorProto.FLOAT16, seed=18)
    w = numpy_helper.to_array(mm.graph.initializer[0]).astype(np.float64)
    m = aicc.compile(mm, target="cuda", gpu_arch="sm_90a", gpu_stages=2)
    assert any("wgmma" in k.schedule for k in m.kernels)
    y = m(x).astype(np.float64)
    ref = x.astype(np.float64) @ w
    # f16 operands, f32 sums over 72 terms, one rounding to f16.
    assert np.max(np.abs(y - ref)) <= 2e-3 * np.max(np.abs(ref))


@pytest.fixture
def conv3x3():
    """A padded 3x3 conv, 16 -> 32 channels on a 12x12 image, and its
    weight."""
    w = np.random.default_rng(14).standard_normal((32, 16, 3, 3)).astype(np.float32) / 8
    model = make_model(
        [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1], name="conv")],
        [tensor("x", TensorProto.FLOAT, [1, 16, 12, 12])],
        [tensor("y", TensorProto.FLOAT, [1, 32, 12, 12])], [numpy_helper.from_array(w, "w")])
    return model, w


def test_implicit_gemm_compiles(conv3x3):
    """gpu_implicit_gemm: the conv is one tensor-core kernel that reads its
    windows from the image; without it a window-copy kernel comes first."""
    model, _ = conv3x3
    implicit = aicc.compile(model, target="cuda", gpu_implicit_gemm=True)
    assert len(implicit.kernels) == 1
    assert 'mma = "m16n8k8_tf32"' in implicit.kernels[0].schedule
    assert len(aicc.compile(model, target="cuda").kernels) == 2


def test_implicit_gemm_runs_on_a_gpu(conv3x3):
    model, w = conv3x3
    m = aicc.compile(model, target="cuda", gpu_implicit_gemm=True)
    x = np.random.default_rng(15).standard_normal((1, 16, 12, 12)).astype(np.float32)
    try:
        y = m(x)
    except aicc.DeviceError as e:
        assert NO_DRIVER in str(e)
        pytest.skip(f"no GPU here: {e}")
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    ref = np.zeros((1, 32, 12, 12))
    for i in range(3):
        for j in range(3):
            ref += np.einsum("fc,nchw->nfhw", w[:, :, i, j], padded[:, :, i:i + 12, j:j + 12])
    # tf32 operands (10 mantissa bits) over 144 terms.
    assert np.max(np.abs(y - ref)) <= 1e-2 * np.max(np.abs(ref))


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


STAND_IN_RUN = """
import gc, sys
import numpy as np
import aicc
m = aicc.load(sys.argv[1])
x = np.full((32, 64), 0.5, np.float32)
for _ in range(3):
    try:
        y = m(x)
    except aicc.DeviceError as e:
        print("DeviceError:", e)
        break
    print(y.shape, y.dtype)
del m
gc.collect()
"""


def run_on_stand_in(artifact, script=STAND_IN_RUN, **env):
    """Runs `artifact` from a fresh Python on the stand-in driver
    (tests/runtime/fake_cuda.c: kernels counted, not executed; device memory
    out of the host's reach)."""
    fake = Path(aicc.__file__).resolve().parents[2] / "fake-cuda"
    if not (fake / "libcuda.so.1").exists():
        pytest.skip(f"no stand-in CUDA driver at {fake} (it is built with aicc)")
    env = dict(os.environ, LD_LIBRARY_PATH=str(fake), AICC_FAKE_CUDA_REPORT="1", **env)
    return subprocess.run([sys.executable, "-c", script, str(artifact)],
                          capture_output=True, text=True, env=env, timeout=120)


def test_runs_through_the_runtime_on_the_stand_in_driver(matmul_relu, tmp_path):
    """Python -> runtime -> driver: the input, the output, the workspace and
    the weight live in device memory, runs after the first allocate nothing,
    and everything is freed with the model."""
    model, _ = matmul_relu
    aicc.compile(model, target="cuda").save(tmp_path / "m.aicc")
    proc = run_on_stand_in(tmp_path / "m.aicc")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("(32, 48) float32") == 3
    report = re.search(r"fake-cuda: (\d+) launches, (\d+) device allocations .* "
                       r"0 managed allocations .* 3 device-to-host copies, "
                       r"0 device blocks \(0 bytes\) still allocated", proc.stderr)
    assert report, proc.stderr
    launches, allocations = int(report[1]), int(report[2])
    assert launches % 3 == 0 and launches > 0
    assert allocations == 4  # x, y, the workspace, w


STAND_IN_THREADS = """
import sys, threading
import numpy as np
import aicc
m = aicc.load(sys.argv[1])
x = np.full((32, 64), 0.5, np.float32)
for _ in range(4):  # one after another: the stand-in is not thread-safe
    t = threading.Thread(target=lambda: print(m(x).shape))
    t.start()
    t.join()
"""


def test_each_threads_stream_goes_with_it(matmul_relu, tmp_path):
    """Runs from four short-lived threads: each gets its own stream (the
    loading thread one more, for the weights), and each stream is destroyed
    when its thread ends."""
    model, _ = matmul_relu
    aicc.compile(model, target="cuda").save(tmp_path / "m.aicc")
    proc = run_on_stand_in(tmp_path / "m.aicc", script=STAND_IN_THREADS)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("(32, 48)") == 4
    assert "5 streams (5 destroyed)" in proc.stderr, proc.stderr


def test_kernel_fault_is_a_device_error(matmul_relu, tmp_path):
    model, _ = matmul_relu
    aicc.compile(model, target="cuda").save(tmp_path / "m.aicc")
    proc = run_on_stand_in(tmp_path / "m.aicc", AICC_FAKE_CUDA_FAIL_LAUNCH="1")
    assert proc.returncode == 0, proc.stderr
    assert "DeviceError: " in proc.stdout and "CUDA_ERROR_ILLEGAL_ADDRESS" in proc.stdout
    assert "float32" not in proc.stdout
