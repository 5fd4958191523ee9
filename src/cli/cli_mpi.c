/*
 * cli_mpi.c: the MPI layer of `stroom run --mpi` (see cli.h and
 * docs/architecture.md, "MPI"). The library knows nothing of MPI: the ranks run
 * blocks of replicates (or of municipalities) with the ordinary library calls, and
 * this file only moves the packed results to rank 0 and makes every rank agree on
 * the exit code. Buffers go as MPI_BYTE in chunks of at most 1 GiB, so counts fit
 * an int whatever the size of a run.
 */
#include "cli.h"

#include <stroom/common.h>

#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK ((size_t)1 << 30)
#define MSG_LEN 512

int stroom_cli_mpi_init(stroom_cli_mpi *m)
{
	if (MPI_Init(NULL, NULL) != MPI_SUCCESS) {
		fprintf(stderr, "stroom: --mpi: MPI_Init failed\n");
		return 1;
	}
	m->on = 1;
	MPI_Comm_rank(MPI_COMM_WORLD, &m->rank);
	MPI_Comm_size(MPI_COMM_WORLD, &m->size);
	if (m->rank != 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			return 1;
	}
	return 0;
}

int stroom_cli_mpi_agree(const stroom_cli_mpi *m, int code)
{
	int all = code, first, mine;
	char msg[MSG_LEN];
	if (!m->on)
		return code;
	MPI_Allreduce(&code, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	if (all == 0)
		return 0;
	/* the lowest failing rank tells rank 0 what went wrong */
	mine = code ? m->rank : m->size;
	MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	memset(msg, 0, sizeof msg);
	if (m->rank == first)
		snprintf(msg, sizeof msg, "%s", code > 128 ? "interrupted" : stroom_error_last());
	MPI_Bcast(msg, MSG_LEN, MPI_CHAR, first, MPI_COMM_WORLD);
	if (m->rank == 0 && code == 0)
		fprintf(stderr, "stroom: rank %d: %s\n", first, msg);
	return all;
}

int stroom_cli_mpi_finish(stroom_cli_mpi *m, int code)
{
	if (!m->on)
		return code;
	MPI_Allreduce(MPI_IN_PLACE, &code, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	MPI_Finalize();
	m->on = 0;
	return code;
}

void stroom_cli_mpi_block(int n, int parts, int part, int *first, int *count)
{
	int base = n / parts, extra = n % parts;
	*count = base + (part < extra);
	*first = part * base + (part < extra ? part : extra);
}

static void send_bytes(const void *buf, size_t n)
{
	uint64_t len = n;
	const unsigned char *p = buf;
	MPI_Send(&len, 1, MPI_UINT64_T, 0, 0, MPI_COMM_WORLD);
	while (n > 0) {
		size_t c = n < CHUNK ? n : CHUNK;
		MPI_Send(p, (int)c, MPI_BYTE, 0, 1, MPI_COMM_WORLD);
		p += c;
		n -= c;
	}
}

/* Receives one buffer from rank r (malloc'd into *out); 0 or 1 (out of memory:
 * the bytes are still received, into a scratch buffer, so the sender finishes). */
static int recv_bytes(int r, unsigned char **out, size_t *n)
{
	uint64_t len;
	unsigned char *buf, scratch[4096];
	size_t got = 0;
	MPI_Recv(&len, 1, MPI_UINT64_T, r, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	buf = malloc(len ? (size_t)len : 1);
	while (got < len) {
		size_t c = (size_t)len - got < CHUNK ? (size_t)len - got : CHUNK;
		if (buf) {
			MPI_Recv(buf + got, (int)c, MPI_BYTE, r, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		} else {
			/* drain a message of up to 1 GiB into nothing: probe its size */
			MPI_Status st;
			int cnt;
			unsigned char *tmp;
			MPI_Probe(r, 1, MPI_COMM_WORLD, &st);
			MPI_Get_count(&st, MPI_BYTE, &cnt);
			tmp = malloc((size_t)cnt ? (size_t)cnt : 1);
			MPI_Recv(tmp ? tmp : scratch, tmp ? cnt : 0, MPI_BYTE, r, 1, MPI_COMM_WORLD,
				 MPI_STATUS_IGNORE);
			free(tmp);
		}
		got += c;
	}
	*out = buf;
	*n = (size_t)len;
	return buf ? 0 : 1;
}

int stroom_cli_mpi_gather(const stroom_cli_mpi *m, const void *buf, size_t n,
			  int (*recv)(int rank, const void *buf, size_t n, void *payload), void *payload)
{
	int code = 0, r;
	if (!m->on)
		return 0;
	if (m->rank != 0) {
		send_bytes(buf, n);
	} else {
		for (r = 1; r < m->size; r++) {
			unsigned char *got = NULL;
			size_t len = 0;
			int c = recv_bytes(r, &got, &len);
			if (c) {
				fprintf(stderr, "stroom: out of memory receiving the results of rank %d\n", r);
			} else {
				c = recv(r, got, len, payload);
			}
			free(got);
			if (c && !code)
				code = c;
		}
	}
	return stroom_cli_mpi_agree(m, code);
}

void stroom_cli_mpi_bcast(const stroom_cli_mpi *m, void *buf, size_t n)
{
	if (m->on)
		MPI_Bcast(buf, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD);
}
