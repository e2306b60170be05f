//===- RdjsonWriter.cpp - reviewdog's diagnostic format -------------------===//
//
// "rdjson" is reviewdog's DiagnosticResult message in JSON
// (github.com/reviewdog/reviewdog, proto/rdf/reviewdog.proto).  reviewdog
// posts the diagnostics as review comments and filters them to the diff
// itself (-filter-mode), so every finding is written.  With a Review, a
// finding whose own line the patch does not show but whose witness step it
// does is moved onto that step, so that the comment lands on the line the
// patch added; its own location then becomes a related location.
//
//===----------------------------------------------------------------------===//

#include "DiffAnchor.h"
#include "SourceText.h"
#include "Summary.h"
#include "WriterRegistry.h"

#include <nlohmann/json.hpp>

#include <map>

using namespace llvm;
using OrderedJson = nlohmann::ordered_json;

namespace lockwise {
namespace {

const char *severityOf(Severity S) {
  switch (S) {
  case Severity::Error:
    return "ERROR";
  case Severity::Warning:
    return "WARNING";
  case Severity::Note:
    return "INFO";
  }
  return "WARNING";
}

class LocationBuilder {
public:
  explicit LocationBuilder(const std::string &Root)
      : Root(Root), Sources(Root) {}

  /// {"path", "range"}: the range runs from the column to the end of the
  /// line (the end is exclusive), so that editors underline the statement;
  /// without the source it is the position alone.
  OrderedJson operator()(StringRef File, unsigned Line, unsigned Column) {
    OrderedJson J;
    J["path"] = displayPath(File, Root);
    if (!Line)
      return J;
    J["range"]["start"]["line"] = Line;
    if (Column)
      J["range"]["start"]["column"] = Column;
    std::optional<std::string> Text = Sources.line(File, Line);
    size_t End = Text ? StringRef(*Text).rtrim().size() + 1 : 0;
    if (Column && End > Column) {
      J["range"]["end"]["line"] = Line;
      J["range"]["end"]["column"] = End;
    }
    return J;
  }

private:
  const std::string &Root;
  SourceCache Sources;
};

OrderedJson related(OrderedJson Location, StringRef Message) {
  OrderedJson J;
  J["message"] = Message.str();
  J["location"] = std::move(Location);
  return J;
}

class RdjsonWriter : public ReportWriter {
public:
  void write(const ReportInput &Input, raw_ostream &OS) const override {
    LocationBuilder Locate(Input.SourceRoot);
    std::optional<DiffIndex> Diff;
    if (Input.Review)
      Diff.emplace(*Input.Review, Input.SourceRoot);

    std::map<std::string, std::string> HelpUris;
    for (const RuleDescription &R : Input.Rules)
      if (!R.HelpUri.empty())
        HelpUris[R.Id] = R.HelpUri;

    OrderedJson Doc;
    Doc["source"]["name"] = "lockwise";
    Doc["diagnostics"] = OrderedJson::array();
    for (const Finding &F : normalizedFindings(Input.Findings)) {
      std::optional<DiffAnchor> Anchor;
      if (Diff)
        Anchor = Diff->anchor(F);
      const TraceStep *MovedTo = Anchor ? Anchor->Step : nullptr;

      OrderedJson D;
      D["message"] = F.Message;
      Place Where = placeOf(F);
      if (MovedTo)
        D["location"] = Locate(MovedTo->File, MovedTo->Line, MovedTo->Column);
      else
        D["location"] = Locate(Where.File, Where.Line, Where.Column);
      D["severity"] = severityOf(F.Sev);
      D["code"]["value"] = F.Check;
      if (auto It = HelpUris.find(F.Check); It != HelpUris.end())
        D["code"]["url"] = It->second;
      D["related_locations"] = OrderedJson::array();
      if (MovedTo && !F.File.empty())
        D["related_locations"].push_back(
            related(Locate(F.File, F.Line, F.Column), "reported here"));
      for (const TraceStep &Step : F.Trace)
        if (!Step.File.empty())
          D["related_locations"].push_back(
              related(Locate(Step.File, Step.Line, Step.Column), Step.Message));
      Doc["diagnostics"].push_back(std::move(D));
    }
    OS << Doc.dump(2, ' ', /*ensure_ascii=*/false,
                   OrderedJson::error_handler_t::replace)
       << '\n';
  }
};

WriterRegistry::Add<RdjsonWriter> Registration("rdjson");

} // namespace
} // namespace lockwise
