// Path states that hold the same locks but contradict each other on a
// branch fact stay apart (up to a bound), and what they need to stay
// honest: a call run again in a loop gives a new result, a parameter the
// function assigns is no longer what the caller passed, and outcomes that
// differ only by a parameter tested both ways are one.
#include "xen-mini.h"

typedef struct libxl__flock libxl__flock;
libxl__flock *libxl__lock_domain_userdata(int domid);
void libxl__unlock_file(libxl__flock *lock);
int libxl__set_domain_configuration(int domid);
int libxl__xs_transaction_start(int domid);
int xs_transaction_end(int domid);
// libxl_xshelp.c:153-167's shape: 0 when committed, 1 to retry, or an
// error.
int libxl__xs_transaction_commit(int domid)
{
  if (xs_transaction_end(domid))
    return 0;
  if (domid == 7)
    return 1;
  return -3;
}
char *libxl__xs_read(int domid);
int libxl__qmp_send(int domid);
int flexarray_append(int what);

struct ao_device {
  int update_json;
};

// libxl_disk.c:296-472 (device_disk_add): the json lock is taken only for
// a block attach with update_json, and the JSON is written in the
// transaction loop under the same test.  The two lock-free paths (a local
// attach; no update_json) reach the loop head separately, so the test at
// the write is still decided on each.
void disk_add(struct ao_device *aodev, int domid, char *(*get_vdev)(int),
              int is_cdrom)
{
  libxl__flock *lock = NULL;
  int rc;

  if (!get_vdev && aodev->update_json) {
    lock = libxl__lock_domain_userdata(domid);
    if (!lock)
      goto out;
  }
  for (;;) {
    rc = libxl__xs_transaction_start(domid);
    if (rc)
      goto out;
    if (get_vdev)
      get_vdev(domid);
    flexarray_append(is_cdrom ? 1 : 2);
    if (!get_vdev && aodev->update_json) {
      rc = libxl__set_domain_configuration(domid);
      if (rc)
        goto out;
    }
    rc = libxl__xs_transaction_commit(domid);
    if (!rc)
      break;
    if (rc < 0)
      goto out;
  }
out:
  if (lock)
    libxl__unlock_file(lock);
}

// libxl_disk.c:982-1062 (cdrom_insert_ejected): a retry loop around a
// commit.  The retry path knows the commit failed, but the next pass runs
// the commit again: the loop still exits, and the send after it is
// reached with the lock held.
void cdrom_ejected(int domid)
{
  libxl__flock *data_lock = libxl__lock_domain_userdata(domid);
  int rc;
  if (!data_lock)
    return;
  for (;;) {
    rc = libxl__xs_transaction_start(domid);
    if (rc)
      goto out;
    rc = libxl__xs_transaction_commit(domid);
    if (!rc)
      break;
    if (rc < 0)
      goto out;
  }
  libxl__qmp_send(domid); // expected-warning{{'libxl__qmp_send' is called while 'libxl__domain_userdata_lock' is held in cdrom_ejected}}
out:
  libxl__unlock_file(data_lock);
}

// tools/xenstore/xs_lib.c:90-105 (xs_write_all): the loop counts len down,
// so "while (len)" failing says nothing about the len the caller passed.
// Reading it as "returns 1 when len == 0" would make every caller with a
// non-zero length fail, and lose the leak below.
int sock_write(int fd, const void *data, unsigned int len);
int write_all(int fd, const void *data, unsigned int len)
{
  while (len) {
    int done = sock_write(fd, data, len);
    if (done <= 0)
      return 0;
    len -= done;
  }
  return 1;
}

struct chan {
  spinlock_t lock;
  char msg[16];
};

int chan_send(struct chan *c)
{
  spin_lock(&c->lock);
  if (!write_all(1, c->msg, sizeof(c->msg))) {
    spin_unlock(&c->lock);
    return -1;
  }
  return 0; // expected-warning{{'chan.lock' is still held when chan_send returns here, but is released on another path}}
}

// xen/arch/x86/irq.c:1260-1292 (domain_spin_lock_irq_desc): the lookup
// returns the descriptor locked, or NULL; the callee splits on "if
// (pflags)" on both sides of its locked return, which does not tell the
// caller anything.  A NULL test then knows the lock is not held, and
// pirq_shared()'s unlock balances.
struct irq_desc {
  spinlock_t lock;
  int status;
};
struct pirq {
  int irq;
};
struct irq_desc *irq_to_desc(int irq);
const struct pirq *pirq_info(int pirq);

struct irq_desc *pirq_lock_desc(const struct pirq *pirq, unsigned long *pflags)
{
  struct irq_desc *desc;
  for (;;) {
    int irq = pirq->irq;
    if (irq <= 0)
      return NULL;
    desc = irq_to_desc(irq);
    spin_lock(&desc->lock);
    if (irq == pirq->irq)
      break;
    spin_unlock(&desc->lock);
  }
  if (pflags)
    *pflags = 1;
  return desc;
}

struct irq_desc *domain_lock_desc(int pirq, unsigned long *pflags)
{
  const struct pirq *info = pirq_info(pirq);
  return info ? pirq_lock_desc(info, pflags) : NULL;
}

spinlock_t copy_lock;

int pirq_shared(int pirq)
{
  unsigned long flags;
  int shared;
  struct irq_desc *desc = domain_lock_desc(pirq, &flags);
  if (desc == NULL)
    return 0;
  shared = desc->status > 1;
  spin_unlock(&desc->lock);
  return shared;
}

// Nothing is held here once pirq_shared() returns: no irq_desc.lock ->
// copy_lock edge, so the reverse order below closes no cycle.
void query_then_copy(int pirq)
{
  pirq_shared(pirq);
  spin_lock(&copy_lock);
  spin_unlock(&copy_lock);
}

void copy_then_lock(struct irq_desc *desc)
{
  spin_lock(&copy_lock);
  spin_lock(&desc->lock);
  spin_unlock(&desc->lock);
  spin_unlock(&copy_lock);
}
