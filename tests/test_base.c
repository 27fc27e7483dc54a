/* Tests of the base of tensor.h: the formatter, checked arithmetic, arenas,
   the RNG and the thread pool. */
#include "test.h"

static void test_fmt(void) {
    char b[64];
    rse__fmt(b, sizeof b, "%s=%d %u %zu %x %lld %c%%", "a", -12, 7u, (size_t)99, 255u, -5ll, 'z');
    CHECK(strcmp(b, "a=-12 7 99 ff -5 z%") == 0, "fmt ints: got '%s'", b);
    rse__fmt(b, sizeof b, "%g %g %g %g %g", 1.5, 0.0001234, 123456.0, 1e10, -2.5e-7);
    CHECK(strcmp(b, "1.5 0.0001234 123456 1e+10 -2.5e-07") == 0, "fmt g: got '%s'", b);
    rse__fmt(b, 5, "%s", "truncated");
    CHECK(strcmp(b, "trun") == 0, "fmt truncates to cap-1: got '%s'", b);
}

static void test_checked(void) {
    size_t r;
    CHECK(rse__mul_ok(1u << 20, 1u << 10, &r) && r == (size_t)1 << 30, "mul ok");
    CHECK(!rse__mul_ok(SIZE_MAX / 2 + 1, 2, &r), "mul overflow detected");
    CHECK(!rse__add_ok(SIZE_MAX, 1, &r), "add overflow detected");
    CHECK(!rse__mul4_ok(65536, 65536, 65536, 65536, &r), "mul4 overflow detected");
}

static void test_arena(void) {
    rse__arena a;
    unsigned char buf[1000];
    void *p, *q;
    rse_arena_mark m;
    int i;
    /* caller-supplied memory never grows and fails cleanly */
    rse__arena_init(&a, buf, sizeof buf);
    p = rse__arena_alloc(&a, 100);
    CHECK(p && ((uintptr_t)p % RSE__ALIGN) == 0, "fixed arena aligned alloc");
    CHECK(rse__arena_alloc(&a, 5000) == 0, "fixed arena refuses too much");
    CHECK(strstr(rse_last_error(), "out of memory") != 0, "arena failure message: %s", rse_last_error());
    CHECK(rse__arena_calloc(&a, SIZE_MAX / 2, 4) == 0, "calloc overflow refused");
    /* owning arena grows, releases to a mark, merges at reset */
    rse__arena_init(&a, 0, 0);
    a.min_block = 256;
    p = rse__arena_alloc(&a, 100);
    m = rse__arena_get_mark(&a);
    for (i = 0; i < 20; i++) CHECK(rse__arena_alloc(&a, 200) != 0, "grow %d", i);
    CHECK(a.first->next != 0, "several blocks");
    rse__arena_release(&a, m);
    q = rse__arena_alloc(&a, 10);
    CHECK(q == (unsigned char *)p + 128, "release reuses memory after the mark");
    rse__arena_reset(&a);
    CHECK(a.first && !a.first->next && a.first->cap >= a.peak, "reset merges into one block");
    for (i = 0; i < 20; i++) rse__arena_alloc(&a, 200);
    CHECK(!a.first->next, "same load fits one block after reset");
    rse__arena_free(&a);
    /* a scratch arena is only ever released, to empty between uses: that
       merges it too, so a repeated load stops growing it */
    rse__arena_init(&a, 0, 0);
    a.min_block = 256;
    for (i = 0; i < 2; i++) {
        int k;
        m = rse__arena_get_mark(&a);
        for (k = 0; k < 20; k++) CHECK(rse__arena_alloc(&a, 200 + 100 * (k % 3)) != 0, "scratch grow %d", k);
        CHECK((a.first->next != 0) == (i == 0), "pass %d: %s", i, i ? "one block" : "several blocks");
        rse__arena_release(&a, m);
        CHECK(a.used == 0 && a.first && !a.first->next && a.first->cap >= a.peak, "pass %d: released to one block", i);
    }
    p = rse__arena_alloc(&a, 100);
    CHECK(p == a.first->mem, "allocation after a merge starts the block");
    rse__arena_free(&a);
}

static void test_rng(void) {
    rse__rng r, r2;
    float a[1001], b[1001];
    double mean = 0, var = 0;
    int i, distinct = 1;
    rse__rng_seed(&r, 42);
    rse__rng_normal(&r, a, 1001);
    CHECK(r.pos == 1002, "normal consumes 2*ceil(n/2) draws, got %d", (int)r.pos);
    /* the same numbers in two pieces (what a split across threads does) */
    rse__rng_seed(&r2, 42);
    rse__rng_normal(&r2, b, 500);
    rse__rng_normal(&r2, b + 500, 501);
    CHECK(memcmp(a, b, sizeof a) == 0, "normal stream independent of the split");
    for (i = 0; i < 1001; i++) mean += a[i];
    mean /= 1001;
    for (i = 0; i < 1001; i++) var += (a[i] - mean) * (a[i] - mean);
    var /= 1000;
    /* 1001 samples: the standard error of the mean is 0.032 and of the
       variance 0.045, so 5 sigma bounds are 0.16 and 0.23. */
    CHECK(fabs(mean) < 0.16 && fabs(var - 1) < 0.23, "normal moments mean %g var %g", mean, var);
    rse__rng_seed(&r2, 43);
    rse__rng_normal(&r2, b, 10);
    for (i = 0; i < 10; i++) if (a[i] == b[i]) distinct = 0;
    CHECK(distinct, "another seed gives another stream");
    for (i = 0; i < 1000; i++) {
        float u = rse__rng_uniform(&r);
        uint32_t k = rse__rng_below(&r, 7);
        if (!(u >= 0 && u < 1) || k >= 7) { CHECK(0, "uniform range %g %u", u, k); break; }
    }
}

typedef struct { int *out; } t_pool_ctx;
static void t_pool_task(void *ctx, int task, int ntasks) {
    t_pool_ctx *c = (t_pool_ctx *)ctx;
    size_t lo, hi, i;
    rse__split_range(1000, task, ntasks, &lo, &hi);
    for (i = lo; i < hi; i++) c->out[i] += (int)i * 3;
}

static void test_pool(void) {
    int out[1000], i, ok = 1, nt;
    t_pool_ctx c;
    c.out = out;
    for (nt = 1; nt <= 3; nt++) {
        CHECK(rse_set_threads(nt) == RSE_STATUS_OK, "set threads %d", nt);
        memset(out, 0, sizeof out);
        rse__parallel(7, t_pool_task, &c);
        rse__parallel(1000, t_pool_task, &c);
        for (i = 0; i < 1000; i++) if (out[i] != 6 * i) ok = 0;
        CHECK(ok, "every task ran once with %d threads", nt);
    }
    CHECK(rse_set_threads(0) == RSE_STATUS_BAD_ARG, "0 threads refused");
    rse_set_threads(1);
}

/* FIPS 180-4 test vectors. */
static void test_sha256(void) {
    rse__sha256 s;
    char hex[65];
    static char million[1000];
    int i;
    rse__sha256_init(&s);
    rse__sha256_update(&s, "abc", 3);
    rse__sha256_hex(&s, hex);
    CHECK(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "sha256(abc) %s", hex);
    rse__sha256_init(&s);
    rse__sha256_update(&s, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56);
    rse__sha256_hex(&s, hex);
    CHECK(!strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"), "sha256(448 bits) %s", hex);
    memset(million, 'a', sizeof million);
    rse__sha256_init(&s);
    for (i = 0; i < 1000; i++) rse__sha256_update(&s, million, 1000);
    rse__sha256_hex(&s, hex);
    CHECK(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"), "sha256(a x 1e6) %s", hex);
}

int main(void) {
    test_sha256();
    test_fmt();
    test_checked();
    test_arena();
    test_rng();
    test_pool();
    return t_report("test_base");
}
