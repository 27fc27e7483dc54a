/* tensor.h - rsedit's numerical core: errors, arenas, RNG, threads, SIMD
   kernels, float32 tensors and reverse-mode autograd on a tape.

   Included once, by rsedit.c (the one translation unit); every function here
   is static and prefixed rse__. It knows nothing of images, files or models.

   Reading order:
     1. configuration (allocator, assert, threads)
     2. errors: status names, the last-error message, a tiny formatter
     3. checked size arithmetic
     4. arenas: one per lifetime, bump allocation, reset instead of free
     5. RNG: counter-based, so a stream never depends on the thread count
     6. threads: a small pool with deterministic static work splitting
     7. kernels: scalar references and SIMD versions (sgemm, conv2d)
     8. tensors and the tape
     9. ops: each forward next to its backward
    10. backward: the reverse sweep over the tape

   Conventions: shapes are written in comments as (N,C,H,W); outputs come first
   in kernel argument lists, then inputs, then sizes; backward kernels
   ACCUMULATE (+=) into gradients, as llm.c's do, so a tensor used twice gets
   the sum of both contributions.
*/
#ifndef RSE_TENSOR_H
#define RSE_TENSOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <string.h>
#include <limits.h>
#include <float.h>
#include <math.h>
#include <stdlib.h> /* abort, and malloc/free unless RSE_MALLOC is given */

/* ===========================================================================
   1. Configuration
   ========================================================================= */

/* The allocator: all three or none, as in stb. */
#if defined(RSE_MALLOC) && defined(RSE_FREE) && defined(RSE_REALLOC)
/* ok: all three supplied */
#elif !defined(RSE_MALLOC) && !defined(RSE_FREE) && !defined(RSE_REALLOC)
#include <stdlib.h>
#define RSE_MALLOC(sz) malloc(sz)
#define RSE_REALLOC(p, sz) realloc(p, sz)
#define RSE_FREE(p) free(p)
#else
#error "rsedit: define all of RSE_MALLOC, RSE_REALLOC and RSE_FREE, or none"
#endif

#if defined(__GNUC__) || defined(__clang__)
#define RSE__UNUSED __attribute__((unused))
#define RSE__LIKELY(x) __builtin_expect(!!(x), 1)
#define RSE__UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define RSE__UNUSED
#define RSE__LIKELY(x) (x)
#define RSE__UNLIKELY(x) (x)
#endif

/* Every internal function is static. Some are used only by some builds (the
   CLI, the tests, a vendoring project), so they are marked maybe-unused. */
#define RSE__FN static RSE__UNUSED

/* Thread-local storage for the last-error message. */
#if defined(RSE_NO_THREADS)
#define RSE__TLS
#elif defined(__GNUC__) || defined(__clang__)
#define RSE__TLS __thread
#elif defined(_MSC_VER)
#define RSE__TLS __declspec(thread)
#else
#define RSE__TLS
#endif

/* The assertion hook: for broken invariants only, never for bad input. */
static rse_abort_hook rse__abort_hook_fn = 0;
RSEDEF void rse_set_abort_hook(rse_abort_hook hook) { rse__abort_hook_fn = hook; }

RSE__FN void rse__assert_fail(const char *file, int line, const char *expr) {
    if (rse__abort_hook_fn) { rse__abort_hook_fn(file, line, expr); return; }
    (void)file; (void)line; (void)expr;
    abort();
}
#ifndef RSE_ASSERT
#define RSE_ASSERT(x) ((x) ? (void)0 : rse__assert_fail(__FILE__, __LINE__, #x))
#endif

/* Largest thread count the pool accepts. */
#ifndef RSE_MAX_THREADS
#define RSE_MAX_THREADS 64
#endif

/* Memory alignment of every arena allocation: a cache line, which is also
   enough for any SIMD load (AVX-512 needs 64). */
#define RSE__ALIGN 64

/* ===========================================================================
   2. Errors
   ========================================================================= */

RSEDEF const char *rse_status_str(rse_status s) {
    switch (s) {
    case RSE_STATUS_OK:          return "ok";
    case RSE_STATUS_NOMEM:       return "out of memory";
    case RSE_STATUS_IO:          return "i/o error";
    case RSE_STATUS_BAD_FORMAT:  return "bad format";
    case RSE_STATUS_TRUNCATED:   return "truncated input";
    case RSE_STATUS_UNSUPPORTED: return "unsupported";
    case RSE_STATUS_LIMIT:       return "size limit exceeded";
    case RSE_STATUS_BAD_ARG:     return "bad argument";
    case RSE_STATUS_INTERNAL:    return "internal error";
    }
    return "unknown status";
}

#define RSE__ERRLEN 512
static RSE__TLS char rse__errmsg[RSE__ERRLEN];

RSEDEF const char *rse_last_error(void) { return rse__errmsg; }
RSEDEF void rse_clear_error(void) { rse__errmsg[0] = 0; }

/* A tiny vsnprintf, so the core needs no stdio. It knows what the messages
   use: %% %c %s %d %i %u %x, the l / ll / z length modifiers, and %g (six
   significant digits). Output is always NUL-terminated and cut at cap-1. */
typedef struct { char *p; size_t n, cap; } rse__sbuf;

static void rse__sput(rse__sbuf *b, char c) {
    if (b->n + 1 < b->cap) b->p[b->n] = c;
    b->n++;
}
static void rse__sputs(rse__sbuf *b, const char *s) {
    if (!s) s = "(null)";
    while (*s) rse__sput(b, *s++);
}
static void rse__sput_u64(rse__sbuf *b, uint64_t v, unsigned base) {
    char tmp[24];
    int n = 0;
    do { tmp[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    while (n) rse__sput(b, tmp[--n]);
}
static void rse__sput_g(rse__sbuf *b, double v) {
    /* %g with 6 significant digits: fixed notation for 1e-4 <= |v| < 1e6,
       else d.ddddde+XX. Good enough for error messages and logs. */
    int e = 0, i, ndig;
    double m;
    uint64_t digits;
    char tmp[8];
    if (v != v) { rse__sputs(b, "nan"); return; }
    if (v < 0) { rse__sput(b, '-'); v = -v; }
    if (v > DBL_MAX) { rse__sputs(b, "inf"); return; }
    if (v == 0) { rse__sput(b, '0'); return; }
    m = v;
    while (m >= 10) { m /= 10; e++; }
    while (m < 1) { m *= 10; e--; }
    digits = (uint64_t)(m * 100000.0 + 0.5); /* 6 digits: d.ddddd */
    if (digits >= 1000000) { digits /= 10; e++; }
    for (i = 5; i >= 0; i--) { tmp[i] = (char)('0' + digits % 10); digits /= 10; }
    ndig = 6;
    while (ndig > 1 && tmp[ndig - 1] == '0') ndig--;
    if (e >= -4 && e < 6) {
        if (e < 0) {
            rse__sputs(b, "0.");
            for (i = -1; i > e; i--) rse__sput(b, '0');
            for (i = 0; i < ndig; i++) rse__sput(b, tmp[i]);
        } else {
            for (i = 0; i <= e; i++) rse__sput(b, i < ndig ? tmp[i] : '0');
            if (ndig > e + 1) {
                rse__sput(b, '.');
                for (i = e + 1; i < ndig; i++) rse__sput(b, tmp[i]);
            }
        }
    } else {
        rse__sput(b, tmp[0]);
        if (ndig > 1) {
            rse__sput(b, '.');
            for (i = 1; i < ndig; i++) rse__sput(b, tmp[i]);
        }
        rse__sput(b, 'e');
        rse__sput(b, e < 0 ? '-' : '+');
        if (e < 0) e = -e;
        if (e < 10) rse__sput(b, '0');
        rse__sput_u64(b, (uint64_t)e, 10);
    }
}

RSE__FN size_t rse__vfmt(char *dst, size_t cap, const char *fmt, va_list ap) {
    rse__sbuf b;
    b.p = dst; b.n = 0; b.cap = cap;
    for (; *fmt; fmt++) {
        int lng = 0, sz = 0;
        if (*fmt != '%') { rse__sput(&b, *fmt); continue; }
        fmt++;
        while (*fmt == 'l') { lng++; fmt++; }
        if (*fmt == 'z') { sz = 1; fmt++; }
        switch (*fmt) {
        case '%': rse__sput(&b, '%'); break;
        case 'c': rse__sput(&b, (char)va_arg(ap, int)); break;
        case 's': rse__sputs(&b, va_arg(ap, const char *)); break;
        case 'g': case 'f': rse__sput_g(&b, va_arg(ap, double)); break;
        case 'd': case 'i': {
            long long v = sz ? (long long)va_arg(ap, size_t)
                        : lng >= 2 ? va_arg(ap, long long)
                        : lng == 1 ? (long long)va_arg(ap, long)
                        : (long long)va_arg(ap, int);
            if (v < 0) { rse__sput(&b, '-'); rse__sput_u64(&b, (uint64_t)0 - (uint64_t)v, 10); }
            else rse__sput_u64(&b, (uint64_t)v, 10);
            break;
        }
        case 'u': case 'x': {
            unsigned long long v = sz ? (unsigned long long)va_arg(ap, size_t)
                                 : lng >= 2 ? va_arg(ap, unsigned long long)
                                 : lng == 1 ? (unsigned long long)va_arg(ap, unsigned long)
                                 : (unsigned long long)va_arg(ap, unsigned int);
            rse__sput_u64(&b, (uint64_t)v, *fmt == 'x' ? 16u : 10u);
            break;
        }
        case 0: fmt--; break; /* lone '%' at the end */
        default: rse__sput(&b, '%'); rse__sput(&b, *fmt); break;
        }
    }
    if (cap) b.p[b.n < cap ? b.n : cap - 1] = 0;
    return b.n;
}

RSE__FN size_t rse__fmt(char *dst, size_t cap, const char *fmt, ...) {
    va_list ap;
    size_t n;
    va_start(ap, fmt);
    n = rse__vfmt(dst, cap, fmt, ap);
    va_end(ap);
    return n;
}

/* Records a failure and returns its status, so call sites read
       return rse__fail(RSE_STATUS_BAD_FORMAT, "%s: bad maxval %d", name, v); */
RSE__FN rse_status rse__fail(rse_status st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rse__vfmt(rse__errmsg, RSE__ERRLEN, fmt, ap);
    va_end(ap);
    return st;
}

/* Prefixes the current message with "what: ", used by outer layers to add the
   file name to an error raised deep inside a parser. */
RSE__FN rse_status rse__fail_prefix(rse_status st, const char *what) {
    char tmp[RSE__ERRLEN];
    memcpy(tmp, rse__errmsg, RSE__ERRLEN);
    rse__fmt(rse__errmsg, RSE__ERRLEN, "%s: %s", what, tmp);
    return st;
}

/* ===========================================================================
   3. Checked size arithmetic
   Every size that comes from a file or a user goes through these before it
   reaches an allocator or an index. They return 1 when the result fits.
   ========================================================================= */

RSE__FN int rse__mul_ok(size_t a, size_t b, size_t *out) {
    if (a != 0 && b > SIZE_MAX / a) return 0;
    *out = a * b;
    return 1;
}
RSE__FN int rse__add_ok(size_t a, size_t b, size_t *out) {
    if (b > SIZE_MAX - a) return 0;
    *out = a + b;
    return 1;
}
/* a*b*c*d, all non-negative ints, in size_t. */
RSE__FN int rse__mul4_ok(size_t a, size_t b, size_t c, size_t d, size_t *out) {
    size_t x;
    return rse__mul_ok(a, b, &x) && rse__mul_ok(x, c, &x) && rse__mul_ok(x, d, out);
}

/* ===========================================================================
   4. Arenas
   One arena per lifetime (a model's weights; one training or sampling step).
   Allocation bumps a pointer; nothing is freed piecemeal. An arena either
   owns a chain of blocks from RSE_MALLOC, grown on demand and merged into one
   block at the next reset (so a steady loop stops calling malloc after its
   first step), or uses one caller-supplied buffer and never grows.
   ========================================================================= */

typedef struct rse__block {
    struct rse__block *next;
    size_t cap;       /* usable bytes after the header */
    size_t used;
    unsigned char *mem; /* aligned start of the usable bytes */
} rse__block;

typedef struct rse_arena {
    rse__block *first, *cur;
    rse__block fixed;   /* the block header of a caller-supplied buffer */
    int can_grow;       /* 0 for a caller-supplied buffer */
    size_t used;        /* bytes handed out since the last reset */
    size_t peak;        /* high-water mark of used, for sizing */
    size_t min_block;   /* smallest block to malloc when growing */
} rse_arena;

typedef struct { rse__block *blk; size_t used, total; } rse_arena_mark;

/* buf == NULL: an owning, growing arena (cap is the first block's size, may
   be 0). Otherwise the arena lives in buf[0..cap) and never calls malloc. */
RSE__FN void rse__arena_init(rse_arena *a, void *buf, size_t cap) {
    memset(a, 0, sizeof *a);
    a->min_block = (size_t)1 << 20;
    if (buf) {
        uintptr_t p = (uintptr_t)buf, q = (p + RSE__ALIGN - 1) & ~(uintptr_t)(RSE__ALIGN - 1);
        size_t skip = (size_t)(q - p);
        a->fixed.mem = (unsigned char *)q;
        a->fixed.cap = cap > skip ? cap - skip : 0;
        a->first = a->cur = &a->fixed;
        a->can_grow = 0;
    } else {
        a->can_grow = 1;
        if (cap > a->min_block) a->min_block = cap;
    }
}

static rse__block *rse__block_new(size_t cap) {
    size_t total;
    unsigned char *raw;
    rse__block *b;
    if (!rse__add_ok(cap, sizeof(rse__block) + RSE__ALIGN, &total)) return 0;
    raw = (unsigned char *)RSE_MALLOC(total);
    if (!raw) return 0;
    b = (rse__block *)raw;
    b->next = 0;
    b->cap = cap;
    b->used = 0;
    b->mem = (unsigned char *)(((uintptr_t)(raw + sizeof(rse__block)) + RSE__ALIGN - 1)
                               & ~(uintptr_t)(RSE__ALIGN - 1));
    return b;
}

/* n bytes, 64-byte aligned, uninitialised; NULL (with a message) if the arena
   is full and cannot grow, or if n is absurd. */
RSE__FN void *rse__arena_alloc(rse_arena *a, size_t n) {
    size_t need;
    rse__block *b;
    if (!rse__add_ok(n, RSE__ALIGN - 1, &need)) goto fail;
    need &= ~(size_t)(RSE__ALIGN - 1);
    if (need == 0) need = RSE__ALIGN;
    b = a->cur;
    while (b && b->cap - b->used < need) {
        /* Blocks after cur were emptied by a release/reset: reuse them. */
        b = b->next;
        if (b) b->used = 0;
    }
    if (!b) {
        size_t cap;
        if (!a->can_grow) goto fail;
        cap = need > a->min_block ? need : a->min_block;
        b = rse__block_new(cap);
        if (!b) goto fail;
        if (a->cur) { b->next = a->cur->next; a->cur->next = b; }
        else { a->first = b; }
        a->min_block = a->min_block < ((size_t)1 << 30) ? a->min_block * 2 : a->min_block;
    }
    a->cur = b;
    {
        void *p = b->mem + b->used;
        b->used += need;
        a->used += need;
        if (a->used > a->peak) a->peak = a->used;
        return p;
    }
fail:
    rse__fail(RSE_STATUS_NOMEM, "out of memory: arena could not provide %zu bytes", n);
    return 0;
}

/* count*size bytes, zeroed, with the product overflow-checked. */
RSE__FN void *rse__arena_calloc(rse_arena *a, size_t count, size_t size) {
    size_t n;
    void *p;
    if (!rse__mul_ok(count, size, &n)) {
        rse__fail(RSE_STATUS_LIMIT, "allocation of %zu x %zu bytes overflows", count, size);
        return 0;
    }
    p = rse__arena_alloc(a, n);
    if (p) memset(p, 0, n);
    return p;
}

RSE__FN rse_arena_mark rse__arena_get_mark(const rse_arena *a) {
    rse_arena_mark m;
    m.blk = a->cur;
    m.used = a->cur ? a->cur->used : 0;
    m.total = a->used;
    return m;
}

/* Frees everything allocated after the mark (in LIFO order: scratch space). */
RSE__FN void rse__arena_release(rse_arena *a, rse_arena_mark m) {
    if (!m.blk) { /* mark taken on an empty owning arena */
        if (a->first) a->first->used = 0;
        a->cur = a->first;
    } else {
        a->cur = m.blk;
        m.blk->used = m.used;
    }
    a->used = m.total;
}

RSE__FN void rse__arena_free(rse_arena *a) {
    rse__block *b = a->first;
    if (a->can_grow) {
        while (b) { rse__block *n = b->next; RSE_FREE(b); b = n; }
    }
    a->first = a->cur = 0;
    a->used = 0;
}

/* Rewinds to empty. An owning arena that had to grow into several blocks is
   merged into one block as large as the peak, so the next lifetime of the
   same size fits without any allocation. */
RSE__FN void rse__arena_reset(rse_arena *a) {
    if (a->can_grow && a->first && a->first->next) {
        size_t peak = a->peak;
        rse__arena_free(a);
        a->first = a->cur = rse__block_new(peak);
        /* If that failed, the arena simply grows again on demand. */
    }
    if (a->first) a->first->used = 0;
    a->cur = a->first;
    a->used = 0;
}

/* ===========================================================================
   5. Random numbers
   A counter-based generator: the k-th number of a stream is a pure function
   of (seed, k), the SplitMix64 output for state seed_key + k*golden. Filling a
   buffer in parallel therefore gives the same numbers for any thread count,
   and a stream position can be saved in a checkpoint as one integer.
   ========================================================================= */

typedef struct rse_rng {
    uint64_t key; /* derived from the seed */
    uint64_t pos; /* how many 64-bit draws have been consumed */
} rse_rng;

static uint64_t rse__mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

RSE__FN void rse__rng_seed(rse_rng *r, uint64_t seed) {
    r->key = rse__mix64(seed + UINT64_C(0x9e3779b97f4a7c15));
    r->pos = 0;
}

/* The draw at absolute position k. */
static uint64_t rse__rng_at(const rse_rng *r, uint64_t k) {
    return rse__mix64(r->key + (k + 1) * UINT64_C(0x9e3779b97f4a7c15));
}

RSE__FN uint64_t rse__rng_u64(rse_rng *r) { return rse__rng_at(r, r->pos++); }

/* Uniform in [0,1) with 24 random bits: every value is an exact float. */
RSE__FN float rse__rng_uniform(rse_rng *r) {
    return (float)(rse__rng_u64(r) >> 40) * (1.0f / 16777216.0f);
}

/* Uniform integer in [0, n), n > 0, without modulo bias (Lemire's method
   reduced to a 64x32 multiply: bias below 2^-32, which no test can see). */
RSE__FN uint32_t rse__rng_below(rse_rng *r, uint32_t n) {
    return (uint32_t)(((rse__rng_u64(r) >> 32) * (uint64_t)n) >> 32);
}

/* Standard normal pair from draws k and k+1 (Box-Muller, in double so the
   float results are correctly rounded whatever the libm). */
static void rse__rng_normal_pair(const rse_rng *r, uint64_t k, float *z0, float *z1) {
    double u1 = (double)(rse__rng_at(r, k) >> 11) * (1.0 / 9007199254740992.0);
    double u2 = (double)(rse__rng_at(r, k + 1) >> 11) * (1.0 / 9007199254740992.0);
    double rad = sqrt(-2.0 * log(1.0 - u1)); /* 1-u1 in (0,1]: never log(0) */
    double th = 6.283185307179586476925286766559 * u2;
    *z0 = (float)(rad * cos(th));
    *z1 = (float)(rad * sin(th));
}

/* Fills out[0..n) with N(0,1). Element i uses the pair at pos + 2*(i/2), so
   any split of the buffer gives the same values. Consumes 2*ceil(n/2) draws. */
RSE__FN void rse__rng_normal(rse_rng *r, float *out, size_t n) {
    size_t i;
    for (i = 0; i + 1 < n; i += 2) rse__rng_normal_pair(r, r->pos + i, out + i, out + i + 1);
    if (i < n) { float spare; rse__rng_normal_pair(r, r->pos + i, out + i, &spare); }
    r->pos += (uint64_t)((n + 1) & ~(size_t)1);
}

RSE__FN void rse__rng_uniform_fill(rse_rng *r, float *out, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) out[i] = (float)(rse__rng_at(r, r->pos + i) >> 40) * (1.0f / 16777216.0f);
    r->pos += n;
}

/* ===========================================================================
   6. Threads
   rse__parallel(ntasks, fn, ctx) runs fn(ctx, i, ntasks) for i in [0,ntasks)
   and returns when all are done. Tasks are defined by the caller, not by the
   thread count, and each writes its own outputs: that is what makes results
   bit-identical for 1 or N threads. Reductions across tasks are done by the
   caller afterwards, in task order.
   ========================================================================= */

typedef void (*rse__task_fn)(void *ctx, int task, int ntasks);

static int rse__nthreads = 1;

#if defined(RSE_NO_THREADS)

RSEDEF rse_status rse_set_threads(int n) {
    if (n < 1) return rse__fail(RSE_STATUS_BAD_ARG, "thread count must be >= 1, got %d", n);
    return RSE_STATUS_OK; /* built without threads: always one */
}
RSEDEF int rse_get_threads(void) { return 1; }
RSE__FN void rse__parallel(int ntasks, rse__task_fn fn, void *ctx) {
    int i;
    for (i = 0; i < ntasks; i++) fn(ctx, i, ntasks);
}

#else
#include <pthread.h>

static pthread_mutex_t rse__pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rse__pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t rse__pool_done = PTHREAD_COND_INITIALIZER;
static struct {
    pthread_t th[RSE_MAX_THREADS];
    int nworkers;         /* running worker threads (nthreads - 1) */
    unsigned gen;         /* bumped for every job */
    int quit;
    rse__task_fn fn;      /* the current job */
    void *ctx;
    int ntasks, next, finished;
} rse__pool; /* guarded by rse__pool_mu */

static RSE__TLS int rse__in_task; /* nested parallel calls run inline */

/* Claims and runs tasks of the current job until none is left. */
static void rse__pool_drain(void) {
    for (;;) {
        int i;
        pthread_mutex_lock(&rse__pool_mu);
        i = rse__pool.next < rse__pool.ntasks ? rse__pool.next++ : -1;
        pthread_mutex_unlock(&rse__pool_mu);
        if (i < 0) return;
        rse__in_task = 1;
        rse__pool.fn(rse__pool.ctx, i, rse__pool.ntasks);
        rse__in_task = 0;
        pthread_mutex_lock(&rse__pool_mu);
        if (++rse__pool.finished == rse__pool.ntasks) pthread_cond_broadcast(&rse__pool_done);
        pthread_mutex_unlock(&rse__pool_mu);
    }
}

static void *rse__pool_worker(void *arg) {
    unsigned seen = 0;
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&rse__pool_mu);
        while (!rse__pool.quit && rse__pool.gen == seen) pthread_cond_wait(&rse__pool_wake, &rse__pool_mu);
        if (rse__pool.quit) { pthread_mutex_unlock(&rse__pool_mu); return 0; }
        seen = rse__pool.gen;
        pthread_mutex_unlock(&rse__pool_mu);
        rse__pool_drain();
    }
}

static void rse__pool_stop(void) {
    int i;
    pthread_mutex_lock(&rse__pool_mu);
    rse__pool.quit = 1;
    pthread_cond_broadcast(&rse__pool_wake);
    pthread_mutex_unlock(&rse__pool_mu);
    for (i = 0; i < rse__pool.nworkers; i++) pthread_join(rse__pool.th[i], 0);
    rse__pool.nworkers = 0;
    rse__pool.quit = 0;
}

RSEDEF rse_status rse_set_threads(int n) {
    int i;
    if (n < 1 || n > RSE_MAX_THREADS)
        return rse__fail(RSE_STATUS_BAD_ARG, "thread count must be in 1..%d, got %d", RSE_MAX_THREADS, n);
    if (rse__pool.nworkers) rse__pool_stop();
    rse__nthreads = 1;
    for (i = 0; i < n - 1; i++) {
        if (pthread_create(&rse__pool.th[i], 0, rse__pool_worker, 0) != 0) {
            rse__pool.nworkers = i;
            rse__nthreads = i + 1;
            return rse__fail(RSE_STATUS_IO, "could not start thread %d of %d", i + 2, n);
        }
        rse__pool.nworkers = i + 1;
    }
    rse__nthreads = n;
    return RSE_STATUS_OK;
}

RSEDEF int rse_get_threads(void) { return rse__nthreads; }

RSE__FN void rse__parallel(int ntasks, rse__task_fn fn, void *ctx) {
    int i;
    if (ntasks <= 0) return;
    if (rse__pool.nworkers == 0 || ntasks == 1 || rse__in_task) {
        for (i = 0; i < ntasks; i++) fn(ctx, i, ntasks);
        return;
    }
    pthread_mutex_lock(&rse__pool_mu);
    rse__pool.fn = fn;
    rse__pool.ctx = ctx;
    rse__pool.ntasks = ntasks;
    rse__pool.next = 0;
    rse__pool.finished = 0;
    rse__pool.gen++;
    pthread_cond_broadcast(&rse__pool_wake);
    pthread_mutex_unlock(&rse__pool_mu);
    rse__pool_drain(); /* the calling thread works too */
    pthread_mutex_lock(&rse__pool_mu);
    while (rse__pool.finished < rse__pool.ntasks) pthread_cond_wait(&rse__pool_done, &rse__pool_mu);
    pthread_mutex_unlock(&rse__pool_mu);
}
#endif /* RSE_NO_THREADS */

/* Splits [0,n) into ntasks nearly equal contiguous ranges; task i gets
   [*lo, *hi). Used by kernels that split work by output rows. */
RSE__FN void rse__split_range(size_t n, int task, int ntasks, size_t *lo, size_t *hi) {
    size_t base = n / (size_t)ntasks, rem = n % (size_t)ntasks, t = (size_t)task;
    *lo = t * base + (t < rem ? t : rem);
    *hi = *lo + base + (t < rem ? 1 : 0);
}

/* A good task count for n independent units of work: a few per thread so
   uneven tasks balance, never more than n. It may depend on the thread count
   because each task owns distinct outputs (no cross-task reduction). */
RSE__FN int rse__task_count(size_t n) {
    size_t t = (size_t)rse__nthreads * 4;
    if (rse__nthreads <= 1) return n ? 1 : 0;
    return (int)(n < t ? n : t);
}

/* ===========================================================================
   7. Kernels
   ========================================================================= */
#include "tensor_kernels.h" /* TEMPORARY during development: merged here */

/* ===========================================================================
   8. Tensors and the tape
   ========================================================================= */

#endif /* RSE_TENSOR_H */
