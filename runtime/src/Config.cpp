//===- Config.cpp - Runtime settings from the environment -----------------===//
#include "Config.h"

#include <cstdlib>
#include <sstream>

namespace lockwise::rt {
namespace {

uint64_t envNumber(const char *Name, uint64_t Default) {
  const char *V = std::getenv(Name);
  if (!V || !*V)
    return Default;
  char *End = nullptr;
  unsigned long long N = std::strtoull(V, &End, 0);
  return *End ? Default : N;
}

std::string envString(const char *Name) {
  const char *V = std::getenv(Name);
  return V ? V : "";
}

Config readConfig() {
  Config C;
  C.StallMs = unsigned(envNumber("LOCKWISE_STALL_MS", C.StallMs));
  C.GraceMs = unsigned(envNumber("LOCKWISE_WAKEUP_GRACE_MS", C.GraceMs));
  C.Shake = unsigned(envNumber("LOCKWISE_SHAKE", 0));
  C.Seed = envNumber("LOCKWISE_SEED", C.Seed);
  C.ShakeSteps = envNumber("LOCKWISE_SHAKE_STEPS", C.ShakeSteps);
  if (C.ShakeSteps == 0)
    C.ShakeSteps = 1;
  C.SpuriousPermille = unsigned(envNumber("LOCKWISE_SPURIOUS", 0));
  C.Quiet = envNumber("LOCKWISE_QUIET", 0) != 0;
  C.Symbolize = envNumber("LOCKWISE_SYMBOLIZE", 1) != 0;
  C.Symbolizer = envString("LOCKWISE_SYMBOLIZER");
  C.ReportPath = envString("LOCKWISE_REPORT");
  std::stringstream Rules(envString("LOCKWISE_RULES"));
  for (std::string File; std::getline(Rules, File, ':');)
    if (!File.empty())
      C.RuleFiles.push_back(File);
  return C;
}

} // namespace

const Config &config() {
  static const Config C = readConfig();
  return C;
}

} // namespace lockwise::rt
