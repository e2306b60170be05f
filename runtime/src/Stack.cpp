//===- Stack.cpp - Capturing and symbolising stacks -----------------------===//
#include "Stack.h"
#include "Config.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <nlohmann/json.hpp>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

extern char **environ;

namespace lockwise::rt {
namespace {

std::string demangle(const char *Name) {
  int Status = 0;
  char *D = abi::__cxa_demangle(Name, nullptr, nullptr, &Status);
  std::string R = (Status == 0 && D) ? D : Name;
  std::free(D);
  return R;
}

std::string hex(uintptr_t V) {
  char Buf[32];
  std::snprintf(Buf, sizeof(Buf), "0x%lx", (unsigned long)V);
  return Buf;
}

std::string baseName(const std::string &Path) {
  size_t Slash = Path.rfind('/');
  return Slash == std::string::npos ? Path : Path.substr(Slash + 1);
}

std::string findSymbolizer() {
  const Config &C = config();
  if (!C.Symbolize)
    return "";
  if (!C.Symbolizer.empty())
    return C.Symbolizer;
  for (const char *Candidate :
       {"/usr/bin/llvm-symbolizer-19", "/usr/lib/llvm-19/bin/llvm-symbolizer",
        "/usr/bin/llvm-symbolizer"})
    if (access(Candidate, X_OK) == 0)
      return Candidate;
  return "";
}

/// Runs llvm-symbolizer once for a batch of offsets in one module and
/// returns its stdout (JSON, one line per address).
std::string runSymbolizer(const std::string &Tool, const std::string &Module,
                          const std::vector<uintptr_t> &Offsets) {
  std::vector<std::string> Args = {Tool, "--output-style=JSON",
                                   "--obj=" + Module};
  for (uintptr_t O : Offsets)
    Args.push_back(hex(O));
  std::vector<char *> Argv;
  for (std::string &A : Args)
    Argv.push_back(A.data());
  Argv.push_back(nullptr);

  int Pipe[2];
  if (pipe(Pipe) != 0)
    return "";
  posix_spawn_file_actions_t Actions;
  posix_spawn_file_actions_init(&Actions);
  posix_spawn_file_actions_adddup2(&Actions, Pipe[1], 1);
  posix_spawn_file_actions_addclose(&Actions, Pipe[0]);
  posix_spawn_file_actions_addopen(&Actions, 2, "/dev/null", 0, 0);
  pid_t Pid = 0;
  int Rc = posix_spawn(&Pid, Tool.c_str(), &Actions, nullptr, Argv.data(),
                       environ);
  posix_spawn_file_actions_destroy(&Actions);
  close(Pipe[1]);
  std::string Out;
  if (Rc == 0) {
    char Buf[4096];
    ssize_t N;
    while ((N = read(Pipe[0], Buf, sizeof(Buf))) > 0)
      Out.append(Buf, size_t(N));
    int Status;
    waitpid(Pid, &Status, 0);
  }
  close(Pipe[0]);
  return Out;
}

class Symbolizer {
public:
  std::vector<Frame> resolve(const Stack &S) {
    std::lock_guard<std::mutex> G(Mu);
    std::map<std::string, std::vector<uintptr_t>> Pending;
    for (unsigned I = 0; I < S.Size; ++I) {
      uintptr_t Pc = uintptr_t(S.Pc[I]);
      if (Cache.count(Pc))
        continue;
      Cache[Pc] = {basic(Pc)};
      Dl_info Info;
      if (!Tool.empty() && dladdr(reinterpret_cast<void *>(Pc - 1), &Info) &&
          Info.dli_fname)
        Pending[modulePath(Info)].push_back(Pc);
    }
    for (auto &[Module, Pcs] : Pending)
      refine(Module, Pcs);
    std::vector<Frame> Frames;
    for (unsigned I = 0; I < S.Size; ++I)
      for (const Frame &F : Cache[uintptr_t(S.Pc[I])])
        Frames.push_back(F);
    return Frames;
  }

private:
  static std::string modulePath(const Dl_info &Info) {
    std::string Path = Info.dli_fname;
    // The main executable may be reported by its argv[0] name.
    if (Path.find('/') == std::string::npos || access(Path.c_str(), R_OK)) {
      char Buf[4096];
      ssize_t N = readlink("/proc/self/exe", Buf, sizeof(Buf) - 1);
      if (N > 0)
        Path.assign(Buf, size_t(N));
    }
    return Path;
  }

  /// dladdr's view: exported function + offset, or module + offset.
  static Frame basic(uintptr_t Pc) {
    Frame F;
    Dl_info Info;
    // Return addresses point after the call; look up the call itself.
    if (!dladdr(reinterpret_cast<void *>(Pc - 1), &Info)) {
      F.Function = hex(Pc);
      return F;
    }
    if (Info.dli_sname)
      F.Function = demangle(Info.dli_sname) + "+" +
                   hex(Pc - uintptr_t(Info.dli_saddr));
    else
      F.Function = baseName(Info.dli_fname ? Info.dli_fname : "?") + "+" +
                   hex(Pc - uintptr_t(Info.dli_fbase));
    return F;
  }

  void refine(const std::string &Module, const std::vector<uintptr_t> &Pcs) {
    Dl_info Info;
    if (!dladdr(reinterpret_cast<void *>(Pcs.front() - 1), &Info))
      return;
    uintptr_t Base = uintptr_t(Info.dli_fbase);
    std::vector<uintptr_t> Offsets;
    for (uintptr_t Pc : Pcs)
      Offsets.push_back(Pc - 1 - Base);
    std::string Out = runSymbolizer(Tool, Module, Offsets);
    // Several addresses give one JSON array; older versions print one
    // object per line.
    std::vector<nlohmann::json> Answers;
    try {
      auto J = nlohmann::json::parse(Out);
      if (J.is_array())
        Answers.assign(J.begin(), J.end());
    } catch (const std::exception &) {
      size_t Pos = 0, End;
      while ((End = Out.find('\n', Pos)) != std::string::npos) {
        try {
          Answers.push_back(nlohmann::json::parse(Out.substr(Pos, End - Pos)));
        } catch (const std::exception &) {
          Answers.emplace_back();
        }
        Pos = End + 1;
      }
    }
    for (size_t I = 0; I < Pcs.size() && I < Answers.size(); ++I)
      apply(Answers[I], Cache[Pcs[I]]);
  }

  /// Takes functions and file:line from one llvm-symbolizer answer: one
  /// frame per inlined function, innermost first.
  static void apply(const nlohmann::json &Answer, std::vector<Frame> &Frames) {
    try {
      std::vector<Frame> Inlined;
      for (const auto &Sym : Answer.at("Symbol")) {
        std::string Fn = Sym.value("FunctionName", "");
        if (Fn.empty() || Fn == "??")
          return;
        Frame F;
        F.Function = Fn;
        std::string File = Sym.value("FileName", "");
        if (!File.empty() && File != "??") {
          F.File = File;
          F.Line = Sym.value("Line", 0u);
          F.Column = Sym.value("Column", 0u);
        }
        Inlined.push_back(F);
      }
      if (!Inlined.empty())
        Frames = Inlined;
    } catch (const std::exception &) {
      // Keep dladdr's answer for this frame.
    }
  }

  std::mutex Mu;
  std::map<uintptr_t, std::vector<Frame>> Cache;
  std::string Tool = findSymbolizer();
};

Symbolizer &symbolizer() {
  static Symbolizer *S = new Symbolizer; // Used from atexit handlers.
  return *S;
}

} // namespace

Stack captureStack(const void *CallSite) {
  void *Raw[Stack::MaxFrames + 8];
  int N = backtrace(Raw, int(sizeof(Raw) / sizeof(Raw[0])));
  int First = 1; // This function.
  for (int I = 0; I < N; ++I)
    if (Raw[I] == CallSite) {
      First = I;
      break;
    }
  Stack S;
  for (int I = First; I < N && S.Size < Stack::MaxFrames; ++I)
    S.Pc[S.Size++] = Raw[I];
  return S;
}

Stack siteStack(const void *CallSite) {
  Stack S;
  if (CallSite)
    S.Pc[S.Size++] = CallSite;
  return S;
}

std::vector<Frame> symbolize(const Stack &S) { return symbolizer().resolve(S); }

std::string describe(const Frame &F) {
  if (F.File.empty())
    return F.Function;
  return F.Function + " (" + F.File + ":" + std::to_string(F.Line) + ":" +
         std::to_string(F.Column) + ")";
}

} // namespace lockwise::rt
