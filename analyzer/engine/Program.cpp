//===- Program.cpp --------------------------------------------------------===//
#include "engine/Program.h"
#include "engine/Scc.h"

#include "llvm/Support/Path.h"

#include <algorithm>
#include <functional>

namespace lockwise {

bool preferCopy(const FunctionFacts &A, const std::string &ATU,
                const FunctionFacts &B, const std::string &BTU) {
  if (A.InMainFile != B.InMainFile)
    return A.InMainFile;
  return ATU < BTU;
}

namespace {
/// A dropped copy: no key, no blocks.
void drop(FunctionFacts &F) {
  F = FunctionFacts();
}
} // namespace

void FunctionDeduplicator::add(size_t Index) {
  std::lock_guard<std::mutex> G(Lock);
  TUFacts &TU = TUs[Index];
  for (size_t I = 0; I < TU.Functions.size(); ++I) {
    FunctionFacts &F = TU.Functions[I];
    auto [It, Inserted] = ByKey.try_emplace(F.Key, Kept{Index, I});
    if (Inserted)
      continue;
    Kept &Old = It->second;
    FunctionFacts &OldF = TUs[Old.TU].Functions[Old.Function];
    if (preferCopy(F, TU.File, OldF, TUs[Old.TU].File)) {
      drop(OldF);
      Old = Kept{Index, I};
    } else {
      drop(F);
    }
  }
}

void FunctionDeduplicator::compact() {
  for (TUFacts &TU : TUs)
    std::erase_if(TU.Functions,
                  [](const FunctionFacts &F) { return F.Key.empty(); });
}

Program::Program(std::vector<TUFacts> InTUs) : TUs(std::move(InTUs)) {
  std::sort(TUs.begin(), TUs.end(),
            [](const TUFacts &A, const TUFacts &B) { return A.File < B.File; });
  // Facts from shards or older caches may still hold several copies.
  std::map<std::string, const std::string *> KeptFrom; // key -> TU file
  for (TUFacts &TU : TUs) {
    for (FunctionFacts &F : TU.Functions) {
      auto [It, Inserted] = ByKey.emplace(F.Key, &F);
      const std::string *&From = KeptFrom[F.Key];
      if (Inserted || preferCopy(F, TU.File, *It->second, *From)) {
        It->second = &F;
        From = &TU.File;
      }
      for (const Block &B : F.Blocks)
        for (const Event &E : B.Events)
          if (E.Lock.K == LockRef::Global && E.Lock.StaticGlobal)
            StaticGlobalFiles[E.Lock.Root].insert(E.Lock.File);
    }
  }
  for (auto &[Key, F] : ByKey)
    Ordered.push_back(F);
  resolveFunctionPointers();
  Flags.build(TUs, Ordered, FptrTargets);
  buildCallGraph();
}

const FunctionFacts *Program::function(const std::string &Key) const {
  auto It = ByKey.find(Key);
  return It == ByKey.end() ? nullptr : It->second;
}

void Program::releaseBody(const std::string &Key) {
  if (auto It = ByKey.find(Key); It != ByKey.end())
    std::vector<Block>().swap(It->second->Blocks);
}

std::string Program::className(const LockRef &R) const {
  std::string Root;
  switch (R.K) {
  case LockRef::Global: {
    Root = R.Root;
    if (R.StaticGlobal) {
      auto It = StaticGlobalFiles.find(R.Root);
      if (It != StaticGlobalFiles.end() && It->second.size() > 1)
        Root += "@" + llvm::sys::path::filename(R.File).str();
    }
    break;
  }
  case LockRef::Type:
    Root = R.Root;
    break;
  default:
    return "";
  }
  if (R.Path.empty())
    return Root;
  return R.Path.str()[0] == '[' ? Root + R.Path : Root + "." + R.Path;
}

void Program::resolveFunctionPointers() {
  // Keys form an inclusion graph ("x.cb" receives f; "g#2" flows into
  // "x.cb"); propagate to a fixpoint.
  std::map<std::string, std::set<std::string>> Into; // from -> {to}
  for (const TUFacts &TU : TUs)
    for (const FptrFlow &F : TU.Fptrs) {
      if (!F.Function.empty())
        FptrTargets[F.Key].insert(F.Function);
      else if (!F.FromKey.empty())
        Into[F.FromKey].insert(F.Key);
    }
  bool Changed = true;
  for (int Round = 0; Changed && Round < 32; ++Round) {
    Changed = false;
    for (auto &[From, Tos] : Into) {
      auto Src = FptrTargets.find(From);
      if (Src == FptrTargets.end())
        continue;
      std::set<std::string> Copy = Src->second;
      for (const std::string &To : Tos)
        for (const std::string &Fn : Copy)
          Changed |= FptrTargets[To].insert(Fn).second;
    }
  }
}

std::vector<std::string> Program::callTargets(const Event &Call) const {
  if (!Call.Callee.empty())
    return {Call.Callee};
  return pointerTargets(Call.FptrKey.str());
}

std::vector<std::string> Program::pointerTargets(const std::string &FptrKey) const {
  std::vector<std::string> Out;
  auto It = FptrTargets.find(FptrKey);
  if (It == FptrTargets.end())
    return Out;
  for (const std::string &T : It->second)
    if (ByKey.count(T))
      Out.push_back(T);
  return Out;
}

void Program::buildCallGraph() {
  for (const FunctionFacts *F : Ordered) {
    std::set<std::string> Seen;
    for (const Block &B : F->Blocks)
      for (const Event &E : B.Events) {
        if (E.Kind != EventKind::Call)
          continue;
        for (const std::string &T : callTargets(E))
          if (ByKey.count(T) && Seen.insert(T).second) {
            Callees[F->Key].push_back(T);
            if (T != F->Key)
              Callers.insert(T);
          }
      }
  }
  std::vector<std::string> Roots;
  for (const FunctionFacts *F : Ordered)
    Roots.push_back(F->Key);
  Sccs = stronglyConnectedComponents(Roots, [&](const std::string &N) {
    auto It = Callees.find(N);
    return It == Callees.end()
               ? std::vector<std::string>()
               : std::vector<std::string>(It->second.begin(), It->second.end());
  });
}

} // namespace lockwise
