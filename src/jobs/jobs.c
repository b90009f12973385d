/*
 * jobs.c - the scheduler thread and its steps.  See jobs.h.
 */
#include "jobs/jobs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/enquiry.h"
#include "domain/idem.h"

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

static enum kerr close_step(struct db *db, void *arg)
{
	struct step_ctx *x = arg;
	struct arena a;
	struct dctx c;
	arena_init(&a);
	prepare(&c, db, x, &a);
	enum kerr rc = enquiry_close_expired(&c, &x->rep->closed);
	arena_free(&a);
	return rc;
}

static enum kerr purge_step(struct db *db, void *arg)
{
	struct step_ctx *x = arg;
	struct arena a;
	struct dctx c;
	arena_init(&a);
	prepare(&c, db, x, &a);
	enum kerr rc = idem_purge(&c, &x->rep->purged);
	arena_free(&a);
	return rc;
}

enum kerr jobs_run_once(struct db_pool *pool, const struct config *cfg, struct jobs_report *rep)
{
	struct step_ctx x = {cfg, rep, {0}};
	rep->closed = 0;
	rep->purged = 0;
	enum kerr rc = db_write(pool, close_step, &x);
	if (!rc)
		rc = db_write(pool, purge_step, &x);
	if (rc)
		log_msg(LOG_ERROR, "scheduler step failed", "error", kerr_name(rc));
	else if (rep->closed || rep->purged) {
		struct logline l;
		log_begin(&l, LOG_INFO, "scheduler");
		log_int(&l, "closed", rep->closed);
		log_int(&l, "purged_keys", rep->purged);
		log_end(&l);
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
