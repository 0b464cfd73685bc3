"""Runs `aicc run` on models from make_models.py and compares each output with
numpy. Exits non-zero on any mismatch.

usage: check_run.py AICC MODEL_DIR
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

# argv[1] may carry flags ("aicc -O0"); they go after `run`.
aicc, *aicc_flags = sys.argv[1].split()
d = sys.argv[2]


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def init(model, name):
    for t in model.graph.initializer:
        if t.name == name:
            return numpy_helper.to_array(t)
    raise KeyError(name)


def run(model_name, inputs):
    with tempfile.TemporaryDirectory() as tmp:
        args = [aicc, "run", *aicc_flags, os.path.join(d, model_name), "--output-dir", tmp]
        for name, value in inputs.items():
            path = os.path.join(tmp, f"in_{name}.npy")
            np.save(path, value)
            args += ["--input", f"{name}={path}"]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        return {f[:-4]: np.load(os.path.join(tmp, f)) for f in os.listdir(tmp)
                if f.endswith(".npy") and not f.startswith("in_")}


failures = 0


def check(label, got, want, exact=False):
    global failures
    ok = got.dtype == want.dtype and got.shape == want.shape and (
        np.array_equal(got, want) if exact else np.allclose(got, want, rtol=1e-5, atol=1e-6))
    print(f"{'ok' if ok else 'MISMATCH'}: {label}")
    if not ok:
        print(f"  got {got.dtype}{got.shape}:\n{got}\n  want {want.dtype}{want.shape}:\n{want}")
        failures += 1


rng = np.random.default_rng(1)
mlp = onnx.load(os.path.join(d, "mlp.onnx"))
x = rng.standard_normal((2, 4)).astype(np.float32)
h = np.maximum(0.5 * (x @ init(mlp, "w1").T) + 2.0 * init(mlp, "b1"), 0)
want = sigmoid((h @ init(mlp, "w2")).reshape(3, 4)).astype(np.float32)
check("mlp (Gemm transB/alpha/beta, Relu, MatMul, Reshape -1, Sigmoid)", run("mlp.onnx", {"x": x})["y"], want)

u = np.array([3, 9], np.uint8)
i = np.array([5, 6, -7], np.int32)
out = run("typed_fields.onnx", {"u": u, "i": i})
check("uint8 add wraps around", out["y"], (u + np.array([7, 250], np.uint8)).astype(np.uint8), exact=True)
check("int32 mul", out["z"], i * np.array([1, -2, 3], np.int32), exact=True)

ext = onnx.load(os.path.join(d, "external_ok.onnx"), load_external_data=False)
w = np.fromfile(os.path.join(d, "weights.bin"), np.float32).reshape(2, 2)
x2 = rng.standard_normal((2, 2)).astype(np.float32)
check("external data", run("external_ok.onnx", {"x": x2})["y"], x2 @ w)

sys.exit(1 if failures else 0)
