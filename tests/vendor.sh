#!/bin/sh
# tests/vendor.sh CC SWITCHES... - the library as a vendoring project builds
# it. For each SWITCHES (macros joined by commas, e.g. RSE_NO_CLIP,RSE_NO_STDIO)
# rsedit.c is compiled to an object with -Werror, tests/vendor.c is compiled
# against rsedit.h with the same macros and linked with it, and run; nm then
# shows that the object defines nothing the switches leave out (the command
# line and its demo scene; under RSE_NO_CLIP every rse_clip_*, the text
# guide and the reference-checkpoint import). Run by `make warnings`.
CC=$1
shift
D=build/vendor
mkdir -p $D || exit 1
FLAGS="-std=c99 -O2 -Wall -Wextra -pedantic -Werror"
for sw in "$@"; do
    name=$(basename "$CC")-$(echo "$sw" | tr 'A-Z' 'a-z' | sed 's/^rse_no_//; s/,rse_no_/-no/g; s/_/-/g')
    defs=$(echo "$sw" | sed 's/^/-D/; s/,/ -D/g')
    $CC $FLAGS $defs -c -o $D/$name.o rsedit.c || exit 1
    $CC $FLAGS $defs -I. -c -o $D/$name-main.o tests/vendor.c || exit 1
    $CC -o $D/$name $D/$name-main.o $D/$name.o -lm -lpthread || exit 1
    # left out by every switch here (RSE_NO_CLIP implies RSE_NO_CLI)
    gone=' T (main|rse_cli_main|rse_demo_scene)$'
    case ",$sw," in
    *,RSE_NO_CLIP,*) gone=' T (main|rse_cli_main|rse_demo_scene|rse_clip_.*|rse_text_guide_.*|rse_sinddm_import_mem)$' ;;
    esac
    if nm $D/$name.o | grep -E "$gone"; then
        echo "vendor.sh: $name: rsedit.o defines what $sw leaves out (above)"; exit 1
    fi
    out=$($D/$name) || exit 1
    echo "$out" | sed "s/^vendor:/vendor $name:/"
done
