//===- UnguardedAccessCheck.h - The 'unguarded-access' check --------------===//
//
// A field a guarded rule puts under a lock, read or written where nobody
// up the chain holds it (LockRequirements, shared with missing-lock); and a
// field no rule names whose guard the code's own accesses show, written
// without it or read without it where the function relies on it
// (FieldDiscipline).
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_CHECKS_UNGUARDEDACCESSCHECK_H
#define LOCKWISE_CHECKS_UNGUARDEDACCESSCHECK_H

#include "checks/Checker.h"
#include "checks/FieldDiscipline.h"
#include "checks/LockRequirements.h"

namespace lockwise {

class UnguardedAccessCheck : public Checker {
public:
  UnguardedAccessCheck(std::shared_ptr<LockRequirements> Needs,
                       std::shared_ptr<FieldDiscipline> Discipline)
      : Needs(std::move(Needs)), Discipline(std::move(Discipline)) {}
  const char *id() const override { return "unguarded-access"; }
  const char *summary() const override;
  std::vector<DataflowCheck *> dataflows() override {
    return {Needs.get(), Discipline.get()};
  }
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;

private:
  void reportDeviant(const DeviantAccess &D, bool FromBaseline,
                     FindingHandler &Out) const;

  std::shared_ptr<LockRequirements> Needs;
  std::shared_ptr<FieldDiscipline> Discipline;
};

} // namespace lockwise

#endif
