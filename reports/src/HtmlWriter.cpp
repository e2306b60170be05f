//===- HtmlWriter.cpp - One self-contained HTML report --------------------===//
//
// A report to open from a CI artifact or a mail attachment, offline: the
// summary, the lock graph as inline SVG (cycle edges arrive red in the DOT),
// and the findings grouped by check, each with the source around it and its
// witness chain.  Everything is inline (CSS, SVG; no script, no font, no
// link out), so the file shows the same anywhere and leaks nothing.
//
//===----------------------------------------------------------------------===//

#include "lockwise/GraphSvg.h"
#include "SourceText.h"
#include "Summary.h"
#include "WriterRegistry.h"

#include <map>

using namespace llvm;

namespace lockwise {
namespace {

/// Witness chains start open in a report this small, so that a reader (and a
/// screenshot) sees them without clicking; larger reports start collapsed.
const size_t OpenChainsUpTo = 20;

/// Lines shown above and below a finding's line.
const unsigned SnippetContext = 3;

std::string escape(StringRef Text) {
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

const char *const Style = R"css(
:root { --error: #c62828; --warning: #e65100; --note: #1565c0;
  --border: #d8dde3; --muted: #5f6b7a; --bg: #f5f7fa; --code-bg: #fbfcfd; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: #1f2933;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header { background: #1f2933; color: #fff; padding: 18px 32px; }
header h1 { margin: 0; font-size: 22px; font-weight: 600; }
header p { margin: 4px 0 0; color: #c3cad3; font-size: 14px; }
main { max-width: 1180px; margin: 0 auto; padding: 8px 32px 40px; }
h2 { font-size: 18px; margin: 28px 0 12px; padding-bottom: 6px;
  border-bottom: 1px solid var(--border); }
h3 { font-size: 16px; margin: 22px 0 4px; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
h3 .count { font: 600 12px system-ui, sans-serif; background: #e4e8ee;
  border-radius: 10px; padding: 1px 8px; margin-left: 6px; vertical-align: 2px; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 14px; }
.card { background: #fff; border: 1px solid var(--border); border-radius: 8px;
  padding: 10px 18px; min-width: 120px; border-top: 4px solid var(--muted); }
.card .n { display: block; font-size: 26px; font-weight: 700; }
.card.error { border-top-color: var(--error); } .card.error .n { color: var(--error); }
.card.warning { border-top-color: var(--warning); } .card.warning .n { color: var(--warning); }
.card.note { border-top-color: var(--note); } .card.note .n { color: var(--note); }
table { border-collapse: collapse; background: #fff; width: 100%;
  border: 1px solid var(--border); border-radius: 8px; }
th, td { text-align: left; padding: 6px 12px; border-bottom: 1px solid var(--border);
  vertical-align: top; }
th { background: #eef1f5; font-size: 13px; }
td.num { text-align: right; width: 6em; }
a { color: #1565c0; }
.graph { background: #fff; border: 1px solid var(--border); border-radius: 8px;
  padding: 12px; overflow: auto; max-height: 900px; }
.graph svg { max-width: 100%; height: auto; display: block; margin: 0 auto; }
.legend { color: var(--muted); font-size: 13px; margin: 0 0 8px; }
.swatch { display: inline-block; width: 22px; height: 0; border-top: 3px solid red;
  vertical-align: middle; margin-right: 4px; }
.warn { background: #fff4e5; border: 1px solid #f0c36d; border-radius: 6px; padding: 8px 12px; }
.desc { color: var(--muted); margin: 0 0 10px; }
.finding { background: #fff; border: 1px solid var(--border); border-left: 5px solid var(--muted);
  border-radius: 8px; padding: 12px 16px; margin: 10px 0 14px; }
.finding.error { border-left-color: var(--error); }
.finding.warning { border-left-color: var(--warning); }
.finding.note { border-left-color: var(--note); }
.badge { display: inline-block; color: #fff; border-radius: 4px; padding: 0 7px;
  font-size: 12px; font-weight: 700; text-transform: uppercase; margin-right: 8px;
  vertical-align: 1px; background: var(--muted); }
.badge.error { background: var(--error); } .badge.warning { background: var(--warning); }
.badge.note { background: var(--note); }
.msg { font-weight: 600; }
.meta { color: var(--muted); font-size: 13px; margin: 4px 0 8px; }
.lock { background: #eef1f5; border-radius: 4px; padding: 0 5px; color: #1f2933; }
.snippet { background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px;
  margin: 6px 0; padding: 6px 0; overflow-x: auto; tab-size: 8; line-height: 1.45; }
.snippet .l { display: block; padding: 0 12px 0 0; white-space: pre; }
.snippet .l.hl { background: #fff3c4; box-shadow: inset 3px 0 0 #f2b600; }
.snippet .ln { display: inline-block; width: 5.5em; padding-right: 12px; text-align: right;
  color: #9aa5b1; user-select: none; }
.nosrc { color: var(--muted); font-size: 13px; font-style: italic; margin: 4px 0; }
details { margin-top: 6px; }
summary { cursor: pointer; font-weight: 600; font-size: 14px; color: #334e68; }
ol.trace { margin: 6px 0 0; padding-left: 26px; }
ol.trace li { margin: 6px 0; }
ol.trace .where { font-size: 13px; }
ol.trace .snippet { margin: 3px 0; padding: 2px 0; }
ol.trace .snippet .l.hl { background: #fff9e0; }
.fp { color: #9aa5b1; font-size: 12px; margin-top: 6px; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 16px; }
)css";

class HtmlBuilder {
public:
  HtmlBuilder(const ReportInput &Input, raw_ostream &OS)
      : Input(Input), OS(OS), Sources(Input.SourceRoot),
        Findings(normalizedFindings(Input.Findings)) {
    for (const RuleDescription &R : Input.Rules)
      Rules.emplace(R.Id, &R);
  }

  void build() {
    OS << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
       << "<meta charset=\"utf-8\">\n"
       << "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n"
       << "<title>lockwise report: " << escape(findingCounts(Findings))
       << "</title>\n<style>" << Style << "</style>\n</head>\n<body>\n";
    OS << "<header>\n<h1>lockwise report</h1>\n<p>" << escape(runLine())
       << "</p>\n</header>\n<main>\n";
    summary();
    graph();
    findings();
    OS << "</main>\n<footer>Generated by lockwise";
    if (!Input.ToolVersion.empty())
      OS << " " << escape(Input.ToolVersion);
    OS << ". This file is self-contained and works offline.</footer>\n"
       << "</body>\n</html>\n";
  }

private:
  std::string runLine() const {
    const RunStats &S = Input.Stats;
    std::string Line = findingCounts(Findings) + " in " +
                       countOf(S.TranslationUnits, "translation unit") + ", " +
                       std::to_string(S.Failed) + " failed";
    if (S.Functions)
      Line += ", " + countOf(S.Functions, "function") + " analysed";
    if (S.Suppressed)
      Line += ", " + std::to_string(S.Suppressed) + " suppressed";
    return Line;
  }

  /// Checks in the order the report shows them: the most severe first,
  /// then by ID.
  std::vector<std::pair<std::string, std::vector<const Finding *>>>
  groups() const {
    std::map<std::string, std::vector<const Finding *>> ByCheck;
    for (const Finding &F : Findings)
      ByCheck[F.Check].push_back(&F);
    std::vector<std::pair<std::string, std::vector<const Finding *>>> Groups(
        ByCheck.begin(), ByCheck.end());
    auto Worst = [](const std::vector<const Finding *> &Fs) {
      Severity W = Severity::Note;
      for (const Finding *F : Fs)
        W = std::min(W, F->Sev);
      return W;
    };
    std::sort(Groups.begin(), Groups.end(), [&](const auto &A, const auto &B) {
      return std::make_pair(Worst(A.second), A.first) <
             std::make_pair(Worst(B.second), B.first);
    });
    return Groups;
  }

  static std::string anchorOf(StringRef Check) {
    return "check-" + escape(Check);
  }

  void summary() {
    unsigned Counts[3] = {0, 0, 0};
    for (const Finding &F : Findings)
      ++Counts[static_cast<unsigned>(F.Sev)];
    OS << "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n";
    for (Severity S : {Severity::Error, Severity::Warning, Severity::Note})
      OS << "<div class=\"card " << severityName(S) << "\"><span class=\"n\">"
         << Counts[static_cast<unsigned>(S)] << "</span>" << severityName(S)
         << "s</div>\n";
    OS << "<div class=\"card\"><span class=\"n\">"
       << Input.Stats.TranslationUnits << "</span>translation units</div>\n"
       << "<div class=\"card\"><span class=\"n\">" << Input.Stats.Failed
       << "</span>failed</div>\n</div>\n";
    if (Findings.empty()) {
      OS << "<p>No findings.</p>\n</section>\n";
      return;
    }
    OS << "<table class=\"checks\">\n<tr><th>Check</th><th>Findings</th>"
          "<th>What it means</th></tr>\n";
    for (const auto &[Check, Fs] : groups()) {
      OS << "<tr><td><a href=\"#" << anchorOf(Check) << "\"><code>"
         << escape(Check) << "</code></a></td><td class=\"num\">" << Fs.size()
         << "</td><td>";
      if (const RuleDescription *R = rule(Check)) {
        OS << escape(R->Short);
        // Shown, not linked: the report makes no request of its own.
        if (!R->HelpUri.empty())
          OS << " <code>" << escape(R->HelpUri) << "</code>";
      }
      OS << "</td></tr>\n";
    }
    OS << "</table>\n</section>\n";
  }

  const RuleDescription *rule(StringRef Check) const {
    auto It = Rules.find(Check.str());
    return It == Rules.end() ? nullptr : It->second;
  }

  void graph() {
    OS << "<section id=\"graph\">\n<h2>Lock graph</h2>\n";
    if (Input.GraphDot.empty()) {
      OS << "<p class=\"desc\">This report has no lock graph.</p>\n"
         << "</section>\n";
      return;
    }
    OS << "<p class=\"legend\">An edge A &rarr; B means B was acquired while "
          "A was held, labelled with the function and line of a witness. "
          "<span class=\"swatch\"></span>Red edges lie on a cycle.</p>\n";
    Expected<std::string> Svg = renderDotToSvg(Input.GraphDot);
    if (Svg) {
      OS << "<div class=\"graph\">\n" << *Svg << "</div>\n</section>\n";
      return;
    }
    OS << "<p class=\"warn\">The graph could not be drawn ("
       << escape(toString(Svg.takeError()))
       << "), so it is shown as Graphviz DOT text.</p>\n"
       << "<pre class=\"graph dot\">" << escape(Input.GraphDot)
       << "</pre>\n</section>\n";
  }

  void findings() {
    OS << "<section id=\"findings\">\n<h2>Findings</h2>\n";
    if (Findings.empty())
      OS << "<p>No findings.</p>\n";
    unsigned Number = 0;
    for (const auto &[Check, Fs] : groups()) {
      OS << "<section class=\"check\" id=\"" << anchorOf(Check) << "\">\n"
         << "<h3>" << escape(Check) << "<span class=\"count\">" << Fs.size()
         << "</span></h3>\n";
      if (const RuleDescription *R = rule(Check))
        OS << "<p class=\"desc\">"
           << escape(R->Full.empty() ? R->Short : R->Full) << "</p>\n";
      for (const Finding *F : Fs)
        finding(*F, ++Number);
      OS << "</section>\n";
    }
    OS << "</section>\n";
  }

  void finding(const Finding &F, unsigned Number) {
    const char *Sev = severityName(F.Sev);
    OS << "<article class=\"finding " << Sev << "\" id=\"finding-" << Number
       << "\">\n<div class=\"head\"><span class=\"badge " << Sev << "\">" << Sev
       << "</span><span class=\"msg\">" << escape(F.Message)
       << "</span></div>\n<div class=\"meta\">";
    std::string Where = location(F.File, F.Line, F.Column);
    OS << (Where.empty() ? "no source location" : "<code>" + Where + "</code>");
    if (!F.Function.empty())
      OS << " in <code>" << escape(F.Function) << "()</code>";
    if (!F.Locks.empty()) {
      OS << " &middot; locks";
      for (const std::string &L : F.Locks)
        OS << " <code class=\"lock\">" << escape(L) << "</code>";
    }
    OS << "</div>\n";
    snippet(F.File, F.Line, SnippetContext);

    if (!F.Trace.empty()) {
      OS << "<details" << (Findings.size() <= OpenChainsUpTo ? " open" : "")
         << "><summary>Witness chain (" << countOf(F.Trace.size(), "step")
         << ")</summary>\n<ol class=\"trace\">\n";
      for (const TraceStep &Step : F.Trace) {
        std::string StepWhere = location(Step.File, Step.Line, Step.Column);
        OS << "<li><div class=\"where\">";
        if (!StepWhere.empty())
          OS << "<code>" << StepWhere << "</code> ";
        OS << escape(Step.Message) << "</div>\n";
        snippet(Step.File, Step.Line, 0, /*Quiet=*/true);
        OS << "</li>\n";
      }
      OS << "</ol>\n</details>\n";
    }
    OS << "<div class=\"fp\">fingerprint " << escape(F.Fingerprint)
       << "</div>\n</article>\n";
  }

  /// "file:line:col", escaped, with the path as the reader's root shows it.
  std::string location(StringRef File, unsigned Line, unsigned Column) const {
    return escape(
        formatLocation(displayPath(File, Input.SourceRoot), Line, Column));
  }

  /// Lines Line-Context .. Line+Context with Line highlighted.  Says so when
  /// the source cannot be read, unless Quiet (a witness step shows its
  /// location anyway).
  void snippet(StringRef File, unsigned Line, unsigned Context,
               bool Quiet = false) {
    const std::vector<std::string> *Lines = Sources.lines(File);
    if (!Lines || Line == 0 || Line > Lines->size()) {
      if (!Quiet && !File.empty())
        OS << "<p class=\"nosrc\">Source not available.</p>\n";
      return;
    }
    unsigned First = Line > Context ? Line - Context : 1;
    unsigned Last = std::min<size_t>(Line + Context, Lines->size());
    OS << "<pre class=\"snippet\">";
    for (unsigned N = First; N <= Last; ++N)
      OS << "<span class=\"l" << (N == Line ? " hl" : "")
         << "\"><span class=\"ln\">" << N << "</span>"
         << escape((*Lines)[N - 1]) << "</span>";
    OS << "</pre>\n";
  }

  const ReportInput &Input;
  raw_ostream &OS;
  SourceCache Sources;
  std::vector<Finding> Findings;
  std::map<std::string, const RuleDescription *> Rules;
};

class HtmlWriter : public ReportWriter {
public:
  void write(const ReportInput &Input, raw_ostream &OS) const override {
    HtmlBuilder(Input, OS).build();
  }
};

WriterRegistry::Add<HtmlWriter> Registration("html");

} // namespace
} // namespace lockwise
