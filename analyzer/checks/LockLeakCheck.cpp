//===- LockLeakCheck.cpp - Held at one return, released before another ---===//
#include "checks/LockLeakCheck.h"
#include "checks/CheckRegistry.h"

#include "engine/Conditions.h"
#include "engine/Witness.h"

#include <set>

namespace lockwise {

static RegisterCheck<LockLeakCheck> Registration;

using dataflow::PathState;

class LockLeakCheck::Observer : public FunctionObserver {
public:
  explicit Observer(const FunctionContext &Fn) : Fn(Fn) {}
  void onExit(const std::vector<PathState> &ExitStates) override;
  // A reference released only for some identities of its holder ("if ( d
  // != dom_io ) rcu_unlock_domain(d)") is no evidence that the paths
  // which keep it should have released it: they may hold the values that
  // carry none, which no path fact can tell.
  void beforeEvent(const Event &E, PathState &) override {
    if (E.Kind == EventKind::Release && E.ByIdentity)
      ByIdentity.insert(dataflow::locKey(E.Loc));
  }
  std::map<std::string, LeakObs> Found;

private:
  const FunctionContext &Fn;
  std::set<std::string> ByIdentity; ///< Where such releases are.
};

/// Held at some return and released after acquisition on another path to a
/// return: an error path that forgot to unlock (or a lock deliberately kept
/// across calls, which a reviewer wants to see too).  Not a try-lock
/// wrapper that rolls back, whose return value tells the two apart ("return
/// 1" holding both locks, "return 0" after releasing the first when the
/// second try failed: domctl_lock_acquire()), read as the outcomes' return
/// values are (testedReturn()).  A lock a callee returns holding only
/// maybe (get_gfn_query(): not for a domain that is not translated, and
/// put_gfn() drops it in the same case) counts too: the other path gave it
/// back, so this one should have (XSA-277's missing put_gfn()).
void LockLeakCheck::Observer::onExit(const std::vector<PathState> &ExitStates) {
  std::vector<int> ExitReturns;
  for (const PathState &S : ExitStates)
    ExitReturns.push_back(S.ReturnValue);
  auto Returned = [&](const PathState &S) {
    return dataflow::testedReturn(S.ReturnValue, ExitReturns);
  };
  // Every return holding Lock returns a value no other return does.
  auto returnTellsHolding = [&](const LockKey &Lock) {
    std::set<int> Holding, Other;
    for (const PathState &X : ExitStates) {
      bool Holds = X.findHeld(Lock) != nullptr;
      int R = Returned(X);
      if (R < 0)
        return false;
      (Holds ? Holding : Other).insert(R);
    }
    for (int R : Holding)
      if (Other.count(R))
        return false;
    return true;
  };
  for (const PathState &S : ExitStates)
    for (const dataflow::HeldLock &H : S.Held) {
      if (H.Managed || Found.count(H.Lock.str()))
        continue;
      for (const PathState &T : ExitStates) {
        const dataflow::ReleaseMark *R = nullptr;
        for (const dataflow::ReleaseMark &M : T.Released)
          if (M.Lock == H.Lock && M.AcquiredHere &&
              !ByIdentity.count(dataflow::locKey(M.Loc)))
            R = &M;
        if (!R || T.findHeld(H.Lock))
          continue;
        // A try-lock wrapper, or a lookup that returns the object it
        // locked ("return desc" holding desc->lock) or NULL.
        bool HandsOver = H.FromTry || (!S.ReturnVar.empty() &&
                                       dataflow::lockBase(H.Text.str()) == S.ReturnVar);
        if (HandsOver && returnTellsHolding(H.Lock))
          continue;
        LeakObs L;
        L.Lock = H.Lock.str();
        L.Function = Fn.function().Name;
        L.ReturnLoc = S.LastReturn ? *S.LastReturn : Fn.function().Loc;
        L.Acquired = *H.Site;
        L.ReleasedAt = R->Loc;
        Found[H.Lock.str()] = std::move(L);
        break;
      }
    }
}

std::unique_ptr<FunctionObserver> LockLeakCheck::observe(const FunctionContext &Fn) {
  return std::make_unique<Observer>(Fn);
}

void LockLeakCheck::commit(const FunctionContext &, FunctionObserver &O,
                             const Summary &) {
  appendFound(static_cast<Observer &>(O).Found, Found);
}

const char *LockLeakCheck::summary() const {
  return "A lock acquired in a function is still held at one of its returns "
         "but released before another: an error path that forgot to unlock, "
         "or a lock deliberately held across calls.";
}

void LockLeakCheck::run(const CheckContext &, FindingHandler &Out) const {
  for (const LeakObs &L : Found) {
    Finding F = newFinding(id());
    F.Message = "'" + L.Lock + "' is still held when " + L.Function +
                " returns here, but is released on another path";
    setLocation(F, L.ReturnLoc);
    F.Function = L.Function;
    F.Locks = {L.Lock};
    F.Trace = toTrace(L.Acquired);
    F.Trace.push_back({L.ReleasedAt.File, L.ReleasedAt.Line, L.ReleasedAt.Column,
                       "'" + L.Lock + "' released here on another path"});
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
