//===- Driver.h - From command-line inputs to an analysed program ---------===//
#ifndef LOCKWISE_TOOL_DRIVER_H
#define LOCKWISE_TOOL_DRIVER_H

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
  /// Flags after "--" (a fixed compilation database), when given.
  std::unique_ptr<clang::tooling::CompilationDatabase> FixedDb;
};

/// A finished analysis: every TU's facts, the program and its results.
struct AnalysedProgram {
  rules::RuleSet Rules;
  std::unique_ptr<Program> Prog;
  AnalysisResult Result;
  RunStats Stats;
  std::vector<std::string> TUErrors; ///< One line per failed TU.
};

/// Loads the built-in catalogs and the rule files; errors and warnings are
/// returned as compiler-style lines (warnings in Warnings).
llvm::Expected<rules::RuleSet> loadRules(const std::vector<std::string> &Files,
                                         std::vector<std::string> &Warnings);

/// Parses every selected TU (in parallel with Jobs threads), merges the
/// facts and runs the engine.  Bad inputs (no database, a file not in it)
/// are errors; a TU that fails to parse is not.
llvm::Expected<AnalysedProgram> analyse(DriverInputs &In,
                                        std::vector<std::string> &Warnings);

} // namespace lockwise

#endif
