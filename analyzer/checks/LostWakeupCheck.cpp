//===- LostWakeupCheck.cpp - State a waiter tests, changed without a wake -===//
#include "checks/LostWakeupCheck.h"

namespace lockwise {

const char *LostWakeupCheck::summary() const {
  return "A variable that a wait_event() condition on a queue reads is "
         "written, and the path returns (to a function nobody calls) "
         "without waking that queue: a sleeper may never see the change.";
}

void LostWakeupCheck::run(const CheckContext &Ctx, FindingHandler &Out) const {
  for (const LostWakeupObs &L : Ctx.Result.LostWakeups) {
    std::string Var = L.Variable.size() > 1 && L.Variable[0] == '@'
                          ? L.Variable.substr(1)
                          : L.Variable;
    Finding F = newFinding(id());
    F.Message = "'" + Var + "' is changed without waking '" + L.Queue +
                "', whose waiters test '" + L.WaitCondition + "'";
    if (!L.SkippedWhen.empty()) {
      F.Message += "; the wake-up is skipped when ";
      for (size_t I = 0; I < L.SkippedWhen.size(); ++I)
        F.Message += (I ? " && " : "") + L.SkippedWhen[I];
    }
    setLocation(F, L.WriteLoc);
    F.Function = L.Function;
    F.Locks = {L.Queue};
    for (const TraceStep &T : toTrace(L.WritePath))
      F.Trace.push_back(T);
    F.Trace.push_back({L.WaitLoc.File, L.WaitLoc.Line, L.WaitLoc.Column,
                       "waiters of '" + L.Queue + "' sleep here until '" +
                           L.WaitCondition + "'"});
    F.Trace.push_back({L.ExitLoc.File, L.ExitLoc.Line, L.ExitLoc.Column,
                       L.Function + " returns here without waking '" + L.Queue + "'"});
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
