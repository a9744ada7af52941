#include <criterion/criterion.h>
#include <string.h>

#include <kiln/abi.h>

#include "cmd/oci_bundle.h"

#define NAME "config.json"
/* The smallest config kiln-oci runs; tests add members after it. */
#define PROCESS_AND_ROOT                                                                           \
    "\"process\": {\"args\": [\"/app.kiln\"]}, \"root\": {\"path\": \"rootfs\"}"

static char error[OCI_BUNDLE_ERROR];

static struct oci_bundle parsed(const char *text)
{
    struct oci_bundle bundle;
    cr_assert_eq(oci_bundle_parse(&bundle, text, strlen(text), NAME, error, sizeof error), 0,
                 "refused: %s", error);
    return bundle;
}

static void assert_refused(const char *text, const char *why)
{
    struct oci_bundle bundle;
    cr_assert_eq(oci_bundle_parse(&bundle, text, strlen(text), NAME, error, sizeof error), -1);
    cr_assert_str_eq(error, why);
}

static bool ignored(const struct oci_bundle *bundle, const char *start)
{
    for (size_t i = 0; i < bundle->ignored_count; i++)
        if (strncmp(bundle->ignored[i], start, strlen(start)) == 0)
            return true;
    return false;
}

Test(oci_bundle, process_and_root_are_read)
{
    struct oci_bundle bundle =
        parsed("{\"ociVersion\": \"1.0.2\", \"process\": {\"args\": [\"/bin/app\", \"a b\"], "
               "\"env\": [\"PATH=/bin\", \"X=1\"], \"cwd\": \"/srv\"}, "
               "\"root\": {\"path\": \"rootfs\", \"readonly\": true}}");
    cr_assert_eq(bundle.arg_count, 2);
    cr_assert_str_eq(bundle.args[0], "/bin/app");
    cr_assert_str_eq(bundle.args[1], "a b");
    cr_assert_null(bundle.args[2]);
    cr_assert_str_eq(bundle.env[0], "PATH=/bin");
    cr_assert_str_eq(bundle.env[1], "X=1");
    cr_assert_null(bundle.env[2]);
    cr_assert_str_eq(bundle.cwd, "/srv");
    cr_assert_str_eq(bundle.root_path, "rootfs");
    cr_assert(bundle.root_read_only);
    cr_assert_not(bundle.terminal);
    cr_assert_eq(bundle.mem_size, 0);
    cr_assert_eq(bundle.mount_count, 0);
    cr_assert_eq(bundle.ignored_count, 0);
    oci_bundle_free(&bundle);
}

Test(oci_bundle, cwd_defaults_to_root_and_env_to_none)
{
    struct oci_bundle bundle = parsed("{" PROCESS_AND_ROOT "}");
    cr_assert_str_eq(bundle.cwd, "/");
    cr_assert_null(bundle.env[0]);
    cr_assert_not(bundle.root_read_only);
    oci_bundle_free(&bundle);
}

Test(oci_bundle, terminal_and_its_size)
{
    struct oci_bundle bundle =
        parsed("{\"process\": {\"terminal\": true, \"consoleSize\": {\"height\": 24, \"width\": "
               "80}, \"args\": [\"sh\"]}, \"root\": {\"path\": \"r\"}}");
    cr_assert(bundle.terminal);
    cr_assert_eq(bundle.console_height, 24);
    cr_assert_eq(bundle.console_width, 80);
    oci_bundle_free(&bundle);
}

Test(oci_bundle, malformed_json_says_where)
{
    assert_refused("{\"process\": ", "config.json: line 1, column 12: unexpected token near end "
                                     "of file");
}

Test(oci_bundle, a_config_that_is_no_object_is_refused)
{
    assert_refused("[1]", "config.json: not a JSON object");
}

Test(oci_bundle, missing_process_is_refused)
{
    assert_refused("{\"root\": {\"path\": \"r\"}}", "config.json: no process: nothing to run");
}

Test(oci_bundle, missing_or_empty_args_are_refused)
{
    assert_refused("{\"process\": {}, \"root\": {\"path\": \"r\"}}",
                   "config.json: process.args is missing: nothing to run");
    assert_refused("{\"process\": {\"args\": []}, \"root\": {\"path\": \"r\"}}",
                   "config.json: process.args is empty: nothing to run");
    assert_refused("{\"process\": {\"args\": [\"\"]}, \"root\": {\"path\": \"r\"}}",
                   "config.json: process.args[0] is empty: nothing to run");
}

Test(oci_bundle, members_of_the_wrong_type_are_refused)
{
    assert_refused("{\"process\": {\"args\": [\"a\", 2]}, \"root\": {\"path\": \"r\"}}",
                   "config.json: process.args[1] is not a string");
    assert_refused("{\"process\": {\"args\": \"a\"}, \"root\": {\"path\": \"r\"}}",
                   "config.json: process.args is not an array");
    assert_refused("{\"process\": {\"args\": [\"a\"], \"terminal\": \"yes\"}, \"root\": "
                   "{\"path\": \"r\"}}",
                   "config.json: process.terminal is not true or false");
}

Test(oci_bundle, relative_cwd_is_refused)
{
    assert_refused("{\"process\": {\"args\": [\"a\"], \"cwd\": \"srv\"}, \"root\": {\"path\": "
                   "\"r\"}}",
                   "config.json: process.cwd \"srv\" is not absolute");
}

Test(oci_bundle, root_path_is_needed)
{
    assert_refused("{\"process\": {\"args\": [\"a\"]}}",
                   "config.json: no root: the guest's / is root.path");
    assert_refused("{\"process\": {\"args\": [\"a\"]}, \"root\": {\"path\": \"\"}}",
                   "config.json: root.path is empty");
}

Test(oci_bundle, bind_mounts_become_volumes)
{
    struct oci_bundle bundle =
        parsed("{" PROCESS_AND_ROOT ", \"mounts\": ["
               "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"/srv/data\"},"
               "{\"destination\": \"/conf\", \"type\": \"none\", \"source\": \"conf\", "
               "\"options\": [\"rbind\", \"ro\"]}]}");
    cr_assert_eq(bundle.mount_count, 2);
    cr_assert_eq(bundle.mounts[0].use, OCI_MOUNT_BIND);
    cr_assert_str_eq(bundle.mounts[0].destination, "/data");
    cr_assert_str_eq(bundle.mounts[0].source, "/srv/data");
    cr_assert_not(bundle.mounts[0].read_only);
    cr_assert_eq(bundle.mounts[1].use, OCI_MOUNT_BIND);
    cr_assert(bundle.mounts[1].read_only);
    oci_bundle_free(&bundle);
}

Test(oci_bundle, tmpfs_is_memory_and_kernel_file_systems_are_ignored)
{
    struct oci_bundle bundle =
        parsed("{" PROCESS_AND_ROOT ", \"mounts\": ["
               "{\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"},"
               "{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
               "{\"destination\": \"/dev/shm\", \"type\": \"bind\", \"source\": \"/shm\"},"
               "{\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\"},"
               "{\"destination\": \"/mnt\", \"type\": \"nfs\", \"source\": \"h:/x\"}]}");
    cr_assert_eq(bundle.mounts[0].use, OCI_MOUNT_MEMORY);
    for (size_t i = 1; i < bundle.mount_count; i++) {
        cr_assert_eq(bundle.mounts[i].use, OCI_MOUNT_IGNORED, "mount %zu", i);
        cr_assert_not_null(bundle.mounts[i].why);
    }
    oci_bundle_free(&bundle);
}

Test(oci_bundle, mounts_need_an_absolute_destination_and_binds_a_source)
{
    assert_refused("{" PROCESS_AND_ROOT ", \"mounts\": [{\"destination\": \"data\", \"type\": "
                   "\"bind\", \"source\": \"/d\"}]}",
                   "config.json: mounts[0].destination is not absolute");
    assert_refused("{" PROCESS_AND_ROOT ", \"mounts\": [{\"destination\": \"/d\", \"type\": "
                   "\"bind\"}]}",
                   "config.json: mounts[0] (/d) binds no source");
}

Test(oci_bundle, memory_limit_is_the_guest_s_rounded_up)
{
    struct oci_bundle bundle = parsed("{" PROCESS_AND_ROOT ", \"linux\": {\"resources\": "
                                      "{\"memory\": {\"limit\": 67108865}}}}");
    cr_assert_eq(bundle.mem_size, (64ull << 20) + KILN_MEM_ALIGN);
    cr_assert_eq(bundle.ignored_count, 0);
    oci_bundle_free(&bundle);
}

Test(oci_bundle, unlimited_memory_is_the_image_s_default)
{
    struct oci_bundle bundle = parsed("{" PROCESS_AND_ROOT ", \"linux\": {\"resources\": "
                                      "{\"memory\": {\"limit\": -1}}}}");
    cr_assert_eq(bundle.mem_size, 0);
    oci_bundle_free(&bundle);
}

Test(oci_bundle, memory_beyond_kiln_s_range_is_refused)
{
    assert_refused("{" PROCESS_AND_ROOT ", \"linux\": {\"resources\": {\"memory\": {\"limit\": "
                   "8589934592}}}}",
                   "config.json: linux.resources.memory.limit 8G is above kiln's largest guest "
                   "memory, 4G");
    assert_refused("{" PROCESS_AND_ROOT ", \"linux\": {\"resources\": {\"memory\": {\"limit\": "
                   "1048576}}}}",
                   "config.json: linux.resources.memory.limit 1M is below kiln's smallest guest "
                   "memory, 16M");
}

Test(oci_bundle, what_belongs_to_a_process_is_named_ignored)
{
    struct oci_bundle bundle = parsed(
        "{" PROCESS_AND_ROOT ", \"hooks\": {}, \"linux\": {\"namespaces\": [{\"type\": \"pid\"}], "
        "\"seccomp\": {}, \"cgroupsPath\": \"/x\", \"maskedPaths\": [], \"resources\": "
        "{\"pids\": {\"limit\": 10}, \"memory\": {\"limit\": 33554432}}}}");
    cr_assert(ignored(&bundle, "hooks "));
    cr_assert(ignored(&bundle, "linux.namespaces (a VM is its own)"));
    cr_assert(ignored(&bundle, "linux.seccomp "));
    cr_assert(ignored(&bundle, "linux.cgroupsPath "));
    cr_assert(ignored(&bundle, "linux.maskedPaths "));
    cr_assert(ignored(&bundle, "linux.resources but memory.limit "));
    cr_assert_eq(bundle.mem_size, 32ull << 20);
    oci_bundle_free(&bundle);
}

Test(oci_bundle, process_capabilities_and_rlimits_are_named_ignored)
{
    struct oci_bundle bundle =
        parsed("{\"process\": {\"args\": [\"a\"], \"capabilities\": {}, \"rlimits\": [{\"type\": "
               "\"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}], \"user\": {\"uid\": 0}}, "
               "\"root\": {\"path\": \"r\"}}");
    cr_assert(ignored(&bundle, "process.capabilities "));
    cr_assert(ignored(&bundle, "process.rlimits "));
    cr_assert(ignored(&bundle, "process.user "));
    oci_bundle_free(&bundle);
}

Test(oci_bundle, annotations_are_kept)
{
    struct oci_bundle bundle = parsed("{" PROCESS_AND_ROOT ", \"annotations\": {\"a\": \"b\"}}");
    cr_assert_str_eq(json_string_value(json_object_get(bundle.annotations, "a")), "b");
    oci_bundle_free(&bundle);
}
