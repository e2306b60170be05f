//===- CallTransfer.cpp - A call seen through its callees' summaries ------===//
//
// A callee's summary in the caller's terms: its parameter locks become the
// caller's arguments' locks, its conditions on parameters become
// conditions on the caller's arguments (or are decided by constants and
// the path's facts), and each distinct outcome becomes a path state.
//
//===----------------------------------------------------------------------===//
#include "engine/FunctionAnalysis.h"

namespace lockwise::dataflow {

void FunctionAnalysis::applyCall(const Event &E, PathState &S,
                                 std::vector<PathState> &Forked) {
  std::vector<std::string> Targets = P.callTargets(E);
  if (Targets.size() > MaxFptrTargets) {
    Targets.resize(MaxFptrTargets);
    Obs.Incomplete |= FptrTargets;
  }
  WitnessStep CallStep =
      step(E.Loc, F.Name + " calls " + (E.Callee.empty() ? E.Name + " -> " : std::string()) +
                      (Targets.size() == 1 ? functionNameOf(Targets[0]).str()
                                           : E.Name.str()));
  // The locks held at each call: only queries read them (held-at).
  if (RecordCalls)
    for (const std::string &T : Targets) {
      HeldAtCall &H = Obs.Calls[locKey(E.Loc) + ">" + T];
      H.Caller = F.Key;
      H.Callee = T;
      H.Loc = E.Loc;
      for (const HeldLock &L : S.Held)
        if (std::find(H.Held.begin(), H.Held.end(), L.Lock.str()) == H.Held.end())
          H.Held.push_back(L.Lock.str());
      std::sort(H.Held.begin(), H.Held.end());
    }

  std::vector<std::pair<const Summary *, std::string>> Used;
  for (const std::string &T : Targets) {
    auto It = Sums.find(T);
    if (It == Sums.end()) {
      notify([&](FunctionObserver &O) { O.onDeclaredCallee(E, T, CallStep, S); });
      continue;
    }
    std::string TName = functionNameOf(T).str();
    // The system is going down: nothing in there orders our locks.
    if (Rules.CrashPaths.count(TName))
      continue;
    const Summary &Sum = It->second;
    ParamConditions Extra;
    if (!flagAllows(E, T, S, Extra))
      continue;
    Used.push_back({&Sum, T});
    WitnessStep Step = CallStep;
    if (Targets.size() > 1)
      Step.Message = F.Name + " calls " + TName + " through " + E.FptrKey;
    // A callee's conditions in our terms, and those of the flags.
    auto Forward = [&](const ParamConditions &When) {
      ParamConditions Out = forwardConditions(When, E.Args);
      Out.insert(Out.end(), Extra.begin(), Extra.end());
      return Out;
    };
    applyCalleeLocks(E, S, Sum, T, Step, Forward);
    // What happens inside the callee, seen with the caller's locks.
    CalleeEffects C{E, T, Sum, Step, Forward};
    notify([&](FunctionObserver &O) { O.onCallee(C, S); });
  }
  // Forget what the call may have changed.
  forgetWrites(S, E.Vars, /*Memory=*/false, F.Params);
  applyOutcomes(E, S, Forked, Used, CallStep);
}

void FunctionAnalysis::applyCalleeLocks(
    const Event &E, PathState &S, const Summary &Sum, const std::string &T,
    const WitnessStep &Step,
    llvm::function_ref<ParamConditions(const ParamConditions &)> Forward) {
  for (const SummaryAcquire &A : Sum.Acquires) {
    if (!allowsHere(S, A.When, E))
      continue;
    // Reached only through code that cannot run where we do (an EPT
    // handler from shadow-paging code).
    ContextMask Contexts = Own | A.Contexts;
    if (Rules.conflicting(Contexts))
      continue;
    LockKey L = substitute(A.Lock, E.Args);
    if (L.empty())
      continue;
    bool Recursive = A.Recursive;
    if (A.RecursiveParam >= 0 && (size_t)A.RecursiveParam < E.Args.size() &&
        E.Args[A.RecursiveParam].HasInt)
      Recursive = E.Args[A.RecursiveParam].Int != 0;
    // A recursive class (libxl's CTX mutex) is re-taken wherever a caller
    // holds it: the edge from what this function holds is the callers'.
    Recursive |= Rules.RecursiveLocks.count(L.cls()) != 0;
    Chain Path = extend({Step}, nameParameterLock(A.Witness, A.Lock, A.Text, L));
    std::optional<std::string> Spelled = callerSpelling(E, T, A.Lock, A.Text);
    std::string Text = Spelled ? *Spelled : A.Text.str();
    std::vector<LockKey> Dropped = substituteAll(A.Dropped, E.Args);
    int8_t Owner = ownerAt(A.Owner, A.Lock, E.Args);
    Symbol Holder = holderAt(A.Holder, A.Owner, L, E.Args);
    SummaryAcquire New;
    New.When = paramConditions(S, Forward(A.When));
    New.Lock = L;
    New.LockMode = A.LockMode;
    New.Try = A.Try;
    New.Recursive = Recursive;
    New.Guarded = A.Guarded || guardedBeyondParams(S);
    New.GuardText = A.Guarded ? A.GuardText : guardText(S);
    New.Text = Text;
    New.Witness = Path;
    New.Dropped = droppedThroughCall(S, Dropped);
    New.Contexts = Contexts;
    New.Owner = Owner;
    New.Holder = Holder;
    summariseAcquire(std::move(New));
    if (HeldLock *H = S.findHeld(L)) {
      bool Managed = Sum.releasesFromEntry(A.Lock) ||
                     std::binary_search(Dropped.begin(), Dropped.end(), L);
      // A wrapper taking the lock its argument points to: two arguments
      // spelled differently are two instances ("evtchn_write_lock(lchn);
      // evtchn_write_lock(rchn);"), as for a direct acquisition.
      bool OtherInstance = Spelled && !H->ViaCall && !H->Text.empty() &&
                           H->Text != Text;
      if (!Managed && !Recursive && !H->Recursive && !H->Maybe &&
          !(H->LockMode == Mode::Shared && A.LockMode == Mode::Shared)) {
        Reacquisition R{S, *H, L, E.Loc, Path, A.Try, A.Guarded, !OtherInstance,
                        A.GuardText};
        notify([&](FunctionObserver &O) { O.onReacquire(R); });
      }
      continue;
    }
    if (!A.Try)
      for (const HeldLock &H : S.Held)
        if (!std::binary_search(Dropped.begin(), Dropped.end(), H.Lock) &&
            !Rules.conflicting(H.Contexts | Contexts))
          addEdge({H.Lock, L, *H.Site, Path, Recursive, H.Owner, Owner,
                   H.Holder, Holder, Forward(A.When)},
                  S);
  }
  for (const DeferredEdge &D : Sum.Deferred) {
    LockKey From = substitute(D.From, E.Args);
    LockKey To = substitute(D.To, E.Args);
    if (From.empty() || To.empty())
      continue;
    if ((D.RecursiveTarget && S.findHeld(To)) || !allowsHere(S, D.When, E))
      continue;
    Chain Prefix{Step};
    Chain Head(D.Witness.begin(), D.Witness.begin() + D.ToStart);
    Chain Tail(D.Witness.begin() + D.ToStart, D.Witness.end());
    Chain HeldSite = extend(Prefix, Head);
    addEdge({From, To, HeldSite, Tail, D.RecursiveTarget,
             ownerAt(D.FromOwner, D.From, E.Args), ownerAt(D.ToOwner, D.To, E.Args),
             holderAt(D.FromHolder, D.FromOwner, From, E.Args),
             holderAt(D.ToHolder, D.ToOwner, To, E.Args), Forward(D.When)},
            S);
  }
}

void FunctionAnalysis::applyOutcomes(
    const Event &E, PathState &S, std::vector<PathState> &Forked,
    const std::vector<std::pair<const Summary *, std::string>> &Used,
    const WitnessStep &CallStep) {
  std::vector<std::pair<const Outcome *, size_t>> All; // outcome, its summary
  for (size_t U = 0; U < Used.size(); ++U)
    for (const Outcome &O : Used[U].first->Outcomes)
      if (allows(O.When, E.Args))
        All.push_back({&O, U});
  if (All.empty())
    return;
  // One state per distinct outcome of the callee(s), each told apart by its
  // locks and the value the call returned.
  PathState Base = S;
  StateSet Produced;
  bool Overflow = false; // never set: Produced has no limit
  for (auto [O, U] : All) {
    std::optional<PathState> N = outcomeState(E, Base, *O, *Used[U].first,
                                              Used[U].second, CallStep,
                                              All.size() == 1);
    if (!N)
      continue;
    std::string Sig = N->signature() + "#" + std::to_string(O->Returns);
    joinInto(Produced, std::move(*N), std::move(Sig), SIZE_MAX, Overflow);
  }
  for (size_t I = 0; I < Produced.States.size(); ++I)
    if (I == 0)
      S = std::move(Produced.States[I]);
    else
      Forked.push_back(std::move(Produced.States[I]));
}

bool FunctionAnalysis::assumeOutcome(const Event &E, const Outcome &O,
                                     PathState &N) {
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
    if (int Id = A ? A->TryId : -1; Id >= 0) {
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
  return Feasible;
}

std::optional<PathState>
FunctionAnalysis::outcomeState(const Event &E, const PathState &Base,
                               const Outcome &O, const Summary &Sum,
                               const std::string &Target,
                               const WitnessStep &CallStep, bool Only) {
  PathState N = Base;
  bool Feasible = assumeOutcome(E, O, N);
  if (!Feasible && !Only)
    return std::nullopt;
  for (const LockKey &R : O.MaybeReleased)
    if (LockKey L = substitute(R, E.Args); N.findHeld(L))
      release(N, L, std::string(), E.Loc, {CallStep});
  for (const LockKey &R : O.Released) {
    LockKey L = substitute(R, E.Args);
    // A lock the callee itself takes and keeps across calls is its own
    // business when we do not hold it.
    if (Sum.acquiresAndKeeps(R) && !N.findHeld(L))
      continue;
    std::optional<std::string> Spelled =
        callerSpelling(E, Target, R, Sum.releaseText(R));
    release(N, L, Spelled ? *Spelled : std::string(), E.Loc, {CallStep});
  }
  // Only what is known: an absent result reads as unknown, and a path
  // through a long function would otherwise carry one entry per call.
  if (E.TryId >= 0 && O.Returns >= 0)
    N.Results[E.TryId] = O.Returns;
  for (const HeldOnReturn &H : O.Acquired)
    takeFromCallee(E, N, O, H, Sum, Target, CallStep);
  return N;
}

void FunctionAnalysis::takeFromCallee(const Event &E, PathState &N,
                                      const Outcome &O, const HeldOnReturn &H,
                                      const Summary &Sum, const std::string &Target,
                                      const WitnessStep &CallStep) {
  LockKey L = substitute(H.Lock, E.Args);
  bool Managed = Sum.releasesFromEntry(H.Lock);
  if (!L.empty())
    notify([&](FunctionObserver &Ob) { Ob.onAcquiredThroughCall(L); });
  std::optional<std::string> Spelled = callerSpelling(E, Target, H.Lock, H.Text);
  bool WasHeld = N.findHeld(L) != nullptr;
  Acquisition A;
  A.Lock = L;
  A.LockMode = H.LockMode;
  A.Recursive = H.Recursive;
  A.Try = true;
  A.Text = Spelled ? *Spelled : H.Text.str();
  A.Path = extend({CallStep}, nameParameterLock(H.Witness, H.Lock, H.Text, L));
  A.Loc = E.Loc;
  A.ManagedByCallee = Managed;
  A.Atomic = H.Atomic;
  A.Owner = ownerAt(H.Owner, H.Lock, E.Args);
  A.Contexts = H.Contexts;
  acquire(N, A);
  if (HeldLock *X = N.findHeld(L); X && !WasHeld) {
    X->Maybe = H.Maybe;
    X->Holder = holderAt({}, H.Owner, L, E.Args);
  }
  if (HeldLock *X = N.findHeld(L)) {
    X->Managed |= Managed;
    // A parameter's lock is spelled as our argument; the callee's own
    // lock only as the callee's.
    X->ViaCall |= !Spelled;
    // Its return value says whether it took the lock only when some
    // outcome does not take it (not a lookup that always locks and
    // returns the object, active_entry_acquire()).
    X->FromTry |= O.Returns >= 0 && Sum.sometimesWithout(H.Lock);
  }
}

Symbol FunctionAnalysis::argFact(const Event &E, int Index) const {
  if (Index < 0 || (size_t)Index >= E.Args.size())
    return Symbol();
  const ArgInfo &A = E.Args[Index];
  if (A.MaskedParam >= 0 && (size_t)A.MaskedParam < F.Params.size())
    return Symbol(maskKey(F.Params[A.MaskedParam].str(), A.ParamMask));
  if (A.Param >= 0 && (size_t)A.Param < F.Params.size())
    return F.Params[A.Param];
  return A.Var;
}

/// allows(), and no branch fact of the path contradicts a condition on an
/// argument that is our parameter or local passed as is: after
/// "ASSERT(!(flags & IOMMUF_preempt))", iommu_map()'s preemption check
/// under "flags & IOMMUF_preempt" is not reached.
bool FunctionAnalysis::allowsHere(const PathState &S, const ParamConditions &When,
                                  const Event &E) const {
  if (!allows(When, E.Args))
    return false;
  for (const ParamCondition &C : When) {
    if (!C.CarriedKey.empty()) {
      if ((size_t)C.Param >= E.Args.size())
        continue;
      const ArgInfo &A = E.Args[C.Param];
      if (A.Object.empty() && A.Param < 0)
        continue;
      if (!P.callbackFlags().mayCarry(C.CarriedKey.str(), C.CarriedTarget.str(),
                                      F.Key.str(), A.Param, A.Object.str()))
        return false;
      continue;
    }
    Symbol Name = argFact(E, C.Param);
    if (Name.empty())
      continue;
    const FactValue *Known = S.findFact(
        !C.Field.empty() ? Symbol(Name.str() + "->" + C.Field.str())
        : C.Mask         ? Symbol(maskKey(Name.str(), C.Mask))
                         : Name);
    if (Known && Known->Value != C.NonZero)
      return false;
  }
  return true;
}

std::optional<std::string>
FunctionAnalysis::callerSpelling(const Event &E, const std::string &Target,
                                 const LockKey &CalleeLock,
                                 const std::string &CalleeText) const {
  if (CalleeLock.isParam()) {
    unsigned Index = CalleeLock.param();
    if (Index < E.Args.size() && !E.Args[Index].Lock.Text.empty())
      return E.Args[Index].Lock.Text.str();
    return std::nullopt;
  }
  const FunctionFacts *Callee = P.function(Target);
  if (!Callee)
    return std::nullopt;
  llvm::StringRef Text(CalleeText);
  bool Address = Text.consume_front("&");
  for (size_t I = 0; I < Callee->Params.size(); ++I) {
    llvm::StringRef Param = Callee->Params[I].str();
    if (Param.empty() || !Text.starts_with(Param))
      continue;
    // "p->lock" is the argument's lock; a bare "p" is a reference the
    // parameter holds (put_pg_owner(d)'s rcu_unlock_domain(d)).
    llvm::StringRef Rest = Text.substr(Param.size());
    if (!Rest.starts_with("->") && !Rest.starts_with(".") &&
        !(Rest.empty() && !Address))
      continue;
    Symbol Arg = argFact(E, I);
    if (Arg.empty())
      return std::nullopt;
    return (Address ? "&" : "") + Arg.str() + Rest.str();
  }
  return std::nullopt;
}

std::vector<LockKey>
FunctionAnalysis::substituteAll(const std::vector<LockKey> &Locks,
                                const std::vector<ArgInfo> &Args) const {
  std::vector<LockKey> Out;
  for (const LockKey &L : Locks)
    if (LockKey X = substitute(L, Args); !X.empty())
      Out.push_back(X);
  std::sort(Out.begin(), Out.end());
  return Out;
}

bool FunctionAnalysis::flagAllows(const Event &E, const std::string &Target,
                                  const PathState &S, ParamConditions &Extra) const {
  if (E.FptrBase.empty())
    return true;
  llvm::StringRef Base = E.FptrBase.str();
  int Param = -1;
  if (Base.ends_with("->"))
    for (size_t I = 0; I < F.Params.size() && I < 64; ++I)
      if (F.Params[I].str() == Base.drop_back(2) && !S.paramBitsChanged(I))
        Param = I;
  // The object may not be one Target is ever stored on.
  const CallbackFlags &CF = P.callbackFlags();
  if (Param >= 0 && CF.narrows(E.FptrKey.str(), Target)) {
    if (!CF.mayCarry(E.FptrKey.str(), Target, F.Key.str(), Param))
      return false;
    Extra.push_back({Param, true, 0, Symbol(), E.FptrKey, Symbol(Target)});
  }
  const std::vector<Symbol> *Flags = CF.excludingFlags(E.FptrKey.str(), Target);
  if (!Flags)
    return true;
  for (Symbol Flag : *Flags) {
    const FactValue *Known = S.findFact(Symbol(Base.str() + Flag.str()));
    if (Known && Known->Value)
      return false;
    if (Param >= 0 && !Known)
      Extra.push_back({Param, false, 0, Flag});
  }
  return true;
}

} // namespace lockwise::dataflow
