// Branches correlated on the same condition: the lock is taken and dropped
// under the same test, so no path leaks it.  A lockset join reports these.
#include "linux-mini.h"

struct dev {
  spinlock_t lock;
  int users;
  int flags;
};
extern int owner_pid;
int current_pid(void);
void notify(struct dev *d);

void correlated_local(struct dev *d, int held)
{
  if (!held)
    spin_lock(&d->lock);
  d->users++;
  notify(d);
  if (!held)
    spin_unlock(&d->lock);
}

void correlated_memory(struct dev *d)
{
  if (current_pid() != owner_pid)
    spin_lock(&d->lock);
  d->users++;
  if (current_pid() != owner_pid)
    spin_unlock(&d->lock);
}

void uncorrelated(struct dev *d, int held, int other)
{
  if (!held)
    spin_lock(&d->lock);
  d->users++;
  if (!other)
    spin_unlock(&d->lock);
  return; // expected-warning{{'dev.lock' is still held when uncorrelated returns here}}
}

void correlation_broken_by_write(struct dev *d)
{
  if (d->flags)
    spin_lock(&d->lock);
  d->flags = 0;
  if (d->flags)
    spin_unlock(&d->lock);
  return; // expected-warning{{'dev.lock' is still held when correlation_broken_by_write returns here}}
}
