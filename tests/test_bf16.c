/* The bfloat16 products (tensor.h 7.9) and the CLIP guidance gradient that
   uses them (clip.c, RSE__GRAD_BF16; issue 25).

   1. Rounding: rse__bf16 on values whose bfloat16 is known (ties to even,
      NaN quieted, denormals to zero, overflow to infinity), and, where the
      CPU has AVX512_BF16, against VCVTNEPS2BF16 itself, bit for bit, on
      2^20 random bit patterns and the special values.
   2. The kernel against the emulation (rse__bgemm_ref), where the CPU runs
      the kernel: every transpose, M and N not multiples of the 8 x 32
      block, K odd and K over one 256-k block, strided operands, alpha,
      beta and a column bias, and shapes that take the threads.
      Tolerance. Both sum the same products, each exact in float (8 x 8
      significant bits), in float; only the order differs (the kernel in
      blocks of 256 k, pairs of k inside each lane). Two float sums of the
      same terms in different orders differ by at most about K 2^-24
      times the sum of the terms' magnitudes S, and in practice by a few
      sqrt(K) 2^-24 S; the check allows 2e-6 S (K <= 515 here: that is
      8 sqrt(K) 2^-24 S, a quarter of the worst case). Measured: at most
      1.2e-7 S. Rounding by truncation instead of to nearest even, tried
      in the emulation, fails every case (7e-4 S at K = 515, 1e-2 S at
      K = 1) and the rounding checks. The bfloat16 result must also
      differ from the float product (by 1e-4 S at least somewhere;
      measured 4e-4 S), so a kernel that silently ran float would fail.
   3. The CLIP input gradient with bfloat16 products against float's, on
      the tiny random models (tests/fixtures/clip: a ViT and a ResNet, whose
      attention pool is the only part in bfloat16; SHARED's tiny ViT when
      present): 3 views, each view's gradient within cosine 0.999 of
      float's (the bar), with the kernel where the CPU has it and
      with the emulation in every build (the AVX2 kernels forced where the
      CPU has AVX-512). Measured cosines, worst view: ViT 0.999984,
      ResNet 0.999857, shared ViT 0.999983 (kernel and emulation alike;
      the text guide's step below 0.999985). Keeping 3 mantissa bits
      instead of 7, tried, gives 0.984-0.989 and fails.
   4. exact: a text guide's gradient with exact = 1 is float's bit for bit
      (against the same guide on a CPU made to lack the kernel), and
      rse_edit hands its params' exact to the guide: an edit with exact = 1
      equals, bit for bit, the edit on a CPU without the kernel; with
      exact = 0 it differs where the CPU has the kernel. */
#include "test.h"

/* ---- 1. rounding ----------------------------------------------------------- */

static float bf_from_bits(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

#if RSE__HAVE_BF16
RSE__BFN void bf_hw(const float *x, uint16_t *out, int n) {
    int i;
    for (i = 0; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(void *)(out + i), (__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(x + i)));
}
#endif

static void test_round(void) {
    static const uint32_t in[][2] = {
        { 0x3f800000u, 0x3f80u },  /* 1 */
        { 0x3f808000u, 0x3f80u },  /* a tie, even below: down */
        { 0x3f818000u, 0x3f82u },  /* a tie, odd below: up */
        { 0x3f808001u, 0x3f81u },  /* just over half: up */
        { 0xbf80ffffu, 0xbf81u },  /* negative */
        { 0x7f800000u, 0x7f80u },  /* infinity */
        { 0x7f7fffffu, 0x7f80u },  /* the largest float rounds to infinity */
        { 0x7fc00001u, 0x7fc0u },  /* quiet NaN */
        { 0x7f800001u, 0x7fc0u },  /* signalling NaN: quieted, not infinity */
        { 0xffffffffu, 0xffffu },  /* NaN with all bits */
        { 0x00000001u, 0x0000u },  /* denormals: zero of their sign */
        { 0x807fffffu, 0x8000u },
        { 0x00800000u, 0x0080u },  /* the smallest normal stays */
    };
    size_t k;
    for (k = 0; k < sizeof in / sizeof in[0]; k++) {
        uint16_t h = rse__bf16(bf_from_bits(in[k][0]));
        CHECK(h == in[k][1], "bf16(0x%08x) = 0x%04x, want 0x%04x", (unsigned)in[k][0], h, (unsigned)in[k][1]);
    }
#if RSE__HAVE_BF16
    if (rse__bf16_native()) {
        enum { N = 1 << 20 };
        float *x = (float *)malloc(N * sizeof(float));
        uint16_t *h = (uint16_t *)malloc(N * sizeof(uint16_t));
        rse__rng r;
        int i, bad = 0;
        rse__rng_seed(&r, 16);
        for (i = 0; i < N; i++) {
            uint32_t u = (uint32_t)rse__rng_u64(&r);
            if (i < (int)(sizeof in / sizeof in[0])) u = in[i][0];
            else if (i % 7 == 0) u &= 0x807fffffu; /* denormals and zeros */
            else if (i % 7 == 1) u |= 0x7f800000u; /* infinities and NaNs */
            else if (i % 7 == 2) u = (u & 0xffff0000u) | 0x8000u; /* ties */
            x[i] = bf_from_bits(u);
        }
        bf_hw(x, h, N);
        for (i = 0; i < N; i++) bad += h[i] != rse__bf16(x[i]);
        CHECK(bad == 0, "rse__bf16 is VCVTNEPS2BF16 bit for bit (%d of %d differ)", bad, N);
        free(x);
        free(h);
    } else SKIP("rounding against VCVTNEPS2BF16: this CPU or kernel set has no AVX512_BF16");
#else
    SKIP("rounding against VCVTNEPS2BF16: this build has no AVX512_BF16 kernel");
#endif
}

/* ---- 2. the kernel against the emulation ------------------------------------ */

static void bf_fill(float *x, size_t n, rse__rng *r) {
    size_t i;
    for (i = 0; i < n; i++) x[i] = 2.0f * rse__rng_uniform(r) - 1.0f;
}

/* One product by the kernel, the emulation and float; returns the worst
   |kernel - emulation| / S over C (S: that element's sum of magnitudes). */
static double bf_case(int tA, int tB, int M, int N, int K, float alpha, float beta, int bias, rse__rng *r,
                      double *off_f32) {
    int lda = (tA ? M : K) + 3, ldb = (tB ? K : N) + 5, ldc = N + 2, i, j, p;
    size_t na = (size_t)(tA ? K : M) * lda, nb = (size_t)(tB ? N : K) * ldb, nc = (size_t)M * ldc;
    float *A = (float *)malloc(na * sizeof(float)), *B = (float *)malloc(nb * sizeof(float));
    float *C0 = (float *)malloc(nc * sizeof(float)), *Ck = (float *)malloc(nc * sizeof(float));
    float *Ce = (float *)malloc(nc * sizeof(float)), *Cf = (float *)malloc(nc * sizeof(float));
    float *cb = (float *)malloc((size_t)N * sizeof(float));
    unsigned char *raw = (unsigned char *)malloc(rse__bgemm_ws_size(M, N, K) + 64);
    void *ws = raw + (64 - (uintptr_t)raw % 64) % 64; /* the kernel's workspace: 64-byte aligned */
    double worst = 0, far = 0;
    bf_fill(A, na, r); bf_fill(B, nb, r); bf_fill(C0, nc, r); bf_fill(cb, (size_t)N, r);
    memcpy(Ck, C0, nc * sizeof(float)); memcpy(Ce, C0, nc * sizeof(float)); memcpy(Cf, C0, nc * sizeof(float));
    rse__bgemm(tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, Ck, ldc, bias ? cb : 0, ws);
    rse__bgemm_ref(tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, Ce, ldc, bias ? cb : 0);
    rse__sgemm_ref(tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, Cf, ldc);
    for (i = 0; i < M; i++)
        for (j = 0; j < N; j++) {
            double S = 0, d;
            for (p = 0; p < K; p++) {
                float a = tA ? A[(size_t)p * lda + i] : A[(size_t)i * lda + p];
                float b = tB ? B[(size_t)j * ldb + p] : B[(size_t)p * ldb + j];
                S += fabs((double)rse__bf16_f32(rse__bf16(a)) * rse__bf16_f32(rse__bf16(b)));
            }
            S = fabs(alpha) * S + fabs(beta * C0[(size_t)i * ldc + j]) + (bias ? fabs(cb[j]) : 0) + 1e-30;
            d = fabs((double)Ck[(size_t)i * ldc + j] - Ce[(size_t)i * ldc + j]) / S;
            if (!(d <= worst)) worst = d; /* NaN is a failure */
            d = fabs((double)Ce[(size_t)i * ldc + j] - (Cf[(size_t)i * ldc + j] + (bias ? cb[j] : 0))) / S;
            if (d > far) far = d;
        }
    /* the padding between rows of C is not written */
    for (i = 0; i < M; i++)
        for (j = N; j < ldc; j++)
            if (Ck[(size_t)i * ldc + j] != C0[(size_t)i * ldc + j]) worst = 1;
    *off_f32 = far;
    free(A); free(B); free(C0); free(Ck); free(Ce); free(Cf); free(cb); free(raw);
    return worst;
}

static void test_kernel(void) {
    static const int shapes[][5] = { /* M, N, K, transA, transB */
        { 1, 1, 1, 0, 0 },   { 7, 5, 3, 0, 0 },    { 8, 32, 2, 0, 1 },   { 9, 33, 257, 1, 0 },
        { 50, 50, 64, 0, 1 }, { 50, 64, 50, 0, 0 }, { 50, 64, 50, 1, 0 }, { 17, 40, 515, 1, 1 },
        { 130, 200, 515, 0, 1 }, { 130, 200, 515, 0, 0 }, { 130, 200, 515, 1, 0 }, { 130, 200, 515, 1, 1 },
        { 203, 97, 255, 0, 1 }, { 64, 300, 96, 0, 0 },
    };
    rse__rng r;
    size_t k;
    double worst = 0, least_off = 1;
    if (!rse__bf16_native()) { SKIP("kernel against emulation: this CPU or kernel set has no AVX512_BF16"); return; }
    rse__rng_seed(&r, 7);
    for (k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        const int *s = shapes[k];
        int v;
        for (v = 0; v < 2; v++) {
            double off, e = bf_case(s[3], s[4], s[0], s[1], s[2], v ? 0.5f : 1.0f, v ? 1.5f : 0.0f, v, &r, &off);
            CHECK(e <= 2e-6, "bf16 kernel %dx%dx%d trans %d%d%s: %.3g S from the emulation", s[0], s[1], s[2], s[3],
                  s[4], v ? " alpha beta bias" : "", e);
            if (e > worst) worst = e;
            if (s[2] >= 50 && off < least_off) least_off = off;
        }
    }
    CHECK(least_off > 1e-4, "bfloat16 products are not float's (least worst difference %.3g S)", least_off);
    if (getenv("RSE_VERBOSE")) printf("kernel vs emulation: worst %.3g S; bfloat16 vs float: %.3g S\n", worst, least_off);
}

/* ---- 3. the CLIP gradient ---------------------------------------------------- */

static double bf_cos(const float *a, const float *b, size_t n) {
    double ab = 0, aa = 0, bb = 0;
    size_t i;
    for (i = 0; i < n; i++) { ab += (double)a[i] * b[i]; aa += (double)a[i] * a[i]; bb += (double)b[i] * b[i]; }
    return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
}

/* The gradient of 3 views with float products and with bfloat16; each
   view's cosine must reach 0.999, and bfloat16 must have been used. */
static void bf_grad(rse_clip *m, const char *what, const char *how) {
    enum { V = 3 };
    rse_clip_info info;
    rse__rng r;
    float t[1024], c32[V], c16[V], *x, *g32, *g16;
    size_t nx, per, v;
    int S, j, same;
    double worst = 1;
    rse_clip_get_info(m, &info);
    S = info.image_size;
    per = 3 * (size_t)S * S;
    nx = V * per;
    x = (float *)malloc(nx * sizeof(float));
    g32 = (float *)malloc(nx * sizeof(float));
    g16 = (float *)malloc(nx * sizeof(float));
    rse__rng_seed(&r, 3);
    for (v = 0; v < nx; v++) x[v] = rse__rng_uniform(&r);
    for (j = 0; j < info.embed_dim && j < 1024; j++) t[j] = rse__rng_uniform(&r) - 0.5f;
    CHECK(rse__clip_image_grad(m, x, V, S, S, RSE__GRAD_NORMALISE, t, c32, g32) == 0, "%s: gradient: %s", what,
          rse_last_error());
    CHECK(rse__clip_image_grad(m, x, V, S, S, RSE__GRAD_NORMALISE | RSE__GRAD_BF16, t, c16, g16) == 0,
          "%s: bf16 gradient: %s", what, rse_last_error());
    same = !memcmp(g32, g16, nx * sizeof(float));
    CHECK(!same, "%s (%s): the bfloat16 gradient is not float's", what, how);
    for (v = 0; v < V; v++) {
        double c = bf_cos(g32 + v * per, g16 + v * per, per);
        CHECK(c >= 0.999, "%s (%s): view %zu's gradient at cosine %.6f of float's", what, how, v, c);
        CHECK(fabsf(c32[v] - c16[v]) < 1e-2f, "%s (%s): view %zu's cosine to the text %.6f, float's %.6f", what, how, v,
              c16[v], c32[v]);
        if (c < worst) worst = c;
    }
    if (getenv("RSE_VERBOSE")) printf("%s (%s): worst view's gradient cosine %.7f\n", what, how, worst);
    free(x);
    free(g32);
    free(g16);
}

/* Both ways: the kernel (where it runs), then the emulation. */
static void bf_grad_both(rse_clip *m, const char *what) {
    if (rse__bf16_native()) {
        bf_grad(m, what, "kernel");
        /* the emulation: the AVX2 set, where bfloat16 is never native */
        CHECK(rse__kernels_force("avx2") == 0 || rse__kernels_force("scalar") == 0, "kernels forced");
        CHECK(!rse__bf16_native(), "no bfloat16 kernel on the %s set", rse_kernels_name());
        bf_grad(m, what, "emulation");
        rse__kernels_force(0);
    } else {
        bf_grad(m, what, "emulation");
    }
}

static void test_clip_grad(void) {
    static const char *files[2] = { "tests/fixtures/clip/vit_tiny.pt", "tests/fixtures/clip/rn_tiny.pt" };
    const char *shared = RSE_SHARED "/data/clip/fixtures/tiny_vit_fp32.pt";
    rse_clip *m;
    int k;
    for (k = 0; k < 2; k++) {
        size_t len = 0;
        unsigned char *mb = t_read(files[k], &len);
        m = 0;
        CHECK(mb != 0, "%s readable", files[k]);
        if (!mb) continue;
        CHECK(rse_clip_load_mem(&m, mb, len, 0) == 0, "%s: %s", files[k], rse_last_error());
        if (m) bf_grad_both(m, files[k]);
        rse_clip_free(m);
        free(mb);
    }
    if (t_have_file(shared)) {
        rse_clip_options o;
        rse_clip_options_init(&o);
        o.vision_heads = o.text_heads = 2; /* the fixture's heads are 32 wide */
        m = 0;
        CHECK(rse_clip_load(&m, shared, &o) == 0, "%s: %s", shared, rse_last_error());
        if (m) bf_grad_both(m, shared);
        rse_clip_free(m);
    } else SKIP("%s absent", shared);
}

/* ---- 4. exact ------------------------------------------------------------------ */

/* A text guide around K random directions (no tokenizer), as
   tests/fixture.h's fx_guide. */
static rse_text_guide *bf_guide(rse_clip *clip, const float *dirs, int K, int views) {
    rse_text_guide *g;
    rse_clip_info info;
    int nl[2];
    rse_clip_get_info(clip, &info);
    nl[0] = nl[1] = K;
    if (rse__text_guide_alloc(&g, clip, nl, RSE_TEMPLATES_AUTO, views) != RSE_STATUS_OK) return 0;
    memcpy(g->dir[0], dirs, (size_t)K * info.embed_dim * sizeof(float));
    memcpy(g->dir[1], dirs, (size_t)K * info.embed_dim * sizeof(float));
    memcpy(g->text, dirs, (size_t)info.embed_dim * sizeof(float));
    return g;
}

static void test_exact(void) {
    enum { H = 37, W = 45, K = 3 };
    size_t len = 0;
    unsigned char *mb = t_read("tests/fixtures/clip/vit_tiny.pt", &len);
    rse_clip *clip = 0;
    rse_clip_info info;
    rse_text_guide *g = 0;
    rse__rng r;
    float dirs[K * 64], x0[3 * H * W], gf[3 * H * W], ge[3 * H * W], gb[3 * H * W];
    double sf, se, sb;
    int i, native;
    rse_image img, o_exact[1], o_f32[1], o_bf[1];
    rse_train_params tp;
    rse_edit_params ep;
    rse_sinddm *m = 0;
    if (!mb || rse_clip_load_mem(&clip, mb, len, 0) != 0) { CHECK(0, "vit_tiny.pt: %s", rse_last_error()); free(mb); return; }
    native = rse__bf16_native();
    rse_clip_get_info(clip, &info);
    rse__rng_seed(&r, 26);
    for (i = 0; i < K * info.embed_dim && i < K * 64; i++) dirs[i] = rse__rng_uniform(&r) - 0.5f;
    for (i = 0; i < 3 * H * W; i++) x0[i] = 2.0f * rse__rng_uniform(&r) - 1.0f;
    g = info.embed_dim <= 64 ? bf_guide(clip, dirs, K, 4) : 0;
    CHECK(g != 0, "text guide: %s", rse_last_error());
    if (!g) goto out;
    /* the guide's step: float (no kernel), exact, and the default */
    rse__bf16_off = 1;
    rse_text_guide_reset(g, 7, 0);
    CHECK(rse_text_guide_grad(g, x0, H, W, 1, 3, gf, &sf) == 0, "float step: %s", rse_last_error());
    rse__bf16_off = 0;
    g->exact = 1;
    rse_text_guide_reset(g, 7, 0);
    CHECK(rse_text_guide_grad(g, x0, H, W, 1, 3, ge, &se) == 0, "exact step: %s", rse_last_error());
    g->exact = 0;
    rse_text_guide_reset(g, 7, 0);
    CHECK(rse_text_guide_grad(g, x0, H, W, 1, 3, gb, &sb) == 0, "default step: %s", rse_last_error());
    CHECK(!memcmp(gf, ge, sizeof gf) && sf == se, "exact: the guide's gradient is float's, bit for bit");
    if (native) {
        double c = bf_cos(gf, gb, 3 * H * W);
        CHECK(memcmp(gf, gb, sizeof gf) != 0, "default: the guide's gradient takes bfloat16 (the CPU has it)");
        CHECK(c >= 0.999, "default: the guide's gradient at cosine %.6f of float's", c);
        if (getenv("RSE_VERBOSE")) printf("text guide step: bfloat16 gradient at cosine %.7f of float's\n", c);
    } else {
        CHECK(!memcmp(gf, gb, sizeof gf), "default without the kernel: float, bit for bit");
    }
    /* rse_edit hands exact to its text guide */
    t_structured_image(&img);
    rse_train_params_init(&tp, "tiny");
    tp.dim = 8; tp.batch = 2; tp.micro_batch = 2; tp.crop = 40; tp.steps = 3; tp.seed = 3;
    CHECK(rse_sinddm_create(&m, &img, &tp) == 0 && rse_sinddm_train(m, 0, 0, 0) == 0, "model: %s", rse_last_error());
    if (m) {
        rse_edit_params_init(&ep);
        CHECK(ep.exact == 0, "exact is 0 by default");
        ep.guide = rse_text_guide_grad; ep.guide_ctx = g; ep.guide_reset = rse_text_guide_reset;
        ep.strength = 0.3f; ep.fill = 0.5f; ep.seed = 4;
        ep.start_scale = 2; ep.start_t = 4; /* 4 steps at the finest scale, */
        g->views = 2;                         /* of 2 views: keeps it short   */
        memset(o_exact, 0, sizeof o_exact); memset(o_f32, 0, sizeof o_f32); memset(o_bf, 0, sizeof o_bf);
        ep.exact = 1;
        CHECK(rse_edit(m, &img, &ep, o_exact, 0, 0) == 0, "edit, exact: %s", rse_last_error());
        CHECK(g->exact == 1, "rse_edit gave exact to the guide");
        ep.exact = 0;
        rse__bf16_off = 1;
        CHECK(rse_edit(m, &img, &ep, o_f32, 0, 0) == 0, "edit, no kernel: %s", rse_last_error());
        rse__bf16_off = 0;
        CHECK(rse_edit(m, &img, &ep, o_bf, 0, 0) == 0, "edit, default: %s", rse_last_error());
        CHECK(g->exact == 0, "rse_edit gave exact = 0 to the guide");
        if (o_exact[0].data && o_f32[0].data && o_bf[0].data) {
            size_t n = 3 * (size_t)img.w * img.h;
            CHECK(!memcmp(o_exact[0].data, o_f32[0].data, n * sizeof(float)), "edit with exact: float's, bit for bit");
            if (native)
                CHECK(memcmp(o_bf[0].data, o_f32[0].data, n * sizeof(float)) != 0, "edit by default: bfloat16's");
        }
        rse_image_free(&o_exact[0]); rse_image_free(&o_f32[0]); rse_image_free(&o_bf[0]);
    }
    rse_sinddm_free(m);
    rse_image_free(&img);
out:
    rse_text_guide_free(g);
    rse_clip_free(clip);
    free(mb);
}

int main(void) {
    rse_set_threads(2);
    test_round();
    test_kernel();
    test_clip_grad();
    test_exact();
    return t_report("test_bf16");
}
