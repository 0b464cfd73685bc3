//===- AiccModule.cpp - the aicc._aicc extension (nanobind) ---------------===//
//
// Compiles ONNX models in-process and runs them: CPU models are lowered by
// the optimized (or reference) CPU pipeline and JIT-compiled with LLVM ORC;
// CUDA models are compiled into an artifact that the runtime loads. Loaded
// artifacts (`aicc.load`) run through the runtime as well.
//
// The GIL is released while compiling, saving and running. Failures raise
// the exceptions of aicc.errors (CompileError with the diagnostics,
// InputError, DeviceError, ...); a bad input never reaches compiled code.
// The Python package (python/aicc) wraps this module; users never import it.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/EmitArtifact.h"
#include "compiler/driver/Artifacts.h"
#include "compiler/driver/Diagnostics.h"
#include "compiler/frontend/onnx/ImportModel.h"
#include "compiler/jit/CpuJit.h"
#include "compiler/pipeline/Pipelines.h"
#include "runtime/src/ManifestFormat.h"

#include "aicc/runtime.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"
#include "llvm/TargetParser/Host.h"

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>

namespace nb = nanobind;
using namespace nb::literals;

namespace {

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

/// A failure to report as `aicc.errors.<kind>(message)`; compile failures
/// carry the diagnostics. Thrown with or without the GIL; the translator
/// registered below raises the Python exception.
struct Failure : std::exception {
  Failure(const char *kind, std::string message,
          std::vector<aicc::DiagnosticRecord> diagnostics = {})
      : kind(kind), message(std::move(message)),
        diagnostics(std::move(diagnostics)) {}
  const char *what() const noexcept override { return message.c_str(); }
  const char *kind;
  std::string message;
  std::vector<aicc::DiagnosticRecord> diagnostics;
};

void raiseFailure(const Failure &failure) {
  nb::object errors = nb::module_::import_("aicc.errors");
  nb::list diagnostics;
  for (const aicc::DiagnosticRecord &d : failure.diagnostics)
    diagnostics.append(nb::make_tuple(d.severity, d.message, d.names,
                                      d.fileLocation, d.notes, d.format()));
  nb::object error =
      errors.attr(failure.kind)(failure.message, "diagnostics"_a = diagnostics);
  PyErr_SetObject(reinterpret_cast<PyObject *>(Py_TYPE(error.ptr())),
                  error.ptr());
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

/// One input or output, without MLIR types (the context is gone after
/// compiling).
struct Signature {
  std::string name;
  aicc_dtype dtype;
  std::vector<int64_t> shape;
  size_t numElements() const {
    size_t n = 1;
    for (int64_t d : shape)
      n *= static_cast<size_t>(d);
    return n;
  }
};

size_t elementBytes(aicc_dtype dtype) {
  return aicc::manifest::kDTypeBytes[dtype];
}

/// numpy's name of a dtype ("bfloat16" is ml_dtypes').
const char *dtypeName(aicc_dtype dtype) {
  switch (dtype) {
  case AICC_F32:
    return "float32";
  case AICC_F64:
    return "float64";
  case AICC_F16:
    return "float16";
  case AICC_BF16:
    return "bfloat16";
  case AICC_I8:
    return "int8";
  case AICC_I16:
    return "int16";
  case AICC_I32:
    return "int32";
  case AICC_I64:
    return "int64";
  case AICC_U8:
    return "uint8";
  case AICC_U16:
    return "uint16";
  case AICC_U32:
    return "uint32";
  case AICC_U64:
    return "uint64";
  case AICC_BOOL:
    return "bool";
  }
  return "?";
}

/// The DLPack dtype outputs are returned with (bf16 as its uint16 bits:
/// numpy has no bfloat16; the Python side views it as ml_dtypes.bfloat16).
nb::dlpack::dtype dlpackDtype(aicc_dtype dtype) {
  using Code = nb::dlpack::dtype_code;
  uint8_t bits = static_cast<uint8_t>(elementBytes(dtype) * 8);
  switch (dtype) {
  case AICC_F32:
  case AICC_F64:
  case AICC_F16:
    return {static_cast<uint8_t>(Code::Float), bits, 1};
  case AICC_I8:
  case AICC_I16:
  case AICC_I32:
  case AICC_I64:
    return {static_cast<uint8_t>(Code::Int), bits, 1};
  case AICC_BOOL:
    return {static_cast<uint8_t>(Code::Bool), 8, 1};
  default:
    return {static_cast<uint8_t>(Code::UInt), bits, 1};
  }
}

/// Whether an array of DLPack dtype `given` can be passed as `expected`.
bool dtypeMatches(nb::dlpack::dtype given, aicc_dtype expected) {
  using Code = nb::dlpack::dtype_code;
  if (given.lanes != 1)
    return false;
  if (expected == AICC_BF16)
    return given.bits == 16 &&
           (given.code == static_cast<uint8_t>(Code::Bfloat) ||
            given.code == static_cast<uint8_t>(Code::UInt));
  return given == dlpackDtype(expected);
}

/// The dtype of a DLPack array, if aicc has it.
std::optional<aicc_dtype> fromDlpack(nb::dlpack::dtype dtype) {
  for (aicc_dtype candidate :
       {AICC_F32, AICC_F64, AICC_F16, AICC_BF16, AICC_I8, AICC_I16, AICC_I32,
        AICC_I64, AICC_U8, AICC_U16, AICC_U32, AICC_U64, AICC_BOOL})
    if (candidate != AICC_BF16 && dlpackDtype(candidate) == dtype)
      return candidate;
  if (dtype.code == static_cast<uint8_t>(nb::dlpack::dtype_code::Bfloat) &&
      dtype.bits == 16 && dtype.lanes == 1)
    return AICC_BF16;
  return std::nullopt;
}

std::string describeDlpackDtype(nb::dlpack::dtype dtype) {
  using Code = nb::dlpack::dtype_code;
  std::string bits = std::to_string(dtype.bits);
  switch (static_cast<Code>(dtype.code)) {
  case Code::Float:
    return "float" + bits;
  case Code::Int:
    return "int" + bits;
  case Code::UInt:
    return "uint" + bits;
  case Code::Bfloat:
    return "bfloat" + bits;
  case Code::Bool:
    return "bool";
  default:
    break;
  }
  return "dtype(" + std::to_string(dtype.code) + ", " + bits + ")";
}

std::string describeShape(const int64_t *shape, size_t rank) {
  std::string text = "[";
  for (size_t i = 0; i < rank; ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

std::string describe(const Signature &sig) {
  return std::string(dtypeName(sig.dtype)) +
         describeShape(sig.shape.data(), sig.shape.size());
}

using InputArray = nb::ndarray<nb::ro, nb::device::cpu, nb::c_contig>;
using OutputArray = nb::ndarray<nb::numpy>;

/// A new, uninitialized numpy array for `sig`; 64-byte aligned.
OutputArray allocateOutput(const Signature &sig, void *&data) {
  size_t bytes = sig.numElements() * elementBytes(sig.dtype);
  data = std::aligned_alloc(64, (std::max<size_t>(bytes, 1) + 63) / 64 * 64);
  if (!data)
    throw std::bad_alloc();
  nb::capsule owner(data, [](void *p) noexcept { std::free(p); });
  std::vector<size_t> shape(sig.shape.begin(), sig.shape.end());
  return OutputArray(data, shape.size(), shape.data(), owner, nullptr,
                     dlpackDtype(sig.dtype));
}

//===----------------------------------------------------------------------===//
// Models
//===----------------------------------------------------------------------===//

struct CompileOptions {
  std::string target = "cpu"; // "cpu" or "cuda"
  int threads = 0;
  int optLevel = 2;
  std::vector<std::pair<std::string, std::vector<int64_t>>> inputShapes;
  /// Inputs compiled for one value (`bind=`): what the importer uses where an
  /// op needs a compile-time value. Calls must pass the same value.
  struct Bound {
    std::string name;
    aicc_dtype dtype;
    std::vector<int64_t> shape;
    std::string bytes;
    uint64_t fingerprint;
  };
  std::vector<Bound> bound;
  aicc::CudaFlags gpu;
  bool verbose = false;
};

/// Where a model came from: a file (re-read by save(), which checks that it
/// did not change) or serialized bytes.
struct ModelSourceBytes {
  std::string path; // empty for bytes
  std::string bytes;
  std::string name;
  uint64_t hash = 0;
};

struct KernelInfo {
  std::string symbol, hash, root, schedule;
  std::vector<std::string> nodes;
};

class Model {
public:
  ~Model() {
    if (artifact)
      aicc_model_free(artifact);
  }

  std::vector<Signature> inputs, outputs;
  std::vector<KernelInfo> kernels;
  std::string target;   // "cpu" or "cuda"
  std::string device;   // e.g. "cpu znver5, 512-bit vectors", "cuda sm_90"
  std::string manifest; // artifacts only
  int threads = 0;

  // CPU models compiled here: the JIT and what save() recompiles.
  std::unique_ptr<aicc::CpuJitModel> jit;
  std::optional<ModelSourceBytes> source;
  CompileOptions options;

  // Artifacts (CUDA models compiled here, and loaded ones): the runtime's
  // model, or why it could not load here; the artifact's bytes for save().
  aicc_model *artifact = nullptr;
  std::string loadError;
  /// Inputs compiled for one value: (index, fingerprint of the value).
  std::vector<std::pair<size_t, uint64_t>> boundInputs;
  std::string artifactBytes;
  std::mutex artifactMutex; // the runtime keeps one error per model

  nb::list run(nb::sequence args);
  void save(const std::string &path);

  aicc::ArtifactManifest::BoundInputs boundFingerprints() const {
    aicc::ArtifactManifest::BoundInputs result;
    for (const CompileOptions::Bound &b : options.bound)
      result.emplace_back(b.name, b.fingerprint);
    llvm::sort(result);
    return result;
  }
};

/// An MLIR context for one compile, with its diagnostics collected.
struct CompileContext {
  CompileContext() : context(makeRegistry()) {
    context.getDiagEngine().registerHandler([this](mlir::Diagnostic &diag) {
      diagnostics.push_back(aicc::recordDiagnostic(diag));
    });
  }
  static mlir::DialectRegistry makeRegistry() {
    mlir::DialectRegistry registry;
    aicc::registerPipelineDialects(registry);
    return registry;
  }
  /// A CompileError with `summary` and the errors so far; the message is
  /// the first error as the command line prints it, or `summary`.
  [[noreturn]] void fail(const std::string &summary) {
    std::string message;
    for (const aicc::DiagnosticRecord &d : diagnostics)
      if (d.severity == "error") {
        message = d.format();
        break;
      }
    if (message.empty())
      message = summary;
    throw Failure("CompileError", message, diagnostics);
  }
  mlir::MLIRContext context;
  std::vector<aicc::DiagnosticRecord> diagnostics;
};

mlir::OwningOpRef<mlir::ModuleOp> importSource(CompileContext &cc,
                                               const ModelSourceBytes &source,
                                               const CompileOptions &options) {
  aicc::OnnxImportOptions importOptions;
  for (const auto &[name, shape] : options.inputShapes)
    importOptions.inputShapes[name] =
        llvm::SmallVector<int64_t>(shape.begin(), shape.end());
  for (const CompileOptions::Bound &b : options.bound)
    importOptions.inputShapes[b.name] =
        llvm::SmallVector<int64_t>(b.shape.begin(), b.shape.end());
  importOptions.inputValue =
      [&](llvm::StringRef name) -> mlir::DenseElementsAttr {
    for (const CompileOptions::Bound &b : options.bound) {
      if (b.name != name)
        continue;
      aicc::HostTensor tensor;
      tensor.elementType = aicc::elementTypeOf(cc.context, b.dtype);
      tensor.shape.assign(b.shape.begin(), b.shape.end());
      tensor.bytes.assign(b.bytes.begin(), b.bytes.end());
      return aicc::toElementsAttr(
          tensor,
          mlir::RankedTensorType::get(tensor.shape, tensor.elementType));
    }
    return nullptr;
  };
  mlir::OwningOpRef<mlir::ModuleOp> module =
      source.path.empty()
          ? aicc::importOnnxModelFromBytes(cc.context, source.bytes,
                                           source.name, importOptions)
          : aicc::importOnnxModel(cc.context, source.path, importOptions);
  if (!module)
    cc.fail("cannot import '" + source.name + "' (no diagnostic)");
  return module;
}

std::string readFile(const std::string &path, const char *kind) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    throw Failure(kind,
                  "cannot open '" + path + "': " + buffer.getError().message());
  return (*buffer)->getBuffer().str();
}

/// Writes `bytes` to `path` atomically (a temporary file beside it, then a
/// rename), so a failure leaves nothing half-written.
void writeFileAtomically(const std::string &path, llvm::StringRef bytes) {
  llvm::SmallString<256> temp;
  int fd;
  std::string dir = llvm::sys::path::parent_path(path).str();
  llvm::SmallString<256> model(dir.empty() ? "." : dir);
  llvm::sys::path::append(model,
                          llvm::sys::path::filename(path) + ".tmp-%%%%%%");
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, temp))
    throw Failure("Error", "cannot write '" + path + "': " + ec.message());
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << bytes;
    os.close();
    if (os.has_error()) {
      llvm::sys::fs::remove(temp);
      throw Failure("Error",
                    "cannot write '" + path + "': " + os.error().message());
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, path)) {
    llvm::sys::fs::remove(temp);
    throw Failure("Error", "cannot write '" + path + "': " + ec.message());
  }
}

std::vector<Signature>
toSignatures(llvm::ArrayRef<aicc::TensorSignature> sigs) {
  std::vector<Signature> result;
  for (const aicc::TensorSignature &sig : sigs) {
    std::optional<aicc_dtype> dtype =
        aicc::runtimeDtype(sig.type.getElementType());
    if (!dtype)
      throw Failure("CompileError", "'" + sig.name +
                                        "' has an element type aicc cannot "
                                        "pass in or out of a model");
    result.push_back({sig.name, *dtype,
                      std::vector<int64_t>(sig.type.getShape().begin(),
                                           sig.type.getShape().end())});
  }
  return result;
}

KernelInfo toKernelInfo(const aicc::KernelSummary &summary) {
  return {summary.symbol, summary.hash, summary.root, summary.schedule,
          summary.nodes};
}

/// The signatures of a loaded artifact, from the runtime.
void readArtifactSignatures(Model &model) {
  for (int output = 0; output < 2; ++output) {
    int count = output ? aicc_model_num_outputs(model.artifact)
                       : aicc_model_num_inputs(model.artifact);
    for (int i = 0; i < count; ++i) {
      aicc_tensor_info info;
      if (output)
        aicc_model_output(model.artifact, i, &info);
      else
        aicc_model_input(model.artifact, i, &info);
      Signature sig{info.name, info.dtype,
                    std::vector<int64_t>(info.shape, info.shape + info.rank)};
      (output ? model.outputs : model.inputs).push_back(std::move(sig));
    }
  }
}

/// Loads the artifact at `path` into `model`; on failure returns the
/// runtime's message.
std::string loadArtifact(Model &model, const std::string &path) {
  char error[2048] = "";
  if (aicc_model_load(path.c_str(), &model.artifact, error, sizeof error) !=
      AICC_OK) {
    model.artifact = nullptr;
    return error;
  }
  model.manifest = aicc_model_manifest(model.artifact);
  return "";
}

/// A scratch folder removed with everything in it when this goes away.
struct ScratchDir {
  ScratchDir() {
    if (std::error_code ec =
            llvm::sys::fs::createUniqueDirectory("aicc-python", path))
      throw Failure("Error",
                    "cannot create a temporary folder: " + ec.message());
  }
  ~ScratchDir() { llvm::sys::fs::remove_directories(path); }
  llvm::SmallString<256> path;
};

std::string hostDescription() {
  aicc::CpuPipelineOptions host = aicc::detectHostCpu();
  return "cpu (" + llvm::sys::getHostCPUName().str() + ", " +
         std::to_string(host.vectorBits) + "-bit vectors, L1 " +
         std::to_string(host.l1Kb) + " KiB, L2 " + std::to_string(host.l2Kb) +
         " KiB)";
}

std::unique_ptr<Model> compileModel(ModelSourceBytes source,
                                    CompileOptions options) {
  if (options.target != "cpu" && options.target != "cuda")
    throw Failure("CompileError", "unknown target '" + options.target +
                                      "' (expected 'cpu' or 'cuda')");
  if (options.threads < 0)
    throw Failure("CompileError", "threads must be >= 1 (or 0 for all cores)");
  if (options.optLevel < 0 || options.optLevel > 3)
    throw Failure("CompileError", "opt_level must be 0, 1, 2 or 3");
  if (options.target == "cuda" && options.optLevel == 0)
    throw Failure("CompileError",
                  "opt_level=0 (the reference path) is for the CPU only");
  if (!source.path.empty()) {
    source.bytes = readFile(source.path, "CompileError");
    source.hash = llvm::xxh3_64bits(source.bytes);
    source.bytes.clear(); // re-read by save(): external data needs the file
  } else {
    source.hash = llvm::xxh3_64bits(source.bytes);
  }

  auto model = std::make_unique<Model>();
  model->options = options;
  model->target = options.target;
  model->threads = options.threads;
  CompileContext cc;
  mlir::OwningOpRef<mlir::ModuleOp> module = importSource(cc, source, options);
  {
    std::vector<aicc::TensorSignature> ins, outs;
    if (llvm::Error err = aicc::readSignatures(*module, ins, outs))
      cc.fail(llvm::toString(std::move(err)));
    model->inputs = toSignatures(ins);
    model->outputs = toSignatures(outs);
  }
  for (const CompileOptions::Bound &b : options.bound) {
    auto it =
        std::find_if(model->inputs.begin(), model->inputs.end(),
                     [&](const Signature &sig) { return sig.name == b.name; });
    if (it == model->inputs.end())
      throw Failure("CompileError",
                    "bind: the model has no input named '" + b.name + "'");
    // bf16 travels as its uint16 bits (numpy has no bfloat16).
    if (it->dtype != b.dtype &&
        !(it->dtype == AICC_BF16 && b.dtype == AICC_U16))
      throw Failure("CompileError", "bind: input '" + b.name + "' expects " +
                                        describe(*it) + ", got " +
                                        dtypeName(b.dtype));
    model->boundInputs.emplace_back(it - model->inputs.begin(), b.fingerprint);
  }

  if (options.target == "cpu") {
    aicc::CpuJitOptions jitOptions;
    jitOptions.optimize = options.optLevel > 0;
    jitOptions.threads = options.threads;
    jitOptions.progress = options.verbose;
    auto jit = aicc::CpuJitModel::compile(*module, jitOptions);
    if (!jit)
      cc.fail(llvm::toString(jit.takeError()));
    model->jit = std::move(*jit);
    for (const aicc::KernelSummary &k : model->jit->kernels())
      model->kernels.push_back(toKernelInfo(k));
    model->device = options.optLevel > 0
                        ? hostDescription()
                        : "cpu (reference path: loops, no kernels)";
  } else {
    auto cuda = aicc::makeCudaOptions(options.gpu);
    if (!cuda)
      throw Failure("CompileError", llvm::toString(cuda.takeError()));
    auto host = aicc::resolveCpuTarget("cpu", "");
    if (!host)
      cc.fail(llvm::toString(host.takeError()));
    ScratchDir scratch;
    llvm::SmallString<256> path(scratch.path);
    llvm::sys::path::append(path, "model.aicc");
    std::vector<aicc::KernelSummary> summaries;
    if (llvm::Error err = aicc::compileCpuArtifact(
            *module, *host, aicc::CpuOutputKind::SharedObject,
            aicc::ModelSource{llvm::sys::path::filename(source.name).str(),
                              source.hash},
            path, options.verbose, &*cuda, model->boundFingerprints(),
            &summaries))
      cc.fail(llvm::toString(std::move(err)));
    for (const aicc::KernelSummary &k : summaries)
      model->kernels.push_back(toKernelInfo(k));
    model->artifactBytes = readFile(path.str().str(), "CompileError");
    // The runtime names the (temporary) file; the model is what the user
    // knows.
    model->loadError = loadArtifact(*model, path.str().str());
    std::string prefix = "'" + path.str().str() + "': ";
    if (llvm::StringRef(model->loadError).starts_with(prefix))
      model->loadError =
          source.name + ": " + model->loadError.substr(prefix.size());
    model->device =
        "cuda " + cuda->chip +
        (cuda->tf32 && cuda->hasTensorCores() ? " (tf32)" : " (strict)");
  }
  model->source = std::move(source);
  return model;
}

std::unique_ptr<Model> loadModel(const std::string &path, int threads) {
  if (threads < 0)
    throw Failure("Error", "threads must be >= 1 (or 0 for all cores)");
  auto model = std::make_unique<Model>();
  model->threads = threads;
  model->artifactBytes = readFile(path, "Error");
  std::string error = loadArtifact(*model, path);
  if (!error.empty())
    throw Failure(error.find("CUDA") != std::string::npos ? "DeviceError"
                                                          : "Error",
                  error);
  readArtifactSignatures(*model);
  // The manifest's `device` line says where the kernels run; kernels are
  // listed as `kernel <symbol> <hash> <schedule>`.
  model->target = "cpu";
  model->device = "cpu";
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(model->manifest).split(lines, '\n');
  for (llvm::StringRef line : lines) {
    auto [key, rest] = line.split(' ');
    if (key == "device") {
      model->device = rest.str();
      if (rest.starts_with("cuda"))
        model->target = "cuda";
    } else if (key == "target" && model->target == "cpu") {
      auto [triple, tail] = rest.split(' ');
      model->device =
          "cpu (" + triple.str() + ", " + tail.split(' ').first.str() + ")";
    } else if (key == "kernel") {
      // Fields are escaped (see ManifestFormat.h).
      auto [symbol, tail] = rest.split(' ');
      auto [hash, schedule] = tail.split(' ');
      KernelInfo kernel;
      if (!aicc::manifest::unescape(symbol.str(), kernel.symbol) ||
          !aicc::manifest::unescape(schedule.str(), kernel.schedule))
        throw Failure("Error", "'" + path + "' has a malformed manifest");
      kernel.hash = hash.str();
      model->kernels.push_back(std::move(kernel));
    }
  }
  return model;
}

/// The slow path for inputs that are not CPU arrays as they stand: Python
/// lists and scalars, ml_dtypes bfloat16 arrays (aicc.__convert.to_array).
bool convertInput(nb::handle arg, const Signature &sig, InputArray &array,
                  std::vector<nb::object> &keep) {
  nb::object result;
  try {
    result = nb::module_::import_("aicc._convert")
                 .attr("to_array")(arg, dtypeName(sig.dtype));
  } catch (nb::python_error &e) {
    throw Failure("InputError",
                  "input '" + sig.name + "' expects a " + describe(sig) +
                      " array; cannot make one of "
                      "the given " +
                      nb::type_name(arg.type()).c_str() + ": " + e.what());
  }
  if (result.is_none() || !nb::try_cast(result, array, /*convert=*/true))
    return false;
  keep.push_back(std::move(result));
  return true;
}

nb::list Model::run(nb::sequence args) {
  size_t count = nb::len(args);
  if (count != inputs.size())
    throw Failure("InputError", "the model takes " +
                                    std::to_string(inputs.size()) +
                                    " inputs, got " + std::to_string(count));
  if (!jit && !artifact)
    throw Failure("DeviceError", loadError);
  std::vector<InputArray> arrays(count);
  std::vector<nb::object> converted; // arrays made from lists, views
  std::vector<const void *> inputData(count);
  for (size_t i = 0; i < count; ++i) {
    const Signature &sig = inputs[i];
    nb::object arg = args[i];
    if (!nb::try_cast(arg, arrays[i], /*convert=*/true) &&
        !convertInput(arg, sig, arrays[i], converted))
      throw Failure("InputError",
                    "input '" + sig.name + "' expects a " + describe(sig) +
                        " array on the CPU (numpy, or any DLPack tensor), "
                        "got " +
                        nb::type_name(arg.type()).c_str() +
                        " (a GPU tensor must be moved to the CPU first)");
    const InputArray &a = arrays[i];
    bool shapeOk = a.ndim() == sig.shape.size();
    for (size_t d = 0; shapeOk && d < a.ndim(); ++d)
      shapeOk = static_cast<int64_t>(a.shape(d)) == sig.shape[d];
    if (!shapeOk || !dtypeMatches(a.dtype(), sig.dtype)) {
      std::vector<int64_t> shape(a.ndim());
      for (size_t d = 0; d < a.ndim(); ++d)
        shape[d] = a.shape(d);
      throw Failure("InputError",
                    "input '" + sig.name + "' expects " + describe(sig) +
                        ", got " + describeDlpackDtype(a.dtype()) +
                        describeShape(shape.data(), shape.size()));
    }
    inputData[i] = a.data();
  }
  for (auto [index, fingerprint] : boundInputs)
    if (aicc::manifest::fingerprint(inputData[index],
                                    inputs[index].numElements() *
                                        elementBytes(inputs[index].dtype)) !=
        fingerprint)
      throw Failure("InputError",
                    "input '" + inputs[index].name +
                        "' differs from the value the model was compiled for "
                        "(bind=); compile again for this value");
  nb::list results;
  std::vector<void *> outputData(outputs.size());
  for (size_t i = 0; i < outputs.size(); ++i)
    results.append(allocateOutput(outputs[i], outputData[i]));

  nb::gil_scoped_release release;
  if (jit) {
    if (llvm::Error err = jit->invoke(inputData, outputData))
      throw Failure("Error", llvm::toString(std::move(err)));
    return results;
  }
  std::lock_guard<std::mutex> lock(artifactMutex);
  aicc_status status = aicc_model_set_threads(artifact, threads);
  if (status == AICC_OK)
    status = aicc_model_run(artifact, inputData.data(), outputData.data());
  if (status != AICC_OK)
    throw Failure(status == AICC_ERROR_ARGUMENT ? "InputError"
                  : status == AICC_ERROR_DEVICE ? "DeviceError"
                                                : "Error",
                  aicc_model_error(artifact));
  return results;
}

void Model::save(const std::string &path) {
  if (path.empty())
    throw Failure("Error", "save() needs a path");
  if (!artifactBytes.empty()) {
    writeFileAtomically(path, artifactBytes);
    return;
  }
  if (!source || options.optLevel == 0)
    throw Failure("Error", "artifacts are built from the optimized path; "
                           "compile with opt_level >= 1 to save");
  // A CPU model compiled here: compile its artifact with the same pipeline
  // (the code is the JIT's: same passes, same host CPU).
  ModelSourceBytes current = *source;
  if (!current.path.empty() &&
      llvm::xxh3_64bits(readFile(current.path, "Error")) != current.hash)
    throw Failure("Error", "'" + current.path +
                               "' changed since it was compiled; compile it "
                               "again to save it");
  auto host = aicc::resolveCpuTarget("cpu", "");
  if (!host)
    throw Failure("Error", llvm::toString(host.takeError()));
  CompileContext cc;
  mlir::OwningOpRef<mlir::ModuleOp> module = importSource(cc, current, options);
  if (llvm::Error err = aicc::compileCpuArtifact(
          *module, *host, aicc::CpuOutputKind::SharedObject,
          aicc::ModelSource{llvm::sys::path::filename(current.name).str(),
                            current.hash},
          path, options.verbose, nullptr, boundFingerprints()))
    cc.fail(llvm::toString(std::move(err)));
}

nb::list signaturesToList(const std::vector<Signature> &sigs) {
  nb::list list;
  for (const Signature &sig : sigs) {
    nb::list shape;
    for (int64_t d : sig.shape)
      shape.append(d);
    list.append(
        nb::make_tuple(sig.name, nb::tuple(shape), dtypeName(sig.dtype)));
  }
  return list;
}

} // namespace

NB_MODULE(_aicc, m) {
  m.doc() = "aicc's compiler and runtime (use the aicc package, not this)";
  nb::register_exception_translator([](const std::exception_ptr &p, void *) {
    try {
      std::rethrow_exception(p);
    } catch (const Failure &failure) {
      raiseFailure(failure);
    }
  });

  nb::class_<Model>(m, "Model")
      .def_prop_ro(
          "inputs",
          [](const Model &self) { return signaturesToList(self.inputs); })
      .def_prop_ro(
          "outputs",
          [](const Model &self) { return signaturesToList(self.outputs); })
      .def_prop_ro("target", [](const Model &self) { return self.target; })
      .def_prop_ro("device", [](const Model &self) { return self.device; })
      .def_prop_ro("manifest", [](const Model &self) { return self.manifest; })
      .def_prop_ro("threads", [](const Model &self) { return self.threads; })
      .def_prop_ro("load_error",
                   [](const Model &self) { return self.loadError; })
      .def_prop_ro("kernels",
                   [](const Model &self) {
                     nb::list list;
                     for (const KernelInfo &k : self.kernels)
                       list.append(nb::make_tuple(k.symbol, k.hash, k.root,
                                                  k.schedule, k.nodes));
                     return list;
                   })
      .def("run", &Model::run, "inputs"_a)
      .def(
          "save",
          [](Model &self, const std::string &path) {
            nb::gil_scoped_release release;
            self.save(path);
          },
          "path"_a);

  m.def(
      "compile",
      [](nb::object path, nb::object bytes, const std::string &name,
         const std::string &target, int threads, int optLevel,
         std::vector<std::pair<std::string, std::vector<int64_t>>> shapes,
         std::vector<std::pair<std::string, nb::object>> bind,
         const std::string &gpuArch, const std::string &gpuPrecision,
         int64_t gpuStages, bool gpuFuseRows, bool gpuSplitK,
         bool gpuImplicitGemm, bool verbose) {
        ModelSourceBytes source;
        source.name = name;
        if (!path.is_none())
          source.path = nb::cast<std::string>(path);
        else {
          auto data = nb::cast<nb::bytes>(bytes);
          source.bytes.assign(data.c_str(), data.size());
        }
        CompileOptions options;
        options.target = target;
        options.threads = threads;
        options.optLevel = optLevel;
        options.inputShapes = std::move(shapes);
        for (auto &[name, value] : bind) {
          InputArray array;
          std::optional<aicc_dtype> dtype;
          if (!nb::try_cast(value, array, /*convert=*/true) ||
              !(dtype = fromDlpack(array.dtype())))
            throw Failure("CompileError",
                          "bind: the value of '" + name +
                              "' is not a numpy array of a dtype aicc has");
          std::vector<int64_t> shape(array.ndim());
          for (size_t d = 0; d < array.ndim(); ++d)
            shape[d] = array.shape(d);
          size_t bytes = array.size() * elementBytes(*dtype);
          std::string data(static_cast<const char *>(array.data()), bytes);
          uint64_t fingerprint =
              aicc::manifest::fingerprint(data.data(), data.size());
          options.bound.push_back(
              {name, *dtype, std::move(shape), std::move(data), fingerprint});
        }
        options.gpu.arch = gpuArch;
        options.gpu.precision = gpuPrecision;
        options.gpu.stages = gpuStages;
        options.gpu.fuseRows = gpuFuseRows;
        options.gpu.splitK = gpuSplitK;
        options.gpu.implicitGemm = gpuImplicitGemm;
        options.verbose = verbose;
        nb::gil_scoped_release release;
        return compileModel(std::move(source), std::move(options));
      },
      "path"_a.none(), "data"_a.none(), "name"_a, "target"_a, "threads"_a,
      "opt_level"_a, "input_shapes"_a, "bind"_a, "gpu_arch"_a,
      "gpu_precision"_a, "gpu_stages"_a, "gpu_fuse_rows"_a, "gpu_split_k"_a,
      "gpu_implicit_gemm"_a, "verbose"_a);

  // For tests: the address a call would hand compiled code for `value`
  // (equal to the caller's buffer when it is taken without a copy).
  m.def("_input_address", [](nb::handle value) -> uintptr_t {
    InputArray array;
    if (!nb::try_cast(value, array, /*convert=*/true))
      throw Failure("InputError", "not an array on the CPU");
    return reinterpret_cast<uintptr_t>(array.data());
  });

  m.def(
      "load",
      [](const std::string &path, int threads) {
        nb::gil_scoped_release release;
        return loadModel(path, threads);
      },
      "path"_a, "threads"_a);
}
