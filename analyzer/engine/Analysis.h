//===- Analysis.h - Whole-program lockset analysis and its results --------===//
//
// The engine runs a path-sensitive lockset dataflow over every function's
// CFG, bottom-up over the call graph, and records the lock-order graph:
// order edges with witnesses.  Checks subscribe to the dataflow for the
// rest (Observer.h) and turn what they see into findings; nothing here
// prints.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_ENGINE_ANALYSIS_H
#define LOCKWISE_ENGINE_ANALYSIS_H

#include "engine/Program.h"
#include "lockwise/Rules.h"

#include "llvm/Support/Error.h"
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

/// The bounds of Limits.h that can lose findings, one bit each.
enum LimitReached : unsigned {
  StatesPerBlock = 1,  ///< MaxStatesPerBlock: a path state was dropped
  BlockVisits = 2,     ///< MaxVisitsPerBlock: the worklist stopped early
  FptrTargets = 4,     ///< MaxFptrTargets: an indirect call's targets were cut
  SccRounds = 8,       ///< MaxSccRounds: a recursive component did not settle
};

/// The locks held when one function calls another.
struct HeldAtCall {
  std::string Caller;
  std::string Callee;
  SrcLoc Loc;
  std::vector<std::string> Held;
};

/// A lock a function acquires, itself or through callees.
struct FunctionAcquire {
  std::string Lock;
  bool Direct = false;
  Chain Witness;
};

/// A node of the lock-order graph: a lock class, narrowed to the objects
/// held in one place (rules' class_by_holder: "rangeset.lock" of
/// "vcpu.vpci.mem") or to the running context's own instance (rules'
/// running_context).  Compared structurally; name() is how reports print
/// it, and nothing reads a node back from its name.
struct LockNode {
  std::string Class;
  std::string Holder;
  bool Running = false;
  /// "rangeset.lock{vcpu.vpci.mem}", "p2m_domain.lock[current]".
  std::string name() const {
    std::string S = Holder.empty() ? Class : Class + "{" + Holder + "}";
    return Running ? S + "[current]" : S;
  }
  bool operator==(const LockNode &) const = default;
};

struct AnalysisResult {
  std::map<std::pair<std::string, std::string>, LockEdge> Edges;
  /// Every node of Edges, by its name.
  std::map<std::string, LockNode> Nodes;
  /// Classes acquired as some object's lock (not a global): each has a
  /// running-context copy in the order graph's cycle search.
  std::set<std::string> Instances;
  /// Order levels, not locks: the classes of rules' check-order primitives
  /// (Xen's MM_LOCK_ORDER_page_alloc).  Ordered against the hierarchies,
  /// but no cycle passes through one: a level blocks nobody.
  std::set<std::string> Levels;
  /// Empty unless AnalysisOptions::QueryTables.
  std::vector<HeldAtCall> HeldAtCalls;
  /// Function key -> the locks it acquires (from its summary); empty
  /// unless AnalysisOptions::QueryTables.
  std::map<std::string, std::vector<FunctionAcquire>> Acquires;
  /// Functions whose analysis reached a bound (Limits.h): their results
  /// are partial.  Key -> the bounds reached (LimitReached bits).
  std::map<std::string, unsigned> Incomplete;
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

class DataflowCheck;

/// The whole program, bottom-up over the call graph.  Checks subscribe to
/// the dataflow (Observer.h); a rule a check or the engine cannot use (an
/// invalid glob) is an error, reported before any function is analysed.
llvm::Expected<AnalysisResult>
analyzeProgram(const Program &P, const rules::RuleSet &Rules,
               const AnalysisOptions &Options = {},
               const std::vector<DataflowCheck *> &Checks = {});

} // namespace lockwise

#endif
