//===- CpuJit.cpp - CPU pipelines + ExecutionEngine --------------===//

#include "compiler/jit/CpuJit.h"
#include "codegen/common/Passes.h"
#include "codegen/cpu/EmitArtifact.h"
#include "compiler/frontend/onnx/ImportModel.h"
#include "compiler/pipeline/Pipelines.h"
#include "compiler/pipeline/Progress.h"
#include "runtime/src/PackedArgs.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/TargetSelect.h"

using namespace mlir;

namespace aicc {

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

CpuJitModel::~CpuJitModel() = default;

llvm::Error readSignatures(ModuleOp module,
                           std::vector<TensorSignature> &inputs,
                           std::vector<TensorSignature> &outputs) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return makeError("the module has no @main function");
  auto signature = [&](ArrayRef<Type> types, auto nameOf) {
    std::vector<TensorSignature> sigs;
    for (auto [i, type] : llvm::enumerate(types)) {
      auto name = nameOf(i);
      sigs.push_back({name ? name.getValue().str() : "#" + std::to_string(i),
                      cast<RankedTensorType>(type)});
    }
    return sigs;
  };
  inputs = signature(main.getArgumentTypes(), [&](unsigned i) {
    return main.getArgAttrOfType<StringAttr>(i, kOnnxNameAttr);
  });
  outputs = signature(main.getResultTypes(), [&](unsigned i) {
    return main.getResultAttrOfType<StringAttr>(i, kOnnxNameAttr);
  });
  for (const auto &sig : llvm::concat<const TensorSignature>(inputs, outputs))
    if (!sig.type.hasStaticShape())
      return makeError("'" + sig.name +
                       "' has a dynamic shape; bind it with an input shape");
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<CpuJitModel>>
CpuJitModel::compile(ModuleOp module, const CpuJitOptions &jitOptions) {
  std::unique_ptr<CpuJitModel> model(new CpuJitModel());
  if (llvm::Error err =
          readSignatures(module, model->inputSigs, model->outputSigs))
    return std::move(err);
  for (const auto &sig :
       llvm::concat<const TensorSignature>(model->inputSigs, model->outputSigs))
    model->shapes.emplace_back(sig.type.getShape());

  StageReporter report(jitOptions.progress);
  CpuPipelineOptions hostCpu = detectHostCpu();
  if (jitOptions.optimize) {
    report("forming kernels and choosing schedules");
    PassManager kernels(module.getContext());
    buildCpuKernelsPipeline(kernels, hostCpu);
    if (failed(kernels.run(module)))
      return makeError("forming kernels failed (see the errors above)");
    model->kernelSummaries = summarizeKernels(module);
  }
  if (jitOptions.optimize)
    report(llvm::Twine(model->kernelSummaries.size()) +
           " kernels; tiling, vectorizing, lowering to LLVM");
  else
    report("lowering to loops and LLVM (reference path)");
  PassManager pm(module.getContext());
  if (jitOptions.optimize)
    buildCpuCodegenPipeline(pm, hostCpu);
  else
    buildCpuReferencePipeline(pm);
  if (failed(pm.run(module)))
    return makeError("lowering to LLVM failed (see the errors above)");
  if (auto bytes = module->getAttrOfType<IntegerAttr>(kWorkspaceBytesAttr))
    model->workspaces.configure(bytes.getInt());

  static bool targetInitialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)targetInitialized;

  // Optimize for the host CPU as artifacts do: without a target machine,
  // LLVM's passes see no vector unit (scalar loops stay scalar).
  auto host = resolveCpuTarget("cpu", "");
  if (!host)
    return host.takeError();
  auto machine = createTargetMachine(*host);
  if (!machine)
    return machine.takeError();
  ExecutionEngineOptions options;
  // The optimized path's parallel tiles call LLVM's OpenMP runtime.
  llvm::StringRef runtimeLibs[] = {AICC_LIBOMP_PATH};
  if (jitOptions.optimize)
    options.sharedLibPaths = runtimeLibs;
  // Everything but the entry points is internal, as in artifacts: LLVM may
  // then inline kernels into the host function and see which buffers alias.
  // (ExecutionEngineOptions::transformer is a function_ref: the callable
  // must outlive create(), which calls it.)
  std::function<llvm::Error(llvm::Module *)> optimize =
      makeOptimizingTransformer(/*optLevel=*/jitOptions.optimize ? 3 : 2,
                                /*sizeLevel=*/0, machine->get());
  auto transform = [&](llvm::Module *module) {
    internalizeAllBut(*module, {"main", "_mlir_main"});
    return optimize(module);
  };
  options.transformer = transform;
  report("optimizing and JIT-compiling for the host CPU");
  // The engine generates code with the same target machine.
  auto engine = ExecutionEngine::create(module, options, std::move(*machine));
  if (!engine)
    return makeError("JIT compilation failed: " +
                     llvm::toString(engine.takeError()));
  model->engine = std::move(*engine);
  auto entry = model->engine->lookupPacked("main");
  if (!entry)
    return makeError("JIT compilation failed: " +
                     llvm::toString(entry.takeError()));
  model->entry = *entry;
  report("compiled");
  // OpenMP's thread count is a per-thread setting: it is applied before each
  // run, on the thread that runs (0: all cores, in case another model set
  // fewer on this thread).
  // Both are looked up in LLVM's runtime itself: a process may hold another
  // OpenMP runtime too (libgomp, through oneDNN or PyTorch), whose
  // omp_set_num_threads would not reach the runtime the kernels call.
  if (jitOptions.optimize) {
    auto libomp =
        llvm::sys::DynamicLibrary::getPermanentLibrary(AICC_LIBOMP_PATH);
    model->setThreads = reinterpret_cast<void (*)(int)>(
        libomp.getAddressOfSymbol("omp_set_num_threads"));
    auto numProcs = reinterpret_cast<int (*)()>(
        libomp.getAddressOfSymbol("omp_get_num_procs"));
    model->threads = jitOptions.threads > 0 ? jitOptions.threads
                     : numProcs             ? numProcs()
                                            : 1;
  }
  return model;
}

llvm::Expected<std::vector<HostTensor>>
CpuJitModel::run(llvm::ArrayRef<HostTensor> inputs) {
  if (inputs.size() != inputSigs.size())
    return makeError("the model takes " + llvm::Twine(inputSigs.size()) +
                     " inputs, got " + llvm::Twine(inputs.size()));
  for (auto [tensor, sig] : llvm::zip(inputs, inputSigs)) {
    if (!tensor.matches(sig.type.getElementType(), sig.type.getShape())) {
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

  SmallVector<const void *> inputData;
  SmallVector<void *> outputData;
  for (const HostTensor &t : inputs)
    inputData.push_back(t.bytes.data());
  for (HostTensor &t : outputs)
    outputData.push_back(t.bytes.data());
  if (llvm::Error err = invoke(inputData, outputData))
    return std::move(err);
  return outputs;
}

llvm::Error CpuJitModel::invoke(llvm::ArrayRef<const void *> inputData,
                                llvm::ArrayRef<void *> outputData) {
  assert(inputData.size() == inputSigs.size() &&
         outputData.size() == outputSigs.size() && "one pointer per tensor");
  abi::PackedMemrefArgs packed;
  size_t i = 0;
  for (const void *data : inputData)
    packed.add(data, shapes[i].data(), shapes[i].size()), ++i;
  for (void *data : outputData)
    packed.add(data, shapes[i].data(), shapes[i].size()), ++i;
  void *workspace = nullptr;
  int64_t workspaceBytes = workspaces.bytes();
  if (workspaces.hasWorkspace()) {
    if (!(workspace = workspaces.acquire()))
      return makeError("out of memory for the model's workspace (" +
                       llvm::Twine(workspaceBytes) + " bytes)");
    packed.add(workspace, &workspaceBytes, 1);
  }
  std::vector<void *> args = packed.pointers();
  if (setThreads)
    setThreads(threads);
  entry(args.data());
  if (workspace)
    workspaces.release(workspace);
  return llvm::Error::success();
}

} // namespace aicc
