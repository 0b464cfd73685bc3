//===- Cuda.h - the CUDA half of the runtime --------------------*- C++ -*-===//
//
// The driver API is loaded at run time (dlopen of libcuda.so.1), so the
// runtime builds and loads on machines without a GPU or driver. Compiled
// CUDA artifacts call the launch functions MLIR's gpu-to-llvm emits
// (mgpuModuleLoad, mgpuLaunchKernel, ...), which Cuda.cpp defines on top of
// it. Each thread that runs a model has a stream of its own (so runs on
// several threads overlap); its launches and copies go there. Errors are kept
// per thread, first one wins, until taken.
//
//===----------------------------------------------------------------------===//

#ifndef AICC_RUNTIME_CUDA_H
#define AICC_RUNTIME_CUDA_H

#include <cstddef>
#include <string>

namespace aicc::cuda {

/// Loads the driver and makes device 0's primary context current in this
/// thread; false with the reason ("no CUDA device/driver found: ...").
bool available(std::string &why);

/// "NVIDIA H100 80GB HBM3, driver 13000", or empty.
std::string describeDevice();

/// Where a block lives: managed memory (reachable from host and device, for
/// artifacts whose host code reads buffers) or device memory (the arena,
/// inputs and outputs of artifacts whose host code only launches kernels).
enum class Memory { Managed, Device };

/// AICC_CUDA_MANAGED=1: every buffer in managed memory, as before the device
/// arena (a diagnostic switch).
bool managedOnly();

/// A block of `bytes`; nullptr (and an error recorded) on failure. Freed
/// blocks are kept for the next allocation of the same size and kind (a
/// model allocates the same buffers on every run).
void *alloc(size_t bytes, Memory kind);
void *allocManaged(size_t bytes);
/// Returns a block to the pool. A block freed during a run (while kernels
/// that use it may still be queued) is reused only after the run's
/// synchronize().
void free(void *ptr);
/// Moves managed memory to the device ahead of the kernels (on this thread's
/// stream, where they run): a kernel touching pages the host wrote last
/// would otherwise fault them over one by one. Under AICC_CUDA_PROFILE it
/// waits, so that kernel times do not include the copy.
void prefetchToDevice(void *ptr, size_t bytes);
/// Host → device and device → host copies on this thread's stream; the
/// device → host one is done when synchronize() returns. Errors recorded.
void copyToDevice(void *device, const void *host, size_t bytes);
void copyToHost(void *host, const void *device, size_t bytes);
/// Returns the kept blocks to the driver.
void trimPool();

/// A copy of the constant bytes at [address, address + bytes) that kernels
/// read, made once and kept: device memory during runs whose launches are
/// asynchronous (their host code reads nothing), else managed memory
/// (read-mostly, prefetched to the device).
void *stagedConstant(const void *address, size_t bytes);
/// Forgets (and frees) the staged copies of constants in [begin, end): an
/// artifact's data, when it is unloaded.
void releaseConstants(const void *begin, const void *end);

/// Waits for this thread's work (its stream: launches and copies); records
/// an error if one happened. Blocks freed since the last wait go back to
/// the pool.
void synchronize();

/// Launches from this thread return without waiting for their kernel (the
/// artifact's host code never reads device results; synchronize() waits),
/// and the constants they stage go to device memory.
void setAsyncLaunches(bool async);

/// CUDA graphs (AICC_CUDA_GRAPHS=1; experimental: not yet run on a GPU): a
/// model whose runs repeat the same launches has one run captured into a
/// graph, and later runs on the same buffers replay it with one launch.
/// Off under AICC_CUDA_PROFILE (which times launches one by one).
bool graphsEnabled();
/// How many calls this thread made into the runtime that a replay would
/// not repeat (allocations, first copies of constants). A run that made
/// none can be captured.
unsigned long long unrepeatableCalls();
/// Starts capturing this thread's stream: launches are recorded, not run.
/// False where the driver or stream cannot.
bool beginCapture();
/// Ends the capture: the instantiated graph, or null (nothing captured
/// ran; errors the capture caused are forgotten).
void *endCapture();
/// Launches a captured graph on this thread's stream.
void launchGraph(void *graph);
void destroyGraph(void *graph);

/// Forgets this thread's error.
void clearError();
/// This thread's first error since the last clear/take, if any.
bool takeError(std::string &message);

} // namespace aicc::cuda

#endif // AICC_RUNTIME_CUDA_H
