// Callback targets narrowed by how objects are set up (engine/
// CallbackFlags.h).  libxl's device add keeps the json lock while the
// device wait starts, and the wait completes synchronously on its error
// paths through "aodev->callback": every object with update_json set
// carries the add's completion; the multidev and COLO callbacks are only
// stored on objects allocated zeroed or embedded in another struct, which
// never get the flag.
#include "xen-mini.h"

typedef struct libxl__flock libxl__flock;
libxl__flock *libxl__lock_domain_userdata(int domid);
void libxl__unlock_file(libxl__flock *lock);
int libxl__qmp_send(int domid);
void *libxl__zalloc(int gc, unsigned long size);

struct ao_device {
  void (*callback)(struct ao_device *);
  int update_json;
  int domid;
};

struct checkpoint_device {
  int kind;
  struct ao_device aodev;
};

static void addrm_done(struct ao_device *aodev) { (void)aodev; }
static void multidev_one_done(struct ao_device *aodev) { libxl__qmp_send(aodev->domid); }
static void checkpoint_step(struct ao_device *aodev) { libxl__qmp_send(aodev->domid); }

static void hotplug_done(struct ao_device *aodev) { aodev->callback(aodev); }
static void wait_connection(struct ao_device *aodev) { hotplug_done(aodev); }

static void prepare_with_aodev(struct ao_device *aodev)
{
  aodev->callback = multidev_one_done;
}

struct ao_device *multidev_prepare(void)
{
  struct ao_device *aodev = libxl__zalloc(0, sizeof(*aodev));
  prepare_with_aodev(aodev);
  return aodev;
}

void checkpoint_setup(struct checkpoint_device *dev)
{
  prepare_with_aodev(&dev->aodev);
  dev->aodev.callback = checkpoint_step;
  hotplug_done(&dev->aodev);
}

// libxl_pci.c's stubdom removal: the flag is copied from another object,
// so this callback may be on an object with it set, but only on the aodev
// embedded in a remove_state, which no caller of device_add passes.
struct remove_state {
  int count;
  struct ao_device stubdom_aodev;
  struct ao_device *aodev;
};

static void stubdom_done(struct ao_device *aodev) { libxl__qmp_send(aodev->domid); }

void remove_detached(struct remove_state *prs)
{
  prs->stubdom_aodev.callback = stubdom_done;
  prs->stubdom_aodev.update_json = prs->aodev->update_json;
  hotplug_done(&prs->stubdom_aodev);
}

// libxl__device_add_async's shape: no warning.  Neither multidev_one_done
// nor checkpoint_step can be on an object with update_json set, and
// stubdom_done is only on objects device_add is never passed.
void device_add(struct ao_device *aodev)
{
  libxl__flock *lock = NULL;
  if (aodev->update_json) {
    lock = libxl__lock_domain_userdata(aodev->domid);
    if (!lock)
      return;
  }
  wait_connection(aodev);
  if (lock)
    libxl__unlock_file(lock);
}

// LIBXL_DEFINE_DEVICE_ADD's shape.
void device_nic_add(int domid)
{
  struct ao_device *aodev = libxl__zalloc(0, sizeof(*aodev));
  aodev->domid = domid;
  aodev->callback = addrm_done;
  aodev->update_json = 1;
  device_add(aodev);
}

void add_nics(void) { device_add(multidev_prepare()); }

// The flag set where no callback is: any callback may be on that object.
struct qmp_device {
  void (*callback)(struct qmp_device *);
  int update_json;
  int domid;
};

static void qmp_done(struct qmp_device *q) { libxl__qmp_send(q->domid); }

struct qmp_device *qmp_new(void)
{
  struct qmp_device *q = libxl__zalloc(0, sizeof(*q));
  q->callback = qmp_done;
  return q;
}
void qmp_mark_json(struct qmp_device *q) { q->update_json = 1; }

void qmp_add(struct qmp_device *q)
{
  libxl__flock *lock = NULL;
  if (q->update_json) {
    lock = libxl__lock_domain_userdata(q->domid);
    if (!lock)
      return;
  }
  q->callback(q); // expected-warning{{'libxl__qmp_send' is called while 'libxl__domain_userdata_lock' is held in qmp_add}}
  if (lock)
    libxl__unlock_file(lock);
}

// A callback stored on an object that came from outside (a parameter of
// an exported function) may be on an object that has the flag.
struct usb_device {
  void (*callback)(struct usb_device *);
  int update_json;
  int domid;
};

static void usb_added(struct usb_device *u) { (void)u; }
static void usb_qmp_done(struct usb_device *u) { libxl__qmp_send(u->domid); }

void usb_rearm(struct usb_device *u) { u->callback = usb_qmp_done; }

void usb_add(int domid)
{
  struct usb_device *u = libxl__zalloc(0, sizeof(*u));
  libxl__flock *lock;
  u->domid = domid;
  u->callback = usb_added;
  u->update_json = 1;
  if (u->update_json) {
    lock = libxl__lock_domain_userdata(domid);
    if (!lock)
      return;
    u->callback(u); // expected-warning{{'libxl__qmp_send' is called while 'libxl__domain_userdata_lock' is held in usb_add}}
    libxl__unlock_file(lock);
  }
}
