#include "test_suite.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build.h"
#include "common/clock.h"
#include "common/paths.h"
#include "common/report.h"
#include "monitor/monitor.h"
#include "names.h"
#include "runtime_dir.h"
#include "test_results.h"
#include "test_shard.h"
#include "volume_options.h"

/* The report shows this much of each stream of a test, its end: where a
 * failure says why. */
#define OUTPUT_SHOWN_MAX (64 * 1024)

/* The exit status that says "skip me" (automake's convention). */
#define TEST_SKIP_STATUS 77

/* What one run of a test found, written by its child into shared pages.
 * A child that died before writing leaves reached false. */
struct run_slot {
    bool reached;
    enum monitor_outcome outcome;
    int status;
};

/* A child at work on one job of a stage. */
struct job {
    pid_t pid;
    size_t index;
    int out_fd, err_fd;
    int64_t started_ns;
};

/* One pass over the suite's jobs: looking the tests up, building those
 * not found, or running them.  A job's child calls child() and never
 * returns; the parent calls finished(), if any, with the job's wait status
 * and its output files. */
struct stage {
    struct test_suite *suite;
    size_t job_count;
    bool (*wanted)(struct stage *stage, size_t index);
    void (*child)(struct stage *stage, size_t index);
    void (*finished)(struct stage *stage, const struct job *job, int wait_status);
    struct run_slot *slots; /* the run stage's, one per run of each test */
    bool *complete;         /* the run stage's: which tests have their verdict */
    size_t reported;        /* the run stage's: tests handed to done() so far */
    void (*done)(const struct test_case *test, void *context);
    void *context;
};

static void *shared_pages(size_t size)
{
    void *pages = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return pages == MAP_FAILED ? NULL : pages;
}

static bool is_linux_program(const char *name)
{
    return !path_is_source(name) && builder_is_program(name);
}

/* ------------------------------------------------------------ the suite */

static int check_tests(const struct test_args *args, bool *any_build)
{
    bool any_image = false;
    *any_build = false;
    for (size_t i = 0; i < args->test_count; i++) {
        const char *name = args->tests[i];
        if (access(name, R_OK) != 0)
            return report("test: %s: %s", name, strerror(errno));
        bool image = !path_is_source(name) && !builder_is_program(name);
        any_image |= image;
        *any_build |= !image;
    }
    if (any_image && args->run.compile.files_count > 0)
        return report("test: --files goes with .c files and programs: an image holds the files "
                      "it was built with");
    return 0;
}

static unsigned default_jobs(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus > 0 ? (unsigned)cpus : 1;
}

int test_suite_start(struct test_suite *suite, const struct test_args *args, const char *cache_dir)
{
    *suite = (struct test_suite){.args = args, .cache_dir = cache_dir};
    bool any_build;
    if (check_tests(args, &any_build) < 0 ||
        test_results_inputs(&args->run, &suite->inputs, &suite->inputs_keyed) < 0)
        return -1;
    /* Hashed once here rather than in every test's lookup; where that
     * fails, each build says why. */
    char runtime_dir[PATH_MAX];
    suite->runtime_hashed = any_build && runtime_dir_find(runtime_dir, sizeof runtime_dir) == 0 &&
                            builder_runtime_hash(runtime_dir, &suite->runtime_hash) == 0;
    suite->cases = shared_pages(args->test_count * sizeof *suite->cases);
    if (suite->cases == NULL)
        return report("test: out of memory");
    for (size_t i = 0; i < args->test_count; i++)
        if (test_shard_holds(args->tests[i], args->shard_index, args->shard_count))
            suite->cases[suite->count++] = (struct test_case){.name = args->tests[i]};
    suite->jobs = args->jobs > 0 ? (unsigned)args->jobs : default_jobs();
    return 0;
}

void test_suite_free(struct test_suite *suite)
{
    for (size_t i = 0; i < suite->count; i++) {
        free(suite->cases[i].out.bytes);
        free(suite->cases[i].err.bytes);
    }
    if (suite->cases != NULL)
        munmap(suite->cases, suite->args->test_count * sizeof *suite->cases);
    *suite = (struct test_suite){0};
}

/* ------------------------------------------------------------- children */

/* The child's stdout and stderr go to the job's memory files, its stdin
 * is an empty one: tests run side by side cannot share a terminal. */
static void child_streams(const struct job *job)
{
    int empty = memfd_create("kiln-test-stdin", MFD_CLOEXEC);
    if (empty < 0 || dup2(empty, STDIN_FILENO) < 0 || dup2(job->out_fd, STDOUT_FILENO) < 0 ||
        dup2(job->err_fd, STDERR_FILENO) < 0)
        _exit(EXIT_FAILURE);
}

static int open_output(struct job *job)
{
    job->out_fd = memfd_create("kiln-test-stdout", MFD_CLOEXEC);
    job->err_fd = memfd_create("kiln-test-stderr", MFD_CLOEXEC);
    if (job->out_fd >= 0 && job->err_fd >= 0)
        return 0;
    report_errno("test", "memfd_create");
    if (job->out_fd >= 0)
        close(job->out_fd);
    return -1;
}

static int start_job(struct stage *stage, struct job *job, size_t index)
{
    job->index = index;
    if (open_output(job) < 0)
        return -1;
    fflush(NULL); /* else the child could write the parent's pending lines again */
    job->started_ns = clock_ns(CLOCK_MONOTONIC);
    job->pid = fork();
    if (job->pid < 0) {
        close(job->out_fd);
        close(job->err_fd);
        return report_errno("test", "fork");
    }
    if (job->pid == 0) {
        child_streams(job);
        stage->child(stage, index);
        _exit(EXIT_FAILURE);
    }
    return 0;
}

/* Runs the stage's wanted jobs, at most suite->jobs at once.  Returns 0,
 * or -1 (reported) when a child could not be started. */
static int stage_run(struct stage *stage)
{
    unsigned width = stage->suite->jobs;
    struct job *jobs = calloc(width, sizeof *jobs);
    if (jobs == NULL)
        return report("test: out of memory");
    unsigned running = 0;
    size_t next = 0;
    int rc = 0;
    for (;;) {
        while (rc == 0 && running < width && next < stage->job_count) {
            size_t index = next++;
            if (stage->wanted(stage, index) && (rc = start_job(stage, &jobs[running], index)) == 0)
                running++;
        }
        if (running == 0)
            break;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            rc = report_errno("test", "waitpid");
            break;
        }
        for (unsigned i = 0; i < running; i++) {
            if (jobs[i].pid != pid)
                continue;
            if (stage->finished != NULL)
                stage->finished(stage, &jobs[i], status);
            close(jobs[i].out_fd);
            close(jobs[i].err_fd);
            jobs[i] = jobs[--running];
            break;
        }
    }
    free(jobs);
    return rc;
}

/* The end of what a child wrote to fd, at most OUTPUT_SHOWN_MAX bytes. */
static void read_output(int fd, struct test_output *output)
{
    free(output->bytes);
    *output = (struct test_output){0};
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0)
        return;
    size_t shown = (size_t)size < OUTPUT_SHOWN_MAX ? (size_t)size : OUTPUT_SHOWN_MAX;
    output->bytes = malloc(shown);
    if (output->bytes == NULL)
        return;
    ssize_t got = pread(fd, output->bytes, shown, size - (off_t)shown);
    output->size = got > 0 ? (size_t)got : 0;
    output->cut = (size_t)size - output->size;
}

/* ------------------------------------------------- preparing each test */

/* The test's image: an image file as it is; a .c file or a program
 * through the build cache, built on a miss when build says.  Returns 1
 * with test->image and its hash set, 0 when not built, -1 (reported). */
static int prepare_image(const struct test_suite *suite, struct test_case *test, bool program,
                         bool build)
{
    if (!program && !path_is_source(test->name)) {
        if (strlen(test->name) >= sizeof test->image)
            return report("test: %s: path too long", test->name);
        strcpy(test->image, test->name);
        int error = content_hash_file(test->name, &test->image_hash);
        return error == 0 ? 1 : report("test: %s: %s", test->name, strerror(-error));
    }
    struct compile_args compile = suite->args->run.compile;
    const char *sources[] = {test->name};
    compile.program = program ? test->name : NULL;
    compile.sources = program ? NULL : sources;
    compile.source_count = program ? 0 : 1;
    struct built_image image;
    const struct content_hash *runtime = suite->runtime_hashed ? &suite->runtime_hash : NULL;
    int found = build ? build_cached_image(&compile, suite->cache_dir, &image) == 0
                      : find_cached_image(&compile, suite->cache_dir, runtime, &image);
    if (found <= 0)
        return found;
    memcpy(test->image, image.path, sizeof test->image);
    test->image_hash = image.hash;
    return 1;
}

/* Whether the image's bytes are what its build record says: a lookup
 * trusts the record, which is enough to find a recorded pass; a test that
 * boots checks it first. */
static bool image_intact(const struct test_case *test)
{
    struct content_hash hash;
    return content_hash_file(test->image, &hash) == 0 &&
           content_hash_equal(&hash, &test->image_hash);
}

/* Readies the test to run: its image, its result's key, and whether a
 * pass is recorded under it.  A lookup (build false) that leaves the
 * test unprepared hands it to the build stage, which says why. */
static void prepare(const struct test_suite *suite, struct test_case *test, bool build)
{
    bool program = is_linux_program(test->name);
    bool from_cache = program || path_is_source(test->name);
    char *argv0 = names_argv0(test->name, program);
    if (argv0 == NULL || prepare_image(suite, test, program, build) <= 0) {
        free(argv0);
        return;
    }
    test->key = test_results_key(&suite->inputs, &test->image_hash, argv0);
    free(argv0);
    test->keyed = suite->inputs_keyed;
    test->cached = test->keyed && !suite->args->no_cache && suite->args->repeat == 1 &&
                   test_results_find(suite->cache_dir, &test->key, &test->cached_ns) == 1;
    test->prepared = test->cached || build || !from_cache || image_intact(test);
}

/* Looking every test up in the caches is quick (hashes), so each child
 * takes a share of the tests: a fork per test would cost more than the
 * lookup.  What it says is not shown: a test it could not ready goes on
 * to be built, and says it again there. */
static void look_up_child(struct stage *stage, size_t share)
{
    for (size_t i = share; i < stage->suite->count; i += stage->job_count)
        prepare(stage->suite, &stage->suite->cases[i], false);
    _exit(EXIT_SUCCESS);
}

static bool not_prepared(struct stage *stage, size_t index)
{
    return !stage->suite->cases[index].prepared;
}

static void build_child(struct stage *stage, size_t index)
{
    prepare(stage->suite, &stage->suite->cases[index], true);
    _exit(EXIT_SUCCESS);
}

static bool every_job(struct stage *stage, size_t index)
{
    (void)stage;
    (void)index;
    return true;
}

/* A test that could not be prepared fails with what its build said. */
static void prepared(struct stage *stage, const struct job *job, int wait_status)
{
    struct test_case *test = &stage->suite->cases[job->index];
    (void)wait_status;
    if (test->prepared)
        return;
    test->ns = (uint64_t)(clock_ns(CLOCK_MONOTONIC) - job->started_ns);
    test->verdict = TEST_FAIL;
    test->error = true;
    snprintf(test->reason, sizeof test->reason, "%s",
             path_is_source(test->name) ? "did not build" : "could not be loaded");
    read_output(job->out_fd, &test->out);
    read_output(job->err_fd, &test->err);
}

/* ---------------------------------------------------- running each test */

static struct test_case *test_of(struct stage *stage, size_t job_index)
{
    return &stage->suite->cases[job_index / stage->suite->args->repeat];
}

static bool must_run(struct stage *stage, size_t index)
{
    const struct test_case *test = test_of(stage, index);
    return test->prepared && !test->cached;
}

static void run_child(struct stage *stage, size_t index)
{
    const struct test_suite *suite = stage->suite;
    const struct run_args *args = &suite->args->run;
    const struct test_case *test = test_of(stage, index);
    char **argv = calloc(args->program_arg_count + 2, sizeof *argv);
    if (argv == NULL || (argv[0] = names_argv0(test->name, is_linux_program(test->name))) == NULL)
        _exit(EXIT_FAILURE);
    memcpy(argv + 1, args->program_args, args->program_arg_count * sizeof *argv);
    struct monitor_options options = {
        .image_path = test->image,
        .name = test->name,
        .mem_size = args->mem_size,
        .timeout_ms = args->timeout_ms,
        .argc = (int)args->program_arg_count + 1,
        .argv = argv,
        .envp = (char *const *)args->env,
        .cache_dir = suite->cache_dir,
        .image_hash = &test->image_hash,
        .confine = true,
        .volumes = args->volumes->list,
        .volume_count = (unsigned)args->volumes->count,
        .workdir = args->volumes->workdir[0] != '\0' ? args->volumes->workdir : NULL,
    };
    struct monitor_result result = monitor_run(&options);
    stage->slots[index] = (struct run_slot){true, result.outcome, result.status};
    _exit(EXIT_SUCCESS);
}

enum run_kind { RUN_PASSED, RUN_SKIPPED, RUN_FAILED };

/* What one run came to, and in words why when it did not pass. */
static enum run_kind judge_run(const struct test_suite *suite, const struct run_slot *slot,
                               int wait_status, char *why, size_t why_size, bool *error)
{
    *error = true;
    if (!slot->reached) {
        if (WIFSIGNALED(wait_status))
            snprintf(why, why_size, "kiln died of signal %d", WTERMSIG(wait_status));
        else
            snprintf(why, why_size, "kiln could not run it");
        return RUN_FAILED;
    }
    switch (slot->outcome) {
    case MONITOR_EXITED:
        *error = false;
        snprintf(why, why_size, "exit status %d", slot->status);
        return slot->status == 0                  ? RUN_PASSED
               : slot->status == TEST_SKIP_STATUS ? RUN_SKIPPED
                                                  : RUN_FAILED;
    case MONITOR_CRASHED:
        snprintf(why, why_size, "crashed");
        break;
    case MONITOR_TIMED_OUT:
        snprintf(why, why_size, "timed out after %g s",
                 (double)suite->args->run.timeout_ms / MS_PER_S);
        break;
    case MONITOR_STUCK:
        snprintf(why, why_size, "deadlocked: every thread waits for good");
        break;
    case MONITOR_FAILED:
        snprintf(why, why_size, "kiln could not run it");
        break;
    }
    return RUN_FAILED;
}

/* A test's verdict once all its runs are in: FLAKY when it both passed and
 * failed; else the failure (its reason already the last failure's), the
 * pass, or the skip. */
static void conclude(struct test_case *test)
{
    if (test->failed_runs > 0 && test->passed_runs > 0) {
        test->verdict = TEST_FLAKY;
        test->error = false;
        snprintf(test->reason, sizeof test->reason, "passed %u of %u runs", test->passed_runs,
                 test->runs);
    } else if (test->failed_runs > 0) {
        test->verdict = TEST_FAIL;
    } else {
        test->verdict = test->passed_runs > 0 ? TEST_PASS : TEST_SKIP;
    }
}

/* Hands done() every test whose verdict is in and has none before it
 * still waiting, so that the report's order is the command line's.  A
 * pass is recorded then, by the parent: a child runs confined. */
static void report_ready(struct stage *stage)
{
    struct test_suite *suite = stage->suite;
    while (stage->reported < suite->count && stage->complete[stage->reported]) {
        struct test_case *test = &suite->cases[stage->reported++];
        if (test->verdict == TEST_PASS && test->keyed && test->runs == 1)
            test_results_record(suite->cache_dir, &test->key, test->ns);
        stage->done(test, stage->context);
    }
}

static void ran(struct stage *stage, const struct job *job, int wait_status)
{
    struct test_suite *suite = stage->suite;
    size_t test_index = job->index / suite->args->repeat;
    struct test_case *test = &suite->cases[test_index];
    char why[sizeof test->reason];
    bool error;
    enum run_kind kind =
        judge_run(suite, &stage->slots[job->index], wait_status, why, sizeof why, &error);
    test->runs++;
    test->ns += (uint64_t)(clock_ns(CLOCK_MONOTONIC) - job->started_ns);
    test->passed_runs += kind == RUN_PASSED;
    test->failed_runs += kind == RUN_FAILED;
    /* The report shows the last failed run, else the last run. */
    if (kind == RUN_FAILED || test->failed_runs == 0) {
        read_output(job->out_fd, &test->out);
        read_output(job->err_fd, &test->err);
        snprintf(test->reason, sizeof test->reason, "%s", why);
        test->error = error;
    }
    if (test->runs < suite->args->repeat)
        return;
    conclude(test);
    stage->complete[test_index] = true;
    report_ready(stage);
}

/* Tests that need no run have their verdict already: a cached pass, or a
 * failure to build.  Returns whether any test is left to run. */
static bool settle_unrun(struct stage *stage)
{
    bool any = false;
    for (size_t i = 0; i < stage->suite->count; i++) {
        struct test_case *test = &stage->suite->cases[i];
        if (test->prepared && test->cached) {
            test->verdict = TEST_CACHED;
            test->ns = 0;
        }
        stage->complete[i] = !test->prepared || test->cached;
        any |= !stage->complete[i];
    }
    return any;
}

int test_suite_run(struct test_suite *suite,
                   void (*done)(const struct test_case *test, void *context), void *context)
{
    if (suite->count == 0)
        return 0;
    struct stage look_up = {.suite = suite,
                            .job_count = suite->count < suite->jobs ? suite->count : suite->jobs,
                            .wanted = every_job,
                            .child = look_up_child};
    struct stage build = {.suite = suite,
                          .job_count = suite->count,
                          .wanted = not_prepared,
                          .child = build_child,
                          .finished = prepared};
    if (stage_run(&look_up) < 0 || stage_run(&build) < 0)
        return -1;
    size_t runs = suite->count * suite->args->repeat;
    struct stage run = {.suite = suite,
                        .job_count = runs,
                        .wanted = must_run,
                        .child = run_child,
                        .finished = ran,
                        .slots = shared_pages(runs * sizeof *run.slots),
                        .complete = calloc(suite->count, sizeof *run.complete),
                        .done = done,
                        .context = context};
    int rc = -1;
    if (run.slots == NULL || run.complete == NULL)
        report("test: out of memory");
    else if (!settle_unrun(&run) || monitor_kvm_check() == 0)
        rc = stage_run(&run);
    if (rc == 0)
        report_ready(&run);
    if (run.slots != NULL)
        munmap(run.slots, runs * sizeof *run.slots);
    free(run.complete);
    return rc;
}
