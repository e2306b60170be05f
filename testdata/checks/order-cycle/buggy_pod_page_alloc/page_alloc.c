// Buggy: a page leaving the domain is checked against the PoD cache while
// page_alloc_lock is still held: pod inside page_alloc, closing the cycle
// with p2m_pod_cache_add() in p2m-pod.c.
#include "xen-mini.h"

void p2m_pod_offline_or_broken_hit(struct p2m_domain *p2m);

int steal_page(struct domain *d)
{
  struct p2m_domain *p2m = d->p2m;

  spin_lock(&d->page_alloc_lock); // expected-note{{'domain.page_alloc_lock' acquired here in steal_page}}
  if (d->is_dying) {
    spin_unlock(&d->page_alloc_lock);
    return -1;
  }
  p2m_pod_offline_or_broken_hit(p2m); // expected-note{{steal_page calls p2m_pod_offline_or_broken_hit}}
  spin_unlock(&d->page_alloc_lock);
  return 0;
}
