//===- LockIdentity.cpp ---------------------------------------------------===//
#include "frontend/LockIdentity.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Type.h"
#include "clang/Basic/SourceManager.h"

#include <vector>

using namespace clang;

namespace lockwise {

const Expr *stripCasts(const Expr *E) {
  while (E) {
    E = E->IgnoreParens();
    if (auto *C = dyn_cast<CastExpr>(E)) {
      E = C->getSubExpr();
      continue;
    }
    // GNU statement expressions ({ ...; x; }) evaluate to their last
    // expression: kernel macros wrap lock arguments in them.
    if (auto *SE = dyn_cast<StmtExpr>(E)) {
      auto *CS = SE->getSubStmt();
      if (!CS || CS->body_empty())
        return E;
      auto *Last = dyn_cast<Expr>(CS->body_back());
      if (!Last)
        return E;
      E = Last;
      continue;
    }
    return E;
  }
  return E;
}

bool LockIdentity::isLockType(QualType T) const {
  // Walk the sugar: "spinlock_t" is a typedef of "struct spinlock", and
  // either spelling may be the catalogued one.
  const Type *Ty = T.getTypePtrOrNull();
  for (int Steps = 0; Ty && Steps < 32; ++Steps) {
    if (auto *TT = dyn_cast<TypedefType>(Ty))
      if (LockTypes.contains(TT->getDecl()->getName()))
        return true;
    const Type *Next =
        Ty->getLocallyUnqualifiedSingleStepDesugaredType().getTypePtrOrNull();
    if (Next == Ty)
      break;
    Ty = Next;
  }
  if (auto *RT = dyn_cast<RecordType>(T.getCanonicalType())) {
    const RecordDecl *RD = RT->getDecl();
    if (RD->getName().empty())
      return false;
    std::string Tagged =
        (RD->isUnion() ? "union " : "struct ") + RD->getName().str();
    return LockTypes.contains(Tagged);
  }
  return false;
}

std::string LockIdentity::recordName(QualType T) {
  T = T.getCanonicalType();
  if (auto *RT = dyn_cast<RecordType>(T)) {
    const RecordDecl *RD = RT->getDecl();
    if (!RD->getName().empty())
      return RD->getName().str();
    if (auto *TD = RD->getTypedefNameForAnonDecl())
      return TD->getName().str();
    return "(anonymous)";
  }
  return T.getAsString();
}

namespace {
/// One step of a member path with the type of the object it names.
struct PathStep {
  std::string Name;
  QualType Type;
};

std::string joinPath(const std::vector<PathStep> &Steps, size_t Count) {
  std::string Out;
  for (size_t I = 0; I < Count; ++I) {
    if (I && Steps[I].Name != "[]")
      Out += '.';
    Out += Steps[I].Name;
  }
  return Out;
}
} // namespace

LockRef LockIdentity::resolvePointer(const Expr *E,
                                     const FunctionDecl *FD) const {
  E = stripCasts(E);
  if (!E)
    return {};
  // "&obj" names obj; any other pointer names what it points at.
  if (auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_AddrOf)
    return resolveObject(UO->getSubExpr(), FD, 0);
  if (auto *CE = dyn_cast<CallExpr>(E)) {
    if (auto *Callee = CE->getDirectCallee())
      if (Transparent.contains(Callee->getName()) && CE->getNumArgs() > 0)
        return resolvePointer(CE->getArg(0), FD);
  }
  QualType T = E->getType();
  if (!T->isPointerType())
    return resolveObject(E, FD, 0); // arrays decay, lvalue locks by value
  if (auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    if (auto *PVD = dyn_cast<ParmVarDecl>(DRE->getDecl())) {
      LockRef R;
      R.K = LockRef::Param;
      R.ParamIndex = PVD->getFunctionScopeIndex();
      R.Root = PVD->getName().str();
      R.Text = PVD->getName().str();
      return R;
    }
    if (auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
      // A local pointer initialised once from a lock expression:
      // "spinlock_t *l = &p->lock; spin_lock(l);".
      if (VD->isLocalVarDecl() && VD->getInit() && !VD->isStaticLocal())
        return resolvePointer(VD->getInit(), FD);
    }
  }
  // *E: the object a pointer expression designates.
  QualType Pointee = T->getPointeeType();
  LockRef R;
  if (Pointee->isRecordType() && !isLockType(Pointee)) {
    R.K = LockRef::Type;
    R.Root = recordName(Pointee);
  } else {
    R.K = LockRef::Unknown;
    R.Root = Pointee.getAsString();
  }
  return R;
}

LockRef LockIdentity::resolveObject(const Expr *E, const FunctionDecl *FD,
                                    int Depth) const {
  // Collect the member path from the lock object outwards to its root.
  std::vector<PathStep> Reversed;
  LockRef R;
  const Expr *Cur = stripCasts(E);
  while (Cur && Depth < 64) {
    ++Depth;
    if (auto *ME = dyn_cast<MemberExpr>(Cur)) {
      Reversed.push_back({ME->getMemberDecl()->getName().str(), ME->getType()});
      if (ME->isArrow()) {
        QualType Pointee = ME->getBase()->getType()->getPointeeType();
        R.K = LockRef::Type;
        R.Root = recordName(Pointee);
        // The root object itself may be a lock (l->lock inside mm_lock_t):
        // the lock is then whatever the base pointer designates.
        if (isLockType(Pointee)) {
          R = resolvePointer(ME->getBase(), FD);
          Reversed.clear();
        }
        break;
      }
      Cur = stripCasts(ME->getBase());
      continue;
    }
    if (auto *ASE = dyn_cast<ArraySubscriptExpr>(Cur)) {
      QualType Elem = ASE->getType();
      if (Elem->isRecordType() && !isLockType(Elem)) {
        R.K = LockRef::Type;
        R.Root = recordName(Elem);
        break;
      }
      Reversed.push_back({"[]", Elem});
      Cur = stripCasts(ASE->getBase());
      continue;
    }
    if (auto *UO = dyn_cast<UnaryOperator>(Cur); UO && UO->getOpcode() == UO_Deref) {
      LockRef P = resolvePointer(UO->getSubExpr(), FD);
      R = P;
      break;
    }
    if (auto *DRE = dyn_cast<DeclRefExpr>(Cur)) {
      auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      if (!VD) {
        R.K = LockRef::Unknown;
        break;
      }
      QualType VT = VD->getType();
      if (VD->hasGlobalStorage() && !VD->isStaticLocal()) {
        R.K = LockRef::Global;
        R.Root = VD->getName().str();
        R.StaticGlobal = !VD->isExternallyVisible();
        if (R.StaticGlobal)
          R.File = SM.getFilename(SM.getExpansionLoc(VD->getLocation())).str();
      } else if (VD->isStaticLocal()) {
        R.K = LockRef::Global;
        R.Root = VD->getName().str() + "@" + (FD ? FD->getName().str() : "");
      } else if (VT->isRecordType() && !isLockType(VT)) {
        R.K = LockRef::Type;
        R.Root = recordName(VT);
      } else {
        R.K = LockRef::Local;
        R.Root = VD->getName().str() + "@" + (FD ? FD->getName().str() : "");
      }
      // A struct-typed global reached by '.' is still named by its tag when
      // the lock is a member: DESIGN.md names member locks tag.field.
      if (R.K == LockRef::Global && !Reversed.empty() && VT->isRecordType() &&
          !isLockType(VT)) {
        R.K = LockRef::Type;
        R.Root = recordName(VT);
        R.StaticGlobal = false;
        R.File = Symbol();
      }
      break;
    }
    R.K = LockRef::Unknown;
    R.Root = Cur->getType().getAsString();
    break;
  }
  if (R.K == LockRef::None)
    R.K = LockRef::Unknown;

  // Steps run outer (root side) to inner (lock side); stop at the first
  // lock-typed object: a lock inside a lock type is that lock type.
  std::vector<PathStep> Steps(Reversed.rbegin(), Reversed.rend());
  size_t Keep = Steps.size();
  for (size_t I = 0; I < Steps.size(); ++I)
    if (isLockType(Steps[I].Type)) {
      Keep = I + 1;
      break;
    }
  std::string Path = joinPath(Steps, Keep);
  if (!Path.empty()) {
    if (R.K == LockRef::Param) {
      // p->lock where p points at a non-lock struct never gets here (that
      // is a Type root); a path under a parameter's lock object is dropped.
    } else {
      R.Path = R.Path.empty() ? Path : R.Path + "." + Path;
    }
  }
  return R;
}

} // namespace lockwise
