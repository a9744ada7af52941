#include "cache_entry.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "file_io.h"
#include "mapped_file.h"
#include "report.h"

#define FOLDER_MODE  0700 /* as the XDG base directory spec asks */
#define RECORD_MODE  0600
#define RECORD_MAGIC "KILNREC1"

struct record_header {
    char magic[8];
    uint64_t size;            /* of the payload that follows */
    struct content_hash hash; /* of the payload */
};
_Static_assert(sizeof(struct record_header) == 32, "record_header layout");

int cache_entry_path(char *path, size_t path_size, const char *root, const char *folder,
                     const struct content_hash *key, const char *suffix)
{
    char hex[CONTENT_HASH_HEX_SIZE];
    content_hash_hex(key, hex);
    int len = snprintf(path, path_size, "%s/%s/%s%s", root, folder, hex, suffix);
    if (len >= 0 && (size_t)len < path_size)
        return 0;
    return report("%s: cache directory path too long", root);
}

static int make_folder(const char *folder)
{
    if (mkdir(folder, FOLDER_MODE) == 0 || errno == EEXIST)
        return 0;
    return report("%s: cannot create the cache folder: %s", folder, strerror(errno));
}

int cache_entry_make_folder(const char *path)
{
    char folder[PATH_MAX];
    snprintf(folder, sizeof folder, "%s", path);
    char *slash = strrchr(folder, '/');
    if (slash == NULL || slash == folder)
        return 0;
    *slash = '\0';
    if (access(folder, F_OK) == 0)
        return 0;
    /* Each parent in turn, from the top: ~/.cache may be missing too. */
    for (char *at = strchr(folder + 1, '/'); at != NULL; at = strchr(at + 1, '/')) {
        *at = '\0';
        int rc = make_folder(folder);
        *at = '/';
        if (rc != 0)
            return -1;
    }
    return make_folder(folder);
}

void cache_entry_drop(const char *path, const char *why)
{
    report("%s: corrupt cache entry (%s); removed, rebuilding it", path, why);
    if (unlink(path) != 0 && errno != ENOENT)
        report("%s: cannot remove: %s", path, strerror(errno));
}

int cache_record_write(const char *path, const void *payload, size_t size)
{
    struct record_header header = {
        .magic = RECORD_MAGIC, .size = size, .hash = content_hash_of(payload, size)};
    struct iovec parts[] = {{&header, sizeof header}, {(void *)payload, size}};
    if (cache_entry_make_folder(path) != 0)
        return -1;
    return atomic_file_write(path, RECORD_MODE, parts, sizeof parts / sizeof parts[0]);
}

/* Records are small: anything larger than this is not one. */
#define RECORD_MAX (1u << 20)

static const char *record_fault(const uint8_t *bytes, size_t size)
{
    struct record_header header;
    if (size < sizeof header)
        return "shorter than its header";
    memcpy(&header, bytes, sizeof header);
    if (memcmp(header.magic, RECORD_MAGIC, sizeof header.magic) != 0)
        return "not a kiln cache record";
    if (header.size != size - sizeof header)
        return "truncated";
    struct content_hash hash = content_hash_of(bytes + sizeof header, header.size);
    if (!content_hash_equal(&hash, &header.hash))
        return "content does not match its hash";
    return NULL;
}

static int read_fd(int fd, uint8_t **bytes, size_t *size)
{
    uint64_t file_size;
    int rc = regular_file_size(fd, &file_size);
    if (rc != 0 || file_size > RECORD_MAX)
        return rc != 0 ? rc : -EINVAL;
    *bytes = malloc(file_size + 1);
    if (*bytes == NULL)
        return -ENOMEM;
    ssize_t got = read_all(fd, *bytes, file_size);
    *size = got > 0 ? (size_t)got : 0;
    return 0;
}

/* Reads the file at path whole into a new buffer.  Returns 0, or a
 * negative errno: EISDIR or EINVAL when it is no regular file of a
 * record's size. */
static int read_whole(const char *path, uint8_t **bytes, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int rc = read_fd(fd, bytes, size);
    close(fd);
    return rc;
}

int cache_record_read(const char *path, struct cache_record *record)
{
    size_t size = 0;
    *record = (struct cache_record){0};
    int rc = read_whole(path, &record->bytes, &size);
    if (rc == -ENOENT)
        return 0;
    bool not_a_record = rc == -EINVAL || rc == -EISDIR;
    if (rc != 0 && !not_a_record)
        return report("%s: cannot read the cache entry: %s", path, strerror(-rc));
    const char *fault =
        not_a_record ? "not a kiln cache record" : record_fault(record->bytes, size);
    if (fault != NULL) {
        cache_record_free(record);
        cache_entry_drop(path, fault);
        return 0;
    }
    record->payload = record->bytes + sizeof(struct record_header);
    record->size = size - sizeof(struct record_header);
    return 1;
}

void cache_record_free(struct cache_record *record)
{
    free(record->bytes);
    *record = (struct cache_record){0};
}

int cache_record_take(const char *path, bool (*sane)(const void *payload, size_t size),
                      const char *not_sane, void **payload, size_t *size)
{
    struct cache_record record;
    if (cache_record_read(path, &record) != 1)
        return 0;
    *payload = NULL;
    if (!sane(record.payload, record.size))
        cache_entry_drop(path, not_sane);
    else if ((*payload = malloc(record.size)) != NULL) {
        memcpy(*payload, record.payload, record.size);
        *size = record.size;
    }
    cache_record_free(&record);
    return *payload != NULL;
}

static bool is_hex_name(const char *name, size_t len)
{
    if (len != CONTENT_HASH_HEX_SIZE - 1)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isxdigit((unsigned char)name[i]) || isupper((unsigned char)name[i]))
            return false;
    return true;
}

bool cache_entry_owns(const char *name)
{
    const char *temp = strstr(name, ATOMIC_FILE_TEMP_MARK);
    size_t len = temp != NULL ? (size_t)(temp - name) : strlen(name);
    size_t suffix_len = strlen(CACHE_IMAGE_SUFFIX);
    if (len > suffix_len && memcmp(name + len - suffix_len, CACHE_IMAGE_SUFFIX, suffix_len) == 0)
        len -= suffix_len;
    return is_hex_name(name, len);
}
