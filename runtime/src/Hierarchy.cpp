//===- Hierarchy.cpp - Declared lock orders (rules files) -----------------===//
#include "Hierarchy.h"

#include <algorithm>

#ifdef LOCKWISE_HAVE_RULES
#include <lockwise/Rules.h>
#endif

namespace lockwise::rt {

void HierarchySet::add(const std::string &Name, std::vector<std::string> Order,
                       const std::string &Where) {
  All.push_back({Name, Where, std::move(Order)});
}

void HierarchySet::addAlias(const std::string &Alias, const std::string &Class) {
  Aliases[Alias] = Class;
}

std::string HierarchySet::canonical(const std::string &Name) const {
  std::string C = Name;
  // Bounded: an alias cycle in a rule file must not hang the program.
  for (unsigned I = 0; I < 16; ++I) {
    auto It = Aliases.find(C);
    if (It == Aliases.end())
      break;
    C = It->second;
  }
  return C;
}

std::optional<HierarchySet::Violation>
HierarchySet::check(const std::string &Held, const std::string &New) const {
  std::string H = canonical(Held), N = canonical(New);
  for (const Violation &V : All) {
    auto Find = [&](const std::string &C) {
      for (size_t I = 0; I < V.Order.size(); ++I)
        if (canonical(V.Order[I]) == C)
          return std::optional<size_t>(I);
      return std::optional<size_t>();
    };
    std::optional<size_t> PH = Find(H), PN = Find(N);
    if (PH && PN && *PN < *PH)
      return V;
  }
  return std::nullopt;
}

bool loadRuleFiles(const std::vector<std::string> &Files, HierarchySet &Into,
                   std::string &Error) {
  if (Files.empty())
    return true;
#ifdef LOCKWISE_HAVE_RULES
  rules::RuleSet Set;
  std::vector<rules::Diagnostic> Diags;
  bool Ok = true;
  for (const std::string &F : Files)
    Ok &= rules::loadRuleFile(F, Set, Diags);
  for (const rules::Diagnostic &D : Diags)
    if (D.K == rules::Diagnostic::Error)
      Error += D.str() + "\n";
  for (const auto &[Alias, Class] : Set.Aliases)
    Into.addAlias(Alias, Class);
  for (const rules::Hierarchy &H : Set.Hierarchies)
    Into.add(H.Name, H.Order,
             H.Pos.File + ":" + std::to_string(H.Pos.Line));
  return Ok;
#else
  Error = "rules support is not built in (no lockwise_rules library)";
  return false;
#endif
}

} // namespace lockwise::rt
