// entered_holding: libxl's cdrom_insert_ejected() is an ev_qmp callback.
// It takes the userdata (json) lock, then libxl__ev_qmp_send() ->
// libxl__ev_fd_deregister() takes CTX_LOCK: a recursive re-take of the CTX
// lock the event loop already holds, not CTX after the json lock.  The
// same shape outside a listed callback is the inversion.
#include <pthread.h>

struct ev_ctx { pthread_mutex_t lock; };
struct userdata { pthread_mutex_t lock; };
struct devstate { pthread_mutex_t lock; };
struct slow { pthread_mutex_t lock; };
struct ev_qmp {
  struct ev_ctx *ctx;
  void (*callback)(struct ev_qmp *qmp, int rc);
};
struct ev_other {
  struct ev_ctx *ctx;
  void (*done)(struct ev_other *o);
};
extern struct userdata *json;
extern struct devstate *dev;
extern struct slow *devlock;

static void fd_deregister(struct ev_ctx *ctx)
{
  pthread_mutex_lock(&ctx->lock); // CTX_LOCK
  pthread_mutex_unlock(&ctx->lock);
}

static void insert_ejected(struct ev_qmp *qmp, int rc)
{
  pthread_mutex_lock(&json->lock);
  fd_deregister(qmp->ctx); // the event loop's CTX, taken again
  pthread_mutex_unlock(&json->lock);
}

// Also called directly, from another callback (cdrom_insert_lock_acquired).
static void insert_lock_acquired(struct ev_qmp *qmp, int rc)
{
  insert_ejected(qmp, rc);
}

void insert_start(struct ev_qmp *qmp, int connected)
{
  qmp->callback = connected ? insert_ejected : insert_lock_acquired;
}

// Not a callback the rules name: CTX after another inner lock.
static void time_deregister(struct ev_ctx *ctx)
{
  pthread_mutex_lock(&ctx->lock); // expected-warning{{acquiring 'ev_ctx.lock' while holding 'devstate.lock' violates lock hierarchy 'ctx' ('ev_ctx.lock' must be taken before 'devstate.lock')}}
  pthread_mutex_unlock(&ctx->lock);
}

static void other_done(struct ev_other *o)
{
  pthread_mutex_lock(&dev->lock);
  time_deregister(o->ctx);
  pthread_mutex_unlock(&dev->lock);
}

void other_start(struct ev_other *o)
{
  o->done = other_done;
}

// The lock held on entry orders what the callback takes: the slow lock is
// outside CTX.
static void slow_in_callback(struct ev_qmp *qmp, int rc)
{
  pthread_mutex_lock(&devlock->lock); // expected-warning{{acquiring 'slow.lock' while holding 'ev_ctx.lock' violates lock hierarchy 'ctx' ('slow.lock' must be taken before 'ev_ctx.lock')}}
  pthread_mutex_unlock(&devlock->lock);
}

void slow_start(struct ev_qmp *qmp)
{
  qmp->callback = slow_in_callback;
}
