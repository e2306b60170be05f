// held-across, Linux 6.1 drivers/xen/xenbus/xenbus_xs.c: a request is
// queued on xb_write_list under xb_write_mutex for xenbus_thread() to
// send, and its reply is matched to it under the same mutex.  Buggy:
// xs_talkv() waits for the reply (read_reply()) before it drops
// xb_write_mutex, so the reply can never be matched.
#include "linux-mini.h"

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

  mutex_lock(&xb_write_mutex); // expected-note{{'xb_write_mutex' acquired here in xs_talkv}}
  xb_write_list_add(req);
  wake_xenbus_thread();
  ret = read_reply(req); // expected-warning{{'read_reply' is called while 'xb_write_mutex' is held in xs_talkv}} expected-note{{xs_talkv calls read_reply}}
  mutex_unlock(&xb_write_mutex);
  return ret;
}
