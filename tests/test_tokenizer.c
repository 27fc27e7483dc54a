/* Tests of the CLIP BPE tokenizer against open_clip's own output (with
   ftfy 6.3.1 in front, as open_clip runs it): every case of
   shared/data/clip/tokenizer_cases.tsv and of tokenizer_cases_ftfy.tsv
   (curly quotes, ligatures, full-width forms, NFD accents, mojibake, control
   characters) must match exactly. Also: the vocabulary loads fast, and a
   hostile vocabulary or text fails cleanly. The text cleaning on its own
   (ftfy's steps, HTML5 entities) is tested on larger fixtures in
   tests/test_text.c. */
#include "test.h"
#include <time.h>

/* Parses space-separated ids; returns the count. */
static int t_ids(const char *s, int32_t *ids, int cap) {
    int n = 0;
    while (*s && n < cap) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s) break;
        ids[n++] = (int32_t)v;
        s = end;
    }
    return n;
}

/* Compares a tokenizer result with the reference (unpadded) ids. */
static int t_same(const int32_t *got, int ngot, const int32_t *want, int nwant) {
    int i;
    if (ngot != nwant) return 0;
    for (i = 0; i < RSE_CLIP_CTX; i++)
        if (got[i] != (i < nwant ? want[i] : 0)) return 0;
    return 1;
}

static void t_print_ids(const char *label, const int32_t *ids, int n) {
    int i;
    printf("    %s:", label);
    for (i = 0; i < n; i++) printf(" %d", (int)ids[i]);
    printf("\n");
}

/* Runs one TSV file. ftfy = 1: columns text, ids with ftfy, ids without. */
static void t_cases(const rse__bpe *t, const char *path, int ftfy, int *ncases, int *nmatch) {
    size_t n;
    char *buf = (char *)t_read(path, &n), *line, *next;
    *ncases = *nmatch = 0;
    if (!buf) { CHECK(0, "cannot read %s", path); return; }
    for (line = buf; line && *line; line = next) {
        char *tab, *ids_s, *nl, *c3;
        int32_t want[200], got[RSE_CLIP_CTX];
        int nwant, ngot = 0, ok;
        rse_status st;
        size_t tl;
        nl = strchr(line, '\n');
        next = nl ? nl + 1 : 0;
        if (nl) *nl = 0;
        if (line[0] == '#' || !line[0]) continue;
        tab = strchr(line, '\t');
        if (!tab) { CHECK(0, "%s: line without a tab", path); continue; }
        *tab = 0;
        ids_s = tab + 1;
        c3 = strchr(ids_s, '\t');
        if (c3) *c3++ = 0;
        tl = t_tsv_unescape(line);
        nwant = t_ids(ids_s, want, 200);
        st = rse__bpe_encode(t, line, tl, got, &ngot);
        /* ftfy files: column 2 is open_clip's ids with ftfy, which is what
           rsedit reproduces; column 3 (ids without ftfy) is not used. */
        (void)c3;
        ok = st == RSE_STATUS_OK && t_same(got, ngot, want, nwant);
        (*ncases)++;
        *nmatch += ok;
        CHECK(ok, "%s case %d '%s': %s", ftfy ? "ftfy" : "tokenizer", *ncases, line, st ? rse_last_error() : "ids differ");
        if (!ok && st == RSE_STATUS_OK) { t_print_ids("want", want, nwant); t_print_ids("got ", got, ngot); }
    }
    free(buf);
}

/* A vocabulary is hostile input: each of these must fail with a message. */
static void t_bad_vocab(const unsigned char *good, size_t n) {
    rse__bpe t;
    unsigned char *b = (unsigned char *)malloc(n + 16);
    char *p;
    rse_status st;
    size_t i, line2;
    /* only the first 100 lines: too few merges */
    for (i = 0, line2 = 0; i < n && line2 < 100; i++) if (good[i] == '\n') line2++;
    st = rse__bpe_load_mem(&t, good, i);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "merge lines"), "short vocab refused: %s", rse_last_error());
    /* a merge line with two spaces */
    memcpy(b, good, n);
    p = strchr((char *)b, '\n') + 1;          /* line 1: "i n" */
    p[1] = ' '; p[0] = 'x'; p[2] = ' ';
    st = rse__bpe_load_mem(&t, b, n);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "line 2"), "two-space merge refused: %s", rse_last_error());
    /* a merge that repeats line 1 */
    memcpy(b, good, n);
    p = strchr((char *)b, '\n') + 1;
    p = strchr(p, '\n') + 1;                   /* line 2: "t h" -> "i n" */
    p[0] = 'i'; p[2] = 'n';
    st = rse__bpe_load_mem(&t, b, n);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "repeats"), "duplicate merge refused: %s", rse_last_error());
    /* a byte that is not a byte symbol (a raw space is U+0020, not 'Ġ') */
    memcpy(b, good, n);
    p = strchr((char *)b, '\n') + 1;
    p[0] = '\t';
    st = rse__bpe_load_mem(&t, b, n);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "byte symbols"), "non-symbol refused: %s", rse_last_error());
    /* invalid UTF-8 */
    memcpy(b, good, n);
    p = strchr((char *)b, '\n') + 1;
    p[0] = (char)0xff;
    st = rse__bpe_load_mem(&t, b, n);
    CHECK(st == RSE_STATUS_BAD_FORMAT && strstr(rse_last_error(), "UTF-8"), "bad UTF-8 refused: %s", rse_last_error());
    /* empty input */
    st = rse__bpe_load_mem(&t, "", 0);
    CHECK(st != RSE_STATUS_OK, "empty vocab refused: %s", rse_last_error());
    free(b);
}

int main(void) {
    const char *gz = RSE_SHARED "/data/clip/bpe_simple_vocab_16e6.txt.gz";
    unsigned char *buf, *plain = 0;
    size_t n, pn = 0;
    rse__bpe t;
    rse_status st;
    clock_t c0;
    double secs;
    int ncase, nmatch, nf, nfm;
    int32_t ids[RSE_CLIP_CTX];
    int nid;

    buf = t_read(gz, &n);
    if (!buf) {
        SKIP("%s not found (set SHARED=...): tokenizer tests need the vocabulary", gz);
        return t_report("test_tokenizer");
    }
    c0 = clock();
    st = rse__bpe_load_mem(&t, buf, n);
    secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    CHECK(st == RSE_STATUS_OK, "load vocab: %s", rse_last_error());
    if (st) { free(buf); return t_report("test_tokenizer"); }
    printf("vocab .txt.gz loaded in %.3f s (%u symbols)\n", secs, (unsigned)t.ntok);
    /* Generous bound: the load is ~50 ms at -O2; sanitizers slow it ~5x. */
    CHECK(secs < 1.0, "vocab load took %.3f s (limit 1 s)", secs);
    CHECK(t.ntok == RSE_CLIP_VOCAB, "vocab size %u", (unsigned)t.ntok);
    /* Spot ids from clip.md 5.2. */
    CHECK(rse__bpe_id(&t, "!", 1) == 0 && rse__bpe_id(&t, "a", 1) == 64 && rse__bpe_id(&t, "a</w>", 5) == 320 &&
          rse__bpe_id(&t, "\xc4\xa0", 2) == 220 && rse__bpe_id(&t, "in", 2) == 512 &&
          rse__bpe_id(&t, "jekyll</w>", 10) == 49405 && rse__bpe_id(&t, "<end_of_text>", 13) == 49407,
          "vocab spot ids");

    t_cases(&t, RSE_SHARED "/data/clip/tokenizer_cases.tsv", 0, &ncase, &nmatch);
    printf("tokenizer_cases.tsv: %d/%d exact\n", nmatch, ncase);
    CHECK(ncase == 46, "expected 46 cases, read %d", ncase);
    t_cases(&t, RSE_SHARED "/data/clip/tokenizer_cases_ftfy.tsv", 1, &nf, &nfm);
    printf("tokenizer_cases_ftfy.tsv: %d/%d match open_clip+ftfy\n", nfm, nf);
    CHECK(nf == 9, "expected 9 ftfy cases, read %d", nf);

    /* Truncation and padding. */
    st = rse__bpe_encode(&t, "a cute cat", 10, ids, &nid);
    CHECK(st == 0 && nid == 5 && ids[4] == RSE_CLIP_EOT && ids[5] == 0 && ids[76] == 0, "padding");
    {   /* 1000 x "cat": cut at 77 with EOT last, and fast (stops early) */
        char *s = (char *)malloc(4000);
        int i;
        for (i = 0; i < 1000; i++) memcpy(s + 4 * i, "cat ", 4);
        st = rse__bpe_encode(&t, s, 4000, ids, &nid);
        CHECK(st == 0 && nid == 77 && ids[0] == RSE_CLIP_SOT && ids[75] == 2368 && ids[76] == RSE_CLIP_EOT, "long text truncated");
        /* The cut flag: 75 words fill the context exactly (no cut), 76 do
           not fit; both give nid 77, so only the flag tells them apart. */
        {
            int cut75 = -1, cut76 = -1, n75 = 0, n76 = 0;
            rse__bpe_encode_cut(&t, s, 4 * 75 - 1, ids, &n75, &cut75);
            rse__bpe_encode_cut(&t, s, 4 * 76 - 1, ids, &n76, &cut76);
            CHECK(cut75 == 0 && cut76 == 1 && n75 == 77 && n76 == 77, "cut flag: 75 words %d (n %d), 76 words %d (n %d)",
                  cut75, n75, cut76, n76);
        }
        /* One 60000-letter word: BPE must not be quadratic (Python's loop
           would need ~60000 passes over the word). */
        for (i = 0; i < 4000; i++) s[i] = (char)('a' + (i * 7 + i / 13) % 26);
        free(s);
        s = (char *)malloc(60000);
        for (i = 0; i < 60000; i++) s[i] = (char)('a' + (i * 7 + i / 13) % 26);
        c0 = clock();
        st = rse__bpe_encode(&t, s, 60000, ids, &nid);
        secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
        CHECK(st == 0 && nid == 77, "long word: %s", rse_last_error());
        printf("60000-letter word: %.3f s\n", secs);
        CHECK(secs < 2.0, "long word took %.3f s", secs);
        free(s);
        s = (char *)malloc(70000);
        memset(s, 'x', 70000);
        st = rse__bpe_encode(&t, s, 70000, ids, &nid);
        CHECK(st == RSE_STATUS_LIMIT && ids[0] == 0, "word beyond the cap refused: %s", rse_last_error());
        free(s);
    }
    st = rse__bpe_encode(&t, "caf\xc3", 4, ids, &nid);
    CHECK(st == RSE_STATUS_BAD_ARG && strstr(rse_last_error(), "UTF-8"), "invalid UTF-8 text refused: %s", rse_last_error());

    /* The same vocabulary, uncompressed, gives the same table. */
    st = rse__gunzip(buf, n, &plain, &pn, (size_t)64 << 20);
    CHECK(st == 0, "gunzip vocab: %s", rse_last_error());
    if (!st) {
        rse__bpe t2;
        st = rse__bpe_load_mem(&t2, plain, pn);
        CHECK(st == 0 && t2.ntok == t.ntok && rse__bpe_rank(&t2, "i", 1, "n", 1) == 0, "plain .txt vocab: %s", rse_last_error());
        if (!st) {
            int32_t ids2[RSE_CLIP_CTX];
            rse__bpe_encode(&t2, "it's a dog's life", 17, ids2, &nid);
            rse__bpe_encode(&t, "it's a dog's life", 17, ids, &nid);
            CHECK(memcmp(ids, ids2, sizeof ids) == 0, "plain and gz vocab agree");
            rse__bpe_free(&t2);
        }
        t_bad_vocab(plain, pn);
        free(plain);
    }
    rse__bpe_free(&t);
    free(buf);
    return t_report("test_tokenizer");
}
