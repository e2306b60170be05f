// Used by verify.detects_mismatch: the expectation below is deliberately
// wrong (the code is balanced), so --verify must fail.
#include "linux-mini.h"
DEFINE_MUTEX(m);
void f(void)
{
  mutex_lock(&m); // expected-warning{{double lock of 'm'}}
  mutex_unlock(&m);
}
