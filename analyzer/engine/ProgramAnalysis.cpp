//===- ProgramAnalysis.cpp - Bottom-up over the call graph ------------------===//
#include "engine/FunctionAnalysis.h"
#include "engine/DebugDump.h"

namespace lockwise::dataflow {

/// For each component (by its index in bottom-up order), the functions
/// whose summaries nothing reads once it is analysed: the last component
/// that calls them, or their own when nothing else does.  Summaries carry
/// witness chains and are most of the analysis' memory; kept for every
/// function until the end, they would outweigh the facts.
std::vector<std::vector<std::string>> lastReaders(const Program &P) {
  const auto &Sccs = P.sccsBottomUp();
  std::map<std::string, size_t> Last;
  for (size_t I = 0; I < Sccs.size(); ++I)
    for (const std::string &Key : Sccs[I])
      Last[Key] = I;
  for (size_t I = 0; I < Sccs.size(); ++I)
    for (const std::string &Key : Sccs[I])
      for (const std::string &Callee : P.callees(Key))
        if (auto It = Last.find(Callee); It != Last.end())
          It->second = std::max(It->second, I);
  std::vector<std::vector<std::string>> Out(Sccs.size());
  for (auto &[Key, I] : Last)
    Out[I].push_back(Key);
  return Out;
}

} // namespace lockwise::dataflow

namespace lockwise {

using namespace dataflow;

AnalysisResult analyzeProgram(const Program &P, const rules::RuleSet &Rules,
                              const AnalysisOptions &Options) {
  RuleIndex Index = indexRules(P, Rules);
  std::map<std::string, ContextMask> Contexts = impliedContexts(P, Index);
  AnalysisResult R;
  for (const rules::Primitive &Prim : Rules.Primitives)
    if (Prim.Op == rules::PrimitiveOp::CheckOrder && !Prim.Class.empty())
      R.Levels.insert(Rules.canonical(Prim.Class));
  std::unordered_map<std::string, Summary> Sums;
  std::map<std::string, size_t> NeedSites; // need site -> index in R.Needs
  const std::vector<std::vector<std::string>> &Sccs = P.sccsBottomUp();
  std::vector<std::vector<std::string>> Expiring = lastReaders(P);
  for (size_t SccIndex = 0; SccIndex < Sccs.size(); ++SccIndex) {
    const std::vector<std::string> &Scc = Sccs[SccIndex];
    auto RecordAcquires = [&](const std::string &Key) {
      auto It = Sums.find(Key);
      if (It == Sums.end() || !Options.QueryTables)
        return;
      std::vector<FunctionAcquire> &Out = R.Acquires[Key];
      for (const SummaryAcquire &A : It->second.Acquires)
        if (!isParamLock(A.Lock))
          Out.push_back({A.Lock, A.Witness.size() == 1, A.Witness});
    };
    std::map<std::string, FunctionObs> SccObs;
    // Recursion: iterate the component until its summaries settle.
    for (int Round = 0; Round < MaxSccRounds; ++Round) {
      bool Changed = false;
      for (const std::string &Key : Scc) {
        const FunctionFacts *F = P.function(Key);
        if (!F)
          continue;
        auto Ctx = Contexts.find(Key);
        FunctionAnalysis A(P, *F, Sums, P.hasCallers(Key), Index,
                           Ctx == Contexts.end() ? 0 : Ctx->second,
                           Options.QueryTables);
        A.Debug = &Options.Debug;
        A.run();
        if (Options.Debug.summaryOf(F->Name.str()))
          dumpSummary(*Options.Debug.Out, Key, A.Out, A.DebugReleases);
        auto It = Sums.find(Key);
        if (It == Sums.end() || !(It->second == A.Out)) {
          Changed = true;
          Sums[Key] = std::move(A.Out);
        }
        SccObs[Key] = std::move(A.Obs);
      }
      if (!Changed || Scc.size() == 1)
        break;
    }
    for (auto &[Key, O] : SccObs) {
      ++R.Functions;
      RecordAcquires(Key);
      for (auto &[K, E] : O.Edges) {
        auto It = R.Edges.find(K);
        if (It == R.Edges.end())
          R.Edges[K] = E;
        else
          mergeWitness(It->second, E);
      }
      R.Instances.insert(O.Instances.begin(), O.Instances.end());
      for (auto &[K, D] : O.DoubleLocks)
        R.DoubleLocks.push_back(D);
      for (auto &[K, D] : O.DoubleUnlocks)
        R.DoubleUnlocks.push_back(D);
      for (auto &[K, L] : O.Leaks)
        R.Leaks.push_back(L);
      for (auto &[K, C] : O.Calls)
        R.HeldAtCalls.push_back(C);
      for (auto &[K, X] : O.Sleeps)
        R.Sleeps.push_back(X);
      for (auto &[K, X] : O.HeldAcross)
        R.HeldAcross.push_back(X);
      for (auto &[K, X] : O.BrokenHolds)
        R.BrokenHolds.push_back(X);
      for (auto &[K, X] : O.Needs)
        R.Needs.push_back(X);
      for (auto &[K, X] : O.LostWakeups) {
        // One report per write that was not followed by a wake-up, however
        // many functions up the call graph it reaches unwoken.
        const SrcLoc &Deepest = X.WritePath.empty() ? X.WriteLoc
                                                    : X.WritePath.back().Loc;
        bool Seen = false;
        for (const LostWakeupObs &Old : R.LostWakeups) {
          const SrcLoc &OldDeepest = Old.WritePath.empty()
                                         ? Old.WriteLoc
                                         : Old.WritePath.back().Loc;
          Seen |= Old.Queue == X.Queue && OldDeepest == Deepest;
        }
        if (!Seen)
          R.LostWakeups.push_back(X);
      }
      // A need nobody above satisfies: reported where the chain starts.
      // Inferred requirements (assertions) need a call chain to be a
      // finding; a declared guard is checked even in a function nobody in
      // the program calls.
      if (!P.hasCallers(Key))
        for (const SummaryNeed &N : Sums[Key].Needs) {
          if (isParamLock(N.Lock) || N.Path.empty())
            continue;
          if (N.K != NeedObs::GuardedAccess && N.Path.size() < 2)
            continue;
          const FunctionFacts *F = P.function(Key);
          NeedObs X{N.K, N.Lock, N.Subject, F ? F->Name.str() : Key,
                    N.Path.front().Loc, N.Path, N.IsWrite};
          // One report per unmet need (the access, or the call of the
          // requiring function), however many entry points reach it: the
          // shortest chain speaks for all of them.
          std::string Site = std::to_string(N.K) + N.Lock + ">" + N.Subject +
                             "@" + locKey(N.Path.back().Loc);
          auto [It, New] = NeedSites.try_emplace(Site, R.Needs.size());
          if (New)
            R.Needs.push_back(std::move(X));
          else if (X.Path.size() < R.Needs[It->second].Path.size())
            R.Needs[It->second] = std::move(X);
        }
      if (O.Incomplete)
        R.Incomplete.push_back(Key);
    }
    for (const std::string &Key : Expiring[SccIndex])
      Sums.erase(Key);
    if (Options.Finished)
      for (const std::string &Key : Scc)
        Options.Finished(Key);
  }
  return R;
}

} // namespace lockwise
