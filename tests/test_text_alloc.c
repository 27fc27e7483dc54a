/* Allocation failures in the text cleaning (clip.c, ftfy.fix_text): with
   the k-th allocation failing (tests/alloc_hook.h), rse__fix_text must
   return RSE_STATUS_NOMEM and leave nothing allocated, for every k; with
   none failing, it must give the expected text. The texts go through every
   path that allocates: ftfy's unescape_html, each kind of mojibake repair
   (a single-byte code page, restore_byte_a0, lossy sequences, mojibake
   inside other text, C1 controls), the per-character maps, and NFC (with a
   run of marks long enough for its counting sort). Needs no vocabulary. */
#include "alloc_hook.h"
#include "test.h"

static const char *const tx_in[][2] = {
    { "caf\xc3\x83\xc2\xa9 &eacute; \xc3\xa2\xe2\x82\xac\xc5\x93quoted\xc3\xa2\xe2\x82\xac\xef\xbf\xbd",
      "caf\xc3\xa9 \xc3\xa9 \"quoted\xc3\xa2\xe2\x82\xac\xef\xbf\xbd" },   /* ftfy keeps the last */
    { "voil\xc3\x83  le travail", "voil\xc3\xa0 le travail" },
    { "\xce\x91 \xc3\x83\xc2\xa9t\xc3\x83\xc2\xa9 \xe2\x80\x94 \xc3\xa2\xe2\x82\xac\xe2\x80\x9d ok",
      "\xce\x91 \xc3\xa9t\xc3\xa9 \xe2\x80\x94 \xe2\x80\x94 ok" },
    { "\xc2\x93x\xc2\x94 \xef\xac\x81 \xef\xbc\xa1\r\n", "\"x\" fi A\n" },
};

/* fix_text of UTF-8 s into UTF-8 out (room for 4 KB); returns the status. */
static rse_status tx_fix(const char *s, char *out) {
    uint32_t cp[1024];
    size_t n = 0, i = 0, o = 0, len = strlen(s);
    rse__ub f;
    rse_status st;
    memset(&f, 0, sizeof f);
    while (i < len) {
        int k = rse__utf8_get((const unsigned char *)s + i, len - i, &cp[n++]);
        if (!k) return RSE_STATUS_BAD_ARG;
        i += (size_t)k;
    }
    st = rse__fix_text(cp, n, &f);
    if (!st)
        for (i = 0; i < f.n && o < 4000; i++) o += (size_t)rse__utf8_put((unsigned char *)out + o, f.p[i]);
    out[o] = 0;
    RSE_FREE(f.p);
    return st;
}

int main(void) {
    static char nfc_in[512], want[4096], got[4096];
    size_t c, i;
    /* 'a' and 40 marks of falling class: NFC's long-run sort */
    strcpy(nfc_in, "a");
    for (i = 0; i < 20; i++) strcat(nfc_in, "\xcc\x81\xcc\xa3");   /* U+0301 (230), U+0323 (220) */
    for (c = 0; c < sizeof tx_in / sizeof tx_in[0] + 1; c++) {
        const char *in = c < sizeof tx_in / sizeof tx_in[0] ? tx_in[c][0] : nfc_in;
        long total, k, live0 = ah_live, bad_status = 0, leaks = 0, wrong = 0;
        rse_status st;
        ah_fail_at = 0;
        ah_count = 0;
        st = tx_fix(in, want);
        total = ah_count;
        CHECK(st == RSE_STATUS_OK, "case %zu runs clean: %s", c, rse_last_error());
        if (c < sizeof tx_in / sizeof tx_in[0] && tx_in[c][1])
            CHECK(strcmp(want, tx_in[c][1]) == 0, "case %zu: '%s', want '%s'", c, want, tx_in[c][1]);
        for (k = 1; k <= total; k++) {
            ah_fail_at = k;
            ah_count = ah_failed = 0;
            st = tx_fix(in, got);
            if (st != RSE_STATUS_NOMEM) {
                if (!bad_status) printf("  case %zu: failing allocation %ld gave status %d\n", c, k, (int)st);
                bad_status++;
                if (st == RSE_STATUS_OK && strcmp(got, want) != 0) wrong++;
            }
            if (ah_live != live0) { leaks++; ah_live = live0; }
        }
        ah_fail_at = 0;
        printf("case %zu: %ld allocations, each failed once\n", c, total);
        CHECK(total > 0 && bad_status == 0 && wrong == 0 && leaks == 0,
              "case %zu: %ld of %ld failure points did not give NOMEM (%ld wrong texts), %ld leaked", c, bad_status,
              total, wrong, leaks);
    }
    return t_report("test_text_alloc");
}
