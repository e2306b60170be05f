/* A miniature of the Linux 6.1 locking headers: the same names and layers
 * (spin_lock() over _raw_spin_lock(), mutex_lock_interruptible() returning
 * 0 on success, wait_event() around prepare_to_wait_event()). */
#ifndef LINUX_MINI_H
#define LINUX_MINI_H

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
