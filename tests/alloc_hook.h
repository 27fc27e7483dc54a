/* tests/alloc_hook.h - a counting allocator for the tests that check
   allocation failures and leaks. Include it BEFORE test.h: it defines
   RSE_MALLOC / RSE_REALLOC / RSE_FREE, which rsedit.c then uses for every
   allocation it makes.

   ah_live    blocks allocated and not yet freed (a leak check compares it
              before and after a call)
   ah_count   allocation calls so far (malloc and realloc)
   ah_fail_at the ah_count value whose call returns NULL (0: never)

   Not thread-safe: the tests that use it run on one thread. */
#ifndef RSE_ALLOC_HOOK_H
#define RSE_ALLOC_HOOK_H
/* the feature level rsedit.c asks for, set before the first libc header */
#if !defined(_POSIX_C_SOURCE) && !defined(_WIN32)
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdlib.h>
#include <stddef.h>

static long ah_live, ah_count, ah_fail_at, ah_failed;

static void *ah_malloc(size_t n) {
    void *p;
    if (++ah_count == ah_fail_at) { ah_failed++; return 0; }
    p = malloc(n);
    if (p) ah_live++;
    return p;
}
static void *ah_realloc(void *p, size_t n) {
    void *q;
    if (++ah_count == ah_fail_at) { ah_failed++; return 0; } /* p stays valid, as realloc promises */
    q = realloc(p, n);
    if (q && !p) ah_live++;
    return q;
}
static void ah_free(void *p) {
    if (p) ah_live--;
    free(p);
}

#define RSE_MALLOC(sz) ah_malloc(sz)
#define RSE_REALLOC(p, sz) ah_realloc(p, sz)
#define RSE_FREE(p) ah_free(p)
#endif
