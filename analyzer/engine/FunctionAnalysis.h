//===- FunctionAnalysis.h - The dataflow over one function ----------------===//
//
// One analysis of one function: the worklist over its CFG (Solver.cpp),
// the transfer of each event (EventTransfer.cpp), of locks
// (LocksetTransfer.cpp), branches (BranchTransfer.cpp) and calls
// (CallTransfer.cpp), and the summary its callers see
// (SummaryBuilder.cpp).  Checks observe it through FunctionContext and
// their FunctionObservers (Observer.h).
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_ENGINE_FUNCTIONANALYSIS_H
#define LOCKWISE_ENGINE_FUNCTIONANALYSIS_H

#include "engine/Conditions.h"
#include "engine/Limits.h"
#include "engine/Observer.h"
#include "engine/PathState.h"
#include "engine/RuleIndex.h"
#include "engine/Summary.h"
#include "engine/Witness.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace lockwise::dataflow {

/// Per-function observations, committed when the function's SCC settles.
struct FunctionObs {
  std::map<std::pair<std::string, std::string>, LockEdge> Edges;
  std::map<std::string, LockNode> Nodes; ///< Those of Edges, by name.
  std::map<std::string, HeldAtCall> Calls;
  /// Classes seen as an object's lock (LockRef::Owner is not OwnerNone).
  std::set<std::string> Instances;
  /// The bounds reached (LimitReached bits).
  unsigned Incomplete = 0;
};

/// What one analysis of a function reads.
struct FunctionInputs {
  const Program &P;
  const FunctionFacts &F;
  /// The summaries of the functions analysed so far.
  const std::unordered_map<std::string, Summary> &Sums;
  const RuleIndex &Rules;
  /// The checks that observe the dataflow, by slot.
  const std::vector<DataflowCheck *> &Checks;
  bool HasCallers = false;
  /// The exclusive_contexts this function runs in: its own file's, and
  /// those every caller runs in (impliedContexts()).
  ContextMask Contexts = 0;
  /// Fill FunctionObs::Calls (AnalysisOptions::QueryTables).
  bool RecordCalls = false;
  /// Developer dumps; null for none.
  const DebugOptions *Debug = nullptr;
};

/// An acquisition, as acquire() applies it to a path.
struct Acquisition {
  LockKey Lock;
  Mode LockMode = Mode::Exclusive;
  bool Recursive = false;
  bool Try = false;
  std::string Text;
  Chain Path;
  SrcLoc Loc;
  /// Returned held by a callee that manages it across calls.
  bool ManagedByCallee = false;
  bool Atomic = false;
  int8_t Owner = OwnerNone;
  ContextMask Contexts = 0;
};

/// An order edge from a held lock to one being acquired.
struct EdgeRequest {
  LockKey From, To;
  const Chain &HeldSite;
  const Chain &ToPath;
  bool RecursiveTarget = false;
  int8_t FromOwner = OwnerNone, ToOwner = OwnerNone;
  Symbol FromHolder, ToHolder;
  /// A callee's conditions, in our terms: with the path's, the conditions
  /// of an edge left to the callers.
  ParamConditions Inherited;
};

class FunctionAnalysis final : public FunctionContext {
public:
  explicit FunctionAnalysis(const FunctionInputs &In);

  void run();
  Summary Out;
  FunctionObs Obs;
  /// The checks' observers, by slot (null where a check does not observe).
  std::vector<std::unique_ptr<FunctionObserver>> Observers;
  /// Entry locks released, for dumpSummary().
  std::set<std::string> DebugReleases;

  // FunctionContext.
  const Program &program() const override { return P; }
  const FunctionFacts &function() const override { return F; }
  bool hasCallers() const override { return HasCallers; }
  LockKey lockKey(const LockRef &R) const override;
  LockKey substitute(const LockKey &CalleeLock,
                     const std::vector<ArgInfo> &Args) const override;
  bool allowsHere(const PathState &S, const ParamConditions &When,
                  const Event &E) const override;
  ParamConditions paramConditions(const PathState &S,
                                  const ParamConditions &Inherited = {}) const override;
  const Summary &summary() const override { return Out; }

private:
  // Solver.cpp
  PathState entryState() const;
  void heldTests();
  void transferBlock(const Block &B, std::vector<PathState> &States);
  // EventTransfer.cpp
  void transferEvent(const Event &E, PathState &S, std::vector<PathState> &Forked);
  void transferAcquire(const Event &E, PathState &S);
  SummaryAcquire summaryOf(const Event &E, const PathState &S,
                           const LockKey &Lock, const Chain &Path) const;
  void transferTryAcquire(const Event &E, PathState &S);
  void transferKill(const Event &E, PathState &S);
  void transferReturn(const Event &E, PathState &S, std::vector<PathState> &Forked);
  // LocksetTransfer.cpp
  void acquire(PathState &S, const Acquisition &A);
  void release(PathState &S, const LockKey &Lock, const std::string &Text,
               const SrcLoc &Loc, const Chain &Path);
  void resolveTry(PathState &S, int TryId, bool AtomNonZero);
  /// Var now holds the result of Source, which a distinct_results group
  /// lists: Var differs from every local holding another member's result
  /// ("p2m = p2m_get_altp2m(curr)" after "hostp2m = p2m_get_hostp2m(currd)":
  /// "p2m != hostp2m" holds).
  void noteDistinctResult(PathState &S, Symbol Var, Symbol Source);
  void addEdge(const EdgeRequest &R, const PathState &S);
  /// Records an acquisition in the summary: merged with one of the same
  /// lock whose conditions cover it, else kept apart (up to
  /// MaxConditionalCopies).
  void summariseAcquire(SummaryAcquire New);
  /// The condition on one of this function's parameters that branch fact
  /// Fv of S stands for (a test of the parameter, or of some of its bits,
  /// not written since), if any.
  std::optional<ParamCondition> paramConditionOf(const PathState &S,
                                                 const FactValue &Fv) const;
  /// The first of S's branch facts that is not a condition on this
  /// function's parameters (SummaryAcquire::Guarded), or null.
  const FactValue *guard(const PathState &S) const;
  bool guardedBeyondParams(const PathState &S) const { return guard(S) != nullptr; }
  /// guard(), spelled (SummaryAcquire::GuardText); empty when there is none.
  Symbol guardText(const PathState &S) const;
  /// A callee's holder for CalleeLock (SummaryAcquire::Holder), in this
  /// function's terms: the callee's own, else what the argument its owner
  /// parameter receives is held in.
  Symbol holderAt(Symbol CalleeHolder, int8_t CalleeOwner,
                  const LockKey &Lock, const std::vector<ArgInfo> &Args) const;
  /// A callee's LockRef::Owner for CalleeLock, in this function's terms.
  static int8_t ownerAt(int8_t CalleeOwner, const LockKey &CalleeLock,
                        const std::vector<ArgInfo> &Args);
  // CallTransfer.cpp
  void applyCall(const Event &E, PathState &S, std::vector<PathState> &Forked);
  /// One callee's acquisitions and deferred edges, seen from S.
  void applyCalleeLocks(const Event &E, PathState &S, const Summary &Sum,
                        const std::string &Target, const WitnessStep &Step,
                        llvm::function_ref<ParamConditions(const ParamConditions &)> Forward);
  /// The states the callees' outcomes lead S to: the first replaces S.
  void applyOutcomes(const Event &E, PathState &S, std::vector<PathState> &Forked,
                     const std::vector<std::pair<const Summary *, std::string>> &Used,
                     const WitnessStep &CallStep);
  /// S after one callee outcome, or nothing if S's facts rule it out.
  std::optional<PathState> outcomeState(const Event &E, const PathState &S,
                                        const Outcome &O, const Summary &Sum,
                                        const std::string &Target,
                                        const WitnessStep &CallStep, bool Only);
  /// Records on N what outcome O says of our arguments ("_get_gfn_type_access(
  /// ..., locked)", "spin_lock_if(locking, ...)" then "if (locking)"): a
  /// branch fact on our parameter or local; false if N's facts contradict
  /// it.
  bool assumeOutcome(const Event &E, const Outcome &O, PathState &N);
  /// N holds a lock callee outcome O returns holding.
  void takeFromCallee(const Event &E, PathState &N, const Outcome &O,
                      const HeldOnReturn &H, const Summary &Sum,
                      const std::string &Target, const WitnessStep &CallStep);
  /// The branch-fact key an argument stands for (our parameter or local
  /// variable passed as is), or empty.
  Symbol argFact(const Event &E, int Index) const;
  /// How the caller spells a callee's lock: the argument for a parameter's
  /// lock (parameter 0's -> "rchn"), the callee's spelling with its parameter
  /// replaced by our argument ("&evtchn->lock" -> "&rchn->lock"), or
  /// nothing when only the callee's spelling is known.
  std::optional<std::string> callerSpelling(const Event &E,
                                            const std::string &Target,
                                            const LockKey &CalleeLock,
                                            const std::string &CalleeText) const;
  /// substitute() over a sorted list; the result is sorted too.
  std::vector<LockKey> substituteAll(const std::vector<LockKey> &Locks,
                                     const std::vector<ArgInfo> &Args) const;
  /// Whether an indirect call E may reach Target given the flags on the
  /// object it goes through (CallbackFlags.h): not where the path knows a
  /// flag that rules Target out is set; where the object is our parameter,
  /// Target's effects get the condition that the flag is clear (Extra).
  bool flagAllows(const Event &E, const std::string &Target,
                  const PathState &S, ParamConditions &Extra) const;
  // BranchTransfer.cpp
  bool caseFilter(PathState &S, const Block &B, size_t I, unsigned Origin);
  bool edgeFilter(PathState &S, const Condition &C, bool TrueEdge,
                  unsigned Origin);
  /// edgeFilter() of an error test (IS_ERR(), IS_ERR_OR_NULL()), of a
  /// try-lock or is-held test, of a branch fact.
  bool errorTestFilter(PathState &S, const Condition &C, bool AtomNonZero,
                       unsigned Origin);
  bool tryFilter(PathState &S, const Condition &C, bool AtomNonZero);
  bool factFilter(PathState &S, const Condition &C, bool AtomNonZero,
                  unsigned Origin);
  // SummaryBuilder.cpp
  void finish(const std::vector<PathState> &ExitStates);
  void outcomesOf(const std::vector<PathState> &ExitStates);
  void dropPartialReleases();
  void dropPartialHolds();
  void maybeHeldAcrossOutcomes();

  template <class Hook> void notify(Hook &&H) {
    for (std::unique_ptr<FunctionObserver> &O : Observers)
      if (O)
        H(*O);
  }

  const Program &P;
  const FunctionFacts &F;
  const std::unordered_map<std::string, Summary> &Sums;
  const RuleIndex &Rules;
  bool HasCallers;
  ContextMask Own;
  bool RecordCalls;
  const DebugOptions *Debug;
  /// Is-held tests by their id, with the lock they test.
  std::map<int, LockKey> HeldTests;
};

/// Blocks of each loop, by its back edge (source, header).
using LoopBodies = std::map<std::pair<unsigned, unsigned>, std::set<unsigned>>;

/// Edges that close a cycle in a depth-first walk from the entry, each with
/// its natural loop: the blocks that reach the edge's source without passing
/// through its target (the loop header).
LoopBodies backEdges(const FunctionFacts &F);

/// For each component (by its index in bottom-up order), the functions
/// whose summaries nothing reads once it is analysed.
std::vector<std::vector<std::string>> lastReaders(const Program &P);

} // namespace lockwise::dataflow

#endif
