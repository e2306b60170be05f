//===- JsonReader.cpp - Reading findings JSON back ------------------------===//
//
// Used to merge runtime reports into static ones and to compare runs.  One
// finding is read by findingFromJson() (findings/), the document around it
// here; errors name the JSON path of the bad value ("findings[3].line").
//
//===----------------------------------------------------------------------===//

#include "lockwise/FindingJson.h"
#include "lockwise/Report.h"

#include <nlohmann/json.hpp>

using namespace llvm;
using Json = nlohmann::json;

namespace lockwise {
namespace {

RunStats readStats(JsonObjectReader &Parent, const Json &J) {
  RunStats Stats;
  JsonObjectReader R(J, "stats");
  R.getUnsigned("translation_units", Stats.TranslationUnits,
                /*Required=*/false);
  R.getUnsigned("failed", Stats.Failed, /*Required=*/false);
  R.getUnsigned("functions", Stats.Functions, /*Required=*/false);
  R.getReal("seconds", Stats.Seconds);
  R.getUnsigned("suppressed", Stats.Suppressed, /*Required=*/false);
  R.getUnsigned("incomplete_functions", Stats.Incomplete, /*Required=*/false);
  Parent.merge(R);
  return Stats;
}

} // namespace

Expected<ReportInput> readJsonReport(StringRef Text) {
  Json Doc;
  // nlohmann reports syntax errors by throwing; the rest of lockwise follows
  // LLVM and does not use exceptions, so they stop here.
  try {
    Doc = Json::parse(Text.begin(), Text.end());
  } catch (const Json::exception &E) {
    return createStringError(inconvertibleErrorCode(),
                             "invalid findings JSON: %s", E.what());
  }

  ReportInput Input;
  JsonObjectReader Root(Doc, "");
  if (const Json *Tool = Root.getObject("tool")) {
    JsonObjectReader R(*Tool, "tool");
    R.getString("version", Input.ToolVersion, /*Required=*/false);
    Root.merge(R);
  }
  if (const Json *Findings = Root.getArray("findings", /*Required=*/true))
    for (size_t I = 0; I < Findings->size() && !Root.failed(); ++I)
      Input.Findings.push_back(findingFromJson(
          (*Findings)[I], "findings[" + std::to_string(I) + "]", Root));
  if (const Json *Stats = Root.getObject("stats"))
    Input.Stats = readStats(Root, *Stats);

  if (Root.failed())
    return createStringError(inconvertibleErrorCode(),
                             "invalid findings JSON: %s",
                             Root.problem()->c_str());
  return Input;
}

} // namespace lockwise
