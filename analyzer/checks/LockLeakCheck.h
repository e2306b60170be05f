//===- LockLeakCheck.h - The 'lock-leak' check -------------------------------===//
#ifndef LOCKWISE_CHECKS_LOCKLEAKCHECK_H
#define LOCKWISE_CHECKS_LOCKLEAKCHECK_H

#include "checks/Checker.h"

namespace lockwise {

class LockLeakCheck : public Checker {
public:
  const char *id() const override { return "lock-leak"; }
  const char *summary() const override;
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;
};

} // namespace lockwise

#endif
