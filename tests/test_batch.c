/* `rsedit batch` in-process, on a small manifest: tiny models trained on
   two generated 48x36 images (one of them through a window), text edits
   guided by the colour CLIP fixture, a content copy, a malformed line and
   a job whose image is missing. Checks: every output is there at the right
   size; errors.jsonl names the two bad lines with their line numbers and
   the run still does the rest (exit 1); two jobs on one image train one
   model; a rerun changes nothing; shards 0/2 and 1/2 together give the
   full run's files byte for byte (job.json but its "seconds" line; the
   index and errors as sets of lines). The SIGKILL-and-restart test is
   tests/batch_kill.sh (make test-long). Needs the shared BPE vocabulary
   (skipped without it). Files go to a fresh folder under /tmp, removed at
   the end. */
#include "test.h"
#include "cli.h"
#include <dirent.h>

#define T_VOCAB RSE_SHARED "/data/clip/bpe_simple_vocab_16e6.txt.gz"
#define T_CLIP "tests/fixtures/clip/color_clip.pt"

/* A PNG's size from its IHDR (rsedit writes PNG but does not read it). */
static int tb_png_size(const char *path, int *w, int *h) {
    unsigned char b[24];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(b, 1, 24, f) : 0;
    if (f) fclose(f);
    if (n != 24 || memcmp(b + 12, "IHDR", 4)) return 0;
    *w = (int)((uint32_t)b[16] << 24 | (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 | b[19]);
    *h = (int)((uint32_t)b[20] << 24 | (uint32_t)b[21] << 16 | (uint32_t)b[22] << 8 | b[23]);
    return 1;
}

/* Whole file into a malloc'd string ("" if absent). */
static char *tb_readall(const char *path) {
    unsigned char *b;
    size_t n;
    char *s;
    if (rse__read_file(path, &b, &n) != RSE_STATUS_OK) { s = (char *)malloc(1); s[0] = 0; return s; }
    s = (char *)malloc(n + 1);
    memcpy(s, b, n);
    s[n] = 0;
    RSE_FREE(b);
    return s;
}

/* job.json without its "seconds" line, the one line that holds times. */
static void tb_drop_seconds(char *s) {
    char *p = strstr(s, "\n  \"seconds\": ");
    if (p) {
        char *e = strchr(p + 1, '\n');
        memmove(p, e ? e : p + strlen(p), strlen(e ? e : p + strlen(p)) + 1);
    }
}

static int tb_same_job_file(const char *a, const char *b) {
    char *x = tb_readall(a), *y = tb_readall(b);
    int same;
    if (strstr(a, "job.json")) { tb_drop_seconds(x); tb_drop_seconds(y); }
    same = !strcmp(x, y) && (x[0] || t_have_file(a));
    free(x);
    free(y);
    return same;
}

static int tb_cmp_line(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The lines of the concatenated files, sorted, joined again. */
static char *tb_sorted_lines(const char *p1, const char *p2) {
    char *a = tb_readall(p1), *b = p2 ? tb_readall(p2) : (char *)calloc(1, 1), *all, *lines[256], *out, *s;
    int n = 0, i;
    all = (char *)malloc(strlen(a) + strlen(b) + 1);
    strcpy(all, a);
    strcat(all, b);
    for (s = strtok(all, "\n"); s && n < 256; s = strtok(0, "\n")) lines[n++] = s;
    qsort(lines, (size_t)n, sizeof *lines, tb_cmp_line);
    out = (char *)malloc(strlen(a) + strlen(b) + 2);
    out[0] = 0;
    for (i = 0; i < n; i++) { strcat(out, lines[i]); strcat(out, "\n"); }
    free(a); free(b); free(all);
    return out;
}

/* Calls fn(rel) for every regular file under root/sub ("" at the top). */
static void tb_walk(const char *root, const char *sub, void (*fn)(const char *rel, void *ctx), void *ctx) {
    char dir[512], rel[512];
    DIR *d;
    struct dirent *de;
    struct stat sb;
    snprintf(dir, sizeof dir, "%s%s%s", root, *sub ? "/" : "", sub);
    if (!(d = opendir(dir))) return;
    while ((de = readdir(d)) != 0) {
        char full[1024];
        if (de->d_name[0] == '.') continue;
        snprintf(rel, sizeof rel, "%s%s%s", sub, *sub ? "/" : "", de->d_name);
        snprintf(full, sizeof full, "%s/%s", root, rel);
        if (stat(full, &sb) != 0) continue;
        if (S_ISDIR(sb.st_mode)) tb_walk(root, rel, fn, ctx);
        else fn(rel, ctx);
    }
    closedir(d);
}

static void tb_rm_file(const char *rel, void *ctx) {
    char full[1024];
    snprintf(full, sizeof full, "%s/%s", (const char *)ctx, rel);
    remove(full);
}

static void tb_rm_tree(const char *root) {
    const char *dirs[] = { "a", "b", "d", "models", "" };
    char p[512];
    int i;
    tb_walk(root, "", tb_rm_file, (void *)root);
    for (i = 0; i < 5; i++) {
        snprintf(p, sizeof p, "%s%s%s", root, *dirs[i] ? "/" : "", dirs[i]);
        rmdir(p);
    }
}

/* Every file of the full run found, identical, in one of the shard runs,
   and every file of a shard run in the full one. */
typedef struct { const char *full, *s0, *s1; int missing, differ, files; } tb_union;

static void tb_check_full(const char *rel, void *ctx) {
    tb_union *u = (tb_union *)ctx;
    char a[1024], b[1024], c[1024];
    if (!strcmp(rel, "index.jsonl") || !strcmp(rel, "errors.jsonl")) return;
    snprintf(a, sizeof a, "%s/%s", u->full, rel);
    snprintf(b, sizeof b, "%s/%s", u->s0, rel);
    snprintf(c, sizeof c, "%s/%s", u->s1, rel);
    u->files++;
    if (!t_have_file(b) && !t_have_file(c)) { u->missing++; printf("  %s: in no shard\n", rel); return; }
    if ((t_have_file(b) && !tb_same_job_file(a, b)) || (t_have_file(c) && !tb_same_job_file(a, c))) {
        u->differ++;
        printf("  %s: differs\n", rel);
    }
}

static void tb_check_shard(const char *rel, void *ctx) {
    tb_union *u = (tb_union *)ctx;
    char a[1024];
    snprintf(a, sizeof a, "%s/%s", u->full, rel);
    if (!t_have_file(a)) { u->missing++; printf("  %s: only in a shard\n", rel); }
}

static void tb_count(const char *rel, void *ctx) { (void)rel; ++*(int *)ctx; }

/* A 48x36 scene: a green block, tan ground, a blue band; seeded noise. */
static void tb_image(const char *path, int seed) {
    rse_image im;
    rse__rng r;
    int x, y, c;
    rse__rng_seed(&r, (uint64_t)seed);
    rse_image_alloc(&im, 48, 36, 3);
    for (y = 0; y < 36; y++)
        for (x = 0; x < 48; x++) {
            float v[3] = { 0.75f, 0.65f, 0.45f };
            if (x < 20 && y < 18) { v[0] = 0.15f; v[1] = 0.45f; v[2] = 0.15f; }
            if (y > 24 + (x + seed) % 5) { v[0] = 0.1f; v[1] = 0.25f; v[2] = 0.6f; }
            for (c = 0; c < 3; c++) {
                float n = v[c] + 0.08f * (rse__rng_uniform(&r) - 0.5f);
                im.data[((size_t)c * 36 + y) * 48 + x] = (float)(int)(255 * (n < 0 ? 0 : n > 1 ? 1 : n) + 0.5f) / 255.0f;
            }
        }
    rse_image_save(path, &im);
    rse_image_free(&im);
}

static int tb_batch(const char *out, const char *shard) {
    char man[256];
    t_path(man, "in/jobs.jsonl");
    if (shard)
        return t_run("batch", man, "-o", out, "--clip", T_CLIP, "--vocab", T_VOCAB, "--views", "1", "--threads", "1",
                     "--train", "{\"preset\": \"tiny\", \"steps\": 6, \"dim\": 8}", "--shard", shard, "--quiet", (char *)0);
    return t_run("batch", man, "-o", out, "--clip", T_CLIP, "--vocab", T_VOCAB, "--views", "1", "--threads", "1",
                 "--train", "{\"preset\": \"tiny\", \"steps\": 6, \"dim\": 8}", "--quiet", (char *)0);
}

int main(void) {
    static const char *const manifest =
        "{\"id\": \"a\", \"image\": \"a.ppm\", \"text\": \"a fire in the forest\", \"roi\": [\"16x12+4+4\"], \"count\": 2, \"seed\": 1}\n"
        "{\"id\": \"b\", \"image\": \"a.ppm\", \"copy_from\": \"8x8+2+2\", \"copy_to\": [\"8x8+30+20\"], \"seed\": 2}\n"
        "{\"id\": \"x\", \"image\": \"a.ppm\", \"text\": \n"
        "{\"id\": \"c\", \"image\": \"missing.ppm\", \"text\": \"the river is flooding\"}\n"
        "\n"
        "{\"id\": \"d\", \"image\": \"b.ppm\", \"prompts\": \"flood.txt\", \"window\": \"32x24+8+6\", \"stop\": 1}\n";
    char full[256], s0[256], s1[256], p[1024], q[512], *before, *after, *x, *y;
    int rc, w, h, k, models = 0;
    FILE *f;
    if (!t_have_file(T_VOCAB)) {
        SKIP("batch: the shared vocabulary %s is absent", T_VOCAB);
        return t_report("test_batch");
    }
    sprintf(t_dir, "/tmp/rsedit_batch_%ld", (long)getpid());
    if (mkdir(t_dir, 0700) != 0 || mkdir(t_path(p, "in"), 0700) != 0) { SKIP("cannot create %s", t_dir); return t_report("test_batch"); }
    tb_image(t_path(p, "in/a.ppm"), 1);
    tb_image(t_path(p, "in/b.ppm"), 2);
    f = fopen(t_path(p, "in/jobs.jsonl"), "wb");
    fputs(manifest, f);
    fclose(f);
    f = fopen(t_path(p, "in/flood.txt"), "wb");
    fputs("# an ensemble\nthe river is flooding\nflood water\n", f);
    fclose(f);

    /* the full run: 3 jobs done, 2 lines reported, exit 1 */
    rc = tb_batch(t_path(full, "full"), 0);
    CHECK(rc == 1, "a run with failed jobs exits 1: %d %s", rc, t_err);
    snprintf(p, sizeof p, "%s/a/post_1.png", full);
    CHECK(tb_png_size(p, &w, &h) && w == 48 && h == 36, "a/post_1.png 48x36: %dx%d", w, h);
    snprintf(p, sizeof p, "%s/a/mask.png", full);
    CHECK(tb_png_size(p, &w, &h) && w == 48 && h == 36, "a/mask.png 48x36");
    snprintf(p, sizeof p, "%s/b/post_0.png", full);
    CHECK(tb_png_size(p, &w, &h) && w == 48 && h == 36, "b/post_0.png (a copy) 48x36");
    snprintf(p, sizeof p, "%s/d/pre.png", full);
    CHECK(tb_png_size(p, &w, &h) && w == 32 && h == 24, "d/pre.png is the 32x24 window: %dx%d", w, h);
    snprintf(p, sizeof p, "%s/d/post_0.png", full);
    CHECK(tb_png_size(p, &w, &h) && w == 32 && h == 24, "d/post_0.png is the window's edit");
    snprintf(p, sizeof p, "%s/a/job.json", full);
    x = tb_readall(p);
    CHECK(strstr(x, "\"clip_score_pre\": ") && strstr(x, "\"clip_score\": ") && strstr(x, "\"seed\": 1,") &&
          strstr(x, "\"sha256\": \"") && strstr(x, "\"train\": {\"dim\": 8") && strstr(x, "\n  \"seconds\": {"),
          "job.json has the scores, seed, hashes, training and times: %.300s", x);
    free(x);
    snprintf(p, sizeof p, "%s/index.jsonl", full);
    x = tb_readall(p);
    CHECK(strstr(x, "{\"id\": \"a\", \"k\": 1,") && strstr(x, "{\"id\": \"b\", \"k\": 0,") &&
          strstr(x, "{\"id\": \"d\", \"k\": 0,") && !strstr(x, "\"c\""), "index: a 0-1, b, d: %s", x);
    free(x);
    snprintf(p, sizeof p, "%s/errors.jsonl", full);
    x = tb_readall(p);
    CHECK(strstr(x, "{\"line\": 3, \"id\": null, \"error\": \"not a JSON object") &&
          strstr(x, "{\"line\": 4, \"id\": \"c\", \"error\": ") && strstr(x, "missing.ppm"),
          "errors: line 3 malformed, line 4 missing image: %s", x);
    free(x);
    snprintf(p, sizeof p, "%s/models", full);
    tb_walk(p, "", tb_count, &models);
    CHECK(models == 2, "a and b share a model, d has its own: %d models", models);

    /* a rerun does nothing new and changes no file */
    snprintf(p, sizeof p, "%s/index.jsonl", full);
    snprintf(q, sizeof q, "%s/a/job.json", full);
    before = tb_readall(p);
    x = tb_readall(q);
    rc = tb_batch(full, 0);
    after = tb_readall(p);
    y = tb_readall(q);
    CHECK(rc == 1 && !strcmp(before, after) && !strcmp(x, y), "rerun: same index and job.json (exit %d)", rc);
    free(x); free(y); free(after);
    snprintf(p, sizeof p, "%s/errors.jsonl", full);
    x = tb_readall(p);
    CHECK(strlen(x) > 0 && !strstr(strstr(x, "\"line\": 4") + 1, "\"line\": 4"), "rerun: each error recorded once");
    free(x);
    free(before);

    /* two shards together: the full run's files */
    rc = tb_batch(t_path(s0, "s0"), "0/2");
    CHECK(rc == 1, "shard 0/2 has the malformed line 3: exit %d", rc);
    rc = tb_batch(t_path(s1, "s1"), "1/2");
    CHECK(rc == 1, "shard 1/2 has the missing image of line 4: exit %d", rc);
    {
        tb_union u;
        memset(&u, 0, sizeof u);
        u.full = full; u.s0 = s0; u.s1 = s1;
        tb_walk(full, "", tb_check_full, &u);
        tb_walk(s0, "", tb_check_shard, &u);
        tb_walk(s1, "", tb_check_shard, &u);
        CHECK(u.files >= 14 && !u.missing && !u.differ, "shards: %d files, %d missing, %d differ", u.files, u.missing, u.differ);
        for (k = 0; k < 2; k++) {
            const char *name = k ? "errors.jsonl" : "index.jsonl";
            char a[512], b[512], c[512];
            snprintf(a, sizeof a, "%s/%s", full, name);
            snprintf(b, sizeof b, "%s/%s", s0, name);
            snprintf(c, sizeof c, "%s/%s", s1, name);
            x = tb_sorted_lines(a, 0);
            y = tb_sorted_lines(b, c);
            CHECK(!strcmp(x, y), "%s: the shards' lines are the full run's", name);
            free(x); free(y);
        }
    }

    /* hostile ids and fields, each refused with its line */
    f = fopen(t_path(p, "in/bad.jsonl"), "wb");
    fputs("{\"id\": \"../up\", \"image\": \"a.ppm\", \"text\": \"x\"}\n"
          "{\"id\": \"\", \"image\": \"a.ppm\", \"text\": \"x\"}\n"
          "{\"id\": \"e\", \"image\": \"a.ppm\", \"text\": \"x\", \"text\": \"y\"}\n"
          "{\"id\": \"f\", \"image\": \"a.ppm\", \"texts\": \"x\"}\n"
          "{\"id\": \"g\", \"image\": \"a.ppm\", \"roi\": [[\"1x1+0+0\"]], \"text\": \"x\"}\n"
          "{\"id\": \"h\", \"image\": \"a.ppm\", \"text\": \"a\\u0000b\"}\n"
          "{\"id\": \"i\", \"image\": \"a.ppm\", \"copy_from\": \"8x8+2+2\", \"copy_to\": \"8x8+45+30\"}\n", f);
    fclose(f);
    rc = t_run("batch", t_path(p, "in/bad.jsonl"), "-o", t_path(q, "bad"), "--model", "/nonexistent.rsm", "--quiet", (char *)0);
    snprintf(p, sizeof p, "%s/errors.jsonl", q);
    x = tb_readall(p);
    CHECK(rc == 1 && strstr(x, "\"line\": 1, \"id\": \"../up\", \"error\": \"id starts with '.'") &&
          strstr(x, "\"line\": 2, \"id\": null, \"error\": \"\\\"id\\\" must not be empty") && strstr(x, "\"line\": 3, \"id\": null, \"error\": \"not a JSON object: repeated") &&
          strstr(x, "\"line\": 4, \"id\": \"f\", \"error\": \"unknown field") && strstr(x, "\"line\": 5, \"id\": null, \"error\": \"not a JSON object: nested") &&
          strstr(x, "\"line\": 6, \"id\": null, \"error\": \"not a JSON object: \\\\u0000") &&
          strstr(x, "\"line\": 7, \"id\": \"i\", \"error\": "),
          "hostile lines refused: %d\n%s", rc, x);
    free(x);
    {   /* nothing of theirs written: only errors.jsonl, index absent */
        int n = 0;
        tb_walk(q, "", tb_count, &n);
        CHECK(n == 1, "bad lines leave only errors.jsonl (%d files)", n);
    }
    rc = t_run("batch", t_path(p, "in/jobs.jsonl"), "-o", q, "--shard", "2/2", (char *)0);
    CHECK(rc == 2, "--shard 2/2 is a usage error: %d", rc);

    tb_rm_tree(full);
    tb_rm_tree(s0);
    tb_rm_tree(s1);
    tb_rm_tree(q);
    remove(t_path(p, "in/a.ppm")); remove(t_path(p, "in/b.ppm")); remove(t_path(p, "in/jobs.jsonl"));
    remove(t_path(p, "in/flood.txt")); remove(t_path(p, "in/bad.jsonl")); rmdir(t_path(p, "in"));
    CHECK(rmdir(t_dir) == 0, "every temporary file removed (%s)", t_dir);
    return t_report("test_batch");
}
