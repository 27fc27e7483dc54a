/* SinDDM end to end on a small synthetic image: training reduces the loss,
   is bit-identical across thread counts and across a save/load/resume,
   checkpoints refuse damage, and sampling gives the right sizes,
   reproducible per seed and independent of the batch count. */
#include "test.h"

static rse_train_params t_params(long steps) {
    rse_train_params p;
    rse_train_params_init(&p, "tiny");
    p.dim = 8;
    p.batch = 3;
    p.micro_batch = 2; /* exercises gradient accumulation over micro-batches */
    p.crop = 40;
    p.steps = steps;
    p.seed = 5;
    return p;
}

static void test_train_and_checkpoint(const rse_image *img) {
    rse_train_params p = t_params(40);
    rse_sinddm *a = 0, *b = 0, *c = 0;
    t_buf buf = { 0, 0, 0 };
    size_t n;
    p.coarse = 0.4f; /* the leaning scale draw, through save and resume */
    p.t_focus = 1;   /* and the focused timestep draw */
    CHECK(rse_sinddm_create(&a, img, &p) == RSE_STATUS_OK, "create: %s", rse_last_error());
    if (!a) return;
    CHECK(a->pyr.n == 3, "120x90 gives 3 scales, got %d", a->pyr.n);
    n = a->net.total;
    /* A: 40 steps on 1 thread. B: 20 steps on 2 threads, save, load into C,
       20 more steps on 3 threads. Same seed: C must equal A bit for bit. */
    rse_set_threads(1);
    CHECK(rse_sinddm_train(a, 0, 0, 0) == RSE_STATUS_OK && a->step == 40, "train 40: %s", rse_last_error());
    rse_sinddm_create(&b, img, &p);
    rse_set_threads(2);
    CHECK(rse_sinddm_train(b, 20, 0, 0) == RSE_STATUS_OK && b->step == 20, "train 20");
    CHECK(rse_sinddm_save_mem(b, t_buf_write, &buf) == RSE_STATUS_OK, "save: %s", rse_last_error());
    CHECK(rse_sinddm_load_mem(&c, buf.p, buf.n) == RSE_STATUS_OK, "load: %s", rse_last_error());
    if (c) {
        CHECK(c->opt.coarse == 0.4f && c->opt.t_focus == 1, "coarse, t_focus round trip: %g %d", (double)c->opt.coarse,
              c->opt.t_focus);
        CHECK(c->step == 20 && !memcmp(c->w, b->w, n * 4) && !memcmp(c->ema, b->ema, n * 4) &&
              !memcmp(c->m, b->m, n * 4) && !memcmp(c->v, b->v, n * 4), "checkpoint round trip is exact");
        rse_set_threads(3);
        rse_sinddm_train(c, 0, 0, 0);
        CHECK(c->step == 40, "resumed to 40");
        CHECK(!memcmp(c->w, a->w, n * 4) && !memcmp(c->ema, a->ema, n * 4),
              "resume + other thread counts give the uninterrupted weights bit for bit");
        rse_sinddm_free(c);
        c = 0;
    }
    rse_set_threads(1);
    /* damaged checkpoints are refused with a message */
    if (buf.n > 100) {
        rse_status st;
        buf.p[buf.n / 2] ^= 0x10;
        st = rse_sinddm_load_mem(&c, buf.p, buf.n);
        CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "CRC"), "flipped bit: %s", rse_last_error());
        buf.p[buf.n / 2] ^= 0x10;
        st = rse_sinddm_load_mem(&c, buf.p, buf.n - 7);
        CHECK(st != RSE_STATUS_OK && !c, "truncated checkpoint refused: %s", rse_last_error());
        st = rse_sinddm_load_mem(&c, buf.p + 1, buf.n - 1);
        CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "magic"), "bad magic: %s", rse_last_error());
        st = rse_sinddm_load_mem(&c, buf.p, 3);
        CHECK(st == RSE_STATUS_BAD_FORMAT, "tiny file refused");
    }
    /* A version-2 file is the same without the u32 `t_focus` after the f32
       `coarse` (which sits after save_every, at 100 + 20 x scales bytes), a
       version-1 file without both: each loads with the fields it lacks
       zero (all timesteps, every scale alike), and a version past ours is
       refused by number. */
    if (buf.n > 200 && a) {
        size_t at = 100 + 20 * (size_t)a->pyr.n;
        rse_status st;
        uint32_t bits = rse__ff_le32(buf.p + at);
        float f;
        memcpy(&f, &bits, 4);
        CHECK(rse__ff_le32(buf.p + 8) == 3 && f == 0.4f && rse__ff_le32(buf.p + at + 4) == 1,
              "coarse and t_focus sit at bytes %zu and %zu of a version-3 file", at, at + 4);
        memmove(buf.p + at + 4, buf.p + at + 8, buf.n - at - 8);
        buf.n -= 4;
        t_le32(buf.p + 8, 2);
        t_le32(buf.p + buf.n - 4, rse__crc32(buf.p, buf.n - 4));
        st = rse_sinddm_load_mem(&c, buf.p, buf.n);
        CHECK(st == RSE_STATUS_OK && c && c->opt.coarse == 0.4f && c->opt.t_focus == 0 && c->step == 20 &&
              !memcmp(c->w, b->w, n * 4), "version 2 loads with t_focus 0: %s", st ? rse_last_error() : "ok");
        rse_sinddm_free(c);
        c = 0;
        memmove(buf.p + at, buf.p + at + 4, buf.n - at - 4);
        buf.n -= 4;
        t_le32(buf.p + 8, 1);
        t_le32(buf.p + buf.n - 4, rse__crc32(buf.p, buf.n - 4));
        st = rse_sinddm_load_mem(&c, buf.p, buf.n);
        CHECK(st == RSE_STATUS_OK && c && c->opt.coarse == 0.0f && c->opt.t_focus == 0 && c->step == 20 &&
              !memcmp(c->w, b->w, n * 4), "version 1 loads with coarse 0: %s", st ? rse_last_error() : "ok");
        rse_sinddm_free(c);
        c = 0;
        t_le32(buf.p + 8, 4);
        t_le32(buf.p + buf.n - 4, rse__crc32(buf.p, buf.n - 4));
        st = rse_sinddm_load_mem(&c, buf.p, buf.n);
        CHECK(st == RSE_STATUS_UNSUPPORTED && strstr(rse_last_error(), "version 4"), "version 4 refused: %s",
              rse_last_error());
    }
    free(buf.p);
    rse_sinddm_free(a);
    rse_sinddm_free(b);
}

/* Micro-batches run side by side, one per thread, in rounds (4 threads and 5
   micro-batches: a round of 4, then the fifth alone with the threads inside
   its kernels): the gradients are still summed in micro-batch order, so the
   weights equal a 1-thread run bit for bit. */
static void test_side_by_side(const rse_image *img) {
    rse_train_params p = t_params(6);
    rse_sinddm *a = 0, *b = 0;
    p.batch = 5;
    p.micro_batch = 1;
    rse_set_threads(1);
    CHECK(rse_sinddm_create(&a, img, &p) == RSE_STATUS_OK && rse_sinddm_train(a, 0, 0, 0) == RSE_STATUS_OK,
          "1 thread: %s", rse_last_error());
    rse_set_threads(4);
    CHECK(rse_sinddm_create(&b, img, &p) == RSE_STATUS_OK && rse_sinddm_train(b, 0, 0, 0) == RSE_STATUS_OK,
          "4 threads: %s", rse_last_error());
    if (a && b)
        CHECK(!memcmp(a->w, b->w, a->net.total * 4) && a->last_loss == b->last_loss,
              "5 micro-batches on 1 and 4 threads: same weights and loss bit for bit");
    rse_set_threads(1);
    rse_sinddm_free(a);
    rse_sinddm_free(b);
}

/* The scale draw: with coarse = 0.5 over 5 scales, scale 0 must come up
   half the time and each other scale 1/8. Over 40,000 draws the binomial
   standard deviation of a share is at most 0.0025, so 0.01 is 4 of them:
   a wrong branch (e.g. 0 also drawn from the uniform part, giving 0.6) is
   far outside, a correct draw inside but for 1 run in ~16,000. coarse = 0
   must stay the reference's plain uniform draw, number for number. */
static void test_scale_draw(void) {
    rse__rng r, u;
    int i, k, cnt[5] = { 0, 0, 0, 0, 0 }, same = 1;
    rse__rng_seed(&r, 11);
    for (i = 0; i < 40000; i++) cnt[rse__sd_draw_scale(&r, 5, 0.5f)]++;
    CHECK(fabs(cnt[0] / 40000.0 - 0.5) < 0.01, "coarse 0.5: scale 0 drawn %d of 40000", cnt[0]);
    for (k = 1; k < 5; k++)
        CHECK(fabs(cnt[k] / 40000.0 - 0.125) < 0.01, "coarse 0.5: scale %d drawn %d of 40000", k, cnt[k]);
    rse__rng_seed(&r, 11);
    rse__rng_seed(&u, 11);
    for (i = 0; i < 1000; i++) same &= rse__sd_draw_scale(&r, 5, 0.0f) == (int)rse__rng_below(&u, 5);
    CHECK(same, "coarse 0 is the uniform draw");
    CHECK(rse__sd_draw_scale(&r, 1, 0.9f) == 0, "one scale: always 0");
}

/* The timestep draw (rse__sd_draw_t). With t_focus, scale s >= 1 draws
   below its t_start[s] only, and every value below it comes up (20,000
   draws over at most 100 values: a value missed by a correct uniform draw
   has probability below 100 x (1 - 1/100)^20000, about 1e-85); scale 0
   still draws all of T. Without it (the baseline, the reference), the same
   scale draws at or above t_start[s] too, number for number the plain
   uniform draw. */
static void test_t_draw(const rse_image *img) {
    rse_train_params p = t_params(1);
    rse_sinddm *m = 0;
    int s, i, seen[RSE_SD_T];
    rse__rng u;
    p.t_focus = 1;
    CHECK(rse_sinddm_create(&m, img, &p) == RSE_STATUS_OK, "create: %s", rse_last_error());
    if (!m) return;
    for (s = 0; s < m->pyr.n; s++) {
        int lim = s ? m->sched.t_start[s] : RSE_SD_T, lo = RSE_SD_T, hi = -1, all = 1, same = 1;
        memset(seen, 0, sizeof seen);
        m->opt.t_focus = 1;
        for (i = 0; i < 20000; i++) {
            int t = rse__sd_draw_t(m, s);
            if (t < lo) lo = t;
            if (t > hi) hi = t;
            if (t >= 0 && t < RSE_SD_T) seen[t] = 1;
        }
        for (i = 0; i < lim; i++) all &= seen[i];
        CHECK(lo == 0 && hi == lim - 1 && all, "t_focus, scale %d: draws 0..%d, each of them (got %d..%d)", s, lim - 1,
              lo, hi);
        if (s == 0) continue;
        CHECK(lim > 10 && lim < RSE_SD_T, "scale %d's t_start %d is a real limit", s, lim);
        m->opt.t_focus = 0;
        u = m->rng;
        hi = -1;
        for (i = 0; i < 20000; i++) {
            int t = rse__sd_draw_t(m, s);
            same &= t == (int)rse__rng_below(&u, RSE_SD_T);
            if (t > hi) hi = t;
        }
        CHECK(same && hi == RSE_SD_T - 1, "no t_focus, scale %d: the reference's uniform draw up to %d (max %d)", s,
              RSE_SD_T - 1, hi);
    }
    rse_sinddm_free(m);
}

/* The loss must fall: noise prediction starts near E|eps| = 0.8 for a
   random net and a working trainer brings it well below within 150 steps
   even at dim 8. A broken gradient, schedule or data path stays near 0.8.
   The draw over all timesteps (t_focus off): the focused one puts the
   finer scales' steps at small t, where the noise is a small part of x_t
   and its L1 error stays higher, so the bar below is the uniform draw's. */
static void test_loss_falls(const rse_image *img) {
    rse_train_params p = t_params(150);
    rse_sinddm *m = 0;
    double first = 0, last = 0;
    int i;
    p.t_focus = 0;
    p.dim = 16;
    p.batch = 4;
    p.micro_batch = 4;
    rse_sinddm_create(&m, img, &p);
    if (!m) { CHECK(0, "create: %s", rse_last_error()); return; }
    for (i = 0; i < 150; i++) {
        rse_sinddm_train(m, i + 1, 0, 0);
        if (i < 10) first += m->last_loss / 10;
        if (i >= 130) last += m->last_loss / 20;
    }
    printf("training loss: first 10 steps %g, last 20 steps %g\n", first, last);
    CHECK(first > 0.5 && last < 0.75 * first, "loss falls: %g -> %g", first, last);
    rse_sinddm_free(m);
}

static void test_sample(const rse_image *img) {
    rse_train_params p = t_params(5);
    rse_sample_params sp;
    rse_sinddm *m = 0;
    rse_image one[1], two[2], again[1], big[1];
    size_t nb;
    rse_sinddm_create(&m, img, &p);
    if (!m) return;
    rse_sinddm_train(m, 0, 0, 0);
    rse_sample_params_init(&sp);
    sp.seed = 11;
    CHECK(rse_sinddm_sample(m, &sp, one, 0, 0) == RSE_STATUS_OK, "sample: %s", rse_last_error());
    CHECK(one[0].w == m->pyr.w[m->pyr.n - 1] && one[0].h == m->pyr.h[m->pyr.n - 1] && one[0].c == 3,
          "sample has the finest scale's size (%dx%d)", one[0].w, one[0].h);
    nb = 3 * (size_t)one[0].w * one[0].h * sizeof(float);
    rse_sinddm_sample(m, &sp, again, 0, 0);
    CHECK(!memcmp(one[0].data, again[0].data, nb), "same seed, same image");
    sp.count = 2;
    rse_sinddm_sample(m, &sp, two, 0, 0);
    CHECK(!memcmp(one[0].data, two[0].data, nb), "image 0 does not depend on the count");
    CHECK(memcmp(two[0].data, two[1].data, nb) != 0, "images 0 and 1 differ");
    {
        size_t i;
        int inrange = 1;
        for (i = 0; i < nb / 4; i++) if (!(two[1].data[i] >= 0 && two[1].data[i] <= 1)) inrange = 0;
        CHECK(inrange, "samples are in [0,1]");
    }
    sp.count = 1;
    sp.scale_mul_w = 1.5f;
    CHECK(rse_sinddm_sample(m, &sp, big, 0, 0) == RSE_STATUS_OK && big[0].w == (int)(m->pyr.w[m->pyr.n - 1] * 1.5f),
          "--scale-mul widens the output (%d)", big[0].w);
    rse_image_free(&one[0]); rse_image_free(&again[0]);
    rse_image_free(&two[0]); rse_image_free(&two[1]); rse_image_free(&big[0]);
    rse_sinddm_free(m);
}

int main(void) {
    rse_image img;
    t_structured_image(&img);
    test_scale_draw();
    test_t_draw(&img);
    test_train_and_checkpoint(&img);
    test_side_by_side(&img);
    test_loss_falls(&img);
    test_sample(&img);
    rse_image_free(&img);
    return t_report("test_sinddm_train");
}
