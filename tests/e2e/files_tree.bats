# Programs on kiln's files, end to end: a tree embedded with --files, the
# writable layer over it, host folders as volumes, SQLite's database on
# each, and kiln serve's /tmp.  The guest programs also build natively
# (musl-gcc -static): the same tree must give the same lines either way.

load helpers

setup_file() {
    build_guest tree_walk
    build_guest cgi_tmp
    musl-gcc -static -O2 -o "$BATS_FILE_TMPDIR/tree_walk" "$GUESTS/tree_walk.c"
    local tree="$BATS_FILE_TMPDIR/tree"
    mkdir -p "$tree/sub/deeper" "$tree/empty-dir"
    echo hello >"$tree/a.txt"
    : >"$tree/empty"
    head -c 300000 /dev/urandom >"$tree/sub/big.bin"
    # Past 1 MiB and across three 2 MiB pieces: read through huge pages.
    head -c 5000000 /dev/urandom >"$tree/huge.bin"
    chmod 600 "$tree/sub/big.bin"
    echo deep >"$tree/sub/deeper/x"
    chmod 750 "$tree/sub/deeper"
    ln -s a.txt "$tree/link"
    ln -s ../a.txt "$tree/sub/up"
    ln -s /data/sub "$tree/absolute"
    tar -czf "$BATS_FILE_TMPDIR/tree.tar.gz" -C "$tree" .
    SQLITE_IMAGE="$(dirname "$KILN")/tests/sqlite_files.kiln"
    export SQLITE_IMAGE
}

# native ARGS...: the native build, from the tree's parent, where the
# guest's /data is ./tree
native() {
    (cd "$BATS_FILE_TMPDIR" && ./tree_walk "$@")
}

tree_copy() {
    cp -a "$BATS_FILE_TMPDIR/tree" "$BATS_TEST_TMPDIR/tree"
    echo "$BATS_TEST_TMPDIR/tree"
}

# same_as_native "NATIVE ARGS" KILN ARGS...: both print the same lines
same_as_native() {
    local native_args="$1"
    shift
    diff <(native $native_args | sed 's|tree|/data|g') <("$KILN" run "$@" | sed 's|tree|/data|g')
}

@test "an embedded folder reads as the same tree natively and in the guest: readdir, lstat, fread, pread, mmap, readlink" {
    run -0 "$KILN" build --files "$BATS_FILE_TMPDIR/tree:/data" "$GUESTS/tree_walk.c" \
        -o "$BATS_TEST_TMPDIR/walk.kiln"
    diff <(native tree) <("$KILN" run "$BATS_TEST_TMPDIR/walk.kiln" -- /data)
}

@test "an embedded tar.gz reads as the same tree as the folder it came from" {
    run -0 "$KILN" build --files "$BATS_FILE_TMPDIR/tree.tar.gz:/data" "$GUESTS/tree_walk.c" \
        -o "$BATS_TEST_TMPDIR/walk.kiln"
    diff <(native tree) <("$KILN" run "$BATS_TEST_TMPDIR/walk.kiln" -- /data)
}

@test "relative paths resolve from --workdir inside the embedded tree" {
    run -0 "$KILN" build --files "$BATS_FILE_TMPDIR/tree:/data" "$GUESTS/tree_walk.c" \
        -o "$BATS_TEST_TMPDIR/walk.kiln"
    diff <(cd "$BATS_FILE_TMPDIR/tree" && ../tree_walk sub) \
        <("$KILN" run -w /data "$BATS_TEST_TMPDIR/walk.kiln" -- sub)
}

@test "files written, appended, renamed and removed in /tmp read back as natively" {
    mkdir "$BATS_TEST_TMPDIR/empty"
    diff <(cd "$BATS_TEST_TMPDIR" && "$BATS_FILE_TMPDIR/tree_walk" -w empty | sed 's|empty|/tmp|') \
        <("$KILN" run "$(guest tree_walk)" -- -w /tmp)
}

@test "writing over embedded files copies them up: the guest sees its writes, the image is unchanged" {
    local copy
    copy=$(tree_copy)
    run -0 "$KILN" build --files "$BATS_FILE_TMPDIR/tree:/data" "$GUESTS/tree_walk.c" \
        -o "$BATS_TEST_TMPDIR/walk.kiln"
    local before
    before=$(xxhsum "$BATS_TEST_TMPDIR/walk.kiln")
    diff <(cd "$BATS_TEST_TMPDIR" && "$BATS_FILE_TMPDIR/tree_walk" -w tree | sed 's|tree|/data|g') \
        <("$KILN" run "$BATS_TEST_TMPDIR/walk.kiln" -- -w /data)
    [ "$(xxhsum "$BATS_TEST_TMPDIR/walk.kiln")" = "$before" ]
    # A second run starts from the image again.
    diff <(native tree) <("$KILN" run "$BATS_TEST_TMPDIR/walk.kiln" -- /data)
}

@test "a volume reads as the host folder itself" {
    diff <(native tree) <("$KILN" run -v "$BATS_FILE_TMPDIR/tree:/data" "$(guest tree_walk)" -- /data)
}

@test "writes in a read-write volume land in the host folder and read back as natively" {
    local copy
    copy=$(tree_copy)
    mkdir "$BATS_TEST_TMPDIR/native"
    cp -a "$copy" "$BATS_TEST_TMPDIR/native/tree"
    diff <(cd "$BATS_TEST_TMPDIR/native" && "$BATS_FILE_TMPDIR/tree_walk" -w tree | sed 's|tree|/data|g') \
        <("$KILN" run -v "$copy:/data" "$(guest tree_walk)" -- -w /data)
    # tree_walk removes what it made; the host folder is as it was.
    diff -r --no-dereference "$BATS_FILE_TMPDIR/tree" "$copy"
}

@test "a file the guest writes in a volume is on the host after the VM ends" {
    mkdir "$BATS_TEST_TMPDIR/host"
    run -0 "$KILN" run --env QUERY_STRING=left -v "$BATS_TEST_TMPDIR/host:/tmp" \
        "$(guest cgi_tmp)" </dev/null
    assert_line_in "$output" "wrote /tmp/left"
    [ -f "$BATS_TEST_TMPDIR/host/left" ]
}

@test "a fifo in a volume's host folder never blocks the monitor" {
    mkdir "$BATS_TEST_TMPDIR/host"
    mkfifo "$BATS_TEST_TMPDIR/host/fifo"
    run -0 timeout 60 "$KILN" run --env QUERY_STRING=fifo -v "$BATS_TEST_TMPDIR/host:/tmp" \
        "$(guest cgi_tmp)" </dev/null
    assert_line_in "$output" "found fifo"
    assert_line_in "$output" "could not write /tmp/fifo"
}

@test "a read-only volume refuses every write with EROFS and the host folder is untouched" {
    local copy
    copy=$(tree_copy)
    run -0 "$KILN" run -v "$copy:/data:ro" "$(guest tree_walk)" -- -w /data
    assert_line_in "$output" "fopen /data/first.txt: Read-only file system"
    assert_line_in "$output" "mkdir: -1"
    assert_line_in "$output" "mkdir again: Read-only file system"
    diff -r --no-dereference "$BATS_FILE_TMPDIR/tree" "$copy"
}

@test "SQLite creates, sorts through temporary files and reopens a database in /tmp" {
    run -0 "$KILN" run "$SQLITE_IMAGE" -- /tmp/test.db both
    [ "${lines[0]}" = "rows 60000 checksum f1e76d5d" ]
    [ "${lines[1]}" = "rows 60000 checksum f1e76d5d" ]
}

@test "a SQLite database written in a read-write volume reopens in the next VM and on the host" {
    mkdir "$BATS_TEST_TMPDIR/db"
    run -0 "$KILN" run -v "$BATS_TEST_TMPDIR/db:/db" "$SQLITE_IMAGE" -- /db/test.db create
    [ "$output" = "rows 60000 checksum f1e76d5d" ]
    run -0 "$KILN" run -v "$BATS_TEST_TMPDIR/db:/db:ro" "$SQLITE_IMAGE" -- /db/test.db check
    [ "$output" = "rows 60000 checksum f1e76d5d" ]
    run -0 python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*), sum(length(v)) FROM t").fetchone())' \
        "$BATS_TEST_TMPDIR/db/test.db"
    [[ "$output" = "(60000, "* ]]
    [ ! -e "$BATS_TEST_TMPDIR/db/test.db-journal" ]
}

@test "a served function that writes /tmp finds /tmp empty on the next request" {
    start_server "$BATS_TEST_TMPDIR/log" --workers 1 --route "/tmp=$(guest cgi_tmp)"
    run fetch '/tmp?first'
    assert_line_in "$output" "wrote /tmp/first"
    run fetch '/tmp?second'
    assert_line_in "$output" "wrote /tmp/second"
    [[ "$output" != *"found "* ]]
    stop_server
}
