/* http_tokens.c - the tokens in force (see http_tokens.h): one mutex over
 * srv->auth and the buckets, so a reload swaps both at once while requests look up
 * and charge; identities leave only as copies. */
#include "http_tokens.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct http_tokens {
	struct server *srv;
	double rate;	    /* requests a second per token, 0: no limit */
	pthread_mutex_t mu; /* srv->auth and the buckets */
	double *bucket;	    /* per entry of the tokens file: requests left */
	int64_t *bucket_at; /* when each bucket was last filled (monotonic ms) */
};

/* Without a tokens file every client is this read-only identity. */
static const struct auth_identity anonymous = {.name = "anonymous",
					       .role = AUTH_VIEWER};

/* Buckets for the entries of a: full, or (old given) as they were for kept tokens. */
static int buckets_make(const struct http_tokens *t, const struct auth *a,
			const struct auth *old, double **bucket, int64_t **at)
{
	size_t n = auth_count(a);
	*bucket = calloc(n ? n : 1, sizeof(**bucket));
	*at = calloc(n ? n : 1, sizeof(**at));
	if (!*bucket || !*at) {
		free(*bucket);
		free(*at);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		(*bucket)[i] = 2 * t->rate;
		(*at)[i] = util_mono_ms();
		for (size_t j = 0; j < auth_count(old); j++) {
			if (strcmp(auth_at(old, j)->key, auth_at(a, i)->key) == 0) {
				(*bucket)[i] = t->bucket[j];
				(*at)[i] = t->bucket_at[j];
				break;
			}
		}
	}
	return 0;
}

/* The hub's stream check: the token is still in force. */
static bool token_in_force(void *ctx, const char *owner)
{
	struct http_tokens *t = ctx;
	pthread_mutex_lock(&t->mu);
	bool ok = !t->srv->auth || auth_has_key(t->srv->auth, owner);
	pthread_mutex_unlock(&t->mu);
	return ok;
}

struct http_tokens *http_tokens_new(struct server *srv, double rate)
{
	struct http_tokens *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->srv = srv;
	t->rate = rate;
	if (buckets_make(t, srv->auth, NULL, &t->bucket, &t->bucket_at) != 0) {
		free(t);
		return NULL;
	}
	pthread_mutex_init(&t->mu, NULL);
	if (srv->hub)
		hub_set_stream_check(srv->hub, token_in_force, t);
	return t;
}

void http_tokens_free(struct http_tokens *t)
{
	if (!t)
		return;
	if (t->srv->hub)
		hub_set_stream_check(t->srv->hub, NULL, NULL);
	free(t->bucket);
	free(t->bucket_at);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

bool http_tokens_find(struct http_tokens *t, const char *token,
		      struct auth_identity *me, size_t *index)
{
	const struct auth_identity *found = NULL;
	pthread_mutex_lock(&t->mu);
	*index = SIZE_MAX;
	if (!t->srv->auth) {
		found = &anonymous;
	} else if (token && *token) {
		found = auth_find_token(t->srv->auth, token, strlen(token));
		if (found)
			*index = (size_t)(found - auth_at(t->srv->auth, 0));
	}
	if (found)
		*me = *found;
	pthread_mutex_unlock(&t->mu);
	return found != NULL;
}

int http_tokens_rate(struct http_tokens *t, size_t i, const struct auth_identity *me)
{
	if (t->rate <= 0)
		return 0;
	int64_t now = util_mono_ms();
	int wait = 0;
	pthread_mutex_lock(&t->mu);
	if (!t->srv->auth || i >= auth_count(t->srv->auth) ||
	    strcmp(auth_at(t->srv->auth, i)->key, me->key) != 0) {
		/* anonymous, or the tokens were reloaded since: no bucket to charge */
		pthread_mutex_unlock(&t->mu);
		return 0;
	}
	double b = t->bucket[i] + (double)(now - t->bucket_at[i]) / 1000.0 * t->rate;
	if (b > 2 * t->rate)
		b = 2 * t->rate;
	t->bucket_at[i] = now;
	if (b >= 1)
		b -= 1;
	else
		wait = (int)((1 - b) / t->rate) + 1;
	t->bucket[i] = b;
	pthread_mutex_unlock(&t->mu);
	return wait;
}

double http_tokens_rate_limit(const struct http_tokens *t)
{
	return t->rate;
}

/* keep() of hub_revoke_streams: a stream stays while its token is in the new file. */
static bool token_kept(void *ctx, const char *owner)
{
	return !owner[0] || auth_has_key(ctx, owner);
}

int http_tokens_reload(struct http_tokens *t, struct auth *fresh, size_t *closed)
{
	double *bucket;
	int64_t *at;
	pthread_mutex_lock(&t->mu);
	struct auth *old = t->srv->auth;
	if (buckets_make(t, fresh, old, &bucket, &at) != 0) {
		pthread_mutex_unlock(&t->mu);
		return -1;
	}
	free(t->bucket);
	free(t->bucket_at);
	t->bucket = bucket;
	t->bucket_at = at;
	t->srv->auth = fresh;
	pthread_mutex_unlock(&t->mu);
	/* From here every request authenticates against fresh; no request holds a
	 * pointer into old (identities are copied), so it can go. */
	size_t c = hub_revoke_streams(t->srv->hub, token_kept, fresh);
	if (closed)
		*closed = c;
	auth_free(old);
	return 0;
}
