//===- Passes.h - codegen passes shared by all targets ----------*- C++ -*-===//

#ifndef AICC_CODEGEN_COMMON_PASSES_H
#define AICC_CODEGEN_COMMON_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace aicc {

#define GEN_PASS_DECL
#include "codegen/common/Passes.h.inc"

/// memref.copy → linalg.copy.
void populateLowerMemRefCopyPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "codegen/common/Passes.h.inc"

} // namespace aicc

#endif // AICC_CODEGEN_COMMON_PASSES_H
