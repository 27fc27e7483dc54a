#!/usr/bin/env python3
"""Writes tests/fixtures/tok/: texts with ftfy's output and open_clip's ids.

Developer tool only (the build and the tests never run Python). Run from the
repository root with Debian's python3-regex and ftfy 6.3.1 on the path:

    PYTHONPATH=../shared/tools/pylib /usr/bin/python3 tools/make_tok_fixtures.py

The reference pipeline is open_clip's tokenizer (src/open_clip/tokenizer.py,
v2.20), written out here from its description in ../shared/docs/clip.md 5.1:
    ftfy.fix_text -> html.unescape twice -> strip -> regex \\s+ -> ' ', strip
    -> str.lower -> regex pre-tokens -> bytes_to_unicode -> BPE -> ids,
    wrapped in 49406 .. 49407 and cut to 77 with the last id 49407.

Each output file is gzip'd TSV, one case a line:
    text <TAB> ftfy.fix_text(text), or '\\=' when unchanged <TAB> ids
with \\ \t \n \r escaped as \\\\ \\t \\n \\r in both text columns (so '\\=' is no
escaped text). Files:
  corpus.tsv.gz    real lines from the documentation installed on this
                   machine (licence texts, /usr/share/doc, man pages, in
                   several languages) and ../shared/docs, chosen reproducibly
                   (sorted sources, fixed seed): every usable non-ASCII line
                   up to a quota, ASCII lines for the rest.
  ftfy.tsv.gz      the 'original' of every case in ftfy's own test files
                   (../shared/tools/pylib/ftfy_test_cases/*.json), file order.
  entities.tsv.gz  "&" + each name of html.entities.html5 (2,231, with and
                   without ';' as the table has them), then "&" + each
                   upper-case name ftfy adds ("&EACUTE;").
"""
import glob
import gzip
import html
import html.entities
import json
import os
import random
import subprocess
import sys

import regex
import ftfy
from ftfy import chardata

VOCAB = '../shared/data/clip/bpe_simple_vocab_16e6.txt.gz'
OUT = 'tests/fixtures/tok'
N_CORPUS = 3100          # lines in corpus.tsv.gz
N_NONASCII = 1300        # of which at most this many hold non-ASCII text
MAX_LINE = 120           # characters per corpus line


class Tokenizer:
    """open_clip's SimpleTokenizer, for ids only."""

    def __init__(self, path):
        bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
        cs = bs[:]
        n = 0
        for b in range(256):
            if b not in bs:
                bs.append(b)
                cs.append(256 + n)
                n += 1
        self.byte_sym = {b: chr(c) for b, c in zip(bs, cs)}
        lines = gzip.open(path).read().decode('utf-8').split('\n')[1:49152 - 256 - 2 + 1]
        merges = [tuple(l.split()) for l in lines]
        syms = [chr(c) for c in cs]
        vocab = syms + [s + '</w>' for s in syms] + [''.join(m) for m in merges]
        vocab += ['<start_of_text>', '<end_of_text>']
        self.ids = {v: i for i, v in enumerate(vocab)}
        self.rank = {m: i for i, m in enumerate(merges)}
        self.cache = {'<start_of_text>': '<start_of_text>', '<end_of_text>': '<end_of_text>'}
        self.pat = regex.compile(r"""<start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
                                 regex.IGNORECASE)

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = list(token[:-1]) + [token[-1] + '</w>']
        while len(word) > 1:
            pairs = set(zip(word, word[1:]))
            best = min(pairs, key=lambda p: self.rank.get(p, float('inf')))
            if best not in self.rank:
                break
            out, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            word = out
        r = ' '.join(word)
        self.cache[token] = r
        return r

    def __call__(self, text):
        text = html.unescape(html.unescape(ftfy.fix_text(text))).strip()
        text = regex.sub(r'\s+', ' ', text).strip().lower()
        ids = [49406]
        for tok in self.pat.findall(text):
            tok = ''.join(self.byte_sym[b] for b in tok.encode('utf-8'))
            ids += [self.ids[s] for s in self.bpe(tok).split(' ')]
        ids.append(49407)
        if len(ids) > 77:
            ids = ids[:77]
            ids[-1] = 49407
        return ids


def esc(s):
    return s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n').replace('\r', '\\r')


def utf8_ok(s):
    try:
        s.encode('utf-8')
        return True
    except UnicodeEncodeError:
        return False


def write(name, texts, tok):
    rows = []
    for t in texts:
        fixed = ftfy.fix_text(t)
        rows.append('%s\t%s\t%s\n' % (esc(t), '\\=' if fixed == t else esc(fixed), ' '.join(map(str, tok(t)))))
    data = ''.join(rows).encode('utf-8')
    # mtime 0: the same texts give the same bytes
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(gzip.compress(data, 9, mtime=0))
    print('%s: %d cases, %d bytes gzip' % (name, len(rows), os.path.getsize(os.path.join(OUT, name))))


def read_lines(path, gz=False):
    try:
        raw = gzip.open(path).read() if gz else open(path, 'rb').read()
        return raw.decode('utf-8').split('\n')
    except (OSError, UnicodeDecodeError, EOFError):
        return []


def corpus_sources():
    """(source name, lines) in a fixed order."""
    src = []
    for p in sorted(glob.glob('/usr/share/common-licenses/*')):
        if os.path.isfile(p):
            src.append((p, read_lines(p)))
    for p in sorted(glob.glob('/usr/share/doc/*/*')):
        base = os.path.basename(p)
        if not os.path.isfile(p) or os.path.islink(p):
            continue
        if base == 'copyright' or base.startswith(('README', 'NEWS', 'changelog', 'AUTHORS', 'THANKS')):
            src.append((p, read_lines(p, p.endswith('.gz'))))
    for p in sorted(glob.glob('/usr/share/man/*/man1/*.gz')) + sorted(glob.glob('/usr/share/man/man1/*.gz'))[:400]:
        src.append((p, read_lines(p, True)))
    for p in sorted(glob.glob('../shared/docs/*')):
        src.append((p, read_lines(p)))
    return src


def gather_corpus():
    seen, ascii_lines, other = set(), [], []
    for name, lines in corpus_sources():
        for l in lines:
            l = l.rstrip('\n')
            if not l.strip() or len(l) > MAX_LINE or l in seen or not any(c.isalnum() for c in l):
                continue
            seen.add(l)
            (ascii_lines if l.isascii() else other).append(l)
    rng = random.Random(0)
    rng.shuffle(other)
    rng.shuffle(ascii_lines)
    pick = other[:N_NONASCII]
    pick += ascii_lines[:N_CORPUS - len(pick)]
    print('corpus: %d candidate lines (%d with non-ASCII), %d taken' % (len(seen), len(other), len(pick)))
    return pick


def ftfy_cases():
    out = []
    for p in sorted(glob.glob('../shared/tools/pylib/ftfy_test_cases/*.json')):
        for case in json.load(open(p, encoding='utf-8')):
            t = case['original']
            if utf8_ok(t):
                out.append(t)
            else:
                print('skipped (not UTF-8 encodable): %r' % t)
    return out


def entity_cases():
    h5 = html.entities.html5
    out = ['&' + k for k in h5]
    out += [k for k in chardata.HTML_ENTITIES if k[1:] not in h5]
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    tok = Tokenizer(VOCAB)
    write('ftfy.tsv.gz', ftfy_cases(), tok)
    write('entities.tsv.gz', entity_cases(), tok)
    write('corpus.tsv.gz', gather_corpus(), tok)


if __name__ == '__main__':
    sys.exit(main())
