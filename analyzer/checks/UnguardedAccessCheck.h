//===- UnguardedAccessCheck.h - The 'unguarded-access' check --------------===//
//
// A field a guarded rule puts under a lock, read or written where nobody
// up the chain holds it.  The dataflow part is LockRequirements, shared
// with missing-lock.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_CHECKS_UNGUARDEDACCESSCHECK_H
#define LOCKWISE_CHECKS_UNGUARDEDACCESSCHECK_H

#include "checks/Checker.h"
#include "checks/LockRequirements.h"

namespace lockwise {

class UnguardedAccessCheck : public Checker {
public:
  explicit UnguardedAccessCheck(std::shared_ptr<LockRequirements> Needs)
      : Needs(std::move(Needs)) {}
  const char *id() const override { return "unguarded-access"; }
  const char *summary() const override;
  DataflowCheck *dataflow() override { return Needs.get(); }
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;

private:
  std::shared_ptr<LockRequirements> Needs;
};

} // namespace lockwise

#endif
