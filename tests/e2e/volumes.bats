# Volumes (kiln run -v HOST_DIR:GUEST_DIR[:ro|:rw], -w DIR), served by the
# monitor through the hypercalls, which tests/guests/volumes.c and
# volume_escapes.c ring themselves.  HOST_DIR holds inside.txt ("inside")
# and the folder sub; next to it lies outside.txt, whose marker no guest
# may ever read, and the folder outdir, whose victim no guest may remove.

load helpers

setup_file() {
    local guest
    for guest in volumes volume_escapes; do
        "$KILN" build -I "$REPO_ROOT/include" -I "$GUESTS" "$GUESTS/$guest.c" \
            -o "$BATS_FILE_TMPDIR/$guest.kiln"
    done
}

# WORLD holds HOST and what lies next to it.
setup() {
    WORLD="$BATS_TEST_TMPDIR/world"
    HOST="$WORLD/host"
    mkdir -p "$HOST/sub" "$WORLD/outdir"
    printf inside >"$HOST/inside.txt"
    printf OUTSIDE-MARKER >"$WORLD/outside.txt"
    touch "$WORLD/outdir/victim"
}

# volumes CASE [KILN RUN OPTIONS...]: runs the functional guest on HOST as /data
volumes() {
    local case=$1
    shift
    run --separate-stderr "$KILN" run -v "$HOST:/data" "$@" "$(guest volumes)" -- "$case" </dev/null
}

# escape CASE: runs the hostile guest on HOST as /data; it must exit 0,
# never read the marker, and leave everything outside HOST as it was.
escape() {
    run --separate-stderr "$KILN" run -v "$HOST:/data" "$(guest volume_escapes)" -- "$1" </dev/null
    assert_not_signaled
    [ "$status" -eq 0 ] || { echo "exit $status: $stderr" >&2; return 1; }
    [[ "$output" != *OUTSIDE* && "$output" != *ESCAPED* ]]
    assert_outside_untouched
}

assert_outside_untouched() {
    [ "$(cat "$WORLD/outside.txt")" = OUTSIDE-MARKER ]
    [ "$(ls "$WORLD/outdir")" = victim ]
    [ "$(ls "$WORLD" | tr '\n' ' ')" = "host outdir outside.txt " ]
}

# refused CASE PATTERN: a bad guest address ends the run: 126, one line
refused() {
    local image
    image=$(guest volume_escapes)
    run --separate-stderr "$KILN" run -v "$HOST:/data" "$image" -- "$1" </dev/null
    assert_not_signaled
    [ "$status" -eq 126 ]
    assert_one_stderr_line
    # shellcheck disable=SC2053
    [[ "$stderr" == "kiln: $image: guest crashed: "$2 ]]
}

@test "the guest finds its volumes and working folder in the boot info" {
    volumes table -v "$WORLD/outdir:/srv/out/:ro" -w /data/./sub/
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "volume 0: /data" ]
    [ "${lines[1]}" = "volume 1: /srv/out (read-only)" ]
    [ "${lines[2]}" = "workdir: /data/sub" ]
}

@test "a root volume and an in-memory volume are lines of the table too" {
    volumes table -v "$WORLD/outdir:/:ro" --tmpfs /tmp
    [ "$status" -eq 0 ]
    [ "${lines[1]}" = "volume 1: / (read-only)" ]
    [ "${lines[2]}" = "volume 2: /tmp (in memory)" ]
}

@test "an in-memory volume's number answers ENODEV: the monitor serves no call for it" {
    run --separate-stderr "$KILN" run -v "$HOST:/data" --tmpfs /tmp "$(guest volumes)" \
        -- in-memory </dev/null
    [ "$status" -eq 0 ]
    diff - <(printf '%s\n' "${lines[@]}") <<'END'
open: ENODEV
stat: ENODEV
mkdir: ENODEV
END
}

@test "a run without volumes or -w has no volume table" {
    run -0 "$KILN" run "$(guest volumes)" -- table </dev/null
    [ "$output" = "no table" ]
}

@test "a file written through a volume is on the host, and reads back" {
    volumes write-then-read
    [ "$status" -eq 0 ]
    [ "$(cat "$HOST/sub/new.txt")" = "hello, there!" ]
    [ "$(stat -c %a "$HOST/sub/new.txt")" = 640 ]
    assert_line_in "$output" "read from a write-only handle: EBADF"
    assert_line_in "$output" "stat: ok size 13 mode 100640"
    assert_line_in "$output" "close again: EBADF"
}

@test "DIRENTS lists a folder in getdents64's format, and REWIND starts over" {
    volumes list-folder
    [ "$status" -eq 0 ]
    assert_line_in "$output" "entry inside.txt"
    assert_line_in "$output" "entry sub"
    assert_line_in "$output" "round 0: 4 names, then ok"
    assert_line_in "$output" "round 1: 4 names, then ok"
}

@test "the name operations act on the host folder" {
    volumes names
    [ "$status" -eq 0 ]
    assert_line_in "$output" "d mode 750" # setuid and setgid are dropped
    assert_line_in "$output" "readlink d/l: ok ../inside.txt"
    assert_line_in "$output" "lstat d/l: ok link 1"
    assert_line_in "$output" "stat d/l: ok size 6"
    assert_line_in "$output" "utimens: ok atime 1000000000 mtime -1500000000"
    assert_line_in "$output" "inside.txt mode 600"
    assert_line_in "$output" "rename noreplace: EEXIST"
    assert_line_in "$output" "truncate moved: ok, inside.txt has 2 bytes"
    [ ! -e "$HOST/d" ] && [ ! -e "$HOST/moved" ]
}

@test "., .., the volume's folder and a trailing slash get Linux's errnos" {
    volumes special-names
    [ "$status" -eq 0 ]
    diff - <(printf '%s\n' "${lines[@]}") <<'END'
mkdir sub/.: EEXIST
mkdir /: EEXIST
rmdir sub/.: EINVAL
rmdir sub/..: ENOTEMPTY
rmdir the volume: EBUSY
unlink sub/..: EISDIR
unlink inside.txt/: ENOTDIR
rename to sub/.: EBUSY
symlink sub/..: EEXIST
readlink sub/.: EINVAL
volume 9: ENODEV
embedded NUL: EINVAL
END
}

@test "a read-only volume answers every write with EROFS" {
    run --separate-stderr "$KILN" run -v "$HOST:/data:ro" "$(guest volumes)" -- read-only </dev/null
    [ "$status" -eq 0 ]
    diff - <(printf '%s\n' "${lines[@]}") <<'END'
open for writing: EROFS
open to create: EROFS
open to truncate: EROFS
read: 6
pwrite: EROFS
ftruncate: EROFS
mkdir: EROFS
unlink: EROFS
rmdir: EROFS
rename: EROFS
symlink: EROFS
readlink: EINVAL
truncate: EROFS
utimens: EROFS
chmod: EROFS
END
    [ "$(cat "$HOST/inside.txt")" = inside ] && [ -d "$HOST/sub" ]
}

@test "the 257th open handle is EMFILE, and a closed one is free again" {
    volumes too-many-handles
    [ "$status" -eq 0 ]
    assert_line_in "$output" "opened 256, then EMFILE"
    assert_line_in "$output" "open again: 7"
    assert_line_in "$output" "handle 256: EBADF"
}

@test "escape by ..: ENOENT, beneath the volume's folder" {
    escape dotdot
    assert_line_in "$output" "open ../../etc/passwd: ENOENT"
    assert_line_in "$output" "open ../outside.txt: ENOENT"
}

@test "escape by an absolute path: resolves beneath the volume's folder" {
    escape absolute
    assert_line_in "$output" "open /etc/passwd: ENOENT"
    assert_line_in "$output" "open /../outside.txt: ENOENT"
}

@test "escape by an absolute symlink planted on the host: ENOENT, and ELOOP with O_NOFOLLOW" {
    ln -s /etc "$HOST/etc_link"
    ln -s "$WORLD/outside.txt" "$HOST/marker_link"
    escape absolute-symlink
    assert_line_in "$output" "open etc_link/passwd: ENOENT"
    assert_line_in "$output" "open marker_link: ENOENT"
    assert_line_in "$output" "open marker_link: ELOOP"
}

@test "escape by a symlink to ..: stops at the volume's folder" {
    ln -s .. "$HOST/up"
    escape dotdot-symlink
    assert_line_in "$output" "open up/outside.txt: ENOENT"
    assert_line_in "$output" "open up/up/outside.txt: ENOENT"
    assert_line_in "$output" "open up/inside.txt: read inside"
}

@test "escape by a symlink and a folder the host swaps mid-run: never outside" {
    ln -s inside.txt "$HOST/swing"
    "$KILN" run -v "$HOST:/data" "$(guest volume_escapes)" -- swapped-symlink \
        >"$BATS_TEST_TMPDIR/guest.out" 2>&1 </dev/null 3>&- &
    local guest_pid=$!
    while kill -0 "$guest_pid" 2>/dev/null; do
        ln -sfn "$WORLD/outside.txt" "$HOST/swing.new" && mv -T "$HOST/swing.new" "$HOST/swing"
        ln -sfn ../outside.txt "$HOST/swing.new" && mv -T "$HOST/swing.new" "$HOST/swing"
        ln -sfn inside.txt "$HOST/swing.new" && mv -T "$HOST/swing.new" "$HOST/swing"
        rm -rf "$HOST/dir" && ln -s "$WORLD/outdir" "$HOST/dir"
        rm -f "$HOST/dir" && ln -s ../outdir "$HOST/dir"
        rm -f "$HOST/dir" && mkdir "$HOST/dir"
    done
    wait "$guest_pid"
    [ "$(cat "$BATS_TEST_TMPDIR/guest.out")" = "swapped: some inside, some refused" ]
    rm -f "$HOST/swing.new"
    assert_outside_untouched
}

@test "escape by a 5000-byte path: ENAMETOOLONG" {
    escape long-path
    [ "$output" = "open long path: ENAMETOOLONG" ]
}

@test "escape by rename to ..: the file stays inside" {
    escape rename-out
    assert_line_in "$output" "rename to ../escaped.txt: ok"
    assert_line_in "$output" "rename to /../tmp/escaped.txt: ENOENT"
    assert_line_in "$output" "rename ../outside.txt: ENOENT"
    [ -f "$HOST/escaped.txt" ]
}

@test "escape by a symlink the guest makes, then follows: ENOENT" {
    escape symlink-then-follow
    assert_line_in "$output" "symlink evil: ok"
    assert_line_in "$output" "open evil: ENOENT"
    assert_line_in "$output" "open evil2: ENOENT"
    assert_line_in "$output" "readlink evil: ok /etc/passwd"
}

@test "escape by name operations through symlinks out: ENOENT, nothing outside changes" {
    ln -s /etc "$HOST/etc_link"
    ln -s .. "$HOST/up"
    ln -s "$WORLD/outside.txt" "$HOST/marker_link"
    touch -d 2001-01-01 "$WORLD/outside.txt"
    escape through-symlinks
    diff - <(printf '%s\n' "${lines[@]}") <<'END'
mkdir etc_link/kiln: ENOENT
unlink up/outside.txt: ENOENT
truncate marker_link: ENOENT
chmod marker_link: ENOENT
utimens marker_link: ENOENT
stat marker_link: ENOENT
END
    [ ! -e /etc/kiln ]
    [ "$(stat -c %Y "$WORLD/outside.txt")" = "$(date -d 2001-01-01 +%s)" ]
}

@test "escape by a hard link: there is no such call; O_PATH and O_TMPFILE are refused" {
    escape no-hard-links
    assert_line_in "$output" "path op 10: EINVAL"
    assert_line_in "$output" "open O_PATH: EOPNOTSUPP"
    assert_line_in "$output" "open O_TMPFILE: EOPNOTSUPP"
}

@test "a path outside guest memory ends the run: 126, one line" {
    refused path-outside-ram "OPEN hypercall: path at 0xfffff000 (4 bytes) is outside guest memory"
}

@test "a path that crosses the end of guest memory ends the run: 126, one line" {
    refused path-crosses-ram-end "OPEN hypercall: path at 0x7fffffe (16 bytes) is outside guest memory"
}

@test "a read into a buffer past the end of guest memory ends the run: 126, one line" {
    refused read-buffer-crosses-ram-end "PREAD hypercall: buffer at 0x7fffff8 (16 bytes) is outside guest memory"
}

@test "a stat buffer outside guest memory ends the run: 126, one line" {
    refused stat-outside-ram "STAT hypercall: stat buffer at 0xfffff000 (56 bytes) is outside guest memory"
}

@test "-v of a missing folder: exit 125 and one line" {
    run -125 --separate-stderr "$KILN" run -v "$HOST/missing:/data" "$(guest volumes)" -- table
    assert_one_stderr_line
    [ "$stderr" = "kiln: $HOST/missing: cannot be a volume: No such file or directory" ]
}

@test "-v of a file: exit 125 and one line" {
    run -125 --separate-stderr "$KILN" run -v "$HOST/inside.txt:/data" "$(guest volumes)" -- table
    assert_one_stderr_line
    [ "$stderr" = "kiln: $HOST/inside.txt: cannot be a volume: not a folder" ]
}

@test "-v with two guest folders that nest: exit 125 and one line" {
    run -125 --separate-stderr "$KILN" run -v "$HOST:/data" -v "$HOST/sub:/data/sub/" \
        "$(guest volumes)" -- table
    assert_one_stderr_line
    [[ "$stderr" == *"the guest folders /data and /data/sub overlap"* ]]
}

@test "-v refuses a relative guest folder, .. and a mode but ro or rw" {
    local spec
    for spec in "$HOST:data" "$HOST:/a/../b" "$HOST:/data:rx" "$HOST" ":/data"; do
        run -125 --separate-stderr "$KILN" run -v "$spec" "$(guest volumes)" -- table
        assert_one_stderr_line
        [[ "$stderr" == "kiln: run: -v"* ]]
    done
}
