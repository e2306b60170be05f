//===- LockGraphTest.cpp --------------------------------------------------===//
#include "graph/LockGraph.h"

#include <gtest/gtest.h>

using namespace lockwise;

namespace {

AnalysisResult withEdges(std::vector<std::pair<std::string, std::string>> Edges) {
  AnalysisResult R;
  unsigned Line = 1;
  for (auto &[A, B] : Edges) {
    LockEdge E{A, B, {WitnessStep{{"g.c", Line, 1}, "f", "acquired"}}, {}};
    R.Edges[{A, B}] = E;
    ++Line;
  }
  return R;
}

TEST(LockGraph, FindsEachCycleOnceRotatedToSmallestLock) {
  LockGraph G(withEdges({{"c", "a"}, {"a", "b"}, {"b", "c"}, {"x", "y"}}));
  auto Cycles = G.cycles();
  ASSERT_EQ(Cycles.size(), 1u);
  EXPECT_EQ(Cycles[0], (std::vector<std::string>{"a", "b", "c"}));
}

TEST(LockGraph, ShortestCycleAndTwoLockInversion) {
  LockGraph G(withEdges({{"a", "b"}, {"b", "a"}, {"b", "c"}, {"c", "d"}, {"d", "a"}}));
  auto Cycles = G.cycles();
  ASSERT_EQ(Cycles.size(), 2u);
  EXPECT_EQ(Cycles[0], (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Cycles[1], (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(LockGraph, NoCycleInADag) {
  LockGraph G(withEdges({{"a", "b"}, {"a", "c"}, {"b", "c"}}));
  EXPECT_TRUE(G.cycles().empty());
  EXPECT_EQ(G.shortestPath("a", "c"), (std::vector<std::string>{"a", "c"}));
  EXPECT_TRUE(G.shortestPath("c", "a").empty());
}

TEST(LockGraph, ComponentsAreTheLocksWithoutAConsistentOrder) {
  LockGraph G(withEdges({{"a", "b"}, {"b", "c"}, {"c", "a"}, {"c", "d"},
                         {"x", "y"}, {"y", "x"}, {"d", "e"}}));
  EXPECT_EQ(G.components(),
            (std::vector<std::vector<std::string>>{{"a", "b", "c"}, {"x", "y"}}));
}

TEST(LockGraph, ReportsEveryChordlessCycleOfAComponent) {
  // One component with two AB-BA pairs and a longer cycle through them
  // (a b c d, with chords b->a and c->b: explained by the pairs); one
  // component of two three-lock rings sharing p->q, without chords.
  LockGraph G(withEdges({{"a", "b"}, {"b", "a"}, {"b", "c"}, {"c", "b"},
                         {"c", "d"}, {"d", "a"},
                         {"p", "q"}, {"q", "r"}, {"r", "p"}, {"q", "s"}, {"s", "p"}}));
  auto R = G.reportedCycles();
  ASSERT_EQ(R.size(), 4u);
  EXPECT_EQ(R[0].Cycle, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(R[1].Cycle, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(R[0].ComponentLocks, 4u);
  EXPECT_EQ(R[0].ComponentEdges, 6u);
  EXPECT_EQ(R[2].Cycle, (std::vector<std::string>{"p", "q", "r"}));
  EXPECT_EQ(R[3].Cycle, (std::vector<std::string>{"p", "q", "s"}));
  EXPECT_EQ(R[2].ComponentLocks, 4u);
  EXPECT_FALSE(R[3].Truncated);
}

TEST(LockGraph, ALongCycleIsReportedWhenNoneIsShortAndTheBoundIsSaid) {
  // A ring of six: longer than the chordless bound, so the component's
  // shortest cycle stands for it.
  LockGraph Ring(withEdges({{"a", "b"}, {"b", "c"}, {"c", "d"}, {"d", "e"},
                            {"e", "f"}, {"f", "a"}}));
  auto R = Ring.reportedCycles();
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(R[0].Cycle.size(), 6u);
  // Past the count bound, the rest are dropped and the reports say so.
  std::vector<std::pair<std::string, std::string>> Pairs;
  for (size_t I = 0; I < LockGraph::MaxReportedCyclesPerComponent + 1; ++I) {
    std::string X = "x" + std::to_string(1000 + I);
    Pairs.push_back({"hub", X});
    Pairs.push_back({X, "hub"});
  }
  auto Many = LockGraph(withEdges(Pairs)).reportedCycles();
  ASSERT_EQ(Many.size(), LockGraph::MaxReportedCyclesPerComponent);
  EXPECT_TRUE(Many[0].Truncated);
}

TEST(LockGraph, AroundKeepsTheNeighbourhood) {
  LockGraph G(withEdges({{"a", "b"}, {"b", "c"}, {"c", "d"}}));
  LockGraph Near = G.around("b", 1);
  EXPECT_EQ(Near.locks(), (std::set<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Near.edges().size(), 2u);
}

} // namespace
