//===- DoubleUnlockCheck.cpp - A lock released twice on one path ----------===//
#include "checks/DoubleUnlockCheck.h"
#include "checks/CheckRegistry.h"

#include "engine/Witness.h"

namespace lockwise {

static RegisterCheck<DoubleUnlockCheck> Registration;

class DoubleUnlockCheck::Observer : public FunctionObserver {
public:
  explicit Observer(const FunctionContext &Fn) : Fn(Fn) {}
  void onRerelease(const Rerelease &R) override {
    // Released before under another spelling: possibly another instance of
    // the class ("spin_unlock(&q->lock)" on one path, "if (q != old_q)
    // spin_unlock(&old_q->lock)" after a merge lost q == old_q), as two
    // spellings are two instances for a double lock.
    if (!R.Previous.Text.empty() && !R.Text.empty() && R.Previous.Text != R.Text)
      return;
    std::string K = R.Lock.str() + "@" + dataflow::locKey(R.Loc);
    if (Found.count(K))
      return;
    Chain First{Fn.step(R.Previous.Loc, dataflow::describe(R.Lock, R.Text) +
                                            " released here first")};
    Found[K] = DoubleUnlockObs{R.Lock.str(), Fn.function().Name, R.Loc, R.Path, First};
  }
  std::map<std::string, DoubleUnlockObs> Found;

private:
  const FunctionContext &Fn;
};

std::unique_ptr<FunctionObserver>
DoubleUnlockCheck::observe(const FunctionContext &Fn) {
  return std::make_unique<Observer>(Fn);
}

void DoubleUnlockCheck::commit(const FunctionContext &, FunctionObserver &O,
                             const Summary &) {
  appendFound(static_cast<Observer &>(O).Found, Found);
}

const char *DoubleUnlockCheck::summary() const {
  return "A lock is released again on a path where it was already released "
         "and not re-acquired (an error label falling through into another).";
}

void DoubleUnlockCheck::run(const CheckContext &, FindingHandler &Out) const {
  for (const DoubleUnlockObs &D : Found) {
    Finding F = newFinding(id());
    F.Message = "double unlock of '" + D.Lock + "' in " + D.Function;
    setLocation(F, D.Loc);
    F.Function = D.Function;
    F.Locks = {D.Lock};
    F.Trace = toTrace(D.FirstRelease);
    // The second release's own chain matters when it went through callees.
    if (D.Second.size() > 1)
      for (const TraceStep &S : toTrace(D.Second))
        F.Trace.push_back(S);
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
