/* Determinism: the same seed gives byte-identical results on 1 and 2
   threads, for training (the saved checkpoint), sampling and a content-copy
   edit; and twice in a row on the same thread count (no hidden state, such
   as an uninitialised buffer or a reused arena, leaks into a result).
   SIMD vs scalar builds are compared by make test-long (tests/kill_resume.sh):
   they differ by the summation order, measured at 1 level of 255. */
/* Element-wise ops go parallel from 64 elements here (65536 in the
   library) so that these small runs exercise their split across threads. */
#define RSE__EW_PAR_MIN 64
/* Gradient buffers for as few micro-batches at a time as there are slots,
   so that the batch below is summed over several groups whose bounds
   differ with the thread count (sinddm.c, the batch gradient). */
#define RSE_SD_GRAD_BYTES 1
#include "test.h"

/* Trains 8 steps, samples 2 images and makes a copy edit on `threads`
   threads; everything goes into one byte string. */
static int t_run(int threads, const rse_image *im, t_buf *out) {
    rse_train_params p;
    rse_sample_params sp;
    rse_edit_params ep;
    rse_sinddm *m = 0;
    rse_image s[2], e;
    rse_roi to;
    int k, ok;
    rse_set_threads(threads);
    rse_train_params_init(&p, "tiny");
    p.dim = 4; p.steps = 8; p.batch = 7; p.seed = 3;
    /* micro-batches of 2, 2, 2 and 1 images: on 2 threads two run side by
       side, taken by whichever slot is free, in groups of two */
    p.micro_batch = 2;
    ok = rse_sinddm_create(&m, im, &p) == RSE_STATUS_OK && rse_sinddm_train(m, 0, 0, 0) == RSE_STATUS_OK &&
         rse_sinddm_save_mem(m, t_buf_write, out) == RSE_STATUS_OK;
    if (!ok) { rse_sinddm_free(m); return 0; }
    rse_sample_params_init(&sp);
    sp.count = 2; sp.seed = 9;
    if (rse_sinddm_sample(m, &sp, s, 0, 0) != RSE_STATUS_OK) { rse_sinddm_free(m); return 0; }
    for (k = 0; k < 2; k++) {
        t_buf_write(out, s[k].data, (size_t)s[k].w * s[k].h * s[k].c * sizeof(float));
        rse_image_free(&s[k]);
    }
    rse_edit_params_init(&ep);
    ep.copy = 1;
    ep.copy_from.x = 4; ep.copy_from.y = 4; ep.copy_from.w = 12; ep.copy_from.h = 10;
    to.x = 40; to.y = 30; to.w = 12; to.h = 10;
    ep.copy_to = &to; ep.ncopy_to = 1; ep.seed = 4;
    ok = rse_edit(m, im, &ep, &e, 0, 0) == RSE_STATUS_OK;
    if (ok) {
        t_buf_write(out, e.data, (size_t)e.w * e.h * e.c * sizeof(float));
        rse_image_free(&e);
    }
    rse_sinddm_free(m);
    return ok;
}

int main(void) {
    rse_image im;
    t_buf a = { 0, 0, 0 }, b = { 0, 0, 0 }, c = { 0, 0, 0 };
    t_structured_image(&im); /* tests/test.h: 120x90, 3 scales */
    CHECK(t_run(1, &im, &a), "1 thread: %s", rse_last_error());
    CHECK(t_run(2, &im, &b), "2 threads: %s", rse_last_error());
    CHECK(t_run(2, &im, &c), "2 threads again: %s", rse_last_error());
    CHECK(a.n > 0 && a.n == b.n && !memcmp(a.p, b.p, a.n), "train + sample + edit: 1 and 2 threads byte-identical");
    CHECK(b.n == c.n && !memcmp(b.p, c.p, b.n), "the same run twice: byte-identical");
    free(a.p); free(b.p); free(c.p);
    rse_image_free(&im);
    rse_set_threads(1);
    return t_report("test_determinism");
}
