//===- Detectors.h - Detector entry points beyond the events ---*- C++ -*-===//
//
// What the scheduler, the exit handler and the watchdog ask of the
// detectors.  Not compiled with LOCKWISE_DISABLE.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_RT_DETECTORS_H
#define LOCKWISE_RT_DETECTORS_H

#include "Events.h"
#include "Report.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lockwise::rt {

namespace order {
std::vector<ObservedEdge> observedEdges();
std::vector<std::string> observedLocks();
/// Loads LOCKWISE_RULES hierarchies (once).
void loadConfiguredRules();
void declareOrder(const std::string &Name, std::vector<std::string> Classes);
} // namespace order

namespace stall {
/// Earliest time at which some blocked task would pass the threshold, or
/// INT64_MAX.
int64_t nextDeadline();
/// Reports every task blocked past the threshold at time Now.
void check(int64_t Now);
/// Every task is blocked for good (exploration): report those not reported.
void reportDeadlock(int64_t Now);
/// Starts the real-time watchdog thread (not when exploring).
void startWatchdog();
} // namespace stall

/// Writes the findings JSON if LOCKWISE_REPORT is set.
void flushReport();

} // namespace lockwise::rt

#endif
