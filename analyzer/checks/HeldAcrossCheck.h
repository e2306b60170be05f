//===- HeldAcrossCheck.h - The 'held-across' check -------------------------------===//
#ifndef LOCKWISE_CHECKS_HELDACROSSCHECK_H
#define LOCKWISE_CHECKS_HELDACROSSCHECK_H

#include "checks/Checker.h"

namespace lockwise {

class HeldAcrossCheck : public Checker {
public:
  const char *id() const override { return "held-across"; }
  const char *summary() const override;
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;
};

} // namespace lockwise

#endif
