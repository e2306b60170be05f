//===- PatchParserTest.cpp - Reading patch mails and bare diffs -----------===//

#include "SampleReport.h"

#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

using namespace lockwise;

namespace {

ReviewContext parsed(llvm::StringRef Text) {
  llvm::Expected<ReviewContext> R = parsePatch(Text);
  if (!R) {
    ADD_FAILURE() << llvm::toString(R.takeError());
    return {};
  }
  return std::move(*R);
}

std::string errorOf(llvm::StringRef Text) {
  llvm::Expected<ReviewContext> R = parsePatch(Text);
  if (R) {
    ADD_FAILURE() << "parsed: " << Text.str();
    return "";
  }
  return llvm::toString(R.takeError());
}

TEST(PatchParserTest, ReadsAFormatPatchMail) {
  auto File =
      llvm::MemoryBuffer::getFile(test::inputsDir() + "/pod-rework.patch");
  ASSERT_TRUE(static_cast<bool>(File));
  ReviewContext R = parsed((*File)->getBuffer());
  // Folded and encoded headers come back as one decoded line.
  EXPECT_EQ(R.Subject, "[PATCH 3/5] Rework locking in the PoD layer: take the "
                       "pod lock inside the page_alloc lock");
  EXPECT_EQ(R.From, "Ana María Pérez <ana.perez@example.org>");
  EXPECT_EQ(R.MessageId, "<20240312092231.4711-4-ana.perez@example.org>");
  EXPECT_EQ(R.Date, "Tue, 12 Mar 2024 10:22:31 +0100");
  EXPECT_EQ(R.Reproduce, "");

  ASSERT_EQ(R.Hunks.size(), 3u);
  const PatchHunk &H = R.Hunks[1];
  EXPECT_EQ(H.File, "xen/arch/x86/mm/p2m-pod.c");
  EXPECT_EQ(H.OldStart, 36u);
  EXPECT_EQ(H.OldLines, 11u);
  EXPECT_EQ(H.NewStart, 36u);
  EXPECT_EQ(H.NewLines, 18u);
  EXPECT_EQ(H.Header, "@@ -36,11 +36,18 @@ int p2m_pod_empty_cache(struct "
                      "domain *d)");
  ASSERT_EQ(H.Lines.size(), 20u);
  EXPECT_EQ(H.Lines[3], "-            break;");
  EXPECT_EQ(H.Lines[4], "+        {");
  // The signature after the last hunk is not part of it.
  EXPECT_EQ(R.Hunks[2].Lines.back(), " static void p2m_pod_zero_gfn(struct "
                                     "p2m_domain *p2m, gfn_t gfn)");
}

TEST(PatchParserTest, ReadsABareDiff) {
  ReviewContext R = parsed("--- a/drivers/xen/xenbus/xenbus_xs.c\n"
                           "+++ b/drivers/xen/xenbus/xenbus_xs.c\n"
                           "@@ -3 +3,2 @@\n"
                           " \tmutex_lock(&xb_write_mutex);\n"
                           "+\tmutex_lock(&xs_response_mutex);\n");
  EXPECT_EQ(R.Subject, "");
  ASSERT_EQ(R.Hunks.size(), 1u);
  EXPECT_EQ(R.Hunks[0].File, "drivers/xen/xenbus/xenbus_xs.c");
  EXPECT_EQ(R.Hunks[0].OldLines, 1u); // A missing count means one line.
  EXPECT_EQ(R.Hunks[0].NewLines, 2u);
  EXPECT_EQ(R.Hunks[0].Lines.size(), 2u);
}

TEST(PatchParserTest, RestoresEmptyContextLinesAndKeepsNoNewlineMarkers) {
  ReviewContext R = parsed("--- a/a.c\n"
                           "+++ b/a.c\n"
                           "@@ -1,2 +1,2 @@\n"
                           "\n"
                           "-x\n"
                           "\\ No newline at end of file\n"
                           "+x;\n"
                           "\\ No newline at end of file\n");
  ASSERT_EQ(R.Hunks.size(), 1u);
  EXPECT_EQ(R.Hunks[0].Lines,
            (std::vector<std::string>{" ", "-x", "\\ No newline at end of file",
                                      "+x;", "\\ No newline at end of file"}));
}

TEST(PatchParserTest, ADeletedFileKeepsItsOldPath) {
  ReviewContext R = parsed("--- a/old.c\n"
                           "+++ /dev/null\n"
                           "@@ -1 +0,0 @@\n"
                           "-int x;\n");
  ASSERT_EQ(R.Hunks.size(), 1u);
  EXPECT_EQ(R.Hunks[0].File, "old.c");
  EXPECT_EQ(R.Hunks[0].NewLines, 0u);
}

TEST(PatchParserTest, DecodesBase64AndLatin1EncodedWords) {
  ReviewContext R = parsed("From: =?iso-8859-1?q?J=FCrgen?= Gro\xc3\x9f "
                           "<jg@example.org>\n"
                           "Subject: =?UTF-8?B?W1BBVENIXSB4ZW46IGZpeA==?=\n"
                           "  =?UTF-8?q?_d=C3=A9j=C3=A0?=\n"
                           "\n"
                           "--- a/a.c\n+++ b/a.c\n@@ -1 +1 @@\n-a\n+b\n");
  EXPECT_EQ(R.From, "J\xc3\xbcrgen Gro\xc3\x9f <jg@example.org>");
  // Blanks between two encoded words vanish; an encoded "_" is a blank.
  EXPECT_EQ(R.Subject, "[PATCH] xen: fix d\xc3\xa9j\xc3\xa0");
}

TEST(PatchParserTest, RejectsBrokenPatches) {
  EXPECT_EQ(errorOf("Subject: x\n\nno diff here\n"),
            "no diff hunk in the patch");
  EXPECT_EQ(errorOf("--- a/a.c\n+++ b/a.c\n@@ -1,2 +1,2 @@\n a\n"),
            "patch line 3: hunk ends early");
  EXPECT_EQ(errorOf("--- a/a.c\n+++ b/a.c\n@@ -1 +1 @@\n+a\n+b\n"),
            "patch line 5: line does not fit the hunk header '@@ -1 +1 @@'");
  EXPECT_EQ(errorOf("--- a/a.c\n+++ b/a.c\n@@ -x +1 @@\n a\n"),
            "patch line 3: bad hunk header '@@ -x +1 @@'");
  EXPECT_EQ(errorOf("@@ -1 +1 @@\n a\n"),
            "patch line 1: hunk before any '+++' file line");
}

} // namespace
