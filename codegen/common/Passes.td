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
    With `vectorize` (the CPU), a copy of static shape whose innermost
    dimension is contiguous on both sides becomes loops over the outer
    dimensions around vector reads and writes of up to 64 elements of a row
    (LLVM would otherwise vectorize the scalar loop nest with gathers and
    scatters, e.g. the interior of a padded image), and a buffer filled
    with a value and then copied into at a static box (a bufferized
    `tensor.pad`) is only filled outside the box. Such a copy of 32K
    elements or more directly in a function's body runs its outer loops as
    an `scf.parallel` (threads, after the OpenMP conversion).
  }];
  let options = [
    Option<"vectorize", "vectorize", "bool", /*default=*/"false",
           "copy contiguous rows with vector transfers">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def ExpandBf16Pass : Pass<"aicc-expand-bf16"> {
  let summary = "bf16 conversions as integer arithmetic, bf16 loads and "
                "stores as i16";
  let description = [{
    x86 CPUs without AVX512-BF16 have no instruction for a truncation to
    bf16, and LLVM calls `__truncsfbf2` for it, which neither GCC 12's
    libgcc nor the JIT's process provides. So `arith.truncf` to bf16 (round
    to nearest even, NaN kept quiet) and `arith.extf` from bf16 become
    shifts and adds on the bits (run it before the LLVM conversion), and
    loads and stores of bf16 data (`llvm.load/store`,
    `llvm.intr.masked.load/store`: such CPUs split or scalarize bf16 vectors
    through f32 and back) move the same bits as i16 (run it again after). Host code then calls no bf16
    conversion function on any target.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def PlanMemoryPass : Pass<"aicc-plan-memory", "::mlir::ModuleOp"> {
  let summary = "places @main's intermediates in one workspace at static offsets";
  let description = [{
    After bufferization, the host function `@main` allocates a buffer for
    every kernel result and frees it at its end. First, a buffer that is
    only copied into an output parameter at the end (the model's result)
    becomes that parameter, so its kernel writes the caller's buffer. This pass gives each such
    buffer (static shape, identity layout, used only by calls, copies and
    views in `@main`'s body) an offset in one workspace, reusing bytes
    between buffers whose live ranges (from the allocation to the last use
    of the buffer or a view of it) do not overlap; offsets are multiples of
    64 bytes, larger buffers are placed first, each at the lowest offset
    that fits. `@main` gets the workspace as a last parameter
    (`memref<?xi8>`, named `aicc.workspace`), each allocation becomes a
    `memref.view` of it, the deallocations go, and the module records the
    workspace's size in `aicc.workspace_bytes`. The caller (the runtime, the
    JIT) owns the workspace and reuses it across runs, so intermediates cost
    no allocation and no page faults after the first run.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

#endif // AICC_CODEGEN_COMMON_PASSES
