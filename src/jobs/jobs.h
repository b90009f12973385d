/*
 * jobs.h - the scheduler: work that runs because time passed, not because
 * someone asked.  Each step runs in its own write transaction as the system
 * principal, so a crash leaves every step either done or not started.
 *
 * Steps now: the vendor's clock (vendor requests overdue at their due
 * time, lapsed a grace period later: vreq.h), each request claimed by one
 * scheduler and stepped once however many run; close resolved enquiries
 * whose reopen window has passed; purge expired idempotency keys.
 */
#ifndef KAPSULE_JOBS_JOBS_H
#define KAPSULE_JOBS_JOBS_H

#include "base/config.h"
#include "db/db.h"

struct jobs_report {
	int overdue;	/* vendor requests that became overdue */
	int lapsed;	/* vendor requests that lapsed */
	int closed;	/* enquiries closed */
	int64_t purged; /* idempotency keys deleted */
};

struct jobs;

/* Runs every step once. */
enum kerr jobs_run_once(struct db_pool *pool, const struct config *cfg, struct jobs_report *rep);
/* Starts a thread that runs the steps every jobs_interval_ms; NULL when the interval is 0. */
struct jobs *jobs_start(struct db_pool *pool, const struct config *cfg);
/* Stops and joins the thread; NULL is fine. */
void jobs_stop(struct jobs *j);

#endif
