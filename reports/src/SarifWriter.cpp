//===- SarifWriter.cpp - SARIF 2.1.0 for CI gates and code scanning -------===//
//
// One run with the rules lockwise checks and one result per finding: the
// primary location, the witness steps both as relatedLocations (the other
// acquisition sites) and as one thread flow (the chain in order), and a
// partial fingerprint that does not contain line numbers, so that GitHub code
// scanning and other consumers match alerts across commits that move code.
//
//===----------------------------------------------------------------------===//

#include "SourceText.h"
#include "Summary.h"
#include "WriterRegistry.h"

#include "lockwise/Hash.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

using namespace llvm;
using OrderedJson = nlohmann::ordered_json;

namespace lockwise {
namespace {

const char *const SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/"
                              "errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base the relative paths are resolved against.  GitHub code scanning
/// and VS Code's SARIF viewer resolve %SRCROOT% to the checkout themselves;
/// leaving its value out keeps the machine's paths out of the report.
const char *const RootBaseId = "%SRCROOT%";

/// Percent-encodes what may not appear in a URI path.
std::string uriEscape(StringRef Path) {
  std::string Out;
  for (unsigned char C : Path) {
    if (isAlnum(C) || StringRef("-._~/!$&'()*+,;=:@").contains(C)) {
      Out += C;
      continue;
    }
    Out += '%';
    Out += hexdigit(C >> 4, /*LowerCase=*/false);
    Out += hexdigit(C & 15, /*LowerCase=*/false);
  }
  return Out;
}

OrderedJson artifactLocation(StringRef File, StringRef Root) {
  OrderedJson J;
  if (isUnderRoot(File, Root)) {
    J["uri"] = uriEscape(displayPath(File, Root));
    J["uriBaseId"] = RootBaseId;
  } else if (sys::path::is_absolute(File)) {
    J["uri"] = "file://" + uriEscape(File);
  } else {
    J["uri"] = uriEscape(File);
  }
  return J;
}

/// A physicalLocation, or null when there is no file to point at.
OrderedJson physicalLocation(StringRef File, unsigned Line, unsigned Column,
                             StringRef Root) {
  if (File.empty())
    return nullptr;
  OrderedJson J;
  J["artifactLocation"] = artifactLocation(File, Root);
  // SARIF regions are 1-based; an unknown line means no region at all.
  if (Line) {
    J["region"]["startLine"] = Line;
    if (Column)
      J["region"]["startColumn"] = Column;
  }
  return J;
}

OrderedJson messageOf(StringRef Text) {
  OrderedJson J;
  J["text"] = Text.str();
  return J;
}

/// "order-cycle" -> "OrderCycle": SARIF's rule name is an identifier-like
/// word, shown by some viewers next to the ID.
std::string ruleName(StringRef Id) {
  std::string Name;
  bool Upper = true;
  for (char C : Id) {
    if (!isAlnum(C)) {
      Upper = true;
      continue;
    }
    Name += Upper ? toUpper(C) : C;
    Upper = false;
  }
  return Name;
}

/// The rules: those described by the analyzer, and any check seen in the
/// findings without a description, described by its ID.  Sorted by ID so
/// that ruleIndex does not depend on registration order.
std::vector<RuleDescription> rulesFor(const ReportInput &Input,
                                      const std::vector<Finding> &Findings) {
  std::map<std::string, RuleDescription> ById;
  for (const RuleDescription &R : Input.Rules)
    ById.emplace(R.Id, R);
  for (const Finding &F : Findings)
    ById.emplace(F.Check, RuleDescription{F.Check, F.Check, F.Check, ""});
  std::vector<RuleDescription> Rules;
  for (auto &Entry : ById)
    Rules.push_back(std::move(Entry.second));
  return Rules;
}

/// A rule with what the analyzer said about it; a missing description falls
/// back to the shorter one, and finally to the ID, since SARIF consumers
/// show these texts as they are.
OrderedJson toJson(const RuleDescription &R) {
  std::string Short = R.Short.empty() ? R.Id : R.Short;
  std::string Full = R.Full.empty() ? Short : R.Full;
  std::string Help = Full;
  OrderedJson J;
  J["id"] = R.Id;
  J["name"] = ruleName(R.Id);
  J["shortDescription"] = messageOf(Short);
  J["fullDescription"] = messageOf(Full);
  if (!R.HelpUri.empty()) {
    Help += "\n\nSee " + R.HelpUri;
    J["helpUri"] = R.HelpUri;
  }
  J["help"] = messageOf(Help);
  return J;
}

/// The "lockwise/v1" partial fingerprint: check, function, sorted lock
/// classes and the whitespace-collapsed source line, none of which changes
/// when code above moves.  Without the source, the message with its numbers
/// stripped stands in; a tag keeps the two kinds from ever colliding.
std::string sourceFingerprint(const Finding &F, SourceCache &Sources) {
  std::vector<std::string> Locks = F.Locks;
  std::sort(Locks.begin(), Locks.end());
  const char FieldSep = '\x1f';
  std::string Key = "lockwise/v1";
  Key += FieldSep + F.Check + FieldSep + F.Function + FieldSep;
  Key += join(Locks, "\x1e");
  Key += FieldSep;
  if (std::optional<std::string> Line = Sources.line(F.File, F.Line))
    Key += "src" + std::string(1, FieldSep) + collapseWhitespace(*Line);
  else
    Key += "msg" + std::string(1, FieldSep) + stripLineNumbers(F.Message);
  return hex16(fnv1a64(Key));
}

OrderedJson toJson(const Finding &F, unsigned RuleIndex,
                   const std::string &Fingerprint, StringRef Root) {
  OrderedJson J;
  J["ruleId"] = F.Check;
  J["ruleIndex"] = RuleIndex;
  J["level"] = severityName(F.Sev);
  J["message"] = messageOf(F.Message);

  J["locations"] = OrderedJson::array();
  // GitHub code scanning drops a result without a physical location, so a
  // runtime finding without one of its own points at its innermost frame.
  Place Where = placeOf(F);
  OrderedJson Physical =
      physicalLocation(Where.File, Where.Line, Where.Column, Root);
  if (!Physical.is_null() || !F.Function.empty()) {
    OrderedJson Location;
    if (!Physical.is_null())
      Location["physicalLocation"] = std::move(Physical);
    if (!F.Function.empty()) {
      OrderedJson Logical;
      Logical["name"] = F.Function;
      Logical["kind"] = "function";
      Location["logicalLocations"] = OrderedJson::array({Logical});
    }
    J["locations"].push_back(std::move(Location));
  }

  // A step without a file (a runtime frame in an unknown object) can still
  // carry its message in the thread flow, but it is no related location.
  OrderedJson Related = OrderedJson::array();
  OrderedJson FlowLocations = OrderedJson::array();
  unsigned Id = 0;
  for (const TraceStep &Step : F.Trace) {
    OrderedJson Location;
    OrderedJson StepPhysical =
        physicalLocation(Step.File, Step.Line, Step.Column, Root);
    if (!StepPhysical.is_null()) {
      OrderedJson R;
      R["id"] = ++Id;
      R["physicalLocation"] = StepPhysical;
      R["message"] = messageOf(Step.Message);
      Related.push_back(std::move(R));
      Location["physicalLocation"] = std::move(StepPhysical);
    }
    Location["message"] = messageOf(Step.Message);
    OrderedJson FlowLocation;
    FlowLocation["location"] = std::move(Location);
    FlowLocations.push_back(std::move(FlowLocation));
  }
  if (!Related.empty())
    J["relatedLocations"] = std::move(Related);
  if (!FlowLocations.empty()) {
    OrderedJson ThreadFlow;
    ThreadFlow["locations"] = std::move(FlowLocations);
    OrderedJson CodeFlow;
    CodeFlow["threadFlows"] = OrderedJson::array({std::move(ThreadFlow)});
    J["codeFlows"] = OrderedJson::array({std::move(CodeFlow)});
  }

  J["partialFingerprints"]["lockwise/v1"] = Fingerprint;
  J["properties"]["locks"] = F.Locks;
  J["properties"]["fingerprint"] = F.Fingerprint;
  return J;
}

class SarifWriter : public ReportWriter {
public:
  void write(const ReportInput &Input, raw_ostream &OS) const override {
    std::vector<Finding> Findings = normalizedFindings(Input.Findings);
    std::vector<RuleDescription> Rules = rulesFor(Input, Findings);
    std::map<std::string, unsigned> RuleIndex;
    for (unsigned I = 0; I < Rules.size(); ++I)
      RuleIndex[Rules[I].Id] = I;

    OrderedJson Driver;
    Driver["name"] = "lockwise";
    if (!Input.ToolVersion.empty())
      Driver["version"] = Input.ToolVersion;
    Driver["rules"] = OrderedJson::array();
    for (const RuleDescription &R : Rules)
      Driver["rules"].push_back(toJson(R));

    OrderedJson Run;
    Run["tool"]["driver"] = std::move(Driver);
    OrderedJson Invocation;
    // Failed translation units mean the run did not see all the code.
    Invocation["executionSuccessful"] = Input.Stats.Failed == 0;
    Invocation["properties"]["translationUnits"] = Input.Stats.TranslationUnits;
    Invocation["properties"]["failed"] = Input.Stats.Failed;
    Invocation["properties"]["functions"] = Input.Stats.Functions;
    Invocation["properties"]["suppressed"] = Input.Stats.Suppressed;
    if (Input.Stats.Incomplete)
      Invocation["properties"]["incompleteFunctions"] = Input.Stats.Incomplete;
    Run["invocations"] = OrderedJson::array({std::move(Invocation)});

    // Identical lines in one function (two unlocks on two paths) hash alike;
    // GitHub de-duplicates on equal fingerprints, so the n-th occurrence in
    // report order gets ":n", as GitHub's own primaryLocationLineHash does.
    SourceCache Sources(Input.SourceRoot);
    std::map<std::string, unsigned> Occurrences;
    Run["results"] = OrderedJson::array();
    for (const Finding &F : Findings) {
      std::string Hash = sourceFingerprint(F, Sources);
      std::string Fingerprint =
          Hash + ":" + std::to_string(++Occurrences[Hash]);
      Run["results"].push_back(
          toJson(F, RuleIndex.at(F.Check), Fingerprint, Input.SourceRoot));
    }

    OrderedJson Doc;
    Doc["$schema"] = SchemaUri;
    Doc["version"] = "2.1.0";
    Doc["runs"] = OrderedJson::array({std::move(Run)});
    OS << Doc.dump(2, ' ', /*ensure_ascii=*/false,
                   OrderedJson::error_handler_t::replace)
       << '\n';
  }
};

WriterRegistry::Add<SarifWriter> Registration("sarif");

} // namespace
} // namespace lockwise
