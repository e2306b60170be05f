// In-source suppressions: the double lock below is known and accepted.
#include "linux-mini.h"

DEFINE_MUTEX(cfg_mutex);

void known_double_lock(void)
{
  mutex_lock(&cfg_mutex);
  /* lockwise: ignore[double-lock] nested by design in this test */
  mutex_lock(&cfg_mutex);
  mutex_unlock(&cfg_mutex);
  mutex_unlock(&cfg_mutex);
}

/* lockwise: ignore[lock-leak] the whole function */
int leaky_by_design(int x)
{
  mutex_lock(&cfg_mutex);
  if (x)
    return 1;
  mutex_unlock(&cfg_mutex);
  return 0;
}
