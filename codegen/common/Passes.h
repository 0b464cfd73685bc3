//===- Passes.h - codegen passes shared by all targets ----------*- C++ -*-===//

#ifndef AICC_CODEGEN_COMMON_PASSES_H
#define AICC_CODEGEN_COMMON_PASSES_H

#include "mlir/Pass/Pass.h"
#include "llvm/ADT/StringRef.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace aicc {

#define GEN_PASS_DECL
#include "codegen/common/Passes.h.inc"

/// The module attribute holding the workspace size (bytes) that
/// aicc-plan-memory gave @main's last parameter; absent: no workspace.
inline constexpr llvm::StringLiteral kWorkspaceBytesAttr =
    "aicc.workspace_bytes";

/// memref.copy → linalg.copy.
void populateLowerMemRefCopyPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "codegen/common/Passes.h.inc"

} // namespace aicc

#endif // AICC_CODEGEN_COMMON_PASSES_H
