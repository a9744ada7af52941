# The monitor against a hostile guest (tests/guests/hostile.c): every bad
# address, doorbell misuse, forbidden instruction and runaway ends the run
# with a documented exit code and a clear report, and kiln never dies of a
# signal.  Addresses that depend on the build are matched loosely.

load helpers

setup_file() {
    "$KILN" build -I "$REPO_ROOT/include" "$GUESTS/hostile.c" -o "$BATS_FILE_TMPDIR/hostile.kiln"
}

# attack CASE STATUS PATTERN one|report: runs hostile CASE and checks kiln's
# exit status and the first stderr line, "kiln: IMAGE: guest crashed: "
# then PATTERN (a glob); "one" wants that line alone, "report" a crash
# report (registers and a backtrace) after it, "either" one of the two:
# where KVM back ends differ (a fetch from the doorbell is an internal
# error on PVM, #UD under SVM).
attack() {
    local image
    image=$(guest hostile)
    run --separate-stderr "$KILN" run --timeout 5 "$image" -- "$1" </dev/null
    assert_not_signaled
    [ "$status" -eq "$2" ] || { echo "exit $status, expected $2: $stderr" >&2; return 1; }
    [ -z "$output" ] || { echo "the guest went on: $output" >&2; return 1; }
    # shellcheck disable=SC2053
    [[ "${stderr_lines[0]}" == "kiln: $image: guest crashed: "$3 ]] ||
        { echo "unexpected report: ${stderr_lines[0]}" >&2; return 1; }
    case $4 in
    one) assert_one_stderr_line ;;
    report) assert_crash_report ;;
    either) [ "${#stderr_lines[@]}" -eq 1 ] || assert_crash_report ;;
    esac
}

# runaway CASE: a guest that never ends is stopped by --timeout: 124, one line
runaway() {
    local image
    image=$(guest hostile)
    run -124 --separate-stderr "$KILN" run --timeout 1 "$image" -- "$1" </dev/null
    assert_one_stderr_line
    [ "$stderr" = "kiln: $image: timed out after 1 s; the guest was stopped" ]
}

@test "hostile args-outside-ram-write: exit 126, one clear report" {
    attack args-outside-ram-write 126 "WRITE hypercall: argument block at 0xfffffff0 (32 bytes) is outside guest memory" one
}

@test "hostile args-outside-ram-read: exit 126, one clear report" {
    attack args-outside-ram-read 126 "READ hypercall: argument block at 0xfffffff0 (32 bytes) is outside guest memory" one
}

@test "hostile args-outside-ram-walltime: exit 126, one clear report" {
    attack args-outside-ram-walltime 126 "WALLTIME hypercall: argument block at 0xfffffff0 (8 bytes) is outside guest memory" one
}

@test "hostile args-outside-ram-sleep: exit 126, one clear report" {
    attack args-outside-ram-sleep 126 "SLEEP hypercall: argument block at 0xfffffff0 (8 bytes) is outside guest memory" one
}

@test "hostile args-outside-ram-exit: exit 126, one clear report" {
    attack args-outside-ram-exit 126 "EXIT hypercall: argument block at 0xfffffff0 (8 bytes) is outside guest memory" one
}

@test "hostile args-outside-ram-abort: exit 126, one clear report" {
    attack args-outside-ram-abort 126 "ABORT hypercall: argument block at 0xfffffff0 (32 bytes) is outside guest memory" one
}

@test "hostile args-straddle-end: exit 126, one clear report" {
    attack args-straddle-end 126 "WRITE hypercall: argument block at 0x7fffff0 (32 bytes) is outside guest memory" one
}

@test "hostile args-in-boot-info: exit 126, one clear report" {
    attack args-in-boot-info 126 "WALLTIME hypercall: argument block at 0x3000 (8 bytes) lies in the first MiB, which kiln reserves" one
}

@test "hostile args-at-zero: exit 126, one clear report" {
    attack args-at-zero 126 "SLEEP hypercall: argument block at 0x0 (8 bytes) lies in the first MiB, which kiln reserves" one
}

@test "hostile args-misaligned: exit 126, one clear report" {
    attack args-misaligned 126 "EXIT hypercall: argument block at 0x*[13579bdf] is not 4-byte aligned" one
}

@test "hostile buffer-wraps: exit 126, one clear report" {
    attack buffer-wraps 126 "WRITE hypercall: buffer at 0xfffffffffffffff8 (16 bytes) is outside guest memory" one
}

@test "hostile buffer-huge: exit 126, one clear report" {
    attack buffer-huge 126 "WRITE hypercall: buffer at 0x* (18446744073709551615 bytes) is outside guest memory" one
}

@test "hostile buffer-straddle-end: exit 126, one clear report" {
    attack buffer-straddle-end 126 "WRITE hypercall: buffer at 0x7fffff8 (16 bytes) is outside guest memory" one
}

@test "hostile buffer-in-doorbell: exit 126, one clear report" {
    attack buffer-in-doorbell 126 "WRITE hypercall: buffer at 0x100000000 (4 bytes) is outside guest memory" one
}

@test "hostile read-into-page-tables: exit 126, one clear report" {
    attack read-into-page-tables 126 "READ hypercall: buffer at 0x10000 (4096 bytes) lies in the first MiB, which kiln reserves" one
}

@test "hostile read-into-boot-info: exit 126, one clear report" {
    attack read-into-boot-info 126 "READ hypercall: buffer at 0x3000 (128 bytes) lies in the first MiB, which kiln reserves" one
}

@test "hostile unknown-hypercall: exit 126, one clear report" {
    attack unknown-hypercall 126 "unknown hypercall 21 (argument block 0x*)" one
}

@test "hostile last-doorbell-slot: exit 126, one clear report" {
    attack last-doorbell-slot 126 "unknown hypercall 524287 (argument block 0x0)" one
}

@test "hostile doorbell-read: exit 126, one clear report" {
    attack doorbell-read 126 "malformed doorbell access at 0x100000000: a 4-byte read (a call is an aligned 4-byte write)" one
}

@test "hostile doorbell-misaligned: exit 126, one clear report" {
    attack doorbell-misaligned 126 "malformed doorbell access at 0x100000002: a 4-byte write (a call is an aligned 4-byte write)" one
}

@test "hostile doorbell-wide: exit 126, one clear report" {
    attack doorbell-wide 126 "malformed doorbell access at 0x100000000: a 8-byte write (a call is an aligned 4-byte write)" one
}

@test "hostile doorbell-byte: exit 126, one clear report" {
    attack doorbell-byte 126 "malformed doorbell access at 0x100000000: a 1-byte write (a call is an aligned 4-byte write)" one
}

@test "hostile past-doorbell-page: exit 126, one clear report" {
    attack past-doorbell-page 126 "page fault (#PF) at rip 0x*, address 0x100200000 (write, page not present)" report
}

@test "hostile store-straddles-ram-and-doorbell: exit 126, one clear report" {
    attack store-straddles-ram-and-doorbell 126 "page fault (#PF) at rip 0x*, address 0x8000000 (write, page not present)" report
}

@test "hostile exec-doorbell: exit 126, one clear report" {
    attack exec-doorbell 126 "*" either
}

@test "hostile exec-stack: exit 126, one clear report" {
    attack exec-stack 126 "page fault (#PF) at rip 0x7fff*, address 0x7fff* (instruction fetch, protection violation)" report
}

@test "hostile call-null: exit 126, one clear report" {
    attack call-null 126 "page fault (#PF) at rip 0x0, address 0x0 (instruction fetch, page not present)" report
}

@test "hostile write-boot-info: exit 126, one clear report" {
    attack write-boot-info 126 "page fault (#PF) at rip 0x*, address 0x3000 (write, protection violation)" report
}

@test "hostile write-first-mib: exit 126, one clear report" {
    attack write-first-mib 126 "page fault (#PF) at rip 0x*, address 0x2000 (write, protection violation)" report
}

@test "hostile read-page-tables: exit 126, one clear report" {
    attack read-page-tables 126 "page fault (#PF) at rip 0x*, address 0x10000 (read, protection violation)" report
}

@test "hostile read-past-ram: exit 126, one clear report" {
    attack read-past-ram 126 "page fault (#PF) at rip 0x*, address 0x8000000 (read, page not present)" report
}

@test "hostile hlt: exit 126, one clear report" {
    attack hlt 126 "general protection fault (#GP) at rip 0x* (vector 13, error code 0x0)" report
}

@test "hostile cli: exit 126, one clear report" {
    attack cli 126 "general protection fault (#GP) at rip 0x* (vector 13, error code 0x0)" report
}

@test "hostile port-out: exit 126, one clear report" {
    attack port-out 126 "general protection fault (#GP) at rip 0x* (vector 13, error code 0x0)" report
}

@test "hostile port-in: exit 126, one clear report" {
    attack port-in 126 "general protection fault (#GP) at rip 0x* (vector 13, error code 0x0)" report
}

@test "hostile int3: exit 126, one clear report" {
    attack int3 126 "breakpoint (#BP) at rip 0x* (vector 3, error code 0x0)" report
}

@test "hostile ud2: exit 126, one clear report" {
    attack ud2 126 "invalid opcode (#UD) at rip 0x* (vector 6, error code 0x0)" report
}

@test "hostile int80: exit 126, one clear report" {
    attack int80 126 "* at rip 0x* (vector *, error code 0x*)" report
}

@test "hostile divide-by-zero: exit 126, one clear report" {
    attack divide-by-zero 126 "divide error (#DE) at rip 0x* (vector 0, error code 0x0)" report
}

@test "hostile rdmsr: exit 126, one clear report" {
    attack rdmsr 126 "general protection fault (#GP) at rip 0x* (vector 13, error code 0x0)" report
}

@test "hostile write-cr3: exit 126, one clear report" {
    attack write-cr3 126 "general protection fault (#GP) at rip 0x* (vector 13, error code 0x0)" report
}

@test "hostile syscall-without-stack: exit 126, one clear report" {
    attack syscall-without-stack 126 "page fault (#PF) at rip 0x*, address 0x* (write, page not present)" report
}

@test "hostile abort-unknown-signal: exit 126, one clear report" {
    attack abort-unknown-signal 126 "killed by signal 9999 (Unknown signal 9999) at rip 0x0" report
}

@test "hostile abort-looping-frames: exit 126, one clear report" {
    attack abort-looping-frames 126 "the runtime aborted (reason 77, code 1) at rip 0xffffffffffffffff" report
}

@test "hostile abort-wrapping-frames: exit 126, one clear report" {
    attack abort-wrapping-frames 126 "killed by signal 6 (Aborted) at rip 0x0" report
}

@test "hostile ready-outside-serve: exit 126, one clear report" {
    attack ready-outside-serve 126 "READY hypercall outside kiln serve" one
}

@test "hostile ready-outside-serve under --trace-boot: the trace names READY" {
    run -126 --separate-stderr "$KILN" run --trace-boot "$(guest hostile)" -- ready-outside-serve \
        </dev/null
    [[ "$stderr" == *"exits: "*", READY 1"* ]]
    [[ "$stderr" != *"(null)"* ]]
}

@test "hostile exit-status-garbage: only the low 8 bits of the status count" {
    run -42 --separate-stderr "$KILN" run "$(guest hostile)" -- exit-status-garbage </dev/null
    [ -z "$stderr" ]
}

@test "hostile walltime-forever: --timeout stops it with 124 and one line" {
    runaway walltime-forever
}

@test "hostile sleep-forever: --timeout stops it with 124 and one line" {
    runaway sleep-forever
}

@test "hostile read-forever: --timeout stops it with 124 and one line" {
    runaway read-forever
}
