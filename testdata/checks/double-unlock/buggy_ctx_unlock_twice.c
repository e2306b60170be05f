// double-unlock, libxl (Xen 4.17 tools/libs/light/libxl_event.c):
// libxl__ev_fd_register() runs under CTX_LOCK and leaves through "out:",
// which does CTX_UNLOCK.  Buggy: the failed-hook path unlocks before the
// goto, so the CTX mutex is unlocked twice (undefined for a pthread mutex,
// and one unlock too many for libxl's recursive CTX lock).
#include <pthread.h>

typedef struct libxl__ctx { pthread_mutex_t lock; int nfds; } libxl_ctx;
typedef struct libxl__gc { libxl_ctx *owner; } libxl__gc;
typedef struct libxl__ev_fd { int fd; short events; } libxl__ev_fd;

static inline void libxl__ctx_lock(libxl_ctx *ctx) { pthread_mutex_lock(&ctx->lock); }
static inline void libxl__ctx_unlock(libxl_ctx *ctx) { pthread_mutex_unlock(&ctx->lock); }
#define CTX (gc->owner)
#define CTX_LOCK (libxl__ctx_lock(CTX))
#define CTX_UNLOCK (libxl__ctx_unlock(CTX))

int osevent_fd_register_hook(libxl_ctx *ctx, int fd, short events);

int libxl__ev_fd_register(libxl__gc *gc, libxl__ev_fd *ev, int fd, short events)
{
  int rc;

  CTX_LOCK;
  rc = osevent_fd_register_hook(CTX, fd, events);
  if (rc) {
    CTX_UNLOCK; // expected-note{{'libxl__ctx.lock' released here first}}
    goto out;
  }
  ev->fd = fd;
  ev->events = events;
  CTX->nfds++;
  rc = 0;
out:
  CTX_UNLOCK; // expected-warning{{double unlock of 'libxl__ctx.lock' in libxl__ev_fd_register}}
  return rc;
}
