//===- CheckRegistry.cpp - The registered checks --------------------------===//
#include "checks/CheckRegistry.h"

#include <algorithm>
#include <string>

namespace lockwise {

namespace {
/// Filled by static initialisers before main(); read only after.
std::vector<CheckFactory> &factories() {
  static std::vector<CheckFactory> All;
  return All;
}
} // namespace

CheckRegistration::CheckRegistration(CheckFactory Make) {
  factories().push_back(std::move(Make));
}

std::vector<std::unique_ptr<Checker>> createCheckers() {
  SharedAnalyses Shared;
  std::vector<std::unique_ptr<Checker>> All;
  for (const CheckFactory &Make : factories())
    All.push_back(Make(Shared));
  // Registration order is the link order; ID order is the contract.
  std::sort(All.begin(), All.end(), [](const auto &A, const auto &B) {
    return std::string(A->id()) < B->id();
  });
  return All;
}

std::vector<DataflowCheck *>
dataflowSubscribers(const std::vector<std::unique_ptr<Checker>> &Checks) {
  std::vector<DataflowCheck *> Out;
  for (const auto &C : Checks)
    for (DataflowCheck *D : C->dataflows())
      if (std::find(Out.begin(), Out.end(), D) == Out.end())
        Out.push_back(D);
  return Out;
}

const Checker *CheckContext::baselineOf(const char *Id) const {
  if (!Baseline)
    return nullptr;
  for (const auto &C : *Baseline)
    if (std::string_view(C->id()) == Id)
      return C.get();
  return nullptr;
}

std::vector<TraceStep> toTrace(const Chain &C) {
  std::vector<TraceStep> Out;
  for (const WitnessStep &S : C)
    Out.push_back({S.Loc.File, S.Loc.Line, S.Loc.Column, S.Message});
  return Out;
}

} // namespace lockwise
