# Unmodified Linux programs under kiln run PROGRAM and kiln build --elf:
# static (glibc, musl, Go), static-PIE and dynamic (through ld.so, with
# their libraries gathered into the image), each run natively too, and
# the two runs must print the same stdout and stderr and exit with the
# same status.  Then what kiln refuses to load, reproducible images and
# the build cache, and a call kiln does not implement.
#
# The programs read $ROOT/data, embedded as /data (--files), and
# $ROOT/vol, a read-only volume at /vol.  Natively they run in $ROOT,
# under kiln in / (-w /), so the relative paths they are given and print
# are the same; natively they get no environment but what --env gives
# the guest, as under kiln.

load helpers

PROGRAMS="$REPO_ROOT/tests/e2e/programs"
ROOT="$BATS_FILE_TMPDIR/root"
TREE=(-w / --files "$ROOT/data:/data" -v "$ROOT/vol:/vol:ro")
BUSYBOX=/bin/busybox

setup_file() {
    mkdir -p "$ROOT/data" "$ROOT/vol"
    printf 'hello\nworld\nbanana\napple\nhello again\n' >"$ROOT/data/a.txt"
    printf 'zebra\nhello volume\nyellow\n' >"$ROOT/vol/b.txt"
    seq 1 3000 >"$ROOT/vol/n.txt"
    printf 'the quick brown fox\njumps over\nthe lazy dog\n' >"$ROOT/data/words.txt"
    printf 'The cat sat\non the mat\nthe end\nand THE cat left\n' >"$ROOT/vol/text.txt"
    gzip -9 -c "$ROOT/vol/n.txt" >"$ROOT/data/n.txt.gz"
    gzip -1 -c "$ROOT/data/words.txt" >"$ROOT/vol/words.txt.gz"
    cat >"$ROOT/data/people.json" <<'JSON'
{"people": [{"name": "Ada", "born": 1815, "langs": ["analytical engine"]},
            {"name": "Grace", "born": 1906, "langs": ["FLOW-MATIC", "COBOL"]},
            {"name": "Dennis", "born": 1941, "langs": ["C", "B"]}]}
JSON
    echo '{"people": [{"name": "Ken", "born": 1943, "langs": ["Go", "B"]}]}' >"$ROOT/vol/more.json"
    # The first sum is right, the second is not.
    {
        (cd "$ROOT" && sha256sum data/a.txt)
        echo "$(printf '0%.0s' $(seq 64))  vol/b.txt"
    } >"$ROOT/vol/sums"

    local source="$PROGRAMS/linux_program.c" bin="$BATS_FILE_TMPDIR"
    gcc -O2 -static -o "$bin/glibc-static" "$source"
    musl-gcc -O2 -static -o "$bin/musl-static" "$source"
    gcc -O2 -static-pie -o "$bin/static-pie" "$source"
    gcc -O2 -o "$bin/dynamic" "$source"
    gcc -O2 -static -o "$bin/enosys" "$PROGRAMS/enosys.c"
}

# same_as_native [KILN RUN OPTIONS...] -- PROGRAM [ARGS...]: PROGRAM runs
# natively in $ROOT (with no environment but the options' --env values)
# and under kiln run with the options: the same stdout, stderr (unless
# --strace or --verbose adds to it) and exit status.  Sets NATIVE_STATUS;
# both runs' streams stay in $BATS_TEST_TMPDIR/{native,kiln}.{out,err}.
# --timeout 120 turns a hang into a failure: the Go program's start alone
# (its runtime maps and unmaps 64 MiB 128 times) takes ~25 s in the VM.
same_as_native() {
    local options=() env=() compare_stderr=1 kiln_status=0 out="$BATS_TEST_TMPDIR"
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        case "$1" in
        --env) env+=("$2") ;;
        --strace | --verbose) compare_stderr=0 ;;
        esac
        options+=("$1")
        shift
    done
    shift
    local program="$1"
    shift
    NATIVE_STATUS=0
    (cd "$ROOT" && exec env -i "${env[@]}" "$program" "$@") \
        >"$out/native.out" 2>"$out/native.err" </dev/null || NATIVE_STATUS=$?
    "$KILN" run --timeout 120 "${options[@]}" "$program" -- "$@" \
        >"$out/kiln.out" 2>"$out/kiln.err" </dev/null || kiln_status=$?
    if [ ! -s "$out/native.out" ]; then
        echo "$program $* printed nothing natively (exit $NATIVE_STATUS):" >&2
        cat "$out/native.err" >&2
        return 1
    fi
    diff -u --label "native stdout" --label "kiln stdout" "$out/native.out" "$out/kiln.out" >&2 ||
        { cat "$out/kiln.err" >&2; return 1; }
    if [ "$compare_stderr" = 1 ]; then
        diff -u --label "native stderr" --label "kiln stderr" "$out/native.err" "$out/kiln.err" >&2
    fi
    if [ "$NATIVE_STATUS" -ne "$kiln_status" ]; then
        echo "$program $*: exit $NATIVE_STATUS natively, $kiln_status under kiln" >&2
        cat "$out/kiln.err" >&2
        return 1
    fi
}

# busybox APPLET [ARGS...]: the applet on $ROOT's files, natively and
# under kiln, is the same
busybox() {
    same_as_native "${TREE[@]}" -- "$BUSYBOX" "$@"
}

@test "busybox sha256sum, wc and base64 read embedded files and a volume as on Linux" {
    busybox sha256sum data/a.txt vol/n.txt vol/b.txt
    busybox wc data/a.txt data/words.txt vol/n.txt
    busybox base64 vol/n.txt
}

@test "busybox sha256sum -c says FAILED and exits 1 for a changed file as on Linux" {
    busybox sha256sum -c vol/sums
    [ "$NATIVE_STATUS" -eq 1 ]
    grep -qx 'vol/b.txt: FAILED' "$BATS_TEST_TMPDIR/kiln.out"
}

@test "busybox sort, sed, awk and grep read embedded files and a volume as on Linux" {
    busybox sort -r data/a.txt vol/b.txt data/words.txt
    busybox sed -n 's/l\+/L/gp' data/a.txt vol/b.txt
    busybox awk '{ sum += $1; if ($1 % 1000 == 0) print NR ": " $1 } END { print sum, NR }' vol/n.txt
    busybox grep -n -e hello -e yellow data/a.txt vol/b.txt
}

# busybox gzip writes no name and a zero mtime in its header (it does so
# natively too), so the compressed bytes compare as they are.
@test "busybox gzip -c compresses to the bytes it makes natively; gunzip -c restores gzip's files" {
    busybox gzip -c data/a.txt vol/n.txt
    busybox gunzip -c data/n.txt.gz vol/words.txt.gz
    cmp "$BATS_TEST_TMPDIR/kiln.out" <(cat "$ROOT/vol/n.txt" "$ROOT/data/words.txt")
}

@test "a gcc -static glibc program prints and exits as on Linux" {
    same_as_native "${TREE[@]}" --env GREETING=hello -- \
        "$BATS_FILE_TMPDIR/glibc-static" data/words.txt "two words" ""
    [ "$NATIVE_STATUS" -eq 3 ]
    grep -qx "argv\[0\] = $BATS_FILE_TMPDIR/glibc-static" "$BATS_TEST_TMPDIR/kiln.out"
}

@test "a musl-gcc -static program prints and exits as on Linux, in --mem 64M" {
    same_as_native "${TREE[@]}" --mem 64M --env GREETING=musl -- \
        "$BATS_FILE_TMPDIR/musl-static" vol/text.txt
    [ "$NATIVE_STATUS" -eq 3 ]
}

@test "a gcc -static-pie program prints and exits as on Linux" {
    same_as_native "${TREE[@]}" --env GREETING=pie -- "$BATS_FILE_TMPDIR/static-pie" data/words.txt
    [ "$NATIVE_STATUS" -eq 3 ]
}

@test "a dynamic glibc PIE program runs through ld.so with its libraries as on Linux" {
    same_as_native "${TREE[@]}" --env GREETING=dynamic -- "$BATS_FILE_TMPDIR/dynamic" vol/text.txt
    [ "$NATIVE_STATUS" -eq 3 ]
}

@test "a Go program (CGO_ENABLED=0) with goroutines, channels and timers runs as on Linux" {
    command -v go >/dev/null ||
        skip "GO IS NOT INSTALLED: the Go program did not run (apt-get install golang-go, see .ci/deps)"
    # No -trimpath: the build then reuses the standard library Debian
    # ships compiled instead of compiling it (seconds, minutes in the VM).
    (cd "$PROGRAMS/go" && env HOME="$BATS_TEST_TMPDIR" GOPATH="$BATS_TEST_TMPDIR/go" \
        GOCACHE="$BATS_TEST_TMPDIR/go-cache" CGO_ENABLED=0 GOFLAGS= GOPROXY=off GOTOOLCHAIN=local \
        go build -buildvcs=false -o "$BATS_TEST_TMPDIR/goprogram" .)
    same_as_native "${TREE[@]}" -- "$BATS_TEST_TMPDIR/goprogram" vol/text.txt
    [ "$NATIVE_STATUS" -eq 3 ]
    grep -qx "the 4" "$BATS_TEST_TMPDIR/kiln.out"
}

@test "jq filters JSON from embedded files and a volume as on Linux" {
    [ -x /usr/bin/jq ] || skip "jq is not installed (apt-get install jq, see .ci/deps)"
    same_as_native "${TREE[@]}" -- /usr/bin/jq -S -s '
        [.[].people[]] | sort_by(.born)
        | map({name, age_in_2000: (2000 - .born), langs: (.langs | sort | join("+"))})
        | {count: length, oldest: .[0].name, everyone: ., ages: (map(.age_in_2000) | add)}' \
        data/people.json vol/more.json
    [ "$NATIVE_STATUS" -eq 0 ]
    # -e: a last output of null exits 1
    same_as_native "${TREE[@]}" -- /usr/bin/jq -e '.people[0].missing' vol/more.json
    [ "$NATIVE_STATUS" -eq 1 ]
}

# -B: neither run writes .pyc files, into the host's library either.
@test "python3 -c with its library in --files imports json, re and hashlib as on Linux" {
    local stdlib
    stdlib=$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
    same_as_native "${TREE[@]}" --files "$stdlib:$stdlib" -- /usr/bin/python3 -B -c '
import hashlib, json, re, sys
with open("data/people.json") as f:
    people = json.load(f)["people"]
text = ", ".join("%s (%d)" % (p["name"], p["born"]) for p in people)
print(text)
print(json.dumps({
    "sha256": hashlib.sha256(text.encode()).hexdigest(),
    "md5": hashlib.md5(text.encode()).hexdigest(),
    "years": re.findall(r"\d{4}", text),
    "names": sorted(re.findall(r"[A-Z][a-z]+", text)),
}, indent=1, sort_keys=True))
sys.exit(3)'
    [ "$NATIVE_STATUS" -eq 3 ]
}

# elf_header FILE CLASS TYPE MACHINE: only an ELF header (little-endian,
# version 1, no program or section headers), CLASS 1 (32-bit) or 2
# (64-bit), TYPE and MACHINE as numbers: enough for kiln to say what
# FILE is.
elf_header() {
    local file="$1" class="$2" type="$3" machine="$4" size=64 address=0000000000000000 hex
    [ "$class" = 1 ] && size=52 address=00000000
    hex=7f454c46$(printf %02x "$class")0101000000000000000000   # e_ident
    hex+=$(printf %02x00%02x0001000000 "$type" "$machine")      # e_type, e_machine, e_version
    hex+=$address$address$address                               # e_entry, e_phoff, e_shoff
    hex+=00000000$(printf %02x00 "$size")                       # e_flags, e_ehsize
    hex+=00000000000000000000                                   # no program or section headers
    printf '%b' "$(sed 's/../\\x&/g' <<<"$hex")" >"$file"
    [ "$(stat -c %s "$file")" -eq "$size" ]
}

# refused FILE MESSAGE: kiln run FILE exits 125 and kiln build --elf FILE
# exits 1 (writing no image), each with the one line "kiln: FILE: MESSAGE"
# on stderr and nothing on stdout.
refused() {
    local file="$1" message="$2" image="$BATS_TEST_TMPDIR/refused.kiln"
    run -125 --separate-stderr "$KILN" run "$file" -- an argument </dev/null
    assert_one_stderr_line
    [ "$stderr" = "kiln: $file: $message" ]
    [ -z "$output" ]
    run -1 --separate-stderr "$KILN" build --elf "$file" -o "$image" </dev/null
    assert_one_stderr_line
    [ "$stderr" = "kiln: $file: $message" ]
    [ -z "$output" ]
    [ ! -e "$image" ]
}

@test "a 32-bit ELF is refused in one line" {
    elf_header "$BATS_TEST_TMPDIR/i386" 1 2 3 # ET_EXEC, EM_386
    refused "$BATS_TEST_TMPDIR/i386" "a 32-bit ELF i386; kiln runs 64-bit x86-64 programs"
}

@test "an aarch64 program is refused in one line" {
    elf_header "$BATS_TEST_TMPDIR/arm64" 2 2 183 # ET_EXEC, EM_AARCH64
    refused "$BATS_TEST_TMPDIR/arm64" "a program for arm64, not x86-64"
}

@test "a core dump is refused in one line" {
    elf_header "$BATS_TEST_TMPDIR/core" 2 4 62 # ET_CORE, EM_X86_64
    refused "$BATS_TEST_TMPDIR/core" "a core dump, not a program"
}

@test "a kernel module is refused in one line" {
    gcc -c -x c -o "$BATS_TEST_TMPDIR/module.ko" - <<'C'
__attribute__((section(".modinfo"), used)) static const char license[] = "license=GPL";
int init_module(void) { return 0; }
C
    refused "$BATS_TEST_TMPDIR/module.ko" "a Linux kernel module, not a program"
}

@test "an object file is refused in one line" {
    echo 'int answer(void) { return 42; }' | gcc -c -x c -o "$BATS_TEST_TMPDIR/answer.o" -
    refused "$BATS_TEST_TMPDIR/answer.o" "an object file, not a program (link it first)"
}

@test "a shared library is refused in one line" {
    echo 'int answer(void) { return 42; }' |
        gcc -shared -fPIC -x c -o "$BATS_TEST_TMPDIR/libanswer.so" -
    refused "$BATS_TEST_TMPDIR/libanswer.so" "a shared library, not a program"
}

@test "kiln build --elf of a kiln image is refused in one line" {
    local image="$BATS_TEST_TMPDIR/hello.kiln"
    run -0 "$KILN" build "$REPO_ROOT/templates/hello/hello.c" -o "$image"
    run -1 --separate-stderr "$KILN" build --elf "$image" -o "$BATS_TEST_TMPDIR/again.kiln"
    assert_one_stderr_line
    [ "$stderr" = "kiln: $image: already a kiln image: kiln run boots it as it is" ]
    [ ! -e "$BATS_TEST_TMPDIR/again.kiln" ]
}

@test "kiln build --elf in two caches gives the same bytes; the image and a cached rerun run it" {
    local program="$BATS_FILE_TMPDIR/dynamic" one="$BATS_TEST_TMPDIR/one.kiln"
    KILN_CACHE_DIR="$BATS_TEST_TMPDIR/cache-one" run -0 "$KILN" build --elf "$program" -o "$one"
    KILN_CACHE_DIR="$BATS_TEST_TMPDIR/cache-two" run -0 "$KILN" build --elf "$program" \
        -o "$BATS_TEST_TMPDIR/two.kiln"
    cmp "$one" "$BATS_TEST_TMPDIR/two.kiln"

    # An image's program is named after the image: argv[0] is "one".
    local native_status=0
    # shellcheck disable=SC2016 # bash -c's own "$0" and "$@"
    (cd "$ROOT" && exec env -i GREETING=image bash -c 'exec -a one "$0" "$@"' "$program" \
        data/words.txt) >"$BATS_TEST_TMPDIR/native.out" </dev/null || native_status=$?
    [ "$native_status" -eq 3 ]
    run -3 --separate-stderr "$KILN" run -v "$ROOT/data:/data" -w / --env GREETING=image \
        "$one" -- data/words.txt </dev/null
    diff -u "$BATS_TEST_TMPDIR/native.out" - <<<"$output"
    [ -z "$stderr" ]

    export KILN_CACHE_DIR="$BATS_TEST_TMPDIR/cache-run"
    run -3 --separate-stderr "$KILN" run --verbose "$program" </dev/null
    assert_line_in "$stderr" "kiln: build cache: miss, no build of these sources with these flags, files and compiler yet"
    run -3 --separate-stderr "$KILN" run --verbose "$program" </dev/null
    grep -qx "kiln: build cache: hit, $KILN_CACHE_DIR/images/[0-9a-f]*\.kiln" <<<"$stderr"
    [[ "$stderr" != *musl-gcc* ]]
    grep -qx "argv\[0\] = $program" <<<"$output"
}

@test "a call kiln does not implement answers ENOSYS under --strace and the program goes on" {
    same_as_native --strace -- "$BATS_FILE_TMPDIR/enosys"
    [ "$NATIVE_STATUS" -eq 3 ]
    grep -qE '^io_uring_setup\(0, 0(, (0|0x[0-9a-f]+)){4}\) = -1 ENOSYS \(Function not implemented\)$' \
        "$BATS_TEST_TMPDIR/kiln.err"
    grep -qx 'exit_group(3) = ?' "$BATS_TEST_TMPDIR/kiln.err"
}
