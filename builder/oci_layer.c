#include "oci_layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>

#include "common/report.h"

#define APP_MODE  0755
#define ROOT_ID   0
#define THE_EPOCH 0
/* libarchive's gzip stores the time of writing unless told not to. */
#define GZIP_OPTIONS "gzip:!timestamp"

struct layer_output {
    struct oci_hasher hasher;
    oci_layer_sink *sink;
    void *context;
    bool stopped; /* the sink failed, and said why */
};

static la_ssize_t take(struct archive *archive, void *data, const void *bytes, size_t len)
{
    struct layer_output *output = data;
    oci_hasher_add(&output->hasher, bytes, len);
    if (output->sink != NULL && output->sink(output->context, bytes, len) != 0) {
        output->stopped = true;
        archive_set_error(archive, EIO, "its reader stopped");
        return -1;
    }
    return (la_ssize_t)len;
}

static struct archive_entry *app_entry(size_t size)
{
    struct archive_entry *entry = archive_entry_new();
    if (entry == NULL)
        return NULL;
    archive_entry_set_pathname(entry, OCI_LAYER_APP_PATH + 1); /* a tar's names are relative */
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, APP_MODE);
    archive_entry_set_size(entry, (la_int64_t)size);
    archive_entry_set_uid(entry, ROOT_ID);
    archive_entry_set_gid(entry, ROOT_ID);
    archive_entry_set_mtime(entry, THE_EPOCH, 0);
    return entry;
}

static int fill(struct archive *archive, const uint8_t *image, size_t size)
{
    struct archive_entry *entry = app_entry(size);
    if (entry == NULL)
        return -1;
    int rc = archive_write_header(archive, entry) == ARCHIVE_OK &&
                     archive_write_data(archive, image, size) == (la_ssize_t)size
                 ? 0
                 : -1;
    archive_entry_free(entry);
    if (rc == 0 && archive_write_close(archive) != ARCHIVE_OK)
        rc = -1;
    return rc;
}

static int set_up(struct archive *archive, bool gzip, struct layer_output *output)
{
    if (archive_write_set_format_ustar(archive) != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(archive, 1) != ARCHIVE_OK)
        return -1;
    if (gzip && (archive_write_add_filter_gzip(archive) != ARCHIVE_OK ||
                 archive_write_set_options(archive, GZIP_OPTIONS) != ARCHIVE_OK))
        return -1;
    return archive_write_open(archive, output, NULL, take, NULL) == ARCHIVE_OK ? 0 : -1;
}

int oci_layer_write(const uint8_t *image, size_t size, const char *name, bool gzip,
                    oci_layer_sink *sink, void *context, struct oci_blob *blob)
{
    struct layer_output output = {.sink = sink, .context = context};
    oci_hasher_start(&output.hasher);
    struct archive *archive = archive_write_new();
    if (archive == NULL)
        return report("%s: cannot make its layer: out of memory", name);
    int rc = set_up(archive, gzip, &output);
    if (rc == 0)
        rc = fill(archive, image, size);
    const char *why = archive_error_string(archive);
    if (rc != 0 && !output.stopped)
        report("%s: cannot make its layer: %s", name, why != NULL ? why : "out of memory");
    archive_write_free(archive);
    if (rc == 0)
        oci_hasher_end(&output.hasher, blob);
    return rc;
}
