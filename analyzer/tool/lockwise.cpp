//===- lockwise.cpp - The lockwise command line ---------------------------===//
//
//   lockwise check -p DB [--rules FILE]... [--format F] [-o FILE] [--jobs N]
//                  [--verify] [FILE...] [-- COMPILER FLAGS]
//   lockwise graph -p DB [--rules FILE]... [--format json|dot] [--around L
//                  --depth N] [FILE...]
//
// Exit codes (DESIGN.md): 0 no findings, 1 findings, 2 bad input, 3 some
// translation unit could not be analysed.
//
//===----------------------------------------------------------------------===//
#include "checks/Checker.h"
#include "graph/LockGraph.h"
#include "lockwise/Report.h"
#include "lockwise/Verify.h"
#include "tool/Driver.h"

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

cl::OptionCategory Category("lockwise options");

cl::opt<std::string> CompileDb("p", cl::desc("Compile database (file or directory)"),
                               cl::value_desc("path"), cl::sub(CheckCmd),
                               cl::sub(GraphCmd), cl::cat(Category));
cl::list<std::string> RuleFiles("rules", cl::desc("Rule file (repeatable)"),
                                cl::value_desc("file"), cl::sub(CheckCmd),
                                cl::sub(GraphCmd), cl::cat(Category));
cl::opt<std::string> Format("format", cl::desc("Output format"),
                            cl::init(""), cl::sub(CheckCmd), cl::sub(GraphCmd),
                            cl::cat(Category));
cl::opt<std::string> OutputFile("o", cl::desc("Write the report to this file"),
                                cl::value_desc("file"), cl::sub(CheckCmd),
                                cl::sub(GraphCmd), cl::cat(Category));
cl::opt<unsigned> Jobs("jobs", cl::desc("Translation units parsed in parallel"),
                       cl::init(1), cl::sub(CheckCmd), cl::sub(GraphCmd),
                       cl::cat(Category));
cl::alias JobsShort("j", cl::aliasopt(Jobs));
cl::opt<bool> Verify("verify",
                     cl::desc("Check findings against expected-* comments in "
                              "the input files"),
                     cl::sub(CheckCmd), cl::cat(Category));
cl::opt<std::string> Around("around", cl::desc("Only locks near this one"),
                            cl::sub(GraphCmd), cl::cat(Category));
cl::opt<unsigned> Depth("depth", cl::desc("Edges from --around"), cl::init(1),
                        cl::sub(GraphCmd), cl::cat(Category));
cl::list<std::string> Files(cl::Positional, cl::desc("[file...]"),
                            cl::sub(CheckCmd), cl::sub(GraphCmd));

int fail(const Twine &Msg, int Code = BadInput) {
  WithColor::error(errs(), "lockwise") << Msg << "\n";
  return Code;
}

/// Opens -o or stdout.
std::unique_ptr<raw_fd_ostream> openOutput(std::error_code &EC) {
  std::string Path = OutputFile.empty() ? "-" : OutputFile.getValue();
  return std::make_unique<raw_fd_ostream>(Path, EC, sys::fs::OF_Text);
}

Expected<AnalysedProgram> runAnalysis(
    std::unique_ptr<clang::tooling::CompilationDatabase> FixedDb) {
  DriverInputs In;
  In.CompileDbPath = CompileDb;
  In.RuleFiles.assign(RuleFiles.begin(), RuleFiles.end());
  In.Files.assign(Files.begin(), Files.end());
  In.Jobs = Jobs;
  In.FixedDb = std::move(FixedDb);
  std::vector<std::string> Warnings;
  auto Result = analyse(In, Warnings);
  for (const std::string &W : Warnings)
    errs() << W << "\n";
  if (Result)
    for (const std::string &E : Result->TUErrors)
      errs() << E << "\n";
  return Result;
}

int runCheck(std::unique_ptr<clang::tooling::CompilationDatabase> FixedDb) {
  std::string Fmt = Format.empty() ? "text" : Format.getValue();
  if (auto W = createWriter(Fmt); !W)
    return fail(toString(W.takeError()));
  auto A = runAnalysis(std::move(FixedDb));
  if (!A)
    return fail(toString(A.takeError()));

  LockGraph Graph(A->Result);
  CheckContext Ctx{*A->Prog, A->Result, Graph, A->Rules};
  FindingCollector Collector;
  for (const auto &C : createCheckers())
    C->run(Ctx, Collector);

  if (Verify) {
    VerifyResult V = verifyFindings(Collector.Findings,
                                    std::vector<std::string>(Files.begin(), Files.end()));
    if (!V.ok()) {
      errs() << V.str();
      return Findings;
    }
    return A->Stats.Failed ? TUFailed : NoFindings;
  }

  ReportInput Report;
  Report.Findings = std::move(Collector.Findings);
  Report.Stats = A->Stats;
  Report.ToolVersion = LOCKWISE_VERSION;
  std::error_code EC;
  auto OS = openOutput(EC);
  if (EC)
    return fail("cannot write '" + OutputFile + "': " + EC.message());
  if (Error E = writeReport(Fmt, Report, *OS))
    return fail(toString(std::move(E)));
  if (A->Stats.Failed)
    return TUFailed;
  return Report.Findings.empty() ? NoFindings : Findings;
}

int runGraph(std::unique_ptr<clang::tooling::CompilationDatabase> FixedDb) {
  std::string Fmt = Format.empty() ? "json" : Format.getValue();
  if (Fmt != "json" && Fmt != "dot")
    return fail("unknown graph format '" + Fmt + "' (known formats: dot, json)");
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
  if (Fmt == "dot")
    Graph.writeDot(*OS);
  else
    Graph.writeJson(*OS);
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
  errs() << "lockwise: give a subcommand (check, graph); see lockwise --help\n";
  return BadInput;
}
