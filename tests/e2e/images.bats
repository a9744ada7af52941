# Malformed images (forged from good ones by forge_image.py): each is
# refused with exit 125 and one line saying which check failed, before any
# VM exists; and ring-0 code a guest could smuggle into the exception stubs
# ends in one clear line, never in a hang or a dead kiln.

load helpers

setup_file() {
    build_guest null_deref
    "$KILN" build "$REPO_ROOT/templates/hello/hello.c" -o "$BATS_FILE_TMPDIR/hello.kiln"
}

# forged CASE FROM: FROM.kiln broken as CASE says; prints its path
forged() {
    python3 "$BATS_TEST_DIRNAME/forge_image.py" "$1" "$(guest "$2")" "$BATS_TEST_TMPDIR/$1.kiln"
    echo "$BATS_TEST_TMPDIR/$1.kiln"
}

# refused CASE PATTERN: the forged image is refused with one line, "kiln:
# IMAGE: " then PATTERN (a glob)
refused() {
    local image
    image=$(forged "$1" hello)
    run -125 --separate-stderr "$KILN" run "$image" </dev/null
    assert_one_stderr_line
    [ -z "$output" ]
    # shellcheck disable=SC2053
    [[ "$stderr" == "kiln: $image: "$2 ]] || { echo "unexpected: $stderr" >&2; return 1; }
}

# smuggled CASE STATUS PATTERN: a crashing guest whose exception stubs run
# CASE's ring-0 code ends with STATUS and one line, "kiln: IMAGE: " PATTERN
smuggled() {
    local image
    image=$(forged "$1" null_deref)
    run --separate-stderr "$KILN" run --timeout 1 "$image" </dev/null
    assert_not_signaled
    [ "$status" -eq "$2" ] || { echo "exit $status, expected $2: $stderr" >&2; return 1; }
    # shellcheck disable=SC2053
    [[ "${stderr_lines[0]}" == "kiln: $image: "$3 ]] ||
        { echo "unexpected: ${stderr_lines[0]}" >&2; return 1; }
}

@test "malformed image class-32: exit 125, one line" {
    refused class-32 "a 32-bit ELF file; kiln runs 64-bit x86-64 programs"
}

@test "malformed image big-endian: exit 125, one line" {
    refused big-endian "a big-endian ELF file, not an x86-64 program"
}

@test "malformed image machine-arm64: exit 125, one line" {
    refused machine-arm64 "built for ELF machine 183, not x86-64"
}

@test "malformed image type-dyn: exit 125, one line" {
    refused type-dyn "a position-independent or shared object, not a kiln image"
}

@test "malformed image type-rel: exit 125, one line" {
    refused type-rel "not an executable (ELF type 1)"
}

@test "malformed image phentsize: exit 125, one line" {
    refused phentsize "program header size 32, expected 56"
}

@test "malformed image phoff-past-end: exit 125, one line" {
    refused phoff-past-end "program headers lie past the end of the file"
}

@test "malformed image no-program-headers: exit 125, one line" {
    refused no-program-headers "no program headers"
}

@test "malformed image interp: exit 125, one line" {
    refused interp "dynamically linked; kiln images are static"
}

@test "malformed image dynamic: exit 125, one line" {
    refused dynamic "dynamically linked; kiln images are static"
}

@test "malformed image segment-in-first-mib: exit 125, one line" {
    refused segment-in-first-mib "segment 0: starts at 0x2000, inside the first MiB kiln reserves"
}

@test "malformed image segment-over-doorbell: exit 125, one line" {
    refused segment-over-doorbell "segment 1: 0x* bytes at 0xfffff000 end past guest memory"
}

@test "malformed image segment-past-ram: exit 125, one line" {
    refused segment-past-ram "segment 1: 0x* bytes at 0x200000000 end past guest memory"
}

@test "malformed image segments-overlap: exit 125, one line" {
    refused segments-overlap "segment 1 overlaps an earlier segment"
}

@test "malformed image huge-filesz: exit 125, one line" {
    refused huge-filesz "segment 0: 0x4000000000000000 bytes at 0x100000 end past guest memory"
}

@test "malformed image huge-memsz: exit 125, one line" {
    refused huge-memsz "segment 1: 0xffffffffffff0000 bytes at 0x* end past guest memory"
}

@test "malformed image filesz-over-memsz: exit 125, one line" {
    refused filesz-over-memsz "segment 1: file size 0x* exceeds memory size 0x1"
}

@test "malformed image entry-in-data: exit 125, one line" {
    refused entry-in-data "entry point 0x* is not in an executable segment"
}

@test "malformed image entry-zero: exit 125, one line" {
    refused entry-zero "entry point 0x0 is not in an executable segment"
}

@test "malformed image no-note: exit 125, one line" {
    refused no-note "no KILN note: not built by kiln build"
}

@test "malformed image note-abi: exit 125, one line" {
    refused note-abi "built for kiln ABI 99; this kiln runs ABI 5 (rebuild the image)"
}

@test "malformed image note-size: exit 125, one line" {
    refused note-size "KILN note of type 1 has 16 bytes, expected 48"
}

@test "malformed image note-mem: exit 125, one line" {
    refused note-mem "KILN note asks for 12345 bytes of memory, not a 2 MiB multiple between 16 MiB and 4 GiB"
}

@test "malformed image note-syscall-entry: exit 125, one line" {
    refused note-syscall-entry "syscall entry 0x0 is not in an executable segment"
}

@test "malformed image note-exceptions-in-data: exit 125, one line" {
    refused note-exceptions-in-data "exception entries 0x* are not in an executable segment"
}

@test "malformed image note-events-in-code: exit 125, one line" {
    refused note-events-in-code "events 0x* are not in a writable segment"
}

@test "malformed image big-bss: one that does not fit --mem is refused before a VM exists" {
    image=$(forged big-bss hello)
    run -125 --separate-stderr "$KILN" run --mem 16M "$image" </dev/null
    assert_one_stderr_line
    [[ "$stderr" == "kiln: $image: needs memory up to 0x"*", past the stack's guard page at 0x"*" (give it more with --mem)" ]]
    run -0 "$KILN" run "$image" </dev/null
}

@test "smuggled ring-0 code ring0-triple-fault: exit 126, a clear line" {
    smuggled ring0-triple-fault 126 "guest crashed: triple fault (the guest reset itself)"
}

@test "smuggled ring-0 code ring0-hlt: exit 126, a clear line" {
    smuggled ring0-hlt 126 "guest crashed: halted at ring 0"
}

@test "smuggled ring-0 code ring0-spin: exit 124, a clear line" {
    smuggled ring0-spin 124 "timed out after 1 s; the guest was stopped"
}

@test "smuggled ring-0 code ring0-port-out: exit 126, a clear line" {
    smuggled ring0-port-out 126 "guest crashed: a 1-byte out on port 0x80, which kiln does not serve"
}

@test "smuggled ring-0 code ring0-port-in: exit 126, a clear line" {
    smuggled ring0-port-in 126 "guest crashed: a 1-byte in on port 0x4b, which kiln does not serve"
}

@test "smuggled ring-0 code ring0-frame-outside-ram: exit 126, a clear line" {
    smuggled ring0-frame-outside-ram 126 "guest crashed: exception with its frame outside guest memory (rsp 0xfffffffffffffff0)"
}

@test "smuggled ring-0 code ring0-bogus-vector: exit 126, a clear line" {
    smuggled ring0-bogus-vector 126 "guest crashed: reserved exception at rip 0x* (vector 127, error code 0x*)"
}
