// order-inversion through a callee, Xen 4.17 arch/x86/mm/p2m-pod.c:
// p2m_pod_zero_check_superpage() takes the gfn (= p2m) lock.  Buggy: a
// reclaim path calls it holding only the pod lock, so the p2m lock (16)
// is taken inside the pod lock (48).
#include "xen-mini.h"

#define gfn_lock(p, g, o) p2m_lock(p)
#define gfn_unlock(p, g, o) p2m_unlock(p)

static int p2m_pod_zero_check_superpage(struct p2m_domain *p2m, unsigned long gfn)
{
  gfn_lock(p2m, gfn, 9); // expected-warning{{acquiring 'p2m_domain.lock' while holding 'p2m_domain.pod.lock' violates lock hierarchy 'mm-locks' ('p2m_domain.lock' must be taken before 'p2m_domain.pod.lock')}}
  // expected-note@-1{{'p2m_domain.lock' acquired here in p2m_pod_zero_check_superpage}}
  p2m->pod.entry_count -= 512;
  gfn_unlock(p2m, gfn, 9);
  return 1;
}

void pod_eager_reclaim(struct p2m_domain *p2m, unsigned long gfn)
{
  pod_lock(p2m); // expected-note{{pod_eager_reclaim calls mm_lock_pod}}
  if (p2m->pod.count == 0)
    p2m_pod_zero_check_superpage(p2m, gfn); // expected-note{{pod_eager_reclaim calls p2m_pod_zero_check_superpage}}
  pod_unlock(p2m);
}
