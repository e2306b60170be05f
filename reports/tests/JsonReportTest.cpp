//===- JsonReportTest.cpp - The findings JSON contract and its reader -----===//

#include "lockwise/Report.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace lockwise;
using Json = nlohmann::ordered_json;

namespace {

ReportInput sampleReport() {
  ReportInput In;
  In.ToolVersion = "0.1.0";
  In.Stats = {/*TranslationUnits=*/64, /*Failed=*/1, /*Functions=*/900,
              /*Seconds=*/2.5, /*Suppressed=*/0};
  Finding F;
  F.Check = "order-cycle";
  F.Sev = Severity::Error;
  F.Message = "lock cycle 'xenwatch_mutex' -> 'xs_response_mutex'";
  F.File = "drivers/xen/xenbus/xenbus_xs.c";
  F.Line = 812;
  F.Column = 3;
  F.Function = "xenwatch_thread";
  F.Locks = {"xenwatch_mutex", "xs_response_mutex"};
  F.Trace = {{"drivers/xen/xenbus/xenbus_xs.c", 700, 2, "acquired here"},
             {"drivers/xen/xenbus/xenbus_xs.c", 812, 3, "then here"}};
  In.Findings = {F};
  return In;
}

std::string toJson(const ReportInput &In) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  cantFail(writeReport("json", In, OS));
  return Out;
}

std::vector<std::string> keysOf(const Json &Object) {
  std::vector<std::string> Keys;
  for (auto It = Object.begin(); It != Object.end(); ++It)
    Keys.push_back(It.key());
  return Keys;
}

using Keys = std::vector<std::string>;

TEST(JsonWriterTest, ExactContractShape) {
  Json Doc = Json::parse(toJson(sampleReport()));
  EXPECT_EQ(keysOf(Doc), (Keys{"tool", "findings", "stats"}));
  EXPECT_EQ(keysOf(Doc["tool"]), (Keys{"name", "version"}));
  EXPECT_EQ(Doc["tool"]["name"], "lockwise");
  EXPECT_EQ(Doc["tool"]["version"], "0.1.0");

  ASSERT_TRUE(Doc["findings"].is_array());
  ASSERT_EQ(Doc["findings"].size(), 1u);
  const Json &F = Doc["findings"][0];
  EXPECT_EQ(keysOf(F),
            (Keys{"check", "severity", "message", "file", "line", "column",
                  "function", "locks", "trace", "fingerprint"}));
  EXPECT_EQ(F["check"], "order-cycle");
  EXPECT_EQ(F["severity"], "error");
  EXPECT_TRUE(F["message"].is_string());
  EXPECT_EQ(F["file"], "drivers/xen/xenbus/xenbus_xs.c");
  EXPECT_TRUE(F["line"].is_number_unsigned());
  EXPECT_EQ(F["line"], 812);
  EXPECT_TRUE(F["column"].is_number_unsigned());
  EXPECT_EQ(F["column"], 3);
  EXPECT_EQ(F["function"], "xenwatch_thread");
  EXPECT_EQ(F["locks"], Json::array({"xenwatch_mutex", "xs_response_mutex"}));
  ASSERT_TRUE(F["trace"].is_array());
  ASSERT_EQ(F["trace"].size(), 2u);
  for (const Json &Step : F["trace"]) {
    EXPECT_EQ(keysOf(Step), (Keys{"file", "line", "column", "message"}));
    EXPECT_TRUE(Step["file"].is_string());
    EXPECT_TRUE(Step["line"].is_number_unsigned());
    EXPECT_TRUE(Step["column"].is_number_unsigned());
    EXPECT_TRUE(Step["message"].is_string());
  }
  EXPECT_EQ(F["trace"][0]["line"], 700);
  EXPECT_EQ(F["fingerprint"], computeFingerprint(sampleReport().Findings[0]));

  EXPECT_EQ(keysOf(Doc["stats"]),
            (Keys{"translation_units", "failed", "functions", "seconds"}));
  EXPECT_EQ(Doc["stats"]["translation_units"], 64);
  EXPECT_EQ(Doc["stats"]["failed"], 1);
  EXPECT_EQ(Doc["stats"]["functions"], 900);
  EXPECT_TRUE(Doc["stats"]["seconds"].is_number_float());
  EXPECT_DOUBLE_EQ(Doc["stats"]["seconds"].get<double>(), 2.5);
}

TEST(JsonWriterTest, ExactBytes) {
  ReportInput In;
  In.ToolVersion = "0.1.0";
  In.Stats.TranslationUnits = 2;
  In.Stats.Seconds = 0.12345;
  Finding F;
  F.Check = "double-lock";
  F.Message = "'xb_write_mutex' acquired twice";
  F.File = "xenbus_comms.c";
  F.Line = 7;
  F.Column = 2;
  F.Function = "xb_write";
  F.Locks = {"xb_write_mutex"};
  F.Trace = {{"xenbus_comms.c", 5, 2, "first acquired here"}};
  F.Fingerprint = "00112233aabbccdd";
  In.Findings = {F};
  EXPECT_EQ(toJson(In), R"({
  "tool": {
    "name": "lockwise",
    "version": "0.1.0"
  },
  "findings": [
    {
      "check": "double-lock",
      "severity": "warning",
      "message": "'xb_write_mutex' acquired twice",
      "file": "xenbus_comms.c",
      "line": 7,
      "column": 2,
      "function": "xb_write",
      "locks": [
        "xb_write_mutex"
      ],
      "trace": [
        {
          "file": "xenbus_comms.c",
          "line": 5,
          "column": 2,
          "message": "first acquired here"
        }
      ],
      "fingerprint": "00112233aabbccdd"
    }
  ],
  "stats": {
    "translation_units": 2,
    "failed": 0,
    "functions": 0,
    "seconds": 0.123
  }
}
)");
}

TEST(JsonWriterTest, EmptyListsStayArrays) {
  ReportInput In;
  Finding F;
  F.Check = "lock-leak";
  F.Message = "leak";
  F.File = "a.c";
  In.Findings = {F};
  Json Doc = Json::parse(toJson(In));
  EXPECT_TRUE(Doc["findings"][0]["locks"].is_array());
  EXPECT_TRUE(Doc["findings"][0]["trace"].is_array());
  EXPECT_TRUE(Json::parse(toJson(ReportInput()))["findings"].is_array());
}

TEST(JsonWriterTest, SuppressedOnlyWhenNonZero) {
  ReportInput In = sampleReport();
  EXPECT_FALSE(Json::parse(toJson(In))["stats"].contains("suppressed"));
  In.Stats.Suppressed = 3;
  Json Stats = Json::parse(toJson(In))["stats"];
  EXPECT_EQ(keysOf(Stats), (Keys{"translation_units", "failed", "functions",
                                 "seconds", "suppressed"}));
  EXPECT_EQ(Stats["suppressed"], 3);
}

TEST(JsonWriterTest, KeepsGivenFingerprint) {
  ReportInput In = sampleReport();
  In.Findings[0].Fingerprint = "from-runtime";
  EXPECT_EQ(Json::parse(toJson(In))["findings"][0]["fingerprint"],
            "from-runtime");
}

TEST(JsonWriterTest, InvalidUtf8IsReplacedNotFatal) {
  ReportInput In = sampleReport();
  In.Findings[0].Message = "caf\xe9 lock";
  Json Doc = Json::parse(toJson(In));
  EXPECT_EQ(Doc["findings"][0]["message"], "caf\xef\xbf\xbd lock");
}

TEST(JsonReaderTest, RoundTrips) {
  ReportInput In = sampleReport();
  In.Stats.Suppressed = 2;
  llvm::Expected<ReportInput> Back = readJsonReport(toJson(In));
  ASSERT_TRUE(static_cast<bool>(Back)) << llvm::toString(Back.takeError());
  EXPECT_EQ(Back->ToolVersion, "0.1.0");
  EXPECT_EQ(Back->Findings, normalizedFindings(In.Findings));
  EXPECT_EQ(Back->Stats.TranslationUnits, 64u);
  EXPECT_EQ(Back->Stats.Failed, 1u);
  EXPECT_EQ(Back->Stats.Functions, 900u);
  EXPECT_DOUBLE_EQ(Back->Stats.Seconds, 2.5);
  EXPECT_EQ(Back->Stats.Suppressed, 2u);
  // And writing what was read gives the same bytes.
  EXPECT_EQ(toJson(*Back), toJson(In));
}

TEST(JsonReaderTest, OptionalFieldsMayBeAbsent) {
  llvm::Expected<ReportInput> R = readJsonReport(R"({"findings":[
    {"check":"stall","severity":"warning","message":"m","file":"f.c","line":4}
  ]})");
  ASSERT_TRUE(static_cast<bool>(R)) << llvm::toString(R.takeError());
  ASSERT_EQ(R->Findings.size(), 1u);
  EXPECT_EQ(R->Findings[0].Column, 0u);
  EXPECT_TRUE(R->Findings[0].Locks.empty());
  EXPECT_TRUE(R->Findings[0].Fingerprint.empty());
  EXPECT_EQ(R->Stats.TranslationUnits, 0u);
}

std::string readError(llvm::StringRef Text) {
  llvm::Expected<ReportInput> R = readJsonReport(Text);
  if (R)
    return "";
  return llvm::toString(R.takeError());
}

TEST(JsonReaderTest, ErrorsNameTheBadValue) {
  EXPECT_NE(readError("{\"findings\": [").find("invalid findings JSON"),
            std::string::npos);
  EXPECT_NE(readError("[]").find("top level: expected an object"),
            std::string::npos);
  EXPECT_NE(readError("{}").find("findings: missing"), std::string::npos);
  EXPECT_NE(readError(R"({"findings":[{"check":"c","severity":"warning",
              "message":"m","file":"f","line":-3}]})")
                .find("findings[0].line: expected an unsigned integer"),
            std::string::npos);
  EXPECT_NE(readError(R"({"findings":[{"check":"c","severity":"fatal",
              "message":"m","file":"f","line":3}]})")
                .find("findings[0].severity"),
            std::string::npos);
  EXPECT_NE(readError(R"({"findings":[{"check":"c","severity":"note",
              "message":"m","file":"f","line":3,"locks":["a",7]}]})")
                .find("findings[0].locks[1]: expected a string"),
            std::string::npos);
  EXPECT_NE(readError(R"({"findings":[{"check":"c","severity":"note",
              "message":"m","file":"f","line":3,"trace":[{"line":"x"}]}]})")
                .find("findings[0].trace[0].line"),
            std::string::npos);
  EXPECT_NE(readError(R"({"findings":[],"stats":{"seconds":"slow"}})")
                .find("stats.seconds: expected a number"),
            std::string::npos);
}

} // namespace
