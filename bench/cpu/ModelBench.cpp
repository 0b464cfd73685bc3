//===- ModelBench.cpp - latency of compiled models (artifacts) ------------===//
//
// Google Benchmark program over the runtime's C API alone:
//   aicc-bench-model --model=resnet50.aicc [--threads=1,2] [benchmark flags]
// registers one benchmark per thread count; inputs are random, outputs are
// discarded (bench/run.py checks numerics separately against onnxruntime).
//
//===----------------------------------------------------------------------===//

#include "aicc/runtime.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

struct Loaded {
  aicc_model *model = nullptr;
  std::vector<std::vector<char>> inputs, outputs;
  std::vector<const void *> inputPtrs;
  std::vector<void *> outputPtrs;
};

bool load(const std::string &path, Loaded &l) {
  char error[512];
  if (aicc_model_load(path.c_str(), &l.model, error, sizeof error) != AICC_OK) {
    std::fprintf(stderr, "aicc-bench-model: %s\n", error);
    return false;
  }
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int i = 0; i < aicc_model_num_inputs(l.model); ++i) {
    aicc_tensor_info info;
    aicc_model_input(l.model, i, &info);
    std::vector<char> data(info.size_bytes);
    if (info.dtype == AICC_F32)
      for (size_t j = 0; j + 4 <= data.size(); j += 4) {
        float v = dist(rng);
        std::memcpy(&data[j], &v, 4);
      }
    l.inputs.push_back(std::move(data));
  }
  for (int i = 0; i < aicc_model_num_outputs(l.model); ++i) {
    aicc_tensor_info info;
    aicc_model_output(l.model, i, &info);
    l.outputs.emplace_back(info.size_bytes);
  }
  for (auto &d : l.inputs)
    l.inputPtrs.push_back(d.data());
  for (auto &d : l.outputs)
    l.outputPtrs.push_back(d.data());
  return true;
}

} // namespace

int main(int argc, char **argv) {
  std::string modelPath, threadList = "1";
  std::vector<char *> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (!std::strncmp(argv[i], "--model=", 8))
      modelPath = argv[i] + 8;
    else if (!std::strncmp(argv[i], "--threads=", 10))
      threadList = argv[i] + 10;
    else
      rest.push_back(argv[i]);
  }
  if (modelPath.empty()) {
    std::fprintf(stderr, "usage: aicc-bench-model --model=model.aicc "
                         "[--threads=1,2] [benchmark flags]\n");
    return 2;
  }
  static Loaded loaded;
  if (!load(modelPath, loaded))
    return 1;
  std::string base = modelPath.substr(modelPath.find_last_of('/') + 1);
  size_t start = 0;
  while (start <= threadList.size()) {
    size_t comma = threadList.find(',', start);
    int threads = std::stoi(threadList.substr(start, comma - start));
    benchmark::RegisterBenchmark(
        ("BM_model_aicc/" + base + "/threads:" + std::to_string(threads))
            .c_str(),
        [threads](benchmark::State &state) {
          aicc_model_set_threads(loaded.model, threads);
          for (auto _ : state)
            if (aicc_model_run(loaded.model, loaded.inputPtrs.data(),
                               loaded.outputPtrs.data()) != AICC_OK)
              state.SkipWithError(aicc_model_error(loaded.model));
        })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  int restArgc = static_cast<int>(rest.size());
  benchmark::Initialize(&restArgc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  aicc_model_free(loaded.model);
  return 0;
}
