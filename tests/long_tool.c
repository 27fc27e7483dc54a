/* tests/long_tool.c - small checks for tests/kill_resume.sh (make test-long),
   which drives the rsedit program itself:
     long_tool image OUT W H SEED   write a test image (PPM)
     long_tool model FILE [STEP]    FILE loads as an rsedit model (and is at
                                    step STEP); prints its step
     long_tool same A B             A and B hold bit-identical weights, EMA,
                                    Adam moments, step and RNG position
     long_tool image-ok FILE W H    FILE decodes as a W x H image
     long_tool diff A B             max |A - B| over the pixels of two
                                    images, in 8-bit levels, printed
   Exit status 0 = yes / done, 1 = no. Not a test_*.c: run by the script. */
#define RSE_NO_MAIN
#include "../rsedit.c"

static int model(int argc, char **argv) {
    rse_sinddm *m;
    if (rse_sinddm_load(&m, argv[2]) != RSE_STATUS_OK) { fprintf(stderr, "long_tool: %s\n", rse_last_error()); return 1; }
    printf("%ld\n", m->step);
    if (argc > 3 && m->step != atol(argv[3])) { rse_sinddm_free(m); return 1; }
    rse_sinddm_free(m);
    return 0;
}

static int same(char **argv) {
    rse_sinddm *a, *b;
    int ok;
    size_t n;
    if (rse_sinddm_load(&a, argv[2]) != RSE_STATUS_OK) { fprintf(stderr, "long_tool: %s\n", rse_last_error()); return 1; }
    if (rse_sinddm_load(&b, argv[3]) != RSE_STATUS_OK) { fprintf(stderr, "long_tool: %s\n", rse_last_error()); rse_sinddm_free(a); return 1; }
    n = a->net.total * sizeof(float);
    ok = a->net.total == b->net.total && a->step == b->step && a->rng.key == b->rng.key && a->rng.pos == b->rng.pos &&
         !memcmp(a->w, b->w, n) && !memcmp(a->ema, b->ema, n) && !memcmp(a->m, b->m, n) && !memcmp(a->v, b->v, n);
    if (!ok) {
        size_t i;
        double d = 0;
        for (i = 0; a->net.total == b->net.total && i < a->net.total; i++)
            if (fabs((double)a->w[i] - b->w[i]) > d) d = fabs((double)a->w[i] - b->w[i]);
        printf("differ: steps %ld %ld, max |dw| %g\n", a->step, b->step, d);
    }
    rse_sinddm_free(a);
    rse_sinddm_free(b);
    return ok ? 0 : 1;
}

static int diff(char **argv) {
    rse_image a, b;
    size_t i, n;
    double d = 0;
    if (rse_image_load(argv[2], &a) != RSE_STATUS_OK) { fprintf(stderr, "long_tool: %s\n", rse_last_error()); return 1; }
    if (rse_image_load(argv[3], &b) != RSE_STATUS_OK) { fprintf(stderr, "long_tool: %s\n", rse_last_error()); return 1; }
    if (a.w != b.w || a.h != b.h || a.c != b.c) { printf("sizes differ\n"); return 1; }
    n = (size_t)a.w * a.h * a.c;
    for (i = 0; i < n; i++)
        if (fabs((double)a.data[i] - b.data[i]) > d) d = fabs((double)a.data[i] - b.data[i]);
    printf("%g\n", d * 255.0);
    rse_image_free(&a);
    rse_image_free(&b);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 6 && !strcmp(argv[1], "image")) {
        rse_image im;
        rse__rng r;
        int w = atoi(argv[3]), h = atoi(argv[4]), x, y, c;
        rse__rng_seed(&r, (uint64_t)atol(argv[5]));
        if (rse_image_alloc(&im, w, h, 3) != RSE_STATUS_OK) return 1;
        for (c = 0; c < 3; c++)
            for (y = 0; y < h; y++)
                for (x = 0; x < w; x++)
                    im.data[((size_t)c * h + y) * w + x] = 0.5f + 0.3f * sinf(0.3f * x + c) * cosf(0.2f * y) +
                        0.1f * rse__rng_uniform(&r) - ((x / 10 + y / 10) % 3 == 0 ? 0.2f : 0.f);
        return rse_image_save(argv[2], &im) == RSE_STATUS_OK ? 0 : 1;
    }
    if (argc >= 3 && !strcmp(argv[1], "model")) return model(argc, argv);
    if (argc >= 4 && !strcmp(argv[1], "same")) return same(argv);
    if (argc >= 5 && !strcmp(argv[1], "image-ok")) {
        rse_image im;
        int ok;
        if (rse_image_load(argv[2], &im) != RSE_STATUS_OK) { fprintf(stderr, "long_tool: %s\n", rse_last_error()); return 1; }
        ok = im.w == atoi(argv[3]) && im.h == atoi(argv[4]);
        rse_image_free(&im);
        return ok ? 0 : 1;
    }
    if (argc >= 4 && !strcmp(argv[1], "diff")) return diff(argv);
    fprintf(stderr, "usage: long_tool image|model|same|image-ok|diff ...\n");
    return 2;
}
