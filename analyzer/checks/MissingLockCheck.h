//===- MissingLockCheck.h - The 'missing-lock' check -------------------------------===//
#ifndef LOCKWISE_CHECKS_MISSINGLOCKCHECK_H
#define LOCKWISE_CHECKS_MISSINGLOCKCHECK_H

#include "checks/Checker.h"

namespace lockwise {

class MissingLockCheck : public Checker {
public:
  const char *id() const override { return "missing-lock"; }
  const char *summary() const override;
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;
};

} // namespace lockwise

#endif
