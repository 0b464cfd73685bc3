//===- aicc.cpp - the aicc compiler driver --------------------------------===//
//
//   aicc model.onnx --emit=graph|linalg|kernels|llvm [-o file]   show a stage's
//   IR aicc run model.onnx --input x=x.npy --output-dir out  compile and run
//   (CPU)
//
// Flags follow LLVM's cl::opt conventions.
//
//===----------------------------------------------------------------------===//

#include "compiler/Version.h"
#include "compiler/driver/Artifacts.h"
#include "compiler/driver/Diagnostics.h"
#include "compiler/frontend/onnx/ImportModel.h"
#include "compiler/jit/CpuJit.h"
#include "compiler/pipeline/Pipelines.h"
#include "runtime/src/ManifestFormat.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include "mlir/IR/Diagnostics.h"

using namespace llvm;

static cl::OptionCategory aiccCategory("aicc options");
static cl::SubCommand runCommand("run",
                                 "Compile a model for the CPU and run it");

// Compile (top-level) options.
static cl::opt<std::string> inputFilename(cl::Positional,
                                          cl::desc("<model.onnx>"),
                                          cl::cat(aiccCategory));
static cl::opt<std::string>
    target("target", cl::desc("Target: cpu, cuda, x86_64, aarch64"),
           cl::init("cpu"), cl::cat(aiccCategory));
static cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                           cl::value_desc("filename"),
                                           cl::init("-"),
                                           cl::cat(aiccCategory));
static cl::opt<std::string>
    mcpu("mcpu",
         cl::desc("CPU to generate code for (default: the host's, or "
                  "x86-64-v3 / generic for cross targets)"),
         cl::cat(aiccCategory));
static cl::opt<std::string>
    gpuArch("gpu-arch",
            cl::desc("GPU architecture for -target=cuda: sm_75, sm_80, sm_86, "
                     "sm_89, sm_90 (default), sm_90a (H100/H200 only: staged "
                     "matmuls on wgmma), sm_100, sm_120"),
            cl::init("sm_90"), cl::cat(aiccCategory));
static cl::opt<std::string> gpuPrecision(
    "gpu-precision",
    cl::desc("f32 math on GPUs: tf32 (default; matmuls on tensor cores with "
             "operands rounded to tf32, f32 accumulation, sm_80 and newer) "
             "or strict (f32 everywhere)"),
    cl::init("tf32"), cl::cat(aiccCategory));
static cl::opt<int> gpuStages(
    "gpu-stages",
    cl::desc("Tensor-core matmuls large enough for 128 thread blocks stage "
             "their operands in shared memory through up to this many "
             "cp.async buffers (1-4; default 0: each warp reads its "
             "fragments from global memory). Experimental: not yet run on a "
             "GPU"),
    cl::init(0), cl::cat(aiccCategory));
static cl::opt<bool> gpuFuseRows(
    "gpu-fuse-rows",
    cl::desc("Softmax, layer norm and other row reductions with the row-wise "
             "ops after them as one CUDA kernel each, a warp per row (default "
             "off: a kernel per reduction and elementwise group). "
             "Experimental: not yet run on a GPU"),
    cl::init(false), cl::cat(aiccCategory));
static cl::opt<bool> gpuSplitK(
    "gpu-split-k",
    cl::desc("Tensor-core matmuls too small to give the GPU 2048 warps split "
             "their reduction up to 16 ways (a second kernel sums the "
             "partials; default off). Experimental: not yet run on a GPU"),
    cl::init(false), cl::cat(aiccCategory));
static cl::opt<bool> gpuImplicitGemm(
    "gpu-implicit-gemm",
    cl::desc("2-D convolutions as implicit GEMMs: the tensor-core GEMM reads "
             "each window element from the image (no im2col copy, no padded "
             "copy; default off). Experimental: not yet run on a GPU"),
    cl::init(false), cl::cat(aiccCategory));
static cl::list<std::string> bindInputs(
    "bind",
    cl::desc("Compile for this input's value (name=file.npy|.pb), as `aicc "
             "run` does: a shape-like input (Reshape's shape, Slice's starts, "
             "...) becomes a constant. The artifact then refuses other values"),
    cl::cat(aiccCategory));
static cl::opt<bool>
    verbose("v",
            cl::desc("Report each compile stage on stderr (the default "
                     "when stderr is a terminal)"),
            cl::cat(aiccCategory));
static cl::opt<unsigned>
    optLevel("O",
             cl::desc("Optimization level: -O0 is the reference path (plain "
                      "loops, no kernels); -O2 (the default) forms kernels, "
                      "schedules and vectorizes them"),
             cl::Prefix, cl::init(2), cl::sub(cl::SubCommand::getTopLevel()),
             cl::sub(runCommand), cl::cat(aiccCategory));
enum class Emit { None, Graph, Linalg, Kernels, LLVM, Obj, Asm };
static cl::opt<Emit> emit(
    "emit", cl::desc("Print a stage's IR instead of compiling"),
    cl::values(clEnumValN(Emit::Graph, "graph", "the imported graph dialect"),
               clEnumValN(Emit::Linalg, "linalg", "linalg on tensors"),
               clEnumValN(Emit::Kernels, "kernels",
                          "outlined kernels with their schedules"),
               clEnumValN(Emit::LLVM, "llvm", "the LLVM dialect"),
               clEnumValN(Emit::Obj, "obj", "an object file (any CPU target)"),
               clEnumValN(Emit::Asm, "asm",
                          "assembly (any CPU target; -target=cuda: each "
                          "kernel module's PTX)")),
    cl::init(Emit::None), cl::cat(aiccCategory));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Bind an input's shape: name=1x3x224x224"),
                cl::sub(cl::SubCommand::getTopLevel()), cl::sub(runCommand),
                cl::cat(aiccCategory));

// `aicc run` options.
static cl::opt<int>
    runThreads("threads",
               cl::desc("Threads that run a kernel's parallel tiles (default: "
                        "all cores)"),
               cl::init(0), cl::sub(runCommand), cl::cat(aiccCategory));
static cl::opt<std::string> runModel(cl::Positional, cl::desc("<model.onnx>"),
                                     cl::sub(runCommand), cl::Required,
                                     cl::cat(aiccCategory));
static cl::list<std::string>
    runInputs("input",
              cl::desc("An input tensor: name=file.npy or name=file.pb"),
              cl::sub(runCommand), cl::cat(aiccCategory));
static cl::opt<std::string>
    runOutputDir("output-dir",
                 cl::desc("Write each output as <dir>/<name>.npy"),
                 cl::sub(runCommand), cl::cat(aiccCategory));

static void printVersion(raw_ostream &os) {
  os << "aicc version " << AICC_VERSION << "\n"
     << "  built with LLVM/MLIR " << AICC_LLVM_VERSION << "\n";
}

/// Prints `aicc: error: <message>` and returns the exit code for errors.
static int fail(const Twine &message) {
  WithColor::error(errs(), "aicc") << message << "\n";
  return 1;
}

/// Prints a diagnostic as `model.onnx: node: error: message` (colored on a
/// terminal).
static void printDiagnostic(mlir::Diagnostic &diag) {
  aicc::DiagnosticRecord record = aicc::recordDiagnostic(diag);
  if (!record.fileLocation.empty())
    errs() << record.fileLocation << ": ";
  for (const std::string &name : record.names)
    errs() << name << ": ";
  if (record.severity == "error")
    WithColor::error(errs(), "");
  else if (record.severity == "warning")
    WithColor::warning(errs(), "");
  else
    WithColor::note(errs(), "");
  errs() << record.message << "\n";
  for (const std::string &note : record.notes)
    errs() << "  note: " << note << "\n";
}

static bool parseInputShapes(aicc::OnnxImportOptions &options) {
  for (StringRef spec : inputShapes) {
    auto [name, dims] = spec.rsplit('=');
    SmallVector<StringRef> parts;
    dims.split(parts, 'x');
    SmallVector<int64_t> shape;
    for (StringRef part : parts) {
      int64_t d;
      if (part.getAsInteger(10, d) || d < 0) {
        fail("bad --input-shape '" + spec + "' (expected name=1x3x224x224)");
        return false;
      }
      shape.push_back(d);
    }
    if (name.empty() || dims.empty()) {
      fail("bad --input-shape '" + spec + "' (expected name=1x3x224x224)");
      return false;
    }
    options.inputShapes[name] = shape;
  }
  return true;
}

static mlir::OwningOpRef<mlir::ModuleOp>
importModel(mlir::MLIRContext &ctx, StringRef path,
            aicc::OnnxImportOptions options = {}) {
  if (!sys::fs::exists(path)) {
    fail("cannot open '" + path + "': no such file");
    return nullptr;
  }
  if (!parseInputShapes(options))
    return nullptr;
  return aicc::importOnnxModel(ctx, path, options);
}

/// The CUDA pipeline's options from the flags; an error (printed) when the
/// arch is unknown or the toolkit is missing.
static std::optional<aicc::CudaPipelineOptions> cudaOptions() {
  aicc::CudaFlags flags;
  flags.arch = gpuArch;
  flags.precision = gpuPrecision;
  flags.stages = gpuStages;
  flags.fuseRows = gpuFuseRows;
  flags.splitK = gpuSplitK;
  flags.implicitGemm = gpuImplicitGemm;
  auto options = aicc::makeCudaOptions(flags);
  if (!options) {
    fail(toString(options.takeError()));
    return std::nullopt;
  }
  return *options;
}

static int emitStage(mlir::MLIRContext &ctx) {
  mlir::OwningOpRef<mlir::ModuleOp> module = importModel(ctx, inputFilename);
  if (!module)
    return 1;
  if (emit != Emit::Graph) {
    mlir::PassManager pm(&ctx);
    if (emit == Emit::Linalg) {
      // What the optimized CPU path lowers (convs channels last).
      aicc::buildGraphToLinalgPipeline(pm, target != "cuda" && optLevel != 0);
    } else if (target == "cuda") {
      std::optional<aicc::CudaPipelineOptions> cuda = cudaOptions();
      if (!cuda)
        return 1;
      cuda->ptxOnly = emit == Emit::Asm;
      if (emit == Emit::Kernels)
        aicc::buildCudaKernelsPipeline(pm, *cuda);
      else
        aicc::buildCudaPipeline(pm, *cuda);
    } else if (optLevel == 0 && emit != Emit::Kernels) {
      aicc::buildCpuReferencePipeline(pm);
    } else {
      // Kernels and code as they are compiled for --target/--mcpu (vector
      // width, caches), not for this machine.
      auto spec = aicc::resolveCpuTarget(target.getValue(), mcpu);
      if (!spec)
        return fail(toString(spec.takeError()));
      aicc::CpuPipelineOptions options = aicc::cpuPipelineOptionsFor(*spec);
      if (emit == Emit::Kernels)
        aicc::buildCpuKernelsPipeline(pm, options);
      else
        aicc::buildCpuPipeline(pm, options);
    }
    if (failed(pm.run(*module)))
      return 1;
  }
  std::string error;
  auto output = mlir::openOutputFile(outputFilename, &error);
  if (!output)
    return fail(error);
  if (target == "cuda" && emit == Emit::Asm) {
    // The PTX the device code compiled to, one kernel module after another.
    module->walk([&](mlir::gpu::BinaryOp binary) {
      for (mlir::Attribute object : binary.getObjects())
        output->os()
            << "// " << binary.getSymName() << "\n"
            << cast<mlir::gpu::ObjectAttr>(object).getObject().getValue()
            << "\n";
    });
  } else {
    module->print(output->os());
  }
  output->keep();
  return 0;
}

/// `aicc model.onnx -target=cpu -o model.aicc` (or --emit=obj|asm).
static int compileModel(mlir::MLIRContext &ctx) {
  if (!sys::fs::exists(inputFilename))
    return fail("cannot open '" + inputFilename + "': no such file");
  if (outputFilename == "-")
    return fail("-o <file> is required to write a compiled model");
  if (optLevel == 0)
    return fail("artifacts are built from the optimized path; drop -O0");
  std::optional<aicc::CudaPipelineOptions> cuda;
  if (target == "cuda") {
    if (!(cuda = cudaOptions()))
      return 1;
    if (emit != Emit::None)
      return fail("--emit=obj is for CPU targets; -target=cuda writes an "
                  "artifact (-o model.aicc)");
  }
  // CUDA artifacts: the host code runs on this machine's CPU.
  auto spec = aicc::resolveCpuTarget(
      cuda ? std::string("cpu") : target.getValue(), mcpu);
  if (!spec)
    return fail(toString(spec.takeError()));
  auto read = aicc::readNamedTensors(ctx, bindInputs);
  if (!read)
    return fail(toString(read.takeError()));
  StringMap<aicc::HostTensor> bound = std::move(*read);
  aicc::OnnxImportOptions options;
  aicc::ArtifactManifest::BoundInputs fingerprints;
  for (const auto &entry : bound) {
    options.inputShapes[entry.getKey()] = entry.getValue().shape;
    const std::vector<char> &bytes = entry.getValue().bytes;
    fingerprints.emplace_back(
        entry.getKey().str(),
        aicc::manifest::fingerprint(bytes.data(), bytes.size()));
  }
  llvm::sort(fingerprints);
  options.inputValue = [&](StringRef name) -> mlir::DenseElementsAttr {
    auto it = bound.find(name);
    if (it == bound.end())
      return nullptr;
    return aicc::toElementsAttr(
        it->second,
        mlir::RankedTensorType::get(it->second.shape, it->second.elementType));
  };
  mlir::OwningOpRef<mlir::ModuleOp> module =
      importModel(ctx, inputFilename, options);
  if (!module)
    return 1;
  aicc::CpuOutputKind kind = emit == Emit::Obj ? aicc::CpuOutputKind::Object
                             : emit == Emit::Asm
                                 ? aicc::CpuOutputKind::Assembly
                                 : aicc::CpuOutputKind::SharedObject;
  bool progress = verbose || errs().is_displayed();
  if (llvm::Error err = aicc::compileCpuArtifact(
          *module, *spec, kind, aicc::ModelSource::ofFile(inputFilename),
          outputFilename, progress, cuda ? &*cuda : nullptr,
          std::move(fingerprints)))
    return fail(toString(std::move(err)));
  return 0;
}

static int runModelCommand(mlir::MLIRContext &ctx) {
  // Read every input first: `aicc run` compiles for these inputs, so their
  // shapes bind symbolic dimensions and their values can serve where an op
  // needs a compile-time value (Reshape's shape, Slice's starts, ...).
  if (runThreads < 0)
    return fail("--threads must be >= 1 (or 0 for all cores)");
  if (aicc::looksLikeArtifact(runModel)) {
    if (llvm::Error err = aicc::runArtifact(ctx, runModel, runInputs,
                                            runOutputDir, runThreads))
      return fail(toString(std::move(err)));
    return 0;
  }
  auto read = aicc::readNamedTensors(ctx, runInputs);
  if (!read)
    return fail(toString(read.takeError()));
  StringMap<aicc::HostTensor> given = std::move(*read);
  aicc::OnnxImportOptions options;
  for (const auto &entry : given)
    options.inputShapes[entry.getKey()] = entry.getValue().shape;
  options.inputValue = [&](StringRef name) -> mlir::DenseElementsAttr {
    auto it = given.find(name);
    if (it == given.end() || it->second.numElements() > (1 << 16))
      return nullptr;
    mlir::Type elementType = it->second.elementType;
    return aicc::toElementsAttr(
        it->second, mlir::RankedTensorType::get(it->second.shape, elementType));
  };

  mlir::OwningOpRef<mlir::ModuleOp> module =
      importModel(ctx, runModel, options);
  if (!module)
    return 1;
  aicc::CpuJitOptions jitOptions;
  jitOptions.optimize = optLevel > 0;
  jitOptions.threads = runThreads;
  auto model = aicc::CpuJitModel::compile(*module, jitOptions);
  if (!model)
    return fail(toString(model.takeError()));

  std::vector<aicc::HostTensor> inputs;
  for (const auto &sig : (*model)->inputs()) {
    auto it = given.find(sig.name);
    if (it == given.end())
      return fail("missing --input for model input '" + sig.name + "'");
    inputs.push_back(std::move(it->second));
    given.erase(it);
  }
  if (!given.empty())
    return fail("the model has no input named '" + given.begin()->getKey() +
                "'");

  auto outputs = (*model)->run(inputs);
  if (!outputs)
    return fail(toString(outputs.takeError()));
  if (!runOutputDir.empty())
    if (std::error_code ec = sys::fs::create_directories(runOutputDir))
      return fail("cannot create '" + runOutputDir + "': " + ec.message());
  for (auto [tensor, sig] : llvm::zip(*outputs, (*model)->outputs())) {
    outs() << sig.name << ": " << tensor.describe() << "\n";
    if (runOutputDir.empty())
      continue;
    SmallString<256> path(runOutputDir);
    sys::path::append(path, aicc::npyFileNameFor(sig.name));
    if (Error err = aicc::writeNpy(tensor, path))
      return fail(toString(std::move(err)));
  }
  return 0;
}

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(aiccCategory);
  cl::SetVersionPrinter(printVersion);
  if (!cl::ParseCommandLineOptions(argc, argv, "aicc: ONNX tensor compiler\n",
                                   &errs()))
    return 1;

  mlir::DialectRegistry registry;
  aicc::registerPipelineDialects(registry);
  mlir::MLIRContext ctx(registry);
  ctx.getDiagEngine().registerHandler(printDiagnostic);

  if (runCommand)
    return runModelCommand(ctx);

  if (inputFilename.empty())
    return fail("no input model given (try: aicc model.onnx -target=cpu)");
  if (target != "cpu" && target != "cuda" && target != "x86_64" &&
      target != "aarch64")
    return fail("unknown target '" + target +
                "' (expected cpu, cuda, x86_64 or aarch64)");
  if ((emit != Emit::None && emit != Emit::Obj && emit != Emit::Asm) ||
      (target == "cuda" && emit == Emit::Asm))
    return emitStage(ctx);
  return compileModel(ctx);
}
