# kiln build moves the code right before each SYSCALL of a program into a
# trampoline that runs it and enters the runtime without leaving ring 3,
# and jumps there instead (builder/syscall_sites.c): what it leaves in the
# image, and that programs act as they did, and as on Linux, through the
# rewritten sites.  How much faster the calls are is tests/bench/syscalls'
# to say.

load helpers

# What .kiln_trampolines holds (runtime/kiln.ld): 8 KiB of 40-byte ones.
TRAMPOLINES=204

setup_file() {
    build_guest syscall_sites
    build_guest files
    build_guest futex_pingpong
    "$KILN" build "$REPO_ROOT/templates/hello/hello.c" -o "$BATS_FILE_TMPDIR/hello.kiln"
    musl-gcc -static -O2 -o "$BATS_FILE_TMPDIR/syscall_sites-native" "$GUESTS/syscall_sites.c"
    musl-gcc -static -O1 -o "$BATS_FILE_TMPDIR/files-native" "$GUESTS/files.c"
}

# sites_left IMAGE: each `mov $N,%eax` that objdump finds right before a
# `syscall`, at instruction boundaries as it decodes them
sites_left() {
    objdump -d "$1" | awk '/\tmov +\$0x[0-9a-f]+,%eax *$/ { mov = $0; next }
                           /\tsyscall *$/ && mov != "" { print mov }
                           { mov = "" }'
}

# slow_sites IMAGE: for each SYSCALL that no jump to a trampoline comes
# before (int3 padding aside), the function it is in
slow_sites() {
    objdump -d "$1" | awk '/>:$/ { name = $2; last = ""; next }
                           /\tint3 *$/ { next }
                           /\tsyscall *$/ && last !~ /jmp .*<__kiln_trampolines_start/ { print name }
                           /\t/ { last = $0 }'
}

# rewritten IMAGE: the functions that jump to a trampoline, one a line
rewritten() {
    objdump -d "$1" | awk '/>:$/ { name = $2 } /\tjmp .*<__kiln_trampolines_start/ { print name }' |
        sort -u
}

# same_as_linux NATIVE IMAGE ARGS...: the lines the program prints natively
# and under kiln (with nothing on stderr) are the same
same_as_linux() {
    local native="$1" image="$2"
    shift 2
    "$native" "$@" >"$BATS_TEST_TMPDIR/native.out" 2>&1
    run -0 --separate-stderr "$KILN" run --timeout 20 "$image" -- "$@" </dev/null
    [ -z "$stderr" ] || { echo "$stderr" >&2; return 1; }
    diff -u "$BATS_TEST_TMPDIR/native.out" - <<<"$output"
}

@test "no mov \$nr, %eax right before a syscall is left in hello's code" {
    [ -z "$(sites_left "$BATS_FILE_TMPDIR/hello.kiln")" ]
    [ -n "$(rewritten "$BATS_FILE_TMPDIR/hello.kiln")" ]
}

@test "hello's writev and its locks' futex calls are rewritten" {
    local names
    names=$(rewritten "$BATS_FILE_TMPDIR/hello.kiln")
    for function in __stdio_write __lock __unlock __lockfile __unlockfile; do
        assert_line_in "$names" "<$function>:"
    done
}

@test "kiln build -v says how many sites it rewrote, and without -v nothing" {
    export KILN_CACHE_DIR="$BATS_TEST_TMPDIR/verbose"
    run -0 --separate-stderr "$KILN" build -v "$REPO_ROOT/templates/hello/hello.c" \
        -o "$BATS_TEST_TMPDIR/hello.kiln"
    local line jumps slow
    line=$(grep '^kiln: system calls: ' <<<"$stderr")
    jumps=$(objdump -d "$BATS_TEST_TMPDIR/hello.kiln" | grep -c $'\tjmp .*<__kiln_trampolines_start')
    slow=$(slow_sites "$BATS_TEST_TMPDIR/hello.kiln" | wc -l)
    [[ "$line" == "kiln: system calls: $jumps of $((jumps + slow)) sites stay in ring 3; the others enter ring 0: $slow with no code before them that can move, 0 past a full .kiln_trampolines" ]]
    export KILN_CACHE_DIR="$BATS_TEST_TMPDIR/quiet"
    run -0 --separate-stderr "$KILN" build "$REPO_ROOT/templates/hello/hello.c" \
        -o "$BATS_TEST_TMPDIR/hello.kiln"
    [ -z "$stderr" ]
}

@test "the same sources build to the same bytes, rewritten alike" {
    KILN_CACHE_DIR="$BATS_TEST_TMPDIR/one" "$KILN" build "$GUESTS/syscall_sites.c" \
        -o "$BATS_TEST_TMPDIR/one.kiln"
    KILN_CACHE_DIR="$BATS_TEST_TMPDIR/two" "$KILN" build "$GUESTS/syscall_sites.c" \
        -o "$BATS_TEST_TMPDIR/two.kiln"
    cmp "$BATS_TEST_TMPDIR/one.kiln" "$BATS_TEST_TMPDIR/two.kiln"
}

@test "hello prints Hello through its rewritten sites" {
    run -0 --separate-stderr "$KILN" run "$BATS_FILE_TMPDIR/hello.kiln" </dev/null
    assert_line_in "$output" "Hello from kiln!"
    [ -z "$stderr" ]
}

@test "failing calls through rewritten sites give Linux's errno" {
    local names
    names=$(rewritten "$(guest syscall_sites)")
    for function in unlink rmdir chdir access mkdir dup; do
        assert_line_in "$names" "<$function>:"
    done
    same_as_linux "$BATS_FILE_TMPDIR/syscall_sites-native" "$(guest syscall_sites)" errors
}

@test "a jump straight to a rewritten site's syscall still makes the call in EAX" {
    same_as_linux "$BATS_FILE_TMPDIR/syscall_sites-native" "$(guest syscall_sites)" branch
}

@test "a rewritten call keeps the registers and the red zone as SYSCALL does" {
    same_as_linux "$BATS_FILE_TMPDIR/syscall_sites-native" "$(guest syscall_sites)" registers
}

@test "a signal handler returns through the rewritten __restore_rt as on Linux" {
    assert_line_in "$(rewritten "$(guest syscall_sites)")" "<__restore_rt>:"
    same_as_linux "$BATS_FILE_TMPDIR/syscall_sites-native" "$(guest syscall_sites)" signal
}

@test "pthread_cancel ends a thread blocked in read() through the rewritten __syscall_cp_asm" {
    assert_line_in "$(rewritten "$(guest syscall_sites)")" "<__syscall_cp_asm>:"
    same_as_linux "$BATS_FILE_TMPDIR/syscall_sites-native" "$(guest syscall_sites)" cancel
}

@test "two threads pass a ball through futexes made by the rewritten syscall()" {
    assert_line_in "$(rewritten "$(guest futex_pingpong)")" "<syscall>:"
    run_guest futex_pingpong 2000
    [[ "$output" == "2000 round trips in "* ]]
}

@test "files are made, read and refused as on Linux through rewritten sites" {
    for case in create-read errors; do
        "$BATS_FILE_TMPDIR/files-native" "$case" "$BATS_TEST_TMPDIR/$case" \
            >"$BATS_TEST_TMPDIR/$case.native" 2>&1
        run -0 "$KILN" run --timeout 20 "$(guest files)" -- "$case" /tmp/t </dev/null
        diff -u "$BATS_TEST_TMPDIR/$case.native" - <<<"$output"
    done
}

@test "sites past a full trampoline area stay as they were and still work" {
    local source="$BATS_TEST_TMPDIR/many_sites.c" sites=$((TRAMPOLINES + 50)) i
    {
        echo '#include <stdio.h>'
        echo '#include <unistd.h>'
        echo 'int main(void) {'
        echo '    long pid = getpid(), same = 0, r;'
        for ((i = 0; i < sites; i++)); do
            echo '    __asm__ volatile("mov $39, %%eax\n\tsyscall" : "=a"(r) : : "rcx", "r11", "memory");'
            echo '    same += r == pid;'
        done
        echo '    printf("%ld of '"$sites"' calls gave the pid\n", same);'
        echo '}'
    } >"$source"
    run -0 --separate-stderr "$KILN" build -v "$source" -o "$BATS_TEST_TMPDIR/many.kiln"
    local line
    line=$(grep '^kiln: system calls: ' <<<"$stderr")
    [[ "$line" == "kiln: system calls: $TRAMPOLINES of "*" sites stay in ring 3; the others enter ring 0: "*" with no code before them that can move, "*" past a full .kiln_trampolines" ]]
    local found=${line#kiln: system calls: $TRAMPOLINES of }
    found=${found%% *}
    [ "$(slow_sites "$BATS_TEST_TMPDIR/many.kiln" | wc -l)" -eq $((found - TRAMPOLINES)) ]
    [ "$(sites_left "$BATS_TEST_TMPDIR/many.kiln" | wc -l)" -ge $((sites - TRAMPOLINES)) ]
    run -0 "$KILN" run --timeout 20 "$BATS_TEST_TMPDIR/many.kiln" </dev/null
    [ "$output" = "$sites of $sites calls gave the pid" ]
}
