//===- Verify.h - Clang -verify style checking of findings ----------------===//
//
// Test inputs say what lockwise must report, in comments next to the code,
// with Clang's -verify syntax (docs/reports.md):
//
//   spin_unlock(&p2m->pod.lock); // expected-warning{{double unlock of}}
//
// verifyFindings() compares the findings with those comments and describes
// every difference in Clang's wording.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_VERIFY_H
#define LOCKWISE_VERIFY_H

#include "lockwise/Finding.h"

#include <string>
#include <vector>

namespace lockwise {

struct VerifyResult {
  /// One entry per problem, possibly several lines, e.g.
  ///   error: 'expected-warning' diagnostics expected but not seen:
  ///     File a.c Line 12: double unlock
  std::vector<std::string> Problems;

  bool ok() const { return Problems.empty(); }
  /// All problems, each ending in a newline.
  std::string str() const;
};

/// Checks Findings against the expected-* comments in Files.  Findings and
/// trace steps in other files are ignored; paths are compared by their
/// canonical real path, so relative and absolute spellings match.
VerifyResult verifyFindings(const std::vector<Finding> &Findings,
                            const std::vector<std::string> &Files);

} // namespace lockwise

#endif
