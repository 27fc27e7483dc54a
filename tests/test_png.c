/* Tests of the PNG reader and the 16-bit PNG writer:
   - every file of tests/fixtures/png (written by tools/make_png_fixtures.py:
     each colour type x bit depth, Adam7 and not, every filter, palettes with
     tRNS, split IDATs, ancillary chunks) decodes to EXACTLY Pillow's samples.
     The floats are scaled back to integers at the file's depth,
     q = round(v * (2^depth - 1)), and q must equal the samples the script
     encoded ("src", full depth: 16 bits for 16-bit files), and q at Pillow's
     precision must equal Pillow's ("pil"). Pillow 9.4 keeps 16 bits only for
     plain gray; for 16-bit RGB, RGBA and gray+alpha it gives the high byte,
     so there q >> 8 is what is compared with Pillow (and q itself with src,
     which the script asserted agrees with Pillow's high bytes). 1/2/4-bit
     gray: Pillow's 0..255 mapped back to 0..2^d-1 by the script.
   - the corrupt files of tests/fixtures/png/corrupt.tsv (tests/corrupt/png_*)
     fail with their status and message, and own nothing;
   - 8- and 16-bit PNG written by rsedit read back exactly. */
#include "test.h"
#include <math.h>

#define TP_DIR "tests/fixtures/png/"

/* A whole text file, NUL-terminated (harness memory). */
static char *tp_slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    char *s;
    long n;
    if (!f) return 0;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    s = (char *)malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) { free(s); s = 0; }
    if (s) s[n] = 0;
    fclose(f);
    return s;
}

/* Parses "TAG v v v ..." (one line) into vals; returns the count, -1 if the
   tag differs. *p moves past the line. */
static long tp_ints(char **p, const char *tag, long *vals, long cap) {
    char *line = *p, *nl = strchr(line, '\n'), *q;
    long n = 0;
    if (nl) *nl = 0;
    *p = nl ? nl + 1 : line + strlen(line);
    if (strncmp(line, tag, strlen(tag)) != 0) return -1;
    q = line + strlen(tag);
    for (;;) {
        char *end;
        long v = strtol(q, &end, 10);
        if (end == q) break;
        if (n < cap) vals[n] = v;
        n++;
        q = end;
    }
    return n;
}

static void tp_fixtures(void) {
    char *text = tp_slurp(TP_DIR "expected.txt"), *p;
    static long pil[13 * 11 * 3], src[13 * 11 * 3];
    int files = 0, modes_16 = 0, reduced = 0;
    CHECK(text != 0, TP_DIR "expected.txt readable (run from the repository root)");
    if (!text) return;
    p = text;
    while (*p) {
        char name[128], path[256];
        int w, h, c, depth, bits, x, k, bad = 0, iw, ih, ic;
        long npil, nsrc;
        rse_image img;
        double top;
        if (*p == '#') { p = strchr(p, '\n'); p = p ? p + 1 : (char *)""; continue; }
        if (sscanf(p, "png %127s %d %d %d %d %d", name, &w, &h, &c, &depth, &bits) != 6) {
            CHECK(0, "expected.txt: bad record at '%.30s'", p);
            break;
        }
        p = strchr(p, '\n');
        if (!p) break;
        p++;
        npil = tp_ints(&p, "pil ", pil, (long)(sizeof pil / sizeof pil[0]));
        nsrc = tp_ints(&p, "src ", src, (long)(sizeof src / sizeof src[0]));
        CHECK(npil == (long)w * h * c && nsrc == npil && npil <= (long)(sizeof pil / sizeof pil[0]),
              "%s: %ld Pillow and %ld source samples for %dx%dx%d", name, npil, nsrc, w, h, c);
        if (npil != (long)w * h * c || nsrc != npil || npil > (long)(sizeof pil / sizeof pil[0])) continue;
        snprintf(path, sizeof path, TP_DIR "%s", name);
        files++;
        if (depth == 16) modes_16++;
        if (bits < depth) reduced++;
        if (rse_image_load(path, &img) != RSE_STATUS_OK) { CHECK(0, "%s: %s", name, rse_last_error()); continue; }
        CHECK(img.w == w && img.h == h && img.c == c, "%s: %dx%dx%d, want %dx%dx%d", name, img.w, img.h, img.c, w, h, c);
        {   /* info agrees with the load, from the header alone */
            unsigned char *buf;
            size_t len;
            if (rse__read_file(path, &buf, &len) == RSE_STATUS_OK) {
                CHECK(rse_image_info_mem(buf, len, &iw, &ih, &ic) == RSE_STATUS_OK && iw == w && ih == h && ic == c,
                      "%s: info %dx%dx%d", name, iw, ih, ic);
                RSE_FREE(buf);
            }
        }
        if (img.w != w || img.h != h || img.c != c) { rse_image_free(&img); continue; }
        top = (double)((1u << depth) - 1u);
        for (x = 0; x < w * h; x++)
            for (k = 0; k < c; k++) {
                double v = img.data[(size_t)k * w * h + x];
                long q = (long)floor(v * top + 0.5), at = (long)x * c + k;
                /* exact: the float is the nearest to q / top */
                if (q != src[at] || (q >> (depth - bits)) != pil[at] || (float)v != (float)q / (float)top) {
                    if (bad++ < 3)
                        printf("  %s: pixel %d channel %d: %.9g -> %ld, src %ld, Pillow %ld (%d bits)\n",
                               name, x, k, v, q, src[at], pil[at], bits);
                }
            }
        CHECK(bad == 0, "%s: %d samples differ from Pillow's", name, bad);
        rse_image_free(&img);
    }
    free(text);
    CHECK(files >= 50, "expected.txt lists %d files", files);
    CHECK(modes_16 >= 8 && reduced >= 4, "16-bit files %d, reduced by Pillow %d", modes_16, reduced);
}

/* Writes img as PNG at `bits`, reads it back; the second encoding must be
   byte-identical. */
static void tp_roundtrip(int w, int h, int c, int bits, int exact_levels) {
    rse_image img, back;
    t_buf a = { 0, 0, 0 }, b = { 0, 0, 0 };
    size_t i, n = (size_t)w * h * c;
    uint32_t s = 12345u + (uint32_t)(w * 7 + c + bits);
    unsigned maxv = bits == 16 ? 65535u : 255u;
    int bad = 0;
    if (rse_image_alloc(&img, w, h, c) != RSE_STATUS_OK) { CHECK(0, "alloc"); return; }
    for (i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        /* exact levels, or any float (rounded by the writer) */
        img.data[i] = exact_levels ? (float)((s >> 8) % (maxv + 1)) / (float)maxv : (float)(s >> 8) / 16777215.0f;
    }
    img.data[0] = 0.0f; img.data[n - 1] = 1.0f;
    CHECK(rse_image_save_mem(&img, RSE_FORMAT_PNG, bits, t_buf_write, &a) == RSE_STATUS_OK, "save %d-bit: %s", bits, rse_last_error());
    CHECK(a.n > 25 && a.p[24] == bits && a.p[25] == (c == 3 ? 2 : 0), "IHDR says %d bits, colour type %d", a.n > 25 ? a.p[24] : 0, a.n > 25 ? a.p[25] : 0);
    if (rse_image_load_mem(a.p, a.n, &back) != RSE_STATUS_OK) {
        CHECK(0, "load %d-bit %dx%dx%d: %s", bits, w, h, c, rse_last_error());
    } else {
        CHECK(back.w == w && back.h == h && back.c == c, "size back");
        for (i = 0; i < n && back.c == c; i++) {
            float want = (float)rse__quant(img.data[i], maxv) / (float)maxv;
            if (back.data[i] != want || (exact_levels && back.data[i] != img.data[i])) bad++;
        }
        CHECK(bad == 0, "%d-bit %dx%dx%d round trip: %d samples differ", bits, w, h, c, bad);
        CHECK(rse_image_save_mem(&back, RSE_FORMAT_PNG, bits, t_buf_write, &b) == RSE_STATUS_OK &&
              b.n == a.n && memcmp(a.p, b.p, a.n) == 0, "%d-bit re-encoding identical", bits);
        rse_image_free(&back);
    }
    rse_image_free(&img);
    free(a.p); free(b.p);
}

/* The file layer and the CLI choose 16-bit PNG with --bits 16 / bits 16;
   BMP stays 8-bit only. */
static void tp_save_bits(void) {
    rse_image img, back;
    const char *out = "build/test_png_16.png";
    if (rse_image_alloc(&img, 3, 2, 3) != RSE_STATUS_OK) { CHECK(0, "alloc"); return; }
    img.data[0] = 1.0f / 65535.0f;          /* a level 8 bits cannot hold */
    img.data[7] = 0.5f;
    CHECK(rse_image_save_bits(out, &img, 16) == RSE_STATUS_OK, "save_bits 16 png: %s", rse_last_error());
    CHECK(rse_image_load(out, &back) == RSE_STATUS_OK, "load back: %s", rse_last_error());
    if (back.data) {
        CHECK(back.data[0] == 1.0f / 65535.0f && back.data[7] == 32768.0f / 65535.0f, "16-bit levels kept: %.9g %.9g",
              back.data[0], back.data[7]);
        rse_image_free(&back);
    }
    CHECK(rse_image_save_bits("build/test_png_16.bmp", &img, 16) == RSE_STATUS_BAD_ARG, "16-bit BMP refused");
    remove(out);
    rse_image_free(&img);
    {   /* the command line: an interlaced 16-bit RGBA PNG in, 16-bit PNG out,
           every sample kept (alpha dropped) */
        const char *a[] = { "rsedit", "convert", TP_DIR "c6_d16_i.png", "build/test_png_cli.png", "--bits", "16" };
        rse_image in;
        CHECK(rse_cli_main(6, (char **)a) == 0, "rsedit convert --bits 16 to .png: %s", rse_last_error());
        if (rse_image_load(TP_DIR "c6_d16_i.png", &in) == RSE_STATUS_OK) {
            if (rse_image_load("build/test_png_cli.png", &back) == RSE_STATUS_OK) {
                CHECK(back.w == in.w && back.h == in.h && back.c == 3 &&
                      !memcmp(back.data, in.data, (size_t)in.w * in.h * 3 * sizeof(float)), "convert kept 16 bits");
                rse_image_free(&back);
            } else CHECK(0, "convert output: %s", rse_last_error());
            rse_image_free(&in);
        } else CHECK(0, "c6_d16_i.png: %s", rse_last_error());
        remove("build/test_png_cli.png");
    }
}

int main(void) {
    int c;
    tp_fixtures();
    for (c = 1; c <= 3; c += 2) {
        tp_roundtrip(13, 11, c, 8, 1);
        tp_roundtrip(13, 11, c, 16, 1);
        tp_roundtrip(7, 5, c, 16, 0);
        tp_roundtrip(300, 230, c, 16, 0);   /* several stored blocks / IDATs */
    }
    tp_save_bits();
    return t_report("test_png");
}
