//===- SleepInAtomicCheck.h - The 'sleep-in-atomic' check -----------------===//
//
// An operation that may sleep (a sleeping lock, a wait, a call the rules
// list as sleeping) reached while a spinning lock is held.  A function's
// summary keeps its shortest chain to a sleeping operation and the entry
// locks it releases before every one.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_CHECKS_SLEEPINATOMICCHECK_H
#define LOCKWISE_CHECKS_SLEEPINATOMICCHECK_H

#include "checks/Checker.h"

#include <map>
#include <optional>

namespace lockwise {

/// A sleeping operation reached while a spinning lock is held.
struct SleepObs {
  std::string Lock;
  std::string Function;
  SrcLoc Loc;
  std::string What; ///< The sleeping operation ("mutex_lock", "kmalloc").
  Chain Held;       ///< How the spinning lock came to be held.
  Chain Sleep;      ///< The chain down to the sleeping operation.
};

class SleepInAtomicCheck : public Checker, public DataflowCheck {
public:
  const char *id() const override { return "sleep-in-atomic"; }
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
  CheckSlot Slot;
  /// Sleeping functions, each with its GFP-flags argument if it has one.
  std::map<std::string, std::optional<unsigned>> Sleeping;
  std::vector<SleepObs> Found;
};

} // namespace lockwise

#endif
