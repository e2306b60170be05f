// double-lock, Linux 6.1 drivers/xen/xenbus/xenbus_dev_frontend.c: replies
// to a /dev/xen/xenbus reader are queued under the file's reply_mutex.
// Fixed: queue_reply() leaves reply_mutex to its callers, as upstream
// (it only asserts it here), and xenbus_dev_queue_reply() holds it around
// both calls.
#include "linux-mini.h"

// expected-no-diagnostics

struct xenbus_file_priv {
  struct mutex msgbuffer_mutex;
  struct mutex reply_mutex;
  unsigned read_buffers;
};

struct xb_req_data {
  struct xenbus_file_priv *par;
  unsigned len;
  const char *body;
};

static int queue_reply(struct xenbus_file_priv *u, const void *data, unsigned len)
{
  lockdep_assert_held(&u->reply_mutex);
  u->read_buffers++;
  return 0;
}

void xenbus_dev_queue_reply(struct xb_req_data *req)
{
  struct xenbus_file_priv *u = req->par;
  int rc;

  mutex_lock(&u->reply_mutex);
  rc = queue_reply(u, req, sizeof(*req));
  if (!rc)
    rc = queue_reply(u, req->body, req->len);
  mutex_unlock(&u->reply_mutex);
}
