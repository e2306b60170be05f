//===- Review.h - Findings a patch introduces -----------------------------===//
#ifndef LOCKWISE_TOOL_REVIEW_H
#define LOCKWISE_TOOL_REVIEW_H

#include "lockwise/Finding.h"
#include "lockwise/Report.h"
#include "tool/Driver.h"

#include "llvm/Support/Error.h"

namespace lockwise {

struct ReviewResult {
  ReviewContext Context;
  /// Findings of the patched program that the unpatched one does not have
  /// (by fingerprint: check, function, locks, message without numbers).
  std::vector<Finding> New;
  RunStats Stats;
  std::vector<std::string> TUErrors;
  /// Translation units re-parsed with the patch applied.
  unsigned Reparsed = 0;
};

/// Applies the patch (git format-patch output, a mailbox series or a plain
/// diff, paths relative to Root) in memory, re-parses only the TUs whose
/// files it touches (their own file or a header they include), reuses every
/// other TU's facts, and compares the findings before and after.
llvm::Expected<ReviewResult> reviewPatch(DriverInputs &In, const std::string &Root,
                                         llvm::StringRef PatchText,
                                         std::vector<std::string> &Warnings);

} // namespace lockwise

#endif
