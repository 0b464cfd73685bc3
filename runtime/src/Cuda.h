//===- Cuda.h - the CUDA half of the runtime --------------------*- C++ -*-===//
//
// The driver API is loaded at run time (dlopen of libcuda.so.1), so the
// runtime builds and loads on machines without a GPU or driver. Compiled
// CUDA artifacts call the launch functions MLIR's gpu-to-llvm emits
// (mgpuModuleLoad, mgpuLaunchKernel, ...), which Cuda.cpp defines on top of
// it. Errors are kept per thread, first one wins, until taken.
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

/// Managed memory (reachable from host and device); nullptr on failure.
/// Freed blocks are kept for the next allocation of the same size (a model
/// allocates the same buffers on every run).
void *allocManaged(size_t bytes);
void free(void *ptr);
/// Moves managed memory to the device ahead of the kernels (on the default
/// stream they run on): a kernel touching pages the host wrote last would
/// otherwise fault them over one by one. Under AICC_CUDA_PROFILE it waits,
/// so that kernel times do not include the copy.
void prefetchToDevice(void *ptr, size_t bytes);
/// Returns the kept blocks to the driver.
void trimPool();

/// A managed copy of the constant bytes at [address, address + bytes),
/// made once and kept (read-mostly, prefetched to the device).
void *stagedConstant(const void *address, size_t bytes);
/// Forgets (and frees) the staged copies of constants in [begin, end): an
/// artifact's data, when it is unloaded.
void releaseConstants(const void *begin, const void *end);

/// Waits for all work in the context; records an error if one happened.
void synchronize();

/// Launches from this thread return without waiting for their kernel (the
/// artifact's host code never reads device results; synchronize() waits).
void setAsyncLaunches(bool async);

/// Forgets this thread's error.
void clearError();
/// This thread's first error since the last clear/take, if any.
bool takeError(std::string &message);

} // namespace aicc::cuda

#endif // AICC_RUNTIME_CUDA_H
