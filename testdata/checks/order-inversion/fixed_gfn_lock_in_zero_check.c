// order-inversion through a callee, Xen 4.17 arch/x86/mm/p2m-pod.c:
// p2m_pod_zero_check_superpage() takes the gfn (= p2m) lock.  Fixed, as
// upstream: the reclaim runs from p2m_pod_demand_populate(), with the gfn
// lock held before the pod lock (ASSERTed there; taken here), so the
// callee's gfn_lock() is a recursive re-take and acquires nothing new.
#include "xen-mini.h"

// expected-no-diagnostics

#define gfn_lock(p, g, o) p2m_lock(p)
#define gfn_unlock(p, g, o) p2m_unlock(p)

static int p2m_pod_zero_check_superpage(struct p2m_domain *p2m, unsigned long gfn)
{
  gfn_lock(p2m, gfn, 9);
  p2m->pod.entry_count -= 512;
  gfn_unlock(p2m, gfn, 9);
  return 1;
}

static void pod_eager_reclaim(struct p2m_domain *p2m, unsigned long gfn)
{
  pod_lock(p2m);
  if (p2m->pod.count == 0)
    p2m_pod_zero_check_superpage(p2m, gfn);
  pod_unlock(p2m);
}

int p2m_pod_demand_populate(struct p2m_domain *p2m, unsigned long gfn)
{
  gfn_lock(p2m, gfn, 0);
  pod_eager_reclaim(p2m, gfn);
  gfn_unlock(p2m, gfn, 0);
  return 0;
}
