/* Section 7 of tensor.h: kernels (kept in tensor_kernels.h during
   development; the lead inlines it in place of the #include).

   Two families, each in two versions:
     - sgemm: C = alpha * op(A) * op(B) + beta * C, row-major;
     - conv2d: forward, backward-data and backward-weight on (N,C,H,W)
       tensors with any kernel size, stride, zero padding and groups.

   Every kernel has a scalar reference, rse__xxx_ref: the plainest loops that
   are obviously right. They are compiled in every build, and the tests
   compare the fast versions against them. The fast versions (7.3 onwards)
   are written once against a small SIMD vocabulary (7.2) in the style of
   ggml's simd-mappings: AVX2+FMA, NEON, or plain scalar C.

   Contract shared by all kernels:
     - outputs first, then inputs, then the shape;
     - forward kernels OVERWRITE their output; backward kernels ACCUMULATE
       (+=) into gradients, so a tensor used twice gets both contributions;
     - results are bit-identical for any thread count: work is split by
       output tiles, and the reduction order of every output element is fixed
       by the blocking, never by which thread computes it.
*/

/* ---------------------------------------------------------------------------
   7.1 Scalar references
   ------------------------------------------------------------------------- */

/* C = alpha * op(A) * op(B) + beta * C, row-major. op(A) is M x K: A stored
   M x K (lda >= K) or, with transA, K x M (lda >= M). op(B) is K x N: B
   stored K x N (ldb >= N) or, with transB, N x K (ldb >= K). With beta == 0
   C is only written, never read, so garbage (even NaN) in C is harmless:
   0 * NaN would be NaN, which is why beta == 0 is a separate case. */
RSE__FN void rse__sgemm_ref(int transA, int transB, int M, int N, int K, float alpha,
    const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc) {
    int i, j, p;
    for (i = 0; i < M; i++) {
        for (j = 0; j < N; j++) {
            float acc = 0.0f, *c = &C[(size_t)i * (size_t)ldc + (size_t)j];
            for (p = 0; p < K; p++) {
                float a = transA ? A[(size_t)p * (size_t)lda + (size_t)i] : A[(size_t)i * (size_t)lda + (size_t)p];
                float b = transB ? B[(size_t)j * (size_t)ldb + (size_t)p] : B[(size_t)p * (size_t)ldb + (size_t)j];
                acc += a * b;
            }
            *c = beta == 0.0f ? alpha * acc : alpha * acc + beta * *c;
        }
    }
}

typedef struct rse_conv2d_shape {
    int N, C, H, W;     /* input (N,C,H,W) */
    int K, KH, KW;      /* K output channels; weight (K, C/groups, KH, KW) */
    int stride, pad, groups;  /* same stride and zero padding on both axes */
    int Ho, Wo;         /* output (N,K,Ho,Wo): Ho = (H + 2*pad - KH)/stride + 1 */
} rse_conv2d_shape;

/* Validates a conv shape: the kernels index with size_t and trust it. The
   shapes come from the model code, not from files, so a bad one is a bug
   upstream; it is still reported as BAD_ARG rather than read out of bounds. */
RSE__FN rse_status rse__conv2d_check(const rse_conv2d_shape *s) {
    long long hp, wp;
    size_t n;
    if (s->N < 1 || s->C < 1 || s->H < 1 || s->W < 1 || s->K < 1 || s->KH < 1 || s->KW < 1 ||
        s->stride < 1 || s->pad < 0 || s->groups < 1)
        return rse__fail(RSE_STATUS_BAD_ARG, "conv2d: non-positive size in N=%d C=%d H=%d W=%d K=%d "
                         "kernel %dx%d stride %d pad %d groups %d", s->N, s->C, s->H, s->W, s->K,
                         s->KH, s->KW, s->stride, s->pad, s->groups);
    if (s->C % s->groups || s->K % s->groups)
        return rse__fail(RSE_STATUS_BAD_ARG, "conv2d: groups %d must divide C=%d and K=%d",
                         s->groups, s->C, s->K);
    hp = (long long)s->H + 2LL * s->pad;
    wp = (long long)s->W + 2LL * s->pad;
    if (hp > INT_MAX / 2 || wp > INT_MAX / 2 || hp < s->KH || wp < s->KW)
        return rse__fail(RSE_STATUS_BAD_ARG, "conv2d: kernel %dx%d does not fit the padded %lldx%lld input",
                         s->KH, s->KW, hp, wp);
    if (s->Ho != (int)((hp - s->KH) / s->stride + 1) || s->Wo != (int)((wp - s->KW) / s->stride + 1))
        return rse__fail(RSE_STATUS_BAD_ARG, "conv2d: output %dx%d, expected %dx%d", s->Ho, s->Wo,
                         (int)((hp - s->KH) / s->stride + 1), (int)((wp - s->KW) / s->stride + 1));
    if (!rse__mul4_ok((size_t)s->N, (size_t)s->C, (size_t)s->H, (size_t)s->W, &n) ||
        !rse__mul4_ok((size_t)s->N, (size_t)s->K, (size_t)s->Ho, (size_t)s->Wo, &n) ||
        !rse__mul4_ok((size_t)s->K, (size_t)(s->C / s->groups), (size_t)s->KH, (size_t)s->KW, &n) ||
        !rse__mul4_ok(n, (size_t)s->Ho, (size_t)s->Wo, 4, &n))
        return rse__fail(RSE_STATUS_LIMIT, "conv2d: sizes overflow");
    /* the GEMM engine counts pixels and reduction lengths in int */
    if ((size_t)s->H * s->W > INT_MAX || (size_t)s->Ho * s->Wo > INT_MAX ||
        (size_t)(s->C / s->groups) * s->KH * s->KW > INT_MAX / 64 || (size_t)(s->K / s->groups) * s->KH * s->KW > INT_MAX / 64)
        return rse__fail(RSE_STATUS_LIMIT, "conv2d: image %dx%d or kernel %dx%d too large", s->H, s->W, s->KH, s->KW);
    return RSE_STATUS_OK;
}

/* out = conv(x, w) + b (b may be NULL); out is overwritten.
   x (N,C,H,W), w (K,C/groups,KH,KW), b (K), out (N,K,Ho,Wo). Output channel
   k of group g = k / (K/groups) sees input channels g*(C/groups) onwards. */
RSE__FN rse_status rse__conv2d_forward_ref(float *out, const float *x, const float *w, const float *b,
                                           const rse_conv2d_shape *s) {
    int n, k, oy, ox, c, ky, kx;
    int Cg = s->C / s->groups, Kg = s->K / s->groups;
    rse_status st = rse__conv2d_check(s);
    if (st) return st;
    for (n = 0; n < s->N; n++)
    for (k = 0; k < s->K; k++) {
        const float *xg = x + ((size_t)n * s->C + (size_t)(k / Kg) * Cg) * s->H * s->W;
        const float *wk = w + (size_t)k * Cg * s->KH * s->KW;
        float *o = out + ((size_t)n * s->K + k) * s->Ho * s->Wo;
        for (oy = 0; oy < s->Ho; oy++)
        for (ox = 0; ox < s->Wo; ox++) {
            float acc = b ? b[k] : 0.0f;
            for (c = 0; c < Cg; c++)
            for (ky = 0; ky < s->KH; ky++)
            for (kx = 0; kx < s->KW; kx++) {
                int iy = oy * s->stride - s->pad + ky, ix = ox * s->stride - s->pad + kx;
                if (iy < 0 || iy >= s->H || ix < 0 || ix >= s->W) continue; /* zero padding */
                acc += xg[((size_t)c * s->H + iy) * s->W + ix] * wk[((size_t)c * s->KH + ky) * s->KW + kx];
            }
            o[(size_t)oy * s->Wo + ox] = acc;
        }
    }
    return RSE_STATUS_OK;
}

/* dx += transposed conv of dout with w. Written as the forward loop nest with
   the roles swapped: every (output, tap) pair scatters dout * w back to the
   input pixel it read. dx (N,C,H,W), dout (N,K,Ho,Wo). */
RSE__FN rse_status rse__conv2d_backward_data_ref(float *dx, const float *dout, const float *w,
                                                 const rse_conv2d_shape *s) {
    int n, k, oy, ox, c, ky, kx;
    int Cg = s->C / s->groups, Kg = s->K / s->groups;
    rse_status st = rse__conv2d_check(s);
    if (st) return st;
    for (n = 0; n < s->N; n++)
    for (k = 0; k < s->K; k++) {
        float *dxg = dx + ((size_t)n * s->C + (size_t)(k / Kg) * Cg) * s->H * s->W;
        const float *wk = w + (size_t)k * Cg * s->KH * s->KW;
        const float *d = dout + ((size_t)n * s->K + k) * s->Ho * s->Wo;
        for (oy = 0; oy < s->Ho; oy++)
        for (ox = 0; ox < s->Wo; ox++) {
            float g = d[(size_t)oy * s->Wo + ox];
            for (c = 0; c < Cg; c++)
            for (ky = 0; ky < s->KH; ky++)
            for (kx = 0; kx < s->KW; kx++) {
                int iy = oy * s->stride - s->pad + ky, ix = ox * s->stride - s->pad + kx;
                if (iy < 0 || iy >= s->H || ix < 0 || ix >= s->W) continue;
                dxg[((size_t)c * s->H + iy) * s->W + ix] += g * wk[((size_t)c * s->KH + ky) * s->KW + kx];
            }
        }
    }
    return RSE_STATUS_OK;
}

/* dw += correlation of x with dout summed over the batch; db += sum of dout
   over N,Ho,Wo (db may be NULL). Each weight's sum is formed in a local and
   added once, as the fast version does. */
RSE__FN rse_status rse__conv2d_backward_weight_ref(float *dw, float *db, const float *dout, const float *x,
                                                   const rse_conv2d_shape *s) {
    int n, k, oy, ox, c, ky, kx;
    int Cg = s->C / s->groups, Kg = s->K / s->groups;
    size_t P = (size_t)s->Ho * s->Wo;
    rse_status st = rse__conv2d_check(s);
    if (st) return st;
    for (k = 0; k < s->K; k++) {
        for (c = 0; c < Cg; c++)
        for (ky = 0; ky < s->KH; ky++)
        for (kx = 0; kx < s->KW; kx++) {
            float acc = 0.0f;
            for (n = 0; n < s->N; n++) {
                const float *xc = x + ((size_t)n * s->C + (size_t)(k / Kg) * Cg + c) * s->H * s->W;
                const float *d = dout + ((size_t)n * s->K + k) * P;
                for (oy = 0; oy < s->Ho; oy++)
                for (ox = 0; ox < s->Wo; ox++) {
                    int iy = oy * s->stride - s->pad + ky, ix = ox * s->stride - s->pad + kx;
                    if (iy < 0 || iy >= s->H || ix < 0 || ix >= s->W) continue;
                    acc += d[(size_t)oy * s->Wo + ox] * xc[(size_t)iy * s->W + ix];
                }
            }
            dw[(((size_t)k * Cg + c) * s->KH + ky) * s->KW + kx] += acc;
        }
        if (db) {
            float acc = 0.0f;
            size_t p;
            for (n = 0; n < s->N; n++) {
                const float *d = dout + ((size_t)n * s->K + k) * P;
                for (p = 0; p < P; p++) acc += d[p];
            }
            db[k] += acc;
        }
    }
    return RSE_STATUS_OK;
}

/* ---------------------------------------------------------------------------
   7.2 SIMD vocabulary
   One block maps a handful of macros to each instruction set, and the kernels
   below use only these macros, so each kernel is written once. A "vector" is
   RSE_VEC_WIDTH floats: 8 with AVX2+FMA, 4 with NEON, 1 in plain C (where
   the macros become ordinary float arithmetic). Selection is at compile time
   only; -DRSE_NO_SIMD forces the plain-C path, which the CI also tests.
   RSE_VEC_FMA(acc, a, b) is acc + a*b (fused where the hardware has it).
   rse__vec_transpose(s, ls, d, ld) transposes one WIDTH x WIDTH block (the
   only shuffle the kernels need, for packing a transposed matrix).
   ------------------------------------------------------------------------- */

#if !defined(RSE_NO_SIMD) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define RSE_SIMD_NAME "avx2+fma"
#define RSE_VEC_WIDTH 8
#define RSE_F32_VEC __m256
#define RSE_VEC_ZERO() _mm256_setzero_ps()
#define RSE_VEC_SET1(x) _mm256_set1_ps(x)
#define RSE_VEC_LOAD(p) _mm256_loadu_ps(p)
#define RSE_VEC_STORE(p, v) _mm256_storeu_ps((p), (v))
#define RSE_VEC_FMA(acc, a, b) _mm256_fmadd_ps((a), (b), (acc))
#define RSE_VEC_ADD(a, b) _mm256_add_ps((a), (b))
#define RSE_VEC_MUL(a, b) _mm256_mul_ps((a), (b))
static float rse__vec_reduce(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}
#define RSE_VEC_REDUCE(v) rse__vec_reduce(v)
/* Transposes a WIDTH x WIDTH block: d[i*ld + j] = s[j*ls + i]. */
static void rse__vec_transpose(const float *s, ptrdiff_t ls, float *d, ptrdiff_t ld) {
    __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + ls), r2 = _mm256_loadu_ps(s + 2 * ls);
    __m256 r3 = _mm256_loadu_ps(s + 3 * ls), r4 = _mm256_loadu_ps(s + 4 * ls), r5 = _mm256_loadu_ps(s + 5 * ls);
    __m256 r6 = _mm256_loadu_ps(s + 6 * ls), r7 = _mm256_loadu_ps(s + 7 * ls);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(d, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(d + ld, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(d + 2 * ld, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(d + 3 * ld, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(d + 4 * ld, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(d + 5 * ld, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(d + 6 * ld, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(d + 7 * ld, _mm256_permute2f128_ps(u3, u7, 0x31));
}

#elif !defined(RSE_NO_SIMD) && defined(__ARM_NEON)
#include <arm_neon.h>
#define RSE_SIMD_NAME "neon"
#define RSE_VEC_WIDTH 4
#define RSE_F32_VEC float32x4_t
#define RSE_VEC_ZERO() vdupq_n_f32(0.0f)
#define RSE_VEC_SET1(x) vdupq_n_f32(x)
#define RSE_VEC_LOAD(p) vld1q_f32(p)
#define RSE_VEC_STORE(p, v) vst1q_f32((p), (v))
#if defined(__aarch64__) || defined(__ARM_FEATURE_FMA)
#define RSE_VEC_FMA(acc, a, b) vfmaq_f32((acc), (a), (b))
#else
#define RSE_VEC_FMA(acc, a, b) vmlaq_f32((acc), (a), (b)) /* ARMv7 without VFPv4 */
#endif
#define RSE_VEC_ADD(a, b) vaddq_f32((a), (b))
#define RSE_VEC_MUL(a, b) vmulq_f32((a), (b))
static float rse__vec_reduce(float32x4_t v) {
    float32x2_t s = vadd_f32(vget_low_f32(v), vget_high_f32(v));
    return vget_lane_f32(vpadd_f32(s, s), 0);
}
#define RSE_VEC_REDUCE(v) rse__vec_reduce(v)
static void rse__vec_transpose(const float *s, ptrdiff_t ls, float *d, ptrdiff_t ld) {
    float32x4x2_t a = vtrnq_f32(vld1q_f32(s), vld1q_f32(s + ls));
    float32x4x2_t b = vtrnq_f32(vld1q_f32(s + 2 * ls), vld1q_f32(s + 3 * ls));
    vst1q_f32(d, vcombine_f32(vget_low_f32(a.val[0]), vget_low_f32(b.val[0])));
    vst1q_f32(d + ld, vcombine_f32(vget_low_f32(a.val[1]), vget_low_f32(b.val[1])));
    vst1q_f32(d + 2 * ld, vcombine_f32(vget_high_f32(a.val[0]), vget_high_f32(b.val[0])));
    vst1q_f32(d + 3 * ld, vcombine_f32(vget_high_f32(a.val[1]), vget_high_f32(b.val[1])));
}

#else
#define RSE_SIMD_NAME "scalar"
#define RSE_VEC_WIDTH 1
#define RSE_F32_VEC float
#define RSE_VEC_ZERO() 0.0f
#define RSE_VEC_SET1(x) (x)
#define RSE_VEC_LOAD(p) (*(p))
#define RSE_VEC_STORE(p, v) (*(p) = (v))
#define RSE_VEC_FMA(acc, a, b) ((acc) + (a) * (b))
#define RSE_VEC_ADD(a, b) ((a) + (b))
#define RSE_VEC_MUL(a, b) ((a) * (b))
#define RSE_VEC_REDUCE(v) (v)
static void rse__vec_transpose(const float *s, ptrdiff_t ls, float *d, ptrdiff_t ld) {
    (void)ls; (void)ld;
    d[0] = s[0];
}
#endif

/* ---------------------------------------------------------------------------
   7.3 The GEMM engine
   Every fast kernel here is one or more matrix products C (M x N) += A * B
   with a reduction of length K, computed the BLIS way:
     - C is cut into tiles of MB rows x NR columns; threads take whole tiles,
       so no two threads ever write the same output;
     - the reduction is cut into blocks of at most KC; for each block, the
       KC x NR slice of B is copied ("packed") into a small contiguous buffer
       that stays in L1, and is then used by every MR-row strip of the tile;
     - the micro-kernel keeps an MR x NR block of C in registers (6 x 16 on
       AVX2: 12 accumulators) and does MR*NR/WIDTH FMAs per step of k while
       loading only 2 vectors of B and broadcasting MR values of A.
   A and B are not plain matrices for the convolutions, so the engine reads
   them through three callbacks: kblock (length of reduction block kb), arows
   (pointers to the MR rows of A for a block, and the step between consecutive
   k) and packb (fill the KC x NR buffer). For a convolution, packb gathers
   the image patches on the fly ("implicit im2col"), so the big im2col matrix
   is never built.
   Determinism: each output's reduction runs over the blocks kb = 0, 1, ... in
   order, and within a block over k in order, whatever the tile or thread; the
   tile size may depend on the thread count, the arithmetic never does.
   ------------------------------------------------------------------------- */

/* The register block. AVX2 has 16 vector registers: 12 accumulators (6 rows
   x 2 vectors), 2 for the row of B and 1 for the broadcast value of A; the
   FMA units (2 per core, 4-cycle latency) need at least 8 independent
   accumulators to stay busy. NEON (32 registers) and plain C use the same
   shape. KC = 256 keeps the packed B block at 16 KB, a third of L1d. */
#define RSE__MR 6
#define RSE__NR (2 * RSE_VEC_WIDTH)
#define RSE__KC 256

/* One GEMM to run: the sizes, the three operand callbacks, the epilogue,
   and the operands themselves (which fields are used depends on the
   callbacks). Built on the stack by each kernel, read-only while it runs. */
typedef struct rse__gemm rse__gemm;
struct rse__gemm {
    int M, N, K;          /* C is M x N; K is the full reduction length */
    int nkb;              /* reduction blocks, always done in order */
    int (*kblock)(const rse__gemm *g, int kb);   /* length of block kb, <= RSE__KC */
    void (*arows)(const rse__gemm *g, int kb, int i0, int mr, const float **rows, ptrdiff_t *ak);
    void (*packb)(const rse__gemm *g, int kb, int kc, int j0, int nc, float *dst);
    float *C;
    ptrdiff_t ldc;
    /* Epilogue: the first block stores alpha*acc + beta*C + bias[row] (C is
       not read when beta == 0); later blocks add alpha*acc to C. */
    float alpha, beta;
    const float *bias;    /* per row of C, or NULL */
    /* Operands, read only by the callbacks. */
    const float *A; ptrdiff_t a_rs, a_ks;  /* plain A(i,p) = A[i*a_rs + p*a_ks] */
    const float *B; ptrdiff_t b_ks, b_ns;  /* plain B(p,j) = B[p*b_ks + j*b_ns] */
    const float *x;       /* conv: the image (C,H,W) the patches are read from */
    int xc, xh, xw, kh, kw, stride, ph, pw, ho, wo; /* its geometry */
    int nchunk;           /* backward-weight: reduction blocks per output row */
};

/* The micro-kernel: C[0..mr)[0..nr) (row stride ldc) gets the product of the
   MR rows of A (rows[i][k*ak]) with the packed kc x NR block bp. Rows past mr
   must still be readable (the caller repeats the last row) and columns past
   nr of bp are zero; neither is stored. The k loop is the hot loop of the
   whole program: 2 loads, 6 broadcasts, 12 FMAs. */
RSE__FN void rse__ukr(int kc, const float *const *rows, ptrdiff_t ak, const float *bp,
                      float *c, ptrdiff_t ldc, int mr, int nr,
                      float alpha, float beta, const float *bias) {
    const float *a0 = rows[0], *a1 = rows[1], *a2 = rows[2], *a3 = rows[3], *a4 = rows[4], *a5 = rows[5];
    RSE_F32_VEC c00 = RSE_VEC_ZERO(), c01 = RSE_VEC_ZERO(), c10 = RSE_VEC_ZERO(), c11 = RSE_VEC_ZERO();
    RSE_F32_VEC c20 = RSE_VEC_ZERO(), c21 = RSE_VEC_ZERO(), c30 = RSE_VEC_ZERO(), c31 = RSE_VEC_ZERO();
    RSE_F32_VEC c40 = RSE_VEC_ZERO(), c41 = RSE_VEC_ZERO(), c50 = RSE_VEC_ZERO(), c51 = RSE_VEC_ZERO();
    RSE_F32_VEC acc[2 * RSE__MR];
    ptrdiff_t off = 0;
    int p, i, j;
    for (p = 0; p < kc; p++, off += ak, bp += RSE__NR) {
        RSE_F32_VEC b0 = RSE_VEC_LOAD(bp), b1 = RSE_VEC_LOAD(bp + RSE_VEC_WIDTH), t;
        t = RSE_VEC_SET1(a0[off]); c00 = RSE_VEC_FMA(c00, t, b0); c01 = RSE_VEC_FMA(c01, t, b1);
        t = RSE_VEC_SET1(a1[off]); c10 = RSE_VEC_FMA(c10, t, b0); c11 = RSE_VEC_FMA(c11, t, b1);
        t = RSE_VEC_SET1(a2[off]); c20 = RSE_VEC_FMA(c20, t, b0); c21 = RSE_VEC_FMA(c21, t, b1);
        t = RSE_VEC_SET1(a3[off]); c30 = RSE_VEC_FMA(c30, t, b0); c31 = RSE_VEC_FMA(c31, t, b1);
        t = RSE_VEC_SET1(a4[off]); c40 = RSE_VEC_FMA(c40, t, b0); c41 = RSE_VEC_FMA(c41, t, b1);
        t = RSE_VEC_SET1(a5[off]); c50 = RSE_VEC_FMA(c50, t, b0); c51 = RSE_VEC_FMA(c51, t, b1);
    }
    acc[0] = c00; acc[1] = c01; acc[2] = c10; acc[3] = c11; acc[4] = c20; acc[5] = c21;
    acc[6] = c30; acc[7] = c31; acc[8] = c40; acc[9] = c41; acc[10] = c50; acc[11] = c51;
    if (nr == RSE__NR) {
        /* Full-width tile: the epilogue in vectors. */
        RSE_F32_VEC va = RSE_VEC_SET1(alpha), vb = RSE_VEC_SET1(beta);
        for (i = 0; i < mr; i++) {
            float *ci = c + (ptrdiff_t)i * ldc;
            for (j = 0; j < 2; j++) {
                RSE_F32_VEC v = RSE_VEC_MUL(va, acc[2 * i + j]);
                if (beta != 0.0f) v = RSE_VEC_FMA(v, vb, RSE_VEC_LOAD(ci + j * RSE_VEC_WIDTH));
                if (bias) v = RSE_VEC_ADD(v, RSE_VEC_SET1(bias[i]));
                RSE_VEC_STORE(ci + j * RSE_VEC_WIDTH, v);
            }
        }
    } else {
        /* Ragged right edge (the last NR columns of C): spill the tile and
           finish element by element. The rounding of beta*C may differ from
           the vector path (no fused multiply-add here), but which path an
           element takes depends only on its column, never on the threads. */
        float tile[2 * RSE__MR * RSE_VEC_WIDTH];
        for (i = 0; i < 2 * RSE__MR; i++) RSE_VEC_STORE(tile + i * RSE_VEC_WIDTH, acc[i]);
        for (i = 0; i < mr; i++) {
            float *ci = c + (ptrdiff_t)i * ldc;
            for (j = 0; j < nr; j++) {
                float v = alpha * tile[i * RSE__NR + j];
                if (beta != 0.0f) v = v + beta * ci[j];
                if (bias) v = v + bias[i];
                ci[j] = v;
            }
        }
    }
}

typedef struct {
    const rse__gemm *g;
    int MB, nrb, njp, ntiles;
} rse__gemm_run;

/* One task: a contiguous range of tiles, numbered column-panel-major (all
   row blocks of panel 0, then of panel 1, ...). For each tile the reduction
   blocks run in order: pack the KC x NR slice of B once, then sweep the MR-row
   strips of the tile's rows across it, so B is read from L1 MB/MR times per
   packing while each strip of A streams from L2. The C tile (MB x NR) stays
   in L1/L2 between blocks, so C goes to memory about once. */
static void rse__gemm_task(void *ctx, int task, int ntasks) {
    const rse__gemm_run *r = (const rse__gemm_run *)ctx;
    const rse__gemm *g = r->g;
    float raw[RSE__KC * RSE__NR + 16]; /* 16 KB on AVX2: the L1-resident B panel */
    float *bp = (float *)(((uintptr_t)raw + 63) & ~(uintptr_t)63);
    const float *rows[RSE__MR];
    size_t lo, hi, t;
    rse__split_range((size_t)r->ntiles, task, ntasks, &lo, &hi);
    for (t = lo; t < hi; t++) {
        int jp = (int)(t / (size_t)r->nrb), rb = (int)(t % (size_t)r->nrb);
        int j0 = jp * RSE__NR, nc = g->N - j0 < RSE__NR ? g->N - j0 : RSE__NR;
        int ib = rb * r->MB, ie = ib + r->MB < g->M ? ib + r->MB : g->M;
        int kb;
        for (kb = 0; kb < g->nkb; kb++) {
            int kc = g->kblock(g, kb), i0;
            g->packb(g, kb, kc, j0, nc, bp);
            for (i0 = ib; i0 < ie; i0 += RSE__MR) {
                int mr = ie - i0 < RSE__MR ? ie - i0 : RSE__MR, i;
                ptrdiff_t ak;
                g->arows(g, kb, i0, mr, rows, &ak);
                for (i = mr; i < RSE__MR; i++) rows[i] = rows[mr - 1];
                rse__ukr(kc, rows, ak, bp, g->C + (ptrdiff_t)i0 * g->ldc + j0, g->ldc, mr, nc,
                         g->alpha, kb == 0 ? g->beta : 1.0f,
                         kb == 0 && g->bias ? g->bias + i0 : 0);
            }
        }
    }
}

static void rse__arows_plain(const rse__gemm *g, int kb, int i0, int mr, const float **rows, ptrdiff_t *ak);

/* Runs a GEMM on the thread pool. Tiles are NR columns wide and MB rows
   tall; MB is all of M when there are enough column panels to keep the
   threads busy, else M is cut too (down to 48 rows, below which packing B
   would cost more than it saves). MB is capped so an A block stays in L2. */
RSE__FN void rse__gemm_run_all(const rse__gemm *g) {
    rse__gemm_run r;
    int want = rse__nthreads > 1 ? 4 * rse__nthreads : 1, nrb;
    /* An A block of up to 768 rows (768 KB) stays in L2. A plain matrix
       read in place has its rows lda apart; with a power-of-two lda they
       all fall into the same few cache sets, so its block is kept small
       (192 rows; on this machine that gains about 3% on 1024^3). */
    int mbmax = g->arows == rse__arows_plain ? 192 : 768;
    if (g->M <= 0 || g->N <= 0 || g->nkb <= 0) return;
    r.g = g;
    r.njp = (g->N + RSE__NR - 1) / RSE__NR;
    nrb = (want + r.njp - 1) / r.njp;
    if (nrb < (g->M + mbmax - 1) / mbmax) nrb = (g->M + mbmax - 1) / mbmax;
    r.MB = (g->M + nrb - 1) / nrb;
    if (r.MB < 48) r.MB = 48;
    r.MB = (r.MB + RSE__MR - 1) / RSE__MR * RSE__MR;
    r.nrb = (g->M + r.MB - 1) / r.MB;
    r.ntiles = r.njp * r.nrb;
    /* Below about a million multiply-adds, waking the pool costs more than
       it saves (attention heads are 50x50x64): run on this thread. */
    if ((double)g->M * g->N * g->K < 1e6) rse__gemm_task(&r, 0, 1);
    else rse__parallel(rse__task_count((size_t)r.ntiles), rse__gemm_task, &r);
}

/* Callbacks for plain matrices: blocks of RSE__KC along the reduction. */
static int rse__kblock_plain(const rse__gemm *g, int kb) {
    int rest = g->K - kb * RSE__KC;
    return rest < RSE__KC ? rest : RSE__KC;
}
static void rse__arows_plain(const rse__gemm *g, int kb, int i0, int mr, const float **rows, ptrdiff_t *ak) {
    int i;
    for (i = 0; i < mr; i++) rows[i] = g->A + (ptrdiff_t)(i0 + i) * g->a_rs + (ptrdiff_t)kb * RSE__KC * g->a_ks;
    *ak = g->a_ks;
}
/* A pre-packed by rse__pack_a: MR-row strips, k-major, so the MR values of
   one k are adjacent and a strip streams through one cache line at a time. */
static void rse__arows_packed(const rse__gemm *g, int kb, int i0, int mr, const float **rows, ptrdiff_t *ak) {
    const float *strip = g->A + (ptrdiff_t)(i0 / RSE__MR) * g->K * RSE__MR + (ptrdiff_t)kb * RSE__KC * RSE__MR;
    int i;
    for (i = 0; i < mr; i++) rows[i] = strip + i;
    *ak = RSE__MR;
}
static void rse__packb_plain(const rse__gemm *g, int kb, int kc, int j0, int nc, float *dst) {
    int p, j;
    const float *B = g->B + (ptrdiff_t)kb * RSE__KC * g->b_ks + (ptrdiff_t)j0 * g->b_ns;
    if (g->b_ns == 1) { /* rows of B are contiguous: copy row by row */
        for (p = 0; p < kc; p++) {
            const float *src = B + (ptrdiff_t)p * g->b_ks;
            float *d = dst + p * RSE__NR;
            for (j = 0; j < nc; j++) d[j] = src[j];
            for (; j < RSE__NR; j++) d[j] = 0.0f;
        }
    } else { /* transposed B: vector block transposes, then the ragged rest */
        int jv = 0, pv = 0;
        if (g->b_ks == 1) {
            jv = nc - nc % RSE_VEC_WIDTH; pv = kc - kc % RSE_VEC_WIDTH;
            for (j = 0; j < jv; j += RSE_VEC_WIDTH)
                for (p = 0; p < pv; p += RSE_VEC_WIDTH)
                    rse__vec_transpose(B + (ptrdiff_t)j * g->b_ns + p, g->b_ns, dst + p * RSE__NR + j, RSE__NR);
        }
        for (j = 0; j < nc; j++) {
            const float *src = B + (ptrdiff_t)j * g->b_ns;
            for (p = j < jv ? pv : 0; p < kc; p++) dst[p * RSE__NR + j] = src[(ptrdiff_t)p * g->b_ks];
        }
        for (p = 0; p < kc; p++)
            for (j = nc; j < RSE__NR; j++) dst[p * RSE__NR + j] = 0.0f;
    }
}

/* C = alpha * op(A) * op(B) + beta * C; see rse__sgemm_ref for the contract.
   Needs no scratch: B is packed into a 16 KB stack buffer per task, and A is
   read in place (row-major A streams along k; a transposed A reads MR
   adjacent floats per k). */
RSE__FN void rse__sgemm(int transA, int transB, int M, int N, int K, float alpha,
    const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc) {
    rse__gemm g;
    if (M <= 0 || N <= 0) return;
    if (K <= 0) { /* no products: C = beta * C, with beta == 0 meaning "write zeros" */
        int i, j;
        for (i = 0; i < M; i++)
            for (j = 0; j < N; j++) {
                float *c = &C[(size_t)i * (size_t)ldc + (size_t)j];
                *c = beta == 0.0f ? 0.0f : beta * *c;
            }
        return;
    }
    memset(&g, 0, sizeof g);
    g.M = M; g.N = N; g.K = K;
    g.nkb = (K + RSE__KC - 1) / RSE__KC;
    g.kblock = rse__kblock_plain;
    g.arows = rse__arows_plain;
    g.packb = rse__packb_plain;
    g.C = C; g.ldc = ldc; g.alpha = alpha; g.beta = beta;
    g.A = A; g.a_rs = transA ? 1 : lda; g.a_ks = transA ? lda : 1;
    g.B = B; g.b_ks = transB ? 1 : ldb; g.b_ns = transB ? ldb : 1;
    rse__gemm_run_all(&g);
}

/* Packs an M x K matrix, element (i,p) = src[i*rs + p*ks], into MR-row
   strips for rse__arows_packed; rows past M are zero. dst holds
   ceil(M/MR)*MR*K floats. */
RSE__FN void rse__pack_a(float *dst, int M, int K, const float *src, ptrdiff_t rs, ptrdiff_t ks) {
    int s, p, i, nstrip = (M + RSE__MR - 1) / RSE__MR;
    for (s = 0; s < nstrip; s++)
        for (p = 0; p < K; p++)
            for (i = 0; i < RSE__MR; i++) {
                int row = s * RSE__MR + i;
                dst[((ptrdiff_t)s * K + p) * RSE__MR + i] = row < M ? src[(ptrdiff_t)row * rs + (ptrdiff_t)p * ks] : 0.0f;
            }
}

/* ---------------------------------------------------------------------------
   7.4 conv2d as implicit GEMM
   For one image and one group, forward is out (Kg x Ho*Wo) = Wg (Kg x R) *
   col (R x Ho*Wo) with R = Cg*KH*KW: row r = (c,ky,kx) of col holds, for
   each output pixel, the input value under that tap. packb_conv builds
   KC x NR slices of col straight from the image, so col never exists.
   ------------------------------------------------------------------------- */

/* B(r, j) of the implicit im2col of g->x (xc,xh,xw), zero outside the image.
   The NR pixels j0.. split into runs that lie on one output row; for stride
   1 a run reads consecutive input pixels, so it is a clipped copy. Rows r
   advance (c, ky, kx) like an odometer. This runs once per KC x NR block and
   is amortised over all Kg output channels, so it needs to be cheap, not
   clever: on 3x3 convs with 160 outputs it costs a few percent. */
static void rse__packb_conv(const rse__gemm *g, int kb, int kc, int j0, int nc, float *dst) {
    int rj[RSE__NR], rl[RSE__NR], roy[RSE__NR], rox[RSE__NR], nrun = 0, j, p, u, t, fast;
    int taps = g->kh * g->kw, r0 = kb * RSE__KC;
    int c = r0 / taps, ky = (r0 % taps) / g->kw, kx = r0 % g->kw;
    for (j = j0; j < j0 + nc;) {
        int oy = j / g->wo, ox = j % g->wo, len = g->wo - ox;
        if (len > j0 + nc - j) len = j0 + nc - j;
        rj[nrun] = j - j0; rl[nrun] = len; roy[nrun] = oy; rox[nrun] = ox; nrun++;
        j += len;
    }
    fast = nrun == 1 && nc == RSE__NR && g->stride == 1;
    for (p = 0; p < kc; p++) {
        float *d = dst + p * RSE__NR;
        const float *xch = g->x + (ptrdiff_t)c * g->xh * g->xw;
        if (fast) {
            /* The common case (stride 1, all NR pixels on one output row):
               if the NR input pixels are inside the image, a straight copy. */
            int iy = roy[0] - g->ph + ky, ix0 = rox[0] - g->pw + kx;
            if (iy >= 0 && iy < g->xh && ix0 >= 0 && ix0 + RSE__NR <= g->xw) {
                const float *src = xch + (ptrdiff_t)iy * g->xw + ix0;
                for (t = 0; t < RSE__NR; t += RSE_VEC_WIDTH) RSE_VEC_STORE(d + t, RSE_VEC_LOAD(src + t));
                if (++kx == g->kw) { kx = 0; if (++ky == g->kh) { ky = 0; c++; } }
                continue;
            }
        }
        /* Zero the whole row with vector stores, then copy the in-image part
           of each run over it (vector copies, so the compiler does not turn
           these short loops into memset/memcpy calls). */
        for (t = 0; t < RSE__NR; t += RSE_VEC_WIDTH) RSE_VEC_STORE(d + t, RSE_VEC_ZERO());
        for (u = 0; u < nrun; u++) {
            float *du = d + rj[u];
            int len = rl[u], iy = roy[u] * g->stride - g->ph + ky;
            int ix0 = rox[u] * g->stride - g->pw + kx;
            const float *row;
            if (iy < 0 || iy >= g->xh) continue; /* a padding row: stays zero */
            row = xch + (ptrdiff_t)iy * g->xw;
            if (g->stride == 1) {
                /* columns [tlo, thi) of the run fall inside the image */
                int tlo = ix0 < 0 ? -ix0 : 0, thi = g->xw - ix0;
                if (thi > len) thi = len;
                for (t = tlo; t + RSE_VEC_WIDTH <= thi; t += RSE_VEC_WIDTH)
                    RSE_VEC_STORE(du + t, RSE_VEC_LOAD(row + ix0 + t));
                for (; t < thi; t++) du[t] = row[ix0 + t];
            } else {
                for (t = 0; t < len; t++) {
                    int ix = ix0 + t * g->stride;
                    if (ix >= 0 && ix < g->xw) du[t] = row[ix];
                }
            }
        }
        if (++kx == g->kw) { kx = 0; if (++ky == g->kh) { ky = 0; c++; } }
    }
}

/* Allocates n floats from the scratch arena (NOMEM via rse__fail). */
static float *rse__scratch_floats(rse_arena *a, size_t n, const char *what) {
    size_t bytes;
    float *p;
    if (!rse__mul_ok(n, sizeof(float), &bytes)) {
        rse__fail(RSE_STATUS_LIMIT, "%s: scratch size overflows", what);
        return 0;
    }
    p = (float *)rse__arena_alloc(a, bytes);
    if (!p) rse__fail(RSE_STATUS_NOMEM, "%s: out of memory for %zu bytes of scratch", what, bytes);
    return p;
}

/* Floats taken by a matrix of M rows packed into MR-row strips. */
static size_t rse__packed_size(int M, int K) {
    return (size_t)((M + RSE__MR - 1) / RSE__MR) * RSE__MR * (size_t)K;
}

/* ---------------------------------------------------------------------------
   7.5 Depthwise convolution (groups == C == K, stride 1)
   SinDDM's 5x5 depthwise conv has 25 MACs per output, too few for a GEMM:
   each plane is zero-padded into a task buffer and then swept with vectors
   along x, one FMA per tap.
   ------------------------------------------------------------------------- */

/* Copies plane src (h,w) into dst (h+2ph, w+2pw) with a zero border. */
static void rse__pad_plane(float *dst, const float *src, int h, int w, int ph, int pw) {
    int wp = w + 2 * pw, y;
    memset(dst, 0, sizeof(float) * (size_t)(h + 2 * ph) * (size_t)wp);
    for (y = 0; y < h; y++) memcpy(dst + (size_t)(y + ph) * wp + pw, src + (size_t)y * w, sizeof(float) * (size_t)w);
}

/* out (ho,wo) = base + sum over taps of wk[t] * shifted xp, where xp is the
   padded plane (row stride wp); base is the bias (acc == 0) or out itself
   (acc == 1, for backward-data). flip reverses the taps (180-degree turn).
   Four vectors of pixels at a time share each weight broadcast, so the loop
   issues 1.25 loads per FMA instead of 2. Every pixel sums its taps in the
   same order whichever of the loops below handles it. */
static void rse__dw_plane(float *out, const float *xp, int wp, const float *wk, int kh, int kw,
                          int flip, int ho, int wo, float bias, int acc) {
    int oy, ox, ky, kx, t, taps = kh * kw;
    float wl[64]; /* the taps in the order they are applied */
    for (t = 0; t < taps; t++) wl[t] = wk[flip ? taps - 1 - t : t];
    for (oy = 0; oy < ho; oy++) {
        float *o = out + (size_t)oy * wo;
        for (ox = 0; ox + 4 * RSE_VEC_WIDTH <= wo; ox += 4 * RSE_VEC_WIDTH) {
            RSE_F32_VEC s0 = RSE_VEC_ZERO(), s1 = RSE_VEC_ZERO(), s2 = RSE_VEC_ZERO(), s3 = RSE_VEC_ZERO();
            for (ky = 0; ky < kh; ky++) {
                const float *xr = xp + (size_t)(oy + ky) * wp + ox;
                for (kx = 0; kx < kw; kx++) {
                    RSE_F32_VEC wv = RSE_VEC_SET1(wl[ky * kw + kx]);
                    s0 = RSE_VEC_FMA(s0, wv, RSE_VEC_LOAD(xr + kx));
                    s1 = RSE_VEC_FMA(s1, wv, RSE_VEC_LOAD(xr + kx + RSE_VEC_WIDTH));
                    s2 = RSE_VEC_FMA(s2, wv, RSE_VEC_LOAD(xr + kx + 2 * RSE_VEC_WIDTH));
                    s3 = RSE_VEC_FMA(s3, wv, RSE_VEC_LOAD(xr + kx + 3 * RSE_VEC_WIDTH));
                }
            }
            if (acc) {
                RSE_VEC_STORE(o + ox, RSE_VEC_ADD(RSE_VEC_LOAD(o + ox), s0));
                RSE_VEC_STORE(o + ox + RSE_VEC_WIDTH, RSE_VEC_ADD(RSE_VEC_LOAD(o + ox + RSE_VEC_WIDTH), s1));
                RSE_VEC_STORE(o + ox + 2 * RSE_VEC_WIDTH, RSE_VEC_ADD(RSE_VEC_LOAD(o + ox + 2 * RSE_VEC_WIDTH), s2));
                RSE_VEC_STORE(o + ox + 3 * RSE_VEC_WIDTH, RSE_VEC_ADD(RSE_VEC_LOAD(o + ox + 3 * RSE_VEC_WIDTH), s3));
            } else {
                RSE_F32_VEC vb = RSE_VEC_SET1(bias);
                RSE_VEC_STORE(o + ox, RSE_VEC_ADD(vb, s0));
                RSE_VEC_STORE(o + ox + RSE_VEC_WIDTH, RSE_VEC_ADD(vb, s1));
                RSE_VEC_STORE(o + ox + 2 * RSE_VEC_WIDTH, RSE_VEC_ADD(vb, s2));
                RSE_VEC_STORE(o + ox + 3 * RSE_VEC_WIDTH, RSE_VEC_ADD(vb, s3));
            }
        }
        for (; ox + RSE_VEC_WIDTH <= wo; ox += RSE_VEC_WIDTH) {
            RSE_F32_VEC s0 = RSE_VEC_ZERO();
            for (ky = 0; ky < kh; ky++) {
                const float *xr = xp + (size_t)(oy + ky) * wp + ox;
                for (kx = 0; kx < kw; kx++) s0 = RSE_VEC_FMA(s0, RSE_VEC_SET1(wl[ky * kw + kx]), RSE_VEC_LOAD(xr + kx));
            }
            RSE_VEC_STORE(o + ox, RSE_VEC_ADD(acc ? RSE_VEC_LOAD(o + ox) : RSE_VEC_SET1(bias), s0));
        }
        for (; ox < wo; ox++) { /* leftovers: the same sum, one lane */
            float s0 = 0.0f;
            for (ky = 0; ky < kh; ky++)
                for (kx = 0; kx < kw; kx++) s0 += wl[ky * kw + kx] * xp[(size_t)(oy + ky) * wp + ox + kx];
            o[ox] = (acc ? o[ox] : bias) + s0;
        }
    }
}

typedef struct {
    float *out, *dw, *db;
    const float *in, *w, *b, *dout;
    const rse_conv2d_shape *s;
    float *bufs;          /* one padded plane per task */
    size_t bufsize;
    int mode;             /* 0 forward, 1 backward-data, 2 backward-weight */
} rse__dw_ctx;

static void rse__dw_task(void *ctx, int task, int ntasks) {
    const rse__dw_ctx *d = (const rse__dw_ctx *)ctx;
    const rse_conv2d_shape *s = d->s;
    float *buf = d->bufs + (size_t)task * d->bufsize;
    int taps = s->KH * s->KW;
    size_t lo, hi, q, HW = (size_t)s->H * s->W, P = (size_t)s->Ho * s->Wo;
    if (d->mode == 0 || d->mode == 1) {
        /* one task per range of (n, c) planes */
        rse__split_range((size_t)s->N * s->C, task, ntasks, &lo, &hi);
        for (q = lo; q < hi; q++) {
            int c = (int)(q % (size_t)s->C);
            if (d->mode == 0) {
                rse__pad_plane(buf, d->in + q * HW, s->H, s->W, s->pad, s->pad);
                rse__dw_plane(d->out + q * P, buf, s->W + 2 * s->pad, d->w + (size_t)c * taps, s->KH, s->KW, 0,
                              s->Ho, s->Wo, d->b ? d->b[c] : 0.0f, 0);
            } else {
                /* dx = dout correlated with the flipped kernel, padded by K-1-pad */
                int ph = s->KH - 1 - s->pad, pw = s->KW - 1 - s->pad;
                rse__pad_plane(buf, d->dout + q * P, s->Ho, s->Wo, ph, pw);
                rse__dw_plane(d->out + q * HW, buf, s->Wo + 2 * pw, d->w + (size_t)c * taps, s->KH, s->KW, 1,
                              s->H, s->W, 0.0f, 1);
            }
        }
    } else {
        /* backward-weight: one task per range of channels, summing over n */
        int wp = s->W + 2 * s->pad;
        rse__split_range((size_t)s->C, task, ntasks, &lo, &hi);
        for (q = lo; q < hi; q++) {
            RSE_F32_VEC vacc[64];
            float tail[64], bsum = 0.0f;
            int t, n, oy, ox;
            RSE_F32_VEC vb = RSE_VEC_ZERO();
            for (t = 0; t < taps; t++) { vacc[t] = RSE_VEC_ZERO(); tail[t] = 0.0f; }
            for (n = 0; n < s->N; n++) {
                const float *dp = d->dout + ((size_t)n * s->C + q) * P;
                rse__pad_plane(buf, d->in + ((size_t)n * s->C + q) * HW, s->H, s->W, s->pad, s->pad);
                for (t = 0; t < taps; t++) {
                    /* four independent accumulators hide the FMA latency */
                    int ky = t / s->KW, kx = t % s->KW;
                    RSE_F32_VEC v0 = vacc[t], v1 = RSE_VEC_ZERO(), v2 = RSE_VEC_ZERO(), v3 = RSE_VEC_ZERO();
                    float tl = tail[t];
                    for (oy = 0; oy < s->Ho; oy++) {
                        const float *xr = buf + (size_t)(oy + ky) * wp + kx, *dr = dp + (size_t)oy * s->Wo;
                        for (ox = 0; ox + 4 * RSE_VEC_WIDTH <= s->Wo; ox += 4 * RSE_VEC_WIDTH) {
                            v0 = RSE_VEC_FMA(v0, RSE_VEC_LOAD(dr + ox), RSE_VEC_LOAD(xr + ox));
                            v1 = RSE_VEC_FMA(v1, RSE_VEC_LOAD(dr + ox + RSE_VEC_WIDTH), RSE_VEC_LOAD(xr + ox + RSE_VEC_WIDTH));
                            v2 = RSE_VEC_FMA(v2, RSE_VEC_LOAD(dr + ox + 2 * RSE_VEC_WIDTH), RSE_VEC_LOAD(xr + ox + 2 * RSE_VEC_WIDTH));
                            v3 = RSE_VEC_FMA(v3, RSE_VEC_LOAD(dr + ox + 3 * RSE_VEC_WIDTH), RSE_VEC_LOAD(xr + ox + 3 * RSE_VEC_WIDTH));
                        }
                        for (; ox + RSE_VEC_WIDTH <= s->Wo; ox += RSE_VEC_WIDTH)
                            v0 = RSE_VEC_FMA(v0, RSE_VEC_LOAD(dr + ox), RSE_VEC_LOAD(xr + ox));
                        for (; ox < s->Wo; ox++) tl += dr[ox] * xr[ox];
                    }
                    vacc[t] = RSE_VEC_ADD(RSE_VEC_ADD(v0, v1), RSE_VEC_ADD(v2, v3));
                    tail[t] = tl;
                }
                if (d->db) {
                    size_t p;
                    for (p = 0; p + RSE_VEC_WIDTH <= P; p += RSE_VEC_WIDTH) vb = RSE_VEC_ADD(vb, RSE_VEC_LOAD(dp + p));
                    for (; p < P; p++) bsum += dp[p];
                }
            }
            for (t = 0; t < taps; t++) d->dw[q * taps + t] += RSE_VEC_REDUCE(vacc[t]) + tail[t];
            if (d->db) d->db[q] += RSE_VEC_REDUCE(vb) + bsum;
        }
    }
}

/* The depthwise fast path applies to stride 1 with pad < kernel (so the
   backward-data padding K-1-pad is not negative) and at most 64 taps. */
static int rse__dw_applies(const rse_conv2d_shape *s) {
    return s->groups == s->C && s->K == s->C && s->stride == 1 && s->pad <= s->KH - 1 &&
           s->pad <= s->KW - 1 && s->KH * s->KW <= 64;
}

/* Runs one depthwise pass. Tasks own whole planes (forward, backward-data)
   or whole channels (backward-weight, which sums over the batch), each with
   its own padded-plane buffer, so no output is shared between threads. */
static rse_status rse__dw_run(rse__dw_ctx *d, rse_arena *scratch) {
    const rse_conv2d_shape *s = d->s;
    rse_arena_mark mark = rse__arena_get_mark(scratch);
    int ntasks = rse__task_count(d->mode == 2 ? (size_t)s->C : (size_t)s->N * s->C);
    int hp = s->H + 2 * s->pad, wp = s->W + 2 * s->pad;
    int hq = s->Ho + 2 * (s->KH - 1 - s->pad), wq = s->Wo + 2 * (s->KW - 1 - s->pad);
    d->bufsize = (size_t)hp * wp > (size_t)hq * wq ? (size_t)hp * wp : (size_t)hq * wq;
    d->bufsize = (d->bufsize + 15) & ~(size_t)15; /* keep each task's plane 64-byte aligned */
    d->bufs = rse__scratch_floats(scratch, d->bufsize * (size_t)ntasks, "conv2d depthwise");
    if (!d->bufs) return RSE_STATUS_NOMEM;
    rse__parallel(ntasks, rse__dw_task, d);
    rse__arena_release(scratch, mark);
    return RSE_STATUS_OK;
}

/* ---------------------------------------------------------------------------
   7.6 conv2d: forward, backward-data, backward-weight
   Which path each call takes (per image n and group g, R = Cg*KH*KW):
     - depthwise (groups == C == K), stride 1, pad < kernel: 7.5, all three;
     - forward: implicit GEMM out = Wg * col(x) (1x1 stride 1 pad 0: x itself
       is the B matrix);
     - backward-data, stride 1 and pad <= K-1: the same implicit GEMM on dout
       with the taps turned 180 degrees and Wg transposed; otherwise
       col = Wg^T * dout into scratch, then col2im adds it into dx;
     - backward-weight, Wo >= 32: dWg^T += col(x) * dout^T with one output
       row per reduction block, A read from a zero-padded copy of x;
       Wo < 32: dWg += dout * col(x)^T over all pixels at once.

   All of them allocate their scratch (packed weights, padded planes, col)
   from the caller's arena between a mark and a release, so a training loop
   that reuses the arena stops calling malloc after its first step.
   ------------------------------------------------------------------------- */

/* out = conv(x, w) + b (b may be NULL); out is overwritten. Per image and
   group: one implicit GEMM with the weights packed once into MR-row strips
   (1x1 stride-1 convolutions read x directly as the B matrix). */
RSE__FN rse_status rse__conv2d_forward(float *out, const float *x, const float *w, const float *b,
                                       const rse_conv2d_shape *s, rse_arena *scratch) {
    rse_status st = rse__conv2d_check(s);
    int Cg, Kg, R, n, gi;
    size_t P, HW, strip;
    float *Ap;
    rse_arena_mark mark;
    rse__gemm g;
    if (st) return st;
    if (!scratch) return rse__conv2d_forward_ref(out, x, w, b, s);
    if (rse__dw_applies(s)) {
        rse__dw_ctx d;
        memset(&d, 0, sizeof d);
        d.out = out; d.in = x; d.w = w; d.b = b; d.s = s; d.mode = 0;
        return rse__dw_run(&d, scratch);
    }
    Cg = s->C / s->groups; Kg = s->K / s->groups; R = Cg * s->KH * s->KW;
    P = (size_t)s->Ho * s->Wo; HW = (size_t)s->H * s->W;
    /* The weights are packed on every call: one pass over K*R floats, tiny
       next to the K*R*Ho*Wo*N multiply-adds, and it keeps the kernel free
       of caches that would have to be invalidated when the weights change. */
    strip = rse__packed_size(Kg, R);
    mark = rse__arena_get_mark(scratch);
    Ap = rse__scratch_floats(scratch, strip * (size_t)s->groups, "conv2d forward");
    if (!Ap) return RSE_STATUS_NOMEM;
    for (gi = 0; gi < s->groups; gi++) rse__pack_a(Ap + strip * gi, Kg, R, w + (size_t)gi * Kg * R, R, 1);
    memset(&g, 0, sizeof g);
    g.M = Kg; g.N = (int)P; g.K = R;
    g.nkb = (R + RSE__KC - 1) / RSE__KC;
    g.kblock = rse__kblock_plain;
    g.arows = rse__arows_packed;
    g.ldc = (ptrdiff_t)P; g.alpha = 1.0f; g.beta = 0.0f;
    g.xc = Cg; g.xh = s->H; g.xw = s->W; g.kh = s->KH; g.kw = s->KW;
    g.stride = s->stride; g.ph = s->pad; g.pw = s->pad; g.ho = s->Ho; g.wo = s->Wo;
    if (s->KH == 1 && s->KW == 1 && s->stride == 1 && s->pad == 0) {
        g.packb = rse__packb_plain; g.b_ks = (ptrdiff_t)HW; g.b_ns = 1;
    } else {
        g.packb = rse__packb_conv;
    }
    /* One GEMM per image and group; each is split across the threads by
       pixel tiles (a 111x111 image has 771 of them). */
    for (n = 0; n < s->N; n++)
        for (gi = 0; gi < s->groups; gi++) {
            g.A = Ap + strip * gi;
            g.x = g.B = x + ((size_t)n * s->C + (size_t)gi * Cg) * HW;
            g.C = out + ((size_t)n * s->K + (size_t)gi * Kg) * P;
            g.bias = b ? b + (size_t)gi * Kg : 0;
            rse__gemm_run_all(&g);
        }
    rse__arena_release(scratch, mark);
    return RSE_STATUS_OK;
}

typedef struct {
    float *dx;
    const float *col;
    const rse_conv2d_shape *s;
    int c0, Cg;
} rse__col2im_ctx;

/* dx[c] += the col rows of channel c, scattered back to the input pixels
   they were read from. One task per channel range: no write conflicts. */
static void rse__col2im_task(void *ctx, int task, int ntasks) {
    const rse__col2im_ctx *d = (const rse__col2im_ctx *)ctx;
    const rse_conv2d_shape *s = d->s;
    size_t lo, hi, c, P = (size_t)s->Ho * s->Wo;
    int ky, kx, oy, ox;
    rse__split_range((size_t)d->Cg, task, ntasks, &lo, &hi);
    for (c = lo; c < hi; c++) {
        float *dxc = d->dx + (d->c0 + c) * (size_t)s->H * s->W;
        for (ky = 0; ky < s->KH; ky++)
            for (kx = 0; kx < s->KW; kx++) {
                const float *row = d->col + ((c * s->KH + ky) * s->KW + kx) * P;
                for (oy = 0; oy < s->Ho; oy++) {
                    int iy = oy * s->stride - s->pad + ky;
                    if (iy < 0 || iy >= s->H) continue;
                    for (ox = 0; ox < s->Wo; ox++) {
                        int ix = ox * s->stride - s->pad + kx;
                        if (ix >= 0 && ix < s->W) dxc[(size_t)iy * s->W + ix] += row[(size_t)oy * s->Wo + ox];
                    }
                }
            }
    }
}

/* dx += transposed conv of dout with w.
   Stride 1: the transposed conv is itself a convolution, of dout (Kg
   channels) with the weights turned 180 degrees and with input and output
   channels swapped, padded by K-1-pad; the same implicit GEMM then adds
   straight into dx. Other strides: col = Wg^T * dout (a GEMM into scratch),
   then col2im scatters col into dx. */
RSE__FN rse_status rse__conv2d_backward_data(float *dx, const float *dout, const float *w,
                                             const rse_conv2d_shape *s, rse_arena *scratch) {
    rse_status st = rse__conv2d_check(s);
    int Cg, Kg, taps, R, n, gi;
    size_t P, HW;
    rse_arena_mark mark;
    rse__gemm g;
    if (st) return st;
    if (!scratch) return rse__conv2d_backward_data_ref(dx, dout, w, s);
    if (rse__dw_applies(s)) {
        rse__dw_ctx d;
        memset(&d, 0, sizeof d);
        d.out = dx; d.dout = dout; d.w = w; d.s = s; d.mode = 1;
        return rse__dw_run(&d, scratch);
    }
    Cg = s->C / s->groups; Kg = s->K / s->groups; taps = s->KH * s->KW; R = Cg * taps;
    P = (size_t)s->Ho * s->Wo; HW = (size_t)s->H * s->W;
    mark = rse__arena_get_mark(scratch);
    memset(&g, 0, sizeof g);
    g.kblock = rse__kblock_plain;
    g.arows = rse__arows_packed;
    g.alpha = 1.0f;
    if (s->stride == 1 && s->pad <= s->KH - 1 && s->pad <= s->KW - 1) {
        /* dx[c][y][x] = sum over k, taps of dout[k][y-ky+pad][x-kx+pad] *
           w[k][c][ky][kx]: substituting ky' = KH-1-ky turns this into a
           correlation of dout, padded by KH-1-pad, with the turned kernel,
           whose "input channels" are the K outputs. */
        int Rt = Kg * taps, c, k, t;
        size_t strip = rse__packed_size(Cg, Rt);
        float *Ap = rse__scratch_floats(scratch, strip * (size_t)s->groups, "conv2d backward-data");
        if (!Ap) return RSE_STATUS_NOMEM;
        /* A(c, (k,t)) = w[k][c][taps-1-t], packed in MR-row strips */
        for (gi = 0; gi < s->groups; gi++) {
            float *A = Ap + strip * gi;
            const float *wg = w + (size_t)gi * Kg * R;
            for (c = 0; c < (int)(strip / (size_t)Rt); c++)
                for (k = 0; k < Kg; k++)
                    for (t = 0; t < taps; t++)
                        A[((size_t)(c / RSE__MR) * Rt + (size_t)k * taps + t) * RSE__MR + c % RSE__MR] =
                            c < Cg ? wg[((size_t)k * Cg + c) * taps + (taps - 1 - t)] : 0.0f;
        }
        g.M = Cg; g.N = (int)HW; g.K = Rt;
        g.nkb = (Rt + RSE__KC - 1) / RSE__KC;
        g.packb = rse__packb_conv;
        g.ldc = (ptrdiff_t)HW; g.beta = 1.0f; /* accumulate into dx */
        g.xc = Kg; g.xh = s->Ho; g.xw = s->Wo; g.kh = s->KH; g.kw = s->KW; g.stride = 1;
        g.ph = s->KH - 1 - s->pad; g.pw = s->KW - 1 - s->pad; g.ho = s->H; g.wo = s->W;
        if (s->KH == 1 && s->KW == 1 && s->pad == 0) { /* 1x1: dout is the B matrix as it is */
            g.packb = rse__packb_plain; g.b_ks = (ptrdiff_t)P; g.b_ns = 1;
        }
        for (n = 0; n < s->N; n++)
            for (gi = 0; gi < s->groups; gi++) {
                g.A = Ap + strip * gi;
                g.x = g.B = dout + ((size_t)n * s->K + (size_t)gi * Kg) * P;
                g.C = dx + ((size_t)n * s->C + (size_t)gi * Cg) * HW;
                rse__gemm_run_all(&g);
            }
    } else {
        size_t strip = rse__packed_size(R, Kg);
        float *Ap = rse__scratch_floats(scratch, strip * (size_t)s->groups, "conv2d backward-data");
        float *col = Ap ? rse__scratch_floats(scratch, (size_t)R * P, "conv2d backward-data") : 0;
        rse__col2im_ctx cc;
        if (!col) { rse__arena_release(scratch, mark); return RSE_STATUS_NOMEM; }
        /* A = Wg^T: (R x Kg), element (r,k) = wg[k*R + r] */
        for (gi = 0; gi < s->groups; gi++) rse__pack_a(Ap + strip * gi, R, Kg, w + (size_t)gi * Kg * R, 1, R);
        g.M = R; g.N = (int)P; g.K = Kg;
        g.nkb = (Kg + RSE__KC - 1) / RSE__KC;
        g.packb = rse__packb_plain; g.b_ks = (ptrdiff_t)P; g.b_ns = 1;
        g.C = col; g.ldc = (ptrdiff_t)P; g.beta = 0.0f;
        cc.s = s; cc.col = col; cc.Cg = Cg;
        for (n = 0; n < s->N; n++)
            for (gi = 0; gi < s->groups; gi++) {
                g.A = Ap + strip * gi;
                g.B = dout + ((size_t)n * s->K + (size_t)gi * Kg) * P;
                rse__gemm_run_all(&g);
                cc.dx = dx + (size_t)n * s->C * HW;
                cc.c0 = gi * Cg;
                rse__parallel(rse__task_count((size_t)Cg), rse__col2im_task, &cc);
            }
    }
    rse__arena_release(scratch, mark);
    return RSE_STATUS_OK;
}

/* Backward-weight as a GEMM over pixels: dWg^T (R x Kg) += col (R x P) *
   dout^T (P x Kg), one image at a time. Each reduction block is (part of)
   one output row, so the MR rows of A are runs of the zero-padded image
   read with step = stride, and B is a transposed slice of dout. */
static int rse__kblock_bw(const rse__gemm *g, int kb) {
    int rest = g->wo - (kb % g->nchunk) * RSE__KC;
    return rest < RSE__KC ? rest : RSE__KC;
}
static void rse__arows_bw(const rse__gemm *g, int kb, int i0, int mr, const float **rows, ptrdiff_t *ak) {
    int oy = kb / g->nchunk, ox0 = (kb % g->nchunk) * RSE__KC, taps = g->kh * g->kw, i;
    for (i = 0; i < mr; i++) {
        int r = i0 + i, c = r / taps, ky = (r % taps) / g->kw, kx = r % g->kw;
        rows[i] = g->x + ((ptrdiff_t)c * g->xh + (ptrdiff_t)oy * g->stride + ky) * g->xw +
                  (ptrdiff_t)ox0 * g->stride + kx;
    }
    *ak = g->stride;
}
static void rse__packb_bw(const rse__gemm *g, int kb, int kc, int j0, int nc, float *dst) {
    int oy = kb / g->nchunk, ox0 = (kb % g->nchunk) * RSE__KC, j, p;
    size_t P = (size_t)g->ho * g->wo;
    for (j = 0; j < nc; j++) {
        const float *src = g->B + (size_t)(j0 + j) * P + (size_t)oy * g->wo + ox0;
        for (p = 0; p < kc; p++) dst[p * RSE__NR + j] = src[p];
    }
    for (p = 0; p < kc; p++)
        for (j = nc; j < RSE__NR; j++) dst[p * RSE__NR + j] = 0.0f;
}

/* For small outputs (CLIP's 7x7 patch grid) an output row is too short a
   reduction block, so the roles turn: dWg (Kg x R) += dout (Kg x P) *
   col^T (P x R), reducing over all pixels of the image in blocks of KC, with
   B(p, r) = col(r, p) gathered from the image (zero outside). */
static void rse__packb_colT(const rse__gemm *g, int kb, int kc, int j0, int nc, float *dst) {
    int taps = g->kh * g->kw, p0 = kb * RSE__KC, j, p;
    for (j = 0; j < nc; j++) {
        int r = j0 + j, c = r / taps, ky = (r % taps) / g->kw, kx = r % g->kw;
        int oy = p0 / g->wo, ox = p0 % g->wo;
        const float *xch = g->x + (ptrdiff_t)c * g->xh * g->xw;
        for (p = 0; p < kc; p++) {
            int iy = oy * g->stride - g->ph + ky, ix = ox * g->stride - g->pw + kx;
            dst[p * RSE__NR + j] = iy >= 0 && iy < g->xh && ix >= 0 && ix < g->xw ? xch[(ptrdiff_t)iy * g->xw + ix] : 0.0f;
            if (++ox == g->wo) { ox = 0; oy++; }
        }
    }
    for (p = 0; p < kc; p++)
        for (j = nc; j < RSE__NR; j++) dst[p * RSE__NR + j] = 0.0f;
}

typedef struct {
    float *dst;
    const float *src;
    const rse_conv2d_shape *s;
    float *db;
    const float *dout;
} rse__bw_ctx;

/* Pads the channels of one image (task split over channels). */
static void rse__bw_pad_task(void *ctx, int task, int ntasks) {
    const rse__bw_ctx *d = (const rse__bw_ctx *)ctx;
    const rse_conv2d_shape *s = d->s;
    size_t lo, hi, c, hp = (size_t)s->H + 2 * s->pad, wp = (size_t)s->W + 2 * s->pad;
    rse__split_range((size_t)s->C, task, ntasks, &lo, &hi);
    for (c = lo; c < hi; c++)
        rse__pad_plane(d->dst + c * hp * wp, d->src + c * (size_t)s->H * s->W, s->H, s->W, s->pad, s->pad);
}

/* db[k] += sum of dout over n and pixels, one task per channel range. */
static void rse__bias_grad_task(void *ctx, int task, int ntasks) {
    const rse__bw_ctx *d = (const rse__bw_ctx *)ctx;
    const rse_conv2d_shape *s = d->s;
    size_t lo, hi, k, p, P = (size_t)s->Ho * s->Wo;
    int n;
    rse__split_range((size_t)s->K, task, ntasks, &lo, &hi);
    for (k = lo; k < hi; k++) {
        RSE_F32_VEC v = RSE_VEC_ZERO();
        float tail = 0.0f;
        for (n = 0; n < s->N; n++) {
            const float *dp = d->dout + ((size_t)n * s->K + k) * P;
            for (p = 0; p + RSE_VEC_WIDTH <= P; p += RSE_VEC_WIDTH) v = RSE_VEC_ADD(v, RSE_VEC_LOAD(dp + p));
            for (; p < P; p++) tail += dp[p];
        }
        d->db[k] += RSE_VEC_REDUCE(v) + tail;
    }
}

/* dw += correlation of x with dout summed over the batch; db += sum of dout
   over N,Ho,Wo (db may be NULL). The sum over the batch is accumulated in a
   transposed scratch copy (R x Kg per group) and added to dw at the end. */
RSE__FN rse_status rse__conv2d_backward_weight(float *dw, float *db, const float *dout, const float *x,
                                               const rse_conv2d_shape *s, rse_arena *scratch) {
    rse_status st = rse__conv2d_check(s);
    int Cg, Kg, R, n, gi, r, k;
    size_t P, HW, hpwp;
    float *xp, *dwt;
    rse_arena_mark mark;
    rse__gemm g;
    rse__bw_ctx bc;
    if (st) return st;
    if (!scratch) return rse__conv2d_backward_weight_ref(dw, db, dout, x, s);
    if (rse__dw_applies(s)) {
        rse__dw_ctx d;
        memset(&d, 0, sizeof d);
        d.dw = dw; d.db = db; d.dout = dout; d.in = x; d.s = s; d.mode = 2;
        return rse__dw_run(&d, scratch);
    }
    Cg = s->C / s->groups; Kg = s->K / s->groups; R = Cg * s->KH * s->KW;
    P = (size_t)s->Ho * s->Wo; HW = (size_t)s->H * s->W;
    bc.s = s; bc.db = db; bc.dout = dout;
    memset(&g, 0, sizeof g);
    if (s->Wo < 32) {
        g.M = Kg; g.N = R; g.K = (int)P;
        g.nkb = (g.K + RSE__KC - 1) / RSE__KC;
        g.kblock = rse__kblock_plain; g.arows = rse__arows_plain; g.packb = rse__packb_colT;
        g.a_rs = (ptrdiff_t)P; g.a_ks = 1;
        g.ldc = R; g.alpha = 1.0f; g.beta = 1.0f; /* straight into dw */
        g.xh = s->H; g.xw = s->W; g.kh = s->KH; g.kw = s->KW;
        g.stride = s->stride; g.ph = s->pad; g.pw = s->pad; g.ho = s->Ho; g.wo = s->Wo;
        for (n = 0; n < s->N; n++)
            for (gi = 0; gi < s->groups; gi++) {
                g.A = dout + ((size_t)n * s->K + (size_t)gi * Kg) * P;
                g.x = x + ((size_t)n * s->C + (size_t)gi * Cg) * HW;
                g.C = dw + (size_t)gi * Kg * R;
                rse__gemm_run_all(&g);
            }
        if (db) rse__parallel(rse__task_count((size_t)s->K), rse__bias_grad_task, &bc);
        return RSE_STATUS_OK;
    }
    hpwp = ((size_t)s->H + 2 * s->pad) * ((size_t)s->W + 2 * s->pad);
    mark = rse__arena_get_mark(scratch);
    /* with no padding the image itself serves as the padded copy */
    xp = s->pad ? rse__scratch_floats(scratch, hpwp * (size_t)s->C, "conv2d backward-weight") : 0;
    dwt = xp || !s->pad ? rse__scratch_floats(scratch, (size_t)R * s->K, "conv2d backward-weight") : 0;
    if (!dwt) { rse__arena_release(scratch, mark); return RSE_STATUS_NOMEM; }
    memset(dwt, 0, sizeof(float) * (size_t)R * s->K);
    g.M = R; g.N = Kg; g.K = (int)P;
    g.nchunk = (s->Wo + RSE__KC - 1) / RSE__KC;
    g.nkb = s->Ho * g.nchunk;
    g.kblock = rse__kblock_bw; g.arows = rse__arows_bw; g.packb = rse__packb_bw;
    g.ldc = Kg; g.alpha = 1.0f; g.beta = 1.0f;
    g.xh = s->H + 2 * s->pad; g.xw = s->W + 2 * s->pad; g.kh = s->KH; g.kw = s->KW;
    g.stride = s->stride; g.ho = s->Ho; g.wo = s->Wo;
    bc.dst = xp;
    for (n = 0; n < s->N; n++) {
        bc.src = x + (size_t)n * s->C * HW;
        if (xp) rse__parallel(rse__task_count((size_t)s->C), rse__bw_pad_task, &bc);
        for (gi = 0; gi < s->groups; gi++) {
            g.x = (xp ? xp : bc.src) + (size_t)gi * Cg * hpwp;
            g.B = dout + ((size_t)n * s->K + (size_t)gi * Kg) * P;
            g.C = dwt + (size_t)gi * R * Kg;
            rse__gemm_run_all(&g);
        }
    }
    for (gi = 0; gi < s->groups; gi++)
        for (k = 0; k < Kg; k++)
            for (r = 0; r < R; r++)
                dw[((size_t)gi * Kg + k) * R + r] += dwt[((size_t)gi * R + r) * Kg + k];
    if (db) rse__parallel(rse__task_count((size_t)s->K), rse__bias_grad_task, &bc);
    rse__arena_release(scratch, mark);
    return RSE_STATUS_OK;
}
