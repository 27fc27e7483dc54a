#!/usr/bin/env python3
"""Generates the tokenizer's Unicode and HTML tables in clip.c.

Developer tool only (the build never runs Python). Run from the repository
root with the system Python (3.11 ships Unicode 14.0.0):

    python3 tools/gen_unicode_tables.py          # rewrites clip.c in place

It replaces the text between the markers
    /* BEGIN GENERATED TABLES (tools/gen_unicode_tables.py) */
    /* END GENERATED TABLES */
and needs only the standard library (unicodedata, html.entities).

What is generated, and from where:
  rse__uc_prop    breakpoints of code point properties, packed (start << 4 | flags):
                    1 letter  \\p{L}: unicodedata.category() starts with 'L'
                    2 number  \\p{N}: category starts with 'N'
                    4 case-ignorable, 8 cased (and not case-ignorable): the two
                      properties Python's str.lower() uses for the final-sigma
                      rule, measured from str.lower() itself (see below).
                  A property set holds from its start to the next entry's start.
  rse__uc_lower   str.lower() one-to-one mappings as runs {first, count, stride, delta}.
                  (The one one-to-many mapping, U+0130 -> 'i' U+0307, is coded by hand.)
  rse__html_ent   the HTML 4.01 named entities (html.entities.name2codepoint) plus
                  'apos' and the upper-case legacy names of HTML5; flag 1 = the
                  name is also valid without ';' (html.entities.html5 has it).
  rse__cp1252     html.unescape's replacements for &#128; .. &#159;.
"""
import html, html.entities, re, sys, unicodedata

SIGMA, FINAL = '\u03a3', '\u03c2'

def props(c):
    ch = chr(c)
    cat = unicodedata.category(ch)
    p = 0
    if cat[0] == 'L': p |= 1
    if cat[0] == 'N': p |= 2
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
    out.append('/* Unicode %s (Python %s unicodedata); see the tool for the meaning. */'
               % (unicodedata.unidata_version, sys.version.split()[0]))
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
    # HTML entities
    h5 = html.entities.html5
    ents = dict(html.entities.name2codepoint)
    ents['apos'] = 0x27
    for k in h5:
        if not k.endswith(';') and k not in ents:
            ents[k] = ord(h5[k])
    # Values as html.unescape gives them: the HTML5 table (HTML 4 differs
    # for lang/rang).
    for k in ents:
        assert len(h5[k + ';']) == 1, k
        ents[k] = ord(h5[k + ';'])
    names = sorted(ents)
    out.append('static const struct { const char *name; uint32_t cp; int legacy; } rse__html_ent[%d] = {' % len(names))
    for i in range(0, len(names), 4):
        out.append('    ' + ' '.join('{"%s", 0x%x, %d},' % (k, ents[k], int(k in h5)) for k in names[i:i + 4]))
    out.append('};')
    cp = [ord(html._invalid_charrefs[c]) for c in range(0x80, 0xa0)]
    out.append('static const uint16_t rse__cp1252[32] = {')
    for i in range(0, 32, 8):
        out.append('    ' + ' '.join('0x%04x,' % x for x in cp[i:i + 8]))
    out.append('};')
    out.append('/* END GENERATED TABLES */')
    return '\n'.join(out)

if __name__ == '__main__':
    path = sys.argv[1] if len(sys.argv) > 1 else 'clip.c'
    src = open(path, encoding='utf-8').read()
    a = src.index('/* BEGIN GENERATED TABLES')
    b = src.index('/* END GENERATED TABLES */') + len('/* END GENERATED TABLES */')
    new = src[:a] + gen() + src[b:]  # generate fully before touching the file
    with open(path, 'w', encoding='utf-8') as f:
        f.write(new)
    print('%s: tables regenerated' % path)
