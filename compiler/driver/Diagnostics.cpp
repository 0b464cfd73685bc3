//===- Diagnostics.cpp - MLIR diagnostics as aicc reports them ------------===//

#include "compiler/driver/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>

namespace aicc {

std::string DiagnosticRecord::node() const {
  return names.size() > 1 ? names.back() : std::string();
}

std::string DiagnosticRecord::format() const {
  std::string text;
  if (!fileLocation.empty())
    text += fileLocation + ": ";
  for (const std::string &name : names)
    text += name + ": ";
  text += severity + ": " + message;
  for (const std::string &note : notes)
    text += "\n  note: " + note;
  return text;
}

DiagnosticRecord recordDiagnostic(const mlir::Diagnostic &diag) {
  DiagnosticRecord record;
  switch (diag.getSeverity()) {
  case mlir::DiagnosticSeverity::Error:
    record.severity = "error";
    break;
  case mlir::DiagnosticSeverity::Warning:
    record.severity = "warning";
    break;
  case mlir::DiagnosticSeverity::Note:
    record.severity = "note";
    break;
  case mlir::DiagnosticSeverity::Remark:
    record.severity = "remark";
    break;
  }
  record.message = diag.str();
  mlir::Location loc = diag.getLocation();
  while (auto name = llvm::dyn_cast<mlir::NameLoc>(loc)) {
    record.names.push_back(name.getName().getValue().str());
    loc = name.getChildLoc();
  }
  std::reverse(record.names.begin(), record.names.end());
  if (auto file = llvm::dyn_cast<mlir::FileLineColLoc>(loc))
    record.fileLocation =
        (file.getFilename().getValue() + ":" + llvm::Twine(file.getLine()) +
         ":" + llvm::Twine(file.getColumn()))
            .str();
  for (const mlir::Diagnostic &note : diag.getNotes())
    record.notes.push_back(note.str());
  return record;
}

} // namespace aicc
