/* The denoiser against PyTorch (tests/fixtures/sinddm_net.bin, written by
   tools/make_sinddm_net_fixtures.py): state-dict names and shapes, the
   forward output, the L1 loss, its gradient with respect to every weight,
   and one Adam step.

   Tolerances: the targets, relative to each tensor's largest value:
   1e-5 on the forward (float32 sums of at most ~1,500 products per output at
   dim 8 give ~1e-6), 1e-4 on the weight gradients (the backward sums over
   every pixel and the batch, ~130 terms per weight here, in another order
   than torch). Adam is checked on torch's own gradients so that it is
   tested alone: 1e-6 absolute on weights that move by ~lr = 1e-3.
   Sampling: one DDPM step at scale 0 and reblurring DDIM steps at t > 0 and
   t = 0, given the reference's eps, noise and upsampled image: 1e-5
   relative (a few float32 operations per pixel; the de-blur divides by
   1 - gamma >= 0.45, which at most doubles the rounding). */
#include "test.h"
#include "fixture.h"

int main(void) {
    const char *path = "tests/fixtures/sinddm_net.bin";
    fx_cur c;
    fx_case fc;
    int ncase = 0, i, dim, s, ts[8], B;
    unsigned char *buf = fx_open(path, &c, &ncase);
    rse__sd_net net;
    float *w, *g, *m, *v;
    fx_tensor *x, *t, *p, *noise, *out, *loss;
    rse__arena a, sc;
    rse__tape tape;
    rse__tensor *xt, *nt, *y, *L;
    CHECK(buf && ncase == 4, "cannot read %s (4 cases)", path);
    if (!buf) return t_report("test_sinddm_torch");
    memset(&fc, 0, sizeof fc);
    CHECK(fx_read_case(&c, &fc), "malformed %s", path);
    x = fx_get(&fc, "x"); t = fx_get(&fc, "t"); p = fx_get(&fc, "p");
    noise = fx_get(&fc, "noise"); out = fx_get(&fc, "out"); loss = fx_get(&fc, "loss");
    CHECK(x && t && p && noise && out && loss, "fixture tensors present");
    if (!(x && t && p && noise && out && loss)) return t_report("test_sinddm_torch");
    s = (int)p->data[0];
    dim = (int)p->data[1];
    B = x->shape[0];
    for (i = 0; i < B && i < 8; i++) ts[i] = (int)t->data[i];
    CHECK(rse__sd_net_layout(&net, dim) == RSE_STATUS_OK, "layout");
    w = (float *)calloc(net.total, sizeof(float));
    g = (float *)calloc(net.total, sizeof(float));
    m = (float *)calloc(net.total, sizeof(float));
    v = (float *)calloc(net.total, sizeof(float));
    /* every parameter of ours is in the state dict with the same shape, and
       the state dict has nothing else */
    {
        int found = 0, nw = 0;
        for (i = 0; i < fc.nt; i++) if (!strncmp(fc.t[i].name, "w:", 2)) nw++;
        for (i = 0; i < net.nparams; i++) {
            char key[64];
            fx_tensor *ft;
            rse__fmt(key, sizeof key, "w:%s", net.p[i].name);
            ft = fx_get(&fc, key);
            if (ft && ft->n == net.p[i].n && ft->nd == net.p[i].nd &&
                !memcmp(ft->shape, net.p[i].shape, (size_t)ft->nd * sizeof(int))) {
                memcpy(w + net.p[i].off, ft->data, ft->n * sizeof(float));
                found++;
            } else printf("  missing or different: %s\n", key);
        }
        CHECK(found == net.nparams && nw == net.nparams, "state dict matches the layout (%d of %d, file has %d)",
              found, net.nparams, nw);
    }
    rse__sd_net_bind(&net, w, g);
    rse__arena_init(&a, 0, 0);
    rse__arena_init(&sc, 0, 0);
    rse__tape_init(&tape, &a, &sc);
    xt = rse__tensor_wrap(&tape, x->data, 4, x->shape);
    nt = rse__tensor_wrap(&tape, noise->data, 4, noise->shape);
    y = rse__sd_forward(&tape, &net, xt, ts, s);
    CHECK(y && y->n == out->n, "forward: %s", rse_last_error());
    if (y && y->n == out->n) {
        fx_compare("denoiser", "output", y->data, out, 1e-5);
        L = rse__l1_loss(&tape, y, nt);
        CHECK(L && fabs(L->data[0] - loss->data[0]) <= 1e-5 * fabs(loss->data[0]), "L1 loss %g vs %g",
              L ? L->data[0] : 0, loss->data[0]);
        CHECK(rse__backward(&tape, L) == RSE_STATUS_OK, "backward: %s", rse_last_error());
        for (i = 0; i < net.nparams; i++) {
            char key[64];
            fx_tensor *ft;
            rse__fmt(key, sizeof key, "g:%s", net.p[i].name);
            ft = fx_get(&fc, key);
            CHECK(ft != 0, "%s in fixture", key);
            if (ft) fx_compare(key, "gradient", g + net.p[i].off, ft, 1e-4);
        }
        /* Adam on torch's gradients, then compare the new weights */
        for (i = 0; i < net.nparams; i++) {
            char key[64];
            fx_tensor *ft;
            rse__fmt(key, sizeof key, "g:%s", net.p[i].name);
            ft = fx_get(&fc, key);
            if (ft) memcpy(g + net.p[i].off, ft->data, ft->n * sizeof(float));
        }
        rse__adam_step(w, g, m, v, net.total, 1, 1e-3f, 0.9f, 0.999f, 1e-8f);
        {
            double maxerr = 0;
            for (i = 0; i < net.nparams; i++) {
                char key[64];
                fx_tensor *ft;
                size_t k;
                rse__fmt(key, sizeof key, "adam:%s", net.p[i].name);
                ft = fx_get(&fc, key);
                if (!ft) { maxerr = 1; break; }
                for (k = 0; k < ft->n; k++) {
                    double e = fabs(w[net.p[i].off + k] - ft->data[k]);
                    if (!(e <= maxerr)) maxerr = e;
                }
            }
            CHECK(maxerr <= 1e-6, "Adam step: max error %g", maxerr);
        }
    }
    /* The sampling steps. The weights must be the fixture's, not Adam's. */
    for (i = 0; i < net.nparams; i++) {
        char key[64];
        fx_tensor *ft;
        rse__fmt(key, sizeof key, "w:%s", net.p[i].name);
        if ((ft = fx_get(&fc, key))) memcpy(w + net.p[i].off, ft->data, ft->n * sizeof(float));
    }
    rse__sd_net_bind(&net, w, 0);
    for (i = 1; i < ncase; i++) {
        fx_case st;
        fx_tensor *sx, *sup, *sz, *seps, *sout, *sp;
        rse__sched sch;
        double losses[3];
        int tt, ss;
        memset(&st, 0, sizeof st);
        if (!fx_read_case(&c, &st)) { CHECK(0, "malformed step case %d", i); break; }
        sx = fx_get(&st, "x"); sup = fx_get(&st, "up"); sz = fx_get(&st, "z");
        seps = fx_get(&st, "eps"); sout = fx_get(&st, "out"); sp = fx_get(&st, "p");
        if (!(sx && sup && sz && seps && sout && sp && sp->n == 4)) { CHECK(0, "step case %s incomplete", st.name); fx_free_case(&st); continue; }
        tt = (int)sp->data[0]; ss = (int)sp->data[1];
        losses[0] = 0; losses[1] = sp->data[2]; losses[2] = sp->data[3];
        CHECK(rse__sched_init(&sch, 100, losses, 3) == RSE_STATUS_OK, "schedule");
        /* the net at (t, s) */
        rse__arena_reset(&a);
        rse__tape_init(&tape, &a, &sc);
        tape.no_grad = 1;
        y = rse__sd_forward(&tape, &net, rse__tensor_wrap(&tape, sx->data, 4, sx->shape), &tt, ss);
        CHECK(y && y->n == seps->n, "%s: forward", st.name);
        if (y && y->n == seps->n) fx_compare(st.name, "eps", y->data, seps, 1e-5);
        /* the step itself, on the reference's eps so that it is tested alone */
        {
            size_t nn = sx->n;
            float *xs = (float *)malloc(nn * sizeof(float)), *x0 = (float *)malloc(nn * sizeof(float));
            float *xm = (float *)malloc(nn * sizeof(float));
            memcpy(xs, sx->data, nn * sizeof(float));
            if (ss == 0) rse__sd_ddpm_step(xs, x0, seps->data, sz->data, nn, &sch, tt);
            else rse__sd_ddim_step(xs, x0, xm, seps->data, sup->data, sz->data, nn, &sch, tt,
                                   rse__sched_gamma(&sch, ss, tt, 1), tt > 0 ? rse__sched_gamma(&sch, ss, tt - 1, 1) : 0.0f);
            fx_compare(st.name, "step", xs, sout, 1e-5);
            free(xs);
            free(x0);
            free(xm);
        }
        rse__sched_free(&sch);
        fx_free_case(&st);
    }
    rse__arena_free(&a);
    rse__arena_free(&sc);
    fx_free_case(&fc);
    free(buf); free(w); free(g); free(m); free(v);
    return t_report("test_sinddm_torch");
}
