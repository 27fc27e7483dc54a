/* tests/fuzz/fuzz.c - the libFuzzer driver for every target of targets.h.

   Built once per target with -DFUZZ_NAME='"zip"' (the corpus folder name):
     make fuzz-all          every target for FUZZTIME seconds each
     make fuzz T=zip        one target
   With -DRSE_FUZZ_REPLAY it has a plain main() that runs the files named on
   its command line (no libFuzzer, any compiler): fuzz_zip FILE...
   tests/test_replay.c replays all the corpora in `make test`. */
#define RSE_NO_MAIN
#include "../../rsedit.c"
#include "targets.h"

#ifndef FUZZ_NAME
#error "define FUZZ_NAME, e.g. -DFUZZ_NAME='\"image\"'"
#endif

static fuzz_fn fuzz_pick(void) {
    int i;
    for (i = 0; i < FUZZ_NTARGETS; i++)
        if (!strcmp(fuzz_targets[i].name, FUZZ_NAME)) return fuzz_targets[i].fn;
    abort(); /* a build error: FUZZ_NAME names no target */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static fuzz_fn fn;
    int line;
    if (!fn) fn = fuzz_pick();
    if ((line = fn(data, size)) != 0) {
        fprintf(stderr, "fuzz %s: broken promise at tests/fuzz/targets.h:%d (%s)\n", FUZZ_NAME, line, rse_last_error());
        abort();
    }
    return 0;
}

#ifdef RSE_FUZZ_REPLAY
int main(int argc, char **argv) {
    int i;
    for (i = 1; i < argc; i++) {
        unsigned char *buf;
        size_t len;
        if (rse__read_file(argv[i], &buf, &len) != RSE_STATUS_OK) {
            fprintf(stderr, "fuzz %s: %s\n", FUZZ_NAME, rse_last_error());
            return 1;
        }
        LLVMFuzzerTestOneInput(buf, len);
        RSE_FREE(buf);
    }
    fuzz_cleanup();
    printf("fuzz %s: replayed %d files\n", FUZZ_NAME, argc - 1);
    return 0;
}
#endif
