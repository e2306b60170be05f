//===- JsonWriter.cpp - The findings JSON contract ------------------------===//
//
// The shape is a contract (docs/design.md, "Findings JSON");
// readJsonReport() in JsonReader.cpp reads it back.  Keys are written in a
// fixed order with a two-space indent so that reports diff cleanly.
//
//===----------------------------------------------------------------------===//

#include "WriterRegistry.h"

#include <nlohmann/json.hpp>

#include <cmath>

using namespace llvm;
using OrderedJson = nlohmann::ordered_json;

namespace lockwise {
namespace {

OrderedJson toJson(const TraceStep &Step) {
  OrderedJson J;
  J["file"] = Step.File;
  J["line"] = Step.Line;
  J["column"] = Step.Column;
  J["message"] = Step.Message;
  return J;
}

OrderedJson toJson(const Finding &F) {
  OrderedJson J;
  J["check"] = F.Check;
  J["severity"] = severityName(F.Sev);
  J["message"] = F.Message;
  J["file"] = F.File;
  J["line"] = F.Line;
  J["column"] = F.Column;
  J["function"] = F.Function;
  J["locks"] = F.Locks;
  J["trace"] = OrderedJson::array();
  for (const TraceStep &Step : F.Trace)
    J["trace"].push_back(toJson(Step));
  J["fingerprint"] = F.Fingerprint;
  return J;
}

OrderedJson toJson(const RunStats &Stats) {
  OrderedJson J;
  J["translation_units"] = Stats.TranslationUnits;
  J["failed"] = Stats.Failed;
  J["functions"] = Stats.Functions;
  // Milliseconds are all anyone reads; more digits are noise in diffs.
  J["seconds"] = std::round(Stats.Seconds * 1000) / 1000;
  if (Stats.Suppressed)
    J["suppressed"] = Stats.Suppressed;
  return J;
}

class JsonWriter : public ReportWriter {
public:
  void write(const ReportInput &Input, raw_ostream &OS) const override {
    OrderedJson Doc;
    Doc["tool"]["name"] = "lockwise";
    Doc["tool"]["version"] = Input.ToolVersion;
    Doc["findings"] = OrderedJson::array();
    for (const Finding &F : normalizedFindings(Input.Findings))
      Doc["findings"].push_back(toJson(F));
    Doc["stats"] = toJson(Input.Stats);
    // Source text can hold invalid UTF-8 (Latin-1 comments in old drivers);
    // replacing it keeps the report valid JSON instead of throwing.
    OS << Doc.dump(2, ' ', /*ensure_ascii=*/false,
                   OrderedJson::error_handler_t::replace)
       << '\n';
  }
};

WriterRegistry::Add<JsonWriter> Registration("json");

} // namespace
} // namespace lockwise
