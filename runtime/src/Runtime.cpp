//===- Runtime.cpp - load and run aicc artifacts --------------------------===//
//
// An artifact is a shared object exporting `aicc_manifest` (text) and
// `aicc_entry(void **args)`, whose arguments follow MLIR's packed calling
// convention for @main (PackedArgs.h).
//
//===----------------------------------------------------------------------===//

#include "aicc/runtime.h"
#include "Cuda.h"
#include "ManifestFormat.h"
#include "PackedArgs.h"
#include "Workspace.h"

#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <mutex>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <new>
#include <sstream>
#include <string>
#include <vector>

namespace manifest = aicc::manifest;

namespace {

struct Tensor {
  std::string name;
  /// Set when the artifact was compiled for one value of this input.
  bool bound = false;
  uint64_t fingerprint = 0;
  aicc_dtype dtype;
  std::vector<int64_t> shape;
  size_t bytes() const {
    size_t n = manifest::kDTypeBytes[dtype];
    for (int64_t d : shape)
      n *= static_cast<size_t>(d);
    return n;
  }
};

bool parseTensor(std::istringstream &fields, Tensor &tensor,
                 std::string &error) {
  std::string name, dtype, dims;
  if (!(fields >> name >> dtype >> dims) ||
      !manifest::unescape(name, tensor.name)) {
    error = "malformed input/output record";
    return false;
  }
  int index = -1;
  for (int i = 0; i <= AICC_BOOL; ++i)
    if (dtype == manifest::kDTypeNames[i])
      index = i;
  if (index < 0) {
    error = "unknown dtype '" + dtype + "'";
    return false;
  }
  tensor.dtype = static_cast<aicc_dtype>(index);
  if (dims == "scalar")
    return true;
  std::istringstream parts(dims);
  std::string part;
  while (std::getline(parts, part, 'x')) {
    char *end = nullptr;
    long long d = std::strtoll(part.c_str(), &end, 10);
    if (part.empty() || *end || d < 0) {
      error = "malformed shape '" + dims + "'";
      return false;
    }
    tensor.shape.push_back(d);
  }
  return true;
}

} // namespace

struct aicc_model {
  void *handle = nullptr;
  void (*entry)(void **) = nullptr;
  const char *manifestText = nullptr;
  std::vector<Tensor> inputs, outputs;
  /// Where the kernels run: "" (the host) or "cuda".
  std::string device;
  /// CUDA: the host code never waits for a kernel's results, so launches
  /// need not wait for their kernel, and the model's buffers (inputs,
  /// outputs, the workspace) can live in device memory.
  bool asyncLaunches = false;
  /// AICC_CUDA_GRAPHS: whether runs repeat (Unknown until a run shows it),
  /// and the graph captured from one, replayed by runs on the same buffers.
  enum class Replay { Unknown, Repeatable, Unrepeatable, Captured };
  std::mutex graphMutex;
  Replay replay = Replay::Unknown;
  int runsSeen = 0;
  void *graph = nullptr;
  std::vector<void *> graphBuffers;
  aicc::cuda::Memory memory() const {
    return asyncLaunches && !aicc::cuda::managedOnly()
               ? aicc::cuda::Memory::Device
               : aicc::cuda::Memory::Managed;
  }
  /// @main's workspace (the intermediates), one per concurrent run.
  aicc::abi::WorkspacePool workspaces;
  std::string error;

  ~aicc_model() {
    if (handle && device == "cuda") {
      // Staged constants are keyed by their address in this artifact.
      const void *begin = nullptr, *end = nullptr;
      if (objectRange(entry, begin, end))
        aicc::cuda::releaseConstants(begin, end);
      aicc::cuda::destroyGraph(graph);
      workspaces.clear();
      aicc::cuda::trimPool();
    }
    if (handle)
      dlclose(handle);
  }

  /// The address range of the loaded object that holds `symbol`.
  static bool objectRange(void (*symbol)(void **), const void *&begin,
                          const void *&end) {
    Dl_info info;
    if (!dladdr(reinterpret_cast<void *>(symbol), &info))
      return false;
    struct Search {
      const void *base, *begin = nullptr, *end = nullptr;
    } search{info.dli_fbase};
    dl_iterate_phdr(
        [](dl_phdr_info *object, size_t, void *data) {
          auto *search = static_cast<Search *>(data);
          uintptr_t lo = UINTPTR_MAX, hi = 0;
          for (int i = 0; i < object->dlpi_phnum; ++i) {
            const auto &ph = object->dlpi_phdr[i];
            if (ph.p_type != PT_LOAD)
              continue;
            lo = std::min<uintptr_t>(lo, object->dlpi_addr + ph.p_vaddr);
            hi = std::max<uintptr_t>(hi, object->dlpi_addr + ph.p_vaddr +
                                             ph.p_memsz);
          }
          if (reinterpret_cast<uintptr_t>(search->base) != lo)
            return 0;
          search->begin = reinterpret_cast<const void *>(lo);
          search->end = reinterpret_cast<const void *>(hi);
          return 1;
        },
        &search);
    begin = search.begin;
    end = search.end;
    return begin != nullptr;
  }

  aicc_status fail(aicc_status status, const std::string &message) {
    error = message;
    return status;
  }

  bool parseManifest(std::string &message) {
    std::vector<std::pair<std::string, uint64_t>> bounds;
    std::istringstream lines(manifestText);
    std::string line;
    bool sawHeader = false;
    while (std::getline(lines, line)) {
      std::istringstream fields(line);
      std::string kind;
      fields >> kind;
      if (kind == "aicc-artifact") {
        int version = 0;
        fields >> version;
        if (version < manifest::kOldestFormatVersion ||
            version > manifest::kFormatVersion) {
          message = "artifact format " + std::to_string(version) +
                    " is not supported (this runtime reads formats " +
                    std::to_string(manifest::kOldestFormatVersion) + " to " +
                    std::to_string(manifest::kFormatVersion) + ")";
          return false;
        }
        sawHeader = true;
      } else if (kind == "bound") {
        std::string field, name, hex;
        if (!(fields >> field >> hex) || !manifest::unescape(field, name)) {
          message = "malformed bound record";
          return false;
        }
        bounds.emplace_back(name, std::strtoull(hex.c_str(), nullptr, 16));
      } else if (kind == "device") {
        std::string arch, mode;
        fields >> device >> arch >> mode;
        if (device != "cuda") {
          message = "unknown device '" + device + "'";
          return false;
        }
        asyncLaunches = mode == "async";
      } else if (kind == "workspace") {
        long long bytes = -1;
        if (!(fields >> bytes) || bytes < 0) {
          message = "malformed workspace record";
          return false;
        }
        workspaces.configure(bytes);
      } else if (kind == "input" || kind == "output") {
        Tensor tensor;
        if (!parseTensor(fields, tensor, message))
          return false;
        (kind == "input" ? inputs : outputs).push_back(std::move(tensor));
      }
    }
    if (!sawHeader) {
      message = "the manifest has no 'aicc-artifact' header";
      return false;
    }
    for (const auto &[name, print] : bounds) {
      bool found = false;
      for (Tensor &t : inputs)
        if (t.name == name) {
          t.bound = found = true;
          t.fingerprint = print;
        }
      if (!found) {
        message = "bound record for unknown input '" + name + "'";
        return false;
      }
    }
    return true;
  }
};

/// dlopen returns an object already loaded under the same path name without
/// looking at the file: an artifact saved where another one, still loaded,
/// was would run the old code. So the file is opened through a fresh
/// symlink; dlopen then tells files apart by their inode (the same file
/// loaded twice shares one handle, as it should).
static void *openArtifact(const char *path) {
  char target[PATH_MAX];
  const char *tmp = std::getenv("TMPDIR");
  std::string dir =
      std::string(tmp && *tmp ? tmp : "/tmp") + "/aicc-load-XXXXXX";
  if (realpath(path, target) && mkdtemp(dir.data())) {
    std::string link = dir + "/artifact.so";
    void *handle = nullptr;
    if (symlink(target, link.c_str()) == 0) {
      handle = dlopen(link.c_str(), RTLD_NOW | RTLD_LOCAL);
      unlink(link.c_str());
    }
    rmdir(dir.c_str());
    if (handle)
      return handle;
  }
  // dlopen needs a path with a slash to skip the library search path.
  std::string resolved =
      std::strchr(path, '/') ? path : std::string("./") + path;
  return dlopen(resolved.c_str(), RTLD_NOW | RTLD_LOCAL);
}

static void copyError(const std::string &message, char *error,
                      size_t errorSize) {
  if (error && errorSize > 0)
    std::snprintf(error, errorSize, "%s", message.c_str());
}

extern "C" {

aicc_status aicc_model_load(const char *path, aicc_model **model, char *error,
                            size_t errorSize) {
  if (!model || !path) {
    copyError("aicc_model_load: null argument", error, errorSize);
    return AICC_ERROR_ARGUMENT;
  }
  *model = nullptr;
  std::ifstream file(path, std::ios::binary);
  char magic[4] = {};
  if (!file || !file.read(magic, 4)) {
    copyError(std::string("cannot read '") + path + "'", error, errorSize);
    return AICC_ERROR_IO;
  }
  if (std::memcmp(magic,
                  "\x7f"
                  "ELF",
                  4) != 0) {
    copyError(std::string("'") + path +
                  "' is not an aicc artifact (not a shared object)",
              error, errorSize);
    return AICC_ERROR_FORMAT;
  }
  std::unique_ptr<aicc_model> m(new (std::nothrow) aicc_model());
  if (!m) {
    copyError("out of memory", error, errorSize);
    return AICC_ERROR_IO;
  }
  m->handle = openArtifact(path);
  if (!m->handle) {
    const char *why = dlerror();
    copyError(std::string("cannot load '") + path + "': " + (why ? why : ""),
              error, errorSize);
    return AICC_ERROR_IO;
  }
  m->manifestText =
      static_cast<const char *>(dlsym(m->handle, manifest::kManifestSymbol));
  m->entry = reinterpret_cast<void (*)(void **)>(
      dlsym(m->handle, manifest::kEntrySymbol));
  if (!m->manifestText || !m->entry) {
    copyError(std::string("'") + path +
                  "' is not an aicc artifact (no manifest or entry point)",
              error, errorSize);
    return AICC_ERROR_FORMAT;
  }
  std::string message;
  if (!m->parseManifest(message)) {
    copyError(std::string("'") + path + "': " + message, error, errorSize);
    return AICC_ERROR_FORMAT;
  }
  if (m->device == "cuda") {
    // The workspace is the device arena; runs never read it on the host
    // unless launches are synchronous.
    if (m->memory() == aicc::cuda::Memory::Device)
      m->workspaces.setAllocator(
          [](size_t bytes) {
            return aicc::cuda::alloc(bytes, aicc::cuda::Memory::Device);
          },
          aicc::cuda::free);
    else
      m->workspaces.setAllocator(aicc::cuda::allocManaged, aicc::cuda::free);
    // Loading ran the artifact's constructor, which loads its GPU code.
    std::string why;
    if (!aicc::cuda::available(why) || aicc::cuda::takeError(why)) {
      aicc::cuda::clearError();
      copyError(std::string("'") + path + "': " + why, error, errorSize);
      return AICC_ERROR_DEVICE;
    }
  }
  *model = m.release();
  return AICC_OK;
}

void aicc_model_free(aicc_model *model) { delete model; }

int aicc_model_num_inputs(const aicc_model *model) {
  return model ? static_cast<int>(model->inputs.size()) : 0;
}

int aicc_model_num_outputs(const aicc_model *model) {
  return model ? static_cast<int>(model->outputs.size()) : 0;
}

static aicc_status describe(aicc_model *model, const std::vector<Tensor> &list,
                            int index, aicc_tensor_info *info,
                            const char *what) {
  if (!info || index < 0 || index >= static_cast<int>(list.size()))
    return model->fail(AICC_ERROR_ARGUMENT,
                       std::string("no ") + what + " #" +
                           std::to_string(index) + " (the model has " +
                           std::to_string(list.size()) + ")");
  const Tensor &t = list[index];
  info->name = t.name.c_str();
  info->dtype = t.dtype;
  info->rank = static_cast<int>(t.shape.size());
  info->shape = t.shape.data();
  info->size_bytes = t.bytes();
  return AICC_OK;
}

aicc_status aicc_model_input(aicc_model *model, int index,
                             aicc_tensor_info *info) {
  if (!model)
    return AICC_ERROR_ARGUMENT;
  return describe(model, model->inputs, index, info, "input");
}

aicc_status aicc_model_output(aicc_model *model, int index,
                              aicc_tensor_info *info) {
  if (!model)
    return AICC_ERROR_ARGUMENT;
  return describe(model, model->outputs, index, info, "output");
}

const char *aicc_model_manifest(const aicc_model *model) {
  return model ? model->manifestText : "";
}

aicc_status aicc_model_set_threads(aicc_model *model, int threads) {
  if (!model)
    return AICC_ERROR_ARGUMENT;
  if (threads < 0)
    return model->fail(AICC_ERROR_ARGUMENT, "thread count must be >= 0");
  using SetThreads = void (*)(int);
  auto set =
      reinterpret_cast<SetThreads>(dlsym(model->handle, "omp_set_num_threads"));
  if (!set)
    return AICC_OK; // a model without parallel tiles runs on one thread
  if (threads == 0) {
    using NumProcs = int (*)();
    auto procs =
        reinterpret_cast<NumProcs>(dlsym(model->handle, "omp_get_num_procs"));
    threads = procs ? procs() : 1;
  }
  set(threads);
  return AICC_OK;
}

/// Runs a CUDA artifact's host code on `args`, or replays the graph
/// captured from an earlier run on the same `buffers` (AICC_CUDA_GRAPHS).
/// A run is captured once one has shown that runs repeat: it made no
/// allocation or first copy of a constant in the runtime.
static void runCudaEntry(aicc_model *model, std::vector<void *> &args,
                         const std::vector<void *> &buffers) {
  using Replay = aicc_model::Replay;
  namespace cuda = aicc::cuda;
  if (!model->asyncLaunches || !cuda::graphsEnabled()) {
    model->entry(args.data());
    return;
  }
  std::lock_guard<std::mutex> lock(model->graphMutex);
  if (model->replay == Replay::Captured && model->graphBuffers == buffers) {
    cuda::launchGraph(model->graph);
    return;
  }
  if (model->replay == Replay::Repeatable) {
    unsigned long long before = cuda::unrepeatableCalls();
    if (cuda::beginCapture()) {
      model->entry(args.data());
      void *graph = cuda::endCapture();
      if (graph && cuda::unrepeatableCalls() == before) {
        model->graph = graph;
        model->graphBuffers = buffers;
        model->replay = Replay::Captured;
        cuda::launchGraph(graph);
        return;
      }
      cuda::destroyGraph(graph);
    }
    model->replay = Replay::Unrepeatable; // and run it the usual way
  }
  unsigned long long before = cuda::unrepeatableCalls();
  model->entry(args.data());
  if (model->replay == Replay::Unknown) {
    // The first run stages the constants; the second shows whether runs
    // repeat.
    if (cuda::unrepeatableCalls() == before)
      model->replay = Replay::Repeatable;
    else if (++model->runsSeen >= 2)
      model->replay = Replay::Unrepeatable;
  }
}

/// CUDA artifacts take buffers the GPU can reach: the inputs are copied
/// there and the outputs back. Device memory where the host code reads no
/// buffer (copies on the run's stream), managed memory otherwise. Outputs
/// are written only once every kernel has finished without an error.
static aicc_status runOnCuda(aicc_model *model, const void *const *inputs,
                             void *const *outputs) {
  using aicc::cuda::Memory;
  aicc::cuda::clearError();
  Memory kind = model->memory();
  std::vector<void *> buffers;
  void *workspace = nullptr;
  auto release = [&] {
    for (void *b : buffers)
      aicc::cuda::free(b);
    if (workspace)
      model->workspaces.release(workspace);
  };
  aicc::abi::PackedMemrefArgs packed;
  auto stage = [&](const Tensor &t, const void *from) -> bool {
    void *buffer = aicc::cuda::alloc(t.bytes(), kind);
    if (!buffer)
      return false;
    buffers.push_back(buffer);
    if (from && t.bytes()) {
      if (kind == Memory::Device) {
        aicc::cuda::copyToDevice(buffer, from, t.bytes());
      } else {
        std::memcpy(buffer, from, t.bytes());
        aicc::cuda::prefetchToDevice(buffer, t.bytes());
      }
    }
    packed.add(buffer, t.shape.data(), t.shape.size());
    return true;
  };
  bool ok = true;
  for (size_t i = 0; ok && i < model->inputs.size(); ++i)
    ok = stage(model->inputs[i], inputs[i]);
  for (size_t i = 0; ok && i < model->outputs.size(); ++i)
    ok = stage(model->outputs[i], nullptr);
  int64_t workspaceBytes = model->workspaces.bytes();
  if (ok && model->workspaces.hasWorkspace()) {
    ok = (workspace = model->workspaces.acquire()) != nullptr;
    if (ok)
      packed.add(workspace, &workspaceBytes, 1);
  }
  if (ok) {
    std::vector<void *> args = packed.pointers();
    std::vector<void *> used = buffers;
    used.push_back(workspace);
    aicc::cuda::setAsyncLaunches(model->asyncLaunches);
    runCudaEntry(model, args, used);
    aicc::cuda::synchronize();
    aicc::cuda::setAsyncLaunches(false);
  }
  std::string message;
  if (!aicc::cuda::takeError(message) && !ok)
    message = "out of GPU memory for the model's buffers";
  if (!message.empty()) {
    // Copies queued before the failure finish before their blocks are
    // reused.
    aicc::cuda::synchronize();
    aicc::cuda::clearError();
    release();
    return model->fail(AICC_ERROR_DEVICE, message);
  }
  for (size_t i = 0; i < model->outputs.size(); ++i) {
    void *from = buffers[model->inputs.size() + i];
    size_t bytes = model->outputs[i].bytes();
    if (!bytes)
      continue;
    if (kind == Memory::Device)
      aicc::cuda::copyToHost(outputs[i], from, bytes);
    else
      std::memcpy(outputs[i], from, bytes);
  }
  aicc::cuda::synchronize();
  release();
  if (aicc::cuda::takeError(message))
    return model->fail(AICC_ERROR_DEVICE, message);
  model->error.clear();
  return AICC_OK;
}

aicc_status aicc_model_run(aicc_model *model, const void *const *inputs,
                           void *const *outputs) {
  if (!model)
    return AICC_ERROR_ARGUMENT;
  if ((!inputs && !model->inputs.empty()) ||
      (!outputs && !model->outputs.empty()))
    return model->fail(AICC_ERROR_ARGUMENT, "null input or output array");
  aicc::abi::PackedMemrefArgs packed;
  auto add = [&](const void *data, const Tensor &t) {
    packed.add(data, t.shape.data(), t.shape.size());
  };
  for (size_t i = 0; i < model->inputs.size(); ++i) {
    if (!inputs[i] && model->inputs[i].bytes() != 0)
      return model->fail(AICC_ERROR_ARGUMENT,
                         "input '" + model->inputs[i].name + "' is null");
    const Tensor &t = model->inputs[i];
    if (t.bound && manifest::fingerprint(inputs[i], t.bytes()) != t.fingerprint)
      return model->fail(AICC_ERROR_ARGUMENT,
                         "input '" + t.name +
                             "' differs from the value the model was compiled "
                             "for (it was bound with --bind)");
    add(inputs[i], t);
  }
  for (size_t i = 0; i < model->outputs.size(); ++i) {
    if (!outputs[i] && model->outputs[i].bytes() != 0)
      return model->fail(AICC_ERROR_ARGUMENT,
                         "output '" + model->outputs[i].name + "' is null");
    add(outputs[i], model->outputs[i]);
  }
  if (model->device == "cuda")
    return runOnCuda(model, inputs, outputs);
  void *workspace = nullptr;
  int64_t workspaceBytes = model->workspaces.bytes();
  if (model->workspaces.hasWorkspace()) {
    if (!(workspace = model->workspaces.acquire()))
      return model->fail(AICC_ERROR_IO,
                         "out of memory for the model's workspace (" +
                             std::to_string(workspaceBytes) + " bytes)");
    packed.add(workspace, &workspaceBytes, 1);
  }
  std::vector<void *> args = packed.pointers();
  model->entry(args.data());
  if (workspace)
    model->workspaces.release(workspace);
  model->error.clear();
  return AICC_OK;
}

const char *aicc_model_error(const aicc_model *model) {
  return model ? model->error.c_str() : "null model";
}

} // extern "C"
