/* sinddm.c - SinDDM (Kulikov et al. 2023): a denoiser trained on ONE image
   over a multi-scale pyramid, sampled coarse to fine.

   Included by rsedit.c after tensor.h; knows nothing of CLIP or the CLI.
   Reads top to bottom like the paper: pyramid -> schedule -> network -> loss
   -> training -> sampling. The reference behaviour it reproduces is specified
   in the project's docs (sinddm.md).
*/

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

typedef enum rse_filter {
    RSE_FILTER_BILINEAR = 0,  /* triangle, support 1                        */
    RSE_FILTER_LANCZOS  = 1   /* sinc windowed by sinc(x/3), support 3      */
} rse_filter;

/* The two kernels, written with Pillow's operation order (x * pi first, then
   sin(x)/x) so that the doubles, and hence the rounded fixed-point weights,
   are identical. */
RSE__FN double rse__sinc(double x) {
    if (x == 0.0) return 1.0;
    x = x * RSE__PI;
    return sin(x) / x;
}
RSE__FN double rse__filter_eval(rse_filter f, double x) {
    if (f == RSE_FILTER_LANCZOS) {
        /* half-open window [-3, 3), as in Pillow */
        if (-3.0 <= x && x < 3.0) return rse__sinc(x) * rse__sinc(x / 3);
        return 0.0;
    }
    if (x < 0.0) x = -x;
    return x < 1.0 ? 1.0 - x : 0.0;
}
RSE__FN double rse__filter_support(rse_filter f) {
    return f == RSE_FILTER_LANCZOS ? 3.0 : 1.0;
}

/* Fixed-point weights of a 1-D resize from in_size samples (box [in0,in1))
   to out_size samples. For output xx the taps are input samples
   bounds[2xx] .. bounds[2xx] + bounds[2xx+1] - 1 with weights
   kk[xx*ksize ...], ksize = 2*ceil(support)+1 slots per output (unused
   slots are 0). On success the caller frees *boundsp and *kkp with RSE_FREE. in0 and in1 are floats
   because Pillow takes the box as C floats. */
RSE__FN rse_status rse__resample_coeffs(int in_size, float in0, float in1, int out_size,
                                        rse_filter filt, int *ksizep, int **boundsp,
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
                                    rse_filter filt, const float *box) {
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

typedef struct rse_pyramid {
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
} rse_pyramid;

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
     on numpy's build and CPU (this machine's numpy 1.24 uses AVX-512 SVML
     versions, 1-3 ulp from glibc's). We use libm, as numpy does without
     those SIMD paths. Measured against this machine's numpy: 10 of 21,248
     sizes with common aspect ratios (1:1, 5:4, 4:3, 3:2, 16:9, 2:1 and
     transposes, 40..2000 px) and 72 of 19,557 random sizes get one scale
     1 px off (rounding every exact tie up instead gives 41 and 33). All
     shared test images match. */
RSE__FN rse_status rse__pyramid_plan(rse_pyramid *p, int src_w, int src_h, double scale_step) {
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

RSE__FN void rse__pyramid_free(rse_pyramid *p) {
    RSE_FREE(p->mem);
    memset(p, 0, sizeof *p);
}

/* Builds the whole pyramid of an image (c = 1 or 3, planar float in [0,1]):
   sizes, 8-bit scales, blurry images, rescale losses and start timesteps
   (T = RSE_SINDDM_T). On failure p is left empty (safe to free). */
RSE__FN rse_status rse__pyramid_build(rse_pyramid *p, const rse_image *im) {
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
typedef struct rse_sched_f64 {
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
} rse_sched_f64;

typedef struct rse_sched_f32 {  /* the same, rounded to float32 */
    float *betas, *alphas_cumprod, *alphas_cumprod_prev, *sqrt_ac, *sqrt_1m_ac,
          *log_1m_ac, *sqrt_recip_ac, *sqrt_recipm1_ac, *post_var, *post_logvar,
          *post_c1, *post_c2, *sigma;
} rse_sched_f32;

#define RSE__SCHED_NBUF 13      /* arrays in each of the structs above */
#define RSE_SCHED_MAX_T 100000
#define RSE_SINDDM_GAMMA_SAMPLE_MAX 0.55f

typedef struct rse_sched {
    int T;                      /* timesteps (100 in SinDDM)                */
    int n_scales;
    rse_sched_f64 d;            /* float64, as numpy computes them          */
    rse_sched_f32 f;            /* float32, as the torch buffers hold them  */
    int t_start[RSE_PYR_MAX_SCALES]; /* [0] = T; [s] = first t with sigma_t > L_s */
    float *gamma;               /* (n_scales-1, T): row s-1 is scale s's    */
                                /* blur weight gamma_t, clamped to [0, 1]   */
    void *mem;
} rse_sched;

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

RSE__FN void rse__sched_free(rse_sched *sc) {
    RSE_FREE(sc->mem);
    memset(sc, 0, sizeof *sc);
}

/* Fills every buffer for T steps and, for a pyramid of n_scales scales with
   rescale losses loss[1..n_scales-1] (loss[0] is ignored; pass
   rse_pyramid.loss), the start timesteps and the training gammas
       gamma_{s,t} = float32(clamp(sigma_t / L_s, 0, 1))
   (float64 division and clamp, then stored in a float32 tensor, as the
   reference does). gamma rises from ~0.02-0.06 at t = 0 to 1 at t_start[s].
   loss may be NULL when n_scales == 1. */
RSE__FN rse_status rse__sched_init(rse_sched *sc, int T, const double *loss, int n_scales) {
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
        rse_sched_f64 *d = &sc->d;
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
RSE__FN float rse__sched_gamma(const rse_sched *sc, int s, int t, int sampling) {
    float g;
    RSE_ASSERT(s >= 0 && s < sc->n_scales && t >= 0 && t < sc->T);
    if (s == 0) return 0.0f;
    g = sc->gamma[(size_t)(s - 1) * sc->T + t];
    return sampling && g > RSE_SINDDM_GAMMA_SAMPLE_MAX ? RSE_SINDDM_GAMMA_SAMPLE_MAX : g;
}

/* ===========================================================================
   Network
   ========================================================================= */

/* ===========================================================================
   Training
   ========================================================================= */

/* ===========================================================================
   Sampling
   ========================================================================= */
