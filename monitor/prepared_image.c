#include "prepared_image.h"

static bool from_cache(const struct prepared_image *prepared)
{
    return prepared->cached.fd >= 0;
}

/* The file is mapped even when the boot cache has its memory: hashing
 * reads it anyway, and a crash report names code from its symbols. */
int prepared_image_open(struct prepared_image *prepared, const struct monitor_options *options,
                        const char *name)
{
    *prepared = (struct prepared_image){
        .cached.fd = -1, .cache_dir = options->cache_dir, .verbose = options->verbose};
    if (image_map(&prepared->file, options->image_path, name) != 0)
        return -1;
    uint8_t *bytes = prepared->file.bytes;
    size_t size = prepared->file.size;
    if (prepared->cache_dir != NULL) {
        prepared->hash = options->image_hash ? *options->image_hash : content_hash_of(bytes, size);
        if (boot_cache_open(&prepared->cached, &prepared->image, prepared->cache_dir,
                            &prepared->hash, name, prepared->verbose)) {
            prepared->image.bytes = bytes;
            prepared->image.size = size;
            return 0;
        }
    }
    return image_parse(&prepared->image, name, bytes, size);
}

int prepared_image_load(const struct prepared_image *prepared, const struct guest_mem *mem)
{
    if (!from_cache(prepared))
        return image_load(&prepared->image, mem);
    return boot_cache_map(&prepared->cached, &prepared->image, mem);
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
}
