//===- Program.h - The whole program: merged facts, call graph, SCCs ------===//
#ifndef LOCKWISE_ENGINE_PROGRAM_H
#define LOCKWISE_ENGINE_PROGRAM_H

#include "engine/CallbackFlags.h"
#include "engine/LockKey.h"
#include "facts/Facts.h"

#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <string>
#include <vector>

namespace lockwise {

/// Which of two copies of one function (a static inline extracted in every
/// TU that includes its header) the program keeps: the one whose body is in
/// its TU's main file, then the one from the first TU by file name -- an
/// order that does not depend on which TU was parsed first.
bool preferCopy(const FunctionFacts &A, const std::string &ATU,
                const FunctionFacts &B, const std::string &BTU);

/// Drops duplicate function copies as TUs arrive, keeping the copy Program
/// would keep, so that a run holds each header function once instead of
/// once per TU (eleven times over on the Xen hypervisor).
class FunctionDeduplicator {
public:
  explicit FunctionDeduplicator(std::vector<TUFacts> &TUs) : TUs(TUs) {}
  /// TUs[Index] has arrived.  Thread-safe.
  void add(size_t Index);
  /// Removes the dropped copies' slots (call once all TUs have arrived).
  void compact();

private:
  struct Kept {
    size_t TU;
    size_t Function;
  };
  std::vector<TUFacts> &TUs;
  std::mutex Lock;
  std::unordered_map<Symbol, Kept> ByKey;
};

class Program {
public:
  /// Merges the TUs (sorted by file so the result does not depend on the
  /// order they were parsed in).  A function defined in several TUs (a
  /// static inline in a header) is kept once.
  explicit Program(std::vector<TUFacts> TUs);

  const std::vector<TUFacts> &tus() const { return TUs; }
  const FunctionFacts *function(const std::string &Key) const;
  /// Functions in a deterministic order (by key).
  const std::vector<const FunctionFacts *> &functions() const { return Ordered; }

  /// Frees the blocks of function Key once the analysis is done with it
  /// (AnalysisOptions::Finished).  Reports read only a function's key,
  /// name, location and parameters, and the blocks are most of the facts.
  void releaseBody(const std::string &Key);

  /// The canonical class of a lock reference (docs/design.md names); "" for
  /// parameters, locals and unknown locks.
  std::string className(const LockRef &R) const;
  /// The lockset key of a lock reference: its class, or a parameter's
  /// lock; none for locals and unknown locks.
  LockKey lockKey(const LockRef &R) const {
    if (R.K == LockRef::Param)
      return R.ParamIndex < 0 ? LockKey() : LockKey::ofParam(R.ParamIndex);
    std::string C = className(R);
    return C.empty() ? LockKey() : LockKey::ofClass(Symbol(C));
  }

  /// Every function a call event may reach: the direct callee, or every
  /// function assigned to the function pointer anywhere in the program.
  std::vector<std::string> callTargets(const Event &Call) const;
  /// Every function stored into function-pointer key FptrKey ("tag.field").
  std::vector<std::string> pointerTargets(const std::string &FptrKey) const;
  /// Which callbacks the objects an indirect call goes through can carry.
  const CallbackFlags &callbackFlags() const { return Flags; }

  /// Strongly connected components of the call graph, callees first.
  const std::vector<std::vector<std::string>> &sccsBottomUp() const { return Sccs; }
  bool hasCallers(const std::string &Key) const { return Callers.count(Key) != 0; }
  /// The functions Key calls (through function pointers too), each once.
  const std::vector<Symbol> &callees(const std::string &Key) const {
    static const std::vector<Symbol> None;
    auto It = Callees.find(Key);
    return It == Callees.end() ? None : It->second;
  }

private:
  void resolveFunctionPointers();
  void buildCallGraph();

  std::vector<TUFacts> TUs;
  std::map<std::string, FunctionFacts *> ByKey;
  std::vector<const FunctionFacts *> Ordered;
  /// Static global lock names defined in more than one file get "@file".
  std::map<std::string, std::set<std::string>> StaticGlobalFiles;
  std::map<std::string, std::set<std::string>> FptrTargets;
  CallbackFlags Flags;
  /// Symbols, not strings: there is an entry per call edge.
  std::map<std::string, std::vector<Symbol>> Callees;
  std::set<std::string> Callers;
  std::vector<std::vector<std::string>> Sccs;
};

} // namespace lockwise

#endif
