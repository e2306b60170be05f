//===- FunctionExtractor.cpp ----------------------------------------------===//
//
// Builds Clang's CFG for one function (every subexpression its own element,
// so calls appear in evaluation order) and turns each element into the lock
// events the engine needs.  Branch conditions are reduced to facts that
// path-sensitive analysis can correlate (if (!held) lock(); ...
// if (!held) unlock();) and to try-lock outcomes.
//
// This file holds the public helpers (how facts name functions, locations
// and function pointers) and the entry point; the work on one function is
// frontend::Extraction's (Extraction.h).
//
//===----------------------------------------------------------------------===//
#include "frontend/FunctionExtractor.h"
#include "frontend/Extraction.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace clang;

namespace lockwise {

namespace {
std::string cleanPath(llvm::StringRef P) {
  llvm::SmallString<256> S(P);
  llvm::sys::path::remove_dots(S, /*remove_dot_dot=*/true);
  return std::string(S);
}
} // namespace

SrcLoc userLoc(SourceLocation L, const SourceManager &SM) {
  SrcLoc Out;
  if (L.isInvalid())
    return Out;
  SourceLocation E = SM.getExpansionLoc(L);
  PresumedLoc P = SM.getPresumedLoc(E, /*UseLineDirectives=*/false);
  if (P.isInvalid())
    return Out;
  // Absolute, so that findings from TUs built in different directories
  // (and a patch's paths under the source root) name a file one way.
  llvm::SmallString<256> Path(P.getFilename());
  if (!llvm::sys::path::is_absolute(Path))
    if (auto CWD = SM.getFileManager()
                       .getVirtualFileSystem()
                       .getCurrentWorkingDirectory())
      llvm::sys::fs::make_absolute(*CWD, Path);
  Out.File = cleanPath(Path);
  Out.Line = P.getLine();
  Out.Column = P.getColumn();
  return Out;
}

std::string functionKey(const FunctionDecl *FD, const SourceManager &SM) {
  const FunctionDecl *Def = FD->getDefinition();
  if (!Def)
    Def = FD;
  std::string Name = Def->getNameAsString();
  if (Def->isExternallyVisible())
    return Name;
  return Name + "@" + userLoc(Def->getLocation(), SM).File;
}

int knownTruth(const Expr *V, ASTContext &Ctx) {
  const Expr *Stripped = stripCasts(V);
  Expr::EvalResult R;
  if (V->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull))
    return 0;
  if (!V->isValueDependent() && V->getType()->isIntegralOrEnumerationType() &&
      V->EvaluateAsInt(R, Ctx))
    return R.Val.getInt() != 0;
  if (auto *UO = dyn_cast<UnaryOperator>(Stripped); UO && UO->getOpcode() == UO_AddrOf)
    return 1;
  return -1;
}

const FunctionDecl *designatedFunction(const Expr *E) {
  E = stripCasts(E);
  if (auto *UO = dyn_cast_or_null<UnaryOperator>(E);
      UO && UO->getOpcode() == UO_AddrOf)
    E = stripCasts(UO->getSubExpr());
  if (auto *DRE = dyn_cast_or_null<DeclRefExpr>(E))
    return dyn_cast<FunctionDecl>(DRE->getDecl());
  return nullptr;
}

std::string fptrKeyOf(const Expr *E, const FunctionDecl *InFunction,
                      const SourceManager &SM) {
  E = stripCasts(E);
  if (auto *UO = dyn_cast_or_null<UnaryOperator>(E);
      UO && UO->getOpcode() == UO_Deref)
    E = stripCasts(UO->getSubExpr());
  if (auto *ME = dyn_cast_or_null<MemberExpr>(E)) {
    QualType Base = ME->getBase()->getType();
    if (ME->isArrow())
      Base = Base->getPointeeType();
    return LockIdentity::recordName(Base) + "." +
           ME->getMemberDecl()->getNameAsString();
  }
  auto *DRE = dyn_cast_or_null<DeclRefExpr>(E);
  if (!DRE)
    return "";
  if (auto *PVD = dyn_cast<ParmVarDecl>(DRE->getDecl())) {
    if (!InFunction)
      return "";
    return functionKey(InFunction, SM) + "#" +
           std::to_string(PVD->getFunctionScopeIndex());
  }
  if (auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
    if (VD->hasGlobalStorage() && !VD->isStaticLocal()) {
      if (VD->isExternallyVisible())
        return VD->getNameAsString();
      return VD->getNameAsString() + "@" + userLoc(VD->getLocation(), SM).File;
    }
    if (InFunction)
      return VD->getNameAsString() + "@" + functionKey(InFunction, SM);
  }
  return "";
}

std::optional<FunctionFacts> FunctionExtractor::extract(const FunctionDecl *FD) {
  if (!FD->hasBody() || FD->isDependentContext())
    return std::nullopt;
  frontend::Extraction X(Ctx, Rules, Ids, FD, OnCallee, Fptrs, Objects,
                         GuardedFields, GuardedLeaves, Sleeping);
  return X.run();
}

} // namespace lockwise
