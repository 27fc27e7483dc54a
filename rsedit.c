/* rsedit.c - the one translation unit of rsedit.

   Build the command-line tool:   cc -std=c99 -O2 rsedit.c -lm -lpthread
   Vendor the library:            compile rsedit.c with -DRSE_NO_MAIN and
                                  include rsedit.h

   This file includes, in order: tensor.h (numerics and autograd), sinddm.c
   (the single-image diffusion model), clip.c (CLIP checkpoints, tokenizer and
   towers). It then holds what touches the outside world: image codecs (from
   memory), the thin file layer (absent under RSE_NO_STDIO) and the CLI.
*/

/* pthreads and rename()/getpid() need POSIX declarations under -std=c99. */
#if !defined(_POSIX_C_SOURCE) && !defined(_WIN32)
#define _POSIX_C_SOURCE 200809L
#endif

#ifdef RSE_TESTING
#ifndef RSE_NO_MAIN
#define RSE_NO_MAIN
#endif
#endif

#include "rsedit.h"
#include "tensor.h"
#include "sinddm.c"
#include "clip.c"

/* ===========================================================================
   Images: memory codecs
   ========================================================================= */

/* ===========================================================================
   File layer (absent under RSE_NO_STDIO)
   ========================================================================= */

/* ===========================================================================
   Command line
   ========================================================================= */
