// double-unlock, fixed: gnttab_setup_table() ends the RCU read section only
// when the lookup took one ("if ( d )", 5e436e7a4508).  Also quiet: a
// variable written again after its failed lookup (it holds something else
// now), and do_mmu_update()'s two releases of pt_owner under "pt_owner ==
// d" and "pt_owner != d", which the path's facts cannot compare: which
// identities carry a reference is the tests' to say.
#include "xen-mini.h"
// expected-no-diagnostics

int xsm_grant_setup(struct domain *d);
int grow_table(struct domain *d, unsigned int frames);
struct domain *current_domain(void);
void update(struct domain *d, int i);

int gnttab_setup_table(domid_t dom, unsigned int frames)
{
  struct domain *d;
  int status = 0;

  d = rcu_lock_domain_by_any_id(dom);
  if (d == NULL) {
    status = -1;
    goto out;
  }
  if (xsm_grant_setup(d)) {
    status = -2;
    goto out;
  }
  status = grow_table(d, frames);
 out:
  if (d)
    rcu_unlock_domain(d);
  return status;
}

int retry_lookup(domid_t dom, domid_t fallback)
{
  struct domain *d = rcu_lock_domain_by_id(dom);
  if (d == NULL)
    d = rcu_lock_domain_by_id(fallback);
  if (d == NULL)
    return -3;
  update(d, 0);
  rcu_unlock_domain(d);
  return 0;
}

int do_mmu_update(domid_t pt_dom, int count)
{
  struct domain *d = current_domain(), *pt_owner = d;
  int rc = 0, i;

  if (pt_dom != 0) {
    if ((pt_owner = rcu_lock_domain_by_id(pt_dom - 1)) == NULL)
      return -3;
    if (pt_owner == d)
      rcu_unlock_domain(pt_owner);
    else if (pt_owner->is_dying) {
      rc = -22;
      goto out;
    }
  }
  for (i = 0; i < count; i++) {
    update(pt_owner, i);
    if (pt_owner->is_dying || d->is_dying)
      d = current_domain();
  }
 out:
  if (pt_owner != d)
    rcu_unlock_domain(pt_owner);
  return rc;
}
