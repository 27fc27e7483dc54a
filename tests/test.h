/* tests/test.h - the whole test framework: include the translation unit,
   count checks, print one summary line, exit non-zero on any failure.

   Each tests/test_*.c is its own program:
       #include "test.h"
       int main(void) { CHECK(1 + 1 == 2, "arithmetic"); return t_report("demo"); }
   tests/run.sh runs them all and prints the total as "N passed, N failed". */
#ifndef RSE_TEST_H
#define RSE_TEST_H
#define RSE_TESTING
#include "../rsedit.c"
#include <stdio.h>

/* Where the shared data lives (images, vocab, CLIP fixtures). Tests that need
   it say "skipped" and pass when it is absent; CI has it. */
#ifndef RSE_SHARED
#define RSE_SHARED "../shared"
#endif

static int t_pass, t_fail, t_skip;

#define CHECK(cond, ...) do { \
        if (cond) t_pass++; \
        else { t_fail++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
               printf(__VA_ARGS__); printf("\n"); } \
    } while (0)

#define SKIP(...) do { t_skip++; printf("SKIP: "); printf(__VA_ARGS__); printf("\n"); } while (0)

/* Undoes the TSV escapes of the tokenizer fixtures (tests/fixtures/tok,
   ../shared/data/clip/tokenizer_cases*.tsv): \\ \t \n \r in place; returns the length. */
static inline size_t t_tsv_unescape(char *s) {
    size_t i, o = 0;
    for (i = 0; s[i]; i++) {
        if (s[i] == '\\' && s[i + 1]) {
            char c = s[++i];
            s[o++] = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
        } else s[o++] = s[i];
    }
    s[o] = 0;
    return o;
}

static int t_report(const char *name) {
    if (t_skip) printf("%s: %d passed, %d failed, %d skipped\n", name, t_pass, t_fail, t_skip);
    else printf("%s: %d passed, %d failed\n", name, t_pass, t_fail);
    return t_fail ? 1 : 0;
}

/* A growable byte buffer for building files and catching outputs. It is
   harness memory (plain realloc, never the library's allocator), and a
   test program that runs out of it stops: that is not a result. */
typedef struct { unsigned char *p; size_t n, cap; } t_buf;
RSE__UNUSED static void t_put(t_buf *b, const void *d, size_t n) {
    if (b->n + n > b->cap) {
        size_t cap = (b->n + n) * 2 + 64;
        unsigned char *q = (unsigned char *)realloc(b->p, cap);
        if (!q) { fprintf(stderr, "test harness: out of memory\n"); exit(2); }
        b->p = q;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->n, d, n);
    b->n += n;
}
/* Little-endian integers and strings, for building files byte by byte. */
RSE__UNUSED static void t_u8(t_buf *b, unsigned v) { unsigned char c = (unsigned char)v; t_put(b, &c, 1); }
RSE__UNUSED static void t_u16(t_buf *b, unsigned v) { t_u8(b, v & 255); t_u8(b, v >> 8); }
RSE__UNUSED static void t_u32(t_buf *b, uint32_t v) { t_u16(b, v & 0xffff); t_u16(b, v >> 16); }
RSE__UNUSED static void t_u64(t_buf *b, uint64_t v) { t_u32(b, (uint32_t)v); t_u32(b, (uint32_t)(v >> 32)); }
/* The same, written in place (patching a header); read back with the
   library's rse__ff_le32. */
RSE__UNUSED static void t_le16(unsigned char *p, unsigned v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
RSE__UNUSED static void t_le32(unsigned char *p, uint32_t v) { t_le16(p, v & 0xFFFF); t_le16(p + 2, v >> 16); }
RSE__UNUSED static void t_s(t_buf *b, const char *s) { t_put(b, s, strlen(s)); }
/* t_put as an rse_write_fn (ctx is the t_buf). */
RSE__UNUSED static int t_buf_write(void *ctx, const void *data, size_t n) {
    t_put((t_buf *)ctx, data, n);
    return 0;
}

/* A whole file in malloc'd memory, NUL-terminated, or NULL. */
RSE__UNUSED static unsigned char *t_read(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    unsigned char *b = 0;
    long len;
    if (!f) return 0;
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        b = (unsigned char *)malloc((size_t)len + 1);
        if (b && fread(b, 1, (size_t)len, f) != (size_t)len) { free(b); b = 0; }
        if (b) { b[len] = 0; *n = (size_t)len; }
    }
    fclose(f);
    return b;
}

/* Splits a TSV line (modified in place) at tabs; returns the field count. */
RSE__UNUSED static int t_split(char *line, char **fields, int max) {
    int n = 0;
    char *p = line;
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
    while (n < max) {
        fields[n++] = p;
        p = strchr(p, '\t');
        if (!p) break;
        *p++ = 0;
    }
    return n;
}

/* A 120x90 image with structure at several scales (stripes, blocks,
   noise): 3 pyramid scales, cheap to train on. */
RSE__UNUSED static void t_structured_image(rse_image *img) {
    int x, y, c;
    rse__rng r;
    rse__rng_seed(&r, 99);
    rse_image_alloc(img, 120, 90, 3);
    for (c = 0; c < 3; c++)
        for (y = 0; y < 90; y++)
            for (x = 0; x < 120; x++) {
                float v = 0.5f + 0.25f * sinf(0.3f * x + c) * cosf(0.21f * y) + 0.1f * rse__rng_uniform(&r);
                if ((x / 15 + y / 15) % 3 == 0) v *= 0.5f;
                img->data[((size_t)c * 90 + y) * 120 + x] = v;
            }
}

/* 1 if the file exists and can be read. */
RSE__UNUSED static int t_have_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    fclose(f);
    return 1;
}
#endif
