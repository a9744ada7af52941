# The runtime's files without embedded ones: the layer in guest memory,
# its devices, the fd table, and the same calls beneath a volume.  Each
# "as on Linux" test runs one case of tests/guests/files.c natively
# (musl-gcc -static, in a fresh host folder) and under kiln (in the
# guest's /tmp, or a volume there) and wants the same lines.

load helpers

setup_file() {
    build_guest files
    musl-gcc -static -O1 -o "$BATS_FILE_TMPDIR/files-native" "$GUESTS/files.c"
}

# same_as_linux CASE [KILN RUN OPTIONS...]: the case's lines natively and
# under kiln are the same
same_as_linux() {
    local case="$1"
    shift
    "$BATS_FILE_TMPDIR/files-native" "$case" "$BATS_TEST_TMPDIR/native" >"$BATS_TEST_TMPDIR/native.out" 2>&1
    run "$KILN" run "$@" "$(guest files)" -- "$case" /tmp/t </dev/null
    [ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
    diff -u "$BATS_TEST_TMPDIR/native.out" - <<<"$output"
}

@test "files are made, written, read and overwritten as on Linux" {
    same_as_linux create-read
}

@test "rename, rename over and unlink (of an open file too) act as on Linux" {
    same_as_linux rename-unlink
}

@test "mkdir and rmdir, with their errors, act as on Linux" {
    same_as_linux folders
}

@test "readdir lists what is there and misses nothing while names are removed" {
    same_as_linux listing
}

@test "dup, dup2, dup3, fcntl and fds 0-2 as ordinary fds act as on Linux" {
    same_as_linux dup-fcntl
}

@test "lseek, holes, truncate and vectored I/O act as on Linux" {
    same_as_linux seeking
}

@test "O_APPEND writes at the end whatever the position" {
    same_as_linux appending
}

@test "/dev/null, /dev/zero and /dev/urandom act as on Linux" {
    same_as_linux devices
}

@test "getpwuid(0) and getgrgid(0) name root with /root as its home" {
    same_as_linux users
}

@test "errno cases are Linux's: ENOTDIR, ENAMETOOLONG, EISDIR, EEXIST, EBADF, EINVAL" {
    same_as_linux errors
}

@test "symlinks, loops, O_NOFOLLOW and dangling links act as on Linux" {
    same_as_linux symlinks
}

@test "mmap of a file, private and shared read-only, acts as on Linux" {
    same_as_linux mapping
}

@test "chdir, fchdir and getcwd act as on Linux" {
    same_as_linux directories
}

@test "a program starts with an empty /tmp, /root, /dev/shm and /proc/self/exe" {
    run -0 "$KILN" run "$(guest files)" -- layout /tmp/t </dev/null
    assert_line_in "$output" "/tmp holds 0 names besides this test's folder"
    assert_line_in "$output" "/root: 0700"
    assert_line_in "$output" "/proc/self/exe -> /files"
    assert_line_in "$output" "to stdout"
    assert_line_in "$output" "write /dev/stdout: 10"
    assert_line_in "$output" "mkdir in /dev/shm: 0"
}

@test "the fd table holds RLIMIT_NOFILE fds; one more is EMFILE" {
    run -0 "$KILN" run "$(guest files)" -- layout /tmp/t </dev/null
    assert_line_in "$output" "RLIMIT_NOFILE: 1024"
    run -0 "$KILN" run "$(guest files)" -- many-fds /tmp/t </dev/null
    assert_line_in "$output" "opened 1021, then: No file descriptors available"
    assert_line_in "$output" "open after a close: 1000"
}

@test "files take guest memory until --mem is spent: ENOSPC, and the program goes on" {
    run -0 "$KILN" run --mem 32M "$(guest files)" -- fill /tmp/t </dev/null
    assert_line_in "$output" "filled more than 8 MiB, then: No space left on device"
    assert_line_in "$output" "unlink the full file: 0"
    assert_line_in "$output" "write after unlink: 1048576"
}

@test "in a volume the cases act as on Linux" {
    mkdir "$BATS_TEST_TMPDIR/volume"
    for case in create-read rename-unlink folders listing seeking symlinks directories; do
        same_as_linux "$case" -v "$BATS_TEST_TMPDIR/volume:/tmp"
        rm -rf "$BATS_TEST_TMPDIR/native" "$BATS_TEST_TMPDIR/volume/t"
    done
}

@test "a rename or link across a volume's edge is EXDEV" {
    mkdir "$BATS_TEST_TMPDIR/volume"
    run -0 "$KILN" run -v "$BATS_TEST_TMPDIR/volume:/mnt" "$(guest files)" -- cross-device /mnt/t \
        </dev/null
    assert_line_in "$output" "rename to /root: Cross-device link"
    assert_line_in "$output" "link to /root: Cross-device link"
}

@test "under kiln serve a request's files are gone by the next; those made before main stay" {
    build_guest cgi_files
    start_server "$BATS_TEST_TMPDIR/serve.log" --workers 1 --route "/files=$(guest cgi_files)"
    for query in one two three; do
        run -0 fetch "/files?$query"
        assert_line_in "$output" "/tmp/made-before-main: from the snapshot"
        assert_line_in "$output" "/tmp/made-by-a-request: none"
    done
    stop_server
}
