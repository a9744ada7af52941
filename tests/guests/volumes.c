/*
 * A guest that uses its volumes through the hypercalls themselves (kiln
 * run -v HOST:/data ...), one feature per run: `volumes CASE [ARG]`.
 * Volume 0's HOST_DIR holds inside.txt ("inside") and the folder sub.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <kiln/abi.h>

#include "volume_calls.h"

#define CHUNK            (64 << 10)
#define RENAME_NOREPLACE 1 /* linux/fs.h, which musl does not have */

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};

static const struct kiln_volume_table *table(void)
{
    uint64_t at = ((const struct kiln_boot_info *)(uintptr_t)KILN_BOOT_INFO_GPA)->volumes;
    return (const struct kiln_volume_table *)(uintptr_t)at;
}

static void print_table(const char *arg)
{
    (void)arg;
    const struct kiln_volume_table *t = table();
    if (t == NULL) {
        printf("no table\n");
        return;
    }
    for (uint32_t i = 0; i < t->count; i++)
        printf("volume %u: %.*s%s%s\n", i, (int)t->volumes[i].path_len,
               (const char *)(uintptr_t)t->volumes[i].path,
               t->volumes[i].flags & KILN_VOLUME_READ_ONLY ? " (read-only)" : "",
               t->volumes[i].flags & KILN_VOLUME_MEMORY ? " (in memory)" : "");
    printf("workdir: %.*s\n", (int)t->workdir_len, (const char *)(uintptr_t)t->workdir);
}

static void write_then_read(const char *arg)
{
    (void)arg;
    char text[32] = {0};
    int64_t handle = v_open(0, "sub/new.txt", O_CREAT | O_EXCL | O_WRONLY | O_APPEND, 0640);
    printf("create: %s\n", errname(handle));
    printf("write: %lld\n", (long long)v_io(KILN_HC_PWRITE, handle, "hello, volume", 13, 0));
    printf("write at 7: %lld\n", (long long)v_io(KILN_HC_PWRITE, handle, "there!", 6, 7));
    printf("read from a write-only handle: %s\n", errname(v_io(KILN_HC_PREAD, handle, text, 4, 0)));
    v_close(handle);
    handle = v_open(0, "/sub/../sub/new.txt", O_RDONLY, 0);
    printf("read: %lld %s\n", (long long)v_io(KILN_HC_PREAD, handle, text, sizeof text - 1, 0),
           text);
    struct kiln_stat st = {0};
    struct kiln_hc_stat call = {
        .handle = (uint32_t)handle, .flags = KILN_STAT_HANDLE, .stat = (uintptr_t)&st};
    kiln_hypercall(KILN_HC_STAT, GPA(&call));
    printf("stat: %s size %llu mode %o\n", errname(call.result), (unsigned long long)st.size,
           st.mode);
    printf("truncate a read-only handle: %s\n", errname(v_file(handle, KILN_FILE_TRUNCATE, 5)));
    printf("close: %s\n", errname(v_close(handle)));
    printf("close again: %s\n", errname(v_close(handle)));
}

static void list_folder(const char *arg)
{
    (void)arg;
    char buf[4096];
    int64_t handle = v_open(0, "", O_RDONLY | O_DIRECTORY, 0);
    printf("open the volume: %s\n", errname(handle));
    for (int round = 0; round < 2; round++) {
        int names = 0;
        int64_t got;
        while ((got = v_dirents(handle, buf, sizeof buf)) > 0) {
            for (int64_t at = 0; at < got;) {
                const struct linux_dirent64 *entry = (const void *)(buf + at);
                if (strcmp(entry->d_name, "inside.txt") == 0 || strcmp(entry->d_name, "sub") == 0)
                    printf("entry %s\n", entry->d_name);
                names++;
                at += entry->d_reclen;
            }
        }
        printf("round %d: %d names, then %s\n", round, names, errname(got));
        v_file(handle, KILN_FILE_REWIND, 0);
    }
}

/* Every call that writes, in a read-only volume. */
static void read_only(const char *arg)
{
    (void)arg;
    char text[16] = {0};
    printf("open for writing: %s\n", errname(v_open(0, "inside.txt", O_WRONLY, 0)));
    printf("open to create: %s\n", errname(v_open(0, "new.txt", O_RDONLY | O_CREAT, 0600)));
    printf("open to truncate: %s\n", errname(v_open(0, "inside.txt", O_RDONLY | O_TRUNC, 0)));
    int64_t handle = v_open(0, "inside.txt", O_RDONLY, 0);
    printf("read: %lld\n", (long long)v_io(KILN_HC_PREAD, handle, text, sizeof text, 0));
    printf("pwrite: %s\n", errname(v_io(KILN_HC_PWRITE, handle, "x", 1, 0)));
    printf("ftruncate: %s\n", errname(v_file(handle, KILN_FILE_TRUNCATE, 0)));
    static const char *const names[] = {NULL,      "mkdir",    "unlink",   "rmdir",   "rename",
                                        "symlink", "readlink", "truncate", "utimens", "chmod"};
    for (uint32_t op = KILN_PATH_MKDIR; op <= KILN_PATH_CHMOD; op++) {
        int64_t rc = v_path(op, 0, op == KILN_PATH_RMDIR ? "sub" : "inside.txt", text,
                            op == KILN_PATH_READLINK ? sizeof text : 1, 0644, 0);
        printf("%s: %s\n", names[op], errname(rc));
    }
}

static void too_many_handles(const char *arg)
{
    (void)arg;
    int opened = 0;
    int64_t rc;
    while ((rc = v_open(0, "inside.txt", O_RDONLY, 0)) >= 0)
        opened++;
    printf("opened %d, then %s\n", opened, errname(rc));
    printf("close 7: %s\n", errname(v_close(7)));
    printf("open again: %lld\n", (long long)v_open(0, "inside.txt", O_RDONLY, 0));
    printf("handle %d: %s\n", KILN_HANDLES_MAX, errname(v_close(KILN_HANDLES_MAX)));
}

/* The errno Linux gives each operation on ".", "..", the volume's
 * folder itself and a trailing slash. */
static void special_names(const char *arg)
{
    (void)arg;
    char text[16];
    printf("mkdir sub/.: %s\n", errname(v_op(KILN_PATH_MKDIR, "sub/.")));
    printf("mkdir /: %s\n", errname(v_op(KILN_PATH_MKDIR, "/")));
    printf("rmdir sub/.: %s\n", errname(v_op(KILN_PATH_RMDIR, "sub/.")));
    printf("rmdir sub/..: %s\n", errname(v_op(KILN_PATH_RMDIR, "sub/..")));
    printf("rmdir the volume: %s\n", errname(v_op(KILN_PATH_RMDIR, "")));
    printf("unlink sub/..: %s\n", errname(v_op(KILN_PATH_UNLINK, "sub/..")));
    printf("unlink inside.txt/: %s\n", errname(v_op(KILN_PATH_UNLINK, "inside.txt/")));
    printf("rename to sub/.: %s\n", errname(v_op2(KILN_PATH_RENAME, "inside.txt", "sub/.")));
    printf("symlink sub/..: %s\n", errname(v_op2(KILN_PATH_SYMLINK, "sub/..", "x")));
    printf("readlink sub/.: %s\n",
           errname(v_path(KILN_PATH_READLINK, 0, "sub/.", text, sizeof text, 0, 0)));
    printf("volume 9: %s\n", errname(v_open(9, "inside.txt", O_RDONLY, 0)));
    printf("embedded NUL: %s\n", errname(v_open_len(0, "inside.txt\0x", 12, O_RDONLY, 0)));
}

/* Volume 1 is in memory (--tmpfs): the monitor serves no call for it. */
static void in_memory(const char *arg)
{
    (void)arg;
    struct kiln_stat st;
    printf("open: %s\n", errname(v_open(1, "", O_RDONLY | O_DIRECTORY, 0)));
    printf("stat: %s\n", errname(v_stat(1, "", 0, &st)));
    printf("mkdir: %s\n", errname(v_path(KILN_PATH_MKDIR, 1, "d", NULL, 0, 0755, 0)));
}

static void names(const char *arg)
{
    (void)arg;
    char target[32] = {0};
    struct kiln_stat st;
    printf("mkdir d: %s\n", errname(v_path(KILN_PATH_MKDIR, 0, "d", NULL, 0, 04750, 0)));
    v_stat(0, "d", 0, &st);
    printf("d mode %o\n", st.mode & 07777);
    printf("symlink d/l: %s\n", errname(v_op2(KILN_PATH_SYMLINK, "d/l", "../inside.txt")));
    int64_t rc = v_path(KILN_PATH_READLINK, 0, "d/l", target, sizeof target - 1, 0, 0);
    printf("readlink d/l: %s %s\n", errname(rc), target);
    rc = v_stat(0, "d/l", KILN_STAT_NOFOLLOW, &st);
    printf("lstat d/l: %s link %d\n", errname(rc), S_ISLNK(st.mode));
    rc = v_stat(0, "d/l", 0, &st);
    printf("stat d/l: %s size %llu\n", errname(rc), (unsigned long long)st.size);
    struct kiln_hc_path times = {.op = KILN_PATH_UTIMENS,
                                 .path = (uintptr_t) "inside.txt",
                                 .path_len = 10,
                                 .arg = {1000000000, -1500000000}};
    kiln_hypercall(KILN_HC_PATH, GPA(&times));
    v_stat(0, "inside.txt", 0, &st);
    printf("utimens: %s atime %lld mtime %lld\n", errname(times.result), (long long)st.atime_ns,
           (long long)st.mtime_ns);
    printf("chmod: %s\n", errname(v_path(KILN_PATH_CHMOD, 0, "inside.txt", NULL, 0, 06600, 0)));
    v_stat(0, "inside.txt", 0, &st);
    printf("inside.txt mode %o\n", st.mode & 07777);
    printf("rename noreplace: %s\n",
           errname(v_path(KILN_PATH_RENAME, 0, "d/l", "inside.txt", 10, 0, RENAME_NOREPLACE)));
    printf("rename: %s\n", errname(v_op2(KILN_PATH_RENAME, "d/l", "moved")));
    struct kiln_hc_path truncate = {
        .op = KILN_PATH_TRUNCATE, .path = (uintptr_t) "moved", .path_len = 5, .arg = {2}};
    kiln_hypercall(KILN_HC_PATH, GPA(&truncate));
    v_stat(0, "inside.txt", 0, &st);
    printf("truncate moved: %s, inside.txt has %llu bytes\n", errname(truncate.result),
           (unsigned long long)st.size);
    printf("rmdir d: %s\n", errname(v_op(KILN_PATH_RMDIR, "d")));
    printf("unlink moved: %s\n", errname(v_op(KILN_PATH_UNLINK, "moved")));
}

/* Reads volume 0's file arg in PREADs of $CHUNK bytes (default 64 KiB,
 * at most 4 MiB); the time is the test's. */
static void read_all(const char *arg)
{
    static char buf[64 * CHUNK];
    const char *chunk_text = getenv("CHUNK");
    uint64_t chunk = chunk_text ? strtoull(chunk_text, NULL, 0) : CHUNK;
    int64_t handle = v_open(0, arg, O_RDONLY, 0);
    uint64_t total = 0;
    if (chunk == 0 || chunk > sizeof buf)
        chunk = CHUNK;
    for (int64_t got; (got = v_io(KILN_HC_PREAD, handle, buf, chunk, total)) > 0;)
        total += (uint64_t)got;
    printf("read %llu bytes\n", (unsigned long long)total);
}

static const struct {
    const char *name;
    void (*run)(const char *arg);
} cases[] = {
    {"table", print_table},
    {"write-then-read", write_then_read},
    {"list-folder", list_folder},
    {"read-only", read_only},
    {"too-many-handles", too_many_handles},
    {"special-names", special_names},
    {"in-memory", in_memory},
    {"names", names},
    {"read-all", read_all},
};

int main(int argc, char **argv)
{
    for (size_t i = 0; argc >= 2 && i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(argv[1], cases[i].name) == 0) {
            cases[i].run(argc > 2 ? argv[2] : "");
            return 0;
        }
    }
    fprintf(stderr, "usage: volumes CASE [ARG]\n");
    return 2;
}
