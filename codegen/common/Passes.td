//===- Passes.td - codegen passes shared by all targets ----*- tablegen -*-===//

#ifndef AICC_CODEGEN_COMMON_PASSES
#define AICC_CODEGEN_COMMON_PASSES

include "mlir/Pass/PassBase.td"

def LowerMemRefCopyPass : Pass<"aicc-lower-memref-copy"> {
  let summary = "rewrites memref.copy as linalg.copy";
  let description = [{
    Bufferization copies with `memref.copy`, whose LLVM lowering calls the
    `memrefCopy` function of MLIR's runner library for strided memrefs.
    Compiled models must not depend on that library, so each copy becomes a
    `linalg.copy`, which later passes turn into loops (generated code).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

#endif // AICC_CODEGEN_COMMON_PASSES
