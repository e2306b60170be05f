//===- Finding.h - The finding model shared by analyzer and runtime -------===//
//
// A finding is a plain value: the analysis or the runtime shim produces it, a
// FindingHandler receives it, and only reports/ renders it (the runtime its
// lockdep-style text and JSON).  Plain C++ with no LLVM, so that both halves
// share one model and one fingerprint: the same kind of bug found statically
// and at run time gets a fingerprint computed the same way.  The JSON shape is
// a contract (docs/design.md, "Findings JSON"), written by FindingJson.h.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_FINDING_H
#define LOCKWISE_FINDING_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockwise {

enum class Severity { Error, Warning, Note };

const char *severityName(Severity S);

/// The inverse of severityName(); nothing for an unknown name.
std::optional<Severity> parseSeverity(std::string_view Name);

/// One step of a witness: an acquisition site, a call in a chain, a stack
/// frame (runtime).  Rendered as a note under the finding.
struct TraceStep {
  std::string File;
  unsigned Line = 0;
  unsigned Column = 0;
  std::string Message;

  bool operator==(const TraceStep &) const = default;
};

struct Finding {
  std::string Check;  ///< A check ID from docs/design.md ("order-cycle", ...).
  Severity Sev = Severity::Warning;
  std::string Message;
  std::string File;
  unsigned Line = 0;
  unsigned Column = 0;
  std::string Function;
  std::vector<std::string> Locks; ///< Lock classes involved, in report order.
  std::vector<TraceStep> Trace;
  /// Stable identity across line shifts: computed by computeFingerprint()
  /// when left empty.
  std::string Fingerprint;

  bool operator==(const Finding &) const = default;
};

/// Orders findings for deterministic output: file, line, column, check,
/// message, then the trace.
bool findingLess(const Finding &A, const Finding &B);

/// Sorts and removes exact duplicates.
void sortAndUnique(std::vector<Finding> &Findings);

/// A hash of check, function, lock classes and message with line numbers
/// stripped, so it survives code moving up or down.
std::string computeFingerprint(const Finding &F);

/// Analyses hand findings here and never print (as Clang's
/// ThreadSafetyHandler).
class FindingHandler {
public:
  virtual ~FindingHandler();
  virtual void handle(Finding F) = 0;
};

/// Collects findings for later sorting and rendering.
class FindingCollector : public FindingHandler {
public:
  void handle(Finding F) override { Findings.push_back(std::move(F)); }
  std::vector<Finding> Findings;
};

/// Run statistics rendered in the "stats" object of the JSON report.
struct RunStats {
  unsigned TranslationUnits = 0;
  unsigned Failed = 0;
  unsigned Functions = 0;
  double Seconds = 0;
  unsigned Suppressed = 0;
  /// Functions whose analysis reached a bound (the engine's Limits.h):
  /// their findings may be incomplete.
  unsigned Incomplete = 0;
};

} // namespace lockwise

#endif
