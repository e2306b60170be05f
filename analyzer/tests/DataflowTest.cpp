//===- DataflowTest.cpp - The lockset engine on hand-built CFGs -----------===//
#include "EventBuilders.h"
#include "checks/Checker.h"
#include "engine/Analysis.h"
#include "graph/LockGraph.h"

#include <gtest/gtest.h>

using namespace lockwise;

namespace {

Event ev(EventKind K, const std::string &Lock, unsigned Line) {
  return test::lockEvent(K, Lock, Line);
}

Event call(const std::string &Callee, unsigned Line) {
  return test::callEvent(Callee, Line);
}

/// A function whose blocks run in a straight line: entry -> B1 ... -> exit.
FunctionFacts straight(const std::string &Name, std::vector<std::vector<Event>> Bodies) {
  FunctionFacts F;
  F.Key = F.Name = Name;
  F.Loc = {"t.c", 1, 1};
  size_t N = Bodies.size() + 2;
  F.Blocks.resize(N);
  F.Entry = N - 1;
  F.Exit = 0;
  for (size_t I = 0; I < N; ++I)
    F.Blocks[I].Id = I;
  // Entry is N-1, then N-2 ... 1, then exit 0.
  for (size_t I = N - 1; I > 0; --I)
    F.Blocks[I].Succs = {(int)I - 1};
  for (size_t I = 0; I < Bodies.size(); ++I)
    F.Blocks[N - 2 - I].Events = Bodies[I];
  return F;
}

/// The lock graph, and the findings of every check.
struct Analysed : AnalysisResult {
  std::vector<Finding> Findings;
  std::vector<Finding> of(const std::string &Check) const {
    std::vector<Finding> Out;
    for (const Finding &F : Findings)
      if (F.Check == Check)
        Out.push_back(F);
    return Out;
  }
};

Analysed analyse(std::vector<FunctionFacts> Fns) {
  Program P(test::oneTU(std::move(Fns)));
  rules::RuleSet Rules;
  std::vector<std::unique_ptr<Checker>> Checks = createCheckers();
  auto R = analyzeProgram(P, Rules, {}, dataflowSubscribers(Checks));
  EXPECT_TRUE(bool(R));
  Analysed Out;
  static_cast<AnalysisResult &>(Out) = std::move(*R);
  LockGraph Graph(Out);
  CheckContext Ctx{P, Out, Graph, Rules};
  FindingCollector Collector;
  for (const auto &C : Checks)
    C->run(Ctx, Collector);
  Out.Findings = std::move(Collector.Findings);
  return Out;
}

TEST(Dataflow, EdgeAcrossCallWithWitnessChain) {
  auto R = analyse({straight("outer", {{ev(EventKind::Acquire, "A", 10), call("inner", 11),
                                        ev(EventKind::Release, "A", 12)}}),
                    straight("inner", {{ev(EventKind::Acquire, "B", 20),
                                        ev(EventKind::Release, "B", 21)}})});
  ASSERT_EQ(R.Edges.size(), 1u);
  const LockEdge &E = R.Edges.begin()->second;
  EXPECT_EQ(E.From, "A");
  EXPECT_EQ(E.To, "B");
  ASSERT_EQ(E.Witness.size(), 3u);
  EXPECT_EQ(E.Witness[0].Loc.Line, 10u);
  EXPECT_EQ(E.Witness[1].Loc.Line, 11u);
  EXPECT_EQ(E.Witness[2].Loc.Line, 20u);
  EXPECT_TRUE(R.of("double-lock").empty());
}

TEST(Dataflow, AcquiringWrapperIsNotALeakAndItsLockIsHeldByTheCaller) {
  auto R = analyse({straight("lock_all", {{ev(EventKind::Acquire, "A", 5)}}),
                    straight("user", {{call("lock_all", 10), ev(EventKind::Acquire, "B", 11),
                                       ev(EventKind::Release, "B", 12),
                                       ev(EventKind::Release, "A", 13)}})});
  EXPECT_TRUE(R.of("lock-leak").empty());
  EXPECT_TRUE(R.of("double-unlock").empty());
  EXPECT_EQ(R.Edges.count({"A", "B"}), 1u);
}

TEST(Dataflow, DoubleUnlockOnOnePath) {
  auto R = analyse({straight("f", {{ev(EventKind::Acquire, "A", 1),
                                    ev(EventKind::Release, "A", 2),
                                    ev(EventKind::Release, "A", 3)}})});
  ASSERT_EQ(R.of("double-unlock").size(), 1u);
  EXPECT_EQ(R.of("double-unlock")[0].Line, 3u);
}

TEST(Dataflow, CorrelatedBranchesDoNotLeak) {
  // entry(5) -> cond(4) -T-> lock(3) -> cond2(2) -T-> unlock(1) -> exit(0)
  //                      -F---------->         -F--------------->
  FunctionFacts F;
  F.Key = F.Name = "f";
  F.Blocks.resize(6);
  for (unsigned I = 0; I < 6; ++I)
    F.Blocks[I].Id = I;
  F.Entry = 5;
  F.Exit = 0;
  Condition C;
  C.K = Condition::Fact;
  C.Key = "held";
  C.Vars = {"held"};
  C.Negated = true; // if (!held)
  F.Blocks[5].Succs = {4};
  F.Blocks[4].Succs = {3, 2};
  F.Blocks[4].Cond = C;
  F.Blocks[3].Events = {ev(EventKind::Acquire, "A", 3)};
  F.Blocks[3].Succs = {2};
  F.Blocks[2].Succs = {1, 0};
  F.Blocks[2].Cond = C;
  F.Blocks[1].Events = {ev(EventKind::Release, "A", 1)};
  F.Blocks[1].Succs = {0};
  auto R = analyse({F});
  EXPECT_TRUE(R.of("lock-leak").empty());
  EXPECT_TRUE(R.of("double-unlock").empty());

  // The same CFG with a different second condition does leak.
  Condition Other = C;
  Other.Key = "other";
  Other.Vars = {"other"};
  F.Blocks[2].Cond = Other;
  Event Ret;
  Ret.Kind = EventKind::Return;
  Ret.Loc = {"t.c", 9, 1};
  F.Blocks[2].Events = {Ret};
  auto R2 = analyse({F});
  ASSERT_EQ(R2.of("lock-leak").size(), 1u);
  EXPECT_EQ(R2.of("lock-leak")[0].Line, 9u);
}

TEST(Dataflow, TrylockAddsNoEdge) {
  Event Try = ev(EventKind::TryAcquire, "B", 2);
  Try.TryId = 0;
  FunctionFacts F = straight("f", {{ev(EventKind::Acquire, "A", 1), Try}});
  // Resolve the try on a branch: block 1 (holding Try) tests it.
  F.Blocks[1].Cond.K = Condition::Try;
  F.Blocks[1].Cond.TryId = 0;
  F.Blocks[1].Succs = {0, 0};
  auto R = analyse({F});
  EXPECT_EQ(R.Edges.count({"A", "B"}), 0u);
}

TEST(Dataflow, RecursiveLockReacquiredUnderAnotherAddsNoEdge) {
  Event P2m = ev(EventKind::Acquire, "p2m", 1);
  P2m.Recursive = true;
  Event P2mAgain = ev(EventKind::Acquire, "p2m", 3);
  P2mAgain.Recursive = true;
  auto R = analyse({straight("f", {{P2m, ev(EventKind::Acquire, "pod", 2), P2mAgain,
                                    ev(EventKind::Release, "p2m", 4),
                                    ev(EventKind::Release, "pod", 5),
                                    ev(EventKind::Release, "p2m", 6)}})});
  EXPECT_EQ(R.Edges.count({"pod", "p2m"}), 0u);
  EXPECT_EQ(R.Edges.count({"p2m", "pod"}), 1u);
  EXPECT_TRUE(R.of("double-lock").empty());
  EXPECT_TRUE(R.of("double-unlock").empty());
}

} // namespace
