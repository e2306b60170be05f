//===- SleepInAtomicCheck.cpp - Sleeping while a spinning lock is held ----===//
#include "checks/SleepInAtomicCheck.h"

namespace lockwise {

const char *SleepInAtomicCheck::summary() const {
  return "An operation that may sleep (a mutex, a wait, an allocation that "
         "may reclaim, a xenbus request...) is reached, directly or through "
         "callees, while a spinlock or rwlock is held.";
}

void SleepInAtomicCheck::run(const CheckContext &Ctx, FindingHandler &Out) const {
  for (const SleepObs &S : Ctx.Result.Sleeps) {
    Finding F = newFinding(id());
    F.Message = "'" + S.What + "' may sleep while spinning lock '" + S.Lock +
                "' is held in " + S.Function;
    setLocation(F, S.Loc);
    F.Function = S.Function;
    F.Locks = {S.Lock};
    F.Trace = toTrace(S.Held);
    for (const TraceStep &T : toTrace(S.Sleep))
      F.Trace.push_back(T);
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
