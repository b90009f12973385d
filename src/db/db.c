/*
 * db.c - the generic half of the storage layer: pools of connections,
 * transactions as callbacks, the SQLite group-commit writer, migrations
 * and binding helpers.  Drivers (db_sqlite.c) do the store-specific work.
 *
 * Pool invariants: a connection is either idle in the pool or held by one
 * thread; the writer connection (SQLite) is used only by the writer thread,
 * except while migrations run before that thread starts.
 */
#include "db/db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "db/db_int.h"

/*
 * A write waiting for the writer thread: on the caller's stack (db_write,
 * which waits for done) or malloc'd (db_write_async, whose callback runs
 * on the writer thread and after which the job is freed).
 */
struct wjob {
	db_fn fn;	     /* the transaction's work */
	void *arg;	     /* its argument */
	enum kerr rc;	     /* result once done */
	int done;	     /* set by the writer under wmu */
	db_done_fn callback; /* async: called with the result; NULL for db_write */
	void *callback_arg;  /* its argument */
	struct wjob *next;   /* queue link */
};

#define BATCH_MAX 128 /* the most any driver may ask for */

struct db_pool {
	const struct db_driver *drv; /* the store's driver */
	char *url;		     /* what was opened, for new connections */
	pthread_mutex_t mu;	     /* guards idle, nidle, nopen */
	pthread_cond_t cv;	     /* signalled when a connection comes back */
	struct db **idle;	     /* idle read connections */
	int nidle, nopen, max;	     /* idle now, open in all, most allowed */
	int timeout_ms;		     /* statement limit for new connections */

	/* The writer (SQLite only): one connection, one thread, one queue. */
	struct db *wdb;			      /* the write connection */
	pthread_t wthread;		      /* runs writer_main */
	int wstarted;			      /* wthread exists */
	int wstop;			      /* asks the writer to finish, under wmu */
	pthread_mutex_t wmu;		      /* guards the queue and jobs' done flags */
	pthread_cond_t wcv;		      /* wakes the writer */
	pthread_cond_t wdone;		      /* wakes callers whose job finished */
	struct wjob *head, *tail;	      /* queued jobs, oldest first */
	atomic_uint_fast64_t writes, batches; /* committed, for metrics */

	/* Upkeep (drivers with maintain): a thread and a connection of its own. */
	struct db *mdb;	    /* the upkeep connection */
	pthread_t mthread;  /* runs upkeep_main */
	pthread_cond_t mcv; /* wakes upkeep to stop (with wmu) */
	int pause_wanted;   /* upkeep asks the writer to stop between batches */
	int paused;	    /* the writer has stopped and waits (under wmu) */
	pthread_cond_t pcv; /* signals pause_wanted and paused changes */
	int mstarted;	    /* mthread exists */
};

#define UPKEEP_EVERY_MS 25

static struct db *pool_get(struct db_pool *p, struct err *e)
{
	pthread_mutex_lock(&p->mu);
	while (p->nidle == 0 && p->nopen >= p->max)
		pthread_cond_wait(&p->cv, &p->mu);
	if (p->nidle > 0) {
		struct db *db = p->idle[--p->nidle];
		pthread_mutex_unlock(&p->mu);
		return db;
	}
	p->nopen++;
	pthread_mutex_unlock(&p->mu);
	struct db *db = p->drv->open(p->url, 0, p->timeout_ms, e);
	if (!db) {
		pthread_mutex_lock(&p->mu);
		p->nopen--;
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return db;
}

static void pool_put(struct db_pool *p, struct db *db)
{
	if (p->drv->broken(db)) {
		p->drv->close(db);
		pthread_mutex_lock(&p->mu);
		p->nopen--;
	} else {
		pthread_mutex_lock(&p->mu);
		p->idle[p->nidle++] = db;
	}
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Runs a cached statement that takes no values and returns no rows. */
static enum kerr run_simple(struct db *db, const char *sql, struct err *e)
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return db_err(db, e);
	int r = db_step(st);
	enum kerr rc = r == DB_ERROR ? db_err(db, e) : KERR_OK;
	db_done(st);
	return rc;
}

int db_on_commit(struct db *db, void (*fn)(void))
{
	for (int i = 0; i < db->non_commit; i++)
		if (db->on_commit[i] == fn)
			return 0;
	if (db->non_commit == DB_MAX_ON_COMMIT)
		return -1;
	db->on_commit[db->non_commit++] = fn;
	return 0;
}

const char *db_memo(struct db *db)
{
	return db->has_memo ? db->memo : NULL;
}

void db_set_memo(struct db *db, const char *text)
{
	db->has_memo = strlen(text) <= DB_MEMO_MAX;
	if (db->has_memo)
		memcpy(db->memo, text, strlen(text) + 1);
}

/* Ends db's transaction, if one is still open, by rolling it back. */
static void abort_tx(struct db *db)
{
	db->has_memo = 0;
	if (db->drv->in_tx(db))
		db->drv->exec_script(db, "ROLLBACK", NULL);
}

/* The transaction on db has ended: runs what was asked for if it committed. */
static void end_tx(struct db *db, int committed)
{
	db->has_memo = 0;
	for (int i = 0; committed && i < db->non_commit; i++)
		db->on_commit[i]();
	db->non_commit = 0;
}

/*
 * Why the writer's transaction ended under it: a dropped connection (the
 * database restarting) is worth a retry; anything else is a failure.
 */
static enum kerr lost(struct db_pool *p)
{
	return p->drv->broken(p->wdb) ? KERR_UNAVAILABLE : KERR_DB;
}

/* Runs one job inside the open transaction, in a savepoint of its own. */
static enum kerr run_in_savepoint(struct db_pool *p, struct wjob *j)
{
	struct err e = {0};
	if (run_simple(p->wdb, "SAVEPOINT job", &e))
		return e.code;
	int asked = p->wdb->non_commit;
	enum kerr rc = j->fn(p->wdb, j->arg);
	/* What was sent without waiting (db_exec_later) is part of the job. */
	if (!rc && p->drv->flush && p->drv->flush(p->wdb))
		rc = db_err(p->wdb, &e);
	if (!p->drv->in_tx(p->wdb))
		return rc ? rc : lost(p); /* the store rolled everything back */
	if (rc) {
		p->wdb->non_commit = asked; /* what the job asked for goes with it */
		p->wdb->has_memo = 0;
		if (run_simple(p->wdb, "ROLLBACK TO job", &e) ||
		    run_simple(p->wdb, "RELEASE job", &e))
			return e.code;
		return rc;
	}
	if (run_simple(p->wdb, "RELEASE job", &e))
		return e.code;
	return KERR_OK;
}

/* A batch slower than this is logged with where its time went. */
#define SLOW_BATCH_US 25000

static void log_slow(int jobs, int64_t work_us, int64_t commit_us)
{
	if (work_us + commit_us < SLOW_BATCH_US || !log_enabled(LOG_WARN))
		return;
	struct logline l;
	log_begin(&l, LOG_WARN, "slow commit");
	log_int(&l, "writes", jobs);
	log_double(&l, "work_ms", (double)work_us / 1000.0);
	log_double(&l, "commit_ms", (double)commit_us / 1000.0);
	log_end(&l);
}

/*
 * Replaces the writer's connection when the store has dropped it (a
 * server restart): 0 when there is a usable one.
 */
static int writer_connect(struct db_pool *p, struct err *e)
{
	if (p->wdb && !p->drv->broken(p->wdb))
		return 0;
	if (p->wdb) {
		p->drv->close(p->wdb);
		p->wdb = NULL;
	}
	p->wdb = p->drv->open(p->url, 1, p->timeout_ms, e);
	return p->wdb ? 0 : -1;
}

/*
 * Begins the writer's transaction.  A connection the store dropped while it
 * was idle (a restart) shows only when used: then it is replaced and the
 * beginning tried once more, as nothing has run yet.
 */
static int begin_write(struct db_pool *p, struct err *e)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (writer_connect(p, e))
			return -1;
		p->wdb->has_memo = 0;
		if (!run_simple(p->wdb, p->drv->begin_write, e) &&
		    (!p->drv->write_lock || !run_simple(p->wdb, p->drv->write_lock, e)))
			return 0;
		abort_tx(p->wdb);
		if (!p->drv->broken(p->wdb))
			return -1;
	}
	return -1;
}

/*
 * Runs jobs[0..n) in one transaction and sets their results.  A job whose
 * work fails is rolled back to its savepoint and the others go on; when the
 * transaction as a whole fails, every job in it fails.
 */
static void run_batch(struct db_pool *p, struct wjob **jobs, int n)
{
	struct err e = {0};
	int i = 0;
	while (i < n) {
		int first = i;
		int64_t t0 = clock_mono_us();
		if (begin_write(p, &e)) {
			for (; i < n; i++)
				jobs[i]->rc = e.code == KERR_DB ? KERR_UNAVAILABLE : e.code;
			return;
		}
		int aborted = 0;
		for (; i < n; i++) {
			jobs[i]->rc = run_in_savepoint(p, jobs[i]);
			if (!p->drv->in_tx(p->wdb)) {
				aborted = 1;
				i++;
				break;
			}
		}
		if (aborted) {
			/* The store ended the transaction: nothing of it stands. */
			end_tx(p->wdb, 0);
			for (int k = first; k < i; k++)
				if (!jobs[k]->rc)
					jobs[k]->rc = lost(p);
			continue;
		}
		int64_t t1 = clock_mono_us();
		if (run_simple(p->wdb, "COMMIT", &e)) {
			abort_tx(p->wdb);
			end_tx(p->wdb, 0);
			for (int k = first; k < i; k++)
				jobs[k]->rc = KERR_UNAVAILABLE;
			log_msg(LOG_ERROR, "commit failed", "error", e.msg);
			continue;
		}
		end_tx(p->wdb, 1);
		int ok = 0;
		for (int k = first; k < i; k++)
			ok += jobs[k]->rc == KERR_OK;
		atomic_fetch_add(&p->writes, (uint_fast64_t)ok);
		atomic_fetch_add(&p->batches, 1);
		log_slow(i - first, t1 - t0, clock_mono_us() - t1);
	}
}

static struct timespec after_ms(long ms)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += ms * 1000000L;
	t.tv_sec += t.tv_nsec / 1000000000L;
	t.tv_nsec %= 1000000000L;
	return t;
}

/*
 * Upkeep: after commits, at most every UPKEEP_EVERY_MS, the driver's
 * maintain() copies committed log pages into the database while the writer
 * goes on.  Once the log is longer than LOG_RESTART_PAGES, upkeep copies
 * again until one copy is quick, then asks the writer to stop between two
 * batches, copies the few pages written since (so the log is wholly
 * copied) and lets it go: the writer's next
 * transaction then starts the log again from its beginning.  The writer
 * pauses for that last short copy only, never for the bulk of it.  Called
 * with wmu held; returns with it held.
 */
#define LOG_RESTART_PAGES 16000
#define PAUSE_WAIT_MS	  100
#define CATCH_UP_PASSES	  4    /* extra copies before a pause, at most */
#define QUICK_PASS_US	  3000 /* a copy this short leaves little for the pause */

static void upkeep_once(struct db_pool *p)
{
	pthread_mutex_unlock(&p->wmu);
	int log = p->drv->maintain(p->mdb);
	/* Before pausing the writer, copy again until a pass is quick: the
	 * pause then covers only the commits of that last quick pass. */
	for (int pass = 0; log > LOG_RESTART_PAGES && pass < CATCH_UP_PASSES; pass++) {
		int64_t t0 = clock_mono_us();
		log = p->drv->maintain(p->mdb);
		if (clock_mono_us() - t0 < QUICK_PASS_US)
			break;
	}
	pthread_mutex_lock(&p->wmu);
	if (log <= LOG_RESTART_PAGES || p->wstop)
		return;
	p->pause_wanted = 1;
	pthread_cond_signal(&p->wcv); /* a writer waiting for work checks too */
	struct timespec until = after_ms(PAUSE_WAIT_MS);
	while (!p->paused && !p->wstop && pthread_cond_timedwait(&p->pcv, &p->wmu, &until) == 0)
		;
	if (p->paused) {
		pthread_mutex_unlock(&p->wmu);
		int64_t t0 = clock_mono_us();
		p->drv->maintain(p->mdb);
		if (log_enabled(LOG_DEBUG)) {
			struct logline l;
			log_begin(&l, LOG_DEBUG, "log copied for a restart");
			log_int(&l, "pages", log);
			log_double(&l, "pause_ms", (double)(clock_mono_us() - t0) / 1000.0);
			log_end(&l);
		}
		pthread_mutex_lock(&p->wmu);
	}
	p->pause_wanted = 0;
	pthread_cond_broadcast(&p->pcv);
}

static void *upkeep_main(void *arg)
{
	struct db_pool *p = arg;
	uint64_t seen = atomic_load(&p->batches);
	pthread_mutex_lock(&p->wmu);
	while (!p->wstop) {
		struct timespec until = after_ms(UPKEEP_EVERY_MS);
		pthread_cond_timedwait(&p->mcv, &p->wmu, &until);
		uint64_t now = atomic_load(&p->batches);
		if (p->wstop || now == seen)
			continue;
		seen = now;
		upkeep_once(p);
	}
	pthread_mutex_unlock(&p->wmu);
	return NULL;
}

static void *writer_main(void *arg)
{
	struct db_pool *p = arg;
	struct wjob *batch[BATCH_MAX];
	int most =
	    p->drv->batch_max > 0 && p->drv->batch_max < BATCH_MAX ? p->drv->batch_max : BATCH_MAX;
	pthread_mutex_lock(&p->wmu);
	for (;;) {
		while (!p->head && !p->wstop && !p->pause_wanted)
			pthread_cond_wait(&p->wcv, &p->wmu);
		if (p->pause_wanted) {
			/* Upkeep finishes copying the log; wait until it has. */
			p->paused = 1;
			pthread_cond_broadcast(&p->pcv);
			while (p->pause_wanted)
				pthread_cond_wait(&p->pcv, &p->wmu);
			p->paused = 0;
			continue;
		}
		if (!p->head && p->wstop)
			break;
		int n = 0;
		while (p->head && n < most) {
			batch[n++] = p->head;
			p->head = p->head->next;
		}
		if (!p->head)
			p->tail = NULL;
		pthread_mutex_unlock(&p->wmu);
		run_batch(p, batch, n);
		/* Asynchronous jobs hear their result here; the waiting ones below. */
		int waiting = 0;
		for (int i = 0; i < n; i++) {
			struct wjob *j = batch[i];
			if (j->callback) {
				j->callback(j->callback_arg, j->rc);
				free(j);
				batch[i] = NULL;
			} else {
				waiting = 1;
			}
		}
		pthread_mutex_lock(&p->wmu);
		for (int i = 0; i < n; i++)
			if (batch[i])
				batch[i]->done = 1;
		if (waiting)
			pthread_cond_broadcast(&p->wdone);
	}
	pthread_mutex_unlock(&p->wmu);
	return NULL;
}

/* 1 when url names a PostgreSQL database rather than a SQLite file. */
static int db_url_is_postgres(const char *url)
{
	return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

enum kerr db_pool_open(const char *url, int nread, int timeout_ms, struct db_pool **out,
		       struct err *e)
{
	*out = NULL;
	const struct db_driver *drv = db_url_is_postgres(url) ? &db_pg_driver : &db_sqlite_driver;
	struct db_pool *p = xcalloc(1, sizeof(*p));
	p->drv = drv;
	p->timeout_ms = timeout_ms;
	p->url = xstrdup(url);
	p->max = nread > 0 ? nread : 1;
	p->idle =
	    xcalloc((size_t)p->max, sizeof(*p->idle)); /* NOLINT(bugprone-sizeof-expression) */
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	pthread_mutex_init(&p->wmu, NULL);
	pthread_cond_init(&p->wcv, NULL);
	pthread_cond_init(&p->wdone, NULL);
	pthread_cond_init(&p->mcv, NULL);
	pthread_cond_init(&p->pcv, NULL);
	p->wdb = drv->open(url, 1, timeout_ms, e);
	if (!p->wdb) {
		db_pool_close(p);
		return e ? e->code : KERR_DB;
	}
	*out = p;
	return KERR_OK;
}

/* Starts the writer thread on first use, after migrations had the connection. */
static void writer_start(struct db_pool *p)
{
	pthread_mutex_lock(&p->wmu);
	if (!p->wstarted) {
		if (pthread_create(&p->wthread, NULL, writer_main, p)) {
			fprintf(stderr, "cannot start the database writer thread\n");
			abort();
		}
		p->wstarted = 1;
		struct err e = {0};
		if (p->drv->maintain &&
		    (p->mdb = p->drv->open(p->url, 0, p->timeout_ms, &e)) != NULL) {
			if (pthread_create(&p->mthread, NULL, upkeep_main, p)) {
				fprintf(stderr, "cannot start the database upkeep thread\n");
				abort();
			}
			p->mstarted = 1;
		}
	}
	pthread_mutex_unlock(&p->wmu);
}

void db_pool_close(struct db_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->wmu);
	p->wstop = 1;
	pthread_cond_signal(&p->wcv);
	pthread_cond_signal(&p->mcv);
	int started = p->wstarted, mstarted = p->mstarted;
	pthread_mutex_unlock(&p->wmu);
	if (started)
		pthread_join(p->wthread, NULL);
	if (mstarted)
		pthread_join(p->mthread, NULL);
	if (p->mdb)
		p->drv->close(p->mdb);
	if (p->wdb)
		p->drv->close(p->wdb);
	for (int i = 0; i < p->nidle; i++)
		p->drv->close(p->idle[i]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->wmu);
	pthread_cond_destroy(&p->wcv);
	pthread_cond_destroy(&p->wdone);
	pthread_cond_destroy(&p->mcv);
	pthread_cond_destroy(&p->pcv);
	free(p->idle);
	free(p->url);
	free(p);
}

void db_pool_stats(struct db_pool *p, uint64_t *writes, uint64_t *batches)
{
	*writes = atomic_load(&p->writes);
	*batches = atomic_load(&p->batches);
}

/*
 * Takes a pooled connection and begins a transaction on it with sql.  Idle
 * connections the store dropped (a restart) show only when used: each is
 * discarded and the next tried, as nothing has run on them yet.
 */
static enum kerr begin_pooled(struct db_pool *p, const char *sql, struct db **out, struct err *e)
{
	for (int attempt = 0; attempt <= p->max; attempt++) {
		struct db *db = pool_get(p, e);
		if (!db)
			return KERR_UNAVAILABLE;
		db->has_memo = 0;
		enum kerr rc = run_simple(db, sql, e);
		if (!rc) {
			*out = db;
			return KERR_OK;
		}
		int dropped = p->drv->broken(db);
		pool_put(p, db); /* closes it when broken */
		if (!dropped)
			return rc == KERR_DB ? KERR_UNAVAILABLE : rc;
	}
	return KERR_UNAVAILABLE;
}

enum kerr db_read(struct db_pool *p, db_fn fn, void *arg)
{
	struct err e = {0};
	struct db *db = NULL;
	enum kerr rc = begin_pooled(p, p->drv->begin_read, &db, &e);
	if (rc)
		return rc;
	rc = fn(db, arg);
	if (!rc && p->drv->flush && p->drv->flush(db))
		rc = db_err(db, &e);
	int failed = run_simple(db, rc ? "ROLLBACK" : "COMMIT", &e) != KERR_OK;
	if (failed)
		abort_tx(db);
	end_tx(db, !rc && !failed);
	pool_put(p, db);
	return rc;
}

/* Queues j for the writer; 0, or -1 when the pool is closing. Called with wmu held. */
static int enqueue(struct db_pool *p, struct wjob *j)
{
	if (p->wstop)
		return -1;
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	pthread_cond_signal(&p->wcv);
	return 0;
}

enum kerr db_write(struct db_pool *p, db_fn fn, void *arg)
{
	struct wjob j = {fn, arg, KERR_OK, 0, NULL, NULL, NULL};
	writer_start(p);
	pthread_mutex_lock(&p->wmu);
	if (enqueue(p, &j)) {
		pthread_mutex_unlock(&p->wmu);
		return KERR_UNAVAILABLE;
	}
	while (!j.done)
		pthread_cond_wait(&p->wdone, &p->wmu);
	pthread_mutex_unlock(&p->wmu);
	return j.rc;
}

void db_write_async(struct db_pool *p, db_fn fn, void *arg, db_done_fn done, void *done_arg)
{
	struct wjob *j = xcalloc(1, sizeof(*j));
	*j = (struct wjob){fn, arg, KERR_OK, 0, done, done_arg, NULL};
	writer_start(p);
	pthread_mutex_lock(&p->wmu);
	int refused = enqueue(p, j);
	pthread_mutex_unlock(&p->wmu);
	if (refused) {
		free(j);
		done(done_arg, KERR_UNAVAILABLE);
	}
}

struct claim {
	const char *sql;
	const struct db_arg *args;
	int nargs;
	int64_t *ids;
	int max, *n;
};

static enum kerr claim_fn(struct db *db, void *arg)
{
	struct claim *c = arg;
	struct err e = {0};
	struct db_stmt *st = db_prep(db, c->sql);
	if (!st)
		return db_err(db, &e);
	db_bind(st, c->args, c->nargs);
	int r;
	*c->n = 0;
	int over = 0;
	while ((r = db_step(st)) == DB_ROW) {
		if (*c->n < c->max)
			c->ids[(*c->n)++] = db_col_i64(st, 0);
		else
			over = 1;
	}
	enum kerr rc = r == DB_ERROR ? db_err(db, &e) : KERR_OK;
	db_done(st);
	if (!rc && over) {
		/* Rows claimed but not reported would stay claimed: claim none. */
		fprintf(stderr, "db_claim: the statement claims more than %d rows\n", c->max);
		*c->n = 0;
		rc = KERR_INTERNAL;
	}
	return rc;
}

enum kerr db_claim(struct db_pool *p, const char *sql, const struct db_arg *args, int nargs,
		   int64_t *ids, int max, int *n)
{
	struct claim c = {sql, args, nargs, ids, max, n};
	*n = 0;
	if (!p->drv->claim_beside_writer)
		return db_write(p, claim_fn, &c);
	/* A short transaction of its own: rows that another process's claim
	 * holds are skipped, not waited for. */
	struct err e = {0};
	struct db *db = NULL;
	enum kerr rc = begin_pooled(p, "BEGIN", &db, &e);
	if (rc)
		return rc;
	rc = claim_fn(db, &c);
	if (!rc)
		rc = run_simple(db, "COMMIT", &e);
	if (rc)
		abort_tx(db);
	if (rc) {
		*n = 0;
		if (rc == KERR_DB && p->drv->broken(db))
			rc = KERR_UNAVAILABLE;
	}
	pool_put(p, db);
	return rc;
}

static enum kerr ready_fn(struct db *db, void *arg)
{
	int64_t *v = arg;
	return db_one_i64(db, NULL, v, "SELECT 1", DB_NONE);
}

int db_pool_ready(struct db_pool *p)
{
	int64_t v = 0;
	return db_read(p, ready_fn, &v) == KERR_OK && v == 1;
}

/* ---- statements ---- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static struct db_stmt **new_slots(size_t cap)
{
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	return xcalloc(cap, sizeof(struct db_stmt *));
}

void db_cache_init(struct db_cache *c)
{
	c->cap = 64;
	c->n = 0;
	c->slots = new_slots(c->cap);
}

static void cache_put(struct db_cache *c, struct db_stmt *st)
{
	size_t i = st->hash & (c->cap - 1);
	while (c->slots[i])
		i = (i + 1) & (c->cap - 1);
	c->slots[i] = st;
	c->n++;
}

struct db_stmt *db_cache_find(struct db_cache *c, const char *sql, uint64_t *hash)
{
	uint64_t h = hash_str(sql);
	*hash = h;
	for (size_t i = h & (c->cap - 1); c->slots[i]; i = (i + 1) & (c->cap - 1)) {
		struct db_stmt *st = c->slots[i];
		if (st->hash == h && strcmp(st->sql, sql) == 0)
			return st;
	}
	return NULL;
}

void db_cache_add(struct db_cache *c, struct db_stmt *st)
{
	if ((c->n + 1) * 4 > c->cap * 3) {
		struct db_stmt **old = c->slots;
		size_t oldcap = c->cap;
		c->cap *= 2;
		c->n = 0;
		c->slots = new_slots(c->cap);
		for (size_t i = 0; i < oldcap; i++)
			if (old[i])
				cache_put(c, old[i]);
		free(old);
	}
	cache_put(c, st);
}

void db_cache_free(struct db_cache *c, void (*release)(struct db_stmt *st))
{
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i])
			release(c->slots[i]);
	free(c->slots);
	c->slots = NULL;
	c->n = c->cap = 0;
}

/* Splits "a,b,c" (n bytes) into at most 8 column names: their count. */
static int split_cols(const char *p, size_t n, char cols[8][64])
{
	int k = 0;
	size_t start = 0;
	for (size_t i = 0; i <= n && k < 8; i++) {
		if (i == n || p[i] == ',') {
			snprintf(cols[k++], 64, "%.*s", (int)(i - start), p + start);
			start = i + 1;
		}
	}
	return k;
}

/*
 * PostgreSQL's document of the columns: to_tsvector over them joined by
 * spaces, every run of characters but ASCII letters, digits and non-ASCII
 * ones first made a space - the split db_text_query() makes of the words
 * searched for (PostgreSQL's own parser would keep "KP-100201" or an e-mail
 * address whole, or read "-100201" as a number).
 */
static void pg_document(struct buf *b, char cols[8][64], int n)
{
	buf_append_str(b, "to_tsvector('simple', regexp_replace(");
	for (int i = 0; i < n; i++)
		buf_printf(b, "%sCOALESCE(%s, '')", i ? " || ' ' || " : "", cols[i]);
	buf_append_str(b, ", '[^0-9A-Za-z\\u0080-\\uffff]+', ' ', 'g'))");
}

/* The columns as a list with a prefix before each: "new.a, new.b". */
static void col_list(struct buf *b, const char *prefix, char cols[8][64], int n)
{
	for (int i = 0; i < n; i++)
		buf_printf(b, "%s%s%s", i ? ", " : "", prefix, cols[i]);
}

/*
 * Writes a text search template (see db_int.h) that starts at p into b;
 * returns the bytes it took, or 0 when p holds none.
 */
static size_t text_template(struct buf *b, const char *p, const struct db_dialect *d)
{
	int index = strncmp(p, "{{text_index:", 13) == 0;
	if (!index && strncmp(p, "{{text_match:", 13) != 0)
		return 0;
	const char *end = strstr(p, "}}");
	const char *table = p + 13;
	const char *colon = end ? memchr(table, ':', (size_t)(end - table)) : NULL;
	if (!colon)
		return 0;
	const char *colend = index ? end : memchr(colon + 1, ':', (size_t)(end - colon - 1));
	if (!colend)
		return 0;
	char t[64], cols[8][64];
	snprintf(t, sizeof(t), "%.*s", (int)(colon - table), table);
	int n = split_cols(colon + 1, (size_t)(colend - colon - 1), cols);
	if (index && d->fts5) {
		/* An external-content FTS5 table kept by triggers, filled from what is there. */
		buf_printf(b, "CREATE VIRTUAL TABLE %s_text USING fts5(", t);
		col_list(b, "", cols, n);
		buf_printf(b,
			   ", content='%s', content_rowid='id', tokenize='unicode61 "
			   "remove_diacritics 2');\n",
			   t);
		buf_printf(b,
			   "CREATE TRIGGER %s_text_insert AFTER INSERT ON %s BEGIN INSERT INTO "
			   "%s_text(rowid, ",
			   t, t, t);
		col_list(b, "", cols, n);
		buf_append_str(b, ") VALUES (new.id, ");
		col_list(b, "new.", cols, n);
		buf_append_str(b, "); END;\n");
		buf_printf(b,
			   "CREATE TRIGGER %s_text_delete AFTER DELETE ON %s BEGIN INSERT INTO "
			   "%s_text(%s_text, rowid, ",
			   t, t, t, t);
		col_list(b, "", cols, n);
		buf_append_str(b, ") VALUES ('delete', old.id, ");
		col_list(b, "old.", cols, n);
		buf_append_str(b, "); END;\n");
		buf_printf(b, "CREATE TRIGGER %s_text_update AFTER UPDATE OF ", t);
		col_list(b, "", cols, n);
		buf_printf(b, " ON %s BEGIN INSERT INTO %s_text(%s_text, rowid, ", t, t, t);
		col_list(b, "", cols, n);
		buf_append_str(b, ") VALUES ('delete', old.id, ");
		col_list(b, "old.", cols, n);
		buf_printf(b, "); INSERT INTO %s_text(rowid, ", t);
		col_list(b, "", cols, n);
		buf_append_str(b, ") VALUES (new.id, ");
		col_list(b, "new.", cols, n);
		buf_append_str(b, "); END;\n");
		buf_printf(b, "INSERT INTO %s_text(%s_text) VALUES ('rebuild')", t, t);
	} else if (index) {
		buf_printf(b, "CREATE INDEX %s_text ON %s USING GIN (", t, t);
		pg_document(b, cols, n);
		buf_append_str(b, ")");
	} else {
		const char *param = colend + 1; /* "$N" */
		if (*param != '$')
			return 0;
		if (d->fts5)
			buf_printf(
			    b, "%s.id IN (SELECT rowid FROM %s_text WHERE %s_text MATCH %c%.*s)", t,
			    t, t, d->placeholder, (int)(end - param - 1), param + 1);
		else {
			pg_document(b, cols, n);
			buf_printf(b, " @@ plainto_tsquery('simple', %c%.*s)", d->placeholder,
				   (int)(end - param - 1), param + 1);
		}
	}
	return (size_t)(end + 2 - p);
}

char *db_translate(const char *sql, const struct db_dialect *d)
{
	struct buf b;
	buf_init(&b, 0);
	char quote = 0;
	size_t took;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			buf_append_char(&b, *p);
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			buf_append_char(&b, *p);
		} else if (p[0] == '-' && p[1] == '-') {
			/* A comment runs to the end of its line: copy it as it is. */
			while (p[1] && p[1] != '\n')
				buf_append_char(&b, *p++);
			buf_append_char(&b, *p);
		} else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
			buf_append_char(&b, d->placeholder);
		} else if (d->drop_for_update && strncmp(p, " FOR UPDATE SKIP LOCKED", 23) == 0) {
			p += 22;
		} else if (d->drop_for_update && strncmp(p, " FOR UPDATE", 11) == 0) {
			p += 10;
		} else if (p[0] == '{' && p[1] == '{' && (took = text_template(&b, p, d))) {
			p += took - 1;
		} else if (strncmp(p, "{{id}}", 6) == 0) {
			buf_append_str(&b, d->id_type);
			p += 5;
		} else if (strncmp(p, "{{blob}}", 8) == 0) {
			buf_append_str(&b, d->blob_type);
			p += 7;
		} else {
			buf_append_char(&b, *p);
		}
	}
	return buf_steal(&b);
}

struct db_stmt *db_prep(struct db *db, const char *sql)
{
	struct db_stmt *st = db->drv->prep(db, sql);
	if (st)
		st->nbound = 0;
	return st;
}

void db_bind(struct db_stmt *st, const struct db_arg *args, int n)
{
	const struct db_driver *d = st->db->drv;
	for (int k = 0; k < n; k++) {
		int idx = ++st->nbound;
		switch (args[k].type) {
		case DBA_INT:
			d->bind_i64(st, idx, args[k].i);
			break;
		case DBA_NULL:
			d->bind_null(st, idx);
			break;
		case DBA_TEXT:
			d->bind_text(st, idx, args[k].p, args[k].n);
			break;
		case DBA_BLOB:
			d->bind_blob(st, idx, args[k].p, args[k].n);
			break;
		}
	}
}

int db_step(struct db_stmt *st)
{
	/* A binding count that differs from the SQL's is a programming error. */
	if (st->nbound != st->db->drv->param_count(st)) {
		fprintf(stderr, "db_step: %d values bound to a statement with %d placeholders\n",
			st->nbound, st->db->drv->param_count(st));
		abort();
	}
	return st->db->drv->step(st);
}

int64_t db_col_i64(struct db_stmt *st, int col)
{
	return st->db->drv->col_i64(st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
	return st->db->drv->col_text(st, col);
}

const void *db_col_blob(struct db_stmt *st, int col)
{
	return st->db->drv->col_blob(st, col);
}

size_t db_col_len(struct db_stmt *st, int col)
{
	return st->db->drv->col_len(st, col);
}

int db_col_null(struct db_stmt *st, int col)
{
	return st->db->drv->col_null(st, col);
}

void db_done(struct db_stmt *st)
{
	st->db->drv->done(st);
	st->nbound = 0;
}

enum kerr db_err(struct db *db, struct err *e)
{
	return db->drv->err(db, e);
}

enum kerr db_exec(struct db *db, struct err *e, const char *sql, const struct db_arg *args, int n)
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return db_err(db, e);
	db_bind(st, args, n);
	int r = db_step(st);
	enum kerr rc = r == DB_ERROR ? db_err(db, e) : KERR_OK;
	db_done(st);
	return rc;
}

enum kerr db_exec_later(struct db *db, struct err *e, const char *sql, const struct db_arg *args,
			int n)
{
	if (!db->drv->send || !db->drv->in_tx(db))
		return db_exec(db, e, sql, args, n);
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return db_err(db, e);
	db_bind(st, args, n);
	if (st->nbound != db->drv->param_count(st)) {
		fprintf(stderr,
			"db_exec_later: %d values bound to a statement with %d placeholders\n",
			st->nbound, db->drv->param_count(st));
		abort();
	}
	enum kerr rc = db->drv->send(st) ? db_err(db, e) : KERR_OK;
	db_done(st);
	return rc;
}

enum kerr db_one_i64(struct db *db, struct err *e, int64_t *out, const char *sql,
		     const struct db_arg *args, int n)
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return db_err(db, e);
	db_bind(st, args, n);
	int r = db_step(st);
	enum kerr rc = KERR_OK;
	if (r == DB_ROW)
		*out = db_col_i64(st, 0);
	else if (r == DB_DONE)
		rc = KERR_NOT_FOUND;
	else
		rc = db_err(db, e);
	db_done(st);
	return rc;
}

/* ---- migrations ---- */

static const char SQL_MIGRATIONS_TABLE[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
static const char SQL_MIGRATION_CURRENT[] =
    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char SQL_MIGRATION_RECORD[] =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";

struct mig_ctx {
	const struct db_migration *m; /* the one to apply, or NULL to just read */
	int current;		      /* highest applied */
	int64_t now;		      /* applied_at */
	struct err *e;
};

static enum kerr mig_fn(struct db *db, void *arg)
{
	struct mig_ctx *c = arg;
	enum kerr rc = db->drv->exec_script(db, SQL_MIGRATIONS_TABLE, c->e);
	if (rc)
		return rc;
	int64_t cur = 0;
	rc = db_one_i64(db, c->e, &cur, SQL_MIGRATION_CURRENT, DB_NONE);
	if (rc)
		return rc;
	c->current = (int)cur;
	if (!c->m || c->m->version <= c->current)
		return KERR_OK;
	rc = db->drv->exec_script(db, c->m->sql, c->e);
	if (rc)
		return rc;
	return db_exec(db, c->e, SQL_MIGRATION_RECORD,
		       DB_ARGS((int64_t)c->m->version, c->m->name, c->now));
}

int db_migration_latest(void)
{
	return db_migrations_count ? db_migrations[db_migrations_count - 1].version : 0;
}

enum kerr db_migration_current(struct db_pool *p, int *version)
{
	struct err e = {0};
	struct mig_ctx c = {NULL, 0, 0, &e};
	enum kerr rc = db_write(p, mig_fn, &c);
	*version = c.current;
	return rc;
}

enum kerr db_migrate(struct db_pool *p, struct err *e)
{
	for (int i = 0; i < db_migrations_count; i++) {
		struct mig_ctx c = {&db_migrations[i], 0, clock_now_ms(), e};
		enum kerr rc = db_write(p, mig_fn, &c);
		if (rc) {
			if (e && !e->msg[0])
				err_set(e, rc, NULL, "migration %d (%s) failed",
					db_migrations[i].version, db_migrations[i].name);
			return rc;
		}
		if (c.current < db_migrations[i].version)
			log_msg(LOG_INFO, "migration applied", "name", db_migrations[i].name);
	}
	return KERR_OK;
}

const char *db_text_query(struct db *db, struct arena *a, const char *words)
{
	(void)db; /* both stores take the words as separate quoted terms, all required */
	struct buf b;
	buf_init(&b, 0);
	int terms = 0;
	for (const unsigned char *p = (const unsigned char *)(words ? words : ""); *p;) {
		while (*p && !(*p >= 0x80 || (*p >= '0' && *p <= '9') ||
			       ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')))
			p++;
		const unsigned char *start = p;
		while (*p >= 0x80 || (*p >= '0' && *p <= '9') ||
		       ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
			p++;
		if (p > start && terms < DB_TEXT_TERMS) {
			buf_printf(&b, "%s\"%.*s\"", terms ? " " : "", (int)(p - start),
				   (const char *)start);
			terms++;
		}
	}
	const char *out = terms ? arena_strdup(a, buf_cstr(&b)) : NULL;
	buf_free(&b);
	return out;
}
