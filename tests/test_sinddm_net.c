/* The SinDDM denoiser: parameter layout, initialisation bounds, and a
   finite-difference check of the whole network's gradient (every op is
   checked alone in test_grad; this checks that they are wired together
   correctly: conditioning path, residuals, shared weight views). */
#include "test.h"

static void test_layout(void) {
    rse__sd_net net;
    int i;
    CHECK(rse__sd_net_layout(&net, 160) == RSE_STATUS_OK, "layout 160");
    /* sinddm.md section 13: 1,106,772 parameters at dim 160 */
    CHECK(net.total == 1106772, "parameter count %zu, expected 1106772", net.total);
    CHECK(net.nparams == 4 + 12 * 3 + 10 + 2, "param tensors %d", net.nparams);
    CHECK(strcmp(net.p[net.nparams - 1].name, "final_conv.0.bias") == 0, "last name %s", net.p[net.nparams - 1].name);
    for (i = 1; i < net.nparams; i++)
        if (net.p[i].off != net.p[i - 1].off + net.p[i - 1].n) break;
    CHECK(i == net.nparams, "parameters are packed in order");
    CHECK(rse__sd_net_layout(&net, 7) == RSE_STATUS_BAD_ARG, "odd dim refused");
    CHECK(rse__sd_net_layout(&net, 1 << 20) == RSE_STATUS_BAD_ARG, "huge dim refused");
}

/* L = sum(r * net(x, t, s)); compare dL/dw for a sample of weights of every
   tensor, and dL/dx, with central differences (tolerance as in test_grad:
   2e-3 of the gradient's scale, the float32 rounding of L divided by 2h). */
static double t_loss(rse__sd_net *net, float *x, int B, int H, int W, const int *ts, int s, const float *r) {
    rse__arena a, sc;
    rse__tape t;
    rse__tensor *xt, *y;
    int sh[4];
    double L = 0;
    size_t i;
    rse__arena_init(&a, 0, 0);
    rse__arena_init(&sc, 0, 0);
    rse__tape_init(&t, &a, &sc);
    t.no_grad = 1;
    sh[0] = B; sh[1] = 3; sh[2] = H; sh[3] = W;
    xt = rse__tensor_wrap(&t, x, 4, sh);
    y = rse__sd_forward(&t, net, xt, ts, s);
    for (i = 0; y && i < y->n; i++) L += (double)r[i] * y->data[i];
    rse__arena_free(&a);
    rse__arena_free(&sc);
    return L;
}

static void test_net_gradient(void) {
    rse__sd_net net;
    rse__rng rng;
    const int B = 2, H = 6, W = 5, s = 2, ts[2] = { 7, 93 };
    float *w, *g, x[2 * 3 * 6 * 5], r[2 * 3 * 6 * 5];
    rse__arena a, sc;
    rse__tape t;
    rse__tensor *xt, *y, *rt;
    int sh[4], i, bad = 0;
    const float h = 1e-2f;
    rse__rng_seed(&rng, 7);
    rse__sd_net_layout(&net, 8);
    w = (float *)malloc(net.total * sizeof(float));
    g = (float *)calloc(net.total, sizeof(float));
    rse__sd_net_init(&net, w, &rng);
    /* Scale the weights up by 1.5: at the default init the gradients of the
       conditioning MLPs are ~3e-4, close to the float32 rounding noise of the
       finite differences (~5e-5 here), and a few samples fail for that reason
       alone. Much larger weights (x3) make the net so curved that h = 1e-2 is
       no longer small (truncation errors of 5%). */
    for (i = 0; i < (int)net.total; i++) w[i] *= 1.5f;
    rse__sd_net_bind(&net, w, g);
    rse__rng_uniform_fill(&rng, x, sizeof x / 4);
    rse__rng_uniform_fill(&rng, r, sizeof r / 4);
    for (i = 0; i < (int)(sizeof x / 4); i++) { x[i] = 2 * x[i] - 1; r[i] = 2 * r[i] - 1; }
    rse__arena_init(&a, 0, 0);
    rse__arena_init(&sc, 0, 0);
    rse__tape_init(&t, &a, &sc);
    sh[0] = B; sh[1] = 3; sh[2] = H; sh[3] = W;
    xt = rse__tensor_wrap(&t, x, 4, sh);
    xt->requires_grad = 1;
    y = rse__sd_forward(&t, &net, xt, ts, s);
    rt = rse__tensor_wrap(&t, r, 4, sh);
    CHECK(y && rse__backward(&t, rse__sum(&t, rse__mul(&t, y, rt))) == RSE_STATUS_OK, "net backward: %s", rse_last_error());
    /* Three weights of every parameter tensor (first, middle, last). */
    for (i = 0; i < net.nparams && y; i++) {
        const rse__sd_param *p = &net.p[i];
        size_t picks[3], k;
        double maxg = 0;
        picks[0] = 0; picks[1] = p->n / 2; picks[2] = p->n - 1;
        for (k = 0; k < p->n; k++) if (fabs(g[p->off + k]) > maxg) maxg = fabs(g[p->off + k]);
        for (k = 0; k < 3; k++) {
            size_t j = p->off + picks[k];
            float w0 = w[j];
            double lp, lm, num;
            w[j] = w0 + h; lp = t_loss(&net, x, B, H, W, ts, s, r);
            w[j] = w0 - h; lm = t_loss(&net, x, B, H, W, ts, s, r);
            w[j] = w0;
            num = (lp - lm) / (2 * h);
            if (fabs(num - g[j]) > 2e-3 * (maxg > 1e-3 ? maxg : 1e-3) + 2e-3 * fabs(num)) {
                bad++;
                printf("  %s[%d]: analytic %g numeric %g\n", p->name, (int)picks[k], g[j], num);
            }
        }
    }
    CHECK(bad == 0, "denoiser weight gradients: %d mismatches", bad);
    /* and the input gradient at a few pixels */
    bad = 0;
    for (i = 0; i < (int)(sizeof x / 4) && y; i += 17) {
        float x0 = x[i];
        double lp, lm, num;
        x[i] = x0 + h; lp = t_loss(&net, x, B, H, W, ts, s, r);
        x[i] = x0 - h; lm = t_loss(&net, x, B, H, W, ts, s, r);
        x[i] = x0;
        num = (lp - lm) / (2 * h);
        if (fabs(num - xt->grad[i]) > 2e-3 * (fabs(num) + 1)) bad++;
    }
    CHECK(bad == 0, "denoiser input gradient: %d mismatches", bad);
    rse__arena_free(&a);
    rse__arena_free(&sc);
    free(w);
    free(g);
}

int main(void) {
    test_layout();
    test_net_gradient();
    return t_report("test_sinddm_net");
}
