// missing-lock from a callee's own assertion (lockdep_assert_held), no rule
// needed: the requirement travels up the call chain until someone holds the
// lock or nobody does.
#include "linux-mini.h"

DEFINE_MUTEX(reply_mutex);
static int replies;

static void add_reply(void)
{
  lockdep_assert_held(&reply_mutex);
  replies++;
}

static void add_two(void)
{
  add_reply();
  add_reply();
}

void good(void)
{
  mutex_lock(&reply_mutex);
  add_two();
  mutex_unlock(&reply_mutex);
}

void bad(void)
{
  add_two(); // expected-warning{{'reply_mutex' is not held when calling add_reply, which asserts it}}
}
