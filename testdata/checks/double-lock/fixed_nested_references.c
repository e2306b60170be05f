// double-lock: references nest.  A grant transfer holds references to two
// domains at once, and a domain at hand may be referenced again
// (rcu_lock_domain(d) inside a section that holds d): neither is a lock
// taken twice.
#include "xen-mini.h"
// expected-no-diagnostics

void move_page(struct domain *from, struct domain *to);

int transfer(domid_t src, domid_t dst)
{
  struct domain *s, *t;

  s = rcu_lock_domain_by_id(src);
  if (s == NULL)
    return -3;
  t = rcu_lock_domain_by_id(dst);
  if (t == NULL) {
    rcu_unlock_domain(s);
    return -3;
  }
  rcu_lock_domain(s);
  move_page(s, t);
  rcu_unlock_domain(s);
  rcu_unlock_domain(t);
  rcu_unlock_domain(s);
  return 0;
}
