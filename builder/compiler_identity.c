#include "compiler_identity.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cache_entry.h"
#include "common/content_hash.h"
#include "compiler.h"

#define NANOSECONDS 1000000000ll

/* What tells that a file was replaced or changed. */
struct file_stamp {
    uint64_t device;
    uint64_t inode;
    uint64_t size;
    int64_t modified_ns;
    int64_t changed_ns;
};

/* A compilers/ record, for the musl-gcc its key names. */
struct identity_record {
    struct file_stamp compiler;
    struct file_stamp cc1;
    char cc1_path[PATH_MAX];
    char version[COMPILER_VERSION_SIZE];
};

static struct file_stamp stamp_of(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return (struct file_stamp){0};
    return (struct file_stamp){
        .device = st.st_dev,
        .inode = st.st_ino,
        .size = (uint64_t)st.st_size,
        .modified_ns = st.st_mtim.tv_sec * NANOSECONDS + st.st_mtim.tv_nsec,
        .changed_ns = st.st_ctim.tv_sec * NANOSECONDS + st.st_ctim.tv_nsec,
    };
}

/* An unreadable file has no stamp, and never matches. */
static bool stamp_matches(const struct file_stamp *stamp, const char *path)
{
    struct file_stamp now = stamp_of(path);
    return now.inode != 0 && memcmp(stamp, &now, sizeof now) == 0;
}

/* musl-gcc runs ${REALGCC:-...}: the same musl-gcc may be another compiler. */
static int record_path(char *path, size_t path_size, const char *compiler, const char *cache_dir)
{
    const char *real_gcc = getenv("REALGCC");
    struct content_hasher hasher;
    content_hasher_start(&hasher);
    content_hasher_add(&hasher, compiler, strlen(compiler) + 1);
    if (real_gcc != NULL)
        content_hasher_add(&hasher, real_gcc, strlen(real_gcc) + 1);
    struct content_hash key = content_hasher_digest(&hasher);
    return cache_entry_path(path, path_size, cache_dir, CACHE_COMPILERS, &key, "");
}

/* Returns 1 with record filled when the cache holds a current one. */
static int read_record(const char *path, const char *compiler, struct identity_record *record)
{
    struct cache_record file;
    int found = cache_record_read(path, &file);
    if (found <= 0)
        return found;
    size_t size = file.size;
    if (size == sizeof *record) {
        memcpy(record, file.payload, sizeof *record);
        record->cc1_path[sizeof record->cc1_path - 1] = '\0';
        record->version[sizeof record->version - 1] = '\0';
    }
    cache_record_free(&file);
    if (size != sizeof *record) {
        cache_entry_drop(path, "not a compiler identity");
        return 0;
    }
    return stamp_matches(&record->compiler, compiler) &&
           stamp_matches(&record->cc1, record->cc1_path);
}

/* The first line of what musl-gcc prints for option. */
static int ask(const char *compiler, const char *option, char *answer, size_t answer_size)
{
    char *argv[] = {(char *)compiler, (char *)option, NULL};
    if (compiler_output(argv, answer, answer_size) != 0)
        return -1;
    answer[strcspn(answer, "\n")] = '\0';
    return 0;
}

static int ask_compiler(const char *compiler, struct identity_record *record)
{
    *record = (struct identity_record){0};
    if (ask(compiler, "--version", record->version, sizeof record->version) != 0 ||
        ask(compiler, "-print-prog-name=cc1", record->cc1_path, sizeof record->cc1_path) != 0)
        return -1;
    record->compiler = stamp_of(compiler);
    record->cc1 = stamp_of(record->cc1_path);
    return 0;
}

int compiler_identity_find(struct compiler_identity *identity, const char *path,
                           const char *cache_dir)
{
    char record_file[PATH_MAX];
    struct identity_record record;
    if (record_path(record_file, sizeof record_file, path, cache_dir) != 0)
        return -1;
    int found = read_record(record_file, path, &record);
    if (found < 0)
        return -1;
    if (found == 0 && (ask_compiler(path, &record) != 0 ||
                       cache_record_write(record_file, &record, sizeof record) != 0))
        return -1;
    snprintf(identity->path, sizeof identity->path, "%s", path);
    snprintf(identity->version, sizeof identity->version, "%s", record.version);
    return 0;
}
