/*
 * test_sqlite.c - the SQLite driver's rewriting of the common dialect, and
 * the pool: a failing write in a group commit rolls back alone, and what a
 * write asks to run after its commit runs only if it is committed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "db/db_int.h"
#include "../sqlite_files.h"

static void test_translate(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"SELECT a FROM t WHERE x = $1 AND y = $12",
	     "SELECT a FROM t WHERE x = ?1 AND y = ?12"},
	    {"SELECT '$1', \"$2\" FROM t WHERE z = $3", "SELECT '$1', \"$2\" FROM t WHERE z = ?3"},
	    {"SELECT 'it''s $1' WHERE a = $2", "SELECT 'it''s $1' WHERE a = ?2"},
	    {"CREATE TABLE t (id {{id}}, data {{blob}})",
	     "CREATE TABLE t (id INTEGER PRIMARY KEY, data BLOB)"},
	    {"-- the queue's order: {{id}} $1\nCREATE TABLE u (id {{id}})",
	     "-- the queue's order: {{id}} $1\nCREATE TABLE u (id INTEGER PRIMARY KEY)"},
	    {"SELECT a FROM t WHERE id = $1 FOR UPDATE", "SELECT a FROM t WHERE id = ?1"},
	    {"SELECT a - 1 -- minus one\nFROM t", "SELECT a - 1 -- minus one\nFROM t"},
	    {"", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = db_sqlite_translate(cases[i].in);
		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

/* Text search: the templates on each store, and the words as a query. */
static void test_text_search(void **state)
{
	(void)state;
	const char *match = "SELECT id FROM t WHERE {{text_match:t:a,b:$2}} LIMIT $1";
	char *lite = db_sqlite_translate(match), *pg = db_pg_translate(match);
	assert_string_equal(lite, "SELECT id FROM t WHERE t.id IN (SELECT rowid FROM t_text WHERE "
				  "t_text MATCH ?2) LIMIT ?1");
	assert_string_equal(
	    pg, "SELECT id FROM t WHERE to_tsvector('simple', regexp_replace("
		"COALESCE(a, '') || ' ' || COALESCE(b, ''), '[^0-9A-Za-z\\u0080-\\uffff]+', "
		"' ', 'g')) @@ plainto_tsquery('simple', $2) LIMIT $1");
	free(lite);
	free(pg);
	const char *index = "{{text_index:t:a,b}};";
	lite = db_sqlite_translate(index);
	pg = db_pg_translate(index);
	assert_non_null(strstr(lite, "CREATE VIRTUAL TABLE t_text USING fts5(a, b, content='t'"));
	assert_non_null(strstr(lite, "AFTER UPDATE OF a, b ON t"));
	assert_non_null(strstr(lite, "INSERT INTO t_text(t_text) VALUES ('rebuild');"));
	assert_string_equal(pg, "CREATE INDEX t_text ON t USING GIN (to_tsvector('simple', "
				"regexp_replace(COALESCE(a, '') || ' ' || COALESCE(b, ''), "
				"'[^0-9A-Za-z\\u0080-\\uffff]+', ' ', 'g')));");
	free(lite);
	free(pg);
	/* Not a template: left as it is. */
	lite = db_sqlite_translate("SELECT '{{text_match:t:a:$1}}', '{{nothing}}'");
	assert_string_equal(lite, "SELECT '{{text_match:t:a:$1}}', '{{nothing}}'");
	free(lite);
	struct arena a = {0};
	assert_string_equal(db_text_query(NULL, &a, "KP-100 caf\xc3\xa9, \"x\" OR y*"),
			    "\"KP\" \"100\" \"caf\xc3\xa9\" \"x\" \"OR\" \"y\"");
	assert_null(db_text_query(NULL, &a, " -- ,\" "));
	assert_null(db_text_query(NULL, &a, NULL));
	arena_free(&a);
}

static char path[64];
static struct db_pool *pool;

static enum kerr setup_fn(struct db *db, void *arg)
{
	(void)arg;
	return db_exec(db, NULL, "CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY)", DB_NONE);
}

static enum kerr insert_fn(struct db *db, void *arg)
{
	return db_exec(db, NULL, "INSERT INTO t (k) VALUES ($1)", DB_ARGS((const char *)arg));
}

static enum kerr count_fn(struct db *db, void *arg)
{
	return db_one_i64(db, NULL, arg, "SELECT COUNT(*) FROM t", DB_NONE);
}

struct result {
	enum kerr rc;
	int done;
};

static void done_cb(void *arg, enum kerr rc)
{
	struct result *r = arg;
	r->rc = rc;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
}

static void open_pool(void)
{
	snprintf(path, sizeof(path), "/tmp/kapsule-db-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct err e = {0};
	assert_int_equal(db_pool_open(path, 2, 0, &pool, &e), KERR_OK);
	assert_int_equal(db_write(pool, setup_fn, NULL), KERR_OK);
}

static void close_pool(void)
{
	db_pool_close(pool);
	remove_sqlite_files(path);
}

/* Writes queued together commit together; the one that fails rolls back alone. */
static void test_group_commit(void **state)
{
	(void)state;
	open_pool();
	static const char *keys[] = {"a", "b", "a", "c", "b", "d"};
	struct result res[6] = {{0}};
	for (int i = 0; i < 6; i++)
		db_write_async(pool, insert_fn, (void *)keys[i], done_cb, &res[i]);
	for (int i = 0; i < 6; i++)
		while (!__atomic_load_n(&res[i].done, __ATOMIC_ACQUIRE))
			usleep(1000);
	static const enum kerr want[] = {KERR_OK, KERR_OK,	 KERR_CONFLICT,
					 KERR_OK, KERR_CONFLICT, KERR_OK};
	for (int i = 0; i < 6; i++)
		assert_int_equal(res[i].rc, want[i]);
	int64_t n = 0;
	assert_int_equal(db_read(pool, count_fn, &n), KERR_OK);
	assert_int_equal(n, 4);
	close_pool();
}

/* ---- effects after commit ---- */

static int runs_a, runs_b; /* written on the writer's thread */

static void effect_a(void)
{
	__atomic_add_fetch(&runs_a, 1, __ATOMIC_RELEASE);
}

static void effect_b(void)
{
	__atomic_add_fetch(&runs_b, 1, __ATOMIC_RELEASE);
}

static int runs(int *n)
{
	return __atomic_load_n(n, __ATOMIC_ACQUIRE);
}

struct effect_arg {
	const char *key; /* row to insert; NULL: none */
	void (*fn)(void);
	struct result res;
	int seen_a; /* runs_a when the caller was told */
};

static enum kerr effect_fn(struct db *db, void *arg)
{
	struct effect_arg *x = arg;
	/* Asked for twice: it still runs once. */
	if (db_on_commit(db, x->fn) || db_on_commit(db, x->fn))
		return KERR_INTERNAL;
	return x->key ? insert_fn(db, (void *)x->key) : KERR_OK;
}

static void effect_done(void *arg, enum kerr rc)
{
	struct effect_arg *x = arg;
	x->seen_a = runs(&runs_a);
	done_cb(&x->res, rc);
}

static void ignore(void)
{
}
static void ignore2(void)
{
}

static void test_on_commit(void **state)
{
	(void)state;
	/* A transaction holds a few distinct effects; the same one is kept once. */
	struct db fake = {0};
	void (*fns[])(void) = {effect_a, effect_b, ignore, ignore2};
	for (int i = 0; i < DB_MAX_ON_COMMIT; i++)
		assert_int_equal(db_on_commit(&fake, fns[i]), 0);
	assert_int_equal(db_on_commit(&fake, effect_a), 0);
	assert_int_equal(fake.non_commit, DB_MAX_ON_COMMIT);
	assert_int_equal(db_on_commit(&fake, close_pool), -1);

	open_pool();
	struct effect_arg one = {"e1", effect_a, {0}, 0};
	assert_int_equal(db_write(pool, effect_fn, &one), KERR_OK);
	assert_int_equal(runs(&runs_a), 1);
	/* A write that fails runs nothing. */
	struct effect_arg dup = {"e1", effect_b, {0}, 0};
	assert_int_equal(db_write(pool, effect_fn, &dup), KERR_CONFLICT);
	assert_int_equal(runs(&runs_b), 0);
	/* In a group commit, the failing write's effect goes with it; the others
	   run, before their callers are told. */
	struct effect_arg g[3] = {
	    {"e2", effect_a, {0}, 0}, {"e2", effect_b, {0}, 0}, {"e3", effect_a, {0}, 0}};
	for (int i = 0; i < 3; i++)
		db_write_async(pool, effect_fn, &g[i], effect_done, &g[i]);
	for (int i = 0; i < 3; i++)
		while (!__atomic_load_n(&g[i].res.done, __ATOMIC_ACQUIRE))
			usleep(1000);
	assert_int_equal(g[0].res.rc, KERR_OK);
	assert_int_equal(g[1].res.rc, KERR_CONFLICT);
	assert_int_equal(g[2].res.rc, KERR_OK);
	assert_int_equal(runs(&runs_b), 0);
	assert_true(g[0].seen_a >= 2);
	assert_true(g[2].seen_a >= 2);
	assert_true(runs(&runs_a) == 2 || runs(&runs_a) == 3); /* one batch or two */
	/* A read transaction that commits runs its effects too. */
	struct effect_arg rd = {NULL, effect_b, {0}, 0};
	assert_int_equal(db_read(pool, effect_fn, &rd), KERR_OK);
	assert_int_equal(runs(&runs_b), 1);
	close_pool();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_translate),
	    cmocka_unit_test(test_text_search),
	    cmocka_unit_test(test_group_commit),
	    cmocka_unit_test(test_on_commit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
