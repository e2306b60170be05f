//===- HeldAcrossCheck.cpp - A forbidden call while a lock is held --------===//
#include "checks/HeldAcrossCheck.h"
#include "checks/CheckRegistry.h"

#include "engine/Conditions.h"
#include "engine/Limits.h"
#include "engine/RuleIndex.h"
#include "engine/Witness.h"

#include <set>

namespace lockwise {

static RegisterCheck<HeldAcrossCheck> Registration;

using dataflow::PathState;

namespace {

/// A call somewhere inside that a rule names, with the chain to it.
struct SummaryCall {
  Symbol Callee;
  Chain Path;
  ParamConditions When; ///< Only on paths under these conditions.
  bool operator==(const SummaryCall &O) const {
    return Callee == O.Callee && When == O.When;
  }
};

struct CallsSummary : CheckSummary {
  std::vector<SummaryCall> Calls;
  bool equals(const CheckSummary &O) const override {
    return Calls == static_cast<const CallsSummary &>(O).Calls;
  }
};

} // namespace

class HeldAcrossCheck::Observer : public FunctionObserver {
public:
  Observer(const HeldAcrossCheck &C, const FunctionContext &Fn)
      : C(C), Fn(Fn), Out(std::make_shared<CallsSummary>()) {}

  void beforeEvent(const Event &E, PathState &S) override {
    const Symbol &Name = Fn.function().Name;
    if (E.Kind == EventKind::Acquire) {
      LockKey L = Fn.lockKey(E.Lock);
      call(S, E.Name, {Fn.step(E.Loc, dataflow::describe(L, E.Lock.Text) +
                                          " acquired here in " + Name)},
           E.Loc);
    } else if (E.Kind == EventKind::Call && !E.Callee.empty()) {
      call(S, E.Name, {Fn.step(E.Loc, Name + " calls " + E.Name)}, E.Loc);
    }
  }

  void onCallee(const CalleeEffects &Call, PathState &S) override {
    const auto *Callee = Call.Callee.check<CallsSummary>(C.Slot.Index);
    if (!Callee || Callee->Calls.empty())
      return;
    // Locks the callee releases first are not held across its calls.
    std::set<LockKey> ReleasedInside;
    for (const Outcome &O : Call.Callee.Outcomes)
      for (const LockKey &R : O.Released)
        ReleasedInside.insert(Fn.substitute(R, Call.Call.Args));
    for (const SummaryCall &X : Callee->Calls)
      if (Fn.allowsHere(S, X.When, Call.Call))
        call(S, X.Callee, dataflow::extend({Call.Step}, X.Path), Call.Call.Loc,
             &ReleasedInside, Call.Forward(X.When));
  }

  std::shared_ptr<const CheckSummary> summary() override { return Out; }

  std::map<std::string, HeldAcrossObs> Found;

private:
  void call(PathState &S, const std::string &Callee, const Chain &Path,
            const SrcLoc &Loc, const std::set<LockKey> *NotHeld = nullptr,
            const ParamConditions &When = {});
  void record(const std::string &Callee, const Chain &Path,
              const ParamConditions &When);

  const HeldAcrossCheck &C;
  const FunctionContext &Fn;
  std::shared_ptr<CallsSummary> Out;
};

void HeldAcrossCheck::Observer::call(PathState &S, const std::string &Callee,
                                     const Chain &Path, const SrcLoc &Loc,
                                     const std::set<LockKey> *NotHeld,
                                     const ParamConditions &When) {
  if (Callee.empty() || !C.named(Callee))
    return;
  for (const Rule &R : C.Rules) {
    const dataflow::HeldLock *H = S.findHeld(R.Key);
    if (!H || (NotHeld && NotHeld->count(R.Key)))
      continue;
    for (const llvm::GlobPattern &G : R.Calls) {
      if (!G.match(Callee))
        continue;
      std::string K = R.Lock + ">" + Callee + "@" + dataflow::locKey(Loc);
      if (!Found.count(K))
        Found[K] = HeldAcrossObs{R.Lock, Fn.function().Name, Loc, Callee,
                                 R.Why,  *H->Site,           Path};
      break;
    }
  }
  record(Callee, Path, When);
}

/// One call under different conditions stays apart (a callback reached
/// only on objects without a flag, another only on objects some callers
/// never pass), up to a few; an entry whose conditions are within another's
/// is covered by it.
void HeldAcrossCheck::Observer::record(const std::string &Callee,
                                       const Chain &Path,
                                       const ParamConditions &When) {
  using dataflow::includes;
  SummaryCall *First = nullptr;
  size_t Copies = 0;
  for (SummaryCall &Old : Out->Calls) {
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
      std::erase_if(Out->Calls, [&](const SummaryCall &X) {
        return &X != &Old && X.Callee == Callee && includes(X.When, When);
      });
      return;
    }
  }
  if (!First || Copies < dataflow::MaxConditionalCalls) {
    if (Out->Calls.size() < dataflow::MaxSummaryCalls)
      Out->Calls.push_back(SummaryCall{Callee, Path, When});
    return;
  }
  // Reached under either set of conditions: under what both say.
  dataflow::keepCommon(First->When, When);
  if (Path.size() < First->Path.size())
    First->Path = Path;
}

bool HeldAcrossCheck::named(const std::string &Callee) const {
  for (const Rule &R : Rules)
    for (const llvm::GlobPattern &G : R.Calls)
      if (G.match(Callee))
        return true;
  return false;
}

llvm::Error HeldAcrossCheck::begin(const Program &, const rules::RuleSet &Set,
                                   CheckSlot S) {
  Slot = S;
  for (const rules::ForbiddenWhileHeldRule &F : Set.ForbiddenWhileHeld) {
    std::string Lock = Set.canonical(F.Lock);
    Rule Out{Lock, F.Why, LockKey::ofClass(Symbol(Lock)), {}};
    for (const std::string &G : F.Calls) {
      auto Pattern = dataflow::ruleGlob(G, F.Pos, "forbidden_while_held");
      if (!Pattern)
        return Pattern.takeError();
      Out.Calls.push_back(std::move(*Pattern));
    }
    Rules.push_back(std::move(Out));
  }
  return llvm::Error::success();
}

std::unique_ptr<FunctionObserver>
HeldAcrossCheck::observe(const FunctionContext &Fn) {
  if (Rules.empty())
    return nullptr;
  return std::make_unique<Observer>(*this, Fn);
}

void HeldAcrossCheck::commit(const FunctionContext &, FunctionObserver &O,
                             const Summary &) {
  appendFound(static_cast<Observer &>(O).Found, Found);
}

const char *HeldAcrossCheck::summary() const {
  return "A call that a forbidden_while_held rule names is made, directly or "
         "through callees, while the rule's lock is held.";
}

void HeldAcrossCheck::run(const CheckContext &, FindingHandler &Out) const {
  for (const HeldAcrossObs &H : Found) {
    Finding F = newFinding(id());
    F.Message = "'" + H.Callee + "' is called while '" + H.Lock + "' is held in " +
                H.Function + (H.Why.empty() ? "" : ": " + H.Why);
    setLocation(F, H.Loc);
    F.Function = H.Function;
    F.Locks = {H.Lock};
    F.Trace = toTrace(H.Held);
    for (const TraceStep &T : toTrace(H.Call))
      F.Trace.push_back(T);
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
