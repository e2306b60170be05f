// A three-lock cycle across three files, closed through a function pointer:
// a_lock -> b_lock here, b_lock -> c_lock in b.c, and c_lock -> a_lock in
// c.c through work_ops.run.
#include "ops.h"

// expected-no-diagnostics

DEFINE_MUTEX(a_lock);

void path_a(void)
{
  mutex_lock(&a_lock);
  mutex_lock(&b_lock);
  mutex_unlock(&b_lock);
  mutex_unlock(&a_lock);
}
