//===- Observer.h - How checks take part in the dataflow ------------------===//
//
// The engine computes locksets, order edges and summaries; checks decide
// what is a bug.  A check that needs the path-sensitive analysis subscribes
// to it (DataflowCheck): for each analysis of a function it gets a
// FunctionObserver whose hooks the engine calls at fixed points of the
// transfer functions, as smatch's checks hook lock, unlock and the end of
// a function.  A check keeps its own state on each path (CheckPathState,
// copied with the path and part of its signature, so paths whose check
// states differ are not merged) and its own part of each function's summary
// (CheckSummary), which callers see at their call sites.  The engine names
// no check.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_ENGINE_OBSERVER_H
#define LOCKWISE_ENGINE_OBSERVER_H

#include "engine/LockKey.h"
#include "engine/PathState.h"
#include "engine/Summary.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace lockwise {
namespace rules {
struct RuleSet;
}

using dataflow::CheckPathState;

/// What a check may ask the engine about the function being analysed.
class FunctionContext {
public:
  virtual ~FunctionContext() = default;
  virtual const Program &program() const = 0;
  virtual const FunctionFacts &function() const = 0;
  /// Whether anything in the program calls the function.
  virtual bool hasCallers() const = 0;
  /// The key of a lock reference in this function (a parameter's lock
  /// stays one).
  virtual LockKey lockKey(const LockRef &R) const = 0;
  /// A callee's lock in this function's terms, or none (see Summary.h).
  virtual LockKey substitute(const LockKey &CalleeLock,
                             const std::vector<ArgInfo> &Args) const = 0;
  /// Whether a callee's summary item under When is reached from path S at
  /// call E (constant arguments and the path's facts allow it).
  virtual bool allowsHere(const dataflow::PathState &S,
                          const ParamConditions &When,
                          const Event &E) const = 0;
  /// The branch facts of S about this function's parameters, then
  /// Inherited's conditions not among them.
  virtual ParamConditions
  paramConditions(const dataflow::PathState &S,
                  const ParamConditions &Inherited = {}) const = 0;
  /// The engine's part of the summary built so far.
  virtual const Summary &summary() const = 0;
  /// A witness step in this function.
  WitnessStep step(const SrcLoc &Loc, std::string Msg) const {
    return WitnessStep{Loc, function().Name, Symbol(Msg)};
  }
};

/// A call's callee with a summary, as its caller sees it.
struct CalleeEffects {
  const Event &Call;
  const std::string &Target;
  const Summary &Callee;
  /// "f calls g": the first step of every chain through the call.
  const WitnessStep &Step;
  /// A callee's conditions on its parameters, as conditions on ours.
  llvm::function_ref<ParamConditions(const ParamConditions &)> Forward;
};

/// An acquisition of a lock this path already holds, where the lockset
/// semantics allow no re-take (not recursive, not shared twice, not maybe
/// held, not managed by the callee).
struct Reacquisition {
  const dataflow::PathState &State;
  const dataflow::HeldLock &Held;
  const LockKey &Lock;
  const SrcLoc &Loc;
  const Chain &Path;
  bool Try = false;
  /// Taken under a branch condition of the callee.
  bool Guarded = false;
  /// The spellings say it is the instance held, not another object of the
  /// class ("a->lock" then "b->lock").
  bool SameInstance = true;
  /// Guarded: one condition it is taken under, spelled.
  Symbol GuardText;
};

/// A release of a lock this path does not hold and released before.
struct Rerelease {
  const dataflow::PathState &State;
  const dataflow::ReleaseMark &Previous;
  const LockKey &Lock;
  const std::string &Text;
  const SrcLoc &Loc;
  const Chain &Path;
};

/// A release of a lock this path neither holds nor released before: the
/// caller's lock (the function is a releasing wrapper on this path), unless
/// the path tried to take it here and failed.
struct UnheldRelease {
  dataflow::PathState &State;
  const LockKey &Lock;
  const std::string &Text;
  const SrcLoc &Loc;
  const Chain &Path;
};

/// One check's view of one analysis of one function.  A recursive
/// component is analysed several times; only the last observer of each
/// function is committed.
class FunctionObserver {
public:
  virtual ~FunctionObserver() = default;
  /// Before the first block.
  virtual void onEntry(dataflow::PathState &S) {}
  /// Before the engine's transfer of E on S.
  virtual void beforeEvent(const Event &E, dataflow::PathState &S) {}
  /// After the transfer of call E, once for each state it led to.
  virtual void afterCall(const Event &E, dataflow::PathState &S) {}
  /// A callee with a summary, on the state before its outcomes apply.
  virtual void onCallee(const CalleeEffects &C, dataflow::PathState &S) {}
  /// A callee the program only declares (no body, no summary).
  virtual void onDeclaredCallee(const Event &E, const std::string &Target,
                                const WitnessStep &Step,
                                dataflow::PathState &S) {}
  /// Lock's last hold on S was released at Loc.
  virtual void onReleased(dataflow::PathState &S, const LockKey &Lock,
                          const SrcLoc &Loc) {}
  /// An acquisition through a callee that returned holding Lock (an
  /// acquiring wrapper).
  virtual void onAcquiredThroughCall(const LockKey &Lock) {}
  virtual void onReacquire(const Reacquisition &R) {}
  virtual void onRerelease(const Rerelease &R) {}
  /// The try-lock (or reference lookup) T on path S failed: the path goes
  /// on without T.Lock.
  virtual void onTryFailed(dataflow::PathState &S,
                           const dataflow::PendingTry &T) {}
  virtual void onReleaseUnheld(const UnheldRelease &R) {}
  /// The states at the function's exit, before its summary is built.
  virtual void onExit(const std::vector<dataflow::PathState> &ExitStates) {}
  /// The check's part of the function's summary, or null.
  virtual std::shared_ptr<const CheckSummary> summary() { return nullptr; }
};

/// Where a check's state lives in path states and summaries.
struct CheckSlot {
  unsigned Index = 0;
};

/// A check that takes part in the dataflow.
class DataflowCheck {
public:
  virtual ~DataflowCheck() = default;
  /// Once per program, before any function: what the check indexes, and
  /// its slot.  An error (a rule the check cannot use) stops the analysis.
  virtual llvm::Error begin(const Program &P, const rules::RuleSet &Rules,
                            CheckSlot Slot) = 0;
  virtual std::unique_ptr<FunctionObserver>
  observe(const FunctionContext &Fn) = 0;
  /// The function analysed by Fn has its final summary, Final (the one its
  /// callers saw); O is its last observer.  Called in a fixed order
  /// (components bottom-up, functions by key), so what a check keeps is
  /// deterministic.
  virtual void commit(const FunctionContext &Fn, FunctionObserver &O,
                      const Summary &Final) = 0;
};

} // namespace lockwise

#endif
