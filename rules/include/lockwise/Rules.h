//===- Rules.h - The rule language: hierarchies, primitives, invariants ---===//
//
// One rule file drives both halves of lockwise (the static analyzer and the
// runtime shim).  The language is JSON with comments (.jsonc), documented in
// rules/README.md and rules/schema.json.  This library has no LLVM
// dependency so that the runtime shim can link it.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_RULES_H
#define LOCKWISE_RULES_H

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockwise::rules {

/// Where a rule came from, for diagnostics that point at the rule file.
struct SourcePos {
  std::string File;
  unsigned Line = 0;
  unsigned Column = 0;
};

struct Diagnostic {
  enum Kind { Error, Warning } K = Error;
  SourcePos Pos;
  std::string Message;
  /// "FILE:LINE:COL: error: MESSAGE", as compilers print it.
  std::string str() const;
};

/// What a primitive does to the lock named by its argument.
enum class PrimitiveOp {
  Acquire,
  Release,
  TryAcquire,  ///< Acquires only when the return value means success.
  Wait,        ///< Sleeps on a wait queue (prepare_to_wait_event, ...).
  Wake,        ///< Wakes a wait queue (__wake_up, ...).
  AssertHeld,  ///< Asserts the lock is held (lockdep_assert_held, ...).
  IsHeld,      ///< Returns whether the lock is held (spin_is_locked, ...).
  Transparent, ///< Returns its lock argument unchanged (spinlock_check).
  /// Checks the order as if it took the lock and dropped it at once
  /// (Linux's might_lock(), Xen's mm_enforce_order_lock_pre_*()).
  CheckOrder,
  /// Interrupt state macros whose expansion is an asm statement (Xen's
  /// local_irq_disable() is "cli"): disable them, enable them, or restore
  /// what the matching save found.
  IrqDisable,
  IrqEnable,
  IrqRestore,
};

enum class LockMode { Exclusive, Shared };

/// The return values that mean a conditional primitive succeeded.
enum class SuccessValue { NonZero, Zero };

struct Primitive {
  std::string Name;
  PrimitiveOp Op = PrimitiveOp::Acquire;
  unsigned Arg = 0;
  LockMode Mode = LockMode::Exclusive;
  bool Recursive = false;
  /// When set, the acquisition is recursive iff this argument is non-zero
  /// (Xen's _mm_lock(..., rec)); resolved through wrapper parameters.
  std::optional<unsigned> RecursiveArg;
  bool DisablesIrq = false; ///< _irq / _irqsave variants (and their release
                            ///< re-enables).
  /// The primitive checks that its lock is always taken with interrupts in
  /// the same state, enabled or disabled (Xen's check_lock()): the
  /// irq-safety check holds every class it takes to that.
  bool IrqChecked = false;
  SuccessValue Success = SuccessValue::NonZero;
  bool Sleeps = false;      ///< Blocking acquisition (mutexes, rwsems).
  /// The lock is this class, not an argument.  acquire/try: the primitive
  /// returns a handle to it (libxl__lock_domain_userdata() returns the
  /// libxl__flock of the domain's userdata lock); release and check-order:
  /// the class released or checked (Xen's mm-locks order levels, which are
  /// held from mm_enforce_order_lock_post_*() to *_mm_unlock()).
  std::string Class;
  /// release: the argument is a handle a "class" primitive returned; the
  /// class released is the one that handle was obtained for.
  bool Handle = false;
  /// The class is a reference, not a lock (Xen's rcu_lock_domain_by_id()
  /// and rcu_unlock_domain()): balanced like a lock on every path, nested
  /// freely, ordering nothing.  Its instance is the variable that holds
  /// it: acquire and try store it in their result (or through ResultArg),
  /// release takes it as argument Arg.
  bool Reference = false;
  /// acquire/try of a reference: the reference is stored through this
  /// argument (rcu_lock_remote_domain_by_id(dom, &d)), not returned.
  std::optional<unsigned> ResultArg;
  SourcePos Pos;
};

struct Hierarchy {
  std::string Name;
  std::vector<std::string> Order; ///< Outer first.
  /// The running context's instances (RuleSet::RunningContext) rank after
  /// every other instance of every lock here, as Xen's mm-locks.h ranks a
  /// control domain's locks after a subject domain's (_lock_level()).
  bool RunningContextLast = false;
  SourcePos Pos;
};

struct GuardedRule {
  std::string Field; ///< "tag.field"
  std::string By;    ///< lock class
  SourcePos Pos;
};

struct RequiresRule {
  std::string Function;
  std::vector<std::string> Held;
  SourcePos Pos;
};

/// Functions the program stores into these function-pointer fields
/// ("libxl__ev_qmp.callback") run with these locks already held: libxl's
/// event machinery calls every libxl__ev_KIND callback with the CTX lock
/// taken ("The ctx will be locked on entry to each FUNC", internal.h:1154).
struct EnteredHoldingRule {
  std::vector<std::string> Callbacks; ///< "tag.field"
  std::vector<std::string> Held;
  std::string Why;
  SourcePos Pos;
};

/// Functions whose results never point to the same object (nor are both
/// NULL): Xen's p2m_get_hostp2m() and p2m_get_altp2m() return the host p2m
/// and an alternate view, which p2m_init_altp2m() allocates apart, so a
/// local holding one never equals a local holding the other.
struct DistinctResultsRule {
  std::vector<std::string> Functions; ///< at least two
  std::string Why;
  SourcePos Pos;
};

struct ForbiddenWhileHeldRule {
  std::string Lock;
  std::vector<std::string> Calls; ///< names or globs
  std::string Why;
  SourcePos Pos;
};

struct HeldContinuouslyRule {
  std::string Lock;
  std::string From;
  std::string To;
  std::string Why;
  SourcePos Pos;
};

/// Code that never runs together: one context of a group per run (Intel
/// VMX or AMD SVM; shadow or HAP paging).  A call chain through functions
/// of two contexts of one group cannot happen.
struct ExclusiveContexts {
  std::string Name;
  struct Context {
    std::string Name;
    std::vector<std::string> Files; ///< Globs over a function's file path.
    /// Functions that run only in this context wherever they are defined
    /// (Xen's p2m_pt_handle_deferred_changes() serves NPF exits: HAP).
    std::vector<std::string> Functions;
  };
  std::vector<Context> Contexts;
  std::string Why;
  SourcePos Pos;
};

/// A struct whose locks are classed by where the object is held (rules'
/// class_by_holder): Xen's rangesets are one struct for a domain's I/O
/// capabilities, the p2m's log-dirty ranges and vPCI's private BAR maps, and
/// only the last is locked across a callback into the p2m.  As lockdep keys
/// a lock class by its initialisation site, each holder (the member a
/// pointer to the object is loaded from, or the constructor call a local is
/// set from) is its own node of the order graph.
struct ClassByHolder {
  std::string Type;                      ///< Struct tag ("rangeset").
  std::vector<std::string> Constructors; ///< Calls returning a new object.
  std::string Why;
  SourcePos Pos;
};

struct SleepingRule {
  std::string Function;
  /// Optional: index of a GFP-flags argument; the call sleeps only when the
  /// flags allow direct reclaim.
  std::optional<unsigned> GfpArg;
  /// Applies only to translation units that define this macro (the Linux
  /// catalog's list is Linux's: Xen has its own vmalloc that does not sleep).
  std::string IfDefined;
  SourcePos Pos;
};

struct RuleSet {
  std::map<std::string, std::string> Aliases; ///< name -> lock class
  std::vector<Primitive> Primitives;
  std::vector<std::string> LockTypes; ///< "spinlock_t", "struct mutex", ...
  /// Lock classes that are recursive whatever primitive takes them
  /// (libxl's CTX mutex is PTHREAD_MUTEX_RECURSIVE).
  std::vector<std::string> RecursiveLocks;
  /// Functions that run only while the system goes down (panic, crash
  /// dumps, kexec): what they do is not part of their callers' lock order,
  /// sleeps or requirements, as lockdep and Xen's spin_debug switch
  /// themselves off on a panic.
  std::vector<std::string> CrashPaths;
  /// Functions that run while the object they work on is not shared yet
  /// or any more (constructors, teardown after the last reference): its
  /// guarded fields are not checked inside them or their callees, as
  /// Clang's thread-safety analysis skips constructors and destructors.
  std::vector<std::string> Unshared;
  /// Functions returning the running context (Xen's and Linux's `current`
  /// is get_current()): a lock reached from their result is the caller's
  /// instance of its class, and lock order between the caller's instance
  /// and another object's is kept apart from the order between two locks
  /// of one object (a hypercall holding the target domain's paging lock
  /// copies into the calling domain's memory under its p2m lock).
  std::vector<std::string> RunningContext;
  std::vector<ClassByHolder> ClassesByHolder;
  std::vector<ExclusiveContexts> Exclusive;
  std::vector<Hierarchy> Hierarchies;
  std::vector<GuardedRule> Guarded;
  std::vector<RequiresRule> Requires;
  std::vector<EnteredHoldingRule> EnteredHolding;
  std::vector<DistinctResultsRule> DistinctResults;
  std::vector<ForbiddenWhileHeldRule> ForbiddenWhileHeld;
  std::vector<HeldContinuouslyRule> HeldContinuously;
  std::vector<SleepingRule> Sleeping;
  std::vector<std::string> Files; ///< Files loaded, in order.

  /// Resolves an alias (transitively); returns Name itself when it is not an
  /// alias.
  std::string canonical(const std::string &Name) const;
  /// The primitive named Name, or nullptr.  Later files override earlier.
  const Primitive *findPrimitive(std::string_view Name) const;
};

/// Parses Text (named Path in diagnostics) and merges it into Into.
/// Returns false when any error was found; warnings do not fail.
bool loadRuleText(std::string_view Text, const std::string &Path,
                  RuleSet &Into, std::vector<Diagnostic> &Diags);
bool loadRuleFile(const std::string &Path, RuleSet &Into,
                  std::vector<Diagnostic> &Diags);

/// The built-in primitive catalogs (Linux, Xen, pthread), always loaded
/// first.  They are data (rules/catalog/*.jsonc) compiled into the library.
bool loadBuiltinCatalogs(RuleSet &Into, std::vector<Diagnostic> &Diags);

} // namespace lockwise::rules

#endif
