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

RSE__FN void rse__inf_refill(rse__inflator *s) {
    while (s->nb <= 56) {
        if (s->pos < s->in_len) s->bb |= (uint64_t)s->in[s->pos++] << s->nb;
        else s->pad += 8; /* zero bits beyond the end of the input */
        s->nb += 8;
    }
}

/* Drops n bits; fails if any of them was padding (the input ended). */
RSE__FN int rse__inf_drop(rse__inflator *s, int n) {
    s->bb >>= n;
    s->nb -= n;
    return s->nb >= s->pad;
}

RSE__FN rse_status rse__inf_truncated(void) {
    return rse__fail(RSE_STATUS_TRUNCATED, "inflate: compressed data ends early");
}

/* n <= 32 bits, least significant first. */
RSE__FN rse_status rse__inf_bits(rse__inflator *s, int n, uint32_t *v) {
    if (s->nb < n) rse__inf_refill(s);
    *v = (uint32_t)(s->bb & (((uint64_t)1 << n) - 1));
    return rse__inf_drop(s, n) ? RSE_STATUS_OK : rse__inf_truncated();
}

RSE__FN uint32_t rse__inf_rev(uint32_t code, int len) {
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
RSE__FN rse_status rse__huff_build(rse__huff *h, const uint8_t *len, int n, int complete, const char *what) {
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
RSE__FN rse_status rse__huff_decode(rse__inflator *s, const rse__huff *h, int *sym) {
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
RSE__FN rse_status rse__inf_reserve(rse__inflator *s, size_t n) {
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
RSE__FN rse_status rse__inf_codes(rse__inflator *s, const rse__huff *lit, const rse__huff *dist) {
    rse_status st;
    for (;;) {
        int sym = 0; /* set by rse__huff_decode on success; 0 keeps -O3 quiet */
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

RSE__FN rse_status rse__inf_stored(rse__inflator *s) {
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

RSE__FN rse_status rse__inf_dynamic(rse__inflator *s, rse__huff *lit, rse__huff *dist) {
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

RSE__FN rse_status rse__inf_fixed(rse__huff *lit, rse__huff *dist) {
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
RSE__FN rse_status rse__inf_run(rse__inflator *s) {
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
    /* No limit error: overflowing the buffer means the size was wrong. */
    s.out = out; s.out_cap = out_len; s.max_out = SIZE_MAX; s.can_grow = 0;
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
RSE__FN uint32_t rse__fnv1a(const void *p, size_t n, uint32_t h) {
    const unsigned char *s = (const unsigned char *)p;
    while (n--) { h ^= *s++; h *= 16777619u; }
    return h;
}
#define RSE__FNV_INIT 2166136261u

/* Builds the name index; fails on a duplicate name. */
RSE__FN rse_status rse__ckpt_index(rse_ckpt *c) {
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
RSE__FN char *rse__arena_strdup(rse_arena *a, const char *s, size_t n) {
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
RSE__FN rse_status rse__ckpt_tensor_from_pk(rse_ckpt *c, rse_ckpt_tensor *t, const rse__pkobj *o) {
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
RSE__FN void rse__ckpt_strip_module(rse_ckpt *c) {
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
RSE__FN rse_status rse__ckpt_collect(rse_ckpt *c, rse__pkobj *root, int ema) {
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

RSE__FN rse_status rse__ckpt_torch(rse_ckpt *c, const unsigned char *buf, size_t len, int verify_crc, int ema) {
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
RSE__FN rse_status rse__json_str(rse__json *j, const unsigned char *base, rse_arena *a, char **out, size_t *out_len) {
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

RSE__FN rse_status rse__ckpt_safetensors(rse_ckpt *c, const unsigned char *buf, size_t len) {
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

/* flags: skip CRC checks of stored zip entries; take the 'ema' state dict
   of a torch.save archive (SinDDM trainer checkpoints) */
enum { RSE_CKPT_NO_CRC = 1, RSE_CKPT_EMA = 2 };

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
   reproduced exactly for text that ftfy leaves unchanged. For one text:
     1. html.unescape twice, collapse whitespace runs to one space, strip,
        lower-case (Python's str.lower, final sigma included);
     2. split with open_clip's regex
          <start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
        (IGNORECASE: after lower-casing that only adds U+017F long s, which
        case-folds to 's'); whitespace between pieces is dropped;
     3. map each piece's UTF-8 bytes to printable "byte symbols", append
        "</w>" to the last, and apply BPE merges by rank;
     4. look up the ids, wrap in start 49406 / end 49407, cut to 77 with
        the last id forced to 49407, pad with 0.
   Not reproduced: ftfy.fix_text (mojibake repair, NFC, curly quotes,
   ligatures, full-width forms, control characters; shared/docs/clip.md
   section 5.3) and the 1970 HTML5 entity names outside HTML 4 (left as
   text). Unicode properties are those of Unicode 14.0 (Python 3.11), see
   tools/gen_unicode_tables.py; letters assigned later count as symbols.
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

/* Looks s[0..n) up among the entity names; legacy_only: only names valid
   without ';'. Returns the code point or 0. */
RSE__FN uint32_t rse__html_find(const uint32_t *s, size_t n, int legacy_only);

/* html.unescape (Python 3.11): replaces, left to right,
     &#NNN;  &#xHHH;  (';' optional) by the character, with the HTML5 fixes
       (0 -> U+FFFD, 0x80-0x9F as windows-1252, surrogates and > 0x10FFFF ->
       U+FFFD, other invalid code points removed);
     &name;  by a named entity; without ';' only the legacy names, and as in
       Python the longest legacy name that prefixes the text is used
       ("&ampx" -> "&x").
   Output is never longer than input. Returns the output length. */
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
            uint32_t cp = rse__html_find(in + j, len, !semi);
            if (cp) { out[o++] = cp; i = k + (size_t)semi; continue; }
            /* Else the longest legacy name (>= 2 chars) that starts the
               match (with ';', the whole name counts as a prefix); the rest
               stays text. */
            for (x = len + (size_t)semi - 1; x >= 2; x--)
                if ((cp = rse__html_find(in + j, x, 1)) != 0) break;
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
   The vocabulary: bytes_to_unicode, merges, ids
   ------------------------------------------------------------------------- */

typedef struct rse_bpe {
    rse_arena arena;
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
} rse_bpe;

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
RSE__FN int32_t rse__bpe_id(const rse_bpe *t, const char *s, size_t n) {
    size_t h = rse__fnv1a(s, n, RSE__FNV_INIT) & t->mask;
    while (t->vslot[h]) {
        uint32_t id = t->vslot[h] - 1;
        if (t->toklen[id] == n && memcmp(t->tok[id], s, n) == 0) return (int32_t)id;
        h = (h + 1) & t->mask;
    }
    return -1;
}

/* The rank of merging a[0..al) with b[0..bl), or UINT32_MAX. */
RSE__FN uint32_t rse__bpe_rank(const rse_bpe *t, const char *a, size_t al, const char *b, size_t bl) {
    size_t h = rse__bpe_hash2(a, al, b, bl) & t->mask;
    while (t->mslot[h]) {
        uint32_t r = t->mslot[h] - 1;
        if (t->malen[r] == al && t->mblen[r] == bl && !memcmp(t->ma[r], a, al) && !memcmp(t->mb[r], b, bl)) return r;
        h = (h + 1) & t->mask;
    }
    return UINT32_MAX;
}

RSE__FN rse_status rse__bpe_add_tok(rse_bpe *t, const char *s, size_t n) {
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

RSE__FN void rse__bpe_free(rse_bpe *t) {
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
RSE__FN rse_status rse__bpe_parse(rse_bpe *t, const char *txt, size_t len, uint32_t nmerges) {
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
RSE__FN rse_status rse__bpe_load_mem(rse_bpe *t, const void *buf, size_t len) {
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
RSE__FN void rse__bpe_try(const rse_bpe *t, const char *w, rse__bpe_work *k, size_t *nh, int32_t l) {
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
RSE__FN rse_status rse__bpe_word(const rse_bpe *t, const char *w, size_t wn, rse__bpe_work *k,
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
RSE__FN rse_status rse__bpe_encode_cut(const rse_bpe *t, const char *text, size_t len, int32_t ids[RSE_CLIP_CTX],
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
    /* basic_clean (without ftfy): unescape twice; then whitespace_clean. */
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

RSE__FN rse_status rse__bpe_encode(const rse_bpe *t, const char *text, size_t len, int32_t ids[RSE_CLIP_CTX], int *n_out) {
    return rse__bpe_encode_cut(t, text, len, ids, n_out, 0);
}

/* ---------------------------------------------------------------------------
   Generated tables and their lookups
   ------------------------------------------------------------------------- */

/* BEGIN GENERATED TABLES (tools/gen_unicode_tables.py) */
/* Unicode 14.0.0 (Python 3.11.2 unicodedata); see the tool for the meaning. */
static const uint32_t rse__uc_prop[2140] = {
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
    0x01123e4, 0x01123f0, 0x0112801, 0x0112870, 0x0112881, 0x0112890, 0x01128a1, 0x01128e0,
    0x01128f1, 0x01129e0, 0x01129f1, 0x0112a90, 0x0112b01, 0x0112df4, 0x0112e00, 0x0112e34,
    0x0112eb0, 0x0112f02, 0x0112fa0, 0x0113004, 0x0113020, 0x0113051, 0x01130d0, 0x01130f1,
    0x0113110, 0x0113131, 0x0113290, 0x01132a1, 0x0113310, 0x0113321, 0x0113340, 0x0113351,
    0x01133a0, 0x01133b4, 0x01133d1, 0x01133e0, 0x0113404, 0x0113410, 0x0113501, 0x0113510,
    0x01135d1, 0x0113620, 0x0113664, 0x01136d0, 0x0113704, 0x0113750, 0x0114001, 0x0114350,
    0x0114384, 0x0114400, 0x0114424, 0x0114450, 0x0114464, 0x0114471, 0x01144b0, 0x0114502,
    0x01145a0, 0x01145e4, 0x01145f1, 0x0114620, 0x0114801, 0x0114b00, 0x0114b34, 0x0114b90,
    0x0114ba4, 0x0114bb0, 0x0114bf4, 0x0114c10, 0x0114c24, 0x0114c41, 0x0114c60, 0x0114c71,
    0x0114c80, 0x0114d02, 0x0114da0, 0x0115801, 0x0115af0, 0x0115b24, 0x0115b60, 0x0115bc4,
    0x0115be0, 0x0115bf4, 0x0115c10, 0x0115d81, 0x0115dc4, 0x0115de0, 0x0116001, 0x0116300,
    0x0116334, 0x01163b0, 0x01163d4, 0x01163e0, 0x01163f4, 0x0116410, 0x0116441, 0x0116450,
    0x0116502, 0x01165a0, 0x0116801, 0x0116ab4, 0x0116ac0, 0x0116ad4, 0x0116ae0, 0x0116b04,
    0x0116b60, 0x0116b74, 0x0116b81, 0x0116b90, 0x0116c02, 0x0116ca0, 0x0117001, 0x01171b0,
    0x01171d4, 0x0117200, 0x0117224, 0x0117260, 0x0117274, 0x01172c0, 0x0117302, 0x01173c0,
    0x0117401, 0x0117470, 0x0118001, 0x01182c0, 0x01182f4, 0x0118380, 0x0118394, 0x01183b0,
    0x0118a09, 0x0118e02, 0x0118f30, 0x0118ff1, 0x0119070, 0x0119091, 0x01190a0, 0x01190c1,
    0x0119140, 0x0119151, 0x0119170, 0x0119181, 0x0119300, 0x01193b4, 0x01193d0, 0x01193e4,
    0x01193f1, 0x0119400, 0x0119411, 0x0119420, 0x0119434, 0x0119440, 0x0119502, 0x01195a0,
    0x0119a01, 0x0119a80, 0x0119aa1, 0x0119d10, 0x0119d44, 0x0119d80, 0x0119da4, 0x0119dc0,
    0x0119e04, 0x0119e11, 0x0119e20, 0x0119e31, 0x0119e40, 0x011a001, 0x011a014, 0x011a0b1,
    0x011a334, 0x011a390, 0x011a3a1, 0x011a3b4, 0x011a3f0, 0x011a474, 0x011a480, 0x011a501,
    0x011a514, 0x011a570, 0x011a594, 0x011a5c1, 0x011a8a4, 0x011a970, 0x011a984, 0x011a9a0,
    0x011a9d1, 0x011a9e0, 0x011ab01, 0x011af90, 0x011c001, 0x011c090, 0x011c0a1, 0x011c2f0,
    0x011c304, 0x011c370, 0x011c384, 0x011c3e0, 0x011c3f4, 0x011c401, 0x011c410, 0x011c502,
    0x011c6d0, 0x011c721, 0x011c900, 0x011c924, 0x011ca80, 0x011caa4, 0x011cb10, 0x011cb24,
    0x011cb40, 0x011cb54, 0x011cb70, 0x011d001, 0x011d070, 0x011d081, 0x011d0a0, 0x011d0b1,
    0x011d314, 0x011d370, 0x011d3a4, 0x011d3b0, 0x011d3c4, 0x011d3e0, 0x011d3f4, 0x011d461,
    0x011d474, 0x011d480, 0x011d502, 0x011d5a0, 0x011d601, 0x011d660, 0x011d671, 0x011d690,
    0x011d6a1, 0x011d8a0, 0x011d904, 0x011d920, 0x011d954, 0x011d960, 0x011d974, 0x011d981,
    0x011d990, 0x011da02, 0x011daa0, 0x011ee01, 0x011ef34, 0x011ef50, 0x011fb01, 0x011fb10,
    0x011fc02, 0x011fd50, 0x0120001, 0x01239a0, 0x0124002, 0x01246f0, 0x0124801, 0x0125440,
    0x012f901, 0x012ff10, 0x0130001, 0x01342f0, 0x0134304, 0x0134390, 0x0144001, 0x0146470,
    0x0168001, 0x016a390, 0x016a401, 0x016a5f0, 0x016a602, 0x016a6a0, 0x016a701, 0x016abf0,
    0x016ac02, 0x016aca0, 0x016ad01, 0x016aee0, 0x016af04, 0x016af50, 0x016b001, 0x016b304,
    0x016b370, 0x016b405, 0x016b440, 0x016b502, 0x016b5a0, 0x016b5b2, 0x016b620, 0x016b631,
    0x016b780, 0x016b7d1, 0x016b900, 0x016e409, 0x016e802, 0x016e970, 0x016f001, 0x016f4b0,
    0x016f4f4, 0x016f501, 0x016f510, 0x016f8f4, 0x016f935, 0x016fa00, 0x016fe05, 0x016fe20,
    0x016fe35, 0x016fe44, 0x016fe50, 0x0170001, 0x0187f80, 0x0188001, 0x018cd60, 0x018d001,
    0x018d090, 0x01aff05, 0x01aff40, 0x01aff55, 0x01affc0, 0x01affd5, 0x01afff0, 0x01b0001,
    0x01b1230, 0x01b1501, 0x01b1530, 0x01b1641, 0x01b1680, 0x01b1701, 0x01b2fc0, 0x01bc001,
    0x01bc6b0, 0x01bc701, 0x01bc7d0, 0x01bc801, 0x01bc890, 0x01bc901, 0x01bc9a0, 0x01bc9d4,
    0x01bc9f0, 0x01bca04, 0x01bca40, 0x01cf004, 0x01cf2e0, 0x01cf304, 0x01cf470, 0x01d1674,
    0x01d16a0, 0x01d1734, 0x01d1830, 0x01d1854, 0x01d18c0, 0x01d1aa4, 0x01d1ae0, 0x01d2424,
    0x01d2450, 0x01d2e02, 0x01d2f40, 0x01d3602, 0x01d3790, 0x01d4009, 0x01d4550, 0x01d4569,
    0x01d49d0, 0x01d49e9, 0x01d4a00, 0x01d4a29, 0x01d4a30, 0x01d4a59, 0x01d4a70, 0x01d4a99,
    0x01d4ad0, 0x01d4ae9, 0x01d4ba0, 0x01d4bb9, 0x01d4bc0, 0x01d4bd9, 0x01d4c40, 0x01d4c59,
    0x01d5060, 0x01d5079, 0x01d50b0, 0x01d50d9, 0x01d5150, 0x01d5169, 0x01d51d0, 0x01d51e9,
    0x01d53a0, 0x01d53b9, 0x01d53f0, 0x01d5409, 0x01d5450, 0x01d5469, 0x01d5470, 0x01d54a9,
    0x01d5510, 0x01d5529, 0x01d6a60, 0x01d6a89, 0x01d6c10, 0x01d6c29, 0x01d6db0, 0x01d6dc9,
    0x01d6fb0, 0x01d6fc9, 0x01d7150, 0x01d7169, 0x01d7350, 0x01d7369, 0x01d74f0, 0x01d7509,
    0x01d76f0, 0x01d7709, 0x01d7890, 0x01d78a9, 0x01d7a90, 0x01d7aa9, 0x01d7c30, 0x01d7c49,
    0x01d7cc0, 0x01d7ce2, 0x01d8000, 0x01da004, 0x01da370, 0x01da3b4, 0x01da6d0, 0x01da754,
    0x01da760, 0x01da844, 0x01da850, 0x01da9b4, 0x01daa00, 0x01daa14, 0x01dab00, 0x01df009,
    0x01df0a1, 0x01df0b9, 0x01df1f0, 0x01e0004, 0x01e0070, 0x01e0084, 0x01e0190, 0x01e01b4,
    0x01e0220, 0x01e0234, 0x01e0250, 0x01e0264, 0x01e02b0, 0x01e1001, 0x01e12d0, 0x01e1304,
    0x01e1375, 0x01e13e0, 0x01e1402, 0x01e14a0, 0x01e14e1, 0x01e14f0, 0x01e2901, 0x01e2ae4,
    0x01e2af0, 0x01e2c01, 0x01e2ec4, 0x01e2f02, 0x01e2fa0, 0x01e7e01, 0x01e7e70, 0x01e7e81,
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
    0x0200001, 0x02a6e00, 0x02a7001, 0x02b7390, 0x02b7401, 0x02b81e0, 0x02b8201, 0x02cea20,
    0x02ceb01, 0x02ebe10, 0x02f8001, 0x02fa1e0, 0x0300001, 0x03134b0, 0x0e00014, 0x0e00020,
    0x0e00204, 0x0e00800, 0x0e01004, 0x0e01f00,
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
static const struct { const char *name; uint32_t cp; int legacy; } rse__html_ent[259] = {
    {"AElig", 0xc6, 1}, {"AMP", 0x26, 1}, {"Aacute", 0xc1, 1}, {"Acirc", 0xc2, 1},
    {"Agrave", 0xc0, 1}, {"Alpha", 0x391, 0}, {"Aring", 0xc5, 1}, {"Atilde", 0xc3, 1},
    {"Auml", 0xc4, 1}, {"Beta", 0x392, 0}, {"COPY", 0xa9, 1}, {"Ccedil", 0xc7, 1},
    {"Chi", 0x3a7, 0}, {"Dagger", 0x2021, 0}, {"Delta", 0x394, 0}, {"ETH", 0xd0, 1},
    {"Eacute", 0xc9, 1}, {"Ecirc", 0xca, 1}, {"Egrave", 0xc8, 1}, {"Epsilon", 0x395, 0},
    {"Eta", 0x397, 0}, {"Euml", 0xcb, 1}, {"GT", 0x3e, 1}, {"Gamma", 0x393, 0},
    {"Iacute", 0xcd, 1}, {"Icirc", 0xce, 1}, {"Igrave", 0xcc, 1}, {"Iota", 0x399, 0},
    {"Iuml", 0xcf, 1}, {"Kappa", 0x39a, 0}, {"LT", 0x3c, 1}, {"Lambda", 0x39b, 0},
    {"Mu", 0x39c, 0}, {"Ntilde", 0xd1, 1}, {"Nu", 0x39d, 0}, {"OElig", 0x152, 0},
    {"Oacute", 0xd3, 1}, {"Ocirc", 0xd4, 1}, {"Ograve", 0xd2, 1}, {"Omega", 0x3a9, 0},
    {"Omicron", 0x39f, 0}, {"Oslash", 0xd8, 1}, {"Otilde", 0xd5, 1}, {"Ouml", 0xd6, 1},
    {"Phi", 0x3a6, 0}, {"Pi", 0x3a0, 0}, {"Prime", 0x2033, 0}, {"Psi", 0x3a8, 0},
    {"QUOT", 0x22, 1}, {"REG", 0xae, 1}, {"Rho", 0x3a1, 0}, {"Scaron", 0x160, 0},
    {"Sigma", 0x3a3, 0}, {"THORN", 0xde, 1}, {"Tau", 0x3a4, 0}, {"Theta", 0x398, 0},
    {"Uacute", 0xda, 1}, {"Ucirc", 0xdb, 1}, {"Ugrave", 0xd9, 1}, {"Upsilon", 0x3a5, 0},
    {"Uuml", 0xdc, 1}, {"Xi", 0x39e, 0}, {"Yacute", 0xdd, 1}, {"Yuml", 0x178, 0},
    {"Zeta", 0x396, 0}, {"aacute", 0xe1, 1}, {"acirc", 0xe2, 1}, {"acute", 0xb4, 1},
    {"aelig", 0xe6, 1}, {"agrave", 0xe0, 1}, {"alefsym", 0x2135, 0}, {"alpha", 0x3b1, 0},
    {"amp", 0x26, 1}, {"and", 0x2227, 0}, {"ang", 0x2220, 0}, {"apos", 0x27, 0},
    {"aring", 0xe5, 1}, {"asymp", 0x2248, 0}, {"atilde", 0xe3, 1}, {"auml", 0xe4, 1},
    {"bdquo", 0x201e, 0}, {"beta", 0x3b2, 0}, {"brvbar", 0xa6, 1}, {"bull", 0x2022, 0},
    {"cap", 0x2229, 0}, {"ccedil", 0xe7, 1}, {"cedil", 0xb8, 1}, {"cent", 0xa2, 1},
    {"chi", 0x3c7, 0}, {"circ", 0x2c6, 0}, {"clubs", 0x2663, 0}, {"cong", 0x2245, 0},
    {"copy", 0xa9, 1}, {"crarr", 0x21b5, 0}, {"cup", 0x222a, 0}, {"curren", 0xa4, 1},
    {"dArr", 0x21d3, 0}, {"dagger", 0x2020, 0}, {"darr", 0x2193, 0}, {"deg", 0xb0, 1},
    {"delta", 0x3b4, 0}, {"diams", 0x2666, 0}, {"divide", 0xf7, 1}, {"eacute", 0xe9, 1},
    {"ecirc", 0xea, 1}, {"egrave", 0xe8, 1}, {"empty", 0x2205, 0}, {"emsp", 0x2003, 0},
    {"ensp", 0x2002, 0}, {"epsilon", 0x3b5, 0}, {"equiv", 0x2261, 0}, {"eta", 0x3b7, 0},
    {"eth", 0xf0, 1}, {"euml", 0xeb, 1}, {"euro", 0x20ac, 0}, {"exist", 0x2203, 0},
    {"fnof", 0x192, 0}, {"forall", 0x2200, 0}, {"frac12", 0xbd, 1}, {"frac14", 0xbc, 1},
    {"frac34", 0xbe, 1}, {"frasl", 0x2044, 0}, {"gamma", 0x3b3, 0}, {"ge", 0x2265, 0},
    {"gt", 0x3e, 1}, {"hArr", 0x21d4, 0}, {"harr", 0x2194, 0}, {"hearts", 0x2665, 0},
    {"hellip", 0x2026, 0}, {"iacute", 0xed, 1}, {"icirc", 0xee, 1}, {"iexcl", 0xa1, 1},
    {"igrave", 0xec, 1}, {"image", 0x2111, 0}, {"infin", 0x221e, 0}, {"int", 0x222b, 0},
    {"iota", 0x3b9, 0}, {"iquest", 0xbf, 1}, {"isin", 0x2208, 0}, {"iuml", 0xef, 1},
    {"kappa", 0x3ba, 0}, {"lArr", 0x21d0, 0}, {"lambda", 0x3bb, 0}, {"lang", 0x27e8, 0},
    {"laquo", 0xab, 1}, {"larr", 0x2190, 0}, {"lceil", 0x2308, 0}, {"ldquo", 0x201c, 0},
    {"le", 0x2264, 0}, {"lfloor", 0x230a, 0}, {"lowast", 0x2217, 0}, {"loz", 0x25ca, 0},
    {"lrm", 0x200e, 0}, {"lsaquo", 0x2039, 0}, {"lsquo", 0x2018, 0}, {"lt", 0x3c, 1},
    {"macr", 0xaf, 1}, {"mdash", 0x2014, 0}, {"micro", 0xb5, 1}, {"middot", 0xb7, 1},
    {"minus", 0x2212, 0}, {"mu", 0x3bc, 0}, {"nabla", 0x2207, 0}, {"nbsp", 0xa0, 1},
    {"ndash", 0x2013, 0}, {"ne", 0x2260, 0}, {"ni", 0x220b, 0}, {"not", 0xac, 1},
    {"notin", 0x2209, 0}, {"nsub", 0x2284, 0}, {"ntilde", 0xf1, 1}, {"nu", 0x3bd, 0},
    {"oacute", 0xf3, 1}, {"ocirc", 0xf4, 1}, {"oelig", 0x153, 0}, {"ograve", 0xf2, 1},
    {"oline", 0x203e, 0}, {"omega", 0x3c9, 0}, {"omicron", 0x3bf, 0}, {"oplus", 0x2295, 0},
    {"or", 0x2228, 0}, {"ordf", 0xaa, 1}, {"ordm", 0xba, 1}, {"oslash", 0xf8, 1},
    {"otilde", 0xf5, 1}, {"otimes", 0x2297, 0}, {"ouml", 0xf6, 1}, {"para", 0xb6, 1},
    {"part", 0x2202, 0}, {"permil", 0x2030, 0}, {"perp", 0x22a5, 0}, {"phi", 0x3c6, 0},
    {"pi", 0x3c0, 0}, {"piv", 0x3d6, 0}, {"plusmn", 0xb1, 1}, {"pound", 0xa3, 1},
    {"prime", 0x2032, 0}, {"prod", 0x220f, 0}, {"prop", 0x221d, 0}, {"psi", 0x3c8, 0},
    {"quot", 0x22, 1}, {"rArr", 0x21d2, 0}, {"radic", 0x221a, 0}, {"rang", 0x27e9, 0},
    {"raquo", 0xbb, 1}, {"rarr", 0x2192, 0}, {"rceil", 0x2309, 0}, {"rdquo", 0x201d, 0},
    {"real", 0x211c, 0}, {"reg", 0xae, 1}, {"rfloor", 0x230b, 0}, {"rho", 0x3c1, 0},
    {"rlm", 0x200f, 0}, {"rsaquo", 0x203a, 0}, {"rsquo", 0x2019, 0}, {"sbquo", 0x201a, 0},
    {"scaron", 0x161, 0}, {"sdot", 0x22c5, 0}, {"sect", 0xa7, 1}, {"shy", 0xad, 1},
    {"sigma", 0x3c3, 0}, {"sigmaf", 0x3c2, 0}, {"sim", 0x223c, 0}, {"spades", 0x2660, 0},
    {"sub", 0x2282, 0}, {"sube", 0x2286, 0}, {"sum", 0x2211, 0}, {"sup", 0x2283, 0},
    {"sup1", 0xb9, 1}, {"sup2", 0xb2, 1}, {"sup3", 0xb3, 1}, {"supe", 0x2287, 0},
    {"szlig", 0xdf, 1}, {"tau", 0x3c4, 0}, {"there4", 0x2234, 0}, {"theta", 0x3b8, 0},
    {"thetasym", 0x3d1, 0}, {"thinsp", 0x2009, 0}, {"thorn", 0xfe, 1}, {"tilde", 0x2dc, 0},
    {"times", 0xd7, 1}, {"trade", 0x2122, 0}, {"uArr", 0x21d1, 0}, {"uacute", 0xfa, 1},
    {"uarr", 0x2191, 0}, {"ucirc", 0xfb, 1}, {"ugrave", 0xf9, 1}, {"uml", 0xa8, 1},
    {"upsih", 0x3d2, 0}, {"upsilon", 0x3c5, 0}, {"uuml", 0xfc, 1}, {"weierp", 0x2118, 0},
    {"xi", 0x3be, 0}, {"yacute", 0xfd, 1}, {"yen", 0xa5, 1}, {"yuml", 0xff, 1},
    {"zeta", 0x3b6, 0}, {"zwj", 0x200d, 0}, {"zwnj", 0x200c, 0},
};
static const uint16_t rse__cp1252[32] = {
    0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
    0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
    0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
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

RSE__FN uint32_t rse__cp1252_at(uint32_t v) { return rse__cp1252[v - 0x80]; }

RSE__FN uint32_t rse__html_find(const uint32_t *s, size_t n, int legacy_only) {
    size_t lo = 0, hi = sizeof rse__html_ent / sizeof rse__html_ent[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = rse__html_cmp(s, n, rse__html_ent[mid].name);
        if (c == 0) return (!legacy_only || rse__html_ent[mid].legacy) ? rse__html_ent[mid].cp : 0;
        if (c < 0) hi = mid; else lo = mid + 1;
    }
    return 0;
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
    const rse_ckpt_tensor *src;
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
    rse_tensor w, b;   /* float32 (K,C,kh,kw) and (K), BN folded */
    int stride, pad;
} rse__rn_conv;

typedef struct rse__rn_bottleneck {
    rse__rn_conv c1, c2, c3, down;
    int stride, has_down;
} rse__rn_bottleneck;

struct rse_clip {
    rse_ckpt ckpt;
    unsigned char *file;     /* owned file bytes (rse_clip_load), or NULL */
    rse_arena arena;         /* tables and the weights converted at load */
    rse_arena work, scratch; /* per call: activations, tapes; kernel scratch */
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

struct rse_clip_vocab { rse_bpe bpe; };

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
    const rse_ckpt_tensor *t = rse__ckpt_find(&m->ckpt, name);
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

/* Stages ws[0..n) and, if views is not NULL, wraps each as a tensor on t.
   Called again with views == NULL before a segment's backward pass: the
   conversion lands at the same stage offsets, so the recorded views see
   the same values again. */
RSE__FN rse_status rse__clip_stage(rse_clip *m, rse__cw *const *ws, int n, rse_tape *t, rse_tensor **views) {
    size_t off = 0;
    int k;
    for (k = 0; k < n; k++) {
        const rse__cw *w = ws[k];
        float *d = w->f32;
        if (!d) {
            RSE_ASSERT(off + w->numel <= m->stage_cap);
            d = m->stage + off;
            rse__cw_convert(w, 0, w->numel, d);
            off += w->numel;
        }
        if (views && !(views[k] = rse__tensor_wrap(t, d, w->nd, w->shape))) return t->status;
    }
    return RSE_STATUS_OK;
}

RSE__FN rse_status rse__clip_stage_block(rse_clip *m, rse__clip_block *b, rse_tape *t, rse_tensor **views) {
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

RSE__FN rse_tensor *rse__clip_block_fwd(rse_clip *m, rse_tape *t, rse__clip_block *b, rse_tensor *x,
                                        int heads, int causal) {
    rse_tensor *w[RSE__BW_COUNT], *h;
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
RSE__FN rse_tensor *rse__clip_tower_infer(rse_clip *m, rse_tape *t, rse__clip_tower *tw, rse_tensor *x,
                                          int causal, float *trace) {
    int i;
    if (!x) return 0;
    for (i = 0; i < tw->layers; i++) {
        rse_arena_mark mk = rse__arena_get_mark(t->arena);
        rse_tensor *y = rse__clip_block_fwd(m, t, &tw->blk[i], x, tw->heads, causal);
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

RSE__FN rse_tensor *rse__clip_vit(rse_clip *m, rse_tape **tp, int grad, rse_tensor *x,
                                  rse_tensor **outs, float *trace) {
    rse_tape *t = tp[0];
    rse__cw *stem[5];
    rse_tensor *sw[5], *h, *cls, *pos;
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
RSE__FN rse_tensor *rse__rn_relu(rse_tape *t, rse_tensor *x) {
    rse_tensor *mask;
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
RSE__FN rse_tensor *rse__rn_avgpool(rse_tape *t, rse_tensor *x, int k) {
    rse_tensor *w;
    size_t i;
    if (!x || k == 1) return x;
    if (!(w = rse__new4(t, 4, x->shape[1], 1, k, k))) return 0;
    for (i = 0; i < w->n; i++) w->data[i] = 1.0f / (float)(k * k);
    return rse__conv2d(t, x, w, 0, k, 0, x->shape[1]);
}

RSE__FN rse_tensor *rse__rn_convf(rse_tape *t, rse_tensor *x, rse__rn_conv *c, int relu) {
    rse_tensor *y = rse__conv2d(t, x, &c->w, &c->b, c->stride, c->pad, 1);
    return relu ? rse__rn_relu(t, y) : y;
}

/* x (N,3,H,W) normalised -> (N,E). H and W must give the checkpoint's
   attention-pool grid (224 for RN50): its positions are not resized. */
RSE__FN rse_tensor *rse__clip_rn(rse_clip *m, rse_tape *t, rse_tensor *x) {
    rse_tensor *h, *id, *tok, *mean, *pos, *q, *k, *v, *o, *ones;
    rse_tensor *aw[8];
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
RSE__FN void rse__clip_begin(rse_clip *m, rse_tape *t) {
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
    rse_tape t, *tp[RSE__CLIP_MAX_LAYERS + 2];
    rse_tensor *xi, *f;
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
RSE__FN rse_status rse__clip_text_one(rse_clip *m, rse_tape *t, const int32_t *ids, float *out) {
    rse__cw *ws[3];
    rse_tensor *x, *sw[3];
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
    rse_tape t;
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
RSE__FN rse_status rse__clip_seg_backward(rse_tape *t, rse_tensor *y) {
    float *g = y->grad;
    if (!g) return RSE_STATUS_OK; /* nothing flowed back */
    y->grad = 0;
    return rse__backward_seed(t, y, g);
}

enum { RSE__GRAD_NORMALISE = 1 };

/* x (n,3,h,w): pixel values in [0,1] with RSE__GRAD_NORMALISE (CLIP's
   mean/std applied inside, as the guidance does), else already normalised.
   text: one embedding (E), normalised or not. Outputs: cos_out (n), may be
   NULL; grad (n,3,h,w) = d cos_n / d x_n. ViT and ResNet towers. */
RSE__FN rse_status rse__clip_image_grad(rse_clip *m, const float *x, int n, int h, int w, int flags,
                                        const float *text, float *cos_out, float *grad) {
    rse_tape tapes[RSE__CLIP_MAX_LAYERS + 2], *tp[RSE__CLIP_MAX_LAYERS + 2];
    rse_tensor *outs[RSE__CLIP_MAX_LAYERS + 1], *xi, *xn, *f, *tt, *c, *loss;
    rse__cw *ws[3];
    int i, nl, E = m->embed_dim;
    rse_status st;
    if (n < 1 || h < 1 || w < 1) return rse__fail(RSE_STATUS_BAD_ARG, "CLIP gradient: bad size %dx%dx%d", n, h, w);
    nl = m->resnet ? 0 : m->vis.layers;
    rse__clip_begin(m, &tapes[0]);
    for (i = 0; i < nl + 2; i++) { rse__tape_init(&tapes[i], &m->work, &m->scratch); tp[i] = &tapes[i]; }
    if (!(xi = rse__new4(tp[0], 4, n, 3, h, w))) return tp[0]->status;
    memcpy(xi->data, x, xi->n * sizeof(float));
    xi->requires_grad = 1;
    xn = xi;
    if (flags & RSE__GRAD_NORMALISE) {
        rse_tensor *mu = rse__new4(tp[0], 3, 3, 1, 1, 0), *is = rse__new4(tp[0], 3, 3, 1, 1, 0);
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
        rse_tape *th = tp[nl + 1];
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
   rse_rng instead of torch's generator. View v reads draws at fixed
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
typedef struct rse_view_params {
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
} rse_view_params;

/* The draws of one view: a private cursor at the view's block. */
typedef struct { rse_rng r; uint64_t end; } rse__view_cursor;

static float rse__vc_uniform(rse__view_cursor *c) {
    RSE_ASSERT(c->r.pos < c->end); /* more draws than reserved: a bug here */
    return rse__rng_uniform(&c->r);
}

/* torch.randint(lo, hi): uniform in [lo, hi), hi > lo. */
static int rse__vc_randint(rse__view_cursor *c, int lo, int hi) {
    RSE_ASSERT(c->r.pos < c->end && hi > lo);
    return lo + (int)rse__rng_below(&c->r, (uint32_t)(hi - lo));
}

/* Draws view v's parameters for an H x W input and h x w views, reading
   the draws at rng->pos + RSE__VIEW_DRAWS * v (rng is not advanced). The
   order of the draws follows the order of the reference's calls. */
RSE__FN void rse__view_draw(const rse_rng *rng, int v, int H, int W, int h, int w, rse_view_params *p) {
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
RSE__FN rse_tensor *rse__view_apply(rse_tape *t, rse_tensor *x, const rse_view_params *p, int h, int w, int augment) {
    rse_tensor *y = x;
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
static rse_tensor *rse__view_stack(rse_tape *t, rse_tensor **views, int lo, int hi) {
    int mid;
    if (hi - lo == 1) return views[lo];
    mid = lo + (hi - lo) / 2;
    return rse__concat(t, rse__view_stack(t, views, lo, mid), rse__view_stack(t, views, mid, hi), 0);
}

/* The V guidance views of x (1,3,H,W) in [0,1] as one (V,3,h,w) tensor on
   the tape (the gradient flows back to x), h x w the Resize(224,
   max_size=320) size of H x W. Advances rng by RSE__VIEW_DRAWS * V draws. */
RSE__FN rse_status rse__clip_views(rse_tape *t, rse_tensor *x, int nviews, rse_rng *rng, rse_tensor **out) {
    rse_tensor **views;
    int H, W, h, w, v;
    rse_arena_mark m;
    *out = 0;
    if (t->status != RSE_STATUS_OK) return t->status;
    if (!x || x->nd != 4 || x->shape[0] != 1 || x->shape[1] != 3 || x->shape[2] < 1 || x->shape[3] < 1)
        return rse__fail(RSE_STATUS_BAD_ARG, "clip views: the image must be (1,3,H,W) with H, W >= 1");
    if (nviews < 1 || nviews > RSE__VIEW_MAXN || !rng)
        return rse__fail(RSE_STATUS_BAD_ARG, "clip views: view count %d not in 1..%d", nviews, RSE__VIEW_MAXN);
    H = x->shape[2]; W = x->shape[3];
    rse__view_size(H, W, &h, &w);
    m = rse__arena_get_mark(t->scratch);
    views = (rse_tensor **)rse__arena_alloc(t->scratch, (size_t)nviews * sizeof *views);
    if (!views) { rse__tape_fail(t, RSE_STATUS_NOMEM); return RSE_STATUS_NOMEM; }
    for (v = 0; v < nviews; v++) {
        rse_view_params p;
        rse__view_draw(rng, v, H, W, h, w, &p);
        views[v] = rse__view_apply(t, x, &p, h, w, nviews > 1);
        if (!views[v]) break;
    }
    if (v == nviews) *out = rse__view_stack(t, views, 0, nviews);
    rse__arena_release(t->scratch, m);
    rng->pos += (uint64_t)RSE__VIEW_DRAWS * (uint64_t)nviews;
    if (!*out) return t->status != RSE_STATUS_OK ? t->status : RSE_STATUS_INTERNAL;
    return RSE_STATUS_OK;
}
