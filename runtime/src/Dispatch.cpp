//===- Dispatch.cpp - The events, handed to each detector -----------------===//
#include "Detectors.h"

namespace lockwise::rt::events {

void onInit(lw_lock *L) { order::onInit(L); }
bool onBeforeLock(Task &T, const LockOp &Op) { return order::beforeLock(T, Op); }
void onAfterLock(Task &T, const LockOp &Op) { order::afterLock(T, Op); }
bool onBeforeUnlock(Task &T, const LockOp &Op) {
  return order::beforeUnlock(T, Op);
}
void onDestroy(lw_lock *) {}

bool onWait(Task &T, const WaitOp &W) {
  stall::wait(T, W);
  return wakeup::wait(T, W);
}

// The last waker is kept in the queue itself (waker, waker_ip), for the
// lost-wake-up report; nothing else needs wake-ups yet.
void onWake(Task &, wait_queue_head *, const void *) {}

} // namespace lockwise::rt::events
