//===- Verify.cpp - Matching findings against expected-* comments ---------===//
//
// Mirrors Clang's VerifyDiagnosticConsumer: every directive must be matched
// by findings on its line (as many as its count asks), every finding must
// match a directive, and the differences are reported per kind as
// "expected but not seen" and "seen but not expected".
//
//===----------------------------------------------------------------------===//

#include "lockwise/Verify.h"

#include "VerifyDirectives.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <tuple>

using namespace llvm;

namespace lockwise {

using verify::Directive;
using verify::Kind;

std::string VerifyResult::str() const {
  std::string S;
  for (const std::string &P : Problems)
    S += P + "\n";
  return S;
}

namespace {

struct SourceFile {
  std::string Display; ///< As the caller spelled it.
  unsigned Order = 0;  ///< Position in the caller's list, for sorting.
  verify::FileDirectives Directives;
};

/// A finding, or a trace step of one, that a directive may match.
struct Seen {
  Kind K;
  const SourceFile *File;
  unsigned Line;
  unsigned Column;
  std::string Message;
  /// The message followed by " [check-id]", so that a directive may also
  /// name the check; a substring of the message still matches.
  std::string MatchText;
  bool Matched = false;
};

Kind kindOf(Severity S) {
  switch (S) {
  case Severity::Error:
    return Kind::Error;
  case Severity::Warning:
    return Kind::Warning;
  case Severity::Note:
    return Kind::Note;
  }
  return Kind::Warning;
}

/// The real path when the file exists, otherwise the absolute path without
/// "." and "..", so that spellings of one file compare equal.
std::string canonicalPath(StringRef Path) {
  SmallString<256> Real;
  if (!sys::fs::real_path(Path, Real))
    return Real.str().str();
  SmallString<256> Absolute(Path);
  sys::fs::make_absolute(Absolute);
  sys::path::remove_dots(Absolute, /*remove_dot_dot=*/true);
  return Absolute.str().str();
}

class Verifier {
public:
  void addFile(const std::string &Path) {
    std::string Canonical = canonicalPath(Path);
    if (Files.count(Canonical))
      return;
    ErrorOr<std::unique_ptr<MemoryBuffer>> Buffer =
        MemoryBuffer::getFile(Path, /*IsText=*/true);
    if (!Buffer) {
      Result.Problems.push_back("error: cannot read '" + Path +
                                "': " + Buffer.getError().message());
      return;
    }
    auto File = std::make_unique<SourceFile>();
    File->Display = Path;
    File->Order = Files.size();
    File->Directives = verify::parseDirectives((*Buffer)->getBuffer());
    reportSyntax(*File);
    Files[Canonical] = std::move(File);
  }

  void addFinding(const Finding &F) {
    // A finding in a file not given (a header's wrapper) has no directive
    // to match: seen but not expected, as clang -verify says of any file.
    const SourceFile *File = fileOf(F.File);
    if (!File && !F.File.empty())
      File = otherFile(F.File);
    if (File)
      Observed.push_back({kindOf(F.Sev), File, F.Line, F.Column, F.Message,
                          F.Message + " [" + F.Check + "]"});
    // Notes are optional to annotate: they are only checked in files that
    // annotate at least one.
    for (const TraceStep &Step : F.Trace)
      if (const SourceFile *File = fileOf(Step.File);
          File && File->Directives.hasNotes())
        Observed.push_back({Kind::Note, File, Step.Line, Step.Column,
                            Step.Message, Step.Message});
  }

  VerifyResult finish() {
    // A total order, so that problems come out the same for any order of
    // findings.
    llvm::sort(Observed, [](const Seen &A, const Seen &B) {
      return std::tie(A.File->Order, A.Line, A.Column, A.K, A.MatchText) <
             std::tie(B.File->Order, B.Line, B.Column, B.K, B.MatchText);
    });
    for (Kind K : {Kind::Error, Kind::Warning, Kind::Note})
      check(K);
    return std::move(Result);
  }

private:
  void reportSyntax(const SourceFile &File) {
    for (const verify::SyntaxError &E : File.Directives.Errors)
      Result.Problems.push_back(File.Display + ":" + std::to_string(E.Line) +
                                ": error: " + E.Message);
    if (File.Directives.Directives.empty() && !File.Directives.NoDiagnostics &&
        File.Directives.Errors.empty())
      Result.Problems.push_back(File.Display +
                                ": error: no expected directives found: "
                                "consider use of 'expected-no-diagnostics'");
  }

  /// A file findings land in without being given: no directives, after
  /// the given files in the report.
  const SourceFile *otherFile(StringRef Path) {
    std::unique_ptr<SourceFile> &Slot = Others[Path];
    if (!Slot) {
      Slot = std::make_unique<SourceFile>();
      Slot->Display = Path.str();
      Slot->Order = Files.size() + Others.size();
    }
    return Slot.get();
  }

  const SourceFile *fileOf(StringRef Path) {
    // Runtime stack frames may have no file at all.
    if (Path.empty())
      return nullptr;
    auto [It, Inserted] = CanonicalOf.try_emplace(Path);
    if (Inserted)
      It->second = canonicalPath(Path);
    auto File = Files.find(It->second);
    return File == Files.end() ? nullptr : File->second.get();
  }

  /// Matches directives of kind K in file order, greedily as Clang does.
  void check(Kind K) {
    std::vector<const SourceFile *> Ordered;
    for (const auto &Entry : Files)
      Ordered.push_back(Entry.second.get());
    llvm::sort(Ordered, [](const SourceFile *A, const SourceFile *B) {
      return A->Order < B->Order;
    });

    std::vector<std::string> Missing;
    for (const SourceFile *File : Ordered)
      for (const Directive &D : File->Directives.Directives) {
        if (D.K != K)
          continue;
        unsigned Found = 0;
        while (Found < D.Max && take(K, File, D))
          ++Found;
        if (Found < D.Min)
          Missing.push_back(describe(*File, D));
      }

    std::vector<std::string> Unexpected;
    for (const Seen &S : Observed)
      if (S.K == K && !S.Matched)
        Unexpected.push_back("  File " + S.File->Display + " Line " +
                             std::to_string(S.Line) + ": " + S.Message);

    addGroup(K, "expected but not seen", Missing);
    addGroup(K, "seen but not expected", Unexpected);
  }

  /// Marks the first unmatched finding that satisfies D.
  bool take(Kind K, const SourceFile *File, const Directive &D) {
    for (Seen &S : Observed)
      if (!S.Matched && S.K == K && S.File == File && S.Line == D.TargetLine &&
          D.matches(S.MatchText)) {
        S.Matched = true;
        return true;
      }
    return false;
  }

  static std::string describe(const SourceFile &File, const Directive &D) {
    std::string S =
        "  File " + File.Display + " Line " + std::to_string(D.TargetLine);
    if (D.TargetLine != D.DirectiveLine)
      S += " (directive at " + File.Display + ":" +
           std::to_string(D.DirectiveLine) + ")";
    return S + ": " + D.Text;
  }

  void addGroup(Kind K, StringRef What, const std::vector<std::string> &Lines) {
    if (Lines.empty())
      return;
    std::string Problem = "error: '" + std::string(verify::directiveName(K)) +
                          "' diagnostics " + What.str() + ":";
    for (const std::string &Line : Lines)
      Problem += "\n" + Line;
    Result.Problems.push_back(std::move(Problem));
  }

  StringMap<std::unique_ptr<SourceFile>> Files; ///< By canonical path.
  StringMap<std::unique_ptr<SourceFile>> Others; ///< Not given, by path.
  StringMap<std::string> CanonicalOf;           ///< Path cache.
  std::vector<Seen> Observed;
  VerifyResult Result;
};

} // namespace

VerifyResult verifyFindings(const std::vector<Finding> &Findings,
                            const std::vector<std::string> &Files) {
  Verifier V;
  for (const std::string &Path : Files)
    V.addFile(Path);
  for (const Finding &F : Findings)
    V.addFinding(F);
  return V.finish();
}

} // namespace lockwise
