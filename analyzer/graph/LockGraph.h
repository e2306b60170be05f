//===- LockGraph.h - Lock classes and the order edges between them --------===//
#ifndef LOCKWISE_GRAPH_LOCKGRAPH_H
#define LOCKWISE_GRAPH_LOCKGRAPH_H

#include "engine/Analysis.h"

#include "llvm/Support/raw_ostream.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace lockwise {

class LockGraph {
public:
  /// The recorded edges, and for cycle search the running-context copy of
  /// the graph (rules/README.md, running_context): when some edge joins an
  /// object's lock to the running context's instance of a class
  /// ("X[current]"), every plain edge between instance classes is also an
  /// edge between their running-context copies (the plain order holds
  /// within any object, the caller's included), and a global lock is one
  /// node for both.
  explicit LockGraph(const AnalysisResult &R);

  const std::set<std::string> &locks() const { return Locks; }
  /// The node a lock name stands for (a plain class if no edge made it).
  LockNode node(const std::string &Name) const {
    auto It = Nodes.find(Name);
    return It == Nodes.end() ? LockNode{Name} : It->second;
  }
  const std::map<std::pair<std::string, std::string>, LockEdge> &edges() const {
    return Edges;
  }
  /// A recorded edge, or a running-context copy of one.
  const LockEdge *edge(const std::string &From, const std::string &To) const;
  /// Over recorded edges and running-context copies; none to or from an
  /// order level (AnalysisResult::Levels).
  std::vector<std::string> successors(const std::string &L) const;

  /// Elementary cycles, each once, each the shortest through one of its
  /// edges, rotated to start at its smallest lock.  Deterministic.
  std::vector<std::vector<std::string>> cycles(size_t Max = 256) const;

  /// Strongly connected components with more than one lock: the groups of
  /// locks that have no consistent order.  Each sorted; sorted.
  std::vector<std::vector<std::string>> components() const;

  /// Bounds of reportedCycles().
  static constexpr size_t MaxReportedCycleLength = 4;
  static constexpr size_t MaxReportedCyclesPerComponent = 64;

  /// A cycle worth one report, and the component it lies in.
  struct CycleReport {
    std::vector<std::string> Cycle; ///< Rotated to start at its smallest lock.
    size_t ComponentLocks = 0;
    size_t ComponentEdges = 0;
    /// The component has more chordless cycles than were reported.
    bool Truncated = false;
  };
  /// The cycles to report: in each component, every chordless cycle of up
  /// to MaxReportedCycleLength locks (no order edge between two of its
  /// locks but the cycle's own), up to MaxReportedCyclesPerComponent, and
  /// the component's shortest cycle when none is that short.  A chordless
  /// cycle is a deadlock no shorter cycle explains: a cycle with a chord
  /// contains a shorter one, which is reported instead (Xen's hypervisor
  /// has one component of 40 locks and thousands of elementary cycles, a
  /// few dozen of them chordless).  Deterministic.
  std::vector<CycleReport> reportedCycles() const;

  /// The chordless cycles of component Comp with at most MaxLength locks,
  /// each once, starting at its smallest lock, in order of that lock and
  /// then of the path; at most MaxCount (Truncated says whether more
  /// exist).
  std::vector<std::vector<std::string>>
  chordlessCycles(const std::vector<std::string> &Comp, size_t MaxLength,
                  size_t MaxCount, bool &Truncated) const;

  /// Shortest path of edges from A to B (locks, A first), empty if none.
  std::vector<std::string> shortestPath(const std::string &A,
                                        const std::string &B) const;

  /// The graph restricted to locks within Depth edges of Center.
  LockGraph around(const std::string &Center, unsigned Depth) const;

  void writeJson(llvm::raw_ostream &OS) const;
  void writeDot(llvm::raw_ostream &OS) const;

private:
  LockGraph() = default;
  using EdgeMap = std::map<std::pair<std::string, std::string>, LockEdge>;
  /// Calls Fn(key, edge) for every recorded edge and every copy.
  template <typename Fn> void forEachEdge(Fn F) const {
    for (auto &[Key, E] : Edges)
      F(Key, E);
    for (auto &[Key, E] : Copies)
      F(Key, E);
  }
  /// A cycle wholly within the running-context copy: the twin of a cycle
  /// among the plain classes, reported there.
  bool isCopyOnly(const std::vector<std::string> &Cycle) const;
  std::set<std::string> Locks;
  std::map<std::string, LockNode> Nodes;
  EdgeMap Edges;
  EdgeMap Copies; ///< Running-context copies of plain edges.
  std::set<std::string> Instances;
  std::set<std::string> Levels;
};

} // namespace lockwise

#endif
