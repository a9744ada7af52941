#include "help.h"

#include <stdbool.h>
#include <string.h>

#include <kiln/abi.h>

#include "commands.h"
#include "common/report.h"
#include "exit_codes.h"
#include "option_values.h"
#include "options.h"
#include "serve_options.h"

#define SIZE_TEXT 32

struct mem_sizes {
    char min[SIZE_TEXT], max[SIZE_TEXT], fallback[SIZE_TEXT];
};

static void mem_sizes(struct mem_sizes *sizes)
{
    format_size(KILN_MEM_MIN, sizes->min, sizeof sizes->min);
    format_size(KILN_MEM_MAX, sizes->max, sizeof sizes->max);
    format_size(KILN_MEM_DEFAULT, sizes->fallback, sizeof sizes->fallback);
}

static void print_kiln(FILE *out)
{
    fputs("kiln builds a C program into a microVM image and boots it under KVM.\n"
          "\n"
          "Usage:\n"
          "  kiln build [OPTIONS] FILE.c... [-o IMAGE]   compile and link an image\n"
          "  kiln run [OPTIONS] IMAGE.kiln [-- ARGS...]  boot an image, run it to its end\n"
          "  kiln run [OPTIONS] FILE.c... [-- ARGS...]   build, then boot\n"
          "  kiln run [OPTIONS] PROGRAM [-- ARGS...]     run a Linux x86-64 program as it is\n"
          "                                              (static or dynamic), no rebuild\n"
          "  kiln cc GCC-ARGS...                         gcc's command line for make, CMake,\n"
          "                                              ./configure (also kiln-cc)\n"
          "  kiln serve --route /PATH=IMAGE|APP.c ...    serve HTTP, a fresh VM per request\n"
          "  kiln serve --functions DIR                  serve every function in DIR\n"
          "  kiln test [OPTIONS] TEST... [-- ARGS...]    run test programs, each in a VM of\n"
          "                                              its own, results cached by content\n"
          "  kiln new TEMPLATE DIR                       start an app from a template\n"
          "  kiln inspect IMAGE [--json]                 what an image is and the files\n"
          "                                              it carries\n"
          "  kiln pack IMAGE -t NAME[:TAG] -o FILE.tar   an OCI image of IMAGE, for podman\n"
          "                                              load and ctr image import\n"
          "  kiln cache path|ls|clean                    where the cache is, what it holds,\n"
          "                                              empty it\n"
          "  kiln version                                print kiln's version\n"
          "  kiln help [COMMAND]                         this help, or COMMAND's\n"
          "\n"
          "Exit codes:\n"
          "  kiln build  0 the image was written, 1 the build failed, 2 bad usage\n"
          "  kiln cc     musl-gcc's status when it compiles; when it links: 0 the image\n"
          "              was written, 1 the link failed, 2 a flag no image can honour\n"
          "  kiln run    the program's own exit status (0-255), 124 it timed out,\n"
          "              125 kiln could not run it (bad image, bad usage, failed build),\n"
          "              126 the program crashed\n"
          "  kiln serve  0 after SIGINT or SIGTERM, 1 it could not start, 2 bad usage,\n"
          "              125 no usable /dev/kvm\n"
          "  kiln test   0 no test failed, 1 a test failed, 125 kiln could not run the\n"
          "              suite (bad usage, a missing test, no usable KVM)\n"
          "\n"
          "Sizes are bytes, or a number with K, M or G (binary: 1K = 1024),\n"
          "optionally followed by B or iB: 64M, 512MiB, 1G.\n"
          "\n"
          "See kiln help COMMAND for each command's options.\n",
          out);
}

/* kiln run's -w is its --workdir, so gcc's -w is kiln build's alone. */
static void print_compiler_flags(FILE *out, bool gcc_w)
{
    fprintf(out,
            "  -std=STD, -f..., -W... (-Werror too)%s, -g..., -m..., -U NAME,\n"
            "  -include FILE, -isystem DIR\n"
            "                   gcc's compile flags, passed on in the order given\n"
            "  -L DIR, -Wl,...  gcc's link flags, passed on in the order given\n"
            "  -pthread         to the compile and the link\n",
            gcc_w ? ", -w" : "");
}

/* verbose: how the command spells the option ("-v"), or NULL where the
 * command lists it with its own options (kiln run's says more). */
static void print_compile_options(FILE *out, const char *verbose, bool gcc_w)
{
    fputs("  -I DIR           add DIR to the include path\n"
          "  -D NAME[=VALUE]  define a macro\n"
          "  -O LEVEL         optimize: 0, 1, 2 (the default), 3, s or g\n"
          "  -l NAME          link with library NAME (e.g. -lm)\n",
          out);
    print_compiler_flags(out, gcc_w);
    if (verbose != NULL)
        fprintf(out,
                "  %-16s say whether the caches had the image, or why not,\n"
                "                   and print the compiler's command lines\n",
                verbose);
    fputs("  --files PATH[:GUEST_DIR]\n"
          "                   embed the folder or archive PATH (tar, tar.gz, zip,\n"
          "                   cpio, 7z, ...) read-only under GUEST_DIR (default /;\n"
          "                   repeatable; split at the last ':')\n",
          out);
}

static void print_build(FILE *out)
{
    struct mem_sizes sizes;
    mem_sizes(&sizes);
    fputs("Usage: kiln build [OPTIONS] FILE.c... [-o IMAGE]\n"
          "       kiln build [OPTIONS] --elf PROGRAM [-o IMAGE]\n"
          "\n"
          "Compiles and links the C sources with musl and kiln's runtime into one\n"
          "bootable image, a static ELF.  The compiler's messages appear unchanged.\n"
          "The build cache keeps every image by the hash of what went into it, so\n"
          "building unchanged sources again compiles nothing (see kiln cache).\n"
          "The same sources and flags give the same image bytes in any folder.\n"
          "\n"
          "Files given with --files are embedded normalized: sorted, without times\n"
          "or owners, with their permission bits, symlinks and hard links; the same\n"
          "tree gives the same image from a folder or from any archive.  GUEST_DIR\n"
          "and the folders no source names are 0755.  A zip entry without unix modes\n"
          "is 0664 (a folder 0775), less write bits when marked read-only.  Two\n"
          "sources may share folders, not files.  Devices, fifos and sockets, names\n"
          "with \"..\", absolute names, names over 255 bytes and paths over 4095\n"
          "bytes are refused.\n"
          "\n"
          "gcc's flags go to musl-gcc in the order given, after kiln's own\n"
          "(-static -no-pie -O2 -fno-omit-frame-pointer); kiln's link settings\n"
          "(its linker script, no build ID) come after -Wl's.  Refused in one\n"
          "line, as no image can honour them: -shared, -fPIC, -fpic, -fPIE, -fpie,\n"
          "-pie, -static-pie (an image is static, linked at 1 MiB), -m32, -mx32,\n"
          "-m16 (it is x86-64); and among -Wl's options -shared, -Bshareable,\n"
          "-Bdynamic, -dy, -call_shared, --dynamic-linker, -pie, -T..., --script,\n"
          "--default-script, --section-start, --image-base, --oformat, -e, --entry\n"
          "(runtime/kiln.ld lays out the image and starts it), -r, -s and\n"
          "--strip-all (kiln reads the image's symbol table).  A link that fails\n"
          "for symbols no object, library, musl or the runtime defines ends with\n"
          "one line naming them, with a hint for those musl lacks.\n"
          "\n"
          "With --elf, the image holds a Linux x86-64 program kiln did not link,\n"
          "unchanged: static, static-PIE or dynamic, with its own libc.  It runs at\n"
          "ring 3 beside kiln's runtime, which answers its system calls.  For a\n"
          "dynamic program, its interpreter and the shared libraries it needs, and\n"
          "those that shared objects among --files need, are embedded at the paths\n"
          "where this machine's loader finds them.  A file that is no x86-64\n"
          "program (32-bit, another machine, a core dump, a kernel module, an\n"
          "object file, a shared library) is refused in one line.\n"
          "\n"
          "Options:\n"
          "  -o IMAGE         write the image to IMAGE (default: the first source's\n"
          "                   or the program's name with .kiln, in the current\n"
          "                   directory)\n"
          "  --elf PROGRAM    build an image of PROGRAM, a Linux program, as it is\n"
          "                   (guest memory: 1G unless --mem)\n",
          out);
    print_compile_options(out, "-v", true);
    fprintf(out,
            "  --mem SIZE       the image's guest memory (default %s; %s to %s,\n"
            "                   rounded up to a multiple of 2M)\n"
            "  -h, --help       show this help\n"
            "\n"
            "Exit codes:\n"
            "  0  the image was written\n"
            "  1  the build failed: compiler or linker errors, a missing source,\n"
            "     runtime or compiler, files that cannot be embedded\n"
            "  2  bad usage\n",
            sizes.fallback, sizes.min, sizes.max);
}

/* kiln test takes -v and -w as kiln run does; --tmpfs is kiln run's. */
static void print_run_volumes(FILE *out, bool tmpfs)
{
    fprintf(out,
            "  -v, --volume HOST_DIR:GUEST_DIR[:ro|:rw]\n"
            "                   let the program use the host folder HOST_DIR as\n"
            "                   GUEST_DIR (absolute; repeatable, at most %d, none\n"
            "                   inside another but in one at /); every path resolves\n"
            "                   beneath HOST_DIR, whatever its .. and symlinks say;\n"
            "                   :ro refuses writes with EROFS.  A volume at / is the\n"
            "                   root file system: it gets every path no other volume\n"
            "                   and none of the image's own files name\n",
            KILN_VOLUME_MAX);
    if (tmpfs)
        fputs("  --tmpfs GUEST_DIR\n"
              "                   an empty, writable folder at GUEST_DIR in guest\n"
              "                   memory, over what was there (repeatable; a volume\n"
              "                   as -v counts them); nothing written there reaches\n"
              "                   the host\n",
              out);
    fputs("  -w, --workdir DIR\n"
          "                   the program's working folder (default /)\n",
          out);
}

static void print_run(FILE *out)
{
    struct mem_sizes sizes;
    mem_sizes(&sizes);
    fputs("Usage: kiln run [OPTIONS] IMAGE.kiln [-- ARGS...]\n"
          "       kiln run [OPTIONS] FILE.c... [-- ARGS...]\n"
          "       kiln run [OPTIONS] PROGRAM [-- ARGS...]\n"
          "\n"
          "Boots the image in a fresh microVM and runs the program to its end; its\n"
          "stdin, stdout and stderr are kiln's.  Given .c files, kiln builds them\n"
          "first, through the build cache: running unchanged sources again compiles\n"
          "nothing.  Given a Linux x86-64 program that is not a kiln image (static\n"
          "or dynamic, any libc), kiln builds an image of it as kiln build does\n"
          "with a program, through the same cache, and runs it unchanged; --files embeds\n"
          "more files beside it.  ARGS go to the program, whose argv[0] is the\n"
          "image's name, or a program's path as given.\n"
          "The program sees no environment but --env's.\n"
          "SIGINT (Ctrl-C), SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 sent to\n"
          "kiln are the program's: its handler runs, or its default action ends\n"
          "the run (SIGQUIT's as a crash); SIGKILL ends kiln and the VM at once.\n"
          "\n"
          "Options:\n",
          out);
    fprintf(out,
            "  --mem SIZE       guest memory (default: the image's; %s to %s)\n"
            "  --timeout SECS   stop the program after SECS seconds (e.g. 10, 0.5);\n"
            "                   0, the default, means never\n"
            "  --env NAME=VALUE set a variable in the program's environment\n"
            "                   (repeatable; a later one replaces an earlier one)\n"
            "  --trace-boot     print where the boot's time went on stderr\n"
            "  --strace         print each system call the program makes on stderr,\n"
            "                   with its arguments and answer, as strace does\n"
            "  --verbose        say whether the caches had the image, or why not,\n"
            "                   print the compiler's command lines (.c files), and\n"
            "                   at the end name the system calls the program made\n"
            "                   that kiln does not implement\n",
            sizes.min, sizes.max);
    print_run_volumes(out, true);
    fputs("  --dumpcore DIR   when the program crashes, aborts or runs past --timeout,\n"
          "                   write an ELF core of it, which gdb reads with the image\n"
          "                   (gdb app.kiln DIR/core.app.1234abcd), to\n"
          "                   DIR/core.NAME.HASH (the image's hash, 8 digits), and\n"
          "                   name it in the report\n"
          "  --gdb [ADDR:]PORT\n"
          "                   stop before the program's first instruction and wait\n"
          "                   for one gdb on PORT (127.0.0.1 unless ADDR says; 0: any\n"
          "                   free port, printed): gdb app.kiln -ex 'target remote\n"
          "                   :PORT'; breakpoints, watchpoints (write), step, Ctrl-C,\n"
          "                   kill (exit 137) and detach (the program runs on);\n"
          "                   --timeout counts the time stopped in gdb\n",
          out);
    fputs("  -h, --help       show this help\n"
          "\n"
          "Build options, with .c files, as kiln build takes and refuses them (see\n"
          "kiln help build); -w here is --workdir, not gcc's:\n",
          out);
    print_compile_options(out, NULL, false);
    fputs("\n"
          "Exit codes:\n"
          "  0-255  the program's own exit status\n"
          "  124    the program ran past --timeout\n"
          "  125    kiln could not run the image: a bad or missing image, bad usage,\n"
          "         a failed build, a volume's HOST_DIR missing or no folder, or\n"
          "         --dumpcore's DIR missing or refusing a new file\n"
          "  126    the program crashed (a fault or an abort); the report is on stderr\n"
          "  128+N  signal N, sent to kiln or by the program itself, ended it, as a\n"
          "         shell reports a native program (SIGINT 130, SIGTERM 143)\n",
          out);
}

static void print_test(FILE *out)
{
    fputs("Usage: kiln test [OPTIONS] TEST... [-- ARGS...]\n"
          "\n"
          "Runs each TEST in a fresh microVM of its own, several at once, and reports\n"
          "each in the order given.  A TEST is a .c file (built through the build\n"
          "cache with the build options below), a kiln image, or a Linux x86-64\n"
          "program.  Every test gets the same volumes, environment and ARGS; its\n"
          "argv[0] is its name as kiln run gives it.  Exit status 0 passes, 77 skips\n"
          "(automake's convention), anything else fails, as do a crash, a timeout, a\n"
          "deadlock and a build that failed.\n"
          "\n"
          "A test that passed is remembered in the cache (results/), keyed by its\n"
          "image's hash (its code and embedded files), ARGS, --env, --mem, -w, and the\n"
          "contents of its read-only volumes; run again unchanged, it is reported\n"
          "CACHED without booting.  A read-write volume, --no-cache and --repeat\n"
          "make every test run.\n"
          "\n"
          "Each test prints one line: PASS, FAIL, SKIP, CACHED or FLAKY, its name and\n"
          "time, and why it failed; a failed test's stdout and stderr follow.  The\n"
          "last line is \"N passed, N failed, N skipped\" (CACHED counts as passed,\n"
          "FLAKY as failed).\n"
          "\n"
          "Options:\n"
          "  -j, --jobs N     run N tests at once (default: one per CPU)\n"
          "  --timeout SECS   fail a test that runs past SECS seconds (default 60)\n"
          "  --mem SIZE       guest memory (default: each image's own)\n"
          "  --env NAME=VALUE set a variable in every test's environment (repeatable)\n",
          out);
    print_run_volumes(out, false);
    fputs("  --verbose        show every test's output, not only a failure's\n"
          "  --junit FILE     also write the results as JUnit XML (GitLab, GitHub,\n"
          "                   Jenkins); each failure carries its output\n"
          "  --tap            print TAP version 13 instead of the lines\n"
          "  --no-cache       run every test, even one that passed unchanged\n"
          "  --shard K/N      run only the K-th of N slices of the tests (1 <= K <= N),\n"
          "                   for a CI matrix of N jobs; a test's slice follows from\n"
          "                   its name as given, so adding a test moves no other\n"
          "  --list           print the tests (of --shard's slice) and run none\n"
          "  --repeat N       run each test N times (side by side, as -j allows);\n"
          "                   one that both passed and failed is FLAKY\n"
          "  --gdb [ADDR:]PORT\n"
          "                   debug the one test named, as kiln run --gdb does: no\n"
          "                   cached result, its output on the terminal, and no\n"
          "                   --timeout unless given\n"
          "  --vm             run the suite inside a QEMU guest with nested KVM\n"
          "                   (kiln-vm, beside kiln), for a host without /dev/kvm:\n"
          "                   slow, since QEMU emulates the CPU\n"
          "  -h, --help       show this help\n"
          "\n"
          "Build options, for .c tests (and --files for programs too); -w is --workdir:\n",
          out);
    print_compile_options(out, NULL, false);
    fputs("\n"
          "Exit codes:\n"
          "  0    no test failed\n"
          "  1    a test failed (or was FLAKY)\n"
          "  125  kiln could not run the suite: bad usage, a missing test, a volume\n"
          "       it cannot read, or no usable /dev/kvm (the reason and its fix are\n"
          "       on stderr)\n",
          out);
}

static void print_cache(FILE *out)
{
    fputs("Usage: kiln cache path|ls|clean\n"
          "\n"
          "kiln keeps what it built and booted in its cache, named by content hashes\n"
          "(XXH3-128): images/ holds built images, deps/ the headers each build read,\n"
          "compilers/ the compiler's identity, boot/ images laid out as guest memory,\n"
          "cpuid/ what this machine's KVM offers guests (until it reboots), seccomp/\n"
          "the run loop's compiled system call filter, results/ the kiln test runs\n"
          "that passed, snapshots/ kiln serve's functions booted up to main.\n"
          "The cache is $KILN_CACHE_DIR, else $XDG_CACHE_HOME/kiln, else\n"
          "~/.cache/kiln.  A damaged entry is reported, removed and made again.\n"
          "\n"
          "Commands:\n"
          "  path   print the cache's folder\n"
          "  ls     list the entries: size on disk, age, name\n"
          "  clean  remove every entry and temporary file kiln made there, nothing\n"
          "         else\n"
          "\n"
          "Exit codes:\n"
          "  0  done\n"
          "  1  the cache could not be read or emptied (the reason is on stderr)\n"
          "  2  bad usage\n",
          out);
}

static void print_serve(FILE *out)
{
    char max_body[SIZE_TEXT];
    format_size(SERVE_DEFAULT_MAX_BODY, max_body, sizeof max_body);
    fputs("Usage: kiln serve [OPTIONS] --route /PATH=IMAGE.kiln|APP.c ...\n"
          "       kiln serve [OPTIONS] --functions DIR\n"
          "\n"
          "Serves HTTP: each request goes to the function of the route whose PATH is\n"
          "the longest whole-segment prefix of the request's path, and runs in a\n"
          "pristine microVM, reset from a snapshot taken just before main.  A\n"
          "function is a CGI/1.1 program: the request comes as its environment\n"
          "(REQUEST_METHOD, PATH_INFO (the path after PATH), QUERY_STRING,\n"
          "CONTENT_TYPE, CONTENT_LENGTH, HTTP_* for each header, ...) with the body on\n"
          "stdin, and it answers on stdout: headers (Status:, Content-Type:,\n"
          "Location:, any other), a blank line, the body.  Its stderr goes to the\n"
          "log, which is kiln's stderr, with the route and request id; every request\n"
          "adds an access log line.  argv is the same for every request.  A route\n"
          "makes its VMs from the snapshot as its requests need them, and gives them\n"
          "back when it has had no request for a while.\n"
          "\n"
          "Options:\n"
          "  --route /PATH=IMAGE.kiln|APP.c\n"
          "                   serve the image, or APP.c built at start, under PATH\n"
          "                   (repeatable; / serves every path no other route takes)\n"
          "  --functions DIR  serve each NAME.kiln or NAME.c in DIR under /NAME, and\n"
          "                   follow DIR as files come, change and go (a --route\n"
          "                   wins over a function of the same PATH)\n",
          out);
    fprintf(out,
            "  --listen ADDR:PORT\n"
            "                   where to listen (default %s:%d; [::1]:PORT for\n"
            "                   IPv6; port 0 picks a free one, which the log names)\n"
            "  --workers N      the most VMs a route grows to under load; default one\n"
            "                   per CPU\n"
            "  --max-vms N      the most VMs alive in all routes together (default %d);\n"
            "                   at the bound, the VM idle longest is given back first\n"
            "  --idle SECS      a route with no request for SECS seconds gives its VMs\n"
            "                   back (default %d; 0 means never)\n"
            "  --timeout SECS   stop a function after SECS seconds: 504 (default %d;\n"
            "                   0 means never)\n"
            "  --mem SIZE       guest memory per VM (default: the image's)\n"
            "  --max-body SIZE  refuse bodies over SIZE with 413 (default %s)\n"
            "  --dumpcore DIR   when a function crashes, aborts or times out, write an\n"
            "                   ELF core of its VM to DIR/core.NAME.HASH, as kiln run\n"
            "                   does, and log its name; one a route a minute at most\n"
            "  --admin ADDR:PORT\n"
            "                   answer GET /_kiln/stats there, never on --listen: each\n"
            "                   route's VMs, requests, latency (p50, p99), resets and\n"
            "                   memory, as JSON\n"
            "  -v, --verbose    at exit, log each route's requests and reset times\n"
            "  -h, --help       show this help\n"
            "\n"
            "Answers kiln gives itself: 404 no route, 413 body too large, 431 headers\n"
            "too large for the function, 502 the function crashed or its answer is not\n"
            "CGI, 504 it timed out, 503 kiln is stopping.  On SIGINT or SIGTERM kiln\n"
            "lets the requests in flight finish, then exits; a second signal ends it\n"
            "at once.\n"
            "\n"
            "Exit codes:\n"
            "  0    stopped by SIGINT or SIGTERM\n"
            "  1    could not start: a failed build, a bad image, an address in use\n"
            "  2    bad usage\n"
            "  125  no usable /dev/kvm (the reason and its fix are on stderr)\n",
            SERVE_DEFAULT_HOST, SERVE_DEFAULT_PORT, SERVE_DEFAULT_MAX_VMS,
            SERVE_DEFAULT_IDLE_MS / 1000, SERVE_DEFAULT_TIMEOUT_MS / 1000, max_body);
}

static void print_new(FILE *out)
{
    fputs("Usage: kiln new TEMPLATE DIR\n"
          "\n"
          "Starts an app in DIR, which must not exist yet, from one of kiln's\n"
          "templates (build/templates/, or $KILN_TEMPLATES_DIR):\n"
          "  hello   an ordinary C program: kiln run DIR/hello.c\n"
          "  http    an HTTP function: kiln serve --route /hello=DIR/function.c\n"
          "  test    a test suite: make -C DIR test\n"
          "\n"
          "Exit codes:\n"
          "  0  DIR was made\n"
          "  1  no such template, or DIR could not be made\n"
          "  2  bad usage\n",
          out);
}

static void print_inspect(FILE *out)
{
    fputs("Usage: kiln inspect IMAGE [--json]\n"
          "\n"
          "Prints what the image is: its hash (XXH3-128, the name kiln's caches give\n"
          "it), the ABI version it was built for, its default guest memory, its\n"
          "flags, and the files it carries, as ls -l shows them: mode, size in\n"
          "bytes, path (a symlink as PATH -> TARGET).\n"
          "\n"
          "Options:\n"
          "  --json           print the same as one JSON object: image, hash,\n"
          "                   abi_version, default_mem, flags, and files, each with\n"
          "                   path, type (file, folder, symlink), mode (octal), size,\n"
          "                   nlink, ino and a symlink's target\n"
          "  -h, --help       show this help\n"
          "\n"
          "Exit codes:\n"
          "  0  printed\n"
          "  1  not a kiln image this kiln runs, or its files are damaged\n"
          "  2  bad usage\n",
          out);
}

static void print_pack(FILE *out)
{
    fputs("Usage: kiln pack IMAGE -t NAME[:TAG] -o FILE.tar\n"
          "\n"
          "Writes an OCI image archive (oci-archive) of the kiln image: one layer\n"
          "holding it as /app.kiln, mode 0755, owned by root, which is the OCI\n"
          "image's entrypoint, for linux/amd64.  podman load and ctr image import\n"
          "read it; podman --runtime kiln-oci runs it.\n"
          "The image is checked as kiln run checks it.  The same image and name\n"
          "give the same archive bytes.\n"
          "\n"
          "NAME is lowercase letters and digits joined by \".\", \"_\", \"__\" or\n"
          "\"-\", in components split by \"/\", after an optional registry\n"
          "(HOST[:PORT]/); TAG defaults to latest.  The image is named as podman,\n"
          "containerd and Kubernetes normalise NAME: hello:1 is\n"
          "docker.io/library/hello:1, localhost/hello:1 stays so.\n"
          "\n"
          "Options:\n"
          "  -t, --tag NAME[:TAG]  the image's name\n"
          "  -o, --output FILE     where the archive goes, written whole or not at all\n"
          "  -h, --help            show this help\n"
          "\n"
          "Exit codes:\n"
          "  0  written\n"
          "  1  not a kiln image this kiln runs, or FILE could not be written\n"
          "  2  bad usage (a bad name, no -t or -o)\n",
          out);
}

static void print_cc(FILE *out)
{
    fputs("Usage: kiln cc GCC-ARGS...\n"
          "       kiln-cc GCC-ARGS...\n"
          "\n"
          "Takes gcc's command line, so that a project's own build makes images:\n"
          "make CC=kiln-cc, cmake -DCMAKE_C_COMPILER=kiln-cc, CC=kiln-cc ./configure.\n"
          "kiln-cc is kiln under another name, installed beside it.\n"
          "\n"
          "Compiling (-c, -S, -E, -M, -MM), and anything else that links no\n"
          "executable (--version, no input files), is musl-gcc's, with kiln's flags\n"
          "before the arguments: -static -no-pie -fno-omit-frame-pointer\n"
          "-ffile-prefix-map=$PWD=. (so the same sources give the same objects in\n"
          "any folder).  Its messages and exit status are musl-gcc's.\n"
          "\n"
          "Linking an executable makes an image, written to -o's name (default\n"
          "a.out): the .o files, .a archives, -l, -L and -Wl,... options, in their\n"
          "order, and any .c files, compiled first with the other flags, are linked\n"
          "with kiln's runtime and linker script as kiln build links, without build\n"
          "IDs: the same objects give the same image bytes.  kiln run boots it; run\n"
          "directly on the host, it crashes (a configure script that runs its test\n"
          "programs must be told it cross-compiles: --host).\n"
          "\n"
          "Refused when linking, in one line: -shared, -fPIC, -fpic, -fPIE, -fpie,\n"
          "-pie, -static-pie (an image is static at a fixed address), -m32, -mx32,\n"
          "-m16, and -s (kiln rewrites the image by its symbol table).\n"
          "\n"
          "Exit codes:\n"
          "  0  done\n"
          "  1  the compile or link failed (musl-gcc's own status when it compiles)\n"
          "  2  a flag no image can honour\n",
          out);
}

static void print_version(FILE *out)
{
    fputs("Usage: kiln version\n"
          "\n"
          "Prints kiln's version and the image ABI version it boots.\n"
          "\n"
          "Exit codes:\n"
          "  0  printed\n"
          "  2  bad usage\n",
          out);
}

static void print_help(FILE *out)
{
    fputs("Usage: kiln help [COMMAND]\n"
          "\n"
          "Prints kiln's help, or COMMAND's: build, run, cc, serve, new, cache,\n"
          "inspect, pack, version, help.\n"
          "\n"
          "Exit codes:\n"
          "  0  printed\n"
          "  2  no such command\n",
          out);
}

static const struct help_topic {
    const char *name;
    void (*print)(FILE *out);
} topics[] = {
    {"kiln", print_kiln},       {"build", print_build},     {"run", print_run},
    {"serve", print_serve},     {"new", print_new},         {"cache", print_cache},
    {"inspect", print_inspect}, {"version", print_version}, {"help", print_help},
    {"cc", print_cc},           {"test", print_test},       {"pack", print_pack},
};

int help_print(const char *topic, FILE *out)
{
    for (size_t i = 0; i < sizeof topics / sizeof topics[0]; i++) {
        if (strcmp(topic, topics[i].name) == 0) {
            topics[i].print(out);
            return 0;
        }
    }
    return -1;
}

int cmd_help(int argc, char **argv)
{
    const char *topic = argc > 1 ? argv[1] : "kiln";
    /* "kiln help --help" asks about help; "kiln --help --help" about kiln. */
    if (strcmp(topic, "-h") == 0 || strcmp(topic, "--help") == 0)
        topic = argv[0][0] == '-' ? "kiln" : "help";
    if (argc > 2) {
        report("help: unexpected argument \"%s\"", argv[2]);
        return EXIT_USAGE;
    }
    if (help_print(topic, stdout) < 0) {
        report("help: unknown command \"%s\" (commands: build, run, cc, serve, new, "
               "cache, inspect, pack, version, help)",
               topic);
        return EXIT_USAGE;
    }
    return 0;
}
