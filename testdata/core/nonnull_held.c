// A lock inside *p is taken only if p is not NULL: until p is written, a
// test of p is decided.  Xen 4.17 evtchn_close() (common/event_channel.c:
// 648-790) locks d1, and for an interdomain channel also d2 in address
// order; when d2 < d1 it drops d1, takes d2 and starts again, and the
// second pass must not take d2 a second time.
#include "xen-mini.h"

struct ev_domain {
  rwlock_t event_lock;
};
struct ev_chan {
  int state;
  struct ev_domain *remote;
};
struct ev_chan *ev_chan_of(struct ev_domain *d, int port);
struct ev_domain *ev_pick(struct ev_domain *d);
void ev_rcu_lock(struct ev_domain *d);

int ev_close(struct ev_domain *d1, int port)
{
  struct ev_domain *d2 = NULL;
  struct ev_chan *chn1 = ev_chan_of(d1, port);
  int rc = 0;

 again:
  _write_lock(&d1->event_lock);
  if (chn1->state == 1) {
    if (d2 == NULL) { // false after "goto again": d2's lock is held
      d2 = chn1->remote;
      ev_rcu_lock(d2);
      if (d1 < d2)
        _write_lock(&d2->event_lock);
      else if (d1 != d2) {
        _write_unlock(&d1->event_lock);
        _write_lock(&d2->event_lock);
        goto again;
      }
    } else if (d2 != chn1->remote) {
      rc = -1;
      goto out;
    }
    chn1->state = 0;
  }
 out:
  if (d2 != NULL) { // true wherever d2's lock was taken
    if (d1 != d2)
      _write_unlock(&d2->event_lock);
  }
  _write_unlock(&d1->event_lock);
  return rc;
}

// Once p is written, its old lock says nothing about the new value: the
// NULL test goes both ways, and the path that finds NULL leaks.
int ev_next(struct ev_domain *a)
{
  struct ev_domain *d = ev_pick(a);
  _write_lock(&d->event_lock);
  _write_unlock(&d->event_lock);
  d = ev_pick(a);
  if (d == NULL) {
    _write_lock(&a->event_lock);
    return -1; // expected-warning{{'ev_domain.event_lock' is still held when ev_next returns here, but is released on another path}}
  }
  return 0;
}
