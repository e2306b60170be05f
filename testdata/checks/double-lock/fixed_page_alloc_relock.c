// double-lock, Xen 4.17 arch/x86/mm/p2m-pod.c: the PoD cache refill takes
// the domain's page_alloc_lock (a plain spinlock: re-taking it on one CPU
// spins forever).  Fixed: p2m_pod_set_cache_target() drops page_alloc_lock
// after the check, before the cache add takes it again.
#include "xen-mini.h"

// expected-no-diagnostics

static void p2m_pod_cache_add(struct p2m_domain *p2m)
{
  lock_page_alloc(p2m);
  p2m->pod.count += 1;
  unlock_page_alloc(p2m);
}

int p2m_pod_set_cache_target(struct p2m_domain *p2m, unsigned long target)
{
  int ret = 0;
  int dying;

  pod_lock(p2m);
  lock_page_alloc(p2m);
  dying = p2m->domain->is_dying;
  unlock_page_alloc(p2m);
  if (dying)
    ret = -1;
  else
    p2m_pod_cache_add(p2m);
  pod_unlock(p2m);
  return ret;
}
