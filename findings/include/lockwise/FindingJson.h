//===- FindingJson.h - One finding in the findings JSON -------------------===//
//
// The shape of one element of "findings" (docs/design.md, "Findings JSON"), written
// and read here so that the analyzer's report writers and the runtime's exit
// report cannot drift apart.  The document around the findings ("tool",
// "stats", the runtime's "observed_edges") belongs to each writer.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_FINDINGJSON_H
#define LOCKWISE_FINDINGJSON_H

#include "lockwise/Finding.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace lockwise {

/// F with its keys in contract order (check, severity, message, file, line,
/// column, function, locks, trace, fingerprint), so that reports diff
/// cleanly.  The fingerprint is written as it is: callers that want one
/// computed fill it first (normalizedFindings(), the runtime's writer).
nlohmann::ordered_json findingToJson(const Finding &F);

/// Reads typed members of one JSON object and keeps the first problem, named
/// by its JSON path ("findings[3].line: expected an unsigned integer"), so
/// that callers read every field and check once at the end.  These files are
/// written by other programs, and a bare "type error" would be useless.
class JsonObjectReader {
public:
  JsonObjectReader(const nlohmann::json &Object, std::string Path);

  void getString(const char *Key, std::string &Out, bool Required);
  void getUnsigned(const char *Key, unsigned &Out, bool Required);
  void getReal(const char *Key, double &Out);
  /// The array under Key, or null when it is absent (and optional) or wrong.
  const nlohmann::json *getArray(const char *Key, bool Required);
  /// The object under Key, or null when absent or wrong.
  const nlohmann::json *getObject(const char *Key);

  std::string pathOf(const char *Key) const;
  /// Records "Where: expected Expected" unless a problem is recorded already.
  void fail(const std::string &Where, std::string_view Expected);
  /// Adopts a nested reader's problem.
  void merge(JsonObjectReader &Nested);

  bool failed() const { return Problem.has_value(); }
  const std::optional<std::string> &problem() const { return Problem; }

private:
  const nlohmann::json *member(const char *Key, bool Required);

  const nlohmann::json &Object;
  std::string Path;
  std::optional<std::string> Problem;
};

/// Reads the finding J at Path as findingToJson() writes it.  Required:
/// check, severity, message, file and line; the fingerprint is kept as read.
/// A problem goes to Parent, and the finding returned is then incomplete.
Finding findingFromJson(const nlohmann::json &J, const std::string &Path,
                        JsonObjectReader &Parent);

/// The same for a lone finding: nothing, with *Problem set when given, if J
/// is not one.
std::optional<Finding> findingFromJson(const nlohmann::json &J,
                                       std::string *Problem = nullptr);

} // namespace lockwise

#endif
