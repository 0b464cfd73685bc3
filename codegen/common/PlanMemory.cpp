//===- PlanMemory.cpp - @main's intermediates in one workspace ------------===//
//
// Liveness on @main's straight-line body (after outlining it only calls
// kernels, copies and makes views), then offsets by greedy placement: the
// largest buffer first, each at the lowest 64-byte-aligned offset where it
// overlaps no placed buffer that is live at the same time.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#define DEBUG_TYPE "aicc-plan-memory"

namespace aicc {
#define GEN_PASS_DEF_PLANMEMORYPASS
#include "codegen/common/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace {

constexpr int64_t kAlignment = 64;

struct Buffer {
  memref::AllocOp alloc;
  int64_t begin = 0, end = 0; // positions in @main's body, inclusive
  int64_t bytes = 0, offset = 0;
  SmallVector<memref::DeallocOp> deallocs;
};

/// Fills `buffer`'s live range and deallocations from the uses of its
/// allocation and of every view of it; false if a use lets it escape the
/// body's straight-line order (a return, an op in another block).
bool analyzeUses(Buffer &buffer, Block &body,
                 const DenseMap<Operation *, int64_t> &position) {
  SmallVector<Value> worklist = {buffer.alloc.getResult()};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = body.findAncestorOpInBlock(*use.getOwner());
      if (!user || isa<func::ReturnOp>(user))
        return false;
      if (auto dealloc = dyn_cast<memref::DeallocOp>(use.getOwner())) {
        buffer.deallocs.push_back(dealloc);
        continue;
      }
      buffer.end = std::max(buffer.end, position.lookup(user));
      if (auto view = dyn_cast<ViewLikeOpInterface>(use.getOwner()))
        if (view.getViewSource() == value)
          for (Value result : use.getOwner()->getResults())
            worklist.push_back(result);
    }
  }
  return true;
}

/// The lowest aligned offset where `buffer` overlaps none of `placed` that
/// is live at the same time.
int64_t lowestFreeOffset(const Buffer &buffer, ArrayRef<Buffer *> placed) {
  SmallVector<std::pair<int64_t, int64_t>> taken; // [offset, offset + bytes)
  for (const Buffer *other : placed)
    if (other->begin <= buffer.end && buffer.begin <= other->end)
      taken.emplace_back(other->offset, other->offset + other->bytes);
  llvm::sort(taken);
  int64_t offset = 0;
  for (auto [lo, hi] : taken) {
    if (offset + buffer.bytes <= lo)
      break;
    offset = std::max(offset, hi);
  }
  return offset;
}

/// A buffer that a kernel fills and @main then copies into an output
/// parameter (the model's result, written by its last kernel) is that
/// parameter: the kernel writes the caller's buffer, and the copy goes.
/// Only where the buffer itself (no view) is copied, nothing uses it after
/// the copy but its deallocation, and the parameter has no other use.
void forwardOutputCopies(Block &body) {
  for (auto copy : llvm::make_early_inc_range(body.getOps<memref::CopyOp>())) {
    auto output = dyn_cast<BlockArgument>(copy.getTarget());
    auto alloc = copy.getSource().getDefiningOp<memref::AllocOp>();
    if (!output || output.getOwner() != &body || !output.hasOneUse() ||
        !alloc || alloc->getBlock() != &body ||
        alloc.getType() != output.getType())
      continue;
    SmallVector<Operation *> deallocs;
    bool usedAfter = false;
    for (Operation *user : alloc->getUsers()) {
      if (isa<memref::DeallocOp>(user))
        deallocs.push_back(user);
      else if (user != copy && !user->isBeforeInBlock(copy))
        usedAfter = true;
    }
    if (usedAfter)
      continue;
    for (Operation *dealloc : deallocs)
      dealloc->erase();
    copy->erase();
    alloc.getResult().replaceAllUsesWith(output);
    alloc->erase();
  }
}

struct PlanMemoryPass : aicc::impl::PlanMemoryPassBase<PlanMemoryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto main = module.lookupSymbol<func::FuncOp>("main");
    if (!main || main.isExternal() || !main.getBody().hasOneBlock())
      return;
    Block &body = main.getBody().front();
    forwardOutputCopies(body);
    DenseMap<Operation *, int64_t> position;
    for (auto [i, op] : llvm::enumerate(body))
      position[&op] = i;

    DataLayout layout = DataLayout::closest(main);
    SmallVector<Buffer> buffers;
    for (auto alloc : body.getOps<memref::AllocOp>()) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
          type.getMemorySpace() || !type.getElementType().isIntOrFloat())
        continue;
      Buffer buffer;
      buffer.alloc = alloc;
      buffer.begin = buffer.end = position[alloc];
      int64_t bytes =
          type.getNumElements() * layout.getTypeSize(type.getElementType());
      buffer.bytes = llvm::alignTo(std::max<int64_t>(bytes, 1), kAlignment);
      if (analyzeUses(buffer, body, position))
        buffers.push_back(std::move(buffer));
    }

    // Place the largest first (ties: the earliest), each at the lowest free
    // offset.
    SmallVector<Buffer *> order;
    for (Buffer &buffer : buffers)
      order.push_back(&buffer);
    llvm::stable_sort(order, [](const Buffer *a, const Buffer *b) {
      return a->bytes != b->bytes ? a->bytes > b->bytes : a->begin < b->begin;
    });
    SmallVector<Buffer *> placed;
    int64_t total = 0;
    for (Buffer *buffer : order) {
      buffer->offset = lowestFreeOffset(*buffer, placed);
      total = std::max(total, buffer->offset + buffer->bytes);
      placed.push_back(buffer);
    }

    // @main takes the workspace last; allocations become views of it.
    OpBuilder b(module.getContext());
    auto workspaceType =
        MemRefType::get({ShapedType::kDynamic}, b.getIntegerType(8));
    unsigned index = main.getNumArguments();
    if (failed(main.insertArgument(
            index, workspaceType,
            b.getDictionaryAttr(
                b.getNamedAttr("aicc.name", b.getStringAttr("aicc.workspace"))),
            main.getLoc()))) {
      main.emitError("cannot add the workspace parameter");
      return signalPassFailure();
    }
    Value workspace = main.getArgument(index);
    for (Buffer &buffer : buffers) {
      b.setInsertionPoint(buffer.alloc);
      Location loc = buffer.alloc.getLoc();
      Value offset = arith::ConstantIndexOp::create(b, loc, buffer.offset);
      Value view = memref::ViewOp::create(b, loc, buffer.alloc.getType(),
                                          workspace, offset, ValueRange());
      buffer.alloc.getResult().replaceAllUsesWith(view);
      buffer.alloc.erase();
      for (memref::DeallocOp dealloc : buffer.deallocs)
        dealloc.erase();
    }
    module->setAttr(aicc::kWorkspaceBytesAttr, b.getI64IntegerAttr(total));
  }
};

} // namespace
