/* client_fetch.c - one-off GETs beside the stream (the record and STIX exports):
 * started on the client's multi handle like every other transfer, so the single
 * loop never blocks on them; the answer waits in the client until taken. */
#include <stdlib.h>
#include <string.h>

#include "net/client_internal.h"

static void done_fetch(struct wf_xfer *x, CURLcode rc)
{
	struct wf_client *c = x->owner;
	free(c->fetch_body);
	c->fetch_body = NULL;
	c->fetch_len = 0;
	c->fetch_err[0] = '\0';
	c->fetch_status = rc == CURLE_OK ? wf_xfer_status(x) : 0;
	if (rc == CURLE_OK && x->too_large) {
		c->fetch_status = 0;
		snprintf(c->fetch_err, sizeof(c->fetch_err),
			 "the answer is over %zu bytes", x->max_body);
	} else if (rc != CURLE_OK || c->fetch_status != 200) {
		wf_xfer_describe(x, rc, c->fetch_err, sizeof(c->fetch_err));
	} else {
		c->fetch_body = x->body ? x->body : strdup("");
		x->body = NULL;
		c->fetch_len = x->len;
		if (!c->fetch_body) {
			c->fetch_status = 0;
			snprintf(c->fetch_err, sizeof(c->fetch_err), "out of memory");
		}
	}
	c->fetched = true;
	c->flags |= WF_CLIENT_EV_FETCHED;
}

int wf_client_fetch(struct wf_client *c, const char *path, const char *accept,
		    size_t max_body)
{
	if (c->fetch)
		return -1;
	struct wf_xfer *x = client_request(c, WF_XFER_FETCH, path, accept, 120,
					   client_stall_ms(c), max_body, NULL);
	if (!x || !client_start_xfer(c, x, &c->fetch, done_fetch))
		return -1;
	return 0;
}

bool wf_client_fetching(const struct wf_client *c)
{
	return c->fetch != NULL;
}

int wf_client_fetch_take(struct wf_client *c, char **body, size_t *len, long *status,
			 char *err, size_t errsize)
{
	if (!c->fetched)
		return 0;
	c->fetched = false;
	*body = c->fetch_body;
	*len = c->fetch_len;
	*status = c->fetch_status;
	c->fetch_body = NULL;
	c->fetch_len = 0;
	snprintf(err, errsize, "%s", c->fetch_err);
	return 1;
}
