//===- MissingLockCheck.cpp - A callee's required lock not held -----------===//
#include "checks/MissingLockCheck.h"
#include "checks/CheckRegistry.h"

namespace lockwise {

static CheckRegistration Registration([](SharedAnalyses &Shared) {
  return std::make_unique<MissingLockCheck>(Shared.get<LockRequirements>());
});

const char *MissingLockCheck::summary() const {
  return "A function that requires a lock (declared in rules, or asserted in "
         "its body: ASSERT(x_locked_by_me()), lockdep_assert_held(), "
         "BUG_ON(!spin_is_locked())) is called on a path where the lock is "
         "not held, by the caller or anyone above it.";
}

void MissingLockCheck::run(const CheckContext &, FindingHandler &Out) const {
  for (const NeedObs &N : Needs->found()) {
    if (N.K == NeedObs::GuardedAccess)
      continue;
    Finding F = newFinding(id());
    F.Message = "'" + N.Lock + "' is not held when calling " + N.Subject +
                (N.K == NeedObs::Asserted ? ", which asserts it"
                                          : ", which requires it");
    setLocation(F, N.Loc);
    F.Function = N.Function;
    F.Locks = {N.Lock};
    F.Trace = toTrace(N.Path);
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
