/* Long double parsing, addition and formatting for ferrodis (INCRBYFLOAT and friends).
 *
 * Redis keeps these numbers in the C `long double` of the platform (80-bit extended precision
 * on x86-64), so results only match byte for byte when the same arithmetic is used. This file
 * is the only place that touches `long double`; the Rust side sees bytes in, bytes out. */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Inputs of this many bytes or more are refused, as Redis refuses them. */
#define FLD_MAX_CHARS (5 * 1024)

/* Parses exactly `len` bytes at `s`. Returns 1 and stores the value on success, 0 when the
 * bytes are not a number under the rules: strtold syntax, no leading white space, nothing
 * after the number (an embedded NUL included), no overflow to infinity, no underflow to zero,
 * and never NaN. */
static int fld_parse(const char *s, size_t len, long double *out) {
    char buf[FLD_MAX_CHARS];
    char *end = NULL;
    long double v;

    if (len == 0 || len >= sizeof(buf)) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (isspace((unsigned char)buf[0])) return 0;
    errno = 0;
    v = strtold(buf, &end);
    if (end == NULL || *end != '\0' || (size_t)(end - buf) != len) return 0;
    if (errno == EINVAL) return 0;
    if (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || v == 0.0L)) return 0;
    if (isnan(v)) return 0;
    *out = v;
    return 1;
}

/* Formats `v` the human-friendly way: fixed notation with 17 decimals, trailing zeros of the
 * fraction dropped (and the point when nothing is left after it), and "-0" written as "0".
 * Returns the length written, or 0 if `cap` is too small. */
static size_t fld_format(long double v, char *out, size_t cap) {
    int n = snprintf(out, cap, "%.17Lf", v);
    size_t len;

    if (n < 0 || (size_t)n + 1 > cap) return 0;
    len = (size_t)n;
    if (memchr(out, '.', len) != NULL) {
        while (len > 0 && out[len - 1] == '0') len--;
        if (len > 0 && out[len - 1] == '.') len--;
    }
    if (len == 2 && out[0] == '-' && out[1] == '0') {
        out[0] = '0';
        len = 1;
    }
    return len;
}

/* Adds `incr` to `cur` (both decimal text) and writes the formatted sum into `out`.
 * Returns 0 on success with the length in *out_len, 1 if `cur` is not a number, 2 if `incr`
 * is not a number, 3 if the sum is NaN or infinite, 4 if `out` is too small. */
int ferrodis_ld_add(const char *cur, size_t cur_len, const char *incr, size_t incr_len,
                    char *out, size_t out_cap, size_t *out_len) {
    long double a, b, sum;
    size_t n;

    if (!fld_parse(cur, cur_len, &a)) return 1;
    if (!fld_parse(incr, incr_len, &b)) return 2;
    sum = a + b;
    if (isnan(sum) || isinf(sum)) return 3;
    n = fld_format(sum, out, out_cap);
    if (n == 0) return 4;
    *out_len = n;
    return 0;
}

/* Checks that `s` parses as a number under the rules of fld_parse. Returns 1 if it does. */
int ferrodis_ld_valid(const char *s, size_t len) {
    long double v;
    return fld_parse(s, len, &v);
}

/* Size of an output buffer that always suffices for ferrodis_ld_add. */
size_t ferrodis_ld_out_cap(void) {
    return FLD_MAX_CHARS;
}
