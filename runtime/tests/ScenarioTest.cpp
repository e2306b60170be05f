//===- ScenarioTest.cpp - Every scenario, buggy and fixed -----------------===//
//
// The buggy variant must yield its expected check within a bounded seed
// budget; the fixed variant must yield nothing over many seeds.  The
// expectations come from the runner itself (--describe).
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <sys/wait.h>

namespace {

constexpr unsigned BuggyBudget = 100;
constexpr unsigned FixedRuns = 25;

std::string run(const std::string &Args, int &Exit,
                const std::string &Env = "") {
  std::string Cmd =
      Env + std::string(LOCKWISE_SCENARIO_BIN) + " " + Args + " 2>/dev/null";
  FILE *P = popen(Cmd.c_str(), "r");
  std::string Out;
  char Buf[512];
  while (P && fgets(Buf, sizeof(Buf), P))
    Out += Buf;
  int Status = P ? pclose(P) : -1;
  Exit = WIFEXITED(Status) ? WEXITSTATUS(Status) : -1;
  return Out;
}

struct Described {
  std::string Name;
  std::string Expected;
};

void PrintTo(const Described &D, std::ostream *OS) {
  *OS << D.Name << " (" << D.Expected << ")";
}

std::vector<Described> describe() {
  int Exit;
  std::stringstream In(run("--describe", Exit));
  std::vector<Described> All;
  for (std::string Line; std::getline(In, Line);) {
    size_t Tab = Line.find('\t'), Tab2 = Line.find('\t', Tab + 1);
    All.push_back({Line.substr(0, Tab), Line.substr(Tab + 1, Tab2 - Tab - 1)});
  }
  return All;
}

nlohmann::json readReport(const std::string &Path) {
  std::ifstream In(Path);
  return nlohmann::json::parse(In);
}

std::string reportPath(const std::string &Name) {
  std::string P = testing::TempDir() + "lockwise-" + Name + ".json";
  for (char &C : P)
    if (C == '/' && &C > &P[testing::TempDir().size()])
      C = '_';
  return P;
}

class ScenarioTest : public testing::TestWithParam<Described> {};

TEST_P(ScenarioTest, BuggyVariantYieldsItsCheck) {
  const Described &S = GetParam();
  std::string Report = reportPath(S.Name + "-buggy");
  int Exit;
  // In a ThreadSanitizer build TSan may report the bug too (its exit code
  // would stop the runner); what TSan says is checked by the
  // runtime_tsan_* tests, this test checks the shim's own finding.
  std::string Env;
#ifdef LOCKWISE_TSAN
  Env = "TSAN_OPTIONS=exitcode=0 ";
#endif
  std::string Out = run(S.Name + " --variant buggy --budget " +
                            std::to_string(BuggyBudget) + " --report " + Report,
                        Exit, Env);
  ASSERT_EQ(Exit, 1) << Out;
  bool Found = false;
  nlohmann::json J = readReport(Report);
  for (const auto &F : J["findings"])
    Found |= F.value("check", "") == S.Expected;
  EXPECT_TRUE(Found) << S.Name << " did not yield " << S.Expected;
}

TEST_P(ScenarioTest, FixedVariantYieldsNothing) {
  const Described &S = GetParam();
  int Exit;
  std::string Out =
      run(S.Name + " --variant fixed --budget " + std::to_string(FixedRuns), Exit);
  EXPECT_EQ(Exit, 0) << Out;
}

INSTANTIATE_TEST_SUITE_P(All, ScenarioTest, testing::ValuesIn(describe()),
                         [](const testing::TestParamInfo<Described> &I) {
                           std::string N = I.param.Name;
                           for (char &C : N)
                             if (!isalnum(static_cast<unsigned char>(C)))
                               C = '_';
                           return N;
                         });

TEST(Scenario, SeededRunIsReplayable) {
  std::string A = reportPath("replay-a"), B = reportPath("replay-b");
  int ExitA, ExitB;
  run("xenbus/notify --variant buggy --budget 50 --report " + A, ExitA);
  ASSERT_EQ(ExitA, 1);
  unsigned long long Seed = readReport(A)["stats"]["seed"];
  run("xenbus/notify --variant buggy --seed " + std::to_string(Seed) +
          " --report " + B,
      ExitB);
  ASSERT_EQ(ExitB, 1);
  nlohmann::json JA = readReport(A), JB = readReport(B);
  EXPECT_EQ(JA["findings"], JB["findings"]);
  EXPECT_EQ(JA["observed_edges"], JB["observed_edges"]);
  EXPECT_EQ(JA["stats"]["schedule_steps"], JB["stats"]["schedule_steps"]);
}

/// Whether an element of the JSON array Items satisfies Pred.
bool anyOf(const nlohmann::json &Items,
           const std::function<bool(const nlohmann::json &)> &Pred) {
  return std::any_of(Items.begin(), Items.end(), Pred);
}

/// Runs `--bench Core --iterations N` in real time ("real") or explored
/// ("explored"), with the rules file Rules (under rules/) when the build has
/// rules; expects a clean exit after exactly N operations and returns the
/// findings report.
nlohmann::json runBench(const std::string &Core, unsigned N,
                        const std::string &Mode, const std::string &Rules) {
  std::string Report = reportPath(Core + "-bench-" + Mode);
  std::string Env = "LOCKWISE_REPORT=" + Report + " ";
#ifdef LOCKWISE_HAVE_RULES
  Env += "LOCKWISE_RULES=" LOCKWISE_TEST_DATA "/../../../rules/" + Rules + " ";
#endif
  if (Mode == "explored")
    Env += "LOCKWISE_SHAKE=3 LOCKWISE_SEED=1 ";
  int Exit;
  std::string Ops = std::to_string(N);
  std::string Out =
      run("--bench " + Core + " --iterations " + Ops, Exit, Env);
  EXPECT_EQ(Exit, 0) << Out;
  EXPECT_NE(Out.find(Core + " ops=" + Ops + " "), std::string::npos) << Out;
  return readReport(Report);
}

// The xenbus benchmark's /dev/xen/xenbus clients keep requests in flight
// (the request ring fills up): nothing to report, in real
// time and explored, and the reply reaches the reader under
// xs_response_mutex, in the order the Linux rules declare.
TEST(Scenario, XenbusDeviceClientsAreClean) {
  for (std::string Mode : {"real", "explored"}) {
    nlohmann::json J = runBench("xenbus", 2000, Mode, "linux-xenbus.jsonc");
    EXPECT_TRUE(J["findings"].empty()) << Mode << ": " << J["findings"];
    EXPECT_TRUE(anyOf(J["observed_edges"], [](const nlohmann::json &E) {
      return E.value("from", "") == "xs_response_mutex" &&
             E.value("to", "") == "xenbus_file_priv.reply_mutex";
    })) << Mode << ": " << J["observed_edges"];
  }
}

// The mtwatch benchmark counts fixed work: every event it fires is
// delivered (none is left for unregister to purge), whatever the schedule,
// and the backend's state lock is taken by the callbacks on the domain
// threads, outside every mtwatch lock.
TEST(Scenario, MtwatchBenchDeliversEveryEvent) {
  for (std::string Mode : {"real", "explored"}) {
    nlohmann::json J = runBench("mtwatch", 1001, Mode, "xen-mtwatch.jsonc");
    EXPECT_TRUE(J["findings"].empty()) << Mode << ": " << J["findings"];
    EXPECT_TRUE(anyOf(J["observed_locks"], [](const nlohmann::json &L) {
      return L.value("name", "") == "backend_info.state_lock";
    })) << Mode << ": " << J["observed_locks"];
    EXPECT_FALSE(anyOf(J["observed_edges"], [](const nlohmann::json &E) {
      return E.value("to", "") == "backend_info.state_lock";
    })) << Mode << ": " << J["observed_edges"];
  }
}

TEST(Scenario, ListAndUsage) {
  int Exit;
  std::string Out = run("--list", Exit);
  EXPECT_EQ(Exit, 0);
  EXPECT_NE(Out.find("pod/sweep-inversion\n"), std::string::npos);
  run("no/such-scenario", Exit);
  EXPECT_EQ(Exit, 2);
  run("--variant", Exit);
  EXPECT_EQ(Exit, 2);
}

} // namespace
