//===- ImportModel.cpp - ONNX ModelProto → func.func @main of graph ops ---===//
//
// 1. Read and parse the file; check it is an ONNX model we can read.
// 2. Create @main's arguments from the graph inputs that are not initializers.
// 3. Import initializers as constants, then each node in order, resolving its
//    inputs by name (a name not yet defined is an error: ONNX graphs are
//    topologically sorted, so this also rejects cycles).
// 4. Return the graph outputs; verify the module.
//
//===----------------------------------------------------------------------===//

#include "compiler/frontend/onnx/ImportModel.h"
#include "compiler/frontend/onnx/ImportOps.h"
#include "compiler/frontend/onnx/ImportTensor.h"
#include "dialects/graph/IR/GraphDialect.h"

#include "onnx/onnx.pb.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace aicc::onnx_import;
using llvm::Expected;

namespace aicc {

/// Oldest and newest IR versions and default-domain opsets we accept.
static constexpr int64_t kMinIrVersion = 3, kMaxIrVersion = 14;
static constexpr int64_t kMinOpset = 1, kMaxOpset = 25;

void registerOnnxImportDialects(DialectRegistry &registry) {
  registry.insert<graph::GraphDialect, func::FuncDialect>();
}

namespace {

class ModelImporter {
public:
  /// Imports the file at `path`, or with `bytes` the serialized model in
  /// memory that `path` names (it has no folder then: external data is
  /// refused).
  ModelImporter(MLIRContext &ctx, StringRef path,
                const OnnxImportOptions &options,
                std::optional<StringRef> bytes = std::nullopt)
      : ctx(ctx), path(path), options(options), bytes(bytes),
        modelDir(bytes ? "" : llvm::sys::path::parent_path(path)),
        fileLoc(NameLoc::get(StringAttr::get(&ctx, path))) {
    if (modelDir.empty() && !bytes)
      modelDir = ".";
  }

  OwningOpRef<ModuleOp> run();

private:
  LogicalResult parseModel();
  FailureOr<RankedTensorType> inputType(const onnx::ValueInfoProto &info);
  LogicalResult importInputs(OpBuilder &b, func::FuncOp &func);
  LogicalResult importNode(OpBuilder &b, const onnx::NodeProto &node,
                           size_t index);
  Location nodeLoc(const onnx::NodeProto &node, size_t index);

  MLIRContext &ctx;
  StringRef path;
  const OnnxImportOptions &options;
  std::optional<StringRef> bytes;
  std::string modelDir;
  Location fileLoc;
  onnx::ModelProto model;
  int64_t opset = 0;
  llvm::StringMap<Value> values;
};

} // namespace

LogicalResult ModelImporter::parseModel() {
  std::unique_ptr<llvm::MemoryBuffer> file;
  if (!bytes) {
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer)
      return emitError(fileLoc)
             << "cannot open '" << path << "': " << buffer.getError().message();
    file = std::move(*buffer);
  }
  StringRef data = bytes ? *bytes : file->getBuffer();
  if (data.size() > static_cast<size_t>(INT32_MAX) ||
      !model.ParseFromArray(data.data(), static_cast<int>(data.size())))
    return emitError(fileLoc)
           << "'" << path << "' is not a valid ONNX model (protobuf parse "
           << "failed: the file is truncated, corrupt or not ONNX)";
  if (!model.has_ir_version() || !model.has_graph())
    return emitError(fileLoc) << "'" << path
                              << "' is not an ONNX model (no ir_version or "
                                 "graph)";
  if (model.ir_version() < kMinIrVersion || model.ir_version() > kMaxIrVersion)
    return emitError(fileLoc)
           << "unsupported ONNX IR version " << model.ir_version()
           << " (aicc reads " << kMinIrVersion << " to " << kMaxIrVersion
           << ")";
  for (const auto &import : model.opset_import())
    if (import.domain().empty() || import.domain() == "ai.onnx")
      opset = import.version();
  if (opset == 0)
    return emitError(fileLoc) << "the model imports no default-domain opset";
  if (opset < kMinOpset || opset > kMaxOpset)
    return emitError(fileLoc)
           << "unsupported opset " << opset << " (aicc reads " << kMinOpset
           << " to " << kMaxOpset << ")";
  return success();
}

FailureOr<RankedTensorType>
ModelImporter::inputType(const onnx::ValueInfoProto &info) {
  Location loc = NameLoc::get(StringAttr::get(&ctx, info.name()), fileLoc);
  if (!info.type().has_tensor_type())
    return emitError(loc) << "input '" << info.name()
                          << "' is not a tensor: sequence, map and optional "
                             "inputs are not supported";
  const auto &tensorType = info.type().tensor_type();
  Expected<Type> elementType = convertElementType(ctx, tensorType.elem_type());
  if (!elementType)
    return emitError(loc) << "input '" << info.name()
                          << "': " << llvm::toString(elementType.takeError());

  auto bound = options.inputShapes.find(info.name());
  if (bound != options.inputShapes.end()) {
    if (tensorType.has_shape() &&
        static_cast<size_t>(tensorType.shape().dim_size()) !=
            bound->second.size())
      return emitError(loc)
             << "input '" << info.name() << "' is given rank "
             << bound->second.size() << " but the model declares rank "
             << tensorType.shape().dim_size();
    if (tensorType.has_shape())
      for (const auto &[i, dim] : llvm::enumerate(tensorType.shape().dim()))
        if (dim.has_dim_value() && dim.dim_value() != bound->second[i])
          return emitError(loc)
                 << "input '" << info.name() << "' is given size "
                 << bound->second[i] << " in dimension " << i
                 << " but the model declares " << dim.dim_value();
    return RankedTensorType::get(bound->second, *elementType);
  }
  if (!tensorType.has_shape())
    return emitError(loc) << "input '" << info.name()
                          << "' has no shape; give one with --input-shape "
                          << info.name() << "=DxDx...";
  SmallVector<int64_t> shape;
  for (const auto &[i, dim] : llvm::enumerate(tensorType.shape().dim())) {
    if (dim.has_dim_value() && dim.dim_value() >= 0) {
      shape.push_back(dim.dim_value());
      continue;
    }
    return emitError(loc) << "input '" << info.name() << "' has symbolic "
                          << "dimension "
                          << (dim.has_dim_param() ? "'" + dim.dim_param() + "'"
                                                  : std::string("?"))
                          << " at index " << i << "; bind it with "
                          << "--input-shape " << info.name() << "=DxDx...";
  }
  return RankedTensorType::get(shape, *elementType);
}

Location ModelImporter::nodeLoc(const onnx::NodeProto &node, size_t index) {
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  return NameLoc::get(StringAttr::get(&ctx, name), fileLoc);
}

LogicalResult ModelImporter::importNode(OpBuilder &b,
                                        const onnx::NodeProto &node,
                                        size_t index) {
  Location loc = nodeLoc(node, index);
  auto describe = [&](InFlightDiagnostic diag) -> InFlightDiagnostic {
    diag << "node '" << cast<NameLoc>(loc).getName().getValue() << "' ("
         << node.op_type() << ", opset " << opset << "): ";
    return diag;
  };
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return describe(emitError(loc))
           << "operator domain '" << node.domain() << "' is not supported";

  SmallVector<Value> inputs;
  for (const std::string &name : node.input()) {
    if (name.empty()) {
      inputs.push_back(Value());
      continue;
    }
    auto it = values.find(name);
    if (it == values.end())
      return describe(emitError(loc))
             << "input '" << name << "' is not defined by a graph input, an "
             << "initializer or an earlier node";
    inputs.push_back(it->second);
  }

  OpImporter importer = lookupOpImporter(node.op_type());
  if (!importer)
    return describe(emitError(loc))
           << "unsupported operator '" << node.op_type() << "'";

  auto inputValue = [&](Value v) -> DenseElementsAttr {
    auto arg = dyn_cast<BlockArgument>(v);
    if (!arg || !options.inputValue)
      return nullptr;
    auto func = cast<func::FuncOp>(arg.getOwner()->getParentOp());
    auto name =
        func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), kOnnxNameAttr);
    DenseElementsAttr value = options.inputValue(name.getValue());
    return value && value.getType() == arg.getType() ? value : nullptr;
  };
  NodeContext nodeCtx(b, loc, node, opset, std::move(inputs), modelDir,
                      inputValue);
  if (failed(importer(nodeCtx)))
    return failure();
  if (nodeCtx.results.size() < static_cast<size_t>(node.output_size())) {
    // Importers produce every output they support; the rest must be unused.
    for (int i = nodeCtx.results.size(); i < node.output_size(); ++i)
      if (!node.output(i).empty())
        return describe(emitError(loc))
               << "output #" << i << " ('" << node.output(i)
               << "') is not supported";
  }
  for (const auto &[i, name] : llvm::enumerate(node.output())) {
    if (name.empty() || i >= nodeCtx.results.size())
      continue;
    // Every result is checked once here; importers check what they compute.
    auto type = cast<RankedTensorType>(nodeCtx.results[i].getType());
    int64_t count = 1;
    for (int64_t d : type.getShape())
      if (d != 0 && count > (int64_t(1) << 32) / d)
        return describe(emitError(loc))
               << "output '" << name << "' (" << type
               << ") is larger than aicc's limit of 2^32 elements";
      else
        count *= d;
    values[name] = nodeCtx.results[i];
  }
  return success();
}

OwningOpRef<ModuleOp> ModelImporter::run() {
  if (failed(parseModel()))
    return nullptr;
  const onnx::GraphProto &graph = model.graph();

  OpBuilder b(&ctx);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());

  // Arguments: the graph inputs that are not initializers.
  llvm::StringSet<> initializerNames;
  for (const auto &init : graph.initializer())
    initializerNames.insert(init.name());
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  for (const auto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue;
    FailureOr<RankedTensorType> type = inputType(input);
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
    argNames.push_back(input.name());
  }
  auto func =
      func::FuncOp::create(b, fileLoc, "main", b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (const auto &[i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, kOnnxNameAttr, b.getStringAttr(name));
    values[name] = entry->getArgument(i);
  }
  b.setInsertionPointToEnd(entry);

  // Initializers become constants (also those listed as graph inputs: aicc
  // compiles for inference, where they are fixed).
  for (const auto &init : graph.initializer()) {
    Location loc = NameLoc::get(StringAttr::get(&ctx, init.name()), fileLoc);
    Expected<DenseElementsAttr> value = importTensor(ctx, init, modelDir);
    if (!value) {
      emitError(loc) << "initializer '" << init.name()
                     << "': " << llvm::toString(value.takeError());
      return nullptr;
    }
    values[init.name()] = graph::ConstantOp::create(b, loc, *value);
  }

  for (const auto &[i, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(b, node, i)))
      return nullptr;

  SmallVector<Value> results;
  for (const auto &output : graph.output()) {
    auto it = values.find(output.name());
    if (it == values.end()) {
      emitError(NameLoc::get(StringAttr::get(&ctx, output.name()), fileLoc))
          << "graph output '" << output.name() << "' is never defined";
      return nullptr;
    }
    results.push_back(it->second);
  }
  func::ReturnOp::create(b, fileLoc, results);
  func.setType(b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (const auto &[i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, kOnnxNameAttr, b.getStringAttr(output.name()));

  if (failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> importOnnxModel(MLIRContext &ctx, StringRef path,
                                      const OnnxImportOptions &options) {
  ctx.loadDialect<graph::GraphDialect, func::FuncDialect>();
  return ModelImporter(ctx, path, options).run();
}

OwningOpRef<ModuleOp>
importOnnxModelFromBytes(MLIRContext &ctx, StringRef bytes, StringRef name,
                         const OnnxImportOptions &options) {
  ctx.loadDialect<graph::GraphDialect, func::FuncDialect>();
  return ModelImporter(ctx, name, options, bytes).run();
}

} // namespace aicc
