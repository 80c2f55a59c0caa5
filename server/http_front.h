/* http_front.h - the relay in front of libmicrohttpd (plain HTTP, and HTTPS whose
 * TLS it terminates): watchfloord
 * accepts each connection itself and passes its bytes to libmicrohttpd over a
 * socketpair, a request's header block only once http_frame.c has read all of it
 * and found it well formed. libmicrohttpd 0.9.75 (Debian 12) cuts a value at a NUL
 * and folds an obs-fold line into the field name before the server sees either, so
 * those are refused here, on every request of a keep-alive or pipelined connection.
 * A refused request is answered (by the refuse callback) after libmicrohttpd has
 * answered the ones before it on the connection, then the connection is closed.
 * Its cost: one more copy of each byte, on one thread (make bench: server_bench). */
#ifndef WFD_HTTP_FRONT_H
#define WFD_HTTP_FRONT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <microhttpd.h>

struct http_front;

/* A request the relay refused, for the answer and the access log. */
struct http_refusal {
	int status;	    /* 400, 431, 501 or 505 */
	const char *reason; /* what was wrong (ASCII) */
	const char *method; /* "" when no request line was read */
	const char *target; /* its start (printable ASCII), "" likewise */
};

/* Writes the whole HTTP/1.1 answer to a refused request (status line, fields, body)
 * into out; returns its length (at most size). Runs on the relay's thread. */
typedef size_t (*http_front_refuse_fn)(void *ctx, const struct http_refusal *r,
				       char *out, size_t size);

/* Starts relaying connections accepted on listen_fd (listening; the relay owns it
 * from now on) to mhd, a daemon started with MHD_USE_NO_LISTEN_SOCKET and MHD_USE_ITC
 * (and without MHD_USE_TLS). With tls_cert and tls_key (PEM files) the relay
 * terminates TLS (OpenSSL), so the check holds over HTTPS too; OpenSSL writes with
 * write(2), so the process must ignore SIGPIPE (server/main.c does). Raises the soft
 * limit of open files to the hard one (three a connection). On failure returns NULL
 * with err set; listen_fd is then still the caller's. */
struct http_front *http_front_start(int listen_fd, struct MHD_Daemon *mhd,
				    const char *tls_cert, const char *tls_key,
				    http_front_refuse_fn refuse, void *ctx, char *err,
				    size_t errsz);

/* libmicrohttpd ended a request (its completion callback) on the connection whose
 * socket, on its side, is fd (MHD_CONNECTION_INFO_CONNECTION_FD). Any thread. */
void http_front_completed(struct http_front *fr, int fd);

/* Accepts no new connection from now on; the open ones go on. */
void http_front_quiesce(struct http_front *fr);

/* Requests refused so far. */
uint64_t http_front_refused(struct http_front *fr);

/* Stops the relay's thread, closes every connection and the listening socket, frees
 * fr. Call after MHD_stop_daemon: while libmicrohttpd stops it ends the requests it
 * holds, and its completion callback counts them into fr. */
void http_front_stop(struct http_front *fr);

#endif
