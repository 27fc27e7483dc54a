/* Tests of the image codecs, the file layer and the convert command:
   round trips, hand-built BMP variants, PNG structure (CRCs, Adler-32 and
   the stored blocks decoded back here), the committed corrupt files of
   tests/corrupt/expected.tsv, the fuzz corpus, and the shared real images. */
#include "test.h"
#include <dirent.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/wait.h>

/* ---- a growable memory sink ---------------------------------------------- */

typedef struct { unsigned char *p; size_t n, cap; int fail_after; } t_fbuf;

static int t_fbuf_write(void *ctx, const void *data, size_t n) {
    t_fbuf *b = (t_fbuf *)ctx;
    if (b->fail_after >= 0 && b->n + n > (size_t)b->fail_after) return 1; /* a full disk */
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->n + n) cap *= 2;
        b->p = (unsigned char *)realloc(b->p, cap);
        if (!b->p) return 1;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
    return 0;
}
static void t_fbuf_init(t_fbuf *b) { b->p = 0; b->n = b->cap = 0; b->fail_after = -1; }
static void t_fbuf_free(t_fbuf *b) { free(b->p); t_fbuf_init(b); }

static rse_status t_save(const rse_image *img, rse_format fmt, int bits, t_fbuf *b) {
    t_fbuf_init(b);
    return rse_image_save_mem(img, fmt, bits, t_fbuf_write, b);
}

/* An image whose samples are exact levels k/maxval, from a fixed LCG. */
static void t_fill_levels(rse_image *img, unsigned maxval, uint32_t seed) {
    size_t i, n = (size_t)img->w * img->h * img->c;
    for (i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        img->data[i] = (float)((seed >> 8) % (maxval + 1)) / (float)maxval;
    }
}

static int t_same_image(const rse_image *a, const rse_image *b) {
    return a->w == b->w && a->h == b->h && a->c == b->c &&
           memcmp(a->data, b->data, (size_t)a->w * a->h * a->c * sizeof(float)) == 0;
}

/* Sample (x, y, channel k) of a planar image. */
static float t_at(const rse_image *img, int x, int y, int k) {
    return img->data[((size_t)k * img->h + y) * img->w + x];
}

/* ---- round trips ---------------------------------------------------------- */

/* Encode, decode, re-encode: the decoded floats equal the originals exactly
   (they are exact levels) and the second encoding is byte-identical. */
static void t_roundtrip(rse_format fmt, int bits, int w, int h, int c) {
    rse_image img, back;
    t_fbuf b1, b2;
    unsigned maxval = bits == 16 ? 65535u : 255u;
    CHECK(rse_image_alloc(&img, w, h, c) == RSE_STATUS_OK, "alloc %dx%dx%d", w, h, c);
    t_fill_levels(&img, maxval, (uint32_t)(w * 31 + h * 7 + c + bits));
    CHECK(t_save(&img, fmt, bits, &b1) == RSE_STATUS_OK, "save fmt %d bits %d: %s", fmt, bits, rse_last_error());
    CHECK(rse_image_load_mem(b1.p, b1.n, &back) == RSE_STATUS_OK, "reload fmt %d: %s", fmt, rse_last_error());
    if (back.data) {
        int want_c = fmt == RSE_FORMAT_PGM ? 1 : 3;
        CHECK(back.w == w && back.h == h && back.c == want_c, "reload size %dx%dx%d", back.w, back.h, back.c);
        if (c == want_c) CHECK(t_same_image(&img, &back), "fmt %d bits %d %dx%dx%d: values exact", fmt, bits, w, h, c);
        else if (c == 1) { /* gray written as RGB: every channel is the gray */
            rse_image rgb;
            CHECK(rse_image_to_rgb(&img, &rgb) == RSE_STATUS_OK, "to_rgb");
            CHECK(t_same_image(&rgb, &back), "fmt %d gray expanded to RGB exactly", fmt);
            rse_image_free(&rgb);
        }
        CHECK(t_save(&back, fmt, bits, &b2) == RSE_STATUS_OK, "re-save");
        CHECK(b1.n == b2.n && memcmp(b1.p, b2.p, b1.n) == 0, "fmt %d bits %d %dx%d: re-encode byte-exact", fmt, bits, w, h);
        t_fbuf_free(&b2);
    }
    rse_image_free(&back);
    rse_image_free(&img);
    t_fbuf_free(&b1);
}

static void test_roundtrips(void) {
    static const int sizes[][2] = { { 1, 1 }, { 2, 3 }, { 3, 2 }, { 5, 4 }, { 17, 9 } };
    size_t i;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        int w = sizes[i][0], h = sizes[i][1];
        t_roundtrip(RSE_FORMAT_PPM, 8, w, h, 3);
        t_roundtrip(RSE_FORMAT_PPM, 16, w, h, 3);
        t_roundtrip(RSE_FORMAT_PGM, 8, w, h, 1);
        t_roundtrip(RSE_FORMAT_PGM, 16, w, h, 1);
        t_roundtrip(RSE_FORMAT_BMP, 8, w, h, 3); /* widths 1,2,3,5,17: every row padding */
        t_roundtrip(RSE_FORMAT_BMP, 8, w, h, 1);
        t_roundtrip(RSE_FORMAT_PPM, 8, w, h, 1);
    }
}

/* The quantiser: clamp, NaN -> 0, round half up. */
static void test_quantize(void) {
    rse_image img;
    t_fbuf b;
    float nan_ = (float)NAN;
    static const unsigned char want[8] = { 0, 0, 255, 255, 128, 128, 127, 1 };
    size_t hl;
    rse_image_alloc(&img, 8, 1, 1);
    img.data[0] = nan_; img.data[1] = -3.0f; img.data[2] = 7.0f; img.data[3] = 1.0f;
    img.data[4] = 0.5f;                  /* 127.5 + 0.5 = 128 */
    img.data[5] = 127.5f / 255.0f;       /* a tie rounds up (float may sit a hair off: 128 either way here) */
    img.data[6] = 127.4f / 255.0f;
    img.data[7] = 0.6f / 255.0f;
    CHECK(t_save(&img, RSE_FORMAT_PGM, 8, &b) == RSE_STATUS_OK, "save pgm");
    hl = strlen("P5\n8 1\n255\n");
    CHECK(b.n == hl + 8 && memcmp(b.p, "P5\n8 1\n255\n", hl) == 0, "pgm header");
    CHECK(b.n == hl + 8 && memcmp(b.p + hl, want, 8) == 0, "quantised levels %u %u %u %u %u %u %u %u",
          b.p[hl], b.p[hl + 1], b.p[hl + 2], b.p[hl + 3], b.p[hl + 4], b.p[hl + 5], b.p[hl + 6], b.p[hl + 7]);
    t_fbuf_free(&b);
    /* 16-bit: big-endian, 0.5 -> 32768 */
    img.w = 1;
    img.data[0] = 0.5f;
    CHECK(t_save(&img, RSE_FORMAT_PGM, 16, &b) == RSE_STATUS_OK, "save pgm16");
    CHECK(b.n >= 2 && b.p[b.n - 2] == 0x80 && b.p[b.n - 1] == 0x00, "16-bit big-endian 32768");
    t_fbuf_free(&b);
    /* colour to PGM: the mean of the channels */
    img.w = 8;
    rse_image_free(&img);
    rse_image_alloc(&img, 1, 1, 3);
    img.data[0] = 0.3f; img.data[1] = 0.6f; img.data[2] = 0.9f;
    CHECK(t_save(&img, RSE_FORMAT_PGM, 8, &b) == RSE_STATUS_OK, "save rgb as pgm");
    CHECK(b.n >= 1 && b.p[b.n - 1] == 153, "mean of 0.3,0.6,0.9 -> 0.6 -> 153, got %u", b.n ? b.p[b.n - 1] : 0);
    t_fbuf_free(&b);
    /* bad arguments */
    CHECK(t_save(&img, RSE_FORMAT_BMP, 16, &b) == RSE_STATUS_BAD_ARG, "16-bit BMP refused");
    CHECK(t_save(&img, RSE_FORMAT_PPM, 12, &b) == RSE_STATUS_BAD_ARG, "12 bits refused");
    CHECK(t_save(&img, RSE_FORMAT_UNKNOWN, 8, &b) == RSE_STATUS_BAD_ARG, "unknown format refused");
    b.fail_after = 5;
    CHECK(rse_image_save_mem(&img, RSE_FORMAT_PNG, 8, t_fbuf_write, &b) == RSE_STATUS_IO, "sink failure -> IO");
    t_fbuf_free(&b);
    rse_image_free(&img);
    CHECK(rse_image_alloc(&img, 0, 5, 3) == RSE_STATUS_BAD_FORMAT && !img.data, "alloc width 0 refused");
    CHECK(rse_image_alloc(&img, RSE_MAX_DIM + 1, 5, 3) == RSE_STATUS_LIMIT, "alloc over RSE_MAX_DIM refused");
    CHECK(rse_image_alloc(&img, 5, 5, 2) == RSE_STATUS_BAD_ARG, "alloc 2 channels refused");
}

/* ---- PNM text forms and header quirks ------------------------------------- */

static void test_pnm_text(void) {
    static const char p3[] = "P3 # a comment right after the magic\n"
                             "# a whole-line comment\n3#between\n1 1000\n"
                             "0 500 1000  # samples can have comments too\n1000 0 0\n250 250 250\n";
    static const char p2[] = "P2\n2 2\n# maxval next\n7\n0 1\n6\n7\n";
    static const unsigned char p5c[] = "P5\n2 1\n255#comment after maxval\n\x0a\xff";
    static const unsigned char p6_16[] = "P6 1 1 65535\n\x01\x00\xff\xff\x00\x00";
    rse_image img;
    int w, h, c;
    CHECK(rse_image_load_mem(p3, sizeof p3 - 1, &img) == RSE_STATUS_OK, "P3 with comments: %s", rse_last_error());
    if (img.data) {
        CHECK(img.w == 3 && img.h == 1 && img.c == 3, "P3 size");
        /* v/maxval exactly as float division gives */
        CHECK(t_at(&img, 0, 0, 1) == 500.0f / 1000.0f && t_at(&img, 0, 0, 2) == 1.0f && t_at(&img, 2, 0, 0) == 250.0f / 1000.0f,
              "P3 rescaled by maxval 1000");
        rse_image_free(&img);
    }
    CHECK(rse_image_load_mem(p2, sizeof p2 - 1, &img) == RSE_STATUS_OK, "P2: %s", rse_last_error());
    if (img.data) {
        CHECK(img.c == 1 && t_at(&img, 1, 0, 0) == 1.0f / 7.0f && t_at(&img, 1, 1, 0) == 1.0f, "P2 values / 7");
        rse_image_free(&img);
    }
    CHECK(rse_image_load_mem(p5c, sizeof p5c - 1, &img) == RSE_STATUS_OK, "P5 comment after maxval: %s", rse_last_error());
    if (img.data) {
        /* the first sample is 0x0a, a newline byte: it is data, not a separator */
        CHECK(t_at(&img, 0, 0, 0) == 10.0f / 255.0f && t_at(&img, 1, 0, 0) == 1.0f, "P5 raster after the comment");
        rse_image_free(&img);
    }
    CHECK(rse_image_load_mem(p6_16, sizeof p6_16 - 1, &img) == RSE_STATUS_OK, "P6 16-bit: %s", rse_last_error());
    if (img.data) {
        CHECK(t_at(&img, 0, 0, 0) == 256.0f / 65535.0f && t_at(&img, 0, 0, 1) == 1.0f && t_at(&img, 0, 0, 2) == 0.0f,
              "16-bit samples big-endian");
        rse_image_free(&img);
    }
    CHECK(rse_image_info_mem(p3, sizeof p3 - 1, &w, &h, &c) == RSE_STATUS_OK && w == 3 && h == 1 && c == 3, "info P3");
    /* info reads only the header: it succeeds on a file whose raster is cut */
    CHECK(rse_image_info_mem("P5 4 4 255\n\x01", 12, &w, &h, &c) == RSE_STATUS_OK && w == 4 && c == 1,
          "info ignores a truncated raster");
    CHECK(rse_image_load_mem("P5 4 4 255\n\x01", 12, &img) == RSE_STATUS_TRUNCATED && !img.data, "load sees it");
}

/* ---- BMP variants, built by hand ------------------------------------------ */


/* Writes a BMP into out (at most cap bytes): file header, a DIB header of
   hsize bytes, masks after a 40-byte header if masks_after, a palette of
   npal entries (BGR0, or BGR for the 12-byte core header), then rows of
   w*bpp bits given in file order, each padded to 4 bytes here. Returns the
   file size. */
static size_t t_bmp(unsigned char *out, int hsize, int w, int h, int bpp, int comp,
                    const uint32_t masks[3], int masks_after, const unsigned char (*pal)[3], int npal,
                    int clr_used, const unsigned char *rows, size_t rowbytes) {
    size_t stride = ((size_t)w * bpp + 31) / 32 * 4, n, off, r, rows_n = (size_t)(h < 0 ? -h : h);
    int i;
    memset(out, 0, 14 + 124 + 16 + 1024);
    out[0] = 'B'; out[1] = 'M';
    n = 14;
    t_le32(out + n, (uint32_t)hsize);
    if (hsize == 12) {
        t_le16(out + n + 4, (unsigned)w); t_le16(out + n + 6, (unsigned)h);
        t_le16(out + n + 8, 1); t_le16(out + n + 10, (unsigned)bpp);
    } else {
        t_le32(out + n + 4, (uint32_t)w); t_le32(out + n + 8, (uint32_t)h);
        t_le16(out + n + 12, 1); t_le16(out + n + 14, (unsigned)bpp);
        t_le32(out + n + 16, (uint32_t)comp);
        t_le32(out + n + 32, (uint32_t)clr_used);
        if (hsize > 40 && masks) for (i = 0; i < 3; i++) t_le32(out + n + 40 + 4 * i, masks[i]);
    }
    n += (size_t)hsize;
    if (masks_after) { for (i = 0; i < 3; i++) t_le32(out + n + 4 * i, masks[i]); n += 12; }
    for (i = 0; i < npal; i++) {
        out[n++] = pal[i][2]; out[n++] = pal[i][1]; out[n++] = pal[i][0];
        if (hsize != 12) out[n++] = 0;
    }
    off = n;
    t_le32(out + 10, (uint32_t)off);
    for (r = 0; r < rows_n; r++) {
        memset(out + off + r * stride, 0, stride);
        memcpy(out + off + r * stride, rows + r * rowbytes, rowbytes);
    }
    n = off + rows_n * stride;
    t_le32(out + 2, (uint32_t)n);
    return n;
}

static int t_rgb_is(const rse_image *img, int x, int y, int r, int g, int b) {
    return fabsf(t_at(img, x, y, 0) - r / 255.0f) < 1e-6f && fabsf(t_at(img, x, y, 1) - g / 255.0f) < 1e-6f &&
           fabsf(t_at(img, x, y, 2) - b / 255.0f) < 1e-6f;
}

static void test_bmp_variants(void) {
    static unsigned char buf[4096];
    static const unsigned char pal2[2][3] = { { 0, 0, 0 }, { 255, 128, 64 } };
    static const unsigned char pal3[3][3] = { { 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 } };
    static const unsigned char pal16[16][3] = { { 1, 2, 3 }, { 4, 5, 6 } };
    rse_image img;
    size_t n;
    int hs, x;
    /* 1-bit, width 9 (2 bytes + 2 padding per row), bottom-up: the LAST file
       row is image row 0. Pixels MSB first: 0xAA = 1,0,1,0,... */
    {
        const unsigned char rows[2][2] = { { 0x00, 0x80 }, { 0xAA, 0x80 } };
        n = t_bmp(buf, 40, 9, 2, 1, 0, 0, 0, pal2, 2, 0, &rows[0][0], 2);
        CHECK(rse_image_load_mem(buf, n, &img) == RSE_STATUS_OK, "1-bit: %s", rse_last_error());
        if (img.data) {
            int ok = 1;
            for (x = 0; x < 8; x++) ok &= t_rgb_is(&img, x, 0, x % 2 ? 0 : 255, x % 2 ? 0 : 128, x % 2 ? 0 : 64);
            ok &= t_rgb_is(&img, 8, 0, 255, 128, 64) && t_rgb_is(&img, 0, 1, 0, 0, 0) && t_rgb_is(&img, 8, 1, 255, 128, 64);
            CHECK(ok && img.c == 3, "1-bit pixels, palette, bottom-up");
            rse_image_free(&img);
        }
    }
    /* 4-bit, 3 colours from biClrUsed, width 3: nibbles 0,1 | 2,pad */
    {
        const unsigned char rows[1][2] = { { 0x01, 0x20 } };
        n = t_bmp(buf, 40, 3, 1, 4, 0, 0, 0, pal3, 3, 3, &rows[0][0], 2);
        CHECK(rse_image_load_mem(buf, n, &img) == RSE_STATUS_OK, "4-bit: %s", rse_last_error());
        if (img.data) {
            CHECK(t_rgb_is(&img, 0, 0, 255, 0, 0) && t_rgb_is(&img, 1, 0, 0, 255, 0) && t_rgb_is(&img, 2, 0, 0, 0, 255),
                  "4-bit nibbles high first");
            rse_image_free(&img);
        }
        /* the same with an index beyond the 3 colours: an error, not a clamp */
        buf[n - 4] = 0x03;
        CHECK(rse_image_load_mem(buf, n, &img) == RSE_STATUS_BAD_FORMAT &&
              strstr(rse_last_error(), "palette index 3 out of range") != 0, "4-bit index out of range: %s", rse_last_error());
    }
    /* 8-bit in an OS/2 core header (3-byte palette entries), 16 colours
       listed but only 2 given: the offset says where the pixels start */
    {
        const unsigned char rows[2][2] = { { 1, 0 }, { 0, 1 } };
        n = t_bmp(buf, 12, 2, 2, 8, 0, 0, 0, pal16, 2, 0, &rows[0][0], 2);
        CHECK(rse_image_load_mem(buf, n, &img) == RSE_STATUS_OK, "8-bit core: %s", rse_last_error());
        if (img.data) {
            CHECK(t_rgb_is(&img, 0, 1, 4, 5, 6) && t_rgb_is(&img, 1, 1, 1, 2, 3) && t_rgb_is(&img, 1, 0, 4, 5, 6),
                  "8-bit core palette");
            rse_image_free(&img);
        }
    }
    /* 16-bit default 5-5-5: 0x7C00 red, 0x03E0 green, 0x001F blue; a
       channel's maximum (31) maps to exactly 1 */
    {
        const unsigned char rows[1][6] = { { 0x00, 0x7C, 0xE0, 0x03, 0x10, 0x00 } };
        n = t_bmp(buf, 40, 3, 1, 16, 0, 0, 0, 0, 0, 0, &rows[0][0], 6);
        CHECK(rse_image_load_mem(buf, n, &img) == RSE_STATUS_OK, "16-bit 555: %s", rse_last_error());
        if (img.data) {
            CHECK(t_at(&img, 0, 0, 0) == 1.0f && t_at(&img, 0, 0, 1) == 0 && t_at(&img, 1, 0, 1) == 1.0f &&
                  t_at(&img, 2, 0, 2) == 16.0f / 31.0f, "16-bit 555 channels scaled by 31");
            rse_image_free(&img);
        }
    }
    /* 16-bit 5-6-5 from BI_BITFIELDS masks after a 40-byte header */
    {
        const uint32_t m565[3] = { 0xF800, 0x07E0, 0x001F };
        const unsigned char rows[1][4] = { { 0xE0, 0x07, 0x20, 0x00 } }; /* 0x07E0 all green; 0x0020 green 1 */
        n = t_bmp(buf, 40, 2, 1, 16, 3, m565, 1, 0, 0, 0, &rows[0][0], 4);
        CHECK(rse_image_load_mem(buf, n, &img) == RSE_STATUS_OK, "16-bit 565: %s", rse_last_error());
        if (img.data) {
            CHECK(t_at(&img, 0, 0, 1) == 1.0f && t_at(&img, 0, 0, 0) == 0 && t_at(&img, 1, 0, 1) == 1.0f / 63.0f,
                  "16-bit 565 green scaled by 63");
            rse_image_free(&img);
        }
    }
    /* 24-bit top-down (negative height): the FIRST file row is image row 0 */
    {
        const unsigned char rows[2][3] = { { 3, 2, 1 }, { 6, 5, 4 } };
        n = t_bmp(buf, 40, 1, -2, 24, 0, 0, 0, 0, 0, 0, &rows[0][0], 3);
        CHECK(rse_image_load_mem(buf, n, &img) == RSE_STATUS_OK, "24-bit top-down: %s", rse_last_error());
        if (img.data) {
            CHECK(img.h == 2 && t_rgb_is(&img, 0, 0, 1, 2, 3) && t_rgb_is(&img, 0, 1, 4, 5, 6), "top-down rows, BGR order");
            rse_image_free(&img);
        }
        n = t_bmp(buf, 40, 1, 2, 24, 0, 0, 0, 0, 0, 0, &rows[0][0], 3);
        CHECK(rse_image_load_mem(buf, n, &img) == RSE_STATUS_OK, "24-bit bottom-up");
        if (img.data) {
            CHECK(t_rgb_is(&img, 0, 1, 1, 2, 3) && t_rgb_is(&img, 0, 0, 4, 5, 6), "bottom-up rows");
            rse_image_free(&img);
        }
    }
    /* 32-bit BI_RGB (X8R8G8B8, the top byte dropped) with every header size */
    for (hs = 0; hs < 5; hs++) {
        static const int sizes[5] = { 40, 52, 56, 108, 124 };
        const unsigned char rows[1][4] = { { 30, 20, 10, 99 } };
        n = t_bmp(buf, sizes[hs], 1, 1, 32, 0, 0, 0, 0, 0, 0, &rows[0][0], 4);
        CHECK(rse_image_load_mem(buf, n, &img) == RSE_STATUS_OK, "32-bit header %d: %s", sizes[hs], rse_last_error());
        if (img.data) { CHECK(t_rgb_is(&img, 0, 0, 10, 20, 30), "32-bit BI_RGB header %d", sizes[hs]); rse_image_free(&img); }
    }
    /* 32-bit BI_BITFIELDS with masks inside a V4 header, R and B swapped, and
       a 10-bit channel layout (2-10-10-10) to check the scaling */
    {
        const uint32_t mswap[3] = { 0x000000FF, 0x0000FF00, 0x00FF0000 };
        const uint32_t m10[3] = { 0x3FF00000, 0x000FFC00, 0x000003FF };
        const unsigned char rows[1][4] = { { 10, 20, 30, 0 } };
        const unsigned char rows10[1][4] = { { 0xFF, 0x03, 0xF0, 0x3F } }; /* R=1023, G=0, B=1023 */
        n = t_bmp(buf, 108, 1, 1, 32, 3, mswap, 0, 0, 0, 0, &rows[0][0], 4);
        CHECK(rse_image_load_mem(buf, n, &img) == RSE_STATUS_OK, "32-bit bitfields V4: %s", rse_last_error());
        if (img.data) { CHECK(t_rgb_is(&img, 0, 0, 10, 20, 30), "32-bit masks from the V4 header"); rse_image_free(&img); }
        n = t_bmp(buf, 124, 1, 1, 32, 3, m10, 0, 0, 0, 0, &rows10[0][0], 4);
        CHECK(rse_image_load_mem(buf, n, &img) == RSE_STATUS_OK, "32-bit 10-bit masks: %s", rse_last_error());
        if (img.data) {
            CHECK(t_at(&img, 0, 0, 0) == 1.0f && t_at(&img, 0, 0, 1) == 0.0f && t_at(&img, 0, 0, 2) == 1.0f,
                  "10-bit channels scaled by 1023");
            rse_image_free(&img);
        }
        /* masks are ignored under BI_RGB even when the header has them */
        n = t_bmp(buf, 108, 1, 1, 32, 0, mswap, 0, 0, 0, 0, &rows[0][0], 4);
        CHECK(rse_image_load_mem(buf, n, &img) == RSE_STATUS_OK && t_rgb_is(&img, 0, 0, 30, 20, 10), "BI_RGB ignores masks");
        rse_image_free(&img);
    }
    /* every byte count shorter than the file fails cleanly (the last row too) */
    {
        const unsigned char rows[2][3] = { { 3, 2, 1 }, { 6, 5, 4 } };
        size_t k;
        int ok = 1;
        n = t_bmp(buf, 40, 1, 2, 24, 0, 0, 0, 0, 0, 0, &rows[0][0], 3);
        for (k = 0; k < n; k++) {
            rse_status st = rse_image_load_mem(buf, k, &img);
            if (st == RSE_STATUS_OK || img.data) ok = 0;
            rse_image_free(&img);
        }
        CHECK(ok, "every prefix of a BMP is refused");
    }
}

/* ---- PNG: structure checked by an independent decoder ---------------------- */

/* Bitwise CRC-32, deliberately not the table version the writer uses. */
static uint32_t t_crc(const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}
static uint32_t t_be32(const unsigned char *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Checks signature, chunk CRCs, IHDR, the zlib header, every stored block
   (LEN/NLEN, at most 65535) and the Adler-32 (computed the slow way), and
   returns the raw filtered bytes in *raw (malloc'd). 0 on any defect. */
static int t_png_decode(const unsigned char *p, size_t n, int *w, int *h, int *ctype,
                        unsigned char **raw, size_t *rawn, int *nblocks) {
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', 13, 10, 26, 10 };
    unsigned char *z = malloc(n), *out = malloc(n);
    size_t zn = 0, on = 0, pos = 8, zp;
    int seen_end = 0, final = 0;
    uint32_t a = 1, b = 0, i;
    *raw = 0; *nblocks = 0;
    if (!z || !out || n < 8 || memcmp(p, sig, 8) != 0) goto bad;
    while (pos + 12 <= n && !seen_end) {
        uint32_t len = t_be32(p + pos);
        const unsigned char *type = p + pos + 4;
        if (len > n - pos - 12) goto bad;
        if (t_crc(type, 4 + (size_t)len) != t_be32(p + pos + 8 + len)) { printf("bad CRC in %.4s\n", (const char *)type); goto bad; }
        if (memcmp(type, "IHDR", 4) == 0) {
            if (len != 13 || pos != 8) goto bad;
            *w = (int)t_be32(type + 4); *h = (int)t_be32(type + 8); *ctype = type[13];
            if (type[12] != 8 || type[14] || type[15] || type[16]) goto bad;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            memcpy(z + zn, type + 4, len); zn += len;
        } else if (memcmp(type, "IEND", 4) == 0) {
            if (len != 0) goto bad;
            seen_end = 1;
        }
        pos += 12 + (size_t)len;
    }
    if (!seen_end || pos != n || zn < 6) goto bad;
    /* zlib header: CM=8, window 32K, (CMF*256+FLG) % 31 == 0, no dictionary */
    if ((z[0] & 15) != 8 || ((z[0] << 8) | z[1]) % 31 != 0 || (z[1] & 0x20)) goto bad;
    zp = 2;
    while (!final) {
        unsigned len, nlen;
        if (zp + 5 > zn) goto bad;
        if ((z[zp] & 6) != 0) goto bad; /* BTYPE must be 00 (stored) */
        final = z[zp] & 1;
        len = z[zp + 1] | (z[zp + 2] << 8);
        nlen = z[zp + 3] | (z[zp + 4] << 8);
        if ((len ^ 0xFFFFu) != nlen || zp + 5 + len > zn) goto bad;
        memcpy(out + on, z + zp + 5, len);
        on += len; zp += 5 + len;
        ++*nblocks;
    }
    if (zp + 4 != zn) goto bad;
    for (i = 0; i < on; i++) { a = (a + out[i]) % 65521u; b = (b + a) % 65521u; }
    if (t_be32(z + zp) != ((b << 16) | a)) { printf("bad Adler-32\n"); goto bad; }
    free(z);
    *raw = out; *rawn = on;
    return 1;
bad:
    free(z); free(out);
    return 0;
}

static void t_png_check(int w, int h, int c) {
    rse_image img;
    t_fbuf b;
    unsigned char *raw;
    size_t rawn, rowb = 1 + (size_t)w * c;
    int pw = 0, ph = 0, ct = -1, nb = 0, x, y, k, ok = 1;
    rse_image_alloc(&img, w, h, c);
    t_fill_levels(&img, 255, (uint32_t)(w + h));
    CHECK(t_save(&img, RSE_FORMAT_PNG, 8, &b) == RSE_STATUS_OK, "png save %dx%dx%d", w, h, c);
    CHECK(t_png_decode(b.p, b.n, &pw, &ph, &ct, &raw, &rawn, &nb), "png %dx%dx%d structure valid", w, h, c);
    if (raw) {
        CHECK(pw == w && ph == h && ct == (c == 3 ? 2 : 0), "png IHDR %dx%d type %d", pw, ph, ct);
        CHECK(rawn == rowb * (size_t)h, "png raw size %zu", rawn);
        /* blocks of 65535 bytes, the last one shorter and never empty */
        CHECK(nb == (int)((rawn + 65534) / 65535), "png %d stored blocks for %zu bytes", nb, rawn);
        for (y = 0; y < h && ok && rawn == rowb * (size_t)h; y++) {
            if (raw[y * rowb] != 0) ok = 0; /* filter byte 0 on every row */
            for (x = 0; x < w; x++)
                for (k = 0; k < c; k++)
                    if (raw[y * rowb + 1 + (size_t)x * c + k] != (unsigned char)(t_at(&img, x, y, k) * 255.0f + 0.5f)) ok = 0;
        }
        CHECK(ok, "png %dx%dx%d pixels decode to the 8-bit levels", w, h, c);
        free(raw);
    }
    {   /* deterministic: the same image gives the same bytes */
        t_fbuf b2;
        t_save(&img, RSE_FORMAT_PNG, 8, &b2);
        CHECK(b.n == b2.n && memcmp(b.p, b2.p, b.n) == 0, "png encode is deterministic");
        t_fbuf_free(&b2);
    }
    t_fbuf_free(&b);
    rse_image_free(&img);
}

static void test_png(void) {
    t_png_check(1, 1, 3);
    t_png_check(7, 5, 1);
    t_png_check(200, 150, 3);  /* 90150 raw bytes: 2 blocks */
    t_png_check(255, 256, 1);  /* 256 rows of 256 = 65536 raw bytes: a full block + 1 byte */
    t_png_check(256, 255, 1);  /* 255 rows of 257 = 65535 raw bytes: one full block, no empty final */
}

/* ---- formats, file layer, CLI --------------------------------------------- */

static void test_format_from_path(void) {
    CHECK(rse_format_from_path("a.ppm") == RSE_FORMAT_PPM, "ppm");
    CHECK(rse_format_from_path("dir.x/A.PGM") == RSE_FORMAT_PGM, "PGM upper case");
    CHECK(rse_format_from_path("x.Bmp") == RSE_FORMAT_BMP, "bmp");
    CHECK(rse_format_from_path("out.png") == RSE_FORMAT_PNG, "png");
    CHECK(rse_format_from_path("dir.png/noext") == RSE_FORMAT_UNKNOWN, "dot in a directory");
    CHECK(rse_format_from_path("a.pngx") == RSE_FORMAT_UNKNOWN && rse_format_from_path("a.pn") == RSE_FORMAT_UNKNOWN, "near misses");
    CHECK(rse_format_from_path("png") == RSE_FORMAT_UNKNOWN && rse_format_from_path(0) == RSE_FORMAT_UNKNOWN, "no dot");
}

static rse_status t_emit_fail(void *ctx, rse_write_fn write, void *wctx) {
    (void)ctx;
    write(wctx, "partial", 7);
    return rse__fail(RSE_STATUS_BAD_FORMAT, "emitter gave up");
}
static rse_status t_emit_ok(void *ctx, rse_write_fn write, void *wctx) {
    return write(wctx, (const char *)ctx, strlen((const char *)ctx)) ? RSE_STATUS_IO : RSE_STATUS_OK;
}

/* Number of files in build/ whose name contains ".tmp." (leftovers). */
static int t_tmp_leftovers(void) {
    DIR *d = opendir("build");
    struct dirent *e;
    int n = 0;
    if (!d) return -1;
    while ((e = readdir(d)) != 0) if (strstr(e->d_name, "test_image_io") && strstr(e->d_name, ".tmp.")) n++;
    closedir(d);
    return n;
}

static void test_file_layer(void) {
    const char *path = "build/test_image_io.ppm";
    rse_image img, back;
    unsigned char *buf;
    size_t len;
    rse_status st;
    CHECK(rse_image_load("build/does_not_exist.ppm", &img) == RSE_STATUS_IO &&
          strstr(rse_last_error(), "build/does_not_exist.ppm: cannot open") != 0, "missing file: %s", rse_last_error());
    CHECK(rse_image_load("build", &img) == RSE_STATUS_IO && strstr(rse_last_error(), "build: is a directory") != 0,
          "directory: %s", rse_last_error());
    rse_image_alloc(&img, 3, 2, 3);
    t_fill_levels(&img, 255, 5);
    CHECK(rse_image_save(path, &img) == RSE_STATUS_OK, "save: %s", rse_last_error());
    CHECK(rse_image_load(path, &back) == RSE_STATUS_OK && t_same_image(&img, &back), "file round trip");
    rse_image_free(&back);
    CHECK(rse_image_save_bits(path, &img, 16) == RSE_STATUS_OK, "save 16-bit");
    CHECK(rse_image_load(path, &back) == RSE_STATUS_OK && back.w == 3, "load 16-bit file");
    rse_image_free(&back);
    CHECK(rse_image_save("build/test_image_io.xyz", &img) == RSE_STATUS_BAD_ARG &&
          strstr(rse_last_error(), "build/test_image_io.xyz: unknown image format") != 0, "unknown extension: %s", rse_last_error());
    CHECK(rse_image_save_bits("build/test_image_io.bmp", &img, 16) == RSE_STATUS_BAD_ARG, "16-bit bmp refused");
    CHECK(rse_image_save("build/no/such/dir/x.png", &img) == RSE_STATUS_IO &&
          strstr(rse_last_error(), "build/no/such/dir/x.png: cannot create") != 0, "bad dir: %s", rse_last_error());
    /* A failing writer leaves the old file and no temporary behind. */
    CHECK(rse__write_file_atomic(path, t_emit_ok, (void *)"old contents") == RSE_STATUS_OK, "atomic write");
    st = rse__write_file_atomic(path, t_emit_fail, 0);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strcmp(rse_last_error(), "build/test_image_io.ppm: emitter gave up") == 0,
          "emitter failure prefixed with the path: %s", rse_last_error());
    CHECK(rse__read_file(path, &buf, &len) == RSE_STATUS_OK && len == 12 && memcmp(buf, "old contents", 12) == 0,
          "old file intact after a failed write");
    free(buf);
    CHECK(t_tmp_leftovers() == 0, "no temporary files left");
    {   /* A killed writer's temporary file is removed by the next write to
           the same path; a live process's (pid 1) and odd names are not. */
        char dead[96], live[96], odd[96];
        pid_t child = fork();
        FILE *f;
        if (child == 0) _exit(0);
        waitpid(child, 0, 0); /* reaped: the pid no longer exists */
        sprintf(dead, "%s.tmp.%ld", path, (long)child);
        sprintf(live, "%s.tmp.1", path);
        sprintf(odd, "%s.tmp.12x", path);
        if ((f = fopen(dead, "wb"))) fclose(f);
        if ((f = fopen(live, "wb"))) fclose(f);
        if ((f = fopen(odd, "wb"))) fclose(f);
        CHECK(rse__write_file_atomic(path, t_emit_ok, (void *)"new") == RSE_STATUS_OK, "atomic write over stale temps");
        CHECK(access(dead, F_OK) != 0, "a dead writer's %s removed", dead);
        CHECK(access(live, F_OK) == 0 && access(odd, F_OK) == 0, "a live process's and an odd temp name kept");
        remove(live); remove(odd);
    }
    /* an empty file reads as 0 bytes and a non-NULL buffer */
    CHECK(rse__write_file_atomic(path, t_emit_ok, (void *)"") == RSE_STATUS_OK, "empty write");
    CHECK(rse__read_file(path, &buf, &len) == RSE_STATUS_OK && len == 0 && buf, "empty read");
    free(buf);
    CHECK(rse_image_load(path, &back) == RSE_STATUS_TRUNCATED && strcmp(rse_last_error(), "build/test_image_io.ppm: empty input") == 0,
          "empty file message: %s", rse_last_error());
    remove(path);
    rse_image_free(&img);
}

/* Runs the CLI with stdout and stderr sent to /dev/null; returns the exit status. */
static int t_cli(int argc, const char **argv) {
    int so, se, dn, rc;
    fflush(stdout); fflush(stderr);
    so = dup(1); se = dup(2);
    dn = open("/dev/null", O_WRONLY);
    dup2(dn, 1); dup2(dn, 2);
    rc = rse_cli_main(argc, (char **)argv);
    fflush(stdout); fflush(stderr);
    dup2(so, 1); dup2(se, 2);
    close(so); close(se); close(dn);
    return rc;
}

static void test_cli(void) {
    const char *a_help[] = { "rsedit", "--help" }, *a_none[] = { "rsedit" };
    const char *a_bad[] = { "rsedit", "frobnicate" }, *a_ver[] = { "rsedit", "version" };
    const char *a_chelp[] = { "rsedit", "convert", "--help" }, *a_hc[] = { "rsedit", "help", "convert" };
    const char *a_c1[] = { "rsedit", "convert", "tests/fuzz/corpus/image/p3.ppm", "build/test_image_cli.png" };
    const char *a_c16[] = { "rsedit", "convert", "tests/fuzz/corpus/image/p3.ppm", "build/test_image_cli.pgm", "--bits=16" };
    const char *a_cbad[] = { "rsedit", "convert", "tests/corrupt/maxval0.ppm", "build/test_image_cli.png" };
    const char *a_u1[] = { "rsedit", "convert", "only_one.ppm" };
    const char *a_u2[] = { "rsedit", "convert", "a.ppm", "b.bmp", "--bits", "16" };
    const char *a_u3[] = { "rsedit", "convert", "a.ppm", "b.gif" };
    const char *a_u4[] = { "rsedit", "convert", "a.ppm", "b.ppm", "--bits", "9" };
    const char *a_u5[] = { "rsedit", "convert", "a.ppm", "b.ppm", "--frob" };
    rse_image img;
    CHECK(t_cli(2, a_help) == 0 && t_cli(1, a_none) == 2 && t_cli(2, a_bad) == 2 && t_cli(2, a_ver) == 0, "cli help/usage codes");
    CHECK(t_cli(3, a_chelp) == 0 && t_cli(3, a_hc) == 0, "command help");
    CHECK(t_cli(4, a_c1) == 0, "convert ppm -> png");
    CHECK(t_cli(5, a_c16) == 0 && rse_image_load("build/test_image_cli.pgm", &img) == RSE_STATUS_OK && img.c == 1,
          "convert ppm -> 16-bit pgm");
    rse_image_free(&img);
    CHECK(t_cli(4, a_cbad) == 1 && strcmp(rse_last_error(), "tests/corrupt/maxval0.ppm: bad maxval 0 (must be 1..65535)") == 0,
          "bad input exits 1 naming the file: %s", rse_last_error());
    CHECK(t_cli(3, a_u1) == 2 && t_cli(6, a_u2) == 2 && t_cli(4, a_u3) == 2 && t_cli(6, a_u4) == 2 && t_cli(5, a_u5) == 2,
          "convert usage errors exit 2");
    remove("build/test_image_cli.png");
    remove("build/test_image_cli.pgm");
}

/* ---- BMP RLE8 / RLE4 ------------------------------------------------------
   tests/fixtures/bmp/NAME.bmp (tools/make_bmp_rle_fixtures.py, written byte
   by byte) decodes to exactly the 8-bit samples of NAME.txt, which are
   Pillow's pixels or, where Pillow 9.4 slips, its loop with the slip fixed
   (the script says which). Every prefix of one fixture fails cleanly. */
static void test_bmp_rle(void) {
    static const char *names[] = { "rle8_basic", "rle8_no_eob", "rle8_run_past_row", "rle8_abs_wrap",
                                   "rle8_topdown", "rle4_basic", "rle8_delta", "rle4_abs_odd",
                                   "rle8_eob_early", "rle8_delta_past_end" };
    size_t i, k, len;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[256];
        FILE *f;
        int w = 0, h = 0;
        size_t bad = 0;
        rse_image img;
        rse_status st;
        snprintf(path, sizeof path, "tests/fixtures/bmp/%s.txt", names[i]);
        f = fopen(path, "r");
        CHECK(f != 0 && fscanf(f, "%d %d", &w, &h) == 2, "%s readable", path);
        if (!f) continue;
        snprintf(path, sizeof path, "tests/fixtures/bmp/%s.bmp", names[i]);
        st = rse_image_load(path, &img);
        CHECK(st == RSE_STATUS_OK && img.w == w && img.h == h && img.c == 3, "%s: %s", names[i], rse_last_error());
        if (st == RSE_STATUS_OK && img.w == w && img.h == h) {
            for (k = 0; k < (size_t)w * h * 3; k++) {
                unsigned v;
                if (fscanf(f, "%u", &v) != 1 || img.data[k] != (float)v / 255.0f) bad++;
            }
            CHECK(bad == 0, "%s: %zu samples differ", names[i], bad);
        }
        if (st == RSE_STATUS_OK) rse_image_free(&img);
        fclose(f);
    }
    {   /* every prefix: an error or (whole stream) the image, never a crash */
        unsigned char *buf;
        if (rse__read_file("tests/fixtures/bmp/rle8_delta.bmp", &buf, &len) == RSE_STATUS_OK) {
            size_t ok = 0;
            for (k = 0; k <= len; k++) {
                rse_image img;
                if (rse_image_load_mem(buf, k, &img) == RSE_STATUS_OK) { ok++; rse_image_free(&img); }
            }
            /* the image is not full before the end of bitmap, the last 2 bytes */
            CHECK(ok == 1, "rle8_delta: %zu prefixes decode, want only the whole file", ok);
            free(buf);
        }
    }
}

/* ---- the committed corrupt files ------------------------------------------ */

static rse_status t_status_named(const char *s) {
    static const struct { const char *n; rse_status st; } tab[] = {
        { "OK", RSE_STATUS_OK }, { "NOMEM", RSE_STATUS_NOMEM }, { "IO", RSE_STATUS_IO },
        { "BAD_FORMAT", RSE_STATUS_BAD_FORMAT }, { "TRUNCATED", RSE_STATUS_TRUNCATED },
        { "UNSUPPORTED", RSE_STATUS_UNSUPPORTED }, { "LIMIT", RSE_STATUS_LIMIT },
    };
    size_t i;
    for (i = 0; i < sizeof tab / sizeof tab[0]; i++) if (strcmp(tab[i].n, s) == 0) return tab[i].st;
    return (rse_status)1; /* no such status: the check below fails */
}

/* One table of corrupt files (name TAB status TAB message substring, '#'
   comments; the files in tests/corrupt): each load fails with that status
   and a message "path: ...substring...", owns no image, and info (header
   only) fails the same way or passes. Appends "name|" of each row to
   listed; returns the rows. */
static int t_corrupt_table(const char *tsv, char *listed, size_t cap) {
    FILE *f = fopen(tsv, "r");
    char line[512];
    int rows = 0;
    CHECK(f != 0, "%s readable (run from the repo root)", tsv);
    if (!f) return 0;
    while (fgets(line, sizeof line, f)) {
        char *name = line, *stname, *msg, path[600], want[700];
        rse_image img;
        rse_status st, want_st;
        unsigned char *buf;
        size_t len, used = strlen(listed);
        int w, h, c;
        if (line[0] == '#' || line[0] == '\n') continue;
        line[strcspn(line, "\r\n")] = 0;
        stname = strchr(name, '\t');
        msg = stname ? strchr(stname + 1, '\t') : 0;
        CHECK(msg != 0, "%s line '%s' has 3 fields", tsv, line);
        if (!msg) continue;
        *stname++ = 0; *msg++ = 0;
        rows++;
        CHECK(used + strlen(name) + 2 <= cap, "room to list %s", name);
        if (used + strlen(name) + 2 <= cap) rse__fmt(listed + used, cap - used, "%s|", name);
        want_st = t_status_named(stname);
        snprintf(path, sizeof path, "tests/corrupt/%s", name);
        st = rse_image_load(path, &img);
        snprintf(want, sizeof want, "%s: ", path);
        CHECK(st == want_st && !img.data, "%s: status %s, want %s (%s)", name, rse_status_str(st), stname, rse_last_error());
        CHECK(strncmp(rse_last_error(), want, strlen(want)) == 0 && strstr(rse_last_error(), msg) != 0,
              "%s: message '%s' lacks '%s'", name, rse_last_error(), msg);
        rse_image_free(&img);
        /* info must agree with load unless the problem is past the header */
        if (rse__read_file(path, &buf, &len) == RSE_STATUS_OK) {
            st = rse_image_info_mem(buf, len, &w, &h, &c);
            CHECK(st == want_st || st == RSE_STATUS_OK, "%s: info status %s", name, rse_status_str(st));
            RSE_FREE(buf);
        }
    }
    fclose(f);
    return rows;
}

/* Every corrupt file of every format, and every file of tests/corrupt in
   one of the two tables (expected.tsv; the PNG fixtures' corrupt.tsv), so a
   file added without its expected error fails here. */
static void test_corrupt(void) {
    static char listed[16384];
    DIR *d;
    struct dirent *e;
    int rows, png, files = 0;
    listed[0] = 0;
    rows = t_corrupt_table("tests/corrupt/expected.tsv", listed, sizeof listed);
    png = t_corrupt_table("tests/fixtures/png/corrupt.tsv", listed, sizeof listed);
    CHECK(rows >= 85, "expected.tsv lists %d corrupt files", rows);
    CHECK(png >= 15, "the PNG fixtures' corrupt.tsv lists %d files", png);
    d = opendir("tests/corrupt");
    CHECK(d != 0, "tests/corrupt readable");
    while (d && (e = readdir(d)) != 0) {
        char key[300];
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "expected.tsv")) continue;
        files++;
        snprintf(key, sizeof key, "|%s|", e->d_name);
        CHECK(strstr(listed, key + 1) == listed || strstr(listed, key) != 0, "tests/corrupt/%s has a row", e->d_name);
    }
    if (d) closedir(d);
    CHECK(files == rows + png, "%d files in tests/corrupt, %d rows", files, rows + png);
}

/* Every file in a directory loads or fails cleanly (the ASan build makes
   this a replay of the fuzz corpus). Returns the number of files. */
static int t_replay_dir(const char *dir, int *nok) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    *nok = 0;
    if (!d) return -1;
    while ((e = readdir(d)) != 0) {
        char path[1024];
        rse_image img;
        rse_status st;
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        st = rse_image_load(path, &img);
        if (st == RSE_STATUS_OK) {
            t_fbuf b;
            (*nok)++;
            CHECK(t_save(&img, RSE_FORMAT_PNG, 8, &b) == RSE_STATUS_OK, "%s re-encodes", path);
            t_fbuf_free(&b);
        } else {
            CHECK(!img.data && rse_last_error()[0], "%s fails cleanly", path);
        }
        rse_image_free(&img);
        n++;
    }
    closedir(d);
    return n;
}

static void test_fuzz_corpus(void) {
    int nok, n = t_replay_dir("tests/fuzz/corpus/image", &nok);
    CHECK(n > 0, "fuzz corpus present (%d files)", n);
    CHECK(nok >= 14, "the %d seed images decode (%d of %d files)", 14, nok, n);
}

/* ---- the real images -------------------------------------------------------- */

static void test_shared(void) {
    const char *dir = RSE_SHARED "/data/rsi";
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d) { SKIP("no shared images in %s", dir); return; }
    while ((e = readdir(d)) != 0) {
        char path[1024];
        unsigned char *file;
        size_t len, nl = strlen(e->d_name);
        int hw = 0, hh = 0, hm = 0;
        rse_image img, back;
        t_fbuf b;
        if (nl < 5 || strcmp(e->d_name + nl - 4, ".ppm") != 0) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (rse__read_file(path, &file, &len) != RSE_STATUS_OK) { CHECK(0, "read %s", path); continue; }
        sscanf((const char *)file, "P6 %d %d %d", &hw, &hh, &hm); /* the files have no comments */
        CHECK(rse_image_load_mem(file, len, &img) == RSE_STATUS_OK, "%s: %s", path, rse_last_error());
        if (img.data) {
            CHECK(img.w == hw && img.h == hh && img.c == 3 && hm == 255, "%s size %dx%d vs header %dx%d", path, img.w, img.h, hw, hh);
            /* Our writer uses the same "P6\nW H\n255\n" header: byte-exact. */
            CHECK(t_save(&img, RSE_FORMAT_PPM, 8, &b) == RSE_STATUS_OK && b.n == len && memcmp(b.p, file, len) == 0,
                  "%s re-saves byte-exact", path);
            CHECK(rse_image_load_mem(b.p, b.n, &back) == RSE_STATUS_OK && t_same_image(&img, &back), "%s re-loads", path);
            rse_image_free(&back);
            t_fbuf_free(&b);
            rse_image_free(&img);
        }
        free(file);
        n++;
    }
    closedir(d);
    CHECK(n > 0, "found real images in %s", dir);
}

int main(void) {
    test_roundtrips();
    test_quantize();
    test_pnm_text();
    test_bmp_variants();
    test_bmp_rle();
    test_png();
    test_format_from_path();
    test_file_layer();
    test_cli();
    test_corrupt();
    test_fuzz_corpus();
    test_shared();
    return t_report("test_image");
}
