# kiln under podman: Debian's podman runs images made by kiln pack (and
# by podman import) with --runtime build/kiln-oci.  The guest is
# tests/guests/oci_probe.c: it prints argv, cwd and its environment, then
# does the steps its arguments name (exit N, crash, write, read, memory,
# sleep, echo).
#
# podman keeps its storage on a tmpfs (/dev/shm), with vfs and no network
# and no cgroups, as it must inside tests/kvm-path's QEMU guest; here too,
# so that both paths run the same commands.  --cgroups disabled needs the
# runtime named in containers.conf's runtime_supports_nocgroup: the tests
# use the containers.conf README.md gives, with kiln-oci's path here.

load helpers
load oci_helpers

KILN_OCI="${KILN_OCI:-$REPO_ROOT/build/kiln-oci}"
IMAGE=localhost/oci-probe:test
# Every podman call ends within this, so a hang fails a test, not the run.
PODMAN_TIMEOUT=120

setup_file() {
    if ! command -v podman >/dev/null; then
        skip "SKIPPED: no podman here (make deps installs Debian's)"
    fi
    [ -x "$KILN_OCI" ] || {
        echo "no $KILN_OCI: make builds it" >&2
        return 1
    }
    PODMAN_DIR=$(mktemp -d /dev/shm/kiln-podman.XXXXXX)
    export PODMAN_DIR
    export CONTAINERS_CONF="$PODMAN_DIR/containers.conf"
    readme_block '\[engine\.runtimes\]' | sed "s|/usr/local/bin/kiln-oci|$KILN_OCI|" \
        >"$CONTAINERS_CONF"
    grep -q "$KILN_OCI" "$CONTAINERS_CONF" || {
        echo "README.md has no containers.conf block naming /usr/local/bin/kiln-oci" >&2
        return 1
    }
    local why
    if ! why=$(podman_cmd info 2>&1 >/dev/null); then
        skip "SKIPPED: podman cannot run here: $why"
    fi
    build_guest oci_probe
    "$KILN" pack "$(guest oci_probe)" -t "$IMAGE" -o "$BATS_FILE_TMPDIR/oci_probe.tar"
    podman_cmd load -i "$BATS_FILE_TMPDIR/oci_probe.tar" >&2
}

# Not podman system reset: that also removes the machine's own podman
# networks, which live outside --root.
teardown_file() {
    [ -n "${PODMAN_DIR:-}" ] || return 0
    podman_cmd rm -af -t 0 >/dev/null 2>&1 || true
    podman_cmd rmi -af >/dev/null 2>&1 || true
    grep -o " $PODMAN_DIR/[^ ]*" /proc/mounts | sort -r | xargs -r umount -l 2>/dev/null || true
    rm -rf "$PODMAN_DIR"
}

setup() {
    HOST="$BATS_TEST_TMPDIR/host"
    mkdir -p "$HOST"
    printf inside >"$HOST/inside.txt"
}

# podman_words RUNTIME ARGS...: the podman command line with this file's
# private storage and RUNTIME, one word a line
podman_words() {
    printf '%s\n' podman --root "$PODMAN_DIR/root" --runroot "$PODMAN_DIR/runroot" \
        --tmpdir "$PODMAN_DIR/tmp" --storage-driver vfs --cgroup-manager cgroupfs \
        --runtime "$@"
}

# podman_with RUNTIME ARGS...: runs podman_words' command line
podman_with() {
    local words
    mapfile -t words < <(podman_words "$@")
    timeout "$PODMAN_TIMEOUT" "${words[@]}"
}

# podman_cmd ARGS...: podman with kiln-oci
podman_cmd() {
    podman_with "$KILN_OCI" "$@"
}

# podman_run [PODMAN RUN OPTIONS...] -- [STEPS...]: podman run --rm of the
# probe image, under bats' run (stdout and stderr apart)
podman_run() {
    local options=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        options+=("$1")
        shift
    done
    shift
    run --separate-stderr podman_cmd run --network none --cgroups disabled --rm \
        "${options[@]}" "$IMAGE" "$@" </dev/null
}

# show: after run, both streams, for a failed assertion's log
show() {
    printf 'exit %s\nstdout:\n%s\nstderr:\n%s\n' "$status" "$output" "${stderr:-}" >&2
}

# oci_root: the state folder kiln-oci uses when not given --root, which
# is podman's case (podman passes no --root to delete, even with
# --runtime-flag, so the default is the only root that works)
oci_root() {
    "$KILN_OCI" --help | sed -n 's/.*--root DIR.*(default \(.*\))$/\1/p'
}

# skip_if_memory_discarded: after podman_run --memory: where no memory
# cgroup is mounted (tests/kvm-path's QEMU guest) podman drops --memory
# from config.json with a warning, so no limit reaches kiln-oci.
# (oci_containerd.bats checks the limit through ctr there too.)
skip_if_memory_discarded() {
    if [[ "$stderr" == *"Limitation discarded"* ]]; then
        skip "SKIPPED: podman discards --memory here, no limit reaches kiln-oci: $stderr"
    fi
}

# container_status NAME: podman ps -a's status word (Up, Exited, Created)
container_status() {
    podman_cmd ps -a --filter "name=^$1\$" --format '{{.Status}}' | cut -d' ' -f1
}

@test "podman run --rm of a packed image prints the guest's output and exits 0" {
    podman_run -- exit 0
    [ "$status" -eq 0 ] || { show; return 1; }
    assert_line_in "$output" "argv[1]=exit"
    assert_line_in "$output" "cwd=/"
}

@test "podman run passes the guest's exit status through" {
    podman_run -- exit 3
    [ "$status" -eq 3 ] || { show; return 1; }
}

@test "podman run of a crashing guest exits non-zero with kiln's crash report" {
    podman_run -- crash
    [ "$status" -ne 0 ] || { show; return 1; }
    [[ "$stderr" == *"guest crashed: page fault"* ]] || { show; return 1; }
}

@test "podman run's arguments after the image are the guest's argv" {
    podman_run -- one "two words" ""
    [ "$status" -eq 0 ] || { show; return 1; }
    assert_line_in "$output" "argv[1]=one"
    assert_line_in "$output" "argv[2]=two words"
    assert_line_in "$output" "argv[3]="
}

@test "podman run -e sets a variable in the guest's environment" {
    podman_run -e GREETING=hello -e "SPACED=a b" --
    [ "$status" -eq 0 ] || { show; return 1; }
    assert_line_in "$output" "env: GREETING=hello"
    assert_line_in "$output" "env: SPACED=a b"
}

# podman itself refuses -w of a folder the image does not hold (the
# packed image holds only /app.kiln), so the folder is a volume's.
@test "podman run -w sets the guest's working folder" {
    podman_run -v "$HOST:/data" -w /data -- read inside.txt
    [ "$status" -eq 0 ] || { show; return 1; }
    assert_line_in "$output" "cwd=/data"
    assert_line_in "$output" "read inside.txt: inside"
}

@test "podman run -v HOST:GUEST lets the guest read and write HOST" {
    podman_run -v "$HOST:/data" -- read /data/inside.txt write /data/new.txt
    [ "$status" -eq 0 ] || { show; return 1; }
    assert_line_in "$output" "read /data/inside.txt: inside"
    assert_line_in "$output" "write /data/new.txt: ok"
    [ "$(cat "$HOST/new.txt")" = written ]
}

@test "podman run -v HOST:GUEST:ro refuses the guest's writes" {
    podman_run -v "$HOST:/data:ro" -- read /data/inside.txt write /data/new.txt
    [ "$status" -eq 0 ] || { show; return 1; }
    assert_line_in "$output" "read /data/inside.txt: inside"
    assert_line_in "$output" "write /data/new.txt: Read-only file system"
    [ ! -e "$HOST/new.txt" ]
}

@test "podman run --read-only refuses writes to the image's root" {
    podman_run --read-only -- write /new.txt
    [ "$status" -eq 0 ] || { show; return 1; }
    assert_line_in "$output" "write /new.txt: Read-only file system"
}

# podman --read-only mounts a tmpfs on /tmp (and /run, /var/tmp): a
# memory volume in the guest.
@test "podman run --read-only keeps /tmp writable" {
    podman_run --read-only -- write /tmp/new.txt read /tmp/new.txt
    [ "$status" -eq 0 ] || { show; return 1; }
    assert_line_in "$output" "write /tmp/new.txt: ok"
    assert_line_in "$output" "read /tmp/new.txt: written"
}

@test "podman run without --read-only lets the guest write to its root" {
    podman_run -- write /new.txt read /new.txt
    [ "$status" -eq 0 ] || { show; return 1; }
    assert_line_in "$output" "write /new.txt: ok"
    assert_line_in "$output" "read /new.txt: written"
}

@test "podman run --memory is the guest's memory" {
    podman_run --memory 64m -- memory
    skip_if_memory_discarded
    [ "$status" -eq 0 ] || { show; return 1; }
    assert_line_in "$output" "memory=$((64 << 20))"
}

@test "podman run --memory below kiln's smallest guest memory is refused, saying why" {
    podman_run --memory 8m -- exit 0
    skip_if_memory_discarded
    [ "$status" -ne 0 ] || { show; return 1; }
    [[ "$stderr" == *"linux.resources.memory.limit"*"below kiln's smallest guest memory"* ]] ||
        { show; return 1; }
}

@test "podman run -d starts the guest and podman ps shows it running" {
    run -0 podman_cmd run -d --name running --network none --cgroups disabled "$IMAGE" sleep 600
    run -0 container_status running
    [ "$output" = Up ] || { show; return 1; }
    podman_cmd rm -f -t 0 running
}

@test "podman stop ends a running guest within its timeout" {
    run -0 podman_cmd run -d --name stopped --network none --cgroups disabled "$IMAGE" sleep 600
    local start=$SECONDS
    run -0 podman_cmd stop -t 20 stopped
    # Not the SIGKILL after the timeout: TERM ended it.
    [ $((SECONDS - start)) -lt 20 ]
    run -0 podman_cmd inspect --format '{{.State.ExitCode}}' stopped
    [ "$output" -eq 143 ] || { show; return 1; }
    podman_cmd rm stopped
}

@test "podman rm leaves nothing under kiln-oci's root and no monitor running" {
    local id root
    root=$(oci_root)
    [ -n "$root" ]
    id=$(podman_cmd run -d --network none --cgroups disabled "$IMAGE" sleep 600)
    [ -e "$root/$id" ] || {
        echo "no $root/$id while the container runs: is the default root not $root?" >&2
        ls -la "$root" >&2
        return 1
    }
    run -0 podman_cmd stop -t 20 "$id"
    run -0 podman_cmd rm "$id"
    [ ! -e "$root/$id" ] || {
        echo "left behind:" >&2
        find "$root/$id" >&2
        return 1
    }
    run ! pgrep -f "$id"
}

# A terminal: script(1) gives podman one; the probe echoes each line it
# reads, until the typed Ctrl-D.  keys: what we type; screen: what the
# terminal shows.
@test "podman run -it echoes typed input through the guest" {
    local fifo="$BATS_TEST_TMPDIR/keys" screen="$BATS_TEST_TMPDIR/screen" pid line
    mkfifo "$fifo"
    line=$(podman_words "$KILN_OCI" run -it --rm --network none --cgroups disabled "$IMAGE" echo |
        while IFS= read -r word; do printf '%q ' "$word"; done)
    timeout "$PODMAN_TIMEOUT" script -qefc "$line" /dev/null <"$fifo" >"$screen" 2>&1 &
    pid=$!
    exec 5>"$fifo"
    wait_for_screen "$pid" "$screen" "cwd=/"
    printf 'typed-line\r' >&5
    wait_for_screen "$pid" "$screen" "got: typed-line"
    printf '\004' >&5
    exec 5>&-
    wait "$pid" || {
        echo "script/podman exited $?:" >&2
        cat -v "$screen" >&2
        return 1
    }
}

# wait_for_screen PID FILE TEXT: FILE shows TEXT within 120 s (a boot
# inside tests/kvm-path's emulated guest is slow), while PID runs
wait_for_screen() {
    for _ in $(seq 1200); do
        grep -qF -- "$3" "$2" && return 0
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    echo "the terminal never showed \"$3\":" >&2
    cat -v "$2" >&2
    return 1
}

@test "podman --runtime kiln runs a packed image as README's containers.conf names it" {
    run --separate-stderr podman_with kiln run --rm --network none --cgroups disabled \
        "$IMAGE" exit 4 </dev/null
    [ "$status" -eq 4 ] || { show; return 1; }
    assert_line_in "$output" "argv[1]=exit"
}

@test "podman import of a tar holding a kiln image runs it" {
    mkdir "$BATS_TEST_TMPDIR/rootfs"
    cp "$(guest oci_probe)" "$BATS_TEST_TMPDIR/rootfs/app.kiln"
    tar -C "$BATS_TEST_TMPDIR/rootfs" -cf "$BATS_TEST_TMPDIR/rootfs.tar" app.kiln
    podman_cmd import --change 'ENTRYPOINT ["/app.kiln"]' "$BATS_TEST_TMPDIR/rootfs.tar" \
        localhost/imported:test
    run --separate-stderr podman_cmd run --rm --network none --cgroups disabled \
        localhost/imported:test exit 5 </dev/null
    [ "$status" -eq 5 ] || { show; return 1; }
    assert_line_in "$output" "argv[1]=exit"
}
