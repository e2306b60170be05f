//===- ScenarioTest.cpp - Every scenario, buggy and fixed -----------------===//
//
// The buggy variant must yield its expected check within a bounded seed
// budget; the fixed variant must yield nothing over many seeds.  The
// expectations come from the runner itself (--describe).
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
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

// The xenbus benchmark's /dev/xen/xenbus clients keep requests in flight
// (the request ring fills up): nothing to report, in real
// time and explored, and the reply reaches the reader under
// xs_response_mutex, in the order the Linux rules declare.
TEST(Scenario, XenbusDeviceClientsAreClean) {
  std::string Rules;
#ifdef LOCKWISE_HAVE_RULES
  Rules = "LOCKWISE_RULES=" LOCKWISE_TEST_DATA
          "/../../../rules/linux-xenbus.jsonc ";
#endif
  for (std::string Mode : {"real", "explored"}) {
    std::string Report = reportPath("xenbus-dev-" + Mode);
    std::string Env = Rules + "LOCKWISE_REPORT=" + Report + " ";
    if (Mode == "explored")
      Env += "LOCKWISE_SHAKE=3 LOCKWISE_SEED=1 ";
    int Exit;
    std::string Out = run("--bench xenbus --iterations 2000", Exit, Env);
    ASSERT_EQ(Exit, 0) << Out;
    EXPECT_NE(Out.find("xenbus ops=2000 "), std::string::npos) << Out;
    nlohmann::json J = readReport(Report);
    EXPECT_TRUE(J["findings"].empty()) << Mode << ": " << J["findings"];
    bool Queued = false;
    for (const auto &E : J["observed_edges"])
      Queued |= E.value("from", "") == "xs_response_mutex" &&
                E.value("to", "") == "xenbus_file_priv.reply_mutex";
    EXPECT_TRUE(Queued) << Mode << ": " << J["observed_edges"];
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
