# gcc's own flags on kiln build's and kiln run's lines, as a C project's
# build passes them: taken in order, part of the build cache's key, the
# few no image can honour refused in one line, and a link that lacks
# symbols answered in one line.

load helpers

setup() {
    export KILN_CACHE_DIR="$BATS_TEST_TMPDIR/cache"
    mkdir -p "$BATS_TEST_TMPDIR/app/sys"
    cd "$BATS_TEST_TMPDIR/app"
    cat >app.c <<'SRC'
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <sysdir.h>

static void *in_thread(void *arg)
{
    puts(arg);
    return NULL;
}

int main(void)
{
    volatile int one = 1;
    pthread_t thread;
    printf("%ld\n", __STDC_VERSION__);
    puts(FROM_INCLUDE);
#ifdef X
    puts("X defined");
#else
    puts("X undefined");
#endif
    puts(SYS_GREETING);
    printf("%d\n", INT_MAX + one);
    pthread_create(&thread, NULL, in_thread, "thread ran");
    pthread_join(thread, NULL);
    return 0;
}
SRC
    echo '#define FROM_INCLUDE "included"' >hdr.h
    # -Wall -Werror would refuse this unused function outside a system folder.
    cat >sys/sysdir.h <<'SRC'
#define SYS_GREETING "system header"
static int sys_unused(void) { return 0; }
SRC
}

FLAGS=(-std=c99 -fwrapv -Wall -Werror -g -O0 -DX -UX -include hdr.h -isystem sys -pthread
    -Wl,--gc-sections)

EXPECTED="199901
included
X undefined
system header
-2147483648
thread ran"

@test "a program built with a project's flags runs and prints what it should" {
    run -0 --separate-stderr "$KILN" build "${FLAGS[@]}" app.c -o app.kiln
    [ -z "$stderr" ]
    run -0 --separate-stderr "$KILN" run --timeout 20 app.kiln </dev/null
    assert_output "$EXPECTED"
}

@test "kiln run app.c takes the same flags" {
    run -0 --separate-stderr "$KILN" run --timeout 20 "${FLAGS[@]}" app.c </dev/null
    assert_output "$EXPECTED"
}

@test "-Werror fails the build on a warning with gcc's message" {
    echo 'int main(void) { int unused; return 0; }' >warn.c
    run -1 --separate-stderr "$KILN" build -Wall -Werror warn.c -o warn.kiln
    [[ "$stderr" == *"error: unused variable"*"[-Werror=unused-variable]"* ]]
    [ ! -e warn.kiln ]
}

@test "each flag no image can honour is refused in one line, exit 2" {
    local flag
    for flag in -shared -fPIC -fpic -fPIE -fpie -pie -static-pie -m32 -mx32 -Wl,-shared \
        -Wl,-pie -Wl,--dynamic-linker=/lib/ld-musl-x86_64.so.1 -Wl,-Ttext=0x400000 \
        -Wl,-T,app.ld -Wl,-e,main -Wl,-s; do
        run -2 --separate-stderr "$KILN" build "$flag" app.c -o app.kiln
        assert_one_stderr_line
        [[ "${stderr_lines[0]}" == "kiln: build: $flag: "* ]]
        [ ! -e app.kiln ]
    done
}

@test "kiln run refuses them as it refuses any bad usage, exit 125" {
    run -125 --separate-stderr "$KILN" run -fPIC app.c </dev/null
    assert_one_stderr_line
    [[ "${stderr_lines[0]}" == "kiln: run: -fPIC: "* ]]
}

@test "an unknown option is still refused" {
    run -2 --separate-stderr "$KILN" build -Wall app.c --frobnicate
    assert_one_stderr_line
    [ "${stderr_lines[0]}" = 'kiln: build: unknown option "--frobnicate" (see kiln build --help)' ]
}

@test "changing only -fwrapv misses the build cache, and says why" {
    run -0 --separate-stderr "$KILN" build -v "${FLAGS[@]}" app.c -o app.kiln
    local without=()
    for flag in "${FLAGS[@]}"; do
        [ "$flag" = -fwrapv ] || without+=("$flag")
    done
    run -0 --separate-stderr "$KILN" build -v "${without[@]}" app.c -o app.kiln
    [ "${stderr_lines[0]}" = "kiln: build cache: miss, no build of these sources with these flags, files and compiler yet" ]
    run -0 --separate-stderr "$KILN" build -v "${FLAGS[@]}" app.c -o app.kiln
    [[ "${stderr_lines[0]}" == "kiln: build cache: hit, "* ]]
}

@test "changing only a linker option misses the build cache" {
    "$KILN" build -isystem sys -include hdr.h app.c -o app.kiln
    run -0 --separate-stderr "$KILN" build -v -isystem sys -include hdr.h -Wl,--gc-sections \
        app.c -o app.kiln
    [[ "${stderr_lines[0]}" == "kiln: build cache: miss, no build of these sources"* ]]
}

@test "kiln build -g -O0 keeps the debug info readelf shows" {
    "$KILN" build "${FLAGS[@]}" app.c -o app.kiln
    readelf --debug-dump=info app.kiln | grep -q 'DW_AT_name .*: app\.c$'
    readelf --debug-dump=decodedline app.kiln | grep -q '^app\.c  *[0-9][0-9]*  *0x'
}

@test "the same flags with -g give the same image bytes in another folder" {
    "$KILN" build "${FLAGS[@]}" app.c -o app.kiln
    cp -r "$BATS_TEST_TMPDIR/app" "$BATS_TEST_TMPDIR/elsewhere"
    cd "$BATS_TEST_TMPDIR/elsewhere"
    KILN_CACHE_DIR="$BATS_TEST_TMPDIR/other-cache" "$KILN" build "${FLAGS[@]}" app.c -o app.kiln
    cmp "$BATS_TEST_TMPDIR/app/app.kiln" app.kiln
}

@test "an archive from -L is linked, and rebuilding it misses the cache" {
    mkdir lib
    echo 'const char *greeting(void) { return "first"; }' >greeting.c
    musl-gcc -c greeting.c -o greeting.o && ar rcs lib/libgreeting.a greeting.o
    cat >hello.c <<'SRC'
#include <stdio.h>
const char *greeting(void);
int main(void) { puts(greeting()); return 0; }
SRC
    run -0 "$KILN" run -L lib -lgreeting hello.c </dev/null
    [ "$output" = first ]
    sed -i s/first/second/ greeting.c
    musl-gcc -c greeting.c -o greeting.o && ar rcs lib/libgreeting.a greeting.o
    run -0 "$KILN" run -L lib -lgreeting hello.c </dev/null
    [ "$output" = second ]
}

@test "undefined symbols are named in one line after the linker's messages" {
    cat >missing.c <<'SRC'
void my_missing_function(void);
int main(void) { my_missing_function(); return 0; }
SRC
    run -1 --separate-stderr "$KILN" build missing.c -o missing.kiln
    [[ "$stderr" == *"undefined reference to \`my_missing_function'"* ]]
    [ "${stderr_lines[-1]}" = "kiln: undefined symbols: my_missing_function" ]
}

@test "a symbol musl lacks comes with a hint" {
    cat >trace.c <<'SRC'
int backtrace(void **buffer, int size);
int main(void) { void *frames[4]; return backtrace(frames, 4); }
SRC
    run -1 --separate-stderr "$KILN" build trace.c -o trace.kiln
    [ "${stderr_lines[-1]}" = "kiln: undefined symbols: backtrace (backtrace: glibc's execinfo.h; musl has none)" ]
}

@test "dlopen links, and fails at run time with musl's reason" {
    cat >dl.c <<'SRC'
#include <dlfcn.h>
#include <stdio.h>
int main(void)
{
    void *lib = dlopen("libm.so", RTLD_NOW);
    puts(lib != NULL ? "loaded" : dlerror());
    return 0;
}
SRC
    run -0 --separate-stderr "$KILN" run --timeout 20 dl.c </dev/null
    [ "$output" = "Dynamic loading not supported" ]
}
