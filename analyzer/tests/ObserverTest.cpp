//===- ObserverTest.cpp - How checks take part in the dataflow ------------===//
//
// A probe check on hand-built CFGs: what each hook sees, that a check's
// path state keeps paths apart, and that a callee's check summary reaches
// its callers.
//
//===----------------------------------------------------------------------===//
#include "EventBuilders.h"
#include "engine/Analysis.h"
#include "engine/Observer.h"

#include <gtest/gtest.h>

using namespace lockwise;
using dataflow::PathState;

namespace {

Event acquire(const std::string &Lock, unsigned Line,
              EventKind K = EventKind::Acquire) {
  return test::lockEvent(K, Lock, Line);
}

Event call(const std::string &Callee, unsigned Line) {
  return test::callEvent(Callee, Line);
}

/// entry -> B (Events) -> exit, or with Branch: entry -> {B, empty} -> exit.
FunctionFacts function(const std::string &Name, std::vector<Event> Events,
                       bool Branch = false) {
  FunctionFacts F;
  F.Key = F.Name = Name;
  F.Loc = {"t.c", 1, 1};
  F.Blocks.resize(4);
  for (unsigned I = 0; I < 4; ++I)
    F.Blocks[I].Id = I;
  F.Entry = 3;
  F.Exit = 0;
  if (Branch)
    F.Blocks[3].Succs = {2, 1};
  else
    F.Blocks[3].Succs = {2};
  F.Blocks[2].Events = std::move(Events);
  F.Blocks[2].Succs = {1};
  F.Blocks[1].Succs = {0};
  return F;
}

struct Marked : CheckPathState {
  bool On = false;
  std::unique_ptr<CheckPathState> clone() const override {
    return std::make_unique<Marked>(*this);
  }
  std::string signature() const override { return On ? "on" : ""; }
};

struct MarksCalls : CheckSummary {
  bool CallsMark = false;
  bool equals(const CheckSummary &O) const override {
    return CallsMark == static_cast<const MarksCalls &>(O).CallsMark;
  }
};

/// Records what its hooks see.
struct Probe : DataflowCheck {
  CheckSlot Slot;
  std::vector<std::string> Seen;
  std::map<std::string, size_t> ExitStates;

  struct Observer : FunctionObserver {
    Probe &P;
    const FunctionContext &Fn;
    std::shared_ptr<MarksCalls> Out = std::make_shared<MarksCalls>();
    Observer(Probe &P, const FunctionContext &Fn) : P(P), Fn(Fn) {}
    std::string name() const { return Fn.function().Name.str(); }
    void beforeEvent(const Event &E, PathState &S) override {
      if (E.Kind == EventKind::Acquire)
        P.Seen.push_back(name() + ": acquire " + E.Lock.Root.str() + " holding " +
                         std::to_string(S.Held.size()));
      if (E.Kind == EventKind::Call && E.Name == "mark") {
        S.mutableCheck<Marked>(P.Slot.Index).On = true;
        Out->CallsMark = true;
      }
    }
    void onCallee(const CalleeEffects &C, PathState &S) override {
      if (const auto *Sum = C.Callee.check<MarksCalls>(P.Slot.Index);
          Sum && Sum->CallsMark) {
        P.Seen.push_back(name() + ": callee " + C.Target + " marks");
        S.mutableCheck<Marked>(P.Slot.Index).On = true;
        Out->CallsMark = true;
      }
    }
    void onReleased(PathState &, const LockKey &Lock, const SrcLoc &) override {
      P.Seen.push_back(name() + ": released " + Lock.str());
    }
    void onReacquire(const Reacquisition &R) override {
      P.Seen.push_back(name() + ": reacquire " + R.Lock.str());
    }
    void onExit(const std::vector<PathState> &Exits) override {
      P.ExitStates[name()] = Exits.size();
    }
    std::shared_ptr<const CheckSummary> summary() override { return Out; }
  };

  llvm::Error begin(const Program &, const rules::RuleSet &, CheckSlot S) override {
    Slot = S;
    return llvm::Error::success();
  }
  std::unique_ptr<FunctionObserver> observe(const FunctionContext &Fn) override {
    return std::make_unique<Observer>(*this, Fn);
  }
  void commit(const FunctionContext &Fn, FunctionObserver &, const Summary &) override {
    Seen.push_back("commit " + Fn.function().Name.str());
  }
};

Probe run(std::vector<FunctionFacts> Fns) {
  Program P(test::oneTU(std::move(Fns)));
  rules::RuleSet Rules;
  Probe Check;
  auto R = analyzeProgram(P, Rules, {}, {&Check});
  EXPECT_TRUE(bool(R));
  return Check;
}

TEST(Observer, HooksSeeTheStateBeforeTheEngineAndEveryRelease) {
  Probe P = run({function("f", {acquire("A", 2), acquire("B", 3), acquire("A", 4),
                                acquire("B", 5, EventKind::Release),
                                acquire("A", 6, EventKind::Release)})});
  std::vector<std::string> Want{"f: acquire A holding 0", "f: acquire B holding 1",
                                "f: acquire A holding 2", "f: reacquire A",
                                "f: released B",          "commit f"};
  EXPECT_EQ(P.Seen, Want);
}

TEST(Observer, ACheckStateKeepsPathsApart) {
  // One branch calls mark(), the other does not: the same locks on both,
  // so only the check's state keeps the two exits apart.
  Probe P = run({function("f", {call("mark", 2)}, /*Branch=*/true)});
  EXPECT_EQ(P.ExitStates["f"], 2u);
  Probe Q = run({function("g", {call("other", 2)}, /*Branch=*/true)});
  EXPECT_EQ(Q.ExitStates["g"], 1u);
}

TEST(Observer, ACalleeSummaryReachesItsCallers) {
  Probe P = run({function("leaf", {call("mark", 2)}),
                 function("top", {call("leaf", 3)})});
  EXPECT_NE(std::find(P.Seen.begin(), P.Seen.end(), "top: callee leaf marks"),
            P.Seen.end());
}

} // namespace
