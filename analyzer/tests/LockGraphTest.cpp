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

TEST(LockGraph, ReportsEachInversionAndOneCycleForAComponentWithout) {
  // One component with two AB-BA pairs and longer cycles through them; one
  // three-lock ring with no pair.
  LockGraph G(withEdges({{"a", "b"}, {"b", "a"}, {"b", "c"}, {"c", "b"},
                         {"c", "d"}, {"d", "a"},
                         {"p", "q"}, {"q", "r"}, {"r", "p"}, {"q", "s"}, {"s", "p"}}));
  auto R = G.reportedCycles();
  ASSERT_EQ(R.size(), 3u);
  EXPECT_EQ(R[0].Cycle, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(R[1].Cycle, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(R[0].ComponentLocks, 4u);
  EXPECT_EQ(R[0].ComponentEdges, 6u);
  EXPECT_EQ(R[2].Cycle, (std::vector<std::string>{"p", "q", "r"}));
  EXPECT_EQ(R[2].ComponentLocks, 4u);
}

TEST(LockGraph, AroundKeepsTheNeighbourhood) {
  LockGraph G(withEdges({{"a", "b"}, {"b", "c"}, {"c", "d"}}));
  LockGraph Near = G.around("b", 1);
  EXPECT_EQ(Near.locks(), (std::set<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Near.edges().size(), 2u);
}

} // namespace
