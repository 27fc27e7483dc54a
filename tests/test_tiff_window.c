/* Scenes larger than memory (issue 21): windows of TIFF files read through
   a source, and windows written back into their scene.
   - every TIFF fixture, and two generated multi-MB scenes (3000x2000 RGB
     Deflate tiles with georeferencing; 2500x1500 big-endian 16-bit gray
     uncompressed strips), read by window equal the whole decode cropped;
   - a window written back (rse_image_save_window) leaves every sample
     outside it, in every band, as it was, puts the window's pixels inside
     (the chosen bands only), keeps the georeferencing, and copies the
     untouched tiles' compressed bytes as they are when the compression
     allows;
   - what is allocated stays bounded: a counting allocator (RSE_MALLOC) holds
     the peak of a 256x256 window read and of the write-back of the 3000x2000
     scene to a few MB, where the decoded scene would be 72 MB;
   - a window edit with a tiny model through the library and the command
     line gives, sample for sample, what the in-memory window edit gives;
   - hostile files (tests/corrupt/tiff_*.tif, a failing source) fail with
     one message naming the file. */
#if !defined(_POSIX_C_SOURCE) && !defined(_WIN32)
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdlib.h>
#include <stddef.h>

/* The allocator: every block carries its size, so the live bytes and
   their peak are known. One thread only (rse_set_threads stays 1). */
static size_t pk_live, pk_peak;
static long pk_count, pk_fail_at;      /* allocation pk_fail_at (1-based) fails; 0: none */
static void pk_note(void) { if (pk_live > pk_peak) pk_peak = pk_live; }
static void *pk_malloc(size_t n) {
    size_t *p;
    if (++pk_count == pk_fail_at) return 0;
    p = (size_t *)malloc(n + 16);
    if (!p) return 0;
    p[0] = n; pk_live += n; pk_note();
    return (char *)p + 16;
}
static void *pk_realloc(void *q, size_t n) {
    size_t *p, *r, old;
    if (!q) return pk_malloc(n);
    if (++pk_count == pk_fail_at) return 0;
    p = (size_t *)((char *)q - 16);
    old = p[0];
    if (!(r = (size_t *)realloc(p, n + 16))) return 0;
    r[0] = n; pk_live = pk_live - old + n; pk_note();
    return (char *)r + 16;
}
static void pk_free(void *q) {
    size_t *p;
    if (!q) return;
    p = (size_t *)((char *)q - 16);
    pk_live -= p[0];
    free(p);
}
#define RSE_MALLOC(sz) pk_malloc(sz)
#define RSE_REALLOC(p, sz) pk_realloc(p, sz)
#define RSE_FREE(p) pk_free(p)

#include "test.h"
#include <dirent.h>
#include "cli.h"

#define TIFF_FIX "tests/fixtures/tiff"

/* Starts a peak measurement: returns the live bytes now. */
static size_t pk_start(void) { pk_peak = pk_live; return pk_live; }

static int tw_same(const rse_image *a, const rse_image *b) {
    return a->w == b->w && a->h == b->h && a->c == b->c &&
           !memcmp(a->data, b->data, (size_t)a->w * a->h * a->c * sizeof(float));
}

static char *tw_path(const char *name) {
    static char p[16][512];
    static int k;
    k = (k + 1) & 15;
    snprintf(p[k], sizeof p[k], "%s/%s", t_dir, name);
    return p[k];
}

/* A window of path read through the source equals the crop of the whole
   decode `full` (loaded with the same options). */
static int tw_window_ok(const char *path, const rse_image *full, const rse_read_options *opt, const rse_roi *w) {
    rse_image a, b;
    int ok;
    if (rse_image_load_window(path, w, opt, &a, 0) != RSE_STATUS_OK) {
        printf("  %s window %dx%d+%d+%d: %s\n", path, w->w, w->h, w->x, w->y, rse_last_error());
        return 0;
    }
    rse_image_crop(full, w, &b);
    ok = tw_same(&a, &b);
    if (!ok) printf("  %s window %dx%d+%d+%d differs from the crop\n", path, w->w, w->h, w->x, w->y);
    rse_image_free(&a);
    rse_image_free(&b);
    return ok;
}

/* Windows of an image of W x H: the whole, the corners, and some from a
   fixed LCG. */
static int tw_windows(int W, int H, rse_roi *r, int max) {
    uint32_t s = (uint32_t)(W * 31 + H);
    int n = 0, i;
    r[n].x = 0; r[n].y = 0; r[n].w = W; r[n].h = H; n++;
    r[n].x = 0; r[n].y = 0; r[n].w = 1; r[n].h = 1; n++;
    r[n].x = W - 1; r[n].y = H - 1; r[n].w = 1; r[n].h = 1; n++;
    for (i = n; i < max; i++) {
        s = s * 1664525u + 1013904223u; r[i].w = 1 + (int)(s >> 8) % W;
        s = s * 1664525u + 1013904223u; r[i].h = 1 + (int)(s >> 8) % H;
        s = s * 1664525u + 1013904223u; r[i].x = (int)(s >> 8) % (W - r[i].w + 1);
        s = s * 1664525u + 1013904223u; r[i].y = (int)(s >> 8) % (H - r[i].h + 1);
    }
    return max;
}

/* ---- windowed reads of the fixtures --------------------------------------- */

static void test_fixture_windows(void) {
    DIR *d = opendir(TIFF_FIX);
    struct dirent *e;
    int files = 0, bad = 0, wins = 0;
    CHECK(d != 0, TIFF_FIX " readable");
    while (d && (e = readdir(d)) != 0) {
        char path[600];
        rse_image full;
        rse_image_desc desc;
        rse_geo g1, g2;
        rse_roi r[12];
        rse_read_options opt;
        int i, n, k, pass;
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".tif")) continue;
        snprintf(path, sizeof path, TIFF_FIX "/%s", e->d_name);
        for (pass = 0; pass < 2; pass++) {
            memset(&opt, 0, sizeof opt);
            if (pass == 1) {          /* bands 4,3,2 of the files that have them */
                if (rse_image_describe(path, &desc, 0) != RSE_STATUS_OK || desc.bands < 4) break;
                opt.nbands = 3; opt.bands[0] = 4; opt.bands[1] = 3; opt.bands[2] = 2;
            }
            if (rse_image_load_ex(path, &opt, &full, &g1) != RSE_STATUS_OK) { CHECK(0, "%s: %s", path, rse_last_error()); break; }
            n = tw_windows(full.w, full.h, r, 12);
            for (i = 0; i < n; i++, wins++) bad += !tw_window_ok(path, &full, &opt, &r[i]);
            /* the georeferencing comes back the same from both readers */
            rse_image_free(&full);
            if (rse_image_load_window(path, &r[1], &opt, &full, &g2) == RSE_STATUS_OK) {
                int same = g1.n == g2.n;
                for (k = 0; same && k < g1.n; k++)
                    same = g1.tag[k].tag == g2.tag[k].tag && g1.tag[k].len == g2.tag[k].len &&
                           !memcmp(g1.tag[k].data, g2.tag[k].data, g1.tag[k].len);
                CHECK(same, "%s: the same georeferencing by window (%d tags, %d)", path, g1.n, g2.n);
                rse_image_free(&full);
            }
            rse_geo_free(&g1);
            rse_geo_free(&g2);
        }
        files++;
    }
    if (d) closedir(d);
    CHECK(files >= 20 && bad == 0, "%d fixtures, %d windows read: %d differ from the whole decode cropped", files, wins, bad);
}

/* ---- generated scenes ------------------------------------------------------ */

/* A 3000x2000 RGB scene at exact 8-bit levels: smooth fields with noise, so
   Deflate has something to do. */
static void tw_scene_rgb(rse_image *img) {
    uint32_t s = 7;
    int x, y, c;
    rse_image_alloc(img, 3000, 2000, 3);
    for (c = 0; c < 3; c++)
        for (y = 0; y < 2000; y++)
            for (x = 0; x < 3000; x++) {
                int v = ((x / 97 + y / 61 + c * 3) % 7) * 30 + (int)((s = s * 1664525u + 1013904223u) >> 28);
                img->data[((size_t)c * 2000 + y) * 3000 + x] = (float)v / 255.0f;
            }
}

/* A big-endian uncompressed striped 16-bit gray TIFF (W x H, 7 rows per
   strip), built byte by byte; *full gets its pixels. */
static void tw_write_be16(const char *path, int W, int H, rse_image *full) {
    t_buf b = { 0, 0, 0 };
    int rps = 7, ns = (H + rps - 1) / rps, i, x, y;
    uint32_t s = 99, ifd, offs, cnts, data;
    FILE *f;
#define BE16(v) do { t_u8(&b, (v) >> 8); t_u8(&b, (v) & 255); } while (0)
#define BE32(v) do { BE16((uint32_t)(v) >> 16); BE16((uint32_t)(v) & 0xFFFF); } while (0)
#define ENT(tag, type, n, v) do { BE16(tag); BE16(type); BE32(n); if ((type) == 3 && (n) == 1) { BE16(v); BE16(0); } else BE32(v); } while (0)
    rse_image_alloc(full, W, H, 1);
    t_s(&b, "MM"); BE16(42);
    ifd = 8; BE32(ifd);
    offs = 8 + 2 + 10 * 12 + 4; cnts = offs + 4 * ns; data = cnts + 4 * ns;
    BE16(10);
    ENT(256, 4, 1, W); ENT(257, 4, 1, H); ENT(258, 3, 1, 16); ENT(259, 3, 1, 1); ENT(262, 3, 1, 1);
    ENT(273, 4, ns, offs); ENT(277, 3, 1, 1); ENT(278, 4, 1, rps); ENT(279, 4, ns, cnts); ENT(284, 3, 1, 1);
    BE32(0);
    for (i = 0; i < ns; i++) BE32(data + (uint32_t)i * W * rps * 2);
    for (i = 0; i < ns; i++) BE32((uint32_t)(W * 2 * (i == ns - 1 ? H - i * rps : rps)));
    for (y = 0; y < H; y++)
        for (x = 0; x < W; x++) {
            unsigned v = (unsigned)((x * 13 + y * 7) & 0xFFFF) ^ ((s = s * 1664525u + 1013904223u) >> 26);
            BE16(v);
            full->data[(size_t)y * W + x] = (float)v / 65535.0f;
        }
#undef ENT
#undef BE32
#undef BE16
    f = fopen(path, "wb");
    CHECK(f && fwrite(b.p, 1, b.n, f) == b.n && fclose(f) == 0, "wrote %s", path);
    free(b.p);
}

static void test_scene_windows(void) {
    rse_image img, full, w;
    rse_geo geo;
    rse_roi r[12], big;
    size_t base;
    int i, n, bad = 0;
    const char *tif = tw_path("scene.tif"), *be = tw_path("be16.tif");
    /* the georeferencing of a fixture, for the scene */
    CHECK(rse_image_load_ex(TIFF_FIX "/o_geo_le.tif", 0, &img, &geo) == RSE_STATUS_OK && geo.n > 0, "geo fixture");
    rse_image_free(&img);
    tw_scene_rgb(&img);
    CHECK(rse_image_save_geo(tif, &img, 8, &geo) == RSE_STATUS_OK, "scene written: %s", rse_last_error());
    rse_geo_free(&geo);
    CHECK(rse_image_load_ex(tif, 0, &full, 0) == RSE_STATUS_OK && tw_same(&full, &img), "the scene reads back");
    n = tw_windows(3000, 2000, r, 12);
    r[3].x = 1000; r[3].y = 700; r[3].w = 256; r[3].h = 256;
    r[4].x = 2744; r[4].y = 1744; r[4].w = 256; r[4].h = 256;
    for (i = 0; i < n; i++) bad += !tw_window_ok(tif, &full, 0, &r[i]);
    CHECK(bad == 0, "3000x2000 tiled Deflate: %d of %d windows differ from the crop", bad, n);
    /* what a 256x256 window read allocates: the window, one tile, the
       cache; not the 72 MB the scene decodes to */
    big.x = 1000; big.y = 700; big.w = 256; big.h = 256;
    base = pk_start();
    CHECK(rse_image_load_window(tif, &big, 0, &w, 0) == RSE_STATUS_OK, "window read");
    CHECK(pk_peak - base < ((size_t)2 << 20), "a 256x256 window of the 3000x2000 scene: %zu bytes at the peak", pk_peak - base);
    printf("  256x256 window read: peak %zu bytes allocated (the scene decoded: %zu)\n", pk_peak - base,
           (size_t)3000 * 2000 * 3 * sizeof(float));
    rse_image_free(&w);
    rse_image_free(&full);
    rse_image_free(&img);

    tw_write_be16(be, 2500, 1500, &img);
    CHECK(rse_image_load_ex(be, 0, &full, 0) == RSE_STATUS_OK && tw_same(&full, &img), "big-endian strips read back: %s",
          rse_last_error());
    n = tw_windows(2500, 1500, r, 12);
    for (bad = 0, i = 0; i < n; i++) bad += !tw_window_ok(be, &full, 0, &r[i]);
    CHECK(bad == 0, "2500x1500 16-bit strips: %d of %d windows differ from the crop", bad, n);
    rse_image_free(&full);
    rse_image_free(&img);
}

/* ---- writing a window back ----------------------------------------------- */

/* Writes the window win of `in` back with new pixels (1 - the old, a
   different level everywhere) in the bands of opt, then checks every band
   of the output against the input: equal outside the window and in the
   bands not chosen, the new level inside. Returns 1 if all agree. */
static int tw_write_back(const char *in, const char *out, const rse_read_options *opt, const rse_roi *win) {
    rse_image pix, a, b;
    rse_image_desc d;
    rse_read_options one;
    int band, k, x, y, ok = 1, nb, chosen[3];
    unsigned maxv;
    if (rse_image_load_window(in, win, opt, &pix, 0) != RSE_STATUS_OK) { printf("  %s: %s\n", in, rse_last_error()); return 0; }
    for (k = 0; k < pix.w * pix.h * pix.c; k++) pix.data[k] = 1.0f - pix.data[k];
    if (rse_image_save_window(out, in, opt, win, &pix) != RSE_STATUS_OK) {
        printf("  %s: %s\n", in, rse_last_error());
        rse_image_free(&pix);
        return 0;
    }
    rse_image_describe(in, &d, 0);
    maxv = d.bits == 16 ? 65535u : 255u;
    nb = opt && opt->nbands ? opt->nbands : d.bands >= 3 ? 3 : 1;
    for (k = 0; k < 3; k++) chosen[k] = opt && opt->nbands ? opt->bands[k] : d.bands >= 3 ? k + 1 : 1;
    for (band = 1; band <= d.bands && ok; band++) {
        int ch = -1;
        for (k = 0; k < nb; k++) if (chosen[k] == band) ch = k;
        memset(&one, 0, sizeof one);
        one.nbands = 1; one.bands[0] = band;
        if (rse_image_load_ex(in, &one, &a, 0) != RSE_STATUS_OK || rse_image_load_ex(out, &one, &b, 0) != RSE_STATUS_OK) {
            printf("  %s band %d: %s\n", out, band, rse_last_error());
            rse_image_free(&a);
            ok = 0;
            break;
        }
        for (y = 0; y < a.h && ok; y++)
            for (x = 0; x < a.w && ok; x++) {
                size_t i = (size_t)y * a.w + x;
                int inside = x >= win->x && x < win->x + win->w && y >= win->y && y < win->y + win->h;
                float want = a.data[i];
                if (inside && ch >= 0)
                    want = (float)rse__quant(pix.data[((size_t)(pix.c == 1 ? 0 : ch) * win->h + y - win->y) * win->w + x - win->x],
                                             maxv) / (float)maxv;
                if (b.data[i] != want) {
                    printf("  %s band %d at %d,%d: %.6f, want %.6f (%s)\n", out, band, x, y, b.data[i], want,
                           inside ? "inside" : "outside");
                    ok = 0;
                }
            }
        rse_image_free(&a);
        rse_image_free(&b);
    }
    rse_image_free(&pix);
    return ok;
}

static void test_fixture_write_back(void) {
    DIR *d = opendir(TIFF_FIX);
    struct dirent *e;
    int files = 0, bad = 0;
    while (d && (e = readdir(d)) != 0) {
        char path[600];
        rse_image_desc desc;
        rse_read_options opt;
        rse_roi win;
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".tif")) continue;
        snprintf(path, sizeof path, TIFF_FIX "/%s", e->d_name);
        if (rse_image_describe(path, &desc, 0) != RSE_STATUS_OK) { CHECK(0, "%s: %s", path, rse_last_error()); continue; }
        win.x = desc.w / 4; win.y = desc.h / 3; win.w = desc.w / 2 > 0 ? desc.w / 2 : 1; win.h = desc.h / 2 > 0 ? desc.h / 2 : 1;
        bad += !tw_write_back(path, tw_path("fix_out.tif"), 0, &win);
        if (desc.bands >= 4) {
            memset(&opt, 0, sizeof opt);
            opt.nbands = 3; opt.bands[0] = 4; opt.bands[1] = 3; opt.bands[2] = 2;
            bad += !tw_write_back(path, tw_path("fix_out.tif"), &opt, &win);
            opt.nbands = 1; opt.bands[0] = 4;
            bad += !tw_write_back(path, tw_path("fix_out.tif"), &opt, &win);
        }
        files++;
    }
    if (d) closedir(d);
    CHECK(files >= 20 && bad == 0, "%d fixtures written back through a window: %d wrong", files, bad);
}

/* The generated scenes: pixels, georeferencing, untouched tiles copied
   byte for byte, and the peak of the write. */
static void test_scene_write_back(void) {
    const char *tif = tw_path("scene.tif"), *out = tw_path("scene_out.tif"), *be = tw_path("be16.tif");
    rse_roi win;
    rse_image pix;
    rse_geo g1, g2;
    rse_image_desc d;
    unsigned char *b1, *b2;
    size_t l1, l2, k, base, copied = 0, touched = 0, same = 0;
    int ok = 1;
    win.x = 1000; win.y = 700; win.w = 256; win.h = 256;
    CHECK(tw_write_back(tif, out, 0, &win), "3000x2000 tiled Deflate: the window written back, the rest as it was");
    /* the write's peak, for new pixels of a 256x256 window */
    CHECK(rse_image_load_window(tif, &win, 0, &pix, 0) == RSE_STATUS_OK, "window read");
    base = pk_start();
    CHECK(rse_image_save_window(out, tif, 0, &win, &pix) == RSE_STATUS_OK, "write back: %s", rse_last_error());
    CHECK(pk_peak - base < ((size_t)4 << 20), "writing the 3000x2000 scene back: %zu bytes at the peak", pk_peak - base);
    printf("  write-back of the 3000x2000 scene: peak %zu bytes allocated\n", pk_peak - base);
    rse_image_free(&pix);
    CHECK(rse_image_describe(out, &d, &g2) == RSE_STATUS_OK && d.w == 3000 && d.h == 2000 && d.tile_w == 256 &&
          d.compression == 8 && d.predictor == 2, "the output has the input's layout");
    rse_image_describe(tif, &d, &g1);
    ok = g1.n == g2.n && g1.n > 0;
    for (k = 0; ok && k < (size_t)g1.n; k++)
        ok = g1.tag[k].tag == g2.tag[k].tag && g1.tag[k].len == g2.tag[k].len && !memcmp(g1.tag[k].data, g2.tag[k].data, g1.tag[k].len);
    CHECK(ok, "the georeferencing is kept (%d tags)", g1.n);
    rse_geo_free(&g1); rse_geo_free(&g2);
    /* every tile the window does not meet: the same compressed bytes */
    if (rse__read_file(tif, &b1, &l1) == RSE_STATUS_OK && rse__read_file(out, &b2, &l2) == RSE_STATUS_OK) {
        rse__tiff t1, t2;
        CHECK(rse__tiff_open(&t1, b1, l1) == RSE_STATUS_OK && rse__tiff_open(&t2, b2, l2) == RSE_STATUS_OK &&
              t1.nchunks == t2.nchunks, "both open");
        for (k = 0; k < t1.nchunks && t1.nchunks == t2.nchunks; k++) {
            uint64_t o1, n1, o2, n2;
            size_t need;
            rse_roi r;
            uint32_t pl;
            rse__tiff_chunk_rect(&t1, k, &r, &pl);
            if (rse__tiff_chunk(&t1, k, &o1, &n1, &need) || rse__tiff_chunk(&t2, k, &o2, &n2, &need)) { ok = 0; break; }
            if (r.x + r.w <= win.x || r.x >= win.x + win.w || r.y + r.h <= win.y || r.y >= win.y + win.h) {
                copied++;
                same += n1 == n2 && !memcmp(b1 + o1, b2 + o2, (size_t)n1);
            } else touched++;
        }
        CHECK(copied > 0 && same == copied && touched == 4, "%zu of %zu tiles away from the window copied byte for byte; %zu re-encoded",
              same, copied, touched);
        RSE_FREE(b1); RSE_FREE(b2);
    }
    /* big-endian 16-bit strips: re-encoded (Deflate), the samples kept */
    win.x = 100; win.y = 95; win.w = 300; win.h = 40;
    CHECK(tw_write_back(be, tw_path("be_out.tif"), 0, &win), "big-endian 16-bit strips written back");
    CHECK(rse_image_describe(tw_path("be_out.tif"), &d, 0) == RSE_STATUS_OK && d.compression == 8 && d.rows_per_strip == 7 &&
          d.bits == 16 && !d.big_endian, "re-encoded as little-endian Deflate in the same strips");
}

/* Every allocation of a window read and of a write-back, failed in turn:
   each failure is RSE_STATUS_NOMEM, frees all it took, leaves no file. */
static void test_alloc_failures(void) {
    const char *tif = tw_path("scene.tif"), *out = tw_path("nomem.tif");
    rse_roi win = { 900, 600, 300, 300 };
    rse_image img, pix;
    size_t base;
    long k;
    int bad = 0, n = 0, pass;
    CHECK(rse_image_load_window(tif, &win, 0, &pix, 0) == RSE_STATUS_OK, "window");
    for (pass = 0; pass < 2; pass++)
        for (k = 1; k < 1000; k++) {
            rse_status st;
            base = pk_live;
            pk_count = 0; pk_fail_at = k;
            st = pass == 0 ? rse_image_load_window(tif, &win, 0, &img, 0) : rse_image_save_window(out, tif, 0, &win, &pix);
            pk_fail_at = 0;
            if (pass == 0 && st == RSE_STATUS_OK) rse_image_free(&img);
            if (st == RSE_STATUS_OK) break;
            n++;
            if (st != RSE_STATUS_NOMEM || pk_live != base || (pass == 0 && img.data) || t_have_file(out)) {
                printf("  %s, allocation %ld failed: %s (%s), %zu bytes kept\n", pass ? "write-back" : "window read", k,
                       rse_status_str(st), rse_last_error(), pk_live - base);
                bad++;
            }
        }
    CHECK(n > 10 && bad == 0, "%d allocation failures in a window read and a write-back: %d not clean", n, bad);
    remove(out);
    rse_image_free(&pix);
}

/* ---- hostile input --------------------------------------------------------- */

typedef struct { const unsigned char *b; size_t n; int fail_after, reads; } tw_mem;
static int tw_mem_read(void *ctx, uint64_t off, void *dst, size_t n) {
    tw_mem *m = (tw_mem *)ctx;
    m->reads++;
    if (m->fail_after >= 0 && m->fail_after-- == 0) return 1;
    if (off > m->n || n > m->n - off) return 1;
    memcpy(dst, m->b + off, n);
    return 0;
}

static void test_hostile(void) {
    static const struct { const char *file; rse_status st; const char *msg; } want[] = {
        { "tiff_scene_huge.tif", RSE_STATUS_LIMIT, "sides above 2^31 - 1" },
        { "tiff_scene_claim.tif", RSE_STATUS_BAD_FORMAT, "1 tile offsets for the 6250000 tiles of a 40000x40000" },
        { "tiff_ifd_loop.tif", RSE_STATUS_BAD_FORMAT, "TIFF IFD loop" },
        { "tiff_offset_past_end.tif", RSE_STATUS_TRUNCATED, "TIFF strip 0: 60 bytes at offset 100008 past the end" },
        { "tiff_header_trunc.tif", RSE_STATUS_TRUNCATED, "TIFF header truncated" },
        { "tiff_lzw_overflow.tif", RSE_STATUS_BAD_FORMAT, "TIFF strip 0: LZW code table overflow" },
    };
    DIR *d = opendir("tests/corrupt");
    struct dirent *e;
    rse_roi one = { 0, 0, 1, 1 }, tl = { 0, 0, 16, 16 };
    rse_image img, pix;
    size_t i;
    int n = 0, clean = 0;
    /* every corrupt TIFF: fails with the file's name in front, or reads */
    while (d && (e = readdir(d)) != 0) {
        char path[600];
        rse_status st;
        if (strncmp(e->d_name, "tiff_", 5)) continue;
        snprintf(path, sizeof path, "tests/corrupt/%s", e->d_name);
        st = rse_image_load_window(path, &one, 0, &img, 0);
        n++;
        if (st == RSE_STATUS_OK) clean += img.data != 0;
        else clean += !img.data && !strncmp(rse_last_error(), path, strlen(path));
        rse_image_free(&img);
    }
    if (d) closedir(d);
    CHECK(n >= 20 && clean == n, "%d corrupt TIFFs read by window: %d fail cleanly or read", n, clean);
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        char path[300];
        rse_status st;
        snprintf(path, sizeof path, "tests/corrupt/%s", want[i].file);
        st = rse_image_load_window(path, &one, 0, &img, 0);
        CHECK(st == want[i].st && !img.data && strstr(rse_last_error(), want[i].msg) && !strncmp(rse_last_error(), path, strlen(path)),
              "%s by window: %s (%s)", want[i].file, rse_status_str(st), rse_last_error());
    }
    /* a tile past the end that the window does not meet: the window reads;
       the write-back, which copies every tile, refuses, and writes nothing */
    CHECK(rse_image_load_window("tests/corrupt/tiff_tile_far_past_end.tif", &tl, 0, &pix, 0) == RSE_STATUS_OK,
          "a window away from the bad tile reads: %s", rse_last_error());
    CHECK(rse_image_save_window(tw_path("bad_out.tif"), "tests/corrupt/tiff_tile_far_past_end.tif", 0, &tl, &pix) ==
          RSE_STATUS_TRUNCATED && strstr(rse_last_error(), "tests/corrupt/tiff_tile_far_past_end.tif: TIFF tile 5") &&
          !t_have_file(tw_path("bad_out.tif")), "the write-back finds the bad tile: %s", rse_last_error());
    rse_image_free(&pix);
    /* 8192 x 8192 gray in 16 x 16 uncompressed tiles that all share one
       tile's 256 bytes: valid (the window reads), but copying it would
       write 67 MB from a 2 MB file, which the write-back refuses */
    {
        t_buf b = { 0, 0, 0 };
        uint32_t nt = 512 * 512, i, offs = 8 + 2 + 10 * 12 + 4, cnts = offs + 4 * nt, data = cnts + 4 * nt;
        FILE *f;
        rse_roi w2 = { 100, 100, 40, 30 };
        t_s(&b, "II"); t_u16(&b, 42); t_u32(&b, 8);
        t_u16(&b, 10);
#define ENT(tag, type, n, v) do { t_u16(&b, tag); t_u16(&b, type); t_u32(&b, n); t_u32(&b, v); } while (0)
        ENT(256, 4, 1, 8192); ENT(257, 4, 1, 8192); ENT(258, 3, 1, 8); ENT(259, 3, 1, 1); ENT(262, 3, 1, 1);
        ENT(277, 3, 1, 1); ENT(322, 4, 1, 16); ENT(323, 4, 1, 16); ENT(324, 4, nt, offs); ENT(325, 4, nt, cnts);
#undef ENT
        t_u32(&b, 0);
        for (i = 0; i < nt; i++) t_u32(&b, data);
        for (i = 0; i < nt; i++) t_u32(&b, 256);
        for (i = 0; i < 256; i++) t_u8(&b, i);
        f = fopen(tw_path("shared.tif"), "wb");
        CHECK(f && fwrite(b.p, 1, b.n, f) == b.n && fclose(f) == 0, "shared-tile scene written");
        free(b.p);
        CHECK(rse_image_load_window(tw_path("shared.tif"), &w2, 0, &pix, 0) == RSE_STATUS_OK &&
              pix.data[0] == (float)(4 * 16 + 4) / 255.0f, "a window of the shared-tile scene reads: %s", rse_last_error());
        CHECK(rse_image_save_window(tw_path("shared_out.tif"), tw_path("shared.tif"), 0, &w2, &pix) == RSE_STATUS_BAD_FORMAT &&
              strstr(rse_last_error(), "too much shared data"), "its write-back is refused: %s", rse_last_error());
        rse_image_free(&pix);
        remove(tw_path("shared.tif"));
    }
    CHECK(rse_image_load_window("tests/corrupt/tiff_tile_far_past_end.tif", &tl, 0, &pix, 0) == RSE_STATUS_OK, "again");
    /* arguments */
    CHECK(rse_image_save_window(tw_path("x.png"), TIFF_FIX "/p_rgb8_none.tif", 0, &one, &pix) == RSE_STATUS_BAD_ARG,
          "a PNG output refused: %s", rse_last_error());
    CHECK(rse_image_save_window(tw_path("x.tif"), "tests/corrupt/tiff_tile_far_past_end.tif", 0, &one, &pix) == RSE_STATUS_BAD_ARG,
          "pixels of another size refused: %s", rse_last_error());
    tl.x = 30;
    CHECK(rse_image_save_window(tw_path("x.tif"), "tests/corrupt/tiff_tile_far_past_end.tif", 0, &tl, &pix) == RSE_STATUS_BAD_ARG,
          "a window outside refused: %s", rse_last_error());
    rse_image_free(&pix);
    {
        rse_read_options rep = { 3, { 1, 1, 2 } };
        rse_roi w2 = { 0, 0, 2, 2 };
        rse_image p3;
        rse_image_alloc(&p3, 2, 2, 3);
        CHECK(rse_image_save_window(tw_path("x.tif"), TIFF_FIX "/p_rgb8_none.tif", &rep, &w2, &p3) == RSE_STATUS_BAD_ARG &&
              strstr(rse_last_error(), "three different bands"), "repeated bands refused: %s", rse_last_error());
        rse_image_free(&p3);
    }
    /* the source: not a TIFF; a read that fails */
    {
        unsigned char *buf;
        size_t len;
        tw_mem m;
        rse_source src;
        rse_status st;
        CHECK(rse_image_load_window(TIFF_FIX "/../../corrupt/png.png", &one, 0, &img, 0) != RSE_STATUS_OK, "a PNG by window: whole read");
        if (rse__read_file(TIFF_FIX "/o_geo_le.tif", &buf, &len) == RSE_STATUS_OK) {
            int k, fails = 0, reads;
            m.b = buf; m.n = len;
            src.read = tw_mem_read; src.ctx = &m; src.size = len;
            /* the reads of a window load that succeeds (2 here: the format
               sniff, then one cache slot holding the whole small file); then
               each of them fails in turn */
            m.fail_after = -1; m.reads = 0;
            CHECK(rse_image_load_window_src(&src, &one, 0, &img, 0) == RSE_STATUS_OK, "window by source: %s", rse_last_error());
            rse_image_free(&img);
            reads = m.reads;
            for (k = 0; k < reads; k++) {
                m.fail_after = k;
                st = rse_image_load_window_src(&src, &one, 0, &img, 0);
                if (st == RSE_STATUS_IO && !img.data && strstr(rse_last_error(), "cannot read")) fails++;
                rse_image_free(&img);
            }
            CHECK(reads >= 2 && fails == reads, "every failing read gives RSE_STATUS_IO: %d of %d", fails, reads);
            buf[0] = 'P'; buf[1] = '6';
            m.fail_after = -1;
            CHECK(rse_image_load_window_src(&src, &one, 0, &img, 0) == RSE_STATUS_UNSUPPORTED, "a PPM source: %s", rse_last_error());
            RSE_FREE(buf);
        }
    }
}

/* ---- a window edit, library and command line ------------------------------- */

static void test_window_edit(void) {
    const char *tif = tw_path("scene.tif"), *out = tw_path("edit_out.tif"), *ref = tw_path("edit_ref.tif");
    const char *model = tw_path("win.rsm"), *cli = tw_path("cli_out.tif");
    rse_roi win = { 1500, 1000, 96, 64 }, from = { 1510, 1005, 20, 20 }, to = { 1560, 1030, 20, 20 };
    rse_image crop, full, outs[1], a, b;
    rse_train_params tp;
    rse_edit_params ep;
    rse_sinddm *m = 0;
    rse_geo geo;
    size_t base;
    int rc;
    CHECK(rse_image_load_window(tif, &win, 0, &crop, 0) == RSE_STATUS_OK, "window");
    rse_train_params_init(&tp, "tiny");
    tp.dim = 8; tp.batch = 2; tp.micro_batch = 2; tp.steps = 3;
    if (rse_sinddm_create(&m, &crop, &tp) != RSE_STATUS_OK) { CHECK(0, "create: %s", rse_last_error()); return; }
    rse_sinddm_train(m, 0, 0, 0);
    CHECK(rse_sinddm_save(m, model) == RSE_STATUS_OK, "model saved");
    rse_edit_params_init(&ep);
    ep.copy = 1; ep.copy_from = from; ep.copy_to = &to; ep.ncopy_to = 1; ep.feather = 4;
    CHECK(rse_edit_window_crop(m, &crop, &win, 3000, 2000, &ep, outs, 0, 0) == RSE_STATUS_OK, "edit of the window: %s",
          rse_last_error());
    base = pk_start();
    CHECK(rse_image_save_window(out, tif, 0, &win, &outs[0]) == RSE_STATUS_OK, "written into the scene: %s", rse_last_error());
    printf("  window edit written into the scene: peak %zu bytes allocated\n", pk_peak - base);
    rse_image_free(&outs[0]);
    /* the in-memory window edit of the whole scene, written as 8-bit TIFF */
    CHECK(rse_image_load_ex(tif, 0, &full, &geo) == RSE_STATUS_OK, "whole scene");
    CHECK(rse_edit_window(m, &full, &win, &ep, outs, 0, 0) == RSE_STATUS_OK, "in-memory window edit");
    CHECK(rse_image_save_geo(ref, &outs[0], 8, &geo) == RSE_STATUS_OK, "reference written");
    rse_image_free(&outs[0]);
    rse_geo_free(&geo);
    CHECK(rse_image_load_ex(out, 0, &a, 0) == RSE_STATUS_OK && rse_image_load_ex(ref, 0, &b, 0) == RSE_STATUS_OK &&
          tw_same(&a, &b), "the streamed window edit equals the in-memory one, sample for sample");
    {
        size_t i, changed = 0;
        for (i = 0; a.data && i < (size_t)a.w * a.h * 3; i++) changed += a.data[i] != full.data[i];
        CHECK(changed > 100, "the copy changed the window (%zu samples)", changed);
    }
    rse_image_free(&b);
    /* the command line: train and edit by window on the TIFF scene */
    rc = t_run("train", tif, "-o", tw_path("cli.rsm"), "--window", "96x64+1500+1000", "--preset", "tiny", "--dim", "8",
               "--batch", "2", "--steps", "2", "--quiet", (char *)0);
    CHECK(rc == 0, "train --window on the TIFF scene: %s", t_err);
    rc = t_run("edit", model, tif, "-o", cli, "--window", "96x64+1500+1000", "--copy-from", "20x20+1510+1005",
               "--copy-to", "20x20+1560+1030", "--feather", "4", "--quiet", (char *)0);
    CHECK(rc == 0, "edit --window into a TIFF: %s", t_err);
    CHECK(rse_image_load_ex(cli, 0, &b, 0) == RSE_STATUS_OK && tw_same(&a, &b), "the command line writes the same scene");
    {
        char js[8192];
        t_slurp(tw_path("cli_out.json"), js, sizeof js);
        CHECK(strstr(js, "\"width\": 3000, \"height\": 2000") != 0, "the sidecar gives the scene's size");
    }
    rse_image_free(&a);
    rse_image_free(&b);
    rse_image_free(&full);
    rse_image_free(&crop);
    rse_sinddm_free(m);
}

int main(void) {
    char tmpl[] = "/tmp/rse_tiffwin_XXXXXX";
    if (!mkdtemp(tmpl)) { printf("cannot make a temporary folder\n"); return 1; }
    snprintf(t_dir, sizeof t_dir, "%s", tmpl);
    rse_set_threads(1);
    test_fixture_windows();
    test_scene_windows();
    test_fixture_write_back();
    test_scene_write_back();
    test_alloc_failures();
    test_hostile();
    test_window_edit();
    {   /* no temporary file left behind by a write (failed or not) */
        DIR *d = opendir(t_dir);
        struct dirent *e;
        int temps = 0;
        while (d && (e = readdir(d)) != 0) {
            if (e->d_name[0] == '.') continue;
            temps += strstr(e->d_name, ".tmp.") != 0;
            remove(tw_path(e->d_name));
        }
        if (d) closedir(d);
        CHECK(temps == 0, "no temporary files left (%d)", temps);
        CHECK(rmdir(t_dir) == 0, "every file removed (%s)", t_dir);
    }
    return t_report("test_tiff_window");
}
