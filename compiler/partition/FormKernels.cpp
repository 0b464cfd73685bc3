//===- FormKernels.cpp - group linalg ops into kernels and outline them ---===//
//
// 1. Walk the public function's ops in order. Constants, tensor.empty and
//    reshapes stay on the host; every other op starts a group as its root,
//    unless it joins an earlier group as that group's epilogue.
// 2. A new root absorbs the fill/pad/elementwise producers that feed only it.
// 3. Each group is outlined into a private `aicc.kernel` function and
//    replaced by a call; small constants and tensor.empty are cloned into the
//    kernel, anything else it reads becomes an argument.
//
//===----------------------------------------------------------------------===//

#include "compiler/partition/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "aicc-form-kernels"

namespace aicc {
#define GEN_PASS_DEF_FORMKERNELSPASS
#include "compiler/partition/Passes.h.inc"
} // namespace aicc

using namespace mlir;
using namespace aicc;

namespace {

struct Group {
  SmallVector<Operation *> ops;
  Operation *root = nullptr;
  bool hasEpilogue = false;
  bool dead = false;      // merged into another group
  bool rowKernel = false; // row reductions and the row-wise ops after them
};

/// Ops that only name or reshape buffers; they stay in the host function.
bool isHostOp(Operation *op) {
  return isa<arith::ConstantOp, tensor::EmptyOp, tensor::ExpandShapeOp,
             tensor::CollapseShapeOp, tensor::ReshapeOp, func::ReturnOp>(op);
}

/// Values a kernel recreates instead of taking as an argument.
bool isClonedIntoKernel(Operation *op) {
  if (auto empty = dyn_cast<tensor::EmptyOp>(op))
    return empty->getNumOperands() == 0;
  auto constant = dyn_cast<arith::ConstantOp>(op);
  if (!constant)
    return false;
  auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
  return !dense || dense.isSplat() || dense.getNumElements() <= 16;
}

bool isElementwise(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.getNumLoops() == linalgOp.getNumParallelLoops();
}

StringRef describeRoot(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp)
    return op->getName().stripDialect();
  if (linalg::isaContractionOpInterface(linalgOp))
    return "contraction";
  if (linalg::isaConvolutionOpInterface(linalgOp))
    return "conv";
  if (isa<linalg::FillOp>(op))
    return "fill";
  if (linalgOp.getNumReductionLoops() > 0) {
    // Multiply-accumulate bodies with a window map are convolutions that the
    // upstream matcher does not recognize in generic form.
    return linalgOp.getNumParallelLoops() > 0 ? "reduction" : "reduce_all";
  }
  return "elementwise";
}

/// The loop ranges of a row reduction: a static linalg op with one result
/// whose only reduction loop is its last, written through the identity on
/// the other loops (the rows).
std::optional<SmallVector<int64_t>> rowReductionDomain(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || linalgOp.getNumDpsInits() != 1 ||
      linalgOp->getNumResults() != 1 || linalgOp.hasDynamicShape() ||
      linalgOp.getNumReductionLoops() != 1 ||
      linalgOp.getIteratorTypesArray().back() != utils::IteratorType::reduction)
    return std::nullopt;
  unsigned n = linalgOp.getNumLoops();
  AffineMap rows = AffineMap::getMultiDimIdentityMap(n, op->getContext())
                       .getMajorSubMap(n - 1);
  if (linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0)) != rows)
    return std::nullopt;
  return linalgOp.getStaticLoopRanges();
}

/// Whether `op` walks the rows of a row reduction over `domain`: an
/// elementwise op over the whole domain or over its rows alone (a fill of
/// the result, an epilogue of it), written through the identity, or another
/// row reduction over the same domain.
bool isRowWise(Operation *op, ArrayRef<int64_t> domain) {
  if (std::optional<SmallVector<int64_t>> other = rowReductionDomain(op))
    return *other == domain;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !isElementwise(op) || linalgOp.hasDynamicShape() ||
      linalgOp->getNumResults() != 1 ||
      !linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0))
           .isIdentity())
    return false;
  SmallVector<int64_t> ranges = linalgOp.getStaticLoopRanges();
  return ranges == domain || ranges == domain.drop_back();
}

class Partitioner {
public:
  Partitioner(Block &block, bool absorbSlices, bool absorbWindowPads)
      : block(block), absorbSlices(absorbSlices),
        absorbWindowPads(absorbWindowPads) {}

  /// Merges each row reduction's group with the later groups that read it
  /// and walk the same rows (softmax: max, exp, sum, divide), as long as
  /// only the last op's result leaves the merged group (one kernel result,
  /// and the call can replace the group where its last op was).
  void mergeRowGroups() {
    for (size_t i = 0; i < groups.size(); ++i) {
      if (groups[i].dead)
        continue;
      std::optional<SmallVector<int64_t>> domain =
          rowReductionDomain(groups[i].root);
      auto rowWise = [&](const Group &g) {
        return llvm::all_of(
            g.ops, [&](Operation *op) { return isRowWise(op, *domain); });
      };
      if (!domain || !rowWise(groups[i]))
        continue;
      llvm::SmallPtrSet<Operation *, 16> members(groups[i].ops.begin(),
                                                 groups[i].ops.end());
      SmallVector<size_t> chain = {i};
      for (size_t j = i + 1; j < groups.size(); ++j) {
        Group &h = groups[j];
        if (h.dead)
          continue;
        bool reads = llvm::any_of(h.ops, [&](Operation *op) {
          return llvm::any_of(op->getOperands(), [&](Value v) {
            return members.contains(v.getDefiningOp());
          });
        });
        if (!reads)
          continue; // unrelated: it stays a kernel of its own
        if (!rowWise(h))
          break;
        members.insert(h.ops.begin(), h.ops.end());
        chain.push_back(j);
      }
      // The longest prefix of the chain whose only escaping result is its
      // last op's.
      for (size_t k = chain.size(); k >= 2; --k) {
        SmallVector<Operation *> ops;
        for (size_t c = 0; c < k; ++c)
          llvm::append_range(ops, groups[chain[c]].ops);
        llvm::SmallPtrSet<Operation *, 16> set(ops.begin(), ops.end());
        Operation *last =
            *llvm::max_element(ops, [](Operation *a, Operation *b) {
              return a->isBeforeInBlock(b);
            });
        bool contained = llvm::all_of(ops, [&](Operation *op) {
          return op == last || llvm::all_of(op->getUsers(), [&](Operation *u) {
                   return set.contains(u);
                 });
        });
        if (!contained)
          continue;
        Group &g = groups[i];
        for (size_t c = 1; c < k; ++c) {
          Group &h = groups[chain[c]];
          for (Operation *op : h.ops)
            groupOf[op] = i;
          llvm::append_range(g.ops, h.ops);
          h.dead = true;
        }
        g.rowKernel = true;
        LLVM_DEBUG(llvm::dbgs() << "row kernel of " << k << " groups at "
                                << *g.root << "\n");
        break;
      }
    }
  }

  void run() {
    for (Operation &op : block) {
      if (isHostOp(&op) || tryJoinAsEpilogue(&op))
        continue;
      groupOf[&op] = groups.size();
      groups.push_back({{&op}, &op});
      absorbProducers(groups.size() - 1);
    }
  }

  SmallVector<Group *> liveGroups() {
    SmallVector<Group *> live;
    for (Group &g : groups)
      if (!g.dead) {
        llvm::sort(g.ops, [](Operation *a, Operation *b) {
          return a->isBeforeInBlock(b);
        });
        live.push_back(&g);
      }
    return live;
  }

private:
  /// An elementwise op joins the group of the root it reads, when the root
  /// has one result with this op as its only user and the loops map.
  bool tryJoinAsEpilogue(Operation *op) {
    if (!isElementwise(op))
      return false;
    auto consumer = cast<linalg::LinalgOp>(op);
    for (OpOperand *use : consumer.getDpsInputOperands()) {
      auto producer = use->get().getDefiningOp<linalg::LinalgOp>();
      if (!producer || !groupOf.count(producer) ||
          producer->getNumResults() != 1 || !use->get().hasOneUse())
        continue;
      Group &g = groups[groupOf[producer]];
      if (g.hasEpilogue || g.root != producer.getOperation())
        continue;
      if (failed(mapConsumerLoopsToProducer(producer, consumer, *use)))
        continue;
      LLVM_DEBUG(llvm::dbgs() << "epilogue: " << *op << "\n");
      g.ops.push_back(op);
      g.hasEpilogue = true;
      groupOf[op] = groupOf[producer];
      return true;
    }
    return false;
  }

  /// Pulls single-use producers that are cheap to recompute per tile into
  /// the group of `index`'s root.
  void absorbProducers(size_t index) {
    Operation *root = groups[index].root;
    for (OpOperand &operand : root->getOpOperands()) {
      Operation *def = operand.get().getDefiningOp();
      if (!def || !groupOf.count(def) || def->getNumResults() != 1 ||
          !operand.get().hasOneUse())
        continue;
      Group &g = groups[groupOf[def]];
      if (g.dead || g.ops.size() != 1 || g.root != def)
        continue;
      if (isa<tensor::PadOp>(def) && !absorbWindowPads &&
          !readsThroughPermutation(root, operand))
        continue;
      if (!isa<linalg::FillOp, tensor::PadOp>(def) &&
          !(absorbSlices && isa<tensor::ExtractSliceOp>(def)) &&
          !readsOncePerElement(root, operand))
        continue;
      g.dead = true;
      groups[index].ops.push_back(def);
      groupOf[def] = index;
    }
  }

  /// An elementwise producer is fused only where the root reads each of its
  /// elements once (a permutation map), so fusion does not recompute it.
  static bool readsOncePerElement(Operation *root, OpOperand &operand) {
    return isElementwise(operand.get().getDefiningOp()) &&
           readsThroughPermutation(root, operand);
  }

  static bool readsThroughPermutation(Operation *root, OpOperand &operand) {
    auto consumer = dyn_cast<linalg::LinalgOp>(root);
    return consumer &&
           consumer.getMatchingIndexingMap(&operand).isPermutation();
  }

  Block &block;
  bool absorbSlices;
  bool absorbWindowPads;
  std::vector<Group> groups;
  DenseMap<Operation *, size_t> groupOf;
};

/// Outlines `group` from `parent` into a new kernel function; returns it.
func::FuncOp outline(Group &group, func::FuncOp parent, unsigned index,
                     SymbolTable &symbols) {
  Block &block = parent.getBody().front();
  llvm::SmallPtrSet<Operation *, 8> members(group.ops.begin(), group.ops.end());
  auto inGroup = [&](Operation *op) {
    Operation *top = block.findAncestorOpInBlock(*op);
    return top && members.contains(top);
  };

  // Values read from outside the group, operands and uses inside regions.
  llvm::SetVector<Value> used;
  for (Operation *op : group.ops) {
    for (Value v : op->getOperands())
      used.insert(v);
    getUsedValuesDefinedAbove(op->getRegions(), used);
  }
  SmallVector<Value> args, cloned;
  for (Value v : used) {
    Operation *def = v.getDefiningOp();
    if (def && members.contains(def))
      continue;
    (def && isClonedIntoKernel(def) ? cloned : args).push_back(v);
  }
  SmallVector<Value> results;
  for (Operation *op : group.ops)
    for (Value r : op->getResults())
      if (llvm::any_of(r.getUsers(),
                       [&](Operation *user) { return !inGroup(user); }))
        results.push_back(r);

  // The kernel function.
  OpBuilder builder(parent.getContext());
  builder.setInsertionPointToEnd(parent->getParentOfType<ModuleOp>().getBody());
  Location loc = group.root->getLoc();
  auto type = builder.getFunctionType(ValueRange(args).getTypes(),
                                      ValueRange(results).getTypes());
  std::string name = (parent.getSymName() + "_k" + Twine(index) + "_" +
                      (group.rowKernel ? "rows" : describeRoot(group.root)))
                         .str();
  auto kernel = func::FuncOp::create(builder, loc, name, type);
  kernel.setPrivate();
  symbols.insert(kernel);
  kernel->setAttr(sched::kKernelAttr, builder.getUnitAttr());
  if (group.rowKernel)
    kernel->setAttr(sched::kRowKernelAttr, builder.getUnitAttr());
  Block *entry = kernel.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  IRMapping mapping;
  mapping.map(args, entry->getArguments());
  for (Value v : cloned)
    mapping.map(v, builder.clone(*v.getDefiningOp())->getResult(0));
  for (Operation *op : group.ops)
    builder.clone(*op, mapping);
  SmallVector<Value> returned;
  for (Value r : results)
    returned.push_back(mapping.lookup(r));
  func::ReturnOp::create(builder, loc, returned);

  // The call replaces the group where its last op was.
  builder.setInsertionPoint(group.ops.back());
  auto call = func::CallOp::create(builder, loc, kernel, args);
  for (auto [r, replacement] : llvm::zip(results, call.getResults()))
    r.replaceUsesWithIf(
        replacement, [&](OpOperand &use) { return !inGroup(use.getOwner()); });
  for (Operation *op : llvm::reverse(group.ops))
    op->erase();

  uint64_t hash = computeKernelHash(kernel);
  kernel->setAttr(sched::kKernelHashAttr,
                  builder.getStringAttr(llvm::utohexstr(hash, true, 16)));
  return kernel;
}

/// Gives each user of a fill of tensor.empty its own copy (CSE merges the
/// zero accumulators of same-shaped matmuls into one), so every root can
/// absorb its fill instead of reading a shared zeroed buffer.
void unshareFills(Block &block) {
  for (auto fill : llvm::make_early_inc_range(block.getOps<linalg::FillOp>())) {
    if (fill->getNumResults() != 1 || fill->hasOneUse() ||
        !fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>())
      continue;
    for (OpOperand &use :
         llvm::make_early_inc_range(llvm::drop_begin(fill->getUses()))) {
      OpBuilder builder(use.getOwner());
      Operation *copy = builder.clone(*fill);
      use.set(copy->getResult(0));
    }
  }
}

struct FormKernelsPass
    : public aicc::impl::FormKernelsPassBase<FormKernelsPass> {
  using FormKernelsPassBase::FormKernelsPassBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> hosts;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal() &&
          !func->hasAttr(aicc::sched::kKernelAttr))
        hosts.push_back(func);
    for (func::FuncOp host : hosts) {
      if (!host.getBody().hasOneBlock()) {
        host.emitError("aicc-form-kernels expects a single-block function");
        return signalPassFailure();
      }
      unshareFills(host.getBody().front());
      Partitioner partitioner(host.getBody().front(), absorbSlices,
                              absorbWindowPads);
      partitioner.run();
      if (fuseRows)
        partitioner.mergeRowGroups();
      unsigned index = 0;
      for (Group *group : partitioner.liveGroups())
        outline(*group, host, index++, symbols);
      // Constants and empties only the kernels used are dead now.
      for (Operation &op :
           llvm::make_early_inc_range(llvm::reverse(host.getBody().front())))
        if (isOpTriviallyDead(&op))
          op.erase();
    }
  }
};

} // namespace
