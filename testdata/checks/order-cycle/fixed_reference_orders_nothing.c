// order-cycle: a domain reference is not a lock.  Taking one under a
// spinlock and the spinlock under one orders nothing: an RCU read section
// excludes no one, so no cycle can close through it.
#include "xen-mini.h"
// expected-no-diagnostics

static spinlock_t table_lock;
void touch(struct domain *d);

void reference_under_lock(struct domain *d)
{
  spin_lock(&table_lock);
  rcu_lock_domain(d);
  touch(d);
  rcu_unlock_domain(d);
  spin_unlock(&table_lock);
}

int lock_under_reference(domid_t id)
{
  struct domain *d = rcu_lock_domain_by_id(id);

  if (!d)
    return -3;
  spin_lock(&table_lock);
  touch(d);
  spin_unlock(&table_lock);
  rcu_unlock_domain(d);
  return 0;
}
