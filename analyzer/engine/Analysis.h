//===- Analysis.h - Whole-program lockset analysis and its results --------===//
//
// The engine runs a path-sensitive lockset dataflow over every function's
// CFG, bottom-up over the call graph, and records observations: order edges
// with witnesses, double locks and unlocks, leaks.  Checkers turn
// observations into findings; nothing here prints.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_ENGINE_ANALYSIS_H
#define LOCKWISE_ENGINE_ANALYSIS_H

#include "engine/Program.h"
#include "lockwise/Rules.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lockwise {

/// One step of a witness chain: an acquisition or a call.
struct WitnessStep {
  SrcLoc Loc;
  std::string Function;
  std::string Message;
  bool operator==(const WitnessStep &) const = default;
};
using Chain = std::vector<WitnessStep>;

/// B was acquired while A was held.  Witness: how A came to be held, then
/// the call chain down to B's acquisition (the last step).
struct LockEdge {
  std::string From;
  std::string To;
  Chain Witness;
  /// Index in Witness of the first step of B's chain.
  size_t ToStart = 0;
};

struct DoubleLockObs {
  std::string Lock;
  std::string Function;
  SrcLoc Loc;   ///< The second acquisition (or the call leading to it).
  Chain First;  ///< How the lock was already held.
  Chain Second; ///< The chain to the second acquisition.
};

struct DoubleUnlockObs {
  std::string Lock;
  std::string Function;
  SrcLoc Loc;
  Chain Second;       ///< The chain to the second release.
  Chain FirstRelease; ///< Where it was released before on this path.
};

struct LeakObs {
  std::string Lock;
  std::string Function;
  SrcLoc ReturnLoc;   ///< A return reached with the lock held.
  Chain Acquired;     ///< Where it was acquired on that path.
  SrcLoc ReleasedAt;  ///< A release of it on another path to a return.
};

/// The locks held when one function calls another.
struct HeldAtCall {
  std::string Caller;
  std::string Callee;
  SrcLoc Loc;
  std::vector<std::string> Held;
};

struct AnalysisResult {
  std::map<std::pair<std::string, std::string>, LockEdge> Edges;
  std::vector<DoubleLockObs> DoubleLocks;
  std::vector<DoubleUnlockObs> DoubleUnlocks;
  std::vector<LeakObs> Leaks;
  std::vector<HeldAtCall> HeldAtCalls;
  /// Functions whose analysis hit a bound (their results are partial).
  std::vector<std::string> Incomplete;
  unsigned Functions = 0;
};

AnalysisResult analyzeProgram(const Program &P, const rules::RuleSet &Rules);

} // namespace lockwise

#endif
