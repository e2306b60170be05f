//===- Suppressions.h - Baselines and in-source suppressions --------------===//
#ifndef LOCKWISE_TOOL_SUPPRESSIONS_H
#define LOCKWISE_TOOL_SUPPRESSIONS_H

#include "engine/Program.h"
#include "lockwise/Finding.h"

#include "llvm/Support/Error.h"

#include <set>
#include <string>
#include <vector>

namespace lockwise {

/// Writes the fingerprints of Findings as a baseline file.
llvm::Error writeBaseline(const std::vector<Finding> &Findings,
                          const std::string &Path);
llvm::Expected<std::set<std::string>> readBaseline(const std::string &Path);

/// Removes findings that a baseline lists or that the source suppresses
/// with "lockwise: ignore[check-id] reason" (in a comment on the finding's
/// line or the line above it, or above or on the line of the function it is
/// in); returns how many were removed.
unsigned suppress(std::vector<Finding> &Findings,
                  const std::set<std::string> &Baseline, const Program &P);

} // namespace lockwise

#endif
