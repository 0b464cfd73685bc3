//===- GpuManagedMemory.cpp - host buffers the GPU can reach --------------===//

#include "codegen/gpu/Passes.h"

namespace aicc {
#define GEN_PASS_DEF_GPUMANAGEDMEMORYPASS
#include "codegen/gpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {

/// Bytes of a statically shaped buffer.
static int64_t staticBytes(MemRefType type) {
  return type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
}

static bool inParallelLoop(Operation *op) {
  return op->getParentOfType<scf::ParallelOp>() ||
         op->getParentOfType<scf::ForallOp>();
}

static func::FuncOp declareFree(ModuleOp module) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(kCudaFreeSymbol))
    return existing;
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto type = b.getFunctionType({b.getI64Type()}, {});
  auto decl = func::FuncOp::create(b, module.getLoc(), kCudaFreeSymbol, type);
  decl.setPrivate();
  return decl;
}

/// `memref<?xi8> aicc_cuda_constant(i64 address, i64 bytes)`, through
/// MLIR's C interface (the runtime defines _mlir_ciface_aicc_cuda_constant).
static func::FuncOp declareStage(ModuleOp module) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(kCudaConstantSymbol))
    return existing;
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto bytes = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
  auto type = b.getFunctionType({b.getI64Type(), b.getI64Type()}, {bytes});
  auto decl =
      func::FuncOp::create(b, module.getLoc(), kCudaConstantSymbol, type);
  decl.setPrivate();
  decl->setAttr("llvm.emit_c_interface", b.getUnitAttr());
  return decl;
}

static void freeBuffer(OpBuilder &b, Location loc, Value buffer,
                       func::FuncOp freeFn) {
  Value address =
      memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), address);
  func::CallOp::create(b, loc, freeFn, ValueRange{i64});
}

/// Largest per-thread scratch buffer kept in private memory.
static constexpr int64_t kMaxPrivateBytes = 64 * 1024;

/// Per-thread scratch inside parallel loops (accumulators, padded windows)
/// goes to private memory instead of device malloc.
static void privatizeScratch(func::FuncOp func) {
  SmallVector<memref::AllocOp> scratch;
  func.walk([&](memref::AllocOp alloc) {
    MemRefType type = alloc.getType();
    if (!inParallelLoop(alloc) || !type.hasStaticShape() ||
        !type.getLayout().isIdentity() ||
        !type.getElementType().isIntOrIndexOrFloat())
      return;
    int64_t bytes = staticBytes(type);
    if (bytes <= kMaxPrivateBytes)
      scratch.push_back(alloc);
  });
  OpBuilder b(func.getContext());
  for (memref::AllocOp alloc : scratch) {
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      if (isa<memref::DeallocOp>(user))
        user->erase();
    b.setInsertionPoint(alloc);
    auto alloca = memref::AllocaOp::create(b, alloc.getLoc(), alloc.getType(),
                                           alloc.getAlignmentAttr());
    alloc.replaceAllUsesWith(alloca.getResult());
    alloc.erase();
  }
}

static void manageFunction(func::FuncOp func, func::FuncOp freeFn,
                           func::FuncOp stageFn) {
  privatizeScratch(func);
  OpBuilder b(func.getContext());
  SmallVector<memref::AllocOp> allocs;
  SmallVector<memref::DeallocOp> deallocs;
  SmallVector<memref::GetGlobalOp> globals;
  func.walk([&](Operation *op) {
    if (auto alloc = dyn_cast<memref::AllocOp>(op);
        alloc && !inParallelLoop(op))
      allocs.push_back(alloc);
    else if (auto dealloc = dyn_cast<memref::DeallocOp>(op);
             dealloc && !inParallelLoop(op))
      deallocs.push_back(dealloc);
    else if (auto global = dyn_cast<memref::GetGlobalOp>(op))
      globals.push_back(global);
  });
  for (memref::AllocOp alloc : allocs) {
    b.setInsertionPoint(alloc);
    auto managed = gpu::AllocOp::create(
        b, alloc.getLoc(), alloc.getType(), /*asyncToken=*/Type(),
        /*asyncDependencies=*/ValueRange(), alloc.getDynamicSizes(),
        alloc.getSymbolOperands(), /*hostShared=*/true);
    alloc.replaceAllUsesWith(managed.getMemref());
    alloc.erase();
  }
  for (memref::DeallocOp dealloc : deallocs) {
    b.setInsertionPoint(dealloc);
    freeBuffer(b, dealloc.getLoc(), dealloc.getMemref(), freeFn);
    dealloc.erase();
  }
  // Constants: the runtime's managed copy, made on the first call.
  for (memref::GetGlobalOp global : globals) {
    auto type = cast<MemRefType>(global.getType());
    if (!type.hasStaticShape() || !type.getLayout().isIdentity())
      continue;
    b.setInsertionPointAfter(global);
    Location loc = global.getLoc();
    int64_t bytes = staticBytes(type);
    Value address =
        memref::ExtractAlignedPointerAsIndexOp::create(b, loc, global);
    Value address64 =
        arith::IndexCastOp::create(b, loc, b.getI64Type(), address);
    Value size = arith::ConstantIntOp::create(b, loc, bytes, 64);
    Value staged =
        func::CallOp::create(b, loc, stageFn, ValueRange{address64, size})
            .getResult(0);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value typed =
        memref::ViewOp::create(b, loc, type, staged, zero, ValueRange());
    global.getResult().replaceAllUsesExcept(typed, address.getDefiningOp());
  }
}

namespace {
struct GpuManagedMemoryPass
    : public impl::GpuManagedMemoryPassBase<GpuManagedMemoryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp freeFn, stageFn;
    SmallVector<func::FuncOp> funcs;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal())
        funcs.push_back(func);
    for (func::FuncOp func : funcs) {
      bool touches = false;
      func.walk([&](Operation *op) {
        touches |=
            isa<memref::AllocOp, memref::DeallocOp, memref::GetGlobalOp>(op);
      });
      if (!touches)
        continue;
      if (!freeFn) {
        freeFn = declareFree(module);
        stageFn = declareStage(module);
      }
      manageFunction(func, freeFn, stageFn);
    }
  }
};
} // namespace

} // namespace aicc
