// double-unlock of a domain reference the lookup did not take, Xen 4.17
// xen/common/grant_table.c gnttab_setup_table() (fixed by 5e436e7a4508,
// "common/gnttab: Correct error handling for gnttab_setup_table()"): every
// exit goes through "out:", which ends the domain's RCU read section.
// Buggy: the bad-domain path, where rcu_lock_domain_by_any_id() returned
// NULL, reaches that release too.  Releasing what a failed try did not
// take is one release too many.
#include "xen-mini.h"

int xsm_grant_setup(struct domain *d);
int grow_table(struct domain *d, unsigned int frames);

int gnttab_setup_table(domid_t dom, unsigned int frames)
{
  struct domain *d;
  int status = 0;

  d = rcu_lock_domain_by_any_id(dom); // expected-note{{'domain.rcu_lock' not taken here: the attempt failed}}
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
  rcu_unlock_domain(d); // expected-warning{{unlock of 'domain.rcu_lock' in gnttab_setup_table on a path where taking it failed}}
  return status;
}
