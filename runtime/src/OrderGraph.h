//===- OrderGraph.h - Lock-order graph over lock classes -------*- C++ -*-===//
//
// A directed graph: an edge A -> B means B was acquired while A was held.
// hasEdge() is lock-free (a bit matrix), so the hot path of every
// acquisition costs one load per held lock; addEdge() is for the slow path
// and must be serialised by the caller.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_RT_ORDERGRAPH_H
#define LOCKWISE_RT_ORDERGRAPH_H

#include "Classes.h"

#include <atomic>
#include <memory>
#include <utility>
#include <vector>

namespace lockwise::rt {

class OrderGraph {
public:
  OrderGraph();

  bool hasEdge(ClassId From, ClassId To) const {
    size_t Bit = size_t(From) * MaxClasses + To;
    return Bits[Bit / 64].load(std::memory_order_acquire) & (1ull << (Bit % 64));
  }

  /// Adds From -> To, which must be new.  When the graph already had a path
  /// To -> ... -> From, the new edge closes a cycle: that path (shortest,
  /// To first, From last) is returned; otherwise the result is empty.
  std::vector<ClassId> addEdge(ClassId From, ClassId To);

  /// Every edge, in the order it was added.
  const std::vector<std::pair<ClassId, ClassId>> &edges() const { return Added; }

private:
  std::vector<ClassId> findPath(ClassId From, ClassId To) const;

  std::unique_ptr<std::atomic<uint64_t>[]> Bits;
  std::vector<std::vector<ClassId>> Successors;
  std::vector<std::pair<ClassId, ClassId>> Added;
};

} // namespace lockwise::rt

#endif
