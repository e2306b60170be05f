//===- Report.cpp - What every writer renders -----------------------------===//

#include "lockwise/Report.h"

namespace lockwise {

ReportWriter::~ReportWriter() = default;

std::vector<Finding> normalizedFindings(std::vector<Finding> Findings) {
  // Fingerprints first, so that a finding that arrived with its fingerprint
  // and a copy without one are recognised as duplicates.
  for (Finding &F : Findings)
    if (F.Fingerprint.empty())
      F.Fingerprint = computeFingerprint(F);
  sortAndUnique(Findings);
  return Findings;
}

} // namespace lockwise
