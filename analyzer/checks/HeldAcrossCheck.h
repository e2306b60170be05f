//===- HeldAcrossCheck.h - The 'held-across' check ------------------------===//
//
// forbidden_while_held rules: a call the rule names, made directly or
// through callees while the rule's lock is held.  A function's summary
// lists the named calls it makes, with their chains and conditions.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_CHECKS_HELDACROSSCHECK_H
#define LOCKWISE_CHECKS_HELDACROSSCHECK_H

#include "checks/Checker.h"

#include "llvm/Support/GlobPattern.h"

namespace lockwise {

/// A call a rule forbids while a lock is held.
struct HeldAcrossObs {
  std::string Lock;
  std::string Function;
  SrcLoc Loc;
  std::string Callee;
  std::string Why;
  Chain Held;
  Chain Call;
};

class HeldAcrossCheck : public Checker, public DataflowCheck {
public:
  const char *id() const override { return "held-across"; }
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
    std::string Lock, Why;
    LockKey Key; ///< Lock's.
    std::vector<llvm::GlobPattern> Calls;
  };
  bool named(const std::string &Callee) const;
  CheckSlot Slot;
  std::vector<Rule> Rules;
  std::vector<HeldAcrossObs> Found;
};

} // namespace lockwise

#endif
