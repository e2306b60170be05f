//===- Scc.cpp ------------------------------------------------------------===//
#include "engine/Scc.h"

#include <algorithm>
#include <map>
#include <set>

namespace lockwise {

std::vector<std::vector<std::string>> stronglyConnectedComponents(
    const std::vector<std::string> &Roots,
    llvm::function_ref<std::vector<std::string>(const std::string &)> Successors) {
  std::map<std::string, int> Index, Low;
  std::set<std::string> OnStack;
  std::vector<std::string> Stack;
  std::vector<std::vector<std::string>> Out;
  int Next = 0;
  struct Frame {
    std::string Node;
    std::vector<std::string> Succ;
    size_t Child = 0;
  };
  std::vector<Frame> Work;
  auto Enter = [&](const std::string &N) {
    Index[N] = Low[N] = Next++;
    Stack.push_back(N);
    OnStack.insert(N);
    Work.push_back({N, Successors(N), 0});
  };
  for (const std::string &Root : Roots) {
    if (Index.count(Root))
      continue;
    Enter(Root);
    while (!Work.empty()) {
      Frame &Top = Work.back();
      if (Top.Child < Top.Succ.size()) {
        std::string W = Top.Succ[Top.Child++];
        if (!Index.count(W))
          Enter(W);
        else if (OnStack.count(W))
          Low[Top.Node] = std::min(Low[Top.Node], Index[W]);
        continue;
      }
      std::string V = Top.Node;
      Work.pop_back();
      if (!Work.empty())
        Low[Work.back().Node] = std::min(Low[Work.back().Node], Low[V]);
      if (Low[V] != Index[V])
        continue;
      std::vector<std::string> Component;
      while (true) {
        std::string W = Stack.back();
        Stack.pop_back();
        OnStack.erase(W);
        Component.push_back(W);
        if (W == V)
          break;
      }
      std::sort(Component.begin(), Component.end());
      Out.push_back(std::move(Component));
    }
  }
  return Out;
}

} // namespace lockwise
