//===- Main.cpp - lockwise-scenario: run the cores on the shim ------------===//
//
//   lockwise-scenario --list | --describe
//   lockwise-scenario NAME [--variant buggy|fixed] [--seed N] [--budget N]
//                          [--shake D] [--report FILE]
//   lockwise-scenario --bench CORE [--iterations N]
//
// Each run is a child process with its own seed, so every run starts from
// a clean runtime and can be replayed alone.  --budget N tries seeds
// N, N+1, ... until one yields a finding.  Exit: 0 no finding, 1 findings,
// 2 usage error or a run that crashed or timed out.
//
//===----------------------------------------------------------------------===//
#include "Registry.h"

#include <lockwise/kernel.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace lockwise::scenarios;

namespace {

struct Options {
  std::string Name;
  bool Buggy = true;
  unsigned long long Seed = 1;
  unsigned Budget = 1;
  int Shake = -1; ///< -1: the scenario's default (or LOCKWISE_SHAKE)
  std::string Report;
  std::string Bench;
  unsigned Iterations = 2000;
  unsigned TimeoutSec = 120;
  bool Describe = false; ///< --describe: name, expected check, summary
};

int usage() {
  std::fprintf(stderr,
               "usage: lockwise-scenario --list\n"
               "       lockwise-scenario NAME [--variant buggy|fixed] "
               "[--seed N] [--budget N] [--shake D] [--report FILE] "
               "[--timeout SEC]\n"
               "       lockwise-scenario --bench CORE [--iterations N]\n");
  return 2;
}

void setDefault(const char *Var, const std::string &Value) {
  setenv(Var, Value.c_str(), /*overwrite=*/0);
}

/// The child: configure the runtime through its environment, run, exit.
[[noreturn]] void runChild(const Scenario &S, const Options &O,
                           unsigned long long Seed) {
  setenv("LOCKWISE_SEED", std::to_string(Seed).c_str(), 1);
  if (O.Shake >= 0)
    setenv("LOCKWISE_SHAKE", std::to_string(O.Shake).c_str(), 1);
  setDefault("LOCKWISE_SHAKE", std::to_string(S.Shake));
  setDefault("LOCKWISE_SHAKE_STEPS", std::to_string(S.Steps));
  setDefault("LOCKWISE_SPURIOUS", std::to_string(S.Spurious));
  if (S.StallMs)
    setDefault("LOCKWISE_STALL_MS", std::to_string(S.StallMs));
  std::string Rules = std::string(LOCKWISE_SOURCE_DIR) + "/rules/" + S.Rules;
  if (LOCKWISE_RT_HAS_RULES && !S.Rules.empty() &&
      access(Rules.c_str(), R_OK) == 0)
    setDefault("LOCKWISE_RULES", Rules);
  if (!O.Report.empty())
    setenv("LOCKWISE_REPORT", O.Report.c_str(), 1);
  alarm(O.TimeoutSec);
  S.Run(O.Buggy);
  unsigned Findings = lockwise_finding_count();
  std::fflush(nullptr);
  std::exit(Findings ? 1 : 0); // exit() runs the report writer.
}

int runScenario(const Options &O) {
  const Scenario *S = findScenario(O.Name);
  if (!S) {
    std::fprintf(stderr, "lockwise-scenario: unknown scenario '%s' (--list)\n",
                 O.Name.c_str());
    return 2;
  }
  for (unsigned Run = 0; Run < O.Budget; ++Run) {
    unsigned long long Seed = O.Seed + Run;
    std::fflush(nullptr);
    pid_t Pid = fork();
    if (Pid < 0) {
      std::perror("lockwise-scenario: fork");
      return 2;
    }
    if (Pid == 0)
      runChild(*S, O, Seed);
    int Status = 0;
    waitpid(Pid, &Status, 0);
    if (WIFEXITED(Status) && WEXITSTATUS(Status) == 0)
      continue;
    if (WIFEXITED(Status) && WEXITSTATUS(Status) == 1) {
      std::printf("%s --variant %s: findings with seed %llu (run %u of at "
                  "most %u); replay: lockwise-scenario %s --variant %s "
                  "--seed %llu\n",
                  S->Name.c_str(), O.Buggy ? "buggy" : "fixed", Seed, Run + 1,
                  O.Budget, S->Name.c_str(), O.Buggy ? "buggy" : "fixed",
                  Seed);
      return 1;
    }
    std::printf("%s --variant %s: seed %llu %s %d\n", S->Name.c_str(),
                O.Buggy ? "buggy" : "fixed", Seed,
                WIFSIGNALED(Status) ? "died of signal" : "exited with",
                WIFSIGNALED(Status) ? WTERMSIG(Status) : WEXITSTATUS(Status));
    return 2;
  }
  std::printf("%s --variant %s: no findings in %u run(s) from seed %llu\n",
              S->Name.c_str(), O.Buggy ? "buggy" : "fixed", O.Budget, O.Seed);
  return 0;
}

/// Context switches of every thread of the process so far: a benchmark
/// bound by thread wake-ups rather than by its own work shows many per op.
long contextSwitches() {
  rusage U;
  getrusage(RUSAGE_SELF, &U);
  return U.ru_nvcsw + U.ru_nivcsw;
}

int runBench(const Options &O) {
  for (const Bench &B : benches()) {
    if (B.Core != O.Bench)
      continue;
    long Switches = contextSwitches();
    auto Start = std::chrono::steady_clock::now();
    unsigned long Ops = B.Run(O.Iterations);
    double Sec = std::chrono::duration<double>(
                     std::chrono::steady_clock::now() - Start)
                     .count();
    Switches = contextSwitches() - Switches;
    std::printf("%s ops=%lu seconds=%.4f ops_per_sec=%.1f "
                "switches_per_op=%.3f\n",
                B.Core.c_str(), Ops, Sec, Sec > 0 ? double(Ops) / Sec : 0.0,
                Ops ? double(Switches) / double(Ops) : 0.0);
    return 0;
  }
  std::fprintf(stderr, "lockwise-scenario: unknown core '%s'\n",
               O.Bench.c_str());
  return 2;
}

bool parse(int Argc, char **Argv, Options &O, bool &List) {
  for (int I = 1; I < Argc; ++I) {
    std::string A = Argv[I];
    auto Value = [&]() -> const char * {
      return I + 1 < Argc ? Argv[++I] : nullptr;
    };
    if (A == "--list") {
      List = true;
    } else if (A == "--describe") {
      List = true;
      O.Describe = true;
    } else if (A == "--variant") {
      const char *V = Value();
      if (!V || (std::strcmp(V, "buggy") && std::strcmp(V, "fixed")))
        return false;
      O.Buggy = !std::strcmp(V, "buggy");
    } else if (A == "--seed" || A == "--budget" || A == "--shake" ||
               A == "--iterations" || A == "--timeout") {
      const char *V = Value();
      if (!V)
        return false;
      char *End;
      unsigned long long N = std::strtoull(V, &End, 10);
      if (*End)
        return false;
      if (A == "--seed")
        O.Seed = N;
      else if (A == "--budget")
        O.Budget = unsigned(N ? N : 1);
      else if (A == "--shake")
        O.Shake = int(N);
      else if (A == "--iterations")
        O.Iterations = unsigned(N);
      else
        O.TimeoutSec = unsigned(N);
    } else if (A == "--report") {
      const char *V = Value();
      if (!V)
        return false;
      O.Report = V;
    } else if (A == "--bench") {
      const char *V = Value();
      if (!V)
        return false;
      O.Bench = V;
    } else if (!A.empty() && A[0] != '-' && O.Name.empty()) {
      O.Name = A;
    } else {
      return false;
    }
  }
  return true;
}

} // namespace

int main(int Argc, char **Argv) {
  Options O;
  bool List = false;
  if (!parse(Argc, Argv, O, List))
    return usage();
  if (List) {
    for (const Scenario &S : scenarios())
      if (O.Describe)
        std::printf("%s\t%s\tseed %s: %s\n", S.Name.c_str(),
                    S.Expected.c_str(), S.Seed.c_str(), S.Summary.c_str());
      else
        std::printf("%s\n", S.Name.c_str());
    return 0;
  }
  if (!O.Bench.empty())
    return runBench(O);
  if (O.Name.empty())
    return usage();
  return runScenario(O);
}
