/*===- libxl.c - Domain create/destroy and QMP things under the JSON locks ===*
 *
 * The rules (Ian Jackson, seed 002): nobody edits libxl-json without the
 * fast lock; a qmp thing is added to the primary config only after
 * libxl-json describes it, with the slow lock held throughout; and QEMU is
 * killed before libxl-json is removed, under the fast lock.
 *
 *===----------------------------------------------------------------------===*/
#include "libxl.h"

int libxl_bug_destroy_unlocked;

/* Checks the invariant after every change of either config. */
static void check_invariant(struct libxl_domain *d) {
  spin_lock(&d->state_lock);
  for (int t = 0; t < LIBXL_MAX_THINGS; ++t)
    WARN(d->qemu_running && d->qemu_things[t] &&
             (!d->json_exists || !d->json_things[t]),
         "domain %d: thing %d is in the primary config (QEMU) without a "
         "libxl-json entry",
         d->domid, t);
  spin_unlock(&d->state_lock);
}

/* The model's state changes, each checked. */
static void set_json(struct libxl_domain *d, int exists) {
  spin_lock(&d->state_lock);
  d->json_exists = exists;
  if (!exists)
    for (int t = 0; t < LIBXL_MAX_THINGS; ++t)
      d->json_things[t] = 0;
  spin_unlock(&d->state_lock);
  check_invariant(d);
}

static void set_qemu(struct libxl_domain *d, int running) {
  spin_lock(&d->state_lock);
  d->qemu_running = running;
  if (!running)
    for (int t = 0; t < LIBXL_MAX_THINGS; ++t)
      d->qemu_things[t] = 0;
  spin_unlock(&d->state_lock);
  check_invariant(d);
}

/* Sends a QMP command; fails when QEMU is not there. */
static int qmp_send(struct libxl_domain *d, int thing, int present) {
  spin_lock(&d->state_lock);
  int ok = d->qemu_running;
  if (ok)
    d->qemu_things[thing] = present;
  spin_unlock(&d->state_lock);
  check_invariant(d);
  return ok ? 0 : -1;
}

/* Acquiring the fast lock fails for a destroyed domain. */
static int fast_lock(struct libxl_domain *d) {
  mutex_lock(&d->fast_lock);
  if (!d->destroyed)
    return 0;
  mutex_unlock(&d->fast_lock);
  return -1;
}

void libxl_ctx_init(struct libxl_ctx *ctx) {
  mutex_init(&ctx->lock);
  lockwise_set_class(&ctx->lock, "libxl__ctx.lock");
  ctx->domains = 0;
}

void libxl_domain_init(struct libxl_domain *d, int domid) {
  *d = (struct libxl_domain){.domid = domid};
  mutex_init(&d->fast_lock);
  lockwise_set_class(&d->fast_lock, "libxl__domain_userdata_lock");
  mutex_init(&d->slow_lock);
  lockwise_set_class(&d->slow_lock, "libxl__ev_slowlock");
  spin_lock_init(&d->state_lock);
  lockwise_set_class(&d->state_lock, "libxl_domain.state_lock");
}

int libxl_domain_create(struct libxl_ctx *ctx, struct libxl_domain *d) {
  mutex_lock(&ctx->lock);
  ctx->domains++;
  d->exists_in_xen = 1;
  mutex_unlock(&ctx->lock);
  if (fast_lock(d))
    return -1;
  set_json(d, 1);
  mutex_unlock(&d->fast_lock);
  /* QEMU starts once libxl-json describes the domain. */
  set_qemu(d, 1);
  return 0;
}

static void destroy_json(struct libxl_ctx *ctx, struct libxl_domain *d) {
  if (libxl_bug_destroy_unlocked) {
    /* 1: kill QEMU (perhaps not started yet) ... */
    set_qemu(d, 0);
    msleep(1); /* devices torn down meanwhile */
    if (fast_lock(d))
      return;
    /* 7: ... and delete libxl-json much later. */
    set_json(d, 0);
  } else {
    if (fast_lock(d))
      return;
    set_qemu(d, 0);
    set_json(d, 0);
  }
  /* Read without the lock by callers that only want to stop retrying. */
  WRITE_ONCE(d->destroyed, 1);
  mutex_unlock(&d->fast_lock);
  (void)ctx;
}

void libxl_domain_destroy_crashing(struct libxl_ctx *ctx,
                                   struct libxl_domain *d) {
  destroy_json(ctx, d);
  /* 8: crashes before destroying the domain in Xen. */
}

void libxl_domain_destroy(struct libxl_ctx *ctx, struct libxl_domain *d) {
  destroy_json(ctx, d);
  mutex_lock(&ctx->lock);
  ctx->domains--;
  d->exists_in_xen = 0;
  mutex_unlock(&ctx->lock);
}

int libxl_qmp_add(struct libxl_domain *d, int thing) {
  int rc = -1;
  mutex_lock(&d->slow_lock);
  /* First make libxl-json describe the thing ... */
  if (fast_lock(d))
    goto out;
  spin_lock(&d->state_lock);
  int ok = d->json_exists;
  if (ok)
    d->json_things[thing] = 1;
  spin_unlock(&d->state_lock);
  mutex_unlock(&d->fast_lock);
  if (!ok)
    goto out;
  /* ... then add it to the primary config, slow lock still held. */
  rc = qmp_send(d, thing, 1);
  if (rc && fast_lock(d) == 0) {
    spin_lock(&d->state_lock);
    d->json_things[thing] = 0;
    spin_unlock(&d->state_lock);
    mutex_unlock(&d->fast_lock);
  }
out:
  mutex_unlock(&d->slow_lock);
  return rc;
}

int libxl_qmp_remove(struct libxl_domain *d, int thing) {
  mutex_lock(&d->slow_lock);
  /* Out of the primary config first, then out of libxl-json. */
  int rc = qmp_send(d, thing, 0);
  if (fast_lock(d) == 0) {
    spin_lock(&d->state_lock);
    d->json_things[thing] = 0;
    spin_unlock(&d->state_lock);
    mutex_unlock(&d->fast_lock);
  }
  mutex_unlock(&d->slow_lock);
  return rc;
}
