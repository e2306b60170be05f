//===- VerifyDirectives.cpp - Parsing expected-* comments -----------------===//

#include "VerifyDirectives.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Regex.h"

#include <algorithm>
#include <optional>

using namespace llvm;

namespace lockwise::verify {

const char *directiveName(Kind K) {
  switch (K) {
  case Kind::Error:
    return "expected-error";
  case Kind::Warning:
    return "expected-warning";
  case Kind::Note:
    return "expected-note";
  }
  return "expected-warning";
}

bool Directive::matches(StringRef Message) const {
  if (Pattern.empty())
    return Message.contains(Text);
  return Regex(Pattern).match(Message);
}

bool FileDirectives::hasNotes() const {
  return llvm::any_of(Directives,
                      [](const Directive &D) { return D.K == Kind::Note; });
}

namespace {

constexpr unsigned Unbounded = std::numeric_limits<unsigned>::max();

struct Comment {
  size_t Offset; ///< Of Body within the source.
  StringRef Body;
};

/// Skips a string or character literal starting at I, so that "//" inside
/// one is not taken for a comment.
size_t skipLiteral(StringRef Source, size_t I) {
  char Quote = Source[I++];
  while (I < Source.size() && Source[I] != Quote && Source[I] != '\n') {
    if (Source[I] == '\\')
      ++I;
    ++I;
  }
  return std::min(I + 1, Source.size());
}

/// Directives only count inside comments, as in Clang.
std::vector<Comment> findComments(StringRef Source) {
  std::vector<Comment> Comments;
  size_t I = 0;
  while (I < Source.size()) {
    StringRef Rest = Source.substr(I);
    if (Rest.starts_with("//")) {
      size_t End = std::min(Source.find('\n', I), Source.size());
      Comments.push_back({I + 2, Source.slice(I + 2, End)});
      I = End;
    } else if (Rest.starts_with("/*")) {
      size_t End = std::min(Source.find("*/", I + 2), Source.size());
      Comments.push_back({I + 2, Source.slice(I + 2, End)});
      I = End + 2;
    } else if (Rest[0] == '"' || Rest[0] == '\'') {
      I = skipLiteral(Source, I);
    } else {
      ++I;
    }
  }
  return Comments;
}

/// Maps offsets to 1-based line numbers.
class LineTable {
public:
  explicit LineTable(StringRef Source) {
    Starts.push_back(0);
    for (size_t I = 0; I < Source.size(); ++I)
      if (Source[I] == '\n')
        Starts.push_back(I + 1);
  }
  unsigned lineOf(size_t Offset) const {
    return std::upper_bound(Starts.begin(), Starts.end(), Offset) -
           Starts.begin();
  }

private:
  std::vector<size_t> Starts;
};

std::optional<Kind> kindNamed(StringRef Name) {
  for (Kind K : {Kind::Error, Kind::Warning, Kind::Note})
    if (Name == directiveName(K))
      return K;
  return std::nullopt;
}

bool isDirectiveChar(char C) { return isAlnum(C) || C == '-' || C == '_'; }

/// Clang's SearchClosingBrace: nested Open/Close pairs balance, so that
/// -re directives can hold {{regex}} parts.
size_t findClosing(StringRef S, StringRef Open, StringRef Close) {
  unsigned Depth = 1;
  size_t I = 0;
  while (I < S.size()) {
    StringRef Rest = S.substr(I);
    if (Rest.starts_with(Open)) {
      ++Depth;
      I += Open.size();
    } else if (Rest.starts_with(Close)) {
      if (--Depth == 0)
        return I;
      I += Close.size();
    } else {
      ++I;
    }
  }
  return StringRef::npos;
}

/// Turns Clang's -re text ("literal{{regex}}literal") into one pattern.
std::optional<std::string> regexPattern(StringRef Text, std::string &Error) {
  std::string Pattern;
  while (!Text.empty()) {
    size_t Open = Text.find("{{");
    if (Open == StringRef::npos) {
      Pattern += Regex::escape(Text);
      break;
    }
    Pattern += Regex::escape(Text.take_front(Open));
    Text = Text.drop_front(Open + 2);
    size_t Close = Text.find("}}");
    if (Close == StringRef::npos) {
      Error = "cannot find end ('}}') of regular expression";
      return std::nullopt;
    }
    Pattern += "(" + Text.take_front(Close).str() + ")";
    Text = Text.drop_front(Close + 2);
  }
  if (!Regex(Pattern).isValid(Error)) {
    Error = "invalid regular expression: " + Error;
    return std::nullopt;
  }
  return Pattern;
}

class Parser {
public:
  Parser(StringRef Source, FileDirectives &Out) : Lines(Source), Out(Out) {}

  void parseComment(const Comment &C) {
    size_t P = 0;
    while ((P = C.Body.find("expected-", P)) != StringRef::npos) {
      // "unexpected-warning" and the like are prose, not directives.
      if (P > 0 && isDirectiveChar(C.Body[P - 1])) {
        P += 1;
        continue;
      }
      P = parseDirective(C.Body, P, Lines.lineOf(C.Offset + P));
    }
  }

private:
  /// Parses the directive at Body[P], which starts with "expected-", and
  /// returns where scanning continues.
  size_t parseDirective(StringRef Body, size_t P, unsigned Line) {
    StringRef Rest = Body.substr(P);
    StringRef Name = Rest.take_while(isDirectiveChar);
    Rest = Rest.drop_front(Name.size());
    auto Next = [&] { return Body.size() - Rest.size(); };

    if (Name == "expected-no-diagnostics") {
      if (!Out.Directives.empty())
        error(Line, "'expected-no-diagnostics' directive cannot follow "
                    "other expected directives");
      Out.NoDiagnostics = true;
      return Next();
    }
    bool IsRegex = Name.consume_back("-re");
    std::optional<Kind> K = kindNamed(Name);
    // Prose that happens to contain "expected-", as Clang ignores it.
    if (!K)
      return Next();

    Directive D;
    D.K = *K;
    D.DirectiveLine = D.TargetLine = Line;
    if (Rest.consume_front("@") && !parseLine(Rest, D))
      return Next();

    Rest = Rest.ltrim();
    if (!Rest.empty() && (isDigit(Rest[0]) || Rest[0] == '+')) {
      parseCount(Rest, D);
      Rest = Rest.ltrim();
    }

    size_t Braces = Rest.find_first_not_of('{');
    if (Braces == StringRef::npos)
      Braces = Rest.size();
    if (Braces < 2) {
      error(Line, "cannot find start ('{{') of expected string");
      return Next();
    }
    std::string Open(Braces, '{'), Close(Braces, '}');
    Rest = Rest.drop_front(Braces);
    size_t End = findClosing(Rest, Open, Close);
    if (End == StringRef::npos) {
      error(Line, "cannot find end ('}}') of expected string");
      return Next();
    }
    D.Text = Rest.take_front(End).str();
    Rest = Rest.drop_front(End + Braces);

    if (IsRegex) {
      std::string Problem;
      std::optional<std::string> Pattern = regexPattern(D.Text, Problem);
      if (!Pattern) {
        error(Line, Problem);
        return Next();
      }
      D.Pattern = std::move(*Pattern);
    }
    if (Out.NoDiagnostics)
      error(Line, "expected directive cannot follow 'expected-no-diagnostics' "
                  "directive");
    Out.Directives.push_back(std::move(D));
    return Next();
  }

  /// "@+N", "@-N" or "@N", after the "@".
  bool parseLine(StringRef &Rest, Directive &D) {
    bool Plus = Rest.consume_front("+");
    bool Minus = !Plus && Rest.consume_front("-");
    unsigned N = 0;
    bool Bad = Rest.consumeInteger(10, N);
    if (!Bad && Plus)
      D.TargetLine = D.DirectiveLine + N;
    else if (!Bad && Minus && N < D.DirectiveLine)
      D.TargetLine = D.DirectiveLine - N;
    else if (!Bad && !Plus && !Minus && N > 0)
      D.TargetLine = N;
    else
      Bad = true;
    if (Bad)
      error(D.DirectiveLine, std::string("invalid line number in '") +
                                 directiveName(D.K) + "' directive");
    return !Bad;
  }

  /// "N" (exactly), "N+" (at least), "+" (one or more).
  void parseCount(StringRef &Rest, Directive &D) {
    if (Rest.consume_front("+")) {
      D.Min = 1;
      D.Max = Unbounded;
      return;
    }
    unsigned N = 0;
    Rest.consumeInteger(10, N);
    D.Min = D.Max = N;
    if (Rest.consume_front("+"))
      D.Max = Unbounded;
  }

  void error(unsigned Line, std::string Message) {
    Out.Errors.push_back({Line, std::move(Message)});
  }

  LineTable Lines;
  FileDirectives &Out;
};

} // namespace

FileDirectives parseDirectives(StringRef Source) {
  FileDirectives Out;
  Parser P(Source, Out);
  for (const Comment &C : findComments(Source))
    P.parseComment(C);
  return Out;
}

} // namespace lockwise::verify
