# kiln build --files: folders and archives embedded in the image,
# normalized, cached by content, refused in one line; kiln inspect.

load helpers

APP="$REPO_ROOT/templates/hello/hello.c"

setup() {
    export KILN_CACHE_DIR="$BATS_TEST_TMPDIR/cache"
    cd "$BATS_TEST_TMPDIR"
    mkdir -p tree/etc tree/bin tree/empty tree/data
    printf 'hello\n' >tree/etc/motd
    printf 'secret' >tree/etc/secret
    printf '#!/bin/sh\n' >tree/bin/run
    ln -s run tree/bin/sh
    head -c 10000 /dev/zero | tr '\0' 'x' >tree/data/big
    chmod 0600 tree/etc/secret
    chmod 0755 tree/bin/run
    chmod 0700 tree/empty
}

# build_with IMAGE CACHE SOURCE...: kiln build of the hello app with each
# SOURCE as --files, in a cache of its own, so that nothing is shared.
build_with() {
    local image="$1" cache="$2"
    shift 2
    local files=()
    for source in "$@"; do files+=(--files "$source"); done
    KILN_CACHE_DIR="$cache" "$KILN" build "$APP" "${files[@]}" -o "$image"
}

# crafted_tar FILE KIND NAME: a tar holding one entry tar(1) would not make
crafted_tar() {
    python3 - "$@" <<'PY'
import io, sys, tarfile
path, kind, name = sys.argv[1:4]
with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
    info = tarfile.TarInfo(name)
    if kind == "device":
        info.type, info.devmajor, info.devminor = tarfile.CHRTYPE, 1, 3
        tar.addfile(info)
    else:
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
PY
}

# files_section IMAGE: the address and file offset of its .kiln_files, in hex
files_section() {
    readelf -SW "$1" | awk '/ \.kiln_files /{for (i = 1; i <= NF; i++) if ($i == "PROGBITS") print $(i + 1), $(i + 2)}'
}

# refused EXIT ARGS...: kiln build ARGS fails with EXIT and one line on
# stderr, which $stderr then holds.
refused() {
    local code="$1"
    shift
    run "-$code" --separate-stderr "$KILN" build "$APP" -o app.kiln "$@"
    assert_one_stderr_line
    [ ! -e app.kiln ]
}

@test "the same tree from a folder, a tar.gz, a tar.xz, a zip and a cpio gives the same image" {
    tar -C tree -czf tree.tar.gz .
    tar -C tree -cJf tree.tar.xz bin data empty etc
    (cd tree && zip -qry ../tree.zip .)
    (cd tree && find . | cpio -o -H newc --quiet >../tree.cpio)
    build_with folder.kiln c1 tree:/srv
    for archive in tree.tar.gz tree.tar.xz tree.zip tree.cpio; do
        build_with "$archive.kiln" "c-$archive" "$archive:/srv"
        cmp folder.kiln "$archive.kiln"
    done
}

@test "names beyond ASCII are the same bytes from a folder, a pax tar and a zip" {
    mkdir names
    printf 'x' >"names/caf$(printf '\xc3\xa9')"
    tar -C names --format=pax -cf names.tar .
    (cd names && zip -qry ../names.zip .)
    build_with folder.kiln c1 names
    build_with tar.kiln c2 names.tar
    build_with zip.kiln c3 names.zip
    cmp folder.kiln tar.kiln
    cmp folder.kiln zip.kiln
    run -0 "$KILN" inspect folder.kiln
    assert_line_in "$output" "  -rw-r--r-- 1 /caf$(printf '\xc3\xa9')"
}

@test "an image without --files carries no files section, as before files" {
    "$KILN" build "$APP" -o plain.kiln
    ! readelf -SW plain.kiln | grep -q kiln_files
    run -0 "$KILN" inspect plain.kiln
    assert_line_in "$output" "files:   none"
}

@test "the files lie page-aligned in .kiln_files, in the text segment" {
    "$KILN" build "$APP" --files tree -o app.kiln
    read -r address offset < <(files_section app.kiln)
    [ $((0x$address % 4096)) -eq 0 ]
    [ "$(tail -c +$((0x$offset + 1)) app.kiln | head -c 8)" = KLNFILS1 ]
    readelf -lW app.kiln | grep -qE '^ +00 +\.text .*\.kiln_files'
}

@test "unchanged files hit the build cache" {
    "$KILN" build "$APP" --files tree -o first.kiln
    run -0 --separate-stderr "$KILN" build -v "$APP" --files tree -o second.kiln
    [[ "${stderr_lines[0]}" == "kiln: build cache: hit, "* ]]
    cmp first.kiln second.kiln
}

@test "one changed byte of a data file misses the cache and changes the image" {
    "$KILN" build "$APP" --files tree -o first.kiln
    printf 'hellO\n' >tree/etc/motd
    run -0 --separate-stderr "$KILN" build -v "$APP" --files tree -o second.kiln
    [[ "${stderr_lines[0]}" == "kiln: build cache: miss, "* ]]
    ! cmp -s first.kiln second.kiln
}

@test "a changed mode changes the image" {
    "$KILN" build "$APP" --files tree -o first.kiln
    chmod 0644 tree/bin/run
    "$KILN" build "$APP" --files tree -o second.kiln
    ! cmp -s first.kiln second.kiln
}

@test "another guest folder changes the image" {
    "$KILN" build "$APP" --files tree -o first.kiln
    "$KILN" build "$APP" --files tree:/srv -o second.kiln
    ! cmp -s first.kiln second.kiln
}

@test "kiln run app.c --files builds with the files, then boots" {
    run -0 "$KILN" run --files tree "$APP" </dev/null
    assert_line_in "$output" "Hello from kiln!"
}

@test "kiln run IMAGE --files is refused: exit 125 with one line" {
    "$KILN" build "$APP" -o app.kiln
    run -125 --separate-stderr "$KILN" run --files tree app.kiln
    assert_one_stderr_line
}

@test "kiln inspect lists the files as ls -l would" {
    "$KILN" build "$APP" --files tree:/srv -o app.kiln
    run -0 "$KILN" inspect app.kiln
    [[ "${lines[0]}" == "image:   app.kiln" ]]
    [[ "${lines[1]}" =~ ^hash:\ \ \ \ [0-9a-f]{32}$ ]]
    assert_line_in "$output" "abi:     5"
    assert_line_in "$output" "memory:  128M"
    assert_line_in "$output" "flags:   0x0"
    assert_line_in "$output" "files:   11 entries"
    assert_line_in "$output" "  -rw-r--r--     6 /srv/etc/motd"
    assert_line_in "$output" "  -rw-------     6 /srv/etc/secret"
    assert_line_in "$output" "  -rwxr-xr-x    10 /srv/bin/run"
    assert_line_in "$output" "  lrwxrwxrwx     3 /srv/bin/sh -> run"
    assert_line_in "$output" "  drwx------     0 /srv/empty"
    assert_line_in "$output" "  -rw-r--r-- 10000 /srv/data/big"
}

@test "kiln inspect's hash is the image's XXH3-128" {
    "$KILN" build "$APP" --files tree -o app.kiln
    run -0 "$KILN" inspect app.kiln
    assert_line_in "$output" "hash:    $(xxhsum -H2 app.kiln | cut -d' ' -f1)"
}

@test "kiln inspect --json gives the same as JSON" {
    "$KILN" build "$APP" --files tree:/srv -o app.kiln
    run -0 "$KILN" inspect --json app.kiln
    python3 -c '
import json, sys
image = json.loads(sys.argv[1])
assert image["abi_version"] == 5 and image["program"] is None and image["default_mem"] == 128 << 20, image
assert len(image["hash"]) == 32 and image["flags"] == 0
files = {f["path"]: f for f in image["files"]}
assert files["/srv/etc/secret"]["mode"] == "0600" and files["/srv/etc/secret"]["size"] == 6
assert files["/srv/bin/sh"] == {"path": "/srv/bin/sh", "type": "symlink", "mode": "0777",
    "size": 3, "nlink": 1, "ino": files["/srv/bin/sh"]["ino"], "target": "run"}, files["/srv/bin/sh"]
assert files["/srv/empty"]["type"] == "folder" and files["/srv/empty"]["mode"] == "0700"
assert [f["path"] for f in image["files"]][:3] == ["/", "/srv", "/srv/bin"]
' "$output"
}

@test "hard links stay links, from a folder and from a tar" {
    ln tree/etc/motd tree/bin/motd-link
    tar -C tree -cf tree.tar .
    build_with folder.kiln c1 tree
    build_with tar.kiln c2 tree.tar
    cmp folder.kiln tar.kiln
    run -0 "$KILN" inspect --json folder.kiln
    python3 -c '
import json, sys
files = {f["path"]: f for f in json.loads(sys.argv[1])["files"]}
a, b = files["/bin/motd-link"], files["/etc/motd"]
assert a["ino"] == b["ino"] and a["nlink"] == b["nlink"] == 2, (a, b)
' "$output"
}

@test "two sources may share a folder" {
    mkdir -p more/etc
    printf 'x' >more/etc/other
    run -0 "$KILN" build "$APP" --files tree --files more -o app.kiln
    run -0 "$KILN" inspect app.kiln
    assert_line_in "$output" "  -rw-r--r--     1 /etc/other"
    assert_line_in "$output" "  -rw-r--r--     6 /etc/motd"
}

@test "a file from two sources: exit 1 with one line naming it" {
    mkdir -p more/etc
    printf 'x' >more/etc/motd
    refused 1 --files tree --files more
    [ "$stderr" = "kiln: more: etc/motd: /etc/motd is also a file in tree" ]
}

@test "a missing PATH: exit 1 with one line" {
    refused 1 --files data.tar.gz
    [ "$stderr" = "kiln: data.tar.gz: cannot read: No such file or directory" ]
}

@test "a broken archive: exit 1 with one line" {
    tar -C tree -czf tree.tar.gz .
    head -c 200 tree.tar.gz >broken.tar.gz
    refused 1 --files broken.tar.gz
    [[ "$stderr" == "kiln: broken.tar.gz: "* ]]
}

@test "a file that is no archive: exit 1 with one line" {
    refused 1 --files tree/etc/motd
    [ "$stderr" = "kiln: tree/etc/motd: Unrecognized archive format" ]
}

@test "a .. in an archive's name: exit 1 with one line" {
    crafted_tar evil.tar file ../etc/passwd
    refused 1 --files evil.tar:/srv
    [ "$stderr" = 'kiln: evil.tar: ../etc/passwd: a ".." component, which could leave the guest folder' ]
}

@test "an absolute name in an archive: exit 1 with one line" {
    crafted_tar evil.tar file /etc/passwd
    refused 1 --files evil.tar
    [ "$stderr" = "kiln: evil.tar: /etc/passwd: an absolute name" ]
}

@test "a name over 255 bytes: exit 1 with one line" {
    crafted_tar long.tar file "$(printf 'n%.0s' {1..256})"
    refused 1 --files long.tar
    [[ "$stderr" == *": a name longer than 255 bytes" ]]
}

@test "a path over 4095 bytes: exit 1 with one line" {
    crafted_tar deep.tar file "$(printf "$(printf 'd%.0s' {1..200})/%.0s" {1..21})file"
    refused 1 --files deep.tar:/srv
    [[ "$stderr" == *": a path longer than 4095 bytes" ]]
}

@test "a device in an archive: exit 1 with one line" {
    crafted_tar dev.tar device dev/null
    refused 1 --files dev.tar
    [ "$stderr" = "kiln: dev.tar: dev/null: a character device: only files, folders and symlinks can be embedded" ]
}

@test "a fifo in a folder: exit 1 with one line" {
    mkfifo tree/pipe
    refused 1 --files tree
    [ "$stderr" = "kiln: tree: pipe: a fifo: only files, folders and symlinks can be embedded" ]
}

@test "a relative GUEST_DIR: exit 2 with one line" {
    refused 2 --files tree:srv
    [ "$stderr" = 'kiln: build: --files: "tree:srv": GUEST_DIR must be absolute (PATH:/folder)' ]
}

@test "kiln inspect of damaged files: exit 1 with one line" {
    "$KILN" build "$APP" --files tree -o app.kiln
    read -r _ offset < <(files_section app.kiln)
    printf 'X' | dd of=app.kiln bs=1 seek=$((0x$offset)) conv=notrunc status=none
    run -1 --separate-stderr "$KILN" inspect app.kiln
    assert_one_stderr_line
    [ "$stderr" = "kiln: app.kiln: embedded files: no KLNFILS1 magic" ]
}

@test "kiln inspect of what is no image: exit 1 with one line" {
    run -1 --separate-stderr "$KILN" inspect tree/etc/motd
    assert_one_stderr_line
}

@test "kiln inspect without an image: exit 2 with one line" {
    run -2 --separate-stderr "$KILN" inspect
    assert_one_stderr_line
}
