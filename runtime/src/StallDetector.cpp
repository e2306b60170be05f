//===- StallDetector.cpp - Tasks blocked too long (hung-task detector) ----===//
//
// A task blocked on a lock, or sleeping while holding one, for longer than
// LOCKWISE_STALL_MS is reported once per episode, with the lock, its holder
// and what the holder is doing.  In real time a watchdog thread looks
// every quarter of the threshold; when exploring, the scheduler asks at
// each step of the virtual clock.
//
//===----------------------------------------------------------------------===//
#include "Config.h"
#include "Detectors.h"
#include "Sched.h"

#include <climits>
#include <unistd.h>

namespace lockwise::rt::stall {
namespace {

using events::WaitKind;
using events::WaitPhase;

/// What a blocked task looked like, copied under its StateMu.
struct Snapshot {
  Task *T = nullptr;
  Activity Doing = Activity::Running;
  const void *Object = nullptr;
  lw_lock *Lock = nullptr;
  int64_t Since = 0;
  Stack Where;
  std::vector<HeldLock> Held;
  // Blocked on a lock: its holder, when the stall was detected.
  Task *Owner = nullptr;
  const void *OwnerSite = nullptr;
  Activity OwnerDoing = Activity::Running;
  Stack OwnerWhere;
};

bool stalls(const Task &T) {
  return !T.StallReported &&
         (T.Doing == Activity::BlockedOnLock ||
          (T.Doing == Activity::Sleeping && T.Depth > 0));
}

Snapshot snapshot(Task &T) {
  Snapshot S;
  S.T = &T;
  S.Doing = T.Doing;
  S.Object = T.WaitObject;
  S.Lock = T.WaitLock;
  S.Since = T.WaitSince;
  S.Where = T.WaitStack;
  if (T.Doing != Activity::Running)
    S.Held.assign(T.Held, T.Held + T.Depth);
  return S;
}

/// Adds, for a task blocked on a lock, who holds the lock and what that
/// holder is doing, now (the report is put together later).  Not called
/// under any StateMu: it takes the holder's.
void addOwner(Snapshot &S) {
  if (S.Doing != Activity::BlockedOnLock)
    return;
  S.Owner = taskOf(__atomic_load_n(&S.Lock->owner, __ATOMIC_RELAXED));
  S.OwnerSite = __atomic_load_n(&S.Lock->owner_ip, __ATOMIC_RELAXED);
  if (!S.Owner)
    return;
  std::lock_guard<std::mutex> G(S.Owner->StateMu);
  S.OwnerDoing = S.Owner->Doing;
  S.OwnerWhere = S.Owner->WaitStack;
}

std::string heldList(const std::vector<HeldLock> &Held, std::string &Text) {
  std::string Names;
  for (const HeldLock &H : Held) {
    Names += (Names.empty() ? "" : ", ") + className(H.Class);
    std::vector<Frame> Site = symbolize(siteStack(H.Site));
    Text += "  (" + className(H.Class) + ") acquired at " +
            (Site.empty() ? std::string("?") : describe(Site.front())) + "\n";
  }
  return Names;
}

void reportStall(const Snapshot &S, int64_t Now, bool Forever) {
  PendingReport Busy;
  Task &T = *S.T;
  int64_t For = Now - S.Since;
  Finding F;
  F.Check = "stall";
  std::vector<Frame> Frames = symbolize(S.Where);
  locateAt(F, Frames);
  appendFrames(F, Frames, "task " + T.Name);
  std::string Text = "\n==================================================\n"
                     "INFO: task " + T.Name + " blocked for more than " +
                     std::to_string(For) + " ms.\n"
                     "--------------------------------------------------\n";
  std::string Object;
  if (S.Doing == Activity::BlockedOnLock) {
    ClassId C = classOf(S.Lock);
    Object = className(C);
    F.Locks.push_back(Object);
    std::string Holder = "no single holder (readers)";
    Text += "task " + T.Name + " is blocked on lock (" + Object + ") at:\n";
    appendFrames(Text, Frames);
    if (S.Owner) {
      Task &H = *S.Owner;
      Holder = "task " + H.Name;
      std::vector<Frame> Site = symbolize(siteStack(S.OwnerSite));
      appendFrames(F, Site, "held by " + H.Name);
      Text += "\nthe lock is held by task " + H.Name + ", acquired at:\n";
      appendFrames(Text, Site);
      if (S.OwnerDoing != Activity::Running &&
          S.OwnerDoing != Activity::Finished) {
        bool Sleeps = S.OwnerDoing == Activity::Sleeping;
        std::vector<Frame> Where = symbolize(S.OwnerWhere);
        appendFrames(F, Where, "where " + H.Name + " is");
        Text += "\ntask " + H.Name + " is itself " +
                (Sleeps ? "sleeping" : "blocked") + " at:\n";
        appendFrames(Text, Where);
        Holder += ", itself " + std::string(Sleeps ? "sleeping" : "blocked");
      }
    }
    F.Message = "task " + T.Name + " blocked on '" + Object + "' for " +
                std::to_string(For) + " ms (threshold " +
                std::to_string(config().StallMs) + " ms); held by " + Holder;
  } else {
    Text += "task " + T.Name + " sleeps" +
            (S.Object ? " on wait queue (" +
                            className(classOf(static_cast<wait_queue_head *>(
                                const_cast<void *>(S.Object)))) +
                            ")"
                      : std::string()) +
            " at:\n";
    appendFrames(Text, Frames);
    std::string Held;
    if (!S.Held.empty()) {
      Text += "\nwhile holding:\n";
      Held = heldList(S.Held, Text);
    }
    for (const HeldLock &H : S.Held)
      F.Locks.push_back(className(H.Class));
    Object = Held;
    F.Message = "task " + T.Name + " sleeps for " + std::to_string(For) +
                " ms" + (Held.empty() ? "" : " while holding " + Held) +
                " (threshold " + std::to_string(config().StallMs) + " ms)";
  }
  if (Forever) {
    F.Message += "; every task is blocked: deadlock";
    Text += "\nevery task is blocked: the program cannot go on.\n";
  }
  Text += "\n";
  std::string Key = "stall|" + T.Name + "|" + Object + "|" +
                    (Frames.empty() ? "" : Frames.front().Function);
  report(Key, std::move(F), Text);
}

void *watchdog(void *) {
  unsigned Every = config().StallMs / 4;
  Every = Every < 10 ? 10 : (Every > 1000 ? 1000 : Every);
  for (;;) {
    usleep(Every * 1000);
    check(nowMs());
  }
  return nullptr;
}

} // namespace

void wait(Task &T, const events::WaitOp &W) {
  if (W.Phase == WaitPhase::ConditionUnwoken)
    return;
  Stack Where;
  int64_t Now = 0;
  if (W.Phase == WaitPhase::Begin) {
    // Unwinding costs tens of microseconds, more than most waits last: in
    // real time the waiting thread keeps its call site now and unwinds
    // only if the wait goes on (captureWaitStack).  When exploring, time
    // is virtual and the stack is taken at once.
    Where = sched::active() ? captureStack(W.Site) : siteStack(W.Site);
    // Before StateMu: the exploring clock takes the scheduler's mutex, and
    // the scheduler takes StateMu under it (nextDeadline).
    Now = nowMs();
  }
  std::lock_guard<std::mutex> G(T.StateMu);
  if (W.Phase == WaitPhase::End) {
    T.Doing = Activity::Running;
    return;
  }
  T.Doing = W.Kind == WaitKind::Lock ? Activity::BlockedOnLock
                                     : Activity::Sleeping;
  T.WaitObject = W.Kind == WaitKind::Lock ? static_cast<const void *>(W.Lock)
                                          : static_cast<const void *>(W.Queue);
  T.WaitLock = W.Lock;
  T.WaitSince = Now;
  T.WaitStack = Where;
  T.WaitSite = W.Site;
  T.StallReported = false;
}

void captureWaitStack(Task &T) {
  const void *Site;
  {
    std::lock_guard<std::mutex> G(T.StateMu);
    if (T.Doing == Activity::Running || T.Doing == Activity::Finished)
      return;
    Site = T.WaitSite;
  }
  Stack Where = captureStack(Site);
  std::lock_guard<std::mutex> G(T.StateMu);
  T.WaitStack = Where;
}

int64_t longWaitMs() {
  int64_t Half = config().StallMs / 2;
  return Half < 20 ? Half : 20;
}

int64_t nextDeadline() {
  int64_t Next = INT64_MAX;
  for (Task *T : allTasks()) {
    std::lock_guard<std::mutex> G(T->StateMu);
    if (stalls(*T) && T->WaitSince + config().StallMs < Next)
      Next = T->WaitSince + config().StallMs;
  }
  return Next;
}

void check(int64_t Now) {
  // Every stalled task is taken down first, then reported: symbolising one
  // report can take long enough for another stall to end unseen.
  PendingReport Busy;
  std::vector<Snapshot> Stalled;
  for (Task *T : allTasks()) {
    std::lock_guard<std::mutex> G(T->StateMu);
    if (!stalls(*T) || Now - T->WaitSince < int64_t(config().StallMs))
      continue;
    T->StallReported = true;
    Stalled.push_back(snapshot(*T));
  }
  for (Snapshot &S : Stalled)
    addOwner(S);
  for (const Snapshot &S : Stalled)
    reportStall(S, Now, false);
}

void reportDeadlock(int64_t Now) {
  std::fprintf(stderr, "lockwise: every task is blocked; stopping.\n");
  for (Task *T : allTasks()) {
    Snapshot S;
    {
      std::lock_guard<std::mutex> G(T->StateMu);
      if (T->Doing == Activity::Running || T->Doing == Activity::Finished ||
          T->StallReported)
        continue;
      T->StallReported = true;
      S = snapshot(*T);
    }
    addOwner(S);
    reportStall(S, Now, true);
  }
}

void startWatchdog() {
  pthread_t Thread;
  if (pthread_create(&Thread, nullptr, watchdog, nullptr) == 0) {
    pthread_setname_np(Thread, "lockwise-watch");
    pthread_detach(Thread);
  }
}

} // namespace lockwise::rt::stall
