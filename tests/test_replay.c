/* Replays every file of every fuzz corpus (tests/fuzz/corpus/<target>/) and
   the hand-made corrupt images (tests/corrupt/) through the fuzz targets'
   entry points, without libFuzzer: `make test` runs it with SIMD,
   `make sanitize` under ASan + UBSan, so every input a fuzzer ever kept is a
   regression test. Each file must keep the target's promises (targets.h)
   and leave no allocation behind (counted by tests/alloc_hook.h; LeakSanitizer
   checks the same under make sanitize). */
#include "alloc_hook.h"
#include "test.h"
#include "fuzz/targets.h"
#include <dirent.h>

/* Runs one folder through target t; returns the files replayed. */
static int t_replay_dir(const fuzz_target *t, const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int files = 0, bad = 0, leaks = 0;
    if (!d) return -1;
    while ((e = readdir(d)) != 0) {
        char path[512];
        unsigned char *buf;
        size_t len;
        long live;
        int line;
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "expected.tsv")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (rse__read_file(path, &buf, &len) != RSE_STATUS_OK) { CHECK(0, "%s: %s", path, rse_last_error()); continue; }
        live = ah_live;
        line = t->fn(buf, len);
        if (line) { bad++; printf("FAIL %s: target %s broke the promise at targets.h:%d\n", path, t->name, line); }
        if (ah_live != live) { leaks++; printf("FAIL %s: target %s left %ld allocations\n", path, t->name, ah_live - live); }
        RSE_FREE(buf);
        files++;
    }
    closedir(d);
    CHECK(bad == 0, "%s: %d of %d files broke a promise", dir, bad, files);
    CHECK(leaks == 0, "%s: %d of %d files leaked", dir, leaks, files);
    return files;
}

int main(void) {
    int i, total = 0;
    rse_clip_vocab *v = 0;
    char vocab[512];
    rse_set_threads(1);
    /* a real vocabulary lets the prompt target tokenize what it parses */
    snprintf(vocab, sizeof vocab, "%s/data/clip/bpe_simple_vocab_16e6.txt.gz", RSE_SHARED);
    if (t_have_file(vocab) && rse_clip_vocab_load(&v, vocab) == RSE_STATUS_OK) fuzz_set_vocab(v);
    else SKIP("no vocabulary at %s: prompts are parsed but not tokenized", vocab);
    for (i = 0; i < FUZZ_NTARGETS; i++) {
        const fuzz_target *t = &fuzz_targets[i];
        char dir[256];
        int n;
        /* a first call builds a target's lasting state (the import image,
           the sinddm template), so the leak count starts after it */
        t->fn((const uint8_t *)"E\0\0\0", 4);
        snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", t->name);
        n = t_replay_dir(t, dir);
        CHECK(n > 0, "%s: no corpus files (run from the repository root)", dir);
        if (n > 0) total += n;
    }
    i = t_replay_dir(&fuzz_targets[0], "tests/corrupt");
    CHECK(i > 30, "tests/corrupt replayed (%d files)", i);
    total += i;
    printf("test_replay: %d files replayed\n", total);
    fuzz_cleanup();
    rse_clip_vocab_free(v);
    CHECK(ah_live == 0, "every allocation freed at the end (%ld live)", ah_live);
    return t_report("test_replay");
}
