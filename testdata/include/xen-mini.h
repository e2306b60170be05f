/* A miniature of the Xen 4.17 locking headers (xen/spinlock.h, rwlock.h and
 * xen/arch/x86/mm/mm-locks.h), shaped like the real ones so the testdata
 * exercise the same macro and wrapper layers.  Declarations only where the
 * real header has out-of-line functions. */
#ifndef XEN_MINI_H
#define XEN_MINI_H

#define NULL ((void *)0)
typedef struct { int tickets; int recurse_cnt; } spinlock_t;
typedef struct { int cnts; } rwlock_t;

void _spin_lock(spinlock_t *lock);
void _spin_unlock(spinlock_t *lock);
int _spin_trylock(spinlock_t *lock);
void _spin_lock_recursive(spinlock_t *lock);
void _spin_unlock_recursive(spinlock_t *lock);
void _write_lock(rwlock_t *lock);
void _write_unlock(rwlock_t *lock);
#define spin_lock(l) _spin_lock(l)
#define spin_unlock(l) _spin_unlock(l)
#define spin_trylock(l) _spin_trylock(l)
#define spin_lock_recursive(l) _spin_lock_recursive(l)
#define spin_unlock_recursive(l) _spin_unlock_recursive(l)
unsigned long _spin_lock_irqsave(spinlock_t *lock);
void _spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
#define spin_lock_irqsave(l, f) ((f) = _spin_lock_irqsave(l))
#define spin_unlock_irqrestore(l, f) _spin_unlock_irqrestore(l, f)
void _spin_lock_irq(spinlock_t *lock);
void _spin_unlock_irq(spinlock_t *lock);
#define spin_lock_irq(l) _spin_lock_irq(l)
#define spin_unlock_irq(l) _spin_unlock_irq(l)
/* asm/system.h: the interrupt flag is set and cleared by asm statements. */
#define local_irq_disable() asm volatile ( "cli" : : : "memory" )
#define local_irq_enable() asm volatile ( "sti" : : : "memory" )
#define local_save_flags(x) ({ asm volatile ( "pushf ; pop %0" : "=g" (x) ); })
#define local_irq_save(x) ({ local_save_flags(x); local_irq_disable(); })
#define local_irq_restore(x) \
  ({ asm volatile ( "push %0 ; popf" : : "g" (x) : "memory" ); })
#define spin_trylock_irqsave(l, f) \
  ({ local_irq_save(f); spin_trylock(l) ? 1 : ({ local_irq_restore(f); 0; }); })

void panic(const char *fmt, ...) __attribute__((noreturn));
#define BUG() panic("BUG")
#define BUG_ON(c) do { if (c) BUG(); } while (0)
int printk(const char *fmt, ...);

/* xen/include/xen/err.h */
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long IS_ERR(const void *ptr)
{
  return IS_ERR_VALUE((unsigned long)ptr);
}
static inline long IS_ERR_OR_NULL(const void *ptr)
{
  return !ptr || IS_ERR_VALUE((unsigned long)ptr);
}

struct domain {
  spinlock_t page_alloc_lock;
  int is_dying;
  struct p2m_domain *p2m;
};

/* mm-locks.h */
typedef struct { spinlock_t lock; const char *locker_function; } mm_lock_t;
typedef struct { rwlock_t lock; int recurse_count; } mm_rwlock_t;

#define MM_LOCK_ORDER_p2m 16
#define MM_LOCK_ORDER_pod 48

static inline void _mm_lock(const struct domain *d, mm_lock_t *l,
                            const char *func, int level, int rec)
{
  spin_lock_recursive(&l->lock);
  l->locker_function = func;
}
static inline void mm_unlock(mm_lock_t *l) { spin_unlock_recursive(&l->lock); }

static inline void _mm_write_lock(const struct domain *d, mm_rwlock_t *l,
                                  const char *func, int level)
{
  if (l->recurse_count++ == 0)
    _write_lock(&l->lock);
}
static inline void mm_write_unlock(mm_rwlock_t *l)
{
  if (--l->recurse_count == 0)
    _write_unlock(&l->lock);
}

#define declare_mm_lock(name)                                                \
  static inline void mm_lock_##name(const struct domain *d, mm_lock_t *l,    \
                                    const char *func, int rec)               \
  { _mm_lock(d, l, func, MM_LOCK_ORDER_##name, rec); }
#define mm_lock(name, d, l) mm_lock_##name(d, l, __func__, 0)

struct p2m_domain {
  mm_rwlock_t lock;
  struct domain *domain;
  struct {
    long entry_count;
    long count;
    mm_lock_t lock;
  } pod;
};

declare_mm_lock(pod)
#define pod_lock(p) mm_lock(pod, (p)->domain, &(p)->pod.lock)
#define pod_unlock(p) mm_unlock(&(p)->pod.lock)
#define p2m_lock(p) _mm_write_lock((p)->domain, &(p)->lock, __func__, MM_LOCK_ORDER_p2m)
#define p2m_unlock(p) mm_write_unlock(&(p)->lock)

static inline void lock_page_alloc(struct p2m_domain *p2m)
{
  spin_lock(&p2m->domain->page_alloc_lock);
}
static inline void unlock_page_alloc(struct p2m_domain *p2m)
{
  spin_unlock(&p2m->domain->page_alloc_lock);
}

/* sched.h: domain references (an RCU read section each), taken by id or
 * on a domain at hand, and ended by rcu_unlock_domain(). */
typedef unsigned short domid_t;
struct domain *rcu_lock_domain_by_id(domid_t dom);
struct domain *rcu_lock_domain_by_any_id(domid_t dom);
int rcu_lock_remote_domain_by_id(domid_t dom, struct domain **d);
struct domain *rcu_lock_domain(struct domain *d);
void rcu_unlock_domain(struct domain *d);

#endif
