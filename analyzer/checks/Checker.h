//===- Checker.h - One check per file, registered by name -----------------===//
//
// A check owns its detection, its state and its message.  Checks of the
// lock-order graph read it after the analysis (run()); checks that need the
// path-sensitive dataflow also subscribe to it (dataflow(), Observer.h) and
// keep what they found until run() turns it into findings.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_CHECKS_CHECKER_H
#define LOCKWISE_CHECKS_CHECKER_H

#include "engine/Analysis.h"
#include "engine/Observer.h"
#include "graph/LockGraph.h"
#include "lockwise/Finding.h"
#include "lockwise/Rules.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lockwise {

struct CheckContext {
  const Program &Prog;
  const AnalysisResult &Result;
  const LockGraph &Graph;
  const rules::RuleSet &Rules;
};

class Checker {
public:
  virtual ~Checker() = default;
  /// The check ID (docs/design.md).
  virtual const char *id() const = 0;
  /// One line for SARIF rule descriptions and the HTML report.
  virtual const char *summary() const = 0;
  /// The check's part in the dataflow, or null.  Checks that share an
  /// analysis return the same object; it subscribes once.
  virtual DataflowCheck *dataflow() { return nullptr; }
  virtual void run(const CheckContext &Ctx, FindingHandler &Out) const = 0;
};

/// Every registered checker, in ID order.
std::vector<std::unique_ptr<Checker>> createCheckers();

/// The dataflow subscribers of Checks, each once, in the checks' order.
std::vector<DataflowCheck *>
dataflowSubscribers(const std::vector<std::unique_ptr<Checker>> &Checks);

/// A warning of check Check, to be filled in.
inline Finding newFinding(const char *Check) {
  Finding F;
  F.Check = Check;
  F.Sev = Severity::Warning;
  return F;
}

/// Where a finding is reported.
inline void setLocation(Finding &F, const SrcLoc &At) {
  F.File = At.File;
  F.Line = At.Line;
  F.Column = At.Column;
}

/// Appends what one function's observer found (keyed, so that one bug is
/// one entry per function) to a check's findings for the program.
template <class Key, class T>
void appendFound(const std::map<Key, T> &Function, std::vector<T> &Program) {
  for (const auto &[K, X] : Function)
    Program.push_back(X);
}

/// Witness steps as finding notes.
std::vector<TraceStep> toTrace(const Chain &C);

} // namespace lockwise

#endif
