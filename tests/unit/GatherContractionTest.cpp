//===- GatherContractionTest.cpp - which generics are gather contractions -===//

#include "codegen/common/GatherContraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

/// A generic over (n, f, p, k) summing w[f, k] * `b`, where `b` is the body
/// given (which may use %in, %acc, %x: tensor<1x2x4x4xf32>).
std::string generic(const std::string &body, const std::string &b) {
  return R"mlir(
func.func @f(%w: tensor<8x18xf32>, %x: tensor<1x2x4x4xf32>,
             %init: tensor<1x8x16xf32>) -> tensor<1x8x16xf32> {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c9 = arith.constant 9 : index
  %0 = linalg.generic {
      indexing_maps = [affine_map<(n, f, p, k) -> (f, k)>,
                       affine_map<(n, f, p, k) -> (n, f, p)>],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%w : tensor<8x18xf32>) outs(%init : tensor<1x8x16xf32>) {
  ^bb0(%in: f32, %acc: f32):
)mlir" + body +
         R"mlir(
    %m = arith.mulf %in, )mlir" +
         b + R"mlir( : f32
    %s = arith.addf %m, %acc : f32
    linalg.yield %s : f32
  } -> tensor<1x8x16xf32>
  return %0 : tensor<1x8x16xf32>
}
)mlir";
}

class GatherContractionTest : public ::testing::Test {
protected:
  GatherContractionTest() {
    context.loadDialect<arith::ArithDialect, func::FuncDialect,
                        linalg::LinalgDialect, tensor::TensorDialect>();
  }

  /// The generic of `source`'s @f (null if it does not parse).
  linalg::GenericOp parse(const std::string &source) {
    module = parseSourceString<ModuleOp>(source, &context);
    if (!module)
      return nullptr;
    linalg::GenericOp op;
    module->walk([&](linalg::GenericOp g) { op = g; });
    return op;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

// The implicit-GEMM form: b read from %x at indices derived from the loops.
constexpr const char *kGatherBody = R"mlir(
    %p = linalg.index 2 : index
    %k = linalg.index 3 : index
    %c = arith.divui %k, %c9 : index
    %y = arith.divui %p, %c4 : index
    %x0 = arith.remui %p, %c4 : index
    %v = tensor.extract %x[%c0, %c, %y, %x0] : tensor<1x2x4x4xf32>
)mlir";

TEST_F(GatherContractionTest, MatchesAComputedOperand) {
  linalg::GenericOp op = parse(generic(kGatherBody, "%v"));
  ASSERT_TRUE(op);
  std::optional<aicc::GatherContraction> g = aicc::matchGatherContraction(op);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->m, SmallVector<unsigned>({1}));
  EXPECT_EQ(g->n, SmallVector<unsigned>({0, 2}));
  EXPECT_EQ(g->k, SmallVector<unsigned>({3}));
  EXPECT_TRUE(isa<tensor::ExtractOp>(g->b.getDefiningOp()));
  // Both linalg.index ops, the arithmetic and the read, in body order.
  ASSERT_EQ(g->bSlice.size(), 6u);
  EXPECT_TRUE(isa<linalg::IndexOp>(g->bSlice.front()));
  EXPECT_EQ(g->bSlice.back(), g->b.getDefiningOp());

  // Cloned at given loop indices: no linalg.index survives, the read uses
  // the new values.
  OpBuilder builder(&context);
  builder.setInsertionPoint(op);
  Location loc = op.getLoc();
  SmallVector<Value> indices;
  for (int64_t i : {0, 1, 5, 7})
    indices.push_back(arith::ConstantIndexOp::create(builder, loc, i));
  Value clone = aicc::cloneGatheredValue(builder, *g, indices);
  auto read = clone.getDefiningOp<tensor::ExtractOp>();
  ASSERT_TRUE(read);
  EXPECT_EQ(read->getBlock(), op->getBlock());
  auto channel = read.getIndices()[1].getDefiningOp<arith::DivUIOp>();
  ASSERT_TRUE(channel);
  EXPECT_EQ(channel.getLhs(), indices[3]);
  auto row = read.getIndices()[2].getDefiningOp<arith::DivUIOp>();
  ASSERT_TRUE(row);
  EXPECT_EQ(row.getLhs(), indices[2]);
}

TEST_F(GatherContractionTest, RejectsOperandsOfTheBlock) {
  // b computed from the input element: not a second operand.
  linalg::GenericOp op =
      parse(generic("    %v = arith.negf %in : f32\n", "%v"));
  ASSERT_TRUE(op);
  EXPECT_FALSE(aicc::matchGatherContraction(op).has_value());
  // The input squared.
  op = parse(generic("", "%in"));
  ASSERT_TRUE(op);
  EXPECT_FALSE(aicc::matchGatherContraction(op).has_value());
}

TEST_F(GatherContractionTest, RejectsTwoInputContractions) {
  linalg::GenericOp op = parse(R"mlir(
func.func @f(%a: tensor<8x16xf32>, %b: tensor<16x4xf32>,
             %c: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %0 = linalg.generic {
      indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                       affine_map<(m, n, k) -> (k, n)>,
                       affine_map<(m, n, k) -> (m, n)>],
      iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<8x16xf32>, tensor<16x4xf32>)
      outs(%c : tensor<8x4xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %m, %acc : f32
    linalg.yield %s : f32
  } -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}
)mlir");
  ASSERT_TRUE(op);
  EXPECT_FALSE(aicc::matchGatherContraction(op).has_value());
}

} // namespace
