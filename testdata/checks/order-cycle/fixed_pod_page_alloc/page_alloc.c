// Fixed: page_alloc_lock is dropped before the PoD accounting, so the pod
// lock is only ever taken outside it (p2m_pod_cache_add() in p2m-pod.c).
#include "xen-mini.h"

// expected-no-diagnostics

void p2m_pod_offline_or_broken_hit(struct p2m_domain *p2m);

int steal_page(struct domain *d)
{
  struct p2m_domain *p2m = d->p2m;

  spin_lock(&d->page_alloc_lock);
  if (d->is_dying) {
    spin_unlock(&d->page_alloc_lock);
    return -1;
  }
  spin_unlock(&d->page_alloc_lock);
  p2m_pod_offline_or_broken_hit(p2m);
  return 0;
}
