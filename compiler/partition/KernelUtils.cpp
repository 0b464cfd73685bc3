//===- KernelUtils.cpp - queries on outlined kernels
//-----------------------===//

#include "compiler/partition/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

using namespace mlir;

namespace aicc {

SmallVector<func::FuncOp> getKernels(ModuleOp module) {
  SmallVector<func::FuncOp> kernels;
  for (auto func : module.getOps<func::FuncOp>())
    if (func->hasAttr(sched::kKernelAttr))
      kernels.push_back(func);
  return kernels;
}

/// The ONNX node names in `loc`: the importer's NameLoc(node, NameLoc(model))
/// (possibly inside fused locations).
static void collectNodeNames(Location loc, llvm::SetVector<StringRef> &names) {
  loc->walk([&](Location inner) {
    if (auto name = dyn_cast<NameLoc>(inner))
      if (isa<NameLoc>(name.getChildLoc()))
        names.insert(name.getName().getValue());
    return WalkResult::advance();
  });
}

std::vector<KernelSummary> summarizeKernels(ModuleOp module) {
  std::vector<KernelSummary> summaries;
  for (func::FuncOp kernel : getKernels(module)) {
    KernelSummary summary;
    summary.symbol = kernel.getSymName().str();
    if (auto hash = kernel->getAttrOfType<StringAttr>(sched::kKernelHashAttr))
      summary.hash = hash.getValue().str();
    summary.schedule = "-";
    if (Operation *root = findKernelRoot(kernel)) {
      summary.root = root->getName().getStringRef().str();
      if (Attribute schedule = root->getAttr(sched::kScheduleAttr)) {
        llvm::raw_string_ostream os(summary.schedule = "");
        schedule.print(os);
      }
    }
    llvm::SetVector<StringRef> nodes;
    kernel.walk([&](Operation *op) {
      if (!op->hasTrait<OpTrait::ConstantLike>()) // initializers
        collectNodeNames(op->getLoc(), nodes);
    });
    for (StringRef node : nodes)
      summary.nodes.push_back(node.str());
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

static bool hasReductionLoop(TilingInterface op) {
  return llvm::is_contained(op.getLoopIteratorTypes(),
                            utils::IteratorType::reduction);
}

Operation *findKernelRoot(func::FuncOp kernel) {
  Operation *withSchedule = nullptr, *firstReduction = nullptr,
            *lastTileable = nullptr;
  kernel.walk([&](TilingInterface op) {
    if (!withSchedule && op->hasAttr(sched::kScheduleAttr))
      withSchedule = op;
    if (!firstReduction && hasReductionLoop(op))
      firstReduction = op;
    lastTileable = op;
  });
  if (withSchedule)
    return withSchedule;
  return firstReduction ? firstReduction : lastTileable;
}

FailureOr<SmallVector<int64_t>>
mapConsumerLoopsToProducer(linalg::LinalgOp producer, linalg::LinalgOp consumer,
                           OpOperand &use) {
  auto result = dyn_cast<OpResult>(use.get());
  if (!result || result.getOwner() != producer.getOperation() ||
      use.getOwner() != consumer.getOperation())
    return failure();
  if (consumer.getNumLoops() != consumer.getNumParallelLoops())
    return failure();
  AffineMap producerMap = producer.getIndexingMapMatchingResult(result);
  AffineMap consumerMap = consumer.getMatchingIndexingMap(&use);
  if (!producerMap.isProjectedPermutation() || !consumerMap.isPermutation() ||
      producerMap.getNumResults() != consumerMap.getNumResults())
    return failure();
  // Every parallel producer loop must be a result of its output map, or
  // tiling the consumer would leave part of the producer's space out.
  if (producerMap.getNumResults() != producer.getNumParallelLoops())
    return failure();
  SmallVector<int64_t> map(consumer.getNumLoops(), -1);
  for (unsigned k = 0, e = consumerMap.getNumResults(); k < e; ++k)
    map[consumerMap.getDimPosition(k)] = producerMap.getDimPosition(k);
  return map;
}

uint64_t computeKernelHash(func::FuncOp kernel) {
  // Print a copy under a fixed name, without the hash itself and without a
  // schedule (the hash is the key schedules are looked up by).
  OwningOpRef<func::FuncOp> copy = kernel.clone();
  copy->setSymName("kernel");
  copy->getOperation()->removeAttr(sched::kKernelHashAttr);
  copy->walk([](Operation *op) { op->removeAttr(sched::kScheduleAttr); });
  std::string text;
  llvm::raw_string_ostream os(text);
  OpPrintingFlags flags;
  flags.printGenericOpForm().useLocalScope();
  copy->print(os, flags);
  return llvm::xxh3_64bits(StringRef(text));
}

} // namespace aicc
