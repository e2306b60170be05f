/*===- scenarios.c - xenbus scenarios and benchmarks ----------------------===*/
#include "../cores.h"
#include "xenbus.h"

#include <stdio.h>
#include <string.h>

/* A thread that talks to xenstore: a kernel caller of xs_talk, or a
 * /dev/xen/xenbus client. */
struct caller {
  int id;
  unsigned int rounds;
  unsigned long done;
  struct completion finished;
  char in[1024]; /* a client's replies read and not checked yet */
  unsigned int inlen;
};

static int caller_thread(void *arg) {
  struct caller *c = arg;
  for (unsigned int i = 0; i < c->rounds; ++i) {
    char req[64], want[16], got[64];
    snprintf(want, sizeof(want), "v%u", i);
    snprintf(req, sizeof(req), "device/vif/%d/state=%s", c->id, want);
    if (xs_talk(XS_WRITE, req, got, sizeof(got)) < 0)
      continue;
    snprintf(req, sizeof(req), "device/vif/%d/state", c->id);
    if (xs_talk(XS_READ, req, got, sizeof(got)) >= 0)
      WARN(strcmp(got, want) != 0, "xenstore read %s: got %s, want %s", req,
           got, want);
    c->done += 2;
  }
  complete(&c->finished);
  return 0;
}

/* A /dev/xen/xenbus user (a toolstack, say) keeps up to WINDOW requests
 * in flight: request 2r writes v<r> to its node, 2r+1 reads it back.  It
 * reads the reply stream as it comes, as much as there is, and checks
 * each reply: they come in request order. */
enum { WINDOW = 32 };

static void client_send(struct xenbus_file_priv *u, int id, uint32_t n) {
  struct {
    struct xsd_sockmsg hdr;
    char body[64];
  } m = {.hdr = {.req_id = n}};
  if (n % 2 == 0) {
    m.hdr.type = XS_WRITE;
    snprintf(m.body, sizeof(m.body), "device/vif/%d/state=v%u", id, n / 2);
  } else {
    m.hdr.type = XS_READ;
    snprintf(m.body, sizeof(m.body), "device/vif/%d/state", id);
  }
  m.hdr.len = (uint32_t)strlen(m.body) + 1;
  xenbus_file_write(u, &m, sizeof(m.hdr) + m.hdr.len);
}

/* Checks the whole replies in c->in, the first answering request n; keeps
 * a partial one.  Returns how many were checked. */
static uint32_t client_check(struct caller *c, uint32_t n) {
  unsigned int pos = 0;
  uint32_t checked = 0;
  struct xsd_sockmsg hdr;
  while (c->inlen - pos >= sizeof(hdr)) {
    memcpy(&hdr, c->in + pos, sizeof(hdr));
    if (WARN(hdr.len == 0 || hdr.len > 64,
             "device/vif/%d: reply %u has %u bytes", c->id, n, hdr.len))
      return c->rounds * 2; /* the stream is lost */
    if (c->inlen - pos - sizeof(hdr) < hdr.len)
      break;
    const char *body = c->in + pos + sizeof(hdr);
    char want[16];
    snprintf(want, sizeof(want), n % 2 ? "v%u" : "OK", n / 2);
    WARN(hdr.req_id != n || strncmp(body, want, hdr.len) != 0,
         "device/vif/%d: reply %u (%.*s) to request %u, want %s", c->id,
         hdr.req_id, (int)hdr.len, body, n, want);
    pos += sizeof(hdr) + hdr.len;
    ++n;
    ++checked;
  }
  memmove(c->in, c->in + pos, c->inlen - pos);
  c->inlen -= pos;
  return checked;
}

static int client_thread(void *arg) {
  struct caller *c = arg;
  struct xenbus_file_priv *u = xenbus_file_open();
  uint32_t total = 2 * c->rounds, sent = 0, got = 0;
  while (got < total) {
    while (sent < total && sent - got < WINDOW)
      client_send(u, c->id, sent++);
    c->inlen += xenbus_file_read(u, c->in + c->inlen, sizeof(c->in) - c->inlen);
    got += client_check(c, got);
  }
  xenbus_file_release(u);
  c->done = got;
  complete(&c->finished);
  return 0;
}

/* Callers (fn: caller_thread or client_thread) talk to xenstore
 * concurrently; returns the requests completed. */
static unsigned long run(int (*fn)(void *), int callers, unsigned int rounds) {
  struct caller c[4];
  struct task_struct *t[4];
  unsigned long done = 0;
  xenstored_start();
  xb_init_comms();
  for (int i = 0; i < callers; ++i) {
    c[i] = (struct caller){.id = i, .rounds = rounds};
    init_completion(&c[i].finished);
    t[i] = kthread_run(fn, &c[i], "xs-caller/%d", i);
  }
  for (int i = 0; i < callers; ++i) {
    wait_for_completion(&c[i].finished);
    kthread_stop(t[i]);
    done += c[i].done;
  }
  xb_stop_comms();
  xenstored_stop();
  return done;
}

void xenbus_scenario_notify(int buggy) {
  xb_bug_stale_notify = buggy;
  xb_bug_reply_order = 0;
  run(caller_thread, 2, 6);
}

void xenbus_scenario_reply_order(int buggy) {
  xb_bug_stale_notify = 0;
  xb_bug_reply_order = buggy;
  run(caller_thread, 2, 6);
}

/* Throughput: device clients with requests in flight, so that the xenbus
 * thread and xenstored work through the ring in batches. */
unsigned long xenbus_bench(unsigned iterations) {
  xb_bug_stale_notify = 0;
  xb_bug_reply_order = 0;
  return run(client_thread, 2, iterations / 4 ? iterations / 4 : 1);
}

/* Synchronous round trips: each request crosses three threads and back
 * (caller, xenbus thread, xenstored), so the time goes to their wake-ups. */
unsigned long xenbus_rtt_bench(unsigned iterations) {
  xb_bug_stale_notify = 0;
  xb_bug_reply_order = 0;
  return run(caller_thread, 2, iterations / 4 ? iterations / 4 : 1);
}
