/*
 * sqlite_files.h - for unit tests: removes a SQLite database file with the
 * write-ahead log and shared-memory files beside it.
 */
#ifndef KAPSULE_TESTS_SQLITE_FILES_H
#define KAPSULE_TESTS_SQLITE_FILES_H

#include <stdio.h>
#include <unistd.h>

static inline void remove_sqlite_files(const char *path)
{
	char side[1024];
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

#endif
