//===- TileKernel.h - tiling a kernel by its schedule, all targets -*- C++
//-*-===//
//
// The pieces the CPU and GPU codegen share when they apply a kernel's
// #aicc.schedule: which op is tiled (the kernel's anchor) and tile-and-fuse
// on tensors with upstream TilingInterface transforms.
//
//===----------------------------------------------------------------------===//

#ifndef AICC_CODEGEN_COMMON_TILEKERNEL_H
#define AICC_CODEGEN_COMMON_TILEKERNEL_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/IR/PatternMatch.h"

namespace aicc {

/// Marks the op being tiled, so each level finds its tiled copy.
inline constexpr llvm::StringLiteral kAnchorAttr = "aicc.anchor";

/// The op that produces a kernel's result and is tiled: the root, or an
/// elementwise epilogue whose loops map onto the root's parallel loops.
struct KernelAnchor {
  mlir::Operation *op = nullptr;
  /// For each loop of the anchor, the root loop it walks.
  llvm::SmallVector<int64_t> anchorToRoot;
  /// The root's iterator types.
  llvm::SmallVector<mlir::utils::IteratorType> rootIterators;

  /// Tile sizes for the anchor's loops from a per-root-loop list; reduction
  /// loops of the root are not tiled (0).
  llvm::SmallVector<int64_t> tilesFor(llvm::ArrayRef<int64_t> rootTiles) const;
};

/// The anchor of `kernel`, whose root is `root`.
KernelAnchor findKernelAnchor(mlir::func::FuncOp kernel, mlir::Operation *root);

/// Tiles `op` by `tiles` (0: not tiled) with loops of `loopType`, fusing its
/// producers into the tile (those `fusionControl` accepts, if given), and
/// replaces its uses. Tiling all-zero is a no-op.
mlir::LogicalResult tileAndFuse(
    mlir::RewriterBase &rewriter, mlir::Operation *op,
    llvm::ArrayRef<int64_t> tiles,
    mlir::scf::SCFTilingOptions::LoopType loopType,
    llvm::ArrayRef<int64_t> interchange = {},
    mlir::scf::SCFTileAndFuseOptions::ControlFnTy fusionControl = nullptr);

/// Tiling computes each operand's slice from the loop ranges through the
/// indexing maps; that is only right when every map grows with the loops
/// (no negative coefficients, no div/mod), e.g. not for a reversing slice.
bool mapsGrowWithLoops(mlir::linalg::LinalgOp op);

/// The loop that the `which`-th result of `map` counted from the last walks
/// (0: the innermost), or -1 when that result is not a plain loop.
int64_t resultLoop(mlir::AffineMap map, unsigned which);

/// Whether `op`'s body is `out + a * b` (float or integer) and it has
/// reduction loops: a matmul, batched matmul or convolution in generic form.
bool isMultiplyAccumulate(mlir::linalg::LinalgOp op);

/// Tiles the loops of `op` with a non-zero entry in `tiles` (its reduction
/// loops, in practice) into scf.for loops and replaces it. `partial`: the
/// loop carries a partial result per position of the tile (combined
/// elementwise, a vector accumulator) and one reduction of it follows the
/// loop, instead of reducing each tile into the result.
mlir::LogicalResult tileReductions(mlir::RewriterBase &rewriter,
                                   mlir::Operation *op,
                                   llvm::ArrayRef<int64_t> tiles,
                                   bool partial = false);

/// One result whose body combines it with one op that has a neutral
/// element (add, max, ...): what a partial reduction needs to start its
/// accumulator and merge it. Not arg max (two results) or a cumulative sum.
bool hasSimpleCombiner(mlir::linalg::LinalgOp op);

/// Tiles the reduction loops of `kernel`'s (tiled) root, each op carrying
/// its schedule, by `rootTiles`' entries for them (parallel entries are
/// ignored): the reduction step of a thread or vector tile.
/// `partialReductions`: roots that are not multiply-accumulates keep a
/// partial result per step position (see tileReductions), so a vector step
/// along the reduction accumulates elementwise and reduces across lanes once.
mlir::LogicalResult tileRootReductions(mlir::RewriterBase &rewriter,
                                       mlir::func::FuncOp kernel,
                                       const KernelAnchor &anchor,
                                       llvm::ArrayRef<int64_t> rootTiles,
                                       bool partialReductions = false);

/// The live op of `kernel` carrying `attr` (the last one, in walk order).
mlir::Operation *findMarked(mlir::func::FuncOp kernel, llvm::StringRef attr);

/// Removes ops whose results are unused (the untiled originals).
void eraseDeadCode(mlir::RewriterBase &rewriter, mlir::func::FuncOp kernel);

} // namespace aicc

#endif // AICC_CODEGEN_COMMON_TILEKERNEL_H
