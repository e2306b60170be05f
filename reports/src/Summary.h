//===- Summary.h - Findings and locations in words ------------------------===//
#ifndef LOCKWISE_REPORTS_SUMMARY_H
#define LOCKWISE_REPORTS_SUMMARY_H

#include "lockwise/Finding.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace lockwise {

/// "1 error", "2 warnings".
std::string countOf(unsigned N, llvm::StringRef Noun);

/// "file:line:col", leaving out what is unknown (as the text format does);
/// empty when File is.
std::string formatLocation(llvm::StringRef File, unsigned Line,
                           unsigned Column);

/// Where a finding points: its own location, or for a finding without a
/// file (a runtime one) the first witness step with a file, its innermost
/// known frame.  A finding with neither gives an empty File.
struct Place {
  llvm::StringRef File;
  unsigned Line = 0;
  unsigned Column = 0;
};
Place placeOf(const Finding &F);

/// "3 findings (1 error, 2 warnings)", or "no findings".
std::string findingCounts(const std::vector<Finding> &Findings);

} // namespace lockwise

#endif
