//===- SchedDialect.cpp - the aicc dialect and #aicc.schedule -------------===//

#include "dialects/sched/IR/SchedDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace aicc::sched;

#include "dialects/sched/IR/SchedDialect.cpp.inc"

/// `[1, 2, 3]`, possibly empty.
static ParseResult parseIntList(AsmParser &parser,
                                SmallVector<int64_t> &values) {
  return parser.parseCommaSeparatedList(
      AsmParser::Delimiter::Square, [&]() -> ParseResult {
        return parser.parseInteger(values.emplace_back());
      });
}

static void printIntList(AsmPrinter &printer, ArrayRef<int64_t> values) {
  printer << '[';
  llvm::interleaveComma(values, printer);
  printer << ']';
}

/// `source`'s string, then the optional GPU fields: `, mma = "..."`,
/// `, lanes = N`, `, stages = N`.
static ParseResult parseSourceAndGpuFields(AsmParser &parser,
                                           std::string &source,
                                           std::string &mma, int64_t &lanes,
                                           int64_t &stages) {
  if (parser.parseString(&source))
    return failure();
  while (succeeded(parser.parseOptionalComma())) {
    StringRef key;
    if (parser.parseKeyword(&key) || parser.parseEqual())
      return failure();
    if (key == "mma") {
      if (parser.parseString(&mma))
        return failure();
    } else if (key == "lanes") {
      if (parser.parseInteger(lanes))
        return failure();
    } else if (key == "stages") {
      if (parser.parseInteger(stages))
        return failure();
    } else {
      return parser.emitError(parser.getCurrentLocation(),
                              "expected 'mma', 'lanes' or 'stages', not '")
             << key << "'";
    }
  }
  return success();
}

static void printSourceAndGpuFields(AsmPrinter &printer, StringRef source,
                                    StringRef mma, int64_t lanes,
                                    int64_t stages) {
  printer.printString(source);
  if (!mma.empty()) {
    printer << ", mma = ";
    printer.printString(mma);
  }
  if (lanes != 0)
    printer << ", lanes = " << lanes;
  if (stages != 0)
    printer << ", stages = " << stages;
}

#define GET_ATTRDEF_CLASSES
#include "dialects/sched/IR/SchedAttrs.cpp.inc"

void SchedDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/sched/IR/SchedAttrs.cpp.inc"
      >();
}

LogicalResult ScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   ArrayRef<int64_t> threadTile,
                                   ArrayRef<int64_t> vectorTile,
                                   ArrayRef<int64_t> order,
                                   ArrayRef<int64_t> parallel, int64_t unroll,
                                   StringRef source, StringRef mma,
                                   int64_t lanes, int64_t stages) {
  size_t n = threadTile.size();
  if (vectorTile.size() != n || order.size() != n)
    return emitError() << "thread_tile, vector_tile and order must have one "
                          "entry per loop; got "
                       << n << ", " << vectorTile.size() << " and "
                       << order.size();
  for (auto tiles : {threadTile, vectorTile})
    if (llvm::any_of(tiles, [](int64_t t) { return t < 0; }))
      return emitError() << "tile sizes must be >= 0";
  llvm::SmallBitVector seen(n);
  for (int64_t loop : order) {
    if (loop < 0 || loop >= static_cast<int64_t>(n) || seen.test(loop))
      return emitError() << "order must be a permutation of [0, " << n << ")";
    seen.set(loop);
  }
  seen.reset();
  for (int64_t loop : parallel) {
    if (loop < 0 || loop >= static_cast<int64_t>(n) || seen.test(loop))
      return emitError() << "parallel loop " << loop
                         << " is out of range or repeated";
    seen.set(loop);
  }
  if (unroll < 1)
    return emitError() << "unroll must be >= 1";
  if (source != "heuristic" && source != "explicit" && source != "tuned")
    return emitError() << "source must be \"heuristic\", \"explicit\" or "
                          "\"tuned\", not \""
                       << source << "\"";
  if (!mma.empty() && mma != kMmaTf32 && mma != kMmaF16 && mma != kMmaBf16 &&
      mma != kWgmmaTf32 && mma != kWgmmaF16 && mma != kWgmmaBf16)
    return emitError() << "mma must be \"" << kMmaTf32 << "\", \"" << kMmaF16
                       << "\", \"" << kMmaBf16 << "\", \"" << kWgmmaTf32
                       << "\", \"" << kWgmmaF16 << "\", \"" << kWgmmaBf16
                       << "\" or absent, not \"" << mma << "\"";
  if (lanes != 0 && lanes != 32)
    return emitError() << "lanes must be 32 (a warp) or absent, not " << lanes;
  if (lanes != 0 && !mma.empty())
    return emitError() << "a schedule has lanes or mma, not both";
  if (stages < 0 || stages > kMaxStages)
    return emitError() << "stages must be between 0 and " << kMaxStages
                       << ", not " << stages;
  if (stages != 0 && mma.empty())
    return emitError() << "stages stage an mma schedule's operands in shared "
                          "memory; this schedule has no mma";
  if (stages == 0 && isWgmma(mma))
    return emitError() << "\"" << mma << "\" reads its operands from shared "
                       << "memory: it needs stages";
  return success();
}

StringRef aicc::sched::mmaFor(Type element, bool wgmma) {
  if (element.isF32())
    return wgmma ? kWgmmaTf32 : kMmaTf32;
  if (element.isF16())
    return wgmma ? kWgmmaF16 : kMmaF16;
  if (element.isBF16())
    return wgmma ? kWgmmaBf16 : kMmaBf16;
  return "";
}

LogicalResult aicc::sched::verifyScheduleFor(Operation *op,
                                             ScheduleAttr schedule) {
  auto tileable = dyn_cast<TilingInterface>(op);
  if (!tileable)
    return op->emitOpError()
           << "carries " << kScheduleAttr << " but cannot be tiled";
  SmallVector<utils::IteratorType> iterators = tileable.getLoopIteratorTypes();
  if (schedule.getThreadTile().size() != iterators.size())
    return op->emitOpError()
           << "has " << iterators.size() << " loops but its schedule has "
           << schedule.getThreadTile().size() << " tile sizes per level";
  // The mma's operands: the inputs (one for a gather contraction, whose B
  // the body computes).
  ValueRange inputs = op->getOperands().take_front(2);
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(op))
    inputs = dps.getDpsInputs();
  if (!schedule.getMma().empty())
    for (Value operand : inputs)
      if (StringRef mma = mmaFor(getElementTypeOrSelf(operand.getType()),
                                 isWgmma(schedule.getMma()));
          mma != schedule.getMma())
        return op->emitOpError()
               << "schedule's mma \"" << schedule.getMma()
               << "\" does not take operands of type " << operand.getType();
  for (auto [loop, kind] : llvm::enumerate(iterators)) {
    if (kind != utils::IteratorType::reduction)
      continue;
    if (llvm::is_contained(schedule.getParallel(), (int64_t)loop))
      return op->emitOpError()
             << "schedule runs reduction loop " << loop << " in parallel";
  }
  return success();
}

LogicalResult SchedDialect::verifyOperationAttribute(Operation *op,
                                                     NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == kScheduleAttr) {
    auto schedule = dyn_cast<ScheduleAttr>(attr.getValue());
    if (!schedule)
      return op->emitOpError()
             << kScheduleAttr << " must be an #aicc.schedule attribute";
    return verifyScheduleFor(op, schedule);
  }
  if (name == kKernelAttr) {
    if (!isa<UnitAttr>(attr.getValue()) || !isa<FunctionOpInterface>(op))
      return op->emitOpError()
             << kKernelAttr << " must be a unit attribute on a function";
    return success();
  }
  if (name == kKernelHashAttr && !isa<StringAttr>(attr.getValue()))
    return op->emitOpError() << kKernelHashAttr << " must be a string";
  return success();
}
