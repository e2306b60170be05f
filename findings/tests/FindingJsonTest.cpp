//===- FindingJsonTest.cpp - One finding in the findings JSON -------------===//

#include "lockwise/FindingJson.h"

#include <gtest/gtest.h>

using namespace lockwise;
using Json = nlohmann::json;

namespace {

Finding sampleFinding() {
  Finding F;
  F.Check = "order-inversion";
  F.Sev = Severity::Error;
  F.Message = "'p2m_domain.pod.lock' acquired while holding 'page_alloc_lock'";
  F.File = "xen/arch/x86/mm/p2m-pod.c";
  F.Line = 512;
  F.Column = 5;
  F.Function = "p2m_pod_cache_add";
  F.Locks = {"page_alloc_lock", "p2m_domain.pod.lock"};
  F.Trace = {{"xen/common/page_alloc.c", 2301, 5, "'page_alloc_lock' acquired here"},
             {"", 0, 0, "declared order: pod before page_alloc"}};
  F.Fingerprint = computeFingerprint(F);
  return F;
}

/// What a reader gets: the text, parsed again.
Json reparsed(const Finding &F) { return Json::parse(findingToJson(F).dump()); }

std::string problemOf(const Json &J) {
  std::string Problem;
  EXPECT_FALSE(findingFromJson(J, &Problem));
  return Problem;
}

TEST(FindingJsonTest, KeysInContractOrder) {
  Finding F = sampleFinding();
  F.Trace.pop_back();
  F.Fingerprint = "00112233aabbccdd";
  EXPECT_EQ(findingToJson(F).dump(),
            "{\"check\":\"order-inversion\",\"severity\":\"error\","
            "\"message\":\"'p2m_domain.pod.lock' acquired while holding "
            "'page_alloc_lock'\",\"file\":\"xen/arch/x86/mm/p2m-pod.c\","
            "\"line\":512,\"column\":5,\"function\":\"p2m_pod_cache_add\","
            "\"locks\":[\"page_alloc_lock\",\"p2m_domain.pod.lock\"],"
            "\"trace\":[{\"file\":\"xen/common/page_alloc.c\",\"line\":2301,"
            "\"column\":5,\"message\":\"'page_alloc_lock' acquired here\"}],"
            "\"fingerprint\":\"00112233aabbccdd\"}");
}

TEST(FindingJsonTest, EmptyListsAreWrittenAndFingerprintIsNotComputed) {
  Json J = reparsed(Finding());
  EXPECT_TRUE(J["locks"].is_array() && J["locks"].empty());
  EXPECT_TRUE(J["trace"].is_array() && J["trace"].empty());
  EXPECT_EQ(J["fingerprint"], "");
  EXPECT_EQ(J["severity"], "warning");
}

TEST(FindingJsonTest, RoundTrip) {
  Finding F = sampleFinding();
  std::string Problem;
  std::optional<Finding> Back = findingFromJson(reparsed(F), &Problem);
  ASSERT_TRUE(Back) << Problem;
  EXPECT_EQ(*Back, F);
  // And the same bytes a second time round.
  EXPECT_EQ(findingToJson(*Back).dump(2), findingToJson(F).dump(2));

  for (Severity S : {Severity::Error, Severity::Warning, Severity::Note}) {
    Finding G = F;
    G.Sev = S;
    EXPECT_EQ(findingFromJson(reparsed(G)), G);
  }
  Finding Empty;
  Empty.Check = "double-lock";
  EXPECT_EQ(findingFromJson(reparsed(Empty)), Empty);
}

TEST(FindingJsonTest, OnlyTheContractsRequiredKeysAreRequired) {
  // Parsed, as a reader gets it: a literal 3 in C++ would be a signed int.
  Json J = Json::parse(R"({"check": "double-lock", "severity": "note",
      "message": "m", "file": "a.c", "line": 3,
      "extension": {"from": "another tool"}})");
  std::string Problem;
  std::optional<Finding> F = findingFromJson(J, &Problem);
  ASSERT_TRUE(F) << Problem;
  EXPECT_EQ(F->Sev, Severity::Note);
  EXPECT_EQ(F->Line, 3u);
  EXPECT_EQ(F->Column, 0u);
  EXPECT_TRUE(F->Fingerprint.empty());

  Json NoLine = J;
  NoLine.erase("line");
  EXPECT_EQ(problemOf(NoLine), "line: missing");
}

TEST(FindingJsonTest, ProblemsNameTheirPath) {
  Json Good = reparsed(sampleFinding());
  EXPECT_EQ(problemOf(Json::array()), "top level: expected an object");

  Json BadSeverity = Good;
  BadSeverity["severity"] = "fatal";
  EXPECT_EQ(problemOf(BadSeverity),
            "severity: expected \"error\", \"warning\" or \"note\"");

  Json NegativeLine = Good;
  NegativeLine["line"] = -1;
  EXPECT_EQ(problemOf(NegativeLine), "line: expected an unsigned integer");

  Json BadLock = Good;
  BadLock["locks"][1] = 7;
  EXPECT_EQ(problemOf(BadLock), "locks[1]: expected a string");

  Json BadStep = Good;
  BadStep["trace"][1]["line"] = "12";
  EXPECT_EQ(problemOf(BadStep), "trace[1].line: expected an unsigned integer");

  // Inside a report, the reader's path comes first.
  JsonObjectReader Root(Json::object(), "");
  findingFromJson(BadStep, "findings[4]", Root);
  EXPECT_EQ(Root.problem(),
            "findings[4].trace[1].line: expected an unsigned integer");
}

} // namespace
