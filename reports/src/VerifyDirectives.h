//===- VerifyDirectives.h - Parsing expected-* comments -------------------===//
//
// The syntax follows Clang's VerifyDiagnosticConsumer:
//
//   expected-{error,warning,note}[-re][@{+N,-N,N}] [COUNT] {{TEXT}}
//   expected-no-diagnostics
//
// COUNT is N (exactly), N+ (at least) or + (one or more).  TEXT may be
// wrapped in more braces ({{{...}}}) to contain "}}".  With -re, TEXT is a
// literal in which {{...}} parts are regular expressions.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_REPORTS_VERIFYDIRECTIVES_H
#define LOCKWISE_REPORTS_VERIFYDIRECTIVES_H

#include "llvm/ADT/StringRef.h"

#include <limits>
#include <string>
#include <vector>

namespace lockwise::verify {

enum class Kind { Error, Warning, Note };

/// "expected-warning", ...
const char *directiveName(Kind K);

struct Directive {
  Kind K = Kind::Warning;
  unsigned DirectiveLine = 0; ///< Where the comment is.
  unsigned TargetLine = 0;    ///< The line the finding must be on.
  unsigned Min = 1;
  unsigned Max = 1; ///< Unbounded is std::numeric_limits<unsigned>::max().
  std::string Text; ///< As written, for messages.
  /// A regular expression for -re directives; empty for substring matching.
  std::string Pattern;

  /// Whether a finding (or note) with this text satisfies the directive.
  bool matches(llvm::StringRef Message) const;
};

/// A malformed directive.
struct SyntaxError {
  unsigned Line = 0;
  std::string Message;
};

struct FileDirectives {
  std::vector<Directive> Directives;
  bool NoDiagnostics = false;
  std::vector<SyntaxError> Errors;

  bool hasNotes() const;
};

/// Finds the directives in the comments of a C source file.
FileDirectives parseDirectives(llvm::StringRef Source);

} // namespace lockwise::verify

#endif
