/*===- fake_cuda.c - a stand-in for libcuda.so.1 in tests -----------------===//
 *
 * The driver API entry points the runtime loads, with no GPU behind them,
 * so that the CUDA half of the runtime runs where there is none (put this
 * library's folder first on LD_LIBRARY_PATH). Kernels are not executed:
 * a launch is counted and its arguments left alone, so outputs are not the
 * model's. What it checks is the runtime's side of the contract:
 *
 * - Device memory (cuMemAlloc) is mapped PROT_NONE: a host read or write
 *   of it (a runtime or artifact that treats device pointers as host ones)
 *   dies with SIGSEGV. Copies check that their device range lies in one
 *   live allocation and open the pages only for the copy.
 * - Managed memory is plain host memory.
 * - AICC_FAKE_CUDA_MEMORY=BYTES: device memory runs out past BYTES in use
 *   (CUDA_ERROR_OUT_OF_MEMORY).
 * - AICC_FAKE_CUDA_FAIL_LAUNCH=N: the Nth launch faults, as a kernel that
 *   reads out of bounds does: the error is sticky and surfaces at the next
 *   synchronization (CUDA_ERROR_ILLEGAL_ADDRESS).
 * - Stream capture records launches into a graph instead of counting them;
 *   a graph launch counts them then. Allocations and copies while capturing
 *   fail (CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED): a replayed run must not
 *   need them.
 * - AICC_FAKE_CUDA_REPORT=1: at exit, one line on stderr with the counts
 *   (launches, allocations and bytes by kind, copies, device blocks and
 *   bytes still allocated, streams made and destroyed, graph launches).
 *
 *===----------------------------------------------------------------------===*/

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

enum {
  SUCCESS = 0,
  INVALID_VALUE = 1,
  OUT_OF_MEMORY = 2,
  NOT_FOUND = 500,
  ILLEGAL_ADDRESS = 700,
  CAPTURE_UNSUPPORTED = 900,
};

typedef unsigned long long devptr;

struct Block {
  devptr at;
  size_t bytes, mapped;
  int device, live;
};

static struct Block *blocks;
static size_t numBlocks, capacity;
static int stickyError;
static long launches, failLaunch = -1, hostToDevice, deviceToHost, streams;
static long destroyedStreams;
static long deviceAllocs, managedAllocs;
static int capturing;
static unsigned long long memoryLimit = ~0ull, inUse;
static long captured, graphLaunches;
static unsigned long long deviceBytes, managedBytes;

static void report(void) {
  long liveBlocks = 0;
  unsigned long long liveBytes = 0;
  for (size_t i = 0; i < numBlocks; ++i)
    if (blocks[i].live && blocks[i].device) {
      ++liveBlocks;
      liveBytes += blocks[i].bytes;
    }
  fprintf(stderr,
          "fake-cuda: %ld launches, %ld device allocations (%llu bytes), "
          "%ld managed allocations (%llu bytes), %ld host-to-device copies, "
          "%ld device-to-host copies, %ld device blocks (%llu bytes) still "
          "allocated, %ld streams (%ld destroyed), %ld graph launches\n",
          launches, deviceAllocs, deviceBytes, managedAllocs, managedBytes,
          hostToDevice, deviceToHost, liveBlocks, liveBytes, streams,
          destroyedStreams, graphLaunches);
}

EXPORT int cuInit(unsigned flags) {
  (void)flags;
  const char *fail = getenv("AICC_FAKE_CUDA_FAIL_LAUNCH");
  if (fail && *fail)
    failLaunch = atol(fail);
  const char *limit = getenv("AICC_FAKE_CUDA_MEMORY");
  if (limit && *limit)
    memoryLimit = strtoull(limit, NULL, 10);
  const char *want = getenv("AICC_FAKE_CUDA_REPORT");
  if (want && *want && strcmp(want, "0") != 0)
    atexit(report);
  return SUCCESS;
}

EXPORT int cuDriverGetVersion(int *version) {
  *version = 13000;
  return SUCCESS;
}
EXPORT int cuDeviceGetCount(int *count) {
  *count = 1;
  return SUCCESS;
}
EXPORT int cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return ordinal == 0 ? SUCCESS : INVALID_VALUE;
}
EXPORT int cuDeviceGetName(char *name, int length, int device) {
  (void)device;
  snprintf(name, (size_t)length, "aicc fake CUDA driver");
  return SUCCESS;
}
EXPORT int cuDeviceGetAttribute(int *value, int attribute, int device) {
  (void)attribute;
  (void)device;
  *value = 1;
  return SUCCESS;
}

static int contextTag;
EXPORT int cuDevicePrimaryCtxRetain(void **context, int device) {
  (void)device;
  *context = &contextTag;
  return SUCCESS;
}
EXPORT int cuCtxSetCurrent(void *context) {
  return context == &contextTag ? SUCCESS : INVALID_VALUE;
}
EXPORT int cuCtxSynchronize(void) { return stickyError; }

struct Function {
  char name[256];
};
EXPORT int cuModuleLoadData(void **module, const void *image) {
  if (!image)
    return INVALID_VALUE;
  *module = malloc(1);
  return SUCCESS;
}
EXPORT int cuModuleUnload(void *module) {
  free(module);
  return SUCCESS;
}
EXPORT int cuModuleGetFunction(void **function, void *module,
                               const char *name) {
  if (!module || !name)
    return INVALID_VALUE;
  struct Function *f = calloc(1, sizeof(struct Function));
  snprintf(f->name, sizeof f->name, "%s", name);
  *function = f; /* one per lookup; the runtime looks each up once */
  return SUCCESS;
}

EXPORT int cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz,
                          unsigned bx, unsigned by, unsigned bz,
                          unsigned shared, void *stream, void **params,
                          void **extra) {
  (void)stream;
  (void)shared;
  (void)extra;
  if (stickyError)
    return stickyError;
  if (!function || !params || !gx || !gy || !gz || !bx || !by || !bz ||
      (unsigned long long)bx * by * bz > 1024)
    return INVALID_VALUE;
  if (capturing) {
    ++captured;
    return SUCCESS;
  }
  if (++launches == failLaunch)
    stickyError = ILLEGAL_ADDRESS;
  return SUCCESS;
}

static struct Block *track(devptr at, size_t bytes, size_t mapped, int device) {
  if (numBlocks == capacity) {
    capacity = capacity ? 2 * capacity : 64;
    blocks = realloc(blocks, capacity * sizeof *blocks);
  }
  struct Block *b = &blocks[numBlocks++];
  b->at = at;
  b->bytes = bytes;
  b->mapped = mapped;
  b->device = device;
  b->live = 1;
  return b;
}

static struct Block *find(devptr at, size_t bytes) {
  for (size_t i = 0; i < numBlocks; ++i)
    if (blocks[i].live && at >= blocks[i].at &&
        at + bytes <= blocks[i].at + blocks[i].bytes)
      return &blocks[i];
  return NULL;
}

EXPORT int cuMemAlloc_v2(devptr *ptr, size_t bytes) {
  if (capturing)
    return CAPTURE_UNSUPPORTED;
  if (inUse + bytes > memoryLimit)
    return OUT_OF_MEMORY;
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t mapped = (bytes + page - 1) / page * page;
  void *at = mmap(NULL, mapped ? mapped : page, PROT_NONE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (at == MAP_FAILED)
    return OUT_OF_MEMORY;
  track((devptr)(uintptr_t)at, bytes, mapped ? mapped : page, 1);
  inUse += bytes;
  ++deviceAllocs;
  deviceBytes += bytes;
  *ptr = (devptr)(uintptr_t)at;
  return SUCCESS;
}

EXPORT int cuMemAllocManaged(devptr *ptr, size_t bytes, unsigned flags) {
  (void)flags;
  if (capturing)
    return CAPTURE_UNSUPPORTED;
  void *at = aligned_alloc(256, (bytes + 255) / 256 * 256);
  if (!at)
    return OUT_OF_MEMORY;
  memset(at, 0, bytes);
  track((devptr)(uintptr_t)at, bytes, 0, 0);
  ++managedAllocs;
  managedBytes += bytes;
  *ptr = (devptr)(uintptr_t)at;
  return SUCCESS;
}

EXPORT int cuMemFree_v2(devptr ptr) {
  for (size_t i = 0; i < numBlocks; ++i)
    if (blocks[i].live && blocks[i].at == ptr) {
      blocks[i].live = 0;
      if (blocks[i].device)
        inUse -= blocks[i].bytes;
      if (blocks[i].device)
        munmap((void *)(uintptr_t)ptr, blocks[i].mapped);
      else
        free((void *)(uintptr_t)ptr);
      return SUCCESS;
    }
  return INVALID_VALUE;
}

/* Opens a device range for the copy, then closes it again. */
static int copy(void *to, const void *from, devptr device, size_t bytes) {
  if (capturing)
    return CAPTURE_UNSUPPORTED;
  struct Block *b = find(device, bytes);
  if (!b || !b->device)
    return INVALID_VALUE;
  void *base = (void *)(uintptr_t)b->at;
  mprotect(base, b->mapped, PROT_READ | PROT_WRITE);
  memcpy(to, from, bytes);
  mprotect(base, b->mapped, PROT_NONE);
  return SUCCESS;
}

EXPORT int cuMemcpyHtoDAsync_v2(devptr to, const void *from, size_t bytes,
                                void *stream) {
  (void)stream;
  if (stickyError)
    return stickyError;
  ++hostToDevice;
  return copy((void *)(uintptr_t)to, from, to, bytes);
}

EXPORT int cuMemcpyDtoHAsync_v2(void *to, devptr from, size_t bytes,
                                void *stream) {
  (void)stream;
  if (stickyError)
    return stickyError;
  ++deviceToHost;
  return copy(to, (const void *)(uintptr_t)from, from, bytes);
}

EXPORT int cuMemAdvise(devptr ptr, size_t bytes, int advice, int device) {
  (void)advice;
  (void)device;
  struct Block *b = find(ptr, bytes);
  return b && !b->device ? SUCCESS : INVALID_VALUE;
}

EXPORT int cuMemPrefetchAsync(devptr ptr, size_t bytes, int device,
                              void *stream) {
  (void)device;
  (void)stream;
  struct Block *b = find(ptr, bytes);
  return b && !b->device ? SUCCESS : INVALID_VALUE;
}

static int streamTag;
EXPORT int cuStreamCreate(void **stream, unsigned flags) {
  (void)flags;
  ++streams;
  *stream = &streamTag;
  return SUCCESS;
}
EXPORT int cuStreamDestroy_v2(void *stream) {
  (void)stream;
  ++destroyedStreams;
  return SUCCESS;
}
EXPORT int cuStreamSynchronize(void *stream) {
  (void)stream;
  return stickyError;
}

/* A graph is the number of launches captured into it. */
EXPORT int cuStreamBeginCapture_v2(void *stream, int mode) {
  (void)stream;
  (void)mode;
  if (capturing)
    return INVALID_VALUE;
  capturing = 1;
  captured = 0;
  return SUCCESS;
}
EXPORT int cuStreamEndCapture(void *stream, void **graph) {
  (void)stream;
  if (!capturing)
    return INVALID_VALUE;
  capturing = 0;
  long *count = malloc(sizeof(long));
  *count = captured;
  *graph = count;
  return SUCCESS;
}
EXPORT int cuGraphInstantiateWithFlags(void **exec, void *graph,
                                       unsigned long long flags) {
  (void)flags;
  long *count = malloc(sizeof(long));
  *count = *(long *)graph;
  *exec = count;
  return SUCCESS;
}
EXPORT int cuGraphLaunch(void *exec, void *stream) {
  (void)stream;
  if (stickyError)
    return stickyError;
  ++graphLaunches;
  for (long i = 0; i < *(long *)exec; ++i)
    if (++launches == failLaunch)
      stickyError = ILLEGAL_ADDRESS;
  return SUCCESS;
}
EXPORT int cuGraphExecDestroy(void *exec) {
  free(exec);
  return SUCCESS;
}
EXPORT int cuGraphDestroy(void *graph) {
  free(graph);
  return SUCCESS;
}

EXPORT int cuEventCreate(void **event, unsigned flags) {
  (void)flags;
  *event = malloc(1);
  return SUCCESS;
}
EXPORT int cuEventRecord(void *event, void *stream) {
  (void)event;
  (void)stream;
  return SUCCESS;
}
EXPORT int cuEventSynchronize(void *event) {
  (void)event;
  return stickyError;
}
EXPORT int cuEventElapsedTime(float *ms, void *start, void *end) {
  (void)start;
  (void)end;
  *ms = 0.001f;
  return SUCCESS;
}

EXPORT int cuGetErrorName(int error, const char **name) {
  switch (error) {
  case SUCCESS:
    *name = "CUDA_SUCCESS";
    return SUCCESS;
  case INVALID_VALUE:
    *name = "CUDA_ERROR_INVALID_VALUE";
    return SUCCESS;
  case OUT_OF_MEMORY:
    *name = "CUDA_ERROR_OUT_OF_MEMORY";
    return SUCCESS;
  case NOT_FOUND:
    *name = "CUDA_ERROR_NOT_FOUND";
    return SUCCESS;
  case ILLEGAL_ADDRESS:
    *name = "CUDA_ERROR_ILLEGAL_ADDRESS";
    return SUCCESS;
  case CAPTURE_UNSUPPORTED:
    *name = "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED";
    return SUCCESS;
  default:
    return INVALID_VALUE;
  }
}
