//===- EventTransfer.cpp - What one event does to a path ------------------===//
//
// Observers see each event first (beforeEvent), on the state before the
// engine's transfer: a check judging an acquisition sees what was held
// before it.
//
//===----------------------------------------------------------------------===//
#include "engine/FunctionAnalysis.h"

namespace lockwise::dataflow {

void FunctionAnalysis::transferBlock(const Block &B,
                                     std::vector<PathState> &States) {
  for (const Event &E : B.Events) {
    std::vector<PathState> Next;
    for (PathState &S : States) {
      std::vector<PathState> Forked;
      transferEvent(E, S, Forked);
      Next.push_back(std::move(S));
      for (PathState &X : Forked)
        Next.push_back(std::move(X));
    }
    States = std::move(Next);
  }
}

void FunctionAnalysis::transferEvent(const Event &E, PathState &S,
                                     std::vector<PathState> &Forked) {
  notify([&](FunctionObserver &O) { O.beforeEvent(E, S); });
  switch (E.Kind) {
  case EventKind::Acquire:
    transferAcquire(E, S);
    return;
  case EventKind::TryAcquire:
    transferTryAcquire(E, S);
    return;
  case EventKind::Release: {
    LockKey L = lockKey(E.Lock);
    release(S, L, E.Lock.Text, E.Loc,
            {step(E.Loc, describe(L, E.Lock.Text) + " released here in " + F.Name)});
    return;
  }
  case EventKind::Call:
    // A call run again (in a loop) returns a new result: what the previous
    // iteration's tests said about it is stale.
    if (E.TryId >= 0)
      S.Results.erase(E.TryId);
    applyCall(E, S, Forked);
    notify([&](FunctionObserver &O) {
      O.afterCall(E, S);
      for (PathState &X : Forked)
        O.afterCall(E, X);
    });
    return;
  case EventKind::Kill:
    transferKill(E, S);
    return;
  case EventKind::Return:
    transferReturn(E, S, Forked);
    return;
  default:
    return;
  }
}

/// How an acquisition in this function enters its summary.
SummaryAcquire FunctionAnalysis::summaryOf(const Event &E, const PathState &S,
                                           const LockKey &Lock,
                                           const Chain &Path) const {
  SummaryAcquire New;
  New.When = paramConditions(S);
  New.Lock = Lock;
  New.LockMode = E.LockMode;
  New.Try = E.Kind == EventKind::TryAcquire;
  New.Recursive = E.Recursive;
  New.RecursiveParam = E.RecursiveParam;
  New.Guarded = guardedBeyondParams(S);
  New.GuardText = guardText(S);
  New.Text = E.Lock.Text;
  New.Witness = Path;
  New.Dropped = droppedOnEntry(S);
  New.Contexts = Own;
  New.Owner = E.Lock.Owner;
  return New;
}

void FunctionAnalysis::transferAcquire(const Event &E, PathState &S) {
  LockKey L = lockKey(E.Lock);
  Chain Path{step(E.Loc, describe(L, E.Lock.Text) + " acquired here in " + F.Name)};
  summariseAcquire(summaryOf(E, S, L, Path));
  Acquisition A;
  A.Lock = L;
  A.LockMode = E.LockMode;
  A.Recursive = E.Recursive;
  A.Text = E.Lock.Text;
  A.Path = std::move(Path);
  A.Loc = E.Loc;
  A.Atomic = !E.Sleeps;
  A.Owner = E.Lock.Owner;
  acquire(S, A);
}

void FunctionAnalysis::transferTryAcquire(const Event &E, PathState &S) {
  LockKey L = lockKey(E.Lock);
  if (L.empty())
    return;
  Chain Path{step(E.Loc, describe(L, E.Lock.Text) + " acquired here in " + F.Name)};
  summariseAcquire(summaryOf(E, S, L, Path));
  PendingTry T;
  T.TryId = E.TryId;
  T.Owner = E.Lock.Owner;
  T.Lock = L;
  T.LockMode = E.LockMode;
  T.Recursive = E.Recursive;
  T.SuccessIsZero = E.SuccessIsZero;
  T.Atomic = !E.Sleeps;
  T.Text = E.Lock.Text;
  T.Site = std::make_shared<const Chain>(Path);
  S.Results.erase(E.TryId); // a try run again (in a loop) is a new result
  std::erase_if(S.Pending, [&](const PendingTry &X) { return X.TryId == E.TryId; });
  S.Pending.push_back(std::move(T));
  std::sort(S.Pending.begin(), S.Pending.end(),
            [](const PendingTry &A, const PendingTry &B) { return A.TryId < B.TryId; });
}

void FunctionAnalysis::transferKill(const Event &E, PathState &S) {
  forgetWrites(S, E.Vars, E.KillsMemory, F.Params, E.ChangedBits);
  if (!E.BindVar.empty() && E.TryId >= 0)
    S.Binds[E.BindVar] = E.TryId;
  if (!E.ResultOf.empty() && E.Vars.size() == 1)
    noteDistinctResult(S, E.Vars[0], E.ResultOf);
  // "lock = NULL": a later "if (lock)" knows the answer.
  if (E.Assigned >= 0 && E.Vars.size() == 1)
    S.addFact({E.Vars[0], 0, E.Assigned == 1, {E.Vars[0]}, false});
  if (!E.EqualTo.empty() && E.Vars.size() == 1 && E.Vars[0] != E.EqualTo) {
    Symbol Key = equalityKey(E.Vars[0].str(), E.EqualTo.str());
    std::erase_if(S.Facts, [&](const FactValue &Fv) { return Fv.Key == Key; });
    S.addFact({Key, 0, true, {E.Vars[0], E.EqualTo}, false});
  }
}

void FunctionAnalysis::transferReturn(const Event &E, PathState &S,
                                      std::vector<PathState> &Forked) {
  S.LastReturn = E.Loc;
  S.ReturnValue = E.RetValue;
  S.ReturnVar = E.BindVar;
  // "return act" holding act->lock (active_entry_acquire()): not NULL.
  if (S.ReturnValue < 0 && !E.BindVar.empty() &&
      std::any_of(S.Held.begin(), S.Held.end(), [&](const HeldLock &H) {
        return !H.ViaCall && lockBase(H.Text.str()) == E.BindVar;
      }))
    S.ReturnValue = 1;
  int Id = E.TryId;
  if (Id < 0 && !E.BindVar.empty())
    if (auto B = S.Binds.find(E.BindVar); B != S.Binds.end())
      Id = B->second;
  if (Id < 0)
    return;
  if (auto R = S.Results.find(Id); R != S.Results.end())
    S.ReturnValue = R->second;
  // Returning a try-lock's result untested: a try-lock wrapper.  Split
  // into the success path (locked) and the failure path.
  for (const PendingTry &T : S.Pending) {
    if (T.TryId != Id)
      continue;
    PathState Failed = S;
    resolveTry(Failed, Id, /*AtomNonZero=*/T.SuccessIsZero);
    Failed.ReturnValue = T.SuccessIsZero ? 1 : 0;
    Forked.push_back(std::move(Failed));
    int SuccessValue = T.SuccessIsZero ? 0 : 1;
    resolveTry(S, Id, /*AtomNonZero=*/!T.SuccessIsZero);
    S.ReturnValue = SuccessValue;
    break;
  }
}

} // namespace lockwise::dataflow
