/*===- libxl.h - libxl domain config locks core (seed 002) ---------*- C -*-===*
 *
 * One domain's configuration lives in two places: the primary config (what
 * Xen and QEMU have) and libxl-json.  Invariant: nothing may exist in the
 * primary config without a corresponding entry in libxl-json.  The fast
 * lock is the libxl-json (userdata) lock; the slow lock, outside it and
 * outside the CTX lock, serialises QMP device add/remove.
 *
 *===----------------------------------------------------------------------===*/
#ifndef LOCKWISE_CORES_LIBXL_H
#define LOCKWISE_CORES_LIBXL_H

#include <lockwise/kernel.h>

#define LIBXL_MAX_THINGS 8

struct libxl_domain {
  int domid;
  /* Primary config. */
  int exists_in_xen;
  int qemu_running;
  int qemu_things[LIBXL_MAX_THINGS];
  /* libxl-json. */
  int json_exists;
  int json_things[LIBXL_MAX_THINGS];
  int destroyed; /* fast lock acquisitions fail from now on */
  struct mutex fast_lock; /* libxl__domain_userdata_lock */
  struct mutex slow_lock; /* libxl__ev_slowlock */
  spinlock_t state_lock;  /* the model's own bookkeeping */
};

struct libxl_ctx {
  struct mutex lock; /* CTX_LOCK */
  int domains;
};

extern int libxl_bug_destroy_unlocked; /* kill QEMU outside the fast lock */

void libxl_ctx_init(struct libxl_ctx *ctx);
void libxl_domain_init(struct libxl_domain *d, int domid);
int libxl_domain_create(struct libxl_ctx *ctx, struct libxl_domain *d);
/* Destroys as far as deleting libxl-json, then "crashes" before Xen. */
void libxl_domain_destroy_crashing(struct libxl_ctx *ctx, struct libxl_domain *d);
void libxl_domain_destroy(struct libxl_ctx *ctx, struct libxl_domain *d);
int libxl_qmp_add(struct libxl_domain *d, int thing);
int libxl_qmp_remove(struct libxl_domain *d, int thing);

#endif
