//===- Checker.h - One check per file, registered by name -----------------===//
#ifndef LOCKWISE_CHECKS_CHECKER_H
#define LOCKWISE_CHECKS_CHECKER_H

#include "engine/Analysis.h"
#include "graph/LockGraph.h"
#include "lockwise/Finding.h"
#include "lockwise/Rules.h"

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
  /// The check ID from docs/design.md.
  virtual const char *id() const = 0;
  /// One line for --list-checks and SARIF rule descriptions.
  virtual const char *summary() const = 0;
  virtual void run(const CheckContext &Ctx, FindingHandler &Out) const = 0;
};

/// Every registered checker, in ID order.
std::vector<std::unique_ptr<Checker>> createCheckers();

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

/// Witness steps as finding notes.
std::vector<TraceStep> toTrace(const Chain &C);

} // namespace lockwise

#endif
