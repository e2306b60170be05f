//===- ChildRun.h - Run shim code in a fresh child process -----*- C++ -*-===//
//
// The runtime reads its configuration once per process, so each test runs
// its program in a forked child with its own environment and reads back
// the findings JSON the child writes at exit.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_TESTS_CHILDRUN_H
#define LOCKWISE_TESTS_CHILDRUN_H

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace lockwise::test {

struct ChildResult {
  int Exit = -1;
  nlohmann::json Report;

  std::vector<std::string> checks() const {
    std::vector<std::string> C;
    for (const auto &F : Report.value("findings", nlohmann::json::array()))
      C.push_back(F.value("check", ""));
    return C;
  }
  size_t count(const std::string &Check) const {
    size_t N = 0;
    for (const std::string &C : checks())
      N += C == Check;
    return N;
  }
};

inline ChildResult runChild(const std::map<std::string, std::string> &Env,
                            const std::function<void()> &Body) {
  char Path[] = "/tmp/lockwise-test-XXXXXX";
  int Fd = mkstemp(Path);
  close(Fd);
  pid_t Pid = fork();
  if (Pid == 0) {
    for (const auto &[K, V] : Env)
      setenv(K.c_str(), V.c_str(), 1);
    setenv("LOCKWISE_REPORT", Path, 1);
    setenv("LOCKWISE_QUIET", "1", 0);
    alarm(60);
    Body();
    std::exit(0);
  }
  ChildResult R;
  int Status = 0;
  waitpid(Pid, &Status, 0);
  R.Exit = WIFEXITED(Status) ? WEXITSTATUS(Status) : 128 + WTERMSIG(Status);
  std::ifstream In(Path);
  try {
    R.Report = nlohmann::json::parse(In);
  } catch (const std::exception &) {
  }
  unlink(Path);
  return R;
}

} // namespace lockwise::test

#endif
