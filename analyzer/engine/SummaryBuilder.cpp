//===- SummaryBuilder.cpp - A function summary from its exit states ---------===//
#include "engine/FunctionAnalysis.h"

namespace lockwise::dataflow {

void FunctionAnalysis::maybeHeldAcrossOutcomes() {
  // An outcome that returns without a lock another outcome returns holding,
  // when nothing tells the caller which one it got (the same return value,
  // conditions that do not contradict): _get_gfn_type_access() returns
  // early without the gfn lock "for non-translated guests", a property of
  // the domain its HVM callers know and the analysis does not, and those
  // callers then p2m_put_gfn() unconditionally.  Both outcomes return the
  // lock as maybe held: its order edges stand, and a caller releasing,
  // requiring or keeping it is not reported.  Parameter conditions of the
  // holding side the other lacks are split out: the other outcome becomes
  // one copy under all of them (holding the lock, maybe) and one copy per
  // way of failing them ("locked" passed as 0, or p2m NULL).
  struct Change {
    size_t Outcome;
    HeldOnReturn Lock;
    ParamConditions Extra;
  };
  std::vector<Change> Changes;
  std::set<size_t> Changed;
  // A NULL check of a pointer parameter ("!p2m") tells a caller nothing it
  // tests: the pointers it passes come from fields it does not check either.
  auto NullCheck = [&](const ParamCondition &C) {
    return C.Mask == 0 && C.Param >= 0 && C.Param < 64 &&
           ((F.PointerParams >> C.Param) & 1);
  };
  for (size_t Hi = 0; Hi < Out.Outcomes.size(); ++Hi)
    for (HeldOnReturn &L : Out.Outcomes[Hi].Acquired)
      for (size_t Ni = 0; Ni < Out.Outcomes.size(); ++Ni) {
        const Outcome &H = Out.Outcomes[Hi], &N = Out.Outcomes[Ni];
        // An outcome whose return value is unknown may return the holding
        // one's (grant_map_exists() returns the entry it locked, or
        // ERR_PTR() without it): the caller cannot tell those apart either.
        if (Ni == Hi || Changed.count(Ni) || N.holds(L.Lock) ||
            (N.Returns != H.Returns && N.Returns >= 0) ||
            contradicts(N.When, H.When, NullCheck) ||
            !N.Released.empty())
          continue;
        ParamConditions Extra;
        for (const ParamCondition &C : H.When)
          if (!NullCheck(C) &&
              std::find(N.When.begin(), N.When.end(), C) == N.When.end())
            Extra.push_back(C);
        if (Extra.size() > 3)
          continue;
        L.Maybe = true;
        Changed.insert(Ni);
        Changes.push_back({Ni, L, Extra});
      }
  auto Add = [](Outcome &O, HeldOnReturn L) {
    L.Maybe = true;
    O.Acquired.push_back(std::move(L));
    std::sort(O.Acquired.begin(), O.Acquired.end(),
              [](const HeldOnReturn &A, const HeldOnReturn &B) { return A.Lock < B.Lock; });
  };
  for (Change &C : Changes) {
    Outcome Base = Out.Outcomes[C.Outcome];
    Outcome With = Base;
    With.When.insert(With.When.end(), C.Extra.begin(), C.Extra.end());
    Add(With, C.Lock);
    Out.Outcomes[C.Outcome] = std::move(With);
    // Extra[0..I) hold and Extra[I] does not: disjoint, and together with
    // the copy above they cover the original outcome.
    for (size_t I = 0; I < C.Extra.size(); ++I) {
      Outcome Without = Base;
      Without.When.insert(Without.When.end(), C.Extra.begin(),
                          C.Extra.begin() + I);
      ParamCondition Not = C.Extra[I];
      Not.NonZero = !Not.NonZero;
      Without.When.push_back(Not);
      Out.Outcomes.push_back(std::move(Without));
    }
  }
}

void FunctionAnalysis::finish(const std::vector<PathState> &ExitStates) {
  outcomesOf(ExitStates);
  dropPartialReleases();
  dropPartialHolds();
  maybeHeldAcrossOutcomes();
  // Dropping releases can make outcomes equal.
  std::vector<Outcome> Unique;
  for (Outcome &O : Out.Outcomes)
    if (std::find(Unique.begin(), Unique.end(), O) == Unique.end())
      Unique.push_back(std::move(O));
  Out.Outcomes = std::move(Unique);
  notify([&](FunctionObserver &O) { O.onExit(ExitStates); });
  Out.Checks.resize(Observers.size());
  for (size_t I = 0; I < Observers.size(); ++I)
    if (Observers[I])
      Out.Checks[I] = Observers[I]->summary();
}

/// One outcome per distinct exit state: what it holds and released, what
/// it returns, under which parameter conditions.
void FunctionAnalysis::outcomesOf(const std::vector<PathState> &ExitStates) {
  for (const PathState &S : ExitStates) {
    Outcome O;
    for (const HeldLock &H : S.Held)
      if (!H.Reentered)
        O.Acquired.push_back({H.Lock, H.LockMode, H.Recursive, H.Atomic,
                              H.Text, *H.Site, H.Contexts, H.Maybe, H.Owner});
    for (const ReleaseMark &R : S.Released)
      if (!R.AcquiredHere) {
        O.Released.push_back(R.Lock);
        if (!R.Text.empty())
          Out.ReleaseText.emplace(R.Lock, R.Text);
        if (Debug && Debug->summaryOf(F.Name.str()))
          DebugReleases.insert(R.Lock.str() + " at " + locKey(R.Loc));
      }
    O.Returns = S.ReturnValue;
    O.When = paramConditions(S);
    if (std::find(Out.Outcomes.begin(), Out.Outcomes.end(), O) == Out.Outcomes.end())
      Out.Outcomes.push_back(std::move(O));
  }
  mergeComplementaryOutcomes(Out.Outcomes);
  std::vector<int> OutcomeReturns;
  for (const Outcome &O : Out.Outcomes)
    OutcomeReturns.push_back(O.Returns);
  for (Outcome &O : Out.Outcomes)
    O.Returns = testedReturn(O.Returns, OutcomeReturns);
}

void FunctionAnalysis::dropPartialReleases() {
  // A lock released without being acquired on some paths only is not a
  // releasing wrapper (those release on every path): it is the second half
  // of an acquisition whose condition the analysis lost ("if (!p2m) return"
  // in a lookup that locks otherwise).  Passing it up would turn every
  // caller's balanced unlock into a double unlock.  A lock the function
  // also keeps across calls (process_msg) is managed, and kept.
  std::set<LockKey> EntryReleased;
  for (const Outcome &O : Out.Outcomes)
    for (const LockKey &L : O.Released)
      EntryReleased.insert(L);
  for (const LockKey &L : EntryReleased) {
    bool Everywhere = true, Kept = false;
    // Unless the return value says which paths released it: "on error
    // vpci_msix_arch_print() returns without holding the lock".
    std::set<int> ReleasingReturns, OtherReturns;
    bool AllKnown = true;
    for (const Outcome &O : Out.Outcomes) {
      bool Releases = std::find(O.Released.begin(), O.Released.end(), L) !=
                      O.Released.end();
      Everywhere &= Releases;
      Kept |= O.holds(L);
      AllKnown &= O.Returns >= 0;
      (Releases ? ReleasingReturns : OtherReturns).insert(O.Returns);
    }
    bool Told = AllKnown && std::none_of(ReleasingReturns.begin(),
                                         ReleasingReturns.end(),
                                         [&](int R) { return OtherReturns.count(R); });
    if (Everywhere || Kept || Told)
      continue;
    bool TakesIt = std::any_of(Out.Acquires.begin(), Out.Acquires.end(),
                               [&](const SummaryAcquire &A) { return A.Lock == L; });
    for (Outcome &O : Out.Outcomes) {
      std::erase(O.Released, L);
      if (!TakesIt)
        O.MaybeReleased.push_back(L);
    }
  }
}

void FunctionAnalysis::dropPartialHolds() {
  // Likewise a lock held on return on some paths only: callers can tell
  // those paths apart when the return value does (NULL vs the locked
  // object), when a parameter does ("if (locked)"), or when the function
  // manages the lock across calls; otherwise the function is unbalanced
  // (reported here as lock-leak) and its callers must not inherit the
  // lock, or one leak would hold a lock over half the program.
  std::set<LockKey> KeptSomewhere;
  for (const Outcome &O : Out.Outcomes)
    for (const HeldOnReturn &H : O.Acquired)
      KeptSomewhere.insert(H.Lock);
  for (const LockKey &L : KeptSomewhere) {
    std::set<int> HoldingReturns, OtherReturns;
    bool Distinguished = true, AllHold = true, Managed = false;
    for (const Outcome &O : Out.Outcomes) {
      bool Holds = O.holds(L);
      Managed |= std::find(O.Released.begin(), O.Released.end(), L) !=
                 O.Released.end();
      AllHold &= Holds;
      if (Holds && O.When.empty() && O.Returns < 0)
        Distinguished = false;
      (Holds ? HoldingReturns : OtherReturns).insert(O.Returns);
    }
    for (int R : HoldingReturns)
      if (OtherReturns.count(R) && R >= 0)
        Distinguished = false;
    if (AllHold || Managed || Distinguished)
      continue;
    for (Outcome &O : Out.Outcomes)
      std::erase_if(O.Acquired, [&](const HeldOnReturn &H) { return H.Lock == L; });
  }
}

} // namespace lockwise::dataflow
