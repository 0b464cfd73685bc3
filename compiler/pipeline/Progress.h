//===- Progress.h - stage reports of long compiles ---------------*- C++
//-*-===//
//
// `aicc: [  3.2s] forming kernels and choosing schedules` on stderr, for
// compiles that take tens of seconds (aicc -v, aicc.compile(verbose=True)).
//
//===----------------------------------------------------------------------===//

#ifndef AICC_COMPILER_PIPELINE_PROGRESS_H
#define AICC_COMPILER_PIPELINE_PROGRESS_H

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/raw_ostream.h"

namespace aicc {

class StageReporter {
public:
  explicit StageReporter(bool enabled)
      : enabled(enabled), start(llvm::TimeRecord::getCurrentTime(true)) {}

  /// Reports that `stage` starts (or happened), with the seconds so far.
  void operator()(const llvm::Twine &stage) const {
    if (!enabled)
      return;
    double seconds = llvm::TimeRecord::getCurrentTime(false).getWallTime() -
                     start.getWallTime();
    llvm::errs() << llvm::format("aicc: [%5.1fs] ", seconds) << stage << "\n";
  }

private:
  bool enabled;
  llvm::TimeRecord start;
};

} // namespace aicc

#endif // AICC_COMPILER_PIPELINE_PROGRESS_H
