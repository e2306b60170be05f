#include "linux-mini.h"
struct work_ops {
  void (*run)(void);
};
extern struct mutex a_lock, b_lock, c_lock;
