// lock-leak, Linux 6.1 drivers/xen/xenbus/xenbus_dev_frontend.c:
// xenbus_command_reply() answers a request written to /dev/xen/xenbus
// with a short reply, queued under the file's reply_mutex.  Buggy:
// the allocation failure after taking reply_mutex returns without
// dropping it, and the next reader of the file blocks for ever.
#include "linux-mini.h"

struct xenbus_file_priv {
  struct mutex msgbuffer_mutex;
  struct mutex reply_mutex;
  unsigned read_buffers;
};

int queue_reply(struct xenbus_file_priv *u, const void *data, unsigned len);

int xenbus_command_reply(struct xenbus_file_priv *u, const char *body, unsigned len)
{
  void *reply;
  int rc;

  mutex_lock(&u->reply_mutex); // expected-note{{'xenbus_file_priv.reply_mutex' acquired here in xenbus_command_reply}}
  reply = kmalloc(len, GFP_KERNEL);
  if (!reply)
    return -ENOMEM; // expected-warning{{'xenbus_file_priv.reply_mutex' is still held when xenbus_command_reply returns here, but is released on another path}}
  rc = queue_reply(u, reply, len);
  kfree(reply);
  mutex_unlock(&u->reply_mutex); // expected-note{{'xenbus_file_priv.reply_mutex' released here on another path}}
  return rc;
}
