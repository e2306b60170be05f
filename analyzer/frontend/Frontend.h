//===- Frontend.h - Clang LibTooling front end: one TU -> TUFacts ---------===//
#ifndef LOCKWISE_FRONTEND_FRONTEND_H
#define LOCKWISE_FRONTEND_FRONTEND_H

#include "facts/Facts.h"
#include "lockwise/Rules.h"

#include "clang/Tooling/CompilationDatabase.h"

#include <map>
#include <string>

namespace lockwise {

/// Parses one compile command and extracts the facts of every function
/// defined in its main file plus the header functions they call.  Never
/// throws or exits: a TU that does not parse yields what parsed, with
/// Failed set and the errors recorded.  Overlay maps absolute paths to
/// contents that replace the files on disk (a patch under review).
TUFacts extractTU(const clang::tooling::CompileCommand &Cmd,
                  const rules::RuleSet &Rules,
                  const std::map<std::string, std::string> *Overlay = nullptr);

/// Removes flags Clang cannot take and adds the ones analysis needs
/// (-fsyntax-only, no warnings).  Exposed for the syntax-only reference in
/// scripts/bench, so both sides parse with the same flags.
std::vector<std::string> adjustCommandLine(std::vector<std::string> Args);

} // namespace lockwise

#endif
