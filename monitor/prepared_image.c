#include "prepared_image.h"

#include <string.h>
#include <unistd.h>

#include "common/report.h"

static bool from_cache(const struct prepared_image *prepared)
{
    return prepared->cached.fd >= 0;
}

/* The boot cache's key: the image's XXH3-128, as xxh128sum prints it; of
 * an image with embedded files, of its bytes but the files' pages, and
 * where those lie.  An entry never holds those pages (they are mapped
 * from the image file at every boot), so images that differ only in them
 * may share one: all that an entry holds comes from bytes the key covers.
 * Hashing 100 MiB of files took 25 ms, 25 boots' worth. */
static struct content_hash key_of(const uint8_t *bytes, size_t size)
{
    struct image_files files = image_files_locate(bytes, size);
    if (files.size == 0)
        return content_hash_of(bytes, size);
    uint64_t after = files.file_offset + files.size;
    struct content_hasher hasher;
    content_hasher_start(&hasher);
    content_hasher_add(&hasher, &files, sizeof files);
    content_hasher_add(&hasher, bytes, files.file_offset);
    content_hasher_add(&hasher, bytes + after, size - after);
    return content_hasher_digest(&hasher);
}

/* The file is mapped even when the boot cache has its memory: the key
 * reads it, the embedded files come from it, and a crash report names
 * code from its symbols. */
int prepared_image_open(struct prepared_image *prepared, const struct monitor_options *options,
                        const char *name)
{
    *prepared = (struct prepared_image){
        .fd = -1, .cached.fd = -1, .cache_dir = options->cache_dir, .verbose = options->verbose};
    if (image_map(&prepared->file, &prepared->fd, options->image_path, name) != 0)
        return -1;
    uint8_t *bytes = prepared->file.bytes;
    size_t size = prepared->file.size;
    if (prepared->cache_dir != NULL) {
        prepared->hash = options->image_hash ? *options->image_hash : key_of(bytes, size);
        if (boot_cache_open(&prepared->cached, &prepared->image, prepared->cache_dir,
                            &prepared->hash, name, prepared->verbose)) {
            prepared->image.bytes = bytes;
            prepared->image.size = size;
            return 0;
        }
    }
    return image_parse(&prepared->image, name, bytes, size);
}

int prepared_image_map_files(const struct prepared_image *prepared, const struct guest_mem *mem)
{
    const struct image *image = &prepared->image;
    int rc = image_files_map(&image->files, mem, prepared->fd, prepared->file.size);
    if (rc != 0)
        return report("%s: cannot map the embedded files: %s", image->name, strerror(-rc));
    return 0;
}

int prepared_image_load(const struct prepared_image *prepared, const struct guest_mem *mem)
{
    int rc = from_cache(prepared) ? boot_cache_map(&prepared->cached, &prepared->image, mem)
                                  : image_load(&prepared->image, mem);
    return rc == 0 ? prepared_image_map_files(prepared, mem) : -1;
}

void prepared_image_keep(const struct prepared_image *prepared, const struct guest_mem *mem)
{
    if (prepared->cache_dir != NULL && !from_cache(prepared))
        boot_cache_save(prepared->cache_dir, &prepared->hash, &prepared->image, mem,
                        prepared->verbose);
}

void prepared_image_close(struct prepared_image *prepared)
{
    boot_cache_close(&prepared->cached);
    mapped_file_close(&prepared->file);
    if (prepared->fd >= 0)
        close(prepared->fd);
    prepared->fd = -1;
}
