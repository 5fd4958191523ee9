/*
 * cli_signal.c: how the commands stop on a signal (docs/architecture.md, "Signals
 * and outputs"), shared by run, compare, validate and calibrate. SIGINT, SIGTERM
 * and SIGHUP set a flag instead of killing the process; each command looks at it
 * between steps and in its progress callback, cancels the library's work and
 * exits 128 + the signal, leaving nothing half-written.
 */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The signal that asked to stop; 0 while none has (the one piece of state a
 * signal handler may write). */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	if (!interrupted)
		interrupted = sig;
}

void stroom_cli_catch_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa, old;
	size_t i;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
#ifdef SA_RESTART
	sa.sa_flags = SA_RESTART;
#endif
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		/* a SIGHUP ignored at startup stays ignored (nohup stroom run ...) */
		if (sigs[i] == SIGHUP && sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

int stroom_cli_interrupted(void) { return (int)interrupted; }

double stroom_cli_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int stroom_cli_stop_requested(int done, int total, void *payload)
{
	(void)done;
	(void)total;
	(void)payload;
	return interrupted != 0;
}

int stroom_cli_interrupted_exit(const char *what)
{
	fprintf(stderr, "stroom: interrupted; %s\n", what);
	return 128 + (interrupted ? (int)interrupted : SIGINT);
}
