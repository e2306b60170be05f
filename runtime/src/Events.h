//===- Events.h - The narrow interface between shim and detectors -*- C++ -*-===//
//
// The shim reports what the program does (a lock initialised, about to be
// taken, taken, about to be released, destroyed; a wait; a wake-up) and
// the detectors (order graph, lost wake-ups, stalls) react.  With
// LOCKWISE_DISABLE every hook is an empty inline function, which gives the
// uninstrumented baseline from the same shim sources.
//
//===----------------------------------------------------------------------===//
#ifndef LOCKWISE_RT_EVENTS_H
#define LOCKWISE_RT_EVENTS_H

#include "Task.h"

namespace lockwise::rt::events {

struct LockOp {
  lw_lock *Lock = nullptr;
  const void *Site = nullptr; ///< return address of the API call
  bool Shared = false;
  bool Try = false;
  bool Recursive = false; ///< re-entry by the holder is allowed
  int Level = -1;         ///< Xen mm-lock level, -1 when not ordered
};

enum class WaitKind : uint8_t { Lock, Queue, Sleep };
enum class WaitPhase : uint8_t {
  Begin,           ///< about to block or sleep
  End,             ///< running again
  ConditionUnwoken ///< a sleeper's condition is true but no wake-up came
};

struct WaitOp {
  WaitPhase Phase = WaitPhase::Begin;
  WaitKind Kind = WaitKind::Sleep;
  lw_lock *Lock = nullptr;          ///< Kind == Lock
  wait_queue_head *Queue = nullptr; ///< Kind == Queue
  lw_waiter *Waiter = nullptr;      ///< Kind == Queue
  const void *Site = nullptr;
  /// ConditionUnwoken: nothing else can run any more, so no wake-up can
  /// come (exploration at quiescence).
  bool Definitive = false;
};

#ifndef LOCKWISE_DISABLE
} // namespace lockwise::rt::events

// The detectors' entry points, called straight from the inline hooks below
// (no dispatch layer on the lock path).
namespace lockwise::rt::order {
void onInit(lw_lock *L);
bool beforeLock(Task &T, const events::LockOp &Op);
void afterLock(Task &T, const events::LockOp &Op);
bool beforeUnlock(Task &T, const events::LockOp &Op);
/// Classes acquired at least once (observed_locks).
extern std::atomic<uint8_t> Seen[MaxClasses];
} // namespace lockwise::rt::order
namespace lockwise::rt::wakeup {
/// Reports a lost wake-up (phase ConditionUnwoken); true: stop sleeping.
bool wait(Task &T, const events::WaitOp &W);
} // namespace lockwise::rt::wakeup
namespace lockwise::rt::stall {
/// Tracks what the task blocks or sleeps on.
void wait(Task &T, const events::WaitOp &W);
/// The waiting task's whole stack, for a wait that lasts (see longWaitMs).
void captureWaitStack(Task &T);
/// How long a wait may last before the waiting thread unwinds its stack
/// for a possible stall report (real time; well under the threshold).
int64_t longWaitMs();
} // namespace lockwise::rt::stall

namespace lockwise::rt::events {
// The lock hooks handle the common cases inline -- nothing held yet, a
// class already seen, a release of the innermost lock -- and call the
// order detector for everything else.

inline void onInit(lw_lock *L) { order::onInit(L); }
/// False: the acquisition must not happen (a self-deadlock was reported).
inline bool onBeforeLock(Task &T, const LockOp &Op) {
  // Nothing held and no mm-lock level: no edge, no re-entry, no check.
  if (T.Depth == 0 && Op.Level < 0) [[likely]]
    return true;
  return order::beforeLock(T, Op);
}
inline void onAfterLock(Task &T, const LockOp &Op) {
  ClassId C = __atomic_load_n(&Op.Lock->cls, __ATOMIC_ACQUIRE);
  if (C == NoClass || T.Depth == Task::MaxHeld ||
      !order::Seen[C].load(std::memory_order_relaxed)) [[unlikely]]
    return order::afterLock(T, Op);
  T.Held[T.Depth++] = HeldLock{Op.Lock, C, Op.Site, Op.Try, Op.Shared};
}
/// False: the release must not happen (the lock is not held).
inline bool onBeforeUnlock(Task &T, const LockOp &Op) {
  if (T.Depth > 0) [[likely]] {
    HeldLock &Top = T.Held[T.Depth - 1];
    if (Top.Lock == Op.Lock && Top.Shared == Op.Shared) [[likely]] {
      --T.Depth;
      return true;
    }
  }
  return order::beforeUnlock(T, Op);
}
inline void onDestroy(lw_lock *) {}
/// In phase ConditionUnwoken, true means: stop sleeping (reported).
inline bool onWait(Task &T, const WaitOp &W) {
  stall::wait(T, W);
  return wakeup::wait(T, W);
}
/// Called by a thread whose wait (begun with onWait) has lasted
/// longWaitMs(): the stall detector takes its stack now.
inline void onLongWait(Task &T) { stall::captureWaitStack(T); }
/// Milliseconds after which a wait is long; -1: never.
inline int64_t longWaitMs() { return stall::longWaitMs(); }
// The last waker is kept in the queue itself (waker, waker_ip), for the
// lost-wake-up report; nothing else needs wake-ups yet.
inline void onWake(Task &, wait_queue_head *, const void *) {}
#else
inline void onInit(lw_lock *) {}
inline bool onBeforeLock(Task &, const LockOp &) { return true; }
inline void onAfterLock(Task &, const LockOp &) {}
inline bool onBeforeUnlock(Task &, const LockOp &) { return true; }
inline void onDestroy(lw_lock *) {}
inline bool onWait(Task &, const WaitOp &) { return true; }
inline void onLongWait(Task &) {}
inline int64_t longWaitMs() { return -1; }
inline void onWake(Task &, wait_queue_head *, const void *) {}
#endif

} // namespace lockwise::rt::events

#endif
