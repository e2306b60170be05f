//===- FieldGroups.cpp ----------------------------------------------------===//
#include "frontend/FieldGroups.h"
#include "frontend/FunctionExtractor.h"
#include "frontend/LockIdentity.h"

#include "clang/AST/Attr.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace lockwise {

namespace {

/// Marks a local whose objects disagree or are unknown.
const char *const Unknown = "?";

/// What a store writes, as StoredField says, or nothing for a field whose
/// values tell callbacks apart neither as a callback nor as a flag.
std::optional<StoredField> storedValue(const FieldDecl *Field, const Expr *Value,
                                       ASTContext &Ctx) {
  QualType T = Field->getType();
  bool Callback = T->isFunctionPointerType();
  if (!Callback && !T->isIntegralOrEnumerationType())
    return std::nullopt;
  StoredField Out;
  Out.Field = Field->getName();
  const FunctionDecl *Fn = Value ? designatedFunction(Value) : nullptr;
  if (!Value || isa<ImplicitValueInitExpr>(Value)) {
    Out.Value = 0; // an initialiser's unlisted field
  } else if (Callback && Fn) {
    Out.Function = functionKey(Fn, Ctx.getSourceManager());
    Out.Value = 1;
  } else {
    Out.Value = knownTruth(Value, Ctx);
  }
  return Out;
}

/// Allocators that return zeroed memory (libxl__zalloc behind GCNEW,
/// calloc, Xen's xzalloc, Linux's kzalloc/kcalloc): an object they return
/// is new, and its flags are zero until something sets them.
bool zeroingAllocation(const Expr *E) {
  auto *CE = dyn_cast_or_null<CallExpr>(stripCasts(E));
  const FunctionDecl *Callee = CE ? CE->getDirectCallee() : nullptr;
  if (!Callee || !Callee->getIdentifier())
    return false;
  llvm::StringRef Name = Callee->getName();
  return Name.contains("zalloc") || Name.contains("calloc");
}

/// A call of an allocator: a function returning a pointer that is
/// declared one (__attribute__((malloc)), alloc_size) or says so in its
/// name (xmalloc, kzalloc, alloc_domain_struct, libxl__zalloc).
bool allocation(const Expr *E) {
  auto *CE = dyn_cast_or_null<CallExpr>(stripCasts(E));
  const FunctionDecl *Callee = CE ? CE->getDirectCallee() : nullptr;
  if (!Callee || !Callee->getReturnType()->isPointerType())
    return false;
  if (Callee->hasAttr<RestrictAttr>() || Callee->hasAttr<AllocSizeAttr>())
    return true;
  return Callee->getIdentifier() && Callee->getName().contains("alloc");
}

std::string locText(SourceLocation L, const SourceManager &SM) {
  SrcLoc U = userLoc(L, SM);
  return U.File.str() + ":" + std::to_string(U.Line);
}

} // namespace

bool hasCallbackField(QualType Record) {
  const RecordDecl *RD = Record.isNull() ? nullptr : Record->getAsRecordDecl();
  if (!RD || !RD->getDefinition() || RD->isUnion())
    return false;
  for (const FieldDecl *F : RD->getDefinition()->fields())
    if (F->getType()->isFunctionPointerType())
      return true;
  return false;
}

ObjectNames::ObjectNames(const FunctionDecl *FD, ASTContext &Ctx)
    : FD(FD), Ctx(Ctx), SM(Ctx.getSourceManager()), Key(functionKey(FD, SM)) {
  scan(FD->getBody());
}

void ObjectNames::scan(const Stmt *S) {
  if (!S)
    return;
  if (auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->getOpcode() == BO_Assign) {
    const Expr *LHS = BO->getLHS()->IgnoreParenImpCasts();
    if (auto *ME = dyn_cast<MemberExpr>(LHS))
      noteStore(ME, BO->getRHS());
    else if (auto *DRE = dyn_cast<DeclRefExpr>(LHS))
      if (auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        noteLocal(VD, BO->getRHS());
  }
  if (auto *RS = dyn_cast<ReturnStmt>(S); RS && RS->getRetValue() &&
      RS->getRetValue()->getType()->isPointerType() &&
      hasCallbackField(RS->getRetValue()->getType()->getPointeeType()))
    Returned.push_back(RS->getRetValue());
  if (auto *DS = dyn_cast<DeclStmt>(S))
    for (const Decl *D : DS->decls())
      if (auto *VD = dyn_cast<VarDecl>(D); VD && VD->getInit())
        noteLocal(VD, VD->getInit());
  // "&p" lets a callee change where p points.
  if (auto *UO = dyn_cast<UnaryOperator>(S); UO && UO->getOpcode() == UO_AddrOf)
    if (auto *DRE = dyn_cast<DeclRefExpr>(UO->getSubExpr()->IgnoreParenImpCasts()))
      if (auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
          VD && VD->getType()->isPointerType()) {
        Locals[VD] = Unknown;
        Fresh[VD] = false;
      }
  for (const Stmt *Child : S->children())
    scan(Child);
}

void ObjectNames::noteLocal(const VarDecl *VD, const Expr *Value) {
  if (!VD->hasLocalStorage() || !VD->getType()->isPointerType())
    return;
  std::string Object = Unknown;
  if (zeroingAllocation(Value)) {
    Object = "alloc@" + locText(Value->getBeginLoc(), SM);
  } else if (auto *CE = dyn_cast<CallExpr>(stripCasts(Value));
             CE && CE->getDirectCallee()) {
    // Whatever the callee returns (the engine looks it up).
    Object = "ret@" + functionKey(CE->getDirectCallee(), SM);
  } else if (auto *UO = dyn_cast<UnaryOperator>(stripCasts(Value));
             UO && UO->getOpcode() == UO_AddrOf) {
    Object = objectOfLvalue(UO->getSubExpr());
    if (Object.empty())
      Object = Unknown;
  }
  bool IsNew = !isa<ParmVarDecl>(VD) &&
               (allocation(Value) ||
                Value->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNull));
  auto [F, First] = Fresh.try_emplace(VD, IsNew);
  if (!First)
    F->second = F->second && IsNew;
  // A parameter assigned anything no longer names the caller's object.
  auto [It, New] = Locals.try_emplace(VD, Object);
  if (!New && It->second != Object)
    It->second = Unknown;
  if (isa<ParmVarDecl>(VD))
    It->second = Unknown;
}

void ObjectNames::noteStore(const MemberExpr *ME, const Expr *Value) {
  auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl());
  if (!Field)
    return;
  const Expr *Base = ME->getBase()->IgnoreParenImpCasts();
  QualType Record = Base->getType();
  if (ME->isArrow())
    Record = Record->getPointeeType();
  if (!hasCallbackField(Record))
    return;
  std::optional<StoredField> Stored = storedValue(Field, Value, Ctx);
  if (!Stored)
    return;
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  Base->printPretty(OS, nullptr, PrintingPolicy(Ctx.getLangOpts()));
  OS << (ME->isArrow() ? "->" : ".");
  Pending &P = Groups[OS.str()];
  P.Base = Base;
  P.Arrow = ME->isArrow();
  P.Group.Record = LockIdentity::recordName(Record);
  P.Group.Fields.push_back(*Stored);
}

std::string ObjectNames::objectOfLvalue(const Expr *E) const {
  E = E->IgnoreParenImpCasts();
  if (auto *ME = dyn_cast<MemberExpr>(E)) {
    if (!ME->getType()->isRecordType())
      return "";
    QualType Container = ME->getBase()->getType();
    if (ME->isArrow())
      Container = Container->getPointeeType();
    return LockIdentity::recordName(Container) + "." +
           ME->getMemberDecl()->getNameAsString();
  }
  if (auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
        VD && VD->getType()->isRecordType()) {
      if (VD->hasLocalStorage())
        return "stack@" + Key + "#" + VD->getNameAsString();
      return "global@" + VD->getNameAsString();
    }
  return "";
}

std::string ObjectNames::objectOf(const Expr *E, int *Param) const {
  if (Param)
    *Param = -1;
  E = stripCasts(E);
  if (!E)
    return "";
  if (auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_AddrOf)
    return objectOfLvalue(UO->getSubExpr());
  if (auto *CE = dyn_cast<CallExpr>(E); CE && CE->getDirectCallee())
    return "ret@" + functionKey(CE->getDirectCallee(), SM);
  auto *DRE = dyn_cast<DeclRefExpr>(E);
  auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  if (!VD || !VD->hasLocalStorage())
    return "";
  auto It = Locals.find(VD);
  if (auto *PVD = dyn_cast<ParmVarDecl>(VD)) {
    if (Param && It == Locals.end())
      *Param = PVD->getFunctionScopeIndex();
    return "";
  }
  if (It == Locals.end() || It->second == Unknown)
    return "";
  return It->second;
}

bool ObjectNames::isNew(const Expr *E) const {
  E = stripCasts(E);
  if (auto *UO = dyn_cast_or_null<UnaryOperator>(E); UO && UO->getOpcode() == UO_AddrOf)
    E = UO->getSubExpr()->IgnoreParenImpCasts();
  auto *DRE = dyn_cast_or_null<DeclRefExpr>(E);
  auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  if (!VD || !VD->hasLocalStorage() || isa<ParmVarDecl>(VD))
    return false;
  if (VD->getType()->isRecordType())
    return true;
  auto It = Fresh.find(VD);
  return It != Fresh.end() && It->second;
}

std::vector<FieldGroup> ObjectNames::groups() const {
  std::vector<FieldGroup> Out;
  for (const auto &[Text, P] : Groups) {
    FieldGroup G = P.Group;
    G.Function = Key;
    int Param = -1;
    if (P.Arrow) {
      G.Object = objectOf(P.Base, &Param);
    } else if (auto *UO = dyn_cast<UnaryOperator>(P.Base);
               UO && UO->getOpcode() == UO_Deref) {
      G.Object = objectOf(UO->getSubExpr(), &Param);
    } else {
      G.Object = objectOfLvalue(P.Base);
    }
    G.ObjectParam = Param;
    Out.push_back(std::move(G));
  }
  return Out;
}

std::vector<ReturnedObject> ObjectNames::returned() const {
  std::vector<ReturnedObject> Out;
  for (const Expr *E : Returned) {
    ReturnedObject R;
    R.Function = Key;
    int Param = -1;
    R.Object = objectOf(E, &Param);
    R.ObjectParam = Param;
    Out.push_back(std::move(R));
  }
  return Out;
}

std::optional<FieldGroup> initializerGroup(const InitListExpr *ILE,
                                           ASTContext &Ctx,
                                           const std::string &Object) {
  QualType T = ILE->getType();
  if (!hasCallbackField(T))
    return std::nullopt;
  const RecordDecl *RD = T->getAsRecordDecl()->getDefinition();
  FieldGroup G;
  G.Record = LockIdentity::recordName(T);
  G.Object = !Object.empty()
                 ? Object
                 : "init@" + locText(ILE->getBeginLoc(), Ctx.getSourceManager());
  unsigned I = 0;
  for (const FieldDecl *F : RD->fields()) {
    const Expr *Init = I < ILE->getNumInits() ? ILE->getInit(I) : nullptr;
    ++I;
    if (std::optional<StoredField> Stored = storedValue(F, Init, Ctx))
      G.Fields.push_back(*Stored);
  }
  return G;
}

} // namespace lockwise
