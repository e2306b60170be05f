//===- LocksetTransfer.cpp - Acquire, release, order edges ------------------===//
#include "engine/FunctionAnalysis.h"

namespace lockwise::dataflow {

std::string FunctionAnalysis::substitute(const std::string &CalleeLock,
                                         const std::vector<ArgInfo> &Args) const {
  if (!isParamLock(CalleeLock))
    return CalleeLock;
  unsigned Index = paramLockIndex(CalleeLock);
  if (Index >= Args.size())
    return "";
  const LockRef &R = Args[Index].Lock;
  if (R.K == LockRef::None || R.K == LockRef::Unknown || R.K == LockRef::Local)
    return "";
  return lockName(R);
}

int8_t FunctionAnalysis::ownerAt(int8_t CalleeOwner,
                                 const std::string &CalleeLock,
                                 const std::vector<ArgInfo> &Args) {
  if (isParamLock(CalleeLock)) {
    // The callee locks what we pass: a global lock is nobody's instance.
    unsigned Index = paramLockIndex(CalleeLock);
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
                                  const std::string &Lock,
                                  const std::vector<ArgInfo> &Args) const {
  if (!CalleeHolder.empty() || !Rules.isHolderClass(Lock))
    return CalleeHolder;
  if (CalleeOwner < 0 || (size_t)CalleeOwner >= Args.size())
    return {};
  Symbol H = Args[CalleeOwner].Holder;
  // "$N": our parameter N's; our callers say (through ownerAt()).
  return H.empty() || H.str()[0] == '$' ? Symbol() : H;
}

void FunctionAnalysis::addEdge(const std::string &From, const std::string &To,
                               const Chain &HeldSite, const Chain &ToPath,
                               bool RecursiveTarget, int8_t FromOwner,
                               int8_t ToOwner, const PathState &S,
                               const ParamConditions &Inherited,
                               Symbol FromHolder, Symbol ToHolder) {
  if (From.empty() || To.empty() ||
      (From == To && FromHolder == ToHolder))
    return;
  // How the held lock was taken, then the way to the new one: each half is
  // cut on its own (extend()), so neither loses the acquisition it ends in.
  Chain W = HeldSite;
  W.insert(W.end(), ToPath.begin(), ToPath.end());
  size_t ToStart = HeldSite.size();
  // The running context's instance taken under a parameter's: only a
  // caller knows whether the parameter is the running context too.
  bool OwnersUndecided = ToOwner == OwnerCurrent && FromOwner >= 0;
  // A lock classed by holder, reached from a parameter: the caller names
  // the holder (its argument's).
  auto HolderPending = [&](const std::string &L, int8_t Owner, Symbol Holder) {
    return Holder.empty() && Owner >= 0 && Rules.isHolderClass(L);
  };
  bool NeedsCaller = isParamLock(From) || isParamLock(To) ||
                     (RecursiveTarget && HasCallers) ||
                     (OwnersUndecided && HasCallers) ||
                     (HasCallers && (HolderPending(From, FromOwner, FromHolder) ||
                                     HolderPending(To, ToOwner, ToHolder)));
  if (NeedsCaller) {
    if (isParamLock(From) || isParamLock(To)) {
      if (!HasCallers)
        return; // Nobody can tell us what the parameter is.
    }
    DeferredEdge D{From,    To,        RecursiveTarget, W,
                   ToStart, FromOwner, ToOwner,         FromHolder,
                   ToHolder, paramConditions(S, Inherited)};
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
  std::string FromNode = holderNode(From, FromHolder),
              ToNode = holderNode(To, ToHolder);
  if (FromNode == ToNode)
    return;
  if (ToOwner == OwnerCurrent && FromOwner != OwnerCurrent &&
      FromOwner != OwnerNone)
    ToNode = runningContextNode(ToNode);
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
  for (const FactValue &Fv : S.Facts) {
    if (Fv.MaskParam >= 0) {
      if (!(S.paramBitsChanged(Fv.MaskParam) & Fv.Mask))
        Out.push_back({Fv.MaskParam, Fv.Value, Fv.Mask});
      continue;
    }
    for (size_t I = 0; I < F.Params.size(); ++I)
      if (Fv.Key == F.Params[I] && !S.paramBitsChanged(I))
        Out.push_back({(int)I, Fv.Value});
  }
  for (const ParamCondition &C : Inherited)
    if (std::find(Out.begin(), Out.end(), C) == Out.end())
      Out.push_back(C);
  return Out;
}

void FunctionAnalysis::summariseAcquire(const std::string &Lock, Mode M,
                                        bool Try, bool Recursive,
                                        int RecursiveParam, bool Guarded,
                                        const std::string &Text,
                                        const Chain &Path,
                                        const ParamConditions &When,
                                        std::vector<Symbol> Dropped,
                                        ContextMask Contexts, int8_t Owner,
                                        Symbol Holder) {
  if (Lock.empty())
    return;
  if (Owner != OwnerNone && !isParamLock(Lock))
    Obs.Instances.insert(Lock);
  // Acquisitions of one lock under different parameter conditions stay
  // apart (p2m_get_gfn_type_access() takes the p2m lock "if (locked)" and,
  // through the sharing code, "if (q & P2M_ALLOC)": a caller passing
  // locked = 0 and q = 0 gets neither), up to a few; an acquisition whose
  // conditions include another's is covered by it.
  SummaryAcquire *Same = nullptr;
  size_t Copies = 0;
  bool Covered = false;
  for (SummaryAcquire &A : Out.Acquires) {
    if (A.Lock != Lock || A.LockMode != M || A.Try != Try ||
        A.Owner != Owner || A.Holder != Holder)
      continue;
    ++Copies;
    if (includes(When, A.When) || includes(A.When, When)) {
      Same = &A;
      Covered = true;
      break;
    }
    if (!Same)
      Same = &A;
  }
  if (Same && (Covered || Copies >= MaxConditionalCopies)) {
    SummaryAcquire &A = *Same;
    intersectSorted(A.Dropped, Dropped);
    A.Contexts &= Contexts; // excluded only if every chain is
    int Fewer = std::popcount(A.WitnessContexts) - std::popcount(Contexts);
    if (Fewer > 0 || (Fewer == 0 && Path.size() < A.Witness.size())) {
      A.Witness = Path;
      A.Text = Text;
      A.WitnessContexts = Contexts;
    }
    A.Recursive |= Recursive;
    A.Guarded &= Guarded;
    // Taken under either condition: keep only what both agree on.
    keepCommon(A.When, When);
    return;
  }
  Out.Acquires.push_back({When, Lock, M, Try, Recursive, RecursiveParam,
                          Guarded, Text, Path, std::move(Dropped), Contexts,
                          Contexts, Owner, Holder});
}

void FunctionAnalysis::acquire(PathState &S, const std::string &Lock, Mode M,
                               bool Recursive, bool Try,
                               const std::string &Text, const Chain &Path,
                               const SrcLoc &Loc, bool ManagedByCallee,
                               bool Atomic, int8_t Owner, ContextMask Contexts) {
  if (Lock.empty())
    return;
  // A lock inside *p is taken only if p is not NULL: until p is written, a
  // test of it is decided (evtchn_close()'s "if ( d2 == NULL )" after
  // "goto again" with d2's lock held).  Locals only: a fact on a parameter
  // becomes a condition of the summary's outcomes, which this is not.
  // A global lock spelled as itself ("xs_state_lock") has no pointer.
  if (Symbol V = lockBase(Text, /*Bare=*/Text != Lock);
      !V.empty() && !S.findFact(V) &&
      std::find(F.Params.begin(), F.Params.end(), V) == F.Params.end())
    S.addFact({V, 0, true, {V}, false});
  if (Owner != OwnerNone && !isParamLock(Lock))
    Obs.Instances.insert(Lock);
  Contexts |= Own;
  Recursive |= Rules.RecursiveLocks.count(Lock) != 0;
  if (HeldLock *H = S.findHeld(Lock)) {
    // Maybe held: this is the path where it was not.
    if (H->Maybe && !Try) {
      H->Maybe = false;
      return;
    }
    if (H->Recursive || Recursive ||
        (H->LockMode == Mode::Shared && M == Mode::Shared) || ManagedByCallee) {
      if (!ManagedByCallee)
        H->Count = std::min(H->Count + 1, 8u);
      return;
    }
    // Two instances of one class (a->lock then b->lock) are not a double
    // lock; the same spelling, or the same lock through a wrapper, is.
    if (!Try && (H->Text == Text || H->ViaCall)) {
      std::string K = Lock + "@" + locKey(Loc);
      if (!Obs.DoubleLocks.count(K))
        Obs.DoubleLocks[K] = DoubleLockObs{Lock, F.Name, Loc, *H->Site, Path};
    }
    // Count it either way, so the matching unlocks balance and one bug is
    // reported once.
    H->Count = std::min(H->Count + 1, 8u);
    return;
  }
  if (!Try)
    for (const HeldLock &H : S.Held)
      if (!Rules.conflicting(H.Contexts | Contexts))
        addEdge(H.Lock, Lock, *H.Site, Path, Recursive, H.Owner, Owner, S, {},
                H.Holder);
  HeldLock N;
  N.Owner = Owner;
  N.Contexts = Contexts;
  const ReleaseMark *Dropped = S.findReleased(Lock);
  N.Reentered = Dropped && !Dropped->AcquiredHere;
  N.Lock = Lock;
  N.LockMode = M;
  N.Recursive = Recursive;
  N.Text = Text;
  N.Atomic = Atomic;
  N.Site = std::make_shared<const Chain>(Path);
  S.addHeld(std::move(N));
  std::erase_if(S.Released, [&](const ReleaseMark &R) { return R.Lock == Lock; });
}

void FunctionAnalysis::release(PathState &S, const std::string &Lock,
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
    for (ArmedMark &A : S.Armed)
      if (!A.Broken && Rules.Continuously[A.Rule].Lock == Lock) {
        A.Broken = true;
        A.ReleaseLoc = Loc;
      }
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
    // Released before under another spelling: possibly another instance of
    // the class ("spin_unlock(&q->lock)" on one path, "if (q != old_q)
    // spin_unlock(&old_q->lock)" after a merge lost q == old_q), as two
    // spellings are two instances for a double lock.
    if (!R->Text.empty() && !Text.empty() && R->Text != Text)
      return;
    std::string K = Lock + "@" + locKey(Loc);
    if (!Obs.DoubleUnlocks.count(K)) {
      Chain First{step(R->Loc, describe(Lock, Text) + " released here first")};
      Obs.DoubleUnlocks[K] = DoubleUnlockObs{Lock, F.Name, Loc, Path, First};
    }
    return;
  }
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
      acquire(S, T.Lock, T.LockMode, T.Recursive, /*Try=*/true, T.Text,
              *T.Site, T.Site->back().Loc, false, T.Atomic, T.Owner);
      if (HeldLock *H = S.findHeld(T.Lock))
        H->FromTry = true;
    }
    return;
  }
}

} // namespace lockwise::dataflow
