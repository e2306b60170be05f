/*===- mm_locks.h - Xen's ordered mm locks (mm-locks.h) ----------*- C -*-===*
 *
 * Xen enforces the order of its memory-management locks at run time: every
 * mm lock has a level, and taking a lock whose level is below the level the
 * CPU (here: the task) already holds is a "mm locking order violation".
 * The runtime reports it as check order-inversion instead of panicking.
 * Included by <lockwise/kernel.h>.
 *
 *===----------------------------------------------------------------------===*/
#ifndef LOCKWISE_MM_LOCKS_H
#define LOCKWISE_MM_LOCKS_H

#ifdef __cplusplus
extern "C" {
#endif

/* Levels as in xen/arch/x86/mm/mm-locks.h (Xen 4.17). */
#define MM_LOCK_ORDER_nestedp2m 8
#define MM_LOCK_ORDER_p2m 16
#define MM_LOCK_ORDER_per_page_sharing 24
#define MM_LOCK_ORDER_altp2mlist 32
#define MM_LOCK_ORDER_altp2m 40
#define MM_LOCK_ORDER_pod 48
#define MM_LOCK_ORDER_page_alloc 56
#define MM_LOCK_ORDER_paging 64
#define MM_LOCK_ORDER_MAX MM_LOCK_ORDER_paging

typedef struct mm_lock {
  spinlock_t lock;
  int unlock_level;            /* the task's level before the first hold */
  const char *locker_function; /* who holds it, for diagnostics */
} mm_lock_t;

void lw_mm_lock_init(mm_lock_t *l, const char *name);
#define mm_lock_init(L) lw_mm_lock_init((L), #L)

/* Takes l at Level; Rec allows the holder to re-enter. */
/* Xen's argument order (the domain first), so that the static analyzer's
 * Xen catalog reads the cores' mm locks as it reads the hypervisor's. */
void _mm_lock(const void *d, mm_lock_t *l, const char *func, int level, int rec);
void mm_unlock(mm_lock_t *l);
int mm_locked_by_me(mm_lock_t *l);

/* For locks that are not mm locks but take part in the order
 * (page_alloc_lock): check before locking, raise the level after. */
void mm_enforce_order_lock_pre(int level, struct lw_lock *what);
void mm_enforce_order_lock_post(int level, int *unlock_level);
void mm_enforce_order_unlock(int unlock_level);

/* declare_mm_lock(p2m) gives mm_lock_p2m(l, func, rec) as in Xen. */
#define declare_mm_lock(Name)                                                  \
  static inline void mm_lock_##Name(mm_lock_t *l, const char *func, int rec) { \
    _mm_lock(0, l, func, MM_LOCK_ORDER_##Name, rec);                              \
  }

#ifdef __cplusplus
}
#endif

#endif
