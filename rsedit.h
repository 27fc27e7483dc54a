/* rsedit.h - text-guided editing of a single remote-sensing image, in C99.

   This header is the whole public API of rsedit. The implementation is one
   translation unit, rsedit.c, which includes tensor.h, sinddm.c and clip.c.
   Vendor it by compiling rsedit.c into your project with -DRSE_NO_CLI (to
   leave out the command line) and including this header; define the same
   switches (below) where you include it.

   WHAT IT DOES
     1. SinDDM: train a small denoiser on ONE image over a multi-scale pyramid,
        then sample new images coarse to fine.
     2. Text-guided editing: at sampling time push the predicted clean image
        along the gradient of the CLIP (RemoteCLIP) similarity to a text.
     3. ROI edits, ROI content copy, prompt ensembles, CLIP score.

   USAGE (train on an image, then paste one region's content into another)

       #include "rsedit.h"

       rse_image img, out;
       rse_sinddm *model;
       rse_train_params tp;
       rse_edit_params ep;
       rse_roi from = { 117, 21, 20, 20 }, to = { 8, 92, 20, 20 };   // x, y, w, h
       if (rse_image_load("scene.ppm", &img) != RSE_STATUS_OK) {
           fprintf(stderr, "%s\n", rse_last_error());  // names file + problem
           return 1;
       }
       // img.data is planar float: plane c, row y, column x is
       // img.data[((size_t)c * img.h + y) * img.w + x], values in [0,1].
       rse_train_params_init(&tp, "cpu");
       rse_sinddm_create(&model, &img, &tp);        // pyramid, schedules, weights
       rse_sinddm_train(model, 0, NULL, NULL);      // every call returns a status
       rse_edit_params_init(&ep);
       ep.copy = 1; ep.copy_from = from; ep.copy_to = &to; ep.ncopy_to = 1;
       rse_edit(model, &img, &ep, &out, NULL, NULL);
       rse_image_save("edited.png", &out);          // temp file + rename
       rse_image_free(&out); rse_image_free(&img); rse_sinddm_free(model);

   Text edits add a CLIP model: rse_clip_load, rse_clip_vocab_load,
   rse_text_guide_create, then ep.guide = rse_text_guide_grad (see Editing).

   ERRORS
     Every call that can fail returns an rse_status (0 = OK, negative = error).
     rse_last_error() returns a message for the last failure on this thread,
     naming the file or field and the problem. The library never prints and
     never exits; programmer errors (broken invariants, not bad input) go
     through RSE_ASSERT, which calls a hook you can set with
     rse_set_abort_hook().

   CONFIGURATION MACROS (define before compiling rsedit.c, and before
   including this header: it hides what a switch leaves out)
     RSE_NO_CLI         leave out the command line and its demo scene:
                        rse_cli_main, rse_demo_scene and main() (implies
                        RSE_NO_MAIN). They are the program, not library API
     RSE_NO_MAIN        leave out the command-line main() only
     RSE_NO_CLIP        a SinDDM-only core: no clip.c, so no CLIP section
                        below, no text guidance (rse_text_guide_*) and no
                        import of reference SinDDM checkpoints
                        (rse_sinddm_import_mem: its zip and pickle reader
                        is clip.c's). rse_edit still makes content copies
                        and region edits with a guide of your own. Implies
                        RSE_NO_CLI (the command line's edits need CLIP)
     RSE_NO_STDIO       leave out every FILE* path: the core works from memory
                        buffers and write callbacks only, and links no stdio
     RSE_NO_SIMD        build the scalar kernels only
     RSE_NO_AVX512      leave the AVX-512 kernels out (AVX2 is then the widest)
     RSE_NO_DISPATCH    build only the kernel set the compiler targets (its
                        -march flags), with no cpuid and no getenv: the
                        single-set build, for freestanding use
     RSE_NO_THREADS     no pthreads; everything runs on the calling thread
     RSE_NO_PNG_READ    leave out the PNG reader (PNG input is then refused
                        as unsupported; the PNG writer stays)
     RSE_NO_TIFF        leave the TIFF reader out: a TIFF input is then
                        refused with a message saying so (the types and
                        functions below stay; rse_geo is then always empty)
     RSE_NO_JPEG        leave the JPEG reader out: a JPEG input is then
                        refused with a message saying so
     RSE_MALLOC(sz) RSE_REALLOC(p,sz) RSE_FREE(p)
                        the allocator; define all three or none
     RSE_ASSERT(x)      replace the internal assertion
     RSE_MAX_DIM        largest accepted image side (default 16384)
     RSE_MAX_PIXELS     largest accepted image area (default 2^28)

   LIMITS (each enforced with RSE_STATUS_LIMIT and a message naming it)
     Images     sides 1..RSE_MAX_DIM (16384), w*h <= RSE_MAX_PIXELS (2^28):
                what is decoded into memory. A TIFF scene read by window
                (rse_image_load_window_src) may have sides up to 2^31 - 1.
     Files      at most 2 GiB read (RSE_MAX_FILE_BYTES, rsedit.c): images,
                checkpoints, vocabularies and prompt files alike.
     Models     SinDDM: dim even and <= 4096, at most 32 pyramid scales;
                CLIP: at most 512 blocks per tower, tensors of at most 8
                dimensions, safetensors headers <= 100 MB, a zip entry's
                claimed size at most what deflate can expand to. A checkpoint
                whose CRC-32 (rsedit's own, or a zip entry's) fails is
                refused whole: nothing of it is used.
     Prompts    a prompt file holds at most 1024 prompts of at most 1024
                bytes each; a prompt for guidance, scoring or embedding
                must fit CLIP's context of 77 tokens (75 between start and
                end) or it is refused (rse_clip_tokenize itself cuts at 77 as
                open_clip does); the tokenizer takes at most 1 MB of text.
     Vocabulary at most 64 MB once inflated, lines of at most 256 bytes.
     Every size read from a file is checked against these and every size
     product is computed with overflow checks in size_t before anything is
     allocated. Tensor dimensions are int, element counts size_t.

   KERNELS
     The numerical kernels (matrix products, convolutions, GELU) come in
     sets: scalar C, AVX2+FMA, AVX-512 and NEON. A build carries scalar,
     the set its compiler flags target, and, with GCC or Clang on x86-64,
     AVX2 and AVX-512 as well (per-function target attributes), so a plain
     `cc -O2 rsedit.c` runs the same kernels as a -march=native build. The
     first call that needs kernels picks the widest set the CPU and
     operating system run (cpuid, xgetbv), or the one the environment variable
     RSE_KERNELS=scalar|avx2|avx512|neon names if the build has it and the
     CPU runs it (for tests and comparisons); rse_kernels_name() tells which.
     Each set gives the same results up to rounding (the tests hold every
     one to the scalar references), and each is deterministic.

   THREADS
     rse_set_threads(n) sets the worker count (default 1). Results are
     bit-identical for any thread count: work is split by output, and every
     reduction is done in a fixed order that does not depend on the split.
*/
#ifndef RSEDIT_H
#define RSEDIT_H

#if defined(RSE_NO_CLIP) && !defined(RSE_NO_CLI)
#define RSE_NO_CLI
#endif

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RSE_VERSION "0.1.0"

#ifndef RSE_MAX_DIM
#define RSE_MAX_DIM 16384
#endif
#ifndef RSE_MAX_PIXELS
#define RSE_MAX_PIXELS ((size_t)1 << 28)
#endif

#ifndef RSEDEF
#ifdef RSE_STATIC
#define RSEDEF static
#else
#define RSEDEF extern
#endif
#endif

/* ---------------------------------------------------------------------------
   Status codes and errors
   ------------------------------------------------------------------------- */

typedef enum rse_status {
    RSE_STATUS_OK          =  0,
    RSE_STATUS_NOMEM       = -1, /* an allocation failed                    */
    RSE_STATUS_IO          = -2, /* the operating system refused (open,     */
                                 /* read, write, rename)                    */
    RSE_STATUS_BAD_FORMAT  = -3, /* the input is malformed                  */
    RSE_STATUS_TRUNCATED   = -4, /* the input ends early                    */
    RSE_STATUS_UNSUPPORTED = -5, /* well-formed but not handled             */
    RSE_STATUS_LIMIT       = -6, /* a size exceeds a documented limit       */
    RSE_STATUS_BAD_ARG     = -7, /* the caller passed an invalid argument   */
    RSE_STATUS_INTERNAL    = -8  /* a bug in rsedit: please report it       */
} rse_status;

/* A short constant name for a status ("bad format", ...). */
RSEDEF const char *rse_status_str(rse_status s);
/* The message of the last failure on this thread (never NULL). */
RSEDEF const char *rse_last_error(void);
/* Forget the last message. */
RSEDEF void rse_clear_error(void);

/* Called by RSE_ASSERT on a broken internal invariant, with the file, the line
   and the failed expression. The default hook calls abort(). A hook that
   returns lets the library carry on, which is only safe for diagnostics. */
typedef void (*rse_abort_hook)(const char *file, int line, const char *expr);
RSEDEF void rse_set_abort_hook(rse_abort_hook hook);

/* Worker threads used by the kernels (1 = no workers). Ignored, and always 1,
   under RSE_NO_THREADS. Results do not depend on it. */
RSEDEF rse_status rse_set_threads(int n);
RSEDEF int rse_get_threads(void);

/* The kernel set in use: "avx512", "avx2", "neon" or "scalar" (see
   KERNELS above). The first call that needs kernels chooses it. */
RSEDEF const char *rse_kernels_name(void);

/* ---------------------------------------------------------------------------
   Images
   ------------------------------------------------------------------------- */

/* A float image, planar: c planes of h rows of w values, in [0,1].
   c is 3 (RGB) or 1 (gray). Owns its data; free with rse_image_free. */
typedef struct rse_image {
    int w, h, c;
    float *data;
} rse_image;

typedef enum rse_format {
    RSE_FORMAT_UNKNOWN = 0,
    RSE_FORMAT_PPM,   /* P3 / P6, 8 or 16 bit                               */
    RSE_FORMAT_PGM,   /* P2 / P5, 8 or 16 bit                               */
    RSE_FORMAT_BMP,   /* 1/4/8-bit palette (RLE8/RLE4 too), 16/24/32-bit;
                         writes 24-bit                                      */
    RSE_FORMAT_PNG,   /* every colour type and depth, alpha dropped; writes
                         8 or 16-bit gray/RGB, stored deflate blocks        */
    RSE_FORMAT_TIFF,  /* reads: see rse_image_load_mem_ex; writes 8 or 16-bit
                         gray/RGB, Deflate + predictor, strips or tiles,
                         georeferencing tags carried (rse_image_save_mem_geo) */
    RSE_FORMAT_JPEG   /* read only: baseline and progressive Huffman, 8-bit */
} rse_format;

/* A rectangle in image pixels: columns x..x+w-1, rows y..y+h-1. */
typedef struct rse_roi { int x, y, w, h; } rse_roi;

/* Allocates a zeroed image (checks the limits). */
RSEDEF rse_status rse_image_alloc(rse_image *img, int w, int h, int c);
RSEDEF void rse_image_free(rse_image *img);
/* Returns a 3-channel copy of a 1- or 3-channel image. */
RSEDEF rse_status rse_image_to_rgb(const rse_image *in, rse_image *out);

/* Reads only the header: sizes and channel count, no pixel data. */
RSEDEF rse_status rse_image_info_mem(const void *buf, size_t len,
                                     int *w, int *h, int *c);
/* Decodes a PPM, PGM, BMP, PNG, TIFF or JPEG file held in memory. Gray files give
   c = 1, everything else (PNG palettes included) c = 3. Samples of depth d
   become v / (2^d - 1), so 16-bit files keep their precision. Alpha (a PNG
   alpha channel or tRNS, BMP alpha bits) is dropped. JPEG: baseline and
   progressive Huffman, 8-bit, gray or 3 components (YCbCr, or RGB by Adobe
   transform 0), any sampling factors, restart markers; decoded like
   libjpeg-turbo's defaults (islow IDCT, fancy upsampling), so equal to
   Pillow's pixels. Arithmetic coding, 12-bit, lossless, hierarchical and
   CMYK JPEGs are refused (RSE_STATUS_UNSUPPORTED). */
RSEDEF rse_status rse_image_load_mem(const void *buf, size_t len,
                                     rse_image *out);

/* Options of the readers. All zero (rse_read_options o = { 0 }) means the
   defaults. Band selection is for TIFF input only (another format with
   nbands != 0 is refused): nbands = 3 makes an RGB image of the bands
   bands[0..2] of the file, nbands = 1 a gray image of bands[0]; bands are
   1-based and may repeat (3,2,1 swaps R and B; 4,3,2 is a false-colour
   near-infrared view of an RGBN image). Default: the first three bands of
   a file with three or more, else the first (a gray image; a second band,
   usually alpha, is dropped). */
typedef struct rse_read_options {
    int nbands;      /* 0 (default), 1 or 3 */
    int bands[3];    /* 1-based band numbers */
} rse_read_options;

/* The georeferencing tags of a TIFF, kept as they were so that a TIFF writer
   can carry them over unchanged: ModelPixelScale 33550, ModelTiepoint
   33922, ModelTransformation 34264, GeoKeyDirectory 34735, GeoDoubleParams
   34736, GeoAsciiParams 34737, GDAL_METADATA 42112, GDAL_NODATA 42113.
   data holds the count values as a LITTLE-endian TIFF stores them (a
   big-endian file's values are byte-swapped per value, nothing else
   changes; ASCII keeps its NUL), so a little-endian writer copies type,
   count and data as they are. Tags are in increasing order, each at most
   once. Free with rse_geo_free (which leaves it empty and reusable). */
#define RSE_GEO_MAX_TAGS 8
typedef struct rse_geo_tag {
    uint16_t tag;          /* one of the eight above                        */
    uint16_t type;         /* TIFF field type: 2 ASCII, 3 SHORT, 12 DOUBLE.. */
    uint64_t count;        /* values                                        */
    size_t len;            /* bytes in data: count * the type's size        */
    unsigned char *data;   /* RSE_MALLOC'ed                                 */
} rse_geo_tag;
typedef struct rse_geo {
    int n;                 /* tags present                                  */
    rse_geo_tag tag[RSE_GEO_MAX_TAGS];
} rse_geo;
RSEDEF void rse_geo_free(rse_geo *g);
/* The tag numbered `tag`, or NULL. */
RSEDEF const rse_geo_tag *rse_geo_find(const rse_geo *g, int tag);

/* What a file holds, read from its header (and, for TIFF, its first IFD)
   without decoding pixels: what `rsedit info` prints. */
typedef struct rse_image_desc {
    rse_format format;
    int w, h;
    int bands;          /* samples per pixel in the file (PNG: alpha counts) */
    int bits;           /* bits per sample (BMP: per pixel; PNM: 8 or 16)    */
    int c;              /* channels a default load gives (1 or 3)           */
    /* TIFF only (0 for the other formats) */
    int compression;    /* 1 none, 5 LZW, 8 and 32946 Deflate, 32773 PackBits */
    int predictor;      /* 1 none, 2 horizontal differencing                */
    int planar;         /* 1 contiguous (RGBRGB..), 2 planar (one band per chunk) */
    int photometric;    /* 0 WhiteIsZero, 1 BlackIsZero, 2 RGB              */
    int tile_w, tile_h; /* tiled files; 0 for strips                        */
    int rows_per_strip; /* striped files (the last strip may hold fewer)    */
    int big_endian, bigtiff;
    int pages;          /* images (IFDs) in the file; only the first is read */
} rse_image_desc;

/* Describes a file in memory. geo (may be NULL) receives a TIFF's
   georeferencing tags (empty for other formats); free it with
   rse_geo_free. PNG is described (size, colour type, depth) though not
   decoded. */
RSEDEF rse_status rse_image_describe_mem(const void *buf, size_t len,
                                         rse_image_desc *d, rse_geo *geo);
/* rse_image_load_mem with options (NULL: the defaults) and, for TIFF, the
   georeferencing tags (geo may be NULL; empty for other formats). TIFF:
   little and big endian, classic and BigTIFF, strips and tiles, no
   compression, PackBits, LZW, Deflate (not under RSE_NO_CLIP: the inflate
   is clip.c's), horizontal predictor, 8 and 16 bits per sample (v/255,
   v/65535), any number of bands, contiguous or planar. Only the first
   image (IFD) is read. */
RSEDEF rse_status rse_image_load_mem_ex(const void *buf, size_t len,
                                        const rse_read_options *opt,
                                        rse_image *out, rse_geo *geo);

/* A byte sink: returns 0 on success, non-zero to abort the write. */
typedef int (*rse_write_fn)(void *ctx, const void *data, size_t n);

/* Encodes img as fmt (bits = 8 or 16; 16 for all but BMP) into a sink.
   Values are clamped to [0,1] and rounded to the nearest level. PGM writes
   the mean of the channels of a colour image. */
RSEDEF rse_status rse_image_save_mem(const rse_image *img, rse_format fmt,
                                     int bits, rse_write_fn write, void *ctx);
/* The same with georeferencing (may be NULL): a TIFF output carries geo's
   tags unchanged after its own (a classic little-endian TIFF, as rse_geo
   holds them); the other formats have no place for them and drop them.
   TIFF: one image, Adobe Deflate with the horizontal predictor, strips up
   to 1024 pixels a side, 256 x 256 tiles above. */
RSEDEF rse_status rse_image_save_mem_geo(const rse_image *img, rse_format fmt,
                                         int bits, const rse_geo *geo,
                                         rse_write_fn write, void *ctx);

/* The format an output file name asks for (".ppm", ".pgm", ".bmp", ".png",
   ".tif", ".tiff"; case-insensitive), or RSE_FORMAT_UNKNOWN. */
RSEDEF rse_format rse_format_from_path(const char *path);

/* A file read at offsets, for scenes larger than memory: read(ctx, off,
   dst, n) puts the n bytes at offset off into dst and returns 0, or
   non-zero on failure; size is the file's size. rsedit asks only for
   bytes inside [0, size). */
typedef int (*rse_read_at_fn)(void *ctx, uint64_t off, void *dst, size_t n);
typedef struct rse_source {
    rse_read_at_fn read;
    void *ctx;
    uint64_t size;
} rse_source;

/* Windows of a TIFF scene (TIFF only: other formats are refused with
   RSE_STATUS_UNSUPPORTED; read them whole and rse_image_crop). The header
   and first IFD are read, then only the strips or tiles the window meets,
   so the scene's sides may reach 2^31 - 1: RSE_MAX_DIM and RSE_MAX_PIXELS
   bound the window, which is what is decoded. The window's pixels equal
   those of a whole decode (rse_image_load_mem_ex) cropped. Every offset and
   byte count read is checked as the memory reader checks it. */
RSEDEF rse_status rse_image_describe_src(const rse_source *src, rse_image_desc *d, rse_geo *geo);
RSEDEF rse_status rse_image_load_window_src(const rse_source *src, const rse_roi *win,
                                            const rse_read_options *opt, rse_image *out,
                                            rse_geo *geo);
/* Writes the TIFF scene read from src to a sink with the window win's
   pixels replaced by pix (win's size; 3 channels go to the bands opt
   chose, which must differ; a one-band choice gets their mean, or the
   value where the three agree). Everything outside the window is the
   input's, sample for sample: the output has the input's layout (size,
   strip or tile shape, depth, bands, planar configuration, georeferencing;
   little-endian, BigTIFF when the input is or 32-bit offsets would not do)
   and the strips or tiles the window does not meet are copied as their
   compressed bytes when the compression is none or Deflate (and a 16-bit
   input little-endian), else re-encoded as Deflate one at a time. Memory:
   a few chunks, 16 bytes per chunk, never the scene. */
RSEDEF rse_status rse_image_save_window_src(const rse_source *src, const rse_read_options *opt,
                                            const rse_roi *win, const rse_image *pix,
                                            rse_write_fn write, void *ctx);

#ifndef RSE_NO_STDIO
/* File layer: read the whole file, then decode from memory. */
RSEDEF rse_status rse_image_load(const char *path, rse_image *out);
/* The same with options and georeferencing (rse_image_load_mem_ex). */
RSEDEF rse_status rse_image_load_ex(const char *path, const rse_read_options *opt,
                                    rse_image *out, rse_geo *geo);
/* Writes to "path.tmp.<pid>" then renames over path, so a crash never leaves a
   truncated file under the output name. Format from the extension. */
RSEDEF rse_status rse_image_save(const char *path, const rse_image *img);
RSEDEF rse_status rse_image_save_bits(const char *path, const rse_image *img,
                                      int bits);
/* rse_image_save_bits with georeferencing for a TIFF (rse_image_save_mem_geo). */
RSEDEF rse_status rse_image_save_geo(const char *path, const rse_image *img,
                                     int bits, const rse_geo *geo);
/* A window of an image file: a TIFF through rse_image_load_window_src
   (only the strips or tiles under the window are read), any other format
   read whole and cropped. geo may be NULL. */
RSEDEF rse_status rse_image_load_window(const char *path, const rse_roi *win,
                                        const rse_read_options *opt, rse_image *out,
                                        rse_geo *geo);
/* rse_image_describe_mem of a file; a TIFF's header and first IFD only are
   read (rse_image_describe_src), so its size is not limited. */
RSEDEF rse_status rse_image_describe(const char *path, rse_image_desc *d, rse_geo *geo);
/* rse_image_save_window_src from the TIFF file in_path to out_path (temp
   file and rename; out_path must not be in_path). */
RSEDEF rse_status rse_image_save_window(const char *out_path, const char *in_path,
                                        const rse_read_options *opt, const rse_roi *win,
                                        const rse_image *pix);
#endif

/* ---------------------------------------------------------------------------
   Progress
   ------------------------------------------------------------------------- */

typedef struct rse_progress {
    const char *what;   /* "train", "sample", "edit"                      */
    long done, total;   /* units of work (steps) done and in all          */
    int scale;          /* the pyramid scale being sampled, if sampling   */
    double loss;        /* training: the last step's loss                 */
} rse_progress;

/* Called after every unit of work; return non-zero to stop early. */
typedef int (*rse_progress_fn)(void *ctx, const rse_progress *p);

/* ---------------------------------------------------------------------------
   SinDDM: train on one image, sample coarse to fine
   ------------------------------------------------------------------------- */

typedef struct rse_sinddm rse_sinddm; /* opaque: weights, EMA, Adam, pyramid */

typedef struct rse_train_params {
    int dim;            /* denoiser width (reference: 160)                  */
    int batch;          /* images per step (reference: 32)                  */
    int micro_batch;    /* images per forward/backward, bounds memory;      */
                        /* 0 = the whole batch                              */
    int crop;           /* 0, or train on random crop x crop windows of     */
                        /* scales larger than that                          */
    long steps;         /* total optimiser steps (reference: 120001)        */
    float lr;           /* Adam learning rate (1e-3)                        */
    uint64_t seed;      /* initialisation and training randomness           */
    long save_every;    /* checkpoint period in steps (CLI), 0 = only at end */
    float coarse;       /* share of steps that train the coarsest scale,    */
                        /* the rest uniform over the others; 0 = every      */
                        /* scale equally likely (the reference)             */
    int t_focus;        /* 1: at scales above the coarsest, draw timesteps  */
                        /* below the scale's start timestep t_start[s], the */
                        /* only ones its sampler runs; 0: all T (reference) */
} rse_train_params;

/* Fills p from a named preset: "cpu" (default when NULL), "paper", "tiny". */
RSEDEF rse_status rse_train_params_init(rse_train_params *p, const char *preset);

/* A new model for img (1 or 3 channels, values in [0,1]): builds the
   pyramid, the schedules and the initial weights. */
RSEDEF rse_status rse_sinddm_create(rse_sinddm **out, const rse_image *img,
                                    const rse_train_params *p);
/* Trains until step `until` (or the end of training if until <= 0). */
RSEDEF rse_status rse_sinddm_train(rse_sinddm *m, long until,
                                   rse_progress_fn progress, void *ctx);
RSEDEF long rse_sinddm_step(const rse_sinddm *m);
RSEDEF double rse_sinddm_last_loss(const rse_sinddm *m);
RSEDEF void rse_sinddm_free(rse_sinddm *m);

typedef struct rse_sample_params {
    int count;                    /* images to draw                         */
    uint64_t seed;                /* image i uses stream (seed, i)          */
    float scale_mul_h, scale_mul_w; /* output size multipliers (1, 1)       */
} rse_sample_params;

RSEDEF void rse_sample_params_init(rse_sample_params *p);
/* Draws p->count images into out[0..count) (each to be freed with
   rse_image_free). */
RSEDEF rse_status rse_sinddm_sample(rse_sinddm *m, const rse_sample_params *p,
                                    rse_image *out, rse_progress_fn progress,
                                    void *ctx);

/* Checkpoints: rsedit's own format (versioned, CRC-32 checked), holding the
   weights, their EMA, Adam's state, the step, the RNG position and the
   pyramid, so training resumes bit-exactly and sampling needs no image. */
RSEDEF rse_status rse_sinddm_save_mem(const rse_sinddm *m, rse_write_fn write,
                                      void *ctx);
RSEDEF rse_status rse_sinddm_load_mem(rse_sinddm **out, const void *buf,
                                      size_t len);
/* Imports a checkpoint of the reference implementation (SinDDM's trainer,
   torch.save: the 'ema' state dict with 'denoise_fn.*' weights, dim
   inferred from their shapes). The pickle is parsed as data against a
   whitelist, never executed. img is the image it was trained on: the
   pyramid is rebuilt from it, and the checkpoint's gammas must match it.
   Absent under RSE_NO_CLIP. */
#ifndef RSE_NO_CLIP
RSEDEF rse_status rse_sinddm_import_mem(rse_sinddm **out, const void *ckpt,
                                        size_t len, const rse_image *img);
#endif
#ifndef RSE_NO_STDIO
RSEDEF rse_status rse_sinddm_save(const rse_sinddm *m, const char *path);
RSEDEF rse_status rse_sinddm_load(rse_sinddm **out, const char *path);
#endif

/* ---------------------------------------------------------------------------
   CLIP
   open_clip / OpenAI CLIP checkpoints as RemoteCLIP publishes them
   (torch.save zip or safetensors; ViT or ModifiedResNet image tower), the
   exact BPE tokenizer, encoders and the input gradient. Every size is read
   from the tensor shapes. A model is not safe to use from two threads at
   once (it owns its working memory); use one model per thread.
   Absent under RSE_NO_CLIP.
   ------------------------------------------------------------------------- */
#ifndef RSE_NO_CLIP

#define RSE_CLIP_CONTEXT 77  /* tokens per text, start and end included */

typedef struct rse_clip rse_clip;             /* opaque */
typedef struct rse_clip_vocab rse_clip_vocab; /* opaque: the BPE tables */

typedef enum rse_clip_act {
    RSE_CLIP_ACT_QUICKGELU = 0, /* x*sigmoid(1.702x): how OpenAI and RemoteCLIP */
                                /* were trained (the default)                    */
    RSE_CLIP_ACT_GELU = 1       /* exact erf GELU: open_clip's plain config,     */
                                /* RemoteCLIP's README demo                      */
} rse_clip_act;

typedef struct rse_clip_options {
    int act;          /* rse_clip_act                                       */
    int fp32;         /* 1: convert 16-bit weights to float32 once at load   */
                      /* (faster, twice the memory); 0: keep them 16-bit     */
                      /* and convert each layer as it is used                */
    int vision_heads; /* 0: width / 64 (all published models)               */
    int text_heads;   /* 0: width / 64                                      */
} rse_clip_options;

typedef struct rse_clip_info {
    int embed_dim;      /* joint space                                       */
    int image_size;     /* native input side (224)                           */
    int patch;          /* ViT patch (32 for RN towers: their total stride)  */
    int resnet;         /* 1 for a ModifiedResNet image tower                */
    int vision_width, vision_layers, text_width, text_layers, context;
    int act;
    float logit_scale;  /* as stored: a log; exp() gives the logit scale     */
} rse_clip_info;

RSEDEF void rse_clip_options_init(rse_clip_options *o);
/* Reads a checkpoint held in memory. The model points into buf, which must
   outlive it. opt may be NULL (defaults). */
RSEDEF rse_status rse_clip_load_mem(rse_clip **out, const void *buf, size_t len,
                                    const rse_clip_options *opt);
RSEDEF void rse_clip_free(rse_clip *m);
RSEDEF void rse_clip_get_info(const rse_clip *m, rse_clip_info *info);

/* x: n images (n,3,h,w), planar, ALREADY normalised with CLIP's mean/std
   (rse_clip_preprocess does that). ViT towers take any h, w >= the patch:
   the positional grid is resized bicubically when it differs from the
   checkpoint's. out: n x embed_dim features, not normalised. */
RSEDEF rse_status rse_clip_encode_image(rse_clip *m, const float *x, int n,
                                        int h, int w, float *out);
/* ids: n x RSE_CLIP_CONTEXT token ids; out: n x embed_dim, not normalised. */
RSEDEF rse_status rse_clip_encode_text(rse_clip *m, const int32_t *ids, int n,
                                       float *out);
/* open_clip's eval transform, bit-exact with Pillow + torchvision: short
   side to size with Pillow's bicubic on 8-bit values, centre crop, CLIP
   mean/std. out: (3,size,size). */
RSEDEF rse_status rse_clip_preprocess(const rse_image *img, int size, float *out);
/* The CLIP score as the seed paper reports it: 100 * max(cos, 0). */
RSEDEF double rse_clip_score(const float *image_emb, const float *text_emb, int dim);
/* x: n images (n,3,h,w) with pixel values in [0,1] (normalised inside).
   grad (n,3,h,w) = d cos(E_img(x_i), text_emb) / d x_i; cos_out (n) may be
   NULL. Both ViT and ResNet towers. */
RSEDEF rse_status rse_clip_image_grad(rse_clip *m, const float *x, int n, int h, int w,
                                      const float *text_emb, float *cos_out, float *grad);

/* The BPE vocabulary (bpe_simple_vocab_16e6.txt.gz, gzipped or plain). */
RSEDEF rse_status rse_clip_vocab_load_mem(rse_clip_vocab **out, const void *buf, size_t len);
RSEDEF void rse_clip_vocab_free(rse_clip_vocab *v);
/* UTF-8 text -> ids (start, tokens, end, zero padding); *n (may be NULL)
   = the count before the padding. */
RSEDEF rse_status rse_clip_tokenize(const rse_clip_vocab *v, const char *text,
                                    int32_t ids[RSE_CLIP_CONTEXT], int *n);
#ifndef RSE_NO_STDIO
/* File layer: reads the whole file (owned by the model / vocab). */
RSEDEF rse_status rse_clip_load(rse_clip **out, const char *path, const rse_clip_options *opt);
RSEDEF rse_status rse_clip_vocab_load(rse_clip_vocab **out, const char *path);
#endif
#endif /* RSE_NO_CLIP */

/* ---------------------------------------------------------------------------
   Editing
   ------------------------------------------------------------------------- */

/* rse_roi, a rectangle in image pixels, is defined with the images. */
/* Parses "WxH+X+Y" (e.g. "64x48+100+20"). */
RSEDEF rse_status rse_roi_parse(const char *s, rse_roi *r);

/* Prompt files: one prompt per line, '#' comment lines and blank lines
   skipped. *list gets `count` NUL-terminated prompts; free with
   rse_prompts_free. */
RSEDEF rse_status rse_prompts_parse(const char *buf, size_t len, char ***list, int *count);
RSEDEF void rse_prompts_free(char **list);

/* A guidance score and its gradient: given x0 (3,H,W) planar in [-1,1] at
   scale s of nscales, fill grad (3,H,W) with d score / d x0 and *score.
   Text guidance is one (CLIP similarity of the image's views to a text);
   any differentiable score can be plugged in. */
typedef rse_status (*rse_guide_fn)(void *ctx, const float *x0, int H, int W, int s, int nscales,
                                   float *grad, double *score);

/* Called before edit i of a run so a guide can restart its random streams. */
typedef void (*rse_guide_reset_fn)(void *ctx, uint64_t seed, uint64_t index);

typedef struct rse_edit_params {
    rse_guide_fn guide;        /* text (or other) guidance, or NULL       */
    void *guide_ctx;
    rse_guide_reset_fn guide_reset; /* may be NULL                        */
    float strength;            /* step norm relative to |x0| in the mask (0.2) */
    float fill;                /* fraction of the image, or of the region, allowed to change (0.2) */
    float momentum;            /* weight of the new x0 inside the mask (0.05) */
    int stop;                  /* no guidance in the last `stop` steps (3) */
    const rse_roi *rois;       /* confine the edit to these regions ...   */
    int nrois;
    const rse_image *mask;     /* ... or to this mask (image size, [0,1]) */
    float feather;             /* region edge ramp in pixels (8)          */
    int copy;                  /* ROI content copy from copy_from ...     */
    rse_roi copy_from;
    const rse_roi *copy_to;    /* ... into these targets                  */
    int ncopy_to;
    float copy_strength;       /* eta (0.8)                               */
    int copy_finest;           /* the copy also acts at the finest scale  */
                               /* while t >= copy_finest (8), so the      */
                               /* object arrives whole and the last steps */
                               /* blend its edge; -1: every scale but the */
                               /* finest, as the reference does           */
    int start_scale;           /* -1: default (the finest for regions and */
                               /* for a whole-image text that keeps the   */
                               /* input outside its area; one below the   */
                               /* finest with keep_outside 0; 1 for       */
                               /* copies)                                 */
    int start_t;               /* > 0: noise the start scale to this index */
                               /* (0..99) instead of its t_start: less    */
                               /* noise keeps more of the image (0: the   */
                               /* scale's t_start)                        */
    int keep_outside;          /* a whole-image text edit keeps the input */
                               /* outside the area its text changes (1,   */
                               /* the default; 0: the whole image is      */
                               /* regenerated, as the reference does)     */
    int from_noise;            /* 1: generate from noise and steer        */
    int style;                 /* 1: SinDDM's text-guided style modes:    */
                               /* guidance at the finest scale only, no   */
                               /* region, and (clip_style_trans) the start */
                               /* at the finest scale is the scale below, */
                               /* upsampled bilinearly; with from_noise,  */
                               /* clip_style_gen. The reference's values: */
                               /* strength 0.3, fill 1, momentum 0.05, the */
                               /* text + " Style" (the caller's to set)   */
    int pixel;                 /* 1: SinDDM's clip_roi: the one region of  */
                               /* rois is optimised in pixel space at the */
                               /* finest scale (pixel_iters steps of       */
                               /* x += strength |x|/|g| g, clamped, with   */
                               /* the "lr" templates), pasted back, and   */
                               /* the whole image is noised to start_t (3 */
                               /* when 0) and denoised by DDPM; the       */
                               /* reference's strength is 0.1             */
    int pixel_iters;           /* pixel-space steps (100)                 */
    int sampler;               /* RSE_SAMPLER_REFERENCE (default) or      */
                               /* RSE_SAMPLER_REBLUR                      */
    int count;                 /* edits to make (1)                       */
    uint64_t seed;             /* edit i uses streams (seed, i)           */
    rse_image *mask_out;       /* if not NULL: receives the mask the first */
                               /* edit used (1 channel, the image's size;  */
                               /* none for a whole-image copy edit)       */
    int exact;                 /* 1: a text guide's CLIP gradient      */
                               /* (rse_text_guide_grad) in float32     */
                               /* throughout; 0 (the default): its     */
                               /* linear and attention products in     */
                               /* bfloat16 where the CPU has           */
                               /* AVX512_BF16 and the AVX-512 kernels  */
                               /* run (faster; the gradient within     */
                               /* cosine 0.999 of float32's), else     */
                               /* float32. CLIP scores stay float32    */
} rse_edit_params;

/* The sampler of an edit. REFERENCE (the default): as SinDDM's code, DDPM
   at every scale when text guides, the reblurring DDIM for a content copy
   alone. REBLUR: the reblurring DDIM for every edit, text too: sharper
   regions and scales, but with the CPU preset's models also their noisier
   texture (README, "Edit quality"). */
enum { RSE_SAMPLER_REFERENCE = 0, RSE_SAMPLER_REBLUR = 1 };

RSEDEF void rse_edit_params_init(rse_edit_params *p);

/* Text guidance with CLIP: the prompts (one text, or an ensemble from a
   prompt file) are encoded with each template and averaged into guidance
   directions. Use rse_text_guide_grad as rse_edit_params.guide and
   rse_text_guide_reset as guide_reset, with the guide as their context.
   Absent under RSE_NO_CLIP. */
#ifndef RSE_NO_CLIP
typedef struct rse_text_guide rse_text_guide;
enum { RSE_TEMPLATES_AUTO = 0, /* "hr" at scales > 0, "lr" at scale 0 (the reference) */
       RSE_TEMPLATES_HR = 1, RSE_TEMPLATES_LR = 2, RSE_TEMPLATES_NONE = 3 };
RSEDEF rse_status rse_text_guide_create(rse_text_guide **out, rse_clip *clip, const rse_clip_vocab *vocab,
                                        const char *const *prompts, int nprompts, int templates, int views);
RSEDEF rse_status rse_text_guide_grad(void *ctx, const float *x0, int H, int W, int s, int nscales,
                                      float *grad, double *score);
RSEDEF void rse_text_guide_reset(void *ctx, uint64_t seed, uint64_t index);
/* The CLIP score (100 max(cos, 0), CLIP's preprocessing) of img for the texts. */
RSEDEF rse_status rse_text_guide_score(rse_text_guide *g, const rse_image *img, double *score);
RSEDEF void rse_text_guide_free(rse_text_guide *g);
#endif /* RSE_NO_CLIP */
/* Edits img (the image m was trained on) into out[0..p->count), each of
   img's size, RGB. When img is larger than the model's finest scale (the
   pyramid's 50,000-pixel cap) the edit is made there and pasted back as a
   change (img + the bilinearly upsampled difference); values the edit did
   not change (outside a region and its feather) are img's, exactly. */
RSEDEF rse_status rse_edit(rse_sinddm *m, const rse_image *img, const rse_edit_params *p,
                           rse_image *out, rse_progress_fn progress, void *ctx);

/* A copy of the region r of an image. */
RSEDEF rse_status rse_image_crop(const rse_image *in, const rse_roi *r, rse_image *out);
/* Edits the window `win` of a large image img with a model trained on that
   window (its crop): out[i] is the whole image with the edit's change pasted
   into the window over a seam feathered by p->feather pixels; everything
   outside the window is untouched. Regions in p are in img's pixels; p->mask
   may have img's size (it is cut to the window) or the window's. */
RSEDEF rse_status rse_edit_window(rse_sinddm *m, const rse_image *img, const rse_roi *win,
                                  const rse_edit_params *p, rse_image *out,
                                  rse_progress_fn progress, void *ctx);
/* The same for a scene that is not in memory: crop is the window win of a
   scene of scene_w x scene_h pixels (rse_image_load_window), and out[i] is
   the window again (win's size, RGB) with the edit's change pasted over the
   feathered seam, ready for rse_image_save_window. Regions in p are in the
   scene's pixels; p->mask has the window's size (or the scene's, when that
   is within RSE_MAX_DIM: it is cut to the window). */
RSEDEF rse_status rse_edit_window_crop(rse_sinddm *m, const rse_image *crop, const rse_roi *win,
                                       int scene_w, int scene_h, const rse_edit_params *p,
                                       rse_image *out, rse_progress_fn progress, void *ctx);

/* SinDDM's image-to-image modes (its trainer's image2image): the input is
   noised lightly at the model's finest scale and denoised by the model, so
   it takes on the look of the image the model was trained on. The input
   may have any size; it is read as 8-bit levels and, above 50,000 pixels,
   run at the reference's cap (LANCZOS) and brought back to its own size.
     rse_harmonize: an object pasted into the scene (mask: nonzero where it
       is, in the mask's first channel, the image's size) is blended in:
       out = M run + (1 - M) img, M the mask dilated by a disk of `radius`,
       blurred by a Gaussian of `sigma`, normalised to [0,1]. Outside M's
       reach every value is img's, exactly.
     rse_style_transfer: the content's histograms are first matched to the
       model's finest training scale (per channel), then the whole image is
       regenerated from start_t.
   out[0..count) are RGB images of the input's size; output i uses the
   stream (seed, i). */
typedef struct rse_i2i_params {
    int start_t;          /* the index the input is noised to (1..99):   */
                          /* 5 for harmonisation, 15 for style transfer  */
                          /* (the reference's start_t_harm/start_t_style)*/
    int count;            /* outputs (1)                                  */
    uint64_t seed;
    int radius;           /* harmonisation: the mask's dilation (7; 0..64)*/
    float sigma;          /* harmonisation: its Gaussian blur (5)         */
    int hist_match;       /* style transfer: match histograms first (1)   */
    rse_image *mask_out;  /* if not NULL: harmonisation's soft mask M    */
                          /* (1 channel, the input's size)                */
    rse_image *start_out; /* if not NULL: style transfer's start image    */
                          /* (the matched content at the run's size)      */
} rse_i2i_params;
RSEDEF void rse_harmonize_params_init(rse_i2i_params *p);
RSEDEF void rse_style_params_init(rse_i2i_params *p);
RSEDEF rse_status rse_harmonize(rse_sinddm *m, const rse_image *img, const rse_image *mask,
                                const rse_i2i_params *p, rse_image *out,
                                rse_progress_fn progress, void *ctx);
RSEDEF rse_status rse_style_transfer(rse_sinddm *m, const rse_image *content, const rse_i2i_params *p,
                                     rse_image *out, rse_progress_fn progress, void *ctx);
/* obj pasted into scene at the box `at` (resized to it with LANCZOS when
   its size differs), as RGB; *mask (if not NULL): the box, 1 inside, as a
   1-channel image of the scene's size (for rse_harmonize). */
RSEDEF rse_status rse_image_paste(const rse_image *scene, const rse_image *obj, const rse_roi *at,
                                  rse_image *out, rse_image *mask);

/* ---------------------------------------------------------------------------
   Command line: the program, not library API; absent under RSE_NO_CLI
   ------------------------------------------------------------------------- */
#ifndef RSE_NO_CLI
/* The rsedit command-line program as a function (what main() calls). */
RSEDEF int rse_cli_main(int argc, char **argv);

/* The demo's built-in scene: a 160x128 aerial-like picture drawn from code
   (fields, a river, roads, roofs, two round tanks). *tank is the box of one
   tank, *empty a box in an empty field. */
RSEDEF rse_status rse_demo_scene(rse_image *img, rse_roi *tank, rse_roi *empty);
#endif

#ifdef __cplusplus
}
#endif
#endif /* RSEDIT_H */
