#include "build_cache.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/cache_entry.h"
#include "common/report.h"

/* A deps/ record: this head, then per header its hash and its path
 * (NUL-terminated), sorted by path. */
struct deps_head {
    struct content_hash image;
    uint64_t header_count;
};

/* A deps/ record as read: paths point into the record's bytes. */
struct deps_record {
    struct content_hash image;
    struct input_file *headers;
    size_t header_count;
};

#define MIN_HEADER_BYTES (sizeof(struct content_hash) + 2)

static int parse_headers(struct deps_record *record, const uint8_t *at, const uint8_t *end)
{
    for (size_t i = 0; i < record->header_count; i++) {
        struct input_file *file = &record->headers[i];
        if ((size_t)(end - at) < MIN_HEADER_BYTES)
            return -1;
        memcpy(file->hash.bytes, at, sizeof file->hash.bytes);
        at += sizeof file->hash.bytes;
        const uint8_t *nul = memchr(at, '\0', (size_t)(end - at));
        if (nul == NULL || nul == at)
            return -1;
        file->path = (const char *)at;
        at = nul + 1;
    }
    return at == end ? 0 : -1;
}

/* Returns 0 with record filled (free record->headers), or -1 when the
 * payload is not a deps/ record. */
static int parse_record(struct deps_record *record, const uint8_t *payload, size_t size)
{
    struct deps_head head;
    if (size < sizeof head)
        return -1;
    memcpy(&head, payload, sizeof head);
    if (head.header_count > (size - sizeof head) / MIN_HEADER_BYTES)
        return -1;
    record->image = head.image;
    record->header_count = (size_t)head.header_count;
    record->headers = calloc(record->header_count + 1, sizeof *record->headers);
    if (record->headers == NULL)
        return -1;
    if (parse_headers(record, payload + sizeof head, payload + size) != 0) {
        free(record->headers);
        return -1;
    }
    return 0;
}

/* The first header whose bytes are not those the build read, or NULL. */
static const char *first_changed(const struct deps_record *record)
{
    for (size_t i = 0; i < record->header_count; i++) {
        struct content_hash now;
        const struct input_file *file = &record->headers[i];
        if (content_hash_file(file->path, &now) != 0 || !content_hash_equal(&now, &file->hash))
            return file->path;
    }
    return NULL;
}

/* Returns 1 when the image at path is there and has the hash it had when
 * it was stored; 0 when it is gone, or corrupt (dropped). */
static int check_image(const char *path, const struct content_hash *expected)
{
    struct content_hash hash;
    int rc = content_hash_file(path, &hash);
    if (rc == -ENOENT)
        return 0;
    if (rc != 0)
        return report("%s: cannot read the cached image: %s", path, strerror(-rc));
    if (content_hash_equal(&hash, expected))
        return 1;
    cache_entry_drop(path, "content does not match its hash");
    return 0;
}

static int find_image(const char *cache_dir, const struct input_hash *inputs,
                      const struct deps_record *record, bool verify, struct built_image *image,
                      bool verbose)
{
    const char *changed = first_changed(record);
    if (changed != NULL) {
        if (verbose)
            report("build cache: miss, %s changed", changed);
        return 0;
    }
    struct content_hash key = input_hash_finish(inputs, record->headers, record->header_count);
    if (cache_entry_path(image->path, sizeof image->path, cache_dir, CACHE_IMAGES, &key,
                         CACHE_IMAGE_SUFFIX) != 0)
        return -1;
    int found = verify ? check_image(image->path, &record->image) : access(image->path, R_OK) == 0;
    if (found == 0 && verbose)
        report("build cache: miss, the image is no longer in the cache");
    if (found <= 0)
        return found;
    image->hash = record->image;
    if (verbose)
        report("build cache: hit, %s", image->path);
    return 1;
}

int build_cache_find(const char *cache_dir, const struct input_hash *inputs, bool verify,
                     struct built_image *image, bool verbose)
{
    char path[PATH_MAX];
    struct cache_record file;
    struct deps_record record;
    if (cache_entry_path(path, sizeof path, cache_dir, CACHE_DEPS, &inputs->sources_key, "") != 0)
        return -1;
    int found = cache_record_read(path, &file);
    if (found == 0 && verbose)
        report("build cache: miss, no build of these sources with these flags, files and "
               "compiler yet");
    if (found <= 0)
        return found;
    if (parse_record(&record, file.payload, file.size) != 0) {
        cache_record_free(&file);
        cache_entry_drop(path, "not a build record");
        return 0;
    }
    found = find_image(cache_dir, inputs, &record, verify, image, verbose);
    free(record.headers);
    cache_record_free(&file);
    return found;
}

int build_cache_temp_base(const char *cache_dir, const struct input_hash *inputs, char *path,
                          size_t path_size)
{
    if (cache_entry_path(path, path_size, cache_dir, CACHE_IMAGES, &inputs->sources_key,
                         CACHE_IMAGE_SUFFIX) != 0)
        return -1;
    return cache_entry_make_folder(path);
}

static int write_record(const char *cache_dir, const struct input_hash *inputs,
                        const struct header_list *headers, const struct content_hash *image)
{
    char path[PATH_MAX];
    struct deps_head head = {*image, headers->count};
    size_t size = sizeof head;
    for (size_t i = 0; i < headers->count; i++)
        size += sizeof headers->files[i].hash + strlen(headers->files[i].path) + 1;
    uint8_t *payload = malloc(size), *at = payload;
    if (payload == NULL)
        return report("build cache: %s", strerror(ENOMEM));
    memcpy(at, &head, sizeof head);
    at += sizeof head;
    for (size_t i = 0; i < headers->count; i++) {
        size_t len = strlen(headers->files[i].path) + 1;
        memcpy(at, headers->files[i].hash.bytes, sizeof headers->files[i].hash);
        memcpy(at + sizeof headers->files[i].hash, headers->files[i].path, len);
        at += sizeof headers->files[i].hash + len;
    }
    int rc = cache_entry_path(path, sizeof path, cache_dir, CACHE_DEPS, &inputs->sources_key, "");
    if (rc == 0)
        rc = cache_record_write(path, payload, size);
    free(payload);
    return rc;
}

int build_cache_store(const char *cache_dir, const struct input_hash *inputs,
                      const struct header_list *headers, const char *temp,
                      struct built_image *image)
{
    struct content_hash key = input_hash_finish(inputs, headers->files, headers->count);
    int rc = content_hash_file(temp, &image->hash);
    if (rc != 0)
        return report("%s: cannot read the image just built: %s", temp, strerror(-rc));
    if (cache_entry_path(image->path, sizeof image->path, cache_dir, CACHE_IMAGES, &key,
                         CACHE_IMAGE_SUFFIX) != 0 ||
        atomic_file_commit(temp, image->path) != 0)
        return -1;
    return write_record(cache_dir, inputs, headers, &image->hash);
}
