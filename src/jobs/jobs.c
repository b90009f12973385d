/*
 * jobs.c - the scheduler thread and its steps.  See jobs.h.
 */
#include "jobs/jobs.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/enquiry.h"
#include "domain/idem.h"
#include "domain/notify.h"
#include "domain/outbox.h"
#include "domain/rating.h"
#include "domain/standing.h"
#include "domain/vreq.h"
#include "jobs/mailer.h"
#include "jobs/transfer.h"
#include "jobs/webhook.h"

struct jobs {
	struct db_pool *pool;
	const struct config *cfg;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_int stop;
};

struct step_ctx {
	const struct config *cfg;
	struct jobs_report *rep;
	struct err e;
	const atomic_int *stop; /* set when the server stops: the outboxes wait */
};

static const struct principal system_principal = {.role = ROLE_SYSTEM, .name = "scheduler"};

static void prepare(struct dctx *c, struct db *db, struct step_ctx *x, struct arena *a)
{
	c->db = db;
	c->who = &system_principal;
	c->a = a;
	c->e = &x->e;
	c->now = clock_now_ms();
	c->cfg = x->cfg;
}

/* A step: fn run as the system principal in a write transaction (run_step()). */
struct step {
	struct step_ctx *x;
	enum kerr (*fn)(struct dctx *c, struct step *s);
	const int64_t *ids; /* the vendor requests (clock_fn) */
	int n;
	struct vreq_clock_report clock; /* what clock_fn did, counted once committed */
};

static enum kerr run_step(struct db *db, void *arg)
{
	struct step *s = arg;
	struct arena a;
	struct dctx c;
	arena_init(&a);
	prepare(&c, db, s->x, &a);
	enum kerr rc = s->fn(&c, s);
	arena_free(&a);
	return rc;
}

static enum kerr close_fn(struct dctx *c, struct step *s)
{
	return enquiry_close_expired(c, &s->x->rep->closed);
}

static enum kerr purge_fn(struct dctx *c, struct step *s)
{
	return idem_purge(c, &s->x->rep->purged);
}

static enum kerr unscheduled_fn(struct dctx *c, struct step *s)
{
	(void)s;
	return vreq_schedule_pending(c);
}

/* The due steps of the vendor requests s->ids[0..n), in one transaction. */
static enum kerr clock_fn(struct dctx *c, struct step *s)
{
	s->clock = (struct vreq_clock_report){0};
	return vreq_clock(c, s->ids, s->n, &s->clock);
}

static void count_clock(struct jobs_report *rep, const struct vreq_clock_report *r)
{
	rep->reminded += r->reminded;
	rep->overdue += r->overdue;
	rep->lapsed += r->lapsed;
	rep->refunded += r->refunded;
}

/*
 * The vendor's clock: requests whose next step is due are claimed (each by
 * one scheduler; a claim lapses after CLAIM_MS, so that the work of one
 * that stopped is taken up), and each batch is stepped in one transaction,
 * or, when that fails, each request in its own.
 */
#define CLAIM_BATCH VREQ_CLOCK_MAX
#define CLAIM_MS    60000
static enum kerr vendor_clock(struct db_pool *pool, struct step_ctx *x)
{
	struct step unscheduled = {x, unscheduled_fn, NULL, 0, {0}};
	enum kerr first = db_write(pool, run_step, &unscheduled);
	int64_t ids[CLAIM_BATCH];
	for (;;) {
		int64_t now = clock_now_ms();
		int n = 0;
		enum kerr rc = db_claim(pool, vreq_sql_claim,
					DB_ARGS(now + CLAIM_MS, now, (int64_t)CLAIM_BATCH), ids,
					CLAIM_BATCH, &n);
		if (rc)
			return first ? first : rc;
		struct step all = {x, clock_fn, ids, n, {0}};
		int whole = n && !db_write(pool, run_step, &all);
		if (whole)
			count_clock(x->rep, &all.clock);
		/* Unless the batch went through as a whole: one by one, so that one bad request
		 * stops no other. */
		for (int i = 0; i < n && !whole; i++) {
			struct step k = {x, clock_fn, &ids[i], 1, {0}};
			if ((rc = db_write(pool, run_step, &k))) {
				/* The others go on; this one's claim lapses and it is tried again.
				 */
				struct logline l;
				log_begin(&l, LOG_ERROR, "vendor request step failed");
				log_int(&l, "vendor_request_id", ids[i]);
				log_str(&l, "error", kerr_name(rc));
				log_end(&l);
				if (!first)
					first = rc;
				continue;
			}
			count_clock(x->rep, &k.clock);
		}
		if (n < CLAIM_BATCH)
			return first;
	}
}

/* One row of an outbox: taken over, loaded, sent, its result recorded. */
struct delivery {
	struct step_ctx *x;
	enum outbox box;
	int64_t id, held; /* the row, and until when this scheduler holds it */
	char *what[3];	  /* e-mail: to, subject, text; webhook: event, body */
	int mine, failed;
	enum outbox_outcome how;
	char error[256];
};

/* Extends this scheduler's claim on the row past one try, and loads it. */
static enum kerr delivery_take_fn(struct db *db, void *arg)
{
	struct delivery *d = arg;
	struct arena a;
	struct dctx c;
	arena_init(&a);
	prepare(&c, db, d->x, &a);
	int64_t until = c.now + TRANSFER_TIMEOUT_MS + CLAIM_MS;
	struct mail m;
	struct webhook h;
	enum kerr rc = outbox_renew(&c, d->box, d->id, d->held, until, &d->mine);
	if (!rc && d->mine)
		rc = d->box == OUTBOX_MAIL ? mail_load(&c, d->id, &m) : webhook_load(&c, d->id, &h);
	if (!rc && d->mine && d->box == OUTBOX_MAIL) {
		d->what[0] = xstrdup(m.to);
		d->what[1] = xstrdup(m.subject);
		d->what[2] = xstrdup(m.text);
	} else if (!rc && d->mine) {
		d->what[0] = xstrdup(h.event);
		d->what[1] = xstrdup(h.body);
	}
	arena_free(&a);
	return rc;
}

static enum kerr delivery_result_fn(struct db *db, void *arg)
{
	struct delivery *d = arg;
	struct arena a;
	struct dctx c;
	arena_init(&a);
	prepare(&c, db, d->x, &a);
	enum kerr rc = outbox_result(&c, d->box, d->id, d->how, d->error, &d->failed);
	arena_free(&a);
	return rc;
}

/* Sends one loaded row over the open sender. */
/* Claimed rows a run did not try, let go. */
struct release {
	struct step_ctx *x;
	enum outbox box;
	const int64_t *ids;
	int n;
	int64_t held;
};

static enum kerr release_fn(struct db *db, void *arg)
{
	struct release *r = arg;
	struct arena a;
	struct dctx c;
	arena_init(&a);
	prepare(&c, db, r->x, &a);
	enum kerr rc = outbox_release(&c, r->box, r->ids, r->n, r->held);
	arena_free(&a);
	return rc;
}

static enum outbox_outcome deliver_one(struct delivery *d, void *sender)
{
	if (d->box == OUTBOX_MAIL)
		return mailer_send(sender, d->id, d->what[0], d->what[1], d->what[2], d->error,
				   sizeof(d->error));
	return webhook_send(sender, d->id, d->what[0], d->what[1], d->error, sizeof(d->error));
}

static void count_delivery(const struct delivery *d, int counts[3])
{
	counts[0] += d->how == OUTBOX_SENT;
	counts[1] += d->how != OUTBOX_SENT && !d->failed;
	counts[2] += d->failed;
	if (d->how == OUTBOX_SENT)
		return;
	struct logline l;
	log_begin(&l, d->failed ? LOG_ERROR : LOG_WARN,
		  d->failed ? "delivery given up" : "delivery refused");
	log_str(&l, "outbox", d->box == OUTBOX_MAIL ? "mail" : "webhook");
	log_int(&l, "id", d->id);
	log_str(&l, "error", d->error);
	log_end(&l);
}

/*
 * An outbox: due rows are claimed (each by one scheduler, as the vendor's
 * clock claims requests), taken over one at a time for their try, sent
 * over one connection, and their results recorded.  A run sends for
 * OUTBOX_RUN_MS at most, and stops early when the server stops or the other
 * side cannot be reached; what it claimed and did not try is let go.
 */
#define OUTBOX_BATCH  20
#define OUTBOX_RUN_MS 10000
static enum kerr deliver(struct db_pool *pool, struct step_ctx *x, enum outbox box, int counts[3])
{
	void *sender = box == OUTBOX_MAIL ? (void *)mailer_open(x->cfg, x->stop)
					  : (void *)webhook_open(x->cfg, x->stop);
	if (!sender)
		return KERR_OK;
	enum kerr first = KERR_OK;
	int64_t ids[OUTBOX_BATCH], end = clock_now_ms() + OUTBOX_RUN_MS;
	int n = OUTBOX_BATCH, down = 0;
#define GOING() (!first && !down && clock_now_ms() < end && !(x->stop && atomic_load(x->stop)))
	while (n == OUTBOX_BATCH && GOING()) {
		/* A claim of this scheduler's own: its time, with a random part. */
		int64_t now = clock_now_ms(), held = now + CLAIM_MS + randombytes_uniform(1000);
		first = db_claim(pool, outbox_sql_claim[box],
				 DB_ARGS(held, now, (int64_t)OUTBOX_BATCH), ids, OUTBOX_BATCH, &n);
		int i = 0;
		for (; i < n && GOING(); i++) {
			struct delivery d = {.x = x, .box = box, .id = ids[i], .held = held};
			if (!(first = db_write(pool, delivery_take_fn, &d)) && d.mine) {
				d.how = deliver_one(&d, sender);
				down = d.how == OUTBOX_UNREACHABLE;
				if (!(first = db_write(pool, delivery_result_fn, &d)))
					count_delivery(&d, counts);
			}
			for (int k = 0; k < 3; k++)
				free(d.what[k]);
		}
		/* Stopped early: what was not tried is let go at once, for the next run or
		 * another scheduler, rather than when the claim lapses. */
		struct release rel = {x, box, ids + i, n - i, held};
		if (i < n && !first)
			first = db_write(pool, release_fn, &rel);
	}
#undef GOING
	if (box == OUTBOX_MAIL)
		mailer_close(sender);
	else
		webhook_close(sender);
	return first;
}

static enum kerr expire_fn(struct dctx *c, struct step *s)
{
	return standing_expire(c, &s->x->rep->standings);
}

static enum kerr snapshot_fn(struct dctx *c, struct step *s)
{
	return rating_snapshot(c, &s->x->rep->ratings);
}

/* 1 when the run did anything. */
static int jobs_report_any(const struct jobs_report *r)
{
	int n = r->reminded + r->overdue + r->lapsed + r->refunded + r->standings + r->ratings +
		r->closed;
	for (int i = 0; i < 3; i++)
		n += r->mail[i] + r->webhook[i];
	return n || r->purged;
}

void jobs_report_json(const struct jobs_report *rep, struct buf *b)
{
	buf_printf(b,
		   "{\"reminded\": %d, \"overdue\": %d, \"lapsed\": %d, \"refunded\": %d,"
		   " \"mailed\": %d, \"mail_retries\": %d, \"mail_failed\": %d,"
		   " \"webhooks\": %d, \"webhook_retries\": %d, \"webhook_failed\": %d,"
		   " \"standings\": %d, \"ratings\": %d, \"closed\": %d, \"purged_keys\": %lld,"
		   " \"took_ms\": %.1f}",
		   rep->reminded, rep->overdue, rep->lapsed, rep->refunded, rep->mail[0],
		   rep->mail[1], rep->mail[2], rep->webhook[0], rep->webhook[1], rep->webhook[2],
		   rep->standings, rep->ratings, rep->closed, (long long)rep->purged, rep->took_ms);
}

/* Every step once; the outboxes stop early once *stop is set (NULL: never). */
static enum kerr run(struct db_pool *pool, const struct config *cfg, struct jobs_report *rep,
		     const atomic_int *stop)
{
	struct step_ctx x = {cfg, rep, {0}, stop};
	memset(rep, 0, sizeof(*rep));
	int64_t t0 = clock_mono_us();
	struct step close = {&x, close_fn, NULL, 0, {0}}, purge = {&x, purge_fn, NULL, 0, {0}},
		    expire = {&x, expire_fn, NULL, 0, {0}},
		    snapshot = {&x, snapshot_fn, NULL, 0, {0}};
	/* Each step runs whatever the others did; the first error is reported. The
	 * outboxes go after the steps that fill them, so that what they tell leaves in the
	 * same run. */
	enum kerr rcs[] = {vendor_clock(pool, &x),
			   db_write(pool, run_step, &expire),
			   db_write(pool, run_step, &snapshot),
			   deliver(pool, &x, OUTBOX_MAIL, rep->mail),
			   deliver(pool, &x, OUTBOX_WEBHOOK, rep->webhook),
			   db_write(pool, run_step, &close),
			   db_write(pool, run_step, &purge)};
	enum kerr rc = KERR_OK;
	for (size_t i = 0; i < sizeof(rcs) / sizeof(rcs[0]) && !rc; i++)
		rc = rcs[i];
	rep->took_ms = (double)(clock_mono_us() - t0) / 1000.0;
	if (rc) {
		log_msg(LOG_ERROR, "scheduler step failed", "error", kerr_name(rc));
	} else if (jobs_report_any(rep)) {
		struct buf b;
		buf_init(&b, 0);
		jobs_report_json(rep, &b);
		log_msg(LOG_INFO, "scheduler", "report", buf_cstr(&b));
		buf_free(&b);
	}
	return rc;
}

enum kerr jobs_run_once(struct db_pool *pool, const struct config *cfg, struct jobs_report *rep)
{
	return run(pool, cfg, rep, NULL);
}

static void *jobs_main(void *arg)
{
	struct jobs *j = arg;
	pthread_mutex_lock(&j->mu);
	while (!j->stop) {
		pthread_mutex_unlock(&j->mu);
		struct jobs_report rep = {0};
		run(j->pool, j->cfg, &rep, &j->stop);
		pthread_mutex_lock(&j->mu);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		int64_t ns = until.tv_nsec + (j->cfg->jobs_interval_ms % 1000) * 1000000;
		until.tv_sec += j->cfg->jobs_interval_ms / 1000 + ns / 1000000000;
		until.tv_nsec = ns % 1000000000;
		while (!j->stop && pthread_cond_timedwait(&j->cv, &j->mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

struct jobs *jobs_start(struct db_pool *pool, const struct config *cfg)
{
	if (cfg->jobs_interval_ms <= 0)
		return NULL;
	struct jobs *j = xcalloc(1, sizeof(*j));
	j->pool = pool;
	j->cfg = cfg;
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	if (pthread_create(&j->thread, NULL, jobs_main, j)) {
		fprintf(stderr, "cannot start the scheduler thread\n");
		abort();
	}
	return j;
}

void jobs_stop(struct jobs *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	j->stop = 1;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	pthread_join(j->thread, NULL);
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j);
}
