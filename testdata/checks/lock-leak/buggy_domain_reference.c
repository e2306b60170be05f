// lock-leak of a domain reference, Xen 4.17 xen/common/grant_table.c
// gnttab_get_version() (fixed by 9c881a8b3969, "xen: add missing unlock
// from gnttab_get_version"): rcu_lock_domain_by_any_id() returns the domain
// inside an RCU read section that rcu_unlock_domain() must end.  Buggy: the
// XSM error path ends it, the success path does not.  A reference is
// balanced like a lock on every path.
#include "xen-mini.h"

int xsm_grant_query_size(struct domain *d);
int copy_version_to_guest(int version);

int gnttab_get_version(domid_t dom)
{
  struct domain *d;
  int rc, version;

  d = rcu_lock_domain_by_any_id(dom); // expected-note{{'domain.rcu_lock' acquired here in gnttab_get_version}}
  if (d == NULL)
    return -3;

  rc = xsm_grant_query_size(d);
  if (rc) {
    rcu_unlock_domain(d); // expected-note{{'domain.rcu_lock' released here on another path}}
    return rc;
  }

  version = d->is_dying ? 1 : 2;

  if (copy_version_to_guest(version))
    return -14; // expected-warning{{'domain.rcu_lock' is still held when gnttab_get_version returns here, but is released on another path}}

  return 0;
}
