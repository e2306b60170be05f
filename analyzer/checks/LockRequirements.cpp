//===- LockRequirements.cpp - Locks that must be held ---------------------===//
#include "checks/LockRequirements.h"

#include "engine/Conditions.h"
#include "engine/Witness.h"

#include <algorithm>

namespace lockwise {

using dataflow::PathState;

namespace {

/// A lock that must be held on entry (for a guarded access or a callee's
/// requirement inside), not satisfied within the function.
struct SummaryNeed {
  NeedObs::Kind K = NeedObs::GuardedAccess;
  LockKey Lock;
  Symbol Subject;
  bool IsWrite = false;
  Chain Path;
  /// Only on paths under these parameter conditions ("if (lock)
  /// device_lock(d); f(d);": with lock == 0 the caller holds it).
  ParamConditions When;
  bool operator==(const SummaryNeed &O) const {
    return K == O.K && Lock == O.Lock && Subject == O.Subject;
  }
};

struct NeedsSummary : CheckSummary {
  std::vector<SummaryNeed> Needs;
  bool equals(const CheckSummary &O) const override {
    return Needs == static_cast<const NeedsSummary &>(O).Needs;
  }
};

} // namespace

class LockRequirements::Observer : public FunctionObserver {
public:
  Observer(const LockRequirements &C, const FunctionContext &Fn)
      : C(C), Fn(Fn), Name(Fn.function().Name),
        Out(std::make_shared<NeedsSummary>()) {}

  void onEntry(PathState &) override;
  void beforeEvent(const Event &E, PathState &S) override;
  void onCallee(const CalleeEffects &Call, PathState &S) override {
    const auto *Callee = Call.Callee.check<NeedsSummary>(C.Slot.Index);
    if (!Callee)
      return;
    for (const SummaryNeed &N : Callee->Needs)
      if (Fn.allowsHere(S, N.When, Call.Call))
        needAtCall(S, N.K, Fn.substitute(N.Lock, Call.Call.Args), N.Subject,
                   N.IsWrite, dataflow::extend({Call.Step}, N.Path),
                   Call.Call.Loc, Call.Forward(N.When));
  }
  /// A function the program only declares: its "requires" rule is all we
  /// know of it.
  void onDeclaredCallee(const Event &E, const std::string &Target,
                        const WitnessStep &Step, PathState &S) override {
    if (Fn.program().function(Target))
      return;
    std::string TName = functionNameOf(Target).str();
    auto R = C.Requires.find(TName);
    if (R == C.Requires.end())
      return;
    for (const LockKey &L : R->second)
      needAtCall(S, NeedObs::Declared, L, TName, false,
                 {Step, requiresStep(E.Loc, TName, L)}, E.Loc);
  }
  /// Through an acquiring wrapper (pod_lock()).
  void onAcquiredThroughCall(const LockKey &Lock) override {
    TakenHere.insert(Lock);
  }
  std::shared_ptr<const CheckSummary> summary() override { return Out; }

  std::map<std::string, NeedObs> Found;

private:
  WitnessStep requiresStep(const SrcLoc &Loc, const std::string &Function,
                           const LockKey &Lock) const {
    return Fn.step(Loc, Function + " requires '" + Lock.str() + "' (rules)");
  }
  void addNeed(const ParamConditions &When, NeedObs::Kind K,
               const LockKey &Lock, const std::string &Subject,
               bool IsWrite, const Chain &Path);
  /// A lock a callee needs at this call: missing here, or passed up.
  void needAtCall(PathState &S, NeedObs::Kind K, const LockKey &L,
                  const std::string &Subject, bool IsWrite, const Chain &Path,
                  const SrcLoc &Loc, const ParamConditions &Inherited = {});

  const LockRequirements &C;
  const FunctionContext &Fn;
  Symbol Name;
  std::shared_ptr<NeedsSummary> Out;
  /// Locks this function asserts or is declared to need on entry: its own
  /// accesses to data they guard are covered by that requirement.
  std::set<LockKey> EntryRequired;
  /// Locks this function acquires itself: it is responsible for holding
  /// them where its callees and its own accesses need them.
  std::set<LockKey> TakenHere;
};

void LockRequirements::Observer::onEntry(PathState &) {
  // Assertions (ASSERT(p2m_locked_by_me(p)), lockdep_assert_held()) state
  // what callers must hold; they often sit in blocks a release build
  // prunes, so they are read from every block, not from the dataflow.
  const FunctionFacts &F = Fn.function();
  for (const Block &B : F.Blocks)
    for (const Event &E : B.Events)
      if (E.Kind == EventKind::Acquire || E.Kind == EventKind::TryAcquire)
        TakenHere.insert(Fn.lockKey(E.Lock));
  for (const Block &B : F.Blocks)
    for (const Event &E : B.Events) {
      if (E.Kind != EventKind::AssertHeld)
        continue;
      LockKey L = Fn.lockKey(E.Lock);
      if (L.empty() || TakenHere.count(L))
        continue;
      EntryRequired.insert(L);
      addNeed({}, NeedObs::Asserted, L, Name, false,
              {Fn.step(E.Loc, Name + " asserts " +
                                  dataflow::describe(L, E.Lock.Text) +
                                  " is held (" + E.Name + ")")});
    }
  auto It = C.Requires.find(Name);
  if (It != C.Requires.end())
    for (const LockKey &L : It->second) {
      EntryRequired.insert(L);
      addNeed({}, NeedObs::Declared, L, Name, false,
              {requiresStep(F.Loc, Name, L)});
    }
}

void LockRequirements::Observer::beforeEvent(const Event &E, PathState &S) {
  if (E.Kind != EventKind::Access)
    return;
  auto It = C.Guarded.find(E.Name);
  if (It == C.Guarded.end() || S.findHeld(It->second) ||
      EntryRequired.count(It->second) || C.Unshared.count(Name.str()))
    return;
  Chain Path{Fn.step(E.Loc, std::string(E.IsWrite ? "writes" : "reads") +
                                " '" + E.Name + "' in " + Name)};
  if (TakenHere.count(It->second)) {
    std::string K = It->second.str() + ">" + E.Name + "@" + dataflow::locKey(E.Loc);
    if (!Found.count(K))
      Found[K] = NeedObs{NeedObs::GuardedAccess, It->second.str(), E.Name, Name,
                         E.Loc, Path, E.IsWrite};
    return;
  }
  addNeed(Fn.paramConditions(S), NeedObs::GuardedAccess, It->second, E.Name,
          E.IsWrite, Path);
}

void LockRequirements::Observer::addNeed(const ParamConditions &When,
                                         NeedObs::Kind K, const LockKey &Lock,
                                         const std::string &Subject,
                                         bool IsWrite, const Chain &Path) {
  if (Lock.empty())
    return;
  SummaryNeed N{K, Lock, Subject, IsWrite, Path, When};
  auto Old = std::find(Out->Needs.begin(), Out->Needs.end(), N);
  if (Old == Out->Needs.end()) {
    Out->Needs.push_back(std::move(N));
    return;
  }
  // Needed under either condition: keep only what both agree on.
  dataflow::keepCommon(Old->When, When);
  if (Path.size() < Old->Path.size()) {
    ParamConditions Kept = std::move(Old->When);
    *Old = std::move(N);
    Old->When = std::move(Kept);
  }
}

void LockRequirements::Observer::needAtCall(PathState &S, NeedObs::Kind K,
                                            const LockKey &L,
                                            const std::string &Subject,
                                            bool IsWrite, const Chain &Path,
                                            const SrcLoc &Loc,
                                            const ParamConditions &Inherited) {
  if (L.empty() || S.findHeld(L) || EntryRequired.count(L) ||
      std::binary_search(S.Assumed.begin(), S.Assumed.end(), L))
    return;
  // The object is not shared while this function runs.
  if (K == NeedObs::GuardedAccess && C.Unshared.count(Name.str()))
    return;
  // The function takes the lock itself elsewhere: this call site is where
  // it forgot to, not a requirement on its callers -- unless it takes the
  // lock only under a parameter condition this path contradicts ("if
  // (lock) device_lock(dev);": with lock == 0 the caller holds it).
  ParamConditions When = Fn.paramConditions(S, Inherited);
  const Summary &Engine = Fn.summary();
  bool CallersHoldIt = std::any_of(
      Engine.Acquires.begin(), Engine.Acquires.end(), [&](const SummaryAcquire &A) {
        return A.Lock == L &&
               dataflow::contradicts(A.When, When,
                                     [](const ParamCondition &) { return false; });
      });
  if (TakenHere.count(L) && !CallersHoldIt) {
    std::string Key = L.str() + ">" + Subject + "@" + dataflow::locKey(Loc);
    if (!Found.count(Key))
      Found[Key] = NeedObs{K, L.str(), Subject, Name, Loc, Path, IsWrite};
    return;
  }
  addNeed(When, K, L, Subject, IsWrite, Path);
}

llvm::Error LockRequirements::begin(const Program &, const rules::RuleSet &Rules,
                                    CheckSlot S) {
  Slot = S;
  for (const rules::GuardedRule &G : Rules.Guarded)
    Guarded[G.Field] = LockKey::ofClass(Symbol(Rules.canonical(G.By)));
  for (const rules::RequiresRule &R : Rules.Requires)
    for (const std::string &L : R.Held)
      Requires[R.Function].push_back(LockKey::ofClass(Symbol(Rules.canonical(L))));
  Unshared.insert(Rules.Unshared.begin(), Rules.Unshared.end());
  return llvm::Error::success();
}

std::unique_ptr<FunctionObserver>
LockRequirements::observe(const FunctionContext &Fn) {
  return std::make_unique<Observer>(*this, Fn);
}

void LockRequirements::commit(const FunctionContext &Fn, FunctionObserver &O,
                              const Summary &Final) {
  appendFound(static_cast<Observer &>(O).Found, Found);
  // A need nobody above satisfies: reported where the chain starts.
  // Inferred requirements (assertions) need a call chain to be a finding; a
  // declared guard is checked even in a function nobody in the program
  // calls.
  const auto *Needs = Final.check<NeedsSummary>(Slot.Index);
  if (Fn.hasCallers() || !Needs)
    return;
  for (const SummaryNeed &N : Needs->Needs) {
    if (N.Lock.isParam() || N.Path.empty())
      continue;
    if (N.K != NeedObs::GuardedAccess && N.Path.size() < 2)
      continue;
    NeedObs X{N.K,  N.Lock.str(), N.Subject, Fn.function().Name, N.Path.front().Loc,
              N.Path, N.IsWrite};
    // One report per unmet need (the access, or the call of the requiring
    // function), however many entry points reach it: the shortest chain
    // speaks for all of them.
    std::string Site = std::to_string(N.K) + N.Lock.str() + ">" + N.Subject + "@" +
                       dataflow::locKey(N.Path.back().Loc);
    auto [It, New] = Sites.try_emplace(Site, Found.size());
    if (New)
      Found.push_back(std::move(X));
    else if (X.Path.size() < Found[It->second].Path.size())
      Found[It->second] = std::move(X);
  }
}

} // namespace lockwise
