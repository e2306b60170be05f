// double-lock through a callee's guarded acquisition, judged in a review:
// libxl (d6ac84ca0db2).  sigchld_user_remove() takes the no_forking lock
// only when the context registered for SIGCHLD, a flag in the context that
// no caller decides.  In a whole program such an acquisition is no
// finding: the guard may be exactly what keeps a caller holding the lock
// safe.  A patch that calls it with the lock held is reported, with the
// condition under which it deadlocks
// (testdata/patches/postfork-remove-under-lock.patch, analyzer/tests/review.cmake).
#include "xen-mini.h"
// expected-no-diagnostics

struct ctx {
  int registered;
};

static spinlock_t no_forking;

static void sigchld_user_remove(struct ctx *ctx)
{
  if (!ctx->registered)
    return;
  spin_lock(&no_forking);
  ctx->registered = 0;
  spin_unlock(&no_forking);
}

void ctx_free(struct ctx *ctx)
{
  sigchld_user_remove(ctx);
}

void postfork_child(struct ctx *ctx)
{
  spin_lock(&no_forking);
  /* The child's own copy of the list: forget it in place. */
  ctx->registered = 0;
  spin_unlock(&no_forking);
}
