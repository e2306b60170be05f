// broken-hold: seed 002 - "you may not cause a thing to be added to the
// primary config unless you have held the relevant lock continuously since
// ensuring that the libxl-json config describes it".
#include <pthread.h>

typedef struct libxl__domain_userdata_lock { pthread_mutex_t lock; } libxl__domain_userdata_lock;
int libxl__set_domain_configuration(int domid);
int libxl__xs_write_device(int domid);
int libxl__qmp_add(int domid);

int device_add_ok(libxl__domain_userdata_lock *l, int domid)
{
  pthread_mutex_lock(&l->lock);
  libxl__set_domain_configuration(domid);
  libxl__xs_write_device(domid);
  pthread_mutex_unlock(&l->lock);
  return 0;
}

int device_add_racy(libxl__domain_userdata_lock *l, int domid)
{
  pthread_mutex_lock(&l->lock);
  libxl__set_domain_configuration(domid);
  pthread_mutex_unlock(&l->lock);
  libxl__qmp_add(domid);
  pthread_mutex_lock(&l->lock);
  libxl__xs_write_device(domid); // expected-warning{{'libxl__domain_userdata_lock.lock' is not held continuously from libxl__set_domain_configuration to libxl__xs_write_device}}
  pthread_mutex_unlock(&l->lock);
  return 0;
}
