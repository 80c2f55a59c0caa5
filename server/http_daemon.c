/* http_daemon.c - watchfloord's HTTP daemon: the listening socket, libmicrohttpd
 * behind the relay of http_front.h (which terminates TLS, reads every request's
 * header block first and whose refusals are answered here) or, with --header-check
 * library, over the socket itself with its own TLS; the quiesce before a stop, the
 * stop, the reload of the tokens. Requests themselves are handled in http.c. */
#include "http.h"
#include "http_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "feed.h"
#include "http_front.h"
#include "http_tokens.h"
#include "taxii.h"
#include "util.h"

/* The relay's answer to a request it refused (http_front.h): our error body, or
 * TAXII's under /taxii2/, logged like any other; the connection closes after it. */
static size_t refuse_answer(void *ctx, const struct http_refusal *r, char *out,
			    size_t size)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
					   "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct http *h = ctx;
	const char *phrase = r->status == 431	? "Request Header Fields Too Large"
			     : r->status == 501 ? "Not Implemented"
			     : r->status == 505 ? "HTTP Version Not Supported"
						: "Bad Request";
	const char *ctype = "application/json";
	char *body = NULL;
	if (strncmp(r->target, "/taxii2/", 8) == 0) {
		struct taxii_reply tr = {0};
		taxii_error(&tr, r->status, r->reason);
		body = tr.body;
		ctype = TAXII_MEDIA_TYPE;
	} else {
		struct api_reply rep = {0, NULL};
		api_error(&rep, r->status, "%s", r->reason);
		body = rep.body ? json_dumps(rep.body, JSON_COMPACT) : NULL;
		json_decref(rep.body);
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	int n = snprintf(
		out, size,
		"HTTP/1.1 %d %s\r\nDate: %s, %02d %s %d %02d:%02d:%02d GMT\r\n"
		"Content-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n"
		"Connection: close\r\n\r\n%s",
		r->status, phrase, days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, ctype,
		body ? strlen(body) : 0, body ? body : "");
	free(body);
	http_log_line(h, r->method, r->target, r->status, util_mono_ms(), "-");
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[4096];
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			char *b = realloc(buf, cap);
			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
		}
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

/* Binds and listens on host:port ourselves, so port 0 can be read back. */
static int listen_on(const char *host, int port, int *bound, char *err, size_t errsz)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		sl = sizeof(*v4);
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		sl = sizeof(*v6);
	} else {
		snprintf(err, errsz, "--listen: '%s' is not a numeric address", host);
		return -1;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, 1024) ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		snprintf(err, errsz, "cannot listen on %s:%d: %s", host, port,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*bound = ntohs(ss.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
	return fd;
}

/* Frees what http_start allocated (the daemon and the relay are stopped apart). */
static void http_free(struct http *h)
{
	free(h->tls_cert);
	free(h->tls_key);
	http_tokens_free(h->tokens);
	feed_free(h->feed);
	free(h->stix_name);
	free(h->public_url);
	pthread_mutex_destroy(&h->log_mu);
	free(h);
}

struct http *http_start(struct server *srv, const struct http_options *opt, char *err,
			size_t errsz)
{
	struct http *h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	h->srv = srv;
	h->log = opt->log;
	pthread_mutex_init(&h->log_mu, NULL);
	atomic_init(&h->refusing, false);
	h->listen_fd = -1;
	h->tokens = http_tokens_new(srv, opt->rate_limit);
	h->stix_name =
		strdup(opt->stix_name ? opt->stix_name : "watchfloor command center");
	h->feed = feed_new(h->stix_name, opt->tlp);
	if (opt->public_url) {
		h->public_url = strdup(opt->public_url);
		size_t n = h->public_url ? strlen(h->public_url) : 0;
		while (n > 0 && h->public_url[n - 1] == '/')
			h->public_url[--n] = '\0';
	}
	if (!h->tokens || !h->feed || !h->stix_name) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_ALLOW_SUSPEND_RESUME;
	/* Requests go through the relay (http_front.h) unless told otherwise; it then
	 * terminates TLS too, and libmicrohttpd serves plain HTTP behind it. */
	bool relay = opt->header_relay;
	if (relay)
		flags |= MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC;
	if (opt->tls_cert && !relay) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
			snprintf(err, errsz, "this libmicrohttpd has no TLS support");
			goto fail;
		}
		h->tls_cert = read_file(opt->tls_cert);
		h->tls_key = read_file(opt->tls_key);
		if (!h->tls_cert || !h->tls_key) {
			snprintf(err, errsz, "cannot read --tls-cert or --tls-key");
			goto fail;
		}
		flags |= MHD_USE_TLS;
	}
	h->tls = opt->tls_cert != NULL;
	int fd = listen_on(opt->host, opt->port, &h->port, err, errsz);
	if (fd < 0)
		goto fail;
	/* The listening socket is libmicrohttpd's only without the relay; then the
	 * certificate, when serving TLS. */
	struct MHD_OptionItem items[4];
	size_t ni = 0;
	if (!relay)
		items[ni++] =
			(struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, fd, NULL};
	if (opt->tls_cert && !relay) {
		items[ni++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0,
						      h->tls_cert};
		items[ni++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0,
						      h->tls_key};
	}
	items[ni] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	h->mhd = MHD_start_daemon(
		flags, 0, NULL, NULL, http_on_request, h, MHD_OPTION_THREAD_POOL_SIZE,
		opt->threads ? opt->threads : 4, MHD_OPTION_CONNECTION_LIMIT, 4000,
		MHD_OPTION_CONNECTION_TIMEOUT, 120, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)128 * 1024, MHD_OPTION_NOTIFY_COMPLETED, http_on_completed, h,
		MHD_OPTION_ARRAY, items, MHD_OPTION_END);
	if (!h->mhd) {
		close(fd);
		snprintf(err, errsz, "libmicrohttpd failed to start");
		goto fail;
	}
	if (relay &&
	    !(h->front = http_front_start(fd, h->mhd, opt->tls_cert, opt->tls_key,
					  refuse_answer, h, err, errsz))) {
		MHD_stop_daemon(h->mhd);
		close(fd);
		goto fail;
	}
	return h;
fail:
	http_free(h);
	return NULL;
}

int http_port(const struct http *h)
{
	return h->port;
}

void http_refuse_new(struct http *h)
{
	atomic_store(&h->refusing, true);
	if (h->front)
		http_front_quiesce(h->front);
	else if (h->listen_fd < 0)
		h->listen_fd = MHD_quiesce_daemon(h->mhd);
}

void http_stop(struct http *h)
{
	if (!h)
		return;
	http_refuse_new(h);
	/* The daemon first: while it closes its connections it calls the completion
	 * callback, which counts into the relay; then the relay. */
	MHD_stop_daemon(h->mhd);
	http_front_stop(h->front);
	if (h->listen_fd >= 0)
		close(h->listen_fd);
	http_free(h);
}

int http_reload_auth(struct http *h, struct auth *fresh, size_t *closed)
{
	return http_tokens_reload(h->tokens, fresh, closed);
}
