//===- RuleIndex.h - The rules the engine reads, indexed ------------------===//
//
// What the lockset dataflow itself needs from the rules: lock semantics
// (recursive classes, holder classes), entry states (entered_holding),
// path facts (distinct_results), reachability (crash paths, exclusive
// contexts).  Rules that define bugs belong to the checks that use them.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_ENGINE_RULEINDEX_H
#define LOCKWISE_ENGINE_RULEINDEX_H

#include "engine/Program.h"
#include "lockwise/Rules.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/GlobPattern.h"

#include <bit>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace lockwise::dataflow {

/// exclusive_contexts membership, one bit per context (at most
/// MaxExclusiveContexts).
using ContextMask = uint64_t;

struct RuleIndex {
  /// entered_holding: function key -> the locks held on its entry, each
  /// with the callback field that says so.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>>
      EnteredHolding;
  /// distinct_results: function name -> the groups it is in.
  std::map<std::string, std::vector<unsigned>> DistinctGroups;
  std::set<std::string> RecursiveLocks;
  /// Classes the primitives take as references (rules::Primitive::Reference):
  /// nested freely, in no lock order.
  std::set<Symbol> References;
  bool isReference(const LockKey &L) const {
    return !L.isParam() && References.count(L.cls()) != 0;
  }
  std::set<std::string> CrashPaths;
  /// class_by_holder: the struct tags whose locks are classed by holder.
  std::vector<std::string> HolderTypes;
  /// Whether L is the class of such a lock, with no holder named yet.
  bool isHolderClass(llvm::StringRef L) const {
    for (const std::string &T : HolderTypes)
      if (L.size() > T.size() && L.starts_with(T) && L[T.size()] == '.')
        return true;
    return false;
  }
  /// exclusive_contexts: each context's file globs (its bit is its index),
  /// and each group's mask of contexts.
  std::vector<std::vector<llvm::GlobPattern>> ContextFiles;
  std::vector<std::set<std::string>> ContextFunctions;
  std::vector<ContextMask> GroupMasks;
  /// The contexts a function belongs to, by its file or its name.
  ContextMask contextsOf(const FunctionFacts &F) const {
    ContextMask M = 0;
    llvm::StringRef File = F.Loc.File.str();
    for (size_t I = 0; I < ContextFiles.size(); ++I) {
      if (ContextFunctions[I].count(F.Name.str()))
        M |= ContextMask(1) << I;
      for (const llvm::GlobPattern &G : ContextFiles[I])
        if (G.match(File)) {
          M |= ContextMask(1) << I;
          break;
        }
    }
    return M;
  }
  /// A chain through these contexts cannot run: two of one group.
  bool conflicting(ContextMask M) const {
    for (ContextMask G : GroupMasks)
      if (std::popcount(M & G) > 1)
        return true;
    return false;
  }
};

/// The rules' engine part; an exclusive_contexts file glob that does not
/// parse is an error at the rule's position.
llvm::Expected<RuleIndex> indexRules(const Program &P, const rules::RuleSet &Rules);

/// A rule's glob, or an error "FILE:LINE:COL: error: ..." at the rule.
llvm::Expected<llvm::GlobPattern> ruleGlob(const std::string &Glob,
                                           const rules::SourcePos &Pos,
                                           const std::string &RuleKey);

/// The exclusive_contexts each function runs in: its file's, and those of
/// every chain that reaches it (p2m_altp2m_propagate_change() in p2m.c is
/// only called from the EPT code, so it runs under VMX and HAP).  Top-down:
/// a function's callers' contexts, intersected, joined with its own.
std::map<std::string, ContextMask> impliedContexts(const Program &P,
                                                   const RuleIndex &Rules);

} // namespace lockwise::dataflow

#endif
