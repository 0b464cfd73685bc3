//===- GpuWarpReduce.cpp - a warp per reduction ---------------------------===//
//
// After bufferization, each reduction tiled one output per warp (a `lanes`
// schedule) gets a loop of 32 lanes. Lane l reduces elements l, l + 32,
// ... of the reduction loop into a private accumulator that starts at the
// combiner's neutral element (the elementwise producers fused into the tile
// compute just those elements); five xor shuffles give every lane the
// warp's total, which it combines with the output's initial value and
// stores (all lanes store the same value, after every lane has read the
// initial one: shuffles wait for the whole warp). Lanes read adjacent
// addresses, where one thread per output walked a row alone.
//
//===----------------------------------------------------------------------===//

#include "codegen/gpu/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace aicc {
#define GEN_PASS_DEF_GPUWARPREDUCEPASS
#include "codegen/gpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {
namespace {

/// `memref` with the dimension `map` indexes by `loop` cut to the lane's
/// elements (from `lane`, every 32nd); other dimensions whole.
Value laneSlice(RewriterBase &rw, Location loc, Value memref, AffineMap map,
                int64_t loop, Value lane) {
  SmallVector<OpFoldResult> sizes = memref::getMixedSizes(rw, loc, memref);
  SmallVector<OpFoldResult> offsets(sizes.size(), rw.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(sizes.size(), rw.getIndexAttr(1));
  std::optional<unsigned> dim =
      map.getResultPosition(rw.getAffineDimExpr(loop));
  if (!dim)
    return memref;
  Value size = getValueOrCreateConstantIndexOp(rw, loc, sizes[*dim]);
  Value left = arith::SubIOp::create(rw, loc, size, lane);
  Value count = arith::CeilDivSIOp::create(
      rw, loc, left, arith::ConstantIndexOp::create(rw, loc, kWarpSize));
  count = arith::MaxSIOp::create(rw, loc, count,
                                 arith::ConstantIndexOp::create(rw, loc, 0));
  offsets[*dim] = lane;
  sizes[*dim] = count;
  strides[*dim] = rw.getIndexAttr(kWarpSize);
  return memref::SubViewOp::create(rw, loc, memref, offsets, sizes, strides);
}

/// Clones `op` (all loops parallel, or the reduction) onto the lane's
/// slices along `loop`, replacing operand `replaced` with `with`.
void cloneOnLaneSlices(RewriterBase &rw, linalg::LinalgOp op, int64_t loop,
                       Value lane, Value replaced = Value(),
                       Value with = Value()) {
  rw.setInsertionPoint(op);
  SmallVector<Value> operands;
  for (OpOperand &operand : op->getOpOperands())
    operands.push_back(replaced && operand.get() == replaced
                           ? with
                           : laneSlice(rw, op.getLoc(), operand.get(),
                                       op.getMatchingIndexingMap(&operand),
                                       loop, lane));
  Operation *clone = rw.clone(*op);
  clone->setOperands(operands);
  rw.eraseOp(op);
}

LogicalResult splitReduction(RewriterBase &rw, linalg::LinalgOp root) {
  std::optional<WarpReduction> reduction = matchWarpReduction(root);
  if (!reduction || !root.hasPureBufferSemantics())
    return root->emitOpError("aicc-gpu-warp-reduce: not a reduction a warp "
                             "can split");
  Location loc = root.getLoc();
  // The elementwise producers fused into the tile: ops before the root in
  // its block that write a buffer the root (or another of them) reads.
  llvm::DenseMap<Value, int64_t> laneDims; // buffer -> dim of the loop
  SmallVector<std::pair<linalg::LinalgOp, int64_t>> producers;
  for (OpOperand *input : root.getDpsInputOperands())
    if (std::optional<unsigned> d =
            root.getMatchingIndexingMap(input).getResultPosition(
                rw.getAffineDimExpr(reduction->loop)))
      laneDims[input->get()] = *d;
  for (Operation *op = root->getPrevNode(); op; op = op->getPrevNode()) {
    auto producer = dyn_cast<linalg::LinalgOp>(op);
    if (!producer || producer.getNumDpsInits() != 1)
      continue;
    Value out = producer.getDpsInits()[0];
    auto it = laneDims.find(out);
    if (it == laneDims.end())
      continue;
    if (producer.getNumLoops() != producer.getNumParallelLoops())
      return op->emitOpError("aicc-gpu-warp-reduce: a producer in the tile "
                             "is not elementwise");
    AffineMap outMap =
        producer.getMatchingIndexingMap(producer.getDpsInitOperand(0));
    int64_t loop = outMap.getDimPosition(it->second);
    producers.push_back({producer, loop});
    for (OpOperand *input : producer.getDpsInputOperands())
      if (std::optional<unsigned> d =
              producer.getMatchingIndexingMap(input).getResultPosition(
                  rw.getAffineDimExpr(loop)))
        laneDims[input->get()] = *d;
  }
  Operation *first = producers.empty() ? root.getOperation()
                                       : producers.back().first.getOperation();
  FailureOr<Value> lane = addLaneLoop(rw, root, first);
  if (failed(lane))
    return failure();
  for (auto [producer, loop] : producers)
    cloneOnLaneSlices(rw, producer, loop, *lane);

  // The lane's partial result, from the neutral element.
  Value out = root.getDpsInits()[0];
  auto outType = cast<MemRefType>(out.getType());
  if (!outType.hasStaticShape() || outType.getNumElements() != 1)
    return root->emitOpError("aicc-gpu-warp-reduce: a warp computes one "
                             "output, not ")
           << outType;
  rw.setInsertionPoint(root);
  Operation *combiner = reduction->combiner;
  auto neutral =
      arith::ConstantOp::create(rw, loc, *arith::getNeutralElement(combiner));
  auto partial = memref::AllocaOp::create(
      rw, loc, MemRefType::get(outType.getShape(), outType.getElementType()));
  linalg::FillOp::create(rw, loc, ValueRange{neutral}, ValueRange{partial});
  SmallVector<Value> zeros(outType.getRank(),
                           arith::ConstantIndexOp::create(rw, loc, 0));
  Value initial = memref::LoadOp::create(rw, loc, out, zeros);
  // The root's block shape (for aicc-gpu-map-loops) moves to the partial.
  for (StringRef attr : {kGpuBlockAttr, kGpuTripsAttr})
    if (Attribute value = root->getAttr(attr))
      partial->setAttr(attr, value);
  // The combiner's kind, kept: it goes with the root's body.
  OperationName combinerName = combiner->getName();
  SmallVector<NamedAttribute> combinerAttrs(combiner->getAttrs());
  Type elementType = outType.getElementType();
  cloneOnLaneSlices(rw, root, reduction->loop, *lane, out, partial);
  Value value = memref::LoadOp::create(rw, loc, partial, zeros);
  auto combine = [&](Value a, Value b) {
    OperationState state(loc, combinerName);
    state.addOperands({a, b});
    state.addTypes(elementType);
    state.addAttributes(combinerAttrs);
    return rw.create(state)->getResult(0);
  };
  Value width = arith::ConstantIntOp::create(rw, loc, kWarpSize, 32);
  for (int64_t offset = kWarpSize / 2; offset > 0; offset /= 2) {
    Value distance = arith::ConstantIntOp::create(rw, loc, offset, 32);
    auto shuffle = gpu::ShuffleOp::create(rw, loc, value, distance, width,
                                          gpu::ShuffleMode::XOR);
    value = combine(value, shuffle.getShuffleResult());
  }
  memref::StoreOp::create(rw, loc, combine(initial, value), out, zeros);
  return success();
}

struct GpuWarpReducePass
    : public impl::GpuWarpReducePassBase<GpuWarpReducePass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> roots;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kGpuWarpReduceAttr))
        roots.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp root : roots)
      if (failed(splitReduction(rewriter, root)))
        return signalPassFailure();
  }
};

} // namespace
} // namespace aicc
