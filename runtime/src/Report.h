//===- Report.h - Findings: text on stderr, JSON at exit -------*- C++ -*-===//
//
// The runtime's findings are lockwise::Finding (findings/, the model the
// analyzer uses too), so a bug found at run time gets the same JSON shape
// and a fingerprint computed the same way as one found statically.  That
// library is free of LLVM; the reports library is not, and is not linked.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_RT_REPORT_H
#define LOCKWISE_RT_REPORT_H

#include "Stack.h"

#include "lockwise/Finding.h"

#include <string>
#include <vector>

namespace lockwise::rt {

/// Sets the finding's location from the first frame, if not set yet.
void locateAt(Finding &F, const std::vector<Frame> &Frames);
/// Appends one trace step per frame, the first one labelled.
void appendFrames(Finding &F, const std::vector<Frame> &Frames,
                  const std::string &Label);
/// Appends the frames to a text report, indented, numbered "#0 ...".
void appendFrames(std::string &Text, const std::vector<Frame> &Frames);

/// Records F unless a finding with the same Key was recorded before, and
/// prints Text on stderr (unless LOCKWISE_QUIET).  Returns whether F is new.
bool report(const std::string &Key, Finding F, const std::string &Text);
unsigned findingCount();

/// Held while a finding is being put together (symbolising takes a while):
/// the exit handler waits for these, so a report started just before the
/// program ends is not lost.
class PendingReport {
public:
  PendingReport();
  ~PendingReport();
};
/// Waits (up to a few seconds) until no report is being put together.
void waitForPendingReports();

/// One observed order edge, for `lockwise graph --compare`.
struct ObservedEdge {
  std::string From;
  std::string To;
  std::vector<Frame> Witness;
};

struct RunInfo {
  double Seconds = 0;
  unsigned Tasks = 0;
  unsigned Classes = 0;
  uint64_t Seed = 0;
  unsigned Shake = 0;
  uint64_t Steps = 0;
};

/// Writes the findings JSON to Path; false when it cannot be written.
bool writeJson(const std::string &Path, const std::vector<ObservedEdge> &Edges,
               const std::vector<std::string> &Locks, const RunInfo &Info);

} // namespace lockwise::rt

#endif
