/*
 * A guest that tries to reach outside its volume (kiln run -v HOST:/data),
 * one way per run: `volume_escapes CASE`.  Volume 0's HOST_DIR holds
 * inside.txt ("inside"), the links the test plants, and sits next to
 * outside.txt, whose text the guest must never read.  Each case prints
 * what each call answered; a case that reads prints what it read.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kiln/abi.h>

#include "volume_calls.h"

#define FAR_GPA     0xfffff000u
#define LONG_PATH   5000
#define SWAP_TIME_S 2

static uint64_t mem_size(void)
{
    return ((const struct kiln_boot_info *)(uintptr_t)KILN_BOOT_INFO_GPA)->mem_size;
}

/* Opens path read-only and prints what the open and a read gave. */
static void try_read(const char *path, uint32_t flags)
{
    char text[64] = {0};
    int64_t handle = v_open(0, path, O_RDONLY | flags, 0);
    if (handle < 0) {
        printf("open %s: %s\n", path, errname(handle));
        return;
    }
    int64_t got = v_io(KILN_HC_PREAD, handle, text, sizeof text - 1, 0);
    printf("open %s: read %s\n", path, got >= 0 ? text : errname(got));
    v_close(handle);
}

static void dotdot(void)
{
    try_read("../../etc/passwd", 0);
    try_read("../outside.txt", 0);
}

static void absolute(void)
{
    try_read("/etc/passwd", 0);
    try_read("/../outside.txt", 0);
}

static void absolute_symlink(void)
{
    try_read("etc_link/passwd", 0);
    try_read("marker_link", 0);
    try_read("marker_link", O_NOFOLLOW);
}

static void dotdot_symlink(void)
{
    try_read("up/outside.txt", 0);
    try_read("up/up/outside.txt", 0);
    try_read("up/inside.txt", 0);
}

static double seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* The test's shell swaps swing between inside.txt and the outside file,
 * and dir between a folder and a link to the outside folder, which holds
 * victim: no open may read outside, no unlink remove victim. */
static void swapped_symlink(void)
{
    long inside = 0, refused = 0;
    for (double end = seconds() + SWAP_TIME_S; seconds() < end;) {
        char text[64] = {0};
        int64_t handle = v_open(0, "swing", O_RDONLY, 0);
        v_op(KILN_PATH_UNLINK, "dir/victim");
        if (handle < 0) {
            refused++;
            continue;
        }
        v_io(KILN_HC_PREAD, handle, text, sizeof text - 1, 0);
        v_close(handle);
        if (strcmp(text, "inside") != 0) {
            printf("ESCAPED: read \"%s\"\n", text);
            exit(1);
        }
        inside++;
    }
    printf("swapped: %s inside, %s refused\n", inside > 0 ? "some" : "none",
           refused > 0 ? "some" : "none");
}

static void long_path(void)
{
    static char path[LONG_PATH + 1];
    for (size_t i = 0; i < LONG_PATH; i++)
        path[i] = i % 2 ? '/' : 'a';
    printf("open long path: %s\n", errname(v_open(0, path, O_RDONLY, 0)));
}

static void path_outside_ram(void)
{
    v_open_len(0, (const char *)(uintptr_t)FAR_GPA, 4, O_RDONLY, 0);
}

static void path_crosses_ram_end(void)
{
    v_open_len(0, (const char *)(uintptr_t)(mem_size() - 2), 16, O_RDONLY, 0);
}

static void read_buffer_crosses_ram_end(void)
{
    int64_t handle = v_open(0, "inside.txt", O_RDONLY, 0);
    v_io(KILN_HC_PREAD, handle, (void *)(uintptr_t)(mem_size() - 8), 16, 0);
}

static void stat_outside_ram(void)
{
    v_stat(0, "inside.txt", 0, (struct kiln_stat *)(uintptr_t)FAR_GPA);
}

static void rename_out(void)
{
    printf("rename to ../escaped.txt: %s\n",
           errname(v_op2(KILN_PATH_RENAME, "inside.txt", "../escaped.txt")));
    printf("rename to /../tmp/escaped.txt: %s\n",
           errname(v_op2(KILN_PATH_RENAME, "escaped.txt", "/../tmp/escaped.txt")));
    printf("rename ../outside.txt: %s\n",
           errname(v_op2(KILN_PATH_RENAME, "../outside.txt", "stolen.txt")));
}

static void symlink_then_follow(void)
{
    char target[64] = {0};
    printf("symlink evil: %s\n", errname(v_op2(KILN_PATH_SYMLINK, "evil", "/etc/passwd")));
    try_read("evil", 0);
    printf("symlink evil2: %s\n", errname(v_op2(KILN_PATH_SYMLINK, "evil2", "../outside.txt")));
    try_read("evil2", 0);
    int64_t len = v_path(KILN_PATH_READLINK, 0, "evil", target, sizeof target - 1, 0, 0);
    printf("readlink evil: %s %s\n", errname(len), target);
}

/* Name operations whose parent is a link out, and operations that follow
 * a last link out: all must stay inside. */
static void through_symlinks(void)
{
    printf("mkdir etc_link/kiln: %s\n", errname(v_op(KILN_PATH_MKDIR, "etc_link/kiln")));
    printf("unlink up/outside.txt: %s\n", errname(v_op(KILN_PATH_UNLINK, "up/outside.txt")));
    printf("truncate marker_link: %s\n", errname(v_op(KILN_PATH_TRUNCATE, "marker_link")));
    printf("chmod marker_link: %s\n", errname(v_op(KILN_PATH_CHMOD, "marker_link")));
    printf("utimens marker_link: %s\n", errname(v_op(KILN_PATH_UTIMENS, "marker_link")));
    printf("stat marker_link: %s\n", errname(v_stat(0, "marker_link", 0, &(struct kiln_stat){0})));
}

/* There is no hard link call: an unknown operation is refused. */
static void no_hard_links(void)
{
    printf("path op 10: %s\n", errname(v_op(10, "inside.txt")));
    printf("open O_PATH: %s\n", errname(v_open(0, "inside.txt", O_PATH, 0)));
    printf("open O_TMPFILE: %s\n", errname(v_open(0, ".", O_TMPFILE | O_RDWR, 0600)));
}

static const struct {
    const char *name;
    void (*run)(void);
} cases[] = {
    {"dotdot", dotdot},
    {"absolute", absolute},
    {"absolute-symlink", absolute_symlink},
    {"dotdot-symlink", dotdot_symlink},
    {"swapped-symlink", swapped_symlink},
    {"long-path", long_path},
    {"path-outside-ram", path_outside_ram},
    {"path-crosses-ram-end", path_crosses_ram_end},
    {"read-buffer-crosses-ram-end", read_buffer_crosses_ram_end},
    {"stat-outside-ram", stat_outside_ram},
    {"rename-out", rename_out},
    {"symlink-then-follow", symlink_then_follow},
    {"through-symlinks", through_symlinks},
    {"no-hard-links", no_hard_links},
};

int main(int argc, char **argv)
{
    for (size_t i = 0; argc == 2 && i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(argv[1], cases[i].name) == 0) {
            cases[i].run();
            return 0;
        }
    }
    fprintf(stderr, "usage: volume_escapes CASE\n");
    return 2;
}
