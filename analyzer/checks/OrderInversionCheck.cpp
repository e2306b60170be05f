//===- OrderInversionCheck.cpp - An edge against a declared hierarchy -----===//
#include "checks/OrderInversionCheck.h"
#include "checks/CheckRegistry.h"

#include <map>
#include <optional>

namespace lockwise {

static RegisterCheck<OrderInversionCheck> Registration;

const char *OrderInversionCheck::summary() const {
  return "A lock is acquired while a lock that a declared hierarchy puts "
         "inside it is held.";
}

void OrderInversionCheck::run(const CheckContext &Ctx,
                              FindingHandler &Out) const {
  std::vector<std::map<std::string, size_t>> Ranks;
  for (const rules::Hierarchy &H : Ctx.Rules.Hierarchies) {
    std::map<std::string, size_t> Rank;
    for (size_t I = 0; I < H.Order.size(); ++I)
      Rank[Ctx.Rules.canonical(H.Order[I])] = I;
    Ranks.push_back(std::move(Rank));
  }
  // One finding per edge, naming every hierarchy it violates (Xen's
  // mm-locks import gives the altp2m list its own hierarchy next to the
  // main one; an edge against both is one mistake).
  for (auto &[Key, E] : Ctx.Graph.edges()) {
    if (E.Witness.empty())
      continue;
    std::vector<std::string> Violated;
    for (size_t I = 0; I < Ranks.size(); ++I) {
      // The running context's instance ("X[current]") ranks as X, or after
      // every lock of a running_context_last hierarchy.
      auto RankOf = [&](const std::string &Node) -> std::optional<size_t> {
        LockNode N = Ctx.Graph.node(Node);
        auto It = Ranks[I].find(Ctx.Rules.canonical(N.Class));
        if (It == Ranks[I].end())
          return std::nullopt;
        bool Last = Ctx.Rules.Hierarchies[I].RunningContextLast && N.Running;
        return It->second + (Last ? Ranks[I].size() : 0);
      };
      std::optional<size_t> Held = RankOf(Key.first), Taken = RankOf(Key.second);
      if (Held && Taken && *Held > *Taken)
        Violated.push_back(Ctx.Rules.Hierarchies[I].Name);
    }
    if (Violated.empty())
      continue;
    std::string Names = "'" + Violated[0] + "'";
    for (size_t I = 1; I < Violated.size(); ++I)
      Names += ", '" + Violated[I] + "'";
    const WitnessStep &At = E.Witness.back();
    Finding F = newFinding(id());
    F.Message = "acquiring '" + Key.second + "' while holding '" + Key.first +
                "' violates lock hierarch" +
                (Violated.size() == 1 ? "y " : "ies ") + Names + " ('" +
                Key.second + "' must be taken before '" + Key.first + "')";
    setLocation(F, At.Loc);
    F.Function = At.Function;
    F.Locks = {Key.first, Key.second};
    F.Trace = toTrace(E.Witness);
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
