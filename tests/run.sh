#!/bin/sh
# Runs every test program given on the command line, shows their output, and
# closes with one line "N passed, N failed[, N skipped]". Exits non-zero if any
# program failed or crashed.
pass=0; fail=0; skip=0; bad=0
for t in "$@"; do
    out=$("$t" 2>&1); rc=$?
    printf '%s\n' "$out" | grep -v '^ok ' 
    line=$(printf '%s\n' "$out" | grep -E '^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
    if [ -z "$line" ] || [ $rc -ne 0 ]; then
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
