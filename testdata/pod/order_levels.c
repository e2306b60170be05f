// mm-locks.h's order constraints: an external lock (d->page_alloc_lock) is
// ordered only where the mm code checks its level.  The level is the lock
// (MM_LOCK_ORDER_page_alloc): mm_enforce_order_lock_pre_*() checks it,
// mm_enforce_order_lock_post_*() holds it until *_mm_unlock() (a macro
// around the shared mm_enforce_order_unlock()) restores the level.  Rules:
// levels.jsonc, shaped like the importer's output for these declarations.
#include "xen-mini.h"

#define MM_LOCK_ORDER_page_alloc 56
#define MM_LOCK_ORDER_paging 64

void _check_lock_level(const struct domain *d, int l);
void _set_lock_level(int l);

#define declare_mm_order_constraint(name)                                    \
  static inline void mm_enforce_order_lock_pre_##name(const struct domain *d) \
  { _check_lock_level(d, MM_LOCK_ORDER_##name); }                            \
  static inline void mm_enforce_order_lock_post_##name(                      \
      const struct domain *d, int *unlock_level)                             \
  { *unlock_level = 0; _set_lock_level(MM_LOCK_ORDER_##name); }
static inline void mm_enforce_order_unlock(int unlock_level)
{
  _set_lock_level(unlock_level);
}

declare_mm_order_constraint(page_alloc)
#define page_alloc_mm_pre_lock(d) mm_enforce_order_lock_pre_page_alloc(d)
#define page_alloc_mm_post_lock(d, l) \
  mm_enforce_order_lock_post_page_alloc(d, &(l))
#define page_alloc_mm_unlock(l) mm_enforce_order_unlock(l)

// A lock below the page_alloc level (32), taken in order_levels_inside()
// with the level held.
#define MM_LOCK_ORDER_altlist 32
struct altlist_domain {
  mm_lock_t lock;
};
// expected-warning@+2{{acquiring 'altlist_domain.lock' while holding 'MM_LOCK_ORDER_page_alloc' violates lock hierarchy 'levels'}}
// expected-warning@+1{{closes the cycle 'altlist_domain.lock' -> 'domain.page_alloc_lock' -> 'altlist_domain.lock'}}
declare_mm_lock(altlist)
#define altlist_lock(a, d) mm_lock(altlist, d, &(a)->lock)
#define altlist_unlock(a) mm_unlock(&(a)->lock)

struct paging_domain {
  struct domain *d;
  mm_lock_t lock;
};
declare_mm_lock(paging)
#define paging_lock(p) mm_lock(paging, (p)->d, &(p)->lock)
#define paging_unlock(p) mm_unlock(&(p)->lock)

// p2m-pod.c's lock_page_alloc(): check, take, hold the level.
static void lock_page_alloc_checked(struct p2m_domain *p2m, int *lvl)
{
  page_alloc_mm_pre_lock(p2m->domain);
  spin_lock(&p2m->domain->page_alloc_lock);
  page_alloc_mm_post_lock(p2m->domain, *lvl);
}
static void unlock_page_alloc_checked(struct p2m_domain *p2m, int lvl)
{
  page_alloc_mm_unlock(lvl);
  spin_unlock(&p2m->domain->page_alloc_lock);
}

// In order: pod (48) then the page_alloc level (56).
void pod_then_page_alloc(struct p2m_domain *p2m)
{
  int lvl;
  pod_lock(p2m);
  lock_page_alloc_checked(p2m, &lvl);
  unlock_page_alloc_checked(p2m, lvl);
  pod_unlock(p2m);
}

// Xen checks the page_alloc lock only through its level: freeing a page
// under the paging lock (the shadow code's put_page()) is not ordered.
void free_under_paging(struct paging_domain *pg)
{
  paging_lock(pg);
  spin_lock(&pg->d->page_alloc_lock);
  spin_unlock(&pg->d->page_alloc_lock);
  paging_unlock(pg);
}

// mem_paging.c's prepare: a check alone, nothing held afterwards (no leak),
// but under the paging lock it is what _check_lock_level() BUG()s on.
void check_under_paging(struct paging_domain *pg)
{
  paging_lock(pg);
  page_alloc_mm_pre_lock(pg->d); // expected-warning{{acquiring 'MM_LOCK_ORDER_page_alloc' while holding 'paging_domain.lock' violates lock hierarchy 'levels'}}
  paging_unlock(pg);
}

// The level is held until page_alloc_mm_unlock(): a lower lock taken
// before it is restored is out of order (reported where mm_lock_altlist()
// takes it, as Xen's reports are in mm-locks.h).
void order_levels_inside(struct p2m_domain *p2m, struct altlist_domain *a)
{
  int lvl;
  lock_page_alloc_checked(p2m, &lvl);
  altlist_lock(a, p2m->domain);
  altlist_unlock(a);
  unlock_page_alloc_checked(p2m, lvl);
}

// Restored first (page_alloc_mm_unlock() is a release): in order.
#define MM_LOCK_ORDER_sharing 24
struct sharing_domain {
  mm_lock_t lock;
};
declare_mm_lock(sharing)
void order_levels_after(struct p2m_domain *p2m, struct sharing_domain *s)
{
  int lvl;
  lock_page_alloc_checked(p2m, &lvl);
  unlock_page_alloc_checked(p2m, lvl);
  mm_lock(sharing, p2m->domain, &s->lock);
  mm_unlock(&s->lock);
}

// With order_levels_inside(), a real cycle between the altlist lock and
// the page_alloc lock, reported once: not again through the level, which
// blocks nobody.
void altlist_then_page_alloc(struct p2m_domain *p2m, struct altlist_domain *a)
{
  int lvl;
  altlist_lock(a, p2m->domain);
  lock_page_alloc_checked(p2m, &lvl);
  unlock_page_alloc_checked(p2m, lvl);
  altlist_unlock(a);
}
