#!/bin/sh
# Runs every test program given on the command line, JOBS (default 2) at a
# time, shows their output in order, and closes with one line
# "N passed, N failed[, N skipped]". Exits non-zero if any program failed or
# crashed. RUN_WITH, if set, is a command to run each program with (make
# test-neon: qemu-aarch64).
jobs=${JOBS:-2}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rsedit-run.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
# A pool of JOBS: each program starts as soon as one ends, so a slow test
# never leaves a core idle (the Makefile passes the slow ones first).
# Programs are numbered in argument order; the report below keeps it.
export tmp RUN_WITH
i=0
for t in "$@"; do i=$((i + 1)); printf '%s %s\n' "$i" "$t"; done |
    xargs -n 2 -P "$jobs" sh -c '$RUN_WITH "$2" > "$tmp/$1.out" 2>&1; echo $? > "$tmp/$1.rc"' sh
pass=0; fail=0; skip=0; bad=0; i=0
for t in "$@"; do
    i=$((i + 1))
    out=$(cat "$tmp/$i.out"); rc=$(cat "$tmp/$i.rc" 2>/dev/null || echo 1)
    printf '%s\n' "$out" | grep -v '^ok '
    line=$(printf '%s\n' "$out" | grep -E '^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
    if [ -z "$line" ] || [ "$rc" -ne 0 ]; then
        [ -z "$line" ] && echo "$t: crashed or printed no summary (exit $rc)"
        bad=1
    fi
    p=$(printf '%s' "$line" | sed -n 's/.* \([0-9][0-9]*\) passed.*/\1/p')
    f=$(printf '%s' "$line" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p')
    s=$(printf '%s' "$line" | sed -n 's/.* \([0-9][0-9]*\) skipped.*/\1/p')
    pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0})); skip=$((skip + ${s:-0}))
    [ -z "$line" ] && fail=$((fail + 1))
done
if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ $bad -eq 0 ] && [ $fail -eq 0 ]
