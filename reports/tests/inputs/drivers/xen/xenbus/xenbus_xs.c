/* Fixture for the lockwise report tests: a shortened xenbus_xs.c. */
#include <linux/mutex.h>
#include "xenbus.h"

DEFINE_MUTEX(xs_response_mutex);

static void *read_reply(struct xb_req_data *req)
{
	wait_event(req->wq, req->state == xb_req_state_got_reply);
	return req->body;
}

void xs_suspend(void)
{
	mutex_lock(&xb_write_mutex);
	mutex_lock(&xs_response_mutex);
}
