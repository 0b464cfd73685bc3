//===- CpuDefaultSchedule.cpp - the CPU schedule heuristic ----------------===//
//
// Picks a schedule per kernel root:
// 1. vector width VW = vector bits / element bits;
// 2. contractions and convolutions (multiply-accumulate roots) get a
//    register tile on the two innermost output loops: whole vectors of
//    columns (2, else 1, else the loop if short), up to 8 rows within 16
//    accumulator registers (12 where the target has 16 vector registers),
//    a unit reduction step unrolled by 4, and a thread
//    tile of up to 64 x 256 (a multiple of the register tile; rows that no
//    multiple divides split into an even number of near-equal tiles);
// 3. anything else is vectorized along its contiguous loop (the output's
//    innermost loop, or the input's innermost reduction loop; plus the
//    input's innermost loop when that is shorter than a vector), with thread
//    tiles of about 4096 elements of work (a reduction's whole reduction
//    counts) grown from the vector tile.
// Tiles divide the loop ranges where a divisor is close to the target, so
// tiles have static shapes and vectorize.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/TileKernel.h"
#include "codegen/cpu/Passes.h"
#include "compiler/partition/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "aicc-cpu-default-schedule"

namespace aicc {
#define GEN_PASS_DEF_CPUDEFAULTSCHEDULEPASS
#include "codegen/cpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {

/// `range` itself when it fits in `target`, else a divisor of `range` in
/// [target/2, target], else `target` (leaving a partial tile).
static int64_t pickTile(int64_t range, int64_t target) {
  if (range <= target)
    return range;
  for (int64_t t = target; t >= (target + 1) / 2; --t)
    if (range % t == 0)
      return t;
  return target;
}

/// The largest multiple of `step` that divides `range` and is at most
/// `limit`; when there is none, the whole range if it fits in `limit`, else
/// the largest multiple of `step` within `limit` (the last tile partial):
/// thin tiles re-read the other operand once per tile (197 rows in tiles of
/// 8 streamed ViT's FFN weights 25 times; 49 rows in tiles of 8 streamed
/// the 9 MiB filter of ResNet-50's last 3x3 convs 7 times).
static int64_t pickMultiple(int64_t range, int64_t step, int64_t limit) {
  for (int64_t k = std::max<int64_t>(limit / step, 1); k > 1; --k)
    if (range % (k * step) == 0)
      return k * step;
  if (range <= limit)
    return range;
  return std::max<int64_t>(limit / step, 1) * step;
}

/// Rows of a GEMM's thread tile: pickMultiple's, unless no multiple of
/// `step` from `limit` / 2 up to `limit` divides `range`; then an even
/// number of near-equal tiles. Threads take contiguous runs of tiles: 197
/// rows in tiles of 64 (64, 64, 64, 5) gave one of two threads 128 rows and
/// the other 69; in tiles of 56 (56, 56, 56, 29) they get 112 and 85. A
/// thread tile reads its column panels once per row tile, so few rows read
/// them more often: 196x256x2304 in 4-row register tiles as thread tiles of
/// 7 x 28 rows ran at 78 GFLOP/s, as 52, 52, 52, 40 at 89-93 (AVX2).
static int64_t pickRowTile(int64_t range, int64_t step, int64_t limit) {
  int64_t tile = pickMultiple(range, step, limit);
  if (range % tile == 0 && 2 * tile >= std::min(limit, range))
    return tile;
  int64_t tiles = llvm::divideCeil(range, limit);
  tiles += tiles % 2;
  return llvm::alignTo(llvm::divideCeil(range, tiles), step);
}

/// Whether `map` indexes with `loop` and constants only (and does use
/// `loop`): the operand is the same for every other loop's iteration.
static bool readsOnlyLoop(AffineMap map, int64_t loop) {
  return map.isFunctionOfDim(loop) &&
         llvm::all_of(map.getResults(), [&](AffineExpr e) {
           auto d = dyn_cast<AffineDimExpr>(e);
           return isa<AffineConstantExpr>(e) ||
                  (d && d.getPosition() == static_cast<unsigned>(loop));
         });
}

FailureOr<sched::ScheduleAttr> pickCpuSchedule(Operation *root,
                                               const CpuTarget &target) {
  auto op = dyn_cast<linalg::LinalgOp>(root);
  if (!op || op.getNumDpsInits() == 0 || op.hasDynamicShape())
    return failure();
  if (!mapsGrowWithLoops(op))
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  int64_t n = ranges.size();
  Type elementType = getElementTypeOrSelf(op.getDpsInits()[0].getType());
  int64_t bits = std::max<int64_t>(elementType.getIntOrFloatBitWidth(), 8);
  int64_t vw = std::max<int64_t>(target.vectorBits / bits, 1);

  SmallVector<int64_t> threadTile(n, 0), vectorTile(n, 1);
  int64_t unroll = 1;
  SmallVector<int64_t> order = llvm::to_vector(llvm::seq<int64_t>(0, n));
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  int64_t inner = resultLoop(out, 0), outer = resultLoop(out, 1);
  // Rows: the first loop of the output's results (innermost first, after the
  // columns) that the right operand does not read: m of a (batched) matmul,
  // the filter of an im2col conv. A loop before it that only the right
  // operand reads indexes column panels (aicc-cpu-pack-weights).
  int64_t panels = -1;
  if (op.getNumDpsInputs() == 2) {
    AffineMap lhs = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
    AffineMap rhs = op.getMatchingIndexingMap(op.getDpsInputOperand(1));
    for (unsigned which = 1;; ++which) {
      int64_t loop = resultLoop(out, which);
      if (loop < 0)
        break;
      if (!rhs.isFunctionOfDim(loop)) {
        outer = loop;
        break;
      }
      if (panels < 0 && !lhs.isFunctionOfDim(loop))
        panels = loop;
    }
  }

  if (isMultiplyAccumulate(op) && inner >= 0 && outer >= 0) {
    // Columns: two full vectors, else one, else the whole loop when it is
    // shorter than a vector, else two vectors with a partial last tile
    // (codegen pads it; odd vector lengths legalize badly: 49 columns as one
    // tile ran at 25 GFLOP/s). Rows: as many as keep the accumulators within
    // 16 vector registers and half of the target's, at most 8: AVX-512's 32
    // registers 8 rows of 2 vectors; AVX2's 16 registers 4 rows (8 spilled:
    // sgemm 1024^3 at 54 GFLOP/s; 6 rows, 12 accumulators, ran BERT's
    // M = 128 GEMMs at 72-80 GFLOP/s, 4 rows at 90-95, and 1024^3 at 88
    // -> 94; BERT-base 0.92x -> 1.16x onnxruntime, ResNet-50 0.95x ->
    // 0.97x, one thread on an AVX2-only EPYC).
    int64_t width = ranges[inner];
    int64_t cols = width % (2 * vw) == 0 ? 2 * vw
                   : width % vw == 0     ? vw
                   : width < vw          ? width
                                         : 2 * vw;
    int64_t regs = (cols + vw - 1) / vw;
    vectorTile[inner] = cols;
    // A partial last row tile is padded like a column one (197 rows:
    // 8-row tiles 70 GFLOP/s, 1-row tiles 19).
    int64_t accumulators =
        std::min<int64_t>(16, std::max<int64_t>(target.vectorRegisters / 2, 1));
    int64_t rows = std::clamp<int64_t>(accumulators / regs, 1, 8);
    // Rows that 8 does not divide but 7 or 6 does (ResNet-50's 7x7 = 49 and
    // 14x14 = 196 positions) take that many: 49 rows as 6 x 8 + 1 ran the
    // last row's two accumulators latency-bound at half a full tile's time.
    for (int64_t fewer = rows - 1; fewer >= 6 && ranges[outer] % rows != 0;
         --fewer)
      if (ranges[outer] % fewer == 0)
        rows = fewer;
    vectorTile[outer] = std::min(rows, ranges[outer]);
    for (int64_t i = 0; i < n; ++i)
      if (iterators[i] == utils::IteratorType::parallel)
        threadTile[i] = vectorTile[i];
    threadTile[inner] = pickMultiple(ranges[inner], vectorTile[inner], 256);
    // Packed panels: as many as make the same 256 columns.
    if (panels >= 0)
      threadTile[panels] = pickMultiple(
          ranges[panels], 1, std::max<int64_t>(256 / threadTile[inner], 1));
    threadTile[outer] = pickRowTile(ranges[outer], vectorTile[outer], 64);
    // Reduction blocks: when an unpacked right operand's slab that a thread
    // tile reads (the whole reduction times its columns) overflows half of
    // L2, the thread tile walks the reduction in blocks whose column panel
    // (block x register tile columns) fills about two thirds of L1. Without
    // it sgemm 2048^3 (B's rows 8 KiB apart) streamed each 2 MiB slab from
    // L3 once per 8 rows: 180 -> 142 ms. Packed panels are contiguous and
    // stream well; blocking them made BERT-base and ViT-B/16 7-9% slower
    // (ResNet-50 unchanged), so they are not blocked. Nor are roots without
    // a right operand (a gather contraction computes it).
    SmallVector<int64_t> reductions;
    for (int64_t i = 0; i < n; ++i)
      if (iterators[i] == utils::IteratorType::reduction)
        reductions.push_back(i);
    int64_t bytes = bits / 8;
    int64_t columns =
        threadTile[inner] * (panels >= 0 ? threadTile[panels] : 1);
    if (reductions.size() == 1 && panels < 0 && op.getNumDpsInputs() == 2) {
      int64_t k = reductions.front();
      if (ranges[k] * columns * bytes > target.l2Kb * 1024 / 2) {
        int64_t block = pickTile(
            ranges[k],
            std::max<int64_t>(target.l1Kb * 1024 * 2 / 3 / (cols * bytes), 16));
        if (block < ranges[k])
          threadTile[k] = block;
      }
    }
    // Unrolling the unit-step reduction loop by 4 hides the loop overhead
    // (measured: sgemm 1024^3 82 -> 90 GFLOP/s on Zen 5).
    unroll = 4;
    // Thread tiles walk the columns outside the rows. The threads split the
    // tiles in order, so each thread then reads its own share of the right
    // operand (the weights) instead of all of it, and rows that split
    // unevenly (ViT's 197: 56, 56, 56, 29) no longer give one thread its
    // two big row tiles across every column: ViT-B/16 on 2 threads 108 ->
    // 93 ms, 1 thread 177 -> 171 ms (medians of 5 alternated runs);
    // BERT-base, ResNet-50 and MobileNetV2 unchanged.
    order.clear();
    for (int64_t i = 0; i < n; ++i)
      if (i != outer && iterators[i] == utils::IteratorType::parallel)
        order.push_back(i);
    order.push_back(outer);
    for (int64_t i = 0; i < n; ++i)
      if (iterators[i] != utils::IteratorType::parallel)
        order.push_back(i);
  } else {
    // Vectorize the loop that walks memory contiguously.
    int64_t contiguous = inner, inputInner = -1;
    OpOperand *input =
        op.getNumDpsInputs() > 0 ? op.getDpsInputOperand(0) : nullptr;
    if (input && isa<ShapedType>(input->get().getType())) {
      inputInner = resultLoop(op.getMatchingIndexingMap(input), 0);
      if (inputInner >= n)
        inputInner = -1;
    }
    if (inputInner >= 0 &&
        iterators[inputInner] == utils::IteratorType::reduction)
      contiguous = inputInner;
    if (contiguous >= 0)
      vectorTile[contiguous] = pickTile(ranges[contiguous], 2 * vw);
    // A contiguous loop shorter than a vector (a transpose to NHWC with 3
    // channels) also takes the loop the input walks contiguously, so a tile
    // reads whole rows of the input: tiles of 3 elements gathered with a
    // stride of H*W ran at ~12 ns per element.
    if (contiguous >= 0 && ranges[contiguous] < vw && inputInner >= 0 &&
        inputInner != contiguous &&
        iterators[inputInner] == utils::IteratorType::parallel)
      vectorTile[inputInner] =
          pickTile(ranges[inputInner],
                   std::max<int64_t>(
                       llvm::PowerOf2Ceil(2 * vw / ranges[contiguous]), 1));
    // Thread tiles of about kThreadTileElements of work: the vector tile
    // grown along the output's parallel loops, innermost first. One vector
    // per thread tile paid the forall's per-iteration cost for every vector.
    // A reduction's thread tile walks its whole reduction per output element
    // (counting outputs alone put all 1536 rows of BERT's softmax in one
    // thread tile: one thread did the whole reduction).
    constexpr int64_t kThreadTileElements = 4096;
    // Operands that only the vectorized loop indexes (a depthwise conv's
    // per-tap filter slices, a bias): with several of them, a thread tile
    // takes one vector step of that loop and grows along the others, so
    // their vectors stay in registers across the whole tile instead of
    // being reloaded (from L2, with 960 channels) for every output vector.
    int64_t invariant = 0;
    if (contiguous >= 0 &&
        iterators[contiguous] == utils::IteratorType::parallel)
      invariant = llvm::count_if(op.getDpsInputOperands(), [&](OpOperand *o) {
        return readsOnlyLoop(op.getMatchingIndexingMap(o), contiguous);
      });
    // One vector, not two: nine taps' filter vectors fill nine registers
    // (MobileNetV2's 56x56x144 depthwise conv: 0.18 -> 0.13 ms with one,
    // 0.18 with two; 7x7x960: 0.037 -> 0.014 ms with either).
    bool keepVectorStep = invariant >= 2 && n >= 3;
    if (keepVectorStep)
      vectorTile[contiguous] = pickTile(ranges[contiguous], vw);
    int64_t elements = 1;
    for (int64_t i = 0; i < n; ++i)
      if (iterators[i] == utils::IteratorType::parallel) {
        threadTile[i] = vectorTile[i];
        elements *= vectorTile[i];
      } else {
        elements *= ranges[i];
      }
    for (unsigned which = 0;; ++which) {
      int64_t loop = resultLoop(out, which);
      if (loop < 0)
        break;
      if (iterators[loop] != utils::IteratorType::parallel ||
          (keepVectorStep && loop == contiguous))
        continue;
      int64_t others = elements / threadTile[loop];
      int64_t limit =
          std::max<int64_t>(kThreadTileElements / others, threadTile[loop]);
      threadTile[loop] = pickMultiple(ranges[loop], vectorTile[loop], limit);
      elements = others * threadTile[loop];
    }
  }

  SmallVector<int64_t> parallel;
  for (int64_t i = 0; i < n; ++i)
    if (iterators[i] == utils::IteratorType::parallel)
      parallel.push_back(i);
  return sched::ScheduleAttr::get(root->getContext(), threadTile, vectorTile,
                                  order, parallel, unroll, "heuristic",
                                  /*mma=*/"", /*lanes=*/0, /*stages=*/0);
}

namespace {
struct CpuDefaultSchedulePass
    : public impl::CpuDefaultSchedulePassBase<CpuDefaultSchedulePass> {
  using Base::Base;
  void runOnOperation() override {
    CpuTarget target{vectorBits, vectorRegisters, l1Kb, l2Kb};
    for (func::FuncOp kernel : getKernels(getOperation())) {
      Operation *root = findKernelRoot(kernel);
      if (!root || root->hasAttr(sched::kScheduleAttr))
        continue;
      FailureOr<sched::ScheduleAttr> schedule = pickCpuSchedule(root, target);
      if (failed(schedule)) {
        LLVM_DEBUG(llvm::dbgs() << "no schedule for " << *root << "\n");
        continue;
      }
      root->setAttr(sched::kScheduleAttr, *schedule);
    }
  }
};
} // namespace

} // namespace aicc
