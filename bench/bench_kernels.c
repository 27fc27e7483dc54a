/* bench/bench_kernels.c - GFLOP/s of the fast kernels against the measured
   FMA peak of this machine (and against PyTorch when its timings are given).

   make bench   builds this with -O3 -march=native and runs it on 2 threads.
   Usage: bench_kernels [threads] [torch_timings.txt]

   The peak is measured, not taken from a datasheet: a loop of 12
   independent vector FMA chains (enough to cover 2 FMA units x 4-cycle
   latency) per thread, timed on 1 and on `threads` threads. Each kernel is
   run once to warm up, then timed 2 times; the best time is reported, since
   the machine is shared and the slowest runs measure the neighbours. */
#define RSE_NO_MAIN
#include "../rsedit.c"
#include <stdio.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ---- FMA peak ---- */

#define PEAK_ITERS 50000000L
static volatile float peak_sink[RSE_MAX_THREADS]; /* volatile: keeps the loop alive */

static void peak_task(void *ctx, int task, int ntasks) {
    /* distinct starting values, or the compiler merges the identical chains */
    RSE_F32_VEC a0 = RSE_VEC_SET1(0.0f), a1 = RSE_VEC_SET1(0.1f), a2 = RSE_VEC_SET1(0.2f);
    RSE_F32_VEC a3 = RSE_VEC_SET1(0.3f), a4 = RSE_VEC_SET1(0.4f), a5 = RSE_VEC_SET1(0.5f);
    RSE_F32_VEC a6 = RSE_VEC_SET1(0.6f), a7 = RSE_VEC_SET1(0.7f), a8 = RSE_VEC_SET1(0.8f);
    RSE_F32_VEC a9 = RSE_VEC_SET1(0.9f), a10 = RSE_VEC_SET1(1.0f), a11 = RSE_VEC_SET1(1.1f);
    RSE_F32_VEC m = RSE_VEC_SET1(0.999999f), c = RSE_VEC_SET1(1e-7f);
    long i;
    (void)ctx; (void)ntasks;
    for (i = 0; i < PEAK_ITERS; i++) {
        a0 = RSE_VEC_FMA(c, a0, m); a1 = RSE_VEC_FMA(c, a1, m); a2 = RSE_VEC_FMA(c, a2, m);
        a3 = RSE_VEC_FMA(c, a3, m); a4 = RSE_VEC_FMA(c, a4, m); a5 = RSE_VEC_FMA(c, a5, m);
        a6 = RSE_VEC_FMA(c, a6, m); a7 = RSE_VEC_FMA(c, a7, m); a8 = RSE_VEC_FMA(c, a8, m);
        a9 = RSE_VEC_FMA(c, a9, m); a10 = RSE_VEC_FMA(c, a10, m); a11 = RSE_VEC_FMA(c, a11, m);
    }
    a0 = RSE_VEC_ADD(RSE_VEC_ADD(RSE_VEC_ADD(a0, a1), RSE_VEC_ADD(a2, a3)), RSE_VEC_ADD(RSE_VEC_ADD(a4, a5), a6));
    a0 = RSE_VEC_ADD(a0, RSE_VEC_ADD(RSE_VEC_ADD(a7, a8), RSE_VEC_ADD(RSE_VEC_ADD(a9, a10), a11)));
    peak_sink[task] = RSE_VEC_REDUCE(a0);
}

/* GFLOP/s of the FMA loop on nt threads (best of 3). */
static double measure_peak(int nt) {
    double best = 1e30;
    int r;
    rse_set_threads(nt);
    for (r = 0; r < 3; r++) {
        double t = now();
        rse__parallel(nt, peak_task, 0);
        t = now() - t;
        if (t < best) best = t;
    }
    return (double)PEAK_ITERS * 12 * RSE_VEC_WIDTH * 2 * nt / best * 1e-9;
}

/* ---- PyTorch timings: lines "key ms" ---- */

static char torch_keys[64][40];
static double torch_ms[64];
static int ntorch;

static void load_torch(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return;
    while (ntorch < 64 && fscanf(f, "%39s %lf", torch_keys[ntorch], &torch_ms[ntorch]) == 2) ntorch++;
    fclose(f);
}
static double torch_time(const char *key) {
    int i;
    for (i = 0; i < ntorch; i++)
        if (!strcmp(torch_keys[i], key)) return torch_ms[i];
    return 0;
}

static float *rnd(size_t n, rse_rng *r) {
    float *p = (float *)malloc(sizeof(float) * n);
    size_t i;
    if (!p) { fprintf(stderr, "out of memory\n"); exit(1); }
    for (i = 0; i < n; i++) p[i] = 2.0f * rse__rng_uniform(r) - 1.0f;
    return p;
}

static double peak2;

static void row(const char *op, const char *shape, double flops, double sec, const char *tkey) {
    double gf = flops / sec * 1e-9, tms = torch_time(tkey);
    printf("| %-9s | %-28s | %8.2f | %7.1f | %5.1f%% |", op, shape, sec * 1e3, gf, 100.0 * gf / peak2);
    if (tms > 0) printf(" %8.2f | %5.2f |\n", tms, tms / (sec * 1e3));
    else printf("        - |     - |\n");
    fflush(stdout);
}

/* Times forward, backward-data and backward-weight of one conv shape and
   prints three rows. key names the shape in torch_bench.py's output. */
static void bench_conv(rse_conv2d_shape s, const char *label, const char *key, rse_arena *scratch, rse_rng *rng) {
    size_t nx = (size_t)s.N * s.C * s.H * s.W, nw = (size_t)s.K * (s.C / s.groups) * s.KH * s.KW;
    size_t no = (size_t)s.N * s.K * s.Ho * s.Wo;
    float *x = rnd(nx, rng), *w = rnd(nw, rng), *b = rnd((size_t)s.K, rng), *dout = rnd(no, rng);
    float *out = rnd(no, rng), *dx = rnd(nx, rng), *dw = rnd(nw, rng), *db = rnd((size_t)s.K, rng);
    double flops = 2.0 * (double)nw * s.Ho * s.Wo * s.N, best[3] = {1e30, 1e30, 1e30};
    char k2[80];
    int r;
    for (r = 0; r < 3; r++) { /* run 0 is the warm-up */
        double t = now();
        if (rse__conv2d_forward(out, x, w, b, &s, scratch)) { fprintf(stderr, "%s\n", rse_last_error()); exit(1); }
        t = now() - t; if (r && t < best[0]) best[0] = t;
        t = now();
        if (rse__conv2d_backward_data(dx, dout, w, &s, scratch)) { fprintf(stderr, "%s\n", rse_last_error()); exit(1); }
        t = now() - t; if (r && t < best[1]) best[1] = t;
        t = now();
        if (rse__conv2d_backward_weight(dw, db, dout, x, &s, scratch)) { fprintf(stderr, "%s\n", rse_last_error()); exit(1); }
        t = now() - t; if (r && t < best[2]) best[2] = t;
    }
    sprintf(k2, "fwd_%s", key);  row("conv fwd", label, flops, best[0], k2);
    sprintf(k2, "bwdd_%s", key); row("conv bwdD", label, flops, best[1], k2);
    sprintf(k2, "bwdw_%s", key); row("conv bwdW", label, flops, best[2], k2);
    free(x); free(w); free(b); free(dout); free(out); free(dx); free(dw); free(db);
}

static rse_conv2d_shape mkshape(int N, int C, int H, int K, int k, int stride, int pad, int groups) {
    rse_conv2d_shape s;
    s.N = N; s.C = C; s.H = s.W = H; s.K = K; s.KH = s.KW = k;
    s.stride = stride; s.pad = pad; s.groups = groups;
    s.Ho = s.Wo = (H + 2 * pad - k) / stride + 1;
    return s;
}

int main(int argc, char **argv) {
    int nt = argc > 1 ? atoi(argv[1]) : 2, ci, hi, ni, r, gi;
    static const int chans[2][2] = {{80, 160}, {160, 160}}, hws[2] = {111, 223}, batches[2] = {1, 4};
    static const int gemms[4][4] = {{512, 512, 512, 0}, {1024, 1024, 1024, 0}, {50, 3072, 768, 0}, {50, 3072, 768, 1}};
    double peak1;
    rse_arena scratch;
    rse_rng rng;
    if (argc > 2) load_torch(argv[2]);
    rse__rng_seed(&rng, 1);
    rse__arena_init(&scratch, 0, 0);
    peak1 = measure_peak(1);
    peak2 = measure_peak(nt);
    printf("SIMD path: %s; FMA peak measured: %.1f GFLOP/s on 1 thread, %.1f on %d threads\n",
           RSE_SIMD_NAME, peak1, peak2, nt);
    printf("Kernels run on %d threads; best of 2 timed runs after a warm-up. %% = of the %d-thread peak.\n", nt, nt);
    printf("torch = PyTorch %s on 2 threads (ms); ratio = torch time / our time (> 1: we are faster).\n\n",
           ntorch ? "CPU" : "(not available)");
    printf("| op        | shape                        |       ms | GFLOP/s |  peak  | torch ms | ratio |\n");
    printf("|-----------|------------------------------|----------|---------|--------|----------|-------|\n");
    rse_set_threads(nt);
    for (ci = 0; ci < 2; ci++)
        for (hi = 0; hi < 2; hi++)
            for (ni = 0; ni < 2; ni++) {
                char label[64], key[64];
                rse_conv2d_shape s = mkshape(batches[ni], chans[ci][0], hws[hi], chans[ci][1], 3, 1, 1, 1);
                sprintf(label, "3x3 %d->%d %dx%d N=%d", s.C, s.K, s.H, s.W, s.N);
                sprintf(key, "%d_%d_%d_%d", s.C, s.K, s.H, s.N);
                bench_conv(s, label, key, &scratch, &rng);
            }
    /* SinDDM's other convolutions, and CLIP's patch embedding */
    bench_conv(mkshape(1, 160, 223, 160, 5, 1, 2, 160), "dw 5x5 160ch 223x223 N=1", "dw_160_223_1", &scratch, &rng);
    bench_conv(mkshape(1, 80, 223, 160, 1, 1, 0, 1), "1x1 80->160 223x223 N=1", "pw_80_160_223_1", &scratch, &rng);
    bench_conv(mkshape(1, 3, 224, 768, 32, 32, 0, 1), "32x32/32 3->768 224x224 N=1", "patch_3_768_224_1", &scratch, &rng);
    for (gi = 0; gi < 4; gi++) {
        int M = gemms[gi][0], N = gemms[gi][1], K = gemms[gi][2], tb = gemms[gi][3];
        float *A = rnd((size_t)M * K, &rng), *B = rnd((size_t)K * N, &rng), *C = rnd((size_t)M * N, &rng);
        double best = 1e30;
        char shape[64], key[64];
        for (r = 0; r < 4; r++) {
            double t = now();
            rse__sgemm(0, tb, M, N, K, 1.0f, A, K, B, tb ? K : N, 0.0f, C, N);
            t = now() - t;
            if (r && t < best) best = t;
        }
        sprintf(shape, "%dx%dx%d%s", M, N, K, tb ? " B^T" : "");
        sprintf(key, "gemm_%d_%d_%d_%d", M, N, K, tb);
        row("sgemm", shape, 2.0 * M * N * K, best, key);
        free(A); free(B); free(C);
    }
    rse__arena_free(&scratch);
    return 0;
}
