//===- HeldAcrossCheck.cpp - A call a rule forbids under a lock -----------===//
#include "checks/HeldAcrossCheck.h"

namespace lockwise {

const char *HeldAcrossCheck::summary() const {
  return "A call that a forbidden_while_held rule names is made, directly or "
         "through callees, while the rule's lock is held.";
}

void HeldAcrossCheck::run(const CheckContext &Ctx, FindingHandler &Out) const {
  for (const HeldAcrossObs &H : Ctx.Result.HeldAcross) {
    Finding F = newFinding(id());
    F.Message = "'" + H.Callee + "' is called while '" + H.Lock + "' is held in " +
                H.Function + (H.Why.empty() ? "" : ": " + H.Why);
    setLocation(F, H.Loc);
    F.Function = H.Function;
    F.Locks = {H.Lock};
    F.Trace = toTrace(H.Held);
    for (const TraceStep &T : toTrace(H.Call))
      F.Trace.push_back(T);
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
