// The fixed shape of p2m_pod_demand_populate() (as in Xen 4.17): the
// out_of_memory path returns instead of falling into out_fail.
#include "xen-mini.h"

// expected-no-diagnostics

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
  pod_unlock(p2m);
  printk("Out of populate-on-demand memory!\n");
  domain_crash(d);
  return -1;
out_fail:
  pod_unlock(p2m);
  return -1;
}
