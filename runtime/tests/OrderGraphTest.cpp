//===- OrderGraphTest.cpp - The lock-order graph on its own ---------------===//
#include "OrderGraph.h"

#include <gtest/gtest.h>

using namespace lockwise::rt;

TEST(OrderGraph, EdgesAreRecordedOnce) {
  OrderGraph G;
  EXPECT_FALSE(G.hasEdge(1, 2));
  EXPECT_TRUE(G.addEdge(1, 2).empty());
  EXPECT_TRUE(G.hasEdge(1, 2));
  EXPECT_FALSE(G.hasEdge(2, 1));
  ASSERT_EQ(G.edges().size(), 1u);
}

TEST(OrderGraph, ClosingEdgeReturnsTheCycle) {
  OrderGraph G;
  G.addEdge(1, 2);
  G.addEdge(2, 3);
  std::vector<ClassId> Path = G.addEdge(3, 1);
  // 3 -> 1 closes 1 -> 2 -> 3: the path from the new edge's target back.
  EXPECT_EQ(Path, (std::vector<ClassId>{1, 2, 3}));
}

TEST(OrderGraph, ReportsAShortestCycle) {
  OrderGraph G;
  G.addEdge(1, 2);
  G.addEdge(2, 3);
  G.addEdge(3, 4);
  G.addEdge(1, 4);
  EXPECT_EQ(G.addEdge(4, 1), (std::vector<ClassId>{1, 4}));
}

TEST(OrderGraph, DiamondIsNoCycle) {
  OrderGraph G;
  G.addEdge(1, 2);
  G.addEdge(1, 3);
  G.addEdge(2, 4);
  EXPECT_TRUE(G.addEdge(3, 4).empty());
}
