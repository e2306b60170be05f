//===- DiffAnchor.cpp - Placing findings on the lines of a patch ----------===//

#include "DiffAnchor.h"

#include "SourceText.h"

using namespace llvm;

namespace lockwise {

DiffIndex::DiffIndex(const ReviewContext &Review, std::string Root)
    : Root(std::move(Root)) {
  for (const PatchHunk &H : Review.Hunks) {
    IndexedHunk Indexed{&H, {}};
    unsigned Next = H.NewStart;
    for (const std::string &L : H.Lines) {
      bool OnNewSide = !L.empty() && (L[0] == ' ' || L[0] == '+');
      // Mailers strip the trailing blank of an empty context line.
      if (L.empty())
        OnNewSide = true;
      Indexed.NewLine.push_back(OnNewSide ? Next++ : 0);
    }
    Hunks.push_back(std::move(Indexed));
  }
}

std::optional<std::string> DiffIndex::patchPath(StringRef File) const {
  if (File.empty())
    return std::nullopt;
  std::string Shown = displayPath(File, Root);
  for (const IndexedHunk &H : Hunks) {
    StringRef P = H.Hunk->File;
    // Without a root, an absolute path still matches the patch's relative
    // one by its tail, on a whole path component.
    if (Shown == P || File == P ||
        (File.ends_with(P) && File.size() > P.size() &&
         File[File.size() - P.size() - 1] == '/'))
      return P.str();
  }
  return std::nullopt;
}

std::optional<DiffAnchor> DiffIndex::locate(StringRef File,
                                            unsigned Line) const {
  if (Line == 0)
    return std::nullopt;
  std::optional<std::string> Path = patchPath(File);
  if (!Path)
    return std::nullopt;
  for (const IndexedHunk &H : Hunks) {
    if (H.Hunk->File != *Path)
      continue;
    for (size_t I = 0; I < H.NewLine.size(); ++I)
      if (H.NewLine[I] == Line)
        return DiffAnchor{H.Hunk, I, Line, nullptr};
  }
  return std::nullopt;
}

std::optional<DiffAnchor> DiffIndex::anchor(const Finding &F) const {
  if (std::optional<DiffAnchor> A = locate(F.File, F.Line))
    return A;
  for (const TraceStep &Step : F.Trace)
    if (std::optional<DiffAnchor> A = locate(Step.File, Step.Line)) {
      A->Step = &Step;
      return A;
    }
  return std::nullopt;
}

} // namespace lockwise
