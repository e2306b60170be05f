//===- RuleIndex.cpp - The rules the engine reads, indexed ----------------===//
#include "engine/RuleIndex.h"
#include "engine/Limits.h"

namespace lockwise::dataflow {

namespace {
/// A rule the engine cannot use: "FILE:LINE:COL: error: MESSAGE".
llvm::Error ruleError(const rules::SourcePos &Pos, const std::string &Message) {
  rules::Diagnostic D{rules::Diagnostic::Error, Pos, Message};
  return llvm::createStringError(std::errc::invalid_argument, "%s",
                                 D.str().c_str());
}
} // namespace

llvm::Expected<llvm::GlobPattern> ruleGlob(const std::string &Glob,
                                           const rules::SourcePos &Pos,
                                           const std::string &RuleKey) {
  auto Pattern = llvm::GlobPattern::create(Glob);
  if (Pattern)
    return std::move(*Pattern);
  return ruleError(Pos, RuleKey + ": invalid glob '" + Glob + "': " +
                            llvm::toString(Pattern.takeError()));
}

llvm::Expected<RuleIndex> indexRules(const Program &P, const rules::RuleSet &Rules) {
  RuleIndex I;
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
  for (const std::string &L : Rules.RecursiveLocks)
    I.RecursiveLocks.insert(Rules.canonical(L));
  for (const rules::Primitive &Prim : Rules.Primitives)
    if (Prim.Reference)
      I.References.insert(Symbol(Rules.canonical(Prim.Class)));
  I.CrashPaths.insert(Rules.CrashPaths.begin(), Rules.CrashPaths.end());
  for (const rules::ClassByHolder &C : Rules.ClassesByHolder)
    I.HolderTypes.push_back(C.Type);
  for (const rules::ExclusiveContexts &G : Rules.Exclusive) {
    ContextMask Group = 0;
    for (const rules::ExclusiveContexts::Context &C : G.Contexts) {
      if (I.ContextFiles.size() >= MaxExclusiveContexts)
        return ruleError(G.Pos, "exclusive_contexts: more than " +
                                    std::to_string(MaxExclusiveContexts) +
                                    " contexts in all");
      std::vector<llvm::GlobPattern> Files;
      for (const std::string &Glob : C.Files) {
        auto Pattern = ruleGlob(Glob, G.Pos, "exclusive_contexts");
        if (!Pattern)
          return Pattern.takeError();
        Files.push_back(std::move(*Pattern));
      }
      Group |= ContextMask(1) << I.ContextFiles.size();
      I.ContextFiles.push_back(std::move(Files));
      I.ContextFunctions.emplace_back(C.Functions.begin(), C.Functions.end());
    }
    I.GroupMasks.push_back(Group);
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
