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

// Defined in vendor-neutral code but run only on SVM (rules: the svm
// context's "functions"): like svm_exit(), it cannot reach vmx_flush().
void svm_only_helper(void)
{
  spin_lock(&lock_a);
  hvm_funcs.flush();
  spin_unlock(&lock_a);
}
