#include "ops.h"

// expected-no-diagnostics

DEFINE_MUTEX(c_lock);

static void take_a(void)
{
  mutex_lock(&a_lock);
  mutex_unlock(&a_lock);
}

struct work_ops c_ops = { .run = take_a };

void path_c(struct work_ops *ops)
{
  mutex_lock(&c_lock);
  mutex_unlock(&c_lock);
  ops->run(); /* runs the callback after dropping c_lock */
}
