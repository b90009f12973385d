/*
 * db_int.h - what the generic db layer and its drivers share.
 *
 * A driver is a table of functions.  The generic layer (db.c) owns pools,
 * the SQLite writer thread and migrations; a driver owns connections and
 * statements and the translation of the common dialect to its own.
 */
#ifndef KAPSULE_DB_DB_INT_H
#define KAPSULE_DB_DB_INT_H

#include "db/db.h"

struct db_driver {
	enum db_kind kind;
	/* Opens one connection; NULL with a message in e on failure. */
	struct db *(*open)(const char *url, int writer, struct err *e);
	void (*close)(struct db *db);
	/* Runs a script of statements (migrations, BEGIN/COMMIT). */
	enum kerr (*exec_script)(struct db *db, const char *sql, struct err *e);
	struct db_stmt *(*prep)(struct db *db, const char *sql);
	void (*bind_i64)(struct db_stmt *st, int idx, int64_t v);
	void (*bind_text)(struct db_stmt *st, int idx, const char *s, size_t n);
	void (*bind_blob)(struct db_stmt *st, int idx, const void *p, size_t n);
	void (*bind_null)(struct db_stmt *st, int idx);
	int (*step)(struct db_stmt *st);
	/* Number of placeholders in the statement. */
	int (*param_count)(struct db_stmt *st);
	int64_t (*col_i64)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	const void *(*col_blob)(struct db_stmt *st, int col);
	size_t (*col_len)(struct db_stmt *st, int col);
	int (*col_null)(struct db_stmt *st, int col);
	void (*done)(struct db_stmt *st);
	enum kerr (*err)(struct db *db, struct err *e);
	/* 1 while the connection is inside a transaction. */
	int (*in_tx)(struct db *db);
	/* 1 when the connection is known to be broken and must be replaced. */
	int (*broken)(struct db *db);
	/* SQL to begin a write transaction. */
	const char *begin_write;
	/*
	 * Periodic upkeep on a connection of its own, or NULL: for SQLite,
	 * checkpointing the write-ahead log outside the writer's commits.
	 * Returns the length of the log in pages (0 when not applicable).
	 */
	int (*maintain)(struct db *db); /* returns the pages still in the log */
};

/* Every connection starts with this header so the generic layer finds its driver. */
struct db {
	const struct db_driver *drv;
	void (*on_commit[DB_MAX_ON_COMMIT])(void); /* see db_on_commit() */
	int non_commit;				   /* how many of on_commit are asked for */
};

/* Every statement starts with this header. */
struct db_stmt {
	struct db *db; /* owning connection */
	int nbound;    /* placeholders bound so far by db_bind */
};

extern const struct db_driver db_sqlite_driver;
/*
 * The common dialect rewritten for SQLite: $N -> ?N, {{id}} and {{blob}}
 * in migrations, FOR UPDATE dropped; quoted text and -- comments are left
 * as they are.  The caller frees the result.
 */
char *db_sqlite_translate(const char *sql);

/* An embedded migration: its number, name and SQL in the common dialect. */
struct db_migration {
	int version;
	const char *name;
	const char *sql;
};
extern const struct db_migration db_migrations[];
extern const int db_migrations_count;

#endif
