// Used by badinput.cmake: the first function parses and has a bug; the
// second does not parse.  lockwise must report the bug and exit 3.
#include "linux-mini.h"
DEFINE_MUTEX(m);
void good(void)
{
  mutex_lock(&m);
  mutex_lock(&m);
  mutex_unlock(&m);
}
void bad(void)
{
  this is not C;
}
