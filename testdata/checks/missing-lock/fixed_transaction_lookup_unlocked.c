// missing-lock from the callee's own assertion, Linux 6.1
// drivers/xen/xenbus/xenbus_dev_frontend.c: a file's transactions list is
// protected by msgbuffer_mutex ("It therefore protects the transactions
// and watches lists", dev.c:90-93); here the lookup says so with
// lockdep_assert_held() (upstream, rules/linux-xenbus.jsonc's "requires"
// does).  Fixed, as upstream (dev.c:372): the reply
// callback holds msgbuffer_mutex while it ends the transaction.
#include "linux-mini.h"

// expected-no-diagnostics

#define XS_TRANSACTION_END 7

struct xenbus_transaction_holder {
  unsigned id;
  int active;
};

struct xenbus_file_priv {
  struct mutex msgbuffer_mutex;
  struct xenbus_transaction_holder trans;
};

struct xb_req_data {
  struct xenbus_file_priv *par;
  int type;
  unsigned tx_id;
};

static struct xenbus_transaction_holder *
xenbus_get_transaction(struct xenbus_file_priv *u, unsigned tx_id)
{
  lockdep_assert_held(&u->msgbuffer_mutex);
  if (u->trans.id == tx_id)
    return &u->trans;
  return 0;
}

static void xenbus_end_transaction(struct xenbus_file_priv *u, unsigned tx_id)
{
  struct xenbus_transaction_holder *trans = xenbus_get_transaction(u, tx_id);

  if (trans)
    trans->active = 0;
}

void xenbus_dev_queue_reply(struct xb_req_data *req)
{
  struct xenbus_file_priv *u = req->par;

  mutex_lock(&u->msgbuffer_mutex);
  if (req->type == XS_TRANSACTION_END)
    xenbus_end_transaction(u, req->tx_id);
  mutex_unlock(&u->msgbuffer_mutex);
}

long xenbus_file_write(struct xenbus_file_priv *u, unsigned tx_id)
{
  mutex_lock(&u->msgbuffer_mutex);
  xenbus_end_transaction(u, tx_id);
  mutex_unlock(&u->msgbuffer_mutex);
  return 0;
}
