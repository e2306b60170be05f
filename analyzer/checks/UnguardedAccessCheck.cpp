//===- UnguardedAccessCheck.cpp - A guarded field touched without its lock ===//
#include "checks/UnguardedAccessCheck.h"
#include "checks/CheckRegistry.h"

namespace lockwise {

static CheckRegistration Registration([](SharedAnalyses &Shared) {
  return std::make_unique<UnguardedAccessCheck>(Shared.get<LockRequirements>());
});

const char *UnguardedAccessCheck::summary() const {
  return "A field a guarded rule puts under a lock is read or written on a "
         "path where neither the function nor any of its callers up the "
         "chain holds that lock.";
}

void UnguardedAccessCheck::run(const CheckContext &, FindingHandler &Out) const {
  for (const NeedObs &N : Needs->found()) {
    if (N.K != NeedObs::GuardedAccess)
      continue;
    Finding F = newFinding(id());
    F.Message = std::string(N.IsWrite ? "write to" : "read of") + " '" +
                N.Subject + "' without holding '" + N.Lock + "'";
    setLocation(F, N.Loc);
    F.Function = N.Function;
    F.Locks = {N.Lock};
    F.Trace = toTrace(N.Path);
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
