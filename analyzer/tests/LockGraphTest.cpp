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

TEST(LockGraph, AroundKeepsTheNeighbourhood) {
  LockGraph G(withEdges({{"a", "b"}, {"b", "c"}, {"c", "d"}}));
  LockGraph Near = G.around("b", 1);
  EXPECT_EQ(Near.locks(), (std::set<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Near.edges().size(), 2u);
}

} // namespace
