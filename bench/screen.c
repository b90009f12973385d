/*
 * bench/screen.c - the screening engine's speed, called directly.
 *
 * Usage: bench_screen FILE [ROUNDS]
 * FILE holds one message per line (newlines inside messages written as
 * \n); each round screens every message once with screen_find().  Prints
 * the median, fastest and slowest round in MB/s of message text, and the
 * findings per round; and, as a baseline measured in the same run, in
 * rounds taken in turns with the engine's, the median speed of one plain
 * pass over the same messages that counts their words (the least any
 * screening has to do), with the median of the two's ratio round by round.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screen/screen.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One round of the engine over every message: its seconds; the findings in *found. */
static double engine_round(const char *all, const size_t *ends, size_t lines, long *found)
{
	struct screen_span spans[SCREEN_MAX_SPANS];
	*found = 0;
	double t0 = now();
	size_t at = 0;
	for (size_t i = 0; i < lines; i++) {
		int count = 0;
		if (screen_find(all + at, ends[i] - at, NULL, spans, SCREEN_MAX_SPANS, &count) ==
		    KERR_OK)
			*found += count;
		at = ends[i];
	}
	return now() - t0;
}

/* One round of the baseline: one pass over each message counting its words; its seconds. */
static double baseline_round(const char *all, const size_t *ends, size_t lines,
			     volatile long *words)
{
	double t0 = now();
	size_t at = 0;
	for (size_t i = 0; i < lines; i++) {
		long w = 0;
		int in = 0;
		for (size_t k = at; k < ends[i]; k++) {
			unsigned char c = (unsigned char)all[k];
			int alnum = (unsigned)(c - '0') < 10u || (unsigned)((c | 32) - 'a') < 26u;
			w += alnum && !in;
			in = alnum;
		}
		*words += w;
		at = ends[i];
	}
	return now() - t0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_screen FILE [ROUNDS]\n");
		return 2;
	}
	int rounds = argc > 2 ? atoi(argv[2]) : 7;
	if (rounds < 1 || rounds > 1000)
		rounds = 7;
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	size_t cap = 1 << 20, n = 0, lines = 0;
	char *all = malloc(cap);
	size_t *ends = malloc(sizeof(size_t) * (cap / 8));
	size_t ends_cap = cap / 8;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t len;
	while ((len = getline(&line, &lcap, f)) > 0) {
		if (line[len - 1] == '\n')
			len--;
		/* "\n" in the file stands for a newline in the message. */
		size_t k = 0;
		for (ssize_t i = 0; i < len; i++, k++)
			if (line[i] == '\\' && i + 1 < len && line[i + 1] == 'n')
				line[k] = '\n', i++;
			else
				line[k] = line[i];
		while (n + k + 1 > cap)
			all = realloc(all, cap *= 2);
		if (lines + 1 > ends_cap)
			ends = realloc(ends, sizeof(size_t) * (ends_cap *= 2));
		memcpy(all + n, line, k);
		n += k;
		ends[lines++] = n;
	}
	free(line);
	fclose(f);
	/*
	 * Rounds of the engine and of the baseline in turns, so that both see
	 * the same minutes of a machine whose speed moves: the ratio of each
	 * pair holds even when the speeds do not.
	 */
	double *mbs = malloc(sizeof(double) * (size_t)rounds);
	double *base = malloc(sizeof(double) * (size_t)rounds);
	double *ratio = malloc(sizeof(double) * (size_t)rounds);
	long found = 0;
	volatile long words = 0;
	for (int r = 0; r < rounds; r++) {
		mbs[r] = (double)n / 1e6 / engine_round(all, ends, lines, &found);
		base[r] = (double)n / 1e6 / baseline_round(all, ends, lines, &words);
		ratio[r] = mbs[r] / base[r];
	}
	qsort(mbs, (size_t)rounds, sizeof(double), by_value);
	qsort(base, (size_t)rounds, sizeof(double), by_value);
	qsort(ratio, (size_t)rounds, sizeof(double), by_value);
	printf("engine: %zu messages, %.1f MB, %d rounds: median %.1f MB/s (fastest %.1f, slowest "
	       "%.1f), %ld findings a round\n",
	       lines, (double)n / 1e6, rounds, mbs[rounds / 2], mbs[rounds - 1], mbs[0], found);
	printf("baseline (one pass counting words), in turns with the engine: median %.1f MB/s; "
	       "the engine runs at %.3f of it (median of the rounds' ratios)\n",
	       base[rounds / 2], ratio[rounds / 2]);
	free(base);
	free(ratio);
	free(mbs);
	free(all);
	free(ends);
	return 0;
}
