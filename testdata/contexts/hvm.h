// testdata/contexts: exclusive_contexts (rules/README.md).  hvm_funcs is
// filled by start_vmx() or start_svm(), never both, as in Xen's
// arch/x86/hvm/hvm.c; the function pointer has both as targets.
#include "xen-mini.h"

struct hvm_function_table {
  void (*flush)(void);
};
extern struct hvm_function_table hvm_funcs;
extern spinlock_t lock_a, lock_b, lock_c, lock_d;
