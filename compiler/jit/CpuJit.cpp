//===- CpuJit.cpp - reference CPU pipeline + ExecutionEngine --------------===//

#include "compiler/jit/CpuJit.h"
#include "compiler/frontend/onnx/ImportModel.h"
#include "compiler/pipeline/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/TargetSelect.h"

using namespace mlir;

namespace aicc {

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

CpuJitModel::~CpuJitModel() = default;

llvm::Expected<std::unique_ptr<CpuJitModel>>
CpuJitModel::compile(ModuleOp module) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return makeError("the module has no @main function");
  std::unique_ptr<CpuJitModel> model(new CpuJitModel());
  auto signature = [&](ArrayRef<Type> types, auto nameOf) {
    std::vector<TensorSignature> sigs;
    for (auto [i, type] : llvm::enumerate(types)) {
      auto name = nameOf(i);
      sigs.push_back({name ? name.getValue().str() : "#" + std::to_string(i),
                      cast<RankedTensorType>(type)});
    }
    return sigs;
  };
  model->inputSigs = signature(main.getArgumentTypes(), [&](unsigned i) {
    return main.getArgAttrOfType<StringAttr>(i, kOnnxNameAttr);
  });
  model->outputSigs = signature(main.getResultTypes(), [&](unsigned i) {
    return main.getResultAttrOfType<StringAttr>(i, kOnnxNameAttr);
  });
  for (const auto &sig :
       llvm::concat<const TensorSignature>(model->inputSigs, model->outputSigs))
    if (!sig.type.hasStaticShape())
      return makeError("'" + sig.name + "' has a dynamic shape");

  PassManager pm(module.getContext());
  buildCpuReferencePipeline(pm);
  if (failed(pm.run(module)))
    return makeError("lowering to LLVM failed (see the errors above)");

  static bool targetInitialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)targetInitialized;

  ExecutionEngineOptions options;
  options.transformer = makeOptimizingTransformer(/*optLevel=*/2,
                                                  /*sizeLevel=*/0, nullptr);
  auto engine = ExecutionEngine::create(module, options);
  if (!engine)
    return makeError("JIT compilation failed: " +
                     llvm::toString(engine.takeError()));
  model->engine = std::move(*engine);
  return model;
}

llvm::Expected<std::vector<HostTensor>>
CpuJitModel::run(llvm::ArrayRef<HostTensor> inputs) {
  if (inputs.size() != inputSigs.size())
    return makeError("the model takes " + llvm::Twine(inputSigs.size()) +
                     " inputs, got " + llvm::Twine(inputs.size()));
  for (auto [tensor, sig] : llvm::zip(inputs, inputSigs)) {
    // ONNX (and numpy, which has no bfloat16) carry bf16 as uint16 bits.
    bool bf16Bits = sig.type.getElementType().isBF16() &&
                    tensor.elementType.isUnsignedInteger(16);
    if ((tensor.elementType != sig.type.getElementType() && !bf16Bits) ||
        ArrayRef<int64_t>(tensor.shape) != sig.type.getShape()) {
      std::string expected;
      llvm::raw_string_ostream os(expected);
      os << sig.type;
      return makeError("input '" + sig.name + "' expects " + expected +
                       ", got " + tensor.describe());
    }
  }

  std::vector<HostTensor> outputs;
  for (const TensorSignature &sig : outputSigs) {
    HostTensor out;
    out.elementType = sig.type.getElementType();
    out.shape.assign(sig.type.getShape().begin(), sig.type.getShape().end());
    out.bytes.resize(out.numElements() *
                     HostTensor::elementSize(out.elementType));
    outputs.push_back(std::move(out));
  }

  // @main takes each memref expanded: allocated and aligned pointers, offset,
  // sizes, strides (row-major); inputs first, then the outputs.
  std::vector<std::vector<int64_t>> descriptors;
  auto addMemref = [&](const HostTensor &t) {
    std::vector<int64_t> d;
    auto ptr = reinterpret_cast<int64_t>(t.bytes.data());
    d.push_back(ptr);
    d.push_back(ptr);
    d.push_back(0);
    d.insert(d.end(), t.shape.begin(), t.shape.end());
    SmallVector<int64_t> strides(t.shape.size(), 1);
    for (int i = static_cast<int>(t.shape.size()) - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * t.shape[i + 1];
    d.insert(d.end(), strides.begin(), strides.end());
    descriptors.push_back(std::move(d));
  };
  for (const HostTensor &t : inputs)
    addMemref(t);
  for (const HostTensor &t : outputs)
    addMemref(t);
  SmallVector<void *> args;
  for (auto &d : descriptors)
    for (int64_t &field : d)
      args.push_back(&field);

  if (llvm::Error err = engine->invokePacked("main", args))
    return makeError("running the model failed: " +
                     llvm::toString(std::move(err)));
  return outputs;
}

} // namespace aicc
