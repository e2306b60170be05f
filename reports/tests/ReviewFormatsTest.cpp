//===- ReviewFormatsTest.cpp - mail, rdjson and github placement ----------===//
//
// The goldens pin the exact bytes; these tests pin the rules behind them:
// what goes on which line of the patch, and what each format needs.
//
//===----------------------------------------------------------------------===//

#include "SampleReport.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

using namespace lockwise;
using Json = nlohmann::json;

namespace {

std::string render(const char *Format, const ReportInput &In) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  if (llvm::Error E = writeReport(Format, In, OS))
    ADD_FAILURE() << llvm::toString(std::move(E));
  return Out;
}

/// (path, line) of every line on the new side of the patch's hunks,
/// computed here independently of the writers.
std::set<std::pair<std::string, unsigned>>
newSideLines(const ReviewContext &Review) {
  std::set<std::pair<std::string, unsigned>> Lines;
  for (const PatchHunk &H : Review.Hunks) {
    unsigned N = H.NewStart;
    for (const std::string &L : H.Lines)
      if (L[0] == ' ' || L[0] == '+')
        Lines.insert({H.File, N++});
  }
  return Lines;
}

TEST(MailWriterTest, NeedsAReviewAndWritesNothingWithout) {
  ReportInput In = test::sampleReport(/*WithReview=*/false);
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  llvm::Error E = writeReport("mail", In, OS);
  ASSERT_TRUE(static_cast<bool>(E));
  EXPECT_NE(llvm::toString(std::move(E)).find("needs"), std::string::npos);
  EXPECT_EQ(Out, "");

  In = test::sampleReport(/*WithReview=*/true);
  In.Review->MessageId.clear();
  E = writeReport("mail", In, OS);
  ASSERT_TRUE(static_cast<bool>(E));
  EXPECT_NE(llvm::toString(std::move(E)).find("Message-Id"), std::string::npos);
  EXPECT_EQ(Out, "");
}

TEST(MailWriterTest, ThreadsUnderThePatchMail) {
  std::string Mail = render("mail", test::sampleReport(/*WithReview=*/true));
  llvm::StringRef Headers = llvm::StringRef(Mail).split("\n\n").first;
  EXPECT_TRUE(Headers.starts_with("Subject: Re: [PATCH 3/5] Rework locking"));
  EXPECT_TRUE(Headers.contains(
      "\nIn-Reply-To: <20240312092231.4711-4-ana.perez@example.org>\n"));
  EXPECT_TRUE(Headers.contains(
      "\nReferences: <20240312092231.4711-4-ana.perez@example.org>\n"));
  // Headers are ASCII, folded within 78 columns.
  llvm::SmallVector<llvm::StringRef> Lines;
  Headers.split(Lines, '\n');
  for (llvm::StringRef L : Lines) {
    EXPECT_LE(L.size(), 78u) << L.str();
    for (char C : L)
      EXPECT_LT(static_cast<unsigned char>(C), 0x80) << L.str();
  }
}

TEST(MailWriterTest, WritesEachFindingUnderItsLine) {
  std::string Mail = render("mail", test::sampleReport(/*WithReview=*/true));
  // The added pod_lock() and right under it the inversion, with its chain
  // and the reproduce line.
  EXPECT_NE(Mail.find("> +    pod_lock(p2m);\n"
                      "\n"
                      "xen/arch/x86/mm/p2m-pod.c:19:5: error: "
                      "'p2m_domain.pod.lock' acquired while holding "
                      "'page_alloc_lock', against the declared order p2m > "
                      "pod > page_alloc [order-inversion]\n"
                      "  xen/arch/x86/mm/p2m-pod.c:18:5: note: "
                      "'page_alloc_lock' acquired here\n"),
            std::string::npos)
      << Mail;
  EXPECT_NE(Mail.find("  reproduce: lockwise check -p build --rules "
                      "rules/xen-mm.jsonc xen/arch/x86/mm/p2m-pod.c\n"),
            std::string::npos);
  // Reported at line 70, outside the patch: placed on its witness step.
  EXPECT_NE(Mail.find("acquired here in p2m_pod_zero_check()  <-- this line"),
            std::string::npos);
  // Not shown by the patch: after the quote; other files: counted.
  size_t Elsewhere = Mail.find("Elsewhere in the files this patch touches:");
  ASSERT_NE(Elsewhere, std::string::npos);
  EXPECT_GT(Mail.find("[lock-leak]"), Elsewhere);
  EXPECT_EQ(Mail.find("[order-cycle]"), std::string::npos);
  EXPECT_NE(Mail.find("2 further findings are in files this patch does not "
                      "touch."),
            std::string::npos);
}

TEST(MailWriterTest, SaysSoWhenThePatchIsClean) {
  ReportInput In = test::sampleReport(/*WithReview=*/true);
  In.Findings.clear();
  std::string Mail = render("mail", In);
  EXPECT_NE(Mail.find("lockwise 0.1.0 found nothing to report in this patch."),
            std::string::npos);
  EXPECT_EQ(Mail.find("> "), std::string::npos);
}

TEST(MailWriterTest, EncodesNonAsciiHeaders) {
  ReportInput In = test::sampleReport(/*WithReview=*/true);
  In.Review->Subject = "[PATCH] Réparer le verrou";
  In.Review->MessageId = "abc@example.org";
  std::string Mail = render("mail", In);
  EXPECT_NE(Mail.find("Subject: =?UTF-8?q?Re=3A=20=5BPATCH=5D=20R=C3=A9parer="
                      "20le=20verrou?=\n"),
            std::string::npos)
      << Mail.substr(0, 300);
  EXPECT_NE(Mail.find("In-Reply-To: <abc@example.org>\n"), std::string::npos);
  EXPECT_NE(Mail.find("To: =?UTF-8?q?Ana=20Mar=C3=ADa=20P=C3=A9rez?= "
                      "<ana.perez@example.org>\n"),
            std::string::npos);
}

TEST(GithubWriterTest, CommentsOnlyOnLinesOfTheDiff) {
  ReportInput In = test::sampleReport(/*WithReview=*/true);
  Json Review = Json::parse(render("github", In));
  EXPECT_EQ(Review["event"], "COMMENT");
  std::set<std::pair<std::string, unsigned>> OnDiff = newSideLines(*In.Review);
  ASSERT_EQ(Review["comments"].size(), 3u);
  for (const Json &C : Review["comments"]) {
    EXPECT_EQ(C["side"], "RIGHT");
    EXPECT_TRUE(OnDiff.count({C["path"], C["line"]}))
        << C["path"] << ":" << C["line"];
  }
  EXPECT_EQ(Review["comments"][2]["line"], 58); // held-across, via witness
  std::string Body = Review["body"];
  EXPECT_NE(Body.find("Outside the lines of this change"), std::string::npos);
  EXPECT_NE(Body.find("`xen/arch/x86/mm/p2m-pod.c:79:9`"), std::string::npos);
  EXPECT_NE(Body.find("[`order-cycle`]"), std::string::npos);
}

TEST(GithubWriterTest, WithoutAReviewEveryLocatedFindingIsAComment) {
  ReportInput In = test::sampleReport(/*WithReview=*/false);
  Json Review = Json::parse(render("github", In));
  ASSERT_EQ(Review["comments"].size(), 5u); // All but the runtime stall.
  for (const Json &C : Review["comments"]) {
    EXPECT_EQ(C["side"], "RIGHT");
    EXPECT_FALSE(
        llvm::StringRef(C["path"].get<std::string>()).starts_with("/"));
  }
  EXPECT_NE(Review["body"].get<std::string>().find("[`stall`]"),
            std::string::npos);
}

TEST(GithubWriterTest, MatchesPatchPathsByTheirTailWithoutARoot) {
  ReportInput In = test::sampleReport(/*WithReview=*/true);
  In.SourceRoot.clear();
  Finding Lookalike = In.Findings[0];
  // Same tail, but not on a path component boundary.
  Lookalike.File = "/elsewhere/myxen/arch/x86/mm/p2m-pod.c";
  Lookalike.Trace.clear();
  In.Findings.push_back(Lookalike);
  Json Review = Json::parse(render("github", In));
  ASSERT_EQ(Review["comments"].size(), 3u);
  for (const Json &C : Review["comments"])
    EXPECT_EQ(C["path"], "xen/arch/x86/mm/p2m-pod.c");
  EXPECT_NE(Review["body"].get<std::string>().find("myxen"), std::string::npos);
}

TEST(GithubWriterTest, EscapesMarkdownButNotLockNames) {
  ReportInput In;
  Finding F;
  F.Check = "double-lock";
  F.File = "a.c";
  F.Line = 3;
  F.Message = "double lock of '*p->__lock' in p2m_domain [sic] <x>";
  In.Findings = {F};
  Json Review = Json::parse(render("github", In));
  std::string Body = Review["comments"][0]["body"];
  EXPECT_NE(Body.find("double lock of '\\*p->\\_\\_lock' in p2m_domain "
                      "\\[sic\\] \\<x>"),
            std::string::npos)
      << Body;
}

TEST(RdjsonWriterTest, DiagnosticsWithRangesAndRelatedLocations) {
  ReportInput In = test::sampleReport(/*WithReview=*/false);
  Json Doc = Json::parse(render("rdjson", In));
  EXPECT_EQ(Doc["source"]["name"], "lockwise");
  ASSERT_EQ(Doc["diagnostics"].size(), In.Findings.size());
  for (const Json &D : Doc["diagnostics"]) {
    EXPECT_TRUE(D["severity"] == "ERROR" || D["severity"] == "WARNING" ||
                D["severity"] == "INFO");
    EXPECT_TRUE(D["code"]["value"].is_string());
    EXPECT_TRUE(D["related_locations"].is_array());
  }
  const Json *Inversion = nullptr;
  for (const Json &D : Doc["diagnostics"])
    if (D["code"]["value"] == "order-inversion")
      Inversion = &D;
  ASSERT_NE(Inversion, nullptr);
  // "    pod_lock(p2m);": from column 5 to just past the ';' (exclusive).
  EXPECT_EQ((*Inversion)["location"]["path"], "xen/arch/x86/mm/p2m-pod.c");
  EXPECT_EQ((*Inversion)["location"]["range"]["start"]["line"], 19);
  EXPECT_EQ((*Inversion)["location"]["range"]["start"]["column"], 5);
  EXPECT_EQ((*Inversion)["location"]["range"]["end"]["line"], 19);
  EXPECT_EQ((*Inversion)["location"]["range"]["end"]["column"], 19);
  EXPECT_EQ((*Inversion)["code"]["url"], "docs/checks/order-inversion.md");
  ASSERT_EQ((*Inversion)["related_locations"].size(), 2u);
  EXPECT_EQ((*Inversion)["related_locations"][0]["message"],
            "'page_alloc_lock' acquired here");
  EXPECT_EQ((*Inversion)["related_locations"][0]["location"]["range"]["start"]
                        ["line"],
            18);
}

TEST(RdjsonWriterTest, AReviewMovesAFindingOntoItsWitnessOnTheDiff) {
  auto HeldAcross = [](const Json &Doc) {
    for (const Json &D : Doc["diagnostics"])
      if (D["code"]["value"] == "held-across")
        return D;
    return Json();
  };
  Json Plain = HeldAcross(
      Json::parse(render("rdjson", test::sampleReport(/*WithReview=*/false))));
  EXPECT_EQ(Plain["location"]["range"]["start"]["line"], 70);

  Json Moved = HeldAcross(
      Json::parse(render("rdjson", test::sampleReport(/*WithReview=*/true))));
  EXPECT_EQ(Moved["location"]["range"]["start"]["line"], 58);
  ASSERT_EQ(Moved["related_locations"].size(), 3u);
  EXPECT_EQ(Moved["related_locations"][0]["message"], "reported here");
  EXPECT_EQ(Moved["related_locations"][0]["location"]["range"]["start"]["line"],
            70);
}

} // namespace
