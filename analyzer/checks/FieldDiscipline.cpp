//===- FieldDiscipline.cpp - Guards inferred from the accesses ------------===//
#include "checks/FieldDiscipline.h"

#include <algorithm>
#include <tuple>

namespace lockwise {

using dataflow::PathState;

namespace {

using Lockset = std::vector<LockKey>;

Lockset unite(const Lockset &A, const Lockset &B) {
  Lockset Out;
  std::set_union(A.begin(), A.end(), B.begin(), B.end(), std::back_inserter(Out));
  return Out;
}

Lockset intersect(const Lockset &A, const Lockset &B) {
  Lockset Out;
  std::set_intersection(A.begin(), A.end(), B.begin(), B.end(),
                        std::back_inserter(Out));
  return Out;
}

bool contains(const Lockset &S, const LockKey &L) {
  return std::binary_search(S.begin(), S.end(), L);
}

using dataflow::insertSorted;

/// The class locks path S holds, or a branch found held.  A parameter's
/// lock names no struct, so it guards no field here.
Lockset heldOn(const PathState &S) {
  Lockset Out;
  for (const dataflow::HeldLock &H : S.Held)
    if (!H.Lock.isParam())
      insertSorted(Out, H.Lock);
  for (const LockKey &L : S.Assumed)
    if (!L.isParam())
      insertSorted(Out, L);
  return Out;
}

bool locBefore(const SrcLoc &A, const SrcLoc &B) {
  return std::tie(A.File, A.Line, A.Column) < std::tie(B.File, B.Line, B.Column);
}

/// A greatest fixpoint over the call graph: each callee's value is met with
/// what every call site contributes given its caller's current value
/// (AtSite(Site, Caller), Caller null for a function without a value), until
/// nothing changes.  Values start at the top and only shrink.
template <class V, class Site, class AtSiteFn, class MeetFn>
void shrinkOverCallSites(std::map<Symbol, V> &Values,
                         const std::map<Symbol, std::vector<Site>> &CallsTo,
                         AtSiteFn AtSite, MeetFn Meet) {
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const auto &[Callee, Sites] : CallsTo) {
      auto It = Values.find(Callee);
      if (It == Values.end())
        continue;
      V Now = It->second;
      for (const Site &S : Sites) {
        auto Caller = Values.find(S.Caller);
        Now = Meet(Now, AtSite(S, Caller == Values.end() ? nullptr : &Caller->second));
      }
      if (Now != It->second) {
        It->second = std::move(Now);
        Changed = true;
      }
    }
  }
}

/// An access or a call site within one function: the field or callee,
/// then the place.  A tuple, not a string: it is made for every event on
/// every path state.
using SiteKey = std::tuple<Symbol, Symbol, unsigned, unsigned>;

SiteKey siteKey(Symbol What, const SrcLoc &L) {
  return {What, L.File, L.Line, L.Column};
}

} // namespace

class FieldDiscipline::Observer : public FunctionObserver {
public:
  Observer(const FieldDiscipline &C, const FunctionContext &Fn) : C(C), Fn(Fn) {}

  void onEntry(PathState &) override {
    for (const Block &B : Fn.function().Blocks)
      for (const Event &E : B.Events) {
        bool Takes = E.Kind == EventKind::Acquire || E.Kind == EventKind::TryAcquire;
        if (!Takes && E.Kind != EventKind::AssertHeld)
          continue;
        LockKey L = Fn.lockKey(E.Lock);
        if (L.empty() || L.isParam())
          continue;
        insertSorted(Takes ? Use.Takes : Use.Asserted, L);
        if (E.Lock.K == LockRef::Type)
          Tags.emplace(L, E.Lock.Root);
      }
  }
  void beforeEvent(const Event &E, PathState &S) override {
    if (E.Kind != EventKind::Access || E.Lock.K != LockRef::Type ||
        E.NewObject || C.Ruled.count(E.Name))
      return;
    auto [It, New] = Seen.try_emplace(siteKey(E.Name, E.Loc));
    Access &A = It->second;
    if (New) {
      A = Access{Fn.function().Key, E.Loc,         E.Name,
                 E.Lock.Root,         E.IsWrite,     E.ObjectParam,
                 heldOn(S)};
      return;
    }
    A.Held = intersect(A.Held, heldOn(S));
  }
  void onCallee(const CalleeEffects &Call, PathState &S) override {
    auto [It, New] = Calls.try_emplace(siteKey(Symbol(Call.Target), Call.Call.Loc));
    if (New)
      It->second = CallSite{Fn.function().Key, Call.Call.Loc, heldOn(S),
                            passed(Call.Call.Args)};
    else
      It->second.Held = intersect(It->second.Held, heldOn(S));
  }
  void onAcquiredThroughCall(const LockKey &L) override {
    if (!L.isParam())
      insertSorted(Use.Takes, L);
  }

  static std::vector<int> passed(const std::vector<ArgInfo> &Args) {
    std::vector<int> Out;
    for (const ArgInfo &A : Args)
      Out.push_back(A.NewObject ? PassesNew : A.Param >= 0 ? A.Param : PassesOther);
    return Out;
  }

  const FieldDiscipline &C;
  const FunctionContext &Fn;
  FunctionUse Use;
  std::map<LockKey, Symbol> Tags;
  std::map<SiteKey, Access> Seen;
  std::map<SiteKey, CallSite> Calls;
};

llvm::Error FieldDiscipline::begin(const Program &, const rules::RuleSet &Rules,
                                   CheckSlot) {
  for (const rules::GuardedRule &G : Rules.Guarded)
    Ruled.insert(G.Field);
  Unshared.insert(Rules.Unshared.begin(), Rules.Unshared.end());
  return llvm::Error::success();
}

std::unique_ptr<FunctionObserver>
FieldDiscipline::observe(const FunctionContext &Fn) {
  return std::make_unique<Observer>(*this, Fn);
}

void FieldDiscipline::commit(const FunctionContext &Fn, FunctionObserver &O,
                             const Summary &Final) {
  auto &Obs = static_cast<Observer &>(O);
  FunctionUse Use = std::move(Obs.Use);
  Use.Name = Fn.function().Name;
  Use.HasCallers = Fn.hasCallers();
  for (const SummaryAcquire &A : Final.Acquires)
    if (!A.Lock.isParam())
      insertSorted(Use.Takes, A.Lock);
  Functions[Fn.function().Key] = std::move(Use);
  TagOf.insert(Obs.Tags.begin(), Obs.Tags.end());
  std::vector<Access> Mine;
  for (auto &[K, A] : Obs.Seen)
    Mine.push_back(std::move(A));
  std::sort(Mine.begin(), Mine.end(), [](const Access &A, const Access &B) {
    return locBefore(A.Loc, B.Loc) || (A.Loc == B.Loc && A.Field < B.Field);
  });
  Accesses.insert(Accesses.end(), std::make_move_iterator(Mine.begin()),
                  std::make_move_iterator(Mine.end()));
  for (auto &[K, Site] : Obs.Calls)
    CallsTo[std::get<0>(K)].push_back(std::move(Site));
  Entry.reset();
  UnsharedParams.reset();
}

const std::map<Symbol, uint64_t> &FieldDiscipline::unsharedParams() const {
  if (UnsharedParams)
    return *UnsharedParams;
  // A function every call site of which is known starts with all
  // parameters unshared, and loses those some call passes a shared (or
  // unknown) object to.
  std::map<Symbol, uint64_t> U;
  for (const auto &[Key, Use] : Functions)
    U[Key] = Use.HasCallers && CallsTo.count(Key) ? ~uint64_t(0) : 0;
  auto AtSite = [](const CallSite &S, const uint64_t *Caller) {
    uint64_t CallerBits = Caller ? *Caller : 0;
    uint64_t Here = 0;
    for (size_t I = 0; I < S.Args.size() && I < 64; ++I) {
      int A = S.Args[I];
      if (A == PassesNew || (A >= 0 && A < 64 && (CallerBits >> A) & 1))
        Here |= uint64_t(1) << I;
    }
    return Here;
  };
  shrinkOverCallSites(U, CallsTo, AtSite,
                      [](uint64_t A, uint64_t B) { return A & B; });
  UnsharedParams = std::move(U);
  return *UnsharedParams;
}

bool FieldDiscipline::unshared(const Access &A) const {
  if (A.ObjectParam < 0 || A.ObjectParam >= 64)
    return false;
  auto It = unsharedParams().find(A.Function);
  return It != unsharedParams().end() && (It->second >> A.ObjectParam) & 1;
}

const std::map<Symbol, Lockset> &FieldDiscipline::entryLocksets() const {
  if (Entry)
    return *Entry;
  // Unknown (nullopt, the top) until a call site says; a function nobody
  // calls is entered holding nothing.  A site whose caller is still
  // unknown constrains nothing yet.
  using Known = std::optional<Lockset>;
  std::map<Symbol, Known> E;
  for (const auto &[Key, Use] : Functions)
    E[Key] = !Use.HasCallers || !CallsTo.count(Key) ? Known(Lockset{}) : std::nullopt;
  auto AtSite = [](const CallSite &S, const Known *Caller) -> Known {
    if (!Caller)
      return S.Held;
    if (!*Caller)
      return std::nullopt;
    return unite(S.Held, **Caller);
  };
  auto Meet = [](const Known &A, const Known &B) -> Known {
    if (!A || !B)
      return A ? A : B;
    return intersect(*A, *B);
  };
  shrinkOverCallSites(E, CallsTo, AtSite, Meet);
  // Only reached from calls still unknown (a recursion nothing outside
  // enters): no context is known, so none is assumed.
  Entry.emplace();
  for (auto &[Key, Set] : E)
    (*Entry)[Key] = Set ? std::move(*Set) : Lockset{};
  return *Entry;
}

FieldDiscipline::Lockset FieldDiscipline::holding(const Access &A) const {
  Lockset Out = A.Held;
  const auto &E = entryLocksets();
  if (auto It = E.find(A.Function); It != E.end())
    Out = unite(Out, It->second);
  if (auto It = Functions.find(A.Function); It != Functions.end())
    Out = unite(Out, It->second.Asserted);
  return Out;
}

FieldDiscipline::Lockset FieldDiscipline::holdingOwn(const Access &A) const {
  Lockset Out;
  for (const LockKey &L : holding(A))
    if (auto Tag = TagOf.find(L); Tag != TagOf.end() && Tag->second == A.Tag)
      Out.push_back(L);
  return Out;
}

std::map<Symbol, GuardBelief> FieldDiscipline::beliefs(Evidence Needed) const {
  std::map<Symbol, std::vector<const Access *>> ByField;
  for (const Access &A : Accesses)
    if (!unshared(A))
      ByField[A.Field].push_back(&A);
  std::map<Symbol, GuardBelief> Out;
  for (const auto &[Field, List] : ByField) {
    std::map<LockKey, GuardBelief> Candidates;
    std::map<LockKey, unsigned> Writes;
    for (const Access *A : List)
      for (const LockKey &L : holdingOwn(*A)) {
        GuardBelief &B = Candidates[L];
        // The first write that holds it shows the discipline best.
        if (B.Holding++ == 0 || (A->IsWrite && !Writes[L]))
          B.Example = A->Loc;
        Writes[L] += A->IsWrite;
      }
    const GuardBelief *Best = nullptr;
    for (auto &[L, B] : Candidates) {
      B.Field = Field;
      B.Lock = L;
      B.Accesses = List.size();
      if (Writes[L] && (!Best || B.Holding > Best->Holding))
        Best = &B;
    }
    if (Best && Best->Holding >= Needed.MinHolding &&
        100 * Best->Holding >= Needed.PercentHolding * Best->Accesses)
      Out[Field] = *Best;
  }
  return Out;
}

Chain FieldDiscipline::pathTo(const Access &A, const LockKey &Lock) const {
  constexpr unsigned MaxCallers = 8;
  const auto &E = entryLocksets();
  Chain Up;
  std::set<Symbol> Seen{A.Function};
  Symbol Cur = A.Function;
  while (Up.size() < MaxCallers) {
    const FunctionUse &U = Functions.at(Cur);
    auto Sites = CallsTo.find(Cur);
    if (!U.HasCallers || contains(U.Takes, Lock) || Sites == CallsTo.end())
      break;
    const CallSite *Pick = nullptr;
    for (const CallSite &S : Sites->second) {
      auto Caller = E.find(S.Caller);
      Lockset At = Caller == E.end() ? S.Held : unite(S.Held, Caller->second);
      if (!Seen.count(S.Caller) && !contains(At, Lock)) {
        Pick = &S;
        break;
      }
    }
    if (!Pick)
      break;
    Symbol CallerName = Functions.count(Pick->Caller)
                            ? Functions.at(Pick->Caller).Name
                            : Pick->Caller;
    Up.push_back(WitnessStep{Pick->Loc, CallerName,
                             Symbol(CallerName + " calls " + U.Name + " without '" +
                                    Lock.str() + "'")});
    Seen.insert(Pick->Caller);
    Cur = Pick->Caller;
  }
  std::reverse(Up.begin(), Up.end());
  Up.push_back(accessStep(A));
  return Up;
}

WitnessStep FieldDiscipline::accessStep(const Access &A) const {
  const Symbol &Name = Functions.at(A.Function).Name;
  return WitnessStep{A.Loc, Name,
                     Symbol(Name + (A.IsWrite ? " writes '" : " reads '") +
                            A.Field + "'")};
}

std::vector<DeviantAccess>
FieldDiscipline::deviants(const std::map<Symbol, GuardBelief> &Beliefs) const {
  std::map<std::pair<Symbol, Symbol>, DeviantAccess> ByFunction;
  for (const Access &A : Accesses) {
    auto B = Beliefs.find(A.Field);
    const FunctionUse &U = Functions.at(A.Function);
    if (B == Beliefs.end() || Unshared.count(U.Name.str()) || unshared(A) ||
        contains(holding(A), B->second.Lock))
      continue;
    // An unlocked read is a deviant only where the function relies on the
    // lock too; elsewhere it is a lockless peek (statistics, debug dumps).
    bool Takes = contains(U.Takes, B->second.Lock);
    if (!A.IsWrite && !Takes)
      continue;
    auto [It, New] = ByFunction.try_emplace({A.Function, A.Field});
    if (New) {
      It->second = DeviantAccess{B->second, U.Name, A.Loc, A.IsWrite, Takes,
                                 pathTo(A, B->second.Lock), {}};
      continue;
    }
    It->second.Others.push_back(A.Loc);
  }
  std::vector<DeviantAccess> Out;
  for (auto &[K, D] : ByFunction)
    Out.push_back(std::move(D));
  return Out;
}

std::vector<DeviantAccess>
FieldDiscipline::lostLocks(const FieldDiscipline &Before) const {
  // What every write of a field in a function held before the patch.
  struct Kept {
    Lockset Locks;
    Lockset Local; ///< Of Locks, those the function itself held.
    unsigned Writes = 0;
    SrcLoc Example;
  };
  std::map<std::pair<Symbol, Symbol>, Kept> Old;
  for (const Access &A : Before.Accesses) {
    if (!A.IsWrite || Before.unshared(A))
      continue;
    auto [It, New] = Old.try_emplace({A.Function, A.Field});
    Lockset Own = Before.holdingOwn(A);
    It->second.Locks = New ? Own : intersect(It->second.Locks, Own);
    It->second.Local = New ? A.Held : intersect(It->second.Local, A.Held);
    if (New)
      It->second.Example = A.Loc;
    ++It->second.Writes;
  }
  std::map<std::pair<Symbol, Symbol>, DeviantAccess> ByFunction;
  for (const Access &A : Accesses) {
    auto It = Old.find({A.Function, A.Field});
    const FunctionUse &U = Functions.at(A.Function);
    if (!A.IsWrite || It == Old.end() || It->second.Locks.empty() ||
        Unshared.count(U.Name.str()) || unshared(A))
      continue;
    Lockset Now = holding(A);
    for (const LockKey &L : It->second.Locks) {
      if (contains(Now, L))
        continue;
      auto [D, New] = ByFunction.try_emplace({A.Function, A.Field});
      if (!New) {
        D->second.Others.push_back(A.Loc);
        break;
      }
      GuardBelief B{A.Field, L, It->second.Writes, It->second.Writes,
                    It->second.Example};
      // Dropped by the function itself: its callers are beside the point.
      Chain Path = contains(It->second.Local, L)
                       ? Chain{accessStep(A)}
                       : pathTo(A, L);
      D->second = DeviantAccess{B, U.Name, A.Loc, true, contains(U.Takes, L),
                                std::move(Path), {}, /*Lost=*/true};
      break;
    }
  }
  std::vector<DeviantAccess> Out;
  for (auto &[K, D] : ByFunction)
    Out.push_back(std::move(D));
  return Out;
}

} // namespace lockwise
