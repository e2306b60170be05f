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

namespace {

/// The last analysis of each function of one component, by key.
using ComponentRuns = std::map<std::string, std::unique_ptr<FunctionAnalysis>>;

/// Analyses one component of the call graph until its summaries settle
/// (recursion), at most MaxSccRounds times; true if they did.
bool analyseComponent(const std::vector<std::string> &Scc, const Program &P,
                      const RuleIndex &Index,
                      const std::map<std::string, ContextMask> &Contexts,
                      const AnalysisOptions &Options,
                      const std::vector<DataflowCheck *> &Checks,
                      std::unordered_map<std::string, Summary> &Sums,
                      ComponentRuns &Runs) {
  for (int Round = 0; Round < MaxSccRounds; ++Round) {
    bool Changed = false;
    for (const std::string &Key : Scc) {
      const FunctionFacts *F = P.function(Key);
      if (!F)
        continue;
      auto Ctx = Contexts.find(Key);
      FunctionInputs In{P, *F, Sums, Index, Checks};
      In.HasCallers = P.hasCallers(Key);
      In.Contexts = Ctx == Contexts.end() ? 0 : Ctx->second;
      In.RecordCalls = Options.QueryTables;
      In.Debug = &Options.Debug;
      auto A = std::make_unique<FunctionAnalysis>(In);
      A->run();
      if (Options.Debug.summaryOf(F->Name.str()))
        dumpSummary(*Options.Debug.Out, Key, A->Out, A->DebugReleases);
      auto It = Sums.find(Key);
      if (It == Sums.end() || !(It->second == A->Out)) {
        Changed = true;
        Sums[Key] = std::move(A->Out);
      }
      Runs[Key] = std::move(A);
    }
    if (!Changed || Scc.size() == 1)
      return true;
  }
  return false;
}

/// Adds what the last analysis of a function found to the program's
/// results, and hands its observers to their checks.
void commitFunction(const std::string &Key, FunctionAnalysis &A,
                    const Summary &Final, const AnalysisOptions &Options,
                    const std::vector<DataflowCheck *> &Checks, AnalysisResult &R) {
  ++R.Functions;
  if (Options.QueryTables) {
    std::vector<FunctionAcquire> &Out = R.Acquires[Key];
    for (const SummaryAcquire &Acq : Final.Acquires)
      if (!Acq.Lock.isParam())
        Out.push_back({Acq.Lock.cls(), Acq.Witness.size() == 1, Acq.Witness});
  }
  for (auto &[K, E] : A.Obs.Edges) {
    auto It = R.Edges.find(K);
    if (It == R.Edges.end())
      R.Edges[K] = E;
    else
      mergeWitness(It->second, E);
  }
  R.Nodes.insert(A.Obs.Nodes.begin(), A.Obs.Nodes.end());
  R.Instances.insert(A.Obs.Instances.begin(), A.Obs.Instances.end());
  for (auto &[K, C] : A.Obs.Calls)
    R.HeldAtCalls.push_back(C);
  for (size_t I = 0; I < Checks.size(); ++I)
    if (A.Observers[I])
      Checks[I]->commit(A, *A.Observers[I], Final);
  if (A.Obs.Incomplete)
    R.Incomplete[Key] = A.Obs.Incomplete;
}

} // namespace

} // namespace lockwise::dataflow

namespace lockwise {

using namespace dataflow;

llvm::Expected<AnalysisResult>
analyzeProgram(const Program &P, const rules::RuleSet &Rules,
               const AnalysisOptions &Options,
               const std::vector<DataflowCheck *> &Checks) {
  auto Index = indexRules(P, Rules);
  if (!Index)
    return Index.takeError();
  for (size_t I = 0; I < Checks.size(); ++I)
    if (llvm::Error E = Checks[I]->begin(P, Rules, CheckSlot{unsigned(I)}))
      return std::move(E);
  std::map<std::string, ContextMask> Contexts = impliedContexts(P, *Index);
  AnalysisResult R;
  for (const rules::Primitive &Prim : Rules.Primitives)
    if (Prim.Op == rules::PrimitiveOp::CheckOrder && !Prim.Class.empty())
      R.Levels.insert(Rules.canonical(Prim.Class));
  std::unordered_map<std::string, Summary> Sums;
  const std::vector<std::vector<std::string>> &Sccs = P.sccsBottomUp();
  std::vector<std::vector<std::string>> Expiring = lastReaders(P);
  for (size_t SccIndex = 0; SccIndex < Sccs.size(); ++SccIndex) {
    const std::vector<std::string> &Scc = Sccs[SccIndex];
    ComponentRuns Runs;
    bool Settled =
        analyseComponent(Scc, P, *Index, Contexts, Options, Checks, Sums, Runs);
    for (auto &[Key, A] : Runs) {
      if (!Settled)
        A->Obs.Incomplete |= SccRounds;
      commitFunction(Key, *A, Sums[Key], Options, Checks, R);
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
