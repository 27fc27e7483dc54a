/* bench/bench.c - `make bench`: one table of rsedit against PyTorch on the
   same work, written also to bench/latest.json.

   Usage: bench [--threads N] [--quick] [--attempts N] [--only kernels|sd|clip|edit]
                [--json PATH] [--shared DIR]                        the whole run
          bench --write-clip KEYS.tsv OUT.safetensors    a random fp16 CLIP
          bench --threads N --child KIND ARGS...             one case (internal)

   The driver measures the FMA peak of the machine (12 independent vector FMA
   chains per thread: enough to cover 2 FMA units x 4-cycle latency), then
   runs every case in a child process of its own (fork + exec of this binary
   with --child), so that the child's peak resident memory, which wait4()
   returns, belongs to that case alone. When /usr/bin/python3 can import
   torch, bench/torch_bench.py runs the same case in a fresh Python process
   the same way (its RSS includes the interpreter and libtorch; the header
   prints that baseline).

   Cases:
     - kernels: 3x3 conv forward / backward-data / backward-weight at
       SinDDM's shapes, depthwise 5x5, 1x1, CLIP's patch conv, sgemm;
     - the SinDDM denoiser: training step (forward + backward of the L1 loss
       on the noise + Adam, on a fixed batch, as rse__sd_train_step does it
       with micro-batches of one image) and forward alone (no tape), at
       four shapes;
     - a ViT-B-32-shaped CLIP (random fp16 weights, written by this program
       to build/bench_vitb32_fp16.safetensors): image encode and encode +
       input gradient, batch 1 and 16, at 224x224;
     - `rsedit embed --image` with that checkpoint: wall time and peak RSS
       of the whole command (issue: at most 400 MB);
     - edit: a whole `rsedit edit` of a 256x256 image per CLIP shape
       (ViT-B-32 and RN50 at 16 views, ViT-L-14 at 4; random fp16 weights
       from SHARED's state-dict key lists): time, GFLOP counted at the
       kernels' entry points, peak RSS (issue 25).

   Each case: one warm-up call, then timed calls until a repetition count
   or a time budget is reached (at least 2); the best time is reported,
   since the machine is shared and slower runs measure the neighbours.
   GFLOP/s come from analytic FLOP counts (2 per multiply-add of the
   convolutions and matrix products; see each case), never from a profiler. */
#define _DEFAULT_SOURCE 1 /* wait4, fork, execv with -std=c99 */
#define RSE_NO_MAIN
#define RSE_COUNT_MACS /* the edit rows' GFLOP (tensor.h 7.x entry points) */
#include "../rsedit.c"
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/time.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "bench: %s: %s\n", what, rse_last_error());
    exit(1);
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) { fprintf(stderr, "bench: out of memory (%zu bytes)\n", n); exit(1); }
    return p;
}

static float *rnd(size_t n, rse__rng *r, float lo, float hi) {
    float *p = (float *)xmalloc(sizeof(float) * n);
    size_t i;
    for (i = 0; i < n; i++) p[i] = lo + (hi - lo) * rse__rng_uniform(r);
    return p;
}

/* Best time of fn: one warm-up, then up to maxr timed calls, stopping early
   (after at least 2) once budget seconds have been spent. */
typedef void (*bench_fn)(void *ctx);
static double best_of(bench_fn fn, void *ctx, int maxr, double budget) {
    double best = 1e30, start, t;
    int r;
    if (getenv("BENCH_REPS")) { maxr = atoi(getenv("BENCH_REPS")); budget = 1e9; } /* for profiling */
    fn(ctx);
    start = now();
    for (r = 0; r < maxr; r++) {
        t = now();
        fn(ctx);
        t = now() - t;
        if (t < best) best = t;
        if (r >= 1 && now() - start > budget) break;
    }
    return best;
}

/* A child reports each result as "ROW key ms flops label..." on stdout. */
static void report(const char *key, double sec, double flops, const char *label) {
    printf("ROW %s %.6f %.6g %s\n", key, sec * 1e3, flops, label);
    fflush(stdout);
}

/* ===========================================================================
   FMA peak
   ========================================================================= */

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

/* ===========================================================================
   Child cases
   ========================================================================= */

/* ---- kernels ---- */

typedef struct { rse__conv2d_shape s; float *x, *w, *b, *dout, *out, *dx, *dw, *db; rse__arena *scratch; } conv_ctx;
static void conv_fwd(void *p) {
    conv_ctx *c = (conv_ctx *)p;
    if (rse__conv2d_forward(c->out, c->x, c->w, c->b, &c->s, c->scratch)) die("conv forward");
}
static void conv_bwdd(void *p) {
    conv_ctx *c = (conv_ctx *)p;
    if (rse__conv2d_backward_data(c->dx, c->dout, c->w, &c->s, c->scratch)) die("conv backward-data");
}
static void conv_bwdw(void *p) {
    conv_ctx *c = (conv_ctx *)p;
    if (rse__conv2d_backward_weight(c->dw, c->db, c->dout, c->x, &c->s, c->scratch)) die("conv backward-weight");
}

/* conv N C H K k stride pad groups -> three rows. FLOPs: 2 x K x (C/groups)
   x k x k x Ho x Wo x N for each direction (backward-weight's bias sum is
   not counted). Best of 2 after a warm-up, as the kernel bench always did. */
static void child_conv(char **a) {
    conv_ctx c;
    rse__conv2d_shape *s = &c.s;
    rse__arena scratch;
    rse__rng rng;
    size_t nx, nw, no;
    double flops;
    char key[64], label[96], kk[80], ll[128];
    s->N = atoi(a[0]); s->C = atoi(a[1]); s->H = s->W = atoi(a[2]); s->K = atoi(a[3]);
    s->KH = s->KW = atoi(a[4]); s->stride = atoi(a[5]); s->pad = atoi(a[6]); s->groups = atoi(a[7]);
    s->Ho = s->Wo = (s->H + 2 * s->pad - s->KH) / s->stride + 1;
    nx = (size_t)s->N * s->C * s->H * s->W;
    nw = (size_t)s->K * (s->C / s->groups) * s->KH * s->KW;
    no = (size_t)s->N * s->K * s->Ho * s->Wo;
    rse__rng_seed(&rng, 1);
    rse__arena_init(&scratch, 0, 0);
    c.scratch = &scratch;
    c.x = rnd(nx, &rng, -1, 1); c.w = rnd(nw, &rng, -1, 1); c.b = rnd((size_t)s->K, &rng, -1, 1);
    c.dout = rnd(no, &rng, -1, 1); c.out = rnd(no, &rng, -1, 1); c.dx = rnd(nx, &rng, -1, 1);
    c.dw = rnd(nw, &rng, -1, 1); c.db = rnd((size_t)s->K, &rng, -1, 1);
    flops = 2.0 * (double)nw * s->Ho * s->Wo * s->N;
    /* the key is the one torch_bench.py prints for this shape */
    if (s->groups > 1) sprintf(key, "dw_%d_%d_%d", s->C, s->H, s->N);
    else if (s->KH == 1) sprintf(key, "pw_%d_%d_%d_%d", s->C, s->K, s->H, s->N);
    else if (s->stride > 1) sprintf(key, "patch_%d_%d_%d_%d", s->C, s->K, s->H, s->N);
    else sprintf(key, "%d_%d_%d_%d", s->C, s->K, s->H, s->N);
    if (s->groups > 1) sprintf(label, "dw %dx%d %dch %dx%d N=%d", s->KH, s->KW, s->C, s->H, s->W, s->N);
    else if (s->stride > 1) sprintf(label, "%dx%d/%d %d->%d %dx%d N=%d", s->KH, s->KW, s->stride, s->C, s->K, s->H, s->W, s->N);
    else sprintf(label, "%dx%d %d->%d %dx%d N=%d", s->KH, s->KW, s->C, s->K, s->H, s->W, s->N);
    sprintf(kk, "fwd_%s", key);  sprintf(ll, "conv fwd %s", label);
    report(kk, best_of(conv_fwd, &c, 2, 1e9), flops, ll);
    sprintf(kk, "bwdd_%s", key); sprintf(ll, "conv bwdD %s", label);
    report(kk, best_of(conv_bwdd, &c, 2, 1e9), flops, ll);
    sprintf(kk, "bwdw_%s", key); sprintf(ll, "conv bwdW %s", label);
    report(kk, best_of(conv_bwdw, &c, 2, 1e9), flops, ll);
}

typedef struct { int M, N, K, tb; float *A, *B, *C; } gemm_ctx;
static void gemm_run(void *p) {
    gemm_ctx *g = (gemm_ctx *)p;
    rse__sgemm(0, g->tb, g->M, g->N, g->K, 1.0f, g->A, g->K, g->B, g->tb ? g->K : g->N, 0.0f, g->C, g->N);
}

/* gemm M N K tb: C = A B (tb: A B^T, a linear layer's (out,in) weights). */
static void child_gemm(char **a) {
    gemm_ctx g;
    rse__rng rng;
    char key[64], label[96];
    g.M = atoi(a[0]); g.N = atoi(a[1]); g.K = atoi(a[2]); g.tb = atoi(a[3]);
    rse__rng_seed(&rng, 2);
    g.A = rnd((size_t)g.M * g.K, &rng, -1, 1);
    g.B = rnd((size_t)g.K * g.N, &rng, -1, 1);
    g.C = rnd((size_t)g.M * g.N, &rng, -1, 1);
    sprintf(key, "gemm_%d_%d_%d_%d", g.M, g.N, g.K, g.tb);
    sprintf(label, "sgemm %dx%dx%d%s", g.M, g.N, g.K, g.tb ? " B^T" : "");
    report(key, best_of(gemm_run, &g, 3, 1e9), 2.0 * g.M * g.N * g.K, label);
}

/* ---- SinDDM denoiser ---- */

/* Multiply-adds per output pixel of the denoiser at any dim: per block the
   depthwise 5x5 (25 din), the two 3x3 convs (9 din dout + 9 dout dout) and
   the 1x1 residual when the width changes (din dout); then the final 1x1
   (3 half). The time MLPs act once per image, not per pixel, and the bias,
   GELU and adds are a few per channel: both left out (sinddm.md section 13
   does the same; at dim 160 this gives its 1,075,115). */
static double sd_macs_per_pixel(int dim) {
    const int half = dim / 2, din[4] = { 3, half, dim, dim }, dout[4] = { half, dim, dim, half };
    double m = 3.0 * half;
    int b;
    for (b = 0; b < 4; b++) {
        m += 25.0 * din[b] + 9.0 * din[b] * dout[b] + 9.0 * dout[b] * dout[b];
        if (din[b] != dout[b]) m += (double)din[b] * dout[b];
    }
    return m;
}

typedef struct {
    rse__sd_net net;
    float *w, *g, *m, *v, *x, *eps;
    int ts[64], s, B, H, train;
    long step;
    rse__arena arena, scratch;
    rse__sd_trainer tr;
} sd_ctx;

/* One step on the fixed batch: what rse__sd_train_step does (forward, L1
   loss, backward, Adam through rse__sd_batch_grad), minus the noising of
   the pyramid image, which is O(pixels) and the same in both. Training
   runs as `rsedit train --micro-batch 1` does: the batch's gradient summed
   over one-image micro-batches, run side by side on the threads, so the
   activations held are one image's per thread, not B's. The forward case
   runs the whole batch with no_grad, as sampling does. */
static void sd_run(void *p) {
    sd_ctx *c = (sd_ctx *)p;
    rse__tape t;
    rse__tensor *xt;
    int sh[4];
    double loss;
    if (c->train) {
        if (rse__sd_batch_grad(&c->tr, &c->net, c->w, c->g, c->x, c->eps, c->ts, c->s, c->B, 1, c->H, c->H,
                               (size_t)c->H * c->H, &loss) != RSE_STATUS_OK)
            die("denoiser backward");
        c->step++;
        rse__adam_step(c->w, c->g, c->m, c->v, c->net.total, c->step, 1e-3f, 0.9f, 0.999f, 1e-8f);
        return;
    }
    rse__arena_reset(&c->arena);
    rse__tape_init(&t, &c->arena, &c->scratch);
    t.no_grad = 1;
    sh[0] = c->B; sh[1] = 3; sh[2] = c->H; sh[3] = c->H;
    xt = rse__tensor_wrap(&t, c->x, 4, sh);
    if (!rse__sd_forward(&t, &c->net, xt, c->ts, c->s)) die("denoiser forward");
}

/* sd train|fwd dim B H */
static void child_sd(char **a) {
    sd_ctx c;
    rse__rng rng;
    size_t n, i;
    double flops, sec;
    char key[64], label[96];
    memset(&c, 0, sizeof c);
    c.train = !strcmp(a[0], "train");
    c.B = atoi(a[2]); c.H = atoi(a[3]); c.s = 1;
    if (c.B < 1 || c.B > 64 || c.H < 8) { fprintf(stderr, "bench: bad denoiser case\n"); exit(2); }
    if (rse__sd_net_layout(&c.net, atoi(a[1]))) die("layout");
    c.w = (float *)xmalloc(4 * c.net.total * sizeof(float));
    memset(c.w, 0, 4 * c.net.total * sizeof(float));
    c.g = c.w + c.net.total; c.m = c.g + c.net.total; c.v = c.m + c.net.total;
    rse__sd_net_bind(&c.net, c.w, c.train ? c.g : 0);
    rse__rng_seed(&rng, 3);
    rse__sd_net_init(&c.net, c.w, &rng);
    n = (size_t)c.B * 3 * c.H * c.H;
    c.x = (float *)xmalloc(n * sizeof(float));
    c.eps = (float *)xmalloc(n * sizeof(float));
    rse__rng_normal(&rng, c.x, n);
    rse__rng_normal(&rng, c.eps, n);
    for (i = 0; i < (size_t)c.B; i++) c.ts[i] = (int)((17 + 29 * i) % 100);
    rse__arena_init(&c.arena, 0, 0);
    rse__arena_init(&c.scratch, 0, 0);
    /* training = forward + backward-data + backward-weight: 3 x forward */
    flops = 2.0 * sd_macs_per_pixel(c.net.dim) * c.B * c.H * c.H * (c.train ? 3 : 1);
    sec = best_of(sd_run, &c, c.train ? 3 : 5, c.train ? 8.0 : 5.0);
    sprintf(key, "sd_%s_%d_%d_%d", a[0], c.net.dim, c.B, c.H);
    sprintf(label, "sd %s dim%d B%d %dx%d", c.train ? "train" : "fwd", c.net.dim, c.B, c.H, c.H);
    report(key, sec, flops, label);
}

/* ---- CLIP ViT-B-32 ---- */

/* The ViT-B-32 shapes (OpenAI / RemoteCLIP): vision width 768, 12 layers,
   patch 32, 224 px (grid 7, 50 tokens); text width 512, 12 layers, context
   77, vocabulary 49408; embedding 512. */
enum { VW = 768, VL = 12, VP = 32, VS = 224, TW = 512, TL = 12, TC = 77, TV = 49408, EMB = 512 };

/* Multiply-adds of one image through the image tower: patch conv, per
   layer the qkv/out projections and the 4x MLP (12 W^2 per token) and the
   two attention products (2 L^2 W), then the projection. The input
   gradient (no weight gradients) repeats every linear product once more
   (backward-data) and the attention products twice (both operands need
   their gradient): grad = 2 x forward + attention. */
static void vit_macs(double *fwd, double *grad) {
    const double L = 1 + (VS / VP) * (VS / VP), W = VW;
    double lin = 3.0 * VP * VP * W * (L - 1) + VL * 12.0 * W * W * L + W * EMB;
    double att = VL * 2.0 * L * L * W;
    *fwd = lin + att;
    *grad = 2.0 * lin + 3.0 * att;
}

/* IEEE half from float, round to nearest even; tiny values flush to zero
   and huge ones saturate to infinity (random weights here are all < 2). */
static uint16_t f2h(float f) {
    uint32_t x, m, h;
    int e;
    memcpy(&x, &f, 4);
    m = x & 0x7fffffu;
    e = (int)((x >> 23) & 0xff) - 127 + 15;
    h = (x >> 16) & 0x8000u;
    if (e <= 0) return (uint16_t)h;
    if (e >= 31) return (uint16_t)(h | 0x7c00u);
    h |= ((uint32_t)e << 10) | (m >> 13);
    if ((m & 0x1fffu) > 0x1000u || ((m & 0x1fffu) == 0x1000u && (h & 1u))) h++;
    return (uint16_t)h;
}

typedef struct { char name[96]; int nd, shape[4]; float base, scale; } st_entry;

static int st_add(st_entry *e, int n, const char *name, int nd, int d0, int d1, int d2, int d3, float base, float scale) {
    snprintf(e[n].name, sizeof e[n].name, "%.95s", name);
    e[n].nd = nd; e[n].shape[0] = d0; e[n].shape[1] = d1; e[n].shape[2] = d2; e[n].shape[3] = d3;
    e[n].base = base; e[n].scale = scale;
    return n + 1;
}

static int st_tower(st_entry *e, int n, const char *prefix, int W, int layers) {
    char nm[96];
    int i;
    float s = 1.0f / sqrtf((float)W);
    for (i = 0; i < layers; i++) {
#define T_(suf, nd, d0, d1, base, sc) \
        snprintf(nm, sizeof nm, "%sresblocks.%d.%s", prefix, i, suf); \
        n = st_add(e, n, nm, nd, d0, d1, 0, 0, base, sc)
        T_("ln_1.weight", 1, W, 0, 1.0f, 0.1f);
        T_("ln_1.bias", 1, W, 0, 0.0f, 0.1f);
        T_("attn.in_proj_weight", 2, 3 * W, W, 0.0f, 2.0f * s);
        T_("attn.in_proj_bias", 1, 3 * W, 0, 0.0f, 0.1f);
        T_("attn.out_proj.weight", 2, W, W, 0.0f, s);
        T_("attn.out_proj.bias", 1, W, 0, 0.0f, 0.1f);
        T_("ln_2.weight", 1, W, 0, 1.0f, 0.1f);
        T_("ln_2.bias", 1, W, 0, 0.0f, 0.1f);
        T_("mlp.c_fc.weight", 2, 4 * W, W, 0.0f, s);
        T_("mlp.c_fc.bias", 1, 4 * W, 0, 0.0f, 0.1f);
        T_("mlp.c_proj.weight", 2, W, 4 * W, 0.0f, 0.5f * s);
        T_("mlp.c_proj.bias", 1, W, 0, 0.0f, 0.1f);
#undef T_
    }
    return n;
}

/* Writes the n entries as safetensors: F16 values base + scale * U(-1, 1)
   from one stream (seed 4), or, where is_i64[i] (may be NULL), I64 zeros
   (BatchNorm's num_batches_tracked), which take nothing from the stream. */
static void st_write(const char *path, const st_entry *e, int n, const int *is_i64) {
    size_t off = 0, hlen, cap = 0;
    char *hdr = (char *)xmalloc(200 * (size_t)n + 64);
    uint16_t *buf = 0;
    rse__rng rng;
    FILE *f;
    int i, k;
    hlen = (size_t)sprintf(hdr, "{");
    for (i = 0; i < n; i++) {
        size_t cnt = 1, el = is_i64 && is_i64[i] ? 8 : 2;
        for (k = 0; k < e[i].nd; k++) cnt *= (size_t)e[i].shape[k];
        hlen += (size_t)sprintf(hdr + hlen, "%s\"%s\":{\"dtype\":\"%s\",\"shape\":[", i ? "," : "", e[i].name,
                                el == 8 ? "I64" : "F16");
        for (k = 0; k < e[i].nd; k++) hlen += (size_t)sprintf(hdr + hlen, k ? ",%d" : "%d", e[i].shape[k]);
        hlen += (size_t)sprintf(hdr + hlen, "],\"data_offsets\":[%zu,%zu]}", off, off + el * cnt);
        off += el * cnt;
    }
    hlen += (size_t)sprintf(hdr + hlen, "}");
    while (hlen % 8) hdr[hlen++] = ' '; /* the format's customary alignment */
    f = fopen(path, "wb");
    if (!f) { perror(path); exit(1); }
    {
        unsigned char l8[8];
        for (k = 0; k < 8; k++) l8[k] = (unsigned char)((uint64_t)hlen >> (8 * k));
        fwrite(l8, 1, 8, f);
        fwrite(hdr, 1, hlen, f);
    }
    rse__rng_seed(&rng, 4);
    for (i = 0; i < n; i++) {
        size_t cnt = 1, j;
        for (k = 0; k < e[i].nd; k++) cnt *= (size_t)e[i].shape[k];
        if (is_i64 && is_i64[i]) {
            static const unsigned char zero[8] = { 0 };
            for (j = 0; j < cnt; j++) fwrite(zero, 1, 8, f);
            continue;
        }
        if (cnt > cap) { free(buf); cap = cnt; buf = (uint16_t *)xmalloc(cap * 2); }
        for (j = 0; j < cnt; j++) {
            uint16_t h = f2h(e[i].base + e[i].scale * (2.0f * rse__rng_uniform(&rng) - 1.0f));
            ((unsigned char *)buf)[2 * j] = (unsigned char)h; /* little-endian */
            ((unsigned char *)buf)[2 * j + 1] = (unsigned char)(h >> 8);
        }
        if (fwrite(buf, 2, cnt, f) != cnt) { perror(path); exit(1); }
    }
    if (fclose(f)) { perror(path); exit(1); }
    free(buf); free(hdr);
}

/* Writes a ViT-B-32-shaped CLIP in open_clip's key layout as fp16
   safetensors, uniform random weights scaled like
   tools/make_clip_fixtures.py's (LayerNorm gains near 1, projections
   ~1/sqrt(width)), so activations stay in range through 12 layers. About
   300 MB, like RemoteCLIP-ViT-B-32.pt; skipped when already there. */
static void write_clip_checkpoint(const char *path) {
    static st_entry e[400];
    int n = 0;
    n = st_add(e, n, "visual.class_embedding", 1, VW, 0, 0, 0, 0.0f, 0.5f);
    n = st_add(e, n, "visual.positional_embedding", 2, 1 + (VS / VP) * (VS / VP), VW, 0, 0, 0.0f, 0.5f);
    n = st_add(e, n, "visual.proj", 2, VW, EMB, 0, 0, 0.0f, 0.25f / sqrtf((float)VW) * 4);
    n = st_add(e, n, "visual.conv1.weight", 4, VW, 3, VP, VP, 0.0f, 1.0f / sqrtf(3.0f * VP * VP));
    n = st_add(e, n, "visual.ln_pre.weight", 1, VW, 0, 0, 0, 1.0f, 0.1f);
    n = st_add(e, n, "visual.ln_pre.bias", 1, VW, 0, 0, 0, 0.0f, 0.1f);
    n = st_tower(e, n, "visual.transformer.", VW, VL);
    n = st_add(e, n, "visual.ln_post.weight", 1, VW, 0, 0, 0, 1.0f, 0.1f);
    n = st_add(e, n, "visual.ln_post.bias", 1, VW, 0, 0, 0, 0.0f, 0.1f);
    n = st_add(e, n, "positional_embedding", 2, TC, TW, 0, 0, 0.0f, 0.2f);
    n = st_add(e, n, "text_projection", 2, TW, EMB, 0, 0, 0.0f, 1.0f / sqrtf((float)TW));
    n = st_add(e, n, "logit_scale", 0, 0, 0, 0, 0, 4.6052f, 0.0f);
    n = st_add(e, n, "token_embedding.weight", 2, TV, TW, 0, 0, 0.0f, 0.5f);
    n = st_add(e, n, "ln_final.weight", 1, TW, 0, 0, 0, 1.0f, 0.1f);
    n = st_add(e, n, "ln_final.bias", 1, TW, 0, 0, 0, 0.0f, 0.1f);
    n = st_tower(e, n, "transformer.", TW, TL);
    st_write(path, e, n, 0);
}

typedef struct { rse_clip *m; float *x, *temb, *out, *cos, *grad; int n, grad_mode; } clip_ctx;
static void clip_run(void *p) {
    clip_ctx *c = (clip_ctx *)p;
    rse_status st = c->grad_mode ? rse_clip_image_grad(c->m, c->x, c->n, VS, VS, c->temb, c->cos, c->grad)
                                 : rse_clip_encode_image(c->m, c->x, c->n, VS, VS, c->out);
    if (st) die("clip");
}

/* clip enc|grad B fp32 PATH. encode: x already normalised (random ~N(0,1)
   scale); grad: x in [0,1], normalised inside, d cos(E(x), text) / dx
   against a fixed random text embedding. */
static void child_clip(char **a) {
    clip_ctx c;
    rse_clip_options o;
    rse__rng rng;
    double fwd, grad;
    size_t nx;
    char key[64], label[96];
    memset(&c, 0, sizeof c);
    c.grad_mode = !strcmp(a[0], "grad");
    c.n = atoi(a[1]);
    rse_clip_options_init(&o);
    o.fp32 = atoi(a[2]);
    if (rse_clip_load(&c.m, a[3], &o)) die("clip load");
    rse__rng_seed(&rng, 5);
    nx = (size_t)c.n * 3 * VS * VS;
    c.x = c.grad_mode ? rnd(nx, &rng, 0, 1) : rnd(nx, &rng, -1.7f, 1.7f);
    c.temb = rnd(EMB, &rng, -1, 1);
    c.out = (float *)xmalloc((size_t)c.n * EMB * sizeof(float));
    c.cos = (float *)xmalloc((size_t)c.n * sizeof(float));
    c.grad = c.grad_mode ? (float *)xmalloc(nx * sizeof(float)) : 0;
    vit_macs(&fwd, &grad);
    sprintf(key, "clip_%s_%d%s", a[0], c.n, o.fp32 ? "_fp32" : "");
    sprintf(label, "clip %s B%d 224%s", c.grad_mode ? "encode+grad" : "encode", c.n, o.fp32 ? " (fp32 w)" : "");
    report(key, best_of(clip_run, &c, c.n > 1 ? 3 : 5, 6.0), 2.0 * (c.grad_mode ? grad : fwd) * c.n, label);
}

/* ---- text edits (issue 25) ---- */

/* Writes a CLIP of the shapes in a state-dict key list (SHARED/data/clip/
   state_dict_keys_*.tsv: name, [shape], dtype per line) as fp16
   safetensors with uniform random weights, scaled so that activations stay
   in range: LayerNorm and BatchNorm gains near 1, running variances near
   1, biases and means near 0, matrices and kernels +-1/sqrt(fan in) (the
   projections stored (in, out) by their rows), embeddings +-0.5, the logit
   scale log(100). int64 entries (num_batches_tracked) are written as I64
   zeros. For timing and memory only: the edits it guides mean nothing. */
static void write_clip_from_tsv(const char *tsv, const char *path) {
    static st_entry e[1024];
    static int is_i64[1024];
    char line[512];
    int n = 0, k;
    FILE *f = fopen(tsv, "r");
    if (!f) { perror(tsv); exit(1); }
    while (fgets(line, sizeof line, f) && n < 1024) {
        char *tab = strchr(line, '\t'), *sh, *dt;
        int nd = 0, d[4] = { 0, 0, 0, 0 };
        size_t fan = 1;
        float base = 0.0f, sc;
        if (!tab) continue;
        *tab = 0;
        sh = tab + 1;
        dt = strchr(sh, '\t');
        if (!dt) continue;
        *dt++ = 0;
        for (sh = strchr(sh, '['); sh && *sh && *sh != ']'; ) {
            sh++;
            while (*sh == ' ') sh++;
            if (*sh == ']' || nd == 4) break;
            d[nd++] = (int)strtol(sh, &sh, 10);
        }
        for (k = 1; k < nd; k++) fan *= (size_t)d[k];
        if (strstr(line, "proj") && !strstr(line, "weight") && !strstr(line, "bias") && nd == 2) fan = (size_t)d[0];
        if (nd == 0) { base = strstr(line, "logit_scale") ? 4.6052f : 0.0f; sc = 0.0f; }
        else if (strstr(line, "running_var")) { base = 1.0f; sc = 0.1f; }
        else if (nd == 1 && strstr(line, "weight")) { base = 1.0f; sc = 0.1f; }       /* LayerNorm / BatchNorm gains */
        else if (nd == 1) sc = 0.1f;                                                /* biases, means, class embedding */
        else if (strstr(line, "embedding")) sc = strstr(line, "token") ? 0.5f : 0.2f;
        else sc = 1.0f / sqrtf((float)fan);
        if (!strcmp(line, "visual.class_embedding")) sc = 0.5f;
        is_i64[n] = strstr(dt, "int64") != 0;
        n = st_add(e, n, line, nd, d[0], d[1], d[2], d[3], base, sc);
    }
    fclose(f);
    st_write(path, e, n, is_i64);
}

/* edit MODEL IMAGE CLIP VOCAB VIEWS NAME: the whole `rsedit edit` command
   (load, text side, every guided step, scores, output and sidecar) run
   in-process through rse_cli_main, so that its multiply-adds are counted
   (RSE_COUNT_MACS); wall time of the one run, the driver adds the peak RSS
   of this process. One run: an edit takes a minute or more. */
static void child_edit(char **a) {
    char *argv[24], key[64], label[96], thr[16];
    int n = 0, rc;
    double t;
    argv[n++] = "rsedit"; argv[n++] = "edit"; argv[n++] = a[0]; argv[n++] = a[1];
    argv[n++] = "-o"; argv[n++] = "build/bench_edit.png"; argv[n++] = "--clip"; argv[n++] = a[2];
    argv[n++] = "--vocab"; argv[n++] = a[3]; argv[n++] = "--text"; argv[n++] = "a fire in the forest";
    argv[n++] = "--views"; argv[n++] = a[4]; argv[n++] = "--seed"; argv[n++] = "1";
    sprintf(thr, "%d", rse_get_threads());
    argv[n++] = "--threads"; argv[n++] = thr; argv[n++] = "--quiet"; argv[n] = 0;
    rse__macs = 0;
    t = now();
    rc = rse_cli_main(n, argv);
    t = now() - t;
    if (rc) { fprintf(stderr, "bench: edit failed (%d)\n", rc); exit(1); }
    sprintf(key, "edit_%s_%s", a[5], a[4]);
    sprintf(label, "edit 256x256 %s %s views", a[5], a[4]);
    report(key, t, 2.0 * (double)rse__macs, label);
}

static int run_child(int argc, char **argv) {
    if (argc >= 1 && !strcmp(argv[0], "conv") && argc == 9) child_conv(argv + 1);
    else if (argc >= 1 && !strcmp(argv[0], "gemm") && argc == 5) child_gemm(argv + 1);
    else if (argc >= 1 && !strcmp(argv[0], "sd") && argc == 5) child_sd(argv + 1);
    else if (argc >= 1 && !strcmp(argv[0], "clip") && argc == 5) child_clip(argv + 1);
    else if (argc >= 1 && !strcmp(argv[0], "edit") && argc == 7) child_edit(argv + 1);
    else { fprintf(stderr, "bench: bad --child arguments\n"); return 2; }
    return 0;
}

/* ===========================================================================
   Driver
   ========================================================================= */

/* Busy CPU seconds of the whole machine so far (all cores), from
   /proc/stat; -1 where it is unreadable. */
static double machine_busy(void) {
    FILE *f = fopen("/proc/stat", "r");
    unsigned long long v[8] = { 0 };
    double hz = (double)sysconf(_SC_CLK_TCK);
    int n;
    if (!f) return -1;
    n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
    fclose(f);
    if (n < 8 || hz <= 0) return -1;
    /* user nice system [idle iowait] irq softirq steal */
    return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / hz;
}

/* CPU used by other processes while the last spawn() ran, in cores on
   average (0 = we had the machine to ourselves; 1 = a neighbour took a
   whole core). A case measured with more than BUSY_LIMIT is run again. */
static double last_other_load;
#define BUSY_LIMIT 0.15

/* Runs argv with stdout into out (NUL-terminated, at most cap-1 bytes),
   stderr passed through. Returns the exit status (-1 if it did not start),
   the child's own peak RSS in MB and its wall time in ms; sets
   last_other_load. */
static int spawn(char **argv, char *out, size_t cap, double *rss_mb, double *wall_ms, int quiet) {
    int fd[2], status = 0;
    size_t len = 0;
    pid_t pid;
    struct rusage ru;
    double t0 = now(), busy0 = machine_busy(), mine;
    if (pipe(fd)) return -1;
    fflush(stdout);
    pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]); close(fd[1]);
        if (quiet) {
            int nul = open("/dev/null", O_WRONLY);
            if (nul >= 0) dup2(nul, 2);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    for (;;) {
        char tmp[4096];
        ssize_t got = read(fd[0], tmp, sizeof tmp);
        if (got <= 0) break;
        if (len + (size_t)got < cap) { memcpy(out + len, tmp, (size_t)got); len += (size_t)got; }
    }
    close(fd[0]);
    out[len] = 0;
    memset(&ru, 0, sizeof ru);
    if (wait4(pid, &status, 0, &ru) < 0) return -1;
    *wall_ms = (now() - t0) * 1e3;
    *rss_mb = (double)ru.ru_maxrss / 1024.0; /* Linux reports KiB */
    mine = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
    last_other_load = busy0 < 0 ? 0 : (machine_busy() - busy0 - mine) / (*wall_ms * 1e-3);
    if (last_other_load < 0) last_other_load = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

typedef struct {
    char key[64], label[96];
    double ms, flops, rss, tms, trss; /* < 0: none */
    double load, tload;               /* other processes' CPU (cores) */
} row_t;

static row_t rows[160];
static int nrows;
static double peak_n;
static int threads = 2, have_torch;
static const char *self, *python = "/usr/bin/python3";
static char torch_kernels[16384];
static const char *suffix = ""; /* appended to the keys and labels of run_case's rows */

/* Looks for "ROW key ms" in a PyTorch output; -1 when absent. */
static double torch_lookup(const char *out, const char *key) {
    const char *p = out;
    size_t kl = strlen(key);
    while ((p = strstr(p, "ROW ")) != 0) {
        p += 4;
        if (!strncmp(p, key, kl) && p[kl] == ' ') return atof(p + kl + 1);
    }
    return -1;
}

static void fmt_num(char *b, double v, const char *f) {
    if (v < 0) strcpy(b, "-");
    else sprintf(b, f, v);
}

static void print_row(const row_t *r) {
    char ms[32], tms[32], ratio[32], gf[32], pk[32], rss[32], trss[32];
    fmt_num(ms, r->ms, "%.2f");
    fmt_num(tms, r->tms, "%.2f");
    fmt_num(ratio, r->tms > 0 && r->ms > 0 ? r->tms / r->ms : -1, "%.2f");
    fmt_num(gf, r->flops > 0 ? r->flops / r->ms * 1e-6 : -1, "%.1f");
    fmt_num(pk, r->flops > 0 ? 100.0 * r->flops / r->ms * 1e-6 / peak_n : -1, "%.1f%%");
    fmt_num(rss, r->rss, "%.0f");
    fmt_num(trss, r->trss, "%.0f");
    /* a trailing * marks a time measured while other processes took more
       than BUSY_LIMIT cores (after all the retries) */
    if (r->load > BUSY_LIMIT) strcat(ms, "*");
    if (r->tload > BUSY_LIMIT && r->tms > 0) strcat(tms, "*");
    printf("| %-36s | %9s | %9s | %5s | %7s | %6s | %6s | %6s |\n", r->label, ms, tms, ratio, gf, pk, rss, trss);
    fflush(stdout);
}

/* Runs one rsedit child case, then (if a torch key pattern is given and
   torch is importable) the same case in a fresh Python process; appends
   and prints the rows. targs: torch_bench.py arguments, NULL for kernel
   rows (their PyTorch times come from one shared "kernels" process). */
static int max_attempts = 3;
static const char *only; /* --only kernels|sd|clip: one group of cases */
static int want(const char *group) { return !only || !strcmp(only, group); }

/* Parses the ROW lines of out into rows[first..], creating them on the
   first attempt and keeping the shorter time on later ones. */
static int parse_rows(char *out, int first, int attempt, double rss, double load) {
    char *line, key[64];
    int k = first;
    double ms, flops;
    for (line = strtok(out, "\n"); line && k < (int)(sizeof rows / sizeof *rows); line = strtok(0, "\n")) {
        row_t *r = &rows[k];
        int used = 0;
        if (sscanf(line, "ROW %63s %lf %lf %n", key, &ms, &flops, &used) < 3 || !used) continue;
        if (attempt == 0) {
            memset(r, 0, sizeof *r);
            snprintf(r->key, sizeof r->key, "%s", key);
            snprintf(r->label, sizeof r->label, "%s%s", line + used, suffix);
            r->ms = ms; r->flops = flops; r->rss = rss; r->load = load;
            r->tms = r->trss = r->tload = -1;
        } else if (ms < r->ms) {
            r->ms = ms; r->load = load;
        }
        k++;
    }
    return k;
}

/* argv for a child of this binary: self --threads THR --child CARGS... */
static void child_argv(char **argv, char *thr, int nthreads, char **cargs) {
    int i, n = 0;
    sprintf(thr, "%d", nthreads);
    argv[n++] = (char *)self; argv[n++] = "--threads"; argv[n++] = thr; argv[n++] = "--child";
    for (i = 0; cargs[i]; i++) argv[n++] = cargs[i];
    argv[n] = 0;
}

/* The thread-scaling ratio from the two rows alone compares times taken
   minutes apart, and this guest's speed drifts by more than the margin
   between them (29 Nov: the 2-thread dim 64 step took 126 ms in one run
   and 150 in another, the 1-thread one 281 and 249). So the case runs
   again on 1 and on `threads` threads alternately, three times each, and
   the best of each gives the ratio, printed under the table. */
static char scaling_line[512];
static void scaling(char **cargs) {
    static char out[65536];
    char *argv[24], thr[16], key[64], times[2][96];
    double best[2] = { 1e30, 1e30 }, rss, wall, ms, flops;
    int k, r;
    times[0][0] = times[1][0] = 0;
    for (r = 0; r < 6; r++) {
        k = r % 2; /* 0: one thread, 1: all */
        child_argv(argv, thr, k ? threads : 1, cargs);
        if (spawn(argv, out, sizeof out, &rss, &wall, 0) != 0 || sscanf(out, "ROW %63s %lf %lf", key, &ms, &flops) < 2) {
            fprintf(stderr, "bench: scaling case failed\n");
            return;
        }
        sprintf(times[k] + strlen(times[k]), "%s%.1f", times[k][0] ? ", " : "", ms);
        if (ms < best[k]) best[k] = ms;
    }
    snprintf(scaling_line, sizeof scaling_line,
             "Thread scaling, %s %s dim%s B%s %sx%s, 1 and %d threads alternately (%s ms; %s ms): "
             "best %.2f / %.2f ms = %.2fx\n",
             cargs[0], cargs[1], cargs[2], cargs[3], cargs[4], cargs[4], threads, times[0], times[1],
             best[0], best[1], best[0] / best[1]);
}

/* Runs one rsedit child case, then (if torch arguments are given and torch
   is importable) the same case in a fresh Python process; each is run again
   (up to max_attempts) while other processes took more than BUSY_LIMIT
   cores during it, keeping the best time. Appends and prints the rows.
   targs NULL: kernel rows, whose PyTorch times come from one shared
   "kernels" process. */
static void run_case(char **cargs, char **targs) {
    static char out[65536], tout[65536];
    char *argv[24];
    double rss, wall, trss = -1;
    int i, n, first = nrows, end = nrows, att;
    char thr[16];
    child_argv(argv, thr, threads, cargs);
    for (att = 0; att < max_attempts; att++) {
        if (spawn(argv, out, sizeof out, &rss, &wall, 0) != 0) {
            fprintf(stderr, "bench: case %s failed\n", cargs[0]);
            if (att == 0) return;
            break;
        }
        end = parse_rows(out, first, att, rss, last_other_load);
        if (last_other_load <= BUSY_LIMIT) break;
    }
    for (i = first; i < end; i++) {
        row_t *r = &rows[i];
        r->tms = targs ? -1 : torch_lookup(torch_kernels, r->key);
        if (!targs && r->tms < 0) {
            /* a variant of an earlier case (fp32 weights): PyTorch's work is
               the same, so its row is reused rather than run again */
            int j;
            size_t kl = strlen(r->key);
            for (j = 0; j < first; j++)
                if (kl > 5 && !strcmp(r->key + kl - 5, "_fp32") && !strncmp(rows[j].key, r->key, kl - 5) &&
                    rows[j].key[kl - 5] == 0) { r->tms = rows[j].tms; r->trss = rows[j].trss; r->tload = rows[j].tload; }
        }
    }
    if (targs && have_torch) {
        n = 0;
        argv[n++] = (char *)python; argv[n++] = "bench/torch_bench.py";
        for (i = 0; targs[i]; i++) argv[n++] = targs[i];
        argv[n] = 0;
        for (att = 0; att < max_attempts; att++) {
            if (spawn(argv, tout, sizeof tout, &trss, &wall, 0) != 0) {
                fprintf(stderr, "bench: PyTorch case %s failed\n", targs[0]);
                break;
            }
            for (i = first; i < end; i++) {
                double t = torch_lookup(tout, rows[i].key);
                if (t > 0 && (rows[i].tms < 0 || t < rows[i].tms)) {
                    rows[i].tms = t; rows[i].trss = trss; rows[i].tload = last_other_load;
                }
            }
            if (last_other_load <= BUSY_LIMIT) break;
        }
    }
    for (i = first; i < end; i++) {
        strcat(rows[i].key, suffix[0] ? "_1t" : "");
        print_row(&rows[i]);
    }
    nrows = end;
}

/* `rsedit embed --image` on a 224x224 image with the ViT-B-32 checkpoint:
   wall time of the whole command (read 300 MB, parse, encode one image)
   and its peak RSS. */
static void run_embed(const char *rsedit, const char *ckpt, const char *img) {
    static char out[65536];
    char *argv[8];
    row_t *r = &rows[nrows];
    double best = 1e30, rss = 0, wall;
    int k;
    argv[0] = (char *)rsedit; argv[1] = "embed"; argv[2] = "--clip"; argv[3] = (char *)ckpt;
    argv[4] = "--image"; argv[5] = (char *)img; argv[6] = 0;
    for (k = 0; k < 3; k++) {  /* the first run also warms the page cache */
        double r1;
        if (spawn(argv, out, sizeof out, &r1, &wall, 0) != 0) { fprintf(stderr, "bench: rsedit embed failed\n"); return; }
        if (k && wall < best) best = wall;
        if (r1 > rss) rss = r1;
    }
    snprintf(r->key, sizeof r->key, "embed_rss");
    snprintf(r->label, sizeof r->label, "rsedit embed --image (ViT-B-32 fp16)");
    r->ms = best; r->flops = -1; r->rss = rss; r->tms = -1; r->trss = -1; r->load = last_other_load; r->tload = -1;
    nrows++;
    print_row(r);
}

/* The edit rows: a 256x256 text edit (forest_256, "a fire in the forest",
   default settings) with a denoiser of the default preset (trained for 30
   steps: its cost, not its quality, matters here) and random fp16 CLIPs of
   the three published shapes: ViT-B-32 and RN50 at 16 views (the default),
   ViT-L-14 at BENCH_L14_VIEWS (4: at 16 it takes many minutes). Each runs
   once (no reruns while contended: the load column says how busy it was). */
static void run_edits(const char *rsedit, const char *shared, const char *vitb32) {
    static const char *names[3] = { "ViT-B-32", "RN50", "ViT-L-14" };
    static const char *files[3] = { 0, "build/bench_rn50_fp16.safetensors", "build/bench_vitl14_fp16.safetensors" };
    char img[512], vocab[512], tsv[512], views[16], *a[10];
    const char *l14 = getenv("BENCH_L14_VIEWS");
    static char out[4096];
    double rss, wall;
    int k, save = max_attempts;
    snprintf(img, sizeof img, "%s/data/rsi/forest_256.ppm", shared);
    snprintf(vocab, sizeof vocab, "%s/data/clip/bpe_simple_vocab_16e6.txt.gz", shared);
    if (access(img, R_OK) || access(vocab, R_OK) || access(rsedit, X_OK)) {
        fprintf(stderr, "bench: edit rows skipped (need %s, %s and %s)\n", img, vocab, rsedit);
        return;
    }
    a[0] = (char *)rsedit; a[1] = "train"; a[2] = img; a[3] = "-o"; a[4] = "build/bench_edit.rsm";
    a[5] = "--steps"; a[6] = "30"; a[7] = "--quiet"; a[8] = 0;
    if (spawn(a, out, sizeof out, &rss, &wall, 0) != 0) { fprintf(stderr, "bench: training the edit model failed\n"); return; }
    max_attempts = 1;
    for (k = 0; k < 3; k++) {
        const char *clip = k ? files[k] : vitb32;
        if (k) {
            FILE *f = fopen(clip, "rb");
            snprintf(tsv, sizeof tsv, "%s/data/clip/state_dict_keys_%s.tsv", shared, names[k]);
            if (f) fclose(f);
            else if (access(tsv, R_OK) == 0) {
                fprintf(stderr, "bench: writing %s (random fp16 %s)\n", clip, names[k]);
                write_clip_from_tsv(tsv, clip);
            } else { fprintf(stderr, "bench: %s absent: no %s edit row\n", tsv, names[k]); continue; }
        }
        sprintf(views, "%d", k == 2 ? (l14 ? atoi(l14) : 4) : 16);
        a[0] = "edit"; a[1] = "build/bench_edit.rsm"; a[2] = img; a[3] = (char *)clip; a[4] = vocab;
        a[5] = views; a[6] = (char *)names[k]; a[7] = 0;
        run_case(a, 0);
    }
    max_attempts = save;
}

static void write_ppm(const char *path, int w, int h) {
    FILE *f = fopen(path, "wb");
    rse__rng rng;
    long i;
    if (!f) { perror(path); exit(1); }
    rse__rng_seed(&rng, 6);
    fprintf(f, "P6\n%d %d\n255\n", w, h);
    for (i = 0; i < 3L * w * h; i++) fputc((int)rse__rng_below(&rng, 256), f);
    fclose(f);
}

static void json_num(FILE *f, double v, const char *fmt) {
    if (v < 0) fprintf(f, "null");
    else fprintf(f, fmt, v);
}

static void write_json(const char *path) {
    FILE *f = fopen(path, "w");
    int i;
    if (!f) { perror(path); return; }
    fprintf(f, "[\n");
    for (i = 0; i < nrows; i++) {
        const row_t *r = &rows[i];
        double gf = r->flops > 0 ? r->flops / r->ms * 1e-6 : -1;
        fprintf(f, "  {\"case\": \"%s\", \"rsedit_ms\": ", r->label);
        json_num(f, r->ms, "%.3f");
        fprintf(f, ", \"torch_ms\": ");
        json_num(f, r->tms, "%.3f");
        fprintf(f, ", \"gflops\": ");
        json_num(f, gf, "%.2f");
        fprintf(f, ", \"peak_pct\": ");
        json_num(f, gf > 0 ? 100.0 * gf / peak_n : -1, "%.2f");
        fprintf(f, ", \"rss_mb\": ");
        json_num(f, r->rss, "%.1f");
        fprintf(f, ", \"torch_rss_mb\": ");
        json_num(f, r->trss, "%.1f");
        fprintf(f, ", \"other_load\": %.2f, \"torch_other_load\": ", r->load);
        json_num(f, r->tms > 0 ? r->tload : -1, "%.2f");
        fprintf(f, "}%s\n", i + 1 < nrows ? "," : "");
    }
    fprintf(f, "]\n");
    fclose(f);
}

int main(int argc, char **argv) {
    static const int chans[2][2] = { { 80, 160 }, { 160, 160 } }, hws[2] = { 111, 223 }, batches[2] = { 1, 4 };
    static const char *gemms[4][4] = { { "512", "512", "512", "0" }, { "1024", "1024", "1024", "0" },
                                       { "50", "3072", "768", "0" }, { "50", "3072", "768", "1" } };
    /* the denoiser shapes of issues 3 and 6: dim, batch, side */
    static const char *sds[4][3] = { { "160", "4", "111" }, { "160", "1", "223" }, { "64", "8", "64" }, { "64", "4", "223" } };
    const char *json = "bench/latest.json", *ckpt = "build/bench_vitb32_fp16.safetensors";
    const char *img = "build/bench_224.ppm", *rsedit = "build/rsedit-native", *shared = "../shared";
    int i, quick = 0, ci, hi, ni;
    double peak1, t_start = now(), base_rss = -1, wall;
    char sbuf[256], thr[16];
    static char tmp[4096];

    self = argv[0];
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--child")) {
            if (threads < 1 || rse_set_threads(threads)) die("threads");
            return run_child(argc - i - 1, argv + i + 1);
        } else if (!strcmp(argv[i], "--quick")) quick = 1;
        else if (!strcmp(argv[i], "--attempts") && i + 1 < argc) max_attempts = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else if (!strcmp(argv[i], "--json") && i + 1 < argc) json = argv[++i];
        else if (!strcmp(argv[i], "--rsedit") && i + 1 < argc) rsedit = argv[++i];
        else if (!strcmp(argv[i], "--shared") && i + 1 < argc) shared = argv[++i];
        else if (!strcmp(argv[i], "--write-clip") && i + 2 < argc) { write_clip_from_tsv(argv[i + 1], argv[i + 2]); return 0; }
        else { fprintf(stderr, "usage: %s [--threads N] [--quick] [--attempts N] [--only kernels|sd|clip|edit] [--json PATH] [--rsedit BIN] [--shared DIR]\n", argv[0]); return 2; }
    }
    if (threads < 1 || threads > RSE_MAX_THREADS) { fprintf(stderr, "bench: bad thread count\n"); return 2; }
    if (getenv("BENCH_PYTHON")) python = getenv("BENCH_PYTHON");
    sprintf(thr, "%d", threads);

    peak1 = measure_peak(1);
    peak_n = measure_peak(threads);
    {
        char *a[4];
        a[0] = (char *)python; a[1] = "bench/torch_bench.py"; a[2] = "base"; a[3] = 0;
        have_torch = !getenv("BENCH_NO_TORCH") && access(python, X_OK) == 0 &&
                     spawn(a, tmp, sizeof tmp, &base_rss, &wall, 1) == 0;
        if (!have_torch) base_rss = -1;
    }
    printf("SIMD path %s, %d threads; FMA peak measured: %.1f GFLOP/s on 1 thread, %.1f on %d (%% below = of this).\n",
           RSE_SIMD_NAME, threads, peak1, peak_n, threads);
    if (have_torch)
        printf("PyTorch: %s, same thread count, each case in a fresh process (python + import torch alone: %.0f MB RSS).\n",
               strtok(tmp, "\n") ? tmp : "?", base_rss);
    else
        printf("PyTorch: not importable by %s; torch columns empty.\n", python);
    printf("Best time after a warm-up; ratio = torch ms / rsedit ms (> 1: rsedit faster); RSS = peak resident MB of the case's process.\n");
    printf("GFLOP/s counts a direct convolution's multiply-adds; 3x3 convolutions of 64+ channels a side (160+\n"
           "together) run forward and backward-data by Winograd F(2x2,3x3), 2.25x fewer: they can pass 100%% of peak.\n");
    printf("A case is rerun (up to %d times) while other processes use > %.2f cores; * = still contended.\n\n", max_attempts, BUSY_LIMIT);
    printf("| %-36s | %9s | %9s | %5s | %7s | %6s | %6s | %6s |\n", "case", "rsedit ms", "torch ms", "ratio", "GFLOP/s", "peak", "RSS", "t RSS");
    printf("|%.38s|%.11s|%.11s|%.7s|%.9s|%.8s|%.8s|%.8s|\n", "----------------------------------------",
           "-----------", "-----------", "-------", "---------", "--------", "--------", "--------");

    if (have_torch && want("kernels")) {
        char *a[5];
        a[0] = (char *)python; a[1] = "bench/torch_bench.py"; a[2] = "kernels"; a[3] = thr; a[4] = 0;
        if (spawn(a, torch_kernels, sizeof torch_kernels, &wall, &wall, 0) != 0) torch_kernels[0] = 0;
    }
    /* kernels */
    for (ci = 0; ci < 2; ci++)
        for (hi = 0; hi < 2; hi++)
            for (ni = 0; ni < 2; ni++) {
                char N[8], C[8], H[8], K[8], *a[11];
                if ((quick && (hi || ni)) || !want("kernels")) continue;
                sprintf(N, "%d", batches[ni]); sprintf(C, "%d", chans[ci][0]);
                sprintf(H, "%d", hws[hi]); sprintf(K, "%d", chans[ci][1]);
                a[0] = "conv"; a[1] = N; a[2] = C; a[3] = H; a[4] = K; a[5] = "3"; a[6] = "1"; a[7] = "1"; a[8] = "1"; a[9] = 0;
                run_case(a, 0);
            }
    {
        char *dw[] = { "conv", "1", "160", "223", "160", "5", "1", "2", "160", 0 };
        char *pw[] = { "conv", "1", "80", "223", "160", "1", "1", "0", "1", 0 };
        char *pe[] = { "conv", "1", "3", "224", "768", "32", "32", "0", "1", 0 };
        if (want("kernels")) { run_case(dw, 0); run_case(pw, 0); run_case(pe, 0); }
    }
    for (i = 0; i < 4 && want("kernels"); i++) {
        char *a[6];
        a[0] = "gemm"; a[1] = (char *)gemms[i][0]; a[2] = (char *)gemms[i][1]; a[3] = (char *)gemms[i][2];
        a[4] = (char *)gemms[i][3]; a[5] = 0;
        run_case(a, 0);
    }
    /* the denoiser: training step and forward at each shape */
    for (i = 0; i < 4; i++) {
        int tr;
        if ((quick && i != 2) || !want("sd")) continue;
        for (tr = 1; tr >= 0; tr--) {
            char *a[6], *ta[7];
            a[0] = "sd"; a[1] = tr ? "train" : "fwd"; a[2] = (char *)sds[i][0]; a[3] = (char *)sds[i][1];
            a[4] = (char *)sds[i][2]; a[5] = 0;
            ta[0] = thr; ta[1] = a[0]; ta[2] = a[1]; ta[3] = a[2]; ta[4] = a[3]; ta[5] = a[4]; ta[6] = 0;
            run_case(a, ta);
        }
    }
    /* thread scaling (issue 6: 2 threads >= 1.8x one thread on the training
       step): the cheapest training case again on one thread, both sides */
    if (threads > 1 && want("sd")) {
        char *a[] = { "sd", "train", "64", "8", "64", 0 };
        char *ta[] = { "1", "sd", "train", "64", "8", "64", 0 };
        int save = threads;
        threads = 1; suffix = " 1 thr";
        run_case(a, ta);
        threads = save; suffix = "";
        scaling(a);
    }
    /* CLIP ViT-B-32 */
    if (want("clip")) {
        FILE *f = fopen(ckpt, "rb");
        if (f) fclose(f);
        else {
            fprintf(stderr, "bench: writing %s (random fp16 ViT-B-32, ~300 MB)\n", ckpt);
            write_clip_checkpoint(ckpt);
        }
    }
    {
        static const char *modes[2] = { "enc", "grad" }, *ns[2] = { "1", "16" };
        int mi, bi;
        for (bi = 0; bi < 2; bi++)
            for (mi = 0; mi < 2; mi++) {
                char *a[] = { "clip", (char *)modes[mi], (char *)ns[bi], "0", (char *)ckpt, 0 };
                char *ta[] = { thr, "clip", (char *)modes[mi], (char *)ns[bi], (char *)ckpt, 0 };
                if ((quick && bi) || !want("clip")) continue;
                run_case(a, ta);
            }
        /* the same with weights converted to fp32 at load (--clip-fp32):
           shows what the per-use fp16 conversion costs */
        if (!quick && want("clip")) {
            char *a[] = { "clip", "enc", "16", "1", (char *)ckpt, 0 };
            char *b[] = { "clip", "grad", "16", "1", (char *)ckpt, 0 };
            run_case(a, 0);
            run_case(b, 0);
        }
    }
    write_ppm(img, VS, VS);
    if (!want("clip")) ;
    else if (access(rsedit, X_OK) == 0) run_embed(rsedit, ckpt, img);
    else fprintf(stderr, "bench: %s not built; skipping the embed memory case\n", rsedit);

    if (want("edit") && (!quick || only)) { /* minutes: not in --quick unless asked for */
        FILE *f = fopen(ckpt, "rb");
        if (f) fclose(f);
        else write_clip_checkpoint(ckpt);
        run_edits(rsedit, shared, ckpt);
    }

    write_json(json);
    sprintf(sbuf, "%.0f", now() - t_start);
    printf("\n%s%d rows in %s s; written to %s\n", scaling_line, nrows, sbuf, json);
    return 0;
}
