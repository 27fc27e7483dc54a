/* The TIFF reader: every fixture of tests/fixtures/tiff (written by Pillow
   with libtiff, or byte by byte by tools/make_tiff_fixtures.py and checked
   against Pillow where it reads them) decodes to exactly the samples its
   .txt lists, as sample / 255 or / 65535, with the bands it names; the
   georeferencing tags come back as little-endian bytes from both byte
   orders; every corrupt tests/corrupt/tiff_*.tif fails with its listed
   status and message; every prefix of a few fixtures fails cleanly or
   decodes; and the CLI's `info` and `convert --bands`. */
#include "test.h"
#include <dirent.h>

#include "cli.h"

#define TIFF_FIX "tests/fixtures/tiff"

/* Loads TIFF_FIX/NAME.tif as NAME[-SUFFIX].txt says and compares. Returns
   the number of samples compared. */
static size_t t_tiff_fixture(const char *txt) {
    char path[512], tif[512], *dash, bands[64];
    FILE *f;
    int bits, w, h, c, n, k;
    rse_read_options opt;
    rse_image img;
    rse_status st;
    size_t i, bad = 0, total;
    snprintf(path, sizeof path, TIFF_FIX "/%s", txt);
    f = fopen(path, "r");
    CHECK(f != 0, "%s readable", path);
    if (!f) return 0;
    if (fscanf(f, "%d %d %d %d %63s", &bits, &w, &h, &c, bands) != 5) {
        CHECK(0, "%s: bad header", path);
        fclose(f);
        return 0;
    }
    snprintf(tif, sizeof tif, TIFF_FIX "/%s", txt);
    dash = strchr(tif + strlen(TIFF_FIX "/"), '-');
    if (dash) strcpy(dash, ".tif");
    else strcpy(tif + strlen(tif) - 4, ".tif");
    memset(&opt, 0, sizeof opt);
    if (strcmp(bands, "default") != 0) {
        char *p = bands;
        for (n = 0; n < 3 && *p; n++) {
            opt.bands[n] = (int)strtol(p, &p, 10);
            if (*p == ',') p++;
        }
        opt.nbands = n;
    }
    st = rse_image_load_ex(tif, &opt, &img, 0);
    CHECK(st == RSE_STATUS_OK, "%s: %s", txt, rse_last_error());
    if (st != RSE_STATUS_OK) { fclose(f); return 0; }
    CHECK(img.w == w && img.h == h && img.c == c, "%s: %dx%dx%d, want %dx%dx%d", txt, img.w, img.h, img.c, w, h, c);
    total = (size_t)w * h * c;
    for (i = 0; i < total && img.w == w && img.h == h && img.c == c; i++) {
        unsigned v;
        float want;
        if (fscanf(f, "%u", &v) != 1) { bad++; break; }
        want = (float)v / (bits == 8 ? 255.0f : 65535.0f);
        if (img.data[i] != want && bad++ == 0)
            printf("  %s: sample %zu is %.9g, want %u/%d\n", txt, i, img.data[i], v, bits == 8 ? 255 : 65535);
    }
    CHECK(bad == 0, "%s: %zu of %zu samples differ", txt, bad, total);
    /* info agrees with load (default bands only: info knows no options) */
    if (opt.nbands == 0) {
        unsigned char *buf;
        size_t len;
        int iw, ih, ic;
        if (rse__read_file(tif, &buf, &len) == RSE_STATUS_OK) {
            st = rse_image_info_mem(buf, len, &iw, &ih, &ic);
            CHECK(st == RSE_STATUS_OK && iw == w && ih == h && ic == c, "%s: info %dx%dx%d", txt, iw, ih, ic);
            free(buf);
        }
    }
    (void)k;
    rse_image_free(&img);
    fclose(f);
    return total;
}

static void test_tiff_fixtures(void) {
    DIR *d = opendir(TIFF_FIX);
    struct dirent *e;
    int files = 0;
    size_t samples = 0;
    CHECK(d != 0, TIFF_FIX " readable (run from the repo root)");
    if (!d) return;
    while ((e = readdir(d)) != 0) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".txt") != 0) continue;
        samples += t_tiff_fixture(e->d_name);
        files++;
    }
    closedir(d);
    CHECK(files >= 22, "%d fixtures", files);
    printf("tiff fixtures: %d decodes, %zu samples equal\n", files, samples);
}

/* What describe says of a few fixtures: the layouts the file names claim. */
static void test_tiff_describe(void) {
    static const struct {
        const char *name;
        int bands, bits, comp, pred, planar, tw, th, rps, be, big;
    } cases[] = {
        { "o_rgb16_be_tiled_lzw_pred", 3, 16, 5, 2, 1, 16, 16, 0, 1, 0 },
        { "o_rgbn8_planar_deflate", 4, 8, 8, 1, 2, 0, 0, 4, 0, 0 },
        { "o_big_be_rgb8_planar_tiled_lzw", 3, 8, 5, 2, 2, 32, 16, 0, 1, 1 },
        { "o_big_le_band5_16_deflate_pred", 5, 16, 32946, 2, 1, 0, 0, 3, 0, 1 },
        { "o_rgb16_be_strips_packbits", 3, 16, 32773, 1, 1, 0, 0, 7, 1, 0 },
        { "p_rgb8_lzw_pred", 3, 8, 5, 2, 1, 0, 0, 11, 0, 0 },
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        unsigned char *buf;
        size_t len;
        rse_image_desc d;
        rse_geo g;
        snprintf(path, sizeof path, TIFF_FIX "/%s.tif", cases[i].name);
        if (rse__read_file(path, &buf, &len) != RSE_STATUS_OK) { CHECK(0, "%s: %s", path, rse_last_error()); continue; }
        CHECK(rse_image_describe_mem(buf, len, &d, &g) == RSE_STATUS_OK, "%s: %s", path, rse_last_error());
        CHECK(d.format == RSE_FORMAT_TIFF && d.bands == cases[i].bands && d.bits == cases[i].bits &&
              d.compression == cases[i].comp && d.predictor == cases[i].pred && d.planar == cases[i].planar &&
              d.tile_w == cases[i].tw && d.tile_h == cases[i].th && d.rows_per_strip == cases[i].rps &&
              d.big_endian == cases[i].be && d.bigtiff == cases[i].big && d.pages == 1 && g.n == 0,
              "%s: described as bands %d bits %d comp %d pred %d planar %d tiles %dx%d rps %d be %d big %d",
              cases[i].name, d.bands, d.bits, d.compression, d.predictor, d.planar, d.tile_w, d.tile_h,
              d.rows_per_strip, d.big_endian, d.bigtiff);
        rse_geo_free(&g);
        free(buf);
    }
}

/* The eight georeferencing tags: the same little-endian bytes from a
   little- and a big-endian file, with the values the script wrote. */
static void test_tiff_geo(void) {
    static const uint16_t tags[8] = { 33550, 33922, 34264, 34735, 34736, 34737, 42112, 42113 };
    static const uint16_t types[8] = { 12, 12, 12, 3, 12, 2, 2, 2 };
    static const uint64_t counts[8] = { 3, 6, 16, 24, 2, 23, 73, 2 };
    rse_geo le, be;
    rse_image a, b;
    int i;
    CHECK(rse_image_load_ex(TIFF_FIX "/o_geo_le.tif", 0, &a, &le) == RSE_STATUS_OK, "%s", rse_last_error());
    CHECK(rse_image_load_ex(TIFF_FIX "/o_geo_be.tif", 0, &b, &be) == RSE_STATUS_OK, "%s", rse_last_error());
    CHECK(le.n == 8 && be.n == 8, "8 geo tags (%d, %d)", le.n, be.n);
    for (i = 0; i < 8 && i < le.n && i < be.n; i++) {
        CHECK(le.tag[i].tag == tags[i] && le.tag[i].type == types[i] && le.tag[i].count == counts[i],
              "tag %d: %u type %u count %llu", i, le.tag[i].tag, le.tag[i].type, (unsigned long long)le.tag[i].count);
        CHECK(be.tag[i].tag == le.tag[i].tag && be.tag[i].type == le.tag[i].type && be.tag[i].count == le.tag[i].count &&
              be.tag[i].len == le.tag[i].len && memcmp(be.tag[i].data, le.tag[i].data, le.tag[i].len) == 0,
              "tag %u: big-endian file gives the same little-endian bytes", le.tag[i].tag);
    }
    {
        const rse_geo_tag *t = rse_geo_find(&be, 33550), *k = rse_geo_find(&be, 34735), *nd = rse_geo_find(&be, 42113);
        double sx = 0;
        if (t) { uint64_t u = rse__ff_le64(t->data); memcpy(&sx, &u, 8); }
        CHECK(sx == 10.0, "pixel scale x %g", sx);
        CHECK(k && k->len == 48 && rse__ff_le16(k->data + 6) == 5 && rse__ff_le16(k->data + 46) == 32633,
              "GeoKeyDirectory: 5 keys, EPSG 32633 last");
        CHECK(nd && nd->len == 2 && memcmp(nd->data, "0", 2) == 0, "nodata \"0\"");
        CHECK(rse_geo_find(&be, 1234) == 0, "no tag 1234");
    }
    CHECK(a.data && b.data && a.w == b.w && memcmp(a.data, b.data, sizeof(float) * 3 * a.w * a.h) == 0,
          "strips + Deflate and tiles + LZW, LE and BE: the same pixels");
    rse_geo_free(&le);
    CHECK(le.n == 0, "rse_geo_free empties");
    rse_geo_free(&le);       /* twice is fine */
    rse_geo_free(&be);
    rse_image_free(&a);
    rse_image_free(&b);
    /* no geo tags: empty; other formats: empty */
    CHECK(rse_image_load_ex(TIFF_FIX "/p_rgb8_lzw.tif", 0, &a, &le) == RSE_STATUS_OK && le.n == 0, "no geo tags");
    rse_image_free(&a);
}

/* Band options: out of range, a count other than 1 or 3, a non-TIFF. */
static void test_tiff_bands(void) {
    rse_read_options o;
    rse_image img;
    t_buf ppm = { 0, 0, 0 };
    memset(&o, 0, sizeof o);
    o.nbands = 3; o.bands[0] = 1; o.bands[1] = 2; o.bands[2] = 5;
    CHECK(rse_image_load_ex(TIFF_FIX "/o_rgbn8_planar_deflate.tif", &o, &img, 0) == RSE_STATUS_BAD_ARG && !img.data &&
          strstr(rse_last_error(), "band 5 requested, the file has 4 bands"), "band 5 of 4: %s", rse_last_error());
    o.nbands = 2;
    CHECK(rse_image_load_ex(TIFF_FIX "/o_rgbn8_planar_deflate.tif", &o, &img, 0) == RSE_STATUS_BAD_ARG &&
          strstr(rse_last_error(), "must be 1 or 3"), "2 bands: %s", rse_last_error());
    o.nbands = 1; o.bands[0] = 0;
    CHECK(rse_image_load_ex(TIFF_FIX "/p_gray8_lzw.tif", &o, &img, 0) == RSE_STATUS_BAD_ARG, "band 0");
    o.bands[0] = 1;
    CHECK(rse_image_load_ex(TIFF_FIX "/p_gray8_lzw.tif", &o, &img, 0) == RSE_STATUS_OK && img.c == 1, "band 1 of gray");
    rse_image_free(&img);
    t_s(&ppm, "P6 1 1 255\n");
    t_u8(&ppm, 1); t_u8(&ppm, 2); t_u8(&ppm, 3);
    CHECK(rse_image_load_mem_ex(ppm.p, ppm.n, &o, &img, 0) == RSE_STATUS_BAD_ARG &&
          strstr(rse_last_error(), "TIFF input only"), "bands on a PPM: %s", rse_last_error());
    CHECK(rse_image_load_mem_ex(ppm.p, ppm.n, 0, &img, 0) == RSE_STATUS_OK && img.c == 3, "PPM without options");
    rse_image_free(&img);
    free(ppm.p);
}

/* Every prefix and a byte flipped at every position: a clean failure (no
   image owned) or a decode; under ASan (make sanitize) no bad access. */
static void test_tiff_prefixes(void) {
    static const char *names[] = { "o_big_be_rgb8_planar_tiled_lzw", "o_rgb16_be_strips_packbits",
                                   "p_rgb8_lzw_pred", "o_geo_le", "o_big_le_band5_16_deflate_pred" };
    size_t i, n, okp = 0, fails = 0, flips = 0;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[256];
        unsigned char *buf;
        size_t len;
        snprintf(path, sizeof path, TIFF_FIX "/%s.tif", names[i]);
        if (rse__read_file(path, &buf, &len) != RSE_STATUS_OK) { CHECK(0, "%s", path); continue; }
        for (n = 0; n <= len; n++) {
            rse_image img;
            rse_geo g;
            rse_status st = rse_image_load_mem_ex(buf, n, 0, &img, &g);
            if (st == RSE_STATUS_OK) okp++;
            else if (img.data || g.n) fails++;
            rse_image_free(&img);
            rse_geo_free(&g);
        }
        for (n = 0; n < len && n < 4096; n++) {
            rse_image img;
            unsigned char keep = buf[n];
            buf[n] ^= 0x5a;
            if (rse_image_load_mem(buf, len, &img) != RSE_STATUS_OK && img.data) fails++;
            else if (img.data) flips++;
            rse_image_free(&img);
            buf[n] = keep;
        }
        free(buf);
    }
    CHECK(fails == 0, "%zu failed loads left an image or tags", fails);
    CHECK(okp >= 5, "the whole files load (%zu prefixes did)", okp);
    (void)flips;
}

/* A hand-built classic TIFF: 2x2 8-bit gray, one uncompressed strip, in a
   chain of 3 IFDs (3 images); then the chain looped back to the second,
   a next pointer out of the file, and RowsPerStrip 0. */
static void test_tiff_handmade(void) {
    t_buf b = { 0, 0, 0 };
    rse_image img;
    rse_image_desc d;
    static const unsigned char px[4] = { 0, 85, 170, 255 };
    int i;
    t_s(&b, "II"); t_u16(&b, 42); t_u32(&b, 12);
    t_put(&b, px, 4);                   /* strip at 8 */
    t_u16(&b, 7);                       /* IFD at 12 */
    t_u16(&b, 256); t_u16(&b, 3); t_u32(&b, 1); t_u32(&b, 2);
    t_u16(&b, 257); t_u16(&b, 3); t_u32(&b, 1); t_u32(&b, 2);
    t_u16(&b, 258); t_u16(&b, 3); t_u32(&b, 1); t_u32(&b, 8);
    t_u16(&b, 262); t_u16(&b, 3); t_u32(&b, 1); t_u32(&b, 1);
    t_u16(&b, 273); t_u16(&b, 4); t_u32(&b, 1); t_u32(&b, 8);
    t_u16(&b, 278); t_u16(&b, 3); t_u32(&b, 1); t_u32(&b, 2);
    t_u16(&b, 279); t_u16(&b, 4); t_u32(&b, 1); t_u32(&b, 4);
    t_u32(&b, 12 + 2 + 7 * 12 + 4);     /* next IFD: right after */
    for (i = 0; i < 2; i++) {           /* two tiny IFDs, the last ends the chain */
        size_t here = b.n;
        t_u16(&b, 1);
        t_u16(&b, 256); t_u16(&b, 3); t_u32(&b, 1); t_u32(&b, 1);
        t_u32(&b, i == 0 ? (uint32_t)(here + 18) : 0);
    }
    CHECK(rse_image_load_mem(b.p, b.n, &img) == RSE_STATUS_OK && img.c == 1 && img.w == 2 &&
          img.data[1] == 85.0f / 255.0f && img.data[3] == 1.0f, "hand-made 2x2: %s", rse_last_error());
    rse_image_free(&img);
    CHECK(rse_image_describe_mem(b.p, b.n, &d, 0) == RSE_STATUS_OK && d.pages == 3 && d.bits == 8 &&
          d.rows_per_strip == 2, "3 images in the chain (%d)", d.pages);
    /* the last IFD points at the second: a loop */
    t_le32(b.p + b.n - 4, 12 + 2 + 7 * 12 + 4);
    CHECK(rse_image_load_mem(b.p, b.n, &img) == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "IFD loop"),
          "loop back to IFD 2: %s", rse_last_error());
    /* a chain that leaves the file past the first IFD just ends */
    t_le32(b.p + b.n - 4, 1u << 30);
    CHECK(rse_image_describe_mem(b.p, b.n, &d, 0) == RSE_STATUS_OK && d.pages == 3, "bad next pointer ends the chain");
    /* RowsPerStrip 0 */
    b.p[12 + 2 + 5 * 12 + 8] = 0;
    CHECK(rse_image_load_mem(b.p, b.n, &img) == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "RowsPerStrip 0"),
          "RowsPerStrip 0: %s", rse_last_error());
    free(b.p);
}

/* rsedit info and convert --bands. */
static void test_tiff_cli(void) {
    char out[256], ppm[256];
    rse_image a = { 0, 0, 0, 0 }, b = { 0, 0, 0, 0 };
    rse_read_options o;
    sprintf(t_dir, "/tmp/rsedit_tiff_%ld", (long)getpid());
    if (mkdir(t_dir, 0700) != 0) { SKIP("cannot create %s", t_dir); return; }
    CHECK(t_run("info", TIFF_FIX "/o_geo_be.tif", (char *)0) == 0, "info: %s", t_err);
    CHECK(strstr(t_out, "format: TIFF (big-endian)\nsize: 13x11\nbands: 3\nbits: 8\nchannels: 3\n") &&
          strstr(t_out, "compression: LZW (5)\n") && strstr(t_out, "tiles: 16x16\n") &&
          strstr(t_out, "planar: contiguous (1)\n") && strstr(t_out, "pixel scale: 10 10 0\n") &&
          strstr(t_out, "tiepoint: 0 0 0 -> 500000 4600000 0 (1 in all)\n") &&
          strstr(t_out, "geokeys: 5\nepsg: 32633 (projected)\n") && strstr(t_out, "nodata: 0\n") &&
          strstr(t_out, "gdal metadata: 73 bytes\n") && strstr(t_out, "geo ascii: WGS 84 / UTM zone 33N|\n"),
          "info of a GeoTIFF:\n%s", t_out);
    CHECK(t_run("info", TIFF_FIX "/o_big_le_band5_16_deflate_pred.tif", (char *)0) == 0 &&
          strstr(t_out, "(little-endian, BigTIFF)") && strstr(t_out, "bands: 5\nbits: 16\n") &&
          strstr(t_out, "rows per strip: 3\n") && strstr(t_out, "predictor: horizontal (2)\n") &&
          strstr(t_out, "georeferencing: none\n"), "info of a BigTIFF:\n%s", t_out);
    t_path(ppm, "a.ppm");
    CHECK(t_run("convert", TIFF_FIX "/o_rgbn8_planar_deflate.tif", ppm, "--bands", "4,3,2", (char *)0) == 0,
          "convert --bands 4,3,2: %s", t_err);
    memset(&o, 0, sizeof o);
    o.nbands = 3; o.bands[0] = 4; o.bands[1] = 3; o.bands[2] = 2;
    CHECK(rse_image_load(ppm, &a) == RSE_STATUS_OK &&
          rse_image_load_ex(TIFF_FIX "/o_rgbn8_planar_deflate.tif", &o, &b, 0) == RSE_STATUS_OK &&
          a.c == 3 && memcmp(a.data, b.data, sizeof(float) * 3 * a.w * a.h) == 0, "the PPM holds bands 4,3,2");
    rse_image_free(&a);
    rse_image_free(&b);
    CHECK(t_run("info", ppm, (char *)0) == 0 && strstr(t_out, "format: PPM\nsize: 37x21\nbands: 3\nbits: 8\nchannels: 3\n") &&
          !strstr(t_out, "compression"), "info of a PPM:\n%s", t_out);
    t_path(out, "b.png");
    CHECK(t_run("convert", ppm, out, (char *)0) == 0 && t_run("info", out, (char *)0) == 0 &&
          strstr(t_out, "format: PNG\nsize: 37x21\nbands: 3\nbits: 8\n"), "info of a PNG:\n%s", t_out);
    remove(out);
    CHECK(t_run("convert", TIFF_FIX "/p_gray8_lzw.tif", ppm, "--bands", "2", (char *)0) == 1 && t_one_line() &&
          strstr(t_err, "band 2 requested, the file has 1 band "), "--bands 2 of a gray TIFF: %s", t_err);
    CHECK(t_run("convert", ppm, out, "--bands", "1,2,3", (char *)0) == 1 && strstr(t_err, "TIFF input only"),
          "--bands on a PPM: %s", t_err);
    CHECK(t_run("convert", TIFF_FIX "/p_gray8_lzw.tif", ppm, "--bands", "1,2", (char *)0) == 2, "--bands 1,2");
    CHECK(t_run("convert", TIFF_FIX "/p_gray8_lzw.tif", ppm, "--bands", "1,2,3,4", (char *)0) == 2, "--bands of 4");
    CHECK(t_run("convert", TIFF_FIX "/p_gray8_lzw.tif", ppm, "--bands", "x", (char *)0) == 2, "--bands x");
    CHECK(t_run("info", (char *)0) == 2 && t_run("info", ppm, ppm, (char *)0) == 2 &&
          t_run("info", "--json", ppm, (char *)0) == 2, "info usage errors");
    CHECK(t_run("info", "tests/corrupt/tiff_ifd_loop.tif", (char *)0) == 1 && t_one_line() &&
          strstr(t_err, "tiff_ifd_loop.tif: TIFF IFD loop"), "info of a corrupt TIFF: %s", t_err);
    CHECK(t_run("info", "--help", (char *)0) == 0 && strstr(t_out, "usage: rsedit info FILE"), "info --help");
    CHECK(t_run("--help", (char *)0) == 0 && strstr(t_out, "  info "), "info in the command list");
    remove(ppm);
    CHECK(rmdir(t_dir) == 0, "every temporary file removed (%s)", t_dir);
}

/* ---- the TIFF writer ------------------------------------------------------
   Written then read back exactly (8 and 16 bits, gray and RGB, strips and
   256x256 tiles), the layout `info` reports, compression that pays on a
   smooth image and stays bounded on noise, the georeferencing tags carried
   byte for byte by the library and by `convert` (not with --resize), and a
   bad rse_geo refused. */
typedef struct { unsigned char *p; size_t n, cap; } tw_buf;

static int tw_sink(void *ctx, const void *data, size_t n) {
    tw_buf *b = (tw_buf *)ctx;
    if (b->n + n > b->cap) {
        size_t cap = (b->n + n) * 2;
        unsigned char *q = (unsigned char *)realloc(b->p, cap);
        if (!q) return 1;
        b->p = q; b->cap = cap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
    return 0;
}

/* An image whose samples are exact levels of `bits`: smooth gradients in
   one half (which compress), noise in the other (which does not). */
static void tw_image(rse_image *img, int w, int h, int c, int bits, uint32_t seed) {
    unsigned maxv = bits == 16 ? 65535u : 255u;
    size_t i, n = (size_t)w * h * c;
    rse_image_alloc(img, w, h, c);
    for (i = 0; i < n; i++) {
        size_t x = i % (size_t)w, y = i / (size_t)w % (size_t)h;
        unsigned v;
        seed = seed * 1664525u + 1013904223u;
        v = x < (size_t)w / 2 ? (unsigned)((x * 7 + y * 3 + i / ((size_t)w * h) * 50) % (maxv + 1)) : (seed >> 8) % (maxv + 1);
        img->data[i] = (float)v / (float)maxv;
    }
}

static void tw_roundtrip(int w, int h, int c, int bits, int want_tiled) {
    rse_image img, back;
    rse_image_desc d;
    tw_buf b = { 0, 0, 0 };
    rse_status st;
    tw_image(&img, w, h, c, bits, (uint32_t)(w * 31 + h * 7 + c + bits));
    st = rse_image_save_mem(&img, RSE_FORMAT_TIFF, bits, tw_sink, &b);
    CHECK(st == RSE_STATUS_OK, "write %dx%dx%d %d-bit: %s", w, h, c, bits, rse_last_error());
    if (st == RSE_STATUS_OK) {
        st = rse_image_load_mem(b.p, b.n, &back);
        CHECK(st == RSE_STATUS_OK && back.w == w && back.h == h && back.c == c &&
              memcmp(back.data, img.data, sizeof(float) * (size_t)w * h * c) == 0,
              "%dx%dx%d %d-bit reads back exactly: %s", w, h, c, bits, st ? rse_last_error() : "differs");
        if (st == RSE_STATUS_OK) rse_image_free(&back);
        CHECK(rse_image_describe_mem(b.p, b.n, &d, 0) == RSE_STATUS_OK && d.bits == bits && d.bands == c &&
              d.compression == 8 && d.predictor == 2 && d.planar == 1 && !d.big_endian && !d.bigtiff &&
              (want_tiled ? d.tile_w == 256 && d.tile_h == 256 : d.tile_w == 0 && d.rows_per_strip >= 1),
              "%dx%dx%d %d-bit layout: tiles %dx%d, rows per strip %d", w, h, c, bits, d.tile_w, d.tile_h, d.rows_per_strip);
        /* half noise: at most the stored size of the raw samples plus the
           headers; the smooth half must make it smaller than that */
        {   /* tiles count whole: padding repeats the edge, nearly free but not quite */
            size_t pw = want_tiled ? (size_t)(w + 255) / 256 * 256 : (size_t)w;
            size_t ph = want_tiled ? (size_t)(h + 255) / 256 * 256 : (size_t)h, raw = (size_t)w * h * c * (bits / 8);
            CHECK(b.n < raw * 3 / 4 + pw * ph / 16 + 4096, "%dx%dx%d %d-bit: %zu bytes for %zu raw", w, h, c, bits, b.n, raw);
        }
    }
    free(b.p);
    rse_image_free(&img);
}

static int tw_same_geo(const rse_geo *a, const rse_geo *b) {
    int i;
    if (a->n != b->n) return 0;
    for (i = 0; i < a->n; i++)
        if (a->tag[i].tag != b->tag[i].tag || a->tag[i].type != b->tag[i].type || a->tag[i].count != b->tag[i].count ||
            a->tag[i].len != b->tag[i].len || memcmp(a->tag[i].data, b->tag[i].data, a->tag[i].len) != 0)
            return 0;
    return 1;
}

static void test_tiff_write(void) {
    rse_geo g, g2;
    rse_image a, b2;
    tw_buf b = { 0, 0, 0 };
    char out[256], png[256];
    int bits, c;
    for (bits = 8; bits <= 16; bits += 8)
        for (c = 1; c <= 3; c += 2) {
            tw_roundtrip(37, 23, c, bits, 0);           /* strips */
            tw_roundtrip(1100, 300, c, bits, 1);        /* tiles, padded at the right and bottom */
        }
    tw_roundtrip(1, 1, 1, 8, 0);
    tw_roundtrip(1024, 3, 3, 8, 0);                 /* 1024 is still strips */
    tw_roundtrip(5, 1025, 1, 16, 1);
    CHECK(rse_format_from_path("a/b.TIF") == RSE_FORMAT_TIFF && rse_format_from_path("x.tiff") == RSE_FORMAT_TIFF,
          ".tif and .tiff");
    /* geo through the library, both byte orders' tags, then the CLI */
    CHECK(rse_image_load_ex(TIFF_FIX "/o_geo_be.tif", 0, &a, &g) == RSE_STATUS_OK && g.n == 8, "%s", rse_last_error());
    CHECK(rse_image_save_mem_geo(&a, RSE_FORMAT_TIFF, 16, &g, tw_sink, &b) == RSE_STATUS_OK, "%s", rse_last_error());
    CHECK(rse_image_load_mem_ex(b.p, b.n, 0, &b2, &g2) == RSE_STATUS_OK && tw_same_geo(&g, &g2) &&
          memcmp(a.data, b2.data, sizeof(float) * 3 * a.w * a.h) == 0, "geo tags and pixels carried by the library");
    rse_image_free(&b2);
    rse_geo_free(&g2);
    free(b.p);
    {   /* a bad rse_geo: refused, never written */
        rse_geo bad = g;
        uint16_t t = bad.tag[1].tag;
        bad.tag[1].tag = bad.tag[0].tag;
        b.p = 0; b.n = b.cap = 0;
        CHECK(rse_image_save_mem_geo(&a, RSE_FORMAT_TIFF, 8, &bad, tw_sink, &b) == RSE_STATUS_BAD_ARG &&
              strstr(rse_last_error(), "out of order"), "tags out of order: %s", rse_last_error());
        bad.tag[1].tag = t;
        bad.tag[2].len--;
        CHECK(rse_image_save_mem_geo(&a, RSE_FORMAT_TIFF, 8, &bad, tw_sink, &b) == RSE_STATUS_BAD_ARG,
              "a tag's length and count disagree: %s", rse_last_error());
        free(b.p);
    }
    rse_image_free(&a);
    sprintf(t_dir, "/tmp/rsedit_tiffw_%ld", (long)getpid());
    if (mkdir(t_dir, 0700) != 0) { SKIP("cannot create %s", t_dir); rse_geo_free(&g); return; }
    t_path(out, "geo.tif");
    CHECK(t_run("convert", TIFF_FIX "/o_geo_le.tif", out, (char *)0) == 0, "convert GeoTIFF to .tif: %s", t_err);
    CHECK(rse_image_load_ex(out, 0, &a, &g2) == RSE_STATUS_OK && tw_same_geo(&g, &g2), "convert keeps the 8 geo tags");
    rse_image_free(&a);
    rse_geo_free(&g2);
    CHECK(t_run("info", out, (char *)0) == 0 && strstr(t_out, "epsg: 32633 (projected)\n") &&
          strstr(t_out, "compression: Deflate (8)\n"), "info of the written GeoTIFF:\n%s", t_out);
    CHECK(t_run("convert", TIFF_FIX "/o_geo_le.tif", out, "--bits", "16", "--bands", "3", (char *)0) == 0 &&
          rse_image_load_ex(out, 0, &a, &g2) == RSE_STATUS_OK && a.c == 1 && tw_same_geo(&g, &g2),
          "16-bit gray band 3 keeps them too: %s", t_err);
    rse_image_free(&a);
    rse_geo_free(&g2);
    CHECK(t_run("convert", TIFF_FIX "/o_geo_le.tif", out, "--resize", "7x5", (char *)0) == 0 &&
          rse_image_load_ex(out, 0, &a, &g2) == RSE_STATUS_OK && a.w == 7 && g2.n == 0,
          "--resize drops them (the pixel size changed)");
    rse_image_free(&a);
    rse_geo_free(&g2);
    t_path(png, "geo.png");
    CHECK(t_run("convert", TIFF_FIX "/o_geo_le.tif", png, (char *)0) == 0, "GeoTIFF to PNG: %s", t_err);
    CHECK(t_run("convert", png, out, (char *)0) == 0 && rse_image_load_ex(out, 0, &a, &g2) == RSE_STATUS_OK &&
          g2.n == 0, "PNG to TIFF: no geo tags");
    rse_image_free(&a);
    rse_geo_free(&g2);
    CHECK(t_run("convert", png, out, "--bits", "12", (char *)0) == 2, "--bits 12");
    remove(png);
    remove(out);
    rse_geo_free(&g);
    CHECK(rmdir(t_dir) == 0, "every temporary file removed (%s)", t_dir);
}

int main(void) {
    test_tiff_fixtures();
    test_tiff_describe();
    test_tiff_geo();
    test_tiff_bands();
    test_tiff_prefixes();
    test_tiff_handmade();
    test_tiff_cli();
    test_tiff_write();
    return t_report("test_tiff");
}
