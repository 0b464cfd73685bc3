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
// A row kernel (softmax, layer norm: `aicc.gpu_rows`) runs every op of a
// row this way in one warp: elementwise ops on the lane's columns,
// reductions combined across the warp, per-row values computed by every
// lane alike.
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

/// A private buffer of a row (per thread) that only the lane's elements of
/// one dimension are used of: kept as just those, `compact` (that
/// dimension ceil(n / 32) long), with the dimension it compacts.
struct Compacted {
  Value compact;
  unsigned dim;
};
using CompactedBuffers = llvm::DenseMap<Value, Compacted>;

/// `memref` with the dimension `map` indexes by `loop` cut to the lane's
/// elements (from `lane`, every 32nd); other dimensions whole. A buffer in
/// `compacted` gives the lane's elements of its compact copy instead.
FailureOr<Value> laneSlice(RewriterBase &rw, Location loc, Value memref,
                           AffineMap map, int64_t loop, Value lane,
                           CompactedBuffers *compacted = nullptr) {
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
  sizes[*dim] = count;
  if (compacted)
    if (auto it = compacted->find(memref); it != compacted->end()) {
      if (it->second.dim != *dim)
        return memref.getDefiningOp()->emitOpError(
            "aicc-gpu-warp-reduce: a row's buffer is split along two "
            "dimensions");
      return memref::SubViewOp::create(rw, loc, it->second.compact, offsets,
                                       sizes, strides)
          .getResult();
    }
  offsets[*dim] = lane;
  strides[*dim] = rw.getIndexAttr(kWarpSize);
  return memref::SubViewOp::create(rw, loc, memref, offsets, sizes, strides)
      .getResult();
}

/// Clones `op` (all loops parallel, or the reduction) onto the lane's
/// slices along `loop`, replacing operand `replaced` with `with`.
LogicalResult cloneOnLaneSlices(RewriterBase &rw, linalg::LinalgOp op,
                                int64_t loop, Value lane,
                                Value replaced = Value(), Value with = Value(),
                                CompactedBuffers *compacted = nullptr) {
  rw.setInsertionPoint(op);
  SmallVector<Value> operands;
  for (OpOperand &operand : op->getOpOperands()) {
    if (replaced && operand.get() == replaced) {
      operands.push_back(with);
      continue;
    }
    FailureOr<Value> slice =
        laneSlice(rw, op.getLoc(), operand.get(),
                  op.getMatchingIndexingMap(&operand), loop, lane, compacted);
    if (failed(slice))
      return failure();
    operands.push_back(*slice);
  }
  Operation *clone = rw.clone(*op);
  clone->setOperands(operands);
  rw.eraseOp(op);
  return success();
}

/// The lane's share of reduction `root` (its loop `reduction.loop` split
/// every 32nd element, from a private accumulator at the combiner's neutral
/// element), combined across the warp with xor shuffles and with the
/// output's initial value, stored by every lane (the same value).
LogicalResult reduceAcrossLanes(RewriterBase &rw, linalg::LinalgOp root,
                                const WarpReduction &reduction, Value lane,
                                CompactedBuffers *compacted = nullptr) {
  Location loc = root.getLoc();
  Value out = root.getDpsInits()[0];
  auto outType = cast<MemRefType>(out.getType());
  if (!outType.hasStaticShape() || outType.getNumElements() != 1)
    return root->emitOpError("aicc-gpu-warp-reduce: a warp computes one "
                             "output, not ")
           << outType;
  rw.setInsertionPoint(root);
  Operation *combiner = reduction.combiner;
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
  if (failed(cloneOnLaneSlices(rw, root, reduction.loop, lane, out, partial,
                               compacted)))
    return failure();
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

LogicalResult splitReduction(RewriterBase &rw, linalg::LinalgOp root) {
  std::optional<WarpReduction> reduction = matchWarpReduction(root);
  if (!reduction || !root.hasPureBufferSemantics())
    return root->emitOpError("aicc-gpu-warp-reduce: not a reduction a warp "
                             "can split");
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
    if (failed(cloneOnLaneSlices(rw, producer, loop, *lane)))
      return failure();
  return reduceAcrossLanes(rw, root, *reduction, *lane);
}

/// A row kernel's tile (`last` carries aicc.gpu_rows): every op of the row
/// in order, on the lane's columns (every 32nd from the lane); reductions
/// along the columns combine across the warp, and every lane then holds
/// the row's result (it stores it itself), so no lane reads what another
/// wrote. Ops of the row without columns (per-row values: 1 / sqrt(var +
/// eps)) run whole on every lane, alike. A per-thread scratch buffer of the
/// row keeps only the lane's columns.
LogicalResult splitRows(RewriterBase &rw, linalg::LinalgOp last) {
  int64_t rows = last->getAttrOfType<IntegerAttr>(kGpuRowsAttr).getInt();
  last->removeAttr(kGpuRowsAttr);
  // The tile's first op, when tiling made no loop (a single row).
  Operation *first = last;
  for (Operation *op = last->getPrevNode(); op; op = op->getPrevNode())
    if (isa<linalg::LinalgOp, memref::AllocaOp, memref::AllocOp>(op))
      first = op;
  FailureOr<Value> lane = addLaneLoop(rw, last, first);
  if (failed(lane))
    return failure();
  // Copies of the row (bufferization's copy of the tile into the output,
  // often onto the same view) move the lane's columns only: a lane copying
  // the whole row could write back a column before another lane wrote it.
  SmallVector<memref::CopyOp> copies;
  for (Operation &op : *last->getBlock())
    if (auto copy = dyn_cast<memref::CopyOp>(&op))
      copies.push_back(copy);
  for (memref::CopyOp copy : copies) {
    auto type = cast<MemRefType>(copy.getSource().getType());
    if (type.getRank() == 0 || type.getShape().back() == 1)
      continue;
    auto from = copy.getSource().getDefiningOp<memref::SubViewOp>();
    auto to = copy.getTarget().getDefiningOp<memref::SubViewOp>();
    if (copy.getSource() == copy.getTarget() ||
        (from && to &&
         OperationEquivalence::isEquivalentTo(
             from, to, OperationEquivalence::Flags::None))) {
      rw.eraseOp(copy);
      continue;
    }
    rw.setInsertionPoint(copy);
    AffineMap id = rw.getMultiDimIdentityMap(type.getRank());
    FailureOr<Value> source = laneSlice(rw, copy.getLoc(), copy.getSource(), id,
                                        type.getRank() - 1, *lane);
    FailureOr<Value> target = laneSlice(rw, copy.getLoc(), copy.getTarget(), id,
                                        type.getRank() - 1, *lane);
    if (failed(source) || failed(target))
      return failure();
    rw.replaceOpWithNewOp<memref::CopyOp>(copy, *source, *target);
  }
  SmallVector<linalg::LinalgOp> ops;
  for (Operation &op : *last->getBlock())
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(&op))
      ops.push_back(linalgOp);
  CompactedBuffers compacted;
  auto columns = [&](linalg::LinalgOp op) -> int64_t {
    if (op.getNumLoops() <= rows)
      return 1;
    return op.getStaticLoopRanges()[rows];
  };
  for (linalg::LinalgOp op : ops) {
    if (isa<linalg::FillOp>(op) || columns(op) <= 1)
      continue; // per row: every lane alike
    if (!op.hasPureBufferSemantics())
      return op->emitOpError("aicc-gpu-warp-reduce: a row's op is not on "
                             "buffers");
    // Scratch buffers of the row this op writes keep the lane's columns.
    for (OpOperand &init : op.getDpsInitsMutable()) {
      auto alloca = init.get().getDefiningOp<memref::AllocaOp>();
      std::optional<unsigned> dim =
          op.getMatchingIndexingMap(&init).getResultPosition(
              rw.getAffineDimExpr(rows));
      if (!alloca || !dim || compacted.count(alloca) ||
          !alloca.getType().hasStaticShape())
        continue;
      SmallVector<int64_t> shape(alloca.getType().getShape());
      shape[*dim] = llvm::divideCeil(shape[*dim], kWarpSize);
      rw.setInsertionPoint(alloca);
      auto compact = memref::AllocaOp::create(
          rw, alloca.getLoc(),
          MemRefType::get(shape, alloca.getType().getElementType()));
      compacted[alloca] = {compact, *dim};
    }
    if (op.getNumReductionLoops() == 0) {
      if (failed(cloneOnLaneSlices(rw, op, rows, *lane, Value(), Value(),
                                   &compacted)))
        return failure();
      continue;
    }
    std::optional<WarpReduction> reduction = matchWarpReduction(op);
    if (!reduction || reduction->loop != rows)
      return op->emitOpError("aicc-gpu-warp-reduce: a row's reduction a "
                             "warp cannot split");
    if (failed(reduceAcrossLanes(rw, op, *reduction, *lane, &compacted)))
      return failure();
  }
  for (auto &[buffer, kept] : compacted) {
    Operation *alloca = buffer.getDefiningOp();
    for (Operation *user : llvm::make_early_inc_range(alloca->getUsers()))
      if (isa<memref::DeallocOp>(user))
        rw.eraseOp(user);
    if (!alloca->use_empty())
      return alloca->emitOpError("aicc-gpu-warp-reduce: a row's buffer is "
                                 "used whole");
    rw.eraseOp(alloca);
  }
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
    SmallVector<linalg::LinalgOp> rowTiles;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kGpuRowsAttr))
        rowTiles.push_back(op);
    });
    for (linalg::LinalgOp last : rowTiles)
      if (failed(splitRows(rewriter, last)))
        return signalPassFailure();
  }
};

} // namespace
} // namespace aicc
