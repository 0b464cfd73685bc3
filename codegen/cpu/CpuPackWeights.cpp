//===- CpuPackWeights.cpp - right-hand GEMM operands stored as panels -----===//
//
// A contraction out[..., m, n] += a[..., m, k] * w[k, n] reads w in column
// strips one register tile wide (NB columns): at each k step a strip's row
// starts N elements after the last one, so with N = 3072 floats every row is
// on a new page and the hardware prefetcher sees a 12 KiB stride. When w is
// a constant, this pass stores it as panels wp[N/NB, K, NB] at compile time
// (each strip contiguous, in k order) and computes the contraction over
// out viewed as [..., m, N/NB, NB], the panel index being one more parallel
// loop. The [..., N/NB, NB] view of a row-major [..., N] tensor is the same
// bytes, so the view back is free; it is folded into the elementwise epilogue
// that reads the result (the epilogue runs on the same 4-D loops), so the
// kernel formed later keeps its epilogue. A w computed at run time (a MatMul
// of two activations) is packed by a `linalg.pack` into the same panels when
// enough rows reuse them: one copy of w against a GEMM that would otherwise
// stream it with an N-float stride.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/TileKernel.h"
#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cstring>

#define DEBUG_TYPE "aicc-cpu-pack-weights"

namespace aicc {
#define GEN_PASS_DEF_CPUPACKWEIGHTSPASS
#include "codegen/cpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {
namespace {

/// Marks the views this pass creates, so only they are folded into their
/// consumers.
constexpr llvm::StringLiteral kPackedViewAttr = "aicc.packed_view";

/// `w` [K, N] stored as panels [N/panel, K, panel].
DenseElementsAttr packPanels(DenseIntOrFPElementsAttr w, int64_t panel) {
  auto type = cast<RankedTensorType>(w.getType());
  int64_t k = type.getDimSize(0), n = type.getDimSize(1);
  size_t bytes = type.getElementTypeBitWidth() / 8;
  ArrayRef<char> raw = w.getRawData();
  std::vector<char> packed(raw.size());
  for (int64_t j = 0; j < n / panel; ++j)
    for (int64_t kk = 0; kk < k; ++kk)
      std::memcpy(&packed[(j * k + kk) * panel * bytes],
                  &raw[(kk * n + j * panel) * bytes], panel * bytes);
  auto packedType =
      RankedTensorType::get({n / panel, k, panel}, type.getElementType());
  return DenseElementsAttr::getFromRawBuffer(packedType, packed);
}

/// `w` [K, N] as panels [N/panel, K, panel] at run time: a `linalg.pack`
/// (outer dims swapped, the columns tiled by `panel`), lowered to the copy
/// it is (pad of nothing, expand_shape, transpose) so that it forms a kernel
/// of its own like any other elementwise op.
FailureOr<Value> packAtRunTime(RewriterBase &rewriter, Location loc, Value w,
                               int64_t panel) {
  auto type = cast<RankedTensorType>(w.getType());
  int64_t k = type.getDimSize(0), n = type.getDimSize(1);
  Value dest = tensor::EmptyOp::create(rewriter, loc,
                                       ArrayRef<int64_t>{n / panel, k, panel},
                                       type.getElementType());
  auto pack = linalg::PackOp::create(
      rewriter, loc, w, dest, /*innerDimsPos=*/ArrayRef<int64_t>{1},
      /*innerTiles=*/
      ArrayRef<OpFoldResult>{rewriter.getIndexAttr(panel)},
      /*paddingValue=*/std::nullopt, /*outerDimsPerm=*/ArrayRef<int64_t>{1, 0});
  FailureOr<linalg::LowerPackResult> lowered =
      linalg::lowerPack(rewriter, pack);
  if (failed(lowered))
    return failure();
  FailureOr<linalg::GenericOp> copy =
      linalg::generalizeNamedOp(rewriter, lowered->transposeOp);
  if (failed(copy))
    return failure();
  return copy->getResult(0);
}

/// Rewrites `op` to read its right operand as panels, when it is a float
/// contraction out[..., n] += a[...] * w[k, n] with n the output's innermost
/// loop, which `a` does not read, and N a multiple of `panel` (more than one
/// panel). A constant `w` is packed at compile time; another one at run time
/// (`packAtRunTime`) when the contraction has at least `minRows` rows (the
/// other output dims) to reuse each panel and `w` is at least `minBytes`
/// (a smaller one stays in cache however it is laid out). Returns the view
/// of the new result in the old shape.
FailureOr<Value> packRhs(RewriterBase &rewriter, linalg::GenericOp op,
                         int64_t vectorBits, int64_t minRows,
                         int64_t minBytes) {
  if (!isMultiplyAccumulate(op) || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.hasIndexSemantics() ||
      !llvm::all_of(op.getIndexingMapsArray(), [](AffineMap map) {
        return map.isProjectedPermutation(/*allowZeroInResults=*/false);
      }))
    return failure();
  OpOperand *lhs = op.getDpsInputOperand(0), *rhs = op.getDpsInputOperand(1);
  OpOperand *init = op.getDpsInitOperand(0);
  auto constant = rhs->get().getDefiningOp<arith::ConstantOp>();
  auto w = constant ? dyn_cast<DenseIntOrFPElementsAttr>(constant.getValue())
                    : nullptr;
  auto outType = dyn_cast<RankedTensorType>(init->get().getType());
  if ((constant && (!w || w.isSplat())) || !outType ||
      !outType.hasStaticShape())
    return failure();
  auto wType = dyn_cast<RankedTensorType>(rhs->get().getType());
  if (!wType || !wType.hasStaticShape())
    return failure();
  Type element = wType.getElementType();
  if (wType.getRank() != 2 || !isa<FloatType>(element) ||
      outType.getElementType() != element ||
      wType.getElementTypeBitWidth() % 8 != 0)
    return failure();
  int64_t panel =
      2 * std::max<int64_t>(vectorBits / wType.getElementTypeBitWidth(), 1);
  int64_t n = wType.getDimSize(1);
  if (n % panel != 0 || n == panel)
    return failure();

  AffineMap lhsMap = op.getMatchingIndexingMap(lhs);
  AffineMap rhsMap = op.getMatchingIndexingMap(rhs);
  AffineMap outMap = op.getMatchingIndexingMap(init);
  unsigned kLoop = cast<AffineDimExpr>(rhsMap.getResult(0)).getPosition();
  unsigned nLoop = cast<AffineDimExpr>(rhsMap.getResult(1)).getPosition();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  if (iterators[kLoop] != utils::IteratorType::reduction ||
      resultLoop(outMap, 0) != static_cast<int64_t>(nLoop) ||
      lhsMap.isFunctionOfDim(nLoop))
    return failure();

  // Loop n becomes (panel index, column in panel) = (nLoop, nLoop + 1).
  MLIRContext *ctx = op.getContext();
  unsigned numLoops = op.getNumLoops() + 1;
  auto dim = [&](unsigned loop) {
    return getAffineDimExpr(loop <= nLoop ? loop : loop + 1, ctx);
  };
  SmallVector<AffineExpr> lhsResults, outResults;
  for (AffineExpr e : lhsMap.getResults())
    lhsResults.push_back(dim(cast<AffineDimExpr>(e).getPosition()));
  for (AffineExpr e : outMap.getResults()) {
    unsigned loop = cast<AffineDimExpr>(e).getPosition();
    outResults.push_back(dim(loop));
    if (loop == nLoop)
      outResults.push_back(getAffineDimExpr(nLoop + 1, ctx));
  }
  SmallVector<AffineMap> maps = {
      AffineMap::get(numLoops, 0, lhsResults, ctx),
      AffineMap::get(numLoops, 0,
                     {getAffineDimExpr(nLoop, ctx), dim(kLoop),
                      getAffineDimExpr(nLoop + 1, ctx)},
                     ctx),
      AffineMap::get(numLoops, 0, outResults, ctx)};
  iterators.insert(iterators.begin() + nLoop + 1,
                   utils::IteratorType::parallel);

  int64_t rank = outType.getRank();
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i + 1 < rank; ++i)
    groups.push_back({i});
  groups.push_back({rank - 1, rank});
  SmallVector<int64_t> panelShape(outType.getShape());
  panelShape.back() = n / panel;
  panelShape.push_back(panel);
  auto panelType = RankedTensorType::get(panelShape, element);

  if (!constant &&
      (outType.getNumElements() / n < minRows ||
       wType.getNumElements() * wType.getElementTypeBitWidth() / 8 < minBytes))
    return failure();

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value packed;
  if (constant) {
    packed = arith::ConstantOp::create(rewriter, constant.getLoc(),
                                       packPanels(w, panel));
  } else {
    FailureOr<Value> atRunTime =
        packAtRunTime(rewriter, loc, rhs->get(), panel);
    if (failed(atRunTime))
      return failure();
    packed = *atRunTime;
  }
  Value panelInit = tensor::ExpandShapeOp::create(rewriter, loc, panelType,
                                                  init->get(), groups);
  auto panelOp = linalg::GenericOp::create(
      rewriter, loc, TypeRange{panelType}, ValueRange{lhs->get(), packed},
      ValueRange{panelInit}, maps, iterators);
  rewriter.inlineRegionBefore(op.getRegion(), panelOp.getRegion(),
                              panelOp.getRegion().begin());
  auto view = tensor::CollapseShapeOp::create(rewriter, loc, outType,
                                              panelOp.getResult(0), groups);
  view->setAttr(kPackedViewAttr, rewriter.getUnitAttr());
  rewriter.replaceOp(op, view.getResult());
  if (constant && constant->use_empty())
    rewriter.eraseOp(constant);
  return view.getResult();
}

/// Folds each packed view into the elementwise ops that read it (they run
/// on the panel loops too and are viewed back instead).
LogicalResult foldViewsIntoEpilogues(Operation *root) {
  MLIRContext *ctx = root->getContext();
  RewritePatternSet patterns(ctx);
  linalg::populateFoldReshapeOpsByExpansionPatterns(
      patterns, [](OpOperand *operand) {
        auto view = operand->get().getDefiningOp<tensor::CollapseShapeOp>();
        auto consumer = dyn_cast<linalg::GenericOp>(operand->getOwner());
        return view && view->hasAttr(kPackedViewAttr) && consumer &&
               consumer.getNumLoops() == consumer.getNumParallelLoops();
      });
  linalg::FillOp::getCanonicalizationPatterns(patterns, ctx);
  tensor::EmptyOp::getCanonicalizationPatterns(patterns, ctx);
  tensor::populateFoldTensorEmptyPatterns(patterns); // reshapes of empty
  tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
  tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
  if (failed(applyPatternsGreedily(root, std::move(patterns))))
    return failure();
  root->walk(
      [](tensor::CollapseShapeOp view) { view->removeAttr(kPackedViewAttr); });
  return success();
}

struct CpuPackWeightsPass
    : public impl::CpuPackWeightsPassBase<CpuPackWeightsPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> candidates;
    getOperation()->walk(
        [&](linalg::GenericOp op) { candidates.push_back(op); });
    IRRewriter rewriter(&getContext());
    bool changed = false;
    for (linalg::GenericOp op : candidates)
      changed |=
          succeeded(packRhs(rewriter, op, vectorBits, minRows, minBytes));
    if (changed && failed(foldViewsIntoEpilogues(getOperation())))
      signalPassFailure();
  }
};

} // namespace
} // namespace aicc
