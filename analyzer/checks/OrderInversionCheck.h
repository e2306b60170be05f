//===- OrderInversionCheck.h - The 'order-inversion' check -------------------------------===//
#ifndef LOCKWISE_CHECKS_ORDERINVERSIONCHECK_H
#define LOCKWISE_CHECKS_ORDERINVERSIONCHECK_H

#include "checks/Checker.h"

namespace lockwise {

class OrderInversionCheck : public Checker {
public:
  const char *id() const override { return "order-inversion"; }
  const char *summary() const override;
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;
};

} // namespace lockwise

#endif
