//===- SchedBase.td - the aicc dialect: schedules as data ---*- tablegen -*-===//
//
// The `aicc` dialect holds no ops. It owns the attributes that cross layer
// boundaries after partitioning: `#aicc.schedule` (what codegen reads) and the
// discardable attributes `aicc.kernel`, `aicc.kernel_hash` and `aicc.schedule`.
//
//===----------------------------------------------------------------------===//

#ifndef AICC_DIALECT_SCHED_BASE
#define AICC_DIALECT_SCHED_BASE

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/OpBase.td"

def Sched_Dialect : Dialect {
  let name = "aicc";
  let cppNamespace = "::aicc::sched";
  let summary = "aicc's kernel and schedule attributes";
  let description = [{
    Schedules are data: a heuristic or the autotuner writes an
    `#aicc.schedule` on a kernel's root op (as the discardable attribute
    `aicc.schedule`), and codegen only reads it. The dialect verifies each
    schedule against the op it sits on.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
}

def Sched_ScheduleAttr : AttrDef<Sched_Dialect, "Schedule"> {
  let mnemonic = "schedule";
  let summary = "how codegen tiles, vectorizes and parallelizes one kernel";
  let description = [{
    One entry per loop of the root op (its iteration space, in the order of
    its iterator types) in each tile list:

    - `thread_tile`: the outer level; each tile is one unit of parallel work
      (a workgroup). 0 on a parallel loop keeps it whole. On a reduction
      loop it is the block a thread tile walks the reduction in, serially
      (cache blocking: CPUs; GPU codegen rejects it); 0 walks the whole
      reduction at once.
    - `vector_tile`: the inner level, the shape one vector operation computes;
      on reduction loops it is the reduction step. 0 means "whole loop".
    - `order`: the order of the thread-level tile loops, outermost first (a
      permutation of the loops).
    - `parallel`: the loops whose thread-level tiles may run on different
      threads.
    - `unroll`: unroll factor of the innermost reduction loop (1: none).
    - `source`: who wrote it ("heuristic", "explicit", "tuned").
    - `mma` (optional, GPUs): the tensor-core instruction the root's
      contraction runs on, all mma.sync with f32 accumulation:
      "m16n8k8_tf32" (f32 operands rounded to tf32), "m16n8k16_f16" and
      "m16n8k16_bf16" (f16 / bf16 operands); it must match the operands'
      element type. With it `vector_tile` is one warp's tile (multiples of
      16 and 8 on the output's two innermost loops; the reduction loop's
      entry is ignored: the instruction's k is the step) and `thread_tile`
      one block's. `thread_tile` on the reduction loop is then the block's
      reduction step when `stages` is set (0 otherwise). On sm_90a,
      "wgmma_tf32", "wgmma_f16" and "wgmma_bf16" name the warpgroup
      instruction (wgmma.mma_async m64nNk8 / m64nNk16, f32 accumulators):
      `vector_tile` is then one warpgroup's tile (64 rows, N a multiple of
      8 up to 256 columns), both operands are read from shared memory, and
      `stages` is required.
    - `stages` (optional, GPUs, with `mma`): the block copies its tiles of
      both operands into shared memory, `thread_tile` of the reduction loop
      (a multiple of the instruction's k) at a time, through this many
      buffers (cp.async: while the warps multiply one, the next `stages - 1`
      are in flight), and the warps read their fragments from there.
      0 (absent): each warp reads its fragments from global memory.
    - `lanes` (optional, GPUs): the root's one reduction loop is split across
      this many lanes of a warp (32), each lane reducing every 32nd element
      and the warp combining the partial results with shuffles; one output
      per warp (`vector_tile` 1 on parallel loops).

    Example, a 1024x1024x1024 matmul:
    ```mlir
    #aicc.schedule<thread_tile = [64, 256, 0], vector_tile = [8, 32, 1],
                   order = [0, 1, 2], parallel = [0, 1], unroll = 4,
                   source = "heuristic">
    ```
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t">:$thread_tile,
    ArrayRefParameter<"int64_t">:$vector_tile,
    ArrayRefParameter<"int64_t">:$order,
    ArrayRefParameter<"int64_t">:$parallel,
    "int64_t":$unroll,
    StringRefParameter<"who wrote the schedule">:$source,
    StringRefParameter<"tensor-core instruction, empty: none", "\"\"">:$mma,
    DefaultValuedParameter<"int64_t", "0", "lanes per reduction, 0: none">:$lanes,
    DefaultValuedParameter<"int64_t", "0",
                           "shared-memory stages of an mma schedule, 0: none">:$stages
  );
  let assemblyFormat = [{
    `<` `thread_tile` `=` custom<IntList>($thread_tile) `,`
        `vector_tile` `=` custom<IntList>($vector_tile) `,`
        `order` `=` custom<IntList>($order) `,`
        `parallel` `=` custom<IntList>($parallel) `,`
        `unroll` `=` $unroll `,` `source` `=`
        custom<SourceAndGpuFields>($source, $mma, $lanes, $stages) `>`
  }];
  let genVerifyDecl = 1;
}

#endif // AICC_DIALECT_SCHED_BASE
