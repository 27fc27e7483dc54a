/* The JPEG reader: every fixture of tests/fixtures/jpeg (written by
   Pillow, with jpegtran for restart markers and marker surgery for 4:4:0
   and the Adobe/RGB colour spaces, by tools/make_jpeg_fixtures.py) decodes
   to Pillow's (libjpeg-turbo's) samples within JPEG_MAX_DIFF levels (the
   reader follows libjpeg's islow IDCT, fancy upsampling and colour tables,
   so the bound is 0); every corrupt tests/corrupt/jpeg_*.jpg fails with
   its listed status and message; every prefix and byte flip of a few
   fixtures fails cleanly or decodes; info and describe agree with load. */
#include "test.h"
#include <dirent.h>

#include "cli.h"

#define JPEG_FIX "tests/fixtures/jpeg"
/* The largest difference allowed from Pillow's decode, in 0..255 levels. */
#define JPEG_MAX_DIFF 0

static int t_jpeg_maxdiff;
static double t_jpeg_sumdiff;
static size_t t_jpeg_samples;

/* Loads JPEG_FIX/NAME.jpg, compares it with NAME.txt and adds to the
   statistics above. */
static void t_jpeg_fixture(const char *txt) {
    char path[512], jpg[512];
    FILE *f;
    int w, h, c, maxd = 0;
    rse_image img;
    rse_status st;
    size_t i, total, bad = 0;
    snprintf(path, sizeof path, JPEG_FIX "/%s", txt);
    snprintf(jpg, sizeof jpg, JPEG_FIX "/%s", txt);
    strcpy(jpg + strlen(jpg) - 4, ".jpg");
    f = fopen(path, "r");
    CHECK(f != 0, "%s readable", path);
    if (!f) return;
    if (fscanf(f, "%d %d %d", &w, &h, &c) != 3) { CHECK(0, "%s: bad header", path); fclose(f); return; }
    st = rse_image_load(jpg, &img);
    CHECK(st == RSE_STATUS_OK, "%s: %s", jpg, rse_last_error());
    if (st != RSE_STATUS_OK) { fclose(f); return; }
    CHECK(img.w == w && img.h == h && img.c == c, "%s: %dx%dx%d, want %dx%dx%d", txt, img.w, img.h, img.c, w, h, c);
    total = (size_t)w * h * c;
    for (i = 0; i < total && img.w == w && img.h == h && img.c == c; i++) {
        unsigned v;
        int got, d;
        if (fscanf(f, "%u", &v) != 1) { bad++; break; }
        got = (int)(img.data[i] * 255.0f + 0.5f);
        if (img.data[i] != (float)got / 255.0f) bad++;   /* every sample is a level / 255 */
        d = got > (int)v ? got - (int)v : (int)v - got;
        if (d > maxd) maxd = d;
        t_jpeg_sumdiff += d;
        if (d > JPEG_MAX_DIFF && bad++ == 0)
            printf("  %s: sample %zu (channel %zu, row %zu, column %zu) is %d, Pillow %u\n", txt, i,
                   i / ((size_t)w * h), i / w % h, i % w, got, v);
    }
    t_jpeg_samples += total;
    if (maxd > t_jpeg_maxdiff) t_jpeg_maxdiff = maxd;
    CHECK(bad == 0, "%s: %zu of %zu samples differ by more than %d (largest %d)", txt, bad, total, JPEG_MAX_DIFF, maxd);
    {   /* info and describe agree with load */
        unsigned char *buf;
        size_t len;
        int iw, ih, ic;
        rse_image_desc d;
        if (rse__read_file(jpg, &buf, &len) == RSE_STATUS_OK) {
            st = rse_image_info_mem(buf, len, &iw, &ih, &ic);
            CHECK(st == RSE_STATUS_OK && iw == w && ih == h && ic == c, "%s: info %dx%dx%d", txt, iw, ih, ic);
            st = rse_image_describe_mem(buf, len, &d, 0);
            CHECK(st == RSE_STATUS_OK && d.format == RSE_FORMAT_JPEG && d.w == w && d.h == h && d.c == c &&
                  d.bands == c && d.bits == 8, "%s: describe", txt);
            free(buf);
        }
    }
    rse_image_free(&img);
    fclose(f);
}

static void test_jpeg_fixtures(void) {
    DIR *d = opendir(JPEG_FIX);
    struct dirent *e;
    int files = 0;
    CHECK(d != 0, JPEG_FIX " readable (run from the repo root)");
    if (!d) return;
    while ((e = readdir(d)) != 0) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".txt") != 0) continue;
        t_jpeg_fixture(e->d_name);
        files++;
    }
    closedir(d);
    CHECK(files >= 40, "%d fixtures", files);
    printf("jpeg fixtures: %d decodes, %zu samples; against Pillow: max |diff| %d levels, mean %.4f\n", files,
           t_jpeg_samples, t_jpeg_maxdiff, t_jpeg_samples ? t_jpeg_sumdiff / (double)t_jpeg_samples : 0.0);
}

/* Every prefix and a byte flipped at every position: a clean failure (no
   image owned) or a decode; under ASan (make sanitize) no bad access. */
static void test_jpeg_prefixes(void) {
    static const char *names[] = { "s420_17x13", "p420_33x21", "rst1_p420_33x21", "s440_13x17", "pgray_17x13" };
    size_t i, n, okp = 0, fails = 0;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[256];
        unsigned char *buf;
        size_t len;
        snprintf(path, sizeof path, JPEG_FIX "/%s.jpg", names[i]);
        if (rse__read_file(path, &buf, &len) != RSE_STATUS_OK) { CHECK(0, "%s", path); continue; }
        for (n = 0; n <= len; n++) {
            rse_image img;
            rse_status st = rse_image_load_mem(buf, n, &img);
            if (st == RSE_STATUS_OK) okp++;
            else if (img.data || !rse_last_error()[0]) fails++;
            rse_image_free(&img);
        }
        for (n = 0; n < len; n++) {
            rse_image img;
            unsigned char keep = buf[n];
            buf[n] ^= 0x5a;
            if (rse_image_load_mem(buf, len, &img) != RSE_STATUS_OK && img.data) fails++;
            rse_image_free(&img);
            buf[n] = keep;
        }
        free(buf);
    }
    CHECK(fails == 0, "%zu failed loads left an image", fails);
    CHECK(okp == sizeof names / sizeof names[0], "only the whole files load (%zu prefixes did)", okp);
}

/* The CLI: info names the format; convert writes what load reads. */
static void test_jpeg_cli(void) {
    CHECK(t_run("info", JPEG_FIX "/s420_33x21.jpg", (char *)0) == 0 &&
          strstr(t_out, "format: JPEG\nsize: 33x21\nbands: 3\nbits: 8\nchannels: 3\n"), "info of a JPEG:\n%s%s", t_out, t_err);
    CHECK(t_run("info", "tests/corrupt/jpeg_arith.jpg", (char *)0) == 1 && t_one_line() &&
          strstr(t_err, "arithmetic-coded JPEG"), "info of an arithmetic-coded JPEG: %s", t_err);
}

int main(void) {
    test_jpeg_fixtures();
    test_jpeg_prefixes();
    test_jpeg_cli();
    return t_report("test_jpeg");
}
