#!/usr/bin/env python3
"""Generates the tokenizer's and text cleaner's Unicode and HTML tables in clip.c.

Developer tool only (the build never runs Python). Run from the repository
root with the system Python and Debian's python3-regex, with ftfy 6.3.1 on
the path (it is read for its character classes, never copied):

    PYTHONPATH=../shared/tools/pylib /usr/bin/python3 tools/gen_unicode_tables.py

It replaces the text between the markers
    /* BEGIN GENERATED TABLES (tools/gen_unicode_tables.py) */
    /* END GENERATED TABLES */

Which Unicode: open_clip splits text with the `regex` module, whose tables
(Unicode 15.0 in regex 2022.10.31) are newer than Python 3.11's unicodedata
(14.0). So \\p{L} and \\p{N} come from `regex` itself; everything that
Python's own str methods, unicodedata or `re` decide (str.lower, NFC, ftfy's
character classes) comes from unicodedata, as it does when open_clip runs.

What is generated, and from where:
  rse__uc_prop    breakpoints of code point properties, packed (start << 4 | flags):
                    1 letter  \\p{L}: regex.match(r'\\p{L}', c)
                    2 number  \\p{N}: regex.match(r'\\p{N}', c)
                    4 case-ignorable, 8 cased (and not case-ignorable): the two
                      properties Python's str.lower() uses for the final-sigma
                      rule, measured from str.lower() itself (see below).
                  A property set holds from its start to the next entry's start.
  rse__uc_lower   str.lower() one-to-one mappings as runs {first, count, stride, delta}.
                  (The one one-to-many mapping, U+0130 -> 'i' U+0307, is coded by hand.)
  rse__html5      html.entities.html5: every name (without '&' and ';'), sorted,
                  with its value packed: code point | second code point index << 21
                  (rse__html5_2nd, 0 = none) | 1 << 25 if the name is also valid
                  without ';' | 1 << 26 if ftfy also decodes its upper-case form.
  rse__ent_upper  str.upper() of the characters those upper-case forms give.
  rse__charmap    the 10 single-byte encodings ftfy tries, bytes 0x80..0xFF.
  rse__mb_cp/mask ftfy's mojibake character classes (badness.py, chardata.py)
                  as one 128-bit mask per character; rse__mb_pat the badness
                  regex's alternatives as sequences of classes.
  rse__width      ftfy's width map (NFKC of U+FF01..U+FFEF, U+3000 -> space) as runs.
  rse__nd         \\d of Python's re (category Nd) as ranges.
  rse__ccc_bp     canonical combining classes, breakpoints (start << 8 | ccc).
  rse__nfd        canonical decompositions {cp | 1 << 31 if it is a primary
                  composite, first | index of the second in rse__nfd_2nd << 21
                  (0: none)}, sorted by cp.
  rse__nfc_ix     indices into rse__nfd of the primary composites, sorted by pair.
"""
import html, html.entities, re, sys, unicodedata
import regex  # Debian python3-regex: the module open_clip splits text with

_L = regex.compile(r'\p{L}')
_N = regex.compile(r'\p{N}')

SIGMA, FINAL = '\u03a3', '\u03c2'

def props(c):
    ch = chr(c)
    p = 0
    if _L.match(ch): p |= 1
    if _N.match(ch): p |= 2
    if 0xD800 <= c <= 0xDFFF:
        return p
    # Python lowers U+03A3 to final sigma when a cased letter precedes it,
    # skipping case-ignorable characters. With 'A' (cased) in front:
    # A x SIGMA is final iff x is case-ignorable or cased; x SIGMA alone is
    # final iff x is cased and not ignorable (an ignorable x is skipped).
    after_a = ('A' + ch + SIGMA).lower()[-1] == FINAL
    alone = (ch + SIGMA).lower()[-1] == FINAL
    if after_a and not alone: p |= 4
    elif alone: p |= 8
    return p

def gen():
    out = []
    out.append('/* BEGIN GENERATED TABLES (tools/gen_unicode_tables.py) */')
    out.append('/* \\p{L} \\p{N}: regex %s (Unicode %s); the rest: Python %s unicodedata (Unicode %s).'
               % (regex.__version__, regex_unicode_version(), sys.version.split()[0], unicodedata.unidata_version))
    out.append('   See the tool for the meaning. */')
    bps, prev = [], None
    for c in range(0x110000):
        p = props(c)
        if p != prev:
            bps.append((c, p)); prev = p
    out.append('static const uint32_t rse__uc_prop[%d] = {' % len(bps))
    for i in range(0, len(bps), 8):
        out.append('    ' + ' '.join('0x%07x,' % (c << 4 | p) for c, p in bps[i:i + 8]))
    out.append('};')
    # lower-case runs
    low = []
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF: continue
        l = chr(c).lower()
        if l != chr(c) and len(l) == 1: low.append((c, ord(l) - c))
    runs = []
    for c, d in low:
        if runs:
            s, n, st, dd = runs[-1]
            if dd == d and n == 1 and c - s in (1, 2):
                runs[-1] = [s, 2, c - s, d]; continue
            if dd == d and n > 1 and c == s + n * st:
                runs[-1][1] += 1; continue
        runs.append([c, 1, 1, d])
    out.append('static const struct { uint32_t first; uint16_t count, stride; int32_t delta; } rse__uc_lower[%d] = {' % len(runs))
    for i in range(0, len(runs), 4):
        out.append('    ' + ' '.join('{0x%x, %d, %d, %d},' % tuple(r) for r in runs[i:i + 4]))
    out.append('};')
    out += gen_html()
    # html.unescape's replacements for &#128; .. &#159; are exactly ftfy's
    # sloppy-windows-1252 bytes 0x80..0x9f (rse__charmap[1]),
    # so clip.c reads them there rather than from a table of their own
    import ftfy.bad_codecs  # registers the sloppy codecs
    cp = [ord(html._invalid_charrefs[c]) for c in range(0x80, 0xa0)]
    assert cp == [ord(c) for c in bytes(range(0x80, 0xa0)).decode('sloppy-windows-1252')]
    out += gen_ftfy()
    out += gen_nfc()
    out.append('/* END GENERATED TABLES */')
    return '\n'.join(out)


def regex_unicode_version():
    # regex names no version; find the newest one whose characters it knows
    # (a letter first assigned in each version).
    probes = [('16.0', 0x10D4A), ('15.1', 0x2EBF0), ('15.0', 0x11F04), ('14.0', 0x1E290)]
    for v, c in probes:
        if _L.match(chr(c)):
            return v
    return 'older than 14.0'


def rows(items, per, fmt):
    return ['    ' + ' '.join(fmt(x) for x in items[i:i + per]) for i in range(0, len(items), per)]


def gen_html():
    """The full HTML5 table, one entry per name; 'name' and 'name;' share one."""
    h5 = html.entities.html5
    from ftfy import chardata
    names = sorted(set(k.rstrip(';') for k in h5))
    seconds = sorted(set(v[1] for v in h5.values() if len(v) == 2))
    assert len(seconds) < 16 and max(len(v) for v in h5.values()) <= 2
    upchars = set()
    ents = []
    for k in names:
        v = h5[k + ';']
        assert k + ';' in h5 and (k not in h5 or h5[k] == v), k
        packed = ord(v[0]) | ((seconds.index(v[1]) + 1) << 21 if len(v) == 2 else 0)
        if k in h5:
            packed |= 1 << 25
        up = '&' + k.upper() + ';'
        # ftfy's upper-case forms: the names that are all lower case and
        # whose upper-case form html.unescape leaves alone
        if k == k.lower() and up in chardata.HTML_ENTITIES and up[1:] not in h5:
            assert chardata.HTML_ENTITIES[up] == v.upper()
            packed |= 1 << 26
            upchars.update(v)
        ents.append((k, packed))
    # what C must be able to rebuild: every extra name of ftfy's table
    extra = [e for e in chardata.HTML_ENTITIES if e[1:] not in h5]
    assert len(extra) == sum(1 for _, p in ents if p >> 26 & 1)
    out = ['static const uint32_t rse__html5_2nd[%d] = { 0, %s };' % (len(seconds) + 1, ', '.join('0x%x' % ord(c) for c in seconds))]
    out.append('static const struct { const char *name; uint32_t v; } rse__html5[%d] = {' % len(ents))
    out += rows(ents, 4, lambda e: '{"%s", 0x%x},' % e)
    out.append('};')
    ups = []
    for c in sorted(upchars):
        u = c.upper()
        if u != c:
            assert len(u) <= 3
            ups.append([ord(c)] + [ord(x) for x in u] + [0] * (3 - len(u)))
    out.append('static const uint32_t rse__ent_upper[%d][4] = {' % len(ups))
    out += rows(ups, 4, lambda u: '{0x%x, 0x%x, 0x%x, 0x%x},' % tuple(u))
    out.append('};')
    return out


def charset(cls):
    """The BMP characters of a regex character class written as ftfy writes it."""
    r = re.compile('[' + cls + ']')
    return frozenset(c for c in range(0x10000) if not 0xd800 <= c < 0xe000 and r.match(chr(c)))


# Special classes the C code decides itself (ids above the explicit ones).
SPECIAL = ['\\s', '\\w', '.', '[^A-Za-z]']


def badness_alternatives():
    from ftfy.badness import MOJIBAKE_CATEGORIES as M
    C = lambda *ks: ''.join(M[k] for k in ks)
    acc_etc = C('bad', 'lower_accented', 'upper_accented', 'box', 'start_punctuation', 'end_punctuation',
                'currency', 'numeric', 'law')
    # ftfy 6.3.1 badness.py BADNESS_RE, one alternative per line, each a list
    # of positions; '^' as the first item anchors at the start.
    arab = C('common', 'currency', 'bad', 'numeric', 'start_punctuation') + 'ŸŠ®°µ»'
    alts = [
        [C('c1')],
        [acc_etc, C('bad')],
        ['a-zA-Z', C('lower_common', 'upper_common'), C('bad')],
        [C('bad'), C('lower_accented', 'upper_accented', 'box', 'start_punctuation', 'end_punctuation',
                     'currency', 'numeric', 'law')],
        [C('lower_accented', 'lower_common', 'box', 'end_punctuation', 'currency', 'numeric'), C('upper_accented')],
        [C('box', 'end_punctuation', 'currency', 'numeric'), C('lower_accented')],
        [C('lower_accented', 'box', 'end_punctuation'), C('currency')],
        ['\\s', C('upper_accented'), C('currency')],
        [C('upper_accented', 'box'), C('numeric', 'law')],
        [C('lower_accented', 'upper_accented', 'box', 'currency', 'end_punctuation'), C('start_punctuation'),
         C('numeric')],
        [C('lower_accented', 'upper_accented', 'currency', 'numeric', 'box', 'law'), C('end_punctuation'),
         C('start_punctuation')],
        [C('currency', 'numeric', 'box'), C('start_punctuation')],
        ['a-z', C('upper_accented'), C('start_punctuation', 'currency')],
        [C('box'), C('kaomoji')],
        [C('lower_accented', 'upper_accented', 'currency', 'numeric', 'start_punctuation', 'end_punctuation',
           'law'), C('box')],
        [C('box'), C('end_punctuation')],
        [C('lower_accented', 'upper_accented'), C('start_punctuation', 'end_punctuation'), '\\w'],
        ['Œœ', '[^A-Za-z]'],
        [C('upper_accented'), '°'],
        ['ÂÃÎÐ', '€œŠš¢£Ÿž\xa0\xad®©°·»' + C('start_punctuation', 'end_punctuation') + '–—´'],
        ['×', '²³'],
        ['ØÙ', arab, 'ØÙ', arab],
        ['à', '²µ¹¼½¾'],
        ['√', '±∂†≠®™´≤≥¥µø'],
        ['≈', '°¢'],
        ['‚', 'Ä', 'ìîïòôúùû†°¢π'],
        ['‚', 'âó', 'àä°ê'],
        ['в', 'Ђ'],
        ['ВГРС', C('c1', 'bad', 'start_punctuation', 'end_punctuation', 'currency') + '°µ', 'ВГРС'],
        ['Г', 'ў', 'В', 'Ђ', 'В', '.', 'A-Za-z '],
        ['Ã', '\xa0¡'],
        ['a-z', 'ÃÂ', ' '],
        ['a-z', '\\s', 'ÃÂ', ' '],          # [a-z]\s?[ÃÂ][ ], both ways
        ['^', 'ÃÂ', ' '],
        ['a-z.,?!' + C('end_punctuation'), 'Â', ' ' + C('start_punctuation', 'end_punctuation')],
        ['β', '€', '™\xa0Ά\xad®°'],
        ['ΒΓΞΟ', C('c1', 'bad', 'start_punctuation', 'end_punctuation', 'currency') + '°', 'ΒΓΞΟ'],
        ['ā', '€'],
    ]
    return alts


def gen_ftfy():
    from ftfy import chardata
    from ftfy.badness import BADNESS_RE
    out = []
    # --- single-byte encodings, in ftfy's order
    encs = chardata.CHARMAP_ENCODINGS
    out.append('/* %s */' % ', '.join(encs))
    out.append('static const uint16_t rse__charmap[%d][128] = {' % len(encs))
    for e in encs:
        dec = bytes(range(256)).decode(e)
        for b in range(128):
            want = '\ufffd' if (b == 0x1a and e.startswith('sloppy')) else chr(b)
            assert dec[b] == want, (e, b)
        assert len(set(dec)) == 256 and all(ord(c) < 0x10000 for c in dec)
        out.append('  {')
        out += rows([ord(c) for c in dec[128:]], 12, lambda x: '0x%04x,' % x)
        out.append('  },')
    out.append('};')
    # --- character classes: badness positions, then the UTF-8 detector's
    alts = badness_alternatives()
    clues = chardata.UTF8_CLUES
    detector = ['utf8_first_of_2', 'utf8_first_of_3', 'utf8_first_of_4', 'utf8_continuation',
                'utf8_continuation_strict']
    sets = []
    def sid(cls):
        if cls in SPECIAL:
            return 128 + SPECIAL.index(cls)
        s = charset(cls)
        if s not in sets:
            sets.append(s)
        return sets.index(s)
    det_ids = [sid(clues[k]) for k in detector]
    pats = []
    for a in alts:
        anchor = a[0] == '^'
        ids = [sid(x) for x in (a[1:] if anchor else a)]
        pats.append((anchor, ids))
    assert len(sets) <= 128, len(sets)
    allc = sorted(set().union(*sets))
    masks = [sum(1 << i for i, s in enumerate(sets) if c in s) for c in allc]
    # clip.c's RSE__MB_FIRST2 .. RSE__MB_STRICT are 0..4
    assert det_ids == [0, 1, 2, 3, 4], det_ids
    out.append('/* classes 0..4: UTF8_DETECTOR_RE\'s first of 2, of 3, of 4, continuation, strict continuation */')
    out.append('static const uint16_t rse__mb_cp[%d] = {' % len(allc))
    out += rows(allc, 12, lambda x: '0x%04x,' % x)
    out.append('};')
    out.append('static const uint64_t rse__mb_mask[%d][2] = {' % len(masks))
    out += rows(masks, 3, lambda x: '{0x%016xu, 0x%016xu},' % (x & (2**64 - 1), x >> 64))
    out.append('};')
    out.append('/* BADNESS_RE: {anchored at the start, length, class ids (128 \\s, 129 \\w, 130 any but \\n, 131 [^A-Za-z])} */')
    out.append('static const uint8_t rse__mb_pat[%d][9] = {' % len(pats))
    out += rows(pats, 3, lambda p: '{%d, %d, %s},' % (int(p[0]), len(p[1]), ', '.join(str(i) for i in p[1])))
    out.append('};')
    check_badness(sets, pats)
    # --- width map as runs {first, count, delta}
    wm = sorted(chardata.WIDTH_MAP.items())
    runs = []
    for c, t in wm:
        if c == 0xffe3:  # FULLWIDTH MACRON -> space + U+0304: coded by hand
            assert t == ' \u0304'
            continue
        assert len(t) == 1
        d = ord(t) - c
        if runs and runs[-1][0] + runs[-1][1] == c and runs[-1][2] == d:
            runs[-1][1] += 1
        else:
            runs.append([c, 1, d])
    out.append('static const struct { uint32_t first, count; int32_t delta; } rse__width[%d] = {' % len(runs))
    out += rows(runs, 4, lambda r: '{0x%x, %d, %d},' % tuple(r))
    out.append('};')
    lig = sorted(chardata.LIGATURES.items())
    out.append('static const uint32_t rse__ligature[%d][4] = {' % len(lig))
    out += rows([[c] + [ord(x) for x in t] + [0] * (3 - len(t)) for c, t in lig], 4,
                lambda r: '{0x%x, 0x%x, 0x%x, 0x%x},' % tuple(r))
    out.append('};')
    nd, start = [], None
    for c in range(0x110001):
        isd = c < 0x110000 and unicodedata.category(chr(c)) == 'Nd'
        if isd and start is None: start = c
        if not isd and start is not None: nd.append((start, c - 1)); start = None
    out.append('static const uint32_t rse__nd[%d][2] = {' % len(nd))
    out += rows(nd, 6, lambda r: '{0x%x, 0x%x},' % r)
    out.append('};')
    return out


def check_badness(sets, pats):
    """The classes and alternatives must find exactly what BADNESS_RE finds."""
    import random
    from ftfy.badness import BADNESS_RE
    def cls_has(i, ch):
        if i < 128: return ord(ch) in sets[i]
        k = SPECIAL[i - 128]
        if k == '\\s': return ch.isspace()
        if k == '\\w': return ch.isalnum() or ch == '_'
        if k == '.': return ch != '\n'
        return not ('A' <= ch <= 'Z' or 'a' <= ch <= 'z')
    def bad(t):
        for i in range(len(t)):
            for anchor, ids in pats:
                if anchor and i: continue
                if i + len(ids) <= len(t) and all(cls_has(k, t[i + j]) for j, k in enumerate(ids)):
                    return True
        return False
    rng = random.Random(1)
    pool = sorted(set().union(*sets)) + [ord(c) for c in 'aZ \n_1.x']
    for n in range(200000):
        t = ''.join(chr(rng.choice(pool)) for _ in range(rng.randint(1, 8)))
        assert bad(t) == bool(BADNESS_RE.search(t)), repr(t)


def gen_nfc():
    out = []
    bps, prev = [], None
    for c in range(0x110000):
        v = unicodedata.combining(chr(c))
        if v != prev:
            bps.append((c, v)); prev = v
    out.append('static const uint32_t rse__ccc_bp[%d] = {' % len(bps))
    out += rows(bps, 8, lambda b: '0x%x,' % (b[0] << 8 | b[1]))
    out.append('};')
    dec = []
    for c in range(0x110000):
        d = unicodedata.decomposition(chr(c))
        if not d or d.startswith('<'):
            continue
        parts = [int(x, 16) for x in d.split()]
        assert len(parts) in (1, 2)
        comp = 0
        if len(parts) == 2:
            # a primary composite: NFC gives it back from its decomposition
            comp = int(unicodedata.normalize('NFC', chr(parts[0]) + chr(parts[1])) == chr(c)
                       and unicodedata.combining(chr(parts[0])) == 0)
        dec.append((c | comp << 31, parts[0], parts[1] if len(parts) == 2 else 0))
    # second characters are few (combining marks): stored by index
    seconds = sorted(set(d[2] for d in dec if d[2]))
    assert len(seconds) < 128
    out.append('static const uint32_t rse__nfd_2nd[%d] = {' % (len(seconds) + 1))
    out += rows([0] + seconds, 10, lambda x: '0x%x,' % x)
    out.append('};')
    out.append('static const uint32_t rse__nfd[%d][2] = {' % len(dec))
    out += rows(dec, 6, lambda d: '{0x%x, 0x%x},' % (d[0], d[1] | (seconds.index(d[2]) + 1 if d[2] else 0) << 21))
    out.append('};')
    comp = sorted((i for i, d in enumerate(dec) if d[0] >> 31), key=lambda i: (dec[i][1], dec[i][2]))
    out.append('static const uint16_t rse__nfc_ix[%d] = {' % len(comp))
    out += rows(comp, 12, lambda i: '%d,' % i)
    out.append('};')
    return out


if __name__ == '__main__':
    path = sys.argv[1] if len(sys.argv) > 1 else 'clip.c'
    src = open(path, encoding='utf-8').read()
    a = src.index('/* BEGIN GENERATED TABLES')
    b = src.index('/* END GENERATED TABLES */') + len('/* END GENERATED TABLES */')
    new = src[:a] + gen() + src[b:]  # generate fully before touching the file
    with open(path, 'w', encoding='utf-8') as f:
        f.write(new)
    print('%s: tables regenerated' % path)
