//===- UnguardedAccessCheck.cpp - A guarded field touched without its lock ===//
#include "checks/UnguardedAccessCheck.h"
#include "checks/CheckRegistry.h"

#include <tuple>

namespace lockwise {

static CheckRegistration Registration([](SharedAnalyses &Shared) {
  return std::make_unique<UnguardedAccessCheck>(Shared.get<LockRequirements>(),
                                                Shared.get<FieldDiscipline>());
});

const char *UnguardedAccessCheck::summary() const {
  return "A field a guarded rule puts under a lock is read or written on a "
         "path where neither the function nor any of its callers up the "
         "chain holds that lock; or a field whose accesses mostly hold one "
         "of its struct's locks is written without it, or read without it "
         "in a function that takes it.";
}

void UnguardedAccessCheck::run(const CheckContext &Ctx, FindingHandler &Out) const {
  for (const NeedObs &N : Needs->found()) {
    if (N.K != NeedObs::GuardedAccess)
      continue;
    Finding F = newFinding(id());
    F.Message = std::string(N.IsWrite ? "write to" : "read of") + " '" +
                N.Subject + "' without holding '" + N.Lock + "'";
    setLocation(F, N.Loc);
    F.Function = N.Function;
    F.Locks = {N.Lock};
    F.Trace = toTrace(N.Path);
    Out.handle(std::move(F));
  }
  // A review judges both programs by the discipline of the tree before the
  // patch, with the evidence a change needs; a whole program by its own,
  // with the evidence a standing exception needs.
  const auto *Before =
      static_cast<const UnguardedAccessCheck *>(Ctx.baselineOf(id()));
  auto Beliefs = Before ? Before->Discipline->beliefs(FieldDiscipline::Usual)
                        : Discipline->beliefs(FieldDiscipline::Strong);
  // One finding per function and field: a write that breaks a belief and
  // also lost its lock in the patch is reported once, as the belief's.
  std::map<std::tuple<Symbol, Symbol, Symbol>, DeviantAccess> All;
  for (DeviantAccess &D : Discipline->deviants(Beliefs))
    All.try_emplace({D.Loc.File, D.Function, D.Belief.Field}, std::move(D));
  // Judged against itself (the tree before a patch), no write lost a lock.
  if (Before && Before->Discipline != Discipline)
    for (DeviantAccess &D : Discipline->lostLocks(*Before->Discipline))
      All.try_emplace({D.Loc.File, D.Function, D.Belief.Field}, std::move(D));
  for (const auto &[K, D] : All)
    reportDeviant(D, Before != nullptr, Out);
}

void UnguardedAccessCheck::reportDeviant(const DeviantAccess &D,
                                         bool FromBaseline,
                                         FindingHandler &Out) const {
  const GuardBelief &B = D.Belief;
  Finding F = newFinding(id());
  F.Message = std::string(D.IsWrite ? "write to" : "read of") + " '" +
              B.Field.str() + "' without holding '" + B.Lock.str() + "'" +
              (D.TakesLock ? ", which this function takes" : "");
  setLocation(F, D.Loc);
  F.Function = D.Function.str();
  F.Locks = {B.Lock.str()};
  F.Trace = toTrace(D.Path);
  if (D.Lost)
    F.Trace.push_back({B.Example.File, B.Example.Line, B.Example.Column,
                       "before the patch, " + D.Function.str() + " held '" +
                           B.Lock.str() + "' at its " +
                           (B.Holding == 1 ? std::string("write")
                                           : std::to_string(B.Holding) + " writes") +
                           " to '" + B.Field.str() + "', as here"});
  else
    F.Trace.push_back({B.Example.File, B.Example.Line, B.Example.Column,
                       "inferred guard (no rule names it): '" + B.Lock.str() +
                           "' is held at " + std::to_string(B.Holding) + " of " +
                           std::to_string(B.Accesses) + " accesses to '" +
                           B.Field.str() + "'" +
                           (FromBaseline ? " in the tree the patch applies to" : "") +
                           ", as here"});
  for (const SrcLoc &L : D.Others)
    F.Trace.push_back({L.File, L.Line, L.Column,
                       "also " + std::string("accessed here without it")});
  Out.handle(std::move(F));
}

} // namespace lockwise
