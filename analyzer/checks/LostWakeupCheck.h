//===- LostWakeupCheck.h - The 'lost-wakeup' check ------------------------===//
//
// State a wait_event() condition reads is written, and the path returns to
// a function nobody calls without waking the queue.  Per path the check
// keeps the queues whose condition state was written and not yet woken;
// a function's summary says which queues it wakes, waits on, and leaves
// written for its callers to wake.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_CHECKS_LOSTWAKEUPCHECK_H
#define LOCKWISE_CHECKS_LOSTWAKEUPCHECK_H

#include "checks/Checker.h"

#include <map>

namespace lockwise {

/// State a wait_event() condition reads was written and the function
/// returned without waking the queue.
struct LostWakeupObs {
  std::string Queue;
  std::string Function;
  std::string Variable;
  std::string WaitCondition;
  SrcLoc WriteLoc;
  SrcLoc ExitLoc;
  SrcLoc WaitLoc;
  Chain WritePath; ///< From the reported call down to the write.
  /// Branch conditions on the path that skipped the wake-up ("the other
  /// side looks busy").
  std::vector<std::string> SkippedWhen;
};

/// Which way Var must move for the wait condition Cond to become true:
/// +1 for "!list_empty(&v)", "v", "v != 0", "v > 0"; -1 for
/// "list_empty(&v)", "!v", "v == 0"; 0 when the text does not say.
int conditionDirection(const std::string &Cond, const std::string &Var);

class LostWakeupCheck : public Checker, public DataflowCheck {
public:
  const char *id() const override { return "lost-wakeup"; }
  const char *summary() const override;
  std::vector<DataflowCheck *> dataflows() override { return {this}; }
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;

  llvm::Error begin(const Program &P, const rules::RuleSet &Rules,
                    CheckSlot Slot) override;
  std::unique_ptr<FunctionObserver> observe(const FunctionContext &Fn) override;
  void commit(const FunctionContext &Fn, FunctionObserver &O,
              const Summary &Final) override;

  struct Wait {
    std::string Queue, Condition;
    SrcLoc Loc;
    /// Which writes can make the condition true: +1 growing the variable
    /// ("!list_empty(&l)", "n > 0"), -1 shrinking it ("n == 0"), 0 any.
    int Direction = 0;
  };

private:
  class Observer;
  CheckSlot Slot;
  /// "@variable" -> the waits whose condition reads it.
  std::map<std::string, std::vector<Wait>> WaitsByVar;
  std::vector<LostWakeupObs> Found;
};

} // namespace lockwise

#endif
