/*===- dev.c - /dev/xen/xenbus: requests from user space ------------------===*
 *
 * After drivers/xen/xenbus/xenbus_dev_frontend.c: a process writes whole
 * xenstore requests to the file and reads the replies back as a byte
 * stream, in the order xenstored answered; it may have many requests in
 * flight.  The xenbus thread hands each reply to xenbus_dev_queue_reply(),
 * which queues it on the file's read_buffers under reply_mutex and wakes
 * read_waitq.  The core has no transactions or watches, so the callback
 * has no msgbuffer_mutex work to do.
 *
 *===----------------------------------------------------------------------===*/
#include "xenbus.h"

#include <stdlib.h>
#include <string.h>

struct read_buffer {
  struct list_head list;
  unsigned int cons;
  unsigned int len;
  char msg[]; /* a reply: header and body */
};

struct xenbus_file_priv {
  /* Held while a partial request is built up and a complete one is sent. */
  struct mutex msgbuffer_mutex;
  unsigned int len;
  union {
    struct xsd_sockmsg msg;
    char buffer[XENSTORE_PAYLOAD_MAX];
  } u;

  /* The replies not read yet. */
  struct mutex reply_mutex;
  struct list_head read_buffers;
  wait_queue_head_t read_waitq;
};

/* The xenbus thread's callback (under xs_response_mutex and xb_write_mutex
 * in this core); the request is ours to free. */
static void xenbus_dev_queue_reply(struct xb_req_data *req) {
  struct xenbus_file_priv *u = req->par;
  unsigned int len = sizeof(req->msg) + req->msg.len;
  struct read_buffer *rb = malloc(sizeof(*rb) + len);
  rb->cons = 0;
  rb->len = len;
  req->msg.req_id = req->caller_req_id;
  memcpy(rb->msg, &req->msg, sizeof(req->msg));
  memcpy(rb->msg + sizeof(req->msg), req->body, req->msg.len);

  mutex_lock(&u->reply_mutex);
  list_add_tail(&rb->list, &u->read_buffers);
  wake_up(&u->read_waitq);
  mutex_unlock(&u->reply_mutex);

  free(req->body);
  free(req);
}

/* Linux points the request at u->u.buffer, which the file's next write
 * refills, maybe before the xenbus thread has put this one on the ring;
 * the core copies the payload into the request instead. */
static void xenbus_dev_request_and_reply(struct xenbus_file_priv *u) {
  struct xb_req_data *req = calloc(1, sizeof(*req) + u->u.msg.len);
  memcpy(req + 1, u->u.buffer + sizeof(u->u.msg), u->u.msg.len);
  req->msg = u->u.msg;
  req->body_out = req + 1;
  req->caller_req_id = u->u.msg.req_id;
  req->cb = xenbus_dev_queue_reply;
  req->par = u;
  xs_send(req);
}

struct xenbus_file_priv *xenbus_file_open(void) {
  struct xenbus_file_priv *u = calloc(1, sizeof(*u));
  mutex_init(&u->msgbuffer_mutex);
  lockwise_set_class(&u->msgbuffer_mutex, "xenbus_file_priv.msgbuffer_mutex");
  mutex_init(&u->reply_mutex);
  lockwise_set_class(&u->reply_mutex, "xenbus_file_priv.reply_mutex");
  INIT_LIST_HEAD(&u->read_buffers);
  init_waitqueue_head(&u->read_waitq);
  lockwise_set_queue_class(&u->read_waitq, "xenbus_file_priv.read_waitq");
  return u;
}

int xenbus_file_write(struct xenbus_file_priv *u, const void *buf,
                      unsigned len) {
  int rc = (int)len;
  mutex_lock(&u->msgbuffer_mutex);
  if (len > sizeof(u->u.buffer) - u->len) {
    u->len = 0; /* on error, dump what was buffered */
    rc = -1;
    goto out;
  }
  memcpy(u->u.buffer + u->len, buf, len);
  u->len += len;
  if (u->len < sizeof(u->u.msg))
    goto out; /* not even the header yet */
  if (sizeof(u->u.msg) + u->u.msg.len > sizeof(u->u.buffer)) {
    u->len = 0;
    rc = -1;
    goto out;
  }
  if (u->len < sizeof(u->u.msg) + u->u.msg.len)
    goto out; /* incomplete payload */
  xenbus_dev_request_and_reply(u);
  u->len = 0;
out:
  mutex_unlock(&u->msgbuffer_mutex);
  return rc;
}

unsigned xenbus_file_read(struct xenbus_file_priv *u, void *buf, unsigned len) {
  unsigned i = 0;
  mutex_lock(&u->reply_mutex);
  while (list_empty(&u->read_buffers)) {
    mutex_unlock(&u->reply_mutex);
    wait_event(u->read_waitq, !list_empty(&u->read_buffers));
    mutex_lock(&u->reply_mutex);
  }
  struct read_buffer *rb =
      list_first_entry(&u->read_buffers, struct read_buffer, list);
  while (i < len) {
    unsigned sz = len - i < rb->len - rb->cons ? len - i : rb->len - rb->cons;
    memcpy((char *)buf + i, rb->msg + rb->cons, sz);
    i += sz;
    rb->cons += sz;
    if (rb->cons == rb->len) {
      list_del(&rb->list);
      free(rb);
      if (list_empty(&u->read_buffers))
        break;
      rb = list_first_entry(&u->read_buffers, struct read_buffer, list);
    }
  }
  mutex_unlock(&u->reply_mutex);
  return i;
}

/* Every request has been answered: nothing refers to u any more. */
void xenbus_file_release(struct xenbus_file_priv *u) {
  while (!list_empty(&u->read_buffers)) {
    struct read_buffer *rb =
        list_first_entry(&u->read_buffers, struct read_buffer, list);
    list_del(&rb->list);
    free(rb);
  }
  mutex_destroy(&u->msgbuffer_mutex);
  mutex_destroy(&u->reply_mutex);
  free(u);
}
