//===- LockRequirements.h - Locks that must be held, and where they are not -===//
//
// The analysis behind two checks: unguarded-access (a field a guarded rule
// puts under a lock) and missing-lock (a function that asserts or is
// declared to need a lock).  A need not met inside a function is passed up
// in its summary; a need that reaches a function nobody calls, or a call
// site in a function that takes the lock itself elsewhere, is reported.
// Both checks subscribe this one analysis (CheckRegistry.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_CHECKS_LOCKREQUIREMENTS_H
#define LOCKWISE_CHECKS_LOCKREQUIREMENTS_H

#include "checks/Checker.h"

#include <map>
#include <set>

namespace lockwise {

/// A lock that must be held and is not, all the way up to a function
/// nobody calls: a guarded field accessed without its lock
/// (unguarded-access), or a callee's asserted or declared requirement
/// (missing-lock).
struct NeedObs {
  enum Kind { GuardedAccess, Asserted, Declared } K = GuardedAccess;
  std::string Lock;
  std::string Subject; ///< The field, or the function requiring the lock.
  std::string Function;
  SrcLoc Loc;
  Chain Path; ///< From the outermost unlocked call down to the need.
  bool IsWrite = false;
};

class LockRequirements : public DataflowCheck {
public:
  llvm::Error begin(const Program &P, const rules::RuleSet &Rules,
                    CheckSlot Slot) override;
  std::unique_ptr<FunctionObserver> observe(const FunctionContext &Fn) override;
  void commit(const FunctionContext &Fn, FunctionObserver &O,
              const Summary &Final) override;
  const std::vector<NeedObs> &found() const { return Found; }

private:
  class Observer;
  CheckSlot Slot;
  /// guarded: field -> lock.
  std::map<std::string, LockKey> Guarded;
  /// requires: function -> locks.
  std::map<std::string, std::vector<LockKey>> Requires;
  std::set<std::string> Unshared;
  std::vector<NeedObs> Found;
  /// Need site -> index in Found: one report per unmet need.
  std::map<std::string, size_t> Sites;
};

} // namespace lockwise

#endif
