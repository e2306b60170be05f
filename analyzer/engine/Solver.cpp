//===- Solver.cpp - The worklist over one function's CFG ----------------------===//
//
// Each block holds a small set of path states.  States that hold the same
// locks are merged (their branch facts intersected) unless their facts
// contradict (joinPartner()); states that differ in what they hold stay
// apart, so "if (!held) lock(); ... if (!held) unlock();"
// keeps the two paths separate and correlates the second test with the
// first - where a lockset join (as in Clang's thread-safety analysis) would
// report a spurious imbalance.
//
//===----------------------------------------------------------------------===//
#include "engine/FunctionAnalysis.h"
#include "engine/DebugDump.h"

namespace lockwise::dataflow {

LoopBodies backEdges(const FunctionFacts &F) {
  std::set<std::pair<unsigned, unsigned>> Out;
  std::vector<std::vector<unsigned>> Preds(F.Blocks.size());
  for (const Block &B : F.Blocks)
    for (int S : B.Succs)
      if (S >= 0 && (size_t)S < F.Blocks.size())
        Preds[S].push_back(B.Id);
  std::vector<int> Color(F.Blocks.size(), 0); // 0 new, 1 on stack, 2 done
  std::vector<std::pair<unsigned, size_t>> Stack{{F.Entry, 0}};
  Color[F.Entry] = 1;
  while (!Stack.empty()) {
    auto &[Id, Next] = Stack.back();
    const Block &B = F.Blocks[Id];
    if (Next >= B.Succs.size()) {
      Color[Id] = 2;
      Stack.pop_back();
      continue;
    }
    int Succ = B.Succs[Next++];
    if (Succ < 0 || (size_t)Succ >= F.Blocks.size())
      continue;
    if (Color[Succ] == 1)
      Out.insert({Id, (unsigned)Succ});
    else if (Color[Succ] == 0) {
      Color[Succ] = 1;
      Stack.push_back({(unsigned)Succ, 0});
    }
  }
  LoopBodies Loops;
  for (auto [From, Header] : Out) {
    std::set<unsigned> Body{Header, From};
    std::vector<unsigned> Work{From};
    while (!Work.empty()) {
      unsigned X = Work.back();
      Work.pop_back();
      if (X == Header)
        continue;
      for (unsigned P : Preds[X])
        if (Body.insert(P).second)
          Work.push_back(P);
    }
    Loops[{From, Header}] = std::move(Body);
  }
  return Loops;
}

FunctionAnalysis::FunctionAnalysis(const FunctionInputs &In)
    : P(In.P), F(In.F), Sums(In.Sums), Rules(In.Rules),
      HasCallers(In.HasCallers), Own(In.Contexts), RecordCalls(In.RecordCalls),
      Debug(In.Debug) {
  for (DataflowCheck *C : In.Checks)
    Observers.push_back(C->observe(*this));
}

/// The state on entry: the locks entered_holding says a callback runs
/// under, held as the caller's (neither acquired nor released here).
PathState FunctionAnalysis::entryState() const {
  PathState S;
  auto It = Rules.EnteredHolding.find(F.Key.str());
  if (It == Rules.EnteredHolding.end())
    return S;
  for (const auto &[Lock, Field] : It->second) {
    HeldLock H;
    H.Lock = LockKey::ofClass(Symbol(Lock));
    H.Owner = OwnerAny;
    H.Reentered = true;
    H.Recursive = Rules.RecursiveLocks.count(Lock) != 0;
    H.Text = Lock;
    H.Site = std::make_shared<const Chain>(Chain{
        step(F.Loc, "'" + Lock + "' is held on entry to " + F.Name.str() +
                        ", a " + Field + " (rules: entered_holding)")});
    S.addHeld(std::move(H));
  }
  return S;
}

void FunctionAnalysis::heldTests() {
  for (const Block &B : F.Blocks)
    for (const Event &E : B.Events)
      if (E.Kind == EventKind::HeldTest && E.TryId >= 0)
        if (LockKey L = lockKey(E.Lock); !L.empty())
          HeldTests[E.TryId] = L;
}

void FunctionAnalysis::run() {
  size_t N = F.Blocks.size();
  if (N == 0)
    return;
  heldTests();
  std::vector<StateSet> In(N);
  In[F.Entry].States.push_back(entryState());
  notify([&](FunctionObserver &O) { O.onEntry(In[F.Entry].States.back()); });
  In[F.Entry].Sigs.push_back(In[F.Entry].States.back().signature());
  std::set<unsigned, std::greater<unsigned>> Work{F.Entry};
  std::vector<PathState> ExitStates;
  LoopBodies Loops = backEdges(F);
  bool Trace = Debug && Debug->statesOf(F.Name.str());
  size_t Visits = 0, Budget = MaxVisitsPerBlock * N + MaxVisitsBase;
  bool Overflow = false;
  while (!Work.empty()) {
    if (++Visits > Budget) {
      Obs.Incomplete |= BlockVisits;
      break;
    }
    unsigned Id = *Work.begin();
    Work.erase(Work.begin());
    const Block &B = F.Blocks[Id];
    std::vector<PathState> States = In[Id].States;
    if (Trace)
      dumpStates(*Debug->Out, "entry of block", B, States);
    transferBlock(B, States);
    if (Trace)
      dumpStates(*Debug->Out, "exit of block", B, States);
    if (Id == F.Exit || B.Succs.empty()) {
      if (Id == F.Exit)
        for (PathState &S : States)
          ExitStates.push_back(S);
      continue;
    }
    for (size_t I = 0; I < B.Succs.size(); ++I) {
      int Succ = B.Succs[I];
      if (Succ < 0 || (size_t)Succ >= N)
        continue;
      bool Changed = false;
      for (const PathState &S : States) {
        PathState X = S;
        // Around a loop, what a repeated test reads from memory may have
        // changed: only facts about locals survive the back edge.
        if (auto L = Loops.find({Id, (unsigned)Succ}); L != Loops.end())
          std::erase_if(X.Facts, [&](const FactValue &Fv) {
            return Fv.Memory && L->second.count(Fv.Origin);
          });
        if (B.Succs.size() == 2 && B.Cond.K != Condition::None &&
            !edgeFilter(X, B.Cond, I == 0, Id))
          continue;
        if (!B.CaseConds.empty() && !caseFilter(X, B, I, Id))
          continue;
        std::string Sig = X.signature();
        Changed |= joinInto(In[Succ], std::move(X), std::move(Sig),
                            MaxStatesPerBlock, Overflow);
      }
      if (Changed)
        Work.insert(Succ);
    }
  }
  if (Overflow)
    Obs.Incomplete |= StatesPerBlock;
  // The exit block may have been processed several times: keep the states
  // of its final entry set.
  ExitStates = In[F.Exit].States;
  finish(ExitStates);
}

} // namespace lockwise::dataflow
