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
void onInit(lw_lock *L);
/// False: the acquisition must not happen (a self-deadlock was reported).
bool onBeforeLock(Task &T, const LockOp &Op);
void onAfterLock(Task &T, const LockOp &Op);
/// False: the release must not happen (the lock is not held).
bool onBeforeUnlock(Task &T, const LockOp &Op);
void onDestroy(lw_lock *L);
/// In phase ConditionUnwoken, true means: stop sleeping (reported).
bool onWait(Task &T, const WaitOp &W);
void onWake(Task &T, wait_queue_head *Q, const void *Site);
#else
inline void onInit(lw_lock *) {}
inline bool onBeforeLock(Task &, const LockOp &) { return true; }
inline void onAfterLock(Task &, const LockOp &) {}
inline bool onBeforeUnlock(Task &, const LockOp &) { return true; }
inline void onDestroy(lw_lock *) {}
inline bool onWait(Task &, const WaitOp &) { return true; }
inline void onWake(Task &, wait_queue_head *, const void *) {}
#endif

} // namespace lockwise::rt::events

#endif
