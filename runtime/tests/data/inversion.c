/* Two locks taken in both orders by one thread: no deadlock happens, but
 * the cycle is reported as soon as it closes. */
#include <lockwise/kernel.h>
#include <stdio.h>

DEFINE_MUTEX(first_lock);
DEFINE_SPINLOCK(second_lock);

int main(void) {
  mutex_lock(&first_lock);
  spin_lock(&second_lock);
  spin_unlock(&second_lock);
  mutex_unlock(&first_lock);

  spin_lock(&second_lock);
  mutex_lock(&first_lock);
  mutex_unlock(&first_lock);
  spin_unlock(&second_lock);
  printf("order-cycle findings: %u\n", lockwise_finding_count());
  return 0;
}
