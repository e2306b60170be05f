//===- TextWriter.cpp - Compiler-style diagnostics ------------------------===//
//
// The "text" format prints findings the way Clang prints diagnostics, so that
// editors, CI log parsers and humans read them without help:
//
//   file:line:col: warning: MESSAGE [check-id]
//   file:line:col: note: TRACE STEP
//   lockwise: 2 findings (1 error, 1 warning) in 9 translation units, 0 failed
//
//===----------------------------------------------------------------------===//

#include "Summary.h"
#include "WriterRegistry.h"

using namespace llvm;

namespace lockwise {
namespace {

/// Prints "file:line:col: ".  What is unknown is left out, as GCC does,
/// rather than printed as 0, so that editors do not jump to line 0.
void printLocation(raw_ostream &OS, StringRef File, unsigned Line,
                   unsigned Column) {
  if (File.empty()) {
    OS << "lockwise: ";
    return;
  }
  OS << File;
  if (Line) {
    OS << ':' << Line;
    if (Column)
      OS << ':' << Column;
  }
  OS << ": ";
}

void printSummary(raw_ostream &OS, const std::vector<Finding> &Findings,
                  const RunStats &Stats) {
  OS << "lockwise: " << findingCounts(Findings) << " in "
     << countOf(Stats.TranslationUnits, "translation unit") << ", "
     << Stats.Failed << " failed";
  if (Stats.Suppressed)
    OS << ", " << Stats.Suppressed << " suppressed";
  if (Stats.Incomplete)
    OS << ", " << countOf(Stats.Incomplete, "function") << " cut short by a limit";
  OS << '\n';
}

class TextWriter : public ReportWriter {
public:
  void write(const ReportInput &Input, raw_ostream &OS) const override {
    std::vector<Finding> Findings = normalizedFindings(Input.Findings);
    for (const Finding &F : Findings) {
      printLocation(OS, F.File, F.Line, F.Column);
      OS << severityName(F.Sev) << ": " << F.Message << " [" << F.Check
         << "]\n";
      for (const TraceStep &Step : F.Trace) {
        printLocation(OS, Step.File, Step.Line, Step.Column);
        OS << "note: " << Step.Message << '\n';
      }
    }
    printSummary(OS, Findings, Input.Stats);
  }
};

WriterRegistry::Add<TextWriter> Registration("text");

} // namespace
} // namespace lockwise
