// order-cycle: a three-lock cycle in a component that also has an AB-BA
// inversion.  p_lock and q_lock are taken both ways (one finding); the
// cycle p_lock -> r_lock -> s_lock -> p_lock shares no edge with it and has
// no chord, so it is another deadlock and is named too (before, a
// component with an inversion reported only its two-lock cycles).
#include "linux-mini.h"

static DEFINE_SPINLOCK(p_lock);
static DEFINE_SPINLOCK(q_lock);
static DEFINE_SPINLOCK(r_lock);
static DEFINE_SPINLOCK(s_lock);

void pq(void)
{
  spin_lock(&p_lock); // expected-note{{'p_lock' acquired here in pq}}
  spin_lock(&q_lock); // expected-note{{'q_lock' acquired here in pq}}
  spin_unlock(&q_lock);
  spin_unlock(&p_lock);
}

void qp(void)
{
  spin_lock(&q_lock); // expected-note{{'q_lock' acquired here in qp}}
  spin_lock(&p_lock); // expected-warning{{possible circular locking dependency: acquiring 'p_lock' while holding 'q_lock' closes the cycle 'p_lock' -> 'q_lock' -> 'p_lock' (one of the cycles among 4 locks and 5 order edges with no consistent order; `lockwise graph --around 'p_lock'` shows them)}}
  // expected-note@-1{{'p_lock' acquired here in qp}}
  spin_unlock(&p_lock);
  spin_unlock(&q_lock);
}

void pr(void)
{
  spin_lock(&p_lock); // expected-note{{'p_lock' acquired here in pr}}
  spin_lock(&r_lock); // expected-note{{'r_lock' acquired here in pr}}
  spin_unlock(&r_lock);
  spin_unlock(&p_lock);
}

void rs(void)
{
  spin_lock(&r_lock); // expected-note{{'r_lock' acquired here in rs}}
  spin_lock(&s_lock); // expected-note{{'s_lock' acquired here in rs}}
  spin_unlock(&s_lock);
  spin_unlock(&r_lock);
}

void sp(void)
{
  spin_lock(&s_lock); // expected-note{{'s_lock' acquired here in sp}}
  spin_lock(&p_lock); // expected-warning{{possible circular locking dependency: acquiring 'p_lock' while holding 's_lock' closes the cycle 'p_lock' -> 'r_lock' -> 's_lock' -> 'p_lock' (one of the cycles among 4 locks and 5 order edges with no consistent order; `lockwise graph --around 'p_lock'` shows them)}}
  // expected-note@-1{{'p_lock' acquired here in sp}}
  spin_unlock(&p_lock);
  spin_unlock(&s_lock);
}
