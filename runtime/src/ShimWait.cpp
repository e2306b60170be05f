//===- ShimWait.cpp - Wait queues, completions, sleeping, barriers --------===//
//
// wait_event* sleeps as Linux's does (the queue's wake-up counter is read
// before the condition, as prepare_to_wait sets the task state first), but
// it also wakes up by itself now and then -- a poll, or a probe at
// quiescence when exploring -- to re-check the condition: true without a
// wake-up is how a lost wake-up shows.
//
//===----------------------------------------------------------------------===//
#include "Config.h"
#include "Events.h"
#include "Sched.h"

#include <climits>
#include <sched.h>
#include <time.h>

namespace lockwise::rt {
namespace {

using events::WaitKind;
using events::WaitOp;
using events::WaitPhase;

constexpr int SleepBegun = 1;
constexpr int StackTaken = 2; ///< the stall detector has the whole stack

/// How often a sleeper re-checks its condition by itself (real time).
int64_t pollMs() {
#ifdef LOCKWISE_DISABLE
  return -1;
#else
  int64_t P = config().GraceMs / 4;
  return P < 5 ? 5 : (P > 100 ? 100 : P);
#endif
}

uint64_t readSeq(wait_queue_head_t *Q) {
  pthread_mutex_lock(&Q->impl);
  uint64_t Seq = Q->seq;
  pthread_mutex_unlock(&Q->impl);
  return Seq;
}

WaitOp queueOp(WaitPhase Phase, lw_waiter *W) {
  WaitOp Op;
  Op.Phase = Phase;
  Op.Kind = WaitKind::Queue;
  Op.Queue = W->q;
  Op.Waiter = W;
  Op.Site = W->ip;
  return Op;
}

/// Real time: sleeps on the queue's condition variable until a wake-up, a
/// kick, the deadline or the next poll.
WakeReason sleepReal(Task &T, lw_waiter *W) {
  wait_queue_head_t *Q = W->q;
  int64_t Poll = pollMs();
  int64_t PollAt = Poll < 0 ? -1 : nowMs() + Poll;
  int64_t CaptureAt = (W->flags & StackTaken) ? -1 : T.LongWaitAt;
  pthread_mutex_lock(&Q->impl);
  T.SleepingOn.store(Q);
  WakeReason Why = WakeReason::None;
  while (Why == WakeReason::None) {
    int64_t Now = nowMs();
    if (Q->seq != W->seq || T.Kicked.exchange(false))
      Why = WakeReason::Woken;
    else if (W->deadline >= 0 && Now >= W->deadline)
      Why = WakeReason::Timeout;
    else if (PollAt >= 0 && Now >= PollAt)
      Why = WakeReason::Poll;
    else if (CaptureAt >= 0 && Now >= CaptureAt) {
      // A long sleep: the stall detector takes the stack (a wake-up that
      // comes meanwhile shows in Q->seq).
      pthread_mutex_unlock(&Q->impl);
      events::onLongWait(T);
      W->flags |= StackTaken;
      CaptureAt = -1;
      pthread_mutex_lock(&Q->impl);
    } else {
      int64_t Until = PollAt;
      if (W->deadline >= 0 && (Until < 0 || W->deadline < Until))
        Until = W->deadline;
      if (CaptureAt >= 0 && (Until < 0 || CaptureAt < Until))
        Until = CaptureAt;
      if (Until < 0) {
        pthread_cond_wait(&Q->cond, &Q->impl);
        continue;
      }
      timespec Abs;
      clock_gettime(CLOCK_MONOTONIC, &Abs);
      int64_t Ms = Until - Now;
      Abs.tv_sec += Ms / 1000;
      Abs.tv_nsec += (Ms % 1000) * 1000000;
      if (Abs.tv_nsec >= 1000000000) {
        Abs.tv_sec += 1;
        Abs.tv_nsec -= 1000000000;
      }
      pthread_cond_clockwait(&Q->cond, &Q->impl, CLOCK_MONOTONIC, &Abs);
    }
  }
  T.SleepingOn.store(nullptr);
  W->seq = Q->seq;
  pthread_mutex_unlock(&Q->impl);
  return Why;
}

/// Exploration: the scheduler decides when the sleep ends.  A condition
/// already seen true gets a timer at the end of its grace period.
WakeReason sleepExploring(Task &T, lw_waiter *W) {
  int64_t Deadline = W->deadline;
  if (W->true_since >= 0) {
    int64_t GraceEnd = W->true_since + config().GraceMs;
    if (Deadline < 0 || GraceEnd < Deadline)
      Deadline = GraceEnd;
  }
  T.SleepingOn.store(W->q);
  WakeReason Why = sched::sleep(T, W->q, Deadline, true);
  T.SleepingOn.store(nullptr);
  if (T.Kicked.exchange(false))
    Why = WakeReason::Woken;
  W->seq = readSeq(W->q);
  return Why;
}

void sleepBegins(Task &T, lw_waiter *W) {
  if (W->flags & SleepBegun)
    return;
  W->flags |= SleepBegun;
  events::onWait(T, queueOp(WaitPhase::Begin, W));
  int64_t Long = events::longWaitMs();
  T.LongWaitAt = Long < 0 || sched::active() ? -1 : nowMs() + Long;
}

void wakeQueue(wait_queue_head_t *Q, const void *Site, bool Point) {
  Task &T = currentTask();
  pthread_mutex_lock(&Q->impl);
  ++Q->seq;
  Q->waker_ip = Site;
  Q->waker = &T;
  pthread_cond_broadcast(&Q->cond);
  pthread_mutex_unlock(&Q->impl);
  events::onWake(T, Q, Site);
  sched::wake(Q);
  if (Point)
    sched::point(T);
}

void napMs(int64_t Ms) {
  timespec D{time_t(Ms / 1000), long((Ms % 1000) * 1000000)};
  while (nanosleep(&D, &D) != 0) {
  }
}

void sleepFor(Task &T, int64_t Ms, const void *Site) {
  WaitOp Op;
  Op.Kind = WaitKind::Sleep;
  Op.Site = Site;
  events::onWait(T, Op);
  if (sched::active()) {
    int64_t Until = nowMs() + Ms;
    while (nowMs() < Until)
      sched::sleep(T, nullptr, Until, false);
  } else {
    // A sleep holding locks may become a stall: its stack is taken once it
    // has lasted (only then: unwinding is dear).
    int64_t Long = events::longWaitMs();
    if (Long >= 0 && Ms > Long && T.Depth > 0) {
      napMs(Long);
      events::onLongWait(T);
      Ms -= Long;
    }
    napMs(Ms);
  }
  Op.Phase = WaitPhase::End;
  events::onWait(T, Op);
}

} // namespace

/// Wakes the sleepers of Q without a scheduling point (a finishing task).
void wakeQueueQuietly(wait_queue_head_t *Q, const void *Site) {
  wakeQueue(Q, Site, false);
}

} // namespace lockwise::rt

using namespace lockwise::rt;

extern "C" {

void lw_waitqueue_init(wait_queue_head_t *Q, const char *Name) {
  *Q = wait_queue_head_t{Name, 0, 0, 0, nullptr, nullptr,
                         PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};
}

void wake_up(wait_queue_head_t *Q) {
  wakeQueue(Q, __builtin_return_address(0), true);
}
void wake_up_all(wait_queue_head_t *Q) {
  wakeQueue(Q, __builtin_return_address(0), true);
}

void lw_wait_prepare(lw_waiter *W, wait_queue_head_t *Q, long TimeoutMs) {
  Task &T = currentTask();
  sched::point(T);
  W->q = Q;
  W->task = &T;
  W->ip = __builtin_return_address(0);
  W->deadline = TimeoutMs < 0 ? -1 : nowMs() + TimeoutMs;
  W->true_since = -1;
  W->reason = int(WakeReason::None);
  W->flags = 0;
  W->seq = readSeq(Q);
}

int lw_wait_step(lw_waiter *W, int Cond) {
  Task &T = *taskOf(W->task);
  // Stacks are cut at the caller's frame: this call, in the waiting code.
  W->ip = __builtin_return_address(0);
  auto Why = WakeReason(W->reason);
  int64_t Now = nowMs();
  if (Cond) {
    switch (Why) {
    case WakeReason::None:
    case WakeReason::Woken:
    case WakeReason::Spurious:
      return LW_WAIT_DONE;
    case WakeReason::Timeout:
      if (W->true_since >= 0 && Now - W->true_since >= config().GraceMs)
        events::onWait(T, queueOp(WaitPhase::ConditionUnwoken, W));
      return LW_WAIT_DONE;
    case WakeReason::Poll:
    case WakeReason::Probe: {
      if (W->true_since < 0)
        W->true_since = Now;
      events::WaitOp Op = queueOp(WaitPhase::ConditionUnwoken, W);
      Op.Definitive = Why == WakeReason::Probe && !sched::othersMayProgress(T);
      if ((Op.Definitive || Now - W->true_since >= config().GraceMs) &&
          events::onWait(T, Op))
        return LW_WAIT_DONE;
      break;
    }
    }
  } else {
    W->true_since = -1;
    if (W->deadline >= 0 && Now >= W->deadline)
      return LW_WAIT_TIMEDOUT;
  }
  sleepBegins(T, W);
  Why = sched::active() ? sleepExploring(T, W) : sleepReal(T, W);
  W->reason = int(Why);
  return LW_WAIT_AGAIN;
}

long lw_wait_finish(lw_waiter *W, int Result) {
  Task &T = *taskOf(W->task);
  if (W->flags & SleepBegun)
    events::onWait(T, queueOp(WaitPhase::End, W));
  if (Result == LW_WAIT_TIMEDOUT)
    return 0;
  if (W->deadline < 0)
    return 1;
  long Left = long(W->deadline - nowMs());
  return Left > 0 ? Left : 1;
}

void lw_completion_init(struct completion *C, const char *Name) {
  C->done = 0;
  lw_waitqueue_init(&C->wait, Name);
}

void reinit_completion(struct completion *C) {
  __atomic_store_n(&C->done, 0u, __ATOMIC_RELAXED);
}

static void completeBy(struct completion *C, unsigned Count, const void *Site) {
  // done is written under the queue's mutex and read without it by the
  // wait_event condition: atomic on both sides.
  pthread_mutex_lock(&C->wait.impl);
  unsigned Done = Count == UINT_MAX ? UINT_MAX / 2 : C->done + Count;
  __atomic_store_n(&C->done, Done, __ATOMIC_RELAXED);
  pthread_mutex_unlock(&C->wait.impl);
  wakeQueue(&C->wait, Site, true);
}

void complete(struct completion *C) {
  completeBy(C, 1, __builtin_return_address(0));
}
void complete_all(struct completion *C) {
  completeBy(C, UINT_MAX, __builtin_return_address(0));
}

bool try_wait_for_completion(struct completion *C) {
  pthread_mutex_lock(&C->wait.impl);
  bool Got = C->done > 0;
  if (Got && C->done != UINT_MAX / 2)
    __atomic_store_n(&C->done, C->done - 1, __ATOMIC_RELAXED);
  pthread_mutex_unlock(&C->wait.impl);
  return Got;
}

unsigned long wait_for_completion_timeout(struct completion *C,
                                          unsigned long Timeout) {
  long Left = 1;
  while (!try_wait_for_completion(C)) {
    Left = __lw_wait_event(C->wait, __atomic_load_n(&C->done, __ATOMIC_RELAXED),
                           long(Timeout));
    if (Left == 0)
      return 0;
  }
  return (unsigned long)Left;
}

void wait_for_completion(struct completion *C) {
  while (!try_wait_for_completion(C))
    __lw_wait_event(C->wait, __atomic_load_n(&C->done, __ATOMIC_RELAXED), -1);
}

void msleep(unsigned int Ms) {
  sleepFor(currentTask(), Ms, __builtin_return_address(0));
}

unsigned long lw_jiffies(void) {
  ensureInit(); // The clock is virtual when exploring.
  return (unsigned long)nowMs();
}

void schedule(void) {
  Task &T = currentTask();
  if (sched::active())
    sched::yield(T);
  else
    sched_yield();
}

void lw_barrier(int Kind) {
  (void)Kind;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (sched::active())
    sched::point(currentTask());
}

} // extern "C"
