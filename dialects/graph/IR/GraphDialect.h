//===- GraphDialect.h - aicc graph dialect ----------------------*- C++ -*-===//
//
// Declares the graph dialect and its operations.
//
//===----------------------------------------------------------------------===//

#ifndef AICC_DIALECTS_GRAPH_IR_GRAPHDIALECT_H
#define AICC_DIALECTS_GRAPH_IR_GRAPHDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/graph/IR/GraphDialect.h.inc"

namespace aicc::graph {
/// Marks ops that apply one scalar function per element (operands broadcast
/// numpy-style); see Graph_Elementwise in GraphBase.td.
template <typename ConcreteType>
class ElementwiseMapping
    : public mlir::OpTrait::TraitBase<ConcreteType, ElementwiseMapping> {};
} // namespace aicc::graph

#define GET_OP_CLASSES
#include "dialects/graph/IR/GraphOps.h.inc"

#endif // AICC_DIALECTS_GRAPH_IR_GRAPHDIALECT_H
