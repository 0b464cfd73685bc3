//===- Passes.h - graph dialect conversions ---------------------*- C++ -*-===//

#ifndef AICC_DIALECTS_GRAPH_CONVERSION_PASSES_H
#define AICC_DIALECTS_GRAPH_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
class TypeConverter;
} // namespace mlir

namespace aicc::graph {

#define GEN_PASS_DECL
#include "dialects/graph/Conversion/Passes.h.inc"

/// Converts graph tensor types to the signless types linalg/arith accept.
void populateGraphToLinalgTypeConversion(mlir::TypeConverter &converter);

/// Patterns rewriting each graph op into linalg-on-tensors.
void populateGraphToLinalgConversionPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "dialects/graph/Conversion/Passes.h.inc"

} // namespace aicc::graph

#endif // AICC_DIALECTS_GRAPH_CONVERSION_PASSES_H
