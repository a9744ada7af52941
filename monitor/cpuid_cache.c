#include "cpuid_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common/cache_entry.h"
#include "common/report.h"

#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"
#define BOOT_ID_SIZE 37 /* a UUID and its newline */

/* Differs at every boot of the host, so that no answer outlives the
 * kernel and modules that gave it. */
static int read_boot_id(char id[BOOT_ID_SIZE])
{
    int fd = open(BOOT_ID_PATH, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t got = read(fd, id, BOOT_ID_SIZE);
    close(fd);
    return got > 0 ? 0 : -1;
}

int cpuid_cache_key(int kvm_fd, struct content_hash *key)
{
    struct utsname kernel;
    struct stat device;
    char boot_id[BOOT_ID_SIZE] = {0};
    if (uname(&kernel) != 0 || read_boot_id(boot_id) != 0 || fstat(kvm_fd, &device) != 0)
        return -1;
    struct content_hasher hasher;
    content_hasher_start(&hasher);
    content_hasher_add(&hasher, kernel.release, strlen(kernel.release) + 1);
    content_hasher_add(&hasher, kernel.version, strlen(kernel.version) + 1);
    content_hasher_add(&hasher, kernel.machine, strlen(kernel.machine) + 1);
    content_hasher_add(&hasher, boot_id, sizeof boot_id);
    /* Loading KVM's module anew makes a new /dev/kvm. */
    uint64_t node[] = {device.st_ino, (uint64_t)device.st_ctim.tv_sec,
                       (uint64_t)device.st_ctim.tv_nsec};
    content_hasher_add(&hasher, node, sizeof node);
    *key = content_hasher_digest(&hasher);
    return 0;
}

static size_t table_size(uint32_t entries)
{
    return sizeof(struct kvm_cpuid2) + entries * sizeof(struct kvm_cpuid_entry2);
}

static bool is_table(const void *payload, size_t size)
{
    uint32_t entries;
    if (size < sizeof(struct kvm_cpuid2))
        return false;
    memcpy(&entries, payload, sizeof entries);
    return entries <= CPUID_MAX_ENTRIES && size == table_size(entries);
}

static struct kvm_cpuid2 *asked_table(int kvm_fd)
{
    struct kvm_cpuid2 *table = calloc(1, table_size(CPUID_MAX_ENTRIES));
    if (table == NULL) {
        report("allocating CPUID: %s", strerror(errno));
        return NULL;
    }
    table->nent = CPUID_MAX_ENTRIES;
    if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, table) != 0) {
        report("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
        free(table);
        return NULL;
    }
    return table;
}

struct kvm_cpuid2 *cpuid_supported(int kvm_fd, const char *cache_dir)
{
    struct content_hash key;
    char path[PATH_MAX];
    if (cache_dir == NULL || cpuid_cache_key(kvm_fd, &key) != 0 ||
        cache_entry_path(path, sizeof path, cache_dir, CACHE_CPUID, &key, "") != 0)
        return asked_table(kvm_fd);
    void *cached;
    size_t size;
    if (cache_record_take(path, is_table, "not a CPUID table", &cached, &size))
        return cached;
    struct kvm_cpuid2 *table = asked_table(kvm_fd);
    /* A cache that cannot be written is reported; the run goes on. */
    if (table != NULL)
        cache_record_write(path, table, table_size(table->nent));
    return table;
}
