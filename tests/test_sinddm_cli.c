/* The SinDDM commands of the CLI, run in-process through rse_cli_main with
   stdout and stderr captured: train (fresh, --until, --resume bit-exact
   against a straight run, flag agreement), sample (numbered outputs, sizes,
   --scale-mul, a reference torch checkpoint with --image), pyramid (--json
   against the library, -o DIR), quality (--json, --baseline), and the exit
   statuses: 1 with one line on stderr for bad input, 2 for bad usage.
   Files go to a fresh directory under /tmp, removed at the end. */
#include "test.h"

#include "cli.h"

/* A 96x72 image with structure at several scales (2 pyramid scales:
   64x48 and 96x72). */
static void t_write_image(const char *path, int w, int h, uint64_t seed) {
    rse_image im;
    rse__rng r;
    int x, y, c;
    rse__rng_seed(&r, seed);
    rse_image_alloc(&im, w, h, 3);
    for (c = 0; c < 3; c++)
        for (y = 0; y < h; y++)
            for (x = 0; x < w; x++)
                im.data[((size_t)c * h + y) * w + x] = 0.5f + 0.3f * sinf(0.3f * x + c) * cosf(0.2f * y) +
                                                       0.1f * rse__rng_uniform(&r) - ((x / 10 + y / 10) % 3 == 0 ? 0.2f : 0.f);
    rse_image_save(path, &im);
    rse_image_free(&im);
}

static void test_train(const char *img) {
    char a[256], b[256], c[256], other[256];
    rse_sinddm *m = 0;
    int rc;
    t_path(a, "a.rsm");
    t_path(b, "b.rsm");
    t_path(c, "c.rsm");
    /* 10 of 20 steps, then --resume on 2 threads: the bytes of a straight
       20-step run on 1 thread */
    rc = t_run("train", img, "-o", a, "--preset", "tiny", "--steps", "20", "--until", "10", "--seed", "3",
               "--threads", "1", "--quiet", (char *)0);
    CHECK(rc == 0 && t_err[0] == 0, "train --until 10: rc %d, stderr '%s'", rc, t_err);
    if (rse_sinddm_load(&m, a) == RSE_STATUS_OK) {
        CHECK(m->step == 10 && m->opt.steps == 20 && m->opt.dim == 16, "stopped at step 10 of 20 (dim %d)", m->opt.dim);
        rse_sinddm_free(m);
        m = 0;
    } else CHECK(0, "load %s: %s", a, rse_last_error());
    rc = t_run("train", img, "-o", a, "--resume", "--threads", "2", (char *)0);
    CHECK(rc == 0, "train --resume: rc %d, %s", rc, t_err);
    CHECK(strstr(t_err, "resuming") && strstr(t_err, "step 20/20") && strstr(t_err, "saved"),
          "progress on stderr (non-tty: lines): '%s'", t_err);
    rc = t_run("train", img, "-o", b, "--preset", "tiny", "--steps", "20", "--seed", "3", "--threads", "1", "--quiet",
               (char *)0);
    CHECK(rc == 0, "straight 20 steps: rc %d", rc);
    CHECK(t_same_file(a, b), "10 + resumed 10 steps = 20 straight steps, byte for byte");
    /* resuming a finished model does nothing */
    rc = t_run("train", img, "-o", a, "--resume", "--preset", "tiny", "--steps", "20", (char *)0);
    CHECK(rc == 0 && strstr(t_err, "already trained"), "finished model: %s", t_err);
    /* flags that change the run must agree */
    rc = t_run("train", img, "-o", a, "--resume", "--dim", "8", (char *)0);
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "--dim 16") && strstr(t_err, "--dim 8"), "--dim mismatch: %s", t_err);
    rc = t_run("train", img, "-o", a, "--resume", "--preset", "cpu", (char *)0);
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "--preset cpu"), "--preset mismatch: %s", t_err);
    rc = t_run("train", img, "-o", a, "--resume", "--seed", "4", (char *)0);
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "--seed"), "--seed mismatch: %s", t_err);
    rc = t_run("train", img, "-o", a, "--resume", "--coarse", "0.5", (char *)0);
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "--coarse 0.5"), "--coarse mismatch: %s", t_err);
    rc = t_run("train", img, "-o", a, "--coarse", "1", (char *)0);
    CHECK(rc == 2 && t_one_line() && strstr(t_err, "[0,1)"), "--coarse 1 refused: %s", t_err);
    rc = t_run("train", img, "-o", a, "--resume", "--t-focus", "on", (char *)0);
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "--t-focus on") && strstr(t_err, "--t-focus off"),
          "--t-focus mismatch: %s", t_err);
    rc = t_run("train", img, "-o", a, "--t-focus", "yes", (char *)0);
    CHECK(rc == 2 && t_one_line() && strstr(t_err, "on or off"), "--t-focus yes refused: %s", t_err);
    t_write_image(t_path(other, "other.ppm"), 96, 72, 77);
    rc = t_run("train", other, "-o", a, "--resume", (char *)0);
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "another image"), "another image: %s", t_err);
    /* an existing model is not overwritten without --resume */
    rc = t_run("train", img, "-o", a, "--preset", "tiny", (char *)0);
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "--resume"), "existing model: %s", t_err);
    /* --resume on a missing model starts it */
    rc = t_run("train", img, "-o", c, "--resume", "--preset", "tiny", "--steps", "4", "--save-every", "2", "--quiet",
               (char *)0);
    CHECK(rc == 0 && rse_sinddm_load(&m, c) == RSE_STATUS_OK && m && m->step == 4, "--resume on a new file: %s", t_err);
    rse_sinddm_free(m);
    remove(c);
    remove(b);
    remove(other);
}

static void test_sample(void) {
    char a[256], out[256], o0[256], o1[256], big[256];
    int w = 0, h = 0, rc;
    t_path(a, "a.rsm");
    rc = t_run("sample", a, "-o", t_path(out, "s.ppm"), "--count", "2", "--seed", "1", "--threads", "2", (char *)0);
    CHECK(rc == 0, "sample --count 2: rc %d, %s", rc, t_err);
    CHECK(strstr(t_err, "sample: image") && strstr(t_err, "ETA") && strstr(t_err, "wrote"), "sampling progress: %s", t_err);
    CHECK(t_image_size(t_path(o0, "s_0.ppm"), &w, &h) && w == 96 && h == 72, "s_0.ppm is 96x72 (%dx%d)", w, h);
    CHECK(t_image_size(t_path(o1, "s_1.ppm"), &w, &h) && w == 96 && h == 72, "s_1.ppm is 96x72");
    CHECK(!t_same_file(o0, o1), "the two samples differ");
    /* every scale's size is multiplied (and truncated): 96x72 -> 72x36 */
    rc = t_run("sample", a, "-o", t_path(big, "wide.ppm"), "--scale-mul", "0.5", "0.75", "--seed", "1", "--quiet", (char *)0);
    CHECK(rc == 0 && t_image_size(big, &w, &h) && w == 72 && h == 36, "--scale-mul 0.5 0.75: 72x36 (%dx%d)", w, h);
    remove(big);
    /* a reference torch checkpoint needs its image */
    rc = t_run("sample", "tests/fixtures/sinddm/ckpt_ref.pt", "-o", t_path(big, "ref.ppm"), "--quiet", (char *)0);
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "--image"), "reference checkpoint without --image: %s", t_err);
    rc = t_run("sample", "tests/fixtures/sinddm/ckpt_ref.pt", "-o", big, "--image",
               "tests/fixtures/sinddm/ckpt_image.ppm", "--scale-mul", "0.5", "0.5", "--quiet", (char *)0);
    CHECK(rc == 0 && t_image_size(big, &w, &h) && w == 40 && h == 40, "reference checkpoint sampled: %s", t_err);
    remove(big);
}

static void test_pyramid(const char *img) {
    char dir[256], f[300], png[64];
    rse_image im;
    rse__pyramid pyr;
    const char *p;
    int rc, s, ok = 1;
    rc = t_run("pyramid", img, "--json", (char *)0);
    CHECK(rc == 0 && !strncmp(t_out, "{\"scales\":[", 11), "pyramid --json: rc %d, '%s'", rc, t_out);
    if (rse_image_load(img, &im) == RSE_STATUS_OK && rse__pyramid_build(&pyr, &im) == RSE_STATUS_OK) {
        /* every scale as the library computes it, coarsest first */
        p = t_out + 11;
        for (s = 0; s < pyr.n && ok; s++) {
            int w, h, t, n = 0;
            double L;
            ok = sscanf(p, "{\"width\":%d,\"height\":%d,\"rescale_loss\":%lf,\"t_start\":%d}%n", &w, &h, &L, &t, &n) == 4 &&
                 n > 0 && w == pyr.w[s] && h == pyr.h[s] && t == pyr.t_start[s] && L == pyr.loss[s];
            p += n;
            if (ok && s + 1 < pyr.n) ok = *p++ == ',';
        }
        CHECK(ok && !strcmp(p, "]}\n"), "JSON matches the library's pyramid exactly ('%s')", t_out);
        CHECK(pyr.n == 2 && pyr.w[0] == 64 && pyr.h[0] == 48 && pyr.t_start[0] == 100 && pyr.loss[0] == 0,
              "96x72: 2 scales, coarsest 64x48 with t_start 100");
        rse__pyramid_free(&pyr);
        rse_image_free(&im);
    }
    rc = t_run("pyramid", img, (char *)0);
    CHECK(rc == 0 && strstr(t_out, "rescale_loss") && strstr(t_out, "96x72"), "pyramid table: %s", t_out);
    t_path(dir, "pyr");
    rc = t_run("pyramid", img, "-o", dir, (char *)0);
    CHECK(rc == 0, "pyramid -o: rc %d, %s", rc, t_err);
    for (s = 0; s < 3; s++) {
        static const char *names[3] = { "scale_0.png", "scale_1.png", "scale_1_recon.png" };
        static const int ws[3] = { 64, 96, 96 }, hs[3] = { 48, 72, 72 };
        snprintf(f, sizeof f, "%s/%s", dir, names[s]);
        /* PNG signature, then IHDR: width and height big-endian at 16, 20 */
        CHECK(t_slurp(f, png, 25) >= 24 && !memcmp(png + 1, "PNG", 3) &&
              ((unsigned char)png[18] << 8 | (unsigned char)png[19]) == ws[s] &&
              ((unsigned char)png[22] << 8 | (unsigned char)png[23]) == hs[s], "%s written, %dx%d", names[s], ws[s], hs[s]);
        remove(f);
    }
    rmdir(dir);
}

static void test_quality(const char *img) {
    char o0[256], o1[256];
    double swd = -1, div = -1, b = -1;
    const char *p;
    int rc;
    t_path(o0, "s_0.ppm");
    t_path(o1, "s_1.ppm");
    rc = t_run("quality", img, o0, o1, "--json", "--baseline", "--patches", "128", (char *)0);
    CHECK(rc == 0 && !strncmp(t_out, "{\"samples\":2,\"levels\":[{\"width\":96,\"height\":72,\"swd\":", 52),
          "quality --json: rc %d, %s %s", rc, t_out, t_err);
    if ((p = strstr(t_out, "],\"swd\":")) != 0) sscanf(p, "],\"swd\":%lf,\"diversity\":%lf,\"baseline_swd\":%lf", &swd, &div, &b);
    CHECK(swd > 0 && div > 0 && b > 0, "swd %g, diversity %g, baseline %g parsed", swd, div, b);
    rc = t_run("quality", img, img, (char *)0);
    CHECK(rc == 0 && strstr(t_out, "mean") && strstr(t_out, "diversity"), "quality table: %s", t_out);
    remove(o0);
    remove(o1);
}

static void test_errors(const char *img) {
    char junk[256], out[256], nodir[300];
    FILE *f;
    int rc;
    t_path(out, "x.ppm");
    snprintf(nodir, sizeof nodir, "%s/missing/dir/m.rsm", t_dir);
    /* bad input: exit 1, one line naming the file */
    rc = t_run("train", "/nonexistent/in.ppm", "-o", t_path(junk, "m.rsm"), (char *)0);
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "/nonexistent/in.ppm"), "missing image: %s", t_err);
    rc = t_run("train", img, "-o", nodir, "--preset", "tiny", "--steps", "1", "--quiet", (char *)0);
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "m.rsm"), "unwritable model: %s", t_err);
    rc = t_run("sample", "/nonexistent/m.rsm", "-o", out, (char *)0);
    CHECK(rc == 1 && t_one_line(), "missing model: %s", t_err);
    rc = t_run("sample", img, "-o", out, (char *)0);
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "not an rsedit model"), "an image as model: %s", t_err);
    f = fopen(t_path(junk, "bad.ppm"), "wb");
    if (f) { fputs("P6\n10 10\n0\n", f); fclose(f); }
    rc = t_run("pyramid", junk, (char *)0);
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "bad.ppm"), "corrupt image: %s", t_err);
    rc = t_run("quality", img, "/nonexistent/s.ppm", (char *)0);
    CHECK(rc == 1 && t_one_line(), "missing sample: %s", t_err);
    remove(junk);
    /* bad usage: exit 2 */
    CHECK(t_run("train", img, (char *)0) == 2 && strstr(t_err, "-o MODEL"), "train without -o: %s", t_err);
    CHECK(t_run("train", img, "-o", out, "--steps", "abc", (char *)0) == 2, "--steps abc");
    CHECK(t_run("train", img, "-o", out, "--preset", "bogus", (char *)0) == 2 && strstr(t_err, "bogus"), "bad preset");
    CHECK(t_run("train", img, "-o", out, "--dim", "7", (char *)0) == 2 && strstr(t_err, "even"), "odd dim: %s", t_err);
    CHECK(t_run("train", img, "-o", out, "--frobnicate", (char *)0) == 2, "unknown option");
    CHECK(t_run("train", img, "-o", (char *)0) == 2, "-o without a value");
    CHECK(t_run("sample", img, (char *)0) == 2, "sample without -o");
    CHECK(t_run("sample", img, "-o", "x.xyz", (char *)0) == 2 && strstr(t_err, "format"), "sample to .xyz");
    CHECK(t_run("sample", img, "-o", out, "--scale-mul", "1", (char *)0) == 2, "--scale-mul with one factor");
    CHECK(t_run("sample", img, "-o", out, "--count", "0", (char *)0) == 2, "--count 0");
    CHECK(t_run("pyramid", img, img, (char *)0) == 2, "pyramid with two images");
    CHECK(t_run("quality", img, (char *)0) == 2, "quality without samples");
    CHECK(t_run("quality", img, img, "--patches", "0", (char *)0) == 2, "--patches 0");
    CHECK(t_run("train", "--help", (char *)0) == 0 && strstr(t_out, "--resume"), "train --help");
}

int main(void) {
    char img[256];
    sprintf(t_dir, "/tmp/rsedit_cli_%ld", (long)getpid());
    if (mkdir(t_dir, 0700) != 0) {
        SKIP("cannot create %s", t_dir);
        return t_report("test_sinddm_cli");
    }
    t_write_image(t_path(img, "in.ppm"), 96, 72, 5);
    test_train(img);
    test_sample();
    test_pyramid(img);
    test_quality(img);
    test_errors(img);
    {
        char a[256];
        remove(t_path(a, "a.rsm"));
    }
    remove(img);
    CHECK(rmdir(t_dir) == 0, "every temporary file removed (%s)", t_dir);
    return t_report("test_sinddm_cli");
}
