//===- EventTransfer.cpp - Transfer functions of one event ------------------===//
#include "engine/FunctionAnalysis.h"

namespace lockwise::dataflow {

void FunctionAnalysis::transferEvent(const Event &E, PathState &S,
                                     std::vector<PathState> &Forked) {
  switch (E.Kind) {
  case EventKind::Acquire: {
    std::string L = lockName(E.Lock);
    Chain Path{step(E.Loc, describe(L, E.Lock.Text) + " acquired here in " + F.Name)};
    if (E.Sleeps)
      sleepAt(S, E.Name, Path, E.Loc);
    callNamed(S, E.Name, Path, E.Loc);
    summariseAcquire(L, E.LockMode, false, E.Recursive, E.RecursiveParam,
                     !S.Facts.empty(), E.Lock.Text, Path, paramConditions(S),
                     droppedOnEntry(S), Own, E.Lock.Owner);
    acquire(S, L, E.LockMode, E.Recursive, false, E.Lock.Text, Path, E.Loc,
            false, !E.Sleeps, E.Lock.Owner);
    return;
  }
  case EventKind::TryAcquire: {
    std::string L = lockName(E.Lock);
    if (L.empty())
      return;
    Chain Path{step(E.Loc, describe(L, E.Lock.Text) + " acquired here in " + F.Name)};
    if (E.Sleeps)
      sleepAt(S, E.Name, Path, E.Loc);
    summariseAcquire(L, E.LockMode, true, E.Recursive, E.RecursiveParam,
                     !S.Facts.empty(), E.Lock.Text, Path, paramConditions(S),
                     droppedOnEntry(S), Own, E.Lock.Owner);
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
    return;
  }
  case EventKind::Release: {
    std::string L = lockName(E.Lock);
    release(S, L, E.Lock.Text, E.Loc,
            {step(E.Loc, describe(L, E.Lock.Text) + " released here in " + F.Name)});
    return;
  }
  case EventKind::Call: {
    // A call run again (in a loop) returns a new result: what the previous
    // iteration's tests said about it is stale.
    if (E.TryId >= 0)
      S.Results.erase(E.TryId);
    for (const std::string &V : E.Vars)
      writeVariable(
          S, V, E.Loc,
          [&] {
            return Chain{step(E.Loc, F.Name + " passes '" +
                                         V.substr(V[0] == '@') + "' to " +
                                         E.Name + " here")};
          },
          E.Direction);
    if (!E.Callee.empty()) {
      auto It = Rules.Sleeping.find(E.Name);
      if (E.Sleeps && It != Rules.Sleeping.end() &&
          (!It->second || gfpAllowsSleep(E, *It->second)))
        sleepAt(S, E.Name, {step(E.Loc, F.Name + " calls " + E.Name + ", which may sleep")},
                E.Loc);
      callNamed(S, E.Name, {step(E.Loc, F.Name + " calls " + E.Name)}, E.Loc);
    }
    applyCall(E, S, Forked);
    if (!E.Callee.empty()) {
      armFrom(S, E.Name, E.Loc);
      for (PathState &X : Forked)
        armFrom(X, E.Name, E.Loc);
    }
    return;
  }
  case EventKind::Wait: {
    Chain Path{step(E.Loc, F.Name + " waits on " +
                               describe(lockName(E.Lock), E.Lock.Text))};
    if (E.Sleeps)
      sleepAt(S, E.Macro.empty() ? E.Name : E.Macro, Path, E.Loc);
    return;
  }
  case EventKind::Wake:
    wake(S, lockName(E.Lock));
    return;
  case EventKind::Access: {
    auto It = Rules.Guarded.find(E.Name);
    if (It == Rules.Guarded.end() || S.findHeld(It->second) ||
        EntryRequired.count(It->second) || Rules.Unshared.count(F.Name.str()))
      return;
    Chain Path{step(E.Loc, std::string(E.IsWrite ? "writes" : "reads") + " '" +
                               E.Name + "' in " + F.Name)};
    if (TakenHere.count(It->second)) {
      std::string K = It->second + ">" + E.Name + "@" + locKey(E.Loc);
      if (!Obs.Needs.count(K))
        Obs.Needs[K] = NeedObs{NeedObs::GuardedAccess, It->second, E.Name,
                               F.Name, E.Loc, Path, E.IsWrite};
      return;
    }
    addNeed(paramConditions(S), NeedObs::GuardedAccess, It->second, E.Name,
            E.IsWrite, Path);
    return;
  }
  case EventKind::Kill:
    for (const std::string &V : E.Vars)
      writeVariable(
          S, V, E.Loc,
          [&] {
            return Chain{step(E.Loc, F.Name + " writes '" +
                                         V.substr(V[0] == '@') + "' here")};
          },
          E.Direction);
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
      std::erase_if(S.Facts, [&](const FactValue &F) { return F.Key == Key; });
      S.addFact({Key, 0, true, {E.Vars[0], E.EqualTo}, false});
    }
    return;
  case EventKind::Return: {
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
    return;
  }
  default:
    return;
  }
}

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

} // namespace lockwise::dataflow
