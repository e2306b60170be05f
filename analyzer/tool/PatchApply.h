//===- PatchApply.h - Apply a patch's hunks in memory ---------------------===//
#ifndef LOCKWISE_TOOL_PATCHAPPLY_H
#define LOCKWISE_TOOL_PATCHAPPLY_H

#include "lockwise/Report.h"

#include "llvm/Support/Error.h"

#include <map>
#include <string>

namespace lockwise {

/// Applies the hunks, in order, to the files under Root and returns the new
/// contents by absolute path: the review's scratch copy, kept in memory and
/// laid over the real tree when parsing.  A hunk whose old lines are not in
/// the file (within a small offset, as patch(1) allows) is an error naming
/// the file and the hunk.
llvm::Expected<std::map<std::string, std::string>>
applyHunks(const std::vector<PatchHunk> &Hunks, const std::string &Root);

} // namespace lockwise

#endif
