#!/usr/bin/env python3
"""Tensor-core (mma.sync: tf32, f16, bf16) and warp-reduction sweep for
-target=cuda: matmuls of awkward sizes (partial warp tiles, K not a
multiple of 8 or 16), every warp tile the heuristic picks, batch
dimensions, transposed weights, epilogues (bias, relu, scale, a transpose),
f16 and bf16 operands (m16n8k16, f32 accumulation, also under
--gpu-precision=strict), one f32 model with --gpu-precision=strict;
matmuls with --gpu-stages (operands staged in shared memory: cp.async,
partial blocks, short last k slices, unaligned rows); softmax, layer norm
and log-softmax with --gpu-fuse-rows (one kernel, a warp per row);
convolutions as GEMMs (im2col, or the input itself for 1x1 ones: tf32,
f16, bf16, batches of images, strides, a 7x7 stem, staged, strict f32 on
the CUDA cores; and as implicit GEMMs with --gpu-implicit-gemm, which read
the windows from the image); a batch of activations times a weight; matmuls too small
to fill the GPU with --gpu-split-k (the reduction split, a second kernel
summing the partials with the epilogue);
reductions split across a warp's lanes (sum, max, sum of squares with a
fused producer, lengths that 32 does not divide, softmax, layer norm).

    mma_sweep.py compile --aicc AICC --bundle DIR
        writes the models, compiles them for sm_90, checks that each got
        the schedule it is meant to test (mma or not), and stores the
        artifacts with their inputs and weights in DIR (no GPU needed).
    mma_sweep.py run --bundle DIR --aicc-run AICC_RUN
        runs each artifact and compares with a float64 numpy reference;
        exits 77 (skipped) where there is no GPU.

Tolerance: rounding both operands to tf32 (round to nearest, 10 mantissa
bits) errs by at most 2^-11 relative each, so an output may be off by
1.1e-3 * sum_k |a_ik| |b_kj| (plus f32 accumulation); strict f32 by
1e-5 of that; reductions by 1e-5 of the same sum on |x| (a different order
of f32 additions). f16 and bf16 operands are exact (the reference uses the
rounded values); the f32 sum is rounded once to the output type, half a
unit in the last place (2^-11 for f16, 2^-8 for bf16) of |result|, which
the same sum on |operands| bounds: 1e-3 and 4.5e-3 of it. bf16 arrays
travel as their uint16 bits (aicc-run's convention).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

TF32_BOUND = 1.1e-3
STRICT_BOUND = 1e-5
HALF_BOUNDS = {"float16": 1e-3, "bfloat16": 4.5e-3}


def to_bf16_bits(a):
    """float32 -> bfloat16 (round to nearest even) as uint16 bits."""
    bits = a.astype(np.float32).view(np.uint32)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)


def from_bf16_bits(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def to_float(a):
    """An array as stored (bf16 as uint16 bits) in float64."""
    return (from_bf16_bits(a) if a.dtype == np.uint16 else a).astype(np.float64)


def conv(x, w, stride=1, pad=0):
    """The reference 2-D convolution (NCHW, FCHW) in float64."""
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    kh, kw = w.shape[2:]
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(2, 3))
    return np.einsum("nchwij,fcij->nfhw", windows[:, :, ::stride, ::stride], w)


REFERENCE_NAMES = {"np": np, "conv": conv}


def build_cases():
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(11)

    def model(nodes, inputs, output, inits, elem=TensorProto.FLOAT):
        def init(n, a):
            if a.dtype != np.uint16:
                return numpy_helper.from_array(a, n)
            return helper.make_tensor(n, TensorProto.BFLOAT16, a.shape, a.tobytes(), raw=True)
        g = helper.make_graph(
            nodes, "mma",
            [helper.make_tensor_value_info(n, elem, a.shape) for n, a in inputs],
            [helper.make_tensor_value_info(output, elem, None)],
            [init(n, a) for n, a in inits])
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
        m.ir_version = 8
        return m

    def arr(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    # name, model, inputs, weights, reference (float64 numpy), the error's
    # scale (the same on |operands|, without bias or activation), flags, and
    # what the schedule must use: "mma", "lanes" or neither ("").
    for m, n, k in [(16, 16, 8), (17, 33, 13), (100, 70, 9), (64, 64, 64),
                    (128, 768, 768), (1024, 1024, 24), (1024, 512, 40), (2048, 1024, 32),
                    (40, 3000, 16)]:
        a, b = arr(m, k), arr(k, n)
        yield (f"matmul_{m}x{n}x{k}",
               model([helper.make_node("MatMul", ["a", "b"], ["y"], name="mm")],
                     [("a", a)], "y", [("b", b)]),
               {"a": a}, {"b": b}, "a @ b", "a @ b", [], "mma")
    # Too small for a 16x16 tile: stays on the CUDA cores.
    a, b = arr(8, 32), arr(32, 64)
    yield ("matmul_8x64x32_simt",
           model([helper.make_node("MatMul", ["a", "b"], ["y"], name="mm")], [("a", a)], "y",
                 [("b", b)]),
           {"a": a}, {"b": b}, "a @ b", "a @ b", [], "")
    # Batch dimensions, both operands inputs.
    a, b = arr(2, 3, 40, 24), arr(2, 3, 24, 36)
    yield ("batch_matmul_2x3x40x36x24",
           model([helper.make_node("MatMul", ["a", "b"], ["y"], name="bmm")],
                 [("a", a), ("b", b)], "y", []),
           {"a": a, "b": b}, {}, "a @ b", "a @ b", [], "mma")
    # Gemm with transposed weights, bias and relu (an epilogue).
    a, w, bias = arr(50, 40), arr(64, 40), arr(64)
    yield ("gemm_transb_bias_relu_50x64x40",
           model([helper.make_node("Gemm", ["a", "w", "bias"], ["g"], transB=1, name="gemm"),
                  helper.make_node("Relu", ["g"], ["y"], name="relu")],
                 [("a", a)], "y", [("w", w), ("bias", bias)]),
           {"a": a}, {"w": w, "bias": bias}, "np.maximum(a @ w.T + bias, 0)", "a @ w.T", [],
           "mma")
    # BERT's projection: [1, 128, 768] x [768, 768] + bias.
    a, b, bias = arr(1, 128, 768), arr(768, 768), arr(768)
    yield ("bert_projection_bias",
           model([helper.make_node("MatMul", ["a", "b"], ["p"], name="mm"),
                  helper.make_node("Add", ["p", "bias"], ["y"], name="add")],
                 [("a", a)], "y", [("b", b), ("bias", bias)]),
           {"a": a}, {"b": b, "bias": bias}, "a @ b + bias", "a @ b", [], "mma")
    # Attention scores with a scale, and context followed by a transpose.
    q, kt = arr(1, 12, 128, 64), arr(1, 12, 64, 128)
    yield ("attention_scores_scaled",
           model([helper.make_node("MatMul", ["q", "kt"], ["s"], name="qk"),
                  helper.make_node("Mul", ["s", "scale"], ["y"], name="scale")],
                 [("q", q), ("kt", kt)], "y", [("scale", np.array(0.125, np.float32))]),
           {"q": q, "kt": kt}, {}, "(q @ kt) * 0.125", "(q @ kt) * 0.125", [],
           "mma")
    p, v = arr(1, 12, 128, 128), arr(1, 12, 128, 64)
    yield ("attention_context_transposed",
           model([helper.make_node("MatMul", ["p", "v"], ["c"], name="pv"),
                  helper.make_node("Transpose", ["c"], ["y"], perm=[0, 2, 1, 3], name="t")],
                 [("p", p), ("v", v)], "y", []),
           {"p": p, "v": v}, {}, "np.transpose(p @ v, (0, 2, 1, 3))",
           "np.transpose(p @ v, (0, 2, 1, 3))", [], "mma")
    # A batch of activations times a weight: two m loops with more than one
    # iteration (the rows of each activation form the tile's m loop).
    a, b = arr(3, 40, 64), arr(64, 48)
    yield ("batch_activations_3x40x48x64",
           model([helper.make_node("MatMul", ["a", "b"], ["y"], name="mm")],
                 [("a", a)], "y", [("b", b)]),
           {"a": a}, {"b": b}, "a @ b", "a @ b", [], "mma")
    yield from half_cases(TensorProto, helper, model, arr)
    yield from conv_cases(TensorProto, helper, model, arr)
    yield from staged_cases(TensorProto, helper, model, arr)
    yield from wgmma_cases(TensorProto, helper, model, arr)
    yield from split_k_cases(TensorProto, helper, model, arr)
    yield from reduction_cases(helper, model, arr)
    yield from row_cases(helper, model, arr)
    # Strict f32: no tensor cores.
    a, b = arr(128, 256), arr(256, 96)
    yield ("matmul_128x96x256_strict",
           model([helper.make_node("MatMul", ["a", "b"], ["y"], name="mm")], [("a", a)], "y",
                 [("b", b)]),
           {"a": a}, {"b": b}, "a @ b", "a @ b", ["--gpu-precision=strict"],
           "")


def half_cases(TensorProto, helper, model, arr):
    """f16 and bf16 matmuls (mma m16n8k16): K a multiple of 32, of 16 only,
    and of neither; partial tiles; a transposed weight with bias and relu;
    batched activations; strict f32 math leaves them on the tensor cores."""
    types = {"float16": (TensorProto.FLOAT16, lambda a: a.astype(np.float16)),
             "bfloat16": (TensorProto.BFLOAT16, to_bf16_bits)}
    for dtype, (elem, cast) in types.items():
        tag = "f16" if dtype == "float16" else "bf16"
        for m, n, k in [(64, 64, 64), (100, 70, 48), (17, 33, 29), (1024, 1024, 256),
                        (128, 768, 768)]:
            a, b = cast(arr(m, k)), cast(arr(k, n))
            yield (f"{tag}_matmul_{m}x{n}x{k}",
                   model([helper.make_node("MatMul", ["a", "b"], ["y"], name="mm")],
                         [("a", a)], "y", [("b", b)], elem),
                   {"a": a}, {"b": b}, "a @ b", "a @ b", [], "mma", dtype)
        a, w, bias = cast(arr(50, 40)), cast(arr(64, 40)), cast(arr(64))
        yield (f"{tag}_gemm_transb_bias_relu_50x64x40",
               model([helper.make_node("Gemm", ["a", "w", "bias"], ["g"], transB=1, name="gemm"),
                      helper.make_node("Relu", ["g"], ["y"], name="relu")],
                     [("a", a)], "y", [("w", w), ("bias", bias)], elem),
               {"a": a}, {"w": w, "bias": bias}, "np.maximum(a @ w.T + bias, 0)",
               "a @ w.T + np.abs(bias)", [], "mma", dtype)
        q, kt = cast(arr(2, 4, 64, 32)), cast(arr(2, 4, 32, 48))
        yield (f"{tag}_batch_matmul_2x4x64x48x32_strict",
               model([helper.make_node("MatMul", ["q", "kt"], ["y"], name="bmm")],
                     [("q", q), ("kt", kt)], "y", [], elem),
               {"q": q, "kt": kt}, {}, "q @ kt", "q @ kt", ["--gpu-precision=strict"], "mma",
               dtype)


def conv_cases(TensorProto, helper, model, arr):
    """Convolutions, which the CUDA pipeline rewrites as GEMMs (the filter
    [F, C*KH*KW] times the input's windows [N, C*KH*KW, OH*OW]): 3x3 with
    padding, bias and relu; 1x1 on the input itself with 2 images (a second
    n loop) and partial tiles; 1x1 with stride 2 (a window copy); the 7x7
    stride-2 stem (K = 147); f16 and bf16 (summed in f32); staged; strict
    f32 (no tensor cores). Then with --gpu-implicit-gemm: no window copy,
    the GEMM reads each window element from the image (zero outside it:
    the padding), also staged (the reads go to shared memory)."""
    types = {"float16": (TensorProto.FLOAT16, lambda a: a.astype(np.float16)),
             "bfloat16": (TensorProto.BFLOAT16, to_bf16_bits),
             "float32": (TensorProto.FLOAT, lambda a: a)}

    def case(name, dtype, xs, ws, stride, pad, bias, flags=(), expect="mma"):
        elem, cast = types[dtype]
        x, w = cast(arr(*xs)), cast(arr(*ws))
        inits = [("w", w)]
        nodes = [helper.make_node("Conv", ["x", "w"] + (["b"] if bias else []),
                                  ["c" if bias else "y"], strides=[stride] * 2,
                                  pads=[pad] * 4, name="conv")]
        ref = scale = f"conv(x, w, {stride}, {pad})"
        if bias:
            b = cast(arr(ws[0]))
            inits.append(("b", b))
            nodes.append(helper.make_node("Relu", ["c"], ["y"], name="relu"))
            ref = f"np.maximum({ref} + b[:, None, None], 0)"
            scale += " + np.abs(b)[:, None, None]"
        weights = dict(inits)
        return (name, model(nodes, [("x", x)], "y", inits, elem), {"x": x}, weights, ref,
                scale, list(flags), expect, dtype)
    yield case("conv3x3_bias_relu_1x64x28x28", "float32", (1, 64, 28, 28), (64, 64, 3, 3),
               1, 1, True)
    yield case("conv1x1_2x96x14x14_to_40", "float32", (2, 96, 14, 14), (40, 96, 1, 1), 1, 0,
               False)
    yield case("conv1x1_stride2_1x64x28x28", "float32", (1, 64, 28, 28), (128, 64, 1, 1),
               2, 0, False)
    yield case("conv7x7_stride2_stem_1x3x64x64", "float32", (1, 3, 64, 64), (32, 3, 7, 7),
               2, 3, True)
    yield case("f16_conv3x3_bias_relu_2x32x20x20", "float16", (2, 32, 20, 20),
               (48, 32, 3, 3), 1, 1, True)
    yield case("bf16_conv1x1_1x64x16x16", "bfloat16", (1, 64, 16, 16), (80, 64, 1, 1), 1, 0,
               False)
    yield case("staged_conv1x1_2x64x56x56_to_256", "float32", (2, 64, 56, 56),
               (256, 64, 1, 1), 1, 0, False, ["--gpu-stages=3"], "staged")
    yield case("conv3x3_1x16x12x12_strict", "float32", (1, 16, 12, 12), (24, 16, 3, 3), 1, 1,
               False, ["--gpu-precision=strict"], "")
    implicit = ["--gpu-implicit-gemm"]
    yield case("implicit_conv3x3_bias_relu_1x64x28x28", "float32", (1, 64, 28, 28),
               (64, 64, 3, 3), 1, 1, True, implicit)
    yield case("implicit_conv1x1_stride2_1x64x28x28", "float32", (1, 64, 28, 28),
               (128, 64, 1, 1), 2, 0, False, implicit)
    yield case("implicit_conv7x7_stride2_stem_1x3x64x64", "float32", (1, 3, 64, 64),
               (32, 3, 7, 7), 2, 3, True, implicit)
    yield case("implicit_f16_conv3x3_bias_relu_2x32x20x20", "float16", (2, 32, 20, 20),
               (48, 32, 3, 3), 1, 1, True, implicit)
    yield case("implicit_bf16_conv3x3_stride2_1x32x17x17", "bfloat16", (1, 32, 17, 17),
               (40, 32, 3, 3), 2, 1, False, implicit)
    yield case("implicit_staged_conv3x3_2x64x56x56_to_256", "float32", (2, 64, 56, 56),
               (256, 64, 3, 3), 1, 1, True, implicit + ["--gpu-stages=3"], "staged")
    yield case("implicit_staged_f16_conv3x3_1x32x64x64_to_256", "float16", (1, 32, 64, 64),
               (256, 32, 3, 3), 1, 1, False, implicit + ["--gpu-stages=2"], "staged")
    yield case("implicit_conv3x3_1x16x12x12_strict", "float32", (1, 16, 12, 12),
               (24, 16, 3, 3), 1, 1, False, implicit + ["--gpu-precision=strict"], "")


def element_casts(TensorProto):
    """Each dtype's ONNX element type and how numpy data becomes it."""
    return {"float16": (TensorProto.FLOAT16, lambda a: a.astype(np.float16)),
            "bfloat16": (TensorProto.BFLOAT16, to_bf16_bits),
            "float32": (TensorProto.FLOAT, lambda a: a)}


def staged_cases(TensorProto, helper, model, arr):
    """Matmuls with --gpu-stages: operands staged in shared memory by
    cp.async (or loads and stores where rows are not aligned), 128x128
    blocks of 8 warps or 64x64 ones of 4; partial blocks (a warp with no
    rows or columns left), a last k slice cut short, weights transposed,
    batches, tf32."""
    half = element_casts(TensorProto)

    def matmul(tag, dtype, m, n, k, stages):
        elem, cast = half[dtype]
        a, b = cast(arr(m, k)), cast(arr(k, n))
        return (f"staged_{tag}_matmul_{m}x{n}x{k}",
                model([helper.make_node("MatMul", ["a", "b"], ["y"], name="mm")],
                      [("a", a)], "y", [("b", b)], elem),
                {"a": a}, {"b": b}, "a @ b", "a @ b", [f"--gpu-stages={stages}"], "staged",
                dtype)
    # 128x128 blocks, k 32 at a time, 2 stages (3 do not fit 48 KiB).
    yield matmul("f16", "float16", 2048, 1024, 96, 3)
    # 64x64 blocks, K = 200: the last slice has 8 of 32.
    yield matmul("bf16", "bfloat16", 1024, 1024, 200, 3)
    # 40 rows and 6 columns in the last blocks (the second warp column has
    # none); rows of 1030 halves: 4-byte copies of B.
    yield matmul("f16", "float16", 1000, 1030, 72, 2)
    # Rows of 45 halves: A goes by loads and stores.
    yield matmul("f16", "float16", 1024, 1024, 45, 1)
    # tf32: k 16 at a time.
    yield matmul("tf32", "float32", 2048, 1024, 64, 4)
    # A transposed weight with bias and relu.
    yield gemm_transb_bias_relu(TensorProto, helper, model, arr, "staged", 1024,
                                ["--gpu-stages=2"])
    # Batches of bf16 activations times activations.
    yield batch_matmul(TensorProto, helper, model, arr, "staged", 8, ["--gpu-stages=3"])


def gemm_transb_bias_relu(TensorProto, helper, model, arr, uses, m, flags):
    """f16 relu(a @ w.T + bias), a of m x 128, w of 1024 x 128."""
    elem, cast = element_casts(TensorProto)["float16"]
    a, w, bias = cast(arr(m, 128)), cast(arr(1024, 128)), cast(arr(1024))
    return (f"{uses}_f16_gemm_transb_bias_relu_{m}x1024x128",
            model([helper.make_node("Gemm", ["a", "w", "bias"], ["g"], transB=1, name="gemm"),
                   helper.make_node("Relu", ["g"], ["y"], name="relu")],
                  [("a", a), ("w", w)], "y", [("bias", bias)], elem),
            {"a": a, "w": w}, {"bias": bias}, "np.maximum(a @ w.T + bias, 0)",
            "a @ w.T + np.abs(bias)", flags, uses, "float16")


def batch_matmul(TensorProto, helper, model, arr, uses, batch, flags):
    """bf16 activations times activations, `batch` of 256x64 @ 64x256."""
    elem, cast = element_casts(TensorProto)["bfloat16"]
    q, kt = cast(arr(batch, 256, 64)), cast(arr(batch, 64, 256))
    return (f"{uses}_bf16_batch_matmul_{batch}x256x256x64",
            model([helper.make_node("MatMul", ["q", "kt"], ["y"], name="bmm")],
                  [("q", q), ("kt", kt)], "y", [], elem),
            {"q": q, "kt": kt}, {}, "q @ kt", "q @ kt", flags, uses, "bfloat16")


def wgmma_cases(TensorProto, helper, model, arr):
    """sm_90a: staged matmuls on wgmma.mma_async (128x128 blocks of two
    warpgroups of 64x128, core-matrix buffers read through descriptors);
    a last k slice cut short, ragged blocks, tf32, a transposed weight with
    an epilogue, batches. The CPU check is of the model itself (the
    instruction cannot run there)."""
    half = element_casts(TensorProto)
    flags = ["--gpu-arch=sm_90a"]

    def matmul(dtype, m, n, k, stages):
        elem, cast = half[dtype]
        a, b = cast(arr(m, k)), cast(arr(k, n))
        return (f"wgmma_{dtype}_matmul_{m}x{n}x{k}",
                model([helper.make_node("MatMul", ["a", "b"], ["y"], name="mm")],
                      [("a", a)], "y", [("b", b)], elem),
                {"a": a}, {"b": b}, "a @ b", "a @ b", flags + [f"--gpu-stages={stages}"],
                "wgmma", dtype)
    yield matmul("float16", 2048, 1024, 96, 3)
    # K = 200: the last slice has 8 of 32.
    yield matmul("bfloat16", 1024, 2048, 200, 3)
    # 80 rows (the second warpgroup has 16) and 6 columns in the last blocks.
    yield matmul("float16", 2000, 1030, 72, 2)
    # tf32: k 16 at a time, B copied one element at a time by cp.async.
    yield matmul("float32", 2048, 1024, 64, 3)
    yield gemm_transb_bias_relu(TensorProto, helper, model, arr, "wgmma", 2048,
                                flags + ["--gpu-stages=2"])
    yield batch_matmul(TensorProto, helper, model, arr, "wgmma", 32, flags + ["--gpu-stages=3"])


def split_k_cases(TensorProto, helper, model, arr):
    """--gpu-split-k: matmuls whose 16x16 warp tiles give the GPU fewer
    than 2048 warps split their reduction (tf32 with a bias: 8 ways; f16:
    16 ways of 256; bf16 also staged: the partial matmul has 128 blocks)."""
    types = {"float16": (TensorProto.FLOAT16, lambda a: a.astype(np.float16)),
             "bfloat16": (TensorProto.BFLOAT16, to_bf16_bits),
             "float32": (TensorProto.FLOAT, lambda a: a)}

    def case(tag, dtype, m, n, k, flags):
        elem, cast = types[dtype]
        a, b, bias = cast(arr(m, k)), cast(arr(k, n)), cast(arr(n))
        return (f"split_k_{tag}_{m}x{n}x{k}_bias",
                model([helper.make_node("MatMul", ["a", "b"], ["p"], name="mm"),
                       helper.make_node("Add", ["p", "bias"], ["y"], name="add")],
                      [("a", a)], "y", [("b", b), ("bias", bias)], elem),
                {"a": a}, {"b": b, "bias": bias}, "a @ b + bias", "a @ b + np.abs(bias)",
                ["--gpu-split-k"] + flags, "splitk", dtype)
    yield case("tf32", "float32", 64, 128, 2048, [])
    yield case("f16", "float16", 32, 128, 4096, [])
    yield case("bf16_staged", "bfloat16", 128, 512, 2048, ["--gpu-stages=3"])


def row_cases(helper, model, arr):
    """--gpu-fuse-rows: softmax, layer norm and log-softmax (a per-row op,
    log of the sum, between two reductions) as one kernel, a warp per row;
    1000 columns leave lanes with 31 or 32 elements."""
    yield softmax_case(helper, model, arr, "rows_", ["--gpu-fuse-rows"], "rows")
    yield layernorm_case(helper, model, arr, "rows_", ["--gpu-fuse-rows"], "rows")
    x = arr(64, 1000)
    yield ("rows_log_softmax_64x1000",
           model([helper.make_node("ReduceMax", ["x"], ["m"], axes=[1], keepdims=1, name="max"),
                  helper.make_node("Sub", ["x", "m"], ["d"], name="sub"),
                  helper.make_node("Exp", ["d"], ["e"], name="exp"),
                  helper.make_node("ReduceSum", ["e", "axes"], ["s"], keepdims=1, name="sum"),
                  helper.make_node("Log", ["s"], ["l"], name="log"),
                  helper.make_node("Sub", ["d", "l"], ["y"], name="sub2")],
                 [("x", x)], "y", [("axes", np.array([1], np.int64))]),
           {"x": x}, {},
           "(x - x.max(-1, keepdims=True)) - "
           "np.log(np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True))",
           "10 * np.ones_like(x)", ["--gpu-fuse-rows"], "rows")


def reduction_cases(helper, model, arr):
    x = arr(128, 768)
    yield ("reduce_sum_128x768",
           model([helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=0, name="sum")],
                 [("x", x)], "y", [("axes", np.array([1], np.int64))]),
           {"x": x}, {}, "np.sum(x, axis=1)", "np.sum(x, axis=1)", [], "lanes")
    x = arr(64, 1000)
    yield ("reduce_max_64x1000",
           model([helper.make_node("ReduceMax", ["x"], ["y"], axes=[1], keepdims=1, name="max")],
                 [("x", x)], "y", []),
           {"x": x}, {}, "np.max(x, axis=1, keepdims=True)",
           "np.max(x, axis=1, keepdims=True)", [], "lanes")
    x = arr(40, 65)
    yield ("reduce_sum_square_40x65",
           model([helper.make_node("ReduceSumSquare", ["x"], ["y"], axes=[1], keepdims=0,
                                   name="ss")],
                 [("x", x)], "y", []),
           {"x": x}, {}, "np.sum(x * x, axis=1)", "np.sum(x * x, axis=1)", [], "lanes")
    yield softmax_case(helper, model, arr, "", [], "lanes")
    yield layernorm_case(helper, model, arr, "", [], "lanes")


def softmax_case(helper, model, arr, prefix, flags, expect):
    x = arr(1, 12, 128, 128)
    return (f"{prefix}softmax_1x12x128x128",
            model([helper.make_node("Softmax", ["x"], ["y"], axis=-1, name="softmax")],
                  [("x", x)], "y", []),
            {"x": x}, {},
            "np.exp(x - x.max(-1, keepdims=True)) / "
            "np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True)",
            "10 * np.ones_like(x)", flags, expect)


def layernorm_case(helper, model, arr, prefix, flags, expect):
    x, g, b = arr(1, 128, 768), arr(768), arr(768)
    return (f"{prefix}layernorm_1x128x768",
            model([helper.make_node("LayerNormalization", ["x", "g", "b"], ["y"], axis=-1,
                                    epsilon=1e-5, name="ln")],
                  [("x", x)], "y", [("g", g), ("b", b)]),
            {"x": x}, {"g": g, "b": b},
            "(x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5) * g + b",
            "10 * (np.abs(g) + 1) * np.ones_like(x)", flags, expect)


def cmd_compile(args):
    bundle = Path(args.bundle)
    shutil.rmtree(bundle, ignore_errors=True)
    bundle.mkdir(parents=True)
    import onnx
    index, bad = {}, 0
    for case in build_cases():
        name, model, inputs, weights, ref, scale, flags, expect = case[:8]
        dtype = case[8] if len(case) > 8 else "float32"
        d = bundle / name
        d.mkdir()
        onnx.save(model, d / "model.onnx")
        arch = [] if any(f.startswith("--gpu-arch=") for f in flags) else ["--gpu-arch=sm_90"]
        base = [args.aicc, str(d / "model.onnx"), "-target=cuda"] + arch + flags
        kernels = subprocess.run(base + ["--emit=kernels"], capture_output=True, text=True)
        uses = {"mma": 'mma = "m16n8k' in kernels.stdout,
                "lanes": "lanes = 32" in kernels.stdout,
                "staged": re.search(r"stages = [1-9]", kernels.stdout) is not None,
                "wgmma": 'mma = "wgmma_' in kernels.stdout,
                "rows": "aicc.row_kernel" in kernels.stdout and "lanes = 32" in kernels.stdout
                        and kernels.stdout.count("func.func private") == 1,
                "splitk": 'mma = "m16n8k' in kernels.stdout and
                          'iterator_types = ["reduction", "parallel"' in kernels.stdout}
        ok = uses[expect] if expect else not uses["mma"]
        implicit = "--gpu-implicit-gemm" in flags
        if implicit and "tensor.extract" not in kernels.stdout:
            ok = False  # the windows were copied after all
        proc = subprocess.run(base + ["-o", str(d / "model.aicc")], capture_output=True, text=True)
        if kernels.returncode or proc.returncode or not ok:
            bad += 1
            why = (proc.stderr or kernels.stderr).strip()[-300:] or \
                f"schedules use {uses}, expected {expect or 'no mma'}"
            print(f"  {name}: {why}")
            continue
        for n, a in {**inputs, **weights}.items():
            np.save(d / f"{n}.npy", a)
        bound = HALF_BOUNDS.get(dtype) or (TF32_BOUND if expect in ("mma", "staged", "splitk", "wgmma")
                                           else STRICT_BOUND)
        entry = {"inputs": list(inputs), "arrays": list({**inputs, **weights}),
                 "ref": ref, "scale": scale, "bound": bound, "uses": expect, "dtype": dtype,
                 "implicit": implicit}
        if (dtype != "float32" or expect in ("rows", "splitk") or "conv" in name) and not check_on_cpu(args.aicc, d, name, entry, inputs, weights,
                                                   d / "model.onnx"):
            bad += 1
            continue
        (d / "model.onnx").unlink()
        index[name] = entry
    (bundle / "index.json").write_text(json.dumps(index, indent=1))
    print(f"mma sweep: compiled {len(index)} of {len(index) + bad}")
    return 1 if bad else 0


def check(name, e, arrays, got):
    """Compares an output with the float64 reference; prints one line."""
    f64 = {n: to_float(a) for n, a in arrays.items()}
    ref = eval(e["ref"], REFERENCE_NAMES, f64)
    scale = np.abs(eval(e["scale"], REFERENCE_NAMES, {n: np.abs(a) for n, a in f64.items()}))
    if got.shape != ref.shape:
        print(f"  {name}: FAILED shape {got.shape}, expected {ref.shape}")
        return False
    err = np.abs(got - ref)
    limit = e["bound"] * scale + 1e-6
    worst = float(np.max(err / limit)) if err.size else 0.0
    rel = float(np.max(err) / max(np.max(np.abs(ref)), 1e-30))
    ok = worst <= 1.0
    print(f"  {name}: {'ok' if ok else 'FAILED'} max err {np.max(err):.3g} "
          f"(max rel {rel:.2g}, {worst:.2f} of the bound){' ' + e['uses'] if e['uses'] else ''}"
          f"{' ' + e['dtype'] if e.get('dtype', 'float32') != 'float32' else ''}")
    return ok


def check_on_cpu(aicc, d, name, e, inputs, weights, onnx_path):
    """Runs a half-precision, row, split-K or conv case on the CPU (aicc run
    -O2) against the same reference and bound: checks the f32-accumulating
    lowering and the sweep's own reference and bound without a GPU. Conv
    cases run a second time channels first (AICC_CPU_CHANNELS_FIRST=1):
    the NCHW im2col GEMM that the CUDA pipeline gives the tensor cores, or
    for --gpu-implicit-gemm ones the implicit GEMM (AICC_CPU_IMPLICIT_GEMM=1);
    split-K cases with the reduction split (AICC_CPU_SPLIT_K=1)."""
    runs = [("CPU", {})]
    if "conv" in name and e.get("implicit"):
        runs.append(("CPU, implicit GEMM", {"AICC_CPU_CHANNELS_FIRST": "1",
                                            "AICC_CPU_IMPLICIT_GEMM": "1"}))
    elif "conv" in name:
        runs.append(("CPU, channels first", {"AICC_CPU_CHANNELS_FIRST": "1"}))
    if e["uses"] == "splitk":
        runs.append(("CPU, split", {"AICC_CPU_SPLIT_K": "1"}))
    ok = True
    for label, env in runs:
        with tempfile.TemporaryDirectory() as out:
            cmd = [aicc, "run", "-O2", str(onnx_path), "--output-dir", out]
            for n in inputs:
                cmd += ["--input", f"{n}={d / (n + '.npy')}"]
            proc = subprocess.run(cmd, capture_output=True, text=True,
                                  env={**os.environ, **env})
            if proc.returncode:
                print(f"  {name} ({label}): FAILED rc {proc.returncode}: "
                      f"{proc.stderr.strip()[-300:]}")
                ok = False
                continue
            got = to_float(np.load(Path(out) / "y.npy"))
        ok &= check(f"{name} ({label})", e, {**inputs, **weights}, got)
    return ok


def cmd_run(args):
    bundle = Path(args.bundle)
    smi = shutil.which("nvidia-smi")
    gpu = subprocess.run([smi, "--query-gpu=name", "--format=csv,noheader"],
                         capture_output=True, text=True).stdout.strip() if smi else ""
    if not gpu:
        print("mma sweep: skipped (no GPU: nvidia-smi finds none)")
        return 77
    index = json.loads((bundle / "index.json").read_text())
    cap = subprocess.run([smi, "--query-gpu=compute_cap", "--format=csv,noheader"],
                         capture_output=True, text=True).stdout.split()
    if cap[:1] != ["9.0"]:
        # sm_90a code loads on sm_90 GPUs alone.
        for name in [n for n, e in index.items() if e["uses"] == "wgmma"]:
            print(f"  {name}: skipped (sm_90a needs compute capability 9.0, here {cap})")
            del index[name]
    failed = 0
    for name, e in sorted(index.items()):
        d = bundle / name
        arrays = {n: np.load(d / f"{n}.npy") for n in e["arrays"]}
        with tempfile.TemporaryDirectory() as out:
            cmd = [args.aicc_run, str(d / "model.aicc"), "--output-dir", out]
            for n in e["inputs"]:
                cmd += ["--input", f"{n}={d / (n + '.npy')}"]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode:
                failed += 1
                print(f"  {name}: FAILED rc {proc.returncode}: {proc.stderr.strip()[-300:]}")
                continue
            got = to_float(np.load(Path(out) / "y.npy"))
        failed += not check(name, e, arrays, got)
    print(f"GPU: {gpu}")
    print(f"mma sweep: {len(index) - failed} passed, {failed} failed of {len(index)}")
    return 1 if failed else 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("compile")
    c.add_argument("--aicc", required=True)
    c.add_argument("--bundle", required=True)
    r = sub.add_parser("run")
    r.add_argument("--bundle", required=True)
    r.add_argument("--aicc-run", required=True)
    args = p.parse_args()
    return cmd_compile(args) if args.cmd == "compile" else cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
