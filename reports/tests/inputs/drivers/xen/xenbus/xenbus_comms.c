/* Fixture for the lockwise report tests: a shortened xenbus_comms.c. */
#include <linux/mutex.h>
#include "xenbus.h"

DEFINE_MUTEX(xb_write_mutex);

static int process_msg(void)
{
	if (!state.in_msg) {
		state.in_msg = 1;
		mutex_lock(&xs_response_mutex);
	}
	if (state.used != state.len)
		return 0;
	mutex_lock(&xb_write_mutex);
	state.req->state = xb_req_state_got_reply;
	state.req->cb(state.req);
	mutex_unlock(&xb_write_mutex);
	mutex_unlock(&xs_response_mutex);
	state.in_msg = 0;
	return 0;
}
