//===- PatchParser.cpp - Reading the patch mail a review answers ----------===//
//
// Reads what `git format-patch` writes and what the lists archive: mail
// headers, the commit message, then a unified diff.  Only what the review
// formats need is kept: the headers to thread the reply, and the hunks with
// their file to place findings on.
//
//===----------------------------------------------------------------------===//

#include "lockwise/Report.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Base64.h"

using namespace llvm;

namespace lockwise {
namespace {

Error malformed(unsigned LineNo, const Twine &What) {
  return createStringError(inconvertibleErrorCode(),
                           "patch line " + Twine(LineNo) + ": " + What);
}

/// ISO-8859-1 bytes as UTF-8, for encoded words that declare that charset.
std::string latin1ToUtf8(StringRef Bytes) {
  std::string Out;
  for (unsigned char C : Bytes) {
    if (C < 0x80) {
      Out += C;
    } else {
      Out += static_cast<char>(0xC0 | (C >> 6));
      Out += static_cast<char>(0x80 | (C & 0x3F));
    }
  }
  return Out;
}

/// One RFC 2047 encoded word's text ("Q" or "B"), or nothing if it does not
/// decode, in which case it is shown as written.
std::optional<std::string> decodeWord(StringRef Charset, char Encoding,
                                      StringRef Payload) {
  std::string Bytes;
  if (Encoding == 'Q' || Encoding == 'q') {
    for (size_t I = 0; I < Payload.size(); ++I) {
      char C = Payload[I];
      unsigned Hi, Lo;
      if (C == '_') {
        Bytes += ' ';
      } else if (C == '=' && I + 2 < Payload.size() &&
                 (Hi = hexDigitValue(Payload[I + 1])) != -1U &&
                 (Lo = hexDigitValue(Payload[I + 2])) != -1U) {
        Bytes += static_cast<char>(Hi * 16 + Lo);
        I += 2;
      } else {
        Bytes += C;
      }
    }
  } else if (Encoding == 'B' || Encoding == 'b') {
    std::vector<char> Out;
    if (Error E = decodeBase64(Payload, Out)) {
      consumeError(std::move(E));
      return std::nullopt;
    }
    Bytes.assign(Out.begin(), Out.end());
  } else {
    return std::nullopt;
  }
  std::string Lower = Charset.lower();
  if (Lower == "iso-8859-1" || Lower == "latin1" || Lower == "iso-8859-15")
    return latin1ToUtf8(Bytes);
  return Bytes;
}

/// A header value with its encoded words decoded.  Blanks between two
/// encoded words are dropped, as RFC 2047 says.
std::string decodeHeader(StringRef Value) {
  std::string Out;
  bool LastWasEncoded = false;
  std::string PendingBlank;
  while (!Value.empty()) {
    size_t Start = Value.find("=?");
    StringRef Before = Value.substr(0, Start);
    if (Start == StringRef::npos) {
      Out += PendingBlank + Value.str();
      break;
    }
    // "=?charset?E?payload?="
    StringRef Rest = Value.substr(Start + 2);
    size_t Q1 = Rest.find('?');
    size_t Q2 = Q1 == StringRef::npos ? Q1 : Rest.find('?', Q1 + 1);
    size_t End = Q2 == StringRef::npos ? Q2 : Rest.find("?=", Q2 + 1);
    std::optional<std::string> Decoded;
    if (End != StringRef::npos && Q2 == Q1 + 2)
      Decoded =
          decodeWord(Rest.substr(0, Q1), Rest[Q1 + 1], Rest.slice(Q2 + 1, End));
    if (!Decoded) {
      Out += PendingBlank + Value.substr(0, Start + 2).str();
      PendingBlank.clear();
      LastWasEncoded = false;
      Value = Rest;
      continue;
    }
    bool OnlyBlank = Before.trim().empty();
    if (!(LastWasEncoded && OnlyBlank))
      Out += PendingBlank + Before.str();
    PendingBlank.clear();
    Out += *Decoded;
    LastWasEncoded = true;
    Value = Rest.substr(End + 2);
    // Keep the blank after an encoded word until we know what follows.
    size_t Blank = Value.find_first_not_of(" \t");
    PendingBlank =
        Value.substr(0, Blank == StringRef::npos ? Value.size() : Blank).str();
    Value = Value.substr(PendingBlank.size());
  }
  return Out;
}

bool looksLikeHeader(StringRef Line) {
  if (Line.starts_with("From "))
    return true; // An mbox separator.
  size_t Colon = Line.find(':');
  return Colon != StringRef::npos && Colon > 0 &&
         llvm::all_of(Line.take_front(Colon),
                      [](char C) { return isAlnum(C) || C == '-'; });
}

/// "b/xen/foo.c\t2024-..." -> "xen/foo.c".
StringRef diffPath(StringRef Rest) {
  Rest = Rest.split('\t').first.rtrim();
  if (Rest.starts_with("a/") || Rest.starts_with("b/"))
    Rest = Rest.drop_front(2);
  return Rest;
}

/// "-a,b" or "+c" -> start and count (a missing count is 1).
bool parseRange(StringRef Text, char Sign, unsigned &Start, unsigned &Count) {
  if (!Text.consume_front(StringRef(&Sign, 1)))
    return false;
  auto [S, C] = Text.split(',');
  Count = 1;
  if (S.getAsInteger(10, Start))
    return false;
  return !Text.contains(',') || !C.getAsInteger(10, Count);
}

} // namespace

Expected<ReviewContext> parsePatch(StringRef Text) {
  SmallVector<StringRef, 0> Lines;
  Text.split(Lines, '\n');
  // The final newline ends the last line; it does not start an empty one.
  if (!Lines.empty() && Lines.back().empty())
    Lines.pop_back();
  for (StringRef &L : Lines)
    L = L.rtrim('\r');

  ReviewContext Review;
  size_t I = 0;
  if (!Lines.empty() && looksLikeHeader(Lines[0])) {
    std::vector<std::pair<std::string, std::string>> Headers;
    for (; I < Lines.size() && !Lines[I].empty(); ++I) {
      StringRef L = Lines[I];
      if ((L[0] == ' ' || L[0] == '\t') && !Headers.empty()) {
        Headers.back().second += " " + L.trim().str();
        continue;
      }
      auto [Name, Value] = L.split(':');
      Headers.push_back({Name.trim().lower(), Value.trim().str()});
    }
    for (auto &[Name, Value] : Headers) {
      if (Name == "subject")
        Review.Subject = decodeHeader(Value);
      else if (Name == "message-id")
        Review.MessageId = Value;
      else if (Name == "from")
        Review.From = decodeHeader(Value);
      else if (Name == "date")
        Review.Date = Value;
    }
  }

  std::string OldFile, NewFile;
  for (; I < Lines.size(); ++I) {
    StringRef L = Lines[I];
    if (L.starts_with("--- ") && I + 1 < Lines.size() &&
        Lines[I + 1].starts_with("+++ ")) {
      OldFile = diffPath(L.drop_front(4)).str();
      NewFile = diffPath(Lines[I + 1].drop_front(4)).str();
      ++I;
      continue;
    }
    if (!L.starts_with("@@ "))
      continue;

    unsigned LineNo = I + 1;
    if (NewFile.empty())
      return malformed(LineNo, "hunk before any '+++' file line");
    PatchHunk H;
    H.File = NewFile == "/dev/null" ? OldFile : NewFile;
    H.Header = L.str();
    SmallVector<StringRef, 4> Parts;
    L.split(Parts, ' ', /*MaxSplit=*/3);
    if (Parts.size() < 4 || !Parts[3].starts_with("@@") ||
        !parseRange(Parts[1], '-', H.OldStart, H.OldLines) ||
        !parseRange(Parts[2], '+', H.NewStart, H.NewLines))
      return malformed(LineNo, "bad hunk header '" + L + "'");

    unsigned OldLeft = H.OldLines, NewLeft = H.NewLines;
    while (OldLeft || NewLeft) {
      if (++I >= Lines.size())
        return malformed(LineNo, "hunk ends early");
      StringRef Body = Lines[I];
      char Kind = Body.empty() ? ' ' : Body[0];
      if (Kind == '\\') {
        H.Lines.push_back(Body.str());
        continue;
      }
      bool Old = Kind == ' ' || Kind == '-';
      bool New = Kind == ' ' || Kind == '+';
      if ((!Old && !New) || (Old && !OldLeft) || (New && !NewLeft))
        return malformed(I + 1, "line does not fit the hunk header '" +
                                    H.Header + "'");
      OldLeft -= Old;
      NewLeft -= New;
      // An empty context line lost its blank in transit; put it back.
      H.Lines.push_back(Body.empty() ? " " : Body.str());
    }
    if (I + 1 < Lines.size() && Lines[I + 1].starts_with("\\"))
      H.Lines.push_back(Lines[++I].str());
    Review.Hunks.push_back(std::move(H));
  }
  if (Review.Hunks.empty())
    return createStringError(inconvertibleErrorCode(),
                             "no diff hunk in the patch");
  return Review;
}

} // namespace lockwise
