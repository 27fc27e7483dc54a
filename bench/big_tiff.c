/* bench/big_tiff.c - the scenes of bench/big_window.sh (issue 21: scenes
   larger than memory), which drives the rsedit program itself:
     big_tiff write W H OUT.tif [noisy]
                                   a W x H RGB 8-bit GeoTIFF in 256 x 256
                                   Deflate tiles (predictor 2), written tile
                                   by tile: fields of a few crops in a grid,
                                   so a handful of distinct tiles are
                                   compressed once and repeated (cheap to
                                   make, small on disk, a valid file that any
                                   TIFF reader decodes to W x H pixels); with
                                   `noisy` every tile gets noise of its own
                                   and is compressed on its own (a file of
                                   hundreds of MB); classic TIFF, BigTIFF
                                   above 4 GB
     big_tiff compare IN OUT WxH+X+Y
                                   every tile of OUT against IN, decoded one at
                                   a time: outside the window every sample
                                   equal; prints how many tiles are the same
                                   compressed bytes and how many samples
                                   inside the window changed
   Exit status 0 = done / same, 1 = not. */
#define RSE_NO_MAIN
#include "../rsedit.c"

#define TILE 256
#define KINDS 16

/* Tile kind k: a crop field (rows of a colour), with a road or a river
   across some, at exact levels. */
static void tile_pixels(int kind, unsigned char *raw) {
    static const unsigned char col[6][3] = { { 96, 128, 60 }, { 150, 140, 90 }, { 70, 100, 50 },
                                             { 180, 170, 120 }, { 60, 90, 110 }, { 120, 110, 100 } };
    int x, y, c;
    for (y = 0; y < TILE; y++)
        for (x = 0; x < TILE; x++) {
            const unsigned char *b = col[kind % 6];
            int row = ((y + kind * 7) / (4 + kind % 5)) & 1, v[3];
            for (c = 0; c < 3; c++) v[c] = b[c] + (row ? 12 : -8) + ((x * 31 + y * 17 + kind * 5) % 9);
            if (kind % 4 == 1 && abs(y - TILE / 2 - (x - TILE / 2) / 3) < 5) v[0] = v[1] = v[2] = 200;   /* a road */
            if (kind % 5 == 2 && abs(x - 90 - (y * y) / 700) < 12) { v[0] = 40; v[1] = 70; v[2] = 120; } /* a river */
            for (c = 0; c < 3; c++) raw[(y * TILE + x) * 3 + c] = (unsigned char)(v[c] < 0 ? 0 : v[c] > 255 ? 255 : v[c]);
        }
}

static void put(FILE *f, const void *p, size_t n) {
    if (fwrite(p, 1, n, f) != n) { perror("big_tiff: write"); exit(1); }
}
static void le(FILE *f, uint64_t v, int n) {
    unsigned char b[8];
    int i;
    for (i = 0; i < n; i++) b[i] = (unsigned char)(v >> 8 * i);
    put(f, b, (size_t)n);
}

static int cmd_write(long W, long H, const char *path, int noisy) {
    static rse__deflate df;
    unsigned char raw[TILE * TILE * 3], *z[KINDS];
    size_t zn[KINDS], i, across = (size_t)(W + TILE - 1) / TILE, down = (size_t)(H + TILE - 1) / TILE, n = across * down;
    uint64_t *offs = (uint64_t *)malloc(n * sizeof *offs), data = 0, ifd;
    size_t *kind = (size_t *)malloc(n * sizeof *kind), *cnt = (size_t *)malloc(n * sizeof *cnt);
    unsigned char *zt = (unsigned char *)malloc(rse__zlib_bound(TILE * TILE * 3));
    uint32_t seed = 1;
    int big, k, r;
    FILE *f = fopen(path, "wb");
    /* ModelPixelScale (10 m), ModelTiepoint (UTM 33N origin), GeoKeyDirectory
       (projected, EPSG 32633, metres, pixel is area) */
    static const double scale[3] = { 10, 10, 0 }, tie[6] = { 0, 0, 0, 500000, 5000000, 0 };
    static const uint16_t keys[] = { 1, 1, 0, 4, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, 32633, 3076, 0, 1, 9001 };
    if (!f || !offs || !kind || !cnt || !zt) { fprintf(stderr, "big_tiff: cannot write %s\n", path); return 1; }
    for (k = 0; k < KINDS; k++) {
        size_t y;
        tile_pixels(k, raw);
        for (y = 0; y < TILE; y++)           /* predictor 2 */
            for (i = TILE * 3; i-- > 3;) raw[y * TILE * 3 + i] = (unsigned char)(raw[y * TILE * 3 + i] - raw[y * TILE * 3 + i - 3]);
        z[k] = (unsigned char *)malloc(rse__zlib_bound(sizeof raw));
        zn[k] = rse__zlib_compress(&df, raw, sizeof raw, z[k]);
    }
    for (i = 0; i < n; i++) {
        size_t tx = i % across, ty = i / across;
        kind[i] = (tx / 3 * 7 + ty / 2 * 3 + (tx * ty) % 5) % KINDS;   /* fields of 3 x 2 tiles, mixed */
        cnt[i] = zn[kind[i]];
        data += zn[kind[i]];
    }
    /* noisy tiles are at most stored-size: BigTIFF if that could pass 4 GB */
    big = (noisy ? (uint64_t)n * rse__zlib_bound(TILE * TILE * 3) : data) + 16 + 16 * n + 4096 > 0xFFFFFFFFu;
    /* header, tiles, then the IFD and its arrays */
    put(f, "II", 2);
    if (big) { le(f, 43, 2); le(f, 8, 2); le(f, 0, 2); le(f, 0, 8); } else { le(f, 42, 2); le(f, 0, 4); }
    data = big ? 16 : 8;
    for (i = 0; i < n; i++) {
        offs[i] = data;
        if (!noisy) put(f, z[kind[i]], zn[kind[i]]);
        else {
            size_t y, j;
            tile_pixels((int)kind[i], raw);
            for (j = 0; j < sizeof raw; j++) {
                int v = raw[j] + (int)((seed = seed * 1664525u + 1013904223u) >> 29) - 4;
                raw[j] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
            for (y = 0; y < TILE; y++)
                for (j = TILE * 3; j-- > 3;) raw[y * TILE * 3 + j] = (unsigned char)(raw[y * TILE * 3 + j] - raw[y * TILE * 3 + j - 3]);
            cnt[i] = rse__zlib_compress(&df, raw, sizeof raw, zt);
            put(f, zt, cnt[i]);
        }
        data += cnt[i];
    }
    if (data & 1) { put(f, "", 1); data++; }
    ifd = data;
    {
        int ne = 15, esz = big ? 20 : 12, osz = big ? 8 : 4;
        uint64_t ext = ifd + (big ? 8 : 2) + (uint64_t)ne * esz + (big ? 8 : 4);
        uint64_t a_bps = ext, a_off = a_bps + 6 + 2, a_cnt = a_off + (uint64_t)osz * n;
        uint64_t a_scale = a_cnt + (uint64_t)osz * n, a_tie = a_scale + 24, a_keys = a_tie + 48;
#define ENT(tag, type, count, val) do { le(f, tag, 2); le(f, type, 2); le(f, count, big ? 8 : 4); le(f, val, big ? 8 : 4); } while (0)
        le(f, (uint64_t)ne, big ? 8 : 2);
        ENT(256, 4, 1, (uint64_t)W); ENT(257, 4, 1, (uint64_t)H); ENT(258, 3, 3, a_bps); ENT(259, 3, 1, 8);
        ENT(262, 3, 1, 2); ENT(277, 3, 1, 3); ENT(284, 3, 1, 1); ENT(317, 3, 1, 2); ENT(322, 3, 1, TILE); ENT(323, 3, 1, TILE);
        ENT(324, big ? 16 : 4, n, a_off); ENT(325, big ? 16 : 4, n, a_cnt);
        ENT(33550, 12, 3, a_scale); ENT(33922, 12, 6, a_tie); ENT(34735, 3, 20, a_keys);
#undef ENT
        le(f, 0, big ? 8 : 4);                   /* no next IFD */
        le(f, 8, 2); le(f, 8, 2); le(f, 8, 2); le(f, 0, 2);
        for (i = 0; i < n; i++) le(f, offs[i], osz);
        for (i = 0; i < n; i++) le(f, cnt[i], osz);
        for (r = 0; r < 3; r++) { uint64_t u; memcpy(&u, &scale[r], 8); le(f, u, 8); }
        for (r = 0; r < 6; r++) { uint64_t u; memcpy(&u, &tie[r], 8); le(f, u, 8); }
        for (r = 0; r < 20; r++) le(f, keys[r], 2);
    }
    /* point the header at the IFD */
    if (fseeko(f, big ? 8 : 4, SEEK_SET) != 0) { perror("big_tiff"); return 1; }
    le(f, ifd, big ? 8 : 4);
    if (fclose(f) != 0) { perror("big_tiff: close"); return 1; }
    printf("wrote %s: %ldx%ld, %zu tiles, %s, %.1f MB\n", path, W, H, n, big ? "BigTIFF" : "classic TIFF", (double)data / 1e6);
    return 0;
}

typedef struct { FILE *f; rse_source s; } src_file;
static int src_read(void *ctx, uint64_t off, void *dst, size_t n) {
    src_file *s = (src_file *)ctx;
    return fseeko(s->f, (off_t)off, SEEK_SET) != 0 || fread(dst, 1, n, s->f) != n;
}
static int src_open(src_file *s, const char *path) {
    s->f = fopen(path, "rb");
    if (!s->f || fseeko(s->f, 0, SEEK_END) != 0) return 0;
    s->s.read = src_read; s->s.ctx = s; s->s.size = (uint64_t)ftello(s->f);
    return 1;
}

static int cmd_compare(const char *a, const char *b, const char *window) {
    src_file fa, fb;
    rse__tiff ta, tb;
    rse__tiff_dec da, db;
    rse_roi win;
    size_t k, same_bytes = 0, tiles = 0, changed = 0, bad = 0;
    if (rse_roi_parse(window, &win) || !src_open(&fa, a) || !src_open(&fb, b)) { fprintf(stderr, "big_tiff: bad arguments\n"); return 1; }
    if (rse__tiff_open_src(&ta, &fa.s) || rse__tiff_open_src(&tb, &fb.s) || ta.nchunks != tb.nchunks || ta.w != tb.w ||
        ta.h != tb.h || ta.chunk_max != tb.chunk_max || rse__tiff_dec_init(&da, &ta) || rse__tiff_dec_init(&db, &tb)) {
        fprintf(stderr, "big_tiff: %s\n", rse_last_error());
        return 1;
    }
    for (k = 0; k < ta.nchunks; k++) {
        uint64_t oa, na, ob, nb;
        size_t need, i, j;
        rse_roi r;
        uint32_t pl;
        int meets;
        rse__tiff_chunk_rect(&ta, k, &r, &pl);
        meets = !(r.x + r.w <= win.x || r.x >= win.x + win.w || r.y + r.h <= win.y || r.y >= win.y + win.h);
        if (rse__tiff_chunk(&ta, k, &oa, &na, &need) || rse__tiff_chunk(&tb, k, &ob, &nb, &need)) { fprintf(stderr, "big_tiff: %s\n", rse_last_error()); return 1; }
        if (na == nb && na <= ((uint64_t)1 << 24)) {
            unsigned char *x = (unsigned char *)malloc((size_t)na), *y = (unsigned char *)malloc((size_t)na);
            if (!rse__tiff_read(&ta, oa, x, (size_t)na) && !rse__tiff_read(&tb, ob, y, (size_t)na) && !memcmp(x, y, (size_t)na))
                same_bytes++;
            free(x); free(y);
        }
        if (rse__tiff_chunk_decode(&ta, &da, k) || rse__tiff_chunk_decode(&tb, &db, k)) { fprintf(stderr, "big_tiff: %s\n", rse_last_error()); return 1; }
        tiles++;
        /* samples of the image part of the chunk, in or out of the window */
        for (j = 0; j < (size_t)r.h; j++)
            for (i = 0; i < (size_t)r.w * ta.cspp; i++) {
                size_t o = (j * ta.cw * ta.cspp + i) * (ta.bps / 8);
                int x = r.x + (int)(i / ta.cspp), y = r.y + (int)j;
                int in = meets && x >= win.x && x < win.x + win.w && y >= win.y && y < win.y + win.h;
                int diff = memcmp(da.buf + o, db.buf + o, ta.bps / 8) != 0;
                if (diff && in) changed++;
                if (diff && !in) bad++;
            }
    }
    printf("%zu tiles compared: %zu with the same compressed bytes; outside the window %zu samples differ; inside %zu changed\n",
           tiles, same_bytes, bad, changed);
    return bad != 0;
}

int main(int argc, char **argv) {
    if ((argc == 5 || (argc == 6 && !strcmp(argv[5], "noisy"))) && !strcmp(argv[1], "write"))
        return cmd_write(atol(argv[2]), atol(argv[3]), argv[4], argc == 6);
    if (argc == 5 && !strcmp(argv[1], "compare")) return cmd_compare(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: big_tiff write W H OUT.tif [noisy] | compare IN OUT WxH+X+Y\n");
    return 2;
}
