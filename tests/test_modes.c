/* Every mode of the command line once, on tiny inputs: train, sample, and
   edit with a text (whole image, one ROI, several ROIs, a mask image, two
   edits with --count 2, a prompt file, from noise), a content copy, a copy
   plus a text, and a window of a larger image. Each run must exit 0 and
   write an output of the input's size.

   Its main purpose is `make msan`: this program built with clang's
   MemorySanitizer (scalar kernels, so every byte the library computes is
   tracked) reports any read of uninitialised memory in these paths, which
   ASan and UBSan cannot see. An ROI text edit once mixed the momentum
   buffer of a coarser scale into a finer one (issue 19); the edits here run
   over several scales with guidance on each, so a buffer laid out for the
   wrong scale is read here first.

   The text modes need the shared vocabulary and tiny CLIP; they say
   "skipped" when ../shared is absent. */
#include "test.h"
#include "cli.h"

/* After an edit: exit 0, and the output (then its sidecar) has the input's
   size; both removed. */
static void t_done(const char *what, int rc, const char *out, int w, int h) {
    int ow = 0, oh = 0;
    char *js;
    CHECK(rc == 0, "%s: exit %d: %s", what, rc, t_err);
    if (rc == 0)
        CHECK(t_image_size(out, &ow, &oh) && ow == w && oh == h, "%s: output %dx%d, the input %dx%d", what, ow, oh, w, h);
    remove(out);
    if ((js = rse__cli_swap_ext(out, ".json")) != 0) { remove(js); RSE_FREE(js); }
}

int main(void) {
    const char *ckpt = RSE_SHARED "/data/clip/fixtures/tiny_vit_fp32.pt";
    const char *vocab = RSE_SHARED "/data/clip/bpe_simple_vocab_16e6.txt.gz";
    char img[256], big[256], model[256], wmodel[256], maskp[256], prompts[256], o[256], a[256];
    int rc, W = 0, H = 0;
    sprintf(t_dir, "/tmp/rsedit_modes_%ld", (long)getpid());
    if (mkdir(t_dir, 0700) != 0) { SKIP("cannot create %s", t_dir); return t_report("test_modes"); }
    {
        /* tests/fixtures/edit/image.ppm (123x71, pyramid 73x42, 95x55,
           123x71): a smooth field whose start steps are 100, 10 and 6, so
           an edit from scale 1 is 16 steps (a detailed crop of that size
           starts at 57 and 47: 6x the time under MemorySanitizer for the
           same paths). The window mode gets it inside a 160x100 canvas
           (edge pixels repeated); a mask image with a white box. */
        rse_image s, c, m;
        int x, y, k;
        if (rse_image_load("tests/fixtures/edit/image.ppm", &s) != RSE_STATUS_OK || s.w != 123 || s.h != 71) {
            CHECK(0, "tests/fixtures/edit/image.ppm: %s", rse_last_error());
            return t_report("test_modes");
        }
        rse_image_save(t_path(img, "in.ppm"), &s);
        rse_image_alloc(&c, 160, 100, 3);
        for (k = 0; k < 3; k++)
            for (y = 0; y < 100; y++)
                for (x = 0; x < 160; x++) {
                    int sx = x - 20 < 0 ? 0 : x - 20 > 122 ? 122 : x - 20, sy = y - 15 < 0 ? 0 : y - 15 > 70 ? 70 : y - 15;
                    c.data[((size_t)k * 100 + y) * 160 + x] = s.data[((size_t)k * 71 + sy) * 123 + sx];
                }
        rse_image_save(t_path(big, "big.ppm"), &c);
        rse_image_free(&c);
        rse_image_free(&s);
        rse_image_alloc(&m, 123, 71, 1);
        for (y = 0; y < 71; y++)
            for (x = 0; x < 123; x++) m.data[y * 123 + x] = x >= 60 && x < 100 && y >= 20 && y < 50 ? 1.0f : 0.0f;
        rse_image_save(t_path(maskp, "mask.pgm"), &m);
        rse_image_free(&m);
    }
    t_path(model, "m.rsm");
    CHECK(t_image_size(img, &W, &H) && W == 123 && H == 71, "input written");

    rc = t_run("train", img, "-o", model, "--preset", "tiny", "--dim", "8", "--steps", "3", "--quiet", (char *)0);
    CHECK(rc == 0, "train: %s", t_err);
    rc = t_run("pyramid", img, (char *)0);
    CHECK(rc == 0 && strstr(t_out, "\n2 "), "three scales or more:\n%s", t_out);
    rc = t_run("sample", model, "-o", t_path(o, "s.ppm"), "--count", "2", "--seed", "2", "--quiet", (char *)0);
    CHECK(rc == 0, "sample: %s", t_err);
    remove(t_path(a, "s_0.ppm")); remove(t_path(a, "s_1.ppm")); remove(t_path(a, "s.json"));

    /* copy: no CLIP needed */
    {
        rc = t_run("edit", model, img, "-o", t_path(o, "c.ppm"), "--copy-from", "20x16+4+4", "--copy-to", "20x16+80+50",
                   "--quiet", (char *)0);
        t_done("copy", rc, o, 123, 71);
    }

    if (!t_have_file(ckpt) || !t_have_file(vocab)) {
        SKIP("text edits under every mode: the shared tiny CLIP or vocabulary is absent");
    } else {
/* one plain view (no augmentation) except for the first two edits: the
   views' code is the same in every mode, and under MemorySanitizer each
   augmented view costs more than the rest of a guided step */
#define CL "--clip", ckpt, "--clip-heads", "2,2", "--vocab", vocab, "--views", "1"
#define CL2 "--clip", ckpt, "--clip-heads", "2,2", "--vocab", vocab, "--views", "2"
        /* text edits start at scale 1 of 3 (the default), so guidance
           runs, and its buffers move, across two scales (the whole-image
           edit starts one below the finest, which is scale 1 here too) */
        const char *t = "--text", *fire = "a fire in the forest";
        rc = t_run("edit", model, img, "-o", t_path(o, "w.ppm"), t, fire, CL2, "--quiet", (char *)0);
        t_done("whole-image text edit", rc, o, 123, 71);
        rc = t_run("edit", model, img, "-o", t_path(o, "r.ppm"), t, fire, CL2, "--roi", "40x30+60+30",
                   "--save-mask", "--quiet", (char *)0);
        t_done("ROI text edit", rc, o, 123, 71); remove(t_path(a, "r_mask.pgm"));
        rc = t_run("edit", model, img, "-o", t_path(o, "rr.ppm"), t, fire, CL, "--roi", "24x20+8+8",
                   "--roi", "32x24+72+40", "--fill", "1", "--quiet", (char *)0);
        t_done("two ROIs, fill 1", rc, o, 123, 71);
        rc = t_run("edit", model, img, "-o", t_path(o, "m.ppm"), t, fire, CL, "--mask", maskp,
                   "--quiet", (char *)0);
        t_done("mask text edit", rc, o, 123, 71);
        rc = t_run("edit", model, img, "-o", t_path(o, "n.ppm"), t, fire, CL, "--roi", "40x30+60+30",
                   "--count", "2", "--quiet", (char *)0);
        CHECK(rc == 0, "two ROI edits in one run: %s", t_err);
        remove(t_path(a, "n_0.ppm")); remove(t_path(a, "n_1.ppm")); remove(t_path(a, "n.json"));
        {
            FILE *f = fopen(t_path(prompts, "p.txt"), "w");
            if (f) { fputs("# two\na fire in the forest\nflames over trees\n", f); fclose(f); }
        }
        rc = t_run("edit", model, img, "-o", t_path(o, "p.ppm"), "--prompts", prompts, CL, "--roi", "40x30+60+30",
                   "--quiet", (char *)0);
        t_done("prompt file", rc, o, 123, 71); remove(prompts);
        rc = t_run("edit", model, img, "-o", t_path(o, "f.ppm"), t, fire, CL, "--from-noise", "--quiet", (char *)0);
        t_done("from noise", rc, o, 123, 71);
        rc = t_run("edit", model, img, "-o", t_path(o, "ct.ppm"), t, fire, CL, "--copy-from", "20x16+4+4", "--copy-to",
                   "20x16+80+50", "--quiet", (char *)0);
        t_done("copy + text", rc, o, 123, 71);
        rc = t_run("edit", model, img, "-o", t_path(o, "ctr.ppm"), t, fire, CL, "--copy-from", "20x16+4+4", "--copy-to",
                   "20x16+80+50", "--roi", "24x20+8+45", "--quiet", (char *)0);
        t_done("copy + text in its own ROI", rc, o, 123, 71);
        /* a window of the larger image, with a model trained on it */
        rc = t_run("train", big, "-o", t_path(wmodel, "wm.rsm"), "--window", "123x71+20+15", "--preset", "tiny", "--dim",
                   "8", "--steps", "2", "--quiet", (char *)0);
        CHECK(rc == 0, "train on a window: %s", t_err);
        rc = t_run("edit", wmodel, big, "-o", t_path(o, "win.ppm"), t, fire, CL, "--window", "123x71+20+15", "--roi",
                   "40x30+80+50", "--quiet", (char *)0);
        CHECK(rc == 0, "window edit: %s", t_err);
        {
            int ww = 0, wh = 0;
            CHECK(t_image_size(o, &ww, &wh) && ww == 160 && wh == 100, "window edit keeps the large image's size: %dx%d", ww, wh);
        }
        remove(o); remove(t_path(a, "win.json"));
        {
            /* a mask of the large image's size is cut to the window */
            rse_image m;
            char bm[256];
            int x, y;
            rse_image_alloc(&m, 160, 100, 1);
            for (y = 0; y < 100; y++)
                for (x = 0; x < 160; x++) m.data[y * 160 + x] = x >= 80 && x < 120 && y >= 50 && y < 80 ? 1.0f : 0.0f;
            rse_image_save(t_path(bm, "bigmask.pgm"), &m);
            rse_image_free(&m);
            rc = t_run("edit", wmodel, big, "-o", t_path(o, "winm.ppm"), t, fire, CL, "--window", "123x71+20+15", "--mask",
                       bm, "--quiet", (char *)0);
            t_done("window edit with a mask of the large image's size", rc, o, 160, 100);
            remove(bm);
        }
        remove(wmodel);
#undef CL
#undef CL2
    }
    remove(model); remove(img); remove(big); remove(maskp);
    CHECK(rmdir(t_dir) == 0, "every temporary file removed (%s)", t_dir);
    return t_report("test_modes");
}
