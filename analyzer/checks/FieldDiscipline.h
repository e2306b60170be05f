//===- FieldDiscipline.h - Which lock guards a field, from how it is used --===//
//
// Belief analysis in the manner of RacerX and LockDoc: a field of a struct
// is taken to be guarded by one of that struct's own locks when the code
// holds that lock at most of the field's accesses.  An access holds a lock
// when its function holds it there, asserts it, or is only ever entered
// with it held: the lock is in the function's entry lockset, the
// intersection over its call sites of the locks held at the site and the
// caller's own entry lockset (a function nobody calls is entered with
// none).  The accesses that break a believed guard -- a write without the
// lock, or a read without it in a function that takes the lock (a check
// made before the lock and relied on after it) -- are the deviants
// unguarded-access reports for fields no rule names.
//
// An object no other thread can see yet needs no lock: one the function
// allocated, one on its stack, and one a parameter points at when every
// call passes such an object (an initialiser called only by constructors).
// Those accesses are neither evidence nor deviants.
//
// Beliefs and deviants are separate so that a review judges the patched
// program by the discipline of the tree before the patch: a patch that
// drops the lock around the only accesses that held it leaves no evidence
// of the guard behind in the program it produces.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_CHECKS_FIELDDISCIPLINE_H
#define LOCKWISE_CHECKS_FIELDDISCIPLINE_H

#include "checks/Checker.h"

#include <map>
#include <optional>
#include <set>

namespace lockwise {

/// Field is guarded by Lock: Holding of Accesses hold it.
struct GuardBelief {
  Symbol Field;
  LockKey Lock;
  unsigned Holding = 0;
  unsigned Accesses = 0;
  /// One access that holds it, shown as the evidence.
  SrcLoc Example;
};

/// Accesses of Belief.Field without Belief.Lock in one function.
struct DeviantAccess {
  GuardBelief Belief;
  Symbol Function;
  SrcLoc Loc; ///< The first deviant access.
  bool IsWrite = false;
  /// The function takes the lock itself (or through a callee).
  bool TakesLock = false;
  /// Callers that reach the function without the lock, outermost first,
  /// then the access.
  Chain Path;
  /// The function's other deviant accesses of the field.
  std::vector<SrcLoc> Others;
  /// Lost in a patch: Belief counts the function's writes of the field
  /// before the patch (all held the lock) and Example is one of them.
  bool Lost = false;
};

class FieldDiscipline : public DataflowCheck {
public:
  /// How much evidence a belief needs: at least MinHolding accesses that
  /// hold the lock, one of them a write, and PercentHolding of all the
  /// field's accesses.
  struct Evidence {
    unsigned MinHolding;
    unsigned PercentHolding;
  };
  /// Enough to report a deviant in a whole program: a discipline kept
  /// almost everywhere, so the exception stands out from the
  /// initialisation and teardown paths every discipline has.
  static constexpr Evidence Strong{6, 90};
  /// Enough to report a deviant a patch adds (a review): the tree keeps the
  /// discipline at most accesses, and the patch breaks it in a new place.
  static constexpr Evidence Usual{3, 75};

  llvm::Error begin(const Program &P, const rules::RuleSet &Rules,
                    CheckSlot Slot) override;
  std::unique_ptr<FunctionObserver> observe(const FunctionContext &Fn) override;
  void commit(const FunctionContext &Fn, FunctionObserver &O,
              const Summary &Final) override;

  /// The guards this program's accesses support with Needed, by field.
  std::map<Symbol, GuardBelief> beliefs(Evidence Needed) const;
  /// This program's deviants from Beliefs (its own, or a baseline's),
  /// ordered by function and field.
  std::vector<DeviantAccess>
  deviants(const std::map<Symbol, GuardBelief> &Beliefs) const;
  /// Writes that lost a lock in a patch: in Before (the tree the patch
  /// applies to) every write of the field in the function held one of the
  /// struct's locks, and here one does not -- the patch dropped the lock
  /// around it, or its callers no longer hold it.  Ordered by function and
  /// field.
  std::vector<DeviantAccess> lostLocks(const FieldDiscipline &Before) const;

private:
  class Observer;
  struct Access {
    Symbol Function; ///< Function key.
    SrcLoc Loc;
    Symbol Field;
    Symbol Tag; ///< The struct that declares the field.
    bool IsWrite = false;
    int ObjectParam = -1; ///< The object is this parameter's.
    std::vector<LockKey> Held; ///< Held on every path to the access.
  };
  /// What a call passes, as far as sharing goes: a new object, one of the
  /// caller's parameters' objects (its index), or anything else.
  enum : int { PassesNew = -1, PassesOther = -2 };
  struct CallSite {
    Symbol Caller; ///< Function key.
    SrcLoc Loc;
    std::vector<LockKey> Held; ///< Held on every path to the call.
    std::vector<int> Args;     ///< PassesNew, PassesOther or a parameter.
  };
  struct FunctionUse {
    Symbol Name;
    bool HasCallers = false;
    std::vector<LockKey> Takes;    ///< Itself or through callees; sorted.
    std::vector<LockKey> Asserted; ///< Sorted.
  };
  using Lockset = std::vector<LockKey>;

  /// Every function's entry lockset (computed once).
  const std::map<Symbol, Lockset> &entryLocksets() const;
  /// Every function's parameters that point at objects not yet shared,
  /// one bit each (computed once).
  const std::map<Symbol, uint64_t> &unsharedParams() const;
  /// The access touches an object not yet shared.
  bool unshared(const Access &A) const;
  /// The locks an access holds: at the site, on entry, asserted.
  Lockset holding(const Access &A) const;
  /// The locks of A's own struct that A holds.
  Lockset holdingOwn(const Access &A) const;
  /// "f writes 'field'".
  WitnessStep accessStep(const Access &A) const;
  /// Callers from the outermost that lacks Lock down to the access.
  Chain pathTo(const Access &A, const LockKey &Lock) const;

  std::vector<Access> Accesses;
  std::map<Symbol, std::vector<CallSite>> CallsTo; ///< By callee key.
  std::map<Symbol, FunctionUse> Functions;         ///< By key.
  std::map<LockKey, Symbol> TagOf; ///< A struct's lock -> the struct.
  std::set<std::string> Ruled, Unshared;
  mutable std::optional<std::map<Symbol, Lockset>> Entry;
  mutable std::optional<std::map<Symbol, uint64_t>> UnsharedParams;
};

} // namespace lockwise

#endif
