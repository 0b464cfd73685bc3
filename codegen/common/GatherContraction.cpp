//===- GatherContraction.cpp - contractions with a computed operand -------===//

#include "codegen/common/GatherContraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace aicc {

std::optional<GatherContraction> matchGatherContraction(Operation *op) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 || generic.getNumResults() > 1)
    return std::nullopt;
  Block &body = generic.getRegion().front();
  Value in = body.getArgument(0), acc = body.getArgument(1);
  if (!isa<FloatType>(in.getType()) || !isa<FloatType>(acc.getType()))
    return std::nullopt;
  auto add = cast<linalg::YieldOp>(body.getTerminator())
                 .getOperand(0)
                 .getDefiningOp<arith::AddFOp>();
  if (!add || (add.getLhs() != acc && add.getRhs() != acc))
    return std::nullopt;
  auto mul = (add.getLhs() == acc ? add.getRhs() : add.getLhs())
                 .getDefiningOp<arith::MulFOp>();
  if (!mul)
    return std::nullopt;
  auto unextended = [](Value v) {
    if (auto ext = v.getDefiningOp<arith::ExtFOp>())
      return ext.getIn();
    return v;
  };
  Value lhs = unextended(mul.getLhs()), rhs = unextended(mul.getRhs());
  GatherContraction g;
  g.b = lhs == in ? rhs : rhs == in ? lhs : Value();
  if (!g.b || g.b.getType() != in.getType() || g.b == in)
    return std::nullopt;

  // b's producers in the body: pure ops and reads, no block argument.
  llvm::SetVector<Operation *> slice;
  SmallVector<Value> worklist = {g.b};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (arg.getOwner() == &body)
        return std::nullopt;
      continue;
    }
    Operation *def = v.getDefiningOp();
    if (def->getBlock() != &body || slice.contains(def))
      continue;
    if (def->getNumRegions() != 0 ||
        !(isPure(def) || isa<tensor::ExtractOp, memref::LoadOp>(def)))
      return std::nullopt;
    slice.insert(def);
    llvm::append_range(worklist, def->getOperands());
  }
  g.bSlice = slice.takeVector();
  llvm::sort(g.bSlice,
             [](Operation *x, Operation *y) { return x->isBeforeInBlock(y); });

  // Loops: m in the input and the output, k in the input only (reduction),
  // n in the output only.
  AffineMap aMap = generic.getIndexingMapsArray()[0];
  AffineMap cMap = generic.getIndexingMapsArray()[1];
  if (!aMap.isProjectedPermutation() || !cMap.isProjectedPermutation())
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = generic.getIteratorTypesArray();
  for (unsigned d = 0, e = generic.getNumLoops(); d < e; ++d) {
    bool inA = aMap.isFunctionOfDim(d), inC = cMap.isFunctionOfDim(d);
    bool parallel = iterators[d] == utils::IteratorType::parallel;
    if (inA && inC && parallel)
      g.m.push_back(d);
    else if (inA && !inC && !parallel)
      g.k.push_back(d);
    else if (!inA && inC && parallel)
      g.n.push_back(d);
    else
      return std::nullopt;
  }
  if (g.m.empty() || g.n.empty() || g.k.empty())
    return std::nullopt;
  return g;
}

Value cloneGatheredValue(OpBuilder &builder, const GatherContraction &g,
                         ArrayRef<Value> indices) {
  IRMapping mapping;
  for (Operation *op : g.bSlice) {
    if (auto index = dyn_cast<linalg::IndexOp>(op)) {
      mapping.map(index.getResult(), indices[index.getDim()]);
      continue;
    }
    builder.clone(*op, mapping);
  }
  return mapping.lookup(g.b);
}

} // namespace aicc
