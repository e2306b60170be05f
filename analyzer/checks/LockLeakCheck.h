//===- LockLeakCheck.h - The 'lock-leak' check ----------------------------===//
//
// A lock acquired in a function, held at one return and released before
// another: judged on the function's exit states.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_CHECKS_LOCKLEAKCHECK_H
#define LOCKWISE_CHECKS_LOCKLEAKCHECK_H

#include "checks/Checker.h"

namespace lockwise {

struct LeakObs {
  std::string Lock;
  std::string Function;
  SrcLoc ReturnLoc;   ///< A return reached with the lock held.
  Chain Acquired;     ///< Where it was acquired on that path.
  SrcLoc ReleasedAt;  ///< A release of it on another path to a return.
};

class LockLeakCheck : public Checker, public DataflowCheck {
public:
  const char *id() const override { return "lock-leak"; }
  const char *summary() const override;
  std::vector<DataflowCheck *> dataflows() override { return {this}; }
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;

  llvm::Error begin(const Program &P, const rules::RuleSet &Rules,
                    CheckSlot Slot) override {
    return llvm::Error::success();
  }
  std::unique_ptr<FunctionObserver> observe(const FunctionContext &Fn) override;
  void commit(const FunctionContext &Fn, FunctionObserver &O,
              const Summary &Final) override;

private:
  class Observer;
  std::vector<LeakObs> Found;
};

} // namespace lockwise

#endif
