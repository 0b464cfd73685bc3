#!/usr/bin/env python3
"""PyTorch peers for the GPU model benchmark: runs an ONNX model node by
node with torch ops on the GPU (PyTorch eager: one kernel launch or more
per op, as an nn.Module would), and the same function through
torch.compile. Weights are the model's initializers; the result is checked
against the onnxruntime reference the bundle carries.

    python3 torch_peer.py models/bert_base.onnx models/bert_base_in.npy \
        models/bert_base_ref.npy [--compile]

Prints one JSON line: eager_ms (and compile_ms), max relative error.
Only the ops of bench/models are implemented.
"""
import argparse
import json
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def make_runner(model):
    consts = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()).cuda()
              for i in model.graph.initializer}
    nodes = [(n.op_type, list(n.input), list(n.output), attrs(n)) for n in model.graph.node]
    inputs = [i.name for i in model.graph.input if i.name not in consts]
    output = model.graph.output[0].name

    def run(x):
        env = dict(consts)
        env[inputs[0]] = x
        for op, ins, outs, at in nodes:
            v = [env[i] if i else None for i in ins]
            if op == "MatMul":
                r = torch.matmul(v[0], v[1])
            elif op == "Add":
                r = v[0] + v[1]
            elif op == "Mul":
                r = v[0] * v[1]
            elif op == "Reshape":
                shape = [int(s) for s in v[1].tolist()]
                shape = [v[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
                r = v[0].reshape(shape)
            elif op == "Transpose":
                r = v[0].permute(*at["perm"])
            elif op == "Softmax":
                r = torch.softmax(v[0], dim=at.get("axis", -1))
            elif op == "LayerNormalization":
                axis = at.get("axis", -1)
                shape = v[0].shape[axis:] if axis >= 0 else v[0].shape[axis:]
                r = F.layer_norm(v[0], shape, v[1], v[2], at.get("epsilon", 1e-5))
            elif op == "Erf":
                r = torch.erf(v[0])
            elif op == "Conv":
                pads = at.get("pads", [0, 0, 0, 0])
                r = F.conv2d(v[0], v[1], v[2] if len(v) > 2 else None,
                             stride=at.get("strides", [1, 1]), padding=(pads[0], pads[1]),
                             dilation=at.get("dilations", [1, 1]), groups=at.get("group", 1))
            elif op == "BatchNormalization":
                r = F.batch_norm(v[0], v[3], v[4], v[1], v[2], False, 0.0,
                                 at.get("epsilon", 1e-5))
            elif op == "Clip":
                r = torch.clamp(v[0], float(v[1]), float(v[2]))
            elif op == "Relu":
                r = torch.relu(v[0])
            elif op == "MaxPool":
                pads = at.get("pads", [0, 0, 0, 0])
                r = F.max_pool2d(v[0], at["kernel_shape"], at.get("strides", [1, 1]),
                                 (pads[0], pads[1]))
            elif op == "GlobalAveragePool":
                r = v[0].mean(dim=(2, 3), keepdim=True)
            elif op == "Flatten":
                r = torch.flatten(v[0], at.get("axis", 1))
            elif op == "Gemm":
                b = v[1].t() if at.get("transB", 0) else v[1]
                r = v[0] @ b + (v[2] if len(v) > 2 else 0)
            elif op == "Concat":
                r = torch.cat(v, dim=at["axis"])
            elif op == "Slice":
                r = v[0]
                starts, ends = v[1].tolist(), v[2].tolist()
                axes = v[3].tolist() if len(v) > 3 else list(range(len(starts)))
                for s, e, a in zip(starts, ends, axes):
                    r = r.narrow(a, s, min(e, r.shape[a]) - s)
            else:
                raise NotImplementedError(op)
            env[outs[0]] = r
        return env[output]

    return run


def time_ms(fn, x, runs=50):
    with torch.no_grad():
        for _ in range(5):
            fn(x)
        torch.cuda.synchronize()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(runs):
            fn(x)
        end.record()
        torch.cuda.synchronize()
    return start.elapsed_time(end) / runs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("input")
    ap.add_argument("ref")
    ap.add_argument("--compile", action="store_true")
    args = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False  # PyTorch's default
    run = make_runner(onnx.load(args.model))
    x = torch.from_numpy(np.load(args.input)).cuda()
    ref = np.load(args.ref)
    with torch.no_grad():
        y = run(x).cpu().numpy()
    result = {"max_rel_err": float(np.max(np.abs(y - ref)) / np.max(np.abs(ref))),
              "eager_ms": time_ms(run, x)}
    if args.compile:
        try:
            compiled = torch.compile(run)
            result["compile_ms"] = time_ms(compiled, x)
        except Exception as e:  # report, do not hide: the row says why
            result["compile_error"] = f"{type(e).__name__}: {str(e)[:300]}"
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
