//===- DoubleUnlockCheck.h - The 'double-unlock' check --------------------===//
//
// A release of a lock the path released before and does not hold, spelled
// as the same instance; or of a lock the path tried to take and failed.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_CHECKS_DOUBLEUNLOCKCHECK_H
#define LOCKWISE_CHECKS_DOUBLEUNLOCKCHECK_H

#include "checks/Checker.h"

namespace lockwise {

struct DoubleUnlockObs {
  std::string Lock;
  std::string Function;
  SrcLoc Loc;
  Chain Second;       ///< The chain to the second release.
  Chain FirstRelease; ///< Where it was released before on this path.
  /// Never taken: FirstRelease is the try-lock that failed.
  bool NotTaken = false;
};

class DoubleUnlockCheck : public Checker, public DataflowCheck {
public:
  const char *id() const override { return "double-unlock"; }
  const char *summary() const override;
  std::vector<DataflowCheck *> dataflows() override { return {this}; }
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;

  llvm::Error begin(const Program &, const rules::RuleSet &, CheckSlot S) override {
    Slot = S;
    return llvm::Error::success();
  }
  std::unique_ptr<FunctionObserver> observe(const FunctionContext &Fn) override;
  void commit(const FunctionContext &Fn, FunctionObserver &O,
              const Summary &Final) override;

private:
  class Observer;
  class FailedTries;
  CheckSlot Slot;
  std::vector<DoubleUnlockObs> Found;
};

} // namespace lockwise

#endif
