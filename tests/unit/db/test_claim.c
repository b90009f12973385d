/*
 * test_claim.c - db_claim shares work between processes: two processes
 * claim 10,000 queued rows at the same time, and every row is claimed
 * exactly once.  Runs on a SQLite file, and on PostgreSQL too when
 * KAPSULE_TEST_PG holds a server's URL (make test starts one).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/db_int.h"
#include "../pg_db.h"
#include "../sqlite_files.h"

#define ROWS	  10000
#define WORKERS	  2
#define PER_CLAIM 37

static const char SQL_TABLE[] = "CREATE TABLE claim_test (id {{id}}, claimed_by BIGINT,"
				" claimed_until BIGINT NOT NULL DEFAULT 0)";
static const char SQL_FILL[] =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)"
    " INSERT INTO claim_test (claimed_until) SELECT 0 FROM n";
static const char SQL_CLAIM[] =
    "UPDATE claim_test SET claimed_by = $1, claimed_until = $2 WHERE id IN"
    " (SELECT id FROM claim_test WHERE claimed_until < $3 ORDER BY id LIMIT $4"
    " FOR UPDATE SKIP LOCKED) RETURNING id";
static const char SQL_OWNER[] = "SELECT claimed_by FROM claim_test WHERE id = $1";

static enum kerr setup_fn(struct db *db, void *arg)
{
	(void)arg;
	enum kerr rc = db->drv->exec_script(db, SQL_TABLE, NULL);
	return rc ? rc : db_exec(db, NULL, SQL_FILL, DB_ARGS((int64_t)ROWS));
}

/* One worker: waits for the start, then claims until nothing is left,
 * writing the ids it got to out.  Exits 0 when all went well. */
static int worker(const char *url, int me, int go, const char *out)
{
	struct db_pool *p = NULL;
	struct err e = {0};
	if (db_pool_open(url, 2, 10000, &p, &e))
		return 3;
	char c; /* opened: now wait for the start, so both begin together */
	if (read(go, &c, 1) != 1)
		return 2;
	FILE *f = fopen(out, "w");
	if (!f)
		return 4;
	int64_t ids[PER_CLAIM];
	int n;
	for (;;) {
		enum kerr rc =
		    db_claim(p, SQL_CLAIM,
			     DB_ARGS((int64_t)me, (int64_t)1000000, (int64_t)1, (int64_t)PER_CLAIM),
			     ids, PER_CLAIM, &n);
		if (rc)
			return 5;
		if (n == 0)
			break;
		for (int i = 0; i < n; i++)
			fprintf(f, "%lld\n", (long long)ids[i]);
	}
	fclose(f);
	db_pool_close(p);
	return 0;
}

struct check {
	int64_t id;
	int64_t owner;
};

static enum kerr owner_fn(struct db *db, void *arg)
{
	struct check *c = arg;
	return db_one_i64(db, NULL, &c->owner, SQL_OWNER, DB_ARGS(c->id));
}

static enum kerr claimed_fn(struct db *db, void *arg)
{
	struct check *c = arg;
	return db_one_i64(db, NULL, &c->owner,
			  "SELECT COUNT(*) FROM claim_test WHERE claimed_by IS NOT NULL", DB_NONE);
}

static void run_claims(const char *url, const char *dir, int both_must_claim)
{
	struct db_pool *p = NULL;
	struct err e = {0};
	assert_int_equal(db_pool_open(url, 2, 10000, &p, &e), KERR_OK);
	assert_int_equal(db_write(p, setup_fn, NULL), KERR_OK);

	/* A claim that would take more rows than it can report takes none. */
	int64_t few[5];
	int got = -1;
	assert_int_equal(db_claim(p, SQL_CLAIM,
				  DB_ARGS((int64_t)9, (int64_t)1000000, (int64_t)1, (int64_t)10),
				  few, 5, &got),
			 KERR_INTERNAL);
	assert_int_equal(got, 0);
	struct check none = {0, -1};
	assert_int_equal(db_read(p, claimed_fn, &none), KERR_OK);
	assert_int_equal(none.owner, 0);

	int go[2];
	assert_int_equal(pipe(go), 0);
	pid_t pids[WORKERS];
	char outs[WORKERS][512];
	for (int w = 0; w < WORKERS; w++) {
		snprintf(outs[w], sizeof(outs[w]), "%s/claimed-%d", dir, w);
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0) {
			close(go[1]);
			_exit(worker(url, w + 1, go[0], outs[w]));
		}
	}
	close(go[0]);
	/* Both are waiting: let them go together. */
	assert_int_equal(write(go[1], "gg", WORKERS), WORKERS);
	close(go[1]);
	for (int w = 0; w < WORKERS; w++) {
		int status = 0;
		assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}

	static int seen[ROWS + 1];
	memset(seen, 0, sizeof(seen));
	int per[WORKERS] = {0};
	for (int w = 0; w < WORKERS; w++) {
		FILE *f = fopen(outs[w], "r");
		assert_non_null(f);
		long long id;
		while (fscanf(f, "%lld", &id) == 1) {
			assert_true(id >= 1 && id <= ROWS);
			seen[id]++;
			per[w]++;
			/* The store agrees on who has it. */
			if (id % 97 == 0) {
				struct check c = {id, 0};
				assert_int_equal(db_read(p, owner_fn, &c), KERR_OK);
				assert_int_equal(c.owner, w + 1);
			}
		}
		fclose(f);
		unlink(outs[w]);
	}
	for (int id = 1; id <= ROWS; id++)
		if (seen[id] != 1)
			fail_msg("row %d was claimed %d times", id, seen[id]);
	assert_int_equal(per[0] + per[1], ROWS);
	/* On PostgreSQL both take part: they start together, and rows one holds
	 * are skipped by the other rather than waited for.  SQLite has one
	 * writer at a time and a waiting process sleeps, so there one of them
	 * may find the work done. */
	if (both_must_claim)
		assert_true(per[0] > 0 && per[1] > 0);
	print_message("claims: %d and %d rows\n", per[0], per[1]);
	db_pool_close(p);
}

static void test_claim_sqlite(void **state)
{
	(void)state;
	char dir[] = "/tmp/kapsule-claim-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[600];
	snprintf(path, sizeof(path), "%s/claim.db", dir);
	run_claims(path, dir, 0);
	remove_sqlite_files(path);
	rmdir(dir);
}

static void test_claim_postgres(void **state)
{
	(void)state;
	char url[1024];
	pg_db_create("kc", url, sizeof(url));
	char dir[] = "/tmp/kapsule-claim-XXXXXX";
	assert_non_null(mkdtemp(dir));
	run_claims(url, dir, 1);
	rmdir(dir);
	pg_db_drop("kc");
}

static void test_translate_skip_locked(void **state)
{
	(void)state;
	char *s = db_sqlite_translate(SQL_CLAIM);
	assert_null(strstr(s, "FOR UPDATE"));
	assert_null(strstr(s, "SKIP LOCKED"));
	assert_non_null(strstr(s, "LIMIT ?4)"));
	free(s);
	char *p = db_pg_translate(SQL_CLAIM);
	assert_string_equal(p, SQL_CLAIM);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_translate_skip_locked),
	    cmocka_unit_test(test_claim_sqlite),
	    cmocka_unit_test(test_claim_postgres),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
