//===- OrderGraph.cpp - Lock-order graph over lock classes ----------------===//
#include "OrderGraph.h"

#include <deque>

namespace lockwise::rt {

OrderGraph::OrderGraph()
    : Bits(new std::atomic<uint64_t>[size_t(MaxClasses) * MaxClasses / 64]()),
      Successors(MaxClasses) {}

std::vector<ClassId> OrderGraph::findPath(ClassId From, ClassId To) const {
  // Breadth-first, so the reported cycle is a shortest one.
  std::vector<ClassId> Parent(MaxClasses, NoClass);
  std::vector<bool> Seen(MaxClasses, false);
  std::deque<ClassId> Queue{From};
  Seen[From] = true;
  while (!Queue.empty()) {
    ClassId At = Queue.front();
    Queue.pop_front();
    if (At == To) {
      std::vector<ClassId> Path;
      for (ClassId C = To; C != From; C = Parent[C])
        Path.insert(Path.begin(), C);
      Path.insert(Path.begin(), From);
      return Path;
    }
    for (ClassId Next : Successors[At])
      if (!Seen[Next]) {
        Seen[Next] = true;
        Parent[Next] = At;
        Queue.push_back(Next);
      }
  }
  return {};
}

std::vector<ClassId> OrderGraph::addEdge(ClassId From, ClassId To) {
  std::vector<ClassId> Cycle = findPath(To, From);
  Successors[From].push_back(To);
  Added.emplace_back(From, To);
  size_t Bit = size_t(From) * MaxClasses + To;
  Bits[Bit / 64].fetch_or(1ull << (Bit % 64), std::memory_order_release);
  return Cycle;
}

} // namespace lockwise::rt
