#include "prepared_image.h"

static bool from_cache(const struct prepared_image *prepared)
{
    return prepared->cached.fd >= 0;
}

/* The boot cache's key: the caller may know it already. */
static int hash_image(struct prepared_image *prepared, const struct monitor_options *options,
                      const char *name)
{
    if (options->image_hash != NULL) {
        prepared->hash = *options->image_hash;
        return 0;
    }
    if (image_map(&prepared->file, options->image_path, name) != 0)
        return -1;
    prepared->hash = content_hash_of(prepared->file.bytes, prepared->file.size);
    return 0;
}

int prepared_image_open(struct prepared_image *prepared, const struct monitor_options *options,
                        const char *name)
{
    *prepared = (struct prepared_image){
        .cached.fd = -1, .cache_dir = options->cache_dir, .verbose = options->verbose};
    if (prepared->cache_dir != NULL) {
        if (hash_image(prepared, options, name) != 0)
            return -1;
        if (boot_cache_open(&prepared->cached, &prepared->image, prepared->cache_dir,
                            &prepared->hash, name, prepared->verbose)) {
            mapped_file_close(&prepared->file);
            return 0;
        }
    }
    if (prepared->file.bytes == NULL && image_map(&prepared->file, options->image_path, name) != 0)
        return -1;
    return image_parse(&prepared->image, name, prepared->file.bytes, prepared->file.size);
}

int prepared_image_load(const struct prepared_image *prepared, const struct guest_mem *mem,
                        uint64_t ram_limit)
{
    if (!from_cache(prepared))
        return image_load(&prepared->image, mem, ram_limit);
    if (image_fits(&prepared->image, ram_limit) != 0)
        return -1;
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
