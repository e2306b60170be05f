// held-across, Linux 6.1 drivers/xen/xenbus/xenbus_xs.c: a request is
// queued on xb_write_list under xb_write_mutex for xenbus_thread() to
// send, and its reply is matched to it under the same mutex.  Fixed, as
// upstream (xs_send() then xs_wait_for_reply()): xb_write_mutex is dropped
// before waiting for the reply.
#include "linux-mini.h"

// expected-no-diagnostics

static DEFINE_MUTEX(xb_write_mutex);

struct xb_req_data {
  int state;
  const void *body;
};

void xb_write_list_add(struct xb_req_data *req);
void *read_reply(struct xb_req_data *req);
void wake_xenbus_thread(void);

void *xs_talkv(struct xb_req_data *req)
{
  void *ret;

  mutex_lock(&xb_write_mutex);
  xb_write_list_add(req);
  mutex_unlock(&xb_write_mutex);
  wake_xenbus_thread();
  ret = read_reply(req);
  return ret;
}
