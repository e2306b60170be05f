//===- Dataflow.cpp - Path-sensitive lockset dataflow over one CFG --------===//
//
// Each block holds a small set of path states.  States that hold the same
// locks are merged (their branch facts intersected) unless their facts
// contradict (joinPartner()); states that differ in what they hold stay
// apart, so "if (!held) lock(); ... if (!held) unlock();"
// keeps the two paths separate and correlates the second test with the
// first - where a lockset join (as in Clang's thread-safety analysis) would
// report a spurious imbalance.
//
//===----------------------------------------------------------------------===//
#include "engine/Analysis.h"
#include "engine/Summary.h"

#include "llvm/Support/GlobPattern.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>

namespace lockwise {

namespace {

constexpr size_t MaxStatesPerBlock = 32;
/// States with one lockset kept apart by contradicting facts (joinPartner).
constexpr size_t MaxFactSplits = 2;
constexpr size_t MaxSummaryCalls = 32;

/// __GFP_DIRECT_RECLAIM in Linux 6.1 (include/linux/gfp_types.h): an
/// allocation may sleep only when its flags allow direct reclaim.
constexpr long long GfpDirectReclaim = 0x400;

/// The rules, indexed for the transfer functions.
/// exclusive_contexts membership, one bit per context (at most 64).
using ContextMask = uint64_t;

struct RuleIndex {
  std::map<std::string, std::optional<unsigned>> Sleeping;
  struct Forbidden {
    std::string Lock, Why;
    std::vector<llvm::GlobPattern> Calls;
  };
  std::vector<Forbidden> ForbiddenWhileHeld;
  std::map<std::string, std::vector<std::string>> Requires;
  /// entered_holding: function key -> the locks held on its entry, each
  /// with the callback field that says so.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>>
      EnteredHolding;
  struct Continuous {
    std::string Lock, From, To, Why;
  };
  std::vector<Continuous> Continuously;
  std::map<std::string, std::string> Guarded;
  /// distinct_results: function name -> the groups it is in.
  std::map<std::string, std::vector<unsigned>> DistinctGroups;
  std::set<std::string> RecursiveLocks;
  std::set<std::string> CrashPaths;
  std::set<std::string> Unshared;
  /// class_by_holder: the struct tags whose locks are classed by holder.
  std::vector<std::string> HolderTypes;
  /// Whether L is the class of such a lock, with no holder named yet.
  bool isHolderClass(llvm::StringRef L) const {
    for (const std::string &T : HolderTypes)
      if (L.size() > T.size() && L.starts_with(T) && L[T.size()] == '.')
        return true;
    return false;
  }
  /// exclusive_contexts: each context's file globs (its bit is its index),
  /// and each group's mask of contexts.
  std::vector<std::vector<llvm::GlobPattern>> ContextFiles;
  std::vector<std::set<std::string>> ContextFunctions;
  std::vector<ContextMask> GroupMasks;
  /// The contexts a function belongs to, by its file or its name.
  ContextMask contextsOf(const FunctionFacts &F) const {
    ContextMask M = 0;
    llvm::StringRef File = F.Loc.File.str();
    for (size_t I = 0; I < ContextFiles.size(); ++I) {
      if (ContextFunctions[I].count(F.Name.str()))
        M |= ContextMask(1) << I;
      for (const llvm::GlobPattern &G : ContextFiles[I])
        if (G.match(File)) {
          M |= ContextMask(1) << I;
          break;
        }
    }
    return M;
  }
  /// A chain through these contexts cannot run: two of one group.
  bool conflicting(ContextMask M) const {
    for (ContextMask G : GroupMasks)
      if (std::popcount(M & G) > 1)
        return true;
    return false;
  }
  struct Wait {
    std::string Queue, Condition;
    SrcLoc Loc;
    /// Which writes can make the condition true: +1 growing the variable
    /// ("!list_empty(&l)", "n > 0"), -1 shrinking it ("n == 0"), 0 any.
    int Direction = 0;
  };
  /// "@variable" -> the waits whose condition reads it.
  std::map<std::string, std::vector<Wait>> WaitsByVar;

  bool interestingCall(const std::string &Name) const {
    for (const Forbidden &F : ForbiddenWhileHeld)
      for (const llvm::GlobPattern &G : F.Calls)
        if (G.match(Name))
          return true;
    for (const Continuous &C : Continuously)
      if (C.From == Name || C.To == Name)
        return true;
    return false;
  }
};
constexpr size_t MaxChainLength = 12;
constexpr size_t MaxFptrTargets = 64;

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
  Symbol Lock;
  Mode LockMode = Mode::Exclusive;
  unsigned Count = 1;
  bool Recursive = false;
  Symbol Text;
  ChainPtr Site;
};

struct ReleaseMark {
  Symbol Lock;
  SrcLoc Loc;
  bool AcquiredHere = false;
  /// How the release spelled the lock ("&old_q->lock"); empty when only a
  /// callee's spelling is known.
  Symbol Text;
};

struct PendingTry {
  int TryId = -1;
  int8_t Owner = OwnerNone;
  Symbol Lock;
  Mode LockMode = Mode::Exclusive;
  bool Recursive = false;
  bool SuccessIsZero = false;
  bool Atomic = false;
  Symbol Text;
  ChainPtr Site;
};

/// Condition state of a wait queue written and not yet woken.
struct DirtyMark {
  Symbol Queue, Variable;
  SrcLoc WriteLoc;
  Chain Path;
};

/// A held_continuously rule between its "from" and "to" calls.
struct ArmedMark {
  size_t Rule = 0;
  SrcLoc FromLoc, ReleaseLoc;
  bool Broken = false;
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
FactValue factOf(const Condition &C, unsigned Origin, bool Value) {
  return {C.Key, Origin, Value, C.Vars, C.Memory, C.MaskParam, C.Mask,
          C.IntVar, C.IntEq, C.IntConst};
}

/// What the path's bounds on C.IntVar say about C's atom: 1 true, 0 false,
/// -1 unknown.
int boundedTruth(const std::vector<FactValue> &Facts, const Condition &C) {
  int64_t Lo = INT64_MIN, Hi = INT64_MAX;
  std::vector<int64_t> Not;
  for (const FactValue &F : Facts) {
    if (F.IntVar != C.IntVar)
      continue;
    if (F.IntEq && F.Value)
      Lo = std::max(Lo, F.IntConst), Hi = std::min(Hi, F.IntConst);
    else if (F.IntEq)
      Not.push_back(F.IntConst);
    else if (F.Value) // v < k
      Hi = std::min(Hi, F.IntConst - 1);
    else // v >= k
      Lo = std::max(Lo, F.IntConst);
  }
  int64_t N = C.IntConst;
  if (C.IntEq) {
    if (N < Lo || N > Hi || std::find(Not.begin(), Not.end(), N) != Not.end())
      return 0;
    return Lo == Hi && Lo == N ? 1 : -1;
  }
  if (Hi < N)
    return 1;
  if (Lo >= N)
    return 0;
  return -1;
}

struct PathState {
  std::vector<HeldLock> Held;       // sorted by Lock
  std::vector<ReleaseMark> Released; // sorted by Lock
  std::vector<PendingTry> Pending;  // sorted by TryId
  std::vector<FactValue> Facts;     // sorted by Key
  std::map<Symbol, int> Binds;      // variable -> try id
  std::vector<DirtyMark> Dirty;     // sorted by Queue
  std::vector<ArmedMark> Armed;
  /// Call results known on this path (result id -> 0 zero, 1 non-zero).
  std::map<int, int> Results;
  int ReturnValue = -1;
  /// The local variable the path returns, if it returns exactly one.
  Symbol ReturnVar;
  std::optional<SrcLoc> LastReturn;
  /// Locks a branch found held ("if (p2m_locked_by_me(p2m))"): the caller
  /// holds them on this path.  Sorted.
  std::vector<Symbol> Assumed;
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
      S += H.Lock + (H.LockMode == Mode::Shared ? "/r" : "/w") +
           std::to_string(std::min(H.Count, 2u)) + ";";
    S += "|";
    for (const ReleaseMark &R : Released)
      S += R.Lock + (R.AcquiredHere ? "+" : "-") + ";";
    S += "|";
    for (const PendingTry &P : Pending)
      S += std::to_string(P.TryId) + ";";
    S += "|";
    for (const DirtyMark &D : Dirty)
      S += D.Queue + ";";
    S += "|";
    for (const ArmedMark &A : Armed)
      S += std::to_string(A.Rule) + (A.Broken ? "x;" : ";");
    // An error return stays apart from the others, or joined with "return
    // NULL" its value would be unknown and callers could not test it.
    if (ReturnValue == ReturnsErrorPointer)
      S += "|E";
    return S;
  }
  HeldLock *findHeld(const std::string &L) {
    for (HeldLock &H : Held)
      if (H.Lock == L)
        return &H;
    return nullptr;
  }
  const HeldLock *findHeld(const std::string &L) const {
    return const_cast<PathState *>(this)->findHeld(L);
  }
  ReleaseMark *findReleased(const std::string &L) {
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
        [](const HeldLock &A, const std::string &L) { return A.Lock < L; });
    Held.insert(It, std::move(H));
  }
  void setReleased(ReleaseMark M) {
    std::erase_if(Released, [&](const ReleaseMark &R) { return R.Lock == M.Lock; });
    auto It = std::lower_bound(
        Released.begin(), Released.end(), M.Lock,
        [](const ReleaseMark &A, const std::string &L) { return A.Lock < L; });
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
                  uint64_t ChangedBits = 0) {
  if (Vars.size() != 1)
    ChangedBits = 0;
  for (Symbol V : Vars)
    for (size_t I = 0; I < Params.size() && I < 64; ++I) {
      if (Params[I] != V)
        continue;
      if (ChangedBits)
        S.noteParamBitsChanged(I, ChangedBits);
      else
        S.WrittenParams |= uint64_t(1) << I;
    }
  std::erase_if(S.Facts, [&](const FactValue &Fv) {
    if (Memory && Fv.Memory)
      return true;
    if (ChangedBits && Fv.Mask && !(Fv.Mask & ChangedBits) &&
        Fv.Vars.size() == 1)
      return false;
    for (Symbol V : Vars)
      if (std::find(Fv.Vars.begin(), Fv.Vars.end(), V) != Fv.Vars.end())
        return true;
    return false;
  });
  for (Symbol V : Vars)
    S.Binds.erase(V);
}

/// Keeps in A what B also has (both sorted).
void intersectSorted(std::vector<Symbol> &A, const std::vector<Symbol> &B) {
  std::erase_if(A, [&](Symbol L) { return !std::binary_search(B.begin(), B.end(), L); });
}

/// Intersects the facts and bindings of B into A; true if A changed.
bool intersectInto(PathState &A, const PathState &B) {
  bool Changed = false;
  std::vector<FactValue> Kept;
  for (const FactValue &F : A.Facts) {
    const FactValue *O = B.findFact(F.Key);
    if (O && O->Value == F.Value)
      Kept.push_back(F);
    else
      Changed = true;
  }
  A.Facts = std::move(Kept);
  for (auto It = A.Results.begin(); It != A.Results.end();) {
    auto O = B.Results.find(It->first);
    if (O == B.Results.end() || O->second != It->second) {
      It = A.Results.erase(It);
      Changed = true;
    } else {
      ++It;
    }
  }
  if (A.ReturnValue != B.ReturnValue && A.ReturnValue != -1) {
    A.ReturnValue = -1;
    Changed = true;
  }
  if ((A.WrittenParams | B.WrittenParams) != A.WrittenParams) {
    A.WrittenParams |= B.WrittenParams;
    Changed = true;
  }
  for (const auto &[Param, Bits] : B.ChangedParamBits)
    if ((A.paramBitsChanged(Param) | Bits) != A.paramBitsChanged(Param)) {
      A.noteParamBitsChanged(Param, Bits);
      Changed = true;
    }
  size_t AssumedBefore = A.Assumed.size();
  intersectSorted(A.Assumed, B.Assumed);
  Changed |= A.Assumed.size() != AssumedBefore;
  if (A.ReturnVar != B.ReturnVar && !A.ReturnVar.empty()) {
    A.ReturnVar = Symbol();
    Changed = true;
  }
  for (auto It = A.Binds.begin(); It != A.Binds.end();) {
    auto O = B.Binds.find(It->first);
    if (O == B.Binds.end() || O->second != It->second) {
      It = A.Binds.erase(It);
      Changed = true;
    } else {
      ++It;
    }
  }
  return Changed;
}

/// How A's branch facts stand against B's: how many they agree on, and
/// whether any pair contradicts.
struct FactComparison {
  size_t Shared = 0;
  bool Conflict = false;
};
FactComparison compareFacts(const PathState &A, const PathState &B) {
  FactComparison Out;
  for (const FactValue &F : A.Facts)
    if (const FactValue *O = B.findFact(F.Key)) {
      if (O->Value == F.Value)
        ++Out.Shared;
      else
        Out.Conflict = true;
    }
  return Out;
}

/// The state S joins among Same, the states that hold what it holds: one
/// whose facts do not contradict S's, or null to keep S apart.  States
/// are merged by lockset (their facts intersected), except that
/// contradicting facts keep them apart: "if (a && b) lock(); ... if (a &&
/// b) unlock();" reaches the second test on two lock-free paths, !a and
/// a && !b, and intersecting those would forget that neither takes the
/// locked branch.  Past MaxFactSplits such states, S joins the one it
/// agrees with most, which loses the fewest facts.
PathState *joinPartner(llvm::ArrayRef<PathState *> Same, const PathState &S) {
  PathState *Closest = nullptr;
  size_t MostShared = 0;
  for (PathState *Old : Same) {
    FactComparison C = compareFacts(*Old, S);
    if (!C.Conflict)
      return Old;
    if (!Closest || C.Shared > MostShared)
      Closest = Old, MostShared = C.Shared;
  }
  return Same.size() >= MaxFactSplits ? Closest : nullptr;
}

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
              bool &Overflow) {
  std::vector<PathState *> Same;
  for (size_t I = 0; I < Set.States.size(); ++I)
    if (Set.Sigs[I] == Sig)
      Same.push_back(&Set.States[I]);
  if (PathState *Into = joinPartner(Same, S))
    return intersectInto(*Into, S);
  if (Set.States.size() >= Limit) {
    Overflow = true;
    return false;
  }
  Set.States.push_back(std::move(S));
  Set.Sigs.push_back(std::move(Sig));
  return true;
}

/// The local pointer a lock is reached through ("&desc->lock" -> "desc"),
/// or empty.  With Bare, also a wrapper's argument spelled as the pointer
/// itself ("evtchn_write_lock(d2)" -> "d2").
Symbol lockBase(llvm::StringRef Text, bool Bare = false) {
  // "&x" is the address of x itself, not a pointer x: only "&x->lock" has
  // a base.
  Bare &= !Text.consume_front("&");
  size_t End = 0;
  while (End < Text.size() &&
         (std::isalnum((unsigned char)Text[End]) || Text[End] == '_'))
    ++End;
  if (End == 0 || std::isdigit((unsigned char)Text[0]))
    return Symbol();
  llvm::StringRef Rest = Text.substr(End);
  if (!Rest.starts_with("->") && !(Bare && Rest.empty()))
    return Symbol();
  return Symbol(Text.substr(0, End));
}

/// Locks held on entry that this path has released and not taken again.
std::vector<Symbol> droppedOnEntry(const PathState &S) {
  std::vector<Symbol> Out;
  for (const ReleaseMark &R : S.Released)
    if (!R.AcquiredHere)
      Out.push_back(R.Lock);
  return Out; // Released is sorted by lock.
}

/// What a callee dropped before an acquisition, seen from the caller: the
/// caller's own dropped entry locks, and the callee's that the caller does
/// not hold itself (so they were held by the caller's callers).
std::vector<Symbol> droppedThroughCall(const PathState &S,
                                       const std::vector<Symbol> &CalleeDropped) {
  std::vector<Symbol> Out = droppedOnEntry(S);
  for (Symbol L : CalleeDropped)
    if (!L.empty() && !S.findHeld(L))
      Out.push_back(L);
  std::sort(Out.begin(), Out.end());
  Out.erase(std::unique(Out.begin(), Out.end()), Out.end());
  return Out;
}


Chain extend(const Chain &Prefix, const Chain &Suffix) {
  Chain Out = Prefix;
  Out.insert(Out.end(), Suffix.begin(), Suffix.end());
  if (Out.size() <= MaxChainLength)
    return Out;
  // Keep both ends: where the chain starts, and the acquisition (or the
  // need) it leads to, which is the part a reviewer acts on.  The gap is
  // marked, so that no one reads the two ends as one call.
  Chain Cut(Out.begin(), Out.begin() + 2);
  const WitnessStep &Gap = Out[2];
  Cut.push_back(WitnessStep{Gap.Loc, Gap.Function,
                            Symbol(Gap.Function.str() + " ... (calls not shown)")});
  Cut.insert(Cut.end(), Out.end() - (MaxChainLength - 3), Out.end());
  return Cut;
}

bool isParamLock(const std::string &L) { return !L.empty() && L[0] == '$'; }
/// N of a parameter's lock "$N".
unsigned paramLockIndex(const std::string &L) { return std::stoul(L.substr(1)); }

/// LOCKWISE_DEBUG_SUMMARY=f,g prints those functions' summaries (a
/// developer aid, dumpSummary()); read once, not per path or function.
const char *const DebugSummariesOf = std::getenv("LOCKWISE_DEBUG_SUMMARY");
const bool DebugSummaries = DebugSummariesOf != nullptr;
/// LOCKWISE_DEBUG_STATES=f prints f's path states at each block (dumpStates).
const char *const DebugStatesOf = std::getenv("LOCKWISE_DEBUG_STATES");

/// A witness from inside a wrapper names the lock by the wrapper's
/// parameter ('l' acquired here in mm_lock_pod); once the caller has said
/// which lock that is, name the class instead.
Chain nameParameterLock(const Chain &C, const std::string &CalleeLock,
                        const std::string &ParamText, const std::string &Class) {
  if (!isParamLock(CalleeLock) || Class.empty() || ParamText.empty())
    return C;
  Chain Out = C;
  std::string From = "'" + ParamText + "' ", To = "'" + Class + "' ";
  for (WitnessStep &S : Out)
    if (S.Message.str().rfind(From, 0) == 0)
      S.Message = To + S.Message.str().substr(From.size());
  return Out;
}

std::string describe(const std::string &Lock, const std::string &Text) {
  if (isParamLock(Lock) && !Text.empty())
    return "'" + Text + "'";
  return "'" + Lock + "'";
}

bool sameSites(const Chain &A, const Chain &B) {
  return A.front().Loc == B.front().Loc && A.back().Loc == B.back().Loc;
}

/// Keeps the shortest witness first and up to MaxOtherWitnesses others with
/// distinct acquisition sites.  Called for every edge observation, so it
/// moves chains instead of rebuilding the list.
void mergeWitness(LockEdge &Into, LockEdge New) {
  auto Consider = [&](Chain C) {
    if (C.empty())
      return;
    if (sameSites(Into.Witness, C)) {
      if (C.size() < Into.Witness.size())
        Into.Witness = std::move(C);
      return;
    }
    for (Chain &O : Into.Others)
      if (sameSites(O, C)) {
        if (C.size() < O.size())
          O = std::move(C);
        return;
      }
    if (C.size() < Into.Witness.size()) {
      Into.Others.insert(Into.Others.begin(), std::move(Into.Witness));
      Into.Witness = std::move(C);
      if (Into.Others.size() > MaxOtherWitnesses)
        Into.Others.pop_back();
      return;
    }
    if (Into.Others.size() < MaxOtherWitnesses)
      Into.Others.push_back(std::move(C));
  };
  Consider(std::move(New.Witness));
  for (Chain &C : New.Others)
    Consider(std::move(C));
}

/// Per-function observations, committed when the function's SCC settles.
struct FunctionObs {
  std::map<std::pair<std::string, std::string>, LockEdge> Edges;
  std::map<std::string, DoubleLockObs> DoubleLocks;
  std::map<std::string, DoubleUnlockObs> DoubleUnlocks;
  std::map<std::string, LeakObs> Leaks;
  std::map<std::string, SleepObs> Sleeps;
  std::map<std::string, HeldAcrossObs> HeldAcross;
  std::map<std::string, BrokenHoldObs> BrokenHolds;
  std::map<std::string, LostWakeupObs> LostWakeups;
  std::map<std::string, NeedObs> Needs;
  std::map<std::string, HeldAtCall> Calls;
  /// Classes seen as an object's lock (LockRef::Owner is not OwnerNone).
  std::set<std::string> Instances;
  bool Incomplete = false;
};

std::string locKey(const SrcLoc &L) {
  return L.File + ":" + std::to_string(L.Line) + ":" + std::to_string(L.Column);
}

bool allows(const ParamConditions &When, const std::vector<ArgInfo> &Args);

class FunctionAnalysis {
public:
  FunctionAnalysis(const Program &P, const FunctionFacts &F,
                   const std::unordered_map<std::string, Summary> &Sums, bool HasCallers,
                   const RuleIndex &Rules, ContextMask Contexts,
                   bool RecordCalls)
      : P(P), F(F), Sums(Sums), HasCallers(HasCallers), Rules(Rules),
        Own(Contexts), RecordCalls(RecordCalls) {}

  void run();
  Summary Out;
  FunctionObs Obs;

  /// The caller-side name of a lock reference in this function.
  std::string lockName(const LockRef &R) const {
    if (R.K == LockRef::Param)
      return "$" + std::to_string(R.ParamIndex);
    return P.className(R);
  }

private:
  void transferBlock(const Block &B, std::vector<PathState> &States);
  void transferEvent(const Event &E, PathState &S, std::vector<PathState> &Forked);
  void acquire(PathState &S, const std::string &Lock, Mode M, bool Recursive,
               bool Try, const std::string &Text, const Chain &Path,
               const SrcLoc &Loc, bool ManagedByCallee, bool Atomic,
               int8_t Owner, ContextMask Contexts = 0);
  void release(PathState &S, const std::string &Lock, const std::string &Text,
               const SrcLoc &Loc, const Chain &Path);
  void resolveTry(PathState &S, int TryId, bool AtomNonZero);
  /// Var now holds the result of Source, which a distinct_results group
  /// lists: Var differs from every local holding another member's result
  /// ("p2m = p2m_get_altp2m(curr)" after "hostp2m = p2m_get_hostp2m(currd)":
  /// "p2m != hostp2m" holds).
  void noteDistinctResult(PathState &S, Symbol Var, Symbol Source);
  void applyCall(const Event &E, PathState &S, std::vector<PathState> &Forked);
  /// S and Inherited (a callee's conditions, in our terms) give the
  /// parameter conditions of an edge left to the callers.
  void addEdge(const std::string &From, const std::string &To,
               const Chain &HeldSite, const Chain &ToPath, bool RecursiveTarget,
               int8_t FromOwner, int8_t ToOwner, const PathState &S,
               const ParamConditions &Inherited = {},
               Symbol FromHolder = {}, Symbol ToHolder = {});
  void summariseAcquire(const std::string &Lock, Mode M, bool Try,
                        bool Recursive, int RecursiveParam, bool Guarded,
                        const std::string &Text, const Chain &Path,
                        const ParamConditions &When,
                        std::vector<Symbol> Dropped, ContextMask Contexts,
                        int8_t Owner, Symbol Holder = {});
  /// A callee's holder for CalleeLock (SummaryAcquire::Holder), in this
  /// function's terms: the callee's own, else what the argument its owner
  /// parameter receives is held in.
  Symbol holderAt(Symbol CalleeHolder, int8_t CalleeOwner,
                  const std::string &Lock, const std::vector<ArgInfo> &Args) const;
  /// A callee's LockRef::Owner for CalleeLock, in this function's terms.
  static int8_t ownerAt(int8_t CalleeOwner, const std::string &CalleeLock,
                        const std::vector<ArgInfo> &Args);
  /// The branch facts of S that are about this function's parameters,
  /// and then those of Inherited (a callee's, in our terms) not among them.
  ParamConditions paramConditions(const PathState &S,
                                  const ParamConditions &Inherited = {}) const;
  std::string substitute(const std::string &CalleeLock,
                         const std::vector<ArgInfo> &Args) const;
  /// The branch-fact key an argument stands for (our parameter or local
  /// variable passed as is), or empty.
  Symbol argFact(const Event &E, int Index) const {
    if (Index < 0 || (size_t)Index >= E.Args.size())
      return Symbol();
    const ArgInfo &A = E.Args[Index];
    if (A.MaskedParam >= 0 && (size_t)A.MaskedParam < F.Params.size())
      return Symbol(maskKey(F.Params[A.MaskedParam].str(), A.ParamMask));
    if (A.Param >= 0 && (size_t)A.Param < F.Params.size())
      return F.Params[A.Param];
    return A.Var;
  }
  /// allows(), and no branch fact of the path contradicts a condition on an
  /// argument that is our parameter or local passed as is: after
  /// "ASSERT(!(flags & IOMMUF_preempt))", iommu_map()'s preemption check
  /// under "flags & IOMMUF_preempt" is not reached.
  bool allowsHere(const PathState &S, const ParamConditions &When,
                  const Event &E) const {
    if (!allows(When, E.Args))
      return false;
    for (const ParamCondition &C : When) {
      if (!C.CarriedKey.empty()) {
        if ((size_t)C.Param >= E.Args.size())
          continue;
        const ArgInfo &A = E.Args[C.Param];
        if (A.Object.empty() && A.Param < 0)
          continue;
        if (!P.callbackFlags().mayCarry(C.CarriedKey.str(), C.CarriedTarget.str(),
                                        F.Key.str(), A.Param, A.Object.str()))
          return false;
        continue;
      }
      Symbol Name = argFact(E, C.Param);
      if (Name.empty())
        continue;
      const FactValue *Known = S.findFact(
          !C.Field.empty() ? Symbol(Name.str() + "->" + C.Field.str())
          : C.Mask         ? Symbol(maskKey(Name.str(), C.Mask))
                           : Name);
      if (Known && Known->Value != C.NonZero)
        return false;
    }
    return true;
  }
  /// How the caller spells a callee's lock: the argument for a parameter's
  /// lock ("$0" -> "rchn"), the callee's spelling with its parameter
  /// replaced by our argument ("&evtchn->lock" -> "&rchn->lock"), or
  /// nothing when only the callee's spelling is known.
  std::optional<std::string> callerSpelling(const Event &E,
                                            const std::string &Target,
                                            const std::string &CalleeLock,
                                            const std::string &CalleeText) const {
    if (isParamLock(CalleeLock)) {
      unsigned Index = paramLockIndex(CalleeLock);
      if (Index < E.Args.size() && !E.Args[Index].Lock.Text.empty())
        return E.Args[Index].Lock.Text.str();
      return std::nullopt;
    }
    const FunctionFacts *Callee = P.function(Target);
    if (!Callee)
      return std::nullopt;
    llvm::StringRef Text(CalleeText);
    bool Address = Text.consume_front("&");
    for (size_t I = 0; I < Callee->Params.size(); ++I) {
      llvm::StringRef Param = Callee->Params[I].str();
      if (Param.empty() || !Text.starts_with(Param))
        continue;
      llvm::StringRef Rest = Text.substr(Param.size());
      if (!Rest.starts_with("->") && !Rest.starts_with("."))
        continue;
      Symbol Arg = argFact(E, I);
      if (Arg.empty())
        return std::nullopt;
      return (Address ? "&" : "") + Arg.str() + Rest.str();
    }
    return std::nullopt;
  }
  /// substitute() over a sorted list; the result is sorted too.
  std::vector<Symbol> substituteAll(const std::vector<Symbol> &Locks,
                                    const std::vector<ArgInfo> &Args) const {
    std::vector<Symbol> Out;
    for (Symbol L : Locks)
      if (std::string X = substitute(L, Args); !X.empty())
        Out.push_back(Symbol(X));
    std::sort(Out.begin(), Out.end());
    return Out;
  }
  /// Whether an indirect call E may reach Target given the flags on the
  /// object it goes through (CallbackFlags.h): not where the path knows a
  /// flag that rules Target out is set; where the object is our parameter,
  /// Target's effects get the condition that the flag is clear (Extra).
  bool flagAllows(const Event &E, const std::string &Target,
                  const PathState &S, ParamConditions &Extra) const {
    if (E.FptrBase.empty())
      return true;
    llvm::StringRef Base = E.FptrBase.str();
    int Param = -1;
    if (Base.ends_with("->"))
      for (size_t I = 0; I < F.Params.size() && I < 64; ++I)
        if (F.Params[I].str() == Base.drop_back(2) && !S.paramBitsChanged(I))
          Param = I;
    // The object may not be one Target is ever stored on.
    const CallbackFlags &CF = P.callbackFlags();
    if (Param >= 0 && CF.narrows(E.FptrKey.str(), Target)) {
      if (!CF.mayCarry(E.FptrKey.str(), Target, F.Key.str(), Param))
        return false;
      Extra.push_back({Param, true, 0, Symbol(), E.FptrKey, Symbol(Target)});
    }
    const std::vector<Symbol> *Flags = CF.excludingFlags(E.FptrKey.str(), Target);
    if (!Flags)
      return true;
    for (Symbol Flag : *Flags) {
      const FactValue *Known = S.findFact(Symbol(Base.str() + Flag.str()));
      if (Known && Known->Value)
        return false;
      if (Param >= 0 && !Known)
        Extra.push_back({Param, false, 0, Flag});
    }
    return true;
  }
  bool caseFilter(PathState &S, const Block &B, size_t I, unsigned Origin);
  bool edgeFilter(PathState &S, const Condition &C, bool TrueEdge,
                  unsigned Origin);
  void finish(const std::vector<PathState> &ExitStates);
  void maybeHeldAcrossOutcomes();

  WitnessStep step(const SrcLoc &Loc, std::string Msg) const {
    return WitnessStep{Loc, F.Name, std::move(Msg)};
  }
  /// The last step of a chain to a declared requirement.
  WitnessStep requiresStep(const SrcLoc &Loc, const std::string &Function,
                           const std::string &Lock) const {
    return step(Loc, Function + " requires '" + Lock + "' (rules)");
  }

  const Program &P;
  const FunctionFacts &F;
  const std::unordered_map<std::string, Summary> &Sums;
  bool HasCallers;
  const RuleIndex &Rules;
  /// The exclusive_contexts this function runs in: its own file's, and
  /// those every caller runs in (impliedContexts()).
  ContextMask Own;
  /// Fill FunctionObs::Calls (AnalysisOptions::QueryTables).
  bool RecordCalls;

public:
  std::set<std::string> DebugReleases;

private:
  // Rule-driven transfer (sleep-in-atomic, held-across, needs, broken-hold,
  // lost-wakeup).
  void sleepAt(PathState &S, const std::string &What, const Chain &Path,
               const SrcLoc &Loc, std::vector<Symbol> Dropped = {});
  /// A call by name: forbidden_while_held and the "to" side of
  /// held_continuously.  Through a callee's summary (Direct false) the
  /// order of its calls is unknown, so held_continuously is left to the
  /// callee, and locks the callee releases first (NotHeld) do not count.
  void callNamed(PathState &S, const std::string &Callee, const Chain &Path,
                 const SrcLoc &Loc, bool Direct = true,
                 const std::set<std::string> *NotHeld = nullptr,
                 const ParamConditions &When = {});
  /// The "from" side of held_continuously, after the call returned (the
  /// "from" function may take the lock itself, as xs_suspend() does).
  void armFrom(PathState &S, const std::string &Callee, const SrcLoc &Loc);
  void addNeed(const ParamConditions &When, NeedObs::Kind K, const std::string &Lock,
               const std::string &Subject, bool IsWrite, const Chain &Path);
  void entryNeeds();
  /// The state on entry: the locks entered_holding says a callback runs
  /// under, held as the caller's (neither acquired nor released here).
  PathState entryState() const;
  /// A lock a callee needs at this call: missing here, or passed up.
  void needAtCall(PathState &S, NeedObs::Kind K, const std::string &L,
                  const std::string &Subject, bool IsWrite, const Chain &Path,
                  const SrcLoc &Loc, const ParamConditions &Inherited = {});
  /// Path is built only when the write matters (a wait condition reads
  /// Var): most writes do not, and chains are not free.
  void writeVariable(PathState &S, const std::string &Var, const SrcLoc &Loc,
                     llvm::function_ref<Chain()> Path, int Direction);
  /// Locks this function asserts or is declared to need on entry: its own
  /// accesses to data they guard are covered by that requirement.
  std::set<std::string> EntryRequired;
  /// Locks this function acquires itself: it is responsible for holding
  /// them where its callees and its own accesses need them.
  std::set<std::string> TakenHere;
  /// Queues this function itself waits on: the consumer changing its own
  /// condition need not wake itself.
  std::set<std::string> WaitsOn;
  /// Is-held tests by their id, with the lock they test.
  std::map<int, std::string> HeldTests;
  void wake(PathState &S, const std::string &Queue);
  bool gfpAllowsSleep(const Event &E, unsigned GfpArg) const;
};

std::string FunctionAnalysis::substitute(const std::string &CalleeLock,
                                         const std::vector<ArgInfo> &Args) const {
  if (!isParamLock(CalleeLock))
    return CalleeLock;
  unsigned Index = paramLockIndex(CalleeLock);
  if (Index >= Args.size())
    return "";
  const LockRef &R = Args[Index].Lock;
  if (R.K == LockRef::None || R.K == LockRef::Unknown || R.K == LockRef::Local)
    return "";
  return lockName(R);
}

int8_t FunctionAnalysis::ownerAt(int8_t CalleeOwner,
                                 const std::string &CalleeLock,
                                 const std::vector<ArgInfo> &Args) {
  if (isParamLock(CalleeLock)) {
    // The callee locks what we pass: a global lock is nobody's instance.
    unsigned Index = paramLockIndex(CalleeLock);
    if (Index >= Args.size())
      return OwnerAny;
    const ArgInfo &A = Args[Index];
    if (A.Lock.K == LockRef::Type)
      return A.Lock.Owner;
    return A.Lock.K == LockRef::Global ? (int8_t)OwnerNone : A.Origin;
  }
  if (CalleeOwner >= 0)
    return (size_t)CalleeOwner < Args.size() ? Args[CalleeOwner].Origin
                                             : OwnerAny;
  return CalleeOwner;
}

Symbol FunctionAnalysis::holderAt(Symbol CalleeHolder, int8_t CalleeOwner,
                                  const std::string &Lock,
                                  const std::vector<ArgInfo> &Args) const {
  if (!CalleeHolder.empty() || !Rules.isHolderClass(Lock))
    return CalleeHolder;
  if (CalleeOwner < 0 || (size_t)CalleeOwner >= Args.size())
    return {};
  Symbol H = Args[CalleeOwner].Holder;
  // "$N": our parameter N's; our callers say (through ownerAt()).
  return H.empty() || H.str()[0] == '$' ? Symbol() : H;
}

void FunctionAnalysis::addEdge(const std::string &From, const std::string &To,
                               const Chain &HeldSite, const Chain &ToPath,
                               bool RecursiveTarget, int8_t FromOwner,
                               int8_t ToOwner, const PathState &S,
                               const ParamConditions &Inherited,
                               Symbol FromHolder, Symbol ToHolder) {
  if (From.empty() || To.empty() ||
      (From == To && FromHolder == ToHolder))
    return;
  // How the held lock was taken, then the way to the new one: each half is
  // cut on its own (extend()), so neither loses the acquisition it ends in.
  Chain W = HeldSite;
  W.insert(W.end(), ToPath.begin(), ToPath.end());
  size_t ToStart = HeldSite.size();
  // The running context's instance taken under a parameter's: only a
  // caller knows whether the parameter is the running context too.
  bool OwnersUndecided = ToOwner == OwnerCurrent && FromOwner >= 0;
  // A lock classed by holder, reached from a parameter: the caller names
  // the holder (its argument's).
  auto HolderPending = [&](const std::string &L, int8_t Owner, Symbol Holder) {
    return Holder.empty() && Owner >= 0 && Rules.isHolderClass(L);
  };
  bool NeedsCaller = isParamLock(From) || isParamLock(To) ||
                     (RecursiveTarget && HasCallers) ||
                     (OwnersUndecided && HasCallers) ||
                     (HasCallers && (HolderPending(From, FromOwner, FromHolder) ||
                                     HolderPending(To, ToOwner, ToHolder)));
  if (NeedsCaller) {
    if (isParamLock(From) || isParamLock(To)) {
      if (!HasCallers)
        return; // Nobody can tell us what the parameter is.
    }
    DeferredEdge D{From,    To,        RecursiveTarget, W,
                   ToStart, FromOwner, ToOwner,         FromHolder,
                   ToHolder, paramConditions(S, Inherited)};
    for (DeferredEdge &Old : Out.Deferred)
      if (Old == D) {
        if (W.size() < Old.Witness.size())
          Old = D;
        return;
      }
    Out.Deferred.push_back(std::move(D));
    return;
  }
  // The running context's lock taken while another object's is held
  // (rules' running_context): an edge to the class's running-context copy,
  // as Xen ranks the calling domain's mm locks after the subject's.  Only
  // this way round: an object reached from the running context's own locks
  // through a back pointer ("p2m->domain", "page_get_owner(pg)") is not
  // known to be another object, so the reverse stays a plain edge.  A
  // global lock (OwnerNone) is the same whoever runs.
  std::string FromNode = holderNode(From, FromHolder),
              ToNode = holderNode(To, ToHolder);
  if (FromNode == ToNode)
    return;
  if (ToOwner == OwnerCurrent && FromOwner != OwnerCurrent &&
      FromOwner != OwnerNone)
    ToNode = runningContextNode(ToNode);
  auto Key = std::make_pair(FromNode, ToNode);
  auto It = Obs.Edges.find(Key);
  if (It == Obs.Edges.end()) {
    Obs.Edges[Key] = LockEdge{FromNode, ToNode, std::move(W), {}};
    return;
  }
  mergeWitness(It->second, LockEdge{FromNode, ToNode, std::move(W), {}});
}

ParamConditions
FunctionAnalysis::paramConditions(const PathState &S,
                                  const ParamConditions &Inherited) const {
  ParamConditions Out;
  for (const FactValue &Fv : S.Facts) {
    if (Fv.MaskParam >= 0) {
      if (!(S.paramBitsChanged(Fv.MaskParam) & Fv.Mask))
        Out.push_back({Fv.MaskParam, Fv.Value, Fv.Mask});
      continue;
    }
    for (size_t I = 0; I < F.Params.size(); ++I)
      if (Fv.Key == F.Params[I] && !S.paramBitsChanged(I))
        Out.push_back({(int)I, Fv.Value});
  }
  for (const ParamCondition &C : Inherited)
    if (std::find(Out.begin(), Out.end(), C) == Out.end())
      Out.push_back(C);
  return Out;
}

/// Whether C's atom holds for a call that returned R (0, 1 or
/// ReturnsErrorPointer): the value itself, or an error test of it.
bool atomHolds(const Condition &C, int R) {
  switch (C.ErrTest) {
  case Condition::IsErr:
    return R == ReturnsErrorPointer;
  case Condition::IsErrOrNull:
    return R == 0 || R == ReturnsErrorPointer;
  case Condition::NotErrorTest:
    break;
  }
  return R != 0;
}

/// What a caller testing the result sees of Returns, given all the values
/// the function returns: "return NULL" (or 0) on some paths and something
/// unknown on the others makes the unknown ones the non-zero ones (the
/// locked object, the error code).
int testedReturn(int Returns, const std::vector<int> &All) {
  bool AnyZero = std::count(All.begin(), All.end(), 0) != 0;
  bool AnyKnownNonZero = std::count(All.begin(), All.end(), 1) != 0;
  return Returns < 0 && AnyZero && !AnyKnownNonZero ? 1 : Returns;
}

/// The one condition A and B disagree on, when they differ in nothing
/// else: "p" and "!p" on the same parameter (and mask).
std::optional<ParamCondition> complementaryCondition(const Outcome &A,
                                                     const Outcome &B) {
  if (A.When.size() != B.When.size())
    return std::nullopt;
  Outcome X = A, Y = B;
  X.When.clear();
  Y.When.clear();
  if (!(X == Y))
    return std::nullopt;
  std::optional<ParamCondition> Split;
  for (const ParamCondition &C : A.When) {
    if (std::find(B.When.begin(), B.When.end(), C) != B.When.end())
      continue;
    ParamCondition Flip = C;
    Flip.NonZero = !C.NonZero;
    if (Split || std::find(B.When.begin(), B.When.end(), Flip) == B.When.end())
      return std::nullopt;
    Split = C;
  }
  return Split;
}

/// Outcomes that differ only by a parameter's test, taken both ways, are
/// one outcome that does not depend on it: (A && p) || (A && !p) is A.
/// Keeping them apart would make the parameter look like it tells the
/// caller whether a lock is held ("return info ? lock_desc(info, pflags) :
/// NULL", where the callee split on "if (pflags)").
void mergeComplementaryOutcomes(std::vector<Outcome> &Outcomes) {
  for (bool Merged = true; Merged;) {
    Merged = false;
    for (size_t I = 0; I < Outcomes.size() && !Merged; ++I)
      for (size_t J = I + 1; J < Outcomes.size() && !Merged; ++J) {
        std::optional<ParamCondition> C = complementaryCondition(Outcomes[I], Outcomes[J]);
        if (!C)
          continue;
        std::erase(Outcomes[I].When, *C);
        Outcomes.erase(Outcomes.begin() + J);
        Merged = true;
      }
  }
}

/// Whether two outcomes' parameter conditions cannot both hold, leaving
/// out those Ignored says a caller cannot decide.
static bool contradicts(const ParamConditions &A, const ParamConditions &B,
                        llvm::function_ref<bool(const ParamCondition &)> Ignored) {
  for (const ParamCondition &X : A)
    for (const ParamCondition &Y : B)
      if (X.Param == Y.Param && X.Mask == Y.Mask && X.Field == Y.Field &&
          X.CarriedKey == Y.CarriedKey && X.CarriedTarget == Y.CarriedTarget &&
          X.NonZero != Y.NonZero &&
          !Ignored(X))
        return true;
  return false;
}

/// Whether Big has every condition of Small: an item under Small covers one
/// under Big.
bool includes(const ParamConditions &Big, const ParamConditions &Small) {
  return std::all_of(Small.begin(), Small.end(), [&](const ParamCondition &C) {
    return std::find(Big.begin(), Big.end(), C) != Big.end();
  });
}

/// Leaves in Into the conditions Other has too: an item reached under
/// either set holds under what both say.
void keepCommon(ParamConditions &Into, const ParamConditions &Other) {
  std::erase_if(Into, [&](const ParamCondition &C) {
    return std::find(Other.begin(), Other.end(), C) == Other.end();
  });
}

/// Whether a caller's constant arguments allow a summary item.
bool allows(const ParamConditions &When, const std::vector<ArgInfo> &Args) {
  for (const ParamCondition &C : When) {
    if ((size_t)C.Param >= Args.size() || !Args[C.Param].HasInt || !C.onValue())
      continue;
    uint64_t V = (uint64_t)Args[C.Param].Int;
    if (C.Mask)
      V &= C.Mask;
    if ((V != 0) != C.NonZero)
      return false;
  }
  return true;
}

/// A callee's conditions on its parameters, as conditions on ours where we
/// pass our parameter through ("get_gfn_query_unlocked() -> ... (q) ->
/// p2m_pt_get_entry(q)": the populate under "q & P2M_ALLOC" stays
/// conditional on the outermost caller's q).
ParamConditions forwardConditions(const ParamConditions &Callee,
                                  const std::vector<ArgInfo> &Args) {
  ParamConditions Out;
  for (const ParamCondition &C : Callee) {
    if ((size_t)C.Param >= Args.size() || Args[C.Param].HasInt)
      continue;
    const ArgInfo &A = Args[C.Param];
    if (A.Param >= 0)
      Out.push_back({A.Param, C.NonZero, C.Mask, C.Field, C.CarriedKey,
                     C.CarriedTarget});
    else if (A.MaskedParam >= 0 && !C.Mask && C.onValue())
      Out.push_back({A.MaskedParam, C.NonZero, A.ParamMask});
  }
  return Out;
}

void FunctionAnalysis::summariseAcquire(const std::string &Lock, Mode M,
                                        bool Try, bool Recursive,
                                        int RecursiveParam, bool Guarded,
                                        const std::string &Text,
                                        const Chain &Path,
                                        const ParamConditions &When,
                                        std::vector<Symbol> Dropped,
                                        ContextMask Contexts, int8_t Owner,
                                        Symbol Holder) {
  if (Lock.empty())
    return;
  if (Owner != OwnerNone && !isParamLock(Lock))
    Obs.Instances.insert(Lock);
  // Acquisitions of one lock under different parameter conditions stay
  // apart (p2m_get_gfn_type_access() takes the p2m lock "if (locked)" and,
  // through the sharing code, "if (q & P2M_ALLOC)": a caller passing
  // locked = 0 and q = 0 gets neither), up to a few; an acquisition whose
  // conditions include another's is covered by it.
  constexpr size_t MaxConditionalCopies = 4;
  SummaryAcquire *Same = nullptr;
  size_t Copies = 0;
  bool Covered = false;
  for (SummaryAcquire &A : Out.Acquires) {
    if (A.Lock != Lock || A.LockMode != M || A.Try != Try ||
        A.Owner != Owner || A.Holder != Holder)
      continue;
    ++Copies;
    if (includes(When, A.When) || includes(A.When, When)) {
      Same = &A;
      Covered = true;
      break;
    }
    if (!Same)
      Same = &A;
  }
  if (Same && (Covered || Copies >= MaxConditionalCopies)) {
    SummaryAcquire &A = *Same;
    intersectSorted(A.Dropped, Dropped);
    A.Contexts &= Contexts; // excluded only if every chain is
    int Fewer = std::popcount(A.WitnessContexts) - std::popcount(Contexts);
    if (Fewer > 0 || (Fewer == 0 && Path.size() < A.Witness.size())) {
      A.Witness = Path;
      A.Text = Text;
      A.WitnessContexts = Contexts;
    }
    A.Recursive |= Recursive;
    A.Guarded &= Guarded;
    // Taken under either condition: keep only what both agree on.
    keepCommon(A.When, When);
    return;
  }
  Out.Acquires.push_back({When, Lock, M, Try, Recursive, RecursiveParam,
                          Guarded, Text, Path, std::move(Dropped), Contexts,
                          Contexts, Owner, Holder});
}

void FunctionAnalysis::acquire(PathState &S, const std::string &Lock, Mode M,
                               bool Recursive, bool Try,
                               const std::string &Text, const Chain &Path,
                               const SrcLoc &Loc, bool ManagedByCallee,
                               bool Atomic, int8_t Owner, ContextMask Contexts) {
  if (Lock.empty())
    return;
  // A lock inside *p is taken only if p is not NULL: until p is written, a
  // test of it is decided (evtchn_close()'s "if ( d2 == NULL )" after
  // "goto again" with d2's lock held).  Locals only: a fact on a parameter
  // becomes a condition of the summary's outcomes, which this is not.
  // A global lock spelled as itself ("xs_state_lock") has no pointer.
  if (Symbol V = lockBase(Text, /*Bare=*/Text != Lock);
      !V.empty() && !S.findFact(V) &&
      std::find(F.Params.begin(), F.Params.end(), V) == F.Params.end())
    S.addFact({V, 0, true, {V}, false});
  if (Owner != OwnerNone && !isParamLock(Lock))
    Obs.Instances.insert(Lock);
  Contexts |= Own;
  Recursive |= Rules.RecursiveLocks.count(Lock) != 0;
  if (HeldLock *H = S.findHeld(Lock)) {
    // Maybe held: this is the path where it was not.
    if (H->Maybe && !Try) {
      H->Maybe = false;
      return;
    }
    if (H->Recursive || Recursive ||
        (H->LockMode == Mode::Shared && M == Mode::Shared) || ManagedByCallee) {
      if (!ManagedByCallee)
        H->Count = std::min(H->Count + 1, 8u);
      return;
    }
    // Two instances of one class (a->lock then b->lock) are not a double
    // lock; the same spelling, or the same lock through a wrapper, is.
    if (!Try && (H->Text == Text || H->ViaCall)) {
      std::string K = Lock + "@" + locKey(Loc);
      if (!Obs.DoubleLocks.count(K))
        Obs.DoubleLocks[K] = DoubleLockObs{Lock, F.Name, Loc, *H->Site, Path};
    }
    // Count it either way, so the matching unlocks balance and one bug is
    // reported once.
    H->Count = std::min(H->Count + 1, 8u);
    return;
  }
  if (!Try)
    for (const HeldLock &H : S.Held)
      if (!Rules.conflicting(H.Contexts | Contexts))
        addEdge(H.Lock, Lock, *H.Site, Path, Recursive, H.Owner, Owner, S, {},
                H.Holder);
  HeldLock N;
  N.Owner = Owner;
  N.Contexts = Contexts;
  const ReleaseMark *Dropped = S.findReleased(Lock);
  N.Reentered = Dropped && !Dropped->AcquiredHere;
  N.Lock = Lock;
  N.LockMode = M;
  N.Recursive = Recursive;
  N.Text = Text;
  N.Atomic = Atomic;
  N.Site = std::make_shared<const Chain>(Path);
  S.addHeld(std::move(N));
  std::erase_if(S.Released, [&](const ReleaseMark &R) { return R.Lock == Lock; });
}

void FunctionAnalysis::release(PathState &S, const std::string &Lock,
                               const std::string &Text, const SrcLoc &Loc,
                               const Chain &Path) {
  if (Lock.empty())
    return;
  if (HeldLock *H = S.findHeld(Lock)) {
    if (--H->Count > 0)
      return;
    bool Reentered = H->Reentered;
    std::erase_if(S.Held, [&](const HeldLock &X) { return X.Lock == Lock; });
    S.setReleased({Lock, Loc, !Reentered, Text});
    for (ArmedMark &A : S.Armed)
      if (!A.Broken && Rules.Continuously[A.Rule].Lock == Lock) {
        A.Broken = true;
        A.ReleaseLoc = Loc;
      }
    return;
  }
  // Releasing a try-lock whose result was never tested: it succeeded.
  for (auto It = S.Pending.begin(); It != S.Pending.end(); ++It)
    if (It->Lock == Lock) {
      S.Pending.erase(It);
      S.setReleased({Lock, Loc, true, Text});
      return;
    }
  if (ReleaseMark *R = S.findReleased(Lock)) {
    // Released before under another spelling: possibly another instance of
    // the class ("spin_unlock(&q->lock)" on one path, "if (q != old_q)
    // spin_unlock(&old_q->lock)" after a merge lost q == old_q), as two
    // spellings are two instances for a double lock.
    if (!R->Text.empty() && !Text.empty() && R->Text != Text)
      return;
    std::string K = Lock + "@" + locKey(Loc);
    if (!Obs.DoubleUnlocks.count(K)) {
      Chain First{step(R->Loc, describe(Lock, Text) + " released here first")};
      Obs.DoubleUnlocks[K] = DoubleUnlockObs{Lock, F.Name, Loc, Path, First};
    }
    return;
  }
  // Held by the caller: this function is (on this path) a releasing wrapper.
  S.setReleased({Lock, Loc, false, Text});
}

/// The fact "Var holds Fn's result", and back.
std::string resultKey(llvm::StringRef Var, llvm::StringRef Fn) {
  return "result: " + Var.str() + " = " + Fn.str() + "()";
}
std::optional<std::pair<llvm::StringRef, llvm::StringRef>>
parseResultKey(llvm::StringRef Key) {
  if (!Key.consume_front("result: ") || !Key.consume_back("()"))
    return std::nullopt;
  auto [Var, Fn] = Key.split(" = ");
  return std::make_pair(Var, Fn);
}

void FunctionAnalysis::noteDistinctResult(PathState &S, Symbol Var, Symbol Source) {
  auto Groups = Rules.DistinctGroups.find(Source.str());
  if (Groups == Rules.DistinctGroups.end())
    return;
  std::vector<Symbol> Others;
  for (const FactValue &Fv : S.Facts) {
    auto Held = Fv.Value ? parseResultKey(Fv.Key.str()) : std::nullopt;
    if (!Held || Held->first == Var.str() || Held->second == Source.str())
      continue;
    auto Theirs = Rules.DistinctGroups.find(Held->second.str());
    if (Theirs == Rules.DistinctGroups.end())
      continue;
    if (llvm::any_of(Groups->second, [&](unsigned G) {
          return llvm::is_contained(Theirs->second, G);
        }))
      Others.push_back(Symbol(Held->first.str()));
  }
  for (Symbol Other : Others) {
    Symbol Key = equalityKey(Var.str(), Other.str());
    std::erase_if(S.Facts, [&](const FactValue &Fv) { return Fv.Key == Key; });
    S.addFact({Key, 0, false, {Var, Other}, false});
  }
  S.addFact({resultKey(Var.str(), Source.str()), 0, true, {Var}, false});
}

void FunctionAnalysis::resolveTry(PathState &S, int TryId, bool AtomNonZero) {
  for (auto It = S.Pending.begin(); It != S.Pending.end(); ++It) {
    if (It->TryId != TryId)
      continue;
    PendingTry T = std::move(*It);
    S.Pending.erase(It);
    // Remembered, so that a second test of the same result (the macro's
    // "?:", then the caller's "if") takes the same side.
    S.Results[TryId] = AtomNonZero ? 1 : 0;
    bool Success = T.SuccessIsZero ? !AtomNonZero : AtomNonZero;
    if (Success) {
      acquire(S, T.Lock, T.LockMode, T.Recursive, /*Try=*/true, T.Text,
              *T.Site, T.Site->back().Loc, false, T.Atomic, T.Owner);
      if (HeldLock *H = S.findHeld(T.Lock))
        H->FromTry = true;
    }
    return;
  }
}

bool FunctionAnalysis::edgeFilter(PathState &S, const Condition &C,
                                  bool TrueEdge, unsigned Origin) {
  bool AtomNonZero = TrueEdge != C.Negated;
  // A tested call result: the callee outcome this path took says what it
  // returned, which may rule the edge out.
  auto Feasible = [&](int Id) {
    auto R = S.Results.find(Id);
    return R == S.Results.end() || R->second < 0 ||
           atomHolds(C, R->second) == AtomNonZero;
  };
  // IS_ERR_OR_NULL(p) false: p is a valid pointer, which settles a
  // try-lock's result as a success; the other outcomes of an error test
  // say nothing of it.
  auto ResolveErrorTest = [&](int Id) {
    if (C.ErrTest == Condition::IsErrOrNull && !AtomNonZero)
      resolveTry(S, Id, /*AtomNonZero=*/true);
  };
  if (C.ErrTest != Condition::NotErrorTest) {
    int Id = C.TryId;
    if (C.K == Condition::Fact)
      if (auto B = S.Binds.find(C.ErrOf); B != S.Binds.end())
        Id = B->second;
    if (Id >= 0) {
      if (!Feasible(Id))
        return false;
      ResolveErrorTest(Id);
    }
    if (C.K != Condition::Fact)
      return true;
    // Neither NULL nor valid says nothing; an error pointer is not NULL.
    if (AtomNonZero == (C.ErrTest == Condition::IsErr)) {
      const FactValue *Null = S.findFact(C.ErrOf);
      if (Null && !Null->Value)
        return false;
      if (!Null)
        S.addFact({C.ErrOf, Origin, true, {C.ErrOf}, false});
    }
  }
  if (C.K == Condition::Try) {
    if (!Feasible(C.TryId))
      return false;
    if (auto H = HeldTests.find(C.TryId); H != HeldTests.end()) {
      bool HeldHere = S.findHeld(H->second) != nullptr;
      if (!AtomNonZero)
        return !HeldHere; // "not held by me", but we hold it: infeasible
      if (!HeldHere && !std::binary_search(S.Assumed.begin(), S.Assumed.end(),
                                           Symbol(H->second))) {
        S.Assumed.push_back(H->second);
        std::sort(S.Assumed.begin(), S.Assumed.end());
      }
      return true;
    }
    resolveTry(S, C.TryId, AtomNonZero);
    return true;
  }
  if (C.K != Condition::Fact)
    return true;
  if (auto B = S.Binds.find(C.Key); B != S.Binds.end() && !C.ErrTest) {
    if (!Feasible(B->second))
      return false;
    resolveTry(S, B->second, AtomNonZero);
  }
  if (const FactValue *Known = S.findFact(C.Key))
    return Known->Value == AtomNonZero;
  if (!C.IntVar.empty())
    if (int T = boundedTruth(S.Facts, C); T >= 0)
      return (T == 1) == AtomNonZero;
  if (!C.Unequal.empty() && AtomNonZero) {
    if (const FactValue *Eq = S.findFact(C.Unequal); Eq && Eq->Value)
      return false; // a < b, but a == b on this path
    if (!S.findFact(C.Unequal))
      S.addFact({C.Unequal, Origin, false, C.Vars, false});
  }
  S.addFact(factOf(C, Origin, AtomNonZero));
  if (C.CountedExit && !AtomNonZero) {
    Symbol Exit = intKey(C.IntVar.str(), /*Eq=*/true, C.IntConst);
    if (!S.findFact(Exit))
      S.addFact({Exit, Origin, true, C.Vars, false, -1, 0, C.IntVar,
                 /*IntEq=*/true, C.IntConst});
  }
  return true;
}

void FunctionAnalysis::applyCall(const Event &E, PathState &S,
                                 std::vector<PathState> &Forked) {
  std::vector<std::string> Targets = P.callTargets(E);
  if (Targets.size() > MaxFptrTargets)
    Targets.resize(MaxFptrTargets);
  WitnessStep CallStep =
      step(E.Loc, F.Name + " calls " + (E.Callee.empty() ? E.Name + " -> " : std::string()) +
                      (Targets.size() == 1 ? Targets[0].substr(0, Targets[0].find('@'))
                                           : E.Name.str()));
  // The locks held at each call: only queries read them (held-at).
  if (RecordCalls)
    for (const std::string &T : Targets) {
      HeldAtCall &H = Obs.Calls[locKey(E.Loc) + ">" + T];
      H.Caller = F.Key;
      H.Callee = T;
      H.Loc = E.Loc;
      for (const HeldLock &L : S.Held)
        if (std::find(H.Held.begin(), H.Held.end(), L.Lock) == H.Held.end())
          H.Held.push_back(L.Lock);
      std::sort(H.Held.begin(), H.Held.end());
    }

  std::vector<const Outcome *> AllOutcomes;
  std::vector<std::pair<const Summary *, std::string>> Used;
  for (const std::string &T : Targets) {
    auto It = Sums.find(T);
    if (It == Sums.end()) {
      // A function the program only declares: its "requires" rule is all
      // we know of it.
      std::string TName = T.substr(0, T.find('@'));
      auto R = P.function(T) ? Rules.Requires.end() : Rules.Requires.find(TName);
      if (R != Rules.Requires.end())
        for (const std::string &L : R->second)
          needAtCall(S, NeedObs::Declared, L, TName, false,
                     {CallStep, requiresStep(E.Loc, TName, L)},
                     E.Loc);
      continue;
    }
    std::string TName = T.substr(0, T.find('@'));
    // The system is going down: nothing in there orders our locks.
    if (Rules.CrashPaths.count(TName))
      continue;
    const Summary &Sum = It->second;
    ParamConditions Extra;
    if (!flagAllows(E, T, S, Extra))
      continue;
    // A callee's conditions in our terms, and those of the flags.
    auto Forward = [&](const ParamConditions &When) {
      ParamConditions Out = forwardConditions(When, E.Args);
      Out.insert(Out.end(), Extra.begin(), Extra.end());
      return Out;
    };
    Used.push_back({&Sum, T});
    WitnessStep Step = CallStep;
    if (Targets.size() > 1)
      Step.Message = F.Name + " calls " + TName + " through " + E.FptrKey;
    for (const SummaryAcquire &A : Sum.Acquires) {
      if (!allowsHere(S, A.When, E))
        continue;
      // Reached only through code that cannot run where we do (an EPT
      // handler from shadow-paging code).
      ContextMask Contexts = Own | A.Contexts;
      if (Rules.conflicting(Contexts))
        continue;
      std::string L = substitute(A.Lock, E.Args);
      if (L.empty())
        continue;
      bool Recursive = A.Recursive;
      if (A.RecursiveParam >= 0 && (size_t)A.RecursiveParam < E.Args.size() &&
          E.Args[A.RecursiveParam].HasInt)
        Recursive = E.Args[A.RecursiveParam].Int != 0;
      // A recursive class (libxl's CTX mutex) is re-taken wherever a caller
      // holds it: the edge from what this function holds is the callers'.
      Recursive |= Rules.RecursiveLocks.count(L) != 0;
      Chain Path = extend({Step}, nameParameterLock(A.Witness, A.Lock, A.Text, L));
      std::optional<std::string> Spelled = callerSpelling(E, T, A.Lock, A.Text);
      std::string Text = Spelled ? *Spelled : A.Text.str();
      std::vector<Symbol> Dropped = substituteAll(A.Dropped, E.Args);
      ParamConditions When = paramConditions(S, Forward(A.When));
      int8_t Owner = ownerAt(A.Owner, A.Lock, E.Args);
      Symbol Holder = holderAt(A.Holder, A.Owner, L, E.Args);
      summariseAcquire(L, A.LockMode, A.Try, Recursive, -1,
                       A.Guarded || !S.Facts.empty(), Text, Path, When,
                       droppedThroughCall(S, Dropped), Contexts, Owner, Holder);
      if (HeldLock *H = S.findHeld(L)) {
        bool Managed = Sum.releasesFromEntry(A.Lock) ||
                       std::binary_search(Dropped.begin(), Dropped.end(), L);
        // A wrapper taking the lock its argument points to: two arguments
        // spelled differently are two instances ("evtchn_write_lock(lchn);
        // evtchn_write_lock(rchn);"), as for a direct acquisition.
        bool OtherInstance = Spelled && !H->ViaCall && !H->Text.empty() &&
                             H->Text != Text;
        if (!A.Try && !Managed && !OtherInstance && !Recursive &&
            !H->Recursive && !A.Guarded && !H->Maybe &&
            !Rules.RecursiveLocks.count(L) &&
            !(H->LockMode == Mode::Shared && A.LockMode == Mode::Shared)) {
          std::string K = L + "@" + locKey(E.Loc);
          if (!Obs.DoubleLocks.count(K))
            Obs.DoubleLocks[K] = DoubleLockObs{L, F.Name, E.Loc, *H->Site, Path};
        }
        continue;
      }
      if (!A.Try)
        for (const HeldLock &H : S.Held)
          if (!std::binary_search(Dropped.begin(), Dropped.end(), H.Lock) &&
              !Rules.conflicting(H.Contexts | Contexts))
            addEdge(H.Lock, L, *H.Site, Path, Recursive, H.Owner, Owner, S,
                    Forward(A.When), H.Holder, Holder);
    }
    for (const DeferredEdge &D : Sum.Deferred) {
      std::string From = substitute(D.From, E.Args);
      std::string To = substitute(D.To, E.Args);
      if (From.empty() || To.empty())
        continue;
      if ((D.RecursiveTarget && S.findHeld(To)) || !allowsHere(S, D.When, E))
        continue;
      Chain Prefix{Step};
      Chain Head(D.Witness.begin(), D.Witness.begin() + D.ToStart);
      Chain Tail(D.Witness.begin() + D.ToStart, D.Witness.end());
      addEdge(From, To, extend(Prefix, Head), Tail, D.RecursiveTarget,
              ownerAt(D.FromOwner, D.From, E.Args),
              ownerAt(D.ToOwner, D.To, E.Args), S, Forward(D.When),
              holderAt(D.FromHolder, D.FromOwner, From, E.Args),
              holderAt(D.ToHolder, D.ToOwner, To, E.Args));
    }
    // What happens inside the callee, seen with the caller's locks.
    if (!Sum.Sleeps.empty())
      sleepAt(S, Sum.SleepsWhat, extend({Step}, Sum.Sleeps), E.Loc,
              substituteAll(Sum.SleepsDropped, E.Args));
    for (const SummaryNeed &N : Sum.Needs)
      if (allowsHere(S, N.When, E))
        needAtCall(S, N.K, substitute(N.Lock, E.Args), N.Subject, N.IsWrite,
                   extend({Step}, N.Path), E.Loc, Forward(N.When));
    std::set<std::string> ReleasedInside;
    for (const Outcome &O : Sum.Outcomes)
      for (const std::string &R : O.Released)
        ReleasedInside.insert(substitute(R, E.Args));
    for (const SummaryCall &C : Sum.Calls)
      if (allowsHere(S, C.When, E))
        callNamed(S, C.Callee, extend({Step}, C.Path), E.Loc, /*Direct=*/false,
                  &ReleasedInside, Forward(C.When));
    for (const std::string &Q : Sum.Wakes)
      wake(S, Q);
    // Calling something that waits on Q: we are Q's consumer, and what we
    // wrote before is what we are about to wait for.
    for (const std::string &Q : Sum.Waits) {
      WaitsOn.insert(Q);
      std::erase_if(S.Dirty, [&](const DirtyMark &D) { return D.Queue == Q; });
    }
    for (const SummaryDirty &D : Sum.Dirty)
      writeVariable(S, D.Variable, D.WriteLoc,
                    [&] { return extend({Step}, D.Path); }, 0);
    for (const Outcome &O : Sum.Outcomes)
      if (allows(O.When, E.Args))
        AllOutcomes.push_back(&O);
  }

  // Forget what the call may have changed.
  forgetWrites(S, E.Vars, /*Memory=*/false, F.Params);
  if (AllOutcomes.empty())
    return;

  // One state per distinct outcome of the callee(s).
  PathState Base = S;
  // The states the outcomes lead to, each told apart by its locks and the
  // value the call returned.
  StateSet Produced;
  bool Overflow = false; // never set: Produced has no limit
  for (size_t I = 0; I < AllOutcomes.size(); ++I) {
    const Outcome &O = *AllOutcomes[I];
    const Summary *Sum = nullptr;
    // Find which summary this outcome belongs to (for "managed" locks).
    std::string OutcomeTarget;
    for (auto &[SumPtr, T] : Used)
      for (const Outcome &X : SumPtr->Outcomes)
        if (&X == &O) {
          Sum = SumPtr;
          OutcomeTarget = T;
        }
    PathState N = Base;
    // An outcome conditional on an argument that is our own parameter or
    // local variable becomes a branch fact on it: "_get_gfn_type_access(...,
    // locked)", "spin_lock_if(locking, ...)" then "if (locking)".  An
    // outcome the path's facts contradict is not taken.
    bool Feasible = true;
    for (const ParamCondition &PC : O.When) {
      int Index = PC.Param;
      bool NonZero = PC.NonZero;
      if (!PC.onValue())
        continue;
      // A flag condition on our own parameter stays one on it, and so does
      // a condition on a local we named for one.
      const ArgInfo *A = (size_t)Index < E.Args.size() ? &E.Args[Index] : nullptr;
      int FlagParam = !A ? -1 : PC.Mask ? A->Param : A->MaskedParam;
      uint64_t Mask = PC.Mask ? PC.Mask : A ? A->ParamMask : 0;
      if (PC.Mask || FlagParam >= 0) {
        if (FlagParam >= 0 && (size_t)FlagParam < F.Params.size()) {
          Symbol Key = maskKey(F.Params[FlagParam].str(), Mask);
          if (const FactValue *Known = N.findFact(Key))
            Feasible &= Known->Value == NonZero;
          else
            N.addFact({Key, 0, NonZero, {F.Params[FlagParam]}, false,
                       FlagParam, Mask});
        }
        continue;
      }
      // The argument is a try-lock's (or a call's) result: this outcome
      // says what it was ("lock_evaluate_nospec(_read_trylock(l))").
      if (int Id = (size_t)Index < E.Args.size() ? E.Args[Index].TryId : -1; Id >= 0) {
        auto Known = N.Results.find(Id);
        if (Known != N.Results.end() && Known->second >= 0)
          Feasible &= (Known->second != 0) == NonZero;
        else
          resolveTry(N, Id, NonZero);
      }
      Symbol Name = argFact(E, Index);
      if (Name.empty())
        continue;
      if (const FactValue *Known = N.findFact(Name))
        Feasible &= Known->Value == NonZero;
      else
        N.addFact({Name, 0, NonZero, {Name}, false});
    }
    if (!Feasible && AllOutcomes.size() > 1)
      continue;
    for (const std::string &R : O.MaybeReleased)
      if (std::string L = substitute(R, E.Args); N.findHeld(L))
        release(N, L, std::string(), E.Loc, {CallStep});
    for (const std::string &R : O.Released) {
      std::string L = substitute(R, E.Args);
      // A lock the callee itself takes and keeps across calls is its own
      // business when we do not hold it.
      if (Sum && Sum->acquiresAndKeeps(R) && !N.findHeld(L))
        continue;
      std::optional<std::string> Spelled =
          OutcomeTarget.empty() || !Sum
              ? std::nullopt
              : callerSpelling(E, OutcomeTarget, R, Sum->releaseText(R));
      release(N, L, Spelled ? *Spelled : std::string(), E.Loc, {CallStep});
    }
    // Only what is known: an absent result reads as unknown, and a path
    // through a long function would otherwise carry one entry per call.
    if (E.TryId >= 0 && O.Returns >= 0)
      N.Results[E.TryId] = O.Returns;
    for (const HeldOnReturn &A : O.Acquired) {
      std::string L = substitute(A.Lock, E.Args);
      bool Managed = Sum && Sum->releasesFromEntry(A.Lock);
      if (!L.empty())
        TakenHere.insert(L); // through an acquiring wrapper (pod_lock())
      std::optional<std::string> Spelled =
          OutcomeTarget.empty() ? std::nullopt
                                : callerSpelling(E, OutcomeTarget, A.Lock, A.Text);
      bool WasHeld = N.findHeld(L) != nullptr;
      acquire(N, L, A.LockMode, A.Recursive, /*Try=*/true,
              Spelled ? *Spelled : A.Text.str(),
              extend({CallStep}, nameParameterLock(A.Witness, A.Lock, A.Text, L)),
              E.Loc, Managed, A.Atomic, ownerAt(A.Owner, A.Lock, E.Args),
              A.Contexts);
      if (HeldLock *H = N.findHeld(L); H && !WasHeld) {
        H->Maybe = A.Maybe;
        H->Holder = holderAt({}, A.Owner, L, E.Args);
      }
      if (HeldLock *H = N.findHeld(L)) {
        H->Managed |= Managed;
        // A parameter's lock is spelled as our argument; the callee's own
        // lock only as the callee's.
        H->ViaCall |= !Spelled;
        // Its return value says whether it took the lock only when some
        // outcome does not take it (not a lookup that always locks and
        // returns the object, active_entry_acquire()).
        H->FromTry |= O.Returns >= 0 && Sum && Sum->sometimesWithout(A.Lock);
      }
    }
    std::string Sig = N.signature() + "#" + std::to_string(O.Returns);
    joinInto(Produced, std::move(N), std::move(Sig), SIZE_MAX, Overflow);
  }
  for (size_t I = 0; I < Produced.States.size(); ++I)
    if (I == 0)
      S = std::move(Produced.States[I]);
    else
      Forked.push_back(std::move(Produced.States[I]));
}

void FunctionAnalysis::transferEvent(const Event &E, PathState &S,
                                     std::vector<PathState> &Forked) {
  switch (E.Kind) {
  case EventKind::Acquire: {
    std::string L = lockName(E.Lock);
    Chain Path{step(E.Loc, describe(L, E.Lock.Text) + " acquired here in " + F.Name)};
    if (E.Sleeps)
      sleepAt(S, E.Name, Path, E.Loc);
    callNamed(S, E.Name, Path, E.Loc);
    summariseAcquire(L, E.LockMode, false, E.Recursive, E.RecursiveParam,
                     !S.Facts.empty(), E.Lock.Text, Path, paramConditions(S),
                     droppedOnEntry(S), Own, E.Lock.Owner);
    acquire(S, L, E.LockMode, E.Recursive, false, E.Lock.Text, Path, E.Loc,
            false, !E.Sleeps, E.Lock.Owner);
    return;
  }
  case EventKind::TryAcquire: {
    std::string L = lockName(E.Lock);
    if (L.empty())
      return;
    Chain Path{step(E.Loc, describe(L, E.Lock.Text) + " acquired here in " + F.Name)};
    if (E.Sleeps)
      sleepAt(S, E.Name, Path, E.Loc);
    summariseAcquire(L, E.LockMode, true, E.Recursive, E.RecursiveParam,
                     !S.Facts.empty(), E.Lock.Text, Path, paramConditions(S),
                     droppedOnEntry(S), Own, E.Lock.Owner);
    PendingTry T;
    T.TryId = E.TryId;
    T.Owner = E.Lock.Owner;
    T.Lock = L;
    T.LockMode = E.LockMode;
    T.Recursive = E.Recursive;
    T.SuccessIsZero = E.SuccessIsZero;
    T.Atomic = !E.Sleeps;
    T.Text = E.Lock.Text;
    T.Site = std::make_shared<const Chain>(Path);
    S.Results.erase(E.TryId); // a try run again (in a loop) is a new result
    std::erase_if(S.Pending, [&](const PendingTry &X) { return X.TryId == E.TryId; });
    S.Pending.push_back(std::move(T));
    std::sort(S.Pending.begin(), S.Pending.end(),
              [](const PendingTry &A, const PendingTry &B) { return A.TryId < B.TryId; });
    return;
  }
  case EventKind::Release: {
    std::string L = lockName(E.Lock);
    release(S, L, E.Lock.Text, E.Loc,
            {step(E.Loc, describe(L, E.Lock.Text) + " released here in " + F.Name)});
    return;
  }
  case EventKind::Call: {
    // A call run again (in a loop) returns a new result: what the previous
    // iteration's tests said about it is stale.
    if (E.TryId >= 0)
      S.Results.erase(E.TryId);
    for (const std::string &V : E.Vars)
      writeVariable(
          S, V, E.Loc,
          [&] {
            return Chain{step(E.Loc, F.Name + " passes '" +
                                         V.substr(V[0] == '@') + "' to " +
                                         E.Name + " here")};
          },
          E.Direction);
    if (!E.Callee.empty()) {
      auto It = Rules.Sleeping.find(E.Name);
      if (E.Sleeps && It != Rules.Sleeping.end() &&
          (!It->second || gfpAllowsSleep(E, *It->second)))
        sleepAt(S, E.Name, {step(E.Loc, F.Name + " calls " + E.Name + ", which may sleep")},
                E.Loc);
      callNamed(S, E.Name, {step(E.Loc, F.Name + " calls " + E.Name)}, E.Loc);
    }
    applyCall(E, S, Forked);
    if (!E.Callee.empty()) {
      armFrom(S, E.Name, E.Loc);
      for (PathState &X : Forked)
        armFrom(X, E.Name, E.Loc);
    }
    return;
  }
  case EventKind::Wait: {
    Chain Path{step(E.Loc, F.Name + " waits on " +
                               describe(lockName(E.Lock), E.Lock.Text))};
    if (E.Sleeps)
      sleepAt(S, E.Macro.empty() ? E.Name : E.Macro, Path, E.Loc);
    return;
  }
  case EventKind::Wake:
    wake(S, lockName(E.Lock));
    return;
  case EventKind::Access: {
    auto It = Rules.Guarded.find(E.Name);
    if (It == Rules.Guarded.end() || S.findHeld(It->second) ||
        EntryRequired.count(It->second) || Rules.Unshared.count(F.Name.str()))
      return;
    Chain Path{step(E.Loc, std::string(E.IsWrite ? "writes" : "reads") + " '" +
                               E.Name + "' in " + F.Name)};
    if (TakenHere.count(It->second)) {
      std::string K = It->second + ">" + E.Name + "@" + locKey(E.Loc);
      if (!Obs.Needs.count(K))
        Obs.Needs[K] = NeedObs{NeedObs::GuardedAccess, It->second, E.Name,
                               F.Name, E.Loc, Path, E.IsWrite};
      return;
    }
    addNeed(paramConditions(S), NeedObs::GuardedAccess, It->second, E.Name,
            E.IsWrite, Path);
    return;
  }
  case EventKind::Kill:
    for (const std::string &V : E.Vars)
      writeVariable(
          S, V, E.Loc,
          [&] {
            return Chain{step(E.Loc, F.Name + " writes '" +
                                         V.substr(V[0] == '@') + "' here")};
          },
          E.Direction);
    forgetWrites(S, E.Vars, E.KillsMemory, F.Params, E.ChangedBits);
    if (!E.BindVar.empty() && E.TryId >= 0)
      S.Binds[E.BindVar] = E.TryId;
    if (!E.ResultOf.empty() && E.Vars.size() == 1)
      noteDistinctResult(S, E.Vars[0], E.ResultOf);
    // "lock = NULL": a later "if (lock)" knows the answer.
    if (E.Assigned >= 0 && E.Vars.size() == 1)
      S.addFact({E.Vars[0], 0, E.Assigned == 1, {E.Vars[0]}, false});
    if (!E.EqualTo.empty() && E.Vars.size() == 1 && E.Vars[0] != E.EqualTo) {
      Symbol Key = equalityKey(E.Vars[0].str(), E.EqualTo.str());
      std::erase_if(S.Facts, [&](const FactValue &F) { return F.Key == Key; });
      S.addFact({Key, 0, true, {E.Vars[0], E.EqualTo}, false});
    }
    return;
  case EventKind::Return: {
    S.LastReturn = E.Loc;
    S.ReturnValue = E.RetValue;
    S.ReturnVar = E.BindVar;
    // "return act" holding act->lock (active_entry_acquire()): not NULL.
    if (S.ReturnValue < 0 && !E.BindVar.empty() &&
        std::any_of(S.Held.begin(), S.Held.end(), [&](const HeldLock &H) {
          return !H.ViaCall && lockBase(H.Text.str()) == E.BindVar;
        }))
      S.ReturnValue = 1;
    int Id = E.TryId;
    if (Id < 0 && !E.BindVar.empty())
      if (auto B = S.Binds.find(E.BindVar); B != S.Binds.end())
        Id = B->second;
    if (Id < 0)
      return;
    if (auto R = S.Results.find(Id); R != S.Results.end())
      S.ReturnValue = R->second;
    // Returning a try-lock's result untested: a try-lock wrapper.  Split
    // into the success path (locked) and the failure path.
    for (const PendingTry &T : S.Pending) {
      if (T.TryId != Id)
        continue;
      PathState Failed = S;
      resolveTry(Failed, Id, /*AtomNonZero=*/T.SuccessIsZero);
      Failed.ReturnValue = T.SuccessIsZero ? 1 : 0;
      Forked.push_back(std::move(Failed));
      int SuccessValue = T.SuccessIsZero ? 0 : 1;
      resolveTry(S, Id, /*AtomNonZero=*/!T.SuccessIsZero);
      S.ReturnValue = SuccessValue;
      break;
    }
    return;
  }
  default:
    return;
  }
}

bool FunctionAnalysis::gfpAllowsSleep(const Event &E, unsigned GfpArg) const {
  // Flags that are not a constant here (a gfp_t parameter) are not judged:
  // precision over volume.
  if (GfpArg >= E.Args.size() || !E.Args[GfpArg].HasInt)
    return false;
  return (E.Args[GfpArg].Int & GfpDirectReclaim) != 0;
}

void FunctionAnalysis::sleepAt(PathState &S, const std::string &What,
                               const Chain &Path, const SrcLoc &Loc,
                               std::vector<Symbol> Dropped) {
  std::vector<Symbol> Summarised = droppedThroughCall(S, Dropped);
  if (Out.Sleeps.empty())
    Out.SleepsDropped = std::move(Summarised);
  else
    intersectSorted(Out.SleepsDropped, Summarised);
  if (Out.Sleeps.empty() || Path.size() < Out.Sleeps.size()) {
    Out.Sleeps = Path;
    Out.SleepsWhat = What;
  }
  for (const HeldLock &H : S.Held) {
    if (!H.Atomic || std::binary_search(Dropped.begin(), Dropped.end(), H.Lock))
      continue;
    std::string K = H.Lock + "@" + locKey(Loc);
    if (!Obs.Sleeps.count(K))
      Obs.Sleeps[K] = SleepObs{H.Lock, F.Name, Loc, What, *H.Site, Path};
  }
}

void FunctionAnalysis::callNamed(PathState &S, const std::string &Callee,
                                 const Chain &Path, const SrcLoc &Loc,
                                 bool Direct,
                                 const std::set<std::string> *NotHeld,
                                 const ParamConditions &When) {
  if (Callee.empty() || !Rules.interestingCall(Callee))
    return;
  for (const RuleIndex::Forbidden &R : Rules.ForbiddenWhileHeld) {
    const HeldLock *H = S.findHeld(R.Lock);
    if (!H || (NotHeld && NotHeld->count(R.Lock)))
      continue;
    for (const llvm::GlobPattern &G : R.Calls) {
      if (!G.match(Callee))
        continue;
      std::string K = R.Lock + ">" + Callee + "@" + locKey(Loc);
      if (!Obs.HeldAcross.count(K))
        Obs.HeldAcross[K] =
            HeldAcrossObs{R.Lock, F.Name, Loc, Callee, R.Why, *H->Site, Path};
      break;
    }
  }
  // held_continuously: check the "to" calls against what is armed.
  for (auto It = S.Armed.begin(); Direct && It != S.Armed.end();) {
    const RuleIndex::Continuous &R = Rules.Continuously[It->Rule];
    if (R.To != Callee) {
      ++It;
      continue;
    }
    bool Held = S.findHeld(R.Lock) != nullptr;
    if (It->Broken || !Held) {
      std::string K = std::to_string(It->Rule) + "@" + locKey(Loc);
      if (!Obs.BrokenHolds.count(K))
        Obs.BrokenHolds[K] = BrokenHoldObs{R.Lock, F.Name, R.From, R.To, R.Why,
                                           It->FromLoc, It->ReleaseLoc, Loc};
    }
    It = S.Armed.erase(It);
  }
  // One call under different conditions stays apart (a callback reached
  // only on objects without a flag, another only on objects some callers
  // never pass), up to a few; an entry whose conditions are within
  // another's is covered by it.
  constexpr size_t MaxConditionalCalls = 4;
  SummaryCall *First = nullptr;
  size_t Copies = 0;
  for (SummaryCall &Old : Out.Calls) {
    if (Old.Callee != Callee)
      continue;
    First = First ? First : &Old;
    ++Copies;
    if (includes(When, Old.When)) {
      if (Old.When == When && Path.size() < Old.Path.size())
        Old.Path = Path;
      return;
    }
    if (includes(Old.When, When)) {
      Old.When = When;
      Old.Path = Path;
      // Entries this one now covers go.
      std::erase_if(Out.Calls, [&](const SummaryCall &X) {
        return &X != &Old && X.Callee == Callee && includes(X.When, When);
      });
      return;
    }
  }
  if (!First || Copies < MaxConditionalCalls) {
    if (Out.Calls.size() < MaxSummaryCalls)
      Out.Calls.push_back(SummaryCall{Callee, Path, When});
    return;
  }
  // Reached under either set of conditions: under what both say.
  keepCommon(First->When, When);
  if (Path.size() < First->Path.size())
    First->Path = Path;
}

void FunctionAnalysis::armFrom(PathState &S, const std::string &Callee,
                               const SrcLoc &Loc) {
  for (size_t I = 0; I < Rules.Continuously.size(); ++I) {
    const RuleIndex::Continuous &R = Rules.Continuously[I];
    if (R.From != Callee)
      continue;
    ArmedMark A;
    A.Rule = I;
    A.FromLoc = Loc;
    if (!S.findHeld(R.Lock)) {
      A.Broken = true;
      A.ReleaseLoc = Loc;
    }
    std::erase_if(S.Armed, [&](const ArmedMark &X) { return X.Rule == I; });
    S.Armed.push_back(A);
  }
}

void FunctionAnalysis::addNeed(const ParamConditions &When, NeedObs::Kind K,
                               const std::string &Lock,
                               const std::string &Subject, bool IsWrite,
                               const Chain &Path) {
  if (Lock.empty())
    return;
  SummaryNeed N{K, Lock, Subject, IsWrite, Path, When};
  auto Old = std::find(Out.Needs.begin(), Out.Needs.end(), N);
  if (Old == Out.Needs.end()) {
    Out.Needs.push_back(std::move(N));
    return;
  }
  // Needed under either condition: keep only what both agree on.
  keepCommon(Old->When, When);
  if (Path.size() < Old->Path.size()) {
    ParamConditions Kept = std::move(Old->When);
    *Old = std::move(N);
    Old->When = std::move(Kept);
  }
}

PathState FunctionAnalysis::entryState() const {
  PathState S;
  auto It = Rules.EnteredHolding.find(F.Key.str());
  if (It == Rules.EnteredHolding.end())
    return S;
  for (const auto &[Lock, Field] : It->second) {
    HeldLock H;
    H.Lock = Lock;
    H.Owner = OwnerAny;
    H.Reentered = true;
    H.Recursive = Rules.RecursiveLocks.count(Lock) != 0;
    H.Text = Lock;
    H.Site = std::make_shared<const Chain>(Chain{
        step(F.Loc, "'" + Lock + "' is held on entry to " + F.Name.str() +
                        ", a " + Field + " (rules: entered_holding)")});
    S.addHeld(std::move(H));
  }
  return S;
}

void FunctionAnalysis::entryNeeds() {
  // Assertions (ASSERT(p2m_locked_by_me(p)), lockdep_assert_held()) state
  // what callers must hold; they often sit in blocks a release build
  // prunes, so they are read from every block, not from the dataflow.
  for (const Block &B : F.Blocks)
    for (const Event &E : B.Events)
      if (E.Kind == EventKind::Acquire || E.Kind == EventKind::TryAcquire)
        TakenHere.insert(lockName(E.Lock));
  for (const Block &B : F.Blocks)
    for (const Event &E : B.Events) {
      if (E.Kind != EventKind::AssertHeld)
        continue;
      std::string L = lockName(E.Lock);
      if (L.empty() || TakenHere.count(L))
        continue;
      EntryRequired.insert(L);
      addNeed({}, NeedObs::Asserted, L, F.Name, false,
              {step(E.Loc, F.Name + " asserts " + describe(L, E.Lock.Text) +
                               " is held (" + E.Name + ")")});
    }
  for (const Block &B : F.Blocks)
    for (const Event &E : B.Events) {
      if (E.Kind == EventKind::Wait)
        WaitsOn.insert(lockName(E.Lock));
      if (E.Kind == EventKind::HeldTest && E.TryId >= 0)
        if (std::string L = lockName(E.Lock); !L.empty())
          HeldTests[E.TryId] = L;
    }
  auto It = Rules.Requires.find(F.Name);
  if (It != Rules.Requires.end())
    for (const std::string &L : It->second) {
      EntryRequired.insert(L);
      addNeed({}, NeedObs::Declared, L, F.Name, false,
              {requiresStep(F.Loc, F.Name, L)});
    }
}

void FunctionAnalysis::needAtCall(PathState &S, NeedObs::Kind K,
                                  const std::string &L,
                                  const std::string &Subject, bool IsWrite,
                                  const Chain &Path, const SrcLoc &Loc,
                                  const ParamConditions &Inherited) {
  if (L.empty() || S.findHeld(L) || EntryRequired.count(L) ||
      std::binary_search(S.Assumed.begin(), S.Assumed.end(), Symbol(L)))
    return;
  // The object is not shared while this function runs.
  if (K == NeedObs::GuardedAccess && Rules.Unshared.count(F.Name.str()))
    return;
  // The function takes the lock itself elsewhere: this call site is where
  // it forgot to, not a requirement on its callers -- unless it takes the
  // lock only under a parameter condition this path contradicts ("if
  // (lock) device_lock(dev);": with lock == 0 the caller holds it).
  ParamConditions When = paramConditions(S, Inherited);
  bool CallersHoldIt = std::any_of(
      Out.Acquires.begin(), Out.Acquires.end(), [&](const SummaryAcquire &A) {
        return A.Lock == L &&
               contradicts(A.When, When, [](const ParamCondition &) { return false; });
      });
  if (TakenHere.count(L) && !CallersHoldIt) {
    std::string Key = L + ">" + Subject + "@" + locKey(Loc);
    if (!Obs.Needs.count(Key))
      Obs.Needs[Key] = NeedObs{K, L, Subject, F.Name, Loc, Path, IsWrite};
    return;
  }
  addNeed(When, K, L, Subject, IsWrite, Path);
}

void FunctionAnalysis::writeVariable(PathState &S, const std::string &Var,
                                     const SrcLoc &Loc,
                                     llvm::function_ref<Chain()> Path,
                                     int Direction) {
  auto It = Rules.WaitsByVar.find(Var);
  if (It == Rules.WaitsByVar.end())
    return;
  for (const RuleIndex::Wait &W : It->second) {
    if (WaitsOn.count(W.Queue))
      continue;
    // A write that moves the variable away from what the waiters wait for
    // cannot wake them (an increment when they wait for zero).
    if (W.Direction && Direction && W.Direction != Direction)
      continue;
    bool Already = false;
    for (const DirtyMark &D : S.Dirty)
      Already |= D.Queue == W.Queue;
    if (Already)
      continue;
    S.Dirty.push_back({W.Queue, Var, Loc, Path()});
    std::sort(S.Dirty.begin(), S.Dirty.end(),
              [](const DirtyMark &A, const DirtyMark &B) { return A.Queue < B.Queue; });
  }
}

void FunctionAnalysis::wake(PathState &S, const std::string &Queue) {
  if (Queue.empty())
    return;
  std::erase_if(S.Dirty, [&](const DirtyMark &D) { return D.Queue == Queue; });
  if (std::find(Out.Wakes.begin(), Out.Wakes.end(), Queue) == Out.Wakes.end())
    Out.Wakes.push_back(Queue);
}

void FunctionAnalysis::transferBlock(const Block &B,
                                     std::vector<PathState> &States) {
  for (const Event &E : B.Events) {
    std::vector<PathState> Next;
    for (PathState &S : States) {
      std::vector<PathState> Forked;
      transferEvent(E, S, Forked);
      Next.push_back(std::move(S));
      for (PathState &X : Forked)
        Next.push_back(std::move(X));
    }
    States = std::move(Next);
  }
}

using LoopBodies = std::map<std::pair<unsigned, unsigned>, std::set<unsigned>>;

/// Edges that close a cycle in a depth-first walk from the entry, each with
/// its natural loop: the blocks that reach the edge's source without passing
/// through its target (the loop header).
LoopBodies backEdges(const FunctionFacts &F) {
  std::set<std::pair<unsigned, unsigned>> Out;
  std::vector<std::vector<unsigned>> Preds(F.Blocks.size());
  for (const Block &B : F.Blocks)
    for (int S : B.Succs)
      if (S >= 0 && (size_t)S < F.Blocks.size())
        Preds[S].push_back(B.Id);
  std::vector<int> Color(F.Blocks.size(), 0); // 0 new, 1 on stack, 2 done
  std::vector<std::pair<unsigned, size_t>> Stack{{F.Entry, 0}};
  Color[F.Entry] = 1;
  while (!Stack.empty()) {
    auto &[Id, Next] = Stack.back();
    const Block &B = F.Blocks[Id];
    if (Next >= B.Succs.size()) {
      Color[Id] = 2;
      Stack.pop_back();
      continue;
    }
    int Succ = B.Succs[Next++];
    if (Succ < 0 || (size_t)Succ >= F.Blocks.size())
      continue;
    if (Color[Succ] == 1)
      Out.insert({Id, (unsigned)Succ});
    else if (Color[Succ] == 0) {
      Color[Succ] = 1;
      Stack.push_back({(unsigned)Succ, 0});
    }
  }
  LoopBodies Loops;
  for (auto [From, Header] : Out) {
    std::set<unsigned> Body{Header, From};
    std::vector<unsigned> Work{From};
    while (!Work.empty()) {
      unsigned X = Work.back();
      Work.pop_back();
      if (X == Header)
        continue;
      for (unsigned P : Preds[X])
        if (Body.insert(P).second)
          Work.push_back(P);
    }
    Loops[{From, Header}] = std::move(Body);
  }
  return Loops;
}

/// Developer aid (LOCKWISE_DEBUG_SUMMARY=f): what f's summary says, each
/// acquisition with its chain, on stderr.
void dumpSummary(const std::string &Key, const Summary &Out,
                 const std::set<std::string> &Releases) {
  auto PrintWhen = [](const ParamConditions &When) {
    for (const ParamCondition &C : When)
      if (!C.CarriedKey.empty())
        std::fprintf(stderr, " $%d may carry %s in %s", C.Param,
                     C.CarriedTarget.c_str(), C.CarriedKey.c_str());
      else
        std::fprintf(stderr, " $%d%s%s%s%s", C.Param, C.Mask ? "&mask" : "",
                     C.Field.empty() ? "" : "->", C.Field.c_str(),
                     C.NonZero ? "!=0" : "==0");
    std::fprintf(stderr, "\n");
  };
  for (const Outcome &O : Out.Outcomes) {
    std::fprintf(stderr, "%s outcome: acquired", Key.c_str());
    for (const HeldOnReturn &H : O.Acquired)
      std::fprintf(stderr, " %s%s owner=%d", H.Lock.c_str(),
                   H.Maybe ? "(maybe)" : "", H.Owner);
    std::fprintf(stderr, "; released");
    for (const std::string &L : O.Released)
      std::fprintf(stderr, " %s", L.c_str());
    std::fprintf(stderr, "; returns %d; when", O.Returns);
    PrintWhen(O.When);
  }
  for (const SummaryAcquire &Acq : Out.Acquires) {
    std::fprintf(stderr, "%s acquires %s owner=%d when", Key.c_str(),
                 Acq.Lock.c_str(), Acq.Owner);
    PrintWhen(Acq.When);
    for (const WitnessStep &W : Acq.Witness)
      std::fprintf(stderr, "    %s:%u %s\n", W.Loc.File.c_str(),
                   W.Loc.Line, W.Message.c_str());
  }
  for (const SummaryCall &C : Out.Calls) {
    std::fprintf(stderr, "%s calls %s when", Key.c_str(), C.Callee.c_str());
    PrintWhen(C.When);
  }
  for (const DeferredEdge &D : Out.Deferred)
    std::fprintf(stderr, "%s deferred %s(%d) -> %s(%d)\n", Key.c_str(),
                 D.From.c_str(), D.FromOwner, D.To.c_str(), D.ToOwner);
  for (const std::string &R : Releases)
    std::fprintf(stderr, "%s entry-release: %s\n", Key.c_str(), R.c_str());
}

/// Developer aid (LOCKWISE_DEBUG_STATES=f): a block's path states in f,
/// each as its signature, branch facts and known call results, on stderr.
void dumpStates(const char *Where, const Block &B,
                const std::vector<PathState> &States) {
  std::fprintf(stderr, "%s %u (line %u), %zu states:\n", Where, B.Id,
               B.Events.empty() ? 0 : B.Events.front().Loc.Line, States.size());
  for (const PathState &S : States) {
    std::fprintf(stderr, "  [%s] returns %d;", S.signature().c_str(), S.ReturnValue);
    for (const FactValue &Fv : S.Facts)
      std::fprintf(stderr, " %s%s", Fv.Value ? "" : "!", Fv.Key.str().c_str());
    for (auto [Id, Value] : S.Results)
      std::fprintf(stderr, " call#%d=%d", Id, Value);
    std::fprintf(stderr, "\n");
  }
}

/// A switch with more cases than this keeps only each case's own value.
constexpr size_t MaxCasesRuledOut = 16;

/// A switch's edge I: its case value holds there, and (up to
/// MaxCasesRuledOut cases) the other cases' values do not; on the default
/// edge (the last), none of the cases' values does.  False if the path's
/// facts rule the edge out.
bool FunctionAnalysis::caseFilter(PathState &S, const Block &B, size_t I,
                                  unsigned Origin) {
  if (I >= B.CaseConds.size())
    return true;
  if (I + 1 < B.CaseConds.size()) {
    const Condition &Case = B.CaseConds[I];
    if (Case.K == Condition::None)
      return true;
    if (!edgeFilter(S, Case, /*TrueEdge=*/true, Origin))
      return false;
    // The value rules the other cases out, and says so in facts that
    // outlive a join with a sibling case ("switch ( space )" in
    // xenmem_add_to_physmap_one(): the shared_info and grant_table paths
    // merge, and "space == XENMAPSPACE_gmfn" stays false after).  Not for
    // a dispatcher's long list of cases, whose facts would only weigh.
    if (B.CaseConds.size() <= MaxCasesRuledOut)
      for (const Condition &Other : B.CaseConds)
        if (Other.K != Condition::None && Other.IntConst != Case.IntConst &&
            !S.findFact(Other.Key))
          S.addFact(factOf(Other, Origin, false));
    return true;
  }
  for (size_t J = 0; J + 1 < B.CaseConds.size(); ++J)
    if (B.CaseConds[J].K != Condition::None &&
        !edgeFilter(S, B.CaseConds[J], /*TrueEdge=*/false, Origin))
      return false;
  return true;
}

void FunctionAnalysis::run() {
  size_t N = F.Blocks.size();
  if (N == 0)
    return;
  entryNeeds();
  std::vector<StateSet> In(N);
  In[F.Entry].States.push_back(entryState());
  In[F.Entry].Sigs.push_back(In[F.Entry].States.back().signature());
  std::set<unsigned, std::greater<unsigned>> Work{F.Entry};
  std::vector<PathState> ExitStates;
  LoopBodies Loops = backEdges(F);
  bool Trace = DebugStatesOf && F.Name == DebugStatesOf;
  size_t Visits = 0, Budget = 64 * N + 256;
  bool Overflow = false;
  while (!Work.empty()) {
    if (++Visits > Budget) {
      Obs.Incomplete = true;
      break;
    }
    unsigned Id = *Work.begin();
    Work.erase(Work.begin());
    const Block &B = F.Blocks[Id];
    std::vector<PathState> States = In[Id].States;
    if (Trace)
      dumpStates("entry of block", B, States);
    transferBlock(B, States);
    if (Trace)
      dumpStates("exit of block", B, States);
    if (Id == F.Exit || B.Succs.empty()) {
      if (Id == F.Exit)
        for (PathState &S : States)
          ExitStates.push_back(S);
      continue;
    }
    for (size_t I = 0; I < B.Succs.size(); ++I) {
      int Succ = B.Succs[I];
      if (Succ < 0 || (size_t)Succ >= N)
        continue;
      bool Changed = false;
      for (const PathState &S : States) {
        PathState X = S;
        // Around a loop, what a repeated test reads from memory may have
        // changed: only facts about locals survive the back edge.
        if (auto L = Loops.find({Id, (unsigned)Succ}); L != Loops.end())
          std::erase_if(X.Facts, [&](const FactValue &Fv) {
            return Fv.Memory && L->second.count(Fv.Origin);
          });
        if (B.Succs.size() == 2 && B.Cond.K != Condition::None &&
            !edgeFilter(X, B.Cond, I == 0, Id))
          continue;
        if (!B.CaseConds.empty() && !caseFilter(X, B, I, Id))
          continue;
        std::string Sig = X.signature();
        Changed |= joinInto(In[Succ], std::move(X), std::move(Sig),
                            MaxStatesPerBlock, Overflow);
      }
      if (Changed)
        Work.insert(Succ);
    }
  }
  if (Overflow)
    Obs.Incomplete = true;
  // The exit block may have been processed several times: keep the states
  // of its final entry set.
  ExitStates = In[F.Exit].States;
  finish(ExitStates);
}


void FunctionAnalysis::maybeHeldAcrossOutcomes() {
  // An outcome that returns without a lock another outcome returns holding,
  // when nothing tells the caller which one it got (the same return value,
  // conditions that do not contradict): _get_gfn_type_access() returns
  // early without the gfn lock "for non-translated guests", a property of
  // the domain its HVM callers know and the analysis does not, and those
  // callers then p2m_put_gfn() unconditionally.  Both outcomes return the
  // lock as maybe held: its order edges stand, and a caller releasing,
  // requiring or keeping it is not reported.  Parameter conditions of the
  // holding side the other lacks are split out: the other outcome becomes
  // one copy under all of them (holding the lock, maybe) and one copy per
  // way of failing them ("locked" passed as 0, or p2m NULL).
  struct Change {
    size_t Outcome;
    HeldOnReturn Lock;
    ParamConditions Extra;
  };
  std::vector<Change> Changes;
  std::set<size_t> Changed;
  // A NULL check of a pointer parameter ("!p2m") tells a caller nothing it
  // tests: the pointers it passes come from fields it does not check either.
  auto NullCheck = [&](const ParamCondition &C) {
    return C.Mask == 0 && C.Param >= 0 && C.Param < 64 &&
           ((F.PointerParams >> C.Param) & 1);
  };
  for (size_t Hi = 0; Hi < Out.Outcomes.size(); ++Hi)
    for (HeldOnReturn &L : Out.Outcomes[Hi].Acquired)
      for (size_t Ni = 0; Ni < Out.Outcomes.size(); ++Ni) {
        const Outcome &H = Out.Outcomes[Hi], &N = Out.Outcomes[Ni];
        // An outcome whose return value is unknown may return the holding
        // one's (grant_map_exists() returns the entry it locked, or
        // ERR_PTR() without it): the caller cannot tell those apart either.
        if (Ni == Hi || Changed.count(Ni) || N.holds(L.Lock) ||
            (N.Returns != H.Returns && N.Returns >= 0) ||
            contradicts(N.When, H.When, NullCheck) ||
            !N.Released.empty())
          continue;
        ParamConditions Extra;
        for (const ParamCondition &C : H.When)
          if (!NullCheck(C) &&
              std::find(N.When.begin(), N.When.end(), C) == N.When.end())
            Extra.push_back(C);
        if (Extra.size() > 3)
          continue;
        L.Maybe = true;
        Changed.insert(Ni);
        Changes.push_back({Ni, L, Extra});
      }
  auto Add = [](Outcome &O, HeldOnReturn L) {
    L.Maybe = true;
    O.Acquired.push_back(std::move(L));
    std::sort(O.Acquired.begin(), O.Acquired.end(),
              [](const HeldOnReturn &A, const HeldOnReturn &B) { return A.Lock < B.Lock; });
  };
  for (Change &C : Changes) {
    Outcome Base = Out.Outcomes[C.Outcome];
    Outcome With = Base;
    With.When.insert(With.When.end(), C.Extra.begin(), C.Extra.end());
    Add(With, C.Lock);
    Out.Outcomes[C.Outcome] = std::move(With);
    // Extra[0..I) hold and Extra[I] does not: disjoint, and together with
    // the copy above they cover the original outcome.
    for (size_t I = 0; I < C.Extra.size(); ++I) {
      Outcome Without = Base;
      Without.When.insert(Without.When.end(), C.Extra.begin(),
                          C.Extra.begin() + I);
      ParamCondition Not = C.Extra[I];
      Not.NonZero = !Not.NonZero;
      Without.When.push_back(Not);
      Out.Outcomes.push_back(std::move(Without));
    }
  }
}

void FunctionAnalysis::finish(const std::vector<PathState> &ExitStates) {
  Out.Waits.assign(WaitsOn.begin(), WaitsOn.end());
  for (const PathState &S : ExitStates) {
    Outcome O;
    for (const HeldLock &H : S.Held)
      if (!H.Reentered)
        O.Acquired.push_back({H.Lock, H.LockMode, H.Recursive, H.Atomic,
                              H.Text, *H.Site, H.Contexts, H.Maybe, H.Owner});
    for (const ReleaseMark &R : S.Released)
      if (!R.AcquiredHere) {
        O.Released.push_back(R.Lock);
        if (!R.Text.empty())
          Out.ReleaseText.emplace(R.Lock, R.Text);
        if (DebugSummaries)
          DebugReleases.insert(R.Lock + " at " + locKey(R.Loc));
      }
    O.Returns = S.ReturnValue;
    O.When = paramConditions(S);
    if (std::find(Out.Outcomes.begin(), Out.Outcomes.end(), O) == Out.Outcomes.end())
      Out.Outcomes.push_back(std::move(O));
  }
  mergeComplementaryOutcomes(Out.Outcomes);
  std::vector<int> OutcomeReturns;
  for (const Outcome &O : Out.Outcomes)
    OutcomeReturns.push_back(O.Returns);
  for (Outcome &O : Out.Outcomes)
    O.Returns = testedReturn(O.Returns, OutcomeReturns);
  // A lock released without being acquired on some paths only is not a
  // releasing wrapper (those release on every path): it is the second half
  // of an acquisition whose condition the analysis lost ("if (!p2m) return"
  // in a lookup that locks otherwise).  Passing it up would turn every
  // caller's balanced unlock into a double unlock.  A lock the function
  // also keeps across calls (process_msg) is managed, and kept.
  std::set<std::string> EntryReleased;
  for (const Outcome &O : Out.Outcomes)
    for (const std::string &L : O.Released)
      EntryReleased.insert(L);
  for (const std::string &L : EntryReleased) {
    bool Everywhere = true, Kept = false;
    // Unless the return value says which paths released it: "on error
    // vpci_msix_arch_print() returns without holding the lock".
    std::set<int> ReleasingReturns, OtherReturns;
    bool AllKnown = true;
    for (const Outcome &O : Out.Outcomes) {
      bool Releases = std::find(O.Released.begin(), O.Released.end(), L) !=
                      O.Released.end();
      Everywhere &= Releases;
      Kept |= O.holds(L);
      AllKnown &= O.Returns >= 0;
      (Releases ? ReleasingReturns : OtherReturns).insert(O.Returns);
    }
    bool Told = AllKnown && std::none_of(ReleasingReturns.begin(),
                                         ReleasingReturns.end(),
                                         [&](int R) { return OtherReturns.count(R); });
    if (Everywhere || Kept || Told)
      continue;
    bool TakesIt = std::any_of(Out.Acquires.begin(), Out.Acquires.end(),
                               [&](const SummaryAcquire &A) { return A.Lock == L; });
    for (Outcome &O : Out.Outcomes) {
      std::erase(O.Released, L);
      if (!TakesIt)
        O.MaybeReleased.push_back(L);
    }
  }
  // Likewise a lock held on return on some paths only: callers can tell
  // those paths apart when the return value does (NULL vs the locked
  // object), when a parameter does ("if (locked)"), or when the function
  // manages the lock across calls; otherwise the function is unbalanced
  // (reported here as lock-leak) and its callers must not inherit the
  // lock, or one leak would hold a lock over half the program.
  std::set<std::string> KeptSomewhere;
  for (const Outcome &O : Out.Outcomes)
    for (const HeldOnReturn &H : O.Acquired)
      KeptSomewhere.insert(H.Lock);
  for (const std::string &L : KeptSomewhere) {
    std::set<int> HoldingReturns, OtherReturns;
    bool Distinguished = true, AllHold = true, Managed = false;
    for (const Outcome &O : Out.Outcomes) {
      bool Holds = O.holds(L);
      Managed |= std::find(O.Released.begin(), O.Released.end(), L) !=
                 O.Released.end();
      AllHold &= Holds;
      if (Holds && O.When.empty() && O.Returns < 0)
        Distinguished = false;
      (Holds ? HoldingReturns : OtherReturns).insert(O.Returns);
    }
    for (int R : HoldingReturns)
      if (OtherReturns.count(R) && R >= 0)
        Distinguished = false;
    if (AllHold || Managed || Distinguished)
      continue;
    for (Outcome &O : Out.Outcomes)
      std::erase_if(O.Acquired, [&](const HeldOnReturn &H) { return H.Lock == L; });
  }
  maybeHeldAcrossOutcomes();
  // Dropping releases can make outcomes equal.
  std::vector<Outcome> Unique;
  for (Outcome &O : Out.Outcomes)
    if (std::find(Unique.begin(), Unique.end(), O) == Unique.end())
      Unique.push_back(std::move(O));
  Out.Outcomes = std::move(Unique);
  // Wait-queue state written and not woken by the time the function
  // returns: the caller may still wake it, so only a function nobody calls
  // reports it.
  for (const PathState &S : ExitStates)
    for (const DirtyMark &D : S.Dirty) {
      // A function that wakes the queue on some other path made a choice:
      // report it here, with the condition that skipped the wake-up.
      bool WakesElsewhere = std::find(Out.Wakes.begin(), Out.Wakes.end(),
                                      D.Queue) != Out.Wakes.end();
      if (HasCallers && !WakesElsewhere) {
        SummaryDirty SD{D.Queue, D.Variable, D.WriteLoc, D.Path};
        if (std::find(Out.Dirty.begin(), Out.Dirty.end(), SD) == Out.Dirty.end())
          Out.Dirty.push_back(SD);
        continue;
      }
      if (Obs.LostWakeups.count(D.Queue))
        continue;
      LostWakeupObs L;
      L.Queue = D.Queue;
      L.Function = F.Name;
      L.Variable = D.Variable;
      L.WriteLoc = D.Path.empty() ? D.WriteLoc : D.Path.front().Loc;
      L.WritePath = D.Path;
      L.ExitLoc = S.LastReturn ? *S.LastReturn : F.Loc;
      for (const RuleIndex::Wait &W : Rules.WaitsByVar.at(D.Variable))
        if (W.Queue == D.Queue) {
          L.WaitCondition = W.Condition;
          L.WaitLoc = W.Loc;
        }
      for (const FactValue &Fv : S.Facts)
        L.SkippedWhen.push_back(Fv.Value ? Fv.Key.str() : "!(" + Fv.Key + ")");
      Obs.LostWakeups[D.Queue] = std::move(L);
    }
  // Held at some return and released after acquisition on another path to
  // a return: an error path that forgot to unlock (or a lock deliberately
  // kept across calls, which a reviewer wants to see too).  Not a try-lock
  // wrapper that rolls back, whose return value tells the two apart
  // ("return 1" holding both locks, "return 0" after releasing the first
  // when the second try failed: domctl_lock_acquire()), read as the
  // outcomes' return values are (testedReturn()).
  std::vector<int> ExitReturns;
  for (const PathState &S : ExitStates)
    ExitReturns.push_back(S.ReturnValue);
  auto Returned = [&](const PathState &S) {
    return testedReturn(S.ReturnValue, ExitReturns);
  };
  // Every return holding Lock returns a value no other return does.
  auto returnTellsHolding = [&](const std::string &Lock) {
    std::set<int> Holding, Other;
    for (const PathState &X : ExitStates) {
      bool Holds = X.findHeld(Lock) != nullptr;
      int R = Returned(X);
      if (R < 0)
        return false;
      (Holds ? Holding : Other).insert(R);
    }
    for (int R : Holding)
      if (Other.count(R))
        return false;
    return true;
  };
  for (const PathState &S : ExitStates)
    for (const HeldLock &H : S.Held) {
      if (H.Managed || H.Maybe || Obs.Leaks.count(H.Lock))
        continue;
      for (const PathState &T : ExitStates) {
        const ReleaseMark *R = nullptr;
        for (const ReleaseMark &M : T.Released)
          if (M.Lock == H.Lock && M.AcquiredHere)
            R = &M;
        if (!R || T.findHeld(H.Lock))
          continue;
        // A try-lock wrapper, or a lookup that returns the object it
        // locked ("return desc" holding desc->lock) or NULL.
        bool HandsOver = H.FromTry || (!S.ReturnVar.empty() &&
                                       lockBase(H.Text.str()) == S.ReturnVar);
        if (HandsOver && returnTellsHolding(H.Lock))
          continue;
        LeakObs L;
        L.Lock = H.Lock;
        L.Function = F.Name;
        L.ReturnLoc = S.LastReturn ? *S.LastReturn : F.Loc;
        L.Acquired = *H.Site;
        L.ReleasedAt = R->Loc;
        Obs.Leaks[H.Lock] = std::move(L);
        break;
      }
    }
}

} // namespace

/// Which way Var must move for the wait condition Cond to become true:
/// +1 for "!list_empty(&v)", "v", "v != 0", "v > 0"; -1 for
/// "list_empty(&v)", "!v", "v == 0"; 0 when the text does not say.
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

RuleIndex indexRules(const Program &P, const rules::RuleSet &Rules) {
  RuleIndex I;
  for (const rules::SleepingRule &S : Rules.Sleeping)
    I.Sleeping[S.Function] = S.GfpArg;
  for (const rules::ForbiddenWhileHeldRule &F : Rules.ForbiddenWhileHeld) {
    RuleIndex::Forbidden Out{Rules.canonical(F.Lock), F.Why, {}};
    for (const std::string &G : F.Calls)
      if (auto Pattern = llvm::GlobPattern::create(G))
        Out.Calls.push_back(std::move(*Pattern));
      else
        llvm::consumeError(Pattern.takeError());
    I.ForbiddenWhileHeld.push_back(std::move(Out));
  }
  for (const rules::RequiresRule &R : Rules.Requires)
    for (const std::string &L : R.Held)
      I.Requires[R.Function].push_back(Rules.canonical(L));
  for (const rules::EnteredHoldingRule &R : Rules.EnteredHolding)
    for (const std::string &Field : R.Callbacks)
      for (const std::string &Fn : P.pointerTargets(Field))
        for (const std::string &L : R.Held) {
          auto &Entry = I.EnteredHolding[Fn];
          std::pair<std::string, std::string> H{Rules.canonical(L), Field};
          if (std::none_of(Entry.begin(), Entry.end(),
                           [&](const auto &E) { return E.first == H.first; }))
            Entry.push_back(std::move(H));
        }
  for (unsigned G = 0; G < Rules.DistinctResults.size(); ++G)
    for (const std::string &Fn : Rules.DistinctResults[G].Functions)
      I.DistinctGroups[Fn].push_back(G);
  for (const rules::HeldContinuouslyRule &H : Rules.HeldContinuously)
    I.Continuously.push_back({Rules.canonical(H.Lock), H.From, H.To, H.Why});
  for (const rules::GuardedRule &G : Rules.Guarded)
    I.Guarded[G.Field] = Rules.canonical(G.By);
  for (const std::string &L : Rules.RecursiveLocks)
    I.RecursiveLocks.insert(Rules.canonical(L));
  I.CrashPaths.insert(Rules.CrashPaths.begin(), Rules.CrashPaths.end());
  I.Unshared.insert(Rules.Unshared.begin(), Rules.Unshared.end());
  for (const rules::ClassByHolder &C : Rules.ClassesByHolder)
    I.HolderTypes.push_back(C.Type);
  for (const rules::ExclusiveContexts &G : Rules.Exclusive) {
    ContextMask Group = 0;
    for (const rules::ExclusiveContexts::Context &C : G.Contexts) {
      if (I.ContextFiles.size() >= 64)
        break;
      std::vector<llvm::GlobPattern> Files;
      for (const std::string &Glob : C.Files)
        if (auto Pattern = llvm::GlobPattern::create(Glob))
          Files.push_back(std::move(*Pattern));
        else
          llvm::consumeError(Pattern.takeError());
      Group |= ContextMask(1) << I.ContextFiles.size();
      I.ContextFiles.push_back(std::move(Files));
      I.ContextFunctions.emplace_back(C.Functions.begin(), C.Functions.end());
    }
    I.GroupMasks.push_back(Group);
  }
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
          auto &Waits = I.WaitsByVar["@" + V];
          bool Seen = false;
          for (const RuleIndex::Wait &W : Waits)
            Seen |= W.Queue == Queue;
          if (!Seen)
            Waits.push_back({Queue, E.CondText, E.Loc,
                             conditionDirection(E.CondText, V)});
        }
      }
  return I;
}

/// The exclusive_contexts each function runs in: its file's, and those of
/// every chain that reaches it (p2m_altp2m_propagate_change() in p2m.c is
/// only called from the EPT code, so it runs under VMX and HAP).  Top-down:
/// a function's callers' contexts, intersected, joined with its own.
std::map<std::string, ContextMask> impliedContexts(const Program &P,
                                                   const RuleIndex &Rules) {
  std::map<std::string, ContextMask> Out;
  if (Rules.GroupMasks.empty())
    return Out;
  std::map<std::string, std::vector<Symbol>> Callers;
  std::map<std::string, ContextMask> OwnContexts; // file globs matched once
  for (const FunctionFacts *F : P.functions()) {
    ContextMask Own = OwnContexts[F->Key] = Rules.contextsOf(*F);
    Out[F->Key] = P.hasCallers(F->Key) ? ~ContextMask(0) : Own;
    for (const std::string &C : P.callees(F->Key))
      if (C != F->Key.str())
        Callers[C].push_back(F->Key);
  }
  // Decreasing from "every context" for called functions; recursion
  // settles in a few rounds.
  const auto &Sccs = P.sccsBottomUp();
  for (int Round = 0; Round < 8; ++Round) {
    bool Changed = false;
    for (auto It = Sccs.rbegin(); It != Sccs.rend(); ++It)
      for (const std::string &Key : *It) {
        auto C = Callers.find(Key);
        if (C == Callers.end())
          continue;
        ContextMask Meet = ~ContextMask(0);
        for (const std::string &Caller : C->second)
          Meet &= Out[Caller];
        ContextMask New = Meet | OwnContexts[Key];
        if (New != Out[Key]) {
          Out[Key] = New;
          Changed = true;
        }
      }
    if (!Changed)
      break;
  }
  return Out;
}

/// For each component (by its index in bottom-up order), the functions
/// whose summaries nothing reads once it is analysed: the last component
/// that calls them, or their own when nothing else does.  Summaries carry
/// witness chains and are most of the analysis' memory; kept for every
/// function until the end, they would outweigh the facts.
std::vector<std::vector<std::string>> lastReaders(const Program &P) {
  const auto &Sccs = P.sccsBottomUp();
  std::map<std::string, size_t> Last;
  for (size_t I = 0; I < Sccs.size(); ++I)
    for (const std::string &Key : Sccs[I])
      Last[Key] = I;
  for (size_t I = 0; I < Sccs.size(); ++I)
    for (const std::string &Key : Sccs[I])
      for (const std::string &Callee : P.callees(Key))
        if (auto It = Last.find(Callee); It != Last.end())
          It->second = std::max(It->second, I);
  std::vector<std::vector<std::string>> Out(Sccs.size());
  for (auto &[Key, I] : Last)
    Out[I].push_back(Key);
  return Out;
}

AnalysisResult analyzeProgram(const Program &P, const rules::RuleSet &Rules,
                              const AnalysisOptions &Options) {
  RuleIndex Index = indexRules(P, Rules);
  std::map<std::string, ContextMask> Contexts = impliedContexts(P, Index);
  AnalysisResult R;
  for (const rules::Primitive &Prim : Rules.Primitives)
    if (Prim.Op == rules::PrimitiveOp::CheckOrder && !Prim.Class.empty())
      R.Levels.insert(Rules.canonical(Prim.Class));
  std::unordered_map<std::string, Summary> Sums;
  std::map<std::string, size_t> NeedSites; // need site -> index in R.Needs
  const std::vector<std::vector<std::string>> &Sccs = P.sccsBottomUp();
  std::vector<std::vector<std::string>> Expiring = lastReaders(P);
  for (size_t SccIndex = 0; SccIndex < Sccs.size(); ++SccIndex) {
    const std::vector<std::string> &Scc = Sccs[SccIndex];
    auto RecordAcquires = [&](const std::string &Key) {
      auto It = Sums.find(Key);
      if (It == Sums.end() || !Options.QueryTables)
        return;
      std::vector<FunctionAcquire> &Out = R.Acquires[Key];
      for (const SummaryAcquire &A : It->second.Acquires)
        if (!isParamLock(A.Lock))
          Out.push_back({A.Lock, A.Witness.size() == 1, A.Witness});
    };
    std::map<std::string, FunctionObs> SccObs;
    // Recursion: iterate the component until its summaries settle.
    for (int Round = 0; Round < 4; ++Round) {
      bool Changed = false;
      for (const std::string &Key : Scc) {
        const FunctionFacts *F = P.function(Key);
        if (!F)
          continue;
        auto Ctx = Contexts.find(Key);
        FunctionAnalysis A(P, *F, Sums, P.hasCallers(Key), Index,
                           Ctx == Contexts.end() ? 0 : Ctx->second,
                           Options.QueryTables);
        A.run();
        if (DebugSummaries &&
            ("," + std::string(DebugSummariesOf) + ",")
                    .find("," + F->Name + ",") != std::string::npos)
          dumpSummary(Key, A.Out, A.DebugReleases);
        auto It = Sums.find(Key);
        if (It == Sums.end() || !(It->second == A.Out)) {
          Changed = true;
          Sums[Key] = std::move(A.Out);
        }
        SccObs[Key] = std::move(A.Obs);
      }
      if (!Changed || Scc.size() == 1)
        break;
    }
    for (auto &[Key, O] : SccObs) {
      ++R.Functions;
      RecordAcquires(Key);
      for (auto &[K, E] : O.Edges) {
        auto It = R.Edges.find(K);
        if (It == R.Edges.end())
          R.Edges[K] = E;
        else
          mergeWitness(It->second, E);
      }
      R.Instances.insert(O.Instances.begin(), O.Instances.end());
      for (auto &[K, D] : O.DoubleLocks)
        R.DoubleLocks.push_back(D);
      for (auto &[K, D] : O.DoubleUnlocks)
        R.DoubleUnlocks.push_back(D);
      for (auto &[K, L] : O.Leaks)
        R.Leaks.push_back(L);
      for (auto &[K, C] : O.Calls)
        R.HeldAtCalls.push_back(C);
      for (auto &[K, X] : O.Sleeps)
        R.Sleeps.push_back(X);
      for (auto &[K, X] : O.HeldAcross)
        R.HeldAcross.push_back(X);
      for (auto &[K, X] : O.BrokenHolds)
        R.BrokenHolds.push_back(X);
      for (auto &[K, X] : O.Needs)
        R.Needs.push_back(X);
      for (auto &[K, X] : O.LostWakeups) {
        // One report per write that was not followed by a wake-up, however
        // many functions up the call graph it reaches unwoken.
        const SrcLoc &Deepest = X.WritePath.empty() ? X.WriteLoc
                                                    : X.WritePath.back().Loc;
        bool Seen = false;
        for (const LostWakeupObs &Old : R.LostWakeups) {
          const SrcLoc &OldDeepest = Old.WritePath.empty()
                                         ? Old.WriteLoc
                                         : Old.WritePath.back().Loc;
          Seen |= Old.Queue == X.Queue && OldDeepest == Deepest;
        }
        if (!Seen)
          R.LostWakeups.push_back(X);
      }
      // A need nobody above satisfies: reported where the chain starts.
      // Inferred requirements (assertions) need a call chain to be a
      // finding; a declared guard is checked even in a function nobody in
      // the program calls.
      if (!P.hasCallers(Key))
        for (const SummaryNeed &N : Sums[Key].Needs) {
          if (isParamLock(N.Lock) || N.Path.empty())
            continue;
          if (N.K != NeedObs::GuardedAccess && N.Path.size() < 2)
            continue;
          const FunctionFacts *F = P.function(Key);
          NeedObs X{N.K, N.Lock, N.Subject, F ? F->Name.str() : Key,
                    N.Path.front().Loc, N.Path, N.IsWrite};
          // One report per unmet need (the access, or the call of the
          // requiring function), however many entry points reach it: the
          // shortest chain speaks for all of them.
          std::string Site = std::to_string(N.K) + N.Lock + ">" + N.Subject +
                             "@" + locKey(N.Path.back().Loc);
          auto [It, New] = NeedSites.try_emplace(Site, R.Needs.size());
          if (New)
            R.Needs.push_back(std::move(X));
          else if (X.Path.size() < R.Needs[It->second].Path.size())
            R.Needs[It->second] = std::move(X);
        }
      if (O.Incomplete)
        R.Incomplete.push_back(Key);
    }
    for (const std::string &Key : Expiring[SccIndex])
      Sums.erase(Key);
    if (Options.Finished)
      for (const std::string &Key : Scc)
        Options.Finished(Key);
  }
  return R;
}

} // namespace lockwise
