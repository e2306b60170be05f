//===- Facts.h - What the frontend extracts from one translation unit -----===//
//
// The frontend reduces each function to its CFG with lock events in
// evaluation order.  These values are all the engine ever sees of the
// source, so they can be cached per TU, sharded and merged (facts are plain
// data with a JSON form, see FactsIO.h).
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_FACTS_FACTS_H
#define LOCKWISE_FACTS_FACTS_H

#include "facts/Symbol.h"

#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lockwise {

struct SrcLoc {
  Symbol File;
  unsigned Line = 0;
  unsigned Column = 0;
  bool operator==(const SrcLoc &) const = default;
};

/// Whose object a pointer designates, as far as lock order cares (rules'
/// caller_instances): an object reached from the running context
/// ("current->domain->event_lock") is the caller's; one reached from
/// parameter N is whatever the caller passed there.  Non-negative values
/// are parameter indices.
enum : int8_t {
  OwnerNone = -3,    ///< Not an instance of a class: a global lock.
  OwnerAny = -2,     ///< Some object, nothing known of whose.
  OwnerCurrent = -1, ///< Reached from the running context (current).
};

/// A lock (or wait queue) as named at one site, before call-site
/// substitution.  Identity is canonicalised once, in the frontend: a member
/// lock is named by the struct that holds it, however it was reached.
struct LockRef {
  enum Kind : uint8_t {
    None,   ///< Not a lock expression.
    Global, ///< A global variable (Root) plus member Path.
    Type,   ///< A member reached through a pointer/array/local: Root is the
            ///< struct tag, Path the fields ("p2m_domain" + "pod.lock").
    Param,  ///< The object a pointer parameter points at (wrappers).
    Local,  ///< A lock variable local to the function.
    Unknown ///< A lock we could not name (returned by a call, ...).
  };
  // Small fields first: one LockRef is in every event and call argument.
  Kind K = None;
  bool StaticGlobal = false; ///< Global with internal linkage.
  int8_t Owner = OwnerNone;  ///< Type: whose object holds it (see above).
  int ParamIndex = -1;       ///< For Param.
  Symbol Root;
  Symbol Path;   ///< Dotted member path after Root ("" for none).
  Symbol File;   ///< Defining file of a static global.
  Symbol Text;   ///< Source spelling, for messages.
};

/// What one call argument is, as far as the engine cares.
struct ArgInfo {
  LockRef Lock;            ///< The lock the argument points at, if any.
  bool HasInt = false;     ///< An integer constant (recursion flags).
  /// A pointer argument to an object no other thread can see yet: one the
  /// caller allocated (every value of the local is an allocator's result)
  /// or a struct on its stack.
  bool NewObject = false;
  /// A pointer argument: whose object it designates (OwnerAny, OwnerCurrent
  /// or the caller's parameter index), for the caller_instances rule.
  int8_t Origin = OwnerAny;
  int Param = -1;          ///< The argument is exactly this parameter.
  long long Int = 0;
  /// The argument is exactly this local variable: a callee outcome that
  /// depends on the argument becomes a branch fact on it
  /// ("spin_lock_if(locking, ...)" then "if (locking) spin_unlock(...)").
  Symbol Var;
  /// The argument is the result of this try-lock or call (its TryId):
  /// a callee outcome that depends on the argument decides it
  /// ("lock_evaluate_nospec(_read_trylock(l))").
  int TryId = -1;
  /// The argument is a local named for the flag test "parameter MaskedParam
  /// & ParamMask" (Xen's _put_page_type() passes "bool preemptible = flags
  /// & PTF_preemptible" on): a callee's test of the argument is that test.
  int MaskedParam = -1;
  uint64_t ParamMask = 0;
  Symbol Function;    ///< The argument designates this function.
  /// A pointer to a struct rules' class_by_holder names: where the object
  /// is held (LockIdentity::holderOf()); empty when unknown or when it is
  /// the caller's parameter (Origin says which).
  Symbol Holder;
  /// Which object a pointer argument designates, when the function knows
  /// (FieldGroup::Object): one it allocated, or a struct embedded in
  /// another ("&dev->aodev").  Empty: unknown, or Param says.
  Symbol Object;
};

enum class EventKind : uint8_t {
  Acquire,
  Release,
  TryAcquire,
  Call,
  Wait,
  Wake,
  AssertHeld,
  Kill,   ///< Variables written: facts about them no longer hold.
  Return, ///< A return statement (for leak locations).
  Access, ///< A read or write of a guarded field (Name is "tag.field").
  /// "if (p2m_locked_by_me(p))": an is-held primitive tested by a branch
  /// (TryId names the test); where it is true, the lock is held.
  HeldTest,
  /// Interrupts disabled, enabled, or restored to what the latest disable
  /// found (the asm of local_irq_disable(), local_irq_enable(),
  /// local_irq_restore()).
  IrqDisable,
  IrqEnable,
  IrqRestore,
};

enum class Mode : uint8_t { Exclusive, Shared };

/// A return value, beside 0 and 1 (see Event::RetValue): ERR_PTR(-E), which
/// is non-zero but which IS_ERR() tells from a valid pointer ("return act"
/// holding act->lock, "return NULL", "return ERR_PTR(-EINVAL)" in Xen's
/// grant_map_exists()).
constexpr int ReturnsErrorPointer = 2;

/// One Event is in every block of every function (over a hundred thousand
/// on the Xen hypervisor, all in memory at once), so the fields are
/// grouped by size to leave no padding: keep it so.
struct Event {
  EventKind Kind = EventKind::Call;
  Mode LockMode = Mode::Exclusive;
  bool Recursive = false;
  bool Irq = false;
  bool Sleeps = false;
  // TryAcquire; also Call (the id of its result) and Return (the call whose
  // result is returned).
  bool SuccessIsZero = false;
  // Kill.
  bool KillsMemory = false; ///< A call: facts about memory may change.
  // Access.
  bool IsWrite = false;
  /// The accessed object is new (ArgInfo::NewObject): not shared yet.
  bool NewObject = false;
  /// Release of a reference under a test of its holder's identity ("if
  /// ( d != dom_io ) rcu_unlock_domain(d)"): which values of the holder
  /// carry a reference is the test's to say, not the lockset's.
  bool ByIdentity = false;
  /// Acquire/TryAcquire by a primitive that checks the interrupt state
  /// (rules::Primitive::IrqChecked).
  bool IrqChecked = false;
  int RecursiveParam = -1; ///< Recursion decided by this parameter.
  /// Access: the object is the one this pointer parameter points at.
  int ObjectParam = -1;
  int TryId = -1;
  /// Return: the returned value when it is known here: 0 (0 or NULL), 1
  /// (a non-zero constant or an address), ReturnsErrorPointer, -1 unknown.
  int RetValue = -1;
  /// Kill of one local variable: it now holds 0 (zero or NULL) or a
  /// non-zero constant (1); -1 when the value is not a constant.
  int Assigned = -1;
  /// Kill/Call: how the write changes the variables: +1 grows them (x++,
  /// x += n, list_add(..., &x)), -1 shrinks them (x--, list_del), 0 unknown.
  int Direction = 0;
  /// Kill of one local variable by "v |= C", "v &= C" or "v ^= C" with a
  /// constant C: the only bits the write can change (non-zero).  A flag
  /// test of other bits still tests what the variable held before, so
  /// "memflags |= MEMF_no_refcount" leaves "memflags & MEMF_no_owner" a
  /// test of the caller's argument.  0: the write may change any bit.
  uint64_t ChangedBits = 0;
  SrcLoc Loc;
  Symbol Name; ///< Primitive or callee spelling.
  LockRef Lock;
  Symbol BindVar; ///< Variable the try result is assigned to.
  // Call.
  Symbol Callee;  ///< Function key for a direct call.
  Symbol FptrKey; ///< Function-pointer key for an indirect call.
  /// An indirect call through a member of a plain variable: how a branch
  /// fact spells the variable's other members ("aodev->" for
  /// "aodev->callback(...)").
  Symbol FptrBase;
  std::vector<ArgInfo> Args;
  // Wait: the wait_event*() condition, when the macro was recognised.
  Symbol Macro;
  Symbol CondText;
  std::vector<Symbol> CondVars;
  // Kill.
  std::vector<Symbol> Vars;
  /// Kill of one local variable: it now equals this other local ("old_q =
  /// q"), so a later "q != old_q" knows the answer.
  Symbol EqualTo;
  /// Kill of one local variable: it now holds the result of this function
  /// or macro, one that distinct_results (rules) lists.
  Symbol ResultOf;
};

/// The branch-fact key of "A == B" between two local variables, the same
/// whichever way round the source writes it ("q != old_q", "old_q != q").
inline std::string equalityKey(llvm::StringRef A, llvm::StringRef B) {
  if (B < A)
    std::swap(A, B);
  return A.str() + " == " + B.str();
}

/// The branch-fact key of "v == n" / "v < n" (Condition::IntVar).
inline std::string intKey(llvm::StringRef V, bool Eq, int64_t N) {
  return V.str() + (Eq ? " == " : " < ") + std::to_string(N);
}

/// The branch-fact key of "V & Mask" (a flag test on a local or parameter),
/// the same however the source spells the mask.
inline std::string maskKey(llvm::StringRef V, uint64_t Mask) {
  return V.str() + " & " + std::to_string(Mask);
}

/// A branch condition, reduced to what path sensitivity needs.
/// One is in every block: small fields first, to leave no padding.
struct Condition {
  enum Kind : uint8_t { None, Fact, Try } K = None;
  /// IS_ERR(v) or IS_ERR_OR_NULL(v): which values of a call's result make
  /// the atom true (an error pointer; NULL or an error pointer).
  enum ErrorTest : uint8_t { NotErrorTest, IsErr, IsErrOrNull };
  ErrorTest ErrTest = NotErrorTest;
  /// The local an error test is applied to (Fact), whose value may be a
  /// call's result; a test applied to the call itself is a Try.
  Symbol ErrOf;
  bool Memory = false; ///< Depends on memory, not only locals.
  /// The true edge is taken when (atom != 0) XOR Negated.
  bool Negated = false;
  bool IntEq = false; ///< See IntVar.
  int TryId = -1;     ///< Try: the try-call tested directly.
  /// A flag test "v & MASK": the mask, and which parameter v is (-1: a
  /// local, or not a flag test).
  int MaskParam = -1;
  uint64_t Mask = 0;
  int64_t IntConst = 0;     ///< See IntVar.
  Symbol Key;               ///< Normalised expression text (Fact).
  std::vector<Symbol> Vars; ///< Variables the fact depends on.
  /// "a < b" between two locals: where the atom holds, the equality fact
  /// (equalityKey(a, b)) is false ("if (ld < rd) lock both; ... if (ld !=
  /// rd) unlock rd").
  Symbol Unequal;
  /// A local compared with a constant, as "IntVar < IntConst" (IntEq false)
  /// or "IntVar == IntConst" (IntEq true); other comparisons are rewritten
  /// to these with Negated.  Together they bound the variable: after "for
  /// (try = 0; try < 3; try++) { ... break; }", a break path knows try < 3,
  /// so "if ( try == 3 )" is false there.
  Symbol IntVar;
  /// "IntVar < IntConst" is the test of a counted loop: the variable starts
  /// at or below IntConst and only the loop's "IntVar++" changes it, so
  /// where the test fails it equals IntConst (the "try == 3" above).
  bool CountedExit = false;
};

struct Block {
  unsigned Id = 0;
  std::vector<Event> Events;
  /// Successors; for a conditional terminator [0] is the true edge and [1]
  /// the false edge.  -1 marks an unreachable successor.  Nearly every
  /// block has one or two: inline, not a heap allocation each.
  llvm::SmallVector<int, 2> Succs;
  Condition Cond;
  /// A switch on a local or parameter: per successor, the "v == case"
  /// condition its label says (None when it is not a plain constant); the
  /// last successor is the default, where none of the others holds.
  std::vector<Condition> CaseConds;
};

/// The function a function key names.  A key is the function's name, or
/// for one with internal linkage "name@file" (two files' static functions
/// of one name are two functions); the frontend's functionKey() makes it.
inline llvm::StringRef functionNameOf(llvm::StringRef Key) {
  return Key.take_until([](char C) { return C == '@'; });
}

struct FunctionFacts {
  Symbol Key;  ///< "name" (external) or "name@file" (static).
  Symbol Name;
  SrcLoc Loc;
  bool IsStatic = false;
  bool InMainFile = false;
  std::vector<Symbol> Params;
  /// Bit I: parameter I is a pointer (a test of it is a NULL check).
  uint64_t PointerParams = 0;
  std::vector<Block> Blocks;
  unsigned Entry = 0;
  unsigned Exit = 0;
};

/// Something flows into a function-pointer key: a function, or another key.
struct FptrFlow {
  Symbol Key;      ///< "tag.field", "global", "function#param"
  Symbol Function; ///< A function key flowing in, or
  Symbol FromKey;  ///< another key whose targets flow in.
};

/// One store into a field of a FieldGroup's object.
struct StoredField {
  Symbol Field;
  Symbol Function; ///< A function-pointer field: the function stored, if known.
  int Value = -1;  ///< 0 (zero or NULL), 1 (a non-zero constant), -1 unknown.
};

/// What one function (or one initialiser) stores into the fields of one
/// object of a struct that has function-pointer fields ("aodev->callback =
/// device_addrm_aocomplete; aodev->update_json = true;").  Which callback
/// an object carries goes with how it was set up: the engine uses it to
/// tell which callbacks an object with a given flag can carry.
struct FieldGroup {
  Symbol Record;
  std::vector<StoredField> Fields;
  /// Which object: "alloc@FILE:LINE" (allocated zeroed there), "init@..."
  /// (an initialiser), "stack@FUNCTION#VAR" (a local struct), "TAG.MEMBER"
  /// (embedded in another struct), or empty: ObjectParam, else unknown.
  Symbol Object;
  int ObjectParam = -1; ///< The object parameter N of Function points to.
  Symbol Function;
};

/// What a function returns, when it is an object of a struct with
/// function-pointer fields (FieldGroup::Object, ObjectParam): the
/// multidev code hands out aodevs it allocated.
struct ReturnedObject {
  Symbol Function;
  Symbol Object;
  int ObjectParam = -1;
};

struct TUFacts {
  std::string File;
  std::vector<FunctionFacts> Functions;
  std::vector<FptrFlow> Fptrs;
  std::vector<FieldGroup> Groups;
  std::vector<ReturnedObject> Returns;
  /// Diagnostics from parsing (errors only): the TU is analysed as far as it
  /// parsed.
  std::vector<std::string> Errors;
  bool Failed = false;
  /// Every file the TU read, with a content hash: the facts cache key
  /// (not part of the facts themselves).
  std::vector<std::pair<std::string, uint64_t>> Inputs;
};

} // namespace lockwise

#endif
