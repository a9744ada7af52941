# kiln-oci as podman and containerd call it, on hand-made bundles: the
# lifecycle tests of opencontainers/runtime-tools that make sense for a VM
# (create, start, state, kill, delete, the pid file), bad bundles, and
# what a bundle's process, root and mounts become in the guest.  The
# container's program is tests/guests/oci_probe.c, at /bin/app.kiln in
# the bundle's rootfs; each test has its own --root.

load helpers

KILN_OCI="${KILN_OCI:-$REPO_ROOT/build/kiln-oci}"

setup_file() {
    build_guest oci_probe
}

setup() {
    ROOT="$BATS_TEST_TMPDIR/root"
    BUNDLE="$BATS_TEST_TMPDIR/bundle"
    OUT="$BATS_TEST_TMPDIR/out"
    ERR="$BATS_TEST_TMPDIR/err"
    mkdir -p "$BUNDLE/rootfs/bin" "$BUNDLE/rootfs/etc"
    cp "$(guest oci_probe)" "$BUNDLE/rootfs/bin/app.kiln"
    echo "from the rootfs" >"$BUNDLE/rootfs/etc/hello"
    config
}

# Nothing a test made outlives it.
teardown() {
    local id
    for id in $("$KILN_OCI" --root "$ROOT" list -q 2>/dev/null); do
        "$KILN_OCI" --root "$ROOT" delete --force "$id" || true
    done
}

oci() {
    "$KILN_OCI" --root "$ROOT" "$@"
}

# config ARG...: the bundle's config.json runs /bin/app.kiln ARG...
config() {
    jq -n --args '{ociVersion: "1.0.2",
                   process: {args: (["/bin/app.kiln"] + $ARGS.positional),
                             env: ["PATH=/bin"], cwd: "/"},
                   root: {path: "rootfs"}}' "$@" >"$BUNDLE/config.json"
}

# config_set FILTER [JQ OPTIONS...]: changes config.json as jq's FILTER says
config_set() {
    local filter=$1
    shift
    jq "$@" "$filter" "$BUNDLE/config.json" >"$BUNDLE/config.new"
    mv "$BUNDLE/config.new" "$BUNDLE/config.json"
}

# create ID: a created container; its stdout and stderr go to OUT and ERR,
# as conmon's pipes would take them.
create() {
    oci create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/$1.pid" "$1" \
        >"$OUT" 2>"$ERR" </dev/null || { cat "$ERR" >&2; return 1; }
}

status_of() {
    oci state "$1" | jq -r .status
}

# wait_status ID STATUS: 10 s at most
wait_status() {
    for _ in $(seq 100); do
        [ "$(status_of "$1")" = "$2" ] && return 0
        sleep 0.1
    done
    echo "container $1 is $(status_of "$1"), not $2" >&2
    return 1
}

# wait_output TEXT: until OUT holds a line TEXT (10 s at most)
wait_output() {
    for _ in $(seq 100); do
        grep -qxF "$1" "$OUT" && return 0
        sleep 0.1
    done
    echo "no line \"$1\" in the container's output:" >&2
    cat "$OUT" "$ERR" >&2
    return 1
}

# gone PID: no such process, or a zombie its new parent has yet to reap
gone() {
    [ ! -e "/proc/$1" ] || [ "$(cut -d' ' -f3 "/proc/$1/stat")" = Z ]
}

# refused_create WHY: create fails, exit 1, with the one line WHY, and
# leaves nothing under --root.
refused_create() {
    run --separate-stderr oci create --bundle "$BUNDLE" c1 </dev/null
    [ "$status" -eq 1 ]
    assert_one_stderr_line
    [ "$stderr" = "kiln-oci: $1" ] || { echo "stderr: $stderr" >&2; return 1; }
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "create holds a booted VM: state is created, with the live pid of --pid-file" {
    create c1
    pid=$(cat "$BATS_TEST_TMPDIR/c1.pid")
    kill -0 "$pid"
    run oci state c1
    [ "$status" -eq 0 ]
    [ "$(jq -r .ociVersion <<<"$output")" = 1.0.2 ]
    [ "$(jq -r .id <<<"$output")" = c1 ]
    [ "$(jq -r .status <<<"$output")" = created ]
    [ "$(jq -r .pid <<<"$output")" = "$pid" ]
    [ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
    [ ! -s "$OUT" ]
}

@test "start runs the guest: its output is the container's and then it is stopped" {
    create c1
    oci start c1
    wait_status c1 stopped
    assert_line_in "$(cat "$OUT")" "argv[0]=/bin/app.kiln"
    [ ! -s "$ERR" ]
}

@test "a guest that runs is running, and a created one starts once" {
    config wait
    create c1
    oci start c1
    wait_output waiting
    [ "$(status_of c1)" = running ]
    run --separate-stderr oci start c1
    [ "$status" -eq 1 ]
    [ "$stderr" = "kiln-oci: container c1 is already running" ]
}

@test "kill TERM stops a sleeping guest" {
    config wait
    create c1
    oci start c1
    wait_output waiting
    oci kill c1 TERM
    wait_status c1 stopped
}

@test "kill takes a number as containerd sends it, and KILL destroys the VM" {
    config wait
    create c1
    oci start c1
    oci kill --all c1 9
    wait_status c1 stopped
    gone "$(cat "$BATS_TEST_TMPDIR/c1.pid")"
}

@test "kill of a created container ends it before its guest ran" {
    create c1
    oci kill c1 SIGKILL
    wait_status c1 stopped
    [ ! -s "$OUT" ]
}

@test "kill of a stopped container says it is not running" {
    create c1
    oci start c1
    wait_status c1 stopped
    run --separate-stderr oci kill c1 TERM
    [ "$status" -eq 1 ]
    [ "$stderr" = "kiln-oci: container c1 is not running" ]
}

@test "delete removes a stopped container's folder" {
    create c1
    oci start c1
    wait_status c1 stopped
    oci delete c1
    [ ! -e "$ROOT/c1" ]
}

@test "delete refuses a created container without --force, and --force kills it" {
    create c1
    run --separate-stderr oci delete c1
    [ "$status" -eq 1 ]
    [ "$stderr" = "kiln-oci: cannot delete container c1 that is not stopped: created" ]
    [ "$(status_of c1)" = created ]
    oci delete --force c1
    [ ! -e "$ROOT/c1" ]
    gone "$(cat "$BATS_TEST_TMPDIR/c1.pid")"
}

@test "the monitor keeps stdio and --preserve-fds, and no other descriptor of create's" {
    oci create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/c1.pid" --preserve-fds 1 c1 \
        3<"$BUNDLE/config.json" 4<"$BUNDLE/config.json" >"$OUT" 2>"$ERR" </dev/null
    pid=$(cat "$BATS_TEST_TMPDIR/c1.pid")
    [ "$(readlink "/proc/$pid/fd/1")" = "$OUT" ]
    [ "$(readlink "/proc/$pid/fd/3")" = "$BUNDLE/config.json" ]
    [ "$(ls -l "/proc/$pid/fd" | grep -c config.json)" -eq 1 ]
}

@test "an ID taken is refused" {
    create c1
    run --separate-stderr oci create --bundle "$BUNDLE" c1 </dev/null
    [ "$status" -eq 1 ]
    [ "$stderr" = "kiln-oci: container c1 already exists" ]
    [ "$(status_of c1)" = created ]
}

@test "an unknown container does not exist, for state, start, kill and delete, twice over" {
    for command in state start kill delete state start kill delete; do
        run --separate-stderr oci "$command" nope
        [ "$status" -eq 1 ]
        [ "$stderr" = "kiln-oci: container nope does not exist" ]
        [ -z "$output" ]
    done
}

@test "a bundle without config.json is refused" {
    rm "$BUNDLE/config.json"
    refused_create "$BUNDLE/config.json: No such file or directory"
}

@test "malformed JSON is refused with where it broke" {
    printf '{"process": {"args": [' >"$BUNDLE/config.json"
    refused_create "$BUNDLE/config.json: line 1, column 22: ']' expected near end of file"
}

@test "a bundle without process.args is refused" {
    config_set 'del(.process.args)'
    refused_create "$BUNDLE/config.json: process.args is missing: nothing to run"
}

@test "a bundle with empty process.args is refused" {
    config_set '.process.args = []'
    refused_create "$BUNDLE/config.json: process.args is empty: nothing to run"
}

@test "process.args[0] missing from the rootfs is refused" {
    config_set '.process.args = ["/bin/nothere"]'
    refused_create "process.args[0] /bin/nothere: no such file in root.path $BUNDLE/rootfs"
}

@test "a file that is neither an image nor a program is refused" {
    echo '#!/bin/sh' >"$BUNDLE/rootfs/bin/script"
    config_set '.process.args = ["script"]'
    refused_create "process.args[0] script ($BUNDLE/rootfs/bin/script) is neither a kiln image nor a Linux program"
}

@test "an ELF file the monitor cannot boot is refused by the monitor, in one line" {
    printf '\177ELF-but-nothing-more' >"$BUNDLE/rootfs/bin/broken"
    config_set '.process.args = ["/bin/broken"]'
    run --separate-stderr oci create --bundle "$BUNDLE" c1 </dev/null
    [ "$status" -eq 1 ]
    assert_one_stderr_line
    [[ "$stderr" == "kiln-oci: $BUNDLE/rootfs/bin/broken: "* ]]
    [ -z "$(ls -A "$ROOT")" ]
}

@test "a memory limit above kiln's maximum is refused" {
    config_set '.linux.resources.memory.limit = 8589934592'
    refused_create "$BUNDLE/config.json: linux.resources.memory.limit 8G is above kiln's largest guest memory, 4G"
}

@test "--log-format json also writes the error as a JSON line" {
    run --separate-stderr "$KILN_OCI" --root "$ROOT" --log "$BATS_TEST_TMPDIR/log.json" \
        --log-format json state nope
    [ "$status" -eq 1 ]
    [ "$stderr" = "kiln-oci: container nope does not exist" ]
    [ "$(wc -l <"$BATS_TEST_TMPDIR/log.json")" -eq 1 ]
    [ "$(jq -r .level "$BATS_TEST_TMPDIR/log.json")" = error ]
    [ "$(jq -r .msg "$BATS_TEST_TMPDIR/log.json")" = "container nope does not exist" ]
    [[ "$(jq -r .time "$BATS_TEST_TMPDIR/log.json")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]]
}

@test "args, env and cwd reach the guest" {
    config exit 0 "two words"
    config_set '.process.env = ["PATH=/bin", "GREETING=hi there"] | .process.cwd = "/etc"'
    run --separate-stderr oci run --bundle "$BUNDLE" c1 </dev/null
    [ "$status" -eq 0 ]
    assert_output "argv[0]=/bin/app.kiln
argv[1]=exit
argv[2]=0
argv[3]=two words
cwd=/etc
env: PATH=/bin
env: GREETING=hi there"
}

@test "process.args[0] is looked up in PATH beneath the rootfs" {
    config_set '.process.args = ["app.kiln", "exit", "7"]'
    run oci run --bundle "$BUNDLE" c1 </dev/null
    [ "$status" -eq 7 ]
}

@test "run passes the guest's exit status through: 0, 3 and a crash's 126" {
    config exit 0
    run oci run --bundle "$BUNDLE" c1 </dev/null
    [ "$status" -eq 0 ]
    config exit 3
    run oci run --bundle "$BUNDLE" c2 </dev/null
    [ "$status" -eq 3 ]
    config crash
    run --separate-stderr oci run --bundle "$BUNDLE" c3 </dev/null
    [ "$status" -eq 126 ]
    assert_crash_report
}

@test "run removes the container when it ends, and run --detach leaves it running" {
    run oci run --bundle "$BUNDLE" c1 </dev/null
    [ "$status" -eq 0 ]
    [ ! -e "$ROOT/c1" ]
    config wait
    oci run --detach --bundle "$BUNDLE" c2 >"$OUT" 2>"$ERR" </dev/null
    wait_output waiting
    [ "$(status_of c2)" = running ]
}

@test "root.path is the guest's /" {
    config read /etc/hello
    run oci run --bundle "$BUNDLE" c1 </dev/null
    [ "$status" -eq 0 ]
    assert_line_in "$output" "read /etc/hello: from the rootfs"
}

@test "a bind-mounted folder is a volume the guest writes to" {
    mkdir "$BATS_TEST_TMPDIR/data"
    config write /data/note
    config_set '.mounts = [{destination: "/data", type: "bind", source: $src, options: ["rbind"]}]' \
        --arg src "$BATS_TEST_TMPDIR/data"
    run oci run --bundle "$BUNDLE" c1 </dev/null
    [ "$status" -eq 0 ]
    [ "$(cat "$BATS_TEST_TMPDIR/data/note")" = written ]
}

@test "a tmpfs mount is a folder in guest memory" {
    config write /scratch/note
    config_set '.mounts = [{destination: "/scratch", type: "tmpfs", source: "tmpfs"}]'
    run oci run --bundle "$BUNDLE" c1 </dev/null
    [ "$status" -eq 0 ]
    [ ! -e "$BUNDLE/rootfs/scratch" ]
}

@test "a Linux program in the rootfs runs unmodified" {
    printf '#include <stdio.h>\nint main(int c, char **v) { puts(v[1]); return 4; }\n' |
        gcc -static -x c -o "$BUNDLE/rootfs/bin/native" -
    config_set '.process.args = ["/bin/native", "unmodified"]'
    run oci run --bundle "$BUNDLE" c1 </dev/null
    [ "$status" -eq 4 ]
    [ "$output" = unmodified ]
}

@test "a pod sandbox's pause program runs until TERM, as Kubernetes asks of a runtime class" {
    # What the pause image's /pause does: wait for signals, and leave
    # cleanly on INT or TERM.  A static Linux program, run unmodified.
    printf '%s\n' '#include <signal.h>' '#include <stdio.h>' '#include <stdlib.h>' '#include <unistd.h>' \
        'static void down(int sig) { printf("shutting down: signal %d\n", sig); exit(0); }' \
        'int main(void) { signal(SIGINT, down); signal(SIGTERM, down); puts("paused"); fflush(stdout); for (;;) pause(); }' |
        gcc -static -x c -o "$BUNDLE/rootfs/pause" -
    config_set '.process.args = ["/pause"] | .annotations = {"io.kubernetes.cri.container-type": "sandbox"}'
    oci run --bundle "$BUNDLE" sandbox >"$OUT" 2>"$ERR" </dev/null &
    local runner=$!
    wait_output paused
    [ "$(status_of sandbox)" = running ]
    oci kill sandbox TERM
    local status=0
    wait "$runner" || status=$?
    [ "$status" -eq 0 ]
    assert_line_in "$(cat "$OUT")" "shutting down: signal 15"
    [ ! -e "$ROOT/sandbox" ]
}

@test "--debug names what of the bundle a VM ignores" {
    config_set '.linux.namespaces = [{type: "pid"}] | .process.rlimits = [{type: "RLIMIT_NOFILE", hard: 1024, soft: 1024}] | .mounts = [{destination: "/proc", type: "proc", source: "proc"}]'
    run --separate-stderr "$KILN_OCI" --root "$ROOT" --debug run --bundle "$BUNDLE" c1 </dev/null
    [ "$status" -eq 0 ]
    assert_line_in "$stderr" "kiln-oci: debug: ignored: linux.namespaces (a VM is its own)"
    assert_line_in "$stderr" "kiln-oci: debug: ignored: process.rlimits (a VM's limit is its memory; none set on the monitor)"
    assert_line_in "$stderr" "kiln-oci: debug: ignored: mounts /proc (the guest's /proc, /sys and /dev are its runtime's)"
}

@test "a terminal's master goes over the console socket" {
    config
    config_set '.process.terminal = true'
    socket="$BATS_TEST_TMPDIR/console.sock"
    timeout 20 python3 "$BATS_TEST_DIRNAME/console_socket.py" "$socket" >"$BATS_TEST_TMPDIR/tty" &
    for _ in $(seq 100); do
        [ -e "$socket.ready" ] && break
        sleep 0.1
    done
    oci create --bundle "$BUNDLE" --console-socket "$socket" c1 >"$OUT" 2>"$ERR" </dev/null
    oci start c1
    wait
    [[ "$(head -1 "$BATS_TEST_TMPDIR/tty")" == "pty: /dev/pts/"* ]]
    assert_line_in "$(cat "$BATS_TEST_TMPDIR/tty")" "argv[0]=/bin/app.kiln"
    [ ! -s "$OUT" ]
}

@test "a terminal without a console socket is refused" {
    config_set '.process.terminal = true'
    refused_create "process.terminal is true, but there is no --console-socket to send the pty to"
}

@test "list shows the containers under --root" {
    create c1
    run oci list -q
    [ "$output" = c1 ]
    run oci list --format json
    [ "$(jq -r '.[0].status' <<<"$output")" = created ]
}

@test "features and --version speak runtime-spec 1.0.2" {
    run oci features
    [ "$status" -eq 0 ]
    [ "$(jq -r .ociVersionMax <<<"$output")" = 1.0.2 ]
    run "$KILN_OCI" --version
    assert_line_in "$output" "spec: 1.0.2"
}
