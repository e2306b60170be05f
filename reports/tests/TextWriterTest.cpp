//===- TextWriterTest.cpp - The text format and the writer registry -------===//

#include "lockwise/Report.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace lockwise;

namespace {

std::string render(llvm::StringRef Format, const ReportInput &Input) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  if (llvm::Error E = writeReport(Format, Input, OS))
    ADD_FAILURE() << llvm::toString(std::move(E));
  return Out;
}

ReportInput sampleReport() {
  ReportInput In;
  In.ToolVersion = "0.1.0";
  In.Stats.TranslationUnits = 64;

  Finding Inversion;
  Inversion.Check = "order-inversion";
  Inversion.Sev = Severity::Error;
  Inversion.Message = "'p2m_domain.pod.lock' acquired while holding "
                      "'page_alloc_lock', against the declared order";
  Inversion.File = "xen/arch/x86/mm/p2m-pod.c";
  Inversion.Line = 512;
  Inversion.Column = 5;
  Inversion.Locks = {"page_alloc_lock", "p2m_domain.pod.lock"};
  Inversion.Trace = {
      {"xen/common/page_alloc.c", 2301, 5, "'page_alloc_lock' acquired here"},
      {"xen/arch/x86/mm/p2m-pod.c", 512, 5,
       "'p2m_domain.pod.lock' acquired "
       "here"}};

  Finding Unlock;
  Unlock.Check = "double-unlock";
  Unlock.Message = "double unlock of 'xs_response_mutex'";
  Unlock.File = "drivers/xen/xenbus/xenbus_xs.c";
  Unlock.Line = 240;
  Unlock.Column = 2;

  Finding Leak;
  Leak.Check = "lock-leak";
  Leak.Message = "'xb_write_mutex' held on return";
  Leak.File = "drivers/xen/xenbus/xenbus_comms.c";
  Leak.Line = 88;
  Leak.Column = 1;

  In.Findings = {Inversion, Unlock, Leak};
  return In;
}

TEST(TextWriterTest, ClangStyleLinesAndSummary) {
  EXPECT_EQ(render("text", sampleReport()),
            "drivers/xen/xenbus/xenbus_comms.c:88:1: warning: "
            "'xb_write_mutex' held on return [lock-leak]\n"
            "drivers/xen/xenbus/xenbus_xs.c:240:2: warning: double unlock "
            "of 'xs_response_mutex' [double-unlock]\n"
            "xen/arch/x86/mm/p2m-pod.c:512:5: error: 'p2m_domain.pod.lock' "
            "acquired while holding 'page_alloc_lock', against the declared "
            "order [order-inversion]\n"
            "xen/common/page_alloc.c:2301:5: note: 'page_alloc_lock' "
            "acquired here\n"
            "xen/arch/x86/mm/p2m-pod.c:512:5: note: 'p2m_domain.pod.lock' "
            "acquired here\n"
            "lockwise: 3 findings (1 error, 2 warnings) in 64 translation "
            "units, 0 failed\n");
}

TEST(TextWriterTest, SummaryWithoutFindings) {
  ReportInput In;
  In.Stats.TranslationUnits = 1;
  In.Stats.Failed = 1;
  EXPECT_EQ(render("text", In),
            "lockwise: no findings in 1 translation unit, 1 failed\n");
}

TEST(TextWriterTest, SummaryMentionsSuppressedAndNotes) {
  ReportInput In;
  In.Stats.TranslationUnits = 2;
  In.Stats.Suppressed = 4;
  Finding F;
  F.Check = "stall";
  F.Sev = Severity::Note;
  F.Message = "waited 2s for 'xenwatch_mutex'";
  F.File = "a.c";
  F.Line = 3;
  F.Column = 7;
  In.Findings = {F};
  EXPECT_EQ(render("text", In),
            "a.c:3:7: note: waited 2s for 'xenwatch_mutex' [stall]\n"
            "lockwise: 1 finding (1 note) in 2 translation units, 0 failed, "
            "4 suppressed\n");
}

TEST(TextWriterTest, LeavesOutUnknownLocationParts) {
  ReportInput In;
  Finding F;
  F.Check = "stall";
  F.Message = "no progress";
  F.Trace = {{"", 0, 0, "in thread xenwatch"},
             {"xenbus_xs.c", 0, 0, "in xs_talkv"},
             {"xenbus_xs.c", 12, 0, "in read_reply"}};
  In.Findings = {F};
  std::string Out = render("text", In);
  EXPECT_EQ(Out.substr(0, Out.find("lockwise: 1 finding")),
            "lockwise: warning: no progress [stall]\n"
            "lockwise: note: in thread xenwatch\n"
            "xenbus_xs.c: note: in xs_talkv\n"
            "xenbus_xs.c:12: note: in read_reply\n");
}

TEST(WriterRegistryTest, KnowsTextAndJson) {
  std::vector<std::string> Formats = writerFormats();
  EXPECT_TRUE(std::is_sorted(Formats.begin(), Formats.end()));
  for (const char *Name : {"text", "json"}) {
    llvm::Expected<std::unique_ptr<ReportWriter>> W = createWriter(Name);
    ASSERT_TRUE(static_cast<bool>(W)) << llvm::toString(W.takeError());
    EXPECT_NE(std::find(Formats.begin(), Formats.end(), Name), Formats.end());
  }
}

TEST(WriterRegistryTest, UnknownFormatListsKnownOnes) {
  llvm::Expected<std::unique_ptr<ReportWriter>> W = createWriter("yaml");
  ASSERT_FALSE(static_cast<bool>(W));
  std::string Message = llvm::toString(W.takeError());
  EXPECT_NE(Message.find("unknown report format 'yaml'"), std::string::npos)
      << Message;
  EXPECT_NE(Message.find("json"), std::string::npos) << Message;
  EXPECT_NE(Message.find("text"), std::string::npos) << Message;
}

TEST(WriterTest, ByteIdenticalForAnyInputOrder) {
  ReportInput In = sampleReport();
  In.Findings.push_back(In.Findings[1]); // A duplicate, removed on output.
  for (const char *Format : {"text", "json"}) {
    std::string Expected = render(Format, In);
    std::sort(In.Findings.begin(), In.Findings.end(),
              [](const Finding &A, const Finding &B) {
                return A.Message < B.Message;
              });
    do {
      EXPECT_EQ(render(Format, In), Expected) << Format;
    } while (std::next_permutation(In.Findings.begin(), In.Findings.end(),
                                   [](const Finding &A, const Finding &B) {
                                     return A.Message < B.Message;
                                   }));
  }
  std::string Text = render("text", In);
  EXPECT_EQ(std::count(Text.begin(), Text.end(), '\n'), 6);
}

} // namespace
