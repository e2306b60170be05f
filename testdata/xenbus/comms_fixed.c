// Seed 003, the xenbus comms rewrite: process_msg() takes xs_response_mutex
// on the first call for a message and keeps it across calls until the
// message is read ("holding the lock across multiple invocations ... feels
// bug-prone"), and takes xb_write_mutex inside it to hand the reply over.
// Fixed: the suspend path takes them in the same order.
#include "linux-mini.h"

DEFINE_MUTEX(xb_write_mutex);
DEFINE_MUTEX(xs_response_mutex);

struct xb_req_data {
  void (*cb)(struct xb_req_data *);
  int state;
};

static struct {
  int in_msg;
  unsigned used, len;
  struct xb_req_data *req;
} state;

int xb_data_to_read(void);

static int process_msg(void)
{
  if (!state.in_msg) {
    state.in_msg = 1;
    mutex_lock(&xs_response_mutex);
    if (!xb_data_to_read()) {
      mutex_unlock(&xs_response_mutex);
      state.in_msg = 0;
      return 0;
    }
  }
  if (state.used != state.len)
    return 0; // expected-warning{{'xs_response_mutex' is still held when process_msg returns here, but is released on another path}}
  mutex_lock(&xb_write_mutex);
  state.req->state = 1;
  state.req->cb(state.req);
  mutex_unlock(&xb_write_mutex);
  mutex_unlock(&xs_response_mutex);
  state.in_msg = 0;
  return 0;
}

int xenbus_thread(void *unused)
{
  for (;;)
    process_msg();
  return 0;
}

void xs_suspend_comms(void)
{
  mutex_lock(&xs_response_mutex);
  mutex_lock(&xb_write_mutex);
  mutex_unlock(&xb_write_mutex);
  mutex_unlock(&xs_response_mutex);
}
