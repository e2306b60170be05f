//===- OrderCycleCheck.h - The 'order-cycle' check -------------------------------===//
#ifndef LOCKWISE_CHECKS_ORDERCYCLECHECK_H
#define LOCKWISE_CHECKS_ORDERCYCLECHECK_H

#include "checks/Checker.h"

namespace lockwise {

class OrderCycleCheck : public Checker {
public:
  const char *id() const override { return "order-cycle"; }
  const char *summary() const override;
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;

private:
  /// The finding for one reported cycle, located at its closing edge.
  Finding cycleFinding(const CheckContext &Ctx, const LockGraph::CycleReport &R,
                       const LockEdge &Closing) const;
};

} // namespace lockwise

#endif
