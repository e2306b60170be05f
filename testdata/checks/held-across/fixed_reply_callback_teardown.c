// held-across, Linux 6.1 drivers/xen/xenbus: process_msg() runs a reply's
// callback with xs_response_mutex held.  /dev/xen/xenbus's callback,
// xenbus_dev_queue_reply(), may drop the last reference to the file, whose
// teardown ends its transactions and unregisters its watches: xenstore
// requests.  Fixed, as upstream: the teardown is deferred to a workqueue
// ("We might be called in xenbus_thread(). Use workqueue to avoid
// deadlock.", dev.c:343-348).
#include "linux-mini.h"

// expected-no-diagnostics

static DEFINE_MUTEX(xs_response_mutex);

struct xenbus_watch { const char *node; };
struct work_struct { void (*func)(struct work_struct *); };
int schedule_work(struct work_struct *work);

struct xenbus_file_priv {
  struct mutex reply_mutex;
  unsigned read_buffers;
  unsigned refs;
  unsigned transaction_id;
  struct xenbus_watch watch;
  struct work_struct wq;
};

struct xb_req_data {
  void (*cb)(struct xb_req_data *);
  struct xenbus_file_priv *par;
};

int xenbus_transaction_end(unsigned t, int abort);
void unregister_xenbus_watch(struct xenbus_watch *watch);
int xs_send(struct xb_req_data *req);
struct xb_req_data *next_reply(void);

static void xenbus_file_free(struct xenbus_file_priv *u)
{
  if (u->transaction_id)
    xenbus_transaction_end(u->transaction_id, 1);
  unregister_xenbus_watch(&u->watch);
  kfree(u);
}

static void xenbus_worker(struct work_struct *wq)
{
  /* container_of(wq, struct xenbus_file_priv, wq) */
  xenbus_file_free((struct xenbus_file_priv *)wq);
}

static void xenbus_dev_queue_reply(struct xb_req_data *req)
{
  struct xenbus_file_priv *u = req->par;

  mutex_lock(&u->reply_mutex);
  u->read_buffers++;
  mutex_unlock(&u->reply_mutex);
  if (--u->refs == 0)
    schedule_work(&u->wq);
}

int xenbus_dev_request_and_reply(struct xenbus_file_priv *u, struct xb_req_data *req)
{
  u->wq.func = xenbus_worker;
  req->par = u;
  req->cb = xenbus_dev_queue_reply;
  u->refs++;
  return xs_send(req);
}

static int process_msg(void)
{
  struct xb_req_data *req;

  mutex_lock(&xs_response_mutex);
  req = next_reply();
  if (req)
    req->cb(req);
  mutex_unlock(&xs_response_mutex);
  return 0;
}

int xenbus_thread(void *unused)
{
  for (;;)
    process_msg();
  return 0;
}
