#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cmd/options.h"
#include "cmd/volume_options.h"

#define ARGC(argv) ((int)(sizeof(argv) / sizeof(argv)[0]))

static char error[OPTIONS_ERROR_SIZE];

static struct run_args parsed(int argc, char **argv)
{
    struct run_args args;
    int result = options_parse_run(argc, argv, &args, error, sizeof error);
    cr_assert_eq(result, 0, "refused: %s", error);
    return args;
}

static void assert_refused(int argc, char **argv, const char *why)
{
    struct run_args args;
    cr_assert_eq(options_parse_run(argc, argv, &args, error, sizeof error), -1);
    cr_assert_str_eq(error, why);
}

Test(run_options, image_alone_runs_with_defaults)
{
    char *argv[] = {"run", "app.kiln"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.image, "app.kiln");
    cr_assert_eq(args.compile.source_count, 0);
    cr_assert_eq(args.mem_size, 0);
    cr_assert_eq(args.timeout_ms, 0);
    cr_assert_eq(args.env_count, 0);
    cr_assert_null(args.env[0]);
    cr_assert_eq(args.program_arg_count, 0);
    options_free_run(&args);
}

Test(run_options, image_need_not_end_in_kiln)
{
    char *argv[] = {"run", "app.img"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.image, "app.img");
    options_free_run(&args);
}

Test(run_options, c_files_are_sources)
{
    char *argv[] = {"run", "main.c", "util.c"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_null(args.image);
    cr_assert_eq(args.compile.source_count, 2);
    cr_assert_str_eq(args.compile.sources[0], "main.c");
    cr_assert_str_eq(args.compile.sources[1], "util.c");
    options_free_run(&args);
}

Test(run_options, everything_after_double_dash_goes_to_the_program)
{
    char *argv[] = {"run", "app.kiln", "--", "--mem", "1", "--", "x"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.program_arg_count, 4);
    cr_assert_str_eq(args.program_args[0], "--mem");
    cr_assert_str_eq(args.program_args[3], "x");
    cr_assert_eq(args.mem_size, 0);
    options_free_run(&args);
}

Test(run_options, options_may_follow_the_image)
{
    char *argv[] = {"run", "app.kiln", "--mem", "64M", "--timeout=0.5"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.mem_size, 64ull << 20);
    cr_assert_eq(args.timeout_ms, 500);
    options_free_run(&args);
}

Test(run_options, env_is_repeatable)
{
    char *argv[] = {"run", "--env", "A=1", "--env=B=two words", "app.kiln"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.env_count, 2);
    cr_assert_str_eq(args.env[0], "A=1");
    cr_assert_str_eq(args.env[1], "B=two words");
    cr_assert_null(args.env[2]);
    options_free_run(&args);
}

Test(run_options, later_env_replaces_the_same_name)
{
    char *argv[] = {"run", "--env", "A=1", "--env", "AB=2", "--env", "A=3", "app.kiln"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.env_count, 2);
    cr_assert_str_eq(args.env[0], "A=3");
    cr_assert_str_eq(args.env[1], "AB=2");
    options_free_run(&args);
}

Test(run_options, env_value_may_be_empty)
{
    char *argv[] = {"run", "--env", "A=", "app.kiln"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.env[0], "A=");
    options_free_run(&args);
}

Test(run_options, env_without_equals_is_refused)
{
    char *argv[] = {"run", "--env", "HOME", "app.kiln"};
    assert_refused(ARGC(argv), argv, "--env: \"HOME\" is not NAME=VALUE");
}

Test(run_options, env_without_name_is_refused)
{
    char *argv[] = {"run", "--env", "=x", "app.kiln"};
    assert_refused(ARGC(argv), argv, "--env: \"=x\" is not NAME=VALUE");
}

Test(run_options, bad_mem_says_why)
{
    char *argv[] = {"run", "--mem", "12Q", "app.kiln"};
    assert_refused(ARGC(argv), argv, "--mem: \"12Q\" is not a size (e.g. 64M, 1G)");
}

Test(run_options, bad_timeout_says_why)
{
    char *argv[] = {"run", "--timeout", "soon", "app.kiln"};
    assert_refused(ARGC(argv), argv,
                   "--timeout: \"soon\" is not a number of seconds (e.g. 10, 0.5)");
}

Test(run_options, build_options_apply_to_sources)
{
    char *argv[] = {"run", "-O0", "-I", "inc", "-DX", "-lm", "--verbose", "app.c"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.compile.cflag_count, 5);
    cr_assert_str_eq(args.compile.cflags[0], "-O0");
    cr_assert_str_eq(args.compile.cflags[2], "inc");
    cr_assert_str_eq(args.compile.cflags[4], "X");
    cr_assert_str_eq(args.compile.libs[0], "m");
    cr_assert(args.compile.verbose);
    options_free_run(&args);
}

Test(run_options, output_is_not_a_run_option)
{
    char *argv[] = {"run", "-o", "x.kiln", "app.c"};
    assert_refused(ARGC(argv), argv, "unknown option \"-o\" (see kiln run --help)");
}

Test(run_options, second_image_is_refused)
{
    char *argv[] = {"run", "app.kiln", "extra"};
    assert_refused(ARGC(argv), argv,
                   "unexpected argument \"extra\" (the program's arguments go after --)");
}

Test(run_options, image_and_sources_together_are_refused)
{
    char *argv[] = {"run", "app.c", "app.kiln"};
    assert_refused(ARGC(argv), argv,
                   "unexpected argument \"app.kiln\" (the program's arguments go after --)");
}

Test(run_options, source_after_image_is_refused)
{
    char *argv[] = {"run", "app.kiln", "app.c"};
    assert_refused(ARGC(argv), argv,
                   "unexpected argument \"app.c\" (the program's arguments go after --)");
}

Test(run_options, nothing_to_run_is_refused)
{
    char *argv[] = {"run", "--mem", "64M", "--", "x"};
    assert_refused(ARGC(argv), argv, "no image, program or .c file given (see kiln run --help)");
}

Test(run_options, missing_timeout_value_is_refused)
{
    char *argv[] = {"run", "app.kiln", "--timeout"};
    assert_refused(ARGC(argv), argv, "--timeout needs a number of seconds");
}

Test(run_options, help_wins_over_the_rest)
{
    char *argv[] = {"run", "--help", "--bogus"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert(args.help);
    options_free_run(&args);
}

Test(run_options, help_after_double_dash_is_the_programs)
{
    char *argv[] = {"run", "app.kiln", "--", "--help"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_not(args.help);
    cr_assert_str_eq(args.program_args[0], "--help");
    options_free_run(&args);
}

Test(run_options, image_may_follow_the_options)
{
    char *argv[] = {"run", "--mem=64M", "--trace-boot", "app.kiln", "--", "-v"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.image, "app.kiln");
    cr_assert(args.trace_boot);
    cr_assert_not(args.compile.verbose);
    cr_assert_eq(args.program_arg_count, 1);
    cr_assert_str_eq(args.program_args[0], "-v");
    options_free_run(&args);
}

Test(run_options, strace_takes_no_value_and_leaves_verbose_alone)
{
    char *argv[] = {"run", "--strace", "app.kiln"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert(args.strace);
    cr_assert_not(args.compile.verbose);
    options_free_run(&args);
}

Test(run_options, program_arguments_keep_their_order)
{
    char *argv[] = {"run", "app.c", "--", "b", "-O2", "a", "--env", "X=1"};
    char *before[ARGC(argv)];
    memcpy(before, argv, sizeof argv);
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_arr_eq(argv, before, sizeof argv);
    cr_assert_eq(args.program_arg_count, 5);
    cr_assert_str_eq(args.program_args[0], "b");
    cr_assert_str_eq(args.program_args[1], "-O2");
    cr_assert_str_eq(args.program_args[4], "X=1");
    cr_assert_eq(args.compile.cflag_count, 0);
    cr_assert_eq(args.env_count, 0);
    options_free_run(&args);
}

Test(run_options, double_dash_alone_gives_no_arguments)
{
    char *argv[] = {"run", "app.kiln", "--"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.program_arg_count, 0);
    options_free_run(&args);
}

Test(run_options, abbreviations_are_refused)
{
    char *argv[] = {"run", "--tim", "5", "app.kiln"};
    assert_refused(ARGC(argv), argv, "unknown option \"--tim\" (see kiln run --help)");
}

Test(run_options, trace_boot_takes_no_value)
{
    char *argv[] = {"run", "--trace-boot=1", "app.kiln"};
    assert_refused(ARGC(argv), argv, "unknown option \"--trace-boot=1\" (see kiln run --help)");
}

Test(run_options, missing_env_value_is_refused)
{
    char *argv[] = {"run", "app.kiln", "--env"};
    assert_refused(ARGC(argv), argv, "--env needs NAME=VALUE");
}

Test(run_options, missing_library_is_refused)
{
    char *argv[] = {"run", "app.c", "-l"};
    assert_refused(ARGC(argv), argv, "-l needs a library name");
}

Test(run_options, files_go_with_sources)
{
    char *argv[] = {"run", "--files", "data:/srv", "app.c"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.compile.files_count, 1);
    cr_assert_str_eq(args.compile.files[0].guest_dir, "/srv");
    options_free_run(&args);
}

Test(run_options, volumes_are_docker_s_v_with_normalized_guest_folders)
{
    char *argv[] = {"run", "-v",          "/srv/data:/data/", "--volume=cache:/var//cache/./x:ro",
                    "-w",  "/data/./in/", "app.kiln"};
    struct run_args args = parsed(ARGC(argv), argv);
    const struct volume_args *volumes = args.volumes;
    cr_assert_eq(volumes->count, 2);
    cr_assert_str_eq(volumes->list[0].host, "/srv/data");
    cr_assert_str_eq(volumes->list[0].guest, "/data");
    cr_assert_not(volumes->list[0].read_only);
    cr_assert_str_eq(volumes->list[1].host, "cache");
    cr_assert_str_eq(volumes->list[1].guest, "/var/cache/x");
    cr_assert(volumes->list[1].read_only);
    cr_assert_str_eq(volumes->workdir, "/data/in");
    cr_assert_not(args.compile.verbose);
    options_free_run(&args);
}

Test(run_options, rw_is_the_default_mode)
{
    char *argv[] = {"run", "-v", "a:/a:rw", "-w", "/", "app.kiln"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_not(args.volumes->list[0].read_only);
    cr_assert_str_eq(args.volumes->workdir, "", "-w / is the default");
    options_free_run(&args);
}

Test(run_options, volumes_that_share_or_nest_guest_folders_are_refused)
{
    char *same[] = {"run", "-v", "a:/data", "-v", "b:/data/", "app.kiln"};
    char *nested[] = {"run", "-v", "a:/data/sub", "-v", "b:/data", "app.kiln"};
    char *apart[] = {"run", "-v", "a:/data", "-v", "b:/database", "app.kiln"};
    assert_refused(ARGC(same), same,
                   "-v: the guest folders /data and /data overlap (volumes may not share a "
                   "folder or nest, but in one at /)");
    assert_refused(ARGC(nested), nested,
                   "-v: the guest folders /data/sub and /data overlap (volumes may not share "
                   "a folder or nest, but in one at /)");
    struct run_args args = parsed(ARGC(apart), apart);
    cr_assert_eq(args.volumes->count, 2);
    options_free_run(&args);
}

Test(run_options, a_root_volume_holds_the_others)
{
    char *argv[] = {"run",     "-v",   "a:/data", "-v",       "/rootfs:/:ro",
                    "--tmpfs", "/tmp", "-w",      "/srv/app", "app.kiln"};
    struct run_args args = parsed(ARGC(argv), argv);
    const struct volume_args *volumes = args.volumes;
    cr_assert_eq(volumes->count, 3);
    cr_assert_str_eq(volumes->list[1].host, "/rootfs");
    cr_assert_str_eq(volumes->list[1].guest, "/");
    cr_assert(volumes->list[1].read_only);
    cr_assert_str_eq(volumes->workdir, "/srv/app");
    options_free_run(&args);
}

Test(run_options, a_second_root_volume_is_refused)
{
    char *argv[] = {"run", "-v", "a:/", "-v", "b://", "app.kiln"};
    assert_refused(ARGC(argv), argv,
                   "-v: the guest folders / and / overlap (volumes may not share a folder or "
                   "nest, but in one at /)");
}

Test(run_options, tmpfs_is_an_in_memory_volume_with_no_host_folder)
{
    char *argv[] = {"run", "--tmpfs", "/run//lock/", "--tmpfs=/tmp", "app.kiln"};
    struct run_args args = parsed(ARGC(argv), argv);
    const struct volume_args *volumes = args.volumes;
    cr_assert_eq(volumes->count, 2);
    cr_assert_str_eq(volumes->list[0].guest, "/run/lock");
    cr_assert_null(volumes->list[0].host);
    cr_assert(volumes->list[0].in_memory);
    cr_assert_not(volumes->list[0].read_only);
    cr_assert_str_eq(volumes->list[1].guest, "/tmp");
    options_free_run(&args);
}

Test(run_options, tmpfs_overlaps_as_volumes_do)
{
    char *under[] = {"run", "-v", "a:/data", "--tmpfs", "/data/tmp", "app.kiln"};
    char *over[] = {"run", "--tmpfs", "/tmp", "-v", "a:/tmp", "app.kiln"};
    char *root[] = {"run", "--tmpfs", "/", "app.kiln"};
    char *relative[] = {"run", "--tmpfs", "tmp", "app.kiln"};
    assert_refused(ARGC(under), under,
                   "--tmpfs: the guest folders /data and /data/tmp overlap (volumes may not "
                   "share a folder or nest, but in one at /)");
    assert_refused(ARGC(over), over,
                   "-v: the guest folders /tmp and /tmp overlap (volumes may not share a "
                   "folder or nest, but in one at /)");
    assert_refused(ARGC(root), root, "--tmpfs \"/\": the guest folder may not be /");
    assert_refused(ARGC(relative), relative, "--tmpfs \"tmp\": the guest folder is not absolute");
}

Test(run_options, a_volume_needs_host_and_absolute_guest_folders)
{
    char *no_guest[] = {"run", "-v", "/srv", "app.kiln"};
    char *no_host[] = {"run", "-v", ":/data", "app.kiln"};
    char *relative[] = {"run", "-v", "/srv:data", "app.kiln"};
    char *dotdot[] = {"run", "-v", "/srv:/a/../b", "app.kiln"};
    char *mode[] = {"run", "-v", "/srv:/data:rx", "app.kiln"};
    assert_refused(ARGC(no_guest), no_guest, "-v: \"/srv\" is not HOST_DIR:GUEST_DIR[:ro|:rw]");
    assert_refused(ARGC(no_host), no_host, "-v: \":/data\" is not HOST_DIR:GUEST_DIR[:ro|:rw]");
    assert_refused(ARGC(relative), relative, "-v \"/srv:data\": the guest folder is not absolute");
    assert_refused(ARGC(dotdot), dotdot,
                   "-v \"/srv:/a/../b\": a \"..\" component, which could leave the guest "
                   "folder");
    assert_refused(ARGC(mode), mode, "-v: \"/srv:/data:rx\" is not HOST_DIR:GUEST_DIR[:ro|:rw]");
}

Test(run_options, at_most_sixteen_volumes)
{
    char *argv[2 + 2 * (KILN_VOLUME_MAX + 1)] = {"run"};
    static char specs[KILN_VOLUME_MAX + 1][16];
    int argc = 1;
    for (int i = 0; i <= KILN_VOLUME_MAX; i++) {
        snprintf(specs[i], sizeof specs[i], "h:/v%d", i);
        argv[argc++] = "-v";
        argv[argc++] = specs[i];
    }
    argv[argc++] = "app.kiln";
    assert_refused(argc, argv, "-v: more than 16 volumes");
}

Test(run_options, workdir_must_be_absolute)
{
    char *argv[] = {"run", "-w", "data", "app.kiln"};
    assert_refused(ARGC(argv), argv, "-w \"data\": the guest folder is not absolute");
}

Test(run_options, compiler_flags_go_with_c_files)
{
    char *argv[] = {"run", "-std=c99", "-Wl,--gc-sections", "app.c", "-pthread", "-L", "lib",
                    "--",  "-fwrapv"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.compile.cflag_count, 2);
    cr_assert_str_eq(args.compile.cflags[0], "-std=c99");
    cr_assert_str_eq(args.compile.cflags[1], "-pthread");
    cr_assert_eq(args.compile.ldflag_count, 4);
    cr_assert_str_eq(args.compile.ldflags[0], "-Wl,--gc-sections");
    cr_assert_str_eq(args.compile.ldflags[1], "-pthread");
    cr_assert_str_eq(args.compile.ldflags[2], "-L");
    cr_assert_str_eq(args.compile.ldflags[3], "lib");
    cr_assert_eq(args.program_arg_count, 1);
    cr_assert_str_eq(args.program_args[0], "-fwrapv");
    options_free_run(&args);
}

Test(run_options, dash_w_stays_the_workdir)
{
    char *argv[] = {"run", "-w", "/data", "-Wall", "app.c"};
    struct run_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.volumes->workdir, "/data");
    cr_assert_eq(args.compile.cflag_count, 1);
    cr_assert_str_eq(args.compile.cflags[0], "-Wall");
    options_free_run(&args);
}

Test(run_options, flags_no_image_can_honour_are_refused_by_name)
{
    char *argv[] = {"run", "-fPIC", "app.c"};
    assert_refused(ARGC(argv), argv,
                   "-fPIC: an image is static and not position-independent (runtime/kiln.ld "
                   "links it at 1 MiB)");
}
