/*===- xs.c - Requests to xenstore (xenbus_xs.c's xs_talkv) ---------------===*/
#include "xenbus.h"

#include <stdlib.h>
#include <string.h>

static uint32_t xs_request_id;

static int test_reply(struct xb_req_data *req) {
  return READ_ONCE(req->state) == xb_req_state_got_reply;
}

static void xs_wake_up(struct xb_req_data *req) { wake_up(&req->wq); }

void xs_send(struct xb_req_data *req) {
  req->state = xb_req_state_queued;
  mutex_lock(&xb_write_mutex);
  req->msg.req_id = ++xs_request_id;
  list_add_tail(&req->list, &xb_write_list);
  /* As Linux: a list that was not empty has had its wake-up, and the
   * xenbus thread drains it before it sleeps (or xenstored's event for
   * room in the ring wakes it). */
  bool notify = req->list.prev == &xb_write_list;
  mutex_unlock(&xb_write_mutex);
  if (notify)
    wake_up(&xb_waitq);
}

int xs_talk(uint32_t type, const char *payload, char *reply, unsigned len) {
  struct xb_req_data *req = calloc(1, sizeof(*req));
  init_waitqueue_head(&req->wq);
  lockwise_set_queue_class(&req->wq, "xb_req_data.wq");
  req->msg.type = type;
  req->msg.len = (uint32_t)strlen(payload) + 1;
  req->body_out = payload;
  req->cb = xs_wake_up;
  xs_send(req);

  wait_event(req->wq, test_reply(req));
  /* Read req->state before all other fields. */
  virt_rmb();
  lockwise_hb_acquire(&req->state);

  int ret = -1;
  char *body = req->body;
  if (WARN(!body, "xenbus reply %u: state is got_reply but the body is not "
                  "there yet", req->msg.req_id)) {
    /* The caller would read freed or foreign memory in the kernel. */
  } else if (req->msg.type != XS_ERROR) {
    ret = (int)req->msg.len;
    strncpy(reply, body, len);
    reply[len - 1] = '\0';
  }
  free(body);
  /* As xs_wait_for_reply() in Linux: freed under xb_write_mutex, which the
   * xenbus thread holds while it publishes the reply and wakes req->wq, so
   * that wake-up is over before req goes (a waiter that finds the state
   * set before it sleeps returns while wake_up() is still running). */
  mutex_lock(&xb_write_mutex);
  free(req);
  mutex_unlock(&xb_write_mutex);
  return ret;
}
