/* sinddm.c - SinDDM (Kulikov et al. 2023): a denoiser trained on ONE image
   over a multi-scale pyramid, sampled coarse to fine.

   Included by rsedit.c after tensor.h, and needs nothing else: it knows
   nothing of CLIP, codecs or the CLI. After the image allocation the models
   share, it reads top to bottom like the paper: pyramid -> schedule ->
   network -> loss -> training -> sampling. The reference behaviour it
   reproduces is specified in the project's docs (sinddm.md).
*/

/* ===========================================================================
   Images
   rse_image (rsedit.h) is what the models read and write: planar float
   pixels, owned by the struct. Its allocation lives here, below the models,
   so that this file needs nothing from rsedit.c; the codecs that fill images
   from files are in rsedit.c.
   ========================================================================= */

/* The checks every decoded size goes through before anything is allocated.
   The sides arrive as int64 so that a BMP's signed height and a PNM's
   saturated 32-bit width are judged as they are, never after a wrap. The
   area is checked separately: with RSE_MAX_DIM raised, w*h could pass both
   side checks and still be too large. */
RSE__FN rse_status rse__check_dims(int64_t w, int64_t h) {
    size_t n;
    if (w <= 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "bad width %lld", (long long)w);
    if (h <= 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "bad height %lld", (long long)h);
    if (w > RSE_MAX_DIM)
        return rse__fail(RSE_STATUS_LIMIT, "width %lld exceeds RSE_MAX_DIM %d", (long long)w, RSE_MAX_DIM);
    if (h > RSE_MAX_DIM)
        return rse__fail(RSE_STATUS_LIMIT, "height %lld exceeds RSE_MAX_DIM %d", (long long)h, RSE_MAX_DIM);
    if (!rse__mul_ok((size_t)w, (size_t)h, &n) || n > RSE_MAX_PIXELS)
        return rse__fail(RSE_STATUS_LIMIT, "%lldx%lld pixels exceed RSE_MAX_PIXELS %zu",
                         (long long)w, (long long)h, (size_t)RSE_MAX_PIXELS);
    return RSE_STATUS_OK;
}

RSEDEF rse_status rse_image_alloc(rse_image *img, int w, int h, int c) {
    size_t n, bytes;
    rse_status st;
    if (!img) return rse__fail(RSE_STATUS_BAD_ARG, "rse_image_alloc: NULL image");
    img->w = img->h = img->c = 0;
    img->data = 0;
    if (c != 1 && c != 3)
        return rse__fail(RSE_STATUS_BAD_ARG, "image channels must be 1 or 3, got %d", c);
    if ((st = rse__check_dims(w, h)) != RSE_STATUS_OK) return st;
    if (!rse__mul4_ok((size_t)w, (size_t)h, (size_t)c, sizeof(float), &bytes))
        return rse__fail(RSE_STATUS_LIMIT, "image of %dx%dx%d overflows", w, h, c);
    n = bytes / sizeof(float);
    /* RSE_MALLOC has no calloc sibling, hence the memset. */
    img->data = (float *)RSE_MALLOC(bytes);
    if (!img->data) return rse__fail(RSE_STATUS_NOMEM, "out of memory for a %dx%dx%d image", w, h, c);
    memset(img->data, 0, n * sizeof(float));
    img->w = w; img->h = h; img->c = c;
    return RSE_STATUS_OK;
}

RSEDEF void rse_image_free(rse_image *img) {
    if (!img) return;
    RSE_FREE(img->data);
    img->data = 0;
    img->w = img->h = img->c = 0;
}

/* ===========================================================================
   Pyramid
   SinDDM trains one denoiser on a pyramid of the same image: scale 0 is the
   coarsest (short side about 42-55 px), scale N-1 the finest (at most 50,000
   pixels). Every scale is a Pillow LANCZOS resize of the ORIGINAL image, and
   the "blurry" input of scale s is a Pillow BILINEAR upsampling of scale s-1.
   The reference writes them as 8-bit PNGs and trains on what it reads back,
   so everything here is 8-bit, and the resampler reproduces Pillow's
   fixed-point arithmetic to the byte (tests/test_pyramid.c checks it).
   ========================================================================= */

/* Pi as a literal: M_PI is not part of C99. Same double as glibc's M_PI. */
#define RSE__PI 3.14159265358979323846

/* The reference's constants (sinddm.md section 3). */
#define RSE_SINDDM_AUTO_SCALE 50000   /* pixel cap of the finest scale      */
#define RSE_SINDDM_AREA_SCALE0 3110   /* target area of the coarsest scale  */
#define RSE_SINDDM_MIN_D0 42          /* coarsest short side, clamped ...   */
#define RSE_SINDDM_MAX_D0 55          /* ... to [42, 55]                    */
#define RSE_SINDDM_SCALE_STEP 1.411   /* --scale_factor default             */
#define RSE_SINDDM_T 100              /* diffusion steps (--timesteps)      */
#define RSE_PYR_MAX_SCALES 32         /* far above what any input gives     */

/* ---------------------------------------------------------------------------
   Pillow-exact resampling of 8-bit images (Pillow's libImaging/Resample.c,
   re-derived from its documented behaviour and checked against Pillow 9.4).

   A resize is separable: a horizontal pass (rows) into an 8-bit intermediate
   image, then a vertical pass (columns) from it. Each output sample xx is a
   weighted sum over the input samples whose centres fall within `support`
   of the output centre mapped back into the input:
       scale   = (in1 - in0) / out_size          (box [in0, in1) of the input)
       center  = in0 + (xx + 0.5) * scale
       fscale  = max(scale, 1)                   (antialiasing: when shrinking
       support = filter_support * fscale          the kernel is stretched by the
       weight(x) = filter((x - center + 0.5) / fscale)   reduction factor)
   The weights are normalised to sum 1 in double precision, then turned into
   22-bit fixed point (Pillow's PRECISION_BITS = 32 - 8 - 2: 8 bits of
   pixel, 2 of headroom for sums of negative lobes, sign), rounding half
   away from zero. A pixel is then
       (2^21 + sum v_i * k_i) >> 22, clipped to [0, 255]
   i.e. rounded half up. Because the intermediate image is 8-bit too, the
   two-pass result differs from an exact 2-D filter by up to a level or so;
   reproducing the passes (and their order) is what makes it byte-exact.
   ------------------------------------------------------------------------- */

#define RSE__RS_PRECISION 22                  /* Pillow's PRECISION_BITS */

typedef enum rse__filter {
    RSE_FILTER_BILINEAR = 0,  /* triangle, support 1                        */
    RSE_FILTER_LANCZOS  = 1,  /* sinc windowed by sinc(x/3), support 3      */
    RSE_FILTER_BICUBIC  = 2   /* Keys' cubic with a = -0.5, support 2 (not  */
                              /* used by SinDDM: `rsedit convert --resize`  */
                              /* offers it as the plain upsampling baseline)*/
} rse__filter;

/* The kernels, written with Pillow's operation order (for Lanczos x * pi
   first, then sin(x)/x) so that the doubles, and hence the rounded
   fixed-point weights, are identical. */
RSE__FN double rse__sinc(double x) {
    if (x == 0.0) return 1.0;
    x = x * RSE__PI;
    return sin(x) / x;
}
RSE__FN double rse__filter_eval(rse__filter f, double x) {
    if (f == RSE_FILTER_LANCZOS) {
        /* half-open window [-3, 3), as in Pillow */
        if (-3.0 <= x && x < 3.0) return rse__sinc(x) * rse__sinc(x / 3);
        return 0.0;
    }
    if (x < 0.0) x = -x;
    if (f == RSE_FILTER_BICUBIC) {
        /* Pillow's bicubic_filter, its operation order (a = -0.5) */
        const double a = -0.5;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }
    return x < 1.0 ? 1.0 - x : 0.0;
}
RSE__FN double rse__filter_support(rse__filter f) {
    return f == RSE_FILTER_LANCZOS ? 3.0 : f == RSE_FILTER_BICUBIC ? 2.0 : 1.0;
}

/* Fixed-point weights of a 1-D resize from in_size samples (box [in0,in1))
   to out_size samples. For output xx the taps are input samples
   bounds[2xx] .. bounds[2xx] + bounds[2xx+1] - 1 with weights
   kk[xx*ksize ...], ksize = 2*ceil(support)+1 slots per output (unused
   slots are 0). On success the caller frees *boundsp and *kkp with RSE_FREE. in0 and in1 are floats
   because Pillow takes the box as C floats. */
RSE__FN rse_status rse__resample_coeffs(int in_size, float in0, float in1, int out_size,
                                        rse__filter filt, int *ksizep, int **boundsp,
                                        int32_t **kkp) {
    /* The span is computed in float, as Pillow does ((double)(in1 - in0)). */
    float span = in1 - in0;
    double scale = (double)span / out_size;
    double fscale = scale < 1.0 ? 1.0 : scale;
    double support = rse__filter_support(filt) * fscale;
    double inv = 1.0 / fscale;
    double cs = ceil(support);
    int ksize, xx, x;
    size_t nk;
    int *bounds;
    int32_t *kk;
    double *w;

    *ksizep = 0; *boundsp = 0; *kkp = 0;
    /* support <= 3 * in_size: check it before the int conversion */
    if (!(cs >= 0 && cs < (double)(INT_MAX / 4)))
        return rse__fail(RSE_STATUS_LIMIT, "resample: filter support %g too large", support);
    ksize = (int)cs * 2 + 1;
    if (!rse__mul4_ok((size_t)out_size, (size_t)ksize, sizeof(int32_t), 1, &nk))
        return rse__fail(RSE_STATUS_LIMIT, "resample: %d x %d coefficients overflow",
                         out_size, ksize);
    bounds = (int *)RSE_MALLOC((size_t)out_size * 2 * sizeof(int));
    kk = (int32_t *)RSE_MALLOC(nk);
    w = (double *)RSE_MALLOC((size_t)ksize * sizeof(double));
    if (!bounds || !kk || !w) {
        RSE_FREE(bounds); RSE_FREE(kk); RSE_FREE(w);
        return rse__fail(RSE_STATUS_NOMEM, "resample: out of memory for %d x %d coefficients",
                         out_size, ksize);
    }
    for (xx = 0; xx < out_size; xx++) {
        /* Each product gets its own statement: a fused multiply-add (which
           C99 lets a compiler form inside one expression) would round
           differently from Pillow and move a tap's weight by one unit. */
        double off = (xx + 0.5) * scale;
        double center = in0 + off;
        double ww = 0.0;
        int xmin = (int)(center - support + 0.5);   /* truncation, as Pillow */
        int xmax = (int)(center + support + 0.5);
        if (xmin < 0) xmin = 0;
        if (xmax > in_size) xmax = in_size;
        xmax -= xmin;                               /* now a tap count */
        if (xmax < 0) xmax = 0;
        if (xmax > ksize) xmax = ksize;             /* cannot happen; keeps reads in bounds */
        for (x = 0; x < xmax; x++) {
            double arg = (x + xmin - center + 0.5) * inv;
            w[x] = rse__filter_eval(filt, arg);
            ww += w[x];
        }
        for (x = 0; x < xmax; x++)
            if (ww != 0.0) w[x] /= ww;
        /* To 22-bit fixed point, rounding half away from zero. */
        for (x = 0; x < ksize; x++) {
            int32_t q = 0;
            if (x < xmax) {
                double sc = w[x] * (double)(1 << RSE__RS_PRECISION);
                q = (int32_t)(w[x] < 0 ? sc - 0.5 : sc + 0.5);
            }
            kk[(size_t)xx * ksize + x] = q;
        }
        bounds[2 * xx] = xmin;
        bounds[2 * xx + 1] = xmax;
    }
    RSE_FREE(w);
    *ksizep = ksize;
    *boundsp = bounds;
    *kkp = kk;
    return RSE_STATUS_OK;
}

/* Pillow's clip8: the accumulator holds value * 2^22 plus the rounding half;
   its integer part, clipped to a byte. (Pillow indexes a table with an
   arithmetic shift; the comparison avoids shifting a negative number.) */
RSE__FN uint8_t rse__clip8(int64_t ss) {
    int64_t v;
    if (ss < 0) return 0;
    v = ss >> RSE__RS_PRECISION;
    return (uint8_t)(v > 255 ? 255 : v);
}

/* Horizontal pass: rows [row0, row0 + rows) of a (c, sh, sw) planar image
   into (c, rows, dw). 64-bit accumulators: Pillow uses int, which never
   overflows for these kernels (|sum| < 255 * 1.3 * 2^22 < 2^31), so the
   results are the same and no sanitizer can complain. */
RSE__FN void rse__resample_h(uint8_t *dst, const uint8_t *src, int c, int sw, int sh,
                             int row0, int rows, int dw,
                             const int *bounds, const int32_t *kk, int ksize) {
    int ch, y, xx, x;
    for (ch = 0; ch < c; ch++) {
        for (y = 0; y < rows; y++) {
            const uint8_t *in = src + ((size_t)ch * sh + (size_t)(y + row0)) * sw;
            uint8_t *out = dst + ((size_t)ch * rows + y) * dw;
            for (xx = 0; xx < dw; xx++) {
                const int32_t *k = kk + (size_t)xx * ksize;
                const uint8_t *p = in + bounds[2 * xx];
                int n = bounds[2 * xx + 1];
                int64_t ss = (int64_t)1 << (RSE__RS_PRECISION - 1);
                for (x = 0; x < n; x++) ss += (int64_t)p[x] * k[x];
                out[xx] = rse__clip8(ss);
            }
        }
    }
}

/* Vertical pass: (c, sh, w) -> (c, dh, w); bounds index rows of src. */
RSE__FN void rse__resample_v(uint8_t *dst, const uint8_t *src, int c, int w, int sh,
                             int dh, const int *bounds, const int32_t *kk, int ksize) {
    int ch, yy, x, y;
    for (ch = 0; ch < c; ch++) {
        const uint8_t *plane = src + (size_t)ch * sh * w;
        for (yy = 0; yy < dh; yy++) {
            const int32_t *k = kk + (size_t)yy * ksize;
            const uint8_t *p = plane + (size_t)bounds[2 * yy] * w;
            int n = bounds[2 * yy + 1];
            uint8_t *out = dst + ((size_t)ch * dh + yy) * w;
            for (x = 0; x < w; x++) {
                int64_t ss = (int64_t)1 << (RSE__RS_PRECISION - 1);
                for (y = 0; y < n; y++) ss += (int64_t)p[(size_t)y * w + x] * k[y];
                out[x] = rse__clip8(ss);
            }
        }
    }
}

/* Pillow's Image.resize((dw, dh), filter, box) on a planar (c, sh, sw) 8-bit
   image, into dst (c, dh, dw). box = {x0, y0, x1, y1} in input pixels
   (NULL: the whole image), as Pillow's box argument. Channels are
   independent, so planar and Pillow's interleaved layout give the same
   bytes. */
RSE__FN rse_status rse__resample_u8(uint8_t *dst, int dw, int dh,
                                    const uint8_t *src, int sw, int sh, int c,
                                    rse__filter filt, const float *box) {
    float b[4];
    int need_h, need_v, ks_v, ks_h = 0, row0, row1, i;
    int *bv = 0, *bh = 0;
    int32_t *kv = 0, *kh = 0;
    uint8_t *tmp = 0;
    size_t n;
    rse_status st;

    if (sw < 1 || sh < 1 || dw < 1 || dh < 1 || c < 1)
        return rse__fail(RSE_STATUS_BAD_ARG, "resample: bad sizes %dx%d -> %dx%d, %d channels",
                         sw, sh, dw, dh, c);
    if (box) { b[0] = box[0]; b[1] = box[1]; b[2] = box[2]; b[3] = box[3]; }
    else { b[0] = 0; b[1] = 0; b[2] = (float)sw; b[3] = (float)sh; }
    /* Pillow's checks: inside the image, not empty (we also refuse a zero
       width, which Pillow accepts and resamples from nothing). */
    if (!(b[0] >= 0 && b[1] >= 0 && b[2] <= (float)sw && b[3] <= (float)sh &&
          b[2] > b[0] && b[3] > b[1]))
        return rse__fail(RSE_STATUS_BAD_ARG, "resample: box (%g,%g,%g,%g) outside %dx%d or empty",
                         (double)b[0], (double)b[1], (double)b[2], (double)b[3], sw, sh);

    /* A pass is skipped when it would be the identity, as in Pillow; if
       both are, the result is a copy. */
    need_h = dw != sw || b[0] != 0 || b[2] != (float)dw;
    need_v = dh != sh || b[1] != 0 || b[3] != (float)dh;
    if (!need_h && !need_v) {
        if (!rse__mul4_ok((size_t)c, (size_t)sh, (size_t)sw, 1, &n))
            return rse__fail(RSE_STATUS_LIMIT, "resample: image size overflows");
        memcpy(dst, src, n);
        return RSE_STATUS_OK;
    }

    /* The vertical weights come first: they say which input rows the
       vertical pass reads, so the horizontal pass only produces those. */
    st = rse__resample_coeffs(sh, b[1], b[3], dh, filt, &ks_v, &bv, &kv);
    if (st != RSE_STATUS_OK) return st;
    row0 = bv[0];
    row1 = bv[2 * (dh - 1)] + bv[2 * (dh - 1) + 1];

    if (need_h) {
        st = rse__resample_coeffs(sw, b[0], b[2], dw, filt, &ks_h, &bh, &kh);
        if (st != RSE_STATUS_OK) { RSE_FREE(bv); RSE_FREE(kv); return st; }
        if (!need_v) {
            /* Heights are equal and the vertical taps cover every row. */
            rse__resample_h(dst, src, c, sw, sh, 0, sh, dw, bh, kh, ks_h);
        } else {
            for (i = 0; i < dh; i++) bv[2 * i] -= row0;
            if (!rse__mul4_ok((size_t)c, (size_t)(row1 - row0), (size_t)dw, 1, &n) ||
                !(tmp = (uint8_t *)RSE_MALLOC(n ? n : 1))) {
                RSE_FREE(bv); RSE_FREE(kv); RSE_FREE(bh); RSE_FREE(kh);
                return rse__fail(RSE_STATUS_NOMEM, "resample: out of memory for a %dx%d pass",
                                 dw, row1 - row0);
            }
            rse__resample_h(tmp, src, c, sw, sh, row0, row1 - row0, dw, bh, kh, ks_h);
            rse__resample_v(dst, tmp, c, dw, row1 - row0, dh, bv, kv, ks_v);
            RSE_FREE(tmp);
        }
        RSE_FREE(bh); RSE_FREE(kh);
    } else {
        rse__resample_v(dst, src, c, sw, sh, dh, bv, kv, ks_v);
    }
    RSE_FREE(bv); RSE_FREE(kv);
    return RSE_STATUS_OK;
}

/* ---------------------------------------------------------------------------
   The SinDDM pyramid (sinddm.md section 3; create_img_scales in the
   reference's functions.py). Sizes are computed with the reference's
   float64 arithmetic, its int() truncations and its round()s.
   ------------------------------------------------------------------------- */

typedef struct rse__pyramid {
    int n;                          /* number of scales N (>= 1)            */
    int src_w, src_h;               /* the input image                      */
    int cap_w, cap_h;               /* after the 50,000-pixel cap = finest  */
    int d0;                         /* coarsest short side from the formula */
    double sf;                      /* recomputed scale factor (1 if N = 1) */
    int gray;                       /* input had one channel (see loss)     */
    int w[RSE_PYR_MAX_SCALES], h[RSE_PYR_MAX_SCALES]; /* scale s, 0 = coarsest */
    /* 8-bit planar (3,h,w) images, exactly what the reference trains on
       after its PNG round trip. blur[0] is NULL (scale 0 pairs the image
       with itself); blur[s] = BILINEAR(img[s-1]) at the size of scale s. */
    uint8_t *img[RSE_PYR_MAX_SCALES];
    uint8_t *blur[RSE_PYR_MAX_SCALES];
    double loss[RSE_PYR_MAX_SCALES];    /* rescale loss of scale s; [0] = 0 */
    int t_start[RSE_PYR_MAX_SCALES];    /* start timestep; [0] = T = 100    */
    uint8_t *mem;                       /* owns every image above           */
} rse__pyramid;

/* Python's round() of a float64 (numpy's round-half-to-even), without
   depending on the caller's floating-point rounding mode. */
RSE__FN double rse__round_half_even(double x) {
    double f = floor(x), d = x - f; /* exact for |x| < 2^52 */
    if (d > 0.5) return f + 1.0;
    if (d < 0.5) return f;
    return fmod(f, 2.0) == 0.0 ? f : f + 1.0;
}

/* Defined in the Schedules section: the first t with sigma_t above the
   rescale loss, for a cosine schedule of T steps. */
RSE__FN int rse__sched_t_ideal(int T, double loss);

/* Sizes only (no pixels): fills n, cap_w/h, d0, sf, w[], h[] of p from the
   input size, with the reference's scale step (RSE_SINDDM_SCALE_STEP).
   Used by rse__pyramid_build and by anything that needs the pyramid of an
   image it does not hold (a checkpoint, --scale-mul).

   Where this differs from the reference, on purpose:
   - N <= 0. When the short side is below about 0.84 * d0 (e.g. < 46 px for
     a square), the reference's formula gives N <= 0 and an EMPTY pyramid
     (its training then fails). We use one scale, the capped image.
   - N == 1. The reference's recomputed factor is exp(log(r)/0) = inf or nan
     and only ever raised to the power 0; we store sf = 1.
   - Exact half-integer sizes. W / sf^k is mathematically W*(d0/short)^(k/(N-1)),
     and for about 1 image size in 10 that is exactly a half-integer (e.g.
     85x68: 85 * 50/68 = 62.5). The reference's round() then goes up or
     down with the last-bit noise of numpy's log, exp and pow, which depend
     on numpy's build and CPU (its AVX-512 SVML versions are 1-3 ulp from
     glibc's). We use libm, as numpy does without those SIMD paths: a few
     sizes in a thousand then get one scale 1 px off against a numpy with
     SVML, fewer than rounding every exact tie up would (BENCH.md,
     7 Dec 2026). All shared test images match. */
RSE__FN rse_status rse__pyramid_plan(rse__pyramid *p, int src_w, int src_h, double scale_step) {
    double scaler, r;
    int cw = src_w, ch = src_h, s_dim, l_dim, d0, n, i;

    memset(p, 0, sizeof *p);
    if (src_w < 1 || src_h < 1 || src_w > RSE_MAX_DIM || src_h > RSE_MAX_DIM)
        return rse__fail(RSE_STATUS_LIMIT, "pyramid: image size %dx%d outside 1..%d",
                         src_w, src_h, RSE_MAX_DIM);
    if (!(scale_step > 1.0 && scale_step < 100.0))
        return rse__fail(RSE_STATUS_BAD_ARG, "pyramid: scale step %g must be in (1, 100)",
                         scale_step);
    p->src_w = src_w; p->src_h = src_h;

    /* 1. The pixel cap: both sides divided by sqrt(area / 50000) and
          truncated with int(); never upscaled. (w*h is exact in a double.) */
    scaler = sqrt((double)src_w * (double)src_h / (double)RSE_SINDDM_AUTO_SCALE);
    if (scaler > 1.0) {
        cw = (int)((double)src_w / scaler);
        ch = (int)((double)src_h / scaler);
        if (cw < 1) cw = 1;   /* only for absurd aspect ratios (int() gives 0) */
        if (ch < 1) ch = 1;
    }
    p->cap_w = cw; p->cap_h = ch;

    /* 2. Coarsest short side: round(sqrt(3110 * short/long)), in [42, 55]:
          the 35-px receptive field then covers ~40% of the coarsest area. */
    s_dim = cw < ch ? cw : ch;
    l_dim = cw < ch ? ch : cw;
    d0 = (int)rse__round_half_even(sqrt((double)RSE_SINDDM_AREA_SCALE0 * s_dim / l_dim));
    if (d0 < RSE_SINDDM_MIN_D0) d0 = RSE_SINDDM_MIN_D0;
    if (d0 > RSE_SINDDM_MAX_D0) d0 = RSE_SINDDM_MAX_D0;
    p->d0 = d0;

    /* 3. Number of scales with the nominal step, then the step recomputed
          so that N-1 steps go exactly from the short side to d0. */
    r = log((double)s_dim / (double)d0);
    n = (int)(rse__round_half_even(r / log(scale_step)) + 1.0);
    if (n < 1) n = 1;
    if (n > RSE_PYR_MAX_SCALES)
        return rse__fail(RSE_STATUS_LIMIT, "pyramid: %d scales (more than %d)", n,
                         RSE_PYR_MAX_SCALES);
    p->n = n;
    p->sf = n > 1 ? exp(r / (double)(n - 1)) : 1.0;

    /* 4. Size of scale i: round(W / sf^(N-1-i)), the finest being the
          capped size itself (sf^0 = 1). */
    for (i = 0; i < n; i++) {
        double div = pow(p->sf, (double)(n - 1 - i));
        p->w[i] = (int)rse__round_half_even((double)cw / div);
        p->h[i] = (int)rse__round_half_even((double)ch / div);
        if (p->w[i] < 1 || p->h[i] < 1)
            return rse__fail(RSE_STATUS_LIMIT, "pyramid: scale %d of %dx%d is empty", i,
                             src_w, src_h);
    }
    return RSE_STATUS_OK;
}

/* Float in [0,1] to the 8-bit level the reference reads from the file:
   round half up of x*255, clamped (NaN -> 0). For an image loaded from an
   8-bit file (x = v/255 in float) this gives v back exactly. For a 16-bit
   file PIL would keep the high byte (v >> 8) where this rounds, so it may
   differ by one level there. */
RSE__FN uint8_t rse__quantize_u8(float x) {
    double v = (double)x * 255.0 + 0.5;
    if (!(v >= 0.0)) return 0;
    if (v >= 255.0) return 255;
    return (uint8_t)v;
}

/* What the reference's training feeds the network for a level v:
   torchvision ToTensor (float32 v / 255) then t * 2 - 1. */
RSE__FN float rse__u8_to_signed_unit(uint8_t v) {
    float t = (float)v / 255.0f;
    return t * 2.0f - 1.0f;
}

/* The rescale loss of the reference (functions.py L185-186):
       np.linalg.norm(np.subtract(img, recon)) / recon.size
   Both operands are PIL images, so numpy subtracts them as uint8 and the
   difference WRAPS AROUND: 3 - 5 = 254, not -2. The norm of those wrapped
   bytes, divided by H*W*C (not its square root), is about 1.2 at scale 1
   and 0.4 at the finest scale of a typical photo; without the wrap-around
   it would be ~25x smaller. This number is compared with the noise-to-
   signal ratio sigma_t to choose each scale's start timestep and gamma
   schedule (sinddm.md section 4), so the quirk is what sets them: without
   it T_start would collapse to about [2, 1, 1, 0]. We reproduce it exactly:
   the sum of squares is an integer (exact in uint64, as numpy's float64
   sum is for < 2^53), then one sqrt and one division. nplanes = 3 for an
   RGB input; 1 for a gray input, where the reference works on a 1-channel
   PIL image and divides by H*W. */
RSE__FN double rse__rescale_loss(const uint8_t *img, const uint8_t *recon, size_t plane,
                                 int nplanes) {
    uint64_t ss = 0;
    size_t i, n = plane * (size_t)nplanes;
    for (i = 0; i < n; i++) {
        uint8_t d = (uint8_t)(img[i] - recon[i]);   /* uint8 wrap-around */
        ss += (uint64_t)d * d;
    }
    return sqrt((double)ss) / (double)n;
}

RSE__FN void rse__pyramid_free(rse__pyramid *p) {
    RSE_FREE(p->mem);
    memset(p, 0, sizeof *p);
}

/* dst = a copy of the built pyramid src (its one block duplicated, the
   image pointers moved into the copy). For a caller that needs the pyramid
   of one image many times (the import fuzz target) and builds it once. */
RSE__FN rse_status rse__pyramid_copy(rse__pyramid *dst, const rse__pyramid *src) {
    size_t total = 0;
    int s;
    for (s = 0; s < src->n; s++) total += 3 * (size_t)src->w[s] * (size_t)src->h[s] * (s > 0 ? 2 : 1);
    *dst = *src;
    dst->mem = (uint8_t *)RSE_MALLOC(total);
    if (!dst->mem) {
        memset(dst, 0, sizeof *dst);
        return rse__fail(RSE_STATUS_NOMEM, "pyramid: out of memory");
    }
    memcpy(dst->mem, src->mem, total);
    for (s = 0; s < src->n; s++) {
        dst->img[s] = dst->mem + (src->img[s] - src->mem);
        dst->blur[s] = s > 0 ? dst->mem + (src->blur[s] - src->mem) : 0;
    }
    return RSE_STATUS_OK;
}

/* Builds the whole pyramid of an image (c = 1 or 3, planar float in [0,1]):
   sizes, 8-bit scales, blurry images, rescale losses and start timesteps
   (T = RSE_SINDDM_T). On failure p is left empty (safe to free). */
RSE__FN rse_status rse__pyramid_build(rse__pyramid *p, const rse_image *im) {
    rse_status st;
    size_t plane, total = 0, off, i, npix;
    uint8_t *src = 0;
    int s;

    if (!im || !im->data || (im->c != 1 && im->c != 3))
        return rse__fail(RSE_STATUS_BAD_ARG, "pyramid: need a 1- or 3-channel image");
    if (!rse__mul_ok((size_t)im->w, (size_t)im->h, &npix) || npix > RSE_MAX_PIXELS)
        return rse__fail(RSE_STATUS_LIMIT, "pyramid: image %dx%d too large", im->w, im->h);
    st = rse__pyramid_plan(p, im->w, im->h, RSE_SINDDM_SCALE_STEP);
    if (st != RSE_STATUS_OK) return st;
    p->gray = im->c == 1;

    /* One block for every scale and blurry image (all sizes are small:
       the finest has at most ~50,000 pixels). */
    for (s = 0; s < p->n; s++) {
        plane = (size_t)p->w[s] * (size_t)p->h[s];
        total += 3 * plane * (s > 0 ? 2 : 1);
    }
    p->mem = (uint8_t *)RSE_MALLOC(total);
    src = (uint8_t *)RSE_MALLOC(3 * npix);   /* <= 3 * 2^28, no overflow */
    if (!p->mem || !src) {
        RSE_FREE(src);
        rse__pyramid_free(p);
        return rse__fail(RSE_STATUS_NOMEM, "pyramid: out of memory for a %dx%d image",
                         im->w, im->h);
    }
    for (s = 0, off = 0; s < p->n; s++) {
        plane = (size_t)p->w[s] * (size_t)p->h[s];
        p->img[s] = p->mem + off; off += 3 * plane;
        if (s > 0) { p->blur[s] = p->mem + off; off += 3 * plane; }
    }

    /* The 8-bit source as PIL holds it; a gray image becomes three equal
       planes (resampling is per channel, so this equals PIL's "L" path). */
    for (i = 0; i < 3 * npix; i++)
        src[i] = rse__quantize_u8(im->data[im->c == 1 ? i % npix : i]);

    for (s = 0; s < p->n && st == RSE_STATUS_OK; s++)
        st = rse__resample_u8(p->img[s], p->w[s], p->h[s], src, im->w, im->h, 3,
                              RSE_FILTER_LANCZOS, 0);
    RSE_FREE(src);
    p->t_start[0] = RSE_SINDDM_T;
    for (s = 1; s < p->n && st == RSE_STATUS_OK; s++) {
        st = rse__resample_u8(p->blur[s], p->w[s], p->h[s], p->img[s - 1], p->w[s - 1],
                              p->h[s - 1], 3, RSE_FILTER_BILINEAR, 0);
        if (st != RSE_STATUS_OK) break;
        p->loss[s] = rse__rescale_loss(p->img[s], p->blur[s],
                                       (size_t)p->w[s] * (size_t)p->h[s], p->gray ? 1 : 3);
        p->t_start[s] = rse__sched_t_ideal(RSE_SINDDM_T, p->loss[s]);
    }
    if (st != RSE_STATUS_OK) rse__pyramid_free(p);
    return st;
}

/* ===========================================================================
   Schedules
   The cosine noise schedule of Nichol & Dhariwal with the buffers SinDDM
   derives from it (sinddm.md section 4; cosine_beta_schedule in the
   reference's functions.py, MultiScaleGaussianDiffusion.__init__ in its
   models.py). The reference computes everything in float64 numpy and then
   stores float32 torch buffers; we keep both: the float64 values (to choose
   start timesteps and gammas exactly as it does) and the float32 buffers
   (what its sampler and loss multiply with).
   ========================================================================= */

/* Per-timestep buffers, T entries each, named as in the reference. */
typedef struct rse__sched_f64 {
    double *betas;              /* beta_t, clipped to [0, 0.999]            */
    double *alphas_cumprod;     /* abar_t = prod_{i<=t} (1 - beta_i)         */
    double *alphas_cumprod_prev;/* abar_{t-1}, with abar_{-1} = 1            */
    double *sqrt_ac;            /* sqrt(abar_t)                              */
    double *sqrt_1m_ac;         /* sqrt(1 - abar_t)                          */
    double *log_1m_ac;          /* log(1 - abar_t)                           */
    double *sqrt_recip_ac;      /* sqrt(1 / abar_t)                          */
    double *sqrt_recipm1_ac;    /* sqrt(1 / abar_t - 1)                      */
    double *post_var;           /* beta_t (1 - abar_{t-1}) / (1 - abar_t)    */
    double *post_logvar;        /* log(max(post_var, 1e-20))                 */
    double *post_c1;            /* beta_t sqrt(abar_{t-1}) / (1 - abar_t)    */
    double *post_c2;            /* (1 - abar_{t-1}) sqrt(alpha_t) / (1 - abar_t) */
    double *sigma;              /* sqrt(1 - abar_t) / sqrt(abar_t): noise-to-signal */
} rse__sched_f64;

typedef struct rse__sched_f32 {  /* the same, rounded to float32 */
    float *betas, *alphas_cumprod, *alphas_cumprod_prev, *sqrt_ac, *sqrt_1m_ac,
          *log_1m_ac, *sqrt_recip_ac, *sqrt_recipm1_ac, *post_var, *post_logvar,
          *post_c1, *post_c2, *sigma;
} rse__sched_f32;

#define RSE__SCHED_NBUF 13      /* arrays in each of the structs above */
#define RSE_SCHED_MAX_T 100000
#define RSE_SINDDM_GAMMA_SAMPLE_MAX 0.55f

typedef struct rse__sched {
    int T;                      /* timesteps (100 in SinDDM)                */
    int n_scales;
    rse__sched_f64 d;            /* float64, as numpy computes them          */
    rse__sched_f32 f;            /* float32, as the torch buffers hold them  */
    int t_start[RSE_PYR_MAX_SCALES]; /* [0] = T; [s] = first t with sigma_t > L_s */
    float *gamma;               /* (n_scales-1, T): row s-1 is scale s's    */
                                /* blur weight gamma_t, clamped to [0, 1]   */
    void *mem;
} rse__sched;

/* abar(k) before normalisation: cos^2(((x_k / (T+1)) + s) / (1 + s) * pi/2),
   s = 0.008, where x = numpy.linspace(0, T+1, T+1), i.e. x_k = k * ((T+1)/T)
   and x_T = T+1 exactly. (So x_k / (T+1) is k/T up to rounding; we keep
   numpy's operations so the doubles are the same ones.) */
RSE__FN double rse__cosine_raw(int T, int k) {
    const double s = 0.008;
    double steps = (double)(T + 1);
    double x = k == T ? steps : (double)k * (steps / (double)T);
    double a = (x / steps + s) / (1.0 + s);
    double c;
    a = a * RSE__PI;
    a = a * 0.5;
    c = cos(a);
    return c * c;
}

/* beta_t = clip(1 - abar(t+1) / abar(t), 0, 0.999), with abar normalised by
   abar(0) first, as numpy does (the normalisation changes the rounding). */
RSE__FN double rse__cosine_beta(int T, int t, double raw0) {
    double a0 = rse__cosine_raw(T, t) / raw0;
    double a1 = rse__cosine_raw(T, t + 1) / raw0;
    double b = 1.0 - a1 / a0;
    if (b < 0.0) b = 0.0;
    if (b > 0.999) b = 0.999;   /* only the last step or two reach it */
    return b;
}

/* The start timestep the reference gives a scale with rescale loss `loss`:
       int(np.argmax(sigma_t > loss_factor * loss)),  loss_factor = 1
   the first t whose noise-to-signal ratio exceeds the loss: from there on
   the noise hides the difference between the blurry and the sharp image.
   numpy's argmax of an all-false array is 0, so "never" gives 0 (only for
   a loss above sigma_{T-1} ~ 2000, impossible for 8-bit images). */
RSE__FN int rse__sched_t_ideal(int T, double loss) {
    double raw0 = rse__cosine_raw(T, 0), ac = 1.0;
    int t;
    for (t = 0; t < T; t++) {
        double alpha = 1.0 - rse__cosine_beta(T, t, raw0);
        double sigma;
        ac = ac * alpha;                       /* numpy.cumprod: left to right */
        sigma = sqrt(1.0 - ac) / sqrt(ac);
        if (sigma > loss) return t;
    }
    return 0;
}

RSE__FN void rse__sched_free(rse__sched *sc) {
    RSE_FREE(sc->mem);
    memset(sc, 0, sizeof *sc);
}

/* Fills every buffer for T steps and, for a pyramid of n_scales scales with
   rescale losses loss[1..n_scales-1] (loss[0] is ignored; pass
   rse__pyramid.loss), the start timesteps and the training gammas
       gamma_{s,t} = float32(clamp(sigma_t / L_s, 0, 1))
   (float64 division and clamp, then stored in a float32 tensor, as the
   reference does). gamma rises from ~0.02-0.06 at t = 0 to 1 at t_start[s].
   loss may be NULL when n_scales == 1. */
RSE__FN rse_status rse__sched_init(rse__sched *sc, int T, const double *loss, int n_scales) {
    size_t nd, nf, ng, total;
    unsigned char *m;
    double **dp[RSE__SCHED_NBUF];
    float **fp[RSE__SCHED_NBUF];
    double raw0, ac = 1.0;
    int i, t, s;

    memset(sc, 0, sizeof *sc);
    if (T < 1 || T > RSE_SCHED_MAX_T)
        return rse__fail(RSE_STATUS_BAD_ARG, "schedule: T = %d outside 1..%d", T, RSE_SCHED_MAX_T);
    if (n_scales < 1 || n_scales > RSE_PYR_MAX_SCALES || (n_scales > 1 && !loss))
        return rse__fail(RSE_STATUS_BAD_ARG, "schedule: bad scale count %d", n_scales);
    nd = (size_t)T * sizeof(double) * RSE__SCHED_NBUF;
    nf = (size_t)T * sizeof(float) * RSE__SCHED_NBUF;
    ng = (size_t)T * sizeof(float) * (size_t)(n_scales - 1);
    total = nd + nf + ng;                       /* < 20 MB: no overflow */
    m = (unsigned char *)RSE_MALLOC(total ? total : 1);
    if (!m) return rse__fail(RSE_STATUS_NOMEM, "schedule: out of memory (T = %d)", T);
    sc->mem = m;
    sc->T = T;
    sc->n_scales = n_scales;

    /* Carve the arrays (doubles first: keeps every array aligned). */
    dp[0] = &sc->d.betas; dp[1] = &sc->d.alphas_cumprod; dp[2] = &sc->d.alphas_cumprod_prev;
    dp[3] = &sc->d.sqrt_ac; dp[4] = &sc->d.sqrt_1m_ac; dp[5] = &sc->d.log_1m_ac;
    dp[6] = &sc->d.sqrt_recip_ac; dp[7] = &sc->d.sqrt_recipm1_ac; dp[8] = &sc->d.post_var;
    dp[9] = &sc->d.post_logvar; dp[10] = &sc->d.post_c1; dp[11] = &sc->d.post_c2;
    dp[12] = &sc->d.sigma;
    fp[0] = &sc->f.betas; fp[1] = &sc->f.alphas_cumprod; fp[2] = &sc->f.alphas_cumprod_prev;
    fp[3] = &sc->f.sqrt_ac; fp[4] = &sc->f.sqrt_1m_ac; fp[5] = &sc->f.log_1m_ac;
    fp[6] = &sc->f.sqrt_recip_ac; fp[7] = &sc->f.sqrt_recipm1_ac; fp[8] = &sc->f.post_var;
    fp[9] = &sc->f.post_logvar; fp[10] = &sc->f.post_c1; fp[11] = &sc->f.post_c2;
    fp[12] = &sc->f.sigma;
    for (i = 0; i < RSE__SCHED_NBUF; i++)
        *dp[i] = (double *)(void *)(m + (size_t)i * T * sizeof(double));
    for (i = 0; i < RSE__SCHED_NBUF; i++)
        *fp[i] = (float *)(void *)(m + nd + (size_t)i * T * sizeof(float));
    sc->gamma = n_scales > 1 ? (float *)(void *)(m + nd + nf) : 0;

    /* float64, in numpy's order of operations (each line one numpy op). */
    raw0 = rse__cosine_raw(T, 0);
    for (t = 0; t < T; t++) {
        rse__sched_f64 *d = &sc->d;
        double beta = rse__cosine_beta(T, t, raw0);
        double alpha = 1.0 - beta;
        double acp = ac;                        /* abar_{t-1}, 1 at t = 0 */
        double pv;
        ac = ac * alpha;
        d->betas[t] = beta;
        d->alphas_cumprod[t] = ac;
        d->alphas_cumprod_prev[t] = acp;
        d->sqrt_ac[t] = sqrt(ac);
        d->sqrt_1m_ac[t] = sqrt(1.0 - ac);
        d->log_1m_ac[t] = log(1.0 - ac);
        d->sqrt_recip_ac[t] = sqrt(1.0 / ac);
        d->sqrt_recipm1_ac[t] = sqrt(1.0 / ac - 1.0);
        pv = beta * (1.0 - acp) / (1.0 - ac);
        d->post_var[t] = pv;
        /* The posterior variance is 0 at t = 0: the log is clipped. */
        d->post_logvar[t] = log(pv > 1e-20 ? pv : 1e-20);
        d->post_c1[t] = beta * sqrt(acp) / (1.0 - ac);
        d->post_c2[t] = (1.0 - acp) * sqrt(alpha) / (1.0 - ac);
        d->sigma[t] = sqrt(1.0 - ac) / sqrt(ac);
    }
    /* torch.tensor(..., dtype=float32): round to nearest. */
    for (i = 0; i < RSE__SCHED_NBUF; i++)
        for (t = 0; t < T; t++) (*fp[i])[t] = (float)(*dp[i])[t];

    sc->t_start[0] = T;
    for (s = 1; s < n_scales; s++) {
        double L = loss[s];
        float *g = sc->gamma + (size_t)(s - 1) * T;
        sc->t_start[s] = 0;
        for (t = T - 1; t >= 0; t--)            /* first t with sigma_t > L */
            if (sc->d.sigma[t] > L) sc->t_start[s] = t;
        for (t = 0; t < T; t++) {
            /* L = 0 (a scale equal to its blurry version): the reference
               divides by zero, gets inf and clamps to 1. */
            double q = L > 0.0 ? sc->d.sigma[t] / L : 1.0;
            if (q < 0.0) q = 0.0;
            if (q > 1.0) q = 1.0;
            g[t] = (float)q;
        }
    }
    return RSE_STATUS_OK;
}

/* gamma_{s,t}: the weight of the blurry image in scale s's mixed image.
   0 at scale 0 (no blur there). Training uses it as stored (clamped to
   [0,1]); sampling additionally caps it at 0.55 (the reference clamps the
   float32 row to [0, 0.55] before de-blurring, which keeps 1/(1-gamma)
   bounded). */
RSE__FN float rse__sched_gamma(const rse__sched *sc, int s, int t, int sampling) {
    float g;
    RSE_ASSERT(s >= 0 && s < sc->n_scales && t >= 0 && t < sc->T);
    if (s == 0) return 0.0f;
    g = sc->gamma[(size_t)(s - 1) * sc->T + t];
    return sampling && g > RSE_SINDDM_GAMMA_SAMPLE_MAX ? RSE_SINDDM_GAMMA_SAMPLE_MAX : g;
}

/* ===========================================================================
   Network
   ========================================================================= */

/* The denoiser (the reference's SinDDMNet, sinddm.md section 2): fully
   convolutional, no normalisation, no down- or upsampling, no attention.
   It predicts the noise eps of x_t, conditioned on the timestep t and the
   scale s through one 32-wide vector that every block turns into a
   per-channel bias:

     emb   (B,64)  = [sin(t f), cos(t f), sin(s f), cos(s f)],  f_k = 10000^(-k/15)
     cond  (B,32)  = Linear(128->32)(GELU(Linear(64->128)(emb)))
     block(x; din -> dout):
         c  = time_reshape(Linear(32->32)(GELU(cond)))          (B,din,1,1)
         h  = dwconv5x5(x) + c                                   (B,din,H,W)
         h  = conv3x3(GELU(conv3x3(h)))                          (B,dout,H,W)
         out = h + (din != dout ? conv1x1(x) : x)
     net   = conv1x1(block4(block3(block2(block1(x)))))   3 -> dim/2 -> dim
                                                           -> dim -> dim/2 -> 3
   Every weight lives in one float array, in the order of the reference's
   state dict, so Adam, the EMA and the checkpoints are flat loops over it
   and importing a reference checkpoint is a name-by-name copy. */

#define RSE_SD_TIME_DIM 32      /* width of each sinusoidal embedding and of cond */
#define RSE_SD_MAX_PARAMS 64
#define RSE_SD_MAX_DIM 4096     /* a sanity cap for dims read from files */

typedef struct rse__sd_param {
    char name[40];   /* state-dict key without the "denoise_fn." prefix */
    int nd, shape[4];
    size_t off, n;   /* position in the flat weight array */
    size_t fan_in;   /* PyTorch's fan-in for the default initialisation */
} rse__sd_param;

typedef struct rse__sd_block {
    int din, dout;
    rse__tensor mlp_w, mlp_b;   /* (32,32), (32)                      */
    rse__tensor tr_w, tr_b;     /* time_reshape: (din,32) view of a   */
                               /* (din,32,1,1) conv, (din)           */
    rse__tensor dw_w, dw_b;     /* (din,1,5,5), (din)                 */
    rse__tensor c1_w, c1_b;     /* (dout,din,3,3), (dout)             */
    rse__tensor c2_w, c2_b;     /* (dout,dout,3,3), (dout)            */
    rse__tensor res_w, res_b;   /* (dout,din,1,1), (dout) if din != dout */
} rse__sd_block;

typedef struct rse__sd_net {
    int dim, half;             /* dim (default 160) and dim/2        */
    int nparams;
    rse__sd_param p[RSE_SD_MAX_PARAMS];
    size_t total;              /* number of floats in all weights    */
    rse__tensor tm0_w, tm0_b;   /* time_mlp.0: (128,64), (128)        */
    rse__tensor tm2_w, tm2_b;   /* time_mlp.2: (32,128), (32)         */
    rse__sd_block blk[4];
    rse__tensor fin_w, fin_b;   /* final_conv.0: (3,half,1,1), (3)    */
} rse__sd_net;

RSE__FN void rse__sd_add_param(rse__sd_net *net, const char *name, int nd, int d0, int d1, int d2, int d3,
                              size_t fan_in) {
    rse__sd_param *p = &net->p[net->nparams++];
    int i;
    rse__fmt(p->name, sizeof p->name, "%s", name);
    p->nd = nd;
    p->shape[0] = d0; p->shape[1] = d1; p->shape[2] = d2; p->shape[3] = d3;
    p->n = 1;
    for (i = 0; i < nd; i++) p->n *= (size_t)p->shape[i];
    p->off = net->total;
    p->fan_in = fan_in;
    net->total += p->n;
}

/* Fills the parameter table for a given dim: names, shapes, offsets. The
   order is the reference's module registration order. dim must be even and
   at most RSE_SD_MAX_DIM, so every count below fits comfortably. */
RSE__FN rse_status rse__sd_net_layout(rse__sd_net *net, int dim) {
    static const char *names[4] = { "l1", "l2", "l3", "l4" };
    const int T = RSE_SD_TIME_DIM;
    int b, din[4], dout[4];
    char nm[40];
    if (dim < 2 || dim > RSE_SD_MAX_DIM || dim % 2)
        return rse__fail(RSE_STATUS_BAD_ARG, "denoiser dim must be even and in 2..%d, got %d", RSE_SD_MAX_DIM, dim);
    memset(net, 0, sizeof *net);
    net->dim = dim;
    net->half = dim / 2;
    din[0] = 3;         dout[0] = net->half;
    din[1] = net->half; dout[1] = dim;
    din[2] = dim;       dout[2] = dim;
    din[3] = dim;       dout[3] = net->half;
    rse__sd_add_param(net, "time_mlp.0.weight", 2, 4 * T, 2 * T, 0, 0, 2 * T);
    rse__sd_add_param(net, "time_mlp.0.bias", 1, 4 * T, 0, 0, 0, 2 * T);
    rse__sd_add_param(net, "time_mlp.2.weight", 2, T, 4 * T, 0, 0, 4 * T);
    rse__sd_add_param(net, "time_mlp.2.bias", 1, T, 0, 0, 0, 4 * T);
    for (b = 0; b < 4; b++) {
        int i = din[b], o = dout[b];
        net->blk[b].din = i;
        net->blk[b].dout = o;
#define RSE__P(suffix, nd, d0, d1, d2, d3, fan) \
        rse__fmt(nm, sizeof nm, "%s.%s", names[b], suffix); \
        rse__sd_add_param(net, nm, nd, d0, d1, d2, d3, fan)
        RSE__P("mlp.1.weight", 2, T, T, 0, 0, T);
        RSE__P("mlp.1.bias", 1, T, 0, 0, 0, T);
        RSE__P("time_reshape.weight", 4, i, T, 1, 1, T);
        RSE__P("time_reshape.bias", 1, i, 0, 0, 0, T);
        RSE__P("ds_conv.weight", 4, i, 1, 5, 5, 25);
        RSE__P("ds_conv.bias", 1, i, 0, 0, 0, 25);
        RSE__P("net.0.weight", 4, o, i, 3, 3, (size_t)i * 9);
        RSE__P("net.0.bias", 1, o, 0, 0, 0, (size_t)i * 9);
        RSE__P("net.2.weight", 4, o, o, 3, 3, (size_t)o * 9);
        RSE__P("net.2.bias", 1, o, 0, 0, 0, (size_t)o * 9);
        if (i != o) {
            RSE__P("res_conv.weight", 4, o, i, 1, 1, (size_t)i);
            RSE__P("res_conv.bias", 1, o, 0, 0, 0, (size_t)i);
        }
#undef RSE__P
    }
    rse__sd_add_param(net, "final_conv.0.weight", 4, 3, net->half, 1, 1, (size_t)net->half);
    rse__sd_add_param(net, "final_conv.0.bias", 1, 3, 0, 0, 0, (size_t)net->half);
    return RSE_STATUS_OK;
}

/* Points the net's tensors into a flat weight array w (and gradient array g,
   or NULL for inference: then no weight gradient is ever computed). */
RSE__FN void rse__sd_net_bind(rse__sd_net *net, float *w, float *g) {
    rse__tensor *slots[RSE_SD_MAX_PARAMS];
    int k = 0, b, i;
    slots[k++] = &net->tm0_w; slots[k++] = &net->tm0_b;
    slots[k++] = &net->tm2_w; slots[k++] = &net->tm2_b;
    for (b = 0; b < 4; b++) {
        rse__sd_block *B = &net->blk[b];
        slots[k++] = &B->mlp_w; slots[k++] = &B->mlp_b;
        slots[k++] = &B->tr_w; slots[k++] = &B->tr_b;
        slots[k++] = &B->dw_w; slots[k++] = &B->dw_b;
        slots[k++] = &B->c1_w; slots[k++] = &B->c1_b;
        slots[k++] = &B->c2_w; slots[k++] = &B->c2_b;
        if (B->din != B->dout) { slots[k++] = &B->res_w; slots[k++] = &B->res_b; }
    }
    slots[k++] = &net->fin_w; slots[k++] = &net->fin_b;
    RSE_ASSERT(k == net->nparams);
    for (i = 0; i < k; i++) {
        const rse__sd_param *p = &net->p[i];
        rse__tensor_view(slots[i], w + p->off, p->nd, p->shape);
        slots[i]->grad = g ? g + p->off : 0;
        slots[i]->requires_grad = g != 0;
    }
    /* time_reshape is a 1x1 conv on a 1x1 map: a linear layer. Same memory,
       two dimensions. */
    for (b = 0; b < 4; b++) {
        rse__tensor *tr = &net->blk[b].tr_w;
        tr->nd = 2;
    }
}

/* PyTorch's default initialisation, from our RNG: weights and biases of
   Linear and Conv2d ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (kaiming_uniform
   with a = sqrt(5) reduces to exactly that bound). */
RSE__FN void rse__sd_net_init(const rse__sd_net *net, float *w, rse__rng *rng) {
    int i;
    size_t j;
    for (i = 0; i < net->nparams; i++) {
        const rse__sd_param *p = &net->p[i];
        float bound = 1.0f / sqrtf((float)p->fan_in);
        for (j = 0; j < p->n; j++) w[p->off + j] = (2.0f * rse__rng_uniform(rng) - 1.0f) * bound;
    }
}

/* The sinusoidal embedding of the reference (SinusoidalPosEmb(32)), in its
   float32 arithmetic: f_k = exp(k * -(ln(10000)/15)), then sin and cos of
   x * f_k. x is the raw integer timestep or scale index. out has 32 floats. */
RSE__FN void rse__sd_sinusoid(float *out, float x) {
    const float c = (float)(-9.210340371976184 / 15.0); /* -ln(10000)/(16-1) */
    int k;
    for (k = 0; k < 16; k++) {
        float a = x * expf((float)k * c);
        out[k] = sinf(a);
        out[16 + k] = cosf(a);
    }
}

/* ---- one block ----------------------------------------------------------------
   The block's time MLP, c = time_reshape(Linear(GELU(cond))), is (B,din):
   tiny, so it stays on the tape as ordinary ops. The rest of the block

       h2 = dw5x5(x) + dw_b + c                         (B,din,H,W)
       h3 = conv3x3(h2) + c1_b                          (B,dout,H,W)
       h4 = gelu(h3)                                    (B,dout,H,W)
       y  = conv3x3(h4) + c2_b + skip                   (B,dout,H,W)
       skip = x, or conv1x1(x) + res_b when din != dout

   is one tape op with a hand-written backward. Built from generic ops, the
   tape kept every intermediate (the depthwise output, h2, h3, h4, the skip)
   and a gradient buffer for each of them, in an arena that only grows:
   about 40 maps of dim floats per pixel for the whole net. The fused op
   keeps only h3 (the output of a 3x3 conv: too dear to recompute), and
   not even that in the first block, whose 3x3 conv reads the image's 3
   channels. The backward recomputes h2 from x (25 multiply-adds per pixel
   and channel, against 9*dout for either 3x3 conv) and h4 = gelu(h3);
   dh3 is written over h3, the other intermediate gradients live in the
   scratch arena, released when the backward returns, and x's gradient
   takes h3's place once dh3 is dead. Under no_grad (sampling) nothing is
   kept at all.

   A training micro-batch now peaks at about 8 maps of dim floats per
   pixel (measured 8.1 at dim 160, 223x223): on the tape 6.5, the blocks'
   outputs (3 maps: dim/2, dim, dim, dim/2), h3 of blocks 2-4 (3: the last
   block's is sized for its input's gradient, dim) and the gradient of the
   last output, which finds no dead h3 (0.5); in scratch one intermediate
   at a time, at most h2 of a dim -> dim block with its border (the
   backward below writes dh3 over h3, and backward-weight packs its dout a
   band of rows at a time), and the Winograd transforms of a band (7.6).
   Small images add the kernels' fixed scratch (packed weights): 8.8 maps
   at dim 64, 64x64, and at dim 160, 111x111.
   The 3x3 convs read h2 and h4 stored with their zero border (below), so
   backward-weight needs no padded copy of its own.

   Each step calls the same kernels on the same data in the same order as
   the composite (rse__sd_block_forward_ref, built for the tests), so the two
   agree bit for bit whatever the thread count; the fusions below (the
   condition added to each depthwise plane while it is in cache, dh3 =
   dh4 * gelu'(h3) written over h3) keep the composite's rounding. */

/* One of the block's convolutions, (B,C,H,W) -> (B,K,H,W): k x k kernel,
   stride 1, "same" zero padding k/2. */
RSE__FN void rse__sd_conv_shape(rse__conv2d_shape *s, int B, int C, int K, int H, int W, int k, int groups) {
    s->N = B; s->C = C; s->H = H; s->W = W; s->K = K; s->KH = k; s->KW = k;
    s->stride = 1; s->pad = k / 2; s->groups = groups; s->Ho = H; s->Wo = W;
}

/* The same 3x3 convolution read from an input stored already padded,
   (B,C,H+2,W+2) with a zero border, and pad 0. The kernels then see the
   same numbers as with pad 1 (so the results are the same bits), and
   backward-weight needs no padded copy of its own: one map less of
   scratch at the backward's peak. */
RSE__FN void rse__sd_conv3_padded(rse__conv2d_shape *s, int B, int C, int K, int H, int W) {
    rse__sd_conv_shape(s, B, C, K, H + 2, W + 2, 3, 1);
    s->pad = 0; s->Ho = H; s->Wo = W;
}

/* ---- the two padded inputs of the 3x3 convs, plane by plane ----------------
     h2 = dw5x5(x) + dw_b + c     x (B,din,H,W), c (B,din) -> (B,din,H+2,W+2)
     h4 = gelu(h3)                h3 (B,dout,H,W)          -> (B,dout,H+2,W+2) */

typedef struct {
    int gelu;                 /* 0: h2 from x; 1: h4 from h3            */
    float *out;               /* (B,C,H+2,W+2), border written as zeros */
    const float *in;          /* x or h3, (B,C,H,W)                     */
    const float *w, *b, *c;   /* dw_w (din,1,5,5), dw_b (din), c (B,din) */
    int C, H, W;
    size_t nplanes;
    float *bufs;              /* per task: x's plane padded by 2, and   */
    size_t bufsize;           /* the depthwise output plane             */
} rse__sd_pad_job;

RSE__FN void rse__sd_pad_task(void *ctx, int task, int ntasks) {
    const rse__sd_pad_job *j = (const rse__sd_pad_job *)ctx;
    int H = j->H, W = j->W, wp = W + 2, y, x;
    size_t lo, hi, q, P = (size_t)H * W, PP = (size_t)(H + 2) * wp;
    float *buf = j->bufs ? j->bufs + (size_t)task * j->bufsize : 0;
    float *tmp = buf ? buf + (((size_t)(H + 4) * (W + 4) + 15) & ~(size_t)15) : 0;
    rse__split_range(j->nplanes, task, ntasks, &lo, &hi);
    for (q = lo; q < hi; q++) { /* plane q = (n, ch); c[q] is c[n][ch] */
        float *o = j->out + q * PP;
        const float *src = j->in + q * P;
        if (!j->gelu) {
            /* tensor.h's depthwise kernel (7.5), then c added while the
               plane is in cache: (dw_b + taps) + c, the composite's order */
            int ch = (int)(q % (size_t)j->C);
            rse__pad_plane(buf, src, H, W, 2, 2);
            rse__dw_plane(tmp, buf, W + 4, j->w + (size_t)ch * 25, 5, 5, 0, H, W, j->b[ch], 0);
            src = tmp;
        }
        memset(o, 0, sizeof(float) * (size_t)wp);                           /* top border row    */
        memset(o + PP - wp, 0, sizeof(float) * (size_t)wp);                 /* bottom border row */
        for (y = 0; y < H; y++) {
            float *d = o + (size_t)(y + 1) * wp + 1;
            const float *s = src + (size_t)y * W;
            d[-1] = 0.0f; d[W] = 0.0f;                                      /* side borders      */
            if (j->gelu) rse__gelu_run(d, s, (size_t)W);
            else {
                float cq = j->c[q];
                for (x = 0; x < W; x++) d[x] = s[x] + cq;
            }
        }
    }
}

/* gelu == 0: out = padded h2 from in = x (and b's depthwise weights, c);
   gelu == 1: out = padded gelu(in), in = h3. */
RSE__FN rse_status rse__sd_padded(float *out, int gelu, const rse__sd_block *b, const float *in, const float *c,
                                 int B, int C, int H, int W, rse__arena *scratch) {
    rse__sd_pad_job j;
    rse_arena_mark mark = rse__arena_get_mark(scratch);
    int ntasks;
    memset(&j, 0, sizeof j);
    j.gelu = gelu; j.out = out; j.in = in; j.c = c; j.C = C; j.H = H; j.W = W;
    j.nplanes = (size_t)B * C;
    ntasks = rse__task_count(j.nplanes);
    if (!gelu) {
        /* two 64-byte aligned planes per task */
        j.w = b->dw_w.data; j.b = b->dw_b.data;
        j.bufsize = (((size_t)(H + 4) * (W + 4) + 15) & ~(size_t)15) + (((size_t)H * W + 15) & ~(size_t)15);
        j.bufs = rse__scratch_floats(scratch, j.bufsize * (size_t)ntasks, "denoiser block");
        if (!j.bufs) return RSE_STATUS_NOMEM;
    }
    rse__parallel(ntasks, rse__sd_pad_task, &j);
    rse__arena_release(scratch, mark);
    return RSE_STATUS_OK;
}

/* ---- element-wise passes, split by element ranges ---- */

typedef struct { int mode; float *a; const float *b; size_t n; } rse__sd_ew_job;

RSE__FN void rse__sd_ew_task(void *ctx, int task, int ntasks) {
    const rse__sd_ew_job *j = (const rse__sd_ew_job *)ctx;
    float *a = j->a;
    const float *b = j->b;
    size_t i, lo, hi;
    rse__split_range(j->n, task, ntasks, &lo, &hi);
    if (j->mode == 0) for (i = lo; i < hi; i++) a[i] += b[i];                     /* a += b        */
    else rse__gelu_grad_run(a + lo, b + lo, a + lo, hi - lo, 0);             /* a = b*gelu'(a), in place */
}

RSE__FN void rse__sd_ew(int mode, float *a, const float *b, size_t n) {
    rse__sd_ew_job j;
    /* GELU's derivative costs several adds per element: split sooner */
    size_t min = mode ? RSE__EW_PAR_MIN / 4 : RSE__EW_PAR_MIN;
    j.mode = mode; j.a = a; j.b = b; j.n = n;
    rse__parallel(n < min ? 1 : rse__task_count(n / min + 1), rse__sd_ew_task, &j);
}

/* ---- dc[n][ch] += sum over pixels of dh2[n][ch], one task per plane range ---- */

typedef struct { float *dc; const float *dh2; size_t nplanes, P; } rse__sd_csum_job;

RSE__FN void rse__sd_csum_task(void *ctx, int task, int ntasks) {
    const rse__sd_csum_job *j = (const rse__sd_csum_job *)ctx;
    size_t lo, hi, q, p;
    rse__split_range(j->nplanes, task, ntasks, &lo, &hi);
    for (q = lo; q < hi; q++) {
        const float *d = j->dh2 + q * j->P;
        float acc = 0.0f; /* in pixel order, one lane: the broadcast add's backward */
        for (p = 0; p < j->P; p++) acc += d[p];
        j->dc[q] += acc;
    }
}

/* The block's weights are trained together or not at all (rse__sd_net_bind
   sets one flag for every weight of the net), so dw_w's flag stands for all. */
RSE__FN int rse__sd_block_trains(const rse__sd_block *b) {
    int f = b->dw_w.requires_grad;
    RSE_ASSERT(b->dw_b.requires_grad == f && b->c1_w.requires_grad == f && b->c1_b.requires_grad == f &&
               b->c2_w.requires_grad == f && b->c2_b.requires_grad == f &&
               (b->din == b->dout || (b->res_w.requires_grad == f && b->res_b.requires_grad == f)));
    return f;
}

RSE__FN rse_status rse__sd_block_bwd(rse__tape *t, rse__node *n);

/* Blocks with fewer input channels recompute h3 in the backward. */
#define RSE_SD_KEEP_H3_DIN 8

/* Forward: x (B,din,H,W), c (B,din) -> y (B,dout,H,W). */
RSE__FN rse__tensor *rse__sd_block_fused(rse__tape *t, const rse__sd_block *b, rse__tensor *x, rse__tensor *c) {
    rse__conv2d_shape sp1, sp2, sr;
    rse__arena *sc = t->scratch;
    rse_arena_mark mark, m2;
    rse__tensor *y;
    rse__node *node;
    rse_status st;
    float *h2, *h3, *h4, *r;
    int B, H, W, din = b->din, dout = b->dout, keep;
    size_t n3, pp;
    if (!rse__live(t, x, c)) return 0;
    if (x->nd != 4 || x->shape[1] != din || c->nd != 2 || c->shape[0] != x->shape[0] || c->shape[1] != din)
        return rse__shape_fail(t, "denoiser block", "input must be (B,din,H,W) and condition (B,din)");
    B = x->shape[0]; H = x->shape[2]; W = x->shape[3];
    rse__sd_conv3_padded(&sp1, B, din, dout, H, W);
    rse__sd_conv3_padded(&sp2, B, dout, dout, H, W);
    rse__sd_conv_shape(&sr, B, din, dout, H, W, 1, 1);
    /* (the kernels check their shapes too; this one first bounds the
       padded maps' sizes computed here) */
    if ((st = rse__conv2d_check(&sp1)) != RSE_STATUS_OK) return rse__tape_fail(t, st);
    pp = (size_t)B * (size_t)(H + 2) * (size_t)(W + 2); /* floats per channel of a padded map */
    /* h3 goes on the tape only if a backward will read it (the test is
       rse__record's, which decides below whether a node is recorded), and
       only if it is dear to recompute: the first block's h3 = conv3x3 of
       the image's 3 channels costs 27 multiply-adds per output, under 1%
       of its block; its backward recomputes it. */
    keep = !t->no_grad && (x->requires_grad || c->requires_grad || rse__sd_block_trains(b)) &&
           din >= RSE_SD_KEEP_H3_DIN;
    y = rse__new4(t, 4, B, dout, H, W);
    if (!y) return 0;
    n3 = y->n;
    /* h3's buffer becomes x's gradient once dh3 is dead (the backward), so
       it is sized for whichever is larger: in a block that narrows
       (din > dout, the net's last) that costs (din - dout) channels more
       on the tape here and saves din channels of gradient there */
    h3 = keep ? rse__scratch_floats(t->arena, x->requires_grad && x->n > n3 ? x->n : n3, "denoiser block") : 0;
    if (keep && !h3) return rse__tape_fail(t, RSE_STATUS_NOMEM);
    mark = rse__arena_get_mark(sc);
    if (!keep && !(h3 = rse__scratch_floats(sc, n3, "denoiser block"))) return rse__tape_fail(t, RSE_STATUS_NOMEM);
    /* h2 = dw5x5(x) + dw_b + c                          (B,din,H+2,W+2) */
    m2 = rse__arena_get_mark(sc);
    h2 = rse__scratch_floats(sc, pp * din, "denoiser block");
    st = h2 ? rse__sd_padded(h2, 0, b, x->data, c->data, B, din, H, W, sc) : RSE_STATUS_NOMEM;
    /* h3 = conv3x3(h2) + c1_b                           (B,dout,H,W) */
    if (!st) st = rse__conv2d_forward(h3, h2, b->c1_w.data, b->c1_b.data, &sp1, sc);
    rse__arena_release(sc, m2); /* h2 is dead: h4 takes its place */
    /* h4 = gelu(h3)                                     (B,dout,H+2,W+2) */
    h4 = st ? 0 : rse__scratch_floats(sc, pp * dout, "denoiser block");
    if (!st && !h4) st = RSE_STATUS_NOMEM;
    if (!st) st = rse__sd_padded(h4, 1, b, h3, 0, B, dout, H, W, sc);
    /* y = conv3x3(h4) + c2_b                            (B,dout,H,W) */
    if (!st) st = rse__conv2d_forward(y->data, h4, b->c2_w.data, b->c2_b.data, &sp2, sc);
    rse__arena_release(sc, m2); /* h4 is dead: r takes its place */
    /* y += skip: x itself, or r = conv1x1(x) + res_b */
    if (!st && din == dout) rse__sd_ew(0, y->data, x->data, n3);
    else if (!st) {
        r = rse__scratch_floats(sc, n3, "denoiser block");
        st = r ? rse__conv2d_forward(r, x->data, b->res_w.data, b->res_b.data, &sr, sc) : RSE_STATUS_NOMEM;
        if (!st) rse__sd_ew(0, y->data, r, n3);
    }
    rse__arena_release(sc, mark);
    if (st) return rse__tape_fail(t, st);
    node = rse__record(t, RSE__OP_CUSTOM, y, x, c, (rse__tensor *)&b->dw_w);
    if (node) { node->bwd = rse__sd_block_bwd; node->ctx = b; node->saved = keep ? h3 : 0; }
    return t->status == RSE_STATUS_OK ? y : 0;
}

/* Backward: dy = y's gradient (B,dout,H,W) -> every weight's gradient, dc
   (B,din) and dx (B,din,H,W), each accumulated (+=) into its buffer.

   Memory is the point of the order below. h3's buffer is reused twice:
   once h4 = gelu(h3) has served the second conv's weight gradient, h3 is
   read only by dh3 = dh4 * gelu'(h3), which overwrites it element by
   element; once dh3 has given dh2 it is dead, and x's gradient takes its
   place when this block is x's only reader (in the net, x is the previous
   block's output; the forward sized h3's buffer for it). So at any moment
   scratch holds one intermediate map (h4, dh4, h2 or dh2) besides h3's own.
   dx is accumulated in the composite's order (the skip first, then the
   depthwise conv), so it has its bits; each weight's gradient gets exactly
   the composite's one addition, so their order among weights is free. */
RSE__FN rse_status rse__sd_block_bwd(rse__tape *t, rse__node *n) {
    const rse__sd_block *b = (const rse__sd_block *)n->ctx;
    rse__tensor *x = n->in[0], *c = n->in[1];
    rse__arena *sc = t->scratch;
    rse_arena_mark mark = rse__arena_get_mark(sc), m2;
    rse__conv2d_shape sdw, s1, s2, sp1, sp2, sr;
    const float *dy = n->out->grad;
    float *h3 = n->saved, *dx = 0, *h4, *dh4, *dh3, *h2, *dh2 = 0;
    int B = x->shape[0], H = x->shape[2], W = x->shape[3], din = b->din, dout = b->dout;
    int wg = rse__sd_block_trains(b);
    size_t n3 = n->out->n, P = (size_t)H * W, pp = (size_t)B * (size_t)(H + 2) * (size_t)(W + 2);
    rse_status st = RSE_STATUS_OK;
    rse__sd_conv_shape(&sdw, B, din, din, H, W, 5, din);
    rse__sd_conv_shape(&s1, B, din, dout, H, W, 3, 1);
    rse__sd_conv_shape(&s2, B, dout, dout, H, W, 3, 1);
    rse__sd_conv3_padded(&sp1, B, din, dout, H, W);
    rse__sd_conv3_padded(&sp2, B, dout, dout, H, W);
    rse__sd_conv_shape(&sr, B, din, dout, H, W, 1, 1);
    if (c->requires_grad && !rse__grad(t, c)) return t->status;
    if (!h3) {
        /* not kept (din < RSE_SD_KEEP_H3_DIN): h3 = conv3x3(h2) + c1_b again,
           in scratch until dh3 is dead */
        h3 = rse__scratch_floats(sc, n3, "denoiser block backward");
        if (!h3) return RSE_STATUS_NOMEM;
        m2 = rse__arena_get_mark(sc);
        h2 = rse__scratch_floats(sc, pp * din, "denoiser block backward");
        st = h2 ? rse__sd_padded(h2, 0, b, x->data, c->data, B, din, H, W, sc) : RSE_STATUS_NOMEM;
        if (!st) st = rse__conv2d_forward(h3, h2, b->c1_w.data, b->c1_b.data, &sp1, sc);
        rse__arena_release(sc, m2);
        if (st) goto done;
    }
    /* the weights' gradients are the caller's buffers (rse__sd_net_bind) */
#define RSE__G(p) (wg ? rse__grad(t, (rse__tensor *)&b->p) : 0)
    /* h4 = gelu(h3) again; d c2_w += dy (x) h4 (correlation over the batch
       and pixels), d c2_b += sum of dy. h4 is then dead. */
    if (wg) {
        m2 = rse__arena_get_mark(sc);
        h4 = rse__scratch_floats(sc, pp * dout, "denoiser block backward");
        st = h4 ? rse__sd_padded(h4, 1, b, h3, 0, B, dout, H, W, sc) : RSE_STATUS_NOMEM;
        if (!st) st = rse__conv2d_backward_weight(RSE__G(c2_w), RSE__G(c2_b), dy, h4, &sp2, sc);
        rse__arena_release(sc, m2);
        if (st) goto done;
    }
    /* dh4 = c2_w^T dy (backward-data into zeros), then
       dh3 = dh4 * gelu'(h3) written over h3                  (B,dout,H,W) */
    m2 = rse__arena_get_mark(sc);
    dh4 = (float *)rse__arena_calloc(sc, n3, sizeof(float));
    st = dh4 ? rse__conv2d_backward_data(dh4, dy, b->c2_w.data, &s2, sc) : RSE_STATUS_NOMEM;
    if (!st) rse__sd_ew(1, h3, dh4, n3);
    rse__arena_release(sc, m2);
    if (st) goto done;
    dh3 = h3;
    /* h2 = dw5x5(x) + dw_b + c again; d c1_w += dh3 (x) h2, d c1_b += sum of
       dh3. h2 is then dead. */
    if (wg) {
        m2 = rse__arena_get_mark(sc);
        h2 = rse__scratch_floats(sc, pp * din, "denoiser block backward");
        st = h2 ? rse__sd_padded(h2, 0, b, x->data, c->data, B, din, H, W, sc) : RSE_STATUS_NOMEM;
        if (!st) st = rse__conv2d_backward_weight(RSE__G(c1_w), RSE__G(c1_b), dh3, h2, &sp1, sc);
        rse__arena_release(sc, m2);
        if (st) goto done;
    }
    /* dh2 = c1_w^T dh3                                         (B,din,H,W) */
    if (x->requires_grad || c->requires_grad || wg) {
        dh2 = (float *)rse__arena_calloc(sc, x->n, sizeof(float));
        if (!dh2) { st = RSE_STATUS_NOMEM; goto done; }
        st = rse__conv2d_backward_data(dh2, dh3, b->c1_w.data, &s1, sc);
        if (st) goto done;
    }
    /* dh3 is dead: x's gradient may take its place on the tape */
    if (x->requires_grad) {
        if (!x->grad && n->saved) { x->grad = h3; memset(h3, 0, x->n * sizeof(float)); }
        else if (!rse__grad(t, x)) { st = t->status; goto done; }
        dx = x->grad;
    }
    /* skip: dx += dy, or dx += res_w^T dy (1x1 backward-data) and
       d res_w += dy x^T, d res_b += sum of dy */
    if (din == dout) { if (dx) rse__sd_ew(0, dx, dy, n3); }
    else {
        if (dx) st = rse__conv2d_backward_data(dx, dy, b->res_w.data, &sr, sc);
        if (!st && wg) st = rse__conv2d_backward_weight(RSE__G(res_w), RSE__G(res_b), dy, x->data, &sr, sc);
        if (st) goto done;
    }
    if (!dh2) goto done;
    /* dc[n][ch] += sum over pixels of dh2[n][ch] (c was broadcast over them) */
    if (c->requires_grad) {
        rse__sd_csum_job j;
        j.dc = c->grad; j.dh2 = dh2; j.nplanes = (size_t)B * din; j.P = P;
        rse__parallel(x->n < RSE__EW_PAR_MIN ? 1 : rse__task_count(j.nplanes), rse__sd_csum_task, &j);
    }
    /* d dw_w += dh2 (x) x per channel, d dw_b += sum of dh2 */
    if (wg) st = rse__conv2d_backward_weight(RSE__G(dw_w), RSE__G(dw_b), dh2, x->data, &sdw, sc);
    /* dx += dw5x5^T dh2 (the taps turned 180 degrees) */
    if (!st && dx) st = rse__conv2d_backward_data(dx, dh2, b->dw_w.data, &sdw, sc);
#undef RSE__G
done:
    rse__arena_release(sc, mark);
    return st;
}

/* One block: x (B,din,H,W), cond (B,32) -> (B,dout,H,W). */
RSE__FN rse__tensor *rse__sd_block_forward(rse__tape *t, const rse__sd_block *b, rse__tensor *x, rse__tensor *cond) {
    rse__tensor *c;
    if (!x || !cond) return 0;
    c = rse__linear(t, rse__gelu(t, cond), (rse__tensor *)&b->mlp_w, (rse__tensor *)&b->mlp_b);
    c = rse__linear(t, c, (rse__tensor *)&b->tr_w, (rse__tensor *)&b->tr_b);   /* (B,din) */
    return rse__sd_block_fused(t, b, x, c);
}

#ifdef RSE_TESTING
/* The same block built from generic tape ops: the reference for the fused
   op in the tests (rse__sd_block_fused must match it bit for bit). */
RSE__FN rse__tensor *rse__sd_block_forward_ref(rse__tape *t, const rse__sd_block *b, rse__tensor *x, rse__tensor *cond) {
    rse__tensor *c, *h, *skip;
    int sh[4];
    if (!x || !cond) return 0;
    c = rse__linear(t, rse__gelu(t, cond), (rse__tensor *)&b->mlp_w, (rse__tensor *)&b->mlp_b);
    c = rse__linear(t, c, (rse__tensor *)&b->tr_w, (rse__tensor *)&b->tr_b);   /* (B,din) */
    sh[0] = x->shape[0]; sh[1] = b->din; sh[2] = 1; sh[3] = 1;
    c = rse__reshape(t, c, 4, sh);                                           /* (B,din,1,1) */
    h = rse__conv2d(t, x, (rse__tensor *)&b->dw_w, (rse__tensor *)&b->dw_b, 1, 2, b->din);
    h = rse__add(t, h, c);
    h = rse__conv2d(t, h, (rse__tensor *)&b->c1_w, (rse__tensor *)&b->c1_b, 1, 1, 1);
    h = rse__gelu(t, h);
    h = rse__conv2d(t, h, (rse__tensor *)&b->c2_w, (rse__tensor *)&b->c2_b, 1, 1, 1);
    skip = b->din != b->dout ? rse__conv2d(t, x, (rse__tensor *)&b->res_w, (rse__tensor *)&b->res_b, 1, 0, 1) : x;
    return rse__add(t, h, skip);
}
#endif /* RSE_TESTING */

/* eps_hat = net(x, t, s): x (B,3,H,W), ts[B] timesteps, one scale index s
   for the whole batch. Returns (B,3,H,W), or NULL with the tape's status. */
RSE__FN rse__tensor *rse__sd_forward(rse__tape *t, const rse__sd_net *net, rse__tensor *x, const int *ts, int s) {
    rse__tensor *emb, *cond, *h;
    int B, i;
    if (!x || t->status != RSE_STATUS_OK) return 0;
    if (x->nd != 4 || x->shape[1] != 3) return rse__shape_fail(t, "denoiser", "input must be (B,3,H,W)");
    B = x->shape[0];
    emb = rse__new4(t, 2, B, 2 * RSE_SD_TIME_DIM, 0, 0);
    if (!emb) return 0;
    for (i = 0; i < B; i++) {
        rse__sd_sinusoid(emb->data + (size_t)i * 64, (float)ts[i]);
        rse__sd_sinusoid(emb->data + (size_t)i * 64 + 32, (float)s);
    }
    cond = rse__linear(t, emb, (rse__tensor *)&net->tm0_w, (rse__tensor *)&net->tm0_b);
    cond = rse__linear(t, rse__gelu(t, cond), (rse__tensor *)&net->tm2_w, (rse__tensor *)&net->tm2_b);
    h = x;
    for (i = 0; i < 4; i++) h = rse__sd_block_forward(t, &net->blk[i], h, cond);
    return rse__conv2d(t, h, (rse__tensor *)&net->fin_w, (rse__tensor *)&net->fin_b, 1, 0, 1);
}

/* ===========================================================================
   Training
   ========================================================================= */

/* ---- the batch gradient, micro-batches side by side -------------------------
   A training step's gradient is the sum over micro-batches of each one's
   gradient (its loss seeded with mb/B, so the sum is the whole batch's mean
   loss). At the CPU preset's sizes (64x64 crops, dim 32-64) one micro-batch
   is too small to keep two threads busy inside each kernel: a step runs
   about a thousand short parallel jobs, and 2 threads gain little over
   one (BENCH.md, 7 Dec 2026). Micro-batches are independent until their gradients are summed, so
   they run side by side instead, one per thread, each in a slot of its
   own (its own tape arenas, every kernel inside it inline), each
   micro-batch's gradient in a buffer of its own.

   The result must not depend on how many run at once (checkpoints and
   resume are bit-identical for any thread count), so:
     - each micro-batch's gradient starts from zero in a buffer of its own;
     - the buffers are added into g in micro-batch order, whatever thread
       computed them (with one thread: the same buffers, the same sums);
     - a batch of a single micro-batch writes straight into g (0 + x == x,
       so that is the same number as the buffered path would give).
   Which slot runs which micro-batch is then free, so the slots take them
   as they get free rather than in lockstep: where the cores run at
   different speeds (a guest on a busy host), slots that met after every
   pair of images went at the slower core's pace, no faster than one
   thread (BENCH.md, 7 Dec 2026).
   The buffers of a group of micro-batches are summed after the group;
   a group is as many as RSE_SD_GRAD_BYTES of buffers hold, so at the
   paper preset (32 images, 4.2 MB of gradient each) it is 15 of them.
   Slots cost one tape's activations each, so how many run at once is also
   capped by memory, for the largest micro-batch the trainer will ever see
   (arenas keep their peak): the paper preset's 223x223 micro-batches of
   one image (0.26 GB each since the block is fused; 1.28 GB before) fit
   five side by side. */

#define RSE_SD_MAX_SLOTS 8
/* Side-by-side micro-batches may hold at most this much activation memory
   together (estimated, see rse__sd_slot_bytes). */
#ifndef RSE_SD_PAR_BYTES
#define RSE_SD_PAR_BYTES (1.5 * (double)(1u << 30))
#endif
/* A group's gradient buffers may take at most this much (but a group is
   never smaller than the number of slots), and a group is at most
   RSE_SD_MAX_GROUP micro-batches. */
#ifndef RSE_SD_GRAD_BYTES
#define RSE_SD_GRAD_BYTES (64.0 * (double)(1u << 20))
#endif
#define RSE_SD_MAX_GROUP 64

typedef struct rse__sd_slot {
    rse__sd_net net;              /* views on the weights, gradients into a buffer */
    rse__arena arena, scratch;    /* its tape                               */
    rse_status st;
    char err[RSE__ERRLEN];       /* a failure's message, from its thread   */
} rse__sd_slot;

typedef struct rse__sd_trainer {
    rse__sd_slot *slot[RSE_SD_MAX_SLOTS]; /* allocated on first use */
    float *gbuf;                 /* gcap gradient buffers of n floats each  */
    size_t gcap;                 /* floats in gbuf                          */
    /* the current job (rse__sd_batch_grad's arguments) */
    const float *x, *eps;        /* (B,3,H,W) noised images and their noise */
    const int *ts;               /* B timesteps                             */
    int s, B, H, W, MB;
    float *w, *g;                /* the weights; g: the batch's gradient    */
    size_t n;                    /* floats in w and g                       */
    /* the current group: micro-batches [j0, j1), the next one to take */
    int j0, j1, next;
    double loss[RSE_SD_MAX_GROUP]; /* each one's share of the mean loss   */
} rse__sd_trainer;

RSE__FN void rse__sd_trainer_free(rse__sd_trainer *tr) {
    int k;
    for (k = 0; k < RSE_SD_MAX_SLOTS; k++) {
        if (!tr->slot[k]) continue;
        rse__arena_free(&tr->slot[k]->arena);
        rse__arena_free(&tr->slot[k]->scratch);
        RSE_FREE(tr->slot[k]);
        tr->slot[k] = 0;
    }
    RSE_FREE(tr->gbuf);
    tr->gbuf = 0;
    tr->gcap = 0;
}

/* One micro-batch's tape: its arenas (tape + scratch) peak at about 8
   maps of dim floats per pixel (measured 8.1-8.8 at dim 64-160, 64-223
   px, one image: the blocks' outputs, their h3 and the last output's
   gradient on the tape, one intermediate of the block backward in scratch;
   see the fused block above). 10 leaves a margin for small images, where
   the kernels' packed weights and the time MLP weigh more. */
RSE__FN double rse__sd_slot_bytes(int mb, size_t px, int dim) {
    return 10.0 * 4.0 * (double)mb * (double)px * dim;
}

/* Slot k, or NULL. */
RSE__FN rse__sd_slot *rse__sd_slot_get(rse__sd_trainer *tr, int k) {
    rse__sd_slot *sl = tr->slot[k];
    if (sl) return sl;
    sl = (rse__sd_slot *)RSE_MALLOC(sizeof *sl);
    if (!sl) { rse__fail(RSE_STATUS_NOMEM, "out of memory for a training slot"); return 0; }
    memset(sl, 0, sizeof *sl);
    rse__arena_init(&sl->arena, 0, 0);
    rse__arena_init(&sl->scratch, 0, 0);
    tr->slot[k] = sl;
    return sl;
}

/* Task k: slot k takes micro-batches of the current group until none is
   left, each: forward, L1 loss and backward into its gradient buffer. */
RSE__FN void rse__sd_slot_task(void *ctx, int k, int ntasks) {
    rse__sd_trainer *tr = (rse__sd_trainer *)ctx;
    rse__sd_slot *sl = tr->slot[k];
    size_t plane = (size_t)3 * tr->H * tr->W;
    int j;
    (void)ntasks;
    sl->st = RSE_STATUS_OK;
    while ((j = rse__claim(&tr->next)) < tr->j1) {
        int b0 = j * tr->MB, mb = tr->B - b0 < tr->MB ? tr->B - b0 : tr->MB, sh[4];
        float seed = (float)mb / (float)tr->B;
        /* a single micro-batch's gradient goes straight into g */
        float *g = tr->MB >= tr->B ? tr->g : tr->gbuf + (size_t)(j - tr->j0) * tr->n;
        rse__tape t;
        rse__tensor *xt, *eps, *pred, *L;
        if (g != tr->g) memset(g, 0, tr->n * sizeof(float));
        rse__sd_net_bind(&sl->net, tr->w, g);
        rse__arena_reset(&sl->arena);
        rse__tape_init(&t, &sl->arena, &sl->scratch);
        sh[0] = mb; sh[1] = 3; sh[2] = tr->H; sh[3] = tr->W;
        xt = rse__tensor_wrap(&t, (float *)tr->x + (size_t)b0 * plane, 4, sh);
        eps = rse__tensor_wrap(&t, (float *)tr->eps + (size_t)b0 * plane, 4, sh);
        pred = rse__sd_forward(&t, &sl->net, xt, tr->ts + b0, tr->s);
        L = rse__l1_loss(&t, pred, eps);
        sl->st = L ? rse__backward_seed(&t, L, &seed) : t.status;
        if (sl->st != RSE_STATUS_OK) { rse__fmt(sl->err, sizeof sl->err, "%s", rse_last_error()); return; }
        tr->loss[j - tr->j0] = (double)L->data[0] * mb / tr->B;
    }
}

/* g (net->total floats, overwritten) = the gradient of the mean L1 loss
   between net(x, ts, s) and eps over the B images of x (B,3,H,W), computed
   MB images at a time; *loss = that mean. net gives the layout; the
   weights are w (net's own data and gradient pointers are not used).
   max_px is the largest H*W this trainer is used for: it bounds how many
   micro-batches run at once (rse__sd_slot_bytes). */
RSE__FN rse_status rse__sd_batch_grad(rse__sd_trainer *tr, const rse__sd_net *net, float *w, float *g,
                                      const float *x, const float *eps, const int *ts, int s,
                                      int B, int MB, int H, int W, size_t max_px, double *loss) {
    const size_t n = net->total;
    const int nmb = (B + MB - 1) / MB;
    int K = rse__nthreads < nmb ? rse__nthreads : nmb, G, j, k;
    *loss = 0;
    if (K > RSE_SD_MAX_SLOTS) K = RSE_SD_MAX_SLOTS;
    while (K > 1 && K * rse__sd_slot_bytes(MB, max_px, net->dim) > RSE_SD_PAR_BYTES) K--;
    /* the group: as many buffers as the budget holds, at least K */
    G = (int)(RSE_SD_GRAD_BYTES / (4.0 * (double)n));
    if (G > RSE_SD_MAX_GROUP) G = RSE_SD_MAX_GROUP;
    if (G < K) G = K;
    if (G > nmb) G = nmb;
    if (nmb > 1) {
        size_t need;
        if (!rse__mul_ok((size_t)G, n, &need) || !rse__mul_ok(need, sizeof(float), &need))
            return rse__fail(RSE_STATUS_LIMIT, "model too large");
        if (need / sizeof(float) > tr->gcap) {
            RSE_FREE(tr->gbuf);
            tr->gcap = 0;
            tr->gbuf = (float *)RSE_MALLOC(need);
            if (!tr->gbuf) return rse__fail(RSE_STATUS_NOMEM, "out of memory for gradient buffers (%zu bytes)", need);
            tr->gcap = need / sizeof(float);
        }
    }
    for (k = 0; k < K; k++) {
        rse__sd_slot *sl = rse__sd_slot_get(tr, k);
        if (!sl) return RSE_STATUS_NOMEM;
        sl->net = *net;
    }
    tr->x = x; tr->eps = eps; tr->ts = ts; tr->s = s; tr->B = B; tr->H = H; tr->W = W; tr->MB = MB;
    tr->w = w; tr->g = g; tr->n = n;
    memset(g, 0, n * sizeof(float));
    for (tr->j0 = 0; tr->j0 < nmb; tr->j0 = tr->j1) {
        int nk;
        tr->j1 = tr->j0 + G < nmb ? tr->j0 + G : nmb;
        tr->next = tr->j0;
        nk = K < tr->j1 - tr->j0 ? K : tr->j1 - tr->j0;
        /* one task runs inline with the threads inside its kernels; several
           run one per thread, their kernels inline */
        rse__parallel(nk, rse__sd_slot_task, tr);
        for (k = 0; k < nk; k++)
            if (tr->slot[k]->st != RSE_STATUS_OK) return rse__fail(tr->slot[k]->st, "%s", tr->slot[k]->err);
        for (j = tr->j0; j < tr->j1; j++) {
            if (nmb > 1) {
                const float *gb = tr->gbuf + (size_t)(j - tr->j0) * n;
                size_t i;
                for (i = 0; i < n; i++) g[i] += gb[i];
            }
            *loss += tr->loss[j - tr->j0];
        }
    }
    return RSE_STATUS_OK;
}

/* A model: the denoiser's weights and their EMA, Adam's moments, the
   training position (step, RNG), and the pyramid it was trained on (sizes,
   rescale losses, the 8-bit images), so that sampling and editing need
   nothing else. One allocation holds the five weight-sized arrays. */

#define RSE_SD_T 100             /* diffusion steps at every scale */
#define RSE_SD_REF_STEPS 120001  /* the reference's step count, for scaling */

struct rse_sinddm {
    rse_train_params opt;       /* what it was (is being) trained with  */
    rse__sd_net net;             /* views on w, gradients into g         */
    rse__sd_net ema_net;         /* views on ema, no gradients           */
    float *w, *g, *m, *v, *ema; /* net.total floats each                */
    rse__pyramid pyr;
    rse__sched sched;
    float *x[RSE_PYR_MAX_SCALES];     /* scale s in [-1,1], (3,h,w)      */
    float *xb[RSE_PYR_MAX_SCALES];    /* its blurry version (s >= 1)     */
    float *fmem;
    long step;                  /* optimiser steps taken                */
    rse__rng rng;                /* the training stream                  */
    double last_loss;
    rse__arena arena, scratch;   /* per-step memory: reset, never freed  */
    rse__sd_trainer tr;         /* micro-batch slots (training only)    */
};

/* ---- presets ---------------------------------------------------------------
   "paper" is the reference's training; "cpu" is what a 2-core machine can do
   in minutes; "tiny" is for tests and the demo.
   "cpu" was chosen by measurement (README, Training: SWD of 8 samples to
   the training image over five 256x256 images). Against dim 64, batch 8,
   3000 steps it trades width for images: dim 32 costs a quarter per pixel,
   so 16 images per step and 4000 steps fit in about 60% of the time
   (README, Training), and 60% of the steps go to the coarsest
   scale, which alone makes a sample's layout (rse__sd_draw_scale). Forest
   2.6 -> 2.5 x the floor, harbor 10.6 -> 8.5, river 2.8 -> 3.4; sampling
   and editing get 4x cheaper per pixel. No preset sets t_focus
   (rse__sd_draw_t): it denoises 0.2-0.5 dB better in one step where the
   sampler runs, yet its unguided region edits were better on one image of
   three and blurrier on another (BENCH.md, "t_focus"). */

RSEDEF rse_status rse_train_params_init(rse_train_params *p, const char *preset) {
    memset(p, 0, sizeof *p);
    p->lr = 1e-3f;
    p->seed = 0;
    p->save_every = 0;
    if (!preset || !strcmp(preset, "cpu")) {
        p->dim = 32; p->batch = 16; p->micro_batch = 8; p->crop = 64; p->steps = 4000; p->coarse = 0.6f;
    } else if (!strcmp(preset, "paper")) {
        /* the reference: dim 160, batch 32, 120,001 steps; micro-batches of
           one image: its tape peaks at 0.26 GB at 223x223 (measured 198 MiB
           of tape and 48 MiB of scratch) */
        p->dim = 160; p->batch = 32; p->micro_batch = 1; p->crop = 0; p->steps = RSE_SD_REF_STEPS;
    } else if (!strcmp(preset, "tiny")) {
        p->dim = 16; p->batch = 2; p->micro_batch = 2; p->crop = 32; p->steps = 200;
    } else {
        return rse__fail(RSE_STATUS_BAD_ARG, "unknown preset '%s' (use cpu, paper or tiny)", preset);
    }
    return RSE_STATUS_OK;
}

RSE__FN rse_status rse__sd_check_params(const rse_train_params *p) {
    if (p->dim < 2 || p->dim > RSE_SD_MAX_DIM || p->dim % 2)
        return rse__fail(RSE_STATUS_BAD_ARG, "--dim must be even and in 2..%d, got %d", RSE_SD_MAX_DIM, p->dim);
    if (p->batch < 1 || p->batch > 4096) return rse__fail(RSE_STATUS_BAD_ARG, "--batch must be in 1..4096, got %d", p->batch);
    if (p->micro_batch < 0 || p->micro_batch > p->batch)
        return rse__fail(RSE_STATUS_BAD_ARG, "micro-batch must be in 0..batch, got %d", p->micro_batch);
    if (p->crop < 0 || (p->crop > 0 && p->crop < 8)) return rse__fail(RSE_STATUS_BAD_ARG, "--crop must be 0 or >= 8, got %d", p->crop);
    if (p->steps < 1 || p->steps > 100000000L) return rse__fail(RSE_STATUS_BAD_ARG, "--steps must be in 1..1e8, got %ld", p->steps);
    if (!(p->lr > 0 && p->lr < 1)) return rse__fail(RSE_STATUS_BAD_ARG, "learning rate must be in (0,1), got %g", (double)p->lr);
    if (!(p->coarse >= 0 && p->coarse < 1))
        return rse__fail(RSE_STATUS_BAD_ARG, "--coarse must be in [0,1), got %g", (double)p->coarse);
    if (p->t_focus != 0 && p->t_focus != 1)
        return rse__fail(RSE_STATUS_BAD_ARG, "t_focus must be 0 or 1, got %d", p->t_focus);
    return RSE_STATUS_OK;
}

/* Allocates the weight arrays and binds the two nets. */
RSE__FN rse_status rse__sd_alloc_weights(rse_sinddm *m, int dim) {
    size_t n, bytes;
    rse_status st = rse__sd_net_layout(&m->net, dim);
    if (st != RSE_STATUS_OK) return st;
    m->ema_net = m->net;
    n = m->net.total;
    if (!rse__mul_ok(n, 5 * sizeof(float), &bytes)) return rse__fail(RSE_STATUS_LIMIT, "model too large");
    m->w = (float *)RSE_MALLOC(bytes);
    if (!m->w) return rse__fail(RSE_STATUS_NOMEM, "out of memory for a dim %d model (%zu bytes)", dim, bytes);
    memset(m->w, 0, bytes);
    m->g = m->w + n; m->m = m->g + n; m->v = m->m + n; m->ema = m->v + n;
    rse__sd_net_bind(&m->net, m->w, m->g);
    rse__sd_net_bind(&m->ema_net, m->ema, 0);
    return RSE_STATUS_OK;
}

/* Float copies of the pyramid in [-1,1]: (u8/255)*2-1 in float32, what the
   reference's ToTensor() then *2-1 gives. */
RSE__FN rse_status rse__sd_float_data(rse_sinddm *m) {
    size_t total = 0, off = 0, i, plane;
    int s;
    for (s = 0; s < m->pyr.n; s++) total += 3 * (size_t)m->pyr.w[s] * m->pyr.h[s] * (s ? 2 : 1);
    m->fmem = (float *)RSE_MALLOC(total * sizeof(float));
    if (!m->fmem) return rse__fail(RSE_STATUS_NOMEM, "out of memory for the training pyramid");
    for (s = 0; s < m->pyr.n; s++) {
        plane = 3 * (size_t)m->pyr.w[s] * m->pyr.h[s];
        m->x[s] = m->fmem + off; off += plane;
        for (i = 0; i < plane; i++) m->x[s][i] = rse__u8_to_signed_unit(m->pyr.img[s][i]);
        if (s) {
            m->xb[s] = m->fmem + off; off += plane;
            for (i = 0; i < plane; i++) m->xb[s][i] = rse__u8_to_signed_unit(m->pyr.blur[s][i]);
        }
    }
    return RSE_STATUS_OK;
}

RSEDEF void rse_sinddm_free(rse_sinddm *m) {
    if (!m) return;
    RSE_FREE(m->w);
    RSE_FREE(m->fmem);
    rse__pyramid_free(&m->pyr);
    rse__sched_free(&m->sched);
    rse__arena_free(&m->arena);
    rse__arena_free(&m->scratch);
    rse__sd_trainer_free(&m->tr);
    RSE_FREE(m);
}

RSE__FN rse_sinddm *rse__sd_new(void) {
    rse_sinddm *m = (rse_sinddm *)RSE_MALLOC(sizeof *m);
    if (!m) { rse__fail(RSE_STATUS_NOMEM, "out of memory"); return 0; }
    memset(m, 0, sizeof *m);
    rse__arena_init(&m->arena, 0, 0);
    rse__arena_init(&m->scratch, 0, 0);
    return m;
}

/* A new, untrained model for an image: its pyramid (a copy of pyr if given,
   which must be img's, else built), schedules, and weights from PyTorch's
   default initialisation drawn from the seed. */
RSE__FN rse_status rse__sd_create(rse_sinddm **out, const rse_image *img, const rse__pyramid *pyr,
                                  const rse_train_params *p) {
    rse_sinddm *m;
    rse_status st;
    *out = 0;
    if ((st = rse__sd_check_params(p)) != RSE_STATUS_OK) return st;
    if (!(m = rse__sd_new())) return RSE_STATUS_NOMEM;
    m->opt = *p;
    if (!m->opt.micro_batch) m->opt.micro_batch = m->opt.batch;
    if ((st = pyr ? rse__pyramid_copy(&m->pyr, pyr) : rse__pyramid_build(&m->pyr, img)) != RSE_STATUS_OK ||
        (st = rse__sched_init(&m->sched, RSE_SD_T, m->pyr.loss, m->pyr.n)) != RSE_STATUS_OK ||
        (st = rse__sd_float_data(m)) != RSE_STATUS_OK ||
        (st = rse__sd_alloc_weights(m, p->dim)) != RSE_STATUS_OK) {
        rse_sinddm_free(m);
        return st;
    }
    rse__rng_seed(&m->rng, p->seed);
    rse__sd_net_init(&m->net, m->w, &m->rng);
    memcpy(m->ema, m->w, m->net.total * sizeof(float));
    *out = m;
    return RSE_STATUS_OK;
}

RSEDEF rse_status rse_sinddm_create(rse_sinddm **out, const rse_image *img, const rse_train_params *p) {
    return rse__sd_create(out, img, 0, p);
}

/* ---- training --------------------------------------------------------------
   The reference's step-decay schedule: the rate halves at 20k, 40k, 70k,
   80k, 90k and 110k of its 120,001 steps; we put the milestones at the same
   fractions of our step count. The EMA starts at the same fraction (2000). */

RSE__FN long rse__sd_scaled(long ref_step, long steps) {
    return (long)((double)ref_step * (double)steps / (double)RSE_SD_REF_STEPS + 0.5);
}

RSE__FN float rse__sd_lr_at(const rse_train_params *p, long step) {
    static const long ms[6] = { 20000, 40000, 70000, 80000, 90000, 110000 };
    float lr = p->lr;
    int i;
    for (i = 0; i < 6; i++)
        if (step >= rse__sd_scaled(ms[i], p->steps)) lr *= 0.5f;
    return lr;
}

/* The EMA decay per update (every 10 steps); see rse__sd_train_step. */
RSE__FN float rse__sd_ema_decay(const rse_train_params *p) {
    if (p->steps >= RSE_SD_REF_STEPS) return 0.995f;
    return (float)pow(0.995, (double)RSE_SD_REF_STEPS / (double)p->steps);
}

/* The scale a training step works on: uniform over the n scales, as in the
   reference, when coarse is 0; otherwise the coarsest with probability
   `coarse` and the others uniformly. Scale 0 is the only one generated from
   pure noise, so it alone makes a sample's layout, and its DDPM runs all
   100 steps where finer scales run 20-50. Measured on harbor_256 (5
   scales): finer scales started from the true coarsest image give samples
   2.1x the SWD floor, from a sampled one 10.6x: a short run's weak point
   is scale 0. A larger share alone did not fix it there (more images per
   step did, slowly; README, Training); the cpu preset combines both. */
RSE__FN int rse__sd_draw_scale(rse__rng *r, int n, float coarse) {
    if (coarse > 0 && n > 1)
        return rse__rng_uniform(r) < coarse ? 0 : 1 + (int)rse__rng_below(r, (uint32_t)n - 1);
    return (int)rse__rng_below(r, (uint32_t)n);
}

/* The timestep a training image of scale s is noised to: uniform over the
   T of the schedule, as in the reference, or with t_focus, uniform below
   the scale's start timestep. Sampling (and every edit mode: a partial
   start only lowers it, rse__sd_run_t0) runs the net at scale s >= 1 only
   for t < t_start[s] (57, 46, 35 and 25 of 100 on a 256-px image, finest
   last): the reference spends three quarters of the finest scale's steps
   on timesteps its sampler never asks for. Above t_start[s] gamma is 1, so
   those steps teach the net to denoise the blurry image alone, a task the
   sampler never sets. */
RSE__FN int rse__sd_draw_t(rse_sinddm *m, int s) {
    uint32_t lim = RSE_SD_T;
    if (m->opt.t_focus && s > 0 && m->sched.t_start[s] >= 1 && m->sched.t_start[s] < RSE_SD_T)
        lim = (uint32_t)m->sched.t_start[s];
    return (int)rse__rng_below(&m->rng, lim);
}

/* The training crop of scale s: crop x crop where the scale is larger,
   the whole scale otherwise, and never at the coarsest scale: scale 0 is
   where the layout of a whole sample is generated from noise, so it always
   sees all of it. */
RSE__FN void rse__sd_crop(const rse_sinddm *m, int s, int *ch, int *cw) {
    int crop = m->opt.crop, H = m->pyr.h[s], W = m->pyr.w[s];
    *ch = s > 0 && crop && crop < H ? crop : H;
    *cw = s > 0 && crop && crop < W ? crop : W;
}

/* One optimiser step, as the reference's trainer does it:
     s ~ U{0..N-1} (or leaning on 0: rse__sd_draw_scale);
     t_b ~ U{0..99} per batch element; eps ~ N(0,I)
     x_mix = s ? gamma_t * blurry + (1 - gamma_t) * x : x
     x_t   = sqrt(abar_t) x_mix + sqrt(1 - abar_t) eps
     loss  = mean |eps - net(x_t, t, s)|         (L1 over B*3*H*W)
   then Adam, then (every 10th step) the EMA, then the learning-rate step.
   With crop > 0, each batch element is its own random crop of scale s >= 1
   (whole scales when they are smaller): the net's receptive field is 33x33,
   so crops of 64 px still see the image's local statistics, at a fraction
   of the cost of the fine scales. Gradients are accumulated over
   micro-batches so memory is bounded by the micro-batch, not the batch;
   every random number is drawn in the same order whatever the micro-batch,
   so it does not change the result beyond float summation order. */
RSE__FN rse_status rse__sd_train_step(rse_sinddm *m) {
    const rse_train_params *p = &m->opt;
    const int B = p->batch, MB = p->micro_batch ? p->micro_batch : p->batch;
    int s, H, W, ch, cw, b, i, ts[4096], oy[4096], ox[4096];
    size_t n, plane;
    float *xt, *eps;
    double loss = 0;
    rse_status st;

    s = rse__sd_draw_scale(&m->rng, m->pyr.n, p->coarse);
    H = m->pyr.h[s]; W = m->pyr.w[s];
    rse__sd_crop(m, s, &ch, &cw);
    for (i = 0; i < B; i++) {
        oy[i] = (int)rse__rng_below(&m->rng, (uint32_t)(H - ch + 1));
        ox[i] = (int)rse__rng_below(&m->rng, (uint32_t)(W - cw + 1));
    }
    for (i = 0; i < B; i++) ts[i] = rse__sd_draw_t(m, s);
    /* the batch's noised crops and their noise, drawn image by image */
    rse__arena_reset(&m->arena);
    if (!rse__mul4_ok(B, 3, ch, cw, &n) ||
        !(xt = (float *)rse__arena_alloc(&m->arena, n * sizeof(float))) ||
        !(eps = (float *)rse__arena_alloc(&m->arena, n * sizeof(float))))
        return rse__fail(RSE_STATUS_NOMEM, "out of memory for a batch of %d crops of %dx%d", B, ch, cw);
    plane = (size_t)ch * cw;
    for (b = 0; b < B; b++) {
        int tb = ts[b], c, y;
        float sa = m->sched.f.sqrt_ac[tb], sn = m->sched.f.sqrt_1m_ac[tb];
        float g = s ? rse__sched_gamma(&m->sched, s, tb, 0) : 0.0f;
        float *e = eps + (size_t)b * 3 * plane, *xo = xt + (size_t)b * 3 * plane;
        rse__rng_normal(&m->rng, e, 3 * plane);
        for (c = 0; c < 3; c++)
            for (y = 0; y < ch; y++) {
                size_t src = ((size_t)c * H + oy[b] + y) * W + ox[b], dst = ((size_t)c * ch + y) * cw;
                int x;
                for (x = 0; x < cw; x++) {
                    float v = m->x[s][src + x];
                    if (s) v = g * m->xb[s][src + x] + (1.0f - g) * v;
                    xo[dst + x] = sa * v + sn * e[dst + x];
                }
            }
    }
    /* the largest crop of any scale bounds the side-by-side micro-batches */
    for (i = 0, n = 0; i < m->pyr.n; i++) {
        int hh, ww;
        rse__sd_crop(m, i, &hh, &ww);
        if ((size_t)hh * (size_t)ww > n) n = (size_t)hh * (size_t)ww;
    }
    st = rse__sd_batch_grad(&m->tr, &m->net, m->w, m->g, xt, eps, ts, s, B, MB, ch, cw, n, &loss);
    if (st != RSE_STATUS_OK) return st;
    rse__adam_step(m->w, m->g, m->m, m->v, m->net.total, m->step + 1, rse__sd_lr_at(p, m->step),
                   0.9f, 0.999f, 1e-8f);
    /* EMA every 10 steps: a plain copy before the (scaled) start step, then
       ema = d ema + (1 - d) w. The reference's d = 0.995 averages over the
       last ~200 updates, 2,000 of its 120,001 steps (1/60 of training). A
       shorter run keeps that fraction: d = 0.995^(120001/steps), so the
       paper preset gets exactly 0.995, and a 1,500-step run does not
       spend its end still half made of the random weights of step 25 (its
       samples would be noise). */
    if (m->step % 10 == 0) {
        size_t k;
        n = m->net.total;
        if (m->step < rse__sd_scaled(2000, p->steps)) memcpy(m->ema, m->w, n * sizeof(float));
        else {
            float d = rse__sd_ema_decay(p), e = 1.0f - d;
            for (k = 0; k < n; k++) m->ema[k] = m->ema[k] * d + e * m->w[k];
        }
    }
    m->step++;
    m->last_loss = loss;
    return RSE_STATUS_OK;
}

/* Trains until opt.steps (or `until`, if smaller and > 0), calling the
   progress hook after every step; a non-zero return from the hook stops. */
RSEDEF rse_status rse_sinddm_train(rse_sinddm *m, long until, rse_progress_fn progress, void *ctx) {
    long end = (until > 0 && until < m->opt.steps) ? until : m->opt.steps;
    if (m->opt.batch > 4096) return rse__fail(RSE_STATUS_BAD_ARG, "batch too large");
    while (m->step < end) {
        rse_status st = rse__sd_train_step(m);
        if (st != RSE_STATUS_OK) return st;
        if (progress) {
            rse_progress pr;
            memset(&pr, 0, sizeof pr);
            pr.what = "train";
            pr.done = m->step;
            pr.total = m->opt.steps;
            pr.loss = m->last_loss;
            if (progress(ctx, &pr)) break;
        }
    }
    return RSE_STATUS_OK;
}

RSEDEF long rse_sinddm_step(const rse_sinddm *m) { return m->step; }
RSEDEF double rse_sinddm_last_loss(const rse_sinddm *m) { return m->last_loss; }

/* ===========================================================================
   Sampling
   ========================================================================= */

/* x0 from x_t and the predicted noise: sqrt(1/abar) x - sqrt(1/abar - 1) eps */
RSE__FN void rse__sd_predict_x0(float *x0, const float *x, const float *eps, size_t n, const rse__sched *sc, int t) {
    float a = sc->f.sqrt_recip_ac[t], b = sc->f.sqrt_recipm1_ac[t];
    size_t i;
    for (i = 0; i < n; i++) x0[i] = a * x[i] - b * eps[i];
}

RSE__FN float rse__clamp1(float v) { return v < -1.0f ? -1.0f : v > 1.0f ? 1.0f : v; }

/* The predicted noise of x (1,3,H,W) at (t, s), through the EMA weights. */
RSE__FN rse_status rse__sd_eps(rse_sinddm *m, float *eps, float *x, int H, int W, int t, int s) {
    rse__tape tp;
    rse__tensor *xt, *y;
    int sh[4];
    rse__arena_reset(&m->arena);
    rse__tape_init(&tp, &m->arena, &m->scratch);
    tp.no_grad = 1;
    sh[0] = 1; sh[1] = 3; sh[2] = H; sh[3] = W;
    xt = rse__tensor_wrap(&tp, x, 4, sh);
    y = rse__sd_forward(&tp, &m->ema_net, xt, &t, s);
    if (!y) return tp.status;
    memcpy(eps, y->data, y->n * sizeof(float));
    return RSE_STATUS_OK;
}

/* A sampling step is split in two around the point where guidance acts:
   rse__sd_x0 estimates the clean image x0 from x_t and the predicted noise,
   the hooks may change x0 (CLIP guidance, ROI copy), and rse__sd_step takes
   x_t to x_{t-1} from that x0. Two samplers share the split:

   DDPM (scale 0; every scale when reblurring is off, as in the reference's
   CLIP modes):
       x0 = sqrt(1/abar_t) x - sqrt(1/abar_t - 1) eps
       x  = c1_t clamp(x0) + c2_t x + [t > 0] exp(0.5 log var_t) z

   reblurring DDIM (scales s >= 1, sinddm.md section 6), up = the upsampled
   previous scale x~, g_t = min(gamma_{s,t}, 0.55):
       xmix_t = sqrt(1/abar_t) x - sqrt(1/abar_t - 1) eps  (still blurry)
       x0     = (xmix_t - g_t up) / (1 - g_t)               (de-blurred)
       t > 0: xmixp = clamp(g_{t-1} up + (1 - g_{t-1}) x0);  xmix_t = clamp(xmix_t)
              x = sqrt(abar_{t-1}) xmixp
                + sqrt(1 - abar_{t-1}) (x - sqrt(abar_t) xmix_t) / sqrt(1 - abar_t)
                + 1e-10 z
       t = 0: x = clamp(x0)
   The 1e-10 z is the reference's: its posterior variance is 0 (omega = 0),
   clamped to 1e-20 before the log, and the noise is still added. It changes
   nothing visible but keeps us draw-for-draw with it. */

/* x0 and, for the reblurring step, xmix_t (xmt may be NULL otherwise). */
RSE__FN void rse__sd_x0(float *x0, float *xmt, const float *x, const float *eps, const float *up,
                        size_t n, const rse__sched *sc, int t, int reblur, float g_t) {
    float a = sc->f.sqrt_recip_ac[t], b = sc->f.sqrt_recipm1_ac[t];
    size_t i;
    if (!reblur) { for (i = 0; i < n; i++) x0[i] = a * x[i] - b * eps[i]; return; }
    for (i = 0; i < n; i++) {
        float m = a * x[i] - b * eps[i];
        xmt[i] = m;
        x0[i] = (m - g_t * up[i]) / (1.0f - g_t);
    }
}

/* x_t -> x_{t-1} from x0 (see above). */
RSE__FN void rse__sd_step(float *x, const float *x0, const float *xmt, const float *up, const float *z,
                          size_t n, const rse__sched *sc, int t, int reblur, float g_t1) {
    size_t i;
    if (!reblur) {
        float c1 = sc->f.post_c1[t], c2 = sc->f.post_c2[t];
        float sd = t > 0 ? expf(0.5f * sc->f.post_logvar[t]) : 0.0f;
        for (i = 0; i < n; i++) x[i] = c1 * rse__clamp1(x0[i]) + c2 * x[i] + (t > 0 ? sd * z[i] : 0.0f);
    } else if (t > 0) {
        float sa1 = sc->f.sqrt_ac[t - 1], sa = sc->f.sqrt_ac[t], s1m = sc->f.sqrt_1m_ac[t];
        float dir = sqrtf(1.0f - sc->f.alphas_cumprod[t - 1] - 0.0f);
        float sd = expf(0.5f * logf(1e-20f));
        for (i = 0; i < n; i++) {
            float xmp = rse__clamp1(g_t1 * up[i] + (1.0f - g_t1) * x0[i]);
            x[i] = sa1 * xmp + dir * (x[i] - sa * rse__clamp1(xmt[i])) / s1m + sd * z[i];
        }
    } else {
        for (i = 0; i < n; i++) x[i] = rse__clamp1(x0[i]);
    }
}

/* The two samplers' whole steps (used by the equivalence tests). x0 and xmt
   are scratch of n floats. */
RSE__FN void rse__sd_ddpm_step(float *x, float *x0, const float *eps, const float *z, size_t n,
                               const rse__sched *sc, int t) {
    rse__sd_x0(x0, 0, x, eps, 0, n, sc, t, 0, 0.0f);
    rse__sd_step(x, x0, 0, 0, z, n, sc, t, 0, 0.0f);
}
RSE__FN void rse__sd_ddim_step(float *x, float *x0, float *xmt, const float *eps, const float *up,
                               const float *z, size_t n, const rse__sched *sc, int t, float g_t, float g_t1) {
    rse__sd_x0(x0, xmt, x, eps, up, n, sc, t, 1, g_t);
    rse__sd_step(x, x0, xmt, up, z, n, sc, t, 1, g_t1);
}

RSEDEF void rse_sample_params_init(rse_sample_params *p) {
    memset(p, 0, sizeof *p);
    p->count = 1;
    p->scale_mul_h = 1.0f;
    p->scale_mul_w = 1.0f;
}

/* Hooks let editing act inside the sampler without the sampler knowing
   about CLIP or ROIs. Each returns a status; any may be NULL. */
typedef struct rse__sd_hooks {
    void *ctx;
    /* a new scale begins, at output size (H,W) */
    rse_status (*scale)(void *ctx, int s, int H, int W);
    /* x0 (3,H,W) was estimated at (s,t); the hook may change it in place */
    rse_status (*x0)(void *ctx, float *x0, int s, int t, int H, int W);
    /* x (3,H,W) is now x_{t-1} (t_next = t-1; -1 after the last step) */
    rse_status (*xt)(void *ctx, float *x, int s, int t_next, int H, int W);
} rse__sd_hooks;

/* What one run of the sampler does. */
typedef struct rse__sd_plan {
    float mul_h, mul_w;      /* output size multipliers                     */
    int start_scale;         /* 0: from noise; s > 0: from `start`          */
    const float *start;      /* (3,H,W) in [-1,1] at the start scale's size */
                             /* (times mul), the image to be noised there;  */
                             /* with start_scale 0 and start != NULL, x_T   */
                             /* is noised from it instead of pure noise     */
    const float *start_prev; /* (3,h,w) at the scale below start_scale: the */
                             /* blurry reference x~ for reblurring (may be  */
                             /* NULL: then start itself is used)            */
    int start_t;             /* > 0: noise `start` to this index instead of */
                             /* the start scale's t_start (a partial-noise  */
                             /* start: less of the image is regenerated)    */
    int reblur;              /* 1: the reference sampler; 0: DDPM at every  */
                             /* scale (the reference's CLIP modes)          */
    int no_mix;              /* 1: gamma is 0 at the start scale, which is  */
                             /* noised to start_t whatever t_start is (the  */
                             /* reference's image2image zeroes gammas[s0-1] */
                             /* in place: harmonisation, style transfer)    */
    int size_h, size_w;      /* > 0: the start scale's size instead of the  */
                             /* pyramid's (image2image's custom_image_size) */
    rse__sd_hooks hooks;
    rse_progress_fn progress;
    void *progress_ctx;
    const char *what;        /* progress label ("sample" when NULL)         */
    long *done, total;       /* progress counters shared across images      */
} rse__sd_plan;

RSE__FN rse_status rse__sd_tick(const rse__sd_plan *r, int s) {
    rse_progress pr;
    ++*r->done;
    if (!r->progress) return RSE_STATUS_OK;
    memset(&pr, 0, sizeof pr);
    pr.what = r->what ? r->what : "sample"; pr.done = *r->done; pr.total = r->total; pr.scale = s;
    return r->progress(r->progress_ctx, &pr) ? rse__fail(RSE_STATUS_BAD_ARG, "cancelled") : RSE_STATUS_OK;
}

/* Bilinear resize (torch semantics) of a (3,h,w) image into (3,H,W). */
RSE__FN rse_status rse__sd_upsample(rse_sinddm *m, float *dst, const float *src, int h, int w, int H, int W) {
    rse__tape tp;
    rse__tensor *u;
    int sh[4];
    rse__arena_reset(&m->arena);
    rse__tape_init(&tp, &m->arena, &m->scratch);
    tp.no_grad = 1;
    sh[0] = 1; sh[1] = 3; sh[2] = h; sh[3] = w;
    u = rse__resize_bilinear(&tp, rse__tensor_wrap(&tp, (float *)src, 4, sh), H, W);
    if (!u) return tp.status;
    memcpy(dst, u->data, 3 * (size_t)H * W * sizeof(float));
    return RSE_STATUS_OK;
}

/* Output size of scale s under the run's multipliers. */
RSE__FN void rse__sd_size(const rse_sinddm *m, const rse__sd_plan *r, int s, int *H, int *W) {
    *H = (int)((float)m->pyr.h[s] * r->mul_h);
    *W = (int)((float)m->pyr.w[s] * r->mul_w);
    if (s == r->start_scale && r->size_h > 0 && r->size_w > 0) { *H = r->size_h; *W = r->size_w; }
}

/* The index scale s is noised to: T at scale 0, t_start[s] above it, and
   at the start scale a run's own start_t when it asks for less noise. */
RSE__FN int rse__sd_run_t0(const rse_sinddm *m, const rse__sd_plan *r, int s) {
    int T0 = s == 0 ? RSE_SD_T : m->sched.t_start[s];
    if (s == r->start_scale && r->start && r->start_t > 0 && (r->start_t < T0 || r->no_mix)) T0 = r->start_t;
    return T0;
}

/* One image, coarse to fine. At scale 0 (from noise): DDPM for T steps. At
   each scale s > start: upsample the previous result (bilinear, torch
   semantics), noise it to t_start[s] and denoise from t_start[s] - 1 (the
   reference's off-by-one: it noises at index T_s but starts denoising at
   T_s - 1). When starting from an image at scale s0, that image is what is
   noised at s0. The result (3,H,W) in [-1,1] is left in *res (malloc'd). */
RSE__FN rse_status rse__sd_run(rse_sinddm *m, const rse__sd_plan *r, rse__rng *rng, float **res, int *rH, int *rW) {
    int s, t, H = 0, W = 0, pH = 0, pW = 0, s0 = r->start_scale;
    size_t n, cap = 0;
    float *x, *eps, *z, *up, *x0, *xmt, *buf;
    rse_status st = RSE_STATUS_OK;
    *res = 0;
    if (s0 < 0 || s0 >= m->pyr.n) return rse__fail(RSE_STATUS_BAD_ARG, "start scale %d outside 0..%d", s0, m->pyr.n - 1);
    if (!(r->mul_h > 0 && r->mul_h <= 16 && r->mul_w > 0 && r->mul_w <= 16))
        return rse__fail(RSE_STATUS_BAD_ARG, "scale multipliers must be in (0,16]");
    for (s = 0; s < m->pyr.n; s++) {
        rse__sd_size(m, r, s, &H, &W);
        if (H < 1 || W < 1 || H > RSE_MAX_DIM || W > RSE_MAX_DIM)
            return rse__fail(RSE_STATUS_LIMIT, "scale %d would be %dx%d", s, W, H);
        if (3 * (size_t)H * W > cap) cap = 3 * (size_t)H * W;
    }
    buf = (float *)RSE_MALLOC(6 * cap * sizeof(float));
    if (!buf) return rse__fail(RSE_STATUS_NOMEM, "sample: out of memory");
    x = buf; eps = x + cap; z = eps + cap; up = z + cap; x0 = up + cap; xmt = x0 + cap;
    for (s = s0; s < m->pyr.n && st == RSE_STATUS_OK; s++) {
        int T0, reblur;
        rse__sd_size(m, r, s, &H, &W);
        n = 3 * (size_t)H * W;
        reblur = r->reblur && s > 0;
        if (r->hooks.scale && (st = r->hooks.scale(r->hooks.ctx, s, H, W)) != RSE_STATUS_OK) break;
        /* the image to noise, and the blurry reference x~ */
        if (s == s0 && r->start) {
            memcpy(up, r->start, n * sizeof(float));
            if (reblur && r->start_prev) {
                int ph, pw;
                rse__sd_size(m, r, s - 1, &ph, &pw);
                st = rse__sd_upsample(m, up, r->start_prev, ph, pw, H, W);
            }
        } else if (s > s0) {
            st = rse__sd_upsample(m, up, x, pH, pW, H, W);
        }
        if (st != RSE_STATUS_OK) break;
        T0 = rse__sd_run_t0(m, r, s);
        rse__rng_normal(rng, z, n);
        if (s == s0 && s == 0 && !r->start) {
            memcpy(x, z, n * sizeof(float));              /* x_T = pure noise */
        } else {
            /* q_sample at index T0 (T0 = T at scale 0 reads the last row) */
            int tq = T0 < RSE_SD_T ? T0 : RSE_SD_T - 1;
            float sa = m->sched.f.sqrt_ac[tq], sn = m->sched.f.sqrt_1m_ac[tq];
            size_t i;
            for (i = 0; i < n; i++) x[i] = sa * (s == s0 && r->start ? r->start[i] : up[i]) + sn * z[i];
        }
        for (t = T0 - 1; t >= 0 && st == RSE_STATUS_OK; t--) {
            int mix = reblur && !(r->no_mix && s == s0);
            float g_t = mix ? rse__sched_gamma(&m->sched, s, t, 1) : 0.0f;
            float g_t1 = mix && t > 0 ? rse__sched_gamma(&m->sched, s, t - 1, 1) : 0.0f;
            if ((st = rse__sd_eps(m, eps, x, H, W, t, s)) != RSE_STATUS_OK) break;
            rse__sd_x0(x0, xmt, x, eps, up, n, &m->sched, t, reblur, g_t);
            if (r->hooks.x0 && (st = r->hooks.x0(r->hooks.ctx, x0, s, t, H, W)) != RSE_STATUS_OK) break;
            rse__rng_normal(rng, z, n);
            rse__sd_step(x, x0, xmt, up, z, n, &m->sched, t, reblur, g_t1);
            if (r->hooks.xt && (st = r->hooks.xt(r->hooks.ctx, x, s, t - 1, H, W)) != RSE_STATUS_OK) break;
            st = rse__sd_tick(r, s);
        }
        pH = H; pW = W;
    }
    if (st == RSE_STATUS_OK) {
        /* hand the result back in a buffer of its own size */
        float *out = (float *)RSE_MALLOC(3 * (size_t)H * W * sizeof(float));
        if (!out) st = rse__fail(RSE_STATUS_NOMEM, "sample: out of memory");
        else { memcpy(out, x, 3 * (size_t)H * W * sizeof(float)); *res = out; *rH = H; *rW = W; }
    }
    RSE_FREE(buf);
    return st;
}

/* Steps a run will take (for progress and ETA). */
RSE__FN long rse__sd_run_steps(const rse_sinddm *m, const rse__sd_plan *r) {
    long total = 0;
    int s;
    for (s = r->start_scale; s < m->pyr.n; s++) total += rse__sd_run_t0(m, r, s);
    return total;
}

/* [-1,1] planar to an rse_image in [0,1]. */
RSE__FN rse_status rse__sd_to_image(const float *x, int H, int W, rse_image *out) {
    size_t i, n = 3 * (size_t)H * W;
    rse_status st = rse_image_alloc(out, W, H, 3);
    if (st != RSE_STATUS_OK) return st;
    for (i = 0; i < n; i++) out->data[i] = (rse__clamp1(x[i]) + 1.0f) * 0.5f;
    return RSE_STATUS_OK;
}

/* Samples p->count images into out[0..count). Image i uses the RNG stream
   (seed, i), so it is the same whatever the count. */
RSEDEF rse_status rse_sinddm_sample(rse_sinddm *m, const rse_sample_params *p, rse_image *out,
                                    rse_progress_fn progress, void *ctx) {
    rse__sd_plan r;
    long done = 0;
    int i;
    if (p->count < 1 || p->count > 100000) return rse__fail(RSE_STATUS_BAD_ARG, "--count must be in 1..100000");
    memset(&r, 0, sizeof r);
    r.mul_h = p->scale_mul_h;
    r.mul_w = p->scale_mul_w;
    r.reblur = 1;
    r.progress = progress;
    r.progress_ctx = ctx;
    r.done = &done;
    r.total = rse__sd_run_steps(m, &r) * p->count;
    for (i = 0; i < p->count; i++) memset(&out[i], 0, sizeof out[i]);
    for (i = 0; i < p->count; i++) {
        rse__rng rng;
        float *x = 0;
        int H = 0, W = 0;
        rse_status st;
        rse__rng_seed_stream(&rng, p->seed, (uint64_t)i);
        st = rse__sd_run(m, &r, &rng, &x, &H, &W);
        if (st == RSE_STATUS_OK) st = rse__sd_to_image(x, H, W, &out[i]);
        RSE_FREE(x);
        if (st != RSE_STATUS_OK) {
            int k;
            for (k = 0; k <= i; k++) rse_image_free(&out[k]);
            return st;
        }
    }
    return RSE_STATUS_OK;
}

/* ===========================================================================
   Checkpoints
   rsedit's own format, little-endian, read back as hostile input:

     magic "RSESDDM\0", u32 version (3), u32 flags (bit 0: training state)
     u32 dim, u32 T, u32 n_scales
     n_scales x { u32 w, u32 h, u32 t_start, f64 rescale loss }
     u32 src_w, u32 src_h, u32 cap_w, u32 cap_h, u32 d0, u32 gray, f64 sf
     training parameters: u32 batch, micro_batch, crop; u64 steps; f32 lr;
                          u64 seed; u64 save_every;
                          f32 coarse (version >= 2; version 1 reads as 0)
                          u32 t_focus (version 3; older files read as 0)
     u64 step, u64 rng key, u64 rng pos, f64 last loss
     u64 n (floats per array)
     f32 weights[n], f32 ema[n], and with bit 0: f32 adam_m[n], adam_v[n]
     n_scales x { u8 image (3,h,w), then for s >= 1 u8 blurry (3,h,w) }
     u32 CRC-32 of every byte before it

   Sizes are checked against the file length before anything is allocated,
   the CRC before anything is used, and the pyramid sizes are recomputed
   from the stored source size and compared, so a model is either wholly
   valid or refused with a message.
   ========================================================================= */

#define RSE_SD_CKPT_MAGIC "RSESDDM"
#define RSE_SD_CKPT_VERSION 3

typedef struct {
    rse_write_fn write;
    void *ctx;
    uint32_t crc;
    rse__crc32_tab table;
    rse_status st;
} rse__ser;

RSE__FN void rse__ser_bytes(rse__ser *w, const void *p, size_t n) {
    if (w->st != RSE_STATUS_OK || !n) return;
    w->crc = rse__crc32_update(&w->table, w->crc, (const unsigned char *)p, n);
    if (w->write(w->ctx, p, n)) w->st = rse__fail(RSE_STATUS_IO, "checkpoint: write failed");
}
RSE__FN void rse__ser_u32(rse__ser *w, uint32_t v) {
    unsigned char b[4];
    b[0] = (unsigned char)v; b[1] = (unsigned char)(v >> 8); b[2] = (unsigned char)(v >> 16); b[3] = (unsigned char)(v >> 24);
    rse__ser_bytes(w, b, 4);
}
RSE__FN void rse__ser_u64(rse__ser *w, uint64_t v) {
    rse__ser_u32(w, (uint32_t)v);
    rse__ser_u32(w, (uint32_t)(v >> 32));
}
RSE__FN void rse__ser_f64(rse__ser *w, double d) {
    uint64_t v;
    memcpy(&v, &d, 8);
    rse__ser_u64(w, v);
}
RSE__FN void rse__ser_f32(rse__ser *w, float f) {
    uint32_t v;
    memcpy(&v, &f, 4);
    rse__ser_u32(w, v);
}
/* float arrays in chunks, so big-endian hosts would only change this loop */
RSE__FN void rse__ser_floats(rse__ser *w, const float *p, size_t n) {
    unsigned char buf[4096];
    size_t i, k;
    while (n && w->st == RSE_STATUS_OK) {
        k = n < 1024 ? n : 1024;
        for (i = 0; i < k; i++) {
            uint32_t v;
            memcpy(&v, p + i, 4);
            buf[4 * i] = (unsigned char)v; buf[4 * i + 1] = (unsigned char)(v >> 8);
            buf[4 * i + 2] = (unsigned char)(v >> 16); buf[4 * i + 3] = (unsigned char)(v >> 24);
        }
        rse__ser_bytes(w, buf, 4 * k);
        p += k;
        n -= k;
    }
}

RSEDEF rse_status rse_sinddm_save_mem(const rse_sinddm *m, rse_write_fn write, void *ctx) {
    rse__ser w;
    const rse__pyramid *p = &m->pyr;
    size_t n = m->net.total;
    int s;
    memset(&w, 0, sizeof w);
    w.write = write;
    w.ctx = ctx;
    rse__crc32_init(&w.table);
    rse__ser_bytes(&w, RSE_SD_CKPT_MAGIC, 8); /* with its NUL */
    rse__ser_u32(&w, RSE_SD_CKPT_VERSION);
    rse__ser_u32(&w, 1);                      /* flags: training state */
    rse__ser_u32(&w, (uint32_t)m->net.dim);
    rse__ser_u32(&w, RSE_SD_T);
    rse__ser_u32(&w, (uint32_t)p->n);
    for (s = 0; s < p->n; s++) {
        rse__ser_u32(&w, (uint32_t)p->w[s]);
        rse__ser_u32(&w, (uint32_t)p->h[s]);
        rse__ser_u32(&w, (uint32_t)m->sched.t_start[s]);
        rse__ser_f64(&w, p->loss[s]);
    }
    rse__ser_u32(&w, (uint32_t)p->src_w); rse__ser_u32(&w, (uint32_t)p->src_h);
    rse__ser_u32(&w, (uint32_t)p->cap_w); rse__ser_u32(&w, (uint32_t)p->cap_h);
    rse__ser_u32(&w, (uint32_t)p->d0); rse__ser_u32(&w, (uint32_t)p->gray);
    rse__ser_f64(&w, p->sf);
    rse__ser_u32(&w, (uint32_t)m->opt.batch);
    rse__ser_u32(&w, (uint32_t)m->opt.micro_batch);
    rse__ser_u32(&w, (uint32_t)m->opt.crop);
    rse__ser_u64(&w, (uint64_t)m->opt.steps);
    rse__ser_f32(&w, m->opt.lr);
    rse__ser_u64(&w, m->opt.seed);
    rse__ser_u64(&w, (uint64_t)m->opt.save_every);
    rse__ser_f32(&w, m->opt.coarse);
    rse__ser_u32(&w, (uint32_t)m->opt.t_focus);
    rse__ser_u64(&w, (uint64_t)m->step);
    rse__ser_u64(&w, m->rng.key);
    rse__ser_u64(&w, m->rng.pos);
    rse__ser_f64(&w, m->last_loss);
    rse__ser_u64(&w, (uint64_t)n);
    rse__ser_floats(&w, m->w, n);
    rse__ser_floats(&w, m->ema, n);
    rse__ser_floats(&w, m->m, n);
    rse__ser_floats(&w, m->v, n);
    for (s = 0; s < p->n; s++) {
        size_t plane = 3 * (size_t)p->w[s] * p->h[s];
        rse__ser_bytes(&w, p->img[s], plane);
        if (s) rse__ser_bytes(&w, p->blur[s], plane);
    }
    if (w.st == RSE_STATUS_OK) {
        unsigned char b[4];
        uint32_t c = w.crc;
        b[0] = (unsigned char)c; b[1] = (unsigned char)(c >> 8); b[2] = (unsigned char)(c >> 16); b[3] = (unsigned char)(c >> 24);
        if (w.write(w.ctx, b, 4)) w.st = rse__fail(RSE_STATUS_IO, "checkpoint: write failed");
    }
    return w.st;
}

RSE__FN uint64_t rse__get64le(rse__cursor *c) {
    uint64_t lo = rse__get32le(c);
    return lo | ((uint64_t)rse__get32le(c) << 32);
}
RSE__FN double rse__get_f64(rse__cursor *c) {
    uint64_t v = rse__get64le(c);
    double d;
    memcpy(&d, &v, 8);
    return d;
}
RSE__FN float rse__get_f32(rse__cursor *c) {
    uint32_t v = rse__get32le(c);
    float f;
    memcpy(&f, &v, 4);
    return f;
}
RSE__FN void rse__get_floats(rse__cursor *c, float *dst, size_t n) {
    size_t i;
    if (rse__cur_left(c) / 4 < n) { c->p = c->end; c->truncated = 1; return; }
    for (i = 0; i < n; i++) {
        uint32_t v = (uint32_t)c->p[0] | (uint32_t)c->p[1] << 8 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[3] << 24;
        memcpy(dst + i, &v, 4);
        c->p += 4;
    }
}

/* Checks an integer field against a range; names it in the error. */
RSE__FN rse_status rse__ck_range(uint64_t v, uint64_t lo, uint64_t hi, const char *field) {
    if (v < lo || v > hi)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: %s = %llu outside %llu..%llu", field,
                         (unsigned long long)v, (unsigned long long)lo, (unsigned long long)hi);
    return RSE_STATUS_OK;
}

RSEDEF rse_status rse_sinddm_load_mem(rse_sinddm **out, const void *buf, size_t len) {
    const unsigned char *b = (const unsigned char *)buf;
    rse__cursor c;
    rse_sinddm *m = 0;
    rse__pyramid plan;
    uint32_t crc, version, flags, dim, T, ns, v32[8];
    uint64_t n, total_img = 0;
    size_t off;
    int s;
    rse_status st = RSE_STATUS_OK;
    *out = 0;
    if (len < 8 + 4 + 4 || memcmp(b, RSE_SD_CKPT_MAGIC, 8) != 0)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "not an rsedit SinDDM checkpoint (bad magic)");
    crc = rse__crc32(b, len - 4);
    if (crc != ((uint32_t)b[len - 4] | (uint32_t)b[len - 3] << 8 | (uint32_t)b[len - 2] << 16 | (uint32_t)b[len - 1] << 24))
        return rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: CRC-32 mismatch (the file is damaged or truncated)");
    rse__cur_init(&c, b, len - 4);
    rse__skip(&c, 8);
    /* version 1 lacks the `coarse` field (it trained uniformly), versions 1
       and 2 the `t_focus` one (all timesteps) */
    version = rse__get32le(&c);
    if (version < 1 || version > RSE_SD_CKPT_VERSION)
        return rse__fail(RSE_STATUS_UNSUPPORTED, "checkpoint: unsupported version %u (this build reads 1..%d)",
                         (unsigned)version, RSE_SD_CKPT_VERSION);
    flags = rse__get32le(&c);
    /* bit 0 is the only flag of versions 1 to 3: a file with others set
       was written by something that means more than we would read */
    if (flags & ~1u) return rse__fail(RSE_STATUS_UNSUPPORTED, "checkpoint: unknown flags 0x%x", (unsigned)flags);
    dim = rse__get32le(&c);
    T = rse__get32le(&c);
    ns = rse__get32le(&c);
    if ((st = rse__ck_range(dim, 2, RSE_SD_MAX_DIM, "dim")) != RSE_STATUS_OK ||
        (st = rse__ck_range(T, RSE_SD_T, RSE_SD_T, "timesteps")) != RSE_STATUS_OK ||
        (st = rse__ck_range(ns, 1, RSE_PYR_MAX_SCALES, "scales")) != RSE_STATUS_OK)
        return st;
    if (dim % 2) return rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: odd dim %u", (unsigned)dim);
    if (!(m = rse__sd_new())) return RSE_STATUS_NOMEM;
    m->pyr.n = (int)ns;
    for (s = 0; s < (int)ns; s++) {
        uint32_t w = rse__get32le(&c), h = rse__get32le(&c), ts = rse__get32le(&c);
        double loss = rse__get_f64(&c);
        if ((st = rse__ck_range(w, 1, RSE_MAX_DIM, "scale width")) != RSE_STATUS_OK ||
            (st = rse__ck_range(h, 1, RSE_MAX_DIM, "scale height")) != RSE_STATUS_OK ||
            (st = rse__ck_range(ts, 0, RSE_SD_T, "start timestep")) != RSE_STATUS_OK)
            goto fail;
        if (!(loss >= 0 && loss < 1e6)) { st = rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: bad rescale loss"); goto fail; }
        m->pyr.w[s] = (int)w; m->pyr.h[s] = (int)h; m->pyr.loss[s] = loss; m->pyr.t_start[s] = (int)ts;
        if ((uint64_t)w * h > RSE_MAX_PIXELS) { st = rse__fail(RSE_STATUS_LIMIT, "checkpoint: scale %d too large", s); goto fail; }
        total_img += 3 * (uint64_t)w * h * (s ? 2 : 1);
    }
    for (s = 0; s < 6; s++) v32[s] = rse__get32le(&c);
    m->pyr.src_w = (int)(v32[0] & 0x7fffffff); m->pyr.src_h = (int)(v32[1] & 0x7fffffff);
    m->pyr.cap_w = (int)(v32[2] & 0x7fffffff); m->pyr.cap_h = (int)(v32[3] & 0x7fffffff);
    m->pyr.d0 = (int)(v32[4] & 0x7fffffff); m->pyr.gray = v32[5] != 0;
    m->pyr.sf = rse__get_f64(&c);
    /* The sizes must be the ones the source size gives: a file that
       disagrees with itself is damaged or forged. */
    if (rse__pyramid_plan(&plan, m->pyr.src_w, m->pyr.src_h, RSE_SINDDM_SCALE_STEP) != RSE_STATUS_OK ||
        plan.n != (int)ns) {
        st = rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: pyramid does not match its source size %dx%d",
                       m->pyr.src_w, m->pyr.src_h);
        goto fail;
    }
    for (s = 0; s < (int)ns; s++)
        if (plan.w[s] != m->pyr.w[s] || plan.h[s] != m->pyr.h[s]) {
            st = rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: scale %d size does not match its source size", s);
            goto fail;
        }
    m->opt.dim = (int)dim;
    m->opt.batch = (int)rse__get32le(&c);
    m->opt.micro_batch = (int)rse__get32le(&c);
    m->opt.crop = (int)rse__get32le(&c);
    m->opt.steps = (long)(rse__get64le(&c) & 0x7fffffff);
    m->opt.lr = rse__get_f32(&c);
    m->opt.seed = rse__get64le(&c);
    m->opt.save_every = (long)(rse__get64le(&c) & 0x7fffffff);
    m->opt.coarse = version >= 2 ? rse__get_f32(&c) : 0.0f;
    m->opt.t_focus = version >= 3 ? (int)(rse__get32le(&c) & 0x7fffffff) : 0;
    if ((st = rse__sd_check_params(&m->opt)) != RSE_STATUS_OK) { rse__fail_prefix(st, "checkpoint"); goto fail; }
    m->step = (long)(rse__get64le(&c) & 0x7fffffffffffLL);
    m->rng.key = rse__get64le(&c);
    m->rng.pos = rse__get64le(&c);
    m->last_loss = rse__get_f64(&c);
    n = rse__get64le(&c);
    if (c.truncated) { st = rse__fail(RSE_STATUS_TRUNCATED, "checkpoint: header truncated"); goto fail; }
    /* The sizes before any allocation: a forged header (dim 4096 in a
       300-byte file) must not make us allocate gigabytes first. The layout
       only fills the parameter table. */
    if ((st = rse__sd_net_layout(&m->net, (int)dim)) != RSE_STATUS_OK) goto fail;
    if (n != m->net.total) {
        st = rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: %llu weights, a dim %u net has %zu",
                       (unsigned long long)n, (unsigned)dim, m->net.total);
        goto fail;
    }
    /* what remains must be exactly the arrays and the images */
    if ((uint64_t)rse__cur_left(&c) != n * 4 * ((flags & 1) ? 4 : 2) + total_img) {
        st = rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: payload size does not match the header");
        goto fail;
    }
    if ((st = rse__sd_alloc_weights(m, (int)dim)) != RSE_STATUS_OK) goto fail;
    rse__get_floats(&c, m->w, (size_t)n);
    rse__get_floats(&c, m->ema, (size_t)n);
    if (flags & 1) {
        rse__get_floats(&c, m->m, (size_t)n);
        rse__get_floats(&c, m->v, (size_t)n);
    }
    m->pyr.mem = (uint8_t *)RSE_MALLOC((size_t)total_img);
    if (!m->pyr.mem) { st = rse__fail(RSE_STATUS_NOMEM, "checkpoint: out of memory"); goto fail; }
    for (s = 0, off = 0; s < (int)ns; s++) {
        size_t plane = 3 * (size_t)m->pyr.w[s] * m->pyr.h[s];
        m->pyr.img[s] = m->pyr.mem + off;
        memcpy(m->pyr.img[s], c.p, plane);
        rse__skip(&c, plane);
        off += plane;
        if (s) {
            m->pyr.blur[s] = m->pyr.mem + off;
            memcpy(m->pyr.blur[s], c.p, plane);
            rse__skip(&c, plane);
            off += plane;
        }
    }
    if ((st = rse__sched_init(&m->sched, RSE_SD_T, m->pyr.loss, m->pyr.n)) != RSE_STATUS_OK) goto fail;
    for (s = 0; s < (int)ns; s++)
        if (m->sched.t_start[s] != m->pyr.t_start[s]) {
            st = rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: start timestep of scale %d disagrees with its loss", s);
            goto fail;
        }
    if ((st = rse__sd_float_data(m)) != RSE_STATUS_OK) goto fail;
    *out = m;
    return RSE_STATUS_OK;
fail:
    rse_sinddm_free(m);
    return st;
}

/* ===========================================================================
   Quality
   Two numbers that compare samples with their training image, used to
   choose the CPU preset (`rsedit quality`); both are deterministic for a
   given seed.

   SWD, the sliced Wasserstein distance between multi-scale 7x7 patch sets,
   computed as Karras et al. 2018 (ProGAN) do:
     1. A Laplacian pyramid of every image: G_0 = the image, G_{k+1} =
        pyr_down(G_k) (5x5 binomial filter [1 4 6 4 1]^2 / 256, mirrored
        borders, every other pixel), level k = G_k - pyr_up(G_{k+1}) (zeros
        inserted, the same filter x 4), and the last level is G itself. The
        levels go down while the short side stays >= 16 px: a 256x256 image
        has levels 256, 128, 64, 32, 16; a 223x223 one 223, 112, 56, 28.
        Level 0 is the finest (the opposite of the SinDDM pyramid's order).
     2. At every level, random 7x7 neighbourhoods: 1024 per sample image,
        and as many from the one reference image (n x 1024 random
        positions), each a descriptor of 3 x 7 x 7 = 147 values. ProGAN
        takes 128 per image, but from ~10^4 images; with a handful of
        samples that leaves a floor set by patch sampling alone: SWD(A, A)
        is ~50 with 8 x 128 patches, ~18 with 8 x 1024 (it shrinks like
        1/sqrt(patches)), while visible noise or bad samples score 60-300.
        1024 keeps the floor well below what is measured.
     3. Each set normalised on its own statistics, per colour channel: minus
        the channel's mean over all patches and positions, divided by its
        (population) std (ProGAN's finalize_descriptors). So a global colour
        or contrast change is not measured; local structure is. With
        ref_norm (`quality --ref-norm`, and every region measurement) both
        sets are normalised with the REFERENCE's mean and std instead, so a
        change of contrast or saturation scales the samples' descriptors at
        every level, and a colour or brightness offset moves those of the
        coarsest level (the Gaussian residual: the band-pass levels above it
        have no mean to move).
     4. 512 random unit directions in R^147; both sets projected, each
        projection sorted, and the mean absolute difference of the sorted
        values (the 1-D Wasserstein-1 distance) averaged over directions.
     5. Reported x 1e3 per level, and the mean over levels, as ProGAN does.
   0 means the two patch distributions are the same (up to the sampling of
   patches); noise, blur, artefacts and missing content all raise it.
   Randomness comes from separate streams of one seed: the reference's patch
   positions per level, sample i's per level, the directions per level. Two
   sample sets of the same count scored with the same seed therefore meet the
   same reference patches and the same directions: a paired comparison.

   Pixel diversity (SinGAN's measure): the intensity of a pixel is the mean
   of its channels; for every pixel, the (population) std of its intensity
   across the n samples; the mean of that over pixels; divided by the
   (population) std of the reference's intensity over all its pixels. 0 when
   every sample is the same image; near 1 for independent images with the
   reference's statistics (a little less for few samples: the population
   std of n draws is biased low by about sqrt((n-1)/n)).

   The floor-like baseline: copies of the reference, each the (w-8) x (h-8)
   window at a random offset of 0..8 px in x and in y. A crop, not a
   wrap-around, so no seam adds patches the reference does not have: the
   copies have exactly the reference's content, only shifted, which is the
   best a generator of "new" images can hope for.

   Regions (issue 20: does an edited region look like the image?). The
   region's box grown by a margin (4 px) on every side, within the image,
   is cropped from the reference and from each sample, and the crops are
   scored as images (their own pyramids, mirrored at the crop's edges),
   with ref_norm and every patch position (all_positions): a crop of a
   few thousand positions would otherwise be scored with a sampling noise
   as large as the floor below. A content copy compares the target's crop
   of the sample with the SOURCE's crop of the reference: the two boxes
   differ, and grow alike so the crops keep one size. The floor
   there is the issue's: the same SWD between the reference crop and the
   crop, over the same box, of the reference shifted by 4 px with reflected
   borders; averaged over the 8 shifts (dx, dy) in {-4, 0, 4}^2 other than
   (0, 0), since one direction alone would favour content along it. PSNR
   and the box of changed pixels are the plain pixel comparisons an edit is
   also held to (beat bicubic upsampling; untouched outside its regions).
   ========================================================================= */

#define RSE_SWD_MAX_LEVELS 24
#define RSE_SWD_MAX_PATCH 15

typedef struct rse__swd_params {
    int patch;          /* neighbourhood side (7)                            */
    int per_image;      /* neighbourhoods per image per level (1024)         */
    int dirs;           /* random projection directions (512)                */
    int min_res;        /* the coarsest level's short side is >= this (16)   */
    int max_levels;     /* 0, or at most this many levels (to compare a      */
                        /* second set on the levels of a first)              */
    int ref_norm;       /* 1: both sets normalised with the reference's      */
                        /* statistics, so a colour or contrast change counts */
    int all_positions;  /* 1: every patch position of every level once per   */
                        /* image, not per_image random ones (images of one   */
                        /* size: no sampling noise, SWD(A, A) = 0)           */
    uint64_t seed;      /* every random choice derives from it               */
} rse__swd_params;

typedef struct rse__swd_result {
    int levels;                          /* number of pyramid levels        */
    int w[RSE_SWD_MAX_LEVELS], h[RSE_SWD_MAX_LEVELS]; /* reference size,    */
                                         /* level 0 = finest                */
    double swd[RSE_SWD_MAX_LEVELS];      /* SWD x 1e3 at each level         */
    double avg;                          /* their mean                      */
} rse__swd_result;

RSE__FN void rse__swd_params_init(rse__swd_params *p) {
    p->patch = 7;
    p->per_image = 1024;
    p->dirs = 512;
    p->min_res = 16;
    p->max_levels = 0;
    p->ref_norm = 0;
    p->all_positions = 0;
    p->seed = 0;
}

/* Mirror an index into 0..n-1 without repeating the edge sample (scipy's
   mode='mirror': ... 2 1 | 0 1 2 ... n-2 n-1 | n-2 ...). */
RSE__FN int rse__q_mirror(int i, int n) {
    if (n == 1) return 0;
    for (;;) {
        if (i < 0) i = -i;
        else if (i >= n) i = 2 * (n - 1) - i;
        else return i;
    }
}

static const float rse__q_binom[5] = { 1.0f / 16, 4.0f / 16, 6.0f / 16, 4.0f / 16, 1.0f / 16 };

/* pyr_down of one (h,w) plane into ((h+1)/2, (w+1)/2): the binomial filter
   at the even positions only (what filtering everything and keeping
   [::2, ::2] gives). tmp holds h * (w+1)/2 floats. */
RSE__FN void rse__q_down(const float *src, int w, int h, float *dst, float *tmp) {
    int dw = (w + 1) / 2, dh = (h + 1) / 2, x, y, k;
    for (y = 0; y < h; y++)
        for (x = 0; x < dw; x++) {
            float s = 0;
            for (k = 0; k < 5; k++) s += rse__q_binom[k] * src[(size_t)y * w + rse__q_mirror(2 * x + k - 2, w)];
            tmp[(size_t)y * dw + x] = s;
        }
    for (y = 0; y < dh; y++)
        for (x = 0; x < dw; x++) {
            float s = 0;
            for (k = 0; k < 5; k++) s += rse__q_binom[k] * tmp[(size_t)rse__q_mirror(2 * y + k - 2, h) * dw + x];
            dst[(size_t)y * dw + x] = s;
        }
}

/* dst (H,W) -= pyr_up(src (h,w)), where pyr_up inserts zeros between the
   samples (size 2h x 2w), filters with 2 x the binomial per dimension
   (mirrored on the zero-inserted grid, which keeps its even/odd pattern),
   and is cropped to H x W (H = 2h or 2h - 1). tmp holds h * W floats. */
RSE__FN void rse__q_sub_up(float *dst, int W, int H, const float *src, int w, int h, float *tmp) {
    int x, y, k;
    for (y = 0; y < h; y++)
        for (x = 0; x < W; x++) {
            float s = 0;
            for (k = 0; k < 5; k++) {
                int z = rse__q_mirror(x + k - 2, 2 * w);
                if (!(z & 1)) s += 2.0f * rse__q_binom[k] * src[(size_t)y * w + z / 2];
            }
            tmp[(size_t)y * W + x] = s;
        }
    for (y = 0; y < H; y++)
        for (x = 0; x < W; x++) {
            float s = 0;
            for (k = 0; k < 5; k++) {
                int z = rse__q_mirror(y + k - 2, 2 * h);
                if (!(z & 1)) s += 2.0f * rse__q_binom[k] * tmp[(size_t)(z / 2) * W + x];
            }
            dst[(size_t)y * W + x] -= s;
        }
}

/* Levels of an image of w x h: halve (rounding up) while the short side of
   the next level stays >= min_res. */
RSE__FN int rse__q_levels(int w, int h, int min_res) {
    int L = 1;
    while (L < RSE_SWD_MAX_LEVELS) {
        w = (w + 1) / 2;
        h = (h + 1) / 2;
        if ((w < h ? w : h) < min_res) break;
        L++;
    }
    return L;
}

/* Draws `count` random patch x patch neighbourhoods from each of the L
   Laplacian levels of img, into the slot-th block of `count` descriptors
   of desc[k] (D = 3 * patch^2 floats per descriptor, channel-major). Patch
   positions come from the stream (seed, stream_base + k). With
   p->all_positions every position of level k instead, row by row, in a
   block of that many (count is not used). Gray images count as three
   equal channels. */
RSE__FN rse_status rse__q_patches(const rse_image *img, int L, const rse__swd_params *p, uint64_t stream_base,
                                  size_t count, float **desc, size_t slot) {
    const int P = p->patch, D = 3 * P * P;
    int lw[RSE_SWD_MAX_LEVELS], lh[RSE_SWD_MAX_LEVELS], k, c;
    size_t total = 0, off[RSE_SWD_MAX_LEVELS], i, plane = (size_t)img->w * img->h, maxplane;
    float *mem, *lev, *tmp;
    lw[0] = img->w; lh[0] = img->h;
    for (k = 0; k < L; k++) {
        if (k) { lw[k] = (lw[k - 1] + 1) / 2; lh[k] = (lh[k - 1] + 1) / 2; }
        off[k] = total;
        total += 3 * (size_t)lw[k] * lh[k];
    }
    /* levels, then one scratch plane of the finest size for the filters */
    maxplane = plane;
    mem = (float *)RSE_MALLOC((total + maxplane + 8) * sizeof(float));
    if (!mem) return rse__fail(RSE_STATUS_NOMEM, "quality: out of memory for a %dx%d image", img->w, img->h);
    lev = mem;
    tmp = mem + total;
    for (c = 0; c < 3; c++)
        memcpy(lev + (size_t)c * plane, img->data + (size_t)(img->c == 1 ? 0 : c) * plane, plane * sizeof(float));
    /* G_{k+1} from G_k, then G_k -= up(G_{k+1}): level k becomes Laplacian */
    for (k = 0; k + 1 < L; k++)
        for (c = 0; c < 3; c++) {
            float *g = lev + off[k] + (size_t)c * lw[k] * lh[k];
            float *gn = lev + off[k + 1] + (size_t)c * lw[k + 1] * lh[k + 1];
            rse__q_down(g, lw[k], lh[k], gn, tmp);
            rse__q_sub_up(g, lw[k], lh[k], gn, lw[k + 1], lh[k + 1], tmp);
        }
    for (k = 0; k < L; k++) {
        size_t nx = (size_t)(lw[k] - P + 1), m = p->all_positions ? nx * (size_t)(lh[k] - P + 1) : count;
        rse__rng r;
        rse__rng_seed_stream(&r, p->seed, stream_base + (uint64_t)k);
        for (i = 0; i < m; i++) {
            int x0 = p->all_positions ? (int)(i % nx) : (int)rse__rng_below(&r, (uint32_t)(lw[k] - P + 1));
            int y0 = p->all_positions ? (int)(i / nx) : (int)rse__rng_below(&r, (uint32_t)(lh[k] - P + 1));
            float *d = desc[k] + (slot * m + i) * (size_t)D;
            int y, x;
            for (c = 0; c < 3; c++)
                for (y = 0; y < P; y++)
                    for (x = 0; x < P; x++)
                        *d++ = lev[off[k] + ((size_t)c * lh[k] + y0 + y) * lw[k] + x0 + x];
        }
    }
    RSE_FREE(mem);
    return RSE_STATUS_OK;
}

/* Per-channel mean and (population) std of n descriptors of 3 x P^2
   values, over all patches and positions. */
RSE__FN void rse__q_moments(const float *desc, size_t n, int P, double mean[3], double sd[3]) {
    const size_t pp = (size_t)P * P, D = 3 * pp;
    int c;
    for (c = 0; c < 3; c++) {
        double s = 0, s2 = 0;
        size_t i, j, cnt = n * pp;
        for (i = 0; i < n; i++)
            for (j = 0; j < pp; j++) s += desc[i * D + c * pp + j];
        mean[c] = s / (double)cnt;
        for (i = 0; i < n; i++)
            for (j = 0; j < pp; j++) { double d = desc[i * D + c * pp + j] - mean[c]; s2 += d * d; }
        sd[c] = sqrt(s2 / (double)cnt);
    }
}

/* desc = (desc - mean) / sd per channel. A constant channel (std 0) is
   only centred. */
RSE__FN void rse__q_standardize(float *desc, size_t n, int P, const double mean[3], const double sd[3]) {
    const size_t pp = (size_t)P * P, D = 3 * pp;
    size_t i, j;
    int c;
    for (c = 0; c < 3; c++)
        for (i = 0; i < n; i++)
            for (j = 0; j < pp; j++)
                desc[i * D + c * pp + j] = (float)((desc[i * D + c * pp + j] - mean[c]) / (sd[c] > 0 ? sd[c] : 1.0));
}

/* Per-channel normalisation of a set on its own statistics (ProGAN's). */
RSE__FN void rse__q_normalize(float *desc, size_t n, int P) {
    double mean[3], sd[3];
    rse__q_moments(desc, n, P, mean, sd);
    rse__q_standardize(desc, n, P, mean, sd);
}

/* Sorts n floats (no NaNs) ascending: an LSD radix sort on their bits made
   order-preserving as unsigned keys (sign bit set for positives, all bits
   inverted for negatives), 4 passes of 8 bits through tmp. Much faster
   than qsort for the 10^5-10^6 sorts of one SWD, and deterministic. */
RSE__FN void rse__q_sort(float *v, uint32_t *key, uint32_t *tmp, size_t n) {
    size_t i, cnt[256];
    int pass;
    for (i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &v[i], 4);
        key[i] = (u & 0x80000000u) ? ~u : u | 0x80000000u;
    }
    for (pass = 0; pass < 4; pass++) {
        int sh = 8 * pass;
        size_t sum = 0;
        memset(cnt, 0, sizeof cnt);
        for (i = 0; i < n; i++) cnt[(key[i] >> sh) & 255]++;
        for (i = 0; i < 256; i++) { size_t c = cnt[i]; cnt[i] = sum; sum += c; }
        for (i = 0; i < n; i++) tmp[cnt[(key[i] >> sh) & 255]++] = key[i];
        memcpy(key, tmp, n * sizeof *key);
    }
    for (i = 0; i < n; i++) {
        uint32_t u = (key[i] & 0x80000000u) ? key[i] & 0x7fffffffu : ~key[i];
        memcpy(&v[i], &u, 4);
    }
}

#define RSE_SWD_DIR_CHUNK 64   /* directions projected per matrix product */

/* Sliced Wasserstein distance of two normalised sets of n descriptors of
   D values, over p->dirs directions from stream (seed, stream): direction
   k is D normal draws (in stream order) scaled to unit length. The
   projections of a chunk of directions are one matrix product per set,
   (n,D) x (D,chunk); each column is then sorted. */
RSE__FN rse_status rse__q_sliced(const float *a, const float *b, size_t n, int D, const rse__swd_params *p,
                                 uint64_t stream, double *out) {
    const int C = RSE_SWD_DIR_CHUNK;
    size_t floats, i;
    float *mem, *dir, *dirs, *pa, *pb, *ca, *cb;
    uint32_t *key, *tmp;
    double total = 0;
    rse__rng r;
    int k0, k, j;
    /* dir (D), dirs (D,C), pa and pb (n,C), two columns (n), two key arrays (n) */
    if (!rse__mul_ok(n, 2 * (size_t)C + 4, &floats) || !rse__add_ok(floats, (size_t)D * (C + 1), &floats) ||
        floats > ((size_t)1 << 29) || !(mem = (float *)RSE_MALLOC(floats * sizeof(float))))
        return rse__fail(RSE_STATUS_NOMEM, "quality: out of memory for %zu projections", n);
    dir = mem;
    dirs = dir + D;
    pa = dirs + (size_t)D * C;
    pb = pa + n * C;
    ca = pb + n * C;
    cb = ca + n;
    key = (uint32_t *)(void *)(cb + n);
    tmp = key + n;
    rse__rng_seed_stream(&r, p->seed, stream);
    for (k0 = 0; k0 < p->dirs; k0 += C) {
        int nc = p->dirs - k0 < C ? p->dirs - k0 : C;
        for (k = 0; k < nc; k++) {
            double nrm = 0;
            rse__rng_normal(&r, dir, (size_t)D);
            for (j = 0; j < D; j++) nrm += (double)dir[j] * dir[j];
            nrm = sqrt(nrm);
            for (j = 0; j < D; j++) dirs[(size_t)j * nc + k] = (float)(dir[j] / (nrm > 0 ? nrm : 1.0));
        }
        rse__sgemm(0, 0, (int)n, nc, D, 1.0f, a, D, dirs, nc, 0.0f, pa, nc);
        rse__sgemm(0, 0, (int)n, nc, D, 1.0f, b, D, dirs, nc, 0.0f, pb, nc);
        for (k = 0; k < nc; k++) {
            double sum = 0;
            for (i = 0; i < n; i++) { ca[i] = pa[i * nc + k]; cb[i] = pb[i * nc + k]; }
            rse__q_sort(ca, key, tmp, n);
            rse__q_sort(cb, key, tmp, n);
            for (i = 0; i < n; i++) sum += fabs((double)ca[i] - cb[i]);
            total += sum / (double)n;
        }
    }
    RSE_FREE(mem);
    *out = total / (double)p->dirs;
    return RSE_STATUS_OK;
}

/* Checks an image given to the metrics: allocated, 1 or 3 channels. */
RSE__FN rse_status rse__q_check(const rse_image *im, const char *what, int i) {
    if (!im || !im->data || (im->c != 1 && im->c != 3) || im->w < 1 || im->h < 1)
        return rse__fail(RSE_STATUS_BAD_ARG, "quality: %s %d is not a 1- or 3-channel image", what, i);
    return RSE_STATUS_OK;
}

/* SWD between the reference and n samples (any sizes, each at least
   patch x patch); see the section comment. */
RSE__FN rse_status rse__swd(const rse_image *ref, const rse_image *samples, int n, const rse__swd_params *p,
                            rse__swd_result *res) {
    const int P = p->patch, D = 3 * P * P;
    float *desc_r[RSE_SWD_MAX_LEVELS], *desc_s[RSE_SWD_MAX_LEVELS], *mem = 0;
    size_t N[RSE_SWD_MAX_LEVELS], total = 0, bytes;
    double dtotal = 0;
    rse_status st = RSE_STATUS_OK;
    int L, i, k;

    memset(res, 0, sizeof *res);
    if (P < 1 || P > RSE_SWD_MAX_PATCH || p->per_image < 1 || p->per_image > 1000000 || p->dirs < 1 ||
        p->dirs > 1000000 || p->min_res < P)
        return rse__fail(RSE_STATUS_BAD_ARG, "quality: bad SWD parameters (patch %d, %d per image, %d directions, min %d px)",
                         P, p->per_image, p->dirs, p->min_res);
    if (n < 1 || n > 100000) return rse__fail(RSE_STATUS_BAD_ARG, "quality: need 1..100000 samples, got %d", n);
    if ((double)n * p->per_image > (double)INT_MAX / 2)
        return rse__fail(RSE_STATUS_LIMIT, "quality: %d samples x %d patches is too many", n, p->per_image);
    if ((st = rse__q_check(ref, "reference", 0)) != RSE_STATUS_OK) return st;
    L = rse__q_levels(ref->w, ref->h, p->min_res);
    if (p->max_levels > 0 && p->max_levels < L) L = p->max_levels;
    for (i = -1; i < n; i++) {
        const rse_image *im = i < 0 ? ref : &samples[i];
        int l;
        if (i >= 0 && (st = rse__q_check(im, "sample", i)) != RSE_STATUS_OK) return st;
        if (im->w < P || im->h < P)
            return rse__fail(RSE_STATUS_BAD_ARG, "quality: %s %dx%d is smaller than a %dx%d patch",
                             i < 0 ? "the reference" : "a sample", im->w, im->h, P, P);
        l = rse__q_levels(im->w, im->h, p->min_res);
        if (l < L) L = l;
        if (p->all_positions && (im->w != ref->w || im->h != ref->h))
            return rse__fail(RSE_STATUS_BAD_ARG, "quality: every patch position needs samples of the reference's size "
                             "(%dx%d), got %dx%d", ref->w, ref->h, im->w, im->h);
    }
    /* N[k] descriptors per set at level k: n x per_image random ones, or n
       x the positions; 2 sets x L levels in one block */
    for (k = 0; k < L; k++) {
        size_t per;
        res->w[k] = k ? (res->w[k - 1] + 1) / 2 : ref->w;
        res->h[k] = k ? (res->h[k - 1] + 1) / 2 : ref->h;
        per = p->all_positions ? (size_t)(res->w[k] - P + 1) * (size_t)(res->h[k] - P + 1) : (size_t)p->per_image;
        dtotal += (double)n * (double)per;
        if (dtotal * D * 2 * sizeof(float) > (double)((size_t)1 << 31)) break;   /* refused below */
        N[k] = (size_t)n * per;
        total += N[k];
    }
    if (k < L || !rse__mul4_ok(total, (size_t)D, 2, sizeof(float), &bytes) || bytes > ((size_t)1 << 31)) {
        if (p->all_positions)
            return rse__fail(RSE_STATUS_LIMIT, "quality: every patch of %d %dx%d samples is too many", n, ref->w, ref->h);
        return rse__fail(RSE_STATUS_LIMIT, "quality: %d samples x %d patches is too many", n, p->per_image);
    }
    mem = (float *)RSE_MALLOC(bytes);
    if (!mem) return rse__fail(RSE_STATUS_NOMEM, "quality: out of memory for %zu patch descriptors", 2 * total);
    for (k = 0, total = 0; k < L; k++) {
        desc_r[k] = mem + 2 * total * D;
        desc_s[k] = desc_r[k] + N[k] * D;
        total += N[k];
    }
    /* streams: reference k; sample i: (i + 1) << 8 | k; directions 1<<40 | k.
       Every position: the reference's once, repeated for each sample, so
       the two sets have one size and the same distribution */
    st = rse__q_patches(ref, L, p, 0, N[0], desc_r, 0);
    for (k = 0; k < L && p->all_positions && st == RSE_STATUS_OK; k++)
        for (i = 1; i < n; i++) memcpy(desc_r[k] + (size_t)i * (N[k] / n) * D, desc_r[k], (N[k] / n) * D * sizeof(float));
    for (i = 0; i < n && st == RSE_STATUS_OK; i++)
        st = rse__q_patches(&samples[i], L, p, (uint64_t)(i + 1) << 8, (size_t)p->per_image, desc_s, (size_t)i);
    res->levels = L;
    for (k = 0; k < L && st == RSE_STATUS_OK; k++) {
        if (p->ref_norm) {
            /* the reference's statistics for both: a shift of the samples'
               colour, brightness or contrast moves their descriptors */
            double mean[3], sd[3];
            rse__q_moments(desc_r[k], N[k], P, mean, sd);
            rse__q_standardize(desc_r[k], N[k], P, mean, sd);
            rse__q_standardize(desc_s[k], N[k], P, mean, sd);
        } else {
            rse__q_normalize(desc_r[k], N[k], P);
            rse__q_normalize(desc_s[k], N[k], P);
        }
        st = rse__q_sliced(desc_r[k], desc_s[k], N[k], D, p, ((uint64_t)1 << 40) | (uint64_t)k, &res->swd[k]);
        res->swd[k] *= 1e3;
        res->avg += res->swd[k] / L;
    }
    RSE_FREE(mem);
    return st;
}

/* Pixel diversity of n >= 2 samples of one size, relative to the reference
   (see the section comment). */
RSE__FN rse_status rse__pixel_diversity(const rse_image *ref, const rse_image *samples, int n, double *out) {
    size_t plane, rplane, j;
    double mean = 0, var = 0, acc = 0;
    int i, c;
    rse_status st;
    *out = 0;
    if ((st = rse__q_check(ref, "reference", 0)) != RSE_STATUS_OK) return st;
    if (n < 2) return rse__fail(RSE_STATUS_BAD_ARG, "quality: diversity needs at least 2 samples, got %d", n);
    for (i = 0; i < n; i++) {
        if ((st = rse__q_check(&samples[i], "sample", i)) != RSE_STATUS_OK) return st;
        if (samples[i].w != samples[0].w || samples[i].h != samples[0].h)
            return rse__fail(RSE_STATUS_BAD_ARG, "quality: diversity needs samples of one size (%dx%d and %dx%d)",
                             samples[0].w, samples[0].h, samples[i].w, samples[i].h);
    }
    /* the reference's intensity std, two passes in double */
    rplane = (size_t)ref->w * ref->h;
    for (j = 0; j < rplane; j++) {
        double v = 0;
        for (c = 0; c < ref->c; c++) v += ref->data[(size_t)c * rplane + j];
        mean += v / ref->c;
    }
    mean /= (double)rplane;
    for (j = 0; j < rplane; j++) {
        double v = 0;
        for (c = 0; c < ref->c; c++) v += ref->data[(size_t)c * rplane + j];
        v = v / ref->c - mean;
        var += v * v;
    }
    var /= (double)rplane;
    if (!(var > 0)) return rse__fail(RSE_STATUS_BAD_ARG, "quality: the reference is a constant image (no diversity scale)");
    /* per pixel: std across the samples of its intensity */
    plane = (size_t)samples[0].w * samples[0].h;
    for (j = 0; j < plane; j++) {
        double s = 0, s2 = 0, m;
        for (i = 0; i < n; i++) {
            const rse_image *im = &samples[i];
            double v = 0;
            for (c = 0; c < im->c; c++) v += im->data[(size_t)c * plane + j];
            v /= im->c;
            s += v;
            s2 += v * v;
        }
        m = s / n;
        s2 = s2 / n - m * m;   /* values in [0,1]: cancellation is harmless */
        acc += s2 > 0 ? sqrt(s2) : 0;
    }
    *out = acc / (double)plane / sqrt(var);
    return RSE_STATUS_OK;
}

/* The floor-like baseline: count windows of (w-max_shift) x (h-max_shift)
   of ref at random offsets 0..max_shift in x and y (stream (seed, 1 << 48)).
   out[0..count) are allocated here (free with rse_image_free). */
RSE__FN rse_status rse__shifted_copies(const rse_image *ref, int count, int max_shift, uint64_t seed, rse_image *out) {
    rse__rng r;
    int i, c, y;
    rse_status st;
    if ((st = rse__q_check(ref, "reference", 0)) != RSE_STATUS_OK) return st;
    if (count < 1 || max_shift < 0 || ref->w - max_shift < 1 || ref->h - max_shift < 1)
        return rse__fail(RSE_STATUS_BAD_ARG, "quality: cannot shift a %dx%d image by up to %d px", ref->w, ref->h, max_shift);
    for (i = 0; i < count; i++) memset(&out[i], 0, sizeof out[i]);
    rse__rng_seed_stream(&r, seed, (uint64_t)1 << 48);
    for (i = 0; i < count; i++) {
        int dx = (int)rse__rng_below(&r, (uint32_t)max_shift + 1), dy = (int)rse__rng_below(&r, (uint32_t)max_shift + 1);
        int w = ref->w - max_shift, h = ref->h - max_shift;
        if ((st = rse_image_alloc(&out[i], w, h, ref->c)) != RSE_STATUS_OK) {
            while (i-- > 0) rse_image_free(&out[i]);
            return st;
        }
        for (c = 0; c < ref->c; c++)
            for (y = 0; y < h; y++)
                memcpy(out[i].data + ((size_t)c * h + y) * w,
                       ref->data + ((size_t)c * ref->h + y + dy) * ref->w + dx, (size_t)w * sizeof(float));
    }
    return RSE_STATUS_OK;
}

/* ---- regions, PSNR, changed pixels (issue 20's measurements) ------------ */

#define RSE_SWD_SHIFT 4          /* the region floor's shift, px            */
#define RSE_SWD_NSHIFT 8         /* ... in the 8 directions                 */

/* The boxes a (the samples') and b (the reference's, of a's size) grown
   by `margin` px on every side, less where either would leave the W x H
   image: each side grows by as much as both boxes have room for, so the
   two crops have one size and their patch positions pair up. With a = b
   it is a grown by the margin and clipped to the image. Both boxes must
   lie inside the image (the caller checks). */
RSE__FN void rse__q_grow(const rse_roi *a, const rse_roi *b, int margin, int W, int H, rse_roi *ga, rse_roi *gb) {
    int l = margin, t = margin, r = margin, d = margin;
    if (a->x < l) l = a->x;
    if (b->x < l) l = b->x;
    if (a->y < t) t = a->y;
    if (b->y < t) t = b->y;
    if (W - (a->x + a->w) < r) r = W - (a->x + a->w);
    if (W - (b->x + b->w) < r) r = W - (b->x + b->w);
    if (H - (a->y + a->h) < d) d = H - (a->y + a->h);
    if (H - (b->y + b->h) < d) d = H - (b->y + b->h);
    ga->x = a->x - l; ga->y = a->y - t; ga->w = a->w + l + r; ga->h = a->h + t + d;
    gb->x = b->x - l; gb->y = b->y - t; gb->w = b->w + l + r; gb->h = b->h + t + d;
}

/* out = the box r of img read at (x + dx, y + dy), mirrored at the image's
   borders (rse__q_mirror): a plain crop for dx = dy = 0, else the crop, over
   the same box, of img shifted by (-dx, -dy) with reflected borders. */
RSE__FN rse_status rse__q_crop(const rse_image *img, const rse_roi *r, int dx, int dy, rse_image *out) {
    rse_status st;
    int c, y, x;
    memset(out, 0, sizeof *out);
    if ((st = rse__q_check(img, "image", 0)) != RSE_STATUS_OK) return st;
    if (r->w < 1 || r->h < 1 || r->x < 0 || r->y < 0 || r->x > img->w - r->w || r->y > img->h - r->h)
        return rse__fail(RSE_STATUS_BAD_ARG, "quality: region %dx%d+%d+%d lies outside the %dx%d image", r->w, r->h,
                         r->x, r->y, img->w, img->h);
    if ((st = rse_image_alloc(out, r->w, r->h, img->c)) != RSE_STATUS_OK) return st;
    for (c = 0; c < img->c; c++)
        for (y = 0; y < r->h; y++) {
            const float *row = img->data + ((size_t)c * img->h + rse__q_mirror(r->y + y + dy, img->h)) * img->w;
            float *o = out->data + ((size_t)c * r->h + y) * r->w;
            for (x = 0; x < r->w; x++) o[x] = row[rse__q_mirror(r->x + x + dx, img->w)];
        }
    return RSE_STATUS_OK;
}

/* The region floor: SWD between the crop `box` of ref and the same crop of
   ref shifted by RSE_SWD_SHIFT px (reflected borders), averaged level by
   level over the 8 shifts (dx, dy) in {-4, 0, 4}^2 other than (0, 0) (the
   diagonal ones are 5.7 px). Regions use p->all_positions, where `count`
   is not used. With random patches each shift is one image scored with
   `count` patches per level: pass the samples' total (n x per_image) so
   the floor has the measurement's sampling noise. With p->max_levels the
   samples' level count. */
RSE__FN rse_status rse__swd_shift_floor(const rse_image *ref, const rse_roi *box, int count, const rse__swd_params *p,
                                        rse__swd_result *res) {
    rse__swd_params q = *p;
    rse__swd_result one;
    rse_image rc, sc;
    rse_status st;
    int dx, dy, k;
    memset(res, 0, sizeof *res);
    if (count < 1) return rse__fail(RSE_STATUS_BAD_ARG, "quality: the floor needs at least one patch per level");
    q.per_image = count;
    if ((st = rse__q_crop(ref, box, 0, 0, &rc)) != RSE_STATUS_OK) return st;
    for (dy = -RSE_SWD_SHIFT; dy <= RSE_SWD_SHIFT && st == RSE_STATUS_OK; dy += RSE_SWD_SHIFT)
        for (dx = -RSE_SWD_SHIFT; dx <= RSE_SWD_SHIFT && st == RSE_STATUS_OK; dx += RSE_SWD_SHIFT) {
            if (!dx && !dy) continue;
            if ((st = rse__q_crop(ref, box, dx, dy, &sc)) != RSE_STATUS_OK) break;
            st = rse__swd(&rc, &sc, 1, &q, &one);
            rse_image_free(&sc);
            if (st != RSE_STATUS_OK) break;
            /* every shift has the same crop size, hence the same levels */
            res->levels = one.levels;
            for (k = 0; k < one.levels; k++) {
                res->w[k] = one.w[k];
                res->h[k] = one.h[k];
                res->swd[k] += one.swd[k] / RSE_SWD_NSHIFT;
            }
            res->avg += one.avg / RSE_SWD_NSHIFT;
        }
    rse_image_free(&rc);
    return st;
}

/* Checks that b has a's size, for the pixel-by-pixel comparisons. */
RSE__FN rse_status rse__q_same_size(const rse_image *a, const rse_image *b, const char *what) {
    rse_status st;
    if ((st = rse__q_check(a, "reference", 0)) != RSE_STATUS_OK || (st = rse__q_check(b, "sample", 0)) != RSE_STATUS_OK)
        return st;
    if (a->w != b->w || a->h != b->h)
        return rse__fail(RSE_STATUS_BAD_ARG, "quality: %s needs a sample of the reference's size (%dx%d), got %dx%d", what,
                         a->w, a->h, b->w, b->h);
    return RSE_STATUS_OK;
}

/* PSNR of b against a, in dB with peak 1 (values in [0,1]):
   10 log10(1 / MSE), the MSE over every pixel and channel (a gray image
   counts as three equal channels). Identical images give +inf. */
RSE__FN rse_status rse__psnr(const rse_image *a, const rse_image *b, double *mse, double *psnr) {
    size_t plane, j;
    double acc = 0;
    rse_status st;
    int c;
    *mse = 0;
    *psnr = 0;
    if ((st = rse__q_same_size(a, b, "PSNR")) != RSE_STATUS_OK) return st;
    plane = (size_t)a->w * a->h;
    for (c = 0; c < 3; c++) {
        const float *pa = a->data + (a->c == 1 ? 0 : (size_t)c * plane);
        const float *pb = b->data + (b->c == 1 ? 0 : (size_t)c * plane);
        for (j = 0; j < plane; j++) {
            double d = (double)pa[j] - pb[j];
            acc += d * d;
        }
    }
    *mse = acc / (3.0 * (double)plane);
    *psnr = *mse > 0 ? 10.0 * log10(1.0 / *mse) : HUGE_VAL;
    return RSE_STATUS_OK;
}

/* The pixels where b differs from a in any channel (same size): how many,
   and their bounding box (0x0+0+0 when none). Exact float comparison: an
   untouched pixel of an 8-bit image reads back as the same float. */
RSE__FN rse_status rse__changed(const rse_image *a, const rse_image *b, size_t *count, rse_roi *box) {
    size_t plane;
    int x, y, c, x0, y0, x1 = -1, y1 = -1;
    rse_status st;
    *count = 0;
    memset(box, 0, sizeof *box);
    if ((st = rse__q_same_size(a, b, "--changed")) != RSE_STATUS_OK) return st;
    plane = (size_t)a->w * a->h;
    x0 = a->w;
    y0 = a->h;
    for (y = 0; y < a->h; y++)
        for (x = 0; x < a->w; x++) {
            size_t j = (size_t)y * a->w + x;
            int diff = 0;
            for (c = 0; c < 3 && !diff; c++)
                diff = a->data[(a->c == 1 ? 0 : (size_t)c * plane) + j] != b->data[(b->c == 1 ? 0 : (size_t)c * plane) + j];
            if (!diff) continue;
            (*count)++;
            if (x < x0) x0 = x;
            if (x > x1) x1 = x;
            if (y < y0) y0 = y;
            if (y > y1) y1 = y;
        }
    if (*count) { box->x = x0; box->y = y0; box->w = x1 - x0 + 1; box->h = y1 - y0 + 1; }
    return RSE_STATUS_OK;
}
