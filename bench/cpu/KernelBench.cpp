//===- KernelBench.cpp - aicc CPU kernels next to their peers -------------===//
//
// Google Benchmark program. Each shape is measured for aicc (the optimized
// CPU pipeline, JIT-compiled for the host) and for its peer library in the
// same run, on the same thread count (1 and 2); bench/run.py pairs them into
// ratios. Before timing, aicc's result is checked against the peer's.
//
//   sgemm      graph.matmul                        vs OpenBLAS cblas_sgemm
//   conv       ResNet-50's conv layers (+ bias)    vs oneDNN convolution
//   depthwise  MobileNetV2's depthwise layers      vs oneDNN convolution
//   softmax    attention rows (BERT, ViT)          vs oneDNN softmax
//   layernorm  encoder rows (BERT, ViT)            vs oneDNN layer norm
//
// The conv, depthwise, softmax and layernorm cases are one-node ONNX models
// (built here with the ONNX protobuf, weights as initializers) that go
// through aicc's importer and pipeline as a model would. The conv cases take
// and return NHWC tensors (Transpose - Conv - Transpose, which aicc's
// channels-last pass reduces to one NHWC conv; oneDNN gets nhwc memory),
// depthwise convs too.
//
//===----------------------------------------------------------------------===//

#include "compiler/frontend/onnx/ImportModel.h"
#include "compiler/jit/CpuJit.h"
#include "compiler/pipeline/Pipelines.h"

#include "onnx/onnx.pb.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <benchmark/benchmark.h>
#include <cblas.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <dlfcn.h>

#include <cmath>
#include <random>

namespace {

/// One MLIR context and registry for every benchmark in the process.
mlir::MLIRContext &context() {
  static mlir::MLIRContext *ctx = [] {
    mlir::DialectRegistry registry;
    aicc::registerPipelineDialects(registry);
    aicc::registerOnnxImportDialects(registry);
    return new mlir::MLIRContext(registry);
  }();
  return *ctx;
}

/// Uniform in [-scale, scale], fixed seed.
std::vector<float> randomVector(int64_t size, unsigned seed,
                                float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-scale, scale);
  std::vector<float> v(size);
  for (float &x : v)
    x = dist(rng);
  return v;
}

void setFlops(benchmark::State &state, double flops) {
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate,
                         benchmark::Counter::kIs1000);
  state.counters["GFLOP/s"].value /= 1e9;
}

/// Compiles `module` (graph dialect) with the optimized CPU pipeline; null
/// after SkipWithError on failure.
std::unique_ptr<aicc::CpuJitModel>
compileForBench(benchmark::State &state, mlir::ModuleOp module, int threads) {
  aicc::CpuJitOptions options;
  options.threads = threads;
  auto model = aicc::CpuJitModel::compile(module, options);
  if (!model) {
    state.SkipWithError(llvm::toString(model.takeError()).c_str());
    return nullptr;
  }
  state.counters["kernels"] = (*model)->kernels().size();
  return std::move(*model);
}

//===----------------------------------------------------------------------===//
// sgemm
//===----------------------------------------------------------------------===//

void openblasSgemm(int64_t m, int64_t n, int64_t k, const float *a,
                   const float *b, float *c) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b,
              n, 0.0f, c, n);
}

void BM_sgemm_aicc(benchmark::State &state) {
  int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  auto ty = [](int64_t rows, int64_t cols) {
    return "tensor<" + std::to_string(rows) + "x" + std::to_string(cols) +
           "xf32>";
  };
  std::string text = "func.func @main(%a: " + ty(m, k) + ", %b: " + ty(k, n) +
                     ") -> " + ty(m, n) + " {\n  %c = graph.matmul %a, %b : (" +
                     ty(m, k) + ", " + ty(k, n) + ") -> " + ty(m, n) +
                     "\n  return %c : " + ty(m, n) + "\n}\n";
  auto module = mlir::parseSourceString<mlir::ModuleOp>(text, &context());
  if (!module) {
    state.SkipWithError("could not parse the benchmark's module");
    return;
  }
  auto model = compileForBench(state, *module, state.range(3));
  if (!model)
    return;
  std::vector<float> a = randomVector(m * k, 1), b = randomVector(k * n, 2);
  std::vector<float> c(m * n), expected(m * n);
  auto run = [&] {
    if (llvm::Error err = model->invoke({a.data(), b.data()}, {c.data()}))
      state.SkipWithError(llvm::toString(std::move(err)).c_str());
  };
  run();
  openblasSgemm(m, n, k, a.data(), b.data(), expected.data());
  for (int64_t i = 0; i < m * n; ++i)
    if (std::fabs(c[i] - expected[i]) > 1e-3f * std::sqrt(double(k))) {
      state.SkipWithError("aicc's result differs from OpenBLAS's");
      return;
    }
  for (auto _ : state)
    run();
  setFlops(state, 2.0 * m * n * k);
}

void BM_sgemm_openblas(benchmark::State &state) {
  int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  openblas_set_num_threads(state.range(3));
  std::vector<float> a = randomVector(m * k, 1), b = randomVector(k * n, 2);
  std::vector<float> c(m * n);
  for (auto _ : state)
    openblasSgemm(m, n, k, a.data(), b.data(), c.data());
  setFlops(state, 2.0 * m * n * k);
}

/// sgemm 256³ … 2048³ and the BERT-base encoder's GEMMs (seq 128), on 1
/// and 2 threads.
void sgemmShapes(benchmark::internal::Benchmark *b) {
  b->ArgNames({"M", "N", "K", "threads"});
  for (int64_t threads : {1, 2}) {
    for (int64_t s : {256, 512, 1024, 2048})
      b->Args({s, s, s, threads});
    b->Args({128, 768, 768, threads});
    b->Args({128, 3072, 768, threads});
    b->Args({128, 768, 3072, threads});
  }
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

//===----------------------------------------------------------------------===//
// One-node ONNX models
//===----------------------------------------------------------------------===//

/// Builds a one-graph ModelProto (IR 8, opset 17) for aicc's importer.
class OnnxBuilder {
public:
  OnnxBuilder() {
    model.set_ir_version(8);
    model.set_producer_name("aicc-bench-cpu");
    model.add_opset_import()->set_version(17);
    graph = model.mutable_graph();
    graph->set_name("bench");
  }

  void input(const std::string &name, llvm::ArrayRef<int64_t> dims) {
    describe(graph->add_input(), name, dims);
  }
  void output(const std::string &name, llvm::ArrayRef<int64_t> dims) {
    describe(graph->add_output(), name, dims);
  }
  void initializer(const std::string &name, llvm::ArrayRef<int64_t> dims,
                   llvm::ArrayRef<float> values) {
    onnx::TensorProto *t = graph->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
      t->add_dims(d);
    t->set_raw_data(values.data(), values.size() * sizeof(float));
  }
  onnx::NodeProto &node(const std::string &op,
                        std::initializer_list<std::string> inputs,
                        const std::string &output) {
    onnx::NodeProto *n = graph->add_node();
    n->set_op_type(op);
    n->set_name(op + "_" + std::to_string(graph->node_size()));
    for (const std::string &in : inputs)
      n->add_input(in);
    n->add_output(output);
    return *n;
  }
  static void attr(onnx::NodeProto &n, const std::string &name,
                   llvm::ArrayRef<int64_t> ints) {
    onnx::AttributeProto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t i : ints)
      a->add_ints(i);
  }
  static void attr(onnx::NodeProto &n, const std::string &name, int64_t i) {
    onnx::AttributeProto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(i);
  }

  /// Imports the model into the benchmarks' context; null on failure.
  mlir::OwningOpRef<mlir::ModuleOp> import() const {
    return aicc::importOnnxModelFromBytes(context(), model.SerializeAsString(),
                                          "aicc-bench-cpu model");
  }

private:
  static void describe(onnx::ValueInfoProto *v, const std::string &name,
                       llvm::ArrayRef<int64_t> dims) {
    v->set_name(name);
    auto *tensor = v->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
      tensor->mutable_shape()->add_dim()->set_dim_value(d);
  }

  onnx::ModelProto model;
  onnx::GraphProto *graph;
};

//===----------------------------------------------------------------------===//
// oneDNN
//===----------------------------------------------------------------------===//

using dnnl::memory;
using Tag = memory::format_tag;

dnnl::engine &dnnlEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

/// oneDNN runs on libgomp here, aicc's kernels on LLVM's OpenMP runtime:
/// the thread count is set in libgomp itself.
void setOneDnnThreads(int threads) {
  static auto set = [] {
    void *gomp = dlopen("libgomp.so.1", RTLD_NOW | RTLD_NOLOAD);
    return gomp ? reinterpret_cast<void (*)(int)>(
                      dlsym(gomp, "omp_set_num_threads"))
                : nullptr;
  }();
  if (set)
    set(threads);
}

memory::desc f32Desc(const memory::dims &dims, Tag tag) {
  return memory::desc(dims, memory::data_type::f32, tag);
}

/// One oneDNN primitive whose operands are caller's buffers (user layouts,
/// so no reorder runs while timing) or memories it owns (prepacked weights).
struct DnnlCall {
  dnnl::primitive primitive;
  std::unordered_map<int, memory> args;

  void run(std::initializer_list<std::pair<int, const float *>> buffers) {
    for (auto [arg, data] : buffers)
      args.at(arg).set_data_handle(const_cast<float *>(data));
    dnnl::stream stream(dnnlEngine());
    primitive.execute(stream, args);
    stream.wait();
  }
};

//===----------------------------------------------------------------------===//
// Problems: an ONNX model for aicc, the same computation on oneDNN
//===----------------------------------------------------------------------===//

/// [1, C, S, S] <-> [1, S, S, C].
std::vector<float> swapChannels(const std::vector<float> &in, int64_t channels,
                                int64_t size, bool toNhwc) {
  std::vector<float> out(in.size());
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t p = 0; p < size * size; ++p) {
      int64_t nchw = c * size * size + p, nhwc = p * channels + c;
      out[toNhwc ? nhwc : nchw] = in[toNhwc ? nchw : nhwc];
    }
  return out;
}

/// A 2-D convolution with bias, batch 1, square image and kernel, padding
/// k/2 on each side. `nhwc`: aicc's model takes and returns NHWC tensors;
/// `peerNhwc`: oneDNN's memories are nhwc (else nchw). Where they differ,
/// oneDNN gets the input transposed and its output is transposed back
/// before the comparison.
struct ConvProblem {
  int64_t c, h, oc, k, stride, groups;
  bool nhwc, peerNhwc;
  int64_t oh;
  std::vector<float> x, w, b, peerX;

  ConvProblem(int64_t c, int64_t h, int64_t oc, int64_t k, int64_t stride,
              int64_t groups, bool nhwc, bool peerNhwc)
      : c(c), h(h), oc(oc), k(k), stride(stride), groups(groups), nhwc(nhwc),
        peerNhwc(peerNhwc), oh((h + 2 * (k / 2) - k) / stride + 1),
        x(randomVector(c * h * h, 1)),
        w(randomVector(oc * (c / groups) * k * k, 2,
                       1.0f / std::sqrt(float((c / groups) * k * k)))),
        b(randomVector(oc, 3)),
        peerX(nhwc == peerNhwc ? x : swapChannels(x, c, h, peerNhwc)) {}

  /// oneDNN's output in the layout of aicc's.
  std::vector<float> fromPeer(const std::vector<float> &out) const {
    return nhwc == peerNhwc ? out : swapChannels(out, oc, oh, nhwc);
  }

  memory::dims image(int64_t channels, int64_t size) const {
    return {1, channels, size, size};
  }
  std::vector<int64_t> shape(int64_t channels, int64_t size) const {
    if (nhwc)
      return {1, size, size, channels};
    return {1, channels, size, size};
  }
  int64_t outputSize() const { return oc * oh * oh; }
  std::vector<const void *> inputs() const { return {x.data()}; }
  double flops() const { return 2.0 * oc * oh * oh * (c / groups) * k * k; }
  double tolerance(double largest) const { return 1e-4 * largest; }

  mlir::OwningOpRef<mlir::ModuleOp> module() const {
    OnnxBuilder m;
    m.input("x", shape(c, h));
    m.output("y", shape(oc, oh));
    m.initializer("w", {oc, c / groups, k, k}, w);
    m.initializer("b", {oc}, b);
    std::string in = "x", out = "y";
    if (nhwc) {
      OnnxBuilder::attr(m.node("Transpose", {"x"}, "x_nchw"), "perm",
                        {0, 3, 1, 2});
      in = "x_nchw";
      out = "y_nchw";
    }
    onnx::NodeProto &conv = m.node("Conv", {in, "w", "b"}, out);
    OnnxBuilder::attr(conv, "kernel_shape", {k, k});
    OnnxBuilder::attr(conv, "strides", {stride, stride});
    OnnxBuilder::attr(conv, "pads", {k / 2, k / 2, k / 2, k / 2});
    OnnxBuilder::attr(conv, "group", groups);
    if (nhwc)
      OnnxBuilder::attr(m.node("Transpose", {"y_nchw"}, "y"), "perm",
                        {0, 2, 3, 1});
    return m.import();
  }

  /// Weights reordered once to oneDNN's choice of layout.
  struct OneDnn {
    DnnlCall call;
    memory weights;
  };

  std::unique_ptr<OneDnn> oneDnn() const {
    auto r = std::make_unique<OneDnn>();
    Tag act = peerNhwc ? Tag::nhwc : Tag::nchw;
    memory::dims wdims =
        groups == 1 ? memory::dims{oc, c, k, k}
                    : memory::dims{groups, oc / groups, c / groups, k, k};
    memory::desc src = f32Desc(image(c, h), act),
                 dst = f32Desc(image(oc, oh), act);
    memory::desc wAny(wdims, memory::data_type::f32, Tag::any);
    dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
        src, wAny, f32Desc({oc}, Tag::a), dst, {stride, stride}, {k / 2, k / 2},
        {k / 2, k / 2});
    dnnl::convolution_forward::primitive_desc pd(desc, dnnlEngine());
    memory userW(f32Desc(wdims, groups == 1 ? Tag::oihw : Tag::goihw),
                 dnnlEngine(), const_cast<float *>(w.data()));
    r->weights = memory(pd.weights_desc(), dnnlEngine());
    dnnl::stream stream(dnnlEngine());
    dnnl::reorder(userW, r->weights).execute(stream, userW, r->weights);
    stream.wait();
    r->call.primitive = dnnl::convolution_forward(pd);
    r->call.args = {{DNNL_ARG_SRC, memory(src, dnnlEngine(), nullptr)},
                    {DNNL_ARG_WEIGHTS, r->weights},
                    {DNNL_ARG_BIAS, memory(pd.bias_desc(), dnnlEngine(),
                                           const_cast<float *>(b.data()))},
                    {DNNL_ARG_DST, memory(dst, dnnlEngine(), nullptr)}};
    return r;
  }
  void runOneDnn(OneDnn &r, float *out) const {
    r.call.run({{DNNL_ARG_SRC, peerX.data()}, {DNNL_ARG_DST, out}});
  }
};

/// ResNet-50's convs: C, H, OC, K, stride (taken NHWC).
struct Conv : ConvProblem {
  static constexpr int kArgs = 5;
  explicit Conv(const benchmark::State &s)
      : ConvProblem(s.range(0), s.range(1), s.range(2), s.range(3), s.range(4),
                    1, /*nhwc=*/true, /*peerNhwc=*/true) {}
};

/// MobileNetV2's depthwise convs: C, H, K, stride; NHWC in both (aicc's
/// channels-last depthwise, as in its MobileNetV2; oneDNN's fast depthwise
/// layout: ~10x its nchw path here).
struct Depthwise : ConvProblem {
  static constexpr int kArgs = 4;
  explicit Depthwise(const benchmark::State &s)
      : ConvProblem(s.range(0), s.range(1), s.range(0), s.range(2), s.range(3),
                    s.range(0), /*nhwc=*/true, /*peerNhwc=*/true) {}
};

/// Softmax or layer normalization over the last axis of a [rows, cols]
/// tensor (layer norm with scale and bias, epsilon 1e-5).
struct RowProblem {
  int64_t rows, cols;
  bool layerNorm;
  std::vector<float> x, scale, bias;

  RowProblem(int64_t rows, int64_t cols, bool layerNorm)
      : rows(rows), cols(cols), layerNorm(layerNorm),
        x(randomVector(rows * cols, 1, 4.0f)), scale(randomVector(cols, 2)),
        bias(randomVector(cols, 3)) {}

  int64_t outputSize() const { return rows * cols; }
  std::vector<float> fromPeer(const std::vector<float> &out) const {
    return out;
  }
  std::vector<const void *> inputs() const { return {x.data()}; }
  double flops() const { return 0; }
  double tolerance(double largest) const {
    return 1e-5 * std::max(largest, 1.0);
  }

  mlir::OwningOpRef<mlir::ModuleOp> module() const {
    OnnxBuilder m;
    m.input("x", {rows, cols});
    m.output("y", {rows, cols});
    if (layerNorm) {
      m.initializer("scale", {cols}, scale);
      m.initializer("bias", {cols}, bias);
      OnnxBuilder::attr(
          m.node("LayerNormalization", {"x", "scale", "bias"}, "y"), "axis",
          -1);
    } else {
      OnnxBuilder::attr(m.node("Softmax", {"x"}, "y"), "axis", -1);
    }
    return m.import();
  }

  using OneDnn = DnnlCall;
  std::unique_ptr<OneDnn> oneDnn() const {
    auto r = std::make_unique<OneDnn>();
    memory::desc data = f32Desc({rows, cols}, Tag::ab);
    if (layerNorm) {
      dnnl::layer_normalization_forward::desc desc(
          dnnl::prop_kind::forward_inference, data, 1e-5f,
          dnnl::normalization_flags::use_scale |
              dnnl::normalization_flags::use_shift);
      dnnl::layer_normalization_forward::primitive_desc pd(desc, dnnlEngine());
      r->primitive = dnnl::layer_normalization_forward(pd);
      memory::desc vec = f32Desc({cols}, Tag::a);
      r->args = {{DNNL_ARG_SCALE,
                  memory(vec, dnnlEngine(), const_cast<float *>(scale.data()))},
                 {DNNL_ARG_SHIFT,
                  memory(vec, dnnlEngine(), const_cast<float *>(bias.data()))}};
    } else {
      dnnl::softmax_forward::desc desc(dnnl::prop_kind::forward_inference, data,
                                       1);
      dnnl::softmax_forward::primitive_desc pd(desc, dnnlEngine());
      r->primitive = dnnl::softmax_forward(pd);
    }
    r->args.emplace(DNNL_ARG_SRC, memory(data, dnnlEngine(), nullptr));
    r->args.emplace(DNNL_ARG_DST, memory(data, dnnlEngine(), nullptr));
    return r;
  }
  void runOneDnn(OneDnn &r, float *out) const {
    r.run({{DNNL_ARG_SRC, x.data()}, {DNNL_ARG_DST, out}});
  }
};

struct Softmax : RowProblem {
  static constexpr int kArgs = 2;
  explicit Softmax(const benchmark::State &s)
      : RowProblem(s.range(0), s.range(1), false) {}
};

struct LayerNorm : RowProblem {
  static constexpr int kArgs = 2;
  explicit LayerNorm(const benchmark::State &s)
      : RowProblem(s.range(0), s.range(1), true) {}
};

/// aicc on problem P, checked against oneDNN first (args: P's, then
/// threads).
template <typename P> void benchAicc(benchmark::State &state) {
  P problem(state);
  int threads = state.range(P::kArgs);
  auto module = problem.module();
  if (!module) {
    state.SkipWithError("aicc could not import the benchmark's model");
    return;
  }
  auto model = compileForBench(state, *module, threads);
  if (!model)
    return;
  std::vector<float> out(problem.outputSize()), expected(out.size());
  std::vector<void *> outputs = {out.data()};
  auto run = [&] {
    if (llvm::Error err = model->invoke(problem.inputs(), outputs))
      state.SkipWithError(llvm::toString(std::move(err)).c_str());
  };
  run();
  // The reference on one thread: libgomp then starts no worker, which would
  // keep spinning on the second core while aicc is timed.
  setOneDnnThreads(1);
  auto peer = problem.oneDnn();
  problem.runOneDnn(*peer, expected.data());
  expected = problem.fromPeer(expected);
  double largest = 0, worst = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    largest = std::max(largest, double(std::fabs(expected[i])));
    worst = std::max(worst, double(std::fabs(out[i] - expected[i])));
  }
  if (!(worst <= problem.tolerance(largest))) {
    state.SkipWithError(
        ("aicc's result differs from oneDNN's by " + std::to_string(worst))
            .c_str());
    return;
  }
  for (auto _ : state)
    run();
  if (problem.flops())
    setFlops(state, problem.flops());
}

template <typename P> void benchOneDnn(benchmark::State &state) {
  P problem(state);
  setOneDnnThreads(state.range(P::kArgs));
  auto peer = problem.oneDnn();
  std::vector<float> out(problem.outputSize());
  for (auto _ : state)
    problem.runOneDnn(*peer, out.data());
  if (problem.flops())
    setFlops(state, problem.flops());
}

/// Adds `shapes`, each on 1 and 2 threads.
void withThreads(benchmark::internal::Benchmark *b,
                 std::vector<std::string> names,
                 std::initializer_list<std::vector<int64_t>> shapes) {
  names.push_back("threads");
  b->ArgNames(names);
  for (int64_t threads : {1, 2})
    for (std::vector<int64_t> args : shapes) {
      args.push_back(threads);
      b->Args(args);
    }
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

/// ResNet-50's conv layers: the 7x7 stem, then a 3x3 and 1x1 convs of each
/// stage.
void convShapes(benchmark::internal::Benchmark *b) {
  withThreads(b, {"C", "H", "OC", "K", "S"},
              {{3, 224, 64, 7, 2},
               {64, 56, 64, 3, 1},
               {64, 56, 256, 1, 1},
               {128, 28, 128, 3, 1},
               {256, 14, 256, 3, 1},
               {1024, 14, 256, 1, 1},
               {512, 7, 512, 3, 1},
               {512, 7, 2048, 1, 1}});
}

/// MobileNetV2's depthwise 3x3 layers.
void depthwiseShapes(benchmark::internal::Benchmark *b) {
  withThreads(b, {"C", "H", "K", "S"},
              {{32, 112, 3, 1},
               {96, 112, 3, 2},
               {144, 56, 3, 1},
               {384, 14, 3, 1},
               {960, 7, 3, 1}});
}

/// Attention softmax rows (BERT-base: 12 heads x 128 rows of 128; ViT-B/16:
/// 12 x 197 of 197) and a classifier's 1000 classes.
void softmaxShapes(benchmark::internal::Benchmark *b) {
  withThreads(b, {"rows", "cols"}, {{1536, 128}, {2364, 197}, {1, 1000}});
}

/// Encoder layer norm rows (BERT-base 128 x 768, ViT-B/16 197 x 768).
void layerNormShapes(benchmark::internal::Benchmark *b) {
  withThreads(b, {"rows", "cols"}, {{128, 768}, {197, 768}});
}

} // namespace

BENCHMARK(BM_sgemm_aicc)->Apply(sgemmShapes);
BENCHMARK(BM_sgemm_openblas)->Apply(sgemmShapes);
BENCHMARK(benchAicc<Conv>)->Name("BM_conv_aicc")->Apply(convShapes);
BENCHMARK(benchOneDnn<Conv>)->Name("BM_conv_onednn")->Apply(convShapes);
BENCHMARK(benchAicc<Depthwise>)
    ->Name("BM_depthwise_aicc")
    ->Apply(depthwiseShapes);
BENCHMARK(benchOneDnn<Depthwise>)
    ->Name("BM_depthwise_onednn")
    ->Apply(depthwiseShapes);
BENCHMARK(benchAicc<Softmax>)->Name("BM_softmax_aicc")->Apply(softmaxShapes);
BENCHMARK(benchOneDnn<Softmax>)
    ->Name("BM_softmax_onednn")
    ->Apply(softmaxShapes);
BENCHMARK(benchAicc<LayerNorm>)
    ->Name("BM_layernorm_aicc")
    ->Apply(layerNormShapes);
BENCHMARK(benchOneDnn<LayerNorm>)
    ->Name("BM_layernorm_onednn")
    ->Apply(layerNormShapes);

BENCHMARK_MAIN();
