//===- SarifWriterTest.cpp - SARIF shape and line-shift fingerprints ------===//
//
// No SARIF schema validator is packaged for Debian, so the properties that
// SARIF 2.1.0 requires, and those GitHub code scanning reads, are checked by
// hand here.
//
//===----------------------------------------------------------------------===//

#include "SampleReport.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>

using namespace lockwise;
using Json = nlohmann::json;

namespace {

Json sarifOf(const ReportInput &In) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  if (llvm::Error E = writeReport("sarif", In, OS))
    ADD_FAILURE() << llvm::toString(std::move(E));
  return Json::parse(Out);
}

bool isPositiveInteger(const Json &J) {
  return J.is_number_unsigned() && J.get<unsigned>() >= 1;
}

TEST(SarifWriterTest, HasTheRequiredProperties) {
  ReportInput In = test::sampleReport(/*WithReview=*/false);
  Json Doc = sarifOf(In);
  EXPECT_EQ(Doc["version"], "2.1.0");
  ASSERT_TRUE(Doc["$schema"].is_string());
  EXPECT_EQ(Doc["$schema"].get<std::string>().rfind("https://", 0), 0u);
  ASSERT_TRUE(Doc["runs"].is_array());
  ASSERT_EQ(Doc["runs"].size(), 1u);
  const Json &Run = Doc["runs"][0];

  const Json &Driver = Run["tool"]["driver"];
  EXPECT_EQ(Driver["name"], "lockwise");
  ASSERT_TRUE(Driver["rules"].is_array());
  std::vector<std::string> RuleIds;
  for (const Json &R : Driver["rules"]) {
    ASSERT_TRUE(R["id"].is_string());
    RuleIds.push_back(R["id"]);
    for (const char *Text : {"shortDescription", "fullDescription", "help"})
      EXPECT_TRUE(R[Text]["text"].is_string()) << R["id"] << " " << Text;
  }
  EXPECT_TRUE(std::is_sorted(RuleIds.begin(), RuleIds.end()));

  ASSERT_TRUE(Run["results"].is_array());
  ASSERT_EQ(Run["results"].size(), In.Findings.size());
  std::regex Fingerprint("[0-9a-f]{16}:[0-9]+");
  for (const Json &R : Run["results"]) {
    ASSERT_TRUE(R["ruleId"].is_string());
    ASSERT_TRUE(R["ruleIndex"].is_number_unsigned());
    ASSERT_LT(R["ruleIndex"].get<unsigned>(), RuleIds.size());
    EXPECT_EQ(RuleIds[R["ruleIndex"].get<unsigned>()],
              R["ruleId"].get<std::string>());
    EXPECT_TRUE(R["level"] == "error" || R["level"] == "warning" ||
                R["level"] == "note");
    EXPECT_TRUE(R["message"]["text"].is_string());

    // Every sample finding has a file, itself or in its trace.
    ASSERT_TRUE(R["locations"].is_array());
    ASSERT_FALSE(R["locations"].empty()) << R["ruleId"];
    const Json &Physical = R["locations"][0]["physicalLocation"];
    ASSERT_TRUE(Physical["artifactLocation"]["uri"].is_string());
    EXPECT_TRUE(isPositiveInteger(Physical["region"]["startLine"]));

    for (const Json &Related : R["relatedLocations"]) {
      EXPECT_TRUE(
          Related["physicalLocation"]["artifactLocation"]["uri"].is_string());
      EXPECT_TRUE(Related["message"]["text"].is_string());
    }
    // codeFlow and threadFlow each require a non-empty array.
    const Json &Flow = R["codeFlows"][0]["threadFlows"][0]["locations"];
    ASSERT_TRUE(Flow.is_array());
    EXPECT_FALSE(Flow.empty());

    ASSERT_TRUE(R["partialFingerprints"]["lockwise/v1"].is_string());
    EXPECT_TRUE(std::regex_match(
        R["partialFingerprints"]["lockwise/v1"].get<std::string>(),
        Fingerprint));
  }
}

TEST(SarifWriterTest, WitnessBecomesRelatedLocationsAndThreadFlow) {
  ReportInput In = test::sampleReport(/*WithReview=*/false);
  Json Doc = sarifOf(In);
  const Json *Cycle = nullptr;
  for (const Json &R : Doc["runs"][0]["results"])
    if (R["ruleId"] == "order-cycle")
      Cycle = &R;
  ASSERT_NE(Cycle, nullptr);

  const std::vector<std::pair<std::string, unsigned>> Steps = {
      {"drivers/xen/xenbus/xenbus_comms.c", 11},
      {"drivers/xen/xenbus/xenbus_comms.c", 15},
      {"drivers/xen/xenbus/xenbus_xs.c", 15},
      {"drivers/xen/xenbus/xenbus_xs.c", 16}};
  const Json &Related = (*Cycle)["relatedLocations"];
  const Json &Flow = (*Cycle)["codeFlows"][0]["threadFlows"][0]["locations"];
  ASSERT_EQ(Related.size(), Steps.size());
  ASSERT_EQ(Flow.size(), Steps.size());
  for (size_t I = 0; I < Steps.size(); ++I) {
    for (const Json *Location : {&Related[I], &Flow[I]["location"]}) {
      const Json &Physical = (*Location)["physicalLocation"];
      EXPECT_EQ(Physical["artifactLocation"]["uri"], Steps[I].first);
      EXPECT_EQ(Physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
      EXPECT_EQ(Physical["region"]["startLine"], Steps[I].second);
    }
    EXPECT_EQ(Flow[I]["location"]["message"]["text"],
              In.Findings[4].Trace[I].Message);
  }
  EXPECT_EQ(Flow[3]["location"]["message"]["text"],
            "and then 'xs_response_mutex' here");
}

/// A scratch directory removed at the end of the test.
class ScratchDir {
public:
  ScratchDir() {
    llvm::SmallString<128> P;
    if (llvm::sys::fs::createUniqueDirectory("lockwise-sarif", P))
      ADD_FAILURE() << "cannot create a scratch directory";
    Path = std::string(P);
  }
  ~ScratchDir() { llvm::sys::fs::remove_directories(Path); }
  std::string file(llvm::StringRef Name, llvm::StringRef Text) const {
    std::string F = Path + "/" + Name.str();
    std::error_code EC;
    llvm::raw_fd_ostream OS(F, EC);
    EXPECT_FALSE(EC) << EC.message();
    OS << Text;
    return F;
  }
  std::string Path;
};

Finding leakAt(const std::string &File, unsigned Line, std::string Message) {
  Finding F;
  F.Check = "lock-leak";
  F.File = File;
  F.Line = Line;
  F.Column = 9;
  F.Function = "p2m_pod_set_mem_target";
  F.Locks = {"p2m_domain.pod.lock"};
  F.Message = std::move(Message);
  return F;
}

std::string fingerprintOf(const Finding &F, const std::string &Root = "") {
  ReportInput In;
  In.Findings = {F};
  In.SourceRoot = Root;
  return sarifOf(
      In)["runs"][0]["results"][0]["partialFingerprints"]["lockwise/v1"];
}

TEST(SarifWriterTest, FingerprintSurvivesLinesMovingAndReindenting) {
  ScratchDir Dir;
  std::string Before = Dir.file("before.c", "int f(void)\n{\n"
                                            "    pod_lock(p2m);\n"
                                            "    if ( busy )\n"
                                            "        return -EBUSY;\n");
  std::string After = Dir.file("after.c", "/* A new comment\n * above. */\n"
                                          "int f(void)\n{\n"
                                          "    pod_lock(p2m);\n"
                                          "    if ( busy )\n"
                                          "\treturn   -EBUSY;  \n");
  // The message names a line, as messages do; it must not matter either.
  std::string Old = fingerprintOf(leakAt(Before, 5, "held since line 3"));
  std::string New = fingerprintOf(leakAt(After, 7, "held since line 5"));
  EXPECT_EQ(Old, New);
}

TEST(SarifWriterTest, FingerprintFollowsTheSourceText) {
  ScratchDir Dir;
  std::string File = Dir.file("a.c", "    return -EBUSY;\n"
                                     "    return -EINVAL;\n");
  Finding A = leakAt(File, 1, "leak");
  Finding B = leakAt(File, 2, "leak");
  EXPECT_NE(fingerprintOf(A), fingerprintOf(B));

  // Check, function and locks are part of it too.
  Finding OtherLock = A;
  OtherLock.Locks = {"page_alloc_lock"};
  EXPECT_NE(fingerprintOf(A), fingerprintOf(OtherLock));
  Finding OtherFunction = A;
  OtherFunction.Function = "p2m_pod_empty_cache";
  EXPECT_NE(fingerprintOf(A), fingerprintOf(OtherFunction));
  // Lock order in the finding is report order, not identity.
  Finding Two = A, Swapped = A;
  Two.Locks = {"a", "b"};
  Swapped.Locks = {"b", "a"};
  EXPECT_EQ(fingerprintOf(Two), fingerprintOf(Swapped));
}

TEST(SarifWriterTest, FingerprintReadsRelativePathsUnderTheRoot) {
  ScratchDir Dir;
  Dir.file("a.c", "    return -EBUSY;\n    return -EINVAL;\n");
  // Same text through a relative path under the root, and absolute.
  EXPECT_EQ(fingerprintOf(leakAt("a.c", 1, "x"), Dir.Path),
            fingerprintOf(leakAt(Dir.Path + "/a.c", 1, "y")));
  EXPECT_NE(fingerprintOf(leakAt("a.c", 1, "x"), Dir.Path),
            fingerprintOf(leakAt("a.c", 2, "x"), Dir.Path));
}

TEST(SarifWriterTest, FingerprintWithoutSourceUsesTheMessageWithoutNumbers) {
  std::string Missing = "/nonexistent/lockwise/p2m-pod.c";
  EXPECT_EQ(fingerprintOf(leakAt(Missing, 12, "held since line 3")),
            fingerprintOf(leakAt(Missing, 40, "held since line 31")));
  EXPECT_NE(fingerprintOf(leakAt(Missing, 12, "held since line 3")),
            fingerprintOf(leakAt(Missing, 12, "taken at line 3")));
}

TEST(SarifWriterTest, IdenticalLinesInOneFunctionGetDistinctFingerprints) {
  ScratchDir Dir;
  std::string File = Dir.file("a.c", "    pod_unlock(p2m);\n"
                                     "    x = 1;\n"
                                     "    pod_unlock(p2m);\n");
  ReportInput In;
  Finding A = leakAt(File, 1, "double unlock");
  A.Check = "double-unlock";
  Finding B = A;
  B.Line = 3;
  In.Findings = {B, A};
  Json Results = sarifOf(In)["runs"][0]["results"];
  std::string First = Results[0]["partialFingerprints"]["lockwise/v1"];
  std::string Second = Results[1]["partialFingerprints"]["lockwise/v1"];
  EXPECT_EQ(First.substr(0, 16), Second.substr(0, 16));
  EXPECT_EQ(First.substr(16), ":1");
  EXPECT_EQ(Second.substr(16), ":2");
}

TEST(SarifWriterTest, ChecksWithoutDescriptionsAreDescribedByTheirId) {
  ReportInput In;
  Finding A = leakAt("a.c", 1, "x");
  Finding B = leakAt("b.c", 1, "y");
  B.Check = "double-lock";
  In.Findings = {A, B, A};
  Json Rules = sarifOf(In)["runs"][0]["tool"]["driver"]["rules"];
  ASSERT_EQ(Rules.size(), 2u);
  EXPECT_EQ(Rules[0]["id"], "double-lock");
  EXPECT_EQ(Rules[0]["shortDescription"]["text"], "double-lock");
  EXPECT_EQ(Rules[0]["fullDescription"]["text"], "double-lock");
  EXPECT_EQ(Rules[1]["id"], "lock-leak");
}

TEST(SarifWriterTest, DescribedRulesAreListedEvenWithoutFindings) {
  ReportInput In;
  In.Rules = {{"stall", "No progress.", "A thread made no progress.", ""}};
  Json Doc = sarifOf(In);
  Json Rules = Doc["runs"][0]["tool"]["driver"]["rules"];
  ASSERT_EQ(Rules.size(), 1u);
  EXPECT_EQ(Rules[0]["fullDescription"]["text"], "A thread made no progress.");
  EXPECT_TRUE(Doc["runs"][0]["results"].empty());
}

TEST(SarifWriterTest, PathsWithoutARootAreKeptAsGivenAsUris) {
  ReportInput In;
  In.Findings = {leakAt("xen/arch/x86/mm/p2m-pod.c", 3, "x"),
                 leakAt("/src/xen/my file.c", 3, "y")};
  Json Results = sarifOf(In)["runs"][0]["results"];
  const Json &Absolute =
      Results[0]["locations"][0]["physicalLocation"]["artifactLocation"];
  const Json &Relative =
      Results[1]["locations"][0]["physicalLocation"]["artifactLocation"];
  EXPECT_EQ(Absolute["uri"], "file:///src/xen/my%20file.c");
  EXPECT_FALSE(Absolute.contains("uriBaseId"));
  EXPECT_EQ(Relative["uri"], "xen/arch/x86/mm/p2m-pod.c");
  EXPECT_FALSE(Relative.contains("uriBaseId"));

  // Under a root they become relative to it; outside it they stay absolute.
  In.SourceRoot = "/src/xen/";
  Results = sarifOf(In)["runs"][0]["results"];
  const Json &UnderRoot =
      Results[0]["locations"][0]["physicalLocation"]["artifactLocation"];
  EXPECT_EQ(UnderRoot["uri"], "my%20file.c");
  EXPECT_EQ(UnderRoot["uriBaseId"], "%SRCROOT%");
}

TEST(SarifWriterTest, RuntimeFindingPointsAtItsInnermostFrame) {
  ReportInput In = test::sampleReport(/*WithReview=*/false);
  Json Doc = sarifOf(In);
  const Json *Stall = nullptr;
  for (const Json &R : Doc["runs"][0]["results"])
    if (R["ruleId"] == "stall")
      Stall = &R;
  ASSERT_NE(Stall, nullptr);
  const Json &Location = (*Stall)["locations"][0];
  EXPECT_EQ(Location["physicalLocation"]["artifactLocation"]["uri"],
            "drivers/xen/xenbus/xenbus_xs.c");
  EXPECT_EQ(Location["physicalLocation"]["region"]["startLine"], 9);
  EXPECT_EQ(Location["logicalLocations"][0]["name"], "read_reply");
  // The frame without a file is in the thread flow but is no related
  // location.
  EXPECT_EQ((*Stall)["relatedLocations"].size(), 1u);
  EXPECT_EQ((*Stall)["codeFlows"][0]["threadFlows"][0]["locations"].size(), 2u);
}

TEST(SarifWriterTest, FailedTranslationUnitsMakeTheRunUnsuccessful) {
  ReportInput In;
  EXPECT_EQ(sarifOf(In)["runs"][0]["invocations"][0]["executionSuccessful"],
            true);
  In.Stats.Failed = 2;
  EXPECT_EQ(sarifOf(In)["runs"][0]["invocations"][0]["executionSuccessful"],
            false);
}

} // namespace
