//===- ImportOps.h - per-op ONNX node importers (internal) ------*- C++ -*-===//

#ifndef AICC_COMPILER_FRONTEND_ONNX_IMPORTOPS_H
#define AICC_COMPILER_FRONTEND_ONNX_IMPORTOPS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

namespace onnx {
class AttributeProto;
class NodeProto;
} // namespace onnx

namespace aicc::onnx_import {

/// Everything an op importer sees of one node: its inputs (null where the
/// optional input is absent), attributes, opset, and where its outputs go.
class NodeContext {
public:
  /// Returns the compile-time value of a graph input (a block argument of
  /// @main), or null when it is not known.
  using InputValueFn = llvm::function_ref<mlir::DenseElementsAttr(mlir::Value)>;

  NodeContext(mlir::OpBuilder &builder, mlir::Location loc,
              const onnx::NodeProto &node, int64_t opset,
              llvm::SmallVector<mlir::Value> inputs, llvm::StringRef modelDir,
              InputValueFn inputValue)
      : builder(builder), loc(loc), node(node), opset(opset),
        inputs(std::move(inputs)), modelDir(modelDir), inputValue(inputValue) {}

  /// An error that names the node, its op type and opset.
  mlir::InFlightDiagnostic error();

  size_t numInputs() const { return inputs.size(); }
  /// Input `i`, or null when it is absent (past the end or an empty name).
  mlir::Value input(size_t i) const {
    return i < inputs.size() ? inputs[i] : mlir::Value();
  }
  /// Input `i`, with an error when it is absent.
  mlir::FailureOr<mlir::Value> requiredInput(size_t i);
  /// The value of input `i` when it is known at compile time: a constant
  /// (folded), or a graph input whose value the caller supplied.
  mlir::DenseElementsAttr constantInput(size_t i) const;
  /// `constantInput(i)` as int64 values, with an error naming what it is for
  /// when the input is absent or not known at compile time.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  constantInts(size_t i, llvm::StringRef what);

  const onnx::AttributeProto *attribute(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t defaultValue) const;
  float floatAttr(llvm::StringRef name, float defaultValue) const;
  std::string stringAttr(llvm::StringRef name,
                         llvm::StringRef defaultValue) const;
  std::optional<llvm::SmallVector<int64_t>>
  intsAttr(llvm::StringRef name) const;

  mlir::OpBuilder &builder;
  mlir::Location loc;
  const onnx::NodeProto &node;
  int64_t opset;
  llvm::SmallVector<mlir::Value> inputs;
  llvm::StringRef modelDir;
  InputValueFn inputValue;
  /// Filled by the importer: one value per node output.
  llvm::SmallVector<mlir::Value> results;
};

using OpImporter = mlir::LogicalResult (*)(NodeContext &);

/// The importer for ONNX op `opType` of the default domain, or null.
OpImporter lookupOpImporter(llvm::StringRef opType);

} // namespace aicc::onnx_import

#endif // AICC_COMPILER_FRONTEND_ONNX_IMPORTOPS_H
