#!/usr/bin/env python3
"""Python-side cost of calling a compiled model (issue target: <= 20 us on a
tiny model), with onnxruntime's InferenceSession.run on the same model in the
same run as the peer.

    PYTHONPATH=build/python_packages .venv/bin/python bench/python/overhead.py \
        [--out bench/results/python-overhead-DATE.json]

The tiny model is y = x + x on 4 floats, so the compiled code's own time is
tens of nanoseconds and a call's time is the binding's overhead: argument
checks, output allocation, GIL release/reacquire and the call itself. The
native part alone (the C runtime's aicc_model_run on the saved artifact) is
measured too, through ctypes, whose own cost it then includes.
"""
import argparse
import ctypes
import json
import os
import platform
import tempfile
import timeit

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

import aicc


def tiny_model():
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "x"], ["y"], name="add")], "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def best_us(fn, number=20000, repeat=7):
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="write the results as JSON here")
    args = ap.parse_args()

    model = tiny_model()
    x = np.arange(4, dtype=np.float32)
    m = aicc.compile(model, threads=1)
    assert np.array_equal(m(x), x + x)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])

    results = {
        "aicc m(x)": best_us(lambda: m(x)),
        "aicc m(x=x)": best_us(lambda: m(x=x)),
        "aicc m.run({'x': x})": best_us(lambda: m.run({"x": x})),
        "onnxruntime session.run": best_us(lambda: session.run(None, {"x": x})),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "tiny.aicc")
        m.save(path)
        loaded = aicc.load(path, threads=1)
        results["aicc (loaded artifact) m(x)"] = best_us(lambda: loaded(x))
        # The C runtime alone, through ctypes (the extension has it loaded:
        # dlopen finds it by its soname).
        runtime = ctypes.CDLL("libaicc_runtime.so")
        handle = ctypes.c_void_p()
        err = ctypes.create_string_buffer(512)
        assert runtime.aicc_model_load(path.encode(), ctypes.byref(handle), err, 512) == 0, err.value
        y = np.empty(4, np.float32)
        ins = (ctypes.c_void_p * 1)(x.ctypes.data)
        outs = (ctypes.c_void_p * 1)(y.ctypes.data)
        run = runtime.aicc_model_run
        results["C runtime aicc_model_run (via ctypes)"] = best_us(
            lambda: run(handle, ins, outs))
        runtime.aicc_model_free(handle)

    report = {
        "machine": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "onnxruntime": ort.__version__,
        "model": "Add(x, x), x: float32[4]; 1 thread",
        "per_call_us": {k: round(v, 3) for k, v in results.items()},
        "ratio_ort_over_aicc_call": round(results["onnxruntime session.run"]
                                          / results["aicc m(x)"], 2),
    }
    width = max(map(len, results))
    for name, us in results.items():
        print(f"{name:<{width}}  {us:7.2f} us")
    print(f"onnxruntime / aicc per call: {report['ratio_ort_over_aicc_call']}x")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
