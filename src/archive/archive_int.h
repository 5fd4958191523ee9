/*
 * archive_int.h: what archive.c and archive_diff.c share (not part of the API).
 */
#ifndef STROOM_ARCHIVE_INT_H
#define STROOM_ARCHIVE_INT_H

#include "internal.h"

#include <stroom/archive.h>

#include <sqlite3.h>

struct stroom_archive {
	sqlite3 *db;
	stroom_allocator alloc; /* the library's allocations; SQLite has its own */
	char path[4096];
};

/* Sets the detail "archive 'PATH': DOING: <SQLite's message>" and returns
 * STROOM_ENOMEM or STROOM_EIO. */
int stroom_archive_sql_error(stroom_archive *ar, const char *doing);

/* 1 when name is a file name the archive stores (letters, digits, '.', '_', '-',
 * not starting with '.', at most 255 bytes), else 0. */
int stroom_archive_name_ok(const char *name);

#endif
