/* Tests of section 7 of tensor.h: every fast kernel (sgemm, conv2d forward,
   backward-data, backward-weight) of every kernel set the build carries and
   the CPU runs (scalar, AVX2, AVX-512, NEON: each forced in turn) against
   its scalar reference, and against the scalar set; on shapes
   chosen to hit the ragged edges (sizes not multiples of the 6x16 tile or of
   the vector width, odd channel counts, groups, depthwise, strides, padding
   0/1/2, batches 1-3); bit-identical results for 1, 2 and 3 threads; the
   choice of a set (the widest the CPU runs, or RSE_KERNELS's); and the
   error paths (bad shape, scratch arena too small).

   Tolerance. The fast kernels sum the same products as the references but in
   another order (blocks of 256, vector lanes, fused multiply-adds), so the
   results differ by rounding only. We compare
       rel = max|fast - ref| / max|ref|   and require rel <= 1e-5.
   Why that is safe and still tight: inputs are uniform in [-1,1], so a sum
   of K products is a random walk. Each of the two summation orders makes an
   error of about sqrt(K) * u * (size of the partial sums, ~sqrt(K)/3) with
   u = 6e-8, while max|ref| is at least ~sqrt(K)/3; so rel ~ sqrt(K) * u,
   about 1.5e-6 for the longest reductions here (K <= 1200). A wrong index,
   a missing tap or a dropped tile gives rel of order 0.1 to 1. */
#include "test.h"

#define TOL 1e-5

static rse__rng t_rng;

static float *t_rand(size_t n) {
    float *p = (float *)malloc(sizeof(float) * (n ? n : 1));
    size_t i;
    for (i = 0; i < n; i++) p[i] = 2.0f * rse__rng_uniform(&t_rng) - 1.0f;
    return p;
}
static float *t_copy(const float *a, size_t n) {
    float *p = (float *)malloc(sizeof(float) * (n ? n : 1));
    memcpy(p, a, sizeof(float) * n);
    return p;
}

/* max|a-b| / max|ref|, with a NaN anywhere counting as a failure. */
static double t_relerr(const float *a, const float *ref, size_t n) {
    double md = 0, mr = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)ref[i]);
        if (a[i] != a[i] || ref[i] != ref[i]) return 1e30;
        if (d > md) md = d;
        if (fabs(ref[i]) > mr) mr = fabs(ref[i]);
    }
    return mr > 0 ? md / mr : md;
}

/* ---- sgemm ---- */

static void t_sgemm_case(int tA, int tB, int M, int N, int K, float alpha, float beta) {
    /* leading dimensions larger than needed, to catch lda/ldb/ldc mix-ups */
    int lda = (tA ? M : K) + 3, ldb = (tB ? K : N) + 5, ldc = N + 2;
    size_t na = (size_t)(tA ? K : M) * lda, nb = (size_t)(tB ? N : K) * ldb, nc = (size_t)M * ldc;
    float *A = t_rand(na), *B = t_rand(nb), *C0 = t_rand(nc), *C1, *C2;
    double rel;
    size_t i;
    if (beta == 0.0f) /* beta == 0 must not read C: poison it */
        for (i = 0; i < nc; i++) C0[i] = NAN;
    C1 = t_copy(C0, nc); C2 = t_copy(C0, nc);
    rse__sgemm_ref(tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C1, ldc);
    rse__sgemm(tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C2, ldc);
    /* only the M x N part is defined; the ldc padding must be untouched */
    {
        int r, c, pad_ok = 1;
        float *a = (float *)malloc(sizeof(float) * (size_t)M * N), *b = (float *)malloc(sizeof(float) * (size_t)M * N);
        for (r = 0; r < M; r++) {
            for (c = 0; c < N; c++) { a[r * N + c] = C2[r * ldc + c]; b[r * N + c] = C1[r * ldc + c]; }
            for (c = N; c < ldc; c++)
                if (memcmp(&C2[r * ldc + c], &C0[r * ldc + c], sizeof(float))) pad_ok = 0;
        }
        rel = t_relerr(a, b, (size_t)M * N);
        CHECK(rel <= TOL, "sgemm tA=%d tB=%d M=%d N=%d K=%d alpha=%g beta=%g: rel err %g", tA, tB, M, N, K,
              alpha, beta, rel);
        CHECK(pad_ok, "sgemm M=%d N=%d K=%d wrote outside the M x N block", M, N, K);
        free(a); free(b);
    }
    free(A); free(B); free(C0); free(C1); free(C2);
}

/* A linear layer's bias in the GEMM's tiles (rse__sgemm_cb): the same bits
   as the GEMM followed by a pass adding cbias[j] to every row, for every
   tile and panel-group layout (a 400 x 1700 C has several of both, the last
   short) and with no products at all (K == 0). */
static void t_sgemm_cbias(int M, int N, int K, float beta) {
    float *A = t_rand((size_t)M * (K ? K : 1)), *B = t_rand((size_t)N * (K ? K : 1)), *cb = t_rand((size_t)N);
    float *C1 = t_rand((size_t)M * N), *C2 = t_copy(C1, (size_t)M * N);
    int i, j;
    rse__sgemm(0, 1, M, N, K, 1.0f, A, K ? K : 1, B, K ? K : 1, beta, C1, N);
    for (i = 0; i < M; i++)
        for (j = 0; j < N; j++) C1[(size_t)i * N + j] += cb[j];
    rse__sgemm_cb(0, 1, M, N, K, 1.0f, A, K ? K : 1, B, K ? K : 1, beta, C2, N, cb);
    CHECK(!memcmp(C1, C2, sizeof(float) * (size_t)M * N), "sgemm %dx%dx%d beta %g + column bias: not the GEMM then the bias",
          M, N, K, beta);
    free(A); free(B); free(cb); free(C1); free(C2);
}

static void test_sgemm(void) {
    static const int shapes[][3] = {
        {1, 1, 1}, {5, 7, 3}, {6, 16, 8}, {7, 17, 9}, {12, 32, 256}, {13, 33, 257},
        {50, 77, 40}, {64, 64, 64}, {100, 3, 513}, {3, 100, 130}, {49, 50, 600},
    };
    int s, tA, tB;
    for (s = 0; s < (int)(sizeof shapes / sizeof shapes[0]); s++)
        for (tA = 0; tA < 2; tA++)
            for (tB = 0; tB < 2; tB++) {
                t_sgemm_case(tA, tB, shapes[s][0], shapes[s][1], shapes[s][2], 1.0f, 0.0f);
                t_sgemm_case(tA, tB, shapes[s][0], shapes[s][1], shapes[s][2], 0.5f, -2.0f);
            }
    /* Big enough for several row blocks (plain A: 192 rows at most) and
       several groups of column panels per row block, the last group short
       (rse__gemm_run_all's npan), on any vector width. */
    t_sgemm_case(0, 1, 400, 1700, 300, 0.5f, -2.0f);
    t_sgemm_case(1, 0, 400, 1700, 300, 1.0f, 0.0f);
    t_sgemm_case(0, 0, 9, 18, 0, 1.0f, 0.0f); /* K == 0: C = 0 */
    t_sgemm_case(0, 1, 9, 18, 0, 1.0f, 3.0f); /* K == 0: C = 3C */
    for (tA = 1; tA <= 2; tA++) {
        CHECK(rse_set_threads(tA) == RSE_STATUS_OK, "set %d threads", tA);
        t_sgemm_cbias(1, 1, 1, 0.0f);
        t_sgemm_cbias(13, 33, 257, 0.0f);
        t_sgemm_cbias(400, 1700, 300, 0.0f);
        t_sgemm_cbias(400, 1700, 300, 1.0f);
        t_sgemm_cbias(9, 18, 0, 3.0f);
    }
    rse_set_threads(1);
}

/* ---- conv2d ---- */

typedef struct { int N, C, H, W, K, KH, KW, stride, pad, groups; } t_conv;

static rse__conv2d_shape t_shape(t_conv c) {
    rse__conv2d_shape s;
    s.N = c.N; s.C = c.C; s.H = c.H; s.W = c.W; s.K = c.K; s.KH = c.KH; s.KW = c.KW;
    s.stride = c.stride; s.pad = c.pad; s.groups = c.groups;
    s.Ho = (c.H + 2 * c.pad - c.KH) / c.stride + 1;
    s.Wo = (c.W + 2 * c.pad - c.KW) / c.stride + 1;
    return s;
}

static void t_conv_case(t_conv c, rse__arena *scratch) {
    rse__conv2d_shape s = t_shape(c);
    size_t nx = (size_t)s.N * s.C * s.H * s.W, nw = (size_t)s.K * (s.C / s.groups) * s.KH * s.KW;
    size_t no = (size_t)s.N * s.K * s.Ho * s.Wo;
    float *x = t_rand(nx), *w = t_rand(nw), *b = t_rand((size_t)s.K), *dout = t_rand(no);
    float *o1 = t_rand(no), *o2 = t_rand(no);
    float *dx1 = t_rand(nx), *dx2 = t_copy(dx1, nx);          /* random start: checks += */
    float *dw1 = t_rand(nw), *dw2 = t_copy(dw1, nw);
    float *db1 = t_rand((size_t)s.K), *db2 = t_copy(db1, (size_t)s.K);
    rse_arena_mark m0 = rse__arena_get_mark(scratch);
    rse_status st;
    double rel;
    int bias;
    for (bias = 0; bias < 2; bias++) {
        st = rse__conv2d_forward_ref(o1, x, w, bias ? b : 0, &s);
        CHECK(st == RSE_STATUS_OK, "forward_ref status %d", (int)st);
        st = rse__conv2d_forward(o2, x, w, bias ? b : 0, &s, scratch);
        rel = t_relerr(o2, o1, no);
        CHECK(st == RSE_STATUS_OK && rel <= TOL,
              "conv fwd N%d C%d %dx%d K%d k%dx%d s%d p%d g%d bias%d: st %d rel %g", c.N, c.C, c.H, c.W, c.K,
              c.KH, c.KW, c.stride, c.pad, c.groups, bias, (int)st, rel);
    }
    rse__conv2d_backward_data_ref(dx1, dout, w, &s);
    st = rse__conv2d_backward_data(dx2, dout, w, &s, scratch);
    rel = t_relerr(dx2, dx1, nx);
    CHECK(st == RSE_STATUS_OK && rel <= TOL, "conv bwd-data N%d C%d %dx%d K%d k%dx%d s%d p%d g%d: st %d rel %g",
          c.N, c.C, c.H, c.W, c.K, c.KH, c.KW, c.stride, c.pad, c.groups, (int)st, rel);
    rse__conv2d_backward_weight_ref(dw1, db1, dout, x, &s);
    st = rse__conv2d_backward_weight(dw2, db2, dout, x, &s, scratch);
    rel = t_relerr(dw2, dw1, nw);
    CHECK(st == RSE_STATUS_OK && rel <= TOL, "conv bwd-weight N%d C%d %dx%d K%d k%dx%d s%d p%d g%d: st %d rel %g",
          c.N, c.C, c.H, c.W, c.K, c.KH, c.KW, c.stride, c.pad, c.groups, (int)st, rel);
    rel = t_relerr(db2, db1, (size_t)s.K);
    CHECK(rel <= TOL, "conv bwd-bias N%d C%d %dx%d K%d: rel %g", c.N, c.C, c.H, c.W, c.K, rel);
    /* scratch is given back: the arena is where it was */
    CHECK(scratch->used == m0.total, "scratch released (used %zu, expected %zu)", scratch->used, m0.total);
    free(x); free(w); free(b); free(dout); free(o1); free(o2);
    free(dx1); free(dx2); free(dw1); free(dw2); free(db1); free(db2);
}

static const t_conv t_convs[] = {
    /* N  C   H   W   K  KH KW s  p  g */
    {1, 1, 1, 1, 1, 1, 1, 1, 0, 1},     /* smallest */
    {1, 3, 9, 11, 5, 3, 3, 1, 1, 1},    /* 3x3 same, odd sizes */
    {2, 5, 8, 13, 7, 3, 3, 1, 1, 1},
    {3, 16, 10, 19, 17, 3, 3, 1, 1, 1}, /* K not a multiple of 6, width not of 8/16 */
    {1, 7, 12, 12, 13, 3, 3, 1, 0, 1},  /* valid conv */
    {2, 4, 9, 10, 6, 3, 3, 1, 2, 1},    /* pad 2 */
    {1, 6, 11, 9, 10, 5, 5, 1, 2, 1},   /* 5x5 same */
    {2, 9, 7, 21, 11, 1, 1, 1, 0, 1},   /* 1x1 */
    {1, 5, 6, 7, 3, 1, 1, 1, 1, 1},     /* 1x1 with pad 1: backward-data general path */
    {2, 6, 13, 11, 8, 3, 3, 2, 1, 1},   /* stride 2 */
    {1, 3, 16, 16, 12, 4, 4, 4, 0, 1},  /* patch conv (CLIP-like, small) */
    {1, 3, 17, 15, 10, 4, 4, 4, 0, 1},  /* patch conv, leftover pixels */
    {2, 4, 9, 8, 7, 3, 2, 1, 1, 1},     /* KH != KW */
    {2, 6, 9, 10, 4, 3, 3, 1, 1, 2},    /* groups 2 */
    {1, 9, 8, 8, 6, 3, 3, 2, 1, 3},     /* groups 3, stride 2 */
    {2, 5, 12, 13, 5, 5, 5, 1, 2, 5},   /* depthwise 5x5 pad 2 (SinDDM) */
    {3, 3, 7, 9, 3, 3, 3, 1, 1, 3},     /* depthwise 3x3 */
    {1, 4, 11, 10, 4, 5, 5, 2, 2, 4},   /* depthwise, stride 2: general path */
    /* 3x3 stride 1, 64+ channels each side and 160+ together: Winograd
       F(2x2,3x3) (tensor.h 7.6) */
    {2, 64, 9, 13, 96, 3, 3, 1, 1, 1},  /* odd output sizes: half-used tiles */
    {1, 96, 8, 7, 64, 3, 3, 1, 0, 1},   /* valid conv */
    {1, 70, 6, 5, 90, 3, 3, 1, 2, 1},   /* pad 2 (backward-data pads 0) */
    {1, 64, 41, 111, 96, 3, 3, 1, 1, 1}, /* two bands of tile rows, the last short */
    {1, 64, 1, 1, 96, 3, 3, 1, 2, 1},   /* 1x1 image, pad 2: 3x3 out; backward-data 1x1 */
    {2, 96, 2, 3, 64, 3, 3, 1, 1, 1},   /* one tile row, 2 tiles, the second half-used */
    {1, 4, 6, 6, 4, 3, 3, 1, 0, 4},     /* depthwise, pad 0 */
    {2, 3, 5, 45, 3, 5, 5, 1, 2, 3},    /* depthwise, Wo = 45: 4-vector, 1-vector and tail loops */
    {2, 33, 15, 17, 40, 3, 3, 1, 1, 1}, /* reduction over 2 KC blocks (297 > 256) */
    {1, 24, 23, 45, 20, 3, 3, 1, 1, 1}, /* Wo = 45: pixel runs crossing rows */
    /* Wo >= 32: backward-weight reduces over output rows of padded input */
    {1, 5, 4, 70, 7, 3, 3, 1, 1, 1},
    {2, 3, 5, 66, 5, 3, 3, 2, 0, 1},    /* stride 2, pad 0 (no padded copy) */
    {1, 4, 3, 40, 6, 1, 1, 1, 0, 2},    /* 1x1, groups 2 */
    {1, 6, 4, 50, 6, 3, 3, 1, 1, 3},    /* groups 3 */
    {1, 2, 3, 300, 3, 3, 2, 1, 1, 1},   /* Wo = 301 > 256: a row in two blocks */
};

static void test_conv(void) {
    rse__arena scratch;
    int i;
    rse__arena_init(&scratch, 0, 0);
    for (i = 0; i < (int)(sizeof t_convs / sizeof t_convs[0]); i++) {
        rse__conv2d_shape s = t_shape(t_convs[i]);
        /* the six shapes after the depthwise 3x3 are there for Winograd:
           if its rule changes, they must be changed with it */
        int wino = t_convs[i].C >= 64 && t_convs[i].N <= 2 && t_convs[i].KH == 3;
        CHECK(rse__wino_applies(&s) == wino, "conv %d: Winograd path %s", i, wino ? "taken" : "not taken");
        t_conv_case(t_convs[i], &scratch);
    }
    rse__arena_free(&scratch);
}

/* ---- determinism: bit-identical for 1, 2 and 3 threads ---- */

static void test_threads(void) {
    static const t_conv shapes[] = {
        {2, 16, 20, 23, 24, 3, 3, 1, 1, 1}, {2, 8, 14, 15, 8, 5, 5, 1, 2, 8}, {1, 6, 13, 11, 9, 3, 3, 2, 1, 1},
        /* outputs >= 32 wide and > 1e6 multiply-adds: backward-weight's
           row-chunk GEMM, whose B is packed once for all row blocks when
           2+ threads cut M (1 thread packs per tile: the two must agree) */
        {1, 16, 40, 41, 24, 3, 3, 1, 1, 1},
        {1, 64, 41, 111, 96, 3, 3, 1, 1, 1}, /* Winograd, two bands */
    };
    /* the second GEMM: tiles of several panels, how many depends on the
       thread count (rse__gemm_run_all's npan); the sums must not */
    static const int gm[2][3] = { { 70, 130, 300 }, { 400, 1700, 300 } };
    int M, N, K, si, nt;
    rse__arena scratch;
    rse__arena_init(&scratch, 0, 0);
    for (si = 0; si < 2; si++) {
        float *A, *B, *C[3];
        M = gm[si][0]; N = gm[si][1]; K = gm[si][2];
        A = t_rand((size_t)M * K); B = t_rand((size_t)K * N);
        for (nt = 1; nt <= 3; nt++) {
            CHECK(rse_set_threads(nt) == RSE_STATUS_OK, "set %d threads", nt);
            C[nt - 1] = (float *)malloc(sizeof(float) * (size_t)M * N);
            rse__sgemm(0, 1, M, N, K, 1.0f, A, K, B, K, 0.0f, C[nt - 1], N);
        }
        CHECK(!memcmp(C[0], C[1], sizeof(float) * (size_t)M * N) && !memcmp(C[0], C[2], sizeof(float) * (size_t)M * N),
              "sgemm %dx%dx%d bit-identical for 1, 2, 3 threads", M, N, K);
        for (nt = 0; nt < 3; nt++) free(C[nt]);
        free(A); free(B);
    }
    for (si = 0; si < (int)(sizeof shapes / sizeof shapes[0]); si++) {
        rse__conv2d_shape s = t_shape(shapes[si]);
        size_t nx = (size_t)s.N * s.C * s.H * s.W, nw = (size_t)s.K * (s.C / s.groups) * s.KH * s.KW;
        size_t no = (size_t)s.N * s.K * s.Ho * s.Wo;
        float *x = t_rand(nx), *w = t_rand(nw), *b = t_rand((size_t)s.K), *dout = t_rand(no);
        float *o[3], *dx[3], *dw[3], *db[3];
        for (nt = 1; nt <= 3; nt++) {
            rse_set_threads(nt);
            o[nt - 1] = t_rand(no);
            dx[nt - 1] = (float *)calloc(nx, sizeof(float));
            dw[nt - 1] = (float *)calloc(nw, sizeof(float));
            db[nt - 1] = (float *)calloc((size_t)s.K, sizeof(float));
            rse__conv2d_forward(o[nt - 1], x, w, b, &s, &scratch);
            rse__conv2d_backward_data(dx[nt - 1], dout, w, &s, &scratch);
            rse__conv2d_backward_weight(dw[nt - 1], db[nt - 1], dout, x, &s, &scratch);
        }
        for (nt = 1; nt < 3; nt++) {
            CHECK(!memcmp(o[0], o[nt], sizeof(float) * no), "conv fwd shape %d: %d threads differ from 1", si, nt + 1);
            CHECK(!memcmp(dx[0], dx[nt], sizeof(float) * nx), "conv bwd-data shape %d: %d threads differ", si, nt + 1);
            CHECK(!memcmp(dw[0], dw[nt], sizeof(float) * nw), "conv bwd-weight shape %d: %d threads differ", si, nt + 1);
            CHECK(!memcmp(db[0], db[nt], sizeof(float) * (size_t)s.K), "conv bwd-bias shape %d: %d threads differ", si, nt + 1);
        }
        for (nt = 0; nt < 3; nt++) { free(o[nt]); free(dx[nt]); free(dw[nt]); free(db[nt]); }
        free(x); free(w); free(b); free(dout);
    }
    rse_set_threads(1);
    rse__arena_free(&scratch);
}

/* ---- the micro-kernel's two loops: the same bits ----
   rse__ukr reads a packed strip (rows side by side, stride MR) through one
   pointer and other A operands through MR row pointers. The same numbers
   given both ways, with every mr and a ragged nr, must give the same stored
   C bit for bit (both loops issue the same FMAs in the same order; the
   strip's rows past mr are computed and not stored). */
static void test_ukr_loops(const rse__kernels *ks) {
    enum { KC = 37 };
    const int MR = ks->mr, NR = ks->nr;
    float *strip = t_rand((size_t)KC * MR), *rowsbuf = t_rand((size_t)MR * KC);
    float *bp = t_rand((size_t)KC * NR), *bias = t_rand((size_t)MR);
    float *c1 = t_rand((size_t)MR * NR), *c2 = t_rand((size_t)MR * NR);
    const float *r2[16];
    int mr, nr, i, p, k;
    CHECK(MR <= 16, "%s: micro-kernel %d x %d", ks->name, MR, NR);
    for (i = 0; i < MR; i++)
        for (p = 0; p < KC; p++) rowsbuf[i * KC + p] = strip[p * MR + i];
    for (mr = 1; mr <= MR && MR <= 16; mr++)
        for (nr = NR > 3 ? NR - 3 : 1; nr <= NR; nr += NR > 3 ? 3 : 1) { /* ragged, then full */
            for (i = 0; i < MR; i++) /* past mr: the last row again, as rse__gemm_task does */
                r2[i] = rowsbuf + (size_t)(i < mr ? i : mr - 1) * KC;
            for (k = 0; k < MR * NR; k++) c1[k] = c2[k] = 0.25f * (float)(k % 7);
            ks->ukr(KC, strip, 0, 0, bp, c1, NR, mr, nr, 1.0f, 1.0f, bias);
            ks->ukr(KC, 0, r2, 1, bp, c2, NR, mr, nr, 1.0f, 1.0f, bias);
            CHECK(!memcmp(c1, c2, sizeof(float) * (size_t)MR * NR),
                  "%s ukr mr %d nr %d: packed-strip loop differs from row loop", ks->name, mr, nr);
        }
    free(strip); free(rowsbuf); free(bp); free(bias); free(c1); free(c2);
}

/* ---- backward-weight in bands of output rows: the same bits ----
   rse__conv2d_backward_weight packs dout a band of rows at a time
   (rse__bw_pack_floats); cutting an image into bands must add the same
   blocks in the same order as one band over the image, so the results are
   compared bit for bit, not within a tolerance. */
static void test_bw_bands(void) {
    static const t_conv shapes[] = {
        {2, 16, 40, 41, 24, 3, 3, 1, 1, 1}, /* 24 channels: panels 16 + 8    */
        {1, 5, 17, 70, 7, 3, 3, 1, 1, 1},   /* K smaller than one panel      */
        {1, 6, 19, 68, 5, 3, 3, 2, 0, 1},   /* stride 2, no padded copy      */
        {1, 6, 9, 300, 6, 3, 3, 1, 1, 2},   /* groups 2, rows of 2 KC blocks */
    };
    static const int bands[] = { 1, 2, 3, 7 }; /* rows per band; 3 and 7 leave a short last band */
    const size_t saved = rse__bw_pack_floats;
    rse__arena scratch;
    int si, bi, nt;
    rse__arena_init(&scratch, 0, 0);
    for (si = 0; si < (int)(sizeof shapes / sizeof shapes[0]); si++) {
        rse__conv2d_shape s = t_shape(shapes[si]);
        size_t nx = (size_t)s.N * s.C * s.H * s.W, nw = (size_t)s.K * (s.C / s.groups) * s.KH * s.KW;
        size_t no = (size_t)s.N * s.K * s.Ho * s.Wo;
        const int NR = rse__kernels_now()->nr; /* the packed panels' width */
        size_t rowpk = (size_t)((s.K / s.groups + NR - 1) / NR * NR) * s.Wo;
        float *x = t_rand(nx), *dout = t_rand(no), *dw0 = t_rand(nw), *db0 = t_rand((size_t)s.K);
        float *dw1 = t_copy(dw0, nw), *db1 = t_copy(db0, (size_t)s.K);
        rse__bw_pack_floats = saved; /* one band: these images are small */
        CHECK(rowpk * (size_t)s.Ho <= saved, "shape %d fits one band by default", si);
        rse__conv2d_backward_weight(dw0, db0, dout, x, &s, &scratch);
        for (nt = 1; nt <= 2; nt++)
            for (bi = 0; bi < (int)(sizeof bands / sizeof bands[0]); bi++) {
                float *dw = t_copy(dw1, nw), *db = t_copy(db1, (size_t)s.K);
                rse_set_threads(nt);
                rse__bw_pack_floats = rowpk * (size_t)bands[bi];
                CHECK(rse__conv2d_backward_weight(dw, db, dout, x, &s, &scratch) == RSE_STATUS_OK,
                      "bands: shape %d status", si);
                CHECK(!memcmp(dw, dw0, sizeof(float) * nw) && !memcmp(db, db0, sizeof(float) * (size_t)s.K),
                      "bwd-weight shape %d in bands of %d rows, %d threads: differs from one band", si, bands[bi], nt);
                free(dw); free(db);
            }
        free(x); free(dout); free(dw0); free(db0); free(dw1); free(db1);
    }
    rse__bw_pack_floats = saved;
    rse_set_threads(1);
    rse__arena_free(&scratch);
}

/* ---- errors ---- */

static void test_errors(void) {
    t_conv c = {1, 4, 8, 8, 6, 3, 3, 1, 1, 1};
    rse__conv2d_shape s = t_shape(c), bad;
    float x[256], w[216], o[384];
    unsigned char small[256];
    rse__arena tiny;
    rse_status st;
    memset(x, 0, sizeof x); memset(w, 0, sizeof w);
    bad = s; bad.Ho = 7;
    st = rse__conv2d_forward(o, x, w, 0, &bad, 0);
    CHECK(st == RSE_STATUS_BAD_ARG && strstr(rse_last_error(), "output"), "wrong Ho rejected: %d %s", (int)st, rse_last_error());
    bad = s; bad.groups = 4; bad.K = 6;
    st = rse__conv2d_forward_ref(o, x, w, 0, &bad);
    CHECK(st == RSE_STATUS_BAD_ARG && strstr(rse_last_error(), "groups"), "groups not dividing K rejected: %s", rse_last_error());
    bad = s; bad.pad = -1;
    CHECK(rse__conv2d_backward_weight(w, 0, o, x, &bad, 0) == RSE_STATUS_BAD_ARG, "negative pad rejected");
    bad = s; bad.KH = 20; bad.Ho = 1;
    CHECK(rse__conv2d_backward_data(x, o, w, &bad, 0) == RSE_STATUS_BAD_ARG, "kernel larger than padded input rejected");
    /* a fixed arena too small for the packed weights: NOMEM, not a crash */
    rse__arena_init(&tiny, small, sizeof small);
    st = rse__conv2d_forward(o, x, w, 0, &s, &tiny);
    CHECK(st == RSE_STATUS_NOMEM && strstr(rse_last_error(), "conv2d"), "tiny scratch: NOMEM (%d, %s)", (int)st, rse_last_error());
    CHECK(rse__conv2d_backward_data(x, o, w, &s, &tiny) == RSE_STATUS_NOMEM, "tiny scratch: bwd-data NOMEM");
    {   /* backward-weight needs scratch only for outputs >= 32 wide */
        t_conv cw = {1, 4, 2, 40, 6, 3, 3, 1, 1, 1};
        rse__conv2d_shape sw = t_shape(cw);
        static float xw[4 * 2 * 40], ow[6 * 2 * 40], ww[6 * 4 * 9];
        CHECK(rse__conv2d_backward_weight(ww, 0, ow, xw, &sw, &tiny) == RSE_STATUS_NOMEM, "tiny scratch: bwd-weight NOMEM");
    }
    CHECK(tiny.used == 0, "tiny scratch left empty after failures");
}

/* ---- the kernel sets ----
   The first kernel call chooses the set RSE_KERNELS names if the build has
   it and the CPU runs it, else the widest the CPU runs. Whether the CPU
   runs AVX2 or AVX-512 is checked against the compiler's own detection
   (__builtin_cpu_supports, which also asks the OS, as tensor.h's does). */
static void t_kernel_choice(void) {
    const char *env = getenv("RSE_KERNELS");
    const rse__kernels *first = rse__kernels_now(), *want = env ? rse__kernels_find(env) : 0, *widest = 0;
    int i;
    for (i = RSE__NKSETS - 1; i >= 0; i--) {
        const rse__kernels *k = rse__kernel_sets[i];
        if (rse__kernels_run(k)) widest = k;
        if (i > 0) CHECK(rse__kernel_sets[i - 1]->set > k->set, "sets listed widest first");
    }
    CHECK(widest != 0 && rse__kernels_run(rse__kernel_sets[RSE__NKSETS - 1]), "the last set always runs");
    if (want && rse__kernels_run(want))
        CHECK(first == want, "RSE_KERNELS=%s chose %s", env, first->name);
    else
        CHECK(first == widest, "first choice %s, the widest that runs is %s", first->name, widest ? widest->name : "none");
    CHECK(!strcmp(rse_kernels_name(), first->name), "rse_kernels_name");
    CHECK(rse__kernels_find("scalar") != 0 || rse__kernels_find(RSE_SIMD_NAME) == rse__kernel_sets[0],
          "scalar built in, or this is a single-set build");
#if RSE__X86_SETS
    {
        int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        int avx512 = avx2 && __builtin_cpu_supports("avx512f");
        const rse__kernels *k2 = rse__kernels_find("avx2"), *k512 = rse__kernels_find("avx512");
        CHECK(k2 && rse__kernels_run(k2) == avx2, "cpuid: AVX2+FMA %s", avx2 ? "present" : "absent");
        if (k512) CHECK(rse__kernels_run(k512) == avx512, "cpuid: AVX-512F %s", avx512 ? "present" : "absent");
        printf("ok kernels: this CPU runs AVX2+FMA: %s, AVX-512F: %s\n", avx2 ? "yes" : "no", avx512 ? "yes" : "no");
    }
#endif
    CHECK(rse__kernels_force("sse9") == RSE_STATUS_UNSUPPORTED && strstr(rse_last_error(), "sse9"),
          "an unknown set is refused: %s", rse_last_error());
    CHECK(rse__kernels_force(0) == RSE_STATUS_OK && rse__kernels_now() == first, "choosing again gives the same set");
}

/* Set ks against the scalar set on a GEMM and a convolution of each path
   (implicit GEMM, depthwise, Winograd): the same tolerance as against the
   references, as the two sum in different orders. */
static void t_against_scalar(const rse__kernels *ks) {
    static const t_conv shapes[] = {
        {2, 16, 20, 23, 24, 3, 3, 1, 1, 1}, {2, 8, 14, 45, 8, 5, 5, 1, 2, 8}, {1, 64, 13, 17, 96, 3, 3, 1, 1, 1},
    };
    const rse__kernels *sc = rse__kernels_find("scalar");
    const int M = 70, N = 130, K = 300;
    float *A = t_rand((size_t)M * K), *B = t_rand((size_t)K * N), *C1 = t_rand((size_t)M * N), *C2;
    rse__arena scratch;
    int si;
    if (!sc || sc == ks) { free(A); free(B); free(C1); return; }
    rse__arena_init(&scratch, 0, 0);
    C2 = t_copy(C1, (size_t)M * N);
    sc->sgemm_cb(0, 1, M, N, K, 0.5f, A, K, B, K, 1.0f, C1, N, 0);
    ks->sgemm_cb(0, 1, M, N, K, 0.5f, A, K, B, K, 1.0f, C2, N, 0);
    CHECK(t_relerr(C2, C1, (size_t)M * N) <= TOL, "%s sgemm against the scalar set: rel %g", ks->name,
          t_relerr(C2, C1, (size_t)M * N));
    for (si = 0; si < (int)(sizeof shapes / sizeof shapes[0]); si++) {
        rse__conv2d_shape s = t_shape(shapes[si]);
        size_t nx = (size_t)s.N * s.C * s.H * s.W, nw = (size_t)s.K * (s.C / s.groups) * s.KH * s.KW;
        size_t no = (size_t)s.N * s.K * s.Ho * s.Wo;
        float *x = t_rand(nx), *w = t_rand(nw), *b = t_rand((size_t)s.K), *dout = t_rand(no);
        float *o[2], *dx[2], *dw[2], *db[2];
        int j;
        for (j = 0; j < 2; j++) {
            const rse__kernels *k = j ? ks : sc;
            o[j] = t_rand(no);
            dx[j] = (float *)calloc(nx, sizeof(float));
            dw[j] = (float *)calloc(nw, sizeof(float));
            db[j] = (float *)calloc((size_t)s.K, sizeof(float));
            CHECK(k->conv2d_forward(o[j], x, w, b, &s, &scratch) == RSE_STATUS_OK &&
                  k->conv2d_backward_data(dx[j], dout, w, &s, &scratch) == RSE_STATUS_OK &&
                  k->conv2d_backward_weight(dw[j], db[j], dout, x, &s, &scratch) == RSE_STATUS_OK,
                  "%s conv shape %d status", k->name, si);
        }
        CHECK(t_relerr(o[1], o[0], no) <= TOL && t_relerr(dx[1], dx[0], nx) <= TOL &&
              t_relerr(dw[1], dw[0], nw) <= TOL && t_relerr(db[1], db[0], (size_t)s.K) <= TOL,
              "%s conv shape %d against the scalar set: rel %g %g %g %g", ks->name, si, t_relerr(o[1], o[0], no),
              t_relerr(dx[1], dx[0], nx), t_relerr(dw[1], dw[0], nw), t_relerr(db[1], db[0], (size_t)s.K));
        for (j = 0; j < 2; j++) { free(o[j]); free(dx[j]); free(dw[j]); free(db[j]); }
        free(x); free(w); free(b); free(dout);
    }
    rse__arena_free(&scratch);
    free(A); free(B); free(C1); free(C2);
}

/* ---- GELU runs: the bits of rse__gelu1 and rse__gelu1_grad ----
   Every length up to three vectors and a few beyond (the vector loop and
   the scalar tail), values across the erf clamp (|x| / sqrt 2 = 3.92),
   signed zeros and large values, in place and not, storing and adding. */
static void t_gelu_runs(const rse__kernels *ks) {
    enum { N = 77 };
    float x[N], y[N], r[N], dy[N], g[N], gr[N], gs[N];
    int n, i, bad = 0;
    for (i = 0; i < N; i++) {
        x[i] = 12.0f * rse__rng_uniform(&t_rng) - 6.0f;
        dy[i] = 2.0f * rse__rng_uniform(&t_rng) - 1.0f;
    }
    x[0] = 0.0f; x[1] = -0.0f; x[2] = 3.92f * RSE__SQRT1_2 * 1.4142135f; x[3] = -5.5437f; x[4] = 30.0f; x[5] = -30.0f;
    for (n = 0; n <= N; n += n < 50 ? 1 : 9) {
        for (i = 0; i < n; i++) {
            r[i] = rse__gelu1(x[i]);
            gs[i] = dy[i] * rse__gelu1_grad(x[i]);
            gr[i] = 0.5f + gs[i];
        }
        ks->gelu_run(y, x, (size_t)n);
        for (i = 0; i < n; i++) g[i] = 0.5f;
        ks->gelu_grad_run(g, dy, x, (size_t)n, 1);
        if (memcmp(y, r, sizeof(float) * (size_t)n) || memcmp(g, gr, sizeof(float) * (size_t)n)) bad++;
        memcpy(g, x, sizeof(float) * (size_t)n); /* in place: gx is x */
        ks->gelu_grad_run(g, dy, g, (size_t)n, 0);
        if (memcmp(g, gs, sizeof(float) * (size_t)n)) bad++;
        memcpy(y, x, sizeof(float) * (size_t)n);
        ks->gelu_run(y, y, (size_t)n);
        if (memcmp(y, r, sizeof(float) * (size_t)n)) bad++;
    }
    CHECK(!bad, "%s GELU runs: %d lengths differ from rse__gelu1 / rse__gelu1_grad", ks->name, bad);
}

int main(void) {
    int i;
    rse__rng_seed(&t_rng, 7);
    t_kernel_choice();
    /* every kernel test, once per set this CPU runs */
    for (i = 0; i < RSE__NKSETS; i++) {
        const rse__kernels *ks = rse__kernel_sets[i];
        int failed = t_fail;
        if (!rse__kernels_run(ks)) {
            SKIP("%s kernels: built in, but this CPU does not run them", ks->name);
            continue;
        }
        CHECK(rse__kernels_force(ks->name) == RSE_STATUS_OK && !strcmp(rse_kernels_name(), ks->name), "use %s", ks->name);
        printf("ok kernels: %s set, vector width %d, %d x %d micro-kernel\n", ks->name, ks->width, ks->mr, ks->nr);
        test_sgemm();
        test_conv();
        test_threads();
        test_bw_bands();
        test_ukr_loops(ks);
        t_gelu_runs(ks);
        t_against_scalar(ks);
        if (t_fail > failed) printf("FAIL (the %d failures above are the %s kernels')\n", t_fail - failed, ks->name);
    }
    rse__kernels_force(0);
    test_errors();
    return t_report("test_kernels");
}
