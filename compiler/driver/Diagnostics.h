//===- Diagnostics.h - MLIR diagnostics as aicc reports them ----*- C++ -*-===//
//
// The importer locates ops at NameLoc(node, NameLoc(model)); a diagnostic is
// reported as `model.onnx: node: error: message`, by the command line tools
// and by the Python bindings (which also keep its parts).
//
//===----------------------------------------------------------------------===//

#ifndef AICC_COMPILER_DRIVER_DIAGNOSTICS_H
#define AICC_COMPILER_DRIVER_DIAGNOSTICS_H

#include <string>
#include <vector>

namespace mlir {
class Diagnostic;
} // namespace mlir

namespace aicc {

struct DiagnosticRecord {
  std::string severity; // "error", "warning", "note" or "remark"
  std::string message;
  /// The names the location carries, outermost first: the model, then the
  /// ONNX node (or input, initializer) at fault.
  std::vector<std::string> names;
  /// `file:line:col` when the location has one (IR read from text).
  std::string fileLocation;
  std::vector<std::string> notes;

  /// The innermost name: the node or input at fault ("" if none).
  std::string node() const;
  /// `model.onnx: node: error: message`, then one `  note: ...` per note.
  std::string format() const;
};

DiagnosticRecord recordDiagnostic(const mlir::Diagnostic &diag);

} // namespace aicc

#endif // AICC_COMPILER_DRIVER_DIAGNOSTICS_H
