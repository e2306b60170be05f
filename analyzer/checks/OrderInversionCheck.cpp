//===- OrderInversionCheck.cpp - An edge against a declared hierarchy -----===//
#include "checks/OrderInversionCheck.h"

#include <map>

namespace lockwise {

const char *OrderInversionCheck::summary() const {
  return "A lock is acquired while a lock that a declared hierarchy puts "
         "inside it is held.";
}

void OrderInversionCheck::run(const CheckContext &Ctx,
                              FindingHandler &Out) const {
  for (const rules::Hierarchy &H : Ctx.Rules.Hierarchies) {
    std::map<std::string, size_t> Rank;
    for (size_t I = 0; I < H.Order.size(); ++I)
      Rank[Ctx.Rules.canonical(H.Order[I])] = I;
    for (auto &[Key, E] : Ctx.Graph.edges()) {
      auto Held = Rank.find(Ctx.Rules.canonical(Key.first));
      auto Taken = Rank.find(Ctx.Rules.canonical(Key.second));
      if (Held == Rank.end() || Taken == Rank.end() ||
          Held->second <= Taken->second || E.Witness.empty())
        continue;
      const WitnessStep &At = E.Witness.back();
      Finding F;
      F.Check = id();
      F.Sev = Severity::Warning;
      F.Message = "acquiring '" + Key.second + "' while holding '" + Key.first +
                  "' violates lock hierarchy '" + H.Name + "' ('" + Key.second +
                  "' must be taken before '" + Key.first + "')";
      setLocation(F, At.Loc);
      F.Function = At.Function;
      F.Locks = {Key.first, Key.second};
      F.Trace = toTrace(E.Witness);
      Out.handle(std::move(F));
    }
  }
}

} // namespace lockwise
