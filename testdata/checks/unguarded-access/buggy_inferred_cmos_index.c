// unguarded-access with a guard no rule names, inferred from the accesses:
// Xen 4.17 xen/arch/x86/hvm/rtc.c (XSA-503).  Every access of the CMOS
// index holds the RTC's lock -- the port 0x70 write that sets it, the port
// 0x71 accesses that use it -- except one: the I/O handler checks the index
// before the lock, and the read relies on that check after taking it, so
// another vCPU can move the index out of range in between.
//
// Not reported: the constructor's writes to the RTC it has just allocated,
// and those of the reset helper only the constructor calls (the object is
// not shared yet).
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
    s->index++; // expected-note{{inferred guard (no rule names it): 'rtc.lock' is held at 9 of 10 accesses to 'rtc.index', as here}}
  spin_unlock(&s->lock);
}

unsigned rtc_read_data(struct rtc *s)
{
  unsigned v;

  spin_lock(&s->lock);
  v = s->data[s->index];
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
  if (port == 0x71 && s->index >= RTC_CMOS_SIZE) // expected-warning{{read of 'rtc.index' without holding 'rtc.lock', which this function takes}}
                                                 // expected-note@-1{{rtc_io reads 'rtc.index'}}
    return 0;
  *val = rtc_read_data(s);
  return 1;
}
