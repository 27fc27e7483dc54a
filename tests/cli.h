/* tests/cli.h - running the CLI in-process for tests: rse_cli_main on an
   argument list with stdout and stderr captured into t_out and t_err, and
   small file helpers. The including test sets t_dir (a fresh folder). */
#ifndef RSE_TEST_CLI_H
#define RSE_TEST_CLI_H
#include <fcntl.h>

static char t_dir[128];
static char t_out[1 << 16], t_err[1 << 12];

/* Reads a whole small file into buf (NUL-terminated); returns its length. */
RSE__UNUSED static size_t t_slurp(const char *path, char *buf, size_t cap) {
    FILE *f = fopen(path, "rb");
    size_t n = 0;
    buf[0] = 0;
    if (!f) return 0;
    n = fread(buf, 1, cap - 1, f);
    buf[n] = 0;
    fclose(f);
    return n;
}

/* rse_cli_main on argv (argv[0] "rsedit", NULL-terminated), with stdout
   and stderr redirected to files and read back into t_out and t_err. */
RSE__UNUSED static int t_run_argv(int argc, char **argv) {
    char po[200], pe[200];
    int rc, fo, fe, so, se;
    snprintf(po, sizeof po, "%s/stdout.txt", t_dir);
    snprintf(pe, sizeof pe, "%s/stderr.txt", t_dir);
    fflush(stdout);
    fflush(stderr);
    fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    so = dup(1);
    se = dup(2);
    dup2(fo, 1);
    dup2(fe, 2);
    rc = rse_cli_main(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(fo); close(fe); close(so); close(se);
    t_slurp(po, t_out, sizeof t_out);
    t_slurp(pe, t_err, sizeof t_err);
    remove(po);
    remove(pe);
    return rc;
}

/* t_run_argv on a NULL-terminated argument list. */
RSE__UNUSED static int t_run(const char *a0, ...) {
    char *argv[40];
    int argc = 0;
    va_list ap;
    argv[argc++] = (char *)"rsedit";
    argv[argc++] = (char *)a0;
    va_start(ap, a0);
    while (argc < 39 && (argv[argc] = va_arg(ap, char *)) != 0) argc++;
    va_end(ap);
    argv[argc] = 0;
    return t_run_argv(argc, argv);
}

/* exactly one non-empty line on stderr, starting with "rsedit" */
RSE__UNUSED static int t_one_line(void) {
    size_t n = strlen(t_err);
    return n > 8 && !strncmp(t_err, "rsedit", 6) && t_err[n - 1] == '\n' && strchr(t_err, '\n') == t_err + n - 1;
}

RSE__UNUSED static const char *t_path(char *buf, const char *name) {
    sprintf(buf, "%s/%s", t_dir, name);
    return buf;
}

RSE__UNUSED static int t_image_size(const char *path, int *w, int *h) {
    rse_image im;
    if (rse_image_load(path, &im) != RSE_STATUS_OK) return 0;
    *w = im.w;
    *h = im.h;
    rse_image_free(&im);
    return 1;
}

RSE__UNUSED static int t_same_file(const char *a, const char *b) {
    unsigned char *x, *y;
    size_t nx, ny;
    int same;
    if (rse__read_file(a, &x, &nx) != RSE_STATUS_OK) return 0;
    if (rse__read_file(b, &y, &ny) != RSE_STATUS_OK) { RSE_FREE(x); return 0; }
    same = nx == ny && !memcmp(x, y, nx);
    RSE_FREE(x);
    RSE_FREE(y);
    return same;
}

#endif
