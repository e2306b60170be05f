//===- FindingJson.cpp - One finding in the findings JSON -----------------===//
//
// Plain C++ and nlohmann/json, no LLVM: the runtime shim links this.
//
//===----------------------------------------------------------------------===//

#include "lockwise/FindingJson.h"

#include <cstdint>
#include <limits>

using Json = nlohmann::json;
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

TraceStep readStep(const Json &J, const std::string &Path,
                   JsonObjectReader &Parent) {
  TraceStep Step;
  JsonObjectReader R(J, Path);
  R.getString("file", Step.File, /*Required=*/false);
  R.getUnsigned("line", Step.Line, /*Required=*/false);
  R.getUnsigned("column", Step.Column, /*Required=*/false);
  R.getString("message", Step.Message, /*Required=*/false);
  Parent.merge(R);
  return Step;
}

} // namespace

OrderedJson findingToJson(const Finding &F) {
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

JsonObjectReader::JsonObjectReader(const Json &Object, std::string Path)
    : Object(Object), Path(std::move(Path)) {
  if (!Object.is_object())
    fail(this->Path, "an object");
}

void JsonObjectReader::getString(const char *Key, std::string &Out,
                                 bool Required) {
  if (const Json *V = member(Key, Required)) {
    if (V->is_string())
      Out = V->get<std::string>();
    else
      fail(pathOf(Key), "a string");
  }
}

void JsonObjectReader::getUnsigned(const char *Key, unsigned &Out,
                                   bool Required) {
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

void JsonObjectReader::getReal(const char *Key, double &Out) {
  if (const Json *V = member(Key, /*Required=*/false)) {
    if (V->is_number())
      Out = V->get<double>();
    else
      fail(pathOf(Key), "a number");
  }
}

const Json *JsonObjectReader::getArray(const char *Key, bool Required) {
  const Json *V = member(Key, Required);
  if (V && !V->is_array()) {
    fail(pathOf(Key), "an array");
    return nullptr;
  }
  return V;
}

const Json *JsonObjectReader::getObject(const char *Key) {
  const Json *V = member(Key, /*Required=*/false);
  if (V && !V->is_object()) {
    fail(pathOf(Key), "an object");
    return nullptr;
  }
  return V;
}

std::string JsonObjectReader::pathOf(const char *Key) const {
  return Path.empty() ? Key : Path + "." + Key;
}

void JsonObjectReader::fail(const std::string &Where,
                            std::string_view Expected) {
  if (!Problem)
    Problem = (Where.empty() ? "top level" : Where) + ": expected " +
              std::string(Expected);
}

void JsonObjectReader::merge(JsonObjectReader &Nested) {
  if (!Problem)
    Problem = std::move(Nested.Problem);
}

const Json *JsonObjectReader::member(const char *Key, bool Required) {
  if (failed() || !Object.is_object())
    return nullptr;
  auto It = Object.find(Key);
  if (It != Object.end())
    return &*It;
  if (Required)
    Problem = pathOf(Key) + ": missing";
  return nullptr;
}

Finding findingFromJson(const Json &J, const std::string &Path,
                        JsonObjectReader &Parent) {
  Finding F;
  JsonObjectReader R(J, Path);
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
          (*Trace)[I], R.pathOf("trace") + "[" + std::to_string(I) + "]", R));
  Parent.merge(R);
  return F;
}

std::optional<Finding> findingFromJson(const Json &J, std::string *Problem) {
  JsonObjectReader Root(J, "");
  Finding F = findingFromJson(J, "", Root);
  if (!Root.failed())
    return F;
  if (Problem)
    *Problem = *Root.problem();
  return std::nullopt;
}

} // namespace lockwise
