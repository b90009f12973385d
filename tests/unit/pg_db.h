/*
 * pg_db.h - for unit tests (after cmocka.h): a database of the test's own on
 * the PostgreSQL server whose URL is in KAPSULE_TEST_PG (make test starts
 * one); the test is skipped when it is not set.
 */
#ifndef KAPSULE_TESTS_PG_DB_H
#define KAPSULE_TESTS_PG_DB_H

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Runs sql on the server's maintenance database. */
static inline void pg_db_admin(const char *sql)
{
	PGconn *h = PQconnectdb(getenv("KAPSULE_TEST_PG"));
	assert_int_equal(PQstatus(h), CONNECTION_OK);
	PGresult *r = PQexec(h, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(h);
}

/* Creates database <prefix>_<pid> and puts its URL in url. */
static inline void pg_db_create(const char *prefix, char *url, size_t cap)
{
	const char *base = getenv("KAPSULE_TEST_PG");
	if (!base || !*base) {
		print_message("KAPSULE_TEST_PG is not set: the PostgreSQL run is in make test\n");
		skip();
	}
	char sql[128];
	const char *slash = strchr(strstr(base, "://") + 3, '/');
	assert_non_null(slash);
	const char *query = strchr(slash, '?');
	snprintf(url, cap, "%.*s/%s_%d%s", (int)(slash - base), base, prefix, (int)getpid(),
		 query ? query : "");
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s_%d", prefix, (int)getpid());
	pg_db_admin(sql);
}

/* Drops what pg_db_create(prefix) made. */
static inline void pg_db_drop(const char *prefix)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "DROP DATABASE %s_%d WITH (FORCE)", prefix, (int)getpid());
	pg_db_admin(sql);
}

#endif
