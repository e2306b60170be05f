// unguarded-access, Xen 4.17 arch/x86/mm/p2m-pod.c and p2m.c: the PoD
// counts are read and written under the pod lock.  Fixed, as upstream:
// p2m_pod_active() takes the pod lock to read them, and entry_count is
// updated before the pod lock is dropped.
#include "xen-mini.h"

// expected-no-diagnostics

static int p2m_pod_active(struct p2m_domain *p2m)
{
  int active;

  pod_lock(p2m);
  active = p2m->pod.count != 0 || p2m->pod.entry_count != 0;
  pod_unlock(p2m);
  return active;
}

int relinquish_p2m_mapping(struct p2m_domain *p2m)
{
  if (p2m_pod_active(p2m))
    return -1;
  return 0;
}

void p2m_set_entry_pod(struct p2m_domain *p2m, long delta)
{
  pod_lock(p2m);
  p2m->pod.count -= 1;
  p2m->pod.entry_count += delta;
  pod_unlock(p2m);
}
