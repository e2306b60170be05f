// Seed 004: the emergency sweep "promotes to globally locking the p2m".
// Called with only the pod lock held, it takes the p2m lock inside the pod
// lock, against mm-locks.h's p2m > pod order.
#include "xen-mini.h"

static void p2m_pod_emergency_sweep(struct p2m_domain *p2m)
{
  p2m_lock(p2m); // expected-warning{{acquiring 'p2m_domain.lock' while holding 'p2m_domain.pod.lock' violates lock hierarchy 'mm-locks'}}
  p2m->pod.count += 1;
  p2m_unlock(p2m);
}

int p2m_pod_populate_sweeping(struct p2m_domain *p2m)
{
  pod_lock(p2m);
  if (p2m->pod.count == 0)
    p2m_pod_emergency_sweep(p2m);
  pod_unlock(p2m);
  return 0;
}
