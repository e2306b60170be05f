#include "ops.h"

DEFINE_MUTEX(c_lock);

static void take_a(void)
{
  mutex_lock(&a_lock); // expected-warning{{possible circular locking dependency: acquiring 'a_lock' while holding 'c_lock' closes the cycle 'a_lock' -> 'b_lock' -> 'c_lock' -> 'a_lock'}}
  mutex_unlock(&a_lock);
}

struct work_ops c_ops = { .run = take_a };

void path_c(struct work_ops *ops)
{
  mutex_lock(&c_lock);
  ops->run();
  mutex_unlock(&c_lock);
}
