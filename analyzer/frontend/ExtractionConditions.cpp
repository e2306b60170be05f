//===- ExtractionConditions.cpp - Branch conditions reduced to facts ------===//
//
// A branch condition becomes what path-sensitive analysis can correlate:
// a try-lock's outcome, a test of a local against a constant or a flag, an
// error-pointer test, or the condition's text and the variables it reads
// (if (!held) lock(); ... if (!held) unlock();).
//
//===----------------------------------------------------------------------===//
#include "frontend/Extraction.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/Builtins.h"

#include <algorithm>

using namespace clang;

namespace lockwise::frontend {

namespace {

/// Which error-pointer test CE is, by the name both Linux and Xen give it.
Condition::ErrorTest errorTest(const CallExpr *CE) {
  StringRef Name = directCalleeName(CE);
  if (Name == "IS_ERR")
    return Condition::IsErr;
  if (Name == "IS_ERR_OR_NULL")
    return Condition::IsErrOrNull;
  return Condition::NotErrorTest;
}

/// Whether X, casts aside, is the integer constant 0.
bool isZeroConstant(const Expr *X, const ASTContext &Ctx) {
  X = X->IgnoreParenCasts();
  Expr::EvalResult R;
  return !X->isValueDependent() && X->EvaluateAsInt(R, Ctx) &&
         R.Val.getInt() == 0;
}

/// Whether anything in S writes V or takes its address.
bool writesVariable(const Stmt *S, const VarDecl *V) {
  if (!S)
    return false;
  auto Names = [&](const Expr *E) {
    auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
    return DRE && DRE->getDecl() == V;
  };
  if (auto *UO = dyn_cast<UnaryOperator>(S);
      UO && (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf) &&
      Names(UO->getSubExpr()))
    return true;
  if (auto *BO = dyn_cast<BinaryOperator>(S);
      BO && BO->isAssignmentOp() && Names(BO->getLHS()))
    return true;
  for (const Stmt *Child : S->children())
    if (writesVariable(Child, V))
      return true;
  return false;
}

/// The expression a statement expression yields (its last statement), or E.
const Expr *statementValue(const Expr *E) {
  auto *SE = dyn_cast<StmtExpr>(E);
  if (!SE || SE->getSubStmt()->body_empty())
    return E;
  if (auto *Last = dyn_cast<Expr>(SE->getSubStmt()->body_back()))
    return Last;
  return E;
}

/// "V == N" (Eq) or "V < N" on a local or parameter (Condition::IntVar).
Condition intCondition(const VarDecl *V, bool Eq, int64_t N) {
  Condition C;
  C.K = Condition::Fact;
  C.IntVar = V->getNameAsString();
  C.IntEq = Eq;
  C.IntConst = N;
  C.Key = intKey(C.IntVar, Eq, N);
  C.Vars = {C.IntVar};
  return C;
}

/// "a == b" between two locals.
Condition localsEqual(const VarDecl *L, const VarDecl *R, bool Negated) {
  Condition C;
  C.K = Condition::Fact;
  C.Key = equalityKey(L->getName(), R->getName());
  C.Vars = symbols({L->getNameAsString(), R->getNameAsString()});
  std::sort(C.Vars.begin(), C.Vars.end());
  C.Memory = false;
  C.Negated = Negated;
  return C;
}

} // namespace

Condition Extraction::reduceCondition(const Expr *E) {
  bool Negated = false;
  if (std::optional<Condition> Equal = peelNegations(E, Negated))
    return *Equal;
  // A local that names a test of the parameters: the test itself, so that
  // callers' arguments decide it (Xen's _put_page_type(): "bool preemptible
  // = flags & PTF_preemptible; ... if ( preemptible &&
  // hypercall_preempt_check() )").
  if (const VarDecl *V = plainLocal(E))
    if (Condition Named = namedCondition(V); Named.K != Condition::None) {
      Named.Negated ^= Negated;
      return Named;
    }
  if (std::optional<Condition> C = errorPointerTest(E, Negated))
    return *C;
  if (std::optional<Condition> C = constantComparison(E, Negated))
    return *C;
  if (std::optional<Condition> C = flagTest(E, Negated))
    return *C;
  if (std::optional<Condition> C = tryOutcome(E, Negated))
    return *C;
  return textFact(E, Negated);
}

std::optional<Condition> Extraction::peelNegations(const Expr *&E,
                                                   bool &Negated) const {
  while (true) {
    E = E->IgnoreParenImpCasts();
    // A statement expression's value is its last expression; "c ? 1 : 0"
    // (with either arm a statement expression ending in a constant) is c.
    // Xen's spin_trylock_irqsave(l, f) is
    // ({ local_irq_save(f); spin_trylock(l) ? 1 : ({ local_irq_restore(f); 0; }); }).
    if (const Expr *Last = statementValue(E); Last != E) {
      E = Last;
      continue;
    }
    if (auto *CO = dyn_cast<ConditionalOperator>(E)) {
      std::optional<bool> T = constantTruth(CO->getTrueExpr());
      std::optional<bool> F = constantTruth(CO->getFalseExpr());
      if (T && F && *T != *F) {
        Negated ^= !*T;
        E = CO->getCond();
        continue;
      }
    }
    if (auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_LNot) {
      Negated = !Negated;
      E = UO->getSubExpr();
      continue;
    }
    // likely(c) / unlikely(c) is __builtin_expect(!!(c), 1 / 0): a hint
    // about c, whose truth is c's.
    if (auto *CE = dyn_cast<CallExpr>(E);
        CE && CE->getBuiltinCallee() == Builtin::BI__builtin_expect &&
        CE->getNumArgs() == 2) {
      E = CE->getArg(0);
      continue;
    }
    auto *BO = dyn_cast<BinaryOperator>(E);
    if (!BO || (BO->getOpcode() != BO_EQ && BO->getOpcode() != BO_NE))
      return std::nullopt;
    if (isZeroConstant(BO->getRHS(), Ctx)) {
      Negated ^= BO->getOpcode() == BO_EQ;
      E = BO->getLHS();
      continue;
    }
    if (isZeroConstant(BO->getLHS(), Ctx)) {
      Negated ^= BO->getOpcode() == BO_EQ;
      E = BO->getRHS();
      continue;
    }
    // Two locals compared ("q == old_q", "old_q != q"): one fact, which
    // an assignment "old_q = q" also establishes.
    const VarDecl *L = plainLocal(BO->getLHS());
    const VarDecl *R = plainLocal(BO->getRHS());
    if (L && R && L != R)
      return localsEqual(L, R, Negated ^ (BO->getOpcode() == BO_NE));
    return std::nullopt;
  }
}

// IS_ERR(v), IS_ERR_OR_NULL(v) (Linux's include/linux/err.h, Xen's
// xen/include/xen/err.h): which of a call's results make it true, on the
// local the result was stored in or on the call itself.
std::optional<Condition> Extraction::errorPointerTest(const Expr *E,
                                                      bool Negated) const {
  auto *CE = dyn_cast<CallExpr>(E);
  if (!CE || CE->getNumArgs() != 1)
    return std::nullopt;
  Condition::ErrorTest T = errorTest(CE);
  if (T == Condition::NotErrorTest)
    return std::nullopt;
  const Expr *Arg = stripCasts(CE->getArg(0));
  if (std::optional<Condition> C = tryResult(Arg, Negated)) {
    C->ErrTest = T;
    return C;
  }
  const VarDecl *V = plainLocal(Arg);
  if (!V)
    return std::nullopt;
  Condition C;
  C.ErrTest = T;
  C.Negated = Negated;
  C.K = Condition::Fact;
  C.ErrOf = V->getNameAsString();
  C.Key = (T == Condition::IsErr ? "IS_ERR(" : "IS_ERR_OR_NULL(") +
          C.ErrOf.str() + ")";
  C.Vars = {C.ErrOf};
  return C;
}

// A local against a constant ("try < 3", "try == 3", "n >= MAX").
std::optional<Condition> Extraction::constantComparison(const Expr *E,
                                                        bool Negated) const {
  auto *BO = dyn_cast<BinaryOperator>(E);
  if (!BO || !BO->isComparisonOp())
    return std::nullopt;
  const Expr *VarSide = BO->getLHS(), *ConstSide = BO->getRHS();
  BinaryOperatorKind Op = BO->getOpcode();
  if (!plainLocal(VarSide)) {
    std::swap(VarSide, ConstSide);
    Op = BinaryOperator::reverseComparisonOp(Op);
  }
  const Expr *K = ConstSide->IgnoreParenCasts();
  const VarDecl *V = plainLocal(VarSide);
  // "rc < 0" stays the error-code test below (a try-lock's result).
  bool ErrorTest = Op == BO_LT && isZeroConstant(K, Ctx);
  std::optional<int64_t> N;
  if (!V || ErrorTest || !V->getType()->isIntegerType() ||
      !(N = smallConstant(K)))
    return std::nullopt;
  // Everything as "v < n" or "v == n", possibly negated.
  bool Eq = Op == BO_EQ || Op == BO_NE;
  bool Neg = Op == BO_NE || Op == BO_GE || Op == BO_GT;
  if (Op == BO_LE || Op == BO_GT)
    ++*N; // v <= n is v < n + 1; v > n is !(v < n + 1)
  Condition C = intCondition(V, Eq, *N);
  C.Negated = Negated ^ Neg;
  return C;
}

// A flag test on a parameter or local ("if (q & P2M_ALLOC)"): a caller's
// constant argument decides it.
std::optional<Condition> Extraction::flagTest(const Expr *E,
                                              bool Negated) const {
  auto *BO = dyn_cast<BinaryOperator>(E);
  if (!BO || BO->getOpcode() != BO_And)
    return std::nullopt;
  const Expr *VarSide = BO->getLHS(), *MaskSide = BO->getRHS();
  if (!plainLocal(VarSide))
    std::swap(VarSide, MaskSide);
  Expr::EvalResult R;
  const Expr *M = MaskSide->IgnoreParenCasts();
  const VarDecl *V = plainLocal(VarSide);
  if (!V || M->isValueDependent() || !M->EvaluateAsInt(R, Ctx) ||
      R.Val.getInt().getZExtValue() == 0)
    return std::nullopt;
  Condition C;
  C.K = Condition::Fact;
  C.Mask = R.Val.getInt().getZExtValue();
  C.Key = maskKey(V->getName(), C.Mask);
  C.Vars = {Symbol(V->getNameAsString())};
  C.Memory = false;
  C.Negated = Negated;
  if (auto *PVD = dyn_cast<ParmVarDecl>(V))
    C.MaskParam = PVD->getFunctionScopeIndex();
  return C;
}

// A try-lock tested directly, or through "(rc = mutex_trylock()) ...".
std::optional<Condition> Extraction::tryOutcome(const Expr *E,
                                                bool Negated) const {
  const Expr *Inner = E;
  if (auto *BO = dyn_cast<BinaryOperator>(Inner); BO && BO->getOpcode() == BO_Assign)
    Inner = BO->getRHS()->IgnoreParenImpCasts();
  // "ret < 0" on an error-code try (mutex_lock_interruptible) means failure,
  // i.e. non-zero.
  if (auto *BO = dyn_cast<BinaryOperator>(Inner);
      BO && BO->getOpcode() == BO_LT && isZeroConstant(BO->getRHS(), Ctx)) {
    const Expr *L = BO->getLHS()->IgnoreParenImpCasts();
    if (auto *A = dyn_cast<BinaryOperator>(L); A && A->getOpcode() == BO_Assign)
      L = A->getRHS()->IgnoreParenImpCasts();
    if (std::optional<Condition> C = tryResult(L, Negated))
      return C;
    if (auto *DRE = dyn_cast<DeclRefExpr>(L)) {
      // "if (rc < 0)" after "rc = mutex_lock_interruptible()": the fact
      // "rc" (non-zero) decides the try.
      Condition C;
      C.K = Condition::Fact;
      C.Key = DRE->getDecl()->getNameAsString();
      C.Vars = {C.Key};
      C.Negated = Negated;
      C.Memory = false;
      return C;
    }
  }
  return tryResult(Inner, Negated);
}

std::optional<Condition> Extraction::tryResult(const Expr *E,
                                               bool Negated) const {
  auto *CE = dyn_cast<CallExpr>(E);
  if (!CE)
    return std::nullopt;
  auto It = TryIds.find(CE);
  if (It == TryIds.end())
    return std::nullopt;
  Condition C;
  C.K = Condition::Try;
  C.TryId = It->second;
  C.Negated = Negated;
  return C;
}

Condition Extraction::textFact(const Expr *E, bool Negated) {
  Condition C;
  bool Pure = true, Memory = false;
  std::vector<std::string> Vars;
  collectVars(E, Vars, Memory, Pure);
  if (!Pure)
    return C;
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  E->printPretty(OS, nullptr, PrintingPolicy(Ctx.getLangOpts()));
  OS.flush();
  C.K = Condition::Fact;
  C.Key = Text;
  if (auto *BO = dyn_cast<BinaryOperator>(E->IgnoreParenImpCasts());
      BO && (BO->getOpcode() == BO_LT || BO->getOpcode() == BO_GT)) {
    const VarDecl *L = plainLocal(BO->getLHS());
    const VarDecl *R = plainLocal(BO->getRHS());
    if (L && R && L != R)
      C.Unequal = equalityKey(L->getName(), R->getName());
  }
  std::sort(Vars.begin(), Vars.end());
  Vars.erase(std::unique(Vars.begin(), Vars.end()), Vars.end());
  C.Vars = symbols(Vars);
  C.Memory = Memory;
  C.Negated = Negated;
  return C;
}

void Extraction::collectVars(const Expr *E, std::vector<std::string> &Vars,
                             bool &Memory, bool &Pure) {
  if (!E)
    return;
  E = E->IgnoreParenImpCasts();
  // A call in a condition ("current->pid != xenwatch_pid") still names the
  // same state when the same test is repeated; it depends on memory, so
  // loop back edges forget it.
  if (isa<CallExpr>(E) || isa<StmtExpr>(E))
    Memory = true;
  if (isa<StmtExpr>(E))
    return;
  if (auto *BO = dyn_cast<BinaryOperator>(E); BO && BO->isAssignmentOp()) {
    Pure = false;
    return;
  }
  if (auto *UO = dyn_cast<UnaryOperator>(E)) {
    if (UO->isIncrementDecrementOp()) {
      Pure = false;
      return;
    }
    if (UO->getOpcode() == UO_Deref)
      Memory = true;
  }
  if (auto *ME = dyn_cast<MemberExpr>(E)) {
    Memory = true;
    Vars.push_back("." + ME->getMemberDecl()->getNameAsString());
  }
  if (isa<ArraySubscriptExpr>(E))
    Memory = true;
  if (auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    if (auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
      Vars.push_back(variableName(VD));
      if (!VD->isLocalVarDeclOrParm() || VD->isStaticLocal())
        Memory = true;
    }
    return;
  }
  for (const Stmt *Child : E->children())
    if (auto *CE = dyn_cast_or_null<Expr>(Child))
      collectVars(CE, Vars, Memory, Pure);
}

/// Whether E is a constant, possibly at the end of a statement expression,
/// and if so whether it is non-zero.
std::optional<bool> Extraction::constantTruth(const Expr *E) const {
  for (int Depth = 0; Depth < 8; ++Depth) {
    E = E->IgnoreParenImpCasts();
    const Expr *Last = statementValue(E);
    if (Last == E)
      break;
    E = Last;
  }
  Expr::EvalResult R;
  if (E->isValueDependent() || !E->getType()->isIntegralOrEnumerationType() ||
      !E->EvaluateAsInt(R, Ctx))
    return std::nullopt;
  return R.Val.getInt() != 0;
}

std::optional<int64_t> Extraction::smallConstant(const Expr *E) const {
  Expr::EvalResult R;
  if (E->isValueDependent() || !E->EvaluateAsInt(R, Ctx) ||
      R.Val.getInt().getSignificantBits() >= 63)
    return std::nullopt;
  return R.Val.getInt().getSExtValue();
}

std::vector<Condition> Extraction::caseConditions(const SwitchStmt *SS,
                                                  const CFGBlock &CB) const {
  const VarDecl *V = plainLocal(SS->getCond());
  if (!V || !V->getType()->isIntegerType() || CB.succ_size() < 2)
    return {};
  std::vector<Condition> Out(CB.succ_size());
  size_t I = 0;
  for (const CFGBlock::AdjacentBlock &Succ : CB.succs()) {
    const CFGBlock *Target = Succ.getReachableBlock()
                                 ? Succ.getReachableBlock()
                                 : Succ.getPossiblyUnreachableBlock();
    auto *Case = Target ? dyn_cast_or_null<CaseStmt>(Target->getLabel()) : nullptr;
    // The default (clang's last successor) stays None; so does a GNU range.
    if (I + 1 < Out.size() && Case && !Case->caseStmtIsGNURange())
      if (std::optional<int64_t> N = smallConstant(Case->getLHS()))
        Out[I] = intCondition(V, /*Eq=*/true, *N);
    ++I;
  }
  return Out;
}

bool Extraction::countedLoop(const ForStmt *FS, const Condition &C) const {
  // "v < N" as the loop's whole test, not negated.
  if (C.K != Condition::Fact || C.IntVar.empty() || C.IntEq || C.Negated)
    return false;
  // The step: "v++", "++v" or "v += 1".
  const VarDecl *V = nullptr;
  const Expr *Inc = FS->getInc() ? FS->getInc()->IgnoreParenImpCasts() : nullptr;
  if (auto *UO = dyn_cast_or_null<UnaryOperator>(Inc); UO && UO->isIncrementOp())
    V = plainLocal(UO->getSubExpr());
  else if (auto *CA = dyn_cast_or_null<CompoundAssignOperator>(Inc);
           CA && CA->getOpcode() == BO_AddAssign) {
    std::optional<int64_t> Step = smallConstant(CA->getRHS());
    if (Step && *Step == 1)
      V = plainLocal(CA->getLHS());
  }
  if (!V || V->getName() != C.IntVar.str() || !V->getType()->isIntegerType())
    return false;
  // The start: "v = N0" (or "int v = N0") with N0 <= N.
  const Expr *Start = nullptr;
  if (auto *BO = dyn_cast_or_null<BinaryOperator>(FS->getInit());
      BO && BO->getOpcode() == BO_Assign && plainLocal(BO->getLHS()) == V)
    Start = BO->getRHS();
  else if (auto *DS = dyn_cast_or_null<DeclStmt>(FS->getInit());
           DS && DS->isSingleDecl() && DS->getSingleDecl() == V)
    Start = V->getInit();
  std::optional<int64_t> N0 = Start ? smallConstant(Start) : std::nullopt;
  return N0 && *N0 <= C.IntConst && !writesVariable(FS->getBody(), V);
}

bool Extraction::writtenInFunction(const VarDecl *V) {
  auto [It, New] = Written.try_emplace(V, false);
  if (New)
    It->second = writesVariable(FD->getBody(), V);
  return It->second;
}

Condition Extraction::namedCondition(const VarDecl *V) {
  const Expr *Init = V->getInit();
  if (isa<ParmVarDecl>(V) || !Init || !V->getType()->isScalarType() ||
      writtenInFunction(V) || !Naming.insert(V).second)
    return Condition();
  Condition C = reduceCondition(Init);
  Naming.erase(V);
  if (C.K != Condition::Fact || C.Memory || C.Vars.empty() || C.ErrTest)
    return Condition();
  for (Symbol Name : C.Vars) {
    auto It = llvm::find_if(FD->parameters(), [&](const ParmVarDecl *P) {
      return P->getName() == Name.str();
    });
    if (It == FD->param_end() || writtenInFunction(*It))
      return Condition();
  }
  return C;
}

} // namespace lockwise::frontend
