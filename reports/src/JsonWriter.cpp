//===- JsonWriter.cpp - The findings JSON contract ------------------------===//
//
// The shape is a contract (docs/design.md, "Findings JSON"); readJsonReport() in
// JsonReader.cpp reads it back.  Each finding is findingToJson() (findings/,
// shared with the runtime); the document around them is written here.  Keys
// are written in a fixed order with a two-space indent so that reports diff
// cleanly.
//
//===----------------------------------------------------------------------===//

#include "WriterRegistry.h"

#include "lockwise/FindingJson.h"

#include <nlohmann/json.hpp>

#include <cmath>

using namespace llvm;
using OrderedJson = nlohmann::ordered_json;

namespace lockwise {
namespace {

OrderedJson toJson(const RunStats &Stats) {
  OrderedJson J;
  J["translation_units"] = Stats.TranslationUnits;
  J["failed"] = Stats.Failed;
  J["functions"] = Stats.Functions;
  // Milliseconds are all anyone reads; more digits are noise in diffs.
  J["seconds"] = std::round(Stats.Seconds * 1000) / 1000;
  if (Stats.Suppressed)
    J["suppressed"] = Stats.Suppressed;
  if (Stats.Incomplete)
    J["incomplete_functions"] = Stats.Incomplete;
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
      Doc["findings"].push_back(findingToJson(F));
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
