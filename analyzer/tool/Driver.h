//===- Driver.h - From command-line inputs to an analysed program ---------===//
#ifndef LOCKWISE_TOOL_DRIVER_H
#define LOCKWISE_TOOL_DRIVER_H

#include "checks/Checker.h"
#include "engine/Analysis.h"
#include "engine/Program.h"
#include "lockwise/Finding.h"
#include "lockwise/Rules.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lockwise {

struct DriverInputs {
  std::string CompileDbPath;                  ///< -p
  std::vector<std::string> RuleFiles;         ///< --rules
  std::vector<std::string> Files;             ///< positional
  unsigned Jobs = 1;
  /// Per-TU facts cache ("" disables it).
  std::string CacheDir;
  /// Analyse only TUs I of N (1-based), in file order: --shard I/N.
  unsigned ShardIndex = 0, ShardCount = 0;
  /// Path globs a TU's file must match (--include) / must not (--exclude).
  std::vector<std::string> Include, Exclude;
  /// A progress line on stderr (TUs done/total, rate, ETA).
  bool Progress = false;
  /// Flags after "--" (a fixed compilation database), when given.
  std::unique_ptr<clang::tooling::CompilationDatabase> FixedDb;
  /// Keep each TU's TUFacts::Inputs after caching: review reads them to
  /// find the TUs a patch touches; nothing else does.
  bool KeepInputs = false;
  AnalysisOptions Analysis;
};

/// A finished analysis: every TU's facts, the program and its results.
struct AnalysedProgram {
  rules::RuleSet Rules;
  /// The functions' blocks are freed as the analysis goes
  /// (Program::releaseBody).
  std::unique_ptr<Program> Prog;
  AnalysisResult Result;
  RunStats Stats;
  std::vector<std::string> TUErrors; ///< One line per failed TU.
  unsigned CacheHits = 0;             ///< TUs whose facts came from the cache.
  /// unknownNameWarnings(), taken while the blocks were there.
  std::vector<std::string> NameWarnings;
  /// The checks, with what those that observe the dataflow found.
  std::vector<std::unique_ptr<Checker>> Checks;
};

/// Loads the built-in catalogs and the rule files; errors and warnings are
/// returned as compiler-style lines (warnings in Warnings).  A glob that
/// does not parse is an error at its rule.
llvm::Expected<rules::RuleSet> loadRules(const std::vector<std::string> &Files,
                                         std::vector<std::string> &Warnings);

/// The TUs selected by the inputs, one command per file, in file order.
llvm::Expected<std::vector<clang::tooling::CompileCommand>>
selectCommands(DriverInputs &In);

/// Extracts (or fetches from the cache) the facts of each command, with
/// In.Jobs threads.  The result is in the commands' order.
std::vector<TUFacts>
extractAll(const std::vector<clang::tooling::CompileCommand> &Commands,
           const rules::RuleSet &Rules, const DriverInputs &In,
           unsigned &CacheHits);

/// Merges TU facts and runs the engine with every check subscribed,
/// freeing each function's blocks once it is analysed.
llvm::Expected<AnalysedProgram> analyseFacts(std::vector<TUFacts> TUs,
                                             rules::RuleSet Rules,
                                             const AnalysisOptions &Options = {});

/// Warnings, with the rule's FILE:LINE:COL, for lock names and function
/// names in the user's rule files that the analysed program never uses
/// (a typo, or a rule for code outside the database).  Reads every
/// function's blocks, so analyseFacts() calls it before they are freed.
std::vector<std::string> unknownNameWarnings(const Program &P,
                                             const rules::RuleSet &Rules);

/// Runs every registered checker over an analysed program; a review passes
/// the program before the patch as Baseline (CheckContext::Baseline).
std::vector<Finding> findingsOf(const AnalysedProgram &A,
                                const AnalysedProgram *Baseline = nullptr);

/// selectCommands + extractAll + analyseFacts.  Bad inputs (no database, a
/// file not in it) are errors; a TU that fails to parse is not.
llvm::Expected<AnalysedProgram> analyse(DriverInputs &In,
                                        std::vector<std::string> &Warnings);

} // namespace lockwise

#endif
