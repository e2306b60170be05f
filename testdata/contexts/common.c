#include "hvm.h"

// expected-no-diagnostics

struct hvm_function_table hvm_funcs;
spinlock_t lock_a, lock_b, lock_c, lock_d;

// Vendor-neutral code: either vendor's flush may run under lock_c.
void common_path(void)
{
  spin_lock(&lock_c);
  hvm_funcs.flush();
  spin_unlock(&lock_c);
}
