//===- Sched.h - PCT schedule exploration and the runtime clock -*- C++ -*-===//
//
// With LOCKWISE_SHAKE=d the tasks run one at a time, and at every lock,
// unlock, wait, wake and barrier the scheduler picks the runnable task of
// highest priority (PCT, Burckhardt et al., ASPLOS 2010): priorities are
// random, and at d-1 random steps the running task drops below all others.
// Everything derives from LOCKWISE_SEED, and time is virtual, so a run is
// replayable.  Without LOCKWISE_SHAKE every function here is a no-op and the
// clock is the monotonic clock.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_RT_SCHED_H
#define LOCKWISE_RT_SCHED_H

#include "Task.h"

#include <atomic>
#include <cstdint>

namespace lockwise::rt {

/// Milliseconds on the runtime clock: virtual when exploring.
int64_t nowMs();

namespace sched {

#ifndef LOCKWISE_DISABLE
/// Whether LOCKWISE_SHAKE turned exploration on; written once by init(),
/// before the first task exists, so a relaxed load is enough afterwards
/// (every caller has a task, hence has seen ensureInit()).
extern std::atomic<bool> Exploring;
inline bool active() { return Exploring.load(std::memory_order_relaxed); }
/// Creates the scheduler when LOCKWISE_SHAKE asks for one (ensureInit).
void init();
/// Registers a task; when Self, the calling thread is T and waits its turn.
void adopt(Task &T, bool Self);
/// First thing a new kthread does: wait for its turn.
void start(Task &T);
void pointSlow(Task &Me);
/// A scheduling point: the running task may be preempted here.  Without
/// exploration it costs one load and a branch.
inline void point(Task &Me) {
  if (active()) [[unlikely]]
    pointSlow(Me);
}
/// Lets any other runnable task go first.
void yield(Task &Me);
/// Me found Lock taken: sleep until it is released, then retry.
void blockOnLock(Task &Me, const void *Lock);
void releasedSlow(const void *Lock);
/// Lock was released: tasks blocked on it may retry.
inline void released(const void *Lock) {
  if (active()) [[unlikely]]
    releasedSlow(Lock);
}
/// Sleeps on Queue (nullptr: a timed sleep) until woken or Deadline (-1:
/// none).  Probeable sleeps may be woken at quiescence to re-check their
/// condition (lost-wake-up detection).
WakeReason sleep(Task &Me, wait_queue_head *Queue, int64_t Deadline,
                 bool Probeable);
void wake(wait_queue_head *Queue);
void kick(Task &T);
void exit(Task &Me);
/// Whether any task other than Me could still run or has a timer: a
/// sleeper's condition found true at a probe may yet get its wake-up.
bool othersMayProgress(const Task &Me);
uint64_t steps();
#else
inline bool active() { return false; }
inline void adopt(Task &, bool) {}
inline void start(Task &) {}
inline void point(Task &) {}
inline void yield(Task &) {}
inline void blockOnLock(Task &, const void *) {}
inline void released(const void *) {}
inline WakeReason sleep(Task &, wait_queue_head *, int64_t, bool) {
  return WakeReason::Woken;
}
inline void wake(wait_queue_head *) {}
inline void kick(Task &) {}
inline void exit(Task &) {}
inline bool othersMayProgress(const Task &) { return true; }
inline uint64_t steps() { return 0; }
#endif

} // namespace sched
} // namespace lockwise::rt

#endif
