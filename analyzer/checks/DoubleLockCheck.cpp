//===- DoubleLockCheck.cpp - A non-recursive lock acquired while held -----===//
#include "checks/DoubleLockCheck.h"
#include "checks/CheckRegistry.h"

#include "engine/Witness.h"

namespace lockwise {

static RegisterCheck<DoubleLockCheck> Registration;

class DoubleLockCheck::Observer : public FunctionObserver {
public:
  explicit Observer(const FunctionContext &Fn) : Fn(Fn) {}
  void onReacquire(const Reacquisition &R) override {
    if (R.Try || !R.SameInstance || (R.Guarded && R.GuardText.empty()))
      return;
    std::string K = R.Lock.str() + "@" + dataflow::locKey(R.Loc);
    if (!Found.count(K))
      Found[K] = DoubleLockObs{R.Lock.str(), Fn.function().Name, R.Loc, *R.Held.Site,
                               R.Path, R.Guarded ? R.GuardText.str() : ""};
  }
  std::map<std::string, DoubleLockObs> Found;

private:
  const FunctionContext &Fn;
};

std::unique_ptr<FunctionObserver> DoubleLockCheck::observe(const FunctionContext &Fn) {
  return std::make_unique<Observer>(Fn);
}

void DoubleLockCheck::commit(const FunctionContext &, FunctionObserver &O,
                             const Summary &) {
  appendFound(static_cast<Observer &>(O).Found, Found);
}

const char *DoubleLockCheck::summary() const {
  return "A non-recursive lock is acquired again (directly or through a "
         "callee) while it is already held on the same path.";
}

void DoubleLockCheck::run(const CheckContext &Ctx, FindingHandler &Out) const {
  for (const DoubleLockObs &D : Found) {
    if (!D.When.empty() && !Ctx.judgingChange())
      continue;
    Finding F = newFinding(id());
    F.Message = "double lock of '" + D.Lock + "' in " + D.Function;
    if (!D.When.empty())
      F.Message += " when '" + D.When + "'";
    setLocation(F, D.Loc);
    F.Function = D.Function;
    F.Locks = {D.Lock};
    F.Trace = toTrace(D.First);
    for (const TraceStep &S : toTrace(D.Second))
      F.Trace.push_back(S);
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
