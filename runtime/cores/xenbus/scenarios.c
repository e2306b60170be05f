/*===- scenarios.c - xenbus scenarios and benchmark -----------------------===*/
#include "../cores.h"
#include "xenbus.h"

#include <stdio.h>
#include <string.h>

struct caller {
  int id;
  unsigned int rounds;
  unsigned long done;
  struct completion finished;
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

/* Callers talk to xenstore concurrently; returns the requests completed. */
static unsigned long run(int callers, unsigned int rounds) {
  struct caller c[4];
  struct task_struct *t[4];
  unsigned long done = 0;
  xenstored_start();
  xb_init_comms();
  for (int i = 0; i < callers; ++i) {
    c[i] = (struct caller){.id = i, .rounds = rounds};
    init_completion(&c[i].finished);
    t[i] = kthread_run(caller_thread, &c[i], "xs-caller/%d", i);
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
  run(2, 6);
}

void xenbus_scenario_reply_order(int buggy) {
  xb_bug_stale_notify = 0;
  xb_bug_reply_order = buggy;
  run(2, 6);
}

unsigned long xenbus_bench(unsigned iterations) {
  xb_bug_stale_notify = 0;
  xb_bug_reply_order = 0;
  return run(2, iterations / 4 ? iterations / 4 : 1);
}
