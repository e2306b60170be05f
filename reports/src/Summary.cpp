//===- Summary.cpp - Findings and locations in words ----------------------===//

#include "Summary.h"

using namespace llvm;

namespace lockwise {

std::string countOf(unsigned N, StringRef Noun) {
  std::string S = std::to_string(N) + " " + Noun.str();
  if (N != 1)
    S += 's';
  return S;
}

std::string formatLocation(StringRef File, unsigned Line, unsigned Column) {
  if (File.empty())
    return "";
  std::string S = File.str();
  if (Line) {
    S += ":" + std::to_string(Line);
    if (Column)
      S += ":" + std::to_string(Column);
  }
  return S;
}

Place placeOf(const Finding &F) {
  if (!F.File.empty())
    return {F.File, F.Line, F.Column};
  for (const TraceStep &Step : F.Trace)
    if (!Step.File.empty())
      return {Step.File, Step.Line, Step.Column};
  return {};
}

std::string findingCounts(const std::vector<Finding> &Findings) {
  if (Findings.empty())
    return "no findings";
  unsigned Counts[3] = {0, 0, 0};
  for (const Finding &F : Findings)
    ++Counts[static_cast<unsigned>(F.Sev)];
  std::string S = countOf(Findings.size(), "finding") + " (";
  const char *Sep = "";
  for (Severity Sev : {Severity::Error, Severity::Warning, Severity::Note}) {
    unsigned N = Counts[static_cast<unsigned>(Sev)];
    if (!N)
      continue;
    S += Sep + countOf(N, severityName(Sev));
    Sep = ", ";
  }
  return S + ")";
}

} // namespace lockwise
