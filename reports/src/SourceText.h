//===- SourceText.h - Paths and source lines for the rich formats ---------===//
//
// SARIF fingerprints, rdjson ranges and HTML snippets need the text of the
// lines a finding points at, and the review formats need repository-relative
// paths.  Both depend on ReportInput::SourceRoot, so they are decided here,
// once, for every writer.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_REPORTS_SOURCETEXT_H
#define LOCKWISE_REPORTS_SOURCETEXT_H

#include "llvm/ADT/StringRef.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lockwise {

/// File as shown to the reader: relative to Root when it lies under Root,
/// else as given.  Pure string work, so the result does not depend on the
/// machine (no symlink resolution, no current directory).
std::string displayPath(llvm::StringRef File, llvm::StringRef Root);

/// Whether File lies under Root (see displayPath()).
bool isUnderRoot(llvm::StringRef File, llvm::StringRef Root);

/// Text with leading and trailing blanks dropped and inner runs of blanks
/// collapsed to one space.
std::string collapseWhitespace(llvm::StringRef Text);

/// Reads source files once each and hands out their lines.
class SourceCache {
public:
  explicit SourceCache(std::string Root) : Root(std::move(Root)) {}

  /// Line Line (1-based) of File without its line ending, or nothing when
  /// the file cannot be read or is shorter.  A relative File is looked up
  /// under the root first, then as given.
  std::optional<std::string> line(llvm::StringRef File, unsigned Line);

  /// All lines of File, or nullptr when it cannot be read.
  const std::vector<std::string> *lines(llvm::StringRef File);

private:
  std::string Root;
  std::map<std::string, std::unique_ptr<std::vector<std::string>>> Files;
};

} // namespace lockwise

#endif
