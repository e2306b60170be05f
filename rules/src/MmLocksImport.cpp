//===- MmLocksImport.cpp - Rules from a Xen mm-locks.h-shaped header ------===//
//
// A small tokenizer, not a preprocessor: comments and literals are blanked,
// directives (with their continuation lines) are read one by one, and the
// remaining code is one token stream in which declare_mm_*() uses and
// static inline lock functions are found.  See MmLocksImport.h.
//
//===----------------------------------------------------------------------===//
#include "lockwise/MmLocksImport.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>
#include <set>
#include <sstream>

namespace lockwise::rules {

const char *const MmLocksGeneratedEndMarker =
    "  // ---- end of the generated rules; hand-written rules follow, each "
    "after a comma ----";

MmLocksImportOptions defaultMmLocksImportOptions() {
  MmLocksImportOptions O;
  O.ParamTypes = {{"p", "p2m_domain"}, {"d", "domain"}};
  return O;
}

namespace {

/// What checks, holds and releases an order constraint's level: the
/// functions declare_mm_order_constraint(name) defines, and the unlock
/// macro next to the ones that call them.
struct LevelPrimitives {
  std::string Check; ///< mm_enforce_order_lock_pre_<name>
  std::string Take;  ///< mm_enforce_order_lock_post_<name>
  std::string Drop;  ///< <prefix>_mm_unlock, when the header has one
};

struct Token {
  enum Kind { Ident, Number, Punct } K;
  std::string Text;
  size_t Off;
  size_t End;
  unsigned Cond = 0; ///< Index into Importer::Conds.
};

bool operator==(const Token &T, const char *S) { return T.Text == S; }

class Importer {
public:
  Importer(std::string_view Text, const std::string &Path,
           const MmLocksImportOptions &Opts, std::vector<Diagnostic> &Diags)
      : Orig(Text), Path(Path), Opts(Opts), Diags(Diags) {
    LineStarts.push_back(0);
    for (size_t I = 0; I < Text.size(); ++I)
      if (Text[I] == '\n')
        LineStarts.push_back(I + 1);
    Conds.push_back("");
  }

  bool run(std::string &Out);

private:
  enum class Kind { Lock, RwLock, Constraint };
  struct Decl {
    std::string Name;
    Kind K;
    size_t Off;
    unsigned Cond;
  };
  struct LevelDef {
    long long N;
    size_t Off;
    unsigned Cond;
  };
  struct Site {
    std::string Where; ///< "pod_lock(p)" or "p2m_lock()"
    size_t Off;
    std::string Expr; ///< "&(p)->pod.lock"
    std::string Base, Tag, Class, How;
    bool Declared = false;
    bool Recursive = false;
  };
  struct Param {
    std::string Name, Tag, Decl;
  };

  // Positions and diagnostics.
  std::pair<unsigned, unsigned> lineCol(size_t Off) const {
    auto It = std::upper_bound(LineStarts.begin(), LineStarts.end(), Off);
    size_t Line = It - LineStarts.begin();
    return {unsigned(Line), unsigned(Off - LineStarts[Line - 1] + 1)};
  }
  unsigned line(size_t Off) const { return lineCol(Off).first; }
  std::string where(size_t Off) const {
    return Path + ":" + std::to_string(line(Off));
  }
  void diag(Diagnostic::Kind K, size_t Off, std::string Msg) {
    auto [L, C] = lineCol(Off);
    Diags.push_back({K, {Path, L, C}, std::move(Msg)});
    if (K == Diagnostic::Error)
      Failed = true;
  }
  /// The original text of [B, E), whitespace and continuations collapsed.
  std::string spelling(size_t B, size_t E) const {
    std::string S;
    bool Space = false;
    for (size_t I = B; I < E && I < Orig.size(); ++I) {
      char C = Orig[I];
      if (C == '\\' || std::isspace((unsigned char)C)) {
        Space = !S.empty();
        continue;
      }
      if (Space)
        S += ' ';
      Space = false;
      S += C;
    }
    return S;
  }

  void blankCommentsAndLiterals();
  std::vector<Token> tokenize(size_t B, size_t E, unsigned Cond) const;
  void directive(const std::vector<Token> &T);
  void scanDeclarations();
  void scanFunctions();
  size_t matching(const std::vector<Token> &T, size_t Open, size_t Limit) const;
  std::vector<std::pair<size_t, size_t>>
  splitArgs(const std::vector<Token> &T, size_t Open, size_t Close) const;
  void scanCalls(const std::vector<Token> &T, size_t B, size_t E,
                 const std::string &Where, const std::vector<Param> &Params,
                 bool IsMacro);
  Param parseParam(const std::vector<Token> &T, size_t B, size_t E) const;
  std::string conditionOf(unsigned Cond) const { return Conds[Cond]; }
  void emit(std::string &Out);
  std::optional<LevelPrimitives> levelPrimitives(const std::string &Name) const;
  struct MacroDef;
  const MacroDef *macro(const std::string &Name) const;

  std::string_view Orig;
  std::string Clean;
  /// The header biases a control domain's lock levels (_lock_level() adds
  /// MM_LOCK_ORDER_MAX when is_control_domain(d)).
  bool ControlDomainBias = false;
  const std::string &Path;
  const MmLocksImportOptions &Opts;
  std::vector<Diagnostic> &Diags;
  std::vector<size_t> LineStarts;
  bool Failed = false;

  // Preprocessor conditions: the stack, and the distinct strings seen.
  struct CondFrame {
    std::string Text;
    bool Guard = false;
  };
  std::vector<CondFrame> CondStack;
  std::vector<std::string> Conds;
  unsigned CurCond = 0;
  bool LastWasIfndef = false;

  std::vector<Token> Code; ///< Every token outside directives.
  struct MacroDef {
    std::string Name;
    std::vector<std::string> Params;
    std::vector<Token> Body;
    size_t Off;
  };
  std::vector<MacroDef> Macros;

  std::map<std::string, LevelDef> Levels;
  std::vector<std::string> LevelOrder; ///< Names in definition order.
  std::vector<Decl> Decls;
  std::map<std::string, std::vector<Site>> Sites;
};

void Importer::blankCommentsAndLiterals() {
  Clean.assign(Orig.begin(), Orig.end());
  size_t I = 0, N = Clean.size();
  while (I < N) {
    char C = Clean[I];
    if (C == '/' && I + 1 < N && Clean[I + 1] == '*') {
      size_t J = I + 2;
      Clean[I] = Clean[I + 1] = ' ';
      while (J < N && !(Clean[J] == '*' && J + 1 < N && Clean[J + 1] == '/')) {
        if (Clean[J] != '\n')
          Clean[J] = ' ';
        ++J;
      }
      if (J < N)
        Clean[J] = Clean[J + 1] = ' ', J += 2;
      I = J;
    } else if (C == '/' && I + 1 < N && Clean[I + 1] == '/') {
      while (I < N && Clean[I] != '\n')
        Clean[I++] = ' ';
    } else if (C == '"' || C == '\'') {
      ++I;
      while (I < N && Clean[I] != C && Clean[I] != '\n') {
        if (Clean[I] == '\\' && I + 1 < N && Clean[I + 1] != '\n')
          Clean[I++] = ' ';
        Clean[I++] = ' ';
      }
      if (I < N && Clean[I] == C)
        ++I;
    } else {
      ++I;
    }
  }
}

std::vector<Token> Importer::tokenize(size_t B, size_t E, unsigned Cond) const {
  std::vector<Token> T;
  size_t I = B;
  auto IsIdent = [](char C) {
    return std::isalnum((unsigned char)C) || C == '_';
  };
  while (I < E) {
    char C = Clean[I];
    if (std::isspace((unsigned char)C) || C == '\\') {
      ++I;
      continue;
    }
    size_t S = I;
    Token::Kind K;
    if (std::isalpha((unsigned char)C) || C == '_') {
      while (I < E && IsIdent(Clean[I]))
        ++I;
      K = Token::Ident;
    } else if (std::isdigit((unsigned char)C)) {
      while (I < E && (IsIdent(Clean[I]) || Clean[I] == '.'))
        ++I;
      K = Token::Number;
    } else {
      K = Token::Punct;
      std::string_view Rest(Clean.data() + I, E - I);
      if (Rest.substr(0, 3) == "...")
        I += 3;
      else if (Rest.substr(0, 2) == "->" || Rest.substr(0, 2) == "##")
        I += 2;
      else
        I += 1;
    }
    T.push_back({K, Clean.substr(S, I - S), S, I, Cond});
  }
  return T;
}

void Importer::directive(const std::vector<Token> &T) {
  if (T.size() < 2 || T[1].K != Token::Ident) {
    LastWasIfndef = false;
    return;
  }
  const std::string &D = T[1].Text;
  auto Rest = [&](size_t From) {
    return From < T.size() ? spelling(T[From].Off, T.back().End)
                           : std::string();
  };
  auto Recompute = [&] {
    std::string S;
    for (const CondFrame &F : CondStack) {
      if (F.Guard || F.Text.empty())
        continue;
      if (!S.empty())
        S += " && ";
      S += F.Text;
    }
    auto It = std::find(Conds.begin(), Conds.end(), S);
    if (It == Conds.end()) {
      Conds.push_back(S);
      CurCond = unsigned(Conds.size() - 1);
    } else {
      CurCond = unsigned(It - Conds.begin());
    }
  };
  bool WasIfndef = LastWasIfndef;
  LastWasIfndef = false;
  if (D == "ifdef" || D == "ifndef" || D == "if") {
    std::string C = Rest(2);
    if (D == "ifdef")
      C = "defined(" + C + ")";
    else if (D == "ifndef")
      C = "!defined(" + C + ")";
    CondStack.push_back({C, false});
    LastWasIfndef = D == "ifndef";
    Recompute();
  } else if (D == "elif" && !CondStack.empty()) {
    CondStack.back() = {"!(" + CondStack.back().Text + ") && (" + Rest(2) + ")",
                        false};
    Recompute();
  } else if (D == "else" && !CondStack.empty()) {
    CondStack.back().Text = "!(" + CondStack.back().Text + ")";
    Recompute();
  } else if (D == "endif") {
    if (!CondStack.empty())
      CondStack.pop_back();
    Recompute();
  } else if (D == "define" && T.size() >= 3 && T[2].K == Token::Ident) {
    const std::string &Name = T[2].Text;
    // An include guard: #ifndef X directly followed by an empty #define X.
    if (WasIfndef && T.size() == 3 && !CondStack.empty() &&
        CondStack.back().Text == "!defined(" + Name + ")") {
      CondStack.back().Guard = true;
      Recompute();
      return;
    }
    bool FunctionLike = T.size() > 3 && T[3] == "(" && T[3].Off == T[2].End;
    if (!FunctionLike) {
      static const std::string Prefix = "MM_LOCK_ORDER_";
      if (Name.compare(0, Prefix.size(), Prefix) != 0)
        return;
      std::string Lock = Name.substr(Prefix.size());
      // The value: an integer literal, perhaps in parentheses.
      std::vector<const Token *> V;
      for (size_t I = 3; I < T.size(); ++I)
        if (!(T[I] == "(" || T[I] == ")"))
          V.push_back(&T[I]);
      long long N = 0;
      bool Ok = V.size() == 1 && V[0]->K == Token::Number;
      if (Ok) {
        std::string Digits = V[0]->Text;
        while (!Digits.empty() && std::isalpha((unsigned char)Digits.back()))
          Digits.pop_back(); // 8u, 8UL
        try {
          size_t Used = 0;
          N = std::stoll(Digits, &Used, 0);
          Ok = Used == Digits.size();
        } catch (...) {
          Ok = false;
        }
      }
      if (!Ok) {
        diag(Diagnostic::Error, T[2].Off,
             "the level of '" + Lock + "' (" + Name +
                 ") is not an integer constant");
        return;
      }
      auto [It, New] = Levels.insert({Lock, {N, T[2].Off, CurCond}});
      if (!New && It->second.N != N) {
        // Under another #if branch it may be a configuration choice; in
        // the same one it is a plain redefinition.
        bool SameBranch = It->second.Cond == CurCond;
        diag(SameBranch ? Diagnostic::Error : Diagnostic::Warning, T[2].Off,
             Name + " redefined as " + std::to_string(N) + " (was " +
                 std::to_string(It->second.N) + " at " + where(It->second.Off) +
                 ")" + (SameBranch ? "" : "; keeping the first definition"));
        return;
      }
      if (New)
        LevelOrder.push_back(Lock);
      return;
    }
    MacroDef M;
    M.Name = Name;
    M.Off = T[2].Off;
    size_t I = 4;
    for (; I < T.size() && !(T[I] == ")"); ++I)
      if (T[I].K == Token::Ident)
        M.Params.push_back(T[I].Text);
    M.Body.assign(T.begin() + std::min(I + 1, T.size()), T.end());
    Macros.push_back(std::move(M));
  }
}

size_t Importer::matching(const std::vector<Token> &T, size_t Open,
                          size_t Limit) const {
  int Depth = 0;
  for (size_t I = Open; I < Limit; ++I) {
    const std::string &S = T[I].Text;
    if (S == "(" || S == "[" || S == "{")
      ++Depth;
    else if (S == ")" || S == "]" || S == "}")
      if (--Depth == 0)
        return I;
  }
  return Limit;
}

std::vector<std::pair<size_t, size_t>>
Importer::splitArgs(const std::vector<Token> &T, size_t Open,
                    size_t Close) const {
  std::vector<std::pair<size_t, size_t>> Args;
  size_t Start = Open + 1;
  int Depth = 0;
  for (size_t I = Open + 1; I < Close; ++I) {
    const std::string &S = T[I].Text;
    if (S == "(" || S == "[" || S == "{")
      ++Depth;
    else if (S == ")" || S == "]" || S == "}")
      --Depth;
    else if (S == "," && Depth == 0) {
      Args.push_back({Start, I});
      Start = I + 1;
    }
  }
  if (Close > Open + 1)
    Args.push_back({Start, Close});
  return Args;
}

Importer::Param Importer::parseParam(const std::vector<Token> &T, size_t B,
                                     size_t E) const {
  static const std::set<std::string> Qualifiers = {
      "const",    "volatile", "restrict", "__restrict", "register",
      "unsigned", "signed",   "struct",   "union",      "enum"};
  Param P;
  if (B >= E)
    return P;
  P.Decl = spelling(T[B].Off, T[E - 1].End);
  size_t NameAt = E;
  for (size_t I = E; I-- > B;)
    if (T[I].K == Token::Ident) {
      NameAt = I;
      break;
    }
  if (NameAt == E)
    return P;
  P.Name = T[NameAt].Text;
  bool Pointer = false;
  for (size_t I = B; I < E; ++I)
    Pointer |= T[I] == "*";
  for (size_t I = B; I < NameAt; ++I) {
    if ((T[I] == "struct" || T[I] == "union") && I + 1 < NameAt &&
        T[I + 1].K == Token::Ident) {
      P.Tag = T[I + 1].Text;
      break;
    }
    if (T[I].K == Token::Ident && !Qualifiers.count(T[I].Text)) {
      P.Tag = T[I].Text; // a typedef name
      break;
    }
  }
  if (!Pointer)
    P.Tag.clear(); // only "p->..." through a pointer names a struct here
  return P;
}

void Importer::scanCalls(const std::vector<Token> &T, size_t B, size_t E,
                         const std::string &Where,
                         const std::vector<Param> &Params, bool IsMacro) {
  static const std::set<std::string> Wrappers = {
      "mm_lock", "mm_lock_recursive", "mm_write_lock", "mm_read_lock"};
  for (size_t I = B; I + 1 < E; ++I) {
    if (T[I].K != Token::Ident || !Wrappers.count(T[I].Text) ||
        !(T[I + 1] == "("))
      continue;
    size_t Close = matching(T, I + 1, E);
    if (Close >= E)
      continue;
    auto Args = splitArgs(T, I + 1, Close);
    if (Args.size() != 3 || Args[0].second != Args[0].first + 1 ||
        T[Args[0].first].K != Token::Ident) {
      diag(Diagnostic::Warning, T[I].Off,
           "cannot read this " + T[I].Text +
               "(name, domain, lock) use; ignored");
      continue;
    }
    std::string Lock = T[Args[0].first].Text;
    Site S;
    S.Where = Where;
    S.Off = T[I].Off;
    S.Recursive = T[I] == "mm_lock_recursive";
    auto [EB, EE] = Args[2];
    S.Expr = spelling(T[EB].Off, T[EE - 1].End);
    // &(p)->pod.lock: strip '&' and parentheses, then base (-> | .) fields.
    std::vector<const Token *> X;
    for (size_t J = EB; J < EE; ++J)
      if (!(T[J] == "(" || T[J] == ")"))
        X.push_back(&T[J]);
    size_t K = 0;
    if (K < X.size() && *X[K] == "&")
      ++K;
    std::vector<std::string> Fields;
    bool Ok = K < X.size() && X[K]->K == Token::Ident;
    if (Ok)
      S.Base = X[K++]->Text;
    while (Ok && K < X.size()) {
      if ((*X[K] == "->" || *X[K] == ".") && K + 1 < X.size() &&
          X[K + 1]->K == Token::Ident) {
        Fields.push_back(X[K + 1]->Text);
        K += 2;
      } else if (*X[K] == "[") {
        int Depth = 0; // an array index does not change the class
        for (; K < X.size(); ++K) {
          if (*X[K] == "[")
            ++Depth;
          else if (*X[K] == "]" && --Depth == 0)
            break;
        }
        Ok = K < X.size();
        ++K;
      } else {
        Ok = false;
      }
    }
    if (!Ok || Fields.empty()) {
      diag(Diagnostic::Warning, T[EB].Off,
           "cannot read the lock expression '" + S.Expr + "' of '" + Lock +
               "' (expected &(base)->field.path); no class from " + Where);
      continue;
    }
    std::string Path;
    for (auto &F : Fields)
      Path += (Path.empty() ? "" : ".") + F;
    // The type of the base: its declaration, else the parameter table.
    for (const Param &P : Params)
      if (P.Name == S.Base && !P.Tag.empty()) {
        S.Tag = P.Tag;
        S.Declared = true;
        S.How = S.Base + " is declared `" + P.Decl + "`";
      }
    if (!S.Declared) {
      auto It = Opts.ParamTypes.find(S.Base);
      if (It == Opts.ParamTypes.end()) {
        diag(Diagnostic::Warning, T[EB].Off,
             "the type of '" + S.Base + "' in '" + S.Expr +
                 "' is unknown (no declaration, not in the parameter "
                 "table); no class from " +
                 Where);
        continue;
      }
      S.Tag = It->second;
      auto Def = defaultMmLocksImportOptions().ParamTypes;
      auto D = Def.find(S.Base);
      bool Builtin = D != Def.end() && D->second == It->second;
      S.How = S.Base +
              (IsMacro ? " is a macro parameter" : " has no struct type") +
              ": " + (Builtin ? "built-in table " : "parameter table ") +
              S.Base + " -> struct " + S.Tag;
    }
    S.Class = S.Tag + "." + Path;
    Sites[Lock].push_back(std::move(S));
  }
}

void Importer::scanDeclarations() {
  static const std::map<std::string, Kind> Declarers = {
      {"declare_mm_lock", Kind::Lock},
      {"declare_mm_rwlock", Kind::RwLock},
      {"declare_mm_order_constraint", Kind::Constraint}};
  for (size_t I = 0; I + 3 < Code.size(); ++I) {
    auto It = Declarers.find(Code[I].Text);
    if (Code[I].K != Token::Ident || It == Declarers.end() ||
        !(Code[I + 1] == "("))
      continue;
    if (Code[I + 2].K != Token::Ident || !(Code[I + 3] == ")")) {
      diag(Diagnostic::Warning, Code[I].Off,
           "cannot read this " + Code[I].Text + "(name); ignored");
      continue;
    }
    const std::string &Name = Code[I + 2].Text;
    for (const Decl &D : Decls)
      if (D.Name == Name) {
        diag(Diagnostic::Error, Code[I + 2].Off,
             "'" + Name + "' is declared twice (first at " + where(D.Off) +
                 ")");
        goto next;
      }
    Decls.push_back({Name, It->second, Code[I + 2].Off, Code[I].Cond});
  next:;
  }
}

void Importer::scanFunctions() {
  int Depth = 0;
  for (size_t I = 0; I < Code.size(); ++I) {
    const Token &T = Code[I];
    if (T == "{")
      ++Depth;
    else if (T == "}")
      --Depth;
    if (Depth != 0 || T.K != Token::Ident || I + 1 >= Code.size() ||
        !(Code[I + 1] == "("))
      continue;
    size_t Close = matching(Code, I + 1, Code.size());
    if (Close + 1 >= Code.size() || !(Code[Close + 1] == "{"))
      continue;
    std::vector<Param> Params;
    for (auto [B, E] : splitArgs(Code, I + 1, Close))
      Params.push_back(parseParam(Code, B, E));
    size_t BodyEnd = matching(Code, Close + 1, Code.size());
    scanCalls(Code, Close + 2, BodyEnd, T.Text + "()", Params, false);
    I = BodyEnd; // Depth is back to 0 after the body.
  }
}

std::string jsonString(const std::string &S) {
  std::string R = "\"";
  for (char C : S) {
    if (C == '"' || C == '\\')
      R += '\\';
    if ((unsigned char)C < 0x20) {
      R += ' ';
      continue;
    }
    R += C;
  }
  return R + "\"";
}

bool Importer::run(std::string &Out) {
  blankCommentsAndLiterals();
  ControlDomainBias = Clean.find("is_control_domain") != std::string::npos &&
                      Clean.find("MM_LOCK_ORDER_MAX") != std::string::npos;
  size_t I = 0, N = Clean.size();
  while (I < N) {
    // One logical line: physical lines joined by trailing backslashes.
    size_t End = I;
    for (;;) {
      size_t NL = Clean.find('\n', End);
      if (NL == std::string::npos)
        NL = N;
      size_t Last = NL;
      while (Last > End && std::isspace((unsigned char)Clean[Last - 1]))
        --Last;
      if (Last > End && Clean[Last - 1] == '\\' && NL < N) {
        End = NL + 1;
        continue;
      }
      End = NL;
      break;
    }
    size_t First = I;
    while (First < End && std::isspace((unsigned char)Clean[First]))
      ++First;
    if (First < End && Clean[First] == '#') {
      directive(tokenize(First, End, CurCond));
    } else if (First < End) {
      auto T = tokenize(First, End, CurCond);
      Code.insert(Code.end(), T.begin(), T.end());
    }
    I = End + 1;
  }

  scanDeclarations();
  for (const MacroDef &M : Macros) {
    static const std::set<std::string> Wrappers = {
        "mm_lock", "mm_lock_recursive", "mm_write_lock", "mm_read_lock"};
    if (Wrappers.count(M.Name))
      continue;
    std::vector<Param> Params;
    for (auto &P : M.Params)
      Params.push_back({P, "", ""});
    std::string Sig = M.Name + "(";
    for (size_t J = 0; J < M.Params.size(); ++J)
      Sig += (J ? "," : "") + M.Params[J];
    scanCalls(M.Body, 0, M.Body.size(), Sig + ")", Params, true);
  }
  scanFunctions();
  for (auto &[Lock, List] : Sites)
    std::sort(List.begin(), List.end(),
              [](const Site &A, const Site &B) { return A.Off < B.Off; });

  if (Levels.empty() && Decls.empty()) {
    diag(Diagnostic::Error, 0,
         "no MM_LOCK_ORDER_<name> levels and no declare_mm_lock/"
         "declare_mm_rwlock/declare_mm_order_constraint declarations: not "
         "an mm-locks.h-shaped header");
    return false;
  }
  for (const Decl &D : Decls)
    if (!Levels.count(D.Name))
      diag(Diagnostic::Error, D.Off,
           "'" + D.Name + "' is declared but MM_LOCK_ORDER_" + D.Name +
               " is not defined");
  for (auto &[Lock, List] : Sites) {
    auto D = std::find_if(Decls.begin(), Decls.end(),
                          [&](const Decl &X) { return X.Name == Lock; });
    if (D == Decls.end())
      diag(Diagnostic::Warning, List.front().Off,
           List.front().Where + " takes '" + Lock +
               "', which no declare_mm_lock/declare_mm_rwlock declares");
    else if (D->K == Kind::Constraint)
      diag(Diagnostic::Warning, List.front().Off,
           List.front().Where + " takes '" + Lock +
               "', which is an order constraint, not an mm lock");
  }
  if (Failed)
    return false;
  emit(Out);
  return true;
}

const Importer::MacroDef *Importer::macro(const std::string &Name) const {
  for (const MacroDef &M : Macros)
    if (M.Name == Name)
      return &M;
  return nullptr;
}

std::optional<LevelPrimitives>
Importer::levelPrimitives(const std::string &Name) const {
  // declare_mm_order_constraint(name) defines functions named
  // <prefix>##name: the "pre" one checks the level, the "post" one sets it.
  const MacroDef *Declare = macro("declare_mm_order_constraint");
  if (!Declare || Declare->Params.size() != 1)
    return std::nullopt;
  LevelPrimitives LP;
  const std::vector<Token> &B = Declare->Body;
  for (size_t I = 0; I + 3 < B.size(); ++I) {
    bool Defined = B[I].K == Token::Ident && B[I + 1] == "##" &&
                   B[I + 2].Text == Declare->Params[0] && B[I + 3] == "(";
    if (!Defined)
      continue;
    const std::string &Prefix = B[I].Text;
    if (Prefix.find("pre") != std::string::npos &&
        Prefix.find("post") == std::string::npos)
      LP.Check = Prefix + Name;
    else if (Prefix.find("post") != std::string::npos)
      LP.Take = Prefix + Name;
  }
  if (LP.Check.empty() || LP.Take.empty())
    return std::nullopt;
  // "#define page_alloc_mm_pre_lock(d) mm_enforce_order_lock_pre_page_alloc(d)"
  // names the family; its "..._mm_unlock" restores the level.
  static const std::string PreLock = "pre_lock";
  for (const MacroDef &M : Macros) {
    bool CallsCheck = std::any_of(M.Body.begin(), M.Body.end(),
                                  [&](const Token &T) { return T.Text == LP.Check; });
    if (!CallsCheck || M.Name.size() <= PreLock.size() ||
        M.Name.compare(M.Name.size() - PreLock.size(), PreLock.size(), PreLock))
      continue;
    std::string Unlock = M.Name.substr(0, M.Name.size() - PreLock.size()) + "unlock";
    if (macro(Unlock))
      LP.Drop = Unlock;
  }
  // A level nothing restores would be held for ever once set.
  if (LP.Drop.empty())
    return std::nullopt;
  return LP;
}

void Importer::emit(std::string &Out) {
  struct Entry {
    const Decl *D;
    long long Level;
    std::string Class;
    std::vector<std::string> How; ///< Comment lines.
    std::string Recursion;
    std::optional<LevelPrimitives> Primitives; ///< An order constraint's.
  };
  std::vector<Entry> Entries;
  std::vector<std::string> Unplaced;
  auto KindName = [](Kind K) {
    return K == Kind::Lock     ? "mm_lock"
           : K == Kind::RwLock ? "mm_rwlock"
                               : "order constraint";
  };
  for (const Decl &D : Decls) {
    Entry E{&D, Levels.at(D.Name).N, "", {}, "", std::nullopt};
    if (auto O = Opts.ClassOverrides.find(D.Name);
        O != Opts.ClassOverrides.end()) {
      E.Class = O->second;
      E.How.push_back("class given to the importer (ClassOverrides)");
    } else if (D.K == Kind::Constraint) {
      if (auto C = Opts.ConstraintClasses.find(D.Name);
          C != Opts.ConstraintClasses.end()) {
        E.Class = C->second;
        E.How.push_back("order constraint: the external lock it orders, "
                        "given to the importer (ConstraintClasses)");
      } else if (std::optional<LevelPrimitives> LP = levelPrimitives(D.Name)) {
        // Xen checks the level, not the external lock: the level is the
        // lock, held where _set_lock_level() holds it.
        E.Class = "MM_LOCK_ORDER_" + D.Name;
        E.How.push_back(
            "order constraint: the level itself is the lock; " + LP->Check +
            "() checks it (_check_lock_level()), " + LP->Take +
            "() holds it (_set_lock_level()) until " + LP->Drop +
            "() restores the level; the external lock taken in between is ordered only there, "
            "as in Xen");
        E.Primitives = std::move(*LP);
      }
    } else if (auto S = Sites.find(D.Name); S != Sites.end()) {
      const Site *Chosen = &S->second.front();
      for (const Site &X : S->second)
        if (X.Declared) {
          Chosen = &X;
          break;
        }
      E.Class = Chosen->Class;
      for (const Site &X : S->second) {
        E.How.push_back(X.Where + " (line " + std::to_string(line(X.Off)) +
                        ") locks " + X.Expr + "; " + X.How);
        if (X.Class != E.Class) {
          diag(Diagnostic::Warning, X.Off,
               X.Where + " locks '" + D.Name + "' as class " + X.Class +
                   ", but it is " + E.Class + " elsewhere; using " + E.Class);
          E.How.back() += " -> " + X.Class + " (disagrees; not used)";
        }
        if (X.Recursive)
          E.Recursion =
              "also taken recursively: " + X.Where + " uses mm_lock_recursive";
      }
      if (D.K == Kind::RwLock && E.Recursion.empty())
        E.Recursion = "write lock is recursive (_mm_write_lock counts "
                      "re-entries); the read lock sets no level";
    } else {
      diag(Diagnostic::Warning, D.Off,
           "no lock macro or function takes '" + D.Name +
               "', so it has no class; left out of the hierarchy");
    }
    if (E.Class.empty())
      Unplaced.push_back(D.Name + " (" + std::to_string(E.Level) + ", " +
                         KindName(D.K) + ", " + where(D.Off) + "): " +
                         (D.K == Kind::Constraint
                              ? "orders an external lock, and the header "
                                "defines no functions that check, hold and "
                                "restore its level"
                              : "no lock macro or function names its lock"));
    Entries.push_back(std::move(E));
  }
  for (const std::string &L : LevelOrder) {
    bool Declared = std::any_of(Decls.begin(), Decls.end(),
                                [&](const Decl &D) { return D.Name == L; });
    if (!Declared)
      Unplaced.push_back("MM_LOCK_ORDER_" + L + " (" +
                         std::to_string(Levels.at(L).N) + ", " +
                         where(Levels.at(L).Off) +
                         "): no declare_mm_* uses it, so it is not a lock");
  }

  // Classes: the levels at which each is taken, in level order.
  struct ClassInfo {
    std::string Class;
    std::vector<const Entry *> Members; ///< By level.
    long long Min = 0, Max = 0;
  };
  std::vector<const Entry *> Placed;
  for (const Entry &E : Entries)
    if (!E.Class.empty())
      Placed.push_back(&E);
  // Level order; declaration order (the order of Entries) breaks ties.
  auto ByLevelThenDecl = [](const Entry *A, const Entry *B) {
    return A->Level != B->Level ? A->Level < B->Level
                                : std::less<const Entry *>()(A, B);
  };
  std::sort(Placed.begin(), Placed.end(), ByLevelThenDecl);
  std::vector<ClassInfo> Classes;
  for (const Entry *E : Placed) {
    auto It =
        std::find_if(Classes.begin(), Classes.end(),
                     [&](const ClassInfo &C) { return C.Class == E->Class; });
    if (It == Classes.end()) {
      Classes.push_back({E->Class, {E}, E->Level, E->Level});
    } else {
      It->Members.push_back(E);
      It->Max = E->Level;
    }
  }
  // Same level, different classes: mm-locks.h allows either order.
  for (size_t A = 0; A < Placed.size(); ++A)
    for (size_t B = A + 1; B < Placed.size(); ++B)
      if (Placed[A]->Level == Placed[B]->Level &&
          Placed[A]->Class != Placed[B]->Class)
        diag(Diagnostic::Warning, Placed[B]->D->Off,
             "'" + Placed[B]->D->Name + "' and '" + Placed[A]->D->Name +
                 "' share level " + std::to_string(Placed[A]->Level) +
                 ": they are not ordered against each other");
  auto Ordered = [](const ClassInfo &A, const ClassInfo &B) {
    return A.Max < B.Min || B.Max < A.Min;
  };
  // Greedy chains in level order: the main one, then one per class that
  // could not join it (it lies between two levels of a shared class).
  auto Chain = [&](const ClassInfo *Seed) {
    std::vector<const ClassInfo *> C;
    if (Seed)
      C.push_back(Seed);
    for (const ClassInfo &K : Classes) {
      if (&K == Seed)
        continue;
      bool Fits = std::all_of(C.begin(), C.end(), [&](const ClassInfo *X) {
        return Ordered(*X, K);
      });
      if (Fits)
        C.push_back(&K);
    }
    std::sort(C.begin(), C.end(), [](const ClassInfo *A, const ClassInfo *B) {
      return A->Min != B->Min ? A->Min < B->Min
                              : std::less<const ClassInfo *>()(A, B);
    });
    return C;
  };
  struct Hier {
    std::string Name;
    std::vector<const ClassInfo *> Order;
  };
  std::vector<Hier> Hiers;
  // The first hierarchy that orders K, or end().
  auto HierarchyOf = [&](const ClassInfo &K) {
    return std::find_if(Hiers.begin(), Hiers.end(), [&](const Hier &H) {
      return std::find(H.Order.begin(), H.Order.end(), &K) != H.Order.end();
    });
  };
  Hiers.push_back({"mm-locks", Chain(nullptr)});
  for (const ClassInfo &K : Classes) {
    if (HierarchyOf(K) != Hiers.end())
      continue;
    // Named after every class it adds to the main chain: per_page_sharing
    // (24) and altp2mlist (32) both lie inside p2m's levels and share one.
    Hier H{"mm-locks/", Chain(&K)};
    const auto &Main = Hiers.front().Order;
    bool First = true;
    for (const ClassInfo *X : H.Order)
      if (std::find(Main.begin(), Main.end(), X) == Main.end()) {
        H.Name += (First ? "" : "+") + X->Members.front()->D->Name;
        First = false;
      }
    Hiers.push_back(std::move(H));
  }

  std::ostringstream OS;
  OS << "// Generated by `lockwise rules import-mm-locks` from " << Path
     << ".\n"
     << "// Regenerate rather than edit the generated part (rules/README.md,\n"
     << "// \"The mm-locks importer\").\n"
     << "//\n"
     << "// mm-locks.h orders its locks by level: _check_lock_level() BUG()s "
        "when a\n"
     << "// lock is taken while a lock of a higher level is held, so lower "
        "levels\n"
     << "// are outer.\n"
     << "//\n"
     << "// Levels (MM_LOCK_ORDER_<name>):\n";
  size_t W = 4;
  for (const Entry &E : Entries)
    W = std::max(W, E.D->Name.size());
  std::vector<const Entry *> ByLevel;
  for (const Entry &E : Entries)
    ByLevel.push_back(&E);
  std::sort(ByLevel.begin(), ByLevel.end(), ByLevelThenDecl);
  for (const Entry *E : ByLevel) {
    std::string Name = E->D->Name;
    Name.resize(W, ' ');
    std::string Lvl = std::to_string(E->Level);
    Lvl.insert(0, Lvl.size() < 3 ? 3 - Lvl.size() : 0, ' ');
    std::string K = KindName(E->D->K);
    K.resize(16, ' ');
    OS << "//   " << Name << " " << Lvl << "  " << K << "  "
       << (E->Class.empty() ? std::string("(no class)") : E->Class)
       << "  (line " << line(E->D->Off) << ")";
    std::string Cond = conditionOf(E->D->Cond);
    if (!Cond.empty())
      OS << "  if " << Cond;
    OS << "\n";
  }
  OS << "//\n// Classes, and how each was inferred:\n";
  for (const Entry *E : ByLevel) {
    if (E->Class.empty())
      continue;
    OS << "//   " << E->D->Name << " -> " << E->Class << "\n";
    for (const std::string &H : E->How)
      OS << "//     " << H << "\n";
    if (!E->Recursion.empty())
      OS << "//     " << E->Recursion << "\n";
  }
  bool Shared = false;
  for (const ClassInfo &K : Classes) {
    if (K.Members.size() < 2)
      continue;
    if (!Shared)
      OS << "//\n// Shared classes:\n";
    Shared = true;
    OS << "//   ";
    for (size_t J = 0; J < K.Members.size(); ++J)
      OS << (J ? (J + 1 == K.Members.size() ? " and " : ", ") : "")
         << K.Members[J]->D->Name << " (" << K.Members[J]->Level << ")";
    OS << (K.Members.size() == 2 ? " both" : " all") << " lock " << K.Class
       << ".\n"
       << "//   The level is chosen per object at run time; a class-level "
          "order cannot\n"
       << "//   tell the objects apart, so the hierarchies keep only "
       << K.Members.front()->D->Name << ", the outermost;\n"
       << "//   every name keeps its alias.\n";
    for (const ClassInfo &X : Classes) {
      if (&X == &K || X.Min <= K.Min || X.Min >= K.Max)
        continue;
      auto In = HierarchyOf(X);
      OS << "//   " << X.Members.front()->D->Name << " (" << X.Min
         << ") lies between those levels, so it is not ordered against "
         << K.Class << ":\n"
         << "//   it is in hierarchy " << In->Name
         << ", with the locks it is ordered against.\n";
    }
  }
  if (!Unplaced.empty()) {
    OS << "//\n// In no hierarchy:\n";
    for (const std::string &U : Unplaced)
      OS << "//   " << U << "\n";
  }
  OS << "//\n"
     << "// To change a class, load a later rule file that maps the same "
        "alias (the\n"
     << "// last mapping wins), or give the importer a parameter or class "
        "table\n"
     << "// (lockwise::rules::MmLocksImportOptions).\n";

  OS << "{\n  \"aliases\": {";
  bool FirstAlias = true;
  for (const Entry *E : ByLevel) {
    if (E->Class.empty())
      continue;
    OS << (FirstAlias ? "\n" : ",\n") << "    " << jsonString(E->D->Name)
       << ": " << jsonString(E->Class);
    FirstAlias = false;
  }
  OS << (FirstAlias ? "},\n" : "\n  },\n");
  bool FirstP = true;
  for (const Entry *E : ByLevel) {
    if (!E->Primitives)
      continue;
    const LevelPrimitives &LP = *E->Primitives;
    std::string Class = jsonString(E->Class);
    OS << (FirstP ? "  \"primitives\": [\n" : ",\n")
       << "    {\"op\": \"check-order\", \"names\": [" << jsonString(LP.Check)
       << "], \"class\": " << Class << "},\n"
       << "    {\"op\": \"acquire\", \"names\": [" << jsonString(LP.Take)
       << "], \"class\": " << Class << ", \"recursive\": true},\n"
       << "    {\"op\": \"release\", \"names\": [" << jsonString(LP.Drop)
       << "], \"class\": " << Class << "}";
    FirstP = false;
  }
  if (!FirstP)
    OS << "\n  ],\n";
  OS << "  \"hierarchies\": [";
  bool FirstH = true;
  for (const Hier &H : Hiers) {
    if (H.Order.size() < 2) {
      // A hierarchy of one lock orders nothing.
      continue;
    }
    OS << (FirstH ? "\n" : ",\n") << "    {\"name\": " << jsonString(H.Name)
       << ",\n     \"order\": [";
    std::string Why = "MM_LOCK_ORDER_* levels in " + Path + ": ";
    for (size_t J = 0; J < H.Order.size(); ++J) {
      const Entry *Rep = H.Order[J]->Members.front();
      OS << (J ? ", " : "") << jsonString(Rep->D->Name);
      Why += (J ? " < " : "") + Rep->D->Name + " " + std::to_string(Rep->Level);
    }
    OS << "],\n     \"why\": " << jsonString(Why);
    // _lock_level() adds MM_LOCK_ORDER_MAX for a control domain's locks:
    // the caller's locks rank after the subject domain's.
    if (ControlDomainBias)
      OS << ",\n     \"running_context_last\": true";
    OS << "}";
    FirstH = false;
  }
  OS << (FirstH ? "]\n" : "\n  ]\n");
  OS << MmLocksGeneratedEndMarker << "\n}\n";
  Out = OS.str();
}

} // namespace

bool importMmLocks(std::string_view HeaderText, const std::string &Path,
                   const MmLocksImportOptions &Options, std::string &OutJsonc,
                   std::vector<Diagnostic> &Diags) {
  OutJsonc.clear();
  Importer I(HeaderText, Path, Options, Diags);
  return I.run(OutJsonc);
}

bool importMmLocks(std::string_view HeaderText, const std::string &Path,
                   std::string &OutJsonc, std::vector<Diagnostic> &Diags) {
  return importMmLocks(HeaderText, Path, defaultMmLocksImportOptions(),
                       OutJsonc, Diags);
}

} // namespace lockwise::rules
