//===- ExtractionCalls.cpp - Calls, lock primitives, arguments ------------===//
//
// A call of a primitive the rules name (or of a macro they name, when the
// call is its whole expansion) becomes the lock event it stands for; any
// other call becomes a Call event with what the engine needs of each
// argument (ArgInfo), and the function pointers it passes on.
//
//===----------------------------------------------------------------------===//
#include "frontend/Extraction.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace lockwise::frontend {

namespace {

/// Whether parameter I of Callee points to const
/// (list_empty(const struct list_head *)).
bool pointsToConst(const FunctionDecl *Callee, unsigned I) {
  return Callee && I < Callee->getNumParams() &&
         Callee->getParamDecl(I)->getType()->isPointerType() &&
         Callee->getParamDecl(I)->getType()->getPointeeType().isConstQualified();
}

/// Which way a list primitive moves a list, for lost-wakeup (removing an
/// entry cannot make "!list_empty(&l)" true): +1, -1, or 0 for any other
/// call.
int listDirection(llvm::StringRef N) {
  if (N.starts_with("list_add") || N.starts_with("list_splice") ||
      N.starts_with("list_move") || N.starts_with("hlist_add"))
    return 1;
  if (N.starts_with("list_del") || N.starts_with("hlist_del") ||
      N.starts_with("list_cut"))
    return -1;
  return 0;
}

} // namespace

StringRef directCalleeName(const Expr *E) {
  auto *CE = dyn_cast_or_null<CallExpr>(stripCasts(E));
  const FunctionDecl *Callee = CE ? CE->getDirectCallee() : nullptr;
  return Callee && Callee->getIdentifier() ? Callee->getName() : StringRef();
}

const rules::Primitive *Extraction::classPrimitive(const Expr *E) const {
  StringRef Name = directCalleeName(E);
  if (Name.empty())
    return nullptr;
  const rules::Primitive *P = Rules.findPrimitive(Name);
  return P && !P->Class.empty() ? P : nullptr;
}

void Extraction::noteHandle(const Stmt *S) {
  auto Call = [](const Expr *E) { return cast<CallExpr>(stripCasts(E)); };
  if (auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->getOpcode() == BO_Assign)
    if (const rules::Primitive *P = classPrimitive(BO->getRHS())) {
      if (P->Reference)
        ResultHolders[Call(BO->getRHS())] = spelling(BO->getLHS());
      if (auto *DRE = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()))
        if (auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
          HandleVars[VD] = Rules.canonical(P->Class);
    }
  if (auto *DS = dyn_cast<DeclStmt>(S))
    for (const Decl *D : DS->decls())
      if (auto *VD = dyn_cast<VarDecl>(D))
        if (const rules::Primitive *P = classPrimitive(VD->getInit())) {
          if (P->Reference)
            ResultHolders[Call(VD->getInit())] = VD->getName().str();
          HandleVars[VD] = Rules.canonical(P->Class);
        }
}

void Extraction::visitCall(const CallExpr *CE, Block &B) {
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (Callee) {
    const rules::Primitive *P = Rules.findPrimitive(Callee->getName());
    if (!P)
      P = macroPrimitive(CE);
    if (P) {
      visitPrimitive(CE, *P, B);
      return;
    }
    // Compiler builtins never touch locks.
    if (Callee->getBuiltinID() != 0)
      return;
  }
  Event Ev;
  Ev.Kind = EventKind::Call;
  Ev.Loc = userLoc(CE->getBeginLoc(), SM);
  // The result gets an id like a try-lock's, so that a test of it (or of
  // the variable it is stored in) can pick the callee's matching outcome.
  Ev.TryId = NextTryId++;
  TryIds[CE] = Ev.TryId;
  nameCallee(CE, Callee, Ev);
  std::vector<std::string> AddrTaken;
  for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
    const Expr *Arg = CE->getArg(I);
    Ev.Args.push_back(argInfo(Arg));
    if (!Ev.Callee.empty())
      noteFunctionPointerArgument(Ev.Callee + "#" + std::to_string(I), Arg,
                                  Ev.Args.back());
    // Passing &x lets the callee change x, unless the parameter points to
    // const.
    if (auto *UO = dyn_cast<UnaryOperator>(stripCasts(Arg));
        !pointsToConst(Callee, I) && UO && UO->getOpcode() == UO_AddrOf)
      for (std::string &V : writtenNames(UO->getSubExpr()))
        AddrTaken.push_back(std::move(V));
  }
  Ev.Vars = symbols(AddrTaken);
  Ev.Direction = listDirection(Ev.Name);
  B.Events.push_back(std::move(Ev));
}

void Extraction::nameCallee(const CallExpr *CE, const FunctionDecl *Callee,
                            Event &Ev) {
  if (Callee) {
    Ev.Name = Callee->getNameAsString();
    Ev.Callee = functionKey(Callee, SM);
    Ev.Sleeps = Sleeping.contains(Ev.Name);
    if (const FunctionDecl *Def = Callee->getDefinition())
      OnCallee(Def);
    return;
  }
  Ev.FptrKey = fptrKeyOf(CE->getCallee(), FD, SM);
  Ev.Name = Ev.FptrKey.empty() ? "(indirect)" : Ev.FptrKey;
  if (auto *ME = dyn_cast<MemberExpr>(stripCasts(CE->getCallee())))
    if (const VarDecl *V = plainLocal(ME->getBase()))
      Ev.FptrBase = V->getName().str() + (ME->isArrow() ? "->" : ".");
}

void Extraction::noteFunctionPointerArgument(const std::string &ParamKey,
                                             const Expr *Arg,
                                             const ArgInfo &A) {
  if (!A.Function.empty()) {
    Fptrs.push_back({ParamKey, A.Function, ""});
    if (auto *Fn = designatedFunction(Arg))
      OnCallee(Fn);
  } else if (Arg->getType()->isFunctionPointerType()) {
    std::string From = fptrKeyOf(Arg, FD, SM);
    if (!From.empty())
      Fptrs.push_back({ParamKey, "", From});
  }
}

const rules::Primitive *Extraction::macroPrimitive(const CallExpr *CE) const {
  // Only a call that is the whole expansion of the macro is the macro's
  // work: page_alloc_mm_unlock(l) is mm_enforce_order_unlock((l), NULL).
  llvm::StringRef Name = wholeMacroExpansion(CE, SM, Ctx.getLangOpts());
  return Name.empty() ? nullptr : Rules.findPrimitive(Name);
}

void Extraction::visitPrimitive(const CallExpr *CE, const rules::Primitive &P,
                                Block &B) {
  using rules::PrimitiveOp;
  if (P.Op == PrimitiveOp::Transparent) {
    // It returns its argument: a test of its result tests the argument's
    // (Xen's spin_trylock(l) is lock_evaluate_nospec(_spin_trylock(l))).
    if (P.Arg < CE->getNumArgs())
      if (auto *Inner = dyn_cast<CallExpr>(stripCasts(CE->getArg(P.Arg))))
        if (auto It = TryIds.find(Inner); It != TryIds.end())
          TryIds[CE] = It->second;
    return;
  }
  if (P.Op == PrimitiveOp::IsHeld) {
    visitIsHeld(CE, P, B);
    return;
  }
  Event Ev;
  Ev.Loc = userLoc(CE->getBeginLoc(), SM);
  Ev.Name = P.Name;
  if (!primitiveLock(CE, P, Ev.Lock))
    return;
  setLockOptions(CE, P, Ev);
  Ev.ByIdentity = IdentityGuarded.contains(CE);
  switch (P.Op) {
  case PrimitiveOp::Acquire:
    Ev.Kind = EventKind::Acquire;
    break;
  case PrimitiveOp::Release:
    Ev.Kind = EventKind::Release;
    break;
  case PrimitiveOp::TryAcquire:
    Ev.Kind = EventKind::TryAcquire;
    Ev.SuccessIsZero = P.Success == rules::SuccessValue::Zero;
    Ev.TryId = NextTryId++;
    TryIds[CE] = Ev.TryId;
    break;
  case PrimitiveOp::Wait:
    Ev.Kind = EventKind::Wait;
    recordWaitMacro(CE, Ev);
    break;
  case PrimitiveOp::Wake:
    Ev.Kind = EventKind::Wake;
    break;
  case PrimitiveOp::AssertHeld:
    Ev.Kind = EventKind::AssertHeld;
    break;
  case PrimitiveOp::CheckOrder: {
    // The order as if taken and dropped at once: an acquisition that may
    // re-take a held lock (a level checked again), then its release.
    Ev.Kind = EventKind::Acquire;
    Ev.Recursive = true;
    Event Release = Ev;
    Release.Kind = EventKind::Release;
    B.Events.push_back(std::move(Ev));
    B.Events.push_back(std::move(Release));
    return;
  }
  default:
    return;
  }
  B.Events.push_back(std::move(Ev));
}

std::string Extraction::referenceHolder(const CallExpr *CE,
                                        const rules::Primitive &P) {
  if (P.Op == rules::PrimitiveOp::Release)
    return P.Arg < CE->getNumArgs() ? spelling(CE->getArg(P.Arg)) : std::string();
  if (P.ResultArg)
    return *P.ResultArg < CE->getNumArgs() ? spelling(CE->getArg(*P.ResultArg))
                                           : std::string();
  if (auto It = ResultHolders.find(CE); It != ResultHolders.end())
    return It->second;
  // rcu_lock_domain(d) whose result is not kept: d's reference.
  if (P.Op == rules::PrimitiveOp::Acquire && P.Arg < CE->getNumArgs())
    return spelling(CE->getArg(P.Arg));
  return std::string();
}

namespace {

/// The variables an if condition compares with another object ("d !=
/// dom_io", "pt_owner == d"), through &&, || and !; a test against NULL
/// only says whether there is an object, not which.
void identityTested(const Expr *Cond, ASTContext &Ctx,
                    llvm::SmallVectorImpl<const ValueDecl *> &Out) {
  Cond = Cond->IgnoreParenImpCasts();
  if (auto *UO = dyn_cast<UnaryOperator>(Cond); UO && UO->getOpcode() == UO_LNot)
    return identityTested(UO->getSubExpr(), Ctx, Out);
  auto *BO = dyn_cast<BinaryOperator>(Cond);
  if (!BO)
    return;
  if (BO->isLogicalOp()) {
    identityTested(BO->getLHS(), Ctx, Out);
    identityTested(BO->getRHS(), Ctx, Out);
    return;
  }
  if (!BO->isEqualityOp())
    return;
  auto IsNull = [&](const Expr *E) {
    return E->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull) !=
           Expr::NPCK_NotNull;
  };
  const Expr *L = BO->getLHS()->IgnoreParenImpCasts();
  const Expr *R = BO->getRHS()->IgnoreParenImpCasts();
  if (IsNull(L) || IsNull(R) || !L->getType()->isPointerType())
    return;
  for (const Expr *Side : {L, R})
    if (auto *DRE = dyn_cast<DeclRefExpr>(Side))
      Out.push_back(DRE->getDecl());
}

} // namespace

// Before the CFG walk, which may reach a release before the assignment of
// its handle (a shared "out:" label), so that every release finds it.
void Extraction::collectBodyFacts(const Stmt *S,
                                  llvm::SmallVectorImpl<const ValueDecl *> &Tested) {
  if (!S)
    return;
  noteHandle(S);
  if (auto *CE = dyn_cast<CallExpr>(S); CE && !Tested.empty())
    if (const rules::Primitive *P = Rules.findPrimitive(directCalleeName(CE));
        P && P->Reference && P->Op == rules::PrimitiveOp::Release &&
        P->Arg < CE->getNumArgs())
      if (auto *DRE = dyn_cast<DeclRefExpr>(stripCasts(CE->getArg(P->Arg)));
          DRE && llvm::is_contained(Tested, DRE->getDecl()))
        IdentityGuarded.insert(CE);
  auto *If = dyn_cast<IfStmt>(S);
  if (If) {
    size_t Before = Tested.size();
    identityTested(If->getCond(), Ctx, Tested);
    collectBodyFacts(If->getThen(), Tested);
    collectBodyFacts(If->getElse(), Tested);
    Tested.resize(Before);
  }
  for (const Stmt *Child : S->children())
    if (!If || (Child != If->getThen() && Child != If->getElse()))
      collectBodyFacts(Child, Tested);
}

void Extraction::holdAfterWrite(const Expr *Value, Block &B) {
  const rules::Primitive *P = classPrimitive(Value);
  if (!P || !P->Reference || P->Op != rules::PrimitiveOp::Acquire)
    return;
  SrcLoc L = userLoc(cast<CallExpr>(stripCasts(Value))->getBeginLoc(), SM);
  for (size_t I = B.Events.size(); I-- > 0;)
    if (B.Events[I].Kind == EventKind::Acquire && B.Events[I].Loc == L) {
      Event Ev = std::move(B.Events[I]);
      B.Events.erase(B.Events.begin() + I);
      B.Events.push_back(std::move(Ev));
      return;
    }
}

bool Extraction::primitiveLock(const CallExpr *CE, const rules::Primitive &P,
                               LockRef &Lock) {
  if (!P.Class.empty()) {
    Lock.K = LockRef::Global;
    Lock.Root = Lock.Text = Rules.canonical(P.Class);
    // A reference's instance is the variable that holds it.
    if (std::string Holder = P.Reference ? referenceHolder(CE, P) : "";
        !Holder.empty())
      Lock.Text = Holder;
  } else if (P.Handle) {
    // Only a handle this function obtained names a lock we know; the same
    // release function frees other file locks too.
    auto *DRE = P.Arg < CE->getNumArgs()
                    ? dyn_cast<DeclRefExpr>(stripCasts(CE->getArg(P.Arg)))
                    : nullptr;
    auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    auto It = VD ? HandleVars.find(VD) : HandleVars.end();
    if (It == HandleVars.end())
      return false;
    Lock.K = LockRef::Global;
    Lock.Root = Lock.Text = It->second;
  } else if (P.Arg < CE->getNumArgs()) {
    Lock = Ids.resolvePointer(CE->getArg(P.Arg), FD);
    Lock.Text = spelling(CE->getArg(P.Arg));
  }
  return true;
}

void Extraction::setLockOptions(const CallExpr *CE, const rules::Primitive &P,
                                Event &Ev) {
  Ev.LockMode = P.Mode == rules::LockMode::Shared ? Mode::Shared : Mode::Exclusive;
  Ev.Recursive = P.Recursive;
  Ev.Irq = P.DisablesIrq;
  Ev.IrqChecked = P.IrqChecked;
  Ev.Sleeps = P.Sleeps;
  if (P.RecursiveArg && *P.RecursiveArg < CE->getNumArgs()) {
    ArgInfo A = argInfo(CE->getArg(*P.RecursiveArg));
    if (A.HasInt)
      Ev.Recursive = A.Int != 0;
    else if (A.Param >= 0)
      Ev.RecursiveParam = A.Param;
  }
}

ArgInfo Extraction::argInfo(const Expr *Arg) {
  ArgInfo A;
  const Expr *S = stripCasts(Arg);
  Expr::EvalResult R;
  if (!Arg->isValueDependent() && Arg->getType()->isIntegralOrEnumerationType() &&
      Arg->EvaluateAsInt(R, Ctx)) {
    A.HasInt = true;
    A.Int = R.Val.getInt().getExtValue();
  }
  if (auto *DRE = dyn_cast<DeclRefExpr>(S)) {
    if (auto *PVD = dyn_cast<ParmVarDecl>(DRE->getDecl()))
      A.Param = PVD->getFunctionScopeIndex();
    else if (auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
             VD && VD->hasLocalStorage() &&
             VD->getType()->isScalarType()) {
      A.Var = VD->getNameAsString();
      if (Condition Named = namedCondition(VD);
          Named.MaskParam >= 0 && Named.Mask && !Named.Negated) {
        A.MaskedParam = Named.MaskParam;
        A.ParamMask = Named.Mask;
      }
    }
  }
  if (auto *CE = dyn_cast<CallExpr>(S))
    if (auto It = TryIds.find(CE); It != TryIds.end())
      A.TryId = It->second;
  if (auto *Fn = designatedFunction(Arg))
    A.Function = functionKey(Fn, SM);
  if (Arg->getType()->isPointerType() &&
      !Arg->getType()->getPointeeType()->isFunctionType() &&
      !Arg->getType()->getPointeeType()->isCharType()) {
    A.Lock = Ids.resolvePointer(Arg, FD);
    A.Origin = Ids.originOf(Arg, FD);
    A.Holder = Ids.holderOf(Arg, FD);
    if (hasCallbackField(Arg->getType()->getPointeeType()))
      A.Object = Objects.objectOf(Arg);
    A.NewObject = Objects.isNew(Arg);
  }
  if (A.Lock.K != LockRef::None)
    A.Lock.Text = spelling(Arg);
  return A;
}

} // namespace lockwise::frontend
