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
   7.2 Fast versions (placeholder: the references, until the SIMD kernels land)
   ------------------------------------------------------------------------- */

RSE__FN void rse__sgemm(int transA, int transB, int M, int N, int K, float alpha,
    const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc) {
    rse__sgemm_ref(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}
RSE__FN rse_status rse__conv2d_forward(float *out, const float *x, const float *w, const float *b,
                                       const rse_conv2d_shape *s, rse_arena *scratch) {
    (void)scratch;
    return rse__conv2d_forward_ref(out, x, w, b, s);
}
RSE__FN rse_status rse__conv2d_backward_data(float *dx, const float *dout, const float *w,
                                             const rse_conv2d_shape *s, rse_arena *scratch) {
    (void)scratch;
    return rse__conv2d_backward_data_ref(dx, dout, w, s);
}
RSE__FN rse_status rse__conv2d_backward_weight(float *dw, float *db, const float *dout, const float *x,
                                               const rse_conv2d_shape *s, rse_arena *scratch) {
    (void)scratch;
    return rse__conv2d_backward_weight_ref(dw, db, dout, x, s);
}
