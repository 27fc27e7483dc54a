/* The library changes made to let the slow fuzz targets run faster
   (tests/fuzz/README.md, "Target speed"), each checked on its own:
   - rse__gunzip sizes its first allocation from the trailer's ISIZE only up
     to what deflate can produce from the input (1032 bytes per byte);
   - rse__bpe_parse reads as many merge lines as it is told (the fuzz target
     parses a short file; every other caller passes RSE__BPE_NMERGES);
   - rse__sd_import / rse__sd_create take an optional prebuilt pyramid
     (rse__pyramid_copy), and give the same model as building it. */

/* A malloc that remembers its largest request, ahead of test.h, so every
   allocation of rsedit.c goes through it. */
#if !defined(_POSIX_C_SOURCE) && !defined(_WIN32)
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdlib.h>
static size_t t_biggest;
static void *t_malloc(size_t n) { if (n > t_biggest) t_biggest = n; return malloc(n); }
static void *t_realloc(void *p, size_t n) { if (n > t_biggest) t_biggest = n; return realloc(p, n); }
#define RSE_MALLOC(sz) t_malloc(sz)
#define RSE_REALLOC(p, sz) t_realloc(p, sz)
#define RSE_FREE(p) free(p)
#include "test.h"

/* ---- gzip: the ISIZE hint ------------------------------------------------ */

static void test_gzip_hint(void) {
    /* "hello" in one stored deflate block, in a gzip member whose trailer
       claims 2^32 - 1 bytes: the data is 5 bytes, so the ISIZE check
       refuses it; before that, nothing near 4 GB (or the 64 MB max_out
       given here) may be allocated for a 28-byte file. */
    static const unsigned char gz[] = {
        0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3,           /* header */
        0x01, 5, 0, 0xfa, 0xff, 'h', 'e', 'l', 'l', 'o', /* stored, final */
        0x86, 0xa6, 0x10, 0x36,                        /* CRC-32 of "hello" */
        0xff, 0xff, 0xff, 0xff };                      /* ISIZE: a lie */
    unsigned char good[sizeof gz], *o = 0;
    size_t on = 0;
    rse_status st;
    t_biggest = 0;
    st = rse__gunzip(gz, sizeof gz, &o, &on, (size_t)64 << 20);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "ISIZE") && o == 0,
          "lying ISIZE refused: %s", rse_last_error());
    /* 1032 bytes per input byte is deflate's most (a 258-byte match in two
       1-bit codes); the inflater's own growth starts at 4 KB */
    CHECK(t_biggest <= 1032 * sizeof gz, "largest allocation %zu bytes for a %zu-byte file (at most %zu)",
          t_biggest, sizeof gz, (size_t)1032 * sizeof gz);
    /* the same member with the true ISIZE still decodes, from one block */
    memcpy(good, gz, sizeof gz);
    good[sizeof gz - 4] = 5; good[sizeof gz - 3] = good[sizeof gz - 2] = good[sizeof gz - 1] = 0;
    t_biggest = 0;
    st = rse__gunzip(good, sizeof good, &o, &on, (size_t)64 << 20);
    CHECK(st == RSE_STATUS_OK && on == 5 && !memcmp(o, "hello", 5) && t_biggest == 5,
          "true ISIZE: %s (%zu bytes, largest allocation %zu)", rse_last_error(), on, t_biggest);
    RSE_FREE(o);
}

/* ---- BPE: a parse with fewer merges --------------------------------------- */

/* rse__bpe_parse told nmerges, into a fresh vocabulary handed back in *out
   (freed here when out is NULL or the parse fails). */
static rse_status bpe_parse_count(const char *txt, size_t len, uint32_t nmerges, rse_clip_vocab **out) {
    rse_clip_vocab *v = (rse_clip_vocab *)RSE_MALLOC(sizeof *v);
    rse_status st;
    if (out) *out = 0;
    if (!v) return RSE_STATUS_NOMEM;
    memset(v, 0, sizeof *v);
    rse__arena_init(&v->bpe.arena, 0, 0);
    st = rse__bpe_parse(&v->bpe, txt, len, nmerges);
    if (st == RSE_STATUS_OK && out) *out = v;
    else rse_clip_vocab_free(v);
    return st;
}

static void test_bpe_count(void) {
    /* two merges used, a third line that is not a merge at all */
    static const char txt[] = "#version: test\na b\nab c</w>\nnot a merge line\n";
    rse_clip_vocab *v = 0;
    int32_t ids[RSE_CLIP_CONTEXT];
    int n = 0;
    rse_status st = bpe_parse_count(txt, sizeof txt - 1, 2, &v);
    CHECK(st == RSE_STATUS_OK && v->bpe.ntok == 512 + 2 + 2, "2 merges: %s (%u symbols)", rse_last_error(),
          v ? (unsigned)v->bpe.ntok : 0u);
    if (st == RSE_STATUS_OK) {
        CHECK(rse__bpe_rank(&v->bpe, "a", 1, "b", 1) == 0 && rse__bpe_rank(&v->bpe, "ab", 2, "c</w>", 5) == 1,
              "ranks of the 2 merges");
        /* "abc" is a, b, c</w>; a+b (id 512), then ab+c</w> (id 513) */
        st = rse_clip_tokenize(v, "abc", ids, &n);
        CHECK(st == RSE_STATUS_OK && n == 3 && ids[0] == RSE_CLIP_SOT && ids[1] == 513 && ids[2] == RSE_CLIP_EOT,
              "tokens of 'abc' with 2 merges: %d tokens, id %d", n, (int)ids[1]);
    }
    rse_clip_vocab_free(v);
    /* told 3, the third line is read and refused */
    st = bpe_parse_count(txt, sizeof txt - 1, 3, 0);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "line 4"), "3 merges: the bad line 4: %s",
          rse_last_error());
    /* told 4, there are only 3 lines */
    st = bpe_parse_count(txt, sizeof txt - 1, 4, 0);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "3 merge lines, need 4"), "4 merges: %s",
          rse_last_error());
}

/* ---- SinDDM import with a prebuilt pyramid --------------------------------- */

static void test_import_pyramid(void) {
    size_t n = 0;
    unsigned char *ck = t_read("tests/fixtures/sinddm/ckpt_ref.pt", &n);
    rse_image img;
    rse__pyramid pyr, cp;
    rse_sinddm *a = 0, *b = 0;
    t_buf sa = { 0, 0, 0 }, sb = { 0, 0, 0 };
    int s, same = 1;
    if (!ck || rse_image_load("tests/fixtures/sinddm/ckpt_image.ppm", &img) != RSE_STATUS_OK) {
        CHECK(0, "fixtures tests/fixtures/sinddm/ckpt_ref.pt and ckpt_image.ppm readable (run from the repository root)");
        free(ck);
        return;
    }
    CHECK(rse__pyramid_build(&pyr, &img) == RSE_STATUS_OK, "pyramid: %s", rse_last_error());
    /* the copy: same sizes and pixels, in its own block */
    CHECK(rse__pyramid_copy(&cp, &pyr) == RSE_STATUS_OK && cp.mem != pyr.mem && cp.n == pyr.n, "pyramid copied");
    for (s = 0; s < pyr.n; s++) {
        size_t px = 3 * (size_t)pyr.w[s] * pyr.h[s];
        same &= cp.w[s] == pyr.w[s] && cp.h[s] == pyr.h[s] && cp.loss[s] == pyr.loss[s] &&
                cp.t_start[s] == pyr.t_start[s] && !memcmp(cp.img[s], pyr.img[s], px) &&
                cp.img[s] >= cp.mem && (s == 0 ? cp.blur[s] == 0 : !memcmp(cp.blur[s], pyr.blur[s], px));
    }
    CHECK(same, "the copy has every scale's image, blurry image, loss and start step");
    rse__pyramid_free(&cp);
    /* import both ways: the same model, byte for byte once saved */
    CHECK(rse_sinddm_import_mem(&a, ck, n, &img) == RSE_STATUS_OK, "import: %s", rse_last_error());
    CHECK(rse__sd_import(&b, ck, n, &img, &pyr) == RSE_STATUS_OK, "import with the pyramid: %s", rse_last_error());
    if (a && b) {
        CHECK(rse_sinddm_save_mem(a, t_buf_write, &sa) == RSE_STATUS_OK &&
              rse_sinddm_save_mem(b, t_buf_write, &sb) == RSE_STATUS_OK && sa.n == sb.n && sa.n > 0 &&
              !memcmp(sa.p, sb.p, sa.n), "both imports save to the same %zu bytes", sa.n);
    }
    rse_sinddm_free(a);
    rse_sinddm_free(b);
    rse__pyramid_free(&pyr);
    rse_image_free(&img);
    free(sa.p);
    free(sb.p);
    free(ck);
}

int main(void) {
    rse_set_threads(1);
    test_gzip_hint();
    test_bpe_count();
    test_import_pyramid();
    return t_report("test_fuzz_support");
}
