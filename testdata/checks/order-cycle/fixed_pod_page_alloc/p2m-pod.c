// order-cycle across two files (Xen 4.17 arch/x86/mm/p2m-pod.c and
// common/page_alloc.c shapes): p2m_pod_cache_add() takes the domain's
// page_alloc_lock inside the pod lock, as mm-locks.h orders them (pod 48 <
// page_alloc 56).  The other file no longer calls back into the PoD
// accounting with page_alloc_lock held.
#include "xen-mini.h"

// expected-no-diagnostics

void p2m_pod_cache_add(struct p2m_domain *p2m)
{
  struct domain *d = p2m->domain;

  pod_lock(p2m);
  spin_lock(&d->page_alloc_lock);
  p2m->pod.count += 1;
  spin_unlock(&d->page_alloc_lock);
  pod_unlock(p2m);
}

void p2m_pod_offline_or_broken_hit(struct p2m_domain *p2m)
{
  pod_lock(p2m);
  p2m->pod.count -= 1;
  pod_unlock(p2m);
}
