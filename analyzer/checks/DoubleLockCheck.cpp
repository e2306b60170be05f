//===- DoubleLockCheck.cpp - A non-recursive lock acquired while held -----===//
#include "checks/DoubleLockCheck.h"

namespace lockwise {

const char *DoubleLockCheck::summary() const {
  return "A non-recursive lock is acquired again (directly or through a "
         "callee) while it is already held on the same path.";
}

void DoubleLockCheck::run(const CheckContext &Ctx, FindingHandler &Out) const {
  for (const DoubleLockObs &D : Ctx.Result.DoubleLocks) {
    Finding F = newFinding(id());
    F.Message = "double lock of '" + D.Lock + "' in " + D.Function;
    setLocation(F, D.Loc);
    F.Function = D.Function;
    F.Locks = {D.Lock};
    F.Trace = toTrace(D.First);
    for (const TraceStep &S : toTrace(D.Second))
      F.Trace.push_back(S);
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
