/* clip.c - CLIP / RemoteCLIP in C: checkpoint reading, the BPE tokenizer,
   the image and text towers, and the gradient of the image-text cosine with
   respect to the input pixels.

   Included by rsedit.c after tensor.h; knows nothing of SinDDM or the CLI.
   Reads top to bottom: file formats -> tokenizer -> towers -> gradient.
*/

/* ===========================================================================
   File formats: inflate, zip, pickle subset, safetensors
   Everything here reads from memory buffers that the caller owns and treats
   every byte as hostile: each offset and size read from a file is checked
   against the buffer (with overflow-checked arithmetic) before it is used.
   Nothing here allocates with malloc except the growable inflate output and
   scratch stacks; long-lived results live in arenas.
   ========================================================================= */

/* ---------------------------------------------------------------------------
   Little-endian loads. Byte by byte, so they work at any alignment and on
   any host byte order.
   ------------------------------------------------------------------------- */

RSE__FN uint32_t rse__ff_le16(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}
RSE__FN uint32_t rse__ff_le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
RSE__FN uint64_t rse__ff_le64(const unsigned char *p) {
    return (uint64_t)rse__ff_le32(p) | (uint64_t)rse__ff_le32(p + 4) << 32;
}

/* ---------------------------------------------------------------------------
   CRC-32 (ISO-HDLC, the one zip, gzip and PNG use) and Adler-32 (zlib).
   CRC-32 is computed "slice by 8": eight 256-entry tables let the loop fold
   eight input bytes per step, about 1-2 GB/s, so verifying every entry of a
   600 MB checkpoint costs well under a second. The tables are built by the
   caller (8 KB, a few microseconds) instead of lazily into a global, which
   would be a data race when two threads load at once.
   ------------------------------------------------------------------------- */

typedef struct rse__crc32_tab { uint32_t t[8][256]; } rse__crc32_tab;

RSE__FN void rse__crc32_init(rse__crc32_tab *T) {
    uint32_t n, k, c;
    for (n = 0; n < 256; n++) {
        c = n;
        for (k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        T->t[0][n] = c;
    }
    /* t[k][n] = CRC of byte n followed by k zero bytes. */
    for (n = 0; n < 256; n++) {
        c = T->t[0][n];
        for (k = 1; k < 8; k++) { c = T->t[0][c & 0xff] ^ (c >> 8); T->t[k][n] = c; }
    }
}

/* crc is the CRC of the bytes so far (0 to start). */
RSE__FN uint32_t rse__crc32_update(const rse__crc32_tab *T, uint32_t crc, const unsigned char *p, size_t n) {
    crc = ~crc;
    while (n >= 8) {
        uint32_t a = crc ^ rse__ff_le32(p), b = rse__ff_le32(p + 4);
        crc = T->t[7][a & 0xff] ^ T->t[6][(a >> 8) & 0xff] ^ T->t[5][(a >> 16) & 0xff] ^ T->t[4][a >> 24]
            ^ T->t[3][b & 0xff] ^ T->t[2][(b >> 8) & 0xff] ^ T->t[1][(b >> 16) & 0xff] ^ T->t[0][b >> 24];
        p += 8; n -= 8;
    }
    while (n--) crc = T->t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* One-shot CRC-32 with a table on the stack. */
RSE__FN uint32_t rse__crc32(const void *p, size_t n) {
    rse__crc32_tab T;
    rse__crc32_init(&T);
    return rse__crc32_update(&T, 0, (const unsigned char *)p, n);
}

/* Adler-32, continuing from adler (1 to start). 5552 is the largest block
   length for which the sums cannot overflow 32 bits before the modulo. */
RSE__FN uint32_t rse__adler32(uint32_t adler, const unsigned char *p, size_t n) {
    uint32_t a = adler & 0xffff, b = adler >> 16;
    while (n) {
        size_t k = n < 5552 ? n : 5552;
        n -= k;
        while (k--) { a += *p++; b += a; }
        a %= 65521u; b %= 65521u;
    }
    return b << 16 | a;
}

/* ---------------------------------------------------------------------------
   Inflate (RFC 1951)
   A deflate stream is a sequence of blocks: stored (raw bytes), or Huffman
   coded with either the fixed code or a code sent at the start of the block
   (dynamic). Literals and (length, distance) back-references share one
   alphabet of 288 symbols; distances have their own of 32.

   Decoding uses a 10-bit lookup table for short codes (almost all symbols)
   and a canonical bit-at-a-time walk for the rare longer ones. Bits come
   from a 64-bit buffer refilled byte by byte; past the end of the input it
   is padded with zero bits that are counted, so reading them is reported as
   truncation rather than producing garbage.
   ------------------------------------------------------------------------- */

#define RSE__INF_FAST 10              /* bits resolved by one table lookup */
#define RSE__INF_MAXBITS 15           /* longest deflate code */

typedef struct rse__huff {
    /* fast[peek] = symbol | length << 12 for codes of <= RSE__INF_FAST bits,
       0 when the code is longer (or absent: incomplete tree). */
    uint16_t fast[1 << RSE__INF_FAST];
    uint16_t count[RSE__INF_MAXBITS + 1]; /* number of codes of each length */
    uint16_t symbol[288];                  /* symbols in canonical code order */
} rse__huff;

typedef struct rse__inflator {
    const unsigned char *in;
    size_t in_len, pos;   /* next input byte to load into the bit buffer */
    uint64_t bb;          /* bit buffer, next bit in bit 0 */
    int nb;               /* bits in bb */
    int pad;              /* how many of the top bits of bb are padding */
    unsigned char *out;   /* output so far: out[0..out_len) */
    size_t out_len, out_cap, max_out;
    int can_grow;         /* 1: out is RSE_MALLOC'ed and may be reallocated */
} rse__inflator;

static void rse__inf_refill(rse__inflator *s) {
    while (s->nb <= 56) {
        if (s->pos < s->in_len) s->bb |= (uint64_t)s->in[s->pos++] << s->nb;
        else s->pad += 8; /* zero bits beyond the end of the input */
        s->nb += 8;
    }
}

/* Drops n bits; fails if any of them was padding (the input ended). */
static int rse__inf_drop(rse__inflator *s, int n) {
    s->bb >>= n;
    s->nb -= n;
    return s->nb >= s->pad;
}

static rse_status rse__inf_truncated(void) {
    return rse__fail(RSE_STATUS_TRUNCATED, "inflate: compressed data ends early");
}

/* n <= 32 bits, least significant first. */
static rse_status rse__inf_bits(rse__inflator *s, int n, uint32_t *v) {
    if (s->nb < n) rse__inf_refill(s);
    *v = (uint32_t)(s->bb & (((uint64_t)1 << n) - 1));
    return rse__inf_drop(s, n) ? RSE_STATUS_OK : rse__inf_truncated();
}

static uint32_t rse__inf_rev(uint32_t code, int len) {
    uint32_t r = 0;
    while (len--) { r = r << 1 | (code & 1); code >>= 1; }
    return r;
}

/* Builds the decoding tables from code lengths len[0..n). An over-subscribed
   set (more codes than the bit patterns allow) is always an error. An
   incomplete set is accepted only when it is a single code of length 1
   (the RFC allows one distance code), except for the code-length code
   (complete = 1), which must be complete, as in zlib. An empty set is
   accepted here; decoding with it then fails. */
static rse_status rse__huff_build(rse__huff *h, const uint8_t *len, int n, int complete, const char *what) {
    uint16_t offs[RSE__INF_MAXBITS + 2];
    int i, l, left = 1, maxlen = 0;
    uint32_t code;
    memset(h->count, 0, sizeof h->count);
    memset(h->fast, 0, sizeof h->fast);
    for (i = 0; i < n; i++) h->count[len[i]]++;
    h->count[0] = 0;
    for (l = 1; l <= RSE__INF_MAXBITS; l++) {
        left <<= 1;
        left -= h->count[l];
        if (left < 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: over-subscribed %s code", what);
        if (h->count[l]) maxlen = l;
    }
    if (left > 0 && maxlen > 0 && (complete || maxlen != 1))
        return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: incomplete %s code", what);
    if (maxlen == 0 && complete)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: empty %s code", what);
    offs[1] = 0;
    for (l = 1; l <= RSE__INF_MAXBITS; l++) offs[l + 1] = (uint16_t)(offs[l] + h->count[l]);
    for (i = 0; i < n; i++) if (len[i]) h->symbol[offs[len[i]]++] = (uint16_t)i;
    /* Canonical codes in order: fill every fast slot whose low l bits are
       the (bit-reversed, since deflate sends codes MSB first) code. */
    code = 0;
    i = 0;
    for (l = 1; l <= RSE__INF_MAXBITS; l++) {
        int k;
        for (k = 0; k < h->count[l]; k++, i++, code++) {
            if (l <= RSE__INF_FAST) {
                uint32_t r = rse__inf_rev(code, l), step = (uint32_t)1 << l;
                for (; r < (1u << RSE__INF_FAST); r += step)
                    h->fast[r] = (uint16_t)(h->symbol[i] | l << 12);
            }
        }
        code <<= 1;
    }
    return RSE_STATUS_OK;
}

/* Decodes one symbol. */
static rse_status rse__huff_decode(rse__inflator *s, const rse__huff *h, int *sym) {
    uint32_t e;
    if (s->nb < RSE__INF_MAXBITS) rse__inf_refill(s);
    e = h->fast[s->bb & ((1u << RSE__INF_FAST) - 1)];
    if (e) {
        *sym = e & 0xfff;
        return rse__inf_drop(s, (int)(e >> 12)) ? RSE_STATUS_OK : rse__inf_truncated();
    }
    {   /* Long code: walk the canonical code one bit at a time (as in
           zlib's puff): codes of length l are the count[l] values following
           the last code of length l-1. */
        int l, first = 0, index = 0, code = 0;
        for (l = 1; l <= RSE__INF_MAXBITS; l++) {
            int cnt = h->count[l];
            code |= (int)((s->bb >> (l - 1)) & 1);
            if (code - cnt < first) {
                *sym = h->symbol[index + (code - first)];
                return rse__inf_drop(s, l) ? RSE_STATUS_OK : rse__inf_truncated();
            }
            index += cnt;
            first = (first + cnt) << 1;
            code <<= 1;
        }
    }
    /* No code matched: the tree is incomplete and the input used a hole. */
    if (s->nb - s->pad < RSE__INF_MAXBITS) return rse__inf_truncated();
    return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: invalid Huffman code");
}

/* Makes room for n more output bytes. */
static rse_status rse__inf_reserve(rse__inflator *s, size_t n) {
    size_t need, cap;
    unsigned char *p;
    if (!rse__add_ok(s->out_len, n, &need) || need > s->max_out)
        return rse__fail(RSE_STATUS_LIMIT, "inflate: output exceeds the limit of %zu bytes", s->max_out);
    if (need <= s->out_cap) return RSE_STATUS_OK;
    if (!s->can_grow)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: more output than the expected %zu bytes", s->out_cap);
    cap = s->out_cap < 4096 ? 4096 : s->out_cap;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > s->max_out) cap = s->max_out;
    p = (unsigned char *)RSE_REALLOC(s->out, cap);
    if (!p) return rse__fail(RSE_STATUS_NOMEM, "inflate: out of memory for %zu bytes of output", cap);
    s->out = p;
    s->out_cap = cap;
    return RSE_STATUS_OK;
}

static const uint16_t rse__inf_len_base[29] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t rse__inf_len_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t rse__inf_dist_base[30] = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t rse__inf_dist_extra[30] = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
    7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* The body of a Huffman block, up to and including end-of-block (256). */
static rse_status rse__inf_codes(rse__inflator *s, const rse__huff *lit, const rse__huff *dist) {
    rse_status st;
    for (;;) {
        int sym;
        if ((st = rse__huff_decode(s, lit, &sym)) != RSE_STATUS_OK) return st;
        if (sym < 256) {
            if (s->out_len == s->out_cap && (st = rse__inf_reserve(s, 1)) != RSE_STATUS_OK) return st;
            if (s->out_len >= s->max_out) return rse__inf_reserve(s, 1);
            s->out[s->out_len++] = (unsigned char)sym;
        } else if (sym == 256) {
            return RSE_STATUS_OK;
        } else {
            uint32_t extra, len, d;
            int dsym;
            size_t from, i;
            sym -= 257;
            if (sym >= 29) return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: invalid length symbol %d", sym + 257);
            if ((st = rse__inf_bits(s, rse__inf_len_extra[sym], &extra)) != RSE_STATUS_OK) return st;
            len = rse__inf_len_base[sym] + extra;
            if ((st = rse__huff_decode(s, dist, &dsym)) != RSE_STATUS_OK) return st;
            if (dsym >= 30) return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: invalid distance symbol %d", dsym);
            if ((st = rse__inf_bits(s, rse__inf_dist_extra[dsym], &extra)) != RSE_STATUS_OK) return st;
            d = rse__inf_dist_base[dsym] + extra;
            /* No preset dictionary: a match may only reach back into what
               this stream has produced. */
            if (d > s->out_len)
                return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: distance %u too far back (only %zu bytes out)",
                                 (unsigned)d, s->out_len);
            if ((st = rse__inf_reserve(s, len)) != RSE_STATUS_OK) return st;
            /* Byte by byte: source and destination overlap when d < len,
               which is how deflate encodes runs. */
            from = s->out_len - d;
            for (i = 0; i < len; i++) s->out[s->out_len + i] = s->out[from + i];
            s->out_len += len;
        }
    }
}

static rse_status rse__inf_stored(rse__inflator *s) {
    size_t avail;
    uint32_t len, nlen;
    rse_status st;
    /* Skip the rest of the current byte, put back the whole input bytes
       still in the bit buffer, and read LEN, NLEN and the data straight from
       the input. Padding bits are whole bytes at the top of the buffer, so
       the partial byte dropped here is always real input. */
    s->bb >>= s->nb % 8;
    s->nb -= s->nb % 8;
    avail = (size_t)((s->nb - s->pad) / 8);
    s->pos -= avail;
    s->bb = 0; s->nb = 0; s->pad = 0;
    if (s->in_len - s->pos < 4) return rse__inf_truncated();
    len = rse__ff_le16(s->in + s->pos);
    nlen = rse__ff_le16(s->in + s->pos + 2);
    s->pos += 4;
    if (len != (~nlen & 0xffff))
        return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: stored block length %u does not match its complement",
                         (unsigned)len);
    if (s->in_len - s->pos < len) return rse__inf_truncated();
    if ((st = rse__inf_reserve(s, len)) != RSE_STATUS_OK) return st;
    if (len) memcpy(s->out + s->out_len, s->in + s->pos, len);
    s->out_len += len;
    s->pos += len;
    return RSE_STATUS_OK;
}

/* Code-length alphabet order (RFC 1951 3.2.7). */
static const uint8_t rse__inf_clen_order[19] = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

static rse_status rse__inf_dynamic(rse__inflator *s, rse__huff *lit, rse__huff *dist) {
    uint8_t lens[286 + 30];
    uint32_t hlit, hdist, hclen, v;
    int i, n;
    rse_status st;
    if ((st = rse__inf_bits(s, 5, &hlit)) || (st = rse__inf_bits(s, 5, &hdist)) ||
        (st = rse__inf_bits(s, 4, &hclen)))
        return st;
    hlit += 257; hdist += 1; hclen += 4;
    if (hlit > 286 || hdist > 30)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: too many length (%u) or distance (%u) symbols",
                         (unsigned)hlit, (unsigned)hdist);
    memset(lens, 0, sizeof lens);
    for (i = 0; i < (int)hclen; i++) {
        if ((st = rse__inf_bits(s, 3, &v))) return st;
        lens[rse__inf_clen_order[i]] = (uint8_t)v;
    }
    /* The code-length code is reused from the literal table's storage. */
    if ((st = rse__huff_build(lit, lens, 19, 1, "code-length"))) return st;
    n = (int)(hlit + hdist);
    memset(lens, 0, sizeof lens);
    for (i = 0; i < n;) {
        int sym, rep;
        uint8_t val = 0;
        if ((st = rse__huff_decode(s, lit, &sym))) return st;
        if (sym < 16) { lens[i++] = (uint8_t)sym; continue; }
        if (sym == 16) {
            if (i == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: repeat with no previous length");
            val = lens[i - 1];
            if ((st = rse__inf_bits(s, 2, &v))) return st;
            rep = 3 + (int)v;
        } else if (sym == 17) {
            if ((st = rse__inf_bits(s, 3, &v))) return st;
            rep = 3 + (int)v;
        } else {
            if ((st = rse__inf_bits(s, 7, &v))) return st;
            rep = 11 + (int)v;
        }
        if (i + rep > n) return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: code lengths overflow the alphabet");
        while (rep--) lens[i++] = val;
    }
    if (lens[256] == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: no end-of-block code");
    if ((st = rse__huff_build(lit, lens, (int)hlit, 0, "literal/length"))) return st;
    return rse__huff_build(dist, lens + hlit, (int)hdist, 0, "distance");
}

static rse_status rse__inf_fixed(rse__huff *lit, rse__huff *dist) {
    uint8_t l[288];
    int i;
    rse_status st;
    for (i = 0; i < 144; i++) l[i] = 8;
    for (; i < 256; i++) l[i] = 9;
    for (; i < 280; i++) l[i] = 7;
    for (; i < 288; i++) l[i] = 8;
    if ((st = rse__huff_build(lit, l, 288, 0, "fixed literal"))) return st;
    /* 32 five-bit codes make a complete tree; 30 and 31 are rejected when
       decoded. */
    for (i = 0; i < 32; i++) l[i] = 5;
    return rse__huff_build(dist, l, 32, 0, "fixed distance");
}

/* Runs the block loop over s->in from s->pos to the final block. On return
   s->pos is the first input byte after the stream. */
static rse_status rse__inf_run(rse__inflator *s) {
    rse__huff lit, dist;
    rse_status st;
    uint32_t last, type;
    do {
        if ((st = rse__inf_bits(s, 1, &last)) || (st = rse__inf_bits(s, 2, &type))) return st;
        if (type == 0) st = rse__inf_stored(s);
        else if (type == 1) {
            if (!(st = rse__inf_fixed(&lit, &dist))) st = rse__inf_codes(s, &lit, &dist);
        } else if (type == 2) {
            if (!(st = rse__inf_dynamic(s, &lit, &dist))) st = rse__inf_codes(s, &lit, &dist);
        } else st = rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: invalid block type 3");
        if (st) return st;
    } while (!last);
    /* Give back the whole unused bytes of the bit buffer (the rest of the
       current byte is padding of the deflate stream). */
    s->pos -= (size_t)((s->nb - s->pad) / 8);
    s->bb = 0; s->nb = 0; s->pad = 0;
    return RSE_STATUS_OK;
}

/* Raw deflate into a growable buffer. *out (may be NULL) is RSE_MALLOC'ed
   memory that is reallocated as needed; on success *out_len bytes are valid
   and *consumed is the length of the stream in `in`. On failure *out is
   freed. max_out caps the output (a 1 KB stream can expand to 1 GB). */
RSE__FN rse_status rse__inflate(const void *in, size_t in_len, size_t *consumed,
                                unsigned char **out, size_t *out_len, size_t max_out) {
    rse__inflator s;
    rse_status st;
    memset(&s, 0, sizeof s);
    s.in = (const unsigned char *)in; s.in_len = in_len;
    s.out = *out; s.out_len = *out_len; s.out_cap = *out_len; s.max_out = max_out; s.can_grow = 1;
    st = rse__inf_run(&s);
    if (st) { RSE_FREE(s.out); *out = 0; *out_len = 0; return st; }
    *out = s.out; *out_len = s.out_len;
    if (consumed) *consumed = s.pos;
    return RSE_STATUS_OK;
}

/* Raw deflate into a fixed buffer that must be filled exactly (the size is
   known, as in a zip entry). */
RSE__FN rse_status rse__inflate_exact(const void *in, size_t in_len, size_t *consumed,
                                      unsigned char *out, size_t out_len) {
    rse__inflator s;
    rse_status st;
    memset(&s, 0, sizeof s);
    s.in = (const unsigned char *)in; s.in_len = in_len;
    s.out = out; s.out_cap = out_len; s.max_out = out_len; s.can_grow = 0;
    if ((st = rse__inf_run(&s))) return st;
    if (s.out_len != out_len)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "inflate: %zu bytes of output, expected %zu", s.out_len, out_len);
    if (consumed) *consumed = s.pos;
    return RSE_STATUS_OK;
}

/* ---------------------------------------------------------------------------
   gzip (RFC 1952) and zlib (RFC 1950) wrappers
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
       use it (capped) as the first allocation, a hint and nothing more. */
    if (len >= 18) {
        size_t hint = rse__ff_le32(p + len - 4);
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
        crc = rse__crc32_update(&T, 0, *out + before, *out_len - before);
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

/* Decompresses a zlib stream (2-byte header, deflate, Adler-32); what PNG
   IDAT data is. No preset dictionaries. */
RSE__FN rse_status rse__zlib_decompress(const void *buf, size_t len, size_t *consumed,
                                        unsigned char **out, size_t *out_len, size_t max_out) {
    const unsigned char *p = (const unsigned char *)buf;
    size_t used = 0;
    rse_status st;
    *out = 0; *out_len = 0;
    if (len < 6) return rse__fail(RSE_STATUS_TRUNCATED, "zlib: stream ends early");
    if ((p[0] & 15) != 8 || (p[0] >> 4) > 7)
        return rse__fail(RSE_STATUS_BAD_FORMAT, "zlib: bad header (method %u, window %u)", (unsigned)(p[0] & 15), (unsigned)(p[0] >> 4));
    if ((p[0] * 256u + p[1]) % 31 != 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "zlib: header check failed");
    if (p[1] & 0x20) return rse__fail(RSE_STATUS_UNSUPPORTED, "zlib: preset dictionary not supported");
    if ((st = rse__inflate(p + 2, len - 2, &used, out, out_len, max_out))) return st;
    if (len - 2 - used < 4) { st = rse__fail(RSE_STATUS_TRUNCATED, "zlib: Adler-32 missing"); goto fail; }
    {
        const unsigned char *a = p + 2 + used;
        uint32_t want = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
        if (rse__adler32(1, *out, *out_len) != want) { st = rse__fail(RSE_STATUS_BAD_FORMAT, "zlib: Adler-32 mismatch"); goto fail; }
    }
    if (consumed) *consumed = 2 + used + 4;
    return RSE_STATUS_OK;
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

static int rse__zip_cmp_name(const void *a, const void *b) {
    const rse__zip_entry *x = (const rse__zip_entry *)a, *y = (const rse__zip_entry *)b;
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(x->name, y->name, n);
    if (c) return c;
    return x->name_len < y->name_len ? -1 : x->name_len > y->name_len;
}
static int rse__zip_cmp_off(const void *a, const void *b) {
    const rse__zip_entry *x = (const rse__zip_entry *)a, *y = (const rse__zip_entry *)b;
    return x->lho < y->lho ? -1 : x->lho > y->lho;
}

/* Reads the ZIP64 extended-information extra field (id 1) of a central
   directory record: it holds, in this order, exactly those of usize, csize
   and lho whose 32-bit fields are 0xFFFFFFFF. */
static rse_status rse__zip_extra64(const unsigned char *x, size_t xlen, rse__zip_entry *e,
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
RSE__FN rse_status rse__zip_open(rse__zip *z, const void *buf, size_t len, rse_arena *a) {
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
RSE__FN rse_status rse__zip_read(const rse__zip *z, const rse__zip_entry *e, rse_arena *a,
                                 const rse__crc32_tab *crc, const unsigned char **data, size_t *n) {
    unsigned char *out;
    rse_status st;
    if (e->method == 0) {
        *data = z->buf + e->data_off;
        *n = (size_t)e->usize;
    } else {
        rse__crc32_tab local;
        if (e->usize > (uint64_t)SIZE_MAX)
            return rse__fail(RSE_STATUS_LIMIT, "zip: entry of %llu bytes is too large", (unsigned long long)e->usize);
        out = (unsigned char *)rse__arena_alloc(a, e->usize ? (size_t)e->usize : 1);
        if (!out) return RSE_STATUS_NOMEM;
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
   stored layout allows (so the buffer must outlive the rse_ckpt), or into
   the checkpoint's arena for strided views and deflated zip entries.
   ------------------------------------------------------------------------- */

typedef enum rse_dtype {
    RSE_DT_F32 = 0, RSE_DT_F16, RSE_DT_BF16, RSE_DT_F64,
    RSE_DT_I64, RSE_DT_I32, RSE_DT_I16, RSE_DT_I8, RSE_DT_U8, RSE_DT_BOOL,
    RSE_DT_COUNT
} rse_dtype;

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

typedef struct rse_ckpt_tensor {
    const char *name;          /* NUL-terminated, "module." prefix removed */
    int dtype;                 /* rse_dtype */
    int ndim;                  /* 0 for a scalar */
    int shape[RSE_CKPT_MAXDIM];
    size_t numel;              /* product of shape (1 for a scalar) */
    const unsigned char *data; /* numel elements, contiguous, little-endian */
    size_t nbytes;             /* numel * element size */
    int copied;                /* 1 if gathered from a strided view */
    const char *storage;       /* torch storage key ("0", "1", ...), or NULL */
    size_t storage_offset;     /* in elements */
} rse_ckpt_tensor;

enum { RSE_CKPT_TORCH = 1, RSE_CKPT_SAFETENSORS = 2 };

typedef struct rse_ckpt {
    rse_arena arena;           /* names, the tensor table, copies */
    rse_ckpt_tensor *t;
    size_t n;
    uint32_t *slots;           /* open-addressing hash: name -> index + 1 */
    size_t nslots;             /* power of two, > 2n */
    int format;
} rse_ckpt;

/* FNV-1a: simple, and plenty for a few thousand names. */
static uint32_t rse__fnv1a(const void *p, size_t n, uint32_t h) {
    const unsigned char *s = (const unsigned char *)p;
    while (n--) { h ^= *s++; h *= 16777619u; }
    return h;
}
#define RSE__FNV_INIT 2166136261u

/* Builds the name index; fails on a duplicate name. */
static rse_status rse__ckpt_index(rse_ckpt *c) {
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
RSE__FN const rse_ckpt_tensor *rse__ckpt_find(const rse_ckpt *c, const char *name) {
    size_t len = strlen(name), h;
    if (!c->nslots) return 0;
    h = rse__fnv1a(name, len, RSE__FNV_INIT) & (c->nslots - 1);
    while (c->slots[h]) {
        const rse_ckpt_tensor *t = &c->t[c->slots[h] - 1];
        if (strcmp(t->name, name) == 0) return t;
        h = (h + 1) & (c->nslots - 1);
    }
    return 0;
}

RSE__FN void rse__ckpt_free(rse_ckpt *c) {
    rse__arena_free(&c->arena);
    memset(c, 0, sizeof *c);
}

/* Copies a NUL-terminated string of n bytes into the arena. */
static char *rse__arena_strdup(rse_arena *a, const char *s, size_t n) {
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
enum { RSE__G_ODICT = 1, RSE__G_REBUILD, RSE__G_PARAM, RSE__G_STORAGE = 16 };

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
    rse_arena *a;                 /* objects */
    rse__pkobj **stack; size_t sp, scap;
    size_t *marks; size_t nmarks, mcap;
    rse__pkobj **memo; size_t nmemo;  /* memo[0..nmemo), NULL = unset */
    size_t memo_used;                 /* distinct entries set (for MEMOIZE) */
    rse_arena *data_arena;            /* inflated storages (live with the checkpoint) */
    /* Storage resolution (torch zip): entries "<prefix>/data/<key>". */
    rse__zip *zip;
    const char *prefix; size_t prefix_len;
    const rse__crc32_tab *crc;    /* NULL: do not verify stored entries */
    int max_proto;
} rse__pickle;

static rse_status rse__pk_err(rse__pickle *k, const char *what) {
    return rse__fail(RSE_STATUS_BAD_FORMAT, "pickle: %s at offset %zu", what, k->pos);
}

static rse__pkobj *rse__pk_new(rse__pickle *k, int type) {
    rse__pkobj *o = (rse__pkobj *)rse__arena_alloc(k->a, sizeof *o);
    if (o) { memset(o, 0, sizeof *o); o->type = type; }
    return o;
}

static rse_status rse__pk_push(rse__pickle *k, rse__pkobj *o) {
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
static size_t rse__pk_floor(const rse__pickle *k) { return k->nmarks ? k->marks[k->nmarks - 1] : 0; }

static rse_status rse__pk_pop(rse__pickle *k, rse__pkobj **o) {
    if (k->sp <= rse__pk_floor(k)) return rse__pk_err(k, "stack underflow");
    *o = k->stack[--k->sp];
    return RSE_STATUS_OK;
}

/* Pops the innermost mark: the objects above it are stack[*from .. sp). */
static rse_status rse__pk_popmark(rse__pickle *k, size_t *from) {
    if (!k->nmarks) return rse__pk_err(k, "no MARK for this opcode");
    *from = k->marks[--k->nmarks];
    return RSE_STATUS_OK;
}

/* A tuple or list holding items[0..n). */
static rse__pkobj *rse__pk_seq(rse__pickle *k, int type, rse__pkobj **items, size_t n) {
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
static rse_status rse__pk_extend(rse__pickle *k, rse__pkobj *o, rse__pkobj **items, size_t n) {
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

static rse_status rse__pk_need(rse__pickle *k, size_t n) {
    if (k->len - k->pos < n)
        return rse__fail(RSE_STATUS_TRUNCATED, "pickle: ends early at offset %zu (need %zu more bytes)", k->pos, n);
    return RSE_STATUS_OK;
}

static rse_status rse__pk_memo_put(rse__pickle *k, uint64_t idx) {
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

static rse_status rse__pk_memo_get(rse__pickle *k, uint64_t idx) {
    if (idx >= k->nmemo || !k->memo[idx])
        return rse__fail(RSE_STATUS_BAD_FORMAT, "pickle: memo index %llu not defined (offset %zu)",
                         (unsigned long long)idx, k->pos);
    return rse__pk_push(k, k->memo[idx]);
}

/* Resolves "module name" against the whitelist. */
static rse_status rse__pk_global(rse__pickle *k, const char *mod, size_t ml, const char *nm, size_t nl) {
    static const struct { const char *mod, *name; int g; } allow[] = {
        { "collections", "OrderedDict", RSE__G_ODICT },
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
static rse_status rse__pk_persid(rse__pickle *k, rse__pkobj *pid, rse__pkobj **out) {
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
static rse_status rse__pk_rebuild(rse__pickle *k, rse__pkobj *args, rse__pkobj **out) {
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
static rse_status rse__pk_reduce(rse__pickle *k, rse__pkobj *fn, rse__pkobj *args, rse__pkobj **out) {
    if (fn->type != RSE__PK_GLOBAL) return rse__pk_err(k, "REDUCE on something that is not a global");
    if (args->type != RSE__PK_TUPLE) return rse__pk_err(k, "REDUCE arguments are not a tuple");
    switch (fn->u.global) {
    case RSE__G_ODICT:
        if (args->u.seq.n != 0) return rse__pk_err(k, "OrderedDict called with arguments");
        *out = rse__pk_seq(k, RSE__PK_DICT, 0, 0);
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
static rse_status rse__pk_line(rse__pickle *k, const char **s, size_t *n) {
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
static rse_status rse__pk_run(rse__pickle *k, rse__pkobj **result) {
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
            o = rse__pk_seq(k, op == 't' ? RSE__PK_TUPLE : RSE__PK_LIST, k->stack + from, k->sp - from);
            k->sp = from;
            st = rse__pk_push(k, o);
            break;
        case 'd': /* DICT: key, value pairs above the mark */
            if ((st = rse__pk_popmark(k, &from))) return st;
            if ((k->sp - from) % 2) return rse__pk_err(k, "DICT with an odd number of items");
            o = rse__pk_seq(k, RSE__PK_DICT, k->stack + from, k->sp - from);
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
            const char *ms, *ns;
            size_t ml, nl;
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
static rse_status rse__ckpt_tensor_from_pk(rse_ckpt *c, rse_ckpt_tensor *t, const rse__pkobj *o) {
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

static int rse__pk_streq(const rse__pkobj *o, const char *s) {
    return o->type == RSE__PK_STR && o->u.str.n == strlen(s) && memcmp(o->u.str.s, s, o->u.str.n) == 0;
}

/* Removes "module." (what DataParallel/DDP training checkpoints carry) when
   every name has it, as open_clip's load_checkpoint does. */
static void rse__ckpt_strip_module(rse_ckpt *c) {
    size_t i;
    if (!c->n) return;
    for (i = 0; i < c->n; i++) if (strncmp(c->t[i].name, "module.", 7) != 0) return;
    for (i = 0; i < c->n; i++) c->t[i].name += 7;
}

/* The state dict of an unpickled root: the root dict itself, or its
   'state_dict' entry (open_clip training checkpoints). Entries whose value
   is not a tensor (an 'epoch' number...) are skipped. */
static rse_status rse__ckpt_collect(rse_ckpt *c, rse__pkobj *root) {
    size_t i, n = 0;
    if (root->type != RSE__PK_DICT) return rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: the pickle is not a dict");
    for (i = 0; i + 1 < root->u.seq.n; i += 2)
        if (rse__pk_streq(root->u.seq.v[i], "state_dict") && root->u.seq.v[i + 1]->type == RSE__PK_DICT) {
            root = root->u.seq.v[i + 1];
            break;
        }
    for (i = 0; i + 1 < root->u.seq.n; i += 2)
        if (root->u.seq.v[i]->type == RSE__PK_STR && root->u.seq.v[i + 1]->type == RSE__PK_TENSOR) n++;
    if (n == 0) return rse__fail(RSE_STATUS_BAD_FORMAT, "checkpoint: no tensors in the state dict");
    c->t = (rse_ckpt_tensor *)rse__arena_calloc(&c->arena, n, sizeof *c->t);
    if (!c->t) return RSE_STATUS_NOMEM;
    for (i = 0; i + 1 < root->u.seq.n; i += 2) {
        rse__pkobj *key = root->u.seq.v[i], *val = root->u.seq.v[i + 1];
        rse_ckpt_tensor *t;
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

static rse_status rse__ckpt_torch(rse_ckpt *c, const unsigned char *buf, size_t len, int verify_crc) {
    rse_arena scratch;
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
    st = rse__ckpt_collect(c, root);
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

static rse_status rse__json_err(const rse__json *j, const unsigned char *base, const char *what) {
    return rse__fail(RSE_STATUS_BAD_FORMAT, "safetensors: JSON header: %s at byte %zu", what, (size_t)(j->p - base) + 8);
}

static void rse__json_ws(rse__json *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static int rse__json_hex4(const unsigned char *s, uint32_t *v) {
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
static rse_status rse__json_str(rse__json *j, const unsigned char *base, rse_arena *a, char **out, size_t *out_len) {
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
static rse_status rse__json_uint(rse__json *j, const unsigned char *base, uint64_t *v) {
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

static rse_status rse__json_char(rse__json *j, const unsigned char *base, char c) {
    char msg[24];
    rse__json_ws(j);
    if (j->p < j->end && *j->p == (unsigned char)c) { j->p++; return RSE_STATUS_OK; }
    rse__fmt(msg, sizeof msg, "expected '%c'", c);
    return rse__json_err(j, base, msg);
}

/* Peeks: 1 and consumes if the next non-blank byte is c. */
static int rse__json_try(rse__json *j, char c) {
    rse__json_ws(j);
    if (j->p < j->end && *j->p == (unsigned char)c) { j->p++; return 1; }
    return 0;
}

/* [u, u, ...] into v[0..*n), at most cap items. */
static rse_status rse__json_uints(rse__json *j, const unsigned char *base, uint64_t *v, int cap, int *n) {
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

static int rse__st_cmp(const void *a, const void *b) {
    const rse__st_span *x = (const rse__st_span *)a, *y = (const rse__st_span *)b;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

static rse_status rse__ckpt_safetensors(rse_ckpt *c, const unsigned char *buf, size_t len) {
    rse__json j;
    uint64_t hlen;
    const unsigned char *hdr, *data;
    size_t data_len, cap = 64, i;
    rse__st_span *span = 0;
    rse_arena scratch;
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
    c->t = (rse_ckpt_tensor *)rse__arena_calloc(&c->arena, cap, sizeof *c->t);
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
            rse_ckpt_tensor *t;
            uint64_t shape[RSE_CKPT_MAXDIM + 1], offs[3], numel = 1;
            int have_dt = 0, have_shape = 0, have_offs = 0, nshape = 0, noffs = 0, d;
            if (memchr(key, 0, kl)) { st = rse__json_err(&j, hdr, "tensor name contains a NUL"); goto done; }
            if (c->n == cap) { /* grow both tables */
                rse_ckpt_tensor *nt = (rse_ckpt_tensor *)rse__arena_calloc(&c->arena, cap * 2, sizeof *nt);
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

#if defined(__F16C__) && !defined(RSE_NO_SIMD)
#include <immintrin.h>
#define RSE__HAVE_F16C 1
/* Eight at a time with VCVTPH2PS. Little-endian host assumed (x86). */
RSE__FN void rse__f16_to_f32_n(float *out, const void *in, size_t n) {
    const unsigned char *p = (const unsigned char *)in;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(const void *)(p + 2 * i))));
    rse__f16_to_f32_n_scalar(out + i, p + 2 * i, n - i);
}
#else
#define RSE__HAVE_F16C 0
RSE__FN void rse__f16_to_f32_n(float *out, const void *in, size_t n) { rse__f16_to_f32_n_scalar(out, in, n); }
#endif

/* A checkpoint tensor as float32 into out[0..n), n == t->numel. Integer and
   double tensors are converted by value (num_batches_tracked, say). */
RSE__FN rse_status rse__ckpt_to_f32(const rse_ckpt_tensor *t, float *out, size_t n) {
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

enum { RSE_CKPT_NO_CRC = 1 }; /* flags: skip CRC checks of stored zip entries */

/* Reads a torch.save zip archive or a safetensors file held in buf[0..len).
   The tensors point into buf where they can, so buf must outlive c. what
   names the input in error messages. */
RSE__FN rse_status rse__ckpt_load_mem(rse_ckpt *c, const void *buf, size_t len, int flags, const char *what) {
    const unsigned char *p = (const unsigned char *)buf;
    rse_status st;
    memset(c, 0, sizeof *c);
    rse__arena_init(&c->arena, 0, 0);
    c->arena.min_block = (size_t)64 << 10;
    if (!what) what = "checkpoint";
    if (len >= 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4) {
        c->format = RSE_CKPT_TORCH;
        st = rse__ckpt_torch(c, p, len, !(flags & RSE_CKPT_NO_CRC));
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
   ========================================================================= */

/* ===========================================================================
   Towers
   ========================================================================= */

/* ===========================================================================
   Input gradient
   ========================================================================= */
