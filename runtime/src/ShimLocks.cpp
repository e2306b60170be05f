//===- ShimLocks.cpp - spinlock_t, rwlock_t, mutex, rw_semaphore, mm locks ===//
//
// Every lock type goes through acquire() and release(): they keep the
// ownership fields of lw_lock, raise the events, annotate for TSan, and in
// exploration mode turn blocking into "try, and sleep in the scheduler
// until the lock is released".
//
//===----------------------------------------------------------------------===//
#include "Events.h"
#include "Sched.h"
#include "Tsan.h"

#include <time.h>

namespace lockwise::rt {
namespace {

using events::LockOp;
using events::WaitKind;
using events::WaitOp;
using events::WaitPhase;

void *ownerOf(lw_lock *L) { return __atomic_load_n(&L->owner, __ATOMIC_RELAXED); }

unsigned tsanCreateFlags(uint32_t Kind) {
  return Kind == LW_KIND_SPIN ? tsan::Reentrant : 0;
}

/// A lock initialised at run time is a TSan mutex from here on: created by
/// the initialising thread, before the program publishes the lock.
void initHeader(lw_lock *L, const char *Name, uint32_t Kind) {
  *L = lw_lock{Name, Kind, 0, nullptr, nullptr, 0, 0, LW_LOCK_TSAN_CREATED, -1};
  tsan::create(L, tsanCreateFlags(Kind));
  events::onInit(L);
}

/// Static locks (DEFINE_*) are seen for the first time at first use.  They
/// are TSan mutexes "initialised by the linker": creating one is no write
/// to it, so the first users need not be ordered with each other.
[[gnu::noinline]] void firstUseSlow(lw_lock *L) {
  uint32_t Old = __atomic_fetch_or(&L->flags, LW_LOCK_TSAN_CREATED,
                                   __ATOMIC_ACQ_REL);
  if (Old & LW_LOCK_TSAN_CREATED)
    return;
  tsan::create(L, tsan::Static | tsanCreateFlags(L->kind));
  events::onInit(L);
}

inline void firstUse(lw_lock *L) {
  if (!(__atomic_load_n(&L->flags, __ATOMIC_ACQUIRE) & LW_LOCK_TSAN_CREATED))
      [[unlikely]]
    firstUseSlow(L);
}

unsigned tsanFlags(const LockOp &Op) {
  return (Op.Shared ? tsan::Read : 0) | (Op.Try ? tsan::Try : 0);
}

/// The exclusive holder takes L again: a recursive re-entry, or a
/// self-deadlock that the order detector reports (it returns false) and
/// that is then treated as a re-entry so that the program goes on.  A
/// trylock by the holder fails.
[[gnu::noinline]] bool reenter(Task &T, const LockOp &Op) {
  lw_lock *L = Op.Lock;
  bool Checked = events::onBeforeLock(T, Op);
  if (Op.Try && !Op.Recursive && Checked)
    return false;
  ++L->depth;
  tsan::preLock(L, 0);
  tsan::postLock(L, 0);
  events::onAfterLock(T, Op);
  return true;
}

/// An absolute CLOCK_REALTIME time Ms from now, for the timed pthread
/// lock calls.
const timespec *after(int64_t Ms, timespec &Abs) {
  clock_gettime(CLOCK_REALTIME, &Abs);
  Abs.tv_sec += Ms / 1000;
  Abs.tv_nsec += (Ms % 1000) * 1000000;
  if (Abs.tv_nsec >= 1000000000) {
    Abs.tv_sec += 1;
    Abs.tv_nsec -= 1000000000;
  }
  return &Abs;
}

/// L is taken by someone else: wait for it (the scheduler's way when
/// exploring; in real time a wait that lasts gets its stack taken).
/// Called between TSan's pre- and post-lock annotations.
template <typename TryFnT, typename BlockFnT>
[[gnu::noinline]] void contend(Task &T, const LockOp &Op, TryFnT TryFn,
                               BlockFnT BlockFn) {
  lw_lock *L = Op.Lock;
  events::onWait(T, {WaitPhase::Begin, WaitKind::Lock, L, nullptr, nullptr,
                     Op.Site, false});
  if (sched::active()) {
    do
      sched::blockOnLock(T, L);
    while (!TryFn());
  } else if (int64_t Long = events::longWaitMs(); Long < 0) {
    BlockFn(nullptr);
  } else if (timespec Abs; !BlockFn(after(Long, Abs))) {
    events::onLongWait(T);
    BlockFn(nullptr);
  }
  events::onWait(T, {WaitPhase::End, WaitKind::Lock, L, nullptr, nullptr,
                     Op.Site, false});
}

/// Takes L for the calling task.  TryFn attempts the pthread operation,
/// BlockFn(Abs) waits for it, until the time Abs unless that is null, and
/// says whether it got L.  Returns whether L was taken (always, unless Op.Try).
/// The uncontended path is inline: a few loads, the pthread call, the
/// bookkeeping; re-entry and contention are out of line.
template <typename TryFnT, typename BlockFnT>
[[gnu::always_inline]] inline bool acquire(LockOp Op, TryFnT TryFn,
                                           BlockFnT BlockFn) {
  lw_lock *L = Op.Lock;
  firstUse(L);
  Task &T = currentTask();
  sched::point(T);

  bool Reentry = !Op.Shared && ownerOf(L) == &T;
  if (Reentry) [[unlikely]]
    return reenter(T, Op);
  if (!events::onBeforeLock(T, Op)) [[unlikely]]
    return false;

  tsan::preLock(L, tsanFlags(Op));
  bool Got = TryFn();
  if (!Got && !Op.Try) [[unlikely]] {
    contend(T, Op, TryFn, BlockFn);
    Got = true;
  }
  tsan::postLock(L, tsanFlags(Op) | (Got ? 0 : tsan::TryFailed));
  if (!Got)
    return false;
  if (Op.Shared) {
    __atomic_fetch_add(&L->readers, 1, __ATOMIC_RELAXED);
  } else {
    L->depth = 1;
    L->owner_ip = Op.Site;
    __atomic_store_n(&L->owner, static_cast<void *>(&T), __ATOMIC_RELAXED);
  }
  events::onAfterLock(T, Op);
  return true;
}

template <typename ReleaseFnT>
[[gnu::always_inline]] inline void release(LockOp Op, ReleaseFnT ReleaseFn) {
  lw_lock *L = Op.Lock;
  Task &T = currentTask();
  if (!events::onBeforeUnlock(T, Op)) [[unlikely]]
    return;
  if (!Op.Shared && ownerOf(L) == &T && L->depth > 1) [[unlikely]] {
    --L->depth;
    tsan::preUnlock(L, 0);
    tsan::postUnlock(L, 0);
    return;
  }
  if (Op.Shared) {
    __atomic_fetch_sub(&L->readers, 1, __ATOMIC_RELAXED);
  } else {
    L->depth = 0;
    L->owner_ip = nullptr;
    __atomic_store_n(&L->owner, static_cast<void *>(nullptr), __ATOMIC_RELAXED);
  }
  tsan::preUnlock(L, Op.Shared ? tsan::Read : 0);
  ReleaseFn();
  tsan::postUnlock(L, Op.Shared ? tsan::Read : 0);
  sched::released(L);
  sched::point(T);
}

LockOp op(lw_lock *L, const void *Site, bool Shared = false, bool Try = false,
          bool Recursive = false) {
  LockOp Op;
  Op.Lock = L;
  Op.Site = Site;
  Op.Shared = Shared;
  Op.Try = Try;
  Op.Recursive = Recursive;
  return Op;
}

#define SITE __builtin_return_address(0)

// pthread operations per lock type.
bool tryMutex(pthread_mutex_t *M) { return pthread_mutex_trylock(M) == 0; }
bool tryRead(pthread_rwlock_t *R) { return pthread_rwlock_tryrdlock(R) == 0; }
bool tryWrite(pthread_rwlock_t *R) { return pthread_rwlock_trywrlock(R) == 0; }
bool blockMutex(pthread_mutex_t *M, const timespec *Abs) {
  return (Abs ? pthread_mutex_timedlock(M, Abs) : pthread_mutex_lock(M)) == 0;
}
bool blockRw(pthread_rwlock_t *R, bool Shared, const timespec *Abs) {
  if (Shared)
    return (Abs ? pthread_rwlock_timedrdlock(R, Abs)
                : pthread_rwlock_rdlock(R)) == 0;
  return (Abs ? pthread_rwlock_timedwrlock(R, Abs)
              : pthread_rwlock_wrlock(R)) == 0;
}

bool lockSpin(spinlock_t *L, const void *Site, bool Try, bool Recursive) {
  return acquire(
      op(&L->lw, Site, false, Try, Recursive),
      [L] { return tryMutex(&L->impl); },
      [L](const timespec *Abs) { return blockMutex(&L->impl, Abs); });
}

void unlockSpin(spinlock_t *L, const void *Site) {
  release(op(&L->lw, Site), [L] { pthread_mutex_unlock(&L->impl); });
}

bool lockRw(pthread_rwlock_t *Impl, lw_lock *L, const void *Site, bool Shared,
            bool Try) {
  return acquire(
      op(L, Site, Shared, Try),
      [Impl, Shared] { return Shared ? tryRead(Impl) : tryWrite(Impl); },
      [Impl, Shared](const timespec *Abs) {
        return blockRw(Impl, Shared, Abs);
      });
}

void unlockRw(pthread_rwlock_t *Impl, lw_lock *L, const void *Site,
              bool Shared) {
  release(op(L, Site, Shared), [Impl] { pthread_rwlock_unlock(Impl); });
}

bool lockMutex(struct mutex *L, const void *Site, bool Try) {
  return acquire(
      op(&L->lw, Site, false, Try), [L] { return tryMutex(&L->impl); },
      [L](const timespec *Abs) { return blockMutex(&L->impl, Abs); });
}

} // namespace
} // namespace lockwise::rt

using namespace lockwise::rt;

extern "C" {

void lw_set_class(struct lw_lock *L, const char *Cls) {
  L->name = Cls;
  __atomic_store_n(&L->cls, 0u, __ATOMIC_RELEASE);
}

void lw_spin_init(spinlock_t *L, const char *Name) {
  pthread_mutex_init(&L->impl, nullptr);
  initHeader(&L->lw, Name, LW_KIND_SPIN);
}
void spin_lock(spinlock_t *L) { lockSpin(L, SITE, false, false); }
int spin_trylock(spinlock_t *L) { return lockSpin(L, SITE, true, false); }
void spin_unlock(spinlock_t *L) { unlockSpin(L, SITE); }
void spin_lock_recursive(spinlock_t *L) { lockSpin(L, SITE, false, true); }
void spin_unlock_recursive(spinlock_t *L) { unlockSpin(L, SITE); }
int spin_is_locked(spinlock_t *L) { return ownerOf(&L->lw) != nullptr; }

void lw_rwlock_init(rwlock_t *L, const char *Name) {
  pthread_rwlock_init(&L->impl, nullptr);
  initHeader(&L->lw, Name, LW_KIND_RWLOCK);
}
void read_lock(rwlock_t *L) { lockRw(&L->impl, &L->lw, SITE, true, false); }
void read_unlock(rwlock_t *L) { unlockRw(&L->impl, &L->lw, SITE, true); }
void write_lock(rwlock_t *L) { lockRw(&L->impl, &L->lw, SITE, false, false); }
void write_unlock(rwlock_t *L) { unlockRw(&L->impl, &L->lw, SITE, false); }
int read_trylock(rwlock_t *L) { return lockRw(&L->impl, &L->lw, SITE, true, true); }
int write_trylock(rwlock_t *L) {
  return lockRw(&L->impl, &L->lw, SITE, false, true);
}

void lw_mutex_init(struct mutex *L, const char *Name) {
  pthread_mutex_init(&L->impl, nullptr);
  initHeader(&L->lw, Name, LW_KIND_MUTEX);
}
void mutex_lock(struct mutex *L) { lockMutex(L, SITE, false); }
int mutex_lock_interruptible(struct mutex *L) {
  lockMutex(L, SITE, false);
  return 0;
}
int mutex_trylock(struct mutex *L) { return lockMutex(L, SITE, true); }
void mutex_unlock(struct mutex *L) {
  release(op(&L->lw, SITE), [L] { pthread_mutex_unlock(&L->impl); });
}
int mutex_is_locked(struct mutex *L) { return ownerOf(&L->lw) != nullptr; }
void mutex_destroy(struct mutex *L) {
  events::onDestroy(&L->lw);
  tsan::destroy(&L->lw);
  pthread_mutex_destroy(&L->impl);
}

void lw_rwsem_init(struct rw_semaphore *L, const char *Name) {
  pthread_rwlock_init(&L->impl, nullptr);
  initHeader(&L->lw, Name, LW_KIND_RWSEM);
}
void down_read(struct rw_semaphore *L) {
  lockRw(&L->impl, &L->lw, SITE, true, false);
}
void up_read(struct rw_semaphore *L) { unlockRw(&L->impl, &L->lw, SITE, true); }
void down_write(struct rw_semaphore *L) {
  lockRw(&L->impl, &L->lw, SITE, false, false);
}
void up_write(struct rw_semaphore *L) {
  unlockRw(&L->impl, &L->lw, SITE, false);
}
int down_read_trylock(struct rw_semaphore *L) {
  return lockRw(&L->impl, &L->lw, SITE, true, true);
}
int down_write_trylock(struct rw_semaphore *L) {
  return lockRw(&L->impl, &L->lw, SITE, false, true);
}

// Xen mm locks: a recursive spinlock plus the per-CPU (here per-task)
// level that orders them.

void lw_mm_lock_init(mm_lock_t *L, const char *Name) {
  lw_spin_init(&L->lock, Name);
  L->unlock_level = 0;
  L->locker_function = "nobody";
}

void _mm_lock(const void *Domain, mm_lock_t *L, const char *Func, int Level,
              int Rec) {
  (void)Domain;
  Task &T = currentTask();
  LockOp Op = op(&L->lock.lw, SITE, false, false, Rec != 0);
  Op.Level = Level;
  int Before = T.MmLevel;
  acquire(
      Op, [L] { return tryMutex(&L->lock.impl); },
      [L](const timespec *Abs) { return blockMutex(&L->lock.impl, Abs); });
  if (L->lock.lw.depth == 1) {
    L->locker_function = Func;
    L->unlock_level = Before;
  }
  L->lock.lw.level = Level;
  T.MmLevel = Level;
}

void mm_unlock(mm_lock_t *L) {
  Task &T = currentTask();
  if (ownerOf(&L->lock.lw) == &T && L->lock.lw.depth == 1) {
    L->locker_function = "nobody";
    L->lock.lw.level = -1;
    T.MmLevel = L->unlock_level;
  }
  unlockSpin(&L->lock, SITE);
}

int mm_locked_by_me(mm_lock_t *L) { return ownerOf(&L->lock.lw) == &currentTask(); }

void mm_enforce_order_lock_pre(int Level, struct lw_lock *What) {
  // Only the level check: the lock itself is taken next, by the caller.
  LockOp Op = op(What, SITE, false, /*Try=*/true);
  Op.Level = Level;
  events::onBeforeLock(currentTask(), Op);
}

void mm_enforce_order_lock_post(int Level, int *UnlockLevel) {
  Task &T = currentTask();
  *UnlockLevel = T.MmLevel;
  T.MmLevel = Level;
}

void mm_enforce_order_unlock(int UnlockLevel) {
  currentTask().MmLevel = UnlockLevel;
}

} // extern "C"
