//===- SchedDialect.h - the aicc dialect: kernel and schedule attrs -*- C++
//-*-===//

#ifndef AICC_DIALECTS_SCHED_IR_SCHEDDIALECT_H
#define AICC_DIALECTS_SCHED_IR_SCHEDDIALECT_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "dialects/sched/IR/SchedDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/sched/IR/SchedAttrs.h.inc"

namespace aicc::sched {

/// Discardable attribute names, all in the `aicc` dialect's namespace.
/// `aicc.kernel` (unit) marks an outlined kernel function.
inline constexpr llvm::StringLiteral kKernelAttr = "aicc.kernel";
/// `aicc.kernel_hash` (string, 16 hex digits) is the kernel's structural hash.
inline constexpr llvm::StringLiteral kKernelHashAttr = "aicc.kernel_hash";
/// `aicc.row_kernel` (unit) marks a kernel of row reductions and the
/// row-wise ops between them (softmax, layer norm), tiled along its rows.
inline constexpr llvm::StringLiteral kRowKernelAttr = "aicc.row_kernel";
/// `aicc.schedule` (#aicc.schedule) sits on a kernel's root op.
inline constexpr llvm::StringLiteral kScheduleAttr = "aicc.schedule";
/// The tensor-core instructions a schedule's `mma` may name, all
/// mma.sync accumulating in f32: m16n8k8 on f32 data rounded to tf32, and
/// m16n8k16 on f16 or bf16 data.
inline constexpr llvm::StringLiteral kMmaTf32 = "m16n8k8_tf32";
inline constexpr llvm::StringLiteral kMmaF16 = "m16n8k16_f16";
inline constexpr llvm::StringLiteral kMmaBf16 = "m16n8k16_bf16";
/// The same three on sm_90a's warpgroup instruction (wgmma.mma_async,
/// m64nNk8 / m64nNk16, N the warpgroup tile's width): both operands read
/// from shared memory, so only with `stages`.
inline constexpr llvm::StringLiteral kWgmmaTf32 = "wgmma_tf32";
inline constexpr llvm::StringLiteral kWgmmaF16 = "wgmma_f16";
inline constexpr llvm::StringLiteral kWgmmaBf16 = "wgmma_bf16";

/// The `mma` instruction for operands of `element` type (mma.sync, or with
/// `wgmma` the warpgroup one); empty when none takes them.
llvm::StringRef mmaFor(mlir::Type element, bool wgmma = false);
/// Whether `mma` names a warpgroup instruction.
inline bool isWgmma(llvm::StringRef mma) { return mma.starts_with("wgmma_"); }
/// The most shared-memory buffers an mma schedule's `stages` may ask for.
inline constexpr int64_t kMaxStages = 4;
/// The reduction step (k) of instruction `mma`.
inline int64_t mmaK(llvm::StringRef mma) {
  return mma == kMmaTf32 || mma == kWgmmaTf32 ? 8 : 16;
}
/// Rows of a warpgroup tile (wgmma's m), and the widest tile aicc emits.
inline constexpr int64_t kWgmmaM = 64;
inline constexpr int64_t kMaxWgmmaN = 256;

/// Checks `schedule` against the loops of `op` (a TilingInterface op): one
/// tile per loop, no thread-level tiling or parallelism on reductions.
mlir::LogicalResult verifyScheduleFor(mlir::Operation *op,
                                      ScheduleAttr schedule);

} // namespace aicc::sched

#endif // AICC_DIALECTS_SCHED_IR_SCHEDDIALECT_H
