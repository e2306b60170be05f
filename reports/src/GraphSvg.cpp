//===- GraphSvg.cpp - The lock graph as inline SVG ------------------------===//
//
// Graphviz is run as a program rather than linked: its library API changes
// between releases, while `dot -Tsvg` has been stable for decades, and a
// missing `dot` is then a degraded report instead of a build failure.
//
//===----------------------------------------------------------------------===//

#include "lockwise/GraphSvg.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

using namespace llvm;

namespace lockwise {

static Error failure(const Twine &Why) {
  return createStringError(inconvertibleErrorCode(), Why);
}

static Expected<std::string> temporaryFile(StringRef Suffix) {
  SmallString<128> Path;
  if (std::error_code EC =
          sys::fs::createTemporaryFile("lockwise-graph", Suffix, Path))
    return failure("cannot create a temporary file: " + EC.message());
  return std::string(Path);
}

Expected<std::string> renderDotToSvg(StringRef Dot) {
  ErrorOr<std::string> DotProgram = sys::findProgramByName("dot");
  if (!DotProgram)
    return failure("Graphviz 'dot' was not found on PATH");

  Expected<std::string> In = temporaryFile("dot");
  if (!In)
    return In.takeError();
  FileRemover RemoveIn(*In);
  Expected<std::string> Out = temporaryFile("svg");
  if (!Out)
    return Out.takeError();
  FileRemover RemoveOut(*Out);
  Expected<std::string> Err = temporaryFile("txt");
  if (!Err)
    return Err.takeError();
  FileRemover RemoveErr(*Err);

  {
    std::error_code EC;
    raw_fd_ostream OS(*In, EC);
    if (EC)
      return failure("cannot write '" + *In + "': " + EC.message());
    OS << Dot;
  }

  std::optional<StringRef> Redirects[] = {StringRef(*In), StringRef(*Out),
                                          StringRef(*Err)};
  std::string ErrMsg;
  // A graph of thousands of locks takes dot a few seconds; a minute means it
  // is stuck, and a report without the picture beats no report.
  int Status =
      sys::ExecuteAndWait(*DotProgram, {"dot", "-Tsvg"},
                          /*Env=*/std::nullopt, Redirects,
                          /*SecondsToWait=*/60, /*MemoryLimit=*/0, &ErrMsg);
  if (Status != 0) {
    std::string Detail = ErrMsg;
    if (ErrorOr<std::unique_ptr<MemoryBuffer>> Buf =
            MemoryBuffer::getFile(*Err))
      if (!(*Buf)->getBuffer().trim().empty())
        Detail = (*Buf)->getBuffer().trim().str();
    return failure("dot failed" + (Detail.empty() ? "" : ": " + Detail));
  }

  ErrorOr<std::unique_ptr<MemoryBuffer>> Svg = MemoryBuffer::getFile(*Out);
  if (!Svg)
    return failure("cannot read the output of dot: " +
                   Svg.getError().message());
  StringRef Text = (*Svg)->getBuffer();
  size_t Start = Text.find("<svg");
  if (Start == StringRef::npos)
    return failure("dot produced no <svg> element");
  return Text.substr(Start).rtrim().str() + "\n";
}

} // namespace lockwise
