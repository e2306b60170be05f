//===- LockIdentity.cpp ---------------------------------------------------===//
#include "frontend/LockIdentity.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Stmt.h"
#include "clang/AST/Type.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

#include <functional>
#include <vector>

using namespace clang;

namespace lockwise {

const Expr *statementExprValue(const StmtExpr *SE) {
  // GNU statement expressions ({ ...; x; }) evaluate to their last
  // expression: kernel macros (container_of) wrap pointers in them.
  const CompoundStmt *CS = SE->getSubStmt();
  if (!CS || CS->body_empty())
    return nullptr;
  return dyn_cast<Expr>(CS->body_back());
}

const Expr *stripCasts(const Expr *E) {
  while (E) {
    E = E->IgnoreParens();
    if (auto *C = dyn_cast<CastExpr>(E)) {
      E = C->getSubExpr();
      continue;
    }
    if (auto *SE = dyn_cast<StmtExpr>(E)) {
      const Expr *Value = statementExprValue(SE);
      if (!Value)
        return E;
      E = Value;
      continue;
    }
    return E;
  }
  return E;
}

const Expr *arrowThroughAddress(const MemberExpr *ME) {
  auto *Addr = ME->isArrow() ? dyn_cast<UnaryOperator>(stripCasts(ME->getBase()))
                             : nullptr;
  if (!Addr || Addr->getOpcode() != UO_AddrOf)
    return nullptr;
  return stripCasts(Addr->getSubExpr());
}

bool LockIdentity::declaresLock(QualType T) const {
  return declaresLock(T, 0);
}

bool LockIdentity::declaresLock(QualType T, int Depth) const {
  while (const ArrayType *AT = T->getAsArrayTypeUnsafe())
    T = AT->getElementType();
  const RecordDecl *RD = T->getAsRecordDecl();
  RD = RD ? RD->getDefinition() : nullptr;
  if (!RD || Depth > 16)
    return false;
  auto [It, New] = LockHolders.try_emplace(RD, false);
  if (!New)
    return It->second;
  bool Holds = false;
  for (const FieldDecl *F : RD->fields())
    if (isLockType(F->getType()) || declaresLock(F->getType(), Depth + 1)) {
      Holds = true;
      break;
    }
  LockHolders[RD] = Holds;
  return Holds;
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

namespace {
void collectWrites(const Stmt *S, LockIdentity::Writes &Out) {
  if (!S)
    return;
  auto Target = [](const Expr *E) -> const VarDecl * {
    if (auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenCasts()))
      return dyn_cast<VarDecl>(DRE->getDecl());
    return nullptr;
  };
  if (auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->isAssignmentOp()) {
    if (const VarDecl *V = Target(BO->getLHS()))
      Out[V].push_back(BO->getOpcode() == BO_Assign ? BO->getRHS() : nullptr);
  } else if (auto *UO = dyn_cast<UnaryOperator>(S)) {
    if (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf)
      if (const VarDecl *V = Target(UO->getSubExpr()))
        Out[V].push_back(nullptr);
  }
  for (const Stmt *C : S->children())
    collectWrites(C, Out);
}
} // namespace

const LockIdentity::Writes &
LockIdentity::writesIn(const FunctionDecl *FD) const {
  auto [It, New] = Written.try_emplace(FD);
  if (New && FD->hasBody())
    collectWrites(FD->getBody(), It->second);
  return It->second;
}

llvm::ArrayRef<const Expr *>
LockIdentity::assignedValues(const VarDecl *VD, const FunctionDecl *FD) const {
  const Writes &W = writesIn(FD);
  auto It = W.find(VD);
  return It == W.end() ? llvm::ArrayRef<const Expr *>() : It->second;
}

namespace {
/// The value a set of values agrees on (an origin, a holder): Unknown once
/// two differ (or one is Unknown), and for no value at all.
template <typename T> class Agreement {
public:
  explicit Agreement(T Unknown) : Value(Unknown), Unknown(std::move(Unknown)) {}
  void add(T V) {
    Value = Empty || V == Value ? std::move(V) : Unknown;
    Empty = false;
  }
  /// Nothing added later can make the values agree again.
  bool disagrees() const { return !Empty && Value == Unknown; }
  T result() const { return Empty ? Unknown : Value; }

private:
  T Value;
  T Unknown;
  bool Empty = true;
};

void collectReturns(const Stmt *S, llvm::SmallVectorImpl<const Expr *> &Out) {
  if (!S)
    return;
  if (auto *Ret = dyn_cast<ReturnStmt>(S)) {
    Out.push_back(Ret->getRetValue());
    return;
  }
  for (const Stmt *C : S->children())
    collectReturns(C, Out);
}
} // namespace

int8_t LockIdentity::returnedOrigin(const FunctionDecl *FD, unsigned NullArgs,
                                    int Depth) const {
  const FunctionDecl *Def = FD->getDefinition();
  if (!Def || !Def->hasBody())
    return OwnerAny;
  auto Key = std::make_pair(Def, NullArgs);
  if (auto It = ReturnedOrigins.find(Key); It != ReturnedOrigins.end())
    return It->second;
  ReturnedOrigins[Key] = OwnerAny; // a recursive function designates nothing known
  llvm::SmallVector<const Expr *, 4> Returns;
  collectReturns(Def->getBody(), Returns);
  unsigned SavedNull = NullParams;
  NullParams = NullArgs;
  Agreement<int8_t> Values(OwnerAny);
  for (const Expr *V : Returns) {
    if (V && V->isNullPointerConstant(Def->getASTContext(),
                                      Expr::NPC_ValueDependentIsNotNull))
      continue;
    Values.add(V ? originOf(V, Def, Depth + 1) : (int8_t)OwnerAny);
    if (Values.disagrees())
      break;
  }
  NullParams = SavedNull;
  int8_t Result = Values.result();
  ReturnedOrigins[Key] = Result;
  return Result;
}

llvm::StringRef wholeMacroExpansion(const Expr *E, const SourceManager &SM,
                                    const LangOptions &LO) {
  SourceLocation Begin = E->getBeginLoc(), End = E->getEndLoc();
  if (!Begin.isMacroID() || !End.isMacroID())
    return "";
  if (!Lexer::isAtStartOfMacroExpansion(Begin, SM, LO) ||
      !Lexer::isAtEndOfMacroExpansion(End, SM, LO))
    return "";
  llvm::StringRef Name = Lexer::getImmediateMacroName(Begin, SM, LO);
  return Name == Lexer::getImmediateMacroName(End, SM, LO) ? Name : "";
}

bool LockIdentity::isRunningContextMacro(const Expr *E) const {
  llvm::StringRef Name = wholeMacroExpansion(E, SM, LO);
  return !Name.empty() && RunningContext.contains(Name);
}

int8_t LockIdentity::originOf(const Expr *E, const FunctionDecl *FD,
                              int Depth) const {
  // Owners serve the running context and, through parameters, holders.
  if (RunningContext.empty() && HolderTypes.empty())
    return OwnerAny;
  while (E && Depth < 48) {
    ++Depth;
    // Before parentheses go: "current" expands to "(get_current())".
    if (isRunningContextMacro(E))
      return OwnerCurrent;
    if (auto *PE = dyn_cast<ParenExpr>(E)) {
      E = PE->getSubExpr();
      continue;
    }
    if (auto *CE = dyn_cast<CastExpr>(E)) {
      E = CE->getSubExpr();
      continue;
    }
    // Each level in turn, so that a macro is seen where it expands.
    if (auto *SE = dyn_cast<StmtExpr>(E)) {
      E = statementExprValue(SE);
      continue;
    }
    if (auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() != UO_AddrOf && UO->getOpcode() != UO_Deref)
        return OwnerAny;
      E = UO->getSubExpr();
      continue;
    }
    if (auto *ME = dyn_cast<MemberExpr>(E)) {
      E = ME->getBase();
      continue;
    }
    if (auto *ASE = dyn_cast<ArraySubscriptExpr>(E)) {
      E = ASE->getBase();
      continue;
    }
    if (auto *BO = dyn_cast<BinaryOperator>(E)) {
      // container_of(): (type *)((char *)ptr - offsetof(type, member)).
      if (!BO->isAdditiveOp())
        return OwnerAny;
      E = BO->getLHS()->getType()->isPointerType() ? BO->getLHS() : BO->getRHS();
      continue;
    }
    if (auto *CO = dyn_cast<ConditionalOperator>(E)) {
      int8_t T = originOf(CO->getTrueExpr(), FD, Depth);
      return T == originOf(CO->getFalseExpr(), FD, Depth) ? T : OwnerAny;
    }
    if (auto *CE = dyn_cast<CallExpr>(E)) {
      const Expr *Next = nullptr;
      int8_t O = originThroughCall(CE, Depth, Next);
      if (!Next)
        return O;
      E = Next;
      continue;
    }
    if (auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      if (!VD || !VD->hasLocalStorage() || !FD || !FD->hasBody())
        return OwnerAny;
      return originOfVariable(VD, FD, Depth);
    }
    return OwnerAny;
  }
  return OwnerAny;
}

int8_t LockIdentity::originThroughCall(const CallExpr *CE, int Depth,
                                       const Expr *&Next) const {
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee || !Callee->getIdentifier())
    return OwnerAny;
  if (RunningContext.contains(Callee->getName()))
    return OwnerCurrent;
  if (Transparent.contains(Callee->getName()) && CE->getNumArgs() > 0) {
    Next = CE->getArg(0);
    return OwnerAny;
  }
  if (Depth > 24)
    return OwnerAny;
  unsigned NullArgs = 0;
  for (unsigned I = 0; I < CE->getNumArgs() && I < 32; ++I)
    if (CE->getArg(I)->isNullPointerConstant(
            Callee->getASTContext(), Expr::NPC_ValueDependentIsNotNull))
      NullArgs |= 1u << I;
  int8_t R = returnedOrigin(Callee, NullArgs, Depth);
  if (R >= 0 && (unsigned)R < CE->getNumArgs()) {
    Next = CE->getArg(R);
    return OwnerAny;
  }
  return R == OwnerCurrent ? OwnerCurrent : OwnerAny;
}

int8_t LockIdentity::originOfVariable(const VarDecl *VD, const FunctionDecl *FD,
                                      int Depth) const {
  // Every value the variable gets must agree: its initialiser (or the
  // caller's argument, for a parameter) and each plain assignment.
  if (!Visiting.insert(VD).second)
    return OwnerAny;
  Agreement<int8_t> Values(OwnerAny);
  auto Agree = [&](int8_t O) { Values.add(O); };
  if (auto *PVD = dyn_cast<ParmVarDecl>(VD)) {
    auto *Owner = dyn_cast<FunctionDecl>(PVD->getDeclContext());
    bool Ours = Owner && Owner->getCanonicalDecl() == FD->getCanonicalDecl();
    unsigned Index = PVD->getFunctionScopeIndex();
    // Passed as NULL: no object, so no say in whose the value is.
    if (!Ours || Index >= 32 || !((NullParams >> Index) & 1))
      Agree(Ours ? (int8_t)std::min(Index, 63u) : (int8_t)OwnerAny);
  } else if (VD->getInit()) {
    Agree(originOf(VD->getInit(), FD, Depth));
  }
  for (const Expr *Value : assignedValues(VD, FD))
    Agree(Value ? originOf(Value, FD, Depth) : (int8_t)OwnerAny);
  Visiting.erase(VD);
  return Values.result();
}

std::string LockIdentity::holderOf(const Expr *E, const FunctionDecl *FD) const {
  if (HolderTypes.empty() || !E->getType()->isPointerType())
    return "";
  QualType Pointee = E->getType()->getPointeeType();
  if (!Pointee->isRecordType())
    return "";
  auto Type = HolderTypes.find(recordName(Pointee));
  if (Type == HolderTypes.end())
    return "";
  const llvm::StringSet<> &Constructors = Type->second;
  // Where a value comes from: a place, or a parameter of FD (which two
  // values must agree on like a place).  {}: not known.
  struct Place {
    std::string Where;
    int Param = -1;
    bool operator==(const Place &) const = default;
  };
  std::function<Place(const Expr *, int)> Of = [&](const Expr *X,
                                                   int Depth) -> Place {
    X = stripCasts(X);
    if (!X || Depth > 16)
      return {};
    if (auto *CO = dyn_cast<ConditionalOperator>(X)) {
      Place T = Of(CO->getTrueExpr(), Depth + 1);
      return T == Of(CO->getFalseExpr(), Depth + 1) ? T : Place();
    }
    if (auto *SE = dyn_cast<StmtExpr>(X))
      return Of(statementExprValue(SE), Depth + 1);
    if (auto *CE = dyn_cast<CallExpr>(X)) {
      const FunctionDecl *Callee = CE->getDirectCallee();
      if (!Callee || !Callee->getIdentifier() ||
          !Constructors.contains(Callee->getName()))
        return {};
      return {Callee->getName().str() + "() in " +
              (FD && FD->getIdentifier() ? FD->getName().str() : "?")};
    }
    if (isa<MemberExpr>(X) || isa<ArraySubscriptExpr>(X)) {
      LockRef R = resolveObject(X, FD, 0);
      if (R.K != LockRef::Type && R.K != LockRef::Global)
        return {};
      return {R.Path.empty() ? R.Root.str() : R.Root.str() + "." + R.Path.str()};
    }
    auto *DRE = dyn_cast<DeclRefExpr>(X);
    auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    if (!VD)
      return {};
    if (auto *PVD = dyn_cast<ParmVarDecl>(VD))
      return {"", static_cast<int>(PVD->getFunctionScopeIndex())};
    if (VD->hasGlobalStorage())
      return {VD->getName().str()};
    if (!FD || !FD->hasBody() || !Visiting.insert(VD).second)
      return {};
    // Every value the local gets must agree.
    Agreement<Place> Values(Place{});
    if (VD->getInit())
      Values.add(Of(VD->getInit(), Depth + 1));
    for (const Expr *Value : assignedValues(VD, FD)) {
      // "mem = NULL" after a free designates no object.
      if (Value && Value->isNullPointerConstant(FD->getASTContext(),
                                                Expr::NPC_ValueDependentIsNotNull))
        continue;
      Values.add(Value ? Of(Value, Depth + 1) : Place());
    }
    Visiting.erase(VD);
    return Values.result();
  };
  return Of(E, 0).Where;
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

/// Appends to R the member path collected from the lock outwards.
void appendPath(LockRef &R, const std::vector<PathStep> &Reversed,
                const LockIdentity &Ids) {
  // Steps run outer (root side) to inner (lock side); stop at the first
  // lock-typed object: a lock inside a lock type is that lock type.
  std::vector<PathStep> Steps(Reversed.rbegin(), Reversed.rend());
  size_t Keep = Steps.size();
  for (size_t I = 0; I < Steps.size(); ++I)
    if (Ids.isLockType(Steps[I].Type)) {
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
    R.Owner = originOf(E, FD);
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
      if (const Expr *InPlace = arrowThroughAddress(ME)) {
        Cur = InPlace;
        continue;
      }
      if (ME->isArrow()) {
        QualType Pointee = ME->getBase()->getType()->getPointeeType();
        R.K = LockRef::Type;
        R.Root = recordName(Pointee);
        R.Owner = originOf(ME->getBase(), FD);
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
        R.Owner = originOf(ASE->getBase(), FD);
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
      if (!VD)
        R.K = LockRef::Unknown;
      else
        R = variableRoot(VD, FD, /*HasMembers=*/!Reversed.empty());
      break;
    }
    R.K = LockRef::Unknown;
    R.Root = Cur->getType().getAsString();
    break;
  }
  if (R.K == LockRef::None)
    R.K = LockRef::Unknown;
  appendPath(R, Reversed, *this);
  return R;
}

LockRef LockIdentity::variableRoot(const VarDecl *VD, const FunctionDecl *FD,
                                   bool HasMembers) const {
  LockRef R;
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
    R.Owner = OwnerAny;
  } else {
    R.K = LockRef::Local;
    R.Root = VD->getName().str() + "@" + (FD ? FD->getName().str() : "");
  }
  // A struct-typed global reached by '.' is still named by its tag when
  // the lock is a member: docs/design.md names member locks tag.field.
  if (R.K == LockRef::Global && HasMembers && VT->isRecordType() &&
      !isLockType(VT)) {
    R.K = LockRef::Type;
    R.Root = recordName(VT);
    R.StaticGlobal = false;
    R.File = Symbol();
  }
  return R;
}


} // namespace lockwise
