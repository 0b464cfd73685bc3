"""Builds the benchmark models as ONNX files with onnx.helper: random weights
from fixed seeds, batch 1, opset 17, IR version 8. Never downloaded, never
committed (they are large); bench/run.py models builds them under build/.

    build_models.py OUT_DIR [--only resnet50,mobilenetv2,bert_base,vit_b16]

resnet50_b32 and bert_base_b32 are the same models (same weights) at batch
32, for the GPU benchmarks; only what is named is built by default.

- resnet50:    ResNet-50 v1.5, 1x3x224x224 -> 1x1000 (Conv+BN+Relu, MaxPool,
               bottlenecks [3, 4, 6, 3], GlobalAveragePool, Gemm).
- mobilenetv2: MobileNetV2 1.0, 1x3x224x224 -> 1x1000 (depthwise convs, Clip
               as ReLU6, inverted residuals).
- bert_base:   the BERT-base encoder: 12 layers, hidden 768, 12 heads, FFN
               3072, GELU (erf), LayerNormalization; input 1x128x768 hidden
               states (after embeddings). The 12 layers share one set of
               weights to keep the file small; the compute is the same.
- vit_b16:     ViT-B/16: 16x16 patch conv, class token, position embedding,
               12 pre-norm encoder layers (shared weights, as above), head.
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Graph:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, prefix):
        self.count += 1
        return f"{prefix}_{self.count}"

    def weight(self, shape, scale=None, value=None):
        n = self.name("w")
        if value is None:
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else shape[0]
            scale = scale if scale is not None else 1.0 / np.sqrt(max(fan_in, 1))
            value = (self.rng.standard_normal(shape) * scale).astype(np.float32)
        self.inits.append(numpy_helper.from_array(np.asarray(value), n))
        return n

    def op(self, op_type, inputs, **attrs):
        out = self.name(op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=out, **attrs))
        return out

    def model(self, name, inputs, output, out_shape):
        g = helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
            [helper.make_tensor_value_info(output, TensorProto.FLOAT, out_shape)],
            self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="aicc-bench")
        m.ir_version = 8
        return m

    # Layers.
    def conv_bn(self, x, cin, cout, k, stride=1, group=1, act="relu"):
        w = self.weight([cout, cin // group, k, k])
        y = self.op("Conv", [x, w], kernel_shape=[k, k], strides=[stride, stride],
                    pads=[k // 2] * 4, group=group)
        scale = self.weight([cout], value=self.rng.uniform(0.5, 1.5, cout).astype(np.float32))
        bias = self.weight([cout], scale=0.1)
        mean = self.weight([cout], scale=0.1)
        var = self.weight([cout], value=self.rng.uniform(0.5, 1.5, cout).astype(np.float32))
        y = self.op("BatchNormalization", [y, scale, bias, mean, var])
        if act == "relu":
            y = self.op("Relu", [y])
        elif act == "relu6":
            y = self.op("Clip", [y, self.weight([], value=np.float32(0)),
                                 self.weight([], value=np.float32(6))])
        return y

    def linear(self, x, cin, cout):
        return self.op("Add", [self.op("MatMul", [x, self.weight([cin, cout])]),
                               self.weight([cout], scale=0.02)])

    def layer_norm(self, x, dim):
        return self.op("LayerNormalization",
                       [x, self.weight([dim], value=np.ones(dim, np.float32)),
                        self.weight([dim], value=np.zeros(dim, np.float32))], axis=-1, epsilon=1e-12)

    def gelu(self, x):
        inv_sqrt2 = self.weight([], value=np.float32(1 / np.sqrt(2)))
        half = self.weight([], value=np.float32(0.5))
        one = self.weight([], value=np.float32(1.0))
        e = self.op("Erf", [self.op("Mul", [x, inv_sqrt2])])
        return self.op("Mul", [self.op("Mul", [x, half]), self.op("Add", [e, one])])

    def shape_const(self, values):
        return self.weight([len(values)], value=np.array(values, np.int64))


def resnet50(batch=1):
    g = Graph(50)
    x = g.conv_bn("x", 3, 64, 7, stride=2)
    x = g.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 64
    for width, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
        for b in range(blocks):
            s = stride if b == 0 else 1
            y = g.conv_bn(x, cin, width, 1)
            y = g.conv_bn(y, width, width, 3, stride=s)
            y = g.conv_bn(y, width, width * 4, 1, act=None)
            short = g.conv_bn(x, cin, width * 4, 1, stride=s, act=None) if b == 0 else x
            x = g.op("Relu", [g.op("Add", [y, short])])
            cin = width * 4
    x = g.op("Flatten", [g.op("GlobalAveragePool", [x])])
    x = g.op("Gemm", [x, g.weight([1000, 2048]), g.weight([1000], scale=0.01)], transB=1)
    name = "resnet50" if batch == 1 else f"resnet50_b{batch}"
    return g.model(name, [("x", [batch, 3, 224, 224])], x, [batch, 1000])


def mobilenetv2():
    g = Graph(2)
    x = g.conv_bn("x", 3, 32, 3, stride=2, act="relu6")
    cin = 32
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                       (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            stride = s if i == 0 else 1
            hidden = cin * t
            y = g.conv_bn(x, cin, hidden, 1, act="relu6") if t != 1 else x
            y = g.conv_bn(y, hidden, hidden, 3, stride=stride, group=hidden, act="relu6")
            y = g.conv_bn(y, hidden, c, 1, act=None)
            x = g.op("Add", [x, y]) if stride == 1 and cin == c else y
            cin = c
    x = g.conv_bn(x, 320, 1280, 1, act="relu6")
    x = g.op("Flatten", [g.op("GlobalAveragePool", [x])])
    x = g.op("Gemm", [x, g.weight([1000, 1280]), g.weight([1000], scale=0.01)], transB=1)
    return g.model("mobilenetv2", [("x", [1, 3, 224, 224])], x, [1, 1000])


def encoder_layer(g, x, seq, dim, heads, ffn, weights, pre_norm, batch=1):
    """One transformer encoder layer; `weights` caches the shared weights."""
    if not weights:
        weights.update({k: g.weight([dim, dim]) for k in ("q", "k", "v", "o")})
        weights.update({k + "_b": g.weight([dim], scale=0.02) for k in ("q", "k", "v", "o")})
        weights.update(f1=g.weight([dim, ffn]), f1_b=g.weight([ffn], scale=0.02),
                       f2=g.weight([ffn, dim]), f2_b=g.weight([dim], scale=0.02),
                       ln1_s=g.weight([dim], value=np.ones(dim, np.float32)),
                       ln1_b=g.weight([dim], value=np.zeros(dim, np.float32)),
                       ln2_s=g.weight([dim], value=np.ones(dim, np.float32)),
                       ln2_b=g.weight([dim], value=np.zeros(dim, np.float32)),
                       split=g.shape_const([batch, seq, heads, dim // heads]),
                       merge=g.shape_const([batch, seq, dim]),
                       scale=g.weight([], value=np.float32(1 / np.sqrt(dim // heads))))
    w = weights

    def ln(v, which):
        return g.op("LayerNormalization", [v, w[which + "_s"], w[which + "_b"]],
                    axis=-1, epsilon=1e-12)

    def proj(v, which):
        return g.op("Add", [g.op("MatMul", [v, w[which]]), w[which + "_b"]])

    def heads_first(v):  # [1, S, D] -> [1, H, S, D/H]
        return g.op("Transpose", [g.op("Reshape", [v, w["split"]])], perm=[0, 2, 1, 3])

    h = ln(x, "ln1") if pre_norm else x
    q, k, v = (heads_first(proj(h, n)) for n in ("q", "k", "v"))
    kt = g.op("Transpose", [k], perm=[0, 1, 3, 2])
    scores = g.op("Mul", [g.op("MatMul", [q, kt]), w["scale"]])
    probs = g.op("Softmax", [scores], axis=-1)
    ctx = g.op("MatMul", [probs, v])
    ctx = g.op("Reshape", [g.op("Transpose", [ctx], perm=[0, 2, 1, 3]), w["merge"]])
    x = g.op("Add", [x, proj(ctx, "o")])
    if not pre_norm:
        x = ln(x, "ln1")
    h = ln(x, "ln2") if pre_norm else x
    f = g.op("Add", [g.op("MatMul", [g.gelu(proj(h, "f1")), w["f2"]]), w["f2_b"]])
    x = g.op("Add", [x, f])
    if not pre_norm:
        x = ln(x, "ln2")
    return x


def bert_base(batch=1):
    g = Graph(768)
    x, weights = "hidden", {}
    for _ in range(12):
        x = encoder_layer(g, x, 128, 768, 12, 3072, weights, pre_norm=False, batch=batch)
    name = "bert_base" if batch == 1 else f"bert_base_b{batch}"
    return g.model(name, [("hidden", [batch, 128, 768])], x, [batch, 128, 768])


def vit_b16():
    g = Graph(16)
    x = g.op("Conv", ["x", g.weight([768, 3, 16, 16]), g.weight([768], scale=0.02)],
             kernel_shape=[16, 16], strides=[16, 16])
    x = g.op("Transpose", [g.op("Reshape", [x, g.shape_const([1, 768, 196])])], perm=[0, 2, 1])
    x = g.op("Concat", [g.weight([1, 1, 768], scale=0.02), x], axis=1)
    x = g.op("Add", [x, g.weight([1, 197, 768], scale=0.02)])
    weights = {}
    for _ in range(12):
        x = encoder_layer(g, x, 197, 768, 12, 3072, weights, pre_norm=True)
    x = g.layer_norm(x, 768)
    cls = g.op("Reshape", [g.op("Slice", [x, g.shape_const([0]), g.shape_const([1]),
                                          g.shape_const([1])]), g.shape_const([1, 768])])
    x = g.op("Gemm", [cls, g.weight([1000, 768]), g.weight([1000], scale=0.01)], transB=1)
    return g.model("vit_b16", [("x", [1, 3, 224, 224])], x, [1, 1000])


MODELS = {"resnet50": resnet50, "mobilenetv2": mobilenetv2, "bert_base": bert_base,
          "vit_b16": vit_b16, "resnet50_b32": lambda: resnet50(32),
          "bert_base_b32": lambda: bert_base(32)}
DEFAULT = ["resnet50", "mobilenetv2", "bert_base", "vit_b16"]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--only", help="comma-separated subset of " + ",".join(MODELS))
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    for name in (args.only.split(",") if args.only else DEFAULT):
        path = os.path.join(args.out_dir, f"{name}.onnx")
        if os.path.exists(path):
            print(f"{path}: exists")
            continue
        model = MODELS[name]()
        onnx.checker.check_model(model)
        onnx.save(model, path + ".tmp")
        os.replace(path + ".tmp", path)
        print(f"{path}: {os.path.getsize(path) / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
