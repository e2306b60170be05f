// double-lock, Linux 6.1 drivers/xen/xenbus/xenbus_dev_frontend.c: replies
// to a /dev/xen/xenbus reader are queued under the file's reply_mutex.
// Buggy: queue_reply() takes reply_mutex itself, but
// xenbus_dev_queue_reply() already holds it around the two queue_reply()
// calls for the header and the body, so the first call deadlocks.
#include "linux-mini.h"

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
  mutex_lock(&u->reply_mutex); // expected-note 2 {{'xenbus_file_priv.reply_mutex' acquired here in queue_reply}}
  u->read_buffers++;
  mutex_unlock(&u->reply_mutex);
  return 0;
}

void xenbus_dev_queue_reply(struct xb_req_data *req)
{
  struct xenbus_file_priv *u = req->par;
  int rc;

  mutex_lock(&u->reply_mutex); // expected-note 2 {{'xenbus_file_priv.reply_mutex' acquired here in xenbus_dev_queue_reply}}
  rc = queue_reply(u, req, sizeof(*req)); // expected-warning{{double lock of 'xenbus_file_priv.reply_mutex' in xenbus_dev_queue_reply}}
  // expected-note@-1{{xenbus_dev_queue_reply calls queue_reply}}
  if (!rc)
    rc = queue_reply(u, req->body, req->len); // expected-warning{{double lock of 'xenbus_file_priv.reply_mutex' in xenbus_dev_queue_reply}}
  // expected-note@-1{{xenbus_dev_queue_reply calls queue_reply}}
  mutex_unlock(&u->reply_mutex);
}
