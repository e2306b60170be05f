//===- CheckRegistry.cpp - The table of checkers --------------------------===//
//
// An explicit table rather than static registration objects: nothing is lost
// when the checks are linked from a static library.  A new check is one
// line here and its own files.
//
//===----------------------------------------------------------------------===//
#include "checks/BrokenHoldCheck.h"
#include "checks/Checker.h"
#include "checks/DoubleLockCheck.h"
#include "checks/DoubleUnlockCheck.h"
#include "checks/HeldAcrossCheck.h"
#include "checks/LockLeakCheck.h"
#include "checks/LostWakeupCheck.h"
#include "checks/MissingLockCheck.h"
#include "checks/OrderCycleCheck.h"
#include "checks/OrderInversionCheck.h"
#include "checks/SleepInAtomicCheck.h"
#include "checks/UnguardedAccessCheck.h"

#include <algorithm>

namespace lockwise {

std::vector<std::unique_ptr<Checker>> createCheckers() {
  std::vector<std::unique_ptr<Checker>> All;
  All.push_back(std::make_unique<DoubleLockCheck>());
  All.push_back(std::make_unique<DoubleUnlockCheck>());
  All.push_back(std::make_unique<LockLeakCheck>());
  All.push_back(std::make_unique<OrderCycleCheck>());
  All.push_back(std::make_unique<OrderInversionCheck>());
  All.push_back(std::make_unique<BrokenHoldCheck>());
  All.push_back(std::make_unique<HeldAcrossCheck>());
  All.push_back(std::make_unique<LostWakeupCheck>());
  auto Needs = std::make_shared<LockRequirements>();
  All.push_back(std::make_unique<MissingLockCheck>(Needs));
  All.push_back(std::make_unique<UnguardedAccessCheck>(Needs));
  All.push_back(std::make_unique<SleepInAtomicCheck>());
  std::sort(All.begin(), All.end(), [](const auto &A, const auto &B) {
    return std::string(A->id()) < B->id();
  });
  return All;
}

std::vector<DataflowCheck *>
dataflowSubscribers(const std::vector<std::unique_ptr<Checker>> &Checks) {
  std::vector<DataflowCheck *> Out;
  for (const auto &C : Checks)
    if (DataflowCheck *D = C->dataflow();
        D && std::find(Out.begin(), Out.end(), D) == Out.end())
      Out.push_back(D);
  return Out;
}

std::vector<TraceStep> toTrace(const Chain &C) {
  std::vector<TraceStep> Out;
  for (const WitnessStep &S : C)
    Out.push_back({S.Loc.File, S.Loc.Line, S.Loc.Column, S.Message});
  return Out;
}

} // namespace lockwise
