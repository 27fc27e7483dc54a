/* The whole guided edit (rse_edit) against a PyTorch reference:
   tests/fixtures/edit/ from tools/make_edit_fixtures.py, which implements
   the guided sampler from its specification (sinddm.md sections 3-8, issue
   19) with torch ops and torchvision's transforms. A 123x71 image (pyramid
   73x42, 95x55, 123x71; start steps 100, 10, 6), a dim-8 denoiser and a
   tiny ViT CLIP, both random, imported from reference-format checkpoints;
   six edits from scale 1, so guidance runs at two scales and its mask and
   momentum follow the scale change: text on the whole image (one view, and
   three views), in one region, in two regions (fill 1), a content copy
   alone (the reblurring sampler), and a copy plus a text region. After
   every step where guidance or the copy acted, x0 is compared on a lattice
   of its pixels (every 8th row and column, the offsets moving from step to
   step), and the output on every 4th: within 1e-4 of the largest value.

   Randomness: the reference re-implements rsedit's generator (tensor.h
   section 5) and the view-parameter draw (clip.c rse__view_draw), so both
   sides draw the same diffusion noise, keep-outside noise, template
   subsets and view parameters from the recorded seed; nothing is injected.
   The text side needs no vocabulary: the fixture holds the template
   embeddings, given here to a text guide built around them (t_guide).
   x0 is observed through rse__edit_trace, a hook of rsedit.c that exists
   in RSE_TESTING builds only.

   Two things no implementation can match to 1e-4 are kept out by the
   fixture's design (the script's docstring has the measurements): the
   edit's sensitivity at the default strength 0.2 (the fixture uses 0.1),
   and adjust_hue's jumping gradient in augmented views (the strict modes
   use one view; the three-view mode allows a few samples off, below).
   The thresholded mask (e > q) could flip a pixel where two values of e
   tie at the quantile; the fixture records the gap around q, and the test
   asserts it is far above float32 error. */
#include "test.h"
#include "fixture.h"

#define T_DIR "tests/fixtures/edit/"
#define T_TOL 1e-4

/* ---- the x0 trace ------------------------------------------------------ */

typedef struct {
    const fx_tensor *steps, *x0; /* fixture: rows of 10, the samples */
    int next;                    /* next fixture row to meet          */
    int bad_order;               /* a recorded step met out of order  */
    double err, worst;           /* max abs error, and max relative   */
    size_t over, n;              /* samples off, of all compared      */
    int strict;                  /* one view: no sample may be off    */
    const char *mode;
} t_trace;

/* x[:, oy::sy, ox::sx] of a (3,H,W) array against ref: the largest error,
   the scale (largest |ref|), and how many samples are off by more than
   T_TOL times the scale. */
typedef struct { double err, scale; size_t over, n; } t_cmp;

static t_cmp t_lattice(const float *x, int H, int W, const float *at, const float *ref, size_t count) {
    int oy = (int)at[0], ox = (int)at[1], sy = (int)at[2], sx = (int)at[3], c, y, xx;
    size_t k;
    t_cmp r;
    memset(&r, 0, sizeof r);
    for (k = 0; k < count; k++) if (fabs(ref[k]) > r.scale) r.scale = fabs(ref[k]);
    if (r.scale == 0) r.scale = 1;
    for (c = 0; c < 3; c++)
        for (y = oy; y < H; y += sy)
            for (xx = ox; xx < W; xx += sx) {
                double e = r.n < count ? fabs((double)x[((size_t)c * H + y) * W + xx] - ref[r.n]) : 1e30;
                if (!(e <= r.err)) r.err = e; /* NaN propagates */
                if (!(e <= T_TOL * r.scale)) r.over++;
                r.n++;
            }
    if (r.n != count) r.err = 1e30; /* a lattice of another size: the layouts differ */
    return r;
}

/* Strict modes: every sample within T_TOL. With augmented views, adjust_hue
   (torchvision's, and ours) has a gradient that jumps where two channels
   swap order or the hue crosses a sector edge; float32 and float64 land on
   different sides of such a tie at a few view pixels per step, which moves
   x0 there by up to ~1e-2 (and what follows from it). Then at most
   T_FLIPS of the samples may be off, by at most T_FLIP_ERR: a wrong view
   parameter or formula moves every sample. */
#define T_FLIPS 0.01
#define T_FLIP_ERR 0.05
static int t_ok(const t_cmp *r, int strict) {
    if (strict) return r->over == 0 && r->err <= T_TOL * r->scale;
    return r->over <= T_FLIPS * r->n && r->err <= T_FLIP_ERR;
}

/* rse__edit_trace: x0 after the edit of step (s, t); ctx is the t_trace. */
static void t_on_x0(void *ctx, const rse__edit *e, const float *x0, int s, int t, int H, int W) {
    t_trace *tr = (t_trace *)ctx;
    const float *row;
    t_cmp r;
    (void)e;
    if (tr->next >= tr->steps->shape[0]) return;
    row = tr->steps->data + (size_t)tr->next * 10;
    if ((int)row[0] != s || (int)row[1] != t) return; /* a step the reference left alone */
    if ((int)row[2] != H || (int)row[3] != W) { tr->bad_order = 1; tr->next++; return; }
    r = t_lattice(x0, H, W, row + 4, tr->x0->data + (size_t)row[8], (size_t)row[9]);
    if (getenv("RSE_VERBOSE")) printf("  %s s%d t%d err %.3g over %zu/%zu\n", tr->mode, s, t, r.err, r.over, r.n);
    if (!(r.err <= tr->err)) tr->err = r.err;
    if (!(r.err / r.scale <= tr->worst)) tr->worst = r.err / r.scale;
    tr->over += r.over;
    tr->n += r.n;
    CHECK(t_ok(&r, tr->strict), "%s: x0 at scale %d, t %d: max error %.3g (scale %.3g), %zu of %zu samples off",
          tr->mode, s, t, r.err, r.scale, r.over, r.n);
    tr->next++;
}

/* ---- one mode ------------------------------------------------------------ */

static void t_mode(fx_case *fc, rse_sinddm *m, const rse_image *img, rse_clip *clip, fx_case *setup) {
    fx_tensor *cfg = fx_get(fc, "cfg"), *rois = fx_get(fc, "rois"), *copy = fx_get(fc, "copy");
    fx_tensor *steps = fx_get(fc, "steps"), *x0 = fx_get(fc, "x0"), *fin = fx_get(fc, "final");
    fx_tensor *fin_at = fx_get(fc, "final_at"), *gap = fx_get(fc, "gap");
    rse_edit_params ep;
    rse_text_guide *g = 0;
    rse_roi r[8], to[8];
    rse_image out;
    t_trace tr;
    int k, nrois, ncopy, views;
    rse_status st;
    if (!cfg || !rois || !copy || !steps || !x0 || !fin || !fin_at || !gap || cfg->n != 13 || steps->nd != 2 ||
        steps->shape[1] != 10 || fin_at->n != 4 || gap->n != 2) {
        CHECK(0, "%s: fixture case incomplete", fc->name);
        return;
    }
    views = (int)cfg->data[1];
    nrois = (int)cfg->data[10];
    ncopy = (int)cfg->data[11];
    if (nrois > 8 || ncopy > 8 || (size_t)nrois * 4 > rois->n || (size_t)(1 + ncopy) * 4 > copy->n) {
        CHECK(0, "%s: bad region counts", fc->name);
        return;
    }
    rse_edit_params_init(&ep);
    ep.seed = (uint64_t)cfg->data[0];
    ep.strength = cfg->data[2];
    ep.fill = cfg->data[3];
    ep.momentum = cfg->data[4];
    ep.stop = (int)cfg->data[5];
    ep.feather = cfg->data[6];
    ep.copy_strength = cfg->data[7];
    ep.copy_finest = -1; /* the reference: no paste at the finest scale */
    ep.sampler = cfg->data[12] != 0 ? RSE_SAMPLER_REFERENCE : RSE_SAMPLER_REBLUR;
    /* the reference regenerates the whole image: keeping the input outside
       the changed area is rsedit's default, not the reference's */
    ep.keep_outside = 0;
    ep.start_scale = 1; /* the reference starts every mode at scale 1 */
    if (cfg->data[8] != 0) {
        g = fx_guide(clip, fx_get(setup, "dirs_lr"), fx_get(setup, "dirs_hr"), views);
        CHECK(g != 0, "%s: text guide", fc->name);
        if (!g) return;
        ep.guide = rse_text_guide_grad;
        ep.guide_ctx = g;
        ep.guide_reset = rse_text_guide_reset;
        ep.exact = 1; /* float32 CLIP products, as the reference computes */
    }
    for (k = 0; k < nrois; k++) {
        const float *b = rois->data + 4 * k;
        r[k].x = (int)b[0]; r[k].y = (int)b[1]; r[k].w = (int)b[2]; r[k].h = (int)b[3];
    }
    ep.rois = r;
    ep.nrois = nrois;
    if (cfg->data[9] != 0) {
        ep.copy = 1;
        ep.copy_from.x = (int)copy->data[0]; ep.copy_from.y = (int)copy->data[1];
        ep.copy_from.w = (int)copy->data[2]; ep.copy_from.h = (int)copy->data[3];
        for (k = 0; k < ncopy; k++) {
            const float *b = copy->data + 4 * (k + 1);
            to[k].x = (int)b[0]; to[k].y = (int)b[1]; to[k].w = (int)b[2]; to[k].h = (int)b[3];
        }
        ep.copy_to = to;
        ep.ncopy_to = ncopy;
    }

    memset(&tr, 0, sizeof tr);
    tr.steps = steps;
    tr.x0 = x0;
    tr.mode = fc->name;
    tr.strict = views == 1;
    rse__edit_trace = t_on_x0;
    rse__edit_trace_ctx = &tr;
    st = rse_edit(m, img, &ep, &out, 0, 0);
    rse__edit_trace = 0;
    rse__edit_trace_ctx = 0;
    CHECK(st == RSE_STATUS_OK, "%s: edit: %s", fc->name, rse_last_error());
    CHECK(tr.next == steps->shape[0] && !tr.bad_order, "%s: met %d of the %d recorded steps in order", fc->name,
          tr.next, steps->shape[0]);
    if (st == RSE_STATUS_OK) {
        t_cmp r = t_lattice(out.data, out.h, out.w, fin_at->data, fin->data, fin->n);
        CHECK(out.w == 123 && out.h == 71 && t_ok(&r, tr.strict),
              "%s: output %dx%d, max error %.3g (scale %.3g), %zu of %zu samples off", fc->name, out.w, out.h, r.err,
              r.scale, r.over, r.n);
        printf("%-9s %2d steps: x0 max error %.2g (%.2g relative), output %.2g relative; quantile gap %.2g\n",
               fc->name, tr.next, tr.err, tr.worst, r.err / r.scale, gap->data[0]);
        if (!tr.strict)
            printf("%-9s samples off by more than %g: x0 %zu of %zu, output %zu of %zu\n", "", T_TOL, tr.over, tr.n,
                   r.over, r.n);
        rse_image_free(&out);
    }
    /* no mask pixel can flip: the values of e next to the quantile differ
       by far more than float32 error in the gradient (about 1e-6) */
    CHECK(gap->data[0] >= 1e-4, "%s: quantile gap %.3g too small to rule out a tie", fc->name, gap->data[0]);
    rse_text_guide_free(g);
}

int main(void) {
    fx_cur c;
    fx_case setup, fc;
    rse_image img;
    rse_sinddm *m = 0;
    rse_clip *clip = 0;
    rse_clip_options co;
    unsigned char *buf, *ck;
    size_t n = 0;
    int ncase, i;
    buf = fx_open(T_DIR "ref.bin", &c, &ncase);
    CHECK(buf != 0, "fixture " T_DIR "ref.bin");
    if (!buf) return t_report("edit_ref");
    memset(&setup, 0, sizeof setup);
    CHECK(fx_read_case(&c, &setup) && !strcmp(setup.name, "setup"), "setup case");
    CHECK(rse_image_load(T_DIR "image.ppm", &img) == RSE_STATUS_OK, "image: %s", rse_last_error());
    ck = t_read(T_DIR "sinddm.pt", &n);
    CHECK(ck && rse_sinddm_import_mem(&m, ck, n, &img) == RSE_STATUS_OK, "denoiser: %s", rse_last_error());
    rse_clip_options_init(&co);
    co.vision_heads = 2;
    co.text_heads = 1;
    CHECK(rse_clip_load(&clip, T_DIR "clip.pt", &co) == RSE_STATUS_OK, "CLIP: %s", rse_last_error());
    if (m && clip) {
        fx_tensor *ts = fx_get(&setup, "t_start"), *sz = fx_get(&setup, "sizes");
        int ok = ts && sz && m->pyr.n == 3 && ts->n == 3 && sz->n == 6;
        for (i = 0; ok && i < 3; i++)
            ok = m->sched.t_start[i] == (int)ts->data[i] && m->pyr.w[i] == (int)sz->data[2 * i] &&
                 m->pyr.h[i] == (int)sz->data[2 * i + 1];
        CHECK(ok, "pyramid and start steps as the reference's");
        for (i = 1; ok && i < ncase; i++) {
            memset(&fc, 0, sizeof fc);
            if (!fx_read_case(&c, &fc)) { CHECK(0, "fixture case %d unreadable", i); break; }
            t_mode(&fc, m, &img, clip, &setup);
            fx_free_case(&fc);
        }
    }
    fx_free_case(&setup);
    rse_clip_free(clip);
    rse_sinddm_free(m);
    rse_image_free(&img);
    free(ck);
    free(buf);
    return t_report("edit_ref");
}
