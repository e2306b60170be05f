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

#include "engine/Facts.h"

#include "clang/AST/Expr.h"
#include "llvm/ADT/StringSet.h"

namespace clang {
class FunctionDecl;
class SourceManager;
} // namespace clang

namespace lockwise {

class LockIdentity {
public:
  LockIdentity(const clang::SourceManager &SM, const llvm::StringSet<> &LockTypes,
               const llvm::StringSet<> &TransparentFunctions)
      : SM(SM), LockTypes(LockTypes), Transparent(TransparentFunctions) {}

  /// The lock that E (an argument such as "&p->lock" or "l") points at,
  /// inside function FD.
  LockRef resolvePointer(const clang::Expr *E, const clang::FunctionDecl *FD) const;

  /// The object an lvalue designates, named like a lock: "p->pod.count" is
  /// Type root "p2m_domain" with path "pod.count".  Used for guarded
  /// fields.
  LockRef resolveLvalue(const clang::Expr *E, const clang::FunctionDecl *FD) const {
    return resolveObject(E, FD, 0);
  }

  /// Whether T (or a typedef it is spelled through) is a lock type.
  bool isLockType(clang::QualType T) const;

  /// The name a struct type is known by: its tag, else its typedef name.
  static std::string recordName(clang::QualType T);

private:
  LockRef resolveObject(const clang::Expr *E, const clang::FunctionDecl *FD,
                        int Depth) const;
  const clang::SourceManager &SM;
  const llvm::StringSet<> &LockTypes;
  const llvm::StringSet<> &Transparent;
};

/// Strips parentheses, implicit and explicit casts.
const clang::Expr *stripCasts(const clang::Expr *E);

} // namespace lockwise

#endif
