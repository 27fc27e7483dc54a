/* Tests of the SinDDM pyramid: Pillow-exact LANCZOS/BILINEAR resampling and
   the reference's pyramid (sizes, rescale losses, start timesteps, images).

   The fixtures in tests/fixtures/sinddm/ come from tools/sinddm_fixtures.py
   (Pillow 9.4, numpy 1.24, the reference's code path re-implemented in
   Python). Target for every 8-bit image: BYTE-EXACT equality with Pillow
   (the bar is 1 level out of 255; we check 0 and print the maximum
   difference if it ever fails). Images go through rse_image_load, as the
   CLI's do. */
#include "test.h"

#define FIX "tests/fixtures/sinddm/"

/* ---------------------------------------------------------------------------
   Helpers: images through the library's loader (float [0,1]) and back to
   the 8-bit levels the reference reads (rse__quantize_u8, exact for 8-bit
   files), and a TSV line splitter.
   ------------------------------------------------------------------------- */

/* Loads an image file into planar (3,h,w) bytes. NULL on any problem. */
static uint8_t *t_read_ppm(const char *path, int *w, int *h) {
    rse_image im;
    uint8_t *out;
    size_t n, i;
    if (rse_image_load(path, &im) != RSE_STATUS_OK) return 0;
    if (im.c != 3) { rse_image_free(&im); return 0; }
    n = (size_t)3 * im.w * im.h;
    out = (uint8_t *)malloc(n);
    if (out)
        for (i = 0; i < n; i++) out[i] = rse__quantize_u8(im.data[i]);
    *w = im.w; *h = im.h;
    rse_image_free(&im);
    return out;
}


static uint64_t t_fnv1a64(const uint8_t *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    size_t i;
    for (i = 0; i < n; i++) { h ^= p[i]; h *= 0x100000001b3ull; }
    return h;
}

static int t_maxdiff(const uint8_t *a, const uint8_t *b, size_t n, size_t *ndiff) {
    int m = 0;
    size_t i;
    *ndiff = 0;
    for (i = 0; i < n; i++) {
        int d = a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
        if (d) (*ndiff)++;
        if (d > m) m = d;
    }
    return m;
}

/* ---------------------------------------------------------------------------
   1. Resampling on synthetic images (noise + hard edges, so Lanczos
      overshoots and the 8-bit clip is exercised): byte-exact vs Pillow.
   ------------------------------------------------------------------------- */
static void test_resample_fixtures(void) {
    FILE *f = fopen(FIX "resample.tsv", "r");
    char line[1024], *fl[16];
    int cases = 0;
    CHECK(f != 0, "cannot open " FIX "resample.tsv (run from the repository root)");
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        char path[512];
        int iw, ih, ow, oh, w2, h2, maxd;
        uint8_t *in, *want, *got;
        float box[4];
        size_t n, nd;
        rse__filter filt;
        rse_status st;
        if (line[0] == '#') continue;
        if (t_split(line, fl, 16) != 9) { CHECK(0, "resample.tsv: bad line"); continue; }
        filt = strcmp(fl[1], "lanczos") == 0 ? RSE_FILTER_LANCZOS : RSE_FILTER_BILINEAR;
        ow = atoi(fl[2]); oh = atoi(fl[3]);
        box[0] = strtof(fl[4], 0); box[1] = strtof(fl[5], 0);
        box[2] = strtof(fl[6], 0); box[3] = strtof(fl[7], 0);
        snprintf(path, sizeof path, FIX "resample/%s", fl[0]);
        in = t_read_ppm(path, &iw, &ih);
        snprintf(path, sizeof path, FIX "resample/%s", fl[8]);
        want = t_read_ppm(path, &w2, &h2);
        CHECK(in && want && w2 == ow && h2 == oh, "%s: fixture unreadable", fl[8]);
        if (!in || !want || w2 != ow || h2 != oh) { free(in); free(want); continue; }
        n = (size_t)3 * ow * oh;
        got = (uint8_t *)malloc(n);
        st = rse__resample_u8(got, ow, oh, in, iw, ih, 3, filt, box);
        CHECK(st == RSE_STATUS_OK, "%s: %s", fl[8], rse_last_error());
        if (st == RSE_STATUS_OK) {
            maxd = t_maxdiff(got, want, n, &nd);
            CHECK(maxd == 0, "%s: %zu of %zu bytes differ from Pillow, max %d levels",
                  fl[8], nd, n, maxd);
        }
        cases++;
        free(in); free(want); free(got);
    }
    fclose(f);
    CHECK(cases >= 14, "only %d resample cases found", cases);
}

/* Argument checks and the identity case (Pillow returns a copy). */
static void test_resample_edges(void) {
    uint8_t src[3 * 4 * 2], dst[3 * 4 * 2];
    float bad_box[4] = {1.0f, 0.0f, 5.0f, 2.0f};   /* x1 beyond the width */
    float empty_box[4] = {2.0f, 0.0f, 2.0f, 2.0f};
    int i;
    for (i = 0; i < (int)sizeof src; i++) src[i] = (uint8_t)(i * 37);
    CHECK(rse__resample_u8(dst, 4, 2, src, 4, 2, 3, RSE_FILTER_LANCZOS, 0) == RSE_STATUS_OK &&
          memcmp(dst, src, sizeof src) == 0, "same-size resize is a copy");
    CHECK(rse__resample_u8(dst, 4, 2, src, 4, 2, 3, RSE_FILTER_LANCZOS, bad_box) == RSE_STATUS_BAD_ARG,
          "box outside the image rejected");
    CHECK(rse__resample_u8(dst, 4, 2, src, 4, 2, 3, RSE_FILTER_LANCZOS, empty_box) == RSE_STATUS_BAD_ARG,
          "empty box rejected");
    CHECK(rse__resample_u8(dst, 0, 2, src, 4, 2, 3, RSE_FILTER_BILINEAR, 0) == RSE_STATUS_BAD_ARG,
          "zero output width rejected");
    /* A constant image stays constant under any resize (weights sum to
       2^22 up to rounding, which the +2^21 rounding absorbs). */
    memset(src, 200, sizeof src);
    CHECK(rse__resample_u8(dst, 3, 2, src, 4, 2, 3, RSE_FILTER_LANCZOS, 0) == RSE_STATUS_OK &&
          dst[0] == 200 && dst[17] == 200, "constant image stays constant");
}

/* ---------------------------------------------------------------------------
   2. Pyramid sizes from the reference's formulas. The expected sizes are the
      ones sinddm.md section 3 reports from running the reference's
      create_img_scales on its dataset images (independent of our fixtures).
   ------------------------------------------------------------------------- */
static void test_plan(void) {
    static const struct { int w, h, n, sw[5], sh[5]; double sf; } cases[] = {
        {249, 200, 5, {62, 88, 125, 176, 249}, {50, 71, 100, 141, 200}, 1.4142},
        {298, 167, 5, {75, 106, 149, 211, 298}, {42, 59, 84, 118, 167}, 1.4121},
        {248, 186, 5, {64, 90, 126, 177, 248}, {48, 67, 94, 133, 186}, 1.4030},
        {256, 256, 5, {55, 78, 111, 157, 223}, {55, 78, 111, 157, 223}, 1.4190},
    };
    rse__pyramid p;
    int c, i;
    for (c = 0; c < 4; c++) {
        int ok = rse__pyramid_plan(&p, cases[c].w, cases[c].h, RSE_SINDDM_SCALE_STEP) == RSE_STATUS_OK
                 && p.n == cases[c].n;
        for (i = 0; ok && i < 5; i++) ok = p.w[i] == cases[c].sw[i] && p.h[i] == cases[c].sh[i];
        CHECK(ok, "plan %dx%d: sizes differ from the reference's (n = %d)", cases[c].w, cases[c].h, p.n);
        /* the doc prints sf to 4 decimals */
        CHECK(fabs(p.sf - cases[c].sf) < 5e-5, "plan %dx%d: sf %g, reference %g",
              cases[c].w, cases[c].h, p.sf, cases[c].sf);
    }
    /* the cap: 256x256 -> int(256 / sqrt(65536/50000)) = 223 */
    CHECK(rse__pyramid_plan(&p, 256, 256, 1.411) == RSE_STATUS_OK && p.cap_w == 223 && p.d0 == 55,
          "cap 256x256: %dx%d d0 %d", p.cap_w, p.cap_h, p.d0);
    /* 64x64: round(log(64/55)/log(1.411)) + 1 = 1 scale, the image itself */
    CHECK(rse__pyramid_plan(&p, 64, 64, 1.411) == RSE_STATUS_OK && p.n == 1 && p.w[0] == 64 &&
          p.sf == 1.0, "64x64: one scale (n = %d)", p.n);
    /* 20x20: the reference's N would be -1 (empty pyramid); we keep one scale */
    CHECK(rse__pyramid_plan(&p, 20, 20, 1.411) == RSE_STATUS_OK && p.n == 1 && p.w[0] == 20,
          "20x20: clamped to one scale (n = %d)", p.n);
    /* extreme aspect ratio and limits */
    CHECK(rse__pyramid_plan(&p, 16384, 3, 1.411) == RSE_STATUS_OK && p.n == 1 && p.w[0] == 16384,
          "16384x3: one scale");
    CHECK(rse__pyramid_plan(&p, 16384, 16384, 1.411) == RSE_STATUS_OK && p.w[p.n - 1] == 223,
          "16384^2 capped to 223^2 (got %d)", p.w[p.n - 1]);
    CHECK(rse__pyramid_plan(&p, 0, 5, 1.411) == RSE_STATUS_LIMIT, "zero width rejected");
    CHECK(rse__pyramid_plan(&p, RSE_MAX_DIM + 1, 5, 1.411) == RSE_STATUS_LIMIT, "huge width rejected");
    CHECK(rse__pyramid_plan(&p, 100, 100, 1.0) == RSE_STATUS_BAD_ARG, "scale step 1 rejected");
    /* Python round(): half to even */
    CHECK(rse__round_half_even(62.5) == 62.0 && rse__round_half_even(63.5) == 64.0 &&
          rse__round_half_even(2.4999) == 2.0 && rse__round_half_even(-0.5) == 0.0,
          "round half to even");
}

/* 400 sizes against the reference's formulas (plan.tsv, numpy float64).
   Rows whose sizes are exact half-integers ("tie" = 1; see
   rse__pyramid_plan) follow numpy's last-bit noise there: we require
   n, cap and d0 to match and every size within 1 px, and count the exact
   matches. Every other row must match exactly. Rows where the reference
   gets N <= 0 (an empty pyramid) must give our one-scale fallback. */
static void test_plan_fixture(void) {
    FILE *f = fopen(FIX "plan.tsv", "r");
    char line[4096], *fl[12];
    int rows = 0, ties = 0, tie_exact = 0, empty = 0;
    CHECK(f != 0, "cannot open " FIX "plan.tsv");
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        rse__pyramid p;
        int W, H, n, tie, i, exact = 1, close = 1;
        char *sz;
        if (line[0] == '#') continue;
        if (t_split(line, fl, 12) != 8) { CHECK(0, "plan.tsv: bad line"); continue; }
        W = atoi(fl[0]); H = atoi(fl[1]); n = atoi(fl[5]); tie = atoi(fl[6]);
        rows++;
        if (rse__pyramid_plan(&p, W, H, RSE_SINDDM_SCALE_STEP) != RSE_STATUS_OK) {
            CHECK(0, "plan %dx%d: %s", W, H, rse_last_error());
            continue;
        }
        CHECK(p.cap_w == atoi(fl[2]) && p.cap_h == atoi(fl[3]) && p.d0 == atoi(fl[4]),
              "plan %dx%d: cap %dx%d d0 %d, reference %sx%s %s", W, H, p.cap_w, p.cap_h, p.d0,
              fl[2], fl[3], fl[4]);
        if (n < 1) {
            empty++;
            CHECK(p.n == 1 && p.w[0] == p.cap_w && p.h[0] == p.cap_h,
                  "plan %dx%d: reference N = %d, want our one-scale fallback", W, H, n);
            continue;
        }
        CHECK(p.n == n, "plan %dx%d: n = %d, reference %d", W, H, p.n, n);
        if (p.n != n) continue;
        sz = fl[7];
        for (i = 0; i < n; i++) {
            int rw = 0, rh = 0;
            if (sscanf(sz, "%dx%d", &rw, &rh) != 2) { close = exact = 0; break; }
            if (p.w[i] != rw || p.h[i] != rh) exact = 0;
            if (abs(p.w[i] - rw) > 1 || abs(p.h[i] - rh) > 1) close = 0;
            sz = strchr(sz, ',');
            if (sz) sz++;
            else if (i < n - 1) { close = exact = 0; break; }
        }
        if (tie) {
            ties++;
            tie_exact += exact;
            CHECK(close, "plan %dx%d (tie row): a size is more than 1 px off: %s", W, H, fl[7]);
        } else {
            CHECK(exact, "plan %dx%d: sizes differ from the reference's %s", W, H, fl[7]);
        }
    }
    fclose(f);
    CHECK(rows >= 400 && ties >= 20 && empty >= 5, "plan.tsv: %d rows, %d ties, %d empty",
          rows, ties, empty);
    printf("pyramid plan: %d sizes; %d with exact half-integer ties, %d of them equal to "
           "numpy's rounding; %d reference-empty pyramids\n", rows, ties, tie_exact, empty);
}

/* The loss's uint8 wrap-around: 3 - 5 = 254, so one pixel (of 1 plane)
   gives sqrt(254^2) / 1 = 254, where a signed difference would give 2. */
static void test_loss_wrap(void) {
    uint8_t a[4] = {3, 10, 10, 10}, b[4] = {5, 10, 10, 10};
    CHECK(rse__rescale_loss(a, b, 4, 1) == 254.0 / 4.0, "wrap-around loss %g",
          rse__rescale_loss(a, b, 4, 1));
    CHECK(rse__rescale_loss(b, a, 4, 1) == 2.0 / 4.0, "positive difference %g",
          rse__rescale_loss(b, a, 4, 1));
    /* quantisation recovers every 8-bit level from v / 255 */
    {
        int v, ok = 1;
        for (v = 0; v < 256; v++) ok &= rse__quantize_u8((float)v / 255.0f) == v;
        CHECK(ok, "quantize(v/255) == v for every level");
        CHECK(rse__quantize_u8(-0.5f) == 0 && rse__quantize_u8(2.0f) == 255 &&
              rse__quantize_u8(0.0f / 0.0f) == 0, "quantize clamps and maps NaN to 0");
    }
}

/* ---------------------------------------------------------------------------
   3. The shared real images: everything against the reference (pyramid.tsv).
   ------------------------------------------------------------------------- */

static void test_real_images(void) {
    FILE *f;
    char line[2048], *fl[20], cur[256] = "";
    char probe[512];
    rse__pyramid p;
    int have = 0, images = 0, scales = 0;
    double max_loss_rel = 0, max_sf_rel = 0;

    snprintf(probe, sizeof probe, "%s/data/rsi/forest_64.ppm", RSE_SHARED);
    if (!t_have_file(probe)) { SKIP("pyramid: real images (no %s)", probe); return; }
    f = fopen(FIX "pyramid.tsv", "r");
    CHECK(f != 0, "cannot open " FIX "pyramid.tsv");
    if (!f) return;
    memset(&p, 0, sizeof p);
    while (fgets(line, sizeof line, f)) {
        int s, n, w, h;
        size_t plane;
        if (line[0] == '#') continue;
        if (t_split(line, fl, 20) != 17) { CHECK(0, "pyramid.tsv: bad line"); continue; }
        if (strcmp(fl[0], cur) != 0) {              /* a new image */
            char path[512];
            rse_image im;
            double sf_ref;
            rse__pyramid_free(&p);
            have = 0;
            snprintf(cur, sizeof cur, "%s", fl[0]);
            snprintf(path, sizeof path, "%s/data/rsi/%s", RSE_SHARED, fl[0]);
            CHECK(rse_image_load(path, &im) == RSE_STATUS_OK, "%s: %s", path, rse_last_error());
            if (!im.data) continue;
            CHECK(rse__pyramid_build(&p, &im) == RSE_STATUS_OK, "%s: %s", fl[0], rse_last_error());
            rse_image_free(&im);
            have = p.n > 0;
            if (!have) continue;
            images++;
            CHECK(p.cap_w == atoi(fl[3]) && p.cap_h == atoi(fl[4]) && p.d0 == atoi(fl[5]) &&
                  p.n == atoi(fl[6]), "%s: cap %dx%d d0 %d n %d, reference %sx%s %s %s",
                  fl[0], p.cap_w, p.cap_h, p.d0, p.n, fl[3], fl[4], fl[5], fl[6]);
            sf_ref = strtod(fl[7], 0);
            if (p.n > 1) {
                /* sf = exp(log(r)/(N-1)): numpy's SIMD log/exp vs libm, a few
                   ulp apart, so 1e-14 relative. */
                double rel = fabs(p.sf - sf_ref) / sf_ref;
                if (rel > max_sf_rel) max_sf_rel = rel;
                CHECK(rel <= 1e-14, "%s: sf %.17g, reference %.17g", fl[0], p.sf, sf_ref);
            } else {
                CHECK(isinf(sf_ref) || sf_ref != sf_ref, "%s: reference sf for N=1 is inf/nan", fl[0]);
            }
        }
        if (!have) continue;
        s = atoi(fl[8]); w = atoi(fl[9]); h = atoi(fl[10]);
        n = p.n;
        if (s >= n) { CHECK(0, "%s: scale %d missing (n = %d)", fl[0], s, n); continue; }
        scales++;
        CHECK(p.w[s] == w && p.h[s] == h, "%s s%d: size %dx%d, reference %dx%d",
              fl[0], s, p.w[s], p.h[s], w, h);
        CHECK(p.t_start[s] == atoi(fl[12]), "%s s%d: t_start %d, reference %s",
              fl[0], s, p.t_start[s], fl[12]);
        if (p.w[s] != w || p.h[s] != h) continue;
        plane = (size_t)w * h;
        {
            unsigned long long sum = 0;
            size_t i;
            for (i = 0; i < 3 * plane; i++) sum += p.img[s][i];
            CHECK(sum == strtoull(fl[13], 0, 10) &&
                  t_fnv1a64(p.img[s], 3 * plane) == strtoull(fl[14], 0, 16),
                  "%s s%d: scale image differs from Pillow (sum %llu, reference %s)",
                  fl[0], s, sum, fl[13]);
            if (s > 0) {
                /* The loss is an integer sum of squares, one sqrt and one
                   division: identical bytes give the identical double. We
                   allow 1e-12 relative (a last-bit difference, never seen). */
                double ref = strtod(fl[11], 0), rel = fabs(p.loss[s] - ref) / ref;
                if (rel > max_loss_rel) max_loss_rel = rel;
                CHECK(rel <= 1e-12, "%s s%d: rescale loss %.17g, reference %s",
                      fl[0], s, p.loss[s], fl[11]);
                for (sum = 0, i = 0; i < 3 * plane; i++) sum += p.blur[s][i];
                CHECK(sum == strtoull(fl[15], 0, 10) &&
                      t_fnv1a64(p.blur[s], 3 * plane) == strtoull(fl[16], 0, 16),
                      "%s s%d: blurry image differs from Pillow (sum %llu, reference %s)",
                      fl[0], s, sum, fl[15]);
            }
        }
        /* Full per-pixel comparison for farmland_2009 (from 934x723). */
        if (strcmp(fl[0], "farmland_2009.ppm") == 0 && s <= 1) {
            int fw, fh, maxd;
            size_t nd;
            uint8_t *ref = t_read_ppm(s == 0 ? FIX "pyr_farmland_2009_s0.ppm"
                                             : FIX "pyr_farmland_2009_b1.ppm", &fw, &fh);
            CHECK(ref && fw == w && fh == h, "farmland_2009 s%d fixture unreadable", s);
            if (ref && fw == w && fh == h) {
                maxd = t_maxdiff(s == 0 ? p.img[0] : p.blur[1], ref, 3 * plane, &nd);
                CHECK(maxd == 0, "farmland_2009 %s: %zu bytes differ, max %d levels",
                      s == 0 ? "scale 0" : "blur 1", nd, maxd);
            }
            free(ref);
        }
    }
    rse__pyramid_free(&p);
    fclose(f);
    CHECK(images >= 20 && scales >= 80, "only %d images / %d scales compared", images, scales);
    printf("pyramid: %d real images, %d scales; max rel. error: sf %.3g, rescale loss %.3g\n",
           images, scales, max_sf_rel, max_loss_rel);
}

/* A gray image gives three equal planes and the reference's 1-channel loss
   (norm over H*W values divided by H*W). */
static void test_gray(void) {
    rse_image g;
    rse__pyramid p;
    int i, w = 120, h = 90, ok;
    g.w = w; g.h = h; g.c = 1;
    g.data = (float *)malloc(sizeof(float) * w * h);
    for (i = 0; i < w * h; i++) g.data[i] = (float)((i * 7919) % 256) / 255.0f;
    ok = rse__pyramid_build(&p, &g) == RSE_STATUS_OK;
    CHECK(ok && p.n >= 2 && p.gray, "gray pyramid builds (n = %d)", p.n);
    if (ok && p.n >= 2) {
        size_t plane = (size_t)p.w[1] * p.h[1];
        CHECK(memcmp(p.img[1], p.img[1] + plane, plane) == 0 &&
              memcmp(p.img[1], p.img[1] + 2 * plane, plane) == 0, "gray planes equal");
        CHECK(p.loss[1] == rse__rescale_loss(p.img[1], p.blur[1], plane, 1),
              "gray loss over one plane");
    }
    rse__pyramid_free(&p);
    g.c = 2;
    CHECK(rse__pyramid_build(&p, &g) == RSE_STATUS_BAD_ARG, "2-channel image rejected");
    free(g.data);
}

int main(void) {
    test_resample_fixtures();
    test_resample_edges();
    test_plan();
    test_plan_fixture();
    test_loss_wrap();
    test_gray();
    test_real_images();
    return t_report("test_pyramid");
}
