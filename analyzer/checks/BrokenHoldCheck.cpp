//===- BrokenHoldCheck.cpp - A lock not held continuously between calls ---===//
#include "checks/BrokenHoldCheck.h"

namespace lockwise {

const char *BrokenHoldCheck::summary() const {
  return "A held_continuously rule: between a call of its 'from' function "
         "and a call of its 'to' function the lock must stay held, and on "
         "this path it was released (or never held) in between.";
}

void BrokenHoldCheck::run(const CheckContext &Ctx, FindingHandler &Out) const {
  for (const BrokenHoldObs &B : Ctx.Result.BrokenHolds) {
    Finding F = newFinding(id());
    F.Message = "'" + B.Lock + "' is not held continuously from " + B.From +
                " to " + B.To + " in " + B.Function +
                (B.Why.empty() ? "" : ": " + B.Why);
    setLocation(F, B.ToLoc);
    F.Function = B.Function;
    F.Locks = {B.Lock};
    F.Trace.push_back({B.FromLoc.File, B.FromLoc.Line, B.FromLoc.Column,
                       B.From + " called here"});
    if (!(B.ReleaseLoc == B.FromLoc))
      F.Trace.push_back({B.ReleaseLoc.File, B.ReleaseLoc.Line,
                         B.ReleaseLoc.Column, "'" + B.Lock + "' released here"});
    else
      F.Trace.push_back({B.FromLoc.File, B.FromLoc.Line, B.FromLoc.Column,
                         "'" + B.Lock + "' is not held here"});
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
