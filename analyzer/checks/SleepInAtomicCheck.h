//===- SleepInAtomicCheck.h - The 'sleep-in-atomic' check -------------------------------===//
#ifndef LOCKWISE_CHECKS_SLEEPINATOMICCHECK_H
#define LOCKWISE_CHECKS_SLEEPINATOMICCHECK_H

#include "checks/Checker.h"

namespace lockwise {

class SleepInAtomicCheck : public Checker {
public:
  const char *id() const override { return "sleep-in-atomic"; }
  const char *summary() const override;
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;
};

} // namespace lockwise

#endif
