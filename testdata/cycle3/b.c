#include "ops.h"

// expected-no-diagnostics

DEFINE_MUTEX(b_lock);

void path_b(void)
{
  mutex_lock(&b_lock);
  mutex_lock(&c_lock);
  mutex_unlock(&c_lock);
  mutex_unlock(&b_lock);
}
