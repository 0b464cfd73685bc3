//===- GpuMma.cpp - warp tiles onto tensor cores (mma.sync) ---------------===//
//
// After bufferization, each scf.forall over warp tiles (an `mma` schedule)
// gets an innermost loop of 32 lanes, and its contraction becomes a loop
// over the reduction issuing mma.sync with f32 accumulators in registers:
// m16n8k8 on f32 operands rounded to tf32 (nvgpu.mma.sync), m16n8k16 on
// f16 or bf16 operands (nvvm.mma.sync). Every lane loads its own share of
// each fragment straight from memory. PTX fixes which lane holds which
// element of a fragment (lane l: group g = l / 4, position t = l % 4):
//
//   tf32 A (16x8):  (g, t) (g+8, t) (g, t+4) (g+8, t+4)
//        B (8x8):   (t, g) (t+4, g)
//   16-bit A (16x16), in pairs per 32-bit register:
//                   (g, 2t..2t+1) (g+8, 2t..2t+1) (g, 2t+8..) (g+8, 2t+8..)
//          B (16x8): (2t..2t+1, g) (2t+8..2t+9, g)
//   C (16x8):       (g, 2t) (g, 2t+1) (g+8, 2t) (g+8, 2t+1)
//
// but not which k and n each fragment index stands for: the reduction may
// visit k in any order, and the J = WN/8 tiles of 8 columns may interleave.
// Here a lane's P fragment k indices (P = 2 for tf32: t, t+4; P = 4 for
// 16 bits: 2t, 2t+1, 2t+8, 2t+9, in that order) stand for k0 + P*t + p,
// so a lane's A elements of a row are adjacent (one 8-byte load), and
// column c of n-tile j is J*c + j (a lane's B elements of all J tiles are
// adjacent: one load of J elements). Lane l then owns rows g + 8r and the
// 2J adjacent columns from 2J*t of the warp tile. The ops after the contraction
// (the epilogue, a copy out) are cloned onto views of that share: each lane
// finishes exactly the outputs it accumulated, no lane reads what another
// wrote, and no barrier is needed.
//
// A gather contraction (an implicit-GEMM convolution, GatherContraction.h)
// has no B operand: each B element a lane needs (or, staged, a thread
// copies into shared memory) is computed by a clone of the body's index
// arithmetic and read, with the loop indices of that element; elements
// outside the tile read nothing and are zero.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/GatherContraction.h"
#include "codegen/gpu/Passes.h"

#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace aicc {
#define GEN_PASS_DEF_GPUMMAPASS
#include "codegen/gpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {
/// Ops of a warp's tile: linalg ops and copies, and the index arithmetic and
/// views between them.
static bool isTileOp(Operation *op) {
  return isa<linalg::LinalgOp, memref::CopyOp, memref::SubViewOp>(op) ||
         isPure(op);
}

/// The op after the last linalg op or copy of the run of tile ops after
/// `op` (the end of a tile that tiling made no loop for).
static Operation *tileEnd(Operation *op) {
  Operation *last = op;
  for (Operation *next = op->getNextNode();
       next && isTileOp(next) && !next->hasTrait<OpTrait::IsTerminator>();
       next = next->getNextNode())
    if (isa<linalg::LinalgOp, memref::CopyOp>(next))
      last = next;
  return last->getNextNode();
}

/// Checks that no value defined in `loop`'s body is used after it.
static LogicalResult checkNoEscapes(Operation *loop, Block *body) {
  for (Operation &o : body->without_terminator())
    for (Value result : o.getResults())
      for (Operation *user : result.getUsers())
        if (!loop->isProperAncestor(user))
          return o.emitOpError("aicc-gpu: a value of the warp's tile is "
                               "used after it");
  return success();
}

FailureOr<Value> addLaneLoop(RewriterBase &rw, Operation *op,
                             Operation *first) {
  Location loc = op->getLoc();
  auto forall = dyn_cast<scf::ForallOp>(op->getParentOp());
  if (!forall) {
    // One warp covers the whole kernel: tiling made no loop. The lanes'
    // loop wraps the tile's ops, from `first` to the last linalg op or copy
    // of the run of tile ops after `op`.
    Operation *end = tileEnd(op);
    rw.setInsertionPoint(first);
    auto lanes = scf::ForallOp::create(
        rw, loc, ArrayRef<OpFoldResult>{rw.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{rw.getIndexAttr(kWarpSize)},
        ArrayRef<OpFoldResult>{rw.getIndexAttr(1)}, ValueRange(), std::nullopt);
    Block *body = lanes.getBody();
    for (Operation *o = first, *next; o != end; o = next) {
      next = o->getNextNode();
      o->moveBefore(body->getTerminator());
    }
    if (failed(checkNoEscapes(lanes, body)))
      return failure();
    return body->getArgument(0);
  }
  if (!forall.getOutputs().empty())
    return op->emitOpError(
        "aicc-gpu: a warp's tile must sit directly in a buffer scf.forall");
  SmallVector<OpFoldResult> lbs = forall.getMixedLowerBound();
  SmallVector<OpFoldResult> ubs = forall.getMixedUpperBound();
  SmallVector<OpFoldResult> steps = forall.getMixedStep();
  lbs.push_back(rw.getIndexAttr(0));
  ubs.push_back(rw.getIndexAttr(kWarpSize));
  steps.push_back(rw.getIndexAttr(1));
  rw.setInsertionPoint(forall);
  auto lanes = scf::ForallOp::create(rw, forall.getLoc(), lbs, ubs, steps,
                                     ValueRange(), std::nullopt);
  Block *body = lanes.getBody();
  rw.eraseOp(forall.getBody()->getTerminator());
  rw.inlineBlockBefore(forall.getBody(), body->getTerminator(),
                       body->getArguments().drop_back());
  rw.eraseOp(forall);
  return body->getArguments().back();
}

namespace {

constexpr int64_t kMmaM = 16, kMmaN = 8;

/// One warp tile's contraction being rewritten, and what its lanes share.
class WarpTile {
public:
  WarpTile(RewriterBase &rewriter, linalg::LinalgOp contraction)
      : rw(rewriter), mm(contraction), loc(contraction.getLoc()) {}

  LogicalResult run();

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(rw, loc, v); }
  Value add(Value a, int64_t b) {
    return b == 0 ? a : arith::AddIOp::create(rw, loc, a, index(b));
  }
  Value lessThan(Value a, Value b) {
    return arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::slt, a, b);
  }
  Value both(Value a, Value b) {
    return !a ? b : !b ? a : arith::AndIOp::create(rw, loc, a, b);
  }
  /// a + b, where a null `a` is 0.
  Value addValues(Value a, Value b) {
    return !a ? b : arith::AddIOp::create(rw, loc, a, b).getResult();
  }
  LogicalResult addLanes();
  /// Staged: the block's threads, a loop already mapped (warp row on z,
  /// warp column on y, lane on x) around the block tile's ops.
  LogicalResult addThreads(Operation *first);
  /// Where a reduction step reads its fragments from: the warp tile's
  /// operands in global memory (bounds checks where tiles may be partial)
  /// or its view of a shared-memory stage (zero-filled: no checks).
  struct Source {
    Value a, b;
    bool checks = true;
    bool kChecks = false;
    Value kSize;
    bool aVector = false, bAlongN = false, bAlongK = false;
  };
  /// mma.sync on the kStep values of k from `kk` on: `accs` plus A x B.
  SmallVector<Value> step(Value kk, ArrayRef<Value> accs, const Source &from);
  /// An operand staged in shared memory: its block tile in global memory,
  /// the buffers, and how the block's threads copy a slice.
  struct Staged {
    Value global;
    AffineMap map;
    SmallVector<int64_t> shape; // one slice: BM/BN and BK, 1 on batch dims
    Value buffer;               // [stages] + shape, innermost padded
    int64_t vector = 1;         // elements per copy
    bool async = false;         // cp.async, else loads and stores
    unsigned rowLoop = 0;       // m or n: the slice's other loop than k
  };
  FailureOr<Staged> stage(Value global, AffineMap map);
  /// Copies slice `chunk` of `x`'s reduction into stage `stage`, zeros
  /// where out of bounds or `valid` (if given) is false.
  void copySlice(const Staged &x, Value chunk, Value stage, Value valid,
                 SmallVector<Value> &tokens);
  /// The warp's view of `x`'s stage `stage`: `base` + `extent` along the
  /// dimension loop `loop` indexes, the whole slice along the others.
  Value warpView(const Staged &x, Value stage, unsigned loop, Value base,
                 int64_t extent);
  /// The reduction through shared memory.
  FailureOr<scf::ForOp> stagedLoop(ArrayRef<Value> accs);
  /// A warp's extent along a loop of the block: `warp`, or what is left of
  /// `block` after `base` (0 to `warp`) in a partial block.
  OpFoldResult warpExtent(OpFoldResult block, Value base, int64_t warp,
                          int64_t blockTile);
  /// The indices `map` gives for `loops` (a value per loop; others at 0).
  SmallVector<Value> indicesAt(AffineMap map,
                               ArrayRef<std::pair<unsigned, Value>> loops);
  /// `memref[map(loops)]`, with loops not given at 0; zero where `inBounds`
  /// is false (null: always in bounds). A null `memref` stands for a
  /// gather contraction's B: the body's value at those loop indices.
  Value load(Value memref, AffineMap map,
             ArrayRef<std::pair<unsigned, Value>> loops, Value inBounds);
  Value toTf32(Value v);
  /// Two 16-bit elements as one 32-bit fragment register of nvvm.mma.sync.
  Value pack(Value lo, Value hi);
  /// acc + a * b on the tensor cores.
  Value mma(ArrayRef<Value> a, ArrayRef<Value> b, Value acc);
  /// Null when row `offset + g` (offset a multiple of 8) is in bounds for
  /// every lane, statically; else the check.
  Value rowCheck(int64_t offset);
  Value colCheck(Value col);
  /// Whether every lane's row `offset + g` / every column is in bounds,
  /// statically (then the checks above are null).
  bool rowsInBounds(int64_t offset);
  bool colsInBounds();
  /// How many rows (columns) of the tile a lane owns.
  OpFoldResult laneCount(bool rows);
  /// The lane's view of `memref`, indexed by `map` from loops whose m and n
  /// loops are `pm` and `pn`; other loops have one iteration.
  Value laneView(Value memref, AffineMap map, unsigned pm, unsigned pn);
  /// The lane's accumulators as a buffer view with C's dimensions.
  Value fragmentView();
  /// `count` adjacent elements along the operand's innermost dimension from
  /// `memref[map(loops)]`, as one vector load when `vector` (else scalars
  /// with `inBounds` checks, `innermostOffset` added per element).
  SmallVector<Value> loadRun(Value memref, AffineMap map,
                             ArrayRef<std::pair<unsigned, Value>> loops,
                             unsigned innermostLoop, int64_t count, bool vector,
                             function_ref<Value(int64_t)> inBounds);
  /// Whether `count` adjacent elements along the innermost dimension of
  /// `memref` (indexed by `map`, which must end with loop `loop`) load as
  /// one aligned vector, given that the index along it is a multiple of
  /// `count` and every element is in bounds.
  bool canLoadVector(Value memref, AffineMap map, unsigned loop, int64_t count);
  LogicalResult distributeUsers(bool privateC);

  RewriterBase &rw;
  linalg::LinalgOp mm;
  Location loc;
  int64_t wm = 0, wn = 0, nTiles = 0; // nTiles = J = wn / 8
  Type element;                       // of A and B: f32, f16 or bf16
  int64_t kStep = 0;                  // the instruction's k
  int64_t kPer = 0;                   // P: k indices per lane and step
  Value lane, g, t, zero;
  unsigned m = 0, n = 0, k = 0;
  SmallVector<OpFoldResult> sizes; // of the warp tile's loops
  Value c;                         // its accumulator
  AffineMap aMap, bMap, cMap;
  /// A gather contraction's B (bMap is then (k, n), the staged layout).
  std::optional<GatherContraction> gather;
  unsigned cDimM = 0, cDimN = 0; // C's dimensions that m and n index
  int64_t tilesM = 0;            // 16-row tiles of A per warp
  Value fragments;               // per-lane copy of the accumulators
  // Staged (shared-memory) schedules: the block tile, k step and buffers;
  // the warp's row and column in the block, its offset in the block tile
  // (null: 0) and the block's loop sizes.
  bool staged = false;
  int64_t bm = 0, bn = 0, bk = 0, stages = 0;
  Value warpRow, warpCol, rowBase, colBase;
  Value threadId; // in the block: (warp row, warp column, lane) linearized
  SmallVector<OpFoldResult> blockSizes;
  // wgmma (sm_90a): the tile (wm x wn) is a warpgroup's; each of its 4
  // warps owns 16 rows of it (`rowBase` is the warp's, `groupRowBase` the
  // warpgroup's), `tileThreads` its 128 threads (else a warp's 32) and
  // `tileThread` the thread's place among them.
  bool wgmma = false;
  int64_t tileThreads = kWarpSize;
  Value tileThread, groupRowBase;
  /// Rows of the tile one warp owns.
  int64_t warpRows() const { return wgmma ? kMmaM : wm; }
  int64_t blockThreads() const { return bm / wm * (bn / wn) * tileThreads; }
  /// wgmma: the staged buffer's indices for element (`row`, `kk`) of a
  /// slice (row along m or n; B's columns permuted, see stage()).
  SmallVector<Value> coreIndices(const Staged &x, Value stageIndex, Value row,
                                 Value kk);
  /// wgmma: the shared-memory matrix descriptor of `x`'s stage
  /// `stageIndex` from row `row` (a multiple of 8) and k `kk`.
  Value descriptor(const Staged &x, Value stageIndex, Value row, int64_t kk);
  /// wgmma: one slice of the reduction from stage `stageIndex`.
  Value wgmmaSlice(const Staged &a, const Staged &b, Value stageIndex,
                   Value acc);
};

LogicalResult WarpTile::addLanes() {
  // From the accumulator's fill on, when there is no loop to extend.
  Operation *first = mm;
  for (Operation *op = mm->getPrevNode(); op; op = op->getPrevNode())
    if (auto fill = dyn_cast<linalg::FillOp>(op);
        fill && fill.getOutputs()[0] == mm.getDpsInits()[0]) {
      first = op;
      break;
    }
  FailureOr<Value> laneIv = addLaneLoop(rw, mm, first);
  if (failed(laneIv))
    return failure();
  lane = *laneIv;
  return success();
}

SmallVector<Value>
WarpTile::indicesAt(AffineMap map, ArrayRef<std::pair<unsigned, Value>> loops) {
  SmallVector<Value> indices;
  for (AffineExpr e : map.getResults()) {
    Value i = zero;
    for (auto [loop, value] : loops)
      if (e == rw.getAffineDimExpr(loop))
        i = value;
    indices.push_back(i);
  }
  return indices;
}

Value WarpTile::load(Value memref, AffineMap map,
                     ArrayRef<std::pair<unsigned, Value>> loops,
                     Value inBounds) {
  // The memref's indices, or for a gather contraction every loop's (others
  // at 0); at 0 outside the tile, so that reads stay inside their buffers.
  SmallVector<Value> indices;
  if (memref) {
    indices = indicesAt(map, loops);
  } else {
    indices.assign(mm.getNumLoops(), zero);
    for (auto [loop, value] : loops)
      indices[loop] = value;
  }
  if (inBounds)
    for (Value &i : indices)
      if (i != zero)
        i = arith::SelectOp::create(rw, loc, inBounds, i, zero);
  Value v = memref ? memref::LoadOp::create(rw, loc, memref, indices)
                   : cloneGatheredValue(rw, *gather, indices);
  if (!inBounds)
    return v;
  Value fzero = arith::ConstantOp::create(rw, loc, rw.getZeroAttr(v.getType()));
  return arith::SelectOp::create(rw, loc, inBounds, v, fzero);
}

Value WarpTile::toTf32(Value v) {
  Value bits = NVVM::ConvertFloatToTF32Op::create(
      rw, loc, rw.getI32Type(), v,
      NVVM::FPRoundingModeAttr::get(rw.getContext(), NVVM::FPRoundingMode::RNA),
      NVVM::SaturationModeAttr::get(rw.getContext(),
                                    NVVM::SaturationMode::NONE),
      rw.getBoolAttr(false));
  return arith::BitcastOp::create(rw, loc, rw.getF32Type(), bits);
}

Value WarpTile::pack(Value lo, Value hi) {
  auto pair = vector::FromElementsOp::create(
      rw, loc, VectorType::get({2}, element), ValueRange{lo, hi});
  if (element.isF16())
    return pair;
  // bf16 registers are typed i32.
  Value word = vector::BitCastOp::create(
      rw, loc, VectorType::get({1}, rw.getI32Type()), pair);
  return vector::ExtractOp::create(rw, loc, word, ArrayRef<int64_t>{0});
}

Value WarpTile::mma(ArrayRef<Value> a, ArrayRef<Value> b, Value acc) {
  auto accType = cast<VectorType>(acc.getType());
  if (element.isF32()) {
    auto aType = VectorType::get({4, 1}, element);
    auto bType = VectorType::get({2, 1}, element);
    Value aFrag = vector::FromElementsOp::create(rw, loc, aType, a);
    Value bFrag = vector::FromElementsOp::create(rw, loc, bType, b);
    return nvgpu::MmaSyncOp::create(rw, loc, aFrag, bFrag, acc,
                                    ArrayRef<int64_t>{kMmaM, kMmaN, kStep},
                                    /*tf32Enabled=*/true);
  }
  // nvvm.mma.sync takes C as four scalars and returns a struct of four.
  SmallVector<Value> c;
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t e = 0; e < 2; ++e)
      c.push_back(
          vector::ExtractOp::create(rw, loc, acc, ArrayRef<int64_t>{h, e}));
  Type f32 = rw.getF32Type();
  auto resultType =
      LLVM::LLVMStructType::getLiteral(rw.getContext(), {f32, f32, f32, f32});
  NVVM::MMATypes type =
      element.isF16() ? NVVM::MMATypes::f16 : NVVM::MMATypes::bf16;
  Value d = NVVM::MmaOp::create(
      rw, loc, resultType, a, b, c, ArrayRef<int64_t>{kMmaM, kMmaN, kStep},
      /*b1Op=*/std::nullopt, /*intOverflow=*/std::nullopt,
      std::array<NVVM::MMATypes, 2>{type, type},
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                     NVVM::MMALayout::col});
  SmallVector<Value> out;
  for (int64_t i = 0; i < 4; ++i)
    out.push_back(LLVM::ExtractValueOp::create(rw, loc, d, i));
  return vector::FromElementsOp::create(rw, loc, accType, out);
}

bool WarpTile::rowsInBounds(int64_t offset) {
  std::optional<int64_t> rows = getConstantIntValue(sizes[m]);
  return rows && offset + 8 <= *rows;
}

bool WarpTile::colsInBounds() {
  std::optional<int64_t> cols = getConstantIntValue(sizes[n]);
  return cols && *cols >= wn;
}

Value WarpTile::rowCheck(int64_t offset) {
  if (rowsInBounds(offset))
    return Value();
  return lessThan(add(g, offset),
                  getValueOrCreateConstantIndexOp(rw, loc, sizes[m]));
}

Value WarpTile::colCheck(Value col) {
  if (colsInBounds())
    return Value();
  return lessThan(col, getValueOrCreateConstantIndexOp(rw, loc, sizes[n]));
}

OpFoldResult WarpTile::laneCount(bool rows) {
  OpFoldResult size = rows ? sizes[m] : sizes[n];
  std::optional<int64_t> s = getConstantIntValue(size);
  if (rows && s && *s % 8 == 0)
    return rw.getIndexAttr(*s / 8);
  if (!rows && s && *s >= wn)
    return rw.getIndexAttr(2 * nTiles);
  Value total = getValueOrCreateConstantIndexOp(rw, loc, size);
  if (rows) { // ceil((size - g) / 8), at least 0
    Value left = arith::SubIOp::create(rw, loc, total, g);
    Value count = arith::CeilDivSIOp::create(rw, loc, left, index(8));
    return arith::MaxSIOp::create(rw, loc, count, zero).getResult();
  }
  // size - 2J*t, between 0 and 2J
  Value first = arith::MulIOp::create(rw, loc, t, index(2 * nTiles));
  Value left = arith::SubIOp::create(rw, loc, total, first);
  Value count = arith::MinSIOp::create(rw, loc, left, index(2 * nTiles));
  return arith::MaxSIOp::create(rw, loc, count, zero).getResult();
}

Value WarpTile::laneView(Value memref, AffineMap map, unsigned pm,
                         unsigned pn) {
  SmallVector<OpFoldResult> offsets, counts, strides;
  for (AffineExpr r : map.getResults()) {
    auto dim = dyn_cast<AffineDimExpr>(r);
    if (dim && dim.getPosition() == pm) {
      offsets.push_back(addValues(rowBase, g));
      counts.push_back(laneCount(/*rows=*/true));
      strides.push_back(rw.getIndexAttr(8));
    } else if (dim && dim.getPosition() == pn) {
      offsets.push_back(addValues(
          colBase, arith::MulIOp::create(rw, loc, t, index(2 * nTiles))));
      counts.push_back(laneCount(/*rows=*/false));
      strides.push_back(rw.getIndexAttr(1));
    } else {
      offsets.push_back(rw.getIndexAttr(0));
      counts.push_back(rw.getIndexAttr(1));
      strides.push_back(rw.getIndexAttr(1));
    }
  }
  return memref::SubViewOp::create(rw, loc, memref, offsets, counts, strides);
}

Value WarpTile::fragmentView() {
  auto type = cast<MemRefType>(fragments.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), rw.getIndexAttr(0));
  SmallVector<OpFoldResult> counts(type.getRank(), rw.getIndexAttr(1));
  SmallVector<OpFoldResult> strides(type.getRank(), rw.getIndexAttr(1));
  counts[cDimM] = laneCount(/*rows=*/true);
  counts[cDimN] = laneCount(/*rows=*/false);
  return memref::SubViewOp::create(rw, loc, fragments, offsets, counts,
                                   strides);
}

bool WarpTile::canLoadVector(Value memref, AffineMap map, unsigned loop,
                             int64_t count) {
  if (count == 1)
    return true;
  if (!memref)
    return false; // computed elements, one at a time
  auto type = cast<MemRefType>(memref.getType());
  if (map.getNumResults() == 0 ||
      map.getResults().back() != rw.getAffineDimExpr(loop))
    return false;
  auto [strides, offset] = type.getStridesAndOffset();
  if (strides.empty() || strides.back() != 1)
    return false;
  // Every row starts aligned: static strides that count divides. The
  // tile's dynamic offset is a multiple of them (or of the warp tile).
  for (int64_t s : ArrayRef<int64_t>(strides).drop_back())
    if (ShapedType::isDynamic(s) || s % count != 0)
      return false;
  return ShapedType::isDynamic(offset) || offset % count == 0;
}

SmallVector<Value> WarpTile::loadRun(Value memref, AffineMap map,
                                     ArrayRef<std::pair<unsigned, Value>> loops,
                                     unsigned innermostLoop, int64_t count,
                                     bool vector,
                                     function_ref<Value(int64_t)> inBounds) {
  SmallVector<Value> values;
  if (vector && count > 1) {
    SmallVector<Value> indices = indicesAt(map, loops);
    Type scalar = cast<MemRefType>(memref.getType()).getElementType();
    auto type = VectorType::get({count}, scalar);
    Value v = vector::LoadOp::create(
        rw, loc, type, memref, indices,
        /*nontemporal=*/false,
        llvm::MaybeAlign(scalar.getIntOrFloatBitWidth() / 8 * count));
    for (int64_t i = 0; i < count; ++i)
      values.push_back(
          vector::ExtractOp::create(rw, loc, v, ArrayRef<int64_t>{i}));
    return values;
  }
  for (int64_t i = 0; i < count; ++i) {
    SmallVector<std::pair<unsigned, Value>> at(loops.begin(), loops.end());
    for (auto &[l, value] : at)
      if (l == innermostLoop)
        value = add(value, i);
    values.push_back(load(memref, map, at, inBounds(i)));
  }
  return values;
}

/// The ops after the contraction that touch its accumulator, or a buffer
/// one of them wrote, run per lane on the lane's share.
LogicalResult WarpTile::distributeUsers(bool privateC) {
  // Buffers the lanes share out, with the dimensions m and n index.
  llvm::DenseMap<Value, std::pair<unsigned, unsigned>> shared;
  shared[c] = {cDimM, cDimN};
  SmallVector<Operation *> after;
  for (Operation *op = mm->getNextNode(); op; op = op->getNextNode())
    after.push_back(op);
  for (Operation *op : after) {
    auto touches = [&](Value v) { return shared.count(v) != 0; };
    if (!llvm::any_of(op->getOperands(), touches))
      continue;
    if (isa<memref::DeallocOp>(op))
      continue;
    // Operands with their maps (a copy indexes both with the identity).
    SmallVector<std::pair<Value, AffineMap>> operands;
    SmallVector<Value> written;
    if (auto copy = dyn_cast<memref::CopyOp>(op)) {
      AffineMap id = rw.getMultiDimIdentityMap(
          cast<MemRefType>(copy.getTarget().getType()).getRank());
      operands = {{copy.getSource(), id}, {copy.getTarget(), id}};
      written.push_back(copy.getTarget());
    } else if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
               linalgOp &&
               linalgOp.getNumLoops() == linalgOp.getNumParallelLoops()) {
      for (OpOperand &operand : op->getOpOperands()) {
        AffineMap map = linalgOp.getMatchingIndexingMap(&operand);
        if (!map.isProjectedPermutation())
          return op->emitOpError("aicc-gpu-mma: cannot split this epilogue "
                                 "among a warp's lanes");
        operands.push_back({operand.get(), map});
      }
      for (Value init : linalgOp.getDpsInits())
        written.push_back(init);
    } else {
      return op->emitOpError("aicc-gpu-mma: unexpected use of a warp tile's "
                             "accumulator");
    }
    // The loops that walk m and n, from the first shared operand.
    unsigned pm = 0, pn = 0;
    for (auto [value, map] : operands)
      if (touches(value)) {
        auto [dm, dn] = shared[value];
        pm = map.getDimPosition(dm);
        pn = map.getDimPosition(dn);
        break;
      }
    rw.setInsertionPoint(op);
    SmallVector<Value> views;
    for (auto [value, map] : operands)
      views.push_back(privateC && value == c ? fragmentView()
                                             : laneView(value, map, pm, pn));
    Operation *clone = rw.clone(*op);
    clone->setOperands(views);
    for (auto [value, map] : operands)
      if (llvm::is_contained(written, value)) {
        std::optional<unsigned> dm =
            map.getResultPosition(rw.getAffineDimExpr(pm));
        std::optional<unsigned> dn =
            map.getResultPosition(rw.getAffineDimExpr(pn));
        if (!dm || !dn)
          return op->emitOpError("aicc-gpu-mma: an output of the epilogue "
                                 "does not span the warp tile");
        shared[value] = {*dm, *dn};
      }
    rw.eraseOp(op);
  }
  return success();
}

SmallVector<Value> WarpTile::step(Value kk, ArrayRef<Value> accsIn,
                                  const Source &from) {
  Value k0 = arith::AddIOp::create(
      rw, loc, kk, arith::MulIOp::create(rw, loc, t, index(kPer)));
  auto kCheck = [&](int64_t d) {
    return from.kChecks ? lessThan(add(k0, d), from.kSize) : Value();
  };
  auto rows = [&](int64_t offset) {
    return from.checks ? rowCheck(offset) : Value();
  };
  auto cols = [&](Value col) { return from.checks ? colCheck(col) : Value(); };
  // Lane (g, t)'s column of n-tile j.
  Value gCols = arith::MulIOp::create(rw, loc, g, index(nTiles));
  auto bColumn = [&](int64_t j) { return add(gCols, j); };
  // Fragment registers: tf32 A (g, t) (g+8, t) (g, t+4) (g+8, t+4) and B
  // (t, g) (t+4, g), i.e. k0 and k0 + 1; 16-bit A rows g, g+8 at k0..k0+1
  // and again at k0+2..k0+3, B k0..k0+1 and k0+2..k0+3.
  int64_t perRegister = element.isF32() ? 1 : 2;
  auto fragment = [&](ArrayRef<SmallVector<Value>> values) {
    SmallVector<Value> regs;
    for (int64_t r = 0; r < kPer / perRegister; ++r)
      for (const SmallVector<Value> &row : values)
        regs.push_back(perRegister == 1 ? toTf32(row[r])
                                        : pack(row[2 * r], row[2 * r + 1]));
    return regs;
  };
  SmallVector<SmallVector<Value>> aFrags, bFrags;
  for (int64_t i = 0; i < tilesM; ++i) {
    SmallVector<Value> pair[2]; // rows g and g + 8: k0 .. k0 + P - 1
    for (int h = 0; h < 2; ++h) {
      Value row = add(g, kMmaM * i + 8 * h);
      Value rc = rows(kMmaM * i + 8 * h);
      pair[h] =
          loadRun(from.a, aMap, {{m, row}, {k, k0}}, k, kPer, from.aVector,
                  [&](int64_t d) { return both(rc, kCheck(d)); });
    }
    aFrags.push_back(fragment(pair));
  }
  // B elements [j][d]: column J*g + j, k0 + d.
  SmallVector<SmallVector<Value>> bElems(nTiles);
  if (from.bAlongN || (!from.bAlongK && nTiles > 1)) {
    for (int d = 0; d < kPer; ++d) {
      Value kd = add(k0, d);
      SmallVector<Value> run =
          loadRun(from.b, bMap, {{k, kd}, {n, gCols}}, n, nTiles, from.bAlongN,
                  [&](int64_t j) { return both(cols(bColumn(j)), kCheck(d)); });
      for (int64_t j = 0; j < nTiles; ++j)
        bElems[j].push_back(run[j]);
    }
  } else {
    for (int64_t j = 0; j < nTiles; ++j) {
      Value col = bColumn(j);
      Value cc = cols(col);
      SmallVector<Value> run =
          loadRun(from.b, bMap, {{k, k0}, {n, col}}, k, kPer, from.bAlongK,
                  [&](int64_t d) { return both(cc, kCheck(d)); });
      bElems[j].append(run.begin(), run.end());
    }
  }
  for (int64_t j = 0; j < nTiles; ++j)
    bFrags.push_back(fragment({bElems[j]}));
  SmallVector<Value> next;
  for (int64_t i = 0; i < tilesM; ++i)
    for (int64_t j = 0; j < nTiles; ++j)
      next.push_back(mma(aFrags[i], bFrags[j], accsIn[i * nTiles + j]));
  return next;
}

LogicalResult WarpTile::addThreads(Operation *first) {
  auto forall = dyn_cast<scf::ForallOp>(mm->getParentOp());
  if (forall && !forall.getOutputs().empty())
    return mm->emitOpError(
        "aicc-gpu-mma: a block's tile must sit directly in a buffer "
        "scf.forall");
  // The block tile's ops: the forall's body, or (one block, no loop) the
  // run of tile ops from `first`.
  Operation *begin = forall ? &forall.getBody()->front() : first;
  Operation *end = forall ? forall.getBody()->getTerminator() : tileEnd(mm);
  rw.setInsertionPoint(begin);
  SmallVector<Value> lbs(3, index(0)), steps(3, index(1));
  SmallVector<Value> ubs = {index(bm / wm), index(bn / wn), index(tileThreads)};
  auto threads = scf::ParallelOp::create(rw, loc, lbs, ubs, steps);
  Block *body = threads.getBody();
  for (Operation *o = begin, *next; o != end; o = next) {
    next = o->getNextNode();
    o->moveBefore(body->getTerminator());
  }
  if (!forall && failed(checkNoEscapes(threads, body)))
    return failure();
  MLIRContext *ctx = rw.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(1, ctx);
  SmallVector<gpu::ParallelLoopDimMappingAttr> mapping;
  for (gpu::Processor p : {gpu::Processor::ThreadZ, gpu::Processor::ThreadY,
                           gpu::Processor::ThreadX})
    mapping.push_back(gpu::ParallelLoopDimMappingAttr::get(ctx, p, id, id));
  if (failed(gpu::setMappingAttr(threads, mapping)))
    return failure();
  warpRow = body->getArgument(0);
  warpCol = body->getArgument(1);
  tileThread = lane = body->getArgument(2);
  if (wgmma) {
    rw.setInsertionPointToStart(body);
    lane = arith::RemUIOp::create(rw, loc, tileThread, index(kWarpSize));
  }
  return success();
}

OpFoldResult WarpTile::warpExtent(OpFoldResult block, Value base, int64_t warp,
                                  int64_t blockTile) {
  if (getConstantIntValue(block) == blockTile)
    return rw.getIndexAttr(warp); // a full block: every warp a full tile
  Value left = arith::SubIOp::create(
      rw, loc, getValueOrCreateConstantIndexOp(rw, loc, block), base);
  Value atLeast0 = arith::MaxSIOp::create(rw, loc, left, zero);
  return arith::MinSIOp::create(rw, loc, atLeast0, index(warp)).getResult();
}

FailureOr<WarpTile::Staged> WarpTile::stage(Value global, AffineMap map) {
  Staged x;
  x.global = global;
  x.map = map;
  for (AffineExpr e : map.getResults()) {
    auto dim = dyn_cast<AffineDimExpr>(e);
    if (!dim)
      return mm->emitOpError("aicc-gpu-mma: a staged operand must be indexed "
                             "by loops alone");
    unsigned loop = dim.getPosition();
    x.shape.push_back(loop == m ? bm : loop == n ? bn : loop == k ? bk : 1);
    if (loop == m || loop == n)
      x.rowLoop = loop;
  }
  if (x.shape.empty())
    return mm->emitOpError("aicc-gpu-mma: a staged operand must be a buffer "
                           "of rank 1 or more");
  // Copies of up to 16 bytes along the innermost dimension, by cp.async
  // where the global rows keep every copy aligned and the block's threads
  // split the copies evenly (else one element at a time by loads and
  // stores; always for a gather contraction's computed B).
  int64_t bytes = element.getIntOrFloatBitWidth() / 8;
  int64_t threads = blockThreads();
  int64_t elements = 1;
  for (int64_t e : x.shape)
    elements *= e;
  SmallVector<int64_t> strides;
  int64_t offset = 0;
  if (global)
    std::tie(strides, offset) =
        cast<MemRefType>(global.getType()).getStridesAndOffset();
  // wgmma's buffers hold 16 bytes of k per row of a core matrix: copies
  // along another dimension go one element at a time.
  bool alongK = map.getResults().back() == rw.getAffineDimExpr(k);
  auto aligned = [&](int64_t v) {
    if (!global || (wgmma && !alongK && v != 1))
      return false;
    if (strides.back() != 1 || x.shape.back() % v != 0 ||
        (elements / v) % threads != 0)
      return false;
    for (int64_t s : ArrayRef<int64_t>(strides).drop_back())
      if (ShapedType::isDynamic(s) || s % v != 0)
        return false;
    return ShapedType::isDynamic(offset) || offset % v == 0;
  };
  for (int64_t copyBytes : {16, 8, 4})
    if (copyBytes >= bytes && aligned(copyBytes / bytes)) {
      x.vector = copyBytes / bytes;
      x.async = true;
      break;
    }
  SmallVector<int64_t> bufferShape = {stages};
  if (wgmma) {
    // Core matrices of 8 rows x 16 bytes of k, each 128 contiguous bytes,
    // k-major: [stage][row / 8][k / kc][row % 8][k % kc]. wgmma reads them
    // through descriptors: 128 bytes from one to the next along k, all of
    // a slice's k from one 8 rows to the next.
    int64_t kc = 16 / bytes;
    int64_t rows = x.rowLoop == m ? bm : bn;
    bufferShape.append({rows / 8, bk / kc, 8, kc});
  } else {
    bufferShape.append(x.shape);
    bufferShape.back() += 16 / bytes; // rows 16 bytes apart: fewer conflicts
  }
  auto space =
      gpu::AddressSpaceAttr::get(rw.getContext(), gpu::AddressSpace::Workgroup);
  x.buffer = memref::AllocOp::create(
      rw, loc,
      MemRefType::get(bufferShape, element, MemRefLayoutAttrInterface(),
                      space));
  return x;
}

void WarpTile::copySlice(const Staged &x, Value chunk, Value stageIndex,
                         Value valid, SmallVector<Value> &tokens) {
  int64_t rank = x.shape.size();
  int64_t threads = blockThreads();
  SmallVector<int64_t> grid(x.shape);
  grid.back() /= x.vector;
  int64_t copies = 1;
  for (int64_t e : grid)
    copies *= e;
  Value kBase = arith::MulIOp::create(rw, loc, chunk, index(bk));
  Value kSize = getValueOrCreateConstantIndexOp(rw, loc, blockSizes[k]);
  std::optional<int64_t> depth = getConstantIntValue(blockSizes[k]);
  bool kFull = depth && *depth % bk == 0;
  int64_t bytes = element.getIntOrFloatBitWidth() / 8;
  for (int64_t first = 0; first < copies; first += threads) {
    Value idx = add(threadId, first);
    auto emit = [&]() {
      // The copy's place in the slice, innermost dimension last.
      SmallVector<Value> coord(rank, zero);
      Value rest = idx;
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (grid[d] == 1)
          continue;
        coord[d] = arith::RemUIOp::create(rw, loc, rest, index(grid[d]));
        rest = arith::DivUIOp::create(rw, loc, rest, index(grid[d]));
      }
      if (x.vector > 1)
        coord.back() =
            arith::MulIOp::create(rw, loc, coord.back(), index(x.vector));
      // Its place in the block's operand, and how much of it is in bounds.
      SmallVector<Value> src(rank, zero);
      Value inBounds = valid, innerLeft;
      for (int64_t d = 0; d < rank; ++d) {
        unsigned loop = cast<AffineDimExpr>(x.map.getResult(d)).getPosition();
        if (loop != m && loop != n && loop != k)
          continue; // a batch dimension of one element
        src[d] =
            loop == k
                ? arith::AddIOp::create(rw, loc, kBase, coord[d]).getResult()
                : coord[d];
        Value extent;
        if (loop == k && !kFull)
          extent = kSize;
        else if (loop != k &&
                 getConstantIntValue(blockSizes[loop]).value_or(0) < x.shape[d])
          extent = getValueOrCreateConstantIndexOp(rw, loc, blockSizes[loop]);
        if (!extent)
          continue;
        if (d == rank - 1)
          innerLeft = arith::SubIOp::create(rw, loc, extent, src[d]);
        else
          inBounds = both(inBounds, lessThan(src[d], extent));
      }
      SmallVector<Value> dst = {stageIndex};
      dst.append(coord);
      if (wgmma) {
        Value row = zero, kk = zero;
        for (int64_t d = 0; d < rank; ++d) {
          unsigned loop = cast<AffineDimExpr>(x.map.getResult(d)).getPosition();
          if (loop == x.rowLoop)
            row = coord[d];
          else if (loop == k)
            kk = coord[d];
        }
        dst = coreIndices(x, stageIndex, row, kk);
      }
      if (x.async) {
        // Elements to read (the rest of the copy is zero-filled); indices
        // at 0 when there are none.
        Value count;
        if (innerLeft)
          count = arith::MinSIOp::create(
              rw, loc, arith::MaxSIOp::create(rw, loc, innerLeft, zero),
              index(x.vector));
        if (inBounds)
          count = arith::SelectOp::create(
              rw, loc, inBounds, count ? count : index(x.vector), zero);
        if (count) {
          Value any = arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::sgt,
                                            count, zero);
          for (Value &i : src)
            if (i != zero)
              i = arith::SelectOp::create(rw, loc, any, i, zero);
        }
        tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
            rw, loc, nvgpu::DeviceAsyncTokenType::get(rw.getContext()),
            x.buffer, dst, x.global, src, rw.getIndexAttr(x.vector), count,
            x.vector * bytes == 16 ? rw.getUnitAttr() : UnitAttr()));
        return;
      }
      Value ok = both(
          inBounds,
          innerLeft ? arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::sgt,
                                            innerLeft, zero)
                          .getResult()
                    : Value());
      // Each dimension's loop and index (a gather contraction's B: read
      // through the body).
      SmallVector<std::pair<unsigned, Value>> at;
      for (int64_t d = 0; d < rank; ++d)
        at.push_back(
            {cast<AffineDimExpr>(x.map.getResult(d)).getPosition(), src[d]});
      memref::StoreOp::create(rw, loc, load(x.global, x.map, at, ok), x.buffer,
                              dst);
    };
    if (first + threads <= copies) {
      emit();
      continue;
    }
    // The last round: only the threads with a copy left (loads and stores
    // only: cp.async needs every thread in every round).
    auto guard = scf::IfOp::create(rw, loc, lessThan(idx, index(copies)),
                                   /*withElseRegion=*/false);
    OpBuilder::InsertionGuard restore(rw);
    rw.setInsertionPointToStart(guard.thenBlock());
    emit();
  }
}

Value WarpTile::warpView(const Staged &x, Value stageIndex, unsigned loop,
                         Value base, int64_t extent) {
  auto type = cast<MemRefType>(x.buffer.getType());
  SmallVector<OpFoldResult> offsets = {stageIndex},
                            counts = {rw.getIndexAttr(1)};
  SmallVector<OpFoldResult> strides(type.getRank(), rw.getIndexAttr(1));
  SmallVector<int64_t> shape;
  for (auto [d, e] : llvm::enumerate(x.map.getResults())) {
    bool along = cast<AffineDimExpr>(e).getPosition() == loop;
    offsets.push_back(along ? OpFoldResult(base) : rw.getIndexAttr(0));
    shape.push_back(along ? extent : x.shape[d]);
    counts.push_back(rw.getIndexAttr(shape.back()));
  }
  MemRefType viewType = memref::SubViewOp::inferRankReducedResultType(
      shape, type, offsets, counts, strides);
  return memref::SubViewOp::create(rw, loc, viewType, x.buffer, offsets, counts,
                                   strides);
}

SmallVector<Value> WarpTile::coreIndices(const Staged &x, Value stageIndex,
                                         Value row, Value kk) {
  int64_t kc = 16 / (element.getIntOrFloatBitWidth() / 8);
  if (x.rowLoop == n) {
    // wgmma gives lane t columns 8j + 2t + e (e < 2) of each n-tile j; the
    // epilogue wants a lane's columns adjacent, as the interleaved tiles of
    // mma.sync have them: column c = 2Jt + Je + j of a warpgroup's tile is
    // stored at 8j + 2t + e, i.e. column c at 8 (c mod J) + c / J.
    Value c = arith::RemUIOp::create(rw, loc, row, index(wn));
    Value tile = arith::SubIOp::create(rw, loc, row, c);
    Value j = arith::RemUIOp::create(rw, loc, c, index(nTiles));
    Value within = arith::DivUIOp::create(rw, loc, c, index(nTiles));
    row = arith::AddIOp::create(
        rw, loc, tile,
        arith::AddIOp::create(
            rw, loc, arith::MulIOp::create(rw, loc, j, index(8)), within));
  }
  return {stageIndex, arith::DivUIOp::create(rw, loc, row, index(8)),
          arith::DivUIOp::create(rw, loc, kk, index(kc)),
          arith::RemUIOp::create(rw, loc, row, index(8)),
          arith::RemUIOp::create(rw, loc, kk, index(kc))};
}

Value WarpTile::descriptor(const Staged &x, Value stageIndex, Value row,
                           int64_t kk) {
  // Bits 0-13: the start address / 16; 16-29: the leading-dimension byte
  // offset / 16 (from one core matrix to the next along k); 32-45: the
  // stride-dimension one (to the next 8 rows); swizzle bits 62-63 at 0.
  int64_t bytes = element.getIntOrFloatBitWidth() / 8;
  int64_t kc = 16 / bytes;
  int64_t rows = x.rowLoop == m ? bm : bn;
  int64_t coreBytes = 8 * 16;
  int64_t strideBytes = bk / kc * coreBytes;
  Value offset = arith::AddIOp::create(
      rw, loc,
      arith::MulIOp::create(rw, loc, stageIndex, index(rows * bk * bytes)),
      arith::MulIOp::create(rw, loc,
                            arith::DivUIOp::create(rw, loc, row, index(8)),
                            index(strideBytes)));
  offset = add(offset, kk / kc * coreBytes);
  Value base =
      memref::ExtractAlignedPointerAsIndexOp::create(rw, loc, x.buffer);
  Type i64 = rw.getI64Type();
  Value address = arith::IndexCastUIOp::create(
      rw, loc, i64, arith::AddIOp::create(rw, loc, base, offset));
  auto constant = [&](int64_t v) {
    return arith::ConstantIntOp::create(rw, loc, i64, v);
  };
  Value start = arith::ShRUIOp::create(
      rw, loc, arith::AndIOp::create(rw, loc, address, constant(0x3FFFF)),
      constant(4));
  int64_t fixed = (coreBytes >> 4) << 16 | (strideBytes >> 4) << 32;
  return arith::OrIOp::create(rw, loc, start, constant(fixed));
}

Value WarpTile::wgmmaSlice(const Staged &a, const Staged &b, Value stageIndex,
                           Value acc) {
  MLIRContext *ctx = rw.getContext();
  NVVM::WGMMATypes type = element.isF32()   ? NVVM::WGMMATypes::tf32
                          : element.isF16() ? NVVM::WGMMATypes::f16
                                            : NVVM::WGMMATypes::bf16;
  // The accumulators are written by the previous slice's wgmma (or set
  // before the loop): fence them, issue the slice's steps, wait for them
  // (before the barrier that lets the next copies overwrite the stage).
  NVVM::WgmmaFenceAlignedOp::create(rw, loc);
  for (int64_t kk = 0; kk < bk; kk += kStep) {
    Value descA = descriptor(a, stageIndex, groupRowBase, kk);
    Value descB = descriptor(b, stageIndex, colBase, kk);
    acc = NVVM::WgmmaMmaAsyncOp::create(
        rw, loc, acc.getType(), acc, descA, descB,
        NVVM::MMAShapeAttr::get(ctx, sched::kWgmmaM, wn, kStep), type, type,
        NVVM::WGMMATypes::f32, NVVM::WGMMAScaleOut::one,
        NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one, NVVM::MMALayout::row,
        NVVM::MMALayout::col, /*satfinite=*/nullptr);
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(rw, loc);
  NVVM::WgmmaWaitGroupSyncOp::create(rw, loc, 0);
  return acc;
}

FailureOr<scf::ForOp> WarpTile::stagedLoop(ArrayRef<Value> accs) {
  FailureOr<Staged> a = stage(mm.getDpsInputs()[0], aMap);
  if (failed(a))
    return failure();
  FailureOr<Staged> b = stage(gather ? Value() : mm.getDpsInputs()[1], bMap);
  if (failed(b))
    return failure();
  int64_t shared = 0;
  for (Value buffer : {a->buffer, b->buffer}) {
    auto type = cast<MemRefType>(buffer.getType());
    shared += type.getNumElements() * element.getIntOrFloatBitWidth() / 8;
  }
  if (shared > kMaxSharedBytes)
    return mm->emitOpError("aicc-gpu-mma: ")
           << stages << " stages of a " << bm << "x" << bn << " block with k "
           << bk << " need " << shared << " bytes of shared memory (at most "
           << kMaxSharedBytes << ")";
  // Slices of the reduction, and the first stages - 1 of them in flight.
  Value kSize = getValueOrCreateConstantIndexOp(rw, loc, blockSizes[k]);
  std::optional<int64_t> depth = getConstantIntValue(blockSizes[k]);
  Value slices =
      depth ? index(llvm::divideCeil(*depth, bk))
            : arith::CeilDivSIOp::create(rw, loc, kSize, index(bk)).getResult();
  threadId = arith::AddIOp::create(
      rw, loc,
      arith::MulIOp::create(
          rw, loc,
          arith::AddIOp::create(
              rw, loc, arith::MulIOp::create(rw, loc, warpRow, index(bn / wn)),
              warpCol),
          index(tileThreads)),
      tileThread);
  bool async = a->async || b->async;
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(rw.getContext());
  auto issue = [&](Value chunk, Value stageIndex, Value valid) -> Value {
    SmallVector<Value> tokens;
    copySlice(*a, chunk, stageIndex, valid, tokens);
    copySlice(*b, chunk, stageIndex, valid, tokens);
    if (!async)
      return Value();
    return nvgpu::DeviceAsyncCreateGroupOp::create(rw, loc, tokenType, tokens);
  };
  for (int64_t p = 0; p + 1 < stages; ++p) {
    Value valid;
    if (!depth || p >= static_cast<int64_t>(llvm::divideCeil(*depth, bk)))
      valid = lessThan(index(p), slices);
    issue(index(p), index(p), valid);
  }
  // Each iteration: start slice i + stages - 1 (into the buffer slice
  // i - 1 used), wait for slice i, multiply it, and let every warp finish
  // reading before the next iteration overwrites a buffer.
  return scf::ForOp::create(
      rw, loc, zero, slices, index(1), accs,
      [&](OpBuilder &, Location, Value i, ValueRange iterAccs) {
        Value next = add(i, stages - 1);
        Value valid = stages > 1 ? lessThan(next, slices) : Value();
        Value nextStage =
            stages > 1 ? arith::RemUIOp::create(rw, loc, next, index(stages))
                             .getResult()
                       : zero;
        if (Value group = issue(next, nextStage, valid))
          nvgpu::DeviceAsyncWaitOp::create(rw, loc, group,
                                           rw.getI32IntegerAttr(stages - 1));
        // wgmma reads shared memory through the async proxy: this thread's
        // writes (cp.async, complete after the wait, or stores) are made
        // visible to it before the barrier.
        if (wgmma)
          NVVM::FenceProxyOp::create(
              rw, loc, NVVM::ProxyKind::async_shared,
              NVVM::SharedSpaceAttr::get(rw.getContext(),
                                         NVVM::SharedSpace::shared_cta));
        gpu::BarrierOp::create(rw, loc);
        Value current =
            stages > 1
                ? arith::RemUIOp::create(rw, loc, i, index(stages)).getResult()
                : zero;
        if (wgmma) {
          Value acc = wgmmaSlice(*a, *b, current, iterAccs[0]);
          gpu::BarrierOp::create(rw, loc);
          scf::YieldOp::create(rw, loc, acc);
          return;
        }
        Source from;
        from.checks = false;
        from.a = warpView(*a, current, m, rowBase, wm);
        from.b = warpView(*b, current, n, colBase, wn);
        from.aVector = canLoadVector(from.a, aMap, k, kPer);
        from.bAlongN = canLoadVector(from.b, bMap, n, nTiles);
        from.bAlongK = !from.bAlongN && canLoadVector(from.b, bMap, k, kPer);
        SmallVector<Value> values(iterAccs.begin(), iterAccs.end());
        for (int64_t kk = 0; kk < bk; kk += kStep)
          values = step(index(kk), values, from);
        gpu::BarrierOp::create(rw, loc);
        scf::YieldOp::create(rw, loc, values);
      });
}

LogicalResult WarpTile::run() {
  auto tile = mm->getAttrOfType<DenseI64ArrayAttr>(kGpuMmaAttr);
  if (!tile || (tile.size() != 5 && tile.size() != 9 && tile.size() != 10) ||
      !mm.hasPureBufferSemantics() ||
      !(linalg::isaContractionOpInterface(mm) ||
        (gather = matchGatherContraction(mm))) ||
      llvm::any_of(tile.asArrayRef().slice(2, 3), [&](int64_t loop) {
        return loop < 0 || loop >= mm.getNumLoops();
      }))
    return mm->emitOpError("aicc-gpu-mma: not a warp tile of an mma schedule");
  wm = tile[0];
  wn = tile[1];
  m = tile[2];
  n = tile[3];
  k = tile[4];
  wgmma = tile.size() == 10 && tile[9] == 1;
  if (wgmma) {
    tileThreads = 4 * kWarpSize;
    if (wm != sched::kWgmmaM || wn % kMmaN != 0 || wn > sched::kMaxWgmmaN)
      return mm->emitOpError("aicc-gpu-mma: warpgroup tile ")
             << wm << "x" << wn << " is not " << sched::kWgmmaM
             << " x a multiple of 8 up to " << sched::kMaxWgmmaN;
  } else if (tile.size() == 10 ||
             (wm % kMmaM != 0 || wn % kMmaN != 0 || wn / kMmaN > 4 ||
              !llvm::isPowerOf2_64(wn / kMmaN))) {
    return mm->emitOpError("aicc-gpu-mma: warp tile ")
           << wm << "x" << wn << " is not 16 x 8, 16, or 32";
  }
  nTiles = wn / kMmaN;
  element = getElementTypeOrSelf(mm.getDpsInputs()[0].getType());
  Type bElement = gather ? gather->b.getType()
                         : getElementTypeOrSelf(mm.getDpsInputs()[1].getType());
  if (sched::mmaFor(element).empty() || bElement != element ||
      !getElementTypeOrSelf(mm.getDpsInits()[0].getType()).isF32())
    return mm->emitOpError("aicc-gpu-mma: tensor cores take f32, f16 or bf16 "
                           "operands of one type and an f32 accumulator");
  kStep = sched::mmaK(sched::mmaFor(element));
  kPer = kStep / 4; // the 4 lanes of a group split each step's k
  if (tile.size() >= 9) {
    staged = true;
    bm = tile[5];
    bn = tile[6];
    bk = tile[7];
    stages = tile[8];
    if (bm <= 0 || bn <= 0 || bm % wm != 0 || bn % wn != 0 || bk <= 0 ||
        bk % kStep != 0 || stages < 1 || stages > sched::kMaxStages)
      return mm->emitOpError("aicc-gpu-mma: block ")
             << bm << "x" << bn << " with k step " << bk << " and " << stages
             << " stages does not fit warp tiles of " << wm << "x" << wn
             << " and k " << kStep;
  }

  // Accumulators start from a fill's value, or C's current contents.
  c = mm.getDpsInits()[0];
  linalg::FillOp fill;
  for (Operation *op = mm->getPrevNode(); op; op = op->getPrevNode())
    if (auto f = dyn_cast<linalg::FillOp>(op); f && f.getOutputs()[0] == c) {
      fill = f;
      break;
    }
  if (staged && !fill)
    return mm->emitOpError("aicc-gpu-mma: a staged schedule needs an "
                           "accumulator that starts from a fill");
  if (failed(staged ? addThreads(fill ? fill.getOperation() : mm.getOperation())
                    : addLanes()))
    return failure();

  rw.setInsertionPoint(mm);
  zero = index(0);
  g = arith::DivUIOp::create(rw, loc, lane, index(4));
  t = arith::RemUIOp::create(rw, loc, lane, index(4));
  for (Range r : mm.createLoopRanges(rw, loc))
    sizes.push_back(r.size);
  OpOperand *aOperand = mm.getDpsInputOperand(0);
  OpOperand *cOperand = mm.getDpsInitOperand(0);
  Value a = aOperand->get(), b;
  aMap = mm.getMatchingIndexingMap(aOperand);
  if (gather) {
    bMap = AffineMap::get(mm.getNumLoops(), 0,
                          {rw.getAffineDimExpr(k), rw.getAffineDimExpr(n)},
                          rw.getContext());
  } else {
    OpOperand *bOperand = mm.getDpsInputOperand(1);
    b = bOperand->get();
    bMap = mm.getMatchingIndexingMap(bOperand);
  }
  cMap = mm.getMatchingIndexingMap(cOperand);
  cDimM = *cMap.getResultPosition(rw.getAffineDimExpr(m));
  cDimN = *cMap.getResultPosition(rw.getAffineDimExpr(n));
  if (staged) {
    // The warp's tile of the block's: sizes from here on are the warp's.
    blockSizes = sizes;
    rowBase = arith::MulIOp::create(rw, loc, warpRow, index(wm));
    colBase = arith::MulIOp::create(rw, loc, warpCol, index(wn));
    if (wgmma) { // the warp's 16 rows of its warpgroup's 64
      groupRowBase = rowBase;
      Value warp =
          arith::DivUIOp::create(rw, loc, tileThread, index(kWarpSize));
      rowBase = arith::AddIOp::create(
          rw, loc, rowBase, arith::MulIOp::create(rw, loc, warp, index(kMmaM)));
    }
    sizes[m] = warpExtent(blockSizes[m], rowBase, warpRows(), bm);
    sizes[n] = warpExtent(blockSizes[n], colBase, wn, bn);
  }
  tilesM = warpRows() / kMmaM;
  // A tile statically smaller than the warp tile needs fewer A fragments.
  if (std::optional<int64_t> rows = getConstantIntValue(sizes[m]))
    tilesM = std::min<int64_t>(tilesM, llvm::divideCeil(*rows, kMmaM));
  // Lane (g, t)'s C columns 2t + e of n-tile j.
  Value tCols = arith::MulIOp::create(rw, loc, t, index(2 * nTiles));
  auto cColumn = [&](int64_t j, int e) { return add(tCols, e * nTiles + j); };

  auto accType = VectorType::get({2, 2}, rw.getF32Type());
  SmallVector<Value> accs;
  // wgmma: the warpgroup's accumulators, wn / 2 per thread, as the
  // instruction takes and returns them (d[4j + 2h + e]: row g + 8h,
  // column 8j + 2t + e of the warp's 16 rows).
  if (wgmma) {
    auto wgmmaAccType = LLVM::LLVMStructType::getLiteral(
        rw.getContext(), SmallVector<Type>(wn / 2, rw.getF32Type()));
    Value acc = LLVM::PoisonOp::create(rw, loc, wgmmaAccType);
    for (int64_t i = 0; i < wn / 2; ++i)
      acc = LLVM::InsertValueOp::create(rw, loc, acc, fill.getInputs()[0], i);
    accs.push_back(acc);
  }
  for (int64_t i = 0; i < tilesM && !wgmma; ++i)
    for (int64_t j = 0; j < nTiles; ++j) {
      if (fill) {
        accs.push_back(
            vector::BroadcastOp::create(rw, loc, accType, fill.getInputs()[0]));
        continue;
      }
      SmallVector<Value> elements;
      for (int h = 0; h < 2; ++h)
        for (int e = 0; e < 2; ++e) {
          Value row = add(g, kMmaM * i + 8 * h);
          Value col = cColumn(j, e);
          elements.push_back(
              load(c, cMap, {{m, row}, {n, col}},
                   both(rowCheck(kMmaM * i + 8 * h), colCheck(col))));
        }
      accs.push_back(
          vector::FromElementsOp::create(rw, loc, accType, elements));
    }

  scf::ForOp loop;
  if (staged) {
    FailureOr<scf::ForOp> through = stagedLoop(accs);
    if (failed(through))
      return failure();
    loop = *through;
  } else {
    // The reduction, kStep at a time (two steps per iteration where 2 kStep
    // divides it, so one step's loads overlap the other's mma), each lane
    // reading its fragments from global memory.
    std::optional<int64_t> depth = getConstantIntValue(sizes[k]);
    Source from;
    from.a = a;
    from.b = b;
    from.kChecks = !depth || *depth % kStep != 0;
    from.kSize = getValueOrCreateConstantIndexOp(rw, loc, sizes[k]);
    int64_t unroll = depth && *depth % (2 * kStep) == 0 ? 2 : 1;
    // Vector loads: a lane's P adjacent k of A (when k is A's innermost
    // dimension), its J adjacent columns of B (n innermost) or P adjacent k
    // (k innermost); only where no element needs a bounds check.
    bool fullRows = rowsInBounds(kMmaM * (tilesM - 1) + 8);
    bool fullCols = colsInBounds();
    bool unchecked = !from.kChecks && fullCols;
    from.aVector = !from.kChecks && fullRows && canLoadVector(a, aMap, k, kPer);
    from.bAlongN = unchecked && canLoadVector(b, bMap, n, nTiles);
    from.bAlongK =
        !from.bAlongN && unchecked && canLoadVector(b, bMap, k, kPer);
    loop = scf::ForOp::create(
        rw, loc, zero, from.kSize, index(kStep * unroll), accs,
        [&](OpBuilder &, Location, Value kk, ValueRange iterAccs) {
          SmallVector<Value> current(iterAccs.begin(), iterAccs.end());
          for (int64_t u = 0; u < unroll; ++u)
            current = step(add(kk, kStep * u), current, from);
          scf::YieldOp::create(rw, loc, current);
        });
  }

  // The lane's accumulators into a private buffer shaped like C, with m and
  // n cut to the lane's 2 * tilesM rows and 2J columns.
  auto cType = cast<MemRefType>(c.getType());
  for (int64_t d = 0; d < cType.getRank(); ++d)
    if (d != cDimM && d != cDimN && cType.getDimSize(d) != 1)
      return mm->emitOpError("aicc-gpu-mma: batch dimensions of a warp tile "
                             "must have one element");
  SmallVector<int64_t> shape(cType.getRank(), 1);
  shape[cDimM] = warpRows() / 8;
  shape[cDimN] = 2 * nTiles;
  rw.setInsertionPoint(mm);
  fragments = memref::AllocaOp::create(rw, loc,
                                       MemRefType::get(shape, rw.getF32Type()));
  // The block shape aicc-gpu-map-loops looks for, if the contraction
  // (about to go) carried it (staged blocks map their threads themselves).
  for (StringRef attr : {kGpuBlockAttr, kGpuTripsAttr})
    if (Attribute value = mm->getAttr(attr); value && !staged)
      fragments.getDefiningOp()->setAttr(attr, value);
  for (int64_t i = 0; i < tilesM; ++i)
    for (int64_t j = 0; j < nTiles; ++j)
      for (int h = 0; h < 2; ++h)
        for (int e = 0; e < 2; ++e) {
          SmallVector<Value> indices(shape.size(), zero);
          indices[cDimM] = index(2 * i + h);
          indices[cDimN] = index(e * nTiles + j);
          Value v =
              wgmma ? LLVM::ExtractValueOp::create(rw, loc, loop.getResult(0),
                                                   4 * j + 2 * h + e)
                          .getResult()
                    : vector::ExtractOp::create(rw, loc,
                                                loop.getResult(i * nTiles + j),
                                                ArrayRef<int64_t>{h, e})
                          .getResult();
          memref::StoreOp::create(rw, loc, v, fragments, indices);
        }

  // C private to the tile (an alloca): its users read the fragments. Else
  // each lane writes its share of C.
  bool privateC =
      c.getDefiningOp<memref::AllocaOp>() || c.getDefiningOp<memref::AllocOp>();
  if (!privateC)
    linalg::CopyOp::create(rw, loc, fragmentView(), laneView(c, cMap, m, n));
  if (failed(distributeUsers(privateC)))
    return failure();
  if (fill)
    rw.eraseOp(fill);
  rw.eraseOp(mm);
  if (privateC) {
    Operation *alloc = c.getDefiningOp();
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      if (isa<memref::DeallocOp>(user))
        rw.eraseOp(user);
    if (alloc->use_empty())
      rw.eraseOp(alloc);
  }
  return success();
}

struct GpuMmaPass : public impl::GpuMmaPassBase<GpuMmaPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> tiles;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kGpuMmaAttr))
        tiles.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : tiles)
      if (failed(WarpTile(rewriter, op).run()))
        return signalPassFailure();
  }
};

} // namespace
} // namespace aicc
