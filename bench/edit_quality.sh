#!/bin/sh
# bench/edit_quality.sh - do edits keep the image? (issue 20's table)
#
#   sh bench/edit_quality.sh RSEDIT OUTDIR [MODELDIR [NAME...]]
#
# For each NAME (default: forest river coast farmland_2020 harbor) edits
# SHARED/data/rsi/NAME_256.ppm with the model MODELDIR/NAME.rsm (default
# MODELDIR = OUTDIR). A missing model is trained with the default preset
# (`rsedit train IMG -o M`, about 9 minutes on 2 cores) and timed; an
# existing one is reused, never overwritten. Prints a Markdown table, one
# row per image: the training time (or "reused"), then each item's number
# beside its bar ("<= 3": within 3x the floor):
#
#   2  region: an unguided edit (--strength 0: guidance off, the same
#      sampler) of the 60x50 ROI below; `quality --region ROI --baseline`:
#      the finest level's SWD of the ROI plus 4 px against the same crop of
#      the original (every patch position, the original's statistics), over
#      the floor (the original against itself shifted by 4 px with reflected
#      borders, the mean of the 8 directions)
#   3  whole: the same edit without --roi, in two forms. "keep" is the
#      default (--keep-outside on): the text's gradient picks the --fill
#      share of the image that changes and the rest is the input exactly;
#      the color CLIP's gradient is flat (it sees only the mean colour),
#      which changes all of it, so this run takes its gradient from the
#      random tiny ViT of SHARED/data/clip/fixtures (guidance is still off:
#      --strength 0); the share of pixels changed is printed. "all" is
#      --keep-outside off, the whole image regenerated (the reference).
#      For each, the ratios of the finest two
#      levels, scored over the whole image with the same floor (--region
#      covering the image). Over a whole image a 4-px shift leaves almost
#      every patch in place, so with every position that floor is tiny (2 at
#      the finest level of forest against 20-60 for a plausible new texture);
#      in parentheses the same with 1024 random patches (--patches 1024),
#      whose floor is mostly the estimator's sampling noise. Then PSNR at
#      the pyramid's finest scale against
#      that scale: the edit (its output resized to the finest size with the
#      pyramid's LANCZOS; the output is the input plus the finest-scale
#      change upsampled, so this gives back the edit's finest scale) beside
#      the plain bicubic upsampling of the edit's start scale (its pyramid
#      image, Pillow's bicubic to the finest size). The edit must beat it
#   4  copy: --copy-from SRC --copy-to DST (an object into a plain area);
#      the finest-level SWD of DST plus 4 px in the edit against SRC plus
#      4 px in the original (--region DST --region-ref SRC), over SRC's floor
#   5  size: every output has the input's size, and the pixels that differ
#      from the input (`quality --changed`) lie within the region or copy
#      target grown by the feather (8 px) + 2 px: the change is made at the
#      pyramid's finest scale (223 px for 256x256) and pasted back with a bilinear
#      upsampling that reaches ~1.2 px further
#   6  samples: 8 samples (seed 0) as bench/preset_quality.sh draws them;
#      mean SWD over the shifted-crops baseline, with each set normalised
#      on its own (ProGAN's, `quality --baseline`) and with the original's
#      statistics (`--ref-norm`, where a colour shift counts)
#
# Environment: SHARED (default: ../shared beside the repository), THREADS
# (2). Outputs, logs and JSON reports stay in OUTDIR/NAME/.
set -eu
[ $# -ge 2 ] || { echo "usage: sh bench/edit_quality.sh RSEDIT OUTDIR [MODELDIR [NAME...]]" >&2; exit 2; }
R=$1 OUT=$2
MODELS=${3:-$OUT}
[ $# -ge 3 ] && shift 3 || shift $#
NAMES=${*:-forest river coast farmland_2020 harbor}
here=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$here/../shared}
THREADS=${THREADS:-2}
CLIP=$here/tests/fixtures/clip/color_clip.pt
TINY=$SHARED/data/clip/fixtures/tiny_vit_fp32.pt
VOCAB=$SHARED/data/clip/bpe_simple_vocab_16e6.txt.gz
FEATHER=8   # edit's default --feather
for f in "$R" "$CLIP" "$VOCAB" "$TINY"; do
    [ -e "$f" ] || { echo "edit_quality: missing $f" >&2; exit 1; }
done

# Per image: the 60x50 ROI of item 2 (chosen for structure in it: an edge
# between two kinds of ground), and item 4's copy, an object SRC into a
# plain DST of the same size. Boxes are WxH+X+Y in the image's pixels.
boxes() {
    case $1 in
    forest)        ROI=60x50+70+95;  SRC=30x30+150+190; DST=30x30+15+68 ;;   # shadowed gap between crowns; a bright crown into a shadow
    river)         ROI=60x50+95+105; SRC=24x20+72+230;  DST=24x20+12+178 ;;  # water and the tree line of the bank; parked cars onto the paved lot
    coast)         ROI=60x50+110+130; SRC=40x28+78+48;  DST=40x28+180+150 ;; # coastline: land, reef strip, dark channel; a cloud onto the channel
    farmland_2020) ROI=60x50+180+130; SRC=20x20+134+66; DST=20x20+60+78 ;;   # (256x198) road, pond edge, bare fields; a pond into a green field
    harbor)        ROI=60x50+130+165; SRC=30x38+185+165; DST=30x38+190+110 ;; # boats on a pier; a moored boat into open water
    *) echo "edit_quality: no boxes for '$1'" >&2; exit 1 ;;
    esac
}

# nth N FIELD FILE: the N-th value of "FIELD": in a one-line JSON report
# (quality's per-level fields come first, then the totals of the same name);
# last FIELD FILE: the last one.
nth() { grep -o "\"$2\":[^,}]*" "$3" | sed -n "$1p" | sed 's/^[^:]*: *//; s/"//g'; }
last() { grep -o "\"$1\":[^,}]*" "$2" | tail -n 1 | sed 's/^[^:]*: *//; s/"//g'; }
# ratio REPORT: mean SWD over the baseline's
ratio() { awk -v a="$(last swd "$1")" -v b="$(last baseline_swd "$1")" 'BEGIN { if (b > 0) print a / b }'; }
# q OUT ARGS...: `rsedit quality ARGS --json` into OUT; on failure (a
# sample of another size than the input: item 5) an empty report, the
# error on stderr, and sizes=differ.
q() {
    o=$1; shift
    if "$R" quality "$@" --json > "$o" 2> "$o.err"; then
        rm -f "$o.err"
    else
        echo '{}' > "$o"
        cat "$o.err" >&2
        if grep -q "reference's size" "$o.err"; then sizes=differ; fi
    fi
}
# f1 VALUE: one decimal, or n/a for a missing value or null
f1() { awk -v v="$1" 'BEGIN { if (v == "" || v == "null") print "n/a"; else printf "%.1f", v }'; }
# bar VALUE LIMIT: "VALUE <= LIMIT" or "VALUE > LIMIT".
bar() { awk -v v="$1" -v l="$2" 'BEGIN { if (v == "" || v == "null") print "n/a"; else printf "%.2f %s %s", v, (v + 0 <= l + 0 ? "<=" : ">"), l }'; }
# spill BOX CHANGED: how far the changed pixels' box CHANGED reaches beyond
# BOX, in pixels (0 when inside; - when nothing changed).
spill() {
    [ -n "$2" ] && [ "$2" != null ] || { echo -; return; }
    echo "$1 $2" | tr 'x+' '  ' | awk '{ w=$1; h=$2; x=$3; y=$4; cw=$5; ch=$6; cx=$7; cy=$8
        s = x - cx; if (cy < y && y - cy > s) s = y - cy
        if (cx + cw - (x + w) > s) s = cx + cw - (x + w); if (cy + ch - (y + h) > s) s = cy + ch - (y + h)
        print (s > 0 ? s : 0) }'
}

echo "| image | train | 2 region SWD/floor | 3 whole, keep (default): changed, L0, L1 SWD/floor, PSNR | 3 whole, all regenerated: L0, L1 SWD/floor | 3 PSNR edit vs bicubic (dB) | 4 copy SWD/floor | 5 size, spill (px) | 6 samples SWD/floor own, ref-norm |"
echo "|---|---|---|---|---|---|---|---|---|"
mkdir -p "$OUT" "$MODELS"
for name in $NAMES; do
    IMG=$SHARED/data/rsi/${name}_256.ppm
    M=$MODELS/$name.rsm
    D=$OUT/$name
    mkdir -p "$D"
    boxes "$name"
    train=reused
    if [ ! -f "$M" ]; then
        t0=$(date +%s)
        "$R" train "$IMG" -o "$M" --threads "$THREADS" --quiet 2> "$D/train.log"
        train="$(( $(date +%s) - t0 )) s"
    fi
    unguided="--strength 0 --text x --clip $CLIP --vocab $VOCAB --templates none --views 1"
    sizes=same
    # item 2 (the edit writes roi.ppm and its record roi.json)
    "$R" edit "$M" "$IMG" -o "$D/roi.ppm" --roi "$ROI" $unguided --threads "$THREADS" --quiet
    q "$D/roi_q.json" "$IMG" "$D/roi.ppm" --region "$ROI" --baseline --changed
    # item 3: whole image, the issue's floor over the whole image; first
    # the default (keep outside the changed area), then all regenerated
    "$R" edit "$M" "$IMG" -o "$D/keep.ppm" --strength 0 --text x --clip "$TINY" --clip-heads 2,2 --vocab "$VOCAB" \
        --templates none --views 1 --save-mask --threads "$THREADS" --quiet
    "$R" edit "$M" "$IMG" -o "$D/whole.ppm" $unguided --keep-outside off --threads "$THREADS" --quiet
    wh=$("$R" pyramid "$IMG" --json | grep -o '"width":[0-9]*,"height":[0-9]*' | sed 's/"width":\([0-9]*\),"height":\([0-9]*\)/\1x\2/')
    n=$(echo "$wh" | wc -l)
    s0=$(last start_scale "$D/whole.json")
    [ "$s0" -ge 0 ] 2> /dev/null || s0=$((n - 2))   # -1: the default, one below the finest
    fin=$(echo "$wh" | sed -n "${n}p")
    start=$(echo "$wh" | sed -n "$((s0 + 1))p")
    full="$(nth 1 width "$D/roi.json")x$(nth 1 height "$D/roi.json")+0+0"   # the edit record's image size
    q "$D/keep_q.json" "$IMG" "$D/keep.ppm" --region "$full" --baseline --psnr --changed
    q "$D/whole_q.json" "$IMG" "$D/whole.ppm" --region "$full" --baseline --psnr
    q "$D/whole_rand_q.json" "$IMG" "$D/whole.ppm" --region "$full" --baseline --patches 1024
    "$R" convert "$IMG" "$D/finest.ppm" --resize "$fin" --filter lanczos
    "$R" convert "$IMG" "$D/start.ppm" --resize "$start" --filter lanczos
    "$R" convert "$D/start.ppm" "$D/bicubic.ppm" --resize "$fin" --filter bicubic
    "$R" convert "$D/whole.ppm" "$D/whole_finest.ppm" --resize "$fin" --filter lanczos
    q "$D/psnr_q.json" "$D/finest.ppm" "$D/whole_finest.ppm" "$D/bicubic.ppm" --psnr
    # item 4
    "$R" edit "$M" "$IMG" -o "$D/copy.ppm" --copy-from "$SRC" --copy-to "$DST" --threads "$THREADS" --quiet
    q "$D/copy_q.json" "$IMG" "$D/copy.ppm" --region "$DST" --region-ref "$SRC" --baseline --changed
    # item 6
    "$R" sample "$M" -o "$D/s.ppm" --count 8 --seed 0 --threads "$THREADS" --quiet
    q "$D/samples_q.json" "$IMG" "$D"/s_*.ppm --baseline
    q "$D/samples_refnorm_q.json" "$IMG" "$D"/s_*.ppm --baseline --ref-norm

    r2=$(last finest_ratio "$D/roi_q.json")
    l0=$(nth 1 ratio "$D/whole_q.json") l1=$(nth 2 ratio "$D/whole_q.json")
    k0=$(nth 1 ratio "$D/keep_q.json") k1=$(nth 2 ratio "$D/keep_q.json")
    kp=$(grep -o '"psnr":\[[^]]*' "$D/keep_q.json" | sed 's/.*\[//' | cut -d, -f1)
    kc=$(awk -v n="$(last pixels "$D/keep_q.json")" -v w="$(nth 1 width "$D/roi.json")" -v h="$(nth 1 height "$D/roi.json")" \
        'BEGIN { if (n != "" && w > 0) printf "%.0f%%", 100 * n / (w * h); else print "n/a" }')
    r0=$(nth 1 ratio "$D/whole_rand_q.json") r1=$(nth 2 ratio "$D/whole_rand_q.json")
    pe=$(grep -o '"psnr":\[[^]]*' "$D/psnr_q.json" | sed 's/.*\[//' | cut -d, -f1)
    pb=$(grep -o '"psnr":\[[^]]*' "$D/psnr_q.json" | sed 's/.*\[//' | cut -d, -f2)
    verdict=$(awk -v e="$pe" -v b="$pb" 'BEGIN { print (e == "" ? "n/a" : e + 0 > b + 0 ? "beats" : "below") }')
    r4=$(last finest_ratio "$D/copy_q.json")
    # the last "box" of a report is --changed's (null: nothing changed)
    sp2=$(spill "$ROI" "$(last box "$D/roi_q.json")")
    sp4=$(spill "$DST" "$(last box "$D/copy_q.json")")
    lim=$((FEATHER + 2))
    sp=$(echo "$sp2 $sp4" | awk -v l=$lim '{ m = ($1 == "-" ? 0 : $1); if ($2 != "-" && $2 + 0 > m) m = $2
        printf "region %s, copy %s (%s %d)", $1, $2, (m <= l ? "<=" : ">"), l }')
    s6a=$(ratio "$D/samples_q.json")
    s6b=$(ratio "$D/samples_refnorm_q.json")
    printf '| %s | %s | %s | %s: %s; %s; %s dB | %s; %s (random: %s; %s) | %s vs %s (%s) | %s | %s, %s | %s; %s |\n' "$name" "$train" \
        "$(bar "$r2" 3)" "$kc" "$(bar "$k0" 3)" "$(bar "$k1" 3)" "$(f1 "$kp")" \
        "$(bar "$l0" 3)" "$(bar "$l1" 3)" "$(f1 "$r0")" "$(f1 "$r1")" "$(f1 "$pe")" "$(f1 "$pb")" "$verdict" \
        "$(bar "$r4" 3)" "$sizes" "$sp" \
        "$(bar "$s6a" 3)" "$(bar "$s6b" 3)"
done
