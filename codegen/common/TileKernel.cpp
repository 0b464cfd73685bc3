//===- TileKernel.cpp - tiling a kernel by its schedule, all targets ------===//

#include "codegen/common/TileKernel.h"
#include "compiler/partition/Passes.h"
#include "dialects/sched/IR/SchedDialect.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;

namespace aicc {

SmallVector<int64_t> KernelAnchor::tilesFor(ArrayRef<int64_t> rootTiles) const {
  SmallVector<int64_t> tiles;
  for (int64_t loop : anchorToRoot)
    tiles.push_back(rootIterators[loop] == utils::IteratorType::reduction
                        ? 0
                        : rootTiles[loop]);
  return tiles;
}

KernelAnchor findKernelAnchor(func::FuncOp kernel, Operation *root) {
  KernelAnchor anchor;
  anchor.op = root;
  anchor.rootIterators = cast<TilingInterface>(root).getLoopIteratorTypes();
  anchor.anchorToRoot = llvm::to_vector(
      llvm::seq<int64_t>(0, static_cast<int64_t>(anchor.rootIterators.size())));
  auto ret = cast<func::ReturnOp>(kernel.getBody().front().getTerminator());
  auto rootLinalg = dyn_cast<linalg::LinalgOp>(root);
  if (!rootLinalg || ret.getNumOperands() != 1 || !root->hasOneUse())
    return anchor;
  auto consumer = ret.getOperand(0).getDefiningOp<linalg::LinalgOp>();
  OpOperand &use = *root->getUses().begin();
  if (!consumer || consumer.getOperation() != use.getOwner())
    return anchor;
  if (FailureOr<SmallVector<int64_t>> map =
          mapConsumerLoopsToProducer(rootLinalg, consumer, use);
      succeeded(map)) {
    anchor.op = consumer;
    anchor.anchorToRoot = *map;
  }
  return anchor;
}

LogicalResult
tileAndFuse(RewriterBase &rewriter, Operation *op, ArrayRef<int64_t> tiles,
            scf::SCFTilingOptions::LoopType loopType,
            ArrayRef<int64_t> interchange,
            scf::SCFTileAndFuseOptions::ControlFnTy fusionControl) {
  if (llvm::all_of(tiles, [](int64_t t) { return t == 0; }))
    return success();
  scf::SCFTilingOptions tiling;
  tiling.setTileSizes(getAsIndexOpFoldResult(op->getContext(), tiles))
      .setLoopType(loopType);
  if (!interchange.empty())
    tiling.setInterchange(interchange);
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  if (fusionControl)
    options.setFusionControlFn(fusionControl);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTileAndFuseResult> result =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(op), options);
  if (failed(result))
    return op->emitOpError("could not be tiled by its schedule");
  for (OpResult r : op->getResults())
    rewriter.replaceAllUsesWith(r, result->replacements.lookup(r));
  return success();
}

static bool growsWithLoops(AffineExpr expr) {
  switch (expr.getKind()) {
  case AffineExprKind::DimId:
  case AffineExprKind::Constant:
    return true;
  case AffineExprKind::Add: {
    auto add = cast<AffineBinaryOpExpr>(expr);
    return growsWithLoops(add.getLHS()) && growsWithLoops(add.getRHS());
  }
  case AffineExprKind::Mul: {
    auto mul = cast<AffineBinaryOpExpr>(expr);
    auto constant = dyn_cast<AffineConstantExpr>(mul.getRHS());
    return constant && constant.getValue() >= 0 && growsWithLoops(mul.getLHS());
  }
  default:
    return false;
  }
}

bool mapsGrowWithLoops(linalg::LinalgOp op) {
  return llvm::all_of(op.getIndexingMapsArray(), [](AffineMap map) {
    return llvm::all_of(map.getResults(), growsWithLoops);
  });
}

int64_t resultLoop(AffineMap map, unsigned which) {
  if (map.getNumResults() <= which)
    return -1;
  auto dim =
      dyn_cast<AffineDimExpr>(map.getResult(map.getNumResults() - 1 - which));
  return dim ? dim.getPosition() : -1;
}

bool isMultiplyAccumulate(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() == 0 || op.getNumParallelLoops() < 2 ||
      op->getNumResults() != 1)
    return false;
  Block *body = op.getBlock();
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield->getNumOperands() != 1)
    return false;
  Operation *add = yield->getOperand(0).getDefiningOp();
  if (!add || !isa<arith::AddFOp, arith::AddIOp>(add))
    return false;
  Value out = body->getArguments().back();
  for (auto [acc, product] :
       {std::pair(add->getOperand(0), add->getOperand(1)),
        std::pair(add->getOperand(1), add->getOperand(0))})
    if (acc == out &&
        isa_and_nonnull<arith::MulFOp, arith::MulIOp>(product.getDefiningOp()))
      return true;
  return false;
}

LogicalResult tileReductions(RewriterBase &rewriter, Operation *op,
                             ArrayRef<int64_t> tiles, bool partial) {
  if (llvm::all_of(tiles, [](int64_t t) { return t == 0; }))
    return success();
  scf::SCFTilingOptions tiling;
  tiling.setTileSizes(getAsIndexOpFoldResult(op->getContext(), tiles));
  if (partial) {
    SmallVector<unsigned> dims;
    for (auto [i, t] : llvm::enumerate(tiles))
      if (t != 0)
        dims.push_back(i);
    tiling
        .setReductionTilingStrategy(
            ReductionTilingStrategy::PartialReductionOuterReduction)
        .setReductionDims(dims);
  }
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> result =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(op), tiling);
  if (failed(result))
    return op->emitOpError("could not tile its reduction loops");
  rewriter.replaceOp(op, result->replacements);
  return success();
}

bool hasSimpleCombiner(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1)
    return false;
  SmallVector<Operation *> combiners;
  return matchReduction(op.getRegionOutputArgs(), 0, combiners) &&
         combiners.size() == 1 &&
         arith::getNeutralElement(combiners.front()).has_value();
}

LogicalResult tileRootReductions(RewriterBase &rewriter, func::FuncOp kernel,
                                 const KernelAnchor &anchor,
                                 ArrayRef<int64_t> rootTiles,
                                 bool partialReductions) {
  SmallVector<int64_t> steps(anchor.rootIterators.size(), 0);
  for (auto [i, kind] : llvm::enumerate(anchor.rootIterators))
    if (kind == utils::IteratorType::reduction)
      steps[i] = rootTiles[i];
  // Every copy of the root: peeling a partial tile clones it.
  SmallVector<Operation *> roots;
  kernel.walk([&](Operation *op) {
    if (op->hasAttr(sched::kScheduleAttr))
      roots.push_back(op);
  });
  if (roots.empty())
    return failure();
  for (Operation *root : roots) {
    auto linalgOp = dyn_cast<linalg::LinalgOp>(root);
    bool partial = partialReductions && linalgOp &&
                   !isMultiplyAccumulate(linalgOp) &&
                   hasSimpleCombiner(linalgOp);
    if (failed(tileReductions(rewriter, root, steps, partial)))
      return failure();
  }
  eraseDeadCode(rewriter, kernel);
  return success();
}

Operation *findMarked(func::FuncOp kernel, StringRef attr) {
  Operation *found = nullptr;
  kernel.walk([&](Operation *op) {
    if (op->hasAttr(attr))
      found = op;
  });
  return found;
}

void eraseDeadCode(RewriterBase &rewriter, func::FuncOp kernel) {
  (void)runRegionDCE(rewriter, kernel->getRegions());
}

} // namespace aicc
