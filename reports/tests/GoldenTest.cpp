//===- GoldenTest.cpp - Review and CI formats compared byte for byte ------===//
//
// The sample report (SampleReport.h) in each format must equal the file under
// golden/ exactly.  After an intended change, regenerate them with
//
//   LOCKWISE_UPDATE_GOLDEN=1 build/bin/reports_tests --gtest_filter='Golden*'
//
// and review the diff like code.
//
//===----------------------------------------------------------------------===//

#include "SampleReport.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

using namespace lockwise;

namespace {

struct GoldenCase {
  const char *File;
  const char *Format;
  bool WithReview;
};

/// Names the case in gtest's failure messages.
void PrintTo(const GoldenCase &C, std::ostream *OS) { *OS << C.File; }

std::string render(const char *Format, const ReportInput &In) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  if (llvm::Error E = writeReport(Format, In, OS))
    ADD_FAILURE() << llvm::toString(std::move(E));
  return Out;
}

bool updating() {
  const char *Update = std::getenv("LOCKWISE_UPDATE_GOLDEN");
  return Update && std::string(Update) == "1";
}

class GoldenTest : public testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, MatchesByteForByte) {
  const GoldenCase &C = GetParam();
  std::string Actual = render(C.Format, test::sampleReport(C.WithReview));
  std::string Path = test::testsDir() + "/golden/" + C.File;

  if (updating()) {
    std::error_code EC;
    llvm::raw_fd_ostream OS(Path, EC);
    ASSERT_FALSE(EC) << Path << ": " << EC.message();
    OS << Actual;
    GTEST_SKIP() << "updated " << Path;
  }

  auto Expected = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false);
  ASSERT_TRUE(static_cast<bool>(Expected))
      << Path << " is missing; create it with LOCKWISE_UPDATE_GOLDEN=1";
  EXPECT_EQ(Actual, (*Expected)->getBuffer().str())
      << "the " << C.Format << " output differs from " << Path
      << "; if the change is intended, regenerate with "
         "LOCKWISE_UPDATE_GOLDEN=1 and review the diff";
}

INSTANTIATE_TEST_SUITE_P(
    Formats, GoldenTest,
    testing::Values(GoldenCase{"sample.sarif", "sarif", false},
                    GoldenCase{"sample.rdjson", "rdjson", false},
                    GoldenCase{"sample-review.rdjson", "rdjson", true},
                    GoldenCase{"sample-review.github.json", "github", true},
                    GoldenCase{"sample.github.json", "github", false},
                    GoldenCase{"sample-review.mail", "mail", true}),
    [](const testing::TestParamInfo<GoldenCase> &Info) {
      std::string Name = Info.param.File;
      std::replace_if(
          Name.begin(), Name.end(), [](char C) { return !std::isalnum(C); },
          '_');
      return Name;
    });

TEST(GoldenInputTest, EveryFormatIgnoresInputOrder) {
  for (const char *Format : {"sarif", "rdjson", "github", "mail", "html"}) {
    ReportInput In = test::sampleReport(/*WithReview=*/true);
    std::string Expected = render(Format, In);
    std::reverse(In.Findings.begin(), In.Findings.end());
    In.Findings.push_back(In.Findings.front()); // Duplicates are dropped.
    EXPECT_EQ(render(Format, In), Expected) << Format;
  }
}

} // namespace
