//===- RuleIndex.cpp - Rules indexed once per program -----------------------===//
#include "engine/RuleIndex.h"
#include "engine/Limits.h"

#include <cctype>

namespace lockwise::dataflow {

int conditionDirection(const std::string &Cond, const std::string &Var) {
  std::string T;
  for (char C : Cond)
    if (C != ' ' && C != '\t' && C != '\n')
      T += C;
  auto Has = [&](const std::string &S) { return T.find(S) != std::string::npos; };
  auto IsIdent = [](char C) { return std::isalnum((unsigned char)C) || C == '_'; };
  if (Has("!list_empty(&" + Var + ")") || Has("!list_empty(&(" + Var + "))"))
    return 1;
  if (Has("list_empty(&" + Var + ")"))
    return -1;
  if (Has(Var + "==0") || Has(Var + "==NULL"))
    return -1;
  if (Has(Var + "!=0") || Has(Var + ">0"))
    return 1;
  // The variable standing alone (or negated) as a truth value.
  for (size_t At = T.find(Var); At != std::string::npos;
       At = T.find(Var, At + 1)) {
    size_t End = At + Var.size();
    if ((At > 0 && IsIdent(T[At - 1])) || (End < T.size() && IsIdent(T[End])))
      continue;
    char Before = At > 0 ? T[At - 1] : '(';
    char After = End < T.size() ? T[End] : ')';
    bool Alone = (After == ')' || After == '|' || After == '&') &&
                 (Before == '(' || Before == '|' || Before == '&' || Before == '!');
    if (!Alone)
      continue;
    return Before == '!' ? -1 : 1;
  }
  return 0;
}

RuleIndex indexRules(const Program &P, const rules::RuleSet &Rules) {
  RuleIndex I;
  for (const rules::SleepingRule &S : Rules.Sleeping)
    I.Sleeping[S.Function] = S.GfpArg;
  for (const rules::ForbiddenWhileHeldRule &F : Rules.ForbiddenWhileHeld) {
    RuleIndex::Forbidden Out{Rules.canonical(F.Lock), F.Why, {}};
    for (const std::string &G : F.Calls)
      if (auto Pattern = llvm::GlobPattern::create(G))
        Out.Calls.push_back(std::move(*Pattern));
      else
        llvm::consumeError(Pattern.takeError());
    I.ForbiddenWhileHeld.push_back(std::move(Out));
  }
  for (const rules::RequiresRule &R : Rules.Requires)
    for (const std::string &L : R.Held)
      I.Requires[R.Function].push_back(Rules.canonical(L));
  for (const rules::EnteredHoldingRule &R : Rules.EnteredHolding)
    for (const std::string &Field : R.Callbacks)
      for (const std::string &Fn : P.pointerTargets(Field))
        for (const std::string &L : R.Held) {
          auto &Entry = I.EnteredHolding[Fn];
          std::pair<std::string, std::string> H{Rules.canonical(L), Field};
          if (std::none_of(Entry.begin(), Entry.end(),
                           [&](const auto &E) { return E.first == H.first; }))
            Entry.push_back(std::move(H));
        }
  for (unsigned G = 0; G < Rules.DistinctResults.size(); ++G)
    for (const std::string &Fn : Rules.DistinctResults[G].Functions)
      I.DistinctGroups[Fn].push_back(G);
  for (const rules::HeldContinuouslyRule &H : Rules.HeldContinuously)
    I.Continuously.push_back({Rules.canonical(H.Lock), H.From, H.To, H.Why});
  for (const rules::GuardedRule &G : Rules.Guarded)
    I.Guarded[G.Field] = Rules.canonical(G.By);
  for (const std::string &L : Rules.RecursiveLocks)
    I.RecursiveLocks.insert(Rules.canonical(L));
  I.CrashPaths.insert(Rules.CrashPaths.begin(), Rules.CrashPaths.end());
  I.Unshared.insert(Rules.Unshared.begin(), Rules.Unshared.end());
  for (const rules::ClassByHolder &C : Rules.ClassesByHolder)
    I.HolderTypes.push_back(C.Type);
  for (const rules::ExclusiveContexts &G : Rules.Exclusive) {
    ContextMask Group = 0;
    for (const rules::ExclusiveContexts::Context &C : G.Contexts) {
      if (I.ContextFiles.size() >= MaxExclusiveContexts)
        break;
      std::vector<llvm::GlobPattern> Files;
      for (const std::string &Glob : C.Files)
        if (auto Pattern = llvm::GlobPattern::create(Glob))
          Files.push_back(std::move(*Pattern));
        else
          llvm::consumeError(Pattern.takeError());
      Group |= ContextMask(1) << I.ContextFiles.size();
      I.ContextFiles.push_back(std::move(Files));
      I.ContextFunctions.emplace_back(C.Functions.begin(), C.Functions.end());
    }
    I.GroupMasks.push_back(Group);
  }
  // Every wait_event() condition in the program, by the globals it reads.
  for (const FunctionFacts *F : P.functions())
    for (const Block &B : F->Blocks)
      for (const Event &E : B.Events) {
        if (E.Kind != EventKind::Wait || E.CondVars.empty())
          continue;
        std::string Queue = P.className(E.Lock);
        if (Queue.empty())
          continue;
        for (const std::string &V : E.CondVars) {
          auto &Waits = I.WaitsByVar["@" + V];
          bool Seen = false;
          for (const RuleIndex::Wait &W : Waits)
            Seen |= W.Queue == Queue;
          if (!Seen)
            Waits.push_back({Queue, E.CondText, E.Loc,
                             conditionDirection(E.CondText, V)});
        }
      }
  return I;
}

std::map<std::string, ContextMask> impliedContexts(const Program &P,
                                                   const RuleIndex &Rules) {
  std::map<std::string, ContextMask> Out;
  if (Rules.GroupMasks.empty())
    return Out;
  std::map<std::string, std::vector<Symbol>> Callers;
  std::map<std::string, ContextMask> OwnContexts; // file globs matched once
  for (const FunctionFacts *F : P.functions()) {
    ContextMask Own = OwnContexts[F->Key] = Rules.contextsOf(*F);
    Out[F->Key] = P.hasCallers(F->Key) ? ~ContextMask(0) : Own;
    for (const std::string &C : P.callees(F->Key))
      if (C != F->Key.str())
        Callers[C].push_back(F->Key);
  }
  // Decreasing from "every context" for called functions; recursion
  // settles in a few rounds.
  const auto &Sccs = P.sccsBottomUp();
  for (int Round = 0; Round < MaxContextRounds; ++Round) {
    bool Changed = false;
    for (auto It = Sccs.rbegin(); It != Sccs.rend(); ++It)
      for (const std::string &Key : *It) {
        auto C = Callers.find(Key);
        if (C == Callers.end())
          continue;
        ContextMask Meet = ~ContextMask(0);
        for (const std::string &Caller : C->second)
          Meet &= Out[Caller];
        ContextMask New = Meet | OwnContexts[Key];
        if (New != Out[Key]) {
          Out[Key] = New;
          Changed = true;
        }
      }
    if (!Changed)
      break;
  }
  return Out;
}

} // namespace lockwise::dataflow
