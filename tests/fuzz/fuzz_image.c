/* tests/fuzz/fuzz_image.c - libFuzzer target for the image readers and
   writers: header first (as an embedder would, to cap memory), then the full
   decode, then both 8-bit encoders into a memory sink.

     make fuzz          clang -fsanitize=fuzzer,address,undefined, ~60 s
     make fuzz-replay   the same code with a plain main() that runs every
                        file named on the command line (ASan + UBSan, gcc ok)
*/
#define RSE_NO_MAIN
#include "../../rsedit.c"

/* Larger images are valid but only slow the fuzzer down (stb's fuzzer
   caps at ~80 MB the same way). */
#define FUZZ_MAX_PIXELS ((size_t)1 << 22)

/* A sink that only counts, so encoding costs no memory. */
static int fuzz_sink(void *ctx, const void *data, size_t n) {
    (void)data;
    *(size_t *)ctx += n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int w, h, c;
    rse_image img;
    size_t total = 0;
    if (rse_image_info_mem(data, size, &w, &h, &c) != RSE_STATUS_OK) {
        /* info and load must agree that the file is bad */
        if (rse_image_load_mem(data, size, &img) == RSE_STATUS_OK) abort();
        return 0;
    }
    if (w < 1 || h < 1 || (c != 1 && c != 3)) abort();
    if ((size_t)w * (size_t)h > FUZZ_MAX_PIXELS) return 0;
    if (rse_image_load_mem(data, size, &img) != RSE_STATUS_OK) {
        if (img.data) abort();   /* a failed load owns nothing */
        return 0;
    }
    if (img.w != w || img.h != h || img.c != c) abort(); /* info agrees with load */
    if (rse_image_save_mem(&img, RSE_FORMAT_PNG, 8, fuzz_sink, &total) != RSE_STATUS_OK) abort();
    if (rse_image_save_mem(&img, RSE_FORMAT_BMP, 8, fuzz_sink, &total) != RSE_STATUS_OK) abort();
    rse_image_free(&img);
    return 0;
}

#ifdef RSE_FUZZ_REPLAY
/* Replays files without libFuzzer: fuzz_image FILE... */
int main(int argc, char **argv) {
    int i;
    for (i = 1; i < argc; i++) {
        unsigned char *buf;
        size_t len;
        if (rse__read_file(argv[i], &buf, &len) != RSE_STATUS_OK) {
            fprintf(stderr, "fuzz_image: %s\n", rse_last_error());
            return 1;
        }
        LLVMFuzzerTestOneInput(buf, len);
        RSE_FREE(buf);
    }
    printf("fuzz_image: replayed %d files\n", argc - 1);
    return 0;
}
#endif
