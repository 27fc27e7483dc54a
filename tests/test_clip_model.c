/* Tests of the CLIP towers, the CLIP-score preprocessing and the input
   gradient.

   1. Against the shared float64 references made by the real open_clip code
      (SHARED/data/clip/fixtures; skipped when absent): the tiny ViT in its
      three files (fp32 .pt, fp16 .pt, fp16 safetensors) with both
      activations: tokens after ln_pre and after each block, image and text
      features, cosines, logits and d(1 - cos)/d image.
      Tolerances. We compute in float32 from fp16-exact weights; the
      reference is float64. Float32 rounding (2^-24 = 6e-8 per op) grows
      through sums of up to 3072 terms and two blocks to ~1e-6 of the
      values' scale, so forward values must agree to 1e-5 relative to the
      largest reference magnitude (the brief's target). Gradients pass
      through twice as many ops and through softmax/layernorm backward
      cancellations, so they must agree to 1e-4 (max error over the array,
      relative to its largest magnitude). A real bug (a missing term, a
      transposed head) gives errors of order 1e-1..1.
   2. Preprocessing: the bytes after Pillow's bicubic resize must be EQUAL to
      the reference bytes, and the normalised tensor equal to the float32
      reference (same float ops as torchvision).
   3. Without shared data: a tiny random ViT written as a safetensors file
      here; its input gradient checked by central finite differences in
      float64-accumulated float32 (see t_fd for the tolerance), on a square
      and a non-square input (positional grid resized).
*/
#include "test.h"
#include "fixture.h"

/* Measured errors are printed with RSE_VERBOSE=1 in the environment. */
#define T_NOTE(...) do { if (getenv("RSE_VERBOSE")) printf(__VA_ARGS__); } while (0)

#define FIX RSE_SHARED "/data/clip/fixtures/"

/* A raw little-endian array of doubles (n expected) as doubles. */
static double *t_f64(const char *name, size_t n) {
    char path[512];
    size_t len = 0;
    unsigned char *b;
    snprintf(path, sizeof path, FIX "%s", name);
    b = t_read(path, &len);
    if (!b || len != n * 8) { free(b); return 0; }
    return (double *)(void *)b; /* little-endian hosts; malloc'd: aligned */
}

/* max |a - ref| / max |ref| */
static double t_relerr(const float *a, const double *ref, size_t n) {
    double mr = 0, me = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        double e = fabs((double)a[i] - ref[i]);
        if (fabs(ref[i]) > mr) mr = fabs(ref[i]);
        if (!(e <= me)) me = e;
    }
    return me / (mr > 0 ? mr : 1);
}

static double t_relerr_f(const float *a, const float *b, size_t n) {
    double mr = 0, me = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        double e = fabs((double)a[i] - b[i]);
        if (fabs(b[i]) > mr) mr = fabs(b[i]);
        if (!(e <= me)) me = e;
    }
    return me / (mr > 0 ? mr : 1);
}

/* ---- 1. the shared open_clip references ------------------------------------ */

static void test_fixture_model(const char *file, int act, const float *img, const int32_t *ids) {
    static const char *acts[2] = { "quickgelu", "gelu" };
    char path[512], nm[128];
    unsigned char *buf;
    size_t len = 0;
    rse_clip *m = 0;
    rse_clip_options o;
    rse_clip_info info;
    float trace[3 * 50 * 64], feat[32], txt[3 * 32], grad[3 * 224 * 224], c0;
    double *ref, worst;
    int k, j;
    snprintf(path, sizeof path, FIX "%s", file);
    if (!(buf = t_read(path, &len))) { SKIP("%s absent", path); return; }
    rse_clip_options_init(&o);
    o.act = act;
    o.vision_heads = 2; /* the tiny model's head width is 32, not 64 */
    o.text_heads = 2;
    CHECK(rse_clip_load_mem(&m, buf, len, &o) == 0, "%s: load: %s", file, rse_last_error());
    if (!m) { free(buf); return; }
    rse_clip_get_info(m, &info);
    CHECK(info.embed_dim == 32 && info.image_size == 224 && info.patch == 32 && info.vision_width == 64 &&
          info.vision_layers == 2 && info.text_width == 32 && info.text_layers == 2 && info.context == 77 && !info.resnet,
          "%s: inferred sizes (E %d, S %d, P %d, W %d, L %d, Wt %d, Lt %d, ctx %d)", file, info.embed_dim,
          info.image_size, info.patch, info.vision_width, info.vision_layers, info.text_width, info.text_layers, info.context);
    CHECK(rse__clip_encode_image(m, img, 1, 224, 224, feat, trace) == 0, "%s: encode image: %s", file, rse_last_error());
    for (k = 0; k < 3; k++) {
        if (k == 0) snprintf(nm, sizeof nm, "vis_ln_pre_%s.f64", acts[act]);
        else snprintf(nm, sizeof nm, "vis_block%d_%s.f64", k - 1, acts[act]);
        if ((ref = t_f64(nm, 50 * 64))) {
            double e = t_relerr(trace + k * 50 * 64, ref, 50 * 64);
            CHECK(e <= 1e-5, "%s %s: max rel error %g (tolerance 1e-5)", file, nm, e);
            T_NOTE("  %-26s %-22s max rel err %.2e\n", file, nm, e);
            free(ref);
        }
    }
    snprintf(nm, sizeof nm, "image_features_%s.f64", acts[act]);
    if ((ref = t_f64(nm, 32))) {
        double e = t_relerr(feat, ref, 32);
        CHECK(e <= 1e-5, "%s %s: max rel error %g (tolerance 1e-5)", file, nm, e);
        T_NOTE("  %-26s %-22s max rel err %.2e\n", file, nm, e);
        free(ref);
    }
    CHECK(rse_clip_encode_text(m, ids, 3, txt) == 0, "%s: encode text: %s", file, rse_last_error());
    snprintf(nm, sizeof nm, "text_features_%s.f64", acts[act]);
    if ((ref = t_f64(nm, 96))) {
        double e = t_relerr(txt, ref, 96);
        CHECK(e <= 1e-5, "%s %s: max rel error %g (tolerance 1e-5)", file, nm, e);
        T_NOTE("  %-26s %-22s max rel err %.2e\n", file, nm, e);
        free(ref);
    }
    snprintf(nm, sizeof nm, "cosine_%s.f64", acts[act]);
    if ((ref = t_f64(nm, 3))) {
        double *lg;
        worst = 0;
        for (j = 0; j < 3; j++) {
            double e = fabs(rse__clip_cos(feat, txt + 32 * j, 32) - ref[j]);
            if (e > worst) worst = e;
        }
        /* cosines are O(0.1..1): 1e-5 absolute is the same target */
        CHECK(worst <= 1e-5, "%s %s: max error %g (tolerance 1e-5)", file, nm, worst);
        T_NOTE("  %-26s %-22s max abs err %.2e\n", file, nm, worst);
        snprintf(nm, sizeof nm, "logits_per_image_%s.f64", acts[act]);
        if ((lg = t_f64(nm, 3))) {
            worst = 0;
            for (j = 0; j < 3; j++) {
                double l = exp((double)info.logit_scale) * rse__clip_cos(feat, txt + 32 * j, 32);
                double e = fabs(l - lg[j]) / fabs(lg[j]);
                if (e > worst) worst = e;
            }
            CHECK(worst <= 1e-5, "%s %s: max rel error %g (tolerance 1e-5)", file, nm, worst);
            T_NOTE("  %-26s %-22s max rel err %.2e\n", file, nm, worst);
            free(lg);
        }
        free(ref);
    }
    /* d(1 - cos(img, text0)) / d image = -d cos / d image; the input is
       already normalised, so no mean/std inside. */
    CHECK(rse__clip_image_grad(m, img, 1, 224, 224, 0, txt, &c0, grad) == 0, "%s: gradient: %s", file, rse_last_error());
    snprintf(nm, sizeof nm, "grad_loss0_wrt_image_%s.f64", acts[act]);
    if ((ref = t_f64(nm, 3 * 224 * 224))) {
        double e, l2e = 0, l2r = 0;
        size_t i;
        for (i = 0; i < 3 * 224 * 224; i++) {
            grad[i] = -grad[i];
            l2e += ((double)grad[i] - ref[i]) * ((double)grad[i] - ref[i]);
            l2r += ref[i] * ref[i];
        }
        e = t_relerr(grad, ref, 3 * 224 * 224);
        CHECK(e <= 1e-4, "%s %s: max rel error %g (tolerance 1e-4)", file, nm, e);
        T_NOTE("  %-26s %-22s max rel err %.2e, rel L2 %.2e\n", file, nm, e, sqrt(l2e / l2r));
        free(ref);
    }
    CHECK(fabs(c0 - rse__clip_cos(feat, txt, 32)) < 1e-6, "%s: gradient pass's cos %g equals the encoder's %g",
          file, c0, rse__clip_cos(feat, txt, 32));
    rse_clip_free(m);
    free(buf);
}

/* fp16 kept 16-bit (converted per layer) must give the same bits as
   converted once at load: the same conversions, the same float ops. */
static void test_fp16_modes(const float *img) {
    char path[512];
    unsigned char *buf;
    size_t len = 0;
    rse_clip *a = 0, *b = 0;
    rse_clip_options o;
    float fa[32], fb[32], *ga, *gb, txt[32];
    snprintf(path, sizeof path, FIX "tiny_vit_fp16.pt");
    if (!(buf = t_read(path, &len))) { SKIP("%s absent", path); return; }
    rse_clip_options_init(&o);
    o.vision_heads = o.text_heads = 2;
    CHECK(rse_clip_load_mem(&a, buf, len, &o) == 0, "fp16 lazy load: %s", rse_last_error());
    o.fp32 = 1;
    CHECK(rse_clip_load_mem(&b, buf, len, &o) == 0, "fp16 --clip-fp32 load: %s", rse_last_error());
    ga = (float *)malloc(3 * 224 * 224 * sizeof(float));
    gb = (float *)malloc(3 * 224 * 224 * sizeof(float));
    if (a && b && ga && gb) {
        int32_t ids[RSE_CLIP_CONTEXT] = { 49406, 320, 49407 };
        CHECK(a->stage_cap > 0 && b->stage_cap == 0, "lazy model stages (%zu floats), fp32 model does not (%zu)",
              a->stage_cap, b->stage_cap);
        CHECK(rse_clip_encode_image(a, img, 1, 224, 224, fa) == 0 && rse_clip_encode_image(b, img, 1, 224, 224, fb) == 0,
              "fp16 encodes");
        CHECK(memcmp(fa, fb, sizeof fa) == 0, "fp16 lazy and fp32-at-load image features identical");
        CHECK(rse_clip_encode_text(a, ids, 1, txt) == 0, "text");
        CHECK(rse__clip_image_grad(a, img, 1, 224, 224, 0, txt, 0, ga) == 0 &&
              rse__clip_image_grad(b, img, 1, 224, 224, 0, txt, 0, gb) == 0, "fp16 gradients");
        CHECK(memcmp(ga, gb, 3 * 224 * 224 * sizeof(float)) == 0, "fp16 lazy and fp32-at-load gradients identical");
    }
    free(ga); free(gb);
    rse_clip_free(a); rse_clip_free(b);
    free(buf);
}

/* ---- 2. preprocessing --------------------------------------------------------- */

static void test_preprocess(void) {
    static const char *names[3] = { "farmland_2020_256", "city_oblique_256", "forest_64" };
    static const int rw[3] = { 289, 298, 224 };
    int k;
    for (k = 0; k < 3; k++) {
        char path[512];
        rse_image img;
        unsigned char *ru8 = 0, *ref8;
        float *out = (float *)malloc(3 * 224 * 224 * sizeof(float)), *ref;
        size_t n8 = 0, nf = 0, i, diff = 0;
        int w = 0, h = 0;
        snprintf(path, sizeof path, RSE_SHARED "/data/rsi/%s.ppm", names[k]);
        if (rse_image_load(path, &img) != 0) { SKIP("%s absent", path); free(out); continue; }
        snprintf(path, sizeof path, FIX "pre_%s_resized_u8_HWC.u8", names[k]);
        ref8 = t_read(path, &n8);
        snprintf(path, sizeof path, FIX "pre_%s.f32", names[k]);
        ref = (float *)(void *)t_read(path, &nf);
        CHECK(rse__clip_preprocess(&img, 224, out, &ru8, &w, &h) == 0, "%s: preprocess: %s", names[k], rse_last_error());
        CHECK(w == rw[k] && h == 224, "%s: resized to %dx%d, expected %dx224", names[k], w, h, rw[k]);
        if (ref8 && ru8 && n8 == (size_t)w * h * 3) {
            for (i = 0; i < n8; i++) diff += ru8[i] != ref8[i];
            CHECK(diff == 0, "%s: %zu of %zu resized bytes differ from Pillow's", names[k], diff, n8);
        } else CHECK(0, "%s: resized reference missing or wrong size", names[k]);
        if (ref && nf == 3 * 224 * 224 * 4) {
            double e = t_relerr_f(out, ref, 3 * 224 * 224);
            CHECK(e == 0, "%s: normalised tensor differs from torchvision's (max rel %g)", names[k], e);
            T_NOTE("  preprocess %-20s resized bytes differing %zu, tensor max rel err %.2e\n", names[k], diff, e);
        }
        free(ru8); free(ref8); free(ref); free(out);
        rse_image_free(&img);
    }
}

/* ---- 3. a tiny random ViT, no shared data -------------------------------- */

/* Tensors for a safetensors file: name, shape, random values (scale s,
   around `base`: 1 for norm weights). */
typedef struct { char name[128]; int nd, shape[4]; float s, base; } t_spec;

static int t_nspec;
static t_spec t_specs[128];

static void t_add(const char *name, int nd, int a, int b, int c, int d, float s, float base) {
    t_spec *p = &t_specs[t_nspec++];
    snprintf(p->name, sizeof p->name, "%s", name);
    p->nd = nd; p->shape[0] = a; p->shape[1] = b; p->shape[2] = c; p->shape[3] = d;
    p->s = s; p->base = base;
}

static void t_add_tower(const char *prefix, int W, int layers) {
    char nm[96];
    int i;
    float sw = 1.0f / sqrtf((float)W);
    for (i = 0; i < layers; i++) {
#define T_ADD(suffix, nd, a, b, s, base) snprintf(nm, sizeof nm, "%s.resblocks.%d.%s", prefix, i, suffix); t_add(nm, nd, a, b, 0, 0, s, base);
        T_ADD("ln_1.weight", 1, W, 0, 0.1f, 1.0f)
        T_ADD("ln_1.bias", 1, W, 0, 0.1f, 0)
        T_ADD("attn.in_proj_weight", 2, 3 * W, W, 2 * sw, 0)
        T_ADD("attn.in_proj_bias", 1, 3 * W, 0, 0.1f, 0)
        T_ADD("attn.out_proj.weight", 2, W, W, sw, 0)
        T_ADD("attn.out_proj.bias", 1, W, 0, 0.1f, 0)
        T_ADD("ln_2.weight", 1, W, 0, 0.1f, 1.0f)
        T_ADD("ln_2.bias", 1, W, 0, 0.1f, 0)
        T_ADD("mlp.c_fc.weight", 2, 4 * W, W, sw, 0)
        T_ADD("mlp.c_fc.bias", 1, 4 * W, 0, 0.1f, 0)
        T_ADD("mlp.c_proj.weight", 2, W, 4 * W, sw / 2, 0)
        T_ADD("mlp.c_proj.bias", 1, W, 0, 0.1f, 0)
#undef T_ADD
    }
}

/* Vision width 16, patch 8, grid 2 (16x16 input), 2 blocks; text width
   16, context 8, vocab 64, 1 block; embed 8. Written as safetensors F32. */
static t_buf t_tiny_vit_from_specs(uint64_t seed);

static t_buf t_tiny_vit(uint64_t seed) {
    t_nspec = 0;
    t_add("visual.conv1.weight", 4, 16, 3, 8, 8, 0.1f, 0);
    t_add("visual.class_embedding", 1, 16, 0, 0, 0, 0.5f, 0);
    t_add("visual.positional_embedding", 2, 5, 16, 0, 0, 0.5f, 0);
    t_add("visual.ln_pre.weight", 1, 16, 0, 0, 0, 0.1f, 1.0f);
    t_add("visual.ln_pre.bias", 1, 16, 0, 0, 0, 0.1f, 0);
    t_add_tower("visual.transformer", 16, 2);
    t_add("visual.ln_post.weight", 1, 16, 0, 0, 0, 0.1f, 1.0f);
    t_add("visual.ln_post.bias", 1, 16, 0, 0, 0, 0.1f, 0);
    t_add("visual.proj", 2, 16, 8, 0, 0, 0.25f, 0);
    t_add("token_embedding.weight", 2, 64, 16, 0, 0, 0.5f, 0);
    t_add("positional_embedding", 2, 8, 16, 0, 0, 0.2f, 0);
    t_add_tower("transformer", 16, 1);
    t_add("ln_final.weight", 1, 16, 0, 0, 0, 0.1f, 1.0f);
    t_add("ln_final.bias", 1, 16, 0, 0, 0, 0.1f, 0);
    t_add("text_projection", 2, 16, 8, 0, 0, 0.25f, 0);
    t_add("logit_scale", 0, 0, 0, 0, 0, 0, 2.6592600f);
    return t_tiny_vit_from_specs(seed);
}

/* Writes the current spec table as a safetensors file of random values. */
static t_buf t_tiny_vit_from_specs(uint64_t seed) {
    t_buf hdr = { 0, 0, 0 }, out = { 0, 0, 0 };
    rse__rng r;
    size_t off = 0, total = 0;
    int i, k;
    char tmp[400];
    float *data;
    for (i = 0; i < t_nspec; i++) {
        size_t n = 1;
        for (k = 0; k < t_specs[i].nd; k++) n *= (size_t)t_specs[i].shape[k];
        total += n;
    }
    data = (float *)malloc(total * sizeof(float));
    rse__rng_seed(&r, seed);
    t_put(&hdr, "{", 1);
    for (i = 0; i < t_nspec; i++) {
        const t_spec *p = &t_specs[i];
        size_t n = 1, j;
        for (k = 0; k < p->nd; k++) n *= (size_t)p->shape[k];
        for (j = 0; j < n; j++) data[off + j] = p->base + p->s * (2.0f * rse__rng_uniform(&r) - 1.0f);
        t_put(&hdr, i ? ",\"" : "\"", i ? 2 : 1);
        t_put(&hdr, p->name, strlen(p->name));
        t_put(&hdr, "\":{\"dtype\":\"F32\",\"shape\":[", 26);
        for (k = 0; k < p->nd; k++) { snprintf(tmp, sizeof tmp, "%s%d", k ? "," : "", p->shape[k]); t_put(&hdr, tmp, strlen(tmp)); }
        snprintf(tmp, sizeof tmp, "],\"data_offsets\":[%zu,%zu]}", off * 4, (off + n) * 4);
        t_put(&hdr, tmp, strlen(tmp));
        off += n;
    }
    t_put(&hdr, "}", 1);
    while (hdr.n % 8) t_put(&hdr, " ", 1);
    {
        unsigned char l8[8];
        uint64_t hl = hdr.n;
        for (k = 0; k < 8; k++) l8[k] = (unsigned char)(hl >> (8 * k));
        t_put(&out, l8, 8);
    }
    t_put(&out, hdr.p, hdr.n);
    t_put(&out, data, total * sizeof(float)); /* little-endian hosts */
    free(hdr.p);
    free(data);
    return out;
}

/* cos for pixel input x (in [0,1], normalised inside), in the model. */
static double t_cos(rse_clip *m, const float *x, int h, int w, const float *txt) {
    float nx[3 * 24 * 24], f[8];
    int c, i;
    for (c = 0; c < 3; c++)
        for (i = 0; i < h * w; i++) nx[c * h * w + i] = (x[c * h * w + i] - rse__clip_mean[c]) / rse__clip_std[c];
    if (rse_clip_encode_image(m, nx, 1, h, w, f)) return NAN;
    return rse__clip_cos(f, txt, 8);
}

/* Central differences along random directions and along single pixels.
   Tolerance: cos is computed in float32 (rounding ~1e-7 of its O(1)
   value); with step h = 1e-3 on pixel values that is ~1e-4 of a difference
   quotient whose size is ~|grad| ~ 1e-1..1, while the truncation error
   h^2 f'''/6 is ~1e-7. So |numeric - analytic| <= 3e-3 * max|analytic| +
   1e-3 is a loose pass; a wrong adjoint is off by O(|grad|). */
static void t_fd(rse_clip *m, int h, int w, const char *what) {
    float x[3 * 24 * 24], xp[3 * 24 * 24], g[2 * 3 * 24 * 24], txt[8], c2[2], dir[3 * 24 * 24];
    int32_t ids[RSE_CLIP_CONTEXT] = { 60, 5, 17, 63, 0 }; /* end of text = the largest id (63), at 3 */
    rse__rng r;
    size_t n = (size_t)3 * h * w, i;
    double gmax = 0;
    int k, bad = 0;
    const float hstep = 1e-3f;
    rse__rng_seed(&r, 7);
    for (i = 0; i < n; i++) x[i] = 0.2f + 0.6f * rse__rng_uniform(&r);
    CHECK(rse_clip_encode_text(m, ids, 1, txt) == 0, "%s: text: %s", what, rse_last_error());
    /* two views in one batch: the second is the first mirrored, so each
       view's gradient must come out independent of the other */
    {
        float x2[2 * 3 * 24 * 24];
        int c, yy, xx;
        memcpy(x2, x, n * sizeof(float));
        for (c = 0; c < 3; c++)
            for (yy = 0; yy < h; yy++)
                for (xx = 0; xx < w; xx++) x2[n + (size_t)(c * h + yy) * w + xx] = x[(size_t)(c * h + yy) * w + (w - 1 - xx)];
        CHECK(rse_clip_image_grad(m, x2, 2, h, w, txt, c2, g) == 0, "%s: gradient: %s", what, rse_last_error());
        CHECK(fabs(c2[0] - t_cos(m, x, h, w, txt)) < 1e-5, "%s: gradient pass cos %g vs encode %g", what, c2[0], t_cos(m, x, h, w, txt));
        CHECK(fabs(c2[1] - t_cos(m, x2 + n, h, w, txt)) < 1e-5, "%s: view 2 cos", what);
    }
    for (i = 0; i < n; i++) if (fabs(g[i]) > gmax) gmax = fabs(g[i]);
    CHECK(gmax > 1e-3, "%s: gradient is not trivially zero (max %g)", what, gmax);
    /* single pixels */
    for (k = 0; k < 12; k++) {
        size_t j = rse__rng_below(&r, (uint32_t)n);
        double num, d;
        memcpy(xp, x, n * sizeof(float));
        xp[j] = x[j] + hstep;
        num = t_cos(m, xp, h, w, txt);
        xp[j] = x[j] - hstep;
        num = (num - t_cos(m, xp, h, w, txt)) / (2 * hstep);
        d = fabs(num - g[j]);
        if (!(d <= 3e-3 * gmax + 1e-3)) {
            bad++;
            printf("  %s pixel %zu: analytic %g numeric %g\n", what, j, g[j], num);
        }
    }
    CHECK(bad == 0, "%s: %d of 12 pixel gradients disagree with finite differences", what, bad);
    /* random directions: the whole gradient at once */
    for (k = 0; k < 4; k++) {
        double num, ana = 0, nd = 0;
        for (i = 0; i < n; i++) { dir[i] = 2 * rse__rng_uniform(&r) - 1; ana += (double)dir[i] * g[i]; nd += fabs(dir[i] * g[i]); }
        for (i = 0; i < n; i++) xp[i] = x[i] + hstep * dir[i];
        num = t_cos(m, xp, h, w, txt);
        for (i = 0; i < n; i++) xp[i] = x[i] - hstep * dir[i];
        num = (num - t_cos(m, xp, h, w, txt)) / (2 * hstep);
        CHECK(fabs(num - ana) <= 3e-3 * nd + 1e-3, "%s direction %d: analytic %g numeric %g", what, k, ana, num);
    }
    /* the mirrored view's gradient is the mirror of... its own; check it
       against its own finite difference at one pixel */
    {
        float x2[3 * 24 * 24];
        int c = 1, yy = h / 2, xx = 1;
        double num;
        size_t j = (size_t)(c * h + yy) * w + xx;
        for (c = 0; c < 3; c++)
            for (yy = 0; yy < h; yy++)
                for (xx = 0; xx < w; xx++) x2[(size_t)(c * h + yy) * w + xx] = x[(size_t)(c * h + yy) * w + (w - 1 - xx)];
        x2[j] += hstep;
        num = t_cos(m, x2, h, w, txt);
        x2[j] -= 2 * hstep;
        num = (num - t_cos(m, x2, h, w, txt)) / (2 * hstep);
        CHECK(fabs(num - g[n + j]) <= 3e-3 * gmax + 1e-3, "%s: second view pixel: analytic %g numeric %g", what, g[n + j], num);
    }
}

static void test_tiny_random(void) {
    t_buf f = t_tiny_vit(42);
    rse_clip *m = 0;
    rse_clip_options o;
    rse_clip_options_init(&o);
    o.vision_heads = 2; o.text_heads = 2;
    CHECK(rse_clip_load_mem(&m, f.p, f.n, &o) == 0, "tiny random ViT: %s", rse_last_error());
    if (m) {
        t_fd(m, 16, 16, "tiny ViT 16x16 quickgelu");
        t_fd(m, 16, 24, "tiny ViT 16x24 (pos grid 2x3)");
        t_fd(m, 21, 17, "tiny ViT 21x17 (remainder pixels dropped)");
        rse_clip_free(m);
    }
    o.act = RSE_CLIP_ACT_GELU;
    CHECK(rse_clip_load_mem(&m, f.p, f.n, &o) == 0, "tiny random ViT gelu: %s", rse_last_error());
    if (m) { t_fd(m, 16, 16, "tiny ViT 16x16 gelu"); rse_clip_free(m); }
    /* Checkpoints that disagree with the architecture are refused with a
       message naming the tensor: a wrong shape, a missing tensor. */
    {
        t_buf bad;
        int k;
        for (k = 0; k < t_nspec; k++)
            if (strcmp(t_specs[k].name, "visual.transformer.resblocks.1.mlp.c_fc.bias") == 0) break;
        rse_clip_options_init(&o);
        o.vision_heads = 2; o.text_heads = 2;
        if (k < t_nspec) {
            t_specs[k].shape[0] = 63; /* the loader must see 64 */
            bad = t_tiny_vit_from_specs(43);
            CHECK(rse_clip_load_mem(&m, bad.p, bad.n, &o) != 0 && strstr(rse_last_error(), "resblocks.1.mlp.c_fc.bias"),
                  "wrong bias length refused: %s", rse_last_error());
            free(bad.p);
            t_specs[k].shape[0] = 64;
            strcpy(t_specs[k].name, "visual.transformer.resblocks.1.mlp.c_fc.biaz");
            bad = t_tiny_vit_from_specs(43);
            CHECK(rse_clip_load_mem(&m, bad.p, bad.n, &o) != 0 && strstr(rse_last_error(), "missing"),
                  "missing tensor refused: %s", rse_last_error());
            free(bad.p);
        } else CHECK(0, "spec table");
    }
    /* heads = width/64 by default: 16 wide cannot split */
    rse_clip_options_init(&o);
    CHECK(rse_clip_load_mem(&m, f.p, f.n, &o) != 0 && strstr(rse_last_error(), "heads"),
          "default heads on a 16-wide tower refused: %s", rse_last_error());
    free(f.p);
}

/* ---- 4. the committed references of tools/make_clip_fixtures.py ---------
   (PyTorch, float64, from weights stored in fp16): the positional grid
   resize with torch's scale-factor coordinates, a tiny ViT (64 wide: the
   default heads = width/64 rule) on square, non-square and remainder-pixel
   inputs, and a tiny ModifiedResNet (BatchNorm folded, attention pool).
   Same tolerances as the open_clip fixtures: 1e-5 forward, 1e-4 gradient,
   relative to the largest reference magnitude. */

static void t_ref_model(fx_case *fc, rse_clip *m, const char *what) {
    fx_tensor *x = fx_get(fc, "x"), *img = fx_get(fc, "img"), *txt = fx_get(fc, "txt"), *ids = fx_get(fc, "ids"),
              *gr = fx_get(fc, "grad");
    float f[16], t[2 * 16], *g;
    int32_t id[2 * RSE_CLIP_CONTEXT];
    int i, j, h, w;
    if (!x || !img || !txt || !ids || !gr || x->nd != 4 || ids->shape[0] != 2 || ids->shape[1] > RSE_CLIP_CONTEXT ||
        img->n != 16 || txt->n != 32) {
        CHECK(0, "%s: malformed reference case", fc->name);
        return;
    }
    h = x->shape[2]; w = x->shape[3];
    memset(id, 0, sizeof id);
    for (j = 0; j < 2; j++)
        for (i = 0; i < ids->shape[1]; i++) id[j * RSE_CLIP_CONTEXT + i] = (int32_t)ids->data[j * ids->shape[1] + i];
    CHECK(rse_clip_encode_text(m, id, 2, t) == 0, "%s: text: %s", what, rse_last_error());
    fx_compare(fc->name, "text features", t, txt, 1e-5);
    CHECK(rse_clip_encode_image(m, x->data, 1, h, w, f) == 0, "%s: image: %s", what, rse_last_error());
    fx_compare(fc->name, "image features", f, img, 1e-5);
    g = (float *)malloc(x->n * sizeof(float));
    CHECK(rse__clip_image_grad(m, x->data, 1, h, w, 0, t, 0, g) == 0, "%s: gradient: %s", what, rse_last_error());
    fx_compare(fc->name, "input gradient", g, gr, 1e-4);
    free(g);
}

static void test_refs(void) {
    fx_cur c;
    int ncase = 0, k;
    unsigned char *buf = fx_open("tests/fixtures/clip/clip_ref.bin", &c, &ncase), *mb;
    size_t len = 0;
    rse_clip *vit = 0, *rn = 0;
    CHECK(buf != 0, "tests/fixtures/clip/clip_ref.bin readable (run from the repository root)");
    if (!buf) return;
    if ((mb = t_read("tests/fixtures/clip/vit_tiny.pt", &len))) {
        CHECK(rse_clip_load_mem(&vit, mb, len, 0) == 0, "vit_tiny.pt: %s", rse_last_error());
    } else CHECK(0, "tests/fixtures/clip/vit_tiny.pt readable");
    {
        unsigned char *rb = t_read("tests/fixtures/clip/rn_tiny.pt", &len);
        if (rb) {
            rse_clip_info info;
            CHECK(rse_clip_load_mem(&rn, rb, len, 0) == 0, "rn_tiny.pt: %s", rse_last_error());
            if (rn) {
                rse_clip_get_info(rn, &info);
                CHECK(info.resnet && info.image_size == 64 && info.embed_dim == 16 && info.vision_layers == 4,
                      "rn_tiny: ResNet, 64 px, embed 16, 4 blocks (%d %d %d %d)", info.resnet, info.image_size,
                      info.embed_dim, info.vision_layers);
            }
            /* the model points into the file bytes: keep them while it lives */
            for (k = 0; k < ncase; k++) {
                fx_case fc;
                if (!fx_read_case(&c, &fc)) { CHECK(0, "clip_ref.bin: case %d unreadable", k); break; }
                if (strncmp(fc.name, "pos_", 4) == 0) {
                    fx_tensor *in = fx_get(&fc, "in0"), *out = fx_get(&fc, "out");
                    int gh, gw;
                    if (in && out && sscanf(fc.name, "pos_%dx%d", &gh, &gw) == 2 && in->nd == 2 &&
                        out->shape[0] == 1 + gh * gw && in->shape[0] == 50) {
                        float *o = (float *)malloc(out->n * sizeof(float));
                        if (gh == 7 && gw == 7) memcpy(o, in->data, in->n * sizeof(float));
                        else rse__clip_pos_resize(o, in->data, 7, gh, gw, in->shape[1]);
                        /* float32 taps and sums (~1e-6 of the values);
                           mapping with G/g instead of G/(g+0.1) would be
                           off by ~1e-2 on this random grid */
                        fx_compare(fc.name, "positional grid", o, out, 1e-5);
                        free(o);
                    } else CHECK(0, "%s: malformed", fc.name);
                } else if (strncmp(fc.name, "vit_", 4) == 0 && vit) {
                    t_ref_model(&fc, vit, fc.name);
                } else if (strncmp(fc.name, "rn_", 3) == 0 && rn) {
                    t_ref_model(&fc, rn, fc.name);
                }
                fx_free_case(&fc);
            }
            rse_clip_free(rn);
            free(rb);
        } else CHECK(0, "tests/fixtures/clip/rn_tiny.pt readable");
    }
    rse_clip_free(vit);
    free(mb);
    free(buf);
}

/* ---- micro-batches of views (issue 25) --------------------------------------
   The input gradient runs a call's views in batches sized to a memory budget
   (m->grad_chunk fixes the size here), and the text guide makes, runs and
   releases its views batch by batch, last batch first. A view's gradient
   depends on that view alone, and every kernel computes a view's rows from
   its own rows in an order that does not depend on the batch, so the
   results must be the same bits as all the views in one batch: no
   tolerance. 7 views split 3+3+1 (uneven), and the budget's own sizing
   (one view measured, then the rest). */

static void t_batches(rse_clip *m, const char *what) {
    enum { N = 7 };
    static const int chunks[3] = { N, 3, 0 };
    rse_clip_info info;
    rse__rng r;
    float *x, *g[3], c[3][N], t[64];
    size_t nx, i;
    int S, ci, j, same, nonzero = 0;
    rse_clip_get_info(m, &info);
    S = info.image_size;
    nx = (size_t)N * 3 * S * S;
    x = (float *)malloc(nx * sizeof(float));
    for (ci = 0; ci < 3; ci++) g[ci] = (float *)malloc(nx * sizeof(float));
    rse__rng_seed(&r, 25);
    for (i = 0; i < nx; i++) x[i] = rse__rng_uniform(&r);
    for (j = 0; j < info.embed_dim && j < 64; j++) t[j] = rse__rng_uniform(&r) - 0.5f;
    for (ci = 0; ci < 3; ci++) {
        m->grad_chunk = chunks[ci];
        m->gv_bytes = 0; /* the budget measures again */
        CHECK(rse__clip_image_grad(m, x, N, S, S, RSE__GRAD_NORMALISE, t, c[ci], g[ci]) == 0, "%s: gradient: %s", what,
              rse_last_error());
    }
    for (i = 0; i < nx; i++) nonzero += g[0][i] != 0;
    CHECK(nonzero > (int)(nx / 2), "%s: the gradient is not zero (%d of %zu values)", what, nonzero, nx);
    for (ci = 1; ci < 3; ci++) {
        same = !memcmp(g[0], g[ci], nx * sizeof(float)) && !memcmp(c[0], c[ci], sizeof c[0]);
        CHECK(same, "%s: %s gives the bits of one batch of %d", what, ci == 1 ? "batches of 3+3+1" : "the budget's batches", N);
    }
    CHECK(m->gv_bytes > 0 && m->gv_h == S && m->gv_w == S, "%s: a view's working memory measured (%zu bytes)", what,
          m->gv_bytes);
    m->grad_chunk = 0;
    for (ci = 0; ci < 3; ci++) free(g[ci]);
    free(x);
}

/* The text guide's step (views made and released batch by batch) against
   all its views in one batch: the same gradient and score, bit for bit. */
static void t_guide_batches(rse_clip *m) {
    enum { V = 6, H = 37, W = 45, K = 3 };
    static const int chunks[3] = { V, 4, 1 };
    rse_clip_info info;
    rse_text_guide *g;
    rse__rng r;
    fx_tensor lr, hr;
    float dirs[K * 64], x0[3 * H * W], gr[3][3 * H * W];
    double sc[3];
    int ci, i, nonzero = 0;
    rse_clip_get_info(m, &info);
    rse__rng_seed(&r, 26);
    for (i = 0; i < K * info.embed_dim && i < K * 64; i++) dirs[i] = rse__rng_uniform(&r) - 0.5f;
    for (i = 0; i < 3 * H * W; i++) x0[i] = 2.0f * rse__rng_uniform(&r) - 1.0f;
    memset(&lr, 0, sizeof lr);
    lr.nd = 2; lr.shape[0] = K; lr.shape[1] = info.embed_dim; lr.n = (size_t)K * info.embed_dim; lr.data = dirs;
    hr = lr;
    g = fx_guide(m, &lr, &hr, V);
    CHECK(g != 0, "guide batches: text guide: %s", rse_last_error());
    if (!g) return;
    for (ci = 0; ci < 3; ci++) {
        m->grad_chunk = chunks[ci];
        rse_text_guide_reset(g, 7, 0);
        CHECK(rse_text_guide_grad(g, x0, H, W, 1, 3, gr[ci], &sc[ci]) == 0, "guide batches: step: %s", rse_last_error());
    }
    for (i = 0; i < 3 * H * W; i++) nonzero += gr[0][i] != 0;
    CHECK(nonzero > 3 * H * W / 2, "guide batches: the gradient is not zero (%d of %d)", nonzero, 3 * H * W);
    for (ci = 1; ci < 3; ci++)
        CHECK(!memcmp(gr[0], gr[ci], sizeof gr[0]) && sc[0] == sc[ci],
              "guide batches: %d views in batches of %d give the bits of one batch (score %.9g vs %.9g)", V, chunks[ci],
              sc[ci], sc[0]);
    m->grad_chunk = 0;
    rse_text_guide_free(g);
}

static void test_grad_batches(void) {
    static const char *files[2] = { "tests/fixtures/clip/vit_tiny.pt", "tests/fixtures/clip/rn_tiny.pt" };
    int k;
    for (k = 0; k < 2; k++) {
        size_t len = 0;
        unsigned char *mb = t_read(files[k], &len);
        rse_clip *m = 0;
        CHECK(mb != 0, "%s readable", files[k]);
        if (!mb) continue;
        CHECK(rse_clip_load_mem(&m, mb, len, 0) == 0, "%s: %s", files[k], rse_last_error());
        if (m) {
            t_batches(m, files[k]);
            if (k == 0) t_guide_batches(m);
        }
        rse_clip_free(m);
        free(mb);
    }
}

int main(void) {
    float *img;
    int32_t ids[3 * RSE_CLIP_CONTEXT];
    size_t n = 0;
    unsigned char *b;
    rse_set_threads(2);
    test_refs();
    test_grad_batches();
    test_tiny_random();
    test_preprocess();
    img = (float *)(void *)t_read(FIX "image_input.f32", &n);
    b = t_read(FIX "text_tokens.i64", &n);
    if (img && b && n == 3 * 77 * 8) {
        int i;
        for (i = 0; i < 3 * 77; i++) {
            int64_t v;
            memcpy(&v, b + 8 * i, 8);
            ids[i] = (int32_t)v;
        }
        test_fixture_model("tiny_vit_fp32.pt", RSE_CLIP_ACT_QUICKGELU, img, ids);
        test_fixture_model("tiny_vit_fp32.pt", RSE_CLIP_ACT_GELU, img, ids);
        test_fixture_model("tiny_vit_fp16.pt", RSE_CLIP_ACT_QUICKGELU, img, ids);
        test_fixture_model("tiny_vit_fp16.pt", RSE_CLIP_ACT_GELU, img, ids);
        test_fixture_model("tiny_vit_fp16.safetensors", RSE_CLIP_ACT_QUICKGELU, img, ids);
        test_fixture_model("tiny_vit_fp16.safetensors", RSE_CLIP_ACT_GELU, img, ids);
        test_fp16_modes(img);
    } else {
        SKIP("shared CLIP fixtures absent (%s)", FIX);
    }
    free(img);
    free(b);
    return t_report("test_clip_model");
}
