/* Reads of arena memory before it is written.

   The kernels take their scratch (packed panels, padded planes, the fused
   block's intermediates, the tape's buffers) from arenas, uninitialised.
   Fresh pages from the system are zero, so a kernel that read scratch it had
   not written would usually see zeros and pass every other test; after an
   arena is reused it would see stale numbers instead, and results would
   depend on what ran before. Built with RSE_ARENA_POISON, every allocation is
   filled with a poison value first. A training step's gradient of the SinDDM
   denoiser, and a CLIP image gradient, must come out bit-identical with the
   poison off, NaN, 1e30 and -7: nothing reads what it has not written. The
   shapes take every path of the kernels that the real sizes take (3x3
   convolutions at least 32 outputs wide, several row bands of
   backward-weight, side-by-side micro-batches on 2 threads). */
#define RSE_ARENA_POISON
#include "test.h"

static uint32_t t_hash(const float *p, size_t n, uint32_t h) {
    size_t i;
    for (i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, p + i, 4);
        h = (h ^ u) * 16777619u;
    }
    return h;
}

static const float t_poisons[] = { 0.0f, NAN, 1e30f, -7.0f };
#define T_NPOISON (int)(sizeof t_poisons / sizeof t_poisons[0])

/* One batch gradient of a dim-D denoiser on B images of HxH, its loss and
   gradient hashed. A fresh trainer each time, so its arenas start empty. */
static uint32_t t_sd_grad(int dim, int B, int H, int s, double *loss) {
    rse__sd_net net;
    rse__sd_trainer tr;
    rse__rng rng;
    size_t n;
    int ts[8], i;
    float *w, *g, *x, *eps;
    uint32_t h = 2166136261u;
    memset(&tr, 0, sizeof tr);
    if (rse__sd_net_layout(&net, dim)) return 0;
    w = (float *)calloc(net.total, sizeof(float));
    g = (float *)calloc(net.total, sizeof(float));
    n = (size_t)B * 3 * H * H;
    x = (float *)malloc(n * sizeof(float));
    eps = (float *)malloc(n * sizeof(float));
    rse__sd_net_bind(&net, w, g);
    rse__rng_seed(&rng, 3);
    rse__sd_net_init(&net, w, &rng);
    rse__rng_normal(&rng, x, n);
    rse__rng_normal(&rng, eps, n);
    for (i = 0; i < B; i++) ts[i] = (17 + 29 * i) % 100;
    *loss = -1;
    if (rse__sd_batch_grad(&tr, &net, w, g, x, eps, ts, s, B, 1, H, H, (size_t)H * H, loss) == RSE_STATUS_OK)
        h = t_hash(g, net.total, h);
    rse__sd_trainer_free(&tr);
    free(w); free(g); free(x); free(eps);
    return h;
}

static void test_denoiser(void) {
    /* dim 16 at 70x70: 3x3 outputs 70 wide (two full 32-pixel tiles and a
       short one); 111x111 at dim 32: backward-weight in two row bands */
    static const int cases[][4] = { { 16, 2, 70, 1 }, { 32, 2, 111, 2 } };
    int ci, k;
    rse_set_threads(2);
    for (ci = 0; ci < 2; ci++) {
        double l0 = 0, l;
        uint32_t h0 = 0, h;
        for (k = 0; k < T_NPOISON; k++) {
            rse__arena_poison = t_poisons[k];
            h = t_sd_grad(cases[ci][0], cases[ci][1], cases[ci][2], cases[ci][3], &l);
            if (k == 0) { h0 = h; l0 = l; CHECK(l > 0, "denoiser dim %d: the step ran", cases[ci][0]); continue; }
            CHECK(h == h0 && l == l0, "denoiser dim %d B%d %dx%d: poison %g changes the gradient (%08x vs %08x)",
                  cases[ci][0], cases[ci][1], cases[ci][2], cases[ci][2], (double)t_poisons[k], (unsigned)h, (unsigned)h0);
        }
    }
    rse__arena_poison = 0.0f;
    rse_set_threads(1);
}

static void test_clip(void) {
    size_t len, nx, i;
    unsigned char *buf = t_read("tests/fixtures/clip/vit_tiny.pt", &len);
    rse_clip *m = 0;
    rse_clip_info info;
    rse__rng rng;
    float *x, *g, temb[1024], cosv[2];
    int k, S, n = 2;
    uint32_t h0 = 0;
    if (!buf) { CHECK(0, "tests/fixtures/clip/vit_tiny.pt readable"); return; }
    CHECK(rse_clip_load_mem(&m, buf, len, 0) == 0, "vit_tiny.pt: %s", rse_last_error());
    if (!m) { free(buf); return; } /* (the model points into buf: freed after it) */
    rse_clip_get_info(m, &info);
    S = info.image_size;
    nx = (size_t)n * 3 * S * S;
    x = (float *)malloc(nx * sizeof(float));
    g = (float *)malloc(nx * sizeof(float));
    rse__rng_seed(&rng, 9);
    for (i = 0; i < nx; i++) x[i] = rse__rng_uniform(&rng);
    for (i = 0; i < (size_t)info.embed_dim && i < 1024; i++) temb[i] = rse__rng_uniform(&rng) - 0.5f;
    rse_set_threads(2);
    for (k = 0; k < T_NPOISON; k++) {
        uint32_t h = 2166136261u;
        rse__arena_poison = t_poisons[k];
        CHECK(rse_clip_image_grad(m, x, n, S, S, temb, cosv, g) == RSE_STATUS_OK, "CLIP gradient: %s", rse_last_error());
        h = t_hash(g, nx, t_hash(cosv, (size_t)n, h));
        if (k == 0) h0 = h;
        else CHECK(h == h0, "CLIP image gradient: poison %g changes it", (double)t_poisons[k]);
    }
    rse__arena_poison = 0.0f;
    rse_set_threads(1);
    rse_clip_free(m);
    free(buf); free(x); free(g);
}

int main(void) {
    test_denoiser();
    test_clip();
    return t_report("test_poison");
}
