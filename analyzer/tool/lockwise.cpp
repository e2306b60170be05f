//===- lockwise.cpp - The lockwise command line ---------------------------===//
//
//   lockwise check -p DB [--rules FILE]... [--format F] [-o FILE] [--jobs N]
//                  [--verify] [FILE...] [-- COMPILER FLAGS]
//   lockwise graph -p DB [--rules FILE]... [--format json|dot] [--around L
//                  --depth N] [FILE...]
//
// Exit codes (docs/design.md): 0 no findings, 1 findings, 2 bad input, 3 some
// translation unit could not be analysed.
//
//===----------------------------------------------------------------------===//
#include "checks/Checker.h"
#include "graph/LockGraph.h"
#include "lockwise/GraphSvg.h"
#include "lockwise/Report.h"
#include "lockwise/Verify.h"
#include "tool/Driver.h"
#include "tool/FactsCache.h"
#include "tool/Query.h"
#include "tool/Review.h"
#include "tool/Suppressions.h"
#include "lockwise/MmLocksImport.h"
#include "facts/FactsIO.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/xxhash.h"
#include <chrono>

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace lockwise;

#ifndef LOCKWISE_VERSION
#define LOCKWISE_VERSION "0.0.0"
#endif

namespace {

enum ExitCode { NoFindings = 0, Findings = 1, BadInput = 2, TUFailed = 3 };

cl::SubCommand CheckCmd("check", "Check a compile database for lock bugs");
cl::SubCommand GraphCmd("graph", "Print the lock-order graph");
cl::SubCommand QueryCmd("query", "Ask the lock graph: order A B, held-at F, "
                                 "takes L, path A B");
cl::SubCommand RulesCmd("rules", "Rule-file tools: import-mm-locks HEADER");
cl::list<std::string> RulesWords(cl::Positional, cl::desc("import-mm-locks <mm-locks.h>"),
                                 cl::sub(RulesCmd));
cl::SubCommand MergeCmd("merge", "Analyse facts written by check --facts-out "
                                 "(sharded runs) as one program");

cl::OptionCategory Category("lockwise options");
cl::SubCommand ReviewCmd("review", "Report the findings a patch introduces");
cl::opt<std::string> ReviewRoot("root", cl::desc("The source tree the patch applies to"),
                                cl::value_desc("dir"), cl::sub(ReviewCmd),
                                cl::cat(Category));
cl::opt<std::string> PatchFile("patch",
                               cl::desc("git format-patch output, a mailbox "
                                        "series or a unified diff"),
                               cl::value_desc("file"), cl::sub(ReviewCmd),
                               cl::cat(Category));


cl::opt<std::string> CompileDb("p", cl::desc("Compile database (file or directory)"),
                               cl::value_desc("path"), cl::sub(CheckCmd),
                               cl::sub(GraphCmd), cl::sub(QueryCmd), cl::sub(ReviewCmd), cl::cat(Category));
cl::list<std::string> RuleFiles("rules", cl::desc("Rule file (repeatable)"),
                                cl::value_desc("file"), cl::sub(CheckCmd),
                                cl::sub(GraphCmd), cl::sub(MergeCmd),
                                cl::sub(QueryCmd), cl::sub(ReviewCmd), cl::cat(Category));
cl::opt<std::string> Format("format", cl::desc("Output format"),
                            cl::init(""), cl::sub(CheckCmd), cl::sub(GraphCmd),
                            cl::sub(MergeCmd), cl::sub(QueryCmd), cl::sub(ReviewCmd), cl::cat(Category));
cl::opt<std::string> OutputFile("o", cl::desc("Write the report to this file"),
                                cl::value_desc("file"), cl::sub(CheckCmd),
                                cl::sub(GraphCmd), cl::sub(MergeCmd),
                                cl::sub(ReviewCmd), cl::cat(Category));
cl::opt<std::string> SourceRoot("source-root",
                                cl::desc("Show paths under DIR relative to it "
                                         "(sarif, rdjson, github, mail, html)"),
                                cl::value_desc("dir"), cl::sub(CheckCmd),
                                cl::sub(MergeCmd), cl::cat(Category));
cl::opt<std::string> BaselineFile("baseline",
                                  cl::desc("Ignore findings listed in this "
                                           "baseline (counted as suppressed)"),
                                  cl::value_desc("file"), cl::sub(CheckCmd),
                                  cl::sub(MergeCmd), cl::cat(Category));
cl::opt<std::string> WriteBaseline("write-baseline",
                                   cl::desc("Write the findings' fingerprints "
                                            "as a baseline file"),
                                   cl::value_desc("file"), cl::sub(CheckCmd),
                                   cl::sub(MergeCmd), cl::cat(Category));
cl::opt<std::string> CacheDir("cache-dir",
                              cl::desc("Per-TU facts cache (default "
                                       "~/.cache/lockwise/facts)"),
                              cl::value_desc("dir"), cl::sub(CheckCmd),
                              cl::sub(GraphCmd), cl::sub(QueryCmd), cl::sub(ReviewCmd), cl::cat(Category));
cl::opt<bool> NoCache("no-cache", cl::desc("Parse every TU, ignore the cache"),
                      cl::sub(CheckCmd), cl::sub(GraphCmd), cl::sub(QueryCmd), cl::sub(ReviewCmd), cl::cat(Category));
cl::opt<std::string> Shard("shard", cl::desc("Only TUs I of N, e.g. 2/8"),
                           cl::value_desc("I/N"), cl::sub(CheckCmd),
                           cl::cat(Category));
cl::opt<std::string> FactsOut("facts-out",
                              cl::desc("Write per-TU facts here and stop "
                                       "(merge them with 'lockwise merge')"),
                              cl::value_desc("dir"), cl::sub(CheckCmd),
                              cl::cat(Category));
cl::list<std::string> IncludeGlobs("include", cl::desc("Only TUs matching glob"),
                                   cl::value_desc("glob"), cl::sub(CheckCmd),
                                   cl::sub(GraphCmd), cl::sub(ReviewCmd), cl::cat(Category));
cl::list<std::string> ExcludeGlobs("exclude", cl::desc("Skip TUs matching glob"),
                                   cl::value_desc("glob"), cl::sub(CheckCmd),
                                   cl::sub(GraphCmd), cl::sub(ReviewCmd), cl::cat(Category));
cl::opt<bool> Progress("progress",
                       cl::desc("Progress line on stderr (default: when stderr "
                                "is a terminal)"),
                       cl::sub(CheckCmd), cl::sub(GraphCmd), cl::cat(Category));
cl::list<std::string> QueryWords(cl::Positional, cl::desc("<query words>"),
                                 cl::sub(QueryCmd));
cl::list<std::string> FactDirs(cl::Positional, cl::desc("<facts dir>..."),
                               cl::sub(MergeCmd));
cl::opt<unsigned> Jobs("jobs", cl::desc("Translation units parsed in parallel"),
                       cl::init(1), cl::sub(CheckCmd), cl::sub(GraphCmd),
                       cl::sub(QueryCmd), cl::sub(ReviewCmd), cl::cat(Category));
cl::alias JobsShort("j", cl::aliasopt(Jobs));
cl::opt<bool> Verify("verify",
                     cl::desc("Check findings against expected-* comments in "
                              "the input files"),
                     cl::sub(CheckCmd), cl::cat(Category));
cl::opt<std::string> Around("around", cl::desc("Only locks near this one"),
                            cl::sub(GraphCmd), cl::cat(Category));
cl::opt<std::string> CompareWith("compare",
                                 cl::desc("Compare with the order edges a "
                                          "runtime report observed"),
                                 cl::value_desc("runtime.json"), cl::sub(GraphCmd),
                                 cl::cat(Category));
cl::opt<unsigned> Depth("depth", cl::desc("Edges from --around"), cl::init(1),
                        cl::sub(GraphCmd), cl::cat(Category));
// Developer aids: dumps of the dataflow on stderr.
cl::OptionCategory DebugCategory("lockwise developer options");
cl::list<std::string> DebugSummaries(
    "debug-summaries", cl::desc("Print these functions' summaries on stderr"),
    cl::value_desc("f,g"), cl::CommaSeparated, cl::sub(CheckCmd),
    cl::sub(MergeCmd), cl::sub(QueryCmd), cl::sub(GraphCmd), cl::cat(DebugCategory));
cl::opt<std::string> DebugStates(
    "debug-states", cl::desc("Print this function's path states at each block on stderr"),
    cl::value_desc("f"), cl::sub(CheckCmd), cl::sub(MergeCmd), cl::sub(QueryCmd),
    cl::sub(GraphCmd), cl::cat(DebugCategory));
cl::opt<std::string> DebugCallbacks(
    "debug-callbacks",
    cl::desc("Print the callback field groups of this struct on stderr"),
    cl::value_desc("tag"), cl::sub(CheckCmd), cl::sub(MergeCmd), cl::sub(QueryCmd),
    cl::sub(GraphCmd), cl::cat(DebugCategory));
cl::list<std::string> Files(cl::Positional, cl::desc("[file...]"),
                            cl::sub(CheckCmd), cl::sub(GraphCmd));

/// The --debug-* options, writing to stderr.
DebugOptions debugOptions() {
  DebugOptions D;
  if (DebugSummaries.empty() && DebugStates.empty() && DebugCallbacks.empty())
    return D;
  D.Out = &errs();
  D.SummariesOf.insert(DebugSummaries.begin(), DebugSummaries.end());
  D.StatesOf = DebugStates;
  D.CallbacksOf = DebugCallbacks;
  return D;
}

/// A bound reached is said, with the functions it cut short (the first
/// few; --debug-states shows one in full).
void noteIncomplete(const AnalysisResult &R) {
  if (R.Incomplete.empty())
    return;
  constexpr size_t Shown = 4;
  const std::pair<unsigned, const char *> Bounds[] = {
      {StatesPerBlock, "path states per block"},
      {BlockVisits, "block visits"},
      {FptrTargets, "targets of an indirect call"},
      {SccRounds, "rounds over a recursive component"}};
  WithColor::note(errs(), "lockwise")
      << R.Incomplete.size()
      << " function(s) reached an analysis bound (docs/design.md, \"Limits\"), "
         "so their findings may be incomplete:";
  for (auto [Bit, What] : Bounds) {
    std::vector<std::string> Names;
    for (const auto &[Key, Bits] : R.Incomplete)
      if (Bits & Bit)
        Names.push_back(functionNameOf(Key).str());
    if (Names.empty())
      continue;
    errs() << "\n  " << Names.size() << " at the bound on " << What << ":";
    for (size_t I = 0; I < Names.size() && I < Shown; ++I)
      errs() << " " << Names[I];
    if (Names.size() > Shown)
      errs() << " ...";
  }
  errs() << "\n";
}

int fail(const Twine &Msg, int Code = BadInput) {
  WithColor::error(errs(), "lockwise") << Msg << "\n";
  return Code;
}

/// Opens -o or stdout.
std::unique_ptr<raw_fd_ostream> openOutput(std::error_code &EC) {
  std::string Path = OutputFile.empty() ? "-" : OutputFile.getValue();
  return std::make_unique<raw_fd_ostream>(Path, EC, sys::fs::OF_Text);
}

Expected<DriverInputs>
driverInputs(std::unique_ptr<clang::tooling::CompilationDatabase> FixedDb) {
  DriverInputs In;
  In.CompileDbPath = CompileDb;
  In.RuleFiles.assign(RuleFiles.begin(), RuleFiles.end());
  In.Files.assign(Files.begin(), Files.end());
  In.Jobs = Jobs;
  In.FixedDb = std::move(FixedDb);
  In.CacheDir = NoCache ? "" : CacheDir.empty() ? FactsCache::defaultDir()
                                                 : CacheDir.getValue();
  In.Include.assign(IncludeGlobs.begin(), IncludeGlobs.end());
  In.Exclude.assign(ExcludeGlobs.begin(), ExcludeGlobs.end());
  In.Progress = Progress.getNumOccurrences()
                    ? Progress.getValue()
                    : sys::Process::StandardErrIsDisplayed();
  if (!Shard.empty()) {
    auto [I, N] = StringRef(Shard).split('/');
    if (I.getAsInteger(10, In.ShardIndex) || N.getAsInteger(10, In.ShardCount) ||
        In.ShardCount == 0 || In.ShardIndex == 0 || In.ShardIndex > In.ShardCount)
      return createStringError(std::errc::invalid_argument,
                               "--shard takes I/N with 1 <= I <= N, got '%s'",
                               Shard.c_str());
  }
  return In;
}

Expected<AnalysedProgram>
runAnalysis(std::unique_ptr<clang::tooling::CompilationDatabase> FixedDb,
            const AnalysisOptions &Options = {}) {
  auto Inputs = driverInputs(std::move(FixedDb));
  if (!Inputs)
    return Inputs.takeError();
  DriverInputs &In = *Inputs;
  In.Analysis = Options;
  In.Analysis.Debug = debugOptions();
  std::vector<std::string> Warnings;
  auto Result = analyse(In, Warnings);
  for (const std::string &W : Warnings)
    errs() << W << "\n";
  if (Result) {
    for (const std::string &E : Result->TUErrors)
      errs() << E << "\n";
    noteIncomplete(Result->Result);
  }
  return Result;
}

/// check --facts-out: extract this shard's facts and write one file per TU.
int writeFacts(std::unique_ptr<clang::tooling::CompilationDatabase> FixedDb) {
  auto Inputs = driverInputs(std::move(FixedDb));
  if (!Inputs)
    return fail(toString(Inputs.takeError()));
  std::vector<std::string> Warnings;
  auto Rules = loadRules(Inputs->RuleFiles, Warnings);
  for (const std::string &W : Warnings)
    errs() << W << "\n";
  if (!Rules)
    return fail(toString(Rules.takeError()));
  auto Commands = selectCommands(*Inputs);
  if (!Commands)
    return fail(toString(Commands.takeError()));
  if (std::error_code EC = sys::fs::create_directories(FactsOut))
    return fail("cannot create '" + FactsOut + "': " + EC.message());
  unsigned Hits = 0;
  std::vector<TUFacts> TUs = extractAll(*Commands, *Rules, *Inputs, Hits);
  bool AnyFailed = false;
  for (const TUFacts &TU : TUs) {
    AnyFailed |= TU.Failed;
    for (const std::string &E : TU.Errors)
      errs() << E << "\n";
    std::string Name = formatv("{0:x16}.facts.json", xxh3_64bits(TU.File)).str();
    std::error_code EC;
    raw_fd_ostream OS(FactsOut + "/" + Name, EC);
    if (EC)
      return fail("cannot write facts: " + EC.message());
    OS << factsToJson(TU);
  }
  errs() << "lockwise: wrote facts of " << TUs.size() << " translation units to "
         << FactsOut << "\n";
  return AnyFailed ? TUFailed : NoFindings;
}

/// Runs the checkers and writes the report; the exit code says what was
/// found.
int reportFindings(AnalysedProgram &A, const std::string &Fmt);

int runCheck(std::unique_ptr<clang::tooling::CompilationDatabase> FixedDb) {
  std::string Fmt = Format.empty() ? "text" : Format.getValue();
  if (auto W = createWriter(Fmt); !W)
    return fail(toString(W.takeError()));
  if (!FactsOut.empty())
    return writeFacts(std::move(FixedDb));
  auto A = runAnalysis(std::move(FixedDb));
  if (!A)
    return fail(toString(A.takeError()));
  return reportFindings(*A, Fmt);
}

int runMerge() {
  std::string Fmt = Format.empty() ? "text" : Format.getValue();
  if (auto W = createWriter(Fmt); !W)
    return fail(toString(W.takeError()));
  if (FactDirs.empty())
    return fail("merge needs one or more directories written by check --facts-out");
  std::vector<std::string> Warnings;
  auto Rules = loadRules(std::vector<std::string>(RuleFiles.begin(), RuleFiles.end()),
                         Warnings);
  for (const std::string &W : Warnings)
    errs() << W << "\n";
  if (!Rules)
    return fail(toString(Rules.takeError()));
  std::vector<TUFacts> TUs;
  for (const std::string &Dir : FactDirs) {
    std::error_code EC;
    std::vector<std::string> Paths;
    for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
         It.increment(EC))
      if (StringRef(It->path()).ends_with(".facts.json"))
        Paths.push_back(It->path());
    if (EC)
      return fail("cannot read '" + Dir + "': " + EC.message());
    std::sort(Paths.begin(), Paths.end());
    for (const std::string &P : Paths) {
      auto Buf = MemoryBuffer::getFile(P);
      if (!Buf)
        return fail("cannot read '" + P + "': " + Buf.getError().message());
      auto TU = factsFromJson((*Buf)->getBuffer().str());
      if (!TU)
        return fail(P + ": " + toString(TU.takeError()));
      TUs.push_back(std::move(*TU));
    }
  }
  auto Start = std::chrono::steady_clock::now();
  AnalysisOptions Options;
  Options.Debug = debugOptions();
  auto Analysed = analyseFacts(std::move(TUs), std::move(*Rules), Options);
  if (!Analysed)
    return fail(toString(Analysed.takeError()));
  AnalysedProgram &A = *Analysed;
  A.Stats.Seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
  for (const std::string &E : A.TUErrors)
    errs() << E << "\n";
  return reportFindings(A, Fmt);
}

int reportFindings(AnalysedProgram &A, const std::string &Fmt) {
  if (!Verify)
    for (const std::string &W : A.NameWarnings)
      errs() << W << "\n";
  LockGraph Graph(A.Result);
  std::vector<Finding> Found = findingsOf(A);

  if (Verify) {
    VerifyResult V = verifyFindings(Found,
                                    std::vector<std::string>(Files.begin(), Files.end()));
    if (!V.ok()) {
      errs() << V.str();
      return Findings;
    }
    return A.Stats.Failed ? TUFailed : NoFindings;
  }

  if (!WriteBaseline.empty())
    if (Error E = writeBaseline(Found, WriteBaseline))
      return fail(toString(std::move(E)));
  std::set<std::string> Baseline;
  if (!BaselineFile.empty()) {
    auto B = readBaseline(BaselineFile);
    if (!B)
      return fail(toString(B.takeError()));
    Baseline = std::move(*B);
  }
  A.Stats.Suppressed = suppress(Found, Baseline, *A.Prog);

  ReportInput Report;
  Report.Findings = std::move(Found);
  Report.Stats = A.Stats;
  Report.ToolVersion = LOCKWISE_VERSION;
  Report.SourceRoot = SourceRoot;
  for (const auto &C : createCheckers())
    Report.Rules.push_back({C->id(), C->summary(), C->summary(),
                            "docs/checks/" + std::string(C->id()) + ".md"});
  if (Fmt == "html") {
    raw_string_ostream Dot(Report.GraphDot);
    Graph.writeDot(Dot);
  }
  std::error_code EC;
  auto OS = openOutput(EC);
  if (EC)
    return fail("cannot write '" + OutputFile + "': " + EC.message());
  if (Error E = writeReport(Fmt, Report, *OS))
    return fail(toString(std::move(E)));
  if (A.Stats.Failed)
    return TUFailed;
  return Report.Findings.empty() ? NoFindings : Findings;
}

using EdgeSet = std::set<std::pair<std::string, std::string>>;

/// The "observed_edges" of a runtime report (lockwise-scenario,
/// LOCKWISE_REPORT=FILE).
Expected<EdgeSet> readObservedEdges(const std::string &Path) {
  auto Buf = MemoryBuffer::getFile(Path);
  if (!Buf)
    return createStringError(Buf.getError(), "cannot read '%s': %s",
                             Path.c_str(), Buf.getError().message().c_str());
  auto Doc = json::parse((*Buf)->getBuffer());
  if (!Doc)
    return createStringError(std::errc::invalid_argument, "'%s' is not JSON: %s",
                             Path.c_str(), toString(Doc.takeError()).c_str());
  const json::Object *O = Doc->getAsObject();
  const json::Array *Edges = O ? O->getArray("observed_edges") : nullptr;
  if (!Edges)
    return createStringError(std::errc::invalid_argument,
                             "'%s' has no \"observed_edges\" (a runtime report?)",
                             Path.c_str());
  EdgeSet Out;
  for (const json::Value &V : *Edges)
    if (const json::Object *E = V.getAsObject())
      if (auto From = E->getString("from"))
        if (auto To = E->getString("to"))
          Out.insert({From->str(), To->str()});
  return Out;
}

/// Static against dynamic: edges the run saw that the analysis missed (its
/// gaps), edges the analysis has that the run never took, and the common
/// ones.
void writeComparison(const LockGraph &G, const EdgeSet &Observed, bool Json,
                     raw_ostream &OS) {
  EdgeSet Static;
  for (auto &[Key, E] : G.edges())
    Static.insert(Key);
  EdgeSet RuntimeOnly, StaticOnly, Both;
  for (const auto &E : Observed)
    (Static.count(E) ? Both : RuntimeOnly).insert(E);
  for (const auto &E : Static)
    if (!Observed.count(E))
      StaticOnly.insert(E);
  if (Json) {
    auto Arr = [](const EdgeSet &S) {
      json::Array A;
      for (const auto &[F, T] : S)
        A.push_back(json::Object{{"from", F}, {"to", T}});
      return A;
    };
    OS << formatv("{0:2}", json::Value(json::Object{
                               {"runtime_only", Arr(RuntimeOnly)},
                               {"static_only", Arr(StaticOnly)},
                               {"both", Arr(Both)}}))
       << "\n";
    return;
  }
  auto List = [&](const char *Title, const EdgeSet &S) {
    OS << Title << " (" << S.size() << "):\n";
    for (const auto &[F, T] : S)
      OS << "  '" << F << "' -> '" << T << "'\n";
  };
  List("seen at run time, missing from the static graph (analyzer gaps)",
       RuntimeOnly);
  List("in the static graph, never observed at run time", StaticOnly);
  List("in both", Both);
}

int runGraph(std::unique_ptr<clang::tooling::CompilationDatabase> FixedDb) {
  std::string Fmt =
      Format.empty() ? (CompareWith.empty() ? "json" : "text") : Format.getValue();
  if (!CompareWith.empty() ? (Fmt != "json" && Fmt != "text")
                           : (Fmt != "json" && Fmt != "dot" && Fmt != "svg"))
    return fail("unknown graph format '" + Fmt + "' (known formats: " +
                (CompareWith.empty() ? "dot, json, svg" : "json, text with --compare") +
                ")");
  auto A = runAnalysis(std::move(FixedDb));
  if (!A)
    return fail(toString(A.takeError()));
  LockGraph Graph(A->Result);
  if (!Around.empty()) {
    if (!Graph.locks().count(Around))
      return fail("no lock named '" + Around + "' in the graph");
    Graph = Graph.around(Around, Depth);
  }
  std::error_code EC;
  auto OS = openOutput(EC);
  if (EC)
    return fail("cannot write '" + OutputFile + "': " + EC.message());
  if (!CompareWith.empty()) {
    auto Observed = readObservedEdges(CompareWith);
    if (!Observed)
      return fail(toString(Observed.takeError()));
    writeComparison(Graph, *Observed, Fmt == "json", *OS);
    return A->Stats.Failed ? TUFailed : NoFindings;
  }
  if (Fmt == "dot") {
    Graph.writeDot(*OS);
  } else if (Fmt == "svg") {
    std::string Dot;
    raw_string_ostream DotOS(Dot);
    Graph.writeDot(DotOS);
    auto Svg = renderDotToSvg(DotOS.str());
    if (!Svg)
      return fail(toString(Svg.takeError()));
    *OS << *Svg;
  } else {
    Graph.writeJson(*OS);
  }
  return A->Stats.Failed ? TUFailed : NoFindings;
}

int runReviewCmd(int Argc, const char **Argv) {
  std::string Fmt = Format.empty() ? "mail" : Format.getValue();
  if (auto W = createWriter(Fmt); !W)
    return fail(toString(W.takeError()));
  if (ReviewRoot.empty() || PatchFile.empty() || CompileDb.empty())
    return fail("review needs --root DIR, -p COMPILE_DB and --patch FILE");
  auto Patch = MemoryBuffer::getFile(PatchFile);
  if (!Patch)
    return fail("cannot read '" + PatchFile + "': " + Patch.getError().message());
  auto Inputs = driverInputs(nullptr);
  if (!Inputs)
    return fail(toString(Inputs.takeError()));
  std::vector<std::string> Warnings;
  SmallString<256> Root(ReviewRoot);
  sys::fs::make_absolute(Root);
  auto R = reviewPatch(*Inputs, std::string(Root), (*Patch)->getBuffer(), Warnings);
  for (const std::string &W : Warnings)
    errs() << W << "\n";
  if (!R)
    return fail(toString(R.takeError()));
  for (const std::string &E : R->TUErrors)
    errs() << E << "\n";
  ReportInput Report;
  Report.Findings = std::move(R->New);
  Report.Stats = R->Stats;
  Report.ToolVersion = LOCKWISE_VERSION;
  Report.SourceRoot = std::string(Root);
  for (const auto &C : createCheckers())
    Report.Rules.push_back({C->id(), C->summary(), C->summary(),
                            "docs/checks/" + std::string(C->id()) + ".md"});
  Report.Review = std::move(R->Context);
  std::string Repro = "lockwise";
  for (int I = 1; I < Argc; ++I)
    Repro += " " + std::string(Argv[I]);
  Report.Review->Reproduce = Repro;
  std::error_code EC;
  auto OS = openOutput(EC);
  if (EC)
    return fail("cannot write '" + OutputFile + "': " + EC.message());
  if (Error E = writeReport(Fmt, Report, *OS))
    return fail(toString(std::move(E)));
  errs() << "lockwise: " << R->Reparsed << " translation unit"
         << (R->Reparsed == 1 ? "" : "s") << " re-parsed with the patch, "
         << Report.Findings.size() << " new finding"
         << (Report.Findings.size() == 1 ? "" : "s") << "\n";
  if (R->Stats.Failed)
    return TUFailed;
  return Report.Findings.empty() ? NoFindings : Findings;
}

int runRulesCmd() {
  if (RulesWords.size() != 2 || RulesWords[0] != "import-mm-locks")
    return fail("usage: lockwise rules import-mm-locks <mm-locks.h>");
  auto Buf = MemoryBuffer::getFile(RulesWords[1]);
  if (!Buf)
    return fail("cannot read '" + RulesWords[1] + "': " + Buf.getError().message());
  std::string Out;
  std::vector<rules::Diagnostic> Diags;
  bool Ok = rules::importMmLocks((*Buf)->getBuffer(), RulesWords[1], Out, Diags);
  for (const rules::Diagnostic &D : Diags)
    errs() << D.str() << "\n";
  if (!Ok)
    return BadInput;
  outs() << Out;
  return NoFindings;
}

int runQueryCmd(std::unique_ptr<clang::tooling::CompilationDatabase> FixedDb) {
  std::string Fmt = Format.empty() ? "text" : Format.getValue();
  if (Fmt != "text" && Fmt != "json")
    return fail("unknown query format '" + Fmt + "' (known formats: json, text)");
  if (CompileDb.empty() && !FixedDb)
    return fail("query needs -p <compile database>");
  AnalysisOptions Options;
  Options.QueryTables = true;
  auto A = runAnalysis(std::move(FixedDb), Options);
  if (!A)
    return fail(toString(A.takeError()));
  LockGraph Graph(A->Result);
  auto Answer = runQuery(std::vector<std::string>(QueryWords.begin(), QueryWords.end()),
                         *A->Prog, A->Result, Graph);
  if (!Answer)
    return fail(toString(Answer.takeError()));
  if (Fmt == "json")
    outs() << formatv("{0:2}", *Answer) << "\n";
  else
    printQueryText(*Answer, outs());
  return A->Stats.Failed ? TUFailed : NoFindings;
}

} // namespace

int main(int Argc, const char **Argv) {
  InitLLVM X(Argc, Argv);
  // Flags after "--" form a fixed compilation database, as in clang tools.
  std::string FixedError;
  std::unique_ptr<clang::tooling::CompilationDatabase> FixedDb =
      clang::tooling::FixedCompilationDatabase::loadFromCommandLine(
          Argc, Argv, FixedError);
  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter([](raw_ostream &OS) {
    OS << "lockwise " << LOCKWISE_VERSION << "\n";
  });
  if (!cl::ParseCommandLineOptions(Argc, Argv,
                                   "lockwise: lock-order and concurrency "
                                   "analysis for Xen and Linux\n",
                                   &errs()))
    return BadInput;
  if (CheckCmd)
    return runCheck(std::move(FixedDb));
  if (GraphCmd)
    return runGraph(std::move(FixedDb));
  if (MergeCmd)
    return runMerge();
  if (RulesCmd)
    return runRulesCmd();
  if (ReviewCmd)
    return runReviewCmd(Argc, Argv);
  if (QueryCmd)
    return runQueryCmd(std::move(FixedDb));
  errs() << "lockwise: give a subcommand (check, graph); see lockwise --help\n";
  return BadInput;
}
