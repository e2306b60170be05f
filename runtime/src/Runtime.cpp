//===- Runtime.cpp - Start-up, exit, and the runtime's public controls ----===//
#include "Config.h"
#include "Events.h"
#include "Sched.h"

#ifndef LOCKWISE_DISABLE
#include "Detectors.h"
#endif

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace lockwise::rt {

int64_t realMs();

#ifndef LOCKWISE_DISABLE
void flushReport() {
  const Config &C = config();
  if (C.ReportPath.empty())
    return;
  waitForPendingReports();
  RunInfo Info;
  Info.Seconds = double(realMs()) / 1000.0;
  Info.Tasks = unsigned(allTasks().size());
  Info.Seed = C.Seed;
  Info.Shake = C.Shake;
  Info.Steps = sched::steps();
  std::vector<std::string> Locks = order::observedLocks();
  Info.Classes = unsigned(Locks.size());
  writeJson(C.ReportPath, order::observedEdges(), Locks, Info);
}

namespace {

void atExit() { flushReport(); }

std::string format(const char *Fmt, va_list Args) {
  char Buf[1024];
  std::vsnprintf(Buf, sizeof(Buf), Fmt, Args);
  return Buf;
}

void warn(const char *File, int Line, const char *Func, const std::string &Msg,
          const void *Site) {
  Task &T = currentTask();
  Finding F;
  F.Check = "invariant";
  F.Sev = Severity::Error;
  F.Message = Msg;
  F.File = File;
  F.Line = unsigned(Line);
  F.Function = Func;
  std::vector<Frame> Frames = symbolize(captureStack(Site));
  appendFrames(F, Frames, "task " + T.Name);
  std::string Text = "==================================================\n"
                     "WARNING: invariant broken: " + Msg + "\n" +
                     "--------------------------------------------------\n" +
                     "task " + T.Name + " at " + File + ":" +
                     std::to_string(Line) + " in " + Func + ":\n";
  appendFrames(Text, Frames);
  Text += "\n";
  report("invariant|" + std::string(File) + ":" + std::to_string(Line) + "|" +
             Msg,
         std::move(F), Text);
}

} // namespace
#endif

std::atomic<bool> Initialized{false};

void initOnce() {
  static std::once_flag Once;
  std::call_once(Once, [] {
    realMs(); // Starts the clock.
#ifndef LOCKWISE_DISABLE
    sched::init();
    order::loadConfiguredRules();
    if (!sched::active())
      stall::startWatchdog();
    std::atexit(atExit);
#endif
    Initialized.store(true, std::memory_order_release);
  });
}

} // namespace lockwise::rt

using namespace lockwise::rt;

extern "C" {

void lockwise_init(void) { currentTask(); }

unsigned lockwise_finding_count(void) {
#ifndef LOCKWISE_DISABLE
  return findingCount();
#else
  return 0;
#endif
}

void lockwise_report_flush(void) {
#ifndef LOCKWISE_DISABLE
  flushReport();
#endif
}

unsigned long lockwise_stall_ms(void) { return config().StallMs; }

int lockwise_exploring(void) {
  ensureInit();
  return sched::active();
}

void lockwise_declare_order(const char *Name, const char *const *Classes,
                            unsigned Count) {
#ifndef LOCKWISE_DISABLE
  order::declareOrder(Name, std::vector<std::string>(Classes, Classes + Count));
#else
  (void)Name, (void)Classes, (void)Count;
#endif
}

void lw_warn(const char *File, int Line, const char *Func, const char *Fmt,
             ...) {
#ifndef LOCKWISE_DISABLE
  va_list Args;
  va_start(Args, Fmt);
  std::string Msg = format(Fmt, Args);
  va_end(Args);
  warn(File, Line, Func, Msg, __builtin_return_address(0));
#else
  (void)File, (void)Line, (void)Func, (void)Fmt;
#endif
}

void lw_bug(const char *File, int Line, const char *Func, const char *Fmt,
            ...) {
#ifndef LOCKWISE_DISABLE
  va_list Args;
  va_start(Args, Fmt);
  std::string Msg = format(Fmt, Args);
  va_end(Args);
  warn(File, Line, Func, Msg, __builtin_return_address(0));
  flushReport();
#else
  (void)Line, (void)Func, (void)Fmt;
  std::fprintf(stderr, "BUG at %s\n", File);
#endif
  std::abort();
}

} // extern "C"
