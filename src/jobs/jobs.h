/*
 * jobs.h - the scheduler: work that runs because time passed, not because
 * someone asked.  Each step runs in its own write transaction as the system
 * principal, so a crash leaves every step either done or not started.
 *
 * Steps now: the vendor's clock (reminders before a vendor request's due
 * time, overdue at it, lapsed a grace period later, with an automatic
 * refund where the policy allows: vreq.h), each request claimed by one
 * scheduler and stepped once however many run; vendors' expired penalty
 * points taken into their standing (standing.h); a daily rating snapshot
 * per vendor (rating.h); the outboxes (outbox.h: e-mail and webhooks), each
 * row claimed by one scheduler, sent, and tried again with back-off when
 * refused; close resolved enquiries whose reopen window has passed; purge
 * expired idempotency keys.
 */
#ifndef KAPSULE_JOBS_JOBS_H
#define KAPSULE_JOBS_JOBS_H

#include "base/config.h"
#include "db/db.h"

struct jobs_report {
	int reminded;	/* reminders sent to vendors */
	int overdue;	/* vendor requests that became overdue */
	int lapsed;	/* vendor requests that lapsed */
	int refunded;	/* orders refunded automatically */
	int mail[3];	/* e-mails the relay took, refused (to try again), given up */
	int webhook[3]; /* webhooks likewise */
	int standings;	/* vendors whose expired points were taken into their standing */
	int ratings;	/* vendors' daily rating snapshots made */
	int closed;	/* enquiries closed */
	int64_t purged; /* idempotency keys deleted */
	double took_ms; /* how long the run took (monotonic clock) */
};

/* The report as one line of JSON (no newline), into b. */
struct buf;
void jobs_report_json(const struct jobs_report *rep, struct buf *b);

struct jobs;

/* Runs every step once. */
enum kerr jobs_run_once(struct db_pool *pool, const struct config *cfg, struct jobs_report *rep);
/* Starts a thread that runs the steps every jobs_interval_ms; NULL when the interval is 0. */
struct jobs *jobs_start(struct db_pool *pool, const struct config *cfg);
/* Stops and joins the thread; NULL is fine. */
void jobs_stop(struct jobs *j);

#endif
