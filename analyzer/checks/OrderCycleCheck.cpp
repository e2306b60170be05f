//===- OrderCycleCheck.cpp - A cycle in the observed lock-order graph -----===//
//
// Reported like lockdep's "possible circular locking dependency": the
// acquisition that closes the cycle, the lock already held, and the existing
// dependency chain with a call chain per edge.
//
//===----------------------------------------------------------------------===//
#include "checks/OrderCycleCheck.h"
#include "checks/CheckRegistry.h"

namespace lockwise {

static RegisterCheck<OrderCycleCheck> Registration;

const char *OrderCycleCheck::summary() const {
  return "Locks are acquired in a cyclic order somewhere in the program: two "
         "threads following different edges of the cycle can deadlock.";
}

void OrderCycleCheck::run(const CheckContext &Ctx, FindingHandler &Out) const {
  for (const LockGraph::CycleReport &R : Ctx.Graph.reportedCycles()) {
    const std::vector<std::string> &Cycle = R.Cycle;
    size_t N = Cycle.size();
    // The closing edge: from the last lock back to the first.
    const LockEdge *Closing = Ctx.Graph.edge(Cycle[N - 1], Cycle[0]);
    if (!Closing || Closing->Witness.empty())
      continue;
    const WitnessStep &At = Closing->Witness.back();
    std::string Chain;
    for (const std::string &L : Cycle)
      Chain += "'" + L + "' -> ";
    Chain += "'" + Cycle[0] + "'";
    Finding F = newFinding(id());
    F.Message = "possible circular locking dependency: acquiring '" + Cycle[0] +
                "' while holding '" + Cycle[N - 1] + "' closes the cycle " + Chain;
    if (R.ComponentLocks > N)
      F.Message += " (one of the cycles among " +
                   std::to_string(R.ComponentLocks) + " locks and " +
                   std::to_string(R.ComponentEdges) +
                   " order edges with no consistent order; `lockwise graph "
                   "--around '" + Cycle[0] + "'` shows them)";
    setLocation(F, At.Loc);
    F.Function = At.Function;
    F.Locks = Cycle;
    // The existing dependency chain, one edge at a time, then the closing
    // edge itself.
    for (size_t I = 0; I < N; ++I) {
      const LockEdge *E = Ctx.Graph.edge(Cycle[I], Cycle[(I + 1) % N]);
      if (!E)
        continue;
      for (const TraceStep &S : toTrace(E->Witness))
        F.Trace.push_back(S);
    }
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
