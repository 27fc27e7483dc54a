/* clip.c - CLIP / RemoteCLIP in C: checkpoint reading, the BPE tokenizer,
   the image and text towers, and the gradient of the image-text cosine with
   respect to the input pixels.

   Included by rsedit.c after tensor.h; knows nothing of SinDDM or the CLI.
   Reads top to bottom: file formats -> tokenizer -> towers -> gradient.
*/

/* ===========================================================================
   File formats: gzip, zip, pickle subset, safetensors (inflate and zlib
   are in tensor.h, 3c, shared with the PNG reader)
   Everything here reads from memory buffers that the caller owns and treats
   every byte as hostile: each offset and size read from a file is checked
   against the buffer (with overflow-checked arithmetic) before it is used.
   Nothing here allocates with malloc except the growable inflate output and
   scratch stacks; long-lived results live in arenas.
   ========================================================================= */

/* ---------------------------------------------------------------------------
   gzip (RFC 1952)
   ------------------------------------------------------------------------- */

/* Decompresses a gzip file: one or more members, each with its CRC-32 and
   ISIZE checked. *out is RSE_MALLOC'ed (free with RSE_FREE). */
RSE__FN rse_status rse__gunzip(const void *buf, size_t len, unsigned char **out, size_t *out_len, size_t max_out) {
    const unsigned char *p = (const unsigned char *)buf;
    size_t pos = 0, member = 0, cap = 0;
    rse__crc32_tab T;
    rse_status st;
    *out = 0; *out_len = 0;
    rse__crc32_init(&T);
    /* The last member's ISIZE is the size mod 2^32 of a single-member file:
       use it (capped) as the first allocation, a hint and nothing more.
       Deflate cannot expand one input byte to more than 1032 output bytes
       (two 1-bit codes for a 258-byte match), so a larger hint is a lie:
       without this cap an 18-byte file made us allocate max_out. */
    if (len >= 18) {
        size_t hint = rse__ff_le32(p + len - 4);
        if (hint / 1032 > len) hint = len * 1032;
        if (hint > max_out) hint = max_out;
        if (hint > 0) {
            *out = (unsigned char *)RSE_MALLOC(hint);
            if (!*out) return rse__fail(RSE_STATUS_NOMEM, "gzip: out of memory for %zu bytes", hint);
            cap = hint;
        }
    }
    do {
        size_t start = pos, used = 0, before = *out_len;
        uint32_t flg, crc;
        if (len - pos < 18) { st = rse__fail(RSE_STATUS_TRUNCATED, "gzip: member %zu: header ends early", member); goto fail; }
        if (p[pos] != 0x1f || p[pos + 1] != 0x8b) { st = rse__fail(RSE_STATUS_BAD_FORMAT, "gzip: member %zu: bad magic (not a gzip file)", member); goto fail; }
        if (p[pos + 2] != 8) { st = rse__fail(RSE_STATUS_UNSUPPORTED, "gzip: compression method %u (only deflate, 8)", (unsigned)p[pos + 2]); goto fail; }
        flg = p[pos + 3];
        if (flg & 0xe0) { st = rse__fail(RSE_STATUS_BAD_FORMAT, "gzip: reserved header flags set (0x%x)", (unsigned)flg); goto fail; }
        pos += 10; /* magic, method, flags, mtime, xfl, os */
        if (flg & 4) { /* FEXTRA: 2-byte length, then that many bytes */
            size_t xlen;
            if (len - pos < 2) goto trunc;
            xlen = rse__ff_le16(p + pos);
            pos += 2;
            if (len - pos < xlen) goto trunc;
            pos += xlen;
        }
        if (flg & 8) { /* FNAME, zero-terminated */
            while (pos < len && p[pos]) pos++;
            if (pos >= len) goto trunc;
            pos++;
        }
        if (flg & 16) { /* FCOMMENT, zero-terminated */
            while (pos < len && p[pos]) pos++;
            if (pos >= len) goto trunc;
            pos++;
        }
        if (flg & 2) { /* FHCRC: low 16 bits of the CRC-32 of the header */
            if (len - pos < 2) goto trunc;
            if ((rse__crc32_update(&T, 0, p + start, pos - start) & 0xffff) != rse__ff_le16(p + pos)) {
                st = rse__fail(RSE_STATUS_BAD_FORMAT, "gzip: header CRC mismatch"); goto fail;
            }
            pos += 2;
        }
        /* Inflate appends to the same buffer, after the earlier members. */
        {
            rse__inflator s;
            memset(&s, 0, sizeof s);
            s.in = p + pos; s.in_len = len - pos;
            s.out = *out; s.out_len = *out_len; s.out_cap = cap; s.max_out = max_out; s.can_grow = 1;
            st = rse__inf_run(&s);
            *out = s.out; *out_len = s.out_len; cap = s.out_cap;
            if (st) goto fail;
            used = s.pos;
        }
        pos += used;
        if (len - pos < 8) goto trunc;
        /* an empty member on an empty buffer: *out may still be NULL, and
           NULL + 0 is undefined; the CRC-32 of nothing is 0 */
        crc = *out_len > before ? rse__crc32_update(&T, 0, *out + before, *out_len - before) : 0;
        if (crc != rse__ff_le32(p + pos)) {
            st = rse__fail(RSE_STATUS_BAD_FORMAT, "gzip: member %zu: CRC-32 mismatch (data %x, trailer %x)",
                           member, (unsigned)crc, (unsigned)rse__ff_le32(p + pos));
            goto fail;
        }
        if ((uint32_t)(*out_len - before) != rse__ff_le32(p + pos + 4)) {
            st = rse__fail(RSE_STATUS_BAD_FORMAT, "gzip: member %zu: ISIZE mismatch", member);
            goto fail;
        }
        pos += 8;
        member++;
    } while (pos < len);
    return RSE_STATUS_OK;
trunc:
    st = rse__fail(RSE_STATUS_TRUNCATED, "gzip: member %zu: file ends early", member);
fail:
    RSE_FREE(*out);
    *out = 0; *out_len = 0;
    return st;
}


/* ---------------------------------------------------------------------------
   ZIP reader (what torch.save writes since PyTorch 1.6)
   A zip file is read from its end: the end-of-central-directory record
   (EOCD, "PK\5\6", possibly followed by a comment) gives the offset of the
   central directory, one record ("PK\1\2") per entry with its sizes, CRC and
   the offset of its local header ("PK\3\4"), which precedes the data. torch
   (through miniz) always writes ZIP64 records too, and stores every entry
   uncompressed and 64-byte aligned, so tensors can be used in place.
   Sizes are taken from the central directory: torch's local headers set the
   data-descriptor flag and leave their size fields zero.
   ------------------------------------------------------------------------- */

/* Copies s[0..n) for an error message: printable ASCII kept, anything
   else shown as '?', cut with "..." to fit cap. */
RSE__FN void rse__ff_printable(char *out, size_t cap, const char *s, size_t n) {
    size_t i, k = 0;
    for (i = 0; i < n && k + 4 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        out[k++] = (c >= 32 && c < 127) ? (char)c : '?';
    }
    if (i < n && cap >= 4) { out[k++] = '.'; out[k++] = '.'; out[k++] = '.'; }
    out[k] = 0;
}

typedef struct rse__zip_entry {
    const char *name;      /* into the central directory, NOT NUL-terminated */
    size_t name_len;
    uint64_t csize, usize; /* compressed / uncompressed size */
    uint64_t lho;          /* local header offset */
    size_t data_off;       /* first byte of the (compressed) data */
    uint32_t crc;
    int method;            /* 0 stored, 8 deflate */
    void *cache;           /* for the pickle reader: the storage built from it */
} rse__zip_entry;

typedef struct rse__zip {
    const unsigned char *buf;
    size_t len;
    rse__zip_entry *e;     /* sorted by name (for binary search) */
    size_t n;
    const char *first;     /* name of the first central directory record */
    size_t first_len;
} rse__zip;

#define RSE__ZIP_SENT16 0xffffu
#define RSE__ZIP_SENT32 0xffffffffu

RSE__FN int rse__zip_cmp_name(const void *a, const void *b) {
    const rse__zip_entry *x = (const rse__zip_entry *)a, *y = (const rse__zip_entry *)b;
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(x->name, y->name, n);
    if (c) return c;
    return x->name_len < y->name_len ? -1 : x->name_len > y->name_len;
}
RSE__FN int rse__zip_cmp_off(const void *a, const void *b) {
    const rse__zip_entry *x = (const rse__zip_entry *)a, *y = (const rse__zip_entry *)b;
    return x->lho < y->lho ? -1 : x->lho > y->lho;
}

/* Reads the ZIP64 extended-information extra field (id 1) of a central
   directory record: it holds, in this order, exactly those of usize, csize
   and lho whose 32-bit fields are 0xFFFFFFFF. */
RSE__FN rse_status rse__zip_extra64(const unsigned char *x, size_t xlen, rse__zip_entry *e,
                                   int need_u, int need_c, int need_o, size_t idx) {
    size_t off = 0;
    while (xlen - off >= 4) {
        uint32_t id = rse__ff_le16(x + off), sz = rse__ff_le16(x + off + 2);
        const unsigned char *d = x + off + 4;
        size_t k = 0;
        if (sz > xlen - off - 4) return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: entry %zu: extra field overruns", idx);
        if (id == 1) {
            if (need_u) { if (sz < k + 8) goto short64; e->usize = rse__ff_le64(d + k); k += 8; need_u = 0; }
            if (need_c) { if (sz < k + 8) goto short64; e->csize = rse__ff_le64(d + k); k += 8; need_c = 0; }
            if (need_o) { if (sz < k + 8) goto short64; e->lho = rse__ff_le64(d + k); k += 8; need_o = 0; }
        }
        off += 4 + sz;
    }
    if (off != xlen) return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: entry %zu: malformed extra field", idx);
    if (need_u || need_c || need_o)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: entry %zu: 32-bit size marked ZIP64 but no ZIP64 field", idx);
    return RSE_STATUS_OK;
short64:
    return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: entry %zu: ZIP64 extra field too short", idx);
}

/* Parses the directory of a zip held in buf[0..len) (which must outlive z).
   The entry table is allocated from a. */
RSE__FN rse_status rse__zip_open(rse__zip *z, const void *buf, size_t len, rse__arena *a) {
    const unsigned char *p = (const unsigned char *)buf;
    size_t eocd = 0, lo, i, cd_end, pos;
    uint64_t n_entries, cd_size, cd_off;
    int found = 0;
    rse_status st;
    memset(z, 0, sizeof *z);
    z->buf = p; z->len = len;
    if (len < 22) return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: file too small (%zu bytes)", len);
    /* The EOCD is 22 bytes plus a comment of at most 65535 bytes; scan back
       for its signature and accept it only if its comment ends exactly at
       the end of the file (a signature inside the comment does not). */
    lo = len - 22 > 65535 ? len - 22 - 65535 : 0;
    for (i = len - 22 + 1; i-- > lo;) {
        if (p[i] == 'P' && p[i + 1] == 'K' && p[i + 2] == 5 && p[i + 3] == 6 &&
            i + 22 + rse__ff_le16(p + i + 20) == len) { eocd = i; found = 1; break; }
    }
    if (!found) {
        if (len >= 4 && p[0] == 'P' && p[1] == 'K')
            return rse__fail(RSE_STATUS_TRUNCATED, "zip: no end-of-central-directory record (file truncated?)");
        return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: not a zip file (no end-of-central-directory record)");
    }
    if (rse__ff_le16(p + eocd + 4) != 0 || rse__ff_le16(p + eocd + 6) != 0 ||
        rse__ff_le16(p + eocd + 8) != rse__ff_le16(p + eocd + 10))
        return rse__fail(RSE_STATUS_UNSUPPORTED, "zip: multi-disk archives are not supported");
    n_entries = rse__ff_le16(p + eocd + 10);
    cd_size = rse__ff_le32(p + eocd + 12);
    cd_off = rse__ff_le32(p + eocd + 16);
    cd_end = eocd;
    /* ZIP64: a 20-byte locator just before the EOCD points at the ZIP64
       EOCD record, whose 64-bit fields replace the 32-bit ones. */
    if (eocd >= 20 && rse__ff_le32(p + eocd - 20) == 0x07064b50u) {
        uint64_t off64 = rse__ff_le64(p + eocd - 20 + 8), n64, s64, o64;
        if (off64 > eocd - 20 || eocd - 20 - off64 < 56)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: ZIP64 end record offset %llu out of range",
                             (unsigned long long)off64);
        pos = (size_t)off64;
        if (rse__ff_le32(p + pos) != 0x06064b50u)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: bad ZIP64 end record signature");
        if (rse__ff_le32(p + pos + 16) != 0 || rse__ff_le32(p + pos + 20) != 0 ||
            rse__ff_le64(p + pos + 24) != rse__ff_le64(p + pos + 32))
            return rse__fail(RSE_STATUS_UNSUPPORTED, "zip: multi-disk archives are not supported");
        n64 = rse__ff_le64(p + pos + 32);
        s64 = rse__ff_le64(p + pos + 40);
        o64 = rse__ff_le64(p + pos + 48);
        /* A 32-bit field that is not the "see ZIP64" sentinel must agree. */
        if ((n_entries != RSE__ZIP_SENT16 && n_entries != n64) ||
            (cd_size != RSE__ZIP_SENT32 && cd_size != s64) || (cd_off != RSE__ZIP_SENT32 && cd_off != o64))
            return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: ZIP64 end record disagrees with the 32-bit one");
        n_entries = n64; cd_size = s64; cd_off = o64;
        cd_end = pos;
    }
    if (cd_off > cd_end || cd_size > cd_end - cd_off)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: central directory (offset %llu, size %llu) outside the file",
                         (unsigned long long)cd_off, (unsigned long long)cd_size);
    /* Each central record is at least 46 bytes: bounds the entry count
       before anything is allocated. */
    if (n_entries == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: archive has no entries");
    if (n_entries > cd_size / 46)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: %llu entries cannot fit in a %llu-byte directory",
                         (unsigned long long)n_entries, (unsigned long long)cd_size);
    z->e = (rse__zip_entry *)rse__arena_calloc(a, (size_t)n_entries, sizeof *z->e);
    if (!z->e) return RSE_STATUS_NOMEM;
    z->n = (size_t)n_entries;
    pos = (size_t)cd_off;
    for (i = 0; i < z->n; i++) {
        rse__zip_entry *e = &z->e[i];
        size_t end = (size_t)(cd_off + cd_size), nl, xl, cl;
        uint32_t flags;
        if (end - pos < 46 || rse__ff_le32(p + pos) != 0x02014b50u)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: central directory record %zu is damaged", i);
        flags = rse__ff_le16(p + pos + 8);
        e->method = (int)rse__ff_le16(p + pos + 10);
        e->crc = rse__ff_le32(p + pos + 16);
        e->csize = rse__ff_le32(p + pos + 20);
        e->usize = rse__ff_le32(p + pos + 24);
        nl = rse__ff_le16(p + pos + 28);
        xl = rse__ff_le16(p + pos + 30);
        cl = rse__ff_le16(p + pos + 32);
        e->lho = rse__ff_le32(p + pos + 42);
        if (end - pos - 46 < nl + xl + cl)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: central directory record %zu overruns the directory", i);
        e->name = (const char *)p + pos + 46;
        e->name_len = nl;
        if (nl == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: entry %zu has an empty name", i);
        if (i == 0) { z->first = e->name; z->first_len = nl; }
        if ((st = rse__zip_extra64(p + pos + 46 + nl, xl, e, e->usize == RSE__ZIP_SENT32,
                                   e->csize == RSE__ZIP_SENT32, e->lho == RSE__ZIP_SENT32, i)))
            return st;
        if (flags & 0x41)
            return rse__fail(RSE_STATUS_UNSUPPORTED, "zip: entry %zu is encrypted", i);
        if (e->method != 0 && e->method != 8)
            return rse__fail(RSE_STATUS_UNSUPPORTED, "zip: entry %zu uses compression method %d (only 0 and 8)",
                             i, e->method);
        if (e->method == 0 && e->csize != e->usize)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: stored entry %zu has different sizes", i);
        pos += 46 + nl + xl + cl;
    }
    /* Local headers: where the data starts, and that every entry lies
       before the central directory without overlapping the next entry. */
    qsort(z->e, z->n, sizeof *z->e, rse__zip_cmp_off);
    for (i = 0; i < z->n; i++) {
        rse__zip_entry *e = &z->e[i];
        size_t lp, nl, xl;
        uint64_t limit = i + 1 < z->n ? z->e[i + 1].lho : cd_off;
        if (e->lho > cd_off || cd_off - e->lho < 30)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: local header offset %llu out of range",
                             (unsigned long long)e->lho);
        lp = (size_t)e->lho;
        if (rse__ff_le32(p + lp) != 0x04034b50u)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: bad local header signature at %zu", lp);
        nl = rse__ff_le16(p + lp + 26);
        xl = rse__ff_le16(p + lp + 28);
        if (nl != e->name_len || (uint64_t)30 + nl + xl > cd_off - e->lho ||
            memcmp(p + lp + 30, e->name, nl) != 0)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: local header at %zu does not match its directory entry", lp);
        if ((int)rse__ff_le16(p + lp + 8) != e->method)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: local header at %zu has a different method", lp);
        e->data_off = lp + 30 + nl + xl;
        if (e->data_off > limit || e->csize > limit - e->data_off)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: data of entry at %zu (%llu bytes) overruns the next entry",
                             lp, (unsigned long long)e->csize);
    }
    qsort(z->e, z->n, sizeof *z->e, rse__zip_cmp_name);
    for (i = 1; i < z->n; i++)
        if (rse__zip_cmp_name(&z->e[i - 1], &z->e[i]) == 0)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: duplicate entry name");
    return RSE_STATUS_OK;
}

/* The entry called name[0..name_len), or NULL. */
RSE__FN rse__zip_entry *rse__zip_find(const rse__zip *z, const char *name, size_t name_len) {
    size_t lo = 0, hi = z->n;
    rse__zip_entry key;
    key.name = name; key.name_len = name_len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = rse__zip_cmp_name(&key, &z->e[mid]);
        if (c == 0) return &z->e[mid];
        if (c < 0) hi = mid; else lo = mid + 1;
    }
    return 0;
}

/* The uncompressed bytes of an entry: a pointer into the zip buffer for a
   stored entry, or a copy inflated into arena a for a deflated one. The
   CRC-32 is checked for deflated entries always, and for stored entries if
   crc is non-NULL (a table, so many entries share one). */
RSE__FN rse_status rse__zip_read(const rse__zip *z, const rse__zip_entry *e, rse__arena *a,
                                 const rse__crc32_tab *crc, const unsigned char **data, size_t *n) {
    unsigned char *out;
    rse_status st;
    rse__crc32_tab local; /* used when a deflated entry must be checked without a table */
    if (e->method == 0) {
        *data = z->buf + e->data_off;
        *n = (size_t)e->usize;
    } else {
        char nm[96];
        rse__ff_printable(nm, sizeof nm, e->name, e->name_len);
        /* Deflate expands at most 1032:1 (a 258-byte match per 2 bits), so a
           larger claimed size is a lie meant to make us allocate: refuse it
           before allocating. */
        if (e->usize > (uint64_t)SIZE_MAX || e->usize / 1032 > e->csize + 64)
            return rse__fail(RSE_STATUS_LIMIT, "zip: entry '%s' claims %llu bytes from %llu compressed (deflate cannot)",
                             nm, (unsigned long long)e->usize, (unsigned long long)e->csize);
        out = (unsigned char *)rse__arena_alloc(a, e->usize ? (size_t)e->usize : 1);
        if (!out)
            return rse__fail(RSE_STATUS_NOMEM, "zip: out of memory for entry '%s' (%llu bytes)", nm,
                             (unsigned long long)e->usize);
        if ((st = rse__inflate_exact(z->buf + e->data_off, (size_t)e->csize, 0, out, (size_t)e->usize)))
            return st;
        *data = out;
        *n = (size_t)e->usize;
        if (!crc) { rse__crc32_init(&local); crc = &local; }
    }
    if (crc && rse__crc32_update(crc, 0, *data, *n) != e->crc) {
        char nm[96];
        rse__ff_printable(nm, sizeof nm, e->name, e->name_len);
        return rse__fail(RSE_STATUS_BAD_FORMAT, "zip: CRC-32 mismatch in entry '%s'", nm);
    }
    return RSE_STATUS_OK;
}

/* ---------------------------------------------------------------------------
   Loaded checkpoints
   A checkpoint, whatever its file format, becomes a list of named tensor
   views: dtype, shape and a pointer to contiguous row-major little-endian
   elements. The pointer is into the caller's file buffer whenever the
   stored layout allows (so the buffer must outlive the rse__ckpt), or into
   the checkpoint's arena for strided views and deflated zip entries.
   ------------------------------------------------------------------------- */

typedef enum rse__dtype {
    RSE_DT_F32 = 0, RSE_DT_F16, RSE_DT_BF16, RSE_DT_F64,
    RSE_DT_I64, RSE_DT_I32, RSE_DT_I16, RSE_DT_I8, RSE_DT_U8, RSE_DT_BOOL,
    RSE_DT_COUNT
} rse__dtype;

static const struct { const char *name; const char *storage; size_t size; } rse__dtypes[RSE_DT_COUNT] = {
    /* safetensors name, torch storage class, bytes per element */
    { "F32", "FloatStorage", 4 }, { "F16", "HalfStorage", 2 }, { "BF16", "BFloat16Storage", 2 },
    { "F64", "DoubleStorage", 8 }, { "I64", "LongStorage", 8 }, { "I32", "IntStorage", 4 },
    { "I16", "ShortStorage", 2 }, { "I8", "CharStorage", 1 }, { "U8", "ByteStorage", 1 },
    { "BOOL", "BoolStorage", 1 } };

RSE__FN const char *rse__dtype_name(int dt) {
    return dt >= 0 && dt < RSE_DT_COUNT ? rse__dtypes[dt].name : "?";
}

#define RSE_CKPT_MAXDIM 8

typedef struct rse__ckpt_tensor {
    const char *name;          /* NUL-terminated, "module." prefix removed */
    int dtype;                 /* rse__dtype */
    int ndim;                  /* 0 for a scalar */
    int shape[RSE_CKPT_MAXDIM];
    size_t numel;              /* product of shape (1 for a scalar) */
    const unsigned char *data; /* numel elements, contiguous, little-endian */
    size_t nbytes;             /* numel * element size */
    int copied;                /* 1 if gathered from a strided view */
    const char *storage;       /* torch storage key ("0", "1", ...), or NULL */
    size_t storage_offset;     /* in elements */
} rse__ckpt_tensor;

enum { RSE_CKPT_TORCH = 1, RSE_CKPT_SAFETENSORS = 2 };

typedef struct rse__ckpt {
    rse__arena arena;           /* names, the tensor table, copies */
    rse__ckpt_tensor *t;
    size_t n;
    uint32_t *slots;           /* open-addressing hash: name -> index + 1 */
    size_t nslots;             /* power of two, > 2n */
    int format;
} rse__ckpt;

/* FNV-1a: simple, and plenty for a few thousand names. */
RSE__FN uint32_t rse__fnv1a(const void *p, size_t n, uint32_t h) {
    const unsigned char *s = (const unsigned char *)p;
    while (n--) { h ^= *s++; h *= 16777619u; }
    return h;
}
#define RSE__FNV_INIT 2166136261u

/* Builds the name index; fails on a duplicate name. */
RSE__FN rse_status rse__ckpt_index(rse__ckpt *c) {
    size_t i, cap = 16;
    while (cap < 2 * c->n + 2) cap *= 2;
    c->slots = (uint32_t *)rse__arena_calloc(&c->arena, cap, sizeof(uint32_t));
    if (!c->slots) return RSE_STATUS_NOMEM;
    c->nslots = cap;
    for (i = 0; i < c->n; i++) {
        size_t len = strlen(c->t[i].name), h = rse__fnv1a(c->t[i].name, len, RSE__FNV_INIT) & (cap - 1);
        while (c->slots[h]) {
            if (strcmp(c->t[c->slots[h] - 1].name, c->t[i].name) == 0) {
                char nm[96];
                rse__ff_printable(nm, sizeof nm, c->t[i].name, len);
                return rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: duplicate tensor name '%s'", nm);
            }
            h = (h + 1) & (cap - 1);
        }
        c->slots[h] = (uint32_t)(i + 1);
    }
    return RSE_STATUS_OK;
}

/* The tensor called name, or NULL. */
RSE__FN const rse__ckpt_tensor *rse__ckpt_find(const rse__ckpt *c, const char *name) {
    size_t len = strlen(name), h;
    if (!c->nslots) return 0;
    h = rse__fnv1a(name, len, RSE__FNV_INIT) & (c->nslots - 1);
    while (c->slots[h]) {
        const rse__ckpt_tensor *t = &c->t[c->slots[h] - 1];
        if (strcmp(t->name, name) == 0) return t;
        h = (h + 1) & (c->nslots - 1);
    }
    return 0;
}

RSE__FN void rse__ckpt_free(rse__ckpt *c) {
    rse__arena_free(&c->arena);
    memset(c, 0, sizeof *c);
}

/* Copies a NUL-terminated string of n bytes into the arena. */
RSE__FN char *rse__arena_strdup(rse__arena *a, const char *s, size_t n) {
    char *d = (char *)rse__arena_alloc(a, n + 1);
    if (!d) return 0;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

/* ---------------------------------------------------------------------------
   Pickle subset (the data.pkl of a torch.save archive)
   A pickle is a program for a small stack machine; unpickling normally runs
   it, and GLOBAL + REDUCE can call any Python function, which is why
   loading an untrusted .pt with plain pickle executes code. Here nothing is
   executed: opcodes build a graph of plain objects (numbers, strings,
   tuples, lists, dicts) in an arena, and the only "callables" are a handful
   of whitelisted names whose effect is reproduced as data (an empty dict, a
   tensor record). Any other global is refused by name. Every length read is
   checked against the pickle's size, and the stack, mark stack and memo are
   capped, so a hostile pickle can only fail.
   ------------------------------------------------------------------------- */

enum {
    RSE__PK_NONE, RSE__PK_BOOL, RSE__PK_INT, RSE__PK_FLOAT, RSE__PK_STR,
    RSE__PK_TUPLE, RSE__PK_LIST, RSE__PK_DICT,
    RSE__PK_GLOBAL, RSE__PK_STORAGE, RSE__PK_TENSOR
};

/* The whitelisted globals. Storage types are tagged G_STORAGE + dtype. */
enum { RSE__G_ODICT = 1, RSE__G_REBUILD, RSE__G_PARAM, RSE__G_COUNTER, RSE__G_STORAGE = 16 };

typedef struct rse__pkobj rse__pkobj;
struct rse__pkobj {
    int type;
    union {
        int64_t i;     /* INT, BOOL */
        double f;      /* FLOAT */
        struct { const char *s; size_t n; } str; /* into the pickle bytes */
        struct { rse__pkobj **v; size_t n, cap; } seq; /* TUPLE, LIST; DICT: k0,v0,k1,v1,... */
        int global;    /* RSE__G_* */
        struct { int dtype; const char *key; size_t keylen; uint64_t numel;
                 const unsigned char *data; } storage;
        struct { rse__pkobj *storage; uint64_t offset; int ndim;
                 int64_t size[RSE_CKPT_MAXDIM], stride[RSE_CKPT_MAXDIM]; } tensor;
    } u;
};

/* Limits: far above what any state dict needs (a ViT-L/14 pickle has a
   few thousand memo entries and a stack depth below 20). */
#define RSE__PK_MAX_STACK ((size_t)1 << 20)
#define RSE__PK_MAX_MARKS ((size_t)1 << 16)
#define RSE__PK_MAX_MEMO  ((size_t)1 << 22)

typedef struct rse__pickle {
    const unsigned char *p;
    size_t len, pos;
    rse__arena *a;                 /* objects */
    rse__pkobj **stack; size_t sp, scap;
    size_t *marks; size_t nmarks, mcap;
    rse__pkobj **memo; size_t nmemo;  /* memo[0..nmemo), NULL = unset */
    size_t memo_used;                 /* distinct entries set (for MEMOIZE) */
    rse__arena *data_arena;            /* inflated storages (live with the checkpoint) */
    /* Storage resolution (torch zip): entries "<prefix>/data/<key>". */
    rse__zip *zip;
    const char *prefix; size_t prefix_len;
    const rse__crc32_tab *crc;    /* NULL: do not verify stored entries */
    int max_proto;
} rse__pickle;

RSE__FN rse_status rse__pk_err(rse__pickle *k, const char *what) {
    return rse__fail(RSE_STATUS_BAD_FORMAT, "pickle: %s at offset %zu", what, k->pos);
}

RSE__FN rse__pkobj *rse__pk_new(rse__pickle *k, int type) {
    rse__pkobj *o = (rse__pkobj *)rse__arena_alloc(k->a, sizeof *o);
    if (o) { memset(o, 0, sizeof *o); o->type = type; }
    return o;
}

RSE__FN rse_status rse__pk_push(rse__pickle *k, rse__pkobj *o) {
    if (!o) return RSE_STATUS_NOMEM;
    if (k->sp == k->scap) {
        size_t nc = k->scap ? k->scap * 2 : 64;
        rse__pkobj **ns;
        if (nc > RSE__PK_MAX_STACK) return rse__fail(RSE_STATUS_LIMIT, "pickle: stack deeper than %zu", RSE__PK_MAX_STACK);
        ns = (rse__pkobj **)RSE_REALLOC(k->stack, nc * sizeof *ns);
        if (!ns) return rse__fail(RSE_STATUS_NOMEM, "pickle: out of memory for the stack");
        k->stack = ns; k->scap = nc;
    }
    k->stack[k->sp++] = o;
    return RSE_STATUS_OK;
}

/* Stack floor: nothing below the innermost mark may be popped by a
   non-mark opcode (Python raises "unpickling stack underflow"). */
RSE__FN size_t rse__pk_floor(const rse__pickle *k) { return k->nmarks ? k->marks[k->nmarks - 1] : 0; }

RSE__FN rse_status rse__pk_pop(rse__pickle *k, rse__pkobj **o) {
    if (k->sp <= rse__pk_floor(k)) return rse__pk_err(k, "stack underflow");
    *o = k->stack[--k->sp];
    return RSE_STATUS_OK;
}

/* Pops the innermost mark: the objects above it are stack[*from .. sp). */
RSE__FN rse_status rse__pk_popmark(rse__pickle *k, size_t *from) {
    if (!k->nmarks) return rse__pk_err(k, "no MARK for this opcode");
    *from = k->marks[--k->nmarks];
    return RSE_STATUS_OK;
}

/* A tuple or list holding items[0..n). */
RSE__FN rse__pkobj *rse__pk_seq(rse__pickle *k, int type, rse__pkobj **items, size_t n) {
    rse__pkobj *o = rse__pk_new(k, type);
    if (!o) return 0;
    if (n) {
        o->u.seq.v = (rse__pkobj **)rse__arena_alloc(k->a, n * sizeof *items);
        if (!o->u.seq.v) return 0;
        memcpy(o->u.seq.v, items, n * sizeof *items);
    }
    o->u.seq.n = o->u.seq.cap = n;
    return o;
}

/* Appends items to a list or dict (dict: key, value pairs). The array grows
   by doubling inside the arena; the old copy is simply abandoned, so the
   waste is bounded by the final size. */
RSE__FN rse_status rse__pk_extend(rse__pickle *k, rse__pkobj *o, rse__pkobj **items, size_t n) {
    if (!n) return RSE_STATUS_OK; /* an empty list's array may be NULL: no NULL + 0 below */
    if (o->u.seq.n + n > o->u.seq.cap) {
        size_t nc = o->u.seq.cap ? o->u.seq.cap : 8;
        rse__pkobj **nv;
        while (nc < o->u.seq.n + n) nc *= 2; /* n <= stack size, so no overflow */
        nv = (rse__pkobj **)rse__arena_alloc(k->a, nc * sizeof *nv);
        if (!nv) return RSE_STATUS_NOMEM;
        if (o->u.seq.n) memcpy(nv, o->u.seq.v, o->u.seq.n * sizeof *nv);
        o->u.seq.v = nv; o->u.seq.cap = nc;
    }
    memcpy(o->u.seq.v + o->u.seq.n, items, n * sizeof *items);
    o->u.seq.n += n;
    return RSE_STATUS_OK;
}

RSE__FN rse_status rse__pk_need(rse__pickle *k, size_t n) {
    if (k->len - k->pos < n)
        return rse__fail(RSE_STATUS_TRUNCATED, "pickle: ends early at offset %zu (need %zu more bytes)", k->pos, n);
    return RSE_STATUS_OK;
}

RSE__FN rse_status rse__pk_memo_put(rse__pickle *k, uint64_t idx) {
    if (k->sp <= rse__pk_floor(k)) return rse__pk_err(k, "memo store with an empty stack");
    /* A sane writer numbers memo entries 0, 1, 2...; each costs >= 2 bytes
       of pickle, so an index beyond the pickle size or the cap is hostile. */
    if (idx >= RSE__PK_MAX_MEMO || idx > k->len)
        return rse__fail(RSE_STATUS_LIMIT, "pickle: memo index %llu too large", (unsigned long long)idx);
    if (idx >= k->nmemo) {
        size_t nc = k->nmemo ? k->nmemo : 256, i;
        rse__pkobj **nm;
        while (nc <= idx) nc *= 2;
        nm = (rse__pkobj **)RSE_REALLOC(k->memo, nc * sizeof *nm);
        if (!nm) return rse__fail(RSE_STATUS_NOMEM, "pickle: out of memory for the memo");
        for (i = k->nmemo; i < nc; i++) nm[i] = 0;
        k->memo = nm; k->nmemo = nc;
    }
    if (!k->memo[idx]) k->memo_used++;
    k->memo[idx] = k->stack[k->sp - 1];
    return RSE_STATUS_OK;
}

RSE__FN rse_status rse__pk_memo_get(rse__pickle *k, uint64_t idx) {
    if (idx >= k->nmemo || !k->memo[idx])
        return rse__fail(RSE_STATUS_BAD_FORMAT, "pickle: memo index %llu not defined (offset %zu)",
                         (unsigned long long)idx, k->pos);
    return rse__pk_push(k, k->memo[idx]);
}

/* Resolves "module name" against the whitelist. */
RSE__FN rse_status rse__pk_global(rse__pickle *k, const char *mod, size_t ml, const char *nm, size_t nl) {
    static const struct { const char *mod, *name; int g; } allow[] = {
        { "collections", "OrderedDict", RSE__G_ODICT },
        /* MultiStepLR's milestones, in the LR scheduler state that SinDDM
           trainer checkpoints carry: Counter({20000: 1, ...}) */
        { "collections", "Counter", RSE__G_COUNTER },
        { "torch._utils", "_rebuild_tensor_v2", RSE__G_REBUILD },
        { "torch._utils", "_rebuild_parameter", RSE__G_PARAM } };
    rse__pkobj *o;
    size_t i;
    int g = 0;
    for (i = 0; i < sizeof allow / sizeof allow[0]; i++)
        if (strlen(allow[i].mod) == ml && !memcmp(allow[i].mod, mod, ml) &&
            strlen(allow[i].name) == nl && !memcmp(allow[i].name, nm, nl)) g = allow[i].g;
    if (!g && ml == 5 && !memcmp(mod, "torch", 5))
        for (i = 0; i < RSE_DT_COUNT; i++)
            if (strlen(rse__dtypes[i].storage) == nl && !memcmp(rse__dtypes[i].storage, nm, nl))
                g = RSE__G_STORAGE + (int)i;
    if (!g) {
        char a[64], b[64];
        rse__ff_printable(a, sizeof a, mod, ml);
        rse__ff_printable(b, sizeof b, nm, nl);
        return rse__fail(RSE_STATUS_UNSUPPORTED,
                         "pickle: refusing pickle global '%s.%s' (not a plain state dict; never executed)", a, b);
    }
    o = rse__pk_new(k, RSE__PK_GLOBAL);
    if (!o) return RSE_STATUS_NOMEM;
    o->u.global = g;
    return rse__pk_push(k, o);
}

/* BINPERSID with ('storage', <StorageType>, '<key>', '<location>', numel):
   the storage is the zip entry <prefix>/data/<key>, whose size must be
   exactly numel elements. Each entry is read once and cached, so a pickle
   naming one storage a million times cannot make us re-read it. */
RSE__FN rse_status rse__pk_persid(rse__pickle *k, rse__pkobj *pid, rse__pkobj **out) {
    rse__pkobj **v = pid->u.seq.v, *o;
    rse__zip_entry *e;
    char path[600];
    size_t i, plen, esize, nbytes, got;
    const unsigned char *data;
    rse_status st;
    int dt;
    if (pid->type != RSE__PK_TUPLE || pid->u.seq.n != 5 || v[0]->type != RSE__PK_STR ||
        v[0]->u.str.n != 7 || memcmp(v[0]->u.str.s, "storage", 7) != 0 ||
        v[1]->type != RSE__PK_GLOBAL || v[1]->u.global < RSE__G_STORAGE || v[2]->type != RSE__PK_STR ||
        v[3]->type != RSE__PK_STR || v[4]->type != RSE__PK_INT || v[4]->u.i < 0)
        return rse__pk_err(k, "persistent id is not ('storage', StorageType, key, location, numel)");
    if (!k->zip) return rse__pk_err(k, "persistent id outside a torch archive");
    dt = v[1]->u.global - RSE__G_STORAGE;
    /* Keys are decimal in practice; allow [A-Za-z0-9_] and nothing that
       could reach another entry ("../", "/"). */
    if (v[2]->u.str.n == 0 || v[2]->u.str.n > 64) return rse__pk_err(k, "storage key length out of range");
    for (i = 0; i < v[2]->u.str.n; i++) {
        char c = v[2]->u.str.s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
            return rse__pk_err(k, "storage key has a character outside [A-Za-z0-9_]");
    }
    if (k->prefix_len > sizeof path - 80) return rse__fail(RSE_STATUS_LIMIT, "checkpoint: archive folder name too long");
    memcpy(path, k->prefix, k->prefix_len);
    memcpy(path + k->prefix_len, "/data/", 6);
    memcpy(path + k->prefix_len + 6, v[2]->u.str.s, v[2]->u.str.n);
    plen = k->prefix_len + 6 + v[2]->u.str.n;
    path[plen] = 0;
    e = rse__zip_find(k->zip, path, plen);
    if (!e) {
        char nm[96];
        rse__ff_printable(nm, sizeof nm, path, plen);
        return rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: storage entry '%s' is missing from the archive", nm);
    }
    esize = rse__dtypes[dt].size;
    if ((uint64_t)v[4]->u.i > SIZE_MAX || !rse__mul_ok((size_t)v[4]->u.i, esize, &nbytes) || nbytes != e->usize) {
        char nm[96];
        rse__ff_printable(nm, sizeof nm, path, plen);
        return rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: storage '%s' holds %llu bytes, the pickle says %lld x %zu",
                         nm, (unsigned long long)e->usize, (long long)v[4]->u.i, esize);
    }
    if (e->cache) {
        o = (rse__pkobj *)e->cache;
        if (o->u.storage.dtype != dt) return rse__pk_err(k, "one storage used with two dtypes");
        *out = o;
        return RSE_STATUS_OK;
    }
    if ((st = rse__zip_read(k->zip, e, k->data_arena, k->crc, &data, &got))) return st;
    o = rse__pk_new(k, RSE__PK_STORAGE);
    if (!o) return RSE_STATUS_NOMEM;
    o->u.storage.dtype = dt;
    o->u.storage.key = v[2]->u.str.s;
    o->u.storage.keylen = v[2]->u.str.n;
    o->u.storage.numel = (uint64_t)v[4]->u.i;
    o->u.storage.data = data;
    e->cache = o;
    *out = o;
    return RSE_STATUS_OK;
}

/* _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
   backward_hooks[, metadata]) as a record, after checking that the view
   stays inside its storage. */
RSE__FN rse_status rse__pk_rebuild(rse__pickle *k, rse__pkobj *args, rse__pkobj **out) {
    rse__pkobj **v = args->u.seq.v, *o;
    size_t n = args->u.seq.n, d, nd;
    uint64_t numel = 1, last = 0;
    if (n != 6 && n != 7) return rse__pk_err(k, "_rebuild_tensor_v2 takes 6 or 7 arguments");
    if (v[0]->type != RSE__PK_STORAGE || v[1]->type != RSE__PK_INT || v[1]->u.i < 0 ||
        v[2]->type != RSE__PK_TUPLE || v[3]->type != RSE__PK_TUPLE || v[4]->type != RSE__PK_BOOL)
        return rse__pk_err(k, "_rebuild_tensor_v2 arguments have the wrong types");
    nd = v[2]->u.seq.n;
    if (nd != v[3]->u.seq.n) return rse__pk_err(k, "tensor size and stride differ in length");
    if (nd > RSE_CKPT_MAXDIM)
        return rse__fail(RSE_STATUS_UNSUPPORTED, "checkpoint: tensor with %zu dimensions (at most %d)", nd, RSE_CKPT_MAXDIM);
    o = rse__pk_new(k, RSE__PK_TENSOR);
    if (!o) return RSE_STATUS_NOMEM;
    o->u.tensor.storage = v[0];
    o->u.tensor.offset = (uint64_t)v[1]->u.i;
    o->u.tensor.ndim = (int)nd;
    for (d = 0; d < nd; d++) {
        rse__pkobj *sz = v[2]->u.seq.v[d], *sd = v[3]->u.seq.v[d];
        if (sz->type != RSE__PK_INT || sd->type != RSE__PK_INT || sz->u.i < 0 || sz->u.i > INT_MAX || sd->u.i < 0)
            return rse__pk_err(k, "tensor size or stride is not a non-negative integer");
        o->u.tensor.size[d] = sz->u.i;
        o->u.tensor.stride[d] = sd->u.i;
    }
    /* Largest element index = offset + sum (size-1)*stride; every factor is
       below 2^63, checked in 64-bit unsigned arithmetic. */
    for (d = 0; d < nd; d++) {
        uint64_t s = (uint64_t)o->u.tensor.size[d], t = (uint64_t)o->u.tensor.stride[d];
        if (s == 0) { numel = 0; break; }
        if (numel > UINT64_MAX / s) return rse__pk_err(k, "tensor element count overflows");
        numel *= s;
        if (t && (s - 1) > (UINT64_MAX - last) / t) return rse__pk_err(k, "tensor extent overflows");
        last += (s - 1) * t;
    }
    if (numel > 0) {
        uint64_t sn = v[0]->u.storage.numel;
        if (o->u.tensor.offset >= sn || last >= sn - o->u.tensor.offset)
            return rse__fail(RSE_STATUS_BAD_FORMAT,
                             "checkpoint: tensor view (offset %llu, extent %llu) exceeds its storage of %llu elements",
                             (unsigned long long)o->u.tensor.offset, (unsigned long long)last + 1,
                             (unsigned long long)sn);
        /* A view reads each storage element at most once unless strides
           overlap (expand); refusing numel > storage size keeps a copy of
           such a view from amplifying a small file into a huge allocation. */
        if (numel > sn) return rse__pk_err(k, "tensor has more elements than its storage (overlapping strides)");
    }
    *out = o;
    return RSE_STATUS_OK;
}

/* REDUCE: callable(*args) for the whitelisted callables only. */
RSE__FN rse_status rse__pk_reduce(rse__pickle *k, rse__pkobj *fn, rse__pkobj *args, rse__pkobj **out) {
    if (fn->type != RSE__PK_GLOBAL) return rse__pk_err(k, "REDUCE on something that is not a global");
    if (args->type != RSE__PK_TUPLE) return rse__pk_err(k, "REDUCE arguments are not a tuple");
    switch (fn->u.global) {
    case RSE__G_ODICT:
        if (args->u.seq.n != 0) return rse__pk_err(k, "OrderedDict called with arguments");
        *out = rse__pk_seq(k, RSE__PK_DICT, 0, 0);
        return *out ? RSE_STATUS_OK : RSE_STATUS_NOMEM;
    case RSE__G_COUNTER: /* Counter() or Counter(dict): kept as the dict */
        if (args->u.seq.n == 0) *out = rse__pk_seq(k, RSE__PK_DICT, 0, 0);
        else if (args->u.seq.n == 1 && args->u.seq.v[0]->type == RSE__PK_DICT) *out = args->u.seq.v[0];
        else return rse__pk_err(k, "Counter called with arguments other than one dict");
        return *out ? RSE_STATUS_OK : RSE_STATUS_NOMEM;
    case RSE__G_REBUILD:
        return rse__pk_rebuild(k, args, out);
    case RSE__G_PARAM: /* _rebuild_parameter(data, requires_grad, backward_hooks) */
        if (args->u.seq.n != 3 || args->u.seq.v[0]->type != RSE__PK_TENSOR)
            return rse__pk_err(k, "_rebuild_parameter arguments have the wrong types");
        *out = args->u.seq.v[0];
        return RSE_STATUS_OK;
    default:
        return rse__pk_err(k, "a storage type cannot be called");
    }
}

/* A newline-terminated line of GLOBAL (protocol 0 text form). */
RSE__FN rse_status rse__pk_line(rse__pickle *k, const char **s, size_t *n) {
    size_t i = k->pos, lim = k->len - k->pos < 256 ? k->len : k->pos + 256;
    while (i < lim && k->p[i] != '\n') i++;
    if (i >= lim) {
        if (lim == k->len) return rse__fail(RSE_STATUS_TRUNCATED, "pickle: GLOBAL name ends early at %zu", k->pos);
        return rse__pk_err(k, "GLOBAL name longer than 255 bytes");
    }
    *s = (const char *)k->p + k->pos;
    *n = i - k->pos;
    k->pos = i + 1;
    return RSE_STATUS_OK;
}

/* Runs the pickle to STOP; *result is the top of the stack. */
RSE__FN rse_status rse__pk_run(rse__pickle *k, rse__pkobj **result) {
    rse_status st = RSE_STATUS_OK;
    for (;;) {
        rse__pkobj *o = 0, *a = 0, *b = 0;
        size_t from = 0, n;
        uint64_t u;
        int op;
        if (k->pos >= k->len) return rse__fail(RSE_STATUS_TRUNCATED, "pickle: ends without STOP");
        op = k->p[k->pos++];
        switch (op) {
        case 0x80: /* PROTO */
            if ((st = rse__pk_need(k, 1))) return st;
            if (k->p[k->pos] > 5) return rse__pk_err(k, "unsupported pickle protocol");
            k->pos++;
            break;
        case 0x95: /* FRAME: an advisory length, the data follows inline */
            if ((st = rse__pk_need(k, 8))) return st;
            k->pos += 8;
            break;
        case '.': /* STOP */
            if (k->sp != 1 || k->nmarks) return rse__pk_err(k, "STOP with a stack that is not exactly one object");
            *result = k->stack[0];
            return RSE_STATUS_OK;
        case '(': /* MARK */
            if (k->nmarks == k->mcap) {
                size_t nc = k->mcap ? k->mcap * 2 : 32;
                size_t *nm;
                if (nc > RSE__PK_MAX_MARKS) return rse__fail(RSE_STATUS_LIMIT, "pickle: more than %zu nested MARKs", RSE__PK_MAX_MARKS);
                nm = (size_t *)RSE_REALLOC(k->marks, nc * sizeof *nm);
                if (!nm) return rse__fail(RSE_STATUS_NOMEM, "pickle: out of memory");
                k->marks = nm; k->mcap = nc;
            }
            k->marks[k->nmarks++] = k->sp;
            break;
        case '0': /* POP */
            if ((st = rse__pk_pop(k, &o))) return st;
            break;
        case '1': /* POP_MARK */
            if ((st = rse__pk_popmark(k, &from))) return st;
            k->sp = from;
            break;
        case '2': /* DUP */
            if (k->sp <= rse__pk_floor(k)) return rse__pk_err(k, "DUP on an empty stack");
            if ((st = rse__pk_push(k, k->stack[k->sp - 1]))) return st;
            break;
        case 'N': st = rse__pk_push(k, rse__pk_new(k, RSE__PK_NONE)); break;
        case 0x88: case 0x89: /* NEWTRUE, NEWFALSE */
            o = rse__pk_new(k, RSE__PK_BOOL);
            if (o) o->u.i = op == 0x88;
            st = rse__pk_push(k, o);
            break;
        case 'K': /* BININT1 */
            if ((st = rse__pk_need(k, 1))) return st;
            if ((o = rse__pk_new(k, RSE__PK_INT))) o->u.i = k->p[k->pos];
            k->pos += 1;
            st = rse__pk_push(k, o);
            break;
        case 'M': /* BININT2 */
            if ((st = rse__pk_need(k, 2))) return st;
            if ((o = rse__pk_new(k, RSE__PK_INT))) o->u.i = rse__ff_le16(k->p + k->pos);
            k->pos += 2;
            st = rse__pk_push(k, o);
            break;
        case 'J': /* BININT: signed 32-bit */
            if ((st = rse__pk_need(k, 4))) return st;
            if ((o = rse__pk_new(k, RSE__PK_INT))) o->u.i = (int32_t)rse__ff_le32(k->p + k->pos);
            k->pos += 4;
            st = rse__pk_push(k, o);
            break;
        case 0x8a: { /* LONG1: n-byte little-endian two's complement, n <= 8 */
            int i, nb;
            uint64_t x = 0;
            if ((st = rse__pk_need(k, 1))) return st;
            nb = k->p[k->pos++];
            if (nb > 8) return rse__pk_err(k, "LONG1 integer wider than 64 bits");
            if ((st = rse__pk_need(k, (size_t)nb))) return st;
            for (i = 0; i < nb; i++) x |= (uint64_t)k->p[k->pos + (size_t)i] << (8 * i);
            if (nb > 0 && nb < 8 && (k->p[k->pos + (size_t)nb - 1] & 0x80)) x |= ~(uint64_t)0 << (8 * nb);
            k->pos += (size_t)nb;
            if ((o = rse__pk_new(k, RSE__PK_INT))) o->u.i = (int64_t)x;
            st = rse__pk_push(k, o);
            break;
        }
        case 'G': { /* BINFLOAT: big-endian IEEE double */
            int i;
            uint64_t x = 0;
            if ((st = rse__pk_need(k, 8))) return st;
            for (i = 0; i < 8; i++) x = x << 8 | k->p[k->pos + (size_t)i];
            k->pos += 8;
            if ((o = rse__pk_new(k, RSE__PK_FLOAT))) memcpy(&o->u.f, &x, 8);
            st = rse__pk_push(k, o);
            break;
        }
        case 'X': case 'B': case 0x8c: case 'U': case 'C': case 'T': case 0x8d: case 0x8e: {
            /* BINUNICODE (u32 len), BINBYTES (u32), SHORT_BINUNICODE (u8),
               SHORT_BINSTRING (u8), SHORT_BINBYTES (u8), BINSTRING (i32),
               BINUNICODE8 / BINBYTES8 (u64): all kept as byte strings. */
            if (op == 0x8c || op == 'U' || op == 'C') {
                if ((st = rse__pk_need(k, 1))) return st;
                u = k->p[k->pos]; k->pos += 1;
            } else if (op == 0x8d || op == 0x8e) {
                if ((st = rse__pk_need(k, 8))) return st;
                u = rse__ff_le64(k->p + k->pos); k->pos += 8;
            } else {
                if ((st = rse__pk_need(k, 4))) return st;
                u = rse__ff_le32(k->p + k->pos); k->pos += 4;
                if (op == 'T' && u > 0x7fffffffu) return rse__pk_err(k, "negative BINSTRING length");
            }
            if (u > k->len - k->pos)
                return rse__fail(RSE_STATUS_TRUNCATED, "pickle: string of %llu bytes runs past the end (offset %zu)",
                                 (unsigned long long)u, k->pos);
            if ((o = rse__pk_new(k, RSE__PK_STR))) { o->u.str.s = (const char *)k->p + k->pos; o->u.str.n = (size_t)u; }
            k->pos += (size_t)u;
            st = rse__pk_push(k, o);
            break;
        }
        case ')': st = rse__pk_push(k, rse__pk_seq(k, RSE__PK_TUPLE, 0, 0)); break; /* EMPTY_TUPLE */
        case ']': st = rse__pk_push(k, rse__pk_seq(k, RSE__PK_LIST, 0, 0)); break;  /* EMPTY_LIST */
        case '}': st = rse__pk_push(k, rse__pk_seq(k, RSE__PK_DICT, 0, 0)); break;  /* EMPTY_DICT */
        case 0x85: case 0x86: case 0x87: /* TUPLE1..3 */
            n = (size_t)(op - 0x84);
            if (k->sp - rse__pk_floor(k) < n) return rse__pk_err(k, "stack underflow in TUPLEn");
            o = rse__pk_seq(k, RSE__PK_TUPLE, k->stack + k->sp - n, n);
            k->sp -= n;
            st = rse__pk_push(k, o);
            break;
        case 't': case 'l': /* TUPLE, LIST: everything above the mark */
            if ((st = rse__pk_popmark(k, &from))) return st;
            /* an empty sequence on a never-grown stack: no pointer into it
               (NULL + 0 is undefined in C) */
            o = rse__pk_seq(k, op == 't' ? RSE__PK_TUPLE : RSE__PK_LIST, k->sp > from ? k->stack + from : 0, k->sp - from);
            k->sp = from;
            st = rse__pk_push(k, o);
            break;
        case 'd': /* DICT: key, value pairs above the mark */
            if ((st = rse__pk_popmark(k, &from))) return st;
            if ((k->sp - from) % 2) return rse__pk_err(k, "DICT with an odd number of items");
            o = rse__pk_seq(k, RSE__PK_DICT, k->sp > from ? k->stack + from : 0, k->sp - from);
            k->sp = from;
            st = rse__pk_push(k, o);
            break;
        case 'q': case 'r': /* BINPUT, LONG_BINPUT */
            if ((st = rse__pk_need(k, op == 'q' ? 1 : 4))) return st;
            u = op == 'q' ? k->p[k->pos] : rse__ff_le32(k->p + k->pos);
            k->pos += op == 'q' ? 1 : 4;
            st = rse__pk_memo_put(k, u);
            break;
        case 0x94: /* MEMOIZE: index = number of memo entries so far */
            st = rse__pk_memo_put(k, k->memo_used);
            break;
        case 'h': case 'j': /* BINGET, LONG_BINGET */
            if ((st = rse__pk_need(k, op == 'h' ? 1 : 4))) return st;
            u = op == 'h' ? k->p[k->pos] : rse__ff_le32(k->p + k->pos);
            k->pos += op == 'h' ? 1 : 4;
            st = rse__pk_memo_get(k, u);
            break;
        case 'c': { /* GLOBAL "module\nname\n" */
            const char *ms = 0, *ns = 0;
            size_t ml = 0, nl = 0;
            if ((st = rse__pk_line(k, &ms, &ml)) || (st = rse__pk_line(k, &ns, &nl))) return st;
            st = rse__pk_global(k, ms, ml, ns, nl);
            break;
        }
        case 0x93: /* STACK_GLOBAL: module and name strings on the stack */
            if ((st = rse__pk_pop(k, &b)) || (st = rse__pk_pop(k, &a))) return st;
            if (a->type != RSE__PK_STR || b->type != RSE__PK_STR) return rse__pk_err(k, "STACK_GLOBAL needs two strings");
            st = rse__pk_global(k, a->u.str.s, a->u.str.n, b->u.str.s, b->u.str.n);
            break;
        case 'R': /* REDUCE */
            if ((st = rse__pk_pop(k, &b)) || (st = rse__pk_pop(k, &a))) return st;
            if ((st = rse__pk_reduce(k, a, b, &o))) return st;
            st = rse__pk_push(k, o);
            break;
        case 'Q': /* BINPERSID */
            if ((st = rse__pk_pop(k, &a))) return st;
            if ((st = rse__pk_persid(k, a, &o))) return st;
            st = rse__pk_push(k, o);
            break;
        case 'b': /* BUILD: state for the object below. Only the _metadata of
                     a state_dict (a dict set on the OrderedDict) or a
                     Parameter's state reach here; both are dropped. */
            if ((st = rse__pk_pop(k, &a))) return st;
            if (k->sp <= rse__pk_floor(k)) return rse__pk_err(k, "BUILD with nothing to build");
            o = k->stack[k->sp - 1];
            if (o->type != RSE__PK_DICT && o->type != RSE__PK_TENSOR) return rse__pk_err(k, "BUILD on an unsupported object");
            if (a->type != RSE__PK_DICT && a->type != RSE__PK_TUPLE && a->type != RSE__PK_NONE)
                return rse__pk_err(k, "BUILD with an unsupported state");
            break;
        case 's': /* SETITEM */
            if ((st = rse__pk_pop(k, &b)) || (st = rse__pk_pop(k, &a))) return st;
            if (k->sp <= rse__pk_floor(k) || k->stack[k->sp - 1]->type != RSE__PK_DICT)
                return rse__pk_err(k, "SETITEM on something that is not a dict");
            {
                rse__pkobj *kv[2];
                kv[0] = a; kv[1] = b;
                st = rse__pk_extend(k, k->stack[k->sp - 1], kv, 2);
            }
            break;
        case 'u': /* SETITEMS: key, value pairs above the mark into the dict below it */
        case 'e': /* APPENDS: items above the mark onto the list below it */
            if ((st = rse__pk_popmark(k, &from))) return st;
            if (from <= rse__pk_floor(k) || k->stack[from - 1]->type != (op == 'u' ? RSE__PK_DICT : RSE__PK_LIST))
                return rse__pk_err(k, op == 'u' ? "SETITEMS without a dict" : "APPENDS without a list");
            if (op == 'u' && (k->sp - from) % 2) return rse__pk_err(k, "SETITEMS with an odd number of items");
            st = rse__pk_extend(k, k->stack[from - 1], k->stack + from, k->sp - from);
            k->sp = from;
            break;
        case 'a': /* APPEND */
            if ((st = rse__pk_pop(k, &a))) return st;
            if (k->sp <= rse__pk_floor(k) || k->stack[k->sp - 1]->type != RSE__PK_LIST)
                return rse__pk_err(k, "APPEND on something that is not a list");
            st = rse__pk_extend(k, k->stack[k->sp - 1], &a, 1);
            break;
        default:
            return rse__fail(RSE_STATUS_BAD_FORMAT, "pickle: unsupported opcode 0x%x at offset %zu", (unsigned)op, k->pos - 1);
        }
        if (st) return st;
    }
}

/* Fills a checkpoint tensor from a pickled tensor record: the data pointer
   into the storage when the view is row-major contiguous (the usual case),
   else a gathered copy in the checkpoint arena. */
RSE__FN rse_status rse__ckpt_tensor_from_pk(rse__ckpt *c, rse__ckpt_tensor *t, const rse__pkobj *o) {
    const rse__pkobj *sto = o->u.tensor.storage;
    size_t es = rse__dtypes[sto->u.storage.dtype].size, numel = 1, expect = 1;
    int d, contiguous = 1;
    t->dtype = sto->u.storage.dtype;
    t->ndim = o->u.tensor.ndim;
    for (d = 0; d < t->ndim; d++) { t->shape[d] = (int)o->u.tensor.size[d]; numel *= (size_t)o->u.tensor.size[d]; }
    /* Both products were bounded by the storage size in rse__pk_rebuild. */
    t->numel = numel;
    t->nbytes = numel * es;
    t->storage = rse__arena_strdup(&c->arena, sto->u.storage.key, sto->u.storage.keylen);
    if (!t->storage) return RSE_STATUS_NOMEM;
    t->storage_offset = (size_t)o->u.tensor.offset;
    /* Row-major strides; a dimension of size 1 may carry any stride. */
    for (d = t->ndim - 1; d >= 0; d--) {
        if (o->u.tensor.size[d] != 1 && (uint64_t)o->u.tensor.stride[d] != expect) contiguous = 0;
        expect *= (size_t)o->u.tensor.size[d];
    }
    if (numel == 0) { t->data = sto->u.storage.data; return RSE_STATUS_OK; }
    if (contiguous) {
        t->data = sto->u.storage.data + (size_t)o->u.tensor.offset * es;
    } else {
        /* Walk the view's multi-index like an odometer, last dim fastest. */
        unsigned char *dst = (unsigned char *)rse__arena_alloc(&c->arena, t->nbytes);
        size_t idx[RSE_CKPT_MAXDIM], i;
        uint64_t src = o->u.tensor.offset;
        if (!dst) return RSE_STATUS_NOMEM;
        memset(idx, 0, sizeof idx);
        for (i = 0; i < numel; i++) {
            memcpy(dst + i * es, sto->u.storage.data + (size_t)src * es, es);
            for (d = t->ndim - 1; d >= 0; d--) {
                src += (uint64_t)o->u.tensor.stride[d];
                if (++idx[d] < (size_t)o->u.tensor.size[d]) break;
                src -= (uint64_t)o->u.tensor.stride[d] * (uint64_t)o->u.tensor.size[d];
                idx[d] = 0;
            }
        }
        t->data = dst;
        t->copied = 1;
    }
    return RSE_STATUS_OK;
}

RSE__FN int rse__pk_streq(const rse__pkobj *o, const char *s) {
    return o->type == RSE__PK_STR && o->u.str.n == strlen(s) && memcmp(o->u.str.s, s, o->u.str.n) == 0;
}

/* Removes "module." (what DataParallel/DDP training checkpoints carry) when
   every name has it, as open_clip's load_checkpoint does. */
RSE__FN void rse__ckpt_strip_module(rse__ckpt *c) {
    size_t i;
    if (!c->n) return;
    for (i = 0; i < c->n; i++) if (strncmp(c->t[i].name, "module.", 7) != 0) return;
    for (i = 0; i < c->n; i++) c->t[i].name += 7;
}

/* The state dict of an unpickled root: the root dict itself, or its
   'state_dict' entry (open_clip training checkpoints), or with ema set its
   'ema' entry, which must exist (SinDDM trainer checkpoints hold 'model'
   and 'ema' state dicts side by side). Entries whose value is not a tensor
   (an 'epoch' number...) are skipped. */
RSE__FN rse_status rse__ckpt_collect(rse__ckpt *c, rse__pkobj *root, int ema) {
    size_t i, n = 0;
    const char *sub = ema ? "ema" : "state_dict";
    if (root->type != RSE__PK_DICT) return rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: the pickle is not a dict");
    for (i = 0; i + 1 < root->u.seq.n; i += 2)
        if (rse__pk_streq(root->u.seq.v[i], sub) && root->u.seq.v[i + 1]->type == RSE__PK_DICT) {
            root = root->u.seq.v[i + 1];
            ema = 0;
            break;
        }
    if (ema) return rse__fail(RSE_STATUS_BAD_FORMAT, "no 'ema' state dict (not a SinDDM trainer checkpoint)");
    for (i = 0; i + 1 < root->u.seq.n; i += 2)
        if (root->u.seq.v[i]->type == RSE__PK_STR && root->u.seq.v[i + 1]->type == RSE__PK_TENSOR) n++;
    if (n == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: no tensors in the state dict");
    c->t = (rse__ckpt_tensor *)rse__arena_calloc(&c->arena, n, sizeof *c->t);
    if (!c->t) return RSE_STATUS_NOMEM;
    for (i = 0; i + 1 < root->u.seq.n; i += 2) {
        rse__pkobj *key = root->u.seq.v[i], *val = root->u.seq.v[i + 1];
        rse__ckpt_tensor *t;
        rse_status st;
        if (key->type != RSE__PK_STR || val->type != RSE__PK_TENSOR) continue;
        t = &c->t[c->n++];
        if (memchr(key->u.str.s, 0, key->u.str.n))
            return rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: tensor name contains a NUL byte");
        if (!(t->name = rse__arena_strdup(&c->arena, key->u.str.s, key->u.str.n))) return RSE_STATUS_NOMEM;
        if ((st = rse__ckpt_tensor_from_pk(c, t, val))) return st;
    }
    rse__ckpt_strip_module(c);
    return rse__ckpt_index(c);
}

RSE__FN rse_status rse__ckpt_torch(rse__ckpt *c, const unsigned char *buf, size_t len, int verify_crc, int ema) {
    rse__arena scratch;
    rse__zip z;
    rse__pickle k;
    rse__zip_entry *e;
    rse__crc32_tab *crc = 0;
    rse__pkobj *root = 0;
    const unsigned char *pkl;
    size_t pkl_len, plen;
    char name[600];
    rse_status st;
    rse__arena_init(&scratch, 0, 0);
    memset(&k, 0, sizeof k);
    if ((st = rse__zip_open(&z, buf, len, &scratch))) goto done;
    /* The folder all entries share: the first entry's name up to '/'. */
    for (plen = 0; plen < z.first_len && z.first[plen] != '/'; plen++) {}
    if (plen == z.first_len || plen > sizeof name - 64) {
        st = rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: zip is not a torch.save archive (no '<name>/' folder)");
        goto done;
    }
    memcpy(name, z.first, plen);
#define RSE__ENTRY(suffix) (memcpy(name + plen, suffix, sizeof suffix), rse__zip_find(&z, name, plen + sizeof suffix - 1))
    if (RSE__ENTRY("/constants.pkl")) {
        st = rse__fail(RSE_STATUS_UNSUPPORTED, "checkpoint: a TorchScript archive (torch.jit.save), not a state dict; "
                       "save model.state_dict() with torch.save");
        goto done;
    }
    if ((e = RSE__ENTRY("/byteorder")) != 0) {
        const unsigned char *bo;
        size_t bn;
        if ((st = rse__zip_read(&z, e, &scratch, 0, &bo, &bn))) goto done;
        if (!(bn == 6 && memcmp(bo, "little", 6) == 0)) {
            st = rse__fail(RSE_STATUS_UNSUPPORTED, "checkpoint: byte order is not 'little'");
            goto done;
        }
    }
    if (!(e = RSE__ENTRY("/data.pkl"))) {
        st = rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: archive has no data.pkl");
        goto done;
    }
#undef RSE__ENTRY
    if (verify_crc) {
        crc = (rse__crc32_tab *)rse__arena_alloc(&scratch, sizeof *crc);
        if (!crc) { st = RSE_STATUS_NOMEM; goto done; }
        rse__crc32_init(crc);
    }
    if ((st = rse__zip_read(&z, e, &scratch, crc, &pkl, &pkl_len))) goto done;
    k.p = pkl; k.len = pkl_len; k.a = &scratch; k.data_arena = &c->arena;
    k.zip = &z; k.prefix = name; k.prefix_len = plen; k.crc = crc;
    if ((st = rse__pk_run(&k, &root))) goto done;
    st = rse__ckpt_collect(c, root, ema);
done:
    RSE_FREE(k.stack); RSE_FREE(k.marks); RSE_FREE(k.memo);
    rse__arena_free(&scratch);
    return st;
}

/* ---------------------------------------------------------------------------
   safetensors
   u64 little-endian N, an N-byte JSON object, then the data buffer:
     {"name": {"dtype": "F16", "shape": [2, 3], "data_offsets": [0, 12]},
      ..., "__metadata__": {"key": "value"}}
   The JSON parser below accepts exactly that: objects, strings (with all
   JSON escapes, \uXXXX surrogate pairs included), arrays of non-negative
   integers. Anything else (floats, true/false/null, nesting beyond the
   shape above, unknown fields in a tensor entry) is an error.
   ------------------------------------------------------------------------- */

#define RSE__ST_MAX_HEADER ((uint64_t)100 << 20) /* as the reference reader */

typedef struct rse__json { const unsigned char *p, *end; } rse__json;

RSE__FN rse_status rse__json_err(const rse__json *j, const unsigned char *base, const char *what) {
    return rse__fail(RSE_STATUS_BAD_FORMAT, "safetensors: JSON header: %s at byte %zu", what, (size_t)(j->p - base) + 8);
}

RSE__FN void rse__json_ws(rse__json *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

RSE__FN int rse__json_hex4(const unsigned char *s, uint32_t *v) {
    int i;
    *v = 0;
    for (i = 0; i < 4; i++) {
        unsigned c = s[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if ((c | 32) >= 'a' && (c | 32) <= 'f') d = (c | 32) - 'a' + 10;
        else return 0;
        *v = *v << 4 | d;
    }
    return 1;
}

/* Appends code point cp as UTF-8 to out; returns bytes written (<= 4). */
RSE__FN int rse__utf8_put(unsigned char *out, uint32_t cp) {
    if (cp < 0x80) { out[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) { out[0] = (unsigned char)(0xc0 | cp >> 6); out[1] = (unsigned char)(0x80 | (cp & 63)); return 2; }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xe0 | cp >> 12); out[1] = (unsigned char)(0x80 | ((cp >> 6) & 63));
        out[2] = (unsigned char)(0x80 | (cp & 63)); return 3;
    }
    out[0] = (unsigned char)(0xf0 | cp >> 18); out[1] = (unsigned char)(0x80 | ((cp >> 12) & 63));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 63)); out[3] = (unsigned char)(0x80 | (cp & 63));
    return 4;
}

/* Decodes one UTF-8 code point at s[0..n): returns its length (1-4) and
   sets *cp, or 0 if the bytes are not valid UTF-8 (overlong forms,
   surrogates and values above U+10FFFF are invalid, as in Python). */
RSE__FN int rse__utf8_get(const unsigned char *s, size_t n, uint32_t *cp) {
    uint32_t c;
    int len, i;
    if (n == 0) return 0;
    c = s[0];
    if (c < 0x80) { *cp = c; return 1; }
    if (c < 0xc2) return 0;
    len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
    if (!len || (size_t)len > n) return 0;
    c &= 0x3fu >> (len - 1);
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        c = c << 6 | (s[i] & 63u);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff)) return 0;
    *cp = c;
    return len;
}

/* A JSON string, decoded to UTF-8 in the arena (NUL-terminated). */
RSE__FN rse_status rse__json_str(rse__json *j, const unsigned char *base, rse__arena *a, char **out, size_t *out_len) {
    const unsigned char *s;
    unsigned char *d;
    size_t n = 0;
    rse__json_ws(j);
    if (j->p >= j->end || *j->p != '"') return rse__json_err(j, base, "expected a string");
    s = ++j->p;
    /* Decoded UTF-8 is never longer than the escaped source. */
    while (j->p < j->end && *j->p != '"') { if (*j->p == '\\') j->p++; j->p++; }
    if (j->p >= j->end) return rse__json_err(j, base, "unterminated string");
    d = (unsigned char *)rse__arena_alloc(a, (size_t)(j->p - s) + 1);
    if (!d) return RSE_STATUS_NOMEM;
    j->p = s;
    while (*j->p != '"') {
        uint32_t cp;
        int k;
        if (*j->p < 0x20) return rse__json_err(j, base, "control character in a string");
        if (*j->p != '\\') {
            if (!(k = rse__utf8_get(j->p, (size_t)(j->end - j->p), &cp))) return rse__json_err(j, base, "invalid UTF-8");
            memcpy(d + n, j->p, (size_t)k);
            n += (size_t)k; j->p += k;
            continue;
        }
        j->p++;
        switch (*j->p) {
        case '"': case '\\': case '/': d[n++] = *j->p; j->p++; break;
        case 'b': d[n++] = '\b'; j->p++; break;
        case 'f': d[n++] = '\f'; j->p++; break;
        case 'n': d[n++] = '\n'; j->p++; break;
        case 'r': d[n++] = '\r'; j->p++; break;
        case 't': d[n++] = '\t'; j->p++; break;
        case 'u':
            if (j->end - j->p < 5 || !rse__json_hex4(j->p + 1, &cp)) return rse__json_err(j, base, "bad \\u escape");
            j->p += 5;
            if (cp >= 0xd800 && cp <= 0xdbff) { /* high surrogate: a low one must follow */
                uint32_t lo;
                if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' || !rse__json_hex4(j->p + 2, &lo) ||
                    lo < 0xdc00 || lo > 0xdfff)
                    return rse__json_err(j, base, "unpaired surrogate in \\u escape");
                j->p += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if (cp >= 0xdc00 && cp <= 0xdfff) return rse__json_err(j, base, "unpaired surrogate in \\u escape");
            /* The escape (6 or 12 source bytes) is longer than its UTF-8. */
            n += (size_t)rse__utf8_put(d + n, cp);
            break;
        default: return rse__json_err(j, base, "bad escape");
        }
    }
    j->p++;
    d[n] = 0;
    *out = (char *)d;
    *out_len = n;
    return RSE_STATUS_OK;
}

/* A non-negative integer without leading zeros, at most 2^53 (what JSON
   numbers can carry exactly). */
RSE__FN rse_status rse__json_uint(rse__json *j, const unsigned char *base, uint64_t *v) {
    const unsigned char *s;
    rse__json_ws(j);
    s = j->p;
    *v = 0;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
        *v = *v * 10 + (uint64_t)(*j->p - '0');
        if (*v > ((uint64_t)1 << 53)) return rse__json_err(j, base, "integer too large");
        j->p++;
    }
    if (j->p == s) return rse__json_err(j, base, "expected a non-negative integer");
    if (j->p - s > 1 && *s == '0') return rse__json_err(j, base, "integer with a leading zero");
    return RSE_STATUS_OK;
}

RSE__FN rse_status rse__json_char(rse__json *j, const unsigned char *base, char c) {
    char msg[24];
    rse__json_ws(j);
    if (j->p < j->end && *j->p == (unsigned char)c) { j->p++; return RSE_STATUS_OK; }
    rse__fmt(msg, sizeof msg, "expected '%c'", c);
    return rse__json_err(j, base, msg);
}

/* Peeks: 1 and consumes if the next non-blank byte is c. */
RSE__FN int rse__json_try(rse__json *j, char c) {
    rse__json_ws(j);
    if (j->p < j->end && *j->p == (unsigned char)c) { j->p++; return 1; }
    return 0;
}

/* [u, u, ...] into v[0..*n), at most cap items. */
RSE__FN rse_status rse__json_uints(rse__json *j, const unsigned char *base, uint64_t *v, int cap, int *n) {
    rse_status st;
    *n = 0;
    if ((st = rse__json_char(j, base, '['))) return st;
    if (rse__json_try(j, ']')) return RSE_STATUS_OK;
    do {
        if (*n >= cap) return rse__json_err(j, base, "too many integers in an array");
        if ((st = rse__json_uint(j, base, &v[(*n)++]))) return st;
    } while (rse__json_try(j, ','));
    return rse__json_char(j, base, ']');
}

typedef struct { size_t t; uint64_t begin, end; } rse__st_span;

RSE__FN int rse__st_cmp(const void *a, const void *b) {
    const rse__st_span *x = (const rse__st_span *)a, *y = (const rse__st_span *)b;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

RSE__FN rse_status rse__ckpt_safetensors(rse__ckpt *c, const unsigned char *buf, size_t len) {
    rse__json j;
    uint64_t hlen;
    const unsigned char *hdr, *data;
    size_t data_len, cap = 64, i;
    rse__st_span *span = 0;
    rse__arena scratch;
    rse_status st;
    if (len < 8) return rse__fail(RSE_STATUS_TRUNCATED, "safetensors: file shorter than its 8-byte header length");
    hlen = rse__ff_le64(buf);
    if (hlen > RSE__ST_MAX_HEADER) return rse__fail(RSE_STATUS_LIMIT, "safetensors: header of %llu bytes (limit 100 MB)", (unsigned long long)hlen);
    if (hlen > len - 8) return rse__fail(RSE_STATUS_TRUNCATED, "safetensors: header of %llu bytes runs past the end", (unsigned long long)hlen);
    hdr = buf + 8;
    data = hdr + hlen;
    data_len = len - 8 - (size_t)hlen;
    j.p = hdr; j.end = data;
    rse__arena_init(&scratch, 0, 0);
    c->t = (rse__ckpt_tensor *)rse__arena_calloc(&c->arena, cap, sizeof *c->t);
    span = (rse__st_span *)rse__arena_calloc(&scratch, cap, sizeof *span);
    if (!c->t || !span) { st = RSE_STATUS_NOMEM; goto done; }
    if ((st = rse__json_char(&j, hdr, '{'))) goto done;
    if (!rse__json_try(&j, '}')) {
      do {
        char *key, *field, *val;
        size_t kl, fl, vl;
        if ((st = rse__json_str(&j, hdr, &c->arena, &key, &kl)) || (st = rse__json_char(&j, hdr, ':')) ||
            (st = rse__json_char(&j, hdr, '{')))
            goto done;
        if (strcmp(key, "__metadata__") == 0) { /* {str: str}, ignored */
            if (!rse__json_try(&j, '}')) {
                do {
                    if ((st = rse__json_str(&j, hdr, &scratch, &field, &fl)) || (st = rse__json_char(&j, hdr, ':')) ||
                        (st = rse__json_str(&j, hdr, &scratch, &val, &vl)))
                        goto done;
                } while (rse__json_try(&j, ','));
                if ((st = rse__json_char(&j, hdr, '}'))) goto done;
            }
        } else {
            rse__ckpt_tensor *t;
            uint64_t shape[RSE_CKPT_MAXDIM + 1], offs[3], numel = 1;
            int have_dt = 0, have_shape = 0, have_offs = 0, nshape = 0, noffs = 0, d;
            if (memchr(key, 0, kl)) { st = rse__json_err(&j, hdr, "tensor name contains a NUL"); goto done; }
            if (c->n == cap) { /* grow both tables */
                rse__ckpt_tensor *nt = (rse__ckpt_tensor *)rse__arena_calloc(&c->arena, cap * 2, sizeof *nt);
                rse__st_span *ns = (rse__st_span *)rse__arena_calloc(&scratch, cap * 2, sizeof *ns);
                if (!nt || !ns) { st = RSE_STATUS_NOMEM; goto done; }
                memcpy(nt, c->t, cap * sizeof *nt); memcpy(ns, span, cap * sizeof *ns);
                c->t = nt; span = ns; cap *= 2;
            }
            t = &c->t[c->n];
            t->name = key;
            if (rse__json_try(&j, '}')) { st = rse__json_err(&j, hdr, "empty tensor entry"); goto done; }
            do {
                if ((st = rse__json_str(&j, hdr, &scratch, &field, &fl)) || (st = rse__json_char(&j, hdr, ':'))) goto done;
                if (strcmp(field, "dtype") == 0 && !have_dt) {
                    have_dt = 1;
                    if ((st = rse__json_str(&j, hdr, &scratch, &val, &vl))) goto done;
                    for (d = 0; d < RSE_DT_COUNT && strcmp(val, rse__dtypes[d].name) != 0; d++) {}
                    if (d == RSE_DT_COUNT) {
                        char v[40], nm[96];
                        rse__ff_printable(v, sizeof v, val, vl);
                        rse__ff_printable(nm, sizeof nm, key, kl);
                        st = rse__fail(RSE_STATUS_UNSUPPORTED, "safetensors: tensor '%s': dtype '%s' not supported", nm, v);
                        goto done;
                    }
                    t->dtype = d;
                } else if (strcmp(field, "shape") == 0 && !have_shape) {
                    have_shape = 1;
                    if ((st = rse__json_uints(&j, hdr, shape, RSE_CKPT_MAXDIM, &nshape))) goto done;
                } else if (strcmp(field, "data_offsets") == 0 && !have_offs) {
                    have_offs = 1;
                    if ((st = rse__json_uints(&j, hdr, offs, 3, &noffs))) goto done;
                    if (noffs != 2) { st = rse__json_err(&j, hdr, "data_offsets must have 2 integers"); goto done; }
                } else {
                    char f[40];
                    rse__ff_printable(f, sizeof f, field, fl);
                    st = rse__fail(RSE_STATUS_BAD_FORMAT, "safetensors: unknown or repeated field '%s' in a tensor entry", f);
                    goto done;
                }
            } while (rse__json_try(&j, ','));
            if ((st = rse__json_char(&j, hdr, '}'))) goto done;
            if (!have_dt || !have_shape || !have_offs) {
                st = rse__json_err(&j, hdr, "tensor entry lacks dtype, shape or data_offsets");
                goto done;
            }
            t->ndim = nshape;
            for (d = 0; d < nshape; d++) {
                if (shape[d] > INT_MAX) { st = rse__json_err(&j, hdr, "dimension too large"); goto done; }
                t->shape[d] = (int)shape[d];
                if (shape[d] && numel > UINT64_MAX / shape[d]) { st = rse__json_err(&j, hdr, "element count overflows"); goto done; }
                numel *= shape[d];
            }
            if (offs[0] > offs[1] || offs[1] > data_len ||
                numel > (offs[1] - offs[0]) || numel * rse__dtypes[t->dtype].size != offs[1] - offs[0]) {
                char nm[96];
                rse__ff_printable(nm, sizeof nm, key, kl);
                st = rse__fail(RSE_STATUS_BAD_FORMAT,
                               "safetensors: tensor '%s': data_offsets [%llu, %llu] do not fit %llu elements of %s in a %zu-byte buffer",
                               nm, (unsigned long long)offs[0], (unsigned long long)offs[1], (unsigned long long)numel,
                               rse__dtypes[t->dtype].name, data_len);
                goto done;
            }
            t->numel = (size_t)numel;
            t->nbytes = (size_t)(offs[1] - offs[0]);
            t->data = data + offs[0];
            span[c->n].t = c->n; span[c->n].begin = offs[0]; span[c->n].end = offs[1];
            c->n++;
        }
      } while (rse__json_try(&j, ','));
      if ((st = rse__json_char(&j, hdr, '}'))) goto done;
    }
    rse__json_ws(&j);
    if (j.p != j.end) { st = rse__json_err(&j, hdr, "trailing bytes after the header object"); goto done; }
    if (c->n == 0) { st = rse__fail(RSE_STATUS_BAD_FORMAT, "safetensors: no tensors"); goto done; }
    /* The tensors must tile the buffer exactly: sorted by offset, each
       starts where the previous ended, the last ends at the end of file. */
    qsort(span, c->n, sizeof *span, rse__st_cmp);
    {
        uint64_t at = 0;
        for (i = 0; i < c->n; i++) {
            if (span[i].begin != at) {
                st = rse__fail(RSE_STATUS_BAD_FORMAT, "safetensors: tensor data %s at offset %llu (expected %llu)",
                               span[i].begin < at ? "overlaps" : "leaves a gap", (unsigned long long)span[i].begin,
                               (unsigned long long)at);
                goto done;
            }
            at = span[i].end;
        }
        if (at != data_len) {
            st = rse__fail(RSE_STATUS_BAD_FORMAT, "safetensors: tensors cover %llu of %zu data bytes",
                           (unsigned long long)at, data_len);
            goto done;
        }
    }
    rse__ckpt_strip_module(c);
    st = rse__ckpt_index(c);
done:
    rse__arena_free(&scratch);
    return st;
}

/* ---------------------------------------------------------------------------
   Half and bfloat16 conversion
   binary16: 1 sign, 5 exponent (bias 15), 10 mantissa bits. Exponent 0 is
   zero or a subnormal m * 2^-24; exponent 31 is inf (m = 0) or NaN. Every
   half is exactly a float, so this direction is exact. NaNs come out quiet
   with their payload kept, which is what the F16C instruction does, so the
   two paths agree bit for bit.
   bfloat16 is simply the top 16 bits of a float32.
   ------------------------------------------------------------------------- */

RSE__FN float rse__f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, e = (h >> 10) & 31, m = h & 0x3ff, bits;
    float f;
    if (e == 0) {
        if (m == 0) bits = sign;
        else { /* subnormal: shift the mantissa up until its leading 1 is the implicit bit */
            e = 127 - 15 + 1;
            while (!(m & 0x400)) { m <<= 1; e--; }
            bits = sign | e << 23 | (m & 0x3ff) << 13;
        }
    } else if (e == 31) {
        bits = sign | 0x7f800000u | m << 13 | (m ? 0x00400000u : 0);
    } else {
        bits = sign | (e + 127 - 15) << 23 | m << 13;
    }
    memcpy(&f, &bits, 4);
    return f;
}

RSE__FN float rse__bf16_to_f32(uint16_t b) {
    uint32_t bits = (uint32_t)b << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

/* Float to half, rounding to nearest even; overflow gives inf, NaN stays a
   (quiet) NaN. Used to write fp16 data and in tests. */
RSE__FN uint16_t rse__f32_to_f16(float f) {
    uint32_t x, sign, e, m;
    memcpy(&x, &f, 4);
    sign = (x >> 16) & 0x8000;
    e = (x >> 23) & 0xff;
    m = x & 0x7fffff;
    if (e == 0xff) return (uint16_t)(sign | 0x7c00 | (m ? 0x200 | (m >> 13) : 0));
    if (e > 127 + 15) return (uint16_t)(sign | 0x7c00); /* |f| >= 2^16: inf */
    if (e >= 127 - 14) { /* normal half range (may round up into inf) */
        uint32_t h = (e - 127 + 15) << 10 | m >> 13, rest = m & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) h++;
        return (uint16_t)(sign | h);
    }
    if (e < 127 - 25) return (uint16_t)sign; /* below half the smallest subnormal */
    {   /* subnormal: value = (m | implicit) * 2^(e-150); in units of 2^-24 */
        uint32_t full = m | 0x800000, shift = 126 - e, h = full >> shift;
        uint32_t rest = full & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rest > half || (rest == half && (h & 1))) h++;
        return (uint16_t)(sign | h);
    }
}

/* n halves (any alignment) to floats, one at a time: the reference. */
RSE__FN void rse__f16_to_f32_n_scalar(float *out, const void *in, size_t n) {
    const unsigned char *p = (const unsigned char *)in;
    size_t i;
    for (i = 0; i < n; i++) out[i] = rse__f16_to_f32((uint16_t)rse__ff_le16(p + 2 * i));
}

/* Eight at a time with VCVTPH2PS (little-endian host: x86). A build for a
   CPU with F16C (-march) uses it always; the portable build compiles it by
   target attribute and uses it when the kernel set in use is AVX2 or wider
   (rse__x86_runs checks F16C for those; RSE_KERNELS=scalar gives the scalar
   conversion). Converted one half at a time, the staging of fp16 weights
   was 26% of a portable build's text edit with ViT-B-32 (issue 25). */
#if defined(__F16C__) && !defined(RSE_NO_SIMD)
#define RSE__F16C_FN RSE__FN
#define RSE__F16C_CHOSEN 0 /* always */
#elif RSE__X86_SETS
#define RSE__F16C_FN __attribute__((target("avx,f16c"))) static
#define RSE__F16C_CHOSEN 1 /* by the kernel set */
#endif
#ifdef RSE__F16C_FN
#include <immintrin.h>
#define RSE__HAVE_F16C 1
RSE__F16C_FN void rse__f16_to_f32_n_f16c(float *out, const void *in, size_t n) {
    const unsigned char *p = (const unsigned char *)in;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(const void *)(p + 2 * i))));
    rse__f16_to_f32_n_scalar(out + i, p + 2 * i, n - i);
}
RSE__FN void rse__f16_to_f32_n(float *out, const void *in, size_t n) {
    if (RSE__F16C_CHOSEN && rse__kernels_now()->set < RSE__KS_AVX2) rse__f16_to_f32_n_scalar(out, in, n);
    else rse__f16_to_f32_n_f16c(out, in, n);
}
#else
#define RSE__HAVE_F16C 0
RSE__FN void rse__f16_to_f32_n(float *out, const void *in, size_t n) { rse__f16_to_f32_n_scalar(out, in, n); }
#endif

/* A checkpoint tensor as float32 into out[0..n), n == t->numel. Integer and
   double tensors are converted by value (num_batches_tracked, say). */
RSE__FN rse_status rse__ckpt_to_f32(const rse__ckpt_tensor *t, float *out, size_t n) {
    const unsigned char *p = t->data;
    size_t i;
    if (n != t->numel)
        return rse__fail(RSE_STATUS_BAD_ARG, "tensor '%s': %zu elements, caller expected %zu", t->name, t->numel, n);
    switch (t->dtype) {
    case RSE_DT_F32:
        for (i = 0; i < n; i++) { uint32_t b = rse__ff_le32(p + 4 * i); memcpy(out + i, &b, 4); }
        break;
    case RSE_DT_F16: rse__f16_to_f32_n(out, p, n); break;
    case RSE_DT_BF16: for (i = 0; i < n; i++) out[i] = rse__bf16_to_f32((uint16_t)rse__ff_le16(p + 2 * i)); break;
    case RSE_DT_F64:
        for (i = 0; i < n; i++) { uint64_t b = rse__ff_le64(p + 8 * i); double d; memcpy(&d, &b, 8); out[i] = (float)d; }
        break;
    case RSE_DT_I64: for (i = 0; i < n; i++) out[i] = (float)(int64_t)rse__ff_le64(p + 8 * i); break;
    case RSE_DT_I32: for (i = 0; i < n; i++) out[i] = (float)(int32_t)rse__ff_le32(p + 4 * i); break;
    case RSE_DT_I16: for (i = 0; i < n; i++) out[i] = (float)(int16_t)rse__ff_le16(p + 2 * i); break;
    case RSE_DT_I8: for (i = 0; i < n; i++) out[i] = (float)(signed char)p[i]; break;
    case RSE_DT_U8: case RSE_DT_BOOL: for (i = 0; i < n; i++) out[i] = (float)p[i]; break;
    default: return rse__fail(RSE_STATUS_INTERNAL, "tensor '%s': unknown dtype %d", t->name, t->dtype);
    }
    return RSE_STATUS_OK;
}

/* ---------------------------------------------------------------------------
   Loading a checkpoint from memory
   ------------------------------------------------------------------------- */

/* flags: skip CRC checks of stored zip entries; take the 'ema' state dict
   of a torch.save archive (SinDDM trainer checkpoints) */
enum { RSE_CKPT_NO_CRC = 1, RSE_CKPT_EMA = 2 };

/* Reads a torch.save zip archive or a safetensors file held in buf[0..len).
   The tensors point into buf where they can, so buf must outlive c. what
   names the input in error messages. */
RSE__FN rse_status rse__ckpt_load_mem(rse__ckpt *c, const void *buf, size_t len, int flags, const char *what) {
    const unsigned char *p = (const unsigned char *)buf;
    rse_status st;
    memset(c, 0, sizeof *c);
    rse__arena_init(&c->arena, 0, 0);
    c->arena.min_block = (size_t)64 << 10;
    if (!what) what = "checkpoint";
    if (len >= 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4) {
        c->format = RSE_CKPT_TORCH;
        st = rse__ckpt_torch(c, p, len, !(flags & RSE_CKPT_NO_CRC), (flags & RSE_CKPT_EMA) != 0);
    } else if (len >= 9 && p[8] == '{' && rse__ff_le64(p) > 0) {
        c->format = RSE_CKPT_SAFETENSORS;
        st = rse__ckpt_safetensors(c, p, len);
    } else if (len >= 3 && p[0] == 0x80 && p[1] == 0x02 && p[2] == 0x8a) {
        st = rse__fail(RSE_STATUS_UNSUPPORTED, "legacy (PyTorch < 1.6) torch.save format; re-save it with a newer PyTorch");
    } else {
        st = rse__fail(RSE_STATUS_BAD_FORMAT, "not a torch.save zip archive or a safetensors file");
    }
    if (st) {
        rse__fail_prefix(st, what);
        rse__ckpt_free(c);
    }
    return st;
}

/* ===========================================================================
   Tokenizer
   open_clip's SimpleTokenizer (= OpenAI CLIP's, special tokens renamed),
   with the text cleaning in front of it. For one text:
     1. ftfy.fix_text (ftfy 6.3.1's default steps, below), html.unescape
        twice (all 2,231 HTML5 entity names), collapse whitespace runs to one
        space, strip, lower-case (Python's str.lower, final sigma included);
     2. split with open_clip's regex
          <start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
        (IGNORECASE: after lower-casing that only adds U+017F long s, which
        case-folds to 's'); whitespace between pieces is dropped;
     3. map each piece's UTF-8 bytes to printable "byte symbols", append
        "</w>" to the last, and apply BPE merges by rank;
     4. look up the ids, wrap in start 49406 / end 49407, cut to 77 with
        the last id forced to 49407, pad with 0.
   Unicode data as open_clip meets it (tools/gen_unicode_tables.py):
   \p{L} and \p{N} from the `regex` module's tables (Unicode 15.0),
   str.lower, NFC and ftfy's classes from Python 3.11's unicodedata (14.0).
   tests/test_text.c measures the match with ftfy and open_clip on real
   text, ftfy's own test cases and every entity; README "Text cleaning"
   says what can still differ.
   ========================================================================= */

#define RSE_CLIP_CTX 77
#define RSE_CLIP_SOT 49406
#define RSE_CLIP_EOT 49407
#define RSE_CLIP_VOCAB 49408
#define RSE__BPE_NMERGES 48894            /* 49152 - 256 - 2 */
#define RSE__BPE_MAX_FILE ((size_t)64 << 20)   /* decompressed vocab cap */
#define RSE__BPE_MAX_LINE 256             /* longest merge line accepted */
#define RSE__CLIP_MAX_TEXT ((size_t)1 << 20)   /* bytes of text per call */
#define RSE__BPE_MAX_WORD ((size_t)1 << 16)    /* bytes in one pre-token */

/* ---------------------------------------------------------------------------
   Unicode properties: binary search in the generated tables (at the end of
   this section). ASCII is answered without a search.
   ------------------------------------------------------------------------- */

enum { RSE__UC_L = 1, RSE__UC_N = 2, RSE__UC_IGN = 4, RSE__UC_CASED = 8 };

RSE__FN int rse__uc_props(uint32_t cp);
RSE__FN uint32_t rse__uc_lower1(uint32_t c);
RSE__FN uint32_t rse__cp1252_at(uint32_t v);

/* regex's \s: the Unicode White_Space property. */
RSE__FN int rse__uc_ws(uint32_t c) {
    return (c >= 9 && c <= 13) || c == 32 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}
/* Python's str.isspace (what .strip() removes): also U+001C..U+001F. */
RSE__FN int rse__uc_isspace(uint32_t c) { return rse__uc_ws(c) || (c >= 0x1c && c <= 0x1f); }

/* ---------------------------------------------------------------------------
   Text normalisation on arrays of code points
   ------------------------------------------------------------------------- */

RSE__FN int rse__html_cmp(const uint32_t *s, size_t n, const char *name) {
    size_t i;
    for (i = 0; i < n && name[i]; i++)
        if (s[i] != (unsigned char)name[i]) return s[i] < (unsigned char)name[i] ? -1 : 1;
    if (i < n) return 1;
    return name[i] ? -1 : 0;
}

/* Looks s[0..n) up among the HTML5 entity names; legacy_only: only names
   valid without ';'. Returns the code point (and in *second a second one, or
   0: a few dozen names stand for two) or 0. */
RSE__FN uint32_t rse__html_find(const uint32_t *s, size_t n, int legacy_only, uint32_t *second);
RSE__FN long rse__html_index(const uint32_t *s, size_t n);

/* html.unescape (Python 3.11): replaces, left to right,
     &#NNN;  &#xHHH;  (';' optional) by the character, with the HTML5 fixes
       (0 -> U+FFFD, 0x80-0x9F as windows-1252, surrogates and > 0x10FFFF ->
       U+FFFD, other invalid code points removed);
     &name;  by a named entity (all 2,231 of html.entities.html5); without
       ';' only the legacy names, and as in Python the longest legacy name
       that prefixes the text is used ("&ampx" -> "&x").
   Output is never longer than input (the shortest two-character entity,
   "&bne;", has five). Returns the output length. */
RSE__FN size_t rse__html_unescape(const uint32_t *in, size_t n, uint32_t *out) {
    size_t i = 0, o = 0;
    while (i < n) {
        size_t j, k;
        if (in[i] != '&' || i + 1 >= n) { out[o++] = in[i++]; continue; }
        j = i + 1;
        if (in[j] == '#') {
            int hex = 0;
            uint32_t v = 0;
            j++;
            if (j < n && (in[j] == 'x' || in[j] == 'X')) { hex = 1; j++; }
            k = j;
            for (; j < n; j++) {
                uint32_t c = in[j], d;
                if (c >= '0' && c <= '9') d = c - '0';
                else if (hex && (c | 32) >= 'a' && (c | 32) <= 'f') d = (c | 32) - 'a' + 10;
                else break;
                /* Saturate: anything above 0x10FFFF gives U+FFFD anyway. */
                v = v > 0x110000 ? v : v * (hex ? 16 : 10) + d;
            }
            if (j == k) { out[o++] = in[i++]; continue; } /* "&#" or "&#x" with no digits: literal */
            if (j < n && in[j] == ';') j++;
            if (v == 0) out[o++] = 0xfffd;
            else if (v == 13) out[o++] = 13;
            else if (v >= 0x80 && v <= 0x9f) out[o++] = rse__cp1252_at(v);
            else if ((v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff) out[o++] = 0xfffd;
            else if ((v >= 1 && v <= 8) || v == 11 || (v >= 14 && v <= 31) || v == 127 ||
                     (v >= 0xfdd0 && v <= 0xfdef) || (v & 0xfffe) == 0xfffe) { /* removed */ }
            else out[o++] = v;
            i = j;
            continue;
        }
        /* Named: up to 32 characters other than \t \n \f space < & # ; */
        for (k = j; k < n && k - j < 32; k++) {
            uint32_t c = in[k];
            if (c == 9 || c == 10 || c == 12 || c == 32 || c == '<' || c == '&' || c == '#' || c == ';') break;
        }
        if (k == j) { out[o++] = in[i++]; continue; }
        {
            size_t len = k - j, x;
            int semi = k < n && in[k] == ';';
            /* "name;" may be any entity, a bare "name" only a legacy one. */
            uint32_t second = 0, cp = rse__html_find(in + j, len, !semi, &second);
            if (cp) {
                out[o++] = cp;
                if (second) out[o++] = second;
                i = k + (size_t)semi;
                continue;
            }
            /* Else the longest legacy name (>= 2 chars) that starts the
               match (with ';', the whole name counts as a prefix); the rest
               stays text. Legacy values are single characters. */
            for (x = len + (size_t)semi - 1; x >= 2; x--)
                if ((cp = rse__html_find(in + j, x, 1, &second)) != 0) break;
            if (cp) { out[o++] = cp; i = j + x; continue; }
            out[o++] = in[i++]; /* no entity: '&' is literal */
        }
    }
    return o;
}

/* str.lower(): one-to-one mappings from the table, U+0130 -> "i\u0307",
   and U+03A3 -> final sigma U+03C2 when a cased letter precedes it (skipping
   case-ignorable characters) and none follows. out has room for 2n. */
RSE__FN size_t rse__lower(const uint32_t *in, size_t n, uint32_t *out) {
    size_t i, o = 0;
    for (i = 0; i < n; i++) {
        uint32_t c = in[i];
        if (c == 0x130) { out[o++] = 'i'; out[o++] = 0x307; continue; }
        if (c == 0x3a3) {
            size_t j = i;
            int fin = 0;
            while (j > 0 && (rse__uc_props(in[j - 1]) & RSE__UC_IGN)) j--;
            if (j > 0 && (rse__uc_props(in[j - 1]) & RSE__UC_CASED)) {
                j = i + 1;
                while (j < n && (rse__uc_props(in[j]) & RSE__UC_IGN)) j++;
                fin = j == n || !(rse__uc_props(in[j]) & RSE__UC_CASED);
            }
            out[o++] = fin ? 0x3c2 : 0x3c3;
            continue;
        }
        out[o++] = rse__uc_lower1(c);
    }
    return o;
}

/* ---------------------------------------------------------------------------
   ftfy.fix_text (ftfy 6.3.1, default settings) on arrays of code points
   open_clip runs every text through ftfy before anything else, so the ids
   RemoteCLIP was trained with are those of ftfy's output. fix_text cuts the
   text after each '\n' (and every 1,000,000 characters) and fixes each
   segment until it stops changing, with these steps in this order:
     unescape_html       ftfy's own: "&name;" of HTML5 with the ';', some
                         all-capital forms ("&EACUTE;" -> "É"), "&#...;";
                         off from the first segment holding a '<' onwards
     fix_encoding        mojibake: text that was UTF-8 decoded as one of ten
                         single-byte encodings, found by ftfy's "badness"
                         heuristic, re-encoded and decoded (with
                         restore_byte_a0, replace_lossy_sequences,
                         decode_inconsistent_utf8 and fix_c1_controls)
     fix_c1_controls, fix_latin_ligatures, fix_character_width,
     uncurl_quotes, fix_line_breaks, fix_surrogates,
     remove_terminal_escapes, remove_control_chars, then NFC.
   The character classes and maps are generated from ftfy's own tables and
   Python's unicodedata (tools/gen_unicode_tables.py); the regular
   expressions are matched by hand here, each in the order and with the
   leftmost-first semantics of Python's re.
   ------------------------------------------------------------------------- */

/* A growable array of code points; `bad` records a failed allocation, so a
   chain of appends needs one check at the end. */
typedef struct { uint32_t *p; size_t n, cap; int bad; } rse__ub;

RSE__FN void rse__ub_put(rse__ub *b, uint32_t c) {
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 256;
        uint32_t *q = (b->bad || cap > SIZE_MAX / 8) ? 0 : (uint32_t *)RSE_REALLOC(b->p, cap * sizeof *q);
        if (!q) { b->bad = 1; return; }
        b->p = q; b->cap = cap;
    }
    b->p[b->n++] = c;
}

RSE__FN void rse__ub_add(rse__ub *b, const uint32_t *s, size_t n) {
    size_t i;
    for (i = 0; i < n && !b->bad; i++) rse__ub_put(b, s[i]);
}

/* Moves src's contents into dst (freeing dst's), leaving src empty. */
RSE__FN void rse__ub_move(rse__ub *dst, rse__ub *src) {
    int bad = dst->bad | src->bad;
    RSE_FREE(dst->p);
    *dst = *src;
    dst->bad = bad;
    memset(src, 0, sizeof *src);
}

RSE__FN int rse__ub_same(const rse__ub *a, const uint32_t *p, size_t n) {
    return a->n == n && (n == 0 || memcmp(a->p, p, n * sizeof *p) == 0);
}

/* Table lookups (after the generated tables). */
RSE__FN int rse__mb_row(uint32_t c);
RSE__FN int rse__mb_in(uint32_t c, int row, int cls);
RSE__FN int rse__is_nd(uint32_t c);
RSE__FN int rse__ccc(uint32_t c);
RSE__FN long rse__nfd_find(uint32_t c);
RSE__FN uint32_t rse__nfc_pair(uint32_t a, uint32_t b);
RSE__FN uint32_t rse__width_map(uint32_t c);
RSE__FN const uint32_t *rse__ligature_of(uint32_t c);
RSE__FN const uint32_t *rse__ent_upper_of(uint32_t c);
RSE__FN uint32_t rse__charmap_at(int enc, int byte);
RSE__FN uint32_t rse__html5_v(long e);
RSE__FN uint32_t rse__html5_second(uint32_t v);
RSE__FN void rse__nfd_parts(long k, uint32_t *a, uint32_t *b);

enum { RSE__ENC_LATIN1 = 0, RSE__ENC_CP1252 = 1, RSE__ENC_MACROMAN = 8, RSE__ENC_N = 10 };
/* The classes of ftfy's UTF8_DETECTOR_RE among the mojibake classes (the
   generator puts them first and checks it). */
enum { RSE__MB_FIRST2 = 0, RSE__MB_FIRST3 = 1, RSE__MB_FIRST4 = 2, RSE__MB_CONT = 3, RSE__MB_STRICT = 4 };
/* encodings 1..6 are ftfy's "sloppy" ones: U+FFFD <-> byte 0x1A */
#define RSE__ENC_SLOPPY(e) ((e) >= 1 && (e) <= 6)

/* --- is_bad: ftfy's BADNESS_RE.search ----------------------------------- */

/* Does any alternative of ftfy's badness expression match somewhere in
   s[0..n)? (After the tables.) */
RSE__FN int rse__is_bad(const uint32_t *s, size_t n);

/* --- single-byte encodings --------------------------------------------- */

/* Reverse maps of the ten encodings, sorted (code point << 8 | byte), so a
   character encodes with a binary search. Built per call: 10 x 128. */
typedef struct { uint32_t key[RSE__ENC_N][128]; } rse__encmaps;

RSE__FN void rse__encmaps_init(rse__encmaps *m) {
    int e, b, i;
    for (e = 0; e < RSE__ENC_N; e++) {
        uint32_t *k = m->key[e];
        for (b = 0; b < 128; b++) {   /* insertion sort: 128 entries */
            uint32_t v = rse__charmap_at(e, 128 + b) << 8 | (uint32_t)(128 + b);
            for (i = b; i > 0 && k[i - 1] > v; i--) k[i] = k[i - 1];
            k[i] = v;
        }
    }
}

/* The byte for c in encoding e, or -1 if c is not in it (ftfy's
   possible_encoding works character by character the same way). */
RSE__FN int rse__enc_byte(const rse__encmaps *m, int e, uint32_t c) {
    size_t lo = 0, hi = 128;
    if (c < 128) return (RSE__ENC_SLOPPY(e) && c == 0x1a) ? -1 : (int)c;
    if (c == 0xfffd && RSE__ENC_SLOPPY(e)) return 0x1a;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        uint32_t k = m->key[e][mid] >> 8;
        if (k == c) return (int)(m->key[e][mid] & 255);
        if (k < c) lo = mid + 1; else hi = mid;
    }
    return -1;
}

/* --- byte-level fixes inside fix_encoding ------------------------------- */

/* Python's strict UTF-8 plus ftfy's "utf-8-variants": C0 80 is U+0000 and
   a CESU-8 surrogate pair (ED A0-AF 80-BF ED B0-BF 80-BF) is the character
   it encodes. Appends to out; returns 0 if the bytes do not decode. */
RSE__FN int rse__utf8v_decode(const unsigned char *s, size_t n, rse__ub *out) {
    size_t i = 0;
    while (i < n) {
        uint32_t c;
        int k;
        if (s[i] == 0xc0 && i + 1 < n && s[i + 1] == 0x80) { rse__ub_put(out, 0); i += 2; continue; }
        if (s[i] == 0xed && i + 5 < n && s[i + 1] >= 0xa0 && s[i + 1] <= 0xaf && (s[i + 2] & 0xc0) == 0x80 &&
            s[i + 3] == 0xed && s[i + 4] >= 0xb0 && s[i + 4] <= 0xbf && (s[i + 5] & 0xc0) == 0x80) {
            c = ((uint32_t)(s[i + 1] & 15) << 16) + ((uint32_t)(s[i + 2] & 63) << 10) +
                ((uint32_t)(s[i + 4] & 15) << 6) + (s[i + 5] & 63u) + 0x10000;
            rse__ub_put(out, c);
            i += 6;
            continue;
        }
        if (!(k = rse__utf8_get(s + i, n - i, &c))) return 0;
        rse__ub_put(out, c);
        i += (size_t)k;
    }
    return 1;
}

/* Length of an ALTERED_UTF8_RE match at s[i..n) (UTF-8 whose A0 byte some
   program turned into a space), or 0. Alternatives in the expression's order. */
RSE__FN size_t rse__altered_at(const unsigned char *s, size_t i, size_t n) {
#define RSE__CONT(b) ((b) >= 0x80 && (b) <= 0xbf)
#define RSE__CONTNB(b) (RSE__CONT(b) && (b) != 0x85 && (b) != 0xa0)
    unsigned char a = s[i];
    if (i + 1 < n && (a == 0xc2 || a == 0xc3 || a == 0xc5 || a == 0xce || a == 0xd0 || a == 0xd9) && s[i + 1] == ' ')
        return 2;
    if (i + 2 < n && (a == 0xe2 || a == 0xe3) && s[i + 1] == ' ' && RSE__CONTNB(s[i + 2])) return 3;
    if (i + 2 < n && a >= 0xe0 && a <= 0xe3 && RSE__CONTNB(s[i + 1]) && s[i + 2] == ' ') return 3;
    if (i + 3 < n && a == 0xf0) {
        const unsigned char *q = s + i + 1;
        if ((q[0] == ' ' && RSE__CONT(q[1]) && RSE__CONT(q[2])) || (RSE__CONT(q[0]) && q[1] == ' ' && RSE__CONT(q[2])) ||
            (RSE__CONT(q[0]) && RSE__CONT(q[1]) && q[2] == ' '))
            return 4;
    }
    return 0;
}

/* ftfy's restore_byte_a0 on b[0..*n) (room for 3 * *n): first "Ã " that
   does not start "Ã  ", "Ã quele", "Ã quela", "Ã quilo" or "Ã s " becomes
   "à " (bytes C3 A0 20: the word 'à'), then every ALTERED_UTF8_RE match
   gets its spaces back as A0. */
RSE__FN void rse__restore_a0(unsigned char *b, size_t *n, unsigned char *tmp) {
    size_t i, o = 0, len = *n;
    for (i = 0; i < len;) {
        if (b[i] == 0xc3 && i + 1 < len && b[i + 1] == ' ') {
            const unsigned char *r = b + i + 2;
            size_t left = len - i - 2;
            int keep = (left >= 1 && r[0] == ' ') || (left >= 2 && r[0] == 's' && r[1] == ' ') ||
                       (left >= 5 && (!memcmp(r, "quele", 5) || !memcmp(r, "quela", 5) || !memcmp(r, "quilo", 5)));
            if (!keep) { tmp[o++] = 0xc3; tmp[o++] = 0xa0; tmp[o++] = ' '; i += 2; continue; }
        }
        tmp[o++] = b[i++];
    }
    len = o;
    for (i = 0, o = 0; i < len;) {
        size_t m = rse__altered_at(tmp, i, len), j;
        if (!m) { b[o++] = tmp[i++]; continue; }
        for (j = 0; j < m; j++) b[o++] = tmp[i + j] == ' ' ? 0xa0 : tmp[i + j];
        i += m;
    }
    *n = o;
}

/* Length of a LOSSY_UTF8_RE match at s[i..n), or 0: a UTF-8 (or CESU-8)
   sequence with continuation bytes lost to 0x1A (a sloppy codec's U+FFFD) or,
   once, to '?'. Alternatives in the expression's order. */
RSE__FN size_t rse__lossy_at(const unsigned char *s, size_t i, size_t n) {
#define RSE__SUBQ(b) ((b) == 0x1a || (b) == '?')
#define RSE__SUBC(b) ((b) == 0x1a || RSE__CONT(b))
#define RSE__ANY(b) ((b) == 0x1a || (b) == '?' || RSE__CONT(b))
    const unsigned char *q = s + i;
    size_t left = n - i;
    unsigned char a = q[0];
    if (left >= 2 && a >= 0xc2 && a <= 0xdf && q[1] == 0x1a) return 2;
    if (left >= 2 && (a == 0xc2 || a == 0xc3) && q[1] == '?') return 2;
    if (left >= 6 && a == 0xed && q[1] >= 0xa0 && q[1] <= 0xaf && q[3] == 0xed && q[4] >= 0xb0 && q[4] <= 0xbf) {
        if (RSE__SUBQ(q[2]) && RSE__ANY(q[5])) return 6;
        if (RSE__ANY(q[2]) && RSE__SUBQ(q[5])) return 6;
    }
    if (left >= 3 && a >= 0xe0 && a <= 0xef) {
        if (RSE__SUBQ(q[1]) && RSE__SUBC(q[2])) return 3;
        if (RSE__SUBC(q[1]) && RSE__SUBQ(q[2])) return 3;
    }
    if (left >= 4 && a >= 0xf0 && a <= 0xf4) {
        if (RSE__SUBQ(q[1]) && RSE__SUBC(q[2]) && RSE__SUBC(q[3])) return 4;
        if (RSE__SUBC(q[1]) && RSE__SUBQ(q[2]) && RSE__SUBC(q[3])) return 4;
        if (RSE__SUBC(q[1]) && RSE__SUBC(q[2]) && RSE__SUBQ(q[3])) return 4;
    }
    return a == 0x1a ? 1 : 0;
#undef RSE__SUBQ
#undef RSE__SUBC
#undef RSE__ANY
#undef RSE__CONT
#undef RSE__CONTNB
}

/* replace_lossy_sequences: each match becomes EF BF BD (U+FFFD). b has room
   for 3 * *n bytes; tmp likewise. */
RSE__FN void rse__replace_lossy(unsigned char *b, size_t *n, unsigned char *tmp) {
    size_t i, o = 0, len = *n;
    for (i = 0; i < len;) {
        size_t m = rse__lossy_at(b, i, len);
        if (!m) { tmp[o++] = b[i++]; continue; }
        tmp[o++] = 0xef; tmp[o++] = 0xbf; tmp[o++] = 0xbd;
        i += m;
    }
    memcpy(b, tmp, o);
    *n = o;
}

/* --- fix_encoding -------------------------------------------------------- */

/* Length of a UTF8_DETECTOR_RE match at s[i..n) (one or more characters
   that look like UTF-8 lead and continuation bytes decoded one by one), or
   0. The lookbehind (no "strict continuation" character before) is the
   caller's. Greedy, each repetition taking the first alternative that fits,
   which is what Python's backtracking gives when nothing follows the '+'. */
RSE__FN size_t rse__utf8_clue_at(const uint32_t *s, size_t i, size_t n) {
    size_t p = i;
    for (;;) {
        int r = p < n ? rse__mb_row(s[p]) : -1, ok = 0;
        size_t need = 0, j;
        if (r < 0) break;
        if (rse__mb_in(s[p], r, RSE__MB_FIRST2)) need = 1;
        for (;;) {   /* try 2-, 3-, 4-character forms in the expression's order */
            if (need && p + need < n) {
                for (j = 1; j <= need; j++)
                    if (!rse__mb_in(s[p + j], rse__mb_row(s[p + j]), RSE__MB_CONT)) break;
                if (j > need) { ok = 1; break; }
            }
            if (need < 2 && rse__mb_in(s[p], r, RSE__MB_FIRST3)) { need = 2; continue; }
            if (need < 3 && rse__mb_in(s[p], r, RSE__MB_FIRST4)) { need = 3; continue; }
            break;
        }
        if (!ok) break;
        p += need + 1;
    }
    return p - i;
}

RSE__FN rse_status rse__fix_encoding(rse__ub *t, int depth);

/* decode_inconsistent_utf8: each detector match that is shorter than the
   whole text and looks bad on its own is fixed on its own (fix_encoding of
   just that piece). */
RSE__FN rse_status rse__decode_inconsistent(const rse__ub *t, rse__ub *out, int depth) {
    size_t i = 0, n = t->n;
    rse_status st;
    while (i < n) {
        size_t m = 0;
        if (i == 0 || !rse__mb_in(t->p[i - 1], rse__mb_row(t->p[i - 1]), RSE__MB_STRICT))
            m = rse__utf8_clue_at(t->p, i, n);
        if (!m) { rse__ub_put(out, t->p[i++]); continue; }
        if (m < n && rse__is_bad(t->p + i, m)) {
            rse__ub piece;
            memset(&piece, 0, sizeof piece);
            rse__ub_add(&piece, t->p + i, m);
            if ((st = rse__fix_encoding(&piece, depth + 1)) != RSE_STATUS_OK) { RSE_FREE(piece.p); return st; }
            if (piece.bad) { RSE_FREE(piece.p); return rse__fail(RSE_STATUS_NOMEM, "tokenizer: out of memory"); }
            rse__ub_add(out, piece.p, piece.n);
            RSE_FREE(piece.p);
        } else {
            rse__ub_add(out, t->p + i, m);
        }
        i += m;
    }
    return out->bad ? rse__fail(RSE_STATUS_NOMEM, "tokenizer: out of memory") : RSE_STATUS_OK;
}

/* One step of ftfy's fix_encoding (_fix_encoding_one_step_and_explain):
   replaces *t by the fixed text, or leaves it. */
RSE__FN rse_status rse__fix_encoding_step(rse__ub *t, int depth) {
    size_t i, n = t->n;
    int e, latin1 = 0, ascii = 1;
    rse__encmaps *maps = 0;
    unsigned char *b = 0;
    rse__ub out;
    rse_status st = RSE_STATUS_OK;
    memset(&out, 0, sizeof out);
    for (i = 0; i < n && ascii; i++) ascii = t->p[i] < 128;
    if (n == 0 || ascii || !rse__is_bad(t->p, n)) return RSE_STATUS_OK;
    maps = (rse__encmaps *)RSE_MALLOC(sizeof *maps);
    /* bytes: 1 per character, x1.5 for restore_byte_a0's "à ", x3 for
       replace_lossy_sequences' EF BF BD; two buffers */
    b = (unsigned char *)RSE_MALLOC(6 * n + 8);
    if (!maps || !b) { st = rse__fail(RSE_STATUS_NOMEM, "tokenizer: out of memory"); goto done; }
    rse__encmaps_init(maps);
    /* Text that was UTF-8 decoded as a single-byte encoding: encode it back
       and decode it as UTF-8, the first encoding where that works wins. */
    for (e = 0; e < RSE__ENC_N; e++) {
        size_t nb = n;
        for (i = 0; i < n; i++) {
            int byte = rse__enc_byte(maps, e, t->p[i]);
            if (byte < 0) break;
            b[i] = (unsigned char)byte;
        }
        if (i < n) continue;                  /* not possible in this encoding */
        if (e == RSE__ENC_LATIN1) latin1 = 1;
        if (e != RSE__ENC_MACROMAN) {
            for (i = 0; i < nb && !rse__altered_at(b, i, nb); i++) {}
            if (i < nb) rse__restore_a0(b, &nb, b + 3 * n + 4);
        }
        if (RSE__ENC_SLOPPY(e)) rse__replace_lossy(b, &nb, b + 3 * n + 4);
        out.n = 0;
        if (rse__utf8v_decode(b, nb, &out)) {
            if (out.bad) { st = rse__fail(RSE_STATUS_NOMEM, "tokenizer: out of memory"); goto done; }
            rse__ub_move(t, &out);
            goto done;
        }
    }
    /* Pieces of UTF-8 mojibake inside other text. */
    for (i = 0; i < n; i++)
        if ((i == 0 || !rse__mb_in(t->p[i - 1], rse__mb_row(t->p[i - 1]), RSE__MB_STRICT)) &&
            rse__utf8_clue_at(t->p, i, n))
            break;
    if (i < n) {
        out.n = 0;
        if ((st = rse__decode_inconsistent(t, &out, depth))) goto done;
        if (!rse__ub_same(&out, t->p, n)) { rse__ub_move(t, &out); goto done; }
    }
    /* Latin-1 with C1 controls: ftfy asks whether "windows-1252" is among
       the possible encodings, a name its list never has (it says
       "sloppy-windows-1252"), so this always tries strict windows-1252,
       which refuses the five bytes it leaves undefined. */
    if (latin1) {
        int changed = 0;
        for (i = 0; i < n; i++) {
            uint32_t c = t->p[i];
            if (c >= 0x80 && c <= 0x9f) {
                if (c == 0x81 || c == 0x8d || c == 0x8f || c == 0x90 || c == 0x9d) break;
                changed = 1;
            }
        }
        if (i == n && changed) {
            for (i = 0; i < n; i++)
                if (t->p[i] >= 0x80 && t->p[i] <= 0x9f) t->p[i] = rse__charmap_at(RSE__ENC_CP1252, (int)t->p[i]);
            goto done;
        }
    }
    /* fix_c1_controls */
    for (i = 0; i < n; i++)
        if (t->p[i] >= 0x80 && t->p[i] <= 0x9f) t->p[i] = rse__charmap_at(RSE__ENC_CP1252, (int)t->p[i]);
done:
    /* a failed append in an attempt that was then dropped (bytes that did
       not decode) still counts: a failed allocation is always reported */
    if (!st && out.bad) st = rse__fail(RSE_STATUS_NOMEM, "tokenizer: out of memory");
    RSE_FREE(out.p);
    RSE_FREE(maps);
    RSE_FREE(b);
    return st;
}

/* ftfy repeats fix_encoding's steps, and all of fix_text's, until the text
   stops changing, without a bound: "&amp;" nested N deep takes N rounds.
   Here at most this many (hostile text could otherwise make the work
   quadratic); real text needs 1-3. */
#define RSE__FTFY_ROUNDS 64

/* fix_encoding: steps until nothing changes (at most RSE__FTFY_ROUNDS). */
RSE__FN rse_status rse__fix_encoding(rse__ub *t, int depth) {
    int it;
    rse__ub prev;
    rse_status st = RSE_STATUS_OK;
    memset(&prev, 0, sizeof prev);
    if (depth > 8) return RSE_STATUS_OK;
    for (it = 0; it < RSE__FTFY_ROUNDS; it++) {
        prev.n = 0;
        rse__ub_add(&prev, t->p, t->n);
        /* t->bad: an append to t failed before (its text is incomplete) */
        if (prev.bad || t->bad) { st = rse__fail(RSE_STATUS_NOMEM, "tokenizer: out of memory"); break; }
        if ((st = rse__fix_encoding_step(t, depth))) break;
        if (rse__ub_same(t, prev.p, prev.n)) break;
    }
    RSE_FREE(prev.p);
    return st;
}

/* --- the simple steps ---------------------------------------------------- */

/* ftfy's unescape_html: HTML_ENTITY_RE "&#?[0-9A-Za-z]{1,24};" replaced by
   (1) its HTML5 value when "name;" is an entity, (2) str.upper() of the
   value of the all-lower-case name when the name is in capitals and ftfy
   lists it ("&NTILDE;" -> "Ñ", "&SZLIG;" -> "SS"), (3) for "&#...;",
   html.unescape of it unless that leaves a ';' (then it stays as is). */
RSE__FN void rse__ft_unescape(const uint32_t *in, size_t n, rse__ub *out) {
    size_t i = 0;
    while (i < n) {
        size_t j, k;
        int num;
        if (in[i] != '&') { rse__ub_put(out, in[i++]); continue; }
        j = i + 1;
        num = j < n && in[j] == '#';
        j += (size_t)num;
        for (k = j; k < n && k - j < 25; k++) {
            uint32_t c = in[k];
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) break;
        }
        if (k == j || k - j > 24 || k >= n || in[k] != ';') { rse__ub_put(out, in[i++]); continue; }
        if (num) {
            uint32_t r[32];
            size_t m = rse__html_unescape(in + i, k + 1 - i, r), q;
            for (q = 0; q < m && r[q] != ';'; q++) {}
            if (q == m) rse__ub_add(out, r, m); else rse__ub_add(out, in + i, k + 1 - i);
        } else {
            long e = rse__html_index(in + j, k - j);
            if (e >= 0) {
                uint32_t v = rse__html5_v(e), second = rse__html5_second(v);
                rse__ub_put(out, v & 0x1fffff);
                if (second) rse__ub_put(out, second);
            } else {
                /* an upper-case form: lower-case the name, and it must have
                   been all lower case with ftfy listing its capitals */
                uint32_t low[24];
                size_t q;
                int upper_ok = 1;
                for (q = j; q < k; q++) {
                    if (in[q] >= 'a' && in[q] <= 'z') upper_ok = 0;
                    low[q - j] = (in[q] >= 'A' && in[q] <= 'Z') ? in[q] + 32 : in[q];
                }
                e = upper_ok ? rse__html_index(low, k - j) : -1;
                if (e >= 0 && (rse__html5_v(e) >> 26 & 1)) {
                    uint32_t v = rse__html5_v(e), two[2];
                    size_t c2;
                    two[0] = v & 0x1fffff;
                    two[1] = rse__html5_second(v);
                    for (c2 = 0; c2 < 2 && two[c2]; c2++) {
                        const uint32_t *u = rse__ent_upper_of(two[c2]);
                        if (!u) rse__ub_put(out, two[c2]);
                        else { size_t z; for (z = 1; z < 4 && u[z]; z++) rse__ub_put(out, u[z]); }
                    }
                } else {
                    rse__ub_add(out, in + i, k + 1 - i);
                }
            }
        }
        i = k + 1;
    }
}

/* The steps after fix_encoding, each over the whole segment, in ftfy's
   order. Reads in[0..n), writes *out. */
RSE__FN void rse__ft_simple(const uint32_t *in, size_t n, rse__ub *out) {
    rse__ub a, b;
    size_t i;
    memset(&a, 0, sizeof a); memset(&b, 0, sizeof b);
    /* fix_c1_controls, fix_latin_ligatures, fix_character_width,
       uncurl_quotes: each maps characters to characters, so one pass that
       feeds each step's output to the next ("ŉ" -> "ʼn" -> "'n") */
    for (i = 0; i < n; i++) {
        uint32_t c = in[i], lig[3];
        const uint32_t *l;
        size_t nl = 1, z;
        if (c >= 0x80 && c <= 0x9f) c = rse__charmap_at(RSE__ENC_CP1252, (int)c);
        lig[0] = c;
        if ((l = rse__ligature_of(c)) != 0)
            for (nl = 0; nl < 3 && l[nl + 1]; nl++) lig[nl] = l[nl + 1];
        for (z = 0; z < nl; z++) {
            c = lig[z];
            if (c == 0xffe3) { rse__ub_put(&a, ' '); rse__ub_put(&a, 0x304); continue; }  /* FULLWIDTH MACRON */
            c = rse__width_map(c);
            if (c == 0x2bc || (c >= 0x2018 && c <= 0x201b)) c = '\'';
            else if (c >= 0x201c && c <= 0x201f) c = '"';
            rse__ub_put(&a, c);
        }
    }
    /* fix_line_breaks: CRLF, CR, U+2028, U+2029, U+0085 -> LF */
    for (i = 0; i < a.n; i++) {
        uint32_t c = a.p[i];
        if (c == '\r' && i + 1 < a.n && a.p[i + 1] == '\n') continue;
        if (c == '\r' || c == 0x2028 || c == 0x2029 || c == 0x85) c = '\n';
        rse__ub_put(&b, c);
    }
    /* fix_surrogates: pairs joined, lone ones U+FFFD (UTF-8 input has none;
       they can only come from a step above, and none makes them) */
    a.n = 0;
    for (i = 0; i < b.n; i++) {
        uint32_t c = b.p[i];
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < b.n && b.p[i + 1] >= 0xdc00 && b.p[i + 1] <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (b.p[i + 1] - 0xdc00);
            i++;
        } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
        rse__ub_put(&a, c);
    }
    /* remove_terminal_escapes: ESC '[' (digits | ';')* letter; Python's \d
       is any decimal digit (Nd), not only 0-9 */
    b.n = 0;
    for (i = 0; i < a.n; i++) {
        if (a.p[i] == 0x1b && i + 1 < a.n && a.p[i + 1] == '[') {
            size_t j = i + 2;
            while (j < a.n && (a.p[j] == ';' || rse__is_nd(a.p[j]))) j++;
            if (j < a.n && a.p[j] < 128 && ((a.p[j] | 32) >= 'a' && (a.p[j] | 32) <= 'z')) { i = j; continue; }
        }
        rse__ub_put(&b, a.p[i]);
    }
    /* remove_control_chars: C0 but \t \n \f \r, DEL, U+206A..U+206F, BOM,
       U+FFF9..U+FFFC */
    for (i = 0; i < b.n; i++) {
        uint32_t c = b.p[i];
        if ((c < 0x20 && c != 9 && c != 10 && c != 12 && c != 13) || c == 0x7f || (c >= 0x206a && c <= 0x206f) ||
            c == 0xfeff || (c >= 0xfff9 && c <= 0xfffc))
            continue;
        rse__ub_put(out, c);
    }
    out->bad |= a.bad | b.bad;
    RSE_FREE(a.p); RSE_FREE(b.p);
}

/* --- NFC ------------------------------------------------------------------ */

/* Canonical decomposition of c, appended (recursively; Hangul by formula). */
RSE__FN void rse__nfd_put(uint32_t c, rse__ub *out, int depth) {
    long k;
    if (c >= 0xac00 && c < 0xac00 + 11172) {
        uint32_t s = c - 0xac00;
        rse__ub_put(out, 0x1100 + s / 588);
        rse__ub_put(out, 0x1161 + (s % 588) / 28);
        if (s % 28) rse__ub_put(out, 0x11a7 + s % 28);
        return;
    }
    uint32_t a, b;
    if (c < 0xc0 || depth > 8 || (k = rse__nfd_find(c)) < 0) { rse__ub_put(out, c); return; }
    rse__nfd_parts(k, &a, &b);
    rse__nfd_put(a, out, depth + 1);
    if (b) rse__nfd_put(b, out, depth + 1);
}

/* unicodedata.normalize('NFC'): decompose, put each run of combining marks
   in canonical order (a stable sort by class), compose. */
RSE__FN void rse__nfc(const uint32_t *in, size_t n, rse__ub *out) {
    rse__ub d;
    size_t i, starter = (size_t)-1;
    int last = 0;
    for (i = 0; i < n && in[i] < 0x300; i++) {}
    if (i == n) { rse__ub_add(out, in, n); return; }   /* nothing below U+0300 changes */
    memset(&d, 0, sizeof d);
    for (i = 0; i < n; i++) rse__nfd_put(in[i], &d, 0);
    if (d.bad) { out->bad = 1; RSE_FREE(d.p); return; }
    /* Canonical order: each run of non-zero classes sorted by class, stably.
       Short runs (all real text) by insertion; a long run (hostile input:
       a million marks would make insertion quadratic) by counting sort. */
    for (i = 0; i < d.n;) {
        size_t s = i, j, k;
        while (i < d.n && rse__ccc(d.p[i])) i++;
        if (i - s > 32) {
            size_t count[257];
            uint32_t *tmp = (uint32_t *)RSE_MALLOC((i - s) * sizeof *tmp);
            if (!tmp) { out->bad = 1; RSE_FREE(d.p); return; }
            memset(count, 0, sizeof count);
            for (j = s; j < i; j++) count[rse__ccc(d.p[j]) + 1]++;
            for (k = 1; k < 257; k++) count[k] += count[k - 1];
            for (j = s; j < i; j++) tmp[count[rse__ccc(d.p[j])]++] = d.p[j];
            memcpy(d.p + s, tmp, (i - s) * sizeof *tmp);
            RSE_FREE(tmp);
        } else {
            for (j = s + 1; j < i; j++) {
                uint32_t x = d.p[j];
                int c = rse__ccc(x);
                for (k = j; k > s && rse__ccc(d.p[k - 1]) > c; k--) d.p[k] = d.p[k - 1];
                d.p[k] = x;
            }
        }
        if (i == s) i++;
    }
    /* compose: a character joins the last starter unless something between
       them blocks it (class 0, or a class >= its own) */
    for (i = 0; i < d.n; i++) {
        uint32_t c = d.p[i], comp = 0;
        int cc = rse__ccc(c);
        if (starter != (size_t)-1) {
            int between = out->n - 1 > starter;
            if (!(between && (last == 0 || last >= cc))) {
                uint32_t s = out->p[starter];
                if (s >= 0x1100 && s < 0x1113 && c >= 0x1161 && c < 0x1176)
                    comp = 0xac00 + ((s - 0x1100) * 21 + (c - 0x1161)) * 28;
                else if (s >= 0xac00 && s < 0xac00 + 11172 && (s - 0xac00) % 28 == 0 && c > 0x11a7 && c < 0x11c3)
                    comp = s + (c - 0x11a7);
                else
                    comp = rse__nfc_pair(s, c);
            }
        }
        if (comp) { out->p[starter] = comp; continue; }
        if (cc == 0) starter = out->n;
        rse__ub_put(out, c);
        if (out->bad) break;
        last = cc;
    }
    RSE_FREE(d.p);
}

/* --- fix_text -------------------------------------------------------------- */

/* ftfy.fix_text(in[0..n)) into *out. */
RSE__FN rse_status rse__fix_text(const uint32_t *in, size_t n, rse__ub *out) {
    size_t pos = 0;
    int unescape = 1;   /* "auto": until a segment holds '<' */
    rse__ub t, u;
    rse_status st = RSE_STATUS_OK;
    memset(&t, 0, sizeof t); memset(&u, 0, sizeof u);
    while (pos < n && !st) {
        size_t end = pos, i;
        int it;
        while (end < n && in[end] != '\n' && end - pos < 1000000) end++;
        if (end < n && in[end] == '\n' && end - pos < 1000000) end++;
        for (i = pos; i < end && unescape; i++) if (in[i] == '<') unescape = 0;
        t.n = 0;
        rse__ub_add(&t, in + pos, end - pos);
        /* fix_and_explain: all steps until the text stops changing (at
           most RSE__FTFY_ROUNDS times) */
        for (it = 0; it < RSE__FTFY_ROUNDS && !t.bad; it++) {
            size_t n0 = t.n;
            uint32_t *orig = (uint32_t *)RSE_MALLOC((n0 + 1) * sizeof *orig);
            int same;
            if (!orig) { t.bad = 1; break; }
            if (n0) memcpy(orig, t.p, n0 * sizeof *orig);   /* t.p is NULL when empty */
            if (unescape) { u.n = 0; rse__ft_unescape(t.p, t.n, &u); rse__ub_move(&t, &u); }
            if ((st = rse__fix_encoding(&t, 0)) != RSE_STATUS_OK) { RSE_FREE(orig); break; }
            u.n = 0; rse__ft_simple(t.p, t.n, &u); rse__ub_move(&t, &u);
            u.n = 0; rse__nfc(t.p, t.n, &u); rse__ub_move(&t, &u);
            same = rse__ub_same(&t, orig, n0);
            RSE_FREE(orig);
            if (same) break;
        }
        rse__ub_add(out, t.p, t.n);
        pos = end;
    }
    if (!st && (t.bad || out->bad)) st = rse__fail(RSE_STATUS_NOMEM, "tokenizer: out of memory");
    RSE_FREE(t.p); RSE_FREE(u.p);
    return st;
}

/* ---------------------------------------------------------------------------
   The vocabulary: bytes_to_unicode, merges, ids
   ------------------------------------------------------------------------- */

typedef struct rse__bpe {
    rse__arena arena;
    const char **tok;      /* id -> symbol string (UTF-8, NUL-terminated) */
    uint32_t *toklen;
    uint32_t ntok;
    uint32_t *vslot;       /* hash: symbol -> id + 1 */
    const char **ma, **mb; /* merge rank -> its two parts */
    uint32_t *malen, *mblen;
    uint32_t *mslot;       /* hash: (a, b) -> rank + 1 */
    size_t mask;           /* both hashes have mask + 1 slots */
    char bsym[256][3];     /* byte -> UTF-8 of its symbol (1 or 2 bytes) */
    uint8_t bsymlen[256];
} rse__bpe;

/* bytes_to_unicode: the printable bytes 33..126, 161..172, 174..255 stand for
   themselves; the other 68, in increasing order, become U+0100.. U+0143 (so
   space is U+0120 'Ġ'). bs[i] lists the bytes in vocabulary order. */
RSE__FN void rse__bpe_bytes(int bs[256], uint32_t cs[256]) {
    int b, n = 0, k = 0;
    for (b = 0; b < 256; b++)
        if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255)) { bs[k] = b; cs[k++] = (uint32_t)b; }
    for (b = 0; b < 256; b++)
        if (!((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255))) { bs[k] = b; cs[k++] = 256u + (uint32_t)n++; }
}

/* A code point that is some byte's symbol. */
RSE__FN int rse__bpe_is_sym(uint32_t c) {
    return (c >= 33 && c <= 126) || (c >= 161 && c <= 172) || (c >= 174 && c <= 255) || (c >= 256 && c < 256 + 68);
}

RSE__FN uint32_t rse__bpe_hash2(const char *a, size_t al, const char *b, size_t bl) {
    return rse__fnv1a(b, bl, rse__fnv1a(" ", 1, rse__fnv1a(a, al, RSE__FNV_INIT)));
}

/* The id of symbol s[0..n), or -1. */
RSE__FN int32_t rse__bpe_id(const rse__bpe *t, const char *s, size_t n) {
    size_t h = rse__fnv1a(s, n, RSE__FNV_INIT) & t->mask;
    while (t->vslot[h]) {
        uint32_t id = t->vslot[h] - 1;
        if (t->toklen[id] == n && memcmp(t->tok[id], s, n) == 0) return (int32_t)id;
        h = (h + 1) & t->mask;
    }
    return -1;
}

/* The rank of merging a[0..al) with b[0..bl), or UINT32_MAX. */
RSE__FN uint32_t rse__bpe_rank(const rse__bpe *t, const char *a, size_t al, const char *b, size_t bl) {
    size_t h = rse__bpe_hash2(a, al, b, bl) & t->mask;
    while (t->mslot[h]) {
        uint32_t r = t->mslot[h] - 1;
        if (t->malen[r] == al && t->mblen[r] == bl && !memcmp(t->ma[r], a, al) && !memcmp(t->mb[r], b, bl)) return r;
        h = (h + 1) & t->mask;
    }
    return UINT32_MAX;
}

RSE__FN rse_status rse__bpe_add_tok(rse__bpe *t, const char *s, size_t n) {
    size_t h = rse__fnv1a(s, n, RSE__FNV_INIT) & t->mask;
    char nm[80];
    while (t->vslot[h]) {
        uint32_t id = t->vslot[h] - 1;
        if (t->toklen[id] == n && memcmp(t->tok[id], s, n) == 0) {
            rse__ff_printable(nm, sizeof nm, s, n);
            return rse__fail(RSE_STATUS_BAD_FORMAT, "vocab: symbol '%s' defined twice (ids %u and %u)", nm,
                             (unsigned)id, (unsigned)t->ntok);
        }
        h = (h + 1) & t->mask;
    }
    t->tok[t->ntok] = s;
    t->toklen[t->ntok] = (uint32_t)n;
    t->vslot[h] = ++t->ntok;
    return RSE_STATUS_OK;
}

RSE__FN void rse__bpe_free(rse__bpe *t) {
    rse__arena_free(&t->arena);
    memset(t, 0, sizeof *t);
}

/* Checks that s[0..n) is a non-empty run of byte symbols. */
RSE__FN int rse__bpe_valid_part(const char *s, size_t n) {
    size_t i = 0;
    if (n == 0) return 0;
    while (i < n) {
        uint32_t c;
        int k = rse__utf8_get((const unsigned char *)s + i, n - i, &c);
        if (!k || !rse__bpe_is_sym(c)) return 0;
        i += (size_t)k;
    }
    return 1;
}

/* Parses a merges file into t. nmerges is the number of merge lines used:
   RSE__BPE_NMERGES for CLIP (every caller but the fuzz target, which
   completes a fuzzed head with a short valid tail and passes its own count
   instead of paying for 48894 lines per input). Ids: 0..511 the byte
   symbols, 512 + rank the merges, then <start_of_text> and <end_of_text>
   (49406 and 49407 with the full count; the tokenizer emits those
   constants, so a smaller count only leaves the ids above 512 + nmerges
   unused). */
RSE__FN rse_status rse__bpe_parse(rse__bpe *t, const char *txt, size_t len, uint32_t nmerges) {
    int bs[256];
    uint32_t cs[256], r;
    size_t i, pos, cap, ntok;
    const char *line;
    char *copy;
    rse_status st;
    RSE_ASSERT(nmerges >= 1 && nmerges <= RSE__BPE_NMERGES);
    /* Python decodes the whole file as UTF-8 first; so do we. */
    for (i = 0; i < len;) {
        uint32_t c;
        int k = rse__utf8_get((const unsigned char *)txt + i, len - i, &c);
        if (!k) return rse__fail(RSE_STATUS_BAD_FORMAT, "vocab: invalid UTF-8 at byte %zu", i);
        i += (size_t)k;
    }
    /* Line 0 is a version header; lines 1..48894 are the merges used. */
    for (pos = 0; pos < len && txt[pos] != '\n'; pos++) {}
    if (pos >= len) return rse__fail(RSE_STATUS_BAD_FORMAT, "vocab: no merge lines");
    pos++;
    {   /* Copy exactly the lines used, so the tables can point into them. */
        size_t end = pos, nl = 0;
        while (end < len && nl < nmerges) {
            const char *q = (const char *)memchr(txt + end, '\n', len - end);
            end = q ? (size_t)(q - txt) + 1 : len;
            nl++;
        }
        if (nl < nmerges)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "vocab: %zu merge lines, need %u", nl, (unsigned)nmerges);
        copy = rse__arena_strdup(&t->arena, txt + pos, end - pos);
        if (!copy) return RSE_STATUS_NOMEM;
        line = copy;
    }
    ntok = 512 + (size_t)nmerges + 2;
    cap = 1;
    while (cap < 2 * ntok) cap *= 2;
    t->mask = cap - 1;
    t->tok = (const char **)rse__arena_calloc(&t->arena, ntok, sizeof *t->tok);
    t->toklen = (uint32_t *)rse__arena_calloc(&t->arena, ntok, sizeof *t->toklen);
    t->vslot = (uint32_t *)rse__arena_calloc(&t->arena, cap, sizeof *t->vslot);
    t->mslot = (uint32_t *)rse__arena_calloc(&t->arena, cap, sizeof *t->mslot);
    t->ma = (const char **)rse__arena_calloc(&t->arena, nmerges, sizeof *t->ma);
    t->mb = (const char **)rse__arena_calloc(&t->arena, nmerges, sizeof *t->mb);
    t->malen = (uint32_t *)rse__arena_calloc(&t->arena, nmerges, sizeof *t->malen);
    t->mblen = (uint32_t *)rse__arena_calloc(&t->arena, nmerges, sizeof *t->mblen);
    if (!t->tok || !t->toklen || !t->vslot || !t->mslot || !t->ma || !t->mb || !t->malen || !t->mblen)
        return RSE_STATUS_NOMEM;
    /* ids 0..255: byte symbols; 256..511: the same + "</w>". */
    rse__bpe_bytes(bs, cs);
    for (i = 0; i < 256; i++) {
        unsigned char u[4];
        int k = rse__utf8_put(u, cs[i]);
        memcpy(t->bsym[bs[i]], u, (size_t)k);
        t->bsymlen[bs[i]] = (uint8_t)k;
    }
    for (r = 0; r < 2; r++)
        for (i = 0; i < 256; i++) {
            int b = bs[i];
            char tmp[8], *s;
            size_t n = t->bsymlen[b];
            memcpy(tmp, t->bsym[b], n);
            if (r) { memcpy(tmp + n, "</w>", 4); n += 4; }
            if (!(s = rse__arena_strdup(&t->arena, tmp, n))) return RSE_STATUS_NOMEM;
            if ((st = rse__bpe_add_tok(t, s, n))) return st;
        }
    /* Merges: "a b", exactly one space, both parts made of byte symbols.
       Rank = line index - 1; the merged string a+b gets id 512 + rank. */
    for (r = 0; r < nmerges; r++) {
        const char *eol = strchr(line, '\n'), *sp;
        size_t n = eol ? (size_t)(eol - line) : strlen(line), al, bl, h;
        char *m;
        if (n > RSE__BPE_MAX_LINE)
            return rse__fail(RSE_STATUS_LIMIT, "vocab: line %u longer than %d bytes", (unsigned)r + 2, RSE__BPE_MAX_LINE);
        sp = (const char *)memchr(line, ' ', n);
        if (!sp || memchr(sp + 1, ' ', n - (size_t)(sp + 1 - line)))
            return rse__fail(RSE_STATUS_BAD_FORMAT, "vocab: line %u is not two symbols separated by one space", (unsigned)r + 2);
        al = (size_t)(sp - line);
        bl = n - al - 1;
        if (!rse__bpe_valid_part(line, al) || !rse__bpe_valid_part(sp + 1, bl))
            return rse__fail(RSE_STATUS_BAD_FORMAT, "vocab: line %u has a part that is not byte symbols", (unsigned)r + 2);
        t->ma[r] = line; t->malen[r] = (uint32_t)al;
        t->mb[r] = sp + 1; t->mblen[r] = (uint32_t)bl;
        if (rse__bpe_rank(t, line, al, sp + 1, bl) != UINT32_MAX)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "vocab: line %u repeats an earlier merge", (unsigned)r + 2);
        h = rse__bpe_hash2(line, al, sp + 1, bl) & t->mask;
        while (t->mslot[h]) h = (h + 1) & t->mask;
        t->mslot[h] = r + 1;
        if (!(m = (char *)rse__arena_alloc(&t->arena, al + bl + 1))) return RSE_STATUS_NOMEM;
        memcpy(m, line, al); memcpy(m + al, sp + 1, bl); m[al + bl] = 0;
        if ((st = rse__bpe_add_tok(t, m, al + bl))) return st;
        line += n + (eol ? 1 : 0);
    }
    if ((st = rse__bpe_add_tok(t, "<start_of_text>", 15)) || (st = rse__bpe_add_tok(t, "<end_of_text>", 13))) return st;
    /* with the full count 256 + 256 + 48894 + 2 = RSE_CLIP_VOCAB, the
       embedding table of every CLIP model */
    RSE_ASSERT(t->ntok == ntok);
    return RSE_STATUS_OK;
}

/* Loads bpe_simple_vocab_16e6.txt, gzipped (detected by its magic) or
   plain, from memory. The input is copied; buf may be freed afterwards. */
RSE__FN rse_status rse__bpe_load_mem(rse__bpe *t, const void *buf, size_t len) {
    const unsigned char *p = (const unsigned char *)buf;
    unsigned char *plain = 0;
    size_t plain_len = 0;
    rse_status st;
    memset(t, 0, sizeof *t);
    rse__arena_init(&t->arena, 0, (size_t)2 << 20);
    if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
        if ((st = rse__gunzip(p, len, &plain, &plain_len, RSE__BPE_MAX_FILE))) goto fail;
        p = plain; len = plain_len;
    } else if (len > RSE__BPE_MAX_FILE) {
        st = rse__fail(RSE_STATUS_LIMIT, "vocab: %zu bytes (limit %zu)", len, RSE__BPE_MAX_FILE);
        goto fail;
    }
    st = rse__bpe_parse(t, (const char *)p, len, RSE__BPE_NMERGES);
    RSE_FREE(plain);
    if (st) goto fail;
    return RSE_STATUS_OK;
fail:
    rse__fail_prefix(st, "vocab");
    rse__bpe_free(t);
    return st;
}

/* ---------------------------------------------------------------------------
   BPE of one pre-token
   Python's loop finds the lowest-ranked adjacent pair, merges all its
   non-overlapping occurrences left to right, and repeats: quadratic in the
   word length. Here the candidate pairs sit in a min-heap keyed by (rank,
   position); each round pops every entry of the lowest rank, merges those
   still valid in left-to-right order, and only then pushes the pairs the
   merges created, which gives exactly Python's result in O(n log n).
   A heap entry is valid while its left symbol and right neighbour still
   have the lengths they had when it was pushed (symbols only grow).
   ------------------------------------------------------------------------- */

typedef struct { uint32_t rank, left, llen, rlen; } rse__bpe_pair;

typedef struct rse__bpe_work {
    uint32_t *start, *len;   /* per symbol: byte range in the word */
    int32_t *next, *prev;    /* linked list of live symbols */
    rse__bpe_pair *heap;
    uint32_t *merged;
    size_t cap;              /* symbols allocated for */
} rse__bpe_work;

RSE__FN int rse__bpe_less(const rse__bpe_pair *a, const rse__bpe_pair *b) {
    return a->rank < b->rank || (a->rank == b->rank && a->left < b->left);
}

RSE__FN void rse__bpe_push(rse__bpe_pair *h, size_t *n, rse__bpe_pair e) {
    size_t i = (*n)++;
    while (i > 0 && rse__bpe_less(&e, &h[(i - 1) / 2])) { h[i] = h[(i - 1) / 2]; i = (i - 1) / 2; }
    h[i] = e;
}

RSE__FN rse__bpe_pair rse__bpe_pop(rse__bpe_pair *h, size_t *n) {
    rse__bpe_pair top = h[0], e = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n) break;
        if (c + 1 < *n && rse__bpe_less(&h[c + 1], &h[c])) c++;
        if (!rse__bpe_less(&h[c], &e)) break;
        h[i] = h[c];
        i = c;
    }
    if (*n) h[i] = e;
    return top;
}

/* Pushes the pair starting at symbol l if it has a rank. */
RSE__FN void rse__bpe_try(const rse__bpe *t, const char *w, rse__bpe_work *k, size_t *nh, int32_t l) {
    int32_t r;
    rse__bpe_pair e;
    if (l < 0 || (r = k->next[l]) < 0) return;
    e.rank = rse__bpe_rank(t, w + k->start[l], k->len[l], w + k->start[r], k->len[r]);
    if (e.rank == UINT32_MAX) return;
    e.left = (uint32_t)l; e.llen = k->len[l]; e.rlen = k->len[r];
    rse__bpe_push(k->heap, nh, e);
}

RSE__FN rse_status rse__bpe_reserve(rse__bpe_work *k, size_t n) {
    void *p[7];
    size_t i;
    if (n <= k->cap) return RSE_STATUS_OK;
    n = n < 256 ? 256 : n;
    p[0] = RSE_REALLOC(k->start, n * 4); if (p[0]) k->start = (uint32_t *)p[0];
    p[1] = RSE_REALLOC(k->len, n * 4); if (p[1]) k->len = (uint32_t *)p[1];
    p[2] = RSE_REALLOC(k->next, n * 4); if (p[2]) k->next = (int32_t *)p[2];
    p[3] = RSE_REALLOC(k->prev, n * 4); if (p[3]) k->prev = (int32_t *)p[3];
    /* At most n-1 initial pairs plus 2 per merge (n-1 merges). */
    p[4] = RSE_REALLOC(k->heap, 3 * n * sizeof *k->heap); if (p[4]) k->heap = (rse__bpe_pair *)p[4];
    p[5] = RSE_REALLOC(k->merged, n * 4); if (p[5]) k->merged = (uint32_t *)p[5];
    for (i = 0; i < 6; i++) if (!p[i]) return rse__fail(RSE_STATUS_NOMEM, "tokenizer: out of memory");
    k->cap = n;
    return RSE_STATUS_OK;
}

/* BPE of the symbol string w[0..wn) whose last 4 bytes are "</w>"; appends
   ids to ids[*n..max). */
RSE__FN rse_status rse__bpe_word(const rse__bpe *t, const char *w, size_t wn, rse__bpe_work *k,
                                int32_t *ids, int *n, int max) {
    size_t nsym = 0, i, nh = 0;
    int32_t s;
    rse_status st;
    if ((st = rse__bpe_reserve(k, wn))) return st;
    /* One symbol per character; "</w>" joins the last one. */
    for (i = 0; i < wn - 4;) {
        uint32_t c;
        int len = rse__utf8_get((const unsigned char *)w + i, wn - 4 - i, &c);
        k->start[nsym] = (uint32_t)i; k->len[nsym] = (uint32_t)len;
        k->prev[nsym] = (int32_t)nsym - 1; k->next[nsym] = (int32_t)nsym + 1;
        nsym++;
        i += (size_t)len;
    }
    k->len[nsym - 1] += 4;
    k->next[nsym - 1] = -1;
    for (i = 0; i + 1 < nsym; i++) rse__bpe_try(t, w, k, &nh, (int32_t)i);
    while (nh) {
        uint32_t rank = k->heap[0].rank;
        size_t nm = 0;
        while (nh && k->heap[0].rank == rank) {
            rse__bpe_pair e = rse__bpe_pop(k->heap, &nh);
            int32_t l = (int32_t)e.left, r;
            if (k->len[l] != e.llen || k->prev[l] == -2) continue;  /* prev -2: dead */
            r = k->next[l];
            if (r < 0 || k->len[r] != e.rlen) continue;
            k->len[l] += k->len[r];
            k->next[l] = k->next[r];
            if (k->next[r] >= 0) k->prev[k->next[r]] = l;
            k->prev[r] = -2;
            k->merged[nm++] = (uint32_t)l;
        }
        for (i = 0; i < nm; i++) {
            int32_t l = (int32_t)k->merged[i];
            if (k->prev[l] == -2) continue;
            rse__bpe_try(t, w, k, &nh, k->prev[l]);
            rse__bpe_try(t, w, k, &nh, l);
        }
    }
    for (s = 0; s >= 0 && *n < max; s = k->next[s]) {
        int32_t id = rse__bpe_id(t, w + k->start[s], k->len[s]);
        if (id < 0) return rse__fail(RSE_STATUS_INTERNAL, "tokenizer: BPE symbol missing from the vocabulary");
        ids[(*n)++] = id;
    }
    return RSE_STATUS_OK;
}

/* ---------------------------------------------------------------------------
   Tokenizing a text
   ------------------------------------------------------------------------- */

/* Matches a special token at s[0..n); 's' also matches U+017F (IGNORECASE). */
RSE__FN int rse__tok_special(const uint32_t *s, size_t n, const char *lit) {
    size_t i, m = strlen(lit);
    if (n < m) return 0;
    for (i = 0; i < m; i++)
        if (s[i] != (unsigned char)lit[i] && !(lit[i] == 's' && s[i] == 0x17f)) return 0;
    return (int)m;
}

RSE__FN int rse__tok_is(const uint32_t *s, size_t n, const char *lit) {
    size_t i;
    if (n != strlen(lit)) return 0;
    for (i = 0; i < n; i++) if (s[i] != (unsigned char)lit[i]) return 0;
    return 1;
}

/* Length of the pre-token at s[0..n) (regex alternatives in order), or 0
   for a whitespace character, which no alternative matches. */
RSE__FN size_t rse__tok_piece(const uint32_t *s, size_t n) {
    size_t j;
    int m;
    if (s[0] == '<' && ((m = rse__tok_special(s, n, "<start_of_text>")) || (m = rse__tok_special(s, n, "<end_of_text>"))))
        return (size_t)m;
    if (s[0] == '\'' && n >= 2) {
        uint32_t c = s[1];
        if (c == 's' || c == 0x17f || c == 't' || c == 'm' || c == 'd') return 2;
        if (n >= 3 && ((c == 'r' && s[2] == 'e') || (c == 'v' && s[2] == 'e') || (c == 'l' && s[2] == 'l'))) return 3;
    }
    if (rse__uc_props(s[0]) & RSE__UC_L) {
        for (j = 1; j < n && (rse__uc_props(s[j]) & RSE__UC_L); j++) {}
        return j;
    }
    if (rse__uc_props(s[0]) & RSE__UC_N) return 1;
    /* U+0345 (combining ypogegrammeni) is no letter, but IGNORECASE makes it
       equal to its case fold, iota, so the negated class [^\s\p{L}\p{N}]
       refuses it too: no alternative matches it and, like whitespace, it is
       dropped. (Measured over all of Unicode: the only such character.) */
    if (rse__uc_ws(s[0]) || s[0] == 0x345) return 0;
    for (j = 1; j < n && !rse__uc_ws(s[j]) && s[j] != 0x345 && !(rse__uc_props(s[j]) & (RSE__UC_L | RSE__UC_N)); j++) {}
    return j;
}

/* Tokenizes UTF-8 text[0..len) into ids[0..77): 49406, the tokens, 49407,
   zeros. *n_out (may be NULL) = tokens before the padding (the end-of-text
   position + 1). *cut (may be NULL) = 1 when the text needed more than the
   75 tokens between start and end, so open_clip's cut dropped some (the
   guidance refuses such prompts rather than silently editing towards half
   of one). Thread-safe: t is only read. */
RSE__FN rse_status rse__bpe_encode_cut(const rse__bpe *t, const char *text, size_t len, int32_t ids[RSE_CLIP_CTX],
                                       int *n_out, int *cut) {
    uint32_t *a = 0, *b = 0;
    char *w = 0;
    rse__bpe_work k;
    size_t n = 0, i, nb, rb;
    int nid = 1;
    rse_status st = RSE_STATUS_OK;
    memset(&k, 0, sizeof k);
    memset(ids, 0, RSE_CLIP_CTX * sizeof *ids);
    ids[0] = RSE_CLIP_SOT;
    if (!t->ntok) return rse__fail(RSE_STATUS_BAD_ARG, "tokenizer: no vocabulary loaded");
    if (len > RSE__CLIP_MAX_TEXT)
        return rse__fail(RSE_STATUS_LIMIT, "tokenizer: text of %zu bytes (limit %zu)", len, RSE__CLIP_MAX_TEXT);
    /* Code points: a[] holds len, b[] 2*len (lower-casing may double). */
    a = (uint32_t *)RSE_MALLOC((len + 1) * sizeof *a);
    b = (uint32_t *)RSE_MALLOC((2 * len + 1) * sizeof *b);
    w = (char *)RSE_MALLOC(RSE__BPE_MAX_WORD * 2 + 8);
    if (!a || !b || !w) { st = rse__fail(RSE_STATUS_NOMEM, "tokenizer: out of memory"); goto done; }
    for (i = 0; i < len;) {
        int kk = rse__utf8_get((const unsigned char *)text + i, len - i, &a[n]);
        if (!kk) { st = rse__fail(RSE_STATUS_BAD_ARG, "tokenizer: text is not valid UTF-8 (byte %zu)", i); goto done; }
        i += (size_t)kk;
        n++;
    }
    /* basic_clean: ftfy.fix_text, then html.unescape twice; then
       whitespace_clean. ftfy may lengthen the text (ligatures, NFC of
       characters that do not recompose), so a and b are sized anew. */
    {
        rse__ub f;
        memset(&f, 0, sizeof f);
        if ((st = rse__fix_text(a, n, &f)) != RSE_STATUS_OK) { RSE_FREE(f.p); goto done; }
        RSE_FREE(a); RSE_FREE(b);
        a = f.p;
        n = f.n;
        b = (uint32_t *)RSE_MALLOC((2 * n + 1) * sizeof *b);
        if (!a || !b) {   /* a == 0: empty text, nothing allocated */
            if (!a) a = (uint32_t *)RSE_MALLOC(sizeof *a);
            if (!a || !b) { st = rse__fail(RSE_STATUS_NOMEM, "tokenizer: out of memory"); goto done; }
        }
    }
    n = rse__html_unescape(a, n, b);
    n = rse__html_unescape(b, n, a);
    {
        size_t o = 0, s = 0, e;
        for (i = 0; i < n; i++) {
            if (!rse__uc_ws(a[i])) b[o++] = a[i];
            else if (i == 0 || !rse__uc_ws(a[i - 1])) b[o++] = ' '; /* one space per run */
        }
        /* strip() removes str.isspace characters at both ends */
        e = o;
        while (s < e && rse__uc_isspace(b[s])) s++;
        while (e > s && rse__uc_isspace(b[e - 1])) e--;
        memmove(a, b + s, (e - s) * sizeof *a);
        n = e - s;
    }
    n = rse__lower(a, n, b);
    /* Pre-tokens, each through BPE, until 76 ids are known: with the start
       token that fills the context, and more could not change the result
       (Python computes all of them, then truncates). */
    for (i = 0; i < n && nid < RSE_CLIP_CTX;) {
        size_t m = rse__tok_piece(b + i, n - i), j;
        if (m == 0) { i++; continue; }
        /* The special tokens are in the BPE cache as themselves (exactly:
           a long-s variant went through the regex but not the cache). */
        if (rse__tok_is(b + i, m, "<start_of_text>")) { ids[nid++] = RSE_CLIP_SOT; i += m; continue; }
        if (rse__tok_is(b + i, m, "<end_of_text>")) { ids[nid++] = RSE_CLIP_EOT; i += m; continue; }
        /* UTF-8, then each byte as its symbol, then "</w>". */
        nb = 0;
        for (j = 0, rb = 0; j < m; j++) {
            unsigned char u[4];
            int q, ul = rse__utf8_put(u, b[i + j]);
            /* Symbols take at most 2 bytes per UTF-8 byte: w holds a word of
               RSE__BPE_MAX_WORD bytes. */
            if ((rb += (size_t)ul) > RSE__BPE_MAX_WORD) {
                st = rse__fail(RSE_STATUS_LIMIT, "tokenizer: a word longer than %zu bytes", RSE__BPE_MAX_WORD);
                goto done;
            }
            for (q = 0; q < ul; q++) { memcpy(w + nb, t->bsym[u[q]], t->bsymlen[u[q]]); nb += t->bsymlen[u[q]]; }
        }
        memcpy(w + nb, "</w>", 4);
        nb += 4;
        if ((st = rse__bpe_word(t, w, nb, &k, ids, &nid, RSE_CLIP_CTX))) goto done;
        i += m;
    }
    /* Close: end-of-text after the tokens, or over the 77th when cut (a
       77th id exists only if the text had 76 or more tokens). */
    if (cut) *cut = nid == RSE_CLIP_CTX;
    if (nid < RSE_CLIP_CTX) ids[nid++] = RSE_CLIP_EOT;
    else ids[RSE_CLIP_CTX - 1] = RSE_CLIP_EOT;
    if (n_out) *n_out = nid;
done:
    RSE_FREE(a); RSE_FREE(b); RSE_FREE(w);
    RSE_FREE(k.start); RSE_FREE(k.len); RSE_FREE(k.next); RSE_FREE(k.prev); RSE_FREE(k.heap); RSE_FREE(k.merged);
    if (st) memset(ids, 0, RSE_CLIP_CTX * sizeof *ids);
    return st;
}

RSE__FN rse_status rse__bpe_encode(const rse__bpe *t, const char *text, size_t len, int32_t ids[RSE_CLIP_CTX], int *n_out) {
    return rse__bpe_encode_cut(t, text, len, ids, n_out, 0);
}

/* ---------------------------------------------------------------------------
   Generated tables and their lookups
   ------------------------------------------------------------------------- */

/* BEGIN GENERATED TABLES (tools/gen_unicode_tables.py) */
/* \p{L} \p{N}: regex 2.5.123 (Unicode 15.0); the rest: Python 3.11.2 unicodedata (Unicode 14.0.0).
   See the tool for the meaning. */
static const uint32_t rse__uc_prop[2166] = {
    0x0000000, 0x0000274, 0x0000280, 0x00002e4, 0x00002f0, 0x0000302, 0x00003a4, 0x00003b0,
    0x0000419, 0x00005b0, 0x00005e4, 0x00005f0, 0x0000604, 0x0000619, 0x00007b0, 0x0000a84,
    0x0000a90, 0x0000aa9, 0x0000ab0, 0x0000ad4, 0x0000ae0, 0x0000af4, 0x0000b00, 0x0000b22,
    0x0000b44, 0x0000b59, 0x0000b60, 0x0000b74, 0x0000b92, 0x0000ba9, 0x0000bb0, 0x0000bc2,
    0x0000bf0, 0x0000c09, 0x0000d70, 0x0000d89, 0x0000f70, 0x0000f89, 0x0001bb1, 0x0001bc9,
    0x0001c01, 0x0001c49, 0x0002941, 0x0002959, 0x0002b05, 0x0002c24, 0x0002c65, 0x0002d24,
    0x0002e05, 0x0002e54, 0x0002ec5, 0x0002ed4, 0x0002ee5, 0x0002ef4, 0x0003709, 0x0003745,
    0x0003754, 0x0003769, 0x0003780, 0x00037a5, 0x00037b9, 0x00037e0, 0x00037f9, 0x0003800,
    0x0003844, 0x0003869, 0x0003874, 0x0003889, 0x00038b0, 0x00038c9, 0x00038d0, 0x00038e9,
    0x0003a20, 0x0003a39, 0x0003f60, 0x0003f79, 0x0004820, 0x0004834, 0x00048a9, 0x0005300,
    0x0005319, 0x0005570, 0x0005595, 0x00055a0, 0x00055f4, 0x0005609, 0x0005890, 0x0005914,
    0x0005be0, 0x0005bf4, 0x0005c00, 0x0005c14, 0x0005c30, 0x0005c44, 0x0005c60, 0x0005c74,
    0x0005c80, 0x0005d01, 0x0005eb0, 0x0005ef1, 0x0005f30, 0x0005f44, 0x0005f50, 0x0006004,
    0x0006060, 0x0006104, 0x00061b0, 0x00061c4, 0x00061d0, 0x0006201, 0x0006405, 0x0006411,
    0x00064b4, 0x0006602, 0x00066a0, 0x00066e1, 0x0006704, 0x0006711, 0x0006d40, 0x0006d51,
    0x0006d64, 0x0006de0, 0x0006df4, 0x0006e55, 0x0006e74, 0x0006e90, 0x0006ea4, 0x0006ee1,
    0x0006f02, 0x0006fa1, 0x0006fd0, 0x0006ff1, 0x0007000, 0x00070f4, 0x0007101, 0x0007114,
    0x0007121, 0x0007304, 0x00074b0, 0x00074d1, 0x0007a64, 0x0007b11, 0x0007b20, 0x0007c02,
    0x0007ca1, 0x0007eb4, 0x0007f45, 0x0007f60, 0x0007fa5, 0x0007fb0, 0x0007fd4, 0x0007fe0,
    0x0008001, 0x0008164, 0x00081a5, 0x00081b4, 0x0008245, 0x0008254, 0x0008285, 0x0008294,
    0x00082e0, 0x0008401, 0x0008594, 0x00085c0, 0x0008601, 0x00086b0, 0x0008701, 0x0008884,
    0x0008891, 0x00088f0, 0x0008904, 0x0008920, 0x0008984, 0x0008a01, 0x0008c95, 0x0008ca4,
    0x0009030, 0x0009041, 0x00093a4, 0x00093b0, 0x00093c4, 0x00093d1, 0x00093e0, 0x0009414,
    0x0009490, 0x00094d4, 0x00094e0, 0x0009501, 0x0009514, 0x0009581, 0x0009624, 0x0009640,
    0x0009662, 0x0009700, 0x0009715, 0x0009721, 0x0009814, 0x0009820, 0x0009851, 0x00098d0,
    0x00098f1, 0x0009910, 0x0009931, 0x0009a90, 0x0009aa1, 0x0009b10, 0x0009b21, 0x0009b30,
    0x0009b61, 0x0009ba0, 0x0009bc4, 0x0009bd1, 0x0009be0, 0x0009c14, 0x0009c50, 0x0009cd4,
    0x0009ce1, 0x0009cf0, 0x0009dc1, 0x0009de0, 0x0009df1, 0x0009e24, 0x0009e40, 0x0009e62,
    0x0009f01, 0x0009f20, 0x0009f42, 0x0009fa0, 0x0009fc1, 0x0009fd0, 0x0009fe4, 0x0009ff0,
    0x000a014, 0x000a030, 0x000a051, 0x000a0b0, 0x000a0f1, 0x000a110, 0x000a131, 0x000a290,
    0x000a2a1, 0x000a310, 0x000a321, 0x000a340, 0x000a351, 0x000a370, 0x000a381, 0x000a3a0,
    0x000a3c4, 0x000a3d0, 0x000a414, 0x000a430, 0x000a474, 0x000a490, 0x000a4b4, 0x000a4e0,
    0x000a514, 0x000a520, 0x000a591, 0x000a5d0, 0x000a5e1, 0x000a5f0, 0x000a662, 0x000a704,
    0x000a721, 0x000a754, 0x000a760, 0x000a814, 0x000a830, 0x000a851, 0x000a8e0, 0x000a8f1,
    0x000a920, 0x000a931, 0x000aa90, 0x000aaa1, 0x000ab10, 0x000ab21, 0x000ab40, 0x000ab51,
    0x000aba0, 0x000abc4, 0x000abd1, 0x000abe0, 0x000ac14, 0x000ac60, 0x000ac74, 0x000ac90,
    0x000acd4, 0x000ace0, 0x000ad01, 0x000ad10, 0x000ae01, 0x000ae24, 0x000ae40, 0x000ae62,
    0x000af00, 0x000af91, 0x000afa4, 0x000b000, 0x000b014, 0x000b020, 0x000b051, 0x000b0d0,
    0x000b0f1, 0x000b110, 0x000b131, 0x000b290, 0x000b2a1, 0x000b310, 0x000b321, 0x000b340,
    0x000b351, 0x000b3a0, 0x000b3c4, 0x000b3d1, 0x000b3e0, 0x000b3f4, 0x000b400, 0x000b414,
    0x000b450, 0x000b4d4, 0x000b4e0, 0x000b554, 0x000b570, 0x000b5c1, 0x000b5e0, 0x000b5f1,
    0x000b624, 0x000b640, 0x000b662, 0x000b700, 0x000b711, 0x000b722, 0x000b780, 0x000b824,
    0x000b831, 0x000b840, 0x000b851, 0x000b8b0, 0x000b8e1, 0x000b910, 0x000b921, 0x000b960,
    0x000b991, 0x000b9b0, 0x000b9c1, 0x000b9d0, 0x000b9e1, 0x000ba00, 0x000ba31, 0x000ba50,
    0x000ba81, 0x000bab0, 0x000bae1, 0x000bba0, 0x000bc04, 0x000bc10, 0x000bcd4, 0x000bce0,
    0x000bd01, 0x000bd10, 0x000be62, 0x000bf30, 0x000c004, 0x000c010, 0x000c044, 0x000c051,
    0x000c0d0, 0x000c0e1, 0x000c110, 0x000c121, 0x000c290, 0x000c2a1, 0x000c3a0, 0x000c3c4,
    0x000c3d1, 0x000c3e4, 0x000c410, 0x000c464, 0x000c490, 0x000c4a4, 0x000c4e0, 0x000c554,
    0x000c570, 0x000c581, 0x000c5b0, 0x000c5d1, 0x000c5e0, 0x000c601, 0x000c624, 0x000c640,
    0x000c662, 0x000c700, 0x000c782, 0x000c7f0, 0x000c801, 0x000c814, 0x000c820, 0x000c851,
    0x000c8d0, 0x000c8e1, 0x000c910, 0x000c921, 0x000ca90, 0x000caa1, 0x000cb40, 0x000cb51,
    0x000cba0, 0x000cbc4, 0x000cbd1, 0x000cbe0, 0x000cbf4, 0x000cc00, 0x000cc64, 0x000cc70,
    0x000ccc4, 0x000cce0, 0x000cdd1, 0x000cdf0, 0x000ce01, 0x000ce24, 0x000ce40, 0x000ce62,
    0x000cf00, 0x000cf11, 0x000cf30, 0x000d004, 0x000d020, 0x000d041, 0x000d0d0, 0x000d0e1,
    0x000d110, 0x000d121, 0x000d3b4, 0x000d3d1, 0x000d3e0, 0x000d414, 0x000d450, 0x000d4d4,
    0x000d4e1, 0x000d4f0, 0x000d541, 0x000d570, 0x000d582, 0x000d5f1, 0x000d624, 0x000d640,
    0x000d662, 0x000d790, 0x000d7a1, 0x000d800, 0x000d814, 0x000d820, 0x000d851, 0x000d970,
    0x000d9a1, 0x000db20, 0x000db31, 0x000dbc0, 0x000dbd1, 0x000dbe0, 0x000dc01, 0x000dc70,
    0x000dca4, 0x000dcb0, 0x000dd24, 0x000dd50, 0x000dd64, 0x000dd70, 0x000de62, 0x000df00,
    0x000e011, 0x000e314, 0x000e321, 0x000e344, 0x000e3b0, 0x000e401, 0x000e465, 0x000e474,
    0x000e4f0, 0x000e502, 0x000e5a0, 0x000e811, 0x000e830, 0x000e841, 0x000e850, 0x000e861,
    0x000e8b0, 0x000e8c1, 0x000ea40, 0x000ea51, 0x000ea60, 0x000ea71, 0x000eb14, 0x000eb21,
    0x000eb44, 0x000ebd1, 0x000ebe0, 0x000ec01, 0x000ec50, 0x000ec65, 0x000ec70, 0x000ec84,
    0x000ece0, 0x000ed02, 0x000eda0, 0x000edc1, 0x000ee00, 0x000f001, 0x000f010, 0x000f184,
    0x000f1a0, 0x000f202, 0x000f340, 0x000f354, 0x000f360, 0x000f374, 0x000f380, 0x000f394,
    0x000f3a0, 0x000f401, 0x000f480, 0x000f491, 0x000f6d0, 0x000f714, 0x000f7f0, 0x000f804,
    0x000f850, 0x000f864, 0x000f881, 0x000f8d4, 0x000f980, 0x000f994, 0x000fbd0, 0x000fc64,
    0x000fc70, 0x0010001, 0x00102b0, 0x00102d4, 0x0010310, 0x0010324, 0x0010380, 0x0010394,
    0x00103b0, 0x00103d4, 0x00103f1, 0x0010402, 0x00104a0, 0x0010501, 0x0010560, 0x0010584,
    0x00105a1, 0x00105e4, 0x0010611, 0x0010620, 0x0010651, 0x0010670, 0x00106e1, 0x0010714,
    0x0010751, 0x0010824, 0x0010830, 0x0010854, 0x0010870, 0x00108d4, 0x00108e1, 0x00108f0,
    0x0010902, 0x00109a0, 0x00109d4, 0x00109e0, 0x0010a09, 0x0010c60, 0x0010c79, 0x0010c80,
    0x0010cd9, 0x0010ce0, 0x0010d09, 0x0010fb0, 0x0010fc5, 0x0010fd9, 0x0011001, 0x0012490,
    0x00124a1, 0x00124e0, 0x0012501, 0x0012570, 0x0012581, 0x0012590, 0x00125a1, 0x00125e0,
    0x0012601, 0x0012890, 0x00128a1, 0x00128e0, 0x0012901, 0x0012b10, 0x0012b21, 0x0012b60,
    0x0012b81, 0x0012bf0, 0x0012c01, 0x0012c10, 0x0012c21, 0x0012c60, 0x0012c81, 0x0012d70,
    0x0012d81, 0x0013110, 0x0013121, 0x0013160, 0x0013181, 0x00135b0, 0x00135d4, 0x0013600,
    0x0013692, 0x00137d0, 0x0013801, 0x0013900, 0x0013a09, 0x0013f60, 0x0013f89, 0x0013fe0,
    0x0014011, 0x00166d0, 0x00166f1, 0x0016800, 0x0016811, 0x00169b0, 0x0016a01, 0x0016eb0,
    0x0016ee2, 0x0016f11, 0x0016f90, 0x0017001, 0x0017124, 0x0017150, 0x00171f1, 0x0017324,
    0x0017340, 0x0017401, 0x0017524, 0x0017540, 0x0017601, 0x00176d0, 0x00176e1, 0x0017710,
    0x0017724, 0x0017740, 0x0017801, 0x0017b44, 0x0017b60, 0x0017b74, 0x0017be0, 0x0017c64,
    0x0017c70, 0x0017c94, 0x0017d40, 0x0017d75, 0x0017d80, 0x0017dc1, 0x0017dd4, 0x0017de0,
    0x0017e02, 0x0017ea0, 0x0017f02, 0x0017fa0, 0x00180b4, 0x0018102, 0x00181a0, 0x0018201,
    0x0018435, 0x0018441, 0x0018790, 0x0018801, 0x0018854, 0x0018871, 0x0018a94, 0x0018aa1,
    0x0018ab0, 0x0018b01, 0x0018f60, 0x0019001, 0x00191f0, 0x0019204, 0x0019230, 0x0019274,
    0x0019290, 0x0019324, 0x0019330, 0x0019394, 0x00193c0, 0x0019462, 0x0019501, 0x00196e0,
    0x0019701, 0x0019750, 0x0019801, 0x0019ac0, 0x0019b01, 0x0019ca0, 0x0019d02, 0x0019db0,
    0x001a001, 0x001a174, 0x001a190, 0x001a1b4, 0x001a1c0, 0x001a201, 0x001a550, 0x001a564,
    0x001a570, 0x001a584, 0x001a5f0, 0x001a604, 0x001a610, 0x001a624, 0x001a630, 0x001a654,
    0x001a6d0, 0x001a734, 0x001a7d0, 0x001a7f4, 0x001a802, 0x001a8a0, 0x001a902, 0x001a9a0,
    0x001aa75, 0x001aa80, 0x001ab04, 0x001acf0, 0x001b004, 0x001b040, 0x001b051, 0x001b344,
    0x001b350, 0x001b364, 0x001b3b0, 0x001b3c4, 0x001b3d0, 0x001b424, 0x001b430, 0x001b451,
    0x001b4d0, 0x001b502, 0x001b5a0, 0x001b6b4, 0x001b740, 0x001b804, 0x001b820, 0x001b831,
    0x001ba10, 0x001ba24, 0x001ba60, 0x001ba84, 0x001baa0, 0x001bab4, 0x001bae1, 0x001bb02,
    0x001bba1, 0x001be64, 0x001be70, 0x001be84, 0x001bea0, 0x001bed4, 0x001bee0, 0x001bef4,
    0x001bf20, 0x001c001, 0x001c240, 0x001c2c4, 0x001c340, 0x001c364, 0x001c380, 0x001c402,
    0x001c4a0, 0x001c4d1, 0x001c502, 0x001c5a1, 0x001c785, 0x001c7e0, 0x001c809, 0x001c890,
    0x001c909, 0x001cbb0, 0x001cbd9, 0x001cc00, 0x001cd04, 0x001cd30, 0x001cd44, 0x001ce10,
    0x001ce24, 0x001ce91, 0x001ced4, 0x001cee1, 0x001cf44, 0x001cf51, 0x001cf70, 0x001cf84,
    0x001cfa1, 0x001cfb0, 0x001d009, 0x001d2c5, 0x001d6b9, 0x001d785, 0x001d799, 0x001d9b5,
    0x001dc04, 0x001e009, 0x001f160, 0x001f189, 0x001f1e0, 0x001f209, 0x001f460, 0x001f489,
    0x001f4e0, 0x001f509, 0x001f580, 0x001f599, 0x001f5a0, 0x001f5b9, 0x001f5c0, 0x001f5d9,
    0x001f5e0, 0x001f5f9, 0x001f7e0, 0x001f809, 0x001fb50, 0x001fb69, 0x001fbd4, 0x001fbe9,
    0x001fbf4, 0x001fc29, 0x001fc50, 0x001fc69, 0x001fcd4, 0x001fd09, 0x001fd40, 0x001fd69,
    0x001fdc0, 0x001fdd4, 0x001fe09, 0x001fed4, 0x001ff00, 0x001ff29, 0x001ff50, 0x001ff69,
    0x001ffd4, 0x001fff0, 0x00200b4, 0x0020100, 0x0020184, 0x00201a0, 0x0020244, 0x0020250,
    0x0020274, 0x0020280, 0x00202a4, 0x00202f0, 0x0020604, 0x0020650, 0x0020664, 0x0020702,
    0x0020715, 0x0020720, 0x0020742, 0x00207a0, 0x00207f5, 0x0020802, 0x00208a0, 0x0020905,
    0x00209d0, 0x0020d04, 0x0020f10, 0x0021029, 0x0021030, 0x0021079, 0x0021080, 0x00210a9,
    0x0021140, 0x0021159, 0x0021160, 0x0021199, 0x00211e0, 0x0021249, 0x0021250, 0x0021269,
    0x0021270, 0x0021289, 0x0021290, 0x00212a9, 0x00212e0, 0x00212f9, 0x0021351, 0x0021399,
    0x00213a0, 0x00213c9, 0x0021400, 0x0021459, 0x00214a0, 0x00214e9, 0x00214f0, 0x0021502,
    0x002160a, 0x0021802, 0x0021839, 0x0021852, 0x00218a0, 0x0024602, 0x00249c0, 0x0024b68,
    0x0024ea2, 0x0025000, 0x0027762, 0x0027940, 0x002c009, 0x002c7c5, 0x002c7e9, 0x002ce50,
    0x002ceb9, 0x002cef4, 0x002cf29, 0x002cf40, 0x002cfd2, 0x002cfe0, 0x002d009, 0x002d260,
    0x002d279, 0x002d280, 0x002d2d9, 0x002d2e0, 0x002d301, 0x002d680, 0x002d6f5, 0x002d700,
    0x002d7f4, 0x002d801, 0x002d970, 0x002da01, 0x002da70, 0x002da81, 0x002daf0, 0x002db01,
    0x002db70, 0x002db81, 0x002dbf0, 0x002dc01, 0x002dc70, 0x002dc81, 0x002dcf0, 0x002dd01,
    0x002dd70, 0x002dd81, 0x002ddf0, 0x002de04, 0x002e000, 0x002e2f5, 0x002e300, 0x0030055,
    0x0030061, 0x0030072, 0x0030080, 0x0030212, 0x00302a4, 0x00302e0, 0x0030315, 0x0030360,
    0x0030382, 0x00303b5, 0x00303c1, 0x00303d0, 0x0030411, 0x0030970, 0x0030994, 0x00309d5,
    0x00309f1, 0x0030a00, 0x0030a11, 0x0030fb0, 0x0030fc5, 0x0030ff1, 0x0031000, 0x0031051,
    0x0031300, 0x0031311, 0x00318f0, 0x0031922, 0x0031960, 0x0031a01, 0x0031c00, 0x0031f01,
    0x0032000, 0x0032202, 0x00322a0, 0x0032482, 0x0032500, 0x0032512, 0x0032600, 0x0032802,
    0x00328a0, 0x0032b12, 0x0032c00, 0x0034001, 0x004dc00, 0x004e001, 0x00a0155, 0x00a0161,
    0x00a48d0, 0x00a4d01, 0x00a4f85, 0x00a4fe0, 0x00a5001, 0x00a60c5, 0x00a60d0, 0x00a6101,
    0x00a6202, 0x00a62a1, 0x00a62c0, 0x00a6409, 0x00a66e1, 0x00a66f4, 0x00a6730, 0x00a6744,
    0x00a67e0, 0x00a67f5, 0x00a6809, 0x00a69c5, 0x00a69e4, 0x00a6a01, 0x00a6e62, 0x00a6f04,
    0x00a6f20, 0x00a7004, 0x00a7175, 0x00a7204, 0x00a7229, 0x00a7705, 0x00a7719, 0x00a7885,
    0x00a7894, 0x00a78b9, 0x00a78f1, 0x00a7909, 0x00a7cb0, 0x00a7d09, 0x00a7d20, 0x00a7d39,
    0x00a7d40, 0x00a7d59, 0x00a7da0, 0x00a7f25, 0x00a7f59, 0x00a7f71, 0x00a7f85, 0x00a7fa9,
    0x00a7fb1, 0x00a8024, 0x00a8031, 0x00a8064, 0x00a8071, 0x00a80b4, 0x00a80c1, 0x00a8230,
    0x00a8254, 0x00a8270, 0x00a82c4, 0x00a82d0, 0x00a8302, 0x00a8360, 0x00a8401, 0x00a8740,
    0x00a8821, 0x00a8b40, 0x00a8c44, 0x00a8c60, 0x00a8d02, 0x00a8da0, 0x00a8e04, 0x00a8f21,
    0x00a8f80, 0x00a8fb1, 0x00a8fc0, 0x00a8fd1, 0x00a8ff4, 0x00a9002, 0x00a90a1, 0x00a9264,
    0x00a92e0, 0x00a9301, 0x00a9474, 0x00a9520, 0x00a9601, 0x00a97d0, 0x00a9804, 0x00a9830,
    0x00a9841, 0x00a9b34, 0x00a9b40, 0x00a9b64, 0x00a9ba0, 0x00a9bc4, 0x00a9be0, 0x00a9cf5,
    0x00a9d02, 0x00a9da0, 0x00a9e01, 0x00a9e54, 0x00a9e65, 0x00a9e71, 0x00a9f02, 0x00a9fa1,
    0x00a9ff0, 0x00aa001, 0x00aa294, 0x00aa2f0, 0x00aa314, 0x00aa330, 0x00aa354, 0x00aa370,
    0x00aa401, 0x00aa434, 0x00aa441, 0x00aa4c4, 0x00aa4d0, 0x00aa502, 0x00aa5a0, 0x00aa601,
    0x00aa705, 0x00aa711, 0x00aa770, 0x00aa7a1, 0x00aa7b0, 0x00aa7c4, 0x00aa7d0, 0x00aa7e1,
    0x00aab04, 0x00aab11, 0x00aab24, 0x00aab51, 0x00aab74, 0x00aab91, 0x00aabe4, 0x00aac01,
    0x00aac14, 0x00aac21, 0x00aac30, 0x00aadb1, 0x00aadd5, 0x00aade0, 0x00aae01, 0x00aaeb0,
    0x00aaec4, 0x00aaee0, 0x00aaf21, 0x00aaf35, 0x00aaf50, 0x00aaf64, 0x00aaf70, 0x00ab011,
    0x00ab070, 0x00ab091, 0x00ab0f0, 0x00ab111, 0x00ab170, 0x00ab201, 0x00ab270, 0x00ab281,
    0x00ab2f0, 0x00ab309, 0x00ab5b4, 0x00ab5c5, 0x00ab609, 0x00ab695, 0x00ab6a4, 0x00ab6c0,
    0x00ab709, 0x00abc01, 0x00abe30, 0x00abe54, 0x00abe60, 0x00abe84, 0x00abe90, 0x00abed4,
    0x00abee0, 0x00abf02, 0x00abfa0, 0x00ac001, 0x00d7a40, 0x00d7b01, 0x00d7c70, 0x00d7cb1,
    0x00d7fc0, 0x00f9001, 0x00fa6e0, 0x00fa701, 0x00fada0, 0x00fb009, 0x00fb070, 0x00fb139,
    0x00fb180, 0x00fb1d1, 0x00fb1e4, 0x00fb1f1, 0x00fb290, 0x00fb2a1, 0x00fb370, 0x00fb381,
    0x00fb3d0, 0x00fb3e1, 0x00fb3f0, 0x00fb401, 0x00fb420, 0x00fb431, 0x00fb450, 0x00fb461,
    0x00fbb24, 0x00fbc30, 0x00fbd31, 0x00fd3e0, 0x00fd501, 0x00fd900, 0x00fd921, 0x00fdc80,
    0x00fdf01, 0x00fdfc0, 0x00fe004, 0x00fe100, 0x00fe134, 0x00fe140, 0x00fe204, 0x00fe300,
    0x00fe524, 0x00fe530, 0x00fe554, 0x00fe560, 0x00fe701, 0x00fe750, 0x00fe761, 0x00fefd0,
    0x00feff4, 0x00ff000, 0x00ff074, 0x00ff080, 0x00ff0e4, 0x00ff0f0, 0x00ff102, 0x00ff1a4,
    0x00ff1b0, 0x00ff219, 0x00ff3b0, 0x00ff3e4, 0x00ff3f0, 0x00ff404, 0x00ff419, 0x00ff5b0,
    0x00ff661, 0x00ff705, 0x00ff711, 0x00ff9e5, 0x00ffa01, 0x00ffbf0, 0x00ffc21, 0x00ffc80,
    0x00ffca1, 0x00ffd00, 0x00ffd21, 0x00ffd80, 0x00ffda1, 0x00ffdd0, 0x00ffe34, 0x00ffe40,
    0x00fff94, 0x00fffc0, 0x0100001, 0x01000c0, 0x01000d1, 0x0100270, 0x0100281, 0x01003b0,
    0x01003c1, 0x01003e0, 0x01003f1, 0x01004e0, 0x0100501, 0x01005e0, 0x0100801, 0x0100fb0,
    0x0101072, 0x0101340, 0x0101402, 0x0101790, 0x01018a2, 0x01018c0, 0x0101fd4, 0x0101fe0,
    0x0102801, 0x01029d0, 0x0102a01, 0x0102d10, 0x0102e04, 0x0102e12, 0x0102fc0, 0x0103001,
    0x0103202, 0x0103240, 0x01032d1, 0x0103412, 0x0103421, 0x01034a2, 0x01034b0, 0x0103501,
    0x0103764, 0x01037b0, 0x0103801, 0x01039e0, 0x0103a01, 0x0103c40, 0x0103c81, 0x0103d00,
    0x0103d12, 0x0103d60, 0x0104009, 0x0104501, 0x01049e0, 0x0104a02, 0x0104aa0, 0x0104b09,
    0x0104d40, 0x0104d89, 0x0104fc0, 0x0105001, 0x0105280, 0x0105301, 0x0105640, 0x0105709,
    0x01057b0, 0x01057c9, 0x01058b0, 0x01058c9, 0x0105930, 0x0105949, 0x0105960, 0x0105979,
    0x0105a20, 0x0105a39, 0x0105b20, 0x0105b39, 0x0105ba0, 0x0105bb9, 0x0105bd0, 0x0106001,
    0x0107370, 0x0107401, 0x0107560, 0x0107601, 0x0107680, 0x0107805, 0x0107860, 0x0107875,
    0x0107b10, 0x0107b25, 0x0107bb0, 0x0108001, 0x0108060, 0x0108081, 0x0108090, 0x01080a1,
    0x0108360, 0x0108371, 0x0108390, 0x01083c1, 0x01083d0, 0x01083f1, 0x0108560, 0x0108582,
    0x0108601, 0x0108770, 0x0108792, 0x0108801, 0x01089f0, 0x0108a72, 0x0108b00, 0x0108e01,
    0x0108f30, 0x0108f41, 0x0108f60, 0x0108fb2, 0x0109001, 0x0109162, 0x01091c0, 0x0109201,
    0x01093a0, 0x0109801, 0x0109b80, 0x0109bc2, 0x0109be1, 0x0109c02, 0x0109d00, 0x0109d22,
    0x010a001, 0x010a014, 0x010a040, 0x010a054, 0x010a070, 0x010a0c4, 0x010a101, 0x010a140,
    0x010a151, 0x010a180, 0x010a191, 0x010a360, 0x010a384, 0x010a3b0, 0x010a3f4, 0x010a402,
    0x010a490, 0x010a601, 0x010a7d2, 0x010a7f0, 0x010a801, 0x010a9d2, 0x010aa00, 0x010ac01,
    0x010ac80, 0x010ac91, 0x010ae54, 0x010ae70, 0x010aeb2, 0x010af00, 0x010b001, 0x010b360,
    0x010b401, 0x010b560, 0x010b582, 0x010b601, 0x010b730, 0x010b782, 0x010b801, 0x010b920,
    0x010ba92, 0x010bb00, 0x010c001, 0x010c490, 0x010c809, 0x010cb30, 0x010cc09, 0x010cf30,
    0x010cfa2, 0x010d001, 0x010d244, 0x010d280, 0x010d302, 0x010d3a0, 0x010e602, 0x010e7f0,
    0x010e801, 0x010eaa0, 0x010eab4, 0x010ead0, 0x010eb01, 0x010eb20, 0x010f001, 0x010f1d2,
    0x010f271, 0x010f280, 0x010f301, 0x010f464, 0x010f512, 0x010f550, 0x010f701, 0x010f824,
    0x010f860, 0x010fb01, 0x010fc52, 0x010fcc0, 0x010fe01, 0x010ff70, 0x0110014, 0x0110020,
    0x0110031, 0x0110384, 0x0110470, 0x0110522, 0x0110704, 0x0110711, 0x0110734, 0x0110751,
    0x0110760, 0x01107f4, 0x0110820, 0x0110831, 0x0110b00, 0x0110b34, 0x0110b70, 0x0110b94,
    0x0110bb0, 0x0110bd4, 0x0110be0, 0x0110c24, 0x0110c30, 0x0110cd4, 0x0110ce0, 0x0110d01,
    0x0110e90, 0x0110f02, 0x0110fa0, 0x0111004, 0x0111031, 0x0111274, 0x01112c0, 0x01112d4,
    0x0111350, 0x0111362, 0x0111400, 0x0111441, 0x0111450, 0x0111471, 0x0111480, 0x0111501,
    0x0111734, 0x0111740, 0x0111761, 0x0111770, 0x0111804, 0x0111820, 0x0111831, 0x0111b30,
    0x0111b64, 0x0111bf0, 0x0111c11, 0x0111c50, 0x0111c94, 0x0111cd0, 0x0111cf4, 0x0111d02,
    0x0111da1, 0x0111db0, 0x0111dc1, 0x0111dd0, 0x0111e12, 0x0111f50, 0x0112001, 0x0112120,
    0x0112131, 0x01122c0, 0x01122f4, 0x0112320, 0x0112344, 0x0112350, 0x0112364, 0x0112380,
    0x01123e4, 0x01123f1, 0x0112410, 0x0112801, 0x0112870, 0x0112881, 0x0112890, 0x01128a1,
    0x01128e0, 0x01128f1, 0x01129e0, 0x01129f1, 0x0112a90, 0x0112b01, 0x0112df4, 0x0112e00,
    0x0112e34, 0x0112eb0, 0x0112f02, 0x0112fa0, 0x0113004, 0x0113020, 0x0113051, 0x01130d0,
    0x01130f1, 0x0113110, 0x0113131, 0x0113290, 0x01132a1, 0x0113310, 0x0113321, 0x0113340,
    0x0113351, 0x01133a0, 0x01133b4, 0x01133d1, 0x01133e0, 0x0113404, 0x0113410, 0x0113501,
    0x0113510, 0x01135d1, 0x0113620, 0x0113664, 0x01136d0, 0x0113704, 0x0113750, 0x0114001,
    0x0114350, 0x0114384, 0x0114400, 0x0114424, 0x0114450, 0x0114464, 0x0114471, 0x01144b0,
    0x0114502, 0x01145a0, 0x01145e4, 0x01145f1, 0x0114620, 0x0114801, 0x0114b00, 0x0114b34,
    0x0114b90, 0x0114ba4, 0x0114bb0, 0x0114bf4, 0x0114c10, 0x0114c24, 0x0114c41, 0x0114c60,
    0x0114c71, 0x0114c80, 0x0114d02, 0x0114da0, 0x0115801, 0x0115af0, 0x0115b24, 0x0115b60,
    0x0115bc4, 0x0115be0, 0x0115bf4, 0x0115c10, 0x0115d81, 0x0115dc4, 0x0115de0, 0x0116001,
    0x0116300, 0x0116334, 0x01163b0, 0x01163d4, 0x01163e0, 0x01163f4, 0x0116410, 0x0116441,
    0x0116450, 0x0116502, 0x01165a0, 0x0116801, 0x0116ab4, 0x0116ac0, 0x0116ad4, 0x0116ae0,
    0x0116b04, 0x0116b60, 0x0116b74, 0x0116b81, 0x0116b90, 0x0116c02, 0x0116ca0, 0x0117001,
    0x01171b0, 0x01171d4, 0x0117200, 0x0117224, 0x0117260, 0x0117274, 0x01172c0, 0x0117302,
    0x01173c0, 0x0117401, 0x0117470, 0x0118001, 0x01182c0, 0x01182f4, 0x0118380, 0x0118394,
    0x01183b0, 0x0118a09, 0x0118e02, 0x0118f30, 0x0118ff1, 0x0119070, 0x0119091, 0x01190a0,
    0x01190c1, 0x0119140, 0x0119151, 0x0119170, 0x0119181, 0x0119300, 0x01193b4, 0x01193d0,
    0x01193e4, 0x01193f1, 0x0119400, 0x0119411, 0x0119420, 0x0119434, 0x0119440, 0x0119502,
    0x01195a0, 0x0119a01, 0x0119a80, 0x0119aa1, 0x0119d10, 0x0119d44, 0x0119d80, 0x0119da4,
    0x0119dc0, 0x0119e04, 0x0119e11, 0x0119e20, 0x0119e31, 0x0119e40, 0x011a001, 0x011a014,
    0x011a0b1, 0x011a334, 0x011a390, 0x011a3a1, 0x011a3b4, 0x011a3f0, 0x011a474, 0x011a480,
    0x011a501, 0x011a514, 0x011a570, 0x011a594, 0x011a5c1, 0x011a8a4, 0x011a970, 0x011a984,
    0x011a9a0, 0x011a9d1, 0x011a9e0, 0x011ab01, 0x011af90, 0x011c001, 0x011c090, 0x011c0a1,
    0x011c2f0, 0x011c304, 0x011c370, 0x011c384, 0x011c3e0, 0x011c3f4, 0x011c401, 0x011c410,
    0x011c502, 0x011c6d0, 0x011c721, 0x011c900, 0x011c924, 0x011ca80, 0x011caa4, 0x011cb10,
    0x011cb24, 0x011cb40, 0x011cb54, 0x011cb70, 0x011d001, 0x011d070, 0x011d081, 0x011d0a0,
    0x011d0b1, 0x011d314, 0x011d370, 0x011d3a4, 0x011d3b0, 0x011d3c4, 0x011d3e0, 0x011d3f4,
    0x011d461, 0x011d474, 0x011d480, 0x011d502, 0x011d5a0, 0x011d601, 0x011d660, 0x011d671,
    0x011d690, 0x011d6a1, 0x011d8a0, 0x011d904, 0x011d920, 0x011d954, 0x011d960, 0x011d974,
    0x011d981, 0x011d990, 0x011da02, 0x011daa0, 0x011ee01, 0x011ef34, 0x011ef50, 0x011f021,
    0x011f030, 0x011f041, 0x011f110, 0x011f121, 0x011f340, 0x011f502, 0x011f5a0, 0x011fb01,
    0x011fb10, 0x011fc02, 0x011fd50, 0x0120001, 0x01239a0, 0x0124002, 0x01246f0, 0x0124801,
    0x0125440, 0x012f901, 0x012ff10, 0x0130001, 0x0134304, 0x0134390, 0x0134411, 0x0134470,
    0x0144001, 0x0146470, 0x0168001, 0x016a390, 0x016a401, 0x016a5f0, 0x016a602, 0x016a6a0,
    0x016a701, 0x016abf0, 0x016ac02, 0x016aca0, 0x016ad01, 0x016aee0, 0x016af04, 0x016af50,
    0x016b001, 0x016b304, 0x016b370, 0x016b405, 0x016b440, 0x016b502, 0x016b5a0, 0x016b5b2,
    0x016b620, 0x016b631, 0x016b780, 0x016b7d1, 0x016b900, 0x016e409, 0x016e802, 0x016e970,
    0x016f001, 0x016f4b0, 0x016f4f4, 0x016f501, 0x016f510, 0x016f8f4, 0x016f935, 0x016fa00,
    0x016fe05, 0x016fe20, 0x016fe35, 0x016fe44, 0x016fe50, 0x0170001, 0x0187f80, 0x0188001,
    0x018cd60, 0x018d001, 0x018d090, 0x01aff05, 0x01aff40, 0x01aff55, 0x01affc0, 0x01affd5,
    0x01afff0, 0x01b0001, 0x01b1230, 0x01b1321, 0x01b1330, 0x01b1501, 0x01b1530, 0x01b1551,
    0x01b1560, 0x01b1641, 0x01b1680, 0x01b1701, 0x01b2fc0, 0x01bc001, 0x01bc6b0, 0x01bc701,
    0x01bc7d0, 0x01bc801, 0x01bc890, 0x01bc901, 0x01bc9a0, 0x01bc9d4, 0x01bc9f0, 0x01bca04,
    0x01bca40, 0x01cf004, 0x01cf2e0, 0x01cf304, 0x01cf470, 0x01d1674, 0x01d16a0, 0x01d1734,
    0x01d1830, 0x01d1854, 0x01d18c0, 0x01d1aa4, 0x01d1ae0, 0x01d2424, 0x01d2450, 0x01d2c02,
    0x01d2d40, 0x01d2e02, 0x01d2f40, 0x01d3602, 0x01d3790, 0x01d4009, 0x01d4550, 0x01d4569,
    0x01d49d0, 0x01d49e9, 0x01d4a00, 0x01d4a29, 0x01d4a30, 0x01d4a59, 0x01d4a70, 0x01d4a99,
    0x01d4ad0, 0x01d4ae9, 0x01d4ba0, 0x01d4bb9, 0x01d4bc0, 0x01d4bd9, 0x01d4c40, 0x01d4c59,
    0x01d5060, 0x01d5079, 0x01d50b0, 0x01d50d9, 0x01d5150, 0x01d5169, 0x01d51d0, 0x01d51e9,
    0x01d53a0, 0x01d53b9, 0x01d53f0, 0x01d5409, 0x01d5450, 0x01d5469, 0x01d5470, 0x01d54a9,
    0x01d5510, 0x01d5529, 0x01d6a60, 0x01d6a89, 0x01d6c10, 0x01d6c29, 0x01d6db0, 0x01d6dc9,
    0x01d6fb0, 0x01d6fc9, 0x01d7150, 0x01d7169, 0x01d7350, 0x01d7369, 0x01d74f0, 0x01d7509,
    0x01d76f0, 0x01d7709, 0x01d7890, 0x01d78a9, 0x01d7a90, 0x01d7aa9, 0x01d7c30, 0x01d7c49,
    0x01d7cc0, 0x01d7ce2, 0x01d8000, 0x01da004, 0x01da370, 0x01da3b4, 0x01da6d0, 0x01da754,
    0x01da760, 0x01da844, 0x01da850, 0x01da9b4, 0x01daa00, 0x01daa14, 0x01dab00, 0x01df009,
    0x01df0a1, 0x01df0b9, 0x01df1f0, 0x01df251, 0x01df2b0, 0x01e0004, 0x01e0070, 0x01e0084,
    0x01e0190, 0x01e01b4, 0x01e0220, 0x01e0234, 0x01e0250, 0x01e0264, 0x01e02b0, 0x01e0301,
    0x01e06e0, 0x01e1001, 0x01e12d0, 0x01e1304, 0x01e1375, 0x01e13e0, 0x01e1402, 0x01e14a0,
    0x01e14e1, 0x01e14f0, 0x01e2901, 0x01e2ae4, 0x01e2af0, 0x01e2c01, 0x01e2ec4, 0x01e2f02,
    0x01e2fa0, 0x01e4d01, 0x01e4ec0, 0x01e4f02, 0x01e4fa0, 0x01e7e01, 0x01e7e70, 0x01e7e81,
    0x01e7ec0, 0x01e7ed1, 0x01e7ef0, 0x01e7f01, 0x01e7ff0, 0x01e8001, 0x01e8c50, 0x01e8c72,
    0x01e8d04, 0x01e8d70, 0x01e9009, 0x01e9444, 0x01e94b5, 0x01e94c0, 0x01e9502, 0x01e95a0,
    0x01ec712, 0x01ecac0, 0x01ecad2, 0x01ecb00, 0x01ecb12, 0x01ecb50, 0x01ed012, 0x01ed2e0,
    0x01ed2f2, 0x01ed3e0, 0x01ee001, 0x01ee040, 0x01ee051, 0x01ee200, 0x01ee211, 0x01ee230,
    0x01ee241, 0x01ee250, 0x01ee271, 0x01ee280, 0x01ee291, 0x01ee330, 0x01ee341, 0x01ee380,
    0x01ee391, 0x01ee3a0, 0x01ee3b1, 0x01ee3c0, 0x01ee421, 0x01ee430, 0x01ee471, 0x01ee480,
    0x01ee491, 0x01ee4a0, 0x01ee4b1, 0x01ee4c0, 0x01ee4d1, 0x01ee500, 0x01ee511, 0x01ee530,
    0x01ee541, 0x01ee550, 0x01ee571, 0x01ee580, 0x01ee591, 0x01ee5a0, 0x01ee5b1, 0x01ee5c0,
    0x01ee5d1, 0x01ee5e0, 0x01ee5f1, 0x01ee600, 0x01ee611, 0x01ee630, 0x01ee641, 0x01ee650,
    0x01ee671, 0x01ee6b0, 0x01ee6c1, 0x01ee730, 0x01ee741, 0x01ee780, 0x01ee791, 0x01ee7d0,
    0x01ee7e1, 0x01ee7f0, 0x01ee801, 0x01ee8a0, 0x01ee8b1, 0x01ee9c0, 0x01eea11, 0x01eea40,
    0x01eea51, 0x01eeaa0, 0x01eeab1, 0x01eebc0, 0x01f1002, 0x01f10d0, 0x01f1308, 0x01f14a0,
    0x01f1508, 0x01f16a0, 0x01f1708, 0x01f18a0, 0x01f3fb4, 0x01f4000, 0x01fbf02, 0x01fbfa0,
    0x0200001, 0x02a6e00, 0x02a7001, 0x02b73a0, 0x02b7401, 0x02b81e0, 0x02b8201, 0x02cea20,
    0x02ceb01, 0x02ebe10, 0x02f8001, 0x02fa1e0, 0x0300001, 0x03134b0, 0x0313501, 0x0323b00,
    0x0e00014, 0x0e00020, 0x0e00204, 0x0e00800, 0x0e01004, 0x0e01f00,
};
static const struct { uint32_t first; uint16_t count, stride; int32_t delta; } rse__uc_lower[181] = {
    {0x41, 26, 1, 32}, {0xc0, 23, 1, 32}, {0xd8, 7, 1, 32}, {0x100, 24, 2, 1},
    {0x132, 3, 2, 1}, {0x139, 8, 2, 1}, {0x14a, 23, 2, 1}, {0x178, 1, 1, -121},
    {0x179, 3, 2, 1}, {0x181, 1, 1, 210}, {0x182, 2, 2, 1}, {0x186, 1, 1, 206},
    {0x187, 1, 1, 1}, {0x189, 2, 1, 205}, {0x18b, 1, 1, 1}, {0x18e, 1, 1, 79},
    {0x18f, 1, 1, 202}, {0x190, 1, 1, 203}, {0x191, 1, 1, 1}, {0x193, 1, 1, 205},
    {0x194, 1, 1, 207}, {0x196, 1, 1, 211}, {0x197, 1, 1, 209}, {0x198, 1, 1, 1},
    {0x19c, 1, 1, 211}, {0x19d, 1, 1, 213}, {0x19f, 1, 1, 214}, {0x1a0, 3, 2, 1},
    {0x1a6, 1, 1, 218}, {0x1a7, 1, 1, 1}, {0x1a9, 1, 1, 218}, {0x1ac, 1, 1, 1},
    {0x1ae, 1, 1, 218}, {0x1af, 1, 1, 1}, {0x1b1, 2, 1, 217}, {0x1b3, 2, 2, 1},
    {0x1b7, 1, 1, 219}, {0x1b8, 1, 1, 1}, {0x1bc, 1, 1, 1}, {0x1c4, 1, 1, 2},
    {0x1c5, 1, 1, 1}, {0x1c7, 1, 1, 2}, {0x1c8, 1, 1, 1}, {0x1ca, 1, 1, 2},
    {0x1cb, 9, 2, 1}, {0x1de, 9, 2, 1}, {0x1f1, 1, 1, 2}, {0x1f2, 2, 2, 1},
    {0x1f6, 1, 1, -97}, {0x1f7, 1, 1, -56}, {0x1f8, 20, 2, 1}, {0x220, 1, 1, -130},
    {0x222, 9, 2, 1}, {0x23a, 1, 1, 10795}, {0x23b, 1, 1, 1}, {0x23d, 1, 1, -163},
    {0x23e, 1, 1, 10792}, {0x241, 1, 1, 1}, {0x243, 1, 1, -195}, {0x244, 1, 1, 69},
    {0x245, 1, 1, 71}, {0x246, 5, 2, 1}, {0x370, 2, 2, 1}, {0x376, 1, 1, 1},
    {0x37f, 1, 1, 116}, {0x386, 1, 1, 38}, {0x388, 3, 1, 37}, {0x38c, 1, 1, 64},
    {0x38e, 2, 1, 63}, {0x391, 17, 1, 32}, {0x3a3, 9, 1, 32}, {0x3cf, 1, 1, 8},
    {0x3d8, 12, 2, 1}, {0x3f4, 1, 1, -60}, {0x3f7, 1, 1, 1}, {0x3f9, 1, 1, -7},
    {0x3fa, 1, 1, 1}, {0x3fd, 3, 1, -130}, {0x400, 16, 1, 80}, {0x410, 32, 1, 32},
    {0x460, 17, 2, 1}, {0x48a, 27, 2, 1}, {0x4c0, 1, 1, 15}, {0x4c1, 7, 2, 1},
    {0x4d0, 48, 2, 1}, {0x531, 38, 1, 48}, {0x10a0, 38, 1, 7264}, {0x10c7, 1, 1, 7264},
    {0x10cd, 1, 1, 7264}, {0x13a0, 80, 1, 38864}, {0x13f0, 6, 1, 8}, {0x1c90, 43, 1, -3008},
    {0x1cbd, 3, 1, -3008}, {0x1e00, 75, 2, 1}, {0x1e9e, 1, 1, -7615}, {0x1ea0, 48, 2, 1},
    {0x1f08, 8, 1, -8}, {0x1f18, 6, 1, -8}, {0x1f28, 8, 1, -8}, {0x1f38, 8, 1, -8},
    {0x1f48, 6, 1, -8}, {0x1f59, 4, 2, -8}, {0x1f68, 8, 1, -8}, {0x1f88, 8, 1, -8},
    {0x1f98, 8, 1, -8}, {0x1fa8, 8, 1, -8}, {0x1fb8, 2, 1, -8}, {0x1fba, 2, 1, -74},
    {0x1fbc, 1, 1, -9}, {0x1fc8, 4, 1, -86}, {0x1fcc, 1, 1, -9}, {0x1fd8, 2, 1, -8},
    {0x1fda, 2, 1, -100}, {0x1fe8, 2, 1, -8}, {0x1fea, 2, 1, -112}, {0x1fec, 1, 1, -7},
    {0x1ff8, 2, 1, -128}, {0x1ffa, 2, 1, -126}, {0x1ffc, 1, 1, -9}, {0x2126, 1, 1, -7517},
    {0x212a, 1, 1, -8383}, {0x212b, 1, 1, -8262}, {0x2132, 1, 1, 28}, {0x2160, 16, 1, 16},
    {0x2183, 1, 1, 1}, {0x24b6, 26, 1, 26}, {0x2c00, 48, 1, 48}, {0x2c60, 1, 1, 1},
    {0x2c62, 1, 1, -10743}, {0x2c63, 1, 1, -3814}, {0x2c64, 1, 1, -10727}, {0x2c67, 3, 2, 1},
    {0x2c6d, 1, 1, -10780}, {0x2c6e, 1, 1, -10749}, {0x2c6f, 1, 1, -10783}, {0x2c70, 1, 1, -10782},
    {0x2c72, 1, 1, 1}, {0x2c75, 1, 1, 1}, {0x2c7e, 2, 1, -10815}, {0x2c80, 50, 2, 1},
    {0x2ceb, 2, 2, 1}, {0x2cf2, 1, 1, 1}, {0xa640, 23, 2, 1}, {0xa680, 14, 2, 1},
    {0xa722, 7, 2, 1}, {0xa732, 31, 2, 1}, {0xa779, 2, 2, 1}, {0xa77d, 1, 1, -35332},
    {0xa77e, 5, 2, 1}, {0xa78b, 1, 1, 1}, {0xa78d, 1, 1, -42280}, {0xa790, 2, 2, 1},
    {0xa796, 10, 2, 1}, {0xa7aa, 1, 1, -42308}, {0xa7ab, 1, 1, -42319}, {0xa7ac, 1, 1, -42315},
    {0xa7ad, 1, 1, -42305}, {0xa7ae, 1, 1, -42308}, {0xa7b0, 1, 1, -42258}, {0xa7b1, 1, 1, -42282},
    {0xa7b2, 1, 1, -42261}, {0xa7b3, 1, 1, 928}, {0xa7b4, 8, 2, 1}, {0xa7c4, 1, 1, -48},
    {0xa7c5, 1, 1, -42307}, {0xa7c6, 1, 1, -35384}, {0xa7c7, 2, 2, 1}, {0xa7d0, 1, 1, 1},
    {0xa7d6, 2, 2, 1}, {0xa7f5, 1, 1, 1}, {0xff21, 26, 1, 32}, {0x10400, 40, 1, 40},
    {0x104b0, 36, 1, 40}, {0x10570, 11, 1, 39}, {0x1057c, 15, 1, 39}, {0x1058c, 7, 1, 39},
    {0x10594, 2, 1, 39}, {0x10c80, 51, 1, 64}, {0x118a0, 32, 1, 32}, {0x16e40, 32, 1, 32},
    {0x1e900, 34, 1, 34},
};
static const uint32_t rse__html5_2nd[9] = { 0, 0x6a, 0x331, 0x333, 0x338, 0x200a, 0x20d2, 0x20e5, 0xfe00 };
static const struct { const char *name; uint32_t v; } rse__html5[2125] = {
    {"AElig", 0x20000c6}, {"AMP", 0x2000026}, {"Aacute", 0x20000c1}, {"Abreve", 0x102},
    {"Acirc", 0x20000c2}, {"Acy", 0x410}, {"Afr", 0x1d504}, {"Agrave", 0x20000c0},
    {"Alpha", 0x391}, {"Amacr", 0x100}, {"And", 0x2a53}, {"Aogon", 0x104},
    {"Aopf", 0x1d538}, {"ApplyFunction", 0x2061}, {"Aring", 0x20000c5}, {"Ascr", 0x1d49c},
    {"Assign", 0x2254}, {"Atilde", 0x20000c3}, {"Auml", 0x20000c4}, {"Backslash", 0x2216},
    {"Barv", 0x2ae7}, {"Barwed", 0x2306}, {"Bcy", 0x411}, {"Because", 0x2235},
    {"Bernoullis", 0x212c}, {"Beta", 0x392}, {"Bfr", 0x1d505}, {"Bopf", 0x1d539},
    {"Breve", 0x2d8}, {"Bscr", 0x212c}, {"Bumpeq", 0x224e}, {"CHcy", 0x427},
    {"COPY", 0x20000a9}, {"Cacute", 0x106}, {"Cap", 0x22d2}, {"CapitalDifferentialD", 0x2145},
    {"Cayleys", 0x212d}, {"Ccaron", 0x10c}, {"Ccedil", 0x20000c7}, {"Ccirc", 0x108},
    {"Cconint", 0x2230}, {"Cdot", 0x10a}, {"Cedilla", 0xb8}, {"CenterDot", 0xb7},
    {"Cfr", 0x212d}, {"Chi", 0x3a7}, {"CircleDot", 0x2299}, {"CircleMinus", 0x2296},
    {"CirclePlus", 0x2295}, {"CircleTimes", 0x2297}, {"ClockwiseContourIntegral", 0x2232}, {"CloseCurlyDoubleQuote", 0x201d},
    {"CloseCurlyQuote", 0x2019}, {"Colon", 0x2237}, {"Colone", 0x2a74}, {"Congruent", 0x2261},
    {"Conint", 0x222f}, {"ContourIntegral", 0x222e}, {"Copf", 0x2102}, {"Coproduct", 0x2210},
    {"CounterClockwiseContourIntegral", 0x2233}, {"Cross", 0x2a2f}, {"Cscr", 0x1d49e}, {"Cup", 0x22d3},
    {"CupCap", 0x224d}, {"DD", 0x2145}, {"DDotrahd", 0x2911}, {"DJcy", 0x402},
    {"DScy", 0x405}, {"DZcy", 0x40f}, {"Dagger", 0x2021}, {"Darr", 0x21a1},
    {"Dashv", 0x2ae4}, {"Dcaron", 0x10e}, {"Dcy", 0x414}, {"Del", 0x2207},
    {"Delta", 0x394}, {"Dfr", 0x1d507}, {"DiacriticalAcute", 0xb4}, {"DiacriticalDot", 0x2d9},
    {"DiacriticalDoubleAcute", 0x2dd}, {"DiacriticalGrave", 0x60}, {"DiacriticalTilde", 0x2dc}, {"Diamond", 0x22c4},
    {"DifferentialD", 0x2146}, {"Dopf", 0x1d53b}, {"Dot", 0xa8}, {"DotDot", 0x20dc},
    {"DotEqual", 0x2250}, {"DoubleContourIntegral", 0x222f}, {"DoubleDot", 0xa8}, {"DoubleDownArrow", 0x21d3},
    {"DoubleLeftArrow", 0x21d0}, {"DoubleLeftRightArrow", 0x21d4}, {"DoubleLeftTee", 0x2ae4}, {"DoubleLongLeftArrow", 0x27f8},
    {"DoubleLongLeftRightArrow", 0x27fa}, {"DoubleLongRightArrow", 0x27f9}, {"DoubleRightArrow", 0x21d2}, {"DoubleRightTee", 0x22a8},
    {"DoubleUpArrow", 0x21d1}, {"DoubleUpDownArrow", 0x21d5}, {"DoubleVerticalBar", 0x2225}, {"DownArrow", 0x2193},
    {"DownArrowBar", 0x2913}, {"DownArrowUpArrow", 0x21f5}, {"DownBreve", 0x311}, {"DownLeftRightVector", 0x2950},
    {"DownLeftTeeVector", 0x295e}, {"DownLeftVector", 0x21bd}, {"DownLeftVectorBar", 0x2956}, {"DownRightTeeVector", 0x295f},
    {"DownRightVector", 0x21c1}, {"DownRightVectorBar", 0x2957}, {"DownTee", 0x22a4}, {"DownTeeArrow", 0x21a7},
    {"Downarrow", 0x21d3}, {"Dscr", 0x1d49f}, {"Dstrok", 0x110}, {"ENG", 0x14a},
    {"ETH", 0x20000d0}, {"Eacute", 0x20000c9}, {"Ecaron", 0x11a}, {"Ecirc", 0x20000ca},
    {"Ecy", 0x42d}, {"Edot", 0x116}, {"Efr", 0x1d508}, {"Egrave", 0x20000c8},
    {"Element", 0x2208}, {"Emacr", 0x112}, {"EmptySmallSquare", 0x25fb}, {"EmptyVerySmallSquare", 0x25ab},
    {"Eogon", 0x118}, {"Eopf", 0x1d53c}, {"Epsilon", 0x395}, {"Equal", 0x2a75},
    {"EqualTilde", 0x2242}, {"Equilibrium", 0x21cc}, {"Escr", 0x2130}, {"Esim", 0x2a73},
    {"Eta", 0x397}, {"Euml", 0x20000cb}, {"Exists", 0x2203}, {"ExponentialE", 0x2147},
    {"Fcy", 0x424}, {"Ffr", 0x1d509}, {"FilledSmallSquare", 0x25fc}, {"FilledVerySmallSquare", 0x25aa},
    {"Fopf", 0x1d53d}, {"ForAll", 0x2200}, {"Fouriertrf", 0x2131}, {"Fscr", 0x2131},
    {"GJcy", 0x403}, {"GT", 0x200003e}, {"Gamma", 0x393}, {"Gammad", 0x3dc},
    {"Gbreve", 0x11e}, {"Gcedil", 0x122}, {"Gcirc", 0x11c}, {"Gcy", 0x413},
    {"Gdot", 0x120}, {"Gfr", 0x1d50a}, {"Gg", 0x22d9}, {"Gopf", 0x1d53e},
    {"GreaterEqual", 0x2265}, {"GreaterEqualLess", 0x22db}, {"GreaterFullEqual", 0x2267}, {"GreaterGreater", 0x2aa2},
    {"GreaterLess", 0x2277}, {"GreaterSlantEqual", 0x2a7e}, {"GreaterTilde", 0x2273}, {"Gscr", 0x1d4a2},
    {"Gt", 0x226b}, {"HARDcy", 0x42a}, {"Hacek", 0x2c7}, {"Hat", 0x5e},
    {"Hcirc", 0x124}, {"Hfr", 0x210c}, {"HilbertSpace", 0x210b}, {"Hopf", 0x210d},
    {"HorizontalLine", 0x2500}, {"Hscr", 0x210b}, {"Hstrok", 0x126}, {"HumpDownHump", 0x224e},
    {"HumpEqual", 0x224f}, {"IEcy", 0x415}, {"IJlig", 0x132}, {"IOcy", 0x401},
    {"Iacute", 0x20000cd}, {"Icirc", 0x20000ce}, {"Icy", 0x418}, {"Idot", 0x130},
    {"Ifr", 0x2111}, {"Igrave", 0x20000cc}, {"Im", 0x2111}, {"Imacr", 0x12a},
    {"ImaginaryI", 0x2148}, {"Implies", 0x21d2}, {"Int", 0x222c}, {"Integral", 0x222b},
    {"Intersection", 0x22c2}, {"InvisibleComma", 0x2063}, {"InvisibleTimes", 0x2062}, {"Iogon", 0x12e},
    {"Iopf", 0x1d540}, {"Iota", 0x399}, {"Iscr", 0x2110}, {"Itilde", 0x128},
    {"Iukcy", 0x406}, {"Iuml", 0x20000cf}, {"Jcirc", 0x134}, {"Jcy", 0x419},
    {"Jfr", 0x1d50d}, {"Jopf", 0x1d541}, {"Jscr", 0x1d4a5}, {"Jsercy", 0x408},
    {"Jukcy", 0x404}, {"KHcy", 0x425}, {"KJcy", 0x40c}, {"Kappa", 0x39a},
    {"Kcedil", 0x136}, {"Kcy", 0x41a}, {"Kfr", 0x1d50e}, {"Kopf", 0x1d542},
    {"Kscr", 0x1d4a6}, {"LJcy", 0x409}, {"LT", 0x200003c}, {"Lacute", 0x139},
    {"Lambda", 0x39b}, {"Lang", 0x27ea}, {"Laplacetrf", 0x2112}, {"Larr", 0x219e},
    {"Lcaron", 0x13d}, {"Lcedil", 0x13b}, {"Lcy", 0x41b}, {"LeftAngleBracket", 0x27e8},
    {"LeftArrow", 0x2190}, {"LeftArrowBar", 0x21e4}, {"LeftArrowRightArrow", 0x21c6}, {"LeftCeiling", 0x2308},
    {"LeftDoubleBracket", 0x27e6}, {"LeftDownTeeVector", 0x2961}, {"LeftDownVector", 0x21c3}, {"LeftDownVectorBar", 0x2959},
    {"LeftFloor", 0x230a}, {"LeftRightArrow", 0x2194}, {"LeftRightVector", 0x294e}, {"LeftTee", 0x22a3},
    {"LeftTeeArrow", 0x21a4}, {"LeftTeeVector", 0x295a}, {"LeftTriangle", 0x22b2}, {"LeftTriangleBar", 0x29cf},
    {"LeftTriangleEqual", 0x22b4}, {"LeftUpDownVector", 0x2951}, {"LeftUpTeeVector", 0x2960}, {"LeftUpVector", 0x21bf},
    {"LeftUpVectorBar", 0x2958}, {"LeftVector", 0x21bc}, {"LeftVectorBar", 0x2952}, {"Leftarrow", 0x21d0},
    {"Leftrightarrow", 0x21d4}, {"LessEqualGreater", 0x22da}, {"LessFullEqual", 0x2266}, {"LessGreater", 0x2276},
    {"LessLess", 0x2aa1}, {"LessSlantEqual", 0x2a7d}, {"LessTilde", 0x2272}, {"Lfr", 0x1d50f},
    {"Ll", 0x22d8}, {"Lleftarrow", 0x21da}, {"Lmidot", 0x13f}, {"LongLeftArrow", 0x27f5},
    {"LongLeftRightArrow", 0x27f7}, {"LongRightArrow", 0x27f6}, {"Longleftarrow", 0x27f8}, {"Longleftrightarrow", 0x27fa},
    {"Longrightarrow", 0x27f9}, {"Lopf", 0x1d543}, {"LowerLeftArrow", 0x2199}, {"LowerRightArrow", 0x2198},
    {"Lscr", 0x2112}, {"Lsh", 0x21b0}, {"Lstrok", 0x141}, {"Lt", 0x226a},
    {"Map", 0x2905}, {"Mcy", 0x41c}, {"MediumSpace", 0x205f}, {"Mellintrf", 0x2133},
    {"Mfr", 0x1d510}, {"MinusPlus", 0x2213}, {"Mopf", 0x1d544}, {"Mscr", 0x2133},
    {"Mu", 0x39c}, {"NJcy", 0x40a}, {"Nacute", 0x143}, {"Ncaron", 0x147},
    {"Ncedil", 0x145}, {"Ncy", 0x41d}, {"NegativeMediumSpace", 0x200b}, {"NegativeThickSpace", 0x200b},
    {"NegativeThinSpace", 0x200b}, {"NegativeVeryThinSpace", 0x200b}, {"NestedGreaterGreater", 0x226b}, {"NestedLessLess", 0x226a},
    {"NewLine", 0xa}, {"Nfr", 0x1d511}, {"NoBreak", 0x2060}, {"NonBreakingSpace", 0xa0},
    {"Nopf", 0x2115}, {"Not", 0x2aec}, {"NotCongruent", 0x2262}, {"NotCupCap", 0x226d},
    {"NotDoubleVerticalBar", 0x2226}, {"NotElement", 0x2209}, {"NotEqual", 0x2260}, {"NotEqualTilde", 0x802242},
    {"NotExists", 0x2204}, {"NotGreater", 0x226f}, {"NotGreaterEqual", 0x2271}, {"NotGreaterFullEqual", 0x802267},
    {"NotGreaterGreater", 0x80226b}, {"NotGreaterLess", 0x2279}, {"NotGreaterSlantEqual", 0x802a7e}, {"NotGreaterTilde", 0x2275},
    {"NotHumpDownHump", 0x80224e}, {"NotHumpEqual", 0x80224f}, {"NotLeftTriangle", 0x22ea}, {"NotLeftTriangleBar", 0x8029cf},
    {"NotLeftTriangleEqual", 0x22ec}, {"NotLess", 0x226e}, {"NotLessEqual", 0x2270}, {"NotLessGreater", 0x2278},
    {"NotLessLess", 0x80226a}, {"NotLessSlantEqual", 0x802a7d}, {"NotLessTilde", 0x2274}, {"NotNestedGreaterGreater", 0x802aa2},
    {"NotNestedLessLess", 0x802aa1}, {"NotPrecedes", 0x2280}, {"NotPrecedesEqual", 0x802aaf}, {"NotPrecedesSlantEqual", 0x22e0},
    {"NotReverseElement", 0x220c}, {"NotRightTriangle", 0x22eb}, {"NotRightTriangleBar", 0x8029d0}, {"NotRightTriangleEqual", 0x22ed},
    {"NotSquareSubset", 0x80228f}, {"NotSquareSubsetEqual", 0x22e2}, {"NotSquareSuperset", 0x802290}, {"NotSquareSupersetEqual", 0x22e3},
    {"NotSubset", 0xc02282}, {"NotSubsetEqual", 0x2288}, {"NotSucceeds", 0x2281}, {"NotSucceedsEqual", 0x802ab0},
    {"NotSucceedsSlantEqual", 0x22e1}, {"NotSucceedsTilde", 0x80227f}, {"NotSuperset", 0xc02283}, {"NotSupersetEqual", 0x2289},
    {"NotTilde", 0x2241}, {"NotTildeEqual", 0x2244}, {"NotTildeFullEqual", 0x2247}, {"NotTildeTilde", 0x2249},
    {"NotVerticalBar", 0x2224}, {"Nscr", 0x1d4a9}, {"Ntilde", 0x20000d1}, {"Nu", 0x39d},
    {"OElig", 0x152}, {"Oacute", 0x20000d3}, {"Ocirc", 0x20000d4}, {"Ocy", 0x41e},
    {"Odblac", 0x150}, {"Ofr", 0x1d512}, {"Ograve", 0x20000d2}, {"Omacr", 0x14c},
    {"Omega", 0x3a9}, {"Omicron", 0x39f}, {"Oopf", 0x1d546}, {"OpenCurlyDoubleQuote", 0x201c},
    {"OpenCurlyQuote", 0x2018}, {"Or", 0x2a54}, {"Oscr", 0x1d4aa}, {"Oslash", 0x20000d8},
    {"Otilde", 0x20000d5}, {"Otimes", 0x2a37}, {"Ouml", 0x20000d6}, {"OverBar", 0x203e},
    {"OverBrace", 0x23de}, {"OverBracket", 0x23b4}, {"OverParenthesis", 0x23dc}, {"PartialD", 0x2202},
    {"Pcy", 0x41f}, {"Pfr", 0x1d513}, {"Phi", 0x3a6}, {"Pi", 0x3a0},
    {"PlusMinus", 0xb1}, {"Poincareplane", 0x210c}, {"Popf", 0x2119}, {"Pr", 0x2abb},
    {"Precedes", 0x227a}, {"PrecedesEqual", 0x2aaf}, {"PrecedesSlantEqual", 0x227c}, {"PrecedesTilde", 0x227e},
    {"Prime", 0x2033}, {"Product", 0x220f}, {"Proportion", 0x2237}, {"Proportional", 0x221d},
    {"Pscr", 0x1d4ab}, {"Psi", 0x3a8}, {"QUOT", 0x2000022}, {"Qfr", 0x1d514},
    {"Qopf", 0x211a}, {"Qscr", 0x1d4ac}, {"RBarr", 0x2910}, {"REG", 0x20000ae},
    {"Racute", 0x154}, {"Rang", 0x27eb}, {"Rarr", 0x21a0}, {"Rarrtl", 0x2916},
    {"Rcaron", 0x158}, {"Rcedil", 0x156}, {"Rcy", 0x420}, {"Re", 0x211c},
    {"ReverseElement", 0x220b}, {"ReverseEquilibrium", 0x21cb}, {"ReverseUpEquilibrium", 0x296f}, {"Rfr", 0x211c},
    {"Rho", 0x3a1}, {"RightAngleBracket", 0x27e9}, {"RightArrow", 0x2192}, {"RightArrowBar", 0x21e5},
    {"RightArrowLeftArrow", 0x21c4}, {"RightCeiling", 0x2309}, {"RightDoubleBracket", 0x27e7}, {"RightDownTeeVector", 0x295d},
    {"RightDownVector", 0x21c2}, {"RightDownVectorBar", 0x2955}, {"RightFloor", 0x230b}, {"RightTee", 0x22a2},
    {"RightTeeArrow", 0x21a6}, {"RightTeeVector", 0x295b}, {"RightTriangle", 0x22b3}, {"RightTriangleBar", 0x29d0},
    {"RightTriangleEqual", 0x22b5}, {"RightUpDownVector", 0x294f}, {"RightUpTeeVector", 0x295c}, {"RightUpVector", 0x21be},
    {"RightUpVectorBar", 0x2954}, {"RightVector", 0x21c0}, {"RightVectorBar", 0x2953}, {"Rightarrow", 0x21d2},
    {"Ropf", 0x211d}, {"RoundImplies", 0x2970}, {"Rrightarrow", 0x21db}, {"Rscr", 0x211b},
    {"Rsh", 0x21b1}, {"RuleDelayed", 0x29f4}, {"SHCHcy", 0x429}, {"SHcy", 0x428},
    {"SOFTcy", 0x42c}, {"Sacute", 0x15a}, {"Sc", 0x2abc}, {"Scaron", 0x160},
    {"Scedil", 0x15e}, {"Scirc", 0x15c}, {"Scy", 0x421}, {"Sfr", 0x1d516},
    {"ShortDownArrow", 0x2193}, {"ShortLeftArrow", 0x2190}, {"ShortRightArrow", 0x2192}, {"ShortUpArrow", 0x2191},
    {"Sigma", 0x3a3}, {"SmallCircle", 0x2218}, {"Sopf", 0x1d54a}, {"Sqrt", 0x221a},
    {"Square", 0x25a1}, {"SquareIntersection", 0x2293}, {"SquareSubset", 0x228f}, {"SquareSubsetEqual", 0x2291},
    {"SquareSuperset", 0x2290}, {"SquareSupersetEqual", 0x2292}, {"SquareUnion", 0x2294}, {"Sscr", 0x1d4ae},
    {"Star", 0x22c6}, {"Sub", 0x22d0}, {"Subset", 0x22d0}, {"SubsetEqual", 0x2286},
    {"Succeeds", 0x227b}, {"SucceedsEqual", 0x2ab0}, {"SucceedsSlantEqual", 0x227d}, {"SucceedsTilde", 0x227f},
    {"SuchThat", 0x220b}, {"Sum", 0x2211}, {"Sup", 0x22d1}, {"Superset", 0x2283},
    {"SupersetEqual", 0x2287}, {"Supset", 0x22d1}, {"THORN", 0x20000de}, {"TRADE", 0x2122},
    {"TSHcy", 0x40b}, {"TScy", 0x426}, {"Tab", 0x9}, {"Tau", 0x3a4},
    {"Tcaron", 0x164}, {"Tcedil", 0x162}, {"Tcy", 0x422}, {"Tfr", 0x1d517},
    {"Therefore", 0x2234}, {"Theta", 0x398}, {"ThickSpace", 0xa0205f}, {"ThinSpace", 0x2009},
    {"Tilde", 0x223c}, {"TildeEqual", 0x2243}, {"TildeFullEqual", 0x2245}, {"TildeTilde", 0x2248},
    {"Topf", 0x1d54b}, {"TripleDot", 0x20db}, {"Tscr", 0x1d4af}, {"Tstrok", 0x166},
    {"Uacute", 0x20000da}, {"Uarr", 0x219f}, {"Uarrocir", 0x2949}, {"Ubrcy", 0x40e},
    {"Ubreve", 0x16c}, {"Ucirc", 0x20000db}, {"Ucy", 0x423}, {"Udblac", 0x170},
    {"Ufr", 0x1d518}, {"Ugrave", 0x20000d9}, {"Umacr", 0x16a}, {"UnderBar", 0x5f},
    {"UnderBrace", 0x23df}, {"UnderBracket", 0x23b5}, {"UnderParenthesis", 0x23dd}, {"Union", 0x22c3},
    {"UnionPlus", 0x228e}, {"Uogon", 0x172}, {"Uopf", 0x1d54c}, {"UpArrow", 0x2191},
    {"UpArrowBar", 0x2912}, {"UpArrowDownArrow", 0x21c5}, {"UpDownArrow", 0x2195}, {"UpEquilibrium", 0x296e},
    {"UpTee", 0x22a5}, {"UpTeeArrow", 0x21a5}, {"Uparrow", 0x21d1}, {"Updownarrow", 0x21d5},
    {"UpperLeftArrow", 0x2196}, {"UpperRightArrow", 0x2197}, {"Upsi", 0x3d2}, {"Upsilon", 0x3a5},
    {"Uring", 0x16e}, {"Uscr", 0x1d4b0}, {"Utilde", 0x168}, {"Uuml", 0x20000dc},
    {"VDash", 0x22ab}, {"Vbar", 0x2aeb}, {"Vcy", 0x412}, {"Vdash", 0x22a9},
    {"Vdashl", 0x2ae6}, {"Vee", 0x22c1}, {"Verbar", 0x2016}, {"Vert", 0x2016},
    {"VerticalBar", 0x2223}, {"VerticalLine", 0x7c}, {"VerticalSeparator", 0x2758}, {"VerticalTilde", 0x2240},
    {"VeryThinSpace", 0x200a}, {"Vfr", 0x1d519}, {"Vopf", 0x1d54d}, {"Vscr", 0x1d4b1},
    {"Vvdash", 0x22aa}, {"Wcirc", 0x174}, {"Wedge", 0x22c0}, {"Wfr", 0x1d51a},
    {"Wopf", 0x1d54e}, {"Wscr", 0x1d4b2}, {"Xfr", 0x1d51b}, {"Xi", 0x39e},
    {"Xopf", 0x1d54f}, {"Xscr", 0x1d4b3}, {"YAcy", 0x42f}, {"YIcy", 0x407},
    {"YUcy", 0x42e}, {"Yacute", 0x20000dd}, {"Ycirc", 0x176}, {"Ycy", 0x42b},
    {"Yfr", 0x1d51c}, {"Yopf", 0x1d550}, {"Yscr", 0x1d4b4}, {"Yuml", 0x178},
    {"ZHcy", 0x416}, {"Zacute", 0x179}, {"Zcaron", 0x17d}, {"Zcy", 0x417},
    {"Zdot", 0x17b}, {"ZeroWidthSpace", 0x200b}, {"Zeta", 0x396}, {"Zfr", 0x2128},
    {"Zopf", 0x2124}, {"Zscr", 0x1d4b5}, {"aacute", 0x60000e1}, {"abreve", 0x4000103},
    {"ac", 0x400223e}, {"acE", 0x60223e}, {"acd", 0x400223f}, {"acirc", 0x60000e2},
    {"acute", 0x60000b4}, {"acy", 0x4000430}, {"aelig", 0x60000e6}, {"af", 0x4002061},
    {"afr", 0x401d51e}, {"agrave", 0x60000e0}, {"alefsym", 0x4002135}, {"aleph", 0x4002135},
    {"alpha", 0x40003b1}, {"amacr", 0x4000101}, {"amalg", 0x4002a3f}, {"amp", 0x2000026},
    {"and", 0x4002227}, {"andand", 0x4002a55}, {"andd", 0x4002a5c}, {"andslope", 0x4002a58},
    {"andv", 0x4002a5a}, {"ang", 0x4002220}, {"ange", 0x40029a4}, {"angle", 0x4002220},
    {"angmsd", 0x4002221}, {"angmsdaa", 0x40029a8}, {"angmsdab", 0x40029a9}, {"angmsdac", 0x40029aa},
    {"angmsdad", 0x40029ab}, {"angmsdae", 0x40029ac}, {"angmsdaf", 0x40029ad}, {"angmsdag", 0x40029ae},
    {"angmsdah", 0x40029af}, {"angrt", 0x400221f}, {"angrtvb", 0x40022be}, {"angrtvbd", 0x400299d},
    {"angsph", 0x4002222}, {"angst", 0x40000c5}, {"angzarr", 0x400237c}, {"aogon", 0x4000105},
    {"aopf", 0x401d552}, {"ap", 0x4002248}, {"apE", 0x2a70}, {"apacir", 0x4002a6f},
    {"ape", 0x400224a}, {"apid", 0x400224b}, {"apos", 0x4000027}, {"approx", 0x4002248},
    {"approxeq", 0x400224a}, {"aring", 0x60000e5}, {"ascr", 0x401d4b6}, {"ast", 0x400002a},
    {"asymp", 0x4002248}, {"asympeq", 0x400224d}, {"atilde", 0x60000e3}, {"auml", 0x60000e4},
    {"awconint", 0x4002233}, {"awint", 0x4002a11}, {"bNot", 0x2aed}, {"backcong", 0x400224c},
    {"backepsilon", 0x40003f6}, {"backprime", 0x4002035}, {"backsim", 0x400223d}, {"backsimeq", 0x40022cd},
    {"barvee", 0x40022bd}, {"barwed", 0x4002305}, {"barwedge", 0x4002305}, {"bbrk", 0x40023b5},
    {"bbrktbrk", 0x40023b6}, {"bcong", 0x400224c}, {"bcy", 0x4000431}, {"bdquo", 0x400201e},
    {"becaus", 0x4002235}, {"because", 0x4002235}, {"bemptyv", 0x40029b0}, {"bepsi", 0x40003f6},
    {"bernou", 0x400212c}, {"beta", 0x40003b2}, {"beth", 0x4002136}, {"between", 0x400226c},
    {"bfr", 0x401d51f}, {"bigcap", 0x40022c2}, {"bigcirc", 0x40025ef}, {"bigcup", 0x40022c3},
    {"bigodot", 0x4002a00}, {"bigoplus", 0x4002a01}, {"bigotimes", 0x4002a02}, {"bigsqcup", 0x4002a06},
    {"bigstar", 0x4002605}, {"bigtriangledown", 0x40025bd}, {"bigtriangleup", 0x40025b3}, {"biguplus", 0x4002a04},
    {"bigvee", 0x40022c1}, {"bigwedge", 0x40022c0}, {"bkarow", 0x400290d}, {"blacklozenge", 0x40029eb},
    {"blacksquare", 0x40025aa}, {"blacktriangle", 0x40025b4}, {"blacktriangledown", 0x40025be}, {"blacktriangleleft", 0x40025c2},
    {"blacktriangleright", 0x40025b8}, {"blank", 0x4002423}, {"blk12", 0x4002592}, {"blk14", 0x4002591},
    {"blk34", 0x4002593}, {"block", 0x4002588}, {"bne", 0x4e0003d}, {"bnequiv", 0x4e02261},
    {"bnot", 0x4002310}, {"bopf", 0x401d553}, {"bot", 0x40022a5}, {"bottom", 0x40022a5},
    {"bowtie", 0x40022c8}, {"boxDL", 0x2557}, {"boxDR", 0x2554}, {"boxDl", 0x2556},
    {"boxDr", 0x2553}, {"boxH", 0x2550}, {"boxHD", 0x2566}, {"boxHU", 0x2569},
    {"boxHd", 0x2564}, {"boxHu", 0x2567}, {"boxUL", 0x255d}, {"boxUR", 0x255a},
    {"boxUl", 0x255c}, {"boxUr", 0x2559}, {"boxV", 0x2551}, {"boxVH", 0x256c},
    {"boxVL", 0x2563}, {"boxVR", 0x2560}, {"boxVh", 0x256b}, {"boxVl", 0x2562},
    {"boxVr", 0x255f}, {"boxbox", 0x40029c9}, {"boxdL", 0x2555}, {"boxdR", 0x2552},
    {"boxdl", 0x4002510}, {"boxdr", 0x400250c}, {"boxh", 0x4002500}, {"boxhD", 0x2565},
    {"boxhU", 0x2568}, {"boxhd", 0x400252c}, {"boxhu", 0x4002534}, {"boxminus", 0x400229f},
    {"boxplus", 0x400229e}, {"boxtimes", 0x40022a0}, {"boxuL", 0x255b}, {"boxuR", 0x2558},
    {"boxul", 0x4002518}, {"boxur", 0x4002514}, {"boxv", 0x4002502}, {"boxvH", 0x256a},
    {"boxvL", 0x2561}, {"boxvR", 0x255e}, {"boxvh", 0x400253c}, {"boxvl", 0x4002524},
    {"boxvr", 0x400251c}, {"bprime", 0x4002035}, {"breve", 0x40002d8}, {"brvbar", 0x60000a6},
    {"bscr", 0x401d4b7}, {"bsemi", 0x400204f}, {"bsim", 0x400223d}, {"bsime", 0x40022cd},
    {"bsol", 0x400005c}, {"bsolb", 0x40029c5}, {"bsolhsub", 0x40027c8}, {"bull", 0x4002022},
    {"bullet", 0x4002022}, {"bump", 0x400224e}, {"bumpE", 0x2aae}, {"bumpe", 0x400224f},
    {"bumpeq", 0x400224f}, {"cacute", 0x4000107}, {"cap", 0x4002229}, {"capand", 0x4002a44},
    {"capbrcup", 0x4002a49}, {"capcap", 0x4002a4b}, {"capcup", 0x4002a47}, {"capdot", 0x4002a40},
    {"caps", 0x5002229}, {"caret", 0x4002041}, {"caron", 0x40002c7}, {"ccaps", 0x4002a4d},
    {"ccaron", 0x400010d}, {"ccedil", 0x60000e7}, {"ccirc", 0x4000109}, {"ccups", 0x4002a4c},
    {"ccupssm", 0x4002a50}, {"cdot", 0x400010b}, {"cedil", 0x60000b8}, {"cemptyv", 0x40029b2},
    {"cent", 0x60000a2}, {"centerdot", 0x40000b7}, {"cfr", 0x401d520}, {"chcy", 0x4000447},
    {"check", 0x4002713}, {"checkmark", 0x4002713}, {"chi", 0x40003c7}, {"cir", 0x40025cb},
    {"cirE", 0x29c3}, {"circ", 0x40002c6}, {"circeq", 0x4002257}, {"circlearrowleft", 0x40021ba},
    {"circlearrowright", 0x40021bb}, {"circledR", 0xae}, {"circledS", 0x24c8}, {"circledast", 0x400229b},
    {"circledcirc", 0x400229a}, {"circleddash", 0x400229d}, {"cire", 0x4002257}, {"cirfnint", 0x4002a10},
    {"cirmid", 0x4002aef}, {"cirscir", 0x40029c2}, {"clubs", 0x4002663}, {"clubsuit", 0x4002663},
    {"colon", 0x400003a}, {"colone", 0x4002254}, {"coloneq", 0x4002254}, {"comma", 0x400002c},
    {"commat", 0x4000040}, {"comp", 0x4002201}, {"compfn", 0x4002218}, {"complement", 0x4002201},
    {"complexes", 0x4002102}, {"cong", 0x4002245}, {"congdot", 0x4002a6d}, {"conint", 0x400222e},
    {"copf", 0x401d554}, {"coprod", 0x4002210}, {"copy", 0x20000a9}, {"copysr", 0x2117},
    {"crarr", 0x40021b5}, {"cross", 0x4002717}, {"cscr", 0x401d4b8}, {"csub", 0x4002acf},
    {"csube", 0x4002ad1}, {"csup", 0x4002ad0}, {"csupe", 0x4002ad2}, {"ctdot", 0x40022ef},
    {"cudarrl", 0x4002938}, {"cudarrr", 0x4002935}, {"cuepr", 0x40022de}, {"cuesc", 0x40022df},
    {"cularr", 0x40021b6}, {"cularrp", 0x400293d}, {"cup", 0x400222a}, {"cupbrcap", 0x4002a48},
    {"cupcap", 0x4002a46}, {"cupcup", 0x4002a4a}, {"cupdot", 0x400228d}, {"cupor", 0x4002a45},
    {"cups", 0x500222a}, {"curarr", 0x40021b7}, {"curarrm", 0x400293c}, {"curlyeqprec", 0x40022de},
    {"curlyeqsucc", 0x40022df}, {"curlyvee", 0x40022ce}, {"curlywedge", 0x40022cf}, {"curren", 0x60000a4},
    {"curvearrowleft", 0x40021b6}, {"curvearrowright", 0x40021b7}, {"cuvee", 0x40022ce}, {"cuwed", 0x40022cf},
    {"cwconint", 0x4002232}, {"cwint", 0x4002231}, {"cylcty", 0x400232d}, {"dArr", 0x21d3},
    {"dHar", 0x2965}, {"dagger", 0x4002020}, {"daleth", 0x4002138}, {"darr", 0x4002193},
    {"dash", 0x4002010}, {"dashv", 0x40022a3}, {"dbkarow", 0x400290f}, {"dblac", 0x40002dd},
    {"dcaron", 0x400010f}, {"dcy", 0x4000434}, {"dd", 0x2146}, {"ddagger", 0x4002021},
    {"ddarr", 0x40021ca}, {"ddotseq", 0x4002a77}, {"deg", 0x60000b0}, {"delta", 0x40003b4},
    {"demptyv", 0x40029b1}, {"dfisht", 0x400297f}, {"dfr", 0x401d521}, {"dharl", 0x40021c3},
    {"dharr", 0x40021c2}, {"diam", 0x40022c4}, {"diamond", 0x40022c4}, {"diamondsuit", 0x4002666},
    {"diams", 0x4002666}, {"die", 0x40000a8}, {"digamma", 0x40003dd}, {"disin", 0x40022f2},
    {"div", 0x40000f7}, {"divide", 0x60000f7}, {"divideontimes", 0x40022c7}, {"divonx", 0x40022c7},
    {"djcy", 0x4000452}, {"dlcorn", 0x400231e}, {"dlcrop", 0x400230d}, {"dollar", 0x4000024},
    {"dopf", 0x401d555}, {"dot", 0x40002d9}, {"doteq", 0x4002250}, {"doteqdot", 0x4002251},
    {"dotminus", 0x4002238}, {"dotplus", 0x4002214}, {"dotsquare", 0x40022a1}, {"doublebarwedge", 0x4002306},
    {"downarrow", 0x4002193}, {"downdownarrows", 0x40021ca}, {"downharpoonleft", 0x40021c3}, {"downharpoonright", 0x40021c2},
    {"drbkarow", 0x4002910}, {"drcorn", 0x400231f}, {"drcrop", 0x400230c}, {"dscr", 0x401d4b9},
    {"dscy", 0x4000455}, {"dsol", 0x40029f6}, {"dstrok", 0x4000111}, {"dtdot", 0x40022f1},
    {"dtri", 0x40025bf}, {"dtrif", 0x40025be}, {"duarr", 0x40021f5}, {"duhar", 0x400296f},
    {"dwangle", 0x40029a6}, {"dzcy", 0x400045f}, {"dzigrarr", 0x40027ff}, {"eDDot", 0x2a77},
    {"eDot", 0x2251}, {"eacute", 0x60000e9}, {"easter", 0x4002a6e}, {"ecaron", 0x400011b},
    {"ecir", 0x4002256}, {"ecirc", 0x60000ea}, {"ecolon", 0x4002255}, {"ecy", 0x400044d},
    {"edot", 0x4000117}, {"ee", 0x4002147}, {"efDot", 0x2252}, {"efr", 0x401d522},
    {"eg", 0x4002a9a}, {"egrave", 0x60000e8}, {"egs", 0x4002a96}, {"egsdot", 0x4002a98},
    {"el", 0x4002a99}, {"elinters", 0x40023e7}, {"ell", 0x4002113}, {"els", 0x4002a95},
    {"elsdot", 0x4002a97}, {"emacr", 0x4000113}, {"empty", 0x4002205}, {"emptyset", 0x4002205},
    {"emptyv", 0x4002205}, {"emsp", 0x4002003}, {"emsp13", 0x4002004}, {"emsp14", 0x4002005},
    {"eng", 0x14b}, {"ensp", 0x4002002}, {"eogon", 0x4000119}, {"eopf", 0x401d556},
    {"epar", 0x40022d5}, {"eparsl", 0x40029e3}, {"eplus", 0x4002a71}, {"epsi", 0x40003b5},
    {"epsilon", 0x40003b5}, {"epsiv", 0x40003f5}, {"eqcirc", 0x4002256}, {"eqcolon", 0x4002255},
    {"eqsim", 0x4002242}, {"eqslantgtr", 0x4002a96}, {"eqslantless", 0x4002a95}, {"equals", 0x400003d},
    {"equest", 0x400225f}, {"equiv", 0x4002261}, {"equivDD", 0x2a78}, {"eqvparsl", 0x40029e5},
    {"erDot", 0x2253}, {"erarr", 0x4002971}, {"escr", 0x400212f}, {"esdot", 0x4002250},
    {"esim", 0x4002242}, {"eta", 0x40003b7}, {"eth", 0x20000f0}, {"euml", 0x60000eb},
    {"euro", 0x40020ac}, {"excl", 0x4000021}, {"exist", 0x4002203}, {"expectation", 0x4002130},
    {"exponentiale", 0x4002147}, {"fallingdotseq", 0x4002252}, {"fcy", 0x4000444}, {"female", 0x4002640},
    {"ffilig", 0x400fb03}, {"fflig", 0x400fb00}, {"ffllig", 0x400fb04}, {"ffr", 0x401d523},
    {"filig", 0x400fb01}, {"fjlig", 0x4200066}, {"flat", 0x400266d}, {"fllig", 0x400fb02},
    {"fltns", 0x40025b1}, {"fnof", 0x4000192}, {"fopf", 0x401d557}, {"forall", 0x4002200},
    {"fork", 0x40022d4}, {"forkv", 0x4002ad9}, {"fpartint", 0x4002a0d}, {"frac12", 0x60000bd},
    {"frac13", 0x4002153}, {"frac14", 0x60000bc}, {"frac15", 0x4002155}, {"frac16", 0x4002159},
    {"frac18", 0x400215b}, {"frac23", 0x4002154}, {"frac25", 0x4002156}, {"frac34", 0x60000be},
    {"frac35", 0x4002157}, {"frac38", 0x400215c}, {"frac45", 0x4002158}, {"frac56", 0x400215a},
    {"frac58", 0x400215d}, {"frac78", 0x400215e}, {"frasl", 0x4002044}, {"frown", 0x4002322},
    {"fscr", 0x401d4bb}, {"gE", 0x2267}, {"gEl", 0x2a8c}, {"gacute", 0x40001f5},
    {"gamma", 0x40003b3}, {"gammad", 0x40003dd}, {"gap", 0x4002a86}, {"gbreve", 0x400011f},
    {"gcirc", 0x400011d}, {"gcy", 0x4000433}, {"gdot", 0x4000121}, {"ge", 0x4002265},
    {"gel", 0x40022db}, {"geq", 0x4002265}, {"geqq", 0x4002267}, {"geqslant", 0x4002a7e},
    {"ges", 0x4002a7e}, {"gescc", 0x4002aa9}, {"gesdot", 0x4002a80}, {"gesdoto", 0x4002a82},
    {"gesdotol", 0x4002a84}, {"gesl", 0x50022db}, {"gesles", 0x4002a94}, {"gfr", 0x401d524},
    {"gg", 0x400226b}, {"ggg", 0x40022d9}, {"gimel", 0x4002137}, {"gjcy", 0x4000453},
    {"gl", 0x4002277}, {"glE", 0x2a92}, {"gla", 0x4002aa5}, {"glj", 0x4002aa4},
    {"gnE", 0x2269}, {"gnap", 0x4002a8a}, {"gnapprox", 0x4002a8a}, {"gne", 0x4002a88},
    {"gneq", 0x4002a88}, {"gneqq", 0x4002269}, {"gnsim", 0x40022e7}, {"gopf", 0x401d558},
    {"grave", 0x4000060}, {"gscr", 0x400210a}, {"gsim", 0x4002273}, {"gsime", 0x4002a8e},
    {"gsiml", 0x4002a90}, {"gt", 0x200003e}, {"gtcc", 0x2aa7}, {"gtcir", 0x2a7a},
    {"gtdot", 0x22d7}, {"gtlPar", 0x2995}, {"gtquest", 0x2a7c}, {"gtrapprox", 0x2a86},
    {"gtrarr", 0x2978}, {"gtrdot", 0x22d7}, {"gtreqless", 0x22db}, {"gtreqqless", 0x2a8c},
    {"gtrless", 0x2277}, {"gtrsim", 0x2273}, {"gvertneqq", 0x5002269}, {"gvnE", 0x1002269},
    {"hArr", 0x21d4}, {"hairsp", 0x400200a}, {"half", 0x40000bd}, {"hamilt", 0x400210b},
    {"hardcy", 0x400044a}, {"harr", 0x4002194}, {"harrcir", 0x4002948}, {"harrw", 0x40021ad},
    {"hbar", 0x400210f}, {"hcirc", 0x4000125}, {"hearts", 0x4002665}, {"heartsuit", 0x4002665},
    {"hellip", 0x4002026}, {"hercon", 0x40022b9}, {"hfr", 0x401d525}, {"hksearow", 0x4002925},
    {"hkswarow", 0x4002926}, {"hoarr", 0x40021ff}, {"homtht", 0x400223b}, {"hookleftarrow", 0x40021a9},
    {"hookrightarrow", 0x40021aa}, {"hopf", 0x401d559}, {"horbar", 0x4002015}, {"hscr", 0x401d4bd},
    {"hslash", 0x400210f}, {"hstrok", 0x4000127}, {"hybull", 0x4002043}, {"hyphen", 0x4002010},
    {"iacute", 0x60000ed}, {"ic", 0x4002063}, {"icirc", 0x60000ee}, {"icy", 0x4000438},
    {"iecy", 0x4000435}, {"iexcl", 0x60000a1}, {"iff", 0x40021d4}, {"ifr", 0x401d526},
    {"igrave", 0x60000ec}, {"ii", 0x4002148}, {"iiiint", 0x4002a0c}, {"iiint", 0x400222d},
    {"iinfin", 0x40029dc}, {"iiota", 0x4002129}, {"ijlig", 0x4000133}, {"imacr", 0x400012b},
    {"image", 0x4002111}, {"imagline", 0x4002110}, {"imagpart", 0x4002111}, {"imath", 0x4000131},
    {"imof", 0x40022b7}, {"imped", 0x40001b5}, {"in", 0x4002208}, {"incare", 0x4002105},
    {"infin", 0x400221e}, {"infintie", 0x40029dd}, {"inodot", 0x4000131}, {"int", 0x400222b},
    {"intcal", 0x40022ba}, {"integers", 0x4002124}, {"intercal", 0x40022ba}, {"intlarhk", 0x4002a17},
    {"intprod", 0x4002a3c}, {"iocy", 0x4000451}, {"iogon", 0x400012f}, {"iopf", 0x401d55a},
    {"iota", 0x40003b9}, {"iprod", 0x4002a3c}, {"iquest", 0x60000bf}, {"iscr", 0x401d4be},
    {"isin", 0x4002208}, {"isinE", 0x22f9}, {"isindot", 0x40022f5}, {"isins", 0x40022f4},
    {"isinsv", 0x40022f3}, {"isinv", 0x4002208}, {"it", 0x4002062}, {"itilde", 0x4000129},
    {"iukcy", 0x4000456}, {"iuml", 0x60000ef}, {"jcirc", 0x4000135}, {"jcy", 0x4000439},
    {"jfr", 0x401d527}, {"jmath", 0x4000237}, {"jopf", 0x401d55b}, {"jscr", 0x401d4bf},
    {"jsercy", 0x4000458}, {"jukcy", 0x4000454}, {"kappa", 0x40003ba}, {"kappav", 0x40003f0},
    {"kcedil", 0x4000137}, {"kcy", 0x400043a}, {"kfr", 0x401d528}, {"kgreen", 0x4000138},
    {"khcy", 0x4000445}, {"kjcy", 0x400045c}, {"kopf", 0x401d55c}, {"kscr", 0x401d4c0},
    {"lAarr", 0x21da}, {"lArr", 0x21d0}, {"lAtail", 0x291b}, {"lBarr", 0x290e},
    {"lE", 0x2266}, {"lEg", 0x2a8b}, {"lHar", 0x2962}, {"lacute", 0x400013a},
    {"laemptyv", 0x40029b4}, {"lagran", 0x4002112}, {"lambda", 0x40003bb}, {"lang", 0x40027e8},
    {"langd", 0x4002991}, {"langle", 0x40027e8}, {"lap", 0x4002a85}, {"laquo", 0x60000ab},
    {"larr", 0x4002190}, {"larrb", 0x40021e4}, {"larrbfs", 0x400291f}, {"larrfs", 0x400291d},
    {"larrhk", 0x40021a9}, {"larrlp", 0x40021ab}, {"larrpl", 0x4002939}, {"larrsim", 0x4002973},
    {"larrtl", 0x40021a2}, {"lat", 0x4002aab}, {"latail", 0x4002919}, {"late", 0x4002aad},
    {"lates", 0x5002aad}, {"lbarr", 0x400290c}, {"lbbrk", 0x4002772}, {"lbrace", 0x400007b},
    {"lbrack", 0x400005b}, {"lbrke", 0x400298b}, {"lbrksld", 0x400298f}, {"lbrkslu", 0x400298d},
    {"lcaron", 0x400013e}, {"lcedil", 0x400013c}, {"lceil", 0x4002308}, {"lcub", 0x400007b},
    {"lcy", 0x400043b}, {"ldca", 0x4002936}, {"ldquo", 0x400201c}, {"ldquor", 0x400201e},
    {"ldrdhar", 0x4002967}, {"ldrushar", 0x400294b}, {"ldsh", 0x40021b2}, {"le", 0x4002264},
    {"leftarrow", 0x4002190}, {"leftarrowtail", 0x40021a2}, {"leftharpoondown", 0x40021bd}, {"leftharpoonup", 0x40021bc},
    {"leftleftarrows", 0x40021c7}, {"leftrightarrow", 0x4002194}, {"leftrightarrows", 0x40021c6}, {"leftrightharpoons", 0x40021cb},
    {"leftrightsquigarrow", 0x40021ad}, {"leftthreetimes", 0x40022cb}, {"leg", 0x40022da}, {"leq", 0x4002264},
    {"leqq", 0x4002266}, {"leqslant", 0x4002a7d}, {"les", 0x4002a7d}, {"lescc", 0x4002aa8},
    {"lesdot", 0x4002a7f}, {"lesdoto", 0x4002a81}, {"lesdotor", 0x4002a83}, {"lesg", 0x50022da},
    {"lesges", 0x4002a93}, {"lessapprox", 0x4002a85}, {"lessdot", 0x40022d6}, {"lesseqgtr", 0x40022da},
    {"lesseqqgtr", 0x4002a8b}, {"lessgtr", 0x4002276}, {"lesssim", 0x4002272}, {"lfisht", 0x400297c},
    {"lfloor", 0x400230a}, {"lfr", 0x401d529}, {"lg", 0x4002276}, {"lgE", 0x2a91},
    {"lhard", 0x40021bd}, {"lharu", 0x40021bc}, {"lharul", 0x400296a}, {"lhblk", 0x4002584},
    {"ljcy", 0x4000459}, {"ll", 0x400226a}, {"llarr", 0x40021c7}, {"llcorner", 0x400231e},
    {"llhard", 0x400296b}, {"lltri", 0x40025fa}, {"lmidot", 0x4000140}, {"lmoust", 0x40023b0},
    {"lmoustache", 0x40023b0}, {"lnE", 0x2268}, {"lnap", 0x4002a89}, {"lnapprox", 0x4002a89},
    {"lne", 0x4002a87}, {"lneq", 0x4002a87}, {"lneqq", 0x4002268}, {"lnsim", 0x40022e6},
    {"loang", 0x40027ec}, {"loarr", 0x40021fd}, {"lobrk", 0x40027e6}, {"longleftarrow", 0x40027f5},
    {"longleftrightarrow", 0x40027f7}, {"longmapsto", 0x40027fc}, {"longrightarrow", 0x40027f6}, {"looparrowleft", 0x40021ab},
    {"looparrowright", 0x40021ac}, {"lopar", 0x4002985}, {"lopf", 0x401d55d}, {"loplus", 0x4002a2d},
    {"lotimes", 0x4002a34}, {"lowast", 0x4002217}, {"lowbar", 0x400005f}, {"loz", 0x40025ca},
    {"lozenge", 0x40025ca}, {"lozf", 0x40029eb}, {"lpar", 0x4000028}, {"lparlt", 0x4002993},
    {"lrarr", 0x40021c6}, {"lrcorner", 0x400231f}, {"lrhar", 0x40021cb}, {"lrhard", 0x400296d},
    {"lrm", 0x400200e}, {"lrtri", 0x40022bf}, {"lsaquo", 0x4002039}, {"lscr", 0x401d4c1},
    {"lsh", 0x40021b0}, {"lsim", 0x4002272}, {"lsime", 0x4002a8d}, {"lsimg", 0x4002a8f},
    {"lsqb", 0x400005b}, {"lsquo", 0x4002018}, {"lsquor", 0x400201a}, {"lstrok", 0x4000142},
    {"lt", 0x200003c}, {"ltcc", 0x2aa6}, {"ltcir", 0x2a79}, {"ltdot", 0x22d6},
    {"lthree", 0x22cb}, {"ltimes", 0x22c9}, {"ltlarr", 0x2976}, {"ltquest", 0x2a7b},
    {"ltrPar", 0x2996}, {"ltri", 0x25c3}, {"ltrie", 0x22b4}, {"ltrif", 0x25c2},
    {"lurdshar", 0x400294a}, {"luruhar", 0x4002966}, {"lvertneqq", 0x5002268}, {"lvnE", 0x1002268},
    {"mDDot", 0x223a}, {"macr", 0x60000af}, {"male", 0x4002642}, {"malt", 0x4002720},
    {"maltese", 0x4002720}, {"map", 0x40021a6}, {"mapsto", 0x40021a6}, {"mapstodown", 0x40021a7},
    {"mapstoleft", 0x40021a4}, {"mapstoup", 0x40021a5}, {"marker", 0x40025ae}, {"mcomma", 0x4002a29},
    {"mcy", 0x400043c}, {"mdash", 0x4002014}, {"measuredangle", 0x4002221}, {"mfr", 0x401d52a},
    {"mho", 0x4002127}, {"micro", 0x60000b5}, {"mid", 0x4002223}, {"midast", 0x400002a},
    {"midcir", 0x4002af0}, {"middot", 0x60000b7}, {"minus", 0x4002212}, {"minusb", 0x400229f},
    {"minusd", 0x4002238}, {"minusdu", 0x4002a2a}, {"mlcp", 0x4002adb}, {"mldr", 0x4002026},
    {"mnplus", 0x4002213}, {"models", 0x40022a7}, {"mopf", 0x401d55e}, {"mp", 0x4002213},
    {"mscr", 0x401d4c2}, {"mstpos", 0x400223e}, {"mu", 0x40003bc}, {"multimap", 0x40022b8},
    {"mumap", 0x40022b8}, {"nGg", 0x8022d9}, {"nGt", 0xc0226b}, {"nGtv", 0x80226b},
    {"nLeftarrow", 0x21cd}, {"nLeftrightarrow", 0x21ce}, {"nLl", 0x8022d8}, {"nLt", 0xc0226a},
    {"nLtv", 0x80226a}, {"nRightarrow", 0x21cf}, {"nVDash", 0x22af}, {"nVdash", 0x22ae},
    {"nabla", 0x4002207}, {"nacute", 0x4000144}, {"nang", 0x4c02220}, {"nap", 0x4002249},
    {"napE", 0x802a70}, {"napid", 0x480224b}, {"napos", 0x4000149}, {"napprox", 0x4002249},
    {"natur", 0x400266e}, {"natural", 0x400266e}, {"naturals", 0x4002115}, {"nbsp", 0x60000a0},
    {"nbump", 0x480224e}, {"nbumpe", 0x480224f}, {"ncap", 0x4002a43}, {"ncaron", 0x4000148},
    {"ncedil", 0x4000146}, {"ncong", 0x4002247}, {"ncongdot", 0x4802a6d}, {"ncup", 0x4002a42},
    {"ncy", 0x400043d}, {"ndash", 0x4002013}, {"ne", 0x4002260}, {"neArr", 0x21d7},
    {"nearhk", 0x4002924}, {"nearr", 0x4002197}, {"nearrow", 0x4002197}, {"nedot", 0x4802250},
    {"nequiv", 0x4002262}, {"nesear", 0x4002928}, {"nesim", 0x4802242}, {"nexist", 0x4002204},
    {"nexists", 0x4002204}, {"nfr", 0x401d52b}, {"ngE", 0x802267}, {"nge", 0x4002271},
    {"ngeq", 0x4002271}, {"ngeqq", 0x4802267}, {"ngeqslant", 0x4802a7e}, {"nges", 0x4802a7e},
    {"ngsim", 0x4002275}, {"ngt", 0x400226f}, {"ngtr", 0x400226f}, {"nhArr", 0x21ce},
    {"nharr", 0x40021ae}, {"nhpar", 0x4002af2}, {"ni", 0x400220b}, {"nis", 0x40022fc},
    {"nisd", 0x40022fa}, {"niv", 0x400220b}, {"njcy", 0x400045a}, {"nlArr", 0x21cd},
    {"nlE", 0x802266}, {"nlarr", 0x400219a}, {"nldr", 0x4002025}, {"nle", 0x4002270},
    {"nleftarrow", 0x400219a}, {"nleftrightarrow", 0x40021ae}, {"nleq", 0x4002270}, {"nleqq", 0x4802266},
    {"nleqslant", 0x4802a7d}, {"nles", 0x4802a7d}, {"nless", 0x400226e}, {"nlsim", 0x4002274},
    {"nlt", 0x400226e}, {"nltri", 0x40022ea}, {"nltrie", 0x40022ec}, {"nmid", 0x4002224},
    {"nopf", 0x401d55f}, {"not", 0x60000ac}, {"notin", 0x4002209}, {"notinE", 0x8022f9},
    {"notindot", 0x48022f5}, {"notinva", 0x4002209}, {"notinvb", 0x40022f7}, {"notinvc", 0x40022f6},
    {"notni", 0x400220c}, {"notniva", 0x400220c}, {"notnivb", 0x40022fe}, {"notnivc", 0x40022fd},
    {"npar", 0x4002226}, {"nparallel", 0x4002226}, {"nparsl", 0x4e02afd}, {"npart", 0x4802202},
    {"npolint", 0x4002a14}, {"npr", 0x4002280}, {"nprcue", 0x40022e0}, {"npre", 0x4802aaf},
    {"nprec", 0x4002280}, {"npreceq", 0x4802aaf}, {"nrArr", 0x21cf}, {"nrarr", 0x400219b},
    {"nrarrc", 0x4802933}, {"nrarrw", 0x480219d}, {"nrightarrow", 0x400219b}, {"nrtri", 0x40022eb},
    {"nrtrie", 0x40022ed}, {"nsc", 0x4002281}, {"nsccue", 0x40022e1}, {"nsce", 0x4802ab0},
    {"nscr", 0x401d4c3}, {"nshortmid", 0x4002224}, {"nshortparallel", 0x4002226}, {"nsim", 0x4002241},
    {"nsime", 0x4002244}, {"nsimeq", 0x4002244}, {"nsmid", 0x4002224}, {"nspar", 0x4002226},
    {"nsqsube", 0x40022e2}, {"nsqsupe", 0x40022e3}, {"nsub", 0x4002284}, {"nsubE", 0x802ac5},
    {"nsube", 0x4002288}, {"nsubset", 0x4c02282}, {"nsubseteq", 0x4002288}, {"nsubseteqq", 0x4802ac5},
    {"nsucc", 0x4002281}, {"nsucceq", 0x4802ab0}, {"nsup", 0x4002285}, {"nsupE", 0x802ac6},
    {"nsupe", 0x4002289}, {"nsupset", 0x4c02283}, {"nsupseteq", 0x4002289}, {"nsupseteqq", 0x4802ac6},
    {"ntgl", 0x4002279}, {"ntilde", 0x60000f1}, {"ntlg", 0x4002278}, {"ntriangleleft", 0x40022ea},
    {"ntrianglelefteq", 0x40022ec}, {"ntriangleright", 0x40022eb}, {"ntrianglerighteq", 0x40022ed}, {"nu", 0x40003bd},
    {"num", 0x4000023}, {"numero", 0x4002116}, {"numsp", 0x4002007}, {"nvDash", 0x22ad},
    {"nvHarr", 0x2904}, {"nvap", 0x4c0224d}, {"nvdash", 0x40022ac}, {"nvge", 0x4c02265},
    {"nvgt", 0x4c0003e}, {"nvinfin", 0x40029de}, {"nvlArr", 0x2902}, {"nvle", 0x4c02264},
    {"nvlt", 0x4c0003c}, {"nvltrie", 0x4c022b4}, {"nvrArr", 0x2903}, {"nvrtrie", 0x4c022b5},
    {"nvsim", 0x4c0223c}, {"nwArr", 0x21d6}, {"nwarhk", 0x4002923}, {"nwarr", 0x4002196},
    {"nwarrow", 0x4002196}, {"nwnear", 0x4002927}, {"oS", 0x24c8}, {"oacute", 0x60000f3},
    {"oast", 0x400229b}, {"ocir", 0x400229a}, {"ocirc", 0x60000f4}, {"ocy", 0x400043e},
    {"odash", 0x400229d}, {"odblac", 0x4000151}, {"odiv", 0x4002a38}, {"odot", 0x4002299},
    {"odsold", 0x40029bc}, {"oelig", 0x4000153}, {"ofcir", 0x40029bf}, {"ofr", 0x401d52c},
    {"ogon", 0x40002db}, {"ograve", 0x60000f2}, {"ogt", 0x40029c1}, {"ohbar", 0x40029b5},
    {"ohm", 0x40003a9}, {"oint", 0x400222e}, {"olarr", 0x40021ba}, {"olcir", 0x40029be},
    {"olcross", 0x40029bb}, {"oline", 0x400203e}, {"olt", 0x40029c0}, {"omacr", 0x400014d},
    {"omega", 0x40003c9}, {"omicron", 0x40003bf}, {"omid", 0x40029b6}, {"ominus", 0x4002296},
    {"oopf", 0x401d560}, {"opar", 0x40029b7}, {"operp", 0x40029b9}, {"oplus", 0x4002295},
    {"or", 0x4002228}, {"orarr", 0x40021bb}, {"ord", 0x4002a5d}, {"order", 0x4002134},
    {"orderof", 0x4002134}, {"ordf", 0x60000aa}, {"ordm", 0x60000ba}, {"origof", 0x40022b6},
    {"oror", 0x4002a56}, {"orslope", 0x4002a57}, {"orv", 0x4002a5b}, {"oscr", 0x4002134},
    {"oslash", 0x60000f8}, {"osol", 0x4002298}, {"otilde", 0x60000f5}, {"otimes", 0x4002297},
    {"otimesas", 0x4002a36}, {"ouml", 0x60000f6}, {"ovbar", 0x400233d}, {"par", 0x4002225},
    {"para", 0x60000b6}, {"parallel", 0x4002225}, {"parsim", 0x4002af3}, {"parsl", 0x4002afd},
    {"part", 0x4002202}, {"pcy", 0x400043f}, {"percnt", 0x4000025}, {"period", 0x400002e},
    {"permil", 0x4002030}, {"perp", 0x40022a5}, {"pertenk", 0x4002031}, {"pfr", 0x401d52d},
    {"phi", 0x40003c6}, {"phiv", 0x40003d5}, {"phmmat", 0x4002133}, {"phone", 0x400260e},
    {"pi", 0x40003c0}, {"pitchfork", 0x40022d4}, {"piv", 0x40003d6}, {"planck", 0x400210f},
    {"planckh", 0x400210e}, {"plankv", 0x400210f}, {"plus", 0x400002b}, {"plusacir", 0x4002a23},
    {"plusb", 0x400229e}, {"pluscir", 0x4002a22}, {"plusdo", 0x4002214}, {"plusdu", 0x4002a25},
    {"pluse", 0x4002a72}, {"plusmn", 0x60000b1}, {"plussim", 0x4002a26}, {"plustwo", 0x4002a27},
    {"pm", 0x40000b1}, {"pointint", 0x4002a15}, {"popf", 0x401d561}, {"pound", 0x60000a3},
    {"pr", 0x400227a}, {"prE", 0x2ab3}, {"prap", 0x4002ab7}, {"prcue", 0x400227c},
    {"pre", 0x4002aaf}, {"prec", 0x400227a}, {"precapprox", 0x4002ab7}, {"preccurlyeq", 0x400227c},
    {"preceq", 0x4002aaf}, {"precnapprox", 0x4002ab9}, {"precneqq", 0x4002ab5}, {"precnsim", 0x40022e8},
    {"precsim", 0x400227e}, {"prime", 0x4002032}, {"primes", 0x4002119}, {"prnE", 0x2ab5},
    {"prnap", 0x4002ab9}, {"prnsim", 0x40022e8}, {"prod", 0x400220f}, {"profalar", 0x400232e},
    {"profline", 0x4002312}, {"profsurf", 0x4002313}, {"prop", 0x400221d}, {"propto", 0x400221d},
    {"prsim", 0x400227e}, {"prurel", 0x40022b0}, {"pscr", 0x401d4c5}, {"psi", 0x40003c8},
    {"puncsp", 0x4002008}, {"qfr", 0x401d52e}, {"qint", 0x4002a0c}, {"qopf", 0x401d562},
    {"qprime", 0x4002057}, {"qscr", 0x401d4c6}, {"quaternions", 0x400210d}, {"quatint", 0x4002a16},
    {"quest", 0x400003f}, {"questeq", 0x400225f}, {"quot", 0x2000022}, {"rAarr", 0x21db},
    {"rArr", 0x21d2}, {"rAtail", 0x291c}, {"rBarr", 0x290f}, {"rHar", 0x2964},
    {"race", 0x440223d}, {"racute", 0x4000155}, {"radic", 0x400221a}, {"raemptyv", 0x40029b3},
    {"rang", 0x40027e9}, {"rangd", 0x4002992}, {"range", 0x40029a5}, {"rangle", 0x40027e9},
    {"raquo", 0x60000bb}, {"rarr", 0x4002192}, {"rarrap", 0x4002975}, {"rarrb", 0x40021e5},
    {"rarrbfs", 0x4002920}, {"rarrc", 0x4002933}, {"rarrfs", 0x400291e}, {"rarrhk", 0x40021aa},
    {"rarrlp", 0x40021ac}, {"rarrpl", 0x4002945}, {"rarrsim", 0x4002974}, {"rarrtl", 0x40021a3},
    {"rarrw", 0x400219d}, {"ratail", 0x400291a}, {"ratio", 0x4002236}, {"rationals", 0x400211a},
    {"rbarr", 0x400290d}, {"rbbrk", 0x4002773}, {"rbrace", 0x400007d}, {"rbrack", 0x400005d},
    {"rbrke", 0x400298c}, {"rbrksld", 0x400298e}, {"rbrkslu", 0x4002990}, {"rcaron", 0x4000159},
    {"rcedil", 0x4000157}, {"rceil", 0x4002309}, {"rcub", 0x400007d}, {"rcy", 0x4000440},
    {"rdca", 0x4002937}, {"rdldhar", 0x4002969}, {"rdquo", 0x400201d}, {"rdquor", 0x400201d},
    {"rdsh", 0x40021b3}, {"real", 0x400211c}, {"realine", 0x400211b}, {"realpart", 0x400211c},
    {"reals", 0x400211d}, {"rect", 0x40025ad}, {"reg", 0x20000ae}, {"rfisht", 0x400297d},
    {"rfloor", 0x400230b}, {"rfr", 0x401d52f}, {"rhard", 0x40021c1}, {"rharu", 0x40021c0},
    {"rharul", 0x400296c}, {"rho", 0x40003c1}, {"rhov", 0x40003f1}, {"rightarrow", 0x4002192},
    {"rightarrowtail", 0x40021a3}, {"rightharpoondown", 0x40021c1}, {"rightharpoonup", 0x40021c0}, {"rightleftarrows", 0x40021c4},
    {"rightleftharpoons", 0x40021cc}, {"rightrightarrows", 0x40021c9}, {"rightsquigarrow", 0x400219d}, {"rightthreetimes", 0x40022cc},
    {"ring", 0x40002da}, {"risingdotseq", 0x4002253}, {"rlarr", 0x40021c4}, {"rlhar", 0x40021cc},
    {"rlm", 0x400200f}, {"rmoust", 0x40023b1}, {"rmoustache", 0x40023b1}, {"rnmid", 0x4002aee},
    {"roang", 0x40027ed}, {"roarr", 0x40021fe}, {"robrk", 0x40027e7}, {"ropar", 0x4002986},
    {"ropf", 0x401d563}, {"roplus", 0x4002a2e}, {"rotimes", 0x4002a35}, {"rpar", 0x4000029},
    {"rpargt", 0x4002994}, {"rppolint", 0x4002a12}, {"rrarr", 0x40021c9}, {"rsaquo", 0x400203a},
    {"rscr", 0x401d4c7}, {"rsh", 0x40021b1}, {"rsqb", 0x400005d}, {"rsquo", 0x4002019},
    {"rsquor", 0x4002019}, {"rthree", 0x40022cc}, {"rtimes", 0x40022ca}, {"rtri", 0x40025b9},
    {"rtrie", 0x40022b5}, {"rtrif", 0x40025b8}, {"rtriltri", 0x40029ce}, {"ruluhar", 0x4002968},
    {"rx", 0x400211e}, {"sacute", 0x400015b}, {"sbquo", 0x400201a}, {"sc", 0x400227b},
    {"scE", 0x2ab4}, {"scap", 0x4002ab8}, {"scaron", 0x4000161}, {"sccue", 0x400227d},
    {"sce", 0x4002ab0}, {"scedil", 0x400015f}, {"scirc", 0x400015d}, {"scnE", 0x2ab6},
    {"scnap", 0x4002aba}, {"scnsim", 0x40022e9}, {"scpolint", 0x4002a13}, {"scsim", 0x400227f},
    {"scy", 0x4000441}, {"sdot", 0x40022c5}, {"sdotb", 0x40022a1}, {"sdote", 0x4002a66},
    {"seArr", 0x21d8}, {"searhk", 0x4002925}, {"searr", 0x4002198}, {"searrow", 0x4002198},
    {"sect", 0x60000a7}, {"semi", 0x400003b}, {"seswar", 0x4002929}, {"setminus", 0x4002216},
    {"setmn", 0x4002216}, {"sext", 0x4002736}, {"sfr", 0x401d530}, {"sfrown", 0x4002322},
    {"sharp", 0x400266f}, {"shchcy", 0x4000449}, {"shcy", 0x4000448}, {"shortmid", 0x4002223},
    {"shortparallel", 0x4002225}, {"shy", 0x60000ad}, {"sigma", 0x40003c3}, {"sigmaf", 0x40003c2},
    {"sigmav", 0x40003c2}, {"sim", 0x400223c}, {"simdot", 0x4002a6a}, {"sime", 0x4002243},
    {"simeq", 0x4002243}, {"simg", 0x4002a9e}, {"simgE", 0x2aa0}, {"siml", 0x4002a9d},
    {"simlE", 0x2a9f}, {"simne", 0x4002246}, {"simplus", 0x4002a24}, {"simrarr", 0x4002972},
    {"slarr", 0x4002190}, {"smallsetminus", 0x4002216}, {"smashp", 0x4002a33}, {"smeparsl", 0x40029e4},
    {"smid", 0x4002223}, {"smile", 0x4002323}, {"smt", 0x4002aaa}, {"smte", 0x4002aac},
    {"smtes", 0x5002aac}, {"softcy", 0x400044c}, {"sol", 0x400002f}, {"solb", 0x40029c4},
    {"solbar", 0x400233f}, {"sopf", 0x401d564}, {"spades", 0x4002660}, {"spadesuit", 0x4002660},
    {"spar", 0x4002225}, {"sqcap", 0x4002293}, {"sqcaps", 0x5002293}, {"sqcup", 0x4002294},
    {"sqcups", 0x5002294}, {"sqsub", 0x400228f}, {"sqsube", 0x4002291}, {"sqsubset", 0x400228f},
    {"sqsubseteq", 0x4002291}, {"sqsup", 0x4002290}, {"sqsupe", 0x4002292}, {"sqsupset", 0x4002290},
    {"sqsupseteq", 0x4002292}, {"squ", 0x40025a1}, {"square", 0x40025a1}, {"squarf", 0x40025aa},
    {"squf", 0x40025aa}, {"srarr", 0x4002192}, {"sscr", 0x401d4c8}, {"ssetmn", 0x4002216},
    {"ssmile", 0x4002323}, {"sstarf", 0x40022c6}, {"star", 0x4002606}, {"starf", 0x4002605},
    {"straightepsilon", 0x40003f5}, {"straightphi", 0x40003d5}, {"strns", 0x40000af}, {"sub", 0x4002282},
    {"subE", 0x2ac5}, {"subdot", 0x4002abd}, {"sube", 0x4002286}, {"subedot", 0x4002ac3},
    {"submult", 0x4002ac1}, {"subnE", 0x2acb}, {"subne", 0x400228a}, {"subplus", 0x4002abf},
    {"subrarr", 0x4002979}, {"subset", 0x4002282}, {"subseteq", 0x4002286}, {"subseteqq", 0x4002ac5},
    {"subsetneq", 0x400228a}, {"subsetneqq", 0x4002acb}, {"subsim", 0x4002ac7}, {"subsub", 0x4002ad5},
    {"subsup", 0x4002ad3}, {"succ", 0x400227b}, {"succapprox", 0x4002ab8}, {"succcurlyeq", 0x400227d},
    {"succeq", 0x4002ab0}, {"succnapprox", 0x4002aba}, {"succneqq", 0x4002ab6}, {"succnsim", 0x40022e9},
    {"succsim", 0x400227f}, {"sum", 0x4002211}, {"sung", 0x400266a}, {"sup", 0x4002283},
    {"sup1", 0x60000b9}, {"sup2", 0x60000b2}, {"sup3", 0x60000b3}, {"supE", 0x2ac6},
    {"supdot", 0x4002abe}, {"supdsub", 0x4002ad8}, {"supe", 0x4002287}, {"supedot", 0x4002ac4},
    {"suphsol", 0x40027c9}, {"suphsub", 0x4002ad7}, {"suplarr", 0x400297b}, {"supmult", 0x4002ac2},
    {"supnE", 0x2acc}, {"supne", 0x400228b}, {"supplus", 0x4002ac0}, {"supset", 0x4002283},
    {"supseteq", 0x4002287}, {"supseteqq", 0x4002ac6}, {"supsetneq", 0x400228b}, {"supsetneqq", 0x4002acc},
    {"supsim", 0x4002ac8}, {"supsub", 0x4002ad4}, {"supsup", 0x4002ad6}, {"swArr", 0x21d9},
    {"swarhk", 0x4002926}, {"swarr", 0x4002199}, {"swarrow", 0x4002199}, {"swnwar", 0x400292a},
    {"szlig", 0x60000df}, {"target", 0x4002316}, {"tau", 0x40003c4}, {"tbrk", 0x40023b4},
    {"tcaron", 0x4000165}, {"tcedil", 0x4000163}, {"tcy", 0x4000442}, {"tdot", 0x40020db},
    {"telrec", 0x4002315}, {"tfr", 0x401d531}, {"there4", 0x4002234}, {"therefore", 0x4002234},
    {"theta", 0x40003b8}, {"thetasym", 0x40003d1}, {"thetav", 0x40003d1}, {"thickapprox", 0x4002248},
    {"thicksim", 0x400223c}, {"thinsp", 0x4002009}, {"thkap", 0x4002248}, {"thksim", 0x400223c},
    {"thorn", 0x20000fe}, {"tilde", 0x40002dc}, {"times", 0x60000d7}, {"timesb", 0x40022a0},
    {"timesbar", 0x4002a31}, {"timesd", 0x4002a30}, {"tint", 0x400222d}, {"toea", 0x4002928},
    {"top", 0x40022a4}, {"topbot", 0x4002336}, {"topcir", 0x4002af1}, {"topf", 0x401d565},
    {"topfork", 0x4002ada}, {"tosa", 0x4002929}, {"tprime", 0x4002034}, {"trade", 0x2122},
    {"triangle", 0x40025b5}, {"triangledown", 0x40025bf}, {"triangleleft", 0x40025c3}, {"trianglelefteq", 0x40022b4},
    {"triangleq", 0x400225c}, {"triangleright", 0x40025b9}, {"trianglerighteq", 0x40022b5}, {"tridot", 0x40025ec},
    {"trie", 0x400225c}, {"triminus", 0x4002a3a}, {"triplus", 0x4002a39}, {"trisb", 0x40029cd},
    {"tritime", 0x4002a3b}, {"trpezium", 0x40023e2}, {"tscr", 0x401d4c9}, {"tscy", 0x4000446},
    {"tshcy", 0x400045b}, {"tstrok", 0x4000167}, {"twixt", 0x400226c}, {"twoheadleftarrow", 0x400219e},
    {"twoheadrightarrow", 0x40021a0}, {"uArr", 0x21d1}, {"uHar", 0x2963}, {"uacute", 0x60000fa},
    {"uarr", 0x4002191}, {"ubrcy", 0x400045e}, {"ubreve", 0x400016d}, {"ucirc", 0x60000fb},
    {"ucy", 0x4000443}, {"udarr", 0x40021c5}, {"udblac", 0x4000171}, {"udhar", 0x400296e},
    {"ufisht", 0x400297e}, {"ufr", 0x401d532}, {"ugrave", 0x60000f9}, {"uharl", 0x40021bf},
    {"uharr", 0x40021be}, {"uhblk", 0x4002580}, {"ulcorn", 0x400231c}, {"ulcorner", 0x400231c},
    {"ulcrop", 0x400230f}, {"ultri", 0x40025f8}, {"umacr", 0x400016b}, {"uml", 0x60000a8},
    {"uogon", 0x4000173}, {"uopf", 0x401d566}, {"uparrow", 0x4002191}, {"updownarrow", 0x4002195},
    {"upharpoonleft", 0x40021bf}, {"upharpoonright", 0x40021be}, {"uplus", 0x400228e}, {"upsi", 0x40003c5},
    {"upsih", 0x40003d2}, {"upsilon", 0x40003c5}, {"upuparrows", 0x40021c8}, {"urcorn", 0x400231d},
    {"urcorner", 0x400231d}, {"urcrop", 0x400230e}, {"uring", 0x400016f}, {"urtri", 0x40025f9},
    {"uscr", 0x401d4ca}, {"utdot", 0x40022f0}, {"utilde", 0x4000169}, {"utri", 0x40025b5},
    {"utrif", 0x40025b4}, {"uuarr", 0x40021c8}, {"uuml", 0x60000fc}, {"uwangle", 0x40029a7},
    {"vArr", 0x21d5}, {"vBar", 0x2ae8}, {"vBarv", 0x2ae9}, {"vDash", 0x22a8},
    {"vangrt", 0x400299c}, {"varepsilon", 0x40003f5}, {"varkappa", 0x40003f0}, {"varnothing", 0x4002205},
    {"varphi", 0x40003d5}, {"varpi", 0x40003d6}, {"varpropto", 0x400221d}, {"varr", 0x4002195},
    {"varrho", 0x40003f1}, {"varsigma", 0x40003c2}, {"varsubsetneq", 0x500228a}, {"varsubsetneqq", 0x5002acb},
    {"varsupsetneq", 0x500228b}, {"varsupsetneqq", 0x5002acc}, {"vartheta", 0x40003d1}, {"vartriangleleft", 0x40022b2},
    {"vartriangleright", 0x40022b3}, {"vcy", 0x4000432}, {"vdash", 0x40022a2}, {"vee", 0x4002228},
    {"veebar", 0x40022bb}, {"veeeq", 0x400225a}, {"vellip", 0x40022ee}, {"verbar", 0x400007c},
    {"vert", 0x400007c}, {"vfr", 0x401d533}, {"vltri", 0x40022b2}, {"vnsub", 0x4c02282},
    {"vnsup", 0x4c02283}, {"vopf", 0x401d567}, {"vprop", 0x400221d}, {"vrtri", 0x40022b3},
    {"vscr", 0x401d4cb}, {"vsubnE", 0x1002acb}, {"vsubne", 0x500228a}, {"vsupnE", 0x1002acc},
    {"vsupne", 0x500228b}, {"vzigzag", 0x400299a}, {"wcirc", 0x4000175}, {"wedbar", 0x4002a5f},
    {"wedge", 0x4002227}, {"wedgeq", 0x4002259}, {"weierp", 0x4002118}, {"wfr", 0x401d534},
    {"wopf", 0x401d568}, {"wp", 0x4002118}, {"wr", 0x4002240}, {"wreath", 0x4002240},
    {"wscr", 0x401d4cc}, {"xcap", 0x40022c2}, {"xcirc", 0x40025ef}, {"xcup", 0x40022c3},
    {"xdtri", 0x40025bd}, {"xfr", 0x401d535}, {"xhArr", 0x27fa}, {"xharr", 0x40027f7},
    {"xi", 0x40003be}, {"xlArr", 0x27f8}, {"xlarr", 0x40027f5}, {"xmap", 0x40027fc},
    {"xnis", 0x40022fb}, {"xodot", 0x4002a00}, {"xopf", 0x401d569}, {"xoplus", 0x4002a01},
    {"xotime", 0x4002a02}, {"xrArr", 0x27f9}, {"xrarr", 0x40027f6}, {"xscr", 0x401d4cd},
    {"xsqcup", 0x4002a06}, {"xuplus", 0x4002a04}, {"xutri", 0x40025b3}, {"xvee", 0x40022c1},
    {"xwedge", 0x40022c0}, {"yacute", 0x60000fd}, {"yacy", 0x400044f}, {"ycirc", 0x4000177},
    {"ycy", 0x400044b}, {"yen", 0x60000a5}, {"yfr", 0x401d536}, {"yicy", 0x4000457},
    {"yopf", 0x401d56a}, {"yscr", 0x401d4ce}, {"yucy", 0x400044e}, {"yuml", 0x60000ff},
    {"zacute", 0x400017a}, {"zcaron", 0x400017e}, {"zcy", 0x4000437}, {"zdot", 0x400017c},
    {"zeetrf", 0x4002128}, {"zeta", 0x40003b6}, {"zfr", 0x401d537}, {"zhcy", 0x4000436},
    {"zigrarr", 0x40021dd}, {"zopf", 0x401d56b}, {"zscr", 0x401d4cf}, {"zwj", 0x400200d},
    {"zwnj", 0x400200c},
};
static const uint32_t rse__ent_upper[176][4] = {
    {0x66, 0x46, 0x0, 0x0}, {0x6a, 0x4a, 0x0, 0x0}, {0xb5, 0x39c, 0x0, 0x0}, {0xdf, 0x53, 0x53, 0x0},
    {0xe0, 0xc0, 0x0, 0x0}, {0xe1, 0xc1, 0x0, 0x0}, {0xe2, 0xc2, 0x0, 0x0}, {0xe3, 0xc3, 0x0, 0x0},
    {0xe4, 0xc4, 0x0, 0x0}, {0xe5, 0xc5, 0x0, 0x0}, {0xe6, 0xc6, 0x0, 0x0}, {0xe7, 0xc7, 0x0, 0x0},
    {0xe8, 0xc8, 0x0, 0x0}, {0xe9, 0xc9, 0x0, 0x0}, {0xea, 0xca, 0x0, 0x0}, {0xeb, 0xcb, 0x0, 0x0},
    {0xec, 0xcc, 0x0, 0x0}, {0xed, 0xcd, 0x0, 0x0}, {0xee, 0xce, 0x0, 0x0}, {0xef, 0xcf, 0x0, 0x0},
    {0xf1, 0xd1, 0x0, 0x0}, {0xf2, 0xd2, 0x0, 0x0}, {0xf3, 0xd3, 0x0, 0x0}, {0xf4, 0xd4, 0x0, 0x0},
    {0xf5, 0xd5, 0x0, 0x0}, {0xf6, 0xd6, 0x0, 0x0}, {0xf8, 0xd8, 0x0, 0x0}, {0xf9, 0xd9, 0x0, 0x0},
    {0xfa, 0xda, 0x0, 0x0}, {0xfb, 0xdb, 0x0, 0x0}, {0xfc, 0xdc, 0x0, 0x0}, {0xfd, 0xdd, 0x0, 0x0},
    {0xff, 0x178, 0x0, 0x0}, {0x101, 0x100, 0x0, 0x0}, {0x103, 0x102, 0x0, 0x0}, {0x105, 0x104, 0x0, 0x0},
    {0x107, 0x106, 0x0, 0x0}, {0x109, 0x108, 0x0, 0x0}, {0x10b, 0x10a, 0x0, 0x0}, {0x10d, 0x10c, 0x0, 0x0},
    {0x10f, 0x10e, 0x0, 0x0}, {0x111, 0x110, 0x0, 0x0}, {0x113, 0x112, 0x0, 0x0}, {0x117, 0x116, 0x0, 0x0},
    {0x119, 0x118, 0x0, 0x0}, {0x11b, 0x11a, 0x0, 0x0}, {0x11d, 0x11c, 0x0, 0x0}, {0x11f, 0x11e, 0x0, 0x0},
    {0x121, 0x120, 0x0, 0x0}, {0x125, 0x124, 0x0, 0x0}, {0x127, 0x126, 0x0, 0x0}, {0x129, 0x128, 0x0, 0x0},
    {0x12b, 0x12a, 0x0, 0x0}, {0x12f, 0x12e, 0x0, 0x0}, {0x131, 0x49, 0x0, 0x0}, {0x133, 0x132, 0x0, 0x0},
    {0x135, 0x134, 0x0, 0x0}, {0x137, 0x136, 0x0, 0x0}, {0x13a, 0x139, 0x0, 0x0}, {0x13c, 0x13b, 0x0, 0x0},
    {0x13e, 0x13d, 0x0, 0x0}, {0x140, 0x13f, 0x0, 0x0}, {0x142, 0x141, 0x0, 0x0}, {0x144, 0x143, 0x0, 0x0},
    {0x146, 0x145, 0x0, 0x0}, {0x148, 0x147, 0x0, 0x0}, {0x149, 0x2bc, 0x4e, 0x0}, {0x14d, 0x14c, 0x0, 0x0},
    {0x151, 0x150, 0x0, 0x0}, {0x153, 0x152, 0x0, 0x0}, {0x155, 0x154, 0x0, 0x0}, {0x157, 0x156, 0x0, 0x0},
    {0x159, 0x158, 0x0, 0x0}, {0x15b, 0x15a, 0x0, 0x0}, {0x15d, 0x15c, 0x0, 0x0}, {0x15f, 0x15e, 0x0, 0x0},
    {0x161, 0x160, 0x0, 0x0}, {0x163, 0x162, 0x0, 0x0}, {0x165, 0x164, 0x0, 0x0}, {0x167, 0x166, 0x0, 0x0},
    {0x169, 0x168, 0x0, 0x0}, {0x16b, 0x16a, 0x0, 0x0}, {0x16d, 0x16c, 0x0, 0x0}, {0x16f, 0x16e, 0x0, 0x0},
    {0x171, 0x170, 0x0, 0x0}, {0x173, 0x172, 0x0, 0x0}, {0x175, 0x174, 0x0, 0x0}, {0x177, 0x176, 0x0, 0x0},
    {0x17a, 0x179, 0x0, 0x0}, {0x17c, 0x17b, 0x0, 0x0}, {0x17e, 0x17d, 0x0, 0x0}, {0x192, 0x191, 0x0, 0x0},
    {0x1f5, 0x1f4, 0x0, 0x0}, {0x3b1, 0x391, 0x0, 0x0}, {0x3b2, 0x392, 0x0, 0x0}, {0x3b3, 0x393, 0x0, 0x0},
    {0x3b4, 0x394, 0x0, 0x0}, {0x3b5, 0x395, 0x0, 0x0}, {0x3b6, 0x396, 0x0, 0x0}, {0x3b7, 0x397, 0x0, 0x0},
    {0x3b8, 0x398, 0x0, 0x0}, {0x3b9, 0x399, 0x0, 0x0}, {0x3ba, 0x39a, 0x0, 0x0}, {0x3bb, 0x39b, 0x0, 0x0},
    {0x3bc, 0x39c, 0x0, 0x0}, {0x3bd, 0x39d, 0x0, 0x0}, {0x3be, 0x39e, 0x0, 0x0}, {0x3bf, 0x39f, 0x0, 0x0},
    {0x3c0, 0x3a0, 0x0, 0x0}, {0x3c1, 0x3a1, 0x0, 0x0}, {0x3c2, 0x3a3, 0x0, 0x0}, {0x3c3, 0x3a3, 0x0, 0x0},
    {0x3c4, 0x3a4, 0x0, 0x0}, {0x3c5, 0x3a5, 0x0, 0x0}, {0x3c6, 0x3a6, 0x0, 0x0}, {0x3c7, 0x3a7, 0x0, 0x0},
    {0x3c8, 0x3a8, 0x0, 0x0}, {0x3c9, 0x3a9, 0x0, 0x0}, {0x3d1, 0x398, 0x0, 0x0}, {0x3d5, 0x3a6, 0x0, 0x0},
    {0x3d6, 0x3a0, 0x0, 0x0}, {0x3dd, 0x3dc, 0x0, 0x0}, {0x3f0, 0x39a, 0x0, 0x0}, {0x3f1, 0x3a1, 0x0, 0x0},
    {0x3f5, 0x395, 0x0, 0x0}, {0x430, 0x410, 0x0, 0x0}, {0x431, 0x411, 0x0, 0x0}, {0x432, 0x412, 0x0, 0x0},
    {0x433, 0x413, 0x0, 0x0}, {0x434, 0x414, 0x0, 0x0}, {0x435, 0x415, 0x0, 0x0}, {0x436, 0x416, 0x0, 0x0},
    {0x437, 0x417, 0x0, 0x0}, {0x438, 0x418, 0x0, 0x0}, {0x439, 0x419, 0x0, 0x0}, {0x43a, 0x41a, 0x0, 0x0},
    {0x43b, 0x41b, 0x0, 0x0}, {0x43c, 0x41c, 0x0, 0x0}, {0x43d, 0x41d, 0x0, 0x0}, {0x43e, 0x41e, 0x0, 0x0},
    {0x43f, 0x41f, 0x0, 0x0}, {0x440, 0x420, 0x0, 0x0}, {0x441, 0x421, 0x0, 0x0}, {0x442, 0x422, 0x0, 0x0},
    {0x443, 0x423, 0x0, 0x0}, {0x444, 0x424, 0x0, 0x0}, {0x445, 0x425, 0x0, 0x0}, {0x446, 0x426, 0x0, 0x0},
    {0x447, 0x427, 0x0, 0x0}, {0x448, 0x428, 0x0, 0x0}, {0x449, 0x429, 0x0, 0x0}, {0x44a, 0x42a, 0x0, 0x0},
    {0x44b, 0x42b, 0x0, 0x0}, {0x44c, 0x42c, 0x0, 0x0}, {0x44d, 0x42d, 0x0, 0x0}, {0x44e, 0x42e, 0x0, 0x0},
    {0x44f, 0x42f, 0x0, 0x0}, {0x451, 0x401, 0x0, 0x0}, {0x452, 0x402, 0x0, 0x0}, {0x453, 0x403, 0x0, 0x0},
    {0x454, 0x404, 0x0, 0x0}, {0x455, 0x405, 0x0, 0x0}, {0x456, 0x406, 0x0, 0x0}, {0x457, 0x407, 0x0, 0x0},
    {0x458, 0x408, 0x0, 0x0}, {0x459, 0x409, 0x0, 0x0}, {0x45a, 0x40a, 0x0, 0x0}, {0x45b, 0x40b, 0x0, 0x0},
    {0x45c, 0x40c, 0x0, 0x0}, {0x45e, 0x40e, 0x0, 0x0}, {0x45f, 0x40f, 0x0, 0x0}, {0xfb00, 0x46, 0x46, 0x0},
    {0xfb01, 0x46, 0x49, 0x0}, {0xfb02, 0x46, 0x4c, 0x0}, {0xfb03, 0x46, 0x46, 0x49}, {0xfb04, 0x46, 0x46, 0x4c},
};
/* latin-1, sloppy-windows-1252, sloppy-windows-1251, sloppy-windows-1250, sloppy-windows-1253, sloppy-windows-1254, sloppy-windows-1257, iso-8859-2, macroman, cp437 */
static const uint16_t rse__charmap[10][128] = {
  {
    0x0080, 0x0081, 0x0082, 0x0083, 0x0084, 0x0085, 0x0086, 0x0087, 0x0088, 0x0089, 0x008a, 0x008b,
    0x008c, 0x008d, 0x008e, 0x008f, 0x0090, 0x0091, 0x0092, 0x0093, 0x0094, 0x0095, 0x0096, 0x0097,
    0x0098, 0x0099, 0x009a, 0x009b, 0x009c, 0x009d, 0x009e, 0x009f, 0x00a0, 0x00a1, 0x00a2, 0x00a3,
    0x00a4, 0x00a5, 0x00a6, 0x00a7, 0x00a8, 0x00a9, 0x00aa, 0x00ab, 0x00ac, 0x00ad, 0x00ae, 0x00af,
    0x00b0, 0x00b1, 0x00b2, 0x00b3, 0x00b4, 0x00b5, 0x00b6, 0x00b7, 0x00b8, 0x00b9, 0x00ba, 0x00bb,
    0x00bc, 0x00bd, 0x00be, 0x00bf, 0x00c0, 0x00c1, 0x00c2, 0x00c3, 0x00c4, 0x00c5, 0x00c6, 0x00c7,
    0x00c8, 0x00c9, 0x00ca, 0x00cb, 0x00cc, 0x00cd, 0x00ce, 0x00cf, 0x00d0, 0x00d1, 0x00d2, 0x00d3,
    0x00d4, 0x00d5, 0x00d6, 0x00d7, 0x00d8, 0x00d9, 0x00da, 0x00db, 0x00dc, 0x00dd, 0x00de, 0x00df,
    0x00e0, 0x00e1, 0x00e2, 0x00e3, 0x00e4, 0x00e5, 0x00e6, 0x00e7, 0x00e8, 0x00e9, 0x00ea, 0x00eb,
    0x00ec, 0x00ed, 0x00ee, 0x00ef, 0x00f0, 0x00f1, 0x00f2, 0x00f3, 0x00f4, 0x00f5, 0x00f6, 0x00f7,
    0x00f8, 0x00f9, 0x00fa, 0x00fb, 0x00fc, 0x00fd, 0x00fe, 0x00ff,
  },
  {
    0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178, 0x00a0, 0x00a1, 0x00a2, 0x00a3,
    0x00a4, 0x00a5, 0x00a6, 0x00a7, 0x00a8, 0x00a9, 0x00aa, 0x00ab, 0x00ac, 0x00ad, 0x00ae, 0x00af,
    0x00b0, 0x00b1, 0x00b2, 0x00b3, 0x00b4, 0x00b5, 0x00b6, 0x00b7, 0x00b8, 0x00b9, 0x00ba, 0x00bb,
    0x00bc, 0x00bd, 0x00be, 0x00bf, 0x00c0, 0x00c1, 0x00c2, 0x00c3, 0x00c4, 0x00c5, 0x00c6, 0x00c7,
    0x00c8, 0x00c9, 0x00ca, 0x00cb, 0x00cc, 0x00cd, 0x00ce, 0x00cf, 0x00d0, 0x00d1, 0x00d2, 0x00d3,
    0x00d4, 0x00d5, 0x00d6, 0x00d7, 0x00d8, 0x00d9, 0x00da, 0x00db, 0x00dc, 0x00dd, 0x00de, 0x00df,
    0x00e0, 0x00e1, 0x00e2, 0x00e3, 0x00e4, 0x00e5, 0x00e6, 0x00e7, 0x00e8, 0x00e9, 0x00ea, 0x00eb,
    0x00ec, 0x00ed, 0x00ee, 0x00ef, 0x00f0, 0x00f1, 0x00f2, 0x00f3, 0x00f4, 0x00f5, 0x00f6, 0x00f7,
    0x00f8, 0x00f9, 0x00fa, 0x00fb, 0x00fc, 0x00fd, 0x00fe, 0x00ff,
  },
  {
    0x0402, 0x0403, 0x201a, 0x0453, 0x201e, 0x2026, 0x2020, 0x2021, 0x20ac, 0x2030, 0x0409, 0x2039,
    0x040a, 0x040c, 0x040b, 0x040f, 0x0452, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x0098, 0x2122, 0x0459, 0x203a, 0x045a, 0x045c, 0x045b, 0x045f, 0x00a0, 0x040e, 0x045e, 0x0408,
    0x00a4, 0x0490, 0x00a6, 0x00a7, 0x0401, 0x00a9, 0x0404, 0x00ab, 0x00ac, 0x00ad, 0x00ae, 0x0407,
    0x00b0, 0x00b1, 0x0406, 0x0456, 0x0491, 0x00b5, 0x00b6, 0x00b7, 0x0451, 0x2116, 0x0454, 0x00bb,
    0x0458, 0x0405, 0x0455, 0x0457, 0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,
    0x0418, 0x0419, 0x041a, 0x041b, 0x041c, 0x041d, 0x041e, 0x041f, 0x0420, 0x0421, 0x0422, 0x0423,
    0x0424, 0x0425, 0x0426, 0x0427, 0x0428, 0x0429, 0x042a, 0x042b, 0x042c, 0x042d, 0x042e, 0x042f,
    0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437, 0x0438, 0x0439, 0x043a, 0x043b,
    0x043c, 0x043d, 0x043e, 0x043f, 0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,
    0x0448, 0x0449, 0x044a, 0x044b, 0x044c, 0x044d, 0x044e, 0x044f,
  },
  {
    0x20ac, 0x0081, 0x201a, 0x0083, 0x201e, 0x2026, 0x2020, 0x2021, 0x0088, 0x2030, 0x0160, 0x2039,
    0x015a, 0x0164, 0x017d, 0x0179, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x0098, 0x2122, 0x0161, 0x203a, 0x015b, 0x0165, 0x017e, 0x017a, 0x00a0, 0x02c7, 0x02d8, 0x0141,
    0x00a4, 0x0104, 0x00a6, 0x00a7, 0x00a8, 0x00a9, 0x015e, 0x00ab, 0x00ac, 0x00ad, 0x00ae, 0x017b,
    0x00b0, 0x00b1, 0x02db, 0x0142, 0x00b4, 0x00b5, 0x00b6, 0x00b7, 0x00b8, 0x0105, 0x015f, 0x00bb,
    0x013d, 0x02dd, 0x013e, 0x017c, 0x0154, 0x00c1, 0x00c2, 0x0102, 0x00c4, 0x0139, 0x0106, 0x00c7,
    0x010c, 0x00c9, 0x0118, 0x00cb, 0x011a, 0x00cd, 0x00ce, 0x010e, 0x0110, 0x0143, 0x0147, 0x00d3,
    0x00d4, 0x0150, 0x00d6, 0x00d7, 0x0158, 0x016e, 0x00da, 0x0170, 0x00dc, 0x00dd, 0x0162, 0x00df,
    0x0155, 0x00e1, 0x00e2, 0x0103, 0x00e4, 0x013a, 0x0107, 0x00e7, 0x010d, 0x00e9, 0x0119, 0x00eb,
    0x011b, 0x00ed, 0x00ee, 0x010f, 0x0111, 0x0144, 0x0148, 0x00f3, 0x00f4, 0x0151, 0x00f6, 0x00f7,
    0x0159, 0x016f, 0x00fa, 0x0171, 0x00fc, 0x00fd, 0x0163, 0x02d9,
  },
  {
    0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x0088, 0x2030, 0x008a, 0x2039,
    0x008c, 0x008d, 0x008e, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x0098, 0x2122, 0x009a, 0x203a, 0x009c, 0x009d, 0x009e, 0x009f, 0x00a0, 0x0385, 0x0386, 0x00a3,
    0x00a4, 0x00a5, 0x00a6, 0x00a7, 0x00a8, 0x00a9, 0x00aa, 0x00ab, 0x00ac, 0x00ad, 0x00ae, 0x2015,
    0x00b0, 0x00b1, 0x00b2, 0x00b3, 0x0384, 0x00b5, 0x00b6, 0x00b7, 0x0388, 0x0389, 0x038a, 0x00bb,
    0x038c, 0x00bd, 0x038e, 0x038f, 0x0390, 0x0391, 0x0392, 0x0393, 0x0394, 0x0395, 0x0396, 0x0397,
    0x0398, 0x0399, 0x039a, 0x039b, 0x039c, 0x039d, 0x039e, 0x039f, 0x03a0, 0x03a1, 0x00d2, 0x03a3,
    0x03a4, 0x03a5, 0x03a6, 0x03a7, 0x03a8, 0x03a9, 0x03aa, 0x03ab, 0x03ac, 0x03ad, 0x03ae, 0x03af,
    0x03b0, 0x03b1, 0x03b2, 0x03b3, 0x03b4, 0x03b5, 0x03b6, 0x03b7, 0x03b8, 0x03b9, 0x03ba, 0x03bb,
    0x03bc, 0x03bd, 0x03be, 0x03bf, 0x03c0, 0x03c1, 0x03c2, 0x03c3, 0x03c4, 0x03c5, 0x03c6, 0x03c7,
    0x03c8, 0x03c9, 0x03ca, 0x03cb, 0x03cc, 0x03cd, 0x03ce, 0x00ff,
  },
  {
    0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x008d, 0x008e, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x009e, 0x0178, 0x00a0, 0x00a1, 0x00a2, 0x00a3,
    0x00a4, 0x00a5, 0x00a6, 0x00a7, 0x00a8, 0x00a9, 0x00aa, 0x00ab, 0x00ac, 0x00ad, 0x00ae, 0x00af,
    0x00b0, 0x00b1, 0x00b2, 0x00b3, 0x00b4, 0x00b5, 0x00b6, 0x00b7, 0x00b8, 0x00b9, 0x00ba, 0x00bb,
    0x00bc, 0x00bd, 0x00be, 0x00bf, 0x00c0, 0x00c1, 0x00c2, 0x00c3, 0x00c4, 0x00c5, 0x00c6, 0x00c7,
    0x00c8, 0x00c9, 0x00ca, 0x00cb, 0x00cc, 0x00cd, 0x00ce, 0x00cf, 0x011e, 0x00d1, 0x00d2, 0x00d3,
    0x00d4, 0x00d5, 0x00d6, 0x00d7, 0x00d8, 0x00d9, 0x00da, 0x00db, 0x00dc, 0x0130, 0x015e, 0x00df,
    0x00e0, 0x00e1, 0x00e2, 0x00e3, 0x00e4, 0x00e5, 0x00e6, 0x00e7, 0x00e8, 0x00e9, 0x00ea, 0x00eb,
    0x00ec, 0x00ed, 0x00ee, 0x00ef, 0x011f, 0x00f1, 0x00f2, 0x00f3, 0x00f4, 0x00f5, 0x00f6, 0x00f7,
    0x00f8, 0x00f9, 0x00fa, 0x00fb, 0x00fc, 0x0131, 0x015f, 0x00ff,
  },
  {
    0x20ac, 0x0081, 0x201a, 0x0083, 0x201e, 0x2026, 0x2020, 0x2021, 0x0088, 0x2030, 0x008a, 0x2039,
    0x008c, 0x00a8, 0x02c7, 0x00b8, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x0098, 0x2122, 0x009a, 0x203a, 0x009c, 0x00af, 0x02db, 0x009f, 0x00a0, 0x00a1, 0x00a2, 0x00a3,
    0x00a4, 0x00a5, 0x00a6, 0x00a7, 0x00d8, 0x00a9, 0x0156, 0x00ab, 0x00ac, 0x00ad, 0x00ae, 0x00c6,
    0x00b0, 0x00b1, 0x00b2, 0x00b3, 0x00b4, 0x00b5, 0x00b6, 0x00b7, 0x00f8, 0x00b9, 0x0157, 0x00bb,
    0x00bc, 0x00bd, 0x00be, 0x00e6, 0x0104, 0x012e, 0x0100, 0x0106, 0x00c4, 0x00c5, 0x0118, 0x0112,
    0x010c, 0x00c9, 0x0179, 0x0116, 0x0122, 0x0136, 0x012a, 0x013b, 0x0160, 0x0143, 0x0145, 0x00d3,
    0x014c, 0x00d5, 0x00d6, 0x00d7, 0x0172, 0x0141, 0x015a, 0x016a, 0x00dc, 0x017b, 0x017d, 0x00df,
    0x0105, 0x012f, 0x0101, 0x0107, 0x00e4, 0x00e5, 0x0119, 0x0113, 0x010d, 0x00e9, 0x017a, 0x0117,
    0x0123, 0x0137, 0x012b, 0x013c, 0x0161, 0x0144, 0x0146, 0x00f3, 0x014d, 0x00f5, 0x00f6, 0x00f7,
    0x0173, 0x0142, 0x015b, 0x016b, 0x00fc, 0x017c, 0x017e, 0x02d9,
  },
  {
    0x0080, 0x0081, 0x0082, 0x0083, 0x0084, 0x0085, 0x0086, 0x0087, 0x0088, 0x0089, 0x008a, 0x008b,
    0x008c, 0x008d, 0x008e, 0x008f, 0x0090, 0x0091, 0x0092, 0x0093, 0x0094, 0x0095, 0x0096, 0x0097,
    0x0098, 0x0099, 0x009a, 0x009b, 0x009c, 0x009d, 0x009e, 0x009f, 0x00a0, 0x0104, 0x02d8, 0x0141,
    0x00a4, 0x013d, 0x015a, 0x00a7, 0x00a8, 0x0160, 0x015e, 0x0164, 0x0179, 0x00ad, 0x017d, 0x017b,
    0x00b0, 0x0105, 0x02db, 0x0142, 0x00b4, 0x013e, 0x015b, 0x02c7, 0x00b8, 0x0161, 0x015f, 0x0165,
    0x017a, 0x02dd, 0x017e, 0x017c, 0x0154, 0x00c1, 0x00c2, 0x0102, 0x00c4, 0x0139, 0x0106, 0x00c7,
    0x010c, 0x00c9, 0x0118, 0x00cb, 0x011a, 0x00cd, 0x00ce, 0x010e, 0x0110, 0x0143, 0x0147, 0x00d3,
    0x00d4, 0x0150, 0x00d6, 0x00d7, 0x0158, 0x016e, 0x00da, 0x0170, 0x00dc, 0x00dd, 0x0162, 0x00df,
    0x0155, 0x00e1, 0x00e2, 0x0103, 0x00e4, 0x013a, 0x0107, 0x00e7, 0x010d, 0x00e9, 0x0119, 0x00eb,
    0x011b, 0x00ed, 0x00ee, 0x010f, 0x0111, 0x0144, 0x0148, 0x00f3, 0x00f4, 0x0151, 0x00f6, 0x00f7,
    0x0159, 0x016f, 0x00fa, 0x0171, 0x00fc, 0x00fd, 0x0163, 0x02d9,
  },
  {
    0x00c4, 0x00c5, 0x00c7, 0x00c9, 0x00d1, 0x00d6, 0x00dc, 0x00e1, 0x00e0, 0x00e2, 0x00e4, 0x00e3,
    0x00e5, 0x00e7, 0x00e9, 0x00e8, 0x00ea, 0x00eb, 0x00ed, 0x00ec, 0x00ee, 0x00ef, 0x00f1, 0x00f3,
    0x00f2, 0x00f4, 0x00f6, 0x00f5, 0x00fa, 0x00f9, 0x00fb, 0x00fc, 0x2020, 0x00b0, 0x00a2, 0x00a3,
    0x00a7, 0x2022, 0x00b6, 0x00df, 0x00ae, 0x00a9, 0x2122, 0x00b4, 0x00a8, 0x2260, 0x00c6, 0x00d8,
    0x221e, 0x00b1, 0x2264, 0x2265, 0x00a5, 0x00b5, 0x2202, 0x2211, 0x220f, 0x03c0, 0x222b, 0x00aa,
    0x00ba, 0x03a9, 0x00e6, 0x00f8, 0x00bf, 0x00a1, 0x00ac, 0x221a, 0x0192, 0x2248, 0x2206, 0x00ab,
    0x00bb, 0x2026, 0x00a0, 0x00c0, 0x00c3, 0x00d5, 0x0152, 0x0153, 0x2013, 0x2014, 0x201c, 0x201d,
    0x2018, 0x2019, 0x00f7, 0x25ca, 0x00ff, 0x0178, 0x2044, 0x20ac, 0x2039, 0x203a, 0xfb01, 0xfb02,
    0x2021, 0x00b7, 0x201a, 0x201e, 0x2030, 0x00c2, 0x00ca, 0x00c1, 0x00cb, 0x00c8, 0x00cd, 0x00ce,
    0x00cf, 0x00cc, 0x00d3, 0x00d4, 0xf8ff, 0x00d2, 0x00da, 0x00db, 0x00d9, 0x0131, 0x02c6, 0x02dc,
    0x00af, 0x02d8, 0x02d9, 0x02da, 0x00b8, 0x02dd, 0x02db, 0x02c7,
  },
  {
    0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7, 0x00ea, 0x00eb, 0x00e8, 0x00ef,
    0x00ee, 0x00ec, 0x00c4, 0x00c5, 0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
    0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192, 0x00e1, 0x00ed, 0x00f3, 0x00fa,
    0x00f1, 0x00d1, 0x00aa, 0x00ba, 0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557,
    0x255d, 0x255c, 0x255b, 0x2510, 0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
    0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559,
    0x2558, 0x2552, 0x2553, 0x256b, 0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,
    0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4, 0x03a6, 0x0398, 0x03a9, 0x03b4,
    0x221e, 0x03c6, 0x03b5, 0x2229, 0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,
    0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x00a0,
  },
};
/* classes 0..4: UTF8_DETECTOR_RE's first of 2, of 3, of 4, continuation, strict continuation */
static const uint16_t rse__mb_cp[508] = {
    0x0020, 0x0021, 0x002c, 0x002e, 0x003f, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
    0x0048, 0x0049, 0x004a, 0x004b, 0x004c, 0x004d, 0x004e, 0x004f, 0x0050, 0x0051, 0x0052, 0x0053,
    0x0054, 0x0055, 0x0056, 0x0057, 0x0058, 0x0059, 0x005a, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065,
    0x0066, 0x0067, 0x0068, 0x0069, 0x006a, 0x006b, 0x006c, 0x006d, 0x006e, 0x006f, 0x0070, 0x0071,
    0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077, 0x0078, 0x0079, 0x007a, 0x0080, 0x0081, 0x0082,
    0x0083, 0x0084, 0x0085, 0x0086, 0x0087, 0x0088, 0x0089, 0x008a, 0x008b, 0x008c, 0x008d, 0x008e,
    0x008f, 0x0090, 0x0091, 0x0092, 0x0093, 0x0094, 0x0095, 0x0096, 0x0097, 0x0098, 0x0099, 0x009a,
    0x009b, 0x009c, 0x009d, 0x009e, 0x009f, 0x00a0, 0x00a1, 0x00a2, 0x00a3, 0x00a4, 0x00a5, 0x00a6,
    0x00a7, 0x00a8, 0x00a9, 0x00aa, 0x00ab, 0x00ac, 0x00ad, 0x00ae, 0x00af, 0x00b0, 0x00b1, 0x00b2,
    0x00b3, 0x00b4, 0x00b5, 0x00b6, 0x00b7, 0x00b8, 0x00b9, 0x00ba, 0x00bb, 0x00bc, 0x00bd, 0x00be,
    0x00bf, 0x00c0, 0x00c1, 0x00c2, 0x00c3, 0x00c4, 0x00c5, 0x00c6, 0x00c7, 0x00c8, 0x00c9, 0x00ca,
    0x00cb, 0x00cc, 0x00cd, 0x00ce, 0x00cf, 0x00d0, 0x00d1, 0x00d2, 0x00d3, 0x00d4, 0x00d5, 0x00d6,
    0x00d7, 0x00d8, 0x00d9, 0x00da, 0x00db, 0x00dc, 0x00dd, 0x00de, 0x00df, 0x00e0, 0x00e1, 0x00e2,
    0x00e3, 0x00e4, 0x00e5, 0x00e6, 0x00e7, 0x00e8, 0x00e9, 0x00ea, 0x00eb, 0x00ec, 0x00ed, 0x00ee,
    0x00ef, 0x00f0, 0x00f1, 0x00f2, 0x00f3, 0x00f4, 0x00f5, 0x00f6, 0x00f7, 0x00f8, 0x00f9, 0x00fa,
    0x00fb, 0x00fc, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104, 0x0105, 0x0106, 0x0107, 0x010c, 0x010d,
    0x010e, 0x010f, 0x0110, 0x0111, 0x0112, 0x0113, 0x0116, 0x0117, 0x0118, 0x0119, 0x011a, 0x011b,
    0x011e, 0x011f, 0x0122, 0x0123, 0x012a, 0x012b, 0x012f, 0x0130, 0x0136, 0x0137, 0x0139, 0x013a,
    0x013b, 0x013c, 0x013d, 0x013e, 0x0141, 0x0142, 0x0143, 0x0145, 0x0147, 0x014c, 0x0150, 0x0152,
    0x0153, 0x0155, 0x0156, 0x0157, 0x0158, 0x015a, 0x015b, 0x015e, 0x015f, 0x0160, 0x0161, 0x0162,
    0x0164, 0x0165, 0x016a, 0x016e, 0x0170, 0x0172, 0x0178, 0x0179, 0x017a, 0x017b, 0x017c, 0x017d,
    0x017e, 0x0192, 0x02c6, 0x02c7, 0x02d8, 0x02db, 0x02dc, 0x02dd, 0x0384, 0x0385, 0x0386, 0x0388,
    0x0389, 0x038a, 0x038c, 0x038e, 0x038f, 0x0391, 0x0392, 0x0393, 0x0394, 0x0395, 0x0396, 0x0397,
    0x0398, 0x0399, 0x039a, 0x039b, 0x039c, 0x039d, 0x039e, 0x039f, 0x03a0, 0x03a1, 0x03a2, 0x03a3,
    0x03a4, 0x03a5, 0x03a6, 0x03a7, 0x03a8, 0x03a9, 0x03aa, 0x03ab, 0x03ac, 0x03ad, 0x03ae, 0x03af,
    0x03b0, 0x03b1, 0x03b2, 0x03b3, 0x03b4, 0x03b5, 0x03b6, 0x03b7, 0x03b8, 0x03b9, 0x03ba, 0x03bb,
    0x03bc, 0x03bd, 0x03be, 0x03bf, 0x03c0, 0x03c1, 0x03c2, 0x03c3, 0x03c4, 0x03c5, 0x03c6, 0x03c7,
    0x03c8, 0x03c9, 0x0401, 0x0402, 0x0403, 0x0404, 0x0405, 0x0406, 0x0407, 0x0408, 0x0409, 0x040a,
    0x040b, 0x040c, 0x040d, 0x040e, 0x040f, 0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416,
    0x0417, 0x0418, 0x0419, 0x041a, 0x041b, 0x041c, 0x041d, 0x041e, 0x041f, 0x0420, 0x0421, 0x0422,
    0x0423, 0x0424, 0x0425, 0x0426, 0x0427, 0x0428, 0x0429, 0x042a, 0x042b, 0x042c, 0x042d, 0x042e,
    0x042f, 0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437, 0x0438, 0x0439, 0x043a,
    0x043b, 0x043c, 0x043d, 0x043e, 0x043f, 0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446,
    0x0447, 0x0448, 0x0449, 0x044a, 0x044b, 0x044c, 0x044d, 0x044e, 0x044f, 0x0450, 0x0451, 0x0452,
    0x0453, 0x0454, 0x0455, 0x0456, 0x0457, 0x0458, 0x0459, 0x045a, 0x045b, 0x045c, 0x045d, 0x045e,
    0x045f, 0x0490, 0x0491, 0x2013, 0x2014, 0x2015, 0x2018, 0x2019, 0x201a, 0x201c, 0x201d, 0x201e,
    0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x2044, 0x20a7, 0x20ac, 0x2116, 0x2122,
    0x2202, 0x2206, 0x220f, 0x2211, 0x221a, 0x221e, 0x2229, 0x222b, 0x2248, 0x2260, 0x2261, 0x2264,
    0x2265, 0x2310, 0x2502, 0x250c, 0x2510, 0x2518, 0x251c, 0x2524, 0x252c, 0x253c, 0x2550, 0x2551,
    0x2552, 0x2553, 0x2554, 0x2555, 0x2556, 0x2557, 0x2558, 0x2559, 0x255a, 0x255b, 0x255c, 0x255d,
    0x255e, 0x255f, 0x2560, 0x2561, 0x2562, 0x2563, 0x2564, 0x2565, 0x2566, 0x2567, 0x2568, 0x2569,
    0x256a, 0x256b, 0x256c, 0x2580, 0x2584, 0x2588, 0x258c, 0x2590, 0x2591, 0x2592, 0x2593, 0x25ca,
    0xf8ff, 0xfb01, 0xfb02, 0xfffd,
};
static const uint64_t rse__mb_mask[508][2] = {
    {0x4400000000000008u, 0x0000000000000002u}, {0x8000000000000000u, 0x0000000000000000u}, {0x8000000000000000u, 0x0000000000000000u},
    {0x8000000000000000u, 0x0000000000000000u}, {0x8000000000000000u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u},
    {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u},
    {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u},
    {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u},
    {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u},
    {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u},
    {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u},
    {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u},
    {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u}, {0x0400000000000100u, 0x0000000000000000u},
    {0x0400000000000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u},
    {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u},
    {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u},
    {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u},
    {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u},
    {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u},
    {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u},
    {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u},
    {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u}, {0x8400000002000100u, 0x0000000000000000u},
    {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u},
    {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u},
    {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u},
    {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u},
    {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u},
    {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u},
    {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u},
    {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u},
    {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u},
    {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u},
    {0x0040000000000038u, 0x0000000000000040u}, {0x0040000000000038u, 0x0000000000000040u}, {0x1000008800000018u, 0x0000000000000010u},
    {0x10400088a4100458u, 0x0000000000000042u}, {0x0041208825492c58u, 0x0000000000000040u}, {0x0040008825492c58u, 0x0000000000000040u},
    {0x00400080000000d8u, 0x0000000000000040u}, {0x0040088025492c58u, 0x0000000000000040u}, {0x00400080000000d8u, 0x0000000000000040u},
    {0x0000000020440458u, 0x0000000000000000u}, {0x00400080000000d8u, 0x0000000000000040u}, {0x00400088a4100458u, 0x0000000000000042u},
    {0x00400080000000d8u, 0x0000000000000040u}, {0x00400088a4100458u, 0x0000000000000042u}, {0x00400080000000d8u, 0x0000000000000040u},
    {0x0000008800000018u, 0x0000000000000010u}, {0x80400888a088ac58u, 0x0000000000000052u}, {0x00400080000000d8u, 0x0000000000000040u},
    {0x0045208a10000018u, 0x0000000000000050u}, {0x0000088021642c58u, 0x0000000000000000u}, {0x000002a021642c58u, 0x0000000000000000u},
    {0x000000a021642c58u, 0x0000000000000000u}, {0x0000088800000018u, 0x0000000000000000u}, {0x00400a8021642c58u, 0x0000000000000000u},
    {0x0000000020440458u, 0x0000000000000000u}, {0x0000008800000018u, 0x0000000000000000u}, {0x00400080000000d8u, 0x0000000000000040u},
    {0x0000028021642c58u, 0x0000000000000000u}, {0x00400080000000d8u, 0x0000000000000040u}, {0x80400088a088ac58u, 0x0000000000000042u},
    {0x0000028021642c58u, 0x0000000000000000u}, {0x0000028021642c58u, 0x0000000000000000u}, {0x0000028021642c58u, 0x0000000000000000u},
    {0x00400088a4100458u, 0x0000000000000042u}, {0x00000000604a1440u, 0x0000000000000000u}, {0x00000000604a1440u, 0x0000000000000000u},
    {0x20000004604a1441u, 0x0000000000000001u}, {0x28000004604a1441u, 0x0000000000000000u}, {0x00008000604a1441u, 0x0000000000000000u},
    {0x00000000604a1441u, 0x0000000000000000u}, {0x00000000604a1459u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u},
    {0x00000000604a1441u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u},
    {0x00000000604a1441u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u},
    {0x00000004604a1441u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u}, {0x00000004604a1441u, 0x0000000000000000u},
    {0x00000000604a1441u, 0x0000000000000000u}, {0x0000000010000001u, 0x0000000000000000u}, {0x0000000010000001u, 0x0000000000000000u},
    {0x0000000010000001u, 0x0000000000000000u}, {0x0000000010000001u, 0x0000000000000000u}, {0x0000000010000001u, 0x0000000000000000u},
    {0x0000009021642c41u, 0x0000000000000000u}, {0x00000040604a1459u, 0x0000000000000000u}, {0x0000004010000001u, 0x0000000000000000u},
    {0x0000000010000001u, 0x0000000000000000u}, {0x0000000010000001u, 0x0000000000000000u}, {0x00000000704a1441u, 0x0000000000000000u},
    {0x00000000604a1441u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u}, {0x000000006048cc41u, 0x0000000000000000u},
    {0x000401006048cc42u, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u}, {0x000200006048cc42u, 0x0000000000000000u},
    {0x000000006048cc42u, 0x0000000000000000u}, {0x000400006048cc42u, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u},
    {0x000000006048cc5au, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u},
    {0x000000006048cc42u, 0x0000000000000000u}, {0x000400006048cc42u, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u},
    {0x000100006048cc42u, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u}, {0x000100006048cc42u, 0x0000000000000000u},
    {0x000100006048cc42u, 0x0000000000000000u}, {0x000000006048cc44u, 0x0000000000000000u}, {0x000000006048cc40u, 0x0000000000000000u},
    {0x0001000010000000u, 0x0000000000000000u}, {0x0002000010000004u, 0x0000000000000000u}, {0x0001000010000000u, 0x0000000000000000u},
    {0x0000000010000000u, 0x0000000000000000u}, {0x0000000010000000u, 0x0000000000000000u}, {0x0000008021642c40u, 0x0000000000000000u},
    {0x0000080010000018u, 0x0000000000000000u}, {0x0001000010000000u, 0x0000000000000000u}, {0x0001000010000000u, 0x0000000000000000u},
    {0x0001000010000000u, 0x0000000000000000u}, {0x000000007048cc40u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u},
    {0x000000006048cc42u, 0x0000000000000080u}, {0x00000000604a1441u, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u},
    {0x00000000604a1458u, 0x0000000000000000u}, {0x000000006048cc5au, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u},
    {0x000000006048cc42u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u},
    {0x00000000604a1441u, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u},
    {0x000000006048cc44u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u},
    {0x00000000604a1441u, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u},
    {0x000000006048cc42u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u},
    {0x00000000604a1441u, 0x0000000000000000u}, {0x000000006048cc44u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u},
    {0x000000006048cc42u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u},
    {0x000000006048cc42u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u},
    {0x000000006048cc42u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u},
    {0x00000000604a1441u, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u}, {0x00000000604a1458u, 0x0000000000000000u},
    {0x000000006048cc58u, 0x0000000000000000u}, {0x00000000604a1459u, 0x0000000000000000u}, {0x000000006048cc58u, 0x0000000000000000u},
    {0x00000000604a1441u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u},
    {0x0000000010000001u, 0x0000000000000000u}, {0x0000000010000001u, 0x0000000000000000u}, {0x00000001604a1458u, 0x0000000000000000u},
    {0x000000096048cc58u, 0x0000000000000000u}, {0x000000006048cc42u, 0x0000000000000000u}, {0x0000000000000018u, 0x0000000000000000u},
    {0x0000000000000018u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u}, {0x00000000604a1459u, 0x0000000000000000u},
    {0x000000006048cc58u, 0x0000000000000000u}, {0x00000000604a1459u, 0x0000000000000000u}, {0x000000006048cc58u, 0x0000000000000000u},
    {0x00000088604a1459u, 0x0000000000000000u}, {0x000000086048cc5cu, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u},
    {0x00000000604a1458u, 0x0000000000000000u}, {0x000000006048cc58u, 0x0000000000000000u}, {0x0000000010000001u, 0x0000000000000000u},
    {0x00000000604a1441u, 0x0000000000000000u}, {0x00000000604a1441u, 0x0000000000000000u}, {0x0000000010000001u, 0x0000000000000000u},
    {0x00000088604a1458u, 0x0000000000000000u}, {0x00000000604a1459u, 0x0000000000000000u}, {0x000000006048cc5au, 0x0000000000000000u},
    {0x00000000604a1459u, 0x0000000000000000u}, {0x000000006048cc58u, 0x0000000000000000u}, {0x00000000604a1459u, 0x0000000000000000u},
    {0x000000086048cc58u, 0x0000000000000000u}, {0x00400080000000d8u, 0x0000000000000040u}, {0x00400080000000d8u, 0x0000000000000040u},
    {0x00400080000000d8u, 0x0000000000000040u}, {0x00400080000000d8u, 0x0000000000000040u}, {0x00400080000000d8u, 0x0000000000000040u},
    {0x00400080000000d8u, 0x0000000000000040u}, {0x80400008a088ac58u, 0x0000000000000042u}, {0x00400088a4100458u, 0x0000000000000042u},
    {0x00400088a4100458u, 0x0000000000000042u}, {0x0000000000000218u, 0x0000000000000010u}, {0x0000000000000218u, 0x0000000000000000u},
    {0x0000000000000218u, 0x0000000000000000u}, {0x0000000000000218u, 0x0000000000000000u}, {0x0000000000000218u, 0x0000000000000000u},
    {0x0000000000000218u, 0x0000000000000000u}, {0x0000000000000218u, 0x0000000000000000u}, {0x0000000000000200u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000020u}, {0x0000000000000201u, 0x0000000000000020u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000020u}, {0x0000000000000201u, 0x0000000000000020u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000200u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000a01u, 0x0000000000000000u},
    {0x0000000000000a01u, 0x0000000000000000u}, {0x0000000000000a01u, 0x0000000000000000u}, {0x0000000000000a01u, 0x0000000000000000u},
    {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000004u},
    {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u},
    {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u},
    {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u},
    {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u},
    {0x0000000000000a02u, 0x0000000000000000u}, {0x0001000000000a04u, 0x0000000000000000u}, {0x0000000000000a00u, 0x0000000000000000u},
    {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000a04u, 0x0000000000000000u}, {0x0000000000000a00u, 0x0000000000000000u},
    {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000a00u, 0x0000000000000000u},
    {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000218u, 0x0000000000000000u},
    {0x0010000000000218u, 0x0000000000000000u}, {0x0000000000000218u, 0x0000000000000000u}, {0x0000000000000218u, 0x0000000000000000u},
    {0x0000000000000218u, 0x0000000000000000u}, {0x0000000000000218u, 0x0000000000000000u}, {0x0000000000000218u, 0x0000000000000000u},
    {0x0000000000000218u, 0x0000000000000000u}, {0x0000000000000218u, 0x0000000000000000u}, {0x0000000000000218u, 0x0000000000000000u},
    {0x0000000000000218u, 0x0000000000000000u}, {0x0000000000000218u, 0x0000000000000000u}, {0x0000000000000200u, 0x0000000000000000u},
    {0x0000000000000218u, 0x0000000000000000u}, {0x0000000000000218u, 0x0000000000000000u}, {0x0000000000000200u, 0x0000000000000000u},
    {0x0000000000000200u, 0x0000000000000000u}, {0x0220000000000201u, 0x0000000000000000u}, {0x00a0000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0020000000000201u, 0x0000000000000000u}, {0x0020000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000201u, 0x0000000000000000u},
    {0x0000000000000201u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u},
    {0x0008000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u},
    {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u},
    {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u},
    {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u},
    {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a02u, 0x0000000000000000u}, {0x0000000000000a04u, 0x0000000000000000u},
    {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000a04u, 0x0000000000000000u},
    {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000a00u, 0x0000000000000000u},
    {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000a00u, 0x0000000000000000u},
    {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000a00u, 0x0000000000000000u},
    {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000a00u, 0x0000000000000000u},
    {0x0000000000000a00u, 0x0000000000000000u}, {0x0000000000000a18u, 0x0000000000000000u}, {0x0000000000000a18u, 0x0000000000000000u},
    {0x0000000000000a18u, 0x0000000000000000u}, {0x0000000000000a18u, 0x0000000000000000u}, {0x0000000000000a18u, 0x0000000000000000u},
    {0x0000000000000a18u, 0x0000000000000000u}, {0x0000000000000a18u, 0x0000000000000000u}, {0x0000000000000a18u, 0x0000000000000000u},
    {0x0000000000000a18u, 0x0000000000000000u}, {0x0000000000000a18u, 0x0000000000000000u}, {0x0000000000000a18u, 0x0000000000000000u},
    {0x0000000000000a18u, 0x0000000000000000u}, {0x0000000000000a00u, 0x0000000000000000u}, {0x0100000000000a18u, 0x0000000000000000u},
    {0x0000000000000a18u, 0x0000000000000000u}, {0x00000000604a1458u, 0x0000000000000000u}, {0x000000006048cc58u, 0x0000000000000000u},
    {0x0000008800000008u, 0x0000000000000000u}, {0x0000008800000008u, 0x0000000000000000u}, {0x0000008000000008u, 0x0000000000000000u},
    {0x00400088a4100448u, 0x0000000000000042u}, {0x0000008000000008u, 0x0000000000000000u}, {0x00404088a4100448u, 0x0000000000000042u},
    {0x00400088a4100448u, 0x0000000000000042u}, {0x80400008a088ac48u, 0x0000000000000042u}, {0x00400088a4100448u, 0x0000000000000042u},
    {0x00410880000000d8u, 0x0000000000000040u}, {0x00400080000000d8u, 0x0000000000000040u}, {0x00400088a4100448u, 0x0000000000000042u},
    {0x0000008000000008u, 0x0000000000000000u}, {0x00400080000000d8u, 0x0000000000000040u}, {0x00400088a4100458u, 0x0000000000000042u},
    {0x80400008a088ac58u, 0x0000000000000042u}, {0x0000008021642c40u, 0x0000000000000000u}, {0x0040008025492c40u, 0x0000000000000040u},
    {0x0040008825492c58u, 0x0000000000000048u}, {0x0000008021642c58u, 0x0000000000000000u}, {0x80400808a088ac58u, 0x0000000000000052u},
    {0x0000088021642c40u, 0x0000000000000000u}, {0x0000008021642c40u, 0x0000000000000000u}, {0x0000008021642c40u, 0x0000000000000000u},
    {0x0000008021642c40u, 0x0000000000000000u}, {0x0000048021642c40u, 0x0000000000000000u}, {0x0000008021642c40u, 0x0000000000000000u},
    {0x0000008021642c40u, 0x0000000000000000u}, {0x0000008021642c40u, 0x0000000000000000u}, {0x0000108021642c40u, 0x0000000000000000u},
    {0x0000088021642c40u, 0x0000000000000000u}, {0x0000008021642c40u, 0x0000000000000000u}, {0x0000088021642c40u, 0x0000000000000000u},
    {0x0000088021642c40u, 0x0000000000000000u}, {0x00400080000000c0u, 0x0000000000000040u}, {0x00000000094aac40u, 0x0000000000000000u},
    {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u},
    {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u},
    {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u},
    {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u},
    {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u},
    {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u},
    {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u},
    {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u},
    {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u},
    {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u},
    {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u},
    {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u},
    {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u},
    {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u},
    {0x00000000094aac40u, 0x0000000000000000u}, {0x00000000094aac40u, 0x0000000000000000u}, {0x00400080000000c0u, 0x0000000000000040u},
    {0x00400088a4100440u, 0x0000000000000042u}, {0x000000006048cc40u, 0x0000000000000000u}, {0x000000006048cc40u, 0x0000000000000000u},
    {0x00400080000000c0u, 0x0000000000000040u},
};
/* BADNESS_RE: {anchored at the start, length, class ids (128 \s, 129 \w, 130 any but \n, 131 [^A-Za-z])} */
static const uint8_t rse__mb_pat[38][9] = {
    {0, 1, 5}, {0, 2, 6, 7}, {0, 3, 8, 9, 7},
    {0, 2, 7, 10}, {0, 2, 11, 12}, {0, 2, 13, 14},
    {0, 2, 15, 16}, {0, 3, 128, 12, 16}, {0, 2, 17, 18},
    {0, 3, 19, 20, 21}, {0, 3, 22, 23, 20}, {0, 2, 24, 20},
    {0, 3, 25, 12, 26}, {0, 2, 27, 28}, {0, 2, 29, 27},
    {0, 2, 27, 23}, {0, 3, 30, 31, 129}, {0, 2, 32, 131},
    {0, 2, 12, 33}, {0, 2, 34, 35}, {0, 2, 36, 37},
    {0, 4, 38, 39, 38, 39}, {0, 2, 40, 41}, {0, 2, 42, 43},
    {0, 2, 44, 45}, {0, 3, 46, 47, 48}, {0, 3, 46, 49, 50},
    {0, 2, 51, 52}, {0, 3, 53, 54, 53}, {0, 7, 55, 56, 57, 52, 57, 130, 58},
    {0, 2, 59, 60}, {0, 3, 25, 61, 62}, {0, 4, 25, 128, 61, 62},
    {1, 2, 61, 62}, {0, 3, 63, 64, 65}, {0, 3, 66, 67, 68},
    {0, 3, 69, 70, 69}, {0, 2, 71, 67},
};
static const struct { uint32_t first, count; int32_t delta; } rse__width[73] = {
    {0x3000, 1, -12256}, {0xff01, 94, -65248}, {0xff5f, 2, -54746}, {0xff61, 1, -53087},
    {0xff62, 2, -53078}, {0xff64, 1, -53091}, {0xff65, 1, -52842}, {0xff66, 1, -52852},
    {0xff67, 1, -52934}, {0xff68, 1, -52933}, {0xff69, 1, -52932}, {0xff6a, 1, -52931},
    {0xff6b, 1, -52930}, {0xff6c, 1, -52873}, {0xff6d, 1, -52872}, {0xff6e, 1, -52871},
    {0xff6f, 1, -52908}, {0xff70, 1, -52852}, {0xff71, 1, -52943}, {0xff72, 1, -52942},
    {0xff73, 1, -52941}, {0xff74, 1, -52940}, {0xff75, 2, -52939}, {0xff77, 1, -52938},
    {0xff78, 1, -52937}, {0xff79, 1, -52936}, {0xff7a, 1, -52935}, {0xff7b, 1, -52934},
    {0xff7c, 1, -52933}, {0xff7d, 1, -52932}, {0xff7e, 1, -52931}, {0xff7f, 1, -52930},
    {0xff80, 1, -52929}, {0xff81, 1, -52928}, {0xff82, 1, -52926}, {0xff83, 1, -52925},
    {0xff84, 1, -52924}, {0xff85, 6, -52923}, {0xff8b, 1, -52921}, {0xff8c, 1, -52919},
    {0xff8d, 1, -52917}, {0xff8e, 1, -52915}, {0xff8f, 5, -52913}, {0xff94, 1, -52912},
    {0xff95, 1, -52911}, {0xff96, 6, -52910}, {0xff9c, 1, -52909}, {0xff9d, 1, -52906},
    {0xff9e, 2, -52997}, {0xffa0, 1, -60992}, {0xffa1, 2, -61089}, {0xffa3, 1, -60921},
    {0xffa4, 1, -61090}, {0xffa5, 2, -60921}, {0xffa7, 3, -61092}, {0xffaa, 6, -60922},
    {0xffb0, 1, -61078}, {0xffb1, 3, -61099}, {0xffb4, 1, -61075}, {0xffb5, 10, -61100},
    {0xffc2, 6, -61025}, {0xffca, 6, -61027}, {0xffd2, 6, -61029}, {0xffda, 3, -61031},
    {0xffe0, 2, -65342}, {0xffe2, 1, -65334}, {0xffe4, 1, -65342}, {0xffe5, 1, -65344},
    {0xffe6, 1, -57149}, {0xffe8, 1, -56038}, {0xffe9, 4, -56921}, {0xffed, 1, -55885},
    {0xffee, 1, -55843},
};
static const uint32_t rse__ligature[22][4] = {
    {0x132, 0x49, 0x4a, 0x0}, {0x133, 0x69, 0x6a, 0x0}, {0x149, 0x2bc, 0x6e, 0x0}, {0x1c4, 0x44, 0x17d, 0x0},
    {0x1c5, 0x44, 0x17e, 0x0}, {0x1c6, 0x64, 0x17e, 0x0}, {0x1c7, 0x4c, 0x4a, 0x0}, {0x1c8, 0x4c, 0x6a, 0x0},
    {0x1c9, 0x6c, 0x6a, 0x0}, {0x1ca, 0x4e, 0x4a, 0x0}, {0x1cb, 0x4e, 0x6a, 0x0}, {0x1cc, 0x6e, 0x6a, 0x0},
    {0x1f1, 0x44, 0x5a, 0x0}, {0x1f2, 0x44, 0x7a, 0x0}, {0x1f3, 0x64, 0x7a, 0x0}, {0xfb00, 0x66, 0x66, 0x0},
    {0xfb01, 0x66, 0x69, 0x0}, {0xfb02, 0x66, 0x6c, 0x0}, {0xfb03, 0x66, 0x66, 0x69}, {0xfb04, 0x66, 0x66, 0x6c},
    {0xfb05, 0x17f, 0x74, 0x0}, {0xfb06, 0x73, 0x74, 0x0},
};
static const uint32_t rse__nd[62][2] = {
    {0x30, 0x39}, {0x660, 0x669}, {0x6f0, 0x6f9}, {0x7c0, 0x7c9}, {0x966, 0x96f}, {0x9e6, 0x9ef},
    {0xa66, 0xa6f}, {0xae6, 0xaef}, {0xb66, 0xb6f}, {0xbe6, 0xbef}, {0xc66, 0xc6f}, {0xce6, 0xcef},
    {0xd66, 0xd6f}, {0xde6, 0xdef}, {0xe50, 0xe59}, {0xed0, 0xed9}, {0xf20, 0xf29}, {0x1040, 0x1049},
    {0x1090, 0x1099}, {0x17e0, 0x17e9}, {0x1810, 0x1819}, {0x1946, 0x194f}, {0x19d0, 0x19d9}, {0x1a80, 0x1a89},
    {0x1a90, 0x1a99}, {0x1b50, 0x1b59}, {0x1bb0, 0x1bb9}, {0x1c40, 0x1c49}, {0x1c50, 0x1c59}, {0xa620, 0xa629},
    {0xa8d0, 0xa8d9}, {0xa900, 0xa909}, {0xa9d0, 0xa9d9}, {0xa9f0, 0xa9f9}, {0xaa50, 0xaa59}, {0xabf0, 0xabf9},
    {0xff10, 0xff19}, {0x104a0, 0x104a9}, {0x10d30, 0x10d39}, {0x11066, 0x1106f}, {0x110f0, 0x110f9}, {0x11136, 0x1113f},
    {0x111d0, 0x111d9}, {0x112f0, 0x112f9}, {0x11450, 0x11459}, {0x114d0, 0x114d9}, {0x11650, 0x11659}, {0x116c0, 0x116c9},
    {0x11730, 0x11739}, {0x118e0, 0x118e9}, {0x11950, 0x11959}, {0x11c50, 0x11c59}, {0x11d50, 0x11d59}, {0x11da0, 0x11da9},
    {0x16a60, 0x16a69}, {0x16ac0, 0x16ac9}, {0x16b50, 0x16b59}, {0x1d7ce, 0x1d7ff}, {0x1e140, 0x1e149}, {0x1e2f0, 0x1e2f9},
    {0x1e950, 0x1e959}, {0x1fbf0, 0x1fbf9},
};
static const uint32_t rse__ccc_bp[571] = {
    0x0, 0x300e6, 0x315e8, 0x316dc, 0x31ae8, 0x31bd8, 0x31cdc, 0x321ca,
    0x323dc, 0x327ca, 0x329dc, 0x33401, 0x339dc, 0x33de6, 0x345f0, 0x346e6,
    0x347dc, 0x34ae6, 0x34ddc, 0x34f00, 0x350e6, 0x353dc, 0x357e6, 0x358e8,
    0x359dc, 0x35be6, 0x35ce9, 0x35dea, 0x35fe9, 0x360ea, 0x362e9, 0x363e6,
    0x37000, 0x483e6, 0x48800, 0x591dc, 0x592e6, 0x596dc, 0x597e6, 0x59ade,
    0x59bdc, 0x59ce6, 0x5a2dc, 0x5a8e6, 0x5aadc, 0x5abe6, 0x5adde, 0x5aee4,
    0x5afe6, 0x5b00a, 0x5b10b, 0x5b20c, 0x5b30d, 0x5b40e, 0x5b50f, 0x5b610,
    0x5b711, 0x5b812, 0x5b913, 0x5bb14, 0x5bc15, 0x5bd16, 0x5be00, 0x5bf17,
    0x5c000, 0x5c118, 0x5c219, 0x5c300, 0x5c4e6, 0x5c5dc, 0x5c600, 0x5c712,
    0x5c800, 0x610e6, 0x6181e, 0x6191f, 0x61a20, 0x61b00, 0x64b1b, 0x64c1c,
    0x64d1d, 0x64e1e, 0x64f1f, 0x65020, 0x65121, 0x65222, 0x653e6, 0x655dc,
    0x657e6, 0x65cdc, 0x65de6, 0x65fdc, 0x66000, 0x67023, 0x67100, 0x6d6e6,
    0x6dd00, 0x6dfe6, 0x6e3dc, 0x6e4e6, 0x6e500, 0x6e7e6, 0x6e900, 0x6eadc,
    0x6ebe6, 0x6eddc, 0x6ee00, 0x71124, 0x71200, 0x730e6, 0x731dc, 0x732e6,
    0x734dc, 0x735e6, 0x737dc, 0x73ae6, 0x73bdc, 0x73de6, 0x73edc, 0x73fe6,
    0x742dc, 0x743e6, 0x744dc, 0x745e6, 0x746dc, 0x747e6, 0x748dc, 0x749e6,
    0x74b00, 0x7ebe6, 0x7f2dc, 0x7f3e6, 0x7f400, 0x7fddc, 0x7fe00, 0x816e6,
    0x81a00, 0x81be6, 0x82400, 0x825e6, 0x82800, 0x829e6, 0x82e00, 0x859dc,
    0x85c00, 0x898e6, 0x899dc, 0x89ce6, 0x8a000, 0x8cae6, 0x8cfdc, 0x8d4e6,
    0x8e200, 0x8e3dc, 0x8e4e6, 0x8e6dc, 0x8e7e6, 0x8e9dc, 0x8eae6, 0x8eddc,
    0x8f01b, 0x8f11c, 0x8f21d, 0x8f3e6, 0x8f6dc, 0x8f7e6, 0x8f9dc, 0x8fbe6,
    0x90000, 0x93c07, 0x93d00, 0x94d09, 0x94e00, 0x951e6, 0x952dc, 0x953e6,
    0x95500, 0x9bc07, 0x9bd00, 0x9cd09, 0x9ce00, 0x9fee6, 0x9ff00, 0xa3c07,
    0xa3d00, 0xa4d09, 0xa4e00, 0xabc07, 0xabd00, 0xacd09, 0xace00, 0xb3c07,
    0xb3d00, 0xb4d09, 0xb4e00, 0xbcd09, 0xbce00, 0xc3c07, 0xc3d00, 0xc4d09,
    0xc4e00, 0xc5554, 0xc565b, 0xc5700, 0xcbc07, 0xcbd00, 0xccd09, 0xcce00,
    0xd3b09, 0xd3d00, 0xd4d09, 0xd4e00, 0xdca09, 0xdcb00, 0xe3867, 0xe3a09,
    0xe3b00, 0xe486b, 0xe4c00, 0xeb876, 0xeba09, 0xebb00, 0xec87a, 0xecc00,
    0xf18dc, 0xf1a00, 0xf35dc, 0xf3600, 0xf37dc, 0xf3800, 0xf39d8, 0xf3a00,
    0xf7181, 0xf7282, 0xf7300, 0xf7484, 0xf7500, 0xf7a82, 0xf7e00, 0xf8082,
    0xf8100, 0xf82e6, 0xf8409, 0xf8500, 0xf86e6, 0xf8800, 0xfc6dc, 0xfc700,
    0x103707, 0x103800, 0x103909, 0x103b00, 0x108ddc, 0x108e00, 0x135de6, 0x136000,
    0x171409, 0x171600, 0x173409, 0x173500, 0x17d209, 0x17d300, 0x17dde6, 0x17de00,
    0x18a9e4, 0x18aa00, 0x1939de, 0x193ae6, 0x193bdc, 0x193c00, 0x1a17e6, 0x1a18dc,
    0x1a1900, 0x1a6009, 0x1a6100, 0x1a75e6, 0x1a7d00, 0x1a7fdc, 0x1a8000, 0x1ab0e6,
    0x1ab5dc, 0x1abbe6, 0x1abddc, 0x1abe00, 0x1abfdc, 0x1ac1e6, 0x1ac3dc, 0x1ac5e6,
    0x1acadc, 0x1acbe6, 0x1acf00, 0x1b3407, 0x1b3500, 0x1b4409, 0x1b4500, 0x1b6be6,
    0x1b6cdc, 0x1b6de6, 0x1b7400, 0x1baa09, 0x1bac00, 0x1be607, 0x1be700, 0x1bf209,
    0x1bf400, 0x1c3707, 0x1c3800, 0x1cd0e6, 0x1cd300, 0x1cd401, 0x1cd5dc, 0x1cdae6,
    0x1cdcdc, 0x1ce0e6, 0x1ce100, 0x1ce201, 0x1ce900, 0x1ceddc, 0x1cee00, 0x1cf4e6,
    0x1cf500, 0x1cf8e6, 0x1cfa00, 0x1dc0e6, 0x1dc2dc, 0x1dc3e6, 0x1dcadc, 0x1dcbe6,
    0x1dcdea, 0x1dced6, 0x1dcfdc, 0x1dd0ca, 0x1dd1e6, 0x1df6e8, 0x1df7e4, 0x1df9dc,
    0x1dfada, 0x1dfbe6, 0x1dfce9, 0x1dfddc, 0x1dfee6, 0x1dffdc, 0x1e0000, 0x20d0e6,
    0x20d201, 0x20d4e6, 0x20d801, 0x20dbe6, 0x20dd00, 0x20e1e6, 0x20e200, 0x20e501,
    0x20e7e6, 0x20e8dc, 0x20e9e6, 0x20ea01, 0x20ecdc, 0x20f0e6, 0x20f100, 0x2cefe6,
    0x2cf200, 0x2d7f09, 0x2d8000, 0x2de0e6, 0x2e0000, 0x302ada, 0x302be4, 0x302ce8,
    0x302dde, 0x302ee0, 0x303000, 0x309908, 0x309b00, 0xa66fe6, 0xa67000, 0xa674e6,
    0xa67e00, 0xa69ee6, 0xa6a000, 0xa6f0e6, 0xa6f200, 0xa80609, 0xa80700, 0xa82c09,
    0xa82d00, 0xa8c409, 0xa8c500, 0xa8e0e6, 0xa8f200, 0xa92bdc, 0xa92e00, 0xa95309,
    0xa95400, 0xa9b307, 0xa9b400, 0xa9c009, 0xa9c100, 0xaab0e6, 0xaab100, 0xaab2e6,
    0xaab4dc, 0xaab500, 0xaab7e6, 0xaab900, 0xaabee6, 0xaac000, 0xaac1e6, 0xaac200,
    0xaaf609, 0xaaf700, 0xabed09, 0xabee00, 0xfb1e1a, 0xfb1f00, 0xfe20e6, 0xfe27dc,
    0xfe2ee6, 0xfe3000, 0x101fddc, 0x101fe00, 0x102e0dc, 0x102e100, 0x10376e6, 0x1037b00,
    0x10a0ddc, 0x10a0e00, 0x10a0fe6, 0x10a1000, 0x10a38e6, 0x10a3901, 0x10a3adc, 0x10a3b00,
    0x10a3f09, 0x10a4000, 0x10ae5e6, 0x10ae6dc, 0x10ae700, 0x10d24e6, 0x10d2800, 0x10eabe6,
    0x10ead00, 0x10f46dc, 0x10f48e6, 0x10f4bdc, 0x10f4ce6, 0x10f4ddc, 0x10f5100, 0x10f82e6,
    0x10f83dc, 0x10f84e6, 0x10f85dc, 0x10f8600, 0x1104609, 0x1104700, 0x1107009, 0x1107100,
    0x1107f09, 0x1108000, 0x110b909, 0x110ba07, 0x110bb00, 0x11100e6, 0x1110300, 0x1113309,
    0x1113500, 0x1117307, 0x1117400, 0x111c009, 0x111c100, 0x111ca07, 0x111cb00, 0x1123509,
    0x1123607, 0x1123700, 0x112e907, 0x112ea09, 0x112eb00, 0x1133b07, 0x1133d00, 0x1134d09,
    0x1134e00, 0x11366e6, 0x1136d00, 0x11370e6, 0x1137500, 0x1144209, 0x1144300, 0x1144607,
    0x1144700, 0x1145ee6, 0x1145f00, 0x114c209, 0x114c307, 0x114c400, 0x115bf09, 0x115c007,
    0x115c100, 0x1163f09, 0x1164000, 0x116b609, 0x116b707, 0x116b800, 0x1172b09, 0x1172c00,
    0x1183909, 0x1183a07, 0x1183b00, 0x1193d09, 0x1193f00, 0x1194307, 0x1194400, 0x119e009,
    0x119e100, 0x11a3409, 0x11a3500, 0x11a4709, 0x11a4800, 0x11a9909, 0x11a9a00, 0x11c3f09,
    0x11c4000, 0x11d4207, 0x11d4300, 0x11d4409, 0x11d4600, 0x11d9709, 0x11d9800, 0x16af001,
    0x16af500, 0x16b30e6, 0x16b3700, 0x16ff006, 0x16ff200, 0x1bc9e01, 0x1bc9f00, 0x1d165d8,
    0x1d16701, 0x1d16a00, 0x1d16de2, 0x1d16ed8, 0x1d17300, 0x1d17bdc, 0x1d18300, 0x1d185e6,
    0x1d18adc, 0x1d18c00, 0x1d1aae6, 0x1d1ae00, 0x1d242e6, 0x1d24500, 0x1e000e6, 0x1e00700,
    0x1e008e6, 0x1e01900, 0x1e01be6, 0x1e02200, 0x1e023e6, 0x1e02500, 0x1e026e6, 0x1e02b00,
    0x1e130e6, 0x1e13700, 0x1e2aee6, 0x1e2af00, 0x1e2ece6, 0x1e2f000, 0x1e8d0dc, 0x1e8d700,
    0x1e944e6, 0x1e94a07, 0x1e94b00,
};
static const uint32_t rse__nfd_2nd[86] = {
    0x0, 0x300, 0x301, 0x302, 0x303, 0x304, 0x306, 0x307, 0x308, 0x309,
    0x30a, 0x30b, 0x30c, 0x30f, 0x311, 0x313, 0x314, 0x31b, 0x323, 0x324,
    0x325, 0x326, 0x327, 0x328, 0x32d, 0x32e, 0x330, 0x331, 0x338, 0x342,
    0x345, 0x5b4, 0x5b7, 0x5b8, 0x5b9, 0x5bc, 0x5bf, 0x5c1, 0x5c2, 0x653,
    0x654, 0x655, 0x93c, 0x9bc, 0x9be, 0x9d7, 0xa3c, 0xb3c, 0xb3e, 0xb56,
    0xb57, 0xbbe, 0xbd7, 0xc56, 0xcc2, 0xcd5, 0xcd6, 0xd3e, 0xd57, 0xdca,
    0xdcf, 0xddf, 0xf72, 0xf74, 0xf80, 0xfb5, 0xfb7, 0x102e, 0x1b35, 0x3099,
    0x309a, 0x110ba, 0x11127, 0x1133e, 0x11357, 0x114b0, 0x114ba, 0x114bd, 0x115af, 0x11930,
    0x1d165, 0x1d16e, 0x1d16f, 0x1d170, 0x1d171, 0x1d172,
};
static const uint32_t rse__nfd[2061][2] = {
    {0x800000c0, 0x200041}, {0x800000c1, 0x400041}, {0x800000c2, 0x600041}, {0x800000c3, 0x800041}, {0x800000c4, 0x1000041}, {0x800000c5, 0x1400041},
    {0x800000c7, 0x2c00043}, {0x800000c8, 0x200045}, {0x800000c9, 0x400045}, {0x800000ca, 0x600045}, {0x800000cb, 0x1000045}, {0x800000cc, 0x200049},
    {0x800000cd, 0x400049}, {0x800000ce, 0x600049}, {0x800000cf, 0x1000049}, {0x800000d1, 0x80004e}, {0x800000d2, 0x20004f}, {0x800000d3, 0x40004f},
    {0x800000d4, 0x60004f}, {0x800000d5, 0x80004f}, {0x800000d6, 0x100004f}, {0x800000d9, 0x200055}, {0x800000da, 0x400055}, {0x800000db, 0x600055},
    {0x800000dc, 0x1000055}, {0x800000dd, 0x400059}, {0x800000e0, 0x200061}, {0x800000e1, 0x400061}, {0x800000e2, 0x600061}, {0x800000e3, 0x800061},
    {0x800000e4, 0x1000061}, {0x800000e5, 0x1400061}, {0x800000e7, 0x2c00063}, {0x800000e8, 0x200065}, {0x800000e9, 0x400065}, {0x800000ea, 0x600065},
    {0x800000eb, 0x1000065}, {0x800000ec, 0x200069}, {0x800000ed, 0x400069}, {0x800000ee, 0x600069}, {0x800000ef, 0x1000069}, {0x800000f1, 0x80006e},
    {0x800000f2, 0x20006f}, {0x800000f3, 0x40006f}, {0x800000f4, 0x60006f}, {0x800000f5, 0x80006f}, {0x800000f6, 0x100006f}, {0x800000f9, 0x200075},
    {0x800000fa, 0x400075}, {0x800000fb, 0x600075}, {0x800000fc, 0x1000075}, {0x800000fd, 0x400079}, {0x800000ff, 0x1000079}, {0x80000100, 0xa00041},
    {0x80000101, 0xa00061}, {0x80000102, 0xc00041}, {0x80000103, 0xc00061}, {0x80000104, 0x2e00041}, {0x80000105, 0x2e00061}, {0x80000106, 0x400043},
    {0x80000107, 0x400063}, {0x80000108, 0x600043}, {0x80000109, 0x600063}, {0x8000010a, 0xe00043}, {0x8000010b, 0xe00063}, {0x8000010c, 0x1800043},
    {0x8000010d, 0x1800063}, {0x8000010e, 0x1800044}, {0x8000010f, 0x1800064}, {0x80000112, 0xa00045}, {0x80000113, 0xa00065}, {0x80000114, 0xc00045},
    {0x80000115, 0xc00065}, {0x80000116, 0xe00045}, {0x80000117, 0xe00065}, {0x80000118, 0x2e00045}, {0x80000119, 0x2e00065}, {0x8000011a, 0x1800045},
    {0x8000011b, 0x1800065}, {0x8000011c, 0x600047}, {0x8000011d, 0x600067}, {0x8000011e, 0xc00047}, {0x8000011f, 0xc00067}, {0x80000120, 0xe00047},
    {0x80000121, 0xe00067}, {0x80000122, 0x2c00047}, {0x80000123, 0x2c00067}, {0x80000124, 0x600048}, {0x80000125, 0x600068}, {0x80000128, 0x800049},
    {0x80000129, 0x800069}, {0x8000012a, 0xa00049}, {0x8000012b, 0xa00069}, {0x8000012c, 0xc00049}, {0x8000012d, 0xc00069}, {0x8000012e, 0x2e00049},
    {0x8000012f, 0x2e00069}, {0x80000130, 0xe00049}, {0x80000134, 0x60004a}, {0x80000135, 0x60006a}, {0x80000136, 0x2c0004b}, {0x80000137, 0x2c0006b},
    {0x80000139, 0x40004c}, {0x8000013a, 0x40006c}, {0x8000013b, 0x2c0004c}, {0x8000013c, 0x2c0006c}, {0x8000013d, 0x180004c}, {0x8000013e, 0x180006c},
    {0x80000143, 0x40004e}, {0x80000144, 0x40006e}, {0x80000145, 0x2c0004e}, {0x80000146, 0x2c0006e}, {0x80000147, 0x180004e}, {0x80000148, 0x180006e},
    {0x8000014c, 0xa0004f}, {0x8000014d, 0xa0006f}, {0x8000014e, 0xc0004f}, {0x8000014f, 0xc0006f}, {0x80000150, 0x160004f}, {0x80000151, 0x160006f},
    {0x80000154, 0x400052}, {0x80000155, 0x400072}, {0x80000156, 0x2c00052}, {0x80000157, 0x2c00072}, {0x80000158, 0x1800052}, {0x80000159, 0x1800072},
    {0x8000015a, 0x400053}, {0x8000015b, 0x400073}, {0x8000015c, 0x600053}, {0x8000015d, 0x600073}, {0x8000015e, 0x2c00053}, {0x8000015f, 0x2c00073},
    {0x80000160, 0x1800053}, {0x80000161, 0x1800073}, {0x80000162, 0x2c00054}, {0x80000163, 0x2c00074}, {0x80000164, 0x1800054}, {0x80000165, 0x1800074},
    {0x80000168, 0x800055}, {0x80000169, 0x800075}, {0x8000016a, 0xa00055}, {0x8000016b, 0xa00075}, {0x8000016c, 0xc00055}, {0x8000016d, 0xc00075},
    {0x8000016e, 0x1400055}, {0x8000016f, 0x1400075}, {0x80000170, 0x1600055}, {0x80000171, 0x1600075}, {0x80000172, 0x2e00055}, {0x80000173, 0x2e00075},
    {0x80000174, 0x600057}, {0x80000175, 0x600077}, {0x80000176, 0x600059}, {0x80000177, 0x600079}, {0x80000178, 0x1000059}, {0x80000179, 0x40005a},
    {0x8000017a, 0x40007a}, {0x8000017b, 0xe0005a}, {0x8000017c, 0xe0007a}, {0x8000017d, 0x180005a}, {0x8000017e, 0x180007a}, {0x800001a0, 0x220004f},
    {0x800001a1, 0x220006f}, {0x800001af, 0x2200055}, {0x800001b0, 0x2200075}, {0x800001cd, 0x1800041}, {0x800001ce, 0x1800061}, {0x800001cf, 0x1800049},
    {0x800001d0, 0x1800069}, {0x800001d1, 0x180004f}, {0x800001d2, 0x180006f}, {0x800001d3, 0x1800055}, {0x800001d4, 0x1800075}, {0x800001d5, 0xa000dc},
    {0x800001d6, 0xa000fc}, {0x800001d7, 0x4000dc}, {0x800001d8, 0x4000fc}, {0x800001d9, 0x18000dc}, {0x800001da, 0x18000fc}, {0x800001db, 0x2000dc},
    {0x800001dc, 0x2000fc}, {0x800001de, 0xa000c4}, {0x800001df, 0xa000e4}, {0x800001e0, 0xa00226}, {0x800001e1, 0xa00227}, {0x800001e2, 0xa000c6},
    {0x800001e3, 0xa000e6}, {0x800001e6, 0x1800047}, {0x800001e7, 0x1800067}, {0x800001e8, 0x180004b}, {0x800001e9, 0x180006b}, {0x800001ea, 0x2e0004f},
    {0x800001eb, 0x2e0006f}, {0x800001ec, 0xa001ea}, {0x800001ed, 0xa001eb}, {0x800001ee, 0x18001b7}, {0x800001ef, 0x1800292}, {0x800001f0, 0x180006a},
    {0x800001f4, 0x400047}, {0x800001f5, 0x400067}, {0x800001f8, 0x20004e}, {0x800001f9, 0x20006e}, {0x800001fa, 0x4000c5}, {0x800001fb, 0x4000e5},
    {0x800001fc, 0x4000c6}, {0x800001fd, 0x4000e6}, {0x800001fe, 0x4000d8}, {0x800001ff, 0x4000f8}, {0x80000200, 0x1a00041}, {0x80000201, 0x1a00061},
    {0x80000202, 0x1c00041}, {0x80000203, 0x1c00061}, {0x80000204, 0x1a00045}, {0x80000205, 0x1a00065}, {0x80000206, 0x1c00045}, {0x80000207, 0x1c00065},
    {0x80000208, 0x1a00049}, {0x80000209, 0x1a00069}, {0x8000020a, 0x1c00049}, {0x8000020b, 0x1c00069}, {0x8000020c, 0x1a0004f}, {0x8000020d, 0x1a0006f},
    {0x8000020e, 0x1c0004f}, {0x8000020f, 0x1c0006f}, {0x80000210, 0x1a00052}, {0x80000211, 0x1a00072}, {0x80000212, 0x1c00052}, {0x80000213, 0x1c00072},
    {0x80000214, 0x1a00055}, {0x80000215, 0x1a00075}, {0x80000216, 0x1c00055}, {0x80000217, 0x1c00075}, {0x80000218, 0x2a00053}, {0x80000219, 0x2a00073},
    {0x8000021a, 0x2a00054}, {0x8000021b, 0x2a00074}, {0x8000021e, 0x1800048}, {0x8000021f, 0x1800068}, {0x80000226, 0xe00041}, {0x80000227, 0xe00061},
    {0x80000228, 0x2c00045}, {0x80000229, 0x2c00065}, {0x8000022a, 0xa000d6}, {0x8000022b, 0xa000f6}, {0x8000022c, 0xa000d5}, {0x8000022d, 0xa000f5},
    {0x8000022e, 0xe0004f}, {0x8000022f, 0xe0006f}, {0x80000230, 0xa0022e}, {0x80000231, 0xa0022f}, {0x80000232, 0xa00059}, {0x80000233, 0xa00079},
    {0x340, 0x300}, {0x341, 0x301}, {0x343, 0x313}, {0x344, 0x400308}, {0x374, 0x2b9}, {0x37e, 0x3b},
    {0x80000385, 0x4000a8}, {0x80000386, 0x400391}, {0x387, 0xb7}, {0x80000388, 0x400395}, {0x80000389, 0x400397}, {0x8000038a, 0x400399},
    {0x8000038c, 0x40039f}, {0x8000038e, 0x4003a5}, {0x8000038f, 0x4003a9}, {0x80000390, 0x4003ca}, {0x800003aa, 0x1000399}, {0x800003ab, 0x10003a5},
    {0x800003ac, 0x4003b1}, {0x800003ad, 0x4003b5}, {0x800003ae, 0x4003b7}, {0x800003af, 0x4003b9}, {0x800003b0, 0x4003cb}, {0x800003ca, 0x10003b9},
    {0x800003cb, 0x10003c5}, {0x800003cc, 0x4003bf}, {0x800003cd, 0x4003c5}, {0x800003ce, 0x4003c9}, {0x800003d3, 0x4003d2}, {0x800003d4, 0x10003d2},
    {0x80000400, 0x200415}, {0x80000401, 0x1000415}, {0x80000403, 0x400413}, {0x80000407, 0x1000406}, {0x8000040c, 0x40041a}, {0x8000040d, 0x200418},
    {0x8000040e, 0xc00423}, {0x80000419, 0xc00418}, {0x80000439, 0xc00438}, {0x80000450, 0x200435}, {0x80000451, 0x1000435}, {0x80000453, 0x400433},
    {0x80000457, 0x1000456}, {0x8000045c, 0x40043a}, {0x8000045d, 0x200438}, {0x8000045e, 0xc00443}, {0x80000476, 0x1a00474}, {0x80000477, 0x1a00475},
    {0x800004c1, 0xc00416}, {0x800004c2, 0xc00436}, {0x800004d0, 0xc00410}, {0x800004d1, 0xc00430}, {0x800004d2, 0x1000410}, {0x800004d3, 0x1000430},
    {0x800004d6, 0xc00415}, {0x800004d7, 0xc00435}, {0x800004da, 0x10004d8}, {0x800004db, 0x10004d9}, {0x800004dc, 0x1000416}, {0x800004dd, 0x1000436},
    {0x800004de, 0x1000417}, {0x800004df, 0x1000437}, {0x800004e2, 0xa00418}, {0x800004e3, 0xa00438}, {0x800004e4, 0x1000418}, {0x800004e5, 0x1000438},
    {0x800004e6, 0x100041e}, {0x800004e7, 0x100043e}, {0x800004ea, 0x10004e8}, {0x800004eb, 0x10004e9}, {0x800004ec, 0x100042d}, {0x800004ed, 0x100044d},
    {0x800004ee, 0xa00423}, {0x800004ef, 0xa00443}, {0x800004f0, 0x1000423}, {0x800004f1, 0x1000443}, {0x800004f2, 0x1600423}, {0x800004f3, 0x1600443},
    {0x800004f4, 0x1000427}, {0x800004f5, 0x1000447}, {0x800004f8, 0x100042b}, {0x800004f9, 0x100044b}, {0x80000622, 0x4e00627}, {0x80000623, 0x5000627},
    {0x80000624, 0x5000648}, {0x80000625, 0x5200627}, {0x80000626, 0x500064a}, {0x800006c0, 0x50006d5}, {0x800006c2, 0x50006c1}, {0x800006d3, 0x50006d2},
    {0x80000929, 0x5400928}, {0x80000931, 0x5400930}, {0x80000934, 0x5400933}, {0x958, 0x5400915}, {0x959, 0x5400916}, {0x95a, 0x5400917},
    {0x95b, 0x540091c}, {0x95c, 0x5400921}, {0x95d, 0x5400922}, {0x95e, 0x540092b}, {0x95f, 0x540092f}, {0x800009cb, 0x58009c7},
    {0x800009cc, 0x5a009c7}, {0x9dc, 0x56009a1}, {0x9dd, 0x56009a2}, {0x9df, 0x56009af}, {0xa33, 0x5c00a32}, {0xa36, 0x5c00a38},
    {0xa59, 0x5c00a16}, {0xa5a, 0x5c00a17}, {0xa5b, 0x5c00a1c}, {0xa5e, 0x5c00a2b}, {0x80000b48, 0x6200b47}, {0x80000b4b, 0x6000b47},
    {0x80000b4c, 0x6400b47}, {0xb5c, 0x5e00b21}, {0xb5d, 0x5e00b22}, {0x80000b94, 0x6800b92}, {0x80000bca, 0x6600bc6}, {0x80000bcb, 0x6600bc7},
    {0x80000bcc, 0x6800bc6}, {0x80000c48, 0x6a00c46}, {0x80000cc0, 0x6e00cbf}, {0x80000cc7, 0x6e00cc6}, {0x80000cc8, 0x7000cc6}, {0x80000cca, 0x6c00cc6},
    {0x80000ccb, 0x6e00cca}, {0x80000d4a, 0x7200d46}, {0x80000d4b, 0x7200d47}, {0x80000d4c, 0x7400d46}, {0x80000dda, 0x7600dd9}, {0x80000ddc, 0x7800dd9},
    {0x80000ddd, 0x7600ddc}, {0x80000dde, 0x7a00dd9}, {0xf43, 0x8400f42}, {0xf4d, 0x8400f4c}, {0xf52, 0x8400f51}, {0xf57, 0x8400f56},
    {0xf5c, 0x8400f5b}, {0xf69, 0x8200f40}, {0xf73, 0x7c00f71}, {0xf75, 0x7e00f71}, {0xf76, 0x8000fb2}, {0xf78, 0x8000fb3},
    {0xf81, 0x8000f71}, {0xf93, 0x8400f92}, {0xf9d, 0x8400f9c}, {0xfa2, 0x8400fa1}, {0xfa7, 0x8400fa6}, {0xfac, 0x8400fab},
    {0xfb9, 0x8200f90}, {0x80001026, 0x8601025}, {0x80001b06, 0x8801b05}, {0x80001b08, 0x8801b07}, {0x80001b0a, 0x8801b09}, {0x80001b0c, 0x8801b0b},
    {0x80001b0e, 0x8801b0d}, {0x80001b12, 0x8801b11}, {0x80001b3b, 0x8801b3a}, {0x80001b3d, 0x8801b3c}, {0x80001b40, 0x8801b3e}, {0x80001b41, 0x8801b3f},
    {0x80001b43, 0x8801b42}, {0x80001e00, 0x2800041}, {0x80001e01, 0x2800061}, {0x80001e02, 0xe00042}, {0x80001e03, 0xe00062}, {0x80001e04, 0x2400042},
    {0x80001e05, 0x2400062}, {0x80001e06, 0x3600042}, {0x80001e07, 0x3600062}, {0x80001e08, 0x4000c7}, {0x80001e09, 0x4000e7}, {0x80001e0a, 0xe00044},
    {0x80001e0b, 0xe00064}, {0x80001e0c, 0x2400044}, {0x80001e0d, 0x2400064}, {0x80001e0e, 0x3600044}, {0x80001e0f, 0x3600064}, {0x80001e10, 0x2c00044},
    {0x80001e11, 0x2c00064}, {0x80001e12, 0x3000044}, {0x80001e13, 0x3000064}, {0x80001e14, 0x200112}, {0x80001e15, 0x200113}, {0x80001e16, 0x400112},
    {0x80001e17, 0x400113}, {0x80001e18, 0x3000045}, {0x80001e19, 0x3000065}, {0x80001e1a, 0x3400045}, {0x80001e1b, 0x3400065}, {0x80001e1c, 0xc00228},
    {0x80001e1d, 0xc00229}, {0x80001e1e, 0xe00046}, {0x80001e1f, 0xe00066}, {0x80001e20, 0xa00047}, {0x80001e21, 0xa00067}, {0x80001e22, 0xe00048},
    {0x80001e23, 0xe00068}, {0x80001e24, 0x2400048}, {0x80001e25, 0x2400068}, {0x80001e26, 0x1000048}, {0x80001e27, 0x1000068}, {0x80001e28, 0x2c00048},
    {0x80001e29, 0x2c00068}, {0x80001e2a, 0x3200048}, {0x80001e2b, 0x3200068}, {0x80001e2c, 0x3400049}, {0x80001e2d, 0x3400069}, {0x80001e2e, 0x4000cf},
    {0x80001e2f, 0x4000ef}, {0x80001e30, 0x40004b}, {0x80001e31, 0x40006b}, {0x80001e32, 0x240004b}, {0x80001e33, 0x240006b}, {0x80001e34, 0x360004b},
    {0x80001e35, 0x360006b}, {0x80001e36, 0x240004c}, {0x80001e37, 0x240006c}, {0x80001e38, 0xa01e36}, {0x80001e39, 0xa01e37}, {0x80001e3a, 0x360004c},
    {0x80001e3b, 0x360006c}, {0x80001e3c, 0x300004c}, {0x80001e3d, 0x300006c}, {0x80001e3e, 0x40004d}, {0x80001e3f, 0x40006d}, {0x80001e40, 0xe0004d},
    {0x80001e41, 0xe0006d}, {0x80001e42, 0x240004d}, {0x80001e43, 0x240006d}, {0x80001e44, 0xe0004e}, {0x80001e45, 0xe0006e}, {0x80001e46, 0x240004e},
    {0x80001e47, 0x240006e}, {0x80001e48, 0x360004e}, {0x80001e49, 0x360006e}, {0x80001e4a, 0x300004e}, {0x80001e4b, 0x300006e}, {0x80001e4c, 0x4000d5},
    {0x80001e4d, 0x4000f5}, {0x80001e4e, 0x10000d5}, {0x80001e4f, 0x10000f5}, {0x80001e50, 0x20014c}, {0x80001e51, 0x20014d}, {0x80001e52, 0x40014c},
    {0x80001e53, 0x40014d}, {0x80001e54, 0x400050}, {0x80001e55, 0x400070}, {0x80001e56, 0xe00050}, {0x80001e57, 0xe00070}, {0x80001e58, 0xe00052},
    {0x80001e59, 0xe00072}, {0x80001e5a, 0x2400052}, {0x80001e5b, 0x2400072}, {0x80001e5c, 0xa01e5a}, {0x80001e5d, 0xa01e5b}, {0x80001e5e, 0x3600052},
    {0x80001e5f, 0x3600072}, {0x80001e60, 0xe00053}, {0x80001e61, 0xe00073}, {0x80001e62, 0x2400053}, {0x80001e63, 0x2400073}, {0x80001e64, 0xe0015a},
    {0x80001e65, 0xe0015b}, {0x80001e66, 0xe00160}, {0x80001e67, 0xe00161}, {0x80001e68, 0xe01e62}, {0x80001e69, 0xe01e63}, {0x80001e6a, 0xe00054},
    {0x80001e6b, 0xe00074}, {0x80001e6c, 0x2400054}, {0x80001e6d, 0x2400074}, {0x80001e6e, 0x3600054}, {0x80001e6f, 0x3600074}, {0x80001e70, 0x3000054},
    {0x80001e71, 0x3000074}, {0x80001e72, 0x2600055}, {0x80001e73, 0x2600075}, {0x80001e74, 0x3400055}, {0x80001e75, 0x3400075}, {0x80001e76, 0x3000055},
    {0x80001e77, 0x3000075}, {0x80001e78, 0x400168}, {0x80001e79, 0x400169}, {0x80001e7a, 0x100016a}, {0x80001e7b, 0x100016b}, {0x80001e7c, 0x800056},
    {0x80001e7d, 0x800076}, {0x80001e7e, 0x2400056}, {0x80001e7f, 0x2400076}, {0x80001e80, 0x200057}, {0x80001e81, 0x200077}, {0x80001e82, 0x400057},
    {0x80001e83, 0x400077}, {0x80001e84, 0x1000057}, {0x80001e85, 0x1000077}, {0x80001e86, 0xe00057}, {0x80001e87, 0xe00077}, {0x80001e88, 0x2400057},
    {0x80001e89, 0x2400077}, {0x80001e8a, 0xe00058}, {0x80001e8b, 0xe00078}, {0x80001e8c, 0x1000058}, {0x80001e8d, 0x1000078}, {0x80001e8e, 0xe00059},
    {0x80001e8f, 0xe00079}, {0x80001e90, 0x60005a}, {0x80001e91, 0x60007a}, {0x80001e92, 0x240005a}, {0x80001e93, 0x240007a}, {0x80001e94, 0x360005a},
    {0x80001e95, 0x360007a}, {0x80001e96, 0x3600068}, {0x80001e97, 0x1000074}, {0x80001e98, 0x1400077}, {0x80001e99, 0x1400079}, {0x80001e9b, 0xe0017f},
    {0x80001ea0, 0x2400041}, {0x80001ea1, 0x2400061}, {0x80001ea2, 0x1200041}, {0x80001ea3, 0x1200061}, {0x80001ea4, 0x4000c2}, {0x80001ea5, 0x4000e2},
    {0x80001ea6, 0x2000c2}, {0x80001ea7, 0x2000e2}, {0x80001ea8, 0x12000c2}, {0x80001ea9, 0x12000e2}, {0x80001eaa, 0x8000c2}, {0x80001eab, 0x8000e2},
    {0x80001eac, 0x601ea0}, {0x80001ead, 0x601ea1}, {0x80001eae, 0x400102}, {0x80001eaf, 0x400103}, {0x80001eb0, 0x200102}, {0x80001eb1, 0x200103},
    {0x80001eb2, 0x1200102}, {0x80001eb3, 0x1200103}, {0x80001eb4, 0x800102}, {0x80001eb5, 0x800103}, {0x80001eb6, 0xc01ea0}, {0x80001eb7, 0xc01ea1},
    {0x80001eb8, 0x2400045}, {0x80001eb9, 0x2400065}, {0x80001eba, 0x1200045}, {0x80001ebb, 0x1200065}, {0x80001ebc, 0x800045}, {0x80001ebd, 0x800065},
    {0x80001ebe, 0x4000ca}, {0x80001ebf, 0x4000ea}, {0x80001ec0, 0x2000ca}, {0x80001ec1, 0x2000ea}, {0x80001ec2, 0x12000ca}, {0x80001ec3, 0x12000ea},
    {0x80001ec4, 0x8000ca}, {0x80001ec5, 0x8000ea}, {0x80001ec6, 0x601eb8}, {0x80001ec7, 0x601eb9}, {0x80001ec8, 0x1200049}, {0x80001ec9, 0x1200069},
    {0x80001eca, 0x2400049}, {0x80001ecb, 0x2400069}, {0x80001ecc, 0x240004f}, {0x80001ecd, 0x240006f}, {0x80001ece, 0x120004f}, {0x80001ecf, 0x120006f},
    {0x80001ed0, 0x4000d4}, {0x80001ed1, 0x4000f4}, {0x80001ed2, 0x2000d4}, {0x80001ed3, 0x2000f4}, {0x80001ed4, 0x12000d4}, {0x80001ed5, 0x12000f4},
    {0x80001ed6, 0x8000d4}, {0x80001ed7, 0x8000f4}, {0x80001ed8, 0x601ecc}, {0x80001ed9, 0x601ecd}, {0x80001eda, 0x4001a0}, {0x80001edb, 0x4001a1},
    {0x80001edc, 0x2001a0}, {0x80001edd, 0x2001a1}, {0x80001ede, 0x12001a0}, {0x80001edf, 0x12001a1}, {0x80001ee0, 0x8001a0}, {0x80001ee1, 0x8001a1},
    {0x80001ee2, 0x24001a0}, {0x80001ee3, 0x24001a1}, {0x80001ee4, 0x2400055}, {0x80001ee5, 0x2400075}, {0x80001ee6, 0x1200055}, {0x80001ee7, 0x1200075},
    {0x80001ee8, 0x4001af}, {0x80001ee9, 0x4001b0}, {0x80001eea, 0x2001af}, {0x80001eeb, 0x2001b0}, {0x80001eec, 0x12001af}, {0x80001eed, 0x12001b0},
    {0x80001eee, 0x8001af}, {0x80001eef, 0x8001b0}, {0x80001ef0, 0x24001af}, {0x80001ef1, 0x24001b0}, {0x80001ef2, 0x200059}, {0x80001ef3, 0x200079},
    {0x80001ef4, 0x2400059}, {0x80001ef5, 0x2400079}, {0x80001ef6, 0x1200059}, {0x80001ef7, 0x1200079}, {0x80001ef8, 0x800059}, {0x80001ef9, 0x800079},
    {0x80001f00, 0x1e003b1}, {0x80001f01, 0x20003b1}, {0x80001f02, 0x201f00}, {0x80001f03, 0x201f01}, {0x80001f04, 0x401f00}, {0x80001f05, 0x401f01},
    {0x80001f06, 0x3a01f00}, {0x80001f07, 0x3a01f01}, {0x80001f08, 0x1e00391}, {0x80001f09, 0x2000391}, {0x80001f0a, 0x201f08}, {0x80001f0b, 0x201f09},
    {0x80001f0c, 0x401f08}, {0x80001f0d, 0x401f09}, {0x80001f0e, 0x3a01f08}, {0x80001f0f, 0x3a01f09}, {0x80001f10, 0x1e003b5}, {0x80001f11, 0x20003b5},
    {0x80001f12, 0x201f10}, {0x80001f13, 0x201f11}, {0x80001f14, 0x401f10}, {0x80001f15, 0x401f11}, {0x80001f18, 0x1e00395}, {0x80001f19, 0x2000395},
    {0x80001f1a, 0x201f18}, {0x80001f1b, 0x201f19}, {0x80001f1c, 0x401f18}, {0x80001f1d, 0x401f19}, {0x80001f20, 0x1e003b7}, {0x80001f21, 0x20003b7},
    {0x80001f22, 0x201f20}, {0x80001f23, 0x201f21}, {0x80001f24, 0x401f20}, {0x80001f25, 0x401f21}, {0x80001f26, 0x3a01f20}, {0x80001f27, 0x3a01f21},
    {0x80001f28, 0x1e00397}, {0x80001f29, 0x2000397}, {0x80001f2a, 0x201f28}, {0x80001f2b, 0x201f29}, {0x80001f2c, 0x401f28}, {0x80001f2d, 0x401f29},
    {0x80001f2e, 0x3a01f28}, {0x80001f2f, 0x3a01f29}, {0x80001f30, 0x1e003b9}, {0x80001f31, 0x20003b9}, {0x80001f32, 0x201f30}, {0x80001f33, 0x201f31},
    {0x80001f34, 0x401f30}, {0x80001f35, 0x401f31}, {0x80001f36, 0x3a01f30}, {0x80001f37, 0x3a01f31}, {0x80001f38, 0x1e00399}, {0x80001f39, 0x2000399},
    {0x80001f3a, 0x201f38}, {0x80001f3b, 0x201f39}, {0x80001f3c, 0x401f38}, {0x80001f3d, 0x401f39}, {0x80001f3e, 0x3a01f38}, {0x80001f3f, 0x3a01f39},
    {0x80001f40, 0x1e003bf}, {0x80001f41, 0x20003bf}, {0x80001f42, 0x201f40}, {0x80001f43, 0x201f41}, {0x80001f44, 0x401f40}, {0x80001f45, 0x401f41},
    {0x80001f48, 0x1e0039f}, {0x80001f49, 0x200039f}, {0x80001f4a, 0x201f48}, {0x80001f4b, 0x201f49}, {0x80001f4c, 0x401f48}, {0x80001f4d, 0x401f49},
    {0x80001f50, 0x1e003c5}, {0x80001f51, 0x20003c5}, {0x80001f52, 0x201f50}, {0x80001f53, 0x201f51}, {0x80001f54, 0x401f50}, {0x80001f55, 0x401f51},
    {0x80001f56, 0x3a01f50}, {0x80001f57, 0x3a01f51}, {0x80001f59, 0x20003a5}, {0x80001f5b, 0x201f59}, {0x80001f5d, 0x401f59}, {0x80001f5f, 0x3a01f59},
    {0x80001f60, 0x1e003c9}, {0x80001f61, 0x20003c9}, {0x80001f62, 0x201f60}, {0x80001f63, 0x201f61}, {0x80001f64, 0x401f60}, {0x80001f65, 0x401f61},
    {0x80001f66, 0x3a01f60}, {0x80001f67, 0x3a01f61}, {0x80001f68, 0x1e003a9}, {0x80001f69, 0x20003a9}, {0x80001f6a, 0x201f68}, {0x80001f6b, 0x201f69},
    {0x80001f6c, 0x401f68}, {0x80001f6d, 0x401f69}, {0x80001f6e, 0x3a01f68}, {0x80001f6f, 0x3a01f69}, {0x80001f70, 0x2003b1}, {0x1f71, 0x3ac},
    {0x80001f72, 0x2003b5}, {0x1f73, 0x3ad}, {0x80001f74, 0x2003b7}, {0x1f75, 0x3ae}, {0x80001f76, 0x2003b9}, {0x1f77, 0x3af},
    {0x80001f78, 0x2003bf}, {0x1f79, 0x3cc}, {0x80001f7a, 0x2003c5}, {0x1f7b, 0x3cd}, {0x80001f7c, 0x2003c9}, {0x1f7d, 0x3ce},
    {0x80001f80, 0x3c01f00}, {0x80001f81, 0x3c01f01}, {0x80001f82, 0x3c01f02}, {0x80001f83, 0x3c01f03}, {0x80001f84, 0x3c01f04}, {0x80001f85, 0x3c01f05},
    {0x80001f86, 0x3c01f06}, {0x80001f87, 0x3c01f07}, {0x80001f88, 0x3c01f08}, {0x80001f89, 0x3c01f09}, {0x80001f8a, 0x3c01f0a}, {0x80001f8b, 0x3c01f0b},
    {0x80001f8c, 0x3c01f0c}, {0x80001f8d, 0x3c01f0d}, {0x80001f8e, 0x3c01f0e}, {0x80001f8f, 0x3c01f0f}, {0x80001f90, 0x3c01f20}, {0x80001f91, 0x3c01f21},
    {0x80001f92, 0x3c01f22}, {0x80001f93, 0x3c01f23}, {0x80001f94, 0x3c01f24}, {0x80001f95, 0x3c01f25}, {0x80001f96, 0x3c01f26}, {0x80001f97, 0x3c01f27},
    {0x80001f98, 0x3c01f28}, {0x80001f99, 0x3c01f29}, {0x80001f9a, 0x3c01f2a}, {0x80001f9b, 0x3c01f2b}, {0x80001f9c, 0x3c01f2c}, {0x80001f9d, 0x3c01f2d},
    {0x80001f9e, 0x3c01f2e}, {0x80001f9f, 0x3c01f2f}, {0x80001fa0, 0x3c01f60}, {0x80001fa1, 0x3c01f61}, {0x80001fa2, 0x3c01f62}, {0x80001fa3, 0x3c01f63},
    {0x80001fa4, 0x3c01f64}, {0x80001fa5, 0x3c01f65}, {0x80001fa6, 0x3c01f66}, {0x80001fa7, 0x3c01f67}, {0x80001fa8, 0x3c01f68}, {0x80001fa9, 0x3c01f69},
    {0x80001faa, 0x3c01f6a}, {0x80001fab, 0x3c01f6b}, {0x80001fac, 0x3c01f6c}, {0x80001fad, 0x3c01f6d}, {0x80001fae, 0x3c01f6e}, {0x80001faf, 0x3c01f6f},
    {0x80001fb0, 0xc003b1}, {0x80001fb1, 0xa003b1}, {0x80001fb2, 0x3c01f70}, {0x80001fb3, 0x3c003b1}, {0x80001fb4, 0x3c003ac}, {0x80001fb6, 0x3a003b1},
    {0x80001fb7, 0x3c01fb6}, {0x80001fb8, 0xc00391}, {0x80001fb9, 0xa00391}, {0x80001fba, 0x200391}, {0x1fbb, 0x386}, {0x80001fbc, 0x3c00391},
    {0x1fbe, 0x3b9}, {0x80001fc1, 0x3a000a8}, {0x80001fc2, 0x3c01f74}, {0x80001fc3, 0x3c003b7}, {0x80001fc4, 0x3c003ae}, {0x80001fc6, 0x3a003b7},
    {0x80001fc7, 0x3c01fc6}, {0x80001fc8, 0x200395}, {0x1fc9, 0x388}, {0x80001fca, 0x200397}, {0x1fcb, 0x389}, {0x80001fcc, 0x3c00397},
    {0x80001fcd, 0x201fbf}, {0x80001fce, 0x401fbf}, {0x80001fcf, 0x3a01fbf}, {0x80001fd0, 0xc003b9}, {0x80001fd1, 0xa003b9}, {0x80001fd2, 0x2003ca},
    {0x1fd3, 0x390}, {0x80001fd6, 0x3a003b9}, {0x80001fd7, 0x3a003ca}, {0x80001fd8, 0xc00399}, {0x80001fd9, 0xa00399}, {0x80001fda, 0x200399},
    {0x1fdb, 0x38a}, {0x80001fdd, 0x201ffe}, {0x80001fde, 0x401ffe}, {0x80001fdf, 0x3a01ffe}, {0x80001fe0, 0xc003c5}, {0x80001fe1, 0xa003c5},
    {0x80001fe2, 0x2003cb}, {0x1fe3, 0x3b0}, {0x80001fe4, 0x1e003c1}, {0x80001fe5, 0x20003c1}, {0x80001fe6, 0x3a003c5}, {0x80001fe7, 0x3a003cb},
    {0x80001fe8, 0xc003a5}, {0x80001fe9, 0xa003a5}, {0x80001fea, 0x2003a5}, {0x1feb, 0x38e}, {0x80001fec, 0x20003a1}, {0x80001fed, 0x2000a8},
    {0x1fee, 0x385}, {0x1fef, 0x60}, {0x80001ff2, 0x3c01f7c}, {0x80001ff3, 0x3c003c9}, {0x80001ff4, 0x3c003ce}, {0x80001ff6, 0x3a003c9},
    {0x80001ff7, 0x3c01ff6}, {0x80001ff8, 0x20039f}, {0x1ff9, 0x38c}, {0x80001ffa, 0x2003a9}, {0x1ffb, 0x38f}, {0x80001ffc, 0x3c003a9},
    {0x1ffd, 0xb4}, {0x2000, 0x2002}, {0x2001, 0x2003}, {0x2126, 0x3a9}, {0x212a, 0x4b}, {0x212b, 0xc5},
    {0x8000219a, 0x3802190}, {0x8000219b, 0x3802192}, {0x800021ae, 0x3802194}, {0x800021cd, 0x38021d0}, {0x800021ce, 0x38021d4}, {0x800021cf, 0x38021d2},
    {0x80002204, 0x3802203}, {0x80002209, 0x3802208}, {0x8000220c, 0x380220b}, {0x80002224, 0x3802223}, {0x80002226, 0x3802225}, {0x80002241, 0x380223c},
    {0x80002244, 0x3802243}, {0x80002247, 0x3802245}, {0x80002249, 0x3802248}, {0x80002260, 0x380003d}, {0x80002262, 0x3802261}, {0x8000226d, 0x380224d},
    {0x8000226e, 0x380003c}, {0x8000226f, 0x380003e}, {0x80002270, 0x3802264}, {0x80002271, 0x3802265}, {0x80002274, 0x3802272}, {0x80002275, 0x3802273},
    {0x80002278, 0x3802276}, {0x80002279, 0x3802277}, {0x80002280, 0x380227a}, {0x80002281, 0x380227b}, {0x80002284, 0x3802282}, {0x80002285, 0x3802283},
    {0x80002288, 0x3802286}, {0x80002289, 0x3802287}, {0x800022ac, 0x38022a2}, {0x800022ad, 0x38022a8}, {0x800022ae, 0x38022a9}, {0x800022af, 0x38022ab},
    {0x800022e0, 0x380227c}, {0x800022e1, 0x380227d}, {0x800022e2, 0x3802291}, {0x800022e3, 0x3802292}, {0x800022ea, 0x38022b2}, {0x800022eb, 0x38022b3},
    {0x800022ec, 0x38022b4}, {0x800022ed, 0x38022b5}, {0x2329, 0x3008}, {0x232a, 0x3009}, {0x2adc, 0x3802add}, {0x8000304c, 0x8a0304b},
    {0x8000304e, 0x8a0304d}, {0x80003050, 0x8a0304f}, {0x80003052, 0x8a03051}, {0x80003054, 0x8a03053}, {0x80003056, 0x8a03055}, {0x80003058, 0x8a03057},
    {0x8000305a, 0x8a03059}, {0x8000305c, 0x8a0305b}, {0x8000305e, 0x8a0305d}, {0x80003060, 0x8a0305f}, {0x80003062, 0x8a03061}, {0x80003065, 0x8a03064},
    {0x80003067, 0x8a03066}, {0x80003069, 0x8a03068}, {0x80003070, 0x8a0306f}, {0x80003071, 0x8c0306f}, {0x80003073, 0x8a03072}, {0x80003074, 0x8c03072},
    {0x80003076, 0x8a03075}, {0x80003077, 0x8c03075}, {0x80003079, 0x8a03078}, {0x8000307a, 0x8c03078}, {0x8000307c, 0x8a0307b}, {0x8000307d, 0x8c0307b},
    {0x80003094, 0x8a03046}, {0x8000309e, 0x8a0309d}, {0x800030ac, 0x8a030ab}, {0x800030ae, 0x8a030ad}, {0x800030b0, 0x8a030af}, {0x800030b2, 0x8a030b1},
    {0x800030b4, 0x8a030b3}, {0x800030b6, 0x8a030b5}, {0x800030b8, 0x8a030b7}, {0x800030ba, 0x8a030b9}, {0x800030bc, 0x8a030bb}, {0x800030be, 0x8a030bd},
    {0x800030c0, 0x8a030bf}, {0x800030c2, 0x8a030c1}, {0x800030c5, 0x8a030c4}, {0x800030c7, 0x8a030c6}, {0x800030c9, 0x8a030c8}, {0x800030d0, 0x8a030cf},
    {0x800030d1, 0x8c030cf}, {0x800030d3, 0x8a030d2}, {0x800030d4, 0x8c030d2}, {0x800030d6, 0x8a030d5}, {0x800030d7, 0x8c030d5}, {0x800030d9, 0x8a030d8},
    {0x800030da, 0x8c030d8}, {0x800030dc, 0x8a030db}, {0x800030dd, 0x8c030db}, {0x800030f4, 0x8a030a6}, {0x800030f7, 0x8a030ef}, {0x800030f8, 0x8a030f0},
    {0x800030f9, 0x8a030f1}, {0x800030fa, 0x8a030f2}, {0x800030fe, 0x8a030fd}, {0xf900, 0x8c48}, {0xf901, 0x66f4}, {0xf902, 0x8eca},
    {0xf903, 0x8cc8}, {0xf904, 0x6ed1}, {0xf905, 0x4e32}, {0xf906, 0x53e5}, {0xf907, 0x9f9c}, {0xf908, 0x9f9c},
    {0xf909, 0x5951}, {0xf90a, 0x91d1}, {0xf90b, 0x5587}, {0xf90c, 0x5948}, {0xf90d, 0x61f6}, {0xf90e, 0x7669},
    {0xf90f, 0x7f85}, {0xf910, 0x863f}, {0xf911, 0x87ba}, {0xf912, 0x88f8}, {0xf913, 0x908f}, {0xf914, 0x6a02},
    {0xf915, 0x6d1b}, {0xf916, 0x70d9}, {0xf917, 0x73de}, {0xf918, 0x843d}, {0xf919, 0x916a}, {0xf91a, 0x99f1},
    {0xf91b, 0x4e82}, {0xf91c, 0x5375}, {0xf91d, 0x6b04}, {0xf91e, 0x721b}, {0xf91f, 0x862d}, {0xf920, 0x9e1e},
    {0xf921, 0x5d50}, {0xf922, 0x6feb}, {0xf923, 0x85cd}, {0xf924, 0x8964}, {0xf925, 0x62c9}, {0xf926, 0x81d8},
    {0xf927, 0x881f}, {0xf928, 0x5eca}, {0xf929, 0x6717}, {0xf92a, 0x6d6a}, {0xf92b, 0x72fc}, {0xf92c, 0x90ce},
    {0xf92d, 0x4f86}, {0xf92e, 0x51b7}, {0xf92f, 0x52de}, {0xf930, 0x64c4}, {0xf931, 0x6ad3}, {0xf932, 0x7210},
    {0xf933, 0x76e7}, {0xf934, 0x8001}, {0xf935, 0x8606}, {0xf936, 0x865c}, {0xf937, 0x8def}, {0xf938, 0x9732},
    {0xf939, 0x9b6f}, {0xf93a, 0x9dfa}, {0xf93b, 0x788c}, {0xf93c, 0x797f}, {0xf93d, 0x7da0}, {0xf93e, 0x83c9},
    {0xf93f, 0x9304}, {0xf940, 0x9e7f}, {0xf941, 0x8ad6}, {0xf942, 0x58df}, {0xf943, 0x5f04}, {0xf944, 0x7c60},
    {0xf945, 0x807e}, {0xf946, 0x7262}, {0xf947, 0x78ca}, {0xf948, 0x8cc2}, {0xf949, 0x96f7}, {0xf94a, 0x58d8},
    {0xf94b, 0x5c62}, {0xf94c, 0x6a13}, {0xf94d, 0x6dda}, {0xf94e, 0x6f0f}, {0xf94f, 0x7d2f}, {0xf950, 0x7e37},
    {0xf951, 0x964b}, {0xf952, 0x52d2}, {0xf953, 0x808b}, {0xf954, 0x51dc}, {0xf955, 0x51cc}, {0xf956, 0x7a1c},
    {0xf957, 0x7dbe}, {0xf958, 0x83f1}, {0xf959, 0x9675}, {0xf95a, 0x8b80}, {0xf95b, 0x62cf}, {0xf95c, 0x6a02},
    {0xf95d, 0x8afe}, {0xf95e, 0x4e39}, {0xf95f, 0x5be7}, {0xf960, 0x6012}, {0xf961, 0x7387}, {0xf962, 0x7570},
    {0xf963, 0x5317}, {0xf964, 0x78fb}, {0xf965, 0x4fbf}, {0xf966, 0x5fa9}, {0xf967, 0x4e0d}, {0xf968, 0x6ccc},
    {0xf969, 0x6578}, {0xf96a, 0x7d22}, {0xf96b, 0x53c3}, {0xf96c, 0x585e}, {0xf96d, 0x7701}, {0xf96e, 0x8449},
    {0xf96f, 0x8aaa}, {0xf970, 0x6bba}, {0xf971, 0x8fb0}, {0xf972, 0x6c88}, {0xf973, 0x62fe}, {0xf974, 0x82e5},
    {0xf975, 0x63a0}, {0xf976, 0x7565}, {0xf977, 0x4eae}, {0xf978, 0x5169}, {0xf979, 0x51c9}, {0xf97a, 0x6881},
    {0xf97b, 0x7ce7}, {0xf97c, 0x826f}, {0xf97d, 0x8ad2}, {0xf97e, 0x91cf}, {0xf97f, 0x52f5}, {0xf980, 0x5442},
    {0xf981, 0x5973}, {0xf982, 0x5eec}, {0xf983, 0x65c5}, {0xf984, 0x6ffe}, {0xf985, 0x792a}, {0xf986, 0x95ad},
    {0xf987, 0x9a6a}, {0xf988, 0x9e97}, {0xf989, 0x9ece}, {0xf98a, 0x529b}, {0xf98b, 0x66c6}, {0xf98c, 0x6b77},
    {0xf98d, 0x8f62}, {0xf98e, 0x5e74}, {0xf98f, 0x6190}, {0xf990, 0x6200}, {0xf991, 0x649a}, {0xf992, 0x6f23},
    {0xf993, 0x7149}, {0xf994, 0x7489}, {0xf995, 0x79ca}, {0xf996, 0x7df4}, {0xf997, 0x806f}, {0xf998, 0x8f26},
    {0xf999, 0x84ee}, {0xf99a, 0x9023}, {0xf99b, 0x934a}, {0xf99c, 0x5217}, {0xf99d, 0x52a3}, {0xf99e, 0x54bd},
    {0xf99f, 0x70c8}, {0xf9a0, 0x88c2}, {0xf9a1, 0x8aaa}, {0xf9a2, 0x5ec9}, {0xf9a3, 0x5ff5}, {0xf9a4, 0x637b},
    {0xf9a5, 0x6bae}, {0xf9a6, 0x7c3e}, {0xf9a7, 0x7375}, {0xf9a8, 0x4ee4}, {0xf9a9, 0x56f9}, {0xf9aa, 0x5be7},
    {0xf9ab, 0x5dba}, {0xf9ac, 0x601c}, {0xf9ad, 0x73b2}, {0xf9ae, 0x7469}, {0xf9af, 0x7f9a}, {0xf9b0, 0x8046},
    {0xf9b1, 0x9234}, {0xf9b2, 0x96f6}, {0xf9b3, 0x9748}, {0xf9b4, 0x9818}, {0xf9b5, 0x4f8b}, {0xf9b6, 0x79ae},
    {0xf9b7, 0x91b4}, {0xf9b8, 0x96b8}, {0xf9b9, 0x60e1}, {0xf9ba, 0x4e86}, {0xf9bb, 0x50da}, {0xf9bc, 0x5bee},
    {0xf9bd, 0x5c3f}, {0xf9be, 0x6599}, {0xf9bf, 0x6a02}, {0xf9c0, 0x71ce}, {0xf9c1, 0x7642}, {0xf9c2, 0x84fc},
    {0xf9c3, 0x907c}, {0xf9c4, 0x9f8d}, {0xf9c5, 0x6688}, {0xf9c6, 0x962e}, {0xf9c7, 0x5289}, {0xf9c8, 0x677b},
    {0xf9c9, 0x67f3}, {0xf9ca, 0x6d41}, {0xf9cb, 0x6e9c}, {0xf9cc, 0x7409}, {0xf9cd, 0x7559}, {0xf9ce, 0x786b},
    {0xf9cf, 0x7d10}, {0xf9d0, 0x985e}, {0xf9d1, 0x516d}, {0xf9d2, 0x622e}, {0xf9d3, 0x9678}, {0xf9d4, 0x502b},
    {0xf9d5, 0x5d19}, {0xf9d6, 0x6dea}, {0xf9d7, 0x8f2a}, {0xf9d8, 0x5f8b}, {0xf9d9, 0x6144}, {0xf9da, 0x6817},
    {0xf9db, 0x7387}, {0xf9dc, 0x9686}, {0xf9dd, 0x5229}, {0xf9de, 0x540f}, {0xf9df, 0x5c65}, {0xf9e0, 0x6613},
    {0xf9e1, 0x674e}, {0xf9e2, 0x68a8}, {0xf9e3, 0x6ce5}, {0xf9e4, 0x7406}, {0xf9e5, 0x75e2}, {0xf9e6, 0x7f79},
    {0xf9e7, 0x88cf}, {0xf9e8, 0x88e1}, {0xf9e9, 0x91cc}, {0xf9ea, 0x96e2}, {0xf9eb, 0x533f}, {0xf9ec, 0x6eba},
    {0xf9ed, 0x541d}, {0xf9ee, 0x71d0}, {0xf9ef, 0x7498}, {0xf9f0, 0x85fa}, {0xf9f1, 0x96a3}, {0xf9f2, 0x9c57},
    {0xf9f3, 0x9e9f}, {0xf9f4, 0x6797}, {0xf9f5, 0x6dcb}, {0xf9f6, 0x81e8}, {0xf9f7, 0x7acb}, {0xf9f8, 0x7b20},
    {0xf9f9, 0x7c92}, {0xf9fa, 0x72c0}, {0xf9fb, 0x7099}, {0xf9fc, 0x8b58}, {0xf9fd, 0x4ec0}, {0xf9fe, 0x8336},
    {0xf9ff, 0x523a}, {0xfa00, 0x5207}, {0xfa01, 0x5ea6}, {0xfa02, 0x62d3}, {0xfa03, 0x7cd6}, {0xfa04, 0x5b85},
    {0xfa05, 0x6d1e}, {0xfa06, 0x66b4}, {0xfa07, 0x8f3b}, {0xfa08, 0x884c}, {0xfa09, 0x964d}, {0xfa0a, 0x898b},
    {0xfa0b, 0x5ed3}, {0xfa0c, 0x5140}, {0xfa0d, 0x55c0}, {0xfa10, 0x585a}, {0xfa12, 0x6674}, {0xfa15, 0x51de},
    {0xfa16, 0x732a}, {0xfa17, 0x76ca}, {0xfa18, 0x793c}, {0xfa19, 0x795e}, {0xfa1a, 0x7965}, {0xfa1b, 0x798f},
    {0xfa1c, 0x9756}, {0xfa1d, 0x7cbe}, {0xfa1e, 0x7fbd}, {0xfa20, 0x8612}, {0xfa22, 0x8af8}, {0xfa25, 0x9038},
    {0xfa26, 0x90fd}, {0xfa2a, 0x98ef}, {0xfa2b, 0x98fc}, {0xfa2c, 0x9928}, {0xfa2d, 0x9db4}, {0xfa2e, 0x90de},
    {0xfa2f, 0x96b7}, {0xfa30, 0x4fae}, {0xfa31, 0x50e7}, {0xfa32, 0x514d}, {0xfa33, 0x52c9}, {0xfa34, 0x52e4},
    {0xfa35, 0x5351}, {0xfa36, 0x559d}, {0xfa37, 0x5606}, {0xfa38, 0x5668}, {0xfa39, 0x5840}, {0xfa3a, 0x58a8},
    {0xfa3b, 0x5c64}, {0xfa3c, 0x5c6e}, {0xfa3d, 0x6094}, {0xfa3e, 0x6168}, {0xfa3f, 0x618e}, {0xfa40, 0x61f2},
    {0xfa41, 0x654f}, {0xfa42, 0x65e2}, {0xfa43, 0x6691}, {0xfa44, 0x6885}, {0xfa45, 0x6d77}, {0xfa46, 0x6e1a},
    {0xfa47, 0x6f22}, {0xfa48, 0x716e}, {0xfa49, 0x722b}, {0xfa4a, 0x7422}, {0xfa4b, 0x7891}, {0xfa4c, 0x793e},
    {0xfa4d, 0x7949}, {0xfa4e, 0x7948}, {0xfa4f, 0x7950}, {0xfa50, 0x7956}, {0xfa51, 0x795d}, {0xfa52, 0x798d},
    {0xfa53, 0x798e}, {0xfa54, 0x7a40}, {0xfa55, 0x7a81}, {0xfa56, 0x7bc0}, {0xfa57, 0x7df4}, {0xfa58, 0x7e09},
    {0xfa59, 0x7e41}, {0xfa5a, 0x7f72}, {0xfa5b, 0x8005}, {0xfa5c, 0x81ed}, {0xfa5d, 0x8279}, {0xfa5e, 0x8279},
    {0xfa5f, 0x8457}, {0xfa60, 0x8910}, {0xfa61, 0x8996}, {0xfa62, 0x8b01}, {0xfa63, 0x8b39}, {0xfa64, 0x8cd3},
    {0xfa65, 0x8d08}, {0xfa66, 0x8fb6}, {0xfa67, 0x9038}, {0xfa68, 0x96e3}, {0xfa69, 0x97ff}, {0xfa6a, 0x983b},
    {0xfa6b, 0x6075}, {0xfa6c, 0x242ee}, {0xfa6d, 0x8218}, {0xfa70, 0x4e26}, {0xfa71, 0x51b5}, {0xfa72, 0x5168},
    {0xfa73, 0x4f80}, {0xfa74, 0x5145}, {0xfa75, 0x5180}, {0xfa76, 0x52c7}, {0xfa77, 0x52fa}, {0xfa78, 0x559d},
    {0xfa79, 0x5555}, {0xfa7a, 0x5599}, {0xfa7b, 0x55e2}, {0xfa7c, 0x585a}, {0xfa7d, 0x58b3}, {0xfa7e, 0x5944},
    {0xfa7f, 0x5954}, {0xfa80, 0x5a62}, {0xfa81, 0x5b28}, {0xfa82, 0x5ed2}, {0xfa83, 0x5ed9}, {0xfa84, 0x5f69},
    {0xfa85, 0x5fad}, {0xfa86, 0x60d8}, {0xfa87, 0x614e}, {0xfa88, 0x6108}, {0xfa89, 0x618e}, {0xfa8a, 0x6160},
    {0xfa8b, 0x61f2}, {0xfa8c, 0x6234}, {0xfa8d, 0x63c4}, {0xfa8e, 0x641c}, {0xfa8f, 0x6452}, {0xfa90, 0x6556},
    {0xfa91, 0x6674}, {0xfa92, 0x6717}, {0xfa93, 0x671b}, {0xfa94, 0x6756}, {0xfa95, 0x6b79}, {0xfa96, 0x6bba},
    {0xfa97, 0x6d41}, {0xfa98, 0x6edb}, {0xfa99, 0x6ecb}, {0xfa9a, 0x6f22}, {0xfa9b, 0x701e}, {0xfa9c, 0x716e},
    {0xfa9d, 0x77a7}, {0xfa9e, 0x7235}, {0xfa9f, 0x72af}, {0xfaa0, 0x732a}, {0xfaa1, 0x7471}, {0xfaa2, 0x7506},
    {0xfaa3, 0x753b}, {0xfaa4, 0x761d}, {0xfaa5, 0x761f}, {0xfaa6, 0x76ca}, {0xfaa7, 0x76db}, {0xfaa8, 0x76f4},
    {0xfaa9, 0x774a}, {0xfaaa, 0x7740}, {0xfaab, 0x78cc}, {0xfaac, 0x7ab1}, {0xfaad, 0x7bc0}, {0xfaae, 0x7c7b},
    {0xfaaf, 0x7d5b}, {0xfab0, 0x7df4}, {0xfab1, 0x7f3e}, {0xfab2, 0x8005}, {0xfab3, 0x8352}, {0xfab4, 0x83ef},
    {0xfab5, 0x8779}, {0xfab6, 0x8941}, {0xfab7, 0x8986}, {0xfab8, 0x8996}, {0xfab9, 0x8abf}, {0xfaba, 0x8af8},
    {0xfabb, 0x8acb}, {0xfabc, 0x8b01}, {0xfabd, 0x8afe}, {0xfabe, 0x8aed}, {0xfabf, 0x8b39}, {0xfac0, 0x8b8a},
    {0xfac1, 0x8d08}, {0xfac2, 0x8f38}, {0xfac3, 0x9072}, {0xfac4, 0x9199}, {0xfac5, 0x9276}, {0xfac6, 0x967c},
    {0xfac7, 0x96e3}, {0xfac8, 0x9756}, {0xfac9, 0x97db}, {0xfaca, 0x97ff}, {0xfacb, 0x980b}, {0xfacc, 0x983b},
    {0xfacd, 0x9b12}, {0xface, 0x9f9c}, {0xfacf, 0x2284a}, {0xfad0, 0x22844}, {0xfad1, 0x233d5}, {0xfad2, 0x3b9d},
    {0xfad3, 0x4018}, {0xfad4, 0x4039}, {0xfad5, 0x25249}, {0xfad6, 0x25cd0}, {0xfad7, 0x27ed3}, {0xfad8, 0x9f43},
    {0xfad9, 0x9f8e}, {0xfb1d, 0x3e005d9}, {0xfb1f, 0x40005f2}, {0xfb2a, 0x4a005e9}, {0xfb2b, 0x4c005e9}, {0xfb2c, 0x4a0fb49},
    {0xfb2d, 0x4c0fb49}, {0xfb2e, 0x40005d0}, {0xfb2f, 0x42005d0}, {0xfb30, 0x46005d0}, {0xfb31, 0x46005d1}, {0xfb32, 0x46005d2},
    {0xfb33, 0x46005d3}, {0xfb34, 0x46005d4}, {0xfb35, 0x46005d5}, {0xfb36, 0x46005d6}, {0xfb38, 0x46005d8}, {0xfb39, 0x46005d9},
    {0xfb3a, 0x46005da}, {0xfb3b, 0x46005db}, {0xfb3c, 0x46005dc}, {0xfb3e, 0x46005de}, {0xfb40, 0x46005e0}, {0xfb41, 0x46005e1},
    {0xfb43, 0x46005e3}, {0xfb44, 0x46005e4}, {0xfb46, 0x46005e6}, {0xfb47, 0x46005e7}, {0xfb48, 0x46005e8}, {0xfb49, 0x46005e9},
    {0xfb4a, 0x46005ea}, {0xfb4b, 0x44005d5}, {0xfb4c, 0x48005d1}, {0xfb4d, 0x48005db}, {0xfb4e, 0x48005e4}, {0x8001109a, 0x8e11099},
    {0x8001109c, 0x8e1109b}, {0x800110ab, 0x8e110a5}, {0x8001112e, 0x9011131}, {0x8001112f, 0x9011132}, {0x8001134b, 0x9211347}, {0x8001134c, 0x9411347},
    {0x800114bb, 0x98114b9}, {0x800114bc, 0x96114b9}, {0x800114be, 0x9a114b9}, {0x800115ba, 0x9c115b8}, {0x800115bb, 0x9c115b9}, {0x80011938, 0x9e11935},
    {0x1d15e, 0xa01d157}, {0x1d15f, 0xa01d158}, {0x1d160, 0xa21d15f}, {0x1d161, 0xa41d15f}, {0x1d162, 0xa61d15f}, {0x1d163, 0xa81d15f},
    {0x1d164, 0xaa1d15f}, {0x1d1bb, 0xa01d1b9}, {0x1d1bc, 0xa01d1ba}, {0x1d1bd, 0xa21d1bb}, {0x1d1be, 0xa21d1bc}, {0x1d1bf, 0xa41d1bb},
    {0x1d1c0, 0xa41d1bc}, {0x2f800, 0x4e3d}, {0x2f801, 0x4e38}, {0x2f802, 0x4e41}, {0x2f803, 0x20122}, {0x2f804, 0x4f60},
    {0x2f805, 0x4fae}, {0x2f806, 0x4fbb}, {0x2f807, 0x5002}, {0x2f808, 0x507a}, {0x2f809, 0x5099}, {0x2f80a, 0x50e7},
    {0x2f80b, 0x50cf}, {0x2f80c, 0x349e}, {0x2f80d, 0x2063a}, {0x2f80e, 0x514d}, {0x2f80f, 0x5154}, {0x2f810, 0x5164},
    {0x2f811, 0x5177}, {0x2f812, 0x2051c}, {0x2f813, 0x34b9}, {0x2f814, 0x5167}, {0x2f815, 0x518d}, {0x2f816, 0x2054b},
    {0x2f817, 0x5197}, {0x2f818, 0x51a4}, {0x2f819, 0x4ecc}, {0x2f81a, 0x51ac}, {0x2f81b, 0x51b5}, {0x2f81c, 0x291df},
    {0x2f81d, 0x51f5}, {0x2f81e, 0x5203}, {0x2f81f, 0x34df}, {0x2f820, 0x523b}, {0x2f821, 0x5246}, {0x2f822, 0x5272},
    {0x2f823, 0x5277}, {0x2f824, 0x3515}, {0x2f825, 0x52c7}, {0x2f826, 0x52c9}, {0x2f827, 0x52e4}, {0x2f828, 0x52fa},
    {0x2f829, 0x5305}, {0x2f82a, 0x5306}, {0x2f82b, 0x5317}, {0x2f82c, 0x5349}, {0x2f82d, 0x5351}, {0x2f82e, 0x535a},
    {0x2f82f, 0x5373}, {0x2f830, 0x537d}, {0x2f831, 0x537f}, {0x2f832, 0x537f}, {0x2f833, 0x537f}, {0x2f834, 0x20a2c},
    {0x2f835, 0x7070}, {0x2f836, 0x53ca}, {0x2f837, 0x53df}, {0x2f838, 0x20b63}, {0x2f839, 0x53eb}, {0x2f83a, 0x53f1},
    {0x2f83b, 0x5406}, {0x2f83c, 0x549e}, {0x2f83d, 0x5438}, {0x2f83e, 0x5448}, {0x2f83f, 0x5468}, {0x2f840, 0x54a2},
    {0x2f841, 0x54f6}, {0x2f842, 0x5510}, {0x2f843, 0x5553}, {0x2f844, 0x5563}, {0x2f845, 0x5584}, {0x2f846, 0x5584},
    {0x2f847, 0x5599}, {0x2f848, 0x55ab}, {0x2f849, 0x55b3}, {0x2f84a, 0x55c2}, {0x2f84b, 0x5716}, {0x2f84c, 0x5606},
    {0x2f84d, 0x5717}, {0x2f84e, 0x5651}, {0x2f84f, 0x5674}, {0x2f850, 0x5207}, {0x2f851, 0x58ee}, {0x2f852, 0x57ce},
    {0x2f853, 0x57f4}, {0x2f854, 0x580d}, {0x2f855, 0x578b}, {0x2f856, 0x5832}, {0x2f857, 0x5831}, {0x2f858, 0x58ac},
    {0x2f859, 0x214e4}, {0x2f85a, 0x58f2}, {0x2f85b, 0x58f7}, {0x2f85c, 0x5906}, {0x2f85d, 0x591a}, {0x2f85e, 0x5922},
    {0x2f85f, 0x5962}, {0x2f860, 0x216a8}, {0x2f861, 0x216ea}, {0x2f862, 0x59ec}, {0x2f863, 0x5a1b}, {0x2f864, 0x5a27},
    {0x2f865, 0x59d8}, {0x2f866, 0x5a66}, {0x2f867, 0x36ee}, {0x2f868, 0x36fc}, {0x2f869, 0x5b08}, {0x2f86a, 0x5b3e},
    {0x2f86b, 0x5b3e}, {0x2f86c, 0x219c8}, {0x2f86d, 0x5bc3}, {0x2f86e, 0x5bd8}, {0x2f86f, 0x5be7}, {0x2f870, 0x5bf3},
    {0x2f871, 0x21b18}, {0x2f872, 0x5bff}, {0x2f873, 0x5c06}, {0x2f874, 0x5f53}, {0x2f875, 0x5c22}, {0x2f876, 0x3781},
    {0x2f877, 0x5c60}, {0x2f878, 0x5c6e}, {0x2f879, 0x5cc0}, {0x2f87a, 0x5c8d}, {0x2f87b, 0x21de4}, {0x2f87c, 0x5d43},
    {0x2f87d, 0x21de6}, {0x2f87e, 0x5d6e}, {0x2f87f, 0x5d6b}, {0x2f880, 0x5d7c}, {0x2f881, 0x5de1}, {0x2f882, 0x5de2},
    {0x2f883, 0x382f}, {0x2f884, 0x5dfd}, {0x2f885, 0x5e28}, {0x2f886, 0x5e3d}, {0x2f887, 0x5e69}, {0x2f888, 0x3862},
    {0x2f889, 0x22183}, {0x2f88a, 0x387c}, {0x2f88b, 0x5eb0}, {0x2f88c, 0x5eb3}, {0x2f88d, 0x5eb6}, {0x2f88e, 0x5eca},
    {0x2f88f, 0x2a392}, {0x2f890, 0x5efe}, {0x2f891, 0x22331}, {0x2f892, 0x22331}, {0x2f893, 0x8201}, {0x2f894, 0x5f22},
    {0x2f895, 0x5f22}, {0x2f896, 0x38c7}, {0x2f897, 0x232b8}, {0x2f898, 0x261da}, {0x2f899, 0x5f62}, {0x2f89a, 0x5f6b},
    {0x2f89b, 0x38e3}, {0x2f89c, 0x5f9a}, {0x2f89d, 0x5fcd}, {0x2f89e, 0x5fd7}, {0x2f89f, 0x5ff9}, {0x2f8a0, 0x6081},
    {0x2f8a1, 0x393a}, {0x2f8a2, 0x391c}, {0x2f8a3, 0x6094}, {0x2f8a4, 0x226d4}, {0x2f8a5, 0x60c7}, {0x2f8a6, 0x6148},
    {0x2f8a7, 0x614c}, {0x2f8a8, 0x614e}, {0x2f8a9, 0x614c}, {0x2f8aa, 0x617a}, {0x2f8ab, 0x618e}, {0x2f8ac, 0x61b2},
    {0x2f8ad, 0x61a4}, {0x2f8ae, 0x61af}, {0x2f8af, 0x61de}, {0x2f8b0, 0x61f2}, {0x2f8b1, 0x61f6}, {0x2f8b2, 0x6210},
    {0x2f8b3, 0x621b}, {0x2f8b4, 0x625d}, {0x2f8b5, 0x62b1}, {0x2f8b6, 0x62d4}, {0x2f8b7, 0x6350}, {0x2f8b8, 0x22b0c},
    {0x2f8b9, 0x633d}, {0x2f8ba, 0x62fc}, {0x2f8bb, 0x6368}, {0x2f8bc, 0x6383}, {0x2f8bd, 0x63e4}, {0x2f8be, 0x22bf1},
    {0x2f8bf, 0x6422}, {0x2f8c0, 0x63c5}, {0x2f8c1, 0x63a9}, {0x2f8c2, 0x3a2e}, {0x2f8c3, 0x6469}, {0x2f8c4, 0x647e},
    {0x2f8c5, 0x649d}, {0x2f8c6, 0x6477}, {0x2f8c7, 0x3a6c}, {0x2f8c8, 0x654f}, {0x2f8c9, 0x656c}, {0x2f8ca, 0x2300a},
    {0x2f8cb, 0x65e3}, {0x2f8cc, 0x66f8}, {0x2f8cd, 0x6649}, {0x2f8ce, 0x3b19}, {0x2f8cf, 0x6691}, {0x2f8d0, 0x3b08},
    {0x2f8d1, 0x3ae4}, {0x2f8d2, 0x5192}, {0x2f8d3, 0x5195}, {0x2f8d4, 0x6700}, {0x2f8d5, 0x669c}, {0x2f8d6, 0x80ad},
    {0x2f8d7, 0x43d9}, {0x2f8d8, 0x6717}, {0x2f8d9, 0x671b}, {0x2f8da, 0x6721}, {0x2f8db, 0x675e}, {0x2f8dc, 0x6753},
    {0x2f8dd, 0x233c3}, {0x2f8de, 0x3b49}, {0x2f8df, 0x67fa}, {0x2f8e0, 0x6785}, {0x2f8e1, 0x6852}, {0x2f8e2, 0x6885},
    {0x2f8e3, 0x2346d}, {0x2f8e4, 0x688e}, {0x2f8e5, 0x681f}, {0x2f8e6, 0x6914}, {0x2f8e7, 0x3b9d}, {0x2f8e8, 0x6942},
    {0x2f8e9, 0x69a3}, {0x2f8ea, 0x69ea}, {0x2f8eb, 0x6aa8}, {0x2f8ec, 0x236a3}, {0x2f8ed, 0x6adb}, {0x2f8ee, 0x3c18},
    {0x2f8ef, 0x6b21}, {0x2f8f0, 0x238a7}, {0x2f8f1, 0x6b54}, {0x2f8f2, 0x3c4e}, {0x2f8f3, 0x6b72}, {0x2f8f4, 0x6b9f},
    {0x2f8f5, 0x6bba}, {0x2f8f6, 0x6bbb}, {0x2f8f7, 0x23a8d}, {0x2f8f8, 0x21d0b}, {0x2f8f9, 0x23afa}, {0x2f8fa, 0x6c4e},
    {0x2f8fb, 0x23cbc}, {0x2f8fc, 0x6cbf}, {0x2f8fd, 0x6ccd}, {0x2f8fe, 0x6c67}, {0x2f8ff, 0x6d16}, {0x2f900, 0x6d3e},
    {0x2f901, 0x6d77}, {0x2f902, 0x6d41}, {0x2f903, 0x6d69}, {0x2f904, 0x6d78}, {0x2f905, 0x6d85}, {0x2f906, 0x23d1e},
    {0x2f907, 0x6d34}, {0x2f908, 0x6e2f}, {0x2f909, 0x6e6e}, {0x2f90a, 0x3d33}, {0x2f90b, 0x6ecb}, {0x2f90c, 0x6ec7},
    {0x2f90d, 0x23ed1}, {0x2f90e, 0x6df9}, {0x2f90f, 0x6f6e}, {0x2f910, 0x23f5e}, {0x2f911, 0x23f8e}, {0x2f912, 0x6fc6},
    {0x2f913, 0x7039}, {0x2f914, 0x701e}, {0x2f915, 0x701b}, {0x2f916, 0x3d96}, {0x2f917, 0x704a}, {0x2f918, 0x707d},
    {0x2f919, 0x7077}, {0x2f91a, 0x70ad}, {0x2f91b, 0x20525}, {0x2f91c, 0x7145}, {0x2f91d, 0x24263}, {0x2f91e, 0x719c},
    {0x2f91f, 0x243ab}, {0x2f920, 0x7228}, {0x2f921, 0x7235}, {0x2f922, 0x7250}, {0x2f923, 0x24608}, {0x2f924, 0x7280},
    {0x2f925, 0x7295}, {0x2f926, 0x24735}, {0x2f927, 0x24814}, {0x2f928, 0x737a}, {0x2f929, 0x738b}, {0x2f92a, 0x3eac},
    {0x2f92b, 0x73a5}, {0x2f92c, 0x3eb8}, {0x2f92d, 0x3eb8}, {0x2f92e, 0x7447}, {0x2f92f, 0x745c}, {0x2f930, 0x7471},
    {0x2f931, 0x7485}, {0x2f932, 0x74ca}, {0x2f933, 0x3f1b}, {0x2f934, 0x7524}, {0x2f935, 0x24c36}, {0x2f936, 0x753e},
    {0x2f937, 0x24c92}, {0x2f938, 0x7570}, {0x2f939, 0x2219f}, {0x2f93a, 0x7610}, {0x2f93b, 0x24fa1}, {0x2f93c, 0x24fb8},
    {0x2f93d, 0x25044}, {0x2f93e, 0x3ffc}, {0x2f93f, 0x4008}, {0x2f940, 0x76f4}, {0x2f941, 0x250f3}, {0x2f942, 0x250f2},
    {0x2f943, 0x25119}, {0x2f944, 0x25133}, {0x2f945, 0x771e}, {0x2f946, 0x771f}, {0x2f947, 0x771f}, {0x2f948, 0x774a},
    {0x2f949, 0x4039}, {0x2f94a, 0x778b}, {0x2f94b, 0x4046}, {0x2f94c, 0x4096}, {0x2f94d, 0x2541d}, {0x2f94e, 0x784e},
    {0x2f94f, 0x788c}, {0x2f950, 0x78cc}, {0x2f951, 0x40e3}, {0x2f952, 0x25626}, {0x2f953, 0x7956}, {0x2f954, 0x2569a},
    {0x2f955, 0x256c5}, {0x2f956, 0x798f}, {0x2f957, 0x79eb}, {0x2f958, 0x412f}, {0x2f959, 0x7a40}, {0x2f95a, 0x7a4a},
    {0x2f95b, 0x7a4f}, {0x2f95c, 0x2597c}, {0x2f95d, 0x25aa7}, {0x2f95e, 0x25aa7}, {0x2f95f, 0x7aee}, {0x2f960, 0x4202},
    {0x2f961, 0x25bab}, {0x2f962, 0x7bc6}, {0x2f963, 0x7bc9}, {0x2f964, 0x4227}, {0x2f965, 0x25c80}, {0x2f966, 0x7cd2},
    {0x2f967, 0x42a0}, {0x2f968, 0x7ce8}, {0x2f969, 0x7ce3}, {0x2f96a, 0x7d00}, {0x2f96b, 0x25f86}, {0x2f96c, 0x7d63},
    {0x2f96d, 0x4301}, {0x2f96e, 0x7dc7}, {0x2f96f, 0x7e02}, {0x2f970, 0x7e45}, {0x2f971, 0x4334}, {0x2f972, 0x26228},
    {0x2f973, 0x26247}, {0x2f974, 0x4359}, {0x2f975, 0x262d9}, {0x2f976, 0x7f7a}, {0x2f977, 0x2633e}, {0x2f978, 0x7f95},
    {0x2f979, 0x7ffa}, {0x2f97a, 0x8005}, {0x2f97b, 0x264da}, {0x2f97c, 0x26523}, {0x2f97d, 0x8060}, {0x2f97e, 0x265a8},
    {0x2f97f, 0x8070}, {0x2f980, 0x2335f}, {0x2f981, 0x43d5}, {0x2f982, 0x80b2}, {0x2f983, 0x8103}, {0x2f984, 0x440b},
    {0x2f985, 0x813e}, {0x2f986, 0x5ab5}, {0x2f987, 0x267a7}, {0x2f988, 0x267b5}, {0x2f989, 0x23393}, {0x2f98a, 0x2339c},
    {0x2f98b, 0x8201}, {0x2f98c, 0x8204}, {0x2f98d, 0x8f9e}, {0x2f98e, 0x446b}, {0x2f98f, 0x8291}, {0x2f990, 0x828b},
    {0x2f991, 0x829d}, {0x2f992, 0x52b3}, {0x2f993, 0x82b1}, {0x2f994, 0x82b3}, {0x2f995, 0x82bd}, {0x2f996, 0x82e6},
    {0x2f997, 0x26b3c}, {0x2f998, 0x82e5}, {0x2f999, 0x831d}, {0x2f99a, 0x8363}, {0x2f99b, 0x83ad}, {0x2f99c, 0x8323},
    {0x2f99d, 0x83bd}, {0x2f99e, 0x83e7}, {0x2f99f, 0x8457}, {0x2f9a0, 0x8353}, {0x2f9a1, 0x83ca}, {0x2f9a2, 0x83cc},
    {0x2f9a3, 0x83dc}, {0x2f9a4, 0x26c36}, {0x2f9a5, 0x26d6b}, {0x2f9a6, 0x26cd5}, {0x2f9a7, 0x452b}, {0x2f9a8, 0x84f1},
    {0x2f9a9, 0x84f3}, {0x2f9aa, 0x8516}, {0x2f9ab, 0x273ca}, {0x2f9ac, 0x8564}, {0x2f9ad, 0x26f2c}, {0x2f9ae, 0x455d},
    {0x2f9af, 0x4561}, {0x2f9b0, 0x26fb1}, {0x2f9b1, 0x270d2}, {0x2f9b2, 0x456b}, {0x2f9b3, 0x8650}, {0x2f9b4, 0x865c},
    {0x2f9b5, 0x8667}, {0x2f9b6, 0x8669}, {0x2f9b7, 0x86a9}, {0x2f9b8, 0x8688}, {0x2f9b9, 0x870e}, {0x2f9ba, 0x86e2},
    {0x2f9bb, 0x8779}, {0x2f9bc, 0x8728}, {0x2f9bd, 0x876b}, {0x2f9be, 0x8786}, {0x2f9bf, 0x45d7}, {0x2f9c0, 0x87e1},
    {0x2f9c1, 0x8801}, {0x2f9c2, 0x45f9}, {0x2f9c3, 0x8860}, {0x2f9c4, 0x8863}, {0x2f9c5, 0x27667}, {0x2f9c6, 0x88d7},
    {0x2f9c7, 0x88de}, {0x2f9c8, 0x4635}, {0x2f9c9, 0x88fa}, {0x2f9ca, 0x34bb}, {0x2f9cb, 0x278ae}, {0x2f9cc, 0x27966},
    {0x2f9cd, 0x46be}, {0x2f9ce, 0x46c7}, {0x2f9cf, 0x8aa0}, {0x2f9d0, 0x8aed}, {0x2f9d1, 0x8b8a}, {0x2f9d2, 0x8c55},
    {0x2f9d3, 0x27ca8}, {0x2f9d4, 0x8cab}, {0x2f9d5, 0x8cc1}, {0x2f9d6, 0x8d1b}, {0x2f9d7, 0x8d77}, {0x2f9d8, 0x27f2f},
    {0x2f9d9, 0x20804}, {0x2f9da, 0x8dcb}, {0x2f9db, 0x8dbc}, {0x2f9dc, 0x8df0}, {0x2f9dd, 0x208de}, {0x2f9de, 0x8ed4},
    {0x2f9df, 0x8f38}, {0x2f9e0, 0x285d2}, {0x2f9e1, 0x285ed}, {0x2f9e2, 0x9094}, {0x2f9e3, 0x90f1}, {0x2f9e4, 0x9111},
    {0x2f9e5, 0x2872e}, {0x2f9e6, 0x911b}, {0x2f9e7, 0x9238}, {0x2f9e8, 0x92d7}, {0x2f9e9, 0x92d8}, {0x2f9ea, 0x927c},
    {0x2f9eb, 0x93f9}, {0x2f9ec, 0x9415}, {0x2f9ed, 0x28bfa}, {0x2f9ee, 0x958b}, {0x2f9ef, 0x4995}, {0x2f9f0, 0x95b7},
    {0x2f9f1, 0x28d77}, {0x2f9f2, 0x49e6}, {0x2f9f3, 0x96c3}, {0x2f9f4, 0x5db2}, {0x2f9f5, 0x9723}, {0x2f9f6, 0x29145},
    {0x2f9f7, 0x2921a}, {0x2f9f8, 0x4a6e}, {0x2f9f9, 0x4a76}, {0x2f9fa, 0x97e0}, {0x2f9fb, 0x2940a}, {0x2f9fc, 0x4ab2},
    {0x2f9fd, 0x29496}, {0x2f9fe, 0x980b}, {0x2f9ff, 0x980b}, {0x2fa00, 0x9829}, {0x2fa01, 0x295b6}, {0x2fa02, 0x98e2},
    {0x2fa03, 0x4b33}, {0x2fa04, 0x9929}, {0x2fa05, 0x99a7}, {0x2fa06, 0x99c2}, {0x2fa07, 0x99fe}, {0x2fa08, 0x4bce},
    {0x2fa09, 0x29b30}, {0x2fa0a, 0x9b12}, {0x2fa0b, 0x9c40}, {0x2fa0c, 0x9cfd}, {0x2fa0d, 0x4cce}, {0x2fa0e, 0x4ced},
    {0x2fa0f, 0x9d67}, {0x2fa10, 0x2a0ce}, {0x2fa11, 0x4cf8}, {0x2fa12, 0x2a105}, {0x2fa13, 0x2a20e}, {0x2fa14, 0x2a291},
    {0x2fa15, 0x9ebb}, {0x2fa16, 0x4d56}, {0x2fa17, 0x9ef9}, {0x2fa18, 0x9efe}, {0x2fa19, 0x9f05}, {0x2fa1a, 0x9f0f},
    {0x2fa1b, 0x9f16}, {0x2fa1c, 0x9f3b}, {0x2fa1d, 0x2a600},
};
static const uint16_t rse__nfc_ix[941] = {
    912, 909, 913, 0, 1, 2, 3, 53, 55, 238, 4, 572,
    5, 165, 208, 210, 570, 415, 57, 417, 419, 421, 59, 61,
    63, 65, 6, 425, 67, 427, 431, 433, 429, 7, 8, 9,
    598, 69, 71, 73, 10, 596, 77, 212, 214, 594, 240, 75,
    439, 441, 445, 198, 79, 447, 81, 83, 187, 85, 87, 449,
    453, 236, 451, 455, 457, 11, 12, 13, 89, 91, 93, 97,
    14, 610, 167, 216, 218, 612, 95, 459, 98, 463, 189, 465,
    100, 467, 102, 106, 469, 104, 475, 473, 477, 479, 481, 200,
    108, 15, 483, 112, 485, 110, 489, 487, 16, 17, 18, 19,
    114, 116, 246, 20, 616, 118, 169, 220, 222, 161, 614, 191,
    499, 501, 120, 503, 124, 224, 226, 505, 122, 509, 126, 128,
    511, 132, 513, 232, 130, 521, 136, 523, 234, 134, 527, 525,
    21, 22, 23, 138, 140, 142, 24, 640, 144, 146, 171, 228,
    230, 163, 638, 529, 148, 533, 531, 539, 541, 543, 545, 150,
    549, 547, 551, 553, 555, 652, 25, 152, 658, 250, 557, 154,
    656, 654, 155, 559, 157, 159, 561, 563, 26, 27, 28, 29,
    54, 56, 239, 30, 573, 31, 166, 209, 211, 571, 416, 58,
    418, 420, 422, 60, 62, 64, 66, 32, 426, 68, 428, 432,
    434, 430, 33, 34, 35, 599, 70, 72, 74, 36, 597, 78,
    213, 215, 595, 241, 76, 440, 442, 446, 199, 80, 448, 82,
    84, 188, 86, 88, 450, 454, 237, 452, 456, 458, 565, 37,
    38, 39, 90, 92, 94, 40, 611, 168, 217, 219, 613, 96,
    460, 99, 197, 464, 190, 466, 101, 468, 103, 107, 470, 105,
    476, 474, 478, 480, 482, 201, 109, 41, 484, 113, 486, 111,
    490, 488, 42, 43, 44, 45, 115, 117, 247, 46, 617, 119,
    170, 221, 223, 162, 615, 192, 500, 502, 121, 504, 125, 225,
    227, 506, 123, 510, 127, 129, 512, 133, 514, 233, 131, 522,
    566, 137, 524, 235, 135, 528, 526, 47, 48, 49, 139, 141,
    143, 50, 641, 145, 147, 172, 229, 231, 164, 639, 530, 149,
    534, 532, 540, 542, 544, 546, 151, 550, 548, 567, 552, 554,
    556, 653, 51, 153, 659, 251, 558, 52, 657, 568, 655, 156,
    560, 158, 160, 562, 564, 875, 258, 835, 576, 574, 580, 578,
    181, 202, 204, 185, 423, 602, 600, 606, 604, 461, 620, 618,
    624, 622, 491, 244, 493, 242, 206, 179, 175, 173, 177, 577,
    575, 581, 579, 182, 203, 205, 186, 424, 603, 601, 607, 605,
    462, 621, 619, 625, 623, 492, 245, 494, 243, 207, 180, 176,
    174, 178, 586, 584, 590, 588, 587, 585, 591, 589, 435, 437,
    436, 438, 495, 497, 496, 498, 515, 516, 517, 518, 535, 536,
    537, 538, 569, 630, 628, 634, 632, 636, 631, 629, 635, 633,
    637, 644, 642, 648, 646, 650, 645, 643, 649, 647, 651, 195,
    193, 194, 183, 184, 443, 444, 248, 249, 196, 831, 259, 830,
    829, 668, 669, 833, 841, 261, 682, 683, 843, 262, 696, 697,
    845, 857, 263, 856, 855, 268, 712, 713, 883, 264, 726, 727,
    874, 872, 265, 871, 870, 269, 740, 885, 266, 752, 753, 887,
    826, 838, 760, 270, 823, 822, 660, 661, 827, 825, 762, 271,
    676, 677, 764, 272, 688, 689, 839, 837, 766, 273, 850, 849,
    275, 704, 705, 853, 768, 277, 720, 721, 866, 867, 770, 278,
    863, 862, 276, 732, 733, 868, 772, 279, 744, 745, 881, 879,
    851, 267, 854, 864, 274, 869, 880, 280, 281, 285, 302, 304,
    284, 282, 306, 283, 300, 310, 312, 287, 314, 289, 316, 286,
    318, 324, 288, 326, 328, 330, 332, 322, 303, 305, 293, 291,
    307, 292, 301, 311, 313, 296, 315, 290, 317, 295, 319, 325,
    297, 327, 329, 331, 333, 323, 294, 298, 299, 308, 309, 320,
    321, 334, 335, 337, 336, 338, 340, 341, 339, 342, 343, 344,
    353, 354, 365, 364, 366, 369, 370, 372, 371, 373, 374, 377,
    375, 376, 378, 379, 381, 380, 382, 383, 385, 384, 403, 404,
    405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 471, 472,
    507, 508, 519, 520, 582, 592, 583, 593, 608, 609, 626, 627,
    662, 664, 666, 774, 663, 665, 667, 775, 776, 777, 778, 779,
    780, 781, 670, 672, 674, 782, 671, 673, 675, 783, 784, 785,
    786, 787, 788, 789, 678, 680, 679, 681, 684, 686, 685, 687,
    690, 692, 694, 790, 691, 693, 695, 791, 792, 793, 794, 795,
    796, 797, 698, 700, 702, 798, 699, 701, 703, 799, 800, 801,
    802, 803, 804, 805, 706, 708, 710, 707, 709, 711, 714, 716,
    718, 715, 717, 719, 722, 724, 723, 725, 728, 730, 729, 731,
    734, 736, 738, 735, 737, 739, 741, 742, 743, 746, 748, 750,
    806, 747, 749, 751, 807, 808, 809, 810, 811, 812, 813, 754,
    756, 758, 814, 755, 757, 759, 815, 816, 817, 818, 819, 820,
    821, 824, 836, 878, 828, 846, 847, 848, 840, 882, 859, 860,
    861, 894, 895, 896, 897, 899, 898, 900, 901, 902, 903, 904,
    905, 906, 907, 908, 911, 910, 914, 915, 916, 917, 918, 919,
    920, 921, 930, 931, 922, 923, 924, 925, 932, 933, 926, 927,
    928, 929, 934, 935, 936, 937, 966, 941, 942, 943, 944, 945,
    946, 947, 948, 949, 950, 951, 952, 953, 954, 955, 956, 957,
    958, 959, 960, 961, 962, 963, 964, 965, 967, 993, 968, 969,
    970, 971, 972, 973, 974, 975, 976, 977, 978, 979, 980, 981,
    982, 983, 984, 985, 986, 987, 988, 989, 990, 991, 992, 994,
    995, 996, 997, 998, 1493, 1494, 1495, 1496, 1497, 1498, 1499, 1501,
    1500, 1502, 1503, 1504, 1505,
};
/* END GENERATED TABLES */


RSE__FN int rse__uc_props(uint32_t cp) {
    size_t lo = 0, hi = sizeof rse__uc_prop / sizeof rse__uc_prop[0];
    /* last entry whose start <= cp (entry 0 starts at 0) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if ((rse__uc_prop[mid] >> 4) <= cp) lo = mid; else hi = mid;
    }
    return (int)(rse__uc_prop[lo] & 15);
}

RSE__FN uint32_t rse__uc_lower1(uint32_t c) {
    size_t lo = 0, hi = sizeof rse__uc_lower / sizeof rse__uc_lower[0];
    if (c < 128) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    /* last run starting at or before c */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rse__uc_lower[mid].first <= c) lo = mid + 1; else hi = mid;
    }
    if (lo == 0) return c;
    lo--;
    {
        uint32_t off = c - rse__uc_lower[lo].first;
        if (off % rse__uc_lower[lo].stride == 0 && off / rse__uc_lower[lo].stride < rse__uc_lower[lo].count)
            return (uint32_t)((int32_t)c + rse__uc_lower[lo].delta);
    }
    return c;
}

/* html.unescape's replacement for &#128; .. &#159;: the windows-1252
   character of that byte, the byte itself where windows-1252 has none,
   which is ftfy's sloppy-windows-1252, rse__charmap's second row (the
   generator asserts the two agree). */
RSE__FN uint32_t rse__cp1252_at(uint32_t v) { return rse__charmap[1][v - 0x80]; }

/* Does any alternative of the badness expression match somewhere in
   s[0..n)? Each alternative is a fixed sequence of classes (the one
   optional \s is written out as two alternatives), so this is a plain scan;
   characters outside every class (most of any text) are passed over after
   one table search. */
RSE__FN int rse__is_bad(const uint32_t *s, size_t n) {
    size_t i, np = sizeof rse__mb_pat / sizeof rse__mb_pat[0], k;
    for (i = 0; i < n; i++) {
        int row = rse__mb_row(s[i]);
        if (row < 0) continue;   /* every alternative starts with an explicit class */
        for (k = 0; k < np; k++) {
            const uint8_t *p = rse__mb_pat[k];
            size_t len = p[1], j;
            if ((p[0] && i) || i + len > n || !rse__mb_in(s[i], row, p[2])) continue;
            for (j = 1; j < len; j++)
                if (!rse__mb_in(s[i + j], p[2 + j] < 128 ? rse__mb_row(s[i + j]) : -1, p[2 + j])) break;
            if (j == len) return 1;
        }
    }
    return 0;
}

/* The packed value of HTML5 entity e (see the tool), and its second
   character (0: none). */
RSE__FN uint32_t rse__html5_v(long e) { return rse__html5[e].v; }
RSE__FN uint32_t rse__html5_second(uint32_t v) { return rse__html5_2nd[v >> 21 & 15]; }

/* The canonical decomposition of entry k: first and second (0: none). */
RSE__FN void rse__nfd_parts(long k, uint32_t *a, uint32_t *b) {
    *a = rse__nfd[k][1] & 0x1fffff;
    *b = rse__nfd_2nd[rse__nfd[k][1] >> 21];
}

RSE__FN uint32_t rse__charmap_at(int enc, int byte) {
    return byte < 128 ? (uint32_t)byte : rse__charmap[enc][byte - 128];
}

/* Row of c in the mojibake class table, or -1 (in no class). */
RSE__FN int rse__mb_row(uint32_t c) {
    size_t lo = 0, hi = sizeof rse__mb_cp / sizeof rse__mb_cp[0];
    if (c > 0xffff) return -1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (rse__mb_cp[mid] == c) return (int)mid;
        if (rse__mb_cp[mid] < c) lo = mid + 1; else hi = mid;
    }
    return -1;
}

/* Is c (at `row` of the table, from rse__mb_row) in class cls? The classes
   from 128 on are the ones Python's re decides: \s (str.isspace), \w
   (letters and numbers: the \p{L} \p{N} table, which is regex's Unicode
   15.0 where re has 14.0; they differ only on characters new in 15.0), '.'
   (anything but '\n') and [^A-Za-z]. */
RSE__FN int rse__mb_in(uint32_t c, int row, int cls) {
    if (cls >= 128) {
        switch (cls) {
        case 128: return rse__uc_isspace(c);
        case 129: return c == '_' || (rse__uc_props(c) & (RSE__UC_L | RSE__UC_N)) != 0;
        case 130: return c != '\n';
        default: return !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
        }
    }
    return row >= 0 && (rse__mb_mask[row][cls >> 6] >> (cls & 63) & 1);
}

RSE__FN int rse__is_nd(uint32_t c) {
    size_t lo = 0, hi = sizeof rse__nd / sizeof rse__nd[0];
    if (c < 128) return c >= '0' && c <= '9';
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c < rse__nd[mid][0]) hi = mid;
        else if (c > rse__nd[mid][1]) lo = mid + 1;
        else return 1;
    }
    return 0;
}

RSE__FN int rse__ccc(uint32_t c) {
    size_t lo = 0, hi = sizeof rse__ccc_bp / sizeof rse__ccc_bp[0];
    if (c < 0x300) return 0;
    while (hi - lo > 1) {   /* last breakpoint at or before c (the first is 0) */
        size_t mid = lo + (hi - lo) / 2;
        if ((rse__ccc_bp[mid] >> 8) <= c) lo = mid; else hi = mid;
    }
    return (int)(rse__ccc_bp[lo] & 255);
}

RSE__FN long rse__nfd_find(uint32_t c) {
    size_t lo = 0, hi = sizeof rse__nfd / sizeof rse__nfd[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        uint32_t k = rse__nfd[mid][0] & 0x7fffffffu;
        if (k == c) return (long)mid;
        if (k < c) lo = mid + 1; else hi = mid;
    }
    return -1;
}

/* The primary composite of a + b, or 0. */
RSE__FN uint32_t rse__nfc_pair(uint32_t a, uint32_t b) {
    size_t lo = 0, hi = sizeof rse__nfc_ix / sizeof rse__nfc_ix[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const uint32_t *d = rse__nfd[rse__nfc_ix[mid]];
        uint32_t da = d[1] & 0x1fffff, db = rse__nfd_2nd[d[1] >> 21];
        if (da == a && db == b) return d[0] & 0x7fffffffu;
        if (da < a || (da == a && db < b)) lo = mid + 1; else hi = mid;
    }
    return 0;
}

RSE__FN uint32_t rse__width_map(uint32_t c) {
    size_t i;
    if (c != 0x3000 && (c < 0xff01 || c > 0xffef)) return c;
    for (i = 0; i < sizeof rse__width / sizeof rse__width[0]; i++)
        if (c >= rse__width[i].first && c < rse__width[i].first + rse__width[i].count)
            return (uint32_t)((int32_t)c + rse__width[i].delta);
    return c;
}

/* Rows {c, up to 3 characters (0-padded)} sorted by c: the row for c, or 0. */
RSE__FN const uint32_t *rse__row4(const uint32_t (*t)[4], size_t n, uint32_t c) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t[mid][0] == c) return t[mid];
        if (t[mid][0] < c) lo = mid + 1; else hi = mid;
    }
    return 0;
}

RSE__FN const uint32_t *rse__ligature_of(uint32_t c) {
    if (c < 0x132) return 0;
    return rse__row4(rse__ligature, sizeof rse__ligature / sizeof rse__ligature[0], c);
}

RSE__FN const uint32_t *rse__ent_upper_of(uint32_t c) {
    return rse__row4(rse__ent_upper, sizeof rse__ent_upper / sizeof rse__ent_upper[0], c);
}

/* Index of the HTML5 entity named s[0..n) (no '&', no ';'), or -1. */
RSE__FN long rse__html_index(const uint32_t *s, size_t n) {
    size_t lo = 0, hi = sizeof rse__html5 / sizeof rse__html5[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = rse__html_cmp(s, n, rse__html5[mid].name);
        if (c == 0) return (long)mid;
        if (c < 0) hi = mid; else lo = mid + 1;
    }
    return -1;
}

RSE__FN uint32_t rse__html_find(const uint32_t *s, size_t n, int legacy_only, uint32_t *second) {
    long i = rse__html_index(s, n);
    uint32_t v;
    if (i < 0) return 0;
    v = rse__html5[i].v;
    if (legacy_only && !(v >> 25 & 1)) return 0;
    *second = rse__html5_2nd[v >> 21 & 15];
    return v & 0x1fffff;
}

/* ===========================================================================
   Towers
   The model of open_clip's CLIP class as RemoteCLIP and OpenAI publish it:
   a ViT (or ModifiedResNet) image tower and a causal transformer text tower,
   meeting in a joint space of embed_dim. Every size is read off the tensor
   shapes, so any such checkpoint loads without a config file.

     image (N,3,H,W) normalised
       -> conv1 (patch P, stride P, no bias)  -> (N,W,gh,gw) -> tokens (N,G,W)
       -> [class_embedding; tokens] + positional_embedding     (N,1+G,W)
       -> ln_pre -> blocks -> ln_post(token 0) @ proj          (N,E)
     text ids (77)
       -> token_embedding[ids] + positional_embedding -> causal blocks
       -> ln_final(token at argmax(ids) = end of text) @ text_projection

   Block (both towers, pre-LN):
       x = x + out_proj(MHA(ln_1(x)))          fused in_proj (3W,W): q, k, v rows
       x = x + c_proj(act(c_fc(ln_2(x))))      act = QuickGELU or exact GELU

   Weights keep the checkpoint's storage. Float32 tensors (aligned, on a
   little-endian host) are used in place, zero-copy. The big fp16/bf16
   matrices stay 16-bit in memory and are converted to float32 on use, one
   segment (the stem, one block, the head) at a time, into one "stage" buffer
   the size of the largest segment: a ViT-B/32 fp16 checkpoint thus needs its
   file plus ~28 MB, not the 600 MB of an fp32 copy. Small tensors (norms,
   biases, embeddings) are converted once at load. With opts.fp32 every
   weight is converted once at load instead (faster calls, twice the memory).

   Gradients: each segment records on its own tape (all sharing one arena),
   so the backward pass can run segment by segment and re-stage that
   segment's weights first: the staged views of every block share the stage
   memory, and a segment's backward only reads its own. Weights have
   requires_grad = 0, so no weight gradient is ever computed.
   ========================================================================= */

#define RSE__CLIP_LN_EPS 1e-5f
#define RSE__CLIP_MAX_LAYERS 512
/* Matrices at least this big may stay 16-bit and be converted on use. */
#define RSE__CLIP_LAZY_MIN 4096

/* OpenAI's dataset mean and std (open_clip OPENAI_DATASET_MEAN/STD), which
   RemoteCLIP uses too. */
static const float rse__clip_mean[3] = { 0.48145466f, 0.4578275f, 0.40821073f };
static const float rse__clip_std[3] = { 0.26862954f, 0.26130258f, 0.27577711f };

/* One weight: a float32 view (resident) or a 16-bit checkpoint tensor that
   is converted on use (f32 == NULL). */
typedef struct rse__cw {
    const rse__ckpt_tensor *src;
    float *f32;
    int nd, shape[4];
    size_t numel;
} rse__cw;

/* The 12 weights of a residual block, in the order they are staged. */
enum { RSE__LN1_W, RSE__LN1_B, RSE__IN_W, RSE__IN_B, RSE__OUT_W, RSE__OUT_B,
       RSE__LN2_W, RSE__LN2_B, RSE__FC_W, RSE__FC_B, RSE__PJ_W, RSE__PJ_B, RSE__BW_COUNT };

typedef struct rse__clip_block { rse__cw w[RSE__BW_COUNT]; } rse__clip_block;

typedef struct rse__clip_tower {
    int width, layers, heads, mlp;
    rse__clip_block *blk;
} rse__clip_tower;

/* ModifiedResNet pieces: convolutions with their BatchNorm folded in. */
typedef struct rse__rn_conv {
    rse__tensor w, b;   /* float32 (K,C,kh,kw) and (K), BN folded */
    int stride, pad;
} rse__rn_conv;

typedef struct rse__rn_bottleneck {
    rse__rn_conv c1, c2, c3, down;
    int stride, has_down;
} rse__rn_bottleneck;

struct rse_clip {
    rse__ckpt ckpt;
    unsigned char *file;     /* owned file bytes (rse_clip_load), or NULL */
    rse__arena arena;         /* tables and the weights converted at load */
    rse__arena work, scratch; /* per call: activations, tapes; kernel scratch */
    /* The input gradient runs its views in micro-batches (rse__clip_image_grad):
       grad_chunk > 0 fixes the views per batch (tests); 0 sizes batches to
       RSE__CLIP_GRAD_BUDGET from gv_bytes, the working memory one view of
       gv_h x gv_w took in the last call at that size (0: not measured yet). */
    int grad_chunk, gv_h, gv_w;
    size_t gv_bytes;
    float *stage;            /* conversion buffer for 16-bit weights */
    size_t stage_cap;        /* floats */
    int act, fp32, resnet;
    int embed_dim;
    float logit_scale;       /* stored as a log */
    /* ViT image tower */
    int v_patch, v_grid, image_size;
    rse__cw conv1, cls, vpos, ln_pre_w, ln_pre_b, ln_post_w, ln_post_b, vproj;
    rse__clip_tower vis;
    /* ModifiedResNet image tower */
    rse__rn_conv rn_stem[3];
    rse__rn_bottleneck *rn_blk;
    int rn_nblk, rn_width;
    rse__cw ap_pos, ap_q_w, ap_q_b, ap_k_w, ap_k_b, ap_v_w, ap_v_b, ap_c_w, ap_c_b;
    int ap_heads;
    /* text tower */
    int ctx, vocab;
    rse__cw tok_emb, tpos, ln_f_w, ln_f_b, tproj;
    rse__clip_tower txt;
};

struct rse_clip_vocab { rse__bpe bpe; };

RSE__FN int rse__host_le(void) {
    uint16_t x = 1;
    unsigned char b;
    memcpy(&b, &x, 1);
    return b == 1;
}

/* Elements [first, first+n) of a float checkpoint tensor as float32. */
RSE__FN void rse__cw_convert(const rse__cw *w, size_t first, size_t n, float *out) {
    const unsigned char *p = w->src->data;
    size_t i;
    switch (w->src->dtype) {
    case RSE_DT_F16: rse__f16_to_f32_n(out, p + 2 * first, n); break;
    case RSE_DT_BF16:
        for (i = 0; i < n; i++) out[i] = rse__bf16_to_f32((uint16_t)rse__ff_le16(p + 2 * (first + i)));
        break;
    default: /* F32 (unaligned or big-endian host) */
        for (i = 0; i < n; i++) { uint32_t b = rse__ff_le32(p + 4 * (first + i)); memcpy(out + i, &b, 4); }
        break;
    }
}

/* Binds weight `name` with the expected shape (-1: any size, filled in).
   lazy: it may stay 16-bit in memory. Checks the dtype and every size. */
RSE__FN rse_status rse__cw_bind(rse_clip *m, rse__cw *w, const char *name, int nd,
                                int d0, int d1, int d2, int d3, int lazy) {
    const rse__ckpt_tensor *t = rse__ckpt_find(&m->ckpt, name);
    int want[4], i, fnd;
    want[0] = d0; want[1] = d1; want[2] = d2; want[3] = d3;
    memset(w, 0, sizeof *w);
    if (!t) return rse__fail(RSE_STATUS_BAD_FORMAT, "CLIP checkpoint: tensor '%s' missing", name);
    if (t->dtype != RSE_DT_F32 && t->dtype != RSE_DT_F16 && t->dtype != RSE_DT_BF16 && t->dtype != RSE_DT_F64)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "CLIP checkpoint: '%s' has dtype %s, expected a float type",
                         name, rse__dtype_name(t->dtype));
    /* 0-dim scalars (logit_scale) are bound as shape (1). */
    fnd = t->ndim == 0 ? 1 : t->ndim;
    if (fnd != nd)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "CLIP checkpoint: '%s' has %d dimensions, expected %d", name, t->ndim, nd);
    for (i = 0; i < nd; i++) {
        int s = t->ndim == 0 ? 1 : t->shape[i];
        if (s < 1 || (want[i] >= 0 && s != want[i]))
            return rse__fail(RSE_STATUS_BAD_FORMAT, "CLIP checkpoint: '%s' dimension %d is %d, expected %d",
                             name, i, s, want[i]);
        w->shape[i] = s;
    }
    w->nd = nd;
    w->src = t;
    w->numel = t->numel;
    if (t->dtype == RSE_DT_F32 && rse__host_le() && ((uintptr_t)t->data & 3) == 0) {
        /* Zero-copy: the data is only ever read. */
        w->f32 = (float *)(uintptr_t)t->data;
    } else if (lazy && !m->fp32 && nd >= 2 && t->numel >= RSE__CLIP_LAZY_MIN &&
               (t->dtype == RSE_DT_F16 || t->dtype == RSE_DT_BF16)) {
        w->f32 = 0; /* converted on use */
    } else {
        size_t bytes;
        if (!rse__mul_ok(t->numel, sizeof(float), &bytes)) return rse__fail(RSE_STATUS_LIMIT, "CLIP: '%s' too large", name);
        w->f32 = (float *)rse__arena_alloc(&m->arena, bytes);
        if (!w->f32) return rse__fail(RSE_STATUS_NOMEM, "CLIP: out of memory converting '%s'", name);
        if (t->dtype == RSE_DT_F64 || t->dtype == RSE_DT_F32) return rse__ckpt_to_f32(t, w->f32, t->numel);
        rse__cw_convert(w, 0, t->numel, w->f32);
    }
    return RSE_STATUS_OK;
}

/* Floats the stage needs for these weights (the non-resident ones). */
RSE__FN size_t rse__cw_lazy(rse__cw *const *ws, int n) {
    size_t s = 0;
    int k;
    for (k = 0; k < n; k++) if (!ws[k]->f32) s += ws[k]->numel;
    return s;
}

/* One weight's conversion split over the pool: a ViT-B-32 block is 7M
   values, staged again for every micro-batch of views, forward and back
   (issue 25), and one thread converting them left the other idle. */
typedef struct { const rse__cw *w; float *d; } rse__stage_job;
RSE__FN void rse__stage_task(void *ctx, int task, int ntasks) {
    const rse__stage_job *j = (const rse__stage_job *)ctx;
    size_t lo, hi;
    rse__split_range(j->w->numel, task, ntasks, &lo, &hi);
    if (hi > lo) rse__cw_convert(j->w, lo, hi - lo, j->d + lo);
}

/* Stages ws[0..n) and, if views is not NULL, wraps each as a tensor on t.
   Called again with views == NULL before a segment's backward pass: the
   conversion lands at the same stage offsets, so the recorded views see
   the same values again. */
RSE__FN rse_status rse__clip_stage(rse_clip *m, rse__cw *const *ws, int n, rse__tape *t, rse__tensor **views) {
    size_t off = 0;
    int k;
    for (k = 0; k < n; k++) {
        const rse__cw *w = ws[k];
        float *d = w->f32;
        if (!d) {
            rse__stage_job j;
            RSE_ASSERT(off + w->numel <= m->stage_cap);
            d = m->stage + off;
            j.w = w; j.d = d;
            /* below 64K values a second thread costs more than it saves */
            rse__parallel(w->numel < ((size_t)1 << 16) ? 1 : rse__task_count(w->numel >> 16), rse__stage_task, &j);
            off += w->numel;
        }
        if (views && !(views[k] = rse__tensor_wrap(t, d, w->nd, w->shape))) return t->status;
    }
    return RSE_STATUS_OK;
}

RSE__FN rse_status rse__clip_stage_block(rse_clip *m, rse__clip_block *b, rse__tape *t, rse__tensor **views) {
    rse__cw *ws[RSE__BW_COUNT];
    int k;
    for (k = 0; k < RSE__BW_COUNT; k++) ws[k] = &b->w[k];
    return rse__clip_stage(m, ws, RSE__BW_COUNT, t, views);
}

/* Binds the blocks "<prefix>.resblocks.i.*" of a transformer of width W.
   The layer count is the number of consecutive ln_1.weight keys. */
RSE__FN rse_status rse__clip_bind_tower(rse_clip *m, rse__clip_tower *tw, const char *prefix, int W,
                                        int heads, size_t *stage) {
    char nm[160];
    int i, k;
    rse_status st;
    for (i = 0; i < RSE__CLIP_MAX_LAYERS; i++) {
        rse__fmt(nm, sizeof nm, "%s.resblocks.%d.ln_1.weight", prefix, i);
        if (!rse__ckpt_find(&m->ckpt, nm)) break;
    }
    if (i == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "CLIP checkpoint: no '%s.resblocks.0' block", prefix);
    if (i == RSE__CLIP_MAX_LAYERS) return rse__fail(RSE_STATUS_LIMIT, "CLIP checkpoint: %s has over %d blocks", prefix, RSE__CLIP_MAX_LAYERS);
    tw->layers = i;
    tw->width = W;
    tw->heads = heads > 0 ? heads : W / 64;
    if (tw->heads < 1 || W % tw->heads)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "CLIP checkpoint: %s width %d does not split into %d heads", prefix, W, tw->heads);
    tw->blk = (rse__clip_block *)rse__arena_calloc(&m->arena, (size_t)tw->layers, sizeof *tw->blk);
    if (!tw->blk) return rse__fail(RSE_STATUS_NOMEM, "CLIP: out of memory");
    for (i = 0; i < tw->layers; i++) {
        rse__cw *w = tw->blk[i].w, *ws[RSE__BW_COUNT];
        size_t need;
#define RSE__BIND(slot, suffix, nd, a, b, lazy) \
        rse__fmt(nm, sizeof nm, "%s.resblocks.%d.%s", prefix, i, suffix); \
        if ((st = rse__cw_bind(m, &w[slot], nm, nd, a, b, -1, -1, lazy))) return st;
        RSE__BIND(RSE__LN1_W, "ln_1.weight", 1, W, -1, 0)
        RSE__BIND(RSE__LN1_B, "ln_1.bias", 1, W, -1, 0)
        RSE__BIND(RSE__IN_W, "attn.in_proj_weight", 2, 3 * W, W, 1)
        RSE__BIND(RSE__IN_B, "attn.in_proj_bias", 1, 3 * W, -1, 0)
        RSE__BIND(RSE__OUT_W, "attn.out_proj.weight", 2, W, W, 1)
        RSE__BIND(RSE__OUT_B, "attn.out_proj.bias", 1, W, -1, 0)
        RSE__BIND(RSE__LN2_W, "ln_2.weight", 1, W, -1, 0)
        RSE__BIND(RSE__LN2_B, "ln_2.bias", 1, W, -1, 0)
        RSE__BIND(RSE__FC_W, "mlp.c_fc.weight", 2, -1, W, 1)
        RSE__BIND(RSE__FC_B, "mlp.c_fc.bias", 1, w[RSE__FC_W].shape[0], -1, 0)
        RSE__BIND(RSE__PJ_W, "mlp.c_proj.weight", 2, W, w[RSE__FC_W].shape[0], 1)
        RSE__BIND(RSE__PJ_B, "mlp.c_proj.bias", 1, W, -1, 0)
#undef RSE__BIND
        for (k = 0; k < RSE__BW_COUNT; k++) ws[k] = &w[k];
        need = rse__cw_lazy(ws, RSE__BW_COUNT);
        if (need > *stage) *stage = need;
    }
    tw->mlp = tw->blk[0].w[RSE__FC_W].shape[0];
    return RSE_STATUS_OK;
}

/* ---------------------------------------------------------------------------
   One residual block on tape t: x (B,L,W) -> (B,L,W)
   ------------------------------------------------------------------------- */

RSE__FN rse__tensor *rse__clip_block_fwd(rse_clip *m, rse__tape *t, rse__clip_block *b, rse__tensor *x,
                                        int heads, int causal) {
    rse__tensor *w[RSE__BW_COUNT], *h;
    if (!x || rse__clip_stage_block(m, b, t, w)) return 0;
    h = rse__layernorm(t, x, w[RSE__LN1_W], w[RSE__LN1_B], RSE__CLIP_LN_EPS);
    h = rse__mha(t, h, w[RSE__IN_W], w[RSE__IN_B], w[RSE__OUT_W], w[RSE__OUT_B], heads, causal);
    x = rse__add(t, x, h);
    h = rse__layernorm(t, x, w[RSE__LN2_W], w[RSE__LN2_B], RSE__CLIP_LN_EPS);
    h = rse__linear(t, h, w[RSE__FC_W], w[RSE__FC_B]);
    h = m->act == RSE_CLIP_ACT_GELU ? rse__gelu(t, h) : rse__quickgelu(t, h);
    h = rse__linear(t, h, w[RSE__PJ_W], w[RSE__PJ_B]);
    return rse__add(t, x, h);
}

/* Runs all blocks of a tower without recording (inference). The activation
   lives in one buffer: each block's intermediates are released as soon as
   its output has been copied back, so memory does not grow with depth.
   trace (optional) receives the output of every block, layers x x->n. */
RSE__FN rse__tensor *rse__clip_tower_infer(rse_clip *m, rse__tape *t, rse__clip_tower *tw, rse__tensor *x,
                                          int causal, float *trace) {
    int i;
    if (!x) return 0;
    for (i = 0; i < tw->layers; i++) {
        rse_arena_mark mk = rse__arena_get_mark(t->arena);
        rse__tensor *y = rse__clip_block_fwd(m, t, &tw->blk[i], x, tw->heads, causal);
        if (!y) return 0;
        memcpy(x->data, y->data, x->n * sizeof(float));
        rse__arena_release(t->arena, mk);
        if (trace) memcpy(trace + (size_t)i * x->n, x->data, x->n * sizeof(float));
    }
    return x;
}

/* ---------------------------------------------------------------------------
   Positional embedding of the image tower at another grid size
   SinDDM's CLIP copy (after DINO) resizes the G x G grid with
   F.interpolate(scale_factor=((gh+0.1)/G, (gw+0.1)/G), mode='bicubic'),
   align_corners False. Given a scale factor, torch maps output o to the
   source coordinate (o + 0.5) / scale_factor - 0.5, NOT (o + 0.5) * G/gh
   - 0.5: the 0.1 shifts every tap a little, and we reproduce that. The
   class token's row is kept. Keys' cubic with A = -0.75, taps clamped at
   the border, as torch's upsample_bicubic2d.
   ------------------------------------------------------------------------- */

RSE__FN void rse__clip_cubic_taps(int out_i, int in, int out, float *w, int *idx) {
    float sc = (float)(1.0 / (((double)out + 0.1) / (double)in));
    float src = sc * ((float)out_i + 0.5f) - 0.5f, fl = floorf(src), x = src - fl;
    int k, i0 = (int)fl;
    w[0] = rse__cubic2(x + 1.0f);
    w[1] = rse__cubic1(x);
    w[2] = rse__cubic1(1.0f - x);
    w[3] = rse__cubic2(2.0f - x);
    for (k = 0; k < 4; k++) {
        int i = i0 - 1 + k;
        idx[k] = i < 0 ? 0 : i > in - 1 ? in - 1 : i;
    }
}

/* out (1+gh*gw, W) from the model's (1+G*G, W). */
RSE__FN void rse__clip_pos_resize(float *out, const float *pos, int G, int gh, int gw, int W) {
    int oy, ox, a, b, c;
    memcpy(out, pos, (size_t)W * sizeof(float));
    for (oy = 0; oy < gh; oy++) {
        float wy[4], wx[4];
        int iy[4], ix[4];
        rse__clip_cubic_taps(oy, G, gh, wy, iy);
        for (ox = 0; ox < gw; ox++) {
            float *o = out + (size_t)(1 + oy * gw + ox) * W;
            rse__clip_cubic_taps(ox, G, gw, wx, ix);
            for (c = 0; c < W; c++) {
                float acc = 0;
                for (a = 0; a < 4; a++) {
                    float r = 0;
                    for (b = 0; b < 4; b++) r += wx[b] * pos[(size_t)(1 + iy[a] * G + ix[b]) * W + c];
                    acc += wy[a] * r;
                }
                o[c] = acc;
            }
        }
    }
}

/* ---------------------------------------------------------------------------
   The ViT image tower
   x (N,3,H,W), normalised. tp[0] records the stem, tp[1+i] block i,
   tp[layers+1] the head; for inference all point to one no-grad tape.
   *tokens_out (optional) gets the block outputs' tensors for the backward:
   outs[0] after ln_pre, outs[1+i] after block i (grad mode only).
   trace (optional): ln_pre output then every block's, (layers+1) x N*L*W.
   ------------------------------------------------------------------------- */

RSE__FN rse__tensor *rse__clip_vit(rse_clip *m, rse__tape **tp, int grad, rse__tensor *x,
                                  rse__tensor **outs, float *trace) {
    rse__tape *t = tp[0];
    rse__cw *stem[5];
    rse__tensor *sw[5], *h, *cls, *pos;
    int N, Wd = m->vis.width, P = m->v_patch, G = m->v_grid, gh, gw, L, i, sh[3], perm[3] = { 0, 2, 1 };
    if (!x) return 0;
    N = x->shape[0];
    gh = x->shape[2] / P;
    gw = x->shape[3] / P;
    if (x->nd != 4 || x->shape[1] != 3 || gh < 1 || gw < 1) {
        rse__fail(RSE_STATUS_BAD_ARG, "CLIP image: need (N,3,H,W) with H and W at least the patch size %d", P);
        return rse__tape_fail(t, RSE_STATUS_BAD_ARG);
    }
    L = 1 + gh * gw;
    stem[0] = &m->conv1; stem[1] = &m->ln_pre_w; stem[2] = &m->ln_pre_b;
    if (rse__clip_stage(m, stem, 3, t, sw)) return 0;
    /* Patches: a stride-P convolution drops any remainder pixels, as torch. */
    h = rse__conv2d(t, x, sw[0], 0, P, 0, 1);              /* (N,W,gh,gw) */
    sh[0] = N; sh[1] = Wd; sh[2] = gh * gw;
    h = rse__permute(t, rse__reshape(t, h, 3, sh), perm);   /* (N,G,W) */
    /* Class token and positions do not depend on the image: plain tensors. */
    cls = rse__new4(t, 3, N, 1, Wd, 0);
    pos = rse__new4(t, 2, L, Wd, 0, 0);
    if (!cls || !pos) return 0;
    for (i = 0; i < N; i++) memcpy(cls->data + (size_t)i * Wd, m->cls.f32, (size_t)Wd * sizeof(float));
    if (gh == G && gw == G) memcpy(pos->data, m->vpos.f32, pos->n * sizeof(float));
    else rse__clip_pos_resize(pos->data, m->vpos.f32, G, gh, gw, Wd);
    h = rse__concat(t, cls, h, 1);                          /* (N,L,W) */
    h = rse__add(t, h, pos);
    h = rse__layernorm(t, h, sw[1], sw[2], RSE__CLIP_LN_EPS);
    if (!h) return 0;
    if (trace) memcpy(trace, h->data, h->n * sizeof(float));
    if (grad) {
        if (outs) outs[0] = h;
        for (i = 0; i < m->vis.layers; i++) {
            h = rse__clip_block_fwd(m, tp[1 + i], &m->vis.blk[i], h, m->vis.heads, 0);
            if (!h) return 0;
            if (outs) outs[1 + i] = h;
            if (trace) memcpy(trace + (size_t)(i + 1) * h->n, h->data, h->n * sizeof(float));
        }
    } else {
        h = rse__clip_tower_infer(m, t, &m->vis, h, 0, trace ? trace + h->n : 0);
    }
    /* Head: ln_post on the class token, then the projection (W,E). */
    t = tp[m->vis.layers + 1];
    stem[0] = &m->ln_post_w; stem[1] = &m->ln_post_b; stem[2] = &m->vproj;
    if (!h || rse__clip_stage(m, stem, 3, t, sw)) return 0;
    sh[0] = N; sh[1] = Wd;
    h = rse__reshape(t, rse__slice(t, h, 1, 0, 1), 2, sh);
    h = rse__layernorm(t, h, sw[0], sw[1], RSE__CLIP_LN_EPS);
    return rse__matmul(t, h, sw[2]);                         /* (N,E) */
}

/* ---------------------------------------------------------------------------
   ModifiedResNet image tower (RN50 and kin)
   Stem: three 3x3 convolutions (stride 2, 1, 1) with BN + ReLU, then a 2x2
   average pool. Bottleneck stages: 1x1 -> 3x3 -> [avgpool(stride)] -> 1x1,
   expansion 4; the shortcut is avgpool(stride) -> 1x1 conv -> BN when the
   shape changes. BatchNorm (eval: running statistics, eps 1e-5) is folded
   into the preceding convolution at load:
       w' = w * g / sqrt(var + eps),   b' = beta - mean * g / sqrt(var + eps).
   Attention pooling: the 7x7 map as 49 tokens, their mean prepended, plus
   a positional embedding; one multi-head attention with the mean token as
   the only query, separate q/k/v projections, then c_proj.
   Everything is built from taped ops, so the input gradient works too:
   ReLU is a product with its 0/1 mask (a constant, whose derivative is the
   mask again), an average pool a depthwise convolution with weights 1/k^2.
   ------------------------------------------------------------------------- */

RSE__FN rse_status rse__rn_bind_conv(rse_clip *m, rse__rn_conv *c, const char *conv, const char *bn,
                                     int stride, int pad) {
    char nm[160];
    rse__cw w, g, b, mu, var;
    rse_status st;
    int K, k;
    size_t per, i;
    if ((st = rse__cw_bind(m, &w, conv, 4, -1, -1, -1, -1, 0))) return st;
    K = w.shape[0];
#define RSE__BN(dst, suffix) \
    rse__fmt(nm, sizeof nm, "%s.%s", bn, suffix); \
    if ((st = rse__cw_bind(m, &dst, nm, 1, K, -1, -1, -1, 0))) return st;
    RSE__BN(g, "weight") RSE__BN(b, "bias") RSE__BN(mu, "running_mean") RSE__BN(var, "running_var")
#undef RSE__BN
    per = w.numel / (size_t)K;
    c->w.data = (float *)rse__arena_alloc(&m->arena, w.numel * sizeof(float));
    c->b.data = (float *)rse__arena_alloc(&m->arena, (size_t)K * sizeof(float));
    if (!c->w.data || !c->b.data) return rse__fail(RSE_STATUS_NOMEM, "CLIP: out of memory");
    rse__tensor_view(&c->w, c->w.data, 4, w.shape);
    rse__tensor_view(&c->b, c->b.data, 1, &K);
    for (k = 0; k < K; k++) {
        double s = (double)g.f32[k] / sqrt((double)var.f32[k] + 1e-5);
        if (!(var.f32[k] >= 0))
            return rse__fail(RSE_STATUS_BAD_FORMAT, "CLIP checkpoint: '%s.running_var' is negative or NaN", bn);
        for (i = 0; i < per; i++) c->w.data[(size_t)k * per + i] = (float)(w.f32[(size_t)k * per + i] * s);
        c->b.data[k] = (float)(b.f32[k] - mu.f32[k] * s);
    }
    c->stride = stride;
    c->pad = pad;
    return RSE_STATUS_OK;
}

RSE__FN rse_status rse__rn_bind(rse_clip *m, const rse_clip_options *o) {
    static const char *stem_c[3] = { "visual.conv1.weight", "visual.conv2.weight", "visual.conv3.weight" };
    static const char *stem_b[3] = { "visual.bn1", "visual.bn2", "visual.bn3" };
    char nm[160], bn[160];
    int s, i, k, n = 0, inpl, C, E;
    rse_status st;
    for (k = 0; k < 3; k++)
        if ((st = rse__rn_bind_conv(m, &m->rn_stem[k], stem_c[k], stem_b[k], k == 0 ? 2 : 1, 1))) return st;
    m->rn_width = m->rn_stem[2].w.shape[0];
    /* Count the blocks of the four stages first. */
    for (s = 1; s <= 4; s++)
        for (i = 0; i < RSE__CLIP_MAX_LAYERS; i++) {
            rse__fmt(nm, sizeof nm, "visual.layer%d.%d.conv1.weight", s, i);
            if (!rse__ckpt_find(&m->ckpt, nm)) break;
            n++;
        }
    if (n == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "CLIP checkpoint: ResNet without bottleneck blocks");
    m->rn_blk = (rse__rn_bottleneck *)rse__arena_calloc(&m->arena, (size_t)n, sizeof *m->rn_blk);
    if (!m->rn_blk) return rse__fail(RSE_STATUS_NOMEM, "CLIP: out of memory");
    inpl = m->rn_width;
    for (s = 1, n = 0; s <= 4; s++)
        for (i = 0; i < RSE__CLIP_MAX_LAYERS; i++) {
            rse__rn_bottleneck *b = &m->rn_blk[n];
            int stride = (s > 1 && i == 0) ? 2 : 1;
            rse__fmt(nm, sizeof nm, "visual.layer%d.%d.conv1.weight", s, i);
            if (!rse__ckpt_find(&m->ckpt, nm)) break;
#define RSE__RNC(dst, cn, bname, pad) \
            rse__fmt(nm, sizeof nm, "visual.layer%d.%d.%s.weight", s, i, cn); \
            rse__fmt(bn, sizeof bn, "visual.layer%d.%d.%s", s, i, bname); \
            if ((st = rse__rn_bind_conv(m, &b->dst, nm, bn, 1, pad))) return st;
            RSE__RNC(c1, "conv1", "bn1", 0)
            RSE__RNC(c2, "conv2", "bn2", 1)
            RSE__RNC(c3, "conv3", "bn3", 0)
            rse__fmt(nm, sizeof nm, "visual.layer%d.%d.downsample.0.weight", s, i);
            b->has_down = rse__ckpt_find(&m->ckpt, nm) != 0;
            if (b->has_down) { RSE__RNC(down, "downsample.0", "downsample.1", 0) }
#undef RSE__RNC
            b->stride = stride;
            /* The channel chain must hold: the checkpoint decides all sizes. */
            if (b->c1.w.shape[1] != inpl || b->c2.w.shape[1] != b->c1.w.shape[0] ||
                b->c3.w.shape[1] != b->c2.w.shape[0] || b->c1.w.shape[2] != 1 || b->c2.w.shape[2] != 3 ||
                b->c3.w.shape[2] != 1 || (b->has_down && (b->down.w.shape[1] != inpl || b->down.w.shape[0] != b->c3.w.shape[0])) ||
                (!b->has_down && (stride > 1 || b->c3.w.shape[0] != inpl)))
                return rse__fail(RSE_STATUS_BAD_FORMAT, "CLIP checkpoint: visual.layer%d.%d: channel counts do not chain", s, i);
            inpl = b->c3.w.shape[0];
            n++;
        }
    m->rn_nblk = n;
    if ((st = rse__cw_bind(m, &m->ap_pos, "visual.attnpool.positional_embedding", 2, -1, inpl, -1, -1, 0))) return st;
    C = inpl;
#define RSE__AP(dst, name, a, b, nd) if ((st = rse__cw_bind(m, &dst, name, nd, a, b, -1, -1, 0))) return st;
    RSE__AP(m->ap_q_w, "visual.attnpool.q_proj.weight", C, C, 2)
    RSE__AP(m->ap_q_b, "visual.attnpool.q_proj.bias", C, -1, 1)
    RSE__AP(m->ap_k_w, "visual.attnpool.k_proj.weight", C, C, 2)
    RSE__AP(m->ap_k_b, "visual.attnpool.k_proj.bias", C, -1, 1)
    RSE__AP(m->ap_v_w, "visual.attnpool.v_proj.weight", C, C, 2)
    RSE__AP(m->ap_v_b, "visual.attnpool.v_proj.bias", C, -1, 1)
    RSE__AP(m->ap_c_w, "visual.attnpool.c_proj.weight", -1, C, 2)
    RSE__AP(m->ap_c_b, "visual.attnpool.c_proj.bias", m->ap_c_w.shape[0], -1, 1)
#undef RSE__AP
    E = m->ap_c_w.shape[0];
    m->embed_dim = E;
    m->ap_heads = o->vision_heads > 0 ? o->vision_heads : C / 64;
    if (m->ap_heads < 1 || C % m->ap_heads)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "CLIP checkpoint: attention pool width %d does not split into %d heads", C, m->ap_heads);
    /* The grid: the stem and three strided stages divide by 32. */
    for (k = 1; k * k < m->ap_pos.shape[0] - 1; k++) {}
    if (k * k != m->ap_pos.shape[0] - 1)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "CLIP checkpoint: attnpool positional embedding has %d rows, not 1 + a square",
                         m->ap_pos.shape[0]);
    m->v_grid = k;
    m->image_size = 32 * k;
    m->v_patch = 32;
    m->vis.width = C;
    return RSE_STATUS_OK;
}

/* y = relu(x): in place for inference, else a product with its mask. */
RSE__FN rse__tensor *rse__rn_relu(rse__tape *t, rse__tensor *x) {
    rse__tensor *mask;
    size_t i;
    if (!x) return 0;
    if (t->no_grad || !x->requires_grad) {
        for (i = 0; i < x->n; i++) if (!(x->data[i] > 0)) x->data[i] = 0;
        return x;
    }
    if (!(mask = rse__tensor_new(t, x->nd, x->shape))) return 0;
    for (i = 0; i < x->n; i++) mask->data[i] = x->data[i] > 0 ? 1.0f : 0.0f;
    return rse__mul(t, x, mask);
}

/* AvgPool2d(k) (stride k, no padding) as a depthwise convolution. */
RSE__FN rse__tensor *rse__rn_avgpool(rse__tape *t, rse__tensor *x, int k) {
    rse__tensor *w;
    size_t i;
    if (!x || k == 1) return x;
    if (!(w = rse__new4(t, 4, x->shape[1], 1, k, k))) return 0;
    for (i = 0; i < w->n; i++) w->data[i] = 1.0f / (float)(k * k);
    return rse__conv2d(t, x, w, 0, k, 0, x->shape[1]);
}

RSE__FN rse__tensor *rse__rn_convf(rse__tape *t, rse__tensor *x, rse__rn_conv *c, int relu) {
    rse__tensor *y = rse__conv2d(t, x, &c->w, &c->b, c->stride, c->pad, 1);
    return relu ? rse__rn_relu(t, y) : y;
}

/* x (N,3,H,W) normalised -> (N,E). H and W must give the checkpoint's
   attention-pool grid (224 for RN50): its positions are not resized. */
RSE__FN rse__tensor *rse__clip_rn(rse_clip *m, rse__tape *t, rse__tensor *x) {
    rse__tensor *h, *id, *tok, *mean, *pos, *q, *k, *v, *o, *ones;
    rse__tensor *aw[8];
    rse__cw *ws[8];
    int i, N, C, S, H = m->ap_heads, sh[4], perm3[3] = { 0, 2, 1 }, perm4[4] = { 0, 2, 1, 3 };
    if (!x) return 0;
    h = rse__rn_convf(t, x, &m->rn_stem[0], 1);
    h = rse__rn_convf(t, h, &m->rn_stem[1], 1);
    h = rse__rn_avgpool(t, rse__rn_convf(t, h, &m->rn_stem[2], 1), 2);
    for (i = 0; i < m->rn_nblk && h; i++) {
        rse__rn_bottleneck *b = &m->rn_blk[i];
        id = b->has_down ? rse__rn_convf(t, rse__rn_avgpool(t, h, b->stride), &b->down, 0) : h;
        h = rse__rn_convf(t, h, &b->c1, 1);
        h = rse__rn_avgpool(t, rse__rn_convf(t, h, &b->c2, 1), b->stride);
        h = rse__rn_relu(t, rse__add(t, rse__rn_convf(t, h, &b->c3, 0), id));
    }
    if (!h) return 0;
    N = h->shape[0]; C = h->shape[1]; S = h->shape[2] * h->shape[3];
    if (S + 1 != m->ap_pos.shape[0]) {
        rse__fail(RSE_STATUS_BAD_ARG, "CLIP ResNet: input gives a %dx%d map, the attention pool needs %d positions (use %dx%d input)",
                  h->shape[2], h->shape[3], m->ap_pos.shape[0] - 1, m->image_size, m->image_size);
        return rse__tape_fail(t, RSE_STATUS_BAD_ARG);
    }
    /* tokens (N,S,C); their mean = (N,C,S) . ones(S,1)/S, prepended. */
    sh[0] = N; sh[1] = C; sh[2] = S;
    h = rse__reshape(t, h, 3, sh);
    if (!(ones = rse__new4(t, 2, S, 1, 0, 0))) return 0;
    for (i = 0; i < S; i++) ones->data[i] = 1.0f / (float)S;
    mean = rse__permute(t, rse__matmul(t, h, ones), perm3);      /* (N,1,C) */
    tok = rse__concat(t, mean, rse__permute(t, h, perm3), 1);    /* (N,1+S,C) */
    if (!(pos = rse__tensor_wrap(t, m->ap_pos.f32, 2, m->ap_pos.shape))) return 0;
    tok = rse__add(t, tok, pos);
    ws[0] = &m->ap_q_w; ws[1] = &m->ap_q_b; ws[2] = &m->ap_k_w; ws[3] = &m->ap_k_b;
    ws[4] = &m->ap_v_w; ws[5] = &m->ap_v_b; ws[6] = &m->ap_c_w; ws[7] = &m->ap_c_b;
    if (rse__clip_stage(m, ws, 8, t, aw)) return 0;
    q = rse__linear(t, rse__slice(t, tok, 1, 0, 1), aw[0], aw[1]);  /* (N,1,C) */
    k = rse__linear(t, tok, aw[2], aw[3]);                           /* (N,1+S,C) */
    v = rse__linear(t, tok, aw[4], aw[5]);
    sh[0] = N; sh[1] = 1; sh[2] = H; sh[3] = C / H;
    q = rse__permute(t, rse__reshape(t, q, 4, sh), perm4);           /* (N,H,1,d) */
    sh[1] = S + 1;
    k = rse__permute(t, rse__reshape(t, k, 4, sh), perm4);
    v = rse__permute(t, rse__reshape(t, v, 4, sh), perm4);
    o = rse__permute(t, rse__sdpa(t, q, k, v, 0), perm4);            /* (N,1,H,d) */
    sh[1] = C;
    return rse__linear(t, rse__reshape(t, o, 2, sh), aw[6], aw[7]);  /* (N,E) */
}

/* ---------------------------------------------------------------------------
   Loading
   ------------------------------------------------------------------------- */

RSEDEF void rse_clip_options_init(rse_clip_options *o) {
    memset(o, 0, sizeof *o);
    o->act = RSE_CLIP_ACT_QUICKGELU;
}

RSE__FN rse_status rse__clip_build(rse_clip *m, const rse_clip_options *o) {
    rse_status st;
    size_t stage = 0, need;
    rse__cw *ws[4], scale;
    int W, E, Wt, k;
    m->act = o->act;
    m->fp32 = o->fp32;
    if (o->act != RSE_CLIP_ACT_QUICKGELU && o->act != RSE_CLIP_ACT_GELU)
        return rse__fail(RSE_STATUS_BAD_ARG, "CLIP: unknown activation %d", o->act);
    rse__arena_init(&m->arena, 0, 0);
    rse__arena_init(&m->work, 0, 0);
    rse__arena_init(&m->scratch, 0, 0);
    m->resnet = rse__ckpt_find(&m->ckpt, "visual.layer1.0.conv1.weight") != 0;
    /* Text tower and joint space (both kinds of image tower share them). */
    if ((st = rse__cw_bind(m, &m->tok_emb, "token_embedding.weight", 2, -1, -1, -1, -1, 1))) return st;
    m->vocab = m->tok_emb.shape[0];
    Wt = m->tok_emb.shape[1];
    if ((st = rse__cw_bind(m, &m->tpos, "positional_embedding", 2, -1, Wt, -1, -1, 0))) return st;
    m->ctx = m->tpos.shape[0];
    if ((st = rse__cw_bind(m, &m->ln_f_w, "ln_final.weight", 1, Wt, -1, -1, -1, 0))) return st;
    if ((st = rse__cw_bind(m, &m->ln_f_b, "ln_final.bias", 1, Wt, -1, -1, -1, 0))) return st;
    if ((st = rse__cw_bind(m, &m->tproj, "text_projection", 2, Wt, -1, -1, -1, 1))) return st;
    E = m->tproj.shape[1];
    if ((st = rse__cw_bind(m, &scale, "logit_scale", 1, 1, -1, -1, -1, 0))) return st;
    m->logit_scale = scale.f32[0];
    if ((st = rse__clip_bind_tower(m, &m->txt, "transformer", Wt, o->text_heads, &stage))) return st;
    ws[0] = &m->tproj;
    if ((need = rse__cw_lazy(ws, 1)) > stage) stage = need;
    if (m->resnet) {
        if ((st = rse__rn_bind(m, o))) return st;
        if (m->embed_dim != E)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "CLIP checkpoint: image features %d wide, text features %d", m->embed_dim, E);
    } else {
        if ((st = rse__cw_bind(m, &m->conv1, "visual.conv1.weight", 4, -1, 3, -1, -1, 1))) return st;
        W = m->conv1.shape[0];
        m->v_patch = m->conv1.shape[2];
        if (m->conv1.shape[3] != m->v_patch)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "CLIP checkpoint: visual.conv1 kernel is not square");
        if ((st = rse__cw_bind(m, &m->cls, "visual.class_embedding", 1, W, -1, -1, -1, 0))) return st;
        if ((st = rse__cw_bind(m, &m->vpos, "visual.positional_embedding", 2, -1, W, -1, -1, 0))) return st;
        for (k = 1; k * k < m->vpos.shape[0] - 1; k++) {}
        if (k * k != m->vpos.shape[0] - 1)
            return rse__fail(RSE_STATUS_BAD_FORMAT, "CLIP checkpoint: visual.positional_embedding has %d rows, not 1 + a square",
                             m->vpos.shape[0]);
        m->v_grid = k;
        m->image_size = k * m->v_patch;
        if ((st = rse__cw_bind(m, &m->ln_pre_w, "visual.ln_pre.weight", 1, W, -1, -1, -1, 0))) return st;
        if ((st = rse__cw_bind(m, &m->ln_pre_b, "visual.ln_pre.bias", 1, W, -1, -1, -1, 0))) return st;
        if ((st = rse__cw_bind(m, &m->ln_post_w, "visual.ln_post.weight", 1, W, -1, -1, -1, 0))) return st;
        if ((st = rse__cw_bind(m, &m->ln_post_b, "visual.ln_post.bias", 1, W, -1, -1, -1, 0))) return st;
        if ((st = rse__cw_bind(m, &m->vproj, "visual.proj", 2, W, E, -1, -1, 1))) return st;
        if ((st = rse__clip_bind_tower(m, &m->vis, "visual.transformer", W, o->vision_heads, &stage))) return st;
        ws[0] = &m->conv1; ws[1] = &m->vproj;
        if ((need = rse__cw_lazy(ws, 1)) > stage) stage = need;
        if ((need = rse__cw_lazy(ws + 1, 1)) > stage) stage = need;
        m->embed_dim = E;
    }
    m->stage_cap = stage;
    if (stage) {
        m->stage = (float *)rse__arena_alloc(&m->arena, stage * sizeof(float));
        if (!m->stage) return rse__fail(RSE_STATUS_NOMEM, "CLIP: out of memory for a %zu-float conversion buffer", stage);
    }
    return RSE_STATUS_OK;
}

RSEDEF void rse_clip_free(rse_clip *m) {
    if (!m) return;
    rse__arena_free(&m->arena);
    rse__arena_free(&m->work);
    rse__arena_free(&m->scratch);
    rse__ckpt_free(&m->ckpt);
    RSE_FREE(m->file);
    RSE_FREE(m);
}

RSEDEF rse_status rse_clip_load_mem(rse_clip **out, const void *buf, size_t len, const rse_clip_options *opt) {
    rse_clip_options def;
    rse_clip *m;
    rse_status st;
    *out = 0;
    if (!opt) { rse_clip_options_init(&def); opt = &def; }
    m = (rse_clip *)RSE_MALLOC(sizeof *m);
    if (!m) return rse__fail(RSE_STATUS_NOMEM, "CLIP: out of memory");
    memset(m, 0, sizeof *m);
    if ((st = rse__ckpt_load_mem(&m->ckpt, buf, len, 0, "CLIP checkpoint"))) { RSE_FREE(m); return st; }
    if ((st = rse__clip_build(m, opt))) { rse_clip_free(m); return st; }
    *out = m;
    return RSE_STATUS_OK;
}

RSEDEF void rse_clip_get_info(const rse_clip *m, rse_clip_info *info) {
    memset(info, 0, sizeof *info);
    info->embed_dim = m->embed_dim;
    info->image_size = m->image_size;
    info->patch = m->v_patch;
    info->resnet = m->resnet;
    info->vision_width = m->vis.width;
    info->vision_layers = m->resnet ? m->rn_nblk : m->vis.layers;
    info->text_width = m->txt.width;
    info->text_layers = m->txt.layers;
    info->context = m->ctx;
    info->act = m->act;
    info->logit_scale = m->logit_scale;
}

/* Every call starts from empty working arenas (blocks kept: after the
   first call of a given size, no more mallocs). */
RSE__FN void rse__clip_begin(rse_clip *m, rse__tape *t) {
    rse__arena_reset(&m->work);
    rse__arena_reset(&m->scratch);
    rse__tape_init(t, &m->work, &m->scratch);
}

/* ---------------------------------------------------------------------------
   Encoding
   ------------------------------------------------------------------------- */

/* x (n,3,h,w) normalised -> out (n,E) unnormalised features. trace: see
   rse__clip_vit (ViT only). */
RSE__FN rse_status rse__clip_encode_image(rse_clip *m, const float *x, int n, int h, int w, float *out, float *trace) {
    rse__tape t, *tp[RSE__CLIP_MAX_LAYERS + 2];
    rse__tensor *xi, *f;
    int i;
    if (n < 1 || h < 1 || w < 1) return rse__fail(RSE_STATUS_BAD_ARG, "CLIP image: bad size %dx%dx%d", n, h, w);
    rse__clip_begin(m, &t);
    t.no_grad = 1;
    for (i = 0; i < RSE__CLIP_MAX_LAYERS + 2; i++) tp[i] = &t;
    if (!(xi = rse__new4(&t, 4, n, 3, h, w))) return t.status;
    memcpy(xi->data, x, xi->n * sizeof(float));
    f = m->resnet ? rse__clip_rn(m, &t, xi) : rse__clip_vit(m, tp, 0, xi, 0, trace);
    if (!f) return t.status ? t.status : RSE_STATUS_INTERNAL;
    memcpy(out, f->data, (size_t)n * m->embed_dim * sizeof(float));
    return RSE_STATUS_OK;
}

RSEDEF rse_status rse_clip_encode_image(rse_clip *m, const float *x, int n, int h, int w, float *out) {
    return rse__clip_encode_image(m, x, n, h, w, out, 0);
}

/* One text of RSE_CLIP_CTX ids. Only the tokens up to the end of text are
   run: under the causal mask later ones cannot change it (exact). */
RSE__FN rse_status rse__clip_text_one(rse_clip *m, rse__tape *t, const int32_t *ids, float *out) {
    rse__cw *ws[3];
    rse__tensor *x, *sw[3];
    int eot = 0, i, L, Wt = m->txt.width, sh[2];
    for (i = 1; i < RSE_CLIP_CTX; i++) if (ids[i] > ids[eot]) eot = i;
    L = eot + 1;
    if (L > m->ctx) return rse__fail(RSE_STATUS_BAD_ARG, "CLIP text: end of text at position %d, the model's context is %d", eot, m->ctx);
    for (i = 0; i < L; i++)
        if (ids[i] < 0 || ids[i] >= m->vocab)
            return rse__fail(RSE_STATUS_BAD_ARG, "CLIP text: token id %d outside the vocabulary of %d", (int)ids[i], m->vocab);
    if (!(x = rse__new4(t, 3, 1, L, Wt, 0))) return t->status;
    for (i = 0; i < L; i++) {
        float *row = x->data + (size_t)i * Wt;
        const float *p = m->tpos.f32 + (size_t)i * Wt;
        int c;
        if (m->tok_emb.f32) memcpy(row, m->tok_emb.f32 + (size_t)ids[i] * Wt, (size_t)Wt * sizeof(float));
        else rse__cw_convert(&m->tok_emb, (size_t)ids[i] * Wt, (size_t)Wt, row);
        for (c = 0; c < Wt; c++) row[c] += p[c];
    }
    x = rse__clip_tower_infer(m, t, &m->txt, x, 1, 0);
    ws[0] = &m->ln_f_w; ws[1] = &m->ln_f_b; ws[2] = &m->tproj;
    if (!x || rse__clip_stage(m, ws, 3, t, sw)) return t->status;
    sh[0] = 1; sh[1] = Wt;
    x = rse__reshape(t, rse__slice(t, x, 1, eot, 1), 2, sh);
    x = rse__matmul(t, rse__layernorm(t, x, sw[0], sw[1], RSE__CLIP_LN_EPS), sw[2]);
    if (!x) return t->status;
    memcpy(out, x->data, (size_t)m->embed_dim * sizeof(float));
    return RSE_STATUS_OK;
}

RSEDEF rse_status rse_clip_encode_text(rse_clip *m, const int32_t *ids, int n, float *out) {
    rse__tape t;
    int j;
    rse__clip_begin(m, &t);
    t.no_grad = 1;
    for (j = 0; j < n; j++) {
        rse_arena_mark mk = rse__arena_get_mark(&m->work);
        rse_status st = rse__clip_text_one(m, &t, ids + (size_t)j * RSE_CLIP_CTX, out + (size_t)j * m->embed_dim);
        if (st) return st;
        rse__arena_release(&m->work, mk);
    }
    return RSE_STATUS_OK;
}

/* cos(a, b) over dim values, in double. */
RSE__FN double rse__clip_cos(const float *a, const float *b, int dim) {
    double d = 0, na = 0, nb = 0;
    int i;
    for (i = 0; i < dim; i++) { d += (double)a[i] * b[i]; na += (double)a[i] * a[i]; nb += (double)b[i] * b[i]; }
    if (na <= 0 || nb <= 0) return 0;
    return d / (sqrt(na) * sqrt(nb));
}

/* CLIP score as the seed paper reports it: 100 * max(cos, 0) (w = 1 in
   Hessel et al.'s CLIP-S = w * max(cos, 0), times 100; no prompt prefix). */
RSEDEF double rse_clip_score(const float *image_emb, const float *text_emb, int dim) {
    double c = rse__clip_cos(image_emb, text_emb, dim);
    return 100.0 * (c > 0 ? c : 0);
}

/* ---------------------------------------------------------------------------
   Tokenizer, public face
   ------------------------------------------------------------------------- */

RSEDEF rse_status rse_clip_vocab_load_mem(rse_clip_vocab **out, const void *buf, size_t len) {
    rse_clip_vocab *v = (rse_clip_vocab *)RSE_MALLOC(sizeof *v);
    rse_status st;
    *out = 0;
    if (!v) return rse__fail(RSE_STATUS_NOMEM, "vocab: out of memory");
    if ((st = rse__bpe_load_mem(&v->bpe, buf, len))) { RSE_FREE(v); return st; }
    *out = v;
    return RSE_STATUS_OK;
}

RSEDEF void rse_clip_vocab_free(rse_clip_vocab *v) {
    if (!v) return;
    rse__bpe_free(&v->bpe);
    RSE_FREE(v);
}

RSEDEF rse_status rse_clip_tokenize(const rse_clip_vocab *v, const char *text, int32_t ids[RSE_CLIP_CONTEXT], int *n) {
    return rse__bpe_encode(&v->bpe, text, strlen(text), ids, n);
}

/* A prompt for guidance, scoring or embedding: as rse_clip_tokenize, but a
   text longer than CLIP's context is an error naming it (open_clip would
   cut it and the edit would follow only its first 75 tokens). */
RSE__FN rse_status rse__clip_tokenize_prompt(const rse_clip_vocab *v, const char *text, int32_t ids[RSE_CLIP_CONTEXT]) {
    char head[48];
    size_t len = strlen(text), k = len < 40 ? len : 40;
    int cut = 0;
    rse_status st = rse__bpe_encode_cut(&v->bpe, text, len, ids, 0, &cut);
    if (st != RSE_STATUS_OK || !cut) return st;
    /* Name the prompt by its first 40 bytes, not splitting a UTF-8 character. */
    while (k < len && k > 0 && ((unsigned char)text[k] & 0xC0) == 0x80) k--;
    memcpy(head, text, k);
    memcpy(head + k, k < len ? "..." : "", k < len ? 4 : 1);
    return rse__fail(RSE_STATUS_LIMIT, "prompt \"%s\" is longer than CLIP's %d tokens (75 between start and end): shorten it",
                     head, RSE_CLIP_CONTEXT);
}

/* ---------------------------------------------------------------------------
   Preprocessing for the CLIP score: open_clip's eval transform, bit-exact
     Resize(S, BICUBIC) on a PIL image -> CenterCrop(S) -> ToTensor ->
     Normalize(mean, std)
   Pillow's bicubic on 8-bit images (Resample.c): separable, horizontal pass
   first; Keys' cubic with a = -0.5 stretched by the scale when shrinking
   (antialiasing); each output's taps are normalised to sum 1, rounded to
   22-bit fixed point, accumulated from 1 << 21 in integers and clipped to
   0..255 after EACH pass. Doing exactly that gives the same bytes as PIL.
   ------------------------------------------------------------------------- */

#define RSE__PIL_BITS 22

RSE__FN double rse__pil_bicubic(double x) {
    const double a = -0.5;
    if (x < 0) x = -x;
    if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
    return 0;
}

/* Taps of one axis: for output o, inputs bounds[2o] .. +bounds[2o+1] with
   fixed-point weights k[o*ksize ..]. Returns ksize, 0 on allocation failure. */
RSE__FN int rse__pil_coeffs(int in, int out, int **bounds, int **kk) {
    double scale = (double)in / out, fs = scale < 1 ? 1 : scale, support = 2.0 * fs, *pre;
    int ksize = (int)ceil(support) * 2 + 1, o, x;
    *bounds = (int *)RSE_MALLOC((size_t)out * 2 * sizeof(int));
    *kk = (int *)RSE_MALLOC((size_t)out * ksize * sizeof(int));
    pre = (double *)RSE_MALLOC((size_t)ksize * sizeof(double));
    if (!*bounds || !*kk || !pre) { RSE_FREE(pre); return 0; }
    for (o = 0; o < out; o++) {
        double center = (o + 0.5) * scale, ww = 0, ss = 1.0 / fs;
        int xmin = (int)(center - support + 0.5), xmax = (int)(center + support + 0.5);
        if (xmin < 0) xmin = 0;
        if (xmax > in) xmax = in;
        xmax -= xmin;
        for (x = 0; x < xmax; x++) { pre[x] = rse__pil_bicubic((x + xmin - center + 0.5) * ss); ww += pre[x]; }
        for (x = 0; x < ksize; x++) {
            double w = x < xmax ? (ww != 0 ? pre[x] / ww : pre[x]) : 0;
            (*kk)[o * ksize + x] = (int)(w < 0 ? -0.5 + w * (1 << RSE__PIL_BITS) : 0.5 + w * (1 << RSE__PIL_BITS));
        }
        (*bounds)[2 * o] = xmin;
        (*bounds)[2 * o + 1] = xmax;
    }
    RSE_FREE(pre);
    return ksize;
}

RSE__FN unsigned char rse__pil_clip8(int v) {
    v >>= RSE__PIL_BITS; /* arithmetic for negatives: they clip to 0 below */
    return (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* Resizes interleaved RGB bytes in (w,h) to out (ow,oh) as PIL does. */
RSE__FN rse_status rse__pil_resize_rgb(const unsigned char *in, int w, int h, unsigned char *out, int ow, int oh) {
    int *bh = 0, *kh = 0, *bv = 0, *kv = 0, ksh, ksv, x, y, c, i;
    unsigned char *tmp = 0;
    rse_status st = RSE_STATUS_OK;
    ksh = rse__pil_coeffs(w, ow, &bh, &kh);
    ksv = rse__pil_coeffs(h, oh, &bv, &kv);
    tmp = (unsigned char *)RSE_MALLOC((size_t)ow * h * 3);
    if (!ksh || !ksv || !tmp) { st = rse__fail(RSE_STATUS_NOMEM, "resize: out of memory"); goto done; }
    /* Horizontal pass (skipped by PIL when the width is unchanged). */
    for (y = 0; y < h; y++)
        for (x = 0; x < ow; x++)
            for (c = 0; c < 3; c++) {
                int acc = 1 << (RSE__PIL_BITS - 1);
                if (ow == w) { tmp[((size_t)y * ow + x) * 3 + c] = in[((size_t)y * w + x) * 3 + c]; continue; }
                for (i = 0; i < bh[2 * x + 1]; i++) acc += in[((size_t)y * w + bh[2 * x] + i) * 3 + c] * kh[x * ksh + i];
                tmp[((size_t)y * ow + x) * 3 + c] = rse__pil_clip8(acc);
            }
    for (y = 0; y < oh; y++)
        for (x = 0; x < ow; x++)
            for (c = 0; c < 3; c++) {
                int acc = 1 << (RSE__PIL_BITS - 1);
                if (oh == h) { out[((size_t)y * ow + x) * 3 + c] = tmp[((size_t)y * ow + x) * 3 + c]; continue; }
                for (i = 0; i < bv[2 * y + 1]; i++) acc += tmp[((size_t)(bv[2 * y] + i) * ow + x) * 3 + c] * kv[y * ksv + i];
                out[((size_t)y * ow + x) * 3 + c] = rse__pil_clip8(acc);
            }
done:
    RSE_FREE(bh); RSE_FREE(kh); RSE_FREE(bv); RSE_FREE(kv); RSE_FREE(tmp);
    return st;
}

/* Python's round() of a non-negative half-integer or integer x/2 (ties to
   even), for the centre crop's offsets. */
RSE__FN int rse__round_half_even_div2(int x) {
    int q = x / 2;
    if (x % 2 == 0) return q;
    return (q % 2 == 0) ? q : q + 1;
}

/* The eval transform of img (values in [0,1], 8-bit levels expected) to
   out (3,S,S). resized (optional) receives the bytes after Resize, HWC,
   *rw x *rh. */
RSE__FN rse_status rse__clip_preprocess(const rse_image *img, int S, float *out, unsigned char **resized, int *rw, int *rh) {
    unsigned char *u8 = 0, *rs = 0;
    int w = img->w, h = img->h, ow, oh, x, y, c, top, left;
    size_t np, i;
    rse_status st = RSE_STATUS_OK;
    if (S < 1 || !img->data || (img->c != 1 && img->c != 3) || w < 1 || h < 1)
        return rse__fail(RSE_STATUS_BAD_ARG, "CLIP preprocess: need a 1- or 3-channel image and a positive size");
    /* torchvision: the short side becomes S, the long side int(S*long/short) */
    if (w <= h) { ow = S; oh = (int)((double)S * h / w); }
    else { oh = S; ow = (int)((double)S * w / h); }
    np = (size_t)w * h;
    u8 = (unsigned char *)RSE_MALLOC(np * 3);
    rs = (unsigned char *)RSE_MALLOC((size_t)ow * oh * 3);
    if (!u8 || !rs) { st = rse__fail(RSE_STATUS_NOMEM, "CLIP preprocess: out of memory"); goto done; }
    for (i = 0; i < np; i++)
        for (c = 0; c < 3; c++) {
            float v = img->data[(size_t)(img->c == 3 ? c : 0) * np + i] * 255.0f;
            u8[i * 3 + c] = (unsigned char)(v <= 0 ? 0 : v >= 255 ? 255 : (int)(v + 0.5f));
        }
    if (ow == w && oh == h) memcpy(rs, u8, np * 3);
    else if ((st = rse__pil_resize_rgb(u8, w, h, rs, ow, oh))) goto done;
    top = rse__round_half_even_div2(oh - S);
    left = rse__round_half_even_div2(ow - S);
    for (c = 0; c < 3; c++)
        for (y = 0; y < S; y++)
            for (x = 0; x < S; x++) {
                float v = (float)rs[((size_t)(y + top) * ow + x + left) * 3 + c] / 255.0f;
                out[((size_t)c * S + y) * S + x] = (v - rse__clip_mean[c]) / rse__clip_std[c];
            }
    if (resized) { *resized = rs; rs = 0; *rw = ow; *rh = oh; }
done:
    RSE_FREE(u8);
    RSE_FREE(rs);
    return st;
}

RSEDEF rse_status rse_clip_preprocess(const rse_image *img, int size, float *out) {
    return rse__clip_preprocess(img, size, out, 0, 0, 0);
}

/* ===========================================================================
   Input gradient
   d cos(E_img(normalise(x)), t) / d x for every view of a batch, through
   the whole image tower with its weights frozen:

     forward   x -> (x - mean[c]) / std[c] -> tower -> f (N,E)
               c_n = cos(f_n, t),  L = sum_n c_n
     backward  head tape, then each block's tape in reverse order (its
               weights staged again first), then the stem's: dL/dx.

   Because the views of a batch are independent, dL/dx_n = d c_n / d x_n:
   one pass gives every view's own gradient. The loss SinDDM minimises is
   1 - cos (times its weight), whose gradient is minus this one.
   Only what the backward needs is kept: each op's saved values (layernorm
   statistics, attention probabilities) and the activations the recorded
   nodes point to; no weight gradient buffer is ever allocated.
   ========================================================================= */

/* Backward of one segment tape whose output y already has its gradient
   (accumulated by the later segments). rse__backward_seed adds its seed to
   y->grad, so the accumulated gradient is handed over as the seed. */
RSE__FN rse_status rse__clip_seg_backward(rse__tape *t, rse__tensor *y) {
    float *g = y->grad;
    if (!g) return RSE_STATUS_OK; /* nothing flowed back */
    y->grad = 0;
    return rse__backward_seed(t, y, g);
}

/* RSE__GRAD_BF16: the linear layers' and attention's products in bfloat16,
   forward and back (tensor.h 7.9: by the AVX512_BF16 kernel where
   rse__bf16_native(), else emulated): a guided edit's default where the
   CPU has the kernel, since a direction is all the edit takes from the
   gradient (cosine >= 0.999 with float's, tests/test_bf16.c). The stem's
   convolution, the head's projection and a ResNet's convolutions stay
   float. Scores and embeddings never take it. */
enum { RSE__GRAD_NORMALISE = 1, RSE__GRAD_BF16 = 2 };

/* x (n,3,h,w): pixel values in [0,1] with RSE__GRAD_NORMALISE (CLIP's
   mean/std applied inside, as the guidance does), else already normalised.
   text: one embedding (E), normalised or not. Outputs: cos_out (n), may be
   NULL; grad (n,3,h,w) = d cos_n / d x_n. ViT and ResNet towers. */
RSE__FN rse_status rse__clip_image_grad_batch(rse_clip *m, const float *x, int n, int h, int w, int flags,
                                              const float *text, float *cos_out, float *grad) {
    rse__tape tapes[RSE__CLIP_MAX_LAYERS + 2], *tp[RSE__CLIP_MAX_LAYERS + 2];
    rse__tensor *outs[RSE__CLIP_MAX_LAYERS + 1], *xi, *xn, *f, *tt, *c, *loss;
    rse__cw *ws[3];
    int i, nl, E = m->embed_dim;
    rse_status st;
    if (n < 1 || h < 1 || w < 1) return rse__fail(RSE_STATUS_BAD_ARG, "CLIP gradient: bad size %dx%dx%d", n, h, w);
    nl = m->resnet ? 0 : m->vis.layers;
    rse__clip_begin(m, &tapes[0]);
    for (i = 0; i < nl + 2; i++) {
        rse__tape_init(&tapes[i], &m->work, &m->scratch);
        tapes[i].bf16 = (flags & RSE__GRAD_BF16) != 0;
        tp[i] = &tapes[i];
    }
    if (!(xi = rse__new4(tp[0], 4, n, 3, h, w))) return tp[0]->status;
    memcpy(xi->data, x, xi->n * sizeof(float));
    xi->requires_grad = 1;
    xn = xi;
    if (flags & RSE__GRAD_NORMALISE) {
        rse__tensor *mu = rse__new4(tp[0], 3, 3, 1, 1, 0), *is = rse__new4(tp[0], 3, 3, 1, 1, 0);
        if (!mu || !is) return tp[0]->status;
        for (i = 0; i < 3; i++) { mu->data[i] = rse__clip_mean[i]; is->data[i] = 1.0f / rse__clip_std[i]; }
        xn = rse__mul(tp[0], rse__sub(tp[0], xi, mu), is);
    }
    if (m->resnet) {
        /* One tape: a ResNet's weights are resident (folded at load), so
           there is nothing to stage between segments. tp[1] is the head. */
        tp[1] = tp[0];
        f = rse__clip_rn(m, tp[0], xn);
    } else {
        f = rse__clip_vit(m, tp, 1, xn, outs, 0);
    }
    {
        rse__tape *th = tp[nl + 1];
        if (!(tt = rse__new4(th, 2, 1, E, 0, 0))) return th->status;
        memcpy(tt->data, text, (size_t)E * sizeof(float));
        c = rse__cosine(th, f, tt);
        loss = rse__sum(th, c);
        if (!loss) {
            for (i = 0; i < nl + 2; i++) if (tapes[i].status) return tapes[i].status;
            return RSE_STATUS_INTERNAL;
        }
        if (m->resnet) {
            if ((st = rse__backward(th, loss))) return st;
            goto done;
        }
        /* The head: its one lazy weight (the projection) is staged again. */
        ws[0] = &m->ln_post_w; ws[1] = &m->ln_post_b; ws[2] = &m->vproj;
        rse__clip_stage(m, ws, 3, th, 0);
        if ((st = rse__backward(th, loss))) return st;
    }
    for (i = nl - 1; i >= 0; i--) {
        rse__clip_stage_block(m, &m->vis.blk[i], tp[1 + i], 0);
        if ((st = rse__clip_seg_backward(tp[1 + i], outs[1 + i]))) return st;
    }
    ws[0] = &m->conv1; ws[1] = &m->ln_pre_w; ws[2] = &m->ln_pre_b;
    rse__clip_stage(m, ws, 3, tp[0], 0);
    if ((st = rse__clip_seg_backward(tp[0], outs[0]))) return st;
done:
    if (xi->grad) memcpy(grad, xi->grad, xi->n * sizeof(float));
    else memset(grad, 0, xi->n * sizeof(float));
    if (cos_out) memcpy(cos_out, c->data, (size_t)n * sizeof(float));
    return RSE_STATUS_OK;
}

/* Working memory (activations and tapes, m->work and m->scratch) that one
   micro-batch of views may take. All n views at once held every view's
   activations together: 16 views of 224x224 through ViT-B-32 took 1.2 GB of
   the 2.1 GB an edit peaked at (75 MB a view, issue 25). Views are
   independent (the loss is a sum over them and each view's gradient depends
   on itself alone), so a batch of views gives each view the same gradient as
   the whole, bit for bit: every kernel computes a view's rows from that
   view's rows only, in an order that does not depend on the batch
   (tests/test_clip_model.c, test_grad_batches). 384 MB is 4 ViT-B-32 views
   (200 matrix rows) and keeps its 16-view edit under 0.9 GiB; each batch
   stages and packs the weights again, and the edit's CPU time stayed as it
   was (BENCH.md, 7 Dec 2026). A ViT-L-14 view (1.1 GB) runs alone. */
#define RSE__CLIP_GRAD_BUDGET ((size_t)384 << 20)

/* How many of n views of h x w the input gradient runs at once: the first
   call at a size runs one view alone to measure what a view costs; after
   that batches are sized to the budget, at least one view each. */
RSE__FN int rse__clip_grad_batch_views(const rse_clip *m, int h, int w, int n) {
    int k = 1;
    if (m->grad_chunk > 0) k = m->grad_chunk;
    else if (m->gv_bytes && m->gv_h == h && m->gv_w == w) {
        size_t fit = RSE__CLIP_GRAD_BUDGET / m->gv_bytes;
        k = fit < 1 ? 1 : fit > (size_t)n ? n : (int)fit;
    }
    return k < n ? k : n;
}

/* The input gradient in micro-batches of views (above). */
RSE__FN rse_status rse__clip_image_grad(rse_clip *m, const float *x, int n, int h, int w, int flags,
                                        const float *text, float *cos_out, float *grad) {
    size_t per, at;
    int done = 0, k;
    rse_status st;
    if (n < 1 || h < 1 || w < 1) return rse__fail(RSE_STATUS_BAD_ARG, "CLIP gradient: bad size %dx%dx%d", n, h, w);
    per = 3 * (size_t)h * (size_t)w; /* n * per floats exist: the caller holds x */
    while (done < n) {
        k = rse__clip_grad_batch_views(m, h, w, n - done);
        at = (size_t)done * per;
        st = rse__clip_image_grad_batch(m, x + at, k, h, w, flags, text, cos_out ? cos_out + done : 0, grad + at);
        if (st) return st;
        /* What this batch held at its peak, per view: the arenas were empty
           at its start (rse__clip_begin) and nothing in it is released
           before its end but kernel scratch, whose peak is counted whole. */
        m->gv_bytes = (m->work.used + m->scratch.peak) / (size_t)k + 1;
        m->gv_h = h;
        m->gv_w = w;
        done += k;
    }
    return RSE_STATUS_OK;
}

RSEDEF rse_status rse_clip_image_grad(rse_clip *m, const float *x, int n, int h, int w,
                                      const float *text_emb, float *cos_out, float *grad) {
    return rse__clip_image_grad(m, x, n, h, w, RSE__GRAD_NORMALISE, text_emb, cos_out, grad);
}

/* ===========================================================================
   Guidance views
   The differentiable "cutouts" through which SinDDM's CLIP guidance looks at
   an image (text2live_util/clip_extractor.py, augment_input), rebuilt from
   the ops of tensor.h section 9b so the gradient flows back to the pixels.

   For an image x (1,3,H,W) in [0,1] and V views:
   - view 0: torchvision Resize(224, max_size=320) on a tensor: bilinear,
     align_corners=False, no antialiasing (torchvision 0.14 leaves antialias
     off for tensors), short side to 224 unless the long side would pass
     320; no centre crop;
   - views 1..V-1: s ~ U(0.6, 1), a RandomCrop of int(H s) x int(W s), resized
     bilinearly to view 0's size;
   - then each view, view 0 included, through the reference's `augs`:
       1. RandomHorizontalFlip(p=0.5)
       2. RandomApply([RandomAffine(degrees=15, translate=(0.1,0.1),
          bilinear, fill=True)], p=0.8)      (fill True is 1.0: white)
       3. RandomPerspective(distortion_scale=0.4, p=0.5, bilinear, fill=1)
       4. RandomApply([ColorJitter(0.1, 0.1, 0.1, 0.1)], p=0.7): the four
          adjustments in a random order, factors in [0.9,1.1], hue [-0.1,0.1]
       5. RandomGrayscale(p=0.15)
     (these are exactly the probabilities in sinddm.md 7.1; the reference's
     basic_transform, with max_size=380, is not used for guidance).
   - V == 1 gives view 0 alone with no augmentation: a deterministic view.
   The output is (V,3,h,w), still in [0,1]: CLIP normalisation is the
   tower's business.

   Randomness: torchvision's parameter formulas, fed by our counter-based
   rse__rng instead of torch's generator. View v reads draws at fixed
   positions pos + RSE__VIEW_DRAWS*v + k, whatever it ends up using, and the
   call advances the stream by RSE__VIEW_DRAWS*V: a view's parameters are a
   pure function of (seed, position, v), independent of the thread count,
   of the image content and of what the other views drew.
   ========================================================================= */

#define RSE__VIEW_SHORT 224 /* Resize(224, ...)             */
#define RSE__VIEW_MAX 320   /* ... max_size=320             */
#define RSE__VIEW_DRAWS 32  /* RNG draws reserved per view  */
#define RSE__VIEW_MAXN 4096 /* more views than this is a caller bug */

/* torchvision's _compute_resized_output_size for size=[224], max_size=320,
   in the same double arithmetic: new_long = int(224 * long / short), and if
   that exceeds 320, new_short = int(320 * new_short / new_long). Sizes are
   kept >= 1 (torchvision would fail on an image so thin that the short side
   rounds to 0). */
RSE__FN void rse__view_size(int H, int W, int *h, int *w) {
    int shrt = W <= H ? W : H, lng = W <= H ? H : W;
    int ns = RSE__VIEW_SHORT, nl;
    double l;
    if (shrt < 1) shrt = 1; /* callers pass H, W >= 1; never divide by 0 */
    l = (double)RSE__VIEW_SHORT * (double)lng / (double)shrt;
    if (l > (double)RSE__VIEW_MAX) {
        /* int(l) would not fit an int beyond 2^31; there 320*224/l < 1 anyway */
        ns = l < 1e9 ? (int)((double)RSE__VIEW_MAX * (double)ns / (double)(int)l) : 0;
        nl = RSE__VIEW_MAX;
    } else {
        nl = (int)l;
    }
    if (ns < 1) ns = 1;
    if (W <= H) { *w = ns; *h = nl; } else { *w = nl; *h = ns; }
}

/* torchvision's _get_inverse_affine_matrix (inverted=True), in double as
   Python computes it: the 2x3 matrix taking output coordinates, relative to
   the image centre, to input coordinates, for a rotation by `angle` degrees
   (counter-clockwise on screen), a translation (tx, ty), a scale and shears
   (degrees), about the centre (cx, cy) (0, 0 for tensors: the grid is
   already centred). */
RSE__FN void rse__affine_inverse_matrix(double angle, double tx, double ty, double scale,
                                        double shear_x, double shear_y, double cx, double cy, double m[6]) {
    const double deg = 3.14159265358979323846 / 180.0; /* math.radians */
    double rot = angle * deg, sx = shear_x * deg, sy = shear_y * deg;
    /* rotation-scale-shear without the scale; det([[a,b],[c,d]]) = 1 */
    double a = cos(rot - sy) / cos(sy);
    double b = -cos(rot - sy) * tan(sx) / cos(sy) - sin(rot);
    double c = sin(rot - sy) / cos(sy);
    double d = -sin(rot - sy) * tan(sx) / cos(sy) + cos(rot);
    int i;
    m[0] = d; m[1] = -b; m[2] = 0.0; m[3] = -c; m[4] = a; m[5] = 0.0;
    for (i = 0; i < 6; i++) m[i] = m[i] / scale;
    /* undo the translation and the centre, then redo the centre */
    m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
    m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
    m[2] += cx;
    m[5] += cy;
}

/* The pixel-space matrix of F_t.affine for a w x h image (output the same
   size): its grid point for output pixel (xo, yo) is (xo - (w-1)/2,
   yo - (h-1)/2); the matrix maps it, and grid_sample's un-normalisation
   with align_corners=False adds (w-1)/2, (h-1)/2 back. */
RSE__FN void rse__affine_minv(const double m[6], int w, int h, float Minv[9]) {
    double cx = 0.5 * (w - 1), cy = 0.5 * (h - 1);
    Minv[0] = (float)m[0]; Minv[1] = (float)m[1]; Minv[2] = (float)(m[2] - m[0] * cx - m[1] * cy + cx);
    Minv[3] = (float)m[3]; Minv[4] = (float)m[4]; Minv[5] = (float)(m[5] - m[3] * cx - m[4] * cy + cy);
    Minv[6] = 0.0f; Minv[7] = 0.0f; Minv[8] = 1.0f;
}

/* torchvision's _get_perspective_coeffs: the 8 coefficients (a..h) of
       x_in = (a x + b y + c) / (g x + h y + 1),  y_in = (d x + e y + f) / (g x + h y + 1)
   taking each end point (x, y) to its start point. torchvision solves the
   8x8 system with float32 least squares; we solve it exactly in double
   (Gaussian elimination with partial pivoting), which agrees with it to
   float32 rounding. Returns 0 if the system is singular (a degenerate
   quadrilateral: only possible for images 1 pixel wide or high). */
RSE__FN int rse__perspective_coeffs(const int start[4][2], const int end[4][2], double coef[8]) {
    double A[8][9], scale = 0;
    int i, j, k;
    for (i = 0; i < 4; i++) {
        double x = end[i][0], y = end[i][1], u = start[i][0], v = start[i][1];
        double r0[9], r1[9];
        r0[0] = x; r0[1] = y; r0[2] = 1; r0[3] = 0; r0[4] = 0; r0[5] = 0; r0[6] = -u * x; r0[7] = -u * y; r0[8] = u;
        r1[0] = 0; r1[1] = 0; r1[2] = 0; r1[3] = x; r1[4] = y; r1[5] = 1; r1[6] = -v * x; r1[7] = -v * y; r1[8] = v;
        memcpy(A[2 * i], r0, sizeof r0);
        memcpy(A[2 * i + 1], r1, sizeof r1);
    }
    for (i = 0; i < 8; i++) for (j = 0; j < 8; j++) if (fabs(A[i][j]) > scale) scale = fabs(A[i][j]);
    for (k = 0; k < 8; k++) {
        int piv = k;
        for (i = k + 1; i < 8; i++) if (fabs(A[i][k]) > fabs(A[piv][k])) piv = i;
        if (!(fabs(A[piv][k]) > 1e-12 * scale)) return 0;
        if (piv != k) for (j = 0; j < 9; j++) { double tmp = A[k][j]; A[k][j] = A[piv][j]; A[piv][j] = tmp; }
        for (i = k + 1; i < 8; i++) {
            double f = A[i][k] / A[k][k];
            for (j = k; j < 9; j++) A[i][j] -= f * A[k][j];
        }
    }
    for (k = 7; k >= 0; k--) {
        double s = A[k][8];
        for (j = k + 1; j < 8; j++) s -= A[k][j] * coef[j];
        coef[k] = s / A[k][k];
    }
    return 1;
}

/* The pixel-space matrix of F_t.perspective (output size = input size):
   its grid evaluates the map at (xo + 0.5, yo + 0.5), and the
   un-normalisation subtracts 0.5 again, so Minv = S(-1/2) C S(+1/2) with
   C = [[a,b,c],[d,e,f],[g,h,1]] and S(t) the shift by (t, t). */
RSE__FN void rse__perspective_minv(const double coef[8], float Minv[9]) {
    double C[9], M[9];
    int i;
    for (i = 0; i < 8; i++) C[i] = coef[i];
    C[8] = 1.0;
    for (i = 0; i < 3; i++) { /* C S(1/2): the last column gains half of the first two */
        M[3 * i] = C[3 * i];
        M[3 * i + 1] = C[3 * i + 1];
        M[3 * i + 2] = C[3 * i + 2] + 0.5 * (C[3 * i] + C[3 * i + 1]);
    }
    for (i = 0; i < 3; i++) { /* S(-1/2) M: the first two rows lose half of the last */
        Minv[i] = (float)(M[i] - 0.5 * M[6 + i]);
        Minv[3 + i] = (float)(M[3 + i] - 0.5 * M[6 + i]);
        Minv[6 + i] = (float)M[6 + i];
    }
}

/* Everything random about one view. */
typedef struct rse__view_params {
    int crop_y, crop_x, crop_h, crop_w; /* region of the input (view 0: all of it) */
    int flip;                           /* RandomHorizontalFlip fired           */
    int affine;                         /* RandomApply(RandomAffine) fired      */
    double angle;                       /*   degrees, U(-15, 15)                */
    int tx, ty;                         /*   pixels, round(U(-0.1 w, 0.1 w)) .. */
    int persp;                          /* RandomPerspective fired              */
    int start[4][2], end[4][2];         /*   corners tl, tr, br, bl as (x, y)   */
    int jitter;                         /* RandomApply(ColorJitter) fired       */
    int order[4];                       /*   0 brightness 1 contrast 2 sat 3 hue */
    float bright, contrast, sat, hue;   /*   factors                            */
    int gray;                           /* RandomGrayscale fired                */
} rse__view_params;

/* The draws of one view: a private cursor at the view's block. */
typedef struct { rse__rng r; uint64_t end; } rse__view_cursor;

RSE__FN float rse__vc_uniform(rse__view_cursor *c) {
    RSE_ASSERT(c->r.pos < c->end); /* more draws than reserved: a bug here */
    return rse__rng_uniform(&c->r);
}

/* torch.randint(lo, hi): uniform in [lo, hi), hi > lo. */
RSE__FN int rse__vc_randint(rse__view_cursor *c, int lo, int hi) {
    RSE_ASSERT(c->r.pos < c->end && hi > lo);
    return lo + (int)rse__rng_below(&c->r, (uint32_t)(hi - lo));
}

/* Draws view v's parameters for an H x W input and h x w views, reading
   the draws at rng->pos + RSE__VIEW_DRAWS * v (rng is not advanced). The
   order of the draws follows the order of the reference's calls. */
RSE__FN void rse__view_draw(const rse__rng *rng, int v, int H, int W, int h, int w, rse__view_params *p) {
    rse__view_cursor c;
    float u;
    int k;
    memset(p, 0, sizeof *p);
    c.r = *rng;
    c.r.pos = rng->pos + (uint64_t)RSE__VIEW_DRAWS * (uint64_t)v;
    c.end = c.r.pos + RSE__VIEW_DRAWS;

    /* crop: s ~ U(0.6, 1); RandomCrop(int(H s), int(W s)).get_params */
    u = rse__vc_uniform(&c);
    p->crop_y = 0; p->crop_x = 0; p->crop_h = H; p->crop_w = W;
    if (v > 0) {
        float s = 0.6f + 0.4f * u;
        p->crop_h = (int)((double)H * (double)s);
        p->crop_w = (int)((double)W * (double)s);
        if (p->crop_h < 1) p->crop_h = 1; /* torchvision would fail on a 1-pixel side */
        if (p->crop_w < 1) p->crop_w = 1;
        p->crop_y = rse__vc_randint(&c, 0, H - p->crop_h + 1);
        p->crop_x = rse__vc_randint(&c, 0, W - p->crop_w + 1);
    }
    c.r.pos = rng->pos + (uint64_t)RSE__VIEW_DRAWS * (uint64_t)v + 3; /* view 0 skips the two */

    /* RandomHorizontalFlip: flips if rand < p */
    p->flip = rse__vc_uniform(&c) < 0.5f;

    /* RandomApply(p=0.8): skipped if p < rand. RandomAffine.get_params with
       img_size = [w, h]: angle ~ U(-15, 15), tx = round(U(-0.1 w, 0.1 w))
       (Python rounds halves to even, as rint does), likewise ty. */
    u = rse__vc_uniform(&c);
    p->affine = !(0.8f < u);
    p->angle = -15.0 + 30.0 * (double)rse__vc_uniform(&c);
    {
        double mx = 0.1 * (double)w, my = 0.1 * (double)h;
        p->tx = (int)rint(-mx + 2.0 * mx * (double)rse__vc_uniform(&c));
        p->ty = (int)rint(-my + 2.0 * my * (double)rse__vc_uniform(&c));
    }

    /* RandomPerspective: fires if rand < 0.5; get_params(w, h, 0.4): each
       corner moves inwards by up to int(0.4 * (side // 2)) pixels */
    p->persp = rse__vc_uniform(&c) < 0.5f;
    {
        int dw = (int)(0.4 * (double)(w / 2)), dh = (int)(0.4 * (double)(h / 2));
        p->end[0][0] = rse__vc_randint(&c, 0, dw + 1);
        p->end[0][1] = rse__vc_randint(&c, 0, dh + 1);
        p->end[1][0] = rse__vc_randint(&c, w - dw - 1, w);
        p->end[1][1] = rse__vc_randint(&c, 0, dh + 1);
        p->end[2][0] = rse__vc_randint(&c, w - dw - 1, w);
        p->end[2][1] = rse__vc_randint(&c, h - dh - 1, h);
        p->end[3][0] = rse__vc_randint(&c, 0, dw + 1);
        p->end[3][1] = rse__vc_randint(&c, h - dh - 1, h);
        p->start[0][0] = 0;     p->start[0][1] = 0;
        p->start[1][0] = w - 1; p->start[1][1] = 0;
        p->start[2][0] = w - 1; p->start[2][1] = h - 1;
        p->start[3][0] = 0;     p->start[3][1] = h - 1;
    }

    /* RandomApply(p=0.7) of ColorJitter: randperm(4) (Fisher-Yates), then
       the four factors, brightness/contrast/saturation ~ U(0.9, 1.1) and
       hue ~ U(-0.1, 0.1), always all drawn as get_params does */
    u = rse__vc_uniform(&c);
    p->jitter = !(0.7f < u);
    for (k = 0; k < 4; k++) p->order[k] = k;
    for (k = 3; k > 0; k--) {
        int j = rse__vc_randint(&c, 0, k + 1), tmp = p->order[k];
        p->order[k] = p->order[j];
        p->order[j] = tmp;
    }
    p->bright = 0.9f + 0.2f * rse__vc_uniform(&c);
    p->contrast = 0.9f + 0.2f * rse__vc_uniform(&c);
    p->sat = 0.9f + 0.2f * rse__vc_uniform(&c);
    p->hue = -0.1f + 0.2f * rse__vc_uniform(&c);

    /* RandomGrayscale: fires if rand < 0.15 */
    p->gray = rse__vc_uniform(&c) < 0.15f;
}

/* One view (1,3,h,w) of x (1,3,H,W): crop, resize, then the augmentations
   that fired, in the reference's order. augment = 0 stops after the resize. */
RSE__FN rse__tensor *rse__view_apply(rse__tape *t, rse__tensor *x, const rse__view_params *p, int h, int w, int augment) {
    rse__tensor *y = x;
    float M[9];
    int k;
    if (!rse__live(t, x, x)) return 0;
    if (p->crop_h != x->shape[2]) y = rse__slice(t, y, 2, p->crop_y, p->crop_h);
    if (p->crop_w != x->shape[3]) y = rse__slice(t, y, 3, p->crop_x, p->crop_w);
    /* torchvision resamples even at the same size; bilinear with equal sizes
       is the identity (source = destination coordinates), so skip it */
    if (p->crop_h != h || p->crop_w != w) y = rse__resize_bilinear(t, y, h, w);
    if (!augment) return y;
    if (p->flip) y = rse__hflip(t, y);
    if (p->affine) {
        double m[6];
        rse__affine_inverse_matrix(p->angle, (double)p->tx, (double)p->ty, 1.0, 0.0, 0.0, 0.0, 0.0, m);
        rse__affine_minv(m, w, h, M);
        y = rse__warp(t, y, h, w, M, 1.0f);
    }
    if (p->persp) {
        double coef[8];
        if (rse__perspective_coeffs(p->start, p->end, coef)) {
            rse__perspective_minv(coef, M);
            y = rse__warp(t, y, h, w, M, 1.0f);
        } /* a degenerate quadrilateral (1-pixel views): left unwarped */
    }
    if (p->jitter)
        for (k = 0; k < 4; k++) {
            switch (p->order[k]) {
            case 0: y = rse__adjust_brightness(t, y, p->bright); break;
            case 1: y = rse__adjust_contrast(t, y, p->contrast); break;
            case 2: y = rse__adjust_saturation(t, y, p->sat); break;
            default: y = rse__adjust_hue(t, y, p->hue); break;
            }
        }
    if (p->gray) y = rse__rgb_to_gray(t, y);
    return y;
}

/* Stacks views[lo..hi) along the batch axis by a balanced tree of concats,
   so each value is copied log2(V) times rather than up to V times. */
RSE__FN rse__tensor *rse__view_stack(rse__tape *t, rse__tensor **views, int lo, int hi) {
    int mid;
    if (hi - lo == 1) return views[lo];
    mid = lo + (hi - lo) / 2;
    return rse__concat(t, rse__view_stack(t, views, lo, mid), rse__view_stack(t, views, mid, hi), 0);
}

/* Views lo..hi-1 of the nviews guidance views of x (1,3,H,W) in [0,1] as
   one (hi-lo,3,h,w) tensor on the tape (the gradient flows back to x), h x w
   the Resize(224, max_size=320) size of H x W. A view's parameters are the
   draws at rng->pos + RSE__VIEW_DRAWS * v, so any range of them is the same
   tensors as that range of all nviews at once; rng is not advanced. */
RSE__FN rse_status rse__clip_views_range(rse__tape *t, rse__tensor *x, int lo, int hi, int nviews, const rse__rng *rng,
                                         rse__tensor **out) {
    rse__tensor **views;
    int H, W, h, w, v;
    rse_arena_mark m;
    *out = 0;
    if (t->status != RSE_STATUS_OK) return t->status;
    if (!x || x->nd != 4 || x->shape[0] != 1 || x->shape[1] != 3 || x->shape[2] < 1 || x->shape[3] < 1)
        return rse__fail(RSE_STATUS_BAD_ARG, "clip views: the image must be (1,3,H,W) with H, W >= 1");
    if (nviews < 1 || nviews > RSE__VIEW_MAXN || !rng)
        return rse__fail(RSE_STATUS_BAD_ARG, "clip views: view count %d not in 1..%d", nviews, RSE__VIEW_MAXN);
    if (lo < 0 || hi > nviews || lo >= hi)
        return rse__fail(RSE_STATUS_BAD_ARG, "clip views: range %d..%d not inside 0..%d", lo, hi, nviews);
    H = x->shape[2]; W = x->shape[3];
    rse__view_size(H, W, &h, &w);
    m = rse__arena_get_mark(t->scratch);
    views = (rse__tensor **)rse__arena_alloc(t->scratch, (size_t)(hi - lo) * sizeof *views);
    if (!views) { rse__tape_fail(t, RSE_STATUS_NOMEM); return RSE_STATUS_NOMEM; }
    for (v = lo; v < hi; v++) {
        rse__view_params p;
        rse__view_draw(rng, v, H, W, h, w, &p);
        views[v - lo] = rse__view_apply(t, x, &p, h, w, nviews > 1);
        if (!views[v - lo]) break;
    }
    if (v == hi) *out = rse__view_stack(t, views, 0, hi - lo);
    rse__arena_release(t->scratch, m);
    if (!*out) return t->status != RSE_STATUS_OK ? t->status : RSE_STATUS_INTERNAL;
    return RSE_STATUS_OK;
}

/* All V views (V,3,h,w), as above. Advances rng by RSE__VIEW_DRAWS * V draws. */
RSE__FN rse_status rse__clip_views(rse__tape *t, rse__tensor *x, int nviews, rse__rng *rng, rse__tensor **out) {
    rse_status st = rse__clip_views_range(t, x, 0, nviews, nviews, rng, out);
    /* after a failure the caller stops: the stream's position no longer matters */
    if (st == RSE_STATUS_OK) rng->pos += (uint64_t)RSE__VIEW_DRAWS * (uint64_t)nviews;
    return st;
}
