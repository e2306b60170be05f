//===- VerifyTest.cpp - Clang -verify style checking ----------------------===//

#include "lockwise/Verify.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace lockwise;

namespace {

class VerifyTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("lockwise-verify", Dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(Dir); }

  /// Writes Dir/Name and returns its path.
  std::string write(llvm::StringRef Name, llvm::StringRef Text) {
    llvm::SmallString<128> Path(Dir);
    llvm::sys::path::append(Path, Name);
    std::error_code EC;
    llvm::raw_fd_ostream OS(Path, EC);
    EXPECT_FALSE(EC) << EC.message();
    OS << Text;
    return Path.str().str();
  }

  static Finding at(const std::string &File, unsigned Line,
                    const std::string &Message,
                    Severity Sev = Severity::Warning) {
    Finding F;
    F.Check = "double-unlock";
    F.Sev = Sev;
    F.Message = Message;
    F.File = File;
    F.Line = Line;
    F.Column = 3;
    return F;
  }

  llvm::SmallString<128> Dir;
};

const char *PodSource = R"(void f(struct p2m_domain *p2m)
{
  spin_unlock(&p2m->pod.lock);
  spin_unlock(&p2m->pod.lock); // expected-warning{{double unlock of 'p2m_domain.pod.lock'}}
}
)";

const char *PodMessage =
    "double unlock of 'p2m_domain.pod.lock' in p2m_pod_demand_populate";

TEST_F(VerifyTest, MatchesSubstringOnSameLine) {
  std::string F = write("pod.c", PodSource);
  VerifyResult R = verifyFindings({at(F, 4, PodMessage)}, {F});
  EXPECT_TRUE(R.ok()) << R.str();
}

TEST_F(VerifyTest, ReportsExpectedButNotSeen) {
  std::string F = write("pod.c", PodSource);
  VerifyResult R = verifyFindings({}, {F});
  ASSERT_EQ(R.Problems.size(), 1u) << R.str();
  EXPECT_EQ(R.Problems[0],
            "error: 'expected-warning' diagnostics expected but not seen:\n"
            "  File " +
                F + " Line 4: double unlock of 'p2m_domain.pod.lock'");
}

TEST_F(VerifyTest, ReportsSeenButNotExpected) {
  std::string F = write("pod.c", PodSource);
  VerifyResult R =
      verifyFindings({at(F, 4, PodMessage), at(F, 3, "spurious")}, {F});
  ASSERT_EQ(R.Problems.size(), 1u) << R.str();
  EXPECT_EQ(R.Problems[0],
            "error: 'expected-warning' diagnostics seen but not expected:\n"
            "  File " +
                F + " Line 3: spurious");
}

TEST_F(VerifyTest, WrongLineTextOrSeverityDoNotMatch) {
  std::string F = write("pod.c", PodSource);
  for (const Finding &Wrong :
       {at(F, 3, PodMessage), at(F, 4, "double unlock of 'p2m_domain.lock'"),
        at(F, 4, PodMessage, Severity::Error)}) {
    VerifyResult R = verifyFindings({Wrong}, {F});
    EXPECT_EQ(R.Problems.size(), 2u) << R.str();
  }
  VerifyResult R = verifyFindings({at(F, 4, PodMessage, Severity::Error)}, {F});
  EXPECT_EQ(R.str(),
            "error: 'expected-error' diagnostics seen but not expected:\n"
            "  File " +
                F + " Line 4: " + PodMessage + "\n" +
                "error: 'expected-warning' diagnostics expected but not seen:\n"
                "  File " +
                F + " Line 4: double unlock of 'p2m_domain.pod.lock'\n");
}

TEST_F(VerifyTest, ErrorsAndCheckIds) {
  std::string F = write("e.c", "x(); // expected-error{{[order-inversion]}}\n"
                               "y(); // expected-error{{cycle}}\n");
  Finding Inversion = at(F, 1, "'a' before 'b'", Severity::Error);
  Inversion.Check = "order-inversion";
  Finding Cycle = at(F, 2, "lock cycle", Severity::Error);
  VerifyResult R = verifyFindings({Cycle, Inversion}, {F});
  EXPECT_TRUE(R.ok()) << R.str();
}

TEST_F(VerifyTest, LineOffsetsAndAbsoluteLines) {
  std::string F = write("off.c", "// expected-warning@+1{{after}}\n"
                                 "a();\n"
                                 "b();\n"
                                 "c(); // expected-warning@-2{{before}}\n"
                                 "// expected-warning@2{{absolute}}\n");
  VerifyResult R = verifyFindings(
      {at(F, 2, "after"), at(F, 2, "before"), at(F, 2, "absolute")}, {F});
  EXPECT_TRUE(R.ok()) << R.str();

  R = verifyFindings({at(F, 2, "after"), at(F, 2, "absolute")}, {F});
  ASSERT_EQ(R.Problems.size(), 1u) << R.str();
  EXPECT_EQ(R.Problems[0],
            "error: 'expected-warning' diagnostics expected but not seen:\n"
            "  File " +
                F + " Line 2 (directive at " + F + ":4): before");
}

TEST_F(VerifyTest, BadLineOffsetIsAnError) {
  std::string F = write("bad.c", "// expected-warning@-3{{x}}\n");
  VerifyResult R = verifyFindings({}, {F});
  ASSERT_EQ(R.Problems.size(), 1u) << R.str();
  EXPECT_EQ(R.Problems[0],
            F + ":1: error: invalid line number in 'expected-warning' "
                "directive");
}

TEST_F(VerifyTest, Counts) {
  std::string F = write("n.c", "lock(); // expected-warning 2 {{twice}}\n"
                               "lock(); // expected-warning + {{many}}\n"
                               "lock(); // expected-warning 0+ {{maybe}}\n");
  Finding Twice = at(F, 1, "twice");
  Finding Many = at(F, 2, "many");
  EXPECT_TRUE(verifyFindings({Twice, Twice, Many, Many, Many}, {F}).ok());

  VerifyResult TooFew = verifyFindings({Twice, Many}, {F});
  ASSERT_EQ(TooFew.Problems.size(), 1u) << TooFew.str();
  EXPECT_NE(TooFew.Problems[0].find("expected but not seen:\n  File " + F +
                                    " Line 1: twice"),
            std::string::npos);

  VerifyResult TooMany = verifyFindings({Twice, Twice, Twice, Many}, {F});
  ASSERT_EQ(TooMany.Problems.size(), 1u) << TooMany.str();
  EXPECT_NE(TooMany.Problems[0].find("seen but not expected:\n  File " + F +
                                     " Line 1: twice"),
            std::string::npos);

  VerifyResult NoneOfMany = verifyFindings({Twice, Twice}, {F});
  ASSERT_EQ(NoneOfMany.Problems.size(), 1u) << NoneOfMany.str();
  EXPECT_NE(NoneOfMany.Problems[0].find("Line 2: many"), std::string::npos);
}

const char *InversionSource = R"(void g(void)
{
  spin_lock(&d->page_alloc_lock); // expected-note{{'page_alloc_lock' acquired here}}
  spin_lock(&p2m->pod.lock); // expected-warning{{against the declared order}}
}
)";

Finding inversion(const std::string &File) {
  Finding F;
  F.Check = "order-inversion";
  F.Message = "'p2m_domain.pod.lock' acquired while holding "
              "'page_alloc_lock', against the declared order";
  F.File = File;
  F.Line = 4;
  F.Trace = {{File, 3, 3, "'page_alloc_lock' acquired here"}};
  return F;
}

TEST_F(VerifyTest, NotesMatchTraceSteps) {
  std::string F = write("inv.c", InversionSource);
  EXPECT_TRUE(verifyFindings({inversion(F)}, {F}).ok());

  Finding NoTrace = inversion(F);
  NoTrace.Trace.clear();
  VerifyResult Missing = verifyFindings({NoTrace}, {F});
  ASSERT_EQ(Missing.Problems.size(), 1u) << Missing.str();
  EXPECT_EQ(Missing.Problems[0],
            "error: 'expected-note' diagnostics expected but not seen:\n"
            "  File " +
                F + " Line 3: 'page_alloc_lock' acquired here");

  Finding ExtraStep = inversion(F);
  ExtraStep.Trace.push_back({F, 4, 3, "'p2m_domain.pod.lock' acquired here"});
  VerifyResult Extra = verifyFindings({ExtraStep}, {F});
  ASSERT_EQ(Extra.Problems.size(), 1u) << Extra.str();
  EXPECT_EQ(Extra.Problems[0],
            "error: 'expected-note' diagnostics seen but not expected:\n"
            "  File " +
                F + " Line 4: 'p2m_domain.pod.lock' acquired here");
}

TEST_F(VerifyTest, NotesUncheckedInFilesWithoutExpectedNotes) {
  std::string F = write("pod.c", PodSource);
  Finding WithTrace = at(F, 4, PodMessage);
  WithTrace.Trace = {{F, 3, 3, "first released here"}};
  EXPECT_TRUE(verifyFindings({WithTrace}, {F}).ok());
}

TEST_F(VerifyTest, NoteSeverityFindingsAreAlwaysChecked) {
  std::string F = write("pod.c", PodSource);
  VerifyResult R = verifyFindings(
      {at(F, 4, PodMessage), at(F, 2, "stalled", Severity::Note)}, {F});
  ASSERT_EQ(R.Problems.size(), 1u) << R.str();
  EXPECT_NE(R.Problems[0].find("'expected-note' diagnostics seen but not"),
            std::string::npos);
}

TEST_F(VerifyTest, ExpectedNoDiagnostics) {
  std::string F = write("clean.c", "// expected-no-diagnostics\nf();\n");
  EXPECT_TRUE(verifyFindings({}, {F}).ok());
  VerifyResult R = verifyFindings({at(F, 2, "oops")}, {F});
  ASSERT_EQ(R.Problems.size(), 1u) << R.str();
  EXPECT_EQ(R.Problems[0],
            "error: 'expected-warning' diagnostics seen but not expected:\n"
            "  File " +
                F + " Line 2: oops");
}

TEST_F(VerifyTest, AFindingInAFileNotGivenIsUnexpected) {
  std::string F = write("quiet.c", "// expected-no-diagnostics\nf();\n");
  VerifyResult R = verifyFindings({at(Dir.str().str() + "/mini.h", 92, "x")}, {F});
  ASSERT_EQ(R.Problems.size(), 1u) << R.str();
  EXPECT_NE(R.Problems[0].find("seen but not expected"), std::string::npos);
  EXPECT_NE(R.Problems[0].find("mini.h Line 92: x"), std::string::npos);
}

TEST_F(VerifyTest, NoDiagnosticsConflictsWithDirectives) {
  std::string F = write("both.c", "// expected-no-diagnostics\n"
                                  "f(); // expected-warning{{x}}\n");
  VerifyResult R = verifyFindings({at(F, 2, "x")}, {F});
  ASSERT_EQ(R.Problems.size(), 1u) << R.str();
  EXPECT_EQ(R.Problems[0], F + ":2: error: expected directive cannot follow "
                               "'expected-no-diagnostics' directive");
}

TEST_F(VerifyTest, FileWithoutDirectivesIsAnError) {
  // A directive inside a string literal is not a directive.
  std::string F =
      write("none.c", "const char *s = \"// expected-warning{{x}}\";\n");
  VerifyResult R = verifyFindings({}, {F});
  ASSERT_EQ(R.Problems.size(), 1u) << R.str();
  EXPECT_EQ(R.Problems[0], F + ": error: no expected directives found: "
                               "consider use of 'expected-no-diagnostics'");
}

TEST_F(VerifyTest, MalformedDirective) {
  std::string F = write("m.c", "f(); // expected-warning double unlock\n"
                               "g(); // expected-warning{{unterminated\n");
  VerifyResult R = verifyFindings({}, {F});
  ASSERT_EQ(R.Problems.size(), 2u) << R.str();
  EXPECT_EQ(R.Problems[0],
            F + ":1: error: cannot find start ('{{') of expected string");
  EXPECT_EQ(R.Problems[1],
            F + ":2: error: cannot find end ('}}') of expected string");
}

TEST_F(VerifyTest, ProseMentioningExpectedIsIgnored) {
  std::string F = write("p.c", "// unexpected-warning and expected-behaviour\n"
                               "// expected-no-diagnostics\n");
  EXPECT_TRUE(verifyFindings({}, {F}).ok());
}

TEST_F(VerifyTest, BlockCommentsBracesAndRegex) {
  std::string F =
      write("b.c", "/* expected-warning@+2 {{first}}\n"
                   "   expected-warning@+1 {{{set {{a}} b}}} */\n"
                   "f();\n"
                   "g(); // expected-warning-re {{held {{[0-9]+}} times}}\n");
  VerifyResult R =
      verifyFindings({at(F, 3, "the first"), at(F, 3, "set {{a}} b"),
                      at(F, 4, "lock held 12 times")},
                     {F});
  EXPECT_TRUE(R.ok()) << R.str();

  R = verifyFindings({at(F, 3, "the first"), at(F, 3, "set {{a}} b"),
                      at(F, 4, "lock held many times")},
                     {F});
  EXPECT_EQ(R.Problems.size(), 2u) << R.str();
}

TEST_F(VerifyTest, PathsCompareByRealPath) {
  std::string F = write("pod.c", PodSource);
  llvm::SmallString<128> Sub(Dir);
  llvm::sys::path::append(Sub, "sub");
  ASSERT_FALSE(llvm::sys::fs::create_directory(Sub));
  llvm::SmallString<128> Link(Dir);
  llvm::sys::path::append(Link, "link.c");
  ASSERT_FALSE(llvm::sys::fs::create_link(F, Link));

  std::string Dotted = (Dir + "/sub/../pod.c").str();
  EXPECT_TRUE(verifyFindings({at(Dotted, 4, PodMessage)}, {F}).ok());
  EXPECT_TRUE(verifyFindings({at(F, 4, PodMessage)}, {Link.str().str()}).ok());

  // A relative spelling, resolved against the working directory.
  llvm::SmallString<128> OldCwd;
  ASSERT_FALSE(llvm::sys::fs::current_path(OldCwd));
  ASSERT_FALSE(llvm::sys::fs::set_current_path(Sub));
  VerifyResult R = verifyFindings({at("../pod.c", 4, PodMessage)}, {F});
  ASSERT_FALSE(llvm::sys::fs::set_current_path(OldCwd));
  EXPECT_TRUE(R.ok()) << R.str();
}

TEST_F(VerifyTest, FindingsInOtherFilesAreUnexpectedTheirNotesUnchecked) {
  std::string F = write("pod.c", PodSource);
  std::string Other = write("other.c", "f();\n");
  Finding Elsewhere = at(Other, 1, "not annotated");
  Elsewhere.Trace = {{Other, 1, 1, "nor this"}};
  VerifyResult R = verifyFindings(
      {at(F, 4, PodMessage), Elsewhere, at("/nonexistent.c", 1, "x")}, {F});
  ASSERT_EQ(R.Problems.size(), 1u) << R.str();
  EXPECT_NE(R.Problems[0].find("other.c Line 1: not annotated"), std::string::npos);
  EXPECT_NE(R.Problems[0].find("/nonexistent.c Line 1: x"), std::string::npos);
  EXPECT_EQ(R.Problems[0].find("nor this"), std::string::npos);
}

TEST_F(VerifyTest, UnreadableFile) {
  VerifyResult R = verifyFindings({}, {(Dir + "/missing.c").str()});
  ASSERT_EQ(R.Problems.size(), 1u);
  EXPECT_EQ(R.Problems[0].rfind("error: cannot read '", 0), 0u) << R.str();
}

} // namespace
