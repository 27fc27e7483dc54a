/* tests/fuzz/targets.h - every fuzz target of rsedit, as plain functions.

   Include it AFTER rsedit.c (the one translation unit). Each target takes
   the fuzzer's bytes and drives one parser through its public (or internal)
   entry point, then checks what a correct parser promises beyond "no crash":
   a failed load owns nothing, what loads can be written and read back, the
   values are in range. A target returns 0, or the line of the broken
   promise (the libFuzzer driver aborts on it; the replay test reports it).

   Targets (name: entry point, input):
     image      rse_image_info_mem + rse_image_load_mem (PPM/PGM/BMP/PNG),
                then the PNG, BMP and TIFF encoders (the TIFF read back
                to the 8-bit levels)
     png        bytes -> a small float image -> PNG, PPM 8/16, PGM, BMP
                writers -> read back (PNG with the tiny stored-deflate
                reader below) -> the same 8/16-bit levels
     pngread    rse_image_info_mem + rse_image_load_mem of a PNG (again with
                the CRCs and the Adler-32 repaired), 16-bit PNG round trip
     tiff       rse_image_describe_mem + rse_image_load_mem_ex of a TIFF with
                band options (byte 0) and georeferencing; they must agree;
                a window read through a source (rse_image_load_window_src)
                must equal the crop, and the window written back
                (rse_image_save_window_src) must succeed or fail cleanly
     jpeg       rse_image_describe_mem + rse_image_info_mem +
                rse_image_load_mem of a JPEG; they must agree
     zip        rse__zip_open + rse__zip_read of every entry (CRC checked)
     pickle     rse__pk_run on a bare pickle (no archive), result walked
     torch      rse__ckpt_load_mem on a torch.save zip (plain and 'ema'),
                every tensor converted to float, then rse_clip_load_mem;
                again with the stored entries' CRC-32s repaired
     safetensors  the same for safetensors files
     gzip       rse__inflate (raw deflate), rse__zlib_decompress, rse__gunzip
     vocab      rse_clip_vocab_load_mem of the input; then rse__bpe_parse of
                the input as the head of a BPE merges file, completed with a
                short fixed synthetic tail (and told the merge count) so the
                line checks run; tokenizes a few texts with the result
     sinddm     rse_sinddm_load_mem (the CRC is patched to match so the
                fields behind it are reached), then save_mem round trip
     import     rse_sinddm_import_mem (its internal rse__sd_import, with the
                image's pyramid built once) of a reference SinDDM torch checkpoint
                against tests/fixtures/sinddm/ckpt_image.ppm (CRCs repaired
                in a second run, as for torch)
     prompts    rse_prompts_parse (+ rse_clip_tokenize of every prompt when
                a vocabulary was loaded by fuzz_set_vocab)
     roi        rse_roi_parse of NUL-separated strings, then the region
                check and rasterisation an edit does
     mask       a mask image as an edit reads it: decode, mean of channels,
                bilinear resize to the edit's finest scale, clamp
*/
#ifndef RSE_FUZZ_TARGETS_H
#define RSE_FUZZ_TARGETS_H

#include <stdlib.h>

/* Larger images are valid but only slow the fuzzer down (stb's fuzzer
   caps at ~80 MB the same way). */
#define FUZZ_MAX_PIXELS ((size_t)1 << 22)

#define FUZZ_EXPECT(c) do { if (!(c)) return __LINE__; } while (0)

/* The harness's own checking code (a PNG reader, level comparisons) has
   nothing for the fuzzer to learn from: compiled without libFuzzer's
   coverage callbacks (clang >= 13), still under ASan and UBSan. */
#if defined(__clang__) && __clang_major__ >= 13
#define FUZZ_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define FUZZ_NO_COVERAGE
#endif

/* ---------------------------------------------------------------------------
   Helpers: byte sinks, a growable buffer, CRC-32
   ------------------------------------------------------------------------- */

/* The harness's own CRC-32s (repairing checksums, reading PNG chunks) use
   one table built on first use: rebuilding the 8 KB table per call costs
   more than the CRC of a small input under the fuzzer's instrumentation. */
static rse__crc32_tab fuzz_crc_tab;
static int fuzz_crc_ready;

static const rse__crc32_tab *fuzz_crc_table(void) {
    if (!fuzz_crc_ready) { rse__crc32_init(&fuzz_crc_tab); fuzz_crc_ready = 1; }
    return &fuzz_crc_tab;
}
static uint32_t fuzz_crc32(const void *p, size_t n) {
    return rse__crc32_update(fuzz_crc_table(), 0, (const unsigned char *)p, n);
}

/* A sink that only counts, so encoding costs no memory. */
static int fuzz_count_sink(void *ctx, const void *data, size_t n) {
    (void)data;
    *(size_t *)ctx += n;
    return 0;
}

/* A growable byte buffer (plain malloc: harness memory is not counted by
   the allocation tests' hooks). */
typedef struct { unsigned char *p; size_t n, cap; int fail; } fuzz_buf;

static int fuzz_buf_sink(void *ctx, const void *data, size_t n) {
    fuzz_buf *b = (fuzz_buf *)ctx;
    if (b->fail) return 1;
    if (b->cap - b->n < n) {
        size_t nc = b->cap ? b->cap : 4096;
        unsigned char *q;
        while (nc - b->n < n) nc *= 2;
        q = (unsigned char *)realloc(b->p, nc);
        if (!q) { b->fail = 1; return 1; }
        b->p = q; b->cap = nc;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
    return 0;
}

/* ---------------------------------------------------------------------------
   image: the PPM/PGM/BMP readers and the 8-bit encoders (TIFF read back)
   ------------------------------------------------------------------------- */

static int fuzz_image(const uint8_t *data, size_t size) {
    int w, h, c;
    rse_image img;
    size_t total = 0, i, n;
    if (rse_image_info_mem(data, size, &w, &h, &c) != RSE_STATUS_OK) {
        /* info and load must agree that the file is bad */
        FUZZ_EXPECT(rse_image_load_mem(data, size, &img) != RSE_STATUS_OK);
        FUZZ_EXPECT(img.data == 0);
        return 0;
    }
    FUZZ_EXPECT(w >= 1 && h >= 1 && (c == 1 || c == 3));
    if ((size_t)w * (size_t)h > FUZZ_MAX_PIXELS) return 0;
    if (rse_image_load_mem(data, size, &img) != RSE_STATUS_OK) {
        FUZZ_EXPECT(img.data == 0);   /* a failed load owns nothing */
        return 0;
    }
    FUZZ_EXPECT(img.w == w && img.h == h && img.c == c); /* info agrees with load */
    n = (size_t)w * h * c;
    for (i = 0; i < n; i++) FUZZ_EXPECT(img.data[i] >= 0.0f && img.data[i] <= 1.0f);
    FUZZ_EXPECT(rse_image_save_mem(&img, RSE_FORMAT_PNG, 8, fuzz_count_sink, &total) == RSE_STATUS_OK);
    FUZZ_EXPECT(rse_image_save_mem(&img, RSE_FORMAT_BMP, 8, fuzz_count_sink, &total) == RSE_STATUS_OK);
    {   /* the TIFF writer (and its deflate encoder) reads back to the 8-bit levels */
        fuzz_buf t = { 0, 0, 0, 0 };
        rse_image back;
        FUZZ_EXPECT(rse_image_save_mem(&img, RSE_FORMAT_TIFF, 8, fuzz_buf_sink, &t) == RSE_STATUS_OK);
        FUZZ_EXPECT(rse_image_load_mem(t.p, t.n, &back) == RSE_STATUS_OK);
        FUZZ_EXPECT(back.w == w && back.h == h && back.c == c);
        for (i = 0; i < n; i++) FUZZ_EXPECT(back.data[i] == (float)rse__quant(img.data[i], 255) / 255.0f);
        rse_image_free(&back);
        free(t.p);
    }
    rse_image_free(&img);
    return 0;
}

/* ---------------------------------------------------------------------------
   png: writer round trips
   The PNG reader below accepts only what rse__png_save may write: 8-bit
   gray or RGB, no interlace, a zlib stream of STORED deflate blocks split
   over IDAT chunks, every chunk CRC and the Adler-32 checked. Filters are
   all undone (the writer uses 0, but a reader that assumed it would not
   notice a writer that changed). Returns the levels (h rows of w*c bytes).
   ------------------------------------------------------------------------- */

static uint32_t fuzz_be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

FUZZ_NO_COVERAGE static int fuzz_paeth(int a, int b, int c) {
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* 0 on success; *out (malloc) holds h*w*c levels. */
FUZZ_NO_COVERAGE static int fuzz_png_read(const unsigned char *p, size_t n, int *w, int *h, int *c, unsigned char **out) {
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    const rse__crc32_tab *tab = fuzz_crc_table();
    fuzz_buf z = { 0, 0, 0, 0 }, raw = { 0, 0, 0, 0 };
    size_t pos = 8, zp, rowb, y, x;
    int have_ihdr = 0, have_iend = 0, bpp, rc = 1;
    unsigned char *img = 0;
    *out = 0;
    if (n < 8 || memcmp(p, sig, 8)) return 1;
    while (pos + 12 <= n && !have_iend) {
        uint32_t len = fuzz_be32(p + pos);
        const unsigned char *type = p + pos + 4, *d = p + pos + 8;
        if (len > n - pos - 12) goto done;
        if (rse__crc32_update(tab, 0, type, 4 + (size_t)len) != fuzz_be32(d + len)) goto done;
        if (!memcmp(type, "IHDR", 4)) {
            if (len != 13 || have_ihdr) goto done;
            *w = (int)fuzz_be32(d); *h = (int)fuzz_be32(d + 4);
            if (d[8] != 8 || (d[9] != 0 && d[9] != 2) || d[10] || d[11] || d[12]) goto done;
            *c = d[9] == 2 ? 3 : 1;
            have_ihdr = 1;
        } else if (!memcmp(type, "IDAT", 4)) {
            if (!have_ihdr || fuzz_buf_sink(&z, d, len)) goto done;
        } else if (!memcmp(type, "IEND", 4)) {
            if (len) goto done;
            have_iend = 1;
        } else goto done; /* the writer emits nothing else */
        pos += 12 + (size_t)len;
    }
    if (!have_iend || pos != n || z.n < 2 + 5 + 4) goto done;
    /* zlib: CM 8, FCHECK, no dictionary; then stored blocks until BFINAL */
    if ((z.p[0] & 15) != 8 || (z.p[0] * 256u + z.p[1]) % 31 || (z.p[1] & 0x20)) goto done;
    zp = 2;
    for (;;) {
        unsigned hdr, L, NL;
        if (z.n - zp < 5) goto done;
        hdr = z.p[zp];
        if ((hdr >> 1) & 3) goto done;                 /* BTYPE must be 00 */
        L = z.p[zp + 1] | (unsigned)z.p[zp + 2] << 8;
        NL = z.p[zp + 3] | (unsigned)z.p[zp + 4] << 8;
        if ((L ^ 0xFFFFu) != NL || z.n - zp - 5 < L) goto done;
        if (fuzz_buf_sink(&raw, z.p + zp + 5, L)) goto done;
        zp += 5 + L;
        if (hdr & 1) break;
    }
    if (z.n - zp != 4 || rse__adler32(1, raw.p, raw.n) != fuzz_be32(z.p + zp)) goto done;
    /* unfilter */
    bpp = *c;
    rowb = (size_t)*w * *c;
    if (*w < 1 || *h < 1 || raw.n != (size_t)*h * (rowb + 1)) goto done;
    img = (unsigned char *)malloc((size_t)*h * rowb);
    if (!img) goto done;
    for (y = 0; y < (size_t)*h; y++) {
        const unsigned char *r = raw.p + y * (rowb + 1);
        unsigned char *o = img + y * rowb, *up = y ? o - rowb : 0;
        int f = r[0];
        if (f > 4) goto done;
        /* filter 0 (what the writer uses) predicts 0: the row as stored */
        if (f == 0) { memcpy(o, r + 1, rowb); continue; }
        for (x = 0; x < rowb; x++) {
            int a = x >= (size_t)bpp ? o[x - bpp] : 0, b = up ? up[x] : 0, cc = up && x >= (size_t)bpp ? up[x - bpp] : 0;
            int pred = f == 0 ? 0 : f == 1 ? a : f == 2 ? b : f == 3 ? (a + b) / 2 : fuzz_paeth(a, b, cc);
            o[x] = (unsigned char)(r[1 + x] + pred);
        }
    }
    *out = img;
    img = 0;
    rc = 0;
done:
    free(img);
    free(z.p);
    free(raw.p);
    return rc;
}

/* A value for the writers from one fuzz byte: mostly in [0,1] with levels
   near the rounding boundaries, plus out-of-range values, infinities, NaN. */
static float fuzz_pixel(uint8_t b, uint8_t b2) {
    switch (b) {
    case 0: return -1.0f;
    case 1: return 2.0f;
    case 2: return (float)NAN;
    case 3: return (float)INFINITY;
    case 4: return -(float)INFINITY;
    case 5: return -0.0f;
    default: return ((float)b + ((float)b2 - 128.0f) / 256.0f) / 255.0f;
    }
}

/* 1 if the levels read back match: got (PNG, interleaved 8-bit, c per
   pixel) or gotf (a planar float image re-quantised to bits), against the
   expected planar levels of channel src[k] for each of nc channels. */
FUZZ_NO_COVERAGE static int fuzz_levels_match(const unsigned char *got, const float *gotf, int nc, const size_t *src,
                                              size_t plane, int bits, const unsigned char *want8, const uint16_t *want16) {
    size_t i;
    int k;
    for (k = 0; k < nc; k++)
        for (i = 0; i < plane; i++) {
            unsigned g = got ? got[i * nc + k] : rse__quant(gotf[(size_t)k * plane + i], bits == 8 ? 255u : 65535u);
            unsigned want = bits == 8 ? want8[src[k] + i] : want16[src[k] + i];
            if (g != want) return 0;
        }
    return 1;
}

/* Speed (27 Nov): a 40x40 RGB run is ~60,000 per-sample steps (writers,
   readers, comparisons), each one a few comparisons that libFuzzer traces
   (~15 cycles apiece), so most of a run's 2 ms was instrumentation. The
   harness's part is kept small: the expected 8- and 16-bit levels are
   quantised once per sample instead of once per format, and filter-0 PNG
   rows are copied rather than predicted byte by byte. The same images are
   written and every sample compared as before. */
static int fuzz_png(const uint8_t *data, size_t size) {
    rse_image img, back;
    fuzz_buf b = { 0, 0, 0, 0 };
    unsigned char *lv = 0, *want8 = 0;
    uint16_t *want16 = 0;
    int w, h, c, pw = 0, ph = 0, pc = 0, bits, rc = 0;
    size_t i, n, plane;
    if (size < 4) return 0;
    /* Up to 40x40, or up to 160x160 when bit 6 of byte 3 is set: three
       channels of 160x160 (76960 bytes) cross the 65535-byte stored block,
       but encoding and decoding that in five formats costs 30x a small
       image, and executions, not sizes, find most bugs. */
    {
        int big = (data[3] & 0x40) != 0, lim = big ? 160 : 40;
        w = 1 + (int)((data[0] | (unsigned)data[1] << 8) % (unsigned)lim);
        h = 1 + (int)((data[2] | (unsigned)(data[3] & 0x3f) << 8) % (unsigned)lim);
    }
    c = data[3] & 0x80 ? 3 : 1;
    data += 4; size -= 4;
    if (rse_image_alloc(&img, w, h, c) != RSE_STATUS_OK) return 0;
    plane = (size_t)w * h;
    n = plane * c;
    want8 = (unsigned char *)malloc(n);
    want16 = (uint16_t *)malloc(n * sizeof *want16);
    if (!want8 || !want16) goto done;
    /* sample i of the planar image and its levels; j, j2 walk the input as
       i % size and (i * 7 + 3) % size did, without two divisions per sample */
    {
        size_t j = 0, j2 = size ? 3 % size : 0, step = size ? 7 % size : 0;
        for (i = 0; i < n; i++) {
            float v = size ? fuzz_pixel(data[j], data[j2]) : (float)(i % 256) / 255.0f;
            img.data[i] = v;
            want8[i] = (unsigned char)rse__quant(v, 255);
            want16[i] = (uint16_t)rse__quant(v, 65535);
            if (size) {
                if (++j == size) j = 0;
                j2 += step;
                if (j2 >= size) j2 -= size;
            }
        }
    }
    /* PNG */
    if (rse_image_save_mem(&img, RSE_FORMAT_PNG, 8, fuzz_buf_sink, &b) != RSE_STATUS_OK) { rc = __LINE__; goto done; }
    if (fuzz_png_read(b.p, b.n, &pw, &ph, &pc, &lv)) { rc = __LINE__; goto done; }
    if (pw != w || ph != h || pc != c) { rc = __LINE__; goto done; }
    {
        size_t src[3];
        src[0] = 0; src[1] = plane; src[2] = 2 * plane;
        if (!fuzz_levels_match(lv, 0, c, src, plane, 8, want8, want16)) rc = __LINE__;
    }
    free(lv); lv = 0;
    if (rc) goto done;
    /* PPM 8 and 16 bit, PGM (gray images), BMP: read back the same levels */
    for (bits = 8; bits <= 16 && !rc; bits += 8) {
        int fmt;
        for (fmt = 0; fmt < 3 && !rc; fmt++) {
            rse_format f = fmt == 0 ? RSE_FORMAT_PPM : fmt == 1 ? RSE_FORMAT_PGM : RSE_FORMAT_BMP;
            if (f == RSE_FORMAT_BMP && bits == 16) continue;
            if (f == RSE_FORMAT_PGM && c == 3) continue; /* colour to PGM averages: not a round trip */
            b.n = 0;
            if (rse_image_save_mem(&img, f, bits, fuzz_buf_sink, &b) != RSE_STATUS_OK) { rc = __LINE__; break; }
            if (rse_image_load_mem(b.p, b.n, &back) != RSE_STATUS_OK) { rc = __LINE__; break; }
            if (back.w != w || back.h != h || back.c != (f == RSE_FORMAT_PGM ? 1 : f == RSE_FORMAT_PPM ? 3 : 3)) {
                rc = __LINE__;
            } else {
                /* a gray image's one plane is every channel of its RGB files */
                size_t src[3];
                src[0] = 0; src[1] = c == 3 ? plane : 0; src[2] = c == 3 ? 2 * plane : 0;
                if (!fuzz_levels_match(0, back.data, back.c, src, plane, bits, want8, want16)) rc = __LINE__;
            }
            rse_image_free(&back);
        }
    }
done:
    free(want8);
    free(want16);
    free(b.p);
    rse_image_free(&img);
    return rc;
}

/* ---------------------------------------------------------------------------
   Archives and checkpoints
   ------------------------------------------------------------------------- */

static int fuzz_zip(const uint8_t *data, size_t size) {
    rse__arena a;
    rse__zip z;
    rse__crc32_tab crc;
    size_t i;
    rse__arena_init(&a, 0, 0);
    rse__crc32_init(&crc);
    if (rse__zip_open(&z, data, size, &a) == RSE_STATUS_OK) {
        for (i = 0; i < z.n; i++) {
            const unsigned char *d = 0;
            size_t n = 0;
            /* a zip bomb within the checked sizes is legal: cap the work */
            if (z.e[i].usize > ((uint64_t)1 << 24)) continue;
            if (rse__zip_read(&z, &z.e[i], &a, &crc, &d, &n) == RSE_STATUS_OK) {
                FUZZ_EXPECT(n == z.e[i].usize);
                if (z.e[i].method == 0) FUZZ_EXPECT(d >= data && d + n <= data + size);
            }
            FUZZ_EXPECT(rse__zip_find(&z, z.e[i].name, z.e[i].name_len) == &z.e[i]);
        }
    }
    rse__arena_free(&a);
    return 0;
}

/* Walks an unpickled object graph (lists may contain themselves through
   the memo: depth and visits are bounded). Returns the objects seen. */
static size_t fuzz_pk_walk(const rse__pkobj *o, int depth, size_t *budget) {
    size_t i, seen = 1;
    if (!o || depth > 64 || !*budget) return 0;
    --*budget;
    switch (o->type) {
    case RSE__PK_TUPLE: case RSE__PK_LIST: case RSE__PK_DICT:
        for (i = 0; i < o->u.seq.n; i++) seen += fuzz_pk_walk(o->u.seq.v[i], depth + 1, budget);
        break;
    case RSE__PK_STR: /* touch the last byte: it must lie in the pickle */
        if (o->u.str.n && o->u.str.s[o->u.str.n - 1] == 0) seen++;
        break;
    default: break;
    }
    return seen;
}

static int fuzz_pickle(const uint8_t *data, size_t size) {
    rse__arena a, d;
    rse__pickle k;
    rse__pkobj *root = 0;
    size_t budget = 100000;
    rse__arena_init(&a, 0, 0);
    rse__arena_init(&d, 0, 0);
    memset(&k, 0, sizeof k);
    k.p = data; k.len = size; k.a = &a; k.data_arena = &d;
    if (rse__pk_run(&k, &root) == RSE_STATUS_OK) {
        FUZZ_EXPECT(root != 0);
        fuzz_pk_walk(root, 0, &budget);
    }
    RSE_FREE(k.stack); RSE_FREE(k.marks); RSE_FREE(k.memo);
    rse__arena_free(&a);
    rse__arena_free(&d);
    return 0;
}

/* Every tensor of a loaded checkpoint: its bytes lie in the file or the
   checkpoint's arena, and converting it to float reads only them. */
static int fuzz_ckpt_check(const rse__ckpt *c) {
    size_t i;
    for (i = 0; i < c->n; i++) {
        const rse__ckpt_tensor *t = &c->t[i];
        size_t prod = 1;
        int d;
        FUZZ_EXPECT(t->name && t->ndim >= 0 && t->ndim <= RSE_CKPT_MAXDIM);
        for (d = 0; d < t->ndim; d++) { FUZZ_EXPECT(t->shape[d] >= 0); prod *= (size_t)t->shape[d]; }
        FUZZ_EXPECT(prod == t->numel);
        FUZZ_EXPECT(rse__ckpt_find(c, t->name) != 0);
        if (t->numel && t->numel <= ((size_t)1 << 20)) {
            float *f = (float *)malloc(t->numel * sizeof(float));
            if (f) {
                FUZZ_EXPECT(rse__ckpt_to_f32(t, f, t->numel) == RSE_STATUS_OK);
                free(f);
            }
        }
    }
    return 0;
}

static int fuzz_ckpt_any(const uint8_t *data, size_t size) {
    rse__ckpt c;
    rse_clip *m = 0;
    int flags, rc;
    for (flags = 0; flags < 3; flags += 2) { /* 0, RSE_CKPT_EMA */
        if (rse__ckpt_load_mem(&c, data, size, flags, "fuzz") == RSE_STATUS_OK) {
            rc = fuzz_ckpt_check(&c);
            rse__ckpt_free(&c);
            if (rc) return rc;
            if (flags) continue;
            /* a state dict that parses may still not be a CLIP model */
            if (rse_clip_load_mem(&m, data, size, 0) == RSE_STATUS_OK) {
                rse_clip_info info;
                rse_clip_get_info(m, &info);
                FUZZ_EXPECT(info.embed_dim > 0 && info.vision_width > 0 && info.text_width > 0);
                rse_clip_free(m);
            } else FUZZ_EXPECT(m == 0);
        }
    }
    return 0;
}

/* A mutated stored entry almost never keeps its CRC-32, and a loader that
   checks it stops there. So the torch and import targets also run a copy
   whose stored entries' CRCs (in the central directory, which the reader
   checks: 30 bytes before the name) are recomputed, to reach the pickle
   and the tensors behind them. Returns the copy (malloc), or NULL when it
   is not a zip or no CRC needed repair: that copy would be the input
   itself, which the first run already took (for valid files and most
   mutants of their headers, half the work of these targets was a repeat). */
/* 1 if data has an end-of-central-directory record that rse__zip_open
   would accept (signature, comment ending at the end of the file): the
   same test as its backward scan, but memchr-fast. Mutants that shift the
   end (most insertions and deletions) have none, and the scan over the
   whole file, traced byte by byte, was a sixth of the import target's
   time when the harness repeated it after the loader. */
FUZZ_NO_COVERAGE static int fuzz_zip_has_eocd(const uint8_t *data, size_t size) {
    size_t lo, i;
    if (size < 22) return 0;
    lo = size - 22 > 65535 ? size - 22 - 65535 : 0;
    for (i = lo; i <= size - 22;) {
        const uint8_t *q = (const uint8_t *)memchr(data + i, 'P', size - 22 + 1 - i);
        if (!q) return 0;
        i = (size_t)(q - data);
        if (data[i + 1] == 'K' && data[i + 2] == 5 && data[i + 3] == 6 &&
            i + 22 + ((size_t)data[i + 20] | (size_t)data[i + 21] << 8) == size)
            return 1;
        i++;
    }
    return 0;
}

static unsigned char *fuzz_zip_fix_crc(const uint8_t *data, size_t size) {
    rse__arena a;
    rse__zip z;
    unsigned char *b;
    size_t i;
    int ok, changed = 0;
    if (size < 4 || data[0] != 'P' || data[1] != 'K' || !fuzz_zip_has_eocd(data, size)) return 0;
    b = (unsigned char *)malloc(size);
    if (!b) return 0;
    memcpy(b, data, size);
    rse__arena_init(&a, 0, 0);
    a.min_block = (size_t)16 << 10; /* the entry table only: no 1 MB block per run */
    ok = rse__zip_open(&z, b, size, &a) == RSE_STATUS_OK;
    for (i = 0; ok && i < z.n; i++) {
        const rse__zip_entry *e = &z.e[i];
        unsigned char *f = (unsigned char *)e->name - 30;
        uint32_t c;
        if (e->method != 0) continue;
        c = fuzz_crc32(b + e->data_off, (size_t)e->usize);
        changed |= c != ((uint32_t)f[0] | (uint32_t)f[1] << 8 | (uint32_t)f[2] << 16 | (uint32_t)f[3] << 24);
        f[0] = (unsigned char)c; f[1] = (unsigned char)(c >> 8); f[2] = (unsigned char)(c >> 16); f[3] = (unsigned char)(c >> 24);
    }
    rse__arena_free(&a);
    if (!ok || !changed) { free(b); return 0; }
    return b;
}

/* torch.save zips and safetensors files go through the same loader (it
   sniffs the format); two targets so each corpus stays on its format. */
static int fuzz_torch(const uint8_t *data, size_t size) {
    unsigned char *fixed;
    int rc = fuzz_ckpt_any(data, size);
    if (rc) return rc;
    if ((fixed = fuzz_zip_fix_crc(data, size)) != 0) {
        rc = fuzz_ckpt_any(fixed, size);
        free(fixed);
    }
    return rc;
}
static int fuzz_safetensors(const uint8_t *data, size_t size) { return fuzz_ckpt_any(data, size); }

/* ---------------------------------------------------------------------------
   gzip / zlib / raw inflate
   ------------------------------------------------------------------------- */

static int fuzz_gzip(const uint8_t *data, size_t size) {
    unsigned char *out = 0;
    size_t n = 0, used = 0;
    /* raw deflate: no checksum in the way of the decoder (cap 16 MB) */
    if (rse__inflate(data, size, &used, &out, &n, (size_t)1 << 24) == RSE_STATUS_OK) {
        FUZZ_EXPECT(used <= size);
        RSE_FREE(out);
    } else FUZZ_EXPECT(out == 0 && n == 0);
    out = 0; n = 0;
    if (rse__zlib_decompress(data, size, &used, &out, &n, (size_t)1 << 24) == RSE_STATUS_OK) {
        FUZZ_EXPECT(used <= size);
        RSE_FREE(out);
    } else FUZZ_EXPECT(out == 0);
    out = 0; n = 0;
    if (rse__gunzip(data, size, &out, &n, (size_t)1 << 24) == RSE_STATUS_OK) RSE_FREE(out);
    else FUZZ_EXPECT(out == 0);
    return 0;
}

/* ---------------------------------------------------------------------------
   vocab: a BPE merges file needs 48894 merge lines, so a small input could
   only reach the line count check. The input is taken as the head of the
   file (the version line and the first merges) and a fixed tail of valid
   merges follows it: the per-line checks (UTF-8, two parts, byte symbols,
   duplicates, line length) all run on the fuzzed lines.

   Speed: the head's lines are all parsed, then only FUZZ_VOCAB_TAIL tail
   lines: the parser is told the merge count (rse__bpe_parse's nmerges, the
   head's lines + the tail's, at most 48894) instead of reading 48894 - k
   identical valid lines and building the 49408-symbol tables every run
   (106 executions/s). What the fuzzed lines go through is unchanged: the
   same checks, against the same byte-symbol tokens and earlier merges. The
   tail's merges cannot change the tokenization of the texts below (their
   first part "XY" has Y = '!' or '"', which no text contains, and is a
   token only if the head makes it one), and the full line count is still
   checked, on the input alone, by the first load.
   ------------------------------------------------------------------------- */

/* 256 lines: one full run of second parts, every byte symbol once */
#define FUZZ_VOCAB_TAIL 256

static char *fuzz_vocab_tail;
static size_t fuzz_vocab_tail_len;

/* Lines "XY Z": X one of the 162 non-ASCII byte symbols, Y and Z any of
   the 256, "</w>" on every other line; each (X, Y, Z) once, so the tail
   never repeats itself, and an ASCII head ("i n", "t h") never meets it. */
static int fuzz_vocab_init(void) {
    int bs[256];
    uint32_t cs[256];
    size_t cap = (size_t)(FUZZ_VOCAB_TAIL + 256) * 16, n = 0;
    int r, j, made = 0;
    char *t;
    if (fuzz_vocab_tail) return 0;
    t = (char *)malloc(cap);
    if (!t) return 1;
    rse__bpe_bytes(bs, cs);
    for (r = 0; made < FUZZ_VOCAB_TAIL; r++)
        for (j = 0; j < 256 && made < FUZZ_VOCAB_TAIL; j++) {
            unsigned char u[4];
            uint32_t sym[3];
            int k, q;
            sym[0] = cs[94 + r % 162]; sym[1] = cs[(r / 162) % 256]; sym[2] = cs[j];
            for (q = 0; q < 3; q++) {
                if (q == 2) t[n++] = ' ';
                k = rse__utf8_put(u, sym[q]);
                memcpy(t + n, u, (size_t)k);
                n += (size_t)k;
            }
            if (j & 1) { memcpy(t + n, "</w>", 4); n += 4; }
            t[n++] = '\n';
            made++;
        }
    fuzz_vocab_tail = t;
    fuzz_vocab_tail_len = n;
    return 0;
}

static rse_clip_vocab *fuzz_vocab; /* a real vocabulary, if the caller set one */

RSE__UNUSED static void fuzz_set_vocab(rse_clip_vocab *v) { fuzz_vocab = v; }

static int fuzz_vocab_target(const uint8_t *data, size_t size) {
    rse_clip_vocab *v = 0;
    char *buf;
    size_t n, i, lines = 0;
    uint32_t nmerges;
    rse_status st;
    static const char *const texts[] = { "a fire in the forest", "", "&amp;&lt;caf\xc3\xa9 \xce\xa3 42", "x" };
    if (fuzz_vocab_init()) return 0;
    /* the input alone: mostly the line count check, and any gzip */
    if (rse_clip_vocab_load_mem(&v, data, size) == RSE_STATUS_OK) rse_clip_vocab_free(v);
    else FUZZ_EXPECT(v == 0);
    if (size && data[0] == 0x1f) return 0; /* gzip heads make no sense with a text tail */
    {   /* the head's last line ends where the tail starts */
        size_t nl = size && data[size - 1] == '\n' ? 0 : 1;
        n = size + nl + fuzz_vocab_tail_len;
        buf = (char *)malloc(n);
        if (!buf) return 0;
        memcpy(buf, data, size);
        if (nl) buf[size] = '\n';
        memcpy(buf + size + nl, fuzz_vocab_tail, fuzz_vocab_tail_len);
    }
    /* merge lines in the head: its newlines but the version line's */
    for (i = 0; i < size; i++) lines += data[i] == '\n';
    if (size && data[size - 1] != '\n') lines++;
    lines = lines ? lines - 1 : 0;
    nmerges = (uint32_t)(lines + FUZZ_VOCAB_TAIL < (size_t)RSE__BPE_NMERGES ? lines + FUZZ_VOCAB_TAIL : (size_t)RSE__BPE_NMERGES);
    /* as rse_clip_vocab_load_mem, with the count (plain text: no gzip) */
    v = (rse_clip_vocab *)RSE_MALLOC(sizeof *v);
    if (!v) { free(buf); return 0; }
    memset(v, 0, sizeof *v);
    rse__arena_init(&v->bpe.arena, 0, 0);
    st = rse__bpe_parse(&v->bpe, buf, n, nmerges);
    if (st == RSE_STATUS_OK) {
        for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
            int32_t ids[RSE_CLIP_CONTEXT];
            int cnt = 0, k;
            if (rse_clip_tokenize(v, texts[i], ids, &cnt) == RSE_STATUS_OK) {
                if (!(cnt >= 2 && cnt <= RSE_CLIP_CONTEXT && ids[0] == RSE_CLIP_SOT && ids[cnt - 1] == RSE_CLIP_EOT)) {
                    rse_clip_vocab_free(v); free(buf); return __LINE__;
                }
                for (k = 0; k < RSE_CLIP_CONTEXT; k++)
                    if (!(ids[k] >= 0 && ids[k] < RSE_CLIP_VOCAB)) { rse_clip_vocab_free(v); free(buf); return __LINE__; }
            }
        }
    }
    rse_clip_vocab_free(v); /* frees the tables on failure too */
    free(buf);
    return 0;
}

/* ---------------------------------------------------------------------------
   SinDDM checkpoints
   ------------------------------------------------------------------------- */

/* A valid checkpoint is ~270 KB even for dim 2 (the time MLPs are fixed
   size and there are four copies of the weights), too big for a seed. So
   an input either is a whole file ("RSESDDM\0..."), or, starting with 'E',
   an edit script applied to a built-in valid checkpoint (dim 2, 24x20 RGB,
   2 steps): a cut (3 bytes LE, 0 = none, else the length is cut mod
   (length + 1)), then edits of (offset 3 bytes LE mod the length, count 1
   byte, that many bytes). Small scripts reach every header field. */
static unsigned char *fuzz_sd_tmpl;
static size_t fuzz_sd_tmpl_len;

static int fuzz_sinddm_template(void) {
    rse_image im;
    rse_train_params p;
    rse_sinddm *m = 0;
    fuzz_buf b = { 0, 0, 0, 0 };
    int x, y, k, ok;
    if (fuzz_sd_tmpl) return 0;
    if (rse_image_alloc(&im, 24, 20, 3) != RSE_STATUS_OK) return 1;
    for (k = 0; k < 3; k++)
        for (y = 0; y < 20; y++)
            for (x = 0; x < 24; x++)
                im.data[((size_t)k * 20 + y) * 24 + x] = 0.5f + 0.4f * sinf(0.37f * x + 1.3f * k) * cosf(0.29f * y);
    rse_train_params_init(&p, "tiny");
    p.dim = 2; p.steps = 2; p.batch = 2; p.micro_batch = 0;
    ok = rse_sinddm_create(&m, &im, &p) == RSE_STATUS_OK && rse_sinddm_train(m, 0, 0, 0) == RSE_STATUS_OK &&
         rse_sinddm_save_mem(m, fuzz_buf_sink, &b) == RSE_STATUS_OK;
    rse_sinddm_free(m);
    rse_image_free(&im);
    if (!ok) { free(b.p); return 1; }
    fuzz_sd_tmpl = b.p;
    fuzz_sd_tmpl_len = b.n;
    return 0;
}

/* The two saves' buffers, kept from run to run: a valid run writes ~280 KB
   twice, and growing fresh buffers each time (realloc, then ASan mapping
   and unmapping the blocks) cost more than writing them. The input copy b
   stays an exact-size malloc so ASan still sees the loader read past it. */
static fuzz_buf fuzz_sd_o1, fuzz_sd_o2;

static int fuzz_sinddm(const uint8_t *data, size_t size) {
    rse_sinddm *m = 0;
    unsigned char *b;
    int pass;
    if (size >= 1 && data[0] == 'E') {
        size_t i = 4, cut;
        if (size < 4 || fuzz_sinddm_template()) return 0;
        b = (unsigned char *)malloc(fuzz_sd_tmpl_len);
        if (!b) return 0;
        memcpy(b, fuzz_sd_tmpl, fuzz_sd_tmpl_len);
        cut = (size_t)data[1] | (size_t)data[2] << 8 | (size_t)data[3] << 16;
        while (size - i >= 4) {
            size_t off = ((size_t)data[i] | (size_t)data[i + 1] << 8 | (size_t)data[i + 2] << 16) % fuzz_sd_tmpl_len;
            size_t n = data[i + 3];
            i += 4;
            if (n > size - i) n = size - i;
            if (n > fuzz_sd_tmpl_len - off) n = fuzz_sd_tmpl_len - off;
            memcpy(b + off, data + i, n);
            i += n;
        }
        size = cut ? cut % (fuzz_sd_tmpl_len + 1) : fuzz_sd_tmpl_len;
        if (size < 4) { free(b); return 0; }
    } else {
        if (size < 4) return 0;
        b = (unsigned char *)malloc(size);
        if (!b) return 0;
        memcpy(b, data, size);
    }
    for (pass = 0; pass < 2; pass++) {
        if (pass == 1) { /* the CRC patched to match: the fields behind it */
            uint32_t c = fuzz_crc32(b, size - 4);
            /* it matched already: pass 0 loaded these very bytes */
            if (c == ((uint32_t)b[size - 4] | (uint32_t)b[size - 3] << 8 | (uint32_t)b[size - 2] << 16 | (uint32_t)b[size - 1] << 24))
                break;
            b[size - 4] = (unsigned char)c; b[size - 3] = (unsigned char)(c >> 8);
            b[size - 2] = (unsigned char)(c >> 16); b[size - 1] = (unsigned char)(c >> 24);
        }
        if (rse_sinddm_load_mem(&m, b, size) == RSE_STATUS_OK) {
            fuzz_buf *o1 = &fuzz_sd_o1, *o2 = &fuzz_sd_o2;
            rse_sinddm *m2 = 0;
            int same;
            FUZZ_EXPECT(m != 0);
            /* what loads saves, and the saved file loads and saves to the
               same bytes (a file may carry fields the loader normalises,
               such as a sampling-only flag, so not always the input's) */
            o1->n = o2->n = 0;
            o1->fail = o2->fail = 0;
            FUZZ_EXPECT(rse_sinddm_save_mem(m, fuzz_buf_sink, o1) == RSE_STATUS_OK);
            same = rse_sinddm_load_mem(&m2, o1->p, o1->n) == RSE_STATUS_OK &&
                   rse_sinddm_save_mem(m2, fuzz_buf_sink, o2) == RSE_STATUS_OK &&
                   o1->n == o2->n && !memcmp(o1->p, o2->p, o1->n);
            rse_sinddm_free(m2);
            rse_sinddm_free(m);
            m = 0;
            if (!same) { free(b); return __LINE__; }
        } else if (m) { free(b); return __LINE__; }
    }
    free(b);
    return 0;
}

/* The image the import fixture was trained on, loaded once, and its
   pyramid, built once: the import rebuilt it (Pillow-exact LANCZOS and
   BILINEAR resampling of every scale) for every checkpoint that got as far
   as the model, ~30% of a run. Nothing in it depends on the input; each
   import still gets its own copy (rse__sd_import), as from the image. */
static rse_image fuzz_import_img;
static rse__pyramid fuzz_import_pyr;
static int fuzz_import_tried;

static int fuzz_import(const uint8_t *data, size_t size) {
    rse_sinddm *m = 0;
    if (!fuzz_import_tried) {
        unsigned char *buf;
        size_t len;
        fuzz_import_tried = 1;
        if (rse__read_file("tests/fixtures/sinddm/ckpt_image.ppm", &buf, &len) == RSE_STATUS_OK) {
            if (rse_image_load_mem(buf, len, &fuzz_import_img) != RSE_STATUS_OK) fuzz_import_img.data = 0;
            RSE_FREE(buf);
        }
        if (fuzz_import_img.data && rse__pyramid_build(&fuzz_import_pyr, &fuzz_import_img) != RSE_STATUS_OK)
            rse_image_free(&fuzz_import_img);
    }
    if (!fuzz_import_img.data) return 0;
    if (rse__sd_import(&m, data, size, &fuzz_import_img, &fuzz_import_pyr) == RSE_STATUS_OK) {
        FUZZ_EXPECT(m != 0 && rse_sinddm_step(m) > 0);
        rse_sinddm_free(m);
    } else FUZZ_EXPECT(m == 0);
    {   /* again with the stored entries' CRCs repaired (see fuzz_zip_fix_crc) */
        unsigned char *fixed = fuzz_zip_fix_crc(data, size);
        int rc = 0;
        if (!fixed) return 0;
        m = 0;
        if (rse__sd_import(&m, fixed, size, &fuzz_import_img, &fuzz_import_pyr) == RSE_STATUS_OK) {
            if (!(m != 0 && rse_sinddm_step(m) > 0)) rc = __LINE__;
            rse_sinddm_free(m);
        } else if (m) rc = __LINE__;
        free(fixed);
        return rc;
    }
}

static void fuzz_import_cleanup(void) {
    rse_image_free(&fuzz_import_img);
    rse__pyramid_free(&fuzz_import_pyr);
    fuzz_import_tried = 0;
}

/* ---------------------------------------------------------------------------
   Prompt files, ROI strings, masks
   ------------------------------------------------------------------------- */

static int fuzz_prompts(const uint8_t *data, size_t size) {
    char **list = 0;
    int n = 0, i;
    if (rse_prompts_parse((const char *)data, size, &list, &n) != RSE_STATUS_OK) {
        FUZZ_EXPECT(list == 0 && n == 0);
        return 0;
    }
    FUZZ_EXPECT(n >= 1 && n <= RSE_MAX_PROMPTS);
    for (i = 0; i < n; i++) {
        size_t L = strlen(list[i]);
        FUZZ_EXPECT(L >= 1 && L <= RSE_MAX_PROMPT_LEN && list[i][0] != '#');
        FUZZ_EXPECT(list[i][0] != ' ' && list[i][L - 1] != ' ' && !memchr(list[i], '\n', L));
        if (fuzz_vocab) {
            int32_t ids[RSE_CLIP_CONTEXT];
            int cnt = 0;
            if (rse_clip_tokenize(fuzz_vocab, list[i], ids, &cnt) == RSE_STATUS_OK)
                FUZZ_EXPECT(cnt >= 2 && cnt <= RSE_CLIP_CONTEXT && ids[cnt - 1] == RSE_CLIP_EOT);
        }
    }
    rse_prompts_free(list);
    return 0;
}

/* The input holds up to 8 NUL- or newline-separated geometry strings; each
   is parsed, checked against a 97x61 image and rasterised as an edit does
   (at the finest scale and at a coarser one). */
static int fuzz_roi(const uint8_t *data, size_t size) {
    enum { W = 97, H = 61 };
    char s[64];
    rse_roi r[8];
    float m[W * H];
    size_t i = 0;
    int n = 0, k;
    while (i < size && n < 8) {
        size_t j = 0;
        while (i < size && data[i] != 0 && data[i] != '\n') { if (j < sizeof s - 1) s[j++] = (char)data[i]; i++; }
        s[j] = 0;
        i++;
        if (rse_roi_parse(s, &r[n]) != RSE_STATUS_OK) continue;
        FUZZ_EXPECT(r[n].w >= 1 && r[n].h >= 1 && r[n].x >= 0 && r[n].y >= 0);
        if (rse__roi_check(&r[n], W, H, "fuzz") == RSE_STATUS_OK) n++;
    }
    if (!n) return 0;
    rse__mask_from_rois(m, W, H, r, n, (float)(size % 17));
    for (k = 0; k < W * H; k++) FUZZ_EXPECT(m[k] >= 0.0f && m[k] <= 1.0f);
    for (k = 0; k < n; k++) /* every box centre is fully inside */
        FUZZ_EXPECT(m[(size_t)(r[k].y + r[k].h / 2) * W + r[k].x + r[k].w / 2] == 1.0f);
    for (k = 0; k < n; k++) {
        rse_roi q = rse__roi_at_scale(&r[k], 1.7);
        FUZZ_EXPECT(q.w >= 1 && q.h >= 1 && q.x >= 0 && q.y >= 0 && q.x <= W && q.y <= H);
    }
    return 0;
}

static int fuzz_mask(const uint8_t *data, size_t size) {
    rse_image img;
    rse__arena a, sc;
    rse__tape tp;
    rse__tensor *u;
    float *tmp;
    int sh[4], Ho, Wo, k, rc = 0;
    size_t P, i;
    if (rse_image_load_mem(data, size, &img) != RSE_STATUS_OK) return 0;
    if ((size_t)img.w * img.h > ((size_t)1 << 20)) { rse_image_free(&img); return 0; }
    P = (size_t)img.w * img.h;
    tmp = (float *)malloc(P * sizeof(float));
    if (!tmp) { rse_image_free(&img); return 0; }
    for (i = 0; i < P; i++) {
        float v = 0;
        for (k = 0; k < img.c; k++) v += img.data[k * P + i];
        tmp[i] = v / img.c;
    }
    /* the finest scale may be smaller (or larger) than the image */
    Ho = 1 + (int)(size % 53); Wo = 1 + (int)((size / 53) % 71);
    rse__arena_init(&a, 0, 0);
    rse__arena_init(&sc, 0, 0);
    rse__tape_init(&tp, &a, &sc);
    tp.no_grad = 1;
    sh[0] = 1; sh[1] = 1; sh[2] = img.h; sh[3] = img.w;
    u = rse__resize_bilinear(&tp, rse__tensor_wrap(&tp, tmp, 4, sh), Ho, Wo);
    if (u) {
        for (i = 0; i < (size_t)Ho * Wo; i++)
            if (!(u->data[i] >= -1e-6f && u->data[i] <= 1.0f + 1e-6f)) { rc = __LINE__; break; }
    }
    rse__arena_free(&a);
    rse__arena_free(&sc);
    free(tmp);
    rse_image_free(&img);
    return rc;
}

/* ---------------------------------------------------------------------------
   tiff: the TIFF reader with band options and georeferencing
   Byte 0 chooses the options (mode byte0 % 3: defaults, one band, three
   bands; the band numbers from the next bits, 1..4), the rest is the file.
   describe and load must agree: what describe refuses load refuses; what
   loads has describe's size, the asked bands, values in [0,1] and the same
   georeferencing bytes as describe read; a failed load owns nothing.
   ------------------------------------------------------------------------- */

/* A source over the fuzz input, and a sink that only counts. */
typedef struct { const uint8_t *b; size_t n; } fz_mem;
static int fz_mem_read(void *ctx, uint64_t off, void *dst, size_t n) {
    fz_mem *m = (fz_mem *)ctx;
    if (off > m->n || n > m->n - off) return 1;   /* the reader never asks: caught by the oracle below */
    memcpy(dst, m->b + off, n);
    return 0;
}
static int fz_count(void *ctx, const void *data, size_t n) { (void)data; *(size_t *)ctx += n; return 0; }

static int fuzz_tiff(const uint8_t *data, size_t size) {
    rse_read_options o;
    fz_mem mem;
    rse_source src;
    rse_roi win;
    rse_image wimg, crop;
    size_t written = 0;
    rse_image_desc d;
    rse_image img;
    rse_geo g1, g2;
    size_t i, n;
    int k, rc = 0;
    if (size < 1) return 0;
    memset(&o, 0, sizeof o);
    if (data[0] % 3) {
        o.nbands = data[0] % 3 == 1 ? 1 : 3;
        for (k = 0; k < 3; k++) o.bands[k] = 1 + ((data[0] >> (2 + 2 * k)) & 3);
    }
    data++; size--;
    memset(&wimg, 0, sizeof wimg);
    mem.b = data; mem.n = size;
    src.read = fz_mem_read; src.ctx = &mem; src.size = size;
    if (rse_image_describe_mem(data, size, &d, &g1) != RSE_STATUS_OK) {
        FUZZ_EXPECT(g1.n == 0);
        /* a scene by window: its size is not bounded, its window is */
        win.x = win.y = 0; win.w = win.h = 1;
        if (rse_image_load_window_src(&src, &win, &o, &wimg, 0) == RSE_STATUS_OK) FUZZ_EXPECT(wimg.data != 0);
        else FUZZ_EXPECT(wimg.data == 0);
        rse_image_free(&wimg);
        FUZZ_EXPECT(rse_image_load_mem_ex(data, size, &o, &img, &g2) != RSE_STATUS_OK);
        FUZZ_EXPECT(img.data == 0 && g2.n == 0);
        return 0;
    }
    FUZZ_EXPECT(d.w >= 1 && d.h >= 1 && d.bands >= 1 && (d.c == 1 || d.c == 3));
    if ((size_t)d.w * (size_t)d.h > FUZZ_MAX_PIXELS) { rse_geo_free(&g1); return 0; }
    if (rse_image_load_mem_ex(data, size, &o, &img, &g2) != RSE_STATUS_OK) {
        rse_geo_free(&g1);
        FUZZ_EXPECT(img.data == 0 && g2.n == 0);
        return 0;
    }
    if (img.w != d.w || img.h != d.h || img.c != (o.nbands ? o.nbands : d.c)) rc = __LINE__;
    n = (size_t)img.w * img.h * img.c;
    for (i = 0; i < n && !rc; i++)
        if (!(img.data[i] >= 0.0f && img.data[i] <= 1.0f)) rc = __LINE__;
    if (!rc && g1.n != g2.n) rc = __LINE__;
    for (k = 0; k < g1.n && !rc; k++)
        if (g1.tag[k].tag != g2.tag[k].tag || g1.tag[k].len != g2.tag[k].len ||
            memcmp(g1.tag[k].data, g2.tag[k].data, g1.tag[k].len) != 0) rc = __LINE__;
    /* the middle of the image by window: the crop of the whole decode
       (TIFF only: the other formats this target meets are read whole) */
    win.x = img.w / 4; win.y = img.h / 4; win.w = img.w / 2 ? img.w / 2 : 1; win.h = img.h / 2 ? img.h / 2 : 1;
    if (!rc && d.format != RSE_FORMAT_TIFF) {
        FUZZ_EXPECT(rse_image_load_window_src(&src, &win, &o, &wimg, 0) == RSE_STATUS_UNSUPPORTED && !wimg.data);
        rse_geo_free(&g1); rse_geo_free(&g2); rse_image_free(&img);
        return 0;
    }
    if (!rc && rse_image_load_window_src(&src, &win, &o, &wimg, 0) != RSE_STATUS_OK) rc = __LINE__;
    if (!rc && rse_image_crop(&img, &win, &crop) == RSE_STATUS_OK) {
        if (memcmp(crop.data, wimg.data, (size_t)win.w * win.h * img.c * sizeof(float)) != 0) rc = __LINE__;
        rse_image_free(&crop);
    }
    /* written back: it works, or says why (repeated bands, a bad chunk
       elsewhere), owning nothing */
    if (!rc) {
        for (i = 0; i < (size_t)win.w * win.h * img.c; i++) wimg.data[i] = 1.0f - wimg.data[i];
        if (rse_image_save_window_src(&src, &o, &win, &wimg, fz_count, &written) != RSE_STATUS_OK)
            FUZZ_EXPECT(rse_last_error()[0] != 0);
    }
    rse_image_free(&wimg);
    rse_geo_free(&g1);
    rse_geo_free(&g2);
    rse_image_free(&img);
    return rc;
}

/* ---------------------------------------------------------------------------
   jpeg: the JPEG reader
   describe, info and load must agree: what describe refuses load refuses;
   what loads has describe's size and channels and values that are exact
   levels v/255; a failed load owns nothing. JPEG input only (FF D8): the
   other formats are the image target's, and a PGM's maxval levels are not
   all levels v/255 (the first finding of this target was such a P2 file,
   a promise too wide, not a reader bug).
   ------------------------------------------------------------------------- */

static int fuzz_jpeg(const uint8_t *data, size_t size) {
    rse_image_desc d;
    rse_image img;
    size_t i, n;
    int w, h, c, rc = 0;
    if (size < 2 || data[0] != 0xFF || data[1] != 0xD8) return 0;
    if (rse_image_describe_mem(data, size, &d, 0) != RSE_STATUS_OK) {
        FUZZ_EXPECT(rse_image_info_mem(data, size, &w, &h, &c) != RSE_STATUS_OK);
        FUZZ_EXPECT(rse_image_load_mem(data, size, &img) != RSE_STATUS_OK);
        FUZZ_EXPECT(img.data == 0);
        return 0;
    }
    FUZZ_EXPECT(d.w >= 1 && d.h >= 1 && (d.c == 1 || d.c == 3));
    FUZZ_EXPECT(rse_image_info_mem(data, size, &w, &h, &c) == RSE_STATUS_OK && w == d.w && h == d.h && c == d.c);
    if ((size_t)d.w * (size_t)d.h > FUZZ_MAX_PIXELS) return 0;
    if (rse_image_load_mem(data, size, &img) != RSE_STATUS_OK) {
        FUZZ_EXPECT(img.data == 0);
        return 0;
    }
    if (img.w != d.w || img.h != d.h || img.c != d.c) rc = __LINE__;
    n = (size_t)img.w * img.h * img.c;
    for (i = 0; i < n && !rc; i++) {
        float v = img.data[i] * 255.0f;
        if (!(v >= 0.0f && v <= 255.0f) || img.data[i] != (float)(int)(v + 0.5f) / 255.0f) rc = __LINE__;
    }
    rse_image_free(&img);
    return rc;
}

/* ---------------------------------------------------------------------------
   pngread: the PNG reader (rse_image_info_mem + rse_image_load_mem)
   Mutated PNGs almost always break a chunk CRC or the zlib stream's
   Adler-32, which the reader checks first, so each input runs twice: as
   it is, then (when anything needed repair) with the Adler-32 after the
   IDAT data's deflate stream and every chunk's CRC-32 made to match, so
   the fuzzer reaches the filters, Adam7 and the sample unpacking. Promises:
   a failed load owns nothing; a load implies info with the same size;
   samples are in [0,1]; and since every PNG level v / (2^d - 1) is a
   16-bit level too (65535 is a multiple of 1, 3, 15 and 255), writing the
   image as 16-bit PNG and reading it back gives the same floats.
   ------------------------------------------------------------------------- */

static int fuzz_pngread_one(const uint8_t *data, size_t size) {
    rse_image img, back;
    fuzz_buf out = { 0, 0, 0, 0 };
    int w, h, c, rc = 0;
    size_t i, n;
    /* PNG only: the other formats are the image target's (and a PNM's
       maxval levels are not all 16-bit levels) */
    if (size < 8 || memcmp(data, "\x89PNG", 4) != 0) return 0;
    if (rse_image_info_mem(data, size, &w, &h, &c) != RSE_STATUS_OK) {
        FUZZ_EXPECT(rse_image_load_mem(data, size, &img) != RSE_STATUS_OK);
        FUZZ_EXPECT(img.data == 0);
        return 0;
    }
    if ((size_t)w * (size_t)h > FUZZ_MAX_PIXELS) return 0;
    if (rse_image_load_mem(data, size, &img) != RSE_STATUS_OK) {
        FUZZ_EXPECT(img.data == 0);
        return 0;
    }
    FUZZ_EXPECT(img.w == w && img.h == h && img.c == c);
    n = (size_t)w * h * c;
    for (i = 0; i < n; i++) FUZZ_EXPECT(img.data[i] >= 0.0f && img.data[i] <= 1.0f);
    if (rse_image_save_mem(&img, RSE_FORMAT_PNG, 16, fuzz_buf_sink, &out) != RSE_STATUS_OK ||
        rse_image_load_mem(out.p, out.n, &back) != RSE_STATUS_OK) {
        rc = __LINE__;
    } else {
        if (back.w != w || back.h != h || back.c != c || memcmp(back.data, img.data, n * sizeof(float)) != 0) rc = __LINE__;
        rse_image_free(&back);
    }
    free(out.p);
    rse_image_free(&img);
    return rc;
}

/* Copies the input with the zlib Adler-32 and every CRC repaired; returns
   NULL when nothing needed repair (or the input is not chunked). */
FUZZ_NO_COVERAGE static unsigned char *fuzz_png_repair(const uint8_t *data, size_t size) {
    unsigned char *b, *z = 0, *raw = 0;
    size_t pos = 8, zn = 0, idat_pos[64], idat_len[64], nidat = 0, used = 0, rawn = 0, k;
    int changed = 0;
    if (size < 8 + 12 || memcmp(data, "\x89PNG\r\n\x1a\n", 8) != 0) return 0;
    b = (unsigned char *)malloc(size);
    z = (unsigned char *)malloc(size);
    if (!b || !z) { free(b); free(z); return 0; }
    memcpy(b, data, size);
    /* the IDAT data, joined, and where each piece came from */
    while (size - pos >= 12) {
        size_t len = fuzz_be32(b + pos);
        if (len > size - pos - 12) break;
        if (!memcmp(b + pos + 4, "IDAT", 4) && nidat < 64) {
            idat_pos[nidat] = pos + 8; idat_len[nidat] = len; nidat++;
            memcpy(z + zn, b + pos + 8, len);
            zn += len;
        }
        pos += 12 + len;
    }
    /* the Adler-32 after the deflate stream, where the IDATs hold it */
    if (zn > 2 && rse__inflate(z + 2, zn - 2, &used, &raw, &rawn, (size_t)1 << 22) == RSE_STATUS_OK &&
        zn - 2 - used >= 4) {
        uint32_t ad = rse__adler32(1, raw, rawn);
        for (k = 0; k < 4; k++) {
            size_t at = 2 + used + k, j = 0, off = at;
            unsigned char v = (unsigned char)(ad >> (24 - 8 * k));
            while (j < nidat && off >= idat_len[j]) { off -= idat_len[j]; j++; }
            if (j < nidat && b[idat_pos[j] + off] != v) { b[idat_pos[j] + off] = v; changed = 1; }
        }
    }
    RSE_FREE(raw);
    free(z);
    for (pos = 8; size - pos >= 12;) {
        size_t len = fuzz_be32(b + pos);
        uint32_t crc;
        if (len > size - pos - 12) break;
        crc = fuzz_crc32(b + pos + 4, 4 + len);
        if (fuzz_be32(b + pos + 8 + len) != crc) {
            b[pos + 8 + len] = (unsigned char)(crc >> 24); b[pos + 9 + len] = (unsigned char)(crc >> 16);
            b[pos + 10 + len] = (unsigned char)(crc >> 8); b[pos + 11 + len] = (unsigned char)crc;
            changed = 1;
        }
        pos += 12 + len;
    }
    if (!changed) { free(b); return 0; }
    return b;
}

static int fuzz_pngread(const uint8_t *data, size_t size) {
    unsigned char *fixed;
    int rc = fuzz_pngread_one(data, size);
    if (rc) return rc;
    fixed = fuzz_png_repair(data, size);
    if (fixed) {
        rc = fuzz_pngread_one(fixed, size);
        free(fixed);
    }
    return rc;
}

/* ---------------------------------------------------------------------------
   The table: corpus folder name -> target
   ------------------------------------------------------------------------- */

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);
typedef struct { const char *name; fuzz_fn fn; } fuzz_target;

static const fuzz_target fuzz_targets[] = {
    { "image", fuzz_image },
    { "png", fuzz_png },
    { "pngread", fuzz_pngread },
    { "tiff", fuzz_tiff },
    { "jpeg", fuzz_jpeg },
    { "zip", fuzz_zip },
    { "pickle", fuzz_pickle },
    { "torch", fuzz_torch },
    { "safetensors", fuzz_safetensors },
    { "gzip", fuzz_gzip },
    { "vocab", fuzz_vocab_target },
    { "sinddm", fuzz_sinddm },
    { "import", fuzz_import },
    { "prompts", fuzz_prompts },
    { "roi", fuzz_roi },
    { "mask", fuzz_mask },
};
#define FUZZ_NTARGETS ((int)(sizeof fuzz_targets / sizeof fuzz_targets[0]))

RSE__UNUSED static void fuzz_cleanup(void) {
    free(fuzz_vocab_tail);
    fuzz_vocab_tail = 0;
    free(fuzz_sd_tmpl);
    fuzz_sd_tmpl = 0;
    free(fuzz_sd_o1.p);
    free(fuzz_sd_o2.p);
    memset(&fuzz_sd_o1, 0, sizeof fuzz_sd_o1);
    memset(&fuzz_sd_o2, 0, sizeof fuzz_sd_o2);
    fuzz_sd_tmpl_len = 0;
    fuzz_vocab_tail_len = 0;
    fuzz_import_cleanup();
}
#endif
