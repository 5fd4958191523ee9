/*
 * test_common.c: reading input files and the error detail (src/core/common.c,
 * src/core/utf8.h). The UTF-8 decoder against the malformed forms (overlongs,
 * surrogates, above U+10FFFF, cut short); the text check's messages and positions
 * (lines, columns in characters, a byte order mark not counted); the error detail
 * escaped into one printable line, cut at a character boundary; stroom_read_file on
 * a regular file, a directory, a FIFO (without blocking), a device, a missing file,
 * a file of no fstat size (/proc), a file above its limit and a failing allocator;
 * stroom_hash_file's SHA-256.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "failing_alloc.h"
#include "internal.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define TEST_DIR_PREFIX "test_common"
#include "test_util.h"

/* WRITE(name, LITERAL): the file name in test_dir holds the literal's bytes. */
#define WRITE(name, text) test_write(in_dir(name), text, sizeof text - 1)

static size_t decode(const char *s, size_t n)
{
	uint32_t cp;
	return stroom_utf8_decode((const unsigned char *)s, n, &cp);
}

static void test_decode(void **state)
{
	uint32_t cp = 0;
	(void)state;
	assert_int_equal(stroom_utf8_decode((const unsigned char *)"A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(stroom_utf8_decode((const unsigned char *)"\xc3\xab", 2, &cp), 2);
	assert_int_equal(cp, 0xEB); /* ë */
	assert_int_equal(stroom_utf8_decode((const unsigned char *)"\xe2\x82\xac", 3, &cp), 3);
	assert_int_equal(cp, 0x20AC); /* € */
	assert_int_equal(stroom_utf8_decode((const unsigned char *)"\xf4\x8f\xbf\xbf", 4, &cp), 4);
	assert_int_equal(cp, 0x10FFFF);
	assert_int_equal(decode("\x80", 1), 0);             /* a continuation byte alone */
	assert_int_equal(decode("\xc0\xae", 2), 0);         /* overlong '.' */
	assert_int_equal(decode("\xc1\xbf", 2), 0);         /* overlong */
	assert_int_equal(decode("\xe0\x80\xaf", 3), 0);     /* overlong '/' in 3 bytes */
	assert_int_equal(decode("\xf0\x8f\xbf\xbf", 4), 0); /* overlong U+FFFF in 4 bytes */
	assert_int_equal(decode("\xed\xa0\x80", 3), 0);     /* surrogate U+D800 */
	assert_int_equal(decode("\xed\xbf\xbf", 3), 0);     /* surrogate U+DFFF */
	assert_int_equal(decode("\xf4\x90\x80\x80", 4), 0); /* U+110000 */
	assert_int_equal(decode("\xf5\x80\x80\x80", 4), 0); /* lead above 0xF4 */
	assert_int_equal(decode("\xff", 1), 0);
	assert_int_equal(decode("\xe2\x82", 2), 0);         /* cut short by the end */
	assert_int_equal(decode("\xe2\x82\xac", 2), 0);     /* cut short by n */
	assert_int_equal(decode("\xe2\x82x", 3), 0);        /* cut short by an ASCII byte */
}

/* stroom_text_check(text, len) fails with detail want (NULL: passes). */
static void check_text(const char *text, size_t len, int flags, const char *want)
{
	stroom_error_clear();
	if (!want) {
		assert_int_equal(stroom_text_check(text, len, "f.txt", flags), 0);
		return;
	}
	assert_int_equal(stroom_text_check(text, len, "f.txt", flags), STROOM_EPARSE);
	assert_string_equal(stroom_error_last(), want);
}

/* CHECK(LITERAL, flags, want): the literal's bytes, NUL bytes inside included. */
#define CHECK(text, flags, want) check_text(text, sizeof text - 1, flags, want)

static void test_text_check(void **state)
{
	(void)state;
	CHECK("", 0, NULL);
	CHECK("a,b\r\në,€,\xf0\x9f\x98\x80\n\ttab\n", 0, NULL);
	CHECK("a\x1b[31m\x7f", 0, NULL); /* controls are text in a CSV */
	CHECK("ab\n\xc3\xab\xc3\xab\xff", 0, "f.txt:2:3: invalid UTF-8 byte 0xff");
	CHECK("a\nb\nc\0d", 0, "f.txt:3:2: NUL byte");
	CHECK("\xef\xbb\xbfx\xc0\xae", 0, "f.txt:1:2: invalid UTF-8 byte 0xc0");
	CHECK("x\xef\xbb\xbf\xed\xa0\x80", 0, "f.txt:1:3: invalid UTF-8 byte 0xed");
	CHECK("\xf4\x90\x80\x80", 0, "f.txt:1:1: invalid UTF-8 byte 0xf4");
	CHECK("abc\xe2\x82", 0, "f.txt:1:4: invalid UTF-8 byte 0xe2");
	CHECK("a\r\nb\xe2\x82\n", 0, "f.txt:2:2: invalid UTF-8 byte 0xe2");
	/* YAML: control characters but tab, CR, LF and NEL; U+FFFE, U+FFFF */
	CHECK("a: 1\r\n\tb: \xc2\x85\n", STROOM_TEXT_YAML, NULL);
	CHECK("a: \xe2\x82\xac\x1b", STROOM_TEXT_YAML,
		   "f.txt:1:5: invalid YAML: character U+001B is not allowed");
	CHECK("\n\x7f", STROOM_TEXT_YAML,
		   "f.txt:2:1: invalid YAML: character U+007F is not allowed");
	CHECK("a\xc2\x9b", STROOM_TEXT_YAML,
		   "f.txt:1:2: invalid YAML: character U+009B is not allowed");
	CHECK("a\xef\xbf\xbe", STROOM_TEXT_YAML,
		   "f.txt:1:2: invalid YAML: character U+FFFE is not allowed");
	CHECK("a\0", STROOM_TEXT_YAML, "f.txt:1:2: NUL byte");
}

static void test_error_escaped(void **state)
{
	char long_text[2000];
	size_t n;
	(void)state;
	assert_int_equal(stroom_error_set(STROOM_EPARSE, "key '%s': x", "a\x1b[2Jb\r\n\t\x7f"),
			 STROOM_EPARSE);
	assert_string_equal(stroom_error_last(), "key 'a\\x1b[2Jb\\x0d\\x0a\\x09\\x7f': x");
	stroom_error_set(STROOM_EINVAL, "'%s'", "ë € \xff\xc3 \xc2\x85 \xe2\x82");
	assert_string_equal(stroom_error_last(), "'ë € \\xff\\xc3 \\xc2\\x85 \\xe2\\x82'");
	/* escaping twice changes nothing (a detail quoting the last one) */
	stroom_error_set(STROOM_EINVAL, "a\\x1b%s", "");
	stroom_error_set(STROOM_EINVAL, "%s", stroom_error_last());
	assert_string_equal(stroom_error_last(), "a\\x1b");
	/* a long detail is cut at a character boundary, never inside an escape */
	memset(long_text, 0, sizeof long_text);
	for (n = 0; n + 2 < sizeof long_text - 1; n += 2)
		memcpy(long_text + n, "\xc3\xab", 2);
	stroom_error_set(STROOM_EINVAL, "%s", long_text);
	n = strlen(stroom_error_last());
	assert_true(n > 1000 && n < 1024 && n % 2 == 0);
	memset(long_text, 0x1b, sizeof long_text - 1);
	stroom_error_set(STROOM_EINVAL, "%s", long_text);
	n = strlen(stroom_error_last());
	assert_true(n > 1000 && n < 1024 && n % 4 == 0);
	assert_memory_equal(stroom_error_last() + n - 4, "\\x1b", 4);
	/* the formatted text was cut inside 'ë': that half is dropped, not escaped */
	memset(long_text, 'a', sizeof long_text);
	memcpy(long_text + 1022, "\xc3\xab", 2);
	long_text[1024] = '\0';
	stroom_error_set(STROOM_EINVAL, "%s", long_text);
	assert_int_equal(strlen(stroom_error_last()), 1022);
}

static void test_read_file(void **state)
{
	char *text = NULL;
	size_t len = 0;
	(void)state;
	WRITE("a.csv", "x,y\n1,ë\n");
	assert_int_equal(
		stroom_read_file(NULL, in_dir("a.csv"), STROOM_INPUT_RULES, "ctx: ", &text, &len), 0);
	assert_int_equal(len, 9);
	assert_string_equal(text, "x,y\n1,ë\n");
	free(text);

	/* an empty file reads as "" */
	WRITE("empty.csv", "");
	assert_int_equal(stroom_read_file(NULL, in_dir("empty.csv"), STROOM_INPUT_RULES, "", &text,
					  &len),
			 0);
	assert_int_equal(len, 0);
	assert_string_equal(text, "");
	free(text);

	/* a regular file without an fstat size: the buffer grows */
	assert_int_equal(
		stroom_read_file(NULL, "/proc/self/status", STROOM_INPUT_RULES, "", &text, &len), 0);
	assert_true(len > 0 && strlen(text) == len && strstr(text, "Name:"));
	free(text);

	assert_int_equal(
		stroom_read_file(NULL, in_dir("none.csv"), STROOM_INPUT_RULES, "ctx: ", &text, &len),
		STROOM_ENOTFOUND);
	assert_null(text);
	assert_non_null(strstr(stroom_error_last(), "ctx: cannot read '"));
	assert_int_equal(stroom_read_file(NULL, in_dir("a.csv/x.csv"), STROOM_INPUT_RULES, "",
					  &text, &len),
			 STROOM_ENOTFOUND);

	assert_int_equal(stroom_read_file(NULL, test_dir, STROOM_INPUT_SCENARIO, "ctx: ", &text, &len),
			 STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "' is not a regular file (a directory)"));
	assert_int_equal(
		stroom_read_file(NULL, "/dev/zero", STROOM_INPUT_HOUSEHOLDS, "ctx: ", &text, &len),
		STROOM_EINVAL);
	assert_string_equal(stroom_error_last(),
			    "ctx: '/dev/zero' is not a regular file (a character device)");

	/* a FIFO without a writer: refused at once, not waited on */
	assert_int_equal(mkfifo(in_dir("fifo"), 0600), 0);
	assert_int_equal(
		stroom_read_file(NULL, in_dir("fifo"), STROOM_INPUT_SCENARIO, "", &text, &len),
		STROOM_EINVAL);
	assert_non_null(strstr(stroom_error_last(), "' is not a regular file (a FIFO)"));

	/* a socket: open(2) would fail with ENXIO (an I/O error); it is refused as bad input */
	{
		struct sockaddr_un sa;
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		assert_true(fd >= 0);
		memset(&sa, 0, sizeof sa);
		sa.sun_family = AF_UNIX;
		assert_true(strlen(in_dir("sock")) < sizeof sa.sun_path);
		memcpy(sa.sun_path, in_dir("sock"), strlen(in_dir("sock")) + 1);
		assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
		assert_int_equal(
			stroom_read_file(NULL, in_dir("sock"), STROOM_INPUT_RULES, "", &text, &len),
			STROOM_EINVAL);
		assert_non_null(strstr(stroom_error_last(), "' is not a regular file (a socket)"));
		close(fd);
	}

	/* not text: the position in the file */
	WRITE("bad.csv", "a\nbë\xe9\n");
	assert_int_equal(
		stroom_read_file(NULL, in_dir("bad.csv"), STROOM_INPUT_BUDGET, "ctx: ", &text, &len),
		STROOM_EPARSE);
	assert_non_null(strstr(stroom_error_last(), "/bad.csv:2:3: invalid UTF-8 byte 0xe9"));
	assert_null(text);
	/* a scenario is checked as YAML, a CSV is not */
	WRITE("esc.yaml", "a: \x1b\n");
	assert_int_equal(
		stroom_read_file(NULL, in_dir("esc.yaml"), STROOM_INPUT_BUDGET, "", &text, &len), 0);
	free(text);
	assert_int_equal(
		stroom_read_file(NULL, in_dir("esc.yaml"), STROOM_INPUT_SCENARIO, "", &text, &len),
		STROOM_EPARSE);
	assert_non_null(strstr(stroom_error_last(), "/esc.yaml:1:4: invalid YAML: character U+001B"));
}

static void test_limits(void **state)
{
	static const struct {
		stroom_input_kind kind;
		size_t limit;
		const char *name;
	} kinds[] = {
		{STROOM_INPUT_SCENARIO, 4, "a scenario YAML"},
		{STROOM_INPUT_HOUSEHOLDS, 512, "a household CSV"},
		{STROOM_INPUT_MUNICIPALITIES, 16, "a municipalities CSV"},
		{STROOM_INPUT_BUDGET, 16, "a budget table"},
		{STROOM_INPUT_RULES, 16, "a rules table"},
		{STROOM_INPUT_PANEL, 64, "a budget panel table"},
	};
	char *text = NULL, want[256], hex[65];
	size_t i, len;
	(void)state;
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		assert_int_equal(stroom_input_limit(kinds[i].kind), kinds[i].limit << 20);
		assert_string_equal(stroom_input_name(kinds[i].kind), kinds[i].name);
	}
	/* one byte above the limit (sparse) is refused without reading it; at the limit
	 * it is read (and is then not text: NUL bytes) */
	WRITE("big.yaml", "");
	assert_int_equal(truncate(in_dir("big.yaml"), (off_t)STROOM_LIMIT_SCENARIO + 1), 0);
	assert_int_equal(
		stroom_read_file(NULL, in_dir("big.yaml"), STROOM_INPUT_SCENARIO, "ctx: ", &text, &len),
		STROOM_EINVAL);
	snprintf(want, sizeof want, "ctx: '%s' is larger than the limit of 4 MiB for a scenario YAML",
		 in_dir("big.yaml"));
	assert_string_equal(stroom_error_last(), want);
	assert_int_equal(stroom_hash_file(in_dir("big.yaml"), STROOM_INPUT_SCENARIO, "ctx: ", hex),
			 STROOM_EINVAL);
	assert_string_equal(stroom_error_last(), want);
	assert_int_equal(truncate(in_dir("big.yaml"), (off_t)STROOM_LIMIT_SCENARIO), 0);
	assert_int_equal(
		stroom_read_file(NULL, in_dir("big.yaml"), STROOM_INPUT_SCENARIO, "", &text, &len),
		STROOM_EPARSE);
	assert_non_null(strstr(stroom_error_last(), "/big.yaml:1:1: NUL byte"));
	assert_int_equal(stroom_hash_file(in_dir("big.yaml"), STROOM_INPUT_SCENARIO, "", hex), 0);
}

static void test_read_file_nomem(void **state)
{
	failing f = {0, 0, 0};
	stroom_allocator a = {f_malloc, f_realloc, f_free, &f};
	char *text = NULL;
	size_t len;
	(void)state;
	WRITE("b.csv", "x\n");
	f.fail_at = 1;
	assert_int_equal(stroom_read_file(&a, in_dir("b.csv"), STROOM_INPUT_RULES, "", &text, &len),
			 STROOM_ENOMEM);
	assert_null(text);
	assert_int_equal(f.live, 0);
	/* growing (no fstat size) fails on the realloc */
	f.fail_at = 2;
	f.count = 0;
	assert_int_equal(
		stroom_read_file(&a, "/proc/self/status", STROOM_INPUT_RULES, "", &text, &len),
		STROOM_ENOMEM);
	assert_int_equal(f.live, 0);
}

static void test_hash_file(void **state)
{
	char hex[65];
	(void)state;
	WRITE("abc.csv", "abc");
	assert_int_equal(stroom_hash_file(in_dir("abc.csv"), STROOM_INPUT_HOUSEHOLDS, "", hex), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(stroom_hash_file(in_dir("none.csv"), STROOM_INPUT_HOUSEHOLDS, "k: ", hex),
			 STROOM_ENOTFOUND);
	assert_non_null(strstr(stroom_error_last(), "k: expected a readable file, got '"));
	assert_int_equal(stroom_hash_file("/dev/null", STROOM_INPUT_HOUSEHOLDS, "k: ", hex),
			 STROOM_EINVAL);
	assert_string_equal(stroom_error_last(),
			    "k: '/dev/null' is not a regular file (a character device)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_text_check),
		cmocka_unit_test(test_error_escaped),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_read_file_nomem),
		cmocka_unit_test(test_hash_file),
	};
	return cmocka_run_group_tests(tests, test_dir_setup, test_dir_teardown);
}
