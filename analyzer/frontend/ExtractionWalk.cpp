//===- ExtractionWalk.cpp - The CFG walk: blocks, successors, branches ----===//
//
// Builds Clang's CFG for one function (every subexpression its own element,
// so calls appear in evaluation order), hands each element to the visitor
// of its kind, then links the blocks and reduces their branches.
//
//===----------------------------------------------------------------------===//
#include "frontend/Extraction.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace lockwise::frontend {

namespace {

std::unique_ptr<CFG> buildCfg(const FunctionDecl *FD, ASTContext &Ctx) {
  CFG::BuildOptions BO;
  BO.setAllAlwaysAdd();
  BO.PruneTriviallyFalseEdges = true;
  BO.AddImplicitDtors = false;
  BO.AddInitializers = false;
  BO.AddTemporaryDtors = false;
  return CFG::buildCFG(FD, FD->getBody(), &Ctx, BO);
}

/// The asserted condition of a compiled-out assertion, or null.  Xen's
/// release-build ASSERT(p) is "do { if ( 0 && (p) ) {} } while (0)"
/// (xen/include/xen/lib.h:65): p is not evaluated, yet the code after it
/// is written for p, as the Clang static analyzer reads an assert.  T is a
/// block's terminator: the "0 &&" of such a macro's expansion.
const Expr *compiledOutAssertion(const Stmt *T) {
  auto *BO = dyn_cast_or_null<BinaryOperator>(T);
  if (!BO || BO->getOpcode() != BO_LAnd || !BO->getBeginLoc().isMacroID())
    return nullptr;
  auto *Zero = dyn_cast<IntegerLiteral>(BO->getLHS()->IgnoreParenImpCasts());
  if (!Zero || Zero->getValue() != 0)
    return nullptr;
  return BO->getRHS()->IgnoreParens();
}

/// Whether E makes an error pointer: ERR_PTR(-E), or ERR_CAST(p), which
/// passes on one that IS_ERR(p) found.
bool makesErrorPointer(const Expr *E) {
  StringRef Name = directCalleeName(E);
  return Name == "ERR_PTR" || Name == "ERR_CAST";
}

// A poll handler (it calls poll_wait()) reports readiness from lockless
// reads, as a wait_event*() condition does: the waker's wake-up of the
// queue it registered on orders them.  Its reads are peeks.
void dropPollPeeks(FunctionFacts &F) {
  bool PollHandler = llvm::any_of(F.Blocks, [](const Block &B) {
    return llvm::any_of(B.Events, [](const Event &E) {
      return E.Kind == EventKind::Call && E.Name == "poll_wait";
    });
  });
  if (PollHandler)
    for (Block &B : F.Blocks)
      std::erase_if(B.Events, [](const Event &E) {
        return E.Kind == EventKind::Access && !E.IsWrite;
      });
}

// Every function's facts stay in memory until the analysis has read them:
// no spare capacity left over from growing the vectors.
void compact(FunctionFacts &F) {
  for (Block &B : F.Blocks) {
    B.Events.shrink_to_fit();
    for (Event &E : B.Events) {
      E.Args.shrink_to_fit();
      E.Vars.shrink_to_fit();
    }
  }
}

} // namespace

std::optional<FunctionFacts> Extraction::run() {
  std::unique_ptr<CFG> G = buildCfg(FD, Ctx);
  if (!G)
    return std::nullopt;

  llvm::SmallVector<const clang::ValueDecl *, 4> Tested;
  collectBodyFacts(FD->getBody(), Tested);
  FunctionFacts F = describe(*G);
  for (const CFGBlock *CB : *G) {
    Block &B = F.Blocks[CB->getBlockID()];
    B.Id = CB->getBlockID();
    for (const CFGElement &E : *CB)
      if (auto CS = E.getAs<CFGStmt>())
        visitElement(CS->getStmt(), B);
  }
  // Branch conditions once every call has its id: a condition may test a
  // call that sits in a block visited later (the try-lock inside a
  // statement expression's "?:").
  for (const CFGBlock *CB : *G)
    linkBlock(*CB, F.Blocks[CB->getBlockID()]);
  dropPollPeeks(F);
  compact(F);
  for (FieldGroup &Group : Objects.groups())
    Out.Groups.push_back(std::move(Group));
  for (ReturnedObject &R : Objects.returned())
    Out.Returns.push_back(std::move(R));
  return F;
}

FunctionFacts Extraction::describe(const CFG &G) const {
  FunctionFacts F;
  F.Key = Key;
  F.Name = FD->getNameAsString();
  F.Loc = userLoc(FD->getLocation(), SM);
  F.IsStatic = !FD->isExternallyVisible();
  F.InMainFile = SM.isInMainFile(SM.getExpansionLoc(FD->getLocation()));
  for (const ParmVarDecl *P : FD->parameters())
  {
    if (P->getType()->isPointerType() && F.Params.size() < 64)
      F.PointerParams |= uint64_t(1) << F.Params.size();
    F.Params.push_back(P->getNameAsString());
  }
  F.Blocks.resize(G.getNumBlockIDs());
  F.Entry = G.getEntry().getBlockID();
  F.Exit = G.getExit().getBlockID();
  return F;
}

void Extraction::linkBlock(const CFGBlock &CB, Block &B) {
  // A path through BUG(), panic() or another noreturn call ends there:
  // it is not a return of the function.
  if (CB.hasNoReturnElement())
    return;
  for (const CFGBlock::AdjacentBlock &Succ : CB.succs())
    B.Succs.push_back(Succ.isReachable() ? (int)Succ->getBlockID() : -1);
  if (const Expr *P = compiledOutAssertion(CB.getTerminatorStmt());
      P && B.Succs.size() == 2) {
    // What the assertion says holds on the way on: a branch whose true
    // edge continues past it and whose false edge is never taken.
    B.Cond = reduceCondition(P);
    B.Succs = {B.Succs[1], -1};
    return;
  }
  if (auto *SS = dyn_cast_or_null<SwitchStmt>(CB.getTerminatorStmt()))
    B.CaseConds = caseConditions(SS, CB);
  if (B.Succs.size() == 2)
    if (const Stmt *T = CB.getTerminatorStmt()) {
      const Expr *Cond = dyn_cast_or_null<Expr>(
          CB.getTerminatorCondition(/*StripParens=*/true));
      // Reaching the block that ends "a && b" (or "a || b") already fixed
      // a; the branch tests b alone.
      if (auto *BO2 = dyn_cast_or_null<BinaryOperator>(Cond);
          BO2 && BO2->isLogicalOp() && T != BO2)
        Cond = BO2->getRHS();
      if (Cond)
        B.Cond = reduceCondition(Cond);
      if (auto *FS = dyn_cast<ForStmt>(T); FS && FS->getCond() &&
          Cond == FS->getCond()->IgnoreParens())
        B.Cond.CountedExit = countedLoop(FS, B.Cond);
    }
}

void Extraction::visitElement(const Stmt *S, Block &B) {
  if (auto *CE = dyn_cast<CallExpr>(S)) {
    visitCall(CE, B);
    return;
  }
  if (auto *ME = dyn_cast<MemberExpr>(S)) {
    visitMember(ME, B);
    return;
  }
  if (auto *Cast = dyn_cast<CStyleCastExpr>(S);
      Cast && Cast->getType()->isVoidType() && Cast->getBeginLoc().isMacroID()) {
    visitVoidCast(Cast, B);
    return;
  }
  if (auto *BO = dyn_cast<BinaryOperator>(S)) {
    if (BO->isAssignmentOp())
      visitAssignment(BO, B);
    return;
  }
  if (auto *UO = dyn_cast<UnaryOperator>(S)) {
    if (UO->isIncrementDecrementOp())
      visitIncDec(UO, B);
    return;
  }
  if (auto *DS = dyn_cast<DeclStmt>(S)) {
    visitDecl(DS, B);
    return;
  }
  if (auto *RS = dyn_cast<ReturnStmt>(S)) {
    visitReturn(RS, B);
    return;
  }
  if (auto *AS = dyn_cast<AsmStmt>(S))
    visitAsm(AS, B);
}

void Extraction::visitAsm(const AsmStmt *AS, Block &B) {
  // The macro the asm statement is written in names what it does.  (A
  // statement's own location may be missing; its template string has one.)
  SourceLocation L = AS->getBeginLoc();
  if (auto *G = dyn_cast<GCCAsmStmt>(AS); G && L.isInvalid())
    L = G->getAsmString()->getBeginLoc();
  if (!L.isMacroID())
    return;
  StringRef Macro = Lexer::getImmediateMacroName(L, SM, Ctx.getLangOpts());
  const rules::Primitive *P = Rules.findPrimitive(Macro);
  if (!P)
    return;
  Event Ev;
  switch (P->Op) {
  case rules::PrimitiveOp::IrqDisable:
    Ev.Kind = EventKind::IrqDisable;
    break;
  case rules::PrimitiveOp::IrqEnable:
    Ev.Kind = EventKind::IrqEnable;
    break;
  case rules::PrimitiveOp::IrqRestore:
    Ev.Kind = EventKind::IrqRestore;
    break;
  default:
    return;
  }
  Ev.Loc = userLoc(SM.getExpansionLoc(L), SM);
  Ev.Name = P->Name;
  B.Events.push_back(std::move(Ev));
}

void Extraction::visitReturn(const ReturnStmt *RS, Block &B) {
  Event Ev;
  Ev.Kind = EventKind::Return;
  Ev.Loc = userLoc(RS->getReturnLoc(), SM);
  // What is returned, as far as callers' tests of it go: a constant, an
  // address, a call's result (a try-lock wrapper) or a variable bound to
  // one.
  if (const Expr *V = RS->getRetValue()) {
    const Expr *Stripped = stripCasts(V);
    Ev.RetValue = knownTruth(V, Ctx);
    if (Ev.RetValue < 0 && makesErrorPointer(Stripped))
      Ev.RetValue = ReturnsErrorPointer;
    auto *CE = dyn_cast<CallExpr>(Stripped);
    auto *DRE = dyn_cast<DeclRefExpr>(Stripped);
    if (Ev.RetValue < 0 && CE) {
      if (auto It = TryIds.find(CE); It != TryIds.end())
        Ev.TryId = It->second;
    } else if (Ev.RetValue < 0 && DRE) {
      Ev.BindVar = DRE->getDecl()->getNameAsString();
    }
  }
  B.Events.push_back(std::move(Ev));
}

} // namespace lockwise::frontend
