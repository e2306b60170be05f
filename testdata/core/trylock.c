// Try-locks acquire only on the success branch, whatever shape the test has.
#include "linux-mini.h"

DEFINE_MUTEX(cfg_mutex);
DEFINE_SPINLOCK(stat_lock);
int work(void);

int try_ok(void)
{
  if (!mutex_trylock(&cfg_mutex))
    return -1;
  work();
  mutex_unlock(&cfg_mutex);
  return 0;
}

int interruptible_ok(void)
{
  if (mutex_lock_interruptible(&cfg_mutex))
    return -EINTR;
  work();
  mutex_unlock(&cfg_mutex);
  return 0;
}

int interruptible_rc_ok(void)
{
  int rc = mutex_lock_interruptible(&cfg_mutex);
  if (rc < 0)
    return rc;
  mutex_unlock(&cfg_mutex);
  return 0;
}

int spin_try_ok(void)
{
  if (spin_trylock(&stat_lock)) {
    work();
    spin_unlock(&stat_lock);
    return 1;
  }
  return 0;
}

int try_leak(void)
{
  if (!mutex_trylock(&cfg_mutex))
    return -1;
  if (work() < 0)
    return -2; // expected-warning{{'cfg_mutex' is still held when try_leak returns here}}
  mutex_unlock(&cfg_mutex);
  return 0;
}
