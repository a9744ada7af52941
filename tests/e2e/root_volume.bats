# A root volume (kiln run -v ROOTFS:/), a container's root file system,
# and in-memory volumes (--tmpfs GUEST_DIR), with busybox as the program.
# ROOTFS holds etc/x, etc/passwd, tmp/old, srv/app/f, an absolute symlink
# link -> /etc/passwd and up -> ../../../; next to it lies outside.txt,
# whose marker no guest may ever read.  What a path names, first to last:
# another volume, the image's own files, the root volume.

load helpers

BUSYBOX=/bin/busybox

setup() {
    ROOTFS="$BATS_TEST_TMPDIR/rootfs"
    ROOT_SPEC="$ROOTFS:/"
    mkdir -p "$ROOTFS/etc" "$ROOTFS/tmp" "$ROOTFS/bin" "$ROOTFS/srv/app" "$ROOTFS/data"
    echo "hello from rootfs" >"$ROOTFS/etc/x"
    echo "root:x:0:0:kiln rootfs:/root:/bin/sh" >"$ROOTFS/etc/passwd"
    echo old >"$ROOTFS/tmp/old"
    echo app >"$ROOTFS/srv/app/f"
    echo "under the data volume" >"$ROOTFS/data/hidden"
    ln -s /etc/passwd "$ROOTFS/link"
    ln -s ../../../ "$ROOTFS/up"
    echo OUTSIDE-MARKER >"$BATS_TEST_TMPDIR/outside.txt"
}

# busybox [KILN RUN OPTIONS...] -- APPLET [ARGS...]: busybox in a VM whose
# root volume is ROOT_SPEC.
busybox() {
    local options=()
    while [ "$1" != -- ]; do
        options+=("$1")
        shift
    done
    shift
    run --separate-stderr "$KILN" run --timeout 60 -v "$ROOT_SPEC" "${options[@]}" "$BUSYBOX" \
        -- "$@" </dev/null
    assert_not_signaled
}

# succeeds: after busybox: exit 0, nothing on stderr
succeeds() {
    if [ "$status" -ne 0 ] || [ -n "$stderr" ]; then
        printf 'exit %s\nstdout:\n%s\nstderr:\n%s\n' "$status" "$output" "$stderr" >&2
        return 1
    fi
}

@test "the guest lists / from the root folder, with its own /dev and /proc" {
    busybox -- ls -a /
    succeeds
    assert_output "$(printf '%s\n' . .. bin data dev etc link proc srv tmp up)"
    busybox -- ls /dev/null /proc/self
    succeeds
}

@test "a file of the root folder reads at its path" {
    busybox -- cat /etc/x
    succeeds
    assert_output "hello from rootfs"
}

@test "what the guest writes at / lands in the root folder on the host" {
    busybox -- sh -c 'echo written >/out'
    succeeds
    [ "$(cat "$ROOTFS/out")" = written ]
    busybox -- mkdir /made
    succeeds
    [ -d "$ROOTFS/made" ]
}

@test "a read-only root volume answers writes with EROFS" {
    ROOT_SPEC="$ROOTFS:/:ro"
    busybox -- touch /out
    [ "$status" -eq 1 ]
    [ "$stderr" = "touch: /out: Read-only file system" ]
    [ ! -e "$ROOTFS/out" ]
    busybox -- cat /etc/x
    succeeds
}

@test "another volume beside the root volume wins for its folder" {
    mkdir "$BATS_TEST_TMPDIR/data"
    echo "from the data volume" >"$BATS_TEST_TMPDIR/data/d"
    busybox -v "$BATS_TEST_TMPDIR/data:/data" -- ls /data
    succeeds
    assert_output d
    busybox -v "$BATS_TEST_TMPDIR/data:/data" -- cat /data/d
    succeeds
    assert_output "from the data volume"
}

@test "the image's own files win over the root folder's, and a folder lists both" {
    local files="$BATS_TEST_TMPDIR/files"
    mkdir "$files"
    echo "the image's own" >"$files/x"
    echo conf >"$files/app.conf"
    busybox --files "$files:/etc" -- cat /etc/x /etc/app.conf /etc/passwd
    succeeds
    assert_output "$(printf '%s\n' "the image's own" conf "root:x:0:0:kiln rootfs:/root:/bin/sh")"
    busybox --files "$files:/etc" -- ls /etc
    succeeds
    assert_output "$(printf '%s\n' app.conf passwd x)"
}

@test "an absolute symlink resolves inside the root folder, never in the host's /" {
    busybox -- cat /link
    succeeds
    assert_output "root:x:0:0:kiln rootfs:/root:/bin/sh"
}

@test "neither .. nor a symlink up leaves the root folder" {
    busybox -- cat /../../../etc/x /up/etc/x /up/up/up/etc/x
    succeeds
    assert_output "$(printf 'hello from rootfs\n%.0s' 1 2 3)"
    busybox -- cat /../outside.txt /up/outside.txt /up/../outside.txt
    [ "$status" -eq 1 ]
    [[ "$output" != *OUTSIDE* ]]
    busybox -- ls /up/
    succeeds
    [[ "$output" == *srv* && "$output" != *outside* ]]
}

@test "the working folder may be a folder of the root volume" {
    busybox -w /srv/app -- sh -c 'pwd; read line <f; echo $line; cd ..; pwd'
    succeeds
    assert_output "$(printf '%s\n' /srv/app app /srv)"
}

@test "without --tmpfs, /tmp is the root folder's" {
    busybox -- ls /tmp
    succeeds
    assert_output old
}

@test "--tmpfs gives an empty writable folder over the root folder's, kept from the host" {
    busybox --tmpfs /tmp -- ls -a /tmp
    succeeds
    assert_output "$(printf '%s\n' . ..)"
    busybox --tmpfs /tmp -- sh -c 'echo new >/tmp/new && read line </tmp/new && echo $line'
    succeeds
    assert_output new
    [ "$(ls "$ROOTFS/tmp")" = old ]
    busybox --tmpfs /srv/app -- ls -a /srv /srv/app
    succeeds
    assert_output "$(printf '%s\n' /srv: . .. app '' /srv/app: . ..)"
}

@test "a --tmpfs at /dev still holds the devices" {
    busybox --tmpfs /dev -- ls /dev
    succeeds
    assert_output "$(printf '%s\n' null random shm stderr stdin stdout urandom zero)"
}

@test "kiln run --help names --tmpfs and the root volume" {
    run -0 "$KILN" run --help
    assert_line_in "$output" "  --tmpfs GUEST_DIR"
    [[ "$output" == *"A volume at / is the"* ]]
}
