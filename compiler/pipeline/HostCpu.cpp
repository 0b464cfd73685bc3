//===- HostCpu.cpp - what the CPU heuristic needs to know about the host --===//

#include "compiler/pipeline/Pipelines.h"

#include <cstdlib>

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

namespace aicc {

/// The size in KiB of the host's data cache at `level`, read from sysfs; 0
/// when it is not known.
static int64_t dataCacheKb(int level) {
  for (int index = 0; index < 8; ++index) {
    std::string dir =
        "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
    auto read = [&](const char *file) -> std::string {
      // Read as a stream: sysfs reports a page as the file size, and
      // getFile maps that much (the text, then NULs that trim() keeps, so
      // "48K" did not parse and L1 fell back to the default).
      auto buffer = llvm::MemoryBuffer::getFileAsStream(dir + "/" + file);
      return buffer ? (*buffer)->getBuffer().trim().str() : std::string();
    };
    std::string levelText = read("level"), type = read("type"),
                size = read("size");
    if (levelText.empty())
      break;
    if (std::stoi(levelText) != level || type == "Instruction")
      continue;
    int64_t kb = 0;
    llvm::StringRef(size).rtrim("K").getAsInteger(10, kb);
    return kb;
  }
  return 0;
}

CpuPipelineOptions detectHostCpu() {
  CpuPipelineOptions options;
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    options.vectorBits = 512;
  else if (features.lookup("avx2") || features.lookup("avx"))
    options.vectorBits = 256;
  else
    options.vectorBits = 128; // SSE2 on x86-64, NEON on AArch64
  // x86 has 16 vector registers without AVX-512; AArch64 has 32.
  bool x86 = llvm::Triple(llvm::sys::getProcessTriple()).isX86();
  options.vectorRegisters = x86 && options.vectorBits < 512 ? 16 : 32;
  if (int64_t kb = dataCacheKb(1))
    options.l1Kb = kb;
  if (int64_t kb = dataCacheKb(2))
    options.l2Kb = kb;
  // For tests: compile convs and split matmuls the way the CUDA pipeline
  // does.
  if (const char *value = std::getenv("AICC_CPU_CHANNELS_FIRST"))
    options.channelsLast = llvm::StringRef(value) != "1";
  if (const char *value = std::getenv("AICC_CPU_SPLIT_K"))
    options.splitK = llvm::StringRef(value) == "1";
  if (const char *value = std::getenv("AICC_CPU_IMPLICIT_GEMM"))
    options.implicitGemm = llvm::StringRef(value) == "1";
  return options;
}

} // namespace aicc
