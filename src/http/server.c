/*
 * server.c - the libmicrohttpd adapter: reads requests into struct req,
 * applies the limits, resolves the session, checks CSRF, calls the route's
 * handler, sends the reply, logs one line per request and keeps metrics.
 *
 * Threading: MHD runs a pool of `threads` threads, each polling its share
 * of the connections with poll(2) (its epoll mode stalls with many
 * keep-alive connections in the packaged version).  A handler runs on the
 * connection's thread; reads block it briefly, while writes defer the
 * reply (req_defer): the connection is suspended, the thread serves
 * others, and the database writer wakes the request after the commit.
 *
 * Limits: headers by the per-connection memory pool (431 past it), bodies
 * by the route (413, checked on Content-Length before reading and while
 * reading), connections by max_connections, idle time by idle_timeout.
 *
 * Shutdown: when *stop is set the daemon stops accepting, waits for
 * in-flight requests for up to shutdown_grace_seconds, then closes.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/log.h"
#include "domain/auth.h"
#include "http/http.h"

static const int64_t latency_bounds_us[] = {1000,   2000,   5000,   10000,   20000,  50000,
					    100000, 200000, 500000, 1000000, 5000000};

/* Bytes of an over-long chunked body read and dropped before closing. */
#define DISCARD_MAX ((size_t)1 << 20)

static char id_prefix[8];
static atomic_uint_fast64_t id_counter;

static void make_request_id(struct req *r)
{
	const char *given = req_header(r, "X-Request-Id");
	if (given) {
		size_t n = strlen(given);
		int ok = n > 0 && n < sizeof(r->request_id);
		for (size_t i = 0; ok && i < n; i++) {
			char ch = given[i];
			ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
			     (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '_' || ch == '.';
		}
		if (ok) {
			memcpy(r->request_id, given, n + 1);
			return;
		}
	}
	snprintf(r->request_id, sizeof(r->request_id), "%s-%llu", id_prefix,
		 (unsigned long long)atomic_fetch_add(&id_counter, 1));
}

/* Sets r->client from xff: the rightmost entry that is not a trusted balancer. */
static void rightmost_client(struct req *r, const char *xff, const char *trusted)
{
	size_t end = strlen(xff);
	while (end > 0) {
		size_t start = end;
		while (start > 0 && xff[start - 1] != ',')
			start--;
		const char *p = xff + start;
		size_t n = end - start;
		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		char one[INET6_ADDRSTRLEN + 1];
		unsigned char bin[sizeof(struct in6_addr)];
		if (n == 0 || n >= sizeof(one))
			return;
		memcpy(one, p, n);
		one[n] = '\0';
		int v4 = inet_pton(AF_INET, one, bin) == 1;
		if (!v4 && inet_pton(AF_INET6, one, bin) != 1)
			return; /* not an address: keep the balancer's */
		/* Written back in canonical form, as the trusted list is compared. */
		inet_ntop(v4 ? AF_INET : AF_INET6, bin, one, sizeof(one));
		if (!config_addrs_has(trusted, one)) {
			snprintf(r->client, sizeof(r->client), "%s", one);
			return;
		}
		end = start > 0 ? start - 1 : 0;
	}
}

/* Joins every X-Forwarded-For line, in order, with commas. */
static enum MHD_Result join_xff(void *arg, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	(void)kind;
	struct buf *b = arg;
	if (key && value && strcasecmp(key, "X-Forwarded-For") == 0) {
		if (b->len)
			buf_append_char(b, ',');
		buf_append_str(b, value);
	}
	return MHD_YES;
}

/*
 * Behind a balancer named in trusted_proxies, the client is the address the
 * balancer saw: the rightmost X-Forwarded-For entry that is not itself a
 * trusted balancer.  Anything else in the header may have been written by
 * the client and is not believed.
 */
static void forwarded_client(struct req *r, struct MHD_Connection *conn)
{
	const char *trusted = r->app->cfg->trusted_proxies;
	if (!trusted[0] || !config_addrs_has(trusted, r->client))
		return;
	/* A balancer adds its own line after any the client sent: read them all. */
	struct buf all;
	buf_init(&all, 0);
	MHD_get_connection_values(conn, MHD_HEADER_KIND, join_xff, &all);
	if (all.len)
		rightmost_client(r, all.data, trusted);
	buf_free(&all);
}

static void client_address(struct req *r, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(r->client, sizeof(r->client), "unknown");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->client,
			  sizeof(r->client));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->client,
			  sizeof(r->client));
	forwarded_client(r, conn);
}

static size_t body_cap(const struct req *r)
{
	if (!r->route)
		return 0;
	switch (r->route->body) {
	case BODY_JSON:
	case BODY_FORM:
		return (size_t)r->app->cfg->max_body_bytes;
	case BODY_UPLOAD:
	case BODY_FILES:
		return (size_t)r->app->cfg->max_upload_bytes;
	default:
		return 0;
	}
}

static struct req *req_new(struct app *app, struct MHD_Connection *conn, const char *url,
			   const char *method)
{
	struct req *r = xcalloc(1, sizeof(*r));
	arena_init(&r->a);
	r->app = app;
	r->conn = conn;
	r->start_us = clock_mono_us();
	r->method_name = arena_strdup(&r->a, method);
	r->method = http_method_parse(method);
	r->path = arena_strdup(&r->a, url);
	buf_init(&r->out, 0);
	make_request_id(r);
	client_address(r, conn);
	atomic_fetch_add(&app->in_flight, 1);
	unsigned allow = 0;
	r->route = router_match(app->routes, app->nroutes, app->cfg->test_clock, r->method, r->path,
				r->params, &r->nparams, &r->a, &allow);
	buf_init(&r->body, body_cap(r) ? body_cap(r) : 1); /* a 0 cap refuses any body */
	if (!r->route) {
		r->reject = allow ? 405 : 404;
		r->reject_msg = allow ? NULL : "nothing here: no route has this path";
		if (allow) {
			char list[128] = "";
			for (unsigned m = 1; m <= HTTP_OPTIONS; m <<= 1)
				if (allow & m)
					snprintf(list + strlen(list), sizeof(list) - strlen(list),
						 "%s%s", list[0] ? ", " : "", http_method_name(m));
			req_add_header(r, "Allow", list);
		}
	}
	return r;
}

static void req_free(struct req *r)
{
	for (struct req_cleanup *c = r->cleanups; c; c = c->next)
		c->fn(c->arg);
	buf_free(&r->body);
	buf_free(&r->out);
	arena_free(&r->a);
	free(r);
}

static void log_request(struct req *r, int64_t us)
{
	if (!r->app->cfg->log_requests || !log_enabled(LOG_INFO))
		return;
	struct logline l;
	log_begin(&l, LOG_INFO, "request");
	log_str(&l, "method", r->method_name);
	log_str(&l, "path", r->path);
	log_int(&l, "status", r->status);
	log_double(&l, "duration_ms", (double)us / 1000.0);
	log_str(&l, "request_id", r->request_id);
	log_int(&l, "bytes", (int64_t)r->bytes_out);
	if (r->who.user_id)
		log_int(&l, "user_id", r->who.user_id);
	if (r->status >= 400 && r->err.code)
		log_str(&l, "error", kerr_name(r->err.code));
	log_end(&l);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **ptr,
			 enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	struct app *app = cls;
	struct req *r = *ptr;
	if (!r)
		return;
	*ptr = NULL;
	int64_t us = clock_mono_us() - r->start_us;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && r->status == 0)
		r->status = 499; /* the client went away before an answer */
	int cls_idx = r->status / 100;
	if (cls_idx >= 1 && cls_idx <= 5)
		atomic_fetch_add(&app->requests[cls_idx], 1);
	size_t b = 0;
	while (b < sizeof(latency_bounds_us) / sizeof(latency_bounds_us[0]) &&
	       us > latency_bounds_us[b])
		b++;
	atomic_fetch_add(&app->latency[b], 1);
	atomic_fetch_add(&app->latency_sum_us, (uint_fast64_t)us);
	log_request(r, us);
	req_free(r);
	atomic_fetch_sub(&app->in_flight, 1);
}

/* Finds the session token: a bearer token first, then the cookie. */
static const char *session_token(struct req *r, int *via_cookie)
{
	const char *auth = req_header(r, "Authorization");
	*via_cookie = 0;
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
		return auth + 7;
	const char *cookie = req_cookie(r, SESSION_COOKIE);
	if (cookie && *cookie) {
		*via_cookie = 1;
		return cookie;
	}
	return NULL;
}

/* Resolves who is asking.  Returns KERR_OK (maybe anonymous) or a db error. */
static enum kerr authenticate(struct req *r)
{
	int via_cookie;
	const char *token = session_token(r, &via_cookie);
	if (!token)
		return KERR_OK;
	r->had_token = 1;
	if (strlen(token) != TOKEN_TEXT_LEN)
		return KERR_OK;
	enum kerr rc = auth_session_find(r->app->pool, token, &r->who);
	if (rc == KERR_UNAUTHENTICATED) {
		memset(&r->who, 0, sizeof(r->who));
		return KERR_OK;
	}
	if (rc)
		memset(&r->who, 0, sizeof(r->who));
	else
		r->who.via_cookie = via_cookie;
	return rc;
}

static int media_type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);
	return ct && strncasecmp(ct, want, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static void dispatch(struct req *r)
{
	if (r->reject) {
		enum kerr code = r->reject == 404   ? KERR_NOT_FOUND
				 : r->reject == 405 ? KERR_METHOD
						    : KERR_TOO_LARGE;
		req_error(r, code, NULL, r->reject_msg);
		return;
	}
	const struct route *rt = r->route;
	enum kerr rc = authenticate(r);
	if (rc) {
		req_error(r, KERR_UNAVAILABLE, NULL, NULL);
		return;
	}
	if (rt->auth && r->who.role == ROLE_NONE) {
		req_error(r, KERR_UNAUTHENTICATED, NULL,
			  r->had_token ? "the session has expired or was revoked; sign in again"
				       : NULL);
		return;
	}
	/* Routes open to everyone (sign-in) do not act for the session: no CSRF. */
	if (rt->auth && r->who.via_cookie && r->method != HTTP_GET && r->method != HTTP_HEAD) {
		const char *token = req_header(r, "X-CSRF-Token");
		if (!token || !crypto_str_eq(token, r->who.csrf)) {
			req_error(r, KERR_CSRF, "X-CSRF-Token", NULL);
			return;
		}
	}
	if (r->body.len) {
		const char *ct = req_header(r, "Content-Type");
		int form = rt->body == BODY_FORM || rt->body == BODY_FILES;
		int multi = rt->body == BODY_UPLOAD || rt->body == BODY_FILES;
		int ok = (form ? media_type_is(ct, "application/x-www-form-urlencoded")
			       : media_type_is(ct, "application/json")) ||
			 (multi && media_type_is(ct, "multipart/form-data"));
		if (!ok) {
			req_error(r, KERR_MEDIA_TYPE, "Content-Type",
				  rt->body == BODY_FILES ? "send application/x-www-form-urlencoded "
							   "or multipart/form-data"
				  : form		 ? "send application/x-www-form-urlencoded"
				  : multi ? "send application/json or multipart/form-data"
					  : "send application/json");
			return;
		}
	}
	rt->fn(r);
	/* A deferred reply is being made on another thread: do not touch it. */
	if (!r->deferred && !r->status)
		req_error(r, KERR_INTERNAL, NULL, NULL);
}

static enum MHD_Result send_reply(struct req *r, struct MHD_Connection *conn)
{
	size_t n = r->out.len;
	char *body = buf_steal(&r->out);
	struct MHD_Response *resp = MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	r->bytes_out = n;
	if (r->out_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->out_type);
	MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	int has_cache = 0;
	for (int i = 0; i < r->nheaders; i++) {
		MHD_add_response_header(resp, r->headers[i][0], r->headers[i][1]);
		has_cache |= strcasecmp(r->headers[i][0], "Cache-Control") == 0;
	}
	if (!has_cache)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (atomic_load(&r->app->draining))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ok = MHD_queue_response(conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_size, void **ptr)
{
	(void)version;
	struct app *app = cls;
	struct req *r = *ptr;
	if (!r) {
		r = req_new(app, conn, url, method);
		*ptr = r;
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t len = 0;
		if (!r->reject && cl &&
		    (parse_i64(slice_from(cl), 0, INT64_MAX, &len) ||
		     (uint64_t)len > body_cap(r))) {
			/* Refuse before reading: the connection closes after the answer. */
			r->reject = 413;
			r->reject_msg = body_cap(r)
					    ? "the request body is larger than this route takes"
					    : "this route takes no request body";
			dispatch(r);
			return send_reply(r, conn);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (r->reject) {
			/*
			 * A body sent without Content-Length that passed the cap: read
			 * and drop a little more so the client gets its 413, but close
			 * on a stream that goes on (MHD cannot answer mid-upload).
			 */
			r->discarded += *upload_size;
			*upload_size = 0;
			return r->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
		}
		if (!body_cap(r) || buf_append(&r->body, upload_data, *upload_size)) {
			r->reject = 413;
			r->reject_msg = "the request body is larger than this route takes";
			buf_free(&r->body);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->status && !r->deferred)
		return MHD_YES; /* already answered */
	if (r->deferred) {
		/* Woken after req_defer: finish the reply on this thread. */
		r->deferred = 0;
		r->then(r, r->then_arg);
		if (!r->status)
			req_error(r, KERR_INTERNAL, NULL, NULL);
		return send_reply(r, conn);
	}
	dispatch(r);
	if (r->deferred)
		return MHD_YES; /* suspended until req_wake */
	return send_reply(r, conn);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_msg(LOG_WARN, "http server", "detail", msg);
}

int http_serve(struct app *app, volatile int *stop)
{
	const struct config *cfg = app->cfg;
	char tok[TOKEN_TEXT_LEN + 1];
	crypto_token(tok); /* request ids: a random prefix per process, then a counter */
	snprintf(id_prefix, sizeof(id_prefix), "%.6s", tok);

	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, cfg->listen, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)cfg->port);
	} else if (inet_pton(AF_INET6, cfg->listen, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)cfg->port);
		flags |= MHD_USE_IPv6;
	} else {
		log_msg(LOG_ERROR, "listen is not an IP address", "listen", cfg->listen);
		return -1;
	}
	size_t mem = (size_t)cfg->max_header_bytes + 16384;
	struct MHD_Daemon *d = MHD_start_daemon(
	    flags, (uint16_t)cfg->port, NULL, NULL, on_request, app, MHD_OPTION_EXTERNAL_LOGGER,
	    mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)cfg->max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)cfg->idle_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, mem,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_NOTIFY_COMPLETED,
	    on_completed, app, MHD_OPTION_END);
	if (!d) {
		char port[16];
		snprintf(port, sizeof(port), "%lld", (long long)cfg->port);
		log_msg(LOG_ERROR, "cannot listen (is the port in use?)", "port", port);
		return -1;
	}
	struct logline l;
	log_begin(&l, LOG_INFO, "serving");
	log_str(&l, "listen", cfg->listen);
	log_int(&l, "port", cfg->port);
	log_int(&l, "threads", cfg->threads);
	log_end(&l);
	atomic_store(&app->ready, 1);
	while (!*stop) {
		struct timespec ts = {0, 50L * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	atomic_store(&app->ready, 0);
	atomic_store(&app->draining, 1);
	MHD_socket lfd = MHD_quiesce_daemon(d);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	int64_t deadline = clock_mono_us() + cfg->shutdown_grace_seconds * 1000000;
	while (atomic_load(&app->in_flight) > 0 && clock_mono_us() < deadline) {
		struct timespec ts = {0, 10L * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	int left = atomic_load(&app->in_flight);
	if (left > 0) {
		char n[16];
		snprintf(n, sizeof(n), "%d", left);
		log_msg(LOG_WARN, "grace time over; closing requests still in flight", "count", n);
	}
	MHD_stop_daemon(d);
	log_msg(LOG_INFO, "stopped", NULL, NULL);
	return 0;
}
