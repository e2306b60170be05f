//===- DoubleLockCheck.h - The 'double-lock' check -------------------------------===//
#ifndef LOCKWISE_CHECKS_DOUBLELOCKCHECK_H
#define LOCKWISE_CHECKS_DOUBLELOCKCHECK_H

#include "checks/Checker.h"

namespace lockwise {

class DoubleLockCheck : public Checker {
public:
  const char *id() const override { return "double-lock"; }
  const char *summary() const override;
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;
};

} // namespace lockwise

#endif
