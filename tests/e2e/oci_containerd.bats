# kiln under containerd: a private containerd (its own socket, root and
# state on a tmpfs, as tests/kvm-path's QEMU guest needs) imports an image
# made by kiln pack with ctr, and runs it with the runc shim
# (io.containerd.runc.v2) pointed at build/kiln-oci: ctr's --runc-binary
# is the shim's BinaryName option, what a CRI runtime entry sets.  The
# guest is tests/guests/oci_probe.c (see oci_podman.bats).

load helpers
load oci_helpers

KILN_OCI="${KILN_OCI:-$REPO_ROOT/build/kiln-oci}"
IMAGE=localhost/oci-probe:test
NAMESPACE=kiln-e2e
# Every ctr call ends within this, so a hang fails a test, not the run.
CTR_TIMEOUT=120

setup_file() {
    if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
        skip "SKIPPED: no containerd here (make deps installs Debian's)"
    fi
    [ -x "$KILN_OCI" ] || {
        echo "no $KILN_OCI: make builds it" >&2
        return 1
    }
    CTD_DIR=$(mktemp -d /dev/shm/kiln-containerd.XXXXXX)
    export CTD_DIR
    write_config "$CTD_DIR/config.toml"
    containerd --config "$CTD_DIR/config.toml" >"$CTD_DIR/containerd.log" 2>&1 3>&- &
    CTD_PID=$!
    export CTD_PID
    local why
    if ! why=$(wait_for_containerd); then
        skip "SKIPPED: containerd cannot run here: $why"
    fi
    build_guest oci_probe
    "$KILN" pack "$(guest oci_probe)" -t "$IMAGE" -o "$BATS_FILE_TMPDIR/oci_probe.tar"
    ctr_cmd image import --snapshotter native "$BATS_FILE_TMPDIR/oci_probe.tar" >&2
}

teardown_file() {
    [ -n "${CTD_DIR:-}" ] || return 0
    local task
    for task in $(ctr_cmd task ls -q 2>/dev/null); do
        ctr_cmd task kill -s KILL "$task" >/dev/null 2>&1
        ctr_cmd task delete -f "$task" >/dev/null 2>&1
    done
    for task in $(ctr_cmd container ls -q 2>/dev/null); do
        ctr_cmd container delete "$task" >/dev/null 2>&1
    done
    if [ -n "${CTD_PID:-}" ]; then
        kill -TERM "$CTD_PID" 2>/dev/null
        wait "$CTD_PID" 2>/dev/null
    fi
    # A snapshot left mounted by a failed test would stop rm.
    grep -o " $CTD_DIR/[^ ]*" /proc/mounts | sort -r | xargs -r umount -l 2>/dev/null || true
    rm -rf "$CTD_DIR"
}

# write_config FILE: containerd's configuration, all of it under CTD_DIR;
# no CRI (nothing here is a kubelet), only the native snapshotter (a
# tmpfs takes no overlayfs upper layer inside kiln-vm's overlay root).
write_config() {
    cat >"$1" <<EOF
version = 2
root = "$CTD_DIR/root"
state = "$CTD_DIR/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.overlayfs",
  "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$CTD_DIR/containerd.sock"
[ttrpc]
  address = "$CTD_DIR/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
}

# wait_for_containerd: containerd answers within 30 s; else why not, on stdout
wait_for_containerd() {
    for _ in $(seq 300); do
        ctr --address "$CTD_DIR/containerd.sock" version >/dev/null 2>&1 && return 0
        kill -0 "$CTD_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "it did not answer on $CTD_DIR/containerd.sock; its log ends:"
    grep -E 'level=(error|fatal)' "$CTD_DIR/containerd.log" | tail -5
    tail -3 "$CTD_DIR/containerd.log"
    return 1
}

# ctr_cmd ARGS...: ctr on the private containerd, in this file's namespace
ctr_cmd() {
    timeout "$CTR_TIMEOUT" ctr --address "$CTD_DIR/containerd.sock" --namespace "$NAMESPACE" "$@"
}

# ctr_run [CTR RUN OPTIONS...] -- ID [STEPS...]: the probe image through
# the runc shim with kiln-oci as its runc, its state under CTD_DIR/runc.
# Arguments after ctr run's ID replace the image's whole command line,
# Entrypoint too (unlike podman's), so the steps follow /app.kiln.
ctr_run() {
    local options=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        options+=("$1")
        shift
    done
    local id=$2
    shift 2
    run --separate-stderr ctr_cmd run --snapshotter native --runtime io.containerd.runc.v2 \
        --runc-binary "$KILN_OCI" --runc-root "$CTD_DIR/runc" "${options[@]}" "$IMAGE" "$id" \
        ${1+/app.kiln "$@"} </dev/null
}

# show: after run, both streams and containerd's log, for a failed assertion's log
show() {
    printf 'exit %s\nstdout:\n%s\nstderr:\n%s\ncontainerd log (end):\n' \
        "$status" "$output" "${stderr:-}" >&2
    tail -20 "$CTD_DIR/containerd.log" >&2
}

@test "ctr run through the runc shim and kiln-oci prints the guest's output and exits 0" {
    ctr_run --rm -- zero exit 0
    [ "$status" -eq 0 ] || { show; return 1; }
    assert_line_in "$output" "argv[1]=exit"
    assert_line_in "$output" "cwd=/"
}

@test "ctr run without arguments runs the packed image's entrypoint" {
    ctr_run --rm -- entrypoint
    [ "$status" -eq 0 ] || { show; return 1; }
    assert_line_in "$output" "argv[0]=/app.kiln"
}

@test "ctr run passes the guest's exit status through" {
    ctr_run --rm -- three exit 3
    [ "$status" -eq 3 ] || { show; return 1; }
}

@test "ctr run of a crashing guest exits non-zero with kiln's crash report" {
    ctr_run --rm -- crash crash
    [ "$status" -ne 0 ] || { show; return 1; }
    [[ "$stderr" == *"guest crashed: page fault"* ]] || { show; return 1; }
}

@test "ctr run's --env and arguments reach the guest" {
    ctr_run --rm --env GREETING=hello -- args one "two words"
    [ "$status" -eq 0 ] || { show; return 1; }
    assert_line_in "$output" "env: GREETING=hello"
    assert_line_in "$output" "argv[1]=one"
    assert_line_in "$output" "argv[2]=two words"
}

@test "ctr run --memory-limit is the guest's memory" {
    ctr_run --rm --memory-limit $((64 << 20)) -- memory memory
    [ "$status" -eq 0 ] || { show; return 1; }
    assert_line_in "$output" "memory=$((64 << 20))"
}

@test "ctr task kill ends a detached guest with SIGTERM and task delete leaves no state" {
    ctr_run -d -- detached sleep 600
    [ "$status" -eq 0 ] || { show; return 1; }
    run -0 ctr_cmd task ls
    [[ "$output" == *detached*RUNNING* ]] || { show; return 1; }
    [ -e "$CTD_DIR/runc/$NAMESPACE/detached" ] || {
        echo "no $CTD_DIR/runc/$NAMESPACE/detached while the task runs" >&2
        return 1
    }
    local start=$SECONDS
    run -0 ctr_cmd task kill detached
    for _ in $(seq 200); do
        ctr_cmd task ls | grep -q 'detached.*STOPPED' && break
        sleep 0.1
    done
    [ $((SECONDS - start)) -lt 20 ]
    # ctr says the status as a warning: 143, TERM's, not KILL's 137.
    run -0 --separate-stderr ctr_cmd task delete detached
    [[ "$stderr" == *"exit code 143"* ]] || { show; return 1; }
    ctr_cmd container delete detached
    [ ! -e "$CTD_DIR/runc/$NAMESPACE/detached" ] || {
        echo "left behind:" >&2
        find "$CTD_DIR/runc/$NAMESPACE/detached" >&2
        return 1
    }
}

# The runtime entry README.md gives for containerd and Kubernetes is one
# containerd takes: io.containerd.runc.v2 with BinaryName kiln-oci.
@test "README's containerd runtime entry for kiln is one containerd accepts" {
    readme_block 'runtimes\.kiln\]' >"$BATS_TEST_TMPDIR/readme.toml"
    [ -s "$BATS_TEST_TMPDIR/readme.toml" ] || {
        echo "README.md has no code block with a runtimes.kiln entry" >&2
        return 1
    }
    run -0 containerd --config "$BATS_TEST_TMPDIR/readme.toml" config dump
    [[ "$output" == *'containerd.runtimes.kiln]'* ]] || { show; return 1; }
    [[ "$output" == *'runtime_type = "io.containerd.runc.v2"'* ]] || { show; return 1; }
    [[ "$output" == *'BinaryName = "'*kiln-oci'"'* ]] || { show; return 1; }
}
