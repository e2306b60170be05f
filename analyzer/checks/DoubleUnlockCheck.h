//===- DoubleUnlockCheck.h - The 'double-unlock' check -------------------------------===//
#ifndef LOCKWISE_CHECKS_DOUBLEUNLOCKCHECK_H
#define LOCKWISE_CHECKS_DOUBLEUNLOCKCHECK_H

#include "checks/Checker.h"

namespace lockwise {

class DoubleUnlockCheck : public Checker {
public:
  const char *id() const override { return "double-unlock"; }
  const char *summary() const override;
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;
};

} // namespace lockwise

#endif
