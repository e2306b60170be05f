//===- DoubleUnlockCheck.cpp - A lock released twice on one path ----------===//
#include "checks/DoubleUnlockCheck.h"
#include "checks/CheckRegistry.h"

#include "engine/Witness.h"

namespace lockwise {

static RegisterCheck<DoubleUnlockCheck> Registration;

using dataflow::PathState;

/// The try-locks that failed on a path, until the lock is next released
/// (so taken again in between).
class DoubleUnlockCheck::FailedTries : public CheckPathState {
public:
  struct Attempt {
    LockKey Lock;
    Symbol Text;
    dataflow::ChainPtr Site;
  };
  std::vector<Attempt> Attempts; ///< Sorted by lock.

  std::unique_ptr<CheckPathState> clone() const override {
    return std::make_unique<FailedTries>(*this);
  }
  std::string signature() const override {
    std::string S;
    for (const Attempt &A : Attempts)
      S += A.Lock.str() + ";";
    return S;
  }
  const Attempt *find(const LockKey &L) const {
    for (const Attempt &A : Attempts)
      if (A.Lock == L)
        return &A;
    return nullptr;
  }
};

class DoubleUnlockCheck::Observer : public FunctionObserver {
public:
  Observer(const FunctionContext &Fn, CheckSlot Slot) : Fn(Fn), Slot(Slot) {}
  void onRerelease(const Rerelease &R) override {
    if (ByIdentity)
      return;
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
  void onTryFailed(PathState &S, const dataflow::PendingTry &T) override {
    const auto *Tries = S.check<FailedTries>(Slot.Index);
    if (!T.Site || (Tries && Tries->find(T.Lock)))
      return;
    auto &Mine = S.mutableCheck<FailedTries>(Slot.Index).Attempts;
    auto It = std::lower_bound(
        Mine.begin(), Mine.end(), T.Lock,
        [](const FailedTries::Attempt &A, const LockKey &L) { return A.Lock < L; });
    Mine.insert(It, {T.Lock, T.Text, T.Site});
  }
  // The variable that would have held it is written: its failure says
  // nothing about what it holds now.
  void beforeEvent(const Event &E, PathState &S) override {
    // "if ( pt_owner != d ) rcu_unlock_domain(pt_owner)": the test says
    // whether this value of the holder carries a reference, which the
    // path's facts cannot tell (they know no pointer's identity).
    ByIdentity = E.Kind == EventKind::Release && E.ByIdentity;
    const auto *Tries = S.check<FailedTries>(Slot.Index);
    if (E.Kind != EventKind::Kill || !Tries || Tries->Attempts.empty())
      return;
    auto Written = [&](const FailedTries::Attempt &A) {
      return llvm::is_contained(E.Vars, A.Text);
    };
    if (llvm::any_of(Tries->Attempts, Written))
      std::erase_if(S.mutableCheck<FailedTries>(Slot.Index).Attempts, Written);
  }
  void onReleased(PathState &S, const LockKey &Lock, const SrcLoc &) override {
    forget(S, Lock);
  }
  // Releasing what the path failed to take: the release of an error path
  // shared with the paths that took it ("out: rcu_unlock_domain(d)" after
  // the lookup of d failed), or of a try-lock's failure branch.
  void onReleaseUnheld(const UnheldRelease &R) override {
    if (ByIdentity)
      return;
    const auto *Tries = R.State.check<FailedTries>(Slot.Index);
    const FailedTries::Attempt *A = Tries ? Tries->find(R.Lock) : nullptr;
    if (!A || (!R.Text.empty() && !A->Text.empty() && A->Text.str() != R.Text))
      return;
    std::string K = R.Lock.str() + "@" + dataflow::locKey(R.Loc);
    if (!Found.count(K)) {
      Chain Tried = *A->Site;
      Tried.back().Message = Symbol(dataflow::describe(R.Lock, R.Text) +
                                " not taken here: the attempt failed");
      Found[K] = DoubleUnlockObs{R.Lock.str(), Fn.function().Name, R.Loc,
                                 R.Path, Tried, /*NotTaken=*/true};
    }
    forget(R.State, R.Lock);
  }
  std::map<std::string, DoubleUnlockObs> Found;

private:
  void forget(PathState &S, const LockKey &Lock) {
    const auto *Tries = S.check<FailedTries>(Slot.Index);
    if (Tries && Tries->find(Lock))
      std::erase_if(S.mutableCheck<FailedTries>(Slot.Index).Attempts,
                    [&](const FailedTries::Attempt &A) { return A.Lock == Lock; });
  }
  const FunctionContext &Fn;
  CheckSlot Slot;
  bool ByIdentity = false; ///< The event being transferred is such a release.
};

std::unique_ptr<FunctionObserver>
DoubleUnlockCheck::observe(const FunctionContext &Fn) {
  return std::make_unique<Observer>(Fn, Slot);
}

void DoubleUnlockCheck::commit(const FunctionContext &, FunctionObserver &O,
                             const Summary &) {
  appendFound(static_cast<Observer &>(O).Found, Found);
}

const char *DoubleUnlockCheck::summary() const {
  return "A lock is released again on a path where it was already released "
         "and not re-acquired (an error label falling through into another), "
         "or released where the attempt to take it failed.";
}

void DoubleUnlockCheck::run(const CheckContext &, FindingHandler &Out) const {
  for (const DoubleUnlockObs &D : Found) {
    Finding F = newFinding(id());
    F.Message = D.NotTaken ? "unlock of '" + D.Lock + "' in " + D.Function +
                                 " on a path where taking it failed"
                           : "double unlock of '" + D.Lock + "' in " + D.Function;
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
