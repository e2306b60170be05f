// The same sweep when the caller already holds the p2m lock (as gfn_lock()
// does on the demand-populate path): the p2m lock is recursive, re-taking
// it under the pod lock acquires nothing new and cannot invert the order.
#include "xen-mini.h"

// expected-no-diagnostics

static void p2m_pod_emergency_sweep(struct p2m_domain *p2m)
{
  p2m_lock(p2m);
  p2m->pod.count += 1;
  p2m_unlock(p2m);
}

int p2m_pod_demand_populate(struct p2m_domain *p2m)
{
  p2m_lock(p2m);
  pod_lock(p2m);
  if (p2m->pod.count == 0)
    p2m_pod_emergency_sweep(p2m);
  lock_page_alloc(p2m);
  p2m->pod.entry_count -= 1;
  unlock_page_alloc(p2m);
  pod_unlock(p2m);
  p2m_unlock(p2m);
  return 0;
}
