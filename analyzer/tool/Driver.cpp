//===- Driver.cpp ---------------------------------------------------------===//
#include "tool/Driver.h"
#include "frontend/Frontend.h"
#include "tool/FactsCache.h"
#include "checks/Checker.h"
#include "engine/RuleIndex.h"
#include "graph/LockGraph.h"

#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include "llvm/Support/Format.h"
#include "llvm/Support/GlobPattern.h"
#include <map>
#include <set>

using namespace clang::tooling;

namespace lockwise {

llvm::Expected<rules::RuleSet> loadRules(const std::vector<std::string> &Files,
                                         std::vector<std::string> &Warnings) {
  rules::RuleSet Rules;
  std::vector<rules::Diagnostic> Diags;
  bool Ok = rules::loadBuiltinCatalogs(Rules, Diags);
  for (const std::string &F : Files)
    Ok &= rules::loadRuleFile(F, Rules, Diags);
  std::string Errors;
  for (const rules::Diagnostic &D : Diags) {
    if (D.K == rules::Diagnostic::Warning) {
      Warnings.push_back(D.str());
      continue;
    }
    if (!Errors.empty())
      Errors += "\n";
    Errors += D.str();
  }
  // Globs are read by the engine and the checks; a bad one is the rule
  // file's error, before any TU is parsed.
  auto Glob = [&](const std::string &G, const rules::SourcePos &Pos,
                  const char *Key) {
    if (auto P = dataflow::ruleGlob(G, Pos, Key); !P) {
      Ok = false;
      Errors += (Errors.empty() ? "" : "\n") + llvm::toString(P.takeError());
    }
  };
  for (const rules::ForbiddenWhileHeldRule &F : Rules.ForbiddenWhileHeld)
    for (const std::string &G : F.Calls)
      Glob(G, F.Pos, "forbidden_while_held");
  for (const rules::ExclusiveContexts &X : Rules.Exclusive)
    for (const rules::ExclusiveContexts::Context &C : X.Contexts)
      for (const std::string &G : C.Files)
        Glob(G, X.Pos, "exclusive_contexts");
  if (!Ok)
    return llvm::createStringError(std::errc::invalid_argument, "%s",
                                   Errors.c_str());
  return Rules;
}

namespace {

llvm::Expected<std::unique_ptr<CompilationDatabase>>
openDatabase(const std::string &Path) {
  std::string Error;
  std::string File = Path;
  if (llvm::sys::fs::is_directory(Path)) {
    llvm::SmallString<256> P(Path);
    llvm::sys::path::append(P, "compile_commands.json");
    File = std::string(P);
  }
  if (!llvm::sys::fs::exists(File))
    return llvm::createStringError(std::errc::no_such_file_or_directory,
                                   "no compilation database at '%s'",
                                   File.c_str());
  // Validate the JSON first: the YAML-based loader prints its own errors
  // and can accept a truncated file.
  auto Buffer = llvm::MemoryBuffer::getFile(File);
  if (!Buffer)
    return llvm::createStringError(Buffer.getError(),
                                   "cannot read compilation database '%s': %s",
                                   File.c_str(),
                                   Buffer.getError().message().c_str());
  auto Parsed = llvm::json::parse((*Buffer)->getBuffer());
  if (!Parsed) {
    std::string Why = llvm::toString(Parsed.takeError());
    return llvm::createStringError(std::errc::invalid_argument,
                                   "cannot read compilation database '%s': %s",
                                   File.c_str(), Why.c_str());
  }
  if (!Parsed->getAsArray())
    return llvm::createStringError(std::errc::invalid_argument,
                                   "cannot read compilation database '%s': "
                                   "expected a JSON array of commands",
                                   File.c_str());
  auto DB = JSONCompilationDatabase::loadFromFile(
      File, Error, JSONCommandLineSyntax::AutoDetect);
  if (!DB)
    return llvm::createStringError(std::errc::invalid_argument,
                                   "cannot read compilation database '%s': %s",
                                   File.c_str(), Error.c_str());
  if (DB->getAllCompileCommands().empty())
    return llvm::createStringError(std::errc::invalid_argument,
                                   "compilation database '%s' has no entries",
                                   File.c_str());
  return std::move(DB);
}

std::string absolute(const std::string &P) {
  llvm::SmallString<256> S(P);
  llvm::sys::fs::make_absolute(S);
  llvm::sys::path::remove_dots(S, true);
  return std::string(S);
}

} // namespace

namespace {

/// The database the inputs name: -p's, the flags after "--", or GNU C
/// defaults for files given alone.  Owned keeps one that was opened here.
llvm::Expected<CompilationDatabase *>
inputDatabase(DriverInputs &In, std::unique_ptr<CompilationDatabase> &Owned) {
  if (!In.CompileDbPath.empty()) {
    auto Opened = openDatabase(In.CompileDbPath);
    if (!Opened)
      return Opened.takeError();
    Owned = std::move(*Opened);
    return Owned.get();
  }
  if (In.FixedDb)
    return In.FixedDb.get();
  if (!In.Files.empty()) {
    std::string Error;
    Owned = FixedCompilationDatabase::loadFromBuffer(".", "-std=gnu11", Error);
    return Owned.get();
  }
  return llvm::createStringError(std::errc::invalid_argument,
                                 "no input: give -p <compile database> or "
                                 "source files");
}

/// One command per file, by absolute path: the files given, or every C
/// source of the database.
llvm::Expected<std::map<std::string, CompileCommand>>
commandsByFile(CompilationDatabase &DB, const std::vector<std::string> &Files) {
  std::map<std::string, CompileCommand> Commands;
  for (const std::string &F : Files) {
    std::string Abs = absolute(F);
    if (!llvm::sys::fs::exists(Abs))
      return llvm::createStringError(std::errc::no_such_file_or_directory,
                                     "no such file: '%s'", F.c_str());
    std::vector<CompileCommand> Cmds = DB.getCompileCommands(Abs);
    if (Cmds.empty())
      return llvm::createStringError(std::errc::invalid_argument,
                                     "'%s' is not in the compilation database",
                                     F.c_str());
    Commands.emplace(Abs, Cmds.front());
  }
  if (!Files.empty())
    return Commands;
  for (CompileCommand &C : DB.getAllCompileCommands()) {
    llvm::SmallString<256> P(C.Filename);
    if (!llvm::sys::path::is_absolute(P))
      llvm::sys::fs::make_absolute(C.Directory, P);
    llvm::sys::path::remove_dots(P, true);
    llvm::StringRef Ext = llvm::sys::path::extension(P);
    if (Ext != ".c" && Ext != ".cc" && Ext != ".cpp" && Ext != ".cxx")
      continue;
    Commands.emplace(std::string(P), C);
  }
  return Commands;
}

/// --include / --exclude globs; a bad one is an error naming its option.
llvm::Expected<std::vector<llvm::GlobPattern>>
pathGlobs(const std::vector<std::string> &Globs, const char *Option) {
  std::vector<llvm::GlobPattern> Out;
  for (const std::string &G : Globs) {
    auto P = llvm::GlobPattern::create(G);
    if (!P)
      return llvm::createStringError(std::errc::invalid_argument,
                                     "bad %s glob '%s': %s", Option, G.c_str(),
                                     llvm::toString(P.takeError()).c_str());
    Out.push_back(std::move(*P));
  }
  return Out;
}

/// A glob matches the absolute path or any path suffix of it, so
/// "drivers/xen/**" works from any root.
bool matchesAny(const std::vector<llvm::GlobPattern> &Globs,
                llvm::StringRef Path) {
  for (const llvm::GlobPattern &G : Globs)
    for (llvm::StringRef P = Path;;) {
      if (G.match(P))
        return true;
      size_t Slash = P.find('/');
      if (Slash == llvm::StringRef::npos)
        break;
      P = P.drop_front(Slash + 1);
    }
  return false;
}

} // namespace

llvm::Expected<std::vector<CompileCommand>> selectCommands(DriverInputs &In) {
  std::unique_ptr<CompilationDatabase> Owned;
  auto DB = inputDatabase(In, Owned);
  if (!DB)
    return DB.takeError();
  // One command per file, in file order: the result must not depend on the
  // database's order or on --jobs.
  auto Commands = commandsByFile(**DB, In.Files);
  if (!Commands)
    return Commands.takeError();
  auto Include = pathGlobs(In.Include, "--include");
  if (!Include)
    return Include.takeError();
  auto Exclude = pathGlobs(In.Exclude, "--exclude");
  if (!Exclude)
    return Exclude.takeError();
  std::vector<CompileCommand> Ordered;
  size_t Index = 0;
  for (auto &[File, Cmd] : *Commands) {
    if (!Include->empty() && !matchesAny(*Include, File))
      continue;
    if (matchesAny(*Exclude, File))
      continue;
    size_t This = Index++;
    if (In.ShardCount && This % In.ShardCount != In.ShardIndex - 1)
      continue;
    Ordered.push_back(Cmd);
  }
  return Ordered;
}

std::vector<TUFacts>
extractAll(const std::vector<CompileCommand> &Commands,
           const rules::RuleSet &Rules, const DriverInputs &In,
           unsigned &CacheHits) {
  std::vector<TUFacts> TUs(Commands.size());
  FunctionDeduplicator Dedup(TUs);
  FactsCache Cache(In.CacheDir, Rules);
  std::atomic<unsigned> Hits{0}, Done{0};
  std::mutex ProgressLock;
  auto Start = std::chrono::steady_clock::now();
  auto One = [&](size_t I) {
    if (auto Cached = Cache.lookup(Commands[I])) {
      TUs[I] = std::move(*Cached);
      ++Hits;
    } else {
      TUs[I] = extractTU(Commands[I], Rules);
      Cache.store(Commands[I], TUs[I]);
    }
    // Hundreds of header paths per TU, for every TU: worth freeing before
    // the analysis when nothing reads them.
    if (!In.KeepInputs)
      std::vector<std::pair<std::string, uint64_t>>().swap(TUs[I].Inputs);
    Dedup.add(I);
    unsigned N = ++Done;
    if (!In.Progress)
      return;
    std::lock_guard<std::mutex> G(ProgressLock);
    double Secs = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - Start)
                      .count();
    double Rate = Secs > 0 ? N / Secs : 0;
    double Eta = Rate > 0 ? (Commands.size() - N) / Rate : 0;
    llvm::errs() << llvm::format("\rlockwise: %u/%zu TUs, %.1f TU/s, ETA %.0fs ",
                                 N, Commands.size(), Rate, Eta);
    if (N == Commands.size())
      llvm::errs() << "\n";
  };
  unsigned Jobs =
      In.Jobs ? In.Jobs : llvm::hardware_concurrency().compute_thread_count();
  if (Jobs <= 1 || Commands.size() <= 1) {
    for (size_t I = 0; I < Commands.size(); ++I)
      One(I);
  } else {
    llvm::DefaultThreadPool Pool(llvm::hardware_concurrency(Jobs));
    for (size_t I = 0; I < Commands.size(); ++I)
      Pool.async([&, I] { One(I); });
    Pool.wait();
  }
  Dedup.compact();
  CacheHits = Hits;
  return TUs;
}

llvm::Expected<AnalysedProgram> analyseFacts(std::vector<TUFacts> TUs,
                                             rules::RuleSet Rules,
                                             const AnalysisOptions &Options) {
  AnalysedProgram Out;
  Out.Rules = std::move(Rules);
  Out.Stats.TranslationUnits = TUs.size();
  for (const TUFacts &TU : TUs)
    if (TU.Failed) {
      ++Out.Stats.Failed;
      for (const std::string &E : TU.Errors)
        Out.TUErrors.push_back(E);
    }
  Out.Prog = std::make_unique<Program>(std::move(TUs));
  Out.NameWarnings = unknownNameWarnings(*Out.Prog, Out.Rules);
  if (Options.Debug.Out && !Options.Debug.CallbacksOf.empty())
    Out.Prog->callbackFlags().dump(*Options.Debug.Out, Options.Debug.CallbacksOf);
  AnalysisOptions Freeing = Options;
  Freeing.Finished = [&](const std::string &Key) {
    if (Options.Finished)
      Options.Finished(Key);
    Out.Prog->releaseBody(Key);
  };
  Out.Checks = createCheckers();
  auto Result = analyzeProgram(*Out.Prog, Out.Rules, Freeing,
                               dataflowSubscribers(Out.Checks));
  if (!Result)
    return Result.takeError();
  Out.Result = std::move(*Result);
  Out.Stats.Functions = Out.Result.Functions;
  Out.Stats.Incomplete = Out.Result.Incomplete.size();
  return Out;
}

std::vector<std::string> unknownNameWarnings(const Program &P,
                                             const rules::RuleSet &Rules) {
  std::set<std::string> Locks, Functions;
  for (const FunctionFacts *F : P.functions()) {
    Functions.insert(F->Name);
    for (const Block &B : F->Blocks)
      for (const Event &E : B.Events) {
        if (!E.Name.empty())
          Functions.insert(E.Name);
        std::string C = P.className(E.Lock);
        if (!C.empty())
          Locks.insert(C);
      }
  }
  std::vector<std::string> Out;
  auto Warn = [&](const rules::SourcePos &Pos, const std::string &Msg) {
    if (llvm::StringRef(Pos.File).starts_with("<builtin>"))
      return;
    rules::Diagnostic D{rules::Diagnostic::Warning, Pos, Msg};
    Out.push_back(D.str());
  };
  auto Lock = [&](const std::string &Name, const rules::SourcePos &Pos) {
    if (!Locks.count(Rules.canonical(Name)))
      Warn(Pos, "unknown lock '" + Name + "': nothing in the analysed program takes it");
  };
  auto Function = [&](const std::string &Name, const rules::SourcePos &Pos) {
    if (Name.find_first_of("*?[") != std::string::npos)
      return; // a glob
    if (!Functions.count(Name))
      Warn(Pos, "unknown function '" + Name + "': the analysed program neither defines nor calls it");
  };
  for (const rules::Hierarchy &H : Rules.Hierarchies)
    for (const std::string &L : H.Order)
      Lock(L, H.Pos);
  for (const rules::GuardedRule &G : Rules.Guarded)
    Lock(G.By, G.Pos);
  for (const rules::RequiresRule &R : Rules.Requires) {
    Function(R.Function, R.Pos);
    for (const std::string &L : R.Held)
      Lock(L, R.Pos);
  }
  for (const rules::ForbiddenWhileHeldRule &F : Rules.ForbiddenWhileHeld) {
    Lock(F.Lock, F.Pos);
    for (const std::string &C : F.Calls)
      Function(C, F.Pos);
  }
  for (const rules::HeldContinuouslyRule &H : Rules.HeldContinuously) {
    Lock(H.Lock, H.Pos);
    Function(H.From, H.Pos);
    Function(H.To, H.Pos);
  }
  return Out;
}

std::vector<Finding> findingsOf(const AnalysedProgram &A,
                                const AnalysedProgram *Baseline) {
  LockGraph Graph(A.Result);
  CheckContext Ctx{*A.Prog, A.Result, Graph, A.Rules,
                   Baseline ? &Baseline->Checks : nullptr};
  FindingCollector Collector;
  for (const auto &C : A.Checks)
    C->run(Ctx, Collector);
  return std::move(Collector.Findings);
}

llvm::Expected<AnalysedProgram> analyse(DriverInputs &In,
                                        std::vector<std::string> &Warnings) {
  auto Start = std::chrono::steady_clock::now();
  auto Rules = loadRules(In.RuleFiles, Warnings);
  if (!Rules)
    return Rules.takeError();
  auto Commands = selectCommands(In);
  if (!Commands)
    return Commands.takeError();
  unsigned Hits = 0;
  std::vector<TUFacts> TUs = extractAll(*Commands, *Rules, In, Hits);
  auto Analysed = analyseFacts(std::move(TUs), std::move(*Rules), In.Analysis);
  if (!Analysed)
    return Analysed.takeError();
  AnalysedProgram Out = std::move(*Analysed);
  Out.CacheHits = Hits;
  Out.Stats.Seconds = std::chrono::duration<double>(
                          std::chrono::steady_clock::now() - Start)
                          .count();
  return Out;
}

} // namespace lockwise
