//===- CallTransfer.cpp - A call seen through its callees summaries ---------===//
#include "engine/FunctionAnalysis.h"

namespace lockwise::dataflow {

void FunctionAnalysis::applyCall(const Event &E, PathState &S,
                                 std::vector<PathState> &Forked) {
  std::vector<std::string> Targets = P.callTargets(E);
  if (Targets.size() > MaxFptrTargets)
    Targets.resize(MaxFptrTargets);
  WitnessStep CallStep =
      step(E.Loc, F.Name + " calls " + (E.Callee.empty() ? E.Name + " -> " : std::string()) +
                      (Targets.size() == 1 ? Targets[0].substr(0, Targets[0].find('@'))
                                           : E.Name.str()));
  // The locks held at each call: only queries read them (held-at).
  if (RecordCalls)
    for (const std::string &T : Targets) {
      HeldAtCall &H = Obs.Calls[locKey(E.Loc) + ">" + T];
      H.Caller = F.Key;
      H.Callee = T;
      H.Loc = E.Loc;
      for (const HeldLock &L : S.Held)
        if (std::find(H.Held.begin(), H.Held.end(), L.Lock) == H.Held.end())
          H.Held.push_back(L.Lock);
      std::sort(H.Held.begin(), H.Held.end());
    }

  std::vector<const Outcome *> AllOutcomes;
  std::vector<std::pair<const Summary *, std::string>> Used;
  for (const std::string &T : Targets) {
    auto It = Sums.find(T);
    if (It == Sums.end()) {
      // A function the program only declares: its "requires" rule is all
      // we know of it.
      std::string TName = T.substr(0, T.find('@'));
      auto R = P.function(T) ? Rules.Requires.end() : Rules.Requires.find(TName);
      if (R != Rules.Requires.end())
        for (const std::string &L : R->second)
          needAtCall(S, NeedObs::Declared, L, TName, false,
                     {CallStep, requiresStep(E.Loc, TName, L)},
                     E.Loc);
      continue;
    }
    std::string TName = T.substr(0, T.find('@'));
    // The system is going down: nothing in there orders our locks.
    if (Rules.CrashPaths.count(TName))
      continue;
    const Summary &Sum = It->second;
    ParamConditions Extra;
    if (!flagAllows(E, T, S, Extra))
      continue;
    // A callee's conditions in our terms, and those of the flags.
    auto Forward = [&](const ParamConditions &When) {
      ParamConditions Out = forwardConditions(When, E.Args);
      Out.insert(Out.end(), Extra.begin(), Extra.end());
      return Out;
    };
    Used.push_back({&Sum, T});
    WitnessStep Step = CallStep;
    if (Targets.size() > 1)
      Step.Message = F.Name + " calls " + TName + " through " + E.FptrKey;
    for (const SummaryAcquire &A : Sum.Acquires) {
      if (!allowsHere(S, A.When, E))
        continue;
      // Reached only through code that cannot run where we do (an EPT
      // handler from shadow-paging code).
      ContextMask Contexts = Own | A.Contexts;
      if (Rules.conflicting(Contexts))
        continue;
      std::string L = substitute(A.Lock, E.Args);
      if (L.empty())
        continue;
      bool Recursive = A.Recursive;
      if (A.RecursiveParam >= 0 && (size_t)A.RecursiveParam < E.Args.size() &&
          E.Args[A.RecursiveParam].HasInt)
        Recursive = E.Args[A.RecursiveParam].Int != 0;
      // A recursive class (libxl's CTX mutex) is re-taken wherever a caller
      // holds it: the edge from what this function holds is the callers'.
      Recursive |= Rules.RecursiveLocks.count(L) != 0;
      Chain Path = extend({Step}, nameParameterLock(A.Witness, A.Lock, A.Text, L));
      std::optional<std::string> Spelled = callerSpelling(E, T, A.Lock, A.Text);
      std::string Text = Spelled ? *Spelled : A.Text.str();
      std::vector<Symbol> Dropped = substituteAll(A.Dropped, E.Args);
      ParamConditions When = paramConditions(S, Forward(A.When));
      int8_t Owner = ownerAt(A.Owner, A.Lock, E.Args);
      Symbol Holder = holderAt(A.Holder, A.Owner, L, E.Args);
      summariseAcquire(L, A.LockMode, A.Try, Recursive, -1,
                       A.Guarded || !S.Facts.empty(), Text, Path, When,
                       droppedThroughCall(S, Dropped), Contexts, Owner, Holder);
      if (HeldLock *H = S.findHeld(L)) {
        bool Managed = Sum.releasesFromEntry(A.Lock) ||
                       std::binary_search(Dropped.begin(), Dropped.end(), L);
        // A wrapper taking the lock its argument points to: two arguments
        // spelled differently are two instances ("evtchn_write_lock(lchn);
        // evtchn_write_lock(rchn);"), as for a direct acquisition.
        bool OtherInstance = Spelled && !H->ViaCall && !H->Text.empty() &&
                             H->Text != Text;
        if (!A.Try && !Managed && !OtherInstance && !Recursive &&
            !H->Recursive && !A.Guarded && !H->Maybe &&
            !Rules.RecursiveLocks.count(L) &&
            !(H->LockMode == Mode::Shared && A.LockMode == Mode::Shared)) {
          std::string K = L + "@" + locKey(E.Loc);
          if (!Obs.DoubleLocks.count(K))
            Obs.DoubleLocks[K] = DoubleLockObs{L, F.Name, E.Loc, *H->Site, Path};
        }
        continue;
      }
      if (!A.Try)
        for (const HeldLock &H : S.Held)
          if (!std::binary_search(Dropped.begin(), Dropped.end(), H.Lock) &&
              !Rules.conflicting(H.Contexts | Contexts))
            addEdge(H.Lock, L, *H.Site, Path, Recursive, H.Owner, Owner, S,
                    Forward(A.When), H.Holder, Holder);
    }
    for (const DeferredEdge &D : Sum.Deferred) {
      std::string From = substitute(D.From, E.Args);
      std::string To = substitute(D.To, E.Args);
      if (From.empty() || To.empty())
        continue;
      if ((D.RecursiveTarget && S.findHeld(To)) || !allowsHere(S, D.When, E))
        continue;
      Chain Prefix{Step};
      Chain Head(D.Witness.begin(), D.Witness.begin() + D.ToStart);
      Chain Tail(D.Witness.begin() + D.ToStart, D.Witness.end());
      addEdge(From, To, extend(Prefix, Head), Tail, D.RecursiveTarget,
              ownerAt(D.FromOwner, D.From, E.Args),
              ownerAt(D.ToOwner, D.To, E.Args), S, Forward(D.When),
              holderAt(D.FromHolder, D.FromOwner, From, E.Args),
              holderAt(D.ToHolder, D.ToOwner, To, E.Args));
    }
    // What happens inside the callee, seen with the caller's locks.
    if (!Sum.Sleeps.empty())
      sleepAt(S, Sum.SleepsWhat, extend({Step}, Sum.Sleeps), E.Loc,
              substituteAll(Sum.SleepsDropped, E.Args));
    for (const SummaryNeed &N : Sum.Needs)
      if (allowsHere(S, N.When, E))
        needAtCall(S, N.K, substitute(N.Lock, E.Args), N.Subject, N.IsWrite,
                   extend({Step}, N.Path), E.Loc, Forward(N.When));
    std::set<std::string> ReleasedInside;
    for (const Outcome &O : Sum.Outcomes)
      for (const std::string &R : O.Released)
        ReleasedInside.insert(substitute(R, E.Args));
    for (const SummaryCall &C : Sum.Calls)
      if (allowsHere(S, C.When, E))
        callNamed(S, C.Callee, extend({Step}, C.Path), E.Loc, /*Direct=*/false,
                  &ReleasedInside, Forward(C.When));
    for (const std::string &Q : Sum.Wakes)
      wake(S, Q);
    // Calling something that waits on Q: we are Q's consumer, and what we
    // wrote before is what we are about to wait for.
    for (const std::string &Q : Sum.Waits) {
      WaitsOn.insert(Q);
      std::erase_if(S.Dirty, [&](const DirtyMark &D) { return D.Queue == Q; });
    }
    for (const SummaryDirty &D : Sum.Dirty)
      writeVariable(S, D.Variable, D.WriteLoc,
                    [&] { return extend({Step}, D.Path); }, 0);
    for (const Outcome &O : Sum.Outcomes)
      if (allows(O.When, E.Args))
        AllOutcomes.push_back(&O);
  }

  // Forget what the call may have changed.
  forgetWrites(S, E.Vars, /*Memory=*/false, F.Params);
  if (AllOutcomes.empty())
    return;

  // One state per distinct outcome of the callee(s).
  PathState Base = S;
  // The states the outcomes lead to, each told apart by its locks and the
  // value the call returned.
  StateSet Produced;
  bool Overflow = false; // never set: Produced has no limit
  for (size_t I = 0; I < AllOutcomes.size(); ++I) {
    const Outcome &O = *AllOutcomes[I];
    const Summary *Sum = nullptr;
    // Find which summary this outcome belongs to (for "managed" locks).
    std::string OutcomeTarget;
    for (auto &[SumPtr, T] : Used)
      for (const Outcome &X : SumPtr->Outcomes)
        if (&X == &O) {
          Sum = SumPtr;
          OutcomeTarget = T;
        }
    PathState N = Base;
    // An outcome conditional on an argument that is our own parameter or
    // local variable becomes a branch fact on it: "_get_gfn_type_access(...,
    // locked)", "spin_lock_if(locking, ...)" then "if (locking)".  An
    // outcome the path's facts contradict is not taken.
    bool Feasible = true;
    for (const ParamCondition &PC : O.When) {
      int Index = PC.Param;
      bool NonZero = PC.NonZero;
      if (!PC.onValue())
        continue;
      // A flag condition on our own parameter stays one on it, and so does
      // a condition on a local we named for one.
      const ArgInfo *A = (size_t)Index < E.Args.size() ? &E.Args[Index] : nullptr;
      int FlagParam = !A ? -1 : PC.Mask ? A->Param : A->MaskedParam;
      uint64_t Mask = PC.Mask ? PC.Mask : A ? A->ParamMask : 0;
      if (PC.Mask || FlagParam >= 0) {
        if (FlagParam >= 0 && (size_t)FlagParam < F.Params.size()) {
          Symbol Key = maskKey(F.Params[FlagParam].str(), Mask);
          if (const FactValue *Known = N.findFact(Key))
            Feasible &= Known->Value == NonZero;
          else
            N.addFact({Key, 0, NonZero, {F.Params[FlagParam]}, false,
                       FlagParam, Mask});
        }
        continue;
      }
      // The argument is a try-lock's (or a call's) result: this outcome
      // says what it was ("lock_evaluate_nospec(_read_trylock(l))").
      if (int Id = (size_t)Index < E.Args.size() ? E.Args[Index].TryId : -1; Id >= 0) {
        auto Known = N.Results.find(Id);
        if (Known != N.Results.end() && Known->second >= 0)
          Feasible &= (Known->second != 0) == NonZero;
        else
          resolveTry(N, Id, NonZero);
      }
      Symbol Name = argFact(E, Index);
      if (Name.empty())
        continue;
      if (const FactValue *Known = N.findFact(Name))
        Feasible &= Known->Value == NonZero;
      else
        N.addFact({Name, 0, NonZero, {Name}, false});
    }
    if (!Feasible && AllOutcomes.size() > 1)
      continue;
    for (const std::string &R : O.MaybeReleased)
      if (std::string L = substitute(R, E.Args); N.findHeld(L))
        release(N, L, std::string(), E.Loc, {CallStep});
    for (const std::string &R : O.Released) {
      std::string L = substitute(R, E.Args);
      // A lock the callee itself takes and keeps across calls is its own
      // business when we do not hold it.
      if (Sum && Sum->acquiresAndKeeps(R) && !N.findHeld(L))
        continue;
      std::optional<std::string> Spelled =
          OutcomeTarget.empty() || !Sum
              ? std::nullopt
              : callerSpelling(E, OutcomeTarget, R, Sum->releaseText(R));
      release(N, L, Spelled ? *Spelled : std::string(), E.Loc, {CallStep});
    }
    // Only what is known: an absent result reads as unknown, and a path
    // through a long function would otherwise carry one entry per call.
    if (E.TryId >= 0 && O.Returns >= 0)
      N.Results[E.TryId] = O.Returns;
    for (const HeldOnReturn &A : O.Acquired) {
      std::string L = substitute(A.Lock, E.Args);
      bool Managed = Sum && Sum->releasesFromEntry(A.Lock);
      if (!L.empty())
        TakenHere.insert(L); // through an acquiring wrapper (pod_lock())
      std::optional<std::string> Spelled =
          OutcomeTarget.empty() ? std::nullopt
                                : callerSpelling(E, OutcomeTarget, A.Lock, A.Text);
      bool WasHeld = N.findHeld(L) != nullptr;
      acquire(N, L, A.LockMode, A.Recursive, /*Try=*/true,
              Spelled ? *Spelled : A.Text.str(),
              extend({CallStep}, nameParameterLock(A.Witness, A.Lock, A.Text, L)),
              E.Loc, Managed, A.Atomic, ownerAt(A.Owner, A.Lock, E.Args),
              A.Contexts);
      if (HeldLock *H = N.findHeld(L); H && !WasHeld) {
        H->Maybe = A.Maybe;
        H->Holder = holderAt({}, A.Owner, L, E.Args);
      }
      if (HeldLock *H = N.findHeld(L)) {
        H->Managed |= Managed;
        // A parameter's lock is spelled as our argument; the callee's own
        // lock only as the callee's.
        H->ViaCall |= !Spelled;
        // Its return value says whether it took the lock only when some
        // outcome does not take it (not a lookup that always locks and
        // returns the object, active_entry_acquire()).
        H->FromTry |= O.Returns >= 0 && Sum && Sum->sometimesWithout(A.Lock);
      }
    }
    std::string Sig = N.signature() + "#" + std::to_string(O.Returns);
    joinInto(Produced, std::move(N), std::move(Sig), SIZE_MAX, Overflow);
  }
  for (size_t I = 0; I < Produced.States.size(); ++I)
    if (I == 0)
      S = std::move(Produced.States[I]);
    else
      Forked.push_back(std::move(Produced.States[I]));
}

} // namespace lockwise::dataflow
