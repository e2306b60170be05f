//===- LockIdentity.h - Canonical lock names from Clang expressions -------===//
//
// Lock identity is decided here, once, as ThreadSafetyTIL does for b->a.mu:
// everything after compares the resulting names.  A member lock is named by
// the struct that holds it ("p2m_domain.pod.lock") however it was reached
// (pointer chains, array elements, casts, wrapper parameters); a lock-typed
// object nested inside another lock type (mm_lock_t's spinlock) names the
// outer one.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_FRONTEND_LOCKIDENTITY_H
#define LOCKWISE_FRONTEND_LOCKIDENTITY_H

#include "facts/Facts.h"

#include "clang/AST/Expr.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace clang {
class FunctionDecl;
class LangOptions;
class SourceManager;
} // namespace clang

namespace lockwise {

class LockIdentity {
public:
  LockIdentity(const clang::SourceManager &SM, const clang::LangOptions &LO,
               const llvm::StringSet<> &LockTypes,
               const llvm::StringSet<> &TransparentFunctions,
               const llvm::StringSet<> &RunningContext,
               const llvm::StringMap<llvm::StringSet<>> &HolderTypes)
      : SM(SM), LO(LO), LockTypes(LockTypes), Transparent(TransparentFunctions),
        RunningContext(RunningContext), HolderTypes(HolderTypes) {}

  /// The lock that E (an argument such as "&p->lock" or "l") points at,
  /// inside function FD.
  LockRef resolvePointer(const clang::Expr *E, const clang::FunctionDecl *FD) const;

  /// The object an lvalue designates, named like a lock: "p->pod.count" is
  /// Type root "p2m_domain" with path "pod.count".  Used for guarded
  /// fields.
  LockRef resolveLvalue(const clang::Expr *E, const clang::FunctionDecl *FD) const {
    return resolveObject(E, FD, 0);
  }

  /// Whose object the pointer (or object) expression E inside FD
  /// designates: OwnerCurrent when it is reached from a running_context
  /// function's result or macro's expansion, parameter N of FD when reached from it, else
  /// OwnerAny.  "Reached" follows members, container_of(), address-of,
  /// pointer arithmetic, locals whose every value agrees, and functions
  /// whose every returned value agrees ("return d->arch.p2m;").
  int8_t originOf(const clang::Expr *E, const clang::FunctionDecl *FD) const {
    return originOf(E, FD, 0);
  }

  /// Where the object a pointer argument E designates is held, for a struct
  /// rules' class_by_holder names (ArgInfo::Holder): the member or global
  /// the pointer is loaded from ("domain.iomem_caps", "vcpu.vpci.mem"), a
  /// constructor call ("rangeset_new() in modify_bars"), or "" when it is
  /// FD's parameter (the caller knows: the engine asks it), when values
  /// disagree or are not known.  Locals count when every value they get
  /// agrees.
  std::string holderOf(const clang::Expr *E, const clang::FunctionDecl *FD) const;

  /// How FD's body writes local variables: the values plainly assigned
  /// ("p = d->arch.nested_p2m[i]"), and a null entry for a write whose
  /// value is not known (++, +=, &V passed on).
  using Writes =
      llvm::DenseMap<const clang::VarDecl *,
                     llvm::SmallVector<const clang::Expr *, 2>>;

  /// Whether T (or a typedef it is spelled through) is a lock type.
  bool isLockType(clang::QualType T) const;

  /// Whether the struct T holds a lock: a member of a lock type, directly
  /// or in a struct or array member (not behind a pointer).
  bool declaresLock(clang::QualType T) const;

  /// The name a struct type is known by: its tag, else its typedef name.
  static std::string recordName(clang::QualType T);

private:
  LockRef resolveObject(const clang::Expr *E, const clang::FunctionDecl *FD,
                        int Depth) const;
  int8_t originOf(const clang::Expr *E, const clang::FunctionDecl *FD,
                  int Depth) const;
  /// The root of a lock path that is variable VD (global, static local,
  /// struct-typed local or a lock variable); HasMembers: reached by '.'.
  LockRef variableRoot(const clang::VarDecl *VD, const clang::FunctionDecl *FD,
                       bool HasMembers) const;
  /// originOf() at a call: the origin the call decides, or (Next set) the
  /// argument whose origin the callee returns.
  int8_t originThroughCall(const clang::CallExpr *CE, int Depth,
                           const clang::Expr *&Next) const;
  /// originOf() of a local variable or parameter: what all its values say.
  int8_t originOfVariable(const clang::VarDecl *VD, const clang::FunctionDecl *FD,
                          int Depth) const;
  /// What FD returns, in its own terms (a parameter index, OwnerCurrent or
  /// OwnerAny): the origin every returned value agrees on, a returned NULL
  /// and parameters a call passes as NULL (bit N of NullArgs) agreeing
  /// with anything ("p2m_getlru_nestedp2m(d, NULL)" returns d's).
  int8_t returnedOrigin(const clang::FunctionDecl *FD, unsigned NullArgs,
                        int Depth) const;
  /// Whether E is the whole expansion of a running_context macro
  /// (Xen's "current" is "(get_current())", itself a macro).
  bool isRunningContextMacro(const clang::Expr *E) const;
  const Writes &writesIn(const clang::FunctionDecl *FD) const;
  /// The values local VD is plainly assigned in FD's body (a null entry for
  /// a write whose value is not known), its initialiser aside.
  llvm::ArrayRef<const clang::Expr *> assignedValues(const clang::VarDecl *VD,
                                                     const clang::FunctionDecl *FD) const;
  bool declaresLock(clang::QualType T, int Depth) const;

  const clang::SourceManager &SM;
  const clang::LangOptions &LO;
  const llvm::StringSet<> &LockTypes;
  const llvm::StringSet<> &Transparent;
  const llvm::StringSet<> &RunningContext;
  /// class_by_holder: struct tag -> its constructors.
  /// declaresLock(), by struct.
  mutable llvm::DenseMap<const clang::RecordDecl *, bool> LockHolders;
  const llvm::StringMap<llvm::StringSet<>> &HolderTypes;
  mutable llvm::DenseMap<const clang::FunctionDecl *, Writes> Written;
  /// Variables whose origin is being computed (a = a->next).
  mutable llvm::DenseSet<const clang::VarDecl *> Visiting;
  /// What a function returns, per mask of the arguments a call passes as
  /// null pointer constants (see returnedOrigin()).
  mutable llvm::DenseMap<std::pair<const clang::FunctionDecl *, unsigned>, int8_t>
      ReturnedOrigins;
  /// While a callee's returns are read: its parameters the call passes as
  /// NULL, which designate no object and so agree with any other value.
  mutable unsigned NullParams = 0;
};

/// The macro whose whole expansion E is ("current" for its
/// "(get_current())", "page_alloc_mm_unlock" for its call), or "".
llvm::StringRef wholeMacroExpansion(const clang::Expr *E,
                                    const clang::SourceManager &SM,
                                    const clang::LangOptions &LO);

/// The value of a GNU statement expression (its last expression), or null.
const clang::Expr *statementExprValue(const clang::StmtExpr *SE);

/// Strips parentheses, implicit and explicit casts.
const clang::Expr *stripCasts(const clang::Expr *E);

/// For "(&X)->f", X (casts aside): the arrow reaches a member of X in
/// place, as "X.f" does -- macros that take a struct's address write it so
/// (Xen's and Linux's ring macros: "(&q->tx)->rsp_prod_pvt").  Else null.
const clang::Expr *arrowThroughAddress(const clang::MemberExpr *ME);

} // namespace lockwise

#endif
