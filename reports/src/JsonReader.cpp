//===- JsonReader.cpp - Reading findings JSON back ------------------------===//
//
// Used to merge runtime reports into static ones and to compare runs.  Errors
// name the JSON path of the bad value ("findings[3].line"), because these
// files are written by other programs and a bare "type error" is useless.
//
//===----------------------------------------------------------------------===//

#include "lockwise/Report.h"

#include <nlohmann/json.hpp>

#include <limits>
#include <optional>

using namespace llvm;
using Json = nlohmann::json;

namespace lockwise {
namespace {

/// Reads typed members of one JSON object and remembers the first problem,
/// so that callers read every field and check once at the end.
class ObjectReader {
public:
  ObjectReader(const Json &Object, std::string Path)
      : Object(Object), Path(std::move(Path)) {
    if (!Object.is_object())
      fail(this->Path, "an object");
  }

  void getString(const char *Key, std::string &Out, bool Required) {
    if (const Json *V = member(Key, Required)) {
      if (V->is_string())
        Out = V->get<std::string>();
      else
        fail(pathOf(Key), "a string");
    }
  }

  void getUnsigned(const char *Key, unsigned &Out, bool Required) {
    const Json *V = member(Key, Required);
    if (!V)
      return;
    if (!V->is_number_unsigned() ||
        V->get<uint64_t>() > std::numeric_limits<unsigned>::max()) {
      fail(pathOf(Key), "an unsigned integer");
      return;
    }
    Out = V->get<unsigned>();
  }

  void getReal(const char *Key, double &Out) {
    if (const Json *V = member(Key, /*Required=*/false)) {
      if (V->is_number())
        Out = V->get<double>();
      else
        fail(pathOf(Key), "a number");
    }
  }

  /// The array under Key, or null when it is absent (and optional) or wrong.
  const Json *getArray(const char *Key, bool Required) {
    const Json *V = member(Key, Required);
    if (V && !V->is_array()) {
      fail(pathOf(Key), "an array");
      return nullptr;
    }
    return V;
  }

  /// The object under Key, or null when absent.
  const Json *getObject(const char *Key) {
    const Json *V = member(Key, /*Required=*/false);
    if (V && !V->is_object()) {
      fail(pathOf(Key), "an object");
      return nullptr;
    }
    return V;
  }

  std::string pathOf(const char *Key) const {
    return Path.empty() ? Key : Path + "." + Key;
  }

  void fail(const std::string &Where, StringRef Expected) {
    if (!Problem)
      Problem = (Where.empty() ? "top level" : Where) + ": expected " +
                Expected.str();
  }

  /// Adopts a nested reader's problem.
  void merge(ObjectReader &Nested) {
    if (!Problem)
      Problem = std::move(Nested.Problem);
  }

  bool failed() const { return Problem.has_value(); }

  Error takeError() {
    if (!Problem)
      return Error::success();
    return createStringError(inconvertibleErrorCode(),
                             "invalid findings JSON: %s", Problem->c_str());
  }

private:
  const Json *member(const char *Key, bool Required) {
    if (failed() || !Object.is_object())
      return nullptr;
    auto It = Object.find(Key);
    if (It != Object.end())
      return &*It;
    if (Required)
      Problem = pathOf(Key) + ": missing";
    return nullptr;
  }

  const Json &Object;
  std::string Path;
  std::optional<std::string> Problem;
};

TraceStep readStep(ObjectReader &Parent, const Json &J,
                   const std::string &Path) {
  TraceStep Step;
  ObjectReader R(J, Path);
  R.getString("file", Step.File, /*Required=*/false);
  R.getUnsigned("line", Step.Line, /*Required=*/false);
  R.getUnsigned("column", Step.Column, /*Required=*/false);
  R.getString("message", Step.Message, /*Required=*/false);
  Parent.merge(R);
  return Step;
}

Finding readFinding(ObjectReader &Parent, const Json &J,
                    const std::string &Path) {
  Finding F;
  ObjectReader R(J, Path);
  R.getString("check", F.Check, /*Required=*/true);
  std::string Severity;
  R.getString("severity", Severity, /*Required=*/true);
  if (!R.failed()) {
    if (std::optional<lockwise::Severity> S = parseSeverity(Severity))
      F.Sev = *S;
    else
      R.fail(R.pathOf("severity"), "\"error\", \"warning\" or \"note\"");
  }
  R.getString("message", F.Message, /*Required=*/true);
  R.getString("file", F.File, /*Required=*/true);
  R.getUnsigned("line", F.Line, /*Required=*/true);
  R.getUnsigned("column", F.Column, /*Required=*/false);
  R.getString("function", F.Function, /*Required=*/false);
  R.getString("fingerprint", F.Fingerprint, /*Required=*/false);
  if (const Json *Locks = R.getArray("locks", /*Required=*/false)) {
    for (size_t I = 0; I < Locks->size() && !R.failed(); ++I) {
      const Json &Lock = (*Locks)[I];
      if (Lock.is_string())
        F.Locks.push_back(Lock.get<std::string>());
      else
        R.fail(R.pathOf("locks") + "[" + std::to_string(I) + "]", "a string");
    }
  }
  if (const Json *Trace = R.getArray("trace", /*Required=*/false))
    for (size_t I = 0; I < Trace->size() && !R.failed(); ++I)
      F.Trace.push_back(readStep(
          R, (*Trace)[I], R.pathOf("trace") + "[" + std::to_string(I) + "]"));
  Parent.merge(R);
  return F;
}

RunStats readStats(ObjectReader &Parent, const Json &J) {
  RunStats Stats;
  ObjectReader R(J, "stats");
  R.getUnsigned("translation_units", Stats.TranslationUnits,
                /*Required=*/false);
  R.getUnsigned("failed", Stats.Failed, /*Required=*/false);
  R.getUnsigned("functions", Stats.Functions, /*Required=*/false);
  R.getReal("seconds", Stats.Seconds);
  R.getUnsigned("suppressed", Stats.Suppressed, /*Required=*/false);
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
  ObjectReader Root(Doc, "");
  if (const Json *Tool = Root.getObject("tool")) {
    ObjectReader R(*Tool, "tool");
    R.getString("version", Input.ToolVersion, /*Required=*/false);
    Root.merge(R);
  }
  if (const Json *Findings = Root.getArray("findings", /*Required=*/true))
    for (size_t I = 0; I < Findings->size() && !Root.failed(); ++I)
      Input.Findings.push_back(readFinding(
          Root, (*Findings)[I], "findings[" + std::to_string(I) + "]"));
  if (const Json *Stats = Root.getObject("stats"))
    Input.Stats = readStats(Root, *Stats);

  if (Error E = Root.takeError())
    return std::move(E);
  return Input;
}

} // namespace lockwise
