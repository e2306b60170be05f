//===- ExtractionMacros.cpp - wait_event*() and assertion macros ----------===//
//
// What only the macro invocation says: the condition of a wait_event*()
// (the expansion evaluates it in a loop the CFG no longer names), and
// whether an is-held test sits in an assertion (ASSERT, BUG_ON,
// lockdep_assert_held) or in a branch.
//
//===----------------------------------------------------------------------===//
#include "frontend/Extraction.h"

#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

#include <cctype>

using namespace clang;

namespace lockwise::frontend {

namespace {

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

/// Climbs the expansion stack from L to the outermost expansion of a macro
/// whose name satisfies Pred: its location and name, or an invalid
/// location when there is none.
std::pair<SourceLocation, std::string>
outermostMacro(SourceLocation L, const SourceManager &SM, const LangOptions &LO,
               llvm::function_ref<bool(llvm::StringRef)> Pred) {
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
  return {Found, FoundName};
}

/// Identifiers of the condition that are not called: the state it reads.
void addReadState(llvm::StringRef Cond, std::vector<Symbol> &Vars) {
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
      Vars.push_back(Cond.substr(I, J - I).str());
    I = J;
  }
}

} // namespace

bool isWaitMacro(llvm::StringRef Name) {
  return Name.starts_with("wait_event") || Name.starts_with("wait_var_event");
}

void Extraction::recordWaitMacro(const CallExpr *CE, Event &Ev) {
  // wait_event*(wq, condition) is a macro around prepare_to_wait_event():
  // climb the expansion stack to the outermost wait_event* invocation and
  // take its condition argument from the source text.
  const LangOptions &LO = Ctx.getLangOpts();
  auto [Found, FoundName] =
      outermostMacro(CE->getBeginLoc(), SM, LO, isWaitMacro);
  if (Found.isInvalid())
    return;
  CharSourceRange Range = SM.getImmediateExpansionRange(Found);
  llvm::StringRef Text = Lexer::getSourceText(Range, SM, LO);
  Ev.Macro = FoundName;
  std::vector<std::string> Args = splitMacroArgs(Text);
  if (Args.size() < 2)
    return;
  Ev.CondText = Args[1];
  addReadState(Ev.CondText, Ev.CondVars);
}

std::optional<std::pair<std::string, std::vector<std::string>>>
Extraction::enclosingMacro(SourceLocation L,
                           llvm::function_ref<bool(llvm::StringRef)> Pred) {
  const LangOptions &LO = Ctx.getLangOpts();
  auto [Found, FoundName] = outermostMacro(L, SM, LO, Pred);
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

Event Extraction::lockEvent(EventKind K, SourceLocation L, llvm::StringRef Name,
                            const Expr *LockArg) {
  Event Ev;
  Ev.Kind = K;
  Ev.Loc = userLoc(L, SM);
  Ev.Name = Name;
  Ev.Lock = Ids.resolvePointer(LockArg, FD);
  Ev.Lock.Text = spelling(LockArg);
  return Ev;
}

// lockdep_assert_held(l) without CONFIG_LOCKDEP is "(void)(l)": the macro
// name is all that is left of the assertion.
void Extraction::visitVoidCast(const CStyleCastExpr *Cast, Block &B) {
  auto M = enclosingMacro(Cast->getBeginLoc(), [](llvm::StringRef N) {
    return N.starts_with("lockdep_assert_held");
  });
  if (M && Cast->getSubExpr()->getType()->isPointerType())
    B.Events.push_back(lockEvent(EventKind::AssertHeld, Cast->getBeginLoc(),
                                 M->first, Cast->getSubExpr()));
}

void Extraction::visitIsHeld(const CallExpr *CE, const rules::Primitive &P,
                             Block &B) {
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
    Event Ev = lockEvent(EventKind::HeldTest, CE->getBeginLoc(), P.Name,
                         CE->getArg(P.Arg));
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
  if (AssertsHeld)
    B.Events.push_back(lockEvent(EventKind::AssertHeld, CE->getBeginLoc(),
                                 M->first, CE->getArg(P.Arg)));
}

} // namespace lockwise::frontend
