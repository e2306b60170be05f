//===- Summary.h - What callers need to know about a function -------------===//
//
// Summaries are context-free and parameterised: a lock reached through a
// pointer parameter is named by its index (LockKey::ofParam()) and
// substituted at each call site, so
// wrappers (pod_lock(p), mm_lock(pod, ...), a ring_lock(r) helper) name the
// caller's lock.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_ENGINE_SUMMARY_H
#define LOCKWISE_ENGINE_SUMMARY_H

#include "engine/Analysis.h"
#include "engine/LockKey.h"

#include <algorithm>
#include <memory>

namespace lockwise {

/// A lock the function acquires somewhere inside (itself or a callee).
/// Conditions on parameters under which a summary item happens
/// ("if (locked) gfn_lock(...)"): (parameter index, non-zero?).  A caller
/// passing a contradicting constant does not get the item.
/// With a Mask, the condition is on (argument & Mask) ("if (q & P2M_ALLOC)").
/// With a Field, on a member of the object the argument points to: a
/// callback that objects with "update_json" set never carry is reached only
/// when "aodev->update_json" is zero (CallbackFlags.h).
/// Limit: a Field condition forwarded through a function that writes the
/// field before the call still reads as the caller's value.
struct ParamCondition {
  int Param = -1;
  bool NonZero = false;
  uint64_t Mask = 0; ///< 0: the whole argument.
  Symbol Field;
  /// Instead of a value: the object the argument points to may carry
  /// callback CarriedTarget in CarriedKey ("libxl__ao_device.callback"):
  /// a caller passing an object that never does cannot reach the item.
  Symbol CarriedKey, CarriedTarget;
  bool operator==(const ParamCondition &) const = default;
  /// A condition on the argument's value, which constants and branch facts
  /// on the argument itself can decide.
  bool onValue() const { return Field.empty() && CarriedKey.empty(); }
};
using ParamConditions = std::vector<ParamCondition>;

struct SummaryAcquire {
  ParamConditions When;
  LockKey Lock;
  Mode LockMode = Mode::Exclusive;
  bool Try = false;
  bool Recursive = false;
  int RecursiveParam = -1;
  /// Taken only under a branch condition that is not one on parameters
  /// ("if (current->pid != xenwatch_pid) mutex_lock(...)"): callers cannot
  /// tell whether it happens in their context, so it adds order edges but
  /// no double-lock.  A condition on a parameter is in When instead, which
  /// a caller's constants decide ("if (lock) device_lock(dev)").
  bool Guarded = false;
  /// One branch condition a Guarded acquisition is taken under, spelled
  /// ("ctx->sigchld_user_registered", "!(v->arch.esr_lock_held)").
  Symbol GuardText;
  Symbol Text;
  Chain Witness; ///< From the function's entry down to the acquisition.
  /// Locks held on entry that every path releases before this acquisition
  /// (do_tasklet_work() drops tasklet_lock around the tasklet's handler):
  /// a caller holding them adds no order edge to it.  Sorted.
  std::vector<LockKey> Dropped;
  /// The exclusive_contexts (rules) every chain to it runs through, one bit
  /// per context: a caller in a context of the same group that excludes
  /// them cannot reach it.
  uint64_t Contexts = 0;
  /// The contexts of the chain kept as Witness: the chain through the
  /// fewest contexts is shown, so that a caller sees a path it can take.
  uint64_t WitnessContexts = 0;
  /// Whose instance (LockRef::Owner): part of the identity of an
  /// acquisition, so that the caller's and a parameter's event lock stay
  /// two entries.
  int8_t Owner = OwnerNone;
  /// Where the object is held (ArgInfo::Holder), once a caller said so;
  /// empty while Owner's parameter still has to tell.
  Symbol Holder;
  bool operator==(const SummaryAcquire &) const = default;
};

struct HeldOnReturn {
  LockKey Lock;
  Mode LockMode = Mode::Exclusive;
  bool Recursive = false;
  bool Atomic = false;
  Symbol Text;
  Chain Witness;
  uint64_t Contexts = 0; ///< As SummaryAcquire::Contexts.
  /// Held on some paths of this outcome and not on others the caller cannot
  /// tell apart (FunctionAnalysis::finish()): order edges from it stand,
  /// releasing, requiring or keeping it are not errors.
  bool Maybe = false;
  int8_t Owner = OwnerNone; ///< As SummaryAcquire::Owner.
  bool operator==(const HeldOnReturn &O) const {
    return Lock == O.Lock && LockMode == O.LockMode &&
           Recursive == O.Recursive && Maybe == O.Maybe;
  }
};

/// The effect of one class of paths through the function.
struct Outcome {
  ParamConditions When;
  std::vector<HeldOnReturn> Acquired;  ///< Held on return, not on entry.
  std::vector<LockKey> Released;   ///< Held on entry, released.
  /// Released on some of the paths a caller cannot tell apart, by a
  /// function that never takes the lock (put_gfn() returns early for a
  /// non-translated domain): released if the caller holds it.
  std::vector<LockKey> MaybeReleased;
  /// What these paths return: 0 (zero/NULL), 1 (non-zero), -1 unknown.  A
  /// caller testing the result picks the matching outcomes (a wrapper that
  /// returns NULL or the locked object).
  int Returns = -1;
  bool operator==(const Outcome &) const = default;
  /// Whether these paths return holding Lock.
  bool holds(const LockKey &Lock) const {
    return std::any_of(Acquired.begin(), Acquired.end(),
                       [&](const HeldOnReturn &H) { return H.Lock == Lock; });
  }
};

/// An order edge that only the caller can decide: one end is a parameter's
/// lock, or the acquired lock is recursive and may already be held.
struct DeferredEdge {
  LockKey From;
  LockKey To;
  bool RecursiveTarget = false;
  Chain Witness;
  size_t ToStart = 0;
  int8_t FromOwner = OwnerNone, ToOwner = OwnerNone; ///< LockRef::Owner
  Symbol FromHolder, ToHolder; ///< As SummaryAcquire::Holder.
  /// Only on paths under these parameter conditions: the PoD sweep's
  /// p2m_lock() under the pod lock happens only when the lookup may
  /// populate ("q & P2M_ALLOC"), and every caller that asks for that
  /// holds the p2m lock already.
  ParamConditions When;
  bool operator==(const DeferredEdge &O) const {
    return From == O.From && To == O.To && RecursiveTarget == O.RecursiveTarget &&
           FromOwner == O.FromOwner && ToOwner == O.ToOwner && When == O.When &&
           FromHolder == O.FromHolder && ToHolder == O.ToHolder;
  }
};

/// A check's part of a function's summary (Observer.h).  Components of the
/// call graph are iterated until every summary, these included, stops
/// changing.
class CheckSummary {
public:
  virtual ~CheckSummary() = default;
  virtual bool equals(const CheckSummary &Other) const = 0;
};

struct Summary {
  std::vector<SummaryAcquire> Acquires;
  std::vector<Outcome> Outcomes;
  std::vector<DeferredEdge> Deferred;
  /// Checks' parts, by CheckSlot::Index (null for a check with none).
  std::vector<std::shared_ptr<const CheckSummary>> Checks;
  /// How the function spells the locks it releases from entry
  /// ("&evtchn->lock"), so that a caller can spell them with its
  /// arguments: two releases through the wrapper of two instances are not
  /// a double unlock.
  std::map<LockKey, Symbol> ReleaseText;
  /// Check Slot's part, or null.
  template <class T> const T *check(unsigned Slot) const {
    return Slot < Checks.size() ? static_cast<const T *>(Checks[Slot].get())
                                : nullptr;
  }
  /// How the function spells Lock when releasing it from entry, or "".
  std::string releaseText(const LockKey &Lock) const {
    auto It = ReleaseText.find(Lock);
    return It == ReleaseText.end() ? std::string() : It->second.str();
  }
  bool operator==(const Summary &O) const {
    if (Outcomes != O.Outcomes || Deferred != O.Deferred ||
        Acquires.size() != O.Acquires.size() || Checks.size() != O.Checks.size())
      return false;
    for (size_t I = 0; I < Checks.size(); ++I)
      if (bool(Checks[I]) != bool(O.Checks[I]) ||
          (Checks[I] && !Checks[I]->equals(*O.Checks[I])))
        return false;
    for (size_t I = 0; I < Acquires.size(); ++I)
      if (Acquires[I].Lock != O.Acquires[I].Lock ||
          Acquires[I].LockMode != O.Acquires[I].LockMode ||
          Acquires[I].Try != O.Acquires[I].Try ||
          Acquires[I].Dropped != O.Acquires[I].Dropped ||
          Acquires[I].Contexts != O.Acquires[I].Contexts ||
          Acquires[I].Holder != O.Acquires[I].Holder)
        return false;
    return true;
  }
  /// Locks some outcome releases without acquiring: the function expects
  /// them possibly held on entry (it manages them across calls).
  /// Locks some outcome returns holding.
  bool acquiresAndKeeps(const LockKey &Lock) const {
    for (const Outcome &O : Outcomes)
      if (O.holds(Lock))
        return releasesFromEntry(Lock);
    return false;
  }
  /// Some outcome returns without holding Lock.
  bool sometimesWithout(const LockKey &Lock) const {
    return std::any_of(Outcomes.begin(), Outcomes.end(),
                       [&](const Outcome &O) { return !O.holds(Lock); });
  }
  bool releasesFromEntry(const LockKey &Lock) const {
    for (const Outcome &O : Outcomes)
      for (const LockKey &R : O.Released)
        if (R == Lock)
          return true;
    return false;
  }
};

} // namespace lockwise

#endif
