/*===- xenbus.h - xenbus comms core (seed 003), internal interface -*- C -*-===*
 *
 * A user-space xenbus after the 2017 rewrite: callers queue requests on
 * xb_write_list; the xenbus thread writes them to the shared xenstore ring
 * and matches replies from the ring against xs_reply_list, handing each to
 * its request's callback (wake the kernel caller, or queue it for the
 * /dev/xen/xenbus reader); a simulated xenstored serves the other end.
 * Event channels are wait queues.
 *
 *===----------------------------------------------------------------------===*/
#ifndef LOCKWISE_CORES_XENBUS_H
#define LOCKWISE_CORES_XENBUS_H

#include "../common/klist.h"

#include <stdint.h>

#define XENSTORE_RING_SIZE 1024
#define XENSTORE_PAYLOAD_MAX 256
#define MASK_XENSTORE_IDX(Idx) ((Idx) & (XENSTORE_RING_SIZE - 1))
typedef uint32_t XENSTORE_RING_IDX;

enum xsd_sockmsg_type { XS_READ = 2, XS_WRITE = 11, XS_ERROR = 16 };

struct xsd_sockmsg {
  uint32_t type;
  uint32_t req_id;
  uint32_t tx_id;
  uint32_t len;
};

struct xenstore_domain_interface {
  char req[XENSTORE_RING_SIZE];
  char rsp[XENSTORE_RING_SIZE];
  XENSTORE_RING_IDX req_cons, req_prod;
  XENSTORE_RING_IDX rsp_cons, rsp_prod;
};

enum xb_req_state {
  xb_req_state_queued,
  xb_req_state_wait_reply,
  xb_req_state_got_reply,
};

struct xb_req_data {
  struct list_head list;
  wait_queue_head_t wq;
  struct xsd_sockmsg msg;
  const void *body_out; /* request payload */
  char *body;           /* reply payload, set by the xenbus thread */
  int state;            /* enum xb_req_state, READ_ONCE/WRITE_ONCE */
  /* Called by the xenbus thread with the reply in place, under
   * xb_write_mutex: xs_wake_up() for xs_talk, or the device's queueing. */
  void (*cb)(struct xb_req_data *req);
  void *par;              /* the callback's argument */
  uint32_t caller_req_id; /* the id the device's user chose, given back */
};

/* The two bugs, chosen by the scenario. */
extern int xb_bug_stale_notify; /* skip the notify when xenstored looked busy */
extern int xb_bug_reply_order;  /* publish reply state before the body */

extern struct xenstore_domain_interface xen_store_interface;
extern wait_queue_head_t xb_waitq;       /* guest side: the xenbus thread */
extern wait_queue_head_t xenstored_waitq; /* other side: xenstored */
extern struct mutex xb_write_mutex;
extern struct mutex xs_response_mutex;
extern struct list_head xb_write_list;
extern struct list_head xs_reply_list;

/* comms.c */
void xb_init_comms(void);
void xb_stop_comms(void);
void notify_remote_via_evtchn(void);

/* xs.c */
/* Queues req (msg, body_out, cb set) for the xenbus thread. */
void xs_send(struct xb_req_data *req);
/* One request/reply round trip; returns the reply length or -1. */
int xs_talk(uint32_t type, const char *payload, char *reply, unsigned len);

/* dev.c: /dev/xen/xenbus (xenbus_dev_frontend.c), requests in flight. */
struct xenbus_file_priv;
struct xenbus_file_priv *xenbus_file_open(void);
/* Takes a request's header and payload, in pieces if need be; a complete
 * one is sent at once.  Returns len, or -1 for a malformed request. */
int xenbus_file_write(struct xenbus_file_priv *u, const void *buf,
                      unsigned len);
/* Copies out queued reply bytes, sleeping until there are some. */
unsigned xenbus_file_read(struct xenbus_file_priv *u, void *buf, unsigned len);
void xenbus_file_release(struct xenbus_file_priv *u);

/* xenstored.c */
void xenstored_start(void);
void xenstored_stop(void);

#endif
