/* A miniature of the Linux 6.1 locking headers: the same names and layers
 * (spin_lock() over _raw_spin_lock(), mutex_lock_interruptible() returning
 * 0 on success, wait_event() around prepare_to_wait_event()). */
#ifndef LINUX_MINI_H
#define LINUX_MINI_H

/* The kernel build passes -D__KERNEL__; the sleeping catalog needs it. */
#ifndef __KERNEL__
#define __KERNEL__ 1
#endif

typedef struct raw_spinlock { int raw_lock; } raw_spinlock_t;
typedef struct spinlock { struct raw_spinlock rlock; } spinlock_t;
struct mutex { long owner; };
struct rw_semaphore { long count; };
struct wait_queue_head { spinlock_t lock; };
typedef struct wait_queue_head wait_queue_head_t;

void _raw_spin_lock(raw_spinlock_t *lock);
void _raw_spin_unlock(raw_spinlock_t *lock);
static inline void spin_lock(spinlock_t *lock) { _raw_spin_lock(&lock->rlock); }
static inline void spin_unlock(spinlock_t *lock) { _raw_spin_unlock(&lock->rlock); }
static inline int spin_trylock(spinlock_t *lock) { return 1; }
void mutex_lock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);
int mutex_trylock(struct mutex *lock);
int mutex_lock_interruptible(struct mutex *lock);
void down_read(struct rw_semaphore *sem);
void up_read(struct rw_semaphore *sem);
void down_write(struct rw_semaphore *sem);
void up_write(struct rw_semaphore *sem);

#define DEFINE_MUTEX(name) struct mutex name = { 0 }
#define DEFINE_SPINLOCK(name) spinlock_t name = { { 0 } }
#define DECLARE_RWSEM(name) struct rw_semaphore name = { 0 }
#define EINTR 4
#define ENOMEM 12

void kfree(const void *p);
void *kmalloc(unsigned long size, unsigned flags);
#endif

#ifndef LINUX_MINI_WAIT
#define LINUX_MINI_WAIT
/* include/linux/wait.h and gfp.h, reduced to what the testdata uses. */
struct wait_queue_entry { int flags; };
long prepare_to_wait_event(struct wait_queue_head *wq, struct wait_queue_entry *e, int state);
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *e);
void schedule(void);
void __wake_up(struct wait_queue_head *wq, unsigned mode, int nr, void *key);
#define TASK_UNINTERRUPTIBLE 2
#define ___wait_event(wq, condition)                                       \
  do {                                                                     \
    struct wait_queue_entry __wq_entry;                                    \
    for (;;) {                                                             \
      prepare_to_wait_event(&wq, &__wq_entry, TASK_UNINTERRUPTIBLE);       \
      if (condition)                                                       \
        break;                                                             \
      schedule();                                                          \
    }                                                                      \
    finish_wait(&wq, &__wq_entry);                                         \
  } while (0)
#define wait_event(wq, condition)                                          \
  do {                                                                     \
    if (condition)                                                         \
      break;                                                               \
    ___wait_event(wq, condition);                                          \
  } while (0)
#define wake_up(x) __wake_up(x, 3, 1, 0)
#define DECLARE_WAIT_QUEUE_HEAD(name) struct wait_queue_head name = { { { 0 } } }

#define ___GFP_DIRECT_RECLAIM 0x400u
#define ___GFP_KSWAPD_RECLAIM 0x800u
#define ___GFP_HIGH 0x20u
#define ___GFP_IO 0x40u
#define ___GFP_FS 0x80u
#define GFP_ATOMIC (___GFP_HIGH | ___GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (___GFP_DIRECT_RECLAIM | ___GFP_KSWAPD_RECLAIM | ___GFP_IO | ___GFP_FS)
void *kzalloc(unsigned long size, unsigned flags);
int xenbus_printf(void *t, const char *dir, const char *node, const char *fmt, ...);
void msleep(unsigned ms);
#define lockdep_assert_held(l) do { (void)(l); } while (0)
#endif
