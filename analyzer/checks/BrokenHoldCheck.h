//===- BrokenHoldCheck.h - The 'broken-hold' check -------------------------------===//
#ifndef LOCKWISE_CHECKS_BROKENHOLDCHECK_H
#define LOCKWISE_CHECKS_BROKENHOLDCHECK_H

#include "checks/Checker.h"

namespace lockwise {

class BrokenHoldCheck : public Checker {
public:
  const char *id() const override { return "broken-hold"; }
  const char *summary() const override;
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;
};

} // namespace lockwise

#endif
