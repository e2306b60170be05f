//===- Sched.cpp - PCT schedule exploration and the runtime clock ---------===//
//
// One task holds the baton (Current) at a time; it passes the baton only at
// scheduling points.  When no task can run, the scheduler first lets each
// sleeper re-check its condition once (a probe: lost wake-ups), then moves
// the virtual clock to the next timer or stall threshold, and when there is
// none left every task is blocked for good: a deadlock.
//
//===----------------------------------------------------------------------===//
#include "Sched.h"
#include "Config.h"
#include "Detectors.h"

#include <climits>
#include <cstdio>
#include <unistd.h>

#ifdef LOCKWISE_TSAN
// The scheduler's own synchronisation would hide the program's races from
// ThreadSanitizer (every hand-over would be a happens-before edge), so it
// is made invisible; the shim annotates the edges the program really has.
extern "C" {
void AnnotateIgnoreSyncBegin(const char *File, int Line);
void AnnotateIgnoreSyncEnd(const char *File, int Line);
void AnnotateIgnoreReadsBegin(const char *File, int Line);
void AnnotateIgnoreReadsEnd(const char *File, int Line);
void AnnotateIgnoreWritesBegin(const char *File, int Line);
void AnnotateIgnoreWritesEnd(const char *File, int Line);
}
#endif

namespace lockwise::rt {

int64_t realMs();

namespace sched {
namespace {

/// splitmix64: small, seedable, and the same on every platform.
struct Rng {
  uint64_t State;
  uint64_t next() {
    uint64_t Z = (State += 0x9e3779b97f4a7c15ull);
    Z = (Z ^ (Z >> 30)) * 0xbf58476d1ce4e5b9ull;
    Z = (Z ^ (Z >> 27)) * 0x94d049bb133111ebull;
    return Z ^ (Z >> 31);
  }
};

struct Scheduler {
  // Recursive: detectors called from quiesce() read the clock.
  pthread_mutex_t Mu = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
  std::vector<Task *> Tasks;
  Task *Current = nullptr;
  uint64_t Step = 0;
  uint64_t Epoch = 0;
  int64_t Clock = 0;
  std::vector<uint64_t> ChangeAt;
  unsigned Changes = 0;
  Rng R{0};

  explicit Scheduler(const Config &C) : R{C.Seed * 0x2545f4914f6cdd1dull + 1} {
    for (unsigned I = 1; I < C.Shake; ++I)
      ChangeAt.push_back(1 + R.next() % C.ShakeSteps);
  }
};

/// Created by init() at the first use of the shim, after the environment
/// is final (a scenario runner sets it in a freshly forked child).
Scheduler *TheScheduler = nullptr;

/// Holds the scheduler mutex, hidden from ThreadSanitizer.
class Locked {
public:
  Locked() {
#ifdef LOCKWISE_TSAN
    AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
    AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
    AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
#endif
    pthread_mutex_lock(&TheScheduler->Mu);
  }
  ~Locked() {
    pthread_mutex_unlock(&TheScheduler->Mu);
#ifdef LOCKWISE_TSAN
    AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
    AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
    AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
#endif
  }
  Scheduler *operator->() const { return TheScheduler; }
  Scheduler &operator*() const { return *TheScheduler; }
};

void makeRunnable(Task &T, WakeReason Why) {
  T.Run = RunState::Runnable;
  T.Reason = Why;
  T.Deadline = -1;
  T.BlockedOn = nullptr;
}

Task *pick(Scheduler &S, const Task *Avoid) {
  Task *Best = nullptr;
  for (Task *T : S.Tasks)
    if (T->Run == RunState::Runnable && T != Avoid &&
        (!Best || T->Priority > Best->Priority))
      Best = T;
  return Best;
}

/// Nothing can run: probe one sleeper, or advance time.  False when every
/// task is blocked for good.
bool quiesce(Scheduler &S) {
  for (Task *T : S.Tasks)
    if (T->Run == RunState::Sleeping && !T->NoProbe &&
        T->ProbedEpoch != S.Epoch) {
      T->ProbedEpoch = S.Epoch;
      T->Run = RunState::Runnable;
      T->Reason = WakeReason::Probe;
      return true;
    }
  int64_t Next = stall::nextDeadline();
  for (Task *T : S.Tasks)
    if (T->Run == RunState::Sleeping && T->Deadline >= 0 && T->Deadline < Next)
      Next = T->Deadline;
  if (Next == INT64_MAX)
    return false;
  if (Next > S.Clock)
    S.Clock = Next;
  stall::check(S.Clock);
  for (Task *T : S.Tasks)
    if (T->Run == RunState::Sleeping && T->Deadline >= 0 &&
        T->Deadline <= S.Clock)
      makeRunnable(*T, WakeReason::Timeout);
  ++S.Epoch;
  return true;
}

[[noreturn]] void deadlock(Scheduler &S) {
  stall::reportDeadlock(S.Clock);
  flushReport();
  std::fflush(nullptr);
  _exit(1);
}

/// Passes the baton to the best runnable task and, unless Me has finished,
/// waits until Me holds it again.  Called with the mutex held.
void switchAway(Scheduler &S, Task &Me, const Task *Avoid = nullptr) {
  Task *Next = pick(S, Avoid);
  if (!Next)
    Next = pick(S, nullptr);
  while (!Next) {
    if (!quiesce(S))
      deadlock(S);
    Next = pick(S, nullptr);
  }
  S.Current = Next;
  if (Next != &Me)
    pthread_cond_signal(&Next->Turn);
  if (Me.Run == RunState::Finished)
    return;
  while (S.Current != &Me)
    pthread_cond_wait(&Me.Turn, &S.Mu);
}

void injectSpuriousWakeups(Scheduler &S) {
  unsigned Permille = config().SpuriousPermille;
  if (!Permille)
    return;
  for (Task *T : S.Tasks)
    if (T->Run == RunState::Sleeping && !T->NoProbe &&
        S.R.next() % 1000 < Permille)
      makeRunnable(*T, WakeReason::Spurious);
}

} // namespace

std::atomic<bool> Exploring{false};

void init() {
  if (!config().Shake)
    return;
  TheScheduler = new Scheduler(config());
  Exploring.store(true, std::memory_order_relaxed);
}

void adopt(Task &T, bool Self) {
  if (!TheScheduler)
    return;
  Locked S;
  // Initial priorities lie above every value a change point assigns.
  T.Priority = config().Shake + (S->R.next() >> 8);
  T.Run = RunState::Runnable;
  S->Tasks.push_back(&T);
  if (!S->Current)
    S->Current = &T;
  if (Self)
    while (S->Current != &T)
      pthread_cond_wait(&T.Turn, &S->Mu);
}

void start(Task &T) {
  if (!TheScheduler)
    return;
  Locked S;
  while (S->Current != &T)
    pthread_cond_wait(&T.Turn, &S->Mu);
}

void pointSlow(Task &Me) {
  Locked S;
  ++S->Step;
  ++S->Epoch;
  if (S->Changes < S->ChangeAt.size())
    for (uint64_t At : S->ChangeAt)
      if (At == S->Step) {
        // Below every initial priority, and below earlier change points.
        Me.Priority = config().Shake - 1 - S->Changes++;
      }
  injectSpuriousWakeups(*S);
  switchAway(*S, Me);
}

void yield(Task &Me) {
  if (!TheScheduler)
    return;
  Locked S;
  ++S->Step;
  ++S->Epoch;
  switchAway(*S, Me, &Me);
}

void blockOnLock(Task &Me, const void *Lock) {
  if (!TheScheduler)
    return;
  Locked S;
  Me.Run = RunState::BlockedOnLock;
  Me.BlockedOn = Lock;
  switchAway(*S, Me);
}

void releasedSlow(const void *Lock) {
  Locked S;
  for (Task *T : S->Tasks)
    if (T->Run == RunState::BlockedOnLock && T->BlockedOn == Lock)
      makeRunnable(*T, WakeReason::Woken);
}

WakeReason sleep(Task &Me, wait_queue_head *Queue, int64_t Deadline,
                 bool Probeable) {
  if (!TheScheduler)
    return WakeReason::Woken;
  Locked S;
  Me.Run = RunState::Sleeping;
  Me.BlockedOn = Queue;
  Me.Deadline = Deadline;
  Me.NoProbe = !Probeable || !Queue;
  Me.Reason = WakeReason::None;
  switchAway(*S, Me);
  return Me.Reason;
}

void wake(wait_queue_head *Queue) {
  if (!TheScheduler)
    return;
  Locked S;
  for (Task *T : S->Tasks)
    if (T->Run == RunState::Sleeping && T->BlockedOn == Queue && Queue)
      makeRunnable(*T, WakeReason::Woken);
}

void kick(Task &T) {
  if (!TheScheduler)
    return;
  Locked S;
  if (T.Run == RunState::Sleeping && T.BlockedOn)
    makeRunnable(T, WakeReason::Woken);
}

void exit(Task &Me) {
  if (!TheScheduler)
    return;
  Locked S;
  Me.Run = RunState::Finished;
  switchAway(*S, Me);
}

bool othersMayProgress(const Task &Me) {
  if (!TheScheduler)
    return true;
  Locked S;
  for (Task *T : S->Tasks)
    if (T != &Me && (T->Run == RunState::Runnable ||
                     (T->Run == RunState::Sleeping && T->Deadline >= 0)))
      return true;
  return false;
}

uint64_t steps() {
  if (!TheScheduler)
    return 0;
  Locked S;
  return S->Step;
}

} // namespace sched

int64_t nowMs() {
  if (!sched::active())
    return realMs();
  sched::Locked S;
  return S->Clock;
}

} // namespace lockwise::rt
