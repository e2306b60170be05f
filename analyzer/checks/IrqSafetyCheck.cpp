//===- IrqSafetyCheck.cpp - A lock taken with interrupts on and off -------===//
#include "checks/IrqSafetyCheck.h"
#include "checks/CheckRegistry.h"

#include "engine/Witness.h"

#include <algorithm>

namespace lockwise {

static RegisterCheck<IrqSafetyCheck> Registration;

using dataflow::PathState;

namespace {

/// The locks a function returns holding that disabled interrupts
/// (pirq_spin_lock_irq_desc()'s desc->lock): a caller holds them with
/// interrupts off.
struct ReturnsOff : CheckSummary {
  std::vector<LockKey> Locks; ///< Sorted.
  /// Returns with interrupts off by a lock no class names (the scheduler's
  /// "spinlock_t *lock = ...; spin_lock_irq(lock); return lock;") or by
  /// local_irq_save().
  bool Anonymous = false;
  /// Returns having enabled them (unlocking its caller's IRQ-safe lock).
  bool Enables = false;
  bool equals(const CheckSummary &O) const override {
    const auto &X = static_cast<const ReturnsOff &>(O);
    return Locks == X.Locks && Anonymous == X.Anonymous && Enables == X.Enables;
  }
};

constexpr unsigned MaxCallers = 8;

} // namespace

/// What a path has done to the interrupt state: the locks it holds that
/// disabled interrupts when taken, the local_irq_disable()s not yet
/// restored, and whether it enabled them itself.
class IrqSafetyCheck::IrqOffLocks : public CheckPathState {
public:
  struct Entry {
    LockKey Lock;
    Symbol Text;
    SrcLoc At;
  };
  std::vector<Entry> Locks; ///< Sorted by lock.
  unsigned Disables = 0;
  SrcLoc DisabledAt; ///< The outermost pending local disable.
  /// Locks held that disabled interrupts and have no class (or a callee
  /// returned so): counted, released by any unnamed IRQ release.
  unsigned Anonymous = 0;
  SrcLoc AnonymousAt;
  bool Enabled = false;

  std::unique_ptr<CheckPathState> clone() const override {
    return std::make_unique<IrqOffLocks>(*this);
  }
  std::string signature() const override {
    std::string S;
    for (const Entry &E : Locks)
      S += E.Lock.str() + ";";
    if (Disables)
      S += "d" + std::to_string(std::min(Disables, 2u));
    if (Anonymous)
      S += "a" + std::to_string(std::min(Anonymous, 2u));
    if (Enabled)
      S += "e";
    return S;
  }
};

class IrqSafetyCheck::Observer : public FunctionObserver {
public:
  Observer(const IrqSafetyCheck &C, const FunctionContext &Fn)
      : C(C), Fn(Fn), Out(std::make_shared<ReturnsOff>()) {}

  void beforeEvent(const Event &E, PathState &S) override {
    switch (E.Kind) {
    case EventKind::IrqDisable:
      if (mine(S).Disables++ == 0)
        mine(S).DisabledAt = E.Loc;
      return;
    case EventKind::IrqEnable:
      mine(S).Disables = 0;
      mine(S).Enabled = true;
      return;
    case EventKind::IrqRestore:
      if (const auto *St = S.check<IrqOffLocks>(C.Slot.Index); St && St->Disables)
        --mine(S).Disables;
      return;
    case EventKind::Acquire:
    case EventKind::TryAcquire:
    case EventKind::Release:
      break;
    default:
      return;
    }
    LockKey L = Fn.lockKey(E.Lock);
    bool Takes = E.Kind == EventKind::Acquire || E.Kind == EventKind::TryAcquire;
    if (Takes && E.IrqChecked && !L.empty() && !L.isParam())
      record(L, E, S);
    if (E.Kind == EventKind::Acquire && E.Irq && !L.empty())
      add(S, {L, E.Lock.Text, E.Loc});
    else if (E.Kind == EventKind::Acquire && E.Irq)
      anonymous(S, E.Loc);
    else if (E.Kind == EventKind::Release && E.Irq)
      release(S, L);
  }

  void onCallee(const CalleeEffects &Call, PathState &S) override {
    Symbol OffBy;
    Irqs State = state(S, &OffBy);
    auto [It, New] = Sites.try_emplace(
        {Symbol(Call.Target), Call.Call.Loc.Line, Call.Call.Loc.Column},
        Site{Fn.function().Key, Call.Call.Loc});
    Site &X = It->second;
    X.Indirect = Call.Call.Callee.empty();
    if (State == Irqs::Off && !X.PassesOff)
      X.OffBy = OffBy;
    X.PassesOff |= State == Irqs::Off;
    X.PassesOn |= State == Irqs::On;
    X.PassesEntry |= State == Irqs::Entry;
    const auto *R = Call.Callee.check<ReturnsOff>(C.Slot.Index);
    if (!R)
      return;
    if (R->Enables)
      release(S, LockKey());
    for (const LockKey &K : R->Locks)
      if (LockKey L = Fn.substitute(K, Call.Call.Args); !L.empty())
        add(S, {L, Symbol(L.str()), Call.Call.Loc});
    if (R->Anonymous)
      anonymous(S, Call.Call.Loc);
  }

  // A lock it returns holding is checked in the caller against what the
  // caller holds; an unnamed disable or an enable has no such anchor, so
  // every return must agree (a function that saves and restores under
  // correlated conditions returns with neither).
  void onExit(const std::vector<PathState> &ExitStates) override {
    Out->Anonymous = Out->Enables = !ExitStates.empty();
    for (const PathState &S : ExitStates) {
      const auto *Off = S.check<IrqOffLocks>(C.Slot.Index);
      Out->Anonymous &= Off && (Off->Anonymous || Off->Disables);
      Out->Enables &= state(S) == Irqs::On;
    }
    for (const PathState &S : ExitStates)
      if (const auto *Off = S.check<IrqOffLocks>(C.Slot.Index))
        for (const IrqOffLocks::Entry &E : Off->Locks)
          if (S.findHeld(E.Lock))
            dataflow::insertSorted(Out->Locks, E.Lock);
  }
  std::shared_ptr<const CheckSummary> summary() override { return Out; }

  /// Uses by class, then place and interrupt state.
  std::map<std::tuple<Symbol, unsigned, unsigned, Irqs>, Use> Found;
  /// By callee and place: a tuple of symbols, as it is made on every path.
  std::map<std::tuple<Symbol, unsigned, unsigned>, Site> Sites;

private:
  IrqOffLocks &mine(PathState &S) { return S.mutableCheck<IrqOffLocks>(C.Slot.Index); }
  /// The interrupt state on S, and what disabled them (Off), with where.
  Irqs state(const PathState &S, Symbol *OffBy = nullptr, SrcLoc *OffAt = nullptr) const {
    const auto *St = S.check<IrqOffLocks>(C.Slot.Index);
    if (!St)
      return Irqs::Entry;
    for (const IrqOffLocks::Entry &E : St->Locks)
      if (S.findHeld(E.Lock)) {
        if (OffBy)
          *OffBy = E.Text;
        if (OffAt)
          *OffAt = E.At;
        return Irqs::Off;
      }
    if (St->Disables || St->Anonymous) {
      if (OffBy)
        *OffBy = Symbol(St->Disables ? "local_irq_disable()" : "an IRQ-safe lock");
      if (OffAt)
        *OffAt = St->Disables ? St->DisabledAt : St->AnonymousAt;
      return Irqs::Off;
    }
    return St->Enabled ? Irqs::On : Irqs::Entry;
  }
  void record(const LockKey &L, const Event &E, const PathState &S) {
    Symbol OffBy;
    SrcLoc OffAt;
    Irqs State = E.Irq ? Irqs::Off : state(S, &OffBy, &OffAt);
    Use U{Fn.function().Key, E.Loc, State, Symbol(), SrcLoc(),
          E.Kind == EventKind::TryAcquire};
    if (!E.Irq && State == Irqs::Off) {
      U.OffBy = OffBy;
      U.OffAt = OffAt;
    }
    Found.try_emplace({L.cls(), E.Loc.Line, E.Loc.Column, State}, std::move(U));
  }
  void add(PathState &S, IrqOffLocks::Entry E) {
    const auto *Off = S.check<IrqOffLocks>(C.Slot.Index);
    if (Off && llvm::any_of(Off->Locks, [&](const IrqOffLocks::Entry &X) {
          return X.Lock == E.Lock;
        }))
      return;
    auto &Locks = mine(S).Locks;
    auto It = std::lower_bound(Locks.begin(), Locks.end(), E.Lock,
                               [](const IrqOffLocks::Entry &X, const LockKey &K) {
                                 return X.Lock < K;
                               });
    Locks.insert(It, std::move(E));
  }
  /// spin_unlock_irq*(L): back to before L if this path disabled them
  /// taking it, else the caller's lock is dropped and interrupts are on
  /// (do_tasklet_work() around the tasklet's function).
  void release(PathState &S, const LockKey &L) {
    const auto *Off = S.check<IrqOffLocks>(C.Slot.Index);
    if (Off && !L.empty() &&
        llvm::any_of(Off->Locks,
                     [&](const IrqOffLocks::Entry &X) { return X.Lock == L; })) {
      std::erase_if(mine(S).Locks,
                    [&](const IrqOffLocks::Entry &X) { return X.Lock == L; });
      return;
    }
    // One this path took without a name (or a callee returned so), as
    // far as this release can tell.
    if (Off && Off->Anonymous) {
      --mine(S).Anonymous;
      return;
    }
    if (!Off || (!Off->Enabled && !Off->Disables && !Off->Anonymous))
      mine(S).Enabled = true;
  }
  void anonymous(PathState &S, const SrcLoc &At) {
    IrqOffLocks &M = mine(S);
    if (M.Anonymous++ == 0)
      M.AnonymousAt = At;
  }

  const IrqSafetyCheck &C;
  const FunctionContext &Fn;
  std::shared_ptr<ReturnsOff> Out;
};

std::unique_ptr<FunctionObserver> IrqSafetyCheck::observe(const FunctionContext &Fn) {
  return std::make_unique<Observer>(*this, Fn);
}

void IrqSafetyCheck::commit(const FunctionContext &Fn, FunctionObserver &O,
                            const Summary &) {
  auto &Obs = static_cast<Observer &>(O);
  Symbol Key(Fn.function().Key);
  Names[Key] = Fn.function().Name;
  if (Fn.hasCallers())
    Called.insert(Key);
  for (auto &[K, U] : Obs.Found)
    Uses[std::get<0>(K)].push_back(std::move(U));
  for (auto &[K, S] : Obs.Sites)
    CallsTo[std::get<0>(K)].push_back(std::move(S));
  Entry.clear();
}

const IrqSafetyCheck::Entries &IrqSafetyCheck::entries(bool Indirect) const {
  if (auto It = Entry.find(Indirect); It != Entry.end())
    return It->second;
  Entries E;
  // Nobody calls a hypercall or a softirq handler: they run with
  // interrupts on.  The crash path runs in whatever state the dying CPU
  // was in.
  for (const auto &[Key, Name] : Names)
    if ((!Called.count(Key) || !CallsTo.count(Key)) && !CrashPaths.count(Name.str()))
      E.On.insert(Key);
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const auto &[Callee, Sites] : CallsTo) {
      if (!Names.count(Callee))
        continue;
      for (const Site &S : Sites) {
        if (S.Indirect && !Indirect)
          continue;
        bool Off = S.PassesOff || (S.PassesEntry && E.Off.count(S.Caller));
        bool On = S.PassesOn || (S.PassesEntry && E.On.count(S.Caller));
        Changed |= (Off && E.Off.insert(Callee).second) |
                   (On && E.On.insert(Callee).second);
      }
    }
  }
  return Entry[Indirect] = std::move(E);
}

Chain IrqSafetyCheck::pathTo(Symbol Function, bool On, bool Indirect) const {
  const Entries &E = entries(Indirect);
  const std::set<Symbol> &Set = On ? E.On : E.Off;
  Chain Up;
  std::set<Symbol> Seen{Function};
  Symbol Cur = Function;
  while (Up.size() < MaxCallers) {
    auto Sites = CallsTo.find(Cur);
    if (Sites == CallsTo.end() || (On && !Called.count(Cur)))
      break;
    const Site *Pick = nullptr;
    for (const Site &S : Sites->second) {
      if (S.Indirect && !Indirect)
        continue;
      bool Fits = S.PassesEntry && Set.count(S.Caller);
      bool Local = On ? S.PassesOn : S.PassesOff;
      // A site that sets the state itself ends the chain: prefer it.
      if ((Fits || Local) && !Seen.count(S.Caller) && (!Pick || Local))
        Pick = &S;
      if (Pick && Local)
        break;
    }
    if (!Pick)
      break;
    const Symbol &Caller = Names.count(Pick->Caller) ? Names.at(Pick->Caller) : Pick->Caller;
    const Symbol &Callee = Names.count(Cur) ? Names.at(Cur) : Cur;
    bool Local = On ? Pick->PassesOn : Pick->PassesOff;
    std::string How = On ? " with interrupts enabled"
                      : Local ? " with interrupts disabled (by '" +
                                    Pick->OffBy.str() + "')"
                              : " with interrupts disabled";
    Up.push_back(WitnessStep{Pick->Loc, Caller,
                             Symbol(Caller.str() + " calls " + Callee.str() + How)});
    if (Local)
      break;
    Seen.insert(Pick->Caller);
    Cur = Pick->Caller;
  }
  std::reverse(Up.begin(), Up.end());
  return Up;
}

Chain IrqSafetyCheck::useChain(const std::string &Lock, const Use &U, bool On,
                               bool Indirect) const {
  const Symbol &Name = Names.count(U.Function) ? Names.at(U.Function) : U.Function;
  Chain Out;
  if (U.State == Irqs::Entry)
    Out = pathTo(U.Function, On, Indirect);
  else if (!U.OffBy.empty())
    Out.push_back(WitnessStep{U.OffAt, Name,
                              Symbol("interrupts disabled here by '" +
                                     U.OffBy.str() + "'")});
  std::string How = On ? " with interrupts enabled"
                    : U.State == Irqs::Off && U.OffBy.empty() ? ", disabling interrupts"
                                                       : " with interrupts disabled";
  Out.push_back(WitnessStep{U.Loc, Name,
                            Symbol("'" + Lock + "' acquired here in " + Name.str() + How)});
  return Out;
}

const char *IrqSafetyCheck::summary() const {
  return "A lock class that Xen's check_lock() holds to one interrupt state "
         "is taken both with interrupts enabled and with them disabled: a "
         "deadlock in an IRQ-context rendezvous (CHECKLOCK FAILURE in a debug "
         "build).";
}

void IrqSafetyCheck::run(const CheckContext &Ctx, FindingHandler &Out) const {
  bool Indirect = Ctx.judgingChange();
  const Entries &E = entries(Indirect);
  for (const auto &[Class, List] : Uses) {
    std::vector<const Use *> OffUses, OnUses;
    std::set<std::pair<unsigned, Symbol>> OffSites, OnSites;
    for (const Use &U : List) {
      bool Off = U.State == Irqs::Off ||
                 (U.State == Irqs::Entry && E.Off.count(U.Function));
      bool On = U.State == Irqs::On ||
                (U.State == Irqs::Entry && E.On.count(U.Function));
      // check_lock(): a try-lock with interrupts off cannot spin.
      if (Off && !U.Try) {
        OffUses.push_back(&U);
        OffSites.insert({U.Loc.Line, U.Loc.File});
      }
      if (On) {
        OnUses.push_back(&U);
        OnSites.insert({U.Loc.Line, U.Loc.File});
      }
    }
    if (OffUses.empty() || OnUses.empty())
      continue;
    auto First = [](const std::vector<const Use *> &Us) {
      return *std::min_element(Us.begin(), Us.end(), [](const Use *A, const Use *B) {
        return std::tie(A->Loc.File, A->Loc.Line, A->Loc.Column) <
               std::tie(B->Loc.File, B->Loc.Line, B->Loc.Column);
      });
    };
    // Report the way the class is taken less often: the exception to its
    // discipline is what to change.
    bool AtOn = OnSites.size() <= OffSites.size();
    const Use &Here = *First(AtOn ? OnUses : OffUses);
    const Use &There = *First(AtOn ? OffUses : OnUses);
    std::string Lock = Class.str();
    Finding F = newFinding(id());
    const Symbol &Name = Names.count(Here.Function) ? Names.at(Here.Function) : Here.Function;
    F.Message = "'" + Lock + "' is taken with interrupts " +
                (AtOn ? "enabled" : "disabled") + " in " + Name.str() +
                ", and with them " + (AtOn ? "disabled" : "enabled") + " at " +
                std::to_string((AtOn ? OffSites : OnSites).size()) +
                " other acquisition site(s): inconsistent IRQ safety";
    setLocation(F, Here.Loc);
    F.Function = Name.str();
    F.Locks = {Lock};
    F.Trace = toTrace(useChain(Lock, Here, AtOn, Indirect));
    for (const TraceStep &S : toTrace(useChain(Lock, There, !AtOn, Indirect)))
      F.Trace.push_back(S);
    Out.handle(std::move(F));
  }
}

} // namespace lockwise
