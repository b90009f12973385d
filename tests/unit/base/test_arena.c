/*
 * test_arena.c - the region allocator.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/arena.h"

#define ALIGN _Alignof(max_align_t)

static int aligned(const void *p)
{
	return (uintptr_t)p % ALIGN == 0;
}

static void test_zeroed_is_valid(void **state)
{
	(void)state;
	struct arena a = {0};
	char *p = arena_alloc(&a, 10);
	assert_non_null(p);
	memcpy(p, "123456789", 10);
	assert_string_equal(p, "123456789");
	assert_true(a.total >= 10);
	arena_free(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
	assert_int_equal(a.used, 0);
	/* Freed arenas are reusable; freeing an empty one is fine. */
	assert_non_null(arena_alloc(&a, 1));
	arena_free(&a);
	arena_free(&a);
}

static void test_alignment_and_disjoint(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	enum { N = 300 };
	unsigned char *ptrs[N];
	size_t sizes[N];
	for (int i = 0; i < N; i++) {
		sizes[i] = (size_t)(i % 37); /* includes 0 and odd sizes */
		ptrs[i] = arena_alloc(&a, sizes[i]);
		assert_non_null(ptrs[i]);
		assert_true(aligned(ptrs[i]));
		memset(ptrs[i], i & 0xff, sizes[i]);
		/* Any type may be stored there. */
		if (sizes[i] >= sizeof(long double)) {
			long double ld = 1.5L * i;
			memcpy(ptrs[i], &ld, sizeof(ld));
			assert_true(*(long double *)(void *)ptrs[i] == 1.5L * i);
			memset(ptrs[i], i & 0xff, sizes[i]);
		}
	}
	/* Nothing overwrote anything else. */
	for (int i = 0; i < N; i++)
		for (size_t k = 0; k < sizes[i]; k++)
			assert_int_equal(ptrs[i][k], i & 0xff);
	/* Zero-byte allocations are distinct, usable pointers. */
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			assert_ptr_not_equal(ptrs[i], ptrs[j]);
	arena_free(&a);
}

static void test_many_chunks(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	size_t asked = 0;
	char *first = arena_alloc(&a, 100);
	memset(first, 'F', 100);
	for (int i = 0; i < 2000; i++) {
		char *p = arena_alloc(&a, 1000);
		memset(p, 'x', 1000);
		asked += 1000;
	}
	/* Every byte handed out is held, and the waste stays bounded. */
	assert_true(a.total >= asked + 100);
	assert_true(a.total <= 2 * asked + ((size_t)1 << 20));
	for (int i = 0; i < 100; i++)
		assert_int_equal(first[i], 'F');
	arena_free(&a);
}

static void test_large(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	char *small = arena_alloc(&a, 8);
	memcpy(small, "small!!", 8);
	size_t big_n = (size_t)3 << 20; /* bigger than any chunk */
	unsigned char *big = arena_alloc(&a, big_n);
	assert_true(aligned(big));
	memset(big, 0xA5, big_n);
	assert_int_equal(big[0], 0xA5);
	assert_int_equal(big[big_n - 1], 0xA5);
	assert_true(a.total >= big_n + 8);
	/* Allocation goes on normally after a big one. */
	char *after = arena_alloc(&a, 32);
	assert_true(aligned(after));
	memset(after, 'z', 32);
	assert_string_equal(small, "small!!");
	assert_int_equal(big[big_n / 2], 0xA5);
	/* A second big one. */
	char *big2 = arena_alloc(&a, big_n + 1);
	memset(big2, 1, big_n + 1);
	assert_true(a.total >= 2 * big_n + 1);
	arena_free(&a);
}

static void test_calloc_zeroed(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	/* Dirty the first chunk so that zeroing is observable. */
	memset(arena_alloc(&a, 2000), 0xFF, 2000);
	arena_free(&a);
	for (int round = 0; round < 3; round++) {
		uint32_t *v = arena_calloc(&a, 250, sizeof(uint32_t));
		assert_true(aligned(v));
		for (int i = 0; i < 250; i++)
			assert_int_equal(v[i], 0);
		memset(v, 0xFF, 250 * sizeof(uint32_t));
	}
	assert_non_null(arena_calloc(&a, 0, 16));
	assert_non_null(arena_calloc(&a, 16, 0));
	arena_free(&a);
}

static void test_strings(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_null(arena_strdup(&a, NULL));
	assert_null(arena_strndup(&a, NULL, 5));
	char src[] = "hello world";
	char *d = arena_strdup(&a, src);
	assert_ptr_not_equal(d, src);
	src[0] = 'J';
	assert_string_equal(d, "hello world");
	assert_string_equal(arena_strndup(&a, "hello world", 5), "hello");
	assert_string_equal(arena_strndup(&a, "abc", 0), "");
	assert_string_equal(arena_strdup(&a, ""), "");
	/* strndup copies exactly n bytes even past a NUL-free region. */
	const char raw[4] = {'w', 'x', 'y', 'z'};
	assert_string_equal(arena_strndup(&a, raw, 4), "wxyz");
	char *bin = arena_strndup(&a, "a\0b", 3);
	assert_memory_equal(bin, "a\0b\0", 4);
	arena_free(&a);
}

static void test_printf(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(arena_printf(&a, "%s-%d-%05.2f", "x", -12, 3.14159), "x--12-03.14");
	assert_string_equal(arena_printf(&a, "%s", ""), "");
	assert_string_equal(arena_printf(&a, "%lld", (long long)INT64_MIN), "-9223372036854775808");
	/* Longer than the first chunk. */
	char *long_s = arena_printf(&a, "[%09000d]", 7);
	assert_int_equal(strlen(long_s), 9002);
	assert_int_equal(long_s[0], '[');
	assert_int_equal(long_s[8999], '0');
	assert_string_equal(long_s + 8999, "07]");
	char *rep = arena_printf(&a, "%s|%s", long_s, long_s);
	assert_int_equal(strlen(rep), 2 * 9002 + 1);
	assert_int_equal(rep[9002], '|');
	arena_free(&a);
}

/*
 * Runs fn in a child and returns its wait status: an allocation that cannot
 * be satisfied must abort (SIGABRT) rather than hand back a short block.
 */
static int in_child(void (*fn)(void))
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, 2);
		fn();
		_exit(0);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static void child_alloc_huge(void)
{
	struct arena a;
	arena_init(&a);
	volatile size_t n = SIZE_MAX - 3; /* rounds past SIZE_MAX */
	char *p = arena_alloc(&a, n);
	(void)p;
	/* Returning at all means a tiny block was handed out for a huge request. */
}

static void child_calloc_huge(void)
{
	struct arena a;
	arena_init(&a);
	volatile size_t n = SIZE_MAX - 7;
	arena_calloc(&a, 1, n);
}

static void child_calloc_overflow(void)
{
	struct arena a;
	arena_init(&a);
	volatile size_t n = SIZE_MAX / 2 + 2;
	arena_calloc(&a, 2, n);
}

static void test_huge_requests_abort(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		void (*fn)(void);
	} cases[] = {
	    {"arena_calloc(2, SIZE_MAX/2+2)", child_calloc_overflow},
	    {"arena_alloc(SIZE_MAX-3)", child_alloc_huge},
	    {"arena_calloc(1, SIZE_MAX-7)", child_calloc_huge},
	};
	int wrong = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int st = in_child(cases[i].fn);
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT)
			continue;
		/* exit status 0: it returned; 1: the sanitizer stopped a bad access */
		print_error("%s: %s %d (want SIGABRT)\n", cases[i].what,
			    WIFSIGNALED(st) ? "signal" : "exit status",
			    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		wrong++;
	}
	assert_int_equal(wrong, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zeroed_is_valid), cmocka_unit_test(test_alignment_and_disjoint),
	    cmocka_unit_test(test_many_chunks),	    cmocka_unit_test(test_large),
	    cmocka_unit_test(test_calloc_zeroed),   cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_printf),	    cmocka_unit_test(test_huge_requests_abort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
