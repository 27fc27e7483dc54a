/* The fused denoiser block (sinddm.c, rse__sd_block_fused) against the same
   block built from generic tape ops (rse__sd_block_forward_ref): forward,
   and the gradient of every weight, of the input and of the condition, for
   all four blocks of a small net (3->4, 4->8 with a 1x1 residual conv, 8->8
   with the identity skip, 8->4), batch 2, on 1, 2 and 3 threads.

   Tolerance: none, the results must be equal. The fused op calls the same
   kernels on the same data in the same order as the composite, and its two
   fusions keep the composite's rounding: the condition is added after the
   depthwise sum ((dw_b + taps) + c, as the broadcast add did), and
   dh3 = dh4 * gelu'(h3) is the product the GELU backward added to a zeroed
   buffer (0 + p == p). Only the sign of a zero could differ, which == does
   not see. The kernels' contract (reductions fixed by blocking, never by
   thread) makes every thread count give the same bits as well.

   The finite-difference check of the whole net's gradient, which now runs
   through the fused op, is in test_sinddm_net. Here also: the memory the op
   keeps (its output and h3 on the tape, nothing under no_grad, the scratch
   arena back where it was). */
#include "test.h"

typedef struct {
    float *y, *g, *gx, *gc; /* output, weight grads (net.total), dL/dx, dL/dcond */
    size_t ny, tape_bytes;  /* the fused op's own growth of the tape arena */
    int ok;
} t_res;

static void t_res_free(t_res *r) {
    free(r->y); free(r->g); free(r->gx); free(r->gc);
    memset(r, 0, sizeof *r);
}

static float *t_copy(const float *p, size_t n) {
    float *q = (float *)malloc((n ? n : 1) * sizeof(float));
    if (p) memcpy(q, p, n * sizeof(float));
    else memset(q, 0, n * sizeof(float));
    return q;
}

/* L = sum(r * block(x, cond)) and its backward, through the fused op or the
   composite. train: weights get gradients (else they are frozen); xgrad:
   x requires a gradient (2: and already has one, of ones, as if another op
   had read x too); no_grad: forward only, on a no-grad tape. */
static void t_run(int fused, const rse__sd_net *proto, int bi, const float *w, int B, int H, int W,
                  const float *x, const float *cond, const float *r, int train, int xgrad, int no_grad, t_res *out) {
    rse__sd_net net = *proto;
    rse__arena a, sc;
    rse__tape t;
    rse__tensor *xt, *ct, *y = 0, *L;
    const rse__sd_block *b = &net.blk[bi];
    float *g = (float *)calloc(net.total, sizeof(float));
    size_t sc_before;
    int sh[4];
    memset(out, 0, sizeof *out);
    rse__sd_net_bind(&net, (float *)w, train ? g : 0);
    rse__arena_init(&a, 0, 0);
    rse__arena_init(&sc, 0, 0);
    rse__tape_init(&t, &a, &sc);
    t.no_grad = no_grad;
    sh[0] = B; sh[1] = b->din; sh[2] = H; sh[3] = W;
    xt = rse__tensor_wrap(&t, (float *)x, 4, sh);
    sh[1] = RSE_SD_TIME_DIM;
    ct = rse__tensor_wrap(&t, (float *)cond, 2, sh);
    if (xt) xt->requires_grad = xgrad != 0;
    if (xt && xgrad == 2) {
        size_t i;
        xt->grad = (float *)rse__arena_alloc(&a, xt->n * sizeof(float));
        for (i = 0; xt->grad && i < xt->n; i++) xt->grad[i] = 1.0f;
    }
    if (ct) ct->requires_grad = !no_grad;
    sc_before = sc.used;
    if (fused) {
        /* the block's time MLP, then the fused op alone, to see what it keeps */
        rse__tensor *c = rse__linear(&t, rse__gelu(&t, ct), (rse__tensor *)&b->mlp_w, (rse__tensor *)&b->mlp_b);
        size_t before;
        c = rse__linear(&t, c, (rse__tensor *)&b->tr_w, (rse__tensor *)&b->tr_b);
        before = a.used;
        y = rse__sd_block_fused(&t, b, xt, c);
        out->tape_bytes = a.used - before;
    } else {
        y = rse__sd_block_forward_ref(&t, b, xt, ct);
    }
    CHECK(sc.used == sc_before, "forward leaves the scratch arena as it found it (%zu -> %zu)", sc_before, sc.used);
    out->ok = y != 0;
    if (!y) { printf("  forward failed: %s\n", rse_last_error()); goto done; }
    out->y = t_copy(y->data, y->n);
    out->ny = y->n;
    if (no_grad) goto done;
    sh[1] = b->dout;
    L = rse__sum(&t, rse__mul(&t, y, rse__tensor_wrap(&t, (float *)r, 4, sh)));
    if (!L || rse__backward(&t, L) != RSE_STATUS_OK) {
        out->ok = 0;
        printf("  backward failed: %s\n", rse_last_error());
        goto done;
    }
    CHECK(sc.used == sc_before, "backward leaves the scratch arena as it found it");
    out->g = t_copy(g, net.total);
    out->gx = t_copy(xgrad ? xt->grad : 0, xt->n);
    out->gc = t_copy(ct->grad, ct->n);
done:
    rse__arena_free(&a);
    rse__arena_free(&sc);
    free(g);
}

/* Number of elements where a and b differ (== compares, so -0 == +0). */
static size_t t_diff(const float *a, const float *b, size_t n) {
    size_t i, bad = 0;
    for (i = 0; i < n; i++) bad += !(a[i] == b[i]);
    return bad;
}

static void t_same(const t_res *a, const t_res *b, size_t ng, size_t nx, const char *what, int bi, int H, int W) {
    CHECK(a->ok && b->ok, "%s block %d %dx%d: both ran", what, bi, H, W);
    if (!a->ok || !b->ok) return;
    CHECK(t_diff(a->y, b->y, a->ny) == 0, "%s block %d %dx%d: outputs differ in %zu places", what, bi, H, W,
          t_diff(a->y, b->y, a->ny));
    if (a->g && b->g) {
        CHECK(t_diff(a->g, b->g, ng) == 0, "%s block %d %dx%d: weight gradients differ in %zu places", what, bi, H, W,
              t_diff(a->g, b->g, ng));
        CHECK(t_diff(a->gx, b->gx, nx) == 0, "%s block %d %dx%d: input gradients differ in %zu places", what, bi, H, W,
              t_diff(a->gx, b->gx, nx));
        CHECK(t_diff(a->gc, b->gc, (size_t)2 * RSE_SD_TIME_DIM) == 0, "%s block %d %dx%d: condition gradients differ",
              what, bi, H, W);
    }
}

/* dim 8; and dim 96, whose 96->96 3x3 convolutions (block 2's second,
   block 3's two) take the Winograd path in the fused op and the composite
   alike (tensor.h 7.6). */
static void test_fused_vs_composite(int dim) {
    /* 13x9: odd, narrower than one AVX-512 vector; 19x37: the vector loops
       and the backward-weight GEMM path for rows of 32 pixels or more */
    static const int sizes[2][2] = { { 13, 9 }, { 19, 37 } };
    rse__sd_net net;
    rse__rng rng;
    float *w;
    int bi, si, th, B = 2;
    rse__sd_net_layout(&net, dim);
    w = (float *)malloc(net.total * sizeof(float));
    rse__rng_seed(&rng, 11);
    rse__sd_net_init(&net, w, &rng);
    for (si = 0; si < 2; si++)
        for (bi = 0; bi < 4; bi++) {
            const rse__sd_block *b = &net.blk[bi];
            int H = sizes[si][0], W = sizes[si][1];
            size_t nx = (size_t)B * b->din * H * W, ny = (size_t)B * b->dout * H * W, i;
            float *x = (float *)malloc(nx * sizeof(float)), *r = (float *)malloc(ny * sizeof(float));
            float cond[2 * RSE_SD_TIME_DIM];
            t_res ref, one, fr;
            rse__rng_normal(&rng, x, nx);
            rse__rng_normal(&rng, r, ny);
            rse__rng_normal(&rng, cond, 2 * RSE_SD_TIME_DIM);
            for (i = 0; i < 2 * RSE_SD_TIME_DIM; i++) cond[i] *= 2.0f; /* GELU's curved part */
            rse_set_threads(1);
            t_run(0, &net, bi, w, B, H, W, x, cond, r, 1, 1, 0, &ref);
            t_run(1, &net, bi, w, B, H, W, x, cond, r, 1, 1, 0, &one);
            t_same(&ref, &one, net.total, nx, "fused vs composite, 1 thread", bi, H, W);
            /* it keeps its output (B,dout,H,W) and h3 plus headers; h3 not
               when the block has few inputs (then it is recomputed), and
               in a buffer of (B,max(din,dout),H,W), as it becomes x's
               gradient in the backward */
            {
                size_t kept = (ny + (b->din >= RSE_SD_KEEP_H3_DIN ? (nx > ny ? nx : ny) : 0)) * sizeof(float);
                CHECK(one.tape_bytes >= kept && one.tape_bytes <= kept + 1024,
                      "block %d: the fused op keeps %zu bytes on the tape, expected about %zu", bi, one.tape_bytes, kept);
            }
            for (th = 2; th <= 3; th++) {
                t_res c;
                rse_set_threads(th);
                t_run(1, &net, bi, w, B, H, W, x, cond, r, 1, 1, 0, &c);
                t_same(&one, &c, net.total, nx, th == 2 ? "fused 1 vs 2 threads" : "fused 1 vs 3 threads", bi, H, W);
                t_res_free(&c);
                if (th == 2) {
                    t_run(0, &net, bi, w, B, H, W, x, cond, r, 1, 1, 0, &c);
                    t_same(&c, &one, net.total, nx, "composite 2 threads vs fused 1 thread", bi, H, W);
                    t_res_free(&c);
                }
            }
            rse_set_threads(2);
            /* frozen weights, gradient to x only (the wg == 0 branches) */
            t_res_free(&ref);
            t_run(0, &net, bi, w, B, H, W, x, cond, r, 0, 1, 0, &ref);
            t_run(1, &net, bi, w, B, H, W, x, cond, r, 0, 1, 0, &fr);
            t_same(&ref, &fr, 0, nx, "frozen weights", bi, H, W);
            t_res_free(&ref); t_res_free(&fr);
            /* x's gradient already begun by another reader: accumulated into */
            t_run(0, &net, bi, w, B, H, W, x, cond, r, 1, 2, 0, &ref);
            t_run(1, &net, bi, w, B, H, W, x, cond, r, 1, 2, 0, &fr);
            t_same(&ref, &fr, net.total, nx, "x with a gradient already", bi, H, W);
            CHECK(fr.ok && t_diff(fr.gx, one.gx, nx) > 0, "block %d: the earlier gradient is kept", bi);
            t_res_free(&ref); t_res_free(&fr);
            /* x without a gradient (the first block sees the image) */
            t_run(0, &net, bi, w, B, H, W, x, cond, r, 1, 0, 0, &ref);
            t_run(1, &net, bi, w, B, H, W, x, cond, r, 1, 0, 0, &fr);
            t_same(&ref, &fr, net.total, nx, "x without gradient", bi, H, W);
            t_res_free(&ref); t_res_free(&fr);
            /* no_grad (sampling): the same output, only the output kept */
            t_run(1, &net, bi, w, B, H, W, x, cond, r, 0, 0, 1, &fr);
            CHECK(fr.ok && t_diff(fr.y, one.y, ny) == 0, "block %d no_grad: same output", bi);
            CHECK(fr.tape_bytes <= ny * sizeof(float) + 512, "block %d no_grad: keeps %zu bytes, expected about %zu",
                  bi, fr.tape_bytes, ny * sizeof(float));
            t_res_free(&fr);
            t_res_free(&one);
            free(x);
            free(r);
        }
    rse_set_threads(1);
    free(w);
}

/* Wrong shapes are refused with a message, not read out of bounds. */
static void test_shapes(void) {
    rse__sd_net net;
    rse__arena a, sc;
    rse__tape t;
    float *w, x[2 * 4 * 5 * 5] = { 0 }, c[2 * 8] = { 0 };
    int sh[4];
    rse__sd_net_layout(&net, 8);
    w = (float *)calloc(net.total, sizeof(float));
    rse__sd_net_bind(&net, w, 0);
    rse__arena_init(&a, 0, 0);
    rse__arena_init(&sc, 0, 0);
    rse__tape_init(&t, &a, &sc);
    sh[0] = 2; sh[1] = 4; sh[2] = 5; sh[3] = 5;
    /* block 1 wants din 4 and a (2,4) condition: give it (2,8) */
    {
        rse__tensor *xt = rse__tensor_wrap(&t, x, 4, sh), *ct;
        sh[1] = 8;
        ct = rse__tensor_wrap(&t, c, 2, sh);
        CHECK(!rse__sd_block_fused(&t, &net.blk[1], xt, ct) && t.status == RSE_STATUS_BAD_ARG,
              "a condition of the wrong width is refused");
    }
    rse__arena_free(&a);
    rse__arena_free(&sc);
    free(w);
}

int main(void) {
    test_fused_vs_composite(8);
    test_fused_vs_composite(96);
    test_shapes();
    return t_report("test_sd_block");
}
