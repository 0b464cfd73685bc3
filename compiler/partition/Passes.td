//===- Passes.td - partitioning: fusion into kernels -------*- tablegen -*-===//

#ifndef AICC_COMPILER_PARTITION_PASSES
#define AICC_COMPILER_PARTITION_PASSES

include "mlir/Pass/PassBase.td"

def FormKernelsPass : Pass<"aicc-form-kernels", "::mlir::ModuleOp"> {
  let summary = "groups linalg-on-tensors ops into kernels and outlines them";
  let description = [{
    Requires linalg on tensors in the module's public functions (after
    `linalg-fuse-elementwise-ops`, so elementwise chains are single generics).
    Groups ops into kernels and outlines each group into a private
    `func.func` marked `aicc.kernel` with its structural hash in
    `aicc.kernel_hash`; the public function is left calling kernels and
    holding only constants, `tensor.empty` and reshapes (buffer handling).

    A group has one root (the op that decides the iteration space) plus:
    1. producers read once per element, fused into the root: `linalg.fill`
       and `tensor.pad` feeding it, and elementwise generics whose result the
       root reads through a permutation map (no reuse, so no recomputation);
    2. at most one elementwise consumer (epilogue: bias, activation, residual
       add, cast) whose loops map one to one onto the root's parallel loops.
    Producers and epilogues must have the root as their only user/producer
    link (a single use), so every kernel has one result per root result
    that leaves it.

    With `fuse-rows`, a reduction along its one innermost loop (a row
    reduction) and the groups after it that read its results and walk the
    same rows (elementwise ops over the same iteration space, further row
    reductions of the same shape) become one kernel marked `aicc.row_kernel`
    — softmax, layer norm — when only the last op's result leaves it.
  }];
  let options = [
    Option<"absorbSlices", "absorb-slices", "bool", /*default=*/"false",
           "also fuse single-use tensor.extract_slice producers (windows of "
           "one tensor, e.g. the CPU's depthwise convolution taps), so the "
           "kernel reads the sliced tensor instead of copies">,
    Option<"absorbWindowPads", "absorb-window-pads", "bool",
           /*default=*/"true",
           "fuse a tensor.pad into a root that reads it through a "
           "non-permutation map (a window); the CPU turns it off: a pad "
           "tiled with such a root allocates a padded copy per tile">,
    Option<"fuseRows", "fuse-rows", "bool", /*default=*/"false",
           "merge a row reduction with the row-wise groups that follow and "
           "read it (softmax, layer norm) into one `aicc.row_kernel`">
  ];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::aicc::sched::SchedDialect"];
}

def FuseElementwisePass : Pass<"aicc-fuse-elementwise"> {
  let summary = "fuses elementwise chains into single linalg.generic ops";
  let description = [{
    Upstream elementwise fusion, with one policy of ours: a producer is only
    fused into an elementwise (all-parallel) consumer. Fusing it into a
    contraction or reduction would recompute it for every element of the
    reduced loop's partner (relu(x) recomputed N times inside a matmul) and
    hide the multiply-accumulate the CPU heuristic looks for; such producers
    stay separate and the partitioner decides where they go. An
    expand_shape feeding an elementwise op moves below it (the op runs on
    the collapsed shape), so an epilogue meets the op before the reshape
    (im2col's matmul viewed back as an image); only this direction runs, so
    the rewrites cannot undo each other. And
    transposes of constants (Gemm's transposed weights) fold.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // AICC_COMPILER_PARTITION_PASSES
