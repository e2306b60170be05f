// The fix of buggy_inferred_cmos_index.c (XSA-503): the port 0x71 read
// checks the index under the lock, where it uses it.  The guard is still
// inferred from the accesses; none breaks it now.
// expected-no-diagnostics
#include "xen-mini.h"

#define RTC_CMOS_SIZE 14

struct rtc {
  spinlock_t lock;
  unsigned index;
  unsigned char data[RTC_CMOS_SIZE];
};

void *xzalloc_bytes(unsigned long size);

static void rtc_reset(struct rtc *s)
{
  s->index = 0;
}

struct rtc *rtc_create(void)
{
  struct rtc *s = xzalloc_bytes(sizeof(*s));

  if (!s)
    return NULL;
  s->index = RTC_CMOS_SIZE;
  rtc_reset(s);
  return s;
}

void rtc_write_index(struct rtc *s, unsigned v)
{
  spin_lock(&s->lock);
  if (v != s->index && v < RTC_CMOS_SIZE)
    s->index = v;
  spin_unlock(&s->lock);
}

void rtc_next_index(struct rtc *s)
{
  spin_lock(&s->lock);
  if (s->index + 1 < RTC_CMOS_SIZE)
    s->index++;
  spin_unlock(&s->lock);
}

unsigned rtc_read_data(struct rtc *s)
{
  unsigned v;

  spin_lock(&s->lock);
  v = s->index < RTC_CMOS_SIZE ? s->data[s->index] : 0xff;
  spin_unlock(&s->lock);
  return v;
}

void rtc_write_data(struct rtc *s, unsigned char v)
{
  spin_lock(&s->lock);
  if (s->index < RTC_CMOS_SIZE)
    s->data[s->index] = v;
  spin_unlock(&s->lock);
}

/* Called with the lock held: its accesses hold it too. */
static void rtc_dump_locked(struct rtc *s)
{
  printk("index %u\n", s->index);
  printk("data %u\n", s->data[s->index]);
}

void rtc_dump(struct rtc *s)
{
  spin_lock(&s->lock);
  rtc_dump_locked(s);
  spin_unlock(&s->lock);
}

int rtc_io(struct rtc *s, int port, unsigned *val)
{
  if (port != 0x71)
    return 0;
  *val = rtc_read_data(s);
  return 1;
}
