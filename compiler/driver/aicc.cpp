//===- aicc.cpp - the aicc compiler driver --------------------------------===//
//
// `aicc model.onnx -target=cpu -o model.aicc`: compiles an ONNX model.
// Flags follow LLVM's cl::opt conventions.
//
//===----------------------------------------------------------------------===//

#include "compiler/Version.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::OptionCategory aiccCategory("aicc options");

static cl::opt<std::string> inputFilename(cl::Positional,
                                          cl::desc("<model.onnx>"),
                                          cl::cat(aiccCategory));

static cl::opt<std::string>
    target("target", cl::desc("Target: cpu, cuda, x86_64, aarch64"),
           cl::init("cpu"), cl::cat(aiccCategory));

static cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                           cl::value_desc("filename"),
                                           cl::cat(aiccCategory));

static void printVersion(raw_ostream &os) {
  os << "aicc version " << AICC_VERSION << "\n"
     << "  built with LLVM/MLIR " << AICC_LLVM_VERSION << "\n";
}

/// Prints `aicc: error: <message>` and returns the exit code for errors.
static int fail(const Twine &message) {
  WithColor::error(errs(), "aicc") << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(aiccCategory);
  cl::SetVersionPrinter(printVersion);
  if (!cl::ParseCommandLineOptions(argc, argv, "aicc: ONNX tensor compiler\n",
                                   &errs()))
    return 1;

  if (inputFilename.empty())
    return fail("no input model given (try: aicc model.onnx -target=cpu)");
  if (!sys::fs::exists(inputFilename))
    return fail("cannot open '" + inputFilename + "': no such file");
  if (target != "cpu" && target != "cuda" && target != "x86_64" &&
      target != "aarch64")
    return fail("unknown target '" + target +
                "' (expected cpu, cuda, x86_64 or aarch64)");

  return fail("compiling '" + inputFilename +
              "' is not implemented yet: the ONNX frontend has not landed");
}
