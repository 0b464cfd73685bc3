//===- Cuda.cpp - CUDA driver API, loaded at run time ---------------------===//
//
// Only the handful of driver entry points the artifacts need, declared here
// with the driver's ABI (no CUDA headers needed to build the runtime).
// Launches wait for their kernel unless the artifact's host code never reads
// a buffer (its manifest says "async"); then a run waits once, at its end.
//
//===----------------------------------------------------------------------===//

#include "Cuda.h"

#include <dlfcn.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

namespace {

using CUresult = int;
using CUdevice = int;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUdeviceptr = unsigned long long;
using CUevent = struct CUevent_st *;
using CUgraph = struct CUgraph_st *;
using CUgraphExec = struct CUgraphExec_st *;
constexpr unsigned kMemAttachGlobal = 1;
constexpr unsigned kStreamNonBlocking = 1;
constexpr int kCaptureModeThreadLocal = 1;
constexpr int kDeviceAttributeManagedMemory = 83;

struct Driver {
  void *library = nullptr;
  CUresult (*init)(unsigned) = nullptr;
  CUresult (*driverGetVersion)(int *) = nullptr;
  CUresult (*deviceGetCount)(int *) = nullptr;
  CUresult (*deviceGet)(CUdevice *, int) = nullptr;
  CUresult (*deviceGetName)(char *, int, CUdevice) = nullptr;
  CUresult (*deviceGetAttribute)(int *, int, CUdevice) = nullptr;
  CUresult (*primaryCtxRetain)(CUcontext *, CUdevice) = nullptr;
  CUresult (*ctxSetCurrent)(CUcontext) = nullptr;
  CUresult (*moduleLoadData)(CUmodule *, const void *) = nullptr;
  CUresult (*moduleUnload)(CUmodule) = nullptr;
  CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *) = nullptr;
  CUresult (*launchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                           unsigned, unsigned, unsigned, CUstream, void **,
                           void **) = nullptr;
  CUresult (*memAllocManaged)(CUdeviceptr *, size_t, unsigned) = nullptr;
  CUresult (*memFree)(CUdeviceptr) = nullptr;
  CUresult (*memAlloc)(CUdeviceptr *, size_t) = nullptr;
  CUresult (*memcpyHtoD)(CUdeviceptr, const void *, size_t, CUstream) = nullptr;
  CUresult (*memcpyDtoH)(void *, CUdeviceptr, size_t, CUstream) = nullptr;
  CUresult (*streamCreate)(CUstream *, unsigned) = nullptr;
  CUresult (*streamDestroy)(CUstream) = nullptr;
  CUresult (*streamSynchronize)(CUstream) = nullptr;
  CUresult (*getErrorName)(CUresult, const char **) = nullptr;
  CUresult (*memAdvise)(CUdeviceptr, size_t, int, CUdevice) = nullptr;
  CUresult (*memPrefetchAsync)(CUdeviceptr, size_t, CUdevice,
                               CUstream) = nullptr;
  // Optional: CUDA graphs (AICC_CUDA_GRAPHS).
  CUresult (*streamBeginCapture)(CUstream, int) = nullptr;
  CUresult (*streamEndCapture)(CUstream, CUgraph *) = nullptr;
  CUresult (*graphInstantiate)(CUgraphExec *, CUgraph,
                               unsigned long long) = nullptr;
  CUresult (*graphLaunch)(CUgraphExec, CUstream) = nullptr;
  CUresult (*graphExecDestroy)(CUgraphExec) = nullptr;
  CUresult (*graphDestroy)(CUgraph) = nullptr;
  // Optional: kernel times for AICC_CUDA_PROFILE.
  CUresult (*eventCreate)(CUevent *, unsigned) = nullptr;
  CUresult (*eventRecord)(CUevent, CUstream) = nullptr;
  CUresult (*eventSynchronize)(CUevent) = nullptr;
  CUresult (*eventElapsedTime)(float *, CUevent, CUevent) = nullptr;

  CUdevice device = 0;
  CUcontext context = nullptr;
  std::string failure; // why the driver is unusable, if it is
};

template <typename F> bool resolve(void *library, const char *name, F &fn) {
  fn = reinterpret_cast<F>(dlsym(library, name));
  return fn != nullptr;
}

std::string errorName(const Driver &d, CUresult rc) {
  const char *name = nullptr;
  if (d.getErrorName && d.getErrorName(rc, &name) == 0 && name)
    return name;
  return "CUDA error " + std::to_string(rc);
}

Driver &driver() {
  static Driver d = [] {
    Driver d;
    d.library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!d.library) {
      const char *why = dlerror();
      d.failure = std::string("no CUDA device/driver found: cannot load "
                              "libcuda.so.1 (") +
                  (why ? why : "") + ")";
      return d;
    }
    bool ok =
        resolve(d.library, "cuInit", d.init) &&
        resolve(d.library, "cuDriverGetVersion", d.driverGetVersion) &&
        resolve(d.library, "cuDeviceGetCount", d.deviceGetCount) &&
        resolve(d.library, "cuDeviceGet", d.deviceGet) &&
        resolve(d.library, "cuDeviceGetName", d.deviceGetName) &&
        resolve(d.library, "cuDeviceGetAttribute", d.deviceGetAttribute) &&
        resolve(d.library, "cuDevicePrimaryCtxRetain", d.primaryCtxRetain) &&
        resolve(d.library, "cuCtxSetCurrent", d.ctxSetCurrent) &&
        resolve(d.library, "cuModuleLoadData", d.moduleLoadData) &&
        resolve(d.library, "cuModuleUnload", d.moduleUnload) &&
        resolve(d.library, "cuModuleGetFunction", d.moduleGetFunction) &&
        resolve(d.library, "cuLaunchKernel", d.launchKernel) &&
        resolve(d.library, "cuMemAllocManaged", d.memAllocManaged) &&
        resolve(d.library, "cuMemFree_v2", d.memFree) &&
        resolve(d.library, "cuMemAlloc_v2", d.memAlloc) &&
        resolve(d.library, "cuMemcpyHtoDAsync_v2", d.memcpyHtoD) &&
        resolve(d.library, "cuMemcpyDtoHAsync_v2", d.memcpyDtoH) &&
        resolve(d.library, "cuStreamCreate", d.streamCreate) &&
        resolve(d.library, "cuStreamSynchronize", d.streamSynchronize) &&
        resolve(d.library, "cuGetErrorName", d.getErrorName);
    // Optional: hints for constants.
    resolve(d.library, "cuMemAdvise", d.memAdvise);
    resolve(d.library, "cuMemPrefetchAsync", d.memPrefetchAsync);
    resolve(d.library, "cuStreamDestroy_v2", d.streamDestroy);
    resolve(d.library, "cuStreamBeginCapture_v2", d.streamBeginCapture);
    resolve(d.library, "cuStreamEndCapture", d.streamEndCapture);
    resolve(d.library, "cuGraphInstantiateWithFlags", d.graphInstantiate);
    resolve(d.library, "cuGraphLaunch", d.graphLaunch);
    resolve(d.library, "cuGraphExecDestroy", d.graphExecDestroy);
    resolve(d.library, "cuGraphDestroy", d.graphDestroy);
    resolve(d.library, "cuEventCreate", d.eventCreate);
    resolve(d.library, "cuEventRecord", d.eventRecord);
    resolve(d.library, "cuEventSynchronize", d.eventSynchronize);
    resolve(d.library, "cuEventElapsedTime", d.eventElapsedTime);
    if (!ok) {
      d.failure = "the CUDA driver (libcuda.so.1) lacks a needed function; "
                  "is it older than CUDA 11?";
      return d;
    }
    int count = 0;
    if (CUresult rc = d.init(0); rc != 0) {
      d.failure =
          "no CUDA device/driver found: cuInit failed with " + errorName(d, rc);
      return d;
    }
    if (d.deviceGetCount(&count) != 0 || count == 0) {
      d.failure = "no CUDA device/driver found: the driver reports no device";
      return d;
    }
    int managed = 0;
    if (CUresult rc = d.deviceGet(&d.device, 0); rc != 0) {
      d.failure = "cuDeviceGet failed with " + errorName(d, rc);
      return d;
    }
    d.deviceGetAttribute(&managed, kDeviceAttributeManagedMemory, d.device);
    if (!managed) {
      d.failure = "CUDA device 0 does not support managed memory";
      return d;
    }
    if (CUresult rc = d.primaryCtxRetain(&d.context, d.device); rc != 0) {
      d.failure = "cannot create a CUDA context: " + errorName(d, rc);
      d.context = nullptr;
    }
    return d;
  }();
  return d;
}

thread_local std::string threadError;
thread_local bool asyncLaunches = false;
/// A thread's stream (null: the default stream, where none could be made),
/// destroyed when the thread ends: a process that runs models from
/// short-lived threads keeps none of theirs (the driver releases it once
/// its work is done).
struct ThreadStream {
  CUstream stream = nullptr;
  ~ThreadStream() {
    if (stream && driver().streamDestroy)
      driver().streamDestroy(stream);
  }
};
thread_local ThreadStream ownStream;
/// Whether this thread queued work that synchronize() has not waited for.
thread_local bool inFlight = false;
/// Calls a replay of the run would not repeat (see unrepeatableCalls()).
thread_local unsigned long long unrepeatable = 0;

/// Whether the environment variable `name` is set to something but "0".
bool envFlag(const char *name) {
  const char *value = std::getenv(name);
  return value && *value && std::strcmp(value, "0") != 0;
}

/// AICC_CUDA_TRACE=1 prints every call the artifact makes into the runtime.
bool tracing() {
  static const bool on = envFlag("AICC_CUDA_TRACE");
  return on;
}
/// AICC_CUDA_PROFILE=1 times every launch with CUDA events around it (the
/// kernel's time on the GPU; host time around the launch where the driver
/// lacks events) and makes it wait, so that an error names its kernel;
/// =async keeps launches asynchronous, so the GPU stays busy (and clocked
/// up) as in a normal run, and reads the events when the run synchronizes.
/// AICC_CUDA_PROFILE_REPEAT=N issues each launch N times between its events
/// (timing only: a kernel that updates a buffer in place then computes a
/// wrong result). Totals per kernel go to stderr at exit.
bool profiling() {
  static const bool on = envFlag("AICC_CUDA_PROFILE");
  return on;
}

bool profilingAsync() {
  static const bool on = [] {
    const char *value = std::getenv("AICC_CUDA_PROFILE");
    return value && std::strcmp(value, "async") == 0;
  }();
  return on;
}

int profileRepeat() {
  static const int n = [] {
    const char *value = std::getenv("AICC_CUDA_PROFILE_REPEAT");
    int v = value ? std::atoi(value) : 1;
    return v > 1 ? v : 1;
  }();
  return n;
}

struct Profile {
  std::mutex mutex;
  std::map<std::string, std::pair<long, double>> kernels; // calls, ms
  ~Profile() {
    if (kernels.empty())
      return;
    double total = 0;
    for (auto &[name, entry] : kernels)
      total += entry.second;
    std::fprintf(stderr, "aicc-cuda profile: %.3f ms in %zu kernels\n", total,
                 kernels.size());
    for (auto &[name, entry] : kernels)
      std::fprintf(stderr, "aicc-cuda profile: %10.3f ms %6ld calls  %s\n",
                   entry.second, entry.first, name.c_str());
  }
};
Profile &profile() {
  static Profile p;
  return p;
}

/// A launch's events, read once the stream has passed them.
struct PendingTiming {
  std::string name;
  CUevent before, after;
};
thread_local std::vector<PendingTiming> pendingTimings;
thread_local std::vector<CUevent> spareEvents;

CUevent takeEvent(Driver &d) {
  if (!spareEvents.empty()) {
    CUevent e = spareEvents.back();
    spareEvents.pop_back();
    return e;
  }
  CUevent e = nullptr;
  return d.eventCreate(&e, 0) == 0 ? e : nullptr;
}

void addTiming(const std::string &name, double ms) {
  Profile &p = profile();
  std::lock_guard<std::mutex> lock(p.mutex);
  auto &entry = p.kernels[name];
  entry.first += 1;
  entry.second += ms / profileRepeat();
}

/// Reads the events of this thread's finished launches into the profile.
void collectTimings(Driver &d) {
  for (PendingTiming &t : pendingTimings) {
    float ms = 0;
    if (d.eventSynchronize(t.after) == 0 &&
        d.eventElapsedTime(&ms, t.before, t.after) == 0)
      addTiming(t.name, ms);
    spareEvents.push_back(t.before);
    spareEvents.push_back(t.after);
  }
  pendingTimings.clear();
}

#define TRACE(...)                                                             \
  do {                                                                         \
    if (tracing())                                                             \
      std::fprintf(stderr, "aicc-cuda: " __VA_ARGS__);                         \
  } while (false)

void recordError(const std::string &message) {
  TRACE("error: %s\n", message.c_str());
  if (threadError.empty())
    threadError = message;
}

/// The driver, with its context current in this thread; null (and an error
/// recorded) when there is none.
Driver *ready() {
  Driver &d = driver();
  if (!d.failure.empty()) {
    recordError(d.failure);
    return nullptr;
  }
  // The primary context and a stream, once per thread (every launch comes
  // through here). The stream does not wait for other threads' work, as
  // the default stream would.
  thread_local bool current = false;
  if (!current && (current = d.ctxSetCurrent(d.context) == 0) &&
      d.streamCreate(&ownStream.stream, kStreamNonBlocking) != 0)
    ownStream.stream = nullptr;
  return &d;
}

std::mutex namesMutex;
std::map<void *, std::string> &kernelNames() {
  static std::map<void *, std::string> names;
  return names;
}

} // namespace

namespace aicc::cuda {

bool available(std::string &why) {
  Driver &d = driver();
  why = d.failure;
  return d.failure.empty();
}

std::string describeDevice() {
  Driver &d = driver();
  if (!d.failure.empty())
    return "";
  char name[256] = {};
  int version = 0;
  d.deviceGetName(name, sizeof(name) - 1, d.device);
  d.driverGetVersion(&version);
  return std::string(name) + ", driver API " + std::to_string(version);
}

bool managedOnly() {
  static const bool on = envFlag("AICC_CUDA_MANAGED");
  return on;
}

namespace {
struct Block {
  size_t bytes;
  Memory kind;
};
struct Pool {
  std::mutex mutex;
  std::multimap<std::pair<size_t, Memory>, void *> freeBlocks;
  std::map<void *, Block> blocks; // every block the pool handed out
  std::map<std::pair<const void *, size_t>, void *> constants;
};
Pool &pool() {
  static Pool *p = new Pool(); // outlives artifacts unloaded at exit
  return *p;
}
/// Blocks this thread freed while its work was in flight.
thread_local std::vector<void *> pendingFrees;

void *allocFromDriver(size_t bytes, Memory kind);

void releasePending() {
  Pool &p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  for (void *ptr : pendingFrees)
    if (auto it = p.blocks.find(ptr); it != p.blocks.end())
      p.freeBlocks.emplace(std::make_pair(it->second.bytes, it->second.kind),
                           ptr);
  pendingFrees.clear();
}
} // namespace

void *alloc(size_t bytes, Memory kind) {
  Pool &p = pool();
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    auto it = p.freeBlocks.find({bytes, kind});
    if (it != p.freeBlocks.end()) {
      void *block = it->second;
      p.freeBlocks.erase(it);
      return block;
    }
  }
  void *block = allocFromDriver(bytes, kind);
  if (block) {
    std::lock_guard<std::mutex> lock(p.mutex);
    p.blocks[block] = {bytes, kind};
  }
  return block;
}

void *allocManaged(size_t bytes) { return alloc(bytes, Memory::Managed); }

void free(void *ptr) {
  if (!ptr)
    return;
  pendingFrees.push_back(ptr);
  if (!inFlight)
    releasePending();
}

void trimPool() {
  Pool &p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  Driver &d = driver();
  for (auto &[key, block] : p.freeBlocks) {
    p.blocks.erase(block);
    if (d.failure.empty())
      d.memFree(reinterpret_cast<CUdeviceptr>(block));
  }
  p.freeBlocks.clear();
}

void prefetchToDevice(void *ptr, size_t bytes) {
  Driver &d = driver();
  if (!ptr || !bytes || !d.memPrefetchAsync)
    return;
  if (!ready())
    return;
  inFlight = true;
  d.memPrefetchAsync(reinterpret_cast<CUdeviceptr>(ptr), bytes, d.device,
                     ownStream.stream);
  if (profiling())
    synchronize();
}

namespace {
/// Queues a copy between host memory and a device block on this thread's
/// stream.
void copy(void *device, void *host, size_t bytes, bool toDevice) {
  Driver *d = ready();
  if (!d || !bytes)
    return;
  inFlight = true;
  auto at = reinterpret_cast<CUdeviceptr>(device);
  if (CUresult rc = toDevice ? d->memcpyHtoD(at, host, bytes, ownStream.stream)
                             : d->memcpyDtoH(host, at, bytes, ownStream.stream);
      rc != 0)
    recordError("cannot copy " + std::to_string(bytes) + " bytes " +
                (toDevice ? "to" : "from") + " the GPU: " + errorName(*d, rc));
}
} // namespace

void copyToDevice(void *device, const void *host, size_t bytes) {
  copy(device, const_cast<void *>(host), bytes, /*toDevice=*/true);
}

void copyToHost(void *host, const void *device, size_t bytes) {
  copy(const_cast<void *>(device), host, bytes, /*toDevice=*/false);
}

void *stagedConstant(const void *address, size_t bytes) {
  Pool &p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  auto key = std::make_pair(address, bytes);
  if (auto it = p.constants.find(key); it != p.constants.end())
    return it->second;
  ++unrepeatable;
  // Kernels read it; in device memory unless the host may read it too.
  Memory kind =
      asyncLaunches && !managedOnly() ? Memory::Device : Memory::Managed;
  void *copy = allocFromDriver(bytes, kind);
  if (!copy)
    return nullptr;
  Driver &d = driver();
  if (kind == Memory::Device) {
    // The source is the artifact's data, alive as long as the copy.
    copyToDevice(copy, address, bytes);
  } else {
    std::memcpy(copy, address, bytes);
    constexpr int kAdviseReadMostly = 1;
    if (d.memAdvise)
      d.memAdvise(reinterpret_cast<CUdeviceptr>(copy), bytes, kAdviseReadMostly,
                  d.device);
    prefetchToDevice(copy, bytes);
  }
  p.constants.emplace(key, copy);
  return copy;
}

void releaseConstants(const void *begin, const void *end) {
  Pool &p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  Driver &d = driver();
  for (auto it = p.constants.begin(); it != p.constants.end();) {
    const char *at = static_cast<const char *>(it->first.first);
    if (at >= begin && at < end) {
      if (d.failure.empty())
        d.memFree(reinterpret_cast<CUdeviceptr>(it->second));
      it = p.constants.erase(it);
    } else {
      ++it;
    }
  }
}

namespace {
void *allocFromDriver(size_t bytes, Memory kind) {
  Driver *d = ready();
  if (!d)
    return nullptr;
  CUdeviceptr ptr = 0;
  bool managed = kind == Memory::Managed;
  CUresult rc =
      managed ? d->memAllocManaged(&ptr, bytes ? bytes : 1, kMemAttachGlobal)
              : d->memAlloc(&ptr, bytes ? bytes : 1);
  if (rc != 0) {
    recordError("cannot allocate " + std::to_string(bytes) + " bytes of " +
                (managed ? "CUDA managed" : "GPU") +
                " memory: " + errorName(*d, rc));
    return nullptr;
  }
  TRACE("%s block of %zu bytes -> %p\n", managed ? "managed" : "device", bytes,
        reinterpret_cast<void *>(ptr));
  return reinterpret_cast<void *>(ptr);
}
} // namespace

void synchronize() {
  Driver *d = ready();
  if (!d)
    return;
  if (CUresult rc = d->streamSynchronize(ownStream.stream); rc != 0)
    recordError("CUDA error " + errorName(*d, rc) +
                " while running the model (AICC_CUDA_PROFILE=1 makes every "
                "launch wait, to name the kernel)");
  else
    collectTimings(*d);
  inFlight = false;
  releasePending();
}

void setAsyncLaunches(bool async) { asyncLaunches = async; }

bool graphsEnabled() {
  static const bool on = envFlag("AICC_CUDA_GRAPHS") && !profiling();
  return on;
}

unsigned long long unrepeatableCalls() { return unrepeatable; }

bool beginCapture() {
  Driver *d = ready();
  if (!d || !ownStream.stream || !d->streamBeginCapture ||
      !d->streamEndCapture || !d->graphInstantiate || !d->graphLaunch ||
      !d->graphExecDestroy || !d->graphDestroy)
    return false;
  CUresult rc =
      d->streamBeginCapture(ownStream.stream, kCaptureModeThreadLocal);
  TRACE("capture begins (%d)\n", rc);
  return rc == 0;
}

void *endCapture() {
  Driver *d = ready();
  if (!d)
    return nullptr;
  CUgraph graph = nullptr;
  CUgraphExec exec = nullptr;
  CUresult rc = d->streamEndCapture(ownStream.stream, &graph);
  if (rc == 0 && threadError.empty())
    rc = d->graphInstantiate(&exec, graph, 0);
  if (graph)
    d->graphDestroy(graph);
  TRACE("capture ends (%d) -> graph %p\n", rc, (void *)exec);
  if (rc != 0 || !threadError.empty()) {
    if (exec)
      d->graphExecDestroy(exec);
    threadError.clear();
    return nullptr;
  }
  return exec;
}

void launchGraph(void *graph) {
  Driver *d = ready();
  if (!d)
    return;
  inFlight = true;
  TRACE("graph launch %p\n", graph);
  if (CUresult rc =
          d->graphLaunch(static_cast<CUgraphExec>(graph), ownStream.stream);
      rc != 0)
    recordError("CUDA error " + errorName(*d, rc) +
                " launching the model's CUDA graph (AICC_CUDA_GRAPHS=0 "
                "launches its kernels one by one)");
}

void destroyGraph(void *graph) {
  Driver &d = driver();
  if (graph && d.failure.empty() && d.graphExecDestroy)
    d.graphExecDestroy(static_cast<CUgraphExec>(graph));
}

void clearError() { threadError.clear(); }

bool takeError(std::string &message) {
  if (threadError.empty())
    return false;
  message = threadError;
  threadError.clear();
  return true;
}

} // namespace aicc::cuda

// The functions MLIR's gpu-to-llvm lowering calls. The artifacts' launches
// are synchronous in MLIR's sense (no async tokens, a null stream): they go
// to the calling thread's stream, and wait there unless asynchronous
// launches are on.
#define AICC_EXPORT extern "C" __attribute__((visibility("default")))

AICC_EXPORT void *mgpuModuleLoad(void *data, size_t /*size*/) {
  Driver *d = ready();
  if (!d)
    return nullptr;
  CUmodule module = nullptr;
  CUresult rc = d->moduleLoadData(&module, data);
  TRACE("module load %p -> %p (%d)\n", data, (void *)module, rc);
  if (rc != 0) {
    recordError("cannot load the model's GPU code: " + errorName(*d, rc) +
                (rc == 209 ? " (compiled for another GPU architecture; "
                             "recompile with --gpu-arch)"
                           : ""));
    return nullptr;
  }
  return module;
}

/// Bumped when a module goes: lookups cached before then are stale.
std::atomic<unsigned> moduleGeneration{0};

AICC_EXPORT void mgpuModuleUnload(void *module) {
  Driver &d = driver();
  ++moduleGeneration;
  if (module && d.failure.empty())
    d.moduleUnload(static_cast<CUmodule>(module));
}

/// Generated host code looks its kernel up before every launch; the answer
/// is kept per thread (keyed by the module and the name's address, a
/// constant of the artifact) until a module is unloaded.
AICC_EXPORT void *mgpuModuleGetFunction(void *module, const char *name) {
  struct Lookups {
    unsigned generation = 0;
    std::map<std::pair<void *, const char *>, void *> functions;
  };
  thread_local Lookups lookups;
  unsigned generation = moduleGeneration.load();
  if (lookups.generation != generation) {
    lookups.functions.clear();
    lookups.generation = generation;
  }
  auto key = std::make_pair(module, name);
  if (auto it = lookups.functions.find(key); it != lookups.functions.end())
    return it->second;
  Driver *d = ready();
  if (!d || !module) {
    recordError(std::string("GPU kernel '") + name + "' is not loaded");
    return nullptr;
  }
  CUfunction function = nullptr;
  if (CUresult rc =
          d->moduleGetFunction(&function, static_cast<CUmodule>(module), name);
      rc != 0) {
    recordError(std::string("GPU kernel '") + name +
                "' not found: " + errorName(*d, rc));
    return nullptr;
  }
  TRACE("kernel %s -> %p\n", name, (void *)function);
  {
    std::lock_guard<std::mutex> lock(namesMutex);
    kernelNames()[function] = name;
  }
  lookups.functions.emplace(key, function);
  return function;
}

AICC_EXPORT void mgpuLaunchKernel(void *function, intptr_t gridX,
                                  intptr_t gridY, intptr_t gridZ,
                                  intptr_t blockX, intptr_t blockY,
                                  intptr_t blockZ, int32_t sharedMemBytes,
                                  void * /*stream*/, void **params,
                                  void **extra, size_t paramsCount) {
  if (!threadError.empty())
    return; // an earlier step failed; the run reports that error
  Driver *d = ready();
  if (!d || !function)
    return;
  // The name only where it is printed: a model launches hundreds of
  // kernels per run, and the host's time per launch can leave the GPU idle.
  auto kernelName = [&] {
    std::lock_guard<std::mutex> lock(namesMutex);
    return kernelNames()[function];
  };
  std::string name = tracing() || profiling() ? kernelName() : std::string();
  TRACE("launch %s grid %ldx%ldx%ld block %ldx%ldx%ld, %zu params\n",
        name.c_str(), (long)gridX, (long)gridY, (long)gridZ, (long)blockX,
        (long)blockY, (long)blockZ, paramsCount);
  // Profiling times each kernel, with events where the driver has them.
  bool events = profiling() && d->eventCreate && d->eventRecord &&
                d->eventSynchronize && d->eventElapsedTime;
  PendingTiming timing{name, nullptr, nullptr};
  if (events &&
      (!(timing.before = takeEvent(*d)) || !(timing.after = takeEvent(*d))))
    events = false;
  if (events)
    d->eventRecord(timing.before, ownStream.stream);
  auto start = std::chrono::steady_clock::now();
  CUresult rc = 0;
  for (int i = 0, n = profiling() ? profileRepeat() : 1; rc == 0 && i < n; ++i)
    rc = d->launchKernel(static_cast<CUfunction>(function), gridX, gridY, gridZ,
                         blockX, blockY, blockZ, sharedMemBytes,
                         ownStream.stream, params, extra);
  inFlight = true;
  if (events && rc == 0) {
    d->eventRecord(timing.after, ownStream.stream);
    pendingTimings.push_back(timing);
  }
  // Synchronous profiling waits even when launches need not.
  if (rc == 0 && (!asyncLaunches || (profiling() && !profilingAsync())))
    rc = d->streamSynchronize(ownStream.stream);
  if (rc == 0 && events && !profilingAsync())
    collectTimings(*d);
  if (profiling() && !events) {
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - start)
                    .count();
    addTiming(name, ms);
  }
  if (rc == 0)
    return;
  if (name.empty())
    name = kernelName();
  std::string where =
      "' (grid " + std::to_string(gridX) + "x" + std::to_string(gridY) + "x" +
      std::to_string(gridZ) + ", block " + std::to_string(blockX) + "x" +
      std::to_string(blockY) + "x" + std::to_string(blockZ) + ")";
  // Launched without waiting, an earlier kernel's fault (sticky: every call
  // after it fails with it) shows up here.
  bool fault = rc == 700 || rc == 702 || rc == 710 || (rc >= 714 && rc <= 719);
  bool waited = !fault || !asyncLaunches || (profiling() && !profilingAsync());
  recordError("CUDA error " + errorName(*d, rc) +
              (waited ? " in kernel '" : " at the launch of kernel '") + name +
              where +
              (waited ? ""
                      : " (raised by it or an earlier kernel; "
                        "AICC_CUDA_PROFILE=1 makes every launch wait, "
                        "to name the kernel)"));
}

AICC_EXPORT void *mgpuStreamCreate() { return nullptr; }
AICC_EXPORT void mgpuStreamDestroy(void *) {}
AICC_EXPORT void mgpuStreamSynchronize(void *) {}

AICC_EXPORT void *mgpuMemAlloc(uint64_t bytes, void * /*stream*/,
                               bool /*isHostShared*/) {
  ++unrepeatable;
  void *ptr = aicc::cuda::allocManaged(bytes);
  TRACE("alloc %llu bytes -> %p\n", (unsigned long long)bytes, ptr);
  return ptr;
}

AICC_EXPORT void mgpuMemFree(void *ptr, void * /*stream*/) {
  aicc::cuda::free(ptr);
}

/// A memref<?xi8> descriptor, as MLIR's C interface passes it.
struct ByteBuffer {
  void *allocated, *aligned;
  int64_t offset, size, stride;
};

/// aicc-gpu-managed-memory stages each constant through this: a managed
/// copy made on the first call and reused after.
AICC_EXPORT void _mlir_ciface_aicc_cuda_constant(ByteBuffer *result,
                                                 int64_t address,
                                                 int64_t bytes) {
  void *copy = aicc::cuda::stagedConstant(
      reinterpret_cast<const void *>(address), static_cast<size_t>(bytes));
  TRACE("constant %p, %lld bytes -> %p\n", reinterpret_cast<void *>(address),
        static_cast<long long>(bytes), copy);
  *result = {copy, copy, 0, copy ? bytes : 0, 1};
}

/// aicc-gpu-managed-memory frees buffers through this (by address).
AICC_EXPORT void aicc_cuda_free(int64_t address) {
  TRACE("free %p\n", reinterpret_cast<void *>(address));
  aicc::cuda::free(reinterpret_cast<void *>(address));
}
