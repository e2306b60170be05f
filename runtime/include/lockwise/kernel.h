/*===- kernel.h - Linux/Xen locking API over pthreads, recorded --*- C -*-===*
 *
 * The runtime shim: kernel names (spinlock_t, struct mutex, wait_event, ...)
 * implemented over pthreads, with every acquisition, release, wait and wake
 * handed to lockwise's detectors (lock order, lost wake-ups, stalls) and,
 * in exploration mode, to a PCT scheduler.  See docs/runtime.md.
 *
 * Build a C program against it:
 *   clang-19 -I runtime/include prog.c -Lbuild/lib -llockwise_rt -pthread
 *
 *===----------------------------------------------------------------------===*/
#ifndef LOCKWISE_KERNEL_H
#define LOCKWISE_KERNEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LOCKWISE_UNDER_TSAN 1
#endif
#endif
#if !defined(LOCKWISE_UNDER_TSAN) && defined(__SANITIZE_THREAD__)
#define LOCKWISE_UNDER_TSAN 1
#endif
#ifdef LOCKWISE_UNDER_TSAN
#include <sanitizer/tsan_interface.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*---- The header every lock starts with -----------------------------------*/

enum lw_kind {
  LW_KIND_SPIN = 1,
  LW_KIND_RWLOCK,
  LW_KIND_MUTEX,
  LW_KIND_RWSEM,
};

enum {
  LW_LOCK_STATIC = 1u << 0,       /* statically initialised (DEFINE_*) */
  LW_LOCK_TSAN_CREATED = 1u << 1, /* __tsan_mutex_create was called */
};

/* The runtime's view of one lock.  It is the first member of every lock
 * type, so a lock's address is the address of its header; the pthread
 * object behind it lives at a different address (TSan keys on both). */
struct lw_lock {
  const char *name;     /* lock class: declared name or lockwise_set_class */
  uint32_t kind;        /* enum lw_kind */
  uint32_t cls;         /* runtime class id; 0 until first use */
  void *owner;          /* struct task_struct * of the exclusive holder */
  const void *owner_ip; /* where that holder acquired it */
  int32_t depth;        /* recursion depth of the exclusive holder */
  int32_t readers;      /* shared holders */
  uint32_t flags;       /* LW_LOCK_* */
  int32_t level;        /* Xen mm-lock level while held, else -1 */
};

#define LW_LOCK_INIT(Name, Kind)                                               \
  { (Name), (Kind), 0, NULL, NULL, 0, 0, LW_LOCK_STATIC, -1 }

/* Gives a lock the class name the static analyser uses for it
 * ("p2m_domain.pod.lock"); call after init, before first use. */
#define lockwise_set_class(LockPtr, Class) lw_set_class(&(LockPtr)->lw, (Class))
void lw_set_class(struct lw_lock *l, const char *cls);

/*---- Spinlocks (Linux) and recursive spinlocks (Xen) ---------------------*/

typedef struct spinlock {
  struct lw_lock lw;
  pthread_mutex_t impl;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(Name)                                             \
  { LW_LOCK_INIT(#Name, LW_KIND_SPIN), PTHREAD_MUTEX_INITIALIZER }
#define DEFINE_SPINLOCK(Name) spinlock_t Name = __SPIN_LOCK_UNLOCKED(Name)
#define spin_lock_init(L) lw_spin_init((L), #L)

void lw_spin_init(spinlock_t *l, const char *name);
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
int spin_trylock(spinlock_t *l);
int spin_is_locked(spinlock_t *l);
/* Xen: re-entrant acquisition by the holder. */
void spin_lock_recursive(spinlock_t *l);
void spin_unlock_recursive(spinlock_t *l);

/* There are no interrupts in user space: the irq variants only lock. */
#define spin_lock_irq(L) spin_lock(L)
#define spin_unlock_irq(L) spin_unlock(L)
#define spin_lock_bh(L) spin_lock(L)
#define spin_unlock_bh(L) spin_unlock(L)
#define spin_lock_irqsave(L, Flags)                                            \
  do {                                                                         \
    (Flags) = 0;                                                               \
    spin_lock(L);                                                              \
  } while (0)
#define spin_unlock_irqrestore(L, Flags)                                       \
  do {                                                                         \
    (void)(Flags);                                                             \
    spin_unlock(L);                                                            \
  } while (0)

/*---- Reader/writer spinlocks ---------------------------------------------*/

typedef struct rwlock {
  struct lw_lock lw;
  pthread_rwlock_t impl;
} rwlock_t;

#define __RW_LOCK_UNLOCKED(Name)                                               \
  { LW_LOCK_INIT(#Name, LW_KIND_RWLOCK), PTHREAD_RWLOCK_INITIALIZER }
#define DEFINE_RWLOCK(Name) rwlock_t Name = __RW_LOCK_UNLOCKED(Name)
#define rwlock_init(L) lw_rwlock_init((L), #L)

void lw_rwlock_init(rwlock_t *l, const char *name);
void read_lock(rwlock_t *l);
void read_unlock(rwlock_t *l);
void write_lock(rwlock_t *l);
void write_unlock(rwlock_t *l);
int read_trylock(rwlock_t *l);
int write_trylock(rwlock_t *l);

/*---- Mutexes -------------------------------------------------------------*/

struct mutex {
  struct lw_lock lw;
  pthread_mutex_t impl;
};

#define __MUTEX_INITIALIZER(Name)                                              \
  { LW_LOCK_INIT(#Name, LW_KIND_MUTEX), PTHREAD_MUTEX_INITIALIZER }
#define DEFINE_MUTEX(Name) struct mutex Name = __MUTEX_INITIALIZER(Name)
#define mutex_init(L) lw_mutex_init((L), #L)

void lw_mutex_init(struct mutex *l, const char *name);
void mutex_lock(struct mutex *l);
/* Returns 0: there are no signals to interrupt the sleep. */
int mutex_lock_interruptible(struct mutex *l);
int mutex_trylock(struct mutex *l); /* 1 on success, as in Linux */
void mutex_unlock(struct mutex *l);
int mutex_is_locked(struct mutex *l);
void mutex_destroy(struct mutex *l);

/*---- Reader/writer semaphores --------------------------------------------*/

struct rw_semaphore {
  struct lw_lock lw;
  pthread_rwlock_t impl;
};

#define __RWSEM_INITIALIZER(Name)                                              \
  { LW_LOCK_INIT(#Name, LW_KIND_RWSEM), PTHREAD_RWLOCK_INITIALIZER }
#define DECLARE_RWSEM(Name) struct rw_semaphore Name = __RWSEM_INITIALIZER(Name)
#define init_rwsem(L) lw_rwsem_init((L), #L)

void lw_rwsem_init(struct rw_semaphore *l, const char *name);
void down_read(struct rw_semaphore *l);
void up_read(struct rw_semaphore *l);
void down_write(struct rw_semaphore *l);
void up_write(struct rw_semaphore *l);
int down_read_trylock(struct rw_semaphore *l);
int down_write_trylock(struct rw_semaphore *l);

/*---- Wait queues ---------------------------------------------------------*/

typedef struct wait_queue_head {
  const char *name;
  uint32_t cls;
  uint32_t pad;
  uint64_t seq;         /* bumped by every wake-up */
  const void *waker_ip; /* the last wake-up: where ... */
  void *waker;          /* ... and by which task */
  pthread_mutex_t impl;
  pthread_cond_t cond;
} wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(Name)                                    \
  { #Name, 0, 0, 0, NULL, NULL, PTHREAD_MUTEX_INITIALIZER,                     \
    PTHREAD_COND_INITIALIZER }
#define DECLARE_WAIT_QUEUE_HEAD(Name)                                          \
  wait_queue_head_t Name = __WAIT_QUEUE_HEAD_INITIALIZER(Name)
#define init_waitqueue_head(Q) lw_waitqueue_init((Q), #Q)

void lw_waitqueue_init(wait_queue_head_t *q, const char *name);
void wake_up(wait_queue_head_t *q);
void wake_up_all(wait_queue_head_t *q);
#define wake_up_interruptible(Q) wake_up(Q)
#define wake_up_interruptible_all(Q) wake_up_all(Q)
#define lockwise_set_queue_class(Q, Class) ((Q)->name = (Class), (Q)->cls = 0)

/* One sleep in wait_event*: the macros below re-evaluate the condition in
 * the caller's frame, and the runtime decides whether to sleep again. */
struct lw_waiter {
  wait_queue_head_t *q;
  void *task;
  const void *ip;      /* the waiting call, for reports */
  uint64_t seq;        /* q->seq when the condition was last evaluated */
  int64_t deadline;    /* ms on the runtime clock; -1: none */
  int64_t true_since;  /* when the condition was first seen true unwoken */
  int reason;          /* why the last sleep ended (runtime-private) */
  int flags;
};

enum { LW_WAIT_AGAIN = 0, LW_WAIT_DONE = 1, LW_WAIT_TIMEDOUT = 2 };

void lw_wait_prepare(struct lw_waiter *w, wait_queue_head_t *q,
                     long timeout_ms);
/* Called with the condition's value; sleeps when it is false.  Returns
 * LW_WAIT_AGAIN (evaluate and call again), _DONE or _TIMEDOUT. */
int lw_wait_step(struct lw_waiter *w, int cond);
long lw_wait_finish(struct lw_waiter *w, int result);

#define __lw_wait_event(Q, Cond, TimeoutMs)                                    \
  ({                                                                           \
    long __lw_ret = 1;                                                         \
    if (!(Cond)) {                                                             \
      struct lw_waiter __lw_w;                                                 \
      int __lw_r;                                                              \
      lw_wait_prepare(&__lw_w, &(Q), (TimeoutMs));                             \
      do                                                                       \
        __lw_r = lw_wait_step(&__lw_w, (Cond) ? 1 : 0);                        \
      while (__lw_r == LW_WAIT_AGAIN);                                         \
      __lw_ret = lw_wait_finish(&__lw_w, __lw_r);                              \
    }                                                                          \
    __lw_ret;                                                                  \
  })

#define wait_event(Q, Cond) ((void)__lw_wait_event(Q, Cond, -1))
/* Returns 0: no signals are delivered to tasks here. */
#define wait_event_interruptible(Q, Cond) ((int)(__lw_wait_event(Q, Cond, -1), 0))
/* Returns 0 when the timeout elapsed with Cond false, else the jiffies left
 * (at least 1), as in Linux. */
#define wait_event_timeout(Q, Cond, Jiffies)                                   \
  __lw_wait_event(Q, Cond, (long)(Jiffies))
#define wait_event_interruptible_timeout(Q, Cond, Jiffies)                     \
  __lw_wait_event(Q, Cond, (long)(Jiffies))

/*---- Completions ---------------------------------------------------------*/

struct completion {
  unsigned done;
  wait_queue_head_t wait;
};

#define COMPLETION_INITIALIZER(Name)                                           \
  { 0, __WAIT_QUEUE_HEAD_INITIALIZER(Name) }
#define DECLARE_COMPLETION(Name) struct completion Name = COMPLETION_INITIALIZER(Name)
#define init_completion(C) lw_completion_init((C), #C)

void lw_completion_init(struct completion *c, const char *name);
void reinit_completion(struct completion *c);
void complete(struct completion *c);
void complete_all(struct completion *c);
void wait_for_completion(struct completion *c);
/* Returns 0 on timeout, else the jiffies left. */
unsigned long wait_for_completion_timeout(struct completion *c,
                                          unsigned long timeout);
bool try_wait_for_completion(struct completion *c);

/*---- Tasks, time, scheduling points --------------------------------------*/

struct task_struct;

#define HZ 1000 /* one jiffy is one millisecond */
#define msecs_to_jiffies(Ms) ((unsigned long)(Ms))
#define jiffies_to_msecs(J) ((unsigned int)(J))
#define MAX_SCHEDULE_TIMEOUT (-1L)

#define kthread_run(Fn, Data, ...)                                             \
  lw_kthread_run((Fn), (Data), __VA_ARGS__)
struct task_struct *lw_kthread_run(int (*fn)(void *), void *data,
                                   const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int kthread_stop(struct task_struct *t);
bool kthread_should_stop(void);
/* Wakes t if it sleeps in wait_event* (it re-evaluates its condition). */
int wake_up_process(struct task_struct *t);
struct task_struct *lw_current(void);
const char *lw_task_name(struct task_struct *t);

void msleep(unsigned int ms);
unsigned long lw_jiffies(void);
/* A scheduling point that lets lower-priority tasks run (exploration). */
void schedule(void);
#define cond_resched() schedule()
#define cpu_relax() schedule()

/*---- Memory ordering -----------------------------------------------------*/

/* Barriers are scheduling points in exploration mode: ring protocols race
 * exactly around them. */
void lw_barrier(int kind);
enum { LW_MB, LW_RMB, LW_WMB };
#define barrier() __asm__ __volatile__("" ::: "memory")

/* Custom happens-before for ThreadSanitizer, which does not model stand-
 * alone fences: publish with lockwise_hb_release(&index) next to the write
 * barrier, observe with lockwise_hb_acquire(&index) next to the read
 * barrier.  No-ops without TSan. */
static inline void lockwise_hb_release(const volatile void *addr) {
#ifdef LOCKWISE_UNDER_TSAN
  __tsan_release((void *)addr);
#else
  (void)addr;
#endif
}
static inline void lockwise_hb_acquire(const volatile void *addr) {
#ifdef LOCKWISE_UNDER_TSAN
  __tsan_acquire((void *)addr);
#else
  (void)addr;
#endif
}

/*---- Findings raised by program code -------------------------------------*/

/* An invariant of the program was broken: reported as check "invariant"
 * with the caller's stack; the program continues. */
void lw_warn(const char *file, int line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* As lw_warn, then writes the report and aborts. */
void lw_bug(const char *file, int line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), noreturn));

/*---- Runtime control -----------------------------------------------------*/

void lockwise_init(void);
/* Number of findings reported so far in this process. */
unsigned lockwise_finding_count(void);
/* Writes LOCKWISE_REPORT now (it is also written at exit). */
void lockwise_report_flush(void);
/* The configured stall threshold (LOCKWISE_STALL_MS). */
unsigned long lockwise_stall_ms(void);
/* Non-zero when exploration (LOCKWISE_SHAKE) serialises the tasks. */
int lockwise_exploring(void);
/* Declares an order (outer first) checked like a rules-file hierarchy. */
void lockwise_declare_order(const char *name, const char *const *classes,
                            unsigned count);

#ifdef __cplusplus
} /* extern "C" */
#endif

/*---- Kernel-style conveniences (not in the runtime's own sources) -------*/
#ifndef LOCKWISE_RUNTIME_INTERNAL
#define current lw_current()
#define jiffies lw_jiffies()

#define READ_ONCE(X) __atomic_load_n(&(X), __ATOMIC_RELAXED)
#define WRITE_ONCE(X, V) __atomic_store_n(&(X), (V), __ATOMIC_RELAXED)
#define smp_mb() lw_barrier(LW_MB)
#define smp_rmb() lw_barrier(LW_RMB)
#define smp_wmb() lw_barrier(LW_WMB)
#define virt_mb() lw_barrier(LW_MB)
#define virt_rmb() lw_barrier(LW_RMB)
#define virt_wmb() lw_barrier(LW_WMB)

#define WARN(Cond, ...)                                                        \
  ({                                                                           \
    int __lw_c = !!(Cond);                                                     \
    if (__lw_c)                                                                \
      lw_warn(__FILE__, __LINE__, __func__, __VA_ARGS__);                      \
    __lw_c;                                                                    \
  })
#define WARN_ON(Cond) WARN(Cond, "WARN_ON(%s)", #Cond)
#define BUG_ON(Cond)                                                           \
  do {                                                                         \
    if (Cond)                                                                  \
      lw_bug(__FILE__, __LINE__, __func__, "BUG_ON(%s)", #Cond);               \
  } while (0)
#endif

#include <lockwise/mm_locks.h>

#endif
