//===- FunctionAnalysis.h - The dataflow over one function ------------------===//
#ifndef LOCKWISE_ENGINE_FUNCTIONANALYSIS_H
#define LOCKWISE_ENGINE_FUNCTIONANALYSIS_H

#include "engine/Conditions.h"
#include "engine/Limits.h"
#include "engine/PathState.h"
#include "engine/RuleIndex.h"
#include "engine/Summary.h"
#include "engine/Witness.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace lockwise::dataflow {

/// Per-function observations, committed when the function's SCC settles.
struct FunctionObs {
  std::map<std::pair<std::string, std::string>, LockEdge> Edges;
  std::map<std::string, DoubleLockObs> DoubleLocks;
  std::map<std::string, DoubleUnlockObs> DoubleUnlocks;
  std::map<std::string, LeakObs> Leaks;
  std::map<std::string, SleepObs> Sleeps;
  std::map<std::string, HeldAcrossObs> HeldAcross;
  std::map<std::string, BrokenHoldObs> BrokenHolds;
  std::map<std::string, LostWakeupObs> LostWakeups;
  std::map<std::string, NeedObs> Needs;
  std::map<std::string, HeldAtCall> Calls;
  /// Classes seen as an object's lock (LockRef::Owner is not OwnerNone).
  std::set<std::string> Instances;
  bool Incomplete = false;
};

class FunctionAnalysis {
public:
  FunctionAnalysis(const Program &P, const FunctionFacts &F,
                   const std::unordered_map<std::string, Summary> &Sums, bool HasCallers,
                   const RuleIndex &Rules, ContextMask Contexts,
                   bool RecordCalls)
      : P(P), F(F), Sums(Sums), HasCallers(HasCallers), Rules(Rules),
        Own(Contexts), RecordCalls(RecordCalls) {}

  void run();
  Summary Out;
  FunctionObs Obs;

  /// The caller-side name of a lock reference in this function.
  std::string lockName(const LockRef &R) const {
    if (R.K == LockRef::Param)
      return "$" + std::to_string(R.ParamIndex);
    return P.className(R);
  }

private:
  void transferBlock(const Block &B, std::vector<PathState> &States);
  void transferEvent(const Event &E, PathState &S, std::vector<PathState> &Forked);
  void acquire(PathState &S, const std::string &Lock, Mode M, bool Recursive,
               bool Try, const std::string &Text, const Chain &Path,
               const SrcLoc &Loc, bool ManagedByCallee, bool Atomic,
               int8_t Owner, ContextMask Contexts = 0);
  void release(PathState &S, const std::string &Lock, const std::string &Text,
               const SrcLoc &Loc, const Chain &Path);
  void resolveTry(PathState &S, int TryId, bool AtomNonZero);
  /// Var now holds the result of Source, which a distinct_results group
  /// lists: Var differs from every local holding another member's result
  /// ("p2m = p2m_get_altp2m(curr)" after "hostp2m = p2m_get_hostp2m(currd)":
  /// "p2m != hostp2m" holds).
  void noteDistinctResult(PathState &S, Symbol Var, Symbol Source);
  void applyCall(const Event &E, PathState &S, std::vector<PathState> &Forked);
  /// S and Inherited (a callee's conditions, in our terms) give the
  /// parameter conditions of an edge left to the callers.
  void addEdge(const std::string &From, const std::string &To,
               const Chain &HeldSite, const Chain &ToPath, bool RecursiveTarget,
               int8_t FromOwner, int8_t ToOwner, const PathState &S,
               const ParamConditions &Inherited = {},
               Symbol FromHolder = {}, Symbol ToHolder = {});
  void summariseAcquire(const std::string &Lock, Mode M, bool Try,
                        bool Recursive, int RecursiveParam, bool Guarded,
                        const std::string &Text, const Chain &Path,
                        const ParamConditions &When,
                        std::vector<Symbol> Dropped, ContextMask Contexts,
                        int8_t Owner, Symbol Holder = {});
  /// A callee's holder for CalleeLock (SummaryAcquire::Holder), in this
  /// function's terms: the callee's own, else what the argument its owner
  /// parameter receives is held in.
  Symbol holderAt(Symbol CalleeHolder, int8_t CalleeOwner,
                  const std::string &Lock, const std::vector<ArgInfo> &Args) const;
  /// A callee's LockRef::Owner for CalleeLock, in this function's terms.
  static int8_t ownerAt(int8_t CalleeOwner, const std::string &CalleeLock,
                        const std::vector<ArgInfo> &Args);
  /// The branch facts of S that are about this function's parameters,
  /// and then those of Inherited (a callee's, in our terms) not among them.
  ParamConditions paramConditions(const PathState &S,
                                  const ParamConditions &Inherited = {}) const;
  std::string substitute(const std::string &CalleeLock,
                         const std::vector<ArgInfo> &Args) const;
  /// The branch-fact key an argument stands for (our parameter or local
  /// variable passed as is), or empty.
  Symbol argFact(const Event &E, int Index) const {
    if (Index < 0 || (size_t)Index >= E.Args.size())
      return Symbol();
    const ArgInfo &A = E.Args[Index];
    if (A.MaskedParam >= 0 && (size_t)A.MaskedParam < F.Params.size())
      return Symbol(maskKey(F.Params[A.MaskedParam].str(), A.ParamMask));
    if (A.Param >= 0 && (size_t)A.Param < F.Params.size())
      return F.Params[A.Param];
    return A.Var;
  }
  /// allows(), and no branch fact of the path contradicts a condition on an
  /// argument that is our parameter or local passed as is: after
  /// "ASSERT(!(flags & IOMMUF_preempt))", iommu_map()'s preemption check
  /// under "flags & IOMMUF_preempt" is not reached.
  bool allowsHere(const PathState &S, const ParamConditions &When,
                  const Event &E) const {
    if (!allows(When, E.Args))
      return false;
    for (const ParamCondition &C : When) {
      if (!C.CarriedKey.empty()) {
        if ((size_t)C.Param >= E.Args.size())
          continue;
        const ArgInfo &A = E.Args[C.Param];
        if (A.Object.empty() && A.Param < 0)
          continue;
        if (!P.callbackFlags().mayCarry(C.CarriedKey.str(), C.CarriedTarget.str(),
                                        F.Key.str(), A.Param, A.Object.str()))
          return false;
        continue;
      }
      Symbol Name = argFact(E, C.Param);
      if (Name.empty())
        continue;
      const FactValue *Known = S.findFact(
          !C.Field.empty() ? Symbol(Name.str() + "->" + C.Field.str())
          : C.Mask         ? Symbol(maskKey(Name.str(), C.Mask))
                           : Name);
      if (Known && Known->Value != C.NonZero)
        return false;
    }
    return true;
  }
  /// How the caller spells a callee's lock: the argument for a parameter's
  /// lock ("$0" -> "rchn"), the callee's spelling with its parameter
  /// replaced by our argument ("&evtchn->lock" -> "&rchn->lock"), or
  /// nothing when only the callee's spelling is known.
  std::optional<std::string> callerSpelling(const Event &E,
                                            const std::string &Target,
                                            const std::string &CalleeLock,
                                            const std::string &CalleeText) const {
    if (isParamLock(CalleeLock)) {
      unsigned Index = paramLockIndex(CalleeLock);
      if (Index < E.Args.size() && !E.Args[Index].Lock.Text.empty())
        return E.Args[Index].Lock.Text.str();
      return std::nullopt;
    }
    const FunctionFacts *Callee = P.function(Target);
    if (!Callee)
      return std::nullopt;
    llvm::StringRef Text(CalleeText);
    bool Address = Text.consume_front("&");
    for (size_t I = 0; I < Callee->Params.size(); ++I) {
      llvm::StringRef Param = Callee->Params[I].str();
      if (Param.empty() || !Text.starts_with(Param))
        continue;
      llvm::StringRef Rest = Text.substr(Param.size());
      if (!Rest.starts_with("->") && !Rest.starts_with("."))
        continue;
      Symbol Arg = argFact(E, I);
      if (Arg.empty())
        return std::nullopt;
      return (Address ? "&" : "") + Arg.str() + Rest.str();
    }
    return std::nullopt;
  }
  /// substitute() over a sorted list; the result is sorted too.
  std::vector<Symbol> substituteAll(const std::vector<Symbol> &Locks,
                                    const std::vector<ArgInfo> &Args) const {
    std::vector<Symbol> Out;
    for (Symbol L : Locks)
      if (std::string X = substitute(L, Args); !X.empty())
        Out.push_back(Symbol(X));
    std::sort(Out.begin(), Out.end());
    return Out;
  }
  /// Whether an indirect call E may reach Target given the flags on the
  /// object it goes through (CallbackFlags.h): not where the path knows a
  /// flag that rules Target out is set; where the object is our parameter,
  /// Target's effects get the condition that the flag is clear (Extra).
  bool flagAllows(const Event &E, const std::string &Target,
                  const PathState &S, ParamConditions &Extra) const {
    if (E.FptrBase.empty())
      return true;
    llvm::StringRef Base = E.FptrBase.str();
    int Param = -1;
    if (Base.ends_with("->"))
      for (size_t I = 0; I < F.Params.size() && I < 64; ++I)
        if (F.Params[I].str() == Base.drop_back(2) && !S.paramBitsChanged(I))
          Param = I;
    // The object may not be one Target is ever stored on.
    const CallbackFlags &CF = P.callbackFlags();
    if (Param >= 0 && CF.narrows(E.FptrKey.str(), Target)) {
      if (!CF.mayCarry(E.FptrKey.str(), Target, F.Key.str(), Param))
        return false;
      Extra.push_back({Param, true, 0, Symbol(), E.FptrKey, Symbol(Target)});
    }
    const std::vector<Symbol> *Flags = CF.excludingFlags(E.FptrKey.str(), Target);
    if (!Flags)
      return true;
    for (Symbol Flag : *Flags) {
      const FactValue *Known = S.findFact(Symbol(Base.str() + Flag.str()));
      if (Known && Known->Value)
        return false;
      if (Param >= 0 && !Known)
        Extra.push_back({Param, false, 0, Flag});
    }
    return true;
  }
  bool caseFilter(PathState &S, const Block &B, size_t I, unsigned Origin);
  bool edgeFilter(PathState &S, const Condition &C, bool TrueEdge,
                  unsigned Origin);
  void finish(const std::vector<PathState> &ExitStates);
  void maybeHeldAcrossOutcomes();

  WitnessStep step(const SrcLoc &Loc, std::string Msg) const {
    return WitnessStep{Loc, F.Name, std::move(Msg)};
  }
  /// The last step of a chain to a declared requirement.
  WitnessStep requiresStep(const SrcLoc &Loc, const std::string &Function,
                           const std::string &Lock) const {
    return step(Loc, Function + " requires '" + Lock + "' (rules)");
  }

  const Program &P;
  const FunctionFacts &F;
  const std::unordered_map<std::string, Summary> &Sums;
  bool HasCallers;
  const RuleIndex &Rules;
  /// The exclusive_contexts this function runs in: its own file's, and
  /// those every caller runs in (impliedContexts()).
  ContextMask Own;
  /// Fill FunctionObs::Calls (AnalysisOptions::QueryTables).
  bool RecordCalls;

public:
  /// Developer dumps (AnalysisOptions::Debug); null for none.
  const DebugOptions *Debug = nullptr;
  /// Entry locks released, for dumpSummary().
  std::set<std::string> DebugReleases;

private:
  // Rule-driven transfer (sleep-in-atomic, held-across, needs, broken-hold,
  // lost-wakeup).
  void sleepAt(PathState &S, const std::string &What, const Chain &Path,
               const SrcLoc &Loc, std::vector<Symbol> Dropped = {});
  /// A call by name: forbidden_while_held and the "to" side of
  /// held_continuously.  Through a callee's summary (Direct false) the
  /// order of its calls is unknown, so held_continuously is left to the
  /// callee, and locks the callee releases first (NotHeld) do not count.
  void callNamed(PathState &S, const std::string &Callee, const Chain &Path,
                 const SrcLoc &Loc, bool Direct = true,
                 const std::set<std::string> *NotHeld = nullptr,
                 const ParamConditions &When = {});
  /// The "from" side of held_continuously, after the call returned (the
  /// "from" function may take the lock itself, as xs_suspend() does).
  void armFrom(PathState &S, const std::string &Callee, const SrcLoc &Loc);
  void addNeed(const ParamConditions &When, NeedObs::Kind K, const std::string &Lock,
               const std::string &Subject, bool IsWrite, const Chain &Path);
  void entryNeeds();
  /// The state on entry: the locks entered_holding says a callback runs
  /// under, held as the caller's (neither acquired nor released here).
  PathState entryState() const;
  /// A lock a callee needs at this call: missing here, or passed up.
  void needAtCall(PathState &S, NeedObs::Kind K, const std::string &L,
                  const std::string &Subject, bool IsWrite, const Chain &Path,
                  const SrcLoc &Loc, const ParamConditions &Inherited = {});
  /// Path is built only when the write matters (a wait condition reads
  /// Var): most writes do not, and chains are not free.
  void writeVariable(PathState &S, const std::string &Var, const SrcLoc &Loc,
                     llvm::function_ref<Chain()> Path, int Direction);
  /// Locks this function asserts or is declared to need on entry: its own
  /// accesses to data they guard are covered by that requirement.
  std::set<std::string> EntryRequired;
  /// Locks this function acquires itself: it is responsible for holding
  /// them where its callees and its own accesses need them.
  std::set<std::string> TakenHere;
  /// Queues this function itself waits on: the consumer changing its own
  /// condition need not wake itself.
  std::set<std::string> WaitsOn;
  /// Is-held tests by their id, with the lock they test.
  std::map<int, std::string> HeldTests;
  void wake(PathState &S, const std::string &Queue);
  bool gfpAllowsSleep(const Event &E, unsigned GfpArg) const;
};

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
