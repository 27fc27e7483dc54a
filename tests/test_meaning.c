/* Tests that assert meaning: a text edit must do what its words say, by a
   stated margin over the same run without guidance.

   The CLIP is tests/fixtures/clip/color_clip.pt (tools/make_color_clip.py):
   hand-set weights whose image feature is the image's mean colour
   (redness, greenness, blueness, brightness) and whose text feature is the
   sum of its colour words' directions: "fire", "flames", "burning" ->
   orange-red (weight 3), "flood", "water", "river" -> blue (2), "forest",
   "trees" -> green (1), and the template words "photo", "image" ->
   brightness (2). So "a fire in the forest" asks for orange-red and "the
   river is flooding" for blue, and what guidance did can be read off the
   pixels.

   The SinDDM model is tiny (dim 16, 200 steps on a 120x90 scene of forest,
   fields, a river and a road; three scales) and crude: its samples are
   noisy. Every assertion therefore compares runs with the SAME seed (the
   same noise), so the difference is the guidance's. Runs are deterministic;
   each margin below is about half the effect measured (SIMD and scalar
   builds), noted next to it. Two views per step keep the run short (about
   30 s on one core at -O2).

   Ablations: each of the four guidance features (prompt averaging, the
   templates, momentum, the final-steps cutoff) has an assertion that fails
   when the feature is switched off inside the library; which hack each was
   checked with is noted at the assertion. Needs the shared BPE vocabulary
   (skipped without it). Runs in the SIMD build only (Makefile: SIMD_ONLY). */
#include "test.h"

#define T_W 120
#define T_H 90

/* The scene, in 8-bit values (so the finest pyramid scale is the image
   itself and pixels the edit leaves alone come back exactly): a forest
   block top left, tan striped fields, a blue river across the bottom left,
   a grey road. A little noise so the denoiser has texture to learn. */
static void t_scene(rse_image *img) {
    int x, y, c;
    rse__rng r;
    rse__rng_seed(&r, 42);
    rse_image_alloc(img, T_W, T_H, 3);
    for (y = 0; y < T_H; y++)
        for (x = 0; x < T_W; x++) {
            float col[3], n = rse__rng_uniform(&r) - 0.5f;
            int forest = x < 62 && y < 52, river = fabsf((float)y - 0.45f * (float)x - 48.0f) < 7.0f,
                road = abs(x - 92) < 2;
            col[0] = 0.62f + 0.06f * sinf(0.5f * y); col[1] = 0.55f + 0.05f * sinf(0.5f * y); col[2] = 0.38f;
            if (forest) {
                float t = 0.5f + 0.5f * sinf(0.7f * x) * sinf(0.6f * y);
                col[0] = 0.12f + 0.08f * t; col[1] = 0.36f + 0.14f * t; col[2] = 0.12f + 0.05f * t;
            }
            if (river) { col[0] = 0.16f; col[1] = 0.32f; col[2] = 0.58f; }
            if (road) col[0] = col[1] = col[2] = 0.5f;
            for (c = 0; c < 3; c++) {
                float v = col[c] + 0.06f * n;
                v = v < 0 ? 0 : v > 1 ? 1 : v;
                img->data[((size_t)c * T_H + y) * T_W + x] = (float)(int)(v * 255.0f + 0.5f) / 255.0f;
            }
        }
}

/* The mean over box r of a R + b G + c B. */
static double t_mean(const rse_image *im, const rse_roi *r, double a, double b, double c) {
    size_t P = (size_t)im->w * im->h;
    double s = 0;
    int x, y;
    for (y = r->y; y < r->y + r->h; y++)
        for (x = r->x; x < r->x + r->w; x++) {
            size_t i = (size_t)y * im->w + x;
            s += a * im->data[i] + b * im->data[P + i] + c * im->data[2 * P + i];
        }
    return s / ((double)r->w * r->h);
}
/* the CLIP's own axes: redness R - (G+B)/2, blueness B - (R+G)/2, brightness */
static double t_red(const rse_image *im, const rse_roi *r) { return t_mean(im, r, 1, -0.5, -0.5); }
static double t_blue(const rse_image *im, const rse_roi *r) { return t_mean(im, r, -0.5, -0.5, 1); }
static double t_bright(const rse_image *im, const rse_roi *r) { return t_mean(im, r, 1.0 / 3, 1.0 / 3, 1.0 / 3); }

/* The largest |a - b| over pixels at least `feather` from box r. */
static double t_outside_diff(const rse_image *a, const rse_image *b, const rse_roi *r, float feather) {
    double worst = 0;
    int x, y, c;
    for (y = 0; y < a->h; y++)
        for (x = 0; x < a->w; x++) {
            float dx = 0, dy = 0, cx = x + 0.5f, cy = y + 0.5f;
            if (cx < r->x) dx = r->x - cx; else if (cx > r->x + r->w) dx = cx - r->x - r->w;
            if (cy < r->y) dy = r->y - cy; else if (cy > r->y + r->h) dy = cy - r->y - r->h;
            if (sqrtf(dx * dx + dy * dy) < feather) continue;
            for (c = 0; c < 3; c++) {
                size_t i = ((size_t)c * a->h + y) * a->w + x;
                double d = fabs((double)a->data[i] - b->data[i]);
                if (d > worst) worst = d;
            }
        }
    return worst;
}

/* The mean over box r and the three channels of |a - b|. */
static double t_mean_abs_diff(const rse_image *a, const rse_image *b, const rse_roi *r) {
    double s = 0;
    int x, y, c;
    for (c = 0; c < 3; c++)
        for (y = r->y; y < r->y + r->h; y++)
            for (x = r->x; x < r->x + r->w; x++) {
                size_t i = ((size_t)c * a->h + y) * a->w + x;
                s += fabs((double)a->data[i] - b->data[i]);
            }
    return s / (3.0 * r->w * r->h);
}

static rse_clip *t_clip;
static rse_clip_vocab *t_vocab;
static rse_sinddm *t_model;
static rse_image t_img;

/* A text guide that counts its calls per scale. */
typedef struct { rse_text_guide *g; int calls[RSE_PYR_MAX_SCALES]; } t_counter;
static rse_status t_count_grad(void *ctx, const float *x0, int H, int W, int s, int n, float *grad, double *score) {
    t_counter *c = (t_counter *)ctx;
    c->calls[s]++;
    return rse_text_guide_grad(c->g, x0, H, W, s, n, grad, score);
}
static void t_count_reset(void *ctx, uint64_t seed, uint64_t index) {
    rse_text_guide_reset(((t_counter *)ctx)->g, seed, index);
}

/* One edit of the scene, seed 5, two views. roi NULL: the whole image
   (default fill 0.2); else that region with fill 1 (all of it) and a
   4-pixel feather; from scale 1. momentum/stop < 0: the defaults. calls (may be NULL)
   receives the guided steps per scale. Returns 1 on success. */
static int t_edit(const char *const *prompts, int np, int templates, const rse_roi *roi, float strength,
                  float momentum, int stop, rse_image *out, int *calls) {
    t_counter cnt;
    rse_edit_params ep;
    rse_status st;
    memset(&cnt, 0, sizeof cnt);
    out->data = 0;
    if (rse_text_guide_create(&cnt.g, t_clip, t_vocab, prompts, np, templates, 2) != RSE_STATUS_OK) {
        CHECK(0, "guide: %s", rse_last_error());
        return 0;
    }
    rse_edit_params_init(&ep);
    ep.guide = t_count_grad; ep.guide_ctx = &cnt; ep.guide_reset = t_count_reset;
    ep.seed = 5;
    ep.strength = strength;
    if (momentum >= 0) ep.momentum = momentum;
    if (stop >= 0) ep.stop = stop;
    if (roi) { ep.rois = roi; ep.nrois = 1; ep.feather = 4; ep.fill = 1; }
    /* every edit starts at scale 1 of 3, so guidance, its mask and its
       momentum act over two scales (a region's default start, the finest
       scale, has one); the margins below were measured so */
    ep.start_scale = 1;
    st = rse_edit(t_model, &t_img, &ep, out, 0, 0);
    CHECK(st == RSE_STATUS_OK, "edit '%s' at %g: %s", prompts[0], strength, rse_last_error());
    if (calls) memcpy(calls, cnt.calls, sizeof cnt.calls);
    rse_text_guide_free(cnt.g);
    return st == RSE_STATUS_OK;
}

/* Unit text embedding of one prompt (no template). */
static void t_text(const char *text, float *e, int dim) {
    int32_t ids[RSE_CLIP_CONTEXT];
    double n = 0;
    int i;
    rse_clip_tokenize(t_vocab, text, ids, 0);
    rse_clip_encode_text(t_clip, ids, 1, e);
    for (i = 0; i < dim; i++) n += (double)e[i] * e[i];
    for (i = 0; i < dim; i++) e[i] = (float)(e[i] / sqrt(n));
}

static double t_dot(const float *a, const float *b, int n) {
    double s = 0;
    int i;
    for (i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

/* The fixture means what it says: plain colour images score highest for
   their own word, and "a fire in the forest" is mostly fire. Values from
   tools/make_color_clip.py (float64 torch, the same model). */
static void test_fixture(void) {
    static const char *texts[3] = { "fire", "the river is flooding", "forest" };
    static const float colours[3][3] = { { 1, 0.3f, 0 }, { 0, 0.3f, 1 }, { 0.1f, 0.6f, 0.1f } };
    rse_clip_info info;
    float t[3][8], f[8], mix[8], *x;
    int i, j;
    rse_clip_get_info(t_clip, &info);
    CHECK(info.embed_dim == 5 && info.image_size == 224 && info.vision_width == 64 && info.text_width == 64,
          "color_clip: embed %d, image %d, widths %d/%d", info.embed_dim, info.image_size, info.vision_width, info.text_width);
    if (info.embed_dim != 5) return;
    for (i = 0; i < 3; i++) t_text(texts[i], t[i], 5);
    x = (float *)malloc(3 * 224 * 224 * sizeof(float));
    for (i = 0; i < 3; i++) {
        rse_image im;
        double cs[3], n;
        int k;
        rse_image_alloc(&im, 8, 8, 3);
        for (k = 0; k < 3 * 64; k++) im.data[k] = colours[i][k / 64];
        rse_clip_preprocess(&im, 224, x);
        rse_clip_encode_image(t_clip, x, 1, 224, 224, f);
        n = sqrt(t_dot(f, f, 5));
        for (j = 0; j < 3; j++) cs[j] = t_dot(f, t[j], 5) / n;
        /* measured 0.974, 0.974, 0.949 for the own word, at most -0.099 for
           the others */
        CHECK(cs[i] > 0.9 && cs[i] > cs[(i + 1) % 3] + 0.5 && cs[i] > cs[(i + 2) % 3] + 0.5,
              "a %s-coloured image matches '%s': cos %.3f %.3f %.3f", texts[i], texts[i], cs[0], cs[1], cs[2]);
        rse_image_free(&im);
    }
    free(x);
    t_text("a fire in the forest", mix, 5);
    /* measured 0.946 and 0.225 (3 fire + 1 forest) */
    CHECK(t_dot(mix, t[0], 5) > 0.9 && t_dot(mix, t[2], 5) < 0.4 && t_dot(mix, t[2], 5) > 0.1,
          "'a fire in the forest' is mostly fire, some forest: cos %.3f to fire, %.3f to forest",
          t_dot(mix, t[0], 5), t_dot(mix, t[2], 5));
}

static const char *const t_fire[1] = { "a fire in the forest" };
static const rse_roi t_roi = { 12, 10, 36, 30 }; /* inside the forest */
static rse_image t_ref;                           /* the fire edit at strength 0.1, the ablations' reference */
static int t_ref_calls[RSE_PYR_MAX_SCALES];

/* An ROI edit with the fire prompt: redder than strength 0 with the same
   seed, growing with strength until the pixels clamp; nothing changes
   outside the region and its feather. */
static void test_fire_roi(void) {
    static const float strengths[4] = { 0, 0.01f, 0.1f, 1 };
    rse_image out[4];
    double red[4], worst = 0, hi_r = 0, lo_b = 0;
    int k, x, y, ok = 1;
    for (k = 0; k < 4; k++) {
        ok &= t_edit(t_fire, 1, RSE_TEMPLATES_AUTO, &t_roi, strengths[k], -1, -1, &out[k], k == 2 ? t_ref_calls : 0);
        red[k] = ok ? t_red(&out[k], &t_roi) : 0;
        if (ok) {
            double d = t_outside_diff(&out[k], &t_img, &t_roi, 4);
            if (d > worst) worst = d;
        }
    }
    if (!ok) { for (k = 0; k < 4; k++) rse_image_free(&out[k]); return; }
    printf("fire ROI: redness %.4f (original), %.4f / %.4f / %.4f / %.4f at strength 0 / 0.01 / 0.1 / 1\n",
           t_red(&t_img, &t_roi), red[0], red[1], red[2], red[3]);
    /* outside the feather the change is exactly 0, and the output keeps
       the input's own values there (rse_edit pastes the change back) */
    CHECK(worst == 0, "outside the region and its feather every value is the input's: max |diff| %g", worst);
    /* measured +0.761 (-0.110 -> 0.651) */
    CHECK(red[2] > red[0] + 0.35, "'a fire in the forest' makes the region redder: %.4f at strength 0.1 vs %.4f unguided",
          red[2], red[0]);
    /* measured +0.178 and +0.583 */
    CHECK(red[1] > red[0] + 0.08 && red[2] > red[1] + 0.25, "redness grows with strength: %.4f < %.4f < %.4f",
          red[0], red[1], red[2]);
    /* The clamp: by strength 0.1 the region's R and B are at the ends of
       their range (x0 is clamped to [-1,1] after every guided step; the 3
       unguided last steps move them a little): R > 0.9 at 94% and B < 0.1
       at 97% of the region's pixels, at strength 1 96% and 98%. Redness
       can then only change through G, and ten times the strength adds
       little: measured +0.025, against +0.761 from 0 to 0.1. */
    for (y = t_roi.y; y < t_roi.y + t_roi.h; y++)
        for (x = t_roi.x; x < t_roi.x + t_roi.w; x++) {
            size_t i = (size_t)y * T_W + x;
            hi_r += out[3].data[i] > 0.9f;
            lo_b += out[3].data[2 * (size_t)T_W * T_H + i] < 0.1f;
        }
    hi_r /= (double)t_roi.w * t_roi.h;
    lo_b /= (double)t_roi.w * t_roi.h;
    CHECK(fabs(red[3] - red[2]) < 0.1 && hi_r > 0.8 && lo_b > 0.8,
          "past the clamp redness stops growing: %.4f at 1 vs %.4f at 0.1; R > 0.9 at %.0f%%, B < 0.1 at %.0f%% of the region",
          red[3], red[2], 100 * hi_r, 100 * lo_b);
    t_ref = out[2];
    for (k = 0; k < 4; k++) if (k != 2) rse_image_free(&out[k]);
}

/* A flood prompt on the whole image: bluer than strength 0. */
static void test_flood(void) {
    static const char *const flood[1] = { "the river is flooding" };
    rse_roi all = { 0, 0, T_W, T_H };
    rse_image o0, o1;
    if (t_edit(flood, 1, RSE_TEMPLATES_AUTO, 0, 0, -1, -1, &o0, 0) &&
        t_edit(flood, 1, RSE_TEMPLATES_AUTO, 0, 0.1f, -1, -1, &o1, 0)) {
        printf("flood: blueness %.4f (original), %.4f unguided, %.4f at strength 0.1\n", t_blue(&t_img, &all),
               t_blue(&o0, &all), t_blue(&o1, &all));
        /* measured +0.219 (-0.100 -> 0.119) over the whole image */
        CHECK(t_blue(&o1, &all) > t_blue(&o0, &all) + 0.1, "'the river is flooding' makes the image bluer: %.4f vs %.4f",
              t_blue(&o1, &all), t_blue(&o0, &all));
    }
    rse_image_free(&o0);
    rse_image_free(&o1);
}

/* Each feature of the guidance changes the edit in its own measurable way,
   against the fire edit at strength 0.1 (t_ref). */
static void test_ablations(void) {
    static const char *const ens[2] = { "a fire in the forest", "flood water" };
    rse_text_guide *g = 0;
    rse_image o;
    int calls[RSE_PYR_MAX_SCALES], fin = t_model->pyr.n - 1, s;
    if (!t_ref.data) return;

    /* Prompt averaging. The ensemble's direction is the renormalised mean
       of its prompts' unit embeddings (a known direction), and the edit
       follows it: a second prompt "flood water" turns the fire edit
       purple-blue. Hack checked: rse_text_guide_create using prompts[0]
       only -> both checks fail (cos 0.238; blueness equal). */
    if (rse_text_guide_create(&g, t_clip, t_vocab, ens, 2, RSE_TEMPLATES_NONE, 2) == RSE_STATUS_OK) {
        float a[8], b[8], want[8];
        double n = 0, c;
        int i;
        t_text(ens[0], a, 5);
        t_text(ens[1], b, 5);
        for (i = 0; i < 5; i++) { want[i] = a[i] + b[i]; n += (double)want[i] * want[i]; }
        c = t_dot(g->text, want, 5) / sqrt(n);
        /* measured 1.000000; the first prompt alone gives 0.238 */
        CHECK(c > 0.9999, "the ensemble's direction is the mean of its prompts': cos %.6f", c);
        rse_text_guide_free(g);
    }
    if (t_edit(ens, 2, RSE_TEMPLATES_AUTO, &t_roi, 0.1f, -1, -1, &o, 0)) {
        printf("ablation, ensemble: blueness %.4f with 'flood water' added, %.4f without\n", t_blue(&o, &t_roi),
               t_blue(&t_ref, &t_roi));
        /* measured +1.160 (-0.741 -> 0.419) */
        CHECK(t_blue(&o, &t_roi) > t_blue(&t_ref, &t_roi) + 0.5, "the ensemble's second prompt counts: blueness %.4f vs %.4f",
              t_blue(&o, &t_roi), t_blue(&t_ref, &t_roi));
        rse_image_free(&o);
    }

    /* Templates. "photo" and "image" mean brightness to this CLIP, so the
       "hr" templates ("a photo of {}.", ...) also ask for a brighter
       region; the prompt alone does not. Hack checked: templates ignored
       (always "{}") -> fails (the same brightness). */
    if (t_edit(t_fire, 1, RSE_TEMPLATES_NONE, &t_roi, 0.1f, -1, -1, &o, 0)) {
        printf("ablation, templates: brightness %.4f with, %.4f without\n", t_bright(&t_ref, &t_roi), t_bright(&o, &t_roi));
        /* measured +0.137 (0.387 -> 0.524) */
        CHECK(t_bright(&t_ref, &t_roi) > t_bright(&o, &t_roi) + 0.06, "templates brighten: %.4f vs %.4f without",
              t_bright(&t_ref, &t_roi), t_bright(&o, &t_roi));
        rse_image_free(&o);
    }

    /* Momentum. With the default (0.05) each guided x0 keeps 95% of the
       last one inside the mask, so the steps accumulate; with momentum 1
       (no smoothing) the denoiser undoes most of each step. Hack checked:
       momentum forced to 1 in rse__edit_x0 -> fails, and with it six
       other checks: every effect above is measured at the default
       momentum, at strength 0.1, and is about four times weaker without
       it. */
    if (t_edit(t_fire, 1, RSE_TEMPLATES_AUTO, &t_roi, 0.1f, 1, -1, &o, 0)) {
        printf("ablation, momentum: redness %.4f at the default, %.4f at 1\n", t_red(&t_ref, &t_roi), t_red(&o, &t_roi));
        /* measured +0.503 (0.148 -> 0.651) */
        CHECK(t_red(&t_ref, &t_roi) > t_red(&o, &t_roi) + 0.25, "momentum accumulates the edit: %.4f vs %.4f at momentum 1",
              t_red(&t_ref, &t_roi), t_red(&o, &t_roi));
        rse_image_free(&o);
    }

    /* The final-steps cutoff. Guided steps per scale are exactly the
       scale's steps, less `stop` at the finest (scale 0 is not run: a
       region edit starts at scale 1). And the cutoff shows in the pixels:
       the last 3 steps, guided (--stop 0) or not (the default), give
       regions that differ by a stated amount, and nothing else differs.
       Which way the colour then moves depends on the settings (redder here
       with templates, a little less red without), so the test asks for
       the difference, not its sign. Hack checked: stop ignored in
       rse__edit_x0 -> the count (47 guided steps at the finest scale, not
       44) and the difference (identical outputs) fail, and the clamp
       check above (redness 0.91 at strength 1). */
    for (s = 0; s <= fin; s++) {
        int want = s < 1 ? 0 : s < fin ? t_model->sched.t_start[s] : t_model->sched.t_start[s] - 3;
        CHECK(t_ref_calls[s] == want, "scale %d: %d guided steps, want %d", s, t_ref_calls[s], want);
    }
    if (t_edit(t_fire, 1, RSE_TEMPLATES_AUTO, &t_roi, 0.1f, -1, 0, &o, calls)) {
        double d = t_mean_abs_diff(&o, &t_ref, &t_roi);
        printf("ablation, stop: region mean |diff| %.4f between --stop 3 and 0 (redness %.4f and %.4f)\n", d,
               t_red(&t_ref, &t_roi), t_red(&o, &t_roi));
        CHECK(calls[fin] == t_model->sched.t_start[fin], "--stop 0 guides all %d steps of the finest scale: %d",
              t_model->sched.t_start[fin], calls[fin]);
        /* measured 0.040 (10/255 per value) */
        CHECK(d > 0.02, "guiding the last 3 steps changes the region: mean |diff| %.4f", d);
        CHECK(t_outside_diff(&o, &t_ref, &t_roi, 4) == 0, "... and nothing outside it");
        rse_image_free(&o);
    }
}

int main(void) {
    const char *vpath = RSE_SHARED "/data/clip/bpe_simple_vocab_16e6.txt.gz";
    rse_train_params tp;
    if (!t_have_file(vpath)) {
        SKIP("meaning: the vocabulary %s is absent", vpath);
        return t_report("test_meaning");
    }
    CHECK(rse_clip_load(&t_clip, "tests/fixtures/clip/color_clip.pt", 0) == RSE_STATUS_OK, "color_clip: %s", rse_last_error());
    CHECK(rse_clip_vocab_load(&t_vocab, vpath) == RSE_STATUS_OK, "vocab: %s", rse_last_error());
    if (!t_clip || !t_vocab) return t_report("test_meaning");
    test_fixture();
    t_scene(&t_img);
    rse_train_params_init(&tp, "tiny");
    tp.dim = 16; tp.batch = 4; tp.micro_batch = 4; tp.crop = 40; tp.steps = 200; tp.seed = 3;
    if (rse_sinddm_create(&t_model, &t_img, &tp) != RSE_STATUS_OK || rse_sinddm_train(t_model, 0, 0, 0) != RSE_STATUS_OK) {
        CHECK(0, "model: %s", rse_last_error());
        return t_report("test_meaning");
    }
    CHECK(t_model->pyr.n == 3, "three scales: %d", t_model->pyr.n);
    test_fire_roi();
    test_flood();
    test_ablations();
    rse_image_free(&t_ref);
    rse_image_free(&t_img);
    rse_sinddm_free(t_model);
    rse_clip_free(t_clip);
    rse_clip_vocab_free(t_vocab);
    return t_report("test_meaning");
}
