//===- Extraction.h - One function's extraction, the frontend's own ------===//
//
// FunctionExtractor::extract() makes one Extraction per function.  Its
// members live in one file per job:
//   ExtractionWalk.cpp        the CFG walk: blocks, successors, branches
//   ExtractionWrites.cpp      assignments, kills, guarded-field accesses
//   ExtractionConditions.cpp  branch conditions reduced to facts
//   ExtractionCalls.cpp       calls, lock primitives, arguments
//   ExtractionMacros.cpp      macros: wait_event*(), assertions
// Not installed, not included outside analyzer/frontend.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_FRONTEND_EXTRACTION_H
#define LOCKWISE_FRONTEND_EXTRACTION_H

#include "frontend/FieldGroups.h"
#include "frontend/FunctionExtractor.h"

#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace clang {
class CFG;
class CFGBlock;
} // namespace clang

namespace lockwise::frontend {

/// The name of the function E calls directly (casts aside), or "".
llvm::StringRef directCalleeName(const clang::Expr *E);

/// wait_event(), wait_event_interruptible(), wait_var_event() and kin.
bool isWaitMacro(llvm::StringRef Name);

/// How facts and writes name a variable: globals carry an '@' so that the
/// state a wait_event() condition reads (globals) can be told from locals
/// of the same name.
std::string variableName(const clang::Decl *D);

/// Extraction state for one function.
class Extraction {
public:
  Extraction(clang::ASTContext &Ctx, const rules::RuleSet &Rules,
             const LockIdentity &Ids, const clang::FunctionDecl *FD,
             std::function<void(const clang::FunctionDecl *)> &OnCallee,
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
  // --- The CFG walk (ExtractionWalk.cpp) ---
  /// The function's own facts, with one empty block per CFG block.
  FunctionFacts describe(const clang::CFG &G) const;
  /// B's successors and what its branch (or switch) tests.
  void linkBlock(const clang::CFGBlock &CB, Block &B);
  void visitElement(const clang::Stmt *S, Block &B);
  void visitReturn(const clang::ReturnStmt *RS, Block &B);

  // --- Writes and accesses (ExtractionWrites.cpp) ---
  void visitAssignment(const clang::BinaryOperator *BO, Block &B);
  /// "x->cb = f" / "x->cb = param" / "x->cb = c ? f : g": function-pointer
  /// flows.
  void noteFunctionPointerStore(const clang::BinaryOperator *BO);
  void visitIncDec(const clang::UnaryOperator *UO, Block &B);
  void visitDecl(const clang::DeclStmt *DS, Block &B);
  void bindTry(const clang::Expr *Value, const std::string &Var, Block &B);
  /// "lock = NULL": the Kill just recorded for VD also says what VD holds.
  void noteAssigned(const clang::VarDecl *VD, const clang::Expr *Value,
                    Block &B);
  /// The function or macro distinct_results lists whose result Value is
  /// (a call of it, or the whole of its expansion), or "".
  std::string distinctSource(const clang::Expr *Value) const;
  void addKill(Block &B, std::vector<std::string> Vars, bool Memory,
               clang::SourceLocation L, int Direction = 0);
  /// The bits "v |= C", "v &= C" or "v ^= C" can change; 0 for any other
  /// write (which may change them all).
  uint64_t changedBits(const clang::BinaryOperator *BO) const;
  /// What a store to LHS changes, as fact variables (the variable and
  /// member names whose facts no longer hold): the fields on the way and
  /// the variable itself unless the store goes through a pointer
  /// ("old_q->tail = 0" changes the queue, not old_q).  Indirect: a store
  /// through a pointer that names no field ("*p = x", "p[i] = x"), which
  /// may change any memory.
  std::vector<std::string> writtenNames(const clang::Expr *LHS,
                                        bool *Indirect = nullptr);
  void visitMember(const clang::MemberExpr *ME, Block &B);
  void markWrite(const clang::Expr *LHS);
  /// Forgets the access of a struct-valued member that is only the base of
  /// a "." access.
  void dropBaseAccess(const clang::Expr *Base);
  /// Which object an access touches, as far as sharing goes: one this
  /// function made (Event::NewObject) or a parameter's (ObjectParam).
  void noteAccessedObject(const clang::Expr *Object, Event &Ev) const;
  /// E is exactly a local variable (or parameter): that variable.
  const clang::VarDecl *plainLocal(const clang::Expr *E) const;

  // --- Branch conditions (ExtractionConditions.cpp) ---
  Condition reduceCondition(const clang::Expr *E);
  /// Strips "!x", "x == 0", "x != 0" and "c ? 1 : 0" from E, flipping
  /// Negated; E is left at the atom.  The atom "a == b" between two locals
  /// is returned as its condition.
  std::optional<Condition> peelNegations(const clang::Expr *&E,
                                         bool &Negated) const;
  std::optional<Condition> errorPointerTest(const clang::Expr *E,
                                            bool Negated) const;
  std::optional<Condition> constantComparison(const clang::Expr *E,
                                              bool Negated) const;
  std::optional<Condition> flagTest(const clang::Expr *E, bool Negated) const;
  std::optional<Condition> tryOutcome(const clang::Expr *E,
                                      bool Negated) const;
  /// Condition::Try when E is a call that has a try id, or none.
  std::optional<Condition> tryResult(const clang::Expr *E,
                                     bool Negated) const;
  /// The condition as its text and the variables it reads.
  Condition textFact(const clang::Expr *E, bool Negated);
  /// The condition a test of V stands for when V is a local only ever
  /// set by its initialiser, a test of parameters nothing writes either
  /// ("bool preemptible = flags & PTF_preemptible;"); None otherwise.
  Condition namedCondition(const clang::VarDecl *V);
  /// Whether the function writes V or takes its address (cached).
  bool writtenInFunction(const clang::VarDecl *V);
  llvm::DenseMap<const clang::VarDecl *, bool> Written;
  /// The locals namedCondition() is reading, so that "int x = !x;" ends.
  llvm::SmallPtrSet<const clang::VarDecl *, 4> Naming;
  /// E's value if it is an integer constant that fits "v < n + 1".
  std::optional<int64_t> smallConstant(const clang::Expr *E) const;
  /// Block::CaseConds of a switch on a plain local or parameter, or none.
  std::vector<Condition> caseConditions(const clang::SwitchStmt *SS,
                                        const clang::CFGBlock &CB) const;
  std::optional<bool> constantTruth(const clang::Expr *E) const;
  /// Whether the loop FS, whose test reduced to C, counts its variable up
  /// by one from a constant to C's bound with nothing else writing it
  /// (Condition::CountedExit).
  bool countedLoop(const clang::ForStmt *FS, const Condition &C) const;
  void collectVars(const clang::Expr *E, std::vector<std::string> &Vars,
                   bool &Memory, bool &Pure);

  // --- Calls and lock primitives (ExtractionCalls.cpp) ---
  void visitCall(const clang::CallExpr *CE, Block &B);
  /// Ev's callee: the function called directly (and extracted too), or the
  /// function pointer called through.
  void nameCallee(const clang::CallExpr *CE, const clang::FunctionDecl *Callee,
                  Event &Ev);
  /// Argument Arg, passed as parameter ParamKey of a direct call, carries
  /// a function pointer there.
  void noteFunctionPointerArgument(const std::string &ParamKey,
                                   const clang::Expr *Arg, const ArgInfo &A);
  void visitPrimitive(const clang::CallExpr *CE, const rules::Primitive &P,
                      Block &B);
  /// The lock a call of P names, into Lock; false when it names none we
  /// know.
  bool primitiveLock(const clang::CallExpr *CE, const rules::Primitive &P,
                     LockRef &Lock);
  /// How a call of P takes its lock: mode, recursion, interrupts, sleep.
  void setLockOptions(const clang::CallExpr *CE, const rules::Primitive &P,
                      Event &Ev);
  /// The primitive a macro named in the rules stands for, when CE is the
  /// whole of that macro's expansion.
  const rules::Primitive *macroPrimitive(const clang::CallExpr *CE) const;
  ArgInfo argInfo(const clang::Expr *Arg);
  /// How a lock argument is written, without "&" and casts: two spellings
  /// tell two instances of one lock class apart.
  std::string spelling(const clang::Expr *E) {
    E = stripCasts(E);
    if (auto *UO = llvm::dyn_cast<clang::UnaryOperator>(E);
        UO && UO->getOpcode() == clang::UO_AddrOf)
      E = stripCasts(UO->getSubExpr());
    std::string Text;
    llvm::raw_string_ostream OS(Text);
    E->printPretty(OS, nullptr, clang::PrintingPolicy(Ctx.getLangOpts()));
    return OS.str();
  }
  /// One walk of the body before the CFG's: the handles class primitives
  /// return (HandleVars, ResultHolders), and the releases of references
  /// under an if that tests the identity of their holder
  /// (IdentityGuarded, Event::ByIdentity); Tested holds the variables the
  /// enclosing conditions compare.
  void collectBodyFacts(const clang::Stmt *S,
                        llvm::SmallVectorImpl<const clang::ValueDecl *> &Tested);
  /// S's part of HandleVars and ResultHolders.
  void noteHandle(const clang::Stmt *S);
  /// An asm statement from an interrupt-state macro (irq-disable, ...).
  void visitAsm(const clang::AsmStmt *AS, Block &B);
  /// How the variable holding the reference P takes or releases at CE is
  /// spelled: the variable the result is stored in ("d = rcu_lock_...()"),
  /// the one result_arg points at, or a release's argument; "" if none.
  std::string referenceHolder(const clang::CallExpr *CE,
                              const rules::Primitive &P);
  /// "v = rcu_lock_domain(x)": the reference is held once v is written, so
  /// the acquisition moves after the write that Value's assignment just
  /// added (and v is known not NULL where the reference is held).
  void holdAfterWrite(const clang::Expr *Value, Block &B);
  const rules::Primitive *classPrimitive(const clang::Expr *E) const;

  // --- Macros (ExtractionMacros.cpp) ---
  /// "(void)(l)": what is left of lockdep_assert_held(l).
  void visitVoidCast(const clang::CStyleCastExpr *Cast, Block &B);
  /// An is-held primitive: an assertion (ASSERT, BUG_ON) or a branch's test.
  void visitIsHeld(const clang::CallExpr *CE, const rules::Primitive &P,
                   Block &B);
  /// An event of kind K on the lock LockArg points to.
  Event lockEvent(EventKind K, clang::SourceLocation L, llvm::StringRef Name,
                  const clang::Expr *LockArg);
  void recordWaitMacro(const clang::CallExpr *CE, Event &Ev);
  /// The name and the argument text of the outermost expansion of a macro
  /// whose name satisfies Pred around L, if any.
  std::optional<std::pair<std::string, std::vector<std::string>>>
  enclosingMacro(clang::SourceLocation L,
                 llvm::function_ref<bool(llvm::StringRef)> Pred);

  clang::ASTContext &Ctx;
  const clang::SourceManager &SM;
  const rules::RuleSet &Rules;
  const LockIdentity &Ids;
  const clang::FunctionDecl *FD;
  std::function<void(const clang::FunctionDecl *)> &OnCallee;
  std::vector<FptrFlow> &Fptrs;
  TUFacts &Out;
  const llvm::StringSet<> &GuardedFields;
  const llvm::StringSet<> &GuardedLeaves;
  const llvm::StringSet<> &Sleeping;
  std::string Key;
  ObjectNames Objects;
  int NextTryId = 0;
  /// Guarded-field accesses by expression, to mark the written ones.
  llvm::DenseMap<const clang::Expr *, std::pair<Block *, size_t>> AccessEvents;
  llvm::DenseMap<const clang::CallExpr *, int> TryIds;
  /// Local variables holding a handle that a "class" primitive returned,
  /// and the class (libxl's "lock = libxl__lock_domain_userdata(gc, domid)").
  llvm::DenseMap<const clang::VarDecl *, std::string> HandleVars;
  /// Calls of reference primitives -> how the variable their result is
  /// stored in is spelled (collectBodyFacts()).
  llvm::DenseMap<const clang::CallExpr *, std::string> ResultHolders;
  llvm::DenseSet<const clang::CallExpr *> IdentityGuarded;
};

} // namespace lockwise::frontend

#endif
