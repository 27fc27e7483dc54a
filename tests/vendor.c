/* tests/vendor.c - a program that uses rsedit as a vendored library: it
   includes rsedit.h only and links with an rsedit.o built with the same
   switches (tests/vendor.sh builds -DRSE_NO_CLI, -DRSE_NO_CLIP,
   -DRSE_NO_CLIP -DRSE_NO_STDIO and -DRSE_NO_CLIP -DRSE_NO_PNG_READ). It
   trains a tiny model for two steps, round-trips it through a memory
   checkpoint, makes a content copy and reads its PNG back, all
   from memory, so it runs with or without stdio in the library; what it
   checks is that those builds link and that the core they keep works.
   Exit status 0 on success, 1 with a line on stderr otherwise. */
#include "rsedit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every symbol a switch leaves out must be hidden from this program too:
   the header is configured by the same macros. */
#if defined(RSE_NO_CLIP) && !defined(RSE_NO_CLI)
#error "rsedit.h: RSE_NO_CLIP should imply RSE_NO_CLI"
#endif

typedef struct { unsigned char *p; size_t n, cap; } buf;

static int sink(void *ctx, const void *data, size_t n) {
    buf *b = (buf *)ctx;
    if (b->n + n > b->cap) {
        size_t cap = (b->n + n) * 2;
        unsigned char *q = (unsigned char *)realloc(b->p, cap);
        if (!q) return 1;
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
    return 0;
}

static int fail(const char *what) {
    fprintf(stderr, "vendor: %s: %s\n", what, rse_last_error());
    return 1;
}

int main(void) {
    rse_image img, out;
    rse_sinddm *m, *m2;
    rse_train_params tp;
    rse_edit_params ep;
    rse_roi from = { 4, 4, 10, 10 }, to = { 30, 20, 10, 10 };
    buf ck = { 0, 0, 0 }, png = { 0, 0, 0 };
    int x, y, c, changed = 0;

    /* a 48x40 picture: a bright square on a gradient */
    if (rse_image_alloc(&img, 48, 40, 3)) return fail("alloc");
    for (c = 0; c < 3; c++)
        for (y = 0; y < img.h; y++)
            for (x = 0; x < img.w; x++)
                img.data[((size_t)c * img.h + y) * img.w + x] =
                    x >= 4 && x < 14 && y >= 4 && y < 14 ? 0.9f : 0.1f + 0.3f * x / img.w + 0.1f * c;

    if (rse_train_params_init(&tp, "tiny")) return fail("preset");
    tp.steps = 2;
    if (rse_sinddm_create(&m, &img, &tp)) return fail("create");
    if (rse_sinddm_train(m, 0, NULL, NULL)) return fail("train");
    if (rse_sinddm_step(m) != 2) { fprintf(stderr, "vendor: trained %ld steps, not 2\n", rse_sinddm_step(m)); return 1; }
    if (rse_sinddm_save_mem(m, sink, &ck)) return fail("save");
    if (rse_sinddm_load_mem(&m2, ck.p, ck.n)) return fail("load");

    rse_edit_params_init(&ep);
    ep.copy = 1;
    ep.copy_from = from;
    ep.copy_to = &to;
    ep.ncopy_to = 1;
    if (rse_edit(m2, &img, &ep, &out, NULL, NULL)) return fail("edit");
    if (out.w != img.w || out.h != img.h || out.c != 3) { fprintf(stderr, "vendor: edit output has the wrong size\n"); return 1; }
    for (x = 0; x < out.w * out.h * 3; x++) changed += out.data[x] != img.data[x];
    if (!changed) { fprintf(stderr, "vendor: the copy changed nothing\n"); return 1; }
    if (rse_image_save_mem(&out, RSE_FORMAT_PNG, 8, sink, &png)) return fail("png");
    if (png.n < 8 || memcmp(png.p, "\x89PNG", 4)) { fprintf(stderr, "vendor: not a PNG\n"); return 1; }
    {   /* the PNG reads back (inflate is there without clip.c), or is
           refused as unsupported when the reader is left out */
        rse_image back;
        rse_status st = rse_image_load_mem(png.p, png.n, &back);
#ifndef RSE_NO_PNG_READ
        if (st) return fail("png read");
        if (back.w != out.w || back.h != out.h || back.c != 3) { fprintf(stderr, "vendor: PNG read back at the wrong size\n"); return 1; }
        rse_image_free(&back);
#else
        if (st != RSE_STATUS_UNSUPPORTED) { fprintf(stderr, "vendor: PNG input not refused under RSE_NO_PNG_READ\n"); return 1; }
#endif
    }

    rse_image_free(&out);
    rse_image_free(&img);
    rse_sinddm_free(m);
    rse_sinddm_free(m2);
    free(ck.p);
    free(png.p);
    printf("vendor: ok (%d values changed by the copy)\n", changed);
    return 0;
}
