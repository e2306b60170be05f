// The pod lock is an mm_lock() (not mm_lock_recursive()): taking it again
// through the declare_mm_lock() wrapper panics in Xen.
#include "xen-mini.h"

static void p2m_pod_cache_add(struct p2m_domain *p2m)
{
  pod_lock(p2m);
  p2m->pod.count += 1;
  pod_unlock(p2m);
}

void p2m_pod_set_cache_target(struct p2m_domain *p2m)
{
  pod_lock(p2m);
  p2m_pod_cache_add(p2m); // expected-warning{{double lock of 'p2m_domain.pod.lock'}}
  pod_unlock(p2m);
}
