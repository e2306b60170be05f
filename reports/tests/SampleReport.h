//===- SampleReport.h - The report the golden and HTML tests render -------===//
//
// Findings as the analyzer and the runtime produce them, on the fixture
// sources under tests/inputs/ (so that snippets and source fingerprints read
// real text), with the patch tests/inputs/pod-rework.patch for the review
// formats.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_REPORTS_TESTS_SAMPLEREPORT_H
#define LOCKWISE_REPORTS_TESTS_SAMPLEREPORT_H

#include "lockwise/Report.h"

#include <string>

namespace lockwise::test {

/// reports/tests in the source tree.
std::string testsDir();

/// reports/tests/inputs: the SourceRoot of the sample.
std::string inputsDir();

/// The sample without a Review; with WithReview, the parsed patch and a
/// reproduce command.
ReportInput sampleReport(bool WithReview);

} // namespace lockwise::test

#endif
