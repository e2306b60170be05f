//===- LostWakeupCheck.h - The 'lost-wakeup' check -------------------------------===//
#ifndef LOCKWISE_CHECKS_LOSTWAKEUPCHECK_H
#define LOCKWISE_CHECKS_LOSTWAKEUPCHECK_H

#include "checks/Checker.h"

namespace lockwise {

class LostWakeupCheck : public Checker {
public:
  const char *id() const override { return "lost-wakeup"; }
  const char *summary() const override;
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;
};

} // namespace lockwise

#endif
