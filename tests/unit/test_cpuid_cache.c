#include <criterion/criterion.h>
#include <fcntl.h>
#include <unistd.h>

#include "monitor/cpuid_cache.h"

static struct content_hash key_of(const char *device)
{
    int fd = open(device, O_RDONLY);
    cr_assert(fd >= 0, "open %s", device);
    struct content_hash key;
    cr_assert_eq(cpuid_cache_key(fd, &key), 0);
    close(fd);
    return key;
}

Test(cpuid_cache, same_kvm_node_same_key)
{
    struct content_hash a = key_of("/dev/null"), b = key_of("/dev/null");
    cr_assert(content_hash_equal(&a, &b));
}

Test(cpuid_cache, another_node_another_key)
{
    struct content_hash a = key_of("/dev/null"), b = key_of("/dev/zero");
    cr_assert_not(content_hash_equal(&a, &b));
}

Test(cpuid_cache, no_key_without_a_node)
{
    struct content_hash key;
    cr_assert_eq(cpuid_cache_key(-1, &key), -1);
}
