# The embedded files' pages (kiln build --files): mapped from the image
# file at every boot, never copied, hashed or kept in the boot cache, and
# under kiln serve restored from the image after a request wrote them.
# tests/guests/files_pages.c hashes the pages in place.

load helpers

setup_file() {
    local data="$BATS_FILE_TMPDIR/data"
    mkdir -p "$data"
    head -c 3000000 /dev/urandom >"$data/blob"
    echo small >"$data/small.txt"
    "$KILN" build "$GUESTS/files_pages.c" --files "$data:/srv" -o "$BATS_FILE_TMPDIR/files_pages.kiln"
    objcopy -O binary -j .kiln_files "$BATS_FILE_TMPDIR/files_pages.kiln" "$BATS_FILE_TMPDIR/section"
    python3 - "$BATS_FILE_TMPDIR/section" >"$BATS_FILE_TMPDIR/expected" <<'END'
import sys
data = open(sys.argv[1], "rb").read()
h = 0xcbf29ce484222325
for b in data:
    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
print(f"{len(data)} bytes, fnv1a {h:016x}")
END
}

@test "the guest reads the embedded files' pages as the image holds them, cold and cached" {
    local image
    image=$(guest files_pages)
    run -0 "$KILN" run "$image" </dev/null
    [ "$output" = "$(cat "$BATS_FILE_TMPDIR/expected")" ]
    run -0 --separate-stderr "$KILN" run --verbose "$image" </dev/null
    [ "$output" = "$(cat "$BATS_FILE_TMPDIR/expected")" ]
    [[ "$stderr" == "kiln: boot cache: hit, "* ]]
}

@test "the boot cache keeps no embedded file" {
    run -0 "$KILN" run "$(guest files_pages)" </dev/null
    local entry
    entry=$(find "$KILN_CACHE_DIR/boot" -type f)
    [ "$(stat -c %s "$entry")" -lt 1000000 ]
}

@test "kiln serve: each request sees the embedded files as the image holds them" {
    start_server "$BATS_TEST_TMPDIR/log" --workers 1 --route /f="$(guest files_pages)"
    local expected
    expected=$(cat "$BATS_FILE_TMPDIR/expected")
    [ "$(fetch /f)" = "$expected" ]
    [ "$(fetch /f)" = "$expected" ]
    [ "$(fetch /f)" = "$expected" ]
    stop_server
}
