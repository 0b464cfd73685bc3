//===- ConvertGraphToLinalg.cpp - the aicc-convert-graph-to-linalg pass ---===//

#include "dialects/graph/Conversion/Passes.h"
#include "dialects/graph/IR/GraphDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#define DEBUG_TYPE "aicc-convert-graph-to-linalg"

namespace aicc::graph {
#define GEN_PASS_DEF_CONVERTGRAPHTOLINALGPASS
#include "dialects/graph/Conversion/Passes.h.inc"
} // namespace aicc::graph

using namespace mlir;

namespace {
struct ConvertGraphToLinalgPass
    : aicc::graph::impl::ConvertGraphToLinalgPassBase<
          ConvertGraphToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    TypeConverter converter;
    aicc::graph::populateGraphToLinalgTypeConversion(converter);

    ConversionTarget target(*ctx);
    target.addIllegalDialect<aicc::graph::GraphDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType());
    });
    target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp op) { return converter.isLegal(op); });

    RewritePatternSet patterns(ctx);
    aicc::graph::populateGraphToLinalgConversionPatterns(converter, patterns);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
