# kiln pack: an OCI image archive of a kiln image, checked by hand (tar,
# sha256sum, jq) and read by podman load and ctr image import.  Images
# come from kiln pack alone, never from a registry.

load helpers

setup_file() {
    "$KILN" build "$REPO_ROOT/templates/hello/hello.c" -o "$BATS_FILE_TMPDIR/hello.kiln"
    "$KILN" pack "$BATS_FILE_TMPDIR/hello.kiln" -t hello -o "$BATS_FILE_TMPDIR/hello.tar"
    mkdir "$BATS_FILE_TMPDIR/layout"
    tar -xf "$BATS_FILE_TMPDIR/hello.tar" -C "$BATS_FILE_TMPDIR/layout"
}

teardown() {
    if [ -n "${CONTAINERD_PID:-}" ]; then
        kill "$CONTAINERD_PID" 2>/dev/null || true
        wait "$CONTAINERD_PID" 2>/dev/null || true
    fi
}

image() {
    echo "$BATS_FILE_TMPDIR/hello.kiln"
}

archive() {
    echo "$BATS_FILE_TMPDIR/hello.tar"
}

# blob DIGEST: the path of the blob "sha256:HEX" in the unpacked layout
blob() {
    echo "$BATS_FILE_TMPDIR/layout/blobs/sha256/${1#sha256:}"
}

manifest() {
    blob "$(jq -r '.manifests[0].digest' "$BATS_FILE_TMPDIR/layout/index.json")"
}

config() {
    blob "$(jq -r '.config.digest' "$(manifest)")"
}

layer() {
    blob "$(jq -r '.layers[0].digest' "$(manifest)")"
}

# refused STATUS ARGS...: kiln pack ARGS exits STATUS with one line, "kiln: ..."
refused() {
    local code="$1"
    shift
    run "-$code" --separate-stderr "$KILN" pack "$@"
    assert_one_stderr_line
    [[ "$stderr" == "kiln: "* ]]
    [ -z "$output" ]
}

@test "the archive is an OCI layout: oci-layout, index.json and three blobs" {
    run -0 tar -tf "$(archive)"
    [ "${#lines[@]}" -eq 7 ]
    assert_line_in "$output" "oci-layout"
    assert_line_in "$output" "index.json"
    assert_line_in "$output" "blobs/"
    assert_line_in "$output" "blobs/sha256/"
    [ "$(grep -c '^blobs/sha256/[0-9a-f]\{64\}$' <<<"$output")" -eq 3 ]
    [ "$(jq -r .imageLayoutVersion "$BATS_FILE_TMPDIR/layout/oci-layout")" = "1.0.0" ]
}

@test "every blob is named by the SHA-256 of its bytes" {
    local file
    for file in "$BATS_FILE_TMPDIR"/layout/blobs/sha256/*; do
        [ "$(sha256sum <"$file" | cut -d' ' -f1)" = "$(basename "$file")" ]
    done
}

@test "the layer holds the image as app.kiln, byte for byte, 0755 and root's" {
    run -0 tar -tzvf "$(layer)"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == "-rwxr-xr-x 0/0 "*" app.kiln" ]]
    tar -xzOf "$(layer)" app.kiln | cmp - "$(image)"
}

@test "the config runs /app.kiln on linux/amd64 over the layer's tar" {
    local config
    config=$(config)
    [ "$(jq -c .config.Entrypoint "$config")" = '["/app.kiln"]' ]
    [ "$(jq -r .architecture "$config")" = amd64 ]
    [ "$(jq -r .os "$config")" = linux ]
    [ "$(jq -r .rootfs.type "$config")" = layers ]
    [ "$(jq -r '.rootfs.diff_ids | length' "$config")" -eq 1 ]
    [ "$(jq -r '.rootfs.diff_ids[0]' "$config")" = "sha256:$(gzip -dc <"$(layer)" | sha256sum | cut -d' ' -f1)" ]
    [ "$(jq -r '.history | length' "$config")" -eq 1 ]
}

@test "the manifest names the config and the gzip layer with their sizes" {
    local manifest
    manifest=$(manifest)
    [ "$(jq -r .schemaVersion "$manifest")" -eq 2 ]
    [ "$(jq -r .mediaType "$manifest")" = application/vnd.oci.image.manifest.v1+json ]
    [ "$(jq -r .config.mediaType "$manifest")" = application/vnd.oci.image.config.v1+json ]
    [ "$(jq -r .config.size "$manifest")" -eq "$(stat -c %s "$(config)")" ]
    [ "$(jq -r '.layers | length' "$manifest")" -eq 1 ]
    [ "$(jq -r '.layers[0].mediaType' "$manifest")" = application/vnd.oci.image.layer.v1.tar+gzip ]
    [ "$(jq -r '.layers[0].size' "$manifest")" -eq "$(stat -c %s "$(layer)")" ]
}

@test "the index names the image docker.io/library/hello:latest, tagged latest" {
    local index="$BATS_FILE_TMPDIR/layout/index.json"
    [ "$(jq -r .schemaVersion "$index")" -eq 2 ]
    [ "$(jq -r '.manifests | length' "$index")" -eq 1 ]
    [ "$(jq -r '.manifests[0].size' "$index")" -eq "$(stat -c %s "$(manifest)")" ]
    [ "$(jq -r '.manifests[0].annotations["io.containerd.image.name"]' "$index")" = docker.io/library/hello:latest ]
    [ "$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$index")" = latest ]
}

@test "a registry and a tag given with -t are kept" {
    run -0 "$KILN" pack "$(image)" -t localhost/team/hello:1.0 -o "$BATS_TEST_TMPDIR/local.tar"
    tar -xOf "$BATS_TEST_TMPDIR/local.tar" index.json >"$BATS_TEST_TMPDIR/index.json"
    [ "$(jq -r '.manifests[0].annotations["io.containerd.image.name"]' "$BATS_TEST_TMPDIR/index.json")" = localhost/team/hello:1.0 ]
    [ "$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$BATS_TEST_TMPDIR/index.json")" = 1.0 ]
}

@test "packing the same image twice gives the same bytes" {
    sleep 1 # gzip would store the time of writing, in seconds
    run -0 "$KILN" pack "$(image)" -t hello -o "$BATS_TEST_TMPDIR/again.tar"
    cmp "$(archive)" "$BATS_TEST_TMPDIR/again.tar"
}

@test "the archive is readable by all, less the umask, and replaces what was there" {
    echo old >"$BATS_TEST_TMPDIR/out.tar"
    (umask 022 && "$KILN" pack "$(image)" -t hello -o "$BATS_TEST_TMPDIR/out.tar")
    [ "$(stat -c %a "$BATS_TEST_TMPDIR/out.tar")" = 644 ]
    cmp "$(archive)" "$BATS_TEST_TMPDIR/out.tar"
}

@test "a missing image is refused in one line, exit 1" {
    refused 1 "$BATS_TEST_TMPDIR/none.kiln" -t hello -o "$BATS_TEST_TMPDIR/out.tar"
    [[ "$stderr" == *"none.kiln: cannot open: No such file or directory" ]]
    [ ! -e "$BATS_TEST_TMPDIR/out.tar" ]
}

@test "a file that is not a kiln image is refused in one line, exit 1" {
    refused 1 "$REPO_ROOT/templates/hello/hello.c" -t hello -o "$BATS_TEST_TMPDIR/out.tar"
    [[ "$stderr" == *"hello.c: not an ELF file" ]]
    [ ! -e "$BATS_TEST_TMPDIR/out.tar" ]
}

@test "a bad name is refused in one line, exit 2" {
    refused 2 "$(image)" -t Hello -o "$BATS_TEST_TMPDIR/out.tar"
    [[ "$stderr" == "kiln: pack: -t: \"Hello\": component \"Hello\" is not lowercase"* ]]
    refused 2 "$(image)" -t hello:.1 -o "$BATS_TEST_TMPDIR/out.tar"
    refused 2 "$(image)" -t hello@sha256:00 -o "$BATS_TEST_TMPDIR/out.tar"
    [ ! -e "$BATS_TEST_TMPDIR/out.tar" ]
}

@test "no -t or no -o is refused in one line, exit 2" {
    refused 2 "$(image)" -o "$BATS_TEST_TMPDIR/out.tar"
    [ "$stderr" = "kiln: pack: no name given: -t NAME[:TAG] (see kiln pack --help)" ]
    refused 2 "$(image)" -t hello
    [ "$stderr" = "kiln: pack: no output given: -o FILE.tar (see kiln pack --help)" ]
    refused 2 -t hello -o "$BATS_TEST_TMPDIR/out.tar"
}

@test "an output that cannot be written is refused in one line, exit 1, leaving nothing" {
    refused 1 "$(image)" -t hello -o "$BATS_TEST_TMPDIR/no/such/folder/out.tar"
    [[ "$stderr" == *"out.tar: cannot create a temporary file next to it: No such file or directory" ]]
    mkdir -p "$BATS_TEST_TMPDIR/out/folder"
    refused 1 "$(image)" -t hello -o "$BATS_TEST_TMPDIR/out/folder"
    [[ "$stderr" == *"folder: cannot write: Is a directory" ]]
    [ -z "$(ls -A "$BATS_TEST_TMPDIR/out/folder")" ]
    [ "$(ls -A "$BATS_TEST_TMPDIR/out")" = folder ] # no temporary file left
}

@test "kiln pack --help gives its usage, options and exit codes" {
    run -0 "$KILN" pack --help
    [[ "${lines[0]}" == "Usage: kiln pack IMAGE -t NAME[:TAG] -o FILE.tar" ]]
    [[ "$output" == *"-t, --tag"* && "$output" == *"-o, --output"* ]]
    [[ "$output" == *"Exit codes"* ]]
}

# podman PODMAN-ARGS...: podman with its own storage in this test's folder
# (vfs: no overlay mounts), so that nothing of the machine's is touched.
podman_here() {
    podman --root "$BATS_TEST_TMPDIR/podman/root" --runroot "$BATS_TEST_TMPDIR/podman/run" \
        --storage-driver vfs --events-backend none "$@"
}

@test "podman load reads the archive: the image runs /app.kiln, named as packed" {
    command -v podman >/dev/null || skip "PODMAN IS NOT INSTALLED (apt-get install podman, see .ci/deps)"
    podman_here version >/dev/null 2>&1 ||
        skip "PODMAN CANNOT RUN HERE: $(podman_here version 2>&1 | tail -1)"
    run -0 podman_here load -q -i "$(archive)"
    assert_line_in "$output" "Loaded image: docker.io/library/hello:latest"
    run -0 podman_here image inspect --format '{{json .Config.Entrypoint}} {{json .RepoTags}}' hello
    [ "$output" = '["/app.kiln"] ["docker.io/library/hello:latest"]' ]
    run -0 podman_here image inspect --format '{{.Id}} {{.Architecture}} {{.Os}}' hello
    [ "$output" = "$(basename "$(config)") amd64 linux" ]
}

# start_containerd: a containerd of this test's own (no CRI, no /opt),
# its socket in CTR_ADDRESS; 10 s at most.
start_containerd() {
    local dir="$BATS_TEST_TMPDIR/containerd"
    mkdir -p "$dir"
    cat >"$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt"]
[grpc]
  address = "$dir/sock"
EOF
    CTR_ADDRESS="$dir/sock"
    containerd --config "$dir/config.toml" >"$dir/log" 2>&1 3>&- &
    CONTAINERD_PID=$!
    for _ in $(seq 100); do
        ctr --address "$CTR_ADDRESS" version >/dev/null 2>&1 && return 0
        kill -0 "$CONTAINERD_PID" 2>/dev/null || break
        sleep 0.1
    done
    CONTAINERD_LOG=$(tail -3 "$dir/log")
    return 1
}

@test "ctr image import reads the archive: ctr image ls lists it, named as packed" {
    command -v containerd >/dev/null && command -v ctr >/dev/null ||
        skip "CONTAINERD IS NOT INSTALLED (apt-get install containerd, see .ci/deps)"
    start_containerd || skip "CONTAINERD CANNOT RUN HERE: $CONTAINERD_LOG"
    # Unpacking checks the layer against the config's diff_id; the native
    # snapshotter copies files, which works on any file system (overlayfs
    # does not stack on the nested path's 9p).
    run -0 ctr --address "$CTR_ADDRESS" image import --snapshotter native "$(archive)"
    run -0 ctr --address "$CTR_ADDRESS" image ls -q
    [ "$output" = docker.io/library/hello:latest ]
    run -0 ctr --address "$CTR_ADDRESS" image ls
    [[ "${lines[1]}" == "docker.io/library/hello:latest "*" $(jq -r '.manifests[0].digest' "$BATS_FILE_TMPDIR/layout/index.json") "*" linux/amd64 "* ]]
}
