//===- LostWakeupCheck.cpp - A write a waiter depends on, never woken -----===//
#include "checks/LostWakeupCheck.h"
#include "checks/CheckRegistry.h"

#include "engine/Witness.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace lockwise {

static RegisterCheck<LostWakeupCheck> Registration;

using dataflow::PathState;

namespace {

/// Condition state of a wait queue written and not yet woken.
struct DirtyMark {
  Symbol Queue, Variable;
  SrcLoc WriteLoc;
  Chain Path;
};

/// The queues written and not woken on one path, sorted by queue.
struct DirtyQueues : CheckPathState {
  std::vector<DirtyMark> Marks;
  bool has(const std::string &Queue) const {
    return std::any_of(Marks.begin(), Marks.end(),
                       [&](const DirtyMark &M) { return M.Queue == Queue; });
  }
  std::unique_ptr<CheckPathState> clone() const override {
    return std::make_unique<DirtyQueues>(*this);
  }
  std::string signature() const override {
    std::string S;
    for (const DirtyMark &D : Marks)
      S += D.Queue + ";";
    return S;
  }
};

/// A wait queue whose condition state the function writes without waking it.
struct SummaryDirty {
  Symbol Queue;
  Symbol Variable;
  SrcLoc WriteLoc;
  Chain Path; ///< From the function's entry down to the write.
  bool operator==(const SummaryDirty &O) const {
    return Queue == O.Queue && Variable == O.Variable;
  }
};

struct WakeupSummary : CheckSummary {
  std::vector<SummaryDirty> Dirty;
  /// Wait queues the function wakes on some path.
  std::vector<std::string> Wakes;
  /// Wait queues the function (or a callee) sleeps on: it consumes its own
  /// writes to their conditions.
  std::vector<std::string> Waits;
  bool equals(const CheckSummary &O) const override {
    return Dirty == static_cast<const WakeupSummary &>(O).Dirty;
  }
};

} // namespace

class LostWakeupCheck::Observer : public FunctionObserver {
public:
  Observer(const LostWakeupCheck &C, const FunctionContext &Fn)
      : C(C), Fn(Fn), Name(Fn.function().Name),
        Out(std::make_shared<WakeupSummary>()) {}

  // Queues are classes (global queues, as the waits in begin() are
  // indexed): a parameter's queue has no class and matches no wait.
  void onEntry(PathState &) override {
    for (const Block &B : Fn.function().Blocks)
      for (const Event &E : B.Events)
        if (E.Kind == EventKind::Wait)
          WaitsOn.insert(Fn.lockKey(E.Lock).cls());
  }

  void beforeEvent(const Event &E, PathState &S) override {
    if (E.Kind == EventKind::Wake) {
      wake(S, Fn.lockKey(E.Lock).cls());
      return;
    }
    if (E.Kind != EventKind::Call && E.Kind != EventKind::Kill)
      return;
    for (const std::string &V : E.Vars)
      write(S, V, E.Loc, E.Direction, [&] {
        std::string Var = V.substr(V[0] == '@');
        return Chain{Fn.step(E.Loc, E.Kind == EventKind::Call
                                        ? Name + " passes '" + Var + "' to " +
                                              E.Name + " here"
                                        : Name + " writes '" + Var + "' here")};
      });
  }

  void onCallee(const CalleeEffects &C, PathState &S) override {
    const auto *Callee = C.Callee.check<WakeupSummary>(this->C.Slot.Index);
    if (!Callee)
      return;
    for (const std::string &Q : Callee->Wakes)
      wake(S, Q);
    // Calling something that waits on Q: we are Q's consumer, and what we
    // wrote before is what we are about to wait for.
    for (const std::string &Q : Callee->Waits) {
      WaitsOn.insert(Q);
      forget(S, Q);
    }
    for (const SummaryDirty &D : Callee->Dirty)
      write(S, D.Variable, D.WriteLoc, 0,
            [&] { return dataflow::extend({C.Step}, D.Path); });
  }

  void onExit(const std::vector<PathState> &ExitStates) override;

  std::shared_ptr<const CheckSummary> summary() override { return Out; }

  /// Queue -> what this function reports, if nobody calls it.
  std::map<std::string, LostWakeupObs> Found;

private:
  /// Path is built only when the write matters (a wait condition reads
  /// Var): most writes do not, and chains are not free.
  void write(PathState &S, const std::string &Var, const SrcLoc &Loc,
             int Direction, llvm::function_ref<Chain()> Path);
  /// Queue's condition state is no longer pending on S.  The path's
  /// state is copied only when it has something to forget.
  void forget(PathState &S, const std::string &Queue) {
    if (const DirtyQueues *D = S.check<DirtyQueues>(C.Slot.Index); D && D->has(Queue))
      std::erase_if(S.mutableCheck<DirtyQueues>(C.Slot.Index).Marks,
                    [&](const DirtyMark &M) { return M.Queue == Queue; });
  }
  void wake(PathState &S, const std::string &Queue) {
    if (Queue.empty())
      return;
    forget(S, Queue);
    if (std::find(Out->Wakes.begin(), Out->Wakes.end(), Queue) == Out->Wakes.end())
      Out->Wakes.push_back(Queue);
  }

  const LostWakeupCheck &C;
  const FunctionContext &Fn;
  Symbol Name;
  std::shared_ptr<WakeupSummary> Out;
  /// Queues this function itself waits on: the consumer changing its own
  /// condition need not wake itself.
  std::set<std::string> WaitsOn;
};

void LostWakeupCheck::Observer::write(PathState &S, const std::string &Var,
                                      const SrcLoc &Loc, int Direction,
                                      llvm::function_ref<Chain()> Path) {
  auto It = C.WaitsByVar.find(Var);
  if (It == C.WaitsByVar.end())
    return;
  for (const Wait &W : It->second) {
    if (WaitsOn.count(W.Queue))
      continue;
    // A write that moves the variable away from what the waiters wait for
    // cannot wake them (an increment when they wait for zero).
    if (W.Direction && Direction && W.Direction != Direction)
      continue;
    if (const DirtyQueues *D = S.check<DirtyQueues>(C.Slot.Index); D && D->has(W.Queue))
      continue;
    std::vector<DirtyMark> &Marks = S.mutableCheck<DirtyQueues>(C.Slot.Index).Marks;
    Marks.push_back({W.Queue, Var, Loc, Path()});
    std::sort(Marks.begin(), Marks.end(),
              [](const DirtyMark &A, const DirtyMark &B) { return A.Queue < B.Queue; });
  }
}

void LostWakeupCheck::Observer::onExit(const std::vector<PathState> &ExitStates) {
  Out->Waits.assign(WaitsOn.begin(), WaitsOn.end());
  // Written and not woken by the time the function returns: the caller may
  // still wake it, so only a function nobody calls reports it.
  for (const PathState &S : ExitStates) {
    const DirtyQueues *Dirty = S.check<DirtyQueues>(C.Slot.Index);
    if (!Dirty)
      continue;
    for (const DirtyMark &D : Dirty->Marks) {
      // A function that wakes the queue on some other path made a choice:
      // report it here, with the condition that skipped the wake-up.
      bool WakesElsewhere = std::find(Out->Wakes.begin(), Out->Wakes.end(),
                                      D.Queue) != Out->Wakes.end();
      if (Fn.hasCallers() && !WakesElsewhere) {
        SummaryDirty SD{D.Queue, D.Variable, D.WriteLoc, D.Path};
        if (std::find(Out->Dirty.begin(), Out->Dirty.end(), SD) == Out->Dirty.end())
          Out->Dirty.push_back(SD);
        continue;
      }
      if (Found.count(D.Queue))
        continue;
      LostWakeupObs L;
      L.Queue = D.Queue;
      L.Function = Name;
      L.Variable = D.Variable;
      L.WriteLoc = D.Path.empty() ? D.WriteLoc : D.Path.front().Loc;
      L.WritePath = D.Path;
      L.ExitLoc = S.LastReturn ? *S.LastReturn : Fn.function().Loc;
      for (const Wait &W : C.WaitsByVar.at(D.Variable))
        if (W.Queue == D.Queue) {
          L.WaitCondition = W.Condition;
          L.WaitLoc = W.Loc;
        }
      for (const dataflow::FactValue &Fv : S.Facts)
        L.SkippedWhen.push_back(Fv.Value ? Fv.Key.str() : "!(" + Fv.Key + ")");
      Found[D.Queue] = std::move(L);
    }
  }
}

int conditionDirection(const std::string &Cond, const std::string &Var) {
  std::string T;
  for (char C : Cond)
    if (C != ' ' && C != '\t' && C != '\n')
      T += C;
  auto Has = [&](const std::string &S) { return T.find(S) != std::string::npos; };
  auto IsIdent = [](char C) { return std::isalnum((unsigned char)C) || C == '_'; };
  if (Has("!list_empty(&" + Var + ")") || Has("!list_empty(&(" + Var + "))"))
    return 1;
  if (Has("list_empty(&" + Var + ")"))
    return -1;
  if (Has(Var + "==0") || Has(Var + "==NULL"))
    return -1;
  if (Has(Var + "!=0") || Has(Var + ">0"))
    return 1;
  // The variable standing alone (or negated) as a truth value.
  for (size_t At = T.find(Var); At != std::string::npos;
       At = T.find(Var, At + 1)) {
    size_t End = At + Var.size();
    if ((At > 0 && IsIdent(T[At - 1])) || (End < T.size() && IsIdent(T[End])))
      continue;
    char Before = At > 0 ? T[At - 1] : '(';
    char After = End < T.size() ? T[End] : ')';
    bool Alone = (After == ')' || After == '|' || After == '&') &&
                 (Before == '(' || Before == '|' || Before == '&' || Before == '!');
    if (!Alone)
      continue;
    return Before == '!' ? -1 : 1;
  }
  return 0;
}

llvm::Error LostWakeupCheck::begin(const Program &P, const rules::RuleSet &,
                                   CheckSlot S) {
  Slot = S;
  // Every wait_event() condition in the program, by the globals it reads.
  for (const FunctionFacts *F : P.functions())
    for (const Block &B : F->Blocks)
      for (const Event &E : B.Events) {
        if (E.Kind != EventKind::Wait || E.CondVars.empty())
          continue;
        std::string Queue = P.className(E.Lock);
        if (Queue.empty())
          continue;
        for (const std::string &V : E.CondVars) {
          auto &Waits = WaitsByVar["@" + V];
          bool Seen = false;
          for (const Wait &W : Waits)
            Seen |= W.Queue == Queue;
          if (!Seen)
            Waits.push_back({Queue, E.CondText, E.Loc,
                             conditionDirection(E.CondText, V)});
        }
      }
  return llvm::Error::success();
}

std::unique_ptr<FunctionObserver>
LostWakeupCheck::observe(const FunctionContext &Fn) {
  return std::make_unique<Observer>(*this, Fn);
}

void LostWakeupCheck::commit(const FunctionContext &, FunctionObserver &O,
                             const Summary &) {
  for (auto &[Queue, X] : static_cast<Observer &>(O).Found) {
    // One report per write that was not followed by a wake-up, however
    // many functions up the call graph it reaches unwoken.
    const SrcLoc &Deepest = X.WritePath.empty() ? X.WriteLoc : X.WritePath.back().Loc;
    bool Seen = false;
    for (const LostWakeupObs &Old : Found) {
      const SrcLoc &OldDeepest =
          Old.WritePath.empty() ? Old.WriteLoc : Old.WritePath.back().Loc;
      Seen |= Old.Queue == X.Queue && OldDeepest == Deepest;
    }
    if (!Seen)
      Found.push_back(X);
  }
}

const char *LostWakeupCheck::summary() const {
  return "A variable that a wait_event() condition on a queue reads is "
         "written, and the path returns (to a function nobody calls) "
         "without waking that queue: a sleeper may never see the change.";
}

void LostWakeupCheck::run(const CheckContext &, FindingHandler &Out) const {
  for (const LostWakeupObs &L : Found) {
    std::string Var = L.Variable.size() > 1 && L.Variable[0] == '@'
                          ? L.Variable.substr(1)
                          : L.Variable;
    Finding F = newFinding(id());
    F.Message = "'" + Var + "' is changed without waking '" + L.Queue +
                "', whose waiters test '" + L.WaitCondition + "'";
    if (!L.SkippedWhen.empty()) {
      F.Message += "; the wake-up is skipped when ";
      for (size_t I = 0; I < L.SkippedWhen.size(); ++I)
        F.Message += (I ? " && " : "") + L.SkippedWhen[I];
    }
    setLocation(F, L.WriteLoc);
    F.Function = L.Function;
    F.Locks = {L.Queue};
    for (const TraceStep &T : toTrace(L.WritePath))
      F.Trace.push_back(T);
    F.Trace.push_back({L.WaitLoc.File, L.WaitLoc.Line, L.WaitLoc.Column,
                       "waiters of '" + L.Queue + "' sleep here until '" +
                           L.WaitCondition + "'"});
    F.Trace.push_back({L.ExitLoc.File, L.ExitLoc.Line, L.ExitLoc.Column,
                       L.Function + " returns here without waking '" + L.Queue + "'"});
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
