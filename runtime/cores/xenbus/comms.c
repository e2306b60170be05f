/*===- comms.c - The xenbus thread and the ring I/O (guest side) ----------===*
 *
 * After drivers/xen/xenbus/xenbus_comms.c as rewritten in seed 003.  The
 * ring indexes are read and written with READ_ONCE/WRITE_ONCE; the barriers
 * that order them against the data carry TSan happens-before annotations
 * on the index they publish.
 *
 *===----------------------------------------------------------------------===*/
#include "xenbus.h"

#include <stdlib.h>
#include <string.h>

int xb_bug_stale_notify;
int xb_bug_reply_order;

struct xenstore_domain_interface xen_store_interface;
DECLARE_WAIT_QUEUE_HEAD(xb_waitq);
DEFINE_MUTEX(xb_write_mutex);
DEFINE_MUTEX(xs_response_mutex);
LIST_HEAD(xb_write_list);
LIST_HEAD(xs_reply_list);

static struct task_struct *xenbus_task;

/* Raises the event channel: xenstored's "interrupt".  The queue's address
 * stands for the channel in the TSan annotations. */
void notify_remote_via_evtchn(void) {
  lockwise_hb_release(&xenstored_waitq);
  wake_up(&xenstored_waitq);
}

static int xb_data_to_write(void) {
  struct xenstore_domain_interface *intf = &xen_store_interface;
  return READ_ONCE(intf->req_prod) - READ_ONCE(intf->req_cons) !=
             XENSTORE_RING_SIZE &&
         !list_empty(&xb_write_list);
}

static int xb_data_to_read(void) {
  struct xenstore_domain_interface *intf = &xen_store_interface;
  return READ_ONCE(intf->rsp_cons) != READ_ONCE(intf->rsp_prod);
}

static int xb_write(const void *data, unsigned int len) {
  struct xenstore_domain_interface *intf = &xen_store_interface;
  unsigned int bytes = 0;

  while (len != 0) {
    XENSTORE_RING_IDX cons = READ_ONCE(intf->req_cons);
    XENSTORE_RING_IDX prod = READ_ONCE(intf->req_prod);
    if (prod - cons == XENSTORE_RING_SIZE)
      return bytes;
    /* Must write data /after/ reading the consumer index. */
    virt_mb();
    lockwise_hb_acquire(&intf->req_cons);

    unsigned int avail = XENSTORE_RING_SIZE - (prod - cons);
    unsigned int chunk = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod);
    if (avail > chunk)
      avail = chunk;
    if (avail > len)
      avail = len;
    memcpy(intf->req + MASK_XENSTORE_IDX(prod), data, avail);
    data = (const char *)data + avail;
    len -= avail;
    bytes += avail;

    /* Other side must not see new producer until data is there. */
    virt_wmb();
    lockwise_hb_release(&intf->req_prod);
    WRITE_ONCE(intf->req_prod, prod + avail);

    if (xb_bug_stale_notify) {
      /* "xenstored is known to be running": judged from the consumer index
       * read before writing, which it may have moved past since. */
      if (prod <= cons)
        notify_remote_via_evtchn();
    } else {
      /* Re-read after publishing: xenstored either sees the new producer
       * before it sleeps, or has caught up and gets the event. */
      virt_mb();
      if (prod <= READ_ONCE(intf->req_cons))
        notify_remote_via_evtchn();
    }
  }
  return bytes;
}

static int xb_read(void *data, unsigned int len) {
  struct xenstore_domain_interface *intf = &xen_store_interface;
  unsigned int bytes = 0;

  while (len != 0) {
    XENSTORE_RING_IDX cons = READ_ONCE(intf->rsp_cons);
    XENSTORE_RING_IDX prod = READ_ONCE(intf->rsp_prod);
    if (cons == prod)
      return bytes;
    virt_rmb();
    lockwise_hb_acquire(&intf->rsp_prod);

    unsigned int avail = prod - cons;
    unsigned int chunk = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(cons);
    if (avail > chunk)
      avail = chunk;
    if (avail > len)
      avail = len;
    memcpy(data, intf->rsp + MASK_XENSTORE_IDX(cons), avail);
    data = (char *)data + avail;
    len -= avail;
    bytes += avail;

    /* Other side must not see free space until we've copied out. */
    virt_mb();
    lockwise_hb_release(&intf->rsp_cons);
    WRITE_ONCE(intf->rsp_cons, cons + avail);
    /* Notify only when the ring was full: xenstored may wait for room.
     * The producer is read again after publishing the consumer, as in
     * Linux: xenstored may have filled the ring since it was read above,
     * and then looked at the old consumer index before sleeping. */
    virt_mb();
    if (READ_ONCE(intf->rsp_prod) - cons >= XENSTORE_RING_SIZE)
      notify_remote_via_evtchn();
  }
  return bytes;
}

static void deliver_reply(struct xb_req_data *req, char *body) {
  list_del(&req->list);
  if (xb_bug_reply_order) {
    /* Publishing the state first lets a woken caller find no body. */
    lockwise_hb_release(&req->state);
    WRITE_ONCE(req->state, xb_req_state_got_reply);
    virt_wmb();
    req->body = body;
  } else {
    req->body = body;
    /* Write body, then update state. */
    virt_wmb();
    lockwise_hb_release(&req->state);
    WRITE_ONCE(req->state, xb_req_state_got_reply);
  }
  /* Wakes the caller, or queues the reply for the device's reader (which
   * frees req: it is not to be touched after this). */
  req->cb(req);
}

/* Reads at most what the ring holds; a message may take several calls, and
 * xs_response_mutex stays held from its first byte to its last. */
static int process_msg(void) {
  static struct {
    struct xsd_sockmsg msg;
    char *body;
    bool in_msg;
    bool in_hdr;
    unsigned int used;
  } state;

  if (!state.in_msg) {
    state.in_msg = true;
    state.in_hdr = true;
    state.used = 0;
    /* A partial read across save/restore would leave us out of sync. */
    mutex_lock(&xs_response_mutex);
    if (!xb_data_to_read()) {
      mutex_unlock(&xs_response_mutex);
      state.in_msg = false;
      return 0;
    }
  }

  if (state.in_hdr) {
    if (state.used != sizeof(state.msg)) {
      state.used += xb_read((char *)&state.msg + state.used,
                            sizeof(state.msg) - state.used);
      if (state.used != sizeof(state.msg))
        return 0;
    }
    if (state.msg.len > XENSTORE_PAYLOAD_MAX) {
      mutex_unlock(&xs_response_mutex);
      state.in_msg = false;
      return -1;
    }
    state.body = malloc(state.msg.len + 1);
    state.in_hdr = false;
    state.used = 0;
  }

  state.used += xb_read(state.body + state.used, state.msg.len - state.used);
  if (state.used != state.msg.len)
    return 0;
  state.body[state.msg.len] = '\0';

  struct xb_req_data *req, *found = NULL;
  mutex_lock(&xb_write_mutex);
  list_for_each_entry(req, &xs_reply_list, list) {
    if (req->msg.req_id == state.msg.req_id) {
      found = req;
      break;
    }
  }
  if (found) {
    found->msg.type = state.msg.type;
    found->msg.len = state.msg.len;
    deliver_reply(found, state.body);
  } else {
    free(state.body);
  }
  mutex_unlock(&xb_write_mutex);
  mutex_unlock(&xs_response_mutex);
  state.in_msg = false;
  state.body = NULL;
  return 0;
}

static int process_writes(void) {
  static struct {
    struct xb_req_data *req;
    int idx; /* -1: the header, 0: the payload */
    unsigned int used;
  } state;

  if (!xb_data_to_write())
    return 0;
  mutex_lock(&xb_write_mutex);
  if (!state.req) {
    state.req = list_first_entry(&xb_write_list, struct xb_req_data, list);
    state.idx = -1;
    state.used = 0;
  }
  while (state.idx < 1) {
    const char *base = state.idx < 0 ? (const char *)&state.req->msg
                                     : (const char *)state.req->body_out;
    unsigned int len = state.idx < 0 ? sizeof(state.req->msg)
                                     : state.req->msg.len;
    state.used += xb_write(base + state.used, len - state.used);
    if (state.used != len)
      goto out;
    state.idx++;
    state.used = 0;
  }
  /* The reply is read by this thread too, so req cannot go away here. */
  list_del(&state.req->list);
  WRITE_ONCE(state.req->state, xb_req_state_wait_reply);
  list_add_tail(&state.req->list, &xs_reply_list);
  state.req = NULL;
out:
  mutex_unlock(&xb_write_mutex);
  return 0;
}

static int xb_thread_work(void) { return xb_data_to_read() || xb_data_to_write(); }

static int xenbus_thread(void *unused) {
  (void)unused;
  while (!kthread_should_stop()) {
    if (wait_event_interruptible(xb_waitq,
                                 xb_thread_work() || kthread_should_stop()))
      continue;
    lockwise_hb_acquire(&xb_waitq);
    process_msg();
    process_writes();
  }
  return 0;
}

/* xenstored's interrupt to us: wake_waiting() in Linux. */
void xb_wake_waiting(void) {
  lockwise_hb_release(&xb_waitq);
  wake_up(&xb_waitq);
}

void xb_init_comms(void) {
  xenbus_task = kthread_run(xenbus_thread, NULL, "xenbus");
}

void xb_stop_comms(void) {
  kthread_stop(xenbus_task);
  xenbus_task = NULL;
}
