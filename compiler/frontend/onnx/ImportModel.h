//===- ImportModel.h - ONNX model → graph dialect ---------------*- C++ -*-===//
//
// The ONNX frontend's entry point: reads a ModelProto file and builds a module
// with one `func.func @main` of graph-dialect ops.
//
//===----------------------------------------------------------------------===//

#ifndef AICC_COMPILER_FRONTEND_ONNX_IMPORTMODEL_H
#define AICC_COMPILER_FRONTEND_ONNX_IMPORTMODEL_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <functional>

namespace aicc {

struct OnnxImportOptions {
  /// Static shapes for graph inputs, by input name; they bind symbolic
  /// dimensions (`--input-shape x=1x3x224x224`).
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;

  /// The value of a graph input known when compiling (`aicc run` knows them
  /// all), or null. Used only where an op needs a compile-time value, such
  /// as Reshape's shape or Slice's starts: the compiled code is then
  /// specialized on that value.
  std::function<mlir::DenseElementsAttr(llvm::StringRef name)> inputValue;
};

/// The attribute on @main's arguments and results holding the ONNX name.
inline constexpr llvm::StringLiteral kOnnxNameAttr = "aicc.name";

/// Imports the ONNX model at `path`. On failure, the errors (each naming the
/// node or input at fault) go to the context's diagnostic handler and the
/// result is null.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxModel(mlir::MLIRContext &ctx, llvm::StringRef path,
                const OnnxImportOptions &options = {});

/// Imports a serialized ModelProto held in memory; `name` stands for the
/// model in diagnostics. Such a model has no folder, so tensors stored as
/// external data are refused (with an error naming the initializer).
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxModelFromBytes(mlir::MLIRContext &ctx, llvm::StringRef bytes,
                         llvm::StringRef name,
                         const OnnxImportOptions &options = {});

/// Registers the dialects the importer creates ops of.
void registerOnnxImportDialects(mlir::DialectRegistry &registry);

} // namespace aicc

#endif // AICC_COMPILER_FRONTEND_ONNX_IMPORTMODEL_H
