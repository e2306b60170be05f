//===- RuleTransfer.cpp - Rule-driven transfer ------------------------------===//
#include "engine/FunctionAnalysis.h"

namespace lockwise::dataflow {

/// __GFP_DIRECT_RECLAIM in Linux 6.1 (include/linux/gfp_types.h): an
/// allocation may sleep only when its flags allow direct reclaim.
constexpr long long GfpDirectReclaim = 0x400;

bool FunctionAnalysis::gfpAllowsSleep(const Event &E, unsigned GfpArg) const {
  // Flags that are not a constant here (a gfp_t parameter) are not judged:
  // precision over volume.
  if (GfpArg >= E.Args.size() || !E.Args[GfpArg].HasInt)
    return false;
  return (E.Args[GfpArg].Int & GfpDirectReclaim) != 0;
}

void FunctionAnalysis::sleepAt(PathState &S, const std::string &What,
                               const Chain &Path, const SrcLoc &Loc,
                               std::vector<Symbol> Dropped) {
  std::vector<Symbol> Summarised = droppedThroughCall(S, Dropped);
  if (Out.Sleeps.empty())
    Out.SleepsDropped = std::move(Summarised);
  else
    intersectSorted(Out.SleepsDropped, Summarised);
  if (Out.Sleeps.empty() || Path.size() < Out.Sleeps.size()) {
    Out.Sleeps = Path;
    Out.SleepsWhat = What;
  }
  for (const HeldLock &H : S.Held) {
    if (!H.Atomic || std::binary_search(Dropped.begin(), Dropped.end(), H.Lock))
      continue;
    std::string K = H.Lock + "@" + locKey(Loc);
    if (!Obs.Sleeps.count(K))
      Obs.Sleeps[K] = SleepObs{H.Lock, F.Name, Loc, What, *H.Site, Path};
  }
}

void FunctionAnalysis::callNamed(PathState &S, const std::string &Callee,
                                 const Chain &Path, const SrcLoc &Loc,
                                 bool Direct,
                                 const std::set<std::string> *NotHeld,
                                 const ParamConditions &When) {
  if (Callee.empty() || !Rules.interestingCall(Callee))
    return;
  for (const RuleIndex::Forbidden &R : Rules.ForbiddenWhileHeld) {
    const HeldLock *H = S.findHeld(R.Lock);
    if (!H || (NotHeld && NotHeld->count(R.Lock)))
      continue;
    for (const llvm::GlobPattern &G : R.Calls) {
      if (!G.match(Callee))
        continue;
      std::string K = R.Lock + ">" + Callee + "@" + locKey(Loc);
      if (!Obs.HeldAcross.count(K))
        Obs.HeldAcross[K] =
            HeldAcrossObs{R.Lock, F.Name, Loc, Callee, R.Why, *H->Site, Path};
      break;
    }
  }
  // held_continuously: check the "to" calls against what is armed.
  for (auto It = S.Armed.begin(); Direct && It != S.Armed.end();) {
    const RuleIndex::Continuous &R = Rules.Continuously[It->Rule];
    if (R.To != Callee) {
      ++It;
      continue;
    }
    bool Held = S.findHeld(R.Lock) != nullptr;
    if (It->Broken || !Held) {
      std::string K = std::to_string(It->Rule) + "@" + locKey(Loc);
      if (!Obs.BrokenHolds.count(K))
        Obs.BrokenHolds[K] = BrokenHoldObs{R.Lock, F.Name, R.From, R.To, R.Why,
                                           It->FromLoc, It->ReleaseLoc, Loc};
    }
    It = S.Armed.erase(It);
  }
  // One call under different conditions stays apart (a callback reached
  // only on objects without a flag, another only on objects some callers
  // never pass), up to a few; an entry whose conditions are within
  // another's is covered by it.
  SummaryCall *First = nullptr;
  size_t Copies = 0;
  for (SummaryCall &Old : Out.Calls) {
    if (Old.Callee != Callee)
      continue;
    First = First ? First : &Old;
    ++Copies;
    if (includes(When, Old.When)) {
      if (Old.When == When && Path.size() < Old.Path.size())
        Old.Path = Path;
      return;
    }
    if (includes(Old.When, When)) {
      Old.When = When;
      Old.Path = Path;
      // Entries this one now covers go.
      std::erase_if(Out.Calls, [&](const SummaryCall &X) {
        return &X != &Old && X.Callee == Callee && includes(X.When, When);
      });
      return;
    }
  }
  if (!First || Copies < MaxConditionalCalls) {
    if (Out.Calls.size() < MaxSummaryCalls)
      Out.Calls.push_back(SummaryCall{Callee, Path, When});
    return;
  }
  // Reached under either set of conditions: under what both say.
  keepCommon(First->When, When);
  if (Path.size() < First->Path.size())
    First->Path = Path;
}

void FunctionAnalysis::armFrom(PathState &S, const std::string &Callee,
                               const SrcLoc &Loc) {
  for (size_t I = 0; I < Rules.Continuously.size(); ++I) {
    const RuleIndex::Continuous &R = Rules.Continuously[I];
    if (R.From != Callee)
      continue;
    ArmedMark A;
    A.Rule = I;
    A.FromLoc = Loc;
    if (!S.findHeld(R.Lock)) {
      A.Broken = true;
      A.ReleaseLoc = Loc;
    }
    std::erase_if(S.Armed, [&](const ArmedMark &X) { return X.Rule == I; });
    S.Armed.push_back(A);
  }
}

void FunctionAnalysis::addNeed(const ParamConditions &When, NeedObs::Kind K,
                               const std::string &Lock,
                               const std::string &Subject, bool IsWrite,
                               const Chain &Path) {
  if (Lock.empty())
    return;
  SummaryNeed N{K, Lock, Subject, IsWrite, Path, When};
  auto Old = std::find(Out.Needs.begin(), Out.Needs.end(), N);
  if (Old == Out.Needs.end()) {
    Out.Needs.push_back(std::move(N));
    return;
  }
  // Needed under either condition: keep only what both agree on.
  keepCommon(Old->When, When);
  if (Path.size() < Old->Path.size()) {
    ParamConditions Kept = std::move(Old->When);
    *Old = std::move(N);
    Old->When = std::move(Kept);
  }
}

PathState FunctionAnalysis::entryState() const {
  PathState S;
  auto It = Rules.EnteredHolding.find(F.Key.str());
  if (It == Rules.EnteredHolding.end())
    return S;
  for (const auto &[Lock, Field] : It->second) {
    HeldLock H;
    H.Lock = Lock;
    H.Owner = OwnerAny;
    H.Reentered = true;
    H.Recursive = Rules.RecursiveLocks.count(Lock) != 0;
    H.Text = Lock;
    H.Site = std::make_shared<const Chain>(Chain{
        step(F.Loc, "'" + Lock + "' is held on entry to " + F.Name.str() +
                        ", a " + Field + " (rules: entered_holding)")});
    S.addHeld(std::move(H));
  }
  return S;
}

void FunctionAnalysis::entryNeeds() {
  // Assertions (ASSERT(p2m_locked_by_me(p)), lockdep_assert_held()) state
  // what callers must hold; they often sit in blocks a release build
  // prunes, so they are read from every block, not from the dataflow.
  for (const Block &B : F.Blocks)
    for (const Event &E : B.Events)
      if (E.Kind == EventKind::Acquire || E.Kind == EventKind::TryAcquire)
        TakenHere.insert(lockName(E.Lock));
  for (const Block &B : F.Blocks)
    for (const Event &E : B.Events) {
      if (E.Kind != EventKind::AssertHeld)
        continue;
      std::string L = lockName(E.Lock);
      if (L.empty() || TakenHere.count(L))
        continue;
      EntryRequired.insert(L);
      addNeed({}, NeedObs::Asserted, L, F.Name, false,
              {step(E.Loc, F.Name + " asserts " + describe(L, E.Lock.Text) +
                               " is held (" + E.Name + ")")});
    }
  for (const Block &B : F.Blocks)
    for (const Event &E : B.Events) {
      if (E.Kind == EventKind::Wait)
        WaitsOn.insert(lockName(E.Lock));
      if (E.Kind == EventKind::HeldTest && E.TryId >= 0)
        if (std::string L = lockName(E.Lock); !L.empty())
          HeldTests[E.TryId] = L;
    }
  auto It = Rules.Requires.find(F.Name);
  if (It != Rules.Requires.end())
    for (const std::string &L : It->second) {
      EntryRequired.insert(L);
      addNeed({}, NeedObs::Declared, L, F.Name, false,
              {requiresStep(F.Loc, F.Name, L)});
    }
}

void FunctionAnalysis::needAtCall(PathState &S, NeedObs::Kind K,
                                  const std::string &L,
                                  const std::string &Subject, bool IsWrite,
                                  const Chain &Path, const SrcLoc &Loc,
                                  const ParamConditions &Inherited) {
  if (L.empty() || S.findHeld(L) || EntryRequired.count(L) ||
      std::binary_search(S.Assumed.begin(), S.Assumed.end(), Symbol(L)))
    return;
  // The object is not shared while this function runs.
  if (K == NeedObs::GuardedAccess && Rules.Unshared.count(F.Name.str()))
    return;
  // The function takes the lock itself elsewhere: this call site is where
  // it forgot to, not a requirement on its callers -- unless it takes the
  // lock only under a parameter condition this path contradicts ("if
  // (lock) device_lock(dev);": with lock == 0 the caller holds it).
  ParamConditions When = paramConditions(S, Inherited);
  bool CallersHoldIt = std::any_of(
      Out.Acquires.begin(), Out.Acquires.end(), [&](const SummaryAcquire &A) {
        return A.Lock == L &&
               contradicts(A.When, When, [](const ParamCondition &) { return false; });
      });
  if (TakenHere.count(L) && !CallersHoldIt) {
    std::string Key = L + ">" + Subject + "@" + locKey(Loc);
    if (!Obs.Needs.count(Key))
      Obs.Needs[Key] = NeedObs{K, L, Subject, F.Name, Loc, Path, IsWrite};
    return;
  }
  addNeed(When, K, L, Subject, IsWrite, Path);
}

void FunctionAnalysis::writeVariable(PathState &S, const std::string &Var,
                                     const SrcLoc &Loc,
                                     llvm::function_ref<Chain()> Path,
                                     int Direction) {
  auto It = Rules.WaitsByVar.find(Var);
  if (It == Rules.WaitsByVar.end())
    return;
  for (const RuleIndex::Wait &W : It->second) {
    if (WaitsOn.count(W.Queue))
      continue;
    // A write that moves the variable away from what the waiters wait for
    // cannot wake them (an increment when they wait for zero).
    if (W.Direction && Direction && W.Direction != Direction)
      continue;
    bool Already = false;
    for (const DirtyMark &D : S.Dirty)
      Already |= D.Queue == W.Queue;
    if (Already)
      continue;
    S.Dirty.push_back({W.Queue, Var, Loc, Path()});
    std::sort(S.Dirty.begin(), S.Dirty.end(),
              [](const DirtyMark &A, const DirtyMark &B) { return A.Queue < B.Queue; });
  }
}

void FunctionAnalysis::wake(PathState &S, const std::string &Queue) {
  if (Queue.empty())
    return;
  std::erase_if(S.Dirty, [&](const DirtyMark &D) { return D.Queue == Queue; });
  if (std::find(Out.Wakes.begin(), Out.Wakes.end(), Queue) == Out.Wakes.end())
    Out.Wakes.push_back(Queue);
}

} // namespace lockwise::dataflow
