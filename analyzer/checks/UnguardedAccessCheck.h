//===- UnguardedAccessCheck.h - The 'unguarded-access' check -------------------------------===//
#ifndef LOCKWISE_CHECKS_UNGUARDEDACCESSCHECK_H
#define LOCKWISE_CHECKS_UNGUARDEDACCESSCHECK_H

#include "checks/Checker.h"

namespace lockwise {

class UnguardedAccessCheck : public Checker {
public:
  const char *id() const override { return "unguarded-access"; }
  const char *summary() const override;
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;
};

} // namespace lockwise

#endif
