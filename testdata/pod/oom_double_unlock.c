// Seed 004, "Rework locking in the PoD layer": in p2m_pod_demand_populate()
// the out_of_memory label drops the pod lock and then falls through into
// out_fail, which drops it again.
#include "xen-mini.h"

void domain_crash(struct domain *d);

int p2m_pod_demand_populate(struct p2m_domain *p2m, unsigned long gfn)
{
  struct domain *d = p2m->domain;

  pod_lock(p2m);
  if (d->is_dying)
    goto out_fail;
  if (p2m->pod.count == 0)
    goto out_of_memory;
  p2m->pod.entry_count -= 1;
  pod_unlock(p2m);
  return 0;
out_of_memory:
  pod_unlock(p2m); // expected-note{{'p2m_domain.pod.lock' released here first}}
  printk("Out of populate-on-demand memory!\n");
  domain_crash(d);
out_fail:
  pod_unlock(p2m); // expected-warning{{double unlock of 'p2m_domain.pod.lock'}}
  return -1;
}
