/*
 * jobs.h - the scheduler: work that runs because time passed, not because
 * someone asked.  Each step runs in its own write transaction as the system
 * principal, so a crash leaves every step either done or not started.
 *
 * Steps now: the vendor's clock (reminders before a vendor request's due
 * time, overdue at it, lapsed a grace period later, with an automatic
 * refund where the policy allows: vreq.h), each request claimed by one
 * scheduler and stepped once however many run; the mail outbox (notify.h),
 * each e-mail claimed by one scheduler, sent, and tried again with back-off
 * when the relay refuses; close resolved enquiries whose reopen window has
 * passed; purge expired idempotency keys.
 *
 * An e-mail is sent at least once: a scheduler stopped between the relay's
 * "250 OK" and the commit that records it sends it again after its claim
 * lapses.
 */
#ifndef KAPSULE_JOBS_JOBS_H
#define KAPSULE_JOBS_JOBS_H

#include "base/config.h"
#include "db/db.h"

struct jobs_report {
	int reminded;	  /* reminders sent to vendors */
	int overdue;	  /* vendor requests that became overdue */
	int lapsed;	  /* vendor requests that lapsed */
	int refunded;	  /* orders refunded automatically */
	int mailed;	  /* e-mails the relay took */
	int mail_retries; /* e-mails refused, to be tried again */
	int mail_failed;  /* e-mails given up on */
	int closed;	  /* enquiries closed */
	int64_t purged;	  /* idempotency keys deleted */
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
