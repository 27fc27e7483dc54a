/* Equivalence of tensor.h's ops with PyTorch: forward outputs and input
   gradients of sum(r * out), against tests/fixtures/ops.bin written by
   tools/make_op_fixtures.py (PyTorch computing in float64).

   Tolerance: rsedit computes in float32. Each output here is a sum of at most
   a few hundred products of values in [-1,1] (the attention cases chain
   four such stages), so float32 rounding stays below ~1e-6 of the tensor's
   scale. We require max|c - ref| <= 1e-5 * max|ref| on outputs (the SinDDM
   issue's bar for forwards) and <= 1e-4 * max|ref| on gradients (its bar for
   gradients): a semantic difference (a different interpolation coordinate, a
   missing mask, another GELU) is orders of magnitude larger. */
#include "test.h"
#include "fixture.h"

static rse__tensor *fx_run(rse__tape *t, const char *name, rse__tensor **in, const float *p) {
    if (strncmp(name, "conv", 4) == 0)
        return rse__conv2d(t, in[0], in[1], in[2], (int)p[0], (int)p[1], (int)p[2]);
    if (!strcmp(name, "linear")) return rse__linear(t, in[0], in[1], in[2]);
    if (!strcmp(name, "matmul")) return rse__matmul(t, in[0], in[1]);
    if (!strcmp(name, "gelu")) return rse__gelu(t, rse__scale(t, in[0], 3));
    if (!strcmp(name, "gelu_tanh")) return rse__gelu_tanh(t, rse__scale(t, in[0], 3));
    if (!strcmp(name, "quickgelu")) return rse__quickgelu(t, rse__scale(t, in[0], 3));
    if (!strcmp(name, "layernorm")) return rse__layernorm(t, in[0], in[1], in[2], 1e-5f);
    if (!strcmp(name, "softmax")) return rse__softmax(t, rse__scale(t, in[0], 2));
    if (!strncmp(name, "mha", 3)) return rse__mha(t, in[0], in[1], in[2], in[3], in[4], (int)p[0], (int)p[1]);
    if (!strcmp(name, "l1")) {
        rse__tensor *three = rse__new4(t, 1, 1, 0, 0, 0);
        if (three) three->data[0] = 3;
        return rse__l1_loss(t, in[0], rse__add(t, in[1], three));
    }
    if (!strcmp(name, "l2")) return rse__l2_loss(t, in[0], in[1]);
    if (!strcmp(name, "cosine")) return rse__cosine(t, in[0], in[1]);
    if (!strcmp(name, "normalize")) return rse__l2_normalize(t, in[0]);
    if (!strncmp(name, "bilinear", 8)) return rse__resize_bilinear(t, in[0], (int)p[0], (int)p[1]);
    if (!strncmp(name, "bicubic", 7)) return rse__resize_bicubic(t, in[0], (int)p[0], (int)p[1]);
    return 0;
}

int main(void) {
    const char *path = "tests/fixtures/ops.bin";
    unsigned char *buf;
    fx_cur c;
    int ncase = 0, i, k;
    buf = fx_open(path, &c, &ncase);
    CHECK(buf != 0, "cannot read %s (run from the repository root)", path);
    if (!buf) return t_report("test_ops_torch");
    CHECK(ncase >= 25, "%s holds %d cases, expected the 25+ the generator writes", path, ncase);
    for (i = 0; i < ncase && !c.bad; i++) {
        fx_case fc;
        rse__arena a, s;
        rse__tape t;
        rse__tensor *in[8], *y, *rt, *L;
        fx_tensor *ref_out, *r, *p;
        int nin = 0;
        memset(&fc, 0, sizeof fc);
        if (!fx_read_case(&c, &fc)) { CHECK(0, "%s: case %d is malformed", path, i); break; }
        rse__arena_init(&a, 0, 0);
        rse__arena_init(&s, 0, 0);
        rse__tape_init(&t, &a, &s);
        memset(in, 0, sizeof in);
        for (k = 0; k < 8; k++) {
            char nm[8];
            fx_tensor *ft;
            rse__fmt(nm, sizeof nm, "in%d", k);
            if (!(ft = fx_get(&fc, nm))) break;
            in[k] = rse__tensor_wrap(&t, ft->data, ft->nd, ft->shape);
            in[k]->requires_grad = 1;
            nin++;
        }
        ref_out = fx_get(&fc, "out");
        r = fx_get(&fc, "r");
        p = fx_get(&fc, "p");
        y = fx_run(&t, fc.name, in, p ? p->data : 0);
        CHECK(y && ref_out && r && y->n == ref_out->n, "%s: forward failed or wrong size: %s", fc.name, rse_last_error());
        if (y && ref_out && r && y->n == ref_out->n) {
            fx_compare(fc.name, "forward", y->data, ref_out, 1e-5);
            rt = rse__tensor_wrap(&t, r->data, y->nd, y->shape);
            L = rse__sum(&t, rse__mul(&t, y, rt));
            CHECK(rse__backward(&t, L) == RSE_STATUS_OK, "%s: backward: %s", fc.name, rse_last_error());
            for (k = 0; k < nin; k++) {
                char nm[8], what[16];
                fx_tensor *g;
                rse__fmt(nm, sizeof nm, "gin%d", k);
                rse__fmt(what, sizeof what, "grad %d", k);
                g = fx_get(&fc, nm);
                CHECK(g && in[k]->grad, "%s: %s missing", fc.name, what);
                if (g && in[k]->grad) fx_compare(fc.name, what, in[k]->grad, g, 1e-4);
            }
        }
        fx_free_case(&fc);
        rse__arena_free(&a);
        rse__arena_free(&s);
    }
    free(buf);
    return t_report("test_ops_torch");
}
