//===- IrqSafetyCheck.h - The 'irq-safety' check --------------------------===//
//
// Xen partitions its locks into IRQ-safe ones, always taken with interrupts
// disabled, and IRQ-unsafe ones, always taken with them enabled: mixing
// the two deadlocks an IRQ-context rendezvous (a CPU spinning with
// interrupts off on a lock whose holder took an interrupt and waits in the
// rendezvous).  check_lock() latches each lock's state at its first use and
// BUG()s on the other, in debug builds and only on the paths a test takes.
// This check finds such a class statically, for the classes taken by
// primitives marked irq_checked.
//
// Interrupts are off at an acquisition when it disables them itself
// (spin_lock_irqsave()), when the path holds a lock taken that way (or
// returned so by a callee: pirq_spin_lock_irq_desc()), or when the
// function is entered with them off: a least fixpoint over the call graph
// of the call sites that pass interrupts off, and likewise of those that
// pass them on (a function nobody calls runs with them on, as hypercalls
// and softirqs do).  A try-lock with interrupts off is exempt, as in
// check_lock(): it cannot spin.
//
// A function pointer's targets are every function stored in it, more than
// any one call reaches (key handlers run in IRQ context only if they say
// so): a whole program is judged over direct calls, and only a review,
// which reports what a patch changes, follows indirect ones too.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_CHECKS_IRQSAFETYCHECK_H
#define LOCKWISE_CHECKS_IRQSAFETYCHECK_H

#include "checks/Checker.h"

#include <map>
#include <set>

namespace lockwise {

class IrqSafetyCheck : public Checker, public DataflowCheck {
public:
  const char *id() const override { return "irq-safety"; }
  const char *summary() const override;
  std::vector<DataflowCheck *> dataflows() override { return {this}; }
  void run(const CheckContext &Ctx, FindingHandler &Out) const override;

  llvm::Error begin(const Program &, const rules::RuleSet &Rules,
                    CheckSlot S) override {
    Slot = S;
    CrashPaths.insert(Rules.CrashPaths.begin(), Rules.CrashPaths.end());
    return llvm::Error::success();
  }
  std::unique_ptr<FunctionObserver> observe(const FunctionContext &Fn) override;
  void commit(const FunctionContext &Fn, FunctionObserver &O,
              const Summary &Final) override;

  /// The interrupt state at a point of a function, as far as the function
  /// itself decides it.
  enum class Irqs : uint8_t {
    Entry, ///< As the function was entered with.
    Off,   ///< Disabled: by the acquisition, a lock held, or local_irq_*.
    On,    ///< Enabled here (local_irq_enable(), spin_unlock_irq() of a
           ///< lock the caller took).
  };
  /// One acquisition of a checked class.
  struct Use {
    Symbol Function; ///< Key.
    SrcLoc Loc;
    Irqs State = Irqs::Entry;
    /// Off by something other than the acquisition itself: what (empty
    /// otherwise), and where.
    Symbol OffBy;
    SrcLoc OffAt;
    bool Try = false;
  };
  /// A call, and the interrupt states its paths pass.
  struct Site {
    Symbol Caller; ///< Key.
    SrcLoc Loc;
    bool PassesOff = false, PassesOn = false, PassesEntry = false;
    /// Through a function pointer: the target is one of every function
    /// stored there, which may not be the one this call reaches.
    bool Indirect = false;
    Symbol OffBy; ///< What disabled them on a path that passes Off.
  };

private:
  class Observer;
  class IrqOffLocks;
  struct Entries {
    std::set<Symbol> Off, On; ///< Functions entered with interrupts so.
  };
  /// How each function is entered, over direct calls only or over every
  /// call (Indirect ones too).
  const Entries &entries(bool Indirect) const;
  /// Callers from a function nobody calls (On) or from a site with
  /// interrupts off (!On) down to Function, outermost first.
  Chain pathTo(Symbol Function, bool On, bool Indirect) const;
  Chain useChain(const std::string &Lock, const Use &U, bool On, bool Indirect) const;

  CheckSlot Slot;
  std::map<Symbol, std::vector<Use>> Uses;      ///< By class.
  std::map<Symbol, std::vector<Site>> CallsTo;  ///< By callee key.
  std::map<Symbol, Symbol> Names;               ///< Function key -> name.
  std::set<Symbol> Called;                      ///< Functions with callers.
  std::set<std::string> CrashPaths; ///< Entered in no known state.
  mutable std::map<bool, Entries> Entry;
};

} // namespace lockwise

#endif
