//===- BrokenHoldCheck.h - The 'broken-hold' check ------------------------===//
//
// held_continuously rules: between a call of the rule's "from" function
// and a call of its "to" function the lock must stay held.  Per path the
// check keeps the rules armed by a "from" call, and whether the lock has
// been released since.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_CHECKS_BROKENHOLDCHECK_H
#define LOCKWISE_CHECKS_BROKENHOLDCHECK_H

#include "checks/Checker.h"

namespace lockwise {

/// A lock released between the two calls of a held_continuously rule.
struct BrokenHoldObs {
  std::string Lock;
  std::string Function;
  std::string From, To, Why;
  SrcLoc FromLoc, ReleaseLoc, ToLoc;
};

class BrokenHoldCheck : public Checker, public DataflowCheck {
public:
  const char *id() const override { return "broken-hold"; }
  const char *summary() const override;
  std::vector<DataflowCheck *> dataflows() override { return {this}; }
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;

  llvm::Error begin(const Program &P, const rules::RuleSet &Rules,
                    CheckSlot Slot) override;
  std::unique_ptr<FunctionObserver> observe(const FunctionContext &Fn) override;
  void commit(const FunctionContext &Fn, FunctionObserver &O,
              const Summary &Final) override;

private:
  class Observer;
  struct Rule {
    std::string Lock, From, To, Why;
    LockKey Key; ///< Lock's.
  };
  CheckSlot Slot;
  std::vector<Rule> Rules;
  std::vector<BrokenHoldObs> Found;
};

} // namespace lockwise

#endif
