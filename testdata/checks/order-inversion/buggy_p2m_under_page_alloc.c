// order-inversion, Xen 4.17 arch/x86/mm/p2m.c audit_p2m(): the audit
// checks every page on the domain's page list against its p2m entry.  The
// p2m lock is the outermost mm lock (level 16) and the domain's
// page_alloc_lock the innermost here (56), so upstream takes p2m_lock()
// first and page_alloc_lock inside it.  Buggy: the page list is locked
// first and the p2m lock taken inside it.
#include "xen-mini.h"

long p2m_audit_entry(struct p2m_domain *p2m, unsigned long gfn);

long audit_p2m(struct domain *d, unsigned long max_gfn)
{
  struct p2m_domain *p2m = d->p2m;
  unsigned long gfn;
  long bad = 0;

  spin_lock(&d->page_alloc_lock);
  p2m_lock(p2m); // expected-warning{{acquiring 'p2m_domain.lock' while holding 'domain.page_alloc_lock' violates lock hierarchy 'mm-locks' ('p2m_domain.lock' must be taken before 'domain.page_alloc_lock')}}
  // expected-note@-2{{'domain.page_alloc_lock' acquired here in audit_p2m}}
  // expected-note@-2{{'p2m_domain.lock' acquired here in audit_p2m}}
  for (gfn = 0; gfn < max_gfn; gfn++)
    bad += p2m_audit_entry(p2m, gfn);
  p2m_unlock(p2m);
  spin_unlock(&d->page_alloc_lock);
  return bad;
}
