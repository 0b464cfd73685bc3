//===- GraphDialect.cpp - aicc graph dialect registration -----------------===//

#include "dialects/graph/IR/GraphDialect.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace aicc::graph;

#include "dialects/graph/IR/GraphDialect.cpp.inc"

void GraphDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/graph/IR/GraphOps.cpp.inc"
      >();
}

Operation *GraphDialect::materializeConstant(OpBuilder &builder,
                                             Attribute value, Type type,
                                             Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}
