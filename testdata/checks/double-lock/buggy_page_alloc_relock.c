// double-lock, Xen 4.17 arch/x86/mm/p2m-pod.c: the PoD cache refill takes
// the domain's page_alloc_lock (a plain spinlock: re-taking it on one CPU
// spins forever).  Buggy: p2m_pod_set_cache_target() checks the domain
// under page_alloc_lock and calls the cache add with it still held.
#include "xen-mini.h"

static void p2m_pod_cache_add(struct p2m_domain *p2m)
{
  lock_page_alloc(p2m);
  p2m->pod.count += 1;
  unlock_page_alloc(p2m);
}

int p2m_pod_set_cache_target(struct p2m_domain *p2m, unsigned long target)
{
  int ret = 0;

  pod_lock(p2m);
  lock_page_alloc(p2m);
  if (p2m->domain->is_dying)
    ret = -1;
  else
    p2m_pod_cache_add(p2m); // expected-warning{{double lock of 'domain.page_alloc_lock'}}
  unlock_page_alloc(p2m);
  pod_unlock(p2m);
  return ret;
}
