/*
 * test_later.c - writes sent without waiting (db_exec_later) and the
 * transaction's memo (db_memo), on a SQLite file and, when KAPSULE_TEST_PG
 * holds a server's URL, on PostgreSQL, where the writes go in pipeline mode:
 *   - later statements and the commit see what was sent;
 *   - a failure among them fails the write (at the next read, or at its
 *     end), undoes all of it, and the connection goes on working;
 *   - a write that fails on its own after sending is rolled back too;
 *   - more statements than the pipeline holds unread;
 *   - the memo lasts through the writes of one transaction that stand, and
 *     is forgotten when one is rolled back and when the transaction ends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_int.h"
#include "../pg_db.h"
#include "../sqlite_files.h"

static const char SQL_INSERT[] = "INSERT INTO later_test (k) VALUES ($1)";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM later_test";

static enum kerr setup_fn(struct db *db, void *arg)
{
	(void)arg;
	return db_exec(db, NULL, "CREATE TABLE later_test (k BIGINT PRIMARY KEY)", DB_NONE);
}

static enum kerr count_fn(struct db *db, void *arg)
{
	return db_one_i64(db, NULL, arg, SQL_COUNT, DB_NONE);
}

static int64_t count(struct db_pool *p)
{
	int64_t n = -1;
	assert_int_equal(db_read(p, count_fn, &n), KERR_OK);
	return n;
}

/* Sends keys from..to, then reads the count into *seen. */
struct sends {
	int64_t from, to, seen;
	enum kerr read_rc; /* what the read after the sends returned */
	int skip_read;	   /* 1: end the write without reading */
	enum kerr fail;	   /* returned at the end when not KERR_OK */
};

static enum kerr sends_fn(struct db *db, void *arg)
{
	struct sends *s = arg;
	struct err e = {0};
	for (int64_t k = s->from; k <= s->to; k++) {
		enum kerr rc = db_exec_later(db, &e, SQL_INSERT, DB_ARGS(k));
		if (rc)
			return rc; /* a failure may show here, once answers are read */
	}
	if (!s->skip_read) {
		s->read_rc = db_one_i64(db, &e, &s->seen, SQL_COUNT, DB_NONE);
		if (s->read_rc)
			return s->read_rc;
	}
	return s->fail;
}

static void run_sends(const char *url)
{
	struct db_pool *p = NULL;
	struct err e = {0};
	assert_int_equal(db_pool_open(url, 2, 10000, &p, &e), KERR_OK);
	assert_int_equal(db_write(p, setup_fn, NULL), KERR_OK);

	/* Seen by the read after them, and committed. */
	struct sends ok = {.from = 1, .to = 3};
	assert_int_equal(db_write(p, sends_fn, &ok), KERR_OK);
	assert_int_equal(ok.seen, 3);
	assert_int_equal(count(p), 3);

	/* A duplicate key among them: the read after it fails, and nothing stands. */
	struct sends clash = {.from = 3, .to = 3};
	struct sends both = {.from = 2, .to = 8}; /* 2 and 3 exist */
	enum kerr rc = db_write(p, sends_fn, &both);
	assert_int_equal(rc, KERR_CONFLICT);
	assert_int_equal(count(p), 3);

	/* The same, ended without a read: the write's end reads the answers. */
	struct sends quiet = {.from = 10, .to = 12, .skip_read = 1};
	assert_int_equal(db_write(p, sends_fn, &quiet), KERR_OK);
	clash.skip_read = 1;
	assert_int_equal(db_write(p, sends_fn, &clash), KERR_CONFLICT);
	assert_int_equal(count(p), 6);

	/* A write that fails on its own after a failed send (which SQLite reports
	 * at once): rolled back, and the connection goes on. */
	struct sends failing = {.from = 1, .to = 1, .skip_read = 1, .fail = KERR_STATE};
	rc = db_write(p, sends_fn, &failing);
	assert_true(rc == KERR_STATE || rc == KERR_CONFLICT);
	struct sends failing2 = {.from = 20, .to = 22, .skip_read = 1, .fail = KERR_STATE};
	assert_int_equal(db_write(p, sends_fn, &failing2), KERR_STATE);
	assert_int_equal(count(p), 6);

	/* More than the pipeline holds unread. */
	struct sends many = {.from = 1000, .to = 5999};
	assert_int_equal(db_write(p, sends_fn, &many), KERR_OK);
	assert_int_equal(many.seen, 5006);
	assert_int_equal(count(p), 5006);
	db_pool_close(p);
}

/* ---- the memo ---- */

struct memo_job {
	sem_t *started, *go; /* the first job: says it runs, then waits */
	const char *set;     /* set as the memo, when not NULL */
	enum kerr fail;	     /* returned */
	char seen[DB_MEMO_MAX + 1];
	int had;
	enum kerr rc;
	sem_t done;
};

static enum kerr memo_fn(struct db *db, void *arg)
{
	struct memo_job *j = arg;
	if (j->started) {
		sem_post(j->started);
		sem_wait(j->go);
	}
	const char *m = db_memo(db);
	j->had = m != NULL;
	snprintf(j->seen, sizeof(j->seen), "%s", m ? m : "");
	if (j->set)
		db_set_memo(db, j->set);
	return j->fail;
}

static void memo_done(void *arg, enum kerr rc)
{
	struct memo_job *j = arg;
	j->rc = rc;
	sem_post(&j->done);
}

static void run_memo(const char *url)
{
	struct db_pool *p = NULL;
	struct err e = {0};
	assert_int_equal(db_pool_open(url, 2, 10000, &p, &e), KERR_OK);
	sem_t started, go;
	sem_init(&started, 0, 0);
	sem_init(&go, 0, 0);
	struct memo_job jobs[5] = {
	    {.started = &started, .go = &go, .set = "first"},
	    {.set = "b"},
	    {.set = "c", .fail = KERR_STATE},
	    {.set = NULL},
	    {.set = "d"},
	};
	for (int i = 0; i < 5; i++)
		sem_init(&jobs[i].done, 0, 0);
	/* The first runs alone and holds the writer while the others queue up:
	 * they then run together, in one transaction. */
	db_write_async(p, memo_fn, &jobs[0], memo_done, &jobs[0]);
	sem_wait(&started);
	for (int i = 1; i < 4; i++)
		db_write_async(p, memo_fn, &jobs[i], memo_done, &jobs[i]);
	sem_post(&go);
	for (int i = 0; i < 4; i++)
		sem_wait(&jobs[i].done);
	assert_int_equal(jobs[0].had, 0); /* a new transaction keeps nothing */
	assert_int_equal(jobs[0].rc, KERR_OK);
	assert_int_equal(jobs[1].had, 0); /* the first's transaction ended */
	assert_int_equal(jobs[2].had, 1); /* b's write stands in this transaction */
	assert_string_equal(jobs[2].seen, "b");
	assert_int_equal(jobs[2].rc, KERR_STATE);
	assert_int_equal(jobs[3].had, 0); /* c's was rolled back: forgotten */
	/* A later transaction starts without it. */
	assert_int_equal(db_write(p, memo_fn, &jobs[4]), KERR_OK);
	assert_int_equal(jobs[4].had, 0);
	for (int i = 0; i < 5; i++)
		sem_destroy(&jobs[i].done);
	sem_destroy(&started);
	sem_destroy(&go);
	db_pool_close(p);
}

static void test_later_sqlite(void **state)
{
	(void)state;
	char path[64];
	snprintf(path, sizeof(path), "/tmp/kapsule-later-%d.db", (int)getpid());
	remove_sqlite_files(path);
	run_sends(path);
	run_memo(path);
	remove_sqlite_files(path);
}

static void test_later_postgres(void **state)
{
	(void)state;
	char url[1024];
	pg_db_create("kl", url, sizeof(url));
	run_sends(url);
	run_memo(url);
	pg_db_drop("kl");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_later_sqlite),
	    cmocka_unit_test(test_later_postgres),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
