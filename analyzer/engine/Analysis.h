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

#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace lockwise {

/// One step of a witness chain: an acquisition or a call.
struct WitnessStep {
  SrcLoc Loc;
  Symbol Function;
  Symbol Message;
  bool operator==(const WitnessStep &) const = default;
};
using Chain = std::vector<WitnessStep>;

/// B was acquired while A was held.  Witness: how A came to be held, then
/// the call chain down to B's acquisition (the last step).
struct LockEdge {
  std::string From;
  std::string To;
  Chain Witness;
  /// Other witnesses (different acquisition sites), shortest first, at
  /// most MaxOtherWitnesses: "every witness chain" for queries.
  std::vector<Chain> Others;
};

constexpr size_t MaxOtherWitnesses = 16;

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

/// A sleeping operation reached while a spinning lock is held.
struct SleepObs {
  std::string Lock;
  std::string Function;
  SrcLoc Loc;
  std::string What; ///< The sleeping operation ("mutex_lock", "kmalloc").
  Chain Held;       ///< How the spinning lock came to be held.
  Chain Sleep;      ///< The chain down to the sleeping operation.
};

/// A call a rule forbids while a lock is held.
struct HeldAcrossObs {
  std::string Lock;
  std::string Function;
  SrcLoc Loc;
  std::string Callee;
  std::string Why;
  Chain Held;
  Chain Call;
};

/// A lock that must be held and is not, all the way up to a function
/// nobody calls: a guarded field accessed without its lock
/// (unguarded-access), or a callee's asserted or declared requirement
/// (missing-lock).
struct NeedObs {
  enum Kind { GuardedAccess, Asserted, Declared } K = GuardedAccess;
  std::string Lock;
  std::string Subject; ///< The field, or the function requiring the lock.
  std::string Function;
  SrcLoc Loc;
  Chain Path; ///< From the outermost unlocked call down to the need.
  bool IsWrite = false;
};

/// A lock released between the two calls of a held_continuously rule.
struct BrokenHoldObs {
  std::string Lock;
  std::string Function;
  std::string From, To, Why;
  SrcLoc FromLoc, ReleaseLoc, ToLoc;
};

/// State a wait_event() condition reads was written and the function
/// returned without waking the queue.
struct LostWakeupObs {
  std::string Queue;
  std::string Function;
  std::string Variable;
  std::string WaitCondition;
  SrcLoc WriteLoc;
  SrcLoc ExitLoc;
  SrcLoc WaitLoc;
  Chain WritePath; ///< From the reported call down to the write.
  /// Branch conditions on the path that skipped the wake-up ("the other
  /// side looks busy").
  std::vector<std::string> SkippedWhen;
};

/// A lock a function acquires, itself or through callees.
struct FunctionAcquire {
  std::string Lock;
  bool Direct = false;
  Chain Witness;
};

/// The graph node of the running context's instance of class L (rules'
/// running_context): order edges between it and another object's lock go
/// to or from this node, not L.
inline std::string runningContextNode(const std::string &L) {
  return L + "[current]";
}
/// Whether Node is runningContextNode(L) for some L, and that L.
inline bool isRunningContextNode(const std::string &Node) {
  return Node.size() > 9 && Node.compare(Node.size() - 9, 9, "[current]") == 0;
}
/// The graph node of class L's objects held in Holder (rules'
/// class_by_holder): "rangeset.lock{vcpu.vpci.mem}".
inline std::string holderNode(const std::string &L, const std::string &Holder) {
  return Holder.empty() ? L : L + "{" + Holder + "}";
}
/// The lock class a node of the order graph stands for.
inline std::string classOfNode(const std::string &Node) {
  std::string L =
      isRunningContextNode(Node) ? Node.substr(0, Node.size() - 9) : Node;
  if (!L.empty() && L.back() == '}')
    if (size_t Open = L.rfind('{'); Open != std::string::npos)
      L.resize(Open);
  return L;
}

struct AnalysisResult {
  std::map<std::pair<std::string, std::string>, LockEdge> Edges;
  /// Classes acquired as some object's lock (not a global): each has a
  /// running-context copy in the order graph's cycle search.
  std::set<std::string> Instances;
  /// Order levels, not locks: the classes of rules' check-order primitives
  /// (Xen's MM_LOCK_ORDER_page_alloc).  Ordered against the hierarchies,
  /// but no cycle passes through one: a level blocks nobody.
  std::set<std::string> Levels;
  std::vector<DoubleLockObs> DoubleLocks;
  std::vector<DoubleUnlockObs> DoubleUnlocks;
  std::vector<LeakObs> Leaks;
  std::vector<SleepObs> Sleeps;
  std::vector<HeldAcrossObs> HeldAcross;
  std::vector<NeedObs> Needs;
  std::vector<BrokenHoldObs> BrokenHolds;
  std::vector<LostWakeupObs> LostWakeups;
  /// Empty unless AnalysisOptions::QueryTables.
  std::vector<HeldAtCall> HeldAtCalls;
  /// Function key -> the locks it acquires (from its summary); empty
  /// unless AnalysisOptions::QueryTables.
  std::map<std::string, std::vector<FunctionAcquire>> Acquires;
  /// Functions whose analysis hit a bound (their results are partial).
  std::vector<std::string> Incomplete;
  unsigned Functions = 0;
};

/// Developer dumps of the dataflow, written to Out (a stream the driver
/// owns): the summaries of the functions named in SummariesOf, the path
/// states at each block of StatesOf, the callback field groups of struct
/// CallbacksOf (CallbackFlags::dump()).
struct DebugOptions {
  llvm::raw_ostream *Out = nullptr;
  std::set<std::string> SummariesOf;
  std::string StatesOf;
  std::string CallbacksOf;
  bool summaryOf(const std::string &Name) const {
    return Out && SummariesOf.count(Name);
  }
  bool statesOf(const std::string &Name) const {
    return Out && !StatesOf.empty() && Name == StatesOf;
  }
};

/// What analyzeProgram() records beyond what the checkers read, and when it
/// is done with each function's facts.
struct AnalysisOptions {
  /// Fill AnalysisResult::HeldAtCalls and Acquires.  Only queries read
  /// them, and on the Xen hypervisor they would be most of what the
  /// results take (a list of held locks per call site, a witness chain per
  /// lock a function takes).
  bool QueryTables = false;
  /// Called with each function's key once its results are final.  Nothing
  /// reads its blocks after that, so the caller may free them
  /// (Program::releaseBody) while the rest of the program is analysed.
  std::function<void(const std::string &Key)> Finished;
  DebugOptions Debug;
};

AnalysisResult analyzeProgram(const Program &P, const rules::RuleSet &Rules,
                              const AnalysisOptions &Options = {});

} // namespace lockwise

#endif
