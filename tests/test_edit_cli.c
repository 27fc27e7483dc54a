/* `rsedit edit` from the command line, in-process: a content copy writes
   the image and a JSON sidecar naming everything used; the same seed gives
   byte-identical files with 1 and 2 threads; bad requests (malformed or
   outside regions, --text without --clip, a missing CLIP file, a model
   trained on another image size) exit non-zero with one line on stderr and
   write no output file; a text edit with the tiny CLIP fixture records CLIP
   scores. Files go to a fresh folder under /tmp, removed at the end. */
#include "test.h"
#include "cli.h"

static int t_exists(const char *p) { return t_have_file(p); }

static void test_copy(const char *img, const char *model) {
    char out[256], js[256], o1[256], o2[256], buf[1 << 14];
    int rc;
    rc = t_run("edit", model, img, "-o", t_path(out, "copy.png"), "--copy-from", "20x16+10+10",
               "--copy-to", "20x16+70+50", "--seed", "3", "--quiet", (char *)0);
    CHECK(rc == 0, "copy edit exit %d: %s", rc, t_err);
    CHECK(t_exists(out), "output written");
    t_slurp(t_path(js, "copy.json"), buf, sizeof buf);
    CHECK(strstr(buf, "\"sha256\": \"") && strstr(buf, "\"copy\": {\"from\": \"20x16+10+10\"") &&
          strstr(buf, "\"seed\": 3") && strstr(buf, "\"seconds\""), "sidecar has the parameters: %.300s", buf);
    remove(out);
    remove(js);
    /* the same seed, 1 and 2 threads, two edits each: byte-identical */
    rc = t_run("edit", model, img, "-o", t_path(o1, "t1.png"), "--copy-from", "20x16+10+10",
               "--copy-to", "20x16+70+50", "--count", "2", "--seed", "9", "--threads", "1", "--quiet", (char *)0);
    rc |= t_run("edit", model, img, "-o", t_path(o2, "t2.png"), "--copy-from", "20x16+10+10",
                "--copy-to", "20x16+70+50", "--count", "2", "--seed", "9", "--threads", "2", "--quiet", (char *)0);
    CHECK(rc == 0, "count 2 runs: %s", t_err);
    {
        char a[256], b[256];
        CHECK(t_same_file(t_path(a, "t1_0.png"), t_path(b, "t2_0.png")) &&
              t_same_file(t_path(a, "t1_1.png"), t_path(b, "t2_1.png")), "same seed, 1 or 2 threads: same bytes");
        CHECK(!t_same_file(t_path(a, "t1_0.png"), t_path(b, "t1_1.png")), "edits 0 and 1 differ");
        remove(t_path(a, "t1_0.png")); remove(t_path(a, "t1_1.png")); remove(t_path(a, "t1.json"));
        remove(t_path(a, "t2_0.png")); remove(t_path(a, "t2_1.png")); remove(t_path(a, "t2.json"));
    }
}

static void test_errors(const char *img, const char *model, const char *other_model) {
    char out[256], js[256];
    int rc;
    t_path(out, "bad.png");
    t_path(js, "bad.json");
    rc = t_run("edit", model, img, "-o", out, "--copy-from", "20x16+10", "--copy-to", "20x16+70+50", (char *)0);
    CHECK(rc == 2 && t_one_line() && strstr(t_err, "WxH+X+Y"), "malformed region: %d %s", rc, t_err);
    rc = t_run("edit", model, img, "-o", out, "--copy-from", "20x16+10+10", "--copy-to", "20x16+90+50", (char *)0);
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "outside"), "target outside the image: %d %s", rc, t_err);
    rc = t_run("edit", model, img, "-o", out, "--copy-from", "0x16+10+10", "--copy-to", "20x16+70+50", (char *)0);
    CHECK(rc == 2 && t_one_line(), "zero-size region: %d %s", rc, t_err);
    rc = t_run("edit", model, img, "-o", out, "--text", "a fire", (char *)0);
    CHECK(rc == 2 && t_one_line() && strstr(t_err, "--clip"), "--text without --clip: %d %s", rc, t_err);
    rc = t_run("edit", model, img, "-o", out, "--text", "a fire", "--clip", "/nonexistent/clip.pt", "--vocab", "/nonexistent/v.txt", (char *)0);
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "/nonexistent/clip.pt"), "missing CLIP file: %d %s", rc, t_err);
    rc = t_run("edit", other_model, img, "-o", out, "--copy-from", "20x16+10+10", "--copy-to", "20x16+70+50", (char *)0);
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "trained on"), "model of another image size: %d %s", rc, t_err);
    rc = t_run("edit", model, img, "-o", "/nonexistent_dir/e.png", "--copy-from", "20x16+10+10", "--copy-to", "20x16+70+50",
               (char *)0);
    CHECK(rc == 1 && strstr(t_err, "directory /nonexistent_dir does not exist"), "missing output directory, before any work: %s", t_err);
    rc = t_run("sample", model, "-o", "/nonexistent_dir/s.png", (char *)0);
    CHECK(rc == 1 && strstr(t_err, "directory /nonexistent_dir does not exist"), "sample: missing output directory: %s", t_err);
    rc = t_run("train", img, "-o", "/nonexistent_dir/m.rsm", "--preset", "tiny", (char *)0);
    CHECK(rc == 1 && strstr(t_err, "directory /nonexistent_dir does not exist"), "train: missing output directory: %s", t_err);
    rc = t_run("edit", model, img, "-o", out, (char *)0);
    CHECK(rc == 2 && t_one_line() && strstr(t_err, "nothing to do"), "nothing to do: %d %s", rc, t_err);
    CHECK(!t_exists(out) && !t_exists(js), "no output file after any of the errors");
}

static void test_text(const char *img, const char *model) {
    const char *ckpt = RSE_SHARED "/data/clip/fixtures/tiny_vit_fp32.pt";
    const char *vocab = RSE_SHARED "/data/clip/bpe_simple_vocab_16e6.txt.gz";
    char out[256], js[256], mk[256], buf[1 << 14];
    int rc;
    if (!t_have_file(ckpt) || !t_have_file(vocab)) { SKIP("edit --text: shared CLIP fixture absent"); return; }
    rc = t_run("edit", model, img, "-o", t_path(out, "text.png"), "--text", "a fire in the forest", "--clip", ckpt,
               "--clip-heads", "2,2", "--vocab", vocab, "--views", "1", "--start-scale", "1", "--roi", "30x20+30+20",
               "--save-mask", "--quiet", (char *)0);
    CHECK(rc == 0, "text edit exit %d: %s", rc, t_err);
    t_slurp(t_path(js, "text.json"), buf, sizeof buf);
    CHECK(strstr(buf, "\"clip_score_original\": ") && strstr(buf, "\"clip_score\": ") &&
          strstr(buf, "\"texts\": [\"a fire in the forest\"]") && strstr(buf, "\"rois\": [\"30x20+30+20\"]"),
          "sidecar records texts, regions and scores: %.400s", buf);
    CHECK(t_exists(t_path(mk, "text_mask.pgm")), "--save-mask wrote the mask");
    remove(out); remove(js); remove(mk);
    {   /* A prompt longer than CLIP's context is refused, not cut. */
        char longp[1024];
        int i;
        for (i = 0; i < 100; i++) memcpy(longp + 4 * i, "red ", 4);
        longp[399] = 0;
        rc = t_run("edit", model, img, "-o", out, "--text", longp, "--clip", ckpt, "--clip-heads", "2,2",
                   "--vocab", vocab, "--views", "1", "--quiet", (char *)0);
        CHECK(rc != 0 && strstr(t_err, "longer than CLIP's 77 tokens") && strstr(t_err, "red red red"),
              "100-word prompt refused: exit %d, %s", rc, t_err);
        CHECK(!t_exists(out), "no output after the refused prompt");
    }
}

/* An image above the pyramid's 50,000-pixel cap: the model's finest scale
   is smaller than the image, and the edit still comes back at the image's
   size, every value outside the target and its feather the input's own
   (issue 20: outputs were the finest scale's size, silently). */
static void test_big(void) {
    char img[256], model[256], out[256], js[256];
    rse_image s, big, res;
    rse_roi tank, empty;
    int rc, x, y, c, bad = 0, changed = 0;
    rse_demo_scene(&s, &tank, &empty);
    rse_image_alloc(&big, 300, 180, 3);
    for (c = 0; c < 3; c++) /* the scene mirrored into a 300x180 canvas */
        for (y = 0; y < 180; y++)
            for (x = 0; x < 300; x++) {
                int sx = x % 320 < 160 ? x % 160 : 159 - x % 160, sy = y < 128 ? y : 255 - y;
                big.data[((size_t)c * 180 + y) * 300 + x] = s.data[((size_t)c * 128 + sy) * 160 + sx];
            }
    rse_image_save(t_path(img, "big.ppm"), &big);
    rse_image_free(&s);
    rse_image_free(&big);
    rc = t_run("train", img, "-o", t_path(model, "big.rsm"), "--preset", "tiny", "--dim", "8", "--steps", "2", "--quiet", (char *)0);
    CHECK(rc == 0, "train on 300x180: %s", t_err);
    rc = t_run("pyramid", img, (char *)0);
    CHECK(rc == 0 && !strstr(t_out, "300x180"), "the finest scale is below the image's size:\n%s", t_out);
    rc = t_run("edit", model, img, "-o", t_path(out, "big_out.ppm"), "--copy-from", "30x30+20+20", "--copy-to",
               "30x30+200+100", "--feather", "4", "--start-scale", "3", "--quiet", (char *)0);
    CHECK(rc == 0, "edit of a 300x180 image: %s", t_err);
    if (rc == 0 && rse_image_load(out, &res) == RSE_STATUS_OK) {
        CHECK(res.w == 300 && res.h == 180, "the output keeps the input's size: %dx%d", res.w, res.h);
        if (res.w == 300 && res.h == 180 && rse_image_load(img, &big) == RSE_STATUS_OK) {
            for (c = 0; c < 3; c++)
                for (y = 0; y < 180; y++)
                    for (x = 0; x < 300; x++) {
                        size_t i = ((size_t)c * 180 + y) * 300 + x;
                        /* the target plus its feather, plus 2 px for the
                           bilinear upsampling of the change */
                        int inside = x >= 200 - 6 && x < 230 + 6 && y >= 100 - 6 && y < 130 + 6;
                        if (!inside && res.data[i] != big.data[i]) bad++;
                        if (inside && res.data[i] != big.data[i]) changed++;
                    }
            CHECK(bad == 0, "outside the target every value is the input's: %d differ", bad);
            CHECK(changed > 300, "the target changed (%d values)", changed);
            rse_image_free(&big);
        }
        rse_image_free(&res);
    }
    remove(out); remove(t_path(js, "big_out.json")); remove(model); remove(img);
}

/* A GeoTIFF input: the test image written as a TIFF with o_geo_le.tif's
   eight georeferencing tags, trained on and edited with --bands 3,2,1; the
   .tif output keeps the tags byte for byte and the input's size. --bands
   is refused where it cannot apply (a PPM, sample without --image). */
static void test_geotiff(const char *ppm) {
    char tif[256], model[256], out[256], js[256], png[256];
    rse_image a, res;
    rse_geo g, g2;
    int rc, i, same;
    if (rse_image_load_ex("tests/fixtures/tiff/o_geo_le.tif", 0, &a, &g) != RSE_STATUS_OK) {
        CHECK(0, "GeoTIFF fixture: %s", rse_last_error());
        return;
    }
    rse_image_free(&a);
    CHECK(rse_image_load(ppm, &a) == RSE_STATUS_OK &&
          rse_image_save_geo(t_path(tif, "geo.tif"), &a, 8, &g) == RSE_STATUS_OK, "GeoTIFF input: %s", rse_last_error());
    rse_image_free(&a);
    rc = t_run("train", tif, "-o", t_path(model, "geo.rsm"), "--preset", "tiny", "--dim", "8", "--steps", "2",
               "--bands", "3,2,1", "--quiet", (char *)0);
    CHECK(rc == 0, "train --bands 3,2,1 on a GeoTIFF: %s", t_err);
    rc = t_run("edit", model, tif, "-o", t_path(out, "geo_out.tif"), "--copy-from", "20x16+10+10",
               "--copy-to", "20x16+70+50", "--bands", "3,2,1", "--quiet", (char *)0);
    CHECK(rc == 0, "edit --bands 3,2,1 of a GeoTIFF: %s", t_err);
    if (rc == 0 && rse_image_load_ex(out, 0, &res, &g2) == RSE_STATUS_OK) {
        same = g2.n == g.n && g.n == 8;
        for (i = 0; same && i < g.n; i++)
            same = g.tag[i].tag == g2.tag[i].tag && g.tag[i].type == g2.tag[i].type && g.tag[i].count == g2.tag[i].count &&
                   g.tag[i].len == g2.tag[i].len && !memcmp(g.tag[i].data, g2.tag[i].data, g.tag[i].len);
        CHECK(same, "the edit's TIFF keeps the 8 georeferencing tags byte for byte (%d tags)", g2.n);
        CHECK(res.w == 100 && res.h == 80 && res.c == 3, "and the input's size: %dx%dx%d", res.w, res.h, res.c);
        rse_image_free(&res);
        rse_geo_free(&g2);
    }
    rc = t_run("edit", model, ppm, "-o", t_path(png, "geo_bad.png"), "--copy-from", "20x16+10+10",
               "--copy-to", "20x16+70+50", "--bands", "3,2,1", "--quiet", (char *)0);
    CHECK(rc == 1 && strstr(t_err, "TIFF input only") && !t_exists(png), "edit --bands of a PPM: %d %s", rc, t_err);
    rc = t_run("edit", model, tif, "-o", png, "--copy-from", "20x16+10+10", "--copy-to", "20x16+70+50",
               "--bands", "3,2", (char *)0);
    CHECK(rc == 2 && !t_exists(png), "edit --bands 3,2: %d %s", rc, t_err);
    rc = t_run("sample", model, "-o", png, "--bands", "1", (char *)0);
    CHECK(rc == 2 && strstr(t_err, "--bands picks the bands of --image") && !t_exists(png), "sample --bands: %d %s", rc, t_err);
    rc = t_run("train", ppm, "-o", t_path(js, "geo2.rsm"), "--preset", "tiny", "--bands", "0", (char *)0);
    CHECK(rc == 2 && !t_exists(js), "train --bands 0: %d %s", rc, t_err);
    remove(out); remove(t_path(js, "geo_out.json")); remove(model); remove(tif);
    rse_geo_free(&g);
}

int main(void) {
    char img[256], other[256], model[256], model2[256];
    int rc;
    sprintf(t_dir, "/tmp/rsedit_edit_cli_%ld", (long)getpid());
    if (mkdir(t_dir, 0700) != 0) { SKIP("cannot create %s", t_dir); return t_report("test_edit_cli"); }
    {
        rse_image a, b;
        rse_roi tank, empty;
        rse_demo_scene(&a, &tank, &empty);
        rse_image_crop(&a, &(rse_roi){ 0, 0, 100, 80 }, &b);
        rse_image_save(t_path(img, "in.ppm"), &b);
        rse_image_free(&b);
        rse_image_crop(&a, &(rse_roi){ 0, 0, 96, 80 }, &b);
        rse_image_save(t_path(other, "other.ppm"), &b);
        rse_image_free(&a);
        rse_image_free(&b);
    }
    rc = t_run("train", img, "-o", t_path(model, "m.rsm"), "--preset", "tiny", "--dim", "8", "--steps", "3", "--quiet", (char *)0);
    rc |= t_run("train", other, "-o", t_path(model2, "m2.rsm"), "--preset", "tiny", "--dim", "8", "--steps", "3", "--quiet", (char *)0);
    CHECK(rc == 0, "training the test models: %s", t_err);
    test_copy(img, model);
    test_errors(img, model, model2);
    test_text(img, model);
    test_big();
    test_geotiff(img);
    remove(model); remove(model2); remove(img); remove(other);
    CHECK(rmdir(t_dir) == 0, "every temporary file removed (%s)", t_dir);
    return t_report("test_edit_cli");
}
