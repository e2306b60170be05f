//===- MailWriter.cpp - A review reply for xen-devel and LKML -------------===//
//
// The "mail" format is a reply to the patch mail, as the kernel test robot
// and patchew send them: threaded under the patch (In-Reply-To), quoting the
// hunks with "> " and writing each finding under the line it is about, with
// its witness chain and the command that reproduces it.  Quoted hunks are cut
// after the last line with a finding, as a human reviewer trims.  Findings
// the patch does not show follow the quote; findings in files the patch does
// not touch are only counted, since a reply to a patch is about the patch.
//
// The output is a complete message (headers, blank line, body) for
// `git send-email` or `sendmail -t`; From and Date are left to the sender.
//
//===----------------------------------------------------------------------===//

#include "DiffAnchor.h"
#include "SourceText.h"
#include "Summary.h"
#include "WriterRegistry.h"

#include "llvm/ADT/StringExtras.h"

#include <map>

using namespace llvm;

namespace lockwise {
namespace {

bool isAscii(StringRef S) {
  return llvm::all_of(S, [](char C) { return (unsigned char)C < 0x80; });
}

/// RFC 2047 "Q" encoded words for a header phrase that is not ASCII.  Each
/// word stays within the 75 characters the RFC allows and never splits a
/// UTF-8 sequence.
std::string encodeWords(StringRef Text) {
  if (isAscii(Text))
    return Text.str();
  // The payload between "=?UTF-8?q?" and "?=".
  const size_t MaxPayload = 75 - (sizeof("=?UTF-8?q?") - 1) - 2;
  std::string Out, Word;
  auto Flush = [&] {
    if (Word.empty())
      return;
    if (!Out.empty())
      Out += ' ';
    Out += "=?UTF-8?q?" + Word + "?=";
    Word.clear();
  };
  for (size_t I = 0; I < Text.size();) {
    // One character: a lead byte and its continuation bytes.
    size_t End = I + 1;
    while (End < Text.size() && (Text[End] & 0xC0) == 0x80)
      ++End;
    std::string Encoded;
    for (size_t J = I; J < End; ++J) {
      unsigned char C = Text[J];
      if (isAlnum(C) || StringRef("!*+-/").contains(C)) {
        Encoded += C;
      } else {
        Encoded += '=';
        Encoded += hexdigit(C >> 4, /*LowerCase=*/false);
        Encoded += hexdigit(C & 15, /*LowerCase=*/false);
      }
    }
    if (Word.size() + Encoded.size() > MaxPayload)
      Flush();
    Word += Encoded;
    I = End;
  }
  Flush();
  return Out;
}

/// "Name <addr>" with the name encoded when it is not ASCII.
std::string encodeAddress(StringRef From) {
  size_t Open = From.rfind('<');
  if (Open == StringRef::npos)
    return From.str();
  StringRef Name = From.take_front(Open).trim().trim('"');
  if (Name.empty())
    return From.substr(Open).str();
  return encodeWords(Name) + " " + From.substr(Open).str();
}

/// "Name: Value", folded at blanks into lines of at most 78 characters where
/// the words allow (RFC 5322), as git format-patch folds long subjects.
std::string header(StringRef Name, StringRef Value) {
  const size_t Width = 78;
  std::string Out = Name.str() + ":";
  size_t LineStart = 0;
  SmallVector<StringRef, 16> Words;
  Value.split(Words, ' ', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef Word : Words) {
    if (Out.size() - LineStart + 1 + Word.size() > Width &&
        Out.size() - LineStart > Name.size() + 1) {
      Out += "\n";
      LineStart = Out.size();
    }
    Out += " " + Word.str();
  }
  return Out + "\n";
}

/// Prose wrapped at 72 columns, as mail is read.
std::string wrap(StringRef Text) {
  const size_t Width = 72;
  std::string Out;
  size_t LineLength = 0;
  SmallVector<StringRef, 32> Words;
  Text.split(Words, ' ', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef Word : Words) {
    if (LineLength && LineLength + 1 + Word.size() > Width) {
      Out += "\n";
      LineLength = 0;
    }
    if (LineLength) {
      Out += ' ';
      ++LineLength;
    }
    Out += Word.str();
    LineLength += Word.size();
  }
  return Out + "\n";
}

std::string angleBracketed(StringRef Id) {
  Id = Id.trim();
  if (Id.starts_with("<"))
    return Id.str();
  return "<" + Id.str() + ">";
}

class MailWriter : public ReportWriter {
public:
  Error validate(const ReportInput &Input) const override {
    if (!Input.Review)
      return createStringError(
          inconvertibleErrorCode(),
          "the mail format replies to a patch mail and needs it (the review "
          "context: subject, Message-Id and hunks)");
    if (Input.Review->Subject.empty() || Input.Review->MessageId.empty())
      return createStringError(
          inconvertibleErrorCode(),
          "the mail format needs the subject and the Message-Id of the patch "
          "mail it replies to");
    return Error::success();
  }

  void write(const ReportInput &Input, raw_ostream &OS) const override {
    const ReviewContext &Review = *Input.Review;
    std::vector<Finding> Findings = normalizedFindings(Input.Findings);
    DiffIndex Diff(Review, Input.SourceRoot);

    // Findings by the hunk line they go under; the rest split by whether
    // the patch touches their file.
    std::map<std::pair<const PatchHunk *, size_t>,
             std::vector<std::pair<const Finding *, const TraceStep *>>>
        Under;
    std::vector<const Finding *> InTouchedFiles;
    unsigned Untouched = 0;
    for (const Finding &F : Findings) {
      if (std::optional<DiffAnchor> A = Diff.anchor(F))
        Under[{A->Hunk, A->LineIndex}].push_back({&F, A->Step});
      else if (Diff.patchPath(F.File))
        InTouchedFiles.push_back(&F);
      else
        ++Untouched;
    }
    unsigned OnLines = Findings.size() - InTouchedFiles.size() - Untouched;

    std::string Subject = Review.Subject;
    if (!StringRef(Subject).starts_with_insensitive("re:"))
      Subject = "Re: " + Subject;
    std::string MessageId = angleBracketed(Review.MessageId);
    OS << header("Subject", encodeWords(Subject))
       << header("In-Reply-To", MessageId) << header("References", MessageId);
    if (!Review.From.empty())
      OS << header("To", encodeAddress(Review.From));
    OS << "MIME-Version: 1.0\n"
       << "Content-Type: text/plain; charset=UTF-8\n"
       << "Content-Transfer-Encoding: 8bit\n"
       << "\n";

    OS << "Hi,\n\n";
    std::string Intro = "lockwise";
    if (!Input.ToolVersion.empty())
      Intro += " " + Input.ToolVersion;
    if (OnLines + InTouchedFiles.size() == 0) {
      Intro += " found nothing to report in this patch.";
    } else {
      Intro += " checked this patch: " + countOf(OnLines, "finding") +
               " on the lines it shows";
      if (!InTouchedFiles.empty())
        Intro += ", " + std::to_string(InTouchedFiles.size()) +
                 " elsewhere in the files it touches";
      Intro += ".";
    }
    OS << wrap(Intro);

    if (!Under.empty()) {
      OS << "\n";
      // One line, however long: mail readers recognise the attribution by
      // its "wrote:" ending.
      if (!Review.Date.empty() && !Review.From.empty())
        OS << "On " << Review.Date << ", " << Review.From << " wrote:\n";
      else if (!Review.From.empty())
        OS << Review.From << " wrote:\n";
      quoteHunks(OS, Review, Under, Input);
    }

    if (!InTouchedFiles.empty()) {
      OS << "\nElsewhere in the files this patch touches:\n";
      for (const Finding *F : InTouchedFiles) {
        OS << "\n";
        writeFinding(OS, *F, nullptr, Input);
      }
    }
    if (Untouched)
      OS << "\n"
         << wrap(countOf(Untouched, "further finding") +
                 (Untouched == 1 ? " is" : " are") +
                 " in files this patch does not touch.");

    OS << "\n-- \nlockwise";
    if (!Input.ToolVersion.empty())
      OS << " " << Input.ToolVersion;
    OS << "\n";
  }

private:
  using Placed =
      std::map<std::pair<const PatchHunk *, size_t>,
               std::vector<std::pair<const Finding *, const TraceStep *>>>;

  /// Each hunk with a finding, in patch order, quoted up to its last
  /// finding, with the findings under their lines, set off by blank lines.
  static void quoteHunks(raw_ostream &OS, const ReviewContext &Review,
                         const Placed &Under, const ReportInput &Input) {
    const std::string *LastFile = nullptr;
    bool NeedBlank = false;
    auto Quote = [&](StringRef Line) {
      if (NeedBlank)
        OS << "\n";
      NeedBlank = false;
      OS << StringRef("> " + Line.str()).rtrim() << "\n";
    };
    for (const PatchHunk &H : Review.Hunks) {
      auto First = Under.lower_bound({&H, 0});
      if (First == Under.end() || First->first.first != &H)
        continue;
      if (!LastFile || *LastFile != H.File) {
        bool NewFile = H.OldStart == 0 && H.OldLines == 0;
        Quote("--- " + (NewFile ? std::string("/dev/null") : "a/" + H.File));
        Quote("+++ b/" + H.File);
        LastFile = &H.File;
      }
      Quote(H.Header);
      size_t LastIndex =
          std::prev(Under.upper_bound({&H, SIZE_MAX}))->first.second;
      for (size_t I = 0; I <= LastIndex; ++I) {
        Quote(H.Lines[I]);
        auto It = Under.find({&H, I});
        if (It == Under.end())
          continue;
        for (auto [F, Step] : It->second) {
          OS << "\n";
          writeFinding(OS, *F, Step, Input);
        }
        NeedBlank = true;
      }
      if (LastIndex + 1 < H.Lines.size())
        Quote("[...]");
    }
  }

  /// The finding as the text format prints it, indented notes for the
  /// witness chain, and the reproduce line.
  static void writeFinding(raw_ostream &OS, const Finding &F,
                           const TraceStep *Here, const ReportInput &Input) {
    const std::string &Root = Input.SourceRoot;
    std::string Where =
        formatLocation(displayPath(F.File, Root), F.Line, F.Column);
    OS << (Where.empty() ? "lockwise" : Where) << ": " << severityName(F.Sev)
       << ": " << F.Message << " [" << F.Check << "]\n";
    for (const TraceStep &Step : F.Trace) {
      std::string StepWhere =
          formatLocation(displayPath(Step.File, Root), Step.Line, Step.Column);
      OS << "  " << (StepWhere.empty() ? "lockwise" : StepWhere)
         << ": note: " << Step.Message;
      if (&Step == Here)
        OS << "  <-- this line";
      OS << "\n";
    }
    if (!Input.Review->Reproduce.empty())
      OS << "  reproduce: " << Input.Review->Reproduce << "\n";
  }
};

WriterRegistry::Add<MailWriter> Registration("mail");

} // namespace
} // namespace lockwise
