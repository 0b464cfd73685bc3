//===- HostCpuTest.cpp - the host's caches as the CPU heuristic sees them -===//

#include "compiler/pipeline/Pipelines.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace {

/// The size in KiB of cpu0's cache `index` from sysfs, and its level and
/// type; false where sysfs does not describe it.
bool readCache(int index, int &level, std::string &type, int64_t &kb) {
  std::string dir =
      "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
  std::ifstream levelFile(dir + "level"), typeFile(dir + "type"),
      sizeFile(dir + "size");
  std::string size;
  if (!(levelFile >> level) || !(typeFile >> type) || !(sizeFile >> size))
    return false;
  kb = std::stoll(size); // "48K"
  return true;
}

/// detectHostCpu reports the L1 and L2 data cache sizes sysfs gives (it read
/// sysfs files through a memory map of a page, so "48K" came with trailing
/// NULs, did not parse, and L1 silently fell back to 32 KiB).
TEST(HostCpuTest, CacheSizesMatchSysfs) {
  int64_t expected[3] = {0, 0, 0};
  for (int index = 0; index < 8; ++index) {
    int level = 0;
    std::string type;
    int64_t kb = 0;
    if (!readCache(index, level, type, kb))
      break;
    if (level >= 1 && level <= 2 && type != "Instruction" && !expected[level])
      expected[level] = kb;
  }
  if (!expected[1] || !expected[2])
    GTEST_SKIP() << "sysfs does not describe cpu0's L1 and L2 data caches";
  aicc::CpuPipelineOptions host = aicc::detectHostCpu();
  EXPECT_EQ(host.l1Kb, expected[1]);
  EXPECT_EQ(host.l2Kb, expected[2]);
}

} // namespace
