//===- Config.h - Runtime settings from the environment --------*- C++ -*-===//
//
// Read once, on first use, from LOCKWISE_* variables (docs/runtime.md).
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_RT_CONFIG_H
#define LOCKWISE_RT_CONFIG_H

#include <cstdint>
#include <string>
#include <vector>

namespace lockwise::rt {

struct Config {
  unsigned StallMs = 10000;    ///< LOCKWISE_STALL_MS
  unsigned GraceMs = 1000;     ///< LOCKWISE_WAKEUP_GRACE_MS
  unsigned Shake = 0;          ///< LOCKWISE_SHAKE: PCT depth d; 0 = off
  uint64_t Seed = 1;           ///< LOCKWISE_SEED
  uint64_t ShakeSteps = 2000;  ///< LOCKWISE_SHAKE_STEPS: PCT's k estimate
  unsigned SpuriousPermille = 0; ///< LOCKWISE_SPURIOUS: spurious wake-ups
  bool Quiet = false;          ///< LOCKWISE_QUIET: no text report on stderr
  bool Symbolize = true;       ///< LOCKWISE_SYMBOLIZE=0 turns file:line off
  std::string Symbolizer;      ///< LOCKWISE_SYMBOLIZER: llvm-symbolizer path
  std::string ReportPath;      ///< LOCKWISE_REPORT
  std::vector<std::string> RuleFiles; ///< LOCKWISE_RULES=a.jsonc:b.jsonc
};

const Config &config();

} // namespace lockwise::rt

#endif
