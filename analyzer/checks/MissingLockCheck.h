//===- MissingLockCheck.h - The 'missing-lock' check ----------------------===//
//
// A function that asserts or is declared to need a lock, called where
// nobody up the chain holds it.  The dataflow part is LockRequirements,
// shared with unguarded-access.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_CHECKS_MISSINGLOCKCHECK_H
#define LOCKWISE_CHECKS_MISSINGLOCKCHECK_H

#include "checks/Checker.h"
#include "checks/LockRequirements.h"

namespace lockwise {

class MissingLockCheck : public Checker {
public:
  explicit MissingLockCheck(std::shared_ptr<LockRequirements> Needs)
      : Needs(std::move(Needs)) {}
  const char *id() const override { return "missing-lock"; }
  const char *summary() const override;
  std::vector<DataflowCheck *> dataflows() override { return {Needs.get()}; }
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;

private:
  std::shared_ptr<LockRequirements> Needs;
};

} // namespace lockwise

#endif
