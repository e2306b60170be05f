#include "hvm.h"

// expected-no-diagnostics

static void svm_flush(void) {}

void start_svm(void) { hvm_funcs.flush = svm_flush; }

// An SVM exit handler: the flush it calls is svm_flush, never vmx_flush,
// so lock_a is not ordered before lock_b.
void svm_exit(void)
{
  spin_lock(&lock_a);
  hvm_funcs.flush();
  spin_unlock(&lock_a);
}
