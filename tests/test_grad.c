/* Finite-difference checks of every op's backward pass, plus forward checks
   of values that are known in closed form.

   For an op y = f(x1, x2, ...) we take a fixed random direction r of y's
   shape and the scalar L = sum(r * y). Backward gives dL/dxi; central
   differences give (L(xi + h) - L(xi - h)) / 2h for a sample of elements.

   Tolerance. The ops compute in float32, so L carries a rounding error of
   about 1e-7 relative to the sum of |r*y| terms; divided by 2h with h = 1e-2
   that is ~1e-5 of the gradient's scale. The truncation error of central
   differences is h^2/6 f''' ~ 2e-5 for the smooth ops at these magnitudes
   (inputs in [-1,1]). We accept |analytic - numeric| <= 2e-3 * (max |numeric|
   over the tensor) + 2e-3 * |numeric|: a wrong backward (a missing term, a
   transposed index) gives errors of order 1, a hundred times larger. Piecewise
   ops (L1) are tested away from their kinks. */
/* Every arena allocation starts as NaN: a backward that read a gradient
   buffer it had not written (one that rse__grad_first left uninitialised)
   would turn the analytic gradient into NaN and fail its check. */
#define RSE_ARENA_POISON
#include "test.h"

#define T_MAXIN 5

typedef struct t_case t_case;
typedef rse__tensor *(*t_build)(rse__tape *t, rse__tensor **in, const t_case *c);

struct t_case {
    const char *name;
    t_build f;
    int nin;
    int nd[T_MAXIN];
    int shape[T_MAXIN][4];
    int grad[T_MAXIN];   /* which inputs need a gradient */
    int ip[6];           /* op parameters */
    float offset[T_MAXIN]; /* added to the random values (keeps L1 off its kink) */
};

static rse__rng t_rng;

static void t_fill(float *p, size_t n, float off) {
    size_t i;
    for (i = 0; i < n; i++) p[i] = 2.0f * rse__rng_uniform(&t_rng) - 1.0f + off;
}

/* L = sum(r * y) in double. */
static double t_eval(const t_case *c, rse__tensor **in, const float *r, size_t ny) {
    rse__arena a, s;
    rse__tape t;
    rse__tensor *y;
    double L = 0;
    size_t i;
    rse__arena_init(&a, 0, 0);
    rse__arena_init(&s, 0, 0);
    rse__tape_init(&t, &a, &s);
    t.no_grad = 1;
    y = c->f(&t, in, c);
    if (y && y->n == ny) for (i = 0; i < ny; i++) L += (double)r[i] * y->data[i];
    else L = NAN;
    rse__arena_free(&a);
    rse__arena_free(&s);
    return L;
}

static void t_gradcheck(const t_case *c) {
    rse__tensor in[T_MAXIN], *pin[T_MAXIN];
    float *buf[T_MAXIN], *ana[T_MAXIN];
    rse__arena a, s;
    rse__tape t;
    rse__tensor *y, *rt, *L;
    float *r;
    size_t ny;
    int k;
    const float h = 1e-2f;
    rse__arena_init(&a, 0, 0);
    rse__arena_init(&s, 0, 0);
    rse__tape_init(&t, &a, &s);
    for (k = 0; k < c->nin; k++) {
        int ok;
        size_t n = rse__shape_numel(c->nd[k], c->shape[k], &ok);
        buf[k] = (float *)malloc(n * sizeof(float));
        ana[k] = (float *)calloc(n, sizeof(float));
        t_fill(buf[k], n, c->offset[k]);
        rse__tensor_view(&in[k], buf[k], c->nd[k], c->shape[k]);
        in[k].requires_grad = c->grad[k];
        pin[k] = &in[k];
    }
    y = c->f(&t, pin, c);
    CHECK(y != 0, "%s: forward failed: %s", c->name, rse_last_error());
    if (!y) goto done;
    ny = y->n;
    r = (float *)malloc(ny * sizeof(float));
    t_fill(r, ny, 0);
    rt = rse__tensor_new(&t, y->nd, y->shape);
    memcpy(rt->data, r, ny * sizeof(float));
    L = rse__sum(&t, rse__mul(&t, y, rt));
    CHECK(rse__backward(&t, L) == RSE_STATUS_OK, "%s: backward failed: %s", c->name, rse_last_error());
    for (k = 0; k < c->nin; k++) {
        size_t n = in[k].n, i, step = n > 60 ? n / 60 : 1, checked = 0;
        double maxn = 0, worst = 0;
        size_t worst_i = 0;
        double *num;
        if (!c->grad[k]) {
            CHECK(in[k].grad == 0, "%s: frozen input %d got a gradient", c->name, k);
            continue;
        }
        CHECK(in[k].grad != 0, "%s: input %d got no gradient", c->name, k);
        if (!in[k].grad) continue;
        memcpy(ana[k], in[k].grad, n * sizeof(float));
        num = (double *)calloc(n, sizeof(double));
        for (i = 0; i < n; i += step) {
            float x0 = buf[k][i];
            double lp, lm;
            buf[k][i] = x0 + h; lp = t_eval(c, pin, r, ny);
            buf[k][i] = x0 - h; lm = t_eval(c, pin, r, ny);
            buf[k][i] = x0;
            num[i] = (lp - lm) / (2.0 * h);
            if (fabs(num[i]) > maxn) maxn = fabs(num[i]);
        }
        for (i = 0; i < n; i += step) {
            double err = fabs(ana[k][i] - num[i]) - 2e-3 * fabs(num[i]);
            double rel = err / (maxn > 1e-6 ? maxn : 1e-6);
            if (rel > worst || rel != rel) { worst = rel; worst_i = i; } /* NaN must fail */
            if (rel != rel) break;
            checked++;
        }
        CHECK(worst <= 2e-3, "%s: input %d: gradient mismatch at %d: analytic %g numeric %g (max |num| %g)",
              c->name, k, (int)worst_i, ana[k][worst_i], num[worst_i], maxn);
        CHECK(maxn > 1e-4, "%s: input %d: numeric gradient is all ~0, the check is vacuous", c->name, k);
        (void)checked;
        free(num);
    }
    free(r);
done:
    for (k = 0; k < c->nin; k++) { free(buf[k]); free(ana[k]); }
    rse__arena_free(&a);
    rse__arena_free(&s);
}

/* ---- builders: one per op ---- */
static rse__tensor *b_conv(rse__tape *t, rse__tensor **in, const t_case *c) {
    return rse__conv2d(t, in[0], in[1], c->nin > 2 ? in[2] : 0, c->ip[0], c->ip[1], c->ip[2]);
}
static rse__tensor *b_linear(rse__tape *t, rse__tensor **in, const t_case *c) {
    return rse__linear(t, in[0], in[1], c->nin > 2 ? in[2] : 0);
}
static rse__tensor *b_matmul(rse__tape *t, rse__tensor **in, const t_case *c) { (void)c; return rse__matmul(t, in[0], in[1]); }
static rse__tensor *b_add(rse__tape *t, rse__tensor **in, const t_case *c) { (void)c; return rse__add(t, in[0], in[1]); }
static rse__tensor *b_sub(rse__tape *t, rse__tensor **in, const t_case *c) { (void)c; return rse__sub(t, in[0], in[1]); }
static rse__tensor *b_mul(rse__tape *t, rse__tensor **in, const t_case *c) { (void)c; return rse__mul(t, in[0], in[1]); }
static rse__tensor *b_scale(rse__tape *t, rse__tensor **in, const t_case *c) { (void)c; return rse__scale(t, in[0], -1.7f); }
static rse__tensor *b_gelu(rse__tape *t, rse__tensor **in, const t_case *c) { (void)c; return rse__gelu(t, rse__scale(t, in[0], 3)); }
static rse__tensor *b_gelu_tanh(rse__tape *t, rse__tensor **in, const t_case *c) { (void)c; return rse__gelu_tanh(t, rse__scale(t, in[0], 3)); }
static rse__tensor *b_quickgelu(rse__tape *t, rse__tensor **in, const t_case *c) { (void)c; return rse__quickgelu(t, rse__scale(t, in[0], 3)); }
static rse__tensor *b_layernorm(rse__tape *t, rse__tensor **in, const t_case *c) {
    return rse__layernorm(t, in[0], c->nin > 1 ? in[1] : 0, c->nin > 2 ? in[2] : 0, 1e-5f);
}
static rse__tensor *b_softmax(rse__tape *t, rse__tensor **in, const t_case *c) { (void)c; return rse__softmax(t, rse__scale(t, in[0], 2)); }
static rse__tensor *b_sdpa(rse__tape *t, rse__tensor **in, const t_case *c) { return rse__sdpa(t, in[0], in[1], in[2], c->ip[0]); }
static rse__tensor *b_mha(rse__tape *t, rse__tensor **in, const t_case *c) {
    return rse__mha(t, in[0], in[1], in[2], in[3], in[4], c->ip[0], c->ip[1]);
}
static rse__tensor *b_attn_qkv(rse__tape *t, rse__tensor **in, const t_case *c) {
    return rse__attention_qkv(t, in[0], c->ip[0], c->ip[1]);
}
static rse__tensor *b_embedding(rse__tape *t, rse__tensor **in, const t_case *c) {
    static const int ids[6] = { 3, 0, 9, 3, 7, 1 };
    (void)c;
    return rse__embedding(t, in[0], ids, 6);
}
static rse__tensor *b_concat(rse__tape *t, rse__tensor **in, const t_case *c) { return rse__concat(t, in[0], in[1], c->ip[0]); }
static rse__tensor *b_slice(rse__tape *t, rse__tensor **in, const t_case *c) {
    return rse__slice(t, in[0], c->ip[0], c->ip[1], c->ip[2]);
}
static rse__tensor *b_reshape_permute(rse__tape *t, rse__tensor **in, const t_case *c) {
    static const int sh[3] = { 6, 5, 4 };
    (void)c;
    return rse__permute(t, rse__reshape(t, in[0], 3, sh), c->ip);
}
static rse__tensor *b_sum(rse__tape *t, rse__tensor **in, const t_case *c) { (void)c; return rse__sum(t, rse__mul(t, in[0], in[0])); }
static rse__tensor *b_mean(rse__tape *t, rse__tensor **in, const t_case *c) { (void)c; return rse__mean(t, rse__mul(t, in[0], in[0])); }
static rse__tensor *b_l1(rse__tape *t, rse__tensor **in, const t_case *c) { (void)c; return rse__l1_loss(t, in[0], in[1]); }
static rse__tensor *b_l2(rse__tape *t, rse__tensor **in, const t_case *c) { (void)c; return rse__l2_loss(t, in[0], in[1]); }
static rse__tensor *b_cosine(rse__tape *t, rse__tensor **in, const t_case *c) { (void)c; return rse__cosine(t, in[0], in[1]); }
static rse__tensor *b_l2norm(rse__tape *t, rse__tensor **in, const t_case *c) { (void)c; return rse__l2_normalize(t, in[0]); }
static rse__tensor *b_bilinear(rse__tape *t, rse__tensor **in, const t_case *c) { return rse__resize_bilinear(t, in[0], c->ip[0], c->ip[1]); }
static rse__tensor *b_bicubic(rse__tape *t, rse__tensor **in, const t_case *c) { return rse__resize_bicubic(t, in[0], c->ip[0], c->ip[1]); }

#define S4(a, b, c, d) { a, b, c, d }
static const t_case t_cases[] = {
    { "conv3x3 s1 p1 +bias", b_conv, 3, {4, 4, 1}, {S4(2,4,7,6), S4(6,4,3,3), S4(6,0,0,0)}, {1,1,1}, {1,1,1}, {0} },
    { "conv2x2 s2 p0", b_conv, 2, {4, 4}, {S4(1,3,8,7), S4(5,3,2,2)}, {1,1}, {2,0,1}, {0} },
    { "conv3x3 groups 2 s2 p1", b_conv, 3, {4, 4, 1}, {S4(2,4,6,5), S4(6,2,3,3), S4(6,0,0,0)}, {1,1,1}, {2,1,2}, {0} },
    { "conv5x5 depthwise p2", b_conv, 3, {4, 4, 1}, {S4(1,5,6,7), S4(5,1,5,5), S4(5,0,0,0)}, {1,1,1}, {1,2,5}, {0} },
    { "conv1x1", b_conv, 2, {4, 4}, {S4(2,6,3,4), S4(4,6,1,1)}, {1,1}, {1,0,1}, {0} },
    { "conv frozen weights", b_conv, 3, {4, 4, 1}, {S4(1,3,5,5), S4(4,3,3,3), S4(4,0,0,0)}, {1,0,0}, {1,1,1}, {0} },
    { "conv bias only", b_conv, 3, {4, 4, 1}, {S4(1,3,5,5), S4(4,3,3,3), S4(4,0,0,0)}, {0,0,1}, {1,1,1}, {0} },
    { "linear +bias", b_linear, 3, {3, 2, 1}, {S4(2,3,5,0), S4(4,5,0,0), S4(4,0,0,0)}, {1,1,1}, {0}, {0} },
    { "matmul batched", b_matmul, 2, {3, 3}, {S4(2,3,4,0), S4(2,4,5,0)}, {1,1}, {0}, {0} },
    { "matmul shared rhs", b_matmul, 2, {3, 2}, {S4(2,3,4,0), S4(4,5,0,0)}, {1,1}, {0}, {0} },
    { "add bias (C,1,1)", b_add, 2, {4, 3}, {S4(2,3,4,5), S4(3,1,1,0)}, {1,1}, {0}, {0} },
    { "sub same shape", b_sub, 2, {2, 2}, {S4(3,4,0,0), S4(3,4,0,0)}, {1,1}, {0}, {0} },
    { "mul per-sample (N,C,1,1)", b_mul, 2, {4, 4}, {S4(2,3,4,5), S4(2,3,1,1)}, {1,1}, {0}, {0} },
    { "scale", b_scale, 1, {2}, {S4(3,4,0,0)}, {1}, {0}, {0} },
    { "gelu", b_gelu, 1, {2}, {S4(4,9,0,0)}, {1}, {0}, {0} },
    { "gelu tanh", b_gelu_tanh, 1, {2}, {S4(4,9,0,0)}, {1}, {0}, {0} },
    { "quickgelu", b_quickgelu, 1, {2}, {S4(4,9,0,0)}, {1}, {0}, {0} },
    { "layernorm", b_layernorm, 3, {2, 1, 1}, {S4(3,7,0,0), S4(7,0,0,0), S4(7,0,0,0)}, {1,1,1}, {0}, {0} },
    { "softmax", b_softmax, 1, {2}, {S4(3,6,0,0)}, {1}, {0}, {0} },
    { "attention", b_sdpa, 3, {4, 4, 4}, {S4(1,2,4,3), S4(1,2,5,3), S4(1,2,5,3)}, {1,1,1}, {0}, {0} },
    { "attention causal", b_sdpa, 3, {4, 4, 4}, {S4(2,2,4,3), S4(2,2,4,3), S4(2,2,4,3)}, {1,1,1}, {1}, {0} },
    { "multi-head attention causal", b_mha, 5, {3, 2, 1, 2, 1}, {S4(2,5,8,0), S4(24,8,0,0), S4(24,0,0,0), S4(8,8,0,0), S4(8,0,0,0)}, {1,1,1,1,1}, {2,1}, {0} },
    { "multi-head attention frozen", b_mha, 5, {3, 2, 1, 2, 1}, {S4(1,4,8,0), S4(24,8,0,0), S4(24,0,0,0), S4(8,8,0,0), S4(8,0,0,0)}, {1,0,0,0,0}, {4,0}, {0} },
    { "fused attention on qkv", b_attn_qkv, 1, {3}, {S4(2,5,18,0)}, {1}, {3,0}, {0} },
    { "fused attention on qkv causal", b_attn_qkv, 1, {3}, {S4(2,4,12,0)}, {1}, {2,1}, {0} },
    { "embedding", b_embedding, 1, {2}, {S4(10,4,0,0)}, {1}, {0}, {0} },
    { "concat axis 1", b_concat, 2, {3, 3}, {S4(2,3,4,0), S4(2,2,4,0)}, {1,1}, {1}, {0} },
    { "slice axis 2", b_slice, 1, {4}, {S4(2,3,6,2)}, {1}, {2,1,3}, {0} },
    { "reshape + permute", b_reshape_permute, 1, {2}, {S4(30,4,0,0)}, {1}, {2,0,1}, {0} },
    { "sum", b_sum, 1, {2}, {S4(3,5,0,0)}, {1}, {0}, {0} },
    { "mean", b_mean, 1, {2}, {S4(3,5,0,0)}, {1}, {0}, {0} },
    { "l1 loss", b_l1, 2, {2, 2}, {S4(3,5,0,0), S4(3,5,0,0)}, {1,1}, {0}, {0, 3.0f} },
    { "l2 loss", b_l2, 2, {2, 2}, {S4(3,5,0,0), S4(3,5,0,0)}, {1,1}, {0}, {0} },
    { "cosine rows", b_cosine, 2, {2, 2}, {S4(3,5,0,0), S4(3,5,0,0)}, {1,1}, {0}, {0} },
    { "cosine shared (1,D)", b_cosine, 2, {2, 2}, {S4(3,5,0,0), S4(1,5,0,0)}, {1,1}, {0}, {0} },
    { "l2 normalize", b_l2norm, 1, {2}, {S4(3,5,0,0)}, {1}, {0}, {0} },
    { "bilinear up", b_bilinear, 1, {4}, {S4(1,2,4,5)}, {1}, {7,9}, {0} },
    { "bilinear down", b_bilinear, 1, {4}, {S4(2,1,9,8)}, {1}, {4,3}, {0} },
    { "bicubic up", b_bicubic, 1, {4}, {S4(1,2,4,5)}, {1}, {7,11}, {0} },
    { "bicubic down", b_bicubic, 1, {4}, {S4(1,2,9,8)}, {1}, {5,3}, {0} },
};

/* ---- the op table: built from one row per op (RSE__OPS); its names set and unique ---- */
static void test_op_table(void) {
    int i, j;
    for (i = 0; i < RSE__OP_COUNT; i++) {
        CHECK(rse__op_bwd[i] != 0, "op %d (%s) has no backward", i, rse__op_name((rse__op)i));
        CHECK(rse__op_names[i] && rse__op_names[i][0], "op %d has no name", i);
        for (j = 0; j < i; j++)
            CHECK(strcmp(rse__op_names[i], rse__op_names[j]) != 0, "ops %d and %d are both %s", j, i, rse__op_names[i]);
    }
    CHECK(!strcmp(rse__op_name(RSE__OP_CONV2D), "conv2d") && !strcmp(rse__op_name(RSE__OP_CUSTOM), "custom") &&
          !strcmp(rse__op_name(RSE__OP_COUNT), "?"), "op names line up with the enum");
}

/* ---- forward values known in closed form ---- */
static void test_forward_values(void) {
    rse__arena a, s;
    rse__tape t;
    rse__tensor x, *y;
    float v[8] = { -3, -1, 0, 0.5f, 1, 2, 3, 10 };
    int sh[4] = { 8, 0, 0, 0 }, i;
    rse__arena_init(&a, 0, 0);
    rse__arena_init(&s, 0, 0);
    rse__tape_init(&t, &a, &s);
    rse__tensor_view(&x, v, 1, sh);
    /* GELU(1) = Phi(1) = 0.8413447460685429; GELU(-3) = -3 * 0.0013498980316301 */
    y = rse__gelu(&t, &x);
    /* (the erf behind it is within 3.5e-7, so GELU(-3) within 3/2 x 3.5e-7
       = 5.25e-7; its float roundings are below 1e-9 at that size) */
    CHECK(fabsf(y->data[4] - 0.84134475f) < 1e-6f && fabsf(y->data[0] + 0.0040496941f) < 5.3e-7f,
          "gelu values %g %g", y->data[4], y->data[0]);
    {   /* The rational erf behind GELU against libm's double erf and exp
           over [-8, 8], at the float inputs themselves. Bounds, per
           max(1, |x|): the value errs by at most |x|/2 x 3.5e-7 (erf, as
           tensor.h states) plus the roundings of 1 + e and of the product
           (half an ulp each: 1.2e-7 together), so 3e-7; the derivative by
           1.75e-7 (Phi) + |x|/(2 sqrt 2) x 7.3e-7 (erf') = 4.3e-7 plus about
           2e-7 of rounding, so 6.5e-7. Measured: 2.1e-7 and 2.6e-7. */
        double emax = 0, dmax = 0;
        int k;
        for (k = -80000; k <= 80000; k++) {
            float xf = (float)(k / 10000.0);
            double xv = xf, sc = fabs(xv) > 1 ? fabs(xv) : 1;
            double g = 0.5 * xv * (1 + erf(xv / sqrt(2.0)));
            double dg = 0.5 * (1 + erf(xv / sqrt(2.0))) + xv * exp(-0.5 * xv * xv) / sqrt(2 * 3.14159265358979323846);
            double e1 = fabs(rse__gelu1(xf) - g) / sc, e2 = fabs(rse__gelu1_grad(xf) - dg) / sc;
            if (e1 > emax) emax = e1;
            if (e2 > dmax) dmax = e2;
        }
        CHECK(emax < 3e-7 && dmax < 6.5e-7, "gelu vs erf: value error %.3g, derivative error %.3g", emax, dmax);
    }
    {   /* The libm-free exp behind QuickGELU against libm's double exp, at
           every 256th float in [-87, 88]. Bound 1.25e-7 relative:
           tools/fit_exp.py measures 1.18e-7 for the same float operations
           in the same order, and every 16th float gave 1.19e-7 with gcc,
           clang (which fuses a * b + c by default) and gcc
           -ffp-contract=fast alike; the rest is margin for other compilers.
           Then the edges: exp(0) is exactly 1, NaN stays NaN, and clamped
           inputs give normal floats (no inf, no 0). */
        double emax = 0;
        uint32_t b;
        float lo = -87.0f, hi = 88.0f, xf, nanv = NAN;
        for (xf = lo; xf <= hi;) {
            double e = fabs(rse__exp_approx(xf) - exp((double)xf)) / exp((double)xf);
            if (e > emax || e != e) emax = e != e ? 1 : e;
            memcpy(&b, &xf, sizeof b);
            b = xf < 0 ? b - 256 : (xf == 0 ? 256 : b + 256); /* |x| shrinks below 0, grows above */
            memcpy(&xf, &b, sizeof b);
            if (xf < 0 && xf > -1e-30f) xf = 0; /* cross zero */
        }
        CHECK(emax < 1.25e-7, "exp without libm: max relative error %.3g", emax);
        CHECK(rse__exp_approx(0.0f) == 1.0f, "exp(0) = %.9g", rse__exp_approx(0.0f));
        CHECK(rse__exp_approx(nanv) != rse__exp_approx(nanv), "exp(NaN) is NaN");
        CHECK(rse__exp_approx(1000.0f) > 1e38f && rse__exp_approx(1000.0f) < 3.4e38f &&
              rse__exp_approx(-1000.0f) > 0 && rse__exp_approx(-1000.0f) < 2e-38f, "exp clamps to normal floats");
        CHECK(fabsf(rse__sigmoid1(-200.0f)) < 1e-37f && rse__sigmoid1(200.0f) == 1.0f, "sigmoid saturates");
    }
    y = rse__quickgelu(&t, &x); /* 1 * sigmoid(1.702) = 0.845855 */
    CHECK(fabsf(y->data[4] - 0.84579575f) < 1e-6f, "quickgelu(1) = %g", y->data[4]); /* sigmoid(1.702) */
    y = rse__softmax(&t, &x);
    {
        double sum = 0;
        for (i = 0; i < 8; i++) sum += y->data[i];
        CHECK(fabs(sum - 1) < 1e-6 && y->data[7] > 0.99f, "softmax sums to 1 (%g)", sum);
    }
    /* bilinear 2x upsampling of [0,1] along a row: torch gives
       [0, 0.25, 0.75, 1] (source coords -0.25->0, 0.25, 0.75, 1.25->clamped) */
    {
        float r2[2] = { 0, 1 };
        int s4[4] = { 1, 1, 1, 2 };
        rse__tensor row;
        rse__tensor_view(&row, r2, 4, s4);
        y = rse__resize_bilinear(&t, &row, 1, 4);
        CHECK(y && y->data[0] == 0 && y->data[1] == 0.25f && y->data[2] == 0.75f && y->data[3] == 1,
              "bilinear row %g %g %g %g", y->data[0], y->data[1], y->data[2], y->data[3]);
        /* bicubic keeps constants (the taps sum to 1) */
        r2[0] = r2[1] = 0.5f;
        y = rse__resize_bicubic(&t, &row, 3, 5);
        for (i = 0; i < 15; i++) if (fabsf(y->data[i] - 0.5f) > 1e-6f) break;
        CHECK(i == 15, "bicubic preserves a constant");
    }
    /* causal attention: the first query sees only the first key, so its
       output is v[0] exactly */
    {
        float qd[6] = { 1, 2, 3, 4, 5, 6 }, vd[6] = { 7, 8, 9, 10, 11, 12 };
        int s4[4] = { 1, 1, 3, 2 };
        rse__tensor q, v2;
        rse__tensor_view(&q, qd, 4, s4);
        rse__tensor_view(&v2, vd, 4, s4);
        y = rse__sdpa(&t, &q, &q, &v2, 1);
        CHECK(y && y->data[0] == 7 && y->data[1] == 8, "causal row 0 = v0: %g %g", y->data[0], y->data[1]);
    }
    /* errors: shape mismatch is reported, then every op returns NULL */
    {
        int s2[2] = { 2, 3 };
        rse__tensor m;
        rse__tensor_view(&m, v, 2, s2);
        y = rse__matmul(&t, &m, &m);
        CHECK(!y && t.status == RSE_STATUS_BAD_ARG && strstr(rse_last_error(), "matmul"),
              "matmul shape error: %s", rse_last_error());
        CHECK(rse__gelu(&t, &x) == 0, "failed tape stays failed");
    }
    rse__arena_free(&a);
    rse__arena_free(&s);
}

static float *t_copy_or_null(const float *p, size_t n) {
    float *c;
    if (!p || !(c = (float *)malloc(n * sizeof(float)))) return 0;
    memcpy(c, p, n * sizeof(float));
    return c;
}

/* Frozen weights: no weight gradient is allocated, the input still gets one.
   That is the CLIP-guidance configuration. */
static void test_frozen(void) {
    rse__arena a, s;
    rse__tape t;
    float xd[2 * 3 * 4 * 4], wd[5 * 3 * 9];
    int xs[4] = { 2, 3, 4, 4 }, ws[4] = { 5, 3, 3, 3 };
    rse__tensor x, w, *y;
    rse__arena_init(&a, 0, 0);
    rse__arena_init(&s, 0, 0);
    rse__tape_init(&t, &a, &s);
    t_fill(xd, sizeof xd / 4, 0);
    t_fill(wd, sizeof wd / 4, 0);
    rse__tensor_view(&x, xd, 4, xs);
    rse__tensor_view(&w, wd, 4, ws);
    y = rse__mean(&t, rse__gelu(&t, rse__conv2d(&t, &x, &w, 0, 1, 1, 1)));
    CHECK(t.last == 0, "nothing recorded when nothing needs a gradient");
    x.requires_grad = 1;
    y = rse__mean(&t, rse__gelu(&t, rse__conv2d(&t, &x, &w, 0, 1, 1, 1)));
    CHECK(rse__backward(&t, y) == RSE_STATUS_OK && x.grad && !w.grad, "input grad only");
    rse__arena_free(&a);
    rse__arena_free(&s);
}

/* The row-wise passes (layernorm forward and input gradient) split rows
   across threads once a tensor has 64K elements: 300 rows of 256 here; the
   linear's bias is added in its GEMM's tiles. Each row is one task's, so 1,
   2 and 3 threads must give the same bits, weight gradients (summed over
   rows on one thread) included. */
static void test_rows_threads(void) {
    enum { R = 300, D = 256, O = 320 };
    static float xd[R * D], gd[D], bd[D], wd[O * D], lbd[O];
    float *out[3][4];
    int xs[2] = { R, D }, vs[1] = { D }, ws[2] = { O, D }, bs[1] = { O }, nt, k;
    t_fill(xd, R * D, 0); t_fill(gd, D, 0); t_fill(bd, D, 0); t_fill(wd, O * D, 0); t_fill(lbd, O, 0);
    for (nt = 1; nt <= 3; nt++) {
        rse__arena a, s;
        rse__tape t;
        rse__tensor x, g, b, w, lb, *y;
        rse_set_threads(nt);
        rse__arena_init(&a, 0, 0);
        rse__arena_init(&s, 0, 0);
        rse__tape_init(&t, &a, &s);
        rse__tensor_view(&x, xd, 2, xs); rse__tensor_view(&g, gd, 1, vs); rse__tensor_view(&b, bd, 1, vs);
        rse__tensor_view(&w, wd, 2, ws); rse__tensor_view(&lb, lbd, 1, bs);
        x.requires_grad = g.requires_grad = b.requires_grad = 1;
        y = rse__linear(&t, rse__layernorm(&t, &x, &g, &b, 1e-5f), &w, &lb);
        y = rse__mean(&t, rse__gelu(&t, y));
        CHECK(y && rse__backward(&t, y) == RSE_STATUS_OK, "rows: %d threads ran: %s", nt, rse_last_error());
        out[nt - 1][0] = t_copy_or_null(x.grad, (size_t)R * D);
        out[nt - 1][1] = t_copy_or_null(g.grad, D);
        out[nt - 1][2] = t_copy_or_null(b.grad, D);
        out[nt - 1][3] = t_copy_or_null(y ? y->data : 0, 1);
        rse__arena_free(&a);
        rse__arena_free(&s);
    }
    for (nt = 1; nt < 3; nt++)
        for (k = 0; k < 4; k++) {
            size_t n = k == 0 ? (size_t)R * D : k == 3 ? 1 : D;
            CHECK(out[0][k] && out[nt][k] && !memcmp(out[0][k], out[nt][k], n * sizeof(float)),
                  "rows: result %d with %d threads differs from 1 thread", k, nt + 1);
        }
    for (nt = 0; nt < 3; nt++) for (k = 0; k < 4; k++) free(out[nt][k]);
    rse_set_threads(1);
}

/* The fused attention must be exactly the composite it replaced: slice q,
   k, v out of qkv, permute each to (B,H,L,E), rse__sdpa, permute back. The
   same products in the same order, so the same bits, forward and
   gradient, on 1, 2 and 3 threads. Two shapes: many small heads (each
   head's GEMMs under the size that is split across threads) and a few big
   ones (130x130x64 scores: the GEMMs inside a head's task would split, and
   must run on that task's thread instead). */
static rse__tensor *t_attn_composite(rse__tape *t, rse__tensor *qkv, int H, int causal) {
    static const int to_heads[4] = { 0, 2, 1, 3 };
    int B = qkv->shape[0], L = qkv->shape[1], D = qkv->shape[2] / 3, sh[4];
    rse__tensor *q, *k, *v, *o;
    sh[0] = B; sh[1] = L; sh[2] = H; sh[3] = D / H;
    q = rse__permute(t, rse__reshape(t, rse__slice(t, qkv, 2, 0, D), 4, sh), to_heads);
    k = rse__permute(t, rse__reshape(t, rse__slice(t, qkv, 2, D, D), 4, sh), to_heads);
    v = rse__permute(t, rse__reshape(t, rse__slice(t, qkv, 2, 2 * D, D), 4, sh), to_heads);
    o = rse__permute(t, rse__sdpa(t, q, k, v, causal), to_heads);
    sh[2] = D;
    return rse__reshape(t, o, 3, sh);
}

static void test_attention_fused(void) {
    static const int shapes[2][4] = { { 3, 9, 4, 8 }, { 1, 130, 2, 64 } }; /* B, L, H, E */
    int si, causal, nt, way;
    for (si = 0; si < 2; si++)
        for (causal = 0; causal < 2; causal++) {
            int B = shapes[si][0], L = shapes[si][1], H = shapes[si][2], E = shapes[si][3];
            int xs[3] = { B, L, 3 * H * E };
            size_t nx = (size_t)B * L * 3 * H * E, ny = nx / 3;
            float *xd = (float *)malloc(nx * sizeof(float)), *rd = (float *)malloc(ny * sizeof(float));
            float *out[2][3][2];
            memset(out, 0, sizeof out);
            if (!xd || !rd) { CHECK(0, "attention: out of memory"); free(xd); free(rd); return; }
            t_fill(xd, nx, 0);
            t_fill(rd, ny, 0);
            for (way = 0; way < 2; way++)
                for (nt = 1; nt <= 3; nt++) {
                    rse__arena a, s;
                    rse__tape t;
                    rse__tensor x, *y, *r, *l;
                    int ys[3] = { B, L, H * E };
                    rse_set_threads(nt);
                    rse__arena_init(&a, 0, 0);
                    rse__arena_init(&s, 0, 0);
                    rse__tape_init(&t, &a, &s);
                    rse__tensor_view(&x, xd, 3, xs);
                    x.requires_grad = 1;
                    y = way ? rse__attention_qkv(&t, &x, H, causal) : t_attn_composite(&t, &x, H, causal);
                    r = rse__tensor_wrap(&t, rd, 3, ys);
                    /* L = sum(r * y): y's gradient is r, the same for both ways */
                    l = rse__sum(&t, rse__mul(&t, y, r));
                    CHECK(l && rse__backward(&t, l) == RSE_STATUS_OK && x.grad,
                          "attention %s ran: %s", way ? "fused" : "composite", rse_last_error());
                    out[way][nt - 1][0] = t_copy_or_null(y ? y->data : 0, ny);
                    out[way][nt - 1][1] = t_copy_or_null(x.grad, nx);
                    rse__arena_free(&a);
                    rse__arena_free(&s);
                }
            for (way = 0; way < 2; way++)
                for (nt = 0; nt < 3; nt++) {
                    int ok = out[way][nt][0] && out[way][nt][1] && out[0][0][0] && out[0][0][1] &&
                             !memcmp(out[way][nt][0], out[0][0][0], ny * sizeof(float)) &&
                             !memcmp(out[way][nt][1], out[0][0][1], nx * sizeof(float));
                    CHECK(ok, "attention B%d L%d H%d E%d causal %d: %s on %d threads differs from the composite on 1",
                          B, L, H, E, causal, way ? "fused" : "composite", nt + 1);
                }
            for (way = 0; way < 2; way++)
                for (nt = 0; nt < 3; nt++) { free(out[way][nt][0]); free(out[way][nt][1]); }
            free(xd);
            free(rd);
        }
    rse_set_threads(1);
}

int main(void) {
    size_t i;
    rse__rng_seed(&t_rng, 1234);
    rse__arena_poison = NAN;
    for (i = 0; i < sizeof t_cases / sizeof t_cases[0]; i++) t_gradcheck(&t_cases[i]);
    test_op_table();
    test_forward_values();
    test_frozen();
    test_rows_threads();
    test_attention_fused();
    return t_report("test_grad");
}
