//===- SleepInAtomicCheck.cpp - Sleeping while a spinlock is held ---------===//
#include "checks/SleepInAtomicCheck.h"
#include "checks/CheckRegistry.h"

#include "engine/Witness.h"

#include <algorithm>

namespace lockwise {

static RegisterCheck<SleepInAtomicCheck> Registration;

using dataflow::PathState;

namespace {

/// __GFP_DIRECT_RECLAIM in Linux 6.1 (include/linux/gfp_types.h): an
/// allocation may sleep only when its flags allow direct reclaim.
constexpr long long GfpDirectReclaim = 0x400;

struct SleepSummary : CheckSummary {
  /// The shortest chain to a sleeping operation, if the function may sleep.
  Chain Sleeps;
  std::string What;
  /// Entry locks released before every sleeping operation (as
  /// SummaryAcquire::Dropped).
  std::vector<LockKey> Dropped;
  bool equals(const CheckSummary &X) const override {
    const auto &O = static_cast<const SleepSummary &>(X);
    return Sleeps.empty() == O.Sleeps.empty() && Dropped == O.Dropped;
  }
};

/// Whether a call passing these GFP flags may sleep.  Flags that are not a
/// constant here (a gfp_t parameter) are not judged: precision over volume.
bool gfpAllowsSleep(const Event &E, unsigned GfpArg) {
  if (GfpArg >= E.Args.size() || !E.Args[GfpArg].HasInt)
    return false;
  return (E.Args[GfpArg].Int & GfpDirectReclaim) != 0;
}

} // namespace

class SleepInAtomicCheck::Observer : public FunctionObserver {
public:
  Observer(const SleepInAtomicCheck &C, const FunctionContext &Fn)
      : C(C), Fn(Fn), Out(std::make_shared<SleepSummary>()) {}

  void beforeEvent(const Event &E, PathState &S) override {
    if (!E.Sleeps)
      return;
    const Symbol &Name = Fn.function().Name;
    switch (E.Kind) {
    case EventKind::Acquire:
    case EventKind::TryAcquire: {
      LockKey L = Fn.lockKey(E.Lock);
      if (L.empty() && E.Kind == EventKind::TryAcquire)
        return;
      sleepAt(S, E.Name,
              {Fn.step(E.Loc, dataflow::describe(L, E.Lock.Text) +
                                  " acquired here in " + Name)},
              E.Loc);
      return;
    }
    case EventKind::Call: {
      if (E.Callee.empty())
        return;
      auto It = C.Sleeping.find(E.Name);
      if (It != C.Sleeping.end() && (!It->second || gfpAllowsSleep(E, *It->second)))
        sleepAt(S, E.Name,
                {Fn.step(E.Loc, Name + " calls " + E.Name + ", which may sleep")},
                E.Loc);
      return;
    }
    case EventKind::Wait:
      sleepAt(S, E.Macro.empty() ? E.Name : E.Macro,
              {Fn.step(E.Loc, Name + " waits on " +
                                  dataflow::describe(Fn.lockKey(E.Lock),
                                                     E.Lock.Text))},
              E.Loc);
      return;
    default:
      return;
    }
  }

  /// What happens inside the callee, seen with the caller's locks.
  void onCallee(const CalleeEffects &Call, PathState &S) override {
    const auto *Callee = Call.Callee.check<SleepSummary>(C.Slot.Index);
    if (!Callee || Callee->Sleeps.empty())
      return;
    std::vector<LockKey> Dropped;
    for (const LockKey &L : Callee->Dropped)
      if (LockKey X = Fn.substitute(L, Call.Call.Args); !X.empty())
        Dropped.push_back(X);
    std::sort(Dropped.begin(), Dropped.end());
    sleepAt(S, Callee->What, dataflow::extend({Call.Step}, Callee->Sleeps),
            Call.Call.Loc, std::move(Dropped));
  }

  std::shared_ptr<const CheckSummary> summary() override { return Out; }

  std::map<std::string, SleepObs> Found;

private:
  void sleepAt(PathState &S, const std::string &What, const Chain &Path,
               const SrcLoc &Loc, std::vector<LockKey> Dropped = {});

  const SleepInAtomicCheck &C;
  const FunctionContext &Fn;
  std::shared_ptr<SleepSummary> Out;
};

void SleepInAtomicCheck::Observer::sleepAt(PathState &S, const std::string &What,
                                           const Chain &Path, const SrcLoc &Loc,
                                           std::vector<LockKey> Dropped) {
  std::vector<LockKey> Summarised = dataflow::droppedThroughCall(S, Dropped);
  if (Out->Sleeps.empty())
    Out->Dropped = std::move(Summarised);
  else
    dataflow::intersectSorted(Out->Dropped, Summarised);
  if (Out->Sleeps.empty() || Path.size() < Out->Sleeps.size()) {
    Out->Sleeps = Path;
    Out->What = What;
  }
  for (const dataflow::HeldLock &H : S.Held) {
    if (!H.Atomic || std::binary_search(Dropped.begin(), Dropped.end(), H.Lock))
      continue;
    std::string K = H.Lock.str() + "@" + dataflow::locKey(Loc);
    if (!Found.count(K))
      Found[K] = SleepObs{H.Lock.str(), Fn.function().Name, Loc, What, *H.Site, Path};
  }
}

llvm::Error SleepInAtomicCheck::begin(const Program &, const rules::RuleSet &Rules,
                                      CheckSlot S) {
  Slot = S;
  for (const rules::SleepingRule &R : Rules.Sleeping)
    Sleeping[R.Function] = R.GfpArg;
  return llvm::Error::success();
}

std::unique_ptr<FunctionObserver>
SleepInAtomicCheck::observe(const FunctionContext &Fn) {
  return std::make_unique<Observer>(*this, Fn);
}

void SleepInAtomicCheck::commit(const FunctionContext &, FunctionObserver &O,
                             const Summary &) {
  appendFound(static_cast<Observer &>(O).Found, Found);
}

const char *SleepInAtomicCheck::summary() const {
  return "An operation that may sleep (a mutex, a wait, an allocation that "
         "may reclaim, a xenbus request...) is reached, directly or through "
         "callees, while a spinlock or rwlock is held.";
}

void SleepInAtomicCheck::run(const CheckContext &, FindingHandler &Out) const {
  for (const SleepObs &S : Found) {
    Finding F = newFinding(id());
    F.Message = "'" + S.What + "' may sleep while spinning lock '" + S.Lock +
                "' is held in " + S.Function;
    setLocation(F, S.Loc);
    F.Function = S.Function;
    F.Locks = {S.Lock};
    F.Trace = toTrace(S.Held);
    for (const TraceStep &T : toTrace(S.Sleep))
      F.Trace.push_back(T);
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
