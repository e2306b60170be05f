#include "hvm.h"

static void vmx_flush(void)
{
  spin_lock(&lock_b);
  spin_unlock(&lock_b);
  spin_lock(&lock_d);
  spin_unlock(&lock_d);
}

void start_vmx(void) { hvm_funcs.flush = vmx_flush; }

void vmx_other(void)
{
  spin_lock(&lock_b);
  spin_lock(&lock_a); // b -> a: no cycle, svm_exit cannot reach vmx_flush
  spin_unlock(&lock_a);
  spin_unlock(&lock_b);
}

void vmx_more(void)
{
  spin_lock(&lock_d);
  spin_lock(&lock_c); // expected-warning{{possible circular locking dependency: acquiring 'lock_c' while holding 'lock_d' closes the cycle 'lock_c' -> 'lock_d' -> 'lock_c'}}
  spin_unlock(&lock_c);
  spin_unlock(&lock_d);
}
