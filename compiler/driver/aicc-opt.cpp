//===- aicc-opt.cpp - mlir-opt with aicc's dialects and passes ------------===//
//
// The tool behind aicc's lit tests: parses MLIR, runs passes, prints MLIR.
//
//===----------------------------------------------------------------------===//

#include "compiler/pipeline/Pipelines.h"
#include "dialects/graph/IR/GraphDialect.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  aicc::registerPipelines();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  aicc::registerPipelineDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "aicc modular optimizer driver\n", registry));
}
