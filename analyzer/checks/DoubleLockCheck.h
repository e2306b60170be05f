//===- DoubleLockCheck.h - The 'double-lock' check ------------------------===//
//
// The engine says when a path acquires an instance it already holds and
// the lock's semantics allow no re-take; the check decides which of those
// are bugs: not a try-lock, and the same instance by its spelling.  A
// callee's acquisition under a condition the caller cannot decide (a flag
// in a struct, a recursion guard) is a double lock only on the paths where
// the condition holds, which the whole program cannot tell from the guard
// doing its job ("if (current->pid != xenwatch_pid)"): it is reported
// where a change introduces it (a review), with the condition spelled.
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
  /// A callee's guarded acquisition: the condition, spelled.
  std::string When;
};

class DoubleLockCheck : public Checker, public DataflowCheck {
public:
  const char *id() const override { return "double-lock"; }
  const char *summary() const override;
  std::vector<DataflowCheck *> dataflows() override { return {this}; }
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
