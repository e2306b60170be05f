// lock-leak, Xen 4.17 arch/x86/mm/p2m-pod.c: p2m_pod_set_mem_target()
// takes the pod lock and leaves through "out:", which drops it.  Fixed, as
// upstream: the dying-domain check goes to "out:" too.
#include "xen-mini.h"

// expected-no-diagnostics

unsigned long domain_tot_pages(const struct domain *d);
int p2m_pod_set_cache_target(struct p2m_domain *p2m, unsigned long pod_target);

int p2m_pod_set_mem_target(struct domain *d, unsigned long target)
{
  struct p2m_domain *p2m = d->p2m;
  int ret = 0;
  unsigned long populated;

  pod_lock(p2m);

  /* P == B: Nothing to do (unless the guest is being created). */
  populated = domain_tot_pages(d) - p2m->pod.count;
  if (populated > 0 && p2m->pod.entry_count == 0)
    goto out;

  /* Don't do anything if the domain is being torn down */
  if (d->is_dying)
    goto out;

  ret = p2m_pod_set_cache_target(p2m, target - populated);

out:
  pod_unlock(p2m);
  return ret;
}
