//===- SourceIndex.cpp ----------------------------------------------------===//
#include "SourceIndex.h"

#include <vector>

namespace lockwise::rules {

namespace {
std::string escapePointerToken(std::string_view Token) {
  std::string Out;
  for (char C : Token) {
    if (C == '~')
      Out += "~0";
    else if (C == '/')
      Out += "~1";
    else
      Out += C;
  }
  return Out;
}
} // namespace

SourceIndex::SourceIndex(std::string_view Text) : Text(Text) { scan(); }

std::pair<unsigned, unsigned> SourceIndex::lineColumn(size_t Offset) const {
  unsigned Line = 1, Column = 1;
  for (size_t I = 0; I < Offset && I < Text.size(); ++I) {
    if (Text[I] == '\n') {
      ++Line;
      Column = 1;
    } else {
      ++Column;
    }
  }
  return {Line, Column};
}

size_t SourceIndex::offsetOf(const std::string &Pointer) const {
  std::string P = Pointer;
  while (true) {
    auto It = Offsets.find(P);
    if (It != Offsets.end())
      return It->second;
    size_t Slash = P.rfind('/');
    if (Slash == std::string::npos || P.empty())
      return 0;
    P.resize(Slash);
  }
}

// A deliberately small scanner: it only needs to agree with nlohmann on
// well-formed input (the index is built after a successful parse).
void SourceIndex::scan() {
  struct Frame {
    bool IsObject;
    std::string Path;
    size_t Index = 0;
    std::string PendingKey;
    bool ExpectKey = true;
  };
  std::vector<Frame> Stack;
  size_t I = 0, N = Text.size();

  auto skipBlanks = [&] {
    while (I < N) {
      char C = Text[I];
      if (C == ' ' || C == '\t' || C == '\n' || C == '\r' || C == ',' ||
          C == ':') {
        ++I;
      } else if (C == '/' && I + 1 < N && Text[I + 1] == '/') {
        while (I < N && Text[I] != '\n')
          ++I;
      } else if (C == '/' && I + 1 < N && Text[I + 1] == '*') {
        I += 2;
        while (I + 1 < N && !(Text[I] == '*' && Text[I + 1] == '/'))
          ++I;
        I += 2;
      } else {
        break;
      }
    }
  };
  auto readString = [&]() -> std::string {
    std::string S;
    ++I; // opening quote
    while (I < N && Text[I] != '"') {
      if (Text[I] == '\\' && I + 1 < N) {
        S += Text[I + 1];
        I += 2;
        continue;
      }
      S += Text[I++];
    }
    ++I; // closing quote
    return S;
  };
  // The pointer of the value about to start in the innermost container.
  auto valuePointer = [&]() -> std::string {
    if (Stack.empty())
      return "";
    Frame &F = Stack.back();
    if (F.IsObject)
      return F.Path + "/" + escapePointerToken(F.PendingKey);
    return F.Path + "/" + std::to_string(F.Index);
  };
  auto valueDone = [&] {
    if (Stack.empty())
      return;
    Frame &F = Stack.back();
    if (F.IsObject)
      F.ExpectKey = true;
    else
      ++F.Index;
  };

  while (true) {
    skipBlanks();
    if (I >= N)
      return;
    char C = Text[I];
    if (!Stack.empty() && Stack.back().IsObject && Stack.back().ExpectKey &&
        C == '"') {
      size_t KeyOffset = I;
      Stack.back().PendingKey = readString();
      Stack.back().ExpectKey = false;
      Offsets.emplace(valuePointer(), KeyOffset);
      continue;
    }
    if (C == '}' || C == ']') {
      ++I;
      Stack.pop_back();
      valueDone();
      continue;
    }
    std::string Ptr = valuePointer();
    Offsets.emplace(Ptr, I);
    if (C == '{' || C == '[') {
      ++I;
      Stack.push_back(Frame{C == '{', Ptr});
      continue;
    }
    if (C == '"') {
      readString();
    } else {
      while (I < N && Text[I] != ',' && Text[I] != '}' && Text[I] != ']' &&
             Text[I] != ' ' && Text[I] != '\n' && Text[I] != '\t' &&
             Text[I] != '\r' && Text[I] != '/')
        ++I;
    }
    valueDone();
  }
}

} // namespace lockwise::rules
