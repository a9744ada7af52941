# kiln serve's snapshots as cache entries: the first server of a function
# boots it to READY and keeps that in the cache; every later one maps the
# entry; a damaged entry is reported, dropped and made again.

load helpers

setup_file() {
    build_guest cgi_counter
}

setup() {
    export KILN_CACHE_DIR="$BATS_TEST_TMPDIR/cache"
    LOG="$BATS_TEST_TMPDIR/log"
}

teardown() {
    stop_server
}

# serve_once ROUTE...: a server of the routes (each /NAME of cgi_counter)
# that answers one request on each, then stops.
serve_once() {
    local route args=()
    for route in "$@"; do
        args+=(--route "$route=$(guest cgi_counter)")
    done
    start_server "$LOG" "${args[@]}"
    for route in "$@"; do
        assert_output_of "$route"
    done
    stop_server
}

# assert_output_of ROUTE: cgi_counter's answer, fresh from the snapshot
assert_output_of() {
    output=$(fetch "$1?q=$1")
    assert_output $'calls=1\nquery=q='"$1"
}

# only_snapshot: the one entry in the cache's snapshots/
only_snapshot() {
    local entries=("$KILN_CACHE_DIR/snapshots"/*)
    [ "${#entries[@]}" -eq 1 ] && [ -f "${entries[0]}" ] ||
        { echo "expected one snapshot entry: ${entries[*]}" >&2; return 1; }
    echo "${entries[0]}"
}

# identity FILE: its inode and modification time, which only a new entry changes
identity() {
    stat -c '%i %y' "$1"
}

# flip_byte FILE OFFSET: change one byte of FILE in place
flip_byte() {
    local byte
    byte=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    printf "$(printf '\\%03o' $(((byte + 1) % 256)))" |
        dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# assert_dropped ENTRY WHY: the log says, in one line, that ENTRY was corrupt
assert_dropped() {
    [ "$(grep -c 'corrupt cache entry' "$LOG")" -eq 1 ] || { cat "$LOG" >&2; return 1; }
    assert_line_in "$(cat "$LOG")" "kiln: $1: corrupt cache entry ($2); removed, rebuilding it"
}

@test "the first kiln serve of a function keeps its snapshot in the cache" {
    serve_once /counter
    grep -q "^kiln: /counter: .* ready (snapshot taken) in " "$LOG"
    local entry
    entry=$(only_snapshot)
    # Only the pages the function holds take disk; the rest of RAM is holes.
    [ "$(($(stat -c '%b * %B' "$entry")))" -lt "$(stat -c %s "$entry")" ]
}

@test "a second kiln serve of the image maps the entry instead of booting it" {
    serve_once /counter
    local entry before
    entry=$(only_snapshot)
    before=$(identity "$entry")
    serve_once /counter
    [ "$(identity "$(only_snapshot)")" = "$before" ]
    grep -q "^kiln: /counter: .* ready (snapshot from the cache) in " "$LOG"
    ! grep -q "corrupt cache entry" "$LOG"
}

@test "two routes of the same image share one entry" {
    serve_once /a /b
    only_snapshot >/dev/null
    grep -q "^kiln: /b: .* ready (snapshot from the cache) in " "$LOG"
}

@test "a flipped byte in a page of the entry is reported in one line, and the entry made again" {
    serve_once /counter
    local entry before
    entry=$(only_snapshot)
    before=$(identity "$entry")
    # The last page of RAM holds the top of the stack: one the entry keeps.
    flip_byte "$entry" $(($(stat -c %s "$entry") - 100))
    serve_once /counter
    assert_dropped "$entry" "content does not match its hash"
    [ "$(identity "$(only_snapshot)")" != "$before" ]
    serve_once /counter
    ! grep -q "corrupt cache entry" "$LOG"
}

@test "a truncated entry is reported in one line, and the entry made again" {
    serve_once /counter
    local entry
    entry=$(only_snapshot)
    truncate -s $(($(stat -c %s "$entry") / 2)) "$entry"
    serve_once /counter
    assert_dropped "$entry" "truncated"
    serve_once /counter
    ! grep -q "corrupt cache entry" "$LOG"
    grep -q "^kiln: /counter: .* ready (snapshot from the cache) in " "$LOG"
}

@test "kiln cache ls shows the entry by what it takes on disk, and clean removes it" {
    serve_once /counter
    local entry
    entry=$(only_snapshot)
    run -0 "$KILN" cache ls
    [[ "$output" =~ \ +[0-9.]+K\ +[0-9]+s\ \ snapshots/${entry##*/} ]]
    run -0 "$KILN" cache clean
    [ ! -e "$KILN_CACHE_DIR/snapshots" ]
}
