//===- HtmlWriterTest.cpp - The self-contained HTML report ----------------===//
//
// The SVG that Graphviz draws may change with its version, so the HTML is not
// compared with a golden file; these tests check what the page must contain
// and that it refers to nothing outside itself.  reports_html_screenshot
// renders it in a real browser.
//
//===----------------------------------------------------------------------===//

#include "SampleReport.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

using namespace lockwise;

namespace {

std::string html(const ReportInput &In) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  if (llvm::Error E = writeReport("html", In, OS))
    ADD_FAILURE() << llvm::toString(std::move(E));
  return Out;
}

/// The page's escaping of Text, as the writer must produce it.
std::string escaped(llvm::StringRef Text) {
  std::string Out;
  for (char C : Text) {
    switch (C) {
    case '&':
      Out += "&amp;";
      break;
    case '<':
      Out += "&lt;";
      break;
    case '>':
      Out += "&gt;";
      break;
    case '"':
      Out += "&quot;";
      break;
    case '\'':
      Out += "&#39;";
      break;
    default:
      Out += C;
    }
  }
  return Out;
}

bool contains(const std::string &Page, llvm::StringRef Text) {
  return Page.find(Text.str()) != std::string::npos;
}

TEST(HtmlWriterTest, ShowsSummaryGraphAndEveryFindingWithItsNotes) {
  ReportInput In = test::sampleReport(/*WithReview=*/false);
  std::string Page = html(In);
  EXPECT_TRUE(llvm::StringRef(Page).starts_with("<!DOCTYPE html>\n"));
  EXPECT_TRUE(contains(Page, "6 findings (2 errors, 3 warnings, 1 note) in 3 "
                             "translation units, 0 failed"));
  EXPECT_TRUE(contains(Page, "<section id=\"summary\">"));

  // Graphviz drew the graph inline, with the cycle edges red.
  ASSERT_TRUE(contains(Page, "<svg")) << Page.substr(0, 2000);
  EXPECT_FALSE(contains(Page, "<?xml"));
  EXPECT_FALSE(contains(Page, "<!DOCTYPE svg"));
  EXPECT_TRUE(contains(Page, "stroke=\"red\""));
  EXPECT_TRUE(contains(Page, ">page_alloc_lock</text>"));

  for (const Finding &F : In.Findings) {
    EXPECT_TRUE(contains(Page, "<section class=\"check\" id=\"check-" +
                                   F.Check + "\">"))
        << F.Check;
    EXPECT_TRUE(
        contains(Page, "<span class=\"msg\">" + escaped(F.Message) + "</span>"))
        << F.Message;
    for (const TraceStep &Step : F.Trace)
      EXPECT_TRUE(contains(Page, escaped(Step.Message) + "</div>"))
          << Step.Message;
  }
  // Errors come first; among equals, by check ID.
  EXPECT_LT(Page.find("id=\"check-order-cycle\""),
            Page.find("id=\"check-order-inversion\""));
  EXPECT_LT(Page.find("id=\"check-order-inversion\""),
            Page.find("id=\"check-double-unlock\""));
  EXPECT_LT(Page.find("id=\"check-lock-leak\""),
            Page.find("id=\"check-stall\""));

  // The source around the finding, its own line highlighted.
  EXPECT_TRUE(contains(Page, "<span class=\"l\"><span class=\"ln\">18</span>"
                             "    spin_lock(&amp;d-&gt;page_alloc_lock);"
                             "</span><span class=\"l hl\"><span class=\"ln\">"
                             "19</span>    pod_lock(p2m);</span>"));
  // Relative to the source root.
  EXPECT_TRUE(contains(Page, "<code>xen/arch/x86/mm/p2m-pod.c:19:5</code>"));
  EXPECT_FALSE(contains(Page, test::inputsDir()));
  // A small report opens its witness chains.
  EXPECT_TRUE(contains(Page, "<details open><summary>Witness chain (4 steps)"));
}

TEST(HtmlWriterTest, RefersToNothingOutsideItself) {
  std::string Page = html(test::sampleReport(/*WithReview=*/false));
  EXPECT_FALSE(contains(Page, "<script"));
  EXPECT_FALSE(contains(Page, "<link"));
  EXPECT_FALSE(contains(Page, "@import"));
  EXPECT_FALSE(std::regex_search(Page, std::regex("url\\(")));
  // Every attribute that holds a URL stays inside the page ("#...").  An
  // http(s) text may only name an XML namespace (never fetched) or be
  // shown as text (the help URI of a rule).
  std::regex Attribute("(src|href|xlink:href|action|poster|data)\\s*=\\s*"
                       "[\"']([^\"']*)[\"']");
  for (auto It = std::sregex_iterator(Page.begin(), Page.end(), Attribute);
       It != std::sregex_iterator(); ++It)
    EXPECT_EQ((*It)[2].str().rfind("#", 0), 0u) << (*It)[0].str();
  std::regex Http("(\\S*)https?://");
  for (auto It = std::sregex_iterator(Page.begin(), Page.end(), Http);
       It != std::sregex_iterator(); ++It) {
    std::string Before = (*It)[1].str();
    bool Namespace = Before == "xmlns=\"" || Before == "xmlns:xlink=\"";
    bool Text = Before == "<code>";
    EXPECT_TRUE(Namespace || Text) << (*It)[0].str();
  }
  EXPECT_TRUE(contains(
      Page, "<code>https://lockwise.example.org/checks/order-cycle</code>"));
}

TEST(HtmlWriterTest, EscapesWhatTheFindingsSay) {
  ReportInput In;
  Finding F;
  F.Check = "held-across";
  F.File = "a.c";
  F.Line = 1;
  F.Message = "<script>alert('x')</script> & more";
  F.Trace = {{"a.c", 1, 1, "<img src=x>"}};
  In.Findings = {F};
  std::string Page = html(In);
  EXPECT_FALSE(contains(Page, "<script>"));
  EXPECT_FALSE(contains(Page, "<img"));
  EXPECT_TRUE(contains(Page, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; "
                             "&amp; more"));
  EXPECT_TRUE(contains(Page, "Source not available."));
}

/// Sets PATH for the lifetime of the object.
class ScopedPath {
public:
  explicit ScopedPath(const char *Value) {
    if (const char *Old = std::getenv("PATH"))
      Saved = Old;
    setenv("PATH", Value, 1);
  }
  ~ScopedPath() { setenv("PATH", Saved.c_str(), 1); }

private:
  std::string Saved;
};

TEST(HtmlWriterTest, WithoutGraphvizShowsTheDotText) {
  ReportInput In = test::sampleReport(/*WithReview=*/false);
  std::string Page;
  {
    ScopedPath NoDot("/nonexistent-lockwise-path");
    Page = html(In);
  }
  EXPECT_FALSE(contains(Page, "<svg"));
  EXPECT_TRUE(contains(Page, "Graphviz &#39;dot&#39; was not found"));
  EXPECT_TRUE(contains(Page, "<pre class=\"graph dot\">digraph lockwise {"));
  EXPECT_TRUE(contains(Page, "&quot;page_alloc_lock&quot; -&gt; "
                             "&quot;p2m_domain.pod.lock&quot;"));
}

TEST(HtmlWriterTest, ABrokenGraphIsShownWithWhyItFailed) {
  ReportInput In;
  In.GraphDot = "digraph { a -> }\n";
  std::string Page = html(In);
  EXPECT_FALSE(contains(Page, "<svg"));
  EXPECT_TRUE(contains(Page, "(dot failed"));
  EXPECT_TRUE(contains(Page, "digraph { a -&gt; }"));
}

TEST(HtmlWriterTest, NoGraphNoFindings) {
  ReportInput In;
  std::string Page = html(In);
  EXPECT_TRUE(contains(Page, "This report has no lock graph."));
  EXPECT_TRUE(contains(Page, "<p>No findings.</p>"));
}

TEST(HtmlWriterTest, LargeReportsStartWithChainsCollapsed) {
  ReportInput In;
  for (unsigned I = 1; I <= 21; ++I) {
    Finding F;
    F.Check = "lock-leak";
    F.File = "a.c";
    F.Line = I;
    F.Message = "leak";
    F.Trace = {{"a.c", I, 1, "acquired here"}};
    In.Findings.push_back(F);
  }
  std::string Page = html(In);
  EXPECT_FALSE(contains(Page, "<details open>"));
  EXPECT_TRUE(contains(Page, "<details><summary>Witness chain (1 step)"));
}

} // namespace
