// lost-wakeup, Linux 6.1 drivers/xen/xenbus/xenbus_xs.c: a request that
// finds a suspend in progress waits on xs_state_enter_wq until
// xs_suspend_active drops back to 0; xs_suspend_exit() drops it.  Buggy:
// the exit wakes the queue only when it believes someone is waiting, a
// test made without the waiters' lock (seed 003's "notify only when the
// other side looks idle").
#include "linux-mini.h"

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
    wait_event(xs_state_enter_wq, xs_suspend_active == 0); // expected-note{{waiters of 'xs_state_enter_wq' sleep here until 'xs_suspend_active == 0'}}
    spin_lock(&xs_state_lock);
  }
  xs_state_users++;
  spin_unlock(&xs_state_lock);
  return 1;
}

void xs_suspend_exit(void) // expected-note{{xs_suspend_exit returns here without waking 'xs_state_enter_wq'}}
{
  spin_lock(&xs_state_lock);
  xs_suspend_active--; // expected-warning{{'xs_suspend_active' is changed without waking 'xs_state_enter_wq', whose waiters test 'xs_suspend_active == 0'; the wake-up is skipped when !(xs_enter_waiters)}} expected-note{{xs_suspend_exit writes 'xs_suspend_active' here}}
  spin_unlock(&xs_state_lock);
  if (xs_enter_waiters)
    wake_up(&xs_state_enter_wq);
}
