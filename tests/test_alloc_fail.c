/* Allocation failures: with the k-th allocation failing (tests/alloc_hook.h),
   every operation must return an error, RSE_STATUS_NOMEM, and leave nothing
   allocated, for every k over a whole run of: image decode + encode, CLIP
   checkpoint load + encode (ViT and ResNet fixtures), the vocabulary (if
   SHARED has it) + tokenize, SinDDM checkpoint save/load, reference import,
   a short training run, sampling, a content-copy edit and a text-guided
   edit (tiny CLIP fixture + vocabulary).

   A scenario first runs clean to count its allocations N; then k = 1..N
   each fails once. `make test` samples k (the first 24, the last 8 and
   an even spread, about 64 per scenario, so it stays a few seconds);
   RSE_ALLOC_FULL=1 (make test-long) sweeps every k. LeakSanitizer checks the
   same under make sanitize. */
#include "alloc_hook.h"
#include "test.h"

static unsigned char *t_vit, *t_rn, *t_vocab, *t_ref, *t_ckpt, *t_ckpt2;
static size_t t_vit_n, t_rn_n, t_vocab_n, t_ref_n, t_ckpt_n, t_ckpt2_n;
static unsigned char t_ppm[4096], t_bmp[4096];
static size_t t_ppm_n, t_bmp_n;
static rse_image t_ref_img;

static int t_sink(void *ctx, const void *data, size_t n) { (void)data; *(size_t *)ctx += n; return 0; }

/* A small image with structure (24x20: two pyramid scales at dim 2). */
static rse_status t_make_image(rse_image *im, int w, int h, int c) {
    rse_status st = rse_image_alloc(im, w, h, c);
    int x, y, k;
    if (st) return st;
    for (k = 0; k < c; k++)
        for (y = 0; y < h; y++)
            for (x = 0; x < w; x++)
                im->data[((size_t)k * h + y) * w + x] = 0.5f + 0.4f * sinf(0.37f * x + 1.3f * k) * cosf(0.29f * y);
    return RSE_STATUS_OK;
}

/* ---- scenarios: each owns everything it allocates ---------------------- */

static rse_status sc_image(void) {
    rse_image a, b, c;
    size_t n = 0;
    rse_status st;
    c.data = 0;
    if ((st = rse_image_load_mem(t_ppm, t_ppm_n, &a))) return st;
    if ((st = rse_image_load_mem(t_bmp, t_bmp_n, &b))) { rse_image_free(&a); return st; }
    st = rse_image_save_mem(&a, RSE_FORMAT_PNG, 8, t_sink, &n);
    if (!st) st = rse_image_to_rgb(&b, &c);
    rse_image_free(&a);
    rse_image_free(&b);
    rse_image_free(&c);
    return st;
}

static rse_status t_clip(const unsigned char *buf, size_t len) {
    rse_clip *m = 0;
    rse_clip_info info;
    rse_status st;
    float *x, *f;
    int32_t ids[RSE_CLIP_CONTEXT];
    int i;
    if ((st = rse_clip_load_mem(&m, buf, len, 0))) return st;
    rse_clip_get_info(m, &info);
    x = (float *)malloc(3 * (size_t)info.image_size * info.image_size * sizeof(float));
    f = (float *)malloc((size_t)info.embed_dim * sizeof(float));
    for (i = 0; i < 3 * info.image_size * info.image_size; i++) x[i] = (float)(i % 7) * 0.1f - 0.3f;
    /* the fixtures' vocabulary has 64 ids and a context of 8; the end of
       text is the largest id */
    memset(ids, 0, sizeof ids);
    ids[0] = 1; ids[1] = 7; ids[2] = 63;
    st = rse_clip_encode_image(m, x, 1, info.image_size, info.image_size, f);
    if (!st) st = rse_clip_encode_text(m, ids, 1, f);
    free(x);
    free(f);
    rse_clip_free(m);
    return st;
}
static rse_status sc_clip_vit(void) { return t_clip(t_vit, t_vit_n); }
static rse_status sc_clip_rn(void) { return t_clip(t_rn, t_rn_n); }

static rse_status sc_vocab(void) {
    rse_clip_vocab *v = 0;
    int32_t ids[RSE_CLIP_CONTEXT];
    rse_status st;
    if ((st = rse_clip_vocab_load_mem(&v, t_vocab, t_vocab_n))) return st;
    st = rse_clip_tokenize(v, "a fire in the forest &amp; caf\xc3\xa9", ids, 0);
    rse_clip_vocab_free(v);
    return st;
}

static rse_status sc_ckpt(void) {
    rse_sinddm *m = 0;
    size_t n = 0;
    rse_status st;
    if ((st = rse_sinddm_load_mem(&m, t_ckpt, t_ckpt_n))) return st;
    st = rse_sinddm_save_mem(m, t_sink, &n);
    rse_sinddm_free(m);
    return st;
}

static rse_status sc_import(void) {
    rse_sinddm *m = 0;
    rse_status st = rse_sinddm_import_mem(&m, t_ref, t_ref_n, &t_ref_img);
    rse_sinddm_free(m);
    return st;
}

static rse_status sc_train(void) {
    rse_image im;
    rse_train_params p;
    rse_sinddm *m = 0;
    rse_status st;
    if ((st = t_make_image(&im, 24, 20, 3))) return st;
    rse_train_params_init(&p, "tiny");
    p.dim = 2; p.steps = 2; p.batch = 2; p.micro_batch = 1;
    st = rse_sinddm_create(&m, &im, &p);
    if (!st) st = rse_sinddm_train(m, 0, 0, 0);
    rse_sinddm_free(m);
    rse_image_free(&im);
    return st;
}

static rse_status sc_sample(void) {
    rse_sinddm *m = 0;
    rse_sample_params sp;
    rse_image out;
    rse_status st;
    if ((st = rse_sinddm_load_mem(&m, t_ckpt, t_ckpt_n))) return st;
    rse_sample_params_init(&sp);
    sp.seed = 5;
    st = rse_sinddm_sample(m, &sp, &out, 0, 0);
    if (!st) rse_image_free(&out);
    rse_sinddm_free(m);
    return st;
}

static rse_status sc_edit_copy(void) {
    rse_sinddm *m = 0;
    rse_edit_params ep;
    rse_image im, out;
    rse_roi to;
    rse_status st;
    if ((st = rse_sinddm_load_mem(&m, t_ckpt, t_ckpt_n))) return st;
    if ((st = t_make_image(&im, 24, 20, 3))) { rse_sinddm_free(m); return st; }
    rse_edit_params_init(&ep);
    ep.copy = 1;
    ep.copy_from.x = 2; ep.copy_from.y = 2; ep.copy_from.w = 6; ep.copy_from.h = 6;
    to.x = 14; to.y = 10; to.w = 6; to.h = 6;
    ep.copy_to = &to; ep.ncopy_to = 1;
    ep.seed = 3;
    st = rse_edit(m, &im, &ep, &out, 0, 0);
    if (!st) rse_image_free(&out);
    rse_image_free(&im);
    rse_sinddm_free(m);
    return st;
}

/* Text guidance on the tiny ViT fixture: its 64-id vocabulary cannot take
   the real tokenizer's ids, so the text embedding comes from fixed small
   ids and the guide is the CLIP cosine gradient itself (what
   rse_text_guide_grad computes per view). */
typedef struct { rse_clip *m; float temb[512]; } t_guide_ctx;

static rse_status t_guide(void *ctx, const float *x0, int H, int W, int s, int ns, float *grad, double *score) {
    t_guide_ctx *g = (t_guide_ctx *)ctx;
    size_t i, n = 3 * (size_t)H * W;
    float *x = (float *)calloc(n, sizeof(float)), cosv = 0;
    rse_status st;
    (void)s; (void)ns;
    if (!x) return RSE_STATUS_NOMEM;
    for (i = 0; i < n; i++) x[i] = 0.5f * (x0[i] + 1.0f);
    st = rse_clip_image_grad(g->m, x, 1, H, W, g->temb, &cosv, grad);
    for (i = 0; !st && i < n; i++) grad[i] *= 0.5f; /* d x / d x0 */
    *score = cosv;
    free(x);
    return st;
}

static rse_status sc_edit_text(void) {
    rse_sinddm *m = 0;
    t_guide_ctx g;
    rse_edit_params ep;
    rse_image im, out, mask;
    rse_roi roi;
    int32_t ids[RSE_CLIP_CONTEXT];
    rse_status st;
    im.data = mask.data = 0;
    g.m = 0;
    if ((st = rse_sinddm_load_mem(&m, t_ckpt2, t_ckpt2_n))) goto done;
    if ((st = rse_clip_load_mem(&g.m, t_vit, t_vit_n, 0))) goto done;
    memset(ids, 0, sizeof ids);
    ids[0] = 1; ids[1] = 9; ids[2] = 63;
    if ((st = rse_clip_encode_text(g.m, ids, 1, g.temb))) goto done;
    if ((st = t_make_image(&im, 48, 40, 3))) goto done;
    rse_edit_params_init(&ep);
    ep.guide = t_guide; ep.guide_ctx = &g;
    roi.x = 4; roi.y = 4; roi.w = 20; roi.h = 16;
    ep.rois = &roi; ep.nrois = 1;
    ep.mask_out = &mask;
    ep.seed = 1;
    st = rse_edit(m, &im, &ep, &out, 0, 0);
    if (!st) { rse_image_free(&out); rse_image_free(&mask); }
done:
    rse_image_free(&im);
    rse_clip_free(g.m);
    rse_sinddm_free(m);
    return st;
}

/* ---- the sweep ----------------------------------------------------------- */

static int t_full;

static void t_sweep(const char *name, rse_status (*fn)(void)) {
    long n, k, step, tried = 0, wrong = 0, leaked = 0, swallowed = 0, live0;
    rse_status st;
    live0 = ah_live;
    ah_fail_at = 0; ah_count = 0;
    st = fn();
    n = ah_count;
    CHECK(st == RSE_STATUS_OK && ah_live == live0, "%s: clean run: %s (%ld live)", name,
          st ? rse_last_error() : "ok", ah_live - live0);
    if (st) return;
    /* sampled: the first 24, the last 8, and an even spread between */
    step = t_full || n <= 64 ? 1 : (n - 32) / 32 + 1;
    for (k = 1; k <= n; k++) {
        if (!(t_full || k <= 24 || k > n - 8 || k % step == 0)) continue;
        ah_fail_at = k; ah_count = 0; ah_failed = 0;
        rse_clear_error();
        st = fn();
        tried++;
        if (!ah_failed) continue; /* fewer allocations on this path: nothing failed */
        if (st == RSE_STATUS_OK) {
            if (swallowed++ < 3) printf("  %s: allocation %ld failed but the call succeeded\n", name, k);
        } else if (st != RSE_STATUS_NOMEM) {
            if (wrong++ < 3) printf("  %s: allocation %ld: status %s (%s)\n", name, k, rse_status_str(st), rse_last_error());
        }
        if (ah_live != live0) {
            if (leaked++ < 3) printf("  %s: allocation %ld failed: %ld blocks leaked\n", name, k, ah_live - live0);
            ah_live = live0; /* report each leak once */
        }
    }
    ah_fail_at = 0;
    CHECK(swallowed == 0, "%s: %ld failed allocations were not reported", name, swallowed);
    CHECK(wrong == 0, "%s: %ld failures gave a status other than NOMEM", name, wrong);
    CHECK(leaked == 0, "%s: %ld failures leaked", name, leaked);
    printf("ok %s: %ld allocations, %ld failure points tried\n", name, n, tried);
}

/* read through the library (its allocator is the counting one) */
static unsigned char *t_read_lib(const char *path, size_t *n) {
    unsigned char *b = 0;
    if (rse__read_file(path, &b, n) != RSE_STATUS_OK) return 0;
    return b;
}

int main(void) {
    char path[512];
    rse_image im;
    t_buf b = { 0, 0, 0 };
    size_t n;
    t_full = getenv("RSE_ALLOC_FULL") != 0;
    rse_set_threads(1);
    /* inputs, made or read before any failure is injected */
    if (t_make_image(&im, 21, 13, 3) == RSE_STATUS_OK) {
        b.n = 0;
        rse_image_save_mem(&im, RSE_FORMAT_PPM, 16, t_buf_write, &b);
        memcpy(t_ppm, b.p, t_ppm_n = b.n < sizeof t_ppm ? b.n : sizeof t_ppm);
        b.n = 0;
        rse_image_save_mem(&im, RSE_FORMAT_BMP, 8, t_buf_write, &b);
        memcpy(t_bmp, b.p, t_bmp_n = b.n < sizeof t_bmp ? b.n : sizeof t_bmp);
        rse_image_free(&im);
    }
    {   /* 2-step dim-2 models: 24x20 for the SinDDM scenarios, 48x40 for
           the text edit (its finest scale must hold a 32-pixel ViT patch) */
        rse_train_params p;
        rse_sinddm *m = 0;
        int k;
        for (k = 0; k < 2; k++) {
            t_make_image(&im, k ? 48 : 24, k ? 40 : 20, 3);
            rse_train_params_init(&p, "tiny");
            p.dim = 2; p.steps = 2; p.batch = 2;
            b.n = 0;
            if (rse_sinddm_create(&m, &im, &p) == RSE_STATUS_OK && rse_sinddm_train(m, 0, 0, 0) == RSE_STATUS_OK &&
                rse_sinddm_save_mem(m, t_buf_write, &b) == RSE_STATUS_OK) {
                unsigned char *c = (unsigned char *)malloc(b.n);
                memcpy(c, b.p, b.n);
                if (k) { t_ckpt2 = c; t_ckpt2_n = b.n; } else { t_ckpt = c; t_ckpt_n = b.n; }
            }
            rse_sinddm_free(m);
            m = 0;
            rse_image_free(&im);
        }
    }
    free(b.p);
    t_vit = t_read_lib("tests/fixtures/clip/vit_tiny.pt", &t_vit_n);
    t_rn = t_read_lib("tests/fixtures/clip/rn_tiny.pt", &t_rn_n);
    t_ref = t_read_lib("tests/fixtures/sinddm/ckpt_ref.pt", &t_ref_n);
    {
        unsigned char *p = t_read_lib("tests/fixtures/sinddm/ckpt_image.ppm", &n);
        if (p && rse_image_load_mem(p, n, &t_ref_img) != RSE_STATUS_OK) t_ref_img.data = 0;
        RSE_FREE(p);
    }
    snprintf(path, sizeof path, "%s/data/clip/bpe_simple_vocab_16e6.txt.gz", RSE_SHARED);
    t_vocab = t_have_file(path) ? t_read_lib(path, &t_vocab_n) : 0;
    CHECK(t_ckpt && t_ckpt2 && t_vit && t_rn && t_ref && t_ref_img.data, "fixtures read (run from the repository root)");

    t_sweep("image", sc_image);
    if (t_vit) t_sweep("clip vit", sc_clip_vit);
    if (t_rn) t_sweep("clip resnet", sc_clip_rn);
    if (t_ckpt) t_sweep("sinddm checkpoint", sc_ckpt);
    if (t_ref && t_ref_img.data) t_sweep("sinddm import", sc_import);
    t_sweep("train", sc_train);
    if (t_ckpt) t_sweep("sample", sc_sample);
    if (t_ckpt) t_sweep("edit copy", sc_edit_copy);
    if (t_ckpt2 && t_vit) t_sweep("edit text", sc_edit_text);
    if (t_vocab) t_sweep("vocab", sc_vocab);
    else SKIP("no vocabulary at %s: vocab sweep skipped", path);

    RSE_FREE(t_vit); RSE_FREE(t_rn); RSE_FREE(t_ref); RSE_FREE(t_vocab);
    free(t_ckpt);
    free(t_ckpt2);
    rse_image_free(&t_ref_img);
    CHECK(ah_live == 0, "nothing left allocated at the end (%ld)", ah_live);
    return t_report("test_alloc_fail");
}
