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

namespace {

std::string cycleText(const std::vector<std::string> &Cycle) {
  std::string Chain;
  for (const std::string &L : Cycle)
    Chain += "'" + L + "' -> ";
  return Chain + "'" + Cycle[0] + "'";
}

} // namespace

/// One finding per closing acquisition: cycles that the same edge closes
/// (A -> X -> B -> A and A -> Y -> B -> A, both closed by taking A under B)
/// are one root cause, reported once with the others named.
void OrderCycleCheck::run(const CheckContext &Ctx, FindingHandler &Out) const {
  std::map<std::pair<std::string, std::string>, size_t> ByClosingEdge;
  std::vector<Finding> Found;
  std::vector<std::vector<std::string>> AlsoCloses;
  for (const LockGraph::CycleReport &R : Ctx.Graph.reportedCycles()) {
    const std::vector<std::string> &Cycle = R.Cycle;
    size_t N = Cycle.size();
    // The closing edge: from the last lock back to the first.
    const LockEdge *Closing = Ctx.Graph.edge(Cycle[N - 1], Cycle[0]);
    if (!Closing || Closing->Witness.empty())
      continue;
    auto [It, New] = ByClosingEdge.try_emplace({Cycle[N - 1], Cycle[0]}, Found.size());
    if (!New) {
      AlsoCloses[It->second].push_back(cycleText(Cycle));
      continue;
    }
    Found.push_back(cycleFinding(Ctx, R, *Closing));
    AlsoCloses.emplace_back();
  }
  for (size_t I = 0; I < Found.size(); ++I) {
    if (!AlsoCloses[I].empty()) {
      Found[I].Message += "; the same acquisition closes " +
                          std::to_string(AlsoCloses[I].size()) + " more cycle" +
                          (AlsoCloses[I].size() > 1 ? "s" : "") + ": ";
      for (size_t J = 0; J < AlsoCloses[I].size(); ++J)
        Found[I].Message += (J ? ", " : "") + AlsoCloses[I][J];
    }
    Out.handle(std::move(Found[I]));
  }
}

Finding OrderCycleCheck::cycleFinding(const CheckContext &Ctx,
                                      const LockGraph::CycleReport &R,
                                      const LockEdge &Closing) const {
  const std::vector<std::string> &Cycle = R.Cycle;
  size_t N = Cycle.size();
  const WitnessStep &At = Closing.Witness.back();
  Finding F = newFinding(id());
  F.Message = "possible circular locking dependency: acquiring '" + Cycle[0] +
              "' while holding '" + Cycle[N - 1] + "' closes the cycle " +
              cycleText(Cycle);
  if (R.ComponentLocks > N)
    F.Message += " (one of the cycles among " +
                 std::to_string(R.ComponentLocks) + " locks and " +
                 std::to_string(R.ComponentEdges) +
                 " order edges with no consistent order; `lockwise graph "
                 "--around '" + Cycle[0] + "'` shows them)";
  if (R.Truncated)
    F.Message += " (only the first " +
                 std::to_string(LockGraph::MaxReportedCyclesPerComponent) +
                 " chordless cycles of at most " +
                 std::to_string(LockGraph::MaxReportedCycleLength) +
                 " locks of this component are reported)";
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
  return F;
}

} // namespace lockwise
