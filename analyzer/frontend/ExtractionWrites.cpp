//===- ExtractionWrites.cpp - Assignments, kills, guarded accesses --------===//
//
// A write becomes a Kill of the facts it changes, with what the variable
// now holds when that is known (a constant, another local, a try-lock's
// result, a distinct_results function's result).  Stores of functions
// into function pointers become FptrFlows; reads and writes of guarded
// fields become Access events.
//
//===----------------------------------------------------------------------===//
#include "frontend/Extraction.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace lockwise::frontend {

namespace {

/// The values a store of E may write: both arms of "c ? f : g" (nested),
/// or E itself.
llvm::SmallVector<const Expr *, 2> storedValues(const Expr *E) {
  llvm::SmallVector<const Expr *, 2> Out;
  llvm::SmallVector<const Expr *, 2> Work{E};
  while (!Work.empty()) {
    const Expr *V = stripCasts(Work.pop_back_val());
    if (auto *CO = dyn_cast_or_null<ConditionalOperator>(V)) {
      Work.push_back(CO->getFalseExpr());
      Work.push_back(CO->getTrueExpr());
      continue;
    }
    if (V)
      Out.push_back(V);
  }
  return Out;
}

/// The object an access touches: what the last "->" goes through, or the
/// struct variable a chain of "." starts from.  "(&q->tx)->prod" touches q.
const Expr *accessedObject(const MemberExpr *ME) {
  const Expr *Object = ME;
  while (auto *M = dyn_cast<MemberExpr>(Object)) {
    if (const Expr *InPlace = arrowThroughAddress(M)) {
      Object = InPlace;
      continue;
    }
    Object = M->getBase()->IgnoreParenImpCasts();
    if (M->isArrow())
      break;
  }
  return Object;
}

/// The struct an access's object is.
QualType accessedRecord(const Expr *Object) {
  QualType T = Object->getType();
  return T->isPointerType() ? T->getPointeeType() : T;
}

} // namespace

std::string variableName(const Decl *D) {
  auto *VD = dyn_cast<VarDecl>(D);
  std::string Name = cast<NamedDecl>(D)->getNameAsString();
  if (VD && VD->hasGlobalStorage())
    return "@" + Name;
  return Name;
}

void Extraction::visitAssignment(const BinaryOperator *BO, Block &B) {
  bool Indirect = false;
  std::vector<std::string> Written = writtenNames(BO->getLHS(), &Indirect);
  addKill(B, std::move(Written), Indirect, BO->getOperatorLoc(),
          BO->getOpcode() == BO_AddAssign   ? 1
          : BO->getOpcode() == BO_SubAssign ? -1
                                            : 0);
  markWrite(BO->getLHS());
  if (plainLocal(BO->getLHS()) && !B.Events.empty() &&
      B.Events.back().Kind == EventKind::Kill)
    B.Events.back().ChangedBits = changedBits(BO);
  if (auto *DRE = dyn_cast<DeclRefExpr>(stripCasts(BO->getLHS()));
      DRE && BO->getOpcode() == BO_Assign) {
    noteAssigned(dyn_cast<VarDecl>(DRE->getDecl()), BO->getRHS(), B);
    bindTry(BO->getRHS(), DRE->getDecl()->getNameAsString(), B);
    holdAfterWrite(BO->getRHS(), B);
  }
  noteFunctionPointerStore(BO);
}

void Extraction::noteFunctionPointerStore(const BinaryOperator *BO) {
  std::string FKey = fptrKeyOf(BO->getLHS(), FD, SM);
  if (FKey.empty() || !BO->getLHS()->getType()->isFunctionPointerType())
    return;
  for (const Expr *Value : storedValues(BO->getRHS())) {
    if (auto *Fn = designatedFunction(Value)) {
      Fptrs.push_back({FKey, functionKey(Fn, SM), ""});
      OnCallee(Fn);
    } else if (std::string From = fptrKeyOf(Value, FD, SM); !From.empty()) {
      Fptrs.push_back({FKey, "", From});
    }
  }
}

void Extraction::visitIncDec(const UnaryOperator *UO, Block &B) {
  bool Indirect = false;
  std::vector<std::string> Written = writtenNames(UO->getSubExpr(), &Indirect);
  addKill(B, std::move(Written), Indirect, UO->getOperatorLoc(),
          UO->isIncrementOp() ? 1 : -1);
  markWrite(UO->getSubExpr());
}

void Extraction::visitDecl(const DeclStmt *DS, Block &B) {
  for (const Decl *D : DS->decls()) {
    auto *VD = dyn_cast<VarDecl>(D);
    if (!VD)
      continue;
    addKill(B, {VD->getNameAsString()}, false, VD->getLocation());
    if (!VD->getInit())
      continue;
    noteAssigned(VD, VD->getInit(), B);
    bindTry(VD->getInit(), VD->getNameAsString(), B);
    holdAfterWrite(VD->getInit(), B);
    if (VD->getType()->isFunctionPointerType())
      for (const Expr *Value : storedValues(VD->getInit()))
        if (auto *Fn = designatedFunction(Value)) {
          Fptrs.push_back({VD->getNameAsString() + "@" + Key,
                           functionKey(Fn, SM), ""});
          OnCallee(Fn);
        }
  }
}

void Extraction::addKill(Block &B, std::vector<std::string> Vars, bool Memory,
                         SourceLocation L, int Direction) {
  if (Vars.empty() && !Memory)
    return;
  Event Ev;
  Ev.Kind = EventKind::Kill;
  Ev.Loc = userLoc(L, SM);
  Ev.Vars = symbols(Vars);
  Ev.KillsMemory = Memory;
  Ev.Direction = Direction;
  B.Events.push_back(std::move(Ev));
}

std::vector<std::string> Extraction::writtenNames(const Expr *LHS,
                                                  bool *Indirect) {
  std::vector<std::string> Names;
  bool ThroughPointer = false;
  const Expr *E = stripCasts(LHS);
  while (E) {
    if (auto *ME = dyn_cast<MemberExpr>(E)) {
      Names.push_back("." + ME->getMemberDecl()->getNameAsString());
      ThroughPointer |= ME->isArrow();
      E = stripCasts(ME->getBase());
    } else if (auto *ASE = dyn_cast<ArraySubscriptExpr>(E)) {
      ThroughPointer |= ASE->getBase()->IgnoreParenImpCasts()->getType()->isPointerType();
      E = stripCasts(ASE->getBase());
    } else if (auto *UO = dyn_cast<UnaryOperator>(E);
               UO && UO->getOpcode() == UO_Deref) {
      ThroughPointer = true;
      E = stripCasts(UO->getSubExpr());
    } else {
      break;
    }
  }
  if (Indirect)
    *Indirect = ThroughPointer && Names.empty();
  if (ThroughPointer)
    return Names;
  if (auto *DRE = dyn_cast_or_null<DeclRefExpr>(E))
    Names.push_back(variableName(DRE->getDecl()));
  return Names;
}

void Extraction::noteAssigned(const VarDecl *VD, const Expr *Value, Block &B) {
  // Only a local's value is a fact that no call or store elsewhere changes.
  if (!VD || !Value || !VD->isLocalVarDeclOrParm() || VD->isStaticLocal())
    return;
  if (B.Events.empty() || B.Events.back().Kind != EventKind::Kill)
    return;
  B.Events.back().Assigned = knownTruth(Value, Ctx);
  if (const VarDecl *From = plainLocal(Value))
    B.Events.back().EqualTo = From->getNameAsString();
  B.Events.back().ResultOf = distinctSource(Value);
}

std::string Extraction::distinctSource(const Expr *Value) const {
  if (Rules.DistinctResults.empty())
    return "";
  auto Listed = [&](llvm::StringRef Name) {
    for (const rules::DistinctResultsRule &R : Rules.DistinctResults)
      if (llvm::is_contained(R.Functions, Name))
        return true;
    return false;
  };
  if (StringRef Callee = directCalleeName(Value);
      !Callee.empty() && Listed(Callee))
    return Callee.str();
  // Xen's p2m_get_hostp2m(d) is a macro, "((d)->arch.p2m)": the value is
  // the whole of its expansion.
  SourceLocation Begin = Value->getBeginLoc(), End = Value->getEndLoc();
  const LangOptions &LO = Ctx.getLangOpts();
  if (!Begin.isMacroID() || !Lexer::isAtStartOfMacroExpansion(Begin, SM, LO) ||
      !Lexer::isAtEndOfMacroExpansion(End, SM, LO))
    return "";
  llvm::StringRef Macro = Lexer::getImmediateMacroName(Begin, SM, LO);
  return Listed(Macro) ? Macro.str() : "";
}

void Extraction::bindTry(const Expr *Value, const std::string &Var, Block &B) {
  auto *CE = dyn_cast_or_null<CallExpr>(stripCasts(Value));
  if (!CE)
    return;
  auto It = TryIds.find(CE);
  if (It == TryIds.end())
    return;
  // The write of Var was just recorded as a Kill: the binding rides on it,
  // so that it takes effect after the old value's facts are forgotten.
  if (B.Events.empty() || B.Events.back().Kind != EventKind::Kill)
    return;
  B.Events.back().BindVar = Var;
  B.Events.back().TryId = It->second;
}

uint64_t Extraction::changedBits(const BinaryOperator *BO) const {
  BinaryOperatorKind Op = BO->getOpcode();
  if (Op != BO_OrAssign && Op != BO_AndAssign && Op != BO_XorAssign)
    return 0;
  Expr::EvalResult R;
  const Expr *RHS = BO->getRHS();
  if (RHS->isValueDependent() || !RHS->EvaluateAsInt(R, Ctx))
    return 0;
  // The constant as the 64-bit value the operation uses: "&= ~FLAG" with an
  // int FLAG is sign-extended, so it keeps the upper bits.
  uint64_t C = R.Val.getInt().extOrTrunc(64).getZExtValue();
  return Op == BO_AndAssign ? ~C : C;
}

const VarDecl *Extraction::plainLocal(const Expr *E) const {
  auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
  auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  if (!VD || !VD->isLocalVarDeclOrParm() || VD->isStaticLocal())
    return nullptr;
  return VD;
}

void Extraction::visitMember(const MemberExpr *ME, Block &B) {
  // "vrtc->hw.cmos_index" reads cmos_index; "vrtc->hw" is only the way to
  // it, not an access of its own.
  if (!ME->isArrow())
    dropBaseAccess(ME->getBase());
  LockRef R = Ids.resolveLvalue(ME, FD);
  if (R.K != LockRef::Type && R.K != LockRef::Global)
    return;
  std::string Field = R.Path.empty() ? R.Root.str() : R.Root + "." + R.Path;
  bool Ruled = GuardedLeaves.contains(ME->getMemberDecl()->getName()) &&
               GuardedFields.contains(Field);
  // Fields no rule names are recorded for the inference of their guards
  // (FieldDiscipline), which relates a struct's fields to the struct's own
  // locks: members of structs that hold a lock, not locks themselves nor
  // functions.
  const Expr *Object = accessedObject(ME);
  if (!Ruled && (R.K != LockRef::Type || Ids.isLockType(ME->getType()) ||
                 ME->getType()->isFunctionType() ||
                 !Ids.declaresLock(accessedRecord(Object))))
    return;
  // A wait_event*() condition is evaluated without the lock by design (the
  // sleeper re-checks under the lock after waking; lost-wakeup checks the
  // writers): a peek, not an access that needs the lock.
  if (ME->getBeginLoc().isMacroID() &&
      enclosingMacro(ME->getBeginLoc(), isWaitMacro))
    return;
  Event Ev;
  Ev.Kind = EventKind::Access;
  Ev.Loc = userLoc(ME->getMemberLoc(), SM);
  Ev.Name = Field;
  R.Text = Symbol();
  Ev.Lock = R;
  noteAccessedObject(Object, Ev);
  AccessEvents[ME] = {&B, B.Events.size()};
  B.Events.push_back(std::move(Ev));
}

void Extraction::noteAccessedObject(const Expr *Object, Event &Ev) const {
  int Param = -1;
  if (Object->getType()->isPointerType())
    (void)Objects.objectOf(Object, &Param);
  Ev.ObjectParam = Param;
  Ev.NewObject = Objects.isNew(Object);
}

void Extraction::dropBaseAccess(const Expr *Base) {
  auto It = AccessEvents.find(Base->IgnoreParenImpCasts());
  if (It == AccessEvents.end())
    return;
  auto [Blk, Index] = It->second;
  // Only an access recorded just before, and not one a rule asked for.
  if (Index + 1 != Blk->Events.size() || GuardedFields.contains(Blk->Events[Index].Name))
    return;
  Blk->Events.pop_back();
  AccessEvents.erase(It);
}

void Extraction::markWrite(const Expr *LHS) {
  auto It = AccessEvents.find(LHS->IgnoreParenImpCasts());
  if (It != AccessEvents.end())
    It->second.first->Events[It->second.second].IsWrite = true;
}

} // namespace lockwise::frontend
