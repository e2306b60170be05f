//===- FunctionExtractor.cpp ----------------------------------------------===//
//
// Builds Clang's CFG for one function (every subexpression its own element,
// so calls appear in evaluation order) and turns each element into the lock
// events the engine needs.  Branch conditions are reduced to facts that
// path-sensitive analysis can correlate (if (!held) lock(); ...
// if (!held) unlock();) and to try-lock outcomes.
//
//===----------------------------------------------------------------------===//
#include "frontend/FunctionExtractor.h"
#include "frontend/FieldGroups.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

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

/// The name of the function E calls directly (casts aside), or "".
static StringRef directCalleeName(const Expr *E) {
  auto *CE = dyn_cast_or_null<CallExpr>(stripCasts(E));
  const FunctionDecl *Callee = CE ? CE->getDirectCallee() : nullptr;
  return Callee && Callee->getIdentifier() ? Callee->getName() : StringRef();
}

/// Which error-pointer test CE is, by the name both Linux and Xen give it.
static Condition::ErrorTest errorTest(const CallExpr *CE) {
  StringRef Name = directCalleeName(CE);
  if (Name == "IS_ERR")
    return Condition::IsErr;
  if (Name == "IS_ERR_OR_NULL")
    return Condition::IsErrOrNull;
  return Condition::NotErrorTest;
}

/// Whether E makes an error pointer: ERR_PTR(-E), or ERR_CAST(p), which
/// passes on one that IS_ERR(p) found.
static bool makesErrorPointer(const Expr *E) {
  StringRef Name = directCalleeName(E);
  return Name == "ERR_PTR" || Name == "ERR_CAST";
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

/// The values a store of E may write: both arms of "c ? f : g" (nested),
/// or E itself.
static llvm::SmallVector<const Expr *, 2> storedValues(const Expr *E) {
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

/// The asserted condition of a compiled-out assertion, or null.  Xen's
/// release-build ASSERT(p) is "do { if ( 0 && (p) ) {} } while (0)"
/// (xen/include/xen/lib.h:65): p is not evaluated, yet the code after it
/// is written for p, as the Clang static analyzer reads an assert.  T is a
/// block's terminator: the "0 &&" of such a macro's expansion.
static const Expr *compiledOutAssertion(const Stmt *T) {
  auto *BO = dyn_cast_or_null<BinaryOperator>(T);
  if (!BO || BO->getOpcode() != BO_LAnd || !BO->getBeginLoc().isMacroID())
    return nullptr;
  auto *Zero = dyn_cast<IntegerLiteral>(BO->getLHS()->IgnoreParenImpCasts());
  if (!Zero || Zero->getValue() != 0)
    return nullptr;
  return BO->getRHS()->IgnoreParens();
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

namespace {

/// How facts and writes name a variable: globals carry an '@' so that the
/// state a wait_event() condition reads (globals) can be told from locals
/// of the same name.
/// wait_event(), wait_event_interruptible(), wait_var_event() and kin.
bool isWaitMacro(llvm::StringRef Name) {
  return Name.starts_with("wait_event") || Name.starts_with("wait_var_event");
}

std::string variableName(const Decl *D) {
  auto *VD = dyn_cast<VarDecl>(D);
  std::string Name = cast<NamedDecl>(D)->getNameAsString();
  if (VD && VD->hasGlobalStorage())
    return "@" + Name;
  return Name;
}

/// "NAME(a, f(b, c), d)" -> {"a", "f(b, c)", "d"}: a macro invocation's
/// arguments, split at top-level commas.
std::vector<std::string> splitMacroArgs(llvm::StringRef Text) {
  std::vector<std::string> Args;
  size_t Open = Text.find('(');
  if (Open == llvm::StringRef::npos)
    return Args;
  int Nest = 0;
  std::string Cur;
  for (char C : Text.drop_front(Open + 1)) {
    if ((C == ',' || C == ')') && Nest == 0) {
      Args.push_back(llvm::StringRef(Cur).trim().str());
      Cur.clear();
      if (C == ')')
        break;
      continue;
    }
    if (C == '(' || C == '[' || C == '{')
      ++Nest;
    if (C == ')' || C == ']' || C == '}')
      --Nest;
    Cur += C;
  }
  return Args;
}

/// Extraction state for one function.
class Extraction {
public:
  Extraction(ASTContext &Ctx, const rules::RuleSet &Rules,
             const LockIdentity &Ids, const FunctionDecl *FD,
             std::function<void(const FunctionDecl *)> &OnCallee,
             std::vector<FptrFlow> &Fptrs, TUFacts &Out,
             const llvm::StringSet<> &GuardedFields,
             const llvm::StringSet<> &GuardedLeaves,
             const llvm::StringSet<> &Sleeping)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Rules(Rules), Ids(Ids), FD(FD),
        OnCallee(OnCallee), Fptrs(Fptrs), Out(Out),
        GuardedFields(GuardedFields), GuardedLeaves(GuardedLeaves),
        Sleeping(Sleeping), Key(functionKey(FD, SM)), Objects(FD, Ctx) {}

  std::optional<FunctionFacts> run();

private:
  void visitElement(const Stmt *S, Block &B);
  void visitCall(const CallExpr *CE, Block &B);
  void visitPrimitive(const CallExpr *CE, const rules::Primitive &P, Block &B);
  /// The primitive a macro named in the rules stands for, when CE is the
  /// whole of that macro's expansion.
  const rules::Primitive *macroPrimitive(const CallExpr *CE) const;
  void bindTry(const Expr *Value, const std::string &Var, Block &B);
  /// "lock = NULL": the Kill just recorded for VD also says what VD holds.
  void noteAssigned(const VarDecl *VD, const Expr *Value, Block &B);
  /// The function or macro distinct_results lists whose result Value is
  /// (a call of it, or the whole of its expansion), or "".
  std::string distinctSource(const Expr *Value) const;
  void addKill(Block &B, std::vector<std::string> Vars, bool Memory,
               SourceLocation L, int Direction = 0);
  Condition reduceCondition(const Expr *E);
  /// The condition a test of V stands for when V is a local only ever
  /// set by its initialiser, a test of parameters nothing writes either
  /// ("bool preemptible = flags & PTF_preemptible;"); None otherwise.
  Condition namedCondition(const VarDecl *V);
  /// Whether the function writes V or takes its address (cached).
  bool writtenInFunction(const VarDecl *V);
  llvm::DenseMap<const VarDecl *, bool> Written;
  /// The locals namedCondition() is reading, so that "int x = !x;" ends.
  llvm::SmallPtrSet<const VarDecl *, 4> Naming;
  /// E's value if it is an integer constant that fits "v < n + 1".
  std::optional<int64_t> smallConstant(const Expr *E) const;
  /// The bits "v |= C", "v &= C" or "v ^= C" can change; 0 for any other
  /// write (which may change them all).
  uint64_t changedBits(const BinaryOperator *BO) const;
  /// Block::CaseConds of a switch on a plain local or parameter, or none.
  std::vector<Condition> caseConditions(const SwitchStmt *SS,
                                        const CFGBlock &CB) const;
  void recordWaitMacro(const CallExpr *CE, Event &Ev);
  /// The name and the argument text of the outermost expansion of a macro
  /// whose name satisfies Pred around L, if any.
  std::optional<std::pair<std::string, std::vector<std::string>>>
  enclosingMacro(SourceLocation L, llvm::function_ref<bool(llvm::StringRef)> Pred);
  void visitMember(const MemberExpr *ME, Block &B);
  void markWrite(const Expr *LHS);
  ArgInfo argInfo(const Expr *Arg);
  std::optional<bool> constantTruth(const Expr *E) const;
  /// E is exactly a local variable (or parameter): that variable.
  const VarDecl *plainLocal(const Expr *E) const;
  /// Whether the loop FS, whose test reduced to C, counts its variable up
  /// by one from a constant to C's bound with nothing else writing it
  /// (Condition::CountedExit).
  bool countedLoop(const ForStmt *FS, const Condition &C) const;
  /// How a lock argument is written, without "&" and casts: two spellings
  /// tell two instances of one lock class apart.
  std::string spelling(const Expr *E) {
    E = stripCasts(E);
    if (auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_AddrOf)
      E = stripCasts(UO->getSubExpr());
    std::string Text;
    llvm::raw_string_ostream OS(Text);
    E->printPretty(OS, nullptr, PrintingPolicy(Ctx.getLangOpts()));
    return OS.str();
  }
  /// The variable and member names an lvalue write may change: facts that
  /// mention any of them no longer hold.
  /// What a store to LHS changes, as fact variables: the fields on the way
  /// and the variable itself unless the store goes through a pointer
  /// ("old_q->tail = 0" changes the queue, not old_q).  Indirect: a store
  /// through a pointer that names no field ("*p = x", "p[i] = x"), which
  /// may change any memory.
  std::vector<std::string> writtenNames(const Expr *LHS,
                                        bool *Indirect = nullptr);
  void collectVars(const Expr *E, std::vector<std::string> &Vars,
                   bool &Memory, bool &Pure);

  ASTContext &Ctx;
  const SourceManager &SM;
  const rules::RuleSet &Rules;
  const LockIdentity &Ids;
  const FunctionDecl *FD;
  std::function<void(const FunctionDecl *)> &OnCallee;
  std::vector<FptrFlow> &Fptrs;
  TUFacts &Out;
  const llvm::StringSet<> &GuardedFields;
  const llvm::StringSet<> &GuardedLeaves;
  const llvm::StringSet<> &Sleeping;
  std::string Key;
  ObjectNames Objects;
  int NextTryId = 0;
  /// Guarded-field accesses by expression, to mark the written ones.
  llvm::DenseMap<const Expr *, std::pair<Block *, size_t>> AccessEvents;
  llvm::DenseMap<const CallExpr *, int> TryIds;
  /// Local variables holding a handle that a "class" primitive returned,
  /// and the class (libxl's "lock = libxl__lock_domain_userdata(gc, domid)").
  llvm::DenseMap<const VarDecl *, std::string> HandleVars;
  void collectHandleVars(const Stmt *S);
  const rules::Primitive *classPrimitive(const Expr *E) const;
};

const rules::Primitive *Extraction::classPrimitive(const Expr *E) const {
  StringRef Name = directCalleeName(E);
  if (Name.empty())
    return nullptr;
  const rules::Primitive *P = Rules.findPrimitive(Name);
  return P && !P->Class.empty() ? P : nullptr;
}

// Before the CFG walk, which may reach a release before the assignment of
// its handle (a shared "out:" label), so that every release finds it.
void Extraction::collectHandleVars(const Stmt *S) {
  if (!S)
    return;
  if (auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->getOpcode() == BO_Assign)
    if (const rules::Primitive *P = classPrimitive(BO->getRHS()))
      if (auto *DRE = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()))
        if (auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
          HandleVars[VD] = Rules.canonical(P->Class);
  if (auto *DS = dyn_cast<DeclStmt>(S))
    for (const Decl *D : DS->decls())
      if (auto *VD = dyn_cast<VarDecl>(D))
        if (const rules::Primitive *P = classPrimitive(VD->getInit()))
          HandleVars[VD] = Rules.canonical(P->Class);
  for (const Stmt *Child : S->children())
    collectHandleVars(Child);
}

std::optional<FunctionFacts> Extraction::run() {
  CFG::BuildOptions BO;
  BO.setAllAlwaysAdd();
  BO.PruneTriviallyFalseEdges = true;
  BO.AddImplicitDtors = false;
  BO.AddInitializers = false;
  BO.AddTemporaryDtors = false;
  std::unique_ptr<CFG> G =
      CFG::buildCFG(FD, FD->getBody(), &Ctx, BO);
  if (!G)
    return std::nullopt;

  collectHandleVars(FD->getBody());
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
  F.Blocks.resize(G->getNumBlockIDs());
  F.Entry = G->getEntry().getBlockID();
  F.Exit = G->getExit().getBlockID();

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
  for (const CFGBlock *CB : *G) {
    Block &B = F.Blocks[CB->getBlockID()];
    // A path through BUG(), panic() or another noreturn call ends there:
    // it is not a return of the function.
    if (CB->hasNoReturnElement())
      continue;
    for (const CFGBlock::AdjacentBlock &Succ : CB->succs())
      B.Succs.push_back(Succ.isReachable() ? (int)Succ->getBlockID() : -1);
    if (const Expr *P = compiledOutAssertion(CB->getTerminatorStmt());
        P && B.Succs.size() == 2) {
      // What the assertion says holds on the way on: a branch whose true
      // edge continues past it and whose false edge is never taken.
      B.Cond = reduceCondition(P);
      B.Succs = {B.Succs[1], -1};
      continue;
    }
    if (auto *SS = dyn_cast_or_null<SwitchStmt>(CB->getTerminatorStmt()))
      B.CaseConds = caseConditions(SS, *CB);
    if (B.Succs.size() == 2)
      if (const Stmt *T = CB->getTerminatorStmt()) {
        const Expr *Cond = dyn_cast_or_null<Expr>(
            CB->getTerminatorCondition(/*StripParens=*/true));
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
  // Every function's facts stay in memory until the analysis has read
  // them: no spare capacity left over from growing the vectors.
  //
  // A poll handler (it calls poll_wait()) reports readiness from lockless
  // reads, as a wait_event*() condition does: the waker's wake-up of the
  // queue it registered on orders them.  Its reads are peeks.
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
  for (Block &B : F.Blocks) {
    B.Events.shrink_to_fit();
    for (Event &E : B.Events) {
      E.Args.shrink_to_fit();
      E.Vars.shrink_to_fit();
    }
  }
  for (FieldGroup &G : Objects.groups())
    Out.Groups.push_back(std::move(G));
  for (ReturnedObject &R : Objects.returned())
    Out.Returns.push_back(std::move(R));
  return F;
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

/// Whether anything in S writes V or takes its address.
static bool writesVariable(const Stmt *S, const VarDecl *V) {
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

void Extraction::visitElement(const Stmt *S, Block &B) {
  if (auto *CE = dyn_cast<CallExpr>(S)) {
    visitCall(CE, B);
    return;
  }
  if (auto *ME = dyn_cast<MemberExpr>(S)) {
    if (!GuardedLeaves.empty())
      visitMember(ME, B);
    return;
  }
  // lockdep_assert_held(l) without CONFIG_LOCKDEP is "(void)(l)": the macro
  // name is all that is left of the assertion.
  if (auto *Cast = dyn_cast<CStyleCastExpr>(S);
      Cast && Cast->getType()->isVoidType() && Cast->getBeginLoc().isMacroID()) {
    auto M = enclosingMacro(Cast->getBeginLoc(), [](llvm::StringRef N) {
      return N.starts_with("lockdep_assert_held");
    });
    if (M && Cast->getSubExpr()->getType()->isPointerType()) {
      Event Ev;
      Ev.Kind = EventKind::AssertHeld;
      Ev.Loc = userLoc(Cast->getBeginLoc(), SM);
      Ev.Name = M->first;
      Ev.Lock = Ids.resolvePointer(Cast->getSubExpr(), FD);
      Ev.Lock.Text = spelling(Cast->getSubExpr());
      B.Events.push_back(std::move(Ev));
    }
    return;
  }
  if (auto *BO = dyn_cast<BinaryOperator>(S)) {
    if (!BO->isAssignmentOp())
      return;
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
    }
    // "x->cb = f" / "x->cb = param" / "x->cb = c ? f : g": function-pointer
    // flows.
    std::string FKey = fptrKeyOf(BO->getLHS(), FD, SM);
    if (!FKey.empty() && BO->getLHS()->getType()->isFunctionPointerType())
      for (const Expr *Value : storedValues(BO->getRHS())) {
        if (auto *Fn = designatedFunction(Value)) {
          Fptrs.push_back({FKey, functionKey(Fn, SM), ""});
          OnCallee(Fn);
        } else if (std::string From = fptrKeyOf(Value, FD, SM); !From.empty()) {
          Fptrs.push_back({FKey, "", From});
        }
      }
    return;
  }
  if (auto *UO = dyn_cast<UnaryOperator>(S)) {
    if (!UO->isIncrementDecrementOp())
      return;
    bool Indirect = false;
    std::vector<std::string> Written = writtenNames(UO->getSubExpr(), &Indirect);
    addKill(B, std::move(Written), Indirect, UO->getOperatorLoc(),
            UO->isIncrementOp() ? 1 : -1);
    markWrite(UO->getSubExpr());
    return;
  }
  if (auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *D : DS->decls()) {
      auto *VD = dyn_cast<VarDecl>(D);
      if (!VD)
        continue;
      addKill(B, {VD->getNameAsString()}, false, VD->getLocation());
      if (VD->getInit()) {
        noteAssigned(VD, VD->getInit(), B);
        bindTry(VD->getInit(), VD->getNameAsString(), B);
        if (VD->getType()->isFunctionPointerType())
          for (const Expr *Value : storedValues(VD->getInit()))
            if (auto *Fn = designatedFunction(Value)) {
              Fptrs.push_back({VD->getNameAsString() + "@" + Key,
                               functionKey(Fn, SM), ""});
              OnCallee(Fn);
            }
      }
    }
    return;
  }
  if (auto *RS = dyn_cast<ReturnStmt>(S)) {
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
    return;
  }
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
  }
  if (A.Lock.K != LockRef::None)
    A.Lock.Text = spelling(Arg);
  return A;
}

void Extraction::recordWaitMacro(const CallExpr *CE, Event &Ev) {
  // wait_event*(wq, condition) is a macro around prepare_to_wait_event():
  // climb the expansion stack to the outermost wait_event* invocation and
  // take its condition argument from the source text.
  SourceLocation L = CE->getBeginLoc();
  const LangOptions &LO = Ctx.getLangOpts();
  SourceLocation Found;
  std::string FoundName;
  for (int Depth = 0; L.isMacroID() && Depth < 64; ++Depth) {
    llvm::StringRef Name = Lexer::getImmediateMacroName(L, SM, LO);
    if (isWaitMacro(Name)) {
      Found = L;
      FoundName = Name.str();
    }
    L = SM.getImmediateMacroCallerLoc(L);
  }
  if (Found.isInvalid())
    return;
  CharSourceRange Range = SM.getImmediateExpansionRange(Found);
  llvm::StringRef Text = Lexer::getSourceText(Range, SM, LO);
  Ev.Macro = FoundName;
  std::vector<std::string> Args = splitMacroArgs(Text);
  if (Args.size() < 2)
    return;
  Ev.CondText = Args[1];
  // Identifiers of the condition that are not called: the state it reads.
  llvm::StringRef Cond = Ev.CondText;
  for (size_t I = 0; I < Cond.size();) {
    if (!(isalpha((unsigned char)Cond[I]) || Cond[I] == '_')) {
      ++I;
      continue;
    }
    size_t J = I;
    while (J < Cond.size() && (isalnum((unsigned char)Cond[J]) || Cond[J] == '_'))
      ++J;
    size_t K = J;
    while (K < Cond.size() && Cond[K] == ' ')
      ++K;
    bool Called = K < Cond.size() && Cond[K] == '(';
    bool Member = I >= 1 && (Cond[I - 1] == '.' || (I >= 2 && Cond.substr(I - 2, 2) == "->"));
    if (!Called && !Member)
      Ev.CondVars.push_back(Cond.substr(I, J - I).str());
    I = J;
  }
}

std::optional<std::pair<std::string, std::vector<std::string>>>
Extraction::enclosingMacro(SourceLocation L,
                           llvm::function_ref<bool(llvm::StringRef)> Pred) {
  const LangOptions &LO = Ctx.getLangOpts();
  SourceLocation Found;
  std::string FoundName;
  for (int Depth = 0; L.isMacroID() && Depth < 64; ++Depth) {
    llvm::StringRef Name = Lexer::getImmediateMacroName(L, SM, LO);
    if (Pred(Name)) {
      Found = L;
      FoundName = Name.str();
    }
    L = SM.getImmediateMacroCallerLoc(L);
  }
  if (Found.isInvalid())
    return std::nullopt;
  // The invocation's text in the file, from the macro's name: the
  // immediate expansion range of a location inside a macro argument is
  // only that argument ("ASSERT(!spin_is_locked(l))" would read as
  // "spin_is_locked(l)", losing the "!").
  llvm::StringRef Text =
      Lexer::getSourceText(SM.getExpansionRange(Found), SM, LO);
  if (size_t At = Text.find(FoundName); At != llvm::StringRef::npos)
    Text = Text.substr(At);
  return std::make_pair(FoundName, splitMacroArgs(Text));
}

void Extraction::visitMember(const MemberExpr *ME, Block &B) {
  if (!GuardedLeaves.contains(ME->getMemberDecl()->getName()))
    return;
  LockRef R = Ids.resolveLvalue(ME, FD);
  if (R.K != LockRef::Type && R.K != LockRef::Global)
    return;
  std::string Field = R.Path.empty() ? R.Root.str() : R.Root + "." + R.Path;
  if (!GuardedFields.contains(Field))
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
  AccessEvents[ME] = {&B, B.Events.size()};
  B.Events.push_back(std::move(Ev));
}

void Extraction::markWrite(const Expr *LHS) {
  auto It = AccessEvents.find(LHS->IgnoreParenImpCasts());
  if (It != AccessEvents.end())
    It->second.first->Events[It->second.second].IsWrite = true;
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
    // ASSERT(spin_is_locked(l)), BUG_ON(!mutex_is_locked(m)): an assertion
    // that the caller holds the lock.  A negated ASSERT (or an un-negated
    // BUG_ON) asserts the opposite and says nothing we use.
    auto M = enclosingMacro(CE->getBeginLoc(), [](llvm::StringRef N) {
      return N == "ASSERT" || N == "BUG_ON" || N == "WARN_ON" ||
             N == "WARN_ON_ONCE" || N == "assert";
    });
    if (P.Arg >= CE->getNumArgs())
      return;
    if (!M) {
      // Not an assertion: a test the code branches on.
      Event Ev;
      Ev.Kind = EventKind::HeldTest;
      Ev.Loc = userLoc(CE->getBeginLoc(), SM);
      Ev.Name = P.Name;
      Ev.Lock = Ids.resolvePointer(CE->getArg(P.Arg), FD);
      Ev.Lock.Text = spelling(CE->getArg(P.Arg));
      Ev.TryId = NextTryId++;
      TryIds[CE] = Ev.TryId;
      B.Events.push_back(std::move(Ev));
      return;
    }
    if (M->second.empty())
      return;
    bool Negated = llvm::StringRef(M->second[0]).ltrim().starts_with("!");
    bool AssertsHeld = (M->first == "ASSERT" || M->first == "assert") ? !Negated
                                                                      : Negated;
    if (!AssertsHeld)
      return;
    Event Ev;
    Ev.Kind = EventKind::AssertHeld;
    Ev.Loc = userLoc(CE->getBeginLoc(), SM);
    Ev.Name = M->first;
    Ev.Lock = Ids.resolvePointer(CE->getArg(P.Arg), FD);
    Ev.Lock.Text = spelling(CE->getArg(P.Arg));
    B.Events.push_back(std::move(Ev));
    return;
  }
  Event Ev;
  Ev.Loc = userLoc(CE->getBeginLoc(), SM);
  Ev.Name = P.Name;
  if (!P.Class.empty()) {
    Ev.Lock.K = LockRef::Global;
    Ev.Lock.Root = Ev.Lock.Text = Rules.canonical(P.Class);
  } else if (P.Handle) {
    // Only a handle this function obtained names a lock we know; the same
    // release function frees other file locks too.
    auto *DRE = P.Arg < CE->getNumArgs()
                    ? dyn_cast<DeclRefExpr>(stripCasts(CE->getArg(P.Arg)))
                    : nullptr;
    auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    auto It = VD ? HandleVars.find(VD) : HandleVars.end();
    if (It == HandleVars.end())
      return;
    Ev.Lock.K = LockRef::Global;
    Ev.Lock.Root = Ev.Lock.Text = It->second;
  } else if (P.Arg < CE->getNumArgs()) {
    Ev.Lock = Ids.resolvePointer(CE->getArg(P.Arg), FD);
    Ev.Lock.Text = spelling(CE->getArg(P.Arg));
  }
  Ev.LockMode = P.Mode == rules::LockMode::Shared ? Mode::Shared : Mode::Exclusive;
  Ev.Recursive = P.Recursive;
  Ev.Irq = P.DisablesIrq;
  Ev.Sleeps = P.Sleeps;
  if (P.RecursiveArg && *P.RecursiveArg < CE->getNumArgs()) {
    ArgInfo A = argInfo(CE->getArg(*P.RecursiveArg));
    if (A.HasInt)
      Ev.Recursive = A.Int != 0;
    else if (A.Param >= 0)
      Ev.RecursiveParam = A.Param;
  }
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

const rules::Primitive *Extraction::macroPrimitive(const CallExpr *CE) const {
  // Only a call that is the whole expansion of the macro is the macro's
  // work: page_alloc_mm_unlock(l) is mm_enforce_order_unlock((l), NULL).
  llvm::StringRef Name = wholeMacroExpansion(CE, SM, Ctx.getLangOpts());
  return Name.empty() ? nullptr : Rules.findPrimitive(Name);
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
  if (Callee) {
    Ev.Name = Callee->getNameAsString();
    Ev.Callee = functionKey(Callee, SM);
    Ev.Sleeps = Sleeping.contains(Ev.Name);
    if (const FunctionDecl *Def = Callee->getDefinition())
      OnCallee(Def);
  } else {
    Ev.FptrKey = fptrKeyOf(CE->getCallee(), FD, SM);
    Ev.Name = Ev.FptrKey.empty() ? "(indirect)" : Ev.FptrKey;
    if (auto *ME = dyn_cast<MemberExpr>(stripCasts(CE->getCallee())))
      if (const VarDecl *V = plainLocal(ME->getBase()))
        Ev.FptrBase = V->getName().str() + (ME->isArrow() ? "->" : ".");
  }
  std::vector<std::string> AddrTaken;
  for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
    const Expr *Arg = CE->getArg(I);
    Ev.Args.push_back(argInfo(Arg));
    const ArgInfo &A = Ev.Args.back();
    if (!Ev.Callee.empty()) {
      std::string ParamKey = Ev.Callee + "#" + std::to_string(I);
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
    // Passing &x lets the callee change x, unless the parameter points to
    // const (list_empty(const struct list_head *)).
    bool ReadOnly = Callee && I < Callee->getNumParams() &&
                    Callee->getParamDecl(I)->getType()->isPointerType() &&
                    Callee->getParamDecl(I)
                        ->getType()
                        ->getPointeeType()
                        .isConstQualified();
    if (auto *UO = dyn_cast<UnaryOperator>(stripCasts(Arg));
        !ReadOnly && UO && UO->getOpcode() == UO_AddrOf)
      for (std::string &V : writtenNames(UO->getSubExpr()))
        AddrTaken.push_back(std::move(V));
  }
  Ev.Vars = symbols(AddrTaken);
  // The list primitives say which way they move a list (for lost-wakeup:
  // removing an entry cannot make "!list_empty(&l)" true).
  llvm::StringRef N = Ev.Name;
  if (N.starts_with("list_add") || N.starts_with("list_splice") ||
      N.starts_with("list_move") || N.starts_with("hlist_add"))
    Ev.Direction = 1;
  else if (N.starts_with("list_del") || N.starts_with("hlist_del") ||
           N.starts_with("list_cut"))
    Ev.Direction = -1;
  B.Events.push_back(std::move(Ev));
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

/// The expression a statement expression yields (its last statement), or E.
static const Expr *statementValue(const Expr *E) {
  auto *SE = dyn_cast<StmtExpr>(E);
  if (!SE || SE->getSubStmt()->body_empty())
    return E;
  if (auto *Last = dyn_cast<Expr>(SE->getSubStmt()->body_back()))
    return Last;
  return E;
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

/// "V == N" (Eq) or "V < N" on a local or parameter (Condition::IntVar).
static Condition intCondition(const VarDecl *V, bool Eq, int64_t N) {
  Condition C;
  C.K = Condition::Fact;
  C.IntVar = V->getNameAsString();
  C.IntEq = Eq;
  C.IntConst = N;
  C.Key = intKey(C.IntVar, Eq, N);
  C.Vars = {C.IntVar};
  return C;
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

Condition Extraction::reduceCondition(const Expr *E) {
  Condition C;
  bool Negated = false;
  // Peel "!x", "x == 0", "x != 0", "x < 0" down to an atom.
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
    if (auto *BO = dyn_cast<BinaryOperator>(E);
        BO && (BO->getOpcode() == BO_EQ || BO->getOpcode() == BO_NE)) {
      auto IsZero = [&](const Expr *X) {
        X = X->IgnoreParenCasts();
        Expr::EvalResult R;
        return !X->isValueDependent() && X->EvaluateAsInt(R, Ctx) &&
               R.Val.getInt() == 0;
      };
      if (IsZero(BO->getRHS())) {
        Negated ^= BO->getOpcode() == BO_EQ;
        E = BO->getLHS();
        continue;
      }
      if (IsZero(BO->getLHS())) {
        Negated ^= BO->getOpcode() == BO_EQ;
        E = BO->getRHS();
        continue;
      }
      // Two locals compared ("q == old_q", "old_q != q"): one fact, which
      // an assignment "old_q = q" also establishes.
      const VarDecl *L = plainLocal(BO->getLHS());
      const VarDecl *R = plainLocal(BO->getRHS());
      if (L && R && L != R) {
        C.K = Condition::Fact;
        C.Key = equalityKey(L->getName(), R->getName());
        C.Vars = symbols({L->getNameAsString(), R->getNameAsString()});
        std::sort(C.Vars.begin(), C.Vars.end());
        C.Memory = false;
        C.Negated = Negated ^ (BO->getOpcode() == BO_NE);
        return C;
      }
    }
    break;
  }
  // A local that names a test of the parameters: the test itself, so that
  // callers' arguments decide it (Xen's _put_page_type(): "bool preemptible
  // = flags & PTF_preemptible; ... if ( preemptible &&
  // hypercall_preempt_check() )").
  if (const VarDecl *V = plainLocal(E))
    if (Condition Named = namedCondition(V); Named.K != Condition::None) {
      Named.Negated ^= Negated;
      return Named;
    }
  // IS_ERR(v), IS_ERR_OR_NULL(v) (Linux's include/linux/err.h, Xen's
  // xen/include/xen/err.h): which of a call's results make it true, on the
  // local the result was stored in or on the call itself.
  if (auto *CE = dyn_cast<CallExpr>(E); CE && CE->getNumArgs() == 1)
    if (Condition::ErrorTest T = errorTest(CE); T != Condition::NotErrorTest) {
      const Expr *Arg = stripCasts(CE->getArg(0));
      C.ErrTest = T;
      C.Negated = Negated;
      if (auto *Call = dyn_cast<CallExpr>(Arg))
        if (auto It = TryIds.find(Call); It != TryIds.end()) {
          C.K = Condition::Try;
          C.TryId = It->second;
          return C;
        }
      if (const VarDecl *V = plainLocal(Arg)) {
        C.K = Condition::Fact;
        C.ErrOf = V->getNameAsString();
        C.Key = (T == Condition::IsErr ? "IS_ERR(" : "IS_ERR_OR_NULL(") +
                C.ErrOf.str() + ")";
        C.Vars = {C.ErrOf};
        return C;
      }
      C = Condition();
    }
  // A local against a constant ("try < 3", "try == 3", "n >= MAX").
  if (auto *BO = dyn_cast<BinaryOperator>(E); BO && BO->isComparisonOp()) {
    const Expr *VarSide = BO->getLHS(), *ConstSide = BO->getRHS();
    BinaryOperatorKind Op = BO->getOpcode();
    if (!plainLocal(VarSide)) {
      std::swap(VarSide, ConstSide);
      Op = BinaryOperator::reverseComparisonOp(Op);
    }
    Expr::EvalResult R;
    const Expr *K = ConstSide->IgnoreParenCasts();
    const VarDecl *V = plainLocal(VarSide);
    // "rc < 0" stays the error-code test below (a try-lock's result).
    bool ErrorTest = Op == BO_LT && !K->isValueDependent() &&
                     K->EvaluateAsInt(R, Ctx) && R.Val.getInt() == 0;
    std::optional<int64_t> N;
    if (V && !ErrorTest && V->getType()->isIntegerType() &&
        (N = smallConstant(K))) {
      // Everything as "v < n" or "v == n", possibly negated.
      bool Eq = Op == BO_EQ || Op == BO_NE;
      bool Neg = Op == BO_NE || Op == BO_GE || Op == BO_GT;
      if (Op == BO_LE || Op == BO_GT)
        ++*N; // v <= n is v < n + 1; v > n is !(v < n + 1)
      C = intCondition(V, Eq, *N);
      C.Negated = Negated ^ Neg;
      return C;
    }
  }
  // A flag test on a parameter or local ("if (q & P2M_ALLOC)"): a caller's
  // constant argument decides it.
  if (auto *BO = dyn_cast<BinaryOperator>(E); BO && BO->getOpcode() == BO_And) {
    const Expr *VarSide = BO->getLHS(), *MaskSide = BO->getRHS();
    if (!plainLocal(VarSide))
      std::swap(VarSide, MaskSide);
    Expr::EvalResult R;
    const Expr *M = MaskSide->IgnoreParenCasts();
    if (const VarDecl *V = plainLocal(VarSide);
        V && !M->isValueDependent() && M->EvaluateAsInt(R, Ctx) &&
        R.Val.getInt().getZExtValue() != 0) {
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
  }
  // A try-lock tested directly, or through "(rc = mutex_trylock()) ...".
  const Expr *Inner = E;
  if (auto *BO = dyn_cast<BinaryOperator>(Inner); BO && BO->getOpcode() == BO_Assign)
    Inner = BO->getRHS()->IgnoreParenImpCasts();
  // "ret < 0" on an error-code try (mutex_lock_interruptible) means failure,
  // i.e. non-zero.
  if (auto *BO = dyn_cast<BinaryOperator>(Inner); BO && BO->getOpcode() == BO_LT) {
    Expr::EvalResult R;
    const Expr *RHS = BO->getRHS()->IgnoreParenCasts();
    if (!RHS->isValueDependent() && RHS->EvaluateAsInt(R, Ctx) &&
        R.Val.getInt() == 0) {
      const Expr *L = BO->getLHS()->IgnoreParenImpCasts();
      if (auto *A = dyn_cast<BinaryOperator>(L); A && A->getOpcode() == BO_Assign)
        L = A->getRHS()->IgnoreParenImpCasts();
      if (auto *CE = dyn_cast<CallExpr>(L))
        if (auto It = TryIds.find(CE); It != TryIds.end()) {
          C.K = Condition::Try;
          C.TryId = It->second;
          C.Negated = Negated;
          return C;
        }
      if (auto *DRE = dyn_cast<DeclRefExpr>(L)) {
        // "if (rc < 0)" after "rc = mutex_lock_interruptible()": the fact
        // "rc" (non-zero) decides the try.
        C.K = Condition::Fact;
        C.Key = DRE->getDecl()->getNameAsString();
        C.Vars = {C.Key};
        C.Negated = Negated;
        C.Memory = false;
        return C;
      }
    }
  }
  if (auto *CE = dyn_cast<CallExpr>(Inner))
    if (auto It = TryIds.find(CE); It != TryIds.end()) {
      C.K = Condition::Try;
      C.TryId = It->second;
      C.Negated = Negated;
      return C;
    }
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

} // namespace

std::optional<FunctionFacts> FunctionExtractor::extract(const FunctionDecl *FD) {
  if (!FD->hasBody() || FD->isDependentContext())
    return std::nullopt;
  Extraction X(Ctx, Rules, Ids, FD, OnCallee, Fptrs, Objects, GuardedFields,
               GuardedLeaves, Sleeping);
  return X.run();
}

} // namespace lockwise
