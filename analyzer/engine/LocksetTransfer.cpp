//===- LocksetTransfer.cpp - Acquire, release, order edges ----------------===//
//
// The lockset semantics: what acquiring and releasing do to a path, the
// order edges an acquisition adds (or leaves to the callers), and the
// acquisitions a summary lists.  Checks judge re-acquisitions and
// re-releases (onReacquire(), onRerelease()); the engine only says when
// one happens.
//
//===----------------------------------------------------------------------===//
#include "engine/FunctionAnalysis.h"

namespace lockwise::dataflow {

LockKey FunctionAnalysis::lockKey(const LockRef &R) const {
  return P.lockKey(R);
}

LockKey FunctionAnalysis::substitute(const LockKey &CalleeLock,
                                     const std::vector<ArgInfo> &Args) const {
  if (!CalleeLock.isParam())
    return CalleeLock;
  unsigned Index = CalleeLock.param();
  if (Index >= Args.size())
    return {};
  return lockKey(Args[Index].Lock);
}

int8_t FunctionAnalysis::ownerAt(int8_t CalleeOwner,
                                 const LockKey &CalleeLock,
                                 const std::vector<ArgInfo> &Args) {
  if (CalleeLock.isParam()) {
    // The callee locks what we pass: a global lock is nobody's instance.
    unsigned Index = CalleeLock.param();
    if (Index >= Args.size())
      return OwnerAny;
    const ArgInfo &A = Args[Index];
    if (A.Lock.K == LockRef::Type)
      return A.Lock.Owner;
    return A.Lock.K == LockRef::Global ? (int8_t)OwnerNone : A.Origin;
  }
  if (CalleeOwner >= 0)
    return (size_t)CalleeOwner < Args.size() ? Args[CalleeOwner].Origin
                                             : OwnerAny;
  return CalleeOwner;
}

Symbol FunctionAnalysis::holderAt(Symbol CalleeHolder, int8_t CalleeOwner,
                                  const LockKey &Lock,
                                  const std::vector<ArgInfo> &Args) const {
  if (!CalleeHolder.empty() || !Rules.isHolderClass(Lock.cls()))
    return CalleeHolder;
  if (CalleeOwner < 0 || (size_t)CalleeOwner >= Args.size())
    return {};
  // Empty where the object is our parameter's: our callers say (through
  // ownerAt()).
  return Args[CalleeOwner].Holder;
}

void FunctionAnalysis::addEdge(const EdgeRequest &R, const PathState &S) {
  const LockKey &From = R.From, &To = R.To;
  // A reference (an RCU read section) excludes nothing, so it is on no
  // side of an order.
  if (From.empty() || To.empty() ||
      (From == To && R.FromHolder == R.ToHolder) || Rules.isReference(From) ||
      Rules.isReference(To))
    return;
  // How the held lock was taken, then the way to the new one: each half is
  // cut on its own (extend()), so neither loses the acquisition it ends in.
  Chain W = R.HeldSite;
  W.insert(W.end(), R.ToPath.begin(), R.ToPath.end());
  size_t ToStart = R.HeldSite.size();
  // The running context's instance taken under a parameter's: only a
  // caller knows whether the parameter is the running context too.
  bool OwnersUndecided = R.ToOwner == OwnerCurrent && R.FromOwner >= 0;
  // A lock classed by holder, reached from a parameter: the caller names
  // the holder (its argument's).
  auto HolderPending = [&](const LockKey &L, int8_t Owner, Symbol Holder) {
    return Holder.empty() && Owner >= 0 && Rules.isHolderClass(L.cls());
  };
  bool NeedsCaller = From.isParam() || To.isParam() ||
                     (R.RecursiveTarget && HasCallers) ||
                     (OwnersUndecided && HasCallers) ||
                     (HasCallers && (HolderPending(From, R.FromOwner, R.FromHolder) ||
                                     HolderPending(To, R.ToOwner, R.ToHolder)));
  if (NeedsCaller) {
    if (From.isParam() || To.isParam()) {
      if (!HasCallers)
        return; // Nobody can tell us what the parameter is.
    }
    DeferredEdge D{From,       To,        R.RecursiveTarget, W,
                   ToStart,    R.FromOwner, R.ToOwner,       R.FromHolder,
                   R.ToHolder, paramConditions(S, R.Inherited)};
    for (DeferredEdge &Old : Out.Deferred)
      if (Old == D) {
        if (W.size() < Old.Witness.size())
          Old = D;
        return;
      }
    Out.Deferred.push_back(std::move(D));
    return;
  }
  // The running context's lock taken while another object's is held
  // (rules' running_context): an edge to the class's running-context copy,
  // as Xen ranks the calling domain's mm locks after the subject's.  Only
  // this way round: an object reached from the running context's own locks
  // through a back pointer ("p2m->domain", "page_get_owner(pg)") is not
  // known to be another object, so the reverse stays a plain edge.  A
  // global lock (OwnerNone) is the same whoever runs.
  LockNode FromN{From.cls(), R.FromHolder.str()}, ToN{To.cls(), R.ToHolder.str()};
  if (FromN == ToN)
    return;
  ToN.Running = R.ToOwner == OwnerCurrent && R.FromOwner != OwnerCurrent &&
                R.FromOwner != OwnerNone;
  std::string FromNode = FromN.name(), ToNode = ToN.name();
  Obs.Nodes.emplace(FromNode, FromN);
  Obs.Nodes.emplace(ToNode, ToN);
  auto Key = std::make_pair(FromNode, ToNode);
  auto It = Obs.Edges.find(Key);
  if (It == Obs.Edges.end()) {
    Obs.Edges[Key] = LockEdge{FromNode, ToNode, std::move(W), {}};
    return;
  }
  mergeWitness(It->second, LockEdge{FromNode, ToNode, std::move(W), {}});
}


ParamConditions
FunctionAnalysis::paramConditions(const PathState &S,
                                  const ParamConditions &Inherited) const {
  ParamConditions Out;
  for (const FactValue &Fv : S.Facts)
    if (std::optional<ParamCondition> C = paramConditionOf(S, Fv))
      Out.push_back(*C);
  for (const ParamCondition &C : Inherited)
    if (std::find(Out.begin(), Out.end(), C) == Out.end())
      Out.push_back(C);
  return Out;
}

std::optional<ParamCondition>
FunctionAnalysis::paramConditionOf(const PathState &S, const FactValue &Fv) const {
  if (Fv.MaskParam >= 0) {
    if (S.paramBitsChanged(Fv.MaskParam) & Fv.Mask)
      return std::nullopt;
    return ParamCondition{Fv.MaskParam, Fv.Value, Fv.Mask};
  }
  for (size_t I = 0; I < F.Params.size(); ++I)
    if (Fv.Key == F.Params[I] && !S.paramBitsChanged(I))
      return ParamCondition{(int)I, Fv.Value};
  return std::nullopt;
}

const FactValue *FunctionAnalysis::guard(const PathState &S) const {
  // The facts that are conditions on parameters are the caller's to
  // decide (its constants, its own facts): only the rest is a condition
  // the caller cannot see.
  for (const FactValue &Fv : S.Facts)
    if (!paramConditionOf(S, Fv))
      return &Fv;
  return nullptr;
}

Symbol FunctionAnalysis::guardText(const PathState &S) const {
  const FactValue *Fv = guard(S);
  if (!Fv)
    return Symbol();
  return Fv->Value ? Fv->Key : Symbol("!(" + Fv->Key + ")");
}

void FunctionAnalysis::summariseAcquire(SummaryAcquire New) {
  const LockKey Lock = New.Lock;
  if (Lock.empty())
    return;
  if (New.Owner != OwnerNone && !Lock.isParam())
    Obs.Instances.insert(Lock.cls());
  // Acquisitions of one lock under different parameter conditions stay
  // apart (p2m_get_gfn_type_access() takes the p2m lock "if (locked)" and,
  // through the sharing code, "if (q & P2M_ALLOC)": a caller passing
  // locked = 0 and q = 0 gets neither), up to a few; an acquisition whose
  // conditions include another's is covered by it.
  SummaryAcquire *Same = nullptr;
  size_t Copies = 0;
  bool Covered = false;
  for (SummaryAcquire &A : Out.Acquires) {
    if (A.Lock != Lock || A.LockMode != New.LockMode || A.Try != New.Try ||
        A.Owner != New.Owner || A.Holder != New.Holder)
      continue;
    ++Copies;
    if (includes(New.When, A.When) || includes(A.When, New.When)) {
      Same = &A;
      Covered = true;
      break;
    }
    if (!Same)
      Same = &A;
  }
  if (Same && (Covered || Copies >= MaxConditionalCopies)) {
    SummaryAcquire &A = *Same;
    intersectSorted(A.Dropped, New.Dropped);
    A.Contexts &= New.Contexts; // excluded only if every chain is
    int Fewer = std::popcount(A.WitnessContexts) - std::popcount(New.Contexts);
    if (Fewer > 0 || (Fewer == 0 && New.Witness.size() < A.Witness.size())) {
      A.Witness = New.Witness;
      A.Text = New.Text;
      A.WitnessContexts = New.Contexts;
    }
    A.Recursive |= New.Recursive;
    A.Guarded &= New.Guarded;
    if (!A.Guarded)
      A.GuardText = Symbol();
    // Taken under either condition: keep only what both agree on.
    keepCommon(A.When, New.When);
    return;
  }
  New.WitnessContexts = New.Contexts;
  Out.Acquires.push_back(std::move(New));
}

void FunctionAnalysis::acquire(PathState &S, const Acquisition &A) {
  const LockKey &Lock = A.Lock;
  const std::string &Text = A.Text;
  if (Lock.empty())
    return;
  // A lock inside *p is taken only if p is not NULL: until p is written, a
  // test of it is decided (evtchn_close()'s "if ( d2 == NULL )" after
  // "goto again" with d2's lock held).  Locals only: a fact on a parameter
  // becomes a condition of the summary's outcomes, which this is not.
  // A global lock spelled as itself ("xs_state_lock") has no pointer.
  if (Symbol V = lockBase(Text, /*Bare=*/Text != Lock.str());
      !V.empty() && !S.findFact(V) &&
      std::find(F.Params.begin(), F.Params.end(), V) == F.Params.end())
    S.addFact({V, 0, true, {V}, false});
  if (A.Owner != OwnerNone && !Lock.isParam())
    Obs.Instances.insert(Lock.cls());
  ContextMask Contexts = A.Contexts | Own;
  bool Recursive = A.Recursive || Rules.RecursiveLocks.count(Lock.cls()) != 0 ||
                   Rules.isReference(Lock);
  if (HeldLock *H = S.findHeld(Lock)) {
    // Maybe held: this is the path where it was not.
    if (H->Maybe && !A.Try) {
      H->Maybe = false;
      return;
    }
    if (H->Recursive || Recursive ||
        (H->LockMode == Mode::Shared && A.LockMode == Mode::Shared) ||
        A.ManagedByCallee) {
      if (!A.ManagedByCallee)
        H->Count = std::min(H->Count + 1, 8u);
      return;
    }
    // Two instances of one class (a->lock then b->lock) are not one lock
    // taken twice; the same spelling, or the same lock through a wrapper,
    // is.
    Reacquisition R{S, *H, Lock, A.Loc, A.Path, A.Try, /*Guarded=*/false,
                    /*SameInstance=*/H->Text == Text || H->ViaCall};
    notify([&](FunctionObserver &O) { O.onReacquire(R); });
    // Count it either way, so the matching unlocks balance and one bug is
    // reported once.
    H->Count = std::min(H->Count + 1, 8u);
    return;
  }
  if (!A.Try)
    for (const HeldLock &H : S.Held)
      if (!Rules.conflicting(H.Contexts | Contexts))
        addEdge({H.Lock, Lock, *H.Site, A.Path, Recursive, H.Owner, A.Owner,
                 H.Holder, Symbol(), {}},
                S);
  HeldLock N;
  N.Owner = A.Owner;
  N.Contexts = Contexts;
  const ReleaseMark *Dropped = S.findReleased(Lock);
  N.Reentered = Dropped && !Dropped->AcquiredHere;
  N.Lock = Lock;
  N.LockMode = A.LockMode;
  N.Recursive = Recursive;
  N.Text = Text;
  N.Atomic = A.Atomic;
  N.Site = std::make_shared<const Chain>(A.Path);
  S.addHeld(std::move(N));
  std::erase_if(S.Released, [&](const ReleaseMark &R) { return R.Lock == Lock; });
}

void FunctionAnalysis::release(PathState &S, const LockKey &Lock,
                               const std::string &Text, const SrcLoc &Loc,
                               const Chain &Path) {
  if (Lock.empty())
    return;
  if (HeldLock *H = S.findHeld(Lock)) {
    if (--H->Count > 0)
      return;
    bool Reentered = H->Reentered;
    std::erase_if(S.Held, [&](const HeldLock &X) { return X.Lock == Lock; });
    S.setReleased({Lock, Loc, !Reentered, Text});
    notify([&](FunctionObserver &O) { O.onReleased(S, Lock, Loc); });
    return;
  }
  // Releasing a try-lock whose result was never tested: it succeeded.
  for (auto It = S.Pending.begin(); It != S.Pending.end(); ++It)
    if (It->Lock == Lock) {
      S.Pending.erase(It);
      S.setReleased({Lock, Loc, true, Text});
      return;
    }
  if (ReleaseMark *R = S.findReleased(Lock)) {
    Rerelease X{S, *R, Lock, Text, Loc, Path};
    notify([&](FunctionObserver &O) { O.onRerelease(X); });
    return;
  }
  UnheldRelease X{S, Lock, Text, Loc, Path};
  notify([&](FunctionObserver &O) { O.onReleaseUnheld(X); });
  // Held by the caller: this function is (on this path) a releasing wrapper.
  S.setReleased({Lock, Loc, false, Text});
}


void FunctionAnalysis::noteDistinctResult(PathState &S, Symbol Var, Symbol Source) {
  auto Groups = Rules.DistinctGroups.find(Source.str());
  if (Groups == Rules.DistinctGroups.end())
    return;
  std::vector<Symbol> Others;
  for (const FactValue &Fv : S.Facts) {
    auto Held = Fv.Value ? parseResultKey(Fv.Key.str()) : std::nullopt;
    if (!Held || Held->first == Var.str() || Held->second == Source.str())
      continue;
    auto Theirs = Rules.DistinctGroups.find(Held->second.str());
    if (Theirs == Rules.DistinctGroups.end())
      continue;
    if (llvm::any_of(Groups->second, [&](unsigned G) {
          return llvm::is_contained(Theirs->second, G);
        }))
      Others.push_back(Symbol(Held->first.str()));
  }
  for (Symbol Other : Others) {
    Symbol Key = equalityKey(Var.str(), Other.str());
    std::erase_if(S.Facts, [&](const FactValue &Fv) { return Fv.Key == Key; });
    S.addFact({Key, 0, false, {Var, Other}, false});
  }
  S.addFact({resultKey(Var.str(), Source.str()), 0, true, {Var}, false});
}

void FunctionAnalysis::resolveTry(PathState &S, int TryId, bool AtomNonZero) {
  for (auto It = S.Pending.begin(); It != S.Pending.end(); ++It) {
    if (It->TryId != TryId)
      continue;
    PendingTry T = std::move(*It);
    S.Pending.erase(It);
    // Remembered, so that a second test of the same result (the macro's
    // "?:", then the caller's "if") takes the same side.
    S.Results[TryId] = AtomNonZero ? 1 : 0;
    bool Success = T.SuccessIsZero ? !AtomNonZero : AtomNonZero;
    if (Success) {
      Acquisition A;
      A.Lock = T.Lock;
      A.LockMode = T.LockMode;
      A.Recursive = T.Recursive;
      A.Try = true;
      A.Text = T.Text;
      A.Path = *T.Site;
      A.Loc = T.Site->back().Loc;
      A.Atomic = T.Atomic;
      A.Owner = T.Owner;
      acquire(S, A);
      if (HeldLock *H = S.findHeld(T.Lock))
        H->FromTry = true;
    } else {
      notify([&](FunctionObserver &O) { O.onTryFailed(S, T); });
    }
    return;
  }
}

} // namespace lockwise::dataflow
