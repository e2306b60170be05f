// lock-leak, fixed: gnttab_get_version() ends the RCU read section of its
// domain reference on every path (9c881a8b3969).  The other ways to take
// and keep a reference are quiet too: a reference stored through an
// out-parameter and dropped under "if ( fdom )" (p2m_add_foreign()), one
// taken on a domain at hand (evtchn_close()'s rcu_lock_domain(d2)), and
// releases that only some identities of the holder need ("if ( d != dom_io
// )", do_domctl()): which values carry a reference is the test's to say.
#include "xen-mini.h"
// expected-no-diagnostics

int xsm_grant_query_size(struct domain *d);
int copy_version_to_guest(int version);
int map_foreign(struct domain *t, struct domain *f);
int domctl_lock_acquire(void);
extern struct domain *dom_xen, *dom_io;

int gnttab_get_version(domid_t dom)
{
  struct domain *d;
  int rc, version;

  d = rcu_lock_domain_by_any_id(dom);
  if (d == NULL)
    return -3;

  rc = xsm_grant_query_size(d);
  if (rc) {
    rcu_unlock_domain(d);
    return rc;
  }

  version = d->is_dying ? 1 : 2;
  rcu_unlock_domain(d);

  if (copy_version_to_guest(version))
    return -14;
  return 0;
}

int p2m_add_foreign(struct domain *tdom, domid_t foreigndom)
{
  struct domain *fdom;
  int rc;

  if (foreigndom == 0x7ff2)
    fdom = rcu_lock_domain(dom_xen);
  else {
    rc = rcu_lock_remote_domain_by_id(foreigndom, &fdom);
    if (rc)
      return rc;
    rc = -22;
    if (tdom == fdom)
      goto out;
  }
  rc = map_foreign(tdom, fdom);
 out:
  if (fdom)
    rcu_unlock_domain(fdom);
  return rc;
}

int close_pair(struct domain *d1, struct domain *d2, int port)
{
  int rc = 0;

  if (d2 != NULL) {
    rcu_lock_domain(d2);
    if (port < 0) {
      rc = -22;
      goto out;
    }
  }
  rc = map_foreign(d1, d2);
 out:
  if (d2 != NULL)
    rcu_unlock_domain(d2);
  return rc;
}

int do_domctl(domid_t dom, int cmd)
{
  struct domain *d;
  int ret;

  if (cmd == 1)
    d = dom_io;
  else {
    d = rcu_lock_domain_by_id(dom);
    if (!d)
      return -3;
  }

  if (!domctl_lock_acquire()) {
    if (d != dom_io)
      rcu_unlock_domain(d);
    return -85;
  }
  ret = map_foreign(d, d);
  if (d != dom_io)
    rcu_unlock_domain(d);
  return ret;
}
