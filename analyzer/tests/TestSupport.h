//===- TestSupport.h - Run the frontend on a snippet of C -----------------===//
#ifndef LOCKWISE_TESTS_TESTSUPPORT_H
#define LOCKWISE_TESTS_TESTSUPPORT_H

#include "frontend/Frontend.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace lockwise::test {

/// Writes Code to a temporary .c file and extracts its facts with the
/// built-in catalogs.
inline TUFacts extractCode(const std::string &Code) {
  llvm::SmallString<128> Path;
  llvm::sys::fs::createTemporaryFile("lockwise-test", "c", Path);
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(Path, EC);
    OS << Code;
  }
  rules::RuleSet Rules;
  std::vector<rules::Diagnostic> Diags;
  rules::loadBuiltinCatalogs(Rules, Diags);
  clang::tooling::CompileCommand Cmd(
      "/tmp", std::string(Path),
      {"clang", "-fsyntax-only", "-std=gnu11", std::string(Path)}, "");
  TUFacts Facts = extractTU(Cmd, Rules);
  llvm::sys::fs::remove(Path);
  return Facts;
}

} // namespace lockwise::test

#endif
