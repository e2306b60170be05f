//===- Checker.h - One check per file, registered by name -----------------===//
//
// A check owns its detection, its state and its message.  Checks of the
// lock-order graph read it after the analysis (run()); checks that need the
// path-sensitive dataflow also subscribe to it (dataflows(), Observer.h) and
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

class Checker;

struct CheckContext {
  const Program &Prog;
  const AnalysisResult &Result;
  const LockGraph &Graph;
  const rules::RuleSet &Rules;
  /// A review's checks over the tree before the patch, or null: a check
  /// may judge the patched program by what it learned there (the locking
  /// discipline the tree follows).
  const std::vector<std::unique_ptr<Checker>> *Baseline = nullptr;
  /// The baseline's check of this ID, or null.
  const Checker *baselineOf(const char *Id) const;
  /// Judging a change (a review, Baseline set) rather than a whole
  /// program: a finding the program cannot tell from a working guard is
  /// still worth reporting where a patch introduces it.
  bool judgingChange() const { return Baseline != nullptr; }
};

class Checker {
public:
  virtual ~Checker() = default;
  /// The check ID (docs/design.md).
  virtual const char *id() const = 0;
  /// One line for SARIF rule descriptions and the HTML report.
  virtual const char *summary() const = 0;
  /// The check's parts in the dataflow.  Checks that share an analysis
  /// return the same object; it subscribes once.
  virtual std::vector<DataflowCheck *> dataflows() { return {}; }
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
