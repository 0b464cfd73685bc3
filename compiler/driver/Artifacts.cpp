//===- Artifacts.cpp - compile to an artifact; run one with the runtime ---===//

#include "compiler/driver/Artifacts.h"
#include "codegen/common/Passes.h"
#include "codegen/gpu/Passes.h"
#include "compiler/jit/HostTensor.h"
#include "compiler/partition/Passes.h"
#include "compiler/pipeline/Pipelines.h"
#include "compiler/pipeline/Progress.h"
#include "runtime/src/ManifestFormat.h"

#include "aicc/runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

using namespace mlir;

namespace aicc {

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::optional<aicc_dtype> runtimeDtype(Type type) {
  if (type.isF32())
    return AICC_F32;
  if (type.isF64())
    return AICC_F64;
  if (type.isF16())
    return AICC_F16;
  if (type.isBF16())
    return AICC_BF16;
  if (type.isInteger(1))
    return AICC_BOOL;
  auto integer = dyn_cast<IntegerType>(type);
  if (!integer)
    return std::nullopt;
  bool u = integer.isUnsigned();
  switch (integer.getWidth()) {
  case 8:
    return u ? AICC_U8 : AICC_I8;
  case 16:
    return u ? AICC_U16 : AICC_I16;
  case 32:
    return u ? AICC_U32 : AICC_I32;
  case 64:
    return u ? AICC_U64 : AICC_I64;
  }
  return std::nullopt;
}

Type elementTypeOf(MLIRContext &ctx, aicc_dtype dtype) {
  Builder b(&ctx);
  switch (dtype) {
  case AICC_F32:
    return b.getF32Type();
  case AICC_F64:
    return b.getF64Type();
  case AICC_F16:
    return b.getF16Type();
  case AICC_BF16:
    return b.getBF16Type();
  case AICC_I8:
    return b.getIntegerType(8);
  case AICC_I16:
    return b.getIntegerType(16);
  case AICC_I32:
    return b.getIntegerType(32);
  case AICC_I64:
    return b.getIntegerType(64);
  case AICC_U8:
    return b.getIntegerType(8, false);
  case AICC_U16:
    return b.getIntegerType(16, false);
  case AICC_U32:
    return b.getIntegerType(32, false);
  case AICC_U64:
    return b.getIntegerType(64, false);
  case AICC_BOOL:
    return b.getI1Type();
  }
  return Type();
}

ModelSource ModelSource::ofBytes(llvm::StringRef name, llvm::StringRef bytes) {
  return {llvm::sys::path::filename(name).str(), llvm::xxh3_64bits(bytes)};
}

ModelSource ModelSource::ofFile(llvm::StringRef path) {
  auto bytes = llvm::MemoryBuffer::getFile(path);
  return bytes ? ofBytes(path, (*bytes)->getBuffer())
               : ModelSource{llvm::sys::path::filename(path).str(), 0};
}

CpuPipelineOptions cpuPipelineOptionsFor(const CpuTargetSpec &target) {
  CpuPipelineOptions options =
      target.isHost ? detectHostCpu() : CpuPipelineOptions();
  options.vectorBits = target.vectorBits;
  options.vectorRegisters = target.vectorRegisters;
  return options;
}

llvm::Error compileCpuArtifact(ModuleOp module, const CpuTargetSpec &target,
                               CpuOutputKind kind, const ModelSource &model,
                               llvm::StringRef outputPath, bool progress,
                               const CudaPipelineOptions *cuda,
                               ArtifactManifest::BoundInputs bound,
                               std::vector<KernelSummary> *kernelSummaries) {
  StageReporter report(progress);
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return makeError("the module has no @main function");
  ArtifactManifest manifest;
  manifest.bound = std::move(bound);
  manifest.modelName = model.name;
  manifest.modelHash = llvm::utohexstr(model.hash, true, 16);
  auto signature = [&](ArrayRef<Type> types, auto nameOf,
                       auto &list) -> llvm::Error {
    for (auto [i, type] : llvm::enumerate(types)) {
      auto tensor = cast<RankedTensorType>(type);
      if (!tensor.hasStaticShape())
        return makeError("'" + nameOf(i) +
                         "' has a dynamic shape; bind it with --input-shape");
      ArtifactManifest::Tensor entry;
      entry.name = nameOf(i);
      std::optional<aicc_dtype> dtype = runtimeDtype(tensor.getElementType());
      entry.dtype = dtype ? manifest::kDTypeNames[*dtype] : "unknown";
      entry.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
      list.push_back(std::move(entry));
    }
    return llvm::Error::success();
  };
  auto attrName = [](StringAttr name, unsigned i) {
    return name ? name.getValue().str() : "#" + std::to_string(i);
  };
  if (llvm::Error err = signature(
          main.getArgumentTypes(),
          [&](unsigned i) {
            return attrName(main.getArgAttrOfType<StringAttr>(i, "aicc.name"),
                            i);
          },
          manifest.inputs))
    return err;
  if (llvm::Error err = signature(
          main.getResultTypes(),
          [&](unsigned i) {
            return attrName(
                main.getResultAttrOfType<StringAttr>(i, "aicc.name"), i);
          },
          manifest.outputs))
    return err;

  // Kernels and their schedules, then code.
  CpuPipelineOptions options = cpuPipelineOptionsFor(target);
  report("forming kernels and choosing schedules");
  PassManager kernels(module.getContext());
  if (cuda) {
    buildCudaKernelsPipeline(kernels, *cuda);
    manifest.device = "cuda " + cuda->chip;
  } else {
    buildCpuKernelsPipeline(kernels, options);
  }
  if (failed(kernels.run(module)))
    return makeError("forming kernels failed (see the errors above)");
  std::vector<KernelSummary> summaries = summarizeKernels(module);
  for (const KernelSummary &summary : summaries)
    manifest.kernels.push_back(
        {summary.symbol, summary.hash, summary.schedule});
  if (kernelSummaries)
    *kernelSummaries = std::move(summaries);
  PassManager codegen(module.getContext());
  if (cuda) {
    report(llvm::Twine(manifest.kernels.size()) +
           " kernels; mapping to blocks and threads, NVVM, ptxas for " +
           cuda->chip);
    buildCudaCodegenPipeline(codegen, *cuda);
  } else {
    report(llvm::Twine(manifest.kernels.size()) +
           " kernels; tiling, vectorizing, lowering to LLVM");
    buildCpuCodegenPipeline(codegen, options);
  }
  if (failed(codegen.run(module)))
    return makeError("code generation failed (see the errors above)");
  if (auto bytes = module->getAttrOfType<IntegerAttr>(kWorkspaceBytesAttr))
    manifest.workspaceBytes = bytes.getInt();
  // Launches may overlap the host unless host code touches buffers.
  if (cuda)
    manifest.device +=
        std::string(module->hasAttr(kHostAccessAttr) ? " sync" : " async") +
        (cuda->tf32 && cuda->hasTensorCores() ? " tf32" : " strict");
  report("optimizing and emitting code for " + target.triple + " (" +
         target.cpu + ")");
  if (llvm::Error err =
          emitCpuArtifact(module, manifest, target, kind, outputPath))
    return err;
  report("wrote " + outputPath);
  return llvm::Error::success();
}

llvm::Expected<CudaPipelineOptions> makeCudaOptions(const CudaFlags &flags) {
  llvm::StringRef arch = flags.arch, precision = flags.precision;
  int64_t stages = flags.stages;
  static const char *const arches[] = {"sm_75",  "sm_80",  "sm_86",
                                       "sm_87",  "sm_89",  "sm_90",
                                       "sm_90a", "sm_100", "sm_120"};
  if (!llvm::is_contained(arches, arch))
    return makeError("unknown GPU arch '" + arch +
                     "' (expected sm_75, sm_80, sm_86, sm_87, sm_89, sm_90, "
                     "sm_90a, sm_100 or sm_120)");
  if (precision != "tf32" && precision != "strict")
    return makeError("unknown GPU precision '" + precision +
                     "' (expected tf32 or strict)");
  if (stages < 0 || stages > sched::kMaxStages)
    return makeError("GPU stages " + llvm::Twine(stages) +
                     " out of range (0 to " + llvm::Twine(sched::kMaxStages) +
                     ")");
  CudaPipelineOptions options;
  options.chip = arch.str();
  options.tf32 = precision == "tf32";
  options.stages = stages;
  options.fuseRows = flags.fuseRows;
  options.splitK = flags.splitK;
  options.implicitGemm = flags.implicitGemm;
  // The toolkit: $CUDA_HOME, $CUDA_PATH, else the one found at build time.
  for (const char *var : {"CUDA_HOME", "CUDA_PATH"})
    if (const char *value = std::getenv(var); value && *value) {
      options.toolkitPath = value;
      break;
    }
  if (options.toolkitPath.empty())
    options.toolkitPath = AICC_CUDA_TOOLKIT;
  llvm::SmallString<256> ptxas(options.toolkitPath);
  llvm::sys::path::append(ptxas, "bin", "ptxas");
  if (options.toolkitPath.empty() || !llvm::sys::fs::can_execute(ptxas))
    return makeError("-target=cuda needs the CUDA toolkit (ptxas, fatbinary, "
                     "libdevice); none found at '" +
                     options.toolkitPath + "' (set CUDA_HOME)");
  return options;
}

bool looksLikeArtifact(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFileSlice(path, 4, 0);
  return buffer && (*buffer)->getBuffer() == llvm::StringRef("\x7f"
                                                             "ELF",
                                                             4);
}

llvm::Error runArtifact(MLIRContext &ctx, llvm::StringRef path,
                        llvm::ArrayRef<std::string> inputSpecs,
                        llvm::StringRef outputDir, int threads) {
  char error[1024];
  aicc_model *raw = nullptr;
  if (aicc_model_load(path.str().c_str(), &raw, error, sizeof error) != AICC_OK)
    return makeError(error);
  std::unique_ptr<aicc_model, void (*)(aicc_model *)> model(raw,
                                                            aicc_model_free);
  if (aicc_model_set_threads(model.get(), threads) != AICC_OK)
    return makeError(aicc_model_error(model.get()));

  auto read = readNamedTensors(ctx, inputSpecs);
  if (!read)
    return read.takeError();
  llvm::StringMap<HostTensor> given = std::move(*read);

  auto describeInfo = [&](const aicc_tensor_info &info) {
    HostTensor t;
    t.elementType = elementTypeOf(ctx, info.dtype);
    t.shape.assign(info.shape, info.shape + info.rank);
    return t;
  };
  std::vector<const void *> inputs;
  std::vector<HostTensor> inputTensors;
  for (int i = 0, e = aicc_model_num_inputs(model.get()); i < e; ++i) {
    aicc_tensor_info info;
    aicc_model_input(model.get(), i, &info);
    auto it = given.find(info.name);
    if (it == given.end())
      return makeError("missing --input for model input '" +
                       llvm::Twine(info.name) + "'");
    HostTensor expected = describeInfo(info);
    HostTensor &tensor = it->second;
    if (!tensor.matches(expected.elementType, expected.shape))
      return makeError("input '" + llvm::Twine(info.name) + "' expects " +
                       expected.describe() + ", got " + tensor.describe());
    inputTensors.push_back(std::move(tensor));
    given.erase(it);
  }
  if (!given.empty())
    return makeError("the model has no input named '" +
                     given.begin()->getKey() + "'");
  for (const HostTensor &t : inputTensors)
    inputs.push_back(t.bytes.data());

  std::vector<HostTensor> outputTensors;
  std::vector<void *> outputs;
  for (int i = 0, e = aicc_model_num_outputs(model.get()); i < e; ++i) {
    aicc_tensor_info info;
    aicc_model_output(model.get(), i, &info);
    HostTensor t = describeInfo(info);
    t.bytes.resize(info.size_bytes);
    outputTensors.push_back(std::move(t));
  }
  for (HostTensor &t : outputTensors)
    outputs.push_back(t.bytes.data());
  if (aicc_model_run(model.get(), inputs.data(), outputs.data()) != AICC_OK)
    return makeError(aicc_model_error(model.get()));

  if (!outputDir.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
      return makeError("cannot create '" + outputDir + "': " + ec.message());
  for (int i = 0, e = aicc_model_num_outputs(model.get()); i < e; ++i) {
    aicc_tensor_info info;
    aicc_model_output(model.get(), i, &info);
    llvm::outs() << info.name << ": " << outputTensors[i].describe() << "\n";
    if (outputDir.empty())
      continue;
    llvm::SmallString<256> out(outputDir);
    llvm::sys::path::append(out, npyFileNameFor(info.name));
    if (llvm::Error err = writeNpy(outputTensors[i], out))
      return err;
  }
  return llvm::Error::success();
}

} // namespace aicc
