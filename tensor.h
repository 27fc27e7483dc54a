/* tensor.h - rsedit's numerical core: errors, arenas, RNG, threads, SIMD
   kernels, float32 tensors and reverse-mode autograd on a tape.

   Included once, by rsedit.c (the one translation unit), and its kernels
   again by itself, once per extra instruction set (7.2); every function
   here is static and prefixed rse__. It knows nothing of images, files or
   models.

   Reading order:
     1. configuration (allocator, assert, threads)
     2. errors: status names, the last-error message, a tiny formatter
     3. checked size arithmetic
     4. arenas: one per lifetime, bump allocation, reset instead of free
     5. RNG: counter-based, so a stream never depends on the thread count
     6. threads: a small pool with deterministic static work splitting
     7. kernels: scalar references and SIMD versions (sgemm, conv2d),
        the SIMD ones compiled once per instruction set and chosen at run
        time (7.2, 7.8); bfloat16 products for the CLIP gradient (7.9)
     8. tensors and the tape
     9. ops: each forward next to its backward
    10. backward: the op table and the reverse sweep over the tape

   Conventions: shapes are written in comments as (N,C,H,W); outputs come first
   in kernel argument lists, then inputs, then sizes; backward kernels
   ACCUMULATE (+=) into gradients, as llm.c's do, so a tensor used twice gets
   the sum of both contributions.
*/
/* The file is read more than once (7.2): in full once, and its kernel part
   (7.2's vocabulary to 7.7) again for each further instruction set, with
   RSE__KPASS naming the set. RSE__TENSOR_BODY marks the full reading. */
#if !defined(RSE_TENSOR_H) && !defined(RSE__KPASS)
#define RSE_TENSOR_H
#define RSE__TENSOR_BODY

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <string.h>
#include <limits.h>
#include <float.h>
#include <math.h>
#include <stdlib.h> /* abort, and malloc/free unless RSE_MALLOC is given */

/* ===========================================================================
   1. Configuration
   ========================================================================= */

/* The allocator: all three or none, as in stb. */
#if defined(RSE_MALLOC) && defined(RSE_FREE) && defined(RSE_REALLOC)
/* ok: all three supplied */
#elif !defined(RSE_MALLOC) && !defined(RSE_FREE) && !defined(RSE_REALLOC)
#include <stdlib.h>
#define RSE_MALLOC(sz) malloc(sz)
#define RSE_REALLOC(p, sz) realloc(p, sz)
#define RSE_FREE(p) free(p)
#else
#error "rsedit: define all of RSE_MALLOC, RSE_REALLOC and RSE_FREE, or none"
#endif

#if defined(__GNUC__) || defined(__clang__)
#define RSE__UNUSED __attribute__((unused))
#define RSE__LIKELY(x) __builtin_expect(!!(x), 1)
#define RSE__UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define RSE__UNUSED
#define RSE__LIKELY(x) (x)
#define RSE__UNLIKELY(x) (x)
#endif

/* Every internal function is static. Some are used only by some builds (the
   CLI, the tests, a vendoring project), so they are marked maybe-unused. */
#define RSE__FN static RSE__UNUSED

/* Thread-local storage for the last-error message. */
#if defined(RSE_NO_THREADS)
#define RSE__TLS
#elif defined(__GNUC__) || defined(__clang__)
#define RSE__TLS __thread
#elif defined(_MSC_VER)
#define RSE__TLS __declspec(thread)
#else
#define RSE__TLS
#endif

/* The assertion hook: for broken invariants only, never for bad input. */
static rse_abort_hook rse__abort_hook_fn = 0;
RSEDEF void rse_set_abort_hook(rse_abort_hook hook) { rse__abort_hook_fn = hook; }

RSE__FN void rse__assert_fail(const char *file, int line, const char *expr) {
    if (rse__abort_hook_fn) { rse__abort_hook_fn(file, line, expr); return; }
    (void)file; (void)line; (void)expr;
    abort();
}
#ifndef RSE_ASSERT
#define RSE_ASSERT(x) ((x) ? (void)0 : rse__assert_fail(__FILE__, __LINE__, #x))
#endif

/* Largest thread count the pool accepts. */
#ifndef RSE_MAX_THREADS
#define RSE_MAX_THREADS 64
#endif

/* Memory alignment of every arena allocation: a cache line, which is also
   enough for any SIMD load (AVX-512 needs 64). */
#define RSE__ALIGN 64

/* ===========================================================================
   2. Errors
   ========================================================================= */

RSEDEF const char *rse_status_str(rse_status s) {
    switch (s) {
    case RSE_STATUS_OK:          return "ok";
    case RSE_STATUS_NOMEM:       return "out of memory";
    case RSE_STATUS_IO:          return "i/o error";
    case RSE_STATUS_BAD_FORMAT:  return "bad format";
    case RSE_STATUS_TRUNCATED:   return "truncated input";
    case RSE_STATUS_UNSUPPORTED: return "unsupported";
    case RSE_STATUS_LIMIT:       return "size limit exceeded";
    case RSE_STATUS_BAD_ARG:     return "bad argument";
    case RSE_STATUS_INTERNAL:    return "internal error";
    }
    return "unknown status";
}

#define RSE__ERRLEN 512
static RSE__TLS char rse__errmsg[RSE__ERRLEN];

RSEDEF const char *rse_last_error(void) { return rse__errmsg; }
RSEDEF void rse_clear_error(void) { rse__errmsg[0] = 0; }

/* A tiny vsnprintf, so the core needs no stdio. It knows what the messages
   use: %% %c %s %d %i %u %x, the l / ll / z length modifiers, and %g (six
   significant digits). Output is always NUL-terminated and cut at cap-1. */
typedef struct { char *p; size_t n, cap; } rse__sbuf;

RSE__FN void rse__sput(rse__sbuf *b, char c) {
    if (b->n + 1 < b->cap) b->p[b->n] = c;
    b->n++;
}
RSE__FN void rse__sputs(rse__sbuf *b, const char *s) {
    if (!s) s = "(null)";
    while (*s) rse__sput(b, *s++);
}
RSE__FN void rse__sput_u64(rse__sbuf *b, uint64_t v, unsigned base) {
    char tmp[24];
    int n = 0;
    do { tmp[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    while (n) rse__sput(b, tmp[--n]);
}
RSE__FN void rse__sput_g(rse__sbuf *b, double v) {
    /* %g with 6 significant digits: fixed notation for 1e-4 <= |v| < 1e6,
       else d.ddddde+XX. Good enough for error messages and logs. */
    int e = 0, i, ndig;
    double m;
    uint64_t digits;
    char tmp[8];
    if (v != v) { rse__sputs(b, "nan"); return; }
    if (v < 0) { rse__sput(b, '-'); v = -v; }
    if (v > DBL_MAX) { rse__sputs(b, "inf"); return; }
    if (v == 0) { rse__sput(b, '0'); return; }
    m = v;
    while (m >= 10) { m /= 10; e++; }
    while (m < 1) { m *= 10; e--; }
    digits = (uint64_t)(m * 100000.0 + 0.5); /* 6 digits: d.ddddd */
    if (digits >= 1000000) { digits /= 10; e++; }
    for (i = 5; i >= 0; i--) { tmp[i] = (char)('0' + digits % 10); digits /= 10; }
    ndig = 6;
    while (ndig > 1 && tmp[ndig - 1] == '0') ndig--;
    if (e >= -4 && e < 6) {
        if (e < 0) {
            rse__sputs(b, "0.");
            for (i = -1; i > e; i--) rse__sput(b, '0');
            for (i = 0; i < ndig; i++) rse__sput(b, tmp[i]);
        } else {
            for (i = 0; i <= e; i++) rse__sput(b, i < ndig ? tmp[i] : '0');
            if (ndig > e + 1) {
                rse__sput(b, '.');
                for (i = e + 1; i < ndig; i++) rse__sput(b, tmp[i]);
            }
        }
    } else {
        rse__sput(b, tmp[0]);
        if (ndig > 1) {
            rse__sput(b, '.');
            for (i = 1; i < ndig; i++) rse__sput(b, tmp[i]);
        }
        rse__sput(b, 'e');
        rse__sput(b, e < 0 ? '-' : '+');
        if (e < 0) e = -e;
        if (e < 10) rse__sput(b, '0');
        rse__sput_u64(b, (uint64_t)e, 10);
    }
}

RSE__FN size_t rse__vfmt(char *dst, size_t cap, const char *fmt, va_list ap) {
    rse__sbuf b;
    b.p = dst; b.n = 0; b.cap = cap;
    for (; *fmt; fmt++) {
        int lng = 0, sz = 0;
        if (*fmt != '%') { rse__sput(&b, *fmt); continue; }
        fmt++;
        while (*fmt == 'l') { lng++; fmt++; }
        if (*fmt == 'z') { sz = 1; fmt++; }
        switch (*fmt) {
        case '%': rse__sput(&b, '%'); break;
        case 'c': rse__sput(&b, (char)va_arg(ap, int)); break;
        case 's': rse__sputs(&b, va_arg(ap, const char *)); break;
        case 'g': case 'f': rse__sput_g(&b, va_arg(ap, double)); break;
        case 'd': case 'i': {
            long long v = sz ? (long long)va_arg(ap, size_t)
                        : lng >= 2 ? va_arg(ap, long long)
                        : lng == 1 ? (long long)va_arg(ap, long)
                        : (long long)va_arg(ap, int);
            if (v < 0) { rse__sput(&b, '-'); rse__sput_u64(&b, (uint64_t)0 - (uint64_t)v, 10); }
            else rse__sput_u64(&b, (uint64_t)v, 10);
            break;
        }
        case 'u': case 'x': {
            unsigned long long v = sz ? (unsigned long long)va_arg(ap, size_t)
                                 : lng >= 2 ? va_arg(ap, unsigned long long)
                                 : lng == 1 ? (unsigned long long)va_arg(ap, unsigned long)
                                 : (unsigned long long)va_arg(ap, unsigned int);
            rse__sput_u64(&b, (uint64_t)v, *fmt == 'x' ? 16u : 10u);
            break;
        }
        case 0: fmt--; break; /* lone '%' at the end */
        default: rse__sput(&b, '%'); rse__sput(&b, *fmt); break;
        }
    }
    if (cap) b.p[b.n < cap ? b.n : cap - 1] = 0;
    return b.n;
}

RSE__FN size_t rse__fmt(char *dst, size_t cap, const char *fmt, ...) {
    va_list ap;
    size_t n;
    va_start(ap, fmt);
    n = rse__vfmt(dst, cap, fmt, ap);
    va_end(ap);
    return n;
}

/* Records a failure and returns its status, so call sites read
       return rse__fail(RSE_STATUS_BAD_FORMAT, "%s: bad maxval %d", name, v); */
RSE__FN rse_status rse__fail(rse_status st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rse__vfmt(rse__errmsg, RSE__ERRLEN, fmt, ap);
    va_end(ap);
    return st;
}

/* Prefixes the current message with "what: ", used by outer layers to add the
   file name to an error raised deep inside a parser. */
RSE__FN rse_status rse__fail_prefix(rse_status st, const char *what) {
    char tmp[RSE__ERRLEN];
    memcpy(tmp, rse__errmsg, RSE__ERRLEN);
    rse__fmt(rse__errmsg, RSE__ERRLEN, "%s: %s", what, tmp);
    return st;
}

/* ===========================================================================
   3. Checked size arithmetic
   Every size that comes from a file or a user goes through these before it
   reaches an allocator or an index. They return 1 when the result fits.
   ========================================================================= */

RSE__FN int rse__mul_ok(size_t a, size_t b, size_t *out) {
    if (a != 0 && b > SIZE_MAX / a) return 0;
    *out = a * b;
    return 1;
}
RSE__FN int rse__add_ok(size_t a, size_t b, size_t *out) {
    if (b > SIZE_MAX - a) return 0;
    *out = a + b;
    return 1;
}
/* a*b*c*d, all non-negative ints, in size_t. */
RSE__FN int rse__mul4_ok(size_t a, size_t b, size_t c, size_t d, size_t *out) {
    size_t x;
    return rse__mul_ok(a, b, &x) && rse__mul_ok(x, c, &x) && rse__mul_ok(x, d, out);
}

/* ===========================================================================
   3b. Bounded reading and checksums
   Every parser of outside data (images, checkpoints, archives, pickles,
   vocabularies) reads through rse__cursor: reads past the end return 0 and
   set a flag, so a hostile length can make a parse fail but never read
   outside the buffer.
   ========================================================================= */

typedef struct rse__cursor {
    const unsigned char *start, *p, *end;
    int truncated; /* set by any read past the end */
} rse__cursor;

RSE__FN void rse__cur_init(rse__cursor *c, const void *buf, size_t len) {
    c->start = c->p = (const unsigned char *)buf;
    c->end = c->start + (buf ? len : 0);
    c->truncated = 0;
}
RSE__FN size_t rse__cur_left(const rse__cursor *c) { return (size_t)(c->end - c->p); }
RSE__FN size_t rse__cur_pos(const rse__cursor *c) { return (size_t)(c->p - c->start); }

RSE__FN unsigned rse__get8(rse__cursor *c) {
    if (c->p < c->end) return *c->p++;
    c->truncated = 1;
    return 0;
}
/* The next byte without consuming it, or -1 at the end (text parsing). */
RSE__FN int rse__peek8(const rse__cursor *c) { return c->p < c->end ? *c->p : -1; }

RSE__FN unsigned rse__get16be(rse__cursor *c) {
    unsigned hi = rse__get8(c);
    return (hi << 8) | rse__get8(c);
}
RSE__FN unsigned rse__get16le(rse__cursor *c) {
    unsigned lo = rse__get8(c);
    return lo | (rse__get8(c) << 8);
}
RSE__FN uint32_t rse__get32le(rse__cursor *c) {
    uint32_t lo = rse__get16le(c);
    return lo | ((uint32_t)rse__get16le(c) << 16);
}
RSE__FN void rse__skip(rse__cursor *c, size_t n) {
    if (n > rse__cur_left(c)) { c->p = c->end; c->truncated = 1; }
    else c->p += n;
}
/* Moves to an absolute offset; past the end it stops at the end, truncated. */
RSE__FN void rse__seek(rse__cursor *c, size_t off) {
    c->p = c->start;
    rse__skip(c, off);
}

/* Little-endian loads. Byte by byte, so they work at any alignment and on
   any host byte order.  */

RSE__FN uint32_t rse__ff_le16(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}
RSE__FN uint32_t rse__ff_le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
RSE__FN uint64_t rse__ff_le64(const unsigned char *p) {
    return (uint64_t)rse__ff_le32(p) | (uint64_t)rse__ff_le32(p + 4) << 32;
}

/* CRC-32 (ISO-HDLC, the one zip, gzip and PNG use) and Adler-32 (zlib).
   CRC-32 is computed "slice by 8": eight 256-entry tables let the loop fold
   eight input bytes per step, about 1-2 GB/s, so verifying every entry of a
   600 MB checkpoint costs well under a second. The tables are built by the
   caller (8 KB, a few microseconds) instead of lazily into a global, which
   would be a data race when two threads load at once.  */

typedef struct rse__crc32_tab { uint32_t t[8][256]; } rse__crc32_tab;

RSE__FN void rse__crc32_init(rse__crc32_tab *T) {
    uint32_t n, k, c;
    for (n = 0; n < 256; n++) {
        c = n;
        for (k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        T->t[0][n] = c;
    }
    /* t[k][n] = CRC of byte n followed by k zero bytes. */
    for (n = 0; n < 256; n++) {
        c = T->t[0][n];
        for (k = 1; k < 8; k++) { c = T->t[0][c & 0xff] ^ (c >> 8); T->t[k][n] = c; }
    }
}

/* crc is the CRC of the bytes so far (0 to start). */
RSE__FN uint32_t rse__crc32_update(const rse__crc32_tab *T, uint32_t crc, const unsigned char *p, size_t n) {
    crc = ~crc;
    while (n >= 8) {
        uint32_t a = crc ^ rse__ff_le32(p), b = rse__ff_le32(p + 4);
        crc = T->t[7][a & 0xff] ^ T->t[6][(a >> 8) & 0xff] ^ T->t[5][(a >> 16) & 0xff] ^ T->t[4][a >> 24]
            ^ T->t[3][b & 0xff] ^ T->t[2][(b >> 8) & 0xff] ^ T->t[1][(b >> 16) & 0xff] ^ T->t[0][b >> 24];
        p += 8; n -= 8;
    }
    while (n--) crc = T->t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* One-shot CRC-32 with a table on the stack. */
RSE__FN uint32_t rse__crc32(const void *p, size_t n) {
    rse__crc32_tab T;
    rse__crc32_init(&T);
    return rse__crc32_update(&T, 0, (const unsigned char *)p, n);
}

/* Adler-32, continuing from adler (1 to start). 5552 is the largest block
   length for which the sums cannot overflow 32 bits before the modulo. */
RSE__FN uint32_t rse__adler32(uint32_t adler, const unsigned char *p, size_t n) {
    uint32_t a = adler & 0xffff, b = adler >> 16;
    while (n) {
        size_t k = n < 5552 ? n : 5552;
        n -= k;
        while (k--) { a += *p++; b += a; }
        a %= 65521u; b %= 65521u;
    }
    return b << 16 | a;
}

/* SHA-256 (FIPS 180-4), for the sidecar that records exactly which model
   and CLIP files an edit used. Streaming: init, update any number of
   times, final. */
typedef struct rse__sha256 {
    uint32_t h[8];
    uint64_t len;           /* bytes so far */
    unsigned char buf[64];
    size_t n;               /* bytes waiting in buf */
} rse__sha256;

static const uint32_t rse__sha256_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u };

#define RSE__ROR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

RSE__FN void rse__sha256_block(rse__sha256 *s, const unsigned char *p) {
    uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
    int i;
    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (i = 16; i < 64; i++) {
        uint32_t s0 = RSE__ROR32(w[i - 15], 7) ^ RSE__ROR32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = RSE__ROR32(w[i - 2], 17) ^ RSE__ROR32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
    e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
    for (i = 0; i < 64; i++) {
        t1 = h + (RSE__ROR32(e, 6) ^ RSE__ROR32(e, 11) ^ RSE__ROR32(e, 25)) + ((e & f) ^ (~e & g)) + rse__sha256_k[i] + w[i];
        t2 = (RSE__ROR32(a, 2) ^ RSE__ROR32(a, 13) ^ RSE__ROR32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
    s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

RSE__FN void rse__sha256_init(rse__sha256 *s) {
    static const uint32_t iv[8] = { 0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                    0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u };
    memcpy(s->h, iv, sizeof iv);
    s->len = 0;
    s->n = 0;
}

RSE__FN void rse__sha256_update(rse__sha256 *s, const void *data, size_t n) {
    const unsigned char *p = (const unsigned char *)data;
    s->len += n;
    while (n) {
        size_t k = 64 - s->n < n ? 64 - s->n : n;
        memcpy(s->buf + s->n, p, k);
        s->n += k; p += k; n -= k;
        if (s->n == 64) { rse__sha256_block(s, s->buf); s->n = 0; }
    }
}

/* The digest as 64 lowercase hex digits and a NUL. */
RSE__FN void rse__sha256_hex(rse__sha256 *s, char out[65]) {
    uint64_t bits = s->len * 8;
    unsigned char pad = 0x80, z = 0, lenb[8];
    int i;
    rse__sha256_update(s, &pad, 1);
    while (s->n != 56) rse__sha256_update(s, &z, 1);
    for (i = 0; i < 8; i++) lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
    rse__sha256_update(s, lenb, 8);
    for (i = 0; i < 32; i++) {
        unsigned v = (s->h[i / 4] >> (24 - 8 * (i % 4))) & 0xffu;
        out[2 * i] = "0123456789abcdef"[v >> 4];
        out[2 * i + 1] = "0123456789abcdef"[v & 15];
    }
    out[64] = 0;
}

#if !defined(RSE_NO_CLIP) || !defined(RSE_NO_PNG_READ) || !defined(RSE_NO_TIFF)

/* ===========================================================================
   3c. Inflate (RFC 1951) and zlib (RFC 1950)
   Here rather than in clip.c because three readers use it: clip.c's zip,
   gzip and checkpoint readers, and rsedit.c's PNG and TIFF (Deflate)
   readers. Absent only when all are left out (RSE_NO_CLIP with
   RSE_NO_PNG_READ and RSE_NO_TIFF).

   A deflate stream is a sequence of blocks: stored (raw bytes), or Huffman
   coded with either the fixed code or a code sent at the start of the block
   (dynamic). Literals and (length, distance) back-references share one
   alphabet of 288 symbols; distances have their own of 32.

   Decoding uses a 10-bit lookup table for short codes (almost all symbols)
   and a canonical bit-at-a-time walk for the rare longer ones. Bits come
   from a 64-bit buffer refilled byte by byte; past the end of the input it
   is padded with zero bits that are counted, so reading them is reported as
   truncation rather than producing garbage.
   ------------------------------------------------------------------------- */

#define RSE__INF_FAST 10              /* bits resolved by one table lookup */
#define RSE__INF_MAXBITS 15           /* longest deflate code */

typedef struct rse__huff {
    /* fast[peek] = symbol | length << 12 for codes of <= RSE__INF_FAST bits,
       0 when the code is longer (or absent: incomplete tree). */
    uint16_t fast[1 << RSE__INF_FAST];
    uint16_t count[RSE__INF_MAXBITS + 1]; /* number of codes of each length */
    uint16_t symbol[288];                  /* symbols in canonical code order */
} rse__huff;

typedef struct rse__inflator {
    const unsigned char *in;
    size_t in_len, pos;   /* next input byte to load into the bit buffer */
    uint64_t bb;          /* bit buffer, next bit in bit 0 */
    int nb;               /* bits in bb */
    int pad;              /* how many of the top bits of bb are padding */
    unsigned char *out;   /* output so far: out[0..out_len) */
    size_t out_len, out_cap, max_out;
    int can_grow;         /* 1: out is RSE_MALLOC'ed and may be reallocated */
} rse__inflator;

RSE__FN void rse__inf_refill(rse__inflator *s) {
    while (s->nb <= 56) {
        if (s->pos < s->in_len) s->bb |= (uint64_t)s->in[s->pos++] << s->nb;
        else s->pad += 8; /* zero bits beyond the end of the input */
        s->nb += 8;
    }
}

/* Drops n bits; fails if any of them was padding (the input ended). */
RSE__FN int rse__inf_drop(rse__inflator *s, int n) {
    s->bb >>= n;
    s->nb -= n;
    return s->nb >= s->pad;
}

RSE__FN rse_status rse__inf_truncated(void) {
    return rse__fail(RSE_STATUS_TRUNCATED, "inflate: compressed data ends early");
}

/* n <= 32 bits, least significant first. */
RSE__FN rse_status rse__inf_bits(rse__inflator *s, int n, uint32_t *v) {
    if (s->nb < n) rse__inf_refill(s);
    *v = (uint32_t)(s->bb & (((uint64_t)1 << n) - 1));
    return rse__inf_drop(s, n) ? RSE_STATUS_OK : rse__inf_truncated();
}

RSE__FN uint32_t rse__inf_rev(uint32_t code, int len) {
    uint32_t r = 0;
    while (len--) { r = r << 1 | (code & 1); code >>= 1; }
    return r;
}

/* Builds the decoding tables from code lengths len[0..n). An over-subscribed
   set (more codes than the bit patterns allow) is always an error. An
   incomplete set is accepted only when it is a single code of length 1
   (the RFC allows one distance code), except for the code-length code
   (complete = 1), which must be complete, as in zlib. An empty set is
   accepted here; decoding with it then fails. */
RSE__FN rse_status rse__huff_build(rse__huff *h, const uint8_t *len, int n, int complete, const char *what) {
    uint16_t offs[RSE__INF_MAXBITS + 2];
    int i, l, left = 1, maxlen = 0;
    uint32_t code;
    memset(h->count, 0, sizeof h->count);
    memset(h->fast, 0, sizeof h->fast);
    for (i = 0; i < n; i++) h->count[len[i]]++;
    h->count[0] = 0;
    for (l = 1; l <= RSE__INF_MAXBITS; l++) {
        left <<= 1;
        left -= h->count[l];
        if (left < 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: over-subscribed %s code", what);
        if (h->count[l]) maxlen = l;
    }
    if (left > 0 && maxlen > 0 && (complete || maxlen != 1))
        return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: incomplete %s code", what);
    if (maxlen == 0 && complete)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: empty %s code", what);
    offs[1] = 0;
    for (l = 1; l <= RSE__INF_MAXBITS; l++) offs[l + 1] = (uint16_t)(offs[l] + h->count[l]);
    for (i = 0; i < n; i++) if (len[i]) h->symbol[offs[len[i]]++] = (uint16_t)i;
    /* Canonical codes in order: fill every fast slot whose low l bits are
       the (bit-reversed, since deflate sends codes MSB first) code. */
    code = 0;
    i = 0;
    for (l = 1; l <= RSE__INF_MAXBITS; l++) {
        int k;
        for (k = 0; k < h->count[l]; k++, i++, code++) {
            if (l <= RSE__INF_FAST) {
                uint32_t r = rse__inf_rev(code, l), step = (uint32_t)1 << l;
                for (; r < (1u << RSE__INF_FAST); r += step)
                    h->fast[r] = (uint16_t)(h->symbol[i] | l << 12);
            }
        }
        code <<= 1;
    }
    return RSE_STATUS_OK;
}

/* Decodes one symbol. */
RSE__FN rse_status rse__huff_decode(rse__inflator *s, const rse__huff *h, int *sym) {
    uint32_t e;
    if (s->nb < RSE__INF_MAXBITS) rse__inf_refill(s);
    e = h->fast[s->bb & ((1u << RSE__INF_FAST) - 1)];
    if (e) {
        *sym = e & 0xfff;
        return rse__inf_drop(s, (int)(e >> 12)) ? RSE_STATUS_OK : rse__inf_truncated();
    }
    {   /* Long code: walk the canonical code one bit at a time (as in
           zlib's puff): codes of length l are the count[l] values following
           the last code of length l-1. */
        int l, first = 0, index = 0, code = 0;
        for (l = 1; l <= RSE__INF_MAXBITS; l++) {
            int cnt = h->count[l];
            code |= (int)((s->bb >> (l - 1)) & 1);
            if (code - cnt < first) {
                *sym = h->symbol[index + (code - first)];
                return rse__inf_drop(s, l) ? RSE_STATUS_OK : rse__inf_truncated();
            }
            index += cnt;
            first = (first + cnt) << 1;
            code <<= 1;
        }
    }
    /* No code matched: the tree is incomplete and the input used a hole. */
    if (s->nb - s->pad < RSE__INF_MAXBITS) return rse__inf_truncated();
    return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: invalid Huffman code");
}

/* Makes room for n more output bytes. */
RSE__FN rse_status rse__inf_reserve(rse__inflator *s, size_t n) {
    size_t need, cap;
    unsigned char *p;
    if (!rse__add_ok(s->out_len, n, &need) || need > s->max_out)
        return rse__fail(RSE_STATUS_LIMIT, "inflate: output exceeds the limit of %zu bytes", s->max_out);
    if (need <= s->out_cap) return RSE_STATUS_OK;
    if (!s->can_grow)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: more output than the expected %zu bytes", s->out_cap);
    cap = s->out_cap < 4096 ? 4096 : s->out_cap;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > s->max_out) cap = s->max_out;
    p = (unsigned char *)RSE_REALLOC(s->out, cap);
    if (!p) return rse__fail(RSE_STATUS_NOMEM, "inflate: out of memory for %zu bytes of output", cap);
    s->out = p;
    s->out_cap = cap;
    return RSE_STATUS_OK;
}

static const uint16_t rse__inf_len_base[29] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t rse__inf_len_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t rse__inf_dist_base[30] = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t rse__inf_dist_extra[30] = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
    7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* The body of a Huffman block, up to and including end-of-block (256). */
RSE__FN rse_status rse__inf_codes(rse__inflator *s, const rse__huff *lit, const rse__huff *dist) {
    rse_status st;
    for (;;) {
        int sym = 0; /* set by rse__huff_decode on success; 0 keeps -O3 quiet */
        if ((st = rse__huff_decode(s, lit, &sym)) != RSE_STATUS_OK) return st;
        if (sym < 256) {
            if (s->out_len == s->out_cap && (st = rse__inf_reserve(s, 1)) != RSE_STATUS_OK) return st;
            if (s->out_len >= s->max_out) return rse__inf_reserve(s, 1);
            s->out[s->out_len++] = (unsigned char)sym;
        } else if (sym == 256) {
            return RSE_STATUS_OK;
        } else {
            uint32_t extra, len, d;
            int dsym;
            size_t from, i;
            sym -= 257;
            if (sym >= 29) return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: invalid length symbol %d", sym + 257);
            if ((st = rse__inf_bits(s, rse__inf_len_extra[sym], &extra)) != RSE_STATUS_OK) return st;
            len = rse__inf_len_base[sym] + extra;
            if ((st = rse__huff_decode(s, dist, &dsym)) != RSE_STATUS_OK) return st;
            if (dsym >= 30) return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: invalid distance symbol %d", dsym);
            if ((st = rse__inf_bits(s, rse__inf_dist_extra[dsym], &extra)) != RSE_STATUS_OK) return st;
            d = rse__inf_dist_base[dsym] + extra;
            /* No preset dictionary: a match may only reach back into what
               this stream has produced. */
            if (d > s->out_len)
                return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: distance %u too far back (only %zu bytes out)",
                                 (unsigned)d, s->out_len);
            if ((st = rse__inf_reserve(s, len)) != RSE_STATUS_OK) return st;
            /* Byte by byte: source and destination overlap when d < len,
               which is how deflate encodes runs. */
            from = s->out_len - d;
            for (i = 0; i < len; i++) s->out[s->out_len + i] = s->out[from + i];
            s->out_len += len;
        }
    }
}

RSE__FN rse_status rse__inf_stored(rse__inflator *s) {
    size_t avail;
    uint32_t len, nlen;
    rse_status st;
    /* Skip the rest of the current byte, put back the whole input bytes
       still in the bit buffer, and read LEN, NLEN and the data straight from
       the input. Padding bits are whole bytes at the top of the buffer, so
       the partial byte dropped here is always real input. */
    s->bb >>= s->nb % 8;
    s->nb -= s->nb % 8;
    avail = (size_t)((s->nb - s->pad) / 8);
    s->pos -= avail;
    s->bb = 0; s->nb = 0; s->pad = 0;
    if (s->in_len - s->pos < 4) return rse__inf_truncated();
    len = rse__ff_le16(s->in + s->pos);
    nlen = rse__ff_le16(s->in + s->pos + 2);
    s->pos += 4;
    if (len != (~nlen & 0xffff))
        return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: stored block length %u does not match its complement",
                         (unsigned)len);
    if (s->in_len - s->pos < len) return rse__inf_truncated();
    if ((st = rse__inf_reserve(s, len)) != RSE_STATUS_OK) return st;
    if (len) memcpy(s->out + s->out_len, s->in + s->pos, len);
    s->out_len += len;
    s->pos += len;
    return RSE_STATUS_OK;
}

/* Code-length alphabet order (RFC 1951 3.2.7). */
static const uint8_t rse__inf_clen_order[19] = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

RSE__FN rse_status rse__inf_dynamic(rse__inflator *s, rse__huff *lit, rse__huff *dist) {
    uint8_t lens[286 + 30];
    uint32_t hlit, hdist, hclen, v;
    int i, n;
    rse_status st;
    if ((st = rse__inf_bits(s, 5, &hlit)) || (st = rse__inf_bits(s, 5, &hdist)) ||
        (st = rse__inf_bits(s, 4, &hclen)))
        return st;
    hlit += 257; hdist += 1; hclen += 4;
    if (hlit > 286 || hdist > 30)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: too many length (%u) or distance (%u) symbols",
                         (unsigned)hlit, (unsigned)hdist);
    memset(lens, 0, sizeof lens);
    for (i = 0; i < (int)hclen; i++) {
        if ((st = rse__inf_bits(s, 3, &v))) return st;
        lens[rse__inf_clen_order[i]] = (uint8_t)v;
    }
    /* The code-length code is reused from the literal table's storage. */
    if ((st = rse__huff_build(lit, lens, 19, 1, "code-length"))) return st;
    n = (int)(hlit + hdist);
    memset(lens, 0, sizeof lens);
    for (i = 0; i < n;) {
        int sym, rep;
        uint8_t val = 0;
        if ((st = rse__huff_decode(s, lit, &sym))) return st;
        if (sym < 16) { lens[i++] = (uint8_t)sym; continue; }
        if (sym == 16) {
            if (i == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: repeat with no previous length");
            val = lens[i - 1];
            if ((st = rse__inf_bits(s, 2, &v))) return st;
            rep = 3 + (int)v;
        } else if (sym == 17) {
            if ((st = rse__inf_bits(s, 3, &v))) return st;
            rep = 3 + (int)v;
        } else {
            if ((st = rse__inf_bits(s, 7, &v))) return st;
            rep = 11 + (int)v;
        }
        if (i + rep > n) return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: code lengths overflow the alphabet");
        while (rep--) lens[i++] = val;
    }
    if (lens[256] == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: no end-of-block code");
    if ((st = rse__huff_build(lit, lens, (int)hlit, 0, "literal/length"))) return st;
    return rse__huff_build(dist, lens + hlit, (int)hdist, 0, "distance");
}

RSE__FN rse_status rse__inf_fixed(rse__huff *lit, rse__huff *dist) {
    uint8_t l[288];
    int i;
    rse_status st;
    for (i = 0; i < 144; i++) l[i] = 8;
    for (; i < 256; i++) l[i] = 9;
    for (; i < 280; i++) l[i] = 7;
    for (; i < 288; i++) l[i] = 8;
    if ((st = rse__huff_build(lit, l, 288, 0, "fixed literal"))) return st;
    /* 32 five-bit codes make a complete tree; 30 and 31 are rejected when
       decoded. */
    for (i = 0; i < 32; i++) l[i] = 5;
    return rse__huff_build(dist, l, 32, 0, "fixed distance");
}

/* Runs the block loop over s->in from s->pos to the final block. On return
   s->pos is the first input byte after the stream. */
RSE__FN rse_status rse__inf_run(rse__inflator *s) {
    rse__huff lit, dist;
    rse_status st;
    uint32_t last, type;
    do {
        if ((st = rse__inf_bits(s, 1, &last)) || (st = rse__inf_bits(s, 2, &type))) return st;
        if (type == 0) st = rse__inf_stored(s);
        else if (type == 1) {
            if (!(st = rse__inf_fixed(&lit, &dist))) st = rse__inf_codes(s, &lit, &dist);
        } else if (type == 2) {
            if (!(st = rse__inf_dynamic(s, &lit, &dist))) st = rse__inf_codes(s, &lit, &dist);
        } else st = rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: invalid block type 3");
        if (st) return st;
    } while (!last);
    /* Give back the whole unused bytes of the bit buffer (the rest of the
       current byte is padding of the deflate stream). */
    s->pos -= (size_t)((s->nb - s->pad) / 8);
    s->bb = 0; s->nb = 0; s->pad = 0;
    return RSE_STATUS_OK;
}

/* Raw deflate into a growable buffer. *out (may be NULL) is RSE_MALLOC'ed
   memory that is reallocated as needed; on success *out_len bytes are valid
   and *consumed is the length of the stream in `in`. On failure *out is
   freed. max_out caps the output (a 1 KB stream can expand to 1 GB). */
RSE__FN rse_status rse__inflate(const void *in, size_t in_len, size_t *consumed,
                                unsigned char **out, size_t *out_len, size_t max_out) {
    rse__inflator s;
    rse_status st;
    memset(&s, 0, sizeof s);
    s.in = (const unsigned char *)in; s.in_len = in_len;
    s.out = *out; s.out_len = *out_len; s.out_cap = *out_len; s.max_out = max_out; s.can_grow = 1;
    st = rse__inf_run(&s);
    if (st) { RSE_FREE(s.out); *out = 0; *out_len = 0; return st; }
    *out = s.out; *out_len = s.out_len;
    if (consumed) *consumed = s.pos;
    return RSE_STATUS_OK;
}

/* Raw deflate into a fixed buffer that must be filled exactly (the size is
   known, as in a zip entry). */
RSE__FN rse_status rse__inflate_exact(const void *in, size_t in_len, size_t *consumed,
                                      unsigned char *out, size_t out_len) {
    rse__inflator s;
    rse_status st;
    memset(&s, 0, sizeof s);
    s.in = (const unsigned char *)in; s.in_len = in_len;
    /* No limit error: overflowing the buffer means the size was wrong. */
    s.out = out; s.out_cap = out_len; s.max_out = SIZE_MAX; s.can_grow = 0;
    if ((st = rse__inf_run(&s))) return st;
    if (s.out_len != out_len)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: %zu bytes of output, expected %zu", s.out_len, out_len);
    if (consumed) *consumed = s.pos;
    return RSE_STATUS_OK;
}

/* A zlib stream (RFC 1950) is a 2-byte header (deflate, a window of at
   most 32 KB, check bits, no preset dictionary), the deflate data, and the
   big-endian Adler-32 of the output. The header of p[0..len): */
RSE__FN rse_status rse__zlib_header(const unsigned char *p, size_t len) {
    if (len < 6) return rse__fail(RSE_STATUS_TRUNCATED, "zlib: stream ends early");
    if ((p[0] & 15) != 8 || (p[0] >> 4) > 7)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "zlib: bad header (method %u, window %u)", (unsigned)(p[0] & 15), (unsigned)(p[0] >> 4));
    if ((p[0] * 256u + p[1]) % 31 != 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "zlib: header check failed");
    if (p[1] & 0x20) return rse__fail(RSE_STATUS_UNSUPPORTED, "zlib: preset dictionary not supported");
    return RSE_STATUS_OK;
}

/* The trailer at a (left bytes after the deflate data) against out[0..n). */
RSE__FN rse_status rse__zlib_trailer(const unsigned char *a, size_t left, const unsigned char *out, size_t n) {
    uint32_t want;
    if (left < 4) return rse__fail(RSE_STATUS_TRUNCATED, "zlib: Adler-32 missing");
    want = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
    if (rse__adler32(1, out, n) != want) return rse__fail(RSE_STATUS_BAD_FORMAT, "zlib: Adler-32 mismatch");
    return RSE_STATUS_OK;
}

/* Decompresses a zlib stream; what PNG IDAT data is. */
RSE__FN rse_status rse__zlib_decompress(const void *buf, size_t len, size_t *consumed,
                                        unsigned char **out, size_t *out_len, size_t max_out) {
    const unsigned char *p = (const unsigned char *)buf;
    size_t used = 0;
    rse_status st;
    *out = 0; *out_len = 0;
    if ((st = rse__zlib_header(p, len))) return st;
    if ((st = rse__inflate(p + 2, len - 2, &used, out, out_len, max_out))) return st;
    if ((st = rse__zlib_trailer(p + 2 + used, len - 2 - used, *out, *out_len))) {
        RSE_FREE(*out);
        *out = 0; *out_len = 0;
        return st;
    }
    if (consumed) *consumed = 2 + used + 4;
    return RSE_STATUS_OK;
}

/* A zlib stream into a buffer it must fill exactly (a TIFF strip or tile,
   whose size the header gives). */
RSE__FN rse_status rse__zlib_exact(const void *buf, size_t len, unsigned char *out, size_t need) {
    const unsigned char *p = (const unsigned char *)buf;
    size_t used = 0;
    rse_status st;
    if ((st = rse__zlib_header(p, len))) return st;
    if ((st = rse__inflate_exact(p + 2, len - 2, &used, out, need))) return st;
    return rse__zlib_trailer(p + 2 + used, len - 2 - used, out, need);
}

#endif /* !RSE_NO_CLIP || !RSE_NO_PNG_READ || !RSE_NO_TIFF */

/* ===========================================================================
   4. Arenas
   One arena per lifetime (a model's weights; one training or sampling step).
   Allocation bumps a pointer; nothing is freed piecemeal. An arena either
   owns a chain of blocks from RSE_MALLOC, grown on demand and merged into one
   block at the next reset (so a steady loop stops calling malloc after its
   first step), or uses one caller-supplied buffer and never grows.
   ========================================================================= */

typedef struct rse__block {
    struct rse__block *next;
    size_t cap;       /* usable bytes after the header */
    size_t used;
    unsigned char *mem; /* aligned start of the usable bytes */
} rse__block;

typedef struct rse__arena {
    rse__block *first, *cur;
    rse__block fixed;   /* the block header of a caller-supplied buffer */
    int can_grow;       /* 0 for a caller-supplied buffer */
    size_t used;        /* bytes handed out since the last reset */
    size_t peak;        /* high-water mark of used, for sizing */
    size_t min_block;   /* smallest block to malloc when growing */
} rse__arena;

typedef struct { rse__block *blk; size_t used, total; } rse_arena_mark;

/* buf == NULL: an owning, growing arena (cap is the first block's size, may
   be 0). Otherwise the arena lives in buf[0..cap) and never calls malloc. */
RSE__FN void rse__arena_init(rse__arena *a, void *buf, size_t cap) {
    memset(a, 0, sizeof *a);
    a->min_block = (size_t)1 << 20;
    if (buf) {
        uintptr_t p = (uintptr_t)buf, q = (p + RSE__ALIGN - 1) & ~(uintptr_t)(RSE__ALIGN - 1);
        size_t skip = (size_t)(q - p);
        a->fixed.mem = (unsigned char *)q;
        a->fixed.cap = cap > skip ? cap - skip : 0;
        a->first = a->cur = &a->fixed;
        a->can_grow = 0;
    } else {
        a->can_grow = 1;
        if (cap > a->min_block) a->min_block = cap;
    }
}

RSE__FN rse__block *rse__block_new(size_t cap) {
    size_t total;
    unsigned char *raw;
    rse__block *b;
    if (!rse__add_ok(cap, sizeof(rse__block) + RSE__ALIGN, &total)) return 0;
    raw = (unsigned char *)RSE_MALLOC(total);
    if (!raw) return 0;
    b = (rse__block *)raw;
    b->next = 0;
    b->cap = cap;
    b->used = 0;
    b->mem = (unsigned char *)(((uintptr_t)(raw + sizeof(rse__block)) + RSE__ALIGN - 1)
                               & ~(uintptr_t)(RSE__ALIGN - 1));
    return b;
}

#if defined(RSE_TESTING) && defined(RSE_ARENA_POISON)
/* Tests only (tests/test_poison.c and test_grad.c define RSE_ARENA_POISON
   beside RSE_TESTING): when nonzero, every allocation is filled with this
   value, so a kernel that reads scratch it has not written shows in its
   results (fresh pages from the system are zero, and a read of them would
   otherwise pass unnoticed). */
static float rse__arena_poison;
#endif

/* n bytes, 64-byte aligned, uninitialised; NULL (with a message) if the arena
   is full and cannot grow, or if n is absurd. */
RSE__FN void *rse__arena_alloc(rse__arena *a, size_t n) {
    size_t need;
    rse__block *b;
    if (!rse__add_ok(n, RSE__ALIGN - 1, &need)) goto fail;
    need &= ~(size_t)(RSE__ALIGN - 1);
    if (need == 0) need = RSE__ALIGN;
    b = a->cur;
    while (b && b->cap - b->used < need) {
        /* Blocks after cur were emptied by a release/reset: reuse them. */
        b = b->next;
        if (b) b->used = 0;
    }
    if (!b) {
        size_t cap;
        if (!a->can_grow) goto fail;
        cap = need > a->min_block ? need : a->min_block;
        b = rse__block_new(cap);
        if (!b) goto fail;
        if (a->cur) { b->next = a->cur->next; a->cur->next = b; }
        else { a->first = b; }
        a->min_block = a->min_block < ((size_t)1 << 30) ? a->min_block * 2 : a->min_block;
    }
    a->cur = b;
    {
        void *p = b->mem + b->used;
#if defined(RSE_TESTING) && defined(RSE_ARENA_POISON)
        if (rse__arena_poison != 0.0f) {
            size_t q;
            for (q = 0; q < need / sizeof(float); q++) ((float *)p)[q] = rse__arena_poison;
        }
#endif
        b->used += need;
        a->used += need;
        if (a->used > a->peak) a->peak = a->used;
        return p;
    }
fail:
    rse__fail(RSE_STATUS_NOMEM, "out of memory: arena could not provide %zu bytes", n);
    return 0;
}

/* count*size bytes, zeroed, with the product overflow-checked. */
RSE__FN void *rse__arena_calloc(rse__arena *a, size_t count, size_t size) {
    size_t n;
    void *p;
    if (!rse__mul_ok(count, size, &n)) {
        rse__fail(RSE_STATUS_LIMIT, "allocation of %zu x %zu bytes overflows", count, size);
        return 0;
    }
    p = rse__arena_alloc(a, n);
    if (p) memset(p, 0, n);
    return p;
}

RSE__FN rse_arena_mark rse__arena_get_mark(const rse__arena *a) {
    rse_arena_mark m;
    m.blk = a->cur;
    m.used = a->cur ? a->cur->used : 0;
    m.total = a->used;
    return m;
}

RSE__FN void rse__arena_free(rse__arena *a) {
    rse__block *b = a->first;
    if (a->can_grow) {
        while (b) { rse__block *n = b->next; RSE_FREE(b); b = n; }
    }
    a->first = a->cur = 0;
    a->used = 0;
}

/* Rewinds to empty. An owning arena that had to grow into several blocks is
   merged into one block as large as the peak, so the next lifetime of the
   same size fits without any allocation. */
RSE__FN void rse__arena_reset(rse__arena *a) {
    if (a->can_grow && a->first && a->first->next) {
        size_t peak = a->peak;
        rse__arena_free(a);
        a->first = a->cur = rse__block_new(peak);
        /* If that failed, the arena simply grows again on demand. */
    }
    if (a->first) a->first->used = 0;
    a->cur = a->first;
    a->used = 0;
}

/* Frees everything allocated after the mark (in LIFO order: scratch space).
   Released to empty, an arena that grew into several blocks is merged as
   at a reset. A scratch arena is released to empty between ops but never
   reset, and each time a request did not fit the rest of a block it moved
   on to a new one: the pages touched in every block stay resident. In a
   223x223 training step that was 88 MB of blocks, 84 of them touched, for
   a peak of 48 MB in use (the merge happens within the first step). */
RSE__FN void rse__arena_release(rse__arena *a, rse_arena_mark m) {
    if (m.total == 0) rse__arena_reset(a);
    else {
        a->cur = m.blk;
        m.blk->used = m.used;
        a->used = m.total;
    }
}

/* ===========================================================================
   5. Random numbers
   A counter-based generator: the k-th number of a stream is a pure function
   of (seed, k), the SplitMix64 output for state seed_key + k*golden. Filling a
   buffer in parallel therefore gives the same numbers for any thread count,
   and a stream position can be saved in a checkpoint as one integer.
   ========================================================================= */

typedef struct rse__rng {
    uint64_t key; /* derived from the seed */
    uint64_t pos; /* how many 64-bit draws have been consumed */
} rse__rng;

RSE__FN uint64_t rse__mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

RSE__FN void rse__rng_seed(rse__rng *r, uint64_t seed) {
    r->key = rse__mix64(seed + UINT64_C(0x9e3779b97f4a7c15));
    r->pos = 0;
}

/* Stream `stream` of a seed: independent streams for, e.g., image i of a
   batch, so each image is the same whatever the batch size. */
RSE__FN void rse__rng_seed_stream(rse__rng *r, uint64_t seed, uint64_t stream) {
    r->key = rse__mix64(rse__mix64(seed + UINT64_C(0x9e3779b97f4a7c15)) ^ rse__mix64(stream + UINT64_C(0x632be59bd9b4e019)));
    r->pos = 0;
}

/* The draw at absolute position k. */
RSE__FN uint64_t rse__rng_at(const rse__rng *r, uint64_t k) {
    return rse__mix64(r->key + (k + 1) * UINT64_C(0x9e3779b97f4a7c15));
}

RSE__FN uint64_t rse__rng_u64(rse__rng *r) { return rse__rng_at(r, r->pos++); }

/* Uniform in [0,1) with 24 random bits: every value is an exact float. */
RSE__FN float rse__rng_uniform(rse__rng *r) {
    return (float)(rse__rng_u64(r) >> 40) * (1.0f / 16777216.0f);
}

/* Uniform integer in [0, n), n > 0, without modulo bias (Lemire's method
   reduced to a 64x32 multiply: bias below 2^-32, which no test can see). */
RSE__FN uint32_t rse__rng_below(rse__rng *r, uint32_t n) {
    return (uint32_t)(((rse__rng_u64(r) >> 32) * (uint64_t)n) >> 32);
}

/* Standard normal pair from draws k and k+1 (Box-Muller, in double so the
   float results are correctly rounded whatever the libm). */
RSE__FN void rse__rng_normal_pair(const rse__rng *r, uint64_t k, float *z0, float *z1) {
    double u1 = (double)(rse__rng_at(r, k) >> 11) * (1.0 / 9007199254740992.0);
    double u2 = (double)(rse__rng_at(r, k + 1) >> 11) * (1.0 / 9007199254740992.0);
    double rad = sqrt(-2.0 * log(1.0 - u1)); /* 1-u1 in (0,1]: never log(0) */
    double th = 6.283185307179586476925286766559 * u2;
    *z0 = (float)(rad * cos(th));
    *z1 = (float)(rad * sin(th));
}

/* Fills out[0..n) with N(0,1). Element i uses the pair at pos + 2*(i/2), so
   any split of the buffer gives the same values. Consumes 2*ceil(n/2) draws. */
RSE__FN void rse__rng_normal(rse__rng *r, float *out, size_t n) {
    size_t i;
    for (i = 0; i + 1 < n; i += 2) rse__rng_normal_pair(r, r->pos + i, out + i, out + i + 1);
    if (i < n) { float spare; rse__rng_normal_pair(r, r->pos + i, out + i, &spare); }
    r->pos += (uint64_t)((n + 1) & ~(size_t)1);
}

RSE__FN void rse__rng_uniform_fill(rse__rng *r, float *out, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) out[i] = (float)(rse__rng_at(r, r->pos + i) >> 40) * (1.0f / 16777216.0f);
    r->pos += n;
}

/* ===========================================================================
   6. Threads
   rse__parallel(ntasks, fn, ctx) runs fn(ctx, i, ntasks) for i in [0,ntasks)
   and returns when all are done. Tasks are defined by the caller, not by the
   thread count, and each writes its own outputs: that is what makes results
   bit-identical for 1 or N threads. Reductions across tasks are done by the
   caller afterwards, in task order.
   ========================================================================= */

typedef void (*rse__task_fn)(void *ctx, int task, int ntasks);

static int rse__nthreads = 1;

#if defined(RSE_NO_THREADS)

RSEDEF rse_status rse_set_threads(int n) {
    if (n < 1) return rse__fail(RSE_STATUS_BAD_ARG, "thread count must be >= 1, got %d", n);
    return RSE_STATUS_OK; /* built without threads: always one */
}
RSEDEF int rse_get_threads(void) { return 1; }
RSE__FN void rse__parallel(int ntasks, rse__task_fn fn, void *ctx) {
    int i;
    for (i = 0; i < ntasks; i++) fn(ctx, i, ntasks);
}
RSE__FN int rse__parallel_width(void) { return 1; }
RSE__FN int rse__claim(int *counter) { return (*counter)++; }

#else
#include <pthread.h>

static pthread_mutex_t rse__pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rse__pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t rse__pool_done = PTHREAD_COND_INITIALIZER;
static struct {
    pthread_t th[RSE_MAX_THREADS];
    int nworkers;         /* running worker threads (nthreads - 1) */
    unsigned gen;         /* bumped for every job */
    int quit;
    rse__task_fn fn;      /* the current job */
    void *ctx;
    int ntasks, next, finished;
} rse__pool; /* guarded by rse__pool_mu */

static RSE__TLS int rse__in_task; /* nested parallel calls run inline */

/* Spin-then-sleep. A training step runs about a thousand parallel jobs of
   a millisecond or less; waking a sleeping worker through the condition
   variable costs tens of microseconds each time, a large share of so
   short a job (BENCH.md, 7 Dec 2026). So a worker that runs out of tasks first
   watches the job counter for a short while (about 50 microseconds) and
   only then sleeps. The watch is a plain atomic load (GCC/Clang builtins;
   other compilers just sleep at once); the job itself is still taken
   under the mutex, so nothing else changes. */
#if defined(__GNUC__) || defined(__clang__)
#define RSE__POOL_SPIN 2000
#define rse__pool_gen_now() __atomic_load_n(&rse__pool.gen, __ATOMIC_ACQUIRE)
#define rse__pool_finished_now() __atomic_load_n(&rse__pool.finished, __ATOMIC_ACQUIRE)
#define rse__pool_count_done() __atomic_add_fetch(&rse__pool.finished, 1, __ATOMIC_RELEASE)
#if defined(__x86_64__) || defined(__i386__)
#define rse__cpu_relax() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define rse__cpu_relax() __asm__ __volatile__("yield")
#else
#define rse__cpu_relax() ((void)0)
#endif
#else
#define RSE__POOL_SPIN 0
#define rse__pool_gen_now() 0u
#define rse__pool_finished_now() 0
#define rse__pool_count_done() (++rse__pool.finished)
#define rse__cpu_relax() ((void)0)
#endif

/* Claims and runs tasks of the current job until none is left. */
RSE__FN void rse__pool_drain(void) {
    for (;;) {
        int i;
        pthread_mutex_lock(&rse__pool_mu);
        i = rse__pool.next < rse__pool.ntasks ? rse__pool.next++ : -1;
        pthread_mutex_unlock(&rse__pool_mu);
        if (i < 0) return;
        rse__in_task = 1;
        rse__pool.fn(rse__pool.ctx, i, rse__pool.ntasks);
        rse__in_task = 0;
        pthread_mutex_lock(&rse__pool_mu);
        if (rse__pool_count_done() == rse__pool.ntasks) pthread_cond_broadcast(&rse__pool_done);
        pthread_mutex_unlock(&rse__pool_mu);
    }
}

RSE__FN void *rse__pool_worker(void *arg) {
    unsigned seen = 0;
    int k;
    (void)arg;
    for (;;) {
        for (k = 0; k < RSE__POOL_SPIN && rse__pool_gen_now() == seen; k++) rse__cpu_relax();
        pthread_mutex_lock(&rse__pool_mu);
        while (!rse__pool.quit && rse__pool.gen == seen) pthread_cond_wait(&rse__pool_wake, &rse__pool_mu);
        if (rse__pool.quit) { pthread_mutex_unlock(&rse__pool_mu); return 0; }
        seen = rse__pool.gen;
        pthread_mutex_unlock(&rse__pool_mu);
        rse__pool_drain();
    }
}

RSE__FN void rse__pool_stop(void) {
    int i;
    pthread_mutex_lock(&rse__pool_mu);
    rse__pool.quit = 1;
    pthread_cond_broadcast(&rse__pool_wake);
    pthread_mutex_unlock(&rse__pool_mu);
    for (i = 0; i < rse__pool.nworkers; i++) pthread_join(rse__pool.th[i], 0);
    rse__pool.nworkers = 0;
    rse__pool.quit = 0;
}

RSEDEF rse_status rse_set_threads(int n) {
    int i;
    if (n < 1 || n > RSE_MAX_THREADS)
        return rse__fail(RSE_STATUS_BAD_ARG, "thread count must be in 1..%d, got %d", RSE_MAX_THREADS, n);
    if (rse__pool.nworkers) rse__pool_stop();
    rse__nthreads = 1;
    for (i = 0; i < n - 1; i++) {
        if (pthread_create(&rse__pool.th[i], 0, rse__pool_worker, 0) != 0) {
            rse__pool.nworkers = i;
            rse__nthreads = i + 1;
            return rse__fail(RSE_STATUS_IO, "could not start thread %d of %d", i + 2, n);
        }
        rse__pool.nworkers = i + 1;
    }
    rse__nthreads = n;
    return RSE_STATUS_OK;
}

RSEDEF int rse_get_threads(void) { return rse__nthreads; }

/* How many threads a parallel call made from here would run on: one inside
   a task (nested calls run inline), else the pool. */
RSE__FN int rse__parallel_width(void) { return rse__pool.nworkers == 0 || rse__in_task ? 1 : rse__pool.nworkers + 1; }

RSE__FN void rse__parallel(int ntasks, rse__task_fn fn, void *ctx) {
    int i;
    if (ntasks <= 0) return;
    if (rse__pool.nworkers == 0 || ntasks == 1 || rse__in_task) {
        for (i = 0; i < ntasks; i++) fn(ctx, i, ntasks);
        return;
    }
    pthread_mutex_lock(&rse__pool_mu);
    rse__pool.fn = fn;
    rse__pool.ctx = ctx;
    rse__pool.ntasks = ntasks;
    rse__pool.next = 0;
    rse__pool.finished = 0;
#if defined(__GNUC__) || defined(__clang__)
    __atomic_add_fetch(&rse__pool.gen, 1u, __ATOMIC_RELEASE); /* seen by spinning workers */
#else
    rse__pool.gen++;
#endif
    pthread_cond_broadcast(&rse__pool_wake);
    pthread_mutex_unlock(&rse__pool_mu);
    rse__pool_drain(); /* the calling thread works too */
    /* the other threads' last tasks usually end within microseconds */
    for (i = 0; i < RSE__POOL_SPIN && rse__pool_finished_now() < ntasks; i++) rse__cpu_relax();
    pthread_mutex_lock(&rse__pool_mu);
    while (rse__pool.finished < rse__pool.ntasks) pthread_cond_wait(&rse__pool_done, &rse__pool_mu);
    pthread_mutex_unlock(&rse__pool_mu);
}

/* Returns *counter and increments it, one task at a time: for the tasks of
   a job that hand out items of work among themselves as each gets free.
   One lock per item, so items should be large (a training micro-batch). */
static pthread_mutex_t rse__claim_mu = PTHREAD_MUTEX_INITIALIZER;
RSE__FN int rse__claim(int *counter) {
    int v;
    pthread_mutex_lock(&rse__claim_mu);
    v = (*counter)++;
    pthread_mutex_unlock(&rse__claim_mu);
    return v;
}
#endif /* RSE_NO_THREADS */

/* Splits [0,n) into ntasks nearly equal contiguous ranges; task i gets
   [*lo, *hi). Used by kernels that split work by output rows. */
RSE__FN void rse__split_range(size_t n, int task, int ntasks, size_t *lo, size_t *hi) {
    size_t base = n / (size_t)ntasks, rem = n % (size_t)ntasks, t = (size_t)task;
    *lo = t * base + (t < rem ? t : rem);
    *hi = *lo + base + (t < rem ? 1 : 0);
}

/* A good task count for n independent units of work: a few per thread so
   uneven tasks balance, never more than n. It may depend on the thread count
   because each task owns distinct outputs (no cross-task reduction). */
RSE__FN int rse__task_count(size_t n) {
    size_t t = (size_t)rse__nthreads * 4;
    if (rse__nthreads <= 1) return n ? 1 : 0;
    return (int)(n < t ? n : t);
}

/* ===========================================================================
   7. Kernels
   ========================================================================= */

/* Two families, each in two versions:
     - sgemm: C = alpha * op(A) * op(B) + beta * C, row-major;
     - conv2d: forward, backward-data and backward-weight on (N,C,H,W)
       tensors with any kernel size, stride, zero padding and groups.

   Every kernel has a scalar reference, rse__xxx_ref: the plainest loops that
   are obviously right. They are compiled in every build, and the tests
   compare the fast versions against them. The fast versions (7.3 onwards)
   are written once against a small SIMD vocabulary (7.2) in the style of
   ggml's simd-mappings: AVX-512, AVX2+FMA, NEON, or plain scalar C; one
   build compiles them for several of these and uses the widest the CPU
   runs (7.8).

   Contract shared by all kernels:
     - outputs first, then inputs, then the shape;
     - forward kernels OVERWRITE their output; backward kernels ACCUMULATE
       (+=) into gradients, so a tensor used twice gets both contributions;
     - results are bit-identical for any thread count: work is split by
       output tiles, and the reduction order of every output element is fixed
       by the blocking, never by which thread computes it.
*/

/* ---------------------------------------------------------------------------
   7.1 Scalar references
   ------------------------------------------------------------------------- */

/* C = alpha * op(A) * op(B) + beta * C, row-major. op(A) is M x K: A stored
   M x K (lda >= K) or, with transA, K x M (lda >= M). op(B) is K x N: B
   stored K x N (ldb >= N) or, with transB, N x K (ldb >= K). With beta == 0
   C is only written, never read, so garbage (even NaN) in C is harmless:
   0 * NaN would be NaN, which is why beta == 0 is a separate case. */
RSE__FN void rse__sgemm_ref(int transA, int transB, int M, int N, int K, float alpha,
    const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc) {
    int i, j, p;
    for (i = 0; i < M; i++) {
        for (j = 0; j < N; j++) {
            float acc = 0.0f, *c = &C[(size_t)i * (size_t)ldc + (size_t)j];
            for (p = 0; p < K; p++) {
                float a = transA ? A[(size_t)p * (size_t)lda + (size_t)i] : A[(size_t)i * (size_t)lda + (size_t)p];
                float b = transB ? B[(size_t)j * (size_t)ldb + (size_t)p] : B[(size_t)p * (size_t)ldb + (size_t)j];
                acc += a * b;
            }
            *c = beta == 0.0f ? alpha * acc : alpha * acc + beta * *c;
        }
    }
}

/* bfloat16 (1 sign, 8 exponent, 7 mantissa bits: a float's top half), as
   VCVTNEPS2BF16 makes it: rounded to nearest, ties to even; NaN stays NaN,
   quieted (bit 6 set); a denormal becomes a zero of its sign, since the
   instruction treats denormal inputs as zero; what rounds past the largest
   bfloat16 becomes infinity. The 7.9 kernel and the emulation below round
   the same way, so they differ in their sums' order only. */
static inline uint16_t rse__bf16(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)(u >> 16 | 0x40u);
    if ((u & 0x7f800000u) == 0) return (uint16_t)(u >> 16 & 0x8000u);
    return (uint16_t)((u + 0x7fffu + (u >> 16 & 1u)) >> 16);
}
static inline float rse__bf16_f32(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* The bfloat16 product (7.9) emulated: rse__sgemm_ref's contract, plus
   C[i][j] += cbias[j] (may be NULL), with every operand rounded to
   bfloat16 (rse__bf16) and the products, exact in float (8 x 8 significant
   bits), summed in float two k at a time as VDPBF16PS adds them: k+1's
   product, then k's (an odd K's last pair has a zero). The kernel splits
   the sum into blocks of 256 k, so the two agree to float rounding, not
   bit for bit (tests/test_bf16.c states the tolerance). */
RSE__FN void rse__bgemm_ref(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
                            const float *B, int ldb, float beta, float *C, int ldc, const float *cbias) {
    int i, j, p;
    for (i = 0; i < M; i++) {
        for (j = 0; j < N; j++) {
            float acc = 0.0f, v, *c = &C[(size_t)i * (size_t)ldc + (size_t)j];
            for (p = 0; p < K; p += 2) {
                float a0 = transA ? A[(size_t)p * (size_t)lda + (size_t)i] : A[(size_t)i * (size_t)lda + (size_t)p];
                float b0 = transB ? B[(size_t)j * (size_t)ldb + (size_t)p] : B[(size_t)p * (size_t)ldb + (size_t)j];
                if (p + 1 < K) {
                    float a1 = transA ? A[(size_t)(p + 1) * (size_t)lda + (size_t)i] : A[(size_t)i * (size_t)lda + (size_t)(p + 1)];
                    float b1 = transB ? B[(size_t)j * (size_t)ldb + (size_t)(p + 1)] : B[(size_t)(p + 1) * (size_t)ldb + (size_t)j];
                    acc += rse__bf16_f32(rse__bf16(a1)) * rse__bf16_f32(rse__bf16(b1));
                }
                acc += rse__bf16_f32(rse__bf16(a0)) * rse__bf16_f32(rse__bf16(b0));
            }
            v = alpha * acc;
            if (beta != 0.0f) v += beta * *c;
            *c = cbias ? v + cbias[j] : v;
        }
    }
}

typedef struct rse__conv2d_shape {
    int N, C, H, W;     /* input (N,C,H,W) */
    int K, KH, KW;      /* K output channels; weight (K, C/groups, KH, KW) */
    int stride, pad, groups;  /* same stride and zero padding on both axes */
    int Ho, Wo;         /* output (N,K,Ho,Wo): Ho = (H + 2*pad - KH)/stride + 1 */
} rse__conv2d_shape;

/* Validates a conv shape: the kernels index with size_t and trust it. The
   shapes come from the model code, not from files, so a bad one is a bug
   upstream; it is still reported as BAD_ARG rather than read out of bounds. */
RSE__FN rse_status rse__conv2d_check(const rse__conv2d_shape *s) {
    long long hp, wp;
    size_t n;
    if (s->N < 1 || s->C < 1 || s->H < 1 || s->W < 1 || s->K < 1 || s->KH < 1 || s->KW < 1 ||
        s->stride < 1 || s->pad < 0 || s->groups < 1)
        return rse__fail(RSE_STATUS_BAD_ARG, "conv2d: non-positive size in N=%d C=%d H=%d W=%d K=%d "
                         "kernel %dx%d stride %d pad %d groups %d", s->N, s->C, s->H, s->W, s->K,
                         s->KH, s->KW, s->stride, s->pad, s->groups);
    if (s->C % s->groups || s->K % s->groups)
        return rse__fail(RSE_STATUS_BAD_ARG, "conv2d: groups %d must divide C=%d and K=%d",
                         s->groups, s->C, s->K);
    hp = (long long)s->H + 2LL * s->pad;
    wp = (long long)s->W + 2LL * s->pad;
    if (hp > INT_MAX / 2 || wp > INT_MAX / 2 || hp < s->KH || wp < s->KW)
        return rse__fail(RSE_STATUS_BAD_ARG, "conv2d: kernel %dx%d does not fit the padded %lldx%lld input",
                         s->KH, s->KW, hp, wp);
    if (s->Ho != (int)((hp - s->KH) / s->stride + 1) || s->Wo != (int)((wp - s->KW) / s->stride + 1))
        return rse__fail(RSE_STATUS_BAD_ARG, "conv2d: output %dx%d, expected %dx%d", s->Ho, s->Wo,
                         (int)((hp - s->KH) / s->stride + 1), (int)((wp - s->KW) / s->stride + 1));
    if (!rse__mul4_ok((size_t)s->N, (size_t)s->C, (size_t)s->H, (size_t)s->W, &n) ||
        !rse__mul4_ok((size_t)s->N, (size_t)s->K, (size_t)s->Ho, (size_t)s->Wo, &n) ||
        !rse__mul4_ok((size_t)s->K, (size_t)(s->C / s->groups), (size_t)s->KH, (size_t)s->KW, &n) ||
        !rse__mul4_ok(n, (size_t)s->Ho, (size_t)s->Wo, 4, &n))
        return rse__fail(RSE_STATUS_LIMIT, "conv2d: sizes overflow");
    /* the GEMM engine counts pixels and reduction lengths in int */
    if ((size_t)s->H * s->W > INT_MAX || (size_t)s->Ho * s->Wo > INT_MAX ||
        (size_t)(s->C / s->groups) * s->KH * s->KW > INT_MAX / 64 || (size_t)(s->K / s->groups) * s->KH * s->KW > INT_MAX / 64)
        return rse__fail(RSE_STATUS_LIMIT, "conv2d: image %dx%d or kernel %dx%d too large", s->H, s->W, s->KH, s->KW);
    return RSE_STATUS_OK;
}

/* out = conv(x, w) + b (b may be NULL); out is overwritten.
   x (N,C,H,W), w (K,C/groups,KH,KW), b (K), out (N,K,Ho,Wo). Output channel
   k of group g = k / (K/groups) sees input channels g*(C/groups) onwards. */
RSE__FN rse_status rse__conv2d_forward_ref(float *out, const float *x, const float *w, const float *b,
                                           const rse__conv2d_shape *s) {
    int n, k, oy, ox, c, ky, kx;
    int Cg = s->C / s->groups, Kg = s->K / s->groups;
    rse_status st = rse__conv2d_check(s);
    if (st) return st;
    for (n = 0; n < s->N; n++)
    for (k = 0; k < s->K; k++) {
        const float *xg = x + ((size_t)n * s->C + (size_t)(k / Kg) * Cg) * s->H * s->W;
        const float *wk = w + (size_t)k * Cg * s->KH * s->KW;
        float *o = out + ((size_t)n * s->K + k) * s->Ho * s->Wo;
        for (oy = 0; oy < s->Ho; oy++)
        for (ox = 0; ox < s->Wo; ox++) {
            float acc = b ? b[k] : 0.0f;
            for (c = 0; c < Cg; c++)
            for (ky = 0; ky < s->KH; ky++)
            for (kx = 0; kx < s->KW; kx++) {
                int iy = oy * s->stride - s->pad + ky, ix = ox * s->stride - s->pad + kx;
                if (iy < 0 || iy >= s->H || ix < 0 || ix >= s->W) continue; /* zero padding */
                acc += xg[((size_t)c * s->H + iy) * s->W + ix] * wk[((size_t)c * s->KH + ky) * s->KW + kx];
            }
            o[(size_t)oy * s->Wo + ox] = acc;
        }
    }
    return RSE_STATUS_OK;
}

/* dx += transposed conv of dout with w. Written as the forward loop nest with
   the roles swapped: every (output, tap) pair scatters dout * w back to the
   input pixel it read. dx (N,C,H,W), dout (N,K,Ho,Wo). */
RSE__FN rse_status rse__conv2d_backward_data_ref(float *dx, const float *dout, const float *w,
                                                 const rse__conv2d_shape *s) {
    int n, k, oy, ox, c, ky, kx;
    int Cg = s->C / s->groups, Kg = s->K / s->groups;
    rse_status st = rse__conv2d_check(s);
    if (st) return st;
    for (n = 0; n < s->N; n++)
    for (k = 0; k < s->K; k++) {
        float *dxg = dx + ((size_t)n * s->C + (size_t)(k / Kg) * Cg) * s->H * s->W;
        const float *wk = w + (size_t)k * Cg * s->KH * s->KW;
        const float *d = dout + ((size_t)n * s->K + k) * s->Ho * s->Wo;
        for (oy = 0; oy < s->Ho; oy++)
        for (ox = 0; ox < s->Wo; ox++) {
            float g = d[(size_t)oy * s->Wo + ox];
            for (c = 0; c < Cg; c++)
            for (ky = 0; ky < s->KH; ky++)
            for (kx = 0; kx < s->KW; kx++) {
                int iy = oy * s->stride - s->pad + ky, ix = ox * s->stride - s->pad + kx;
                if (iy < 0 || iy >= s->H || ix < 0 || ix >= s->W) continue;
                dxg[((size_t)c * s->H + iy) * s->W + ix] += g * wk[((size_t)c * s->KH + ky) * s->KW + kx];
            }
        }
    }
    return RSE_STATUS_OK;
}

/* dw += correlation of x with dout summed over the batch; db += sum of dout
   over N,Ho,Wo (db may be NULL). Each weight's sum is formed in a local and
   added once, as the fast version does. */
RSE__FN rse_status rse__conv2d_backward_weight_ref(float *dw, float *db, const float *dout, const float *x,
                                                   const rse__conv2d_shape *s) {
    int n, k, oy, ox, c, ky, kx;
    int Cg = s->C / s->groups, Kg = s->K / s->groups;
    size_t P = (size_t)s->Ho * s->Wo;
    rse_status st = rse__conv2d_check(s);
    if (st) return st;
    for (k = 0; k < s->K; k++) {
        for (c = 0; c < Cg; c++)
        for (ky = 0; ky < s->KH; ky++)
        for (kx = 0; kx < s->KW; kx++) {
            float acc = 0.0f;
            for (n = 0; n < s->N; n++) {
                const float *xc = x + ((size_t)n * s->C + (size_t)(k / Kg) * Cg + c) * s->H * s->W;
                const float *d = dout + ((size_t)n * s->K + k) * P;
                for (oy = 0; oy < s->Ho; oy++)
                for (ox = 0; ox < s->Wo; ox++) {
                    int iy = oy * s->stride - s->pad + ky, ix = ox * s->stride - s->pad + kx;
                    if (iy < 0 || iy >= s->H || ix < 0 || ix >= s->W) continue;
                    acc += d[(size_t)oy * s->Wo + ox] * xc[(size_t)iy * s->W + ix];
                }
            }
            dw[(((size_t)k * Cg + c) * s->KH + ky) * s->KW + kx] += acc;
        }
        if (db) {
            float acc = 0.0f;
            size_t p;
            for (n = 0; n < s->N; n++) {
                const float *d = dout + ((size_t)n * s->K + k) * P;
                for (p = 0; p < P; p++) acc += d[p];
            }
            db[k] += acc;
        }
    }
    return RSE_STATUS_OK;
}

/* ---------------------------------------------------------------------------
   7.2 Instruction sets: one build, every kernel set
   The fast kernels (the rest of 7) are written once, against a handful of
   macros (the vocabulary, below), and compiled once for each instruction
   set the build carries: a "kernel set". 7.8 picks one when the first
   kernel runs. A vector is RSE_VEC_WIDTH floats: 16 with AVX-512F, 8 with
   AVX2+FMA, 4 with NEON, 1 in plain C (where the macros become ordinary
   float arithmetic).

   The sets a build carries:
     - scalar (in every build but RSE_NO_DISPATCH's): the fallback, and
       what the tests check the others against besides 7.1's references;
     - the set the compiler targets (with -march=native: AVX-512 or
       AVX2+FMA on x86-64; NEON on AArch64);
     - with GCC or Clang on x86-64, AVX2+FMA and AVX-512 too, whatever the
       flags: their functions carry __attribute__((target(...))), so a
       plain `cc -O2 rsedit.c` runs the AVX-512 kernels on a CPU that has
       them, and the scalar ones on one without AVX2.
   -DRSE_NO_SIMD builds the scalar set alone, -DRSE_NO_AVX512 leaves
   AVX-512 out, and -DRSE_NO_DISPATCH builds only the set the compiler
   targets (no cpuid, no environment: for freestanding use).

   How one text becomes several sets: the kernels (the vocabulary to the
   end of 7.7, and the GELU runs after it) are read once more for each set
   other than the compiler's,
   by this file including itself with RSE__KPASS naming the set. Each
   reading defines the vocabulary for its set; every function it defines
   is declared RSE__KFN, which adds the set's target attribute, and is
   renamed with the set's suffix by the #defines below (rse__ukr becomes
   rse__ukr_avx2), so the code reads as one set. What has no vectors in
   it, the jobs' descriptions and a few helpers, is defined here, once.
   ------------------------------------------------------------------------- */

#define RSE__KS_SCALAR 1 /* a wider set has a larger number */
#define RSE__KS_NEON 2
#define RSE__KS_AVX2 3
#define RSE__KS_AVX512 4

/* The set the compiler targets. */
#if defined(RSE_NO_SIMD)
#define RSE__KS_NATIVE RSE__KS_SCALAR
#elif !defined(RSE_NO_AVX512) && defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
#define RSE__KS_NATIVE RSE__KS_AVX512
#elif defined(__AVX2__) && defined(__FMA__)
#define RSE__KS_NATIVE RSE__KS_AVX2
#elif defined(__ARM_NEON)
#define RSE__KS_NATIVE RSE__KS_NEON
#else
#define RSE__KS_NATIVE RSE__KS_SCALAR
#endif

/* Which sets this build carries (1 or 0 each). */
#if !defined(RSE_NO_SIMD) && !defined(RSE_NO_DISPATCH) && defined(__GNUC__) && defined(__x86_64__)
#define RSE__X86_SETS 1 /* by target attribute */
#else
#define RSE__X86_SETS 0
#endif
#if RSE__KS_NATIVE == RSE__KS_SCALAR || !defined(RSE_NO_DISPATCH)
#define RSE__HAVE_SCALAR 1
#else
#define RSE__HAVE_SCALAR 0
#endif
#if RSE__KS_NATIVE == RSE__KS_AVX2 || RSE__X86_SETS
#define RSE__HAVE_AVX2 1
#else
#define RSE__HAVE_AVX2 0
#endif
#if RSE__KS_NATIVE == RSE__KS_AVX512 || (RSE__X86_SETS && !defined(RSE_NO_AVX512))
#define RSE__HAVE_AVX512 1
#else
#define RSE__HAVE_AVX512 0
#endif
#if RSE__KS_NATIVE == RSE__KS_NEON
#define RSE__HAVE_NEON 1
#else
#define RSE__HAVE_NEON 0
#endif

/* GCC's and Clang's intrinsics headers declare every x86 intrinsic whatever
   the flags; a function may use those its target attribute enables. */
#if RSE__HAVE_AVX2 || RSE__HAVE_AVX512
#include <immintrin.h>
#endif
#if RSE__HAVE_NEON
#include <arm_neon.h>
#endif

/* RSE__K(name) is name with the suffix of the set being read (RSE__KSUF);
   RSE__KFN declares a kernel function, with the set's RSE__KTARGET. */
#define RSE__KCAT2(a, b) a##_##b
#define RSE__KCAT(a, b) RSE__KCAT2(a, b)
#define RSE__K(name) RSE__KCAT(name, RSE__KSUF)
#define RSE__KFN static RSE__UNUSED RSE__KTARGET

/* One kernel set, as 7.8 and the tests see it. Each reading of the kernels
   defines one, rse__kernel_set_<suffix>. */
typedef struct {
    const char *name;     /* "avx512", "avx2", "neon" or "scalar" */
    int set;              /* RSE__KS_* */
    int width, mr, nr;    /* floats per vector; the micro-kernel's block */
    void (*sgemm_cb)(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
                     const float *B, int ldb, float beta, float *C, int ldc, const float *cbias);
    rse_status (*conv2d_forward)(float *out, const float *x, const float *w, const float *b,
                                 const rse__conv2d_shape *s, rse__arena *scratch);
    rse_status (*conv2d_backward_data)(float *dx, const float *dout, const float *w,
                                       const rse__conv2d_shape *s, rse__arena *scratch);
    rse_status (*conv2d_backward_weight)(float *dw, float *db, const float *dout, const float *x,
                                         const rse__conv2d_shape *s, rse__arena *scratch);
    void (*dw_plane)(float *out, const float *xp, int wp, const float *wk, int kh, int kw,
                     int flip, int ho, int wo, float bias, int acc);
    void (*gelu_run)(float *y, const float *x, size_t n);
    void (*gelu_grad_run)(float *gx, const float *dy, const float *x, size_t n, int acc);
    void (*ukr)(int kc, const float *strip, const float *const *rows, ptrdiff_t ak, const float *bp,
                float *c, ptrdiff_t ldc, int mr, int nr, float alpha, float beta, const float *bias);
} rse__kernels;

/* What every set shares: the descriptions of the kernels' jobs (read by
   7.3 to 7.7) and the helpers with no vectors in them. */

/* One GEMM to run: the sizes, the three operand callbacks, the epilogue,
   and the operands themselves (which fields are used depends on the
   callbacks). Built on the stack by each kernel, read-only while it runs. */
typedef struct rse__gemm rse__gemm;
struct rse__gemm {
    int M, N, K;          /* C is M x N; K is the full reduction length */
    int nkb;              /* reduction blocks, always done in order */
    int (*kblock)(const rse__gemm *g, int kb);   /* length of block kb, <= RSE__KC */
    void (*arows)(const rse__gemm *g, int kb, int i0, int mr, const float **rows, ptrdiff_t *ak);
    void (*packb)(const rse__gemm *g, int kb, int kc, int j0, int nc, float *dst);
    float *C;
    ptrdiff_t ldc;
    /* Epilogue: the first block stores alpha*acc + beta*C + bias[row] (C is
       not read when beta == 0); later blocks add alpha*acc to C. */
    float alpha, beta;
    const float *bias;    /* per row of C, or NULL */
    const float *cbias;   /* per column of C, or NULL: added after the last
                             block, so C = (sum over k) + cbias[j], the order
                             of a separate bias pass, while the tile is in L2 */
    /* Operands, read only by the callbacks. */
    const float *A; ptrdiff_t a_rs, a_ks;  /* plain A(i,p) = A[i*a_rs + p*a_ks] */
    const float *B; ptrdiff_t b_ks, b_ns;  /* plain B(p,j) = B[p*b_ks + j*b_ns] */
    const float *x;       /* conv: the image (C,H,W) the patches are read from */
    int xc, xh, xw, kh, kw, stride, ph, pw, wo; /* its geometry (wo: output width) */
    int nchunk;           /* backward-weight: reduction blocks per output row */
    /* Optional scratch for packing all of B once (K x round_up(N, NR)
       floats, and nkb + 1 ints): used when M is cut into several row blocks,
       which would otherwise each pack the same B panels again. */
    float *bpk; int *bkoff;
    /* backward-weight: where row r = (c,ky,kx) of A starts in the padded
       image, c*xh*xw + ky*xw + kx (R entries, made once per call) */
    const ptrdiff_t *roff;
};

typedef struct {
    const rse__gemm *g;
    int MB, nrb, njp;     /* row-block height, row blocks, NR-column panels */
    int npan, ngrp, ntiles; /* panels per tile, tiles per row block, tiles */
    int prepacked;        /* B is in g->bpk: panel (kb, jp) at
                             (bkoff[kb] * njp + jp * kc) * NR */
} rse__gemm_run;

/* Allocates n floats from the scratch arena (NOMEM via rse__fail). */
RSE__FN float *rse__scratch_floats(rse__arena *a, size_t n, const char *what) {
    size_t bytes;
    float *p;
    if (!rse__mul_ok(n, sizeof(float), &bytes)) {
        rse__fail(RSE_STATUS_LIMIT, "%s: scratch size overflows", what);
        return 0;
    }
    p = (float *)rse__arena_alloc(a, bytes);
    if (!p) rse__fail(RSE_STATUS_NOMEM, "%s: out of memory for %zu bytes of scratch", what, bytes);
    return p;
}

/* Copies plane src (h,w) into dst (h+2ph, w+2pw) with a zero border. */
RSE__FN void rse__pad_plane(float *dst, const float *src, int h, int w, int ph, int pw) {
    int wp = w + 2 * pw, y;
    memset(dst, 0, sizeof(float) * (size_t)(h + 2 * ph) * (size_t)wp);
    for (y = 0; y < h; y++) memcpy(dst + (size_t)(y + ph) * wp + pw, src + (size_t)y * w, sizeof(float) * (size_t)w);
}

typedef struct {
    float *out, *dw, *db;
    const float *in, *w, *b, *dout;
    const rse__conv2d_shape *s;
    float *bufs;          /* one padded plane per task */
    size_t bufsize;
    int mode;             /* 0 forward, 1 backward-data, 2 backward-weight */
} rse__dw_ctx;

/* The depthwise fast path applies to stride 1 with pad < kernel (so the
   backward-data padding K-1-pad is not negative) and at most 64 taps. */
RSE__FN int rse__dw_applies(const rse__conv2d_shape *s) {
    return s->groups == s->C && s->K == s->C && s->stride == 1 && s->pad <= s->KH - 1 &&
           s->pad <= s->KW - 1 && s->KH * s->KW <= 64;
}

/* Below this many input or output channels, or this many together, the
   GEMMs are too thin (the reduction is C, not 9C) to pay for the
   transforms (the measurements that set the thresholds: BENCH.md,
   7 Dec 2026). */
#define RSE__WINO_MIN_CH 64
#define RSE__WINO_MIN_SUM 160
/* Scratch budget for one band's V and M (floats) per thread working on
   it: 2M floats = 8 MB. One band a thread keeps them within a core's share
   of the L3; a larger band gives more tiles per GEMM and fewer pool syncs,
   but side-by-side micro-batches, one per thread, each need one (BENCH.md,
   7 Dec 2026). */
#define RSE__WINO_BAND_FLOATS ((size_t)2 << 20)

typedef struct {
    const float *x;          /* input planes (Ci,H,W) of one image       */
    const float *bias;       /* (Co) or NULL                             */
    float *out;              /* (Co,Ho,Wo): stored, or added to if acc   */
    const float *U;          /* transformed kernels (16,Co,Ci)           */
    float *V, *M;            /* one band: (16,Ci,Tb) and (16,Co,Tb)      */
    float *tmp;              /* per task: 4 rows + even/odd + row transforms */
    size_t tmp_floats, Tb;
    int Ci, Co, H, W, Ho, Wo, p, tW, ty0, nty, acc;
} rse__wino_job;

/* U (16,Co,Ci) = G g G^T for every kernel, output channels split across
   tasks. turned: the kernels of the backward-data convolution, whose
   output channels o are the forward's inputs and inputs i its outputs:
   g(o,i) = w[i][o] turned 180 degrees, w stored (Ci,Co,3,3). */
typedef struct { float *U; const float *w; int Co, Ci, turned; } rse__wino_wjob;

/* Does shape s take the Winograd path (forward and backward-data)? */
RSE__FN int rse__wino_applies(const rse__conv2d_shape *s) {
    return s->KH == 3 && s->KW == 3 && s->stride == 1 && s->groups == 1 && s->pad <= 2 &&
           s->C >= RSE__WINO_MIN_CH && s->K >= RSE__WINO_MIN_CH && s->C + s->K >= RSE__WINO_MIN_SUM &&
           s->Ho >= 2 && s->Wo >= 2;
}

typedef struct {
    float *dx;
    const float *col;
    const rse__conv2d_shape *s;
    int c0, Cg;
} rse__col2im_ctx;

typedef struct {
    float *dst;
    const float *src;
    const rse__conv2d_shape *s;
    float *db;
    const float *dout;
} rse__bw_ctx;

/* Backward-weight packs dout once for all row blocks (rse__gemm_run_all's
   bpk) a band of output rows at a time, in at most this many floats (1 MB,
   so that a band stays in a core's L2 cache with room to spare): a whole
   image's packed copy would be one more map of dout at the denoiser
   backward's memory peak (32 MB for 160 channels at 223x223). Under
   RSE_TESTING a variable, so that tests/test_kernels.c can cut bands of a
   few rows out of small images. */
#ifdef RSE_TESTING
static size_t rse__bw_pack_floats = (size_t)1 << 18;
#else
static const size_t rse__bw_pack_floats = (size_t)1 << 18;
#endif

/* GELU (section 9's activation), one float at a time: the kernels'
   rse__gelu_run and rse__gelu_grad_run compute the same in vectors. */
#define RSE__SQRT1_2 0.70710678118654752440f
#define RSE__SQRT_2_OVER_PI 0.79788456080286535588f

/* erf for GELU without libm: erf(u) ~= u P(u^2) / Q(u^2) for |u| < 3.92 and
   +-1 beyond (where float32 erf is 1). The rational form, fitted by
   tools/fit_erf.py, is within 3.5e-7 of erf everywhere (libm's erff: about
   6e-8; PyTorch's own vectorised CPU GELU uses an approximation within
   1.5e-7). Having no calls and no branches, the GELU loops vectorise, and
   the derivative below is the exact derivative of this approximation
   (within 7.3e-7 of 2/sqrt(pi) exp(-u^2)), so forward and backward agree.
   GELU through libm erff and expf was 13% of a dim 64 training step. */
static const float rse__erf_p[7] = { 1.128379226e+00f, 1.847000867e-01f, 5.427819863e-02f, 3.832334420e-03f,
                                     3.803702712e-04f, 4.717800039e-06f, -1.333586486e-08f };
static const float rse__erf_q[6] = { 1.000000000e+00f, 4.970197380e-01f, 1.137751341e-01f, 1.543085370e-02f,
                                     1.305018784e-03f, 6.341900735e-05f };
#define RSE__ERF_CLAMP 3.92f

/* erf(u); *d = d erf / du of the same approximation. */
static inline float rse__erf_approx(float u, float *d) {
    const float *p = rse__erf_p, *q = rse__erf_q;
    float a = fabsf(u), in = a < RSE__ERF_CLAMP ? 1.0f : 0.0f, z, P, Q, dP, dQ, iq;
    a = a < RSE__ERF_CLAMP ? a : RSE__ERF_CLAMP;
    z = a * a;
    P = ((((((p[6] * z + p[5]) * z + p[4]) * z + p[3]) * z + p[2]) * z + p[1]) * z + p[0]);
    Q = (((((q[5] * z + q[4]) * z + q[3]) * z + q[2]) * z + q[1]) * z + q[0]);
    dP = (((((6.0f * p[6] * z + 5.0f * p[5]) * z + 4.0f * p[4]) * z + 3.0f * p[3]) * z + 2.0f * p[2]) * z + p[1]);
    dQ = ((((5.0f * q[5] * z + 4.0f * q[4]) * z + 3.0f * q[3]) * z + 2.0f * q[2]) * z + q[1]);
    iq = 1.0f / Q;
    /* (a P/Q)' = (P Q + 2 z (P' Q - P Q')) / Q^2; 0 where clamped */
    if (d) *d = in * (P * Q + 2.0f * z * (dP * Q - P * dQ)) * iq * iq;
    return copysignf(a * P * iq, u);
}

static inline float rse__gelu1(float x) { return 0.5f * x * (1.0f + rse__erf_approx(x * RSE__SQRT1_2, 0)); }
/* d/dx [x Phi(x)] = Phi(x) + x phi(x), with Phi(x) = (1 + erf(x/sqrt 2))/2
   and phi = Phi' = erf'(x/sqrt 2) / (2 sqrt 2) */
static inline float rse__gelu1_grad(float x) {
    float d, e = rse__erf_approx(x * RSE__SQRT1_2, &d);
    return 0.5f * (1.0f + e) + x * (0.5f * RSE__SQRT1_2) * d;
}

/* Every function of the kernels, renamed per set (7.2 above), and the set's
   description (its end). 7.8 undoes these. */
#define rse__reduce256 RSE__K(rse__reduce256)
#define rse__transpose8 RSE__K(rse__transpose8)
#define rse__vec_reduce RSE__K(rse__vec_reduce)
#define rse__vec_transpose RSE__K(rse__vec_transpose)
#define rse__ukr RSE__K(rse__ukr)
#define rse__arows_packed RSE__K(rse__arows_packed)
#define rse__gemm_task RSE__K(rse__gemm_task)
#define rse__arows_plain RSE__K(rse__arows_plain)
#define rse__gemm_prepack_task RSE__K(rse__gemm_prepack_task)
#define rse__gemm_run_all RSE__K(rse__gemm_run_all)
#define rse__kblock_plain RSE__K(rse__kblock_plain)
#define rse__pack_bt RSE__K(rse__pack_bt)
#define rse__packb_plain RSE__K(rse__packb_plain)
#define rse__sgemm_cb RSE__K(rse__sgemm_cb)
#define rse__sgemm RSE__K(rse__sgemm)
#define rse__pack_a RSE__K(rse__pack_a)
#define rse__packb_conv RSE__K(rse__packb_conv)
#define rse__packed_size RSE__K(rse__packed_size)
#define rse__dw_vec RSE__K(rse__dw_vec)
#define rse__dw_plane RSE__K(rse__dw_plane)
#define rse__dw_task RSE__K(rse__dw_task)
#define rse__dw_run RSE__K(rse__dw_run)
#define rse__wino_weights_task RSE__K(rse__wino_weights_task)
#define rse__wino_weights RSE__K(rse__wino_weights)
#define rse__wino_bt RSE__K(rse__wino_bt)
#define rse__wino_at RSE__K(rse__wino_at)
#define rse__wino_zip RSE__K(rse__wino_zip)
#define rse__wino_in_task RSE__K(rse__wino_in_task)
#define rse__wino_out_task RSE__K(rse__wino_out_task)
#define rse__wino_gemm_task RSE__K(rse__wino_gemm_task)
#define rse__wino_run RSE__K(rse__wino_run)
#define rse__conv2d_forward RSE__K(rse__conv2d_forward)
#define rse__col2im_task RSE__K(rse__col2im_task)
#define rse__conv2d_backward_data RSE__K(rse__conv2d_backward_data)
#define rse__kblock_bw RSE__K(rse__kblock_bw)
#define rse__arows_bw RSE__K(rse__arows_bw)
#define rse__packb_bw RSE__K(rse__packb_bw)
#define rse__packb_colT RSE__K(rse__packb_colT)
#define rse__bw_pad_task RSE__K(rse__bw_pad_task)
#define rse__bias_grad_task RSE__K(rse__bias_grad_task)
#define rse__conv2d_backward_weight RSE__K(rse__conv2d_backward_weight)
#define rse__erf_vec RSE__K(rse__erf_vec)
#define rse__gelu_run RSE__K(rse__gelu_run)
#define rse__gelu_grad_run RSE__K(rse__gelu_grad_run)
#define rse__kernel_set RSE__K(rse__kernel_set)
/* The further readings, one per set. The compiler's own set is read last,
   as the rest of this reading, so the vocabulary left defined after this
   file is that set's (bench/bench.c measures the FMA peak with it). */
#if RSE__HAVE_SCALAR && RSE__KS_NATIVE != RSE__KS_SCALAR
#define RSE__KPASS RSE__KS_SCALAR
#include "tensor.h"
#undef RSE__KPASS
#endif
#if RSE__HAVE_AVX2 && RSE__KS_NATIVE != RSE__KS_AVX2
#define RSE__KPASS RSE__KS_AVX2
#include "tensor.h"
#undef RSE__KPASS
#endif
#if RSE__HAVE_AVX512 && RSE__KS_NATIVE != RSE__KS_AVX512
#define RSE__KPASS RSE__KS_AVX512
#include "tensor.h"
#undef RSE__KPASS
#endif
#endif /* the full reading, up to the kernels */

#if defined(RSE__TENSOR_BODY) || defined(RSE__KPASS)
/* The vocabulary of the set being read (7.2): one block of macros per set,
   and the kernels below use only these, so each kernel is written once.
   RSE_VEC_FMA(acc, a, b) is acc + a*b (fused where the hardware has it).
   RSE_VEC_MIN(a, b) is a < b ? a : b, RSE_VEC_LT_SEL(a, b, v) a < b ? v : 0,
   RSE_VEC_COPYSIGN(m, s) |m| with the sign of s; RSE_VEC_DIV is missing
   where the hardware has no vector division (ARMv7).
   rse__vec_transpose(s, ls, d, ld) transposes one WIDTH x WIDTH block (the
   only shuffle the kernels need, for packing a transposed matrix). */
#ifdef RSE__KPASS
#define RSE__KSET RSE__KPASS
#else
#define RSE__KSET RSE__KS_NATIVE
#endif
#if RSE__KSET == RSE__KS_AVX512
#define RSE__KSUF avx512
#elif RSE__KSET == RSE__KS_AVX2
#define RSE__KSUF avx2
#elif RSE__KSET == RSE__KS_NEON
#define RSE__KSUF neon
#else
#define RSE__KSUF scalar
#endif
#if RSE__KSET == RSE__KS_AVX512 && defined(__GNUC__) && defined(__x86_64__)
#define RSE__KTARGET __attribute__((target("avx512f,avx2,fma")))
#elif RSE__KSET == RSE__KS_AVX2 && defined(__GNUC__) && defined(__x86_64__)
#define RSE__KTARGET __attribute__((target("avx2,fma")))
#else
#define RSE__KTARGET
#endif

#if RSE__KSET == RSE__KS_AVX512 || RSE__KSET == RSE__KS_AVX2
/* Two AVX2 helpers, used by both the AVX-512 and the AVX2 blocks below. */
RSE__KFN float rse__reduce256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}
/* Transposes an 8 x 8 block: d[i*ld + j] = s[j*ls + i]. Inline: packing a
   transposed B calls it 128 times per 256 x 32 panel. */
RSE__KFN inline void rse__transpose8(const float *s, ptrdiff_t ls, float *d, ptrdiff_t ld) {
    __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + ls), r2 = _mm256_loadu_ps(s + 2 * ls);
    __m256 r3 = _mm256_loadu_ps(s + 3 * ls), r4 = _mm256_loadu_ps(s + 4 * ls), r5 = _mm256_loadu_ps(s + 5 * ls);
    __m256 r6 = _mm256_loadu_ps(s + 6 * ls), r7 = _mm256_loadu_ps(s + 7 * ls);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(d, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(d + ld, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(d + 2 * ld, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(d + 3 * ld, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(d + 4 * ld, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(d + 5 * ld, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(d + 6 * ld, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(d + 7 * ld, _mm256_permute2f128_ps(u3, u7, 0x31));
}
#endif

#if RSE__KSET == RSE__KS_AVX512
/* AVX-512F: 16 floats per vector, so the micro-kernel covers 32 columns
   per step (and 8 rows: see RSE__MR). On cores with two 512-bit FMA units
   that doubles the FMA peak of AVX2; with one unit it still halves the
   loads and broadcasts per multiply-add. */
#define RSE_SIMD_NAME "avx512"
#define RSE_VEC_WIDTH 16
#define RSE_F32_VEC __m512
#define RSE_VEC_ZERO() _mm512_setzero_ps()
#define RSE_VEC_SET1(x) _mm512_set1_ps(x)
#define RSE_VEC_LOAD(p) _mm512_loadu_ps(p)
#define RSE_VEC_STORE(p, v) _mm512_storeu_ps((p), (v))
#define RSE_VEC_FMA(acc, a, b) _mm512_fmadd_ps((a), (b), (acc))
#define RSE_VEC_ADD(a, b) _mm512_add_ps((a), (b))
#define RSE_VEC_MUL(a, b) _mm512_mul_ps((a), (b))
#define RSE_VEC_SUB(a, b) _mm512_sub_ps((a), (b))
#define RSE_VEC_DIV(a, b) _mm512_div_ps((a), (b))
#define RSE_VEC_MIN(a, b) _mm512_min_ps((a), (b))
#define RSE_VEC_ABS(a) _mm512_abs_ps(a)
#define RSE_VEC_COPYSIGN(m, s) _mm512_castsi512_ps(_mm512_or_si512( \
    _mm512_and_si512(_mm512_castps_si512(m), _mm512_set1_epi32(INT_MAX)), \
    _mm512_and_si512(_mm512_castps_si512(s), _mm512_set1_epi32(INT_MIN))))
#define RSE_VEC_LT_SEL(a, b, v) _mm512_maskz_mov_ps(_mm512_cmp_ps_mask((a), (b), _CMP_LT_OQ), (v))
RSE__KFN float rse__vec_reduce(__m512 v) {
    return rse__reduce256(_mm256_add_ps(_mm512_castps512_ps256(v),
                                        _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))));
}
#define RSE_VEC_REDUCE(v) rse__vec_reduce(v)
/* 16 x 16 as four 8 x 8 quadrants (packing only: not on the hot path). */
RSE__KFN void rse__vec_transpose(const float *s, ptrdiff_t ls, float *d, ptrdiff_t ld) {
    rse__transpose8(s, ls, d, ld);
    rse__transpose8(s + 8, ls, d + 8 * ld, ld);
    rse__transpose8(s + 8 * ls, ls, d + 8, ld);
    rse__transpose8(s + 8 * ls + 8, ls, d + 8 * ld + 8, ld);
}

#elif RSE__KSET == RSE__KS_AVX2
#define RSE_SIMD_NAME "avx2"
#define RSE_VEC_WIDTH 8
#define RSE_F32_VEC __m256
#define RSE_VEC_ZERO() _mm256_setzero_ps()
#define RSE_VEC_SET1(x) _mm256_set1_ps(x)
#define RSE_VEC_LOAD(p) _mm256_loadu_ps(p)
#define RSE_VEC_STORE(p, v) _mm256_storeu_ps((p), (v))
#define RSE_VEC_FMA(acc, a, b) _mm256_fmadd_ps((a), (b), (acc))
#define RSE_VEC_ADD(a, b) _mm256_add_ps((a), (b))
#define RSE_VEC_MUL(a, b) _mm256_mul_ps((a), (b))
#define RSE_VEC_SUB(a, b) _mm256_sub_ps((a), (b))
#define RSE_VEC_DIV(a, b) _mm256_div_ps((a), (b))
#define RSE_VEC_MIN(a, b) _mm256_min_ps((a), (b))
#define RSE_VEC_ABS(a) _mm256_andnot_ps(_mm256_set1_ps(-0.0f), (a))
#define RSE_VEC_COPYSIGN(m, s) _mm256_or_ps(_mm256_andnot_ps(_mm256_set1_ps(-0.0f), (m)), \
                                            _mm256_and_ps(_mm256_set1_ps(-0.0f), (s)))
#define RSE_VEC_LT_SEL(a, b, v) _mm256_and_ps(_mm256_cmp_ps((a), (b), _CMP_LT_OQ), (v))
#define RSE_VEC_REDUCE(v) rse__reduce256(v)
RSE__KFN inline void rse__vec_transpose(const float *s, ptrdiff_t ls, float *d, ptrdiff_t ld) {
    rse__transpose8(s, ls, d, ld);
}

#elif RSE__KSET == RSE__KS_NEON
#define RSE_SIMD_NAME "neon"
#define RSE_VEC_WIDTH 4
#define RSE_F32_VEC float32x4_t
#define RSE_VEC_ZERO() vdupq_n_f32(0.0f)
#define RSE_VEC_SET1(x) vdupq_n_f32(x)
#define RSE_VEC_LOAD(p) vld1q_f32(p)
#define RSE_VEC_STORE(p, v) vst1q_f32((p), (v))
#if defined(__aarch64__) || defined(__ARM_FEATURE_FMA)
#define RSE_VEC_FMA(acc, a, b) vfmaq_f32((acc), (a), (b))
#else
#define RSE_VEC_FMA(acc, a, b) vmlaq_f32((acc), (a), (b)) /* ARMv7 without VFPv4 */
#endif
#define RSE_VEC_ADD(a, b) vaddq_f32((a), (b))
#define RSE_VEC_MUL(a, b) vmulq_f32((a), (b))
#define RSE_VEC_SUB(a, b) vsubq_f32((a), (b))
#if defined(__aarch64__)
#define RSE_VEC_DIV(a, b) vdivq_f32((a), (b)) /* none on ARMv7: scalar code instead */
#endif
#define RSE_VEC_MIN(a, b) vbslq_f32(vcltq_f32((a), (b)), (a), (b)) /* b for NaN, as x86 and C's a < b ? a : b */
#define RSE_VEC_ABS(a) vabsq_f32(a)
#define RSE_VEC_COPYSIGN(m, s) vbslq_f32(vdupq_n_u32(0x80000000u), (s), (m))
#define RSE_VEC_LT_SEL(a, b, v) vreinterpretq_f32_u32(vandq_u32(vcltq_f32((a), (b)), vreinterpretq_u32_f32(v)))
RSE__KFN float rse__vec_reduce(float32x4_t v) {
    float32x2_t s = vadd_f32(vget_low_f32(v), vget_high_f32(v));
    return vget_lane_f32(vpadd_f32(s, s), 0);
}
#define RSE_VEC_REDUCE(v) rse__vec_reduce(v)
RSE__KFN void rse__vec_transpose(const float *s, ptrdiff_t ls, float *d, ptrdiff_t ld) {
    float32x4x2_t a = vtrnq_f32(vld1q_f32(s), vld1q_f32(s + ls));
    float32x4x2_t b = vtrnq_f32(vld1q_f32(s + 2 * ls), vld1q_f32(s + 3 * ls));
    vst1q_f32(d, vcombine_f32(vget_low_f32(a.val[0]), vget_low_f32(b.val[0])));
    vst1q_f32(d + ld, vcombine_f32(vget_low_f32(a.val[1]), vget_low_f32(b.val[1])));
    vst1q_f32(d + 2 * ld, vcombine_f32(vget_high_f32(a.val[0]), vget_high_f32(b.val[0])));
    vst1q_f32(d + 3 * ld, vcombine_f32(vget_high_f32(a.val[1]), vget_high_f32(b.val[1])));
}

#else
#define RSE_SIMD_NAME "scalar"
#define RSE_VEC_WIDTH 1
#define RSE_F32_VEC float
#define RSE_VEC_ZERO() 0.0f
#define RSE_VEC_SET1(x) (x)
#define RSE_VEC_LOAD(p) (*(p))
#define RSE_VEC_STORE(p, v) (*(p) = (v))
#define RSE_VEC_FMA(acc, a, b) ((acc) + (a) * (b))
#define RSE_VEC_ADD(a, b) ((a) + (b))
#define RSE_VEC_MUL(a, b) ((a) * (b))
#define RSE_VEC_SUB(a, b) ((a) - (b))
#define RSE_VEC_DIV(a, b) ((a) / (b))
#define RSE_VEC_MIN(a, b) ((a) < (b) ? (a) : (b))
#define RSE_VEC_ABS(a) fabsf(a)
#define RSE_VEC_COPYSIGN(m, s) copysignf((m), (s))
#define RSE_VEC_LT_SEL(a, b, v) ((a) < (b) ? (v) : 0.0f)
#define RSE_VEC_REDUCE(v) (v)
RSE__KFN void rse__vec_transpose(const float *s, ptrdiff_t ls, float *d, ptrdiff_t ld) {
    (void)ls; (void)ld;
    d[0] = s[0];
}
#endif

/* ---------------------------------------------------------------------------
   7.3 The GEMM engine
   Every fast kernel here is one or more matrix products C (M x N) += A * B
   with a reduction of length K, computed the BLIS way:
     - C is cut into tiles of MB rows x a few NR-column panels; threads take
       whole tiles, so no two threads ever write the same output;
     - the reduction is cut into blocks of at most KC; for each block, the
       KC x NR slice of B is copied ("packed") into a small contiguous buffer
       that stays in L1, and is then used by every MR-row strip of the tile;
     - the micro-kernel keeps an MR x NR block of C in registers (6 x 16 on
       AVX2: 12 accumulators) and does MR*NR/WIDTH FMAs per step of k while
       loading only 2 vectors of B and broadcasting MR values of A.
   A and B are not plain matrices for the convolutions, so the engine reads
   them through three callbacks: kblock (length of reduction block kb), arows
   (pointers to the MR rows of A for a block, and the step between consecutive
   k) and packb (fill the KC x NR buffer). For a convolution, packb gathers
   the image patches on the fly ("implicit im2col"), so the big im2col matrix
   is never built.
   Determinism: each output's reduction runs over the blocks kb = 0, 1, ... in
   order, and within a block over k in order, whatever the tile or thread; the
   tile size may depend on the thread count, the arithmetic never does.
   ------------------------------------------------------------------------- */

/* The register block. AVX2 has 16 vector registers: 12 accumulators (6 rows
   x 2 vectors), 2 for the row of B and 1 for the broadcast value of A; the
   FMA units (2 per core, 4-cycle latency) need at least 8 independent
   accumulators to stay busy. NEON (32 registers) and plain C use the same
   shape. AVX-512 (32 registers, 16 lanes) takes 8 rows: 16 accumulators.
   8 x 32 runs closer to the peak than 6 x 32 (BENCH.md, 7 Dec 2026): the
   loop's fixed cost (two B loads, the pointer and counter updates) is
   spread over 16 FMAs instead of 12, and 8 divides every channel count of
   the SinDDM network, so no row of a strip is wasted. Inside the
   convolutions the gain is on backward-weight (packing and memory traffic
   bound the others). KC = 256 keeps the packed B block at 16 KB, a third of
   L1d (32 KB with AVX-512's 32 columns: two thirds of a 48 KB L1d). */
#if RSE_VEC_WIDTH == 16
#define RSE__MR 8
#else
#define RSE__MR 6
#endif
#define RSE__NR (2 * RSE_VEC_WIDTH)
#define RSE__KC 256

/* The micro-kernel: C[0..mr)[0..nr) (row stride ldc) gets the product of the
   MR rows of A with the packed kc x NR block bp. A is either a strip packed
   by rse__pack_a (strip != NULL: row i of k at strip[k*MR + i], all MR rows
   readable, zero past the matrix) or MR row pointers (row i of k at
   rows[i][k*ak]; rows past mr must still be readable: the caller repeats
   the last one). Columns past nr of bp are zero; neither is stored. The k
   loop is the hot loop of the whole program: 2 loads, MR broadcasts, 2 MR
   FMAs.

   It has two copies of that loop, with the same FMAs in the same order (so
   the same bits). Given MR row pointers and a stride, compilers keep MR
   pointers and, for a stride other than 1, add the stride to each of them
   every k: 8 more instructions per 16 FMAs at MR = 8, which took this
   machine's 4-wide front end past the 8 cycles the FMAs need. A packed
   strip has its rows side by side, so there one pointer, one add per k,
   serves them all. */
#define RSE__UKR_ROW(x, ci0, ci1) \
    t = RSE_VEC_SET1(x); ci0 = RSE_VEC_FMA(ci0, t, b0); ci1 = RSE_VEC_FMA(ci1, t, b1)
RSE__KFN void rse__ukr(int kc, const float *strip, const float *const *rows, ptrdiff_t ak, const float *bp,
                      float *c, ptrdiff_t ldc, int mr, int nr,
                      float alpha, float beta, const float *bias) {
    RSE_F32_VEC c00 = RSE_VEC_ZERO(), c01 = RSE_VEC_ZERO(), c10 = RSE_VEC_ZERO(), c11 = RSE_VEC_ZERO();
    RSE_F32_VEC c20 = RSE_VEC_ZERO(), c21 = RSE_VEC_ZERO(), c30 = RSE_VEC_ZERO(), c31 = RSE_VEC_ZERO();
    RSE_F32_VEC c40 = RSE_VEC_ZERO(), c41 = RSE_VEC_ZERO(), c50 = RSE_VEC_ZERO(), c51 = RSE_VEC_ZERO();
#if RSE__MR == 8
    RSE_F32_VEC c60 = RSE_VEC_ZERO(), c61 = RSE_VEC_ZERO(), c70 = RSE_VEC_ZERO(), c71 = RSE_VEC_ZERO();
#endif
    RSE_F32_VEC acc[2 * RSE__MR];
    int p, i, j;
    if (strip) { /* a packed strip: one pointer */
        const float *a = strip;
        for (p = 0; p < kc; p++, a += RSE__MR, bp += RSE__NR) {
            RSE_F32_VEC b0 = RSE_VEC_LOAD(bp), b1 = RSE_VEC_LOAD(bp + RSE_VEC_WIDTH), t;
            RSE__UKR_ROW(a[0], c00, c01); RSE__UKR_ROW(a[1], c10, c11); RSE__UKR_ROW(a[2], c20, c21);
            RSE__UKR_ROW(a[3], c30, c31); RSE__UKR_ROW(a[4], c40, c41); RSE__UKR_ROW(a[5], c50, c51);
#if RSE__MR == 8
            RSE__UKR_ROW(a[6], c60, c61); RSE__UKR_ROW(a[7], c70, c71);
#endif
        }
    } else {
        const float *a0 = rows[0], *a1 = rows[1], *a2 = rows[2], *a3 = rows[3], *a4 = rows[4], *a5 = rows[5];
#if RSE__MR == 8
        const float *a6 = rows[6], *a7 = rows[7];
#endif
        ptrdiff_t off = 0;
        for (p = 0; p < kc; p++, off += ak, bp += RSE__NR) {
            RSE_F32_VEC b0 = RSE_VEC_LOAD(bp), b1 = RSE_VEC_LOAD(bp + RSE_VEC_WIDTH), t;
            RSE__UKR_ROW(a0[off], c00, c01); RSE__UKR_ROW(a1[off], c10, c11); RSE__UKR_ROW(a2[off], c20, c21);
            RSE__UKR_ROW(a3[off], c30, c31); RSE__UKR_ROW(a4[off], c40, c41); RSE__UKR_ROW(a5[off], c50, c51);
#if RSE__MR == 8
            RSE__UKR_ROW(a6[off], c60, c61); RSE__UKR_ROW(a7[off], c70, c71);
#endif
        }
    }
    acc[0] = c00; acc[1] = c01; acc[2] = c10; acc[3] = c11; acc[4] = c20; acc[5] = c21;
    acc[6] = c30; acc[7] = c31; acc[8] = c40; acc[9] = c41; acc[10] = c50; acc[11] = c51;
#if RSE__MR == 8
    acc[12] = c60; acc[13] = c61; acc[14] = c70; acc[15] = c71;
#endif
    if (nr == RSE__NR) {
        /* Full-width tile: the epilogue in vectors. */
        RSE_F32_VEC va = RSE_VEC_SET1(alpha), vb = RSE_VEC_SET1(beta);
        for (i = 0; i < mr; i++) {
            float *ci = c + (ptrdiff_t)i * ldc;
            for (j = 0; j < 2; j++) {
                RSE_F32_VEC v = RSE_VEC_MUL(va, acc[2 * i + j]);
                if (beta != 0.0f) v = RSE_VEC_FMA(v, vb, RSE_VEC_LOAD(ci + j * RSE_VEC_WIDTH));
                if (bias) v = RSE_VEC_ADD(v, RSE_VEC_SET1(bias[i]));
                RSE_VEC_STORE(ci + j * RSE_VEC_WIDTH, v);
            }
        }
    } else {
        /* Ragged right edge (the last NR columns of C): spill the tile and
           finish element by element. The rounding of beta*C may differ from
           the vector path (no fused multiply-add here), but which path an
           element takes depends only on its column, never on the threads. */
        float tile[2 * RSE__MR * RSE_VEC_WIDTH];
        for (i = 0; i < 2 * RSE__MR; i++) RSE_VEC_STORE(tile + i * RSE_VEC_WIDTH, acc[i]);
        for (i = 0; i < mr; i++) {
            float *ci = c + (ptrdiff_t)i * ldc;
            for (j = 0; j < nr; j++) {
                float v = alpha * tile[i * RSE__NR + j];
                if (beta != 0.0f) v = v + beta * ci[j];
                if (bias) v = v + bias[i];
                ci[j] = v;
            }
        }
    }
}

/* One task: a contiguous range of tiles. A tile is MB rows by npan column
   panels of NR; tiles are numbered row-block-major (all tiles of row block
   0, then of row block 1, ...). Within a tile the reduction blocks run in
   order, and for each block every panel in turn: pack its KC x NR slice of
   B into L1, then sweep the MR-row strips of the tile's rows across it. So
   B is read from L1 MB/MR times per packing; the tile's MB x KC slice of A
   stays in L2 while npan panels use it (with one panel per tile, all of A
   went through L2 once per panel: from L3 when A is bigger than L2); and
   the C tile (MB x npan*NR, up to 256 KB) stays in L2 between blocks, so C
   goes to memory about once (against one panel per tile: BENCH.md,
   7 Dec 2026). */
RSE__KFN void rse__arows_packed(const rse__gemm *g, int kb, int i0, int mr, const float **rows, ptrdiff_t *ak);
RSE__KFN void rse__gemm_task(void *ctx, int task, int ntasks) {
    const rse__gemm_run *r = (const rse__gemm_run *)ctx;
    const rse__gemm *g = r->g;
    float raw[RSE__KC * RSE__NR + 16]; /* the L1-resident B panel: 16 KB on AVX2, 32 KB on AVX-512 */
    float *bp = (float *)(((uintptr_t)raw + 63) & ~(uintptr_t)63);
    const float *rows[RSE__MR];
    const int packed = g->arows == rse__arows_packed;
    size_t lo, hi, t;
    rse__split_range((size_t)r->ntiles, task, ntasks, &lo, &hi);
    for (t = lo; t < hi; t++) {
        int rb = (int)(t / (size_t)r->ngrp), jg = (int)(t % (size_t)r->ngrp);
        int ib = rb * r->MB, ie = ib + r->MB < g->M ? ib + r->MB : g->M;
        int jpb = jg * r->npan, jpe = jpb + r->npan < r->njp ? jpb + r->npan : r->njp;
        int kb, jp;
        for (kb = 0; kb < g->nkb; kb++) {
            int kc = g->kblock(g, kb), i0;
            for (jp = jpb; jp < jpe; jp++) {
                int j0 = jp * RSE__NR, nc = g->N - j0 < RSE__NR ? g->N - j0 : RSE__NR;
                const float *bpan = bp;
                if (r->prepacked)
                    bpan = g->bpk + ((size_t)g->bkoff[kb] * r->njp + (size_t)jp * kc) * RSE__NR;
                else
                    g->packb(g, kb, kc, j0, nc, bp);
                for (i0 = ib; i0 < ie; i0 += RSE__MR) {
                    int mr = ie - i0 < RSE__MR ? ie - i0 : RSE__MR, i;
                    ptrdiff_t ak;
                    g->arows(g, kb, i0, mr, rows, &ak);
                    /* a packed strip is zero past M: read whole; else repeat the last row */
                    if (!packed) for (i = mr; i < RSE__MR; i++) rows[i] = rows[mr - 1];
                    rse__ukr(kc, packed ? rows[0] : 0, rows, ak, bpan, g->C + (ptrdiff_t)i0 * g->ldc + j0, g->ldc,
                             mr, nc, g->alpha, kb == 0 ? g->beta : 1.0f, kb == 0 && g->bias ? g->bias + i0 : 0);
                }
            }
        }
        if (g->cbias) {
            int i, j, je = jpe * RSE__NR < g->N ? jpe * RSE__NR : g->N;
            for (i = ib; i < ie; i++) {
                float *ci = g->C + (ptrdiff_t)i * g->ldc;
                for (j = jpb * RSE__NR; j < je; j++) ci[j] += g->cbias[j];
            }
        }
    }
}

RSE__KFN void rse__arows_plain(const rse__gemm *g, int kb, int i0, int mr, const float **rows, ptrdiff_t *ak);

/* Packs every (kb, jp) panel of B into g->bpk; a task owns a range of kb. */
RSE__KFN void rse__gemm_prepack_task(void *ctx, int task, int ntasks) {
    const rse__gemm_run *r = (const rse__gemm_run *)ctx;
    const rse__gemm *g = r->g;
    size_t lo, hi, kb;
    int jp;
    rse__split_range((size_t)g->nkb, task, ntasks, &lo, &hi);
    for (kb = lo; kb < hi; kb++) {
        int kc = g->kblock(g, (int)kb);
        for (jp = 0; jp < r->njp; jp++) {
            int j0 = jp * RSE__NR, nc = g->N - j0 < RSE__NR ? g->N - j0 : RSE__NR;
            g->packb(g, (int)kb, kc, j0, nc, g->bpk + ((size_t)g->bkoff[kb] * r->njp + (size_t)jp * kc) * RSE__NR);
        }
    }
}

/* Runs a GEMM on the thread pool. Tiles are NR columns wide and MB rows
   tall; MB is all of M when there are enough column panels to keep the
   threads busy, else M is cut too (down to 48 rows, below which packing B
   would cost more than it saves). MB is capped so an A block stays in L2. */
RSE__KFN void rse__gemm_run_all(const rse__gemm *g) {
    rse__gemm_run r;
    int want = rse__nthreads > 1 ? 4 * rse__nthreads : 1, nrb;
    /* An A block of up to 768 rows (768 KB) stays in L2. A plain matrix
       read in place has its rows lda apart; with a power-of-two lda they
       all fall into the same few cache sets, so its block is kept small
       (192 rows). */
    int mbmax = g->arows == rse__arows_plain ? 192 : 768;
    if (g->M <= 0 || g->N <= 0 || g->nkb <= 0) return;
    r.g = g;
    r.njp = (g->N + RSE__NR - 1) / RSE__NR;
    nrb = (want + r.njp - 1) / r.njp;
    if (nrb < (g->M + mbmax - 1) / mbmax) nrb = (g->M + mbmax - 1) / mbmax;
    r.MB = (g->M + nrb - 1) / nrb;
    if (r.MB < 48) r.MB = 48;
    r.MB = (r.MB + RSE__MR - 1) / RSE__MR * RSE__MR;
    r.nrb = (g->M + r.MB - 1) / r.MB;
    /* Panels per tile: a C tile of at most 256 KB (L2 holds it beside A's
       block), and at least 4 tiles per thread so the threads even out. */
    r.npan = (256 * 1024) / (r.MB * RSE__NR * (int)sizeof(float));
    if (r.npan > r.njp * r.nrb / want) r.npan = r.njp * r.nrb / want;
    if (r.npan < 1) r.npan = 1;
    r.ngrp = (r.njp + r.npan - 1) / r.npan;
    r.ntiles = r.ngrp * r.nrb;
    r.prepacked = 0;
    /* Below about a million multiply-adds, waking the pool costs more than
       it saves (attention heads are 50x50x64): run on this thread. */
    if ((double)g->M * g->N * g->K < 1e6) { rse__gemm_task(&r, 0, 1); return; }
    if (g->bpk && r.nrb > 1) {
        /* Row blocks would each pack the same panels of B: pack them once
           (a copy, so the products are unchanged). */
        int kb;
        g->bkoff[0] = 0;
        for (kb = 0; kb < g->nkb; kb++) g->bkoff[kb + 1] = g->bkoff[kb] + g->kblock(g, kb);
        RSE_ASSERT(g->bkoff[g->nkb] == g->K);
        rse__parallel(rse__task_count((size_t)g->nkb), rse__gemm_prepack_task, &r);
        r.prepacked = 1;
    }
    rse__parallel(rse__task_count((size_t)r.ntiles), rse__gemm_task, &r);
}

/* Callbacks for plain matrices: blocks of RSE__KC along the reduction. */
RSE__KFN int rse__kblock_plain(const rse__gemm *g, int kb) {
    int rest = g->K - kb * RSE__KC;
    return rest < RSE__KC ? rest : RSE__KC;
}
RSE__KFN void rse__arows_plain(const rse__gemm *g, int kb, int i0, int mr, const float **rows, ptrdiff_t *ak) {
    int i;
    for (i = 0; i < mr; i++) rows[i] = g->A + (ptrdiff_t)(i0 + i) * g->a_rs + (ptrdiff_t)kb * RSE__KC * g->a_ks;
    *ak = g->a_ks;
}
/* A pre-packed by rse__pack_a: MR-row strips, k-major, so the MR values of
   one k are adjacent and a strip streams through one cache line at a time. */
RSE__KFN void rse__arows_packed(const rse__gemm *g, int kb, int i0, int mr, const float **rows, ptrdiff_t *ak) {
    const float *strip = g->A + (ptrdiff_t)(i0 / RSE__MR) * g->K * RSE__MR + (ptrdiff_t)kb * RSE__KC * RSE__MR;
    int i;
    for (i = 0; i < mr; i++) rows[i] = strip + i;
    *ak = RSE__MR;
}
/* Packs kc x nc of a B stored transposed or strided, B(p,j) = B[p*ks + j*ns]
   with ns != 1, into a panel (columns past nc zero). With ks == 1 (each
   column of B contiguous) whole vector blocks are transposed in registers,
   then the ragged rest element by element. */
RSE__KFN void rse__pack_bt(const float *B, ptrdiff_t ks, ptrdiff_t ns, int kc, int nc, float *dst) {
    int jv = 0, pv = 0, p, j;
    if (ks == 1) {
        jv = nc - nc % RSE_VEC_WIDTH; pv = kc - kc % RSE_VEC_WIDTH;
        for (j = 0; j < jv; j += RSE_VEC_WIDTH)
            for (p = 0; p < pv; p += RSE_VEC_WIDTH)
                rse__vec_transpose(B + (ptrdiff_t)j * ns + p, ns, dst + p * RSE__NR + j, RSE__NR);
    }
    for (j = 0; j < nc; j++) {
        const float *src = B + (ptrdiff_t)j * ns;
        for (p = j < jv ? pv : 0; p < kc; p++) dst[p * RSE__NR + j] = src[(ptrdiff_t)p * ks];
    }
    for (p = 0; p < kc; p++)
        for (j = nc; j < RSE__NR; j++) dst[p * RSE__NR + j] = 0.0f;
}

RSE__KFN void rse__packb_plain(const rse__gemm *g, int kb, int kc, int j0, int nc, float *dst) {
    int p, j;
    const float *B = g->B + (ptrdiff_t)kb * RSE__KC * g->b_ks + (ptrdiff_t)j0 * g->b_ns;
    /* Full-width panels (all but the last) as two straight vector copies a
       row: one loop of whole vectors then a ragged tail, for every width,
       was slower on a CLIP gradient (BENCH.md, 7 Dec 2026). */
    if (g->b_ns == 1 && nc == RSE__NR) {
        for (p = 0; p < kc; p++) {
            const float *src = B + (ptrdiff_t)p * g->b_ks;
            RSE_VEC_STORE(dst + p * RSE__NR, RSE_VEC_LOAD(src));
            RSE_VEC_STORE(dst + p * RSE__NR + RSE_VEC_WIDTH, RSE_VEC_LOAD(src + RSE_VEC_WIDTH));
        }
    } else if (g->b_ns == 1) { /* rows of B are contiguous: copy row by row */
        for (p = 0; p < kc; p++) {
            const float *src = B + (ptrdiff_t)p * g->b_ks;
            float *d = dst + p * RSE__NR;
            for (j = 0; j < nc; j++) d[j] = src[j];
            for (; j < RSE__NR; j++) d[j] = 0.0f;
        }
    } else {
        rse__pack_bt(B, g->b_ks, g->b_ns, kc, nc, dst);
    }
}

/* C = alpha * op(A) * op(B) + beta * C; see rse__sgemm_ref for the contract.
   Needs no scratch: B is packed into a 16 KB stack buffer per task, and A is
   read in place (row-major A streams along k; a transposed A reads MR
   adjacent floats per k). */
RSE__KFN void rse__sgemm_cb(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
                          const float *B, int ldb, float beta, float *C, int ldc, const float *cbias);
RSE__KFN void rse__sgemm(int transA, int transB, int M, int N, int K, float alpha,
    const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc) {
    rse__sgemm_cb(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, 0);
}

/* The same, then C[i][j] += cbias[j] (a linear layer's bias) in the tiles'
   epilogue instead of a pass of its own over C. */
RSE__KFN void rse__sgemm_cb(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
                          const float *B, int ldb, float beta, float *C, int ldc, const float *cbias) {
    rse__gemm g;
    if (M <= 0 || N <= 0) return;
    if (K <= 0) { /* no products: C = beta * C, with beta == 0 meaning "write zeros" */
        int i, j;
        for (i = 0; i < M; i++)
            for (j = 0; j < N; j++) {
                float *c = &C[(size_t)i * (size_t)ldc + (size_t)j];
                *c = beta == 0.0f ? 0.0f : beta * *c;
                if (cbias) *c += cbias[j];
            }
        return;
    }
    memset(&g, 0, sizeof g);
    g.M = M; g.N = N; g.K = K;
    g.nkb = (K + RSE__KC - 1) / RSE__KC;
    g.kblock = rse__kblock_plain;
    g.arows = rse__arows_plain;
    g.packb = rse__packb_plain;
    g.C = C; g.ldc = ldc; g.alpha = alpha; g.beta = beta;
    g.A = A; g.a_rs = transA ? 1 : lda; g.a_ks = transA ? lda : 1;
    g.B = B; g.b_ks = transB ? 1 : ldb; g.b_ns = transB ? ldb : 1;
    g.cbias = cbias;
    rse__gemm_run_all(&g);
}

/* Packs an M x K matrix, element (i,p) = src[i*rs + p*ks], into MR-row
   strips for rse__arows_packed; rows past M are zero. dst holds
   ceil(M/MR)*MR*K floats. */
RSE__KFN void rse__pack_a(float *dst, int M, int K, const float *src, ptrdiff_t rs, ptrdiff_t ks) {
    int s, p, i, nstrip = (M + RSE__MR - 1) / RSE__MR;
    for (s = 0; s < nstrip; s++)
        for (p = 0; p < K; p++)
            for (i = 0; i < RSE__MR; i++) {
                int row = s * RSE__MR + i;
                dst[((ptrdiff_t)s * K + p) * RSE__MR + i] = row < M ? src[(ptrdiff_t)row * rs + (ptrdiff_t)p * ks] : 0.0f;
            }
}

/* ---------------------------------------------------------------------------
   7.4 conv2d as implicit GEMM
   For one image and one group, forward is out (Kg x Ho*Wo) = Wg (Kg x R) *
   col (R x Ho*Wo) with R = Cg*KH*KW: row r = (c,ky,kx) of col holds, for
   each output pixel, the input value under that tap. packb_conv builds
   KC x NR slices of col straight from the image, so col never exists.
   ------------------------------------------------------------------------- */

/* B(r, j) of the implicit im2col of g->x (xc,xh,xw), zero outside the image.
   The NR pixels j0.. split into runs that lie on one output row; for stride
   1 a run reads consecutive input pixels, so it is a clipped copy. Rows r
   advance (c, ky, kx) like an odometer. This runs once per KC x NR block and
   is amortised over all Kg output channels, so it needs to be cheap, not
   clever: on 3x3 convs with 160 outputs it costs a few percent. */
RSE__KFN void rse__packb_conv(const rse__gemm *g, int kb, int kc, int j0, int nc, float *dst) {
    int rj[RSE__NR], rl[RSE__NR], roy[RSE__NR], rox[RSE__NR], nrun = 0, j, p, u, t, fast;
    int taps = g->kh * g->kw, r0 = kb * RSE__KC;
    int c = r0 / taps, ky = (r0 % taps) / g->kw, kx = r0 % g->kw;
    for (j = j0; j < j0 + nc;) {
        int oy = j / g->wo, ox = j % g->wo, len = g->wo - ox;
        if (len > j0 + nc - j) len = j0 + nc - j;
        rj[nrun] = j - j0; rl[nrun] = len; roy[nrun] = oy; rox[nrun] = ox; nrun++;
        j += len;
    }
    fast = nrun == 1 && nc == RSE__NR && g->stride == 1;
    for (p = 0; p < kc; p++) {
        float *d = dst + p * RSE__NR;
        const float *xch = g->x + (ptrdiff_t)c * g->xh * g->xw;
        if (fast) {
            /* The common case (stride 1, all NR pixels on one output row):
               if the NR input pixels are inside the image, a straight copy. */
            int iy = roy[0] - g->ph + ky, ix0 = rox[0] - g->pw + kx;
            if (iy >= 0 && iy < g->xh && ix0 >= 0 && ix0 + RSE__NR <= g->xw) {
                const float *src = xch + (ptrdiff_t)iy * g->xw + ix0;
                for (t = 0; t < RSE__NR; t += RSE_VEC_WIDTH) RSE_VEC_STORE(d + t, RSE_VEC_LOAD(src + t));
                if (++kx == g->kw) { kx = 0; if (++ky == g->kh) { ky = 0; c++; } }
                continue;
            }
        }
        /* Zero the whole row with vector stores, then copy the in-image part
           of each run over it (vector copies, so the compiler does not turn
           these short loops into memset/memcpy calls). */
        for (t = 0; t < RSE__NR; t += RSE_VEC_WIDTH) RSE_VEC_STORE(d + t, RSE_VEC_ZERO());
        for (u = 0; u < nrun; u++) {
            float *du = d + rj[u];
            int len = rl[u], iy = roy[u] * g->stride - g->ph + ky;
            int ix0 = rox[u] * g->stride - g->pw + kx;
            const float *row;
            if (iy < 0 || iy >= g->xh) continue; /* a padding row: stays zero */
            row = xch + (ptrdiff_t)iy * g->xw;
            if (g->stride == 1) {
                /* columns [tlo, thi) of the run fall inside the image */
                int tlo = ix0 < 0 ? -ix0 : 0, thi = g->xw - ix0;
                if (thi > len) thi = len;
                for (t = tlo; t + RSE_VEC_WIDTH <= thi; t += RSE_VEC_WIDTH)
                    RSE_VEC_STORE(du + t, RSE_VEC_LOAD(row + ix0 + t));
                for (; t < thi; t++) du[t] = row[ix0 + t];
            } else {
                for (t = 0; t < len; t++) {
                    int ix = ix0 + t * g->stride;
                    if (ix >= 0 && ix < g->xw) du[t] = row[ix];
                }
            }
        }
        if (++kx == g->kw) { kx = 0; if (++ky == g->kh) { ky = 0; c++; } }
    }
}

/* Floats taken by a matrix of M rows packed into MR-row strips. */
RSE__KFN size_t rse__packed_size(int M, int K) {
    return (size_t)((M + RSE__MR - 1) / RSE__MR) * RSE__MR * (size_t)K;
}

/* ---------------------------------------------------------------------------
   7.5 Depthwise convolution (groups == C == K, stride 1)
   SinDDM's 5x5 depthwise conv has 25 MACs per output, too few for a GEMM:
   each plane is zero-padded into a task buffer and then swept with vectors
   along x, one FMA per tap.
   ------------------------------------------------------------------------- */

/* out (ho,wo) = base + sum over taps of wk[t] * shifted xp, where xp is the
   padded plane (row stride wp); base is the bias (acc == 0) or out itself
   (acc == 1, for backward-data). flip reverses the taps (180-degree turn).
   Four vectors of pixels at a time share each weight broadcast, so the loop
   issues 1.25 loads per FMA instead of 2. Every pixel sums its taps in the
   same order whichever of the loops below handles it. */
/* One vector of depthwise outputs: the taps wl (kh x kw) over the padded
   rows starting at xr (row stride wp), one multiply-add chain per lane. */
RSE__KFN RSE_F32_VEC rse__dw_vec(const float *xr, int wp, const float *wl, int kh, int kw) {
    RSE_F32_VEC s0 = RSE_VEC_ZERO();
    int ky, kx;
    for (ky = 0; ky < kh; ky++, xr += wp)
        for (kx = 0; kx < kw; kx++) s0 = RSE_VEC_FMA(s0, RSE_VEC_SET1(wl[ky * kw + kx]), RSE_VEC_LOAD(xr + kx));
    return s0;
}

RSE__KFN void rse__dw_plane(float *out, const float *xp, int wp, const float *wk, int kh, int kw,
                          int flip, int ho, int wo, float bias, int acc) {
    int oy, ox, ky, kx, t, taps = kh * kw;
    float wl[64]; /* the taps in the order they are applied */
    for (t = 0; t < taps; t++) wl[t] = wk[flip ? taps - 1 - t : t];
    for (oy = 0; oy < ho; oy++) {
        float *o = out + (size_t)oy * wo;
        for (ox = 0; ox + 4 * RSE_VEC_WIDTH <= wo; ox += 4 * RSE_VEC_WIDTH) {
            RSE_F32_VEC s0 = RSE_VEC_ZERO(), s1 = RSE_VEC_ZERO(), s2 = RSE_VEC_ZERO(), s3 = RSE_VEC_ZERO();
            for (ky = 0; ky < kh; ky++) {
                const float *xr = xp + (size_t)(oy + ky) * wp + ox;
                for (kx = 0; kx < kw; kx++) {
                    RSE_F32_VEC wv = RSE_VEC_SET1(wl[ky * kw + kx]);
                    s0 = RSE_VEC_FMA(s0, wv, RSE_VEC_LOAD(xr + kx));
                    s1 = RSE_VEC_FMA(s1, wv, RSE_VEC_LOAD(xr + kx + RSE_VEC_WIDTH));
                    s2 = RSE_VEC_FMA(s2, wv, RSE_VEC_LOAD(xr + kx + 2 * RSE_VEC_WIDTH));
                    s3 = RSE_VEC_FMA(s3, wv, RSE_VEC_LOAD(xr + kx + 3 * RSE_VEC_WIDTH));
                }
            }
            if (acc) {
                RSE_VEC_STORE(o + ox, RSE_VEC_ADD(RSE_VEC_LOAD(o + ox), s0));
                RSE_VEC_STORE(o + ox + RSE_VEC_WIDTH, RSE_VEC_ADD(RSE_VEC_LOAD(o + ox + RSE_VEC_WIDTH), s1));
                RSE_VEC_STORE(o + ox + 2 * RSE_VEC_WIDTH, RSE_VEC_ADD(RSE_VEC_LOAD(o + ox + 2 * RSE_VEC_WIDTH), s2));
                RSE_VEC_STORE(o + ox + 3 * RSE_VEC_WIDTH, RSE_VEC_ADD(RSE_VEC_LOAD(o + ox + 3 * RSE_VEC_WIDTH), s3));
            } else {
                RSE_F32_VEC vb = RSE_VEC_SET1(bias);
                RSE_VEC_STORE(o + ox, RSE_VEC_ADD(vb, s0));
                RSE_VEC_STORE(o + ox + RSE_VEC_WIDTH, RSE_VEC_ADD(vb, s1));
                RSE_VEC_STORE(o + ox + 2 * RSE_VEC_WIDTH, RSE_VEC_ADD(vb, s2));
                RSE_VEC_STORE(o + ox + 3 * RSE_VEC_WIDTH, RSE_VEC_ADD(vb, s3));
            }
        }
        for (; ox + RSE_VEC_WIDTH <= wo; ox += RSE_VEC_WIDTH) {
            RSE_F32_VEC s0 = rse__dw_vec(xp + (size_t)oy * wp + ox, wp, wl, kh, kw);
            RSE_VEC_STORE(o + ox, RSE_VEC_ADD(acc ? RSE_VEC_LOAD(o + ox) : RSE_VEC_SET1(bias), s0));
        }
        if (ox < wo && wo >= RSE_VEC_WIDTH) {
            /* The last wo - ox pixels: one more vector ending at the row's
               end, overlapping pixels already done; only its new lanes are
               stored (an accumulating store must not add twice). Each lane
               is the same chain of multiply-adds as in the loops above, so
               a pixel's value does not depend on where its vector began.
               At 223 px and 16 lanes these are 15 pixels of the row that
               one lane at a time took half of the plane's time. */
            float tail[RSE_VEC_WIDTH];
            int x0 = wo - RSE_VEC_WIDTH, i;
            RSE_VEC_STORE(tail, rse__dw_vec(xp + (size_t)oy * wp + x0, wp, wl, kh, kw));
            for (i = ox - x0; i < RSE_VEC_WIDTH; i++) o[x0 + i] = (acc ? o[x0 + i] : bias) + tail[i];
            ox = wo;
        }
        for (; ox < wo; ox++) { /* a row narrower than a vector: one lane */
            float s0 = 0.0f;
            for (ky = 0; ky < kh; ky++)
                for (kx = 0; kx < kw; kx++) s0 += wl[ky * kw + kx] * xp[(size_t)(oy + ky) * wp + ox + kx];
            o[ox] = (acc ? o[ox] : bias) + s0;
        }
    }
}

RSE__KFN void rse__dw_task(void *ctx, int task, int ntasks) {
    const rse__dw_ctx *d = (const rse__dw_ctx *)ctx;
    const rse__conv2d_shape *s = d->s;
    float *buf = d->bufs + (size_t)task * d->bufsize;
    int taps = s->KH * s->KW;
    size_t lo, hi, q, HW = (size_t)s->H * s->W, P = (size_t)s->Ho * s->Wo;
    if (d->mode == 0 || d->mode == 1) {
        /* one task per range of (n, c) planes */
        rse__split_range((size_t)s->N * s->C, task, ntasks, &lo, &hi);
        for (q = lo; q < hi; q++) {
            int c = (int)(q % (size_t)s->C);
            if (d->mode == 0) {
                rse__pad_plane(buf, d->in + q * HW, s->H, s->W, s->pad, s->pad);
                rse__dw_plane(d->out + q * P, buf, s->W + 2 * s->pad, d->w + (size_t)c * taps, s->KH, s->KW, 0,
                              s->Ho, s->Wo, d->b ? d->b[c] : 0.0f, 0);
            } else {
                /* dx = dout correlated with the flipped kernel, padded by K-1-pad */
                int ph = s->KH - 1 - s->pad, pw = s->KW - 1 - s->pad;
                rse__pad_plane(buf, d->dout + q * P, s->Ho, s->Wo, ph, pw);
                rse__dw_plane(d->out + q * HW, buf, s->Wo + 2 * pw, d->w + (size_t)c * taps, s->KH, s->KW, 1,
                              s->H, s->W, 0.0f, 1);
            }
        }
    } else {
        /* backward-weight: one task per range of channels, summing over n */
        int wp = s->W + 2 * s->pad;
        rse__split_range((size_t)s->C, task, ntasks, &lo, &hi);
        for (q = lo; q < hi; q++) {
            RSE_F32_VEC vacc[64];
            float tail[64], bsum = 0.0f;
            int t, n, oy, ox;
            RSE_F32_VEC vb = RSE_VEC_ZERO();
            for (t = 0; t < taps; t++) { vacc[t] = RSE_VEC_ZERO(); tail[t] = 0.0f; }
            for (n = 0; n < s->N; n++) {
                const float *dp = d->dout + ((size_t)n * s->C + q) * P;
                rse__pad_plane(buf, d->in + ((size_t)n * s->C + q) * HW, s->H, s->W, s->pad, s->pad);
                for (t = 0; t < taps; t++) {
                    /* four independent accumulators hide the FMA latency */
                    int ky = t / s->KW, kx = t % s->KW;
                    RSE_F32_VEC v0 = vacc[t], v1 = RSE_VEC_ZERO(), v2 = RSE_VEC_ZERO(), v3 = RSE_VEC_ZERO();
                    float tl = tail[t];
                    for (oy = 0; oy < s->Ho; oy++) {
                        const float *xr = buf + (size_t)(oy + ky) * wp + kx, *dr = dp + (size_t)oy * s->Wo;
                        for (ox = 0; ox + 4 * RSE_VEC_WIDTH <= s->Wo; ox += 4 * RSE_VEC_WIDTH) {
                            v0 = RSE_VEC_FMA(v0, RSE_VEC_LOAD(dr + ox), RSE_VEC_LOAD(xr + ox));
                            v1 = RSE_VEC_FMA(v1, RSE_VEC_LOAD(dr + ox + RSE_VEC_WIDTH), RSE_VEC_LOAD(xr + ox + RSE_VEC_WIDTH));
                            v2 = RSE_VEC_FMA(v2, RSE_VEC_LOAD(dr + ox + 2 * RSE_VEC_WIDTH), RSE_VEC_LOAD(xr + ox + 2 * RSE_VEC_WIDTH));
                            v3 = RSE_VEC_FMA(v3, RSE_VEC_LOAD(dr + ox + 3 * RSE_VEC_WIDTH), RSE_VEC_LOAD(xr + ox + 3 * RSE_VEC_WIDTH));
                        }
                        for (; ox + RSE_VEC_WIDTH <= s->Wo; ox += RSE_VEC_WIDTH)
                            v0 = RSE_VEC_FMA(v0, RSE_VEC_LOAD(dr + ox), RSE_VEC_LOAD(xr + ox));
                        for (; ox < s->Wo; ox++) tl += dr[ox] * xr[ox];
                    }
                    vacc[t] = RSE_VEC_ADD(RSE_VEC_ADD(v0, v1), RSE_VEC_ADD(v2, v3));
                    tail[t] = tl;
                }
                if (d->db) {
                    size_t p;
                    for (p = 0; p + RSE_VEC_WIDTH <= P; p += RSE_VEC_WIDTH) vb = RSE_VEC_ADD(vb, RSE_VEC_LOAD(dp + p));
                    for (; p < P; p++) bsum += dp[p];
                }
            }
            for (t = 0; t < taps; t++) d->dw[q * taps + t] += RSE_VEC_REDUCE(vacc[t]) + tail[t];
            if (d->db) d->db[q] += RSE_VEC_REDUCE(vb) + bsum;
        }
    }
}

/* Runs one depthwise pass. Tasks own whole planes (forward, backward-data)
   or whole channels (backward-weight, which sums over the batch), each with
   its own padded-plane buffer, so no output is shared between threads. */
RSE__KFN rse_status rse__dw_run(rse__dw_ctx *d, rse__arena *scratch) {
    const rse__conv2d_shape *s = d->s;
    rse_arena_mark mark = rse__arena_get_mark(scratch);
    int ntasks = rse__task_count(d->mode == 2 ? (size_t)s->C : (size_t)s->N * s->C);
    int hp = s->H + 2 * s->pad, wp = s->W + 2 * s->pad;
    int hq = s->Ho + 2 * (s->KH - 1 - s->pad), wq = s->Wo + 2 * (s->KW - 1 - s->pad);
    d->bufsize = (size_t)hp * wp > (size_t)hq * wq ? (size_t)hp * wp : (size_t)hq * wq;
    d->bufsize = (d->bufsize + 15) & ~(size_t)15; /* keep each task's plane 64-byte aligned */
    d->bufs = rse__scratch_floats(scratch, d->bufsize * (size_t)ntasks, "conv2d depthwise");
    if (!d->bufs) return RSE_STATUS_NOMEM;
    rse__parallel(ntasks, rse__dw_task, d);
    rse__arena_release(scratch, mark);
    return RSE_STATUS_OK;
}

/* ---------------------------------------------------------------------------
   7.6 3x3 convolutions by Winograd's F(2x2,3x3)
   A 2x2 block of outputs of a 3x3 convolution needs 36 multiply-adds per
   input channel done directly; Winograd's minimal filtering algorithm (as
   Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks",
   2015) does it in 16, with cheap linear transforms on either side:

       Y = A^T [ sum over c of (G g_kc G^T) .* (B^T d_c B) ] A

   d_c: the 4x4 input tile of channel c under the 2x2 output tile (tiles
   overlap by 2), g_kc: the 3x3 kernel, .* elementwise, and

       B^T = [1  0 -1  0]    G = [ 1    0    0 ]    A^T = [1 1  1  0]
             [0  1  1  0]        [1/2  1/2  1/2]          [0 1 -1 -1]
             [0 -1  1  0]        [1/2 -1/2  1/2]
             [0  1  0 -1]        [ 0    0    1 ]

   The sum over channels at each of the 16 positions xi of the 4x4 tile is
   a matrix product: M_xi (K x T) = U_xi (K x C) . V_xi (C x T) over the T
   tiles, so the multiply-adds become 16 GEMMs of 2.25x fewer products in
   all than the implicit im2col's single one (which needs 9 per output and
   channel pair against 16/4 = 4 here). The transforms are additions only
   (G's halves are exact), done as loops over a row of tiles that the
   compiler vectorises (rse__wino_bt/_at below): the input's even and odd
   columns are split first, so tile t's four columns are E[t], O[t],
   E[t+1], O[t+1]; a row's transform serves two tile rows (they overlap).

   Accuracy: each output is the same sum in another order through the
   transforms; against float64 it stays within a few float32 roundings of
   the largest term (tests/test_kernels.c bounds it like the direct path).
   Determinism: a tile's transforms are one task's and each GEMM runs
   whole on one thread, so the bits do not depend on the thread count.
   Memory: V and M for a band of tile rows at a time, about 8 MB of
   scratch per thread, whatever the image size. The bits do not depend on
   the band: each output is one GEMM element and one tile's transforms.
   Used (7.7) for stride-1, 3x3, ungrouped convolutions with enough
   channels (below), forward and backward-data (a 3x3 convolution of dout
   with the kernels turned 180 degrees and the channel roles swapped).
   At 160 channels it beats the direct path forward and backward-data
   (BENCH.md, 7 Dec 2026).
   Backward-weight stays direct. Done this way (dU = the sum over tiles of
   (A dY A^T) .* V, then dg = G^T dU G), its 16 GEMMs reduce over the tiles
   and must pack both long operands, so the transforms and the packing cost
   more than the products save (measured: BENCH.md, 7 Dec 2026).
   ------------------------------------------------------------------------- */

RSE__KFN void rse__wino_weights_task(void *ctx, int task, int ntasks) {
    const rse__wino_wjob *j = (const rse__wino_wjob *)ctx;
    size_t lo, hi, o, st = (size_t)j->Co * j->Ci;
    int i, a, q;
    rse__split_range((size_t)j->Co, task, ntasks, &lo, &hi);
    for (o = lo; o < hi; o++)
        for (i = 0; i < j->Ci; i++) {
            float g[9], t[4][3];
            if (j->turned) {
                const float *w = j->w + ((size_t)i * j->Co + o) * 9;
                for (q = 0; q < 9; q++) g[q] = w[8 - q];
            } else {
                memcpy(g, j->w + (o * j->Ci + (size_t)i) * 9, sizeof g);
            }
            for (q = 0; q < 3; q++) { /* t = G g: the kernel's rows combined */
                t[0][q] = g[q];
                t[1][q] = 0.5f * (g[q] + g[3 + q] + g[6 + q]);
                t[2][q] = 0.5f * (g[q] - g[3 + q] + g[6 + q]);
                t[3][q] = g[6 + q];
            }
            for (a = 0; a < 4; a++) { /* (G g) G^T: its columns likewise; xi = a*4 + b */
                float *u = j->U + ((size_t)(a * 4) * j->Co + o) * j->Ci + i;
                u[0] = t[a][0];
                u[st] = 0.5f * (t[a][0] + t[a][1] + t[a][2]);
                u[2 * st] = 0.5f * (t[a][0] - t[a][1] + t[a][2]);
                u[3 * st] = t[a][2];
            }
        }
}

RSE__KFN float *rse__wino_weights(rse__arena *scratch, const float *w, int Co, int Ci, int turned) {
    rse__wino_wjob j;
    j.U = rse__scratch_floats(scratch, (size_t)16 * Co * Ci, "winograd weights");
    if (!j.U) return 0;
    j.w = w; j.Co = Co; j.Ci = Ci; j.turned = turned;
    rse__parallel(rse__task_count((size_t)Co), rse__wino_weights_task, &j);
    return j.U;
}

/* The transforms on n tiles at once, each a run of one row or column per
   tile: B^T's four combinations of four inputs, and A^T's two of four plus
   a bias. In vectors, then the ragged end: compilers vectorise such loops
   by themselves only at -O3 (and only as wide as the -march flags say). */
RSE__KFN void rse__wino_bt(int n, float *restrict d0, float *restrict d1, float *restrict d2, float *restrict d3,
                         const float *restrict x0, const float *restrict x1, const float *restrict x2,
                         const float *restrict x3) {
    int t;
    for (t = 0; t + RSE_VEC_WIDTH <= n; t += RSE_VEC_WIDTH) {
        RSE_F32_VEC a = RSE_VEC_LOAD(x0 + t), b = RSE_VEC_LOAD(x1 + t), c = RSE_VEC_LOAD(x2 + t), e = RSE_VEC_LOAD(x3 + t);
        RSE_VEC_STORE(d0 + t, RSE_VEC_SUB(a, c));
        RSE_VEC_STORE(d1 + t, RSE_VEC_ADD(b, c));
        RSE_VEC_STORE(d2 + t, RSE_VEC_SUB(c, b));
        RSE_VEC_STORE(d3 + t, RSE_VEC_SUB(b, e));
    }
    for (; t < n; t++) {
        d0[t] = x0[t] - x2[t];
        d1[t] = x1[t] + x2[t];
        d2[t] = x2[t] - x1[t];
        d3[t] = x1[t] - x3[t];
    }
}

RSE__KFN void rse__wino_at(int n, float *restrict y0, float *restrict y1, const float *restrict m0,
                         const float *restrict m1, const float *restrict m2, const float *restrict m3, float b) {
    const RSE_F32_VEC vb = RSE_VEC_SET1(b);
    int t;
    for (t = 0; t + RSE_VEC_WIDTH <= n; t += RSE_VEC_WIDTH) {
        RSE_F32_VEC a = RSE_VEC_LOAD(m0 + t), p = RSE_VEC_LOAD(m1 + t), c = RSE_VEC_LOAD(m2 + t), e = RSE_VEC_LOAD(m3 + t);
        RSE_VEC_STORE(y0 + t, RSE_VEC_ADD(RSE_VEC_ADD(RSE_VEC_ADD(a, p), c), vb));
        RSE_VEC_STORE(y1 + t, RSE_VEC_ADD(RSE_VEC_SUB(RSE_VEC_SUB(p, c), e), vb));
    }
    for (; t < n; t++) {
        y0[t] = m0[t] + m1[t] + m2[t] + b;
        y1[t] = m1[t] - m2[t] - m3[t] + b;
    }
}

/* o[2t] (+)= P[t], o[2t+1] (+)= Q[t] for the n outputs of a row: a row of
   tiles' even and odd output columns back into place. */
RSE__KFN void rse__wino_zip(int n, float *restrict o, const float *restrict P, const float *restrict Q, int acc) {
    int t, h = n / 2;
    if (acc) for (t = 0; t < h; t++) { o[2 * t] += P[t]; o[2 * t + 1] += Q[t]; }
    else for (t = 0; t < h; t++) { o[2 * t] = P[t]; o[2 * t + 1] = Q[t]; }
    if (n & 1) o[n - 1] = acc ? o[n - 1] + P[h] : P[h];
}

/* V = B^T d B for the band's tiles, channels split across tasks. */
RSE__KFN void rse__wino_in_task(void *ctx, int task, int ntasks) {
    const rse__wino_job *j = (const rse__wino_job *)ctx;
    int tW = j->tW, Wp = 2 * tW + 2, ty, r, i;
    float *row = j->tmp + (size_t)task * j->tmp_floats;     /* Wp            */
    float *e = row + Wp, *o = e + tW + 1;                    /* its even, odd columns */
    float *u = o + tW + 1;                                   /* 4 rows x 4 x tW       */
    const float *ru[4];
    int xlo = j->p, xhi = j->p + j->W;                       /* in-image part of a row */
    size_t lo, hi, c;
    if (xhi > Wp) xhi = Wp;
    rse__split_range((size_t)j->Ci, task, ntasks, &lo, &hi);
    for (c = lo; c < hi; c++) {
        const float *xc = j->x + c * (size_t)j->H * j->W;
        for (ty = 0; ty < j->nty; ty++) {
            int y0 = 2 * (j->ty0 + ty) - j->p;
            size_t tb = (size_t)ty * tW;
            for (r = ty ? 2 : 0; r < 4; r++) {
                /* input row y0 + r, columns -p .. 2tW+1-p, zero outside the
                   image; its row transform goes to slot y mod 4 (y >= -2),
                   where tile row ty + 1 finds it as its row r - 2 */
                int y = y0 + r;
                float *ur = u + (size_t)((y + 4) & 3) * 4 * tW;
                for (i = 0; i < Wp; i++) row[i] = 0.0f;
                if (y >= 0 && y < j->H && xhi > xlo) memcpy(row + xlo, xc + (size_t)y * j->W, (size_t)(xhi - xlo) * sizeof(float));
                for (i = 0; i <= tW; i++) { e[i] = row[2 * i]; o[i] = row[2 * i + 1]; }
                /* d B along the row: tile t's columns are e[t], o[t], e[t+1], o[t+1] */
                rse__wino_bt(tW, ur, ur + tW, ur + 2 * tW, ur + 3 * tW, e, o, e + 1, o + 1);
            }
            for (r = 0; r < 4; r++) ru[r] = u + (size_t)((y0 + r + 4) & 3) * 4 * tW; /* rows y0 .. y0+3 */
            for (i = 0; i < 4; i++) { /* B^T (d B) down the column: V_xi, xi = a*4 + i */
                size_t pl = (size_t)4 * j->Ci * j->Tb, it = (size_t)i * tW;
                float *v0 = j->V + ((size_t)i * j->Ci + c) * j->Tb + tb;
                rse__wino_bt(tW, v0, v0 + pl, v0 + 2 * pl, v0 + 3 * pl, ru[0] + it, ru[1] + it, ru[2] + it, ru[3] + it);
            }
        }
    }
}

/* Y = A^T M A for the band's tiles, output channels split across tasks;
   the 2x2 outputs of a row of tiles are interleaved into two output rows. */
RSE__KFN void rse__wino_out_task(void *ctx, int task, int ntasks) {
    const rse__wino_job *j = (const rse__wino_job *)ctx;
    int tW = j->tW, ty, i, a;
    float *s = j->tmp + (size_t)task * j->tmp_floats;        /* 8 x tW: s0, s1 per row i */
    float *y = s + 8 * (size_t)tW;                           /* 4 x tW: y00 y01 y10 y11 */
    size_t lo, hi, k, plane = (size_t)j->Co * j->Tb;
    rse__split_range((size_t)j->Co, task, ntasks, &lo, &hi);
    for (k = lo; k < hi; k++) {
        float b = j->bias ? j->bias[k] : 0.0f;
        for (ty = 0; ty < j->nty; ty++) {
            for (i = 0; i < 4; i++) { /* M A along the row (xi = i*4 + q) */
                const float *m0 = j->M + ((size_t)(i * 4) * j->Co + k) * j->Tb + (size_t)ty * tW;
                rse__wino_at(tW, s + (size_t)i * tW, s + (size_t)(4 + i) * tW, m0, m0 + plane, m0 + 2 * plane, m0 + 3 * plane, 0.0f);
            }
            for (a = 0; a < 2; a++) { /* A^T (M A) down the column: ya row 2ty, yb row 2ty+1, columns 2t + a */
                const float *p0 = s + (size_t)(4 * a) * tW;
                rse__wino_at(tW, y + (size_t)(2 * a) * tW, y + (size_t)(2 * a + 1) * tW, p0, p0 + tW, p0 + 2 * tW, p0 + 3 * tW, b);
            }
            for (a = 0; a < 2; a++) {
                int oy = 2 * (j->ty0 + ty) + a;
                float *o;
                if (oy >= j->Ho) break;
                o = j->out + (k * (size_t)j->Ho + (size_t)oy) * j->Wo;
                /* column ox comes from y[(ox&1)*2 + a] at tile ox/2 */
                rse__wino_zip(j->Wo, o, y + (size_t)a * tW, y + (size_t)(2 + a) * tW, j->acc);
            }
        }
    }
}

/* M_xi (Co,Tb) = U_xi (Co,Ci) . V_xi (Ci,Tb), one GEMM per task: each runs
   whole on one thread (nested parallel calls run inline), which syncs the
   pool once for the 16 instead of once each (a band of a 223x223 image is
   three tile rows: 37 bands, 600 syncs a call otherwise), and keeps each
   GEMM's operands in one core's cache. The GEMM's bits do not depend on
   how many threads run it. */
RSE__KFN void rse__wino_gemm_task(void *ctx, int task, int ntasks) {
    const rse__wino_job *j = (const rse__wino_job *)ctx;
    size_t lo, hi, xi;
    rse__split_range(16, task, ntasks, &lo, &hi);
    for (xi = lo; xi < hi; xi++)
        rse__sgemm(0, 0, j->Co, (int)j->Tb, j->Ci, 1.0f, j->U + xi * j->Co * j->Ci, j->Ci, j->V + xi * j->Ci * j->Tb,
                   (int)j->Tb, 0.0f, j->M + xi * j->Co * j->Tb, (int)j->Tb);
}

/* out (Co,Ho,Wo) = (or +=, acc) the 3x3 convolution of x (Ci,H,W), zero
   padding p, stride 1, with the transformed kernels U (16,Co,Ci), + bias. */
RSE__KFN rse_status rse__wino_run(float *out, const float *x, const float *U, const float *bias,
                                int Ci, int Co, int H, int W, int Ho, int Wo, int p, int acc, rse__arena *scratch) {
    rse__wino_job j;
    rse_arena_mark mark = rse__arena_get_mark(scratch);
    int tH = (Ho + 1) / 2, ntasks = rse__task_count((size_t)(Ci > Co ? Ci : Co));
    size_t per_row;
    memset(&j, 0, sizeof j);
    j.x = x; j.U = U; j.bias = bias; j.out = out; j.acc = acc;
    j.Ci = Ci; j.Co = Co; j.H = H; j.W = W; j.Ho = Ho; j.Wo = Wo; j.p = p; j.tW = (Wo + 1) / 2;
    /* a band of tile rows whose V and M fit the budget (at least one row) */
    per_row = (size_t)16 * (size_t)(Ci + Co) * (size_t)j.tW;
    j.nty = (int)(RSE__WINO_BAND_FLOATS * (size_t)rse__parallel_width() / per_row);
    if (j.nty < 1) j.nty = 1;
    if (j.nty > tH) j.nty = tH;
    /* per task: the input transform's row, its halves and 4 transformed
       rows; the output transform needs less (12 tW) */
    j.tmp_floats = ((size_t)(2 * j.tW + 2) + 2 * (size_t)(j.tW + 1) + 16 * (size_t)j.tW + 15) & ~(size_t)15;
    j.V = rse__scratch_floats(scratch, per_row / (size_t)(Ci + Co) * Ci * (size_t)j.nty, "winograd V");
    j.M = j.V ? rse__scratch_floats(scratch, per_row / (size_t)(Ci + Co) * Co * (size_t)j.nty, "winograd M") : 0;
    j.tmp = j.M ? rse__scratch_floats(scratch, j.tmp_floats * (size_t)ntasks, "winograd rows") : 0;
    if (!j.tmp) { rse__arena_release(scratch, mark); return RSE_STATUS_NOMEM; }
    for (j.ty0 = 0; j.ty0 < tH; j.ty0 += j.nty) {
        int nty = j.nty;
        if (j.ty0 + nty > tH) j.nty = tH - j.ty0;
        j.Tb = (size_t)j.nty * j.tW;
        rse__parallel(ntasks, rse__wino_in_task, &j);
        rse__parallel(16, rse__wino_gemm_task, &j);
        rse__parallel(ntasks, rse__wino_out_task, &j);
        j.nty = nty;
    }
    rse__arena_release(scratch, mark);
    return RSE_STATUS_OK;
}

/* ---------------------------------------------------------------------------
   7.7 conv2d: forward, backward-data, backward-weight
   Which path each call takes (per image n and group g, R = Cg*KH*KW):
     - depthwise (groups == C == K), stride 1, pad < kernel: 7.5, all three;
     - 3x3, stride 1, ungrouped, 64+ channels on both sides and 160+
       together: forward and backward-data by Winograd (7.6);
     - forward: implicit GEMM out = Wg * col(x) (1x1 stride 1 pad 0: x itself
       is the B matrix);
     - backward-data, stride 1 and pad <= K-1: the same implicit GEMM on dout
       with the taps turned 180 degrees and Wg transposed; otherwise
       col = Wg^T * dout into scratch, then col2im adds it into dx;
     - backward-weight, Wo >= 32: dWg^T += col(x) * dout^T with one output
       row per reduction block, A read from a zero-padded copy of x;
       Wo < 32: dWg += dout * col(x)^T over all pixels at once.

   All of them allocate their scratch (packed weights, padded planes, col)
   from the caller's arena between a mark and a release, so a training loop
   that reuses the arena stops calling malloc after its first step.
   ------------------------------------------------------------------------- */

/* out = conv(x, w) + b (b may be NULL); out is overwritten. Per image and
   group: one implicit GEMM with the weights packed once into MR-row strips
   (1x1 stride-1 convolutions read x directly as the B matrix). */
RSE__KFN rse_status rse__conv2d_forward(float *out, const float *x, const float *w, const float *b,
                                       const rse__conv2d_shape *s, rse__arena *scratch) {
    rse_status st = rse__conv2d_check(s);
    int Cg, Kg, R, n, gi;
    size_t P, HW, strip;
    float *Ap;
    rse_arena_mark mark;
    rse__gemm g;
    if (st) return st;
    if (!scratch) return rse__conv2d_forward_ref(out, x, w, b, s);
    if (rse__dw_applies(s)) {
        rse__dw_ctx d;
        memset(&d, 0, sizeof d);
        d.out = out; d.in = x; d.w = w; d.b = b; d.s = s; d.mode = 0;
        return rse__dw_run(&d, scratch);
    }
    if (rse__wino_applies(s)) {
        float *U;
        mark = rse__arena_get_mark(scratch);
        if (!(U = rse__wino_weights(scratch, w, s->K, s->C, 0))) return RSE_STATUS_NOMEM;
        for (n = 0; n < s->N && !st; n++)
            st = rse__wino_run(out + (size_t)n * s->K * s->Ho * s->Wo, x + (size_t)n * s->C * s->H * s->W, U, b,
                               s->C, s->K, s->H, s->W, s->Ho, s->Wo, s->pad, 0, scratch);
        rse__arena_release(scratch, mark);
        return st;
    }
    Cg = s->C / s->groups; Kg = s->K / s->groups; R = Cg * s->KH * s->KW;
    P = (size_t)s->Ho * s->Wo; HW = (size_t)s->H * s->W;
    /* The weights are packed on every call: one pass over K*R floats, tiny
       next to the K*R*Ho*Wo*N multiply-adds, and it keeps the kernel free
       of caches that would have to be invalidated when the weights change. */
    strip = rse__packed_size(Kg, R);
    mark = rse__arena_get_mark(scratch);
    Ap = rse__scratch_floats(scratch, strip * (size_t)s->groups, "conv2d forward");
    if (!Ap) return RSE_STATUS_NOMEM;
    for (gi = 0; gi < s->groups; gi++) rse__pack_a(Ap + strip * gi, Kg, R, w + (size_t)gi * Kg * R, R, 1);
    memset(&g, 0, sizeof g);
    g.M = Kg; g.N = (int)P; g.K = R;
    g.nkb = (R + RSE__KC - 1) / RSE__KC;
    g.kblock = rse__kblock_plain;
    g.arows = rse__arows_packed;
    g.ldc = (ptrdiff_t)P; g.alpha = 1.0f; g.beta = 0.0f;
    g.xc = Cg; g.xh = s->H; g.xw = s->W; g.kh = s->KH; g.kw = s->KW;
    g.stride = s->stride; g.ph = s->pad; g.pw = s->pad; g.wo = s->Wo;
    if (s->KH == 1 && s->KW == 1 && s->stride == 1 && s->pad == 0) {
        g.packb = rse__packb_plain; g.b_ks = (ptrdiff_t)HW; g.b_ns = 1;
    } else {
        g.packb = rse__packb_conv;
    }
    /* One GEMM per image and group; each is split across the threads by
       pixel tiles (a 111x111 image has 771 of them). */
    for (n = 0; n < s->N; n++)
        for (gi = 0; gi < s->groups; gi++) {
            g.A = Ap + strip * gi;
            g.x = g.B = x + ((size_t)n * s->C + (size_t)gi * Cg) * HW;
            g.C = out + ((size_t)n * s->K + (size_t)gi * Kg) * P;
            g.bias = b ? b + (size_t)gi * Kg : 0;
            rse__gemm_run_all(&g);
        }
    rse__arena_release(scratch, mark);
    return RSE_STATUS_OK;
}

/* dx[c] += the col rows of channel c, scattered back to the input pixels
   they were read from. One task per channel range: no write conflicts. */
RSE__KFN void rse__col2im_task(void *ctx, int task, int ntasks) {
    const rse__col2im_ctx *d = (const rse__col2im_ctx *)ctx;
    const rse__conv2d_shape *s = d->s;
    size_t lo, hi, c, P = (size_t)s->Ho * s->Wo;
    int ky, kx, oy, ox;
    rse__split_range((size_t)d->Cg, task, ntasks, &lo, &hi);
    for (c = lo; c < hi; c++) {
        float *dxc = d->dx + (d->c0 + c) * (size_t)s->H * s->W;
        for (ky = 0; ky < s->KH; ky++)
            for (kx = 0; kx < s->KW; kx++) {
                const float *row = d->col + ((c * s->KH + ky) * s->KW + kx) * P;
                for (oy = 0; oy < s->Ho; oy++) {
                    int iy = oy * s->stride - s->pad + ky;
                    if (iy < 0 || iy >= s->H) continue;
                    for (ox = 0; ox < s->Wo; ox++) {
                        int ix = ox * s->stride - s->pad + kx;
                        if (ix >= 0 && ix < s->W) dxc[(size_t)iy * s->W + ix] += row[(size_t)oy * s->Wo + ox];
                    }
                }
            }
    }
}

/* dx += transposed conv of dout with w.
   Stride 1: the transposed conv is itself a convolution, of dout (Kg
   channels) with the weights turned 180 degrees and with input and output
   channels swapped, padded by K-1-pad; the same implicit GEMM then adds
   straight into dx. Other strides: col = Wg^T * dout (a GEMM into scratch),
   then col2im scatters col into dx. */
RSE__KFN rse_status rse__conv2d_backward_data(float *dx, const float *dout, const float *w,
                                             const rse__conv2d_shape *s, rse__arena *scratch) {
    rse_status st = rse__conv2d_check(s);
    int Cg, Kg, taps, R, n, gi;
    size_t P, HW;
    rse_arena_mark mark;
    rse__gemm g;
    if (st) return st;
    if (!scratch) return rse__conv2d_backward_data_ref(dx, dout, w, s);
    if (rse__dw_applies(s)) {
        rse__dw_ctx d;
        memset(&d, 0, sizeof d);
        d.out = dx; d.dout = dout; d.w = w; d.s = s; d.mode = 1;
        return rse__dw_run(&d, scratch);
    }
    if (rse__wino_applies(s)) {
        /* the 3x3 convolution of dout, padded 2 - pad, with the turned
           kernels (see the implicit GEMM below), added into dx */
        float *U;
        mark = rse__arena_get_mark(scratch);
        if (!(U = rse__wino_weights(scratch, w, s->C, s->K, 1))) return RSE_STATUS_NOMEM;
        for (n = 0; n < s->N && !st; n++)
            st = rse__wino_run(dx + (size_t)n * s->C * s->H * s->W, dout + (size_t)n * s->K * s->Ho * s->Wo, U, 0,
                               s->K, s->C, s->Ho, s->Wo, s->H, s->W, 2 - s->pad, 1, scratch);
        rse__arena_release(scratch, mark);
        return st;
    }
    Cg = s->C / s->groups; Kg = s->K / s->groups; taps = s->KH * s->KW; R = Cg * taps;
    P = (size_t)s->Ho * s->Wo; HW = (size_t)s->H * s->W;
    mark = rse__arena_get_mark(scratch);
    memset(&g, 0, sizeof g);
    g.kblock = rse__kblock_plain;
    g.arows = rse__arows_packed;
    g.alpha = 1.0f;
    if (s->stride == 1 && s->pad <= s->KH - 1 && s->pad <= s->KW - 1) {
        /* dx[c][y][x] = sum over k, taps of dout[k][y-ky+pad][x-kx+pad] *
           w[k][c][ky][kx]: substituting ky' = KH-1-ky turns this into a
           correlation of dout, padded by KH-1-pad, with the turned kernel,
           whose "input channels" are the K outputs. */
        int Rt = Kg * taps, c, k, t;
        size_t strip = rse__packed_size(Cg, Rt);
        float *Ap = rse__scratch_floats(scratch, strip * (size_t)s->groups, "conv2d backward-data");
        if (!Ap) return RSE_STATUS_NOMEM;
        /* A(c, (k,t)) = w[k][c][taps-1-t], packed in MR-row strips */
        for (gi = 0; gi < s->groups; gi++) {
            float *A = Ap + strip * gi;
            const float *wg = w + (size_t)gi * Kg * R;
            for (c = 0; c < (int)(strip / (size_t)Rt); c++)
                for (k = 0; k < Kg; k++)
                    for (t = 0; t < taps; t++)
                        A[((size_t)(c / RSE__MR) * Rt + (size_t)k * taps + t) * RSE__MR + c % RSE__MR] =
                            c < Cg ? wg[((size_t)k * Cg + c) * taps + (taps - 1 - t)] : 0.0f;
        }
        g.M = Cg; g.N = (int)HW; g.K = Rt;
        g.nkb = (Rt + RSE__KC - 1) / RSE__KC;
        g.packb = rse__packb_conv;
        g.ldc = (ptrdiff_t)HW; g.beta = 1.0f; /* accumulate into dx */
        g.xc = Kg; g.xh = s->Ho; g.xw = s->Wo; g.kh = s->KH; g.kw = s->KW; g.stride = 1;
        g.ph = s->KH - 1 - s->pad; g.pw = s->KW - 1 - s->pad; g.wo = s->W;
        if (s->KH == 1 && s->KW == 1 && s->pad == 0) { /* 1x1: dout is the B matrix as it is */
            g.packb = rse__packb_plain; g.b_ks = (ptrdiff_t)P; g.b_ns = 1;
        }
        for (n = 0; n < s->N; n++)
            for (gi = 0; gi < s->groups; gi++) {
                g.A = Ap + strip * gi;
                g.x = g.B = dout + ((size_t)n * s->K + (size_t)gi * Kg) * P;
                g.C = dx + ((size_t)n * s->C + (size_t)gi * Cg) * HW;
                rse__gemm_run_all(&g);
            }
    } else {
        size_t strip = rse__packed_size(R, Kg);
        float *Ap = rse__scratch_floats(scratch, strip * (size_t)s->groups, "conv2d backward-data");
        float *col = Ap ? rse__scratch_floats(scratch, (size_t)R * P, "conv2d backward-data") : 0;
        rse__col2im_ctx cc;
        if (!col) { rse__arena_release(scratch, mark); return RSE_STATUS_NOMEM; }
        /* A = Wg^T: (R x Kg), element (r,k) = wg[k*R + r] */
        for (gi = 0; gi < s->groups; gi++) rse__pack_a(Ap + strip * gi, R, Kg, w + (size_t)gi * Kg * R, 1, R);
        g.M = R; g.N = (int)P; g.K = Kg;
        g.nkb = (Kg + RSE__KC - 1) / RSE__KC;
        g.packb = rse__packb_plain; g.b_ks = (ptrdiff_t)P; g.b_ns = 1;
        g.C = col; g.ldc = (ptrdiff_t)P; g.beta = 0.0f;
        cc.s = s; cc.col = col; cc.Cg = Cg;
        for (n = 0; n < s->N; n++)
            for (gi = 0; gi < s->groups; gi++) {
                g.A = Ap + strip * gi;
                g.B = dout + ((size_t)n * s->K + (size_t)gi * Kg) * P;
                rse__gemm_run_all(&g);
                cc.dx = dx + (size_t)n * s->C * HW;
                cc.c0 = gi * Cg;
                rse__parallel(rse__task_count((size_t)Cg), rse__col2im_task, &cc);
            }
    }
    rse__arena_release(scratch, mark);
    return RSE_STATUS_OK;
}

/* Backward-weight as a GEMM over pixels: dWg^T (R x Kg) += col (R x P) *
   dout^T (P x Kg), one image at a time. Each reduction block is (part of)
   one output row, so the MR rows of A are runs of the zero-padded image
   read with step = stride, and B is a transposed slice of dout. */
RSE__KFN int rse__kblock_bw(const rse__gemm *g, int kb) {
    int rest = g->wo - (kb % g->nchunk) * RSE__KC;
    return rest < RSE__KC ? rest : RSE__KC;
}
RSE__KFN void rse__arows_bw(const rse__gemm *g, int kb, int i0, int mr, const float **rows, ptrdiff_t *ak) {
    int oy = kb / g->nchunk, ox0 = (kb % g->nchunk) * RSE__KC, i;
    const float *base = g->x + (ptrdiff_t)oy * g->stride * g->xw + (ptrdiff_t)ox0 * g->stride;
    for (i = 0; i < mr; i++) rows[i] = base + g->roff[i0 + i];
    *ak = g->stride;
}
RSE__KFN void rse__packb_bw(const rse__gemm *g, int kb, int kc, int j0, int nc, float *dst) {
    int oy = kb / g->nchunk, ox0 = (kb % g->nchunk) * RSE__KC;
    /* B(p,j) = dout[j0+j][oy][ox0+p]: channels b_ns (the whole image's
       Ho*Wo) apart, pixels adjacent */
    rse__pack_bt(g->B + (ptrdiff_t)j0 * g->b_ns + (ptrdiff_t)oy * g->wo + ox0, 1, g->b_ns, kc, nc, dst);
}

/* For small outputs (CLIP's 7x7 patch grid) an output row is too short a
   reduction block, so the roles turn: dWg (Kg x R) += dout (Kg x P) *
   col^T (P x R), reducing over all pixels of the image in blocks of KC, with
   B(p, r) = col(r, p) gathered from the image (zero outside). */
RSE__KFN void rse__packb_colT(const rse__gemm *g, int kb, int kc, int j0, int nc, float *dst) {
    int taps = g->kh * g->kw, p0 = kb * RSE__KC, j, p;
    for (j = 0; j < nc; j++) {
        int r = j0 + j, c = r / taps, ky = (r % taps) / g->kw, kx = r % g->kw;
        int oy = p0 / g->wo, ox = p0 % g->wo;
        const float *xch = g->x + (ptrdiff_t)c * g->xh * g->xw;
        for (p = 0; p < kc; p++) {
            int iy = oy * g->stride - g->ph + ky, ix = ox * g->stride - g->pw + kx;
            dst[p * RSE__NR + j] = iy >= 0 && iy < g->xh && ix >= 0 && ix < g->xw ? xch[(ptrdiff_t)iy * g->xw + ix] : 0.0f;
            if (++ox == g->wo) { ox = 0; oy++; }
        }
    }
    for (p = 0; p < kc; p++)
        for (j = nc; j < RSE__NR; j++) dst[p * RSE__NR + j] = 0.0f;
}

/* Pads the channels of one image (task split over channels). */
RSE__KFN void rse__bw_pad_task(void *ctx, int task, int ntasks) {
    const rse__bw_ctx *d = (const rse__bw_ctx *)ctx;
    const rse__conv2d_shape *s = d->s;
    size_t lo, hi, c, hp = (size_t)s->H + 2 * s->pad, wp = (size_t)s->W + 2 * s->pad;
    rse__split_range((size_t)s->C, task, ntasks, &lo, &hi);
    for (c = lo; c < hi; c++)
        rse__pad_plane(d->dst + c * hp * wp, d->src + c * (size_t)s->H * s->W, s->H, s->W, s->pad, s->pad);
}

/* db[k] += sum of dout over n and pixels, one task per channel range. */
RSE__KFN void rse__bias_grad_task(void *ctx, int task, int ntasks) {
    const rse__bw_ctx *d = (const rse__bw_ctx *)ctx;
    const rse__conv2d_shape *s = d->s;
    size_t lo, hi, k, p, P = (size_t)s->Ho * s->Wo;
    int n;
    rse__split_range((size_t)s->K, task, ntasks, &lo, &hi);
    for (k = lo; k < hi; k++) {
        RSE_F32_VEC v = RSE_VEC_ZERO();
        float tail = 0.0f;
        for (n = 0; n < s->N; n++) {
            const float *dp = d->dout + ((size_t)n * s->K + k) * P;
            for (p = 0; p + RSE_VEC_WIDTH <= P; p += RSE_VEC_WIDTH) v = RSE_VEC_ADD(v, RSE_VEC_LOAD(dp + p));
            for (; p < P; p++) tail += dp[p];
        }
        d->db[k] += RSE_VEC_REDUCE(v) + tail;
    }
}

/* dw += correlation of x with dout summed over the batch; db += sum of dout
   over N,Ho,Wo (db may be NULL). The sum over the batch is accumulated in a
   transposed scratch copy (R x Kg per group) and added to dw at the end.
   The GEMM reduces over the output pixels in blocks of (part of) one output
   row; it runs on bands of rows in turn, which adds the same blocks to dwt
   in the same order as one run over the image would: the same bits. */
RSE__KFN rse_status rse__conv2d_backward_weight(float *dw, float *db, const float *dout, const float *x,
                                               const rse__conv2d_shape *s, rse__arena *scratch) {
    rse_status st = rse__conv2d_check(s);
    int Cg, Kg, R, n, gi, r, k, band, oy0, rows;
    size_t P, HW, hpwp, rowpk;
    float *xp, *dwt;
    ptrdiff_t *roff;
    rse_arena_mark mark;
    rse__gemm g;
    rse__bw_ctx bc;
    if (st) return st;
    if (!scratch) return rse__conv2d_backward_weight_ref(dw, db, dout, x, s);
    if (rse__dw_applies(s)) {
        rse__dw_ctx d;
        memset(&d, 0, sizeof d);
        d.dw = dw; d.db = db; d.dout = dout; d.in = x; d.s = s; d.mode = 2;
        return rse__dw_run(&d, scratch);
    }
    Cg = s->C / s->groups; Kg = s->K / s->groups; R = Cg * s->KH * s->KW;
    P = (size_t)s->Ho * s->Wo; HW = (size_t)s->H * s->W;
    bc.s = s; bc.db = db; bc.dout = dout;
    memset(&g, 0, sizeof g);
    if (s->Wo < 32) {
        g.M = Kg; g.N = R; g.K = (int)P;
        g.nkb = (g.K + RSE__KC - 1) / RSE__KC;
        g.kblock = rse__kblock_plain; g.arows = rse__arows_plain; g.packb = rse__packb_colT;
        g.a_rs = (ptrdiff_t)P; g.a_ks = 1;
        g.ldc = R; g.alpha = 1.0f; g.beta = 1.0f; /* straight into dw */
        g.xh = s->H; g.xw = s->W; g.kh = s->KH; g.kw = s->KW;
        g.stride = s->stride; g.ph = s->pad; g.pw = s->pad; g.wo = s->Wo;
        for (n = 0; n < s->N; n++)
            for (gi = 0; gi < s->groups; gi++) {
                g.A = dout + ((size_t)n * s->K + (size_t)gi * Kg) * P;
                g.x = x + ((size_t)n * s->C + (size_t)gi * Cg) * HW;
                g.C = dw + (size_t)gi * Kg * R;
                rse__gemm_run_all(&g);
            }
        if (db) rse__parallel(rse__task_count((size_t)s->K), rse__bias_grad_task, &bc);
        return RSE_STATUS_OK;
    }
    hpwp = ((size_t)s->H + 2 * s->pad) * ((size_t)s->W + 2 * s->pad);
    mark = rse__arena_get_mark(scratch);
    /* with no padding the image itself serves as the padded copy */
    xp = s->pad ? rse__scratch_floats(scratch, hpwp * (size_t)s->C, "conv2d backward-weight") : 0;
    dwt = xp || !s->pad ? rse__scratch_floats(scratch, (size_t)R * s->K, "conv2d backward-weight") : 0;
    roff = dwt ? (ptrdiff_t *)rse__arena_alloc(scratch, (size_t)R * sizeof(ptrdiff_t)) : 0;
    if (!roff) { rse__arena_release(scratch, mark); return RSE_STATUS_NOMEM; }
    /* A's row r = (c,ky,kx) starts at this offset in the padded image (the
       divisions once here, not for every strip of every block) */
    for (r = 0; r < R; r++) {
        int c = r / (s->KH * s->KW), ky = (r % (s->KH * s->KW)) / s->KW, kx = r % s->KW;
        roff[r] = ((ptrdiff_t)c * (s->H + 2 * s->pad) + ky) * (s->W + 2 * s->pad) + kx;
    }
    g.roff = roff;
    g.nchunk = (s->Wo + RSE__KC - 1) / RSE__KC;
    /* Room to pack a band of dout once rather than once per row block
       (band rows x Wo x Kg rounded up to whole panels, plus the block
       offsets); without it the GEMM packs per tile as usual. */
    rowpk = (size_t)(Kg + RSE__NR - 1) / RSE__NR * RSE__NR * (size_t)s->Wo;
    band = rowpk >= rse__bw_pack_floats ? 1 : (int)(rse__bw_pack_floats / rowpk);
    if (band > s->Ho) band = s->Ho;
    g.bpk = rse__scratch_floats(scratch, rowpk * (size_t)band, "conv2d backward-weight");
    g.bkoff = g.bpk ? (int *)rse__arena_alloc(scratch, ((size_t)band * g.nchunk + 1) * sizeof(int)) : 0;
    if (!g.bkoff) g.bpk = 0;
    memset(dwt, 0, sizeof(float) * (size_t)R * s->K);
    g.M = R; g.N = Kg;
    g.kblock = rse__kblock_bw; g.arows = rse__arows_bw; g.packb = rse__packb_bw;
    g.b_ns = (ptrdiff_t)P;
    g.ldc = Kg; g.alpha = 1.0f; g.beta = 1.0f;
    g.xh = s->H + 2 * s->pad; g.xw = s->W + 2 * s->pad; g.kh = s->KH; g.kw = s->KW;
    g.stride = s->stride; g.wo = s->Wo;
    bc.dst = xp;
    for (n = 0; n < s->N; n++) {
        bc.src = x + (size_t)n * s->C * HW;
        if (xp) rse__parallel(rse__task_count((size_t)s->C), rse__bw_pad_task, &bc);
        for (gi = 0; gi < s->groups; gi++)
            for (oy0 = 0; oy0 < s->Ho; oy0 += band) {
                /* output rows oy0.. oy0+rows-1: the image read from row
                   oy0*stride, dout from pixel oy0*Wo of each channel */
                rows = s->Ho - oy0 < band ? s->Ho - oy0 : band;
                g.x = (xp ? xp : bc.src) + (size_t)gi * Cg * hpwp + (size_t)oy0 * s->stride * g.xw;
                g.B = dout + ((size_t)n * s->K + (size_t)gi * Kg) * P + (size_t)oy0 * s->Wo;
                g.C = dwt + (size_t)gi * R * Kg;
                g.K = rows * s->Wo; g.nkb = rows * g.nchunk;
                rse__gemm_run_all(&g);
            }
    }
    for (gi = 0; gi < s->groups; gi++)
        for (k = 0; k < Kg; k++)
            for (r = 0; r < R; r++)
                dw[((size_t)gi * Kg + k) * R + r] += dwt[((size_t)gi * R + r) * Kg + k];
    if (db) rse__parallel(rse__task_count((size_t)s->K), rse__bias_grad_task, &bc);
    rse__arena_release(scratch, mark);
    return RSE_STATUS_OK;
}

/* ---- GELU over a run of floats ----------------------------------------------
   y = gelu(x) and gx = (acc: +=) dy * gelu'(x), n floats: rse__gelu1 and
   rse__gelu1_grad (7.2) in vectors, each operation theirs and in their
   order (no fused multiply-adds), so a set gives the bits of the scalar
   functions (where the compiler contracts none of them: ISO C, the tests'
   -std=c99). Left to the compiler, loops calling rse__gelu1 vectorise only
   at -O3 and only as wide as the -march flags allow: in a plain -O2 build
   they were a third of a dim-64 training step. y may be x, gx x or dy. */
#ifdef RSE_VEC_DIV
RSE__KFN RSE_F32_VEC rse__erf_vec(RSE_F32_VEC u, RSE_F32_VEC *d) {
    const float *p = rse__erf_p, *q = rse__erf_q;
    const RSE_F32_VEC clamp = RSE_VEC_SET1(RSE__ERF_CLAMP);
    RSE_F32_VEC a = RSE_VEC_ABS(u), in = RSE_VEC_LT_SEL(a, clamp, RSE_VEC_SET1(1.0f)), z, P, Q, dP, dQ, iq;
#define RSE__HORNER(acc, c) RSE_VEC_ADD(RSE_VEC_MUL((acc), z), RSE_VEC_SET1(c))
    a = RSE_VEC_MIN(a, clamp);
    z = RSE_VEC_MUL(a, a);
    P = RSE__HORNER(RSE__HORNER(RSE__HORNER(RSE__HORNER(RSE__HORNER(RSE__HORNER(
            RSE_VEC_SET1(p[6]), p[5]), p[4]), p[3]), p[2]), p[1]), p[0]);
    Q = RSE__HORNER(RSE__HORNER(RSE__HORNER(RSE__HORNER(RSE__HORNER(
            RSE_VEC_SET1(q[5]), q[4]), q[3]), q[2]), q[1]), q[0]);
    dP = RSE__HORNER(RSE__HORNER(RSE__HORNER(RSE__HORNER(RSE__HORNER(
            RSE_VEC_SET1(6.0f * p[6]), 5.0f * p[5]), 4.0f * p[4]), 3.0f * p[3]), 2.0f * p[2]), p[1]);
    dQ = RSE__HORNER(RSE__HORNER(RSE__HORNER(RSE__HORNER(
            RSE_VEC_SET1(5.0f * q[5]), 4.0f * q[4]), 3.0f * q[3]), 2.0f * q[2]), q[1]);
#undef RSE__HORNER
    iq = RSE_VEC_DIV(RSE_VEC_SET1(1.0f), Q);
    if (d) {
        RSE_F32_VEC t = RSE_VEC_SUB(RSE_VEC_MUL(dP, Q), RSE_VEC_MUL(P, dQ));
        t = RSE_VEC_ADD(RSE_VEC_MUL(P, Q), RSE_VEC_MUL(RSE_VEC_MUL(RSE_VEC_SET1(2.0f), z), t));
        *d = RSE_VEC_MUL(RSE_VEC_MUL(RSE_VEC_MUL(in, t), iq), iq);
    }
    return RSE_VEC_COPYSIGN(RSE_VEC_MUL(RSE_VEC_MUL(a, P), iq), u);
}
#endif

RSE__KFN void rse__gelu_run(float *y, const float *x, size_t n) {
    size_t i = 0;
#ifdef RSE_VEC_DIV
    for (; i + RSE_VEC_WIDTH <= n; i += RSE_VEC_WIDTH) {
        RSE_F32_VEC v = RSE_VEC_LOAD(x + i);
        RSE_F32_VEC e = rse__erf_vec(RSE_VEC_MUL(v, RSE_VEC_SET1(RSE__SQRT1_2)), 0);
        RSE_VEC_STORE(y + i, RSE_VEC_MUL(RSE_VEC_MUL(RSE_VEC_SET1(0.5f), v), RSE_VEC_ADD(RSE_VEC_SET1(1.0f), e)));
    }
#endif
    for (; i < n; i++) y[i] = rse__gelu1(x[i]);
}

RSE__KFN void rse__gelu_grad_run(float *gx, const float *dy, const float *x, size_t n, int acc) {
    size_t i = 0;
#ifdef RSE_VEC_DIV
    for (; i + RSE_VEC_WIDTH <= n; i += RSE_VEC_WIDTH) {
        RSE_F32_VEC v = RSE_VEC_LOAD(x + i), d, e, g;
        e = rse__erf_vec(RSE_VEC_MUL(v, RSE_VEC_SET1(RSE__SQRT1_2)), &d);
        g = RSE_VEC_ADD(RSE_VEC_MUL(RSE_VEC_SET1(0.5f), RSE_VEC_ADD(RSE_VEC_SET1(1.0f), e)),
                        RSE_VEC_MUL(RSE_VEC_MUL(v, RSE_VEC_SET1(0.5f * RSE__SQRT1_2)), d));
        g = RSE_VEC_MUL(RSE_VEC_LOAD(dy + i), g);
        RSE_VEC_STORE(gx + i, acc ? RSE_VEC_ADD(RSE_VEC_LOAD(gx + i), g) : g);
    }
#endif
    if (acc) for (; i < n; i++) gx[i] += dy[i] * rse__gelu1_grad(x[i]);
    else for (; i < n; i++) gx[i] = dy[i] * rse__gelu1_grad(x[i]);
}

/* The set just read, for 7.8. */
static const rse__kernels rse__kernel_set = {
    RSE_SIMD_NAME, RSE__KSET, RSE_VEC_WIDTH, RSE__MR, RSE__NR, rse__sgemm_cb, rse__conv2d_forward,
    rse__conv2d_backward_data, rse__conv2d_backward_weight, rse__dw_plane, rse__gelu_run, rse__gelu_grad_run,
    rse__ukr
};

#ifdef RSE__KPASS /* the next reading defines its own */
#undef RSE__KSET
#undef RSE__KSUF
#undef RSE__KTARGET
#undef RSE_SIMD_NAME
#undef RSE_VEC_WIDTH
#undef RSE_F32_VEC
#undef RSE_VEC_ZERO
#undef RSE_VEC_SET1
#undef RSE_VEC_LOAD
#undef RSE_VEC_STORE
#undef RSE_VEC_FMA
#undef RSE_VEC_ADD
#undef RSE_VEC_MUL
#undef RSE_VEC_SUB
#undef RSE_VEC_DIV
#undef RSE_VEC_MIN
#undef RSE_VEC_ABS
#undef RSE_VEC_COPYSIGN
#undef RSE_VEC_LT_SEL
#undef RSE_VEC_REDUCE
#undef RSE__MR
#undef RSE__NR
#endif
#endif /* the kernels */

#if defined(RSE__TENSOR_BODY) && !defined(RSE__KPASS)
/* ---------------------------------------------------------------------------
   7.8 Choosing the kernel set at run time
   The first kernel call picks the set: the one RSE_KERNELS names (scalar,
   avx2, avx512, neon) if the build carries it and the CPU runs it, else the
   widest the CPU runs. x86 sets need the instructions (cpuid) and the
   operating system saving their registers on a context switch (xgetbv:
   the YMM state for AVX2, the ZMM and mask state too for AVX-512); the
   compiler's own set and scalar need nothing, since the program could not
   start without the former. The choice is kept in one pointer, read and
   written atomically, and only ever written with the same value (unless
   the tests force a set between calls), so the first calls may race.
   The entry points below (sgemm, conv2d, the depthwise plane and the GELU
   runs) call the chosen set's function; inside a set, kernels call their
   own set's functions directly.
   ------------------------------------------------------------------------- */
/* The kernels' names are plain again, but for the vocabulary's helpers
   (rse__reduce256, rse__transpose8, rse__vec_reduce, rse__vec_transpose):
   they stay the compiler's set's, as the vocabulary's macros do. */
#undef rse__ukr
#undef rse__arows_packed
#undef rse__gemm_task
#undef rse__arows_plain
#undef rse__gemm_prepack_task
#undef rse__gemm_run_all
#undef rse__kblock_plain
#undef rse__pack_bt
#undef rse__packb_plain
#undef rse__sgemm_cb
#undef rse__sgemm
#undef rse__pack_a
#undef rse__packb_conv
#undef rse__packed_size
#undef rse__dw_vec
#undef rse__dw_plane
#undef rse__dw_task
#undef rse__dw_run
#undef rse__wino_weights_task
#undef rse__wino_weights
#undef rse__wino_bt
#undef rse__wino_at
#undef rse__wino_zip
#undef rse__wino_in_task
#undef rse__wino_out_task
#undef rse__wino_gemm_task
#undef rse__wino_run
#undef rse__conv2d_forward
#undef rse__col2im_task
#undef rse__conv2d_backward_data
#undef rse__kblock_bw
#undef rse__arows_bw
#undef rse__packb_bw
#undef rse__packb_colT
#undef rse__bw_pad_task
#undef rse__bias_grad_task
#undef rse__conv2d_backward_weight
#undef rse__erf_vec
#undef rse__gelu_run
#undef rse__gelu_grad_run
#undef rse__kernel_set

/* The sets this build carries, widest first. */
static const rse__kernels *const rse__kernel_sets[] = {
#if RSE__HAVE_AVX512
    &rse__kernel_set_avx512,
#endif
#if RSE__HAVE_AVX2
    &rse__kernel_set_avx2,
#endif
#if RSE__HAVE_NEON
    &rse__kernel_set_neon,
#endif
#if RSE__HAVE_SCALAR
    &rse__kernel_set_scalar,
#endif
};
#define RSE__NKSETS ((int)(sizeof rse__kernel_sets / sizeof rse__kernel_sets[0]))

#if RSE__X86_SETS
#include <cpuid.h>
/* Do this CPU and operating system run the x86 set (AVX2 or AVX512)? */
RSE__FN int rse__x86_runs(int set) {
    /* FMA, OSXSAVE (xgetbv works), AVX, F16C (every AVX2 CPU has it; the
       CLIP weights' fp16 conversion uses it beside these sets, clip.c) */
    const unsigned need1 = 1u << 12 | 1u << 27 | 1u << 28 | 1u << 29;
    unsigned a, b, c, d, xcr0, xcr0_hi;
    if (!__get_cpuid(1, &a, &b, &c, &d) || (c & need1) != need1) return 0;
    __asm__ __volatile__("xgetbv" : "=a"(xcr0), "=d"(xcr0_hi) : "c"(0u));
    (void)xcr0_hi;
    if ((xcr0 & 0x6u) != 0x6u || __get_cpuid_max(0, 0) < 7) return 0; /* XMM and YMM state */
    __cpuid_count(7, 0, a, b, c, d);
    if (!(b & 1u << 5)) return 0; /* AVX2 */
    if (set == RSE__KS_AVX2) return 1;
    /* AVX512F, and the state of the mask registers, of ZMM0-15's upper
       halves and of ZMM16-31 */
    return (b & 1u << 16) && (xcr0 & 0xe0u) == 0xe0u;
}
#endif

/* Can this process run set k? */
RSE__FN int rse__kernels_run(const rse__kernels *k) {
    if (k->set == RSE__KS_SCALAR || k->set == RSE__KS_NATIVE) return 1;
#if RSE__X86_SETS
    return rse__x86_runs(k->set);
#else
    return 0;
#endif
}

/* The set called name ("avx2", ...), or NULL if this build lacks it. */
RSE__FN const rse__kernels *rse__kernels_find(const char *name) {
    int i;
    for (i = 0; i < RSE__NKSETS; i++)
        if (!strcmp(rse__kernel_sets[i]->name, name)) return rse__kernel_sets[i];
    return 0;
}

/* The set RSE_KERNELS names if it is here and runs, else the widest that
   runs (the last, scalar or the compiler's own, always does). */
RSE__FN const rse__kernels *rse__kernels_pick(void) {
    int i;
#ifndef RSE_NO_DISPATCH
    const char *want = getenv("RSE_KERNELS");
    const rse__kernels *k = want ? rse__kernels_find(want) : 0;
    if (k && rse__kernels_run(k)) return k;
#endif
    for (i = 0; i < RSE__NKSETS - 1; i++)
        if (rse__kernels_run(rse__kernel_sets[i])) return rse__kernel_sets[i];
    return rse__kernel_sets[RSE__NKSETS - 1];
}

static const rse__kernels *rse__kernels_chosen; /* NULL until the first kernel call */
#if defined(__GNUC__) || defined(__clang__)
#define rse__kernels_load() __atomic_load_n(&rse__kernels_chosen, __ATOMIC_ACQUIRE)
#define rse__kernels_store(k) __atomic_store_n(&rse__kernels_chosen, (k), __ATOMIC_RELEASE)
#else
#define rse__kernels_load() rse__kernels_chosen
#define rse__kernels_store(k) (rse__kernels_chosen = (k))
#endif

/* The set in use, chosen on the first call. */
RSE__FN const rse__kernels *rse__kernels_now(void) {
    const rse__kernels *k = rse__kernels_load();
    if (RSE__UNLIKELY(!k)) {
        k = rse__kernels_pick();
        rse__kernels_store(k);
    }
    return k;
}

RSEDEF const char *rse_kernels_name(void) { return rse__kernels_now()->name; }

#ifdef RSE_TESTING
/* Uses the set called name from the next kernel call on (NULL: choose as
   the first call does). Not while kernels run on other threads. */
RSE__FN rse_status rse__kernels_force(const char *name) {
    const rse__kernels *k = name ? rse__kernels_find(name) : rse__kernels_pick();
    if (!k) return rse__fail(RSE_STATUS_UNSUPPORTED, "this build has no %s kernels", name);
    if (!rse__kernels_run(k)) return rse__fail(RSE_STATUS_UNSUPPORTED, "this CPU does not run the %s kernels", name);
    rse__kernels_store(k);
    return RSE_STATUS_OK;
}
#endif

/* Benchmarks only (bench/bench.c builds with RSE_COUNT_MACS): the
   multiply-adds of every matrix product and convolution, counted at the
   entry points below as the direct algorithm's (a Winograd convolution
   counts what it replaces), so that a whole command's GFLOP/s can be set
   against the machine's FMA peak. Some products are called from pool
   threads (attention), hence the atomic add. */
#ifdef RSE_COUNT_MACS
static uint64_t rse__macs;
#if defined(__GNUC__) || defined(__clang__)
#define RSE__COUNT(n) __atomic_fetch_add(&rse__macs, (uint64_t)(n), __ATOMIC_RELAXED)
#else
#define RSE__COUNT(n) (rse__macs += (uint64_t)(n))
#endif
#define RSE__CONV_MACS(s) ((uint64_t)(s)->N * (uint64_t)(s)->K * (uint64_t)(s)->Ho * (uint64_t)(s)->Wo * \
                           (uint64_t)((s)->C / (s)->groups) * (uint64_t)(s)->KH * (uint64_t)(s)->KW)
#else
#define RSE__COUNT(n) ((void)0)
#endif

/* The entry points: the chosen set's kernels (contracts in 7.3 to 7.7 and
   above the GELU runs). */
RSE__FN void rse__sgemm_cb(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
                           const float *B, int ldb, float beta, float *C, int ldc, const float *cbias) {
    RSE__COUNT((uint64_t)M * (uint64_t)N * (uint64_t)K);
    rse__kernels_now()->sgemm_cb(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, cbias);
}
RSE__FN void rse__sgemm(int transA, int transB, int M, int N, int K, float alpha,
                        const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc) {
    RSE__COUNT((uint64_t)M * (uint64_t)N * (uint64_t)K);
    rse__kernels_now()->sgemm_cb(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, 0);
}
RSE__FN rse_status rse__conv2d_forward(float *out, const float *x, const float *w, const float *b,
                                       const rse__conv2d_shape *s, rse__arena *scratch) {
    RSE__COUNT(RSE__CONV_MACS(s));
    return rse__kernels_now()->conv2d_forward(out, x, w, b, s, scratch);
}
RSE__FN rse_status rse__conv2d_backward_data(float *dx, const float *dout, const float *w,
                                             const rse__conv2d_shape *s, rse__arena *scratch) {
    RSE__COUNT(RSE__CONV_MACS(s));
    return rse__kernels_now()->conv2d_backward_data(dx, dout, w, s, scratch);
}
RSE__FN rse_status rse__conv2d_backward_weight(float *dw, float *db, const float *dout, const float *x,
                                               const rse__conv2d_shape *s, rse__arena *scratch) {
    RSE__COUNT(RSE__CONV_MACS(s));
    return rse__kernels_now()->conv2d_backward_weight(dw, db, dout, x, s, scratch);
}
RSE__FN void rse__dw_plane(float *out, const float *xp, int wp, const float *wk, int kh, int kw,
                           int flip, int ho, int wo, float bias, int acc) {
    RSE__COUNT((uint64_t)ho * (uint64_t)wo * (uint64_t)kh * (uint64_t)kw);
    rse__kernels_now()->dw_plane(out, xp, wp, wk, kh, kw, flip, ho, wo, bias, acc);
}
RSE__FN void rse__gelu_run(float *y, const float *x, size_t n) { rse__kernels_now()->gelu_run(y, x, n); }
RSE__FN void rse__gelu_grad_run(float *gx, const float *dy, const float *x, size_t n, int acc) {
    rse__kernels_now()->gelu_grad_run(gx, dy, x, n, acc);
}

/* ---------------------------------------------------------------------------
   7.9 bfloat16 products (the CLIP guidance gradient)
   A guided edit spends most of its time in the CLIP image tower's linear
   layers and attention products, forward and back (issue 25). There a
   gradient direction is all that is wanted, and products whose operands
   are rounded to bfloat16, accumulated in float, give it to a cosine of
   0.9998 or better (tests/test_bf16.c; 0.99996 on a 16-view ViT-B-32
   step) at up to twice the FMA rate: VDPBF16PS (AVX512_BF16) does 32
   multiply-adds per instruction where VFMADD231PS does 16. Only a tape
   with bf16 set uses them (section 8); CLIP's guidance gradient sets it,
   unless the edit asks for exact float.
   Measured (BENCH.md, 8 Dec 2026, one thread): at CLIP's shapes (200
   rows: 4 views) the products run at 1.4-1.6x float's speed; the kernel
   proper near twice, the rest is packing, which reads the float weights
   once per call and is bound by memory bandwidth.

   rse__bgemm is rse__bgemm_ref's contract (7.1). The kernel below runs it
   when the CPU has AVX512_BF16 and the AVX-512 set is the one in use
   (rse__bf16_native), else the emulation does, so every build computes the
   same numbers up to the order of the sums. The kernel is compiled with a
   target attribute, like the sets of 7.2, so a portable build carries it.

   Unlike rse__sgemm it packs the whole of A and of B first, into a
   workspace the caller gives (rse__bgemm_ws_size bytes, 64-byte aligned),
   and then runs the tiles with no packing left in them:
     - a pair is two bfloat16 along k in one 32-bit word, k even in the low
       half, as VDPBF16PS pairs them; an odd K's last pair has a zero;
     - A: strips of RSE__BMR rows; each strip, per block of RSE__BKC pairs,
       is RSE__BMR rows of RSE__BKC pairs (a fixed row stride, so the
       micro-kernel reaches every row from one pointer);
     - B: panels of RSE__BNR columns; each panel, per block, is RSE__BKC
       rows (pairs) of RSE__BNR columns.
   A panel's block (16 KB) stays in L1 while the strips of a tile pass over
   it; each output sums its blocks in order, so results do not depend on
   the tiling or the thread count, nor a row's on the other rows.
   ------------------------------------------------------------------------- */
#define RSE__BMR 8    /* rows per micro-kernel: 16 accumulators, as 7.3's AVX-512 set */
#define RSE__BNR 32   /* columns per micro-kernel: two vectors */
#define RSE__BKC 128  /* pairs per reduction block: 256 k */

/* Bytes of workspace rse__bgemm needs for an M x N product over K. */
RSE__FN size_t rse__bgemm_ws_size(int M, int N, int K) {
    size_t nkb = (size_t)(K + 2 * RSE__BKC - 1) / (2 * RSE__BKC);
    size_t rows = (size_t)(M + RSE__BMR - 1) / RSE__BMR * RSE__BMR;
    size_t cols = (size_t)(N + RSE__BNR - 1) / RSE__BNR * RSE__BNR;
    return (rows + cols) * nkb * RSE__BKC * sizeof(uint32_t);
}

#if RSE__HAVE_AVX512 && defined(__x86_64__) && \
    ((defined(__clang__) && __clang_major__ >= 9) || (!defined(__clang__) && defined(__GNUC__) && __GNUC__ >= 10)) && \
    (RSE__X86_SETS || defined(__AVX512BF16__))
#define RSE__HAVE_BF16 1
#define RSE__BFN static RSE__UNUSED __attribute__((target("avx512f,avx512bf16,avx2,fma")))

typedef struct {
    int transA, transB, M, N, K, lda, ldb, nkb, nstrip, njp;
    const float *A, *B, *cbias;
    float *C, alpha, beta;
    int ldc;
    uint32_t *apk, *bpk;
    int MB, npan, ngrp, ntiles; /* tiles: MB rows by npan panels */
} rse__bgemm_job;

/* Mask of the first n (clamped to 0..16) lanes. */
static inline __mmask16 rse__bmask(int n) {
    return n >= 16 ? (__mmask16)0xffff : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1);
}

/* Strip s, block kb of A: RSE__BMR rows of RSE__BKC pairs. Rows past M
   are zero; pairs past the block's are left as they are (never read). */
RSE__BFN void rse__bgemm_pack_a(const rse__bgemm_job *j, int s, int kb) {
    uint32_t *dst = j->apk + ((size_t)s * j->nkb + kb) * RSE__BMR * RSE__BKC;
    int k0 = kb * 2 * RSE__BKC, kc = j->K - k0 < 2 * RSE__BKC ? j->K - k0 : 2 * RSE__BKC, i, p;
    for (i = 0; i < RSE__BMR; i++, dst += RSE__BKC) {
        int row = s * RSE__BMR + i;
        if (row >= j->M) { memset(dst, 0, RSE__BKC * sizeof *dst); continue; }
        if (!j->transA) { /* k contiguous: 32 floats are 16 pairs as they lie */
            const float *src = j->A + (size_t)row * j->lda + k0;
            for (p = 0; p < kc; p += 32) {
                __m512 lo = _mm512_maskz_loadu_ps(rse__bmask(kc - p), src + p);
                __m512 hi = _mm512_maskz_loadu_ps(rse__bmask(kc - p - 16), src + p + 16);
                _mm512_storeu_si512((void *)(dst + p / 2), (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
            }
        } else { /* k strided (attention's transposed products, L x L): one at a time */
            const float *src = j->A + (size_t)k0 * j->lda + row;
            for (p = 0; p < kc; p += 2) {
                uint32_t lo = rse__bf16(src[(size_t)p * j->lda]);
                uint32_t hi = p + 1 < kc ? rse__bf16(src[(size_t)(p + 1) * j->lda]) : 0;
                dst[p / 2] = lo | hi << 16;
            }
        }
    }
}

/* Transposes 16 x 16 32-bit words in t: t[r] word c becomes t[c] word r
   (two unpack stages within 128-bit lanes, then a 4 x 4 transpose of the
   lanes). */
RSE__BFN void rse__bgemm_tr16(__m512i *t) {
    __m512i a[16], b[16];
    int i;
    for (i = 0; i < 8; i++) {
        a[2 * i] = _mm512_unpacklo_epi32(t[2 * i], t[2 * i + 1]);
        a[2 * i + 1] = _mm512_unpackhi_epi32(t[2 * i], t[2 * i + 1]);
    }
    for (i = 0; i < 4; i++) { /* b[4i + m], lane L: word 4L + m of rows 4i..4i+3 */
        b[4 * i] = _mm512_unpacklo_epi64(a[4 * i], a[4 * i + 2]);
        b[4 * i + 1] = _mm512_unpackhi_epi64(a[4 * i], a[4 * i + 2]);
        b[4 * i + 2] = _mm512_unpacklo_epi64(a[4 * i + 1], a[4 * i + 3]);
        b[4 * i + 3] = _mm512_unpackhi_epi64(a[4 * i + 1], a[4 * i + 3]);
    }
    for (i = 0; i < 4; i++) { /* row 4L + i: lane L of b[i], b[4 + i], b[8 + i], b[12 + i] */
        __m512i lo01 = _mm512_shuffle_i32x4(b[i], b[4 + i], 0x88), hi01 = _mm512_shuffle_i32x4(b[i], b[4 + i], 0xdd);
        __m512i lo23 = _mm512_shuffle_i32x4(b[8 + i], b[12 + i], 0x88), hi23 = _mm512_shuffle_i32x4(b[8 + i], b[12 + i], 0xdd);
        t[i] = _mm512_shuffle_i32x4(lo01, lo23, 0x88);
        t[4 + i] = _mm512_shuffle_i32x4(hi01, hi23, 0x88);
        t[8 + i] = _mm512_shuffle_i32x4(lo01, lo23, 0xdd);
        t[12 + i] = _mm512_shuffle_i32x4(hi01, hi23, 0xdd);
    }
}

/* Panels jg*RSE__BPG.. (a group), block kb of B: for each panel RSE__BKC
   rows of RSE__BNR pairs, columns past N zero. B is read in the order it
   lies: with rows of B contiguous, a pair of rows at a time across the
   group's columns (panel by panel, the rows were 128 bytes of a new page
   each: the packing took half the kernel's time); with columns contiguous
   (a linear layer's W), 32 k of 16 columns are converted as they lie and
   transposed in registers. An odd K's last pair gets a zero from the
   masked loads, which read nothing past K. */
#define RSE__BPG 8
RSE__BFN void rse__bgemm_pack_b(const rse__bgemm_job *j, int jg, int kb) {
    int k0 = kb * 2 * RSE__BKC, kc = j->K - k0 < 2 * RSE__BKC ? j->K - k0 : 2 * RSE__BKC;
    int jp0 = jg * RSE__BPG, jpe = jp0 + RSE__BPG < j->njp ? jp0 + RSE__BPG : j->njp, jp, p, h, c;
    if (j->transB) {
        for (jp = jp0; jp < jpe; jp++) {
            uint32_t *dst = j->bpk + ((size_t)jp * j->nkb + kb) * RSE__BKC * RSE__BNR;
            int j0 = jp * RSE__BNR, nc = j->N - j0 < RSE__BNR ? j->N - j0 : RSE__BNR;
            for (p = 0; p < kc; p += 32)
                for (h = 0; h < RSE__BNR; h += 16) {
                    __m512i t[16];
                    for (c = 0; c < 16; c++) {
                        const float *src;
                        if (h + c >= nc) { t[c] = _mm512_setzero_si512(); continue; }
                        src = j->B + (size_t)(j0 + h + c) * j->ldb + k0 + p;
                        t[c] = (__m512i)_mm512_cvtne2ps_pbh(_mm512_maskz_loadu_ps(rse__bmask(kc - p - 16), src + 16),
                                                            _mm512_maskz_loadu_ps(rse__bmask(kc - p), src));
                    }
                    rse__bgemm_tr16(t); /* t[r]: pair p/2 + r of the 16 columns */
                    for (c = 0; c < 16; c++) _mm512_storeu_si512((void *)(dst + (p / 2 + c) * RSE__BNR + h), t[c]);
                }
        }
        return;
    }
    for (p = 0; p < kc; p += 2) {
        const float *r0 = j->B + (size_t)(k0 + p) * j->ldb;
        int odd = p + 1 < kc;
        for (jp = jp0; jp < jpe; jp++) {
            uint32_t *dst = j->bpk + (((size_t)jp * j->nkb + kb) * RSE__BKC + p / 2) * RSE__BNR;
            int j0 = jp * RSE__BNR;
            for (h = 0; h < RSE__BNR; h += 16) {
                __mmask16 m = rse__bmask(j->N - j0 - h);
                __m256i e = (__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, r0 + j0 + h));
                __m256i o = odd ? (__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, r0 + j->ldb + j0 + h))
                                : _mm256_setzero_si256();
                _mm512_storeu_si512((void *)(dst + h), _mm512_or_si512(_mm512_cvtepu16_epi32(e),
                                                                       _mm512_slli_epi32(_mm512_cvtepu16_epi32(o), 16)));
            }
        }
    }
}

/* Packs strips then groups of panels, (s, kb) and (jg, kb) items split
   over tasks. */
RSE__BFN void rse__bgemm_pack_task(void *ctx, int task, int ntasks) {
    const rse__bgemm_job *j = (const rse__bgemm_job *)ctx;
    size_t na = (size_t)j->nstrip * j->nkb, ng = (size_t)(j->njp + RSE__BPG - 1) / RSE__BPG, lo, hi, it;
    rse__split_range(na + ng * j->nkb, task, ntasks, &lo, &hi);
    for (it = lo; it < hi; it++) {
        if (it < na) rse__bgemm_pack_a(j, (int)(it / j->nkb), (int)(it % j->nkb));
        else rse__bgemm_pack_b(j, (int)((it - na) / j->nkb), (int)((it - na) % j->nkb));
    }
}

/* C[0..mr)[0..nr) (row stride ldc) from the product of an A strip's block
   a (RSE__BMR rows RSE__BKC apart) with a B panel's block b, kcp pairs
   long: stored as alpha*acc + beta*C in the first block (C not read when
   beta is 0), added as alpha*acc in later ones; cbias (per column, or
   NULL) is added after the last. */
#define RSE__BROW(r, c0, c1) \
    t = (__m512bh)_mm512_set1_epi32((int)a[(r) * RSE__BKC + p]); \
    c0 = _mm512_dpbf16_ps(c0, t, b0); c1 = _mm512_dpbf16_ps(c1, t, b1)
RSE__BFN void rse__bgemm_ukr(int kcp, const uint32_t *a, const uint32_t *b, float *c, ptrdiff_t ldc, int mr, int nr,
                             float alpha, float beta, int first, const float *cbias) {
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    __m512 c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00, acc[16];
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    int p, i, h;
    for (p = 0; p < kcp; p++, b += RSE__BNR) {
        __m512bh b0 = (__m512bh)_mm512_loadu_si512((const void *)b), b1 = (__m512bh)_mm512_loadu_si512((const void *)(b + 16)), t;
        RSE__BROW(0, c00, c01); RSE__BROW(1, c10, c11); RSE__BROW(2, c20, c21); RSE__BROW(3, c30, c31);
        RSE__BROW(4, c40, c41); RSE__BROW(5, c50, c51); RSE__BROW(6, c60, c61); RSE__BROW(7, c70, c71);
    }
    acc[0] = c00; acc[1] = c01; acc[2] = c10; acc[3] = c11; acc[4] = c20; acc[5] = c21; acc[6] = c30; acc[7] = c31;
    acc[8] = c40; acc[9] = c41; acc[10] = c50; acc[11] = c51; acc[12] = c60; acc[13] = c61; acc[14] = c70; acc[15] = c71;
    for (i = 0; i < mr; i++)
        for (h = 0; h < 2; h++) {
            __mmask16 m = rse__bmask(nr - 16 * h);
            float *ci = c + (ptrdiff_t)i * ldc + 16 * h;
            __m512 v;
            if (!m) continue;
            if (!first) v = _mm512_fmadd_ps(va, acc[2 * i + h], _mm512_maskz_loadu_ps(m, ci));
            else if (beta != 0.0f) v = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m, ci), _mm512_mul_ps(va, acc[2 * i + h]));
            else v = _mm512_mul_ps(va, acc[2 * i + h]);
            if (cbias) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, cbias + 16 * h));
            _mm512_mask_storeu_ps(ci, m, v);
        }
}
#undef RSE__BROW

/* Tiles t in the task's range, each: for every block, for every panel of
   the tile, every strip of its rows over that panel's block. */
RSE__BFN void rse__bgemm_tile_task(void *ctx, int task, int ntasks) {
    const rse__bgemm_job *j = (const rse__bgemm_job *)ctx;
    size_t lo, hi, t;
    rse__split_range((size_t)j->ntiles, task, ntasks, &lo, &hi);
    for (t = lo; t < hi; t++) {
        int rb = (int)(t / (size_t)j->ngrp), jg = (int)(t % (size_t)j->ngrp), kb, jp, s;
        int sb = rb * j->MB / RSE__BMR, se = (rb + 1) * j->MB / RSE__BMR;
        int jpb = jg * j->npan, jpe = jpb + j->npan < j->njp ? jpb + j->npan : j->njp;
        if (se > j->nstrip) se = j->nstrip;
        for (kb = 0; kb < j->nkb; kb++) {
            int kc = j->K - kb * 2 * RSE__BKC < 2 * RSE__BKC ? j->K - kb * 2 * RSE__BKC : 2 * RSE__BKC;
            int last = kb == j->nkb - 1;
            for (jp = jpb; jp < jpe; jp++) {
                int j0 = jp * RSE__BNR, nr = j->N - j0 < RSE__BNR ? j->N - j0 : RSE__BNR;
                const uint32_t *bp = j->bpk + ((size_t)jp * j->nkb + kb) * RSE__BKC * RSE__BNR;
                for (s = sb; s < se; s++) {
                    int i0 = s * RSE__BMR, mr = j->M - i0 < RSE__BMR ? j->M - i0 : RSE__BMR;
                    rse__bgemm_ukr((kc + 1) / 2, j->apk + ((size_t)s * j->nkb + kb) * RSE__BMR * RSE__BKC, bp,
                                   j->C + (ptrdiff_t)i0 * j->ldc + j0, j->ldc, mr, nr, j->alpha, j->beta, kb == 0,
                                   last && j->cbias ? j->cbias + j0 : 0);
                }
            }
        }
    }
}

RSE__BFN void rse__bgemm_avx512bf16(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
                                    const float *B, int ldb, float beta, float *C, int ldc, const float *cbias, void *ws) {
    rse__bgemm_job j;
    int want = rse__nthreads > 1 ? 4 * rse__nthreads : 1, nrb, small;
    memset(&j, 0, sizeof j);
    j.transA = transA; j.transB = transB; j.M = M; j.N = N; j.K = K; j.lda = lda; j.ldb = ldb;
    j.A = A; j.B = B; j.C = C; j.ldc = ldc; j.alpha = alpha; j.beta = beta; j.cbias = cbias;
    j.nkb = (K + 2 * RSE__BKC - 1) / (2 * RSE__BKC);
    j.nstrip = (M + RSE__BMR - 1) / RSE__BMR;
    j.njp = (N + RSE__BNR - 1) / RSE__BNR;
    j.apk = (uint32_t *)ws;
    j.bpk = j.apk + (size_t)j.nstrip * RSE__BMR * j.nkb * RSE__BKC;
    /* Tiles as rse__gemm_run_all's: all rows when there are panels enough
       for the threads, else row blocks of at least 48 (at most 768, whose
       blocks of A, 384 KB, stay in L2); a C tile of at most 256 KB. */
    nrb = (want + j.njp - 1) / j.njp;
    if (nrb < (M + 767) / 768) nrb = (M + 767) / 768;
    j.MB = (M + nrb - 1) / nrb;
    if (j.MB < 48) j.MB = 48;
    j.MB = (j.MB + RSE__BMR - 1) / RSE__BMR * RSE__BMR;
    nrb = (M + j.MB - 1) / j.MB;
    j.npan = (256 * 1024) / (j.MB * RSE__BNR * (int)sizeof(float));
    if (j.npan > j.njp * nrb / want) j.npan = j.njp * nrb / want;
    if (j.npan < 1) j.npan = 1;
    j.ngrp = (j.njp + j.npan - 1) / j.npan;
    j.ntiles = j.ngrp * nrb;
    /* below a million multiply-adds (an attention head), on this thread */
    small = (double)M * N * K < 1e6;
    if (small) {
        rse__bgemm_pack_task(&j, 0, 1);
        rse__bgemm_tile_task(&j, 0, 1);
    } else {
        rse__parallel(rse__task_count((size_t)(j.nstrip + (j.njp + RSE__BPG - 1) / RSE__BPG) * j.nkb),
                      rse__bgemm_pack_task, &j);
        rse__parallel(rse__task_count((size_t)j.ntiles), rse__bgemm_tile_task, &j);
    }
}
#else
#define RSE__HAVE_BF16 0
#endif

/* Does this process run the AVX512_BF16 kernel? The CPU must have the
   instructions (cpuid leaf 7, subleaf 1, EAX bit 5), and the AVX-512 set
   must be the one in use (7.8), which also means the operating system
   saves the ZMM state: RSE_KERNELS=avx2 or scalar leaves the bfloat16
   products to the emulation. cpuid is asked once (it traps to the
   hypervisor in a virtual machine, and attention calls this per head). */
#ifdef RSE_TESTING
static int rse__bf16_off; /* tests: 1 makes this CPU one without the kernel */
#endif
RSE__FN int rse__bf16_native(void) {
#if RSE__HAVE_BF16
    static int has = -1; /* only ever written with the same value */
    int h;
#ifdef RSE_TESTING
    if (rse__bf16_off) return 0;
#endif
    if (rse__kernels_now()->set != RSE__KS_AVX512) return 0;
#if RSE__X86_SETS
    h = __atomic_load_n(&has, __ATOMIC_RELAXED);
    if (h < 0) {
        unsigned a = 0, b, c, d;
        if (__get_cpuid_max(0, 0) >= 7) __cpuid_count(7, 1, a, b, c, d);
        h = (int)(a >> 5 & 1u);
        __atomic_store_n(&has, h, __ATOMIC_RELAXED);
    }
#else
    (void)has;
    h = 1; /* compiled for it (__AVX512BF16__): the program needs it to start */
#endif
    return h;
#else
    return 0;
#endif
}

/* The entry point: C = alpha * op(A) op(B) + beta * C (+ cbias[j]) with
   bfloat16 operands (rse__bgemm_ref's contract). ws: rse__bgemm_ws_size
   bytes, 64-byte aligned, used by the kernel only (NULL is fine when
   rse__bf16_native() is 0). */
RSE__FN void rse__bgemm(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
                        const float *B, int ldb, float beta, float *C, int ldc, const float *cbias, void *ws) {
    if (M <= 0 || N <= 0) return;
    RSE__COUNT((uint64_t)M * (uint64_t)N * (uint64_t)K);
#if RSE__HAVE_BF16
    if (K > 0 && rse__bf16_native()) {
        RSE_ASSERT(ws != 0);
        rse__bgemm_avx512bf16(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, cbias, ws);
        return;
    }
#else
    (void)ws;
#endif
    rse__bgemm_ref(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, cbias);
}

/* ===========================================================================
   8. Tensors and the tape
   ========================================================================= */

/* A tensor is a contiguous float32 array with up to 4 dimensions, row-major
   (the last dimension varies fastest), so an image batch is (N,C,H,W) and a
   token sequence (B,L,D). Views share data where that is free (reshape); all
   other ops produce new contiguous tensors, which keeps every kernel simple.

   Autograd is reverse mode on a tape. Each op that has an input requiring a
   gradient appends a node {op, out, inputs, parameters, saved values} to the
   tape; rse__backward walks the nodes from last to first and calls the op's
   backward, which accumulates into the inputs' gradients. Weights that are
   frozen (CLIP during guidance) simply have requires_grad = 0: no node work is
   spent on their gradients, yet the gradient still flows to the input image.

   Failure: an op that cannot allocate, or is given inconsistent shapes,
   records the status on the tape and returns NULL; every op given a NULL
   input returns NULL at once. So a chain of ops needs one check at its end:
       h = rse__gelu(t, rse__conv2d(t, x, w, b, 1, 1, 1));
       if (!h) return t->status;                                            */

#define RSE_MAX_NDIM 4

typedef struct rse__tensor {
    float *data;
    float *grad;       /* same shape; NULL until the backward pass needs it */
    int nd;            /* 1..4 */
    int shape[RSE_MAX_NDIM];
    size_t n;          /* number of elements */
    int requires_grad; /* does a gradient flow to (or through) this tensor? */
} rse__tensor;

/* The ops the tape records: one row each, its enum id, its name and its
   backward (defined in section 10, where the table is built from the same
   rows). A row is the only place an op is declared, so an op cannot lack a
   name or a backward, and the tables cannot drift out of the enum's order. */
#define RSE__OPS(X) \
    X(CONV2D,          "conv2d",          rse__conv2d_bwd) \
    X(MATMUL,          "matmul",          rse__matmul_bwd) \
    X(LINEAR,          "linear",          rse__linear_bwd) \
    X(ADD,             "add",             rse__binary_bwd) \
    X(SUB,             "sub",             rse__binary_bwd) \
    X(MUL,             "mul",             rse__binary_bwd) \
    X(SCALE,           "scale",           rse__scale_bwd) \
    X(GELU,            "gelu",            rse__unary_bwd) \
    X(GELU_TANH,       "gelu_tanh",       rse__unary_bwd) \
    X(QUICKGELU,       "quickgelu",       rse__unary_bwd) \
    X(LAYERNORM,       "layernorm",       rse__layernorm_bwd) \
    X(SOFTMAX,         "softmax",         rse__softmax_bwd) \
    X(SDPA,            "sdpa",            rse__sdpa_bwd) \
    X(EMBEDDING,       "embedding",       rse__embedding_bwd) \
    X(CONCAT,          "concat",          rse__concat_bwd) \
    X(SLICE,           "slice",           rse__slice_bwd) \
    X(RESHAPE,         "reshape",         rse__reshape_bwd) \
    X(PERMUTE,         "permute",         rse__permute_bwd) \
    X(SUM,             "sum",             rse__reduce_bwd) \
    X(MEAN,            "mean",            rse__reduce_bwd) \
    X(L1,              "l1",              rse__loss_bwd) \
    X(L2,              "l2",              rse__loss_bwd) \
    X(COSINE,          "cosine",          rse__cosine_bwd) \
    X(L2NORM,          "l2norm",          rse__l2_normalize_bwd) \
    X(RESIZE_BILINEAR, "resize_bilinear", rse__resize_bwd) \
    X(RESIZE_BICUBIC,  "resize_bicubic",  rse__resize_bwd) \
    X(HFLIP,           "hflip",           rse__hflip_bwd) \
    X(WARP,            "warp",            rse__warp_bwd) \
    X(BRIGHTNESS,      "brightness",      rse__blend_bwd) \
    X(CONTRAST,        "contrast",        rse__blend_bwd) \
    X(SATURATION,      "saturation",      rse__blend_bwd) \
    X(HUE,             "hue",             rse__adjust_hue_bwd) \
    X(GRAY,            "gray",            rse__rgb_to_gray_bwd) \
    X(CLAMP,           "clamp",           rse__clamp_bwd) \
    X(ATTN_QKV,        "attn_qkv",        rse__attention_qkv_bwd) \
    X(CUSTOM,          "custom",          rse__custom_bwd)
#define RSE__OP_ID(id, name, bwd) RSE__OP_##id,
typedef enum rse__op {
    RSE__OPS(RSE__OP_ID)
    RSE__OP_COUNT
} rse__op;
#undef RSE__OP_ID

struct rse__tape;

typedef struct rse__node {
    struct rse__node *prev; /* the node recorded before this one */
    rse__op op;
    rse__tensor *out;
    rse__tensor *in[3];
    int ip[8];             /* integer parameters: stride, pad, axis, ...    */
    float fp[2];           /* float parameters: scale, eps                  */
    float *saved;          /* values the backward needs and cannot recompute
                              cheaply: layernorm mean/rstd, attention probs  */
    const int *ids;        /* embedding: the looked-up rows                 */
    /* RSE__OP_CUSTOM: an op written next to its model (SinDDM's fused block
       in sinddm.c) brings its own backward and parameters */
    rse_status (*bwd)(struct rse__tape *t, struct rse__node *n);
    const void *ctx;
} rse__node;

typedef struct rse__tape {
    rse__arena *arena;    /* tensors, gradients, saved values, nodes       */
    rse__arena *scratch;  /* kernel scratch, released after every kernel   */
    rse__node *last;      /* newest node; NULL on an empty tape           */
    rse_status status;   /* first failure; ops on a failed tape return NULL */
    int no_grad;         /* 1: record nothing (inference)                */
    int bf16;            /* 1: linear and attention products, forward and
                            back, in bfloat16 (7.9): the CLIP guidance
                            gradient's tapes only (clip.c)               */
} rse__tape;

RSE__FN void rse__tape_init(rse__tape *t, rse__arena *arena, rse__arena *scratch) {
    memset(t, 0, sizeof *t);
    t->arena = arena;
    t->scratch = scratch;
}

/* Forgets the nodes (the arena is reset separately by its owner). */
RSE__FN void rse__tape_clear(rse__tape *t) {
    t->last = 0;
    t->status = RSE_STATUS_OK;
}

/* Records a failure on the tape and returns NULL, for one-line error exits. */
RSE__FN rse__tensor *rse__tape_fail(rse__tape *t, rse_status st) {
    if (t->status == RSE_STATUS_OK) t->status = st;
    return 0;
}

/* A product for an op on tape t: rse__sgemm_cb, or in bfloat16 (7.9) when
   the tape asks for it, the kernel's workspace taken from the scratch
   arena for the call. Returns 0 (NOMEM recorded on the tape) when that
   workspace cannot be had. */
RSE__FN int rse__tape_gemm(rse__tape *t, int transA, int transB, int M, int N, int K, float alpha, const float *A,
                           int lda, const float *B, int ldb, float beta, float *C, int ldc, const float *cbias) {
    rse_arena_mark mk;
    void *ws = 0;
    if (!t->bf16) {
        rse__sgemm_cb(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, cbias);
        return 1;
    }
    mk = rse__arena_get_mark(t->scratch);
    if (rse__bf16_native() && !(ws = rse__arena_alloc(t->scratch, rse__bgemm_ws_size(M, N, K)))) {
        rse__fail(RSE_STATUS_NOMEM, "bfloat16 product: out of memory for its workspace");
        rse__tape_fail(t, RSE_STATUS_NOMEM);
        return 0;
    }
    rse__bgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, cbias, ws);
    rse__arena_release(t->scratch, mk);
    return 1;
}

/* A shape mismatch is the caller's bug, but model files decide many shapes,
   so it is reported as an error with a message rather than asserted. */
RSE__FN rse__tensor *rse__shape_fail(rse__tape *t, const char *op, const char *what) {
    rse__fail(RSE_STATUS_BAD_ARG, "%s: %s", op, what);
    return rse__tape_fail(t, RSE_STATUS_BAD_ARG);
}

RSE__FN size_t rse__shape_numel(int nd, const int *shape, int *ok) {
    size_t n = 1;
    int i;
    *ok = nd >= 1 && nd <= RSE_MAX_NDIM;
    for (i = 0; *ok && i < nd; i++)
        if (shape[i] < 0 || !rse__mul_ok(n, (size_t)shape[i], &n)) *ok = 0;
    return n;
}

/* Fills a caller-owned tensor header around existing data (weights, inputs).
   Returns 0 if the shape is invalid. */
RSE__FN int rse__tensor_view(rse__tensor *t, float *data, int nd, const int *shape) {
    int ok, i;
    memset(t, 0, sizeof *t);
    t->n = rse__shape_numel(nd, shape, &ok);
    if (!ok) return 0;
    t->nd = nd;
    for (i = 0; i < nd; i++) t->shape[i] = shape[i];
    t->data = data;
    return 1;
}

/* A tensor header in the tape's arena around existing data. Nodes keep
   pointers to their inputs until the backward pass, so a view passed to an
   op must outlive the tape: use this rather than a header on the stack. */
RSE__FN rse__tensor *rse__tensor_wrap(rse__tape *t, float *data, int nd, const int *shape) {
    rse__tensor *x;
    if (t->status != RSE_STATUS_OK) return 0;
    x = (rse__tensor *)rse__arena_alloc(t->arena, sizeof *x);
    if (!x) return rse__tape_fail(t, RSE_STATUS_NOMEM);
    if (!rse__tensor_view(x, data, nd, shape)) return rse__shape_fail(t, "tensor", "invalid shape");
    return x;
}

/* A new tensor in the tape's arena, data uninitialised. */
RSE__FN rse__tensor *rse__tensor_new(rse__tape *t, int nd, const int *shape) {
    rse__tensor *x;
    int ok;
    size_t n = rse__shape_numel(nd, shape, &ok), bytes;
    if (t->status != RSE_STATUS_OK) return 0;
    if (!ok || !rse__mul_ok(n, sizeof(float), &bytes)) {
        rse__fail(RSE_STATUS_LIMIT, "tensor shape invalid or too large");
        return rse__tape_fail(t, RSE_STATUS_LIMIT);
    }
    x = (rse__tensor *)rse__arena_alloc(t->arena, sizeof *x);
    if (!x) return rse__tape_fail(t, RSE_STATUS_NOMEM);
    rse__tensor_view(x, 0, nd, shape);
    x->data = (float *)rse__arena_alloc(t->arena, bytes);
    if (!x->data) return rse__tape_fail(t, RSE_STATUS_NOMEM);
    return x;
}

RSE__FN rse__tensor *rse__tensor_zeros(rse__tape *t, int nd, const int *shape) {
    rse__tensor *x = rse__tensor_new(t, nd, shape);
    if (x) memset(x->data, 0, x->n * sizeof(float));
    return x;
}

/* Shorthand for 1-4 dimensional shapes: rse__new4(t, 2, N, C, 0, 0). */
RSE__FN rse__tensor *rse__new4(rse__tape *t, int nd, int d0, int d1, int d2, int d3) {
    int s[4];
    s[0] = d0; s[1] = d1; s[2] = d2; s[3] = d3;
    return rse__tensor_new(t, nd, s);
}

/* The gradient buffer of x, allocated zeroed on first use. */
RSE__FN float *rse__grad(rse__tape *t, rse__tensor *x) {
    if (!x->grad) {
        x->grad = (float *)rse__arena_calloc(t->arena, x->n, sizeof(float));
        if (!x->grad) rse__tape_fail(t, RSE_STATUS_NOMEM);
    }
    return x->grad;
}

/* x's gradient for an op that writes every element of it. If no other op
   has contributed yet (no buffer), the buffer is left uninitialised and
   *acc = 0: the op stores its values instead of adding them to zeros. In a
   CLIP gradient most tensors have one consumer, so this saves a zeroing
   pass over each of them: about 0.5 GB of writes per ViT-B/32 batch of 16
   (its share of the time: BENCH.md, 7 Dec 2026). Otherwise *acc = 1 and the op adds, as with rse__grad.
   (0 + v == v, so the results are the same bits, up to the sign of a zero.) */
RSE__FN float *rse__grad_first(rse__tape *t, rse__tensor *x, int *acc) {
    *acc = x->grad != 0;
    if (!x->grad) {
        x->grad = (float *)rse__arena_alloc(t->arena, x->n * sizeof(float)); /* n*4 was checked at creation */
        if (!x->grad) rse__tape_fail(t, RSE_STATUS_NOMEM);
    }
    return x->grad;
}

/* Appends a node if any input needs a gradient; marks the output likewise.
   Returns the node, or NULL when nothing was recorded (or on failure, which
   the caller sees through t->status). */
RSE__FN rse__node *rse__record(rse__tape *t, rse__op op, rse__tensor *out,
                             rse__tensor *a, rse__tensor *b, rse__tensor *c) {
    rse__node *n;
    int need = (a && a->requires_grad) || (b && b->requires_grad) || (c && c->requires_grad);
    if (t->no_grad || !need) return 0;
    n = (rse__node *)rse__arena_alloc(t->arena, sizeof *n);
    if (!n) { rse__tape_fail(t, RSE_STATUS_NOMEM); return 0; }
    memset(n, 0, sizeof *n);
    n->op = op;
    n->out = out;
    n->in[0] = a; n->in[1] = b; n->in[2] = c;
    n->prev = t->last;
    t->last = n;
    out->requires_grad = 1;
    return n;
}

/* 1 if the tape is healthy and the given inputs exist. */
RSE__FN int rse__live(rse__tape *t, const rse__tensor *a, const rse__tensor *b) {
    return t->status == RSE_STATUS_OK && a && b;
}

RSE__FN int rse__same_shape(const rse__tensor *a, const rse__tensor *b) {
    int i;
    if (a->nd != b->nd) return 0;
    for (i = 0; i < a->nd; i++) if (a->shape[i] != b->shape[i]) return 0;
    return 1;
}

/* ===========================================================================
   9. Ops: forward and backward side by side
   ========================================================================= */

/* ---- conv2d ----------------------------------------------------------------
   x (N,C,H,W), w (K,C/groups,KH,KW), b (K) or NULL -> (N,K,Ho,Wo).
   Zero padding `pad` and stride `stride` on both axes, as torch's Conv2d. */

RSE__FN int rse__conv_shape(rse__conv2d_shape *s, const rse__tensor *x, const rse__tensor *w,
                           int stride, int pad, int groups) {
    if (x->nd != 4 || w->nd != 4 || stride < 1 || pad < 0 || groups < 1) return 0;
    s->N = x->shape[0]; s->C = x->shape[1]; s->H = x->shape[2]; s->W = x->shape[3];
    s->K = w->shape[0]; s->KH = w->shape[2]; s->KW = w->shape[3];
    s->stride = stride; s->pad = pad; s->groups = groups;
    if (s->C % groups || s->K % groups || w->shape[1] != s->C / groups) return 0;
    if (s->H + 2 * pad < s->KH || s->W + 2 * pad < s->KW) return 0;
    s->Ho = (s->H + 2 * pad - s->KH) / stride + 1;
    s->Wo = (s->W + 2 * pad - s->KW) / stride + 1;
    return 1;
}

RSE__FN rse__tensor *rse__conv2d(rse__tape *t, rse__tensor *x, rse__tensor *w, rse__tensor *b,
                                int stride, int pad, int groups) {
    rse__conv2d_shape s;
    rse__tensor *y;
    rse__node *n;
    rse_status st;
    if (!rse__live(t, x, w)) return 0;
    if (!rse__conv_shape(&s, x, w, stride, pad, groups) || (b && (int)b->n != w->shape[0]))
        return rse__shape_fail(t, "conv2d", "input, weight, bias, stride, padding or groups disagree");
    y = rse__new4(t, 4, s.N, s.K, s.Ho, s.Wo);
    if (!y) return 0;
    st = rse__conv2d_forward(y->data, x->data, w->data, b ? b->data : 0, &s, t->scratch);
    if (st != RSE_STATUS_OK) return rse__tape_fail(t, st);
    n = rse__record(t, RSE__OP_CONV2D, y, x, w, b);
    if (n) { n->ip[0] = stride; n->ip[1] = pad; n->ip[2] = groups; }
    return y;
}

RSE__FN rse_status rse__conv2d_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *x = n->in[0], *w = n->in[1], *b = n->in[2], *y = n->out;
    rse__conv2d_shape s;
    rse_status st = RSE_STATUS_OK;
    rse__conv_shape(&s, x, w, n->ip[0], n->ip[1], n->ip[2]);
    if (x->requires_grad) {
        if (!rse__grad(t, x)) return t->status;
        st = rse__conv2d_backward_data(x->grad, y->grad, w->data, &s, t->scratch);
        if (st != RSE_STATUS_OK) return st;
    }
    if (w->requires_grad) {
        float *db = 0;
        if (!rse__grad(t, w)) return t->status;
        if (b && b->requires_grad) { if (!(db = rse__grad(t, b))) return t->status; }
        st = rse__conv2d_backward_weight(w->grad, db, y->grad, x->data, &s, t->scratch);
    } else if (b && b->requires_grad) {
        /* bias alone: db[k] += sum of dy over (n, ho, wo) */
        int i, k;
        size_t plane = (size_t)s.Ho * s.Wo, p;
        if (!rse__grad(t, b)) return t->status;
        for (i = 0; i < s.N; i++)
            for (k = 0; k < s.K; k++) {
                const float *g = y->grad + ((size_t)i * s.K + k) * plane;
                float acc = 0;
                for (p = 0; p < plane; p++) acc += g[p];
                b->grad[k] += acc;
            }
    }
    return st;
}

/* ---- linear ----------------------------------------------------------------
   x (..., I), w (O, I), b (O) or NULL -> (..., O):  y = x w^T + b, the layout
   of torch's nn.Linear, so checkpoints load without transposes. */

/* ---- row-wise passes (linear's bias, layernorm), rows split across threads ----
   Each row is computed by one task exactly as a single thread would, so the
   results never depend on the thread count. Below about 64K elements the
   pool is not woken (RSE__EW_PAR_MIN, defined with the element-wise ops). */
typedef struct {
    float *y;                 /* output rows (rows, D)                  */
    const float *x, *b, *w;   /* input rows; per-column bias and weight */
    const float *dy;          /* layernorm backward: y's gradient       */
    float *stats;             /* layernorm: (mean, rstd) per row        */
    float eps;
    int D;
    size_t rows;
} rse__rows_job;

RSE__FN rse__tensor *rse__linear(rse__tape *t, rse__tensor *x, rse__tensor *w, rse__tensor *b) {
    rse__tensor *y;
    int I, O, shape[4], i;
    size_t rows;
    if (!rse__live(t, x, w)) return 0;
    I = x->shape[x->nd - 1];
    if (w->nd != 2 || w->shape[1] != I || (b && (int)b->n != w->shape[0]))
        return rse__shape_fail(t, "linear", "input width, weight (out,in) or bias disagree");
    O = w->shape[0];
    for (i = 0; i < x->nd; i++) shape[i] = x->shape[i];
    shape[x->nd - 1] = O;
    y = rse__tensor_new(t, x->nd, shape);
    if (!y) return 0;
    rows = I ? x->n / (size_t)I : 0;
    if (rows > INT_MAX) return rse__shape_fail(t, "linear", "too many rows");
    /* y (rows,O) = x (rows,I) . w^T (I,O) + b in each row */
    if (!rse__tape_gemm(t, 0, 1, (int)rows, O, I, 1.0f, x->data, I, w->data, I, 0.0f, y->data, O, b ? b->data : 0))
        return 0;
    rse__record(t, RSE__OP_LINEAR, y, x, w, b);
    return y;
}

RSE__FN rse_status rse__linear_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *x = n->in[0], *w = n->in[1], *b = n->in[2], *y = n->out;
    int I = w->shape[1], O = w->shape[0];
    int rows = (int)(x->n / (size_t)(I ? I : 1)), r, o;
    if (x->requires_grad) { /* dx (rows,I) += dy (rows,O) . w (O,I) */
        int acc;
        if (!rse__grad_first(t, x, &acc)) return t->status;
        if (!rse__tape_gemm(t, 0, 0, rows, I, O, 1.0f, y->grad, O, w->data, I, acc ? 1.0f : 0.0f, x->grad, I, 0))
            return t->status;
    }
    if (w->requires_grad) { /* dw (O,I) += dy^T (O,rows) . x (rows,I) */
        if (!rse__grad(t, w)) return t->status;
        rse__sgemm(1, 0, O, I, rows, 1.0f, y->grad, O, x->data, I, 1.0f, w->grad, I);
    }
    if (b && b->requires_grad) {
        if (!rse__grad(t, b)) return t->status;
        for (r = 0; r < rows; r++)
            for (o = 0; o < O; o++) b->grad[o] += y->grad[(size_t)r * O + o];
    }
    return RSE_STATUS_OK;
}

/* ---- matmul ----------------------------------------------------------------
   a (..., M, K) . b (..., K, N) -> (..., M, N), batched over the leading
   dimensions; b may also be a plain (K, N) matrix shared by every batch. */

RSE__FN rse__tensor *rse__matmul(rse__tape *t, rse__tensor *a, rse__tensor *b) {
    rse__tensor *y;
    int M, K, N, shape[4], i, shared;
    size_t batch, bi;
    if (!rse__live(t, a, b)) return 0;
    if (a->nd < 2 || b->nd < 2) return rse__shape_fail(t, "matmul", "operands need 2+ dims");
    M = a->shape[a->nd - 2]; K = a->shape[a->nd - 1]; N = b->shape[b->nd - 1];
    shared = b->nd == 2;
    if (b->shape[b->nd - 2] != K || (!shared && b->nd != a->nd))
        return rse__shape_fail(t, "matmul", "inner dimensions or batch ranks disagree");
    for (i = 0; i < a->nd - 2; i++)
        if (!shared && a->shape[i] != b->shape[i])
            return rse__shape_fail(t, "matmul", "batch dimensions disagree");
    for (i = 0; i < a->nd; i++) shape[i] = a->shape[i];
    shape[a->nd - 1] = N;
    y = rse__tensor_new(t, a->nd, shape);
    if (!y) return 0;
    batch = (M && K) ? a->n / ((size_t)M * K) : 0;
    if (!M || !K) { memset(y->data, 0, y->n * sizeof(float)); batch = 0; }
    for (bi = 0; bi < batch; bi++)
        rse__sgemm(0, 0, M, N, K, 1.0f, a->data + bi * M * K, K,
                   b->data + (shared ? 0 : bi * K * N), N, 0.0f, y->data + bi * M * N, N);
    rse__record(t, RSE__OP_MATMUL, y, a, b, 0);
    return y;
}

RSE__FN rse_status rse__matmul_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *a = n->in[0], *b = n->in[1], *y = n->out;
    int M = a->shape[a->nd - 2], K = a->shape[a->nd - 1], N = b->shape[b->nd - 1];
    int shared = b->nd == 2;
    size_t batch = (M && K) ? a->n / ((size_t)M * K) : 0, bi;
    if (a->requires_grad && !rse__grad(t, a)) return t->status;
    if (b->requires_grad && !rse__grad(t, b)) return t->status;
    for (bi = 0; bi < batch; bi++) {
        const float *dy = y->grad + bi * M * N;
        const float *bb = b->data + (shared ? 0 : bi * K * N);
        if (a->requires_grad) /* da (M,K) += dy (M,N) . b^T (N,K) */
            rse__sgemm(0, 1, M, K, N, 1.0f, dy, N, bb, N, 1.0f, a->grad + bi * M * K, K);
        if (b->requires_grad) /* db (K,N) += a^T (K,M) . dy (M,N); summed if shared */
            rse__sgemm(1, 0, K, N, M, 1.0f, a->data + bi * M * K, K, dy, N, 1.0f,
                       b->grad + (shared ? 0 : bi * K * N), N);
    }
    return RSE_STATUS_OK;
}

/* ---- add, sub, mul with broadcasting --------------------------------------
   a has the output's shape; b is broadcast to it numpy-style: shapes are
   right-aligned and each of b's dimensions equals a's or is 1. A bias over
   the channels of (N,C,H,W) is therefore a (C,1,1) view, a per-sample
   condition (N,C,1,1). */

typedef struct {
    int sh[4];        /* a's shape, left-padded with 1s to 4 dims */
    size_t bst[4];    /* b's strides in that frame, 0 where broadcast */
} rse__bcast;

RSE__FN int rse__bcast_init(rse__bcast *bc, const rse__tensor *a, const rse__tensor *b) {
    int bs[4], i, da = 4 - a->nd, db = 4 - b->nd;
    size_t st = 1;
    if (b->nd > a->nd) return 0;
    for (i = 0; i < 4; i++) {
        bc->sh[i] = i < da ? 1 : a->shape[i - da];
        bs[i] = i < db ? 1 : b->shape[i - db];
        if (bs[i] != bc->sh[i] && bs[i] != 1) return 0;
    }
    for (i = 3; i >= 0; i--) {
        bc->bst[i] = (bs[i] == 1) ? 0 : st;
        st *= (size_t)bs[i];
    }
    return 1;
}

/* Element-wise work is split across threads only when there is enough of
   it: below about 64K elements waking the pool costs more than it saves. */
#ifndef RSE__EW_PAR_MIN
#define RSE__EW_PAR_MIN 65536
#endif

RSE__FN void rse__rows_run(void (*fn)(void *, int, int), rse__rows_job *j) {
    size_t n = j->rows * (size_t)j->D;
    rse__parallel(n < RSE__EW_PAR_MIN ? 1 : rse__task_count(j->rows), fn, j);
}

/* The forward and backward of add/sub/mul over "planes": the (i0, i1)
   slices of a's 4-d frame, each sh[2] x sh[3] elements. A task owns whole
   planes. Every output element is computed by exactly one task in the same
   order as a single thread would, so results never depend on the thread
   count; b's gradient is split this way only when no two planes share a
   b element (else one task does all of it, in order). */
typedef struct {
    const rse__bcast *bc;
    int mode;                   /* 0 add, 1 sub, 2 mul */
    float *y; const float *a, *b;               /* forward */
    const float *dy; float *ga, *gb;            /* backward (either may be NULL) */
} rse__bin_job;

RSE__FN void rse__bin_planes(const rse__bin_job *j, size_t p0, size_t p1, int fwd) {
    const rse__bcast *bc = j->bc;
    size_t P = (size_t)bc->sh[2] * bc->sh[3], pl, s3 = bc->bst[3];
    int i2, i3;
    for (pl = p0; pl < p1; pl++) {
        int i0 = (int)(pl / (size_t)bc->sh[1]), i1 = (int)(pl % (size_t)bc->sh[1]);
        size_t ia = pl * P;
        for (i2 = 0; i2 < bc->sh[2]; i2++) {
            size_t ib = i0 * bc->bst[0] + i1 * bc->bst[1] + i2 * bc->bst[2];
            if (fwd) {
                const float *bp = j->b + ib, *a = j->a;
                float *y = j->y;
                if (j->mode == 0) for (i3 = 0; i3 < bc->sh[3]; i3++, ia++) y[ia] = a[ia] + bp[i3 * s3];
                else if (j->mode == 1) for (i3 = 0; i3 < bc->sh[3]; i3++, ia++) y[ia] = a[ia] - bp[i3 * s3];
                else for (i3 = 0; i3 < bc->sh[3]; i3++, ia++) y[ia] = a[ia] * bp[i3 * s3];
                continue;
            }
            for (i3 = 0; i3 < bc->sh[3]; i3++, ia++) {
                size_t jb = ib + i3 * s3;
                float g = j->dy[ia];
                if (j->mode == 2) {
                    if (j->ga) j->ga[ia] += g * j->b[jb];
                    if (j->gb) j->gb[jb] += g * j->a[ia];
                } else {
                    if (j->ga) j->ga[ia] += g;
                    if (j->gb) j->gb[jb] += j->mode == 1 ? -g : g;
                }
            }
        }
    }
}

RSE__FN void rse__bin_fwd_task(void *ctx, int task, int ntasks) {
    const rse__bin_job *j = (const rse__bin_job *)ctx;
    size_t lo, hi;
    rse__split_range((size_t)j->bc->sh[0] * j->bc->sh[1], task, ntasks, &lo, &hi);
    rse__bin_planes(j, lo, hi, 1);
}

RSE__FN void rse__bin_bwd_task(void *ctx, int task, int ntasks) {
    const rse__bin_job *j = (const rse__bin_job *)ctx;
    size_t lo, hi;
    rse__split_range((size_t)j->bc->sh[0] * j->bc->sh[1], task, ntasks, &lo, &hi);
    rse__bin_planes(j, lo, hi, 0);
}

/* Planes-split task count for n elements in np planes (1: run inline). */
RSE__FN int rse__ew_tasks(size_t n, size_t np) {
    return n < RSE__EW_PAR_MIN ? 1 : rse__task_count(np);
}

RSE__FN rse__tensor *rse__binary(rse__tape *t, rse__tensor *a, rse__tensor *b, int mode) {
    static const rse__op ops[3] = { RSE__OP_ADD, RSE__OP_SUB, RSE__OP_MUL };
    static const char *names[3] = { "add", "sub", "mul" };
    rse__bcast bc;
    rse__tensor *y;
    if (!rse__live(t, a, b)) return 0;
    if (!rse__bcast_init(&bc, a, b))
        return rse__shape_fail(t, names[mode], "second operand does not broadcast to the first");
    y = rse__tensor_new(t, a->nd, a->shape);
    if (!y) return 0;
    {
        rse__bin_job j;
        size_t np = (size_t)bc.sh[0] * bc.sh[1];
        memset(&j, 0, sizeof j);
        j.bc = &bc; j.mode = mode; j.y = y->data; j.a = a->data; j.b = b->data;
        rse__parallel(rse__ew_tasks(a->n, np), rse__bin_fwd_task, &j);
    }
    rse__record(t, ops[mode], y, a, b, 0);
    return y;
}

RSE__FN rse__tensor *rse__add(rse__tape *t, rse__tensor *a, rse__tensor *b) { return rse__binary(t, a, b, 0); }
RSE__FN rse__tensor *rse__sub(rse__tape *t, rse__tensor *a, rse__tensor *b) { return rse__binary(t, a, b, 1); }
RSE__FN rse__tensor *rse__mul(rse__tape *t, rse__tensor *a, rse__tensor *b) { return rse__binary(t, a, b, 2); }

RSE__FN rse_status rse__binary_bwd(rse__tape *t, rse__node *n) {
    int mode = n->op == RSE__OP_ADD ? 0 : n->op == RSE__OP_SUB ? 1 : 2;
    rse__tensor *a = n->in[0], *b = n->in[1], *y = n->out;
    rse__bcast bc;
    rse__bin_job j;
    size_t np;
    int fresh_a = 0, fresh_b = 0;
    rse__bcast_init(&bc, a, b);
    /* An add's first contribution to a gradient of the output's shape is
       dy itself: copied, not added to zeros (see rse__grad_first). */
    if (a->requires_grad && !a->grad && mode == 0) {
        int acc;
        if (!rse__grad_first(t, a, &acc)) return t->status;
        memcpy(a->grad, y->grad, a->n * sizeof(float));
        fresh_a = 1;
    }
    if (b->requires_grad && !b->grad && mode == 0 && b->n == y->n) {
        int acc;
        if (!rse__grad_first(t, b, &acc)) return t->status;
        memcpy(b->grad, y->grad, b->n * sizeof(float));
        fresh_b = 1;
    }
    if (a->requires_grad && !rse__grad(t, a)) return t->status;
    if (b->requires_grad && !rse__grad(t, b)) return t->status;
    np = (size_t)bc.sh[0] * bc.sh[1];
    memset(&j, 0, sizeof j);
    j.bc = &bc; j.mode = mode; j.a = a->data; j.b = b->data; j.dy = y->grad;
    j.ga = a->requires_grad && !fresh_a ? a->grad : 0;
    j.gb = b->requires_grad && !fresh_b ? b->grad : 0;
    /* Planes own distinct elements of b only if b is not broadcast over
       dims 0 and 1 (the bias-like (N,C,1,1) case is fine; a (C,1,1) b
       shared by all N planes is not). */
    if (j.gb && ((bc.sh[0] > 1 && !bc.bst[0]) || (bc.sh[1] > 1 && !bc.bst[1]))) {
        rse__bin_job jb = j;
        jb.ga = 0;
        j.gb = 0;
        rse__bin_planes(&jb, 0, np, 0); /* b's sums on this thread, in order */
    }
    if (j.ga || j.gb) rse__parallel(rse__ew_tasks(a->n, np), rse__bin_bwd_task, &j);
    return RSE_STATUS_OK;
}

/* ---- scale: y = s * x ------------------------------------------------------ */

RSE__FN rse__tensor *rse__scale(rse__tape *t, rse__tensor *x, float s) {
    rse__tensor *y;
    rse__node *n;
    size_t i;
    if (!rse__live(t, x, x)) return 0;
    y = rse__tensor_new(t, x->nd, x->shape);
    if (!y) return 0;
    for (i = 0; i < x->n; i++) y->data[i] = s * x->data[i];
    n = rse__record(t, RSE__OP_SCALE, y, x, 0, 0);
    if (n) n->fp[0] = s;
    return y;
}

RSE__FN rse_status rse__scale_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *x = n->in[0];
    size_t i;
    if (!rse__grad(t, x)) return t->status;
    for (i = 0; i < x->n; i++) x->grad[i] += n->fp[0] * n->out->grad[i];
    return RSE_STATUS_OK;
}

/* ---- activations -----------------------------------------------------------
   GELU      x * Phi(x), Phi the normal CDF, written with erf as torch's
             nn.GELU() does (the exact form, not the tanh approximation).
   GELU-tanh 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), nn.GELU('tanh').
   QuickGELU x * sigmoid(1.702 x), what OpenAI's CLIP was trained with.
   The derivatives are written out next to each forward. */

/* GELU's erf approximation, rse__gelu1 and rse__gelu1_grad are in 7.2:
   the kernel sets run them over whole runs of floats (rse__gelu_run). */
RSE__FN float rse__gelu_tanh1(float x) {
    float u = RSE__SQRT_2_OVER_PI * (x + 0.044715f * x * x * x);
    return 0.5f * x * (1.0f + tanhf(u));
}
/* with th = tanh(u): 0.5 (1 + th) + 0.5 x (1 - th^2) u'(x) */
RSE__FN float rse__gelu_tanh1_grad(float x) {
    float u = RSE__SQRT_2_OVER_PI * (x + 0.044715f * x * x * x);
    float th = tanhf(u);
    float du = RSE__SQRT_2_OVER_PI * (1.0f + 3.0f * 0.044715f * x * x);
    return 0.5f * (1.0f + th) + 0.5f * x * (1.0f - th * th) * du;
}
/* exp without libm, so the loops that use it vectorise (through libm's expf
   QuickGELU was a call per element: 7% of a CLIP encode + gradient).
   exp(x) = 2^n exp(r), n = round(x / ln 2), r = x - n ln 2 (ln 2 split in
   two, the first part exact in 9 bits, so n ln2_hi is exact), |r| <= ln2/2;
   exp(r) = 1 + r + r^2 P(r), P of degree 5 fitted by tools/fit_exp.py.
   Within 1.2e-7 relative of exp over [-87, 88] (libm's expf: about 6e-8);
   x is clamped to that range, so 2^n stays a normal float (exp(-87) is
   1.6e-38 instead of 0 below it; a sigmoid then differs from 0 or 1 by less
   than that). NaN stays NaN. Adding 1.5 * 2^23 rounds x / ln 2 to an
   integer n that sits in the low mantissa bits, read as an integer: no
   float-to-int conversion, which would be undefined for NaN. */
static inline float rse__exp_approx(float x) {
    const float big = 12582912.0f; /* 1.5 * 2^23, bits 0x4b400000 */
    float t, n, r, p, s;
    uint32_t u;
    x = x > 88.0f ? 88.0f : x;
    x = x < -87.0f ? -87.0f : x;
    t = x * 1.44269504f + big;
    n = t - big;
    r = x - n * 0.693359375f;
    r = r - n * -2.121944417e-4f;
    p = ((((1.979035733e-4f * r + 1.394464984e-3f) * r + 8.333496749e-3f) * r + 4.166629538e-2f) * r +
         1.666666567e-1f) * r + 0.5f;
    memcpy(&u, &t, sizeof u);
    u = (u - 0x4b400000u + 127u) << 23; /* the bits of 2^n */
    memcpy(&s, &u, sizeof s);
    return (1.0f + r + r * r * p) * s;
}
static inline float rse__sigmoid1(float x) { return 1.0f / (1.0f + rse__exp_approx(-x)); }
static inline float rse__quickgelu1(float x) { return x * rse__sigmoid1(1.702f * x); }
/* s + 1.702 x s (1 - s), s = sigmoid(1.702 x) */
static inline float rse__quickgelu1_grad(float x) {
    float s = rse__sigmoid1(1.702f * x);
    return s + 1.702f * x * s * (1.0f - s);
}

/* Activation forward (dy == NULL: y = f(x)) or backward (gx += dy f'(x))
   over a range of elements: a task of the element-wise split. */
typedef struct { rse__op op; const float *x, *dy; float *y, *gx; size_t n; int acc; } rse__act_job;

/* gx = or += dy * f'(x): acc says which (see rse__grad_first) */
#define RSE__ACT_BWD(fgrad) do { \
        if (j->acc) for (i = lo; i < hi; i++) gx[i] += dy[i] * fgrad(x[i]); \
        else for (i = lo; i < hi; i++) gx[i] = dy[i] * fgrad(x[i]); \
    } while (0)

RSE__FN void rse__act_task(void *ctx, int task, int ntasks) {
    const rse__act_job *j = (const rse__act_job *)ctx;
    const float *x = j->x;
    size_t i, lo, hi;
    rse__split_range(j->n, task, ntasks, &lo, &hi);
    if (!j->dy) {
        float *y = j->y;
        switch (j->op) {
        case RSE__OP_GELU:      rse__gelu_run(y + lo, x + lo, hi - lo); break;
        case RSE__OP_GELU_TANH: for (i = lo; i < hi; i++) y[i] = rse__gelu_tanh1(x[i]); break;
        default:               for (i = lo; i < hi; i++) y[i] = rse__quickgelu1(x[i]); break;
        }
    } else {
        const float *dy = j->dy;
        float *gx = j->gx;
        switch (j->op) {
        case RSE__OP_GELU:      rse__gelu_grad_run(gx + lo, dy + lo, x + lo, hi - lo, j->acc); break;
        case RSE__OP_GELU_TANH: RSE__ACT_BWD(rse__gelu_tanh1_grad); break;
        default:               RSE__ACT_BWD(rse__quickgelu1_grad); break;
        }
    }
}

RSE__FN void rse__act_run(rse__op op, const float *x, const float *dy, float *y, float *gx, size_t n, int acc) {
    rse__act_job j;
    j.op = op; j.x = x; j.dy = dy; j.y = y; j.gx = gx; j.n = n; j.acc = acc;
    /* a quarter of the usual threshold per task: the activations cost
       several times an add per element */
    rse__parallel(n < RSE__EW_PAR_MIN / 4 ? 1 : rse__task_count(n / (RSE__EW_PAR_MIN / 4) + 1), rse__act_task, &j);
}

RSE__FN rse__tensor *rse__unary(rse__tape *t, rse__tensor *x, rse__op op) {
    rse__tensor *y;
    if (!rse__live(t, x, x)) return 0;
    y = rse__tensor_new(t, x->nd, x->shape);
    if (!y) return 0;
    rse__act_run(op, x->data, 0, y->data, 0, x->n, 0);
    rse__record(t, op, y, x, 0, 0);
    return y;
}

RSE__FN rse__tensor *rse__gelu(rse__tape *t, rse__tensor *x) { return rse__unary(t, x, RSE__OP_GELU); }
RSE__FN rse__tensor *rse__gelu_tanh(rse__tape *t, rse__tensor *x) { return rse__unary(t, x, RSE__OP_GELU_TANH); }
RSE__FN rse__tensor *rse__quickgelu(rse__tape *t, rse__tensor *x) { return rse__unary(t, x, RSE__OP_QUICKGELU); }

RSE__FN rse_status rse__unary_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *x = n->in[0], *y = n->out;
    int acc;
    if (!rse__grad_first(t, x, &acc)) return t->status;
    rse__act_run(n->op, x->data, y->grad, 0, x->grad, x->n, acc);
    return RSE_STATUS_OK;
}

/* ---- layernorm ---------------------------------------------------------------
   Over the last dimension D: y = (x - mean) * rstd * w + b, with
   rstd = 1/sqrt(var + eps), var the biased variance, as torch's LayerNorm.
   Saves mean and rstd per row (2 floats a row) for the backward. */

/* Rows [lo, hi) of y = layernorm(x) * w + b, and each row's (mean, rstd). */
RSE__FN void rse__ln_fwd_task(void *ctx, int task, int ntasks) {
    const rse__rows_job *j = (const rse__rows_job *)ctx;
    const int D = j->D;
    size_t lo, hi, r;
    int i;
    rse__split_range(j->rows, task, ntasks, &lo, &hi);
    for (r = lo; r < hi; r++) {
        const float *xr = j->x + r * D;
        float *yr = j->y + r * D;
        /* two passes in double: the mean first, then the centred variance,
           which is stable where E[x^2]-E[x]^2 is not */
        double m = 0, v = 0;
        float mean, rstd;
        for (i = 0; i < D; i++) m += xr[i];
        m /= D;
        for (i = 0; i < D; i++) v += (xr[i] - m) * (xr[i] - m);
        v /= D;
        mean = (float)m;
        rstd = (float)(1.0 / sqrt(v + j->eps));
        for (i = 0; i < D; i++) {
            float h = (xr[i] - mean) * rstd;
            yr[i] = h * (j->w ? j->w[i] : 1.0f) + (j->b ? j->b[i] : 0.0f);
        }
        j->stats[2 * r] = mean;
        j->stats[2 * r + 1] = rstd;
    }
}

RSE__FN rse__tensor *rse__layernorm(rse__tape *t, rse__tensor *x, rse__tensor *w, rse__tensor *b, float eps) {
    rse__tensor *y;
    rse__node *n;
    rse__rows_job j;
    int D;
    size_t rows;
    float *stats;
    if (!rse__live(t, x, x)) return 0;
    D = x->shape[x->nd - 1];
    if (D < 1 || (w && (int)w->n != D) || (b && (int)b->n != D))
        return rse__shape_fail(t, "layernorm", "weight or bias length differs from the last dimension");
    rows = x->n / (size_t)D;
    y = rse__tensor_new(t, x->nd, x->shape);
    if (!y) return 0;
    stats = (float *)rse__arena_alloc(t->arena, rows * 2 * sizeof(float));
    if (!stats) return rse__tape_fail(t, RSE_STATUS_NOMEM);
    memset(&j, 0, sizeof j);
    j.y = y->data; j.x = x->data; j.w = w ? w->data : 0; j.b = b ? b->data : 0;
    j.stats = stats; j.eps = eps; j.D = D; j.rows = rows;
    rse__rows_run(rse__ln_fwd_task, &j);
    n = rse__record(t, RSE__OP_LAYERNORM, y, x, w, b);
    if (n) n->saved = stats;
    return y;
}

/* With h = (x-mean)*rstd and g = dy*w:
     dx = rstd * (g - mean(g) - h * mean(g*h)),  dw += dy*h,  db += dy.
   This task: rows [lo, hi) of dx. */
RSE__FN void rse__ln_bwd_task(void *ctx, int task, int ntasks) {
    const rse__rows_job *j = (const rse__rows_job *)ctx;
    const int D = j->D;
    size_t lo, hi, r;
    int i;
    rse__split_range(j->rows, task, ntasks, &lo, &hi);
    for (r = lo; r < hi; r++) {
        const float *xr = j->x + r * D, *dy = j->dy + r * D;
        float mean = j->stats[2 * r], rstd = j->stats[2 * r + 1];
        double mg = 0, mgh = 0;
        for (i = 0; i < D; i++) {
            float h = (xr[i] - mean) * rstd, g = dy[i] * (j->w ? j->w[i] : 1.0f);
            mg += g;
            mgh += g * h;
        }
        mg /= D;
        mgh /= D;
        for (i = 0; i < D; i++) {
            float h = (xr[i] - mean) * rstd, g = dy[i] * (j->w ? j->w[i] : 1.0f);
            j->y[r * D + i] += rstd * (g - (float)mg - h * (float)mgh);
        }
    }
}

/* dx row by row across threads; dw and db, which sum over the rows, in row
   order on this thread (so their bits do not depend on the thread count). */
RSE__FN rse_status rse__layernorm_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *x = n->in[0], *w = n->in[1], *b = n->in[2], *y = n->out;
    int D = x->shape[x->nd - 1], i;
    size_t rows = x->n / (size_t)D, r;
    if (x->requires_grad && !rse__grad(t, x)) return t->status;
    if (w && w->requires_grad && !rse__grad(t, w)) return t->status;
    if (b && b->requires_grad && !rse__grad(t, b)) return t->status;
    if (x->requires_grad) {
        rse__rows_job j;
        memset(&j, 0, sizeof j);
        j.y = x->grad; j.x = x->data; j.w = w ? w->data : 0; j.dy = y->grad;
        j.stats = n->saved; j.D = D; j.rows = rows;
        rse__rows_run(rse__ln_bwd_task, &j);
    }
    if ((w && w->requires_grad) || (b && b->requires_grad))
        for (r = 0; r < rows; r++) {
            const float *xr = x->data + r * D, *dy = y->grad + r * D;
            float mean = n->saved[2 * r], rstd = n->saved[2 * r + 1];
            for (i = 0; i < D; i++) {
                float h = (xr[i] - mean) * rstd;
                if (w && w->requires_grad) w->grad[i] += dy[i] * h;
                if (b && b->requires_grad) b->grad[i] += dy[i];
            }
        }
    return RSE_STATUS_OK;
}

/* ---- softmax over the last dimension ---------------------------------------
   The max is subtracted first so exp never overflows; -INFINITY entries (a
   mask) get probability 0. Backward: dx = y * (dy - sum(dy * y)). */

RSE__FN void rse__softmax_row(float *y, const float *x, int D) {
    float mx = -INFINITY, s = 0;
    int i;
    for (i = 0; i < D; i++) if (x[i] > mx) mx = x[i];
    if (mx == -INFINITY) { for (i = 0; i < D; i++) y[i] = 0; return; } /* all masked */
    for (i = 0; i < D; i++) { y[i] = expf(x[i] - mx); s += y[i]; }
    for (i = 0; i < D; i++) y[i] /= s;
}

RSE__FN void rse__softmax_row_bwd(float *dx, const float *y, const float *dy, int D) {
    float s = 0;
    int i;
    for (i = 0; i < D; i++) s += dy[i] * y[i];
    for (i = 0; i < D; i++) dx[i] += y[i] * (dy[i] - s);
}

RSE__FN rse__tensor *rse__softmax(rse__tape *t, rse__tensor *x) {
    rse__tensor *y;
    int D;
    size_t r, rows;
    if (!rse__live(t, x, x)) return 0;
    D = x->shape[x->nd - 1];
    y = rse__tensor_new(t, x->nd, x->shape);
    if (!y) return 0;
    rows = D ? x->n / (size_t)D : 0;
    for (r = 0; r < rows; r++) rse__softmax_row(y->data + r * D, x->data + r * D, D);
    rse__record(t, RSE__OP_SOFTMAX, y, x, 0, 0);
    return y;
}

RSE__FN rse_status rse__softmax_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *x = n->in[0], *y = n->out;
    int D = x->shape[x->nd - 1];
    size_t r, rows = D ? x->n / (size_t)D : 0;
    if (!rse__grad(t, x)) return t->status;
    for (r = 0; r < rows; r++)
        rse__softmax_row_bwd(x->grad + r * D, y->data + r * D, y->grad + r * D, D);
    return RSE_STATUS_OK;
}

/* ---- scaled dot-product attention ------------------------------------------
   q (B,H,L,E), k (B,H,S,E), v (B,H,S,E) -> (B,H,L,E):
       P = softmax(q k^T / sqrt(E) + mask),  out = P v
   The causal mask hides key j from query i when j > i (the text tower).
   P (B,H,L,S) is saved: recomputing it would cost the whole forward again. */

RSE__FN rse__tensor *rse__sdpa(rse__tape *t, rse__tensor *q, rse__tensor *k, rse__tensor *v, int causal) {
    rse__tensor *y;
    rse__node *n;
    int B, H, L, S, E, i, j;
    size_t bh, nbh;
    float *P, scale;
    if (!rse__live(t, q, k) || !v) return 0;
    if (q->nd != 4 || !rse__same_shape(k, v) || k->nd != 4 || q->shape[0] != k->shape[0] ||
        q->shape[1] != k->shape[1] || q->shape[3] != k->shape[3])
        return rse__shape_fail(t, "attention", "q (B,H,L,E), k and v (B,H,S,E) disagree");
    B = q->shape[0]; H = q->shape[1]; L = q->shape[2]; S = k->shape[2]; E = q->shape[3];
    scale = 1.0f / sqrtf((float)E);
    y = rse__tensor_new(t, 4, q->shape);
    if (!y) return 0;
    nbh = (size_t)B * H;
    P = (float *)rse__arena_calloc(t->arena, nbh * L, (size_t)S * sizeof(float));
    if (!P) return rse__tape_fail(t, RSE_STATUS_NOMEM);
    for (bh = 0; bh < nbh; bh++) {
        float *Pb = P + bh * L * S;
        const float *qb = q->data + bh * L * E, *kb = k->data + bh * S * E, *vb = v->data + bh * S * E;
        /* scores (L,S) = scale * q (L,E) . k^T (E,S) */
        if (!rse__tape_gemm(t, 0, 1, L, S, E, scale, qb, E, kb, E, 0.0f, Pb, S, 0)) return 0;
        for (i = 0; i < L; i++) {
            if (causal) for (j = i + 1; j < S; j++) Pb[(size_t)i * S + j] = -INFINITY;
            rse__softmax_row(Pb + (size_t)i * S, Pb + (size_t)i * S, S);
        }
        /* out (L,E) = P (L,S) . v (S,E) */
        if (!rse__tape_gemm(t, 0, 0, L, E, S, 1.0f, Pb, S, vb, E, 0.0f, y->data + bh * L * E, E, 0)) return 0;
    }
    n = rse__record(t, RSE__OP_SDPA, y, q, k, v);
    if (n) { n->saved = P; n->ip[0] = causal; }
    return y;
}

RSE__FN rse_status rse__sdpa_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *q = n->in[0], *k = n->in[1], *v = n->in[2], *y = n->out;
    int L = q->shape[2], S = k->shape[2], E = q->shape[3], i;
    size_t bh, nbh = (size_t)q->shape[0] * q->shape[1];
    float scale = 1.0f / sqrtf((float)E), *dP;
    rse_arena_mark m = rse__arena_get_mark(t->scratch);
    if (q->requires_grad && !rse__grad(t, q)) return t->status;
    if (k->requires_grad && !rse__grad(t, k)) return t->status;
    if (v->requires_grad && !rse__grad(t, v)) return t->status;
    dP = (float *)rse__arena_calloc(t->scratch, (size_t)L * S, sizeof(float));
    if (!dP) return RSE_STATUS_NOMEM;
    for (bh = 0; bh < nbh; bh++) {
        const float *Pb = n->saved + bh * L * S, *dO = y->grad + bh * L * E;
        const float *qb = q->data + bh * L * E, *kb = k->data + bh * S * E, *vb = v->data + bh * S * E;
        if (v->requires_grad) /* dv (S,E) += P^T (S,L) . dO (L,E) */
            if (!rse__tape_gemm(t, 1, 0, S, E, L, 1.0f, Pb, S, dO, E, 1.0f, v->grad + bh * S * E, E, 0)) return t->status;
        if (!q->requires_grad && !k->requires_grad) continue;
        /* dP (L,S) = dO (L,E) . v^T (E,S), then through the softmax: dS */
        if (!rse__tape_gemm(t, 0, 1, L, S, E, 1.0f, dO, E, vb, E, 0.0f, dP, S, 0)) return t->status;
        for (i = 0; i < L; i++) {
            float *d = dP + (size_t)i * S, s = 0;
            const float *p = Pb + (size_t)i * S;
            int j;
            for (j = 0; j < S; j++) s += d[j] * p[j];
            for (j = 0; j < S; j++) d[j] = p[j] * (d[j] - s);
        }
        if (q->requires_grad) /* dq (L,E) += scale * dS (L,S) . k (S,E) */
            if (!rse__tape_gemm(t, 0, 0, L, E, S, scale, dP, S, kb, E, 1.0f, q->grad + bh * L * E, E, 0)) return t->status;
        if (k->requires_grad) /* dk (S,E) += scale * dS^T (S,L) . q (L,E) */
            if (!rse__tape_gemm(t, 1, 0, S, E, L, scale, dP, S, qb, E, 1.0f, k->grad + bh * S * E, E, 0)) return t->status;
    }
    rse__arena_release(t->scratch, m);
    return RSE_STATUS_OK;
}

/* ---- fused multi-head attention on packed q, k, v ----------------------------
   qkv (B,L,3D) -> (B,L,D), heads of width E = D/heads. Row l of qkv holds
   q, k and v of token l side by side (as one (3D,D) in-projection writes
   them), and head h of each is the E columns at h*E:

       q_bh = qkv[b, :, h*E ...]       (L,E), rows 3D apart
       k_bh = qkv[b, :, D + h*E ...]
       v_bh = qkv[b, :, 2D + h*E ...]
       P_bh = softmax(q_bh k_bh^T / sqrt(E) + mask)    (L,L), saved
       y[b, :, h*E ...] = P_bh v_bh                    rows D apart

   It computes exactly what rse__sdpa computes after slicing qkv into q, k,
   v and permuting them to (B,H,L,E), then permuting the result back: the
   same products in the same order, so the same bits. What it saves is the
   plumbing: the GEMMs read every head where it lies (a row stride is all
   they need), so the three slices, four permutes and their gradients, a
   copy and a zeroed buffer each, are never made; and the B*H heads, each a
   few small GEMMs (50x50x64 for ViT-B/32 at 224) too small to split across
   threads, run in parallel, one head per task. A head's result does not
   depend on which thread computes it, so the output is the same on any
   thread count. */

typedef struct {
    const float *qkv, *dy;  /* (B,L,3D) input; y's gradient (B,L,D) */
    float *y, *P, *dqkv;    /* output; saved probabilities (B,H,L,L); qkv's gradient */
    float *dP;              /* backward: one (L,L) scratch per task */
    float beta;             /* backward: 1 adds to dqkv, 0 stores (its first writer) */
    int H, L, E, causal;
    size_t nbh;
    float scale;
    int bf16;               /* the tape's bf16: the products in bfloat16 (7.9) */
    unsigned char *ws;      /* then, with the kernel: wsz bytes per task, or NULL */
    size_t wsz;
} rse__attn_job;

/* One of a head's products, on the tape's precision (rse__tape_gemm). */
RSE__FN void rse__attn_gemm(const rse__attn_job *j, int task, int transA, int transB, int M, int N, int K, float alpha,
                            const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc) {
    if (j->bf16) rse__bgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, 0,
                            j->ws ? j->ws + (size_t)task * j->wsz : 0);
    else rse__sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

/* Gives job j the tape's precision and, for the bfloat16 kernel, one
   workspace per task (for the largest of a head's products, (L,L) x E and
   (L,E) x L) from the scratch arena. Returns 0 when it cannot be had. */
RSE__FN int rse__attn_ws(rse__tape *t, rse__attn_job *j, int ntasks) {
    size_t a = rse__bgemm_ws_size(j->L, j->L, j->E), b = rse__bgemm_ws_size(j->L, j->E, j->L);
    j->bf16 = t->bf16;
    if (!t->bf16 || !rse__bf16_native()) return 1;
    j->wsz = ((a > b ? a : b) + RSE__ALIGN - 1) / RSE__ALIGN * RSE__ALIGN;
    j->ws = (unsigned char *)rse__arena_alloc(t->scratch, j->wsz * (size_t)ntasks);
    if (!j->ws) rse__fail(RSE_STATUS_NOMEM, "attention: out of memory for bfloat16 workspaces");
    return j->ws != 0;
}

RSE__FN void rse__attn_fwd_task(void *ctx, int task, int ntasks) {
    const rse__attn_job *j = (const rse__attn_job *)ctx;
    int L = j->L, E = j->E, D = j->H * j->E, i, c;
    size_t lo, hi, bh;
    rse__split_range(j->nbh, task, ntasks, &lo, &hi);
    for (bh = lo; bh < hi; bh++) {
        size_t b = bh / (size_t)j->H, h = bh % (size_t)j->H;
        const float *q = j->qkv + b * L * 3 * D + h * E;
        float *Pb = j->P + bh * L * L;
        /* scores (L,L) = scale * q (L,E) . k^T (E,L) */
        rse__attn_gemm(j, task, 0, 1, L, L, E, j->scale, q, 3 * D, q + D, 3 * D, 0.0f, Pb, L);
        for (i = 0; i < L; i++) {
            if (j->causal) for (c = i + 1; c < L; c++) Pb[(size_t)i * L + c] = -INFINITY;
            rse__softmax_row(Pb + (size_t)i * L, Pb + (size_t)i * L, L);
        }
        /* y_bh (L,E) = P (L,L) . v (L,E) */
        rse__attn_gemm(j, task, 0, 0, L, E, L, 1.0f, Pb, L, q + 2 * D, 3 * D, 0.0f, j->y + b * L * D + h * E, D);
    }
}

RSE__FN void rse__attn_bwd_task(void *ctx, int task, int ntasks) {
    const rse__attn_job *j = (const rse__attn_job *)ctx;
    int L = j->L, E = j->E, D = j->H * j->E, i, c;
    float *dP = j->dP + (size_t)task * L * L;
    size_t lo, hi, bh;
    rse__split_range(j->nbh, task, ntasks, &lo, &hi);
    for (bh = lo; bh < hi; bh++) {
        size_t b = bh / (size_t)j->H, h = bh % (size_t)j->H, off = b * L * 3 * D + h * E;
        const float *q = j->qkv + off, *k = q + D, *v = q + 2 * D;
        const float *Pb = j->P + bh * L * L, *dO = j->dy + b * L * D + h * E;
        float *dq = j->dqkv + off, *dk = dq + D, *dv = dq + 2 * D;
        /* dv (L,E) += P^T (L,L) . dO (L,E) */
        rse__attn_gemm(j, task, 1, 0, L, E, L, 1.0f, Pb, L, dO, D, j->beta, dv, 3 * D);
        /* dP (L,L) = dO (L,E) . v^T (E,L), then through the softmax: dS */
        rse__attn_gemm(j, task, 0, 1, L, L, E, 1.0f, dO, D, v, 3 * D, 0.0f, dP, L);
        for (i = 0; i < L; i++) {
            float *d = dP + (size_t)i * L, s = 0;
            const float *p = Pb + (size_t)i * L;
            for (c = 0; c < L; c++) s += d[c] * p[c];
            for (c = 0; c < L; c++) d[c] = p[c] * (d[c] - s);
        }
        /* dq (L,E) += scale * dS (L,L) . k (L,E);  dk += scale * dS^T . q */
        rse__attn_gemm(j, task, 0, 0, L, E, L, j->scale, dP, L, k, 3 * D, j->beta, dq, 3 * D);
        rse__attn_gemm(j, task, 1, 0, L, E, L, j->scale, dP, L, q, 3 * D, j->beta, dk, 3 * D);
    }
}

RSE__FN rse__tensor *rse__attention_qkv(rse__tape *t, rse__tensor *qkv, int heads, int causal) {
    rse__tensor *y;
    rse__node *n;
    rse__attn_job j;
    int shape[3];
    size_t pn;
    if (!rse__live(t, qkv, qkv)) return 0;
    if (qkv->nd != 3 || heads < 1 || qkv->shape[2] % (3 * heads))
        return rse__shape_fail(t, "attention", "qkv must be (B,L,3D) with D divisible by heads");
    memset(&j, 0, sizeof j);
    j.H = heads; j.L = qkv->shape[1]; j.E = qkv->shape[2] / (3 * heads);
    j.causal = causal;
    j.nbh = (size_t)qkv->shape[0] * heads;
    j.scale = 1.0f / sqrtf((float)j.E);
    shape[0] = qkv->shape[0]; shape[1] = j.L; shape[2] = heads * j.E;
    if (!(y = rse__tensor_new(t, 3, shape))) return 0;
    if (!rse__mul4_ok(j.nbh, (size_t)j.L, (size_t)j.L, sizeof(float), &pn))
        return rse__shape_fail(t, "attention", "too many scores");
    if (!(j.P = (float *)rse__arena_alloc(t->arena, pn))) return rse__tape_fail(t, RSE_STATUS_NOMEM);
    j.qkv = qkv->data; j.y = y->data;
    {
        rse_arena_mark mk = rse__arena_get_mark(t->scratch);
        int ntasks = rse__task_count(j.nbh);
        if (!rse__attn_ws(t, &j, ntasks)) return rse__tape_fail(t, RSE_STATUS_NOMEM);
        rse__parallel(ntasks, rse__attn_fwd_task, &j);
        rse__arena_release(t->scratch, mk);
    }
    n = rse__record(t, RSE__OP_ATTN_QKV, y, qkv, 0, 0);
    if (n) { n->saved = j.P; n->ip[0] = heads; n->ip[1] = causal; }
    return y;
}

RSE__FN rse_status rse__attention_qkv_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *qkv = n->in[0], *y = n->out;
    rse__attn_job j;
    rse_arena_mark m = rse__arena_get_mark(t->scratch);
    int ntasks, acc;
    memset(&j, 0, sizeof j);
    j.H = n->ip[0]; j.causal = n->ip[1]; j.L = qkv->shape[1]; j.E = qkv->shape[2] / (3 * j.H);
    j.nbh = (size_t)qkv->shape[0] * j.H;
    j.scale = 1.0f / sqrtf((float)j.E);
    j.qkv = qkv->data; j.P = n->saved; j.dy = y->grad;
    /* the heads' dq, dk, dv cover every element of dqkv once */
    if (!(j.dqkv = rse__grad_first(t, qkv, &acc))) return t->status;
    j.beta = acc ? 1.0f : 0.0f;
    ntasks = rse__task_count(j.nbh);
    /* (L,L) per task: fits, since the forward held (B*H,L,L) */
    j.dP = (float *)rse__arena_alloc(t->scratch, (size_t)ntasks * j.L * j.L * sizeof(float));
    if (!j.dP) return RSE_STATUS_NOMEM;
    if (!rse__attn_ws(t, &j, ntasks)) return RSE_STATUS_NOMEM;
    rse__parallel(ntasks, rse__attn_bwd_task, &j);
    rse__arena_release(t->scratch, m);
    return RSE_STATUS_OK;
}

/* ---- embedding -------------------------------------------------------------
   table (V,D), ids[n] -> (n,D): row ids[i] of the table. Ids are checked:
   they come from a tokenizer fed by a file. */

RSE__FN rse__tensor *rse__embedding(rse__tape *t, rse__tensor *table, const int *ids, int n) {
    rse__tensor *y;
    rse__node *node;
    int i, V, D;
    if (!rse__live(t, table, table)) return 0;
    if (table->nd != 2 || n < 1) return rse__shape_fail(t, "embedding", "table must be (V,D), ids non-empty");
    V = table->shape[0]; D = table->shape[1];
    for (i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= V) {
            rse__fail(RSE_STATUS_BAD_ARG, "embedding: id %d out of range 0..%d", ids[i], V - 1);
            return rse__tape_fail(t, RSE_STATUS_BAD_ARG);
        }
    y = rse__new4(t, 2, n, D, 0, 0);
    if (!y) return 0;
    for (i = 0; i < n; i++) memcpy(y->data + (size_t)i * D, table->data + (size_t)ids[i] * D, D * sizeof(float));
    node = rse__record(t, RSE__OP_EMBEDDING, y, table, 0, 0);
    if (node) {
        int *keep = (int *)rse__arena_alloc(t->arena, (size_t)n * sizeof(int));
        if (!keep) return rse__tape_fail(t, RSE_STATUS_NOMEM);
        memcpy(keep, ids, (size_t)n * sizeof(int));
        node->ids = keep;
    }
    return y;
}

RSE__FN rse_status rse__embedding_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *table = n->in[0], *y = n->out;
    int rows = y->shape[0], D = y->shape[1], i, j;
    if (!rse__grad(t, table)) return t->status;
    for (i = 0; i < rows; i++)
        for (j = 0; j < D; j++) table->grad[(size_t)n->ids[i] * D + j] += y->grad[(size_t)i * D + j];
    return RSE_STATUS_OK;
}

/* ---- concat, slice, reshape, permute ---------------------------------------
   concat and slice see a tensor as (outer, axis, inner): outer is the
   product of the dimensions before the axis, inner of those after it. */

RSE__FN void rse__axis_split(const rse__tensor *x, int axis, size_t *outer, size_t *inner) {
    int i;
    *outer = 1; *inner = 1;
    for (i = 0; i < axis; i++) *outer *= (size_t)x->shape[i];
    for (i = axis + 1; i < x->nd; i++) *inner *= (size_t)x->shape[i];
}

RSE__FN rse__tensor *rse__concat(rse__tape *t, rse__tensor *a, rse__tensor *b, int axis) {
    rse__tensor *y;
    rse__node *n;
    int shape[4], i;
    size_t outer, ia, ib, o;
    if (!rse__live(t, a, b)) return 0;
    if (a->nd != b->nd || axis < 0 || axis >= a->nd) return rse__shape_fail(t, "concat", "ranks or axis disagree");
    for (i = 0; i < a->nd; i++) {
        if (i != axis && a->shape[i] != b->shape[i]) return rse__shape_fail(t, "concat", "shapes differ off the axis");
        shape[i] = a->shape[i];
    }
    shape[axis] = a->shape[axis] + b->shape[axis];
    y = rse__tensor_new(t, a->nd, shape);
    if (!y) return 0;
    rse__axis_split(a, axis, &outer, &ia); /* ia: elements after the axis */
    ib = ia * (size_t)b->shape[axis];
    ia *= (size_t)a->shape[axis];
    for (o = 0; o < outer; o++) {
        memcpy(y->data + o * (ia + ib), a->data + o * ia, ia * sizeof(float));
        memcpy(y->data + o * (ia + ib) + ia, b->data + o * ib, ib * sizeof(float));
    }
    n = rse__record(t, RSE__OP_CONCAT, y, a, b, 0);
    if (n) n->ip[0] = axis;
    return y;
}

RSE__FN rse_status rse__concat_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *a = n->in[0], *b = n->in[1], *y = n->out;
    size_t outer, ia, ib, o, j;
    rse__axis_split(y, n->ip[0], &outer, &ia);
    ib = ia * (size_t)b->shape[n->ip[0]];
    ia *= (size_t)a->shape[n->ip[0]];
    if (a->requires_grad && !rse__grad(t, a)) return t->status;
    if (b->requires_grad && !rse__grad(t, b)) return t->status;
    for (o = 0; o < outer; o++) {
        const float *g = y->grad + o * (ia + ib);
        if (a->requires_grad) for (j = 0; j < ia; j++) a->grad[o * ia + j] += g[j];
        if (b->requires_grad) for (j = 0; j < ib; j++) b->grad[o * ib + j] += g[ia + j];
    }
    return RSE_STATUS_OK;
}

/* x[..., start:start+len, ...] along axis. */
RSE__FN rse__tensor *rse__slice(rse__tape *t, rse__tensor *x, int axis, int start, int len) {
    rse__tensor *y;
    rse__node *n;
    int shape[4], i;
    size_t outer, inner, o;
    if (!rse__live(t, x, x)) return 0;
    if (axis < 0 || axis >= x->nd || start < 0 || len < 0 || start > x->shape[axis] - len)
        return rse__shape_fail(t, "slice", "axis or range outside the tensor");
    for (i = 0; i < x->nd; i++) shape[i] = x->shape[i];
    shape[axis] = len;
    y = rse__tensor_new(t, x->nd, shape);
    if (!y) return 0;
    rse__axis_split(x, axis, &outer, &inner);
    for (o = 0; o < outer; o++)
        memcpy(y->data + o * len * inner, x->data + (o * x->shape[axis] + start) * inner, len * inner * sizeof(float));
    n = rse__record(t, RSE__OP_SLICE, y, x, 0, 0);
    if (n) { n->ip[0] = axis; n->ip[1] = start; n->ip[2] = len; }
    return y;
}

RSE__FN rse_status rse__slice_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *x = n->in[0], *y = n->out;
    int axis = n->ip[0], start = n->ip[1], len = n->ip[2];
    size_t outer, inner, o, j;
    if (!rse__grad(t, x)) return t->status;
    rse__axis_split(x, axis, &outer, &inner);
    for (o = 0; o < outer; o++) {
        float *gx = x->grad + (o * x->shape[axis] + start) * inner;
        const float *gy = y->grad + o * len * inner;
        for (j = 0; j < (size_t)len * inner; j++) gx[j] += gy[j];
    }
    return RSE_STATUS_OK;
}

/* A view with another shape and the same number of elements: no copy. */
RSE__FN rse__tensor *rse__reshape(rse__tape *t, rse__tensor *x, int nd, const int *shape) {
    rse__tensor *y;
    int ok;
    if (!rse__live(t, x, x)) return 0;
    if (rse__shape_numel(nd, shape, &ok) != x->n || !ok)
        return rse__shape_fail(t, "reshape", "element counts differ");
    y = (rse__tensor *)rse__arena_alloc(t->arena, sizeof *y);
    if (!y) return rse__tape_fail(t, RSE_STATUS_NOMEM);
    rse__tensor_view(y, x->data, nd, shape);
    rse__record(t, RSE__OP_RESHAPE, y, x, 0, 0);
    return y;
}

RSE__FN rse_status rse__reshape_bwd(rse__tape *t, rse__node *n) {
    size_t i;
    if (!rse__grad(t, n->in[0])) return t->status;
    for (i = 0; i < n->out->n; i++) n->in[0]->grad[i] += n->out->grad[i];
    return RSE_STATUS_OK;
}

/* y's dimension i is x's dimension perm[i] (torch's x.permute(perm)). The
   copy walks y in order and gathers from x with x's strides, so both the
   forward and the backward (a scatter-add) are one strided loop. */
RSE__FN void rse__permute_strides(const rse__tensor *x, const int *perm, int ysh[4], size_t xst[4]) {
    size_t st[4], s = 1;
    int i;
    for (i = x->nd - 1; i >= 0; i--) { st[i] = s; s *= (size_t)x->shape[i]; }
    for (i = 0; i < 4; i++) { ysh[i] = 1; xst[i] = 0; }
    for (i = 0; i < x->nd; i++) {
        ysh[4 - x->nd + i] = x->shape[perm[i]];
        xst[4 - x->nd + i] = st[perm[i]];
    }
}

RSE__FN void rse__permute_copy(float *y, float *x, const int ysh[4], const size_t xst[4], int backward) {
    int i0, i1, i2, i3;
    size_t iy = 0;
    for (i0 = 0; i0 < ysh[0]; i0++)
        for (i1 = 0; i1 < ysh[1]; i1++)
            for (i2 = 0; i2 < ysh[2]; i2++) {
                size_t base = i0 * xst[0] + i1 * xst[1] + i2 * xst[2];
                if (backward) for (i3 = 0; i3 < ysh[3]; i3++, iy++) x[base + i3 * xst[3]] += y[iy];
                else for (i3 = 0; i3 < ysh[3]; i3++, iy++) y[iy] = x[base + i3 * xst[3]];
            }
}

RSE__FN rse__tensor *rse__permute(rse__tape *t, rse__tensor *x, const int *perm) {
    rse__tensor *y;
    rse__node *n;
    int shape[4], ysh[4], seen = 0, i;
    size_t xst[4];
    if (!rse__live(t, x, x)) return 0;
    for (i = 0; i < x->nd; i++) {
        if (perm[i] < 0 || perm[i] >= x->nd || (seen >> perm[i]) & 1)
            return rse__shape_fail(t, "permute", "not a permutation of the dimensions");
        seen |= 1 << perm[i];
        shape[i] = x->shape[perm[i]];
    }
    y = rse__tensor_new(t, x->nd, shape);
    if (!y) return 0;
    rse__permute_strides(x, perm, ysh, xst);
    rse__permute_copy(y->data, x->data, ysh, xst, 0);
    n = rse__record(t, RSE__OP_PERMUTE, y, x, 0, 0);
    if (n) for (i = 0; i < x->nd; i++) n->ip[i] = perm[i];
    return y;
}

RSE__FN rse_status rse__permute_bwd(rse__tape *t, rse__node *n) {
    int ysh[4];
    size_t xst[4];
    if (!rse__grad(t, n->in[0])) return t->status;
    rse__permute_strides(n->in[0], n->ip, ysh, xst);
    rse__permute_copy(n->out->grad, n->in[0]->grad, ysh, xst, 1);
    return RSE_STATUS_OK;
}

/* ---- multi-head attention ------------------------------------------------
   x (B,L,D) -> (B,L,D), heads of width E = D/heads, torch's
   nn.MultiheadAttention weight layout: in_w (3D,D) stacks the q, k, v
   projections, in_b (3D); out_w (D,D), out_b (D). Three ops: the
   in-projection, the fused attention on its packed output, the
   out-projection; the backward is theirs. */

RSE__FN rse__tensor *rse__mha(rse__tape *t, rse__tensor *x, rse__tensor *in_w, rse__tensor *in_b,
                             rse__tensor *out_w, rse__tensor *out_b, int heads, int causal) {
    rse__tensor *qkv;
    if (!rse__live(t, x, in_w)) return 0;
    if (x->nd != 3 || heads < 1 || x->shape[2] % heads)
        return rse__shape_fail(t, "attention", "x must be (B,L,D) with D divisible by heads");
    qkv = rse__linear(t, x, in_w, in_b); /* (B,L,3D) */
    return rse__linear(t, rse__attention_qkv(t, qkv, heads, causal), out_w, out_b);
}

/* ---- reductions and losses: each returns a tensor of shape (1) ------------ */

RSE__FN rse__tensor *rse__scalar_out(rse__tape *t) { return rse__new4(t, 1, 1, 0, 0, 0); }

RSE__FN rse__tensor *rse__sum(rse__tape *t, rse__tensor *x) {
    rse__tensor *y;
    double s = 0;
    size_t i;
    if (!rse__live(t, x, x) || !(y = rse__scalar_out(t))) return 0;
    for (i = 0; i < x->n; i++) s += x->data[i];
    y->data[0] = (float)s;
    rse__record(t, RSE__OP_SUM, y, x, 0, 0);
    return y;
}

RSE__FN rse__tensor *rse__mean(rse__tape *t, rse__tensor *x) {
    rse__tensor *y;
    double s = 0;
    size_t i;
    if (!rse__live(t, x, x) || !(y = rse__scalar_out(t))) return 0;
    for (i = 0; i < x->n; i++) s += x->data[i];
    y->data[0] = x->n ? (float)(s / (double)x->n) : 0.0f;
    rse__record(t, RSE__OP_MEAN, y, x, 0, 0);
    return y;
}

RSE__FN rse_status rse__reduce_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *x = n->in[0];
    float g = n->out->grad[0];
    size_t i;
    if (n->op == RSE__OP_MEAN && x->n) g /= (float)x->n;
    if (!rse__grad(t, x)) return t->status;
    for (i = 0; i < x->n; i++) x->grad[i] += g;
    return RSE_STATUS_OK;
}

/* mean |a-b| (L1, SinDDM's training loss) or mean (a-b)^2 (MSE). The L1
   gradient at a == b is 0, as torch's sign(). */
RSE__FN rse__tensor *rse__loss(rse__tape *t, rse__tensor *a, rse__tensor *b, rse__op op) {
    rse__tensor *y;
    double s = 0;
    size_t i;
    if (!rse__live(t, a, b)) return 0;
    if (a->n != b->n) return rse__shape_fail(t, "loss", "operands differ in size");
    if (!(y = rse__scalar_out(t))) return 0;
    for (i = 0; i < a->n; i++) {
        float d = a->data[i] - b->data[i];
        s += op == RSE__OP_L1 ? fabsf(d) : d * d;
    }
    y->data[0] = a->n ? (float)(s / (double)a->n) : 0.0f;
    rse__record(t, op, y, a, b, 0);
    return y;
}
RSE__FN rse__tensor *rse__l1_loss(rse__tape *t, rse__tensor *a, rse__tensor *b) { return rse__loss(t, a, b, RSE__OP_L1); }
RSE__FN rse__tensor *rse__l2_loss(rse__tape *t, rse__tensor *a, rse__tensor *b) { return rse__loss(t, a, b, RSE__OP_L2); }

RSE__FN rse_status rse__loss_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *a = n->in[0], *b = n->in[1];
    float g = a->n ? n->out->grad[0] / (float)a->n : 0.0f;
    size_t i;
    if (a->requires_grad && !rse__grad(t, a)) return t->status;
    if (b->requires_grad && !rse__grad(t, b)) return t->status;
    for (i = 0; i < a->n; i++) {
        float d = a->data[i] - b->data[i];
        float gi = n->op == RSE__OP_L1 ? g * (float)((d > 0) - (d < 0)) : 2.0f * g * d;
        if (a->requires_grad) a->grad[i] += gi;
        if (b->requires_grad) b->grad[i] -= gi;
    }
    return RSE_STATUS_OK;
}

/* ---- cosine similarity and L2 normalisation (rows of the last dim) --------
   cos(a,b) = a.b / (max(|a|,eps) max(|b|,eps)), eps = 1e-8, torch's
   cosine_similarity in its per-norm clamped form. a (N,D); b (N,D) or (1,D),
   which is shared by every row (one text embedding against N image views).
   Output (N). */

#define RSE__COS_EPS 1e-8f

RSE__FN rse__tensor *rse__cosine(rse__tape *t, rse__tensor *a, rse__tensor *b) {
    rse__tensor *y;
    int D, N, r, i, bshared;
    if (!rse__live(t, a, b)) return 0;
    D = a->shape[a->nd - 1];
    N = D ? (int)(a->n / (size_t)D) : 0;
    bshared = b->n == (size_t)D;
    if (b->shape[b->nd - 1] != D || (!bshared && b->n != a->n))
        return rse__shape_fail(t, "cosine", "b must be (N,D) like a, or (1,D)");
    if (!(y = rse__new4(t, 1, N, 0, 0, 0))) return 0;
    for (r = 0; r < N; r++) {
        const float *ar = a->data + (size_t)r * D, *br = b->data + (bshared ? 0 : (size_t)r * D);
        double dot = 0, na = 0, nb = 0;
        for (i = 0; i < D; i++) { dot += ar[i] * br[i]; na += ar[i] * ar[i]; nb += br[i] * br[i]; }
        na = sqrt(na); nb = sqrt(nb);
        y->data[r] = (float)(dot / ((na > RSE__COS_EPS ? na : RSE__COS_EPS) * (nb > RSE__COS_EPS ? nb : RSE__COS_EPS)));
    }
    rse__record(t, RSE__OP_COSINE, y, a, b, 0);
    return y;
}

/* d cos / d a = b / (Na Nb) - cos * a / |a|^2   (the second term only where
   |a| > eps; where the norm is clamped it is a constant). Same for b. */
RSE__FN rse_status rse__cosine_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *a = n->in[0], *b = n->in[1], *y = n->out;
    int D = a->shape[a->nd - 1], N = (int)y->n, r, i, bshared = b->n == (size_t)D;
    if (a->requires_grad && !rse__grad(t, a)) return t->status;
    if (b->requires_grad && !rse__grad(t, b)) return t->status;
    for (r = 0; r < N; r++) {
        const float *ar = a->data + (size_t)r * D, *br = b->data + (bshared ? 0 : (size_t)r * D);
        double na = 0, nb = 0, Na, Nb, c = y->data[r], g = y->grad[r];
        for (i = 0; i < D; i++) { na += ar[i] * ar[i]; nb += br[i] * br[i]; }
        na = sqrt(na); nb = sqrt(nb);
        Na = na > RSE__COS_EPS ? na : RSE__COS_EPS;
        Nb = nb > RSE__COS_EPS ? nb : RSE__COS_EPS;
        for (i = 0; i < D; i++) {
            if (a->requires_grad)
                a->grad[(size_t)r * D + i] += (float)(g * (br[i] / (Na * Nb) - (na > RSE__COS_EPS ? c * ar[i] / (na * na) : 0)));
            if (b->requires_grad)
                b->grad[(bshared ? 0 : (size_t)r * D) + i] += (float)(g * (ar[i] / (Na * Nb) - (nb > RSE__COS_EPS ? c * br[i] / (nb * nb) : 0)));
        }
    }
    return RSE_STATUS_OK;
}

/* y = x / max(|x|, 1e-12) over the last dimension (torch's F.normalize). */
#define RSE__NORM_EPS 1e-12

RSE__FN rse__tensor *rse__l2_normalize(rse__tape *t, rse__tensor *x) {
    rse__tensor *y;
    int D, i;
    size_t r, rows;
    if (!rse__live(t, x, x)) return 0;
    D = x->shape[x->nd - 1];
    rows = D ? x->n / (size_t)D : 0;
    if (!(y = rse__tensor_new(t, x->nd, x->shape))) return 0;
    for (r = 0; r < rows; r++) {
        const float *xr = x->data + r * D;
        double s = 0, nrm;
        for (i = 0; i < D; i++) s += xr[i] * xr[i];
        nrm = sqrt(s);
        if (nrm < RSE__NORM_EPS) nrm = RSE__NORM_EPS;
        for (i = 0; i < D; i++) y->data[r * D + i] = (float)(xr[i] / nrm);
    }
    rse__record(t, RSE__OP_L2NORM, y, x, 0, 0);
    return y;
}

/* dx = (dy - y (y.dy)) / |x| where the norm is not clamped, dy / eps where it is. */
RSE__FN rse_status rse__l2_normalize_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *x = n->in[0], *y = n->out;
    int D = x->shape[x->nd - 1], i;
    size_t r, rows = D ? x->n / (size_t)D : 0;
    if (!rse__grad(t, x)) return t->status;
    for (r = 0; r < rows; r++) {
        const float *xr = x->data + r * D, *yr = y->data + r * D, *dy = y->grad + r * D;
        double s = 0, dot = 0, nrm;
        for (i = 0; i < D; i++) { s += xr[i] * xr[i]; dot += yr[i] * dy[i]; }
        nrm = sqrt(s);
        if (nrm < RSE__NORM_EPS) {
            for (i = 0; i < D; i++) x->grad[r * D + i] += (float)(dy[i] / RSE__NORM_EPS);
        } else {
            for (i = 0; i < D; i++) x->grad[r * D + i] += (float)((dy[i] - yr[i] * dot) / nrm);
        }
    }
    return RSE_STATUS_OK;
}

/* ---- bilinear and bicubic resize ------------------------------------------
   (N,C,H,W) -> (N,C,Ho,Wo) with torch's F.interpolate semantics for
   align_corners=False and no antialiasing. Both are separable: each output
   row (column) is a weighted sum of 2 (bilinear) or 4 (bicubic) input rows
   (columns), so one table of taps per axis drives the forward and, read
   backwards, the adjoint. The source coordinate is computed in float, as
   torch's CPU kernels do:  src = (in/out) * (dst + 0.5) - 0.5,
   clamped at 0 for bilinear only; bicubic clamps the tap indices instead,
   with Keys' cubic convolution at A = -0.75. */

#define RSE__CUBIC_A (-0.75f)

typedef struct { int idx[4]; float w[4]; } rse__taps;

RSE__FN float rse__cubic1(float x) { /* |x| <= 1 */
    return ((RSE__CUBIC_A + 2) * x - (RSE__CUBIC_A + 3)) * x * x + 1;
}
RSE__FN float rse__cubic2(float x) { /* 1 < |x| < 2 */
    return ((RSE__CUBIC_A * x - 5 * RSE__CUBIC_A) * x + 8 * RSE__CUBIC_A) * x - 4 * RSE__CUBIC_A;
}

RSE__FN void rse__resize_taps(rse__taps *tp, int in, int out, int cubic) {
    float scale = (float)in / (float)out;
    int o, k;
    for (o = 0; o < out; o++) {
        float src = scale * ((float)o + 0.5f) - 0.5f;
        memset(&tp[o], 0, sizeof tp[o]);
        if (!cubic) {
            int i0;
            float l1;
            if (src < 0) src = 0;
            i0 = (int)src;
            l1 = src - (float)i0;
            tp[o].idx[0] = i0;
            tp[o].idx[1] = i0 + (i0 < in - 1 ? 1 : 0);
            tp[o].w[0] = 1.0f - l1;
            tp[o].w[1] = l1;
        } else {
            float fl = floorf(src), x = src - fl;
            int i0 = (int)fl;
            tp[o].w[0] = rse__cubic2(x + 1.0f);
            tp[o].w[1] = rse__cubic1(x);
            tp[o].w[2] = rse__cubic1(1.0f - x);
            tp[o].w[3] = rse__cubic2(2.0f - x);
            for (k = 0; k < 4; k++) {
                int i = i0 - 1 + k;
                tp[o].idx[k] = i < 0 ? 0 : i > in - 1 ? in - 1 : i;
            }
        }
    }
}

RSE__FN rse__tensor *rse__resize(rse__tape *t, rse__tensor *x, int Ho, int Wo, int cubic) {
    rse__tensor *y;
    rse__taps *ty, *tx;
    int NC, H, W, p, oy, ox, a, b, ntap = cubic ? 4 : 2;
    rse_arena_mark m;
    if (!rse__live(t, x, x)) return 0;
    if (x->nd != 4 || Ho < 1 || Wo < 1 || x->shape[2] < 1 || x->shape[3] < 1)
        return rse__shape_fail(t, "resize", "input must be (N,C,H,W), sizes positive");
    NC = x->shape[0] * x->shape[1]; H = x->shape[2]; W = x->shape[3];
    if (!(y = rse__new4(t, 4, x->shape[0], x->shape[1], Ho, Wo))) return 0;
    m = rse__arena_get_mark(t->scratch);
    ty = (rse__taps *)rse__arena_alloc(t->scratch, (size_t)Ho * sizeof *ty);
    tx = (rse__taps *)rse__arena_alloc(t->scratch, (size_t)Wo * sizeof *tx);
    if (!ty || !tx) return rse__tape_fail(t, RSE_STATUS_NOMEM);
    rse__resize_taps(ty, H, Ho, cubic);
    rse__resize_taps(tx, W, Wo, cubic);
    for (p = 0; p < NC; p++) {
        const float *xp = x->data + (size_t)p * H * W;
        float *yp = y->data + (size_t)p * Ho * Wo;
        for (oy = 0; oy < Ho; oy++)
            for (ox = 0; ox < Wo; ox++) {
                float acc = 0;
                for (a = 0; a < ntap; a++) {
                    const float *row = xp + (size_t)ty[oy].idx[a] * W;
                    float r = 0;
                    for (b = 0; b < ntap; b++) r += tx[ox].w[b] * row[tx[ox].idx[b]];
                    acc += ty[oy].w[a] * r;
                }
                yp[(size_t)oy * Wo + ox] = acc;
            }
    }
    rse__arena_release(t->scratch, m);
    rse__record(t, cubic ? RSE__OP_RESIZE_BICUBIC : RSE__OP_RESIZE_BILINEAR, y, x, 0, 0);
    return y;
}

RSE__FN rse__tensor *rse__resize_bilinear(rse__tape *t, rse__tensor *x, int Ho, int Wo) { return rse__resize(t, x, Ho, Wo, 0); }
RSE__FN rse__tensor *rse__resize_bicubic(rse__tape *t, rse__tensor *x, int Ho, int Wo) { return rse__resize(t, x, Ho, Wo, 1); }

RSE__FN rse_status rse__resize_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *x = n->in[0], *y = n->out;
    int cubic = n->op == RSE__OP_RESIZE_BICUBIC, ntap = cubic ? 4 : 2;
    int NC = x->shape[0] * x->shape[1], H = x->shape[2], W = x->shape[3];
    int Ho = y->shape[2], Wo = y->shape[3], p, oy, ox, a, b;
    rse__taps *ty, *tx;
    rse_arena_mark m = rse__arena_get_mark(t->scratch);
    if (!rse__grad(t, x)) return t->status;
    ty = (rse__taps *)rse__arena_alloc(t->scratch, (size_t)Ho * sizeof *ty);
    tx = (rse__taps *)rse__arena_alloc(t->scratch, (size_t)Wo * sizeof *tx);
    if (!ty || !tx) return RSE_STATUS_NOMEM;
    rse__resize_taps(ty, H, Ho, cubic);
    rse__resize_taps(tx, W, Wo, cubic);
    for (p = 0; p < NC; p++) {
        float *gx = x->grad + (size_t)p * H * W;
        const float *gy = y->grad + (size_t)p * Ho * Wo;
        for (oy = 0; oy < Ho; oy++)
            for (ox = 0; ox < Wo; ox++) {
                float g = gy[(size_t)oy * Wo + ox];
                for (a = 0; a < ntap; a++) {
                    float *row = gx + (size_t)ty[oy].idx[a] * W;
                    for (b = 0; b < ntap; b++) row[tx[ox].idx[b]] += g * ty[oy].w[a] * tx[ox].w[b];
                }
            }
    }
    rse__arena_release(t->scratch, m);
    return RSE_STATUS_OK;
}

/* ===========================================================================
   9b. Image-augmentation ops (CLIP guidance views)
   The differentiable "cutouts" of SinDDM's CLIP guidance are torchvision
   0.14 tensor transforms: horizontal flip, affine and perspective warps
   (both grid_sample underneath), colour jitter (brightness, contrast,
   saturation, hue) and grayscale. Each op below reproduces the torchvision
   function's float arithmetic and, beside it, the gradient that PyTorch's
   autograd computes through that code, with respect to the image only: the
   transform parameters are constants drawn by the caller (clip.c).
   All images are (N,C,H,W); the colour ops need C == 3 (RGB in [0,1]).
   ========================================================================= */

/* ---- horizontal flip: y[..., j] = x[..., W-1-j] (F_t.hflip = img.flip(-1)) - */

RSE__FN rse__tensor *rse__hflip(rse__tape *t, rse__tensor *x) {
    rse__tensor *y;
    size_t rows, r;
    int W, j;
    if (!rse__live(t, x, x)) return 0;
    if (x->nd != 4) return rse__shape_fail(t, "hflip", "input must be (N,C,H,W)");
    if (!(y = rse__tensor_new(t, 4, x->shape))) return 0;
    W = x->shape[3];
    rows = W ? x->n / (size_t)W : 0;
    for (r = 0; r < rows; r++) {
        const float *xr = x->data + r * W;
        float *yr = y->data + r * W;
        for (j = 0; j < W; j++) yr[j] = xr[W - 1 - j];
    }
    rse__record(t, RSE__OP_HFLIP, y, x, 0, 0);
    return y;
}

/* A permutation's adjoint is its inverse: the gradient is flipped back. */
RSE__FN rse_status rse__hflip_bwd(rse__tape *t, rse__node *n) {
    rse__tensor *x = n->in[0], *y = n->out;
    int W = x->shape[3], j;
    size_t rows = W ? x->n / (size_t)W : 0, r;
    if (!rse__grad(t, x)) return t->status;
    for (r = 0; r < rows; r++)
        for (j = 0; j < W; j++) x->grad[r * W + W - 1 - j] += y->grad[r * W + j];
    return RSE_STATUS_OK;
}

/* ---- projective warp with a fill colour ------------------------------------
   x (N,C,H,W) -> (N,C,Ho,Wo). Minv holds N row-major 3x3 matrices taking an
   output pixel (xo, yo, 1) to homogeneous input coordinates (X, Y, Z); the
   sample point is (X/Z, Y/Z) in input pixel units, pixel (i,j)'s centre
   being at (j, i). torchvision's affine() and perspective() on tensors both
   build a normalised grid and call grid_sample(bilinear, zeros padding,
   align_corners=False); un-normalising that grid gives exactly such a
   per-pixel projective map (clip.c builds the matrices), so one op serves
   both.

   Bilinear taps as ATen's grid sampler computes them: with x0 = floor(ix),
   y0 = floor(iy), the four corners get weights (x0+1-ix)(y0+1-iy),
   (ix-x0)(y0+1-iy), (x0+1-ix)(iy-y0), (ix-x0)(iy-y0); corners outside the
   image contribute nothing (zeros padding).

   The fill trick of torchvision's _apply_grid_transform: a channel of ones
   is warped along with the image, giving m = the sum of the in-bounds
   weights (1 inside, 0 far outside, fractional at the border), and
       y = warp(x) * m + (1 - m) * fill.
   m does not depend on x, so dy/dx = m * (the bilinear weights): the
   backward scatters dy * m back through the same taps.

   The coordinates are computed in double from the float matrix: torchvision
   computes its grid in the image dtype, and double keeps our side the more
   accurate one; either way the difference is ~1e-5 pixel. */

typedef struct { int n; size_t idx[4]; float w[4]; } rse__warp_taps;

/* The in-bounds taps for output pixel (xo, yo) under matrix M; returns m,
   the sum of their weights. A sample point that is not finite or lies
   outside (-1, W) x (-1, H) has no tap with non-zero weight. */
RSE__FN float rse__warp_taps_at(rse__warp_taps *tp, const float *M, int xo, int yo, int H, int W) {
    double X = (double)M[0] * xo + (double)M[1] * yo + (double)M[2];
    double Y = (double)M[3] * xo + (double)M[4] * yo + (double)M[5];
    double Z = (double)M[6] * xo + (double)M[7] * yo + (double)M[8];
    double ix, iy, fx0, fy0, wx[2], wy[2];
    float msum = 0;
    int x0, y0, a, b;
    tp->n = 0;
    ix = X / Z; /* Z = 0 gives inf or NaN: rejected below, before any cast */
    iy = Y / Z;
    if (!(ix > -1.0 && ix < (double)W && iy > -1.0 && iy < (double)H)) return 0;
    fx0 = floor(ix); fy0 = floor(iy);
    x0 = (int)fx0; y0 = (int)fy0;
    wx[0] = fx0 + 1.0 - ix; wx[1] = ix - fx0; /* weights of columns x0, x0+1 */
    wy[0] = fy0 + 1.0 - iy; wy[1] = iy - fy0; /* of rows y0, y0+1 */
    for (a = 0; a < 2; a++)
        for (b = 0; b < 2; b++) {
            int yy = y0 + a, xx = x0 + b;
            if (yy < 0 || yy >= H || xx < 0 || xx >= W) continue;
            tp->idx[tp->n] = (size_t)yy * W + xx;
            tp->w[tp->n] = (float)(wy[a] * wx[b]);
            msum += tp->w[tp->n];
            tp->n++;
        }
    return msum;
}

RSE__FN rse__tensor *rse__warp(rse__tape *t, rse__tensor *x, int Ho, int Wo, const float *Minv, float fill) {
    rse__tensor *y;
    rse__node *node;
    int N, C, H, W, n, c, yo, xo, k;
    if (!rse__live(t, x, x)) return 0;
    if (x->nd != 4 || Ho < 1 || Wo < 1 || !Minv) return rse__shape_fail(t, "warp", "input must be (N,C,H,W), sizes positive");
    N = x->shape[0]; C = x->shape[1]; H = x->shape[2]; W = x->shape[3];
    if (!(y = rse__new4(t, 4, N, C, Ho, Wo))) return 0;
    for (n = 0; n < N; n++) {
        const float *M = Minv + (size_t)9 * n;
        for (yo = 0; yo < Ho; yo++)
            for (xo = 0; xo < Wo; xo++) {
                rse__warp_taps tp;
                float m = rse__warp_taps_at(&tp, M, xo, yo, H, W);
                for (c = 0; c < C; c++) {
                    const float *xp = x->data + ((size_t)n * C + c) * H * W;
                    float v = 0;
                    for (k = 0; k < tp.n; k++) v += xp[tp.idx[k]] * tp.w[k];
                    y->data[(((size_t)n * C + c) * Ho + yo) * Wo + xo] = v * m + (1.0f - m) * fill;
                }
            }
    }
    node = rse__record(t, RSE__OP_WARP, y, x, 0, 0);
    if (node) {
        /* the matrices are the caller's: keep a copy for the backward */
        node->saved = (float *)rse__arena_alloc(t->arena, (size_t)N * 9 * sizeof(float));
        if (!node->saved) return rse__tape_fail(t, RSE_STATUS_NOMEM);
        memcpy(node->saved, Minv, (size_t)N * 9 * sizeof(float));
        node->fp[0] = fill;
    }
    return y;
}

RSE__FN rse_status rse__warp_bwd(rse__tape *t, rse__node *node) {
    rse__tensor *x = node->in[0], *y = node->out;
    int N = x->shape[0], C = x->shape[1], H = x->shape[2], W = x->shape[3];
    int Ho = y->shape[2], Wo = y->shape[3], n, c, yo, xo, k;
    if (!rse__grad(t, x)) return t->status;
    for (n = 0; n < N; n++)
        for (yo = 0; yo < Ho; yo++)
            for (xo = 0; xo < Wo; xo++) {
                rse__warp_taps tp;
                float m = rse__warp_taps_at(&tp, node->saved + (size_t)9 * n, xo, yo, H, W);
                for (c = 0; c < C; c++) {
                    float g = y->grad[(((size_t)n * C + c) * Ho + yo) * Wo + xo] * m;
                    float *gx = x->grad + ((size_t)n * C + c) * H * W;
                    for (k = 0; k < tp.n; k++) gx[tp.idx[k]] += g * tp.w[k];
                }
            }
    return RSE_STATUS_OK;
}

/* ---- grayscale and the three blends ----------------------------------------
   torchvision's luma is 0.2989 r + 0.587 g + 0.114 b (rgb_to_grayscale),
   evaluated left to right in the image dtype. Its _blend(a, b, f) is
       clamp(f * a + (1 - f) * b, 0, 1)
   with b = 0 for adjust_brightness, b = the mean luma of the whole image
   (one number per sample) for adjust_contrast, and b = the pixel's own
   luma for adjust_saturation. The clamp passes the gradient where its input
   is inside [0,1], bounds included, as torch.clamp's backward does; b is not
   detached in torchvision, so the gradient also flows through the mean or
   the luma back into all three channels. */

#define RSE__LUMA_R 0.2989f
#define RSE__LUMA_G 0.587f
#define RSE__LUMA_B 0.114f

RSE__FN float rse__luma(float r, float g, float b) { return RSE__LUMA_R * r + RSE__LUMA_G * g + RSE__LUMA_B * b; }

RSE__FN int rse__rgb_shape(const rse__tensor *x) { return x->nd == 4 && x->shape[1] == 3; }

/* rgb_to_grayscale(x, num_output_channels=3): (N,3,H,W) -> (N,3,H,W), every
   channel the luma. Backward: each channel's coefficient times the sum of
   the three output gradients. */
RSE__FN rse__tensor *rse__rgb_to_gray(rse__tape *t, rse__tensor *x) {
    rse__tensor *y;
    size_t plane, p, n, N;
    if (!rse__live(t, x, x)) return 0;
    if (!rse__rgb_shape(x)) return rse__shape_fail(t, "rgb_to_gray", "input must be (N,3,H,W)");
    if (!(y = rse__tensor_new(t, 4, x->shape))) return 0;
    N = (size_t)x->shape[0];
    plane = (size_t)x->shape[2] * x->shape[3];
    for (n = 0; n < N; n++) {
        const float *r = x->data + n * 3 * plane, *g = r + plane, *b = g + plane;
        float *yo = y->data + n * 3 * plane;
        for (p = 0; p < plane; p++) yo[p] = yo[plane + p] = yo[2 * plane + p] = rse__luma(r[p], g[p], b[p]);
    }
    rse__record(t, RSE__OP_GRAY, y, x, 0, 0);
    return y;
}

RSE__FN rse_status rse__rgb_to_gray_bwd(rse__tape *t, rse__node *node) {
    rse__tensor *x = node->in[0], *y = node->out;
    size_t plane = (size_t)x->shape[2] * x->shape[3], p, n, N = (size_t)x->shape[0];
    if (!rse__grad(t, x)) return t->status;
    for (n = 0; n < N; n++) {
        const float *gy = y->grad + n * 3 * plane;
        float *gx = x->grad + n * 3 * plane;
        for (p = 0; p < plane; p++) {
            float s = gy[p] + gy[plane + p] + gy[2 * plane + p];
            gx[p] += RSE__LUMA_R * s;
            gx[plane + p] += RSE__LUMA_G * s;
            gx[2 * plane + p] += RSE__LUMA_B * s;
        }
    }
    return RSE_STATUS_OK;
}

enum { RSE__BLEND_ZERO, RSE__BLEND_MEAN, RSE__BLEND_LUMA };

/* The blend partner of channel value x at pixel p of sample n. */
RSE__FN float rse__blend_other(const float *xs, size_t plane, size_t p, int kind, float mean) {
    if (kind == RSE__BLEND_ZERO) return 0.0f;
    if (kind == RSE__BLEND_MEAN) return mean;
    return rse__luma(xs[p], xs[plane + p], xs[2 * plane + p]);
}

/* Mean luma of each sample, summed in double (torch.mean sums pairwise in
   float; both are within a few ulps of the exact mean). */
RSE__FN void rse__luma_means(const rse__tensor *x, float *mean) {
    size_t plane = (size_t)x->shape[2] * x->shape[3], p, n;
    for (n = 0; n < (size_t)x->shape[0]; n++) {
        const float *r = x->data + n * 3 * plane, *g = r + plane, *b = g + plane;
        double s = 0;
        for (p = 0; p < plane; p++) s += rse__luma(r[p], g[p], b[p]);
        mean[n] = plane ? (float)(s / (double)plane) : 0.0f;
    }
}

RSE__FN rse__tensor *rse__blend(rse__tape *t, rse__tensor *x, float f, int kind, rse__op op, const char *name) {
    rse__tensor *y;
    rse__node *node;
    float *mean = 0, a = f, b = (float)(1.0 - (double)f); /* torch: ratio, 1.0 - ratio in double */
    size_t plane, p, n, N;
    int c;
    if (!rse__live(t, x, x)) return 0;
    if (!rse__rgb_shape(x)) return rse__shape_fail(t, name, "input must be (N,3,H,W)");
    if (!(y = rse__tensor_new(t, 4, x->shape))) return 0;
    N = (size_t)x->shape[0];
    plane = (size_t)x->shape[2] * x->shape[3];
    if (kind == RSE__BLEND_MEAN) {
        /* kept on the tape: the backward needs the same numbers */
        if (!(mean = (float *)rse__arena_alloc(t->arena, N * sizeof(float)))) return rse__tape_fail(t, RSE_STATUS_NOMEM);
        rse__luma_means(x, mean);
    }
    for (n = 0; n < N; n++) {
        const float *xs = x->data + n * 3 * plane;
        for (c = 0; c < 3; c++)
            for (p = 0; p < plane; p++) {
                float v = a * xs[c * plane + p] + b * rse__blend_other(xs, plane, p, kind, mean ? mean[n] : 0);
                y->data[(n * 3 + c) * plane + p] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
            }
    }
    node = rse__record(t, op, y, x, 0, 0);
    if (node) { node->fp[0] = f; node->ip[0] = kind; node->saved = mean; }
    return y;
}

/* Brightness: clamp(f x, 0, 1). */
RSE__FN rse__tensor *rse__adjust_brightness(rse__tape *t, rse__tensor *x, float f) {
    return rse__blend(t, x, f, RSE__BLEND_ZERO, RSE__OP_BRIGHTNESS, "adjust_brightness");
}
/* Contrast: clamp(f x + (1-f) mean(luma(x)), 0, 1), the mean per sample. */
RSE__FN rse__tensor *rse__adjust_contrast(rse__tape *t, rse__tensor *x, float f) {
    return rse__blend(t, x, f, RSE__BLEND_MEAN, RSE__OP_CONTRAST, "adjust_contrast");
}
/* Saturation: clamp(f x + (1-f) luma(x), 0, 1) per pixel. */
RSE__FN rse__tensor *rse__adjust_saturation(rse__tape *t, rse__tensor *x, float f) {
    return rse__blend(t, x, f, RSE__BLEND_LUMA, RSE__OP_SATURATION, "adjust_saturation");
}

/* dv = dy where the clamp passed; dx = f dv + (partner's adjoint) (1-f) dv:
   nothing for brightness, the coefficient/(H W) times the sample's sum of dv
   for contrast, the coefficient times the pixel's sum over channels for
   saturation. The pre-clamp value is recomputed with the forward's exact
   float operations, so the clamp mask is the forward's. */
RSE__FN rse_status rse__blend_bwd(rse__tape *t, rse__node *node) {
    rse__tensor *x = node->in[0], *y = node->out;
    int kind = node->ip[0], c;
    float f = node->fp[0], a = f, b = (float)(1.0 - (double)f);
    size_t plane = (size_t)x->shape[2] * x->shape[3], p, n, N = (size_t)x->shape[0];
    static const float coef[3] = { RSE__LUMA_R, RSE__LUMA_G, RSE__LUMA_B };
    if (!rse__grad(t, x)) return t->status;
    for (n = 0; n < N; n++) {
        const float *xs = x->data + n * 3 * plane, *gy = y->grad + n * 3 * plane;
        float *gx = x->grad + n * 3 * plane, mean = node->saved ? node->saved[n] : 0;
        double dmean = 0; /* contrast: d(loss)/d(mean), summed over the sample */
        for (p = 0; p < plane; p++) {
            float other = rse__blend_other(xs, plane, p, kind, mean), dother = 0;
            for (c = 0; c < 3; c++) {
                float v = a * xs[c * plane + p] + b * other;
                float dv = (v >= 0.0f && v <= 1.0f) ? gy[c * plane + p] : 0.0f;
                gx[c * plane + p] += a * dv;
                dother += b * dv;
            }
            if (kind == RSE__BLEND_LUMA)
                for (c = 0; c < 3; c++) gx[c * plane + p] += coef[c] * dother;
            else if (kind == RSE__BLEND_MEAN)
                dmean += dother;
        }
        if (kind == RSE__BLEND_MEAN && plane) {
            float dm = (float)(dmean / (double)plane);
            for (c = 0; c < 3; c++)
                for (p = 0; p < plane; p++) gx[c * plane + p] += coef[c] * dm;
        }
    }
    return RSE_STATUS_OK;
}

/* ---- hue shift --------------------------------------------------------------
   adjust_hue(x, hue): RGB -> HSV (torchvision's _rgb2hsv), h = (h + hue) mod 1,
   HSV -> RGB (_hsv2rgb), every step in the image dtype as torchvision writes
   it. The map is continuous and differentiable except on measure-zero sets
   (two channels equal, h*6 an integer, a clamp at its bound); there autograd
   takes one side, and so do we, by following the same code path:
   - max and min over the channels send their gradient to one channel, the
     FIRST of equal ones (what torch.max/min(dim) return as indices on CPU);
   - where max == min (grey), torchvision divides by 1 instead of 0 and the
     gradient flows through that branch as written;
   - floor() has zero gradient; clamps pass it inside [0,1], bounds included.
   One function does the forward for a pixel and, given dout, its backward,
   so the two cannot drift apart. */

RSE__FN void rse__hue_pixel(const float in[3], float hue, float out[3], const float *dout, float *din) {
    /* which of v, p, q, t feeds R, G, B in each of the six hue sectors:
       0 = v, 1 = p, 2 = q, 3 = t (torchvision's a1, a2, a3 stacks) */
    static const unsigned char sel[6][3] = { {0,3,1}, {2,0,1}, {1,0,3}, {1,2,0}, {3,1,0}, {0,1,2} };
    float r = in[0], g = in[1], b = in[2];
    float maxc, minc, cr, sdiv, crdiv, s, rc, gc, bc, h, hh, h6, fl, f, v, pre[4], val[4];
    int imax = 0, imin = 0, k, eqc, mr, mg, mb, sector;
    for (k = 1; k < 3; k++) {
        if (in[k] > in[imax]) imax = k;
        if (in[k] < in[imin]) imin = k;
    }
    maxc = in[imax]; minc = in[imin];
    eqc = maxc == minc;
    cr = maxc - minc;
    sdiv = eqc ? 1.0f : maxc;  /* torch.where(eqc, ones, maxc) */
    s = cr / sdiv;
    crdiv = eqc ? 1.0f : cr;   /* torch.where(eqc, ones, cr) */
    rc = (maxc - r) / crdiv;
    gc = (maxc - g) / crdiv;
    bc = (maxc - b) / crdiv;
    mr = maxc == r;
    mg = maxc == g && maxc != r;
    mb = maxc != g && maxc != r;
    h = (mr ? bc - gc : 0.0f) + (mg ? 2.0f + rc - bc : 0.0f) + (mb ? 4.0f + gc - rc : 0.0f);
    h = fmodf(h / 6.0f + 1.0f, 1.0f);
    hh = h + hue;
    hh = hh - floorf(hh);      /* torch's % 1.0 (the same float result) */
    h6 = hh * 6.0f;
    fl = floorf(h6);
    f = h6 - fl;
    sector = (int)fl % 6;      /* fl is 0..6; 6 happens when hh rounds up to 1 */
    v = maxc;
    pre[0] = v;
    pre[1] = v * (1.0f - s);
    pre[2] = v * (1.0f - s * f);
    pre[3] = v * (1.0f - s * (1.0f - f));
    for (k = 0; k < 4; k++) val[k] = k == 0 ? pre[0] : pre[k] < 0.0f ? 0.0f : pre[k] > 1.0f ? 1.0f : pre[k];
    for (k = 0; k < 3; k++) out[k] = val[sel[sector][k]];
    if (dout) {
        float dval[4] = { 0, 0, 0, 0 }, dv, ds, df, dh, drc, dgc, dbc, dmax, dcr, dcrdiv;
        for (k = 0; k < 3; k++) dval[sel[sector][k]] += dout[k];
        for (k = 1; k < 4; k++) if (!(pre[k] >= 0.0f && pre[k] <= 1.0f)) dval[k] = 0;
        /* p = v(1-s), q = v(1-s f), t = v(1-s(1-f)) */
        dv = dval[0] + dval[1] * (1.0f - s) + dval[2] * (1.0f - s * f) + dval[3] * (1.0f - s * (1.0f - f));
        ds = -v * (dval[1] + dval[2] * f + dval[3] * (1.0f - f));
        df = v * s * (dval[3] - dval[2]);
        /* f = 6 hh - floor(6 hh), hh = h' + hue - floor(.), h' = h/6 + 1 - floor(.):
           the 6 and the 1/6 cancel, so dh = df */
        dh = df;
        /* h = mr (bc - gc) + mg (2 + rc - bc) + mb (4 + gc - rc) */
        drc = dh * (float)(mg - mb);
        dgc = dh * (float)(mb - mr);
        dbc = dh * (float)(mr - mg);
        /* rc = (maxc - r) / crdiv, likewise gc and bc */
        dmax = (drc + dgc + dbc) / crdiv;
        din[0] -= drc / crdiv;
        din[1] -= dgc / crdiv;
        din[2] -= dbc / crdiv;
        dcrdiv = -(drc * rc + dgc * gc + dbc * bc) / crdiv;
        dcr = eqc ? 0.0f : dcrdiv;
        /* s = cr / sdiv */
        dcr += ds / sdiv;
        if (!eqc) dmax -= ds * s / sdiv;
        /* v = maxc; cr = maxc - minc */
        dmax += dv + dcr;
        din[imax] += dmax;
        din[imin] -= dcr;
    }
}

RSE__FN rse__tensor *rse__adjust_hue(rse__tape *t, rse__tensor *x, float hue) {
    rse__tensor *y;
    rse__node *node;
    size_t plane, p, n, N;
    if (!rse__live(t, x, x)) return 0;
    if (!rse__rgb_shape(x)) return rse__shape_fail(t, "adjust_hue", "input must be (N,3,H,W)");
    if (!(hue >= -0.5f && hue <= 0.5f)) return rse__shape_fail(t, "adjust_hue", "hue factor must be in [-0.5, 0.5]");
    if (!(y = rse__tensor_new(t, 4, x->shape))) return 0;
    N = (size_t)x->shape[0];
    plane = (size_t)x->shape[2] * x->shape[3];
    for (n = 0; n < N; n++) {
        const float *xs = x->data + n * 3 * plane;
        float *ys = y->data + n * 3 * plane;
        for (p = 0; p < plane; p++) {
            float in[3], out[3];
            in[0] = xs[p]; in[1] = xs[plane + p]; in[2] = xs[2 * plane + p];
            rse__hue_pixel(in, hue, out, 0, 0);
            ys[p] = out[0]; ys[plane + p] = out[1]; ys[2 * plane + p] = out[2];
        }
    }
    node = rse__record(t, RSE__OP_HUE, y, x, 0, 0);
    if (node) node->fp[0] = hue;
    return y;
}

RSE__FN rse_status rse__adjust_hue_bwd(rse__tape *t, rse__node *node) {
    rse__tensor *x = node->in[0], *y = node->out;
    size_t plane = (size_t)x->shape[2] * x->shape[3], p, n, N = (size_t)x->shape[0];
    if (!rse__grad(t, x)) return t->status;
    for (n = 0; n < N; n++) {
        const float *xs = x->data + n * 3 * plane, *gy = y->grad + n * 3 * plane;
        float *gx = x->grad + n * 3 * plane;
        for (p = 0; p < plane; p++) {
            float in[3], out[3], dout[3], din[3] = { 0, 0, 0 };
            in[0] = xs[p]; in[1] = xs[plane + p]; in[2] = xs[2 * plane + p];
            dout[0] = gy[p]; dout[1] = gy[plane + p]; dout[2] = gy[2 * plane + p];
            rse__hue_pixel(in, node->fp[0], out, dout, din);
            gx[p] += din[0]; gx[plane + p] += din[1]; gx[2 * plane + p] += din[2];
        }
    }
    return RSE_STATUS_OK;
}

/* ---- clamp: y = min(max(x, lo), hi) ------------------------------------------
   The gradient passes where lo <= x <= hi, bounds included (torch.clamp). */

RSE__FN rse__tensor *rse__clamp(rse__tape *t, rse__tensor *x, float lo, float hi) {
    rse__tensor *y;
    rse__node *node;
    size_t i;
    if (!rse__live(t, x, x)) return 0;
    if (!(lo <= hi)) return rse__shape_fail(t, "clamp", "lower bound above upper bound");
    if (!(y = rse__tensor_new(t, x->nd, x->shape))) return 0;
    for (i = 0; i < x->n; i++) y->data[i] = x->data[i] < lo ? lo : x->data[i] > hi ? hi : x->data[i];
    node = rse__record(t, RSE__OP_CLAMP, y, x, 0, 0);
    if (node) { node->fp[0] = lo; node->fp[1] = hi; }
    return y;
}

RSE__FN rse_status rse__clamp_bwd(rse__tape *t, rse__node *node) {
    rse__tensor *x = node->in[0];
    float lo = node->fp[0], hi = node->fp[1];
    size_t i;
    if (!rse__grad(t, x)) return t->status;
    for (i = 0; i < x->n; i++)
        if (x->data[i] >= lo && x->data[i] <= hi) x->grad[i] += node->out->grad[i];
    return RSE_STATUS_OK;
}

/* ===========================================================================
   10. Backward: the op table and the reverse sweep
   ========================================================================= */

/* An op written next to its model brings its own backward. */
RSE__FN rse_status rse__custom_bwd(rse__tape *t, rse__node *n) { return n->bwd(t, n); }

/* The op table, from the rows of RSE__OPS: a name and a backward per
   rse__op, in the enum's order. */
#define RSE__OP_NAME(id, name, bwd) name,
#define RSE__OP_BWD(id, name, bwd) bwd,
static const char *const rse__op_names[RSE__OP_COUNT] = { RSE__OPS(RSE__OP_NAME) };
static rse_status (*const rse__op_bwd[RSE__OP_COUNT])(rse__tape *, rse__node *) = { RSE__OPS(RSE__OP_BWD) };
#undef RSE__OP_NAME
#undef RSE__OP_BWD

/* The op's name, for messages and tests. */
RSE__FN const char *rse__op_name(rse__op op) {
    return (unsigned)op < RSE__OP_COUNT ? rse__op_names[op] : "?";
}

/* Gradients of y, seeded with dy (y's shape; NULL means all ones, the usual
   case of a scalar loss), with respect to every tensor that requires one.
   Gradients accumulate into existing buffers: zero them between steps. */
RSE__FN rse_status rse__backward_seed(rse__tape *t, rse__tensor *y, const float *dy) {
    rse__node *n;
    size_t i;
    if (t->status != RSE_STATUS_OK) return t->status;
    if (!y) return rse__fail(RSE_STATUS_BAD_ARG, "backward: no output");
    if (!rse__grad(t, y)) return t->status;
    for (i = 0; i < y->n; i++) y->grad[i] += dy ? dy[i] : 1.0f;
    for (n = t->last; n; n = n->prev) {
        rse_status st;
        if (!n->out->grad) continue; /* nothing flowed back to this node */
        if ((unsigned)n->op >= RSE__OP_COUNT)
            return rse__fail(RSE_STATUS_INTERNAL, "backward: op %d has no backward", (int)n->op);
        st = rse__op_bwd[n->op](t, n);
        if (st != RSE_STATUS_OK) { t->status = st; return st; }
        if (t->status != RSE_STATUS_OK) return t->status;
    }
    return RSE_STATUS_OK;
}

/* The usual case: d(loss)/d(everything) for a scalar loss. */
RSE__FN rse_status rse__backward(rse__tape *t, rse__tensor *loss) {
    if (loss && loss->n != 1) return rse__fail(RSE_STATUS_BAD_ARG, "backward: loss must be a scalar");
    return rse__backward_seed(t, loss, 0);
}

/* ===========================================================================
   11. Optimiser
   ========================================================================= */

/* One Adam step over a flat parameter array, exactly as torch.optim.Adam
   (no weight decay, no amsgrad) computes it:
       m = b1 m + (1-b1) g            v = b2 v + (1-b2) g^2
       w -= (lr / (1 - b1^k)) * m / (sqrt(v) / sqrt(1 - b2^k) + eps)
   k is the 1-based step count. The bias corrections are computed in double,
   as torch does with Python floats. */
RSE__FN void rse__adam_step(float *w, const float *g, float *m, float *v, size_t n,
                            long step, float lr, float b1, float b2, float eps) {
    double bc1 = 1.0 - pow((double)b1, (double)step);
    double bc2 = 1.0 - pow((double)b2, (double)step);
    float step_size = (float)(lr / bc1), bc2_sqrt = (float)sqrt(bc2);
    size_t i;
    for (i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1.0f - b1) * g[i];
        v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
        w[i] -= step_size * m[i] / (sqrtf(v[i]) / bc2_sqrt + eps);
    }
}

#undef RSE__TENSOR_BODY
#endif /* the full reading: 7.8 to 10 */
