//===- Review.cpp ---------------------------------------------------------===//
#include "tool/Review.h"
#include "frontend/Frontend.h"
#include "tool/PatchApply.h"

#include "llvm/ADT/StringSet.h"

#include <chrono>
#include <set>

namespace lockwise {

llvm::Expected<ReviewResult> reviewPatch(DriverInputs &In, const std::string &Root,
                                         llvm::StringRef PatchText,
                                         std::vector<std::string> &Warnings) {
  auto Start = std::chrono::steady_clock::now();
  auto Context = parsePatch(PatchText);
  if (!Context)
    return llvm::createStringError(std::errc::invalid_argument,
                                   "malformed patch: %s",
                                   llvm::toString(Context.takeError()).c_str());
  auto Patched = applyHunks(Context->Hunks, Root);
  if (!Patched)
    return Patched.takeError();
  auto Rules = loadRules(In.RuleFiles, Warnings);
  if (!Rules)
    return Rules.takeError();
  auto Commands = selectCommands(In);
  if (!Commands)
    return Commands.takeError();

  // Before: every TU as it is (mostly from the facts cache).
  unsigned Hits = 0;
  In.KeepInputs = true;
  std::vector<TUFacts> Before = extractAll(*Commands, *Rules, In, Hits);

  // After: the TUs that read a patched file, re-parsed over the patch.
  std::vector<TUFacts> After = Before;
  ReviewResult Out;
  for (size_t I = 0; I < Before.size(); ++I) {
    bool Touched = Patched->count(Before[I].File) != 0;
    for (const auto &[Path, Hash] : Before[I].Inputs)
      Touched |= Patched->count(Path) != 0;
    if (!Touched)
      continue;
    After[I] = extractTU((*Commands)[I], *Rules, &*Patched);
    ++Out.Reparsed;
  }

  auto Old = analyseFacts(std::move(Before), *Rules);
  if (!Old)
    return Old.takeError();
  auto New = analyseFacts(std::move(After), *Rules);
  if (!New)
    return New.takeError();
  // Both judged by what the checks learn from the tree before the patch.
  std::set<std::string> Known;
  for (Finding &F : findingsOf(*Old, &*Old))
    Known.insert(computeFingerprint(F));
  for (Finding &F : findingsOf(*New, &*Old)) {
    F.Fingerprint = computeFingerprint(F);
    if (!Known.count(F.Fingerprint))
      Out.New.push_back(std::move(F));
  }
  Out.Context = std::move(*Context);
  Out.Stats = New->Stats;
  Out.TUErrors = New->TUErrors;
  Out.Stats.Seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
  return Out;
}

} // namespace lockwise
