//===- PatchApply.cpp -----------------------------------------------------===//
#include "tool/PatchApply.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace lockwise {

namespace {

/// How far from its stated line a hunk may have moved (patch(1) searches
/// the whole file; a review of a stale patch should say so instead).
constexpr long MaxOffset = 500;

std::vector<std::string> splitLines(llvm::StringRef Text, bool &FinalNewline) {
  std::vector<std::string> Lines;
  FinalNewline = Text.ends_with("\n");
  llvm::SmallVector<llvm::StringRef, 0> Parts;
  Text.split(Parts, '\n');
  if (FinalNewline)
    Parts.pop_back();
  for (llvm::StringRef P : Parts)
    Lines.push_back(P.str());
  return Lines;
}

} // namespace

llvm::Expected<std::map<std::string, std::string>>
applyHunks(const std::vector<PatchHunk> &Hunks, const std::string &Root) {
  struct FileState {
    std::vector<std::string> Lines;
    bool FinalNewline = true;
    long Offset = 0; // lines added minus removed so far
    unsigned HunkNo = 0;
  };
  std::map<std::string, FileState> Files;
  std::vector<std::string> Order;
  for (const PatchHunk &H : Hunks) {
    llvm::SmallString<256> Path(Root);
    llvm::sys::path::append(Path, H.File);
    llvm::sys::path::remove_dots(Path, true);
    std::string Key(Path);
    auto [It, New] = Files.try_emplace(Key);
    FileState &F = It->second;
    if (New) {
      Order.push_back(Key);
      if (!(H.OldStart == 0 && H.OldLines == 0)) {
        auto Buf = llvm::MemoryBuffer::getFile(Key);
        if (!Buf)
          return llvm::createStringError(
              Buf.getError(), "the patch changes '%s', which cannot be read: %s",
              H.File.c_str(), Buf.getError().message().c_str());
        F.Lines = splitLines((*Buf)->getBuffer(), F.FinalNewline);
      }
    }
    ++F.HunkNo;
    std::vector<std::string> Old, Replacement;
    for (const std::string &L : H.Lines) {
      if (L.empty() || L[0] == '\\')
        continue;
      if (L[0] == ' ' || L[0] == '-')
        Old.push_back(L.substr(1));
      if (L[0] == ' ' || L[0] == '+')
        Replacement.push_back(L.substr(1));
    }
    long Expected = (long)(H.OldStart ? H.OldStart - 1 : 0) + F.Offset;
    auto MatchesAt = [&](long At) {
      if (At < 0 || At + (long)Old.size() > (long)F.Lines.size())
        return false;
      for (size_t I = 0; I < Old.size(); ++I)
        if (F.Lines[At + I] != Old[I])
          return false;
      return true;
    };
    long Found = -1;
    for (long Delta = 0; Delta <= MaxOffset && Found < 0; ++Delta) {
      if (MatchesAt(Expected + Delta))
        Found = Expected + Delta;
      else if (Delta && MatchesAt(Expected - Delta))
        Found = Expected - Delta;
    }
    if (Found < 0)
      return llvm::createStringError(
          std::errc::invalid_argument,
          "hunk %u of '%s' (%s) does not apply: its old lines are not in the "
          "file near line %ld",
          F.HunkNo, H.File.c_str(), H.Header.c_str(), Expected + 1);
    F.Lines.erase(F.Lines.begin() + Found, F.Lines.begin() + Found + Old.size());
    F.Lines.insert(F.Lines.begin() + Found, Replacement.begin(), Replacement.end());
    F.Offset += (long)Replacement.size() - (long)Old.size();
  }
  std::map<std::string, std::string> Out;
  for (const std::string &Key : Order) {
    const FileState &F = Files[Key];
    std::string Text;
    for (size_t I = 0; I < F.Lines.size(); ++I) {
      Text += F.Lines[I];
      if (I + 1 < F.Lines.size() || F.FinalNewline)
        Text += '\n';
    }
    Out[Key] = std::move(Text);
  }
  return Out;
}

} // namespace lockwise
