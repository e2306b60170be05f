//===- RuleIndex.h - The rules, indexed for the transfer functions ----------===//
#ifndef LOCKWISE_ENGINE_RULEINDEX_H
#define LOCKWISE_ENGINE_RULEINDEX_H

#include "engine/Program.h"
#include "lockwise/Rules.h"

#include "llvm/Support/GlobPattern.h"

#include <bit>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace lockwise::dataflow {

/// The rules, indexed for the transfer functions.
/// exclusive_contexts membership, one bit per context (at most 64).
using ContextMask = uint64_t;

struct RuleIndex {
  std::map<std::string, std::optional<unsigned>> Sleeping;
  struct Forbidden {
    std::string Lock, Why;
    std::vector<llvm::GlobPattern> Calls;
  };
  std::vector<Forbidden> ForbiddenWhileHeld;
  std::map<std::string, std::vector<std::string>> Requires;
  /// entered_holding: function key -> the locks held on its entry, each
  /// with the callback field that says so.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>>
      EnteredHolding;
  struct Continuous {
    std::string Lock, From, To, Why;
  };
  std::vector<Continuous> Continuously;
  std::map<std::string, std::string> Guarded;
  /// distinct_results: function name -> the groups it is in.
  std::map<std::string, std::vector<unsigned>> DistinctGroups;
  std::set<std::string> RecursiveLocks;
  std::set<std::string> CrashPaths;
  std::set<std::string> Unshared;
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
  struct Wait {
    std::string Queue, Condition;
    SrcLoc Loc;
    /// Which writes can make the condition true: +1 growing the variable
    /// ("!list_empty(&l)", "n > 0"), -1 shrinking it ("n == 0"), 0 any.
    int Direction = 0;
  };
  /// "@variable" -> the waits whose condition reads it.
  std::map<std::string, std::vector<Wait>> WaitsByVar;

  bool interestingCall(const std::string &Name) const {
    for (const Forbidden &F : ForbiddenWhileHeld)
      for (const llvm::GlobPattern &G : F.Calls)
        if (G.match(Name))
          return true;
    for (const Continuous &C : Continuously)
      if (C.From == Name || C.To == Name)
        return true;
    return false;
  }
};

/// Which way Var must move for the wait condition Cond to become true:
/// +1 for "!list_empty(&v)", "v", "v != 0", "v > 0"; -1 for
/// "list_empty(&v)", "!v", "v == 0"; 0 when the text does not say.
int conditionDirection(const std::string &Cond, const std::string &Var);

RuleIndex indexRules(const Program &P, const rules::RuleSet &Rules);

/// The exclusive_contexts each function runs in: its file's, and those of
/// every chain that reaches it (p2m_altp2m_propagate_change() in p2m.c is
/// only called from the EPT code, so it runs under VMX and HAP).  Top-down:
/// a function's callers' contexts, intersected, joined with its own.
std::map<std::string, ContextMask> impliedContexts(const Program &P,
                                                   const RuleIndex &Rules);

/// For each component (by its index in bottom-up order), the functions
/// whose summaries nothing reads once it is analysed: the last component
/// that calls them, or their own when nothing else does.  Summaries carry
/// witness chains and are most of the analysis' memory; kept for every

} // namespace lockwise::dataflow

#endif
