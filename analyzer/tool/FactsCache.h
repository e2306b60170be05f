//===- FactsCache.h - Per-TU facts keyed by content -----------------------===//
//
// A TU's facts depend on its command, the content of every file it read and
// the primitive catalog.  The key covers the first and last; the entry
// lists every input file with its content hash, checked on lookup, so a
// header edit invalidates exactly the TUs that include it.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_TOOL_FACTSCACHE_H
#define LOCKWISE_TOOL_FACTSCACHE_H

#include "facts/Facts.h"
#include "lockwise/Rules.h"

#include "clang/Tooling/CompilationDatabase.h"

#include "llvm/ADT/StringMap.h"

#include <mutex>
#include <optional>
#include <string>

namespace lockwise {

class FactsCache {
public:
  /// Dir is created on first store.  The rule set's primitives and lock
  /// types change what is extracted, so they are part of every key.
  FactsCache(std::string Dir, const rules::RuleSet &Rules);

  std::optional<TUFacts> lookup(const clang::tooling::CompileCommand &Cmd) const;
  void store(const clang::tooling::CompileCommand &Cmd, const TUFacts &TU) const;

  /// The default location: $XDG_CACHE_HOME/lockwise/facts or
  /// ~/.cache/lockwise/facts.
  static std::string defaultDir();

private:
  std::string keyOf(const clang::tooling::CompileCommand &Cmd) const;
  /// The content hash of an input file, read once per run: a hypervisor's
  /// TUs share most of their headers, and re-reading them for every TU's
  /// cache check was an eighth of an unchanged re-run.
  std::optional<uint64_t> contentHash(llvm::StringRef Path) const;
  std::string Dir;
  std::string RulesKey;
  mutable std::mutex HashesLock;
  mutable llvm::StringMap<std::optional<uint64_t>> Hashes;
};

} // namespace lockwise

#endif
