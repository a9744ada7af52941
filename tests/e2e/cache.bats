# The build and boot caches as a user meets them: kiln run app.c twice,
# edits, damage, two runs at once, reproducible images, kiln cache.

load helpers

setup() {
    export KILN_CACHE_DIR="$BATS_TEST_TMPDIR/cache"
    mkdir "$BATS_TEST_TMPDIR/app"
    cd "$BATS_TEST_TMPDIR/app"
    cat >app.c <<'SRC'
#include <stdio.h>
#include "message.h"
int main(void) { printf("%s\n", MESSAGE); return 0; }
SRC
    echo '#define MESSAGE "first"' >message.h
}

# only_entry FOLDER: the one entry in the cache's FOLDER
only_entry() {
    local entries=("$KILN_CACHE_DIR/$1"/*)
    [ "${#entries[@]}" -eq 1 ] || { echo "expected one entry in $1: ${entries[*]}" >&2; return 1; }
    echo "${entries[0]}"
}

# flip_byte FILE OFFSET: change one byte of FILE in place
flip_byte() {
    local byte
    byte=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    printf "$(printf '\\%03o' $(((byte + 1) % 256)))" |
        dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

@test "the first kiln run app.c builds, the second compiles nothing" {
    run -0 --separate-stderr "$KILN" run --verbose app.c </dev/null
    [ "$output" = "first" ]
    [[ "${stderr_lines[0]}" == "kiln: build cache: miss, "* ]]
    [[ "$stderr" == *"musl-gcc "* ]]
    run -0 --separate-stderr "$KILN" run --verbose app.c </dev/null
    [ "$output" = "first" ]
    [ "${#stderr_lines[@]}" -eq 2 ]
    [[ "${stderr_lines[0]}" == "kiln: build cache: hit, $KILN_CACHE_DIR/images/"*.kiln ]]
    [[ "${stderr_lines[1]}" == "kiln: boot cache: hit, $KILN_CACHE_DIR/boot/"* ]]
}

@test "a hit prints nothing extra" {
    "$KILN" run app.c </dev/null
    run -0 --separate-stderr "$KILN" run app.c </dev/null
    [ "$output" = "first" ]
    [ -z "$stderr" ]
    run -0 --separate-stderr "$KILN" build app.c -o app.kiln
    [ -z "$output" ]
    [ -z "$stderr" ]
}

@test "an edit to the .c file misses and rebuilds" {
    "$KILN" run app.c </dev/null
    sed -i 's/return 0/return 3/' app.c
    run -3 --separate-stderr "$KILN" run --verbose app.c </dev/null
    [ "$output" = "first" ]
    [[ "${stderr_lines[0]}" == "kiln: build cache: miss, no build of these sources"* ]]
    [[ "$stderr" == *"musl-gcc "* ]]
}

@test "an edit to an included .h misses, names the header and rebuilds" {
    "$KILN" run app.c </dev/null
    echo '#define MESSAGE "second"' >message.h
    run -0 --separate-stderr "$KILN" run --verbose app.c </dev/null
    [ "$output" = "second" ]
    [ "${stderr_lines[0]}" = "kiln: build cache: miss, message.h changed" ]
    run -0 --separate-stderr "$KILN" run --verbose app.c </dev/null
    [[ "${stderr_lines[0]}" == "kiln: build cache: hit, "* ]]
}

@test "an edit to a header under -I misses too" {
    mkdir inc
    mv message.h inc/
    "$KILN" run -I inc app.c </dev/null
    echo '#define MESSAGE "third"' >inc/message.h
    run -0 --separate-stderr "$KILN" run --verbose -I inc app.c </dev/null
    [ "$output" = "third" ]
    [ "${stderr_lines[0]}" = "kiln: build cache: miss, inc/message.h changed" ]
}

@test "other flags are another entry" {
    "$KILN" run app.c </dev/null
    run -0 --separate-stderr "$KILN" run --verbose -O1 app.c </dev/null
    [[ "${stderr_lines[0]}" == "kiln: build cache: miss, "* ]]
    [ "$(ls "$KILN_CACHE_DIR/images" | wc -l)" -eq 2 ]
}

@test "a corrupt image entry is reported in one line, removed and rebuilt" {
    "$KILN" run app.c </dev/null
    image=$(only_entry images)
    flip_byte "$image" 5000
    run -0 --separate-stderr "$KILN" run app.c </dev/null
    [ "$output" = "first" ]
    assert_one_stderr_line
    [ "$stderr" = "kiln: $image: corrupt cache entry (content does not match its hash); removed, rebuilding it" ]
    run -0 --separate-stderr "$KILN" run --verbose app.c </dev/null
    [[ "${stderr_lines[0]}" == "kiln: build cache: hit, "* ]]
}

@test "a truncated image entry is reported in one line, removed and rebuilt" {
    "$KILN" run app.c </dev/null
    image=$(only_entry images)
    truncate -s 3000 "$image"
    run -0 --separate-stderr "$KILN" run app.c </dev/null
    [ "$output" = "first" ]
    assert_one_stderr_line
    [[ "$stderr" == "kiln: $image: corrupt cache entry ("* ]]
    [ "$(stat -c %s "$image")" -gt 3000 ]
}

@test "a corrupt boot entry is reported in one line, removed and made again" {
    "$KILN" run app.c </dev/null
    boot=$(only_entry boot)
    flip_byte "$boot" 6000
    run -0 --separate-stderr "$KILN" run app.c </dev/null
    [ "$output" = "first" ]
    assert_one_stderr_line
    [ "$stderr" = "kiln: $boot: corrupt cache entry (content does not match its hash); removed, rebuilding it" ]
    run -0 --separate-stderr "$KILN" run --verbose app.c </dev/null
    [ "${stderr_lines[1]}" = "kiln: boot cache: hit, $boot" ]
}

@test "a truncated boot entry is reported in one line, removed and made again" {
    "$KILN" run app.c </dev/null
    boot=$(only_entry boot)
    truncate -s 5000 "$boot"
    run -0 --separate-stderr "$KILN" run app.c </dev/null
    [ "$output" = "first" ]
    assert_one_stderr_line
    [ "$stderr" = "kiln: $boot: corrupt cache entry (truncated); removed, rebuilding it" ]
}

@test "a corrupt record of a build's headers is reported, removed and rebuilt" {
    "$KILN" run app.c </dev/null
    deps=$(only_entry deps)
    flip_byte "$deps" 40
    run -0 --separate-stderr "$KILN" run app.c </dev/null
    [ "$output" = "first" ]
    assert_one_stderr_line
    [[ "$stderr" == "kiln: $deps: corrupt cache entry ("* ]]
}

@test "KVM's supported CPUID is asked once and then read from the cache" {
    "$KILN" run app.c </dev/null
    cpuid=$(only_entry cpuid)
    before=$(stat -c %i "$cpuid")
    run -0 --separate-stderr "$KILN" run app.c </dev/null
    [ "$output" = "first" ]
    [ -z "$stderr" ]
    # Entries are renamed into place: the same inode was not written again.
    [ "$(stat -c %i "$(only_entry cpuid)")" = "$before" ]
}

@test "a corrupt CPUID record is reported in one line, removed and made again" {
    "$KILN" run app.c </dev/null
    cpuid=$(only_entry cpuid)
    flip_byte "$cpuid" 100
    run -0 --separate-stderr "$KILN" run app.c </dev/null
    [ "$output" = "first" ]
    assert_one_stderr_line
    [ "$stderr" = "kiln: $cpuid: corrupt cache entry (content does not match its hash); removed, rebuilding it" ]
    [ "$(only_entry cpuid)" = "$cpuid" ]
}

@test "the boot cache is keyed by the image's XXH3-128, as xxh128sum prints it" {
    "$KILN" build app.c -o app.kiln
    "$KILN" run app.kiln </dev/null
    [ "$(basename "$(only_entry boot)")" = "$(xxh128sum app.kiln | cut -d' ' -f1)" ]
}

@test "kiln run app.kiln says whether the boot cache had the image" {
    "$KILN" build app.c -o app.kiln
    run -0 --separate-stderr "$KILN" run --verbose app.kiln </dev/null
    [[ "$stderr" == "kiln: boot cache: miss, no entry, "* ]]
    run -0 --separate-stderr "$KILN" run --verbose app.kiln </dev/null
    [[ "$stderr" == "kiln: boot cache: hit, "* ]]
}

@test "two kiln run of the same source at once both succeed and leave one good entry" {
    "$KILN" run app.c >one.out 2>one.err </dev/null &
    first=$!
    "$KILN" run app.c >two.out 2>two.err </dev/null &
    second=$!
    wait "$first"
    wait "$second"
    [ "$(cat one.out)" = "first" ] && [ "$(cat two.out)" = "first" ]
    [ ! -s one.err ] && [ ! -s two.err ]
    only_entry images >/dev/null
    only_entry boot >/dev/null
    only_entry deps >/dev/null
    run -0 --separate-stderr "$KILN" run --verbose app.c </dev/null
    [[ "${stderr_lines[0]}" == "kiln: build cache: hit, "* ]]
    [[ "${stderr_lines[1]}" == "kiln: boot cache: hit, "* ]]
}

@test "the same sources and flags in two folders and two caches give the same image bytes" {
    mkdir ../other
    cp -r . ../other/
    KILN_CACHE_DIR="$BATS_TEST_TMPDIR/cache-a" "$KILN" build -O1 -DEXTRA=1 app.c -o app.kiln
    (cd ../other &&
        KILN_CACHE_DIR="$BATS_TEST_TMPDIR/cache-b" "$KILN" build -O1 -DEXTRA=1 app.c -o app.kiln)
    cmp app.kiln ../other/app.kiln
    cmp app.kiln "$BATS_TEST_TMPDIR"/cache-b/images/*.kiln
    [ "$(ls "$BATS_TEST_TMPDIR/cache-a/images")" = "$(ls "$BATS_TEST_TMPDIR/cache-b/images")" ]
}

@test "an image from the cache is the image a cold build writes" {
    "$KILN" build app.c -o cold.kiln
    run -0 --separate-stderr "$KILN" build -v app.c -o warm.kiln
    [[ "${stderr_lines[0]}" == "kiln: build cache: hit, "* ]]
    cmp cold.kiln warm.kiln
    [ -x warm.kiln ]
}

@test "a failed build leaves no entry and no temporary file in the cache" {
    echo 'int main(void) { return 0 }' >broken.c
    run -125 "$KILN" run broken.c </dev/null
    [ -z "$(find "$KILN_CACHE_DIR" -type f -path '*/images/*')" ]
}

@test "kiln cache path follows KILN_CACHE_DIR, then XDG_CACHE_HOME, then HOME" {
    run -0 "$KILN" cache path
    [ "$output" = "$KILN_CACHE_DIR" ]
    run -0 env -u KILN_CACHE_DIR XDG_CACHE_HOME=/x/cache "$KILN" cache path
    [ "$output" = "/x/cache/kiln" ]
    run -0 env -u KILN_CACHE_DIR -u XDG_CACHE_HOME HOME=/home/me "$KILN" cache path
    [ "$output" = "/home/me/.cache/kiln" ]
}

@test "kiln cache ls lists each entry with its size and age" {
    "$KILN" run app.c </dev/null
    run -0 "$KILN" cache ls
    [ "${#lines[@]}" -eq 6 ]
    image=$(basename "$(only_entry images)")
    [[ "${lines[0]}" =~ ^\ *[0-9.]+K\ +[0-9]+s\ \ images/$image$ ]]
    [[ "${lines[1]}" == *" deps/"* ]]
    [[ "${lines[2]}" == *" compilers/"* ]]
    [[ "${lines[3]}" == *" boot/"* ]]
    [[ "${lines[4]}" == *" cpuid/"* ]]
    [[ "${lines[5]}" == *" seccomp/"* ]]
}

@test "kiln cache ls of an empty cache prints nothing" {
    run -0 --separate-stderr "$KILN" cache ls
    [ -z "$output" ] && [ -z "$stderr" ]
}

@test "kiln cache clean removes what kiln put there and nothing else" {
    "$KILN" run app.c </dev/null
    touch "$KILN_CACHE_DIR/images/0123456789abcdef0123456789abcdef.kiln.tmp-AbC123"
    echo mine >"$KILN_CACHE_DIR/notes.txt"
    echo mine >"$KILN_CACHE_DIR/boot/README"
    run -0 "$KILN" cache clean
    [[ "$output" == "removed 7 cache entries ("*") from $KILN_CACHE_DIR" ]]
    [ -z "$("$KILN" cache ls)" ]
    [ -f "$KILN_CACHE_DIR/notes.txt" ] && [ -f "$KILN_CACHE_DIR/boot/README" ]
    [ ! -e "$KILN_CACHE_DIR/images" ]
    run -0 "$KILN" run app.c </dev/null
    [ "$output" = "first" ]
}

@test "kiln cache --help shows its commands and exit codes" {
    run -0 "$KILN" cache --help
    [[ "$output" == *"Usage: kiln cache path|ls|clean"* ]]
    [[ "$output" == *"Exit codes"* ]]
    [ "$output" = "$("$KILN" help cache)" ]
}

@test "kiln cache without a command or with an unknown one: exit 2 with one line" {
    run -2 --separate-stderr "$KILN" cache
    assert_one_stderr_line
    run -2 --separate-stderr "$KILN" cache frobnicate
    assert_one_stderr_line
    [[ "$stderr" == *frobnicate* ]]
}
