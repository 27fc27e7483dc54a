/* rsedit.c - the one translation unit of rsedit.

   Build the command-line tool:   cc -std=c99 -O2 rsedit.c -lm -lpthread
   Vendor the library:            compile rsedit.c with -DRSE_NO_CLI (or just
                                  -DRSE_NO_MAIN) and include rsedit.h;
                                  rsedit.h lists the other switches

   This file includes, in order: tensor.h (numerics and autograd), sinddm.c
   (the single-image diffusion model), clip.c (CLIP checkpoints, tokenizer and
   towers). It then reads like the method and outward from it:
     1. editing: the paper's text guidance, ROI copy and keep-outside on top
        of sinddm.c's sampler, and windows of large images
     2. the import of reference SinDDM checkpoints (glue between sinddm.c and
        clip.c's checkpoint reader)
     3. image codecs, from memory: PPM/PGM and BMP readers, PPM/PGM, BMP and
        PNG writers, format detection
     4. the thin file layer (absent under RSE_NO_STDIO)
     5. the command line: the demo scene, the commands, main()
   Under RSE_NO_CLIP, clip.c, the import and the text guidance are left out;
   under RSE_NO_CLI, the demo scene and the command line.
*/

/* pthreads and rename()/getpid() need POSIX declarations under -std=c99. */
#if !defined(_POSIX_C_SOURCE) && !defined(_WIN32)
#define _POSIX_C_SOURCE 200809L
#endif

#ifdef RSE_TESTING
#ifndef RSE_NO_MAIN
#define RSE_NO_MAIN
#endif
#endif

#include "rsedit.h" /* RSE_NO_CLIP implies RSE_NO_CLI there */

/* main() only calls the command line. */
#if defined(RSE_NO_CLI) && !defined(RSE_NO_MAIN)
#define RSE_NO_MAIN
#endif

#include "tensor.h"
#include "sinddm.c"
#ifndef RSE_NO_CLIP
#include "clip.c"
#endif

/* ===========================================================================
   Editing
   The paper's method on top of the sampler: the user's image is taken to its
   pyramid, noised at a start scale, and denoised upward while guidance acts
   on every estimate x0 of the clean image (sinddm.c's hooks):

     text guidance   x0 moves along the gradient of the CLIP score of its
                     views, inside a mask (thresholded gradient, or the ROI),
                     with momentum, until the last few steps
     ROI copy        x0 inside each target box is blended with the source
                     region of the same scale (all scales but the finest)
     keep outside    after every step, outside the mask, x_{t-1} is replaced
                     by the original image of that scale noised to t-1

   Each piece is a small function on plain (3,H,W) float arrays, tested
   alone; rse__edit_x0 and rse__edit_xt only dispatch to them.
   ========================================================================= */

/* ---- geometry ----------------------------------------------------------- */

/* Parses an unsigned decimal of at most 9 digits; returns the end or NULL. */
RSE__FN const char *rse__parse_uint(const char *s, int *v) {
    int n = 0, d = 0;
    while (*s >= '0' && *s <= '9') {
        if (++d > 9) return 0;
        n = n * 10 + (*s++ - '0');
    }
    if (!d) return 0;
    *v = n;
    return s;
}

/* "WxH+X+Y" (the X11 geometry form GIMP and ImageMagick print), W,H >= 1. */
RSEDEF rse_status rse_roi_parse(const char *str, rse_roi *r) {
    const char *s = str;
    if (!s || !(s = rse__parse_uint(s, &r->w)) || (*s != 'x' && *s != 'X') ||
        !(s = rse__parse_uint(s + 1, &r->h)) || *s != '+' ||
        !(s = rse__parse_uint(s + 1, &r->x)) || *s != '+' ||
        !(s = rse__parse_uint(s + 1, &r->y)) || *s)
        return rse__fail(RSE_STATUS_BAD_ARG, "bad region '%s': expected WxH+X+Y, e.g. 64x48+100+20", str ? str : "");
    if (r->w < 1 || r->h < 1)
        return rse__fail(RSE_STATUS_BAD_ARG, "bad region '%s': width and height must be at least 1", str);
    return RSE_STATUS_OK;
}

/* A region must lie inside a W x H image. */
RSE__FN rse_status rse__roi_check(const rse_roi *r, int W, int H, const char *what) {
    if (r->x < 0 || r->y < 0 || r->w < 1 || r->h < 1 || r->x > W - r->w || r->y > H - r->h)
        return rse__fail(RSE_STATUS_BAD_ARG, "%s %dx%d+%d+%d lies outside the %dx%d image", what,
                         r->w, r->h, r->x, r->y, W, H);
    return RSE_STATUS_OK;
}

/* The reference scales box coordinates to scale s by int(v / sf^(N-1-s)),
   each of x, y, w, h separately (trainer.py roi sampling). A box that
   shrinks to nothing keeps one pixel. */
RSE__FN rse_roi rse__roi_at_scale(const rse_roi *r, double f) {
    rse_roi o;
    o.x = (int)(r->x / f); o.y = (int)(r->y / f);
    o.w = (int)(r->w / f); o.h = (int)(r->h / f);
    if (o.w < 1) o.w = 1;
    if (o.h < 1) o.h = 1;
    return o;
}

/* Rasterises regions into a (H,W) mask: 1 inside any box, falling linearly
   to 0 at `feather` pixels from the nearest box (Euclidean distance from the
   pixel centre), 0 beyond. So every pixel at least `feather` away from all
   boxes is exactly 0: the original there is kept exactly. */
RSE__FN void rse__mask_from_rois(float *m, int W, int H, const rse_roi *r, int n, float feather) {
    int x, y, k;
    for (y = 0; y < H; y++)
        for (x = 0; x < W; x++) {
            float best = 0;
            for (k = 0; k < n; k++) {
                float dx = 0, dy = 0, d, v;
                float cx = (float)x + 0.5f, cy = (float)y + 0.5f;
                if (cx < r[k].x) dx = r[k].x - cx; else if (cx > r[k].x + r[k].w) dx = cx - (r[k].x + r[k].w);
                if (cy < r[k].y) dy = r[k].y - cy; else if (cy > r[k].y + r[k].h) dy = cy - (r[k].y + r[k].h);
                d = sqrtf(dx * dx + dy * dy);
                v = d == 0 ? 1.0f : feather > 0 ? 1.0f - d / feather : 0.0f;
                if (v > best) best = v;
            }
            m[(size_t)y * W + x] = best < 0 ? 0 : best;
        }
}

/* ---- prompt files --------------------------------------------------------
   One prompt per line; '#' starts a comment line; blank lines and leading
   and trailing white space are ignored. The prompts are copied into one
   NUL-separated block; *out receives pointers into it (free both with
   RSE_FREE(list[0]) then RSE_FREE(list)... see rse_prompts_free). */

#define RSE_MAX_PROMPTS 1024
#define RSE_MAX_PROMPT_LEN 1024

RSEDEF rse_status rse_prompts_parse(const char *buf, size_t len, char ***out, int *count) {
    char *block, **list;
    size_t i = 0, o = 0;
    int n = 0, line = 0;
    *out = 0;
    *count = 0;
    if (len > (size_t)RSE_MAX_PROMPTS * (RSE_MAX_PROMPT_LEN + 1) * 4)
        return rse__fail(RSE_STATUS_LIMIT, "prompt file too large (%zu bytes)", len);
    block = (char *)RSE_MALLOC(len + 1);
    list = (char **)RSE_MALLOC(RSE_MAX_PROMPTS * sizeof(char *));
    if (!block || !list) { RSE_FREE(block); RSE_FREE(list); return rse__fail(RSE_STATUS_NOMEM, "out of memory"); }
    while (i < len) {
        size_t a = i, b;
        line++;
        while (i < len && buf[i] != '\n') i++;
        b = i;
        if (i < len) i++;
        while (a < b && (buf[a] == ' ' || buf[a] == '\t' || buf[a] == '\r')) a++;
        while (b > a && (buf[b - 1] == ' ' || buf[b - 1] == '\t' || buf[b - 1] == '\r')) b--;
        if (a == b || buf[a] == '#') continue;
        if (memchr(buf + a, 0, b - a)) {
            RSE_FREE(block); RSE_FREE(list);
            return rse__fail(RSE_STATUS_BAD_FORMAT, "line %d: NUL byte in a prompt", line);
        }
        if (b - a > RSE_MAX_PROMPT_LEN) {
            RSE_FREE(block); RSE_FREE(list);
            return rse__fail(RSE_STATUS_LIMIT, "line %d: prompt longer than %d bytes", line, RSE_MAX_PROMPT_LEN);
        }
        if (n == RSE_MAX_PROMPTS) {
            RSE_FREE(block); RSE_FREE(list);
            return rse__fail(RSE_STATUS_LIMIT, "more than %d prompts", RSE_MAX_PROMPTS);
        }
        memcpy(block + o, buf + a, b - a);
        list[n++] = block + o;
        o += b - a;
        block[o++] = 0;
    }
    if (!n) {
        RSE_FREE(block); RSE_FREE(list);
        return rse__fail(RSE_STATUS_BAD_FORMAT, "no prompt in the file (only blank or # lines)");
    }
    if (o == 0) block[0] = 0;
    *out = list;
    *count = n;
    return RSE_STATUS_OK;
}

RSEDEF void rse_prompts_free(char **list) {
    if (!list) return;
    RSE_FREE(list[0]);
    RSE_FREE(list);
}

/* ---- the guidance step (sinddm.md 7.3, the paper's eqs. 11-13) ------------
   Given the gradient g of the score w.r.t. x0 (3,H,W):
     first guided step: e = |g| over channels per pixel,
       q = quantile(e, 1 - fill) ('nearest', as torch.quantile), mask = e > q,
       g = max(e - q, 0) g / e   (soft threshold; 0/0 -> 0)
     k  = |x0 . M| / |g . M|                    (norms over C,H,W)
     x0 = clamp(x0 + strength k g . M, -1, 1)
   so the update's norm is `strength` times the norm of x0 inside the mask.
   With a region R (the paper's ROI prompt) the gradient outside R is zeroed
   first, the quantile is taken over the pixels inside R only (so --fill is
   the fraction of the region allowed to change), and M = R (e > q); fill 1
   takes the whole region (the plain quantile would leave out its weakest
   pixel). R may be fractional at its edges on coarse scales (a bilinearly
   shrunk box); M keeps those weights. */

RSE__FN int rse__cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* torch.quantile(v, q, interpolation='nearest'): the sorted value at index
   round(q (n-1)), the rank computed in float32 and rounded half to even. */
RSE__FN float rse__quantile_nearest(float *v, size_t n, float q) {
    float rank = q * (float)(n - 1);
    long idx = (long)rintf(rank);
    qsort(v, n, sizeof(float), rse__cmp_float);
    if (idx < 0) idx = 0;
    if ((size_t)idx >= n) idx = (long)n - 1;
    return v[idx];
}

/* g *= R at every pixel (the gradient outside a region is zero). */
RSE__FN void rse__guide_confine(float *g, const float *region, int H, int W) {
    size_t P = (size_t)H * W, p;
    for (p = 0; p < P; p++) {
        float r = region[p];
        g[p] *= r; g[P + p] *= r; g[2 * P + p] *= r;
    }
}

/* Builds the mask from g (first guided step) and soft-thresholds g in place.
   region: NULL for the whole image, else R (H,W) and g already confined to
   it. scratch: H*W floats. */
RSE__FN void rse__guide_threshold(float *g, float *mask, float *scratch, const float *region, int H, int W, float fill) {
    size_t P = (size_t)H * W, p, n = 0;
    float q;
    if (region && fill >= 1.0f) { /* the whole region, g as it is */
        memcpy(mask, region, P * sizeof(float));
        return;
    }
    for (p = 0; p < P; p++) {
        float a = g[p], b = g[P + p], c = g[2 * P + p];
        mask[p] = sqrtf(a * a + b * b + c * c); /* e, for now */
        if (!region || region[p] > 0) scratch[n++] = mask[p];
    }
    if (!n) { /* a region with no pixel at this scale: nothing may change */
        memset(mask, 0, P * sizeof(float));
        return;
    }
    q = rse__quantile_nearest(scratch, n, 1.0f - fill);
    for (p = 0; p < P; p++) {
        float e = mask[p], k = e > q ? (e - q) / e : 0.0f;
        g[p] *= k; g[P + p] *= k; g[2 * P + p] *= k;
        mask[p] = e - q > 0 ? (region ? region[p] : 1.0f) : 0.0f;
    }
}

/* Mean over the (2r+1)-wide window along rows, then columns, of a (H,W)
   map, in place; the window is cut at the border (the mean is over the
   pixels inside). tmp: H*W floats. */
RSE__FN void rse__box_blur(float *m, float *tmp, int H, int W, int r) {
    int x, y, k;
    for (y = 0; y < H; y++)
        for (x = 0; x < W; x++) {
            float a = 0;
            int lo = x - r < 0 ? 0 : x - r, hi = x + r > W - 1 ? W - 1 : x + r;
            for (k = lo; k <= hi; k++) a += m[(size_t)y * W + k];
            tmp[(size_t)y * W + x] = a / (float)(hi - lo + 1);
        }
    for (y = 0; y < H; y++) {
        int lo = y - r < 0 ? 0 : y - r, hi = y + r > H - 1 ? H - 1 : y + r;
        for (x = 0; x < W; x++) {
            float a = 0;
            for (k = lo; k <= hi; k++) a += tmp[(size_t)k * W + x];
            m[(size_t)y * W + x] = a / (float)(hi - lo + 1);
        }
    }
}

/* Distance (in pixels, chamfer 1 / sqrt 2: within 8% of Euclidean) from
   every pixel of a (H,W) map to the nearest pixel where b > 0, into d;
   two passes, forward and back, as Rosenfeld and Pfaltz. */
RSE__FN void rse__chamfer(float *d, const float *b, int H, int W) {
    const float big = 1e30f, dg = 1.41421356f;
    int x, y;
    for (y = 0; y < H; y++)
        for (x = 0; x < W; x++) {
            float v = b[(size_t)y * W + x] > 0 ? 0.0f : big, *p = &d[(size_t)y * W + x];
            if (x > 0 && p[-1] + 1 < v) v = p[-1] + 1;
            if (y > 0) {
                const float *u = p - W;
                if (u[0] + 1 < v) v = u[0] + 1;
                if (x > 0 && u[-1] + dg < v) v = u[-1] + dg;
                if (x < W - 1 && u[1] + dg < v) v = u[1] + dg;
            }
            *p = v;
        }
    for (y = H - 1; y >= 0; y--)
        for (x = W - 1; x >= 0; x--) {
            float *p = &d[(size_t)y * W + x], v = *p;
            if (x < W - 1 && p[1] + 1 < v) v = p[1] + 1;
            if (y < H - 1) {
                const float *u = p + W;
                if (u[0] + 1 < v) v = u[0] + 1;
                if (x < W - 1 && u[1] + dg < v) v = u[1] + dg;
                if (x > 0 && u[-1] + dg < v) v = u[-1] + dg;
            }
            *p = v;
        }
}

/* The keep mask K (H,W) of a whole-image text edit (--keep-outside, issue
   20): where the edit may differ from the input. The guidance mask M of
   the paper is the top `fill` of the gradient's per-pixel energy: single
   pixels scattered over everything the text touches, which would make a
   speckle of kept and regenerated pixels. So the energy is first averaged
   over a window of radius r (areas, not pixels, decide), the top `fill`
   of that becomes the area B that changes (B = energy > the quantile;
   where the energy is flat from the quantile to its maximum, to 1e-4, B
   is all of that flat top: a text with no spatial preference changes all
   of the image), and B is feathered outward:
   K = max(0, 1 - dist(p, B) / f) is 1 on B and falls to 0 at f pixels
   from it; beyond, the input is kept exactly. tmp: 2*H*W floats. */
RSE__FN void rse__keep_mask(float *K, float *tmp, const float *g, int H, int W, float fill, int r, int f) {
    size_t P = (size_t)H * W, p;
    float q, top = 0;
    for (p = 0; p < P; p++) K[p] = sqrtf(g[p] * g[p] + g[P + p] * g[P + p] + g[2 * P + p] * g[2 * P + p]);
    if (r > 0) rse__box_blur(K, tmp, H, W, r);
    memcpy(tmp, K, P * sizeof(float));
    q = rse__quantile_nearest(tmp, P, 1.0f - fill);
    for (p = 0; p < P; p++) top = K[p] > top ? K[p] : top;
    if (top <= q * (1 + 1e-4f)) q *= 1 - 2e-4f; /* flat at the top (to float rounding): take all of it */
    for (p = 0; p < P; p++) K[p] = K[p] > q ? 1.0f : 0.0f;
    if (f > 0) {
        rse__chamfer(tmp, K, H, W);
        for (p = 0; p < P; p++) K[p] = tmp[p] >= (float)f ? 0.0f : 1.0f - tmp[p] / (float)f;
    }
}

/* x0 += strength * (|x0 M| / |g M|) * g M, clamped. */
RSE__FN void rse__guide_apply(float *x0, const float *g, const float *mask, int H, int W, float strength) {
    size_t P = (size_t)H * W, p;
    double nx = 0, ng = 0;
    int c;
    float k;
    for (c = 0; c < 3; c++)
        for (p = 0; p < P; p++) {
            double a = x0[c * P + p] * mask[p], b = g[c * P + p] * mask[p];
            nx += a * a;
            ng += b * b;
        }
    if (ng <= 0) return; /* no gradient inside the mask: nothing to do */
    k = (float)(sqrt(nx) / sqrt(ng));
    for (c = 0; c < 3; c++)
        for (p = 0; p < P; p++)
            x0[c * P + p] = rse__clamp1(x0[c * P + p] + strength * k * g[c * P + p] * mask[p]);
}

/* Momentum inside the mask: x0 = (1-M) x0 + M ((1-lambda) x0_prev + lambda x0). */
RSE__FN void rse__guide_momentum(float *x0, const float *prev, const float *mask, int H, int W, float lambda) {
    size_t P = (size_t)H * W, p;
    int c;
    for (c = 0; c < 3; c++)
        for (p = 0; p < P; p++) {
            float m = mask[p], v = x0[c * P + p];
            x0[c * P + p] = (1 - m) * v + m * ((1 - lambda) * prev[c * P + p] + lambda * v);
        }
}

/* ---- ROI content copy (sinddm.md section 8) ------------------------------
   x0[target] = eta P + (1 - eta) x0[target], P the source region of the same
   scale resized to the target with torch's 'nearest' (src = floor(dst *
   in/out), in float32). */
RSE__FN void rse__copy_apply(float *x0, int H, int W, const float *src_img, int sH, int sW,
                             const rse_roi *from, const rse_roi *to, float eta) {
    int c, y, x;
    float sy = (float)from->h / (float)to->h, sx = (float)from->w / (float)to->w;
    for (c = 0; c < 3; c++)
        for (y = 0; y < to->h; y++) {
            int ty = to->y + y, fy = (int)floorf((float)y * sy);
            if (ty >= H) break;
            if (fy > from->h - 1) fy = from->h - 1;
            for (x = 0; x < to->w; x++) {
                int tx = to->x + x, fx = (int)floorf((float)x * sx);
                float *d;
                if (tx >= W) break;
                if (fx > from->w - 1) fx = from->w - 1;
                if (from->y + fy >= sH || from->x + fx >= sW) continue;
                d = &x0[((size_t)c * H + ty) * W + tx];
                *d = eta * src_img[((size_t)c * sH + from->y + fy) * sW + from->x + fx] + (1 - eta) * *d;
            }
        }
}

/* ---- keep outside -------------------------------------------------------
   x = M x + (1 - M) q(orig, t_next) (or orig itself after the last step):
   outside the mask the sample is the original noised to the same level, so
   the region edited inside blends into a context that denoises back
   exactly to the original. With the reblurring sampler the state at t is
   the noised MIX of the blurry upsampled scale below and the image, so
   the original is mixed the same way before it is noised: q = sqrt(abar)
   clamp(g up + (1 - g) orig) + sqrt(1 - abar) z, with up the original's
   scale below upsampled (up NULL: DDPM, q = sqrt(abar) orig + ...). */
RSE__FN void rse__keep_outside(float *x, const float *orig, const float *up, float g, const float *mask, const float *z,
                               int H, int W, const rse__sched *sc, int t_next) {
    size_t P = (size_t)H * W, p;
    float sa = t_next >= 0 ? sc->f.sqrt_ac[t_next] : 1.0f, sn = t_next >= 0 ? sc->f.sqrt_1m_ac[t_next] : 0.0f;
    int c;
    for (c = 0; c < 3; c++)
        for (p = 0; p < P; p++) {
            size_t i = c * P + p;
            float m = mask[p], v = orig[i], o;
            if (up && t_next >= 0) v = rse__clamp1(g * up[i] + (1 - g) * v);
            o = sa * v + (t_next >= 0 ? sn * z[i] : 0.0f);
            x[i] = m * x[i] + (1 - m) * o;
        }
}

/* ---- text guidance: CLIP through differentiable views ---------------------
   The score of x0 for a text is the reference's CLIP loss with the sign
   flipped (sinddm.md 7.2):

       score = -1.2 (1 - mean_v mean_k cos(E_img(view_v((x0+1)/2)), E_txt_k))

   over V views and a random subset k of the template embeddings (drawn
   afresh at every step, with replacement, as the reference does). For unit
   text embeddings mean_k cos(e, d_k) = |d| cos(e, d/|d|) with d = mean_k d_k,
   so one backward pass through the image tower with the direction d gives
   the reference's gradient up to the factor |d|, which the guidance step
   removes (its step size is relative). A prompt file is an ensemble: each
   template's embedding is the renormalised mean over the prompts.

   Templates (the reference's text2live lists): "hr" at scales > 0 and "lr"
   at scale 0 by default, or one list always, or none (the text alone).
   Absent under RSE_NO_CLIP; the edit run below only sees a rse_guide_fn. */
#ifndef RSE_NO_CLIP

static const char *const rse__tmpl_hr[] = {
    "photo of {}.", "high quality photo of {}.", "a photo of {}.", "the photo of {}.",
    "image of {}.", "an image of {}.", "high quality image of {}.", "a high quality image of {}.",
    "the {}.", "a {}.", "{}.", "{}", "{}!", "{}..." };
static const char *const rse__tmpl_lr[] = {
    "photo of {}.", "low quality photo of {}.", "low resolution photo of {}.", "low-res photo of {}.",
    "blurry photo of {}.", "pixelated photo of {}.", "a photo of {}.", "the photo of {}.",
    "image of {}.", "an image of {}.", "low quality image of {}.", "a low quality image of {}.",
    "low resolution image of {}.", "a low resolution image of {}.", "low-res image of {}.",
    "a low-res image of {}.", "blurry image of {}.", "a blurry image of {}.", "pixelated image of {}.",
    "a pixelated image of {}.", "the {}.", "a {}.", "{}.", "{}", "{}!", "{}..." };
static const char *const rse__tmpl_none[] = { "{}" };

struct rse_text_guide {
    rse_clip *clip;
    int dim, views, templates;
    float *dir[2];          /* [0] scale-0 list, [1] finer scales: K x dim, unit rows */
    int ndir[2];
    float *text;            /* the plain prompts' mean embedding, unit (the score) */
    rse__rng rng;
    uint64_t seed;
    rse__arena arena, scratch;
    float *buf;             /* dim (direction) + views (cos) floats       */
    int exact;              /* 1: the CLIP gradient in float alone (rse_edit
                               sets it from rse_edit_params.exact)        */
};

/* "{}" in a template replaced by the prompt, into dst (cap bytes). */
RSE__FN void rse__tmpl_fill(char *dst, size_t cap, const char *tmpl, const char *prompt) {
    const char *hole = strstr(tmpl, "{}");
    size_t a = (size_t)(hole - tmpl);
    rse__fmt(dst, cap, "%s", tmpl);
    if (a < cap) rse__fmt(dst + a, cap - a, "%s%s", prompt, hole + 2);
}

/* Mean over prompts of the unit embeddings of fill(tmpl, prompt), unit. */
RSE__FN rse_status rse__text_embed_mean(rse_clip *clip, const rse_clip_vocab *vocab, const char *tmpl,
                                       const char *const *prompts, int np, int dim, float *out, float *tmp) {
    int p, i;
    double norm = 0;
    memset(out, 0, (size_t)dim * sizeof(float));
    for (p = 0; p < np; p++) {
        char text[RSE_MAX_PROMPT_LEN + 64];
        int32_t ids[RSE_CLIP_CONTEXT];
        double nn = 0;
        rse_status st;
        rse__tmpl_fill(text, sizeof text, tmpl, prompts[p]);
        if ((st = rse__clip_tokenize_prompt(vocab, text, ids)) != RSE_STATUS_OK ||
            (st = rse_clip_encode_text(clip, ids, 1, tmp)) != RSE_STATUS_OK)
            return st;
        for (i = 0; i < dim; i++) nn += (double)tmp[i] * tmp[i];
        nn = nn > 0 ? 1.0 / sqrt(nn) : 0;
        for (i = 0; i < dim; i++) out[i] += (float)(tmp[i] * nn);
    }
    for (i = 0; i < dim; i++) norm += (double)out[i] * out[i];
    norm = norm > 0 ? 1.0 / sqrt(norm) : 0;
    for (i = 0; i < dim; i++) out[i] = (float)(out[i] * norm);
    return RSE_STATUS_OK;
}

RSEDEF void rse_text_guide_free(rse_text_guide *g) {
    if (!g) return;
    RSE_FREE(g->buf);
    rse__arena_free(&g->arena);
    rse__arena_free(&g->scratch);
    RSE_FREE(g);
}

/* A guide with room for nl[0] scale-0 and nl[1] finer-scale template
   directions (filled by the caller) and the score's text. */
RSE__FN rse_status rse__text_guide_alloc(rse_text_guide **out, rse_clip *clip, const int nl[2], int templates, int views) {
    rse_text_guide *g;
    rse_clip_info info;
    rse_clip_get_info(clip, &info);
    *out = 0;
    g = (rse_text_guide *)RSE_MALLOC(sizeof *g);
    if (!g) return rse__fail(RSE_STATUS_NOMEM, "out of memory");
    memset(g, 0, sizeof *g);
    rse__arena_init(&g->arena, 0, 0);
    rse__arena_init(&g->scratch, 0, 0);
    g->clip = clip;
    g->dim = info.embed_dim;
    g->views = views;
    g->templates = templates;
    g->buf = (float *)RSE_MALLOC(((size_t)(nl[0] + nl[1] + 2) * g->dim + 64 + (size_t)g->dim) * sizeof(float));
    if (!g->buf) { rse_text_guide_free(g); return rse__fail(RSE_STATUS_NOMEM, "out of memory"); }
    g->dir[0] = g->buf;
    g->dir[1] = g->dir[0] + (size_t)nl[0] * g->dim;
    g->text = g->dir[1] + (size_t)nl[1] * g->dim;
    g->ndir[0] = nl[0];
    g->ndir[1] = nl[1];
    *out = g;
    return RSE_STATUS_OK;
}

RSEDEF rse_status rse_text_guide_create(rse_text_guide **out, rse_clip *clip, const rse_clip_vocab *vocab,
                                        const char *const *prompts, int nprompts, int templates, int views) {
    rse_text_guide *g;
    rse_status st = RSE_STATUS_OK;
    const char *const *lists[2];
    int nl[2], set, k;
    *out = 0;
    if (!clip || !vocab) return rse__fail(RSE_STATUS_BAD_ARG, "text guidance needs a CLIP model (--clip) and its vocabulary (--vocab)");
    if (!prompts || nprompts < 1) return rse__fail(RSE_STATUS_BAD_ARG, "text guidance needs a text or a prompt file");
    if (views < 1 || views > 64) return rse__fail(RSE_STATUS_BAD_ARG, "--views must be in 1..64, got %d", views);
    if (templates < RSE_TEMPLATES_AUTO || templates > RSE_TEMPLATES_NONE)
        return rse__fail(RSE_STATUS_BAD_ARG, "unknown template choice %d", templates);
    lists[0] = templates == RSE_TEMPLATES_HR ? rse__tmpl_hr : templates == RSE_TEMPLATES_NONE ? rse__tmpl_none : rse__tmpl_lr;
    nl[0] = templates == RSE_TEMPLATES_HR ? 14 : templates == RSE_TEMPLATES_NONE ? 1 : 26;
    lists[1] = templates == RSE_TEMPLATES_LR ? rse__tmpl_lr : templates == RSE_TEMPLATES_NONE ? rse__tmpl_none : rse__tmpl_hr;
    nl[1] = templates == RSE_TEMPLATES_LR ? 26 : templates == RSE_TEMPLATES_NONE ? 1 : 14;
    if ((st = rse__text_guide_alloc(&g, clip, nl, templates, views)) != RSE_STATUS_OK) return st;
    for (set = 0; set < 2 && st == RSE_STATUS_OK; set++) {
        for (k = 0; k < nl[set] && st == RSE_STATUS_OK; k++)
            st = rse__text_embed_mean(clip, vocab, lists[set][k], prompts, nprompts, g->dim,
                                      g->dir[set] + (size_t)k * g->dim, g->text + g->dim);
    }
    if (st == RSE_STATUS_OK)
        st = rse__text_embed_mean(clip, vocab, "{}", prompts, nprompts, g->dim, g->text, g->text + g->dim);
    if (st != RSE_STATUS_OK) { rse_text_guide_free(g); return st; }
    *out = g;
    return RSE_STATUS_OK;
}

/* The guidance streams start again for edit `index` of a run. */
RSEDEF void rse_text_guide_reset(void *ctx, uint64_t seed, uint64_t index) {
    rse_text_guide *g = (rse_text_guide *)ctx;
    rse__rng_seed_stream(&g->rng, seed ^ UINT64_C(0x7e47c11b), index);
}

/* The CLIP gradient's flags for guide g: bfloat16 products (clip.c,
   RSE__GRAD_BF16) where the CPU runs their kernel, unless the edit asks
   for float (exact); the emulation would be slower than float. */
RSE__FN int rse__text_guide_flags(const rse_text_guide *g) {
    return RSE__GRAD_NORMALISE | (!g->exact && rse__bf16_native() ? RSE__GRAD_BF16 : 0);
}

/* rse_guide_fn for text: d score / d x0 through views and the image tower. */
RSEDEF rse_status rse_text_guide_grad(void *ctx, const float *x0, int H, int W, int s, int nscales,
                                      float *grad, double *score) {
    rse_text_guide *g = (rse_text_guide *)ctx;
    int set = s > 0 ? 1 : 0, K = g->ndir[set], n, j, v, sh[4], vh, vw, lo, hi;
    float *d = g->text + g->dim, *cosv;
    rse__tape t;
    rse__tensor *x, *views;
    size_t P3 = 3 * (size_t)H * W, i, nv;
    float *dy;
    rse_status st;
    double mc = 0;
    (void)nscales;
    /* the random template subset: n ~ U{1..K}, then n indices with
       replacement; d = their mean */
    n = 1 + (int)rse__rng_below(&g->rng, (uint32_t)K);
    memset(d, 0, (size_t)g->dim * sizeof(float));
    for (j = 0; j < n; j++) {
        const float *row = g->dir[set] + (size_t)rse__rng_below(&g->rng, (uint32_t)K) * g->dim;
        for (v = 0; v < g->dim; v++) d[v] += row[v] / (float)n;
    }
    rse__arena_reset(&g->arena);
    rse__tape_init(&t, &g->arena, &g->scratch);
    sh[0] = 1; sh[1] = 3; sh[2] = H; sh[3] = W;
    x = rse__tensor_new(&t, 4, sh);
    if (!x) return t.status;
    for (i = 0; i < P3; i++) x->data[i] = (x0[i] + 1.0f) * 0.5f;
    x->requires_grad = 1;
    /* x's gradient exists before the first batch, so that every batch adds
       into it (a first op would otherwise store its values: the same bits,
       up to the sign of a zero). */
    if (!rse__grad(&t, x)) return t.status;
    rse__view_size(H, W, &vh, &vw);
    nv = 3 * (size_t)vh * vw; /* one view; (V,3,224,224) at most 64 x 1.5 MB */
    dy = (float *)rse__arena_alloc(&g->arena, (nv * (size_t)g->views + (size_t)g->views) * sizeof(float));
    if (!dy) return RSE_STATUS_NOMEM;
    cosv = dy + nv * (size_t)g->views;
    /* The views in batches, as many as the CLIP gradient runs at once (issue
       25: all 16 of them and their CLIP activations held 1.4 GB), each made,
       run through CLIP and back to x, then released. The batches go from the
       last view down: the full tape's backward also met the views last
       first, so x's gradient sums them in the same order (exactly the same
       result; tests/test_clip_model.c, test_grad_batches). */
    for (hi = g->views; hi > 0; hi = lo) {
        rse_arena_mark mk = rse__arena_get_mark(&g->arena);
        int k = rse__clip_grad_batch_views(g->clip, vh, vw, hi);
        lo = hi - k;
        if ((st = rse__clip_views_range(&t, x, lo, hi, g->views, &g->rng, &views)) != RSE_STATUS_OK) return st;
        st = rse__clip_image_grad(g->clip, views->data, k, vh, vw, rse__text_guide_flags(g), d, cosv + lo,
                                  dy + nv * (size_t)lo);
        if (st != RSE_STATUS_OK) return st;
        /* score = -1.2 (1 - mean_v cos): d score / d view_v = (1.2 / V) d cos_v */
        for (i = nv * (size_t)lo; i < nv * (size_t)hi; i++) dy[i] *= 1.2f / (float)g->views;
        if ((st = rse__backward_seed(&t, views, dy + nv * (size_t)lo)) != RSE_STATUS_OK) return st;
        rse__tape_clear(&t);
        rse__arena_release(&g->arena, mk);
    }
    g->rng.pos += (uint64_t)RSE__VIEW_DRAWS * (uint64_t)g->views;
    /* x = (x0 + 1) / 2 */
    for (i = 0; i < P3; i++) grad[i] = 0.5f * x->grad[i];
    for (v = 0; v < g->views; v++) mc += cosv[v];
    *score = -1.2 * (1.0 - mc / g->views);
    return RSE_STATUS_OK;
}

/* The CLIP score of an image for the guide's text(s), as the paper reports
   it: 100 max(cos, 0) with CLIP's own preprocessing. */
RSEDEF rse_status rse_text_guide_score(rse_text_guide *g, const rse_image *img, double *score) {
    rse_clip_info info;
    float *x, *e;
    rse_status st;
    rse_clip_get_info(g->clip, &info);
    x = (float *)RSE_MALLOC((3 * (size_t)info.image_size * info.image_size + (size_t)g->dim) * sizeof(float));
    if (!x) return rse__fail(RSE_STATUS_NOMEM, "out of memory");
    e = x + 3 * (size_t)info.image_size * info.image_size;
    st = rse_clip_preprocess(img, info.image_size, x);
    if (st == RSE_STATUS_OK) st = rse_clip_encode_image(g->clip, x, 1, info.image_size, info.image_size, e);
    if (st == RSE_STATUS_OK) *score = rse_clip_score(e, g->text, g->dim);
    RSE_FREE(x);
    return st;
}

#endif /* RSE_NO_CLIP */

/* ---- the edit run ---------------------------------------------------------- */

RSEDEF void rse_edit_params_init(rse_edit_params *p) {
    memset(p, 0, sizeof *p);
    p->strength = 0.2f;
    p->fill = 0.2f;
    p->momentum = 0.05f; /* the paper's value (Section III-B); SinDDM's clip_content used 0.2 */
    p->stop = 3;
    p->feather = 8.0f;
    p->copy_strength = 0.8f;
    p->copy_finest = 8; /* measured: BENCH.md, "copies pasted at the finest scale" (the reference: -1) */
    p->start_scale = -1;
    p->keep_outside = 1;
    p->count = 1;
    p->pixel_iters = 100; /* main.py clip_roi: num_clip_iters */
}

/* Does the edit keep the input outside the area its text changes? A
   whole-image text edit of the user's image with keep_outside and fill
   below 1 (regions, masks and copies have their own regions). */
RSE__FN int rse__edit_keeps(const rse_edit_params *p) {
    return p->guide && p->keep_outside && !p->nrois && !p->mask && !p->copy && !p->from_noise && !p->style &&
           p->fill < 1.0f;
}

/* The state of one edit run. Two masks, both (H,W) at the current scale:
     region  F: where the sample may differ from the original (ROIs, a mask
                image or copy targets, feathered; for a whole-image text
                edit with keep_outside, the keep mask made at its first
                guided step); outside it the noised original is blended
                back after every step.
     guide   R: where text guidance may act (the hard ROI boxes, the mask
                image, or for a copy + text without --roi the copy targets);
                NULL for a whole-image edit.
   gmask (the thresholded guidance mask M) and prev (the last guided x0,
   for momentum) are made at the first guided step and then carried up the
   scales by bilinear resizing; mH x mW is the size they are laid out at,
   which every use checks against the current scale. */
typedef struct rse__edit {
    rse_sinddm *m;
    const rse_edit_params *p;
    rse__pyramid pyr;               /* the user's image                     */
    float *orig[RSE_PYR_MAX_SCALES]; /* its scales in [-1,1], (3,h,w)      */
    float *region_fin, *guide_fin; /* F and R at the finest scale, or NULL */
    rse_roi from_fin, to_fin[64];  /* copy boxes at the finest scale       */
    float *region, *guide;         /* F and R at the current scale         */
    float *gmask, *prev, *g, *scratch, *z; /* guidance state, (H,W)/(3,H,W) */
    float *uporig;                 /* the original's scale below, upsampled */
    int have_gmask, have_prev, guide_from, mH, mW, n, reblur;
    int auto_region;               /* F is the keep mask of a whole-image  */
                                   /* edit, made at its first guided step  */
    int have_region;               /* F holds this edit's region           */
    rse__rng keep_rng;              /* noise for the keep-outside blend     */
    double score;                  /* the last guidance score              */
    void *mem;
} rse__edit;

#ifdef RSE_TESTING
/* Test-only observer (tests/test_edit_ref.c): called with x0 at the end of
   every step's edit (copy and guidance done), before the sampler steps on.
   Absent from the library proper. */
static void (*rse__edit_trace)(void *ctx, const rse__edit *e, const float *x0, int s, int t, int H, int W);
static void *rse__edit_trace_ctx;
#endif

/* the (H,W) bilinear resize of a one-channel map (torch semantics) */
RSE__FN rse_status rse__edit_resize1(rse__edit *e, float *dst, const float *src, int h, int w, int H, int W) {
    rse__tape tp;
    rse__tensor *u;
    int sh[4];
    rse__arena_reset(&e->m->arena);
    rse__tape_init(&tp, &e->m->arena, &e->m->scratch);
    tp.no_grad = 1;
    sh[0] = 1; sh[1] = 1; sh[2] = h; sh[3] = w;
    u = rse__resize_bilinear(&tp, rse__tensor_wrap(&tp, (float *)src, 4, sh), H, W);
    if (!u) return tp.status;
    memcpy(dst, u->data, (size_t)H * W * sizeof(float));
    return RSE_STATUS_OK;
}

RSE__FN rse_status rse__edit_scale(void *ctx, int s, int H, int W) {
    rse__edit *e = (rse__edit *)ctx;
    rse_status st = RSE_STATUS_OK;
    int fin = e->n - 1;
    size_t P = (size_t)e->mH * e->mW;
    if (e->region_fin && e->have_region)
        st = rse__edit_resize1(e, e->region, e->region_fin, e->pyr.h[fin], e->pyr.w[fin], H, W);
    if (st == RSE_STATUS_OK && e->guide_fin == e->region_fin && e->guide_fin) /* a mask image is both */
        memcpy(e->guide, e->region, (size_t)H * W * sizeof(float));
    else if (st == RSE_STATUS_OK && e->guide_fin)
        st = rse__edit_resize1(e, e->guide, e->guide_fin, e->pyr.h[fin], e->pyr.w[fin], H, W);
    if (st == RSE_STATUS_OK && e->region_fin && e->have_region && e->reblur && s > 0)
        st = rse__sd_upsample(e->m, e->uporig, e->orig[s - 1], e->pyr.h[s - 1], e->pyr.w[s - 1], H, W);
    /* the guidance mask and the previous x0 follow to the new size
       bilinearly, as the reference does at each scale transition (both,
       with a region or without: the previous x0 must never be read in the
       layout of a coarser scale) */
    if (st != RSE_STATUS_OK || (H == e->mH && W == e->mW)) return st;
    if (e->have_gmask) {
        memcpy(e->scratch, e->gmask, P * sizeof(float));
        st = rse__edit_resize1(e, e->gmask, e->scratch, e->mH, e->mW, H, W);
    }
    if (st == RSE_STATUS_OK && e->have_prev) { /* through g, which the next guided step overwrites */
        st = rse__sd_upsample(e->m, e->g, e->prev, e->mH, e->mW, H, W);
        if (st == RSE_STATUS_OK) memcpy(e->prev, e->g, 3 * (size_t)H * W * sizeof(float));
    }
    e->mH = H;
    e->mW = W;
    return st;
}

/* A whole-image text edit's keep mask, from the first guided step's
   gradient e->g at scale s (rse__keep_mask: areas of radius ~1/24 of the
   short side, feathered by the edit's feather at this scale); stored at
   the finest scale like a region and used as one from now on. */
RSE__FN rse_status rse__edit_keep_mask(rse__edit *e, int s, int H, int W) {
    int fin = e->n - 1, r = (H < W ? H : W) / 24;
    int f = (int)(e->p->feather * (float)W / (float)e->pyr.src_w + 0.5f); /* image px -> this scale's */
    rse_status st = RSE_STATUS_OK;
    rse__keep_mask(e->region, e->scratch, e->g, H, W, e->p->fill, r > 1 ? r : 1, f);
    if (s == fin) memcpy(e->region_fin, e->region, (size_t)H * W * sizeof(float));
    else st = rse__edit_resize1(e, e->region_fin, e->region, H, W, e->pyr.h[fin], e->pyr.w[fin]);
    if (st == RSE_STATUS_OK && e->reblur && s > 0)
        st = rse__sd_upsample(e->m, e->uporig, e->orig[s - 1], e->pyr.h[s - 1], e->pyr.w[s - 1], H, W);
    e->have_region = st == RSE_STATUS_OK;
    return st;
}

RSE__FN rse_status rse__edit_x0(void *ctx, float *x0, int s, int t, int H, int W) {
    rse__edit *e = (rse__edit *)ctx;
    const rse_edit_params *p = e->p;
    size_t n3 = 3 * (size_t)H * W;
    int k;
    /* content copy: the reference pastes at every scale but the finest and
       lets the finest scale redraw the object's detail, which the CPU
       preset's denoiser turns into speckle (a boat became a white blob, a
       pond a dark smudge). With copy_finest >= 0 the paste goes on at the
       finest scale while t >= copy_finest; the steps below it denoise the
       pasted detail and its edge together. Pasting to t = 0 leaves x0 a
       0.8/0.2 mix of two textures, blurrier rather than closer; the more
       free steps, the more the model redraws, which suits a good finest
       scale (forest) and not a weak one (the demo's speckle). 8 is the
       best worst case measured: SWD to the source 1.0-2.5x the floor on
       the five shared images and 2.7x on the demo scene, against 1.6-4.2x
       and 5.2x for the reference (BENCH.md). */
    if (p->copy && (s < e->n - 1 || (p->copy_finest >= 0 && t >= p->copy_finest))) {
        double f = pow(e->pyr.sf, (double)(e->n - 1 - s));
        rse_roi from = rse__roi_at_scale(&e->from_fin, f);
        for (k = 0; k < p->ncopy_to; k++) {
            rse_roi to = rse__roi_at_scale(&e->to_fin[k], f);
            rse__copy_apply(x0, H, W, e->orig[s], e->pyr.h[s], e->pyr.w[s], &from, &to, p->copy_strength);
        }
    }
    /* text (or any) guidance: skipped for the last `stop` steps of the
       finest scale, "to avoid artifacts from CLIP" (the reference) */
    if (p->guide && s >= e->guide_from && (s < e->n - 1 || t >= p->stop)) {
        rse_status st;
        size_t i;
        /* the masks and prev were resized to this scale by rse__edit_scale */
        RSE_ASSERT(!(e->have_gmask || e->have_prev) || (e->mH == H && e->mW == W));
        for (i = 0; i < n3; i++) x0[i] = rse__clamp1(x0[i]);
        /* momentum (eq. 13), not on the step that makes the mask */
        if (e->have_prev && e->have_gmask) rse__guide_momentum(x0, e->prev, e->gmask, H, W, p->momentum);
        st = p->guide(p->guide_ctx, x0, H, W, s, e->n, e->g, &e->score);
        if (st != RSE_STATUS_OK) return st;
        if (e->guide) rse__guide_confine(e->g, e->guide, H, W);
        if (e->auto_region && !e->have_region && (st = rse__edit_keep_mask(e, s, H, W)) != RSE_STATUS_OK) return st;
        if (!e->have_gmask) {
            rse__guide_threshold(e->g, e->gmask, e->scratch, e->guide, H, W, p->fill);
            e->have_gmask = 1;
        }
        rse__guide_apply(x0, e->g, e->gmask, H, W, p->strength);
        memcpy(e->prev, x0, n3 * sizeof(float));
        e->have_prev = 1;
        e->mH = H;
        e->mW = W;
    }
#ifdef RSE_TESTING
    if (rse__edit_trace) rse__edit_trace(rse__edit_trace_ctx, e, x0, s, t, H, W);
#endif
    return RSE_STATUS_OK;
}

RSE__FN rse_status rse__edit_xt(void *ctx, float *x, int s, int t_next, int H, int W) {
    rse__edit *e = (rse__edit *)ctx;
    if (!e->region_fin || !e->have_region || H != e->pyr.h[s] || W != e->pyr.w[s]) return RSE_STATUS_OK;
    if (t_next >= 0) rse__rng_normal(&e->keep_rng, e->z, 3 * (size_t)H * W);
    if (e->reblur && s > 0)
        rse__keep_outside(x, e->orig[s], e->uporig, t_next >= 0 ? rse__sched_gamma(&e->m->sched, s, t_next, 1) : 0.0f,
                          e->region, e->z, H, W, &e->m->sched, t_next);
    else
        rse__keep_outside(x, e->orig[s], 0, 0.0f, e->region, e->z, H, W, &e->m->sched, t_next);
    return RSE_STATUS_OK;
}

RSE__FN void rse__edit_free(rse__edit *e) {
    rse__pyramid_free(&e->pyr);
    RSE_FREE(e->mem);
}

/* Checks the parameters and builds the pyramid of img and the masks. */
RSE__FN rse_status rse__edit_setup(rse__edit *e, rse_sinddm *m, const rse_image *img, const rse_edit_params *p) {
    rse_status st;
    int s, k, fin;
    size_t total = 0, maxp = 0, off = 0;
    float *f;
    double to_fin_x, to_fin_y;
    memset(e, 0, sizeof *e);
    e->m = m;
    e->p = p;
    if (p->count < 1 || p->count > 10000) return rse__fail(RSE_STATUS_BAD_ARG, "count must be in 1..10000");
    if (!(p->strength >= 0 && p->strength <= 10)) return rse__fail(RSE_STATUS_BAD_ARG, "--strength must be in [0,10]");
    if (!(p->fill > 0 && p->fill <= 1)) return rse__fail(RSE_STATUS_BAD_ARG, "--fill must be in (0,1]");
    if (!(p->momentum >= 0 && p->momentum <= 1)) return rse__fail(RSE_STATUS_BAD_ARG, "--momentum must be in [0,1]");
    if (!(p->feather >= 0 && p->feather <= 4096)) return rse__fail(RSE_STATUS_BAD_ARG, "--feather must be in [0,4096]");
    if (!(p->copy_strength >= 0 && p->copy_strength <= 1)) return rse__fail(RSE_STATUS_BAD_ARG, "--copy-strength must be in [0,1]");
    if (p->copy_finest < -1 || p->copy_finest > 99)
        return rse__fail(RSE_STATUS_BAD_ARG, "--copy-finest must be a step in 0..99 or off, got %d", p->copy_finest);
    if (p->stop < 0 || p->stop > RSE_SD_T) return rse__fail(RSE_STATUS_BAD_ARG, "--stop must be in 0..%d", RSE_SD_T);
    if (p->ncopy_to < 0 || p->ncopy_to > 64 || (p->copy && p->ncopy_to < 1))
        return rse__fail(RSE_STATUS_BAD_ARG, "content copy needs 1..64 target regions");
    if (p->nrois < 0 || p->nrois > 64) return rse__fail(RSE_STATUS_BAD_ARG, "at most 64 regions");
    if (!p->guide && !p->copy) return rse__fail(RSE_STATUS_BAD_ARG, "nothing to do: give a text (guidance) or a content copy");
    if (p->pixel && (!p->guide || p->nrois != 1 || p->mask || p->copy || p->style || p->from_noise))
        return rse__fail(RSE_STATUS_BAD_ARG, "a pixel-space edit takes a text and one region, nothing else");
    if (p->pixel && (p->pixel_iters < 0 || p->pixel_iters > 100000))
        return rse__fail(RSE_STATUS_BAD_ARG, "pixel_iters must be in 0..100000");
    if (p->style && (!p->guide || p->nrois || p->mask || p->copy))
        return rse__fail(RSE_STATUS_BAD_ARG, "a style edit is a text on the whole image: no region, mask or copy");
    if ((p->nrois || p->mask) && !p->guide) return rse__fail(RSE_STATUS_BAD_ARG, "a region for text editing needs a text");
    if (!img || !img->data || (img->c != 1 && img->c != 3))
        return rse__fail(RSE_STATUS_BAD_ARG, "edit: need a 1- or 3-channel image");
    if (img->w != m->pyr.src_w || img->h != m->pyr.src_h)
        return rse__fail(RSE_STATUS_BAD_ARG, "the model was trained on a %dx%d image, this one is %dx%d",
                         m->pyr.src_w, m->pyr.src_h, img->w, img->h);
    if ((st = rse__pyramid_build(&e->pyr, img)) != RSE_STATUS_OK) return st;
    e->n = e->pyr.n;
    fin = e->n - 1;
    for (s = 0; s < e->n; s++) {
        size_t P = (size_t)e->pyr.w[s] * e->pyr.h[s];
        if (e->pyr.w[s] != m->pyr.w[s] || e->pyr.h[s] != m->pyr.h[s]) {
            rse__edit_free(e);
            return rse__fail(RSE_STATUS_BAD_ARG, "the image's pyramid differs from the model's");
        }
        total += 3 * P;
        if (P > maxp) maxp = P;
    }
    /* regions are given in the image's pixels; the finest scale may be
       smaller (the 50,000-pixel cap) */
    to_fin_x = (double)e->pyr.w[fin] / img->w;
    to_fin_y = (double)e->pyr.h[fin] / img->h;
    for (k = 0; k < p->nrois && st == RSE_STATUS_OK; k++) st = rse__roi_check(&p->rois[k], img->w, img->h, "region");
    if (p->copy) {
        st = st ? st : rse__roi_check(&p->copy_from, img->w, img->h, "copy source");
        for (k = 0; k < p->ncopy_to && st == RSE_STATUS_OK; k++) st = rse__roi_check(&p->copy_to[k], img->w, img->h, "copy target");
    }
    if (st == RSE_STATUS_OK && p->mask && (p->mask->w != img->w || p->mask->h != img->h))
        st = rse__fail(RSE_STATUS_BAD_ARG, "the mask is %dx%d, the image %dx%d", p->mask->w, p->mask->h, img->w, img->h);
    if (st != RSE_STATUS_OK) { rse__edit_free(e); return st; }
    /* one block: orig scales; F and R, each at the finest and the current
       scale (4); gmask (1), scratch (2); prev, g, z, uporig (4 x 3) */
    total += 4 * maxp + 3 * maxp + 4 * 3 * maxp;
    e->mem = RSE_MALLOC(total * sizeof(float));
    if (!e->mem) { rse__edit_free(e); return rse__fail(RSE_STATUS_NOMEM, "edit: out of memory"); }
    f = (float *)e->mem;
    for (s = 0; s < e->n; s++) {
        size_t i, P3 = 3 * (size_t)e->pyr.w[s] * e->pyr.h[s];
        e->orig[s] = f + off;
        for (i = 0; i < P3; i++) e->orig[s][i] = rse__u8_to_signed_unit(e->pyr.img[s][i]);
        off += P3;
    }
    e->region = f + off; off += maxp;
    e->guide = f + off; off += maxp;
    e->gmask = f + off; off += maxp;
    e->scratch = f + off; off += 2 * maxp;
    e->prev = f + off; off += 3 * maxp;
    e->g = f + off; off += 3 * maxp;
    e->z = f + off; off += 3 * maxp;
    e->uporig = f + off; off += 3 * maxp;
    /* F at the finest scale: ROIs, a mask image, or (for a content copy)
       the target boxes, so the original is kept outside; R: the same
       without the feather, for text guidance. The mask image is both. */
    if (p->nrois || p->mask || p->copy) {
        int W = e->pyr.w[fin], H = e->pyr.h[fin];
        size_t i, P = (size_t)W * H;
        float feather = p->feather * (float)to_fin_x;
        e->region_fin = f + off; off += maxp;
        if (p->mask) {
            /* resize the user's mask (mean of its channels) to the finest scale */
            size_t Pi = (size_t)img->w * img->h;
            float *tmp = (float *)RSE_MALLOC(Pi * sizeof(float));
            if (!tmp) { rse__edit_free(e); return rse__fail(RSE_STATUS_NOMEM, "edit: out of memory"); }
            for (i = 0; i < Pi; i++) {
                float v = 0;
                for (k = 0; k < p->mask->c; k++) v += p->mask->data[k * Pi + i];
                tmp[i] = v / p->mask->c;
            }
            st = rse__edit_resize1(e, e->region_fin, tmp, img->h, img->w, H, W);
            RSE_FREE(tmp);
            if (st != RSE_STATUS_OK) { rse__edit_free(e); return st; }
        } else {
            /* boxes[0..ncopy): copy targets, then the text ROIs */
            rse_roi boxes[128];
            int nb = 0, ncopy = p->copy ? p->ncopy_to : 0;
            for (k = 0; k < ncopy + p->nrois && nb < 128; k++) {
                const rse_roi *r = k < ncopy ? &p->copy_to[k] : &p->rois[k - ncopy];
                boxes[nb].x = (int)(r->x * to_fin_x); boxes[nb].y = (int)(r->y * to_fin_y);
                boxes[nb].w = (int)ceil(r->w * to_fin_x); boxes[nb].h = (int)ceil(r->h * to_fin_y);
                nb++;
            }
            rse__mask_from_rois(e->region_fin, W, H, boxes, nb, feather);
            if (p->guide) {
                /* text guidance acts in the text ROIs, or with none (a copy
                   plus a text) in the copy targets */
                e->guide_fin = f + off; off += maxp;
                if (p->nrois) rse__mask_from_rois(e->guide_fin, W, H, boxes + ncopy, nb - ncopy, 0.0f);
                else rse__mask_from_rois(e->guide_fin, W, H, boxes, ncopy, 0.0f);
            }
        }
        for (i = 0; i < P; i++) e->region_fin[i] = e->region_fin[i] < 0 ? 0 : e->region_fin[i] > 1 ? 1 : e->region_fin[i];
        if (p->mask && p->guide) e->guide_fin = e->region_fin;
    }
    if (!e->guide_fin) e->guide = 0; /* a whole-image edit */
    /* a whole-image text edit of the user's image keeps the input outside
       the area the text changes (rse__keep_mask), unless asked not to or
       allowed to change everything (fill 1) */
    if (rse__edit_keeps(p)) {
        e->region_fin = f + off; off += maxp;
        e->auto_region = 1;
    }
    e->have_region = e->region_fin && !e->auto_region;
    (void)off;
    if (p->copy) {
        rse_roi r = p->copy_from;
        e->from_fin.x = (int)(r.x * to_fin_x); e->from_fin.y = (int)(r.y * to_fin_y);
        e->from_fin.w = (int)(r.w * to_fin_x); e->from_fin.h = (int)(r.h * to_fin_y);
        for (k = 0; k < p->ncopy_to; k++) {
            r = p->copy_to[k];
            e->to_fin[k].x = (int)(r.x * to_fin_x); e->to_fin[k].y = (int)(r.y * to_fin_y);
            e->to_fin[k].w = (int)(r.w * to_fin_x); e->to_fin[k].h = (int)(r.h * to_fin_y);
        }
    }
    return RSE_STATUS_OK;
}

/* The edit x (3,H,W) in [-1,1] at the pyramid's finest scale, as an image
   of the input's size. The finest scale is smaller than the input when the
   input passes the pyramid's 50,000-pixel cap; the edit is then pasted
   back as a change, out = img + up(x - orig) / 2 (bilinear), so the input
   keeps its own resolution wherever the edit changed little, and every
   pixel whose change is exactly zero (outside a region and its feather)
   keeps its exact value. At the same size this is the same formula without
   the resize. From noise there is no input to keep: the sample itself is
   resized. */
RSE__FN rse_status rse__edit_output(rse__edit *e, const rse_image *img, const float *x, int H, int W, rse_image *out) {
    size_t n = 3 * (size_t)H * W, N = 3 * (size_t)img->w * img->h, i;
    const float *orig = e->orig[e->n - 1];
    rse_image rgb;
    float *d, *up;
    rse_status st;
    int resize;
    if (e->p->from_noise && H == img->h && W == img->w) return rse__sd_to_image(x, H, W, out);
    if ((st = rse_image_to_rgb(img, &rgb)) != RSE_STATUS_OK) return st;
    resize = H != img->h || W != img->w;
    d = (float *)RSE_MALLOC((n + (resize ? N : 0)) * sizeof(float));
    if (!d) { rse_image_free(&rgb); return rse__fail(RSE_STATUS_NOMEM, "edit: out of memory"); }
    for (i = 0; i < n; i++) d[i] = e->p->from_noise ? (rse__clamp1(x[i]) + 1.0f) * 0.5f : (rse__clamp1(x[i]) - orig[i]) * 0.5f;
    up = d;
    if (resize) st = rse__sd_upsample(e->m, up = d + n, d, H, W, img->h, img->w);
    if (st == RSE_STATUS_OK && e->p->from_noise) memcpy(rgb.data, up, N * sizeof(float));
    else if (st == RSE_STATUS_OK)
        for (i = 0; i < N; i++)
            if (up[i] != 0) { /* untouched values stay exact */
                float v = rgb.data[i] + up[i];
                rgb.data[i] = v < 0 ? 0 : v > 1 ? 1 : v;
            }
    RSE_FREE(d);
    if (st != RSE_STATUS_OK) { rse_image_free(&rgb); return st; }
    *out = rgb;
    return RSE_STATUS_OK;
}

/* The scale an edit starts at (see rse_edit). */
RSE__FN int rse__edit_start_scale(const rse_edit_params *p, int n) {
    int s0 = p->start_scale >= 0 ? p->start_scale
           : p->copy ? (n > 2 ? 1 : 0)
           : (p->nrois || p->mask || rse__edit_keeps(p) || p->style) ? n - 1 : n - 2;
    if (p->from_noise) s0 = 0;
    if (p->pixel) s0 = n - 1;
    return s0 < 0 ? 0 : s0 > n - 1 ? n - 1 : s0;
}

/* SinDDM's clip_roi (trainer.clip_roi_sampling), the pixel-space part:
   the region's crop of the finest scale, roi (3,rh,rw), takes pixel_iters
   steps  roi = clamp(roi + strength |roi| / |g| g)  (norms over the whole
   crop; g = d score / d roi with the "lr" templates, which the guide
   gives at scale index 0, and fresh views each step), then is pasted into
   a copy of the finest scale, start (3,H,W), which the sampler re-noises
   whole. mem holds start, roi and g. */
typedef struct rse__pixel {
    float *start, *roi, *g;
    rse_roi box;                 /* the region at the finest scale */
    void *mem;
} rse__pixel;

RSE__FN rse_status rse__pixel_alloc(rse__edit *e, rse__pixel *px) {
    int fin = e->n - 1, W = e->pyr.w[fin], H = e->pyr.h[fin];
    const rse_roi *r = &e->p->rois[0];
    double fx = (double)W / e->pyr.src_w, fy = (double)H / e->pyr.src_h;
    size_t n = 3 * (size_t)W * H, nr;
    rse_roi b;
    b.x = (int)(r->x * fx); b.y = (int)(r->y * fy);
    b.w = (int)ceil(r->w * fx); b.h = (int)ceil(r->h * fy);
    if (b.x > W - 1) b.x = W - 1;
    if (b.y > H - 1) b.y = H - 1;
    if (b.w < 1) b.w = 1;
    if (b.h < 1) b.h = 1;
    if (b.w > W - b.x) b.w = W - b.x;
    if (b.h > H - b.y) b.h = H - b.y;
    px->box = b;
    nr = 3 * (size_t)b.w * b.h;
    px->mem = RSE_MALLOC((n + 2 * nr) * sizeof(float));
    if (!px->mem) return rse__fail(RSE_STATUS_NOMEM, "edit: out of memory");
    px->start = (float *)px->mem;
    px->roi = px->start + n;
    px->g = px->roi + nr;
    return RSE_STATUS_OK;
}

RSE__FN rse_status rse__pixel_run(rse__edit *e, rse__pixel *px) {
    const rse_edit_params *p = e->p;
    int fin = e->n - 1, W = e->pyr.w[fin], H = e->pyr.h[fin], c, y, it;
    const rse_roi *b = &px->box;
    size_t nr = 3 * (size_t)b->w * b->h, i;
    double score;
    for (c = 0; c < 3; c++)
        for (y = 0; y < b->h; y++)
            memcpy(px->roi + ((size_t)c * b->h + y) * b->w, e->orig[fin] + ((size_t)c * H + b->y + y) * W + b->x,
                   (size_t)b->w * sizeof(float));
    for (it = 0; it < p->pixel_iters; it++) {
        double nx = 0, ng = 0;
        float k;
        rse_status st = p->guide(p->guide_ctx, px->roi, b->h, b->w, 0, e->n, px->g, &score);
        if (st != RSE_STATUS_OK) return st;
        for (i = 0; i < nr; i++) { nx += (double)px->roi[i] * px->roi[i]; ng += (double)px->g[i] * px->g[i]; }
        if (!(ng > 0)) break; /* no gradient: the reference would divide by 0 */
        k = (float)(p->strength * sqrt(nx) / sqrt(ng));
        for (i = 0; i < nr; i++) px->roi[i] = rse__clamp1(px->roi[i] + k * px->g[i]);
    }
    memcpy(px->start, e->orig[fin], 3 * (size_t)W * H * sizeof(float));
    for (c = 0; c < 3; c++)
        for (y = 0; y < b->h; y++)
            memcpy(px->start + ((size_t)c * H + b->y + y) * W + b->x, px->roi + ((size_t)c * b->h + y) * b->w,
                   (size_t)b->w * sizeof(float));
    return RSE_STATUS_OK;
}

/* Edits img with model m (trained on it) into out[0..count). */
RSEDEF rse_status rse_edit(rse_sinddm *m, const rse_image *img, const rse_edit_params *p, rse_image *out,
                           rse_progress_fn progress, void *ctx) {
    rse__edit e;
    rse__sd_plan r;
    rse_status st;
    long done = 0;
    int i, s0;
    float *up0 = 0; /* a style edit's start (3,h,w) */
    rse__pixel pix;
    memset(&pix, 0, sizeof pix);
    for (i = 0; p && i < p->count && i < 10000; i++) memset(&out[i], 0, sizeof out[i]);
    if ((st = rse__edit_setup(&e, m, img, p)) != RSE_STATUS_OK) return st;
#ifndef RSE_NO_CLIP
    /* the precision of a text guide's CLIP gradient is the edit's to say */
    if (p->guide == rse_text_guide_grad && p->guide_ctx) ((rse_text_guide *)p->guide_ctx)->exact = p->exact;
#endif
    /* Where editing starts (rse__edit_start_scale): a content copy at
       scale 1, coarse enough to move content (it acts on every scale but
       the finest); a region at the finest scale, where the original around
       it holds the most context and the model makes its own texture (issue
       20: an unguided 60x50 region on four 256-px images scored 2.8-9.6x
       the shifted-copy floor started there, 3.8-10.3x started at scale
       1); a whole-image text edit that keeps the input outside the area
       it changes (the default) at the finest scale too, for the same
       reason (unguided, measured on five 256-px images: finest-level SWD
       1.6-19x the floor and PSNR 30.6-35.9 dB against 2.0-24x and 25.4-32.7
       dB started one scale below; a colour CLIP's "fire" moved the
       changed area's redness as far: 0.438 against 0.450); one scale
       below the finest when the whole image is regenerated
       (--keep-outside off, as the reference); 0 from noise. */
    s0 = rse__edit_start_scale(p, e.n);
    e.guide_from = s0 > 1 ? s0 : (e.n > 1 ? 1 : 0);
    /* SinDDM's style modes: guidance_sub_iters [0, ..., 0, 1], the finest
       scale only; clip_style_trans starts there from the image's scale
       below, upsampled bilinearly (sample_via_scale of the scale N-2 PNG),
       not from the finest scale itself */
    if (p->style) e.guide_from = e.n - 1;
    if (p->style && !p->from_noise && s0 > 0) {
        up0 = (float *)RSE_MALLOC(3 * (size_t)e.pyr.w[s0] * e.pyr.h[s0] * sizeof(float));
        if (!up0) st = rse__fail(RSE_STATUS_NOMEM, "edit: out of memory");
        else st = rse__sd_upsample(m, up0, e.orig[s0 - 1], e.pyr.h[s0 - 1], e.pyr.w[s0 - 1], e.pyr.h[s0], e.pyr.w[s0]);
        if (st != RSE_STATUS_OK) { RSE_FREE(up0); rse__edit_free(&e); return st; }
    }
    memset(&r, 0, sizeof r);
    r.mul_h = r.mul_w = 1.0f;
    r.start_scale = s0;
    r.start = p->from_noise ? 0 : up0 ? up0 : e.orig[s0];
    r.start_prev = !p->from_noise && s0 > 0 ? e.orig[s0 - 1] : 0;
    r.start_t = p->from_noise ? 0 : p->start_t;
    /* The reference runs its CLIP modes with DDPM at every scale, and its
       content copy with the reblurring sampler (RSE_SAMPLER_REFERENCE, the
       default). RSE_SAMPLER_REBLUR uses the reblurring sampler for text
       edits too: the denoiser above scale 0 was trained to predict the
       noise of a MIX of the image and its blurry upsampled scale below, so
       without the de-blurring step each finer scale keeps part of that blur
       (DDPM leaves a regenerated region soft); with it the region is as
       sharp, and as noisy, as the model's own samples. */
    r.reblur = p->sampler == RSE_SAMPLER_REFERENCE ? (p->guide ? 0 : 1) : 1;
    e.reblur = r.reblur;
    r.hooks.ctx = &e;
    r.hooks.scale = rse__edit_scale;
    r.hooks.x0 = rse__edit_x0;
    r.hooks.xt = rse__edit_xt;
    if (p->pixel) {
        /* clip_roi: no guidance and no region blend while denoising (the
           reference re-noises the whole image), DDPM (its reblurring is
           off), 3 steps unless start_t says otherwise */
        memset(&r.hooks, 0, sizeof r.hooks);
        r.reblur = 0;
        r.no_mix = 1;
        r.start_t = p->start_t > 0 ? p->start_t : 3;
        if ((st = rse__pixel_alloc(&e, &pix)) != RSE_STATUS_OK) { RSE_FREE(up0); rse__edit_free(&e); return st; }
        r.start = pix.start;
    }
    r.progress = progress;
    r.progress_ctx = ctx;
    r.what = "edit";
    r.done = &done;
    r.total = rse__sd_run_steps(m, &r) * p->count;
    for (i = 0; i < p->count && st == RSE_STATUS_OK; i++) {
        rse__rng rng;
        float *x = 0;
        int H = 0, W = 0;
        rse__rng_seed_stream(&rng, p->seed, (uint64_t)i);
        rse__rng_seed_stream(&e.keep_rng, p->seed ^ UINT64_C(0x5eed0fcee9), (uint64_t)i);
        e.have_gmask = e.have_prev = 0;
        e.have_region = e.region_fin && !e.auto_region;
        e.mH = e.mW = 0;
        if (p->guide_reset) p->guide_reset(p->guide_ctx, p->seed, (uint64_t)i);
        if (p->pixel && (st = rse__pixel_run(&e, &pix)) != RSE_STATUS_OK) break;
        st = rse__sd_run(m, &r, &rng, &x, &H, &W);
        if (st == RSE_STATUS_OK) st = rse__edit_output(&e, img, x, H, W, &out[i]);
        RSE_FREE(x);
        /* the mask the first edit used, at the output's size */
        if (st == RSE_STATUS_OK && i == 0 && p->mask_out) {
            const float *mk = e.region_fin && e.have_region ? e.region : e.have_gmask && e.mH == H && e.mW == W ? e.gmask : 0;
            if (mk && (st = rse_image_alloc(p->mask_out, img->w, img->h, 1)) == RSE_STATUS_OK)
                st = rse__edit_resize1(&e, p->mask_out->data, mk, H, W, img->h, img->w);
        }
    }
    if (st != RSE_STATUS_OK)
        for (i = 0; i < p->count; i++) rse_image_free(&out[i]);
    RSE_FREE(up0);
    RSE_FREE(pix.mem);
    rse__edit_free(&e);
    return st;
}

/* ---- windows of large images (the paper's section IV-E) --------------------
   A model is trained on a window of a large image; the edit of that window
   (which rse_edit returns at the window's size) is pasted back as a change,
   not as pixels: out = img + w (edit - window). w ramps from 0 at the
   window's edge to 1 at `feather` pixels inside, so there is no seam;
   everything outside the window, and every value the edit left alone,
   keeps its exact value. */

RSEDEF rse_status rse_image_crop(const rse_image *in, const rse_roi *r, rse_image *out) {
    rse_status st;
    int c, y;
    memset(out, 0, sizeof *out);
    if ((st = rse__roi_check(r, in->w, in->h, "window")) != RSE_STATUS_OK) return st;
    if ((st = rse_image_alloc(out, r->w, r->h, in->c)) != RSE_STATUS_OK) return st;
    for (c = 0; c < in->c; c++)
        for (y = 0; y < r->h; y++)
            memcpy(out->data + ((size_t)c * r->h + y) * r->w, in->data + ((size_t)c * in->h + r->y + y) * in->w + r->x,
                   (size_t)r->w * sizeof(float));
    return RSE_STATUS_OK;
}

/* The edit of a window, in place, made its change over the window's
   pixels pasted over a feathered seam: crop + w (edit - crop), w the ramp
   from the window's border; a value the edit did not change is crop's,
   exactly. */
RSE__FN void rse__window_paste(rse_image *edit, const rse_image *crop, float feather) {
    int c, x, y, W = crop->w, H = crop->h;
    for (c = 0; c < 3; c++)
        for (y = 0; y < H; y++)
            for (x = 0; x < W; x++) {
                size_t j = ((size_t)c * H + y) * W + x;
                float d = edit->data[j] - crop->data[j], w, v;
                float e = (float)(x + 1 < W - x ? x + 1 : W - x);
                float f = (float)(y + 1 < H - y ? y + 1 : H - y);
                if (d == 0) continue; /* untouched values keep their exact value */
                w = feather > 0 ? (e < f ? e : f) / feather : 1.0f;
                if (w > 1) w = 1;
                v = crop->data[j] + w * d;
                edit->data[j] = v < 0 ? 0 : v > 1 ? 1 : v;
            }
}

RSEDEF rse_status rse_edit_window_crop(rse_sinddm *m, const rse_image *crop, const rse_roi *win, int scene_w, int scene_h,
                                       const rse_edit_params *p, rse_image *out, rse_progress_fn progress, void *ctx) {
    rse_image rgb, mask;
    rse_edit_params q = *p;
    rse_roi rois[64], tos[64];
    rse_status st;
    int i, k;
    memset(&mask, 0, sizeof mask);
    memset(&rgb, 0, sizeof rgb);
    for (i = 0; i < p->count && i < 10000; i++) memset(&out[i], 0, sizeof out[i]);
    if (p->nrois > 64 || p->ncopy_to > 64) return rse__fail(RSE_STATUS_BAD_ARG, "at most 64 regions");
    if (!crop || !win || crop->w != win->w || crop->h != win->h)
        return rse__fail(RSE_STATUS_BAD_ARG, "the window's pixels do not have the window's size");
    if ((st = rse__roi_check(win, scene_w, scene_h, "window")) != RSE_STATUS_OK) return st;
    if ((st = rse_image_to_rgb(crop, &rgb)) != RSE_STATUS_OK) return st;
    /* a mask of the scene's size is cut to the window, like regions; one
       of the window's size is taken as it is */
    if (p->mask && p->mask->w == scene_w && p->mask->h == scene_h && (scene_w != win->w || scene_h != win->h)) {
        if ((st = rse_image_crop(p->mask, win, &mask)) != RSE_STATUS_OK) goto done;
        q.mask = &mask;
    }
    /* regions are given in the scene's pixels */
    for (k = 0; k < p->nrois; k++) { rois[k] = p->rois[k]; rois[k].x -= win->x; rois[k].y -= win->y; }
    for (k = 0; k < p->ncopy_to; k++) { tos[k] = p->copy_to[k]; tos[k].x -= win->x; tos[k].y -= win->y; }
    q.rois = rois;
    q.copy_to = tos;
    q.copy_from.x -= win->x;
    q.copy_from.y -= win->y;
    if ((st = rse_edit(m, &rgb, &q, out, progress, ctx)) != RSE_STATUS_OK) goto done;
    for (i = 0; i < p->count; i++) rse__window_paste(&out[i], &rgb, p->feather);
done:
    if (st != RSE_STATUS_OK) for (i = 0; i < p->count && i < 10000; i++) rse_image_free(&out[i]);
    rse_image_free(&mask);
    rse_image_free(&rgb);
    return st;
}

RSEDEF rse_status rse_edit_window(rse_sinddm *m, const rse_image *img, const rse_roi *win, const rse_edit_params *p,
                                  rse_image *out, rse_progress_fn progress, void *ctx) {
    rse_image crop, rgb;
    rse_status st;
    int i, c, y;
    for (i = 0; i < p->count && i < 10000; i++) memset(&out[i], 0, sizeof out[i]);
    if ((st = rse_image_crop(img, win, &crop)) != RSE_STATUS_OK) return st;
    st = rse_edit_window_crop(m, &crop, win, img->w, img->h, p, out, progress, ctx);
    rse_image_free(&crop);
    if (st != RSE_STATUS_OK) return st;
    /* each pasted window back into a copy of the whole image */
    for (i = 0; i < p->count && st == RSE_STATUS_OK; i++) {
        rse_image wnd = out[i];
        if ((st = rse_image_to_rgb(img, &rgb)) != RSE_STATUS_OK) { out[i].data = 0; rse_image_free(&wnd); break; }
        for (c = 0; c < 3; c++)
            for (y = 0; y < win->h; y++)
                memcpy(rgb.data + ((size_t)c * rgb.h + win->y + y) * rgb.w + win->x,
                       wnd.data + ((size_t)c * win->h + y) * win->w, (size_t)win->w * sizeof(float));
        rse_image_free(&wnd);
        out[i] = rgb;
    }
    if (st != RSE_STATUS_OK) for (i = 0; i < p->count && i < 10000; i++) rse_image_free(&out[i]);
    return st;
}

/* ---- image to image: harmonisation and style transfer ---------------------
   SinDDM's image2image (trainer.py; sinddm.md section 9), both from the
   finest scale with the reblurring sampler:
     1. the input is read as the reference reads it: 8-bit levels (PIL),
        LANCZOS-resized to the 50,000-pixel cap when larger (int() sides);
     2. style transfer: each channel's levels are matched to the histogram
        of the model's finest training scale (skimage's match_histograms);
     3. the sampler runs at that size (the reference's custom_image_size,
        whatever the model's finest size) with gamma 0 at the finest scale
        (the reference zeroes gammas[N-2] in place): the image is noised to
        index start_t (harmonisation 5, style transfer 15) and denoised by
        the DDIM from start_t - 1 to 0, so x0 = xmix_t, no de-blurring;
     4. harmonisation: out = M out + (1 - M) input, M the softened mask
        (dilate_mask: the nonzero pixels of the mask's first channel, dilated
        by a disk of radius 7, Gaussian-blurred with sigma 5 (scipy's
        gaussian_filter: radius int(4 sigma + 0.5), edges 'nearest'), min-max
        normalised). Outside the blur's reach M is exactly 0 and the input's
        own values are kept. */

RSEDEF void rse_harmonize_params_init(rse_i2i_params *p) {
    memset(p, 0, sizeof *p);
    p->start_t = 5;        /* main.py --start_t_harm */
    p->count = 1;
    p->radius = 7;         /* dilate_mask(mode="harmonization") */
    p->sigma = 5.0f;
}

RSEDEF void rse_style_params_init(rse_i2i_params *p) {
    rse_harmonize_params_init(p);
    p->start_t = 15;       /* main.py --start_t_style */
    p->hist_match = 1;
}

/* The reference's run size for a w x h input: the 50,000-pixel cap of
   image2image (the pyramid's step 1). */
RSE__FN void rse__i2i_size(int w, int h, int *cw, int *ch) {
    double scaler = sqrt((double)w * (double)h / (double)RSE_SINDDM_AUTO_SCALE);
    *cw = w; *ch = h;
    if (scaler > 1.0) {
        *cw = (int)((double)w / scaler);
        *ch = (int)((double)h / scaler);
        if (*cw < 1) *cw = 1;
        if (*ch < 1) *ch = 1;
    }
}

/* c planes of img (c = 1: its first channel; c = 3: RGB, gray repeated)
   as 8-bit levels at cw x ch (LANCZOS, Pillow-exact, when the size
   differs). *px (c,ch,cw) is malloc'd. */
RSE__FN rse_status rse__i2i_levels(const rse_image *img, int c, int cw, int ch, uint8_t **px) {
    size_t P = (size_t)img->w * img->h, i, n = (size_t)c * P;
    uint8_t *src = (uint8_t *)RSE_MALLOC(n), *dst;
    rse_status st;
    *px = 0;
    if (!src) return rse__fail(RSE_STATUS_NOMEM, "out of memory");
    for (i = 0; i < n; i++) src[i] = rse__quantize_u8(img->data[img->c == 1 ? i % P : i]);
    if (cw == img->w && ch == img->h) { *px = src; return RSE_STATUS_OK; }
    dst = (uint8_t *)RSE_MALLOC((size_t)c * cw * ch);
    if (!dst) { RSE_FREE(src); return rse__fail(RSE_STATUS_NOMEM, "out of memory"); }
    st = rse__resample_u8(dst, cw, ch, src, img->w, img->h, c, RSE_FILTER_LANCZOS, 0);
    RSE_FREE(src);
    if (st != RSE_STATUS_OK) { RSE_FREE(dst); return st; }
    *px = dst;
    return RSE_STATUS_OK;
}

/* skimage.exposure.match_histograms(image, reference, channel_axis=2) on
   8-bit planes px (3,P) against ref (3,Pr), in place. Per channel: a
   level v of the image has the quantile q = (count of levels <= v) / P;
   its new value is np.interp(q, the reference's quantiles at its present
   levels, those levels). Quirk, reproduced: skimage writes the float
   result into an array of the image's dtype, so it is TRUNCATED to uint8
   (36.99 -> 36), not rounded. */
RSE__FN void rse__hist_match(uint8_t *px, size_t P, const uint8_t *ref, size_t Pr) {
    int c, v, k;
    for (c = 0; c < 3; c++) {
        size_t hs[256], hr[256], cum;
        double xq[256], fv[256];
        uint8_t lut[256];
        int nr = 0;
        size_t i;
        uint8_t *p = px + (size_t)c * P;
        const uint8_t *r = ref + (size_t)c * Pr;
        memset(hs, 0, sizeof hs);
        memset(hr, 0, sizeof hr);
        for (i = 0; i < P; i++) hs[p[i]]++;
        for (i = 0; i < Pr; i++) hr[r[i]]++;
        for (v = 0, cum = 0; v < 256; v++)  /* the reference's quantiles at its present levels */
            if (hr[v]) { cum += hr[v]; xq[nr] = (double)cum / (double)Pr; fv[nr] = v; nr++; }
        for (v = 0, cum = 0; v < 256; v++) {
            double q, y;
            cum += hs[v];
            q = (double)cum / (double)P;
            /* np.interp: clamped to the end values; x == xp[j] gives fp[j] */
            if (q <= xq[0]) y = fv[0];
            else if (q >= xq[nr - 1]) y = fv[nr - 1];
            else {
                int lo = 0, hi = nr - 1;      /* xq[lo] <= q < xq[hi] */
                while (hi - lo > 1) { k = (lo + hi) / 2; if (xq[k] <= q) lo = k; else hi = k; }
                y = xq[lo] == q ? fv[lo] : (fv[hi] - fv[lo]) / (xq[hi] - xq[lo]) * (q - xq[lo]) + fv[lo];
            }
            lut[v] = (uint8_t)y; /* y in [0,255]: truncation, as numpy's cast */
        }
        for (i = 0; i < P; i++) p[i] = lut[p[i]];
    }
}

/* dilate_mask: M (h,w) from the 0/1 map b (h,w): binary dilation with the
   disk x^2 + y^2 <= r^2 (outside the image counts as 0), then scipy's
   gaussian_filter (float64; weights exp(-x^2 / (2 sigma^2)) normalised over
   |x| <= int(4 sigma + 0.5); 'nearest' edges; rows then columns), then
   (M - min) / (max - min). tmp holds 2 h w doubles. Fails when M is flat
   (an empty mask, or one whose dilation covers everything: the reference
   divides 0 by 0). */
RSE__FN rse_status rse__soft_mask(float *M, const uint8_t *b, int w, int h, int r, double sigma, double *tmp) {
    double *d = tmp, *e = tmp + (size_t)w * h, wt[2 * 1000 + 1], sum = 0, lo, hi;
    int x, y, i, j, R = (int)(4.0 * sigma + 0.5);
    size_t P = (size_t)w * h, k;
    if (R > 1000) R = 1000;
    for (y = 0; y < h; y++)
        for (x = 0; x < w; x++) {
            int on = 0;
            for (j = -r; j <= r && !on; j++) {
                if (y + j < 0 || y + j >= h) continue;
                for (i = -r; i <= r; i++)
                    if (i * i + j * j <= r * r && x + i >= 0 && x + i < w && b[(size_t)(y + j) * w + x + i]) { on = 1; break; }
            }
            d[(size_t)y * w + x] = on;
        }
    for (i = -R; i <= R; i++) sum += wt[i + R] = exp(-0.5 / (sigma * sigma) * (double)(i * i));
    for (i = 0; i <= 2 * R; i++) wt[i] /= sum;
    for (y = 0; y < h; y++)     /* axis 0: along the columns */
        for (x = 0; x < w; x++) {
            double a = 0;
            for (i = -R; i <= R; i++) {
                int yy = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
                a += wt[i + R] * d[(size_t)yy * w + x];
            }
            e[(size_t)y * w + x] = a;
        }
    for (y = 0; y < h; y++)     /* axis 1: along the rows */
        for (x = 0; x < w; x++) {
            double a = 0;
            for (i = -R; i <= R; i++) {
                int xx = x + i < 0 ? 0 : x + i >= w ? w - 1 : x + i;
                a += wt[i + R] * e[(size_t)y * w + xx];
            }
            d[(size_t)y * w + x] = a;
        }
    lo = hi = d[0];
    for (k = 1; k < P; k++) { if (d[k] < lo) lo = d[k]; if (d[k] > hi) hi = d[k]; }
    if (!(hi > lo)) return rse__fail(RSE_STATUS_BAD_ARG, "the mask is %s", hi > 0 ? "the whole image once dilated" : "empty");
    for (k = 0; k < P; k++) M[k] = (float)((d[k] - lo) / (hi - lo));
    return RSE_STATUS_OK;
}

/* One image-to-image run: start (3,h,w) in [-1,1] noised to p->start_t at
   the finest scale, gamma 0 there; out[i] (the run's size) from stream
   (seed, i). With M (h,w): out = M out + (1 - M) keep01 (3,h,w in [0,1]);
   outputs go to the input's size (iw x ih) when that differs: the change
   (harmonisation) or the result (style transfer) resized bilinearly. */
RSE__FN rse_status rse__i2i_run(rse_sinddm *m, const float *start, int w, int h, const float *M, const rse_image *rgb,
                                const float *keep01, const rse_i2i_params *p, rse_image *out,
                                rse_progress_fn progress, void *ctx) {
    rse__sd_plan r;
    long done = 0;
    size_t n = 3 * (size_t)w * h, N = 3 * (size_t)rgb->w * rgb->h, P = (size_t)w * h, j;
    int i, same = rgb->w == w && rgb->h == h;
    rse_status st = RSE_STATUS_OK;
    float *d = (float *)RSE_MALLOC((n + (same ? 0 : N)) * sizeof(float));
    if (!d) return rse__fail(RSE_STATUS_NOMEM, "out of memory");
    memset(&r, 0, sizeof r);
    r.mul_h = r.mul_w = 1.0f;
    r.start_scale = m->pyr.n - 1;
    r.start = start;
    r.start_t = p->start_t;
    r.reblur = 1;
    r.no_mix = 1;
    r.size_h = h;
    r.size_w = w;
    r.progress = progress;
    r.progress_ctx = ctx;
    r.what = M ? "harmonize" : "style";
    r.done = &done;
    r.total = rse__sd_run_steps(m, &r) * p->count;
    for (i = 0; i < p->count && st == RSE_STATUS_OK; i++) {
        rse__rng rng;
        float *x = 0, *up = same ? d : d + n;
        int H = 0, W = 0;
        rse__rng_seed_stream(&rng, p->seed, (uint64_t)i);
        st = rse__sd_run(m, &r, &rng, &x, &H, &W);
        if (st == RSE_STATUS_OK && (H != h || W != w)) st = rse__fail(RSE_STATUS_BAD_ARG, "i2i: the run came back at %dx%d, not %dx%d", W, H, w, h);
        if (st == RSE_STATUS_OK) st = rse_image_alloc(&out[i], rgb->w, rgb->h, 3);
        if (st != RSE_STATUS_OK) { RSE_FREE(x); break; }
        /* d: the result in [0,1] (style transfer), or the change M (out -
           input) that harmonisation pastes back at the input's size */
        for (j = 0; j < n; j++) {
            float f = (rse__clamp1(x[j]) + 1.0f) * 0.5f, mk = M ? M[j % P] : 1.0f;
            if (!M) d[j] = f;
            else if (!same) d[j] = mk * (f - keep01[j]);
            /* the reference's composite M out + (1 - M) input; where M is
               0, the input's own value, exactly */
            else out[i].data[j] = mk == 0.0f ? rgb->data[j] : mk * f + (1.0f - mk) * keep01[j];
        }
        RSE_FREE(x);
        if (M && same) continue;
        if (!same && (st = rse__sd_upsample(m, up, d, h, w, rgb->h, rgb->w)) != RSE_STATUS_OK) break;
        for (j = 0; j < N; j++) {
            float v = M ? rgb->data[j] + up[j] : up[j];
            if (M && up[j] == 0.0f) v = rgb->data[j]; /* untouched values stay exact */
            out[i].data[j] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
    }
    RSE_FREE(d);
    return st;
}

/* Checks shared by both modes. */
RSE__FN rse_status rse__i2i_check(const rse_sinddm *m, const rse_image *img, const rse_i2i_params *p, const char *what) {
    if (!m || !p) return rse__fail(RSE_STATUS_BAD_ARG, "%s: no model or parameters", what);
    if (!img || !img->data || (img->c != 1 && img->c != 3))
        return rse__fail(RSE_STATUS_BAD_ARG, "%s: need a 1- or 3-channel image", what);
    if (p->start_t < 1 || p->start_t > RSE_SD_T - 1)
        return rse__fail(RSE_STATUS_BAD_ARG, "--start-t must be in 1..%d", RSE_SD_T - 1);
    if (p->count < 1 || p->count > 10000) return rse__fail(RSE_STATUS_BAD_ARG, "count must be in 1..10000");
    return RSE_STATUS_OK;
}

/* [-1,1] planes of 8-bit levels, as the reference's ToTensor * 2 - 1. */
RSE__FN float *rse__i2i_signed(const uint8_t *px, size_t n) {
    float *f = (float *)RSE_MALLOC((n ? n : 1) * sizeof(float));
    size_t i;
    if (!f) { rse__fail(RSE_STATUS_NOMEM, "out of memory"); return 0; }
    for (i = 0; i < n; i++) f[i] = rse__u8_to_signed_unit(px[i]);
    return f;
}

RSEDEF rse_status rse_harmonize(rse_sinddm *m, const rse_image *img, const rse_image *mask, const rse_i2i_params *p,
                                rse_image *out, rse_progress_fn progress, void *ctx) {
    uint8_t *px = 0, *mb = 0;
    float *start = 0, *keep = 0, *M = 0;
    double *tmp = 0;
    rse_image rgb;
    rse_status st;
    int w, h, i;
    size_t P, n, k;
    for (i = 0; p && i < p->count && i < 10000; i++) memset(&out[i], 0, sizeof out[i]);
    memset(&rgb, 0, sizeof rgb);
    if ((st = rse__i2i_check(m, img, p, "harmonize")) != RSE_STATUS_OK) return st;
    if (!mask || !mask->data || (mask->c != 1 && mask->c != 3))
        return rse__fail(RSE_STATUS_BAD_ARG, "harmonize: need a 1- or 3-channel mask");
    if (mask->w != img->w || mask->h != img->h)
        return rse__fail(RSE_STATUS_BAD_ARG, "the mask is %dx%d, the image %dx%d", mask->w, mask->h, img->w, img->h);
    if (p->radius < 0 || p->radius > 64 || !(p->sigma > 0 && p->sigma <= 200))
        return rse__fail(RSE_STATUS_BAD_ARG, "harmonize: the mask's radius must be in 0..64 and sigma in (0,200]");
    rse__i2i_size(img->w, img->h, &w, &h);
    P = (size_t)w * h;
    n = 3 * P;
    if ((st = rse_image_to_rgb(img, &rgb)) != RSE_STATUS_OK) return st;
    /* the mask as the reference reads it: RGB (gray repeated), LANCZOS to
       the run's size, its first channel; any nonzero level is "on" */
    if ((st = rse__i2i_levels(mask, 1, w, h, &mb)) != RSE_STATUS_OK) goto done;
    if ((st = rse__i2i_levels(img, 3, w, h, &px)) != RSE_STATUS_OK) goto done;
    M = (float *)RSE_MALLOC(P * sizeof(float));
    tmp = (double *)RSE_MALLOC(2 * P * sizeof(double));
    keep = (float *)RSE_MALLOC(n * sizeof(float));
    if (!M || !tmp || !keep) { st = rse__fail(RSE_STATUS_NOMEM, "harmonize: out of memory"); goto done; }
    if ((st = rse__soft_mask(M, mb, w, h, p->radius, p->sigma, tmp)) != RSE_STATUS_OK) goto done;
    if (!(start = rse__i2i_signed(px, n))) { st = RSE_STATUS_NOMEM; goto done; }
    for (k = 0; k < n; k++) { float v = (start[k] + 1.0f) * 0.5f; keep[k] = v < 0 ? 0 : v > 1 ? 1 : v; }
    st = rse__i2i_run(m, start, w, h, M, &rgb, keep, p, out, progress, ctx);
    if (st == RSE_STATUS_OK && p->mask_out) {
        if ((st = rse_image_alloc(p->mask_out, img->w, img->h, 1)) == RSE_STATUS_OK) {
            if (w == img->w && h == img->h) memcpy(p->mask_out->data, M, P * sizeof(float));
            else {
                rse__edit e; /* only its model is used, for the arenas */
                memset(&e, 0, sizeof e);
                e.m = m;
                st = rse__edit_resize1(&e, p->mask_out->data, M, h, w, img->h, img->w);
            }
        }
    }
    if (st != RSE_STATUS_OK) for (i = 0; i < p->count; i++) rse_image_free(&out[i]);
done:
    RSE_FREE(px); RSE_FREE(mb); RSE_FREE(start); RSE_FREE(keep); RSE_FREE(M); RSE_FREE(tmp);
    rse_image_free(&rgb);
    return st;
}

RSEDEF rse_status rse_style_transfer(rse_sinddm *m, const rse_image *content, const rse_i2i_params *p, rse_image *out,
                                     rse_progress_fn progress, void *ctx) {
    uint8_t *px = 0;
    float *start = 0;
    rse_image rgb;
    rse_status st;
    int w, h, i, fin;
    size_t n;
    for (i = 0; p && i < p->count && i < 10000; i++) memset(&out[i], 0, sizeof out[i]);
    memset(&rgb, 0, sizeof rgb);
    if ((st = rse__i2i_check(m, content, p, "style")) != RSE_STATUS_OK) return st;
    fin = m->pyr.n - 1;
    rse__i2i_size(content->w, content->h, &w, &h);
    n = 3 * (size_t)w * h;
    if ((st = rse_image_to_rgb(content, &rgb)) != RSE_STATUS_OK) return st;
    if ((st = rse__i2i_levels(content, 3, w, h, &px)) != RSE_STATUS_OK) goto done;
    /* histograms of the finest training scale (the reference's scale_{N-1} PNG) */
    if (p->hist_match) rse__hist_match(px, (size_t)w * h, m->pyr.img[fin], (size_t)m->pyr.w[fin] * m->pyr.h[fin]);
    if (p->start_out && (st = rse_image_alloc(p->start_out, w, h, 3)) == RSE_STATUS_OK) {
        size_t k;
        for (k = 0; k < n; k++) p->start_out->data[k] = (float)px[k] / 255.0f;
    }
    if (st != RSE_STATUS_OK) goto done;
    if (!(start = rse__i2i_signed(px, n))) { st = RSE_STATUS_NOMEM; goto done; }
    st = rse__i2i_run(m, start, w, h, 0, &rgb, 0, p, out, progress, ctx);
    if (st != RSE_STATUS_OK) {
        for (i = 0; i < p->count; i++) rse_image_free(&out[i]);
        if (p->start_out) rse_image_free(p->start_out);
    }
done:
    RSE_FREE(px); RSE_FREE(start);
    rse_image_free(&rgb);
    return st;
}

/* Pastes obj into scene at the box `at` (obj resized to the box with
   LANCZOS when its size differs); mask (if not NULL) gets the box as a
   1-channel image of the scene's size: 1 inside, 0 outside. */
RSEDEF rse_status rse_image_paste(const rse_image *scene, const rse_image *obj, const rse_roi *at, rse_image *out,
                                  rse_image *mask) {
    rse_image rgb, orgb;
    uint8_t *px = 0;
    rse_status st;
    int c, x, y;
    memset(out, 0, sizeof *out);
    if (mask) memset(mask, 0, sizeof *mask);
    if (!scene || !scene->data || !obj || !obj->data || !at) return rse__fail(RSE_STATUS_BAD_ARG, "paste: no image");
    if ((st = rse__roi_check(at, scene->w, scene->h, "paste box")) != RSE_STATUS_OK) return st;
    if ((st = rse_image_to_rgb(scene, &rgb)) != RSE_STATUS_OK) return st;
    if ((st = rse_image_to_rgb(obj, &orgb)) != RSE_STATUS_OK) { rse_image_free(&rgb); return st; }
    if ((orgb.w != at->w || orgb.h != at->h) && (st = rse__i2i_levels(&orgb, 3, at->w, at->h, &px)) != RSE_STATUS_OK)
        goto done;
    for (c = 0; c < 3; c++)
        for (y = 0; y < at->h; y++)
            for (x = 0; x < at->w; x++) {
                size_t o = ((size_t)c * at->h + y) * at->w + x;
                rgb.data[((size_t)c * rgb.h + at->y + y) * rgb.w + at->x + x] = px ? (float)px[o] / 255.0f : orgb.data[o];
            }
    if (mask && (st = rse_image_alloc(mask, scene->w, scene->h, 1)) == RSE_STATUS_OK)
        for (y = 0; y < at->h; y++)
            for (x = 0; x < at->w; x++) mask->data[(size_t)(at->y + y) * scene->w + at->x + x] = 1.0f;
done:
    RSE_FREE(px);
    rse_image_free(&orgb);
    if (st == RSE_STATUS_OK) { *out = rgb; return st; }
    rse_image_free(&rgb);
    return st;
}

/* ===========================================================================
   SinDDM import
   The reference trainer's checkpoints (model-12.pt): a torch.save zip whose
   pickle is {'step', 'model', 'ema', 'sched', 'running_loss',
   'running_scale'}. 'model' and 'ema' are state dicts of the whole
   MultiScaleGaussianDiffusion: first its registered buffers (betas, the
   derived schedules, gammas), then the denoiser's weights under
   'denoise_fn.'. We read the 'ema' one (sampling uses the EMA weights) with
   clip.c's checkpoint reader, which parses the pickle as data against a
   whitelist of globals and never executes it.

   Nothing in the file describes the pyramid (the reference rebuilds it from
   the image on disk), so the training image must be given: we rebuild the
   pyramid from it exactly as the reference does, and check the stored
   buffers against our schedules: same T = 100, the same cosine schedule,
   and gammas of as many scales with the same values, which they only have
   for the image the model was trained on. dim comes from the weights'
   shapes. The result samples like any model; its Adam state is zero and its
   step is set to the end of training (the file's step and optimiser state
   are not needed for sampling).

   Absent under RSE_NO_CLIP: the zip and pickle readers are clip.c's.
   ========================================================================= */
#ifndef RSE_NO_CLIP

/* The buffers MultiScaleGaussianDiffusion registers, with the float32 values
   rse__sched holds for each (NULL for gammas, checked on its own). */
typedef struct { const char *name; size_t field; } rse__sd_refbuf;
#define RSE__REFBUF(n, f) { n, offsetof(rse__sched_f32, f) }
static const rse__sd_refbuf rse__sd_refbufs[] = {
    RSE__REFBUF("betas", betas), RSE__REFBUF("alphas_cumprod", alphas_cumprod),
    RSE__REFBUF("alphas_cumprod_prev", alphas_cumprod_prev), RSE__REFBUF("sqrt_alphas_cumprod", sqrt_ac),
    RSE__REFBUF("sqrt_one_minus_alphas_cumprod", sqrt_1m_ac),
    RSE__REFBUF("log_one_minus_alphas_cumprod", log_1m_ac),
    RSE__REFBUF("sqrt_recip_alphas_cumprod", sqrt_recip_ac),
    RSE__REFBUF("sqrt_recipm1_alphas_cumprod", sqrt_recipm1_ac),
    RSE__REFBUF("posterior_variance", post_var),
    RSE__REFBUF("posterior_log_variance_clipped", post_logvar),
    RSE__REFBUF("posterior_mean_coef1", post_c1), RSE__REFBUF("posterior_mean_coef2", post_c2) };
#undef RSE__REFBUF
#define RSE__SD_PREFIX "denoise_fn."

/* Float data of a checkpoint tensor that must have exactly shape[0..nd). */
RSE__FN rse_status rse__sd_import_tensor(const rse__ckpt_tensor *t, int nd, const int *shape, float *dst) {
    int d;
    char want[64], got[64];
    size_t n = 1;
    if (t->dtype != RSE_DT_F32 && t->dtype != RSE_DT_F16 && t->dtype != RSE_DT_BF16 && t->dtype != RSE_DT_F64)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "tensor '%s' is %s, not floating point", t->name,
                         rse__dtype_name(t->dtype));
    for (d = 0; d < nd; d++) n *= (size_t)shape[d];
    if (t->ndim != nd || t->numel != n) goto bad;
    for (d = 0; d < nd; d++) if (t->shape[d] != shape[d]) goto bad;
    return rse__ckpt_to_f32(t, dst, n);
bad:
    {
        size_t k = 0;
        want[0] = got[0] = 0;
        for (d = 0; d < nd; d++) k += rse__fmt(want + k, sizeof want - k, d ? ",%d" : "%d", shape[d]);
        for (d = 0, k = 0; d < t->ndim && d < 6; d++) k += rse__fmt(got + k, sizeof got - k, d ? ",%d" : "%d", t->shape[d]);
    }
    return rse__fail(RSE_STATUS_BAD_FORMAT, "tensor '%s' has shape (%s), expected (%s)", t->name, got, want);
}

/* Compares a stored buffer with ours: both are float32 roundings of the same
   float64 formulas (numpy there, libm here), so they agree to an ulp or
   two; 1e-5 relative (+1e-7 absolute, for values near 0) only catches a
   different schedule or a different image, never rounding. */
RSE__FN int rse__sd_import_close(const float *a, const float *b, size_t n, size_t *where) {
    size_t i;
    for (i = 0; i < n; i++)
        if (!(fabs((double)a[i] - b[i]) <= 1e-5 * fabs((double)b[i]) + 1e-7)) { *where = i; return 0; }
    return 1;
}

/* pyr: img's pyramid, already built (the import fuzz target's), or NULL. */
RSE__FN rse_status rse__sd_import(rse_sinddm **out, const void *ckpt, size_t len, const rse_image *img,
                                  const rse__pyramid *pyr) {
    rse__ckpt c;
    const rse__ckpt_tensor *t;
    rse_train_params p;
    rse_sinddm *m = 0;
    rse_status st;
    float *tmp = 0;
    size_t i, ndenoise = 0, where = 0;
    int dim, k, gshape[2];

    *out = 0;
    if (!img)
        return rse__fail(RSE_STATUS_BAD_ARG, "a reference SinDDM checkpoint needs its training image "
                         "(--image IMAGE): the pyramid is rebuilt from it");
    if ((st = rse__ckpt_load_mem(&c, ckpt, len, RSE_CKPT_EMA, "SinDDM checkpoint")) != RSE_STATUS_OK) return st;
    if (c.format != RSE_CKPT_TORCH) {
        st = rse__fail(RSE_STATUS_BAD_FORMAT, "SinDDM checkpoint: not a torch.save archive");
        goto done;
    }
    /* dim from the second block's first conv: (dim, dim/2, 3, 3) */
    t = rse__ckpt_find(&c, RSE__SD_PREFIX "l2.net.0.weight");
    if (!t) {
        st = rse__fail(RSE_STATUS_BAD_FORMAT, "SinDDM checkpoint: no '" RSE__SD_PREFIX "l2.net.0.weight' in its 'ema' "
                       "state dict (not a SinDDM model)");
        goto done;
    }
    if (t->ndim != 4 || t->shape[0] < 2 || t->shape[0] > RSE_SD_MAX_DIM || t->shape[0] % 2 ||
        t->shape[1] != t->shape[0] / 2) {
        st = rse__fail(RSE_STATUS_BAD_FORMAT, "SinDDM checkpoint: '%s' does not have the shape (dim, dim/2, 3, 3) "
                       "of an even dim up to %d", t->name, RSE_SD_MAX_DIM);
        goto done;
    }
    dim = t->shape[0];
    rse_train_params_init(&p, "paper");
    p.dim = dim;
    if ((st = rse__sd_create(&m, img, pyr, &p)) != RSE_STATUS_OK) goto done;

    /* every weight of our parameter table, by name and exact shape */
    for (k = 0; k < m->net.nparams; k++) {
        const rse__sd_param *q = &m->net.p[k];
        char name[64];
        rse__fmt(name, sizeof name, RSE__SD_PREFIX "%s", q->name);
        if (!(t = rse__ckpt_find(&c, name))) {
            st = rse__fail(RSE_STATUS_BAD_FORMAT, "SinDDM checkpoint: missing tensor '%s' (a dim %d denoiser needs it)",
                           name, dim);
            goto done;
        }
        if ((st = rse__sd_import_tensor(t, q->nd, q->shape, m->ema + q->off)) != RSE_STATUS_OK) goto prefix;
    }
    /* nothing else under denoise_fn., and only the known buffers besides */
    for (i = 0; i < c.n; i++) {
        const char *nm = c.t[i].name;
        size_t b;
        if (!strncmp(nm, RSE__SD_PREFIX, sizeof RSE__SD_PREFIX - 1)) { ndenoise++; continue; }
        for (b = 0; b < sizeof rse__sd_refbufs / sizeof rse__sd_refbufs[0]; b++)
            if (!strcmp(nm, rse__sd_refbufs[b].name)) break;
        if (b == sizeof rse__sd_refbufs / sizeof rse__sd_refbufs[0] && strcmp(nm, "gammas") != 0) {
            char pr[96];
            rse__ff_printable(pr, sizeof pr, nm, strlen(nm));
            st = rse__fail(RSE_STATUS_BAD_FORMAT, "SinDDM checkpoint: unexpected tensor '%s' in the 'ema' state dict", pr);
            goto done;
        }
    }
    if (ndenoise != (size_t)m->net.nparams) {
        st = rse__fail(RSE_STATUS_BAD_FORMAT, "SinDDM checkpoint: %zu '" RSE__SD_PREFIX "' tensors, a dim %d denoiser "
                       "has %d (a different architecture)", ndenoise, dim, m->net.nparams);
        goto done;
    }

    /* the stored schedules and gammas must be ours for this image */
    tmp = (float *)RSE_MALLOC((size_t)RSE_SD_T * RSE_PYR_MAX_SCALES * sizeof(float));
    if (!tmp) { st = rse__fail(RSE_STATUS_NOMEM, "SinDDM checkpoint: out of memory"); goto done; }
    for (k = 0; k < (int)(sizeof rse__sd_refbufs / sizeof rse__sd_refbufs[0]); k++) {
        const float *ours = *(float *const *)(const void *)((const char *)&m->sched.f + rse__sd_refbufs[k].field);
        int T = RSE_SD_T;
        if (!(t = rse__ckpt_find(&c, rse__sd_refbufs[k].name))) continue; /* optional: not used */
        if (t->ndim == 1 && t->shape[0] != RSE_SD_T) {
            st = rse__fail(RSE_STATUS_UNSUPPORTED, "SinDDM checkpoint: trained with %d timesteps; rsedit supports %d",
                           t->shape[0], RSE_SD_T);
            goto done;
        }
        if ((st = rse__sd_import_tensor(t, 1, &T, tmp)) != RSE_STATUS_OK) goto prefix;
        if (!rse__sd_import_close(tmp, ours, RSE_SD_T, &where)) {
            st = rse__fail(RSE_STATUS_BAD_FORMAT, "SinDDM checkpoint: '%s'[%zu] = %g, the cosine schedule gives %g",
                           t->name, where, (double)tmp[where], (double)ours[where]);
            goto done;
        }
    }
    if ((t = rse__ckpt_find(&c, "gammas")) != 0) {
        if (t->ndim != 2 || t->shape[1] != RSE_SD_T) {
            st = rse__fail(RSE_STATUS_BAD_FORMAT, "SinDDM checkpoint: 'gammas' must be (scales-1, %d)", RSE_SD_T);
            goto done;
        }
        if (t->shape[0] != m->pyr.n - 1) {
            st = rse__fail(RSE_STATUS_BAD_FORMAT, "SinDDM checkpoint: gammas for %d scales, the pyramid of the "
                           "given image has %d: pass the image the model was trained on",
                           t->shape[0] + 1, m->pyr.n);
            goto done;
        }
        gshape[0] = m->pyr.n - 1;
        gshape[1] = RSE_SD_T;
        if ((st = rse__sd_import_tensor(t, 2, gshape, tmp)) != RSE_STATUS_OK) goto prefix;
        if (!rse__sd_import_close(tmp, m->sched.gamma, (size_t)gshape[0] * RSE_SD_T, &where)) {
            st = rse__fail(RSE_STATUS_BAD_FORMAT, "SinDDM checkpoint: gammas of scale %d differ from those of the "
                           "given image (%g, expected %g): pass the image the model was trained on",
                           (int)(where / RSE_SD_T) + 1, (double)tmp[where], (double)m->sched.gamma[where]);
            goto done;
        }
    }
    memcpy(m->w, m->ema, m->net.total * sizeof(float));
    m->step = m->opt.steps;
    *out = m;
    m = 0;
    goto done;
prefix:
    rse__fail_prefix(st, "SinDDM checkpoint");
done:
    RSE_FREE(tmp);
    rse_sinddm_free(m);
    rse__ckpt_free(&c);
    return st;
}

RSEDEF rse_status rse_sinddm_import_mem(rse_sinddm **out, const void *ckpt, size_t len, const rse_image *img) {
    return rse__sd_import(out, ckpt, len, img, 0);
}
#endif /* RSE_NO_CLIP */

/* ===========================================================================
   Images: memory codecs
   Readers for PPM/PGM (P2, P3, P5, P6), BMP, PNG, TIFF and JPEG, writers for
   PPM/PGM, BMP and PNG. Everything here works on memory buffers and byte sinks only; the file
   layer below adds paths. Every reader goes through rse__cursor, whose reads
   past the end return 0 and set a flag, so a hostile length can make a decode
   fail but never read outside the buffer.
   ========================================================================= */

/* A little-endian dword as the signed int32 that BMP widths and heights
   are, without relying on an implementation-defined conversion. */
RSE__FN int64_t rse__s32(uint32_t v) {
    return v >= 0x80000000u ? (int64_t)v - ((int64_t)1 << 32) : (int64_t)v;
}

/* A byte for an error message: 'x' if printable, else \xNN. */
RSE__FN const char *rse__char_desc(int ch, char buf[8]) {
    if (ch < 0) rse__fmt(buf, 8, "end of file");
    else if (ch >= 0x20 && ch < 0x7f) rse__fmt(buf, 8, "'%c'", ch);
    else rse__fmt(buf, 8, "\\x%x%x", (unsigned)ch >> 4, (unsigned)ch & 15u);
    return buf;
}

/* ---- images ------------------------------------------------------------- */

/* OK if img is something the writers can encode: the caller's image is
   checked like a file's, since a broken struct would index out of bounds. */
RSE__FN rse_status rse__check_image(const rse_image *img) {
    if (!img || !img->data) return rse__fail(RSE_STATUS_BAD_ARG, "no image data");
    if (img->c != 1 && img->c != 3)
        return rse__fail(RSE_STATUS_BAD_ARG, "image channels must be 1 or 3, got %d", img->c);
    if (rse__check_dims(img->w, img->h) != RSE_STATUS_OK)
        return rse__fail(RSE_STATUS_BAD_ARG, "bad image size %dx%d", img->w, img->h);
    return RSE_STATUS_OK;
}

RSEDEF rse_status rse_image_to_rgb(const rse_image *in, rse_image *out) {
    size_t plane, k;
    rse_status st;
    if (!out) return rse__fail(RSE_STATUS_BAD_ARG, "rse_image_to_rgb: NULL output");
    out->data = 0;
    if ((st = rse__check_image(in)) != RSE_STATUS_OK) return st;
    if ((st = rse_image_alloc(out, in->w, in->h, 3)) != RSE_STATUS_OK) return st;
    plane = (size_t)in->w * (size_t)in->h;
    /* A gray plane is copied into all three; an RGB image is copied as is. */
    for (k = 0; k < 3; k++)
        memcpy(out->data + k * plane, in->data + (in->c == 3 ? k * plane : 0), plane * sizeof(float));
    return RSE_STATUS_OK;
}

/* ---- PPM / PGM reader --------------------------------------------------
   Netpbm header: magic "P2"/"P3"/"P5"/"P6", then width, height, maxval as
   ASCII decimals separated by whitespace, with '#' comments (to the end of
   the line) allowed anywhere between tokens. In the binary formats (P5, P6)
   exactly ONE whitespace byte follows maxval, then the raster: 1 byte per
   sample if maxval < 256, else 2 bytes BIG-endian. The ASCII formats (P2,
   P3) give every sample as a decimal token. A sample is v/maxval in [0,1];
   a sample larger than maxval is an error, not clamped. Bytes after the
   raster (e.g. a second image) are ignored.
   ------------------------------------------------------------------------- */

typedef struct rse__pnm_hdr {
    int w, h, c;        /* c = 1 for PGM, 3 for PPM */
    unsigned maxval;    /* 1..65535 */
    int ascii;          /* P2 / P3 */
} rse__pnm_hdr;

RSE__FN int rse__is_space(int ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* Skips whitespace and '#' comments. */
RSE__FN void rse__pnm_skip_space(rse__cursor *c) {
    for (;;) {
        int ch = rse__peek8(c);
        if (ch == '#') {
            while (ch >= 0 && ch != '\n' && ch != '\r') { rse__get8(c); ch = rse__peek8(c); }
        } else if (ch >= 0 && rse__is_space(ch)) {
            rse__get8(c);
        } else {
            return;
        }
    }
}

/* Reads one decimal token (after whitespace and comments) into *out, which
   saturates at UINT32_MAX so a 40-digit width is "too large", not wrapped.
   The token must end at whitespace, a comment or the end of the input. */
RSE__FN rse_status rse__pnm_uint(rse__cursor *c, const char *what, uint32_t *out) {
    uint32_t v = 0;
    int ch, ndig = 0;
    char cd[8];
    rse__pnm_skip_space(c);
    ch = rse__peek8(c);
    if (ch < 0) return rse__fail(RSE_STATUS_TRUNCATED, "input ends before the %s", what);
    while (ch >= '0' && ch <= '9') {
        uint32_t d = (uint32_t)(ch - '0');
        v = v > (UINT32_MAX - d) / 10 ? UINT32_MAX : v * 10 + d;
        ndig++;
        rse__get8(c);
        ch = rse__peek8(c);
    }
    if (!ndig)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "bad %s: expected a number, got %s", what, rse__char_desc(ch, cd));
    if (ch >= 0 && !rse__is_space(ch) && ch != '#')
        return rse__fail(RSE_STATUS_BAD_FORMAT, "bad %s: unexpected %s after the number", what, rse__char_desc(ch, cd));
    *out = v;
    return RSE_STATUS_OK;
}

/* Parses the header; on success the cursor is at the first raster byte (for
   P5/P6) or just after maxval (for P2/P3). */
RSE__FN rse_status rse__pnm_header(rse__cursor *c, rse__pnm_hdr *hd) {
    uint32_t w, h, maxval;
    unsigned m0 = rse__get8(c), m1 = rse__get8(c);
    int ch;
    char cd[8];
    rse_status st;
    if (m0 != 'P' || (m1 != '2' && m1 != '3' && m1 != '5' && m1 != '6'))
        return rse__fail(RSE_STATUS_BAD_FORMAT, "not a PPM/PGM file");
    hd->c = (m1 == '3' || m1 == '6') ? 3 : 1;
    hd->ascii = (m1 == '2' || m1 == '3');
    /* "P6" must be followed by a separator: "P65 5 255" is not a PPM. */
    ch = rse__peek8(c);
    if (ch < 0) return rse__fail(RSE_STATUS_TRUNCATED, "input ends after the magic number");
    if (!rse__is_space(ch) && ch != '#')
        return rse__fail(RSE_STATUS_BAD_FORMAT, "garbage %s after the magic number P%c", rse__char_desc(ch, cd), (int)m1);
    if ((st = rse__pnm_uint(c, "width", &w)) != RSE_STATUS_OK) return st;
    if ((st = rse__pnm_uint(c, "height", &h)) != RSE_STATUS_OK) return st;
    if ((st = rse__check_dims(w, h)) != RSE_STATUS_OK) return st;
    if ((st = rse__pnm_uint(c, "maxval", &maxval)) != RSE_STATUS_OK) return st;
    if (maxval < 1 || maxval > 65535)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "bad maxval %u (must be 1..65535)", (unsigned)maxval);
    hd->w = (int)w; hd->h = (int)h; hd->maxval = maxval;
    if (!hd->ascii) {
        /* Exactly one whitespace byte separates maxval from the raster (the
           raster may itself start with a byte that looks like whitespace).
           Netpbm also tolerates a comment there, so we do too. */
        ch = rse__peek8(c);
        if (ch < 0) return rse__fail(RSE_STATUS_TRUNCATED, "input ends before the pixel data");
        if (ch == '#') {
            while (ch >= 0 && ch != '\n' && ch != '\r') { rse__get8(c); ch = rse__peek8(c); }
            if (ch < 0) return rse__fail(RSE_STATUS_TRUNCATED, "input ends before the pixel data");
        }
        rse__get8(c); /* the separator; pnm_uint guaranteed it is whitespace */
    }
    return RSE_STATUS_OK;
}

RSE__FN rse_status rse__pnm_load(rse__cursor *c, rse_image *out) {
    rse__pnm_hdr hd;
    rse_status st;
    size_t plane, n, i, need;
    int bps;
    float fmax;
    if ((st = rse__pnm_header(c, &hd)) != RSE_STATUS_OK) return st;
    plane = (size_t)hd.w * (size_t)hd.h;
    n = plane * (size_t)hd.c;             /* samples, checked by check_dims */
    bps = hd.maxval < 256 ? 1 : 2;
    /* Refuse a short raster BEFORE allocating, so a 20-byte header cannot
       make us allocate gigabytes. ASCII samples take at least 2 bytes each
       (a digit and a separator), except the last. */
    if (!rse__mul_ok(n, hd.ascii ? 2 : (size_t)bps, &need))
        return rse__fail(RSE_STATUS_LIMIT, "pixel data size overflows");
    if (hd.ascii) need -= 1;
    if (rse__cur_left(c) < need) {
        if (hd.ascii)
            return rse__fail(RSE_STATUS_TRUNCATED, "pixel data truncated: %zu samples need at least %zu bytes, have %zu",
                             n, need, rse__cur_left(c));
        return rse__fail(RSE_STATUS_TRUNCATED, "pixel data truncated: need %zu bytes, have %zu",
                         need, rse__cur_left(c));
    }
    if ((st = rse_image_alloc(out, hd.w, hd.h, hd.c)) != RSE_STATUS_OK) return st;
    /* v / maxval as one float division: exact for v = 0 and v = maxval, and
       the nearest float to the true ratio otherwise, so 8-bit data gives the
       same floats as k/255.0f computed anywhere else. */
    fmax = (float)hd.maxval;
    /* The raster is interleaved (RGBRGB...), the image planar: sample i is
       pixel i / c, channel i % c. */
    for (i = 0; i < n; i++) {
        uint32_t v;
        size_t px = i / (size_t)hd.c, ch = i % (size_t)hd.c;
        if (hd.ascii) {
            st = rse__pnm_uint(c, "sample", &v);
            if (st == RSE_STATUS_TRUNCATED)
                st = rse__fail(st, "pixel data truncated: %zu of %zu samples", i, n);
            if (st != RSE_STATUS_OK) { rse_image_free(out); return st; }
        } else {
            v = bps == 1 ? rse__get8(c) : rse__get16be(c);
        }
        if (v > hd.maxval) {
            rse_image_free(out);
            return rse__fail(RSE_STATUS_BAD_FORMAT, "sample %u exceeds maxval %u at row %zu column %zu",
                             (unsigned)v, hd.maxval, px / (size_t)hd.w, px % (size_t)hd.w);
        }
        out->data[ch * plane + px] = (float)v / fmax;
    }
    return RSE_STATUS_OK;
}

/* ---- BMP reader ---------------------------------------------------------
   Layout: a 14-byte file header ("BM", file size, 2 reserved words, the
   OFFSET of the pixel data), a DIB header whose first dword is its own size
   (12 = OS/2 BITMAPCOREHEADER with 16-bit sides; 40 = BITMAPINFOHEADER;
   52/56 = V2/V3, which add the RGB / RGBA masks; 108 = V4; 124 = V5), then
   optional colour masks and palette, then the pixels at OFFSET. All integers
   are little-endian.
   Quirks:
   - Rows run BOTTOM-UP unless the height is negative (top-down).
   - Every row is padded to a multiple of 4 bytes.
   - Pixels are B,G,R (and palette entries B,G,R[,0]; 3 bytes in a core
     header, 4 otherwise). 1- and 4-bit pixels pack the leftmost pixel in the
     most significant bits.
   - A palette has biClrUsed entries, or 2^bpp when that is 0.
   - 16- and 32-bit pixels are split by masks: with BI_BITFIELDS they come
     from the header (V2+) or from 3 dwords right after a 40-byte header;
     with BI_RGB they are fixed (16-bit 5-5-5, 32-bit X8-R8-G8-B8).
   ------------------------------------------------------------------------- */

enum { RSE__BI_RGB = 0, RSE__BI_RLE8 = 1, RSE__BI_RLE4 = 2, RSE__BI_BITFIELDS = 3,
       RSE__BI_JPEG = 4, RSE__BI_PNG = 5, RSE__BI_ALPHABITFIELDS = 6 };

typedef struct rse__bmp_hdr {
    int w, h;             /* h > 0 whatever the row order */
    int top_down;
    int bpp;
    uint32_t comp;        /* RSE__BI_RGB, _RLE8, _RLE4 or a bitfields kind */
    size_t offset;        /* pixel data, from the start of the file */
    size_t stride;        /* bytes per row, padding included */
    int ncolors;          /* palette entries actually present (bpp <= 8) */
    uint32_t mask[3];     /* R, G, B (bpp 16 / 32) */
    unsigned char pal[256][3]; /* R, G, B */
} rse__bmp_hdr;

/* Validates a colour mask: non-zero, one contiguous run of ones, inside the
   pixel. Gives the shift to its lowest bit and the maximum channel value. */
RSE__FN rse_status rse__bmp_mask(uint32_t m, int bpp, const char *name, int *shift, uint32_t *maxv) {
    int s = 0;
    uint32_t run;
    if (m == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "zero %s mask", name);
    if (bpp < 32 && (m >> bpp) != 0)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "%s mask 0x%x wider than %d bits", name, (unsigned)m, bpp);
    while (!((m >> s) & 1u)) s++;
    run = m >> s;
    if ((run & (run + 1u)) != 0) /* run+1 is a power of two iff run is 0..01..1 */
        return rse__fail(RSE_STATUS_BAD_FORMAT, "non-contiguous %s mask 0x%x", name, (unsigned)m);
    *shift = s;
    *maxv = run;
    return RSE_STATUS_OK;
}

RSE__FN rse_status rse__bmp_header(rse__cursor *c, rse__bmp_hdr *hd) {
    uint32_t offset, hsize, comp = RSE__BI_RGB, clr_used = 0;
    int64_t w, h;
    unsigned planes, bpp;
    size_t hdr_end, bits, len = rse__cur_left(c) + rse__cur_pos(c);
    rse_status st;
    int i;
    memset(hd, 0, sizeof *hd);
    if (rse__get8(c) != 'B' || rse__get8(c) != 'M') return rse__fail(RSE_STATUS_BAD_FORMAT, "not a BMP file");
    rse__skip(c, 8);            /* file size (often wrong) and reserved words */
    offset = rse__get32le(c);
    hsize = rse__get32le(c);
    if (c->truncated) return rse__fail(RSE_STATUS_TRUNCATED, "BMP file header truncated");
    if (hsize == 64)
        return rse__fail(RSE_STATUS_UNSUPPORTED, "OS/2 2.x BMP (header size 64) not supported");
    if (hsize != 12 && hsize != 40 && hsize != 52 && hsize != 56 && hsize != 108 && hsize != 124)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "bad BMP header size %u", (unsigned)hsize);
    if (rse__cur_left(c) < hsize - 4)
        return rse__fail(RSE_STATUS_TRUNCATED, "BMP header truncated: %u-byte header, %zu bytes left",
                         (unsigned)hsize, rse__cur_left(c) + 4);
    if (hsize == 12) {          /* OS/2 1.x core header: unsigned 16-bit sides */
        w = rse__get16le(c);
        h = rse__get16le(c);
        planes = rse__get16le(c);
        bpp = rse__get16le(c);
    } else {
        w = rse__s32(rse__get32le(c));
        h = rse__s32(rse__get32le(c));
        planes = rse__get16le(c);
        bpp = rse__get16le(c);
        comp = rse__get32le(c);
        rse__skip(c, 12);       /* image size, x and y pixels per metre */
        clr_used = rse__get32le(c);
        rse__skip(c, 4);        /* important colours */
    }
    hdr_end = 14 + (size_t)hsize;
    if (h < 0) { hd->top_down = 1; h = -h; } /* int64: -INT32_MIN is fine */
    if ((st = rse__check_dims(w, h)) != RSE_STATUS_OK) return st;
    if (planes != 1) return rse__fail(RSE_STATUS_BAD_FORMAT, "bad BMP plane count %u (must be 1)", planes);
    switch (comp) {
    case RSE__BI_RGB: case RSE__BI_BITFIELDS: case RSE__BI_ALPHABITFIELDS: break;
    case RSE__BI_RLE8: case RSE__BI_RLE4:
        if (bpp != (comp == RSE__BI_RLE8 ? 8u : 4u))
            return rse__fail(RSE_STATUS_BAD_FORMAT, "BMP RLE%d needs %d bits per pixel, got %u",
                             comp == RSE__BI_RLE8 ? 8 : 4, comp == RSE__BI_RLE8 ? 8 : 4, bpp);
        break;
    case RSE__BI_JPEG: return rse__fail(RSE_STATUS_UNSUPPORTED, "JPEG-compressed BMP not supported");
    case RSE__BI_PNG: return rse__fail(RSE_STATUS_UNSUPPORTED, "PNG-compressed BMP not supported");
    default: return rse__fail(RSE_STATUS_BAD_FORMAT, "unknown BMP compression %u", (unsigned)comp);
    }
    if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "bad BMP bits per pixel %u", bpp);
    if (hsize == 12 && (bpp == 16 || bpp == 32))
        return rse__fail(RSE_STATUS_BAD_FORMAT, "bad BMP bits per pixel %u for a core header", bpp);
    if ((comp == RSE__BI_BITFIELDS || comp == RSE__BI_ALPHABITFIELDS) && bpp != 16 && bpp != 32)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "BMP bitfields need 16 or 32 bits per pixel, got %u", bpp);
    hd->w = (int)w; hd->h = (int)h; hd->bpp = (int)bpp; hd->comp = comp;

    /* Masks. */
    if (comp == RSE__BI_BITFIELDS || comp == RSE__BI_ALPHABITFIELDS) {
        if (hsize == 40) {      /* masks follow the header: 3 dwords, or 4 with alpha */
            rse__seek(c, hdr_end);
            hdr_end += comp == RSE__BI_ALPHABITFIELDS ? 16 : 12;
        } else {
            rse__seek(c, 14 + 40); /* V2+ headers hold them at byte 40 */
        }
        for (i = 0; i < 3; i++) hd->mask[i] = rse__get32le(c);
        if (c->truncated) return rse__fail(RSE_STATUS_TRUNCATED, "BMP colour masks truncated");
    } else if (bpp == 16) {
        hd->mask[0] = 0x7C00; hd->mask[1] = 0x03E0; hd->mask[2] = 0x001F;
    } else if (bpp == 32) {
        hd->mask[0] = 0xFF0000; hd->mask[1] = 0xFF00; hd->mask[2] = 0xFF;
    }
    if (bpp == 16 || bpp == 32) {
        static const char *names[3] = { "red", "green", "blue" };
        int sh; uint32_t mx;
        for (i = 0; i < 3; i++)
            if ((st = rse__bmp_mask(hd->mask[i], (int)bpp, names[i], &sh, &mx)) != RSE_STATUS_OK) return st;
        if ((hd->mask[0] & hd->mask[1]) || (hd->mask[0] & hd->mask[2]) || (hd->mask[1] & hd->mask[2]))
            return rse__fail(RSE_STATUS_BAD_FORMAT, "overlapping BMP colour masks 0x%x 0x%x 0x%x",
                             (unsigned)hd->mask[0], (unsigned)hd->mask[1], (unsigned)hd->mask[2]);
    }

    /* The pixel data must start after everything above and inside the file. */
    if (offset < hdr_end)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "bad BMP pixel data offset %u (header ends at %zu)",
                         (unsigned)offset, hdr_end);
    if (offset > len)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "bad BMP pixel data offset %u beyond the end (%zu bytes)",
                         (unsigned)offset, len);
    hd->offset = offset;

    /* Palette: between the headers and the pixel data. Without biClrUsed the
       count is 2^bpp, but some writers store fewer entries and put the pixels
       right after them: then the offset tells how many there are. An explicit
       count that does not fit is an error. */
    if (bpp <= 8) {
        size_t entry = hsize == 12 ? 3 : 4, avail = (offset - hdr_end) / entry;
        uint32_t maxc = 1u << bpp;
        if (clr_used > maxc)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "BMP palette of %u colours exceeds 2^%u",
                             (unsigned)clr_used, bpp);
        if (clr_used && avail < clr_used)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "BMP palette of %u colours overlaps the pixel data at %u",
                             (unsigned)clr_used, (unsigned)offset);
        hd->ncolors = (int)(clr_used ? clr_used : (avail < maxc ? avail : maxc));
        if (hd->ncolors == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "BMP palette missing");
        rse__seek(c, hdr_end);
        for (i = 0; i < hd->ncolors; i++) {
            hd->pal[i][2] = (unsigned char)rse__get8(c);
            hd->pal[i][1] = (unsigned char)rse__get8(c);
            hd->pal[i][0] = (unsigned char)rse__get8(c);
            if (entry == 4) rse__get8(c);
        }
    }

    /* Row stride: bits per row rounded up to a whole number of dwords. */
    if (!rse__mul_ok((size_t)w, bpp, &bits) || !rse__add_ok(bits, 31, &bits))
        return rse__fail(RSE_STATUS_LIMIT, "BMP row size overflows");
    hd->stride = bits / 32 * 4;
    return RSE_STATUS_OK;
}

/* ---- BMP RLE8 / RLE4 (compression 1 and 2) -------------------------------
   The pixel data is a stream of 2-byte commands (n, b):
   - n > 0: a run of n pixels, all index b (RLE8) or alternating the high
     and low nibbles of b (RLE4);
   - n = 0, b = 0: end of line; b = 1: end of bitmap; b = 2: delta, the next
     two bytes dx, dy move the position right dx and dy rows on;
   - n = 0, b >= 3: absolute mode, b literal indices (b bytes in RLE8, one
     nibble each in RLE4), padded to an even file position.
   Decoding follows Pillow's BmpRleDecoder (9.4) step for step, because the
   format leaves the odd cases open and Pillow is what the fixtures are
   checked against: pixels are laid out in FILE order as one line of w*h
   indices (rows bottom-up unless the height is negative); a run that passes
   the row end is cut there; an absolute run is not, and wraps into the next
   row; end of line moves to the next multiple of w; a delta or run past the
   last pixel ends the image; pixels never written are index 0. Two Pillow
   9.4 slips are NOT copied, both contrary to the format and fixed in later
   Pillow: its delta reads two bytes more than it uses, and its RLE4
   absolute run of odd length reads one byte too few. Where Pillow raises
   ("not enough image data": the stream ends, mid-command or without an
   end of bitmap, before the image is full) we refuse as TRUNCATED, but an
   end of bitmap before the image is full leaves the rest index 0, which the
   format allows and encoders use for a trailing background. */

/* Compressed BMPs are refused above this many pixels per stream byte (a 2-byte
   delta or end of line can skip whole rows, so there is no hard bound, but
   a real file is far below it): a 100-byte file cannot make us allocate
   16384 x 16384 pixels. Small images are always allowed. */
#define RSE__BMP_RLE_RATIO 1024
#define RSE__BMP_RLE_FREE ((size_t)1 << 20)

RSE__FN rse_status rse__bmp_rle_load(rse__cursor *c, const rse__bmp_hdr *hd, rse_image *out) {
    size_t w = (size_t)hd->w, total = (size_t)hd->w * (size_t)hd->h, pos = 0, x = 0, i;
    size_t stream = rse__cur_left(c) + rse__cur_pos(c) - hd->offset;
    int rle4 = hd->comp == RSE__BI_RLE4, k;
    unsigned char *idx;
    rse_status st = RSE_STATUS_OK;
    if (total > RSE__BMP_RLE_FREE && total / RSE__BMP_RLE_RATIO > stream)
        return rse__fail(RSE_STATUS_LIMIT, "BMP RLE data of %zu bytes cannot hold %dx%d pixels", stream, hd->w, hd->h);
    idx = (unsigned char *)RSE_MALLOC(total);
    if (!idx) return rse__fail(RSE_STATUS_NOMEM, "out of memory for %zu BMP palette indices", total);
    memset(idx, 0, total);
    rse__seek(c, hd->offset);
    while (pos < total) {
        unsigned n, b;
        if (rse__cur_left(c) < 2) {
            st = rse__fail(RSE_STATUS_TRUNCATED, "BMP RLE data ends after %zu of %zu pixels without an end-of-bitmap",
                           pos, total);
            break;
        }
        n = rse__get8(c);
        b = rse__get8(c);
        if (n) {                                    /* a run, cut at the row end */
            size_t m = x + n > w ? (x < w ? w - x : 0) : n;
            for (i = 0; i < m && pos < total; i++)
                idx[pos++] = (unsigned char)(rle4 ? ((i & 1) ? b & 15u : b >> 4) : b);
            x += m;
        } else if (b == 0) {                        /* end of line */
            if (pos % w) pos += w - pos % w;
            x = 0;
        } else if (b == 1) {                        /* end of bitmap */
            break;
        } else if (b == 2) {                        /* delta: dx right, dy rows on */
            size_t dx, dy;
            if (rse__cur_left(c) < 2) {
                st = rse__fail(RSE_STATUS_TRUNCATED, "BMP RLE delta truncated after %zu of %zu pixels", pos, total);
                break;
            }
            dx = rse__get8(c);
            dy = rse__get8(c);
            /* dy * w <= 255 * 16384: no overflow; past the end ends the image */
            pos = pos + dx + dy * w < total ? pos + dx + dy * w : total;
            x = pos % w;
        } else {                                    /* absolute: b literal indices */
            size_t nbytes = rle4 ? (b + 1) / 2 : b;
            const unsigned char *p = c->p;
            if (rse__cur_left(c) < nbytes) {
                st = rse__fail(RSE_STATUS_TRUNCATED, "BMP RLE absolute run of %u pixels truncated after %zu of %zu pixels",
                               b, pos, total);
                break;
            }
            for (i = 0; i < b && pos < total; i++)
                idx[pos++] = rle4 ? (unsigned char)((i & 1) ? p[i / 2] & 15u : p[i / 2] >> 4) : p[i];
            rse__skip(c, nbytes);
            x += b;
            /* runs are padded to a 16-bit word of the FILE (as Pillow reads it) */
            if (rse__cur_pos(c) & 1) rse__skip(c, 1);
        }
    }
    if (st == RSE_STATUS_OK) st = rse_image_alloc(out, hd->w, hd->h, 3);
    if (st != RSE_STATUS_OK) { RSE_FREE(idx); return st; }
    for (pos = 0; pos < total; pos++) {
        size_t r = pos / w, y = hd->top_down ? r : (size_t)hd->h - 1 - r, px = y * w + pos % w;
        if (idx[pos] >= hd->ncolors) {
            st = rse__fail(RSE_STATUS_BAD_FORMAT, "BMP palette index %d out of range (%d colours) at row %zu column %zu",
                           (int)idx[pos], hd->ncolors, y, pos % w);
            rse_image_free(out);
            break;
        }
        for (k = 0; k < 3; k++) out->data[(size_t)k * total + px] = (float)hd->pal[idx[pos]][k] / 255.0f;
    }
    RSE_FREE(idx);
    return st;
}

RSE__FN rse_status rse__bmp_load(rse__cursor *c, rse_image *out) {
    rse__bmp_hdr hd;
    rse_status st;
    size_t need, end, plane;
    int shift[3] = { 0, 0, 0 }, r, x, k;
    uint32_t maxv[3] = { 1, 1, 1 };
    if ((st = rse__bmp_header(c, &hd)) != RSE_STATUS_OK) return st;
    if (hd.comp == RSE__BI_RLE8 || hd.comp == RSE__BI_RLE4) return rse__bmp_rle_load(c, &hd, out);
    /* All rows must be in the buffer before we allocate: a 60-byte file
       claiming 16384x16384 pixels fails here, not after a 3 GB malloc. */
    if (!rse__mul_ok(hd.stride, (size_t)hd.h, &need) || !rse__add_ok(hd.offset, need, &end))
        return rse__fail(RSE_STATUS_LIMIT, "BMP pixel data size overflows");
    if (end > rse__cur_left(c) + rse__cur_pos(c))
        return rse__fail(RSE_STATUS_TRUNCATED, "BMP pixel data truncated: need %zu bytes at offset %zu, file has %zu",
                         need, hd.offset, rse__cur_left(c) + rse__cur_pos(c));
    if (hd.bpp == 16 || hd.bpp == 32)
        for (k = 0; k < 3; k++) rse__bmp_mask(hd.mask[k], hd.bpp, "", &shift[k], &maxv[k]);
    if ((st = rse_image_alloc(out, hd.w, hd.h, 3)) != RSE_STATUS_OK) return st;
    plane = (size_t)hd.w * (size_t)hd.h;
    for (r = 0; r < hd.h; r++) {
        /* File row r is image row r when top-down, h-1-r when bottom-up. */
        int y = hd.top_down ? r : hd.h - 1 - r;
        float *o = out->data + (size_t)y * (size_t)hd.w;
        unsigned byte = 0;
        rse__seek(c, hd.offset + (size_t)r * hd.stride);
        for (x = 0; x < hd.w; x++) {
            float rgb[3];
            if (hd.bpp <= 8) {
                /* Palette index: leftmost pixel in the high bits of a byte. */
                int idx;
                if (hd.bpp == 8) idx = (int)rse__get8(c);
                else if (hd.bpp == 4) {
                    if ((x & 1) == 0) byte = rse__get8(c);
                    idx = (int)((x & 1) ? byte & 15u : byte >> 4);
                } else {
                    if ((x & 7) == 0) byte = rse__get8(c);
                    idx = (int)((byte >> (7 - (x & 7))) & 1u);
                }
                if (idx >= hd.ncolors) {
                    rse_image_free(out);
                    return rse__fail(RSE_STATUS_BAD_FORMAT, "BMP palette index %d out of range (%d colours) at row %d column %d",
                                     idx, hd.ncolors, y, x);
                }
                for (k = 0; k < 3; k++) rgb[k] = (float)hd.pal[idx][k] / 255.0f;
            } else if (hd.bpp == 24) {
                rgb[2] = (float)rse__get8(c) / 255.0f;
                rgb[1] = (float)rse__get8(c) / 255.0f;
                rgb[0] = (float)rse__get8(c) / 255.0f;
            } else {
                /* Bitfields: a channel of n bits spans 0..2^n-1, scaled to
                   [0,1] by dividing by its own maximum, so a 5-bit 31 and an
                   8-bit 255 both give exactly 1. Alpha is ignored. */
                uint32_t v = hd.bpp == 16 ? rse__get16le(c) : rse__get32le(c);
                for (k = 0; k < 3; k++)
                    rgb[k] = (float)((v & hd.mask[k]) >> shift[k]) / (float)maxv[k];
            }
            for (k = 0; k < 3; k++) o[(size_t)k * plane + (size_t)x] = rgb[k];
        }
    }
    if (c->truncated) { /* cannot happen after the size check: a bug */
        rse_image_free(out);
        return rse__fail(RSE_STATUS_INTERNAL, "BMP decoder read past the checked size");
    }
    return RSE_STATUS_OK;
}

/* ---- PNG reader ----------------------------------------------------------
   A PNG is an 8-byte signature, then chunks: length (4 bytes big-endian, at
   most 2^31-1, data only), a 4-letter type, the data, and the CRC-32 of type
   and data. IHDR comes first (13 bytes: width, height, bit depth, colour
   type, compression 0, filter method 0, interlace 0 or 1); PLTE (the palette,
   1-256 RGB entries) before the image data; the image data is the
   concatenation of every IDAT chunk's data, ONE zlib stream; IEND ends the
   file. A letter's case in the type says what a reader may do: an upper-case
   first letter is a critical chunk (unknown ones are refused, since the image
   cannot be decoded without them), a lower-case one an ancillary chunk
   (skipped: tRNS, gAMA, text...). Every chunk's CRC is checked, skipped ones
   included, as libpng does for critical chunks and Pillow for all.

   Colour types and the bit depths each allows (PNG spec 11.2.2):
     0 gray        1 2 4 8 16      -> 1 channel
     2 RGB         8 16            -> 3
     3 palette     1 2 4 8         -> 3 (the palette's RGB)
     4 gray+alpha  8 16            -> 1 (alpha dropped)
     6 RGBA        8 16            -> 3 (alpha dropped)
   Alpha (the alpha channel, or a tRNS chunk) is DROPPED: rsedit's images have
   no alpha, and its models and CLIP see colour only. The colour stored under
   a transparent pixel is kept as it is, not composited onto a background.

   Samples are big-endian; depths below 8 pack pixels leftmost in the most
   significant bits, each row starting on a byte. A sample v of depth d
   becomes v / (2^d - 1) (PNG spec 13.12: the exact scaling), so 16-bit data
   keeps its full precision in the float image; palette entries are 8-bit.

   The decompressed data is known in size before inflating: per row a filter
   byte and the packed samples, over the one image or Adam7's seven reduced
   images. Inflate is bounded by that size, and a header whose size the
   compressed bytes cannot reach (deflate expands at most 1032x) is refused
   before anything large is allocated, so a 100-byte file claiming
   16384x16384 fails early. Each row is "filtered" (5 filter types, each
   predicting a byte from its left, upper and upper-left neighbours 'a', 'b',
   'c' at the same sample position); unfiltering is done in place, row by
   row, over the inflated buffer. Unlike the readers above it does not use
   rse__cursor: chunks are whole, length-prefixed blocks, so
   rse__png_chunk_next checks each against the input once and the rest
   indexes inside it. Absent under RSE_NO_PNG_READ.
   ------------------------------------------------------------------------- */

#ifndef RSE_NO_PNG_READ

typedef struct rse__png_hdr {
    int w, h;
    int depth, ctype, interlace;
    int spp;                /* samples per pixel in the file: 1, 2, 3 or 4 */
    int c;                  /* channels of the decoded image: 1 or 3 */
} rse__png_hdr;

static const unsigned char rse__png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

RSE__FN uint32_t rse__png_be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A chunk type for messages: the 4 bytes if they are letters (the only
   valid types), else their hex. */
RSE__FN const char *rse__png_type_desc(const unsigned char *t, char buf[16]) {
    int i, ok = 1;
    for (i = 0; i < 4; i++)
        if (!((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z'))) ok = 0;
    if (ok) rse__fmt(buf, 16, "'%c%c%c%c'", t[0], t[1], t[2], t[3]);
    else rse__fmt(buf, 16, "0x%x", (unsigned)rse__png_be32(t));
    return buf;
}

/* The chunk at byte *pos: checks that it fits, that its type is letters and
   that its CRC matches; gives its type and data and moves *pos past it.
   Returns TRUNCATED at the end of the input. */
RSE__FN rse_status rse__png_chunk_next(const unsigned char *b, size_t len, size_t *pos, const rse__crc32_tab *T,
                                       const unsigned char **type, const unsigned char **data, size_t *n) {
    size_t p = *pos, clen;
    char td[16];
    int i;
    if (len - p < 12) {
        if (len == p) return rse__fail(RSE_STATUS_TRUNCATED, "PNG ends before IEND");
        return rse__fail(RSE_STATUS_TRUNCATED, "PNG chunk header truncated at byte %zu", p);
    }
    clen = rse__png_be32(b + p);
    *type = b + p + 4;
    if (clen > 0x7FFFFFFFu)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "PNG chunk %s length %zu exceeds 2^31-1",
                         rse__png_type_desc(*type, td), clen);
    for (i = 0; i < 4; i++) {
        unsigned char ch = (*type)[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')))
            return rse__fail(RSE_STATUS_BAD_FORMAT, "bad PNG chunk type %s at byte %zu", rse__png_type_desc(*type, td), p);
    }
    if (len - p - 12 < clen)
        return rse__fail(RSE_STATUS_TRUNCATED, "PNG chunk %s truncated: %zu data bytes, %zu left",
                         rse__png_type_desc(*type, td), clen, len - p - 12);
    if (rse__crc32_update(T, 0, b + p + 4, 4 + clen) != rse__png_be32(b + p + 8 + clen))
        return rse__fail(RSE_STATUS_BAD_FORMAT, "PNG chunk %s CRC mismatch", rse__png_type_desc(*type, td));
    *data = b + p + 8;
    *n = clen;
    *pos = p + 12 + clen;
    return RSE_STATUS_OK;
}

/* Signature and IHDR; on success *pos is the byte after IHDR. */
RSE__FN rse_status rse__png_header(const unsigned char *b, size_t len, const rse__crc32_tab *T,
                                   rse__png_hdr *hd, size_t *pos) {
    const unsigned char *type, *d;
    size_t n;
    rse_status st;
    int d_ok;
    memset(hd, 0, sizeof *hd);
    if (len < 8) return rse__fail(RSE_STATUS_TRUNCATED, "PNG signature truncated");
    /* The bytes after "PNG" catch files mangled by text-mode transfers. */
    if (memcmp(b, rse__png_sig, 8) != 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "bad PNG signature (text-mode transfer?)");
    *pos = 8;
    if (len < 8 + 12 + 13) return rse__fail(RSE_STATUS_TRUNCATED, "PNG IHDR truncated");
    if ((st = rse__png_chunk_next(b, len, pos, T, &type, &d, &n)) != RSE_STATUS_OK) return st;
    if (memcmp(type, "IHDR", 4) != 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "PNG does not start with IHDR");
    if (n != 13) return rse__fail(RSE_STATUS_BAD_FORMAT, "bad PNG IHDR length %zu (must be 13)", n);
    {
        uint32_t w = rse__png_be32(d), h = rse__png_be32(d + 4);
        if (w > 0x7FFFFFFFu || h > 0x7FFFFFFFu)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "bad PNG size %lux%lu (sides are at most 2^31-1)",
                             (unsigned long)w, (unsigned long)h);
        if ((st = rse__check_dims(w, h)) != RSE_STATUS_OK) return st;
        hd->w = (int)w; hd->h = (int)h;
    }
    hd->depth = d[8]; hd->ctype = d[9]; hd->interlace = d[12];
    switch (hd->ctype) {
    case 0: d_ok = hd->depth == 1 || hd->depth == 2 || hd->depth == 4 || hd->depth == 8 || hd->depth == 16;
            hd->spp = 1; hd->c = 1; break;
    case 2: d_ok = hd->depth == 8 || hd->depth == 16; hd->spp = 3; hd->c = 3; break;
    case 3: d_ok = hd->depth == 1 || hd->depth == 2 || hd->depth == 4 || hd->depth == 8;
            hd->spp = 1; hd->c = 3; break;
    case 4: d_ok = hd->depth == 8 || hd->depth == 16; hd->spp = 2; hd->c = 1; break;
    case 6: d_ok = hd->depth == 8 || hd->depth == 16; hd->spp = 4; hd->c = 3; break;
    default: return rse__fail(RSE_STATUS_BAD_FORMAT, "bad PNG colour type %d", hd->ctype);
    }
    if (!d_ok)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "bad PNG bit depth %d for colour type %d", hd->depth, hd->ctype);
    if (d[10] != 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "bad PNG compression method %d", d[10]);
    if (d[11] != 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "bad PNG filter method %d", d[11]);
    if (hd->interlace > 1) return rse__fail(RSE_STATUS_BAD_FORMAT, "bad PNG interlace method %d", hd->interlace);
    return RSE_STATUS_OK;
}

/* Adam7: pass p covers the pixels (x0 + i*dx, y0 + j*dy). A non-interlaced
   image is one pass with all steps 1. */
static const unsigned char rse__adam7[7][4] = {   /* x0, y0, dx, dy */
    { 0, 0, 8, 8 }, { 4, 0, 8, 8 }, { 0, 4, 4, 8 }, { 2, 0, 4, 4 },
    { 0, 2, 2, 4 }, { 1, 0, 2, 2 }, { 0, 1, 1, 2 } };

typedef struct rse__png_pass { size_t x0, y0, dx, dy, pw, ph, rowbytes; } rse__png_pass;

RSE__FN void rse__png_passes(const rse__png_hdr *hd, rse__png_pass ps[7], int *np) {
    int p;
    *np = hd->interlace ? 7 : 1;
    for (p = 0; p < *np; p++) {
        rse__png_pass *q = &ps[p];
        if (hd->interlace) {
            q->x0 = rse__adam7[p][0]; q->y0 = rse__adam7[p][1];
            q->dx = rse__adam7[p][2]; q->dy = rse__adam7[p][3];
        } else {
            q->x0 = q->y0 = 0; q->dx = q->dy = 1;
        }
        q->pw = (size_t)hd->w > q->x0 ? ((size_t)hd->w - q->x0 + q->dx - 1) / q->dx : 0;
        q->ph = (size_t)hd->h > q->y0 ? ((size_t)hd->h - q->y0 + q->dy - 1) / q->dy : 0;
        /* w <= RSE_MAX_DIM and at most 64 bits per pixel: no overflow here */
        q->rowbytes = (q->pw * (size_t)hd->spp * (size_t)hd->depth + 7) / 8;
    }
}

RSE__FN int rse__png_paeth(int a, int b, int c) {
    int p = a + b - c, pa = p > a ? p - a : a - p, pb = p > b ? p - b : b - p, pc = p > c ? p - c : c - p;
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Undoes the filter of one row in place: row[-1] is the filter byte, prev
   the previous (already unfiltered) row of the same pass or NULL for its
   first row, bpp the byte distance to the same sample of the pixel on the
   left (at least 1). */
RSE__FN void rse__png_unfilter(unsigned char *row, const unsigned char *prev, size_t n, size_t bpp, int f) {
    size_t i;
    switch (f) {
    case 1: for (i = bpp; i < n; i++) row[i] = (unsigned char)(row[i] + row[i - bpp]); break;
    case 2: if (prev) for (i = 0; i < n; i++) row[i] = (unsigned char)(row[i] + prev[i]); break;
    case 3:
        for (i = 0; i < n; i++) {
            unsigned a = i >= bpp ? row[i - bpp] : 0, b = prev ? prev[i] : 0;
            row[i] = (unsigned char)(row[i] + ((a + b) >> 1));
        }
        break;
    case 4:
        for (i = 0; i < n; i++) {
            int a = i >= bpp ? row[i - bpp] : 0, b = prev ? prev[i] : 0, c = prev && i >= bpp ? prev[i - bpp] : 0;
            row[i] = (unsigned char)(row[i] + rse__png_paeth(a, b, c));
        }
        break;
    default: break; /* 0: the row as is */
    }
}

RSE__FN rse_status rse__png_load(const unsigned char *b, size_t len, rse_image *out) {
    rse__crc32_tab T;
    rse__png_hdr hd;
    rse__png_pass ps[7];
    const unsigned char *type, *d;
    unsigned char pal[256][3], *z = 0, *raw = 0;
    size_t pos, n, idat = 0, zlen = 0, rawsize = 0, rawlen = 0, used = 0, off, plane, bpp;
    int npal = 0, seen_idat = 0, after_idat = 0, np, p, k;
    float maxv;
    rse_status st;
    rse__crc32_init(&T);
    if ((st = rse__png_header(b, len, &T, &hd, &pos)) != RSE_STATUS_OK) return st;

    /* Pass 1 over the chunks: check each, keep the palette, add up IDAT. */
    for (;;) {
        char td[16];
        if ((st = rse__png_chunk_next(b, len, &pos, &T, &type, &d, &n)) != RSE_STATUS_OK) return st;
        if (seen_idat && memcmp(type, "IDAT", 4) != 0) after_idat = 1;
        if (memcmp(type, "IEND", 4) == 0) break;
        if (memcmp(type, "IDAT", 4) == 0) {
            /* The zlib stream is the IDATs' data joined: they must be
               consecutive (PNG spec 5.6). */
            if (after_idat) return rse__fail(RSE_STATUS_BAD_FORMAT, "PNG IDAT chunks not consecutive");
            if (!rse__add_ok(idat, n, &idat)) return rse__fail(RSE_STATUS_LIMIT, "PNG image data size overflows");
            seen_idat = 1;
        } else if (memcmp(type, "PLTE", 4) == 0) {
            size_t i;
            if (npal) return rse__fail(RSE_STATUS_BAD_FORMAT, "more than one PNG PLTE chunk");
            if (seen_idat) return rse__fail(RSE_STATUS_BAD_FORMAT, "PNG PLTE after the image data");
            if (hd.ctype == 0 || hd.ctype == 4)
                return rse__fail(RSE_STATUS_BAD_FORMAT, "PNG PLTE in a gray image (colour type %d)", hd.ctype);
            if (n == 0 || n % 3 != 0 || n > 768)
                return rse__fail(RSE_STATUS_BAD_FORMAT, "bad PNG PLTE length %zu", n);
            if (hd.ctype == 3 && n / 3 > ((size_t)1 << hd.depth))
                return rse__fail(RSE_STATUS_BAD_FORMAT, "PNG palette of %zu colours exceeds 2^%d", n / 3, hd.depth);
            /* In RGB and RGBA images PLTE is only a suggestion for
               palette displays: checked, not used. */
            for (i = 0; i < n / 3; i++) {
                pal[i][0] = d[3 * i]; pal[i][1] = d[3 * i + 1]; pal[i][2] = d[3 * i + 2];
            }
            npal = (int)(n / 3);
        } else if (memcmp(type, "IHDR", 4) == 0) {
            return rse__fail(RSE_STATUS_BAD_FORMAT, "more than one PNG IHDR chunk");
        } else if (!(type[0] & 0x20)) {
            return rse__fail(RSE_STATUS_UNSUPPORTED, "unknown critical PNG chunk %s", rse__png_type_desc(type, td));
        }
        /* anything else is ancillary (tRNS, gAMA, tEXt, ...): skipped */
    }
    if (hd.ctype == 3 && !npal) return rse__fail(RSE_STATUS_BAD_FORMAT, "PNG PLTE missing for a palette image");
    if (!seen_idat) return rse__fail(RSE_STATUS_BAD_FORMAT, "PNG has no IDAT chunk");

    /* The decompressed size, from the header alone. */
    rse__png_passes(&hd, ps, &np);
    for (p = 0; p < np; p++) {
        size_t r;
        if (!ps[p].pw || !ps[p].ph) continue;
        if (!rse__mul_ok(ps[p].rowbytes + 1, ps[p].ph, &r) || !rse__add_ok(rawsize, r, &rawsize))
            return rse__fail(RSE_STATUS_LIMIT, "PNG image data size overflows");
    }
    /* Deflate expands a byte into at most 1032 (a 258-byte match per 2 bits),
       the zlib wrapper adds 6: a claim beyond that is a truncated or hostile
       file, refused before the big buffers are allocated. */
    if (idat < 6 || rawsize / 1032 > idat - 6)
        return rse__fail(RSE_STATUS_TRUNCATED, "PNG image data too short: %zu compressed bytes cannot hold the %zu bytes of a %dx%d image",
                         idat, rawsize, hd.w, hd.h);

    /* Pass 2: join the IDAT data (at most the file's size). */
    z = (unsigned char *)RSE_MALLOC(idat);
    if (!z) return rse__fail(RSE_STATUS_NOMEM, "out of memory for %zu bytes of PNG image data", idat);
    rse__png_header(b, len, &T, &hd, &pos);
    for (;;) {
        rse__png_chunk_next(b, len, &pos, &T, &type, &d, &n); /* checked in pass 1 */
        if (memcmp(type, "IEND", 4) == 0) break;
        if (memcmp(type, "IDAT", 4) == 0) { memcpy(z + zlen, d, n); zlen += n; }
    }
    /* Inflate grows its buffer with the output actually produced, up to the
       exact size, never beyond. Bytes after the zlib stream are ignored, as
       libpng and Pillow do. */
    st = rse__zlib_decompress(z, zlen, &used, &raw, &rawlen, rawsize);
    RSE_FREE(z);
    if (st == RSE_STATUS_LIMIT)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "PNG image data inflates to more than the %zu bytes of a %dx%d image",
                         rawsize, hd.w, hd.h);
    if (st != RSE_STATUS_OK) return rse__fail_prefix(st, "PNG image data");
    if (rawlen != rawsize) {
        RSE_FREE(raw);
        return rse__fail(RSE_STATUS_TRUNCATED, "PNG image data ends early: %zu of %zu bytes", rawlen, rawsize);
    }

    if ((st = rse_image_alloc(out, hd.w, hd.h, hd.c)) != RSE_STATUS_OK) { RSE_FREE(raw); return st; }
    plane = (size_t)hd.w * (size_t)hd.h;
    maxv = (float)((1u << hd.depth) - 1u);
    bpp = ((size_t)hd.spp * (size_t)hd.depth + 7) / 8;
    off = 0;
    for (p = 0; p < np; p++) {
        const rse__png_pass *q = &ps[p];
        size_t y;
        unsigned char *prev = 0;
        if (!q->pw || !q->ph) continue;
        for (y = 0; y < q->ph; y++) {
            unsigned char *row = raw + off + 1;
            int f = raw[off];
            size_t x, bit = 0;
            float *o = out->data + (q->y0 + y * q->dy) * (size_t)hd.w + q->x0;
            if (f > 4) {
                rse_image_free(out);
                RSE_FREE(raw);
                return rse__fail(RSE_STATUS_BAD_FORMAT, "bad PNG filter type %d at row %zu%s", f,
                                 q->y0 + y * q->dy, hd.interlace ? " (interlaced)" : "");
            }
            rse__png_unfilter(row, prev, q->rowbytes, bpp, f);
            for (x = 0; x < q->pw; x++) {
                unsigned v[4];
                size_t at = x * q->dx;
                for (k = 0; k < hd.spp; k++) {
                    if (hd.depth == 8) v[k] = row[bit >> 3];
                    else if (hd.depth == 16) v[k] = (unsigned)row[bit >> 3] << 8 | row[(bit >> 3) + 1];
                    else v[k] = (unsigned)(row[bit >> 3] >> (8 - hd.depth - (bit & 7))) & ((1u << hd.depth) - 1u);
                    bit += (size_t)hd.depth;
                }
                if (hd.ctype == 3) {
                    if ((int)v[0] >= npal) {
                        rse_image_free(out);
                        RSE_FREE(raw);
                        return rse__fail(RSE_STATUS_BAD_FORMAT, "PNG palette index %u out of range (%d colours) at row %zu column %zu",
                                         v[0], npal, q->y0 + y * q->dy, q->x0 + at);
                    }
                    for (k = 0; k < 3; k++) o[(size_t)k * plane + at] = (float)pal[v[0]][k] / 255.0f;
                } else {
                    /* gray and gray+alpha: sample 0; RGB and RGBA: 0-2;
                       the alpha sample, last, is unpacked and dropped */
                    for (k = 0; k < hd.c; k++) o[(size_t)k * plane + at] = (float)v[k] / maxv;
                }
            }
            prev = row;
            off += q->rowbytes + 1;
        }
    }
    RSE_FREE(raw);
    return RSE_STATUS_OK;
}

/* The size and channels without decoding (signature and IHDR only). */
RSE__FN rse_status rse__png_info(const unsigned char *b, size_t len, int *w, int *h, int *c) {
    rse__crc32_tab T;
    rse__png_hdr hd;
    size_t pos;
    rse_status st;
    rse__crc32_init(&T);
    if ((st = rse__png_header(b, len, &T, &hd, &pos)) != RSE_STATUS_OK) return st;
    *w = hd.w; *h = hd.h; *c = hd.c;
    return RSE_STATUS_OK;
}

#endif /* RSE_NO_PNG_READ */
/* ---- TIFF reader ---------------------------------------------------------
   A TIFF is a header and a chain of IFDs (image file directories), each a
   list of tagged fields and the offset of the next one. The header is
   "II" (little-endian) or "MM" (big-endian), then 42 and a 32-bit offset of
   the first IFD (classic TIFF), or 43, 8, 0 and a 64-bit offset (BigTIFF,
   whose counts and offsets are 64-bit throughout). A field's values are in
   the entry itself when they fit (4 bytes, BigTIFF 8), else at an offset.

   Only the first IFD is decoded. Its pixels are cut into chunks: strips
   (RowsPerStrip full-width rows; the last one may hold fewer) or tiles
   (TileWidth x TileLength, edge tiles padded to full size). Each chunk is
   compressed on its own: none (1), PackBits (32773), LZW (5; the new, MSB
   first, style of TIFF 6.0: the old LSB-first style is refused, as libtiff
   would need its compatibility decoder for it) or Deflate (8 and 32946, a
   zlib stream). With LZW or Deflate, Predictor 2 stores each sample as the
   difference from the one a pixel to its left in the same row (the sum is
   modulo 2^bits); libtiff applies the predictor with those codecs only, so
   the tag is ignored for none and PackBits as there. PlanarConfiguration 1
   interleaves the bands (RGBRGB...); 2 stores one band per chunk, all the
   chunks of band 0 first.

   Everything read from the file is checked before it is used: the IFD
   chain must stay inside the file and not loop; each strip or tile must lie
   inside the file; their number must match the geometry; the image size
   goes through rse__check_dims; and every chunk's byte count must be able
   to hold its decoded size (uncompressed: at least that many bytes;
   compressed: at most the codec's largest expansion), so a small file
   cannot make us allocate for a large image. The image and one chunk of
   scratch are the only allocations, both before the decode loop.

   The same reader works on a file it never holds (rse_source, a read-at-
   offset callback: the scenes of "windows of TIFF files" below): every
   read goes through rse__tiff_read, which checks it against the file's
   size, small reads through a two-slot cache; the first IFD is read into
   memory, other fields' values where they are used, the strip or tile
   arrays value by value. Only the chunks a window meets are then checked
   and decoded.
   ------------------------------------------------------------------------- */
#ifndef RSE_NO_TIFF

/* The georeferencing tags kept raw (rse_geo), in increasing order. */
static const uint16_t rse__tiff_geo_tags[RSE_GEO_MAX_TAGS] = {
    33550, 33922, 34264, 34735, 34736, 34737, 42112, 42113
};

/* A field's values: count values of type `type`. From a file in memory they
   are at p (checked when the field was read); from a source (rse_source)
   they are at file offset off when p is NULL, and read when used (values
   that fit in the entry are always at p, in the IFD's copy). */
typedef struct rse__tiff_arr {
    unsigned type;
    uint64_t count;
    const unsigned char *p;
    uint64_t off;
} rse__tiff_arr;

/* Bytes per slot of a source's read cache. Small reads (entries, one value
   of the strip or tile arrays) go through it: two slots, so walking the
   offsets and byte counts side by side costs one read of each per 1024
   chunks, not two per chunk. */
#define RSE__TIFF_CACHE 8192

typedef struct rse__tiff {
    const unsigned char *b;       /* the whole file in memory; or NULL and  */
    const rse_source *src;        /* the file, read at offsets              */
    uint64_t len;                 /* the file's size                        */
    unsigned char *ifd_buf;       /* source: the first IFD's entries        */
    unsigned char *cache;         /* source: 2 slots of RSE__TIFF_CACHE     */
    uint64_t coff[2];
    size_t clen[2];
    int clast;
    int be, big;                  /* big-endian; BigTIFF */
    int pages;                    /* IFDs in the chain */
    uint32_t w, h, spp, bps, comp, photo, planar, pred, rps, tw, th;
    int tiled;
    rse__tiff_arr offs, counts;   /* strip or tile offsets and byte counts */
    rse__tiff_arr extra;          /* ExtraSamples (338), for the window writer */
    rse__tiff_arr geo[RSE_GEO_MAX_TAGS];
    /* geometry derived from the above */
    uint32_t across, down;        /* chunks per row of chunks, rows of chunks */
    uint32_t cw, ch, cspp;        /* a chunk's width, height (full), samples per pixel */
    size_t nchunks, chunk_max;    /* chunks; decoded bytes of the largest */
} rse__tiff;

/* Bytes per value of each TIFF field type (0: unknown type). 1 BYTE,
   2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 6 SBYTE, 7 UNDEFINED, 8 SSHORT,
   9 SLONG, 10 SRATIONAL, 11 FLOAT, 12 DOUBLE, 13 IFD, 16 LONG8, 17 SLONG8,
   18 IFD8. */
RSE__FN unsigned rse__tiff_type_size(unsigned type) {
    static const unsigned char sz[19] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8 };
    return type < 19 ? sz[type] : 0;
}

/* An unsigned integer of n bytes at p in the file's byte order. */
RSE__FN uint64_t rse__tiff_get(const rse__tiff *t, const unsigned char *p, int n) {
    uint64_t v = 0;
    int i;
    if (t->be) for (i = 0; i < n; i++) v = v << 8 | p[i];
    else for (i = n; i-- > 0;) v = v << 8 | p[i];
    return v;
}

/* Reads n bytes at off into dst: from memory, or from the source (through
   the cache when n is small). Every read is checked against the file's
   size here, so no caller can read past it. */
RSE__FN rse_status rse__tiff_read(rse__tiff *t, uint64_t off, void *dst, size_t n) {
    int s;
    if (off > t->len || n > t->len - off)
        return rse__fail(RSE_STATUS_TRUNCATED, "TIFF: %zu bytes at offset %llu past the end of the file (%llu bytes)",
                         n, (unsigned long long)off, (unsigned long long)t->len);
    if (n == 0) return RSE_STATUS_OK;
    if (t->b) { memcpy(dst, t->b + off, n); return RSE_STATUS_OK; }
    if (t->cache && n <= RSE__TIFF_CACHE / 4) {
        size_t m;
        for (s = 0; s < 2; s++)
            if (n <= t->clen[s] && off >= t->coff[s] && off - t->coff[s] <= t->clen[s] - n) {
                memcpy(dst, t->cache + (size_t)s * RSE__TIFF_CACHE + (size_t)(off - t->coff[s]), n);
                t->clast = s;
                return RSE_STATUS_OK;
            }
        s = 1 - t->clast;             /* the slot not used last */
        m = t->len - off < RSE__TIFF_CACHE ? (size_t)(t->len - off) : RSE__TIFF_CACHE;
        t->clen[s] = 0;
        if (t->src->read(t->src->ctx, off, t->cache + (size_t)s * RSE__TIFF_CACHE, m) != 0)
            return rse__fail(RSE_STATUS_IO, "TIFF: cannot read %zu bytes at offset %llu", m, (unsigned long long)off);
        t->coff[s] = off; t->clen[s] = m; t->clast = s;
        memcpy(dst, t->cache + (size_t)s * RSE__TIFF_CACHE, n);
        return RSE_STATUS_OK;
    }
    if (t->src->read(t->src->ctx, off, dst, n) != 0)
        return rse__fail(RSE_STATUS_IO, "TIFF: cannot read %zu bytes at offset %llu", n, (unsigned long long)off);
    return RSE_STATUS_OK;
}

/* Value i (< a->count) of an integer field. */
RSE__FN rse_status rse__tiff_elem(rse__tiff *t, const rse__tiff_arr *a, uint64_t i, uint64_t *v) {
    unsigned s = rse__tiff_type_size(a->type);
    unsigned char tmp[8];
    rse_status st;
    if (a->p) { *v = rse__tiff_get(t, a->p + (size_t)i * s, (int)s); return RSE_STATUS_OK; }
    if ((st = rse__tiff_read(t, a->off + i * s, tmp, s)) != RSE_STATUS_OK) return st;
    *v = rse__tiff_get(t, tmp, (int)s);
    return RSE_STATUS_OK;
}

/* Reads the IFD at `off`: its entry count and the offset of the next IFD,
   after checking that the whole directory lies inside the file. */
RSE__FN rse_status rse__tiff_ifd(rse__tiff *t, uint64_t off, uint64_t *n, uint64_t *next) {
    size_t hdr = t->big ? 8 : 2, esz = t->big ? 20 : 12, nsz = t->big ? 8 : 4, size;
    unsigned char tmp[8];
    rse_status st;
    if (off < 8 || off > t->len || t->len - off < hdr)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF IFD offset %llu outside the file (%llu bytes)",
                         (unsigned long long)off, (unsigned long long)t->len);
    if ((st = rse__tiff_read(t, off, tmp, hdr)) != RSE_STATUS_OK) return st;
    *n = rse__tiff_get(t, tmp, (int)hdr);
    if (*n > t->len / esz || *n > SIZE_MAX / esz || !rse__mul_ok((size_t)*n, esz, &size) ||
        !rse__add_ok(size, hdr + nsz, &size) || size > t->len - off)
        return rse__fail(RSE_STATUS_TRUNCATED, "TIFF IFD at %llu with %llu entries runs past the end of the file",
                         (unsigned long long)off, (unsigned long long)*n);
    if ((st = rse__tiff_read(t, off + size - nsz, tmp, nsz)) != RSE_STATUS_OK) return st;
    *next = rse__tiff_get(t, tmp, (int)nsz);
    return RSE_STATUS_OK;
}

/* Reads one entry's type, count and where its values are. Returns 0 for an
   unknown type (libtiff skips such entries), 1 when `a` is filled; fails if
   the values would lie outside the file. */
RSE__FN rse_status rse__tiff_entry(const rse__tiff *t, const unsigned char *e, rse__tiff_arr *a, int *ok) {
    unsigned tag = (unsigned)rse__tiff_get(t, e, 2), s;
    size_t bytes, inl = t->big ? 8 : 4;
    const unsigned char *v = e + (t->big ? 12 : 8);
    *ok = 0;
    a->type = (unsigned)rse__tiff_get(t, e + 2, 2);
    a->count = rse__tiff_get(t, e + 4, t->big ? 8 : 4);
    a->p = 0; a->off = 0;
    if ((s = rse__tiff_type_size(a->type)) == 0) return RSE_STATUS_OK;
    if (a->count > t->len || a->count > SIZE_MAX || !rse__mul_ok((size_t)a->count, s, &bytes) || bytes > t->len)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF tag %u: %llu values do not fit in the file",
                         tag, (unsigned long long)a->count);
    if (bytes <= inl) a->p = v;
    else {
        uint64_t off = rse__tiff_get(t, v, (int)inl);
        if (off > t->len || bytes > t->len - off)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF tag %u: %zu bytes at offset %llu past the end of the file (%llu bytes)",
                             tag, bytes, (unsigned long long)off, (unsigned long long)t->len);
        if (t->b) a->p = t->b + off;
        else a->off = off;
    }
    *ok = 1;
    return RSE_STATUS_OK;
}

/* The value of a one-value integer field (the first, for fields that may
   repeat per sample), checked against [lo, hi]. */
RSE__FN rse_status rse__tiff_scalar(rse__tiff *t, const rse__tiff_arr *a, const char *name,
                                    uint64_t lo, uint64_t hi, uint32_t *out) {
    uint64_t v;
    unsigned ty = a->type;
    rse_status st;
    if (ty != 1 && ty != 3 && ty != 4 && ty != 16)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF %s has field type %u, not an unsigned integer", name, ty);
    if (a->count == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF %s has no value", name);
    if ((st = rse__tiff_elem(t, a, 0, &v)) != RSE_STATUS_OK) return st;
    if (v < lo || v > hi)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF bad %s %llu", name, (unsigned long long)v);
    *out = (uint32_t)v;
    return RSE_STATUS_OK;
}

/* A per-sample field (BitsPerSample, SampleFormat): every value must be the
   same, as rsedit keeps one depth for all bands. */
RSE__FN rse_status rse__tiff_same(rse__tiff *t, const rse__tiff_arr *a, const char *name, uint32_t *out) {
    uint64_t i, v;
    rse_status st;
    if ((st = rse__tiff_scalar(t, a, name, 0, 0xffffffffu, out)) != RSE_STATUS_OK) return st;
    for (i = 1; i < a->count && i < 65536; i++) {
        if ((st = rse__tiff_elem(t, a, i, &v)) != RSE_STATUS_OK) return st;
        if (v != *out)
            return rse__fail(RSE_STATUS_UNSUPPORTED, "TIFF %s differs between bands (%u and %llu)",
                             name, (unsigned)*out, (unsigned long long)v);
    }
    return RSE_STATUS_OK;
}

/* Frees what a source-backed open allocated (nothing for one in memory);
   safe after a failed open. */
RSE__FN void rse__tiff_close(rse__tiff *t) {
    RSE_FREE(t->ifd_buf);
    RSE_FREE(t->cache);
    t->ifd_buf = t->cache = 0;
}

/* The most IFD entries, and IFDs in the chain, a source-backed open reads:
   a classic TIFF cannot have more entries (16-bit count); a BigTIFF that
   claims more is refused rather than read into memory, and the chain is
   only counted (for `info`) up to the limit. */
#define RSE__TIFF_SRC_MAX_ENTRIES 65535u
#define RSE__TIFF_SRC_MAX_PAGES 65536

/* Parses the header, walks the IFD chain (refusing loops) and reads the
   first IFD into t, checking everything the decoder relies on. t->b (the
   file in memory) or t->src (read at offsets), and t->len, are set. From
   memory the image must fit RSE_MAX_DIM and RSE_MAX_PIXELS, as it is
   decoded whole; from a source only windows of it are decoded, so its
   sides may reach 2^31 - 1 (the window is checked when it is decoded). */
RSE__FN rse_status rse__tiff_parse(rse__tiff *t) {
    uint64_t first, off, n, next, i, tortoise, lam = 1, power = 1;
    rse__tiff_arr a, bps, sfmt, toffs, tcounts, soffs, scounts;
    int have_bps = 0, have_sfmt = 0, have_w = 0, have_h = 0, have_photo = 0, ok, g;
    int have_to = 0, have_tc = 0, have_so = 0, have_sc = 0, have_tw = 0, have_th = 0;
    unsigned magic;
    unsigned char hd[16];
    const unsigned char *ifd;
    size_t esz, chunk, hsz;
    rse_status st;
    if (t->len < 8) return rse__fail(RSE_STATUS_TRUNCATED, "TIFF header truncated");
    if ((st = rse__tiff_read(t, 0, hd, t->len < 16 ? (size_t)t->len : 16)) != RSE_STATUS_OK) return st;
    if (hd[0] == 'M' && hd[1] == 'M') t->be = 1;
    else if (!(hd[0] == 'I' && hd[1] == 'I')) return rse__fail(RSE_STATUS_BAD_FORMAT, "not a TIFF file");
    magic = (unsigned)rse__tiff_get(t, hd + 2, 2);
    if (magic == 43) {
        t->big = 1;
        if (t->len < 16) return rse__fail(RSE_STATUS_TRUNCATED, "BigTIFF header truncated");
        if (rse__tiff_get(t, hd + 4, 2) != 8 || rse__tiff_get(t, hd + 6, 2) != 0)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "BigTIFF offset size %u (must be 8)", (unsigned)rse__tiff_get(t, hd + 4, 2));
        first = rse__tiff_get(t, hd + 8, 8);
    } else if (magic == 42) {
        first = rse__tiff_get(t, hd + 4, 4);
    } else return rse__fail(RSE_STATUS_BAD_FORMAT, "bad TIFF version %u (must be 42 or 43)", magic);
    esz = t->big ? 20 : 12;
    hsz = t->big ? 8 : 2;

    /* The chain, with Brent's cycle detection: no memory, linear time, and
       any loop (to the first IFD or any later one) is found. The chain
       cannot be longer than the file has room for IFDs. */
    if ((st = rse__tiff_ifd(t, first, &n, &next)) != RSE_STATUS_OK) return st;
    if (n == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF first IFD has no entries");
    t->pages = 1;
    tortoise = first;
    off = next;
    while (off != 0 && (t->b || t->pages < RSE__TIFF_SRC_MAX_PAGES)) {
        uint64_t nn;
        if (off == tortoise)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF IFD loop: IFD %d points back to offset %llu",
                             t->pages, (unsigned long long)off);
        if (power == lam) { tortoise = off; power *= 2; lam = 0; }
        /* A bad pointer past the first IFD ends the chain (libtiff would
           fail only on reading that IFD); a loop is refused. */
        if (rse__tiff_ifd(t, off, &nn, &off) != RSE_STATUS_OK) break;
        lam++;
        if (t->pages < INT_MAX) t->pages++;
    }

    /* The first IFD's entries: in place in memory, else one read. */
    if (t->b) ifd = t->b + first + hsz;
    else {
        if (n > RSE__TIFF_SRC_MAX_ENTRIES)
            return rse__fail(RSE_STATUS_LIMIT, "TIFF first IFD has %llu entries (at most %u are read)",
                             (unsigned long long)n, RSE__TIFF_SRC_MAX_ENTRIES);
        if (!(t->ifd_buf = (unsigned char *)RSE_MALLOC((size_t)n * esz)))
            return rse__fail(RSE_STATUS_NOMEM, "out of memory for a TIFF IFD of %llu entries", (unsigned long long)n);
        if ((st = rse__tiff_read(t, first + hsz, t->ifd_buf, (size_t)n * esz)) != RSE_STATUS_OK) return st;
        ifd = t->ifd_buf;
    }

    /* Defaults of the fields that may be missing (TIFF 6.0). */
    t->spp = 1; t->bps = 1; t->comp = 1; t->planar = 1; t->pred = 1; t->rps = 0xffffffffu;
    for (i = 0; i < n; i++) {
        const unsigned char *e = ifd + i * esz;
        unsigned tag = (unsigned)rse__tiff_get(t, e, 2);
        if ((st = rse__tiff_entry(t, e, &a, &ok)) != RSE_STATUS_OK) return st;
        if (!ok) continue;
        switch (tag) {
        case 256: st = rse__tiff_scalar(t, &a, "ImageWidth", 0, 0xffffffffu, &t->w); have_w = 1; break;
        case 257: st = rse__tiff_scalar(t, &a, "ImageLength", 0, 0xffffffffu, &t->h); have_h = 1; break;
        case 258: bps = a; have_bps = 1; break;
        case 259: st = rse__tiff_scalar(t, &a, "Compression", 0, 65535, &t->comp); break;
        case 262: st = rse__tiff_scalar(t, &a, "PhotometricInterpretation", 0, 65535, &t->photo); have_photo = 1; break;
        case 273: soffs = a; have_so = 1; break;
        case 277: st = rse__tiff_scalar(t, &a, "SamplesPerPixel", 1, 65535, &t->spp); break;
        case 278: st = rse__tiff_scalar(t, &a, "RowsPerStrip", 1, 0xffffffffu, &t->rps); break;
        case 279: scounts = a; have_sc = 1; break;
        case 284: st = rse__tiff_scalar(t, &a, "PlanarConfiguration", 1, 2, &t->planar); break;
        case 317: st = rse__tiff_scalar(t, &a, "Predictor", 1, 65535, &t->pred); break;
        case 322: st = rse__tiff_scalar(t, &a, "TileWidth", 1, RSE_MAX_DIM, &t->tw); have_tw = 1; break;
        case 323: st = rse__tiff_scalar(t, &a, "TileLength", 1, RSE_MAX_DIM, &t->th); have_th = 1; break;
        case 324: toffs = a; have_to = 1; break;
        case 325: tcounts = a; have_tc = 1; break;
        case 338: t->extra = a; break;
        case 339: sfmt = a; have_sfmt = 1; break;
        default:
            for (g = 0; g < RSE_GEO_MAX_TAGS; g++)
                if (tag == rse__tiff_geo_tags[g] && !t->geo[g].type) t->geo[g] = a;
            break;
        }
        if (st != RSE_STATUS_OK) return st;
    }

    /* What rsedit decodes. */
    if (!have_w || !have_h) return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF without ImageWidth or ImageLength");
    if (t->b) {
        if ((st = rse__check_dims(t->w, t->h)) != RSE_STATUS_OK) return st;
    } else {
        if ((st = rse__check_dims(t->w ? 1 : 0, t->h ? 1 : 0)) != RSE_STATUS_OK) return st;   /* 0 is refused */
        if (t->w > INT_MAX || t->h > INT_MAX)
            return rse__fail(RSE_STATUS_LIMIT, "TIFF of %ux%u: sides above 2^31 - 1 are not supported",
                             (unsigned)t->w, (unsigned)t->h);
    }
    if (have_bps && (st = rse__tiff_same(t, &bps, "BitsPerSample", &t->bps)) != RSE_STATUS_OK) return st;
    if (have_sfmt) {
        uint32_t f;
        if ((st = rse__tiff_same(t, &sfmt, "SampleFormat", &f)) != RSE_STATUS_OK) return st;
        if (f != 1)
            return rse__fail(RSE_STATUS_UNSUPPORTED, "TIFF sample format %u not supported (only unsigned integers, 1)", (unsigned)f);
    }
    if (t->bps != 8 && t->bps != 16)
        return rse__fail(RSE_STATUS_UNSUPPORTED, "TIFF with %u bits per sample not supported (only 8 and 16)", (unsigned)t->bps);
    if (!have_photo) t->photo = t->spp >= 3 ? 2 : 1;
    if (t->photo > 2) {
        static const char *const names[] = { "", "", "", "palette", "transparency mask", "CMYK", "YCbCr" };
        return rse__fail(RSE_STATUS_UNSUPPORTED, "TIFF photometric interpretation %u%s%s%s not supported (only gray and RGB)",
                         (unsigned)t->photo, t->photo <= 6 ? " (" : "", t->photo <= 6 ? names[t->photo] : "",
                         t->photo <= 6 ? ")" : "");
    }
    if (t->photo == 2 && t->spp < 3)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF RGB image with %u samples per pixel", (unsigned)t->spp);
    switch (t->comp) {
    case 1: case 5: case 8: case 32946: case 32773: break;
    case 2: case 3: case 4: return rse__fail(RSE_STATUS_UNSUPPORTED, "TIFF compression %u (CCITT fax) not supported", (unsigned)t->comp);
    case 6: case 7: return rse__fail(RSE_STATUS_UNSUPPORTED, "TIFF compression %u (JPEG) not supported", (unsigned)t->comp);
    default: return rse__fail(RSE_STATUS_UNSUPPORTED, "TIFF compression %u not supported (none, LZW, Deflate and PackBits are)",
                              (unsigned)t->comp);
    }
    if (t->comp != 5 && t->comp != 8 && t->comp != 32946) t->pred = 1; /* as libtiff: see above */
    if (t->pred == 3) return rse__fail(RSE_STATUS_UNSUPPORTED, "TIFF floating-point predictor (3) not supported");
    if (t->pred != 1 && t->pred != 2) return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF bad predictor %u", (unsigned)t->pred);
    if (t->spp == 1) t->planar = 1; /* one band: both layouts are the same */

    /* Chunks. */

    t->tiled = have_tw || have_th || have_to;
    if (t->tiled) {
        if (!have_tw || !have_th) return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF tiles without TileWidth or TileLength");
        if (!have_to || !have_tc) return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF tiles without TileOffsets or TileByteCounts");
        t->offs = toffs; t->counts = tcounts;
        t->cw = t->tw; t->ch = t->th;
        t->across = (t->w - 1) / t->tw + 1;
        t->down = (t->h - 1) / t->th + 1;
    } else {
        if (!have_so) return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF without StripOffsets");
        if (!have_sc) return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF without StripByteCounts");
        t->offs = soffs; t->counts = scounts;
        if (t->rps > t->h) t->rps = t->h;
        t->cw = t->w; t->ch = t->rps;
        t->across = 1;
        t->down = (t->h - 1) / t->rps + 1;
    }
    t->cspp = t->planar == 2 ? 1 : t->spp;
    /* across, down < 2^31 and spp < 2^16: checked, as a scene read from a
       source may have 2^62 chunk positions (the arrays' check below then
       bounds them by the file's size). */
    if (!rse__mul4_ok(t->across, t->down, t->planar == 2 ? t->spp : 1, 1, &t->nchunks))
        return rse__fail(RSE_STATUS_LIMIT, "TIFF of %ux%u has too many chunks", (unsigned)t->w, (unsigned)t->h);
    if (!rse__mul4_ok(t->cw, t->ch, t->cspp, t->bps / 8, &chunk) || chunk > ((size_t)1 << 31))
        return rse__fail(RSE_STATUS_LIMIT, "TIFF %s of %ux%u with %u samples per pixel is too large",
                         t->tiled ? "tile" : "strip", (unsigned)t->cw, (unsigned)t->ch, (unsigned)t->cspp);
    t->chunk_max = chunk;
    for (g = 0; g < 2; g++) {
        const rse__tiff_arr *x = g ? &t->counts : &t->offs;
        if (x->type != 3 && x->type != 4 && x->type != 16)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF %s%s has field type %u, not an unsigned integer",
                             t->tiled ? "Tile" : "Strip", g ? "ByteCounts" : "Offsets", x->type);
        if (x->count < t->nchunks)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF has %llu %s %s for the %zu %ss of a %ux%u image",
                             (unsigned long long)x->count, t->tiled ? "tile" : "strip", g ? "byte counts" : "offsets",
                             t->nchunks, t->tiled ? "tile" : "strip", (unsigned)t->w, (unsigned)t->h);
    }
    return RSE_STATUS_OK;
}

/* Opens a TIFF held in memory. */
RSE__FN rse_status rse__tiff_open(rse__tiff *t, const unsigned char *b, size_t len) {
    memset(t, 0, sizeof *t);
    t->b = b; t->len = len;
    return rse__tiff_parse(t);
}

/* Opens a TIFF read through a source; rse__tiff_close it in every case. */
RSE__FN rse_status rse__tiff_open_src(rse__tiff *t, const rse_source *src) {
    memset(t, 0, sizeof *t);
    if (!src || !src->read) return rse__fail(RSE_STATUS_BAD_ARG, "no source to read");
    t->src = src; t->len = src->size;
    if (!(t->cache = (unsigned char *)RSE_MALLOC(2 * RSE__TIFF_CACHE)))
        return rse__fail(RSE_STATUS_NOMEM, "out of memory for a TIFF read cache");
    return rse__tiff_parse(t);
}

/* Rows of chunk k that hold image rows (all of a tile's: edge tiles are
   padded; the last strip holds what is left). */
RSE__FN uint32_t rse__tiff_chunk_rows(const rse__tiff *t, size_t k) {
    uint32_t row = (uint32_t)(k % ((size_t)t->across * t->down) / t->across);
    if (t->tiled) return t->ch;
    return t->h - row * t->rps < t->rps ? t->h - row * t->rps : t->rps;
}

/* Where chunk k's bytes are, checked: inside the file, and a byte count
   that can hold its decoded size (*need bytes). */
RSE__FN rse_status rse__tiff_chunk(rse__tiff *t, size_t k, uint64_t *off, uint64_t *n, size_t *need) {
    /* The most a byte of each codec can decode to: PackBits 2 bytes give
       128; Deflate, 1032 (a 258-byte match in two 1-bit codes); an LZW
       code of >= 9 bits gives at most 4096 - 258 bytes. */
    size_t ratio = t->comp == 1 ? 1 : t->comp == 32773 ? 64 : t->comp == 5 ? 3500 : 1032;
    const char *kind = t->tiled ? "tile" : "strip";
    rse_status st;
    *need = (size_t)t->cw * t->cspp * (t->bps / 8) * rse__tiff_chunk_rows(t, k);   /* <= chunk_max */
    if ((st = rse__tiff_elem(t, &t->offs, k, off)) != RSE_STATUS_OK ||
        (st = rse__tiff_elem(t, &t->counts, k, n)) != RSE_STATUS_OK) return st;
    if (*off > t->len || *n > t->len - *off)
        return rse__fail(RSE_STATUS_TRUNCATED, "TIFF %s %zu: %llu bytes at offset %llu past the end of the file (%llu bytes)",
                         kind, k, (unsigned long long)*n, (unsigned long long)*off, (unsigned long long)t->len);
    if (*n == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF %s %zu has no data (byte count 0)", kind, k);
    if (t->comp == 1 && *n < *need)
        return rse__fail(RSE_STATUS_TRUNCATED, "TIFF %s %zu: byte count %llu, uncompressed it needs %zu",
                         kind, k, (unsigned long long)*n, *need);
    if (*n < *need / ratio)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF %s %zu: %llu compressed bytes cannot hold %zu decoded bytes",
                         kind, k, (unsigned long long)*n, *need);
    return RSE_STATUS_OK;
}

/* Checks every chunk (a whole-image decode does so before allocating). */
RSE__FN rse_status rse__tiff_check_chunks(rse__tiff *t) {
    uint64_t off, n;
    size_t k, need;
    rse_status st;
    for (k = 0; k < t->nchunks; k++)
        if ((st = rse__tiff_chunk(t, k, &off, &n, &need)) != RSE_STATUS_OK) return st;
    return RSE_STATUS_OK;
}

/* PackBits: a header byte n, then n+1 literal bytes (n < 128) or one byte
   repeated 257-n times (n > 128); 128 is a no-op. A run that overflows the
   chunk is cut, as libtiff does. */
RSE__FN rse_status rse__tiff_packbits(const unsigned char *in, size_t n, unsigned char *out, size_t cap) {
    size_t i = 0, o = 0, run;
    while (o < cap) {
        unsigned h;
        if (i >= n) return rse__fail(RSE_STATUS_TRUNCATED, "PackBits data ends early (%zu of %zu bytes)", o, cap);
        h = in[i++];
        if (h < 128) {
            run = h + 1u;
            if (n - i < run) return rse__fail(RSE_STATUS_TRUNCATED, "PackBits literal run ends early");
            if (run > cap - o) run = cap - o;
            memcpy(out + o, in + i, run);
            i += h + 1u;
        } else if (h > 128) {
            run = 257u - h;
            if (i >= n) return rse__fail(RSE_STATUS_TRUNCATED, "PackBits repeat run ends early");
            if (run > cap - o) run = cap - o;
            memset(out + o, in[i++], run);
        } else continue;
        o += run;
    }
    return RSE_STATUS_OK;
}

/* LZW as TIFF 6.0 writes it: codes MSB first, 9 bits growing to 12, Clear
   (256) resets the table, EndOfInformation (257) ends, new entries from
   258. The width grows one code early ("early change": when the next
   entry would be 2^width - 1). Output beyond the chunk is dropped, as
   libtiff does; running short is an error. The table holds 4096 entries:
   a stream that needs more without a Clear is refused. */
typedef struct rse__lzw {
    uint16_t prefix[4096], len[4096];
    unsigned char suffix[4096], first[4096];
} rse__lzw;

RSE__FN rse_status rse__tiff_lzw(rse__lzw *z, const unsigned char *in, size_t n, unsigned char *out, size_t cap) {
    size_t pos = 0, o = 0;
    uint32_t acc = 0;
    int nbits = 0, width = 9;
    unsigned next = 258, code, prev = 4096, c, k;
    if (n >= 2 && in[0] == 0 && (in[1] & 1))
        return rse__fail(RSE_STATUS_UNSUPPORTED, "old-style (LSB-first, pre-TIFF 6.0) LZW not supported");
    for (k = 0; k < 256; k++) { z->suffix[k] = z->first[k] = (unsigned char)k; z->len[k] = 1; z->prefix[k] = 0; }
    while (o < cap) {
        while (nbits < width && pos < n) { acc = acc << 8 | in[pos++]; nbits += 8; }
        if (nbits < width) break;                 /* the data ends without EOI */
        code = (acc >> (nbits - width)) & ((1u << width) - 1u);
        nbits -= width;
        if (code == 256) { width = 9; next = 258; prev = 4096; continue; }
        if (code == 257) break;
        if (prev == 4096) {                       /* first code after a Clear */
            if (code > 255) return rse__fail(RSE_STATUS_BAD_FORMAT, "LZW code %u where a literal must come", code);
        } else {
            if (code > next) return rse__fail(RSE_STATUS_BAD_FORMAT, "LZW code %u beyond the table (next entry %u)", code, next);
            if (next >= 4096) return rse__fail(RSE_STATUS_BAD_FORMAT, "LZW code table overflow (4096 entries without a Clear code)");
            /* The new entry: prev's string and the first byte of code's
               (of prev's own when code is the entry being made). */
            z->prefix[next] = (uint16_t)prev;
            z->suffix[next] = z->first[code < next ? code : prev];
            z->first[next] = z->first[prev];
            z->len[next] = (uint16_t)(z->len[prev] + 1);
            next++;
            if (next + 1 >= (1u << width) && width < 12) width++;
        }
        /* Write code's string back to front, dropping what passes cap. */
        for (c = code, k = z->len[code]; k-- > 0; c = z->prefix[c])
            if (o + k < cap) out[o + k] = z->suffix[c];
        o += z->len[code];
        prev = code;
    }
    if (o < cap) return rse__fail(RSE_STATUS_TRUNCATED, "LZW data ends early (%zu of %zu bytes)", o, cap);
    return RSE_STATUS_OK;
}

/* Decodes chunk k (its n bytes at in) into exactly `need` bytes at out. */
RSE__FN rse_status rse__tiff_decode(const rse__tiff *t, rse__lzw *z, const unsigned char *in, size_t n,
                                    unsigned char *out, size_t need) {
    switch (t->comp) {
    case 1: memcpy(out, in, need); return RSE_STATUS_OK;
    case 32773: return rse__tiff_packbits(in, n, out, need);
    case 5: return rse__tiff_lzw(z, in, n, out, need);
    default: return rse__zlib_exact(in, n, out, need);   /* 8, 32946 */
    }
}


/* Buffers of a chunk-by-chunk decode: the decoded chunk (chunk_max bytes),
   the LZW table, and, reading from a source, the chunk's compressed bytes. */
typedef struct rse__tiff_dec {
    unsigned char *buf, *in;
    size_t incap;
    rse__lzw *z;
} rse__tiff_dec;

RSE__FN rse_status rse__tiff_dec_init(rse__tiff_dec *d, const rse__tiff *t) {
    memset(d, 0, sizeof *d);
    d->buf = (unsigned char *)RSE_MALLOC(t->chunk_max);
    if (t->comp == 5) d->z = (rse__lzw *)RSE_MALLOC(sizeof *d->z);
    if (!d->buf || (t->comp == 5 && !d->z))
        return rse__fail(RSE_STATUS_NOMEM, "out of memory for a TIFF chunk of %zu bytes", t->chunk_max);
    return RSE_STATUS_OK;
}

RSE__FN void rse__tiff_dec_free(rse__tiff_dec *d) {
    RSE_FREE(d->buf); RSE_FREE(d->in); RSE_FREE(d->z);
    memset(d, 0, sizeof *d);
}

/* The compressed bytes of chunk k: in place in memory, else read into
   d->in (only the bytes an uncompressed chunk uses). A compressed chunk
   larger than 2^31 bytes (a chunk decodes to at most that) is refused
   rather than read. */
RSE__FN rse_status rse__tiff_chunk_bytes(rse__tiff *t, rse__tiff_dec *d, size_t k, const unsigned char **p,
                                         size_t *n, size_t *need) {
    uint64_t off, cnt;
    rse_status st;
    if ((st = rse__tiff_chunk(t, k, &off, &cnt, need)) != RSE_STATUS_OK) return st;
    if (t->comp == 1) cnt = *need;                 /* bytes past it are not used */
    if (t->b) { *p = t->b + off; *n = (size_t)cnt; return RSE_STATUS_OK; }
    if (cnt > ((uint64_t)1 << 31))
        return rse__fail(RSE_STATUS_LIMIT, "TIFF %s %zu: %llu compressed bytes (more than 2^31)",
                         t->tiled ? "tile" : "strip", k, (unsigned long long)cnt);
    if (cnt > d->incap) {
        unsigned char *q = (unsigned char *)RSE_REALLOC(d->in, (size_t)cnt);
        if (!q) return rse__fail(RSE_STATUS_NOMEM, "out of memory for %llu bytes of a TIFF chunk", (unsigned long long)cnt);
        d->in = q; d->incap = (size_t)cnt;
    }
    if ((st = rse__tiff_read(t, off, d->in, (size_t)cnt)) != RSE_STATUS_OK) return st;
    *p = d->in; *n = (size_t)cnt;
    return RSE_STATUS_OK;
}

/* Decodes chunk k into d->buf, the predictor undone: its rows of
   cw * cspp samples, in the file's byte order. */
RSE__FN rse_status rse__tiff_chunk_decode(rse__tiff *t, rse__tiff_dec *d, size_t k) {
    const unsigned char *in = 0;
    size_t n = 0, need, bytes = t->bps / 8, rowb = (size_t)t->cw * t->cspp * bytes, r, i, ns = (size_t)t->cw * t->cspp;
    uint32_t rows = rse__tiff_chunk_rows(t, k);
    rse_status st;
    if ((st = rse__tiff_chunk_bytes(t, d, k, &in, &n, &need)) != RSE_STATUS_OK) return st;
    if ((st = rse__tiff_decode(t, d->z, in, n, d->buf, need)) != RSE_STATUS_OK) {
        char what[48];
        rse__fmt(what, sizeof what, "TIFF %s %zu", t->tiled ? "tile" : "strip", k);
        return rse__fail_prefix(st, what);
    }
    if (t->pred == 2)            /* undo the horizontal differencing, row by row */
        for (r = 0; r < rows; r++) {
            unsigned char *p = d->buf + r * rowb;
            if (bytes == 1) for (i = t->cspp; i < ns; i++) p[i] = (unsigned char)(p[i] + p[i - t->cspp]);
            else for (i = t->cspp; i < ns; i++) {
                unsigned v = (unsigned)(rse__tiff_get(t, p + 2 * i, 2) + rse__tiff_get(t, p + 2 * (i - t->cspp), 2));
                p[2 * i + 1 - t->be] = (unsigned char)(v >> 8);   /* in the file's byte order */
                p[2 * i + t->be] = (unsigned char)v;
            }
        }
    return RSE_STATUS_OK;
}

/* The image rectangle chunk k covers (clipped to the image), and the band
   it holds when planar (else 0). */
RSE__FN void rse__tiff_chunk_rect(const rse__tiff *t, size_t k, rse_roi *r, uint32_t *plane) {
    size_t per = (size_t)t->across * t->down, pk = k % per;
    uint32_t x0 = (uint32_t)(pk % t->across) * t->cw, y0 = (uint32_t)(pk / t->across) * t->ch;
    uint32_t rows = rse__tiff_chunk_rows(t, k);
    *plane = (uint32_t)(k / per);
    r->x = (int)x0; r->y = (int)y0;
    r->w = (int)(t->w - x0 < t->cw ? t->w - x0 : t->cw);
    r->h = (int)(t->h - y0 < rows ? t->h - y0 : rows);
}

/* The part of chunk rectangle r inside the window: columns [x0, x1), rows
   [y0, y1). */
RSE__FN void rse__tiff_meet(const rse_roi *r, const rse_roi *win, int *x0, int *x1, int *y0, int *y1) {
    *x0 = r->x > win->x ? r->x : win->x; *x1 = r->x + r->w < win->x + win->w ? r->x + r->w : win->x + win->w;
    *y0 = r->y > win->y ? r->y : win->y; *y1 = r->y + r->h < win->y + win->h ? r->y + r->h : win->y + win->h;
}

/* The chunks a window (inside the image) meets: rows c[0]..c[1] and columns
   c[2]..c[3] of chunks, in each plane that rse__tiff_plane_used. */
RSE__FN void rse__tiff_span(const rse__tiff *t, const rse_roi *win, uint32_t c[4]) {
    c[0] = (uint32_t)win->y / t->ch; c[1] = (uint32_t)(win->y + win->h - 1) / t->ch;
    c[2] = (uint32_t)win->x / t->cw; c[3] = (uint32_t)(win->x + win->w - 1) / t->cw;
}

/* Does plane p hold one of the bands asked for (always, unless planar)? A
   band nobody asked for is not decoded. */
RSE__FN int rse__tiff_plane_used(const rse__tiff *t, const uint32_t band[3], int nb, uint32_t p) {
    return t->planar != 2 || band[0] == p || band[nb / 2] == p || band[nb - 1] == p;
}

/* Decodes the rectangle `win` of the image (inside it) into out (win's
   size, nb channels of the bands band[]): only the chunks it meets are
   read. A whole-image load is the rectangle of the whole image. */
RSE__FN rse_status rse__tiff_decode_rect(rse__tiff *t, const rse_roi *win, int nb, const uint32_t band[3], rse_image *out) {
    rse__tiff_dec d;
    uint32_t maxv = t->bps == 8 ? 255u : 65535u, plane, p, cy, cx, c[4];
    size_t bytes = t->bps / 8, rowb = (size_t)t->cw * t->cspp * bytes, oplane = (size_t)win->w * win->h;
    rse_status st;
    int ch;
    if ((st = rse__tiff_dec_init(&d, t)) != RSE_STATUS_OK) { rse__tiff_dec_free(&d); return st; }
    rse__tiff_span(t, win, c);
    for (p = 0; p < (t->planar == 2 ? t->spp : 1); p++) {
        if (!rse__tiff_plane_used(t, band, nb, p)) continue;
        for (cy = c[0]; cy <= c[1]; cy++)
            for (cx = c[2]; cx <= c[3]; cx++) {
                size_t k = ((size_t)p * t->down + cy) * t->across + cx;
                rse_roi r;
                int x0, x1, y0, y1, x, y;
                if ((st = rse__tiff_chunk_decode(t, &d, k)) != RSE_STATUS_OK) goto done;
                rse__tiff_chunk_rect(t, k, &r, &plane);
                rse__tiff_meet(&r, win, &x0, &x1, &y0, &y1);
                /* Scatter the chosen bands into the planar float image. */
                for (ch = 0; ch < nb; ch++) {
                    uint32_t s = band[ch];
                    if (t->planar == 2) { if (s != plane) continue; s = 0; }
                    for (y = y0; y < y1; y++) {
                        const unsigned char *q = d.buf + (size_t)(y - r.y) * rowb + ((size_t)(x0 - r.x) * t->cspp + s) * bytes;
                        float *o = out->data + (size_t)ch * oplane + (size_t)(y - win->y) * win->w + (x0 - win->x);
                        for (x = x0; x < x1; x++, q += (size_t)t->cspp * bytes) {
                            unsigned v = bytes == 1 ? q[0] : (unsigned)rse__tiff_get(t, q, 2);
                            if (t->photo == 0) v = maxv - v;   /* WhiteIsZero */
                            *o++ = (float)v / (float)maxv;
                        }
                    }
                }
            }
    }
    st = RSE_STATUS_OK;
done:
    rse__tiff_dec_free(&d);
    return st;
}

/* The bands to decode, 0-based, from the options (see rse_read_options). */
RSE__FN rse_status rse__tiff_bands(const rse__tiff *t, const rse_read_options *opt, int *nb, uint32_t band[3]) {
    int k;
    if (!opt || opt->nbands == 0) {
        *nb = t->spp >= 3 ? 3 : 1;
        for (k = 0; k < 3; k++) band[k] = t->spp >= 3 ? (uint32_t)k : 0;
        return RSE_STATUS_OK;
    }
    if (opt->nbands != 1 && opt->nbands != 3)
        return rse__fail(RSE_STATUS_BAD_ARG, "band selection of %d bands (must be 1 or 3)", opt->nbands);
    *nb = opt->nbands;
    for (k = 0; k < opt->nbands; k++) {
        if (opt->bands[k] < 1 || (uint32_t)opt->bands[k] > t->spp)
            return rse__fail(RSE_STATUS_BAD_ARG, "band %d requested, the file has %u band%s (bands are numbered from 1)",
                             opt->bands[k], (unsigned)t->spp, t->spp == 1 ? "" : "s");
        band[k] = (uint32_t)(opt->bands[k] - 1);
    }
    return RSE_STATUS_OK;
}


/* The most bytes of one georeferencing tag read from a source: far above
   any real GeoKey or GDAL metadata, and a bound on what a hostile file's
   claim makes us allocate. */
#define RSE__TIFF_SRC_MAX_GEO ((size_t)16 << 20)

/* Copies the georeferencing fields into g, little-endian (see rse_geo). */
RSE__FN rse_status rse__tiff_geo(rse__tiff *t, rse_geo *g) {
    int i;
    rse_status st;
    memset(g, 0, sizeof *g);
    for (i = 0; i < RSE_GEO_MAX_TAGS; i++) {
        const rse__tiff_arr *a = &t->geo[i];
        rse_geo_tag *o = &g->tag[g->n];
        size_t s, u, j, b;
        if (!a->type) continue;
        s = rse__tiff_type_size(a->type);
        o->len = (size_t)a->count * s;        /* checked when the field was read */
        if (!a->p && o->len > RSE__TIFF_SRC_MAX_GEO) {
            rse_geo_free(g);
            return rse__fail(RSE_STATUS_LIMIT, "TIFF tag %u holds %zu bytes (more than %zu)", rse__tiff_geo_tags[i],
                             o->len, RSE__TIFF_SRC_MAX_GEO);
        }
        o->data = (unsigned char *)RSE_MALLOC(o->len ? o->len : 1);
        if (!o->data) { rse_geo_free(g); return rse__fail(RSE_STATUS_NOMEM, "out of memory for TIFF tag %u", rse__tiff_geo_tags[i]); }
        o->tag = rse__tiff_geo_tags[i];
        o->type = (uint16_t)a->type;
        o->count = a->count;
        g->n++;
        if (a->p) memcpy(o->data, a->p, o->len);
        else if ((st = rse__tiff_read(t, a->off, o->data, o->len)) != RSE_STATUS_OK) { rse_geo_free(g); return st; }
        /* Big-endian values are swapped in place; rationals are two 32-bit
           integers and swapped as such. */
        u = a->type == 5 || a->type == 10 ? 4 : s;
        if (t->be && u > 1)
            for (j = 0; j < o->len; j += u)
                for (b = 0; b < u / 2; b++) {
                    unsigned char c = o->data[j + b];
                    o->data[j + b] = o->data[j + u - 1 - b];
                    o->data[j + u - 1 - b] = c;
                }
    }
    return RSE_STATUS_OK;
}

RSE__FN void rse__tiff_desc(const rse__tiff *t, rse_image_desc *d) {
    d->format = RSE_FORMAT_TIFF;
    d->w = (int)t->w; d->h = (int)t->h;
    d->bands = (int)t->spp; d->bits = (int)t->bps;
    d->c = t->spp >= 3 ? 3 : 1;
    d->compression = (int)t->comp; d->predictor = (int)t->pred; d->planar = (int)t->planar;
    d->photometric = (int)t->photo;
    d->tile_w = t->tiled ? (int)t->tw : 0; d->tile_h = t->tiled ? (int)t->th : 0;
    d->rows_per_strip = t->tiled ? 0 : (int)t->rps;
    d->big_endian = t->be; d->bigtiff = t->big; d->pages = t->pages;
}

/* The whole image from a file in memory: every chunk is checked before
   the image is allocated. */
RSE__FN rse_status rse__tiff_load(const unsigned char *b, size_t len, const rse_read_options *opt,
                                  rse_image *out, rse_geo *geo) {
    rse__tiff t;
    rse_roi all;
    uint32_t band[3];
    int nb = 1;
    rse_status st;
    if ((st = rse__tiff_open(&t, b, len)) != RSE_STATUS_OK) return st;
    if ((st = rse__tiff_bands(&t, opt, &nb, band)) != RSE_STATUS_OK) return st;
    if ((st = rse__tiff_check_chunks(&t)) != RSE_STATUS_OK) return st;
    if ((st = rse_image_alloc(out, (int)t.w, (int)t.h, nb)) != RSE_STATUS_OK) return st;
    all.x = all.y = 0; all.w = (int)t.w; all.h = (int)t.h;
    if ((st = rse__tiff_decode_rect(&t, &all, nb, band, out)) == RSE_STATUS_OK && geo)
        st = rse__tiff_geo(&t, geo);
    if (st != RSE_STATUS_OK) rse_image_free(out);
    return st;
}

RSE__FN rse_status rse__tiff_describe(const unsigned char *b, size_t len, rse_image_desc *d, rse_geo *geo) {
    rse__tiff t;
    rse_status st;
    if ((st = rse__tiff_open(&t, b, len)) != RSE_STATUS_OK) return st;
    rse__tiff_desc(&t, d);
    return geo ? rse__tiff_geo(&t, geo) : RSE_STATUS_OK;
}
#endif /* RSE_NO_TIFF */

/* ---- JPEG reader ---------------------------------------------------------
   A JPEG is a chain of markers (0xFF, a code byte, most followed by a
   big-endian length that counts itself). The pipeline:
     1. markers: SOI; tables (DQT quantisation, DHT Huffman, DRI restart
        interval) and APP0 "JFIF" / APP14 "Adobe" (colour transform) in any
        order; one SOF (frame: size, components with their sampling factors
        and quantisation table); one (baseline) or several (progressive) SOS
        scans, each followed by its entropy-coded data; EOI.
     2. entropy decoding: every 8x8 block of every component becomes 64
        quantised DCT coefficients, kept for the whole image (a progressive
        file sends them in several scans: DC first, then bands of AC
        coefficients, then refinement bits, "successive approximation").
        Bytes 0xFF in the data are stuffed as FF 00; RSTn markers every DRI
        MCUs reset the DC predictors so a decoder can resynchronise.
     3. at EOI, per component: dequantise and inverse DCT each block into a
        plane of 8-bit samples, using libjpeg's "islow" integer IDCT
        (jidctint.c) step for step, so the samples are those of libjpeg-turbo
        (and so of Pillow) exactly.
     4. per output row: upsample subsampled components (4:2:2, 4:2:0, 4:4:0)
        with libjpeg's "fancy" triangle filter for 2x ratios and box
        replication otherwise, then YCbCr -> RGB with libjpeg's fixed-point
        tables (jdcolor.c), or RGB as stored (Adobe transform 0).
   Refused with a message: arithmetic coding (SOF9-15), lossless (SOF3) and
   hierarchical (SOF5-7, DHP) processes, 12-bit samples, 2 or 4 components
   (CMYK), DNL (height 0). Every segment is checked against the input; the
   image size is checked against RSE_MAX_DIM/RSE_MAX_PIXELS and against what
   the file can hold (each block of the first scan costs at least one bit)
   before the coefficients are allocated. Absent under RSE_NO_JPEG.
   ------------------------------------------------------------------------- */

#ifndef RSE_NO_JPEG

typedef struct rse__jpeg_huff {
    int present;
    uint8_t vals[256];
    int32_t maxcode[18];       /* largest code of each length, -1 if none */
    int valptr[17];            /* index in vals of the first code of each length */
    int32_t mincode[17];
    uint16_t fast[512];        /* 9-bit lookup: (length << 8) | symbol, 0 if longer */
} rse__jpeg_huff;

typedef struct rse__jpeg_comp {
    int id, h, v, tq;
    int bw, bh;                /* blocks allocated: whole MCUs */
    int dw, dh;                /* samples of the component (downsampled size) */
    int nbw, nbh;              /* blocks a non-interleaved scan covers */
    int16_t *coef;             /* bw * bh blocks of 64, zig-zag order undone */
    uint16_t q[64];            /* quantisation table latched at the first scan */
    int latched;
    int coef_bits[64];         /* successive approximation: -1 not yet sent */
    int dc_pred;
    unsigned char *plane;      /* bw*8 x bh*8 samples after the IDCT */
} rse__jpeg_comp;

typedef struct rse__jpeg_bits {
    const unsigned char *p, *end;
    uint32_t acc;              /* next bits left-aligned */
    int nbits;
    int at_marker;             /* stopped at a marker (or the end): zeros follow */
    long phantom;              /* zero bits appended after that */
} rse__jpeg_bits;

typedef struct rse__jpeg {
    const unsigned char *b;
    size_t len, pos;
    int w, h, nc, sof;         /* sof: 0xC0, 0xC1 or 0xC2; 0 before the frame */
    int hmax, vmax, mcux, mcuy;
    int restart;               /* DRI interval in MCUs, 0 none */
    int jfif, adobe, transform;
    int scans;
    uint16_t qt[4][64];
    int qt_present[4];
    rse__jpeg_huff dc[4], ac[4];
    rse__jpeg_comp comp[3];
    rse__jpeg_bits bits;
    int eobrun;
} rse__jpeg;

/* Position k in zig-zag order -> row-major index in the block; 16 more
   entries absorb a run that overshoots 63 in a corrupt block, as libjpeg's
   table does, so a bad file writes coefficient 63 rather than past it. */
static const unsigned char rse__jpeg_zz[80] = {
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
    28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
    54, 47, 55, 62, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63 };

RSE__FN unsigned rse__jpeg_be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

/* Arithmetic right shift (floor division by 2^n) without relying on the
   implementation-defined shift of a negative number. */
RSE__FN int64_t rse__jpeg_asr(int64_t x, int n) {
    return x >= 0 ? x >> n : -((-x - 1) >> n) - 1;
}

/* The next marker at or after j->pos: skips bytes that are not a marker, as
   libjpeg does (with a warning) after a scan's data, and fill bytes 0xFF.
   Returns the code (0xC0..0xFE) with j->pos after it, or -1 at the end. */
RSE__FN int rse__jpeg_next_marker(rse__jpeg *j) {
    while (j->pos + 1 < j->len) {
        if (j->b[j->pos] == 0xFF && j->b[j->pos + 1] != 0 && j->b[j->pos + 1] != 0xFF) {
            j->pos += 2;
            return j->b[j->pos - 1];
        }
        j->pos++;
    }
    j->pos = j->len;
    return -1;
}

/* The segment of the marker just read: *p its data, *n its size. */
RSE__FN rse_status rse__jpeg_segment(rse__jpeg *j, int m, const unsigned char **p, size_t *n) {
    size_t l;
    if (j->len - j->pos < 2) return rse__fail(RSE_STATUS_TRUNCATED, "JPEG marker 0x%x: length past the end of the file", m);
    l = rse__jpeg_be16(j->b + j->pos);
    if (l < 2) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG marker 0x%x: bad length %zu", m, l);
    if (j->len - j->pos < l)
        return rse__fail(RSE_STATUS_TRUNCATED, "JPEG marker 0x%x: %zu bytes at offset %zu past the end of the file (%zu bytes)",
                         m, l, j->pos, j->len);
    *p = j->b + j->pos + 2;
    *n = l - 2;
    j->pos += l;
    return RSE_STATUS_OK;
}

/* DHT: one or more tables, each a class/id byte, 16 counts of codes per
   length and the symbols. Canonical codes are assigned in order of length
   (jdhuff.c's jpeg_make_d_derived_tbl); a table whose codes do not fit
   their lengths (over-subscribed) is refused. */
RSE__FN rse_status rse__jpeg_dht(rse__jpeg *j, const unsigned char *p, size_t n) {
    while (n > 0) {
        int tc, th, l, i, k = 0, total = 0;
        int32_t code = 0;
        rse__jpeg_huff *t;
        if (n < 17) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG DHT segment truncated");
        tc = p[0] >> 4; th = p[0] & 15;
        if (tc > 1 || th > 3) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG bad Huffman table class %d id %d", tc, th);
        for (l = 0; l < 16; l++) total += p[1 + l];
        if (total > 256 || (size_t)total > n - 17)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG bad Huffman table: %d codes in %zu bytes", total, n - 17);
        t = tc ? &j->ac[th] : &j->dc[th];
        memset(t, 0, sizeof *t);
        memcpy(t->vals, p + 17, (size_t)total);
        for (l = 1; l <= 16; l++) {
            int cnt = p[l];
            t->valptr[l] = k;
            t->mincode[l] = code;
            for (i = 0; i < cnt; i++, k++, code++) {
                if (code >= ((int32_t)1 << l))
                    return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG bad Huffman table: codes of length %d over-subscribed", l);
                /* codes of length <= 9 also go into the lookup table */
                if (l <= 9) {
                    int s, lo = (int)(code << (9 - l)), hi = lo + (1 << (9 - l));
                    for (s = lo; s < hi; s++) t->fast[s] = (uint16_t)(l << 8 | t->vals[k]);
                }
            }
            t->maxcode[l] = cnt ? code - 1 : -1;
            code <<= 1;
        }
        t->maxcode[17] = 0x7FFFFFFF;   /* sentinel: the decoder stops at 16 */
        if (tc == 0)
            for (i = 0; i < total; i++)
                if (t->vals[i] > 15) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG bad DC Huffman symbol %u", (unsigned)t->vals[i]);
        t->present = 1;
        p += 17 + total; n -= 17 + (size_t)total;
    }
    return RSE_STATUS_OK;
}

/* DQT: tables of 64 values (8 or 16 bits each) in zig-zag order. */
RSE__FN rse_status rse__jpeg_dqt(rse__jpeg *j, const unsigned char *p, size_t n) {
    while (n > 0) {
        int pq = p[0] >> 4, tq = p[0] & 15, k;
        size_t need = pq ? 129 : 65;
        if (pq > 1 || tq > 3) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG bad quantisation table precision %d id %d", pq, tq);
        if (n < need) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG DQT segment truncated");
        for (k = 0; k < 64; k++)
            j->qt[tq][rse__jpeg_zz[k]] = (uint16_t)(pq ? rse__jpeg_be16(p + 1 + 2 * k) : p[1 + k]);
        j->qt_present[tq] = 1;
        p += need; n -= need;
    }
    return RSE_STATUS_OK;
}

/* SOF0/1/2: precision, height, width, then id, sampling factors and
   quantisation table of each component. */
RSE__FN rse_status rse__jpeg_sof(rse__jpeg *j, int m, const unsigned char *p, size_t n) {
    int i, k;
    if (j->sof) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG with two frame (SOF) markers");
    if (n < 6) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG SOF segment truncated");
    if (p[0] != 8)
        return rse__fail(RSE_STATUS_UNSUPPORTED, "JPEG with %u-bit samples not supported (only 8)", (unsigned)p[0]);
    j->h = (int)rse__jpeg_be16(p + 1);
    j->w = (int)rse__jpeg_be16(p + 3);
    j->nc = p[5];
    if (j->h == 0) return rse__fail(RSE_STATUS_UNSUPPORTED, "JPEG height 0 (set by a DNL marker) not supported");
    if (j->w == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG width 0");
    if (j->nc != 1 && j->nc != 3)
        return rse__fail(RSE_STATUS_UNSUPPORTED, "JPEG with %d components not supported (only gray and 3-component%s)",
                         j->nc, j->nc == 4 ? "; CMYK is not" : "");
    if (n != 6 + 3 * (size_t)j->nc) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG SOF segment of %zu bytes for %d components", n, j->nc);
    j->hmax = j->vmax = 1;
    for (i = 0; i < j->nc; i++) {
        rse__jpeg_comp *c = &j->comp[i];
        const unsigned char *q = p + 6 + 3 * i;
        c->id = q[0]; c->h = q[1] >> 4; c->v = q[1] & 15; c->tq = q[2];
        for (k = 0; k < i; k++)
            if (j->comp[k].id == c->id) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG component id %d used twice", c->id);
        if (c->h < 1 || c->h > 4 || c->v < 1 || c->v > 4)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG component %d: bad sampling factors %dx%d", c->id, c->h, c->v);
        if (c->tq > 3) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG component %d: bad quantisation table %d", c->id, c->tq);
        if (c->h > j->hmax) j->hmax = c->h;
        if (c->v > j->vmax) j->vmax = c->v;
    }
    for (i = 0; i < j->nc; i++) {
        rse__jpeg_comp *c = &j->comp[i];
        if (j->hmax % c->h || j->vmax % c->v)
            return rse__fail(RSE_STATUS_UNSUPPORTED, "JPEG component %d: sampling %dx%d of a maximum %dx%d is fractional",
                             c->id, c->h, c->v, j->hmax, j->vmax);
    }
    j->sof = m;
    return rse__check_dims(j->w, j->h);
}

/* Parses markers up to the frame header (SOF) and returns at it; the
   tables before it are kept. Shared by info/describe and load. */
RSE__FN rse_status rse__jpeg_header(rse__jpeg *j, const unsigned char *b, size_t len) {
    memset(j, 0, sizeof *j);
    j->b = b; j->len = len;
    if (len < 2 || b[0] != 0xFF || b[1] != 0xD8) return rse__fail(RSE_STATUS_BAD_FORMAT, "not a JPEG file (no SOI)");
    j->pos = 2;
    for (;;) {
        const unsigned char *p;
        size_t n;
        rse_status st;
        int m = rse__jpeg_next_marker(j);
        if (m < 0) return rse__fail(RSE_STATUS_TRUNCATED, "JPEG ends before the frame header (SOF)");
        if (m == 0xD8 || m == 0xD9 || (m >= 0xD0 && m <= 0xD7) || m == 0x01)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG marker 0x%x before the frame header", m);
        if ((st = rse__jpeg_segment(j, m, &p, &n)) != RSE_STATUS_OK) return st;
        switch (m) {
        case 0xC0: case 0xC1: case 0xC2: return rse__jpeg_sof(j, m, p, n);
        case 0xC3: return rse__fail(RSE_STATUS_UNSUPPORTED, "lossless JPEG (SOF3) not supported");
        case 0xC5: case 0xC6: case 0xC7: case 0xDE:
            return rse__fail(RSE_STATUS_UNSUPPORTED, "hierarchical JPEG (marker 0x%x) not supported", m);
        case 0xC9: case 0xCA: case 0xCB: case 0xCD: case 0xCE: case 0xCF: case 0xCC:
            return rse__fail(RSE_STATUS_UNSUPPORTED, "arithmetic-coded JPEG (marker 0x%x) not supported", m);
        case 0xC4: if ((st = rse__jpeg_dht(j, p, n)) != RSE_STATUS_OK) return st; break;
        case 0xDB: if ((st = rse__jpeg_dqt(j, p, n)) != RSE_STATUS_OK) return st; break;
        case 0xDD:
            if (n < 2) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG DRI segment truncated");
            j->restart = (int)rse__jpeg_be16(p);
            break;
        case 0xDA: return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG scan (SOS) before the frame header (SOF)");
        case 0xE0: if (n >= 5 && memcmp(p, "JFIF", 5) == 0) j->jfif = 1; break;
        case 0xEE:
            if (n >= 12 && memcmp(p, "Adobe", 5) == 0) { j->adobe = 1; j->transform = p[11]; }
            break;
        default: break;   /* APPn, COM and others: skipped */
        }
    }
}

/* ---- entropy decoding ---- */

RSE__FN void rse__jpeg_bits_init(rse__jpeg_bits *s, const unsigned char *p, const unsigned char *end) {
    s->p = p; s->end = end; s->acc = 0; s->nbits = 0; s->at_marker = 0; s->phantom = 0;
}

/* Tops the bit buffer up to at least 25 bits. At a marker or the end of
   the input it appends zeros (as libjpeg does) and counts them, so that a
   scan whose data ran out is detected by rse__jpeg_overrun. */
RSE__FN void rse__jpeg_fill(rse__jpeg_bits *s) {
    while (s->nbits <= 24) {
        unsigned c = 0;
        if (!s->at_marker && s->p < s->end) {
            c = *s->p;
            if (c == 0xFF) {
                if (s->end - s->p >= 2 && s->p[1] == 0) s->p += 2;        /* stuffed FF 00 */
                else { s->at_marker = 1; c = 0; }                          /* a marker: stop before it */
            } else s->p++;
        } else s->at_marker = 1;
        if (s->at_marker) s->phantom += 8;
        s->acc |= (uint32_t)c << (24 - s->nbits);
        s->nbits += 8;
    }
}

/* True if the decoder has used bits past the end of the scan's data. */
RSE__FN int rse__jpeg_overrun(const rse__jpeg_bits *s) { return s->phantom > s->nbits; }

RSE__FN int rse__jpeg_getbits(rse__jpeg_bits *s, int n) {
    int v;
    if (n == 0) return 0;
    rse__jpeg_fill(s);
    v = (int)(s->acc >> (32 - n));
    s->acc <<= n;
    s->nbits -= n;
    return v;
}

/* n bits as a signed value (JPEG's "EXTEND": a leading 0 bit means negative). */
RSE__FN int rse__jpeg_receive(rse__jpeg_bits *s, int n) {
    int v = rse__jpeg_getbits(s, n);
    return n && v < (1 << (n - 1)) ? v - (1 << n) + 1 : v;
}

/* One Huffman symbol, or -1 for a code that is in no table. */
RSE__FN int rse__jpeg_huff_decode(rse__jpeg_bits *s, const rse__jpeg_huff *t) {
    int l;
    int32_t code;
    uint16_t f;
    rse__jpeg_fill(s);
    f = t->fast[s->acc >> 23];
    if (f) {
        s->acc <<= f >> 8;
        s->nbits -= f >> 8;
        return f & 255;
    }
    for (l = 10; l <= 16; l++) {
        code = (int32_t)(s->acc >> (32 - l));
        if (t->maxcode[l] >= 0 && code <= t->maxcode[l] && code >= t->mincode[l]) {
            s->acc <<= l;
            s->nbits -= l;
            return t->vals[t->valptr[l] + code - t->mincode[l]];
        }
    }
    return -1;
}

/* A coefficient as the int16 libjpeg stores it (wrapping like its cast). */
RSE__FN int16_t rse__jpeg_c16(int64_t v) {
    uint32_t u = (uint32_t)((uint64_t)v & 0xFFFFu);
    return (int16_t)(u >= 0x8000u ? (int32_t)u - 0x10000 : (int32_t)u);
}

typedef struct rse__jpeg_scan {
    int ns, comp[4], td[4], ta[4];
    int ss, se, ah, al;
} rse__jpeg_scan;

/* One block of a scan. */
RSE__FN rse_status rse__jpeg_block(rse__jpeg *j, const rse__jpeg_scan *sc, int si, int16_t *blk) {
    rse__jpeg_bits *s = &j->bits;
    rse__jpeg_comp *c = &j->comp[sc->comp[si]];
    int k, r, sym;
    if (j->sof != 0xC2 || (sc->ss == 0 && sc->ah == 0)) {
        /* DC (sequential, or a progressive DC first scan) */
        if ((sym = rse__jpeg_huff_decode(s, &j->dc[sc->td[si]])) < 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG bad Huffman code");
        /* kept as the int16 it is stored as: the same coefficients, no overflow */
        c->dc_pred = rse__jpeg_c16((int64_t)c->dc_pred + rse__jpeg_receive(s, sym));
        blk[0] = rse__jpeg_c16(j->sof == 0xC2 ? (int64_t)c->dc_pred * ((int64_t)1 << sc->al) : c->dc_pred);
        if (j->sof == 0xC2) return RSE_STATUS_OK;
        for (k = 1; k < 64; k++) {      /* sequential AC */
            if ((sym = rse__jpeg_huff_decode(s, &j->ac[sc->ta[si]])) < 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG bad Huffman code");
            r = sym >> 4; sym &= 15;
            if (sym) { k += r; blk[rse__jpeg_zz[k]] = (int16_t)rse__jpeg_receive(s, sym); }
            else if (r != 15) break;
            else k += 15;
        }
        return RSE_STATUS_OK;
    }
    if (sc->ss == 0) {                  /* DC refinement: one bit */
        if (rse__jpeg_getbits(s, 1)) blk[0] = (int16_t)(blk[0] | (1 << sc->al));
        return RSE_STATUS_OK;
    }
    if (sc->ah == 0) {                  /* AC first scan of a band */
        if (j->eobrun > 0) { j->eobrun--; return RSE_STATUS_OK; }
        for (k = sc->ss; k <= sc->se; k++) {
            if ((sym = rse__jpeg_huff_decode(s, &j->ac[sc->ta[si]])) < 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG bad Huffman code");
            r = sym >> 4; sym &= 15;
            if (sym) {
                k += r;
                blk[rse__jpeg_zz[k]] = rse__jpeg_c16((int64_t)rse__jpeg_receive(s, sym) * ((int64_t)1 << sc->al));
            } else if (r == 15) k += 15;
            else {
                j->eobrun = (1 << r) - 1;
                if (r) j->eobrun += rse__jpeg_getbits(s, r);
                break;
            }
        }
        return RSE_STATUS_OK;
    }
    /* AC refinement (jdphuff.c's decode_mcu_AC_refine): each already
       nonzero coefficient in the band gets a correction bit; new ones
       (+-1 << al) are placed after r still-zero positions. */
    {
        int p1 = 1 << sc->al, m1 = -(1 << sc->al);
        k = sc->ss;
        if (j->eobrun == 0) {
            for (; k <= sc->se; k++) {
                int val = 0;
                if ((sym = rse__jpeg_huff_decode(s, &j->ac[sc->ta[si]])) < 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG bad Huffman code");
                r = sym >> 4; sym &= 15;
                if (sym) val = rse__jpeg_getbits(s, 1) ? p1 : m1;   /* sym should be 1; libjpeg only warns */
                else if (r != 15) {
                    j->eobrun = 1 << r;
                    if (r) j->eobrun += rse__jpeg_getbits(s, r);
                    break;
                }
                do {
                    int16_t *cf = blk + rse__jpeg_zz[k];
                    if (*cf != 0) {
                        if (rse__jpeg_getbits(s, 1) && (*cf & p1) == 0)
                            *cf = (int16_t)(*cf >= 0 ? *cf + p1 : *cf + m1);
                    } else if (--r < 0) break;
                    k++;
                } while (k <= sc->se);
                if (val) blk[rse__jpeg_zz[k]] = (int16_t)val;
            }
        }
        if (j->eobrun > 0) {
            for (; k <= sc->se; k++) {
                int16_t *cf = blk + rse__jpeg_zz[k];
                if (*cf != 0 && rse__jpeg_getbits(s, 1) && (*cf & p1) == 0)
                    *cf = (int16_t)(*cf >= 0 ? *cf + p1 : *cf + m1);
            }
            j->eobrun--;
        }
    }
    return RSE_STATUS_OK;
}

/* Allocates the coefficients of every component, once, at the first scan,
   after checking that the file can hold that many blocks. */
RSE__FN rse_status rse__jpeg_alloc(rse__jpeg *j, const rse__jpeg_scan *sc, size_t data_bytes) {
    size_t blocks_in_scan = 0, total = 0, nb;
    int i;
    j->mcux = (j->w + 8 * j->hmax - 1) / (8 * j->hmax);
    j->mcuy = (j->h + 8 * j->vmax - 1) / (8 * j->vmax);
    for (i = 0; i < j->nc; i++) {
        rse__jpeg_comp *c = &j->comp[i];
        c->bw = j->mcux * c->h; c->bh = j->mcuy * c->v;
        c->dw = (int)(((int64_t)j->w * c->h + j->hmax - 1) / j->hmax);
        c->dh = (int)(((int64_t)j->h * c->v + j->vmax - 1) / j->vmax);
        c->nbw = (c->dw + 7) / 8; c->nbh = (c->dh + 7) / 8;
        total += (size_t)c->bw * (size_t)c->bh;    /* dims <= RSE_MAX_DIM: no overflow */
    }
    for (i = 0; i < sc->ns; i++) {
        const rse__jpeg_comp *c = &j->comp[sc->comp[i]];
        blocks_in_scan += sc->ns == 1 ? (size_t)c->nbw * c->nbh : (size_t)c->bw * c->bh;
    }
    /* A first scan carries DC (checked by the caller): at least one bit per block. */
    if (blocks_in_scan / 8 > data_bytes + 16)
        return rse__fail(RSE_STATUS_LIMIT, "JPEG of %dx%d: its first scan needs %zu blocks, the file has %zu bytes left",
                         j->w, j->h, blocks_in_scan, data_bytes);
    if (!rse__mul_ok(total, 64 * sizeof(int16_t), &nb))
        return rse__fail(RSE_STATUS_LIMIT, "JPEG of %dx%d is too large", j->w, j->h);
    for (i = 0; i < j->nc; i++) {
        rse__jpeg_comp *c = &j->comp[i];
        size_t bytes = (size_t)c->bw * c->bh * 64 * sizeof(int16_t);
        c->coef = (int16_t *)RSE_MALLOC(bytes);
        if (!c->coef) return rse__fail(RSE_STATUS_NOMEM, "out of memory for %zu bytes of JPEG coefficients", bytes);
        memset(c->coef, 0, bytes);
        memset(c->coef_bits, 0xFF, sizeof c->coef_bits);   /* -1: nothing sent */
    }
    return RSE_STATUS_OK;
}

/* Reads the RSTn marker expected after a restart interval and resets the
   decoder's state. */
RSE__FN rse_status rse__jpeg_restart(rse__jpeg *j, int *rst) {
    int i, m;
    if (rse__jpeg_overrun(&j->bits)) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG restart interval's data ends early");
    j->pos = (size_t)(j->bits.p - j->b);
    m = rse__jpeg_next_marker(j);
    if (m != 0xD0 + *rst)
        return m < 0 ? rse__fail(RSE_STATUS_TRUNCATED, "JPEG ends inside a scan (expected RST%d)", *rst)
                     : rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG expected RST%d, found marker 0x%x", *rst, m);
    *rst = (*rst + 1) & 7;
    rse__jpeg_bits_init(&j->bits, j->b + j->pos, j->b + j->len);
    for (i = 0; i < j->nc; i++) j->comp[i].dc_pred = 0;
    j->eobrun = 0;
    return RSE_STATUS_OK;
}

/* SOS: the scan header, its checks, then its entropy-coded data. */
RSE__FN rse_status rse__jpeg_sos(rse__jpeg *j, const unsigned char *p, size_t n) {
    rse__jpeg_scan sc;
    int i, k, mx, my, mcus, done = 0, rst = 0;
    rse_status st;
    if (n < 1 || n != 4 + 2 * (size_t)p[0]) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG bad SOS segment length %zu", n);
    memset(&sc, 0, sizeof sc);
    sc.ns = p[0];
    if (sc.ns < 1 || sc.ns > j->nc) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG scan of %d components (frame has %d)", sc.ns, j->nc);
    for (i = 0; i < sc.ns; i++) {
        int id = p[1 + 2 * i];
        for (k = 0; k < j->nc && j->comp[k].id != id; k++) {}
        if (k == j->nc) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG scan names component id %d, not in the frame", id);
        sc.comp[i] = k;
        for (mx = 0; mx < i; mx++) if (sc.comp[mx] == k) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG scan names component id %d twice", id);
        sc.td[i] = p[2 + 2 * i] >> 4; sc.ta[i] = p[2 + 2 * i] & 15;
        if (sc.td[i] > 3 || sc.ta[i] > 3) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG bad Huffman table id in scan");
    }
    p += 1 + 2 * sc.ns;
    sc.ss = p[0]; sc.se = p[1]; sc.ah = p[2] >> 4; sc.al = p[2] & 15;
    if (j->sof == 0xC2) {
        /* jdphuff.c's checks: DC and AC bands never mix, AC scans hold one
           component, a refinement refines by exactly one bit. */
        if ((sc.ss == 0 && sc.se != 0) || (sc.ss > 0 && (sc.se < sc.ss || sc.se > 63 || sc.ns != 1)) ||
            (sc.ah != 0 && sc.al != sc.ah - 1) || sc.al > 13)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG bad progressive scan: spectral selection %d..%d, successive approximation %d,%d",
                             sc.ss, sc.se, sc.ah, sc.al);
        for (i = 0; i < sc.ns; i++) {
            rse__jpeg_comp *c = &j->comp[sc.comp[i]];
            if (c->coef && sc.ss > 0 && c->coef_bits[0] < 0)
                return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG progressive AC scan of component %d before its DC scan", c->id);
        }
    } else sc.ss = 0, sc.se = 63, sc.ah = sc.al = 0;   /* sequential: libjpeg ignores these fields */
    /* The allocation bound below relies on a first scan with DC, as the
       standard requires (libjpeg only warns). */
    if (j->scans == 0 && sc.ss != 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG first scan has no DC coefficients");
    if (sc.ns > 1) {
        int blocks = 0;
        for (i = 0; i < sc.ns; i++) blocks += j->comp[sc.comp[i]].h * j->comp[sc.comp[i]].v;
        if (blocks > 10) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG MCU of %d blocks (at most 10)", blocks);
    }
    /* The tables this scan uses must exist. */
    for (i = 0; i < sc.ns; i++) {
        rse__jpeg_comp *c = &j->comp[sc.comp[i]];
        if ((sc.ss == 0 && sc.ah == 0 && !j->dc[sc.td[i]].present) || (sc.se > 0 && !j->ac[sc.ta[i]].present))
            return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG scan uses a Huffman table that was not defined");
        if (!c->latched) {
            if (!j->qt_present[c->tq]) return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG component %d: quantisation table %d not defined", c->id, c->tq);
            memcpy(c->q, j->qt[c->tq], sizeof c->q);   /* libjpeg latches it at the first scan */
            c->latched = 1;
        }
    }
    if (j->scans == 0) {
        if ((st = rse__jpeg_alloc(j, &sc, j->len - j->pos)) != RSE_STATUS_OK) return st;
    }
    if (j->sof == 0xC2)
        for (i = 0; i < sc.ns; i++) {
            rse__jpeg_comp *c = &j->comp[sc.comp[i]];
            for (k = sc.ss; k <= sc.se; k++) {
                if (c->coef_bits[k] != (sc.ah == 0 ? -1 : sc.ah))
                    return rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG progressive scan of component %d: successive approximation %d,%d out of order",
                                     c->id, sc.ah, sc.al);
                c->coef_bits[k] = sc.al;
            }
        }
    j->scans++;
    for (i = 0; i < j->nc; i++) j->comp[i].dc_pred = 0;
    j->eobrun = 0;
    rse__jpeg_bits_init(&j->bits, j->b + j->pos, j->b + j->len);
    if (sc.ns == 1) {
        rse__jpeg_comp *c = &j->comp[sc.comp[0]];
        mcus = c->nbw * c->nbh;
        for (my = 0; my < c->nbh; my++)
            for (mx = 0; mx < c->nbw; mx++) {
                if (j->restart && done && done % j->restart == 0 && (st = rse__jpeg_restart(j, &rst)) != RSE_STATUS_OK) return st;
                if ((st = rse__jpeg_block(j, &sc, 0, c->coef + ((size_t)my * c->bw + mx) * 64)) != RSE_STATUS_OK) return st;
                if (rse__jpeg_overrun(&j->bits)) goto early;
                done++;
            }
    } else {
        mcus = j->mcux * j->mcuy;
        for (my = 0; my < j->mcuy; my++)
            for (mx = 0; mx < j->mcux; mx++) {
                if (j->restart && done && done % j->restart == 0 && (st = rse__jpeg_restart(j, &rst)) != RSE_STATUS_OK) return st;
                for (i = 0; i < sc.ns; i++) {
                    rse__jpeg_comp *c = &j->comp[sc.comp[i]];
                    int bx, by;
                    for (by = 0; by < c->v; by++)
                        for (bx = 0; bx < c->h; bx++) {
                            size_t bi = (size_t)(my * c->v + by) * c->bw + (size_t)(mx * c->h + bx);
                            if ((st = rse__jpeg_block(j, &sc, i, c->coef + bi * 64)) != RSE_STATUS_OK) return st;
                        }
                }
                if (rse__jpeg_overrun(&j->bits)) goto early;
                done++;
            }
    }
    j->pos = (size_t)(j->bits.p - j->b);
    return RSE_STATUS_OK;
early:
    return rse__fail(j->bits.p >= j->bits.end ? RSE_STATUS_TRUNCATED : RSE_STATUS_BAD_FORMAT,
                     "JPEG scan %d: data ends after %d of %d MCUs", j->scans, done, mcus);
}

/* ---- reconstruction ---- */

/* libjpeg's sample_range_limit after the IDCT (jdmaster.c): the output v
   (before the +128 level shift) indexes it by v & 1023, which clamps to
   0..255 for -512 <= v < 512 and wraps beyond, as libjpeg does. */
RSE__FN unsigned char rse__jpeg_range(int64_t v) {
    int i = (int)((uint64_t)v & 1023u);
    return (unsigned char)(i < 128 ? i + 128 : i < 512 ? 255 : i < 896 ? 0 : i - 896);
}

/* libjpeg's jpeg_idct_islow (jidctint.c), the default of libjpeg-turbo
   and so of Pillow: a scaled integer IDCT with 13-bit constants, columns
   then rows. 64-bit intermediates, so hostile coefficients cannot
   overflow (libjpeg's JLONG is 64 bits on LP64 too). */
RSE__FN void rse__jpeg_idct(const int16_t *in, const uint16_t *q, unsigned char *out, size_t stride) {
    int64_t ws[64];
    int i;
#define RSE__JD(x, n) rse__jpeg_asr((x) + ((int64_t)1 << ((n) - 1)), n)
    for (i = 0; i < 8; i++) {   /* columns: PASS1_BITS = 2 */
        int64_t t0, t1, t2, t3, t10, t11, t12, t13, z1, z2, z3, z4, z5;
        const int16_t *c = in + i;
        const uint16_t *qq = q + i;
        z2 = (int64_t)c[16] * qq[16]; z3 = (int64_t)c[48] * qq[48];
        z1 = (z2 + z3) * 4433;
        t2 = z1 + z3 * -15137;
        t3 = z1 + z2 * 6270;
        z2 = (int64_t)c[0] * qq[0]; z3 = (int64_t)c[32] * qq[32];
        t0 = (z2 + z3) * 8192;
        t1 = (z2 - z3) * 8192;
        t10 = t0 + t3; t13 = t0 - t3; t11 = t1 + t2; t12 = t1 - t2;
        t0 = (int64_t)c[56] * qq[56]; t1 = (int64_t)c[40] * qq[40];
        t2 = (int64_t)c[24] * qq[24]; t3 = (int64_t)c[8] * qq[8];
        z1 = t0 + t3; z2 = t1 + t2; z3 = t0 + t2; z4 = t1 + t3;
        z5 = (z3 + z4) * 9633;
        t0 *= 2446; t1 *= 16819; t2 *= 25172; t3 *= 12299;
        z1 *= -7373; z2 *= -20995; z3 *= -16069; z4 *= -3196;
        z3 += z5; z4 += z5;
        t0 += z1 + z3; t1 += z2 + z4; t2 += z2 + z3; t3 += z1 + z4;
        ws[i] = RSE__JD(t10 + t3, 11); ws[56 + i] = RSE__JD(t10 - t3, 11);
        ws[8 + i] = RSE__JD(t11 + t2, 11); ws[48 + i] = RSE__JD(t11 - t2, 11);
        ws[16 + i] = RSE__JD(t12 + t1, 11); ws[40 + i] = RSE__JD(t12 - t1, 11);
        ws[24 + i] = RSE__JD(t13 + t0, 11); ws[32 + i] = RSE__JD(t13 - t0, 11);
    }
    for (i = 0; i < 8; i++) {   /* rows: descale by CONST_BITS + PASS1_BITS + 3 */
        int64_t t0, t1, t2, t3, t10, t11, t12, t13, z1, z2, z3, z4, z5;
        const int64_t *w = ws + 8 * i;
        unsigned char *o = out + (size_t)i * stride;
        z2 = w[2]; z3 = w[6];
        z1 = (z2 + z3) * 4433;
        t2 = z1 + z3 * -15137;
        t3 = z1 + z2 * 6270;
        t0 = (w[0] + w[4]) * 8192;
        t1 = (w[0] - w[4]) * 8192;
        t10 = t0 + t3; t13 = t0 - t3; t11 = t1 + t2; t12 = t1 - t2;
        t0 = w[7]; t1 = w[5]; t2 = w[3]; t3 = w[1];
        z1 = t0 + t3; z2 = t1 + t2; z3 = t0 + t2; z4 = t1 + t3;
        z5 = (z3 + z4) * 9633;
        t0 *= 2446; t1 *= 16819; t2 *= 25172; t3 *= 12299;
        z1 *= -7373; z2 *= -20995; z3 *= -16069; z4 *= -3196;
        z3 += z5; z4 += z5;
        t0 += z1 + z3; t1 += z2 + z4; t2 += z2 + z3; t3 += z1 + z4;
        o[0] = rse__jpeg_range(RSE__JD(t10 + t3, 18)); o[7] = rse__jpeg_range(RSE__JD(t10 - t3, 18));
        o[1] = rse__jpeg_range(RSE__JD(t11 + t2, 18)); o[6] = rse__jpeg_range(RSE__JD(t11 - t2, 18));
        o[2] = rse__jpeg_range(RSE__JD(t12 + t1, 18)); o[5] = rse__jpeg_range(RSE__JD(t12 - t1, 18));
        o[3] = rse__jpeg_range(RSE__JD(t13 + t0, 18)); o[4] = rse__jpeg_range(RSE__JD(t13 - t0, 18));
    }
#undef RSE__JD
}

/* Output row y of component c at full width into u (jdsample.c): 2x
   ratios use libjpeg's fancy (triangle) filter, 3/4 of the nearer sample
   and 1/4 of the farther, with its alternating rounding biases; the
   horizontal ones only when the component is wider than 2 samples, as in
   libjpeg. Edges repeat the last sample and row, as libjpeg's context rows
   do. Other integer ratios replicate samples (int_upsample). */
RSE__FN void rse__jpeg_upsample(const rse__jpeg *j, const rse__jpeg_comp *c, int y, int *tmp, unsigned char *u) {
    int hr = j->hmax / c->h, vr = j->vmax / c->v, x, n = c->dw, w = j->w;
    size_t stride = (size_t)c->bw * 8;
    int fancy_h = hr == 2 && n > 2;
    const unsigned char *r0, *r1;
    if (vr == 2 && (hr == 1 || fancy_h)) {
        int iy = y >> 1, ny = (y & 1) ? iy + 1 : iy - 1;
        if (ny < 0) ny = 0;
        if (ny > c->dh - 1) ny = c->dh - 1;
        r0 = c->plane + (size_t)iy * stride; r1 = c->plane + (size_t)ny * stride;
        if (hr == 1) {   /* h1v2: (3 near + far + 1 or 2) / 4 */
            int bias = (y & 1) ? 2 : 1;
            for (x = 0; x < w; x++) u[x] = (unsigned char)((r0[x] * 3 + r1[x] + bias) >> 2);
            return;
        }
        /* h2v2: column sums 3 near + far, then (3 this + that + 8 or 7) / 16 */
        for (x = 0; x < n; x++) tmp[x] = r0[x] * 3 + r1[x];
        for (x = 0; x < n; x++) {
            int l = tmp[x > 0 ? x - 1 : 0], r = tmp[x < n - 1 ? x + 1 : n - 1];
            if (2 * x < w) u[2 * x] = (unsigned char)((tmp[x] * 3 + l + 8) >> 4);
            if (2 * x + 1 < w) u[2 * x + 1] = (unsigned char)((tmp[x] * 3 + r + 7) >> 4);
        }
        return;
    }
    r0 = c->plane + (size_t)(y / vr) * stride;
    if (vr == 1 && fancy_h) {   /* h2v1: (3 near + far + 1 or 2) / 4 */
        for (x = 0; x < n; x++) {
            int l = r0[x > 0 ? x - 1 : 0], r = r0[x < n - 1 ? x + 1 : n - 1];
            if (2 * x < w) u[2 * x] = (unsigned char)((r0[x] * 3 + l + 1) >> 2);
            if (2 * x + 1 < w) u[2 * x + 1] = (unsigned char)((r0[x] * 3 + r + 2) >> 2);
        }
        return;
    }
    for (x = 0; x < w; x++) u[x] = r0[x / hr];
}

/* IDCT of every component, then upsampling and colour conversion row by
   row into out (planar floats). */
RSE__FN rse_status rse__jpeg_output(rse__jpeg *j, rse_image *out) {
    rse_status st;
    int i, x, y, *tmp = 0, rgb;
    unsigned char *rows = 0;
    int crr[256], cbb[256];
    int32_t crg[256], cbg[256];
    size_t plane = (size_t)j->w * j->h;
    for (i = 0; i < j->nc; i++) {
        rse__jpeg_comp *c = &j->comp[i];
        size_t stride = (size_t)c->bw * 8, bx, by;
        c->plane = (unsigned char *)RSE_MALLOC(stride * (size_t)c->bh * 8);
        if (!c->plane) return rse__fail(RSE_STATUS_NOMEM, "out of memory for a JPEG component plane");
        for (by = 0; by < (size_t)c->bh; by++)
            for (bx = 0; bx < (size_t)c->bw; bx++)
                rse__jpeg_idct(c->coef + (by * c->bw + bx) * 64, c->q, c->plane + by * 8 * stride + bx * 8, stride);
        RSE_FREE(c->coef);
        c->coef = 0;
    }
    if ((st = rse_image_alloc(out, j->w, j->h, j->nc == 1 ? 1 : 3)) != RSE_STATUS_OK) return st;
    tmp = (int *)RSE_MALLOC(sizeof(int) * (size_t)j->w);
    rows = (unsigned char *)RSE_MALLOC(3 * (size_t)j->w);
    if (!tmp || !rows) { st = rse__fail(RSE_STATUS_NOMEM, "out of memory for JPEG rows"); goto done; }
    /* jdapimin.c's colour space guess: JFIF means YCbCr, else Adobe's
       transform (0 RGB), else component ids 'R','G','B' mean RGB. */
    rgb = j->nc == 3 && !j->jfif &&
          (j->adobe ? j->transform == 0 : (j->comp[0].id == 'R' && j->comp[1].id == 'G' && j->comp[2].id == 'B'));
    for (i = 0; i < 256; i++) {   /* jdcolor.c's tables: 16-bit fixed point */
        int64_t xx = i - 128;
        crr[i] = (int)rse__jpeg_asr(91881 * xx + 32768, 16);     /* FIX(1.40200) */
        cbb[i] = (int)rse__jpeg_asr(116130 * xx + 32768, 16);    /* FIX(1.77200) */
        crg[i] = (int32_t)(-46802 * xx);                           /* -FIX(0.71414) */
        cbg[i] = (int32_t)(-22554 * xx + 32768);                   /* -FIX(0.34414), + ONE_HALF */
    }
    for (y = 0; y < j->h; y++) {
        for (i = 0; i < j->nc; i++) rse__jpeg_upsample(j, &j->comp[i], y, tmp, rows + (size_t)i * j->w);
        if (j->nc == 1) {
            float *o = out->data + (size_t)y * j->w;
            for (x = 0; x < j->w; x++) o[x] = (float)rows[x] / 255.0f;
            continue;
        }
        for (x = 0; x < j->w; x++) {
            int yy = rows[x], cb = rows[j->w + x], cr = rows[2 * (size_t)j->w + x], r, g, b;
            size_t o = (size_t)y * j->w + x;
            if (rgb) { r = yy; g = cb; b = cr; }
            else {
                r = yy + crr[cr];
                g = yy + (int)rse__jpeg_asr((int64_t)cbg[cb] + crg[cr], 16);
                b = yy + cbb[cb];
                r = r < 0 ? 0 : r > 255 ? 255 : r;
                g = g < 0 ? 0 : g > 255 ? 255 : g;
                b = b < 0 ? 0 : b > 255 ? 255 : b;
            }
            out->data[o] = (float)r / 255.0f;
            out->data[plane + o] = (float)g / 255.0f;
            out->data[2 * plane + o] = (float)b / 255.0f;
        }
    }
    st = RSE_STATUS_OK;
done:
    RSE_FREE(tmp);
    RSE_FREE(rows);
    if (st != RSE_STATUS_OK) rse_image_free(out);
    return st;
}

RSE__FN rse_status rse__jpeg_load(const unsigned char *b, size_t len, rse_image *out) {
    rse__jpeg *j = (rse__jpeg *)RSE_MALLOC(sizeof(rse__jpeg));
    rse_status st;
    int i;
    if (!j) return rse__fail(RSE_STATUS_NOMEM, "out of memory for a JPEG decoder");
    if ((st = rse__jpeg_header(j, b, len)) != RSE_STATUS_OK) goto done;
    for (;;) {
        const unsigned char *p;
        size_t n;
        int m = rse__jpeg_next_marker(j);
        if (m < 0) { st = rse__fail(RSE_STATUS_TRUNCATED, "JPEG ends before EOI"); goto done; }
        if (m == 0xD9) break;
        if ((m >= 0xD0 && m <= 0xD7) || m == 0xD8 || m == 0x01) {
            st = rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG unexpected marker 0x%x", m);
            goto done;
        }
        if ((st = rse__jpeg_segment(j, m, &p, &n)) != RSE_STATUS_OK) goto done;
        switch (m) {
        case 0xC4: st = rse__jpeg_dht(j, p, n); break;
        case 0xDB: st = rse__jpeg_dqt(j, p, n); break;
        case 0xDD:
            if (n < 2) st = rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG DRI segment truncated");
            else j->restart = (int)rse__jpeg_be16(p);
            break;
        case 0xDA: st = rse__jpeg_sos(j, p, n); break;
        case 0xDC: st = rse__fail(RSE_STATUS_UNSUPPORTED, "JPEG DNL marker not supported"); break;
        default:
            if ((m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) || m == 0xDE)
                st = rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG second frame marker 0x%x", m);
            break;
        }
        if (st != RSE_STATUS_OK) goto done;
    }
    if (j->scans == 0) { st = rse__fail(RSE_STATUS_BAD_FORMAT, "JPEG without a scan"); goto done; }
    st = rse__jpeg_output(j, out);
done:
    for (i = 0; i < 3; i++) { RSE_FREE(j->comp[i].coef); RSE_FREE(j->comp[i].plane); }
    RSE_FREE(j);
    return st;
}

RSE__FN rse_status rse__jpeg_describe(const unsigned char *b, size_t len, rse_image_desc *d) {
    rse__jpeg *j = (rse__jpeg *)RSE_MALLOC(sizeof(rse__jpeg));
    rse_status st;
    if (!j) return rse__fail(RSE_STATUS_NOMEM, "out of memory for a JPEG decoder");
    if ((st = rse__jpeg_header(j, b, len)) == RSE_STATUS_OK) {
        d->format = RSE_FORMAT_JPEG;
        d->w = j->w; d->h = j->h; d->bands = j->nc; d->bits = 8;
        d->c = j->nc == 1 ? 1 : 3;
    }
    RSE_FREE(j);
    return st;
}
#endif /* RSE_NO_JPEG */

RSEDEF void rse_geo_free(rse_geo *g) {
    int i;
    if (!g) return;
    for (i = 0; i < g->n && i < RSE_GEO_MAX_TAGS; i++) RSE_FREE(g->tag[i].data);
    memset(g, 0, sizeof *g);
}

RSEDEF const rse_geo_tag *rse_geo_find(const rse_geo *g, int tag) {
    int i;
    for (i = 0; g && i < g->n && i < RSE_GEO_MAX_TAGS; i++)
        if (g->tag[i].tag == tag) return &g->tag[i];
    return 0;
}

/* ---- detection and the public readers ----------------------------------- */

/* The format from the first bytes (never from the file name): "P3"/"P6"
   PPM, "P2"/"P5" PGM, "BM" BMP, "\x89PNG" PNG, "II"/"MM" + 42 or 43 TIFF,
   FF D8 FF JPEG
   (each also when its reader is left out, so that the error can say "not
   supported" rather than "unknown"). */
RSE__FN rse_format rse__sniff(const unsigned char *b, size_t len) {
    if (len >= 2 && b[0] == 'P' && (b[1] == '3' || b[1] == '6')) return RSE_FORMAT_PPM;
    if (len >= 2 && b[0] == 'P' && (b[1] == '2' || b[1] == '5')) return RSE_FORMAT_PGM;
    if (len >= 2 && b[0] == 'B' && b[1] == 'M') return RSE_FORMAT_BMP;
    if (len >= 4 && b[0] == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') return RSE_FORMAT_PNG;
    if (len >= 4 && ((b[0] == 'I' && b[1] == 'I' && (b[2] == 42 || b[2] == 43) && b[3] == 0) ||
                     (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && (b[3] == 42 || b[3] == 43))))
        return RSE_FORMAT_TIFF;
    if (len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return RSE_FORMAT_JPEG;
    return RSE_FORMAT_UNKNOWN;
}

/* Shared by info and load: the reason a buffer is not decodable at all. */
RSE__FN rse_status rse__unknown_format(const unsigned char *b, size_t len) {
    if (!b || len == 0) return rse__fail(RSE_STATUS_TRUNCATED, "empty input");
    if (len >= 2 && b[0] == 'P' && (b[1] == '1' || b[1] == '4'))
        return rse__fail(RSE_STATUS_UNSUPPORTED, "PBM (bitmap P%c) not supported", (int)b[1]);
    if (len >= 2 && b[0] == 'P' && b[1] == '7')
        return rse__fail(RSE_STATUS_UNSUPPORTED, "PAM (P7) not supported");
    if (rse__sniff(b, len) == RSE_FORMAT_PNG)
        return rse__fail(RSE_STATUS_UNSUPPORTED, "PNG input not supported (built with RSE_NO_PNG_READ)");
#ifdef RSE_NO_TIFF
    if (rse__sniff(b, len) == RSE_FORMAT_TIFF)
        return rse__fail(RSE_STATUS_UNSUPPORTED, "TIFF input not supported in this build (RSE_NO_TIFF)");
#endif
#ifdef RSE_NO_JPEG
    if (rse__sniff(b, len) == RSE_FORMAT_JPEG)
        return rse__fail(RSE_STATUS_UNSUPPORTED, "JPEG input not supported in this build (RSE_NO_JPEG)");
#endif
    if (len < 2) return rse__fail(RSE_STATUS_TRUNCATED, "input too short for any image format");
    return rse__fail(RSE_STATUS_BAD_FORMAT, "unknown image format (not PPM, PGM, BMP, PNG, TIFF or JPEG)");
}

RSEDEF rse_status rse_image_info_mem(const void *buf, size_t len, int *w, int *h, int *c) {
    rse__cursor cur;
    rse_status st;
    int iw = 0, ih = 0, ic = 0;
    rse__cur_init(&cur, buf, len);
    switch (rse__sniff(cur.start, len)) {
    case RSE_FORMAT_PPM: case RSE_FORMAT_PGM: {
        rse__pnm_hdr hd;
        if ((st = rse__pnm_header(&cur, &hd)) != RSE_STATUS_OK) return st;
        iw = hd.w; ih = hd.h; ic = hd.c;
        break;
    }
    case RSE_FORMAT_BMP: {
        rse__bmp_hdr hd;
        if ((st = rse__bmp_header(&cur, &hd)) != RSE_STATUS_OK) return st;
        iw = hd.w; ih = hd.h; ic = 3;
        break;
    }
#ifndef RSE_NO_PNG_READ
    case RSE_FORMAT_PNG:
        if ((st = rse__png_info(cur.start, len, &iw, &ih, &ic)) != RSE_STATUS_OK) return st;
        break;
#endif
#ifndef RSE_NO_TIFF
    case RSE_FORMAT_TIFF: {
        rse_image_desc d;
        if ((st = rse__tiff_describe(cur.start, len, &d, 0)) != RSE_STATUS_OK) return st;
        iw = d.w; ih = d.h; ic = d.c;
        break;
    }
#endif
#ifndef RSE_NO_JPEG
    case RSE_FORMAT_JPEG: {
        rse_image_desc d;
        if ((st = rse__jpeg_describe(cur.start, len, &d)) != RSE_STATUS_OK) return st;
        iw = d.w; ih = d.h; ic = d.c;
        break;
    }
#endif
    default:
        return rse__unknown_format(cur.start, len);
    }
    if (w) *w = iw;
    if (h) *h = ih;
    if (c) *c = ic;
    return RSE_STATUS_OK;
}

RSEDEF rse_status rse_image_load_mem_ex(const void *buf, size_t len, const rse_read_options *opt,
                                        rse_image *out, rse_geo *geo) {
    rse__cursor cur;
    rse_format f;
    if (geo) memset(geo, 0, sizeof *geo);
    if (!out) return rse__fail(RSE_STATUS_BAD_ARG, "rse_image_load_mem: NULL output");
    out->w = out->h = out->c = 0;
    out->data = 0;
    rse__cur_init(&cur, buf, len);
    f = rse__sniff(cur.start, len);
    if (opt && opt->nbands != 0 && f != RSE_FORMAT_TIFF && f != RSE_FORMAT_UNKNOWN)
        return rse__fail(RSE_STATUS_BAD_ARG, "band selection is for TIFF input only");
    switch (f) {
    case RSE_FORMAT_PPM: case RSE_FORMAT_PGM: return rse__pnm_load(&cur, out);
    case RSE_FORMAT_BMP: return rse__bmp_load(&cur, out);
#ifndef RSE_NO_PNG_READ
    case RSE_FORMAT_PNG: return rse__png_load(cur.start, len, out);
#endif
#ifndef RSE_NO_TIFF
    case RSE_FORMAT_TIFF: return rse__tiff_load(cur.start, len, opt, out, geo);
#endif
#ifndef RSE_NO_JPEG
    case RSE_FORMAT_JPEG: return rse__jpeg_load(cur.start, len, out);
#endif
    default: return rse__unknown_format(cur.start, len);
    }
}

RSEDEF rse_status rse_image_load_mem(const void *buf, size_t len, rse_image *out) {
    return rse_image_load_mem_ex(buf, len, 0, out, 0);
}

RSEDEF rse_status rse_image_describe_mem(const void *buf, size_t len, rse_image_desc *d, rse_geo *geo) {
    const unsigned char *b = (const unsigned char *)buf;
    rse__cursor cur;
    rse_status st;
    if (geo) memset(geo, 0, sizeof *geo);
    if (!d) return rse__fail(RSE_STATUS_BAD_ARG, "rse_image_describe_mem: NULL output");
    memset(d, 0, sizeof *d);
    rse__cur_init(&cur, buf, len);
    d->format = rse__sniff(cur.start, len);
    switch (d->format) {
    case RSE_FORMAT_PPM: case RSE_FORMAT_PGM: {
        rse__pnm_hdr hd;
        if ((st = rse__pnm_header(&cur, &hd)) != RSE_STATUS_OK) return st;
        d->w = hd.w; d->h = hd.h; d->bands = d->c = hd.c; d->bits = hd.maxval > 255 ? 16 : 8;
        return RSE_STATUS_OK;
    }
    case RSE_FORMAT_BMP: {
        rse__bmp_hdr hd;
        if ((st = rse__bmp_header(&cur, &hd)) != RSE_STATUS_OK) return st;
        d->w = hd.w; d->h = hd.h; d->bands = d->c = 3; d->bits = hd.bpp;
        return RSE_STATUS_OK;
    }
    case RSE_FORMAT_PNG: {
        /* The IHDR chunk: width, height, bit depth, colour type. */
        static const signed char bands[7] = { 1, 0, 3, 1, 2, 0, 4 };
        if (len < 33 || memcmp(b + 12, "IHDR", 4) != 0)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "PNG without IHDR");
        d->w = (int)((uint32_t)(b[16] & 0x7f) << 24 | (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 | b[19]);
        d->h = (int)((uint32_t)(b[20] & 0x7f) << 24 | (uint32_t)b[21] << 16 | (uint32_t)b[22] << 8 | b[23]);
        d->bits = b[24];
        d->bands = b[25] < 7 ? bands[b[25]] : 0;
        if (d->bands == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "PNG colour type %u", (unsigned)b[25]);
        d->c = d->bands >= 3 || b[25] == 3 ? 3 : 1;
        return RSE_STATUS_OK;
    }
#ifndef RSE_NO_TIFF
    case RSE_FORMAT_TIFF: return rse__tiff_describe(b, len, d, geo);
#endif
#ifndef RSE_NO_JPEG
    case RSE_FORMAT_JPEG: return rse__jpeg_describe(b, len, d);
#endif
    default: return rse__unknown_format(cur.start, len);
    }
}

/* ---- writers ------------------------------------------------------------ */

/* The quantiser every writer uses: clamp to [0,1] (NaN counts as 0), then
   round half up to one of maxval+1 levels. */
RSE__FN unsigned rse__quant(float v, unsigned maxval) {
    double d = v;
    if (!(d > 0)) return 0;          /* also catches NaN */
    if (d >= 1) return maxval;
    return (unsigned)(int)(d * maxval + 0.5);
}

/* Sample of pixel p (an index into a plane) in channel k of an RGB view of
   the image: gray images repeat their one plane. */
RSE__FN float rse__px(const rse_image *img, size_t plane, size_t p, int k) {
    return img->data[(img->c == 3 ? (size_t)k * plane : 0) + p];
}

/* Gray level of pixel p: the one plane, or the mean of R, G and B. */
RSE__FN float rse__px_gray(const rse_image *img, size_t plane, size_t p) {
    float r, g, b;
    if (img->c == 1) return img->data[p];
    r = img->data[p]; g = img->data[plane + p]; b = img->data[2 * plane + p];
    if (r != r || g != g || b != b) return 0; /* NaN in any channel -> 0 */
    return (r + g + b) / 3.0f;
}

/* Every byte a writer produces goes through here. The sink only says yes or
   no; the file layer, which knows errno, replaces this message. */
RSE__FN rse_status rse__sink(rse_write_fn write, void *ctx, const void *data, size_t n) {
    if (n && write(ctx, data, n) != 0) return rse__fail(RSE_STATUS_IO, "write failed");
    return RSE_STATUS_OK;
}

/* Byte order is spelled out byte by byte: no host-endian stores. */
RSE__FN void rse__put16be(unsigned char *p, unsigned v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }
RSE__FN void rse__put16le(unsigned char *p, unsigned v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
RSE__FN void rse__put32le(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}
RSE__FN void rse__put64le(unsigned char *p, uint64_t v) {
    int i;
    for (i = 0; i < 8; i++) p[i] = (unsigned char)(v >> 8 * i);
}
RSE__FN void rse__put32be(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

/* Binary PPM (P6) or PGM (P5), maxval 255 or 65535 (big-endian samples).
   One row is converted at a time, so memory stays O(width). The header has
   no comment and single newlines, the form ImageMagick and Netpbm write, so
   re-saving their 8-bit files reproduces them byte for byte. */
RSE__FN rse_status rse__pnm_save(const rse_image *img, int gray, int bits, rse_write_fn write, void *ctx) {
    char head[64];
    unsigned maxval = bits == 16 ? 65535u : 255u;
    int nc = gray ? 1 : 3, bps = bits / 8, x, y, k;
    size_t plane = (size_t)img->w * (size_t)img->h, rowbytes = (size_t)img->w * (size_t)(nc * bps), n;
    unsigned char *row;
    rse_status st;
    n = rse__fmt(head, sizeof head, "P%c\n%d %d\n%u\n", gray ? '5' : '6', img->w, img->h, maxval);
    if ((st = rse__sink(write, ctx, head, n)) != RSE_STATUS_OK) return st;
    row = (unsigned char *)RSE_MALLOC(rowbytes);
    if (!row) return rse__fail(RSE_STATUS_NOMEM, "out of memory for a %zu-byte row", rowbytes);
    for (y = 0; y < img->h && st == RSE_STATUS_OK; y++) {
        unsigned char *o = row;
        for (x = 0; x < img->w; x++) {
            size_t p = (size_t)y * (size_t)img->w + (size_t)x;
            for (k = 0; k < nc; k++) {
                unsigned q = rse__quant(gray ? rse__px_gray(img, plane, p) : rse__px(img, plane, p, k), maxval);
                if (bps == 2) { rse__put16be(o, q); o += 2; }
                else *o++ = (unsigned char)q;
            }
        }
        st = rse__sink(write, ctx, row, rowbytes);
    }
    RSE_FREE(row);
    return st;
}

/* 24-bit BI_RGB BMP with a 40-byte header: bottom-up rows of B,G,R padded
   with zeros to 4 bytes. */
RSE__FN rse_status rse__bmp_save(const rse_image *img, rse_write_fn write, void *ctx) {
    unsigned char head[54];
    size_t plane = (size_t)img->w * (size_t)img->h;
    size_t stride = ((size_t)img->w * 3 + 3) & ~(size_t)3, data, total;
    unsigned char *row;
    rse_status st;
    int x, y;
    /* The file size field is 32 bits: refuse what it cannot describe. */
    if (!rse__mul_ok(stride, (size_t)img->h, &data) || !rse__add_ok(data, 54, &total) || total > 0xFFFFFFFFu)
        return rse__fail(RSE_STATUS_LIMIT, "image too large for BMP (%dx%d)", img->w, img->h);
    memset(head, 0, sizeof head);
    head[0] = 'B'; head[1] = 'M';
    rse__put32le(head + 2, (uint32_t)total);
    rse__put32le(head + 10, 54);               /* pixel data offset */
    rse__put32le(head + 14, 40);               /* BITMAPINFOHEADER */
    rse__put32le(head + 18, (uint32_t)img->w);
    rse__put32le(head + 22, (uint32_t)img->h); /* positive: bottom-up */
    rse__put16le(head + 26, 1);                /* planes */
    rse__put16le(head + 28, 24);               /* bits per pixel */
    rse__put32le(head + 34, (uint32_t)data);   /* image size (compression 0) */
    rse__put32le(head + 38, 2835);             /* 72 dpi in pixels per metre */
    rse__put32le(head + 42, 2835);
    if ((st = rse__sink(write, ctx, head, sizeof head)) != RSE_STATUS_OK) return st;
    row = (unsigned char *)RSE_MALLOC(stride);
    if (!row) return rse__fail(RSE_STATUS_NOMEM, "out of memory for a %zu-byte row", stride);
    memset(row, 0, stride);                    /* the padding stays zero */
    for (y = img->h - 1; y >= 0 && st == RSE_STATUS_OK; y--) {
        for (x = 0; x < img->w; x++) {
            size_t p = (size_t)y * (size_t)img->w + (size_t)x;
            row[3 * x + 0] = (unsigned char)rse__quant(rse__px(img, plane, p, 2), 255);
            row[3 * x + 1] = (unsigned char)rse__quant(rse__px(img, plane, p, 1), 255);
            row[3 * x + 2] = (unsigned char)rse__quant(rse__px(img, plane, p, 0), 255);
        }
        st = rse__sink(write, ctx, row, stride);
    }
    RSE_FREE(row);
    return st;
}

/* ---- PNG writer ----------------------------------------------------------
   A PNG is an 8-byte signature and chunks: length (big-endian, data only),
   4-byte type, data, CRC-32 of type + data. We write IHDR, IDAT... and IEND.
   The image data is a zlib stream (RFC 1950: header 0x78 0x01, deflate data,
   Adler-32 of the uncompressed bytes, big-endian) of the "filtered" rows:
   each row starts with a filter-type byte, 0 here (no filter). Samples are
   8 bits, or 16 (big-endian) when asked: v -> round(v * 65535), which the
   reader's v / 65535 gives back exactly. The deflate
   data uses STORED blocks only (RFC 1951 BTYPE=00): a header byte with
   BFINAL, then LEN and its complement NLEN (little-endian), then LEN raw
   bytes. LEN is 16 bits, so a block holds at most 65535 bytes. Each stored
   block goes in its own IDAT chunk (a zlib stream may be split across IDATs
   at any byte), so the writer needs only one 64 KB buffer.
   ------------------------------------------------------------------------- */

typedef struct rse__png_w {
    rse_write_fn write;
    void *ctx;
    rse__crc32_tab crc;          /* CRC-32 tables for the chunks */
    uint32_t adler;              /* Adler-32 of the raw (filtered) bytes */
    int first;                   /* the zlib header goes before block 1 */
    size_t n;                    /* raw bytes waiting in buf */
    unsigned char buf[65535];
} rse__png_w;

/* CRC-32 and Adler-32 are in tensor.h (shared with the archive readers);
   each writer keeps its own CRC table, so there is no global state to
   initialise across threads. */

/* One chunk: length, type, data (given in up to three pieces, so a block
   needs no copying), CRC of type + data. */
RSE__FN rse_status rse__png_chunk(rse__png_w *pw, const char type[4], const unsigned char *d1, size_t n1,
                                  const unsigned char *d2, size_t n2, const unsigned char *d3, size_t n3) {
    unsigned char b[8];
    uint32_t crc;
    rse_status st;
    rse__put32be(b, (uint32_t)(n1 + n2 + n3)); /* <= 65546: fits */
    memcpy(b + 4, type, 4);
    crc = rse__crc32_update(&pw->crc, 0, b + 4, 4);
    crc = rse__crc32_update(&pw->crc, crc, d1, n1);
    crc = rse__crc32_update(&pw->crc, crc, d2, n2);
    crc = rse__crc32_update(&pw->crc, crc, d3, n3);
    if ((st = rse__sink(pw->write, pw->ctx, b, 8)) != RSE_STATUS_OK) return st;
    if ((st = rse__sink(pw->write, pw->ctx, d1, n1)) != RSE_STATUS_OK) return st;
    if ((st = rse__sink(pw->write, pw->ctx, d2, n2)) != RSE_STATUS_OK) return st;
    if ((st = rse__sink(pw->write, pw->ctx, d3, n3)) != RSE_STATUS_OK) return st;
    rse__put32be(b, crc);
    return rse__sink(pw->write, pw->ctx, b, 4);
}

/* Emits the buffered raw bytes as one stored block in one IDAT chunk; the
   final block also carries the Adler-32 that ends the zlib stream. */
RSE__FN rse_status rse__png_flush(rse__png_w *pw, int final) {
    unsigned char pre[7], post[4];
    size_t np = 0;
    rse_status st;
    if (pw->first) { pre[np++] = 0x78; pre[np++] = 0x01; pw->first = 0; } /* deflate, 32K window, no dict */
    pre[np++] = (unsigned char)(final ? 1 : 0);  /* BFINAL, BTYPE = 00 (stored) */
    rse__put16le(pre + np, (unsigned)pw->n); np += 2;
    rse__put16le(pre + np, (unsigned)pw->n ^ 0xFFFFu); np += 2;
    pw->adler = rse__adler32(pw->adler, pw->buf, pw->n);
    rse__put32be(post, pw->adler);
    st = rse__png_chunk(pw, "IDAT", pre, np, pw->buf, pw->n, post, final ? 4 : 0);
    pw->n = 0;
    return st;
}

/* Appends raw bytes, flushing full blocks. A block is flushed only when more
   bytes follow, so the final block is never empty. */
RSE__FN rse_status rse__png_put(rse__png_w *pw, const unsigned char *p, size_t n) {
    rse_status st;
    while (n) {
        size_t k;
        if (pw->n == sizeof pw->buf && (st = rse__png_flush(pw, 0)) != RSE_STATUS_OK) return st;
        k = sizeof pw->buf - pw->n;
        if (k > n) k = n;
        memcpy(pw->buf + pw->n, p, k);
        pw->n += k; p += k; n -= k;
    }
    return RSE_STATUS_OK;
}

RSE__FN rse_status rse__png_save(const rse_image *img, int bits, rse_write_fn write, void *ctx) {
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    unsigned char ihdr[13];
    unsigned maxval = bits == 16 ? 65535u : 255u;
    size_t plane = (size_t)img->w * (size_t)img->h, rowbytes = 1 + (size_t)img->w * (size_t)img->c * (size_t)(bits / 8);
    unsigned char *row;
    rse__png_w *pw;
    rse_status st;
    int x, y, k;
    pw = (rse__png_w *)RSE_MALLOC(sizeof *pw);
    row = (unsigned char *)RSE_MALLOC(rowbytes);
    if (!pw || !row) { RSE_FREE(pw); RSE_FREE(row); return rse__fail(RSE_STATUS_NOMEM, "out of memory for the PNG writer"); }
    pw->write = write; pw->ctx = ctx;
    rse__crc32_init(&pw->crc);
    pw->adler = 1;
    pw->first = 1; pw->n = 0;
    rse__put32be(ihdr, (uint32_t)img->w);
    rse__put32be(ihdr + 4, (uint32_t)img->h);
    ihdr[8] = (unsigned char)bits;         /* bit depth: 8 or 16 */
    ihdr[9] = img->c == 3 ? 2 : 0;         /* colour type: RGB or gray */
    ihdr[10] = ihdr[11] = ihdr[12] = 0;    /* deflate, adaptive filters, no interlace */
    st = rse__sink(write, ctx, sig, 8);
    if (st == RSE_STATUS_OK) st = rse__png_chunk(pw, "IHDR", ihdr, 13, 0, 0, 0, 0);
    for (y = 0; y < img->h && st == RSE_STATUS_OK; y++) {
        unsigned char *o = row;
        *o++ = 0;                          /* filter type 0: the row as is */
        for (x = 0; x < img->w; x++) {
            size_t p = (size_t)y * (size_t)img->w + (size_t)x;
            for (k = 0; k < img->c; k++) {
                unsigned q = rse__quant(img->data[(size_t)k * plane + p], maxval);
                if (bits == 16) { rse__put16be(o, q); o += 2; }
                else *o++ = (unsigned char)q;
            }
        }
        st = rse__png_put(pw, row, rowbytes);
    }
    if (st == RSE_STATUS_OK) st = rse__png_flush(pw, 1);
    if (st == RSE_STATUS_OK) st = rse__png_chunk(pw, "IEND", 0, 0, 0, 0, 0, 0);
    RSE_FREE(row);
    RSE_FREE(pw);
    return st;
}

/* ---- deflate encoder -----------------------------------------------------
   zlib streams (RFC 1950 around RFC 1951) for the TIFF writer. One
   fixed-Huffman block (BTYPE=01) of literals and LZ77 matches, found by
   3-byte hash chains over the last 32 KB (at most RSE__DF_CHAIN candidates
   per position, greedy, no lazy matching). Fixed codes need no code-length
   tables; after the horizontal predictor most of what compresses in an
   image is runs and repeats, which the matches take. When the block would
   come out larger than the data stored, the data is written as stored
   blocks instead (BTYPE=00), so the output never exceeds rse__zlib_bound(n).
   The PNG writer still writes stored blocks only; it could use this. */

#define RSE__DF_CHAIN 32

typedef struct rse__deflate {
    int32_t head[1 << 15];     /* newest position of each hash, -1 if none     */
    int32_t prev[1 << 15];     /* the position before it with the same hash,
                                  by position & 32767 (a 32 KB window)         */
    unsigned char *out;
    size_t cap, n;             /* bytes past cap are counted, not written     */
    uint32_t bits;             /* pending bits, LSB first                     */
    int nbits;
} rse__deflate;

/* Stored-block size of n bytes in a zlib stream: the most we ever write. */
RSE__FN size_t rse__zlib_bound(size_t n) {
    return 2 + 4 + n + 5 * (n ? (n + 65534) / 65535 : 1);
}

RSE__FN void rse__df_bits(rse__deflate *d, uint32_t v, int n) {
    d->bits |= v << d->nbits;
    d->nbits += n;
    while (d->nbits >= 8) {
        if (d->n < d->cap) d->out[d->n] = (unsigned char)d->bits;
        d->n++;
        d->bits >>= 8;
        d->nbits -= 8;
    }
}

/* Huffman codes go out most significant bit first, the reverse of the
   other fields. */
RSE__FN void rse__df_code(rse__deflate *d, unsigned code, int len) {
    unsigned r = 0;
    int i;
    for (i = 0; i < len; i++) { r = (r << 1) | (code & 1u); code >>= 1; }
    rse__df_bits(d, r, len);
}

/* A literal/length symbol in the fixed code (RFC 1951 3.2.6). */
RSE__FN void rse__df_sym(rse__deflate *d, unsigned sym) {
    if (sym < 144) rse__df_code(d, 0x30 + sym, 8);
    else if (sym < 256) rse__df_code(d, 0x190 + sym - 144, 9);
    else if (sym < 280) rse__df_code(d, sym - 256, 7);
    else rse__df_code(d, 0xC0 + sym - 280, 8);
}

RSE__FN void rse__df_match(rse__deflate *d, unsigned len, unsigned dist) {
    static const unsigned short lbase[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43,
                                              51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
    static const unsigned char lext[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
                                            4, 4, 4, 4, 5, 5, 5, 5, 0 };
    static const unsigned short dbase[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257,
                                              385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193,
                                              12289, 16385, 24577 };
    static const unsigned char dext[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8,
                                            9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
    int i = 28, j = 29;
    while (lbase[i] > len) i--;
    while (dbase[j] > dist) j--;
    rse__df_sym(d, 257u + (unsigned)i);
    if (lext[i]) rse__df_bits(d, len - lbase[i], lext[i]);
    rse__df_code(d, (unsigned)j, 5);
    if (dext[j]) rse__df_bits(d, dist - dbase[j], dext[j]);
}

RSE__FN uint32_t rse__df_hash(const unsigned char *p) {
    return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) * 2654435761u >> 17;
}

/* Compresses src[0..n) (n < 2^31) into out, which holds rse__zlib_bound(n)
   bytes; returns the bytes written. */
RSE__FN size_t rse__zlib_compress(rse__deflate *d, const unsigned char *src, size_t n, unsigned char *out) {
    size_t i = 0, bound = rse__zlib_bound(n);
    uint32_t adler = rse__adler32(1, src, n);
    d->out = out; d->cap = bound - 4; d->n = 0; d->bits = 0; d->nbits = 0;
    out[d->n++] = 0x78; out[d->n++] = 0x01;             /* deflate, 32 KB window, fastest */
    memset(d->head, 0xFF, sizeof d->head);              /* all -1 */
    rse__df_bits(d, 1, 1);                              /* BFINAL */
    rse__df_bits(d, 1, 2);                              /* BTYPE = 01, fixed codes */
    while (i < n && d->n < d->cap) {
        size_t best = 0, dist = 0, k;
        if (n - i >= 3) {
            size_t maxl = n - i < 258 ? n - i : 258;
            int32_t p = d->head[rse__df_hash(src + i)];
            int chain = RSE__DF_CHAIN;
            /* Candidates get strictly older; a slot reused by a newer
               position (older than the window) ends the chain. */
            while (p >= 0 && (size_t)p < i && i - (size_t)p <= 32768 && chain-- > 0) {
                const unsigned char *a = src + p, *b = src + i;
                size_t l = 0;
                int32_t q;
                while (l < maxl && a[l] == b[l]) l++;
                if (l > best) { best = l; dist = i - (size_t)p; if (l == maxl) break; }
                q = d->prev[p & 32767];
                if (q >= p) break;
                p = q;
            }
        }
        if (best >= 3) rse__df_match(d, (unsigned)best, (unsigned)dist);
        else { best = 1; rse__df_sym(d, src[i]); }
        for (k = 0; k < best; k++, i++)                 /* every position enters the chains */
            if (n - i >= 3) {
                uint32_t h = rse__df_hash(src + i);
                d->prev[i & 32767] = d->head[h];
                d->head[h] = (int32_t)i;
            }
    }
    rse__df_sym(d, 256);                                /* end of block */
    if (d->nbits) rse__df_bits(d, 0, 8 - d->nbits);
    if (d->n > d->cap) {                                /* did not pay: stored blocks */
        size_t o = 2;
        i = 0;
        do {
            size_t m = n - i < 65535 ? n - i : 65535;
            out[o++] = (unsigned char)(i + m == n);     /* BFINAL, BTYPE = 00 */
            rse__put16le(out + o, (unsigned)m); o += 2;
            rse__put16le(out + o, (unsigned)m ^ 0xFFFFu); o += 2;
            memcpy(out + o, src + i, m);
            o += m; i += m;
        } while (i < n);
        d->n = o;
    }
    rse__put32be(out + d->n, adler);
    return d->n + 4;
}

/* ---- TIFF writer ---------------------------------------------------------
   Little-endian classic TIFF, one image: 8 or 16 bits per sample (16-bit
   samples little-endian), gray (BlackIsZero) or RGB, contiguous, Adobe
   Deflate (8) with the horizontal predictor (2). Up to 1024 pixels on each
   side the rows go in strips of about 64 KB; larger images in 256 x 256
   tiles (edge tiles padded by repeating the last column and row, which the
   predictor turns into zeros), so a reader can fetch a window without
   inflating whole rows. The georeferencing tags of an rse_geo follow the
   image's own tags as they are (they are little-endian already).
   A sink cannot seek, and the IFD, which comes first, holds the offsets and
   sizes of the compressed chunks: so every chunk is compressed into memory
   first, then header, IFD, arrays and data are written in file order.
   File layout: header (8), IFD, out-of-line values, chunk data. */

/* A little-endian IFD being built (this writer's and the window writer's
   below): meta is zeroed, the IFD right after the header (8 bytes; 16 for
   BigTIFF, whose entries are 20 bytes with 8-byte counts and offsets). */
typedef struct rse__tiff_w {
    unsigned char *meta;       /* header + IFD + out-of-line values */
    size_t n, ext;             /* IFD entries written, next free out-of-line byte */
    int big;                   /* BigTIFF */
} rse__tiff_w;

/* One IFD entry; a value longer than the entry's slot (4 bytes, 8 in a
   BigTIFF) goes to the out-of-line area (at an even offset) and the entry
   holds its offset. */
RSE__FN void rse__tiffw_entry(rse__tiff_w *t, unsigned tag, unsigned type, uint64_t count,
                              const unsigned char *val, size_t len) {
    size_t esz = t->big ? 20 : 12, inl = t->big ? 8 : 4;
    unsigned char *e = t->meta + (t->big ? 16 + 8 : 8 + 2) + esz * t->n++;
    rse__put16le(e, tag);
    rse__put16le(e + 2, type);
    if (t->big) rse__put64le(e + 4, count); else rse__put32le(e + 4, (uint32_t)count);
    memset(e + esz - inl, 0, inl);
    if (len <= inl) {
        memcpy(e + esz - inl, val, len);
    } else {
        memcpy(t->meta + t->ext, val, len);
        if (t->big) rse__put64le(e + 12, t->ext); else rse__put32le(e + 8, (uint32_t)t->ext);
        t->ext += len + (len & 1);
    }
}

RSE__FN void rse__tiffw_short(rse__tiff_w *t, unsigned tag, unsigned v) {
    unsigned char b[2];
    rse__put16le(b, v);
    rse__tiffw_entry(t, tag, 3, 1, b, 2);
}

RSE__FN void rse__tiffw_long(rse__tiff_w *t, unsigned tag, uint32_t v) {
    unsigned char b[4];
    rse__put32le(b, v);
    rse__tiffw_entry(t, tag, 4, 1, b, 4);
}

/* A geo tag a classic little-endian TIFF can carry after the image tags:
   numbered above them, in increasing order, a classic type, consistent. */
RSE__FN rse_status rse__tiffw_check_geo(const rse_geo *geo) {
    static const unsigned char sz[13] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8 };
    int i;
    if (!geo) return RSE_STATUS_OK;
    if (geo->n < 0 || geo->n > RSE_GEO_MAX_TAGS)
        return rse__fail(RSE_STATUS_BAD_ARG, "bad georeferencing tag count %d", geo->n);
    for (i = 0; i < geo->n; i++) {
        const rse_geo_tag *g = &geo->tag[i];
        if (g->tag <= 339 || (i && g->tag <= geo->tag[i - 1].tag))
            return rse__fail(RSE_STATUS_BAD_ARG, "georeferencing tag %u out of order", (unsigned)g->tag);
        if (g->type == 0 || g->type > 12)
            return rse__fail(RSE_STATUS_UNSUPPORTED, "TIFF tag %u of type %u cannot go into a classic TIFF",
                             (unsigned)g->tag, (unsigned)g->type);
        if (g->count > 0xFFFFFFFFu || g->len != (size_t)g->count * sz[g->type] || (g->len && !g->data) ||
            g->len > 0x7FFFFFFFu)
            return rse__fail(RSE_STATUS_BAD_ARG, "georeferencing tag %u: %zu bytes for %llu values of type %u",
                             (unsigned)g->tag, g->len, (unsigned long long)g->count, (unsigned)g->type);
    }
    return RSE_STATUS_OK;
}

RSE__FN rse_status rse__tiff_save(const rse_image *img, int bits, const rse_geo *geo, rse_write_fn write, void *ctx) {
    const size_t W = (size_t)img->w, H = (size_t)img->h, plane = W * H, spp = (size_t)img->c;
    const size_t bps = (size_t)bits / 8, px = spp * bps;
    const int tiled = img->w > 1024 || img->h > 1024;
    const unsigned maxval = bits == 16 ? 65535u : 255u;
    size_t cw, ch, across, down, nchunks, raw_max, zmax, dcap, dn = 0, c, meta_len, data_off, i;
    size_t ngeo = geo ? (size_t)geo->n : 0;
    unsigned char *raw = 0, *zbuf = 0, *data = 0;
    size_t *counts = 0;
    unsigned char *arr = 0;        /* StripOffsets/TileOffsets, then the byte counts */
    rse__deflate *df = 0;
    rse__tiff_w tw;
    rse_status st;
    tw.meta = 0;
    if ((st = rse__tiffw_check_geo(geo)) != RSE_STATUS_OK) return st;
    /* Chunk geometry: 256 x 256 tiles, or strips of whole rows (~64 KB). */
    if (tiled) { cw = ch = 256; }
    else { cw = W; ch = 65536 / (W * px); if (ch < 1) ch = 1; if (ch > H) ch = H; }
    across = (W + cw - 1) / cw;
    down = (H + ch - 1) / ch;
    nchunks = across * down;                      /* <= 64 * 64 tiles, or H strips */
    raw_max = cw * ch * px;                       /* <= 256*256*6 or ~64 KB + a row */
    zmax = rse__zlib_bound(raw_max);
    dcap = zmax * 2;
    raw = (unsigned char *)RSE_MALLOC(raw_max);
    zbuf = (unsigned char *)RSE_MALLOC(zmax);
    data = (unsigned char *)RSE_MALLOC(dcap);
    counts = (size_t *)RSE_MALLOC(nchunks * sizeof *counts);
    arr = (unsigned char *)RSE_MALLOC(8 * nchunks);
    df = (rse__deflate *)RSE_MALLOC(sizeof *df);
    if (!raw || !zbuf || !data || !counts || !arr || !df) {
        st = rse__fail(RSE_STATUS_NOMEM, "out of memory for the TIFF writer");
        goto done;
    }
    for (c = 0; c < nchunks; c++) {
        size_t x0 = c % across * cw, y0 = c / across * ch, rows = tiled ? ch : (H - y0 < ch ? H - y0 : ch);
        size_t r, x, k, zn, len = rows * cw * px;
        unsigned char *o = raw;
        for (r = 0; r < rows; r++) {
            size_t y = y0 + r < H ? y0 + r : H - 1;   /* tile padding repeats the last row */
            unsigned prev[3] = { 0, 0, 0 };
            for (x = 0; x < cw; x++) {
                size_t p = y * W + (x0 + x < W ? x0 + x : W - 1);
                for (k = 0; k < spp; k++) {
                    unsigned q = rse__quant(img->data[k * plane + p], maxval);
                    unsigned v = (q - prev[k]) & maxval;   /* predictor 2: difference to the left, mod 2^bits */
                    prev[k] = q;
                    if (bps == 2) { rse__put16le(o, v); o += 2; }
                    else *o++ = (unsigned char)v;
                }
            }
        }
        zn = rse__zlib_compress(df, raw, len, zbuf);
        if (dcap - dn < zn) {
            size_t ncap = dcap;
            unsigned char *nd;
            while (ncap - dn < zn) {
                if (ncap > ((size_t)-1) / 2) { st = rse__fail(RSE_STATUS_LIMIT, "TIFF data size overflows"); goto done; }
                ncap *= 2;
            }
            nd = (unsigned char *)RSE_REALLOC(data, ncap);
            if (!nd) { st = rse__fail(RSE_STATUS_NOMEM, "out of memory for %zu bytes of TIFF data", ncap); goto done; }
            data = nd; dcap = ncap;
        }
        memcpy(data + dn, zbuf, zn);
        dn += zn;
        counts[c] = zn;
    }
    /* Header, IFD (11 or 12 image tags + geo), then out-of-line values:
       BitsPerSample for RGB, offsets and byte counts if more than one chunk,
       geo values of more than 4 bytes (each padded to even). */
    meta_len = 8 + 2 + 12 * (12 + ngeo) + 4 + 8 + (nchunks > 1 ? 8 * nchunks : 0);
    for (i = 0; i < ngeo; i++) meta_len += geo->tag[i].len + 1;
    if (meta_len > 0xFFFFFFFFu || dn > 0xFFFFFFFFu - meta_len) {
        st = rse__fail(RSE_STATUS_LIMIT, "image too large for a classic TIFF (%zu bytes compressed)", dn);
        goto done;
    }
    tw.meta = (unsigned char *)RSE_MALLOC(meta_len);
    if (!tw.meta) { st = rse__fail(RSE_STATUS_NOMEM, "out of memory for the TIFF header"); goto done; }
    memset(tw.meta, 0, meta_len);
    tw.meta[0] = 'I'; tw.meta[1] = 'I';
    rse__put16le(tw.meta + 2, 42);
    rse__put32le(tw.meta + 4, 8);
    tw.big = 0; tw.n = 0;
    rse__put16le(tw.meta + 8, (unsigned)((tiled ? 12 : 11) + ngeo));
    tw.ext = 8 + 2 + 12 * ((tiled ? 12 : 11) + ngeo) + 4;   /* the next-IFD offset stays 0 */
    data_off = meta_len;
    {
        unsigned char bps3[6];
        size_t off = data_off;
        rse__tiffw_long(&tw, 256, (uint32_t)W);
        rse__tiffw_long(&tw, 257, (uint32_t)H);
        for (i = 0; i < 3; i++) rse__put16le(bps3 + 2 * i, (unsigned)bits);
        rse__tiffw_entry(&tw, 258, 3, (uint32_t)spp, bps3, 2 * spp);
        rse__tiffw_short(&tw, 259, 8);                       /* Adobe Deflate */
        rse__tiffw_short(&tw, 262, spp == 3 ? 2 : 1);        /* RGB or BlackIsZero */
        /* Offsets and byte counts: the data follows meta, in chunk order. */
        for (c = 0; c < nchunks; c++) {
            rse__put32le(arr + 4 * c, (uint32_t)off);
            rse__put32le(arr + 4 * (nchunks + c), (uint32_t)counts[c]);
            off += counts[c];
        }
        if (!tiled) {
            rse__tiffw_entry(&tw, 273, 4, (uint32_t)nchunks, arr, 4 * nchunks);
            rse__tiffw_short(&tw, 277, (unsigned)spp);
            rse__tiffw_long(&tw, 278, (uint32_t)ch);
            rse__tiffw_entry(&tw, 279, 4, (uint32_t)nchunks, arr + 4 * nchunks, 4 * nchunks);
            rse__tiffw_short(&tw, 284, 1);
            rse__tiffw_short(&tw, 317, 2);
        } else {
            rse__tiffw_short(&tw, 277, (unsigned)spp);
            rse__tiffw_short(&tw, 284, 1);
            rse__tiffw_short(&tw, 317, 2);
            rse__tiffw_short(&tw, 322, 256);
            rse__tiffw_short(&tw, 323, 256);
            rse__tiffw_entry(&tw, 324, 4, (uint32_t)nchunks, arr, 4 * nchunks);
            rse__tiffw_entry(&tw, 325, 4, (uint32_t)nchunks, arr + 4 * nchunks, 4 * nchunks);
        }
        for (i = 0; i < ngeo; i++)
            rse__tiffw_entry(&tw, geo->tag[i].tag, geo->tag[i].type, (uint32_t)geo->tag[i].count,
                             geo->tag[i].data, geo->tag[i].len);
    }
    st = rse__sink(write, ctx, tw.meta, meta_len);
    if (st == RSE_STATUS_OK) st = rse__sink(write, ctx, data, dn);
done:
    RSE_FREE(tw.meta);
    RSE_FREE(raw); RSE_FREE(zbuf); RSE_FREE(data); RSE_FREE(counts); RSE_FREE(arr); RSE_FREE(df);
    return st;
}

RSEDEF rse_status rse_image_save_mem_geo(const rse_image *img, rse_format fmt, int bits, const rse_geo *geo,
                                        rse_write_fn write, void *ctx) {
    rse_status st;
    if ((st = rse__check_image(img)) != RSE_STATUS_OK) return st;
    if (!write) return rse__fail(RSE_STATUS_BAD_ARG, "no write callback");
    if (bits != 8 && bits != 16) return rse__fail(RSE_STATUS_BAD_ARG, "bits must be 8 or 16, got %d", bits);
    if (bits == 16 && fmt != RSE_FORMAT_PPM && fmt != RSE_FORMAT_PGM && fmt != RSE_FORMAT_PNG && fmt != RSE_FORMAT_TIFF)
        return rse__fail(RSE_STATUS_BAD_ARG, "16-bit output needs PPM, PGM, PNG or TIFF");
    switch (fmt) {
    case RSE_FORMAT_PPM: return rse__pnm_save(img, 0, bits, write, ctx);
    case RSE_FORMAT_PGM: return rse__pnm_save(img, 1, bits, write, ctx);
    case RSE_FORMAT_BMP: return rse__bmp_save(img, write, ctx);
    case RSE_FORMAT_PNG: return rse__png_save(img, bits, write, ctx);
    case RSE_FORMAT_TIFF: return rse__tiff_save(img, bits, geo, write, ctx);
    default: return rse__fail(RSE_STATUS_BAD_ARG, "unknown output format %d", (int)fmt);
    }
}

RSEDEF rse_status rse_image_save_mem(const rse_image *img, rse_format fmt, int bits, rse_write_fn write, void *ctx) {
    return rse_image_save_mem_geo(img, fmt, bits, 0, write, ctx);
}

/* ---- windows of TIFF files larger than memory ------------------------------
   A TIFF read through a source (rse_source: a read-at-offset callback and
   the file's size) is never held whole: its header and first IFD are read,
   then only the strips or tiles under a window, so the scene may be far
   larger than RSE_MAX_DIM and RSE_MAX_PIXELS, which bound the window.
   The same checks as from memory apply to everything read (offsets and
   byte counts inside the file, IFD loops, byte counts able to hold their
   chunk); a chunk the window does not meet is not looked at. */

/* A source whose first bytes are not a TIFF's: refused (the caller reads
   other formats whole). */
RSE__FN rse_status rse__src_tiff_only(const rse_source *src) {
    unsigned char hd[4];
    if (!src || !src->read) return rse__fail(RSE_STATUS_BAD_ARG, "no source to read");
    if (src->size < 4) return rse__fail(RSE_STATUS_TRUNCATED, "TIFF header truncated");
    if (src->read(src->ctx, 0, hd, 4) != 0) return rse__fail(RSE_STATUS_IO, "TIFF: cannot read 4 bytes at offset 0");
    if (rse__sniff(hd, 4) != RSE_FORMAT_TIFF)
        return rse__fail(RSE_STATUS_UNSUPPORTED, "windowed reads are for TIFF files only");
#ifdef RSE_NO_TIFF
    return rse__fail(RSE_STATUS_UNSUPPORTED, "TIFF input not supported in this build (RSE_NO_TIFF)");
#else
    return RSE_STATUS_OK;
#endif
}

RSEDEF rse_status rse_image_describe_src(const rse_source *src, rse_image_desc *d, rse_geo *geo) {
    rse_status st;
    if (geo) memset(geo, 0, sizeof *geo);
    if (!d) return rse__fail(RSE_STATUS_BAD_ARG, "rse_image_describe_src: NULL output");
    memset(d, 0, sizeof *d);
    if ((st = rse__src_tiff_only(src)) != RSE_STATUS_OK) return st;
#ifndef RSE_NO_TIFF
    {
        rse__tiff t;
        if ((st = rse__tiff_open_src(&t, src)) == RSE_STATUS_OK) {
            rse__tiff_desc(&t, d);
            if (geo) st = rse__tiff_geo(&t, geo);
        }
        rse__tiff_close(&t);
    }
#endif
    return st;
}

RSEDEF rse_status rse_image_load_window_src(const rse_source *src, const rse_roi *win, const rse_read_options *opt,
                                            rse_image *out, rse_geo *geo) {
    rse_status st;
    if (geo) memset(geo, 0, sizeof *geo);
    if (!out || !win) return rse__fail(RSE_STATUS_BAD_ARG, "rse_image_load_window_src: NULL argument");
    memset(out, 0, sizeof *out);
    if ((st = rse__src_tiff_only(src)) != RSE_STATUS_OK) return st;
#ifdef RSE_NO_TIFF
    (void)opt;
#else
    {
        rse__tiff t;
        uint32_t band[3];
        int nb = 1;
        if ((st = rse__tiff_open_src(&t, src)) == RSE_STATUS_OK &&
            (st = rse__tiff_bands(&t, opt, &nb, band)) == RSE_STATUS_OK &&
            (st = rse__roi_check(win, (int)t.w, (int)t.h, "window")) == RSE_STATUS_OK &&
            (st = rse_image_alloc(out, win->w, win->h, nb)) == RSE_STATUS_OK &&
            (st = rse__tiff_decode_rect(&t, win, nb, band, out)) == RSE_STATUS_OK && geo)
            st = rse__tiff_geo(&t, geo);
        if (st != RSE_STATUS_OK) rse_image_free(out);
        rse__tiff_close(&t);
    }
#endif
    return st;
}

/* ---- writing a window back into a TIFF scene -----------------------------
   The output of a window edit of a scene larger than memory: the input
   TIFF again, chunk for chunk, with the window's pixels replaced. It keeps
   the input's layout (size, strips or tiles of the same shape, depth,
   bands, planar configuration, photometric, ExtraSamples) and its
   georeferencing, so that a chunk the window does not meet can be copied
   as its compressed bytes, never decoded, when the output keeps the
   input's compression: none or Deflate (8, 32946), and for 16-bit samples
   a little-endian input (the writer is little-endian; 8-bit chunks have no
   byte order). Otherwise (LZW, PackBits, big-endian 16-bit) every chunk is
   decoded and re-encoded as Deflate with the horizontal predictor, one at a
   time. The chunks the window meets are decoded, get the window's pixels
   (quantised to the input's depth; a value equal to the input's level
   comes back as that level), and are re-encoded.
   Memory: one decoded chunk and its compressed form, the re-encoded
   chunks under the window, 16 bytes per chunk of offsets and sizes, and a
   1 MB copy buffer; never the scene.
   A sink cannot seek, and the IFD (which holds every chunk's offset) comes
   first: so the chunks under the window are encoded first and kept, the
   others' sizes are their byte counts (or, re-encoding, found by a first
   encoding pass that is thrown away); then header, IFD and chunks are
   written in file order. The output is BigTIFF when the input is or when
   its offsets would not fit 32 bits. A chunk that is copied is checked as
   the reader checks it (inside the file, a byte count that can hold it),
   not decoded: damage inside it is copied as it is. */
#ifndef RSE_NO_TIFF

#define RSE__TIFFX_COPY ((size_t)1 << 20)

typedef struct rse__tiffx {
    rse__tiff t;
    rse__tiff_dec d;
    rse__deflate *df;
    unsigned char *z, *copy;      /* a compressed chunk; the copy buffer */
    const rse_image *pix;
    const rse_roi *win;
    uint32_t band[3];
    int nb, keep;
    unsigned ocomp, opred;
    size_t ntouch, *tk;           /* the chunks the window meets, ascending */
    unsigned char **tdata;        /* and their new bytes                    */
    size_t *tlen;
} rse__tiffx;

/* The window's pixels into the decoded chunk k (little-endian samples). */
RSE__FN void rse__tiffx_paste(rse__tiffx *x, size_t k) {
    const rse__tiff *t = &x->t;
    const rse_image *pix = x->pix;
    const rse_roi *win = x->win;
    size_t bytes = t->bps / 8, rowb = (size_t)t->cw * t->cspp * bytes, pplane = (size_t)pix->w * pix->h;
    unsigned maxv = t->bps == 8 ? 255u : 65535u;
    uint32_t plane;
    rse_roi r;
    int x0, x1, y0, y1, xx, y, ch;
    rse__tiff_chunk_rect(t, k, &r, &plane);
    rse__tiff_meet(&r, win, &x0, &x1, &y0, &y1);
    for (ch = 0; ch < x->nb; ch++) {
        uint32_t s = x->band[ch];
        if (t->planar == 2) { if (s != plane) continue; s = 0; }
        for (y = y0; y < y1; y++)
            for (xx = x0; xx < x1; xx++) {
                size_t j = (size_t)(y - win->y) * win->w + (size_t)(xx - win->x);
                unsigned char *q = x->d.buf + (size_t)(y - r.y) * rowb + ((size_t)(xx - r.x) * t->cspp + s) * bytes;
                float v;
                unsigned lv;
                if (pix->c == 1) v = pix->data[j];
                else if (x->nb == 3) v = pix->data[(size_t)ch * pplane + j];
                else {            /* one band from an RGB edit: its gray, exact where the three agree */
                    float a = pix->data[j], b = pix->data[pplane + j], c = pix->data[2 * pplane + j];
                    v = a == b && b == c ? a : (a + b + c) / 3.0f;
                }
                lv = rse__quant(v, maxv);
                if (t->photo == 0) lv = maxv - lv;    /* WhiteIsZero */
                q[0] = (unsigned char)lv;
                if (bytes == 2) q[1] = (unsigned char)(lv >> 8);
            }
    }
}

/* Decodes chunk k into x->d.buf as little-endian samples. */
RSE__FN rse_status rse__tiffx_decode(rse__tiffx *x, size_t k) {
    rse__tiff *t = &x->t;
    rse_status st;
    if ((st = rse__tiff_chunk_decode(t, &x->d, k)) != RSE_STATUS_OK) return st;
    if (t->be && t->bps == 16) {
        size_t i, need = (size_t)t->cw * t->cspp * 2 * rse__tiff_chunk_rows(t, k);
        for (i = 0; i < need; i += 2) { unsigned char c = x->d.buf[i]; x->d.buf[i] = x->d.buf[i + 1]; x->d.buf[i + 1] = c; }
    }
    return RSE_STATUS_OK;
}

/* Encodes the decoded chunk k (in x->d.buf, which the predictor changes)
   as the output's compression: *out, *n. */
RSE__FN void rse__tiffx_encode(rse__tiffx *x, size_t k, const unsigned char **out, size_t *n) {
    const rse__tiff *t = &x->t;
    size_t bytes = t->bps / 8, rowb = (size_t)t->cw * t->cspp * bytes, ns = (size_t)t->cw * t->cspp, r, i;
    uint32_t rows = rse__tiff_chunk_rows(t, k);
    size_t need = rowb * rows;
    if (x->opred == 2)           /* horizontal differencing, from the right so each left value is still the original */
        for (r = 0; r < rows; r++) {
            unsigned char *p = x->d.buf + r * rowb;
            if (bytes == 1) for (i = ns; i-- > t->cspp;) p[i] = (unsigned char)(p[i] - p[i - t->cspp]);
            else for (i = ns; i-- > t->cspp;) {
                unsigned v = ((unsigned)p[2 * i] | (unsigned)p[2 * i + 1] << 8) -
                             ((unsigned)p[2 * (i - t->cspp)] | (unsigned)p[2 * (i - t->cspp) + 1] << 8);
                p[2 * i] = (unsigned char)v; p[2 * i + 1] = (unsigned char)(v >> 8);
            }
        }
    if (x->ocomp == 1) { *out = x->d.buf; *n = need; return; }
    *n = rse__zlib_compress(x->df, x->d.buf, need, x->z);
    *out = x->z;
}

/* The output bytes of chunk k that is not under the window: *n of them;
   with `write`, also sent to it (copied in pieces, or re-encoded). */
RSE__FN rse_status rse__tiffx_other(rse__tiffx *x, size_t k, uint64_t *n, rse_write_fn write, void *ctx) {
    rse__tiff *t = &x->t;
    rse_status st;
    if (x->keep) {
        uint64_t off, done = 0;
        size_t need;
        if ((st = rse__tiff_chunk(t, k, &off, n, &need)) != RSE_STATUS_OK) return st;
        while (write && done < *n) {
            size_t m = *n - done < RSE__TIFFX_COPY ? (size_t)(*n - done) : RSE__TIFFX_COPY;
            if ((st = rse__tiff_read(t, off + done, x->copy, m)) != RSE_STATUS_OK) return st;
            if ((st = rse__sink(write, ctx, x->copy, m)) != RSE_STATUS_OK) return st;
            done += m;
        }
    } else {
        const unsigned char *p;
        size_t zn;
        if ((st = rse__tiffx_decode(x, k)) != RSE_STATUS_OK) return st;
        rse__tiffx_encode(x, k, &p, &zn);
        *n = zn;
        if (write && (st = rse__sink(write, ctx, p, zn)) != RSE_STATUS_OK) return st;
    }
    return RSE_STATUS_OK;
}


/* The bytes of header, IFD and out-of-line values for n entries of which
   the out-of-line ones have the lengths vals[0..nv). */
RSE__FN size_t rse__tiffx_meta_len(int big, size_t n, const size_t *vals, int nv) {
    size_t len = (big ? 16 : 8) + (big ? 8 : 2) + n * (big ? 20 : 12) + (big ? 8 : 4), inl = big ? 8 : 4;
    int i;
    for (i = 0; i < nv; i++) if (vals[i] > inl) len += vals[i] + (vals[i] & 1);
    return len;
}

RSE__FN void rse__tiffx_free(rse__tiffx *x) {
    size_t i;
    if (x->tdata) for (i = 0; i < x->ntouch; i++) RSE_FREE(x->tdata[i]);
    RSE_FREE(x->tdata); RSE_FREE(x->tlen); RSE_FREE(x->tk);
    RSE_FREE(x->df); RSE_FREE(x->z); RSE_FREE(x->copy);
    rse__tiff_dec_free(&x->d);
    rse__tiff_close(&x->t);
}

RSE__FN rse_status rse__tiffx_save(rse__tiffx *x, const rse_source *src, const rse_read_options *opt,
                                   rse_write_fn write, void *ctx) {
    rse__tiff *t = &x->t;
    const rse_roi *win = x->win;
    uint64_t *osz = 0, total, off;
    unsigned char *arr = 0, *bps = 0, *extra = 0;
    size_t k, i, ti, nent, vals[24], esize, nextra = 0;
    int nv, big;
    uint32_t cy, cx, p;
    rse__tiff_w w;
    rse_geo geo;
    rse_status st;
    memset(&geo, 0, sizeof geo);
    w.meta = 0;
    if ((st = rse__tiff_open_src(t, src)) != RSE_STATUS_OK) return st;
    if ((st = rse__tiff_bands(t, opt, &x->nb, x->band)) != RSE_STATUS_OK) return st;
    if (x->nb == 3 && (x->band[0] == x->band[1] || x->band[1] == x->band[2] || x->band[0] == x->band[2]))
        return rse__fail(RSE_STATUS_BAD_ARG, "writing a window back needs three different bands (%u,%u,%u repeats one)",
                         (unsigned)x->band[0] + 1, (unsigned)x->band[1] + 1, (unsigned)x->band[2] + 1);
    if ((st = rse__roi_check(win, (int)t->w, (int)t->h, "window")) != RSE_STATUS_OK) return st;
    if (x->pix->w != win->w || x->pix->h != win->h || (x->pix->c != 1 && x->pix->c != 3))
        return rse__fail(RSE_STATUS_BAD_ARG, "window pixels of %dx%dx%d for a %dx%d window", x->pix->w, x->pix->h,
                         x->pix->c, win->w, win->h);
    if (t->chunk_max >= ((size_t)1 << 31))
        return rse__fail(RSE_STATUS_LIMIT, "TIFF chunks of %zu bytes are too large to re-encode", t->chunk_max);
    x->keep = (t->comp == 1 || t->comp == 8 || t->comp == 32946) && !(t->be && t->bps == 16);
    x->ocomp = x->keep ? t->comp : 8;
    x->opred = x->ocomp == 1 ? 1 : x->keep ? t->pred : 2;
    if ((st = rse__tiff_dec_init(&x->d, t)) != RSE_STATUS_OK) return st;
    x->df = (rse__deflate *)RSE_MALLOC(sizeof *x->df);
    x->z = (unsigned char *)RSE_MALLOC(rse__zlib_bound(t->chunk_max));
    x->copy = (unsigned char *)RSE_MALLOC(RSE__TIFFX_COPY);
    osz = (uint64_t *)RSE_MALLOC(t->nchunks * sizeof *osz);       /* nchunks <= file size / 2 */
    if (!x->df || !x->z || !x->copy || !osz) { st = rse__fail(RSE_STATUS_NOMEM, "out of memory for the TIFF window writer"); goto done; }

    /* Every chunk checked before any work. Chunks may share bytes (a file
       can point every blank tile at one), but a small file whose chunks
       all name the same large range would make an output, or a decode, far
       larger than itself: together they may name at most 4 times the file
       and 16 MB. */
    total = 0;
    for (k = 0; k < t->nchunks; k++) {
        uint64_t o, n, lim = t->len >> 60 ? UINT64_MAX : 4 * t->len + ((uint64_t)16 << 20);
        size_t need;
        if ((st = rse__tiff_chunk(t, k, &o, &n, &need)) != RSE_STATUS_OK) goto done;
        total += n;                   /* n <= len: no overflow before the check */
        if (total > lim) {
            st = rse__fail(RSE_STATUS_BAD_FORMAT, "TIFF %ss name more than %llu bytes of a %llu-byte file: too much shared "
                           "data to copy", t->tiled ? "tile" : "strip", (unsigned long long)lim, (unsigned long long)t->len);
            goto done;
        }
    }

    /* The chunks under the window, decoded, pasted and re-encoded first. */
    {
        uint32_t c[4];
        size_t planes, cap;
        rse__tiff_span(t, win, c);
        planes = t->planar == 2 ? (size_t)x->nb : 1;
        cap = planes * (c[1] - c[0] + 1) * (c[3] - c[2] + 1);
        x->tk = (size_t *)RSE_MALLOC(cap * sizeof *x->tk);
        x->tlen = (size_t *)RSE_MALLOC(cap * sizeof *x->tlen);
        x->tdata = (unsigned char **)RSE_MALLOC(cap * sizeof *x->tdata);
        if (!x->tk || !x->tlen || !x->tdata) { st = rse__fail(RSE_STATUS_NOMEM, "out of memory for the TIFF window writer"); goto done; }
        for (p = 0; p < (t->planar == 2 ? t->spp : 1); p++) {
            if (!rse__tiff_plane_used(t, x->band, x->nb, p)) continue;
            for (cy = c[0]; cy <= c[1]; cy++)
                for (cx = c[2]; cx <= c[3]; cx++) {
                    const unsigned char *q;
                    size_t zn;
                    k = ((size_t)p * t->down + cy) * t->across + cx;
                    if ((st = rse__tiffx_decode(x, k)) != RSE_STATUS_OK) goto done;
                    rse__tiffx_paste(x, k);
                    rse__tiffx_encode(x, k, &q, &zn);
                    x->tk[x->ntouch] = k;
                    x->tdata[x->ntouch] = (unsigned char *)RSE_MALLOC(zn);
                    if (!x->tdata[x->ntouch]) { st = rse__fail(RSE_STATUS_NOMEM, "out of memory for a TIFF chunk"); goto done; }
                    memcpy(x->tdata[x->ntouch], q, zn);
                    x->tlen[x->ntouch++] = zn;
                }
        }
    }
    /* Every chunk's output size. */
    total = 0;
    for (k = 0, ti = 0; k < t->nchunks; k++) {
        if (ti < x->ntouch && x->tk[ti] == k) osz[k] = x->tlen[ti++];
        else if ((st = rse__tiffx_other(x, k, &osz[k], 0, 0)) != RSE_STATUS_OK) goto done;
        total += osz[k];          /* each <= the file's size or 2^31: no overflow */
    }
    if ((st = rse__tiff_geo(t, &geo)) != RSE_STATUS_OK) goto done;

    /* Header and IFD. Entries: 256 257 258 259 262 273|324 277 [278] 279|325
       284 [317] [322 323] [338] and the geo tags, in increasing order. */
    if (t->extra.type && t->extra.count > 0) nextra = t->extra.count < t->spp ? (size_t)t->extra.count : t->spp;
    nent = 9 + (t->tiled ? 2 : 1) + (x->opred == 2) + (nextra > 0) + (size_t)geo.n;
    bps = (unsigned char *)RSE_MALLOC(2 * (size_t)t->spp);
    extra = (unsigned char *)RSE_MALLOC(2 * (nextra ? nextra : 1));
    if (!bps || !extra) { st = rse__fail(RSE_STATUS_NOMEM, "out of memory for the TIFF window writer"); goto done; }
    for (i = 0; i < t->spp; i++) rse__put16le(bps + 2 * i, t->bps);
    for (i = 0; i < nextra; i++) {
        uint64_t v;
        if ((st = rse__tiff_elem(t, &t->extra, i, &v)) != RSE_STATUS_OK) goto done;
        rse__put16le(extra + 2 * i, (unsigned)(v > 2 ? 0 : v));
    }
    for (big = t->big;; big = 1) {
        size_t meta;
        esize = big ? 8 : 4;
        nv = 0;
        vals[nv++] = 2 * (size_t)t->spp; vals[nv++] = esize * t->nchunks; vals[nv++] = esize * t->nchunks;
        vals[nv++] = 2 * nextra;
        for (i = 0; i < (size_t)geo.n; i++) vals[nv++] = geo.tag[i].len;
        meta = rse__tiffx_meta_len(big, nent, vals, nv);
        if (big || (total <= 0xFFFFFFFFu && meta <= 0xFFFFFFFFu - total)) { w.ext = meta; break; }
    }
    w.big = big; w.n = 0;
    arr = (unsigned char *)RSE_MALLOC(2 * esize * t->nchunks);
    w.meta = (unsigned char *)RSE_MALLOC(w.ext);
    if (!arr || !w.meta) { st = rse__fail(RSE_STATUS_NOMEM, "out of memory for the TIFF header"); goto done; }
    memset(w.meta, 0, w.ext);
    w.meta[0] = 'I'; w.meta[1] = 'I';
    if (big) { rse__put16le(w.meta + 2, 43); rse__put16le(w.meta + 4, 8); rse__put64le(w.meta + 8, 16); rse__put64le(w.meta + 16, nent); }
    else { rse__put16le(w.meta + 2, 42); rse__put32le(w.meta + 4, 8); rse__put16le(w.meta + 8, (unsigned)nent); }
    off = w.ext;                   /* the data follows, chunk after chunk */
    for (k = 0; k < t->nchunks; k++) {
        if (big) { rse__put64le(arr + 8 * k, off); rse__put64le(arr + 8 * (t->nchunks + k), osz[k]); }
        else { rse__put32le(arr + 4 * k, (uint32_t)off); rse__put32le(arr + 4 * (t->nchunks + k), (uint32_t)osz[k]); }
        off += osz[k];
    }
    w.ext = (size_t)rse__tiffx_meta_len(big, nent, 0, 0);   /* out-of-line values start after the IFD */
    rse__tiffw_long(&w, 256, (uint32_t)t->w);
    rse__tiffw_long(&w, 257, (uint32_t)t->h);
    rse__tiffw_entry(&w, 258, 3, t->spp, bps, 2 * (size_t)t->spp);
    rse__tiffw_short(&w, 259, (unsigned)x->ocomp);
    rse__tiffw_short(&w, 262, (unsigned)t->photo);
    if (!t->tiled) rse__tiffw_entry(&w, 273, big ? 16 : 4, t->nchunks, arr, esize * t->nchunks);
    rse__tiffw_short(&w, 277, (unsigned)t->spp);
    if (!t->tiled) {
        rse__tiffw_long(&w, 278, (uint32_t)t->rps);
        rse__tiffw_entry(&w, 279, big ? 16 : 4, t->nchunks, arr + esize * t->nchunks, esize * t->nchunks);
    }
    rse__tiffw_short(&w, 284, (unsigned)t->planar);
    if (x->opred == 2) rse__tiffw_short(&w, 317, 2);
    if (t->tiled) {
        rse__tiffw_long(&w, 322, (uint32_t)t->tw);
        rse__tiffw_long(&w, 323, (uint32_t)t->th);
        rse__tiffw_entry(&w, 324, big ? 16 : 4, t->nchunks, arr, esize * t->nchunks);
        rse__tiffw_entry(&w, 325, big ? 16 : 4, t->nchunks, arr + esize * t->nchunks, esize * t->nchunks);
    }
    if (nextra) rse__tiffw_entry(&w, 338, 3, nextra, extra, 2 * nextra);
    for (i = 0; i < (size_t)geo.n; i++)
        rse__tiffw_entry(&w, geo.tag[i].tag, geo.tag[i].type, geo.tag[i].count, geo.tag[i].data, geo.tag[i].len);
    if ((st = rse__sink(write, ctx, w.meta, w.ext)) != RSE_STATUS_OK) goto done;

    /* The chunks, in order. */
    for (k = 0, ti = 0; k < t->nchunks; k++) {
        if (ti < x->ntouch && x->tk[ti] == k) {
            if ((st = rse__sink(write, ctx, x->tdata[ti], x->tlen[ti])) != RSE_STATUS_OK) goto done;
            ti++;
        } else {
            uint64_t n;
            if ((st = rse__tiffx_other(x, k, &n, write, ctx)) != RSE_STATUS_OK) goto done;
            if (n != osz[k]) { st = rse__fail(RSE_STATUS_IO, "TIFF chunk %zu changed while it was read", k); goto done; }
        }
    }
    st = RSE_STATUS_OK;
done:
    RSE_FREE(osz); RSE_FREE(arr); RSE_FREE(bps); RSE_FREE(extra); RSE_FREE(w.meta);
    rse_geo_free(&geo);
    return st;
}
#endif /* RSE_NO_TIFF */

RSEDEF rse_status rse_image_save_window_src(const rse_source *src, const rse_read_options *opt, const rse_roi *win,
                                            const rse_image *pix, rse_write_fn write, void *ctx) {
    rse_status st;
    if (!win || !pix || !pix->data || !write) return rse__fail(RSE_STATUS_BAD_ARG, "rse_image_save_window_src: NULL argument");
    if ((st = rse__src_tiff_only(src)) != RSE_STATUS_OK) return st;
#ifdef RSE_NO_TIFF
    (void)opt; (void)ctx;
#else
    {
        rse__tiffx x;
        memset(&x, 0, sizeof x);
        x.pix = pix; x.win = win;
        st = rse__tiffx_save(&x, src, opt, write, ctx);
        rse__tiffx_free(&x);
    }
#endif
    return st;
}

RSEDEF rse_format rse_format_from_path(const char *path) {
    static const struct { const char *ext; rse_format fmt; } tab[] = {
        { "ppm", RSE_FORMAT_PPM }, { "pgm", RSE_FORMAT_PGM },
        { "bmp", RSE_FORMAT_BMP }, { "png", RSE_FORMAT_PNG },
        { "tif", RSE_FORMAT_TIFF }, { "tiff", RSE_FORMAT_TIFF }
    };
    const char *dot = 0, *p;
    size_t i;
    if (!path) return RSE_FORMAT_UNKNOWN;
    for (p = path; *p; p++) {
        if (*p == '.') dot = p;
        else if (*p == '/' || *p == '\\') dot = 0; /* a dot in a directory name */
    }
    if (!dot) return RSE_FORMAT_UNKNOWN;
    for (i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        const char *a = dot + 1, *b = tab[i].ext;
        while (*a && *b && (*a | 0x20) == *b) { a++; b++; }
        if (!*a && !*b) return tab[i].fmt;
    }
    return RSE_FORMAT_UNKNOWN;
}

/* ===========================================================================
   File layer (absent under RSE_NO_STDIO)
   Two generic helpers, also used by checkpoints: read a whole file into
   memory (with a size cap), and write a file atomically through a callback
   that receives an rse_write_fn sink. Errors always name the path.
   ========================================================================= */
#ifndef RSE_NO_STDIO
#include <stdio.h>
#include <errno.h>
#include <sys/stat.h>
#ifndef S_ISDIR /* MSVC */
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#endif
#ifdef _WIN32
#include <process.h>
#define rse__getpid() ((long)_getpid())
#else
#include <unistd.h>
#include <dirent.h>
#include <signal.h>
#define rse__getpid() ((long)getpid())
#endif

/* Largest file rse__read_file accepts: a 16-bit PPM at RSE_MAX_PIXELS is
   1.5 GiB, a CLIP checkpoint well under 1 GiB. */
#ifndef RSE_MAX_FILE_BYTES
#define RSE_MAX_FILE_BYTES ((size_t)1 << 31)
#endif

/* Reads all of path into *buf (RSE_MALLOC'd, owned by the caller, never NULL
   on success, even for an empty file) and its size into *len. Reads in
   growing pieces rather than trusting fseek/ftell, so pipes work too. */
RSE__FN rse_status rse__read_file(const char *path, unsigned char **buf, size_t *len) {
    struct stat sb;
    FILE *f;
    unsigned char *b = 0;
    size_t cap = 0, n = 0;
    *buf = 0; *len = 0;
    if (!path) return rse__fail(RSE_STATUS_BAD_ARG, "no file name");
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return rse__fail(RSE_STATUS_IO, "%s: is a directory", path);
    f = fopen(path, "rb");
    if (!f) return rse__fail(RSE_STATUS_IO, "%s: cannot open: %s", path, strerror(errno));
    /* Grow by doubling (amortised O(n) copying), capped at
       RSE_MAX_FILE_BYTES; fread's short count means end of file or error,
       and ferror tells which. */
    for (;;) {
        size_t got;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : (size_t)1 << 16;
            unsigned char *nb;
            if (cap >= RSE_MAX_FILE_BYTES) {
                /* Full at the cap: one more byte means the file is too big. */
                int ch = fgetc(f);
                if (ch == EOF && !ferror(f)) break;
                RSE_FREE(b); fclose(f);
                if (ch == EOF) return rse__fail(RSE_STATUS_IO, "%s: read error: %s", path, strerror(errno));
                return rse__fail(RSE_STATUS_LIMIT, "%s: file larger than %zu bytes", path, (size_t)RSE_MAX_FILE_BYTES);
            }
            if (ncap > RSE_MAX_FILE_BYTES) ncap = RSE_MAX_FILE_BYTES;
            nb = (unsigned char *)RSE_REALLOC(b, ncap);
            if (!nb) {
                RSE_FREE(b); fclose(f);
                return rse__fail(RSE_STATUS_NOMEM, "%s: out of memory reading %zu bytes", path, ncap);
            }
            b = nb; cap = ncap;
        }
        got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0 || n < cap) {
            if (ferror(f)) {
                int e = errno;
                RSE_FREE(b); fclose(f);
                return rse__fail(RSE_STATUS_IO, "%s: read error: %s", path, strerror(e));
            }
            if (feof(f)) break;
        }
    }
    fclose(f);
    *buf = b;
    *len = n;
    return RSE_STATUS_OK;
}

/* The function that produces a file's bytes: it writes them to write(wctx,..)
   and returns a status (with a message) if it fails. */
typedef rse_status (*rse__emit_fn)(void *ctx, rse_write_fn write, void *wctx);

/* The rse_write_fn over a FILE*: it keeps the first errno so the message
   can say "No space left on device" rather than just "write failed". */
typedef struct { FILE *f; int err; } rse__file_sink;

RSE__FN int rse__file_write(void *ctx, const void *data, size_t n) {
    rse__file_sink *s = (rse__file_sink *)ctx;
    if (fwrite(data, 1, n, s->f) != n) { s->err = errno ? errno : EIO; return 1; }
    return 0;
}

/* The directory part of path into dir (cap bytes): "." when path has no
   '/', "/" for a file at the root. Returns the length of the file-name part
   after it, or -1 if dir is too small. */
RSE__FN long rse__dirname(const char *path, char *dir, size_t cap) {
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (!slash) { if (cap < 2) return -1; dir[0] = '.'; dir[1] = 0; return (long)strlen(path); }
    if (n == 0) n = 1; /* "/x" */
    if (n >= cap) return -1;
    memcpy(dir, path, n);
    dir[n] = 0;
    return (long)strlen(slash + 1);
}

/* Removes "path.tmp.<pid>" files that a killed writer (SIGKILL, power
   loss) left beside path: only those whose process no longer exists, so a
   concurrent writer's file is never touched. Called after each successful
   write, so a resumed training run cleans up after the run it replaces.
   Best effort: any failure just leaves the file. POSIX only. */
RSE__FN void rse__remove_stale_temps(const char *path) {
#ifndef _WIN32
    char dir[4096], full[4096];
    long bl = rse__dirname(path, dir, sizeof dir);
    const char *base = path + strlen(path) - (bl > 0 ? bl : 0);
    size_t blen = (size_t)(bl > 0 ? bl : 0), n;
    DIR *d;
    struct dirent *de;
    if (bl <= 0 || !(d = opendir(dir))) return;
    while ((de = readdir(d)) != 0) {
        const char *nm = de->d_name, *q;
        long pid = 0;
        if (strncmp(nm, base, blen) || strncmp(nm + blen, ".tmp.", 5)) continue;
        for (q = nm + blen + 5; *q >= '0' && *q <= '9' && pid < 100000000L; q++) pid = pid * 10 + (*q - '0');
        if (*q || q == nm + blen + 5 || pid <= 0 || pid == rse__getpid()) continue;
        /* kill(pid, 0) sends nothing: it only asks whether pid exists. */
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        n = strlen(nm);
        if (strlen(dir) + 1 + n + 1 > sizeof full) continue;
        rse__fmt(full, sizeof full, "%s/%s", dir, nm);
        remove(full);
    }
    closedir(d);
#else
    (void)path;
#endif
}

/* Writes path atomically: the bytes go to "path.tmp.<pid>", which is closed
   (checking for a late write error) and renamed over path. On any failure the
   temporary file is removed and path is untouched. */
RSE__FN rse_status rse__write_file_atomic(const char *path, rse__emit_fn emit, void *ctx) {
    rse__file_sink s;
    rse_status st;
    char *tmp;
    size_t n;
    if (!path || !*path) return rse__fail(RSE_STATUS_BAD_ARG, "no output file name");
    n = strlen(path) + 32;
    tmp = (char *)RSE_MALLOC(n);
    if (!tmp) return rse__fail(RSE_STATUS_NOMEM, "%s: out of memory", path);
    rse__fmt(tmp, n, "%s.tmp.%ld", path, rse__getpid());
    s.err = 0;
    errno = 0;
    s.f = fopen(tmp, "wb");
    if (!s.f) {
        st = rse__fail(RSE_STATUS_IO, "%s: cannot create %s: %s", path, tmp, strerror(errno));
        RSE_FREE(tmp);
        return st;
    }
    st = emit(ctx, rse__file_write, &s);
    if (st != RSE_STATUS_OK) {
        if (s.err) st = rse__fail(RSE_STATUS_IO, "%s: write failed: %s", path, strerror(s.err));
        else st = rse__fail_prefix(st, path);
        fclose(s.f);
        remove(tmp);
    } else if (fclose(s.f) != 0) {
        /* Buffered data is written at close: a full disk shows up here. */
        st = rse__fail(RSE_STATUS_IO, "%s: write failed: %s", path, strerror(errno));
        remove(tmp);
    } else if (rename(tmp, path) != 0) {
        st = rse__fail(RSE_STATUS_IO, "%s: cannot rename %s over it: %s", path, tmp, strerror(errno));
        remove(tmp);
    } else {
        rse__remove_stale_temps(path);
    }
    RSE_FREE(tmp);
    return st;
}

/* The image API over files: read everything, decode from memory, and put
   the path in front of a decoder's message ("in.ppm: bad maxval 0"). */
RSEDEF rse_status rse_image_load_ex(const char *path, const rse_read_options *opt, rse_image *out, rse_geo *geo) {
    unsigned char *buf;
    size_t len;
    rse_status st;
    if (out) { out->w = out->h = out->c = 0; out->data = 0; }
    if (geo) memset(geo, 0, sizeof *geo);
    if ((st = rse__read_file(path, &buf, &len)) != RSE_STATUS_OK) return st;
    st = rse_image_load_mem_ex(buf, len, opt, out, geo);
    RSE_FREE(buf);
    return st == RSE_STATUS_OK ? st : rse__fail_prefix(st, path);
}

RSEDEF rse_status rse_image_load(const char *path, rse_image *out) {
    return rse_image_load_ex(path, 0, out, 0);
}

/* rse_image_save_mem_geo wrapped as an rse__emit_fn for the atomic writer. */
typedef struct { const rse_image *img; rse_format fmt; int bits; const rse_geo *geo; } rse__img_emit;

RSE__FN rse_status rse__image_emit(void *ctx, rse_write_fn write, void *wctx) {
    rse__img_emit *e = (rse__img_emit *)ctx;
    return rse_image_save_mem_geo(e->img, e->fmt, e->bits, e->geo, write, wctx);
}

RSEDEF rse_status rse_image_save_geo(const char *path, const rse_image *img, int bits, const rse_geo *geo) {
    rse__img_emit e;
    rse_status st;
    e.img = img; e.bits = bits; e.geo = geo;
    e.fmt = rse_format_from_path(path);
    if (e.fmt == RSE_FORMAT_UNKNOWN)
        return rse__fail(RSE_STATUS_BAD_ARG, "%s: unknown image format (use .ppm, .pgm, .bmp, .png, .tif or .tiff)",
                         path ? path : "(null)");
    /* Check the arguments before creating any file. */
    if ((st = rse__check_image(img)) != RSE_STATUS_OK) return rse__fail_prefix(st, path);
    if (bits != 8 && !(bits == 16 && e.fmt != RSE_FORMAT_BMP))
        return rse__fail(RSE_STATUS_BAD_ARG, "%s: %d-bit output not supported for this format", path, bits);
    if (e.fmt == RSE_FORMAT_TIFF && (st = rse__tiffw_check_geo(geo)) != RSE_STATUS_OK) return rse__fail_prefix(st, path);
    return rse__write_file_atomic(path, rse__image_emit, &e);
}

RSEDEF rse_status rse_image_save_bits(const char *path, const rse_image *img, int bits) {
    return rse_image_save_geo(path, img, bits, 0);
}

RSEDEF rse_status rse_image_save(const char *path, const rse_image *img) {
    return rse_image_save_bits(path, img, 8);
}

/* ---- scenes larger than memory: files read at offsets ---------------------
   rse_source over a FILE*: a seek and a read per call (the TIFF reader
   caches its small reads). 64-bit offsets: fseeko where POSIX has it,
   _fseeki64 on Windows. */
#ifdef _WIN32
#define rse__fseek64(f, o) _fseeki64(f, (__int64)(o), SEEK_SET)
#define rse__fseek64_end(f) _fseeki64(f, 0, SEEK_END)
#define rse__ftell64(f) ((int64_t)_ftelli64(f))
#else
#define rse__fseek64(f, o) fseeko(f, (off_t)(o), SEEK_SET)
#define rse__fseek64_end(f) fseeko(f, 0, SEEK_END)
#define rse__ftell64(f) ((int64_t)ftello(f))
#endif

typedef struct rse__file_src {
    FILE *f;
    int err;                     /* errno of the first failure */
    rse_source src;
} rse__file_src;

RSE__FN int rse__file_read_at(void *ctx, uint64_t off, void *dst, size_t n) {
    rse__file_src *s = (rse__file_src *)ctx;
    if (off > (uint64_t)INT64_MAX || rse__fseek64(s->f, off) != 0 || fread(dst, 1, n, s->f) != n) {
        if (!s->err) s->err = errno ? errno : EIO;
        return 1;
    }
    return 0;
}

/* Opens path as a source; its size from seeking to the end (a pipe is
   refused: a window needs a file). */
RSE__FN rse_status rse__file_src_open(rse__file_src *s, const char *path) {
    struct stat sb;
    int64_t size;
    memset(s, 0, sizeof *s);
    if (!path) return rse__fail(RSE_STATUS_BAD_ARG, "no file name");
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) return rse__fail(RSE_STATUS_IO, "%s: is a directory", path);
    if (!(s->f = fopen(path, "rb"))) return rse__fail(RSE_STATUS_IO, "%s: cannot open: %s", path, strerror(errno));
    if (rse__fseek64_end(s->f) != 0 || (size = rse__ftell64(s->f)) < 0) {
        int e = errno;
        fclose(s->f); s->f = 0;
        return rse__fail(RSE_STATUS_IO, "%s: cannot find the file's size (not a regular file?): %s", path, strerror(e));
    }
    s->src.read = rse__file_read_at;
    s->src.ctx = s;
    s->src.size = (uint64_t)size;
    return RSE_STATUS_OK;
}

/* Closes s and names path in a failure: an I/O error with its errno. */
RSE__FN rse_status rse__file_src_close(rse__file_src *s, rse_status st, const char *path) {
    if (s->f) fclose(s->f);
    s->f = 0;
    if (st == RSE_STATUS_OK) return st;
    if (st == RSE_STATUS_IO && s->err) return rse__fail(RSE_STATUS_IO, "%s: read error: %s", path, strerror(s->err));
    return rse__fail_prefix(st, path);
}

/* Whether path starts like a TIFF (an unreadable file is left to the
   reader that follows, which says why). */
RSE__FN int rse__file_is_tiff(const char *path) {
    unsigned char hd[4];
    FILE *f = path ? fopen(path, "rb") : 0;
    size_t n = f ? fread(hd, 1, 4, f) : 0;
    if (f) fclose(f);
    return rse__sniff(hd, n) == RSE_FORMAT_TIFF;
}

RSEDEF rse_status rse_image_load_window(const char *path, const rse_roi *win, const rse_read_options *opt,
                                        rse_image *out, rse_geo *geo) {
    rse__file_src s;
    rse_image big;
    rse_status st;
    if (out) memset(out, 0, sizeof *out);
    if (geo) memset(geo, 0, sizeof *geo);
    if (!out || !win) return rse__fail(RSE_STATUS_BAD_ARG, "rse_image_load_window: NULL argument");
    if (!rse__file_is_tiff(path)) {
        /* other formats: today's whole read, then the crop */
        if ((st = rse_image_load_ex(path, opt, &big, geo)) != RSE_STATUS_OK) return st;
        st = rse_image_crop(&big, win, out);
        rse_image_free(&big);
        return st == RSE_STATUS_OK ? st : rse__fail_prefix(st, path);
    }
    if ((st = rse__file_src_open(&s, path)) != RSE_STATUS_OK) return st;
    st = rse_image_load_window_src(&s.src, win, opt, out, geo);
    return rse__file_src_close(&s, st, path);
}

RSEDEF rse_status rse_image_describe(const char *path, rse_image_desc *d, rse_geo *geo) {
    rse__file_src s;
    unsigned char *buf;
    size_t len;
    rse_status st;
    if (geo) memset(geo, 0, sizeof *geo);
    if (!rse__file_is_tiff(path)) {
        if ((st = rse__read_file(path, &buf, &len)) != RSE_STATUS_OK) return st;
        st = rse_image_describe_mem(buf, len, d, geo);
        RSE_FREE(buf);
        return st == RSE_STATUS_OK ? st : rse__fail_prefix(st, path);
    }
    if ((st = rse__file_src_open(&s, path)) != RSE_STATUS_OK) return st;
    st = rse_image_describe_src(&s.src, d, geo);
    return rse__file_src_close(&s, st, path);
}

typedef struct {
    rse__file_src *in;
    const char *in_path;
    const rse_read_options *opt;
    const rse_roi *win;
    const rse_image *pix;
} rse__window_emit;

/* The scene's problems name it ("out.tif: in.tif: TIFF tile 3: ..."); the
   atomic writer adds the output's name, or says the write failed. */
RSE__FN rse_status rse__window_emit_fn(void *ctx, rse_write_fn write, void *wctx) {
    rse__window_emit *e = (rse__window_emit *)ctx;
    rse_status st = rse_image_save_window_src(&e->in->src, e->opt, e->win, e->pix, write, wctx);
    if (st == RSE_STATUS_IO && e->in->err) return rse__fail(st, "%s: read error: %s", e->in_path, strerror(e->in->err));
    return st == RSE_STATUS_OK ? st : rse__fail_prefix(st, e->in_path);
}

RSEDEF rse_status rse_image_save_window(const char *out_path, const char *in_path, const rse_read_options *opt,
                                        const rse_roi *win, const rse_image *pix) {
    rse__file_src s;
    rse__window_emit e;
    rse_status st;
    struct stat a, b;
    if (!out_path || !in_path) return rse__fail(RSE_STATUS_BAD_ARG, "rse_image_save_window: no file name");
    if (rse_format_from_path(out_path) != RSE_FORMAT_TIFF)
        return rse__fail(RSE_STATUS_BAD_ARG, "%s: a window written into its scene needs a .tif or .tiff output", out_path);
    if (!strcmp(out_path, in_path) || (stat(out_path, &a) == 0 && stat(in_path, &b) == 0 && a.st_dev == b.st_dev &&
                                       a.st_ino == b.st_ino))
        return rse__fail(RSE_STATUS_BAD_ARG, "%s: the output would replace the scene it is read from", out_path);
    if ((st = rse__file_src_open(&s, in_path)) != RSE_STATUS_OK) return st;
    e.in = &s; e.in_path = in_path; e.opt = opt; e.win = win; e.pix = pix;
    st = rse__write_file_atomic(out_path, rse__window_emit_fn, &e);
    fclose(s.f);
    return st;
}

RSE__FN rse_status rse__sinddm_emit(void *ctx, rse_write_fn write, void *wctx) {
    return rse_sinddm_save_mem((const rse_sinddm *)ctx, write, wctx);
}

RSEDEF rse_status rse_sinddm_save(const rse_sinddm *m, const char *path) {
    return rse__write_file_atomic(path, rse__sinddm_emit, (void *)m);
}

RSEDEF rse_status rse_sinddm_load(rse_sinddm **out, const char *path) {
    unsigned char *buf;
    size_t len;
    rse_status st;
    *out = 0;
    if ((st = rse__read_file(path, &buf, &len)) != RSE_STATUS_OK) return st;
    st = rse_sinddm_load_mem(out, buf, len);
    RSE_FREE(buf);
    return st == RSE_STATUS_OK ? st : rse__fail_prefix(st, path);
}

#ifndef RSE_NO_CLIP
/* CLIP's file layer: here, not with the CLIP commands, because it is
   library API and stays under RSE_NO_CLI. */
RSEDEF rse_status rse_clip_load(rse_clip **out, const char *path, const rse_clip_options *opt) {
    unsigned char *buf;
    size_t len;
    rse_status st;
    *out = 0;
    if ((st = rse__read_file(path, &buf, &len))) return st;
    if ((st = rse_clip_load_mem(out, buf, len, opt))) {
        RSE_FREE(buf);
        return rse__fail_prefix(st, path);
    }
    (*out)->file = buf; /* the model points into it; freed with the model */
    return RSE_STATUS_OK;
}

RSEDEF rse_status rse_clip_vocab_load(rse_clip_vocab **out, const char *path) {
    unsigned char *buf;
    size_t len;
    rse_status st;
    *out = 0;
    if ((st = rse__read_file(path, &buf, &len))) return st;
    st = rse_clip_vocab_load_mem(out, buf, len); /* copies what it keeps */
    RSE_FREE(buf);
    return st ? rse__fail_prefix(st, path) : st;
}
#endif /* RSE_NO_CLIP */
#endif /* RSE_NO_STDIO */

/* ===========================================================================
   Demo scene
   A small aerial-like picture drawn from code, so `rsedit demo` needs no
   download: field parcels with crop rows, a winding river, two roads, a few
   roofs and two round storage tanks, with a little sensor noise. It also
   says where a tank is and where an empty field is, for the copy demo.
   Part of the command line, not of the library: absent under RSE_NO_CLI.
   ========================================================================= */
#ifndef RSE_NO_CLI

RSE__FN void rse__scene_put(rse_image *im, int x, int y, float r, float g, float b, float a) {
    size_t P = (size_t)im->w * im->h, i;
    if (x < 0 || y < 0 || x >= im->w || y >= im->h) return;
    i = (size_t)y * im->w + x;
    im->data[i] = (1 - a) * im->data[i] + a * r;
    im->data[P + i] = (1 - a) * im->data[P + i] + a * g;
    im->data[2 * P + i] = (1 - a) * im->data[2 * P + i] + a * b;
}

RSEDEF rse_status rse_demo_scene(rse_image *im, rse_roi *tank, rse_roi *empty) {
    static const float palette[6][3] = {
        { 0.36f, 0.48f, 0.22f }, { 0.55f, 0.52f, 0.28f }, { 0.42f, 0.36f, 0.24f },
        { 0.30f, 0.42f, 0.20f }, { 0.62f, 0.58f, 0.36f }, { 0.47f, 0.55f, 0.30f } };
    const int W = 160, H = 128;
    rse__rng r;
    int x, y, k;
    size_t P = (size_t)W * H;
    rse_status st = rse_image_alloc(im, W, H, 3);
    if (st != RSE_STATUS_OK) return st;
    rse__rng_seed(&r, 2026);
    /* parcels: a jittered 4 x 3 grid, each with its colour and crop rows */
    for (y = 0; y < H; y++)
        for (x = 0; x < W; x++) {
            int px = (x + (y / 32) * 7) / 40, py = y / 43, id = (px * 3 + py * 5) % 6;
            float ang = 0.5f + (float)((px + 2 * py) % 4) * 0.7f;
            float rows = 0.5f + 0.5f * sinf(1.3f * (cosf(ang) * x + sinf(ang) * y));
            float shade = 0.9f + 0.1f * rows;
            for (k = 0; k < 3; k++) im->data[k * P + (size_t)y * W + x] = palette[id][k] * shade;
        }
    /* the empty field for the copy demo: one even parcel, no rows */
    empty->x = 8; empty->y = 92; empty->w = 22; empty->h = 22;
    for (y = 88; y < 120; y++)
        for (x = 4; x < 36; x++) rse__scene_put(im, x, y, 0.50f, 0.56f, 0.30f, 1.0f);
    /* the river: a winding band with soft banks */
    for (y = 0; y < H; y++) {
        float cx = 52.0f + 10.0f * sinf((float)y / 14.0f) + 4.0f * sinf((float)y / 5.0f);
        for (x = 0; x < W; x++) {
            float d = fabsf((float)x - cx);
            if (d < 6.5f) rse__scene_put(im, x, y, 0.16f, 0.26f, 0.30f, d < 4.5f ? 1.0f : (6.5f - d) / 2.0f);
        }
    }
    /* roads: light grey with darker shoulders */
    for (x = 0; x < W; x++)
        for (y = 74; y < 79; y++) rse__scene_put(im, x, y, y == 74 || y == 78 ? 0.45f : 0.66f, y == 74 || y == 78 ? 0.45f : 0.65f, y == 74 || y == 78 ? 0.43f : 0.62f, 1.0f);
    for (y = 0; y < H; y++)
        for (x = 104; x < 109; x++) rse__scene_put(im, x, y, x == 104 || x == 108 ? 0.45f : 0.66f, x == 104 || x == 108 ? 0.45f : 0.65f, x == 104 || x == 108 ? 0.43f : 0.62f, 1.0f);
    /* roofs near the crossing: red and grey, lit from the upper left */
    for (k = 0; k < 7; k++) {
        int rx = 112 + (k % 4) * 11, ry = 84 + (k / 4) * 12, rw = 7 + k % 3, rh = 6 + k % 2, yy, xx;
        float red = k % 3 ? 0.62f : 0.55f, grn = k % 3 ? 0.30f : 0.55f, blu = k % 3 ? 0.26f : 0.56f;
        for (yy = 0; yy < rh; yy++)
            for (xx = 0; xx < rw; xx++) {
                float lit = xx < rw / 2 ? 1.0f : 0.8f;
                rse__scene_put(im, rx + xx, ry + yy, red * lit, grn * lit, blu * lit, 1.0f);
            }
        for (xx = 1; xx <= rw; xx++) rse__scene_put(im, rx + xx, ry + rh, 0.1f, 0.1f, 0.1f, 0.5f); /* shadow */
    }
    /* two round tanks with radial shading and a shadow to the lower right */
    for (k = 0; k < 2; k++) {
        float cx = 126.0f + 18.0f * k, cy = 30.0f, R = 6.5f;
        for (y = (int)(cy - R - 3); y <= (int)(cy + R + 4); y++)
            for (x = (int)(cx - R - 3); x <= (int)(cx + R + 4); x++) {
                float dx = x + 0.5f - cx, dy = y + 0.5f - cy, d = sqrtf(dx * dx + dy * dy);
                float sx = dx - 2.0f, sy = dy - 2.0f, ds = sqrtf(sx * sx + sy * sy);
                if (d > R && ds < R) rse__scene_put(im, x, y, 0.12f, 0.12f, 0.10f, 0.6f);
                if (d < R) {
                    float v = 0.92f - 0.25f * (d / R) * (d / R) - 0.05f * (dx + dy) / R;
                    rse__scene_put(im, x, y, v, v, v * 0.98f, d > R - 1 ? R - d : 1.0f);
                }
            }
    }
    tank->x = 117; tank->y = 21; tank->w = 20; tank->h = 20;
    /* sensor noise */
    for (k = 0; k < 3; k++)
        for (x = 0; x < (int)P; x++) {
            float *v = &im->data[k * P + (size_t)x];
            *v += 0.02f * (rse__rng_uniform(&r) - 0.5f);
            *v = *v < 0 ? 0 : *v > 1 ? 1 : *v;
        }
    return RSE_STATUS_OK;
}
#endif /* RSE_NO_CLI */

/* ===========================================================================
   Command line
   `rsedit COMMAND [ARGS]`. Each command is one row of rse__cmds: its name, a
   one-line summary for `rsedit --help`, the full text for
   `rsedit COMMAND --help`, and the function, which gets argv with argv[0] =
   the command name. Exit status: 0 success, 1 the work failed (one line on
   stderr: "rsedit: <file>: <problem>"), 2 the command line is wrong.
   Absent under RSE_NO_CLI (and so under RSE_NO_CLIP, which implies it).
   ========================================================================= */
#ifndef RSE_NO_CLI
#ifndef RSE_NO_STDIO

enum { RSE__EXIT_OK = 0, RSE__EXIT_FAIL = 1, RSE__EXIT_USAGE = 2 };

typedef int (*rse__cmd_fn)(int argc, char **argv);
typedef struct rse__cmd {
    const char *name;
    const char *summary; /* one line, for the command list */
    const char *help;    /* usage line(s) and description */
    rse__cmd_fn fn;
    const char *help2;   /* the rest of a long help, or NULL: C99 promises */
                         /* string literals of 4095 bytes, no more        */
} rse__cmd;

/* The last failure a command reported (rse__cli_fail, rse__cli_usage):
   batch records it as the reason a job failed. */
static char rse__cli_lastmsg[RSE__ERRLEN];

/* Reports the library's last error and gives the failure exit status. */
RSE__FN int rse__cli_fail(void) {
    fprintf(stderr, "rsedit: %s\n", rse_last_error());
    rse__fmt(rse__cli_lastmsg, sizeof rse__cli_lastmsg, "%s", rse_last_error());
    return RSE__EXIT_FAIL;
}

/* Reports a command-line mistake in one line and gives the usage status. */
RSE__FN int rse__cli_usage(const char *cmd, const char *fmt, ...) {
    char msg[RSE__ERRLEN];
    va_list ap;
    va_start(ap, fmt);
    rse__vfmt(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "rsedit %s: %s (see 'rsedit %s --help')\n", cmd, msg, cmd);
    rse__fmt(rse__cli_lastmsg, sizeof rse__cli_lastmsg, "%s", msg);
    return RSE__EXIT_USAGE;
}

/* Where the options end. "--" ends them, so that an argument may start with
   '-' (a file "-x.ppm", a text "-1 m"): rse_cli_main hands the command its
   argv without the "--" and sets this to the index of the first argument
   that followed it. The three matchers below (rse__cli_opt, rse__cli_flag,
   rse__cli_unknown) never take an argument at or past it, and every
   command's loop goes through them, so "--" needs no code in a command. */
static int rse__cli_optend = INT_MAX;

/* Matches option `name` at argv[*i] as "--name VALUE" or "--name=VALUE".
   Returns 1 and sets *val (advancing *i past a separate value), 0 if argv[*i]
   is another option, -1 if the value is missing (a value never comes from
   after "--": "-o -- x" is an -o without its value). */
RSE__FN int rse__cli_opt(int argc, char **argv, int *i, const char *name, const char **val) {
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (*i >= rse__cli_optend || strncmp(a, name, n) != 0) return 0;
    if (a[n] == '=') { *val = a + n + 1; return 1; }
    if (a[n] != 0) return 0;
    if (*i + 1 >= argc || *i + 1 >= rse__cli_optend) return -1;
    *val = argv[++*i];
    return 1;
}

/* 1 if argv[i] is the flag `name` (an option without a value). */
RSE__FN int rse__cli_flag(char **argv, int i, const char *name) {
    return i < rse__cli_optend && strcmp(argv[i], name) == 0;
}

/* 1 if argv[i], which no matcher took, is an option the command does not
   know. "-" alone is an argument, and so is everything after "--". */
RSE__FN int rse__cli_unknown(char **argv, int i) {
    return i < rse__cli_optend && argv[i][0] == '-' && argv[i][1] != 0;
}

/* Parses a whole decimal int in [lo, hi]; 0 on anything else. */
RSE__FN int rse__cli_int(const char *s, long lo, long hi, int *out) {
    char *end;
    long v;
    if (!s || !*s) return 0;
    errno = 0;
    v = strtol(s, &end, 10);
    if (*end || errno || v < lo || v > hi) return 0;
    *out = (int)v;
    return 1;
}

/* A growable text buffer: the edit sidecar, tokenize's output. */
typedef struct { char *p; size_t n, cap; int bad; } rse__cli_text;

RSE__FN void rse__cli_puts(rse__cli_text *b, const char *fmt, ...) {
    va_list ap;
    int k;
    if (b->bad) return;
    for (;;) {
        size_t room = b->cap - b->n;
        va_start(ap, fmt);
        k = vsnprintf(b->p ? b->p + b->n : 0, b->p ? room : 0, fmt, ap);
        va_end(ap);
        if (k < 0) { b->bad = 1; return; }
        if (b->p && (size_t)k < room) { b->n += (size_t)k; return; }
        {
            size_t cap = (b->cap + (size_t)k + 1) * 2;
            char *q = (char *)RSE_REALLOC(b->p, cap);
            if (!q) { b->bad = 1; return; }
            b->p = q;
            b->cap = cap;
        }
    }
}

/* A JSON string literal (quotes, backslashes and control bytes escaped). */
RSE__FN void rse__cli_json_str(rse__cli_text *b, const char *s) {
    rse__cli_puts(b, "\"");
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') rse__cli_puts(b, "\\%c", c);
        else if (c < 0x20) rse__cli_puts(b, "\\u%04x", c);
        else rse__cli_puts(b, "%c", c);
    }
    rse__cli_puts(b, "\"");
}

RSE__FN rse_status rse__cli_text_emit(void *ctx, rse_write_fn write, void *wctx) {
    rse__cli_text *b = (rse__cli_text *)ctx;
    return write(wctx, b->p, b->n) ? rse__fail(RSE_STATUS_IO, "write failed") : RSE_STATUS_OK;
}

/* ---- commands ----------------------------------------------------------- */

RSE__FN int rse__cli_default_threads(void);

RSE__FN int rse__cmd_version(int argc, char **argv) {
    if (argc > 1 && rse__cli_unknown(argv, 1)) return rse__cli_usage(argv[0], "unknown option '%s'", argv[1]);
    if (argc > 1) return rse__cli_usage(argv[0], "unexpected argument '%s'", argv[1]);
    printf("rsedit %s\n", RSE_VERSION);
    /* The kernel set in use and the others built in (tensor.h 7.8), so a
       slow run can be told from a CPU without AVX2 or a forced set. */
    {
        const char *want = getenv("RSE_KERNELS");
        int i;
        printf("kernels: %s (built in:", rse_kernels_name());
        for (i = 0; i < RSE__NKSETS; i++)
            printf(" %s%s", rse__kernel_sets[i]->name, rse__kernels_run(rse__kernel_sets[i]) ? "" : " [not on this CPU]");
        printf(")");
        if (want && *want) printf(strcmp(want, rse_kernels_name()) ? "; RSE_KERNELS=%s ignored" : "; set by RSE_KERNELS=%s", want);
        printf("\n");
    }
#ifdef RSE_NO_THREADS
    printf("threads: off (built with RSE_NO_THREADS)\n");
#else
    printf("threads: up to %d (default: the %d online CPUs)\n", RSE_MAX_THREADS, rse__cli_default_threads());
#endif
    return RSE__EXIT_OK;
}

/* img resized to w x h as Pillow resizes an 8-bit image (the pyramid's
   resampler): quantised to 8 bits, resampled, read back as v / 255. */
RSE__FN rse_status rse__cli_resize(rse_image *img, int w, int h, rse__filter f) {
    size_t n = (size_t)img->c * img->w * img->h, m = 0, i;
    uint8_t *src, *dst;
    rse_image out;
    rse_status st;
    if (!rse__mul4_ok((size_t)img->c, (size_t)w, (size_t)h, 1, &m) || m > 3 * (size_t)RSE_MAX_PIXELS)
        return rse__fail(RSE_STATUS_LIMIT, "convert: %dx%d is too large", w, h);
    src = (uint8_t *)RSE_MALLOC(n + m);
    if (!src) return rse__fail(RSE_STATUS_NOMEM, "convert: out of memory for %dx%d", w, h);
    dst = src + n;
    for (i = 0; i < n; i++) src[i] = rse__quantize_u8(img->data[i]);
    st = rse__resample_u8(dst, w, h, src, img->w, img->h, img->c, f, 0);
    if (st == RSE_STATUS_OK && (st = rse_image_alloc(&out, w, h, img->c)) == RSE_STATUS_OK) {
        for (i = 0; i < m; i++) out.data[i] = (float)dst[i] / 255.0f;
        rse_image_free(img);
        *img = out;
    }
    RSE_FREE(src);
    return st;
}

/* "--bands 4,3,2" or "--bands 4": 1 or 3 band numbers from 1. */
RSE__FN int rse__cli_bands(const char *s, rse_read_options *o) {
    int n = 0;
    while (n < 3) {
        char *end;
        long v;
        errno = 0;
        v = strtol(s, &end, 10);
        if (end == s || errno || v < 1 || v > 65535 || (*end != ',' && *end != 0)) return 0;
        o->bands[n++] = (int)v;
        if (*end == 0) break;
        if (n == 3) return 0;           /* a fourth band */
        s = end + 1;
    }
    if (n != 1 && n != 3) return 0;
    o->nbands = n;
    return 1;
}

RSE__FN int rse__cmd_convert(int argc, char **argv) {
    static const char *const filters[3] = { "bilinear", "lanczos", "bicubic" }; /* rse__filter's order */
    const char *pos[2] = { 0, 0 }, *val;
    int npos = 0, bits = 8, i, r, rw = 0, rh = 0, has_filter = 0;
    rse__filter filt = RSE_FILTER_BICUBIC;
    rse_format fmt;
    rse_image img;
    rse_read_options ropt;
    rse_geo geo;
    memset(&ropt, 0, sizeof ropt);
    memset(&geo, 0, sizeof geo);
    for (i = 1; i < argc; i++) {
        if ((r = rse__cli_opt(argc, argv, &i, "--bands", &val)) != 0) {
            if (r < 0 || !rse__cli_bands(val, &ropt))
                return rse__cli_usage(argv[0], "--bands needs 1 or 3 band numbers from 1, e.g. 4,3,2, got '%s'", r < 0 ? "" : val);
        } else if ((r = rse__cli_opt(argc, argv, &i, "--bits", &val)) != 0) {
            if (r < 0) return rse__cli_usage(argv[0], "--bits needs a value (8 or 16)");
            if (!rse__cli_int(val, 8, 16, &bits) || (bits != 8 && bits != 16))
                return rse__cli_usage(argv[0], "--bits must be 8 or 16, got '%s'", val);
        } else if ((r = rse__cli_opt(argc, argv, &i, "--resize", &val)) != 0) {
            char *end = 0;
            long lw = r < 0 ? 0 : strtol(val, &end, 10), lh = 0;
            if (end && end != val && (*end == 'x' || *end == 'X')) {
                const char *hs = end + 1;
                lh = strtol(hs, &end, 10);
                if (end == hs || *end) lh = 0;
            }
            if (lw < 1 || lw > 65535 || lh < 1 || lh > 65535)
                return rse__cli_usage(argv[0], "--resize needs a size WxH, e.g. 223x223, got '%s'", r < 0 ? "" : val);
            rw = (int)lw;
            rh = (int)lh;
        } else if ((r = rse__cli_opt(argc, argv, &i, "--filter", &val)) != 0) {
            int k;
            for (k = 0; k < 3 && (r < 0 || strcmp(val, filters[k])); k++) {}
            if (k == 3) return rse__cli_usage(argv[0], "--filter must be bicubic, bilinear or lanczos, got '%s'", r < 0 ? "" : val);
            filt = (rse__filter)k;
            has_filter = 1;
        } else if (rse__cli_unknown(argv, i)) {
            return rse__cli_usage(argv[0], "unknown option '%s'", argv[i]);
        } else if (npos < 2) {
            pos[npos++] = argv[i];
        } else {
            return rse__cli_usage(argv[0], "unexpected argument '%s'", argv[i]);
        }
    }
    if (npos < 2) return rse__cli_usage(argv[0], "expected IN and OUT");
    if (has_filter && !rw) return rse__cli_usage(argv[0], "--filter needs --resize");
    /* Usage problems are found before reading anything, so they exit 2
       whatever the input is. */
    fmt = rse_format_from_path(pos[1]);
    if (fmt == RSE_FORMAT_UNKNOWN)
        return rse__cli_usage(argv[0], "cannot tell the format of '%s' (use .ppm, .pgm, .bmp, .png, .tif or .tiff)", pos[1]);
    if (bits == 16 && fmt == RSE_FORMAT_BMP)
        return rse__cli_usage(argv[0], "--bits 16 needs a .ppm, .pgm, .png or .tif output");
    if (rse_image_load_ex(pos[0], &ropt, &img, &geo) != RSE_STATUS_OK) return rse__cli_fail();
    /* Resampling changes the size of a pixel on the ground, which the
       georeferencing tags state: they are not carried into a resized image. */
    if (rw) rse_geo_free(&geo);
    if (rw && rse__cli_resize(&img, rw, rh, filt) != RSE_STATUS_OK) {
        rse_image_free(&img);
        return rse__cli_fail();
    }
    /* A gray image stays gray where the format has gray (PGM, PNG, TIFF) and
       is expanded to RGB by the writers for PPM and BMP; a colour image
       written as PGM becomes the mean of its channels. A TIFF output keeps
       the input's georeferencing tags; the other formats drop them. */
    if (rse_image_save_geo(pos[1], &img, bits, &geo) != RSE_STATUS_OK) {
        rse_image_free(&img);
        rse_geo_free(&geo);
        return rse__cli_fail();
    }
    rse_image_free(&img);
    rse_geo_free(&geo);
    return RSE__EXIT_OK;
}

/* ---- info ----------------------------------------------------------------
   What a file holds (rse_image_describe_mem) and a TIFF's georeferencing, as
   "key: value" lines. */

/* Value i of a DOUBLE geo tag (stored little-endian, see rse_geo). */
RSE__FN double rse__cli_geo_double(const rse_geo_tag *t, size_t i) {
    uint64_t u = rse__ff_le64(t->data + 8 * i);
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* An ASCII geo tag printed as a C string: up to its first NUL, at most
   200 bytes, with control characters as '.'. */
RSE__FN void rse__cli_geo_ascii(const char *key, const rse_geo_tag *t) {
    size_t i;
    printf("%s: ", key);
    for (i = 0; i < t->len && i < 200 && t->data[i]; i++)
        putchar(t->data[i] < 0x20 || t->data[i] == 0x7f ? '.' : t->data[i]);
    printf("\n");
}

RSE__FN int rse__cmd_info(int argc, char **argv) {
    static const char *const fmts[] = { "unknown", "PPM", "PGM", "BMP", "PNG", "TIFF", "JPEG" };
    const char *path = 0;
    size_t i;
    rse_image_desc d;
    rse_geo g;
    const rse_geo_tag *t;
    int k;
    rse_status st;
    for (k = 1; k < argc; k++) {
        if (rse__cli_unknown(argv, k)) return rse__cli_usage(argv[0], "unknown option '%s'", argv[k]);
        if (path) return rse__cli_usage(argv[0], "unexpected argument '%s'", argv[k]);
        path = argv[k];
    }
    if (!path) return rse__cli_usage(argv[0], "expected FILE");
    /* a TIFF's header and first IFD only: a scene of any size */
    if ((st = rse_image_describe(path, &d, &g)) != RSE_STATUS_OK) return rse__cli_fail();
    printf("format: %s", fmts[d.format <= RSE_FORMAT_JPEG ? d.format : 0]);
    if (d.format == RSE_FORMAT_TIFF) printf(" (%s-endian%s)", d.big_endian ? "big" : "little", d.bigtiff ? ", BigTIFF" : "");
    printf("\nsize: %dx%d\nbands: %d\nbits: %d%s\nchannels: %d\n", d.w, d.h, d.bands, d.bits,
           d.format == RSE_FORMAT_BMP ? " per pixel" : "", d.c);
    if (d.format == RSE_FORMAT_TIFF) {
        static const char *const photo[] = { "WhiteIsZero", "BlackIsZero", "RGB" };
        const char *comp = d.compression == 1 ? "none" : d.compression == 5 ? "LZW" : d.compression == 32773 ? "PackBits" : "Deflate";
        printf("compression: %s (%d)\npredictor: %s\n", comp, d.compression, d.predictor == 2 ? "horizontal (2)" : "none");
        if (d.tile_w) printf("tiles: %dx%d\n", d.tile_w, d.tile_h);
        else printf("rows per strip: %d\n", d.rows_per_strip);
        printf("planar: %s\nphotometric: %s\nimages: %d\n", d.planar == 2 ? "planar (2)" : "contiguous (1)",
               photo[d.photometric], d.pages);
        if (g.n == 0) printf("georeferencing: none\n");
        if ((t = rse_geo_find(&g, 33550)) && t->type == 12 && t->count >= 3)
            printf("pixel scale: %.15g %.15g %.15g\n", rse__cli_geo_double(t, 0), rse__cli_geo_double(t, 1), rse__cli_geo_double(t, 2));
        if ((t = rse_geo_find(&g, 33922)) && t->type == 12 && t->count >= 6)
            printf("tiepoint: %.15g %.15g %.15g -> %.15g %.15g %.15g (%llu in all)\n",
                   rse__cli_geo_double(t, 0), rse__cli_geo_double(t, 1), rse__cli_geo_double(t, 2),
                   rse__cli_geo_double(t, 3), rse__cli_geo_double(t, 4), rse__cli_geo_double(t, 5),
                   (unsigned long long)(t->count / 6));
        if ((t = rse_geo_find(&g, 34264)) && t->type == 12 && t->count >= 16) {
            printf("transformation:");
            for (i = 0; i < 16; i++) printf(" %.15g", rse__cli_geo_double(t, i));
            printf("\n");
        }
        if ((t = rse_geo_find(&g, 34735)) && t->type == 3 && t->count >= 4) {
            /* GeoKeyDirectory: a header of 4 SHORTs (the 4th is the key
               count), then 4 per key: id, location (0: the value is the
               4th), count, value. EPSG codes are ProjectedCSType (3072) or
               GeographicType (2048). */
            size_t nk = rse__ff_le16(t->data + 6), j;
            int epsg = 0, proj = 0;
            printf("geokeys: %zu\n", nk);
            for (j = 0; j < nk && 4 + 4 * j + 3 < t->count; j++) {
                const unsigned char *e = t->data + 8 + 8 * j;
                unsigned id = rse__ff_le16(e), loc = rse__ff_le16(e + 2), v = rse__ff_le16(e + 6);
                if (loc == 0 && (id == 3072 || (id == 2048 && !epsg)) && v != 0 && v != 32767) {
                    epsg = (int)v;
                    proj = id == 3072;
                }
            }
            if (epsg) printf("epsg: %d (%s)\n", epsg, proj ? "projected" : "geographic");
        }
        if ((t = rse_geo_find(&g, 34737)) && t->type == 2) rse__cli_geo_ascii("geo ascii", t);
        if ((t = rse_geo_find(&g, 42113)) && t->type == 2) rse__cli_geo_ascii("nodata", t);
        if ((t = rse_geo_find(&g, 42112))) printf("gdal metadata: %zu bytes\n", t->len);
    }
    rse_geo_free(&g);
    return RSE__EXIT_OK;
}

/* ---- SinDDM commands: train, sample, pyramid, quality --------------------
   Shared pieces first: a wall clock, option tables, progress lines on
   stderr (rewritten in place with \r on a terminal, one line every few
   seconds otherwise), Ctrl-C during training, and loading a model that may
   be ours or a reference SinDDM checkpoint. */
#include <signal.h>
#include <time.h>
#ifdef _WIN32
#include <io.h>
#include <direct.h>
#define rse__isatty_err() _isatty(_fileno(stderr))
#define rse__mkdir(d) _mkdir(d)
#else
#define rse__isatty_err() isatty(fileno(stderr))
#define rse__mkdir(d) mkdir(d, 0777)
#endif

RSE__FN double rse__cli_now(void) {
#if defined(CLOCK_MONOTONIC) && !defined(_WIN32)
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0) return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
#endif
    return (double)time(0);
}

/* "1h05m", "4m07s", "12s", "?" */
RSE__FN const char *rse__cli_dur(char *buf, size_t cap, double s) {
    long v;
    if (!(s >= 0 && s < 1e9)) { rse__fmt(buf, cap, "?"); return buf; }
    v = (long)(s + 0.5);
    if (v >= 3600) rse__fmt(buf, cap, "%ldh%s%ldm", v / 3600, (v / 60) % 60 < 10 ? "0" : "", (v / 60) % 60);
    else if (v >= 60) rse__fmt(buf, cap, "%ldm%s%lds", v / 60, v % 60 < 10 ? "0" : "", v % 60);
    else rse__fmt(buf, cap, "%lds", v);
    return buf;
}

/* Matches argv[*i] against a table of options that take a value: returns
   the index (and *val), -1 for no match, -2 when the value is missing. */
RSE__FN int rse__cli_optv(int argc, char **argv, int *i, const char *const *names, int n, const char **val) {
    int k, r;
    for (k = 0; k < n; k++)
        if ((r = rse__cli_opt(argc, argv, i, names[k], val)) != 0) return r > 0 ? k : -2;
    return -1;
}

/* A whole decimal double in [lo, hi]; 0 on anything else. */
RSE__FN int rse__cli_double(const char *s, double lo, double hi, double *out) {
    char *end;
    double v;
    if (!s || !*s) return 0;
    errno = 0;
    v = strtod(s, &end);
    if (*end || errno || !(v >= lo && v <= hi)) return 0;
    *out = v;
    return 1;
}

/* A whole decimal uint64 (seeds). */
RSE__FN int rse__cli_u64(const char *s, uint64_t *out) {
    uint64_t v = 0;
    if (!s || !*s) return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10) return 0;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 1;
}

RSE__FN int rse__cli_exists(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* 1 if the directory an output will be written to exists; else prints why
   and returns 0, so a mistyped -o fails at once rather than after minutes
   of training or sampling. */
RSE__FN int rse__cli_out_dir_ok(const char *cmd, const char *out) {
    char dir[4096];
    struct stat sb;
    if (rse__dirname(out, dir, sizeof dir) < 0) return 1; /* let the writer report it */
    if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)) return 1;
    fprintf(stderr, "rsedit %s: cannot write %s: directory %s does not exist\n", cmd, out, dir);
    return 0;
}

/* Worker threads when --threads is not given: the online CPUs (results do
   not depend on it). */
RSE__FN int rse__cli_default_threads(void) {
#if defined(_SC_NPROCESSORS_ONLN) && !defined(_WIN32)
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 16 ? 16 : (int)n;
#else
    return 1;
#endif
}

/* Ctrl-C while training: the handler only sets a flag; the progress hook
   sees it after the step in flight and stops, and the command saves a
   checkpoint before exiting. */
static volatile sig_atomic_t rse__cli_sigint;
RSE__FN void rse__cli_on_sigint(int sig) { (void)sig; rse__cli_sigint = 1; }

/* Progress state shared by the train and sample hooks. */
typedef struct rse__cli_prog {
    int quiet, tty, count, nscales;
    double t0, last, avg;   /* start, last print, running loss */
    long done0;             /* units already done when this run started */
    int printed;            /* a \r line is open on stderr */
    /* sampling: a step at scale s costs about its pixel count area[s], so
       the ETA is work-weighted (fine steps cost 16x the coarsest ones) */
    double area[RSE_PYR_MAX_SCALES], work, work_total;
} rse__cli_prog;

RSE__FN void rse__cli_prog_init(rse__cli_prog *g, int quiet, long done0) {
    memset(g, 0, sizeof *g);
    g->quiet = quiet;
    g->tty = !quiet && rse__isatty_err();
    g->t0 = g->last = rse__cli_now();
    g->done0 = done0;
    g->avg = -1;
}

/* Prints one progress line if it is time to (always for the last unit). */
RSE__FN void rse__cli_prog_line(rse__cli_prog *g, const char *line, int last) {
    double now = rse__cli_now();
    if (g->quiet || (!last && now - g->last < (g->tty ? 0.25 : 5.0))) return;
    g->last = now;
    if (g->tty) { fprintf(stderr, "\r%-79s", line); g->printed = 1; }
    else fprintf(stderr, "%s\n", line);
    fflush(stderr);
}

RSE__FN void rse__cli_prog_end(rse__cli_prog *g) {
    if (g->printed) { fputc('\n', stderr); g->printed = 0; }
}

/* Training: step/total, steps per second in this run, the running loss (an
   exponential average over ~50 steps: single steps are noisy), ETA. */
RSE__FN int rse__cli_train_hook(void *ctx, const rse_progress *p) {
    rse__cli_prog *g = (rse__cli_prog *)ctx;
    char line[200], eta[24];
    double dt = rse__cli_now() - g->t0, rate = dt > 0 ? (double)(p->done - g->done0) / dt : 0;
    g->avg = g->avg < 0 ? p->loss : 0.98 * g->avg + 0.02 * p->loss;
    snprintf(line, sizeof line, "train: step %ld/%ld  %.2f steps/s  loss %.4f  ETA %s", p->done, p->total, rate,
             g->avg, rse__cli_dur(eta, sizeof eta, rate > 0 ? (double)(p->total - p->done) / rate : -1));
    rse__cli_prog_line(g, line, p->done == p->total || rse__cli_sigint);
    return rse__cli_sigint != 0;
}

/* Sampling: image i/count, scale s/N, denoising steps done/total, ETA. */
RSE__FN int rse__cli_sample_hook(void *ctx, const rse_progress *p) {
    rse__cli_prog *g = (rse__cli_prog *)ctx;
    char out[200], eta[24];
    long per = g->count > 0 ? p->total / g->count : p->total;
    double dt = rse__cli_now() - g->t0, rate;
    if (p->scale >= 0 && p->scale < RSE_PYR_MAX_SCALES) g->work += g->area[p->scale];
    rate = dt > 0 ? g->work / dt : 0;
    snprintf(out, sizeof out, "%s: image %ld/%d  scale %d/%d  step %ld/%ld  ETA %s", p->what ? p->what : "sample",
             per > 0 ? (p->done - 1) / per + 1 : 1, g->count, p->scale + 1, g->nscales, p->done, p->total,
             rse__cli_dur(eta, sizeof eta, rate > 0 ? (g->work_total - g->work) / rate : -1));
    rse__cli_prog_line(g, out, p->done == p->total);
    return 0;
}

/* A model from a file: an rsedit checkpoint, or a reference SinDDM
   torch.save checkpoint (told apart by their first bytes), which needs its
   training image. *imported (if not NULL) says which it was: an rsedit
   checkpoint holds its pyramid and never reads `image`. Errors name the
   file. */
RSE__FN rse_status rse__cli_load_model(const char *path, const char *image, const rse_read_options *ropt,
                                       rse_sinddm **m, int *imported) {
    unsigned char *buf;
    size_t len;
    rse_status st;
    *m = 0;
    if (imported) *imported = 0;
    if ((st = rse__read_file(path, &buf, &len)) != RSE_STATUS_OK) return st;
    if (len >= 8 && !memcmp(buf, RSE_SD_CKPT_MAGIC, 8)) {
        st = rse_sinddm_load_mem(m, buf, len);
    } else if (len >= 4 && !memcmp(buf, "PK\3\4", 4)) {
        rse_image img;
        if (imported) *imported = 1;
        if (!image) {
            st = rse__fail(RSE_STATUS_BAD_ARG, "a reference SinDDM checkpoint: give its training image with "
                           "--image IMAGE (the pyramid is rebuilt from it)");
        } else if ((st = rse_image_load_ex(image, ropt, &img, 0)) != RSE_STATUS_OK) {
            RSE_FREE(buf);
            return st;                      /* names the image already */
        } else {
            st = rse_sinddm_import_mem(m, buf, len, &img);
            rse_image_free(&img);
        }
    } else {
        st = rse__fail(RSE_STATUS_BAD_FORMAT, "not an rsedit model or a SinDDM torch checkpoint");
    }
    RSE_FREE(buf);
    return st == RSE_STATUS_OK ? st : rse__fail_prefix(st, path);
}

/* Loads an image (with the bands of ropt) and, with a window "WxH+X+Y",
   only that window: of a TIFF only the strips or tiles under it are read,
   so the scene may be larger than RSE_MAX_DIM (rse_image_load_window). */
RSE__FN rse_status rse__cli_load_window(const char *path, const char *window, const rse_read_options *ropt,
                                        rse_image *img) {
    rse_roi w;
    rse_status st;
    if (!window) return rse_image_load_ex(path, ropt, img, 0);
    if ((st = rse_roi_parse(window, &w)) != RSE_STATUS_OK) return rse__fail_prefix(st, path);
    return rse_image_load_window(path, &w, ropt, img, 0);
}

/* train: see its help text in the command table. Its options, in the order
   of rse__cli_train_names; the run needs to know which were given. */
enum { RSE__TR_OUT, RSE__TR_PRESET, RSE__TR_STEPS, RSE__TR_DIM, RSE__TR_BATCH, RSE__TR_MICRO, RSE__TR_CROP,
       RSE__TR_LR, RSE__TR_SEED, RSE__TR_THREADS, RSE__TR_SAVE, RSE__TR_UNTIL, RSE__TR_WINDOW, RSE__TR_COARSE,
       RSE__TR_TFOCUS, RSE__TR_BANDS, RSE__TR_N };
static const char *const rse__cli_train_names[RSE__TR_N] = {
    "-o", "--preset", "--steps", "--dim", "--batch", "--micro-batch", "--crop", "--lr", "--seed", "--threads",
    "--save-every", "--until", "--window", "--coarse", "--t-focus", "--bands" };

/* train's command line, read and checked: the training parameters the
   preset and the flags give, and what the run does with them. */
typedef struct rse__cli_train_opts {
    const char *image, *out, *preset, *window;
    int quiet, resume;
    unsigned char given[RSE__TR_N];
    long until;              /* --until; 0: train to the end */
    long save_every;         /* --save-every; -1: the preset's (or model's) */
    rse_read_options ropt;   /* --bands of a TIFF IMAGE */
    rse_train_params p;
} rse__cli_train_opts;

/* Reads train's command line into *o and sets the thread count. Returns
   RSE__EXIT_OK, or the exit status after saying what is wrong. */
RSE__FN int rse__cli_train_parse(int argc, char **argv, rse__cli_train_opts *o) {
    const char *const *opts = rse__cli_train_names;
    const char *val;
    int i, k, v, threads = 0;
    double d;
    uint64_t seed = 0;
    rse_train_params q;

    memset(o, 0, sizeof *o);
    o->save_every = -1;
    memset(&q, 0, sizeof q);
    for (i = 1; i < argc; i++) {
        if (rse__cli_flag(argv, i, "--quiet")) { o->quiet = 1; continue; }
        if (rse__cli_flag(argv, i, "--resume")) { o->resume = 1; continue; }
        k = rse__cli_optv(argc, argv, &i, opts, RSE__TR_N, &val);
        if (k == -2) return rse__cli_usage(argv[0], "%s needs a value", argv[i]);
        if (k < 0) {
            if (rse__cli_unknown(argv, i)) return rse__cli_usage(argv[0], "unknown option '%s'", argv[i]);
            if (o->image) return rse__cli_usage(argv[0], "unexpected argument '%s'", argv[i]);
            o->image = argv[i];
            continue;
        }
        o->given[k] = 1;
        switch (k) {
        case RSE__TR_OUT: o->out = val; break;
        case RSE__TR_BANDS:
            if (!rse__cli_bands(val, &o->ropt))
                return rse__cli_usage(argv[0], "--bands needs 1 or 3 band numbers from 1, e.g. 4,3,2, got '%s'", val);
            break;
        case RSE__TR_WINDOW: {
            rse_roi wr;
            if (rse_roi_parse(val, &wr) != RSE_STATUS_OK) return rse__cli_usage(argv[0], "--window: %s", rse_last_error());
            o->window = val;
            break;
        }
        case RSE__TR_PRESET: o->preset = val; break;
        case RSE__TR_SEED:
            if (!rse__cli_u64(val, &seed)) return rse__cli_usage(argv[0], "--seed must be a non-negative integer, got '%s'", val);
            break;
        case RSE__TR_LR:
            if (!rse__cli_double(val, 1e-9, 0.999, &d)) return rse__cli_usage(argv[0], "--lr must be in (0,1), got '%s'", val);
            q.lr = (float)d;
            break;
        case RSE__TR_COARSE:
            if (!rse__cli_double(val, 0, 0.999, &d)) return rse__cli_usage(argv[0], "--coarse must be in [0,1), got '%s'", val);
            q.coarse = (float)d;
            break;
        case RSE__TR_TFOCUS:
            if (strcmp(val, "on") && strcmp(val, "off"))
                return rse__cli_usage(argv[0], "--t-focus must be on or off, got '%s'", val);
            q.t_focus = !strcmp(val, "on");
            break;
        default: {
            static const long lo[12] = { 0, 0, 1, 2, 1, 0, 0, 0, 0, 1, 0, 1 };
            static const long hi[12] = { 0, 0, 100000000L, RSE_SD_MAX_DIM, 4096, 4096, 100000, 0, 0, 64, 100000000L, 100000000L };
            if (!rse__cli_int(val, lo[k], hi[k], &v))
                return rse__cli_usage(argv[0], "%s must be an integer in %ld..%ld, got '%s'", opts[k], lo[k], hi[k], val);
            if (k == RSE__TR_STEPS) q.steps = v;
            else if (k == RSE__TR_DIM) q.dim = v;
            else if (k == RSE__TR_BATCH) q.batch = v;
            else if (k == RSE__TR_MICRO) q.micro_batch = v;
            else if (k == RSE__TR_CROP) q.crop = v;
            else if (k == RSE__TR_THREADS) threads = v;
            else if (k == RSE__TR_SAVE) o->save_every = v;
            else o->until = v;
        }
        }
    }
    if (!o->image) return rse__cli_usage(argv[0], "expected IMAGE");
    if (!o->out) return rse__cli_usage(argv[0], "-o MODEL is required");
    if (!rse__cli_out_dir_ok(argv[0], o->out)) return RSE__EXIT_FAIL;
    if (rse_train_params_init(&o->p, o->preset) != RSE_STATUS_OK)
        return rse__cli_usage(argv[0], "unknown preset '%s' (use cpu, paper or tiny)", o->preset);
    if (o->given[RSE__TR_STEPS]) o->p.steps = q.steps;
    if (o->given[RSE__TR_DIM]) o->p.dim = q.dim;
    if (o->given[RSE__TR_BATCH]) o->p.batch = q.batch;
    if (o->given[RSE__TR_MICRO]) o->p.micro_batch = q.micro_batch;
    if (o->given[RSE__TR_CROP]) o->p.crop = q.crop;
    if (o->given[RSE__TR_LR]) o->p.lr = q.lr;
    if (o->given[RSE__TR_COARSE]) o->p.coarse = q.coarse;
    if (o->given[RSE__TR_TFOCUS]) o->p.t_focus = q.t_focus;
    if (o->given[RSE__TR_SEED]) o->p.seed = seed;
    if (o->save_every >= 0) o->p.save_every = o->save_every;
    /* a preset's micro-batch never exceeds a smaller --batch */
    if (!o->given[RSE__TR_MICRO] && o->p.micro_batch > o->p.batch) o->p.micro_batch = o->p.batch;
    if (rse__sd_check_params(&o->p) != RSE_STATUS_OK) return rse__cli_usage(argv[0], "%s", rse_last_error());
    if (rse_set_threads(threads ? threads : rse__cli_default_threads()) != RSE_STATUS_OK)
        return rse__cli_usage(argv[0], "%s", rse_last_error());
    return RSE__EXIT_OK;
}

/* Trains (or resumes) the model of *o, saving at its checkpoint steps and
   when interrupted. Returns the exit status. */
RSE__FN int rse__cli_train_run(const rse__cli_train_opts *o) {
    const char *image = o->image, *out = o->out, *preset = o->preset, *window = o->window;
    const unsigned char *given = o->given;
    const rse_train_params *pp = &o->p;
    int i, k, quiet = o->quiet, interrupted = 0, rc = RSE__EXIT_OK;
    long target;
    rse_sinddm *m = 0;
    rse__cli_prog g;
    void (*old)(int);
    rse_status st;

    if (rse__cli_exists(out)) {
        rse__pyramid pyr;
        rse_image img;
        static const char *const names[8] = { "--dim", "--batch", "--crop", "--steps", "--seed", "--lr", "--coarse",
                                              "--t-focus" };
        if (!o->resume) {
            fprintf(stderr, "rsedit: %s already exists: add --resume to continue training it, or remove it\n", out);
            return RSE__EXIT_FAIL;
        }
        if (rse_sinddm_load(&m, out) != RSE_STATUS_OK) return rse__cli_fail();
        /* Flags that change the run must agree with the checkpoint: the
           explicit ones, and those a --preset sets. --micro-batch,
           --threads and --save-every only change memory, speed and
           checkpoint times, and may differ. */
        for (k = 0; k < 8; k++) {
            int flag = k == 0 ? RSE__TR_DIM : k == 1 ? RSE__TR_BATCH : k == 2 ? RSE__TR_CROP : k == 3 ? RSE__TR_STEPS :
                       k == 4 ? RSE__TR_SEED : k == 5 ? RSE__TR_LR : k == 6 ? RSE__TR_COARSE : RSE__TR_TFOCUS;
            float wantf = k == 5 ? pp->lr : pp->coarse, havef = k == 5 ? m->opt.lr : m->opt.coarse;
            int from_preset = preset && !given[flag] && k != 4;
            uint64_t want = k == 0 ? (uint64_t)pp->dim : k == 1 ? (uint64_t)pp->batch : k == 2 ? (uint64_t)pp->crop :
                            k == 3 ? (uint64_t)pp->steps : k == 4 ? pp->seed : 0;
            uint64_t have = k == 0 ? (uint64_t)m->opt.dim : k == 1 ? (uint64_t)m->opt.batch :
                            k == 2 ? (uint64_t)m->opt.crop : k == 3 ? (uint64_t)m->opt.steps : k == 4 ? m->opt.seed : 0;
            if (!given[flag] && !from_preset) continue;
            if (k == 7 ? pp->t_focus != m->opt.t_focus : k >= 5 ? wantf != havef : want != have) {
                char w[40], h[40];
                if (k == 7) { strcpy(w, pp->t_focus ? "on" : "off"); strcpy(h, m->opt.t_focus ? "on" : "off"); }
                else if (k >= 5) { snprintf(w, sizeof w, "%g", (double)wantf); snprintf(h, sizeof h, "%g", (double)havef); }
                else { snprintf(w, sizeof w, "%llu", (unsigned long long)want); snprintf(h, sizeof h, "%llu", (unsigned long long)have); }
                fprintf(stderr, "rsedit: %s was trained with %s %s, but %s%s gives %s %s: leave out flags that change "
                        "the run when resuming\n", out, names[k], h, from_preset ? "--preset " : "",
                        from_preset ? preset : names[k], names[k], w);
                rse_sinddm_free(m);
                return RSE__EXIT_FAIL;
            }
        }
        if (given[RSE__TR_MICRO]) m->opt.micro_batch = pp->micro_batch;
        if (o->save_every >= 0) m->opt.save_every = o->save_every;
        /* the checkpoint holds its pyramid: IMAGE must be the same image */
        if (rse__cli_load_window(image, window, &o->ropt, &img) != RSE_STATUS_OK) { rse_sinddm_free(m); return rse__cli_fail(); }
        st = rse__pyramid_build(&pyr, &img);
        rse_image_free(&img);
        if (st != RSE_STATUS_OK) { rse_sinddm_free(m); return rse__cli_fail(); }
        k = pyr.n == m->pyr.n;
        for (i = 0; k && i < pyr.n; i++)
            k = pyr.w[i] == m->pyr.w[i] && pyr.h[i] == m->pyr.h[i] &&
                !memcmp(pyr.img[i], m->pyr.img[i], 3 * (size_t)pyr.w[i] * pyr.h[i]);
        rse__pyramid_free(&pyr);
        if (!k) {
            fprintf(stderr, "rsedit: %s was trained on another image than %s\n", out, image);
            rse_sinddm_free(m);
            return RSE__EXIT_FAIL;
        }
    } else {
        rse_image img;
        if (rse__cli_load_window(image, window, &o->ropt, &img) != RSE_STATUS_OK) return rse__cli_fail();
        st = rse_sinddm_create(&m, &img, pp);
        rse_image_free(&img);
        if (st != RSE_STATUS_OK) return rse__cli_fail();
    }

    target = m->opt.steps;
    if (o->until > 0 && o->until < target) target = o->until;
    if (m->step >= target) {
        if (!quiet) fprintf(stderr, "rsedit: %s is already trained to step %ld of %ld\n", out, m->step, m->opt.steps);
        rse_sinddm_free(m);
        return RSE__EXIT_OK;
    }
    if (!quiet)
        fprintf(stderr, "train: %s, %d scales (%dx%d finest), dim %d, batch %d, crop %d, coarse %g, t-focus %s, "
                "%ld steps%s\n", image, m->pyr.n, m->pyr.w[m->pyr.n - 1], m->pyr.h[m->pyr.n - 1], m->opt.dim,
                m->opt.batch, m->opt.crop, (double)m->opt.coarse, m->opt.t_focus ? "on" : "off",
                m->opt.steps, m->step ? " (resuming)" : "");
    rse__cli_prog_init(&g, quiet, m->step);
    rse__cli_sigint = 0;
    old = signal(SIGINT, rse__cli_on_sigint);
    /* train in chunks that end at the checkpoint steps; save after each */
    while (m->step < target) {
        long stop = target;
        if (m->opt.save_every > 0) {
            long next = (m->step / m->opt.save_every + 1) * m->opt.save_every;
            if (next < stop) stop = next;
        }
        st = rse_sinddm_train(m, stop, rse__cli_train_hook, &g);
        interrupted = rse__cli_sigint != 0;
        if (st == RSE_STATUS_OK) st = rse_sinddm_save(m, out);
        if (st != RSE_STATUS_OK) { rse__cli_prog_end(&g); rc = rse__cli_fail(); break; }
        if (interrupted) break;
    }
    signal(SIGINT, old == SIG_ERR ? SIG_DFL : old);
    rse__cli_prog_end(&g);
    if (rc == RSE__EXIT_OK && interrupted) {
        fprintf(stderr, "rsedit: interrupted at step %ld of %ld; saved %s (continue with --resume)\n", m->step,
                m->opt.steps, out);
        rc = 130;
    } else if (rc == RSE__EXIT_OK && !quiet) {
        fprintf(stderr, "train: saved %s at step %ld of %ld (%.1f s)\n", out, m->step, m->opt.steps,
                rse__cli_now() - g.t0);
    }
    rse_sinddm_free(m);
    return rc;
}

/* train: see its help text in the command table. */
RSE__FN int rse__cmd_train(int argc, char **argv) {
    rse__cli_train_opts o;
    int rc = rse__cli_train_parse(argc, argv, &o);
    return rc != RSE__EXIT_OK ? rc : rse__cli_train_run(&o);
}

/* OUT for image i of count: OUT itself for one image, else "_i" inserted
   before the extension ("out.png" -> "out_0.png"). */
RSE__FN char *rse__cli_numbered(const char *out, int i, int count) {
    size_t n = strlen(out), dot = n, k;
    char *s = (char *)RSE_MALLOC(n + 16);
    if (!s) return 0;
    for (k = n; k > 0 && out[k - 1] != '/' && out[k - 1] != '\\'; k--)
        if (out[k - 1] == '.') { dot = k - 1; break; }
    memcpy(s, out, dot);
    if (count == 1) memcpy(s + dot, out + dot, n - dot + 1);
    else rse__fmt(s + dot, n + 16 - dot, "_%d%s", i, out + dot);
    return s;
}

RSE__FN int rse__cmd_sample(int argc, char **argv) {
    static const char *const opts[] = { "-o", "--count", "--seed", "--threads", "--image", "--scale-mul", "--bands" };
    const char *model = 0, *out = 0, *image = 0, *val;
    int i, k, quiet = 0, threads = 0, imported, rc = RSE__EXIT_OK;
    rse_read_options ropt;
    rse_sample_params sp;
    rse_sinddm *m = 0;
    rse_image *imgs;
    rse__cli_prog g;
    double mh, mw;

    rse_sample_params_init(&sp);
    memset(&ropt, 0, sizeof ropt);
    for (i = 1; i < argc; i++) {
        if (rse__cli_flag(argv, i, "--quiet")) { quiet = 1; continue; }
        k = rse__cli_optv(argc, argv, &i, opts, 7, &val);
        if (k == -2) return rse__cli_usage(argv[0], "%s needs a value", argv[i]);
        if (k < 0) {
            if (rse__cli_unknown(argv, i)) return rse__cli_usage(argv[0], "unknown option '%s'", argv[i]);
            if (model) return rse__cli_usage(argv[0], "unexpected argument '%s'", argv[i]);
            model = argv[i];
        } else if (k == 0) out = val;
        else if (k == 1) { if (!rse__cli_int(val, 1, 10000, &sp.count)) return rse__cli_usage(argv[0], "--count must be in 1..10000, got '%s'", val); }
        else if (k == 2) { if (!rse__cli_u64(val, &sp.seed)) return rse__cli_usage(argv[0], "--seed must be a non-negative integer, got '%s'", val); }
        else if (k == 3) { if (!rse__cli_int(val, 1, 64, &threads)) return rse__cli_usage(argv[0], "--threads must be in 1..64, got '%s'", val); }
        else if (k == 4) image = val;
        else if (k == 6) {
            if (!rse__cli_bands(val, &ropt))
                return rse__cli_usage(argv[0], "--bands needs 1 or 3 band numbers from 1, e.g. 4,3,2, got '%s'", val);
        } else {
            /* two values: --scale-mul H W */
            if (i + 1 >= argc || i + 1 >= rse__cli_optend || !rse__cli_double(val, 0.01, 16, &mh) ||
                !rse__cli_double(argv[i + 1], 0.01, 16, &mw))
                return rse__cli_usage(argv[0], "--scale-mul needs two factors H W in (0,16]");
            i++;
            sp.scale_mul_h = (float)mh;
            sp.scale_mul_w = (float)mw;
        }
    }
    if (!model) return rse__cli_usage(argv[0], "expected MODEL");
    if (!out) return rse__cli_usage(argv[0], "-o OUT is required");
    if (ropt.nbands && !image)
        return rse__cli_usage(argv[0], "--bands picks the bands of --image, the training image of a reference "
                              "SinDDM checkpoint (an rsedit model holds its own pyramid)");
    if (rse_format_from_path(out) == RSE_FORMAT_UNKNOWN)
        return rse__cli_usage(argv[0], "cannot tell the format of '%s' (use .ppm, .pgm, .bmp, .png, .tif or .tiff)", out);
    if (!rse__cli_out_dir_ok(argv[0], out)) return RSE__EXIT_FAIL;
    if (rse_set_threads(threads ? threads : rse__cli_default_threads()) != RSE_STATUS_OK)
        return rse__cli_usage(argv[0], "%s", rse_last_error());
    if (rse__cli_load_model(model, image, &ropt, &m, &imported) != RSE_STATUS_OK) return rse__cli_fail();
    if (image && !imported) {
        /* our checkpoints carry their pyramid: an --image would go unread */
        rse_sinddm_free(m);
        return rse__cli_usage(argv[0], "--image is for a reference SinDDM checkpoint; %s is an rsedit model, which "
                              "holds its own pyramid: leave --image out", model);
    }
    imgs = (rse_image *)RSE_MALLOC((size_t)sp.count * sizeof *imgs);
    if (!imgs) { rse_sinddm_free(m); fprintf(stderr, "rsedit: out of memory\n"); return RSE__EXIT_FAIL; }
    rse__cli_prog_init(&g, quiet, 0);
    g.count = sp.count;
    g.nscales = m->pyr.n;
    for (i = 0; i < m->pyr.n; i++) {
        g.area[i] = (double)m->pyr.w[i] * m->pyr.h[i];
        g.work_total += g.area[i] * (i ? m->sched.t_start[i] : RSE_SD_T) * sp.count;
    }
    if (rse_sinddm_sample(m, &sp, imgs, rse__cli_sample_hook, &g) != RSE_STATUS_OK) {
        rse__cli_prog_end(&g);
        rc = rse__cli_fail();
    } else {
        rse__cli_prog_end(&g);
        for (i = 0; i < sp.count; i++) {
            char *path = rse__cli_numbered(out, i, sp.count);
            if (rc == RSE__EXIT_OK && (!path || rse_image_save(path, &imgs[i]) != RSE_STATUS_OK)) rc = rse__cli_fail();
            if (rc == RSE__EXIT_OK && !quiet) fprintf(stderr, "sample: wrote %s (%dx%d)\n", path, imgs[i].w, imgs[i].h);
            RSE_FREE(path);
            rse_image_free(&imgs[i]);
        }
    }
    RSE_FREE(imgs);
    rse_sinddm_free(m);
    return rc;
}

/* An 8-bit planar (3,h,w) pyramid image as a file. */
RSE__FN rse_status rse__cli_save_u8(const char *dir, const char *name, int s, const uint8_t *px, int w, int h) {
    rse_image im;
    rse_status st;
    size_t i, n = 3 * (size_t)w * h, len = strlen(dir) + 48;
    char *path = (char *)RSE_MALLOC(len);
    if (!path) return rse__fail(RSE_STATUS_NOMEM, "out of memory");
    rse__fmt(path, len, name, dir, s);
    if ((st = rse_image_alloc(&im, w, h, 3)) == RSE_STATUS_OK) {
        for (i = 0; i < n; i++) im.data[i] = (float)px[i] / 255.0f;
        st = rse_image_save(path, &im);
        rse_image_free(&im);
    }
    RSE_FREE(path);
    return st;
}

RSE__FN int rse__cmd_pyramid(int argc, char **argv) {
    const char *image = 0, *dir = 0, *val;
    int i, r, json = 0;
    rse_image img;
    rse__pyramid pyr;
    for (i = 1; i < argc; i++) {
        if (rse__cli_flag(argv, i, "--json")) json = 1;
        else if ((r = rse__cli_opt(argc, argv, &i, "-o", &val)) != 0) {
            if (r < 0) return rse__cli_usage(argv[0], "-o needs a directory");
            dir = val;
        } else if (rse__cli_unknown(argv, i)) return rse__cli_usage(argv[0], "unknown option '%s'", argv[i]);
        else if (image) return rse__cli_usage(argv[0], "unexpected argument '%s'", argv[i]);
        else image = argv[i];
    }
    if (!image) return rse__cli_usage(argv[0], "expected IMAGE");
    if (rse_image_load(image, &img) != RSE_STATUS_OK) return rse__cli_fail();
    r = rse__pyramid_build(&pyr, &img) == RSE_STATUS_OK;
    rse_image_free(&img);
    if (!r) return rse__cli_fail();
    if (json) {
        printf("{\"scales\":[");
        for (i = 0; i < pyr.n; i++)
            printf("%s{\"width\":%d,\"height\":%d,\"rescale_loss\":%.17g,\"t_start\":%d}", i ? "," : "", pyr.w[i],
                   pyr.h[i], pyr.loss[i], pyr.t_start[i]);
        printf("]}\n");
    } else {
        printf("scale  size        rescale_loss  t_start\n");
        for (i = 0; i < pyr.n; i++) {
            char sz[32];
            snprintf(sz, sizeof sz, "%dx%d", pyr.w[i], pyr.h[i]);
            printf("%-5d  %-10s  %12.6f  %7d\n", i, sz, pyr.loss[i], pyr.t_start[i]);
        }
    }
    if (dir) {
        rse_status st = RSE_STATUS_OK;
        if (!rse__cli_exists(dir) && rse__mkdir(dir) != 0)
            st = rse__fail(RSE_STATUS_IO, "%s: cannot create the directory: %s", dir, strerror(errno));
        for (i = 0; i < pyr.n && st == RSE_STATUS_OK; i++) {
            st = rse__cli_save_u8(dir, "%s/scale_%d.png", i, pyr.img[i], pyr.w[i], pyr.h[i]);
            if (i && st == RSE_STATUS_OK)
                st = rse__cli_save_u8(dir, "%s/scale_%d_recon.png", i, pyr.blur[i], pyr.w[i], pyr.h[i]);
        }
        if (st != RSE_STATUS_OK) { rse__pyramid_free(&pyr); return rse__cli_fail(); }
    }
    rse__pyramid_free(&pyr);
    return RSE__EXIT_OK;
}

RSE__FN void rse__cli_free_images(rse_image *im, int n) {
    int i;
    if (!im) return;
    for (i = 0; i < n; i++) rse_image_free(&im[i]);
    RSE_FREE(im);
}

#define RSE__BASELINE_COPIES 8
#define RSE__BASELINE_SHIFT 8
#define RSE__REGION_MARGIN 4   /* issue 20: a region is scored with 4 px of its surroundings */

/* "WxH+X+Y" of a box, for the reports. */
RSE__FN const char *rse__cli_box(char *buf, size_t cap, const rse_roi *r) {
    snprintf(buf, cap, "%dx%d+%d+%d", r->w, r->h, r->x, r->y);
    return buf;
}

/* A JSON number, or null for what JSON cannot hold (an identical image's
   infinite PSNR, a ratio to a zero floor). */
RSE__FN void rse__cli_json_num(double v) {
    if (v == v && v < HUGE_VAL && v > -HUGE_VAL) printf("%.6g", v);
    else printf("null");
}

RSE__FN int rse__cmd_quality(int argc, char **argv) {
    const char **files, *val;
    int i, r, n = 0, json = 0, baseline = 0, psnr = 0, changed = 0, region = 0, has_rref = 0, has_margin = 0, has_patches = 0;
    int margin = RSE__REGION_MARGIN, rc = RSE__EXIT_OK, have_div = 0, have_bdiv = 0;
    rse__swd_params sp;
    rse__swd_result res, bres;
    rse_roi box, rbox, crop, rcrop;
    rse_image ref, rref, *smp = 0, *scrop = 0, *cp = 0;
    const rse_image *sref, *sset;   /* what the SWD compares: images or crops */
    double div = 0, bdiv = 0;
    char b1[64], b2[64], b3[64];
    rse_status st = RSE_STATUS_OK;

    rse__swd_params_init(&sp);
    memset(&box, 0, sizeof box);
    rbox = crop = rcrop = box;
    files = (const char **)RSE_MALLOC((size_t)argc * sizeof *files);
    if (!files) return rse__cli_fail();
    for (i = 1; i < argc; i++) {
        if (rse__cli_flag(argv, i, "--json")) json = 1;
        else if (rse__cli_flag(argv, i, "--baseline")) baseline = 1;
        else if (rse__cli_flag(argv, i, "--ref-norm")) sp.ref_norm = 1;
        else if (rse__cli_flag(argv, i, "--psnr")) psnr = 1;
        else if (rse__cli_flag(argv, i, "--changed")) changed = 1;
        else if ((r = rse__cli_opt(argc, argv, &i, "--seed", &val)) != 0) {
            if (r < 0 || !rse__cli_u64(val, &sp.seed)) { RSE_FREE(files); return rse__cli_usage(argv[0], "--seed needs a non-negative integer"); }
        } else if ((r = rse__cli_opt(argc, argv, &i, "--patches", &val)) != 0) {
            if (r < 0 || !rse__cli_int(val, 1, 65536, &sp.per_image)) { RSE_FREE(files); return rse__cli_usage(argv[0], "--patches needs an integer in 1..65536"); }
            has_patches = 1;
        } else if ((r = rse__cli_opt(argc, argv, &i, "--region", &val)) != 0) {
            if (r < 0 || rse_roi_parse(val, &box) != RSE_STATUS_OK) { RSE_FREE(files); return rse__cli_usage(argv[0], "--region needs a box WxH+X+Y, got '%s'", r < 0 ? "" : val); }
            region = 1;
        } else if ((r = rse__cli_opt(argc, argv, &i, "--region-ref", &val)) != 0) {
            if (r < 0 || rse_roi_parse(val, &rbox) != RSE_STATUS_OK) { RSE_FREE(files); return rse__cli_usage(argv[0], "--region-ref needs a box WxH+X+Y, got '%s'", r < 0 ? "" : val); }
            has_rref = 1;
        } else if ((r = rse__cli_opt(argc, argv, &i, "--margin", &val)) != 0) {
            if (r < 0 || !rse__cli_int(val, 0, 4096, &margin)) { RSE_FREE(files); return rse__cli_usage(argv[0], "--margin needs an integer in 0..4096"); }
            has_margin = 1;
        } else if (rse__cli_unknown(argv, i)) {
            RSE_FREE(files);
            return rse__cli_usage(argv[0], "unknown option '%s'", argv[i]);
        } else files[n++] = argv[i];
    }
    if (n < 2) { RSE_FREE(files); return rse__cli_usage(argv[0], "expected REF and at least one SAMPLE"); }
    if ((has_rref || has_margin) && !region) {
        RSE_FREE(files);
        return rse__cli_usage(argv[0], "%s needs --region", has_rref ? "--region-ref" : "--margin");
    }
    if (!has_rref) rbox = box;
    if (rbox.w != box.w || rbox.h != box.h) {
        RSE_FREE(files);
        return rse__cli_usage(argv[0], "--region-ref %dx%d must have --region's size %dx%d", rbox.w, rbox.h, box.w, box.h);
    }
    /* A region is compared as content: a colour shift inside it counts.
       Its crops are small (a 68x58 crop has 3224 positions at the finest
       level), so every position is taken: with 1024 random ones the
       sampling noise alone is as large as the 4-px shift floor (the same
       crop scores 0.95x it, not 0), and ratios to the floor shrink toward
       1. --patches still asks for random patches. */
    if (region) {
        sp.ref_norm = 1;
        sp.all_positions = !has_patches;
    }
    memset(&ref, 0, sizeof ref);
    memset(&rref, 0, sizeof rref);
    smp = (rse_image *)RSE_MALLOC(2 * (size_t)(n - 1) * sizeof *smp);
    if (!smp) { RSE_FREE(files); return rse__cli_fail(); }
    memset(smp, 0, 2 * (size_t)(n - 1) * sizeof *smp);
    scrop = smp + (n - 1);
    st = rse_image_load(files[0], &ref);
    for (i = 1; i < n && st == RSE_STATUS_OK; i++) st = rse_image_load(files[i], &smp[i - 1]);
    /* pixel comparisons, and regions (one box for every sample), need
       samples of REF's size; say so before any work */
    for (i = 0; i < n - 1 && st == RSE_STATUS_OK && (psnr || changed || region); i++)
        st = rse__q_same_size(&ref, &smp[i], psnr ? "--psnr" : changed ? "--changed" : "--region");
    if (st == RSE_STATUS_OK && region) {
        const rse_roi *bx[2] = { &box, &rbox };
        for (i = 0; i < 2 && st == RSE_STATUS_OK; i++)
            if (bx[i]->x > ref.w - bx[i]->w || bx[i]->y > ref.h - bx[i]->h)
                st = rse__fail(RSE_STATUS_BAD_ARG, "quality: %s %s lies outside the %dx%d image",
                               i ? "--region-ref" : "--region", rse__cli_box(b1, sizeof b1, bx[i]), ref.w, ref.h);
        rse__q_grow(&box, &rbox, margin, ref.w, ref.h, &crop, &rcrop);
        if (st == RSE_STATUS_OK) st = rse__q_crop(&ref, &rcrop, 0, 0, &rref);
        for (i = 0; i < n - 1 && st == RSE_STATUS_OK; i++) st = rse__q_crop(&smp[i], &crop, 0, 0, &scrop[i]);
    }
    sref = region ? &rref : &ref;
    sset = region ? scrop : smp;
    if (st == RSE_STATUS_OK) st = rse__swd(sref, sset, n - 1, &sp, &res);
    if (st == RSE_STATUS_OK && n - 1 >= 2) {
        /* samples of different sizes have no per-pixel diversity: say so */
        st = rse__pixel_diversity(sref, sset, n - 1, &div);
        have_div = st == RSE_STATUS_OK;
        st = RSE_STATUS_OK;
    }
    if (st == RSE_STATUS_OK && baseline) {
        /* on the samples' levels, so the two means average the same rows */
        sp.max_levels = res.levels;
        if (region) {
            /* as many patches as the samples have together: the same
               sampling noise, and the same reference patches */
            st = rse__swd_shift_floor(&ref, &rcrop, (n - 1) * sp.per_image, &sp, &bres);
        } else {
            cp = (rse_image *)RSE_MALLOC(RSE__BASELINE_COPIES * sizeof *cp);
            if (!cp) st = rse__fail(RSE_STATUS_NOMEM, "out of memory");
            else if ((st = rse__shifted_copies(&ref, RSE__BASELINE_COPIES, RSE__BASELINE_SHIFT, sp.seed, cp)) != RSE_STATUS_OK) {
                RSE_FREE(cp);
                cp = 0;
            }
            if (st == RSE_STATUS_OK) st = rse__swd(&ref, cp, RSE__BASELINE_COPIES, &sp, &bres);
            if (st == RSE_STATUS_OK)
                have_bdiv = rse__pixel_diversity(&ref, cp, RSE__BASELINE_COPIES, &bdiv) == RSE_STATUS_OK;
        }
    }
    if (st != RSE_STATUS_OK) {
        rc = rse__cli_fail();
    } else if (json) {
        printf("{\"samples\":%d,\"levels\":[", n - 1);
        for (i = 0; i < res.levels; i++) {
            printf("%s{\"width\":%d,\"height\":%d,\"swd\":%.6g", i ? "," : "", res.w[i], res.h[i], res.swd[i]);
            if (baseline) {
                printf(",\"baseline_swd\":%.6g,\"ratio\":", bres.swd[i]);
                rse__cli_json_num(res.swd[i] / bres.swd[i]);
            }
            printf("}");
        }
        printf("],\"swd\":%.6g,\"diversity\":", res.avg);
        if (have_div) printf("%.6g", div); else printf("null");
        if (baseline) {
            printf(",\"baseline_swd\":%.6g,\"baseline_diversity\":", bres.avg);
            if (have_bdiv) printf("%.6g", bdiv); else printf("null");
        }
        /* issue 20's fields after the older ones, which scripts find by name */
        printf(",\"ref_norm\":%s,\"finest_swd\":%.6g", sp.ref_norm ? "true" : "false", res.swd[0]);
        if (baseline) {
            printf(",\"baseline_kind\":\"%s\",\"baseline_finest_swd\":%.6g,\"finest_ratio\":",
                   region ? "reflected-shift-4" : "shifted-crops", bres.swd[0]);
            rse__cli_json_num(res.swd[0] / bres.swd[0]);
        }
        if (region) {
            printf(",\"region\":{\"box\":\"%s\",\"ref_box\":\"%s\",\"margin\":%d,", rse__cli_box(b1, sizeof b1, &box),
                   rse__cli_box(b2, sizeof b2, &rbox), margin);
            printf("\"crop\":\"%s\",\"ref_crop\":\"%s\"}", rse__cli_box(b1, sizeof b1, &crop),
                   rse__cli_box(b2, sizeof b2, &rcrop));
        }
        if (psnr) {
            double mse, db;
            printf(",\"psnr\":[");
            for (i = 0; i < n - 1; i++) {
                rse__psnr(&ref, &smp[i], &mse, &db);
                printf("%s", i ? "," : "");
                rse__cli_json_num(db);
            }
            printf("],\"mse\":[");
            for (i = 0; i < n - 1; i++) {
                rse__psnr(&ref, &smp[i], &mse, &db);
                printf("%s%.6g", i ? "," : "", mse);
            }
            printf("]");
        }
        if (changed) {
            printf(",\"changed\":[");
            for (i = 0; i < n - 1; i++) {
                size_t cnt;
                rse_roi cb;
                rse__changed(&ref, &smp[i], &cnt, &cb);
                printf("%s{\"pixels\":%zu,\"box\":", i ? "," : "", cnt);
                if (cnt) printf("\"%s\"}", rse__cli_box(b1, sizeof b1, &cb)); else printf("null}");
            }
            printf("]");
        }
        printf("}\n");
    } else {
        if (sp.all_positions) snprintf(b1, sizeof b1, "every position");
        else snprintf(b1, sizeof b1, "%d per image per level", sp.per_image);
        printf("SWD x 1e3 of %dx%d patches (%s, %d directions, seed %llu), %d sample%s%s\n", sp.patch, sp.patch, b1,
               sp.dirs, (unsigned long long)sp.seed, n - 1, n == 2 ? "" : "s",
               sp.ref_norm ? ", normalised with REF's statistics" : "");
        if (region)
            printf("region %s + %d px: the samples' crop %s, REF's crop %s\n", rse__cli_box(b1, sizeof b1, &box), margin,
                   rse__cli_box(b2, sizeof b2, &crop), rse__cli_box(b3, sizeof b3, &rcrop));
        printf("level  size       %10s%s\n", "samples", baseline ? "    baseline     ratio" : "");
        for (i = 0; i < res.levels; i++) {
            char sz[32];
            snprintf(sz, sizeof sz, "%dx%d", res.w[i], res.h[i]);
            printf("%-5d  %-9s  %10.3f", i, sz, res.swd[i]);
            if (baseline) printf("  %10.3f  %8.2f", bres.swd[i], res.swd[i] / bres.swd[i]);
            printf("\n");
        }
        printf("mean              %10.3f", res.avg);
        if (baseline) printf("  %10.3f  %8.2f", bres.avg, res.avg / bres.avg);
        printf("\ndiversity         ");
        if (have_div) printf("%10.3f", div); else printf("%10s", "-");
        if (baseline) { if (have_bdiv) printf("  %10.3f", bdiv); else printf("  %10s", "-"); }
        printf("\n");
        if (baseline && region)
            printf("baseline: REF's crop against the same crop of REF shifted by %d px (reflected borders), "
                   "the mean of the %d directions\n", RSE_SWD_SHIFT, RSE_SWD_NSHIFT);
        else if (baseline)
            printf("baseline: %d copies of REF, each a crop shifted by a random 0..%d px\n", RSE__BASELINE_COPIES,
                   RSE__BASELINE_SHIFT);
        if (baseline)
            printf("finest level: SWD %.3f, baseline %.3f, ratio %.2f\n", res.swd[0], bres.swd[0], res.swd[0] / bres.swd[0]);
        for (i = 0; i < n - 1 && psnr; i++) {
            double mse, db;
            rse__psnr(&ref, &smp[i], &mse, &db);
            printf("PSNR of sample %d: %.2f dB (MSE %.6g)\n", i + 1, db, mse);
        }
        for (i = 0; i < n - 1 && changed; i++) {
            size_t cnt;
            rse_roi cb;
            rse__changed(&ref, &smp[i], &cnt, &cb);
            if (cnt) printf("changed in sample %d: %zu pixels, within %s\n", i + 1, cnt, rse__cli_box(b1, sizeof b1, &cb));
            else printf("changed in sample %d: none\n", i + 1);
        }
    }
    rse__cli_free_images(cp, cp ? RSE__BASELINE_COPIES : 0);
    for (i = 0; i < n - 1; i++) {
        rse_image_free(&smp[i]);
        rse_image_free(&scrop[i]);
    }
    RSE_FREE(smp);
    rse_image_free(&rref);
    rse_image_free(&ref);
    RSE_FREE(files);
    return rc;
}

/* ---- CLIP commands: tokenize, embed, score, saliency ----------------------
   Common options: --clip M (checkpoint), --vocab V (else $RSEDIT_VOCAB, else
   bpe_simple_vocab_16e6.txt.gz next to M), --clip-act quickgelu|gelu,
   --clip-fp32. */

typedef struct rse__clip_cli {
    const char *model, *vocab, *image, *text, *prompts, *raw, *out;
    const char *pos[64];
    int npos, json;
    rse_clip_options opt;
} rse__clip_cli;

/* The options of the CLIP commands, as bits: each command takes only those
   it reads, so one it would not use is refused ("unknown option") rather
   than ignored. RSE__CA_RUN is how the model runs: --clip-act, --clip-heads
   and --clip-fp32. */
enum { RSE__CA_CLIP = 1 << 0, RSE__CA_VOCAB = 1 << 1, RSE__CA_IMAGE = 1 << 2, RSE__CA_TEXT = 1 << 3,
       RSE__CA_PROMPTS = 1 << 4, RSE__CA_RAW = 1 << 5, RSE__CA_OUT = 1 << 6, RSE__CA_JSON = 1 << 7,
       RSE__CA_RUN = 1 << 8 };

/* Parses the options in `allow` (RSE__CA_*); returns -1 when all is well,
   else the exit status of a usage error. */
RSE__FN int rse__clip_args(int argc, char **argv, unsigned allow, rse__clip_cli *a) {
    /* the options with a value, in the order of their bits */
    static const char *const names[7] = { "--clip", "--vocab", "--image", "--text", "--prompts", "--raw", "-o" };
    const char **dst[7];
    int i, k, r = 0;
    const char *v;
    memset(a, 0, sizeof *a);
    rse_clip_options_init(&a->opt);
    dst[0] = &a->model; dst[1] = &a->vocab; dst[2] = &a->image; dst[3] = &a->text;
    dst[4] = &a->prompts; dst[5] = &a->raw; dst[6] = &a->out;
    for (i = 1; i < argc; i++) {
        for (k = 0; k < 7; k++)
            if ((allow & (1u << k)) && (r = rse__cli_opt(argc, argv, &i, names[k], &v)) != 0) break;
        if (k < 7) {
            if (r < 0) return rse__cli_usage(argv[0], "%s needs a value", argv[i]);
            *dst[k] = v;
        } else if ((allow & RSE__CA_RUN) && (r = rse__cli_opt(argc, argv, &i, "--clip-act", &v)) != 0) {
            if (r < 0) return rse__cli_usage(argv[0], "--clip-act needs quickgelu or gelu");
            if (strcmp(v, "gelu") == 0) a->opt.act = RSE_CLIP_ACT_GELU;
            else if (strcmp(v, "quickgelu") == 0) a->opt.act = RSE_CLIP_ACT_QUICKGELU;
            else return rse__cli_usage(argv[0], "--clip-act must be quickgelu or gelu, got '%s'", v);
        } else if ((allow & RSE__CA_RUN) && (r = rse__cli_opt(argc, argv, &i, "--clip-heads", &v)) != 0) {
            /* "V,T": head counts for models whose heads are not width/64 */
            char *end;
            long hv = r > 0 ? strtol(v, &end, 10) : 0, ht = 0;
            if (r > 0 && *end == ',') ht = strtol(end + 1, &end, 10);
            if (r < 0 || *end || hv < 1 || ht < 1 || hv > 4096 || ht > 4096)
                return rse__cli_usage(argv[0], "--clip-heads needs VISION,TEXT head counts, e.g. 12,8");
            a->opt.vision_heads = (int)hv;
            a->opt.text_heads = (int)ht;
        } else if ((allow & RSE__CA_RUN) && rse__cli_flag(argv, i, "--clip-fp32")) {
            a->opt.fp32 = 1;
        } else if ((allow & RSE__CA_JSON) && rse__cli_flag(argv, i, "--json")) {
            a->json = 1;
        } else if (rse__cli_unknown(argv, i)) {
            return rse__cli_usage(argv[0], "unknown option '%s'", argv[i]);
        } else {
            if (a->npos == 64) return rse__cli_usage(argv[0], "too many arguments");
            a->pos[a->npos++] = argv[i];
        }
    }
    return -1;
}

/* --vocab, else $RSEDIT_VOCAB, else the vocabulary file next to the model.
   With use_env 0 the file next to the model comes before $RSEDIT_VOCAB:
   tokenize reads no model, and its --clip M is there only to say where the
   vocabulary is, which the environment must not silently override. */
RSE__FN rse_status rse__clip_cli_vocab(const rse__clip_cli *a, int use_env, rse_clip_vocab **v) {
    static const char base[] = "bpe_simple_vocab_16e6.txt.gz";
    char path[4096];
    const char *p = a->vocab ? a->vocab : use_env ? getenv("RSEDIT_VOCAB") : 0;
    if (!p && a->model) {
        const char *slash = strrchr(a->model, '/');
        size_t dir = slash ? (size_t)(slash - a->model) + 1 : 0;
        if (dir + sizeof base > sizeof path) return rse__fail(RSE_STATUS_BAD_ARG, "%s: path too long", a->model);
        memcpy(path, a->model, dir);
        memcpy(path + dir, base, sizeof base);
        p = path;
    }
    if (!p) p = getenv("RSEDIT_VOCAB");
    if (!p) return rse__fail(RSE_STATUS_BAD_ARG, "no vocabulary: give --vocab FILE or set RSEDIT_VOCAB");
    return rse_clip_vocab_load(v, p);
}

/* The prompts of a prompt file, with the one parser (rse_prompts_parse):
   one per line, '#' comments and blank lines skipped. *list is freed with
   rse_prompts_free. Errors name the file. */
RSE__FN rse_status rse__cli_prompts_read(const char *path, char ***list, int *n) {
    unsigned char *buf;
    size_t len;
    rse_status st;
    *list = 0; *n = 0;
    if ((st = rse__read_file(path, &buf, &len))) return st;
    st = rse_prompts_parse((const char *)buf, len, list, n);
    RSE_FREE(buf);
    return st ? rse__fail_prefix(st, path) : st;
}

/* The prompts of a file (rse__cli_prompts_read), tokenized into *ids
   (RSE_MALLOC'd), their count in *n. */
RSE__FN rse_status rse__clip_cli_prompts(const rse_clip_vocab *v, const char *path, int32_t **ids, int *n) {
    rse_status st;
    char **list = 0;
    int i, np = 0;
    *ids = 0; *n = 0;
    if ((st = rse__cli_prompts_read(path, &list, &np))) return st;
    *ids = (int32_t *)RSE_MALLOC((size_t)np * RSE_CLIP_CONTEXT * sizeof(int32_t));
    if (!*ids) st = rse__fail(RSE_STATUS_NOMEM, "%s: out of memory", path);
    for (i = 0; i < np && !st; i++) st = rse__clip_tokenize_prompt(v, list[i], *ids + (size_t)i * RSE_CLIP_CONTEXT);
    rse_prompts_free(list);
    if (st) { RSE_FREE(*ids); *ids = 0; return st; }
    *n = np;
    return RSE_STATUS_OK;
}

RSE__FN void rse__clip_normalise(float *v, int n) {
    double s = 0;
    int i;
    for (i = 0; i < n; i++) s += (double)v[i] * v[i];
    s = sqrt(s);
    if (s > 0) for (i = 0; i < n; i++) v[i] = (float)(v[i] / s);
}

/* One text (or the renormalised mean of a prompt file's) as a unit vector. */
RSE__FN rse_status rse__clip_cli_text(rse_clip *m, const rse_clip_vocab *v, const char *text, const char *prompts, float *out) {
    int32_t one[RSE_CLIP_CONTEXT], *ids = one;
    int n = 1, E = m->embed_dim, j, i;
    float *all;
    rse_status st;
    if (prompts) { if ((st = rse__clip_cli_prompts(v, prompts, &ids, &n))) return st; }
    else if ((st = rse__clip_tokenize_prompt(v, text, one))) return st;
    all = (float *)RSE_MALLOC((size_t)n * E * sizeof(float));
    if (!all) st = rse__fail(RSE_STATUS_NOMEM, "out of memory");
    else if (!(st = rse_clip_encode_text(m, ids, n, all))) {
        memset(out, 0, (size_t)E * sizeof(float));
        for (j = 0; j < n; j++) {
            rse__clip_normalise(all + (size_t)j * E, E);
            for (i = 0; i < E; i++) out[i] += all[(size_t)j * E + i];
        }
        rse__clip_normalise(out, E);
    }
    RSE_FREE(all);
    if (ids != one) RSE_FREE(ids);
    return st;
}

/* The image through open_clip's eval transform, encoded, as a unit vector. */
RSE__FN rse_status rse__clip_cli_image(rse_clip *m, const char *path, float *out) {
    rse_image img;
    int S = m->image_size;
    float *x;
    rse_status st;
    if ((st = rse_image_load(path, &img))) return st;
    x = (float *)RSE_MALLOC((size_t)3 * S * S * sizeof(float));
    if (!x) st = rse__fail(RSE_STATUS_NOMEM, "out of memory");
    else if (!(st = rse_clip_preprocess(&img, S, x))) st = rse_clip_encode_image(m, x, 1, S, S, out);
    if (!st) rse__clip_normalise(out, m->embed_dim);
    RSE_FREE(x);
    rse_image_free(&img);
    return st;
}

/* tokenize: the texts are --text, then the TEXT arguments, then the
   prompts of --prompts, in that order. A TEXT "-" (before any "--") and
   "--prompts -" read standard input as a prompt file (with the one parser,
   rse_prompts_parse; read once if named twice). The output is built in
   memory and printed (or written with -o, temporary + rename) only when
   every text tokenized: an error names the text that failed (its number,
   and the argument or the prompt file and prompt number it came from), and
   no ids are printed. */
RSE__FN int rse__cmd_tokenize(int argc, char **argv) {
    rse__clip_cli a;
    rse_clip_vocab *v = 0;
    rse__cli_text out;
    char **list = 0, **slist = 0;        /* prompts of --prompts, of stdin */
    unsigned char *sbuf = 0;
    size_t sn = 0;
    int r = rse__clip_args(argc, argv, RSE__CA_CLIP | RSE__CA_VOCAB | RSE__CA_TEXT | RSE__CA_PROMPTS | RSE__CA_OUT |
                                       RSE__CA_JSON, &a);
    int i, j, k, n, np = 0, ns = 0, nt = 0, use_stdin, rc = RSE__EXIT_OK;
    int pos_stdin[64];                   /* a.pos[k] is the "-" that means stdin */
    rse_status st = RSE_STATUS_OK;
    if (r >= 0) return r;
    if (!a.text && !a.npos && !a.prompts) return rse__cli_usage(argv[0], "expected TEXT (or --text T, --prompts FILE, -)");
    if (a.model && a.vocab)
        return rse__cli_usage(argv[0], "--clip M only says where the vocabulary is (next to M): give --clip or "
                              "--vocab, not both");
    /* "-" is stdin only where it is an argument before "--" (after it, the
       text "-"); pos[] holds argv's own pointers, which tell where. */
    use_stdin = a.prompts && strcmp(a.prompts, "-") == 0;
    for (k = 0; k < a.npos; k++) {
        pos_stdin[k] = 0;
        if (strcmp(a.pos[k], "-") == 0)
            for (i = 1; i < argc && i < rse__cli_optend; i++)
                if (argv[i] == a.pos[k]) pos_stdin[k] = use_stdin = 1;
    }
    if (a.out && !rse__cli_out_dir_ok(argv[0], a.out)) return RSE__EXIT_FAIL;
    if (rse__clip_cli_vocab(&a, 0, &v)) return rse__cli_fail();
    if (use_stdin) {
        /* Read to the end, capped just above what rse_prompts_parse takes,
           which then names the limit. */
        const size_t cap = (size_t)RSE_MAX_PROMPTS * (RSE_MAX_PROMPT_LEN + 1) * 4 + 1;
        size_t room = 0, got;
        do {
            if (sn == room) {
                size_t nroom = room ? 2 * room : (size_t)1 << 14;
                unsigned char *q;
                if (nroom > cap) nroom = cap;
                if (sn == nroom) break;
                if (!(q = (unsigned char *)RSE_REALLOC(sbuf, nroom))) { st = rse__fail(RSE_STATUS_NOMEM, "stdin: out of memory"); break; }
                sbuf = q; room = nroom;
            }
            got = fread(sbuf + sn, 1, room - sn, stdin);
            sn += got;
        } while (got > 0);
        if (!st && ferror(stdin)) st = rse__fail(RSE_STATUS_IO, "stdin: read error");
        if (!st && (st = rse_prompts_parse((const char *)sbuf, sn, &slist, &ns)) != RSE_STATUS_OK) rse__fail_prefix(st, "stdin");
        RSE_FREE(sbuf);
        if (st) { rse_clip_vocab_free(v); return rse__cli_fail(); }
    }
    if (a.prompts && !(a.prompts[0] == '-' && !a.prompts[1]) && rse__cli_prompts_read(a.prompts, &list, &np)) {
        rse_prompts_free(slist);
        rse_clip_vocab_free(v);
        return rse__cli_fail();
    }
    memset(&out, 0, sizeof out);
    if (a.json) rse__cli_puts(&out, "[");
    /* The texts in order: --text (j = -1), each TEXT (j = k, a "-" for all of
       stdin's prompts), then the --prompts file's (or stdin's). */
    for (j = -1; j <= a.npos && !st; j++) {
        char *const *src;
        int cnt, q;
        if (j == -1) { src = (char *const *)&a.text; cnt = !!a.text; }
        else if (j < a.npos) { src = pos_stdin[j] ? slist : (char *const *)&a.pos[j]; cnt = pos_stdin[j] ? ns : 1; }
        else if (a.prompts) { src = list ? list : slist; cnt = list ? np : ns; }
        else break;
        for (q = 0; q < cnt && !st; q++) {
            const char *t = src[q];
            int32_t ids[RSE_CLIP_CONTEXT];
            nt++;
            if ((st = rse_clip_tokenize(v, t, ids, &n)) != RSE_STATUS_OK) {
                char where[300];
                if (j == -1) snprintf(where, sizeof where, "--text");
                else if (j < a.npos && !pos_stdin[j]) snprintf(where, sizeof where, "argument %d", j + 1);
                else snprintf(where, sizeof where, "prompt %d of %s", q + 1,
                              (j < a.npos || !list) ? "stdin" : a.prompts);
                {
                    char what[400];
                    snprintf(what, sizeof what, "text %d (%s)", nt, where);
                    rse__fail_prefix(st, what);
                }
                break;
            }
            if (a.json) {
                /* one object per text, one per line: [{"text": T, "ids": [...]},\n ...] */
                rse__cli_puts(&out, nt > 1 ? ",\n {\"text\": " : "{\"text\": ");
                rse__cli_json_str(&out, t);
                rse__cli_puts(&out, ", \"ids\": [");
                for (i = 0; i < n; i++) rse__cli_puts(&out, i ? ", %ld" : "%ld", (long)ids[i]);
                rse__cli_puts(&out, "]}");
            } else {
                for (i = 0; i < n; i++) rse__cli_puts(&out, i ? " %ld" : "%ld", (long)ids[i]);
                rse__cli_puts(&out, "\n");
            }
        }
    }
    if (a.json) rse__cli_puts(&out, "]\n");
    if (st) rc = rse__cli_fail();
    else if (out.bad) { fprintf(stderr, "rsedit: out of memory\n"); rc = RSE__EXIT_FAIL; }
    else if (a.out) { if (rse__write_file_atomic(a.out, rse__cli_text_emit, &out)) rc = rse__cli_fail(); }
    else if (out.n && fwrite(out.p, 1, out.n, stdout) != out.n) {
        fprintf(stderr, "rsedit: cannot write the output\n");
        rc = RSE__EXIT_FAIL;
    }
    RSE_FREE(out.p);
    rse_prompts_free(list);
    rse_prompts_free(slist);
    rse_clip_vocab_free(v);
    return rc;
}

/* Loads the model (and, if texts are needed, the vocabulary). */
RSE__FN int rse__clip_cli_open(rse__clip_cli *a, const char *cmd, int need_vocab, rse_clip **m, rse_clip_vocab **v) {
    *m = 0; *v = 0;
    if (!a->model) return rse__cli_usage(cmd, "--clip MODEL is required");
    if (need_vocab && rse__clip_cli_vocab(a, 1, v)) return rse__cli_fail();
    if (rse_clip_load(m, a->model, &a->opt)) { rse_clip_vocab_free(*v); *v = 0; return rse__cli_fail(); }
    return -1;
}

RSE__FN int rse__cmd_embed(int argc, char **argv) {
    rse__clip_cli a;
    rse_clip *m;
    rse_clip_vocab *v;
    float *e;
    int r = rse__clip_args(argc, argv, RSE__CA_CLIP | RSE__CA_VOCAB | RSE__CA_IMAGE | RSE__CA_TEXT | RSE__CA_PROMPTS |
                                       RSE__CA_RAW | RSE__CA_JSON | RSE__CA_RUN, &a), i, E;
    rse_status st;
    if (r >= 0) return r;
    if (a.npos) return rse__cli_usage(argv[0], "unexpected argument '%s'", a.pos[0]);
    if (!!a.image + !!a.text + !!a.prompts != 1) return rse__cli_usage(argv[0], "give exactly one of --image, --text, --prompts");
    if (a.image && a.vocab) return rse__cli_usage(argv[0], "--vocab is for a text; an --image needs none");
    if ((r = rse__clip_cli_open(&a, argv[0], !a.image, &m, &v)) >= 0) return r;
    E = m->embed_dim;
    e = (float *)malloc((size_t)E * sizeof(float));
    if (!e) st = rse__fail(RSE_STATUS_NOMEM, "out of memory");
    else st = a.image ? rse__clip_cli_image(m, a.image, e) : rse__clip_cli_text(m, v, a.text, a.prompts, e);
    if (!st && a.raw) {
        FILE *f = fopen(a.raw, "wb");
        for (i = 0; f && i < E; i++) {
            unsigned char b[4];
            uint32_t u;
            memcpy(&u, &e[i], 4);
            b[0] = (unsigned char)u; b[1] = (unsigned char)(u >> 8); b[2] = (unsigned char)(u >> 16); b[3] = (unsigned char)(u >> 24);
            if (fwrite(b, 1, 4, f) != 4) break;
        }
        if (!f || i < E || fclose(f) != 0) st = rse__fail(RSE_STATUS_IO, "%s: cannot write", a.raw);
    }
    if (!st) {
        printf(a.json ? "[" : "");
        for (i = 0; i < E; i++) printf(a.json ? (i ? ", %.8g" : "%.8g") : (i ? " %.8g" : "%.8g"), e[i]);
        printf(a.json ? "]\n" : "\n");
    }
    free(e);
    rse_clip_free(m);
    rse_clip_vocab_free(v);
    return st ? rse__cli_fail() : RSE__EXIT_OK;
}

RSE__FN int rse__cmd_score(int argc, char **argv) {
    rse__clip_cli a;
    rse_clip *m;
    rse_clip_vocab *v;
    float *fi, *ft;
    int r = rse__clip_args(argc, argv, RSE__CA_CLIP | RSE__CA_VOCAB | RSE__CA_IMAGE | RSE__CA_TEXT | RSE__CA_PROMPTS |
                                       RSE__CA_RUN, &a), j, first;
    rse_status st;
    if (r >= 0) return r;
    first = a.image ? 0 : 1; /* positional form: IMAGE TEXT... */
    if (!a.image && a.npos) a.image = a.pos[0];
    if (!a.image) return rse__cli_usage(argv[0], "expected an image (--image I or IMAGE)");
    if (!a.text && !a.prompts && a.npos <= first) return rse__cli_usage(argv[0], "expected a text (--text, --prompts or TEXT...)");
    if ((r = rse__clip_cli_open(&a, argv[0], 1, &m, &v)) >= 0) return r;
    fi = (float *)malloc((size_t)m->embed_dim * sizeof(float));
    ft = (float *)malloc((size_t)m->embed_dim * sizeof(float));
    st = (!fi || !ft) ? rse__fail(RSE_STATUS_NOMEM, "out of memory") : rse__clip_cli_image(m, a.image, fi);
    /* one line per text: the score, then the text (prompt files by name) */
    if (!st && a.text && !(st = rse__clip_cli_text(m, v, a.text, 0, ft)))
        printf("%.4f\t%s\n", rse_clip_score(fi, ft, m->embed_dim), a.text);
    if (!st && a.prompts && !(st = rse__clip_cli_text(m, v, 0, a.prompts, ft)))
        printf("%.4f\t%s\n", rse_clip_score(fi, ft, m->embed_dim), a.prompts);
    for (j = first; !st && j < a.npos; j++)
        if (!(st = rse__clip_cli_text(m, v, a.pos[j], 0, ft)))
            printf("%.4f\t%s\n", rse_clip_score(fi, ft, m->embed_dim), a.pos[j]);
    free(fi); free(ft);
    rse_clip_free(m);
    rse_clip_vocab_free(v);
    return st ? rse__cli_fail() : RSE__EXIT_OK;
}

RSE__FN int rse__cmd_saliency(int argc, char **argv) {
    rse__clip_cli a;
    rse_clip *m;
    rse_clip_vocab *v;
    rse_image img, map;
    float *t = 0, *g = 0, c;
    const char *text;
    int r = rse__clip_args(argc, argv, RSE__CA_CLIP | RSE__CA_VOCAB | RSE__CA_IMAGE | RSE__CA_TEXT | RSE__CA_PROMPTS |
                                       RSE__CA_RAW | RSE__CA_OUT | RSE__CA_RUN, &a), first;
    size_t np, p;
    rse_status st;
    if (r >= 0) return r;
    first = a.image ? 0 : 1;
    if (!a.image && a.npos) a.image = a.pos[0];
    if (!a.image) return rse__cli_usage(argv[0], "expected an image (--image I or IMAGE)");
    /* one map: exactly one text, so that none is left unused */
    if (!!a.text + !!a.prompts + (a.npos - first) != 1)
        return rse__cli_usage(argv[0], "give one text: --text T, --prompts F or TEXT (%d given)",
                              !!a.text + !!a.prompts + (a.npos - first));
    text = a.text ? a.text : a.npos > first ? a.pos[first] : 0;
    if (!a.out) return rse__cli_usage(argv[0], "-o MAP.pgm is required");
    if (rse_format_from_path(a.out) == RSE_FORMAT_UNKNOWN)
        return rse__cli_usage(argv[0], "cannot tell the format of '%s' (use .pgm, .png, .ppm or .bmp)", a.out);
    if ((r = rse__clip_cli_open(&a, argv[0], 1, &m, &v)) >= 0) return r;
    memset(&map, 0, sizeof map);
    if ((st = rse_image_load(a.image, &img))) goto out;
    if ((st = rse_image_to_rgb(&img, &map))) { rse_image_free(&img); goto out; }
    rse_image_free(&img);
    img = map;
    memset(&map, 0, sizeof map);
    np = (size_t)img.w * img.h;
    t = (float *)malloc((size_t)m->embed_dim * sizeof(float));
    g = (float *)malloc(3 * np * sizeof(float));
    if (!t || !g) { st = rse__fail(RSE_STATUS_NOMEM, "out of memory"); goto out_img; }
    /* The whole image at its own size (a ViT resizes its positional grid;
       pixels beyond whole patches get no gradient). */
    if ((st = rse__clip_cli_text(m, v, text, a.prompts, t))) goto out_img;
    if ((st = rse_clip_image_grad(m, img.data, 1, img.h, img.w, t, &c, g))) goto out_img;
    if ((st = rse_image_alloc(&map, img.w, img.h, 1))) goto out_img;
    {
        double mx = 0;
        for (p = 0; p < np; p++) {
            double s = sqrt((double)g[p] * g[p] + (double)g[np + p] * g[np + p] + (double)g[2 * np + p] * g[2 * np + p]);
            map.data[p] = (float)s;
            if (s > mx) mx = s;
        }
        for (p = 0; mx > 0 && p < np; p++) map.data[p] = (float)(map.data[p] / mx);
    }
    if ((st = rse_image_save(a.out, &map))) goto out_img;
    if (a.raw) { /* H x W x 3 interleaved little-endian float32 */
        FILE *f = fopen(a.raw, "wb");
        size_t k = 0;
        int ch;
        for (p = 0; f && p < np; p++)
            for (ch = 0; ch < 3; ch++, k++) {
                unsigned char b[4];
                uint32_t u;
                memcpy(&u, &g[(size_t)ch * np + p], 4);
                b[0] = (unsigned char)u; b[1] = (unsigned char)(u >> 8); b[2] = (unsigned char)(u >> 16); b[3] = (unsigned char)(u >> 24);
                if (fwrite(b, 1, 4, f) != 4) { p = np; break; }
            }
        if (!f || k != 3 * np || fclose(f) != 0) st = rse__fail(RSE_STATUS_IO, "%s: cannot write", a.raw);
    }
    if (!st) printf("cos %.6f  score %.4f\n", c, 100.0 * (c > 0 ? c : 0));
out_img:
    rse_image_free(&img);
    rse_image_free(&map);
out:
    free(t); free(g);
    rse_clip_free(m);
    rse_clip_vocab_free(v);
    return st ? rse__cli_fail() : RSE__EXIT_OK;
}

#define RSE__CLIP_OPTS_HELP \
    "  --clip M          CLIP checkpoint: torch.save .pt (zip) or .safetensors\n" \
    "  --vocab V         BPE vocabulary (bpe_simple_vocab_16e6.txt.gz); default\n" \
    "                    $RSEDIT_VOCAB, else that file next to M\n" \
    "  --clip-act A      quickgelu (default: how OpenAI/RemoteCLIP trained) or\n" \
    "                    gelu (open_clip's plain config, RemoteCLIP's demo)\n" \
    "  --clip-fp32       convert 16-bit weights once at load (faster, 2x memory)\n" \
    "  --clip-heads V,T  attention heads of the towers (default width / 64)\n"

/* ---- edit and demo ----------------------------------------------------------
   `edit` runs rse_edit and writes, beside each output, what was done: a JSON
   sidecar with every parameter, the seed, the sizes and SHA-256 of the
   files used, the CLIP scores of the original and of each edit, and the
   time taken. Everything is checked before anything is written, so a bad
   request leaves no output file. */

/* SHA-256 of a whole file, as hex; "" if it cannot be read (the reason in
   rse_last_error(), as rse__read_file words it: `rsedit batch` reports it).
   Read 1 MB at a time: read whole, the CLIP checkpoint's hash (0.3-0.9 GB)
   was a second copy of it in memory beside the loaded model, at the edit's
   end, when its working memory is at its peak (issue 25); and the image
   may be a scene far larger than memory (a window edit). */
RSE__FN void rse__cli_sha256_file(const char *path, char hex[65]) {
    enum { CHUNK = 1 << 20 };
    unsigned char *buf;
    size_t got;
    rse__sha256 s;
    FILE *f;
    struct stat sb;
    hex[0] = 0;
    if (!path) { rse__fail(RSE_STATUS_BAD_ARG, "no file name"); return; }
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) { rse__fail(RSE_STATUS_IO, "%s: is a directory", path); return; }
    if (!(f = fopen(path, "rb"))) { rse__fail(RSE_STATUS_IO, "%s: cannot open: %s", path, strerror(errno)); return; }
    if (!(buf = (unsigned char *)RSE_MALLOC(CHUNK))) { fclose(f); rse__fail(RSE_STATUS_NOMEM, "%s: out of memory", path); return; }
    rse__sha256_init(&s);
    while ((got = fread(buf, 1, CHUNK, f)) > 0) rse__sha256_update(&s, buf, got);
    if (ferror(f)) rse__fail(RSE_STATUS_IO, "%s: read error: %s", path, strerror(errno));
    else rse__sha256_hex(&s, hex);
    RSE_FREE(buf);
    fclose(f);
}

/* A file in a sidecar: "{"path": ..., "sha256": "..."" (the caller closes
   the object, after fields of its own). */
RSE__FN void rse__cli_json_file(rse__cli_text *js, const char *path) {
    char hex[65];
    rse__cli_puts(js, "{\"path\": ");
    rse__cli_json_str(js, path);
    rse__cli_sha256_file(path, hex);
    rse__cli_puts(js, ", \"sha256\": \"%s\"", hex);
}

/* An edit's parameters, as the edit sidecar and a batch job's job.json
   give them: "params": {...},\n. text: the edit is guided by a text, whose
   CLIP gradient's precision (rse_edit_params.exact) is then given:
   "bfloat16" or "float32" ("none" without a text). */
RSE__FN void rse__cli_edit_params_json(rse__cli_text *js, const rse_edit_params *ep, int keep, int text) {
    rse__cli_puts(js, "\"params\": {\"strength\": %.6g, \"fill\": %.6g, \"momentum\": %.6g, \"stop\": %d, "
                  "\"feather\": %.6g, \"copy_strength\": %.6g, \"copy_finest\": %d, \"start_scale\": %d, \"from_noise\": %s, "
                  "\"count\": %d, \"seed\": %llu, \"sampler\": \"%s\", \"start_t\": %d, \"keep_outside\": %s, \"style\": %s, "
                  "\"pixel\": %s, \"clip_precision\": \"%s\"},\n",
                  ep->strength, ep->fill, ep->momentum, ep->stop, ep->feather, ep->copy_strength,
                  ep->copy_finest, ep->start_scale, ep->from_noise ? "true" : "false", ep->count, (unsigned long long)ep->seed,
                  ep->sampler == RSE_SAMPLER_REFERENCE ? "reference" : "reblur", ep->start_t, keep ? "true" : "false",
                  ep->style ? "true" : "false", ep->pixel ? "true" : "false",
                  !text ? "none" : ep->exact || !rse__bf16_native() ? "float32" : "bfloat16");
}

/* A sidecar's opening, as every command that writes one has it: the
   version, the mode (none when NULL), the model and the input image. */
RSE__FN void rse__cli_sidecar_head(rse__cli_text *js, const char *mode, const char *model, const rse_sinddm *m,
                                   const char *image, const rse_image *img) {
    rse__cli_puts(js, "{\n  \"rsedit\": \"%s\",\n", RSE_VERSION);
    if (mode) rse__cli_puts(js, "  \"mode\": \"%s\",\n", mode);
    rse__cli_puts(js, "  \"model\": ");
    rse__cli_json_file(js, model);
    rse__cli_puts(js, ", \"dim\": %d, \"scales\": %d},\n  \"image\": ", m->net.dim, m->pyr.n);
    rse__cli_json_file(js, image);
    rse__cli_puts(js, ", \"width\": %d, \"height\": %d},\n", img->w, img->h);
}

/* A sidecar's end: each output's path and size (and CLIP score, when
   scores is given; a negative one is null), the seconds since t0; then the
   file jpath, written atomically. Returns the exit status. */
RSE__FN int rse__cli_sidecar_end(rse__cli_text *js, const char *out, const rse_image *outs, const double *scores,
                                 int count, double t0, const char *jpath) {
    int i;
    rse__cli_puts(js, "  \"outputs\": [");
    for (i = 0; i < count; i++) {
        char *path = rse__cli_numbered(out, i, count);
        rse__cli_puts(js, "%s\n    {\"path\": ", i ? "," : "");
        rse__cli_json_str(js, path ? path : "");
        rse__cli_puts(js, ", \"width\": %d, \"height\": %d", outs[i].w, outs[i].h);
        if (scores && scores[i] >= 0) rse__cli_puts(js, ", \"clip_score\": %.4f}", scores[i]);
        else rse__cli_puts(js, scores ? ", \"clip_score\": null}" : "}");
        RSE_FREE(path);
    }
    rse__cli_puts(js, "\n  ],\n  \"seconds\": %.2f\n}\n", rse__cli_now() - t0);
    if (js->bad) { fprintf(stderr, "rsedit: out of memory\n"); return RSE__EXIT_FAIL; }
    if (!jpath || rse__write_file_atomic(jpath, rse__cli_text_emit, js) != RSE_STATUS_OK) return rse__cli_fail();
    return RSE__EXIT_OK;
}

/* "OUT.png" -> "OUT.json" (or OUT + suffix when there is no extension). */
RSE__FN char *rse__cli_swap_ext(const char *out, const char *ext) {
    size_t n = strlen(out), dot = n, k;
    char *s = (char *)RSE_MALLOC(n + strlen(ext) + 2);
    if (!s) return 0;
    for (k = n; k > 0 && out[k - 1] != '/' && out[k - 1] != '\\'; k--)
        if (out[k - 1] == '.') { dot = k - 1; break; }
    memcpy(s, out, dot);
    strcpy(s + dot, ext);
    return s;
}

#define RSE__CLI_MAX_REGIONS 64

/* What an edit made, for a caller that writes it its own way (batch):
   the input as loaded, the count edits, the mask the first one used
   (data NULL when there is none), the CLIP scores (-1 without text). */
typedef struct rse__cli_edit_result {
    const rse_image *img, *outs, *mask;
    const double *scores;
    double score0;
    int count;
    const rse_sinddm *model;
} rse__cli_edit_result;
typedef int (*rse__cli_edit_sink)(void *ctx, const rse__cli_edit_result *r);

/* edit's command line, read and checked: what the edit needs. ep.rois and
   ep.copy_to point into the struct itself, which therefore stays put. */
typedef struct rse__cli_edit_opts {
    const char *model, *image, *out, *text, *prompts, *clip_path, *mask_path;
    const char *templ;                  /* --templates as given, for the sidecar */
    char style_text[1024];              /* --style T: "T Style"                */
    int templates, views, quiet, save_mask, has_window, keep;
    rse_read_options ropt;              /* --bands of a TIFF IMAGE */
    rse_roi window;
    rse_roi rois[RSE__CLI_MAX_REGIONS], tos[RSE__CLI_MAX_REGIONS];
    rse_edit_params ep;                 /* all but the inputs and the guide */
    rse__clip_cli ca;                   /* CLIP's options and --vocab */
    rse__cli_edit_sink sink;            /* if set (batch): gets the results, */
    void *sink_ctx;                     /* and edit itself writes nothing */
    rse_clip *clip;                     /* if set (batch): the CLIP and its  */
    rse_clip_vocab *vocab;              /* vocabulary of --clip, loaded by the */
                                        /* caller once for many edits       */
} rse__cli_edit_opts;

/* Reads edit's command line into *o and sets the thread count; nothing is
   read or written. Returns RSE__EXIT_OK, or the exit status after saying
   what is wrong. */
RSE__FN int rse__cli_edit_parse(int argc, char **argv, rse__cli_edit_opts *o) {
    static const char *const opts[] = {
        "-o", "--text", "--prompts", "--clip", "--vocab", "--views", "--strength", "--fill",
        "--momentum", "--stop", "--templates", "--roi", "--mask", "--feather", "--copy-from",
        "--copy-to", "--copy-strength", "--start-scale", "--count", "--seed", "--threads",
        "--clip-act", "--clip-heads", "--window", "--sampler", "--start-t", "--keep-outside", "--style", "--bands",
        "--copy-finest" };
    enum { O_OUT, O_TEXT, O_PROMPTS, O_CLIP, O_VOCAB, O_VIEWS, O_STRENGTH, O_FILL, O_MOMENTUM, O_STOP,
           O_TEMPLATES, O_ROI, O_MASK, O_FEATHER, O_FROM, O_TO, O_COPYS, O_START, O_COUNT, O_SEED,
           O_THREADS, O_ACT, O_HEADS, O_WINDOW, O_SAMPLER, O_STARTT, O_KEEP, O_STYLE, O_BANDS, O_COPYF, O_N };
    const char *pos[2] = { 0, 0 }, *val, *out = 0, *text = 0, *prompts = 0, *mask_path = 0, *style = 0;
    int npos = 0, i, k, threads = 0, has_from = 0, keep = 0, has_window = 0, given[O_N];
    rse_edit_params *ep = &o->ep;
    rse__clip_cli *ca = &o->ca;
    double dv;

    memset(o, 0, sizeof *o);
    memset(given, 0, sizeof given);
    o->templ = "auto";
    o->templates = RSE_TEMPLATES_AUTO;
    o->views = 16;
    rse_clip_options_init(&ca->opt);
    rse_edit_params_init(ep);
    for (i = 1; i < argc; i++) {
        if (rse__cli_flag(argv, i, "--quiet")) { o->quiet = 1; continue; }
        if (rse__cli_flag(argv, i, "--from-noise")) { ep->from_noise = 1; continue; }
        if (rse__cli_flag(argv, i, "--save-mask")) { o->save_mask = 1; continue; }
        if (rse__cli_flag(argv, i, "--pixel")) { ep->pixel = 1; continue; }
        if (rse__cli_flag(argv, i, "--clip-fp32")) { ca->opt.fp32 = 1; continue; }
        if (rse__cli_flag(argv, i, "--exact")) { ep->exact = 1; continue; }
        /* sample's option, named here so that the refusal says why */
        if (rse__cli_flag(argv, i, "--scale-mul") || (i < rse__cli_optend && !strncmp(argv[i], "--scale-mul=", 12)))
            return rse__cli_usage(argv[0], "--scale-mul changes the output's size, and an edit keeps the input's size "
                                  "(it is an option of 'rsedit sample')");
        k = rse__cli_optv(argc, argv, &i, opts, O_N, &val);
        if (k == -2) return rse__cli_usage(argv[0], "%s needs a value", argv[i]);
        if (k < 0) {
            if (rse__cli_unknown(argv, i)) return rse__cli_usage(argv[0], "unknown option '%s'", argv[i]);
            if (npos == 2) return rse__cli_usage(argv[0], "unexpected argument '%s'", argv[i]);
            pos[npos++] = argv[i];
            continue;
        }
        given[k] = 1;
        switch (k) {
        case O_OUT: out = val; break;
        case O_TEXT: text = val; break;
        case O_STYLE: style = val; break;
        case O_PROMPTS: prompts = val; break;
        case O_CLIP: o->clip_path = val; break;
        case O_VOCAB: ca->vocab = val; break;
        case O_VIEWS: if (!rse__cli_int(val, 1, 64, &o->views)) return rse__cli_usage(argv[0], "--views must be in 1..64"); break;
        case O_STRENGTH: if (!rse__cli_double(val, 0, 10, &dv)) return rse__cli_usage(argv[0], "--strength must be in [0,10]"); ep->strength = (float)dv; break;
        case O_FILL: if (!rse__cli_double(val, 1e-6, 1, &dv)) return rse__cli_usage(argv[0], "--fill must be in (0,1]"); ep->fill = (float)dv; break;
        case O_MOMENTUM: if (!rse__cli_double(val, 0, 1, &dv)) return rse__cli_usage(argv[0], "--momentum must be in [0,1]"); ep->momentum = (float)dv; break;
        case O_STOP: if (!rse__cli_int(val, 0, RSE_SD_T, &ep->stop)) return rse__cli_usage(argv[0], "--stop must be in 0..%d", RSE_SD_T); break;
        case O_TEMPLATES:
            o->templ = val;
            if (!strcmp(val, "auto")) o->templates = RSE_TEMPLATES_AUTO;
            else if (!strcmp(val, "hr")) o->templates = RSE_TEMPLATES_HR;
            else if (!strcmp(val, "lr")) o->templates = RSE_TEMPLATES_LR;
            else if (!strcmp(val, "none")) o->templates = RSE_TEMPLATES_NONE;
            else return rse__cli_usage(argv[0], "--templates must be auto, hr, lr or none");
            break;
        case O_ROI:
            if (ep->nrois == RSE__CLI_MAX_REGIONS) return rse__cli_usage(argv[0], "at most %d --roi", RSE__CLI_MAX_REGIONS);
            if (rse_roi_parse(val, &o->rois[ep->nrois]) != RSE_STATUS_OK) return rse__cli_usage(argv[0], "%s", rse_last_error());
            ep->nrois++;
            break;
        case O_MASK: mask_path = val; break;
        case O_BANDS:
            if (!rse__cli_bands(val, &o->ropt))
                return rse__cli_usage(argv[0], "--bands needs 1 or 3 band numbers from 1, e.g. 4,3,2, got '%s'", val);
            break;
        case O_FEATHER: if (!rse__cli_double(val, 0, 4096, &dv)) return rse__cli_usage(argv[0], "--feather must be in [0,4096]"); ep->feather = (float)dv; break;
        case O_FROM:
            if (rse_roi_parse(val, &ep->copy_from) != RSE_STATUS_OK) return rse__cli_usage(argv[0], "%s", rse_last_error());
            has_from = 1;
            break;
        case O_TO:
            if (ep->ncopy_to == RSE__CLI_MAX_REGIONS) return rse__cli_usage(argv[0], "at most %d --copy-to", RSE__CLI_MAX_REGIONS);
            if (rse_roi_parse(val, &o->tos[ep->ncopy_to]) != RSE_STATUS_OK) return rse__cli_usage(argv[0], "%s", rse_last_error());
            ep->ncopy_to++;
            break;
        case O_COPYS: if (!rse__cli_double(val, 0, 1, &dv)) return rse__cli_usage(argv[0], "--copy-strength must be in [0,1]"); ep->copy_strength = (float)dv; break;
        case O_COPYF:
            if (!strcmp(val, "off")) ep->copy_finest = -1;
            else if (!rse__cli_int(val, 0, RSE_SD_T - 1, &ep->copy_finest))
                return rse__cli_usage(argv[0], "--copy-finest must be a step in 0..%d or off", RSE_SD_T - 1);
            break;
        case O_START: if (!rse__cli_int(val, 0, RSE_PYR_MAX_SCALES - 1, &ep->start_scale)) return rse__cli_usage(argv[0], "--start-scale must be a scale index"); break;
        case O_STARTT: if (!rse__cli_int(val, 1, RSE_SD_T - 1, &ep->start_t)) return rse__cli_usage(argv[0], "--start-t must be in 1..%d", RSE_SD_T - 1); break;
        case O_KEEP:
            if (!strcmp(val, "on")) ep->keep_outside = 1;
            else if (!strcmp(val, "off")) ep->keep_outside = 0;
            else return rse__cli_usage(argv[0], "--keep-outside must be on or off");
            break;
        case O_SAMPLER:
            if (!strcmp(val, "reblur")) ep->sampler = RSE_SAMPLER_REBLUR;
            else if (!strcmp(val, "reference")) ep->sampler = RSE_SAMPLER_REFERENCE;
            else return rse__cli_usage(argv[0], "--sampler must be reblur or reference");
            break;
        case O_COUNT: if (!rse__cli_int(val, 1, 10000, &ep->count)) return rse__cli_usage(argv[0], "--count must be in 1..10000"); break;
        case O_SEED: if (!rse__cli_u64(val, &ep->seed)) return rse__cli_usage(argv[0], "--seed must be a non-negative integer"); break;
        case O_THREADS: if (!rse__cli_int(val, 1, 64, &threads)) return rse__cli_usage(argv[0], "--threads must be in 1..64"); break;
        case O_WINDOW:
            if (rse_roi_parse(val, &o->window) != RSE_STATUS_OK) return rse__cli_usage(argv[0], "--window: %s", rse_last_error());
            has_window = 1;
            break;
        case O_ACT:
            if (!strcmp(val, "gelu")) ca->opt.act = RSE_CLIP_ACT_GELU;
            else if (!strcmp(val, "quickgelu")) ca->opt.act = RSE_CLIP_ACT_QUICKGELU;
            else return rse__cli_usage(argv[0], "--clip-act must be quickgelu or gelu");
            break;
        default: { /* O_HEADS: "V,T" */
            char *end;
            long hv = strtol(val, &end, 10), ht = *end == ',' ? strtol(end + 1, &end, 10) : 0;
            if (*end || hv < 1 || ht < 1 || hv > 4096 || ht > 4096)
                return rse__cli_usage(argv[0], "--clip-heads needs VISION,TEXT head counts");
            ca->opt.vision_heads = (int)hv; ca->opt.text_heads = (int)ht;
        }
        }
    }
    /* usage problems first: nothing is read or written before these pass */
    if (npos < 2) return rse__cli_usage(argv[0], "expected MODEL and IMAGE");
    if (!out) return rse__cli_usage(argv[0], "-o OUT is required");
    if (rse_format_from_path(out) == RSE_FORMAT_UNKNOWN)
        return rse__cli_usage(argv[0], "cannot tell the format of '%s' (use .ppm, .pgm, .bmp, .png, .tif or .tiff)", out);
    if (!rse__cli_out_dir_ok(argv[0], out)) return RSE__EXIT_FAIL;
    if (text && prompts) return rse__cli_usage(argv[0], "give --text or --prompts, not both");
    if (style) {
        /* SinDDM's clip_style_trans (clip_style_gen with --from-noise): the
           text + " Style", the whole image, guided at the finest scale only,
           strength 0.3 and quantile 0 (fill 1) unless given */
        if (text || prompts) return rse__cli_usage(argv[0], "give --style or --text/--prompts, not both");
        if (ep->nrois || mask_path || has_from)
            return rse__cli_usage(argv[0], "--style changes the whole image: no --roi, --mask or --copy-from/--copy-to");
        if (given[O_START]) return rse__cli_usage(argv[0], "--start-scale: --style starts at the finest scale (from noise with --from-noise)");
        if (given[O_KEEP]) return rse__cli_usage(argv[0], "--keep-outside: --style regenerates the whole image");
        if (strlen(style) > sizeof o->style_text - 7) return rse__cli_usage(argv[0], "--style: the text is too long");
        sprintf(o->style_text, "%s Style", style);
        text = o->style_text;
        ep->style = 1;
        if (!given[O_STRENGTH]) ep->strength = 0.3f;
        if (!given[O_FILL]) ep->fill = 1.0f;
    }
    if ((text || prompts) && !o->clip_path)
        return rse__cli_usage(argv[0], "--text and --prompts need a CLIP model: --clip RemoteCLIP-ViT-B-32.pt");
    if (has_from != (ep->ncopy_to > 0)) return rse__cli_usage(argv[0], "--copy-from and --copy-to go together");
    if (!text && !prompts && !has_from)
        return rse__cli_usage(argv[0], "nothing to do: give --text, --prompts or --copy-from/--copy-to");
    if ((ep->nrois || mask_path) && !text && !prompts)
        return rse__cli_usage(argv[0], "--roi and --mask confine a text edit: give --text or --prompts");
    if (ep->nrois && mask_path) return rse__cli_usage(argv[0], "give --roi or --mask, not both");
    if (ep->pixel) {
        /* SinDDM's clip_roi: the region in pixel space, then a short
           re-noising of the whole image; nothing of the guided sampler */
        static const int unused[] = { O_FILL, O_MOMENTUM, O_STOP, O_FEATHER, O_START, O_KEEP, O_SAMPLER };
        if (!text && !prompts) return rse__cli_usage(argv[0], "--pixel optimises a region for a text: give --text or --prompts");
        if (ep->nrois != 1 || mask_path || has_from || ep->from_noise)
            return rse__cli_usage(argv[0], "--pixel takes exactly one --roi (no --mask, copy or --from-noise)");
        for (k = 0; k < (int)(sizeof unused / sizeof unused[0]); k++)
            if (given[unused[k]])
                return rse__cli_usage(argv[0], "%s acts on the guided sampler, which --pixel does not run", opts[unused[k]]);
        if (o->save_mask) return rse__cli_usage(argv[0], "--save-mask: --pixel uses no mask");
        if (!given[O_STRENGTH]) ep->strength = 0.1f;
    }
    /* An option this request would not read is refused, not ignored. */
    if (!text && !prompts) {
        static const int text_only[] = { O_CLIP, O_VOCAB, O_ACT, O_HEADS, O_VIEWS, O_STRENGTH, O_FILL, O_MOMENTUM,
                                         O_STOP, O_TEMPLATES };
        for (k = 0; k < (int)(sizeof text_only / sizeof text_only[0]); k++)
            if (given[text_only[k]])
                return rse__cli_usage(argv[0], "%s acts on a text edit: give --text or --prompts", opts[text_only[k]]);
        if (ca->opt.fp32) return rse__cli_usage(argv[0], "--clip-fp32 acts on a text edit: give --text or --prompts");
        if (ep->exact) return rse__cli_usage(argv[0], "--exact acts on a text edit: give --text or --prompts");
    }
    if (given[O_COPYS] && !has_from)
        return rse__cli_usage(argv[0], "--copy-strength weighs a content copy: give --copy-from and --copy-to");
    if (given[O_COPYF] && !has_from)
        return rse__cli_usage(argv[0], "--copy-finest acts on a content copy: give --copy-from and --copy-to");
    if (given[O_START] && ep->from_noise)
        return rse__cli_usage(argv[0], "--start-scale: --from-noise always starts from noise at scale 0");
    if (given[O_STARTT] && ep->from_noise)
        return rse__cli_usage(argv[0], "--start-t: --from-noise always starts from pure noise");
    /* a whole-image text edit of the input keeps it outside the area the
       text changes (rse__keep_mask), feathered by --feather */
    keep = (text || prompts) && !ep->nrois && !mask_path && !has_from && !ep->from_noise && ep->fill < 1;
    if (given[O_KEEP] && !keep)
        return rse__cli_usage(argv[0], "--keep-outside acts on a whole-image text edit of the input with --fill below 1 "
                              "(--roi, --mask and copies keep what lies outside their regions already)");
    keep = keep && ep->keep_outside;
    /* the feather ramps the edges of boxes (--roi, --copy-to) and of a
       --window's seam; a --mask image is used as it is */
    if (given[O_FEATHER] && !has_window && !keep && (mask_path || (!ep->nrois && !has_from)))
        return rse__cli_usage(argv[0], "--feather softens the edges of --roi and --copy-to boxes, of a --window and of "
                              "the changed area of a whole-image text edit (--keep-outside on); "
                              "this edit has none%s", mask_path ? " (a --mask is used as it is)" : "");
    if (rse_set_threads(threads ? threads : rse__cli_default_threads()) != RSE_STATUS_OK)
        return rse__cli_usage(argv[0], "%s", rse_last_error());
    ep->rois = o->rois;
    ep->copy = has_from;
    ep->copy_to = o->tos;
    o->model = pos[0]; o->image = pos[1]; o->out = out;
    o->text = text; o->prompts = prompts; o->mask_path = mask_path;
    o->has_window = has_window;
    o->keep = keep;
    return RSE__EXIT_OK;
}

/* Runs the edit of *o: loads the model, image, mask and CLIP, edits, and
   writes the outputs, the mask and the sidecar. Returns the exit status. */
RSE__FN int rse__cli_edit_run(const rse__cli_edit_opts *o) {
    const char *pos[2], *out = o->out, *text = o->text, *prompts = o->prompts, *clip_path = o->clip_path;
    const char *mask_path = o->mask_path;
    const rse_roi *rois = o->rois, *tos = o->tos;
    int i, quiet = o->quiet, save_mask = o->save_mask, has_window = o->has_window, rc = RSE__EXIT_OK;
    rse_edit_params ep = o->ep;
    rse__clip_cli ca = o->ca;
    rse_sinddm *m = 0;
    rse_clip *clip = 0;
    rse_clip_vocab *vocab = 0;
    rse_text_guide *guide = 0;
    char **plist = 0, *one[1];
    int np = 0;
    rse_image img, mask, maskout, *outs = 0;
    rse_geo geo;                        /* a TIFF input's georeferencing, for TIFF outputs */
    double t0, *scores = 0, score0 = -1;
    rse__cli_prog g;
    /* A window of a TIFF scene edited into a TIFF output: only the window
       is read and the output is written chunk by chunk from the input
       (rse_image_save_window), so the scene may be larger than memory and
       RSE_MAX_DIM; img is then the window, and scene its size. */
    int stream = has_window && !o->sink && rse_format_from_path(out) == RSE_FORMAT_TIFF && rse__file_is_tiff(o->image);
    rse_image scene, *sizes = 0;

    pos[0] = o->model; pos[1] = o->image;
    memset(&img, 0, sizeof img); memset(&mask, 0, sizeof mask); memset(&maskout, 0, sizeof maskout);
    memset(&geo, 0, sizeof geo);
    t0 = rse__cli_now();

    /* inputs */
    memset(&scene, 0, sizeof scene);
    if (stream) {
        rse_image_desc d;
        if (rse_image_describe(pos[1], &d, 0) != RSE_STATUS_OK ||
            rse_image_load_window(pos[1], &o->window, &o->ropt, &img, 0) != RSE_STATUS_OK)
            return rse__cli_fail();
        scene.w = d.w; scene.h = d.h; scene.c = img.c;
    } else if (rse_image_load_ex(pos[1], &o->ropt, &img, &geo) != RSE_STATUS_OK) {
        if (has_window && rse__file_is_tiff(pos[1]) && strstr(rse_last_error(), "exceeds RSE_MAX"))
            fprintf(stderr, "rsedit: %s\nrsedit: a window of a TIFF scene larger than that is edited into a TIFF "
                    "output (-o OUT.tif), which is written tile by tile\n", rse_last_error());
        else rse__cli_fail();
        return RSE__EXIT_FAIL;
    } else scene = img;
    if (rse__cli_load_model(pos[0], has_window ? 0 : pos[1], &o->ropt, &m, 0) != RSE_STATUS_OK) { rc = rse__cli_fail(); goto done; }
    if (ep.start_scale >= m->pyr.n) {
        /* rse_edit would start at the finest scale instead: say so */
        fprintf(stderr, "rsedit: %s has %d scales (0..%d): there is no --start-scale %d\n", pos[0], m->pyr.n,
                m->pyr.n - 1, ep.start_scale);
        rc = RSE__EXIT_FAIL;
        goto done;
    }
    if (mask_path) {
        if (rse_image_load(mask_path, &mask) != RSE_STATUS_OK) { rc = rse__cli_fail(); goto done; }
        ep.mask = &mask;
    }
    if (text || prompts) {
        ca.model = clip_path;
        if (o->clip) {
            clip = o->clip;
            vocab = o->vocab;
        } else if (rse_clip_load(&clip, clip_path, &ca.opt) != RSE_STATUS_OK ||
                   rse__clip_cli_vocab(&ca, 1, &vocab) != RSE_STATUS_OK) {
            rc = rse__cli_fail();
            goto done;
        }
        if (prompts) {
            if (rse__cli_prompts_read(prompts, &plist, &np) != RSE_STATUS_OK) { rc = rse__cli_fail(); goto done; }
        } else {
            one[0] = (char *)text;
            np = 1;
        }
        if (rse_text_guide_create(&guide, clip, vocab, plist ? (const char *const *)plist : (const char *const *)one, np,
                                  o->templates, o->views) != RSE_STATUS_OK) {
            rc = rse__cli_fail();
            goto done;
        }
        ep.guide = rse_text_guide_grad;
        ep.guide_ctx = guide;
        ep.guide_reset = rse_text_guide_reset;
    }
    if (save_mask) ep.mask_out = &maskout;
    outs = (rse_image *)RSE_MALLOC((size_t)ep.count * sizeof *outs);
    scores = (double *)RSE_MALLOC((size_t)ep.count * sizeof *scores);
    if (!outs || !scores) { fprintf(stderr, "rsedit: out of memory\n"); rc = RSE__EXIT_FAIL; goto done; }
    rse__cli_prog_init(&g, quiet, 0);
    g.count = ep.count;
    g.nscales = m->pyr.n;
    for (i = 0; i < m->pyr.n; i++) g.area[i] = (double)m->pyr.w[i] * m->pyr.h[i];
    {
        /* the same start scale rse_edit will pick, for the ETA weights */
        int s0 = rse__edit_start_scale(&ep, m->pyr.n);
        for (i = s0; i < m->pyr.n; i++) {
            int T = i ? m->sched.t_start[i] : RSE_SD_T;
            if (i == s0 && !ep.from_noise && ep.start_t > 0 && ep.start_t < T) T = ep.start_t;
            if (ep.pixel) T = ep.start_t > 0 ? ep.start_t : 3;
            g.work_total += g.area[i] * T * ep.count;
        }
    }
    if ((stream ? rse_edit_window_crop(m, &img, &o->window, scene.w, scene.h, &ep, outs, rse__cli_sample_hook, &g)
         : has_window ? rse_edit_window(m, &img, &o->window, &ep, outs, rse__cli_sample_hook, &g)
                      : rse_edit(m, &img, &ep, outs, rse__cli_sample_hook, &g)) != RSE_STATUS_OK) {
        rse__cli_prog_end(&g);
        RSE_FREE(outs);
        outs = 0;
        rc = rse__cli_fail();
        goto done;
    }
    rse__cli_prog_end(&g);
    for (i = 0; i < ep.count; i++) scores[i] = -1;
    if (guide) {
        if (rse_text_guide_score(guide, &img, &score0) != RSE_STATUS_OK) score0 = -1;
        for (i = 0; i < ep.count; i++)
            if (rse_text_guide_score(guide, &outs[i], &scores[i]) != RSE_STATUS_OK) scores[i] = -1;
    }
    if (o->sink) {
        rse__cli_edit_result r;
        r.img = &img; r.outs = outs; r.mask = &maskout; r.scores = scores; r.score0 = score0;
        r.count = ep.count; r.model = m;
        rc = o->sink(o->sink_ctx, &r);
        goto done;
    }
    /* outputs, then the mask, then the sidecar that names them; a streamed
       window edit's outputs have the scene's size (its CLIP scores are of
       the window) */
    sizes = (rse_image *)RSE_MALLOC((size_t)ep.count * sizeof *sizes);
    if (!sizes) { fprintf(stderr, "rsedit: out of memory\n"); rc = RSE__EXIT_FAIL; goto done; }
    for (i = 0; i < ep.count; i++) { sizes[i] = outs[i]; if (stream) { sizes[i].w = scene.w; sizes[i].h = scene.h; } }
    for (i = 0; i < ep.count && rc == RSE__EXIT_OK; i++) {
        char *path = rse__cli_numbered(out, i, ep.count);
        /* outputs keep the input's size, so a TIFF output keeps its georeferencing */
        if (!path || (stream ? rse_image_save_window(path, pos[1], &o->ropt, &o->window, &outs[i])
                             : rse_image_save_geo(path, &outs[i], 8, &geo)) != RSE_STATUS_OK) rc = rse__cli_fail();
        else if (!quiet) {
            if (guide) fprintf(stderr, "edit: wrote %s (%dx%d), CLIP score %.2f (original %.2f)\n", path, sizes[i].w, sizes[i].h, scores[i], score0);
            else fprintf(stderr, "edit: wrote %s (%dx%d)\n", path, sizes[i].w, sizes[i].h);
        }
        RSE_FREE(path);
    }
    if (rc == RSE__EXIT_OK) {
        rse__cli_text js;
        char *jpath = rse__cli_swap_ext(out, ".json"), *mpath = save_mask ? rse__cli_swap_ext(out, "_mask.pgm") : 0;
        if (mpath && maskout.data && rse_image_save(mpath, &maskout) != RSE_STATUS_OK) rc = rse__cli_fail();
        memset(&js, 0, sizeof js);
        rse__cli_sidecar_head(&js, 0, pos[0], m, pos[1], &scene);
        if (guide) {
            rse__cli_puts(&js, "  \"clip\": ");
            rse__cli_json_file(&js, clip_path);
            rse__cli_puts(&js, ", \"act\": \"%s\"},\n  \"texts\": [", ca.opt.act == RSE_CLIP_ACT_GELU ? "gelu" : "quickgelu");
            for (i = 0; i < np; i++) {
                if (i) rse__cli_puts(&js, ", ");
                rse__cli_json_str(&js, plist ? plist[i] : text);
            }
            rse__cli_puts(&js, "],\n  \"templates\": \"%s\", \"views\": %d,\n", o->templ, o->views);
        }
        rse__cli_puts(&js, "  ");
        rse__cli_edit_params_json(&js, &ep, o->keep, guide != 0);
        rse__cli_puts(&js, "  \"rois\": [");
        for (i = 0; i < ep.nrois; i++) rse__cli_puts(&js, "%s\"%dx%d+%d+%d\"", i ? ", " : "", rois[i].w, rois[i].h, rois[i].x, rois[i].y);
        rse__cli_puts(&js, "],\n  \"copy\": ");
        if (ep.copy) {
            rse__cli_puts(&js, "{\"from\": \"%dx%d+%d+%d\", \"to\": [", ep.copy_from.w, ep.copy_from.h, ep.copy_from.x, ep.copy_from.y);
            for (i = 0; i < ep.ncopy_to; i++) rse__cli_puts(&js, "%s\"%dx%d+%d+%d\"", i ? ", " : "", tos[i].w, tos[i].h, tos[i].x, tos[i].y);
            rse__cli_puts(&js, "]}");
        } else rse__cli_puts(&js, "null");
        rse__cli_puts(&js, ",\n  \"mask\": ");
        if (mask_path) rse__cli_json_str(&js, mask_path); else rse__cli_puts(&js, "null");
        rse__cli_puts(&js, ",\n  \"saved_mask\": ");
        if (mpath && maskout.data) rse__cli_json_str(&js, mpath); else rse__cli_puts(&js, "null");
        if (score0 >= 0) rse__cli_puts(&js, ",\n  \"clip_score_original\": %.4f,\n", score0);
        else rse__cli_puts(&js, ",\n  \"clip_score_original\": null,\n");
        if (rc == RSE__EXIT_OK) rc = rse__cli_sidecar_end(&js, out, sizes, scores, ep.count, t0, jpath);
        RSE_FREE(js.p);
        RSE_FREE(jpath);
        RSE_FREE(mpath);
    }
done:
    if (outs) for (i = 0; i < ep.count; i++) rse_image_free(&outs[i]);
    RSE_FREE(outs);
    RSE_FREE(sizes);
    RSE_FREE(scores);
    rse_image_free(&maskout);
    rse_image_free(&mask);
    rse_image_free(&img);
    rse_geo_free(&geo);
    rse_prompts_free(plist);
    rse_text_guide_free(guide);
    if (!o->clip) {
        rse_clip_vocab_free(vocab);
        rse_clip_free(clip);
    }
    rse_sinddm_free(m);
    return rc;
}

/* edit: see its help text in the command table. */
RSE__FN int rse__cmd_edit(int argc, char **argv) {
    rse__cli_edit_opts o;
    int rc = rse__cli_edit_parse(argc, argv, &o);
    return rc != RSE__EXIT_OK ? rc : rse__cli_edit_run(&o);
}

/* ---- batch: many edits from a manifest ----------------------------------
   `rsedit batch MANIFEST.jsonl -o OUT`: one edit job per line of JSON, the
   fields named like edit's flags. A job is resolved into the very argv
   edit's command line would be and read by rse__cli_edit_parse (training
   by rse__cli_train_parse), so a field means exactly what its flag means
   and is checked the same way; edit's run hands the results back through
   its sink instead of writing OUT.png.

   What makes it safe to kill and to shard:
   - every file goes to a temporary name and is renamed (rse_image_save,
     rse__write_file_atomic); a job's index lines are appended last, each
     in one write() with O_APPEND, so a job is done exactly when all its
     lines are in OUT/index.jsonl. A restart redoes a job whose lines are
     missing, writing the same bytes again (edits are deterministic), and
     skips the others;
   - models are trained to OUT/models/HASH.part with --resume (bit-exact
     after a kill) and renamed to HASH.rsm when complete;
   - times go to one line of job.json ("seconds") and nowhere else, so two
     runs differ only there;
   - --shard I/N takes the lines whose 0-based index mod N is I; ids are
     checked for uniqueness over the whole manifest, so every shard agrees.
   The manifest is hostile input: lines are parsed by a strict JSON reader
   with size and depth limits, unknown fields are refused, and ids (which
   become folder names) are limited to [A-Za-z0-9._-], not starting with
   '.'. */
#ifdef _WIN32
#define RSE__O_APPEND (_O_WRONLY | _O_APPEND | _O_CREAT | _O_BINARY)
#define rse__open _open
#define rse__write _write
#define rse__close _close
#include <fcntl.h>
#else
#include <fcntl.h>
#define RSE__O_APPEND (O_WRONLY | O_APPEND | O_CREAT)
#define rse__open open
#define rse__write write
#define rse__close close
#endif

#define RSE__BATCH_MAX_LINE ((size_t)1 << 20) /* bytes in one manifest line */
#define RSE__BATCH_MAX_NODES 512              /* JSON values in one line */
#define RSE__BATCH_MAX_ID 128

/* A strict JSON reader for one manifest line: an object whose members are
   scalars, arrays of scalars or objects of scalars (depth 2: nothing the
   manifest needs goes deeper). Values land in a flat preorder array:
   `kids` counts a container's descendants, so members are walked with
   i += 1 + kids. Strings are decoded (valid UTF-8, no NUL), numbers keep
   their text (edit's parser reads them as it reads a flag's value), and a
   container keeps its raw text (a train object is read again on its own). */
enum { RSE__BJ_STR, RSE__BJ_NUM, RSE__BJ_TRUE, RSE__BJ_FALSE, RSE__BJ_NULL, RSE__BJ_ARR, RSE__BJ_OBJ };
typedef struct { int type, kids; const char *key, *s; } rse__bj_node;
typedef struct {
    const unsigned char *p, *base, *end;
    char *buf;                  /* decoded text; 3 * line + nodes bytes suffice */
    size_t nbuf, capbuf;
    rse__bj_node *nodes;
    int n;
    char err[160];
} rse__bj;

RSE__FN int rse__bj_init(rse__bj *j, size_t maxlen) {
    memset(j, 0, sizeof *j);
    if (maxlen > RSE__BATCH_MAX_LINE) maxlen = RSE__BATCH_MAX_LINE;
    j->capbuf = 3 * maxlen + RSE__BATCH_MAX_NODES + 16;
    j->buf = (char *)RSE_MALLOC(j->capbuf);
    j->nodes = (rse__bj_node *)RSE_MALLOC(RSE__BATCH_MAX_NODES * sizeof *j->nodes);
    if (j->buf && j->nodes) return 1;
    RSE_FREE(j->buf);
    RSE_FREE(j->nodes);
    return 0;
}

RSE__FN void rse__bj_free(rse__bj *j) {
    RSE_FREE(j->buf);
    RSE_FREE(j->nodes);
}

RSE__FN int rse__bj_fail(rse__bj *j, const char *what) {
    if (!j->err[0]) rse__fmt(j->err, sizeof j->err, "%s at column %zu", what, (size_t)(j->p - j->base) + 1);
    return 0;
}

RSE__FN void rse__bj_ws(rse__bj *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n')) j->p++;
}

/* Appends n bytes to buf (room is guaranteed by capbuf; checked anyway). */
RSE__FN char *rse__bj_put(rse__bj *j, const void *s, size_t n) {
    char *d = j->buf + j->nbuf;
    if (n + 1 > j->capbuf - j->nbuf) return 0;
    memcpy(d, s, n);
    d[n] = 0;
    j->nbuf += n + 1;
    return d;
}

RSE__FN int rse__bj_string(rse__bj *j, const char **out) {
    char *d = j->buf + j->nbuf, *w = d;
    j->p++; /* the opening quote */
    for (;;) {
        uint32_t cp, lo;
        int k;
        if (j->p >= j->end) return rse__bj_fail(j, "unterminated string");
        if (*j->p == '"') break;
        if (*j->p < 0x20) return rse__bj_fail(j, "control character in a string");
        if (*j->p != '\\') {
            if (!(k = rse__utf8_get(j->p, (size_t)(j->end - j->p), &cp))) return rse__bj_fail(j, "invalid UTF-8");
            memcpy(w, j->p, (size_t)k);
            w += k;
            j->p += k;
            continue;
        }
        if (j->end - j->p < 2) return rse__bj_fail(j, "unterminated string");
        switch (j->p[1]) {
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case '/': *w++ = '/'; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case 'u':
            if (j->end - j->p < 6 || !rse__json_hex4(j->p + 2, &cp)) return rse__bj_fail(j, "bad \\u escape");
            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (j->end - j->p < 12 || j->p[6] != '\\' || j->p[7] != 'u' || !rse__json_hex4(j->p + 8, &lo) ||
                    lo < 0xdc00 || lo > 0xdfff)
                    return rse__bj_fail(j, "unpaired surrogate in \\u escape");
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                j->p += 6;
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                return rse__bj_fail(j, "unpaired surrogate in \\u escape");
            }
            /* a NUL would silently cut the C string a path or text becomes */
            if (cp == 0) return rse__bj_fail(j, "\\u0000 in a string");
            w += rse__utf8_put((unsigned char *)w, cp);
            j->p += 4;
            break;
        default: return rse__bj_fail(j, "bad escape");
        }
        j->p += 2;
    }
    j->p++;
    *w++ = 0;
    j->nbuf += (size_t)(w - d);
    *out = d;
    return 1;
}

RSE__FN int rse__bj_number(rse__bj *j, const char **out) {
    const unsigned char *s = j->p;
    if (j->p < j->end && *j->p == '-') j->p++;
    if (j->p >= j->end || *j->p < '0' || *j->p > '9') return rse__bj_fail(j, "bad number");
    if (*j->p == '0') j->p++;
    else while (j->p < j->end && *j->p >= '0' && *j->p <= '9') j->p++;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9') return rse__bj_fail(j, "bad number");
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9') j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-')) j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9') return rse__bj_fail(j, "bad number");
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9') j->p++;
    }
    if (j->p - s > 64) return rse__bj_fail(j, "number too long");
    return (*out = rse__bj_put(j, s, (size_t)(j->p - s))) != 0 || rse__bj_fail(j, "line too long");
}

RSE__FN int rse__bj_value(rse__bj *j, int depth, const char *key) {
    int me = j->n, i;
    rse__bj_node *nd;
    rse__bj_ws(j);
    if (j->p >= j->end) return rse__bj_fail(j, "unexpected end of line");
    if (j->n == RSE__BATCH_MAX_NODES) return rse__bj_fail(j, "too many values");
    nd = &j->nodes[j->n++];
    nd->key = key; nd->s = 0; nd->kids = 0;
    switch (*j->p) {
    case '"': nd->type = RSE__BJ_STR; return rse__bj_string(j, &nd->s);
    case '{': case '[': {
        const unsigned char *start = j->p;
        int obj = *j->p == '{';
        /* nothing the manifest holds goes deeper: refusing it bounds the
           recursion whatever the line is */
        if (depth >= 2) return rse__bj_fail(j, "nested too deeply");
        nd->type = obj ? RSE__BJ_OBJ : RSE__BJ_ARR;
        j->p++;
        rse__bj_ws(j);
        if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
            j->p++;
        } else {
            for (;;) {
                const char *k = 0;
                rse__bj_ws(j);
                if (obj) {
                    if (j->p >= j->end || *j->p != '"') return rse__bj_fail(j, "expected a member name");
                    if (!rse__bj_string(j, &k)) return 0;
                    /* a repeated name would let two readers see two values */
                    for (i = me + 1; i < j->n; i += 1 + j->nodes[i].kids)
                        if (!strcmp(j->nodes[i].key, k)) return rse__bj_fail(j, "repeated member name");
                    rse__bj_ws(j);
                    if (j->p >= j->end || *j->p != ':') return rse__bj_fail(j, "expected ':'");
                    j->p++;
                }
                if (!rse__bj_value(j, depth + 1, k)) return 0;
                rse__bj_ws(j);
                if (j->p < j->end && *j->p == ',') { j->p++; continue; }
                if (j->p < j->end && *j->p == (obj ? '}' : ']')) { j->p++; break; }
                return rse__bj_fail(j, obj ? "expected ',' or '}'" : "expected ',' or ']'");
            }
        }
        nd = &j->nodes[me];
        nd->kids = j->n - me - 1;
        if (!(nd->s = rse__bj_put(j, start, (size_t)(j->p - start)))) return rse__bj_fail(j, "line too long");
        return 1;
    }
    case 't': case 'f': case 'n': {
        static const char *const lit[3] = { "true", "false", "null" };
        int t = *j->p == 't' ? 0 : *j->p == 'f' ? 1 : 2;
        size_t n = strlen(lit[t]);
        if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit[t], n)) return rse__bj_fail(j, "unexpected word");
        j->p += n;
        nd->type = t == 0 ? RSE__BJ_TRUE : t == 1 ? RSE__BJ_FALSE : RSE__BJ_NULL;
        nd->s = lit[t];
        return 1;
    }
    default:
        if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) { nd->type = RSE__BJ_NUM; return rse__bj_number(j, &nd->s); }
        return rse__bj_fail(j, "unexpected character");
    }
}

/* Parses text[0..len) as one JSON object; 0 with j->err set if it is not. */
RSE__FN int rse__bj_parse(rse__bj *j, const char *text, size_t len) {
    j->base = j->p = (const unsigned char *)text;
    j->end = j->p + len;
    j->nbuf = 0;
    j->n = 0;
    j->err[0] = 0;
    if (len > RSE__BATCH_MAX_LINE || 3 * len + RSE__BATCH_MAX_NODES + 16 > j->capbuf) {
        rse__fmt(j->err, sizeof j->err, "line longer than %zu bytes", len > RSE__BATCH_MAX_LINE ? RSE__BATCH_MAX_LINE : len);
        return 0;
    }
    rse__bj_ws(j);
    if (j->p >= j->end || *j->p != '{') return rse__bj_fail(j, "expected a JSON object");
    if (!rse__bj_value(j, 0, 0)) return 0;
    rse__bj_ws(j);
    return j->p == j->end || rse__bj_fail(j, "text after the object");
}

/* The job fields: name, the edit (or batch) flag it stands for, the JSON it
   takes, and its group: a job that gives any field of a group drops the
   command line's defaults for the whole group (a job's "prompts" replaces
   a default --text, its "mask" a default --roi). null gives a field no
   value, whatever the command line says. `needs`: a command-line default
   of a text option (1) or of copy_strength (3) is used only by the jobs it
   acts on, since edit refuses an option its request would not read; a
   job's own field is always passed, and refused as edit refuses it. */
enum { RSE__BK_ID, RSE__BK_PATH, RSE__BK_STR, RSE__BK_NUM, RSE__BK_LIST, RSE__BK_BOOL, RSE__BK_OBJ };
typedef struct { const char *name, *flag; unsigned char kind, group, needs; } rse__bfield;
enum { RSE__BF_ID, RSE__BF_IMAGE, RSE__BF_MODEL, RSE__BF_TRAIN, RSE__BF_EDIT0, RSE__BF_TEXT = RSE__BF_EDIT0,
       RSE__BF_PROMPTS, RSE__BF_ROI, RSE__BF_MASK, RSE__BF_FROM, RSE__BF_WINDOW = 20, RSE__BF_ALL = 27 };
static const rse__bfield rse__batch_fields[RSE__BF_ALL] = {
    { "id", 0, RSE__BK_ID, 0, 0 }, { "image", 0, RSE__BK_PATH, 0, 0 }, { "model", "--model", RSE__BK_PATH, 0, 0 },
    { "train", "--train", RSE__BK_OBJ, 0, 0 },
    { "text", "--text", RSE__BK_STR, 1, 0 }, { "prompts", "--prompts", RSE__BK_PATH, 1, 0 },
    { "roi", "--roi", RSE__BK_LIST, 2, 0 }, { "mask", "--mask", RSE__BK_PATH, 2, 0 },
    { "copy_from", "--copy-from", RSE__BK_STR, 3, 0 }, { "copy_to", "--copy-to", RSE__BK_LIST, 3, 0 },
    { "copy_strength", "--copy-strength", RSE__BK_NUM, 0, 3 }, { "count", "--count", RSE__BK_NUM, 0, 0 },
    { "seed", "--seed", RSE__BK_NUM, 0, 0 }, { "strength", "--strength", RSE__BK_NUM, 0, 1 },
    { "views", "--views", RSE__BK_NUM, 0, 1 }, { "fill", "--fill", RSE__BK_NUM, 0, 1 },
    { "momentum", "--momentum", RSE__BK_NUM, 0, 1 }, { "stop", "--stop", RSE__BK_NUM, 0, 1 },
    { "feather", "--feather", RSE__BK_NUM, 0, 0 }, { "start_scale", "--start-scale", RSE__BK_NUM, 0, 0 },
    { "window", "--window", RSE__BK_STR, 0, 0 }, { "from_noise", "--from-noise", RSE__BK_BOOL, 0, 0 },
    { "start_t", "--start-t", RSE__BK_NUM, 0, 0 }, { "templates", "--templates", RSE__BK_STR, 0, 1 },
    { "keep_outside", "--keep-outside", RSE__BK_STR, 0, 0 }, { "sampler", "--sampler", RSE__BK_STR, 0, 0 },
    { "copy_finest", "--copy-finest", RSE__BK_STR, 0, 3 } };
#define rse__bfield_at(f) (&rse__batch_fields[f])
/* train's options a train object may hold (the rest belong to the batch:
   -o, --threads, --window, --until) */
static const char *const rse__batch_train_keys[11][2] = {
    { "preset", "--preset" }, { "steps", "--steps" }, { "dim", "--dim" }, { "batch", "--batch" },
    { "micro_batch", "--micro-batch" }, { "crop", "--crop" }, { "lr", "--lr" }, { "seed", "--seed" },
    { "coarse", "--coarse" }, { "t_focus", "--t-focus" }, { "save_every", "--save-every" } };
#define RSE__BATCH_NTRAIN ((int)(sizeof rse__batch_train_keys / sizeof rse__batch_train_keys[0]))

/* One job's field values (or the command line's defaults): v[f][0..n[f])
   and whether the field was given at all (given with n 0: null). */
typedef struct {
    const char *v[RSE__BF_ALL][RSE__CLI_MAX_REGIONS];
    int n[RSE__BF_ALL];
    unsigned char given[RSE__BF_ALL], from_job[RSE__BF_ALL];
} rse__bvals;

/* The run's state. */
typedef struct {
    const char *manifest, *out, *clip, *vocab, *act, *heads, *threads;
    int fp32, exact, quiet, shard, nshards;
    char mdir[4096];                 /* the manifest's folder */
    rse__bvals cli;                  /* defaults from the command line */
    char **done;                     /* "id/k" of index.jsonl, sorted */
    size_t ndone;
    char **errs;                     /* lines of errors.jsonl, sorted */
    size_t nerrs;
    char clip_sha[65];
    rse_clip *clipm;                 /* --clip and its vocabulary, loaded at */
    rse_clip_vocab *vocabm;          /* the first text job, kept for the rest */
    /* the job being run */
    const char *id, *image_rel, *model_rel;
    long line;
    const rse__bvals *job;
    const rse__cli_edit_opts *eo;
    const rse__cli_train_opts *to;   /* NULL: the job gave its model */
    char model_path[4200], image_sha[65];
    double t_train, t_edit0;
} rse__batch;

RSE__FN int rse__batch_strcmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An id is a folder name on any system: [A-Za-z0-9._-], not "." or ".."
   or hidden, and not the model cache's folder. */
RSE__FN const char *rse__batch_id_bad(const char *id) {
    size_t i, n = strlen(id);
    if (!n) return "is empty";
    if (n > RSE__BATCH_MAX_ID) return "is longer than 128 characters";
    if (id[0] == '.') return "starts with '.'";
    if (!strcmp(id, "models")) return "is the model cache's folder";
    for (i = 0; i < n; i++)
        if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9') ||
              id[i] == '.' || id[i] == '_' || id[i] == '-'))
            return "has a character outside A-Z a-z 0-9 . _ -";
    return 0;
}

/* Reads a file of JSON lines back (index.jsonl, errors.jsonl): cuts a
   torn last line (a kill inside a write) and returns the complete lines,
   sorted for bsearch: as they are, or for the index as keys "ID/K". */
RSE__FN int rse__batch_load_lines(const char *path, int index, char ***out, size_t *nout) {
    unsigned char *buf;
    size_t len, i, n = 0, k = 0, start = 0;
    char **list;
    *out = 0;
    *nout = 0;
    if (!rse__cli_exists(path)) return 1;
    if (rse__read_file(path, &buf, &len) != RSE_STATUS_OK) return 0;
    while (len && buf[len - 1] != '\n') len--;
#ifndef _WIN32
    if (truncate(path, (off_t)len) != 0) { RSE_FREE(buf); return 0; }
#endif
    for (i = 0; i < len; i++) n += buf[i] == '\n';
    list = n + 1 > SIZE_MAX / sizeof *list ? 0 : (char **)RSE_MALLOC((n + 1) * sizeof *list);
    if (!list) { RSE_FREE(buf); return 0; }
    for (i = 0; i < len; i++) {
        if (buf[i] != '\n') continue;
        buf[i] = 0;
        if (index) {
            /* {"id": "ID", "k": K, ... : the key is "ID/K" (ids hold no '/') */
            char *s = (char *)buf + start, *q, *e;
            if (!strncmp(s, "{\"id\": \"", 8) && (q = strchr(s + 8, '"')) != 0 && !strncmp(q, "\", \"k\": ", 8)) {
                size_t nk;
                for (e = q + 8; *e >= '0' && *e <= '9'; e++) {}
                nk = (size_t)(e - (q + 8));
                *q = '/';
                memmove(q + 1, q + 8, nk);
                q[1 + nk] = 0;
                list[k++] = s + 8;
            }
        } else {
            list[k++] = (char *)buf + start;
        }
        start = i + 1;
    }
    qsort(list, k, sizeof *list, rse__batch_strcmp);
    list[k] = (char *)buf; /* the strings live in buf: freed with the list */
    *out = list;
    *nout = k;
    return 1;
}

RSE__FN void rse__batch_free_lines(char **list, size_t n) {
    if (list) { RSE_FREE(list[n]); RSE_FREE(list); }
}

/* Appends one whole line to path in a single write() with O_APPEND, so
   that a kill leaves it whole or absent and concurrent shards writing into
   one OUT never interleave. */
RSE__FN int rse__batch_append(const char *path, const char *line, size_t n) {
    int fd = rse__open(path, RSE__O_APPEND, 0666);
    long w;
    if (fd < 0) return 0;
    w = (long)rse__write(fd, line, (unsigned)n);
    if (rse__close(fd) != 0) w = -1;
    return w == (long)n;
}

/* Records that line `line` (job id, or NULL) failed: once in
   OUT/errors.jsonl however often it is rerun, and on stderr. */
RSE__FN void rse__batch_error(rse__batch *b, long line, const char *id, const char *msg) {
    rse__cli_text t;
    char path[4200];
    memset(&t, 0, sizeof t);
    rse__cli_puts(&t, "{\"line\": %ld, \"id\": ", line);
    if (id) rse__cli_json_str(&t, id); else rse__cli_puts(&t, "null");
    rse__cli_puts(&t, ", \"error\": ");
    rse__cli_json_str(&t, msg && *msg ? msg : "failed");
    rse__cli_puts(&t, "}");
    fprintf(stderr, "batch: line %ld%s%s: %s\n", line, id ? " " : "", id ? id : "", msg && *msg ? msg : "failed");
    if (t.bad) { RSE_FREE(t.p); return; }
    {
        char *key = t.p;
        if (!b->nerrs || !bsearch(&key, b->errs, b->nerrs, sizeof *b->errs, rse__batch_strcmp)) {
            rse__cli_puts(&t, "\n");
            rse__fmt(path, sizeof path, "%s/errors.jsonl", b->out);
            if (t.bad || !rse__batch_append(path, t.p, t.n))
                fprintf(stderr, "rsedit: %s: cannot append: %s\n", path, strerror(errno));
        }
    }
    RSE_FREE(t.p);
}

/* 1 if output k of job id is in index.jsonl. */
RSE__FN int rse__batch_is_done(const rse__batch *b, const char *id, int k) {
    char key[RSE__BATCH_MAX_ID + 16], *kp = key;
    rse__fmt(key, sizeof key, "%s/%d", id, k);
    return b->ndone && bsearch(&kp, b->done, b->ndone, sizeof *b->done, rse__batch_strcmp) != 0;
}

/* Reads one field's JSON value (node i) into v. */
RSE__FN const char *rse__batch_field(rse__bj *j, int i, int f, rse__bvals *v) {
    const rse__bj_node *nd = &j->nodes[i];
    const rse__bfield *fd = rse__bfield_at(f);
    int t = nd->type, k;
    v->given[f] = 1;
    v->from_job[f] = 1;
    v->n[f] = 0;
    if (t == RSE__BJ_NULL && f != RSE__BF_ID && f != RSE__BF_IMAGE) return 0;
    switch (fd->kind) {
    case RSE__BK_ID: case RSE__BK_PATH: case RSE__BK_STR:
        if (t != RSE__BJ_STR) return "must be a string";
        if (fd->kind != RSE__BK_STR && !nd->s[0]) return "must not be empty";
        break;
    case RSE__BK_NUM:
        if (t != RSE__BJ_NUM && t != RSE__BJ_STR) return "must be a number";
        break;
    case RSE__BK_BOOL:
        if (t != RSE__BJ_TRUE && t != RSE__BJ_FALSE) return "must be true or false";
        break;
    case RSE__BK_OBJ:
        if (t != RSE__BJ_OBJ) return "must be an object";
        break;
    default: /* LIST: one string or an array of them */
        if (t == RSE__BJ_STR) break;
        if (t != RSE__BJ_ARR) return "must be a string or a list of strings";
        if (nd->kids > RSE__CLI_MAX_REGIONS) return "has more than 64 entries";
        for (k = 0; k < nd->kids; k++) {
            if (nd[1 + k].type != RSE__BJ_STR) return "must be a list of strings";
            v->v[f][k] = nd[1 + k].s;
        }
        v->n[f] = nd->kids;
        return 0;
    }
    v->v[f][0] = nd->s;
    v->n[f] = 1;
    return 0;
}

/* Reads one manifest line into *v; returns an error message or NULL. */
RSE__FN const char *rse__batch_read_job(rse__bj *j, const char *text, size_t len, rse__bvals *v, char *msg, size_t cap) {
    int i, f;
    memset(v->n, 0, sizeof v->n);
    memset(v->given, 0, sizeof v->given);
    memset(v->from_job, 0, sizeof v->from_job);
    if (!rse__bj_parse(j, text, len)) { rse__fmt(msg, cap, "not a JSON object: %s", j->err); return msg; }
    for (i = 1; i < j->n; i += 1 + j->nodes[i].kids) {
        const char *why;
        for (f = 0; f < RSE__BF_ALL && strcmp(rse__bfield_at(f)->name, j->nodes[i].key); f++) {}
        if (f == RSE__BF_ALL) { snprintf(msg, cap, "unknown field \"%.60s\"", j->nodes[i].key); return msg; }
        if ((why = rse__batch_field(j, i, f, v)) != 0) { rse__fmt(msg, cap, "\"%s\" %s", j->nodes[i].key, why); return msg; }
    }
    if (!v->n[RSE__BF_ID]) return "no \"id\"";
    if (rse__batch_id_bad(v->v[RSE__BF_ID][0])) {
        rse__fmt(msg, cap, "id %s", rse__batch_id_bad(v->v[RSE__BF_ID][0]));
        return msg;
    }
    if (!v->n[RSE__BF_IMAGE]) return "no \"image\"";
    if (v->given[RSE__BF_TRAIN] && v->n[RSE__BF_TRAIN] && v->n[RSE__BF_MODEL])
        return "\"train\" is used only for a job without \"model\"";
    return 0;
}

/* A path of the manifest, relative to its folder (absolute ones stay). */
RSE__FN char *rse__batch_join(const rse__batch *b, const char *p) {
    size_t n = strlen(b->mdir) + strlen(p) + 2;
    char *s = (char *)RSE_MALLOC(n);
    if (s) {
        if (p[0] == '/') rse__fmt(s, n, "%s", p);
        else rse__fmt(s, n, "%s/%s", b->mdir, p); /* "./-x.ppm": never an option */
    }
    return s;
}

RSE__FN char *rse__batch_dup(const char *p) {
    size_t n = strlen(p) + 1;
    char *s = (char *)RSE_MALLOC(n);
    if (s) memcpy(s, p, n);
    return s;
}

/* The argv of a job's edit or train, with the strings it owns. */
typedef struct {
    char *argv[8 * RSE__CLI_MAX_REGIONS];
    int argc;
    char *owned[RSE__BF_ALL + 16];
    int nowned;
    int bad;
} rse__bargv;

RSE__FN void rse__bargv_add(rse__bargv *a, const char *s) {
    if (!s || a->argc + 2 >= (int)(sizeof a->argv / sizeof a->argv[0])) { a->bad = 1; return; }
    a->argv[a->argc++] = (char *)s;
    a->argv[a->argc] = 0;
}

RSE__FN const char *rse__bargv_own(rse__bargv *a, char *s) {
    if (!s || a->nowned == (int)(sizeof a->owned / sizeof a->owned[0])) { RSE_FREE(s); a->bad = 1; return 0; }
    return a->owned[a->nowned++] = s;
}

RSE__FN void rse__bargv_free(rse__bargv *a) {
    while (a->nowned > 0) RSE_FREE(a->owned[--a->nowned]);
}

/* The job's fields over the command line's defaults, group by group. */
RSE__FN void rse__batch_resolve(const rse__batch *b, const rse__bvals *job, rse__bvals *r) {
    int f, g;
    for (f = 0; f < RSE__BF_ALL; f++) {
        const rse__bvals *src = job;
        int grp = rse__bfield_at(f)->group, dropped = 0;
        if (!job->given[f]) {
            for (g = 0; g < RSE__BF_ALL && grp; g++) dropped |= rse__bfield_at(g)->group == grp && job->given[g];
            src = dropped ? 0 : &b->cli;
        }
        r->given[f] = src && src->given[f];
        r->from_job[f] = src == job;
        r->n[f] = src ? src->n[f] : 0;
        if (src) memcpy(r->v[f], src->v[f], (size_t)r->n[f] * sizeof r->v[f][0]);
    }
    for (f = 0; f < RSE__BF_ALL; f++) {
        int needs = rse__bfield_at(f)->needs;
        if (needs && !r->from_job[f] &&
            !(needs == 1 ? r->n[RSE__BF_TEXT] || r->n[RSE__BF_PROMPTS] : r->n[RSE__BF_FROM] > 0))
            r->n[f] = 0;
    }
}

/* The train argv of a job without a model (train options of the job, else
   of the command line), parsed by train's own parser. */
RSE__FN int rse__batch_train_opts(rse__batch *b, rse__bj *jt, const rse__bvals *r, const char *image,
                                  rse__bargv *a, rse__cli_train_opts *to, char *msg, size_t cap) {
    char pend[4200];
    int i, k, rc;
    rse__bargv_add(a, "train");
    rse__bargv_add(a, image);
    rse__fmt(pend, sizeof pend, "%s/models/pending.rsm", b->out); /* read, never written */
    rse__bargv_add(a, "-o");
    rse__bargv_add(a, rse__bargv_own(a, rse__batch_dup(pend)));
    rse__bargv_add(a, "--resume");
    if (b->quiet) rse__bargv_add(a, "--quiet");
    if (b->threads) { rse__bargv_add(a, "--threads"); rse__bargv_add(a, b->threads); }
    if (r->n[RSE__BF_WINDOW]) { rse__bargv_add(a, "--window"); rse__bargv_add(a, r->v[RSE__BF_WINDOW][0]); }
    if (r->n[RSE__BF_TRAIN]) {
        const char *txt = r->v[RSE__BF_TRAIN][0];
        if (!rse__bj_parse(jt, txt, strlen(txt))) { rse__fmt(msg, cap, "train: not a JSON object: %s", jt->err); return 0; }
        for (i = 1; i < jt->n; i++) {
            const rse__bj_node *nd = &jt->nodes[i];
            for (k = 0; k < RSE__BATCH_NTRAIN && strcmp(rse__batch_train_keys[k][0], nd->key); k++) {}
            if (k == RSE__BATCH_NTRAIN) { snprintf(msg, cap, "train: unknown option \"%.60s\"", nd->key); return 0; }
            if (nd->type != RSE__BJ_STR && nd->type != RSE__BJ_NUM) {
                rse__fmt(msg, cap, "train: \"%s\" must be a number or a string", nd->key);
                return 0;
            }
            /* the strings live in jt's buffer: copied, as jt is reused */
            rse__bargv_add(a, rse__batch_train_keys[k][1]);
            rse__bargv_add(a, rse__bargv_own(a, rse__batch_dup(nd->s)));
        }
    }
    if (a->bad) { rse__fmt(msg, cap, "out of memory"); return 0; }
    rse__cli_lastmsg[0] = 0;
    rc = rse__cli_train_parse(a->argc, a->argv, to);
    if (rc != RSE__EXIT_OK) { rse__fmt(msg, cap, "train: %s", rse__cli_lastmsg[0] ? rse__cli_lastmsg : "bad options"); return 0; }
    return 1;
}

/* The resolved training, as text: what the model cache's key hashes (with
   the image's bytes) and what job.json records. --micro-batch, --threads
   and --save-every are left out: they never change the model. */
RSE__FN void rse__batch_train_text(rse__cli_text *t, const rse__cli_train_opts *to, int json) {
    const rse_train_params *p = &to->p;
    rse__cli_puts(t, json ? "{\"dim\": %d, \"batch\": %d, \"crop\": %d, \"steps\": %ld, \"lr\": %.9g, \"seed\": %llu, "
                            "\"coarse\": %.9g, \"window\": " : "dim %d\nbatch %d\ncrop %d\nsteps %ld\nlr %.9g\nseed %llu\n"
                            "coarse %.9g\nwindow ",
                  p->dim, p->batch, p->crop, p->steps, (double)p->lr, (unsigned long long)p->seed, (double)p->coarse);
    if (json) {
        if (to->window) rse__cli_json_str(t, to->window); else rse__cli_puts(t, "null");
        rse__cli_puts(t, "}");
    } else {
        rse__cli_puts(t, "%s\n", to->window ? to->window : "-");
    }
}

/* pre.png / post_K.png / mask.png: at the window's size for a window edit. */
RSE__FN rse_status rse__batch_save(const char *dir, const char *name, const rse_image *img, const rse__cli_edit_opts *eo,
                                   int crop) {
    char path[4300];
    rse_image c;
    rse_status st;
    rse__fmt(path, sizeof path, "%s/%s", dir, name);
    if (!crop || !eo->has_window) return rse_image_save(path, img);
    if ((st = rse_image_crop(img, &eo->window, &c)) != RSE_STATUS_OK) return st;
    st = rse_image_save(path, &c);
    rse_image_free(&c);
    return st;
}

/* edit's sink: writes the job's files, then job.json, then its index lines. */
RSE__FN int rse__batch_sink(void *ctx, const rse__cli_edit_result *r) {
    rse__batch *b = (rse__batch *)ctx;
    const rse__cli_edit_opts *eo = b->eo;
    const rse_edit_params *ep = &eo->ep;
    const rse__bvals *job = b->job;
    char dir[4200], path[4300], hex[65], name[64];
    rse__cli_text js;
    rse_image mk;
    int i, k, f, rc = RSE__EXIT_OK;
    size_t p, np;

    rse__fmt(dir, sizeof dir, "%s/%s", b->out, b->id);
    if (!rse__cli_exists(dir) && rse__mkdir(dir) != 0) {
        rse__fail(RSE_STATUS_IO, "%s: cannot create the folder: %s", dir, strerror(errno));
        return rse__cli_fail();
    }
    if (rse__batch_save(dir, "pre.png", r->img, eo, 1) != RSE_STATUS_OK) return rse__cli_fail();
    for (i = 0; i < r->count; i++) {
        rse__fmt(name, sizeof name, "post_%d.png", i);
        if (rse__batch_save(dir, name, &r->outs[i], eo, 1) != RSE_STATUS_OK) return rse__cli_fail();
    }
    /* the mask: where the edit was confined (edit's --save-mask mask, at
       0.5), else the copy targets, else everything (a whole-image edit) */
    {
        int w = eo->has_window ? eo->window.w : r->img->w, h = eo->has_window ? eo->window.h : r->img->h;
        if (rse_image_alloc(&mk, w, h, 1) != RSE_STATUS_OK) return rse__cli_fail();
        np = (size_t)w * h;
        if (r->mask->data && r->mask->w == w && r->mask->h == h) {
            for (p = 0; p < np; p++) mk.data[p] = r->mask->data[p] >= 0.5f ? 1.0f : 0.0f;
        } else if (ep->copy) {
            memset(mk.data, 0, np * sizeof *mk.data);
            for (k = 0; k < ep->ncopy_to; k++) {
                /* boxes are in the image's pixels, the mask in the window's */
                const rse_roi *t = &ep->copy_to[k];
                int x, y, ox = eo->has_window ? eo->window.x : 0, oy = eo->has_window ? eo->window.y : 0;
                for (y = t->y - oy; y < t->y - oy + t->h && y < h; y++)
                    for (x = t->x - ox; x < t->x - ox + t->w && x < w; x++)
                        if (x >= 0 && y >= 0) mk.data[(size_t)y * w + x] = 1.0f;
            }
        } else {
            for (p = 0; p < np; p++) mk.data[p] = 1.0f;
        }
        rse__fmt(path, sizeof path, "%s/mask.png", dir);
        if (rse_image_save(path, &mk) != RSE_STATUS_OK) rc = rse__cli_fail();
        rse_image_free(&mk);
        if (rc != RSE__EXIT_OK) return rc;
    }
    /* job.json: the job as resolved, the inputs' SHA-256, the scores; the
       times alone on the last line ("seconds"), the only line that differs
       between two runs of one job */
    memset(&js, 0, sizeof js);
    rse__cli_puts(&js, "{\n  \"rsedit\": \"%s\",\n  \"id\": \"%s\",\n  \"line\": %ld,\n  \"job\": {", RSE_VERSION, b->id, b->line);
    for (f = 1, k = 0; f < RSE__BF_ALL; f++) {
        const rse__bfield *fd = rse__bfield_at(f);
        if (!job->n[f] || f == RSE__BF_TRAIN || (f == RSE__BF_MODEL && b->to)) continue;
        rse__cli_puts(&js, "%s\"%s\": ", k++ ? ", " : "", fd->name);
        if (fd->kind == RSE__BK_LIST) {
            rse__cli_puts(&js, "[");
            for (i = 0; i < job->n[f]; i++) { if (i) rse__cli_puts(&js, ", "); rse__cli_json_str(&js, job->v[f][i]); }
            rse__cli_puts(&js, "]");
        } else if (fd->kind == RSE__BK_BOOL) {
            rse__cli_puts(&js, "%s", !strcmp(job->v[f][0], "true") ? "true" : "false");
        } else {
            rse__cli_json_str(&js, job->v[f][0]);
        }
    }
    rse__cli_puts(&js, "},\n  \"image\": {\"path\": ");
    rse__cli_json_str(&js, b->image_rel);
    rse__cli_puts(&js, ", \"sha256\": \"%s\", \"width\": %d, \"height\": %d},\n  \"model\": {\"path\": ", b->image_sha,
                  r->img->w, r->img->h);
    rse__cli_json_str(&js, b->model_rel);
    rse__cli_sha256_file(b->model_path, hex);
    rse__cli_puts(&js, ", \"sha256\": \"%s\", \"dim\": %d, \"scales\": %d, \"train\": ", hex, r->model->net.dim, r->model->pyr.n);
    if (b->to) rse__batch_train_text(&js, b->to, 1); else rse__cli_puts(&js, "null");
    rse__cli_puts(&js, "},\n  \"clip\": ");
    if (eo->text || eo->prompts) {
        rse__cli_puts(&js, "{\"path\": ");
        rse__cli_json_str(&js, b->clip);
        rse__cli_puts(&js, ", \"sha256\": \"%s\", \"templates\": \"%s\", \"views\": %d}", b->clip_sha, eo->templ, eo->views);
    } else {
        rse__cli_puts(&js, "null");
    }
    for (i = 0; i < 2; i++) {
        const char *pth = i ? eo->mask_path : eo->prompts;
        if (!pth) continue;
        rse__cli_sha256_file(pth, hex);
        rse__cli_puts(&js, ",\n  \"%s_sha256\": \"%s\"", i ? "mask" : "prompts", hex);
    }
    rse__cli_puts(&js, ",\n  ");
    rse__cli_edit_params_json(&js, ep, eo->keep, eo->text || eo->prompts);
    rse__cli_puts(&js, "  \"clip_score_pre\": ");
    if (r->score0 >= 0) rse__cli_puts(&js, "%.4f", r->score0); else rse__cli_puts(&js, "null");
    rse__cli_puts(&js, ",\n  \"outputs\": [");
    for (i = 0; i < r->count; i++) {
        rse__cli_puts(&js, "%s{\"post\": \"post_%d.png\", \"clip_score\": ", i ? ", " : "", i);
        if (r->scores[i] >= 0) rse__cli_puts(&js, "%.4f}", r->scores[i]); else rse__cli_puts(&js, "null}");
    }
    rse__cli_puts(&js, "],\n  \"seconds\": {\"train\": %.2f, \"edit\": %.2f}\n}\n", b->t_train, rse__cli_now() - b->t_edit0);
    rse__fmt(path, sizeof path, "%s/job.json", dir);
    if (js.bad || rse__write_file_atomic(path, rse__cli_text_emit, &js) != RSE_STATUS_OK)
        rc = js.bad ? (rse__fail(RSE_STATUS_NOMEM, "out of memory"), rse__cli_fail()) : rse__cli_fail();
    RSE_FREE(js.p);
    if (rc != RSE__EXIT_OK) return rc;
    /* the index, last: one line per output not in it yet */
    rse__fmt(path, sizeof path, "%s/index.jsonl", b->out);
    for (i = 0; i < r->count && rc == RSE__EXIT_OK; i++) {
        if (rse__batch_is_done(b, b->id, i)) continue;
        memset(&js, 0, sizeof js);
        rse__cli_puts(&js, "{\"id\": \"%s\", \"k\": %d, \"line\": %ld, \"pre\": \"%s/pre.png\", \"post\": \"%s/post_%d.png\", "
                      "\"mask\": \"%s/mask.png\", \"text\": ", b->id, i, b->line, b->id, b->id, i, b->id);
        if (eo->text) rse__cli_json_str(&js, eo->text);
        else if (job->n[RSE__BF_PROMPTS]) rse__cli_json_str(&js, job->v[RSE__BF_PROMPTS][0]);
        else rse__cli_puts(&js, "null");
        rse__cli_puts(&js, ", \"seed\": %llu, \"clip_score_pre\": ", (unsigned long long)ep->seed);
        if (r->score0 >= 0) rse__cli_puts(&js, "%.4f", r->score0); else rse__cli_puts(&js, "null");
        rse__cli_puts(&js, ", \"clip_score_post\": ");
        if (r->scores[i] >= 0) rse__cli_puts(&js, "%.4f}\n", r->scores[i]); else rse__cli_puts(&js, "null}\n");
        if (js.bad || !rse__batch_append(path, js.p, js.n)) {
            rse__fail(RSE_STATUS_IO, "%s: cannot append: %s", path, js.bad ? "out of memory" : strerror(errno));
            rc = rse__cli_fail();
        }
        RSE_FREE(js.p);
    }
    return rc;
}

/* Runs one job (already read into *job): resolve, skip if done, train if
   needed, edit. Returns 1 done now, 0 done before, -1 failed (reported). */
RSE__FN int rse__batch_job(rse__batch *b, rse__bj *jt, const rse__bvals *job, long line) {
    static rse__bvals r;               /* large: not on the stack */
    static rse__cli_edit_opts eo;
    static rse__cli_train_opts to;
    rse__bargv ea, ta;
    char msg[RSE__ERRLEN], place[4200];
    const char *image;
    int f, i, rc, result = -1, has_text;
    memset(&ea, 0, sizeof ea);
    memset(&ta, 0, sizeof ta);
    msg[0] = 0;
    rse__batch_resolve(b, job, &r);
    b->id = job->v[RSE__BF_ID][0];
    b->line = line;
    b->job = &r;
    b->to = 0;
    b->t_train = 0;
    image = rse__bargv_own(&ea, rse__batch_join(b, r.v[RSE__BF_IMAGE][0]));
    b->image_rel = r.v[RSE__BF_IMAGE][0];
    /* edit's argv; the model may not be known yet (a placeholder) and -o
       names a file in OUT that the sink never lets edit write */
    rse__fmt(place, sizeof place, "%s/batch.png", b->out);
    rse__bargv_add(&ea, "edit");
    if (r.n[RSE__BF_MODEL])
        rse__bargv_add(&ea, r.from_job[RSE__BF_MODEL] ? rse__bargv_own(&ea, rse__batch_join(b, r.v[RSE__BF_MODEL][0]))
                                                      : r.v[RSE__BF_MODEL][0]);
    else
        rse__bargv_add(&ea, "./model-to-train");
    rse__bargv_add(&ea, image);
    rse__bargv_add(&ea, "-o");
    rse__bargv_add(&ea, place);
    rse__bargv_add(&ea, "--save-mask");
    if (b->quiet) rse__bargv_add(&ea, "--quiet");
    if (b->threads) { rse__bargv_add(&ea, "--threads"); rse__bargv_add(&ea, b->threads); }
    has_text = r.n[RSE__BF_TEXT] || r.n[RSE__BF_PROMPTS];
    /* CLIP options only for a text edit: edit refuses them otherwise */
    if (has_text && b->clip) { rse__bargv_add(&ea, "--clip"); rse__bargv_add(&ea, b->clip); }
    if (has_text && b->vocab) { rse__bargv_add(&ea, "--vocab"); rse__bargv_add(&ea, b->vocab); }
    if (has_text && b->act) { rse__bargv_add(&ea, "--clip-act"); rse__bargv_add(&ea, b->act); }
    if (has_text && b->heads) { rse__bargv_add(&ea, "--clip-heads"); rse__bargv_add(&ea, b->heads); }
    if (has_text && b->fp32) rse__bargv_add(&ea, "--clip-fp32");
    if (has_text && b->exact) rse__bargv_add(&ea, "--exact");
    for (f = RSE__BF_EDIT0; f < RSE__BF_ALL; f++) {
        const rse__bfield *fd = rse__bfield_at(f);
        for (i = 0; i < r.n[f]; i++) {
            const char *v = r.v[f][i];
            if (fd->kind == RSE__BK_BOOL) { if (!strcmp(v, "true")) rse__bargv_add(&ea, fd->flag); continue; }
            rse__bargv_add(&ea, fd->flag);
            rse__bargv_add(&ea, fd->kind == RSE__BK_PATH && r.from_job[f] ? rse__bargv_own(&ea, rse__batch_join(b, v)) : v);
        }
    }
    if (ea.bad) { rse__fmt(msg, sizeof msg, "too many values, or out of memory"); goto done; }
    rse__cli_lastmsg[0] = 0;
    if (rse__cli_edit_parse(ea.argc, ea.argv, &eo) != RSE__EXIT_OK) {
        rse__fmt(msg, sizeof msg, "%s", rse__cli_lastmsg[0] ? rse__cli_lastmsg : "bad job");
        goto done;
    }
    for (i = 0; i < eo.ep.count && rse__batch_is_done(b, b->id, i); i++) {}
    if (i == eo.ep.count) { result = 0; goto done; }
    rse__cli_sha256_file(image, b->image_sha);
    if (!b->image_sha[0]) { rse__fmt(msg, sizeof msg, "%s", rse_last_error()); goto done; }
    if (r.n[RSE__BF_MODEL]) {
        rse__fmt(b->model_path, sizeof b->model_path, "%s", eo.model);
        b->model_rel = r.v[RSE__BF_MODEL][0];
    } else {
        /* the model cache: SHA-256 of the image's bytes and the resolved
           training, so two jobs on one image with one training share it */
        rse__cli_text t;
        rse__sha256 s;
        char hex[65], part[4300];
        double t0 = rse__cli_now();
        if (!rse__batch_train_opts(b, jt, &r, image, &ta, &to, msg, sizeof msg)) goto done;
        b->to = &to;
        memset(&t, 0, sizeof t);
        rse__cli_puts(&t, "rsedit batch model 1\nimage %s\n", b->image_sha);
        rse__batch_train_text(&t, &to, 0);
        if (t.bad) { RSE_FREE(t.p); rse__fmt(msg, sizeof msg, "out of memory"); goto done; }
        rse__sha256_init(&s);
        rse__sha256_update(&s, t.p, t.n);
        rse__sha256_hex(&s, hex);
        RSE_FREE(t.p);
        rse__fmt(b->model_path, sizeof b->model_path, "%s/models/%s.rsm", b->out, hex);
        /* relative to OUT, so a copied or merged OUT still names it */
        b->model_rel = b->model_path + strlen(b->out) + 1;
        if (!rse__cli_exists(b->model_path)) {
            /* trained under .part with --resume (bit-exact after a kill),
               renamed once complete: HASH.rsm is always a finished model */
            rse__fmt(part, sizeof part, "%s/models/%s.part", b->out, hex);
            to.out = part;
            if (!b->quiet) fprintf(stderr, "batch: %s: training %s\n", b->id, b->model_path);
            rse__cli_lastmsg[0] = 0;
            if ((rc = rse__cli_train_run(&to)) != RSE__EXIT_OK) {
                rse__fmt(msg, sizeof msg, "train: %s", rc == 130 ? "interrupted" : rse__cli_lastmsg[0] ? rse__cli_lastmsg : "failed");
                goto done;
            }
            if (rename(part, b->model_path) != 0 && !rse__cli_exists(b->model_path)) {
                rse__fmt(msg, sizeof msg, "%s: cannot rename %s over it: %s", b->model_path, part, strerror(errno));
                goto done;
            }
            to.out = b->model_path;
        }
        b->t_train = rse__cli_now() - t0;
        eo.model = b->model_path;
    }
    /* CLIP's options come from the command line only, so one load serves
       every text job (a ViT-L checkpoint takes seconds and gigabytes) */
    if ((eo.text || eo.prompts) && !b->clipm) {
        rse__clip_cli ca = eo.ca;
        ca.model = eo.clip_path;
        if (rse_clip_load(&b->clipm, eo.clip_path, &ca.opt) != RSE_STATUS_OK ||
            rse__clip_cli_vocab(&ca, 1, &b->vocabm) != RSE_STATUS_OK) {
            rse__fmt(msg, sizeof msg, "%s", rse_last_error());
            rse_clip_free(b->clipm);
            b->clipm = 0;
            goto done;
        }
    }
    eo.clip = b->clipm;
    eo.vocab = b->vocabm;
    b->eo = &eo;
    eo.sink = rse__batch_sink;
    eo.sink_ctx = b;
    eo.save_mask = 1;
    b->t_edit0 = rse__cli_now();
    rse__cli_lastmsg[0] = 0;
    if (rse__cli_edit_run(&eo) != RSE__EXIT_OK) {
        rse__fmt(msg, sizeof msg, "%s", rse__cli_lastmsg[0] ? rse__cli_lastmsg : "the edit failed");
        goto done;
    }
    result = 1;
done:
    if (result < 0) rse__batch_error(b, line, b->id, msg);
    rse__bargv_free(&ea);
    rse__bargv_free(&ta);
    return result;
}

/* Reads batch's command line into *b: its own options, and a default for
   every job field that has a flag. Returns RSE__EXIT_OK or the status. */
RSE__FN int rse__batch_args(int argc, char **argv, rse__batch *b) {
    static const char *const opts[7] = { "-o", "--clip", "--vocab", "--clip-act", "--clip-heads", "--threads", "--shard" };
    const char *val;
    int i, k, f, r, t;
    for (i = 1; i < argc; i++) {
        if (rse__cli_flag(argv, i, "--quiet")) { b->quiet = 1; continue; }
        if (rse__cli_flag(argv, i, "--clip-fp32")) { b->fp32 = 1; continue; }
        if (rse__cli_flag(argv, i, "--exact")) { b->exact = 1; continue; }
        k = rse__cli_optv(argc, argv, &i, opts, 7, &val);
        if (k == -2) return rse__cli_usage(argv[0], "%s needs a value", argv[i]);
        if (k == 0) b->out = val;
        else if (k == 1) b->clip = val;
        else if (k == 2) b->vocab = val;
        else if (k == 3) b->act = val;
        else if (k == 4) b->heads = val;
        else if (k == 5) {
            if (!rse__cli_int(val, 1, 64, &t)) return rse__cli_usage(argv[0], "--threads must be in 1..64");
            b->threads = val;
        } else if (k == 6) {
            char *end;
            long si = strtol(val, &end, 10), sn = end != val && *end == '/' ? strtol(end + 1, &end, 10) : 0;
            if (si < 0 || sn < 1 || sn > 1000000L || si >= sn || *end)
                return rse__cli_usage(argv[0], "--shard needs I/N with 0 <= I < N, e.g. 0/4");
            b->shard = (int)si;
            b->nshards = (int)sn;
        }
        if (k >= 0) continue;
        for (f = 0; f < RSE__BF_ALL; f++) {
            const rse__bfield *fd = rse__bfield_at(f);
            if (!fd->flag) continue;
            if (fd->kind == RSE__BK_BOOL) {
                if (!rse__cli_flag(argv, i, fd->flag)) continue;
                val = "true";
            } else if ((r = rse__cli_opt(argc, argv, &i, fd->flag, &val)) == 0) {
                continue;
            } else if (r < 0) {
                return rse__cli_usage(argv[0], "%s needs a value", fd->flag);
            }
            if (b->cli.n[f] && fd->kind != RSE__BK_LIST) return rse__cli_usage(argv[0], "%s given twice", fd->flag);
            if (b->cli.n[f] == RSE__CLI_MAX_REGIONS) return rse__cli_usage(argv[0], "at most %d %s", RSE__CLI_MAX_REGIONS, fd->flag);
            b->cli.given[f] = 1;
            b->cli.v[f][b->cli.n[f]++] = val;
            break;
        }
        if (f < RSE__BF_ALL) continue;
        if (rse__cli_unknown(argv, i)) return rse__cli_usage(argv[0], "unknown option '%s'", argv[i]);
        if (b->manifest) return rse__cli_usage(argv[0], "unexpected argument '%s'", argv[i]);
        b->manifest = argv[i];
    }
    if (!b->manifest) return rse__cli_usage(argv[0], "expected MANIFEST.jsonl");
    if (!b->out) return rse__cli_usage(argv[0], "-o OUT (a folder) is required");
    if (strlen(b->out) > 3000) return rse__cli_usage(argv[0], "-o: name too long");
    if (!b->nshards) b->nshards = 1;
    if (rse__dirname(b->manifest, b->mdir, sizeof b->mdir) < 0) return rse__cli_usage(argv[0], "manifest name too long");
    if (b->cli.n[RSE__BF_TRAIN] && b->cli.n[RSE__BF_MODEL])
        return rse__cli_usage(argv[0], "--train is used only for jobs without a model: --model gives one to all");
    return RSE__EXIT_OK;
}

/* The manifest's lines: start and length of each ('\n' or "\r\n" ends a
   line), into arrays of nlines + 1. Returns 0 when out of memory. */
typedef struct { long start, len, dupof; const char *id; } rse__bline;

RSE__FN int rse__batch_split(const unsigned char *man, size_t len, rse__bline **out, long *nout, size_t *maxlen) {
    size_t i, n = 0, start = 0;
    long li = 0;
    rse__bline *l;
    for (i = 0; i < len; i++) n += man[i] == '\n';
    if (n + 2 > SIZE_MAX / sizeof *l) return 0;
    l = (rse__bline *)RSE_MALLOC((n + 2) * sizeof *l);
    if (!l) return 0;
    *maxlen = 1;
    for (i = 0; i <= len; i++) {
        if (i < len && man[i] != '\n') continue;
        if (i == len && start == len) break;
        l[li].start = (long)start;
        l[li].len = (long)(i - start);
        if (l[li].len > 0 && man[i - 1] == '\r') l[li].len--;
        l[li].dupof = -1;
        l[li].id = 0;
        if ((size_t)l[li].len > *maxlen) *maxlen = (size_t)l[li].len;
        li++;
        start = i + 1;
    }
    *out = l;
    *nout = li;
    return 1;
}

RSE__FN int rse__batch_by_id(const void *a, const void *b) {
    const rse__bline *x = *(const rse__bline *const *)a, *y = *(const rse__bline *const *)b;
    int c = strcmp(x->id, y->id);
    return c ? c : x->start < y->start ? -1 : x->start > y->start;
}

/* The id of every line that reads as a job, over the whole manifest and
   whatever the shard, so that every shard agrees on which line repeats an
   id (dupof: the first line that has it). ids are copied to idbuf, as j's
   buffer is reused for each line. */
RSE__FN int rse__batch_ids(rse__bj *j, const unsigned char *man, rse__bline *l, long nl, char *idbuf) {
    static rse__bvals job;
    rse__bline **by = (size_t)nl + 1 > SIZE_MAX / sizeof *by ? 0 : (rse__bline **)RSE_MALLOC(((size_t)nl + 1) * sizeof *by);
    long i, c = 0;
    if (!by) return 0;
    for (i = 0; i < nl; i++) {
        char msg[200];
        if (rse__batch_read_job(j, (const char *)man + l[i].start, (size_t)l[i].len, &job, msg, sizeof msg)) continue;
        l[i].id = strcpy(idbuf, job.v[RSE__BF_ID][0]);
        idbuf += strlen(idbuf) + 1;
        by[c++] = &l[i];
    }
    qsort(by, (size_t)c, sizeof *by, rse__batch_by_id);
    for (i = 1; i < c; i++)
        if (!strcmp(by[i]->id, by[i - 1]->id))
            by[i]->dupof = by[i - 1]->dupof >= 0 ? by[i - 1]->dupof : by[i - 1] - l;
    RSE_FREE(by);
    return 1;
}

/* OUT and OUT/models, and what earlier runs finished or reported. */
RSE__FN int rse__batch_open_out(rse__batch *b) {
    char path[4200];
    int i;
    for (i = 0; i < 2; i++) {
        rse__fmt(path, sizeof path, i ? "%s/models" : "%s", b->out);
        if (!rse__cli_exists(path) && rse__mkdir(path) != 0) {
            fprintf(stderr, "rsedit: %s: cannot create the folder: %s\n", path, strerror(errno));
            return 0;
        }
    }
    for (i = 0; i < 2; i++) {
        rse__fmt(path, sizeof path, i ? "%s/errors.jsonl" : "%s/index.jsonl", b->out);
        if (!rse__batch_load_lines(path, !i, i ? &b->errs : &b->done, i ? &b->nerrs : &b->ndone)) {
            fprintf(stderr, "rsedit: %s: cannot read or repair it: %s\n", path, strerror(errno));
            return 0;
        }
    }
    if (b->clip) rse__cli_sha256_file(b->clip, b->clip_sha);
    return 1;
}

/* 1 if line l of the manifest is blank (not a job, not an error). */
RSE__FN int rse__batch_blank(const unsigned char *man, const rse__bline *l) {
    long q;
    for (q = 0; q < l->len && (man[l->start + q] == ' ' || man[l->start + q] == '\t'); q++) {}
    return q == l->len;
}

/* batch: see its help text in the command table. */
RSE__FN int rse__cmd_batch(int argc, char **argv) {
    static rse__batch b;               /* large: not on the stack */
    static rse__bvals job;
    unsigned char *man = 0;
    size_t len = 0, maxlen = 1, tl;
    rse__bline *lines = 0;
    char *idbuf = 0;
    long nl = 0, li, n = 0, done_before = 0, done_now = 0, failed = 0, seen = 0;
    int rc, have_bj = 0, have_jt = 0;
    double t0 = rse__cli_now();
    rse__bj j, jt;
    memset(&b, 0, sizeof b);
    if ((rc = rse__batch_args(argc, argv, &b)) != RSE__EXIT_OK) return rc;
    if (rse__read_file(b.manifest, &man, &len) != RSE_STATUS_OK) return rse__cli_fail();
    rc = RSE__EXIT_FAIL;
    tl = b.cli.n[RSE__BF_TRAIN] ? strlen(b.cli.v[RSE__BF_TRAIN][0]) : 0;
    if (!rse__batch_split(man, len, &lines, &nl, &maxlen) || !(have_bj = rse__bj_init(&j, maxlen)) ||
        !(have_jt = rse__bj_init(&jt, maxlen > tl ? maxlen : tl)) || !(idbuf = (char *)RSE_MALLOC(len + 1)) ||
        !rse__batch_ids(&j, man, lines, nl, idbuf)) {
        fprintf(stderr, "rsedit: out of memory\n");
        goto out;
    }
    if (tl && !rse__bj_parse(&jt, b.cli.v[RSE__BF_TRAIN][0], tl)) {
        rc = rse__cli_usage(argv[0], "--train must be a JSON object like {\"preset\": \"tiny\"}: %s", jt.err);
        goto out;
    }
    if (!rse__batch_open_out(&b)) goto out;
    for (li = 0; li < nl; li++) n += li % b.nshards == b.shard && !rse__batch_blank(man, &lines[li]);
    for (li = 0; li < nl; li++) {
        const rse__bline *l = &lines[li];
        char msg[RSE__ERRLEN], eta[32];
        const char *bad;
        int res = -1;
        if (li % b.nshards != b.shard || rse__batch_blank(man, l)) continue;
        seen++;
        if ((bad = rse__batch_read_job(&j, (const char *)man + l->start, (size_t)l->len, &job, msg, sizeof msg)) != 0) {
            /* a bad id is still named (escaped) to find the line by */
            rse__batch_error(&b, li + 1, job.n[RSE__BF_ID] ? job.v[RSE__BF_ID][0] : 0, bad);
        } else if (l->dupof >= 0) {
            rse__fmt(msg, sizeof msg, "id %s is already the id of line %ld", l->id, l->dupof + 1);
            rse__batch_error(&b, li + 1, l->id, msg);
        } else {
            res = rse__batch_job(&b, &jt, &job, li + 1);
        }
        if (res > 0) done_now++; else if (res == 0) done_before++; else failed++;
        if (!b.quiet) {
            /* the rate of the jobs this run did (skipped ones cost ~0) */
            long ran = seen - done_before;
            fprintf(stderr, "batch: job %ld/%ld %s: %s  ETA %s\n", seen, n, l->id ? l->id : "?",
                    res > 0 ? "done" : res == 0 ? "done before" : "failed",
                    rse__cli_dur(eta, sizeof eta, seen == n ? 0 : ran > 0 ? (rse__cli_now() - t0) / ran * (double)(n - seen) : -1));
        }
    }
    if (!b.quiet || failed)
        fprintf(stderr, "batch: %ld jobs%s: %ld done now, %ld done before, %ld failed%s\n", n,
                b.nshards > 1 ? " in this shard" : "", done_now, done_before, failed, failed ? " (see errors.jsonl)" : "");
    rc = failed ? RSE__EXIT_FAIL : RSE__EXIT_OK;
out:
    if (have_bj) rse__bj_free(&j);
    if (have_jt) rse__bj_free(&jt);
    rse__batch_free_lines(b.done, b.ndone);
    rse__batch_free_lines(b.errs, b.nerrs);
    rse_clip_vocab_free(b.vocabm);
    rse_clip_free(b.clipm);
    RSE_FREE(man);
    RSE_FREE(lines);
    RSE_FREE(idbuf);
    return rc;
}

/* ---- harmonize and style: SinDDM's image-to-image modes ------------------- */

/* harmonize (style 0) and style (style 1): see their help texts in the
   command table. Usage problems are found before anything is read. */
RSE__FN int rse__cmd_i2i(int argc, char **argv, int style) {
    static const char *const opts[] = { "-o", "--start-t", "--count", "--seed", "--threads", "--image", "--mask",
                                        "--paste", "--at" };
    enum { O_OUT, O_STARTT, O_COUNT, O_SEED, O_THREADS, O_IMAGE, O_MASK, O_PASTE, O_AT, O_N };
    const char *pos[2] = { 0, 0 }, *val, *out = 0, *image = 0, *mask_path = 0, *paste = 0, *what = style ? "style" : "harmonize";
    int npos = 0, i, k, threads = 0, quiet = 0, save_mask = 0, imported = 0, has_at = 0, rc = RSE__EXIT_OK;
    rse_i2i_params p;
    rse_roi at;
    rse_sinddm *m = 0;
    rse_image img, mask, obj, pasted, mout, *outs = 0;
    rse__cli_prog g;
    double t0 = rse__cli_now();

    memset(&img, 0, sizeof img); memset(&mask, 0, sizeof mask); memset(&obj, 0, sizeof obj);
    memset(&pasted, 0, sizeof pasted); memset(&mout, 0, sizeof mout); memset(&at, 0, sizeof at);
    if (style) rse_style_params_init(&p); else rse_harmonize_params_init(&p);
    for (i = 1; i < argc; i++) {
        if (rse__cli_flag(argv, i, "--quiet")) { quiet = 1; continue; }
        if (!style && rse__cli_flag(argv, i, "--save-mask")) { save_mask = 1; continue; }
        if (style && rse__cli_flag(argv, i, "--no-match")) { p.hist_match = 0; continue; }
        k = rse__cli_optv(argc, argv, &i, opts, style ? O_MASK : O_N, &val);
        if (k == -2) return rse__cli_usage(argv[0], "%s needs a value", argv[i]);
        if (k < 0) {
            if (rse__cli_unknown(argv, i)) return rse__cli_usage(argv[0], "unknown option '%s'", argv[i]);
            if (npos == 2) return rse__cli_usage(argv[0], "unexpected argument '%s'", argv[i]);
            pos[npos++] = argv[i];
            continue;
        }
        switch (k) {
        case O_OUT: out = val; break;
        case O_STARTT: if (!rse__cli_int(val, 1, RSE_SD_T - 1, &p.start_t)) return rse__cli_usage(argv[0], "--start-t must be in 1..%d", RSE_SD_T - 1); break;
        case O_COUNT: if (!rse__cli_int(val, 1, 10000, &p.count)) return rse__cli_usage(argv[0], "--count must be in 1..10000"); break;
        case O_SEED: if (!rse__cli_u64(val, &p.seed)) return rse__cli_usage(argv[0], "--seed must be a non-negative integer"); break;
        case O_THREADS: if (!rse__cli_int(val, 1, 64, &threads)) return rse__cli_usage(argv[0], "--threads must be in 1..64"); break;
        case O_IMAGE: image = val; break;
        case O_MASK: mask_path = val; break;
        case O_PASTE: paste = val; break;
        default: /* O_AT */
            if (rse_roi_parse(val, &at) != RSE_STATUS_OK) return rse__cli_usage(argv[0], "--at: %s", rse_last_error());
            has_at = 1;
        }
    }
    if (npos < 2) return rse__cli_usage(argv[0], style ? "expected MODEL and CONTENT" : "expected MODEL and IMAGE");
    if (!out) return rse__cli_usage(argv[0], "-o OUT is required");
    if (rse_format_from_path(out) == RSE_FORMAT_UNKNOWN)
        return rse__cli_usage(argv[0], "cannot tell the format of '%s' (use .ppm, .pgm, .bmp or .png)", out);
    if (!style) {
        if (mask_path && paste) return rse__cli_usage(argv[0], "give --mask or --paste, not both");
        if (!mask_path && !paste) return rse__cli_usage(argv[0], "say what to harmonize: --mask M.pgm, or --paste OBJ --at WxH+X+Y");
        if (!!paste != has_at) return rse__cli_usage(argv[0], "--paste and --at go together");
    }
    if (!rse__cli_out_dir_ok(argv[0], out)) return RSE__EXIT_FAIL;
    if (rse_set_threads(threads ? threads : rse__cli_default_threads()) != RSE_STATUS_OK)
        return rse__cli_usage(argv[0], "%s", rse_last_error());

    /* inputs: every file is read and checked before the run */
    if (rse__cli_load_model(pos[0], image, 0, &m, &imported) != RSE_STATUS_OK) return rse__cli_fail();
    if (image && !imported) {
        rse_sinddm_free(m);
        return rse__cli_usage(argv[0], "--image is for a reference SinDDM checkpoint; %s is an rsedit model, which "
                              "holds its own pyramid: leave --image out", pos[0]);
    }
    if (rse_image_load(pos[1], &img) != RSE_STATUS_OK) { rc = rse__cli_fail(); goto done; }
    if (mask_path && rse_image_load(mask_path, &mask) != RSE_STATUS_OK) { rc = rse__cli_fail(); goto done; }
    if (paste) {
        rse_image_free(&mask);
        if (rse_image_load(paste, &obj) != RSE_STATUS_OK) { rc = rse__cli_fail(); goto done; }
        if (rse_image_paste(&img, &obj, &at, &pasted, &mask) != RSE_STATUS_OK) {
            fprintf(stderr, "rsedit: --at: %s\n", rse_last_error());
            rc = RSE__EXIT_FAIL;
            goto done;
        }
    }
    if (save_mask) p.mask_out = &mout;
    outs = (rse_image *)RSE_MALLOC((size_t)p.count * sizeof *outs);
    if (!outs) { fprintf(stderr, "rsedit: out of memory\n"); rc = RSE__EXIT_FAIL; goto done; }
    rse__cli_prog_init(&g, quiet, 0);
    g.count = p.count;
    g.nscales = m->pyr.n;
    g.area[m->pyr.n - 1] = 1; /* one scale: the finest */
    g.work_total = (double)p.start_t * p.count;
    if ((style ? rse_style_transfer(m, &img, &p, outs, rse__cli_sample_hook, &g)
               : rse_harmonize(m, paste ? &pasted : &img, &mask, &p, outs, rse__cli_sample_hook, &g)) != RSE_STATUS_OK) {
        rse__cli_prog_end(&g);
        RSE_FREE(outs);
        outs = 0;
        fprintf(stderr, "rsedit: %s: %s\n", mask_path && strstr(rse_last_error(), "mask") ? mask_path : pos[1], rse_last_error());
        rc = RSE__EXIT_FAIL;
        goto done;
    }
    rse__cli_prog_end(&g);
    for (i = 0; i < p.count && rc == RSE__EXIT_OK; i++) {
        char *path = rse__cli_numbered(out, i, p.count);
        if (!path || rse_image_save(path, &outs[i]) != RSE_STATUS_OK) rc = rse__cli_fail();
        else if (!quiet) fprintf(stderr, "%s: wrote %s (%dx%d)\n", what, path, outs[i].w, outs[i].h);
        RSE_FREE(path);
    }
    if (rc == RSE__EXIT_OK) {
        rse__cli_text js;
        char *jpath = rse__cli_swap_ext(out, ".json"), *mpath = save_mask ? rse__cli_swap_ext(out, "_mask.pgm") : 0;
        if (mpath && mout.data && rse_image_save(mpath, &mout) != RSE_STATUS_OK) rc = rse__cli_fail();
        memset(&js, 0, sizeof js);
        rse__cli_sidecar_head(&js, style ? "style_transfer" : "harmonization", pos[0], m, pos[1], &img);
        if (!style) {
            rse__cli_puts(&js, "  \"mask\": ");
            if (mask_path) rse__cli_json_str(&js, mask_path); else rse__cli_puts(&js, "null");
            rse__cli_puts(&js, ",\n  \"paste\": ");
            if (paste) {
                rse__cli_puts(&js, "{\"object\": ");
                rse__cli_json_str(&js, paste);
                rse__cli_puts(&js, ", \"at\": \"%dx%d+%d+%d\"}", at.w, at.h, at.x, at.y);
            } else rse__cli_puts(&js, "null");
            rse__cli_puts(&js, ",\n  \"saved_mask\": ");
            if (mpath && mout.data) rse__cli_json_str(&js, mpath); else rse__cli_puts(&js, "null");
            rse__cli_puts(&js, ",\n  \"params\": {\"start_t\": %d, \"radius\": %d, \"sigma\": %.6g, \"count\": %d, \"seed\": %llu},\n",
                          p.start_t, p.radius, p.sigma, p.count, (unsigned long long)p.seed);
        } else {
            rse__cli_puts(&js, "  \"params\": {\"start_t\": %d, \"hist_match\": %s, \"count\": %d, \"seed\": %llu},\n",
                          p.start_t, p.hist_match ? "true" : "false", p.count, (unsigned long long)p.seed);
        }
        if (rc == RSE__EXIT_OK) rc = rse__cli_sidecar_end(&js, out, outs, 0, p.count, t0, jpath);
        RSE_FREE(js.p);
        RSE_FREE(jpath);
        RSE_FREE(mpath);
    }
done:
    if (outs) for (i = 0; i < p.count; i++) rse_image_free(&outs[i]);
    RSE_FREE(outs);
    rse_image_free(&mout); rse_image_free(&pasted); rse_image_free(&obj); rse_image_free(&mask); rse_image_free(&img);
    rse_sinddm_free(m);
    return rc;
}

RSE__FN int rse__cmd_harmonize(int argc, char **argv) { return rse__cmd_i2i(argc, argv, 0); }
RSE__FN int rse__cmd_style(int argc, char **argv) { return rse__cmd_i2i(argc, argv, 1); }

/* demo: a no-download tour on the built-in scene. */
RSE__FN int rse__cmd_demo(int argc, char **argv) {
    static const char *const opts[] = { "-o", "--steps", "--threads" };
    const char *dir = "demo", *val;
    int i, k, quiet = 0, threads = 0, steps = 3000, rc = RSE__EXIT_OK;
    char path[4096];
    rse_image scene, sample, edited;
    rse_roi tank, empty, to;
    rse_train_params tp;
    rse_sample_params sp;
    rse_edit_params ep;
    rse_sinddm *m = 0;
    rse__cli_prog g;
    double t0 = rse__cli_now();
    for (i = 1; i < argc; i++) {
        if (rse__cli_flag(argv, i, "--quiet")) { quiet = 1; continue; }
        k = rse__cli_optv(argc, argv, &i, opts, 3, &val);
        if (k == -2) return rse__cli_usage(argv[0], "%s needs a value", argv[i]);
        if (k == 0) dir = val;
        else if (k == 1) { if (!rse__cli_int(val, 1, 1000000, &steps)) return rse__cli_usage(argv[0], "--steps must be in 1..1000000"); }
        else if (k == 2) { if (!rse__cli_int(val, 1, 64, &threads)) return rse__cli_usage(argv[0], "--threads must be in 1..64"); }
        else if (rse__cli_unknown(argv, i)) return rse__cli_usage(argv[0], "unknown option '%s'", argv[i]);
        else return rse__cli_usage(argv[0], "unexpected argument '%s'", argv[i]);
    }
    if (strlen(dir) > 4000) return rse__cli_usage(argv[0], "output folder name too long");
    if (rse_set_threads(threads ? threads : rse__cli_default_threads()) != RSE_STATUS_OK)
        return rse__cli_usage(argv[0], "%s", rse_last_error());
    if (!rse__cli_exists(dir) && rse__mkdir(dir) != 0) {
        fprintf(stderr, "rsedit: %s: cannot create the folder: %s\n", dir, strerror(errno));
        return RSE__EXIT_FAIL;
    }
    memset(&sample, 0, sizeof sample); memset(&edited, 0, sizeof edited);
    if (rse_demo_scene(&scene, &tank, &empty) != RSE_STATUS_OK) return rse__cli_fail();
    /* PNG to look at, PPM to edit (rsedit reads PPM/PGM/BMP, writes PNG too) */
    snprintf(path, sizeof path, "%s/scene.png", dir);
    if (rse_image_save(path, &scene) != RSE_STATUS_OK) { rc = rse__cli_fail(); goto done; }
    snprintf(path, sizeof path, "%s/scene.ppm", dir);
    if (rse_image_save(path, &scene) != RSE_STATUS_OK) { rc = rse__cli_fail(); goto done; }
    if (!quiet) fprintf(stderr, "demo: drew a %dx%d scene: %s/scene.png (and .ppm)\n", scene.w, scene.h, dir);
    /* a small model: the demo must finish in minutes on 2 cores */
    rse_train_params_init(&tp, "tiny");
    tp.dim = 32; tp.batch = 4; tp.micro_batch = 4; tp.crop = 48; tp.steps = steps; tp.seed = 1;
    if (rse_sinddm_create(&m, &scene, &tp) != RSE_STATUS_OK) { rc = rse__cli_fail(); goto done; }
    rse__cli_prog_init(&g, quiet, 0);
    if (rse_sinddm_train(m, 0, rse__cli_train_hook, &g) != RSE_STATUS_OK) { rse__cli_prog_end(&g); rc = rse__cli_fail(); goto done; }
    rse__cli_prog_end(&g);
    snprintf(path, sizeof path, "%s/model.rsm", dir);
    if (rse_sinddm_save(m, path) != RSE_STATUS_OK) { rc = rse__cli_fail(); goto done; }
    if (!quiet) fprintf(stderr, "demo: trained dim %d for %d steps: %s\n", tp.dim, steps, path);
    rse_sample_params_init(&sp);
    sp.seed = 7;
    if (rse_sinddm_sample(m, &sp, &sample, 0, 0) != RSE_STATUS_OK) { rc = rse__cli_fail(); goto done; }
    snprintf(path, sizeof path, "%s/sample.png", dir);
    if (rse_image_save(path, &sample) != RSE_STATUS_OK) { rc = rse__cli_fail(); goto done; }
    if (!quiet) fprintf(stderr, "demo: a random sample of the scene: %s\n", path);
    /* ROI content copy: a tank into the empty field */
    rse_edit_params_init(&ep);
    to = empty;
    to.w = tank.w; to.h = tank.h;
    ep.copy = 1; ep.copy_from = tank; ep.copy_to = &to; ep.ncopy_to = 1; ep.feather = 4; ep.seed = 3;
    if (rse_edit(m, &scene, &ep, &edited, 0, 0) != RSE_STATUS_OK) { rc = rse__cli_fail(); goto done; }
    snprintf(path, sizeof path, "%s/copy.png", dir);
    if (rse_image_save(path, &edited) != RSE_STATUS_OK) { rc = rse__cli_fail(); goto done; }
    if (!quiet) {
        fprintf(stderr, "demo: copied the tank at %dx%d+%d+%d into the field at %dx%d+%d+%d: %s\n",
                tank.w, tank.h, tank.x, tank.y, to.w, to.h, to.x, to.y, path);
        fprintf(stderr, "demo: done in %.0f s. The same copy from the command line:\n"
                "  rsedit edit %s/model.rsm %s/scene.ppm -o %s/copy2.png --copy-from %dx%d+%d+%d --copy-to %dx%d+%d+%d\n"
                "A text edit needs RemoteCLIP weights and the CLIP vocabulary (see README.md):\n"
                "  rsedit edit %s/model.rsm %s/scene.ppm -o %s/fire.png --clip RemoteCLIP-ViT-B-32.pt \\\n"
                "      --vocab bpe_simple_vocab_16e6.txt.gz --text \"a fire in the forest\" --roi 40x30+2+2\n",
                rse__cli_now() - t0, dir, dir, dir, tank.w, tank.h, tank.x, tank.y, to.w, to.h, to.x, to.y, dir, dir, dir);
    }
done:
    rse_image_free(&scene);
    rse_image_free(&sample);
    rse_image_free(&edited);
    rse_sinddm_free(m);
    return rc;
}

/* The command table: a new command is one row here. */
static const rse__cmd rse__cmds[] = {
    { "demo", "a no-download tour: draw a scene, train, sample, copy a tank",
      "usage: rsedit demo [-o DIR] [--steps N] [--threads T] [--quiet]\n"
      "\n"
      "Draws a 160x128 aerial-like scene from code (fields, a river, roads,\n"
      "roofs, two round tanks), trains a small SinDDM on it, writes a random\n"
      "sample, and copies one tank into an empty field with ROI content copy.\n"
      "Outputs go to DIR (default ./demo): scene.png (and scene.ppm), model.rsm,\n"
      "sample.png, copy.png. Then it prints the commands for the same copy and for a text\n"
      "edit with RemoteCLIP weights.\n"
      "\n"
      "  -o DIR       output folder (created if missing; default demo)\n"
      "  --steps N    training steps (default 3000: about 3 minutes on 2 cores)\n"
      "  --threads T  worker threads (default: the online CPUs)\n"
      "  --quiet      no progress\n",
      rse__cmd_demo, 0 },
    { "edit", "edit an image with a text, a region, or a content copy",
      "usage: rsedit edit MODEL IMAGE -o OUT [options]\n"
      "\n"
      "MODEL is an rsedit model (or a SinDDM torch checkpoint) trained on IMAGE.\n"
      "The image is taken to its pyramid, noised at a start scale and denoised\n"
      "upward while guidance acts on each estimate of the clean image.\n"
      "Writes OUT (numbered OUT_0, OUT_1, ... with --count) and OUT.json: every\n"
      "parameter, the seed, the files' SHA-256, the CLIP scores, the time.\n"
      "An option the request would not use is refused, not ignored.\n"
      "\n"
      "text guidance (needs --clip):\n"
      "  --text T            the edit, e.g. \"a fire in the forest\"\n"
      "  --prompts FILE      an ensemble: one prompt per line, # comments\n"
      "  --clip M            RemoteCLIP / OpenAI CLIP checkpoint (.pt, .safetensors)\n"
      "  --vocab V           bpe_simple_vocab_16e6.txt.gz (default: $RSEDIT_VOCAB,\n"
      "                      else next to M)\n"
      "  --clip-act A        quickgelu (default) or gelu;  --clip-fp32;  --clip-heads V,T\n"
      "  --exact             CLIP's gradient in float32 throughout; by default its\n"
      "                      products are bfloat16 where the CPU has AVX512_BF16\n"
      "                      (faster; OUT.json says which). Scores are float32\n"
      "  --views N           differentiable views per step (16; 1 = the plain image)\n"
      "  --strength S        step size relative to the image inside the mask (0.2)\n"
      "  --fill F            fraction of the image (or of the regions) allowed\n"
      "                      to change (0.2; 1 = all of it)\n"
      "  --momentum L        weight of the new estimate inside the mask (0.05,\n"
      "                      the paper's; SinDDM's clip_content used 0.2)\n"
      "  --stop N            no guidance in the last N steps (3)\n"
      "  --templates T       auto (hr above scale 0, lr at 0), hr, lr or none\n"
      "  --style T           the whole image in the look of \"T Style\", as\n"
      "                      SinDDM's clip_style_trans (clip_style_gen with\n"
      "                      --from-noise); strength 0.3, fill 1 unless given\n"
      "regions:\n"
      "  --roi WxH+X+Y       confine the text edit to a box (repeatable); the\n"
      "                      rest of the image comes back as the original\n"
      "  --mask FILE         or to a mask image (white = edit)\n"
      "  --pixel             SinDDM's clip_roi: optimise the one --roi in pixel\n"
      "                      space (100 steps, strength 0.1 unless given), then\n"
      "                      re-noise the image to --start-t (3) and denoise\n"
      "  --feather PX        soft edge width in pixels (8), of the regions and of\n"
      "                      the changed area of a whole-image edit\n"
      "  --keep-outside on|off  on (default): a whole-image text edit changes\n"
      "                      only the --fill share where the text acts most\n"
      "                      (smoothed, feathered), the rest is the input\n"
      "                      exactly; off: all of it, as SinDDM's code does\n",
      rse__cmd_edit,
      "content copy:\n"
      "  --copy-from WxH+X+Y --copy-to WxH+X+Y   paste the source region's\n"
      "                      content into the target (repeatable) at every\n"
      "                      scale, and at the finest down to --copy-finest\n"
      "  --copy-strength E   blend weight of the source (0.8)\n"
      "  --copy-finest T|off paste at the finest scale too while its step is\n"
      "                      >= T (8); the last T steps blend the edge; off:\n"
      "                      every scale but the finest, as SinDDM's code\n"
      "other:\n"
      "  --start-scale S     scale to start from (default: the finest for regions\n"
      "                      and for whole-image text edits that keep the input\n"
      "                      outside their area; one below the finest with\n"
      "                      --keep-outside off; 1 for copies)\n"
      "  --start-t T         noise the start scale to step T (1..99) instead of\n"
      "                      its own start step (25-57): less noise keeps more\n"
      "                      of the image and leaves the text less room\n"
      "  --from-noise        generate a new sample and steer it instead\n"
      "  --sampler S         reference (default): as SinDDM's code, DDPM when text\n"
      "                      guides (soft regions); reblur: SinDDM's reblurring\n"
      "                      sampler for every edit (sharper, as noisy as samples)\n"
      "  --count N --seed S  N edits; the same seed gives the same files\n"
      "  --save-mask         also write OUT_mask.pgm, the mask used\n"
      "  --window WxH+X+Y    edit a window of a large image (model: train\n"
      "                      --window); pasted back with a feathered seam, the\n"
      "                      rest untouched; regions in the image's pixels;\n"
      "                      TIFF to .tif tile by tile: any size (man rsedit)\n"
      "  --bands B           TIFF bands, from 1, as train's; a .tif OUT keeps a\n"
      "                      GeoTIFF IMAGE's georeferencing tags\n"
      "  --threads T --quiet\n" },
    { "harmonize", "blend an object pasted into an image into the model's look",
      "usage: rsedit harmonize MODEL IMAGE (--mask M | --paste OBJ --at WxH+X+Y)\n"
      "                        -o OUT [--start-t T] [--count N] [--seed S]\n"
      "                        [--save-mask] [--image IMAGE] [--threads T] [--quiet]\n"
      "\n"
      "SinDDM's harmonization: IMAGE (any size) is noised lightly at the model's\n"
      "finest scale and denoised by it, and the result replaces IMAGE inside the\n"
      "mask: every nonzero pixel of the mask's first channel, dilated by a disk\n"
      "of 7 px, blurred (Gaussian, sigma 5) and normalised to [0,1]. Outside that\n"
      "soft mask the output is IMAGE exactly. Above 50,000 pixels the run is at\n"
      "the reference's cap and the change is pasted back at IMAGE's size.\n"
      "Writes OUT (numbered with --count) and OUT.json.\n"
      "\n"
      "  --mask M          the object's mask, IMAGE's size (white = object)\n"
      "  --paste OBJ       or paste the image OBJ into IMAGE first ...\n"
      "  --at WxH+X+Y      ... into this box (resized to it); the box is the mask\n"
      "  --start-t T       the step the image is noised to (1..99; 5, the\n"
      "                    reference's start_t_harm): more changes the object more\n"
      "  --count N --seed S  N outputs; output i uses the stream (S, i)\n"
      "  --save-mask       also write OUT_mask.pgm, the soft mask\n"
      "  --image IMAGE     the training image of a reference SinDDM checkpoint\n"
      "  --threads T --quiet\n",
      rse__cmd_harmonize, 0 },
    { "style", "render a content image in the textures of the model's image",
      "usage: rsedit style MODEL CONTENT -o OUT [--start-t T] [--no-match]\n"
      "                    [--count N] [--seed S] [--image IMAGE] [--threads T] [--quiet]\n"
      "\n"
      "SinDDM's style transfer: CONTENT (any size) gets the histograms of the\n"
      "model's training image (per channel, as skimage's match_histograms), is\n"
      "noised at the model's finest scale and denoised by it, so the layout of\n"
      "CONTENT comes back in the model's colours and textures. Above 50,000\n"
      "pixels the run is at the reference's cap and the result is resized to\n"
      "CONTENT's size. Writes OUT (numbered with --count) and OUT.json.\n"
      "\n"
      "  --start-t T       the step CONTENT is noised to (1..99; 15, the\n"
      "                    reference's start_t_style): more gives more texture,\n"
      "                    less of CONTENT\n"
      "  --no-match        skip the histogram match (the colours stay CONTENT's\n"
      "                    where the model lets them)\n"
      "  --count N --seed S  N outputs; output i uses the stream (S, i)\n"
      "  --image IMAGE     the training image of a reference SinDDM checkpoint\n"
      "  --threads T --quiet\n",
      rse__cmd_style, 0 },
    { "batch", "many edits from a JSONL manifest: resumable, shardable",
      "usage: rsedit batch MANIFEST.jsonl -o OUT [--shard I/N] [--clip M --vocab V]\n"
      "                    [--threads T] [--quiet] [DEFAULTS...]\n"
      "\n"
      "Runs one edit per line of MANIFEST, a JSON object whose fields are named\n"
      "like edit's flags and mean exactly what they mean:\n"
      "  id (required: A-Z a-z 0-9 . _ -, unique), image (required), model,\n"
      "  text | prompts, roi (a list) | mask, copy_from, copy_to (a list),\n"
      "  copy_strength, copy_finest (a string: \"off\" or a step), count, seed,\n"
      "  strength, views, fill, momentum, stop, feather, start_scale, start_t,\n"
      "  templates, keep_outside, sampler,\n"
      "  window, from_noise (true/false), and train: an object of train\n"
      "  options (preset, steps, dim, batch, micro_batch, crop, lr, seed,\n"
      "  coarse, t_focus, save_every) for a job without a model.\n"
      "Paths are relative to the manifest's folder. Unknown fields are refused;\n"
      "null gives a field no value. E.g.\n"
      "  {\"id\": \"t1\", \"image\": \"pre/t1.ppm\", \"prompts\": \"tsunami.txt\",\n"
      "   \"roi\": [\"64x64+32+32\"], \"count\": 4, \"seed\": 1}\n"
      "\n"
      "DEFAULTS: every field but id and image, as a flag: --model M,\n"
      "--train '{\"preset\": \"tiny\", \"steps\": 500}', --text T, --prompts F,\n"
      "--roi R (repeatable), --mask M, --copy-from R, --copy-to R (repeatable),\n"
      "--copy-strength, --copy-finest, --count, --seed, --strength, --views,\n"
      "--fill, --momentum,\n"
      "--stop, --feather, --start-scale, --start-t, --templates, --keep-outside,\n"
      "--sampler, --window, --from-noise. A job's field wins; a job that gives\n"
      "text or prompts (roi or mask, copy_from or copy_to) drops the defaults of\n"
      "both; a default text option (--views ...) is used only by text jobs and\n"
      "--copy-strength and --copy-finest only by copies. Paths given as flags\n"
      "are as usual relative to the current folder.\n"
      "\n"
      "A job without a model trains one first, cached as OUT/models/HASH.rsm\n"
      "(HASH: SHA-256 of the image's bytes and the resolved training), so jobs\n"
      "on one image train once. Each job writes OUT/ID/pre.png (the input, or its\n"
      "window), post_K.png (K = 0..count-1), mask.png (the edited region, 0/255)\n"
      "and job.json (the resolved job, seed, SHA-256 of the inputs, CLIP scores\n"
      "before and after, and on its own line \"seconds\", the only line that\n"
      "differs between runs), then appends one line per output to\n"
      "OUT/index.jsonl. A failed job or a malformed line goes to\n"
      "OUT/errors.jsonl with its line number and id, and the run goes on.\n"
      "\n"
      "Killed at any moment (even SIGKILL) and started again, a run skips the\n"
      "jobs in the index and ends with the files of an uninterrupted run.\n"
      "  --shard I/N   only the lines whose 0-based index mod N is I: N machines\n"
      "                share a manifest with no coordination; their OUT folders\n"
      "                merge by copying (index.jsonl by concatenation)\n"
      "  --clip M, --vocab V, --clip-act A, --clip-heads V,T, --clip-fp32,\n"
      "  --exact       as edit's, for every text job\n"
      "  --quiet       no progress (\"batch: job k/n ID: done  ETA ...\")\n"
      "Exit status 1 if any job failed.\n",
      rse__cmd_batch, 0 },
    { "convert", "convert an image (PPM, PGM, BMP, PNG, TIFF, JPEG in; PPM, PGM, BMP, PNG, TIFF out)",
      "usage: rsedit convert IN OUT [--bits 8|16] [--resize WxH [--filter F]]\n"
      "                      [--bands B1,B2,B3]\n"
      "\n"
      "Reads IN (PPM P3/P6, PGM P2/P5 with any maxval up to 65535, a BMP\n"
      "(uncompressed, RLE8 or RLE4), a PNG of any colour type and depth, alpha\n"
      "dropped, or a TIFF: strips or tiles, none, LZW, Deflate or PackBits, 8 or\n"
      "16 bits, any number of bands) and writes OUT in the format named by its\n"
      "extension: .ppm, .pgm, .bmp (24-bit), .png (8 or 16-bit, uncompressed) or\n"
      ".tif/.tiff (8 or 16-bit, Deflate, strips, 256x256 tiles above 1024 pixels a\n"
      "side; a GeoTIFF IN's georeferencing tags are kept, unless --resize). Gray\n"
      "input stays gray in PGM, PNG and TIFF and is expanded to RGB in PPM and\n"
      "BMP; colour written as PGM becomes the mean of R, G and B. OUT is written\n"
      "to a temporary file and renamed, so it is never left half-written.\n"
      "\n"
      "  --bits 8|16   sample depth of PPM/PGM/PNG/TIFF output (default 8)\n"
      "  --resize WxH  resize to W x H as Pillow's Image.resize does on 8-bit\n"
      "                images (with antialiasing when shrinking; the pyramid's\n"
      "                resampler, byte for byte)\n"
      "  --filter F    bicubic (default; Pillow's, a = -0.5), bilinear or\n"
      "                lanczos (what the pyramid's scales are made with)\n"
      "  --bands B     the bands of a TIFF to read, numbered from 1: three\n"
      "                (4,3,2: near-infrared false colour of an RGBN image)\n"
      "                or one (a gray image). Default: the first three, or\n"
      "                the first of a file with fewer (refused for other\n"
      "                formats)\n",
      rse__cmd_convert, 0 },
    { "info", "describe an image file: size, bands, depth, TIFF layout, georeferencing",
      "usage: rsedit info FILE\n"
      "\n"
      "Prints what FILE holds, one \"key: value\" a line, without decoding it:\n"
      "format, size (WxH), bands (samples per pixel in the file), bits (per\n"
      "sample; BMP: per pixel) and channels (what rsedit decodes: 1 gray or 3\n"
      "RGB). PPM, PGM, BMP and PNG stop there. A TIFF adds its byte order,\n"
      "compression, predictor, tiles (WxH) or rows per strip, planar\n"
      "configuration, photometric interpretation and the number of images\n"
      "(only the first is read), then its georeferencing, or\n"
      "\"georeferencing: none\": pixel scale, the first tiepoint (pixel ->\n"
      "model) and their count, the transformation matrix, the GeoKey count and\n"
      "EPSG code, the GeoAsciiParams text, GDAL's nodata and the length of its\n"
      "metadata. Of a TIFF only the header and first IFD are read, so a scene\n"
      "of any size is described.\n",
      rse__cmd_info, 0 },
    { "train", "train a SinDDM model on one image",
      "usage: rsedit train IMAGE -o MODEL [--preset cpu|paper|tiny] [--steps N]\n"
      "         [--dim D] [--batch B] [--micro-batch M] [--crop C] [--coarse F]\n"
      "         [--lr LR] [--seed S] [--threads T] [--save-every K] [--until N]\n"
      "         [--t-focus on|off] [--window WxH+X+Y] [--bands B1,B2,B3] [--resume]\n"
      "         [--quiet]\n"
      "\n"
      "Builds SinDDM's pyramid of IMAGE and trains the denoiser on it, writing the\n"
      "model (weights, EMA, Adam state, RNG position, pyramid) to MODEL every K\n"
      "steps and at the end (temporary file + rename). Progress goes to stderr.\n"
      "Ctrl-C stops after the current step, saves MODEL and exits with 130.\n"
      "\n"
      "  --preset NAME    cpu (the default, sized for a 2-core CPU),\n"
      "                   paper (the reference: dim 160, batch 32, 120001 steps),\n"
      "                   tiny (for tests); the flags below override it\n"
      "  --steps N        total steps (the LR milestones and EMA start scale with it)\n"
      "  --dim D          denoiser width (even)\n"
      "  --batch B        images per step; --micro-batch M per forward pass (memory)\n"
      "  --crop C         train on random CxC crops of the finer scales (0: off)\n"
      "  --coarse F       share of steps on the coarsest scale, which makes the\n"
      "                   samples' layout; the rest are uniform over the others\n"
      "                   (0: all scales alike, as the reference)\n"
      "  --t-focus on|off on: above the coarsest scale, train only the timesteps\n"
      "                   the sampler runs there (below the scale's start step);\n"
      "                   off (every preset): all 100, as the reference\n"
      "  --lr LR          Adam learning rate (1e-3)\n"
      "  --seed S         initialisation and training randomness (0)\n"
      "  --threads T      worker threads (default: the CPUs; no effect on results)\n"
      "  --save-every K   checkpoint period in steps (0: only at the end)\n"
      "  --until N        stop after step N (saved; continue later with --resume)\n"
      "  --window WxH+X+Y train on that window of IMAGE (for editing large images);\n"
      "                   of a TIFF only the tiles or strips under it are read,\n"
      "                   so the scene may be larger than memory and RSE_MAX_DIM\n"
      "  --bands B        the bands of a TIFF IMAGE, numbered from 1: three (4,3,2)\n"
      "                   or one (gray), as convert's; edit and resume with the\n"
      "                   same --bands\n"
      "  --resume         continue MODEL if it exists (else start it). Flags that\n"
      "                   change the run (--preset, --dim, --batch, --crop, --coarse,\n"
      "                   --t-focus, --steps, --lr, --seed) must match it or be left out. The result is\n"
      "                   bit-identical to an uninterrupted run. Without --resume an\n"
      "                   existing MODEL is an error, not overwritten.\n"
      "  --quiet          no progress\n",
      rse__cmd_train, 0 },
    { "sample", "draw images from a SinDDM model",
      "usage: rsedit sample MODEL -o OUT [--count N] [--seed S] [--scale-mul H W]\n"
      "                     [--image IMAGE [--bands B1,B2,B3]] [--threads T] [--quiet]\n"
      "\n"
      "Samples coarse to fine with the EMA weights and writes OUT (for --count 1)\n"
      "or OUT with _0, _1, ... before the extension. MODEL is an rsedit model or a\n"
      "reference SinDDM checkpoint (torch.save, e.g. model-12.pt), which needs the\n"
      "image it was trained on: --image IMAGE (its pyramid is rebuilt from it).\n"
      "\n"
      "  --count N        images to draw (1)\n"
      "  --seed S         image i uses the stream (S, i): the same for any count (0)\n"
      "  --scale-mul H W  multiply every scale's height and width (1 1)\n"
      "  --image IMAGE    the training image of a reference checkpoint (refused\n"
      "                   for an rsedit model, which holds its pyramid)\n"
      "  --bands B        the bands of a TIFF --image, as convert's (only with\n"
      "                   --image). Samples are new images: no georeferencing\n"
      "  --threads T      worker threads (default: the CPUs)\n"
      "  --quiet          no progress\n",
      rse__cmd_sample, 0 },
    { "pyramid", "show (and write) SinDDM's pyramid of an image",
      "usage: rsedit pyramid IMAGE [--json] [-o DIR]\n"
      "\n"
      "Prints each scale's size, rescale loss and start timestep, coarsest first,\n"
      "as the reference computes them. --json prints\n"
      "{\"scales\":[{\"width\":W,\"height\":H,\"rescale_loss\":L,\"t_start\":T},...]}\n"
      "(the coarsest scale has loss 0 and t_start 100). -o DIR writes DIR/scale_<s>.png\n"
      "and, for s >= 1, the blurry DIR/scale_<s>_recon.png (created if missing).\n",
      rse__cmd_pyramid, 0 },
    { "quality", "SWD and diversity of samples against their training image",
      "usage: rsedit quality REF SAMPLE... [--json] [--baseline] [--seed S]\n"
      "                      [--patches N] [--ref-norm] [--psnr] [--changed]\n"
      "                      [--region WxH+X+Y [--region-ref WxH+X+Y] [--margin M]]\n"
      "\n"
      "Sliced Wasserstein distance between the multi-scale 7x7 patch sets of REF\n"
      "and the samples, as ProGAN computes it (Laplacian pyramid down to 16 px,\n"
      "N random patches per image per level (--patches, default 1024: ProGAN's 128\n"
      "leaves a high sampling floor with few images), per-channel normalisation,\n"
      "512 random directions), x 1e3 per level (finest first) and their mean. Lower\n"
      "is closer. Diversity: the std of each pixel's intensity across the samples,\n"
      "averaged over pixels, over the std of REF's intensity (0 = all identical;\n"
      "needs 2+ samples of one size). --baseline also scores 8 copies of REF, each\n"
      "a crop shifted by a random 0..8 px: a floor for the SWD, and prints each\n"
      "level's ratio SWD / floor. Images are PPM, PGM or BMP. Deterministic for a\n"
      "given --seed (0).\n"
      "\n"
      "  --ref-norm          normalise both patch sets with REF's per-channel mean\n"
      "                      and std. By default each set is normalised with its\n"
      "                      own (ProGAN's), which hides colour, brightness and\n"
      "                      contrast shifts; with REF's a contrast change counts\n"
      "                      at every level, a colour offset at the coarsest\n"
      "  --region WxH+X+Y    score that box only, grown by M px on every side\n"
      "                      within the image, in REF and in every sample\n"
      "                      (samples of REF's size; diversity is the crops'),\n"
      "                      with every patch position instead of random ones\n"
      "                      (a crop against itself scores 0; with --patches,\n"
      "                      N random ones per image); implies --ref-norm.\n"
      "                      --baseline is then REF's crop against the same\n"
      "                      crop of REF shifted by 4 px (reflected borders),\n"
      "                      the mean of the 8 directions (dx, dy in -4, 0, 4)\n"
      "  --region-ref WxH+X+Y  REF's box when it is not the samples' (a copy's\n"
      "                      source against its target); same size as --region.\n"
      "                      Each side of both grows by what both have room for\n"
      "  --margin M          px around a region (4)\n"
      "  --psnr              PSNR of each whole sample against REF (same size), in\n"
      "                      dB with peak 1: 10 log10(1 / MSE over pixels and RGB)\n"
      "  --changed           the pixels where each sample differs from REF (same\n"
      "                      size): their count and bounding box\n"
      "  --json              one object: levels [{width, height, swd,\n"
      "                      baseline_swd, ratio}], swd, diversity, baseline_swd,\n"
      "                      baseline_diversity, ref_norm, finest_swd,\n"
      "                      baseline_kind, baseline_finest_swd, finest_ratio,\n"
      "                      region {box, ref_box, margin, crop, ref_crop},\n"
      "                      psnr [dB, null if identical], mse [],\n"
      "                      changed [{pixels, box}] (as asked for)\n",
      rse__cmd_quality, 0 },
    { "embed", "print a CLIP embedding of an image or a text",
      "usage: rsedit embed --clip M [--vocab V] (--image I | --text T | --prompts F)\n"
      "                    [--raw OUT] [--json]\n\nPrints the L2-normalised embedding (one line, or a JSON array). Images go\n"
      "through open_clip's eval transform (short side to the model's size with\nPillow's bicubic, centre crop, CLIP mean/std). A prompt file has one prompt\n"
      "a line ('#' comments, blank lines skipped): their normalised embeddings\nare averaged and renormalised. --raw writes little-endian float32. An\n"
      "--image needs no --vocab (it is refused there).\n\n" RSE__CLIP_OPTS_HELP,
      rse__cmd_embed, 0 },
    { "saliency", "map of |d CLIP cosine / d pixel| for an image and a text",
      "usage: rsedit saliency --clip M [--vocab V] (--image I | IMAGE)\n"
      "                       (--text T | --prompts F | TEXT)\n"
      "                       -o MAP.pgm [--raw G]\n\nWrites the per-pixel norm of d cos(E_img(x), E_txt) / d x over R, G, B,\n"
      "scaled so the largest is white, and prints the cosine. The image is fed\nwhole at its own size (ViT: positional grid resized bicubically; pixels\n"
      "beyond whole patches get no gradient; ResNet towers need the model's\nsize). --raw writes the gradient as H x W x 3 little-endian float32 with\n"
      "respect to pixel values in [0,1]. A prompt file is ensembled as in 'embed'.\n\n" RSE__CLIP_OPTS_HELP,
      rse__cmd_saliency, 0 },
    { "score", "CLIP score of an image against texts (100 * max(cos, 0))",
      "usage: rsedit score --clip M [--vocab V] IMAGE TEXT...\n"
      "       rsedit score --clip M [--vocab V] --image I [--text T] [--prompts F] [TEXT...]\n\n"
      "Prints, per text, the CLIP score as the seed paper reports it:\n100 * max(cos(image, text), 0), no prompt prefix (Hessel et al.'s CLIP-S\n"
      "is 2.5 * max(cos, 0) with \"A photo depicts\"). The image goes through\nopen_clip's eval transform; a prompt file is ensembled as in 'embed'.\n"
      "Scores are comparable only for the same checkpoint and activation.\n\n" RSE__CLIP_OPTS_HELP,
      rse__cmd_score, 0 },
    { "tokenize", "print the CLIP BPE token ids of texts",
      "usage: rsedit tokenize [--vocab V | --clip M] [--json] [-o FILE]\n"
      "                       (TEXT... | - | --text T | --prompts FILE) [-- TEXT...]\n\n"
      "Prints, per text, the ids of open_clip's tokenizer: 49406, the tokens,\n"
      "49407 (truncated to 77 with the last set to 49407). The text is cleaned\n"
      "as open_clip cleans it: ftfy 6.3.1's fix_text (mojibake, HTML entities,\n"
      "curly quotes, ligatures, full-width forms, control characters, NFC),\n"
      "html.unescape twice, white space collapsed, lower-cased.\n"
      "The texts are --text, then the TEXTs, then the prompts of --prompts.\n"
      "Nothing is printed unless every text tokenizes; an error names the text.\n"
      "\n"
      "  --vocab V       BPE vocabulary (default $RSEDIT_VOCAB)\n"
      "  --clip M        take the vocabulary next to CLIP checkpoint M, as 'edit'\n"
      "                  does (M is not read; instead of --vocab, and before\n"
      "                  $RSEDIT_VOCAB)\n"
      "  --text T        a text (also: TEXT arguments; after -- they may start\n"
      "                  with -, and - is the text \"-\")\n"
      "  --prompts FILE  each prompt of a prompt file: one per line, '#'\n"
      "                  comments and blank lines skipped (as 'edit' reads it)\n"
      "  -               (as a TEXT or as --prompts -) the prompts of standard\n"
      "                  input, read as a prompt file\n"
      "  --json          a JSON array, one object per text, one per line:\n"
      "                  [{\"text\": T, \"ids\": [49406, ..., 49407]}, ...]\n"
      "  -o FILE         write the output to FILE (whole: temporary + rename)\n"
      "                  instead of stdout\n"
      "\n"
      "Where the ids can still differ from open_clip's (README, \"Text\n"
      "cleaning\"): text that is not valid UTF-8 is refused (Python would\n"
      "never see it); texts over 1 MB or with a word over 64 KB are refused;\n"
      "ftfy's fixes are repeated at most 64 times where ftfy repeats them\n"
      "until nothing changes (\"&amp;\" nested deeper than that); ftfy's \\w\n"
      "is taken from the Unicode 15.0 letter/number table (Python's re has\n"
      "14.0), which matters only for characters new in 15.0.\n",
      rse__cmd_tokenize, 0 },
    { "version", "print the version",
      "usage: rsedit version\n\nPrints \"rsedit VERSION\", the kernel set in use with those built in,\n"
      "and the worker threads (the most, and the default).\n",
      rse__cmd_version, 0 },
};
#define RSE__NCMDS ((int)(sizeof rse__cmds / sizeof rse__cmds[0]))

RSE__FN void rse__cli_help(FILE *f) {
    int i;
    fprintf(f, "rsedit %s - text-guided editing of a single remote-sensing image\n\n"
               "usage: rsedit COMMAND [ARGS...]\n"
               "       rsedit COMMAND --help     details of one command\n"
               "       rsedit COMMAND [OPTIONS] -- ARGS...\n"
               "                                 \"--\" ends the options: the ARGS are arguments\n"
               "                                 even when they start with '-' (a file -x.ppm)\n\n"
               "commands:\n", RSE_VERSION);
    for (i = 0; i < RSE__NCMDS; i++) fprintf(f, "  %-10s %s\n", rse__cmds[i].name, rse__cmds[i].summary);
}

RSE__FN int rse__is_help(const char *a) {
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* Dispatch: "rsedit", "rsedit --help", "rsedit help CMD", "rsedit CMD ...".
   A --help anywhere after the command (before a "--") wins over everything
   else, so "rsedit convert a.ppm --help" shows help instead of failing on
   a.ppm. The first "--" ends the options: the command gets its arguments
   without it, and rse__cli_optend tells the matchers where it was. */
RSEDEF int rse_cli_main(int argc, char **argv) {
    const rse__cmd *cmd = 0;
    const char *name;
    char **sub;
    int i, k, rc, end, want_help = 0;
    if (argc < 2) { rse__cli_help(stderr); return RSE__EXIT_USAGE; }
    name = argv[1];
    if (rse__is_help(name) || strcmp(name, "help") == 0) {
        if (argc < 3) { rse__cli_help(stdout); return RSE__EXIT_OK; }
        name = argv[2];                 /* "rsedit help convert" */
        want_help = 1;
    } else if (strcmp(name, "--version") == 0) {
        name = "version";
    }
    for (i = 0; i < RSE__NCMDS; i++)
        if (strcmp(rse__cmds[i].name, name) == 0) cmd = &rse__cmds[i];
    if (!cmd) {
        fprintf(stderr, "rsedit: unknown command '%s' (run 'rsedit --help' for the list)\n", name);
        return RSE__EXIT_USAGE;
    }
    for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (rse__is_help(argv[i])) want_help = 1;
    if (want_help) {
        fputs(cmd->help, stdout);
        if (cmd->help2) fputs(cmd->help2, stdout);
        return RSE__EXIT_OK;
    }
    if (i == argc) return cmd->fn(argc - 1, argv + 1);
    /* argv[i] is "--": the command's argv is argv[1..] without it */
    sub = (char **)RSE_MALLOC((size_t)argc * sizeof *sub);
    if (!sub) { fprintf(stderr, "rsedit: out of memory\n"); return RSE__EXIT_FAIL; }
    for (k = 1; k < i; k++) sub[k - 1] = argv[k];
    for (k = i + 1; k < argc; k++) sub[k - 2] = argv[k];
    sub[argc - 2] = 0;
    end = rse__cli_optend;
    rse__cli_optend = i - 1;
    rc = cmd->fn(argc - 2, sub);
    rse__cli_optend = end;
    RSE_FREE(sub);
    return rc;
}

#else  /* RSE_NO_STDIO: there is no command line without stdio */
RSEDEF int rse_cli_main(int argc, char **argv) {
    (void)argc; (void)argv;
    return 1;
}
#endif /* RSE_NO_STDIO */
#endif /* RSE_NO_CLI */

#ifndef RSE_NO_MAIN
int main(int argc, char **argv) { return rse_cli_main(argc, argv); }
#endif
