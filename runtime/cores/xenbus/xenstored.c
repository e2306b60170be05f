/*===- xenstored.c - The other end of the ring: a tiny xenstored ----------===*
 *
 * Reads whole requests from the request ring, keeps a path -> value store,
 * and answers on the response ring, raising the guest's event channel.
 *
 *===----------------------------------------------------------------------===*/
#include "xenbus.h"

#include <stdio.h>
#include <string.h>

DECLARE_WAIT_QUEUE_HEAD(xenstored_waitq);

void xb_wake_waiting(void);

#define STORE_SLOTS 16
static struct {
  char path[64];
  char value[64];
} store[STORE_SLOTS];

static struct task_struct *xenstored_task;
static char inbuf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX + 1];
static unsigned int inlen;

static int requests_pending(void) {
  struct xenstore_domain_interface *intf = &xen_store_interface;
  return READ_ONCE(intf->req_prod) != READ_ONCE(intf->req_cons);
}

static int rsp_room(void) {
  struct xenstore_domain_interface *intf = &xen_store_interface;
  return READ_ONCE(intf->rsp_prod) - READ_ONCE(intf->rsp_cons) !=
         XENSTORE_RING_SIZE;
}

static void respond(const struct xsd_sockmsg *req, const char *body) {
  struct xenstore_domain_interface *intf = &xen_store_interface;
  struct xsd_sockmsg hdr = *req;
  char out[sizeof(hdr) + XENSTORE_PAYLOAD_MAX];
  hdr.len = (uint32_t)strlen(body) + 1;
  memcpy(out, &hdr, sizeof(hdr));
  memcpy(out + sizeof(hdr), body, hdr.len);
  unsigned int total = sizeof(hdr) + hdr.len;

  /* With requests in flight the replies may fill the ring: write what
   * fits, publish it, and sleep until the guest has read a full ring (it
   * raises the event then, see xb_read). */
  for (unsigned int done = 0; done < total;) {
    wait_event(xenstored_waitq, rsp_room() || kthread_should_stop());
    XENSTORE_RING_IDX prod = READ_ONCE(intf->rsp_prod);
    XENSTORE_RING_IDX cons = READ_ONCE(intf->rsp_cons);
    if (prod - cons == XENSTORE_RING_SIZE)
      return; /* stopping with the guest gone */
    virt_mb();
    lockwise_hb_acquire(&intf->rsp_cons);
    unsigned int n = XENSTORE_RING_SIZE - (prod - cons);
    if (n > total - done)
      n = total - done;
    for (unsigned int i = 0; i < n; ++i)
      intf->rsp[MASK_XENSTORE_IDX(prod + i)] = out[done + i];
    done += n;
    virt_wmb();
    lockwise_hb_release(&intf->rsp_prod);
    WRITE_ONCE(intf->rsp_prod, prod + n);
    /* Publish the producer before looking at the consumer again. */
    virt_mb();
    xb_wake_waiting();
  }
}

static void serve(const struct xsd_sockmsg *msg, char *payload) {
  char *value = strchr(payload, '=');
  if (value)
    *value++ = '\0';
  for (int i = 0; i < STORE_SLOTS; ++i) {
    if (store[i].path[0] && strcmp(store[i].path, payload) != 0)
      continue;
    if (msg->type == XS_WRITE && value) {
      snprintf(store[i].path, sizeof(store[i].path), "%s", payload);
      snprintf(store[i].value, sizeof(store[i].value), "%s", value);
      respond(msg, "OK");
      return;
    }
    if (store[i].path[0]) {
      respond(msg, store[i].value);
      return;
    }
  }
  struct xsd_sockmsg err = *msg;
  err.type = XS_ERROR;
  respond(&err, "ENOENT");
}

/* Consumes what the ring holds and serves every complete request. */
static void consume(void) {
  struct xenstore_domain_interface *intf = &xen_store_interface;
  XENSTORE_RING_IDX cons = READ_ONCE(intf->req_cons);
  XENSTORE_RING_IDX prod = READ_ONCE(intf->req_prod);
  virt_rmb();
  lockwise_hb_acquire(&intf->req_prod);
  XENSTORE_RING_IDX first = cons;
  while (cons != prod && inlen < sizeof(inbuf))
    inbuf[inlen++] = intf->req[MASK_XENSTORE_IDX(cons++)];
  virt_mb();
  lockwise_hb_release(&intf->req_cons);
  WRITE_ONCE(intf->req_cons, cons);
  /* Publish the consumer index before looking at the producer again. */
  virt_mb();
  /* The guest sleeps on a full ring: raise its event if the ring was full
   * before this read, with the producer read again now (the guest may
   * have filled it meanwhile) -- xb_read's rule, the other way round. */
  if (READ_ONCE(intf->req_prod) - first >= XENSTORE_RING_SIZE)
    xb_wake_waiting();

  for (;;) {
    struct xsd_sockmsg msg;
    if (inlen < sizeof(msg))
      return;
    memcpy(&msg, inbuf, sizeof(msg));
    unsigned int whole = sizeof(msg) + msg.len;
    if (inlen < whole)
      return;
    char payload[XENSTORE_PAYLOAD_MAX + 1];
    memcpy(payload, inbuf + sizeof(msg), msg.len);
    payload[msg.len] = '\0';
    memmove(inbuf, inbuf + whole, inlen - whole);
    inlen -= whole;
    serve(&msg, payload);
  }
}

static int xenstored_thread(void *unused) {
  (void)unused;
  for (;;) {
    wait_event(xenstored_waitq, requests_pending() || kthread_should_stop());
    if (!requests_pending() && kthread_should_stop())
      return 0;
    lockwise_hb_acquire(&xenstored_waitq);
    consume();
  }
}

void xenstored_start(void) {
  /* The toolstack clears the ring page before either end looks at it. */
  memset(&xen_store_interface, 0, sizeof(xen_store_interface));
  memset(store, 0, sizeof(store));
  inlen = 0;
  xenstored_task = kthread_run(xenstored_thread, NULL, "xenstored");
}

void xenstored_stop(void) {
  kthread_stop(xenstored_task);
  xenstored_task = NULL;
}
