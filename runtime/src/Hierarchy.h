//===- Hierarchy.h - Declared lock orders (rules files) --------*- C++ -*-===//
//
// The hierarchies of rules/*.jsonc ("order": outer first), checked at run
// time on every new edge of the order graph, as the static analyser checks
// them on its lock graph.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_RT_HIERARCHY_H
#define LOCKWISE_RT_HIERARCHY_H

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lockwise::rt {

class HierarchySet {
public:
  struct Violation {
    std::string Hierarchy; ///< its name
    std::string Where;     ///< "file:line" of its declaration, if known
    std::vector<std::string> Order;
  };

  void add(const std::string &Name, std::vector<std::string> Order,
           const std::string &Where = "");
  void addAlias(const std::string &Alias, const std::string &Class);
  /// Taking New while holding Held breaks a hierarchy that lists New
  /// before (outside) Held.
  std::optional<Violation> check(const std::string &Held,
                                 const std::string &New) const;
  bool empty() const { return All.empty(); }

private:
  std::string canonical(const std::string &Name) const;

  std::vector<Violation> All;
  std::map<std::string, std::string> Aliases;
};

/// Loads the hierarchies and aliases of rule files into Into.  Returns
/// false with a message when a file cannot be loaded, or when rules
/// support was not built in.
bool loadRuleFiles(const std::vector<std::string> &Files, HierarchySet &Into,
                   std::string &Error);

} // namespace lockwise::rt

#endif
