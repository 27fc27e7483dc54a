/* Tests of the checkpoint readers in clip.c: CRC/Adler, inflate, gzip,
   zlib, zip, the pickle subset, safetensors and half/bfloat16 conversion.
   The shared fixtures (real torch.save and safetensors files made by
   open_clip, and the gzipped vocabulary) are used when present; everything
   hostile is built here in memory, so those checks run without them. */
#include "test.h"

/* A zip of stored entries (method 0), like torch.save but without ZIP64. */
typedef struct { const char *name; const void *data; size_t n; } t_entry;
static t_buf t_zip(const t_entry *e, int ne) {
    t_buf z = {0, 0, 0};
    uint32_t off[16];
    size_t cd, cdn;
    int i;
    for (i = 0; i < ne; i++) {
        off[i] = (uint32_t)z.n;
        t_u32(&z, 0x04034b50); t_u16(&z, 20); t_u16(&z, 0); t_u16(&z, 0); t_u32(&z, 0);
        t_u32(&z, rse__crc32(e[i].data, e[i].n)); t_u32(&z, (uint32_t)e[i].n); t_u32(&z, (uint32_t)e[i].n);
        t_u16(&z, (unsigned)strlen(e[i].name)); t_u16(&z, 0); t_s(&z, e[i].name);
        t_put(&z, e[i].data, e[i].n);
    }
    cd = z.n;
    for (i = 0; i < ne; i++) {
        t_u32(&z, 0x02014b50); t_u16(&z, 20); t_u16(&z, 20); t_u16(&z, 0); t_u16(&z, 0); t_u32(&z, 0);
        t_u32(&z, rse__crc32(e[i].data, e[i].n)); t_u32(&z, (uint32_t)e[i].n); t_u32(&z, (uint32_t)e[i].n);
        t_u16(&z, (unsigned)strlen(e[i].name)); t_u16(&z, 0); t_u16(&z, 0); t_u16(&z, 0); t_u16(&z, 0); t_u32(&z, 0);
        t_u32(&z, off[i]); t_s(&z, e[i].name);
    }
    cdn = z.n - cd;
    t_u32(&z, 0x06054b50); t_u16(&z, 0); t_u16(&z, 0); t_u16(&z, (unsigned)ne); t_u16(&z, (unsigned)ne);
    t_u32(&z, (uint32_t)cdn); t_u32(&z, (uint32_t)cd); t_u16(&z, 0);
    return z;
}

/* ---- pickles ------------------------------------------------------------ */
static void pk_str(t_buf *b, const char *s) { t_u8(b, 'X'); t_u32(b, (uint32_t)strlen(s)); t_s(b, s); }
static void pk_int(t_buf *b, long v) {
    if (v >= 0 && v < 256) { t_u8(b, 'K'); t_u8(b, (unsigned)v); }
    else { t_u8(b, 'J'); t_u32(b, (uint32_t)v); }
}
static void pk_global(t_buf *b, const char *mod, const char *name) { t_u8(b, 'c'); t_s(b, mod); t_u8(b, '\n'); t_s(b, name); t_u8(b, '\n'); }

/* What varies between the hand-built state dicts. */
typedef struct {
    const char *storage_type, *key;
    long numel, offset, size[2], stride[2];
    int ndim;
    const char *name;
} t_pk;

static t_pk t_pk_default(void) {
    t_pk p;
    memset(&p, 0, sizeof p);
    p.storage_type = "FloatStorage"; p.key = "0"; p.numel = 6; p.ndim = 2;
    p.size[0] = 2; p.size[1] = 3; p.stride[0] = 3; p.stride[1] = 1; p.name = "w";
    return p;
}

/* OrderedDict{name: _rebuild_tensor_v2(persid(...), offset, size, stride, False, OrderedDict())} */
static t_buf t_pickle(const t_pk *p) {
    t_buf b = {0, 0, 0};
    int d;
    t_u8(&b, 0x80); t_u8(&b, 2);
    pk_global(&b, "collections", "OrderedDict"); t_u8(&b, 'q'); t_u8(&b, 0);
    t_u8(&b, ')'); t_u8(&b, 'R');
    t_u8(&b, '(');
    pk_str(&b, p->name);
    pk_global(&b, "torch._utils", "_rebuild_tensor_v2");
    t_u8(&b, '('); t_u8(&b, '(');
    pk_str(&b, "storage"); pk_global(&b, "torch", p->storage_type); pk_str(&b, p->key); pk_str(&b, "cpu"); pk_int(&b, p->numel);
    t_u8(&b, 't'); t_u8(&b, 'Q');
    pk_int(&b, p->offset);
    t_u8(&b, '('); for (d = 0; d < p->ndim; d++) pk_int(&b, p->size[d]); t_u8(&b, 't');
    t_u8(&b, '('); for (d = 0; d < p->ndim; d++) pk_int(&b, p->stride[d]); t_u8(&b, 't');
    t_u8(&b, 0x89); t_u8(&b, 'h'); t_u8(&b, 0); t_u8(&b, ')'); t_u8(&b, 'R');
    t_u8(&b, 't'); t_u8(&b, 'R');
    t_u8(&b, 'u'); t_u8(&b, '.');
    return b;
}

static const float t_six[6] = { 0, 1, 2, 3, 4, 5 };

/* Loads a torch-like archive holding the pickle pk (and storage "0" = t_six). */
static rse_status t_load_pickle(const unsigned char *pk, size_t n, rse__ckpt *c) {
    t_entry e[3];
    t_buf z;
    rse_status st;
    e[0].name = "archive/data.pkl"; e[0].data = pk; e[0].n = n;
    e[1].name = "archive/data/0"; e[1].data = t_six; e[1].n = sizeof t_six;
    e[2].name = "archive/version"; e[2].data = "3\n"; e[2].n = 2;
    z = t_zip(e, 3);
    st = rse__ckpt_load_mem(c, z.p, z.n, 0, "test.pt");
    if (!st) rse__ckpt_free(c); /* data would dangle once z is freed */
    free(z.p);
    return st;
}

static rse_status t_load_pk(const t_pk *p) {
    t_buf b = t_pickle(p);
    rse__ckpt c;
    rse_status st = t_load_pickle(b.p, b.n, &c);
    free(b.p);
    return st;
}

static void test_checksums(void) {
    CHECK(rse__crc32("123456789", 9) == 0xCBF43926u, "CRC-32 check value");
    CHECK(rse__adler32(1, (const unsigned char *)"Wikipedia", 9) == 0x11E60398u, "Adler-32 of 'Wikipedia'");
    {   /* slice-by-8 and byte-at-a-time agree at every length and offset */
        unsigned char d[64];
        rse__crc32_tab T;
        int i, ok = 1;
        uint32_t c1, c2;
        rse__crc32_init(&T);
        for (i = 0; i < 64; i++) d[i] = (unsigned char)(i * 37 + 11);
        for (i = 0; i <= 64; i++) {
            int j;
            c1 = rse__crc32_update(&T, 0, d, (size_t)i);
            c2 = 0;
            for (j = 0; j < i; j++) c2 = rse__crc32_update(&T, c2, d + j, 1);
            ok &= c1 == c2;
        }
        CHECK(ok, "CRC-32 incremental == one-shot");
    }
}

/* Decodes a raw deflate stream; returns the status, output in *out. */
static rse_status t_inflate(const char *s, size_t n, unsigned char **out, size_t *on, size_t cap) {
    *out = 0; *on = 0;
    return rse__inflate(s, n, 0, out, on, cap);
}

static const char t_dyn[] =
    "\x6d\x52\xd1\x0e\xc2\x30\x08\xfc\x95\xfe\x1a\xba\x76\x36\x56\x6b\x58\x63\xe2\xdf\x5b\xe0\xca\xba\xe9\xc3\xd2\x70\x1c\xdc\x01\x4b"
    "\x95\xe3\xd6\xc2\x85\xf3\xb2\xc6\x50\xe8\x1e\x03\xe7\x77\xe4\x70\xcd\xed\x33\x60\xae\xb4\x84\x76\x8b\x23\xce\x0f\x5a\x3d\xd8\xa8"
    "\xc5\x52\x72\x8b\x81\x9e\x8b\x51\x29\xf3\xab\x72\xb3\x76\xc9\x14\xf0\xd4\x64\x14\x4d\x49\x81\x49\x0a\x94\x88\x1f\x45\x20\x51\xd2"
    "\x5e\x6a\x04\x85\x02\x1a\xe0\x55\x5e\xd0\x9b\xee\x2e\xb4\x1a\x16\x51\xf0\xc7\x2a\x1c\xd2\xc9\xbe\x7e\xc8\xa9\x29\x54\x76\x85\x59"
    "\x8d\xf6\xe8\x08\xcf\x0b\x9b\xf6\x68\x6e\x76\x29\x4b\xd9\xd4\x36\xde\x10\x15\xf7\xde\x92\x7c\x15\x23\xed\x29\xdf\x9f\x23\x90\x56"
    "\x3d\xcd\x02\x38\x13\x20\xa8\x3c\x69\x7f\x5a\x00\x84\x40\x16\x82\x9c\x4c\xfd\xca\x84\x9d\xf2\xa3\x70\xf8\x2b\x3a\x49\x67\xd8\xaf"
    "\x36\x69\xfb\xda\xf1\x5a\x09\x6e\xa5\x7f\x0e\xce\xaf\x81\xe1\x2a\x87\x83\x7e\x01";
#define T_DYN_LEN 212
#define T_DYN_OUT 686
#define T_DYN_CRC 0x7c751346u /* zlib.crc32 of the 686 bytes */

static void test_inflate(void) {
    unsigned char *o;
    size_t on, i, used;
    rse_status st;
    int crashfree = 1;
    /* stored block "hello" */
    st = t_inflate("\x01\x05\x00\xfa\xffhello", 10, &o, &on, 100);
    CHECK(st == 0 && on == 5 && memcmp(o, "hello", 5) == 0, "stored block: %s", rse_last_error());
    free(o);
    /* fixed Huffman (zlib level 9, Z_FIXED) */
    st = t_inflate("\xcb\x48\xcd\xc9\xc9\x57\xc8\x40\x27\x01", 10, &o, &on, 100);
    CHECK(st == 0 && on == 23 && memcmp(o, "hello hello hello hello", 23) == 0, "fixed block: %s", rse_last_error());
    free(o);
    /* dynamic Huffman, with its consumed length */
    o = 0; on = 0;
    st = rse__inflate(t_dyn, T_DYN_LEN, &used, &o, &on, 1 << 20);
    CHECK(st == 0 && on == T_DYN_OUT && used == T_DYN_LEN && rse__crc32(o, on) == T_DYN_CRC, "dynamic block: %s", rse_last_error());
    free(o);
    /* exact-size output (zip entries) */
    {
        unsigned char buf[T_DYN_OUT];
        CHECK(rse__inflate_exact(t_dyn, T_DYN_LEN, 0, buf, T_DYN_OUT) == 0, "inflate_exact: %s", rse_last_error());
        CHECK(rse__inflate_exact(t_dyn, T_DYN_LEN, 0, buf, T_DYN_OUT - 1) == RSE_STATUS_BAD_FORMAT, "inflate_exact too small refused");
    }
    /* every truncation fails cleanly (TRUNCATED, or BAD_FORMAT when the cut
       makes a header read as nonsense) */
    for (i = 0; i < T_DYN_LEN; i++) {
        st = t_inflate(t_dyn, i, &o, &on, 1 << 20);
        crashfree &= st == RSE_STATUS_TRUNCATED || st == RSE_STATUS_BAD_FORMAT;
        free(o);
    }
    CHECK(crashfree, "all %d truncations of a dynamic stream refused", T_DYN_LEN);
    /* every single-bit flip either fails or decodes to at most the cap */
    crashfree = 1;
    for (i = 0; i < T_DYN_LEN * 8; i++) {
        char m[T_DYN_LEN];
        memcpy(m, t_dyn, T_DYN_LEN);
        m[i / 8] ^= (char)(1 << (i % 8));
        st = t_inflate(m, T_DYN_LEN, &o, &on, 4096);
        crashfree &= st == 0 ? on <= 4096 : (o == 0 && on == 0);
        free(o);
    }
    CHECK(crashfree, "bit flips give an error or bounded output");
    st = t_inflate("\x07\x00", 2, &o, &on, 100);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "block type"), "block type 3: %s", rse_last_error());
    st = t_inflate("\x01\x05\x00\x00\x00hello", 10, &o, &on, 100);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "complement"), "stored LEN/NLEN: %s", rse_last_error());
    st = t_inflate("\x01\x05\x00\xfa\xffhel", 8, &o, &on, 100);
    CHECK(st == RSE_STATUS_TRUNCATED, "stored block past the end: %s", rse_last_error());
    st = t_inflate("\x03\x02", 2, &o, &on, 100);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "too far back"), "distance beyond output: %s", rse_last_error());
    st = t_inflate("\x05\xe0\x93\x24\x49\x92\x24\x49\x92\x00", 10, &o, &on, 100);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "over-subscribed"), "over-subscribed code: %s", rse_last_error());
    st = t_inflate("\x05\xe0\x01\x04\x00\x00\x00\x40\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                   "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04\x00\x00", 44, &o, &on, 100);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "incomplete"), "incomplete code: %s", rse_last_error());
    st = t_inflate("\x05\xe0\x01\x04\x00\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x18\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                   "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 44, &o, &on, 100);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "end-of-block"), "missing end-of-block: %s", rse_last_error());
    st = t_inflate(t_dyn, T_DYN_LEN, &o, &on, 100);
    CHECK(st == RSE_STATUS_LIMIT && o == 0, "output cap: %s", rse_last_error());
}

static void test_gzip_zlib(void) {
    t_buf g = {0, 0, 0};
    unsigned char *o;
    size_t on, mark;
    rse_status st;
    /* a member with every optional header field and a valid header CRC */
    t_u8(&g, 0x1f); t_u8(&g, 0x8b); t_u8(&g, 8); t_u8(&g, 2 | 4 | 8 | 16); t_u32(&g, 0); t_u8(&g, 0); t_u8(&g, 3);
    t_u16(&g, 4); t_put(&g, "ab\0c", 4); /* FEXTRA: 4 bytes */
    t_s(&g, "name.txt"); t_u8(&g, 0); t_s(&g, "a comment"); t_u8(&g, 0);
    t_u16(&g, rse__crc32(g.p, g.n) & 0xffff);
    t_put(&g, t_dyn, T_DYN_LEN); t_u32(&g, T_DYN_CRC); t_u32(&g, T_DYN_OUT);
    mark = g.n;
    st = rse__gunzip(g.p, g.n, &o, &on, 1 << 20);
    CHECK(st == 0 && on == T_DYN_OUT, "gzip with FEXTRA/FNAME/FCOMMENT/FHCRC: %s", rse_last_error());
    free(o);
    /* two members concatenate */
    t_put(&g, g.p, mark);
    st = rse__gunzip(g.p, g.n, &o, &on, 1 << 20);
    CHECK(st == 0 && on == 2 * T_DYN_OUT, "two gzip members: %s", rse_last_error());
    free(o);
    g.n = mark;
    g.p[mark - 8] ^= 1; /* CRC */
    st = rse__gunzip(g.p, g.n, &o, &on, 1 << 20);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "CRC-32"), "gzip CRC mismatch: %s", rse_last_error());
    g.p[mark - 8] ^= 1;
    g.p[mark - 4] ^= 1; /* ISIZE */
    st = rse__gunzip(g.p, g.n, &o, &on, 1 << 20);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "ISIZE"), "gzip ISIZE mismatch: %s", rse_last_error());
    g.p[mark - 4] ^= 1;
    g.p[12] ^= 1; /* inside FEXTRA: header CRC now wrong */
    st = rse__gunzip(g.p, g.n, &o, &on, 1 << 20);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "header CRC"), "gzip header CRC: %s", rse_last_error());
    g.p[12] ^= 1;
    g.p[3] |= 0x20;
    st = rse__gunzip(g.p, g.n, &o, &on, 1 << 20);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "reserved"), "gzip reserved flag: %s", rse_last_error());
    g.p[3] &= ~0x20;
    st = rse__gunzip(g.p, g.n - 3, &o, &on, 1 << 20);
    CHECK(st == RSE_STATUS_TRUNCATED && o == 0, "gzip trailer cut: %s", rse_last_error());
    st = rse__gunzip(g.p, 20, &o, &on, 1 << 20);
    CHECK(st == RSE_STATUS_TRUNCATED, "gzip header cut: %s", rse_last_error());
    g.p[0] = 0x1e;
    st = rse__gunzip(g.p, g.n, &o, &on, 1 << 20);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "magic"), "gzip magic: %s", rse_last_error());
    free(g.p);
    {   /* zlib: good, bad Adler, preset dictionary */
        static const char z[] = "\x78\x9c\xab\xca\xc9\x4c\x52\x28\x2f\x4a\x2c\x28\x48\x4d\x51\x28\x49\xad\x28\xd1\x51\xa8\x42\x17\x02\x00\xfb\xd1\x0d\x9f";
        char m[sizeof z];
        size_t used;
        st = rse__zlib_decompress(z, sizeof z - 1, &used, &o, &on, 1000);
        CHECK(st == 0 && on == 36 && memcmp(o, "zlib wrapped text, zlib wrapped text", 36) == 0 && used == sizeof z - 1,
              "zlib stream: %s", rse_last_error());
        free(o);
        memcpy(m, z, sizeof z);
        m[sizeof z - 2] ^= 1;
        st = rse__zlib_decompress(m, sizeof z - 1, 0, &o, &on, 1000);
        CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "Adler"), "zlib Adler mismatch: %s", rse_last_error());
        st = rse__zlib_decompress("\x78\xbb\x00\x00\x00\x00\x00", 7, 0, &o, &on, 1000);
        CHECK(st == RSE_STATUS_UNSUPPORTED, "zlib preset dictionary refused: %s", rse_last_error());
        st = rse__zlib_decompress("\x78\x9d\x00\x00\x00\x00\x00", 7, 0, &o, &on, 1000);
        CHECK(st == RSE_STATUS_BAD_FORMAT, "zlib header check: %s", rse_last_error());
    }
}

static void test_vocab_gz(void) {
    size_t n, on;
    unsigned char *b = t_read(RSE_SHARED "/data/clip/bpe_simple_vocab_16e6.txt.gz", &n), *o;
    rse_status st;
    if (!b) { SKIP("vocabulary not found under %s", RSE_SHARED); return; }
    st = rse__gunzip(b, n, &o, &on, (size_t)64 << 20);
    /* Length and CRC from SOURCE.md / Python's zlib.crc32 (independent of
       the CRC the gzip trailer already made us check). */
    CHECK(st == 0 && on == 3194984 && rse__crc32(o, on) == 0xe7f18a90u, "vocab gunzip: %s", rse_last_error());
    free(o);
    st = rse__gunzip(b, n, &o, &on, 1 << 20);
    CHECK(st == RSE_STATUS_LIMIT, "vocab gunzip over a 1 MB cap refused: %s", rse_last_error());
    free(b);
}

/* A zip with one deflated entry (method 8), read through the zip layer. */
static void test_zip_deflate(void) {
    t_buf z = {0, 0, 0};
    rse__zip zp;
    rse__arena a;
    const char *name = "archive/data/0";
    rse__zip_entry *e;
    const unsigned char *d;
    size_t dn, cd, cdn;
    rse_status st;
    t_u32(&z, 0x04034b50); t_u16(&z, 20); t_u16(&z, 0); t_u16(&z, 8); t_u32(&z, 0);
    t_u32(&z, T_DYN_CRC); t_u32(&z, T_DYN_LEN); t_u32(&z, T_DYN_OUT); t_u16(&z, 14); t_u16(&z, 0); t_s(&z, name);
    t_put(&z, t_dyn, T_DYN_LEN);
    cd = z.n;
    t_u32(&z, 0x02014b50); t_u16(&z, 20); t_u16(&z, 20); t_u16(&z, 0); t_u16(&z, 8); t_u32(&z, 0);
    t_u32(&z, T_DYN_CRC); t_u32(&z, T_DYN_LEN); t_u32(&z, T_DYN_OUT); t_u16(&z, 14); t_u16(&z, 0); t_u16(&z, 0);
    t_u16(&z, 0); t_u16(&z, 0); t_u32(&z, 0); t_u32(&z, 0); t_s(&z, name);
    cdn = z.n - cd;
    t_u32(&z, 0x06054b50); t_u16(&z, 0); t_u16(&z, 0); t_u16(&z, 1); t_u16(&z, 1);
    t_u32(&z, (uint32_t)cdn); t_u32(&z, (uint32_t)cd); t_u16(&z, 5); t_s(&z, "PK\5\6!"); /* a comment that looks like an EOCD */
    rse__arena_init(&a, 0, 0);
    st = rse__zip_open(&zp, z.p, z.n, &a);
    CHECK(st == 0, "zip with a comment: %s", rse_last_error());
    e = st ? 0 : rse__zip_find(&zp, name, strlen(name));
    CHECK(e && e->method == 8, "deflated entry found");
    if (e) {
        st = rse__zip_read(&zp, e, &a, 0, &d, &dn);
        CHECK(st == 0 && dn == T_DYN_OUT && rse__crc32(d, dn) == T_DYN_CRC, "deflated entry read: %s", rse_last_error());
        e->crc ^= 1;
        st = rse__zip_read(&zp, e, &a, 0, &d, &dn);
        CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "CRC"), "deflated entry CRC checked: %s", rse_last_error());
        e->crc ^= 1;
        /* a size deflate cannot reach from these compressed bytes: refused
           before the allocation it asks for */
        e->usize = (uint64_t)T_DYN_LEN * 1032 + 1032 * 65;
        st = rse__zip_read(&zp, e, &a, 0, &d, &dn);
        CHECK(st == RSE_STATUS_LIMIT && strstr(rse_last_error(), "deflate cannot"), "zip bomb size refused: %s",
              rse_last_error());
        e->usize = T_DYN_OUT;
    }
    /* a directory entry claiming a huge count */
    z.p[z.n - 5 - 22 + 10] = 0xff; z.p[z.n - 5 - 22 + 11] = 0xff;
    z.p[z.n - 5 - 22 + 8] = 0xff; z.p[z.n - 5 - 22 + 9] = 0xff;
    rse__arena_reset(&a);
    st = rse__zip_open(&zp, z.p, z.n, &a);
    CHECK(st == RSE_STATUS_BAD_FORMAT, "zip entry count beyond the directory: %s", rse_last_error());
    rse__arena_free(&a);
    free(z.p);
}

static void test_pickle_hostile(void) {
    t_pk p = t_pk_default();
    t_buf b;
    rse__ckpt c;
    rse_status st;
    size_t i;
    int ok = 1;
    /* the baseline loads, with the right values */
    b = t_pickle(&p);
    {
        t_entry e[3];
        t_buf z;
        float v[6];
        e[0].name = "arch/data.pkl"; e[0].data = b.p; e[0].n = b.n;
        e[1].name = "arch/data/0"; e[1].data = t_six; e[1].n = sizeof t_six;
        e[2].name = "arch/version"; e[2].data = "3\n"; e[2].n = 2;
        z = t_zip(e, 3);
        st = rse__ckpt_load_mem(&c, z.p, z.n, 0, "baseline.pt");
        CHECK(st == 0 && c.n == 1, "hand-built state dict loads: %s", rse_last_error());
        if (!st) {
            const rse__ckpt_tensor *t = rse__ckpt_find(&c, "w");
            CHECK(t && t->ndim == 2 && t->shape[0] == 2 && t->shape[1] == 3 && !rse__ckpt_to_f32(t, v, 6) && v[5] == 5.0f,
                  "hand-built tensor");
            CHECK(!rse__ckpt_find(&c, "x"), "unknown name not found");
            rse__ckpt_free(&c);
        }
        /* every truncation of the archive fails cleanly */
        for (i = 0; i < z.n; i++) {
            st = rse__ckpt_load_mem(&c, z.p, i, 0, "cut.pt");
            ok &= st != RSE_STATUS_OK;
        }
        CHECK(ok, "all %zu truncations of a .pt refused", z.n);
        free(z.p);
    }
    /* every truncation of the pickle fails cleanly */
    ok = 1;
    for (i = 0; i + 1 < b.n; i++) {
        st = t_load_pickle(b.p, i, &c);
        ok &= st == RSE_STATUS_TRUNCATED || st == RSE_STATUS_BAD_FORMAT;
    }
    CHECK(ok, "all %zu truncations of the pickle refused", b.n - 1);
    /* every single-byte change: error or a clean load, never a crash */
    for (i = 0; i < b.n; i++) {
        unsigned char save = b.p[i];
        int k;
        for (k = 0; k < 4; k++) {
            b.p[i] = (unsigned char)(k == 0 ? save ^ 0x80 : k == 1 ? save + 1 : k == 2 ? 0xff : 0);
            st = t_load_pickle(b.p, b.n, &c);
        }
        b.p[i] = save;
    }
    CHECK(1, "single-byte pickle mutations survived (sanitizers check memory)");
    free(b.p);

    /* forbidden globals */
    {
        t_buf q = {0, 0, 0};
        t_u8(&q, 0x80); t_u8(&q, 2); pk_global(&q, "os", "system"); pk_str(&q, "echo pwned"); t_u8(&q, 0x85); t_u8(&q, 'R'); t_u8(&q, '.');
        st = t_load_pickle(q.p, q.n, &c);
        CHECK(st == RSE_STATUS_UNSUPPORTED && strstr(rse_last_error(), "refusing pickle global 'os.system'"),
              "os.system refused: %s", rse_last_error());
        q.n = 0;
        t_u8(&q, 0x80); t_u8(&q, 4); t_u8(&q, 0x8c); t_u8(&q, 8); t_s(&q, "builtins"); t_u8(&q, 0x8c); t_u8(&q, 4); t_s(&q, "eval");
        t_u8(&q, 0x93); t_u8(&q, '.');
        st = t_load_pickle(q.p, q.n, &c);
        CHECK(st == RSE_STATUS_UNSUPPORTED && strstr(rse_last_error(), "'builtins.eval'"), "STACK_GLOBAL builtins.eval refused: %s", rse_last_error());
        q.n = 0;
        t_u8(&q, 0x80); t_u8(&q, 2); pk_global(&q, "torch", "FloatStorage"); t_u8(&q, ')'); t_u8(&q, 'R'); t_u8(&q, '.');
        st = t_load_pickle(q.p, q.n, &c);
        CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "cannot be called"), "calling a storage type refused: %s", rse_last_error());
        q.n = 0;
        t_u8(&q, 0x80); t_u8(&q, 2); t_u8(&q, 0xfe); t_u8(&q, '.');
        st = t_load_pickle(q.p, q.n, &c);
        CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "opcode 0xfe"), "unknown opcode: %s", rse_last_error());
        q.n = 0;
        t_u8(&q, 0x80); t_u8(&q, 2); t_u8(&q, 'j'); t_u32(&q, 1000); t_u8(&q, '.');
        st = t_load_pickle(q.p, q.n, &c);
        CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "memo"), "undefined memo index: %s", rse_last_error());
        q.n = 0;
        t_u8(&q, 0x80); t_u8(&q, 2); t_u8(&q, '}'); t_u8(&q, 'r'); t_u32(&q, 0xfffffff0u); t_u8(&q, '.');
        st = t_load_pickle(q.p, q.n, &c);
        CHECK(st == RSE_STATUS_LIMIT, "huge memo index: %s", rse_last_error());
        q.n = 0;
        t_u8(&q, 0x80); t_u8(&q, 2); for (i = 0; i < 70000; i++) t_u8(&q, '('); t_u8(&q, '.');
        st = t_load_pickle(q.p, q.n, &c);
        CHECK(st == RSE_STATUS_LIMIT, "70000 nested MARKs: %s", rse_last_error());
        q.n = 0;
        t_u8(&q, 0x80); t_u8(&q, 2); t_u8(&q, 'X'); t_u32(&q, 0x7fffffff); t_s(&q, "abc");
        st = t_load_pickle(q.p, q.n, &c);
        CHECK(st == RSE_STATUS_TRUNCATED, "string length past the end: %s", rse_last_error());
        q.n = 0;
        t_u8(&q, 0x80); t_u8(&q, 2); t_u8(&q, 't'); t_u8(&q, '.');
        st = t_load_pickle(q.p, q.n, &c);
        CHECK(st == RSE_STATUS_BAD_FORMAT, "TUPLE without MARK: %s", rse_last_error());
        q.n = 0;
        t_u8(&q, 0x80); t_u8(&q, 2); t_u8(&q, '}'); t_u8(&q, '('); t_u8(&q, 'R'); t_u8(&q, '.');
        st = t_load_pickle(q.p, q.n, &c);
        CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "underflow"), "pop across a MARK: %s", rse_last_error());
        free(q.p);
    }
    /* bad persistent ids and views */
    p = t_pk_default(); p.key = "../0";
    st = t_load_pk(&p);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "storage key"), "storage key with '/': %s", rse_last_error());
    p = t_pk_default(); p.key = "7";
    st = t_load_pk(&p);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "missing"), "missing storage: %s", rse_last_error());
    p = t_pk_default(); p.numel = 7;
    st = t_load_pk(&p);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "holds 24 bytes"), "numel disagrees with the data size: %s", rse_last_error());
    p = t_pk_default(); p.storage_type = "HalfStorage";
    st = t_load_pk(&p);
    CHECK(st == RSE_STATUS_BAD_FORMAT, "dtype disagrees with the data size: %s", rse_last_error());
    p = t_pk_default(); p.offset = 1;
    st = t_load_pk(&p);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "exceeds its storage"), "offset out of range: %s", rse_last_error());
    p = t_pk_default(); p.size[0] = 3;
    st = t_load_pk(&p);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "exceeds its storage"), "shape larger than the storage: %s", rse_last_error());
    p = t_pk_default(); p.stride[0] = 0x7fffffff;
    st = t_load_pk(&p);
    CHECK(st == RSE_STATUS_BAD_FORMAT, "huge stride: %s", rse_last_error());
    p = t_pk_default(); p.stride[0] = 0; p.stride[1] = 0; p.size[0] = 6; p.size[1] = 6;
    st = t_load_pk(&p);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "more elements"), "zero strides (expand) refused: %s", rse_last_error());
    p = t_pk_default(); p.storage_type = "Storage";
    st = t_load_pk(&p);
    CHECK(st == RSE_STATUS_UNSUPPORTED && strstr(rse_last_error(), "torch.Storage"), "unknown storage type: %s", rse_last_error());
    p = t_pk_default(); p.stride[0] = 1; p.stride[1] = 2; /* a transposed view: gathered */
    {
        t_buf q = t_pickle(&p);
        t_entry e[2];
        t_buf z;
        float v[6];
        e[0].name = "a/data.pkl"; e[0].data = q.p; e[0].n = q.n;
        e[1].name = "a/data/0"; e[1].data = t_six; e[1].n = sizeof t_six;
        z = t_zip(e, 2);
        st = rse__ckpt_load_mem(&c, z.p, z.n, 0, "view.pt");
        CHECK(st == 0 && c.t[0].copied && !rse__ckpt_to_f32(&c.t[0], v, 6) && v[0] == 0 && v[1] == 2 && v[2] == 4 && v[3] == 1,
              "strided view gathered: %s", rse_last_error());
        if (!st) rse__ckpt_free(&c);
        /* flip a storage byte: the CRC catches it, unless CRCs are off */
        z.p[30 + 10 + q.n + 30 + 8 + 4] ^= 1;
        st = rse__ckpt_load_mem(&c, z.p, z.n, 0, "view.pt");
        CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "CRC-32 mismatch in entry 'a/data/0'"), "storage CRC: %s", rse_last_error());
        st = rse__ckpt_load_mem(&c, z.p, z.n, RSE_CKPT_NO_CRC, "view.pt");
        CHECK(st == 0, "RSE_CKPT_NO_CRC skips it: %s", rse_last_error());
        if (!st) rse__ckpt_free(&c);
        free(z.p); free(q.p);
    }
    st = rse__ckpt_load_mem(&c, "\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 14, 0, "old.pt");
    CHECK(st == RSE_STATUS_UNSUPPORTED && strstr(rse_last_error(), "legacy"), "legacy torch.save refused: %s", rse_last_error());
    st = rse__ckpt_load_mem(&c, "hello world", 11, 0, "x.bin");
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "x.bin: "), "unknown format named: %s", rse_last_error());
}

/* safetensors built from a header string and data size. */
static rse_status t_st(const char *hdr, size_t data_n, rse__ckpt *c) {
    t_buf b = {0, 0, 0};
    rse_status st;
    size_t i;
    t_u64(&b, strlen(hdr)); t_s(&b, hdr);
    for (i = 0; i < data_n; i++) t_u8(&b, (unsigned)i);
    st = rse__ckpt_load_mem(c, b.p, b.n, 0, "t.safetensors");
    if (!st) rse__ckpt_free(c);
    free(b.p);
    return st;
}

static void test_safetensors_hostile(void) {
    rse__ckpt c;
    rse_status st;
    st = t_st("{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
              "\"b\\u00e9\\ud83d\\ude00\":{\"shape\":[],\"dtype\":\"F32\",\"data_offsets\":[4,8]}}   ", 8, &c);
    CHECK(st == 0, "valid safetensors with metadata, escapes, padding: %s", rse_last_error());
    st = t_st("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[2,6]}}", 6, &c);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "overlaps"), "overlapping tensors: %s", rse_last_error());
    st = t_st("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[2,6]}}", 6, &c);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "gap"), "gap before a tensor: %s", rse_last_error());
    st = t_st("{\"a\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,4]}}", 4, &c);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "do not fit"), "shape disagrees with the offsets: %s", rse_last_error());
    st = t_st("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,400]}}", 4, &c);
    CHECK(st == RSE_STATUS_BAD_FORMAT, "offsets past the file: %s", rse_last_error());
    st = t_st("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 8, &c);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "cover"), "unused trailing data: %s", rse_last_error());
    st = t_st("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2, &c);
    CHECK(st == RSE_STATUS_UNSUPPORTED && strstr(rse_last_error(), "F8_E4M3"), "unknown dtype named: %s", rse_last_error());
    st = t_st("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4],\"extra\":1}}", 4, &c);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "'extra'"), "unknown field: %s", rse_last_error());
    st = t_st("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}x", 4, &c);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "trailing"), "trailing garbage: %s", rse_last_error());
    st = t_st("{\"a\":{\"dtype\":\"F16\",\"shape\":[-2],\"data_offsets\":[0,4]}}", 4, &c);
    CHECK(st == RSE_STATUS_BAD_FORMAT, "negative dimension: %s", rse_last_error());
    st = t_st("{\"a\":{\"dtype\":\"F16\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}", 4, &c);
    CHECK(st == RSE_STATUS_BAD_FORMAT, "huge dimension: %s", rse_last_error());
    st = t_st("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F16\",\"shape\":[0],\"data_offsets\":[4,4]}}", 4, &c);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "duplicate"), "duplicate name: %s", rse_last_error());
    st = t_st("{\"a\\ud800\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, &c);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "surrogate"), "lone surrogate: %s", rse_last_error());
    st = t_st("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]", 4, &c);
    CHECK(st == RSE_STATUS_BAD_FORMAT, "unterminated header: %s", rse_last_error());
    {   /* header length beyond the file */
        unsigned char h[16] = { 0xff, 0xff, 0, 0, 0, 0, 0, 0, '{', '}' };
        st = rse__ckpt_load_mem(&c, h, 10, 0, "t.safetensors");
        CHECK(st == RSE_STATUS_TRUNCATED, "header length past the end: %s", rse_last_error());
    }
}

static void test_half(void) {
    uint32_t i;
    int ok = 1, rt = 1;
    float s[64], v[64];
    uint16_t h[64];
    CHECK(rse__f16_to_f32(0x3c00) == 1.0f && rse__f16_to_f32(0xc000) == -2.0f && rse__f16_to_f32(0x7bff) == 65504.0f &&
          rse__f16_to_f32(0x0400) == ldexpf(1, -14) && rse__f16_to_f32(0x0001) == ldexpf(1, -24) &&
          rse__f16_to_f32(0x03ff) == ldexpf(1023, -24) && isinf(rse__f16_to_f32(0x7c00)) && isnan(rse__f16_to_f32(0x7e00)) &&
          signbit(rse__f16_to_f32(0x8000)), "half special values");
    CHECK(rse__bf16_to_f32(0x4049) == 3.140625f && rse__bf16_to_f32(0xbf00) == -0.5f, "bfloat16 values");
    /* All 65536 halves: the vector path equals the scalar one bit for bit,
       and float -> half -> float is the identity on every non-NaN. */
    for (i = 0; i < 65536; i += 64) {
        int j;
        for (j = 0; j < 64; j++) h[j] = (uint16_t)(i + (uint32_t)j);
        rse__f16_to_f32_n_scalar(s, h, 64);
        rse__f16_to_f32_n(v, h, 64);
        ok &= memcmp(s, v, sizeof s) == 0;
        for (j = 0; j < 64; j++) if (!isnan(s[j])) rt &= rse__f32_to_f16(s[j]) == h[j];
    }
    CHECK(ok, "F16C path (%s) matches the scalar conversion on all 65536 halves", RSE__HAVE_F16C ? "on" : "off: both scalar");
    CHECK(rt, "half -> float -> half round trip");
    /* rounding to nearest even, overflow and underflow */
    CHECK(rse__f32_to_f16(1.0f + ldexpf(1, -11)) == 0x3c00 && rse__f32_to_f16(1.0f + 3 * ldexpf(1, -11)) == 0x3c02 &&
          rse__f32_to_f16(65520.0f) == 0x7c00 && rse__f32_to_f16(65519.0f) == 0x7bff &&
          rse__f32_to_f16(ldexpf(1, -25)) == 0 && rse__f32_to_f16(ldexpf(3, -26)) == 1, "f32 -> f16 rounding");
}

/* ---- the shared fixtures -------------------------------------------------- */

typedef struct { unsigned char *buf; size_t n; rse__ckpt c; int ok; } t_fix;

static void t_fix_load(t_fix *f, const char *name) {
    char path[512];
    rse_status st;
    snprintf(path, sizeof path, "%s/data/clip/fixtures/%s", RSE_SHARED, name);
    f->ok = 0;
    f->buf = t_read(path, &f->n);
    if (!f->buf) return;
    st = rse__ckpt_load_mem(&f->c, f->buf, f->n, 0, name);
    CHECK(st == 0, "load %s: %s", name, rse_last_error());
    f->ok = st == 0;
}
static void t_fix_free(t_fix *f) {
    if (f->ok) rse__ckpt_free(&f->c);
    free(f->buf);
}

/* The tensor's values as floats (malloc'ed). */
static float *t_vals(const rse__ckpt_tensor *t) {
    float *v = (float *)malloc((t->numel ? t->numel : 1) * sizeof *v);
    if (rse__ckpt_to_f32(t, v, t->numel)) { free(v); return 0; }
    return v;
}

static void test_fixtures(void) {
    t_fix f32, f16, st, rc, wr;
    size_t i, n_keys = 0;
    char *keys;
    size_t kn;
    t_fix_load(&f32, "tiny_vit_fp32.pt");
    if (!f32.buf) { SKIP("clip fixtures not found under %s", RSE_SHARED); return; }
    t_fix_load(&f16, "tiny_vit_fp16.pt");
    t_fix_load(&st, "tiny_vit_fp16.safetensors");
    t_fix_load(&rc, "reader_cases.pt");
    t_fix_load(&wr, "reader_cases_wrapped.pt");
    if (!(f32.ok && f16.ok && st.ok && rc.ok && wr.ok)) goto done;

    /* The tiny model's keys: exactly the ViT-B-32 keys of
       state_dict_keys_ViT-B-32.tsv with block index < 2 (2 layers in both
       towers), with shapes from tiny_vit_open_clip_config.json. */
    keys = (char *)t_read(RSE_SHARED "/data/clip/state_dict_keys_ViT-B-32.tsv", &kn);
    CHECK(keys != 0, "state_dict_keys_ViT-B-32.tsv readable");
    if (keys) {
        char *line = keys, *nl;
        int missing = 0, ndim_bad = 0;
        keys[kn] = 0;
        for (; line && *line; line = nl ? nl + 1 : 0) {
            char *tab = strchr(line, '\t'), *sh;
            const rse__ckpt_tensor *t;
            const char *blk;
            int nd = 0;
            nl = strchr(line, '\n');
            if (nl) *nl = 0;
            if (!tab) continue;
            *tab = 0;
            blk = strstr(line, "resblocks.");
            if (blk && atoi(blk + 10) >= 2) continue;
            n_keys++;
            t = rse__ckpt_find(&f32.c, line);
            if (!t) { missing++; printf("  missing key %s\n", line); continue; }
            for (sh = tab + 1; *sh && *sh != '\t'; sh++) if (*sh >= '0' && *sh <= '9' && (sh[-1] == '[' || sh[-1] == ' ')) nd++;
            ndim_bad += nd != t->ndim;
        }
        CHECK(missing == 0 && n_keys == f32.c.n, "tiny model keys = ViT-B-32 keys of blocks 0..1 (%zu expected, %zu loaded)", n_keys, f32.c.n);
        CHECK(ndim_bad == 0, "tensor ranks agree with the ViT-B-32 key list (%d differ)", ndim_bad);
        free(keys);
    }
    {
        const rse__ckpt_tensor *t;
        t = rse__ckpt_find(&f32.c, "visual.conv1.weight");
        CHECK(t && t->ndim == 4 && t->shape[0] == 64 && t->shape[1] == 3 && t->shape[2] == 32 && t->shape[3] == 32, "conv1 [64,3,32,32]");
        t = rse__ckpt_find(&f32.c, "token_embedding.weight");
        CHECK(t && t->ndim == 2 && t->shape[0] == 49408 && t->shape[1] == 32, "token_embedding [49408,32]");
        t = rse__ckpt_find(&f32.c, "visual.positional_embedding");
        CHECK(t && t->ndim == 2 && t->shape[0] == 50 && t->shape[1] == 64, "visual.positional_embedding [50,64]");
        t = rse__ckpt_find(&f32.c, "transformer.resblocks.1.attn.in_proj_weight");
        CHECK(t && t->ndim == 2 && t->shape[0] == 96 && t->shape[1] == 32, "text in_proj [96,32]");
        t = rse__ckpt_find(&f32.c, "logit_scale");
        CHECK(t && t->ndim == 0 && t->numel == 1, "logit_scale is 0-dim");
        /* fp32 tensors are used in place, 64-byte aligned in the file */
        CHECK(t && !t->copied && t->data >= f32.buf && t->data < f32.buf + f32.n && ((size_t)(t->data - f32.buf) % 64) == 0,
              "fp32 data zero-copy and aligned");
    }
    /* The three files decode to identical floats (all weights are
       fp16-exact, manifest note), and safetensors bytes equal the .pt's. */
    {
        int same = 1, bytes = 1, dt = 1;
        for (i = 0; i < f32.c.n; i++) {
            const rse__ckpt_tensor *a = &f32.c.t[i], *b = rse__ckpt_find(&f16.c, a->name), *s = rse__ckpt_find(&st.c, a->name);
            float *va, *vb, *vs;
            if (!b || !s || b->numel != a->numel || s->numel != a->numel || b->ndim != a->ndim || s->ndim != a->ndim) { same = 0; continue; }
            dt &= a->dtype == RSE_DT_F32 && b->dtype == RSE_DT_F16 && s->dtype == RSE_DT_F16;
            bytes &= b->nbytes == s->nbytes && memcmp(b->data, s->data, b->nbytes) == 0;
            va = t_vals(a); vb = t_vals(b); vs = t_vals(s);
            same &= va && vb && vs && memcmp(va, vb, a->numel * 4) == 0 && memcmp(va, vs, a->numel * 4) == 0;
            free(va); free(vb); free(vs);
        }
        CHECK(f16.c.n == f32.c.n && st.c.n == f32.c.n, "same tensor count in all three files");
        CHECK(dt, "dtypes: fp32 .pt F32, fp16 .pt and safetensors F16");
        CHECK(same, "fp32 .pt == fp16 .pt == fp16 safetensors, exactly (weights are fp16-exact)");
        CHECK(bytes, "safetensors data bytes == fp16 .pt storage bytes");
    }
    /* reader_cases.pt (SOURCE.md lists the values) */
    {
        static const float a_w[6] = { 0, 1, 2, 3, 4, 5 }, c_h[6] = { 0, 1, -2, 65504, 6.103515625e-05f, 5.9604644775390625e-08f };
        static const float e_t[12] = { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }, f_s[4] = { 4, 5, 6, 7 }, g_b[3] = { 1, -0.5f, 3.140625f };
        struct { const char *name; int dtype, ndim, s0, s1; const float *want; size_t n; } cs[] = {
            { "a.weight", RSE_DT_F32, 2, 2, 3, a_w, 6 }, { "c.half", RSE_DT_F16, 1, 6, 0, c_h, 6 },
            { "e.T", RSE_DT_F32, 2, 4, 3, e_t, 12 }, { "f.slice", RSE_DT_F32, 1, 4, 0, f_s, 4 },
            { "g.bf16", RSE_DT_BF16, 1, 3, 0, g_b, 3 } };
        const rse__ckpt_tensor *t;
        float *v;
        size_t k;
        for (k = 0; k < sizeof cs / sizeof cs[0]; k++) {
            t = rse__ckpt_find(&rc.c, cs[k].name);
            v = t ? t_vals(t) : 0;
            CHECK(t && v && t->dtype == cs[k].dtype && t->ndim == cs[k].ndim && t->shape[0] == cs[k].s0 &&
                  (t->ndim < 2 || t->shape[1] == cs[k].s1) && t->numel == cs[k].n && memcmp(v, cs[k].want, cs[k].n * 4) == 0,
                  "reader_cases %s", cs[k].name);
            free(v);
        }
        t = rse__ckpt_find(&rc.c, "b");
        v = t ? t_vals(t) : 0;
        CHECK(t && v && t->ndim == 0 && v[0] == 2.5f, "reader_cases b = 2.5 (0-dim)");
        free(v);
        t = rse__ckpt_find(&rc.c, "d.nbt");
        v = t ? t_vals(t) : 0;
        CHECK(t && v && t->dtype == RSE_DT_I64 && t->ndim == 0 && v[0] == 7.0f, "reader_cases d.nbt = 7 (int64)");
        free(v);
        t = rse__ckpt_find(&rc.c, "e.T");
        CHECK(t && t->copied && strcmp(t->storage, "4") == 0, "e.T is a gathered transposed view of storage 4");
        t = rse__ckpt_find(&rc.c, "f.slice");
        CHECK(t && !t->copied && t->storage_offset == 4 && strcmp(t->storage, "4") == 0, "f.slice: offset 4 into storage 4, in place");
    }
    /* reader_cases_wrapped.pt: {'state_dict': {'module.*'}} */
    {
        const rse__ckpt_tensor *t = rse__ckpt_find(&wr.c, "visual.proj");
        float *v = t ? t_vals(t) : 0;
        CHECK(wr.c.n == 2 && t && v && t->shape[0] == 2 && t->shape[1] == 2 && v[0] == 1 && v[3] == 1, "wrapped: visual.proj = ones(2,2)");
        free(v);
        t = rse__ckpt_find(&wr.c, "logit_scale");
        v = t ? t_vals(t) : 0;
        CHECK(t && v && v[0] == 4.605170249938965f, "wrapped: logit_scale, 'module.' stripped");
        free(v);
        CHECK(!rse__ckpt_find(&wr.c, "module.logit_scale"), "prefixed name gone");
    }
    /* Damaged copies of the real fp16 archive. */
    {
        unsigned char *b = (unsigned char *)malloc(f16.n);
        rse__ckpt c;
        rse_status s;
        size_t cut;
        int ok = 1;
        memcpy(b, f16.buf, f16.n);
        for (cut = 0; cut < 40; cut++) {
            s = rse__ckpt_load_mem(&c, b, f16.n * cut / 40, 0, "cut.pt");
            ok &= s != RSE_STATUS_OK;
        }
        CHECK(ok, "truncated fp16 archives refused");
        s = rse__ckpt_load_mem(&c, b, f16.n - 1, 0, "cut.pt");
        CHECK(s == RSE_STATUS_TRUNCATED || s == RSE_STATUS_BAD_FORMAT, "archive short by one byte: %s", rse_last_error());
        b[f16.n / 2] ^= 0x40; /* inside some storage */
        s = rse__ckpt_load_mem(&c, b, f16.n, 0, "flip.pt");
        CHECK(s == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "CRC-32"), "flipped storage byte: %s", rse_last_error());
        free(b);
    }
done:
    t_fix_free(&f32); t_fix_free(&f16); t_fix_free(&st); t_fix_free(&rc); t_fix_free(&wr);
}

/* Random byte mutations of the small reader_cases.pt: each load must fail
   cleanly or succeed; the sanitizer build checks that no mutation reads out
   of bounds. Deterministic (fixed seed). */
static void test_mutations(void) {
    size_t n, i;
    unsigned char *orig = t_read(RSE_SHARED "/data/clip/fixtures/reader_cases.pt", &n), *b;
    rse__rng r;
    int loaded = 0, refused = 0;
    if (!orig) { SKIP("reader_cases.pt not found under %s", RSE_SHARED); return; }
    b = (unsigned char *)malloc(n);
    rse__rng_seed(&r, 42);
    for (i = 0; i < 3000; i++) {
        rse__ckpt c;
        int k, nm = 1 + (int)rse__rng_below(&r, 4);
        memcpy(b, orig, n);
        for (k = 0; k < nm; k++) b[rse__rng_below(&r, (uint32_t)n)] = (unsigned char)rse__rng_below(&r, 256);
        if (rse__ckpt_load_mem(&c, b, n, i % 2 ? RSE_CKPT_NO_CRC : 0, "m.pt") == RSE_STATUS_OK) { loaded++; rse__ckpt_free(&c); }
        else refused++;
    }
    printf("reader_cases.pt mutations: %d loaded, %d refused\n", loaded, refused);
    CHECK(loaded + refused == 3000 && refused > 0, "3000 mutated archives handled");
    free(b); free(orig);
}

int main(void) {
    test_checksums();
    test_inflate();
    test_gzip_zlib();
    test_vocab_gz();
    test_zip_deflate();
    test_pickle_hostile();
    test_safetensors_hostile();
    test_half();
    test_fixtures();
    test_mutations();
    return t_report("test_clip_io");
}
