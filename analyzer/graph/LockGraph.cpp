//===- LockGraph.cpp ------------------------------------------------------===//
#include "graph/LockGraph.h"
#include "engine/Scc.h"

#include "llvm/Support/JSON.h"

#include <deque>
#include <functional>

namespace lockwise {

LockGraph::LockGraph(const AnalysisResult &R)
    : Nodes(R.Nodes), Edges(R.Edges), Instances(R.Instances), Levels(R.Levels) {
  bool Crossing = false;
  for (auto &[Key, E] : Edges) {
    Locks.insert(Key.first);
    Locks.insert(Key.second);
    Crossing |= node(Key.first).Running || node(Key.second).Running;
  }
  if (!Crossing)
    return;
  // An instance class's running-context copy; a global lock is one node.
  auto Copy = [&](const std::string &L) {
    if (!Instances.count(L))
      return L;
    LockNode N = node(L);
    N.Running = true;
    std::string Name = N.name();
    Nodes.emplace(Name, N);
    return Name;
  };
  for (auto &[Key, E] : Edges) {
    if (node(Key.first).Running || node(Key.second).Running)
      continue;
    std::pair<std::string, std::string> C{Copy(Key.first), Copy(Key.second)};
    if (C == Key || Edges.count(C))
      continue;
    LockEdge X = E;
    X.From = C.first;
    X.To = C.second;
    Copies.emplace(std::move(C), std::move(X));
  }
}

bool LockGraph::isCopyOnly(const std::vector<std::string> &Cycle) const {
  bool Marked = false;
  for (const std::string &L : Cycle) {
    if (node(L).Running)
      Marked = true;
    else if (Instances.count(L))
      return false;
  }
  return Marked;
}

const LockEdge *LockGraph::edge(const std::string &From,
                                const std::string &To) const {
  if (auto It = Edges.find({From, To}); It != Edges.end())
    return &It->second;
  auto It = Copies.find({From, To});
  return It == Copies.end() ? nullptr : &It->second;
}

std::vector<std::string> LockGraph::successors(const std::string &L) const {
  std::vector<std::string> Out;
  // An order level blocks nobody: no cycle passes through one.
  if (Levels.count(L))
    return Out;
  for (const EdgeMap *M : {&Edges, &Copies})
    for (auto It = M->lower_bound({L, ""});
         It != M->end() && It->first.first == L; ++It)
      if (!Levels.count(It->first.second))
        Out.push_back(It->first.second);
  std::sort(Out.begin(), Out.end());
  return Out;
}

std::vector<std::string> LockGraph::shortestPath(const std::string &A,
                                                 const std::string &B) const {
  std::map<std::string, std::string> Parent;
  std::deque<std::string> Queue{A};
  Parent[A] = A;
  while (!Queue.empty()) {
    std::string U = Queue.front();
    Queue.pop_front();
    for (const std::string &V : successors(U)) {
      if (Parent.count(V))
        continue;
      Parent[V] = U;
      if (V == B) {
        std::vector<std::string> Path{B};
        for (std::string X = B; X != A;) {
          X = Parent[X];
          Path.insert(Path.begin(), X);
        }
        return Path;
      }
      Queue.push_back(V);
    }
  }
  return {};
}

std::vector<std::vector<std::string>> LockGraph::cycles(size_t Max) const {
  std::set<std::vector<std::string>> Seen;
  std::vector<std::vector<std::string>> Out;
  forEachEdge([&](const std::pair<std::string, std::string> &Key,
                  const LockEdge &) {
    if (Out.size() >= Max)
      return;
    // The shortest cycle through this edge: the edge, then back.
    std::vector<std::string> Cycle = shortestPath(Key.second, Key.first);
    if (Cycle.empty() || isCopyOnly(Cycle))
      return;
    // Rotate to start at the smallest lock.
    auto Min = std::min_element(Cycle.begin(), Cycle.end());
    std::rotate(Cycle.begin(), Min, Cycle.end());
    if (Seen.insert(Cycle).second)
      Out.push_back(Cycle);
  });
  std::sort(Out.begin(), Out.end(), [](const auto &A, const auto &B) {
    if (A.size() != B.size())
      return A.size() < B.size();
    return A < B;
  });
  return Out;
}

std::vector<std::vector<std::string>> LockGraph::components() const {
  std::set<std::string> Nodes = Locks;
  for (auto &[Key, E] : Copies) {
    Nodes.insert(Key.first);
    Nodes.insert(Key.second);
  }
  std::vector<std::string> Roots(Nodes.begin(), Nodes.end());
  std::vector<std::vector<std::string>> Out;
  for (std::vector<std::string> &C : stronglyConnectedComponents(
           Roots, [&](const std::string &L) { return successors(L); }))
    if (C.size() > 1 && !isCopyOnly(C))
      Out.push_back(std::move(C));
  std::sort(Out.begin(), Out.end());
  return Out;
}

std::vector<std::vector<std::string>>
LockGraph::chordlessCycles(const std::vector<std::string> &Comp,
                           size_t MaxLength, size_t MaxCount,
                           bool &Truncated) const {
  std::set<std::string> In(Comp.begin(), Comp.end());
  std::vector<std::vector<std::string>> Out;
  std::vector<std::string> Path;
  auto Linked = [&](const std::string &A, const std::string &B) {
    return edge(A, B) != nullptr;
  };
  // W may follow Path's last lock: no edge joins it to an earlier lock of
  // the path but W -> Path[0], which closes the cycle at W.
  auto Chord = [&](const std::string &W) {
    for (size_t I = 0; I < Path.size(); ++I) {
      if (I + 1 < Path.size() && Linked(Path[I], W))
        return true;
      if (I > 0 && Linked(W, Path[I]))
        return true;
    }
    return false;
  };
  std::function<void()> Extend = [&] {
    for (const std::string &W : successors(Path.back())) {
      if (!In.count(W) || W <= Path.front() ||
          std::find(Path.begin(), Path.end(), W) != Path.end() || Chord(W))
        continue;
      if (Out.size() >= MaxCount) {
        Truncated = true;
        return;
      }
      Path.push_back(W);
      if (Linked(W, Path.front()))
        Out.push_back(Path);
      else if (Path.size() < MaxLength)
        Extend();
      Path.pop_back();
    }
  };
  for (const std::string &Start : Comp) {
    Path = {Start};
    Extend();
  }
  return Out;
}

std::vector<LockGraph::CycleReport> LockGraph::reportedCycles() const {
  std::vector<CycleReport> Out;
  for (const std::vector<std::string> &Comp : components()) {
    std::set<std::string> In(Comp.begin(), Comp.end());
    size_t CompEdges = 0;
    forEachEdge([&](const std::pair<std::string, std::string> &Key,
                    const LockEdge &) {
      CompEdges += In.count(Key.first) && In.count(Key.second);
    });
    bool Truncated = false;
    std::vector<std::vector<std::string>> Cycles;
    for (std::vector<std::string> &C :
         chordlessCycles(Comp, MaxReportedCycleLength,
                         MaxReportedCyclesPerComponent, Truncated))
      if (!isCopyOnly(C))
        Cycles.push_back(std::move(C));
    if (Cycles.empty()) {
      // The shortest cycle of the component: the shortest way back over
      // each of its edges, the first shortest in edge order.
      std::vector<std::string> Best;
      forEachEdge([&](const std::pair<std::string, std::string> &Key,
                      const LockEdge &) {
        if (!In.count(Key.first) || !In.count(Key.second))
          return;
        std::vector<std::string> Back = shortestPath(Key.second, Key.first);
        if (!Back.empty() && !isCopyOnly(Back) &&
            (Best.empty() || Back.size() < Best.size()))
          Best = Back;
      });
      if (Best.empty())
        continue;
      auto Min = std::min_element(Best.begin(), Best.end());
      std::rotate(Best.begin(), Min, Best.end());
      Cycles.push_back(std::move(Best));
    }
    for (std::vector<std::string> &C : Cycles)
      Out.push_back({std::move(C), Comp.size(), CompEdges, Truncated});
  }
  return Out;
}

LockGraph LockGraph::around(const std::string &Center, unsigned Depth) const {
  std::map<std::string, unsigned> Dist{{Center, 0}};
  std::deque<std::string> Queue{Center};
  while (!Queue.empty()) {
    std::string U = Queue.front();
    Queue.pop_front();
    if (Dist[U] >= Depth)
      continue;
    for (auto &[Key, E] : Edges) {
      std::string V;
      if (Key.first == U)
        V = Key.second;
      else if (Key.second == U)
        V = Key.first;
      else
        continue;
      if (Dist.count(V))
        continue;
      Dist[V] = Dist[U] + 1;
      Queue.push_back(V);
    }
  }
  LockGraph G;
  G.Nodes = Nodes;
  for (auto &[L, D] : Dist)
    G.Locks.insert(L);
  for (auto &[Key, E] : Edges)
    if (Dist.count(Key.first) && Dist.count(Key.second))
      G.Edges.emplace(Key, E);
  return G;
}

void LockGraph::writeJson(llvm::raw_ostream &OS) const {
  llvm::json::Array LockArr, EdgeArr;
  for (const std::string &L : Locks)
    LockArr.push_back(llvm::json::Object{{"name", L}});
  for (auto &[Key, E] : Edges) {
    llvm::json::Array Witness;
    for (const WitnessStep &S : E.Witness)
      Witness.push_back(llvm::json::Object{{"file", S.Loc.File.str()},
                                           {"line", S.Loc.Line},
                                           {"function", S.Function.str()},
                                           {"message", S.Message.str()}});
    EdgeArr.push_back(llvm::json::Object{
        {"from", Key.first}, {"to", Key.second}, {"witness", std::move(Witness)}});
  }
  llvm::json::Object Root{{"locks", std::move(LockArr)},
                          {"edges", std::move(EdgeArr)}};
  OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Root))) << "\n";
}

void LockGraph::writeDot(llvm::raw_ostream &OS) const {
  std::set<std::pair<std::string, std::string>> OnCycle;
  for (const auto &C : cycles())
    for (size_t I = 0; I < C.size(); ++I)
      OnCycle.insert({C[I], C[(I + 1) % C.size()]});
  auto Quote = [](const std::string &S) {
    std::string Out = "\"";
    for (char C : S) {
      if (C == '"' || C == '\\')
        Out += '\\';
      Out += C;
    }
    return Out + "\"";
  };
  OS << "digraph lockwise {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (const std::string &L : Locks)
    OS << "  " << Quote(L) << ";\n";
  for (auto &[Key, E] : Edges) {
    const WitnessStep &Last = E.Witness.back();
    std::string Label = Last.Function + ":" + std::to_string(Last.Loc.Line);
    OS << "  " << Quote(Key.first) << " -> " << Quote(Key.second)
       << " [label=" << Quote(Label);
    if (OnCycle.count(Key))
      OS << ", color=red, penwidth=2";
    OS << "];\n";
  }
  OS << "}\n";
}

} // namespace lockwise
