/* tests/all.c - the tests that build the library with its default settings,
   compiled as one program so that CI compiles rsedit.c once per build instead
   of once per test (each test includes the whole translation unit, and the
   compiler's time, not the tests', was most of .ci/run).

   Each test_NAME.c is still a program of its own (make build/one/test_NAME).
   Here each file's main() is renamed t_main_NAME, and the file's static names
   that another file here also uses get a file prefix, by #define around its
   #include. The program runs the test its own name selects: the Makefile
   makes build/simd/test_NAME a link to build/simd/all, so tests/run.sh and a
   developer run it as before; "all NAME" does the same.

   Only one test runs per process, so the library's and the tests' static
   state (t_pass, the thread pool, the last error message) start fresh for
   each, as they do in the separate programs. Tests that build the library
   with other settings (an allocation hook, arena poisoning, a small
   threading threshold, a caller-supplied allocator) stay separate
   (Makefile: SOLO). The #include lines below are the Makefile's list of
   merged tests: a new tests/test_NAME.c is built on its own until it gets
   an #include and a t_tests[] line here. */
#include "test.h"
#include <string.h>

#define main t_main_base
#include "test_base.c"
#undef main

#define main t_main_clip_io
#define test_fixtures clip_io_test_fixtures
#include "test_clip_io.c"
#undef main
#undef test_fixtures
#undef T_DYN_LEN
#undef T_DYN_OUT
#undef T_DYN_CRC

#define main t_main_clip_model
#define t_relerr clip_model_t_relerr
#include "test_clip_model.c"
#undef main
#undef t_relerr
#undef T_NOTE
#undef FIX

#define main t_main_edit
#include "test_edit.c"
#undef main

#define main t_main_edit_cli
#define test_errors edit_cli_test_errors
#include "test_edit_cli.c"
#undef main
#undef test_errors

#define main t_main_image
#include "test_image.c"
#undef main

#define main t_main_kernels
#define t_copy kernels_t_copy
#define t_relerr kernels_t_relerr
#define t_rng kernels_t_rng
#define test_errors kernels_test_errors
#include "test_kernels.c"
#undef main
#undef t_copy
#undef t_relerr
#undef t_rng
#undef test_errors
#undef TOL

#define main t_main_ops_torch
#include "test_ops_torch.c"
#undef main

#define main t_main_pyramid
#include "test_pyramid.c"
#undef main
#undef FIX

#define main t_main_quality
#include "test_quality.c"
#undef main

#define main t_main_schedule
#include "test_schedule.c"
#undef main
#undef FIX

#define main t_main_sd_block
#define t_copy sd_block_t_copy
#define t_run sd_block_t_run
#define t_same sd_block_t_same
#include "test_sd_block.c"
#undef main
#undef t_copy
#undef t_run
#undef t_same

#define main t_main_sinddm_cli
#define test_errors sinddm_cli_test_errors
#define test_sample sinddm_cli_test_sample
#include "test_sinddm_cli.c"
#undef main
#undef test_errors
#undef test_sample

#define main t_main_sinddm_import
#include "test_sinddm_import.c"
#undef main
#undef T_DIR

#define main t_main_sinddm_net
#define t_loss sinddm_net_t_loss
#include "test_sinddm_net.c"
#undef main
#undef t_loss

#define main t_main_sinddm_torch
#include "test_sinddm_torch.c"
#undef main

#define main t_main_sinddm_train
#define test_sample sinddm_train_test_sample
#include "test_sinddm_train.c"
#undef main
#undef test_sample

#define main t_main_tokenizer
#define t_same tokenizer_t_same
#include "test_tokenizer.c"
#undef main
#undef t_same

#define main t_main_text
#include "test_text.c"
#undef main

#define main t_main_views
#define t_loss views_t_loss
#define t_rng views_t_rng
#define test_fixtures views_test_fixtures
#include "test_views.c"
#undef main
#undef t_loss
#undef t_rng
#undef test_fixtures

#define main t_main_cli_flags
#define test_train cli_flags_test_train
#include "test_cli_flags.c"
#undef main
#undef test_train

#define main t_main_edit_ref
#include "test_edit_ref.c"
#undef main
#undef T_DIR
#undef T_TOL
#undef T_FLIPS
#undef T_FLIP_ERR

#define main t_main_meaning
#define t_clip meaning_t_clip
#define t_vocab meaning_t_vocab
#include "test_meaning.c"
#undef main
#undef t_clip
#undef t_vocab

#define main t_main_modes
#include "test_modes.c"
#undef main

#define main t_main_modes_ref
#include "test_modes_ref.c"
#undef main
#undef T_DIR
#undef T_TOL

#define main t_main_png
#include "test_png.c"
#undef main
#define main t_main_tiff
#include "test_tiff.c"
#undef main
#undef TIFF_FIX
#define main t_main_jpeg
#include "test_jpeg.c"
#undef main
#undef JPEG_FIX
#define main t_main_batch
#include "test_batch.c"
#undef main
#undef T_VOCAB
#undef T_CLIP
#define main t_main_bf16
#include "test_bf16.c"
#undef main

static const struct { const char *name; int (*run)(void); } t_tests[] = {
    { "test_base", t_main_base },
    { "test_batch", t_main_batch },
    { "test_bf16", t_main_bf16 },
    { "test_cli_flags", t_main_cli_flags },
    { "test_clip_io", t_main_clip_io },
    { "test_clip_model", t_main_clip_model },
    { "test_edit", t_main_edit },
    { "test_edit_cli", t_main_edit_cli },
    { "test_edit_ref", t_main_edit_ref },
    { "test_image", t_main_image },
    { "test_jpeg", t_main_jpeg },
    { "test_kernels", t_main_kernels },
    { "test_meaning", t_main_meaning },
    { "test_modes", t_main_modes },
    { "test_modes_ref", t_main_modes_ref },
    { "test_ops_torch", t_main_ops_torch },
    { "test_png", t_main_png },
    { "test_pyramid", t_main_pyramid },
    { "test_quality", t_main_quality },
    { "test_schedule", t_main_schedule },
    { "test_sd_block", t_main_sd_block },
    { "test_sinddm_cli", t_main_sinddm_cli },
    { "test_sinddm_import", t_main_sinddm_import },
    { "test_sinddm_net", t_main_sinddm_net },
    { "test_sinddm_torch", t_main_sinddm_torch },
    { "test_sinddm_train", t_main_sinddm_train },
    { "test_text", t_main_text },
    { "test_tiff", t_main_tiff },
    { "test_tokenizer", t_main_tokenizer },
    { "test_views", t_main_views },
};

int main(int argc, char **argv) {
    /* the test to run: argv[1] if given, else the name this program was
       started under (build/simd/test_kernels is a link to build/simd/all) */
    const char *name = argc > 1 ? argv[1] : argv[0], *slash = strrchr(name, '/');
    size_t i;
    if (slash) name = slash + 1;
    for (i = 0; i < sizeof t_tests / sizeof t_tests[0]; i++)
        if (!strcmp(name, t_tests[i].name) || !strcmp(name, t_tests[i].name + 5)) /* "test_" */
            return t_tests[i].run();
    fprintf(stderr, "all: no test named \"%s\"; the tests are:\n", name);
    for (i = 0; i < sizeof t_tests / sizeof t_tests[0]; i++) fprintf(stderr, "  %s\n", t_tests[i].name);
    return 2;
}
