//===- BrokenHoldCheck.cpp - A lock released between two calls ------------===//
#include "checks/BrokenHoldCheck.h"
#include "checks/CheckRegistry.h"

#include "engine/Witness.h"

#include <algorithm>

namespace lockwise {

static RegisterCheck<BrokenHoldCheck> Registration;

using dataflow::PathState;

namespace {

/// A rule between its "from" and "to" calls on one path.
struct ArmedMark {
  size_t Rule = 0;
  SrcLoc FromLoc, ReleaseLoc;
  bool Broken = false;
};

struct ArmedRules : CheckPathState {
  std::vector<ArmedMark> Marks;
  std::unique_ptr<CheckPathState> clone() const override {
    return std::make_unique<ArmedRules>(*this);
  }
  std::string signature() const override {
    std::string S;
    for (const ArmedMark &A : Marks)
      S += std::to_string(A.Rule) + (A.Broken ? "x;" : ";");
    return S;
  }
};

} // namespace

class BrokenHoldCheck::Observer : public FunctionObserver {
public:
  Observer(const BrokenHoldCheck &C, const FunctionContext &Fn) : C(C), Fn(Fn) {}

  /// A "to" call checks what is armed.  Only the function's own calls
  /// (and acquisitions, which are calls too): through a callee's summary
  /// the order of its calls is unknown, so the rule is the callee's.
  void beforeEvent(const Event &E, PathState &S) override {
    if (E.Kind == EventKind::Acquire ||
        (E.Kind == EventKind::Call && !E.Callee.empty()))
      reachTo(S, E.Name, E.Loc);
  }

  /// The "from" side arms after the call returned (the "from" function
  /// may take the lock itself, as xs_suspend() does).
  void afterCall(const Event &E, PathState &S) override {
    if (E.Callee.empty())
      return;
    for (size_t I = 0; I < C.Rules.size(); ++I) {
      const Rule &R = C.Rules[I];
      if (R.From != E.Name.str())
        continue;
      ArmedMark A;
      A.Rule = I;
      A.FromLoc = E.Loc;
      if (!S.findHeld(R.Key)) {
        A.Broken = true;
        A.ReleaseLoc = E.Loc;
      }
      auto &Marks = S.mutableCheck<ArmedRules>(C.Slot.Index).Marks;
      std::erase_if(Marks, [&](const ArmedMark &X) { return X.Rule == I; });
      Marks.push_back(A);
    }
  }

  void onReleased(PathState &S, const LockKey &Lock,
                  const SrcLoc &Loc) override {
    const ArmedRules *Armed = S.check<ArmedRules>(C.Slot.Index);
    if (!Armed || std::none_of(Armed->Marks.begin(), Armed->Marks.end(),
                               [&](const ArmedMark &A) { return breaks(A, Lock); }))
      return;
    for (ArmedMark &A : S.mutableCheck<ArmedRules>(C.Slot.Index).Marks)
      if (breaks(A, Lock)) {
        A.Broken = true;
        A.ReleaseLoc = Loc;
      }
  }

  /// Rule id and "to" call site -> what this function reports.
  std::map<std::string, BrokenHoldObs> Found;

private:
  bool breaks(const ArmedMark &A, const LockKey &Lock) const {
    return !A.Broken && C.Rules[A.Rule].Key == Lock;
  }

  void reachTo(PathState &S, const std::string &Callee, const SrcLoc &Loc) {
    const ArmedRules *Armed = S.check<ArmedRules>(C.Slot.Index);
    if (!Armed || std::none_of(Armed->Marks.begin(), Armed->Marks.end(),
                               [&](const ArmedMark &A) {
                                 return C.Rules[A.Rule].To == Callee;
                               }))
      return;
    auto &Marks = S.mutableCheck<ArmedRules>(C.Slot.Index).Marks;
    for (auto It = Marks.begin(); It != Marks.end();) {
      const Rule &R = C.Rules[It->Rule];
      if (R.To != Callee) {
        ++It;
        continue;
      }
      if (It->Broken || !S.findHeld(R.Key)) {
        std::string K = std::to_string(It->Rule) + "@" + dataflow::locKey(Loc);
        if (!Found.count(K))
          Found[K] = BrokenHoldObs{R.Lock,       Fn.function().Name, R.From,
                                   R.To,         R.Why,              It->FromLoc,
                                   It->ReleaseLoc, Loc};
      }
      It = Marks.erase(It);
    }
  }

  const BrokenHoldCheck &C;
  const FunctionContext &Fn;
};

llvm::Error BrokenHoldCheck::begin(const Program &, const rules::RuleSet &Set,
                                   CheckSlot S) {
  Slot = S;
  for (const rules::HeldContinuouslyRule &H : Set.HeldContinuously) {
    std::string Lock = Set.canonical(H.Lock);
    Rules.push_back({Lock, H.From, H.To, H.Why, LockKey::ofClass(Symbol(Lock))});
  }
  return llvm::Error::success();
}

std::unique_ptr<FunctionObserver>
BrokenHoldCheck::observe(const FunctionContext &Fn) {
  if (Rules.empty())
    return nullptr;
  return std::make_unique<Observer>(*this, Fn);
}

void BrokenHoldCheck::commit(const FunctionContext &, FunctionObserver &O,
                             const Summary &) {
  appendFound(static_cast<Observer &>(O).Found, Found);
}

const char *BrokenHoldCheck::summary() const {
  return "A held_continuously rule: between a call of its 'from' function "
         "and a call of its 'to' function the lock must stay held, and on "
         "this path it was released (or never held) in between.";
}

void BrokenHoldCheck::run(const CheckContext &, FindingHandler &Out) const {
  for (const BrokenHoldObs &B : Found) {
    Finding F = newFinding(id());
    F.Message = "'" + B.Lock + "' is not held continuously from " + B.From +
                " to " + B.To + " in " + B.Function +
                (B.Why.empty() ? "" : ": " + B.Why);
    setLocation(F, B.ToLoc);
    F.Function = B.Function;
    F.Locks = {B.Lock};
    F.Trace.push_back({B.FromLoc.File, B.FromLoc.Line, B.FromLoc.Column,
                       B.From + " called here"});
    if (!(B.ReleaseLoc == B.FromLoc))
      F.Trace.push_back({B.ReleaseLoc.File, B.ReleaseLoc.Line,
                         B.ReleaseLoc.Column, "'" + B.Lock + "' released here"});
    else
      F.Trace.push_back({B.FromLoc.File, B.FromLoc.Line, B.FromLoc.Column,
                         "'" + B.Lock + "' is not held here"});
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
