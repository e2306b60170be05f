//===- LockLeakCheck.cpp - Held on some return paths, released on others --===//
#include "checks/LockLeakCheck.h"

namespace lockwise {

const char *LockLeakCheck::summary() const {
  return "A lock acquired in a function is still held at one of its returns "
         "but released before another: an error path that forgot to unlock, "
         "or a lock deliberately held across calls.";
}

void LockLeakCheck::run(const CheckContext &Ctx, FindingHandler &Out) const {
  for (const LeakObs &L : Ctx.Result.Leaks) {
    Finding F = newFinding(id());
    F.Message = "'" + L.Lock + "' is still held when " + L.Function +
                " returns here, but is released on another path";
    setLocation(F, L.ReturnLoc);
    F.Function = L.Function;
    F.Locks = {L.Lock};
    F.Trace = toTrace(L.Acquired);
    F.Trace.push_back({L.ReleasedAt.File, L.ReleasedAt.Line, L.ReleasedAt.Column,
                       "'" + L.Lock + "' released here on another path"});
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
