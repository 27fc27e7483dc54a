/* Import of reference SinDDM checkpoints (rse_sinddm_import_mem) against
   tests/fixtures/sinddm/ckpt_*.{pt,ppm,bin} from
   tools/make_sinddm_ckpt_fixture.py: a torch.save of the reference trainer's
   dict (step, model, ema, sched with its collections.Counter, running_loss,
   running_scale) at dim 8, its training image, and the EMA denoiser's output
   for one input. The import must reproduce that output; hostile variants,
   made here by patching the archive's data.pkl, must be refused with a
   message that says what is wrong. */
#include "test.h"
#include "fixture.h"

#define T_DIR "tests/fixtures/sinddm/"

/* ---- rebuilding the archive with a patched data.pkl ---------------------- */

/* Replaces every occurrence of the k bytes `from` by `to` in p[0..n). */
static int t_patchn(unsigned char *p, size_t n, const char *from, const char *to, size_t k) {
    size_t i;
    int hits = 0;
    for (i = 0; i + k <= n; i++)
        if (!memcmp(p + i, from, k)) { memcpy(p + i, to, k); hits++; i += k - 1; }
    return hits;
}
static int t_patch(unsigned char *p, size_t n, const char *from, const char *to) {
    return t_patchn(p, n, from, to, strlen(from));
}

/* The archive again (stored entries, fresh CRCs), with data.pkl passed
   through edit(). Returns the number of edits made (0 = the patch missed). */
static int t_rebuild(const unsigned char *src, size_t len, t_buf *out,
                     int (*edit)(unsigned char *p, size_t n)) {
    rse__zip z;
    rse__arena a;
    size_t i, cd, cdn, *off;
    int hits = 0;
    rse__arena_init(&a, 0, 0);
    memset(out, 0, sizeof *out);
    if (rse__zip_open(&z, src, len, &a) != RSE_STATUS_OK) { rse__arena_free(&a); return 0; }
    off = (size_t *)calloc(z.n + 1, sizeof *off);
    /* the central directory below takes each CRC and size back from the
       local header written here */
    for (i = 0; i < z.n; i++) {
        const rse__zip_entry *e = &z.e[i];
        const unsigned char *d;
        unsigned char *copy;
        size_t n;
        if (rse__zip_read(&z, e, &a, 0, &d, &n) != RSE_STATUS_OK) continue;
        copy = (unsigned char *)malloc(n + 1);
        memcpy(copy, d, n);
        if (e->name_len >= 9 && !memcmp(e->name + e->name_len - 9, "/data.pkl", 9)) hits += edit(copy, n);
        off[i] = out->n;
        t_u32(out, 0x04034b50); t_u16(out, 20); t_u16(out, 0); t_u16(out, 0); t_u32(out, 0);
        t_u32(out, rse__crc32(copy, n)); t_u32(out, (uint32_t)n); t_u32(out, (uint32_t)n);
        t_u16(out, (unsigned)e->name_len); t_u16(out, 0); t_put(out, e->name, e->name_len);
        t_put(out, copy, n);
        free(copy);
    }
    cd = out->n;
    for (i = 0; i < z.n; i++) {
        const rse__zip_entry *e = &z.e[i];
        const unsigned char *lh = out->p + off[i];
        uint32_t crc = (uint32_t)lh[14] | (uint32_t)lh[15] << 8 | (uint32_t)lh[16] << 16 | (uint32_t)lh[17] << 24;
        uint32_t n = (uint32_t)lh[22] | (uint32_t)lh[23] << 8 | (uint32_t)lh[24] << 16 | (uint32_t)lh[25] << 24;
        t_u32(out, 0x02014b50); t_u16(out, 20); t_u16(out, 20); t_u16(out, 0); t_u16(out, 0); t_u32(out, 0);
        t_u32(out, crc); t_u32(out, n); t_u32(out, n);
        t_u16(out, (unsigned)e->name_len); t_u16(out, 0); t_u16(out, 0); t_u16(out, 0); t_u16(out, 0); t_u32(out, 0);
        t_u32(out, (uint32_t)off[i]); t_put(out, e->name, e->name_len);
    }
    cdn = out->n - cd;
    t_u32(out, 0x06054b50); t_u16(out, 0); t_u16(out, 0); t_u16(out, (unsigned)z.n); t_u16(out, (unsigned)z.n);
    t_u32(out, (uint32_t)cdn); t_u32(out, (uint32_t)cd); t_u16(out, 0);
    free(off);
    rse__arena_free(&a);
    return hits;
}

static int t_edit_none(unsigned char *p, size_t n) { (void)p; (void)n; return 1; }
static int t_edit_missing(unsigned char *p, size_t n) {
    return t_patch(p, n, "denoise_fn.l3.net.2.weight", "denoise_fn.l3.net.2.weighx");
}
/* l1's depthwise bias has 3 channels, l2's has dim/2 = 4: swapping the
   names gives two tensors of the wrong shape. */
static int t_edit_shape(unsigned char *p, size_t n) {
    return t_patch(p, n, "denoise_fn.l1.ds_conv.bias", "denoise_fn.lX.ds_conv.bias") +
           t_patch(p, n, "denoise_fn.l2.ds_conv.bias", "denoise_fn.l1.ds_conv.bias") +
           t_patch(p, n, "denoise_fn.lX.ds_conv.bias", "denoise_fn.l2.ds_conv.bias");
}
/* GLOBAL 'collections Counter' becomes 'builtins __import__' (same length) */
static int t_edit_global(unsigned char *p, size_t n) {
    return t_patch(p, n, "collections\nCounter\n", "builtins\n__import__\n");
}
/* the key 'ema' (BINUNICODE: 'X', length 3, the bytes) becomes 'emz' */
static int t_edit_noema(unsigned char *p, size_t n) { return t_patchn(p, n, "X\x03\0\0\0ema", "X\x03\0\0\0emz", 8); }

/* Imports a patched archive; returns the status, the message in msg. */
static rse_status t_import_edit(const unsigned char *src, size_t len, const rse_image *img,
                                int (*edit)(unsigned char *, size_t), const char *what, char *msg, size_t cap) {
    t_buf b;
    rse_sinddm *m = 0;
    rse_status st;
    int hits = t_rebuild(src, len, &b, edit);
    rse_clear_error();
    CHECK(hits > 0, "%s: the patch found its target in data.pkl", what);
    st = rse_sinddm_import_mem(&m, b.p, b.n, img);
    rse__fmt(msg, cap, "%s", rse_last_error());
    if (getenv("T_VERBOSE")) printf("%s: %s\n", what, msg);
    rse_sinddm_free(m);
    free(b.p);
    return st;
}

static void test_import(void) {
    size_t n = 0;
    unsigned char *ck = t_read(T_DIR "ckpt_ref.pt", &n);
    rse_image img, other;
    rse_sinddm *m = 0;
    fx_cur cur;
    fx_case *fc = (fx_case *)calloc(1, sizeof *fc);
    int ncase = 0;
    unsigned char *fxbuf = fx_open(T_DIR "ckpt_out.bin", &cur, &ncase);
    char msg[512];
    rse_status st;

    CHECK(ck && fxbuf && ncase == 1 && fx_read_case(&cur, fc), "fixtures " T_DIR "ckpt_ref.pt and ckpt_out.bin readable");
    CHECK(rse_image_load(T_DIR "ckpt_image.ppm", &img) == RSE_STATUS_OK, "training image: %s", rse_last_error());
    if (!ck || !fxbuf || !img.data) goto out;

    st = rse_sinddm_import_mem(&m, ck, n, &img);
    CHECK(st == RSE_STATUS_OK, "import: %s", rse_last_error());
    if (m) {
        fx_tensor *x = fx_get(fc, "x"), *t = fx_get(fc, "t"), *p = fx_get(fc, "p"), *o = fx_get(fc, "out"),
                  *L = fx_get(fc, "losses");
        CHECK(m->net.dim == 8, "dim inferred from the shapes: %d", m->net.dim);
        CHECK(m->pyr.n == 2 && m->pyr.w[0] == 55 && m->pyr.w[1] == 80, "pyramid of the 80x80 image: 55, 80");
        /* the rescale loss is computed from the same 8-bit images as Pillow's;
           the fixture stores it as float32: 1e-6 relative covers that */
        if (L) CHECK(fabs(m->pyr.loss[1] - L->data[0]) <= 1e-6 * L->data[0], "rescale loss %.9g vs Pillow's %.9g",
                     m->pyr.loss[1], (double)L->data[0]);
        if (x && t && p && o && x->nd == 4) {
            rse__tape tp;
            rse__tensor *xt, *y;
            int ts[8], b;
            rse__arena a, s;
            rse__arena_init(&a, 0, 0);
            rse__arena_init(&s, 0, 0);
            rse__tape_init(&tp, &a, &s);
            tp.no_grad = 1;
            for (b = 0; b < x->shape[0] && b < 8; b++) ts[b] = (int)t->data[b];
            xt = rse__tensor_wrap(&tp, x->data, 4, x->shape);
            y = rse__sd_forward(&tp, &m->ema_net, xt, ts, (int)p->data[0]);
            CHECK(y != 0, "forward: %s", rse_last_error());
            /* the forward target of the project: 1e-5 relative to the
               output's scale (float32 convolutions summed in another order) */
            if (y) fx_compare("import", "EMA denoiser output", y->data, o, 1e-5);
            if (y) {
                double maxref = 0, maxerr = 0;
                size_t i;
                for (i = 0; i < o->n; i++) {
                    if (fabs(o->data[i]) > maxref) maxref = fabs(o->data[i]);
                    if (fabs(y->data[i] - o->data[i]) > maxerr) maxerr = fabs(y->data[i] - o->data[i]);
                }
                printf("import: EMA output max abs error %.3g (relative %.3g)\n", maxerr, maxerr / maxref);
            }
            rse__arena_free(&a);
            rse__arena_free(&s);
        }
        CHECK(!memcmp(m->w, m->ema, m->net.total * sizeof(float)), "training weights = EMA weights after import");
        /* an imported model samples like any other */
        {
            rse_sample_params sp;
            rse_image o1;
            rse_sample_params_init(&sp);
            sp.seed = 3;
            st = rse_sinddm_sample(m, &sp, &o1, 0, 0);
            CHECK(st == RSE_STATUS_OK && o1.w == 80 && o1.h == 80, "sample from the imported model: %s", rse_last_error());
            if (st == RSE_STATUS_OK) rse_image_free(&o1);
        }
        rse_sinddm_free(m);
        m = 0;
    }

    /* the archive rebuilt unchanged still imports (checks the rebuilder) */
    st = t_import_edit(ck, n, &img, t_edit_none, "unchanged", msg, sizeof msg);
    CHECK(st == RSE_STATUS_OK, "rebuilt archive imports: %s", msg);
    st = t_import_edit(ck, n, &img, t_edit_missing, "missing key", msg, sizeof msg);
    CHECK(st != RSE_STATUS_OK && strstr(msg, "missing tensor 'denoise_fn.l3.net.2.weight'"), "missing key refused: %s", msg);
    st = t_import_edit(ck, n, &img, t_edit_shape, "wrong shape", msg, sizeof msg);
    CHECK(st != RSE_STATUS_OK && strstr(msg, "ds_conv.bias") && strstr(msg, "shape"), "wrong shape refused: %s", msg);
    st = t_import_edit(ck, n, &img, t_edit_global, "forbidden global", msg, sizeof msg);
    CHECK(st == RSE_STATUS_UNSUPPORTED && strstr(msg, "builtins.__import__") && strstr(msg, "refusing"),
          "forbidden pickle global refused: %s", msg);
    st = t_import_edit(ck, n, &img, t_edit_noema, "no ema", msg, sizeof msg);
    CHECK(st != RSE_STATUS_OK && strstr(msg, "'ema'"), "archive without 'ema' refused: %s", msg);

    /* truncations and bit flips: refused, never a crash */
    {
        size_t cut;
        int refused = 0, tries = 0;
        for (cut = 0; cut < n; cut += n / 37 + 1, tries++) {
            if (rse_sinddm_import_mem(&m, ck, cut, &img) != RSE_STATUS_OK) refused++;
            else { rse_sinddm_free(m); m = 0; }
        }
        CHECK(refused == tries, "every truncation refused (%d of %d)", refused, tries);
    }

    /* without the image, or with another image */
    st = rse_sinddm_import_mem(&m, ck, n, 0);
    CHECK(st == RSE_STATUS_BAD_ARG && strstr(rse_last_error(), "--image"), "no image: %s", rse_last_error());
    if (rse_image_alloc(&other, 80, 80, 3) == RSE_STATUS_OK) {
        size_t i;
        for (i = 0; i < (size_t)3 * 80 * 80; i++) other.data[i] = img.data[i] * 0.5f + 0.25f;
        st = rse_sinddm_import_mem(&m, ck, n, &other);
        CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "gammas"), "another image (same size): %s",
              rse_last_error());
        rse_image_free(&other);
    }
    if (rse_image_alloc(&other, 160, 120, 3) == RSE_STATUS_OK) {
        st = rse_sinddm_import_mem(&m, ck, n, &other);
        CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "scales"), "another image (3 scales): %s",
              rse_last_error());
        rse_image_free(&other);
    }
    /* an rsedit checkpoint or junk is not a torch archive */
    st = rse_sinddm_import_mem(&m, "RSESDDM\0junk", 12, &img);
    CHECK(st == RSE_STATUS_BAD_FORMAT, "junk refused: %s", rse_last_error());
out:
    rse_image_free(&img);
    fx_free_case(fc);
    free(fc);
    free(fxbuf);
    free(ck);
}

int main(void) {
    test_import();
    return t_report("test_sinddm_import");
}
