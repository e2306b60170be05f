// lost-wakeup, Linux 6.1 drivers/xen/xenbus/xenbus_xs.c: a request that
// finds a suspend in progress waits on xs_state_enter_wq until
// xs_suspend_active drops back to 0; xs_suspend_exit() drops it.  Fixed,
// as upstream: the exit always wakes the queue.
#include "linux-mini.h"

// expected-no-diagnostics

static DEFINE_SPINLOCK(xs_state_lock);
static DECLARE_WAIT_QUEUE_HEAD(xs_state_enter_wq);
static int xs_suspend_active;
static unsigned int xs_state_users;
static int xs_enter_waiters;

unsigned int xs_request_enter(void)
{
  spin_lock(&xs_state_lock);
  while (!xs_state_users && xs_suspend_active) {
    spin_unlock(&xs_state_lock);
    wait_event(xs_state_enter_wq, xs_suspend_active == 0);
    spin_lock(&xs_state_lock);
  }
  xs_state_users++;
  spin_unlock(&xs_state_lock);
  return 1;
}

void xs_suspend_exit(void)
{
  spin_lock(&xs_state_lock);
  xs_suspend_active--;
  spin_unlock(&xs_state_lock);
  wake_up(&xs_state_enter_wq);
}
