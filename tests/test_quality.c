/* The quality metrics of sinddm.c's Quality section: the Laplacian pyramid
   they use, the sliced Wasserstein distance between patch sets (ProGAN's
   SWD), pixel diversity and the shifted-copy baseline. SWD must be ~0 for
   the image against itself, grow monotonically with added noise, and rate
   shifted copies of the image far better than noisy ones; diversity must be
   0 for identical samples and match its definition on noise.
   Issue 20's measurements: reference normalisation (an affine colour change
   is invisible to ProGAN's own-set normalisation, exactly, and visible with
   the reference's), regions (crop + margin clipped at the borders, the
   reflected 4-px shifts of the floor, a noisy region far above its floor
   and an untouched one below it), PSNR of a known perturbation, the box of
   changed pixels, Pillow's bicubic resize, and the same through the CLI. */
#include "test.h"
#include "cli.h"

/* A 96x96 texture with structure at several scales (so every pyramid level
   has content): blocks, oriented waves, fine grain. */
static void t_texture(rse_image *im, int w, int h, uint64_t seed) {
    rse__rng r;
    int x, y, c;
    rse__rng_seed(&r, seed);
    rse_image_alloc(im, w, h, 3);
    for (c = 0; c < 3; c++)
        for (y = 0; y < h; y++)
            for (x = 0; x < w; x++) {
                float v = 0.5f + 0.15f * sinf(0.45f * x + 0.2f * y + c) + 0.1f * cosf(0.13f * y - 0.07f * x);
                if (((x / 12) + (y / 9)) % 3 == 0) v -= 0.15f;
                v += 0.06f * (rse__rng_uniform(&r) - 0.5f);
                im->data[((size_t)c * h + y) * w + x] = v;
            }
}

static void t_noisy_copies(const rse_image *a, rse_image *out, int n, float sigma, uint64_t seed) {
    int i;
    size_t k, m = 3 * (size_t)a->w * a->h;
    float *z = (float *)malloc(m * sizeof(float));
    for (i = 0; i < n; i++) {
        rse__rng r;
        rse__rng_seed_stream(&r, seed, (uint64_t)i);
        rse__rng_normal(&r, z, m);
        rse_image_alloc(&out[i], a->w, a->h, 3);
        for (k = 0; k < m; k++) out[i].data[k] = a->data[k] + sigma * z[k];
    }
    free(z);
}

static void t_free(rse_image *im, int n) {
    int i;
    for (i = 0; i < n; i++) rse_image_free(&im[i]);
}

/* Filters: a constant plane is a fixed point of pyr_down, and pyr_up of a
   constant is the same constant (the mirrored zero-inserted grid keeps its
   parity, so every output gets weights summing to 1), at odd sizes too. */
static void test_filters(void) {
    static const int sz[4][2] = { { 16, 16 }, { 15, 9 }, { 7, 12 }, { 2, 3 } };
    int k;
    for (k = 0; k < 4; k++) {
        int w = sz[k][0], h = sz[k][1], dw = (w + 1) / 2, dh = (h + 1) / 2, i;
        float src[256], dst[256], tmp[256], lap[256];
        double e1 = 0, e2 = 0;
        for (i = 0; i < w * h; i++) src[i] = lap[i] = 0.37f;
        rse__q_down(src, w, h, dst, tmp);
        for (i = 0; i < dw * dh; i++) e1 = fmax(e1, fabs(dst[i] - 0.37f));
        rse__q_sub_up(lap, w, h, dst, dw, dh, tmp);
        for (i = 0; i < w * h; i++) e2 = fmax(e2, fabs(lap[i]));
        /* float sums of 5-25 terms: a few ulps of 0.37 */
        CHECK(e1 < 1e-6 && e2 < 1e-6, "%dx%d: down(const) error %g, const - up(down(const)) %g", w, h, e1, e2);
    }
    CHECK(rse__q_levels(256, 256, 16) == 5 && rse__q_levels(223, 223, 16) == 4 && rse__q_levels(96, 96, 16) == 3 &&
          rse__q_levels(15, 300, 16) == 1 && rse__q_levels(32, 31, 16) == 2,
          "levels: 256 -> 5 (256..16), 223 -> 4, 96 -> 3, short side 15 -> 1, 32x31 -> 2");
}

static void test_swd(void) {
    enum { N = 8 };
    static const float sig[4] = { 0.02f, 0.05f, 0.1f, 0.2f };
    rse_image a, same[N], noisy[N], shifted[N];
    rse__swd_params p;
    rse__swd_result r0, rfew, rn[4], rs, r1, r2;
    int i, mono;
    rse_status st;

    t_texture(&a, 96, 96, 11);
    rse__swd_params_init(&p);
    p.seed = 7;
    p.per_image = 512;   /* 8 x 512 patches per level: half the default, for time */
    for (i = 0; i < N; i++) {
        rse_image_alloc(&same[i], 96, 96, 3);
        memcpy(same[i].data, a.data, 3 * 96 * 96 * sizeof(float));
    }
    st = rse__swd(&a, same, N, &p, &r0);
    CHECK(st == RSE_STATUS_OK && r0.levels == 3 && r0.w[2] == 24, "SWD(A, A): %s, %d levels", rse_last_error(), r0.levels);
    /* SWD(A, A) is not exactly 0 because the two sets are different random
       patches of A; that sampling floor shrinks like 1/sqrt(patches): with
       8x fewer patches it must be about sqrt(8) = 2.8x larger (> 2x). */
    p.per_image = 64;
    rse__swd(&a, same, N, &p, &rfew);
    p.per_image = 512;
    CHECK(rfew.avg > 2.0 * r0.avg, "SWD(A,A) -> 0 with more patches: %g (64/image), %g (512/image)", rfew.avg, r0.avg);
    for (i = 0; i < 4; i++) {
        t_noisy_copies(&a, noisy, N, sig[i], 100 + (uint64_t)i);
        rse__swd(&a, noisy, N, &p, &rn[i]);
        t_free(noisy, N);
    }
    CHECK(rse__shifted_copies(&a, N, 8, p.seed, shifted) == RSE_STATUS_OK && shifted[0].w == 88 && shifted[0].h == 88,
          "shifted copies are 88x88 crops");
    rse__swd(&a, shifted, N, &p, &rs);
    printf("SWD x1e3 (%d levels, 8 x 512 patches): A vs A %.2f (8 x 64 patches: %.2f); noise 0.02 %.2f, 0.05 %.2f, "
           "0.1 %.2f, 0.2 %.2f; shifted copies %.2f\n", r0.levels, r0.avg, rfew.avg, rn[0].avg, rn[1].avg, rn[2].avg,
           rn[3].avg, rs.avg);
    mono = r0.avg < rn[0].avg;
    for (i = 1; i < 4; i++) mono = mono && rn[i].avg > rn[i - 1].avg;
    CHECK(mono, "SWD grows monotonically with the noise: 0, 0.02, 0.05, 0.1, 0.2");
    /* shifted copies hold exactly A's content: they score near the floor,
       far below visible noise (measured: about 0.45x noise 0.1 and 0.3x
       noise 0.2; the bounds leave ~10% margin) */
    CHECK(rs.avg < 0.5 * rn[2].avg && rs.avg < 0.35 * rn[3].avg,
          "shifted copies (%g) score far below noise 0.1 (%g) and 0.2 (%g)", rs.avg, rn[2].avg, rn[3].avg);
    /* deterministic per seed, different across seeds */
    rse__swd(&a, shifted, N, &p, &r1);
    CHECK(r1.avg == rs.avg && r1.swd[0] == rs.swd[0], "same seed, same SWD");
    p.seed = 8;
    rse__swd(&a, shifted, N, &p, &r2);
    CHECK(r2.avg != rs.avg && fabs(r2.avg - rs.avg) < 0.5 * rs.avg, "another seed: another, similar value (%g, %g)",
          r2.avg, rs.avg);
    /* max_levels keeps the first levels */
    p.max_levels = 2;
    p.per_image = 16;
    st = rse__swd(&a, same, N, &p, &r1);
    CHECK(st == RSE_STATUS_OK && r1.levels == 2, "max_levels 2 gives 2 levels");
    p.max_levels = 0;
    /* a sample smaller than a patch is refused */
    {
        rse_image tiny;
        rse_image_alloc(&tiny, 6, 40, 3);
        st = rse__swd(&a, &tiny, 1, &p, &r1);
        CHECK(st == RSE_STATUS_BAD_ARG && strstr(rse_last_error(), "smaller than"), "6-px sample refused: %s",
              rse_last_error());
        rse_image_free(&tiny);
    }
    t_free(shifted, N);
    t_free(same, N);
    rse_image_free(&a);
}

/* The radix sort used for the projections against qsort's order. */
static int t_cmpf(const void *x, const void *y) {
    float a = *(const float *)x, b = *(const float *)y;
    return a < b ? -1 : a > b;
}
static void test_sort(void) {
    enum { M = 1000 };
    float v[M], w[M];
    uint32_t key[M], tmp[M];
    rse__rng r;
    int i, ok = 1;
    rse__rng_seed(&r, 3);
    rse__rng_normal(&r, v, M);
    v[0] = 0.0f; v[1] = -0.0f; v[2] = 1e30f; v[3] = -1e30f; v[4] = 1e-40f; /* zeros, extremes, a denormal */
    memcpy(w, v, sizeof v);
    rse__q_sort(v, key, tmp, M);
    qsort(w, M, sizeof(float), t_cmpf);
    for (i = 0; i < M; i++) ok = ok && v[i] == w[i];
    for (i = 1; i < M; i++) ok = ok && v[i - 1] <= v[i];
    CHECK(ok, "radix sort of floats agrees with qsort");
}

static void test_diversity(void) {
    enum { N = 4 };
    rse_image a, same[N], noisy[N], gray, flat;
    double d = -1, mean = 0, var = 0, expect;
    size_t k, plane = 96 * 96;
    const float sigma = 0.05f;
    int i;
    rse_status st;

    t_texture(&a, 96, 96, 12);
    for (i = 0; i < N; i++) {
        rse_image_alloc(&same[i], 96, 96, 3);
        memcpy(same[i].data, a.data, 3 * plane * sizeof(float));
    }
    st = rse__pixel_diversity(&a, same, N, &d);
    CHECK(st == RSE_STATUS_OK && d == 0.0, "diversity of identical samples is 0, got %g", d);
    /* Independent N(0, sigma^2) noise per channel: the intensity (mean of 3
       channels) has std sigma/sqrt(3); the population std of 4 normal draws
       averages sigma' * sqrt(2/4) * Gamma(2)/Gamma(1.5) = 0.7979 sigma'. */
    t_noisy_copies(&a, noisy, N, sigma, 5);
    rse__pixel_diversity(&a, noisy, N, &d);
    for (k = 0; k < plane; k++) mean += (a.data[k] + a.data[plane + k] + a.data[2 * plane + k]) / 3.0;
    mean /= plane;
    for (k = 0; k < plane; k++) {
        double v = (a.data[k] + a.data[plane + k] + a.data[2 * plane + k]) / 3.0 - mean;
        var += v * v;
    }
    expect = 0.7979 * sigma / sqrt(3.0) / sqrt(var / plane);
    /* 9216 pixels: the mean of their stds is within ~1% of its expectation */
    CHECK(fabs(d - expect) < 0.03 * expect, "diversity of noisy copies %g, expected %g", d, expect);
    t_free(noisy, N);
    /* errors: one sample, different sizes, a constant reference */
    CHECK(rse__pixel_diversity(&a, same, 1, &d) == RSE_STATUS_BAD_ARG, "one sample: no diversity");
    rse_image_alloc(&gray, 90, 96, 1);
    rse_image_free(&same[3]);
    same[3] = gray;
    CHECK(rse__pixel_diversity(&a, same, N, &d) == RSE_STATUS_BAD_ARG && strstr(rse_last_error(), "one size"),
          "samples of two sizes refused: %s", rse_last_error());
    rse_image_alloc(&flat, 20, 20, 3);
    CHECK(rse__pixel_diversity(&flat, same, 2, &d) == RSE_STATUS_BAD_ARG && strstr(rse_last_error(), "constant"),
          "constant reference refused: %s", rse_last_error());
    rse_image_free(&flat);
    t_free(same, N);
    rse_image_free(&a);
}

/* ---- issue 20 ------------------------------------------------------------ */

/* out = a with channel c mapped to gain[c] * v + off[c] (no clamping). */
static void t_affine(const rse_image *a, rse_image *out, const float gain[3], const float off[3]) {
    size_t plane = (size_t)a->w * a->h, j;
    int c;
    rse_image_alloc(out, a->w, a->h, 3);
    for (c = 0; c < 3; c++)
        for (j = 0; j < plane; j++) out->data[c * plane + j] = gain[c] * a->data[c * plane + j] + off[c];
}

/* The same patches are drawn from the sample whatever its content (the
   positions come from the seed), so against a copy of A and against an
   affine change of A the two SWDs differ only by what normalisation lets
   through (A vs A itself is not 0: the two sets are different random
   patches of A). ProGAN's own-set normalisation removes a per-channel gain and
   offset (up to float rounding); the reference's keeps the gain at every
   level and the offset at the coarsest (the Laplacian levels above it
   have no mean). */
static void test_ref_norm(void) {
    static const float one[3] = { 1, 1, 1 }, zero[3] = { 0, 0, 0 };
    static const float gain[3] = { 0.6f, 0.8f, 0.7f }, goff[3] = { 0.25f, 0.1f, 0.0f };
    static const float oofs[3] = { 0.08f, -0.05f, 0.0f };
    rse_image a, same, gained, shifted;
    rse__swd_params p;
    rse__swd_result own_s, own_g, ref_s, ref_g, ref_o;
    int k, ok_own = 1, ok_gain = 1, ok_off = 1, L;

    t_texture(&a, 96, 96, 21);
    t_affine(&a, &same, one, zero);
    t_affine(&a, &gained, gain, goff);
    t_affine(&a, &shifted, one, oofs);
    rse__swd_params_init(&p);
    p.seed = 5;
    p.per_image = 512;
    rse__swd(&a, &same, 1, &p, &own_s);
    rse__swd(&a, &gained, 1, &p, &own_g);
    p.ref_norm = 1;
    rse__swd(&a, &same, 1, &p, &ref_s);
    rse__swd(&a, &gained, 1, &p, &ref_g);
    rse__swd(&a, &shifted, 1, &p, &ref_o);
    L = own_s.levels;
    for (k = 0; k < L; k++) {
        ok_own = ok_own && fabs(own_g.swd[k] - own_s.swd[k]) < 1e-3 * own_s.swd[k];
        ok_gain = ok_gain && ref_g.swd[k] > 2.5 * ref_s.swd[k];   /* measured: 3.3x at the finest */
        if (k < L - 1) ok_off = ok_off && fabs(ref_o.swd[k] - ref_s.swd[k]) < 1e-3 * ref_s.swd[k];
    }
    CHECK(ok_own, "own-set normalisation hides a gain and offset per channel: finest %g vs %g, mean %g vs %g",
          own_g.swd[0], own_s.swd[0], own_g.avg, own_s.avg);
    CHECK(ok_gain, "reference normalisation sees the gain at every level: finest %g vs %g, coarsest %g vs %g",
          ref_g.swd[0], ref_s.swd[0], ref_g.swd[L - 1], ref_s.swd[L - 1]);
    CHECK(ok_off && ref_o.swd[L - 1] > 4 * ref_s.swd[L - 1],
          "an offset shows at the coarsest level only: finest %g vs %g, coarsest %g vs %g", ref_o.swd[0],
          ref_s.swd[0], ref_o.swd[L - 1], ref_s.swd[L - 1]);
    printf("SWD x1e3, A vs gain+offset copy: own-set normalisation %.2f (A vs A %.2f), reference's %.2f; "
           "offset only, reference's: finest %.2f, coarsest %.2f (A vs A %.2f, %.2f)\n", own_g.avg, own_s.avg, ref_g.avg,
           ref_o.swd[0], ref_o.swd[L - 1], ref_s.swd[0], ref_s.swd[L - 1]);
    rse_image_free(&a);
    rse_image_free(&same);
    rse_image_free(&gained);
    rse_image_free(&shifted);
}

static int t_box_is(rse_roi r, int w, int h, int x, int y) { return r.w == w && r.h == h && r.x == x && r.y == y; }

/* mean[k] = the level-k SWD of crop (the box `big` of a) against the same
   box of a shifted by 4 px with reflected borders, averaged by hand over
   the 8 directions (what rse__swd_shift_floor must give) */
static void t_shift_mean(const rse_image *a, const rse_roi *big, const rse_image *crop, const rse__swd_params *p,
                         double *mean) {
    rse_image c;
    rse__swd_result one;
    int dx, dy, k;
    for (k = 0; k < RSE_SWD_MAX_LEVELS; k++) mean[k] = 0;
    for (dy = -4; dy <= 4; dy += 4)
        for (dx = -4; dx <= 4; dx += 4) {
            if (!dx && !dy) continue;
            rse__q_crop(a, big, dx, dy, &c);
            rse__swd(crop, &c, 1, p, &one);
            for (k = 0; k < one.levels; k++) mean[k] += one.swd[k] / 8;
            rse_image_free(&c);
        }
}

static void test_region(void) {
    rse_image a, row, c, noisy, crop_n, crop_a;
    rse_roi box = { 30, 40, 30, 24 }, big, in, at, at2, g1, g2;  /* x, y, w, h */
    rse__swd_params p;
    rse__swd_result floor, rs, rn, one;
    double mean[RSE_SWD_MAX_LEVELS] = { 0 };
    int k, dx, dy, ok;
    size_t j;

    /* growing by the margin, clipped at every border */
    at.x = 2; at.y = 3; at.w = 10; at.h = 10;
    rse__q_grow(&at, &at, 4, 20, 20, &g1, &g2);
    CHECK(t_box_is(g1, 16, 17, 0, 0) && t_box_is(g2, 16, 17, 0, 0), "10x10+2+3 + 4 px in 20x20: 16x17+0+0");
    at.x = 8; at.y = 9;
    rse__q_grow(&at, &at, 4, 20, 20, &g1, &g2);
    CHECK(t_box_is(g1, 16, 15, 4, 5), "10x10+8+9 + 4 px in 20x20: 16x15+4+5");
    at.x = 0; at.y = 0; at.w = 20; at.h = 20;
    rse__q_grow(&at, &at, 4, 20, 20, &g1, &g2);
    CHECK(t_box_is(g1, 20, 20, 0, 0), "the whole image + 4 px: the whole image");
    at.x = 5; at.y = 5; at.w = 4; at.h = 3;
    rse__q_grow(&at, &at, 0, 20, 20, &g1, &g2);
    CHECK(t_box_is(g1, 4, 3, 5, 5), "margin 0: the box itself");
    /* two boxes grow alike: each side by what both have room for */
    at.x = 1; at.y = 6; at.w = 5; at.h = 5;
    at2.x = 10; at2.y = 2; at2.w = 5; at2.h = 5;
    rse__q_grow(&at, &at2, 4, 20, 20, &g1, &g2);
    CHECK(t_box_is(g1, 10, 11, 0, 4) && t_box_is(g2, 10, 11, 9, 0),
          "5x5+1+6 and 5x5+10+2 + 4 px in 20x20 (left 1, top 2, right and bottom 4): 10x11+0+4 and 10x11+9+0, got %dx%d+%d+%d and %dx%d+%d+%d", g1.w, g1.h,
          g1.x, g1.y, g2.w, g2.h, g2.x, g2.y);

    /* the floor's shifts read the image mirrored at its borders: a row
       0.0 .. 0.5, the box of its first 3 px shifted by +4 and by -4 */
    rse_image_alloc(&row, 6, 1, 1);
    for (k = 0; k < 6; k++) row.data[k] = 0.1f * k;
    at.x = 0; at.y = 0; at.w = 3; at.h = 1;
    rse__q_crop(&row, &at, 4, 0, &c);
    ok = fabsf(c.data[0] - 0.4f) < 1e-6f && fabsf(c.data[1] - 0.5f) < 1e-6f && fabsf(c.data[2] - 0.4f) < 1e-6f;
    rse_image_free(&c);
    rse__q_crop(&row, &at, -4, 0, &c);
    ok = ok && fabsf(c.data[0] - 0.4f) < 1e-6f && fabsf(c.data[1] - 0.3f) < 1e-6f && fabsf(c.data[2] - 0.2f) < 1e-6f;
    rse_image_free(&c);
    CHECK(ok, "shifted crops reflect at the border without repeating the edge (4 5 4, 4 3 2)");
    at.x = 4; at.w = 3;
    CHECK(rse__q_crop(&row, &at, 0, 0, &c) == RSE_STATUS_BAD_ARG && strstr(rse_last_error(), "outside"),
          "a crop past the image is refused: %s", rse_last_error());
    rse_image_free(&row);

    /* the floor is the mean of the 8 shifted crops' SWDs, each with the
       given patch count */
    t_texture(&a, 96, 96, 23);
    rse__swd_params_init(&p);
    p.seed = 9;
    p.per_image = 256;
    p.ref_norm = 1;
    rse__q_grow(&box, &box, 4, a.w, a.h, &big, &at);
    CHECK(rse__swd_shift_floor(&a, &big, 512, &p, &floor) == RSE_STATUS_OK && floor.levels == 2 && floor.w[0] == 38 &&
          floor.h[0] == 32, "floor of a 38x32 crop: %s, %d levels", rse_last_error(), floor.levels);
    rse__q_crop(&a, &big, 0, 0, &crop_a);
    p.per_image = 512;
    t_shift_mean(&a, &big, &crop_a, &p, mean);
    CHECK(fabs(mean[0] - floor.swd[0]) < 1e-9 * mean[0] && fabs(mean[1] - floor.swd[1]) < 1e-9 * mean[1],
          "floor = the mean over the 8 reflected 4-px shifts: %g %g, by hand %g %g", floor.swd[0], floor.swd[1],
          mean[0], mean[1]);

    /* the region untouched scores at or below its floor; noise of 0.1
       inside the box (not in the margin) far above it */
    t_noisy_copies(&a, &noisy, 1, 0.1f, 77);
    in = box;
    for (k = 0; k < 3; k++)
        for (dy = 0; dy < a.h; dy++)
            for (dx = 0; dx < a.w; dx++) {
                j = ((size_t)k * a.h + dy) * a.w + dx;
                if (dx < in.x || dx >= in.x + in.w || dy < in.y || dy >= in.y + in.h) noisy.data[j] = a.data[j];
            }
    rse__q_crop(&noisy, &big, 0, 0, &crop_n);
    p.per_image = 512;
    rse__swd(&crop_a, &crop_a, 1, &p, &rs);
    rse__swd(&crop_a, &crop_n, 1, &p, &rn);
    printf("region SWD x1e3, finest level: untouched %.2f, noise 0.1 inside %.2f, floor %.2f\n", rs.swd[0], rn.swd[0],
           floor.swd[0]);
    CHECK(rs.swd[0] < 1.2 * floor.swd[0], "untouched region at its floor: %g vs %g", rs.swd[0], floor.swd[0]);
    CHECK(rn.swd[0] > 3 * floor.swd[0], "noisy region above 3x its floor: %g vs %g", rn.swd[0], floor.swd[0]);

    /* every patch position (what `quality --region` uses): no sampling
       noise, so the crop against itself is exactly 0 at every level, with
       one sample or several (the reference's positions repeated) */
    p.all_positions = 1;
    {
        rse_image two[2];
        two[0] = crop_a;
        two[1] = crop_a;
        rse__swd(&crop_a, &crop_a, 1, &p, &rs);
        rse__swd(&crop_a, two, 2, &p, &one);
        CHECK(rs.levels == 2 && rs.swd[0] == 0 && rs.swd[1] == 0 && one.swd[0] == 0 && one.swd[1] == 0,
              "every position: a crop against itself is 0 (%g %g; two copies %g %g)", rs.swd[0], rs.swd[1], one.swd[0],
              one.swd[1]);
        two[1] = crop_n;
        CHECK(rse__swd(&crop_a, two, 2, &p, &one) == RSE_STATUS_OK && one.swd[0] > 0, "a noisy second sample counts");
    }
    t_shift_mean(&a, &big, &crop_a, &p, mean);
    rse__swd_shift_floor(&a, &big, 1, &p, &floor);
    rse__swd(&crop_a, &crop_n, 1, &p, &rn);
    printf("region SWD x1e3 with every position, finest level: untouched 0, noise 0.1 inside %.2f, floor %.2f\n",
           rn.swd[0], floor.swd[0]);
    CHECK(floor.swd[0] > 0 && fabs(mean[0] - floor.swd[0]) < 1e-9 * mean[0] &&
          fabs(mean[1] - floor.swd[1]) < 1e-9 * mean[1], "every position: floor %g %g, by hand %g %g", floor.swd[0],
          floor.swd[1], mean[0], mean[1]);
    CHECK(rn.swd[0] > 3 * floor.swd[0], "every position: noisy region above 3x its floor: %g vs %g", rn.swd[0],
          floor.swd[0]);
    CHECK(rse__swd(&crop_a, &a, 1, &p, &one) == RSE_STATUS_BAD_ARG && strstr(rse_last_error(), "reference's size"),
          "every position needs one size: %s", rse_last_error());
    rse_image_free(&crop_a);
    rse_image_free(&crop_n);
    rse_image_free(&noisy);
    rse_image_free(&a);
}

static void test_psnr_changed(void) {
    rse_image a, b, g, rgb, small;
    double mse, db;
    size_t n = 3 * 40 * 30, cnt, j;
    rse_roi box;
    t_texture(&a, 40, 30, 31);
    rse_image_alloc(&b, 40, 30, 3);
    /* +-0.05 on every value: MSE 0.0025, PSNR 10 log10(400) = 26.0206 dB */
    for (j = 0; j < n; j++) b.data[j] = a.data[j] + (j & 1 ? 0.05f : -0.05f);
    CHECK(rse__psnr(&a, &b, &mse, &db) == RSE_STATUS_OK && fabs(mse - 0.0025) < 1e-8 &&
          fabs(db - 10 * log10(400.0)) < 2e-5, "PSNR of +-0.05: %.6f dB (MSE %.8f), expected 26.0206", db, mse);
    CHECK(rse__psnr(&a, &a, &mse, &db) == RSE_STATUS_OK && mse == 0 && db > 1e300, "PSNR of A and A: +inf");
    /* a gray image is three equal channels */
    rse_image_alloc(&g, 40, 30, 1);
    rse_image_alloc(&rgb, 40, 30, 3);
    for (j = 0; j < 1200; j++) g.data[j] = rgb.data[j] = rgb.data[1200 + j] = rgb.data[2400 + j] = a.data[j];
    CHECK(rse__psnr(&g, &rgb, &mse, &db) == RSE_STATUS_OK && mse == 0, "gray against its RGB expansion: MSE %g", mse);
    rse_image_alloc(&small, 39, 30, 3);
    CHECK(rse__psnr(&a, &small, &mse, &db) == RSE_STATUS_BAD_ARG && strstr(rse_last_error(), "reference's size"),
          "PSNR of two sizes refused: %s", rse_last_error());
    /* changed pixels: none, then two */
    CHECK(rse__changed(&a, &a, &cnt, &box) == RSE_STATUS_OK && cnt == 0 && box.w == 0, "A vs A: nothing changed");
    memcpy(b.data, a.data, n * sizeof(float));
    b.data[(size_t)2 * 1200 + 7 * 40 + 5] += 1e-6f;  /* blue at (5,7) */
    b.data[12 * 40 + 30] = 1.0f - a.data[12 * 40 + 30]; /* red at (30,12) */
    CHECK(rse__changed(&a, &b, &cnt, &box) == RSE_STATUS_OK && cnt == 2 && t_box_is(box, 26, 6, 5, 7),
          "two changed pixels (5,7), (30,12): %zu within %dx%d+%d+%d", cnt, box.w, box.h, box.x, box.y);
    CHECK(rse__changed(&a, &small, &cnt, &box) == RSE_STATUS_BAD_ARG, "changed pixels of two sizes refused");
    rse_image_free(&a);
    rse_image_free(&b);
    rse_image_free(&g);
    rse_image_free(&rgb);
    rse_image_free(&small);
}

/* Pillow 9.4's Image.resize(..., Image.BICUBIC) of a 5x4 RGB image whose
   channel c at (x, y) is (x*53 + y*29 + c*71) * 37 mod 256, planar. */
static void test_bicubic(void) {
    static const uint8_t up[3 * 9 * 7] = {
        0, 46, 156, 129, 78, 188, 255, 196, 151, 8, 66, 182, 157, 95, 141, 191, 190, 187, 31, 98, 213, 198, 127, 68, 61,
        169, 231, 69, 84, 110, 141, 156, 95, 52, 90, 115, 109, 69, 6, 82, 184, 151, 85, 25, 0, 142, 101, 37, 113, 216,
        183, 117, 56, 25, 158, 121, 63, 136, 233, 199, 135, 80, 52, 47, 119, 243, 224, 145, 77, 69, 192, 255, 72, 106,
        165, 179, 162, 106, 78, 138, 174, 118, 86, 36, 105, 194, 159, 97, 50, 26, 149, 105, 36, 123, 239, 198, 123, 57,
        24, 176, 139, 81, 148, 239, 211, 153, 98, 70, 208, 177, 121, 99, 104, 162, 193, 136, 102, 225, 198, 143, 68, 24,
        131, 215, 157, 119, 137, 99, 41, 125, 232, 188, 113, 58, 31, 154, 120, 63, 94, 152, 157, 135, 79, 48, 186, 158,
        103, 45, 17, 108, 175, 117, 80, 232, 199, 134, 58, 18, 133, 220, 151, 107, 230, 206, 159, 97, 62, 151, 220, 170,
        138, 82, 118, 178, 150, 94, 77, 91, 150, 184, 0, 64, 187, 179, 111, 32, 13, 137, 209 };
    static const uint8_t down[3 * 3 * 2] = { 92, 135, 158, 89, 148, 73, 109, 154, 107, 142, 143, 127, 129, 113, 114,
                                             149, 102, 147 };
    uint8_t src[3 * 5 * 4], o1[sizeof up], o2[sizeof down];
    int x, y, c;
    for (c = 0; c < 3; c++)
        for (y = 0; y < 4; y++)
            for (x = 0; x < 5; x++) src[(c * 4 + y) * 5 + x] = (uint8_t)(((x * 53 + y * 29 + c * 71) * 37) % 256);
    CHECK(rse__resample_u8(o1, 9, 7, src, 5, 4, 3, RSE_FILTER_BICUBIC, 0) == RSE_STATUS_OK && !memcmp(o1, up, sizeof up),
          "bicubic 5x4 -> 9x7 equals Pillow's, byte for byte");
    CHECK(rse__resample_u8(o2, 3, 2, src, 5, 4, 3, RSE_FILTER_BICUBIC, 0) == RSE_STATUS_OK &&
          !memcmp(o2, down, sizeof down), "bicubic 5x4 -> 3x2 (antialiased) equals Pillow's, byte for byte");
}

/* The options through the CLI, on 8-bit files in t_dir. */
static void test_quality_cli(void) {
    static const float gain[3] = { 0.6f, 0.8f, 0.7f }, goff[3] = { 0.25f, 0.1f, 0.0f };
    char pa[256], pg[256], ps[256], crop[256];
    rse_image a, g, s;
    double own = 0, ref = 0;
    const char *q;
    int rc;
    sprintf(t_dir, "/tmp/rsedit_quality_%ld", (long)getpid());
    if (mkdir(t_dir, 0700) != 0) {
        SKIP("cannot create %s", t_dir);
        return;
    }
    snprintf(pa, sizeof pa, "%s/a.ppm", t_dir);
    snprintf(pg, sizeof pg, "%s/g.ppm", t_dir);
    snprintf(ps, sizeof ps, "%s/s.ppm", t_dir);
    t_texture(&a, 96, 96, 41);
    t_affine(&a, &g, gain, goff);
    rse_image_alloc(&s, 90, 96, 3);
    rse_image_save(pa, &a);
    rse_image_save(pg, &g);
    rse_image_save(ps, &s);

    rc = t_run("quality", pa, pa, "--region", "30x20+10+10", "--baseline", "--psnr", "--changed", "--json", (char *)0);
    CHECK(rc == 0 && strstr(t_out, "\"ref_norm\":true") && strstr(t_out, "\"crop\":\"38x28+6+6\"") &&
          strstr(t_out, "\"swd\":0,\"baseline_swd\":") && strstr(t_out, "\"finest_swd\":0,") &&
          strstr(t_out, "\"psnr\":[null]") && strstr(t_out, "\"changed\":[{\"pixels\":0,\"box\":null}]") &&
          strstr(t_out, "\"baseline_kind\":\"reflected-shift-4\""), "region of A against itself: %d %s %s", rc, t_out,
          t_err);
    q = strstr(t_out, "\"baseline_finest_swd\":");
    CHECK(q && atof(q + 22) > 0, "the floor of a region is above 0: %s", q ? q : "-");
    /* the crop and the margin, clipped at the image's edges */
    rc = t_run("quality", pa, pa, "--region", "30x20+0+70", "--margin", "8", "--json", (char *)0);
    CHECK(rc == 0 && strstr(t_out, "\"crop\":\"38x34+0+62\"") && strstr(t_out, "\"margin\":8"),
          "30x20+0+70 + 8 px in 96x96: 38x34+0+62: %s", t_out);
    rc = t_run("quality", pa, pa, "--region", "30x20+60+70", "--region-ref", "30x20+2+1", "--json", (char *)0);
    CHECK(rc == 0 && strstr(t_out, "\"crop\":\"36x25+58+69\"") && strstr(t_out, "\"ref_crop\":\"36x25+0+0\""),
          "--region-ref crops REF elsewhere, both grown alike: %s", t_out);
    rc = t_run("quality", pa, pa, "--region", "30x20+10+10", "--patches", "64", "--json", (char *)0);
    CHECK(rc == 0 && !strstr(t_out, "\"finest_swd\":0,"), "--region --patches: random patches, not 0: %s", t_out);
    /* a colour and contrast change: hidden by default, seen with --ref-norm */
    rc = t_run("quality", pa, pg, "--json", (char *)0);
    q = strstr(t_out, "\"finest_swd\":");
    if (q) own = atof(q + 13);
    rc |= t_run("quality", pa, pg, "--json", "--ref-norm", (char *)0);
    q = strstr(t_out, "\"finest_swd\":");
    if (q) ref = atof(q + 13);
    CHECK(rc == 0 && ref > 4 * own && own > 0, "colour-shifted copy: finest SWD %g with --ref-norm, %g without", ref, own);
    rc = t_run("quality", pa, pg, "--psnr", (char *)0);
    CHECK(rc == 0 && strstr(t_out, "PSNR of sample 1:") && strstr(t_out, " dB"), "--psnr prints dB: %s", t_out);
    /* refusals */
    CHECK(t_run("quality", pa, pa, "--margin", "2", (char *)0) == 2 && strstr(t_err, "--margin needs --region"),
          "--margin without --region: %s", t_err);
    CHECK(t_run("quality", pa, pa, "--region", "30x20+0+0", "--region-ref", "20x20+0+0", (char *)0) == 2 &&
          strstr(t_err, "--region-ref 20x20"), "--region-ref of another size: %s", t_err);
    CHECK(t_run("quality", pa, pa, "--region", "30x20+70+0", (char *)0) == 1 && strstr(t_err, "outside the 96x96"),
          "a region past the image: %s", t_err);
    CHECK(t_run("quality", pa, ps, "--psnr", (char *)0) == 1 && strstr(t_err, "reference's size"),
          "--psnr of a 90x96 sample: %s", t_err);
    CHECK(t_run("quality", pa, ps, "--region", "10x10+0+0", (char *)0) == 1 && strstr(t_err, "reference's size"),
          "--region with a 90x96 sample: %s", t_err);
    /* convert --resize, bicubic by default */
    snprintf(crop, sizeof crop, "%s/r.ppm", t_dir);
    rc = t_run("convert", pa, crop, "--resize", "50x40", (char *)0);
    rse_image_free(&s);
    CHECK(rc == 0 && rse_image_load(crop, &s) == RSE_STATUS_OK && s.w == 50 && s.h == 40, "convert --resize 50x40: %s",
          t_err);
    CHECK(t_run("convert", pa, crop, "--filter", "lanczos", (char *)0) == 2 && strstr(t_err, "--filter needs --resize"),
          "--filter without --resize: %s", t_err);
    remove(pa);
    remove(pg);
    remove(ps);
    remove(crop);
    rmdir(t_dir);
    rse_image_free(&a);
    rse_image_free(&g);
    rse_image_free(&s);
}

int main(void) {
    test_filters();
    test_sort();
    test_swd();
    test_diversity();
    test_ref_norm();
    test_region();
    test_psnr_changed();
    test_bicubic();
    test_quality_cli();
    return t_report("test_quality");
}
