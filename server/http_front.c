/* http_front.c - the relay of http_front.h: one thread, epoll (edge-triggered), a
 * connection each client: the client's TCP socket, our end of a socketpair whose
 * other end libmicrohttpd serves, a buffer each way. Client bytes go on as
 * http_frame releases them; libmicrohttpd's go back as they come. */
#include "http_front.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "http_frame.h"
#include "util.h"

#define IN_CAP (HTTP_FRAME_HEAD_MAX + 16 * 1024) /* a whole header block and more */
#define OUT_CAP (16 * 1024)
#define CONN_MAX 4000  /* as libmicrohttpd's MHD_OPTION_CONNECTION_LIMIT */
#define LINGER_MS 2000 /* after our last byte, the client's are read and dropped */
#define LINGER_BYTES (1 << 20)
#define SWEEP_MS 1000  /* deadlines looked at (linger, idle clients, accepting) */
#define IDLE_MS 150000 /* a client that takes none of what waits for it this long */
#define ACCEPT_PAUSE_MS 100 /* out of descriptors: accepting waits this long */
#define COMPLETED_MAX (1 << 20)
#ifndef PUMP_ROUNDS    /* a test build may make it small */
#define PUMP_ROUNDS 16 /* reads and writes a turn, before the next connection's */
#endif

enum phase {
	P_OPEN,	    /* relaying */
	P_REFUSING, /* a request refused: waiting for the answers before it */
	P_CLOSING,  /* our last bytes going out */
	P_LINGER,   /* written and shut: reading the client's last bytes */
};

struct conn {
	struct conn *prev, *next;
	int cfd; /* the client's socket */
	int rfd; /* our end of the socketpair, -1 once closed */
	int mfd; /* libmicrohttpd's end: the index of its completion count */
	enum phase phase;
	struct http_frame frame;
	char *in; /* client bytes: [sent, ok) released, [ok, len) held */
	size_t in_len, in_ok, in_sent;
	char out[OUT_CAP]; /* libmicrohttpd's bytes (or our answer) for the client */
	size_t out_len, out_sent;
	bool client_eof; /* the client shut its side */
	bool mhd_eof;	 /* libmicrohttpd closed (or reset) its side */
	bool mhd_shut;	 /* we shut libmicrohttpd's read side (client EOF) */
	bool mhd_gone;	 /* libmicrohttpd takes no more bytes (a send failed) */
	bool mhd_idle;	 /* the last read of rfd found nothing */
	bool cfd_ready;	 /* may hold bytes: an edge came since a short read */
	bool rfd_ready;
	bool cfd_hup, rfd_hup;	/* its peer shut: read until the EOF, short or not */
	SSL *ssl;		/* the client's TLS, or NULL for plain HTTP */
	bool tls_up;		/* its handshake is done */
	unsigned completed;	/* libmicrohttpd's count, taken before that read */
	bool dead;		/* closed: freed after this batch of events */
	bool waiting;		/* waits on libmicrohttpd's count (in nwaiting) */
	bool notify_sent;	/* TLS close_notify written */
	int64_t last_client_io; /* when a byte last moved to or from the client */
	bool again;		/* on the list to pump again */
	struct conn *again_next;
	int64_t linger_until;
	size_t lingered;
};

struct http_front {
	int listen_fd, epfd, wake_fd;
	struct MHD_Daemon *mhd;
	http_front_refuse_fn refuse;
	void *ctx;
	pthread_t thread;
	atomic_bool stopping, quiescing;
	bool accepting;
	atomic_uint *completed; /* requests libmicrohttpd ended, by its fd */
	atomic_bool *wants; /* by its fd: a waiting connection, woken by its count */
	size_t ncompleted;
	struct conn *conns;
	struct conn *dead; /* closed this batch, freed after it */
	size_t nconns;
	struct conn *again;    /* cut short by PUMP_ROUNDS: pumped again next loop */
	size_t nwaiting;       /* connections waiting on a count */
	int64_t next_sweep;    /* when deadlines are looked at next */
	int64_t accept_resume; /* out of descriptors: when accepting resumes, or 0 */
	atomic_uint_fast64_t refused;
	SSL_CTX *tls; /* --tls-cert: the relay terminates TLS; NULL for plain HTTP */
};

/* Closes c; it is freed after the batch of events, which may still name it. */
static void conn_kill(struct http_front *fr, struct conn *c)
{
	if (c->ssl && c->tls_up && !c->notify_sent)
		SSL_shutdown(c->ssl); /* close_notify, one try */
	SSL_free(c->ssl);
	close(c->cfd); /* closing removes it from epoll */
	if (c->rfd >= 0)
		close(c->rfd);
	if (c->prev)
		c->prev->next = c->next;
	else
		fr->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	fr->nconns--;
	if (c->waiting) {
		fr->nwaiting--;
		if (!c->mhd_eof) /* else its fd may be another's already */
			atomic_store(&fr->wants[c->mfd], false);
	}
	c->dead = true;
	c->next = fr->dead;
	fr->dead = c;
}

static void free_dead(struct http_front *fr)
{
	while (fr->dead) {
		struct conn *c = fr->dead;
		fr->dead = c->next;
		free(c->in);
		free(c);
	}
}

/* Every request released to libmicrohttpd had been answered when the count was
 * taken, but one whose body was cut by a refusal (it never ends there). The count
 * is taken before rfd is read: an answer libmicrohttpd counted was written before,
 * so reading rfd until it is empty finds all of it. */
static bool all_answered(const struct conn *c)
{
	unsigned need = c->frame.requests - (c->frame.in_message ? 1u : 0u);
	return c->completed >= need;
}

static void close_mhd_side(struct conn *c)
{
	if (c->rfd >= 0) {
		close(c->rfd);
		c->rfd = -1;
	}
	c->mhd_eof = c->mhd_gone = true;
}

/* What a failed TLS call means, as recv()/send() would say it: 0 at the client's
 * close_notify (or its EOF), -1 with errno EAGAIN when it waits for the socket, else
 * -1 with ECONNRESET. */
static ssize_t tls_result(struct conn *c, int r)
{
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		errno = EAGAIN;
		return -1;
	default:
		ERR_clear_error();
		errno = ECONNRESET;
		return -1;
	}
}

/* The client's bytes as recv() gives them, decrypted when it speaks TLS (its
 * handshake driven here first). */
static ssize_t client_recv(struct conn *c, char *buf, size_t n)
{
	if (!c->ssl)
		return recv(c->cfd, buf, n, 0);
	if (!c->tls_up) {
		int r = SSL_accept(c->ssl);
		if (r != 1) {
			ssize_t v = tls_result(c, r);
			if (v == 0)
				errno = ECONNRESET; /* closed during the handshake */
			return -1;
		}
		c->tls_up = true;
	}
	int r = SSL_read(c->ssl, buf, n > INT_MAX ? INT_MAX : (int)n);
	return r > 0 ? r : tls_result(c, r);
}

/* Sends to the client as send() would, through TLS when it speaks it. */
static ssize_t client_send(struct conn *c, const char *buf, size_t n)
{
	if (!c->ssl)
		return send(c->cfd, buf, n, MSG_NOSIGNAL);
	if (!c->tls_up) {
		errno = EAGAIN;
		return -1;
	}
	int r = SSL_write(c->ssl, buf, n > INT_MAX ? INT_MAX : (int)n);
	if (r > 0)
		return r;
	if (tls_result(c, r) == 0)
		errno = EPIPE;
	return -1;
}

/* Reads the client's bytes and passes on what the framer releases: 1 when bytes
 * moved, 0 when none could, -1 when the client's socket failed (a reset). */
static int pump_in(struct http_front *fr, struct conn *c)
{
	bool progress = false;
	if (c->phase == P_OPEN && !c->client_eof && c->in_len < IN_CAP &&
	    c->cfd_ready) {
		size_t want = IN_CAP - c->in_len;
		ssize_t n = client_recv(c, c->in + c->in_len, want);
		if (n > 0)
			c->last_client_io = util_mono_ms();
		/* Edge-triggered: a short read emptied the socket; the next edge
		 * says when it has more. TLS reads a record at a time: there only
		 * its "want read" says the socket is empty. */
		c->cfd_ready = n > 0 && ((size_t)n == want || c->cfd_hup || c->ssl);
		if (n > 0) {
			size_t rel;
			bool ok = http_frame_feed(&c->frame, c->in + c->in_len,
						  (size_t)n, &rel);
			c->in_len += (size_t)n;
			c->in_ok += rel;
			if (!ok) {
				c->phase = P_REFUSING;
				atomic_fetch_add(&fr->refused, 1);
			}
			progress = true;
		} else if (n == 0) {
			c->client_eof = true;
			progress = true;
		} else if (errno == EINTR) {
			c->cfd_ready = true;
		} else if (errno != EAGAIN) {
			return -1;
		}
	}
	if (c->in_sent < c->in_ok && !c->mhd_gone) {
		ssize_t n = send(c->rfd, c->in + c->in_sent, c->in_ok - c->in_sent,
				 MSG_NOSIGNAL);
		if (n > 0) {
			c->in_sent += (size_t)n;
			progress = true;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			/* libmicrohttpd closed: nothing more goes there, but its
			 * answer may still wait in rfd (an early 401 or 413). */
			c->mhd_gone = true;
		}
	}
	if (c->in_sent > 0 && (c->in_sent == c->in_ok || c->in_sent >= IN_CAP / 2)) {
		memmove(c->in, c->in + c->in_sent, c->in_len - c->in_sent);
		c->in_len -= c->in_sent;
		c->in_ok -= c->in_sent;
		c->in_sent = 0;
	}
	if (c->phase == P_OPEN && c->client_eof && !c->mhd_shut && !c->mhd_gone &&
	    c->in_sent == c->in_ok) {
		shutdown(c->rfd, SHUT_WR); /* held bytes of a cut request are dropped */
		c->mhd_shut = true;
	}
	return progress;
}

/* Reads libmicrohttpd's bytes and writes what is buffered to the client: 1, 0 or
 * -1 as pump_in. */
static int pump_out(struct conn *c)
{
	bool progress = false;
	c->mhd_idle = false;
	/* Waiting on the count, rfd is read whatever its edges said: an answer
	 * counted was written before, and its edge may not have been handled yet. */
	bool waits = c->phase != P_OPEN || c->client_eof;
	if (!c->mhd_eof && c->out_len < OUT_CAP && (c->rfd_ready || waits)) {
		size_t want = OUT_CAP - c->out_len;
		ssize_t n = recv(c->rfd, c->out + c->out_len, want, 0);
		c->rfd_ready = n > 0 && ((size_t)n == want || c->rfd_hup);
		if (n > 0) {
			c->out_len += (size_t)n;
			c->mhd_idle = (size_t)n < want;
			progress = true;
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			c->mhd_eof = true;
			progress = true;
		} else {
			c->mhd_idle = errno == EAGAIN;
			c->rfd_ready = errno == EINTR;
		}
	}
	if (c->out_sent < c->out_len) {
		ssize_t n =
			client_send(c, c->out + c->out_sent, c->out_len - c->out_sent);
		if (n > 0) {
			c->last_client_io = util_mono_ms();
			c->out_sent += (size_t)n;
			progress = true;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			return -1;
		}
	}
	if (c->out_sent == c->out_len)
		c->out_sent = c->out_len = 0;
	return progress;
}

/* Pumps c again after the other connections had their turn. */
static void pump_again(struct http_front *fr, struct conn *c)
{
	if (!c->again) {
		c->again = true;
		c->again_next = fr->again;
		fr->again = c;
	}
}

/* Our answer to the refused request, after every byte libmicrohttpd sent before;
 * written on c's next turn (no edge of an idle socket would ask for it). */
static void queue_refusal(struct http_front *fr, struct conn *c)
{
	struct http_refusal r = {c->frame.status, c->frame.reason, c->frame.method,
				 c->frame.target};
	close_mhd_side(c);
	c->out_len = fr->refuse(fr->ctx, &r, c->out, sizeof(c->out));
	c->out_sent = 0;
	c->phase = P_CLOSING;
	pump_again(fr, c);
}

/* Moves c on after its sockets were read and written: returns false when c is to be
 * freed. */
static bool advance(struct http_front *fr, struct conn *c)
{
	bool flushed = c->out_len == 0;
	switch (c->phase) {
	case P_OPEN:
		if (c->mhd_eof && flushed) {
			c->phase = P_CLOSING;
			break;
		}
		/* The client is done and every request of it has been answered:
		 * libmicrohttpd keeps a half-closed connection open, we need not. */
		if (c->client_eof && c->mhd_shut && flushed && c->mhd_idle &&
		    all_answered(c))
			return false;
		return true;
	case P_REFUSING:
		if (c->mhd_eof && flushed) {
			/* libmicrohttpd closed: all it will count is counted. Our 400
			 * goes out only when the requests before are answered, else
			 * it would read as the answer to one of them. */
			c->completed = atomic_load(&fr->completed[c->mfd]);
			if (all_answered(c))
				queue_refusal(fr, c);
			else
				c->phase = P_CLOSING;
			break;
		}
		/* The count was read before the last read of rfd found it empty, so
		 * the answers it counts were all read and forwarded. */
		if (flushed && c->mhd_idle && all_answered(c))
			queue_refusal(fr, c);
		return true;
	default:
		break;
	}
	if (c->phase == P_CLOSING && c->out_len == 0) {
		close_mhd_side(c);
		if (c->ssl && c->tls_up && !c->notify_sent) {
			int r = SSL_shutdown(c->ssl);
			if (r < 0 && SSL_get_error(c->ssl, r) == SSL_ERROR_WANT_WRITE)
				return true; /* the socket's next edge tries again */
			ERR_clear_error();
			c->notify_sent = true;
		}
		shutdown(c->cfd, SHUT_WR);
		c->phase = P_LINGER;
		c->linger_until = util_mono_ms() + LINGER_MS;
	}
	if (c->phase == P_LINGER) {
		char drop[4096];
		for (;;) {
			ssize_t n = recv(c->cfd, drop, sizeof(drop), 0);
			if (n > 0 && (c->lingered += (size_t)n) < LINGER_BYTES)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EINTR) &&
			    util_mono_ms() < c->linger_until)
				return true;
			return false;
		}
	}
	return true;
}

/* A connection waits on libmicrohttpd's count of answers when it refused a request
 * or its client is done: no socket event says when that count moves, so its flag
 * makes the completion callback wake the relay (http_front_completed). */
static void note_waiting(struct http_front *fr, struct conn *c)
{
	bool w = c->phase == P_REFUSING || (c->phase == P_OPEN && c->client_eof);
	if (w != c->waiting) {
		c->waiting = w;
		if (w)
			fr->nwaiting++;
		else
			fr->nwaiting--;
		if (w || !c->mhd_eof)
			atomic_store(&fr->wants[c->mfd], w);
	}
	/* The count moved after it was taken and maybe before the flag was up: that
	 * wake may have been missed (seq_cst both sides, so one of them sees it). */
	if (w && atomic_load(&fr->completed[c->mfd]) != c->completed)
		pump_again(fr, c);
}

static void pump(struct http_front *fr, struct conn *c)
{
	c->completed = atomic_load(&fr->completed[c->mfd]);
	int rounds = 0;
	for (; rounds < PUMP_ROUNDS && c->phase < P_CLOSING; rounds++) {
		int in = pump_in(fr, c);
		int out = in < 0 ? -1 : pump_out(c);
		if (out < 0) {
			conn_kill(fr, c);
			return;
		}
		if (!in && !out)
			break;
	}
	if (c->phase == P_CLOSING && pump_out(c) < 0) {
		conn_kill(fr, c);
		return;
	}
	if (!advance(fr, c)) {
		conn_kill(fr, c);
		return;
	}
	note_waiting(fr, c);
	/* Stopped with bytes still to move: no new edge will say so, so it goes
	 * again after the other connections of this batch had their turn. */
	if (rounds == PUMP_ROUNDS)
		pump_again(fr, c);
}

static void accept_all(struct http_front *fr)
{
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		int cfd = accept4(fr->listen_fd, (struct sockaddr *)&peer, &plen,
				  SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				/* The connection stays in the backlog and the socket
				 * readable: a pause, not a busy loop. */
				epoll_ctl(fr->epfd, EPOLL_CTL_DEL, fr->listen_fd, NULL);
				fr->accept_resume = util_mono_ms() + ACCEPT_PAUSE_MS;
			}
			return;
		}
		int sv[2] = {-1, -1};
		struct conn *c = NULL;
		if (fr->nconns >= CONN_MAX ||
		    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
		    (size_t)sv[1] >= fr->ncompleted || !(c = calloc(1, sizeof(*c))) ||
		    !(c->in = malloc(IN_CAP))) {
			if (c)
				free(c);
			close(cfd);
			if (sv[0] >= 0) {
				close(sv[0]);
				close(sv[1]);
			}
			continue;
		}
		int one = 1;
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
		c->cfd = cfd;
		c->rfd = sv[0];
		c->mfd = sv[1];
		if (fr->tls &&
		    (!(c->ssl = SSL_new(fr->tls)) || SSL_set_fd(c->ssl, cfd) != 1)) {
			SSL_free(c->ssl);
			close(cfd);
			close(sv[0]);
			close(sv[1]);
			free(c->in);
			free(c);
			continue;
		}
		http_frame_init(&c->frame);
		atomic_store(&fr->completed[c->mfd], 0);
		atomic_store(&fr->wants[c->mfd], false);
		c->last_client_io = util_mono_ms();
		/* libmicrohttpd closes sv[1] itself, also when it refuses it. It gets
		 * the client's address (0.9.75 sets its TCP options on the socketpair
		 * whatever address it is given; they fail, harmless). */
		if (MHD_add_connection(fr->mhd, sv[1], (struct sockaddr *)&peer,
				       plen) != MHD_YES) {
			SSL_free(c->ssl);
			close(cfd);
			close(sv[0]);
			free(c->in);
			free(c);
			continue;
		}
		c->next = fr->conns;
		if (fr->conns)
			fr->conns->prev = c;
		fr->conns = c;
		fr->nconns++;
		/* Our end of the socketpair is told apart by the low bit. */
		struct epoll_event cev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP |
						    EPOLLET,
					  .data.u64 = (uintptr_t)c};
		struct epoll_event rev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP |
						    EPOLLET,
					  .data.u64 = (uintptr_t)c | 1u};
		c->cfd_ready = c->rfd_ready = true;
		if (epoll_ctl(fr->epfd, EPOLL_CTL_ADD, c->cfd, &cev) != 0 ||
		    epoll_ctl(fr->epfd, EPOLL_CTL_ADD, c->rfd, &rev) != 0) {
			conn_kill(fr, c);
			continue;
		}
		pump(fr, c);
	}
}

/* Once a second: a waiting connection is pumped even without a wake (a missed one
 * costs a second, never a hang), a linger ends at its deadline, and a client that
 * took nothing of what waits for it for IDLE_MS is dropped (libmicrohttpd's own
 * timeout does not see it: it wrote all to us). */
static void sweep(struct http_front *fr, int64_t now)
{
	for (struct conn *c = fr->conns, *next; c; c = next) {
		next = c->next;
		if ((c->out_len > 0 || c->phase == P_CLOSING) &&
		    now - c->last_client_io > IDLE_MS)
			conn_kill(fr, c);
		else if (c->waiting || c->phase >= P_CLOSING)
			pump(fr, c);
	}
}

static void *front_main(void *arg)
{
	struct http_front *fr = arg;
	struct epoll_event evs[64];
	while (!atomic_load(&fr->stopping)) {
		if (fr->accepting && atomic_load(&fr->quiescing)) {
			epoll_ctl(fr->epfd, EPOLL_CTL_DEL, fr->listen_fd, NULL);
			fr->accepting = false;
		}
		int64_t now = util_mono_ms();
		if (fr->accept_resume && now >= fr->accept_resume) {
			struct epoll_event lev = {.events = EPOLLIN,
						  .data.u64 =
							  (uintptr_t)&fr->listen_fd};
			if (fr->accepting)
				epoll_ctl(fr->epfd, EPOLL_CTL_ADD, fr->listen_fd, &lev);
			fr->accept_resume = 0;
		}
		/* The connections cut short last turn go first, without waiting. */
		struct conn *again = fr->again;
		fr->again = NULL;
		for (struct conn *c = again, *next; c; c = next) {
			next = c->again_next;
			c->again = false;
			if (!c->dead)
				pump(fr, c);
		}
		/* The only free: whatever was closed since is on no list now but the
		 * dead one (a connection both killed and put on fr->again this turn
		 * is skipped above next turn, then freed here). */
		free_dead(fr);
		int timeout = fr->again				? 0
			      : fr->nconns || fr->accept_resume ? SWEEP_MS
								: -1;
		int n = epoll_wait(fr->epfd, evs, 64, timeout);
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;
			if (tag == (uintptr_t)&fr->listen_fd) {
				if (fr->accepting)
					accept_all(fr);
				continue;
			}
			if (tag == (uintptr_t)&fr->wake_fd) {
				uint64_t v;
				if (read(fr->wake_fd, &v, sizeof(v)) < 0) {
					/* nothing to do: the loop re-reads the flags */
				}
				/* A count a waiting connection wanted has moved. */
				for (struct conn *c = fr->conns; c; c = c->next)
					if (c->waiting)
						pump_again(fr, c);
				continue;
			}
			/* A connection closed by an earlier event of the batch is
			 * skipped (it is freed next turn). */
			struct conn *c = (struct conn *)(uintptr_t)(tag & ~(uint64_t)1);
			if (c->dead)
				continue;
			uint32_t e = evs[i].events;
			bool hup = e & (EPOLLRDHUP | EPOLLHUP | EPOLLERR);
			/* TLS may wait on writing to read (and on reading to write):
			 * any edge of its socket is worth a try. */
			bool tls = !(tag & 1) && c->ssl;
			if ((e & EPOLLIN) || hup || tls) {
				/* A shut peer's bytes and its EOF may come in one edge:
				 * then a short read does not mean that all was read. */
				if (tag & 1) {
					c->rfd_ready = true;
					c->rfd_hup |= hup;
				} else {
					c->cfd_ready = true;
					c->cfd_hup |= hup;
				}
			}
			pump(fr, c);
		}
		now = util_mono_ms();
		if (now >= fr->next_sweep) {
			fr->next_sweep = now + SWEEP_MS;
			sweep(fr, now);
		}
	}
	return NULL;
}

/* The TLS server context of --tls-cert and --tls-key (PEM files: the certificate
 * chain, the key); NULL with err set. TLS 1.2 and up, no renegotiation; an EOF
 * without close_notify is an EOF (curl and most clients just close). */
static SSL_CTX *tls_context(const char *cert, const char *key, char *err, size_t errsz)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	const char *what = "cannot set up TLS";
	if (!ctx)
		goto fail;
	what = "--tls-cert";
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		goto fail;
	what = "--tls-key";
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		goto fail;
	what = "--tls-key does not match --tls-cert";
	if (SSL_CTX_check_private_key(ctx) != 1)
		goto fail;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx,
			    SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
				      SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
				      SSL_MODE_RELEASE_BUFFERS);
	return ctx;
fail:;
	char e[200];
	ERR_error_string_n(ERR_get_error(), e, sizeof(e));
	ERR_clear_error();
	snprintf(err, errsz, "%s: %s", what, e);
	SSL_CTX_free(ctx);
	return NULL;
}

struct http_front *http_front_start(int listen_fd, struct MHD_Daemon *mhd,
				    const char *tls_cert, const char *tls_key,
				    http_front_refuse_fn refuse, void *ctx, char *err,
				    size_t errsz)
{
	struct http_front *fr = calloc(1, sizeof(*fr));
	if (!fr) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	if (tls_cert && !(fr->tls = tls_context(tls_cert, tls_key, err, errsz))) {
		free(fr);
		return NULL;
	}
	/* Three descriptors a connection: the client's, ours and libmicrohttpd's. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	fr->ncompleted = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > COMPLETED_MAX
				 ? COMPLETED_MAX
				 : (size_t)rl.rlim_cur;
	fr->completed = calloc(fr->ncompleted, sizeof(*fr->completed));
	fr->wants = calloc(fr->ncompleted, sizeof(*fr->wants));
	fr->listen_fd = listen_fd;
	fr->mhd = mhd;
	fr->refuse = refuse;
	fr->ctx = ctx;
	fr->accepting = true;
	fr->epfd = epoll_create1(EPOLL_CLOEXEC);
	fr->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct epoll_event lev = {.events = EPOLLIN,
				  .data.u64 = (uintptr_t)&fr->listen_fd};
	struct epoll_event wev = {.events = EPOLLIN,
				  .data.u64 = (uintptr_t)&fr->wake_fd};
	if (!fr->completed || !fr->wants || fr->epfd < 0 || fr->wake_fd < 0 ||
	    fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK) != 0 ||
	    epoll_ctl(fr->epfd, EPOLL_CTL_ADD, listen_fd, &lev) != 0 ||
	    epoll_ctl(fr->epfd, EPOLL_CTL_ADD, fr->wake_fd, &wev) != 0 ||
	    pthread_create(&fr->thread, NULL, front_main, fr) != 0) {
		snprintf(err, errsz, "cannot start the HTTP relay: %s",
			 strerror(errno));
		if (fr->epfd >= 0)
			close(fr->epfd);
		if (fr->wake_fd >= 0)
			close(fr->wake_fd);
		free(fr->completed);
		free(fr->wants);
		SSL_CTX_free(fr->tls);
		free(fr);
		return NULL;
	}
	return fr;
}

static void wake(struct http_front *fr)
{
	uint64_t one = 1;
	if (write(fr->wake_fd, &one, sizeof(one)) < 0) {
		/* the counter is full: the thread is awake already */
	}
}

void http_front_completed(struct http_front *fr, int fd)
{
	if (!fr || fd < 0 || (size_t)fd >= fr->ncompleted)
		return;
	atomic_fetch_add(&fr->completed[fd], 1);
	if (atomic_load(&fr->wants[fd]))
		wake(fr);
}

void http_front_quiesce(struct http_front *fr)
{
	if (!fr)
		return;
	atomic_store(&fr->quiescing, true);
	wake(fr);
}

uint64_t http_front_refused(struct http_front *fr)
{
	return fr ? atomic_load(&fr->refused) : 0;
}

void http_front_stop(struct http_front *fr)
{
	if (!fr)
		return;
	atomic_store(&fr->stopping, true);
	wake(fr);
	pthread_join(fr->thread, NULL);
	while (fr->conns)
		conn_kill(fr, fr->conns);
	free_dead(fr);
	close(fr->listen_fd);
	close(fr->epfd);
	close(fr->wake_fd);
	free(fr->completed);
	free(fr->wants);
	SSL_CTX_free(fr->tls);
	free(fr);
}
