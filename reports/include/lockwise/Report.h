//===- Report.h - Rendering findings in the output formats ----------------===//
//
// Only reports/ renders findings.  A writer turns a whole report into one
// format; each format lives in its own file and registers itself under its
// name, so adding a format touches nothing else.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_REPORT_H
#define LOCKWISE_REPORT_H

#include "lockwise/Finding.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace lockwise {

/// Everything a report shows.
struct ReportInput {
  std::vector<Finding> Findings;
  RunStats Stats;
  std::string ToolVersion;
};

/// Renders a report in one format.  Writers render normalizedFindings(), so
/// the same findings give byte-identical output in any input order.
class ReportWriter {
public:
  virtual ~ReportWriter();
  virtual void write(const ReportInput &Input, llvm::raw_ostream &OS) const = 0;
};

/// The writer registered as Format ("text", "json", ...), or an error that
/// lists the known formats.
llvm::Expected<std::unique_ptr<ReportWriter>>
createWriter(llvm::StringRef Format);

/// The registered format names, sorted (for --help and error messages).
std::vector<std::string> writerFormats();

/// createWriter(Format) and write; an error only for an unknown format.
llvm::Error writeReport(llvm::StringRef Format, const ReportInput &Input,
                        llvm::raw_ostream &OS);

/// The findings as every writer shows them: empty fingerprints computed,
/// sorted by findingLess(), exact duplicates removed.
std::vector<Finding> normalizedFindings(std::vector<Finding> Findings);

/// Reads a report in the "json" format (ours or the runtime's).  Unknown keys
/// are ignored; "findings" is required, and in each finding "check",
/// "severity", "message", "file" and "line".  Fingerprints are kept as read.
llvm::Expected<ReportInput> readJsonReport(llvm::StringRef Text);

} // namespace lockwise

#endif
