//===- SourceText.cpp - Paths and source lines for the rich formats -------===//

#include "SourceText.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace lockwise {

/// Root without "." components and without a trailing separator, so that
/// "/src/", "/src/." and "/src" compare alike.
static std::string normalRoot(StringRef Root) {
  SmallString<256> Clean(Root);
  sys::path::remove_dots(Clean, /*remove_dot_dot=*/true);
  return std::string(Clean.str().rtrim('/'));
}

bool isUnderRoot(StringRef File, StringRef Root) {
  if (Root.empty())
    return false;
  std::string R = normalRoot(Root);
  SmallString<256> F(File);
  sys::path::remove_dots(F, /*remove_dot_dot=*/true);
  return StringRef(F).starts_with(R + "/");
}

std::string displayPath(StringRef File, StringRef Root) {
  if (!isUnderRoot(File, Root))
    return File.str();
  SmallString<256> F(File);
  sys::path::remove_dots(F, /*remove_dot_dot=*/true);
  return F.substr(normalRoot(Root).size() + 1).str();
}

std::string collapseWhitespace(StringRef Text) {
  std::string Out;
  bool PendingSpace = false;
  for (char C : Text) {
    if (C == ' ' || C == '\t' || C == '\r' || C == '\n' || C == '\f' ||
        C == '\v') {
      PendingSpace = !Out.empty();
      continue;
    }
    if (PendingSpace)
      Out += ' ';
    PendingSpace = false;
    Out += C;
  }
  return Out;
}

const std::vector<std::string> *SourceCache::lines(StringRef File) {
  if (File.empty())
    return nullptr;
  auto [It, Inserted] = Files.try_emplace(File.str());
  if (!Inserted)
    return It->second.get();

  std::vector<std::string> Candidates;
  if (sys::path::is_relative(File) && !Root.empty()) {
    SmallString<256> Joined(Root);
    sys::path::append(Joined, File);
    Candidates.push_back(std::string(Joined));
  }
  Candidates.push_back(File.str());
  for (const std::string &Path : Candidates) {
    ErrorOr<std::unique_ptr<MemoryBuffer>> Buffer =
        MemoryBuffer::getFile(Path, /*IsText=*/true);
    if (!Buffer)
      continue;
    auto Lines = std::make_unique<std::vector<std::string>>();
    SmallVector<StringRef, 0> Parts;
    StringRef Text = (*Buffer)->getBuffer();
    Text.split(Parts, '\n');
    // A final newline ends the last line rather than starting an empty one.
    if (!Parts.empty() && Parts.back().empty())
      Parts.pop_back();
    for (StringRef Part : Parts)
      Lines->push_back(Part.rtrim('\r').str());
    It->second = std::move(Lines);
    break;
  }
  return It->second.get();
}

std::optional<std::string> SourceCache::line(StringRef File, unsigned Line) {
  const std::vector<std::string> *All = lines(File);
  if (!All || Line == 0 || Line > All->size())
    return std::nullopt;
  return (*All)[Line - 1];
}

} // namespace lockwise
