//===- FactsCache.cpp -----------------------------------------------------===//
#include "tool/FactsCache.h"
#include "facts/FactsIO.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <cstdlib>

namespace lockwise {

namespace {
std::string hex(uint64_t V) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  OS << llvm::format_hex_no_prefix(V, 16);
  return OS.str();
}

/// Writes Text to Path atomically: parallel jobs and interrupted runs never
/// leave a half-written entry.
void writeAtomically(const std::string &Path, llvm::StringRef Text) {
  llvm::SmallString<256> Tmp;
  int FD;
  if (llvm::sys::fs::createUniqueFile(Path + ".tmp-%%%%%%", FD, Tmp))
    return;
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Text;
  }
  if (llvm::sys::fs::rename(Tmp, Path))
    llvm::sys::fs::remove(Tmp);
}
} // namespace

FactsCache::FactsCache(std::string Dir, const rules::RuleSet &Rules)
    : Dir(std::move(Dir)) {
  std::string S = "facts-v" + std::to_string(FactsFormatVersion) + "\n";
  for (const rules::Primitive &P : Rules.Primitives)
    S += P.Name + ":" + std::to_string((int)P.Op) + ":" + std::to_string(P.Arg) +
         ":" + std::to_string((int)P.Mode) + std::to_string(P.Recursive) +
         std::to_string(P.RecursiveArg ? (int)*P.RecursiveArg : -1) +
         std::to_string(P.DisablesIrq) + std::to_string((int)P.Success) +
         std::to_string(P.Sleeps) + std::to_string(P.Handle) + ":" +
         Rules.canonical(P.Class) + "\n";
  for (const std::string &T : Rules.LockTypes)
    S += "type:" + T + "\n";
  // Guarded fields decide which accesses become events.
  for (const rules::GuardedRule &G : Rules.Guarded)
    S += "guarded:" + G.Field + "\n";
  for (const rules::SleepingRule &R : Rules.Sleeping)
    S += "sleeping:" + R.Function + "@" + R.IfDefined + "\n";
  // Which pointers are the running context's (LockRef::Owner).
  for (const std::string &F : Rules.RunningContext)
    S += "running:" + F + "\n";
  // Which call arguments carry a holder (ArgInfo::Holder).
  for (const rules::ClassByHolder &C : Rules.ClassesByHolder) {
    S += "holder:" + C.Type;
    for (const std::string &F : C.Constructors)
      S += "," + F;
    S += "\n";
  }
  RulesKey = hex(llvm::xxh3_64bits(S));
}

std::string FactsCache::defaultDir() {
  llvm::SmallString<256> P;
  if (const char *X = std::getenv("XDG_CACHE_HOME"); X && *X) {
    P = X;
  } else if (const char *H = std::getenv("HOME"); H && *H) {
    P = H;
    llvm::sys::path::append(P, ".cache");
  } else {
    return "";
  }
  llvm::sys::path::append(P, "lockwise", "facts");
  return std::string(P);
}

std::string FactsCache::keyOf(const clang::tooling::CompileCommand &Cmd) const {
  std::string S = RulesKey + "\n" + Cmd.Directory + "\n" + Cmd.Filename + "\n";
  for (const std::string &A : Cmd.CommandLine)
    S += A + "\n";
  return hex(llvm::xxh3_64bits(S));
}

std::optional<uint64_t> FactsCache::contentHash(llvm::StringRef Path) const {
  {
    std::lock_guard<std::mutex> G(HashesLock);
    if (auto It = Hashes.find(Path); It != Hashes.end())
      return It->second;
  }
  std::optional<uint64_t> H;
  if (auto Content = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                                 /*RequiresNullTerminator=*/false))
    H = llvm::xxh3_64bits((*Content)->getBuffer());
  std::lock_guard<std::mutex> G(HashesLock);
  Hashes[Path] = H;
  return H;
}

std::optional<TUFacts>
FactsCache::lookup(const clang::tooling::CompileCommand &Cmd) const {
  if (Dir.empty())
    return std::nullopt;
  std::string Base = Dir + "/" + keyOf(Cmd);
  auto Manifest = llvm::MemoryBuffer::getFile(Base + ".inputs");
  if (!Manifest)
    return std::nullopt;
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  (*Manifest)->getBuffer().split(Lines, '\n', -1, false);
  std::vector<std::pair<std::string, uint64_t>> Inputs;
  for (llvm::StringRef Line : Lines) {
    auto [Hash, Path] = Line.split(' ');
    std::optional<uint64_t> H = contentHash(Path);
    if (!H || hex(*H) != Hash)
      return std::nullopt;
    Inputs.emplace_back(Path.str(), *H);
  }
  auto Facts = llvm::MemoryBuffer::getFile(Base + ".facts.json");
  if (!Facts)
    return std::nullopt;
  auto TU = factsFromJson((*Facts)->getBuffer().str());
  if (!TU) {
    llvm::consumeError(TU.takeError());
    return std::nullopt;
  }
  TU->Inputs = std::move(Inputs);
  return std::move(*TU);
}

void FactsCache::store(const clang::tooling::CompileCommand &Cmd,
                       const TUFacts &TU) const {
  // A TU that did not parse is retried next time rather than cached.
  if (Dir.empty() || TU.Failed || TU.Inputs.empty())
    return;
  if (llvm::sys::fs::create_directories(Dir))
    return;
  std::string Base = Dir + "/" + keyOf(Cmd);
  std::string Inputs;
  for (auto &[Path, Hash] : TU.Inputs)
    Inputs += hex(Hash) + " " + Path + "\n";
  writeAtomically(Base + ".facts.json", factsToJson(TU));
  writeAtomically(Base + ".inputs", Inputs);
}

} // namespace lockwise
