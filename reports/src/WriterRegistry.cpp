//===- WriterRegistry.cpp - Format name to writer -------------------------===//

#include "WriterRegistry.h"

#include "llvm/ADT/StringExtras.h"

#include <cassert>
#include <map>

using namespace llvm;

namespace lockwise {

/// Built on first use: registrations run during static initialisation, in an
/// order across files that C++ leaves unspecified.
static std::map<std::string, WriterRegistry::Factory, std::less<>> &
factories() {
  static std::map<std::string, WriterRegistry::Factory, std::less<>> Map;
  return Map;
}

void WriterRegistry::registerFormat(StringRef Format, Factory Make) {
  bool Inserted = factories().emplace(Format.str(), Make).second;
  assert(Inserted && "two writers registered for one format");
  (void)Inserted;
}

std::vector<std::string> writerFormats() {
  std::vector<std::string> Names;
  for (const auto &Entry : factories())
    Names.push_back(Entry.first);
  return Names;
}

Expected<std::unique_ptr<ReportWriter>> createWriter(StringRef Format) {
  auto It = factories().find(Format);
  if (It == factories().end())
    return createStringError(inconvertibleErrorCode(),
                             "unknown report format '%s' (known formats: %s)",
                             Format.str().c_str(),
                             join(writerFormats(), ", ").c_str());
  return It->second();
}

Error writeReport(StringRef Format, const ReportInput &Input, raw_ostream &OS) {
  Expected<std::unique_ptr<ReportWriter>> Writer = createWriter(Format);
  if (!Writer)
    return Writer.takeError();
  if (Error E = (*Writer)->validate(Input))
    return E;
  (*Writer)->write(Input, OS);
  return Error::success();
}

} // namespace lockwise
