//===- Registry.h - The scenarios: one seed problem each -------*- C++ -*-===//
#ifndef LOCKWISE_SCENARIOS_REGISTRY_H
#define LOCKWISE_SCENARIOS_REGISTRY_H

#include <string>
#include <vector>

namespace lockwise::scenarios {

struct Scenario {
  std::string Name;     ///< "area/name"
  std::string Seed;     ///< the seed thread it reproduces
  std::string Summary;  ///< what the buggy variant gets wrong
  std::string Expected; ///< the check its buggy variant must yield
  void (*Run)(int Buggy);
  unsigned Shake = 3;        ///< PCT depth
  unsigned Steps = 2000;     ///< PCT's estimate of steps per run
  unsigned Spurious = 0;     ///< spurious wake-ups, per mille per step
  unsigned StallMs = 0;      ///< LOCKWISE_STALL_MS default, 0: runtime's
  std::string Rules;         ///< rule pack under rules/, if any
};

const std::vector<Scenario> &scenarios();
const Scenario *findScenario(const std::string &Name);

struct Bench {
  std::string Core;
  unsigned long (*Run)(unsigned Iterations);
};

const std::vector<Bench> &benches();

} // namespace lockwise::scenarios

#endif
