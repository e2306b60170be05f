//===- DiffAnchor.h - Placing findings on the lines of a patch ------------===//
//
// Review formats comment on a patch, and a comment can only sit on a line the
// patch shows.  A lock-order finding is often reported at the old half of the
// pair while the patch added the other half, so a finding is placed at its
// own location when the patch shows it, else at the first witness step the
// patch shows.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_REPORTS_DIFFANCHOR_H
#define LOCKWISE_REPORTS_DIFFANCHOR_H

#include "lockwise/Report.h"

#include <optional>
#include <string>
#include <vector>

namespace lockwise {

/// A line of a hunk that a finding is placed on.
struct DiffAnchor {
  const PatchHunk *Hunk = nullptr;
  size_t LineIndex = 0; ///< Into Hunk->Lines.
  unsigned Line = 0;    ///< On the new side.
  /// The witness step placed here, or null for the finding's own location.
  const TraceStep *Step = nullptr;
};

class DiffIndex {
public:
  DiffIndex(const ReviewContext &Review, std::string Root);

  /// The hunk line showing File:Line of the new side (a context or added
  /// line), if any.
  std::optional<DiffAnchor> locate(llvm::StringRef File, unsigned Line) const;

  /// Where F goes on the patch, if anywhere (see the file comment).
  std::optional<DiffAnchor> anchor(const Finding &F) const;

  /// The patch's spelling of File when the patch touches it.
  std::optional<std::string> patchPath(llvm::StringRef File) const;

private:
  struct IndexedHunk {
    const PatchHunk *Hunk;
    /// New-side line number of each hunk line; 0 for removed lines and
    /// "\ No newline" markers.
    std::vector<unsigned> NewLine;
  };
  std::vector<IndexedHunk> Hunks;
  std::string Root;
};

} // namespace lockwise

#endif
