//===- Frontend.cpp -------------------------------------------------------===//
#include "frontend/Frontend.h"
#include "frontend/FieldGroups.h"
#include "frontend/FunctionExtractor.h"
#include "frontend/LockIdentity.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "clang/Serialization/PCHContainerOperations.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"
#include "llvm/Support/raw_ostream.h"
#include "clang/Basic/SourceManager.h"
#include <algorithm>

#include <deque>

using namespace clang;

namespace lockwise {

namespace {

/// Records parse errors instead of printing them: the tool reports failed
/// TUs in its own summary.
class ErrorCollector : public DiagnosticConsumer {
public:
  explicit ErrorCollector(std::vector<std::string> &Errors) : Errors(Errors) {}
  void HandleDiagnostic(DiagnosticsEngine::Level Level,
                        const Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    if (Level < DiagnosticsEngine::Error)
      return;
    if (Errors.size() >= 5)
      return;
    llvm::SmallString<256> Msg;
    Info.FormatDiagnostic(Msg);
    std::string Where;
    if (Info.hasSourceManager() && Info.getLocation().isValid()) {
      SrcLoc L = userLoc(Info.getLocation(), Info.getSourceManager());
      Where = L.File + ":" + std::to_string(L.Line) + ":" +
              std::to_string(L.Column) + ": ";
    }
    Errors.push_back(Where + "error: " + std::string(Msg));
  }

private:
  std::vector<std::string> &Errors;
};

/// Function pointers stored by initialisers: ".callback = backend_changed".
class InitializerVisitor : public RecursiveASTVisitor<InitializerVisitor> {
public:
  InitializerVisitor(ASTContext &Ctx, TUFacts &Out,
                     std::function<void(const FunctionDecl *)> &OnFunction)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Fptrs(Out.Fptrs),
        Groups(Out.Groups), OnFunction(OnFunction) {}

  /// A variable's initialiser sets up that variable (the object a later
  /// "&xenstore_notifier" designates), visited before the initialiser.
  bool VisitVarDecl(VarDecl *VD) {
    auto *ILE = dyn_cast_or_null<InitListExpr>(
        VD->getInit() ? VD->getInit()->IgnoreImplicit() : nullptr);
    if (!ILE)
      return true;
    if (ILE->isSyntacticForm() && ILE->getSemanticForm())
      ILE = ILE->getSemanticForm();
    auto *Fn = dyn_cast_or_null<FunctionDecl>(VD->getParentFunctionOrMethod());
    Named[ILE] = VD->hasLocalStorage() && Fn
                     ? "stack@" + functionKey(Fn, SM) + "#" + VD->getNameAsString()
                     : "global@" + VD->getNameAsString();
    return true;
  }

  bool VisitInitListExpr(InitListExpr *ILE) {
    if (ILE->isSyntacticForm() && ILE->getSemanticForm())
      ILE = ILE->getSemanticForm();
    QualType T = ILE->getType();
    const RecordDecl *RD = T->getAsRecordDecl();
    if (!RD)
      return true;
    std::string Tag = LockIdentity::recordName(T);
    if (std::optional<FieldGroup> G = initializerGroup(ILE, Ctx, Named.lookup(ILE)))
      Groups.push_back(std::move(*G));
    unsigned I = 0;
    for (const FieldDecl *FDecl : RD->fields()) {
      if (I >= ILE->getNumInits())
        break;
      const Expr *Init = ILE->getInit(I++);
      if (!Init || !FDecl->getType()->isFunctionPointerType())
        continue;
      if (auto *Fn = designatedFunction(Init)) {
        Fptrs.push_back({Tag + "." + FDecl->getNameAsString(),
                         functionKey(Fn, SM), ""});
        OnFunction(Fn);
      }
    }
    return true;
  }

private:
  ASTContext &Ctx;
  const SourceManager &SM;
  std::vector<FptrFlow> &Fptrs;
  std::vector<FieldGroup> &Groups;
  llvm::DenseMap<const InitListExpr *, std::string> Named;
  std::function<void(const FunctionDecl *)> &OnFunction;
};

class FactsConsumer : public ASTConsumer {
public:
  FactsConsumer(TUFacts &Out, const rules::RuleSet &Rules,
                const llvm::StringSet<> &LockTypes,
                const llvm::StringSet<> &Transparent, std::string Directory,
                Preprocessor &PP)
      : Out(Out), Rules(Rules), LockTypes(LockTypes), Transparent(Transparent),
        Directory(std::move(Directory)), PP(PP) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    const SourceManager &SM = Ctx.getSourceManager();
    llvm::StringSet<> RunningContext;
    for (const std::string &Fn : Rules.RunningContext)
      RunningContext.insert(Fn);
    llvm::StringMap<llvm::StringSet<>> HolderTypes;
    for (const rules::ClassByHolder &C : Rules.ClassesByHolder) {
      llvm::StringSet<> &Constructors = HolderTypes[C.Type];
      for (const std::string &Fn : C.Constructors)
        Constructors.insert(Fn);
    }
    LockIdentity Ids(SM, Ctx.getLangOpts(), LockTypes, Transparent,
                     RunningContext, HolderTypes);
    llvm::DenseSet<const FunctionDecl *> Queued;
    std::deque<const FunctionDecl *> Work;
    std::function<void(const FunctionDecl *)> Enqueue =
        [&](const FunctionDecl *FD) {
          const FunctionDecl *Def = FD->getDefinition();
          if (!Def || !Def->hasBody())
            return;
          // A catalog primitive is a primitive even when its body is
          // visible (kernel headers define many as static inline).
          if (Def->getIdentifier() && Rules.findPrimitive(Def->getName()))
            return;
          if (Queued.insert(Def->getCanonicalDecl()).second)
            Work.push_back(Def);
        };
    for (Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
      auto *FD = dyn_cast<FunctionDecl>(D);
      if (!FD || !FD->doesThisDeclarationHaveABody())
        continue;
      if (SM.isInMainFile(SM.getExpansionLoc(FD->getLocation())))
        Enqueue(FD);
    }
    InitializerVisitor IV(Ctx, Out, Enqueue);
    IV.TraverseDecl(Ctx.getTranslationUnitDecl());

    // Every file read, hashed, so a later run can tell the facts are still
    // valid without parsing.
    for (auto It = SM.fileinfo_begin(); It != SM.fileinfo_end(); ++It) {
      std::optional<llvm::MemoryBufferRef> Buf = It->second->getBufferIfLoaded();
      if (!Buf)
        continue;
      llvm::SmallString<256> Path(It->first.getName());
      llvm::sys::fs::make_absolute(Directory, Path);
      llvm::sys::path::remove_dots(Path, true);
      Out.Inputs.emplace_back(std::string(Path),
                              llvm::xxh3_64bits(Buf->getBuffer()));
    }
    std::sort(Out.Inputs.begin(), Out.Inputs.end());

    llvm::StringSet<> Guarded;
    for (const rules::GuardedRule &G : Rules.Guarded)
      Guarded.insert(G.Field);
    // Sleeping functions that apply here (a catalog may be for one
    // environment only, by a macro it defines).
    llvm::StringSet<> Sleeping;
    for (const rules::SleepingRule &R : Rules.Sleeping)
      if (R.IfDefined.empty() || PP.isMacroDefined(R.IfDefined))
        Sleeping.insert(R.Function);
    FunctionExtractor X(Ctx, Rules, Ids, Enqueue, Out.Fptrs, Out, Guarded,
                        Sleeping);
    while (!Work.empty()) {
      const FunctionDecl *FD = Work.front();
      Work.pop_front();
      if (auto F = X.extract(FD))
        Out.Functions.push_back(std::move(*F));
    }
  }

private:
  TUFacts &Out;
  const rules::RuleSet &Rules;
  const llvm::StringSet<> &LockTypes;
  const llvm::StringSet<> &Transparent;
  std::string Directory;
  Preprocessor &PP;
};

class FactsAction : public ASTFrontendAction {
public:
  FactsAction(TUFacts &Out, const rules::RuleSet &Rules,
              const llvm::StringSet<> &LockTypes,
              const llvm::StringSet<> &Transparent, std::string Directory)
      : Out(Out), Rules(Rules), LockTypes(LockTypes), Transparent(Transparent),
        Directory(std::move(Directory)) {}

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    return std::make_unique<FactsConsumer>(Out, Rules, LockTypes, Transparent,
                                           Directory, CI.getPreprocessor());
  }

private:
  TUFacts &Out;
  const rules::RuleSet &Rules;
  const llvm::StringSet<> &LockTypes;
  const llvm::StringSet<> &Transparent;
  std::string Directory;
};

class FactsActionFactory : public tooling::FrontendActionFactory {
public:
  FactsActionFactory(TUFacts &Out, const rules::RuleSet &Rules,
                     std::string Directory)
      : Out(Out), Rules(Rules), Directory(std::move(Directory)) {
    for (const std::string &T : Rules.LockTypes)
      LockTypes.insert(T);
    for (const rules::Primitive &P : Rules.Primitives)
      if (P.Op == rules::PrimitiveOp::Transparent)
        Transparent.insert(P.Name);
  }
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<FactsAction>(Out, Rules, LockTypes, Transparent,
                                         Directory);
  }

private:
  TUFacts &Out;
  const rules::RuleSet &Rules;
  std::string Directory;
  llvm::StringSet<> LockTypes;
  llvm::StringSet<> Transparent;
};

/// Hands ClangTool exactly one command.
class SingleCommandDatabase : public tooling::CompilationDatabase {
public:
  explicit SingleCommandDatabase(tooling::CompileCommand Cmd)
      : Cmd(std::move(Cmd)) {}
  std::vector<tooling::CompileCommand>
  getCompileCommands(llvm::StringRef) const override {
    return {Cmd};
  }
  std::vector<std::string> getAllFiles() const override { return {Cmd.Filename}; }

private:
  tooling::CompileCommand Cmd;
};

} // namespace

std::vector<std::string> adjustCommandLine(std::vector<std::string> Args) {
  // Flags some kernel and Xen builds pass that only GCC or the linker know,
  // or that turn warnings into errors: none changes how the code parses.
  static const char *const Dropped[] = {
      "-Werror", "-fconserve-stack", "-mrecord-mcount", "-fno-allow-store-data-races",
      "-mindirect-branch-register", "-fno-ipa-sra", "-Wa,--noexecstack"};
  static const char *const DroppedPrefixes[] = {
      "-Werror=", "-mindirect-branch=", "-fmacro-prefix-map=",
      "-mfunction-return=", "-fsanitize", "-fprofile", "-Wp,-MMD", "-Wp,-MD"};
  std::vector<std::string> Out;
  for (size_t I = 0; I < Args.size(); ++I) {
    llvm::StringRef A = Args[I];
    bool Drop = false;
    for (const char *D : Dropped)
      Drop |= A == D;
    for (const char *P : DroppedPrefixes)
      Drop |= A.starts_with(P);
    if (Drop)
      continue;
    Out.push_back(Args[I]);
  }
  return Out;
}

TUFacts extractTU(const tooling::CompileCommand &Cmd,
                  const rules::RuleSet &Rules,
                  const std::map<std::string, std::string> *Overlay) {
  TUFacts Out;
  Out.File = Cmd.Filename;
  tooling::CompileCommand Adjusted = Cmd;
  Adjusted.CommandLine = adjustCommandLine(Cmd.CommandLine);
  SingleCommandDatabase DB(Adjusted);
  // A physical file system of its own: the shared real one changes the
  // process-wide working directory per command, which races under --jobs.
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS =
      llvm::vfs::createPhysicalFileSystem();
  if (Overlay && !Overlay->empty()) {
    auto Memory = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
    for (const auto &[Path, Text] : *Overlay)
      Memory->addFile(Path, 0, llvm::MemoryBuffer::getMemBufferCopy(Text, Path));
    auto Layered = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(FS);
    Layered->pushOverlay(Memory);
    FS = Layered;
  }
  tooling::ClangTool Tool(DB, {Cmd.Filename},
                          std::make_shared<PCHContainerOperations>(), FS);
  Tool.appendArgumentsAdjuster(tooling::getClangStripOutputAdjuster());
  Tool.appendArgumentsAdjuster(tooling::getClangStripDependencyFileAdjuster());
  Tool.appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
      {"-w", "-Wno-error", "-ferror-limit=0"},
      tooling::ArgumentInsertPosition::END));
  ErrorCollector Errors(Out.Errors);
  Tool.setDiagnosticConsumer(&Errors);
  Tool.setPrintErrorMessage(false);
  FactsActionFactory Factory(Out, Rules, Cmd.Directory);
  int Rc = Tool.run(&Factory);
  if (Rc != 0 || Errors.getNumErrors() > 0) {
    Out.Failed = true;
    if (Out.Errors.empty())
      Out.Errors.push_back(Cmd.Filename + ": error: the compiler could not "
                                          "process this translation unit");
  }
  return Out;
}

} // namespace lockwise
