/* The quality metrics of sinddm.c's Quality section: the Laplacian pyramid
   they use, the sliced Wasserstein distance between patch sets (ProGAN's
   SWD), pixel diversity and the shifted-copy baseline. SWD must be ~0 for
   the image against itself, grow monotonically with added noise, and rate
   shifted copies of the image far better than noisy ones; diversity must be
   0 for identical samples and match its definition on noise. */
#include "test.h"

/* A 96x96 texture with structure at several scales (so every pyramid level
   has content): blocks, oriented waves, fine grain. */
static void t_texture(rse_image *im, int w, int h, uint64_t seed) {
    rse_rng r;
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
        rse_rng r;
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
    rse_swd_params p;
    rse_swd_result r0, rfew, rn[4], rs, r1, r2;
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
    rse_rng r;
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

int main(void) {
    test_filters();
    test_sort();
    test_swd();
    test_diversity();
    return t_report("test_quality");
}
