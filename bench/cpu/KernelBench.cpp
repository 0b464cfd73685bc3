//===- KernelBench.cpp - aicc CPU kernels next to their peers -------------===//
//
// Google Benchmark program. Each shape is measured for aicc (the optimized
// CPU pipeline, JIT-compiled for the host) and for its peer library in the
// same run, on the same thread count (1 and 2); bench/run.py pairs them into
// ratios. Before timing, aicc's result is checked against the peer's.
//
//===----------------------------------------------------------------------===//

#include "compiler/jit/CpuJit.h"
#include "compiler/pipeline/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <benchmark/benchmark.h>
#include <cblas.h>

#include <cmath>
#include <random>

namespace {

/// One MLIR context and registry for every benchmark in the process.
mlir::MLIRContext &context() {
  static mlir::MLIRContext *ctx = [] {
    mlir::DialectRegistry registry;
    aicc::registerPipelineDialects(registry);
    return new mlir::MLIRContext(registry);
  }();
  return *ctx;
}

std::vector<float> randomMatrix(int64_t rows, int64_t cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> m(rows * cols);
  for (float &x : m)
    x = dist(rng);
  return m;
}

void openblasSgemm(int64_t m, int64_t n, int64_t k, const float *a,
                   const float *b, float *c) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b,
              n, 0.0f, c, n);
}

void setFlops(benchmark::State &state, double flops) {
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate,
                         benchmark::Counter::kIs1000);
  state.counters["GFLOP/s"].value /= 1e9;
}

void BM_sgemm_aicc(benchmark::State &state) {
  int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  std::string text =
      "func.func @main(%a: tensor<" + std::to_string(m) + "x" +
      std::to_string(k) + "xf32>, %b: tensor<" + std::to_string(k) + "x" +
      std::to_string(n) + "xf32>) -> tensor<" + std::to_string(m) + "x" +
      std::to_string(n) + "xf32> {\n  %c = graph.matmul %a, %b : (tensor<" +
      std::to_string(m) + "x" + std::to_string(k) + "xf32>, tensor<" +
      std::to_string(k) + "x" + std::to_string(n) + "xf32>) -> tensor<" +
      std::to_string(m) + "x" + std::to_string(n) +
      "xf32>\n  return %c : tensor<" + std::to_string(m) + "x" +
      std::to_string(n) + "xf32>\n}\n";
  auto module = mlir::parseSourceString<mlir::ModuleOp>(text, &context());
  if (!module) {
    state.SkipWithError("could not parse the benchmark's module");
    return;
  }
  aicc::CpuJitOptions options;
  options.threads = state.range(3);
  auto model = aicc::CpuJitModel::compile(*module, options);
  if (!model) {
    state.SkipWithError(llvm::toString(model.takeError()).c_str());
    return;
  }
  std::vector<float> a = randomMatrix(m, k, 1), b = randomMatrix(k, n, 2);
  std::vector<float> c(m * n), expected(m * n);
  auto run = [&] {
    if (llvm::Error err = (*model)->invoke({a.data(), b.data()}, {c.data()}))
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
  std::vector<float> a = randomMatrix(m, k, 1), b = randomMatrix(k, n, 2);
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

} // namespace

BENCHMARK(BM_sgemm_aicc)->Apply(sgemmShapes);
BENCHMARK(BM_sgemm_openblas)->Apply(sgemmShapes);

BENCHMARK_MAIN();
