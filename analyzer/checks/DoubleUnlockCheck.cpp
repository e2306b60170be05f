//===- DoubleUnlockCheck.cpp - A lock released twice on one path ----------===//
#include "checks/DoubleUnlockCheck.h"

namespace lockwise {

const char *DoubleUnlockCheck::summary() const {
  return "A lock is released again on a path where it was already released "
         "and not re-acquired (an error label falling through into another).";
}

void DoubleUnlockCheck::run(const CheckContext &Ctx, FindingHandler &Out) const {
  for (const DoubleUnlockObs &D : Ctx.Result.DoubleUnlocks) {
    Finding F = newFinding(id());
    F.Message = "double unlock of '" + D.Lock + "' in " + D.Function;
    setLocation(F, D.Loc);
    F.Function = D.Function;
    F.Locks = {D.Lock};
    F.Trace = toTrace(D.FirstRelease);
    // The second release's own chain matters when it went through callees.
    if (D.Second.size() > 1)
      for (const TraceStep &S : toTrace(D.Second))
        F.Trace.push_back(S);
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
