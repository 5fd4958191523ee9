/*
 * fuzz.h: what the libFuzzer targets of tests/fuzz share: the entry points
 * libFuzzer calls and a scratch directory for the files the parsers read.
 *
 * Every parser of the library reads a path, so each target writes its input to a
 * file first. The scratch directory is made once per process (mkdtemp under
 * $TMPDIR, default /tmp) and removed at exit; files in it have fixed names, so an
 * input that names another file (a scenario's `extends: base.yaml`) finds it and
 * every message is the same from run to run.
 */
#ifndef STROOM_FUZZ_H
#define STROOM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stroom/scenario.h>

/* libFuzzer's entry points (defined by each target). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Room for a path in the scratch directory. */
#define FUZZ_PATH_MAX 640
/* The path of the file `name` (a plain file name, at most 31 bytes) in the scratch
 * directory, written into buf (FUZZ_PATH_MAX bytes). Returns buf. */
char *fuzz_path(char *buf, const char *name);
/* Writes data[0..size) to the file `name` in the scratch directory; returns its
 * path in buf as fuzz_path. Aborts when the file cannot be written: that is the
 * machine, not the input. */
char *fuzz_write(char *buf, const char *name, const void *data, size_t size);
/* Removes the file `name` from the scratch directory if it is there. */
void fuzz_remove(const char *name);

/* Returns err. With STROOM_FUZZ_VERBOSE=1 in the environment it also prints
 * "fuzz: WHAT: ok" or the error detail, to see what a corpus file reaches. */
int fuzz_report(const char *what, int err);

/* Stops the run with a message: a property the library promises does not hold. */
/* The builtin rotterdam's parameters (aborts when it cannot load). */
stroom_params fuzz_rotterdam_params(void);

void fuzz_fail(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2), noreturn))
#endif
	;

#endif
