//===- Workspace.h - the workspaces of a compiled model's runs -*- C++ -*-===//
//
// Header-only and dependency-free, like PackedArgs.h: the artifact runtime
// and the JIT hand a compiled @main its workspace (aicc-plan-memory: every
// intermediate at a static offset) the same way. A run takes a workspace
// from the pool and gives it back, so runs after the first allocate nothing
// and touch pages already mapped; runs on several threads at once each get
// their own. A CUDA artifact's workspace is the device arena: the runtime
// gives the pool its allocator.
//
//===----------------------------------------------------------------------===//

#ifndef AICC_RUNTIME_WORKSPACE_H
#define AICC_RUNTIME_WORKSPACE_H

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace aicc::abi {

class WorkspacePool {
public:
  WorkspacePool() = default;
  WorkspacePool(const WorkspacePool &) = delete;
  WorkspacePool &operator=(const WorkspacePool &) = delete;
  ~WorkspacePool() { clear(); }

  /// Where workspaces come from (default: 64-byte aligned host memory).
  /// Blocks of `allocate` are at least 64-byte aligned.
  using Allocate = void *(*)(size_t bytes);
  using Deallocate = void (*)(void *buffer);
  void setAllocator(Allocate a, Deallocate d) {
    allocate = a;
    deallocate = d;
  }

  /// Frees the workspaces no run holds.
  void clear() {
    std::lock_guard<std::mutex> lock(mutex);
    for (void *buffer : free)
      deallocate(buffer);
    free.clear();
  }

  /// Whether @main takes a workspace, and its size in bytes.
  void configure(int64_t bytes) {
    enabled = true;
    size = bytes;
  }
  bool hasWorkspace() const { return enabled; }
  int64_t bytes() const { return size; }

  /// A workspace for one run (64-byte aligned), or null when memory is out.
  void *acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!free.empty()) {
        void *buffer = free.back();
        free.pop_back();
        return buffer;
      }
    }
    return allocate(static_cast<size_t>(size));
  }

  void release(void *buffer) {
    std::lock_guard<std::mutex> lock(mutex);
    free.push_back(buffer);
  }

private:
  bool enabled = false;
  int64_t size = 0;
  std::mutex mutex;
  std::vector<void *> free;
  Allocate allocate = [](size_t bytes) -> void * {
    size_t rounded = (bytes + 63) / 64 * 64;
    return std::aligned_alloc(64, rounded ? rounded : 64);
  };
  Deallocate deallocate = [](void *buffer) { std::free(buffer); };
};

} // namespace aicc::abi

#endif // AICC_RUNTIME_WORKSPACE_H
