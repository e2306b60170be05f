// missing-lock from the callee's own assertion, Linux 6.1
// drivers/xen/xenbus/xenbus_dev_frontend.c: a file's transactions list is
// protected by msgbuffer_mutex ("It therefore protects the transactions
// and watches lists", dev.c:90-93); here the lookup says so with
// lockdep_assert_held() (upstream, rules/linux-xenbus.jsonc's "requires"
// does).  Buggy: the reply callback ends a transaction
// without taking msgbuffer_mutex (upstream takes it, dev.c:372); the
// requirement travels up through xenbus_end_transaction() to it.
#include "linux-mini.h"

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
  lockdep_assert_held(&u->msgbuffer_mutex); // expected-note{{xenbus_get_transaction asserts 'xenbus_file_priv.msgbuffer_mutex' is held (lockdep_assert_held)}}
  if (u->trans.id == tx_id)
    return &u->trans;
  return 0;
}

static void xenbus_end_transaction(struct xenbus_file_priv *u, unsigned tx_id)
{
  struct xenbus_transaction_holder *trans = xenbus_get_transaction(u, tx_id); // expected-note{{xenbus_end_transaction calls xenbus_get_transaction}}

  if (trans)
    trans->active = 0;
}

void xenbus_dev_queue_reply(struct xb_req_data *req)
{
  struct xenbus_file_priv *u = req->par;

  if (req->type == XS_TRANSACTION_END)
    xenbus_end_transaction(u, req->tx_id); // expected-warning{{'xenbus_file_priv.msgbuffer_mutex' is not held when calling xenbus_get_transaction, which asserts it}}
  // expected-note@-1{{xenbus_dev_queue_reply calls xenbus_end_transaction}}
}

long xenbus_file_write(struct xenbus_file_priv *u, unsigned tx_id)
{
  mutex_lock(&u->msgbuffer_mutex);
  xenbus_end_transaction(u, tx_id);
  mutex_unlock(&u->msgbuffer_mutex);
  return 0;
}
