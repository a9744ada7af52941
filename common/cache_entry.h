/*
 * Entries of kiln's content-hashed cache (DESIGN.md, "Caches"), shared by
 * the build cache (builder/) and the boot and snapshot caches (monitor/).
 * Each entry is named by a hash and written atomically (atomic_file.h);
 * each is checked against a hash when read, and one that fails the check
 * is reported in one line, removed, and then missing, so that the caller
 * rebuilds it.
 */
#ifndef KILN_CACHE_ENTRY_H
#define KILN_CACHE_ENTRY_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

#include "content_hash.h"

/* The folders under the cache's root, and what each entry holds. */
#define CACHE_IMAGES       "images"    /* <input hash>.kiln: a built image */
#define CACHE_DEPS         "deps"      /* <sources key>: the headers a build read */
#define CACHE_COMPILERS    "compilers" /* <musl-gcc key>: the compiler's identity */
#define CACHE_BOOT         "boot"      /* <image hash>: laid-out guest memory */
#define CACHE_CPUID        "cpuid"     /* <kernel and CPU key>: KVM's supported CPUID */
#define CACHE_SECCOMP      "seccomp"   /* <rules key>: the run loop's compiled filter */
#define CACHE_RESULTS      "results"   /* <test key>: a kiln test that passed */
#define CACHE_SNAPSHOTS    "snapshots" /* <snapshot key>: a function at READY */
#define CACHE_IMAGE_SUFFIX ".kiln"

/* Writes "root/folder/<key in hex><suffix>" to path.  Returns 0, or -1
 * (reported) when it does not fit. */
int cache_entry_path(char *path, size_t path_size, const char *root, const char *folder,
                     const struct content_hash *key, const char *suffix);

/* Creates the folder that holds path, and its parents, when missing.
 * Returns 0, or -1 (reported). */
int cache_entry_make_folder(const char *path);

/* Reports the entry at path as corrupt, saying why, and removes it. */
void cache_entry_drop(const char *path, const char *why);

/* A record: a small entry whose header holds the hash of the rest. */
int cache_record_write(const char *path, const void *payload, size_t size);

/* A record read whole. */
struct cache_record {
    uint8_t *bytes; /* the file, header first */
    const uint8_t *payload;
    size_t size; /* of the payload */
};

/* Returns 1 when path holds a good record, read into record (free it);
 * 0 when there is none, or a corrupt one (dropped); -1 when it cannot be
 * read (reported). */
int cache_record_read(const char *path, struct cache_record *record);

void cache_record_free(struct cache_record *record);

/* The payload of the record at path, when sane() accepts it, copied out
 * (free it).  Returns 1 with *payload and *size; 0 when there is none, it
 * cannot be read (reported), or it is corrupt or not sane (dropped, with
 * not_sane as the reason). */
int cache_record_take(const char *path, bool (*sane)(const void *payload, size_t size),
                      const char *not_sane, void **payload, size_t *size);

/* Whether a file named name in one of the folders is kiln's: an entry, or
 * a temporary file a writer left behind. */
bool cache_entry_owns(const char *name);

#endif
