//===- EmitArtifact.cpp - CPU object code and loadable artifacts ----------===//
//
// 1. Translate the LLVM dialect to LLVM IR for the target's triple and layout.
// 2. Add `aicc_entry(void **args)`, which unpacks MLIR's packed arguments
//    and calls @main, and the `aicc_manifest` string.
// 3. Make everything else internal (no symbol of the model, `main` included,
//    can bind to the loading process), optimize at O3, emit code.
// 4. Shared objects: link with `cc -shared` against libomp; every file is
//    written to a temporary name and renamed into place.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/EmitArtifact.h"
#include "compiler/Version.h"
#include "runtime/src/ManifestFormat.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"

#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"
#include <climits>
#include <dlfcn.h>

using namespace mlir;

namespace aicc {

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static void initializeTargets() {
  static bool done = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return true;
  }();
  (void)done;
}

llvm::Expected<CpuTargetSpec> resolveCpuTarget(llvm::StringRef target,
                                               llvm::StringRef mcpu) {
  CpuTargetSpec spec;
  if (target == "cpu") {
    spec.isHost = true;
    spec.triple = llvm::sys::getProcessTriple();
    spec.cpu = mcpu.empty() ? llvm::sys::getHostCPUName().str() : mcpu.str();
    if (mcpu.empty()) {
      std::vector<std::string> features;
      for (const auto &f : llvm::sys::getHostCPUFeatures())
        if (f.getValue())
          features.push_back("+" + f.getKey().str());
      llvm::sort(features);
      spec.features = llvm::join(features, ",");
    }
  } else if (target == "x86_64") {
    spec.triple = "x86_64-unknown-linux-gnu";
    spec.cpu = mcpu.empty() ? "x86-64-v3" : mcpu.str();
  } else if (target == "aarch64") {
    spec.triple = "aarch64-unknown-linux-gnu";
    spec.cpu = mcpu.empty() ? "generic" : mcpu.str();
  } else {
    return makeError("unknown CPU target '" + target +
                     "' (expected cpu, x86_64 or aarch64)");
  }
  auto machine = createTargetMachine(spec);
  if (!machine)
    return machine.takeError();
  const llvm::MCSubtargetInfo *sti = (*machine)->getMCSubtargetInfo();
  if (llvm::Triple(spec.triple).isX86()) {
    spec.vectorBits = sti->checkFeatures("+avx512f") ? 512
                      : sti->checkFeatures("+avx2")  ? 256
                                                     : 128;
    spec.vectorRegisters = spec.vectorBits == 512 ? 32 : 16;
  } else {
    spec.vectorBits = 128; // NEON
    spec.vectorRegisters = 32;
  }
  return spec;
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const CpuTargetSpec &spec) {
  initializeTargets();
  llvm::Triple triple(spec.triple);
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return makeError("no LLVM target for '" + spec.triple + "': " + error);
  {
    // Reject CPU names the target does not know (instead of LLVM's warning
    // and generic code): ask a subtarget created for the generic CPU.
    std::unique_ptr<llvm::MCSubtargetInfo> sti(
        target->createMCSubtargetInfo(triple, "", ""));
    if (!sti || !sti->isCPUStringValid(spec.cpu))
      return makeError("unknown -mcpu '" + spec.cpu + "' for " + spec.triple);
  }
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, spec.cpu, spec.features, options, llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return makeError("cannot create a target machine for " + spec.triple);
  return machine;
}

std::string ArtifactManifest::render(const CpuTargetSpec &target) const {
  using manifest::escape;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "aicc-artifact " << manifest::kFormatVersion << "\n"
     << "aicc-version " << AICC_VERSION << "\n"
     << "model " << escape(modelName) << " " << modelHash << "\n"
     << "target " << escape(target.triple) << " " << escape(target.cpu) << " "
     << escape(target.features) << "\n";
  if (!device.empty())
    os << "device " << device << "\n";
  auto tensors = [&](const char *kind, const std::vector<Tensor> &list) {
    for (const Tensor &t : list) {
      os << kind << " " << escape(t.name) << " " << t.dtype << " ";
      if (t.shape.empty())
        os << "scalar";
      for (auto [i, d] : llvm::enumerate(t.shape))
        os << (i ? "x" : "") << d;
      os << "\n";
    }
  };
  tensors("input", inputs);
  tensors("output", outputs);
  for (const auto &[name, print] : bound)
    os << "bound " << escape(name) << " " << llvm::utohexstr(print, true, 16)
       << "\n";
  if (workspaceBytes)
    os << "workspace " << *workspaceBytes << "\n";
  for (const Kernel &k : kernels)
    os << "kernel " << escape(k.symbol) << " " << k.hash << " "
       << escape(k.schedule) << "\n";
  return text;
}

/// `aicc_entry(void **args)`: args[i] points to @main's i-th parameter.
static llvm::Error addEntryPoint(llvm::Module &module) {
  llvm::Function *main = module.getFunction("main");
  if (!main || main->isDeclaration())
    return makeError("the compiled module has no @main");
  llvm::LLVMContext &ctx = module.getContext();
  auto *ptrType = llvm::PointerType::getUnqual(ctx);
  auto *entryType = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx),
                                            {ptrType}, /*isVarArg=*/false);
  auto *entry =
      llvm::Function::Create(entryType, llvm::GlobalValue::ExternalLinkage,
                             manifest::kEntrySymbol, module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", entry));
  llvm::SmallVector<llvm::Value *> args;
  for (llvm::Argument &param : main->args()) {
    llvm::Value *slot =
        b.CreateConstGEP1_64(ptrType, entry->getArg(0), param.getArgNo());
    llvm::Value *ptr = b.CreateLoad(ptrType, slot);
    args.push_back(b.CreateLoad(param.getType(), ptr));
  }
  b.CreateCall(main, args);
  b.CreateRetVoid();
  return llvm::Error::success();
}

static void addManifest(llvm::Module &module, llvm::StringRef text) {
  llvm::Constant *data =
      llvm::ConstantDataArray::getString(module.getContext(), text, true);
  new llvm::GlobalVariable(module, data->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, data,
                           manifest::kManifestSymbol);
}

void internalizeAllBut(llvm::Module &module,
                       llvm::ArrayRef<llvm::StringRef> keep) {
  for (llvm::Function &f : module)
    if (!f.isDeclaration() && !llvm::is_contained(keep, f.getName()))
      f.setLinkage(llvm::GlobalValue::InternalLinkage);
  for (llvm::GlobalVariable &g : module.globals())
    if (!g.isDeclaration() && !llvm::is_contained(keep, g.getName()) &&
        !g.getName().starts_with("llvm.")) // llvm.global_ctors & co.
      g.setLinkage(llvm::GlobalValue::InternalLinkage);
}

/// A temporary file next to `finalPath` (same file system, so rename is
/// atomic), removed when it goes out of scope unless kept.
struct TempFile {
  llvm::SmallString<256> path;
  bool keep = false;
  ~TempFile() {
    if (!keep && !path.empty())
      llvm::sys::fs::remove(path);
  }
};

static llvm::Error createTemp(llvm::StringRef finalPath, llvm::StringRef suffix,
                              TempFile &temp) {
  int fd;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(
          finalPath + ".tmp-%%%%%%" + suffix, fd, temp.path))
    return makeError("cannot create a file next to '" + finalPath +
                     "': " + ec.message());
  llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  return llvm::Error::success();
}

static llvm::Error emitCode(llvm::Module &module, llvm::TargetMachine &machine,
                            llvm::CodeGenFileType type, llvm::StringRef path) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return makeError("cannot write '" + path + "': " + ec.message());
  llvm::legacy::PassManager passes;
  if (machine.addPassesToEmitFile(passes, os, nullptr, type))
    return makeError("the target cannot emit this file type");
  passes.run(module);
  os.flush();
  if (os.has_error())
    return makeError("cannot write '" + path + "': " + os.error().message());
  return llvm::Error::success();
}

/// The folder of libaicc_runtime.so that device artifacts link against: the
/// build's, or where it was installed (pip install puts it beside the Python
/// extension, which has it loaded already).
static std::string runtimeLibraryDir() {
  llvm::SmallString<256> built(AICC_RUNTIME_DIR);
  llvm::sys::path::append(built, "libaicc_runtime.so");
  if (llvm::sys::fs::exists(built))
    return AICC_RUNTIME_DIR;
  if (void *handle = dlopen("libaicc_runtime.so", RTLD_LAZY | RTLD_NOLOAD)) {
    char origin[PATH_MAX] = "";
    bool found = dlinfo(handle, RTLD_DI_ORIGIN, origin) == 0;
    dlclose(handle);
    if (found)
      return origin;
  }
  return AICC_RUNTIME_DIR;
}

static llvm::Error linkSharedObject(llvm::StringRef object,
                                    llvm::StringRef output, bool device) {
  auto cc = llvm::sys::findProgramByName("cc");
  if (!cc)
    return makeError("linking an artifact needs a C compiler driver ('cc') "
                     "on PATH; --emit=obj writes the object file alone");
  llvm::StringRef libomp = AICC_LIBOMP_PATH;
  std::string rpath =
      ("-Wl,-rpath," + llvm::sys::path::parent_path(libomp)).str();
  std::string runtimeDir = "-L" + runtimeLibraryDir();
  llvm::SmallVector<llvm::StringRef> args = {*cc, "-shared", "-o", output,
                                             object};
  if (device) // the runtime that loads it provides the launch functions
    args.append({runtimeDir, "-laicc_runtime"});
  else
    args.append({libomp, rpath});
  args.push_back("-lm");
  TempFile log;
  if (llvm::Error err = createTemp(output, ".log", log))
    return err;
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.path.str(),
                                                log.path.str()};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*cc, args, std::nullopt, redirects, 0, 0,
                                     &message);
  if (rc != 0) {
    auto text = llvm::MemoryBuffer::getFile(log.path);
    return makeError("linking the artifact failed (" + llvm::Twine(rc) + "): " +
                     message + (text ? (*text)->getBuffer().trim() : ""));
  }
  return llvm::Error::success();
}

llvm::Error emitCpuArtifact(ModuleOp llvmModule,
                            const ArtifactManifest &manifest,
                            const CpuTargetSpec &target, CpuOutputKind kind,
                            llvm::StringRef outputPath) {
  if (kind == CpuOutputKind::SharedObject && !target.isHost)
    return makeError("a loadable artifact is built for the host only (for "
                     "-target=" +
                     target.triple + " use --emit=obj or --emit=asm)");
  auto machine = createTargetMachine(target);
  if (!machine)
    return machine.takeError();
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module =
      translateModuleToLLVMIR(llvmModule, context, "aicc_model");
  if (!module)
    return makeError("translation to LLVM IR failed");
  module->setTargetTriple(llvm::Triple(target.triple));
  module->setDataLayout((*machine)->createDataLayout());
  if (llvm::Error err = addEntryPoint(*module))
    return err;
  addManifest(*module, manifest.render(target));
  internalizeAllBut(*module,
                    {manifest::kEntrySymbol, manifest::kManifestSymbol});
  if (llvm::Error err =
          makeOptimizingTransformer(3, 0, machine->get())(module.get()))
    return err;

  TempFile temp;
  if (kind == CpuOutputKind::SharedObject) {
    TempFile object;
    if (llvm::Error err = createTemp(outputPath, ".o", object))
      return err;
    if (llvm::Error err = emitCode(
            *module, **machine, llvm::CodeGenFileType::ObjectFile, object.path))
      return err;
    if (llvm::Error err = createTemp(outputPath, ".so", temp))
      return err;
    if (llvm::Error err =
            linkSharedObject(object.path, temp.path, !manifest.device.empty()))
      return err;
  } else {
    if (llvm::Error err = createTemp(outputPath, "", temp))
      return err;
    if (llvm::Error err = emitCode(*module, **machine,
                                   kind == CpuOutputKind::Object
                                       ? llvm::CodeGenFileType::ObjectFile
                                       : llvm::CodeGenFileType::AssemblyFile,
                                   temp.path))
      return err;
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp.path, outputPath))
    return makeError("cannot write '" + outputPath + "': " + ec.message());
  temp.keep = true;
  return llvm::Error::success();
}

} // namespace aicc
