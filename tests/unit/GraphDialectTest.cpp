//===- GraphDialectTest.cpp - graph ops built from C++ infer their types --===//

#include "dialects/graph/IR/GraphDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace aicc::graph;

namespace {

/// Builds ops inside `func @f(args...)` so they can be verified as a module.
class GraphDialectTest : public ::testing::Test {
protected:
  GraphDialectTest() : builder(&context), loc(builder.getUnknownLoc()) {
    context.loadDialect<GraphDialect, func::FuncDialect>();
    module = ModuleOp::create(loc);
  }

  /// Creates the function with one argument per shape (f32 unless given) and
  /// returns its arguments; the builder then inserts into its body.
  SmallVector<Value> makeFunction(ArrayRef<RankedTensorType> argTypes) {
    builder.setInsertionPointToEnd(module->getBody());
    SmallVector<Type> types(argTypes.begin(), argTypes.end());
    auto func = func::FuncOp::create(builder, loc, "f",
                                     builder.getFunctionType(types, {}));
    Block *entry = func.addEntryBlock();
    builder.setInsertionPointToEnd(entry);
    return SmallVector<Value>(entry->getArguments());
  }

  RankedTensorType f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, builder.getF32Type());
  }

  MLIRContext context;
  OpBuilder builder;
  Location loc;
  OwningOpRef<ModuleOp> module;
};

TEST_F(GraphDialectTest, AddInfersBroadcastShape) {
  auto args = makeFunction({f32({4, 1, 3}), f32({5, 1})});
  auto add = AddOp::create(builder, loc, args[0], args[1]);
  EXPECT_EQ(add.getType(), f32({4, 5, 3}));
}

TEST_F(GraphDialectTest, MatMulInfersNumpyShapes) {
  auto args = makeFunction({f32({7, 2, 3}), f32({3, 4}), f32({3})});
  EXPECT_EQ(MatMulOp::create(builder, loc, args[0], args[1]).getType(),
            f32({7, 2, 4}));
  EXPECT_EQ(MatMulOp::create(builder, loc, args[0], args[2]).getType(),
            f32({7, 2}));
  EXPECT_EQ(MatMulOp::create(builder, loc, args[2], args[1]).getType(),
            f32({4}));
  func::ReturnOp::create(builder, loc);
  EXPECT_TRUE(succeeded(verify(*module)));
}

TEST_F(GraphDialectTest, TransposeInfersPermutedShape) {
  auto args = makeFunction({f32({2, 3, 4})});
  auto transpose = TransposeOp::create(builder, loc, args[0],
                                       builder.getDenseI64ArrayAttr({2, 0, 1}));
  EXPECT_EQ(transpose.getType(), f32({4, 2, 3}));
}

TEST_F(GraphDialectTest, ReshapeWithWrongElementCountFailsToVerify) {
  auto args = makeFunction({f32({2, 3})});
  ReshapeOp::create(builder, loc, f32({7}), args[0]);
  func::ReturnOp::create(builder, loc);

  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  EXPECT_TRUE(failed(verify(*module)));
  EXPECT_NE(message.find("input has 6 elements but the result has 7"),
            std::string::npos)
      << message;
}

TEST_F(GraphDialectTest, ConstantFoldsToItsValue) {
  makeFunction({});
  auto value = DenseElementsAttr::get(f32({2}), ArrayRef<float>{1.0f, 2.0f});
  auto constant = ConstantOp::create(builder, loc, value);
  SmallVector<OpFoldResult> folded;
  ASSERT_TRUE(succeeded(constant->fold(folded)));
  ASSERT_EQ(folded.size(), 1u);
  EXPECT_EQ(dyn_cast<Attribute>(folded[0]), value);
}

} // namespace
