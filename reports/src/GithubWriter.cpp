//===- GithubWriter.cpp - A pull-request review for GitHub's API ----------===//
//
// The body of POST /repos/{owner}/{repo}/pulls/{number}/reviews: a review
// with one comment per finding that GitHub can place, and the others listed
// in the review body.  GitHub rejects a review whose comment is not on a line
// of the diff, so with a Review only findings placed on the patch (see
// DiffAnchor.h) become comments, on the new side ("RIGHT").  Without one,
// every finding with a line is a comment and the caller vouches that its
// lines are in the diff.
//
//===----------------------------------------------------------------------===//

#include "DiffAnchor.h"
#include "SourceText.h"
#include "Summary.h"
#include "WriterRegistry.h"

#include "llvm/ADT/StringExtras.h"

#include <nlohmann/json.hpp>

using namespace llvm;
using OrderedJson = nlohmann::ordered_json;

namespace lockwise {
namespace {

/// Text as Markdown shows it literally: messages quote C ('*p', 'a[i]',
/// '__lock', '<linux/mutex.h>') that would otherwise turn into emphasis,
/// links or HTML.  An underscore inside a word cannot start emphasis in
/// GitHub's Markdown and stays bare, so that lock names read naturally.
std::string markdownEscape(StringRef Text) {
  std::string Out;
  for (size_t I = 0; I < Text.size(); ++I) {
    char C = Text[I];
    bool InWord = C == '_' && I > 0 && I + 1 < Text.size() &&
                  isAlnum(Text[I - 1]) && isAlnum(Text[I + 1]);
    if (StringRef("\\`*_[]<~").contains(C) && !InWord)
      Out += '\\';
    Out += C;
  }
  return Out;
}

/// `file:line:col`, or nothing for a step without a file.
std::string codeLocation(StringRef File, unsigned Line, unsigned Column,
                         StringRef Root) {
  std::string L = formatLocation(displayPath(File, Root), Line, Column);
  return L.empty() ? L : "`" + L + "`";
}

/// "error [`order-cycle`]: MESSAGE", the first line of every entry.
std::string headline(const Finding &F) {
  return "**" + std::string(severityName(F.Sev)) + "** [`" + F.Check +
         "`]: " + markdownEscape(F.Message);
}

std::string commentBody(const Finding &F, const TraceStep *Here,
                        const ReportInput &Input) {
  const std::string &Root = Input.SourceRoot;
  std::string Body = headline(F) + "\n";
  if (Here)
    Body += "\nReported at " + codeLocation(F.File, F.Line, F.Column, Root) +
            "; this line is part of its witness.\n";
  if (!F.Function.empty())
    Body += "\nIn `" + F.Function + "()`" +
            (F.Locks.empty() ? std::string()
                             : ", locks: `" + join(F.Locks, "`, `") + "`") +
            ".\n";
  if (!F.Trace.empty()) {
    Body += "\n<details><summary>Witness chain (" +
            countOf(F.Trace.size(), "step") + ")</summary>\n\n";
    unsigned N = 0;
    for (const TraceStep &Step : F.Trace) {
      std::string Where = codeLocation(Step.File, Step.Line, Step.Column, Root);
      Body += std::to_string(++N) + ". " + (Where.empty() ? "" : Where + ": ") +
              markdownEscape(Step.Message) +
              (&Step == Here ? " (this line)" : "") + "\n";
    }
    Body += "\n</details>\n";
  }
  if (Input.Review && !Input.Review->Reproduce.empty())
    Body += "\nReproduce: `" + Input.Review->Reproduce + "`\n";
  return Body;
}

class GithubWriter : public ReportWriter {
public:
  void write(const ReportInput &Input, raw_ostream &OS) const override {
    std::vector<Finding> Findings = normalizedFindings(Input.Findings);
    std::optional<DiffIndex> Diff;
    if (Input.Review)
      Diff.emplace(*Input.Review, Input.SourceRoot);

    OrderedJson Comments = OrderedJson::array();
    std::vector<const Finding *> Elsewhere;
    for (const Finding &F : Findings) {
      OrderedJson C;
      if (Diff) {
        std::optional<DiffAnchor> A = Diff->anchor(F);
        if (!A) {
          Elsewhere.push_back(&F);
          continue;
        }
        C["path"] = A->Hunk->File;
        C["line"] = A->Line;
        C["side"] = "RIGHT";
        C["body"] = commentBody(F, A->Step, Input);
      } else {
        if (F.File.empty() || !F.Line) {
          Elsewhere.push_back(&F);
          continue;
        }
        C["path"] = displayPath(F.File, Input.SourceRoot);
        C["line"] = F.Line;
        C["side"] = "RIGHT";
        C["body"] = commentBody(F, nullptr, Input);
      }
      Comments.push_back(std::move(C));
    }

    std::string Body = "**lockwise**";
    if (!Input.ToolVersion.empty())
      Body += " " + Input.ToolVersion;
    Body += ": " + findingCounts(Findings);
    if (!Comments.empty())
      Body += ", " + std::to_string(Comments.size()) + " commented " +
              (Diff ? "on the lines of this change" : "on their lines");
    Body += ".\n";
    if (!Elsewhere.empty()) {
      Body += Diff ? "\nOutside the lines of this change:\n\n"
                   : "\nWithout a line to comment on:\n\n";
      for (const Finding *F : Elsewhere) {
        std::string Where =
            codeLocation(F->File, F->Line, F->Column, Input.SourceRoot);
        Body +=
            "- " + (Where.empty() ? "" : Where + ": ") + headline(*F) + "\n";
      }
    }

    OrderedJson Doc;
    Doc["body"] = Body;
    Doc["event"] = "COMMENT";
    Doc["comments"] = std::move(Comments);
    OS << Doc.dump(2, ' ', /*ensure_ascii=*/false,
                   OrderedJson::error_handler_t::replace)
       << '\n';
  }
};

WriterRegistry::Add<GithubWriter> Registration("github");

} // namespace
} // namespace lockwise
