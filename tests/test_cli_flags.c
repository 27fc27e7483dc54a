/* No flag silently ignored (issue 19, section 5), for every command of the
   CLI, run in-process:
   - each option a command's --help lists is taken by its parser (never
     "unknown option"), or refused with a usage error that names it, and an
     unknown option is refused by every command. The sweep reads the
     options from the help texts and the commands from the command table,
     so a new option or command is covered without touching this file;
   - where an option's effect is cheap to see, it is seen: the option
     changes the output (bytes, size, sidecar, a model's recorded
     settings), or a request that would not use it is refused naming it.
     That is what makes a listed but ignored option fail here;
   - "--" ends the options: "-x.ppm", "-m.rsm" and "-x" after it are
     arguments for every command that takes any.
   The man page (rsedit.1) is held to the same help texts: a section per
   command, holding every option of its --help and no other.
   Everything runs in /tmp/rsedit_flags_<pid>, the working directory while
   the test runs (so that "-x.ppm" is a file there), removed at the end.
   The CLIP checks use the shared tiny CLIP fixture and vocabulary and say
   "skipped" without them. */
#include "test.h"
#include "cli.h"
#include <ctype.h>
#include <dirent.h>

#define IMG_W 120 /* 3 scales: the default start scale (1) is below the finest */
#define IMG_H 96

static char t_vocab[4096], t_ckpt[4096]; /* absolute: the test runs in t_dir */
static int t_clip;                       /* the CLIP fixture is there */

/* ---- helpers ------------------------------------------------------------ */

/* t_run (cli.h) with the first n arguments taken from an array (base[0] is
   the command) and the rest from the NULL-terminated list. */
static int t_run_v(int n, char **base, ...) {
    char *argv[48];
    int argc = 0, k;
    va_list ap;
    argv[argc++] = (char *)"rsedit";
    for (k = 0; k < n && argc < 40; k++) argv[argc++] = base[k];
    va_start(ap, base);
    while (argc < 47 && (argv[argc] = va_arg(ap, char *)) != 0) argc++;
    va_end(ap);
    argv[argc] = 0;
    return t_run_argv(argc, argv);
}

/* path made absolute against cwd (RSE_SHARED may be relative) */
static void t_abs(char *dst, size_t cap, const char *cwd, const char *path) {
    if (path[0] == '/') snprintf(dst, cap, "%s", path);
    else snprintf(dst, cap, "%s/%s", cwd, path);
}

/* The options a help text lists: words that start with "--" and a letter,
   or the word "-o", each at a word boundary; without duplicates and
   without --help. Returns their count. */
static int t_help_opts(const char *help, char opts[][40], int max) {
    int n = 0, k;
    const char *p;
    for (p = help; *p; p++) {
        char w[40];
        size_t len = 0;
        int boundary = p == help || !(isalnum((unsigned char)p[-1]) || p[-1] == '-' || p[-1] == '_');
        if (!boundary || p[0] != '-') continue;
        if (p[1] == '-' && islower((unsigned char)p[2])) {
            while ((isalnum((unsigned char)p[len]) || p[len] == '-') && len < sizeof w - 1) { w[len] = p[len]; len++; }
        } else if (p[1] == 'o' && !(isalnum((unsigned char)p[2]) || p[2] == '-' || p[2] == '_')) {
            w[0] = '-'; w[1] = 'o'; len = 2;
        } else {
            continue;
        }
        w[len] = 0;
        if (!strcmp(w, "--help")) continue;
        for (k = 0; k < n && strcmp(opts[k], w); k++) {}
        if (k == n && n < max) strcpy(opts[n++], w);
    }
    return n;
}

static int t_has_opt(char opts[][40], int n, const char *o) {
    int k;
    for (k = 0; k < n; k++)
        if (!strcmp(opts[k], o)) return 1;
    return 0;
}

static void t_write(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (f) { fputs(text, f); fclose(f); }
}

static long t_size(const char *path) {
    FILE *f = fopen(path, "rb");
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0) n = ftell(f);
    if (f) fclose(f);
    return n;
}

/* Removes every file of dir and of its subfolders (one level), then dir. */
static int t_rm_tree(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[1024];
    if (!d) return -1;
    while ((e = readdir(d)) != 0) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (remove(p) != 0) t_rm_tree(p);
    }
    closedir(d);
    return rmdir(dir);
}

/* ---- the sweep: every listed option of every command -------------------- */

/* `CMD OPT 1 --zz-unknown`: whether OPT takes a value or not, the parser
   either takes it and goes on (and fails on "1" or on --zz-unknown), or
   refuses it naming it. Either way it is a usage error: nothing runs. */
static void test_sweep(void) {
    char opts[64][40];
    int c, k, n, total = 0;
    for (c = 0; c < RSE__NCMDS; c++) {
        const char *cmd = rse__cmds[c].name;
        int rc = t_run(cmd, "--help", (char *)0);
        CHECK(rc == 0 && strstr(t_out, "usage: rsedit"), "%s --help: %d", cmd, rc);
        n = t_help_opts(t_out, opts, 64);
        CHECK(n > 0 || !strcmp(cmd, "version") || !strcmp(cmd, "info"), "%s --help lists options", cmd);
        total += n;
        for (k = 0; k < n; k++) {
            char unknown[80];
            rc = t_run(cmd, opts[k], "1", "--zz-unknown", (char *)0);
            snprintf(unknown, sizeof unknown, "unknown option '%.40s'", opts[k]);
            CHECK(rc == 2 && t_one_line() && !strstr(t_err, unknown) &&
                  (strstr(t_err, "--zz-unknown") || strstr(t_err, opts[k]) || strstr(t_err, "'1'")),
                  "%s: %s, listed in its help, is neither taken nor refused by name: %d %s", cmd, opts[k], rc, t_err);
        }
        /* an unknown option is refused by every command, by name */
        rc = t_run(cmd, "--no-such-option", (char *)0);
        CHECK(rc == 2 && t_one_line() && strstr(t_err, "unknown option '--no-such-option'"), "%s --no-such-option: %d %s",
              cmd, rc, t_err);
    }
    CHECK(RSE__NCMDS >= 12 && total > 80, "the sweep saw %d commands and %d options", RSE__NCMDS, total);
    /* the extraction itself: the options the issue names are found */
    t_run("tokenize", "--help", (char *)0);
    n = t_help_opts(t_out, opts, 64);
    CHECK(t_has_opt(opts, n, "-o") && t_has_opt(opts, n, "--json") && t_has_opt(opts, n, "--clip") &&
          t_has_opt(opts, n, "--prompts") && t_has_opt(opts, n, "--vocab") && t_has_opt(opts, n, "--text"),
          "tokenize --help lists -o, --json, --clip, --prompts, --vocab, --text (%d found)", n);
    /* options a CLIP command used to take and ignore are refused now */
    CHECK(t_run("score", "-o", "x", (char *)0) == 2 && strstr(t_err, "unknown option '-o'"), "score -o: %s", t_err);
    CHECK(t_run("score", "--json", (char *)0) == 2 && strstr(t_err, "unknown option '--json'"), "score --json: %s", t_err);
    CHECK(t_run("score", "--raw", "x", (char *)0) == 2 && strstr(t_err, "unknown option '--raw'"), "score --raw: %s", t_err);
    CHECK(t_run("embed", "-o", "x", (char *)0) == 2 && strstr(t_err, "unknown option '-o'"), "embed -o: %s", t_err);
    CHECK(t_run("saliency", "--json", (char *)0) == 2 && strstr(t_err, "unknown option '--json'"), "saliency --json: %s", t_err);
    CHECK(t_run("tokenize", "--image", "x", (char *)0) == 2 && strstr(t_err, "unknown option '--image'"),
          "tokenize --image: %s", t_err);
    CHECK(t_run("tokenize", "--clip-act", "gelu", (char *)0) == 2 && strstr(t_err, "unknown option '--clip-act'"),
          "tokenize --clip-act: %s", t_err);
}

/* ---- the man page: a section per command, its options as --help's ---------- */

/* The man page's source read as text: "\-" becomes "-" and the font escapes
   (\fB, \fI, \fR, \fP) go, so options read as they do in --help. */
static void t_man_plain(char *s) {
    char *d = s;
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] == '-') { *d++ = '-'; s++; }
        else if (s[0] == '\\' && s[1] == 'f' && s[2]) s += 2;
        else *d++ = *s;
    }
    *d = 0;
}

/* Copies the section of command cmd, from its ".SS cmd" line to the next
   .SS or .SH, into out; 0 if the page has none. */
static int t_man_section(const char *man, const char *cmd, char *out, size_t cap) {
    const char *p = man, *end;
    size_t n = strlen(cmd), len;
    for (;;) {
        if (!strncmp(p, ".SS ", 4) && !strncmp(p + 4, cmd, n) && (p[4 + n] == '\n' || !p[4 + n])) break;
        if (!(p = strchr(p, '\n'))) return 0;
        p++;
    }
    for (end = p + 1; *end && !(end[-1] == '\n' && (!strncmp(end, ".SS", 3) || !strncmp(end, ".SH", 3))); end++) {}
    len = (size_t)(end - p) < cap - 1 ? (size_t)(end - p) : cap - 1;
    memcpy(out, p, len);
    out[len] = 0;
    return 1;
}

static void test_man_page(const char *cwd) {
    static char man[1 << 17], sec[1 << 15];
    char path[2200], opts[64][40], mopts[64][40];
    const char *p;
    int c, k, n, m;
    snprintf(path, sizeof path, "%s/rsedit.1", cwd);
    CHECK(t_slurp(path, man, sizeof man) > 0, "the man page %s", path);
    if (!man[0]) return;
    t_man_plain(man);
    CHECK(strstr(man, "\"rsedit " RSE_VERSION "\"") != 0, "rsedit.1 names version %s", RSE_VERSION);
    for (c = 0; c < RSE__NCMDS; c++) {
        const char *cmd = rse__cmds[c].name;
        if (!t_man_section(man, cmd, sec, sizeof sec)) {
            CHECK(0, "rsedit.1 has no section '.SS %s' for a command of rsedit --help", cmd);
            continue;
        }
        t_run(cmd, "--help", (char *)0);
        n = t_help_opts(t_out, opts, 64);
        m = t_help_opts(sec, mopts, 64);
        for (k = 0; k < n; k++)
            CHECK(t_has_opt(mopts, m, opts[k]), "rsedit.1's %s section lacks %s, which '%s --help' lists", cmd, opts[k], cmd);
        for (k = 0; k < m; k++)
            CHECK(t_has_opt(opts, n, mopts[k]), "rsedit.1's %s section has %s, which '%s --help' does not list", cmd,
                  mopts[k], cmd);
    }
    /* and no section for a command that is gone */
    for (p = man; (p = strstr(p, "\n.SS ")) != 0; p++) {
        char name[40];
        size_t len = strcspn(p + 5, "\n");
        snprintf(name, sizeof name, "%.*s", (int)(len < 39 ? len : 39), p + 5);
        for (c = 0; c < RSE__NCMDS && strcmp(rse__cmds[c].name, name); c++) {}
        CHECK(c < RSE__NCMDS, "rsedit.1 has a section '.SS %s', which is no command", name);
    }
}

/* ---- "--" ---------------------------------------------------------------- */

static void test_dashdash(void) {
    int rc;
    rc = t_run("convert", "--", "-x.ppm", "-z.ppm", (char *)0);
    CHECK(rc == 0 && t_same_file("-z.ppm", "in.ppm"), "convert -- -x.ppm -z.ppm: %d %s", rc, t_err);
    rc = t_run("convert", "-x.ppm", "-y.ppm", (char *)0);
    CHECK(rc == 2 && strstr(t_err, "unknown option '-x.ppm'"), "without --, -x.ppm is an option: %s", t_err);
    rc = t_run("pyramid", "--json", "--", "-x.ppm", (char *)0);
    CHECK(rc == 0 && !strncmp(t_out, "{\"scales\"", 9), "pyramid --json -- -x.ppm: %d %s", rc, t_err);
    rc = t_run("pyramid", "--", "--json", (char *)0);
    CHECK(rc == 1 && strstr(t_err, "--json"), "pyramid -- --json: a file named --json: %d %s", rc, t_err);
    rc = t_run("pyramid", "in.ppm", "-o", "--", "x", (char *)0);
    CHECK(rc == 2 && strstr(t_err, "-o needs"), "-o -- x: -o has no value: %d %s", rc, t_err);
    rc = t_run("quality", "--", "-x.ppm", "-y.ppm", (char *)0);
    CHECK(rc == 0 && strstr(t_out, "SWD"), "quality -- -x.ppm -y.ppm: %d %s", rc, t_err);
    rc = t_run("train", "-o", "-m.rsm", "--preset", "tiny", "--dim", "8", "--steps", "2", "--quiet", "--", "-x.ppm",
               (char *)0);
    CHECK(rc == 0 && t_have_file("-m.rsm"), "train ... -- -x.ppm: %d %s", rc, t_err);
    rc = t_run("sample", "-o", "-s.ppm", "--quiet", "--", "-m.rsm", (char *)0);
    CHECK(rc == 0 && t_have_file("-s.ppm"), "sample ... -- -m.rsm: %d %s", rc, t_err);
    rc = t_run("edit", "-o", "-e.png", "--copy-from", "8x8+2+2", "--copy-to", "8x8+40+30", "--quiet", "--", "-m.rsm",
               "-x.ppm", (char *)0);
    CHECK(rc == 0 && t_have_file("-e.png") && t_have_file("-e.json"), "edit ... -- -m.rsm -x.ppm: %d %s", rc, t_err);
    /* a --help after "--" is an argument, not a request for help */
    rc = t_run("version", "--", "--help", (char *)0);
    CHECK(rc == 2 && strstr(t_err, "unexpected argument '--help'"), "version -- --help: %d %s", rc, t_err);
    rc = t_run("version", "--", (char *)0);
    CHECK(rc == 0 && !strncmp(t_out, "rsedit ", 7), "version --: %d %s", rc, t_err);
    rc = t_run("demo", "--", "-o", (char *)0);
    CHECK(rc == 2 && strstr(t_err, "unexpected argument '-o'"), "demo -- -o: %d %s", rc, t_err);
    if (t_clip) {
        rc = t_run("tokenize", "--vocab", t_vocab, "--", "-x", "--help", (char *)0);
        CHECK(rc == 0 && !strncmp(t_out, "49406 ", 6) && strchr(t_out, '\n') != strrchr(t_out, '\n'),
              "tokenize -- -x --help: two texts: %d %s %s", rc, t_out, t_err);
        rc = t_run("score", "--clip", t_ckpt, "--clip-heads", "2,2", "--vocab", t_vocab, "--", "-x.ppm", "-a fire",
                   (char *)0);
        CHECK(rc == 0 && strstr(t_out, "\t-a fire\n"), "score -- -x.ppm '-a fire': %d %s %s", rc, t_out, t_err);
        rc = t_run("saliency", "--clip", t_ckpt, "--clip-heads", "2,2", "--vocab", t_vocab, "-o", "-map.pgm", "--",
                   "-x.ppm", "-a fire", (char *)0);
        CHECK(rc == 0 && t_have_file("-map.pgm"), "saliency -- -x.ppm '-a fire': %d %s", rc, t_err);
    } else {
        SKIP("tokenize/score/saliency after --: the shared CLIP fixture is absent");
    }
}

/* ---- per command: the options' effects ----------------------------------- */

static void test_convert_pyramid_quality(void) {
    static char a[sizeof t_out];
    char b[4096];
    int rc, s;
    rc = t_run("convert", "in.ppm", "b8.ppm", (char *)0);
    rc |= t_run("convert", "in.ppm", "b16.ppm", "--bits", "16", (char *)0);
    t_slurp("b8.ppm", a, 64);
    t_slurp("b16.ppm", b, 64);
    CHECK(rc == 0 && strstr(a, "\n255\n") && strstr(b, "\n65535\n"), "convert --bits 16 writes 16-bit samples");

    rc = t_run("pyramid", "in.ppm", (char *)0);
    CHECK(rc == 0 && !strncmp(t_out, "scale", 5), "pyramid prints a table: %s", t_err);
    rc = t_run("pyramid", "in.ppm", "--json", (char *)0);
    CHECK(rc == 0 && !strncmp(t_out, "{\"scales\":[", 11), "pyramid --json prints JSON: %.40s", t_out);
    rc = t_run("pyramid", "in.ppm", "-o", "pyr", (char *)0);
    CHECK(rc == 0 && t_have_file("pyr/scale_0.png"), "pyramid -o DIR writes the scales: %d %s", rc, t_err);
    for (s = 0; s < RSE_PYR_MAX_SCALES; s++) {
        snprintf(a, sizeof a, "pyr/scale_%d.png", s); remove(a);
        snprintf(a, sizeof a, "pyr/scale_%d_recon.png", s); remove(a);
    }
    CHECK(rmdir("pyr") == 0, "pyramid -o wrote only its scales");

    /* quality: every option changes the report */
    rc = t_run("quality", "in.ppm", "other.ppm", (char *)0);
    CHECK(rc == 0 && !strncmp(t_out, "SWD", 3) && !strstr(t_out, "baseline"), "quality: %d %s", rc, t_err);
    rc = t_run("quality", "in.ppm", "other.ppm", "--baseline", (char *)0);
    CHECK(rc == 0 && strstr(t_out, "baseline"), "quality --baseline adds the baseline: %s", t_err);
    rc = t_run("quality", "in.ppm", "other.ppm", "--json", (char *)0);
    memcpy(a, t_out, sizeof t_out);
    CHECK(rc == 0 && a[0] == '{' && strstr(a, "\"swd\""), "quality --json: %.60s", a);
    rc = t_run("quality", "in.ppm", "other.ppm", "--json", "--seed", "7", (char *)0);
    CHECK(rc == 0 && strcmp(a, t_out) != 0, "quality --seed changes the patches drawn");
    rc = t_run("quality", "in.ppm", "other.ppm", "--json", "--patches", "64", (char *)0);
    CHECK(rc == 0 && strcmp(a, t_out) != 0, "quality --patches changes the estimate");
    rc = t_run("quality", "in.ppm", "other.ppm", "--json", "--ref-norm", (char *)0);
    CHECK(rc == 0 && strstr(t_out, "\"ref_norm\":true") && strstr(a, "\"ref_norm\":false"),
          "quality --ref-norm changes the normalisation");
    rc = t_run("quality", "in.ppm", "other.ppm", "--json", "--psnr", "--changed", (char *)0);
    CHECK(rc == 0 && strstr(t_out, "\"psnr\":[") && strstr(t_out, "\"changed\":[{"), "quality --psnr --changed: %s", t_err);
    rc = t_run("quality", "in.ppm", "other.ppm", "--json", "--region", "20x10+5+5", (char *)0);
    memcpy(a, t_out, sizeof t_out);
    CHECK(rc == 0 && strstr(a, "\"crop\":\"28x18+1+1\""), "quality --region crops: %s", t_err);
    rc = t_run("quality", "in.ppm", "other.ppm", "--json", "--region", "20x10+5+5", "--margin", "0", (char *)0);
    CHECK(rc == 0 && strstr(t_out, "\"crop\":\"20x10+5+5\""), "quality --margin changes the crop: %s", t_err);
    rc = t_run("quality", "in.ppm", "other.ppm", "--json", "--region", "20x10+5+5", "--region-ref", "20x10+50+50",
               (char *)0);
    CHECK(rc == 0 && strstr(t_out, "\"ref_crop\":\"28x18+46+46\""), "quality --region-ref moves REF's crop: %s", t_err);
    rc = t_run("convert", "in.ppm", "r1.ppm", "--resize", "60x48", (char *)0);
    rc |= t_run("convert", "in.ppm", "r2.ppm", "--resize", "60x48", "--filter", "bilinear", (char *)0);
    t_slurp("r1.ppm", a, 16);
    CHECK(rc == 0 && !strncmp(a, "P6\n60 48", 8) && !t_same_file("r1.ppm", "r2.ppm"),
          "convert --resize sets the size, --filter the kernel: %.8s", a);
    remove("r1.ppm");
    remove("r2.ppm");
}

/* One run with every training option set away from its default, read back
   from the checkpoint; then --resume continues it and --quiet's absence
   shows. */
static void test_train(void) {
    rse_sinddm *m = 0;
    rse_train_params tiny, cpu;
    int rc;
    rc = t_run("train", "in.ppm", "-o", "m1.rsm", "--preset", "tiny", "--steps", "4", "--until", "2", "--dim", "8",
               "--batch", "2", "--micro-batch", "1", "--crop", "16", "--coarse", "0.25", "--lr", "0.002", "--seed", "5",
               "--t-focus", "on", "--save-every", "1", "--window", "48x40+8+8", "--threads", "1", "--quiet", (char *)0);
    CHECK(rc == 0 && t_err[0] == 0, "train with every option, --quiet: %d '%s'", rc, t_err);
    if (rse_sinddm_load(&m, "m1.rsm") == RSE_STATUS_OK) {
        CHECK(m->step == 2 && m->opt.steps == 4, "--until 2 of --steps 4: step %ld of %ld", m->step, m->opt.steps);
        CHECK(m->opt.dim == 8 && m->opt.batch == 2 && m->opt.micro_batch == 1 && m->opt.crop == 16,
              "--dim --batch --micro-batch --crop recorded: %d %d %d %d", m->opt.dim, m->opt.batch, m->opt.micro_batch,
              m->opt.crop);
        CHECK(m->opt.coarse == 0.25f && m->opt.lr == 0.002f && m->opt.seed == 5 && m->opt.save_every == 1,
              "--coarse --lr --seed --save-every recorded: %g %g %llu %ld", (double)m->opt.coarse, (double)m->opt.lr,
              (unsigned long long)m->opt.seed, m->opt.save_every);
        CHECK(m->opt.t_focus == 1, "--t-focus on recorded (the tiny preset's is off)");
        CHECK(m->pyr.w[m->pyr.n - 1] == 48 && m->pyr.h[m->pyr.n - 1] == 40, "--window: trained on 48x40, got %dx%d",
              m->pyr.w[m->pyr.n - 1], m->pyr.h[m->pyr.n - 1]);
        rse_sinddm_free(m);
        m = 0;
    } else {
        CHECK(0, "m1.rsm: %s", rse_last_error());
    }
    rc = t_run("train", "in.ppm", "-o", "m1.rsm", "--resume", "--window", "48x40+8+8", (char *)0);
    CHECK(rc == 0 && strstr(t_err, "resuming"), "--resume continues, progress without --quiet: %d %s", rc, t_err);
    if (rse_sinddm_load(&m, "m1.rsm") == RSE_STATUS_OK) {
        CHECK(m->step == 4, "resumed to step 4: %ld", m->step);
        rse_sinddm_free(m);
        m = 0;
    }
    rc = t_run("train", "in.ppm", "-o", "m1.rsm", "--window", "48x40+8+8", (char *)0);
    CHECK(rc == 1 && strstr(t_err, "--resume"), "without --resume an existing model is not touched: %s", t_err);
    /* --preset: m.rsm (trained with --preset tiny and only --dim, --steps)
       has tiny's settings where tiny and cpu differ */
    rse_train_params_init(&tiny, "tiny");
    rse_train_params_init(&cpu, "cpu");
    if (rse_sinddm_load(&m, "m.rsm") == RSE_STATUS_OK) {
        CHECK((tiny.batch != cpu.batch || tiny.crop != cpu.crop || tiny.lr != cpu.lr) && m->opt.batch == tiny.batch &&
              m->opt.crop == tiny.crop && m->opt.lr == tiny.lr, "--preset tiny: batch %d crop %d", m->opt.batch,
              m->opt.crop);
        rse_sinddm_free(m);
    } else {
        CHECK(0, "m.rsm: %s", rse_last_error());
    }
    CHECK(t_run("train", "in.ppm", "-o", "m9.rsm", "--threads", "0", (char *)0) == 2 && strstr(t_err, "--threads"),
          "--threads is read (0 refused): %s", t_err);
}

/* Sampled at a quarter of the area (--scale-mul 0.5 0.5) to be quick;
   -s.ppm (test_dashdash) is the full-size sample of the same model. */
static void test_sample(void) {
    int rc, w0, h0, w1 = 0, h1 = 0, w2, h2; /* later checks read w1, h1 even if the first fails */
    rc = t_run("sample", "m.rsm", "-o", "s.ppm", "--scale-mul", "0.5", "0.5", (char *)0);
    CHECK(rc == 0 && strstr(t_err, "sample: wrote"), "sample reports without --quiet: %d %s", rc, t_err);
    CHECK(t_image_size("-s.ppm", &w0, &h0) && t_image_size("s.ppm", &w1, &h1) && w1 < w0 && h1 < h0,
          "--scale-mul 0.5 0.5: smaller than the full size");
    rc = t_run("sample", "m.rsm", "-o", "s7.ppm", "--scale-mul", "0.5", "0.5", "--seed", "7", "--quiet", (char *)0);
    CHECK(rc == 0 && t_err[0] == 0, "--quiet: '%s'", t_err);
    CHECK(rc == 0 && !t_same_file("s.ppm", "s7.ppm"), "--seed changes the sample");
    rc = t_run("sample", "m.rsm", "-o", "sm.ppm", "--scale-mul", "0.25", "0.5", "--quiet", (char *)0);
    CHECK(rc == 0 && t_image_size("sm.ppm", &w2, &h2) && h2 < h1 && w2 == w1, "--scale-mul H W: H alone changes the height");
    rc = t_run("sample", "m.rsm", "-o", "sc.ppm", "--scale-mul", "0.5", "0.5", "--count", "2", "--quiet", (char *)0);
    CHECK(rc == 0 && t_same_file("sc_0.ppm", "s.ppm") && t_have_file("sc_1.ppm") && !t_same_file("sc_1.ppm", "s.ppm") &&
          !t_have_file("sc.ppm"), "--count 2: two numbered files, the first as with --count 1");
    rc = t_run("sample", "m.rsm", "-o", "si.ppm", "--image", "in.ppm", (char *)0);
    CHECK(rc == 2 && t_one_line() && strstr(t_err, "--image") && !t_have_file("si.ppm"),
          "--image with an rsedit model (which would not read it) is refused: %d %s", rc, t_err);
    CHECK(t_run("sample", "m.rsm", "-o", "s.ppm", "--threads", "0", (char *)0) == 2 && strstr(t_err, "--threads"),
          "--threads is read (0 refused): %s", t_err);
}

/* The copy edit's options change the image; options that this request
   would not read are refused, by name. */
static void test_edit(void) {
    static const char *const base[] = { "edit", "m.rsm", "in.ppm", "--copy-from", "8x8+2+2", "--copy-to", "8x8+40+30",
                                        "--seed", "1", "--quiet" };
    char *argv[40];
    int n0 = (int)(sizeof base / sizeof base[0]), rc, w, h;
    rse_sinddm *m = 0;
    int nscales = 0;
    if (rse_sinddm_load(&m, "m.rsm") == RSE_STATUS_OK) { nscales = m->pyr.n; rse_sinddm_free(m); }
    CHECK(nscales >= 3, "the test model has 3+ scales (%d), so the copy acts at the default start scale 1", nscales);

#define EDIT(out, ...) (memcpy(argv, base, sizeof base), \
        t_run_v(n0, argv, "-o", out, __VA_ARGS__, (char *)0))
    /* the reference: two edits (the first is c_0.png), and the mask */
    rc = EDIT("c.png", "--count", "2", "--save-mask");
    CHECK(rc == 0 && t_have_file("c_0.png") && t_have_file("c_1.png") && !t_same_file("c_0.png", "c_1.png") &&
          t_have_file("c_mask.pgm"), "copy edit, --count 2 --save-mask: %d %s", rc, t_err);
    rc = EDIT("c1.png", "--copy-strength", "0.3");
    CHECK(rc == 0 && !t_same_file("c_0.png", "c1.png"), "--copy-strength changes the copy: %s", t_err);
    rc = EDIT("c3.png", "--start-scale", "0");
    CHECK(rc == 0 && !t_same_file("c_0.png", "c3.png"), "--start-scale changes the copy: %s", t_err);
    rc = EDIT("c6.png", "--copy-finest", "off");
    CHECK(rc == 0 && !t_same_file("c_0.png", "c6.png"), "--copy-finest off changes the copy: %s", t_err);
    rc = EDIT("c7.png", "--copy-finest", "3");
    /* (3 and the default 8 may give the same levels here: by step 8 the
       pastes have made the target the source, and this 2-step model's
       deterministic steps after it barely move it) */
    CHECK(rc == 0 && !t_same_file("c6.png", "c7.png"), "--copy-finest 3 is read: %s", t_err);
    rc = EDIT("r.png", "--copy-finest", "100");
    CHECK(rc == 2 && t_one_line() && strstr(t_err, "--copy-finest") && !t_have_file("r.png"),
          "--copy-finest 100 refused: %s", t_err);
    rc = EDIT("c4.png", "--seed", "2");
    CHECK(rc == 0 && !t_same_file("c_0.png", "c4.png"), "--seed changes the copy: %s", t_err);
    rc = EDIT("c5.png", "--from-noise");
    CHECK(rc == 0 && !t_same_file("c_0.png", "c5.png"), "--from-noise changes the copy: %s", t_err);
    rc = EDIT("c0.png", "--threads", "0");
    CHECK(rc == 2 && strstr(t_err, "--threads"), "--threads is read (0 refused): %s", t_err);
    memcpy(argv, base, sizeof base);
    argv[n0 - 1] = (char *)"--feather"; /* in place of --quiet: the report shows */
    rc = t_run_v(n0, argv, "1", "-o", "c2.png", (char *)0);
    CHECK(rc == 0 && !t_same_file("c_0.png", "c2.png"), "--feather changes the copy: %s", t_err);
    CHECK(rc == 0 && strstr(t_err, "edit: wrote c2.png"), "without --quiet the edit reports: %s", t_err);
    /* --window: a model of the window edits it inside the whole image */
    rc = t_run("edit", "m1.rsm", "in.ppm", "-o", "cw.ppm", "--copy-from", "8x8+10+10", "--copy-to", "8x8+30+30",
               "--window", "48x40+8+8", "--quiet", (char *)0);
    CHECK(rc == 0 && t_image_size("cw.ppm", &w, &h) && w == IMG_W && h == IMG_H, "--window: the whole image back: %s",
          t_err);
    rc = t_run("edit", "m1.rsm", "in.ppm", "-o", "cw2.png", "--copy-from", "8x8+10+10", "--copy-to", "8x8+30+30",
               "--quiet", (char *)0);
    CHECK(rc == 1 && !t_have_file("cw2.png"), "the same without --window fails (model of another size): %s", t_err);

    /* refused: what the request would not read */
    rc = EDIT("r.png", "--scale-mul", "1", "1");
    CHECK(rc == 2 && t_one_line() && strstr(t_err, "--scale-mul") && strstr(t_err, "sample"),
          "edit --scale-mul refused, saying it is sample's: %s", t_err);
    rc = EDIT("r.png", "--scale-mul=2");
    CHECK(rc == 2 && strstr(t_err, "--scale-mul"), "edit --scale-mul=2 refused: %s", t_err);
    {
        static const char *const text_only[][2] = { { "--clip", "c.pt" }, { "--vocab", "v.gz" }, { "--clip-act", "gelu" },
                                                    { "--clip-heads", "2,2" }, { "--views", "2" }, { "--strength", "1" },
                                                    { "--fill", "0.5" }, { "--momentum", "0.5" }, { "--stop", "5" },
                                                    { "--templates", "none" }, { "--clip-fp32", 0 } };
        int k;
        for (k = 0; k < (int)(sizeof text_only / sizeof text_only[0]); k++) {
            rc = text_only[k][1] ? EDIT("r.png", text_only[k][0], text_only[k][1]) : EDIT("r.png", text_only[k][0]);
            CHECK(rc == 2 && t_one_line() && strstr(t_err, text_only[k][0]) && strstr(t_err, "text"),
                  "%s on a copy edit is refused: %d %s", text_only[k][0], rc, t_err);
        }
    }
    rc = t_run("edit", "m.rsm", "in.ppm", "-o", "r.png", "--text", "a", "--clip", "c.pt", "--copy-strength", "0.5",
               (char *)0);
    CHECK(rc == 2 && strstr(t_err, "--copy-strength"), "--copy-strength without a copy: %s", t_err);
    rc = t_run("edit", "m.rsm", "in.ppm", "-o", "r.png", "--text", "a", "--clip", "c.pt", "--copy-finest", "off",
               (char *)0);
    CHECK(rc == 2 && strstr(t_err, "--copy-finest"), "--copy-finest without a copy: %s", t_err);
    rc = t_run("edit", "m.rsm", "in.ppm", "-o", "r.png", "--text", "a", "--clip", "c.pt", "--feather", "2",
               "--keep-outside", "off", (char *)0);
    CHECK(rc == 2 && strstr(t_err, "--feather"), "--feather on a whole-image text edit regenerating all: %s", t_err);
    rc = t_run("edit", "m.rsm", "in.ppm", "-o", "r.png", "--text", "a", "--clip", "c.pt", "--fill", "1",
               "--keep-outside", "on", (char *)0);
    CHECK(rc == 2 && strstr(t_err, "--keep-outside"), "--keep-outside with --fill 1 (all may change): %s", t_err);
    rc = t_run("edit", "m.rsm", "in.ppm", "-o", "r.png", "--text", "a", "--clip", "c.pt", "--roi", "8x8+0+0",
               "--keep-outside", "off", (char *)0);
    CHECK(rc == 2 && strstr(t_err, "--keep-outside"), "--keep-outside on a region edit: %s", t_err);
    rc = t_run("edit", "m.rsm", "in.ppm", "-o", "r.png", "--text", "a", "--clip", "c.pt", "--keep-outside", "maybe",
               (char *)0);
    CHECK(rc == 2 && strstr(t_err, "--keep-outside"), "--keep-outside maybe: %s", t_err);
    rc = t_run("edit", "m.rsm", "in.ppm", "-o", "r.png", "--text", "a", "--clip", "c.pt", "--from-noise", "--start-t", "5",
               (char *)0);
    CHECK(rc == 2 && strstr(t_err, "--start-t"), "--start-t with --from-noise: %s", t_err);
    rc = t_run("edit", "m.rsm", "in.ppm", "-o", "r.png", "--text", "a", "--clip", "c.pt", "--start-t", "100", (char *)0);
    CHECK(rc == 2 && strstr(t_err, "--start-t"), "--start-t 100: %s", t_err);
    rc = t_run("edit", "m.rsm", "in.ppm", "-o", "r.png", "--text", "a", "--clip", "c.pt", "--mask", "mask.pgm",
               "--feather", "2", (char *)0);
    CHECK(rc == 2 && strstr(t_err, "--feather") && strstr(t_err, "--mask"), "--feather with a --mask: %s", t_err);
    rc = EDIT("r.png", "--from-noise", "--start-scale", "1");
    CHECK(rc == 2 && strstr(t_err, "--start-scale") && strstr(t_err, "--from-noise"), "--start-scale with --from-noise: %s",
          t_err);
    rc = EDIT("r.png", "--start-scale", "9");
    CHECK(rc == 1 && t_one_line() && strstr(t_err, "--start-scale 9"), "--start-scale past the model's scales: %s", t_err);
    CHECK(!t_have_file("r.png"), "no output from a refused edit");
#undef EDIT
}

/* Text edits with the tiny CLIP: each guidance option changes the result.
   They edit the 48x40 window with its one-scale model (m1.rsm), with
   guidance in the first 4 steps only, so each is a fraction of a second. */
static void test_edit_text(void) {
    static const char *const base0[] = { "edit", "m1.rsm", "in.ppm", "--text", "a fire", "--clip", 0, "--clip-heads",
                                         "2,2", "--vocab", 0, "--views", "1", "--seed", "1", "--window", "48x40+8+8",
                                         "--stop", 0, "--quiet" };
    const char *base[sizeof base0 / sizeof base0[0]];
    char *argv[40], stop[16], stop2[16];
    double sc0 = -1;
    int n0 = (int)(sizeof base0 / sizeof base0[0]), rc, T, k;
    rse_sinddm *m = 0;
    char js[1 << 14];
    const char *sc;
    if (!t_clip) { SKIP("edit text options: the shared CLIP fixture is absent"); return; }
    if (rse_sinddm_load(&m, "m1.rsm") != RSE_STATUS_OK) { CHECK(0, "m1.rsm: %s", rse_last_error()); return; }
    CHECK(m->pyr.n == 1, "the window's model has one scale (%d)", m->pyr.n);
    T = RSE_SD_T;
    snprintf(stop, sizeof stop, "%d", T - 4);
    snprintf(stop2, sizeof stop2, "%d", T - 6);
    rse_sinddm_free(m);
    memcpy(base, base0, sizeof base0);
    base[6] = t_ckpt; base[10] = t_vocab; base[18] = stop;
#define TEDIT(out, ...) (memcpy(argv, base, sizeof base), t_run_v(n0, argv, "-o", out, __VA_ARGS__, (char *)0))
    rc = TEDIT("t0.png", "--save-mask");
    CHECK(rc == 0 && t_have_file("t0.png") && t_have_file("t0_mask.pgm"), "text edit: %d %s", rc, t_err);
    t_slurp("t0.json", js, sizeof js);
    if ((sc = strstr(js, "\"clip_score_original\": ")) != 0) sc0 = strtod(sc + 23, 0);
    {
        static const char *const vary[][2] = { { "--strength", "1" }, { "--fill", "0.6" }, { "--momentum", "0.6" },
                                               { "--views", "2" }, { "--templates", "none" }, { "--roi", "20x20+10+10" },
                                               { "--keep-outside", "off" }, { "--start-t", "98" }, { "--stop", 0 } };
        for (k = 0; k < (int)(sizeof vary / sizeof vary[0]); k++) {
            rc = TEDIT("t1.png", vary[k][0], vary[k][1] ? vary[k][1] : stop2);
            CHECK(rc == 0 && !t_same_file("t0.png", "t1.png"), "%s changes the text edit: %d %s", vary[k][0], rc, t_err);
        }
    }
    /* --mask, on the whole image (m.rsm: its finest scale only, guided in
       its first 4 steps), against the same edit without it */
    if (rse_sinddm_load(&m, "m.rsm") == RSE_STATUS_OK) {
        char fin[16], stopf[16];
        snprintf(fin, sizeof fin, "%d", m->pyr.n - 1);
        snprintf(stopf, sizeof stopf, "%d", m->pyr.n > 1 ? m->sched.t_start[m->pyr.n - 1] - 4 : RSE_SD_T - 4);
        rse_sinddm_free(m);
        memcpy(argv, base, sizeof base);
        argv[1] = (char *)"m.rsm"; argv[15] = (char *)"--start-scale"; argv[16] = fin; argv[18] = stopf;
        rc = t_run_v(n0, argv, "-o", "tm0.png", (char *)0);
        memcpy(argv, base, sizeof base);
        argv[1] = (char *)"m.rsm"; argv[15] = (char *)"--start-scale"; argv[16] = fin; argv[18] = stopf;
        rc |= t_run_v(n0, argv, "-o", "tm1.png", "--mask", "mask.pgm", (char *)0);
        CHECK(rc == 0 && !t_same_file("tm0.png", "tm1.png"), "--mask changes the text edit: %s", t_err);
    }
    /* gelu vs quickgelu: the CLIP score of the original changes (in 4
       steps the 8-bit image may not) */
    rc = TEDIT("t1.png", "--clip-act", "gelu");
    t_slurp("t1.json", js, sizeof js);
    sc = strstr(js, "\"clip_score_original\": ");
    CHECK(rc == 0 && sc && sc0 > 0 && strtod(sc + 23, 0) != sc0, "--clip-act gelu changes the CLIP: %s", t_err);
    memcpy(argv, base, sizeof base);
    argv[3] = (char *)"--prompts"; argv[4] = (char *)"p.txt";
    rc = t_run_v(n0, argv, "-o", "t1.png", (char *)0);
    t_slurp("t1.json", js, sizeof js);
    CHECK(rc == 0 && !t_same_file("t0.png", "t1.png") && strstr(js, "\"texts\": [\"a fire\", \"smoke over a forest\"]"),
          "--prompts reads the file's prompts: %d %s", rc, t_err);
    /* --vocab and --clip-heads are needed by this checkpoint: without
       them the edit fails, so they are read */
    memcpy(argv, base, sizeof base);
    argv[9] = (char *)"--views"; argv[10] = (char *)"1";
    rc = t_run_v(n0, argv, "-o", "t2.png", (char *)0);
    CHECK(rc == 1 && strstr(t_err, "bpe_simple_vocab"), "without --vocab the vocabulary is looked for next to M: %s", t_err);
    memcpy(argv, base, sizeof base);
    argv[7] = (char *)"--views"; argv[8] = (char *)"1";
    rc = t_run_v(n0, argv, "-o", "t2.png", (char *)0);
    CHECK(rc == 1 && !t_have_file("t2.png"), "without --clip-heads this checkpoint does not load: %s", t_err);
#undef TEDIT
}

static void test_clip_commands(void) {
    static char a[sizeof t_out];
    int rc;
    if (!t_clip) { SKIP("embed/score/saliency/tokenize: the shared CLIP fixture is absent"); return; }
    /* embed */
    rc = t_run("embed", "--clip", t_ckpt, "--clip-heads", "2,2", "--vocab", t_vocab, "--text", "a fire", (char *)0);
    memcpy(a, t_out, sizeof t_out);
    CHECK(rc == 0 && a[0] != '[' && strlen(a) > 32, "embed --text: %d %s", rc, t_err);
    rc = t_run("embed", "--clip", t_ckpt, "--clip-heads", "2,2", "--vocab", t_vocab, "--text", "a fire", "--json", (char *)0);
    CHECK(rc == 0 && t_out[0] == '[' && strstr(t_out, "]\n"), "embed --json: a JSON array: %.30s", t_out);
    rc = t_run("embed", "--clip", t_ckpt, "--clip-heads", "2,2", "--vocab", t_vocab, "--text", "a fire", "--clip-act",
               "gelu", (char *)0);
    CHECK(rc == 0 && strcmp(a, t_out) != 0, "embed --clip-act gelu changes the embedding");
    rc = t_run("embed", "--clip", t_ckpt, "--clip-heads", "2,2", "--vocab", t_vocab, "--prompts", "p.txt", (char *)0);
    CHECK(rc == 0 && strcmp(a, t_out) != 0, "embed --prompts: the ensemble, not the one text: %s", t_err);
    rc = t_run("embed", "--clip", t_ckpt, "--clip-heads", "2,2", "--image", "in.ppm", "--raw", "e.f32", (char *)0);
    CHECK(rc == 0 && t_size("e.f32") == 32 * 4 && strcmp(a, t_out) != 0, "embed --image --raw: %ld bytes, %s",
          t_size("e.f32"), t_err);
    rc = t_run("embed", "--clip", t_ckpt, "--clip-heads", "2,2", "--vocab", t_vocab, "--image", "in.ppm", (char *)0);
    CHECK(rc == 2 && strstr(t_err, "--vocab"), "embed --image --vocab: the vocabulary would go unread: %s", t_err);
    rc = t_run("embed", "--clip", t_ckpt, "--clip-heads", "2,2", "--clip-fp32", "--image", "in.ppm", (char *)0);
    CHECK(rc == 0, "embed --clip-fp32: %s", t_err);
    /* score: every text given is scored */
    rc = t_run("score", "--clip", t_ckpt, "--clip-heads", "2,2", "--vocab", t_vocab, "in.ppm", "a fire", "smoke", (char *)0);
    CHECK(rc == 0 && strstr(t_out, "\ta fire\n") && strstr(t_out, "\tsmoke\n"), "score IMAGE TEXT TEXT: %s", t_err);
    rc = t_run("score", "--clip", t_ckpt, "--clip-heads", "2,2", "--vocab", t_vocab, "--image", "in.ppm", "--text", "a fire",
               "--prompts", "p.txt", "smoke", (char *)0);
    CHECK(rc == 0 && strstr(t_out, "\ta fire\n") && strstr(t_out, "\tp.txt\n") && strstr(t_out, "\tsmoke\n"),
          "score --image --text --prompts TEXT: %s %s", t_out, t_err);
    /* saliency */
    rc = t_run("saliency", "--clip", t_ckpt, "--clip-heads", "2,2", "--vocab", t_vocab, "--image", "in.ppm", "--text",
               "a fire", "-o", "map.pgm", "--raw", "g.f32", (char *)0);
    CHECK(rc == 0 && t_have_file("map.pgm") && t_size("g.f32") == (long)IMG_W * IMG_H * 3 * 4,
          "saliency -o --raw: %ld bytes, %s", t_size("g.f32"), t_err);
    rc = t_run("saliency", "--clip", t_ckpt, "--clip-heads", "2,2", "--vocab", t_vocab, "--image", "in.ppm", "--prompts",
               "p.txt", "-o", "map2.pgm", (char *)0);
    CHECK(rc == 0 && !t_same_file("map.pgm", "map2.pgm"), "saliency --prompts: %s", t_err);
    rc = t_run("saliency", "--clip", t_ckpt, "--clip-heads", "2,2", "--vocab", t_vocab, "in.ppm", "a fire", "smoke",
               "-o", "map3.pgm", (char *)0);
    CHECK(rc == 2 && strstr(t_err, "one text") && !t_have_file("map3.pgm"), "saliency with two texts: %s", t_err);
}

static void test_tokenize(void) {
    static char plain[sizeof t_out];
    char file[4096];
    int rc;
    if (!t_clip) { SKIP("tokenize: the shared vocabulary is absent"); return; }
    rc = t_run("tokenize", "--vocab", t_vocab, "a fire", (char *)0);
    memcpy(plain, t_out, sizeof t_out);
    CHECK(rc == 0 && !strcmp(plain, "49406 320 1769 49407\n"), "tokenize: %d '%s' %s", rc, plain, t_err);
    rc = t_run("tokenize", "--vocab", t_vocab, "--text", "a fire", (char *)0);
    CHECK(rc == 0 && !strcmp(t_out, plain), "tokenize --text: '%s'", t_out);
    /* -o: the same bytes, in the file and not on stdout */
    rc = t_run("tokenize", "--vocab", t_vocab, "a fire", "-o", "tok.txt", (char *)0);
    t_slurp("tok.txt", file, sizeof file);
    CHECK(rc == 0 && t_out[0] == 0 && !strcmp(file, plain), "tokenize -o FILE: '%s' / stdout '%s'", file, t_out);
    rc = t_run("tokenize", "--vocab", t_vocab, "a fire", "-o", "/nonexistent_dir/tok.txt", (char *)0);
    CHECK(rc == 1 && strstr(t_err, "/nonexistent_dir"), "tokenize -o into a missing folder: %s", t_err);
    /* --json: one object per text */
    {
        static const char want[] = "[{\"text\": \"a fire\", \"ids\": [49406, 320, 1769, 49407]},\n"
                                   " {\"text\": \"say \\\"hi\\\"\", \"ids\": [49406, ";
        rc = t_run("tokenize", "--vocab", t_vocab, "--json", "a fire", "say \"hi\"", (char *)0);
        CHECK(rc == 0 && !strncmp(t_out, want, sizeof want - 1) && strstr(t_out, "]}]\n"), "tokenize --json: %s", t_out);
    }
    /* --prompts: each prompt of the file, comments and blank lines skipped */
    rc = t_run("tokenize", "--vocab", t_vocab, "--prompts", "p.txt", (char *)0);
    CHECK(rc == 0 && !strncmp(t_out, plain, strlen(plain)) && strchr(t_out + strlen(plain), '\n') &&
          !strchr(strchr(t_out + strlen(plain), '\n') + 1, '\n'), "tokenize --prompts: two lines: %s %s", t_out, t_err);
    rc = t_run("tokenize", "--vocab", t_vocab, "--prompts", "/nonexistent/p.txt", (char *)0);
    CHECK(rc == 1 && strstr(t_err, "/nonexistent/p.txt"), "tokenize --prompts: a missing file is named: %s", t_err);
    /* --clip M: the vocabulary next to M, before $RSEDIT_VOCAB; M is not read */
    mkdir("cl", 0700);
    CHECK(symlink(t_vocab, "cl/bpe_simple_vocab_16e6.txt.gz") == 0, "link the vocabulary into cl/");
    setenv("RSEDIT_VOCAB", "/nonexistent/vocab.gz", 1);
    rc = t_run("tokenize", "--clip", "cl/M.pt", "a fire", (char *)0);
    CHECK(rc == 0 && !strcmp(t_out, plain), "tokenize --clip M: the vocabulary next to M: %d %s", rc, t_err);
    rc = t_run("tokenize", "a fire", (char *)0);
    CHECK(rc == 1 && strstr(t_err, "/nonexistent/vocab.gz"), "without --clip: $RSEDIT_VOCAB: %s", t_err);
    unsetenv("RSEDIT_VOCAB");
    rc = t_run("tokenize", "--clip", "elsewhere/M.pt", "a fire", (char *)0);
    CHECK(rc == 1 && strstr(t_err, "elsewhere/bpe_simple_vocab_16e6.txt.gz"), "--clip M elsewhere: named: %s", t_err);
    rc = t_run("tokenize", "--clip", "cl/M.pt", "--vocab", t_vocab, "a fire", (char *)0);
    CHECK(rc == 2 && t_one_line() && strstr(t_err, "--clip"), "tokenize --clip with --vocab: one would be unused: %s", t_err);
}

static void test_demo_version(void) {
    int rc = t_run("demo", "-o", "in.ppm/sub", (char *)0);
    CHECK(rc == 1 && strstr(t_err, "in.ppm/sub"), "demo -o DIR: the folder is used: %d %s", rc, t_err);
    CHECK(t_run("demo", "--steps", "0", (char *)0) == 2 && strstr(t_err, "--steps"), "demo --steps is read: %s", t_err);
    CHECK(t_run("demo", "--threads", "0", (char *)0) == 2 && strstr(t_err, "--threads"), "demo --threads is read: %s", t_err);
    rc = t_run("version", (char *)0);
    CHECK(rc == 0 && !strncmp(t_out, "rsedit ", 7), "version");
    CHECK(t_run("version", "x", (char *)0) == 2 && strstr(t_err, "unexpected argument 'x'"), "version x: %s", t_err);
}

int main(void) {
    char cwd[2048];
    int ok;
    if (!getcwd(cwd, sizeof cwd)) { SKIP("getcwd failed"); return t_report("test_cli_flags"); }
    t_abs(t_vocab, sizeof t_vocab, cwd, RSE_SHARED "/data/clip/bpe_simple_vocab_16e6.txt.gz");
    t_abs(t_ckpt, sizeof t_ckpt, cwd, RSE_SHARED "/data/clip/fixtures/tiny_vit_fp32.pt");
    t_clip = t_have_file(t_vocab) && t_have_file(t_ckpt);
    unsetenv("RSEDIT_VOCAB");
    sprintf(t_dir, "/tmp/rsedit_flags_%ld", (long)getpid());
    if (mkdir(t_dir, 0700) != 0 || chdir(t_dir) != 0) { SKIP("cannot use %s", t_dir); return t_report("test_cli_flags"); }
    {
        /* two crops of the demo scene, and a mask of its left half */
        rse_image a, b;
        rse_roi tank, empty;
        int x, y;
        rse_demo_scene(&a, &tank, &empty);
        rse_image_crop(&a, &(rse_roi){ 10, 20, IMG_W, IMG_H }, &b);
        rse_image_save("in.ppm", &b);
        rse_image_save("-x.ppm", &b);
        rse_image_free(&b);
        rse_image_crop(&a, &(rse_roi){ 40, 32, IMG_W, IMG_H }, &b);
        rse_image_save("other.ppm", &b);
        rse_image_save("-y.ppm", &b);
        rse_image_free(&b);
        rse_image_free(&a);
        rse_image_alloc(&a, IMG_W, IMG_H, 1);
        for (y = 0; y < IMG_H; y++)
            for (x = 0; x < IMG_W; x++) a.data[y * IMG_W + x] = x < IMG_W / 2 ? 1.0f : 0.0f;
        rse_image_save("mask.pgm", &a);
        rse_image_free(&a);
        t_write("p.txt", "# two prompts\na fire\n\nsmoke over a forest\n");
    }
    test_sweep();
    test_man_page(cwd);
    test_dashdash(); /* trains -m.rsm */
    ok = t_have_file("-m.rsm") && rename("-m.rsm", "m.rsm") == 0;
    CHECK(ok, "the test model");
    test_convert_pyramid_quality();
    test_train();    /* trains m1.rsm on a 48x40 window */
    if (ok) {
        test_sample();
        test_edit();
        test_edit_text();
    }
    test_clip_commands();
    test_tokenize();
    test_demo_version();
    CHECK(chdir(cwd) == 0, "back to %s", cwd);
    CHECK(t_rm_tree(t_dir) == 0, "the scratch folder %s removed", t_dir);
    return t_report("test_cli_flags");
}
