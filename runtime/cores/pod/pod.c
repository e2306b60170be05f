/*===- pod.c - Populate-on-Demand: demand_populate, sweep, cache ----------===*/
#include "pod.h"

#include <stdio.h>

int pod_bug_sweep_locks;
int pod_bug_double_unlock;

declare_mm_lock(p2m)
declare_mm_lock(pod)

static mm_lock_t *gfn_lock_of(struct p2m_domain *p2m, int gfn) {
  return &p2m->lock[gfn / POD_GFNS_PER_LOCK];
}
#define gfn_lock(p2m, gfn) mm_lock_p2m(gfn_lock_of(p2m, gfn), __func__, 1)
#define gfn_unlock(p2m, gfn) mm_unlock(gfn_lock_of(p2m, gfn))
#define pod_lock(p2m) mm_lock_pod(&(p2m)->pod.lock, __func__, 0)
#define pod_unlock(p2m) mm_unlock(&(p2m)->pod.lock)

/* George's suggestion: try each gfn's lock and skip the gfn when busy. */
static int gfn_trylock(struct p2m_domain *p2m, int gfn) {
  return spin_trylock(&gfn_lock_of(p2m, gfn)->lock);
}
static void gfn_tryunlock(struct p2m_domain *p2m, int gfn) {
  spin_unlock(&gfn_lock_of(p2m, gfn)->lock);
}

static void lock_page_alloc(struct p2m_domain *p2m) {
  struct domain *d = p2m->domain;
  mm_enforce_order_lock_pre(MM_LOCK_ORDER_page_alloc, &d->page_alloc_lock.lw);
  spin_lock(&d->page_alloc_lock);
  mm_enforce_order_lock_post(MM_LOCK_ORDER_page_alloc,
                             &d->page_alloc_unlock_level);
}

static void unlock_page_alloc(struct p2m_domain *p2m) {
  struct domain *d = p2m->domain;
  mm_enforce_order_unlock(d->page_alloc_unlock_level);
  spin_unlock(&d->page_alloc_lock);
}

void p2m_init(struct p2m_domain *p2m, struct domain *d, int cache_pages) {
  spin_lock_init(&d->page_alloc_lock);
  lockwise_set_class(&d->page_alloc_lock, "domain.page_alloc_lock");
  d->tot_pages = cache_pages;
  d->is_dying = 0;
  p2m->domain = d;
  for (int i = 0; i < POD_GFNS / POD_GFNS_PER_LOCK; ++i) {
    mm_lock_init(&p2m->lock[i]);
    lockwise_set_class(&p2m->lock[i].lock, "p2m_domain.lock");
  }
  mm_lock_init(&p2m->pod.lock);
  lockwise_set_class(&p2m->pod.lock.lock, "p2m_domain.pod.lock");
  for (int gfn = 0; gfn < POD_GFNS; ++gfn) {
    p2m->type[gfn] = p2m_populate_on_demand;
    p2m->zeroed[gfn] = 0;
  }
  p2m->pod.count = 0;
  p2m->pod.entry_count = POD_GFNS;
  p2m->pod.reclaim_single = POD_GFNS - 1;
  pod_lock(p2m);
  lock_page_alloc(p2m);
  d->tot_pages -= cache_pages;
  unlock_page_alloc(p2m);
  p2m->pod.count = cache_pages;
  pod_unlock(p2m);
}

/* Takes pages off the domain's list into the PoD cache; pod lock held. */
static void p2m_pod_cache_add(struct p2m_domain *p2m, int pages) {
  lock_page_alloc(p2m);
  p2m->domain->tot_pages -= pages;
  unlock_page_alloc(p2m);
  p2m->pod.count += pages;
}

/* Reclaims zeroed pages back into the cache; pod lock held. */
static void p2m_pod_emergency_sweep(struct p2m_domain *p2m) {
  int i;
  for (i = p2m->pod.reclaim_single; i > 0; i--) {
    if (pod_bug_sweep_locks)
      gfn_lock(p2m, i);
    else if (!gfn_trylock(p2m, i))
      continue;
    if (p2m->type[i] == p2m_ram_rw && p2m->zeroed[i]) {
      p2m->type[i] = p2m_populate_on_demand;
      p2m->pod.entry_count++;
      p2m_pod_cache_add(p2m, 1);
    }
    if (pod_bug_sweep_locks)
      gfn_unlock(p2m, i);
    else
      gfn_tryunlock(p2m, i);
    /* Stop once we found something. */
    if (p2m->pod.count > 0)
      break;
  }
  p2m->pod.reclaim_single = i ? i - 1 : POD_GFNS - 1;
}

static void domain_crash(struct domain *d) { WRITE_ONCE(d->is_dying, 1); }

/* The gfn's p2m lock is held by the caller. */
static int p2m_pod_demand_populate(struct p2m_domain *p2m, int gfn) {
  struct domain *d = p2m->domain;
  pod_lock(p2m);
  /* Done with the pod lock held: p2m_pod_empty_cache() cannot start. */
  if (READ_ONCE(d->is_dying))
    goto out_fail;
  if (p2m->pod.count == 0)
    p2m_pod_emergency_sweep(p2m);
  if (p2m->pod.count == 0)
    goto out_of_memory;

  lock_page_alloc(p2m);
  d->tot_pages++;
  unlock_page_alloc(p2m);
  p2m->pod.count--;
  p2m->type[gfn] = p2m_ram_rw;
  p2m->zeroed[gfn] = 1;
  p2m->pod.entry_count--;
  WARN_ON(p2m->pod.entry_count < 0);
  pod_unlock(p2m);
  return 0;

out_of_memory:
  pod_unlock(p2m);
  domain_crash(d);
  if (!pod_bug_double_unlock)
    return -1;
out_fail:
  pod_unlock(p2m);
  return -1;
}

int p2m_guest_access(struct p2m_domain *p2m, int gfn, int writes) {
  int rc = 0;
  gfn_lock(p2m, gfn);
  if (p2m->type[gfn] == p2m_populate_on_demand)
    rc = p2m_pod_demand_populate(p2m, gfn);
  if (rc == 0 && writes)
    p2m->zeroed[gfn] = 0;
  gfn_unlock(p2m, gfn);
  return rc;
}

void p2m_pod_decrease_reservation(struct p2m_domain *p2m, int gfn) {
  gfn_lock(p2m, gfn);
  pod_lock(p2m);
  if (p2m->type[gfn] == p2m_populate_on_demand) {
    p2m->pod.entry_count--;
  } else if (p2m->type[gfn] == p2m_ram_rw) {
    p2m_pod_cache_add(p2m, 1);
  }
  p2m->type[gfn] = p2m_invalid;
  pod_unlock(p2m);
  gfn_unlock(p2m, gfn);
}

void guest_physmap_mark_populate_on_demand(struct p2m_domain *p2m, int gfn) {
  gfn_lock(p2m, gfn);
  if (p2m->type[gfn] == p2m_invalid) {
    pod_lock(p2m);
    p2m->type[gfn] = p2m_populate_on_demand;
    p2m->pod.entry_count++;
    pod_unlock(p2m);
  }
  gfn_unlock(p2m, gfn);
}
