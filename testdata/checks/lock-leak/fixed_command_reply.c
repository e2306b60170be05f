// lock-leak, Linux 6.1 drivers/xen/xenbus/xenbus_dev_frontend.c:
// xenbus_command_reply() answers a request written to /dev/xen/xenbus
// with a short reply, queued under the file's reply_mutex.  Fixed:
// the allocation failure drops reply_mutex before it returns.
#include "linux-mini.h"

// expected-no-diagnostics

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

  mutex_lock(&u->reply_mutex);
  reply = kmalloc(len, GFP_KERNEL);
  if (!reply) {
    mutex_unlock(&u->reply_mutex);
    return -ENOMEM;
  }
  rc = queue_reply(u, reply, len);
  kfree(reply);
  mutex_unlock(&u->reply_mutex);
  return rc;
}
