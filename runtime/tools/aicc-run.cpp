//===- aicc-run.cpp - run an artifact with nothing but the runtime --------===//
//
//   aicc-run model.aicc --input name=x.npy ... [--output-dir out/]
//            [--threads N] [--repeat N] [--warmup N]
//
// The thing to carry to a machine without MLIR or LLVM (e.g. one with a
// GPU): reads .npy inputs, checks them against the manifest, runs, writes
// <out>/<name>.npy per output. With --repeat it also times the runs and
// prints `aicc-run: median <ms> ms over <N> runs`.
//
//===----------------------------------------------------------------------===//

#include "aicc/runtime.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Array {
  std::string descr; // numpy dtype, e.g. "<f4"
  std::vector<int64_t> shape;
  std::vector<char> data;
};

int fail(const std::string &message) {
  std::fprintf(stderr, "aicc-run: error: %s\n", message.c_str());
  return 1;
}

/// numpy's descr for each aicc dtype (bf16 travels as its uint16 bits).
const char *npyDescr(aicc_dtype dtype) {
  static const char *const names[] = {"<f4", "<f8", "<f2", "<u2", "|i1",
                                      "<i2", "<i4", "<i8", "|u1", "<u2",
                                      "<u4", "<u8", "|b1"};
  return names[dtype];
}

std::string headerField(const std::string &header, const std::string &key) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos)
    return "";
  at = header.find(':', at);
  size_t end = key == "shape" ? header.find(')', at) + 1
                              : header.find_first_of(",}", at);
  std::string value = header.substr(at + 1, end - at - 1);
  value.erase(0, value.find_first_not_of(" '"));
  value.erase(value.find_last_not_of(" '") + 1);
  return value;
}

bool readNpy(const std::string &path, Array &array, std::string &error) {
  std::ifstream file(path, std::ios::binary);
  char magic[8];
  if (!file.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) {
    error = "'" + path + "' is not a .npy file";
    return false;
  }
  size_t headerLength = 0;
  if (magic[6] == 1) {
    unsigned char len[2];
    file.read(reinterpret_cast<char *>(len), 2);
    headerLength = len[0] | (len[1] << 8);
  } else {
    unsigned char len[4];
    file.read(reinterpret_cast<char *>(len), 4);
    headerLength =
        len[0] | (len[1] << 8) | (len[2] << 16) | (size_t(len[3]) << 24);
  }
  std::string header(headerLength, '\0');
  if (!file.read(header.data(), headerLength)) {
    error = "'" + path + "': truncated header";
    return false;
  }
  if (headerField(header, "fortran_order") != "False") {
    error = "'" + path + "': Fortran-ordered arrays are not supported";
    return false;
  }
  array.descr = headerField(header, "descr");
  std::string shape = headerField(header, "shape");
  array.shape.clear();
  std::string digits;
  for (char c : shape) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (!digits.empty()) {
      array.shape.push_back(std::stoll(digits));
      digits.clear();
    }
  }
  std::ostringstream rest;
  rest << file.rdbuf();
  std::string bytes = rest.str();
  array.data.assign(bytes.begin(), bytes.end());
  return true;
}

/// An output's file name: characters outside [A-Za-z0-9_.-] become '_', and
/// a leading '.' gets a '_' in front (as `aicc run` names them).
std::string fileNameFor(const std::string &name) {
  std::string safe = name;
  for (char &c : safe)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' &&
        c != '-')
      c = '_';
  if (safe.empty() || safe[0] == '.')
    safe.insert(0, "_");
  return safe;
}

bool writeNpy(const std::string &path, const aicc_tensor_info &info,
              const void *data) {
  std::string shape = "(";
  for (int i = 0; i < info.rank; ++i)
    shape += std::to_string(info.shape[i]) + (info.rank == 1      ? ","
                                              : i + 1 < info.rank ? ", "
                                                                  : "");
  shape += ")";
  std::string header = "{'descr': '" + std::string(npyDescr(info.dtype)) +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream file(path, std::ios::binary);
  unsigned char len[2] = {static_cast<unsigned char>(header.size() & 0xff),
                          static_cast<unsigned char>(header.size() >> 8)};
  file.write("\x93NUMPY\x01\x00", 8);
  file.write(reinterpret_cast<const char *>(len), 2);
  file.write(header.data(), header.size());
  file.write(static_cast<const char *>(data), info.size_bytes);
  return static_cast<bool>(file);
}

} // namespace

int main(int argc, char **argv) {
  std::string modelPath, outputDir;
  std::vector<std::pair<std::string, std::string>> inputs;
  int threads = 0, repeat = 0, warmup = 1;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char *flag) -> const char * {
      if (i + 1 >= argc) {
        fail(std::string(flag) + " needs a value");
        std::exit(1);
      }
      return argv[++i];
    };
    if (arg == "--input") {
      std::string spec = value("--input");
      size_t eq = spec.find('=');
      if (eq == std::string::npos || eq == 0)
        return fail("bad --input '" + spec + "' (expected name=file.npy)");
      inputs.emplace_back(spec.substr(0, eq), spec.substr(eq + 1));
    } else if (arg == "--output-dir") {
      outputDir = value("--output-dir");
    } else if (arg == "--threads") {
      threads = std::atoi(value("--threads"));
    } else if (arg == "--repeat") {
      repeat = std::atoi(value("--repeat"));
    } else if (arg == "--warmup") {
      warmup = std::atoi(value("--warmup"));
    } else if (arg == "-h" || arg == "--help") {
      std::printf("usage: aicc-run model.aicc --input name=x.npy ... "
                  "[--output-dir dir] [--threads N] [--repeat N] "
                  "[--warmup N]\n");
      return 0;
    } else if (modelPath.empty() && arg[0] != '-') {
      modelPath = arg;
    } else {
      return fail("unknown argument '" + arg + "'");
    }
  }
  if (modelPath.empty())
    return fail("no artifact given (usage: aicc-run model.aicc --input "
                "name=x.npy ...)");

  char error[2048];
  aicc_model *raw = nullptr;
  if (aicc_model_load(modelPath.c_str(), &raw, error, sizeof error) != AICC_OK)
    return fail(error);
  std::unique_ptr<aicc_model, void (*)(aicc_model *)> model(raw,
                                                            aicc_model_free);
  if (aicc_model_set_threads(model.get(), threads) != AICC_OK)
    return fail(aicc_model_error(model.get()));

  int numInputs = aicc_model_num_inputs(model.get());
  std::vector<Array> arrays(numInputs);
  std::vector<const void *> inputPtrs(numInputs);
  std::vector<bool> given(numInputs, false);
  for (auto &[name, path] : inputs) {
    int index = -1;
    aicc_tensor_info info;
    for (int i = 0; i < numInputs; ++i)
      if (aicc_model_input(model.get(), i, &info) == AICC_OK &&
          name == info.name)
        index = i;
    if (index < 0)
      return fail("the model has no input '" + name + "'");
    aicc_model_input(model.get(), index, &info);
    std::string why;
    Array &array = arrays[index];
    if (!readNpy(path, array, why))
      return fail(why);
    if (array.descr != npyDescr(info.dtype))
      return fail("input '" + name + "': dtype " + array.descr +
                  " given, the model takes " + npyDescr(info.dtype));
    if (array.shape != std::vector<int64_t>(info.shape, info.shape + info.rank))
      return fail("input '" + name + "': shape does not match the model's");
    if (array.data.size() != info.size_bytes)
      return fail("input '" + name + "': the file holds " +
                  std::to_string(array.data.size()) + " bytes, expected " +
                  std::to_string(info.size_bytes));
    inputPtrs[index] = array.data.data();
    given[index] = true;
  }
  for (int i = 0; i < numInputs; ++i)
    if (!given[i]) {
      aicc_tensor_info info;
      aicc_model_input(model.get(), i, &info);
      return fail(std::string("input '") + info.name + "' not given");
    }

  int numOutputs = aicc_model_num_outputs(model.get());
  std::vector<std::vector<char>> outputs(numOutputs);
  std::vector<void *> outputPtrs(numOutputs);
  for (int i = 0; i < numOutputs; ++i) {
    aicc_tensor_info info;
    aicc_model_output(model.get(), i, &info);
    outputs[i].resize(info.size_bytes ? info.size_bytes : 1);
    outputPtrs[i] = outputs[i].data();
  }
  auto run = [&]() {
    return aicc_model_run(model.get(), inputPtrs.data(), outputPtrs.data());
  };
  for (int i = 0; i < (repeat > 0 ? warmup : 0); ++i)
    if (run() != AICC_OK)
      return fail(aicc_model_error(model.get()));
  std::vector<double> ms;
  for (int i = 0; i < std::max(repeat, 1); ++i) {
    auto start = std::chrono::steady_clock::now();
    if (run() != AICC_OK)
      return fail(aicc_model_error(model.get()));
    ms.push_back(std::chrono::duration<double, std::milli>(
                     std::chrono::steady_clock::now() - start)
                     .count());
  }
  if (repeat > 0) {
    std::sort(ms.begin(), ms.end());
    std::printf("aicc-run: median %.3f ms over %d runs\n", ms[ms.size() / 2],
                repeat);
  }
  if (!outputDir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(outputDir, ec);
    if (ec)
      return fail("cannot create '" + outputDir + "': " + ec.message());
  }
  for (int i = 0; i < numOutputs; ++i) {
    aicc_tensor_info info;
    aicc_model_output(model.get(), i, &info);
    if (!outputDir.empty()) {
      std::string path = outputDir + "/" + fileNameFor(info.name) + ".npy";
      if (!writeNpy(path, info, outputs[i].data()))
        return fail("cannot write '" + path + "'");
    }
    std::printf("output %s: %s, %zu bytes\n", info.name, npyDescr(info.dtype),
                info.size_bytes);
  }
  return 0;
}
