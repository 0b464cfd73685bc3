//===- Workspace.h - the workspaces of a compiled model's runs -*- C++ -*-===//
//
// Header-only and dependency-free, like PackedArgs.h: the artifact runtime
// and the JIT hand a compiled @main its workspace (aicc-plan-memory: every
// intermediate at a static offset) the same way. A run takes a workspace
// from the pool and gives it back, so runs after the first allocate nothing
// and touch pages already mapped; runs on several threads at once each get
// their own.
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
  ~WorkspacePool() {
    for (void *buffer : free)
      std::free(buffer);
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
    size_t rounded = (static_cast<size_t>(size) + 63) / 64 * 64;
    return std::aligned_alloc(64, rounded ? rounded : 64);
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
};

} // namespace aicc::abi

#endif // AICC_RUNTIME_WORKSPACE_H
