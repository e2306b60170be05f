// unguarded-access, Xen 4.17 arch/x86/mm/p2m-pod.c and p2m.c: the PoD
// counts are read and written under the pod lock.  Buggy:
// p2m_pod_active() reads them without it (the need travels up to its
// caller, which does not hold the lock either), and the p2m entry update
// writes entry_count after dropping the pod lock it took itself.
#include "xen-mini.h"

static int p2m_pod_active(const struct p2m_domain *p2m)
{
  return p2m->pod.count != 0 || // expected-note{{reads 'p2m_domain.pod.count' in p2m_pod_active}}
         p2m->pod.entry_count != 0; // expected-note{{reads 'p2m_domain.pod.entry_count' in p2m_pod_active}}
}

int relinquish_p2m_mapping(struct p2m_domain *p2m)
{
  if (p2m_pod_active(p2m)) // expected-note 2 {{relinquish_p2m_mapping calls p2m_pod_active}}
    // expected-warning@-1{{read of 'p2m_domain.pod.count' without holding 'p2m_domain.pod.lock'}}
    // expected-warning@-2{{read of 'p2m_domain.pod.entry_count' without holding 'p2m_domain.pod.lock'}}
    return -1;
  return 0;
}

void p2m_set_entry_pod(struct p2m_domain *p2m, long delta)
{
  pod_lock(p2m);
  p2m->pod.count -= 1;
  pod_unlock(p2m);
  p2m->pod.entry_count += delta; // expected-warning{{write to 'p2m_domain.pod.entry_count' without holding 'p2m_domain.pod.lock'}}
  // expected-note@-1{{writes 'p2m_domain.pod.entry_count' in p2m_set_entry_pod}}
}
