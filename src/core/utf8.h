/*
 * utf8.h: decoding UTF-8 and escaping text for one-line messages, shared by the
 * library (src/core/common.c: input checks, error details) and the CLI (src/cli/cli_util.c:
 * messages that echo its arguments). Header-only so that the CLI needs nothing
 * from the library's internals.
 */
#ifndef STROOM_UTF8_H
#define STROOM_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * The length (1 to 4) of the well-formed UTF-8 sequence at s, of which n bytes
 * (n >= 1) may be read, with its code point in *cp; 0 when the bytes at s are not
 * one: a continuation byte without a lead, a lead byte not followed by enough
 * continuation bytes (also when cut off by n), an overlong form, a surrogate
 * (U+D800 to U+DFFF) or a code point above U+10FFFF.
 */
static inline size_t stroom_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], v;
	size_t len, i;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xC2) /* a continuation byte, or an overlong lead (0xC0, 0xC1) */
		return 0;
	if (c < 0xE0) {
		len = 2;
		v = c & 0x1F;
	} else if (c < 0xF0) {
		len = 3;
		v = c & 0x0F;
	} else if (c < 0xF5) {
		len = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < len; i++) {
		if (i >= n || (s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) || v > 0x10FFFF ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

/*
 * Copies the NUL-terminated src into dst (size >= 1 bytes, always NUL-terminated)
 * as one printable line: control characters (below 0x20, 0x7F and the C1 controls
 * U+0080 to U+009F) and bytes that are not well-formed UTF-8 become "\xNN" (each of
 * their bytes); other text, valid UTF-8 such as 'ë' included, is copied. What does
 * not fit is cut at a character boundary. When `cut` is nonzero src itself was cut
 * short, so an incomplete sequence at its very end is dropped rather than escaped.
 * A backslash is not escaped, so escaping twice changes nothing.
 */
static inline void stroom_utf8_escape(char *dst, size_t size, const char *src, int cut)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t n = 0, left = 0, o = 0;
	while (s[n])
		n++;
	while (left < n) {
		uint32_t cp = 0;
		size_t len = stroom_utf8_decode(s + left, n - left, &cp), k, need;
		int esc = len == 0 || cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
		if (len == 0) {
			if (cut && s[left] >= 0xC2 && s[left] < 0xF5) {
				/* a lead whose continuation bytes run to the cut: drop it */
				size_t want = s[left] < 0xE0 ? 2 : s[left] < 0xF0 ? 3 : 4, j = left + 1;
				while (j < n && (s[j] & 0xC0) == 0x80)
					j++;
				if (j == n && n - left < want)
					break;
			}
			len = 1;
		}
		need = esc ? 4 * len : len;
		if (o + need >= size)
			break;
		for (k = 0; k < len; k++) {
			if (esc) {
				dst[o++] = '\\';
				dst[o++] = 'x';
				dst[o++] = hex[s[left + k] >> 4];
				dst[o++] = hex[s[left + k] & 0xF];
			} else {
				dst[o++] = (char)s[left + k];
			}
		}
		left += len;
	}
	dst[o] = '\0';
}

#endif
