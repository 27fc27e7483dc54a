/* tests/fuzz/make_seeds.c - writes the fuzz seeds that rsedit itself makes:
   SinDDM checkpoints (sinddm/), mask images (mask/) and writer inputs (png/).
   The torch, pickle, zip, gzip, safetensors, vocab, prompt and ROI seeds
   come from make_seeds.py. Developer tool; from the repository root:
       cc -std=c99 -O2 -o build/make_seeds tests/fuzz/make_seeds.c -lm -lpthread
       build/make_seeds                                                   */
#define RSE_NO_MAIN
#include "../../rsedit.c"

static void put(const char *target, const char *name, const void *data, size_t n) {
    char path[256];
    FILE *f;
    snprintf(path, sizeof path, "tests/fuzz/corpus/%s/%s", target, name);
    f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n) { fprintf(stderr, "cannot write %s\n", path); exit(1); }
    fclose(f);
    if (n >= 65536) { fprintf(stderr, "%s: %zu bytes, over the 64 KB seed limit\n", path, n); exit(1); }
}

typedef struct { unsigned char *p; size_t n, cap; } buf;
static int sink(void *ctx, const void *d, size_t n) {
    buf *b = (buf *)ctx;
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = (unsigned char *)realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
    return 0;
}

static void image(rse_image *im, int w, int h, int c, unsigned seed) {
    int x, y, k;
    rse_image_alloc(im, w, h, c);
    for (k = 0; k < c; k++)
        for (y = 0; y < h; y++)
            for (x = 0; x < w; x++)
                im->data[((size_t)k * h + y) * w + x] =
                    0.5f + 0.4f * sinf(0.37f * x + 1.3f * k + (float)seed) * cosf(0.29f * y);
}

/* sinddm seeds are edit scripts on the fuzz target's built-in checkpoint
   (see targets.h): 'E', cut (3 bytes LE), then (offset 3 bytes, count,
   bytes)... The header: magic [0,8), version @8, flags @12, dim @16, T @20,
   scales @24, then per scale w, h, t_start (u32) and loss (f64) from @28. */
static void edit_seed(const char *name, unsigned cut, unsigned off, const void *bytes, int n) {
    unsigned char s[64];
    int k = 0;
    s[k++] = 'E';
    s[k++] = (unsigned char)cut; s[k++] = (unsigned char)(cut >> 8); s[k++] = (unsigned char)(cut >> 16);
    if (n) {
        s[k++] = (unsigned char)off; s[k++] = (unsigned char)(off >> 8); s[k++] = (unsigned char)(off >> 16);
        s[k++] = (unsigned char)n;
        memcpy(s + k, bytes, (size_t)n);
        k += n;
    }
    put("sinddm", name, s, (size_t)k);
}

static void save_img(const char *target, const char *name, rse_format f, int bits, int w, int h, int c, unsigned seed) {
    rse_image im;
    buf b = { 0, 0, 0 };
    image(&im, w, h, c, seed);
    if (rse_image_save_mem(&im, f, bits, sink, &b)) { fprintf(stderr, "%s\n", rse_last_error()); exit(1); }
    put(target, name, b.p, b.n);
    free(b.p);
    rse_image_free(&im);
}

int main(void) {
    unsigned char png[600];
    size_t i;
    {
        static const unsigned char four[4] = { 4, 0, 0, 0 }, big[4] = { 0xff, 0xff, 0xff, 0xff }, nine[4] = { 9, 0, 0, 0 },
                                   fifty[4] = { 50, 0, 0, 0 }, two[4] = { 2, 0, 0, 0 }, zero[4] = { 0, 0, 0, 0 };
        edit_seed("template", 0, 0, 0, 0);
        edit_seed("cut_header", 100, 0, 0, 0);
        edit_seed("cut_weights", 40000, 0, 0, 0);
        edit_seed("version2", 0, 8, two, 4);
        edit_seed("flags0", 0, 12, zero, 4);
        edit_seed("dim4", 0, 16, four, 4);
        edit_seed("T50", 0, 20, fifty, 4);
        edit_seed("scales9", 0, 24, nine, 4);
        edit_seed("w_huge", 0, 28, big, 4);
        edit_seed("tstart_big", 0, 36, big, 4);
        edit_seed("loss_nan", 0, 40, big, 4);
    }
    {   /* a whole file can be given too: a header that ends early */
        static const unsigned char hd[] = "RSESDDM\0\1\0\0\0\1\0\0\0\2\0\0\0d\0\0\0\2\0\0\0";
        put("sinddm", "header_only.rsm", hd, sizeof hd - 1);
    }
    save_img("mask", "rect.pgm", RSE_FORMAT_PGM, 8, 40, 30, 1, 1);
    save_img("mask", "rgb16.ppm", RSE_FORMAT_PPM, 16, 17, 9, 3, 2);
    save_img("mask", "tiny.bmp", RSE_FORMAT_BMP, 8, 3, 2, 3, 3);
    save_img("mask", "one.pgm", RSE_FORMAT_PGM, 8, 1, 1, 1, 4);
    save_img("mask", "wide.pgm", RSE_FORMAT_PGM, 8, 200, 3, 1, 5);
    /* png target: 4 header bytes (w, h, channels) then pixel bytes */
    for (i = 0; i < sizeof png; i++) png[i] = (unsigned char)(i * 37 + 11);
    png[0] = 7; png[1] = 0; png[2] = 5; png[3] = 0x80;
    put("png", "rgb_8x6.bin", png, 64);
    png[0] = 159; png[1] = 0; png[2] = 159; png[3] = 0x80; /* 160x160 rgb: two stored blocks */
    put("png", "rgb_160.bin", png, sizeof png);
    png[0] = 0; png[1] = 0; png[2] = 0; png[3] = 0;
    for (i = 4; i < 16; i++) png[i] = (unsigned char)(i - 4); /* the special values */
    put("png", "gray_1x1_special.bin", png, 16);
    png[0] = 15; png[2] = 15; png[3] = 0;
    put("png", "gray_16.bin", png, 4);
    printf("make_seeds: ok\n");
    return 0;
}
