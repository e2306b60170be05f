// missing-lock from a requires rule, Xen 4.17 arch/x86/mm/p2m-pod.c:
// p2m_pod_cache_add() must run under the pod lock.  Buggy (as the patch
// tests/real/review-xen.sh applies to the real sources, which moves the
// pod unlock above p2m_pod_cache_add()): the cache refill drops the pod
// lock before handing the new page to the cache.
#include "xen-mini.h"

struct page_info;
struct page_info *alloc_domheap_pages(struct domain *d, unsigned order);
int p2m_pod_cache_add(struct p2m_domain *p2m, struct page_info *page, unsigned order);

int p2m_pod_set_cache_target(struct p2m_domain *p2m, unsigned long pod_target)
{
  struct domain *d = p2m->domain;
  struct page_info *page;

  pod_lock(p2m);
  if (p2m->pod.count >= pod_target) {
    pod_unlock(p2m);
    return 0;
  }
  pod_unlock(p2m);
  page = alloc_domheap_pages(d, 0);
  if (!page)
    return -1;
  return p2m_pod_cache_add(p2m, page, 0); // expected-warning{{'p2m_domain.pod.lock' is not held when calling p2m_pod_cache_add, which requires it}}
}
