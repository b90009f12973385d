/*
 * jobs.c - the scheduler thread and its steps.  See jobs.h.
 */
#include "jobs/jobs.h"

#include <pthread.h>
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
#include "domain/vreq.h"
#include "jobs/mailer.h"

struct jobs {
	struct db_pool *pool;
	const struct config *cfg;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
};

struct step_ctx {
	const struct config *cfg;
	struct jobs_report *rep;
	struct err e;
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
	enum kerr rc = KERR_OK;
	s->clock = (struct vreq_clock_report){0};
	for (int i = 0; i < s->n && !rc; i++)
		rc = vreq_clock(c, s->ids[i], &s->clock);
	return rc;
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
#define CLAIM_BATCH 200
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

/* One e-mail of the outbox: loaded, sent, its result recorded. */
struct mail_work {
	struct step_ctx *x;
	int64_t id;
	struct mail m; /* the loaded e-mail, its text copied out of the arena */
	int sent, failed;
	char error[256];
};

static enum kerr mail_load_fn(struct db *db, void *arg)
{
	struct mail_work *w = arg;
	struct arena a;
	struct dctx c;
	arena_init(&a);
	prepare(&c, db, w->x, &a);
	struct mail m;
	enum kerr rc = mail_load(&c, w->id, &m);
	if (!rc)
		w->m = (struct mail){m.id, xstrdup(m.to), xstrdup(m.subject), xstrdup(m.text),
				     m.pending};
	arena_free(&a);
	return rc;
}

static enum kerr mail_result_fn(struct db *db, void *arg)
{
	struct mail_work *w = arg;
	struct arena a;
	struct dctx c;
	arena_init(&a);
	prepare(&c, db, w->x, &a);
	enum kerr rc = mail_result(&c, w->id, w->sent, w->error, &w->failed);
	arena_free(&a);
	return rc;
}

/*
 * The mail outbox: due e-mails are claimed (each by one scheduler, as the
 * vendor's clock claims requests), sent over one connection, and their
 * results recorded.  When the relay cannot be reached the run stops; the
 * claimed rest are tried once their claims lapse.
 */
#define MAIL_BATCH 20
#define MAIL_RUN   500
static enum kerr mail_outbox(struct db_pool *pool, struct step_ctx *x)
{
	struct mailer *mailer = mailer_open(x->cfg);
	if (!mailer)
		return KERR_OK;
	enum kerr first = KERR_OK;
	int64_t ids[MAIL_BATCH];
	int n = MAIL_BATCH, down = 0;
	for (int done = 0; n == MAIL_BATCH && done < MAIL_RUN && !down && !first; done += n) {
		int64_t now = clock_now_ms();
		first = db_claim(pool, mail_sql_claim,
				 DB_ARGS(now + CLAIM_MS, now, (int64_t)MAIL_BATCH), ids, MAIL_BATCH,
				 &n);
		for (int i = 0; i < n && !first && !down; i++) {
			struct mail_work w = {.x = x, .id = ids[i]};
			if ((first = db_read(pool, mail_load_fn, &w)))
				break;
			if (w.m.pending) {
				w.sent = !mailer_send(mailer, w.id, w.m.to, w.m.subject, w.m.text,
						      w.error, sizeof(w.error), &down);
				first = db_write(pool, mail_result_fn, &w);
			}
			if (!first && w.m.pending) {
				x->rep->mailed += w.sent;
				x->rep->mail_failed += w.failed;
				x->rep->mail_retries += !w.sent && !w.failed;
				if (!w.sent) {
					struct logline l;
					log_begin(&l, w.failed ? LOG_ERROR : LOG_WARN,
						  w.failed ? "e-mail given up" : "e-mail refused");
					log_int(&l, "mail_id", w.id);
					log_str(&l, "error", w.error);
					log_end(&l);
				}
			}
			free((char *)w.m.to);
			free((char *)w.m.subject);
			free((char *)w.m.text);
		}
	}
	mailer_close(mailer);
	return first;
}

void jobs_report_json(const struct jobs_report *rep, struct buf *b)
{
	buf_printf(b,
		   "{\"reminded\": %d, \"overdue\": %d, \"lapsed\": %d, \"refunded\": %d,"
		   " \"mailed\": %d, \"mail_retries\": %d, \"mail_failed\": %d,"
		   " \"closed\": %d, \"purged_keys\": %lld}",
		   rep->reminded, rep->overdue, rep->lapsed, rep->refunded, rep->mailed,
		   rep->mail_retries, rep->mail_failed, rep->closed, (long long)rep->purged);
}

enum kerr jobs_run_once(struct db_pool *pool, const struct config *cfg, struct jobs_report *rep)
{
	struct step_ctx x = {cfg, rep, {0}};
	memset(rep, 0, sizeof(*rep));
	struct step close = {&x, close_fn, NULL, 0, {0}}, purge = {&x, purge_fn, NULL, 0, {0}};
	/* Each step runs whatever the others did; the first error is reported. The
	 * outbox goes after the clock, so that what the clock tells is sent in the same run. */
	enum kerr rc = vendor_clock(pool, &x), mailed = mail_outbox(pool, &x),
		  closed = db_write(pool, run_step, &close),
		  purged = db_write(pool, run_step, &purge);
	if (!rc)
		rc = mailed ? mailed : closed ? closed : purged;
	if (rc) {
		log_msg(LOG_ERROR, "scheduler step failed", "error", kerr_name(rc));
	} else if (memcmp(rep, &(struct jobs_report){0}, sizeof(*rep)) != 0) {
		struct buf b;
		buf_init(&b, 0);
		jobs_report_json(rep, &b);
		log_msg(LOG_INFO, "scheduler", "report", buf_cstr(&b));
		buf_free(&b);
	}
	return rc;
}

static void *jobs_main(void *arg)
{
	struct jobs *j = arg;
	pthread_mutex_lock(&j->mu);
	while (!j->stop) {
		pthread_mutex_unlock(&j->mu);
		struct jobs_report rep = {0};
		jobs_run_once(j->pool, j->cfg, &rep);
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
