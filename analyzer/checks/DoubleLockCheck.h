//===- DoubleLockCheck.h - The 'double-lock' check ------------------------===//
//
// The engine says when a path acquires an instance it already holds and
// the lock's semantics allow no re-take; the check decides which of those
// are bugs: not a try-lock, not a callee's guarded acquisition, and the
// same instance by its spelling.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_CHECKS_DOUBLELOCKCHECK_H
#define LOCKWISE_CHECKS_DOUBLELOCKCHECK_H

#include "checks/Checker.h"

namespace lockwise {

struct DoubleLockObs {
  std::string Lock;
  std::string Function;
  SrcLoc Loc;   ///< The second acquisition (or the call leading to it).
  Chain First;  ///< How the lock was already held.
  Chain Second; ///< The chain to the second acquisition.
};

class DoubleLockCheck : public Checker, public DataflowCheck {
public:
  const char *id() const override { return "double-lock"; }
  const char *summary() const override;
  DataflowCheck *dataflow() override { return this; }
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;

  llvm::Error begin(const Program &, const rules::RuleSet &, CheckSlot) override {
    return llvm::Error::success();
  }
  std::unique_ptr<FunctionObserver> observe(const FunctionContext &Fn) override;
  void commit(const FunctionContext &Fn, FunctionObserver &O,
              const Summary &Final) override;

private:
  class Observer;
  std::vector<DoubleLockObs> Found;
};

} // namespace lockwise

#endif
