//===- Passes.td - codegen passes shared by all targets ----*- tablegen -*-===//

#ifndef AICC_CODEGEN_COMMON_PASSES
#define AICC_CODEGEN_COMMON_PASSES

include "mlir/Pass/PassBase.td"

def ConvToGemmPass : Pass<"aicc-conv-to-gemm"> {
  let summary = "rewrites 2-D convolutions as im2col + matmul";
  let description = [{
    Each `linalg.conv_2d_nchw_fchw` on float tensors with static shapes
    becomes a copy of the input windows into a [N, C, KH, KW, OH, OW] tensor
    (a generic whose input map `(n, c, i, j, y, x) -> (n, c, y*sh + i*dh,
    x*sw + j*dw)` is affine in the loops), viewed as [N, C*KH*KW, OH*OW]
    (im2col), and a contraction with the filter viewed as [F, C*KH*KW]:
    `out[n, f, p] += filter[f, k] * cols[n, k, p]`, the filter the left
    operand (on GPUs the mma A operand, output channels the m loop, output
    positions the n loop). Other convs use upstream
    `linalg::rewriteInIm2Col`. The contraction gets the target's GEMM
    schedule (a CPU GEMM tile, tensor cores on a GPU), which the window form
    cannot: its maps are not projected permutations. Costs one extra copy
    of C*KH*KW*OH*OW elements per image, except for 1x1 convolutions with
    unit strides on float tensors: their input viewed as [N, C, H*W] already
    is the im2col matrix, so they become the same contraction on views
    (collapse_shape), with no copy.

    `linalg.conv_2d_nhwc_hwcf` (what `aicc-channels-last` makes) is handled
    the same way with the operands swapped: windows copied into
    [N, OH, OW, KH, KW, C] (rows of C contiguous elements) and
    `out[n, p, f] += cols[n, p, k] * filter[k, f]`, so the filter is the
    right operand (a constant one becomes panels in aicc-cpu-pack-weights)
    and output channels are the vector columns.

    An f16 or bf16 conv sums in f32: the contraction extends both factors,
    accumulates from an f32 zero (or the extended init) and a last
    elementwise op rounds to the conv's type once, as a 16-bit MatMul does
    (and onnxruntime; tensor cores take such a contraction, and on CPUs
    aicc-cpu-widen-operands converts the operands once). The window form
    summed in the conv's type: an f16 sum over C*KH*KW = 288 terms erred by
    twice what rounding the f32 sum once does.

    With `implicit` (CUDA's `--gpu-implicit-gemm`), an NCHW conv whose
    input is not already its im2col matrix becomes an implicit GEMM
    instead: the same contraction without the window copy, a generic with
    the filter as its one input whose body reads each cols[n, k, p] from
    the input image itself (tensor.extract at indices derived from
    linalg.index by division; a gather contraction, see
    GatherContraction.h). A zero spatial pad folds into a bounds check on
    the read: neither the padded image nor the copy is written. Tiling stays
    exact (it offsets linalg.index), and aicc-gpu-mma loads the B fragments
    through the body's index arithmetic.

    With `taps` (the CPU), depthwise convolutions (the graph lowering's
    window generic with one channel per group) become a sum over the KH*KW
    taps of a strided slice of the padded input times the tap's per-channel
    weight: one elementwise generic whose maps are projections, so it
    vectorizes along the output row. The taps are added in the window's
    order, from zero. Pools with at most 25 taps become the same kind of
    generic. The CPU pipeline lets aicc-form-kernels fuse the slices into
    that kernel (`absorb-slices`), so they are views, not copies; the GPU
    pipeline does not absorb slices, so it keeps the window forms.
  }];
  let options = [
    Option<"taps", "taps", "bool", /*default=*/"true",
           "depthwise convs and small pools as sums over their taps">,
    Option<"implicit", "implicit", "bool", /*default=*/"false",
           "NCHW convs as implicit GEMMs (no window copy)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

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
