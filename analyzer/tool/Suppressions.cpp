//===- Suppressions.cpp ---------------------------------------------------===//
#include "tool/Suppressions.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

namespace lockwise {

llvm::Error writeBaseline(const std::vector<Finding> &Findings,
                          const std::string &Path) {
  std::vector<Finding> Sorted = Findings;
  sortAndUnique(Sorted);
  llvm::json::Array Entries;
  for (const Finding &F : Sorted)
    Entries.push_back(llvm::json::Object{
        {"fingerprint", F.Fingerprint.empty() ? computeFingerprint(F) : F.Fingerprint},
        {"check", F.Check},
        {"function", F.Function},
        {"message", F.Message}});
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC);
  if (EC)
    return llvm::createStringError(EC, "cannot write baseline '%s': %s",
                                   Path.c_str(), EC.message().c_str());
  OS << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{
                                   {"lockwise_baseline", 1},
                                   {"findings", std::move(Entries)}}))
     << "\n";
  return llvm::Error::success();
}

llvm::Expected<std::set<std::string>> readBaseline(const std::string &Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf)
    return llvm::createStringError(Buf.getError(), "cannot read baseline '%s': %s",
                                   Path.c_str(), Buf.getError().message().c_str());
  auto Doc = llvm::json::parse((*Buf)->getBuffer());
  if (!Doc)
    return llvm::createStringError(std::errc::invalid_argument,
                                   "baseline '%s' is not JSON: %s", Path.c_str(),
                                   llvm::toString(Doc.takeError()).c_str());
  std::set<std::string> Out;
  const llvm::json::Object *O = Doc->getAsObject();
  const llvm::json::Array *A = O ? O->getArray("findings") : nullptr;
  if (!A)
    return llvm::createStringError(std::errc::invalid_argument,
                                   "baseline '%s' has no \"findings\" array",
                                   Path.c_str());
  for (const llvm::json::Value &V : *A)
    if (const llvm::json::Object *E = V.getAsObject())
      if (auto FP = E->getString("fingerprint"))
        Out.insert(FP->str());
  return Out;
}

namespace {
/// Source lines by file, read once.
class SourceLines {
public:
  llvm::StringRef line(const std::string &File, unsigned Line) {
    auto It = Files.find(File);
    if (It == Files.end()) {
      std::vector<std::string> Lines;
      if (auto Buf = llvm::MemoryBuffer::getFile(File)) {
        llvm::SmallVector<llvm::StringRef, 0> Parts;
        (*Buf)->getBuffer().split(Parts, '\n');
        for (llvm::StringRef P : Parts)
          Lines.push_back(P.str());
      }
      It = Files.emplace(File, std::move(Lines)).first;
    }
    if (Line == 0 || Line > It->second.size())
      return "";
    return It->second[Line - 1];
  }

private:
  std::map<std::string, std::vector<std::string>> Files;
};

bool suppresses(llvm::StringRef Line, llvm::StringRef Check) {
  size_t At = Line.find("lockwise: ignore[");
  if (At == llvm::StringRef::npos)
    return false;
  llvm::StringRef Ids = Line.substr(At + strlen("lockwise: ignore["));
  Ids = Ids.take_until([](char C) { return C == ']'; });
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  Ids.split(Parts, ',');
  for (llvm::StringRef P : Parts)
    if (P.trim() == Check || P.trim() == "*")
      return true;
  return false;
}
} // namespace

unsigned suppress(std::vector<Finding> &Findings,
                  const std::set<std::string> &Baseline, const Program &P) {
  SourceLines Source;
  std::map<std::string, SrcLoc> FunctionLoc;
  for (const FunctionFacts *F : P.functions())
    FunctionLoc.emplace(F->Name, F->Loc);
  size_t Before = Findings.size();
  std::erase_if(Findings, [&](Finding &F) {
    if (F.Fingerprint.empty())
      F.Fingerprint = computeFingerprint(F);
    if (Baseline.count(F.Fingerprint))
      return true;
    if (suppresses(Source.line(F.File, F.Line), F.Check) ||
        (F.Line > 1 && suppresses(Source.line(F.File, F.Line - 1), F.Check)))
      return true;
    auto It = FunctionLoc.find(F.Function);
    if (It == FunctionLoc.end())
      return false;
    const SrcLoc &L = It->second;
    for (unsigned Line = L.Line > 2 ? L.Line - 2 : 1; Line <= L.Line; ++Line)
      if (suppresses(Source.line(L.File, Line), F.Check))
        return true;
    return false;
  });
  return Before - Findings.size();
}

} // namespace lockwise
