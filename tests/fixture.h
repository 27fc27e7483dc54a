/* tests/fixture.h - reader for the PyTorch fixture files written by
   tools/make_*_fixtures.py: "RSEOPS1\0", a case count, then named cases of
   named float32 tensors (see tools/make_op_fixtures.py for the layout).
   The files are ours, but the reader still checks every length. */
#ifndef RSE_FIXTURE_H
#define RSE_FIXTURE_H

#define FX_MAX_TENSORS 512

typedef struct { char name[64]; int nd, shape[4]; size_t n; float *data; } fx_tensor;
typedef struct { char name[64]; int nt; fx_tensor t[FX_MAX_TENSORS]; } fx_case;

typedef struct { const unsigned char *p, *end; int bad; } fx_cur;

static int32_t fx_i32(fx_cur *c) {
    uint32_t v;
    if (c->end - c->p < 4) { c->bad = 1; return 0; }
    v = (uint32_t)c->p[0] | (uint32_t)c->p[1] << 8 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[3] << 24;
    c->p += 4;
    return (int32_t)v;
}
static void fx_str(fx_cur *c, char *dst, int cap) {
    int32_t n = fx_i32(c);
    if (c->bad || n < 0 || n >= cap || c->end - c->p < n) { c->bad = 1; dst[0] = 0; return; }
    memcpy(dst, c->p, (size_t)n);
    dst[n] = 0;
    c->p += n;
}

/* Parses one case; data pointers point into the (aligned copy of the) file. */
static int fx_read_case(fx_cur *c, fx_case *fc) {
    int i, k;
    fx_str(c, fc->name, sizeof fc->name);
    fc->nt = fx_i32(c);
    if (c->bad || fc->nt < 1 || fc->nt > FX_MAX_TENSORS) return 0;
    for (i = 0; i < fc->nt; i++) {
        fx_tensor *t = &fc->t[i];
        fx_str(c, t->name, sizeof t->name);
        t->nd = fx_i32(c);
        if (c->bad || t->nd < 0 || t->nd > 4) return 0;
        t->n = 1;
        for (k = 0; k < t->nd; k++) {
            t->shape[k] = fx_i32(c);
            if (t->shape[k] < 0 || t->shape[k] > 100000) return 0;
            t->n *= (size_t)t->shape[k];
        }
        if (c->bad || (size_t)(c->end - c->p) / 4 < t->n) return 0;
        t->data = (float *)malloc(t->n * sizeof(float) + 1);
        memcpy(t->data, c->p, t->n * sizeof(float)); /* little-endian hosts only */
        c->p += t->n * 4;
    }
    return 1;
}

static fx_tensor *fx_get(fx_case *fc, const char *name) {
    int i;
    for (i = 0; i < fc->nt; i++) if (strcmp(fc->t[i].name, name) == 0) return &fc->t[i];
    return 0;
}

RSE__UNUSED static void fx_compare(const char *cs, const char *what, const float *c, const fx_tensor *ref, double tol) {
    double maxref = 0, maxerr = 0;
    size_t i;
    for (i = 0; i < ref->n; i++) if (fabs(ref->data[i]) > maxref) maxref = fabs(ref->data[i]);
    for (i = 0; i < ref->n; i++) {
        double e = fabs((double)c[i] - ref->data[i]);
        if (!(e <= maxerr)) maxerr = e; /* NaN propagates as a failure */
    }
    CHECK(maxerr <= tol * (maxref > 0 ? maxref : 1), "%s %s: max error %g, scale %g (tolerance %g relative)",
          cs, what, maxerr, maxref, tol);
}


#ifndef RSE_NO_CLIP
/* A text guide whose template directions are the fixture's (unit rows,
   K x dim each), without a tokenizer; the score's text is hr's first row
   (unused by the reference tests). */
static inline rse_text_guide *fx_guide(rse_clip *clip, const fx_tensor *lr, const fx_tensor *hr, int views) {
    rse_text_guide *g;
    rse_clip_info info;
    int nl[2], dim;
    if (!lr || !hr) return 0;
    rse_clip_get_info(clip, &info);
    dim = info.embed_dim;
    nl[0] = lr->shape[0]; nl[1] = hr->shape[0];
    if (lr->shape[1] != dim || hr->shape[1] != dim) return 0;
    if (rse__text_guide_alloc(&g, clip, nl, RSE_TEMPLATES_AUTO, views) != RSE_STATUS_OK) return 0;
    memcpy(g->dir[0], lr->data, (size_t)nl[0] * dim * sizeof(float));
    memcpy(g->dir[1], hr->data, (size_t)nl[1] * dim * sizeof(float));
    memcpy(g->text, hr->data, (size_t)dim * sizeof(float)); /* the score's text: unused here */
    return g;
}
#endif

/* Loads a whole fixture file; returns the buffer (free it) and sets *c to
   the first case, after checking the magic. NULL if missing or bad. */
static unsigned char *fx_open(const char *path, fx_cur *c, int *ncase) {
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long len;
    if (!f) return 0;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = (unsigned char *)malloc(len > 0 ? (size_t)len : 1);
    if (len <= 12 || fread(buf, 1, (size_t)len, f) != (size_t)len || memcmp(buf, "RSEOPS1", 8) != 0) {
        fclose(f);
        free(buf);
        return 0;
    }
    fclose(f);
    c->p = buf + 8; c->end = buf + len; c->bad = 0;
    *ncase = fx_i32(c);
    return buf;
}

static void fx_free_case(fx_case *fc) {
    int k;
    for (k = 0; k < fc->nt; k++) free(fc->t[k].data);
    fc->nt = 0;
}
#endif
