//===- PathState.h - One path through a function, and joins -----------------===//
#ifndef LOCKWISE_ENGINE_PATHSTATE_H
#define LOCKWISE_ENGINE_PATHSTATE_H

#include "engine/Analysis.h"
#include "engine/LockKey.h"
#include "engine/RuleIndex.h"

#include "llvm/ADT/ArrayRef.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lockwise::dataflow {

using ChainPtr = std::shared_ptr<const Chain>;

struct HeldLock {
  /// Held because a callee that manages this lock across calls returned
  /// holding it (process_msg's xs_response_mutex): that callee's leak, not
  /// ours.
  bool Managed = false;
  /// Acquired inside a callee: its spelling is the callee's, so it cannot
  /// tell instances apart.
  bool ViaCall = false;
  /// A spinning lock (spinlock, rwlock): sleeping while it is held is a bug.
  bool Atomic = false;
  /// Taken again after this function dropped the caller's hold on it
  /// (do_tasklet_work() around the handler): on return it is the caller's
  /// lock as on entry, neither acquired nor released.
  bool Reentered = false;
  /// Taken by a try-lock (or a wrapper whose return value says whether it
  /// took it): the function's own return may report the outcome.
  bool FromTry = false;
  /// exclusive_contexts the acquisition ran through.
  ContextMask Contexts = 0;
  /// Maybe held (HeldOnReturn::Maybe): no leak, double lock or missing lock
  /// is decided on it.
  bool Maybe = false;
  int8_t Owner = OwnerNone; ///< Whose instance (LockRef::Owner).
  Symbol Holder; ///< Where the object is held (SummaryAcquire::Holder).
  LockKey Lock;
  Mode LockMode = Mode::Exclusive;
  unsigned Count = 1;
  bool Recursive = false;
  Symbol Text;
  ChainPtr Site;
};

struct ReleaseMark {
  LockKey Lock;
  SrcLoc Loc;
  bool AcquiredHere = false;
  /// How the release spelled the lock ("&old_q->lock"); empty when only a
  /// callee's spelling is known.
  Symbol Text;
};

struct PendingTry {
  int TryId = -1;
  int8_t Owner = OwnerNone;
  LockKey Lock;
  Mode LockMode = Mode::Exclusive;
  bool Recursive = false;
  bool SuccessIsZero = false;
  bool Atomic = false;
  Symbol Text;
  ChainPtr Site;
};

/// A check's state on one path (Observer.h).  Copied with the path (copy
/// on write); paths whose signatures differ are never merged.
class CheckPathState {
public:
  virtual ~CheckPathState() = default;
  virtual std::unique_ptr<CheckPathState> clone() const = 0;
  /// Part of the path's signature; empty when the state says nothing.
  virtual std::string signature() const = 0;
};

struct FactValue {
  Symbol Key;
  unsigned Origin = 0; ///< The block whose branch established it.
  bool Value = false;
  std::vector<Symbol> Vars;
  bool Memory = false;
  /// A flag test on a parameter ("q & 1"): the parameter and the mask.
  int MaskParam = -1;
  uint64_t Mask = 0;
  /// A bound on a local (Condition::IntVar).
  Symbol IntVar;
  bool IntEq = false;
  int64_t IntConst = 0;
};

/// The fact a branch on C records where its atom is Value.
FactValue factOf(const Condition &C, unsigned Origin, bool Value);

/// What the path's bounds on C.IntVar say about C's atom: 1 true, 0 false,
/// -1 unknown.
int boundedTruth(const std::vector<FactValue> &Facts, const Condition &C);

struct PathState {
  std::vector<HeldLock> Held;       // sorted by Lock
  std::vector<ReleaseMark> Released; // sorted by Lock
  std::vector<PendingTry> Pending;  // sorted by TryId
  std::vector<FactValue> Facts;     // sorted by Key
  std::map<Symbol, int> Binds;      // variable -> try id
  /// Checks' states on this path, by CheckSlot::Index; null where a check
  /// has said nothing on this path.  Shared between copies of the path
  /// until one changes (mutableCheck()).
  std::vector<std::shared_ptr<CheckPathState>> Checks;
  /// Call results known on this path (result id -> 0 zero, 1 non-zero).
  std::map<int, int> Results;
  int ReturnValue = -1;
  /// The local variable the path returns, if it returns exactly one.
  Symbol ReturnVar;
  std::optional<SrcLoc> LastReturn;
  /// Locks a branch found held ("if (p2m_locked_by_me(p2m))"): the caller
  /// holds them on this path.  Sorted.
  std::vector<LockKey> Assumed;
  /// Parameters (by index) this path has assigned: a branch fact on one
  /// says nothing about what the caller passed ("while (len) ... len -=
  /// done;" then "return true" is not "when len == 0").
  uint64_t WrittenParams = 0;
  /// Parameters (by index) this path has changed only by flag updates
  /// ("memflags |= MEMF_no_refcount"), with the bits that may differ from
  /// the caller's argument.  Sorted by index.
  std::vector<std::pair<unsigned, uint64_t>> ChangedParamBits;

  /// Bits of parameter I that may no longer be what the caller passed
  /// (all of them once it is assigned).
  uint64_t paramBitsChanged(size_t I) const {
    if (I >= 64 || WrittenParams >> I & 1)
      return ~uint64_t(0);
    for (const auto &[Param, Bits] : ChangedParamBits)
      if (Param == I)
        return Bits;
    return 0;
  }
  void noteParamBitsChanged(unsigned I, uint64_t Bits) {
    auto It = std::lower_bound(
        ChangedParamBits.begin(), ChangedParamBits.end(), I,
        [](const std::pair<unsigned, uint64_t> &P, unsigned K) { return P.first < K; });
    if (It != ChangedParamBits.end() && It->first == I)
      It->second |= Bits;
    else
      ChangedParamBits.insert(It, {I, Bits});
  }

  std::string signature() const {
    std::string S;
    for (const HeldLock &H : Held)
      S += H.Lock.str() + (H.LockMode == Mode::Shared ? "/r" : "/w") +
           std::to_string(std::min(H.Count, 2u)) + ";";
    S += "|";
    for (const ReleaseMark &R : Released)
      S += R.Lock.str() + (R.AcquiredHere ? "+" : "-") + ";";
    S += "|";
    for (const PendingTry &P : Pending)
      S += std::to_string(P.TryId) + ";";
    for (size_t I = 0; I < Checks.size(); ++I)
      if (Checks[I])
        if (std::string C = Checks[I]->signature(); !C.empty())
          S += "|" + std::to_string(I) + ":" + C;
    // An error return stays apart from the others, or joined with "return
    // NULL" its value would be unknown and callers could not test it.
    if (ReturnValue == ReturnsErrorPointer)
      S += "|E";
    return S;
  }
  /// Check Slot's state on this path, or null.
  template <class T> const T *check(unsigned Slot) const {
    return Slot < Checks.size() ? static_cast<const T *>(Checks[Slot].get())
                                : nullptr;
  }
  /// Check Slot's state on this path, made this path's own.
  template <class T> T &mutableCheck(unsigned Slot) {
    if (Checks.size() <= Slot)
      Checks.resize(Slot + 1);
    std::shared_ptr<CheckPathState> &P = Checks[Slot];
    if (!P)
      P = std::make_shared<T>();
    else if (P.use_count() > 1)
      P = std::shared_ptr<CheckPathState>(P->clone());
    return static_cast<T &>(*P);
  }
  HeldLock *findHeld(const LockKey &L) {
    for (HeldLock &H : Held)
      if (H.Lock == L)
        return &H;
    return nullptr;
  }
  const HeldLock *findHeld(const LockKey &L) const {
    return const_cast<PathState *>(this)->findHeld(L);
  }
  ReleaseMark *findReleased(const LockKey &L) {
    for (ReleaseMark &R : Released)
      if (R.Lock == L)
        return &R;
    return nullptr;
  }
  const FactValue *findFact(Symbol K) const {
    for (const FactValue &F : Facts)
      if (F.Key == K)
        return &F;
    return nullptr;
  }
  void addHeld(HeldLock H) {
    auto It = std::lower_bound(
        Held.begin(), Held.end(), H.Lock,
        [](const HeldLock &A, const LockKey &L) { return A.Lock < L; });
    Held.insert(It, std::move(H));
  }
  void setReleased(ReleaseMark M) {
    std::erase_if(Released, [&](const ReleaseMark &R) { return R.Lock == M.Lock; });
    auto It = std::lower_bound(
        Released.begin(), Released.end(), M.Lock,
        [](const ReleaseMark &A, const LockKey &L) { return A.Lock < L; });
    Released.insert(It, std::move(M));
  }
  void addFact(FactValue F) {
    auto It = std::lower_bound(
        Facts.begin(), Facts.end(), F.Key,
        [](const FactValue &A, Symbol K) { return A.Key < K; });
    Facts.insert(It, std::move(F));
  }
};

/// Forgets what a write of Vars (and, with Memory, of memory) falsifies:
/// branch facts that mention them, and call results bound to them.  A
/// write that changes only ChangedBits of its one variable (non-zero)
/// leaves flag tests of the other bits standing.
void forgetWrites(PathState &S, const std::vector<Symbol> &Vars,
                  bool Memory, const std::vector<Symbol> &Params,
                  uint64_t ChangedBits = 0);

/// Adds X to sorted A unless it is there.
template <class T> void insertSorted(std::vector<T> &A, const T &X) {
  auto It = std::lower_bound(A.begin(), A.end(), X);
  if (It == A.end() || !(*It == X))
    A.insert(It, X);
}

/// Keeps in A what B also has (both sorted).
template <class T>
void intersectSorted(std::vector<T> &A, const std::vector<T> &B) {
  std::erase_if(A, [&](const T &X) { return !std::binary_search(B.begin(), B.end(), X); });
}

/// Intersects the facts and bindings of B into A; true if A changed.
bool intersectInto(PathState &A, const PathState &B);

/// How A's branch facts stand against B's: how many they agree on, and
/// whether any pair contradicts.
struct FactComparison {
  size_t Shared = 0;
  bool Conflict = false;
};

FactComparison compareFacts(const PathState &A, const PathState &B);

/// The state S joins among Same, the states that hold what it holds: one
/// whose facts do not contradict S's, or null to keep S apart.  States
/// are merged by lockset (their facts intersected), except that
/// contradicting facts keep them apart: "if (a && b) lock(); ... if (a &&
/// b) unlock();" reaches the second test on two lock-free paths, !a and
/// a && !b, and intersecting those would forget that neither takes the
/// locked branch.  Past MaxFactSplits such states, S joins the one it
/// agrees with most, which loses the fewest facts.
PathState *joinPartner(llvm::ArrayRef<PathState *> Same, const PathState &S);

/// Path states, each with its signature: a join compares signatures with
/// every state already there, and intersectInto() never changes one.
struct StateSet {
  std::vector<PathState> States;
  std::vector<std::string> Sigs;
};

/// Adds S, whose signature is Sig, to Set: joined into a state it may
/// merge with (joinPartner()) or kept apart, up to Limit states (past that
/// S is dropped and Overflow set).  True if Set changed.
bool joinInto(StateSet &Set, PathState S, std::string Sig, size_t Limit,
              bool &Overflow);

/// Locks held on entry that this path has released and not taken again.
std::vector<LockKey> droppedOnEntry(const PathState &S);

/// What a callee dropped before an acquisition, seen from the caller: the
/// caller's own dropped entry locks, and the callee's that the caller does
/// not hold itself (so they were held by the caller's callers).
std::vector<LockKey> droppedThroughCall(const PathState &S,
                                        const std::vector<LockKey> &CalleeDropped);

} // namespace lockwise::dataflow

#endif
