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
#include <optional>
#include <string>
#include <vector>

namespace lockwise {

/// What a check is, for formats that describe their rules (SARIF's
/// tool.driver.rules).  The analyzer fills these from its checker registry.
struct RuleDescription {
  std::string Id;      ///< A check ID ("order-cycle").
  std::string Short;   ///< One sentence.
  std::string Full;    ///< A paragraph: what is wrong and why it matters.
  std::string HelpUri; ///< Optional.
};

/// One hunk of a unified diff.  Lines keep their ' ', '+' or '-' prefix (and
/// "\ No newline at end of file" lines their backslash).
struct PatchHunk {
  std::string File; ///< The new path ("xen/arch/x86/mm/p2m-pod.c", no "b/").
  unsigned OldStart = 0, OldLines = 0, NewStart = 0, NewLines = 0;
  std::string Header; ///< "@@ -a,b +c,d @@ ctx"
  std::vector<std::string> Lines;
};

/// The patch a review report answers: the mail it replies to and the hunks
/// it quotes.  Findings are placed on the lines of these hunks.
struct ReviewContext {
  std::string Subject;   ///< "[PATCH 3/5] Rework locking in the PoD layer"
  std::string MessageId; ///< With or without the angle brackets.
  std::string From;      ///< "Ana María Pérez <ana.perez@example.org>", decoded.
  std::string Date;
  std::vector<PatchHunk> Hunks;
  std::string Reproduce; ///< The command line that reproduces the findings.
};

/// Everything a report shows.
struct ReportInput {
  std::vector<Finding> Findings;
  RunStats Stats;
  std::string ToolVersion;
  /// The lock graph in Graphviz DOT; edges on a cycle carry color=red.
  /// Rendered by the "html" format.  May be empty.
  std::string GraphDot;
  /// Set when the report reviews a patch ("mail" needs it; "rdjson" and
  /// "github" use it to place findings on the diff).
  std::optional<ReviewContext> Review;
  /// Descriptions of the checks.  A check without one is described by its ID.
  std::vector<RuleDescription> Rules;
  /// When set, the "sarif", "rdjson", "github", "mail" and "html" formats
  /// show paths under it relative to it, and read relative paths from it.
  std::string SourceRoot;
};

/// Renders a report in one format.  Writers render normalizedFindings(), so
/// the same findings give byte-identical output in any input order.
class ReportWriter {
public:
  virtual ~ReportWriter();
  /// Whether this format can render Input ("mail" needs a Review).  Called by
  /// writeReport() before write(), so that nothing is written on failure.
  virtual llvm::Error validate(const ReportInput &Input) const {
    return llvm::Error::success();
  }
  virtual void write(const ReportInput &Input, llvm::raw_ostream &OS) const = 0;
};

/// The writer registered as Format ("text", "json", ...), or an error that
/// lists the known formats.
llvm::Expected<std::unique_ptr<ReportWriter>>
createWriter(llvm::StringRef Format);

/// The registered format names, sorted (for --help and error messages).
std::vector<std::string> writerFormats();

/// createWriter(Format), validate and write; an error for an unknown format
/// or an input the format cannot render.
llvm::Error writeReport(llvm::StringRef Format, const ReportInput &Input,
                        llvm::raw_ostream &OS);

/// The findings as every writer shows them: empty fingerprints computed,
/// sorted by findingLess(), exact duplicates removed.
std::vector<Finding> normalizedFindings(std::vector<Finding> Findings);

/// Reads a report in the "json" format (ours or the runtime's).  Unknown keys
/// are ignored; "findings" is required, and in each finding "check",
/// "severity", "message", "file" and "line".  Fingerprints are kept as read.
llvm::Expected<ReportInput> readJsonReport(llvm::StringRef Text);

/// Reads a patch mail as `git format-patch` writes it (headers, message,
/// diff), or a bare unified diff.  Fills everything but Reproduce; encoded
/// words in the headers (RFC 2047) are decoded.  An error for a malformed
/// hunk or a text without any hunk.
llvm::Expected<ReviewContext> parsePatch(llvm::StringRef Text);

} // namespace lockwise

#endif
