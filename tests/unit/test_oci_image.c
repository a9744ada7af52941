#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "builder/oci_documents.h"
#include "builder/oci_layer.h"

#define TAR_BLOCK      512
#define GZIP_MTIME_AT  4
#define GZIP_MTIME_LEN 4

/* The layer of these bytes, as ustar writes it: the digest every kiln
 * must keep giving them. */
#define TINY_IMAGE    "kiln\n"
#define TINY_TAR_SIZE 2048
#define TINY_DIFF_ID  "sha256:50f2532ca786d57105ef9413e78b07c202d1a752f6f5d28c7f1b3a85883fc6e0"
#define DIGEST_A      "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DIGEST_B      "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

struct bytes {
    uint8_t *data;
    size_t len;
};

static int collect(void *context, const void *data, size_t len)
{
    struct bytes *bytes = context;
    bytes->data = realloc(bytes->data, bytes->len + len);
    cr_assert_not_null(bytes->data);
    memcpy(bytes->data + bytes->len, data, len);
    bytes->len += len;
    return 0;
}

static struct bytes layer_of(const char *image, bool gzip, struct oci_blob *blob)
{
    struct bytes bytes = {0};
    cr_assert_eq(
        oci_layer_write((const uint8_t *)image, strlen(image), "tiny", gzip, collect, &bytes, blob),
        0);
    return bytes;
}

static unsigned long tar_field(const struct bytes *tar, size_t at, size_t len)
{
    char field[16] = {0};
    memcpy(field, tar->data + at, len);
    return strtoul(field, NULL, 8);
}

static struct bytes gunzip(const struct bytes *gz)
{
    struct bytes out = {malloc(TINY_TAR_SIZE * 2), 0};
    z_stream z = {.next_in = gz->data, .avail_in = (uInt)gz->len};
    cr_assert_eq(inflateInit2(&z, 16 + MAX_WBITS), Z_OK); /* 16: a gzip header */
    z.next_out = out.data;
    z.avail_out = TINY_TAR_SIZE * 2;
    cr_assert_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
    cr_assert_eq(z.avail_in, 0, "bytes after the gzip stream");
    out.len = z.total_out;
    inflateEnd(&z);
    return out;
}

Test(oci_layer, the_tar_holds_the_image_as_app_kiln_0755_root_dated_at_the_epoch)
{
    struct oci_blob blob;
    struct bytes tar = layer_of(TINY_IMAGE, false, &blob);
    cr_assert_str_eq((const char *)tar.data, "app.kiln");
    cr_assert_eq(tar_field(&tar, 100, 8), 0755);
    cr_assert_eq(tar_field(&tar, 108, 8), 0); /* uid */
    cr_assert_eq(tar_field(&tar, 116, 8), 0); /* gid */
    cr_assert_eq(tar_field(&tar, 124, 12), strlen(TINY_IMAGE));
    cr_assert_eq(tar_field(&tar, 136, 12), 0); /* mtime */
    cr_assert_eq(tar.data[156], '0');          /* a regular file */
    cr_assert_eq(memcmp(tar.data + TAR_BLOCK, TINY_IMAGE, strlen(TINY_IMAGE)), 0);
    free(tar.data);
}

Test(oci_layer, the_tars_digest_and_size_are_those_of_its_bytes_and_never_change)
{
    struct oci_blob blob, of_bytes;
    struct bytes tar = layer_of(TINY_IMAGE, false, &blob);
    oci_blob_of(tar.data, tar.len, &of_bytes);
    cr_assert_str_eq(blob.digest, of_bytes.digest);
    cr_assert_eq(blob.size, tar.len);
    cr_assert_eq(blob.size, TINY_TAR_SIZE);
    cr_assert_str_eq(blob.digest, TINY_DIFF_ID);
    free(tar.data);
}

Test(oci_layer, the_gzip_layer_unpacks_to_the_tar_and_nothing_follows_it)
{
    struct oci_blob blob, tar_blob;
    struct bytes gz = layer_of(TINY_IMAGE, true, &blob);
    struct bytes tar = gunzip(&gz);
    oci_blob_of(tar.data, tar.len, &tar_blob);
    cr_assert_str_eq(tar_blob.digest, TINY_DIFF_ID);
    cr_assert_eq(blob.size, gz.len);
    free(gz.data);
    free(tar.data);
}

Test(oci_layer, the_gzip_layer_stores_no_time_and_is_the_same_twice)
{
    struct oci_blob first, second;
    struct bytes a = layer_of(TINY_IMAGE, true, &first);
    struct bytes b = layer_of(TINY_IMAGE, true, &second);
    static const uint8_t no_time[GZIP_MTIME_LEN] = {0};
    cr_assert_eq(memcmp(a.data + GZIP_MTIME_AT, no_time, GZIP_MTIME_LEN), 0);
    cr_assert_eq(a.len, b.len);
    cr_assert_eq(memcmp(a.data, b.data, a.len), 0);
    cr_assert_str_eq(first.digest, second.digest);
    free(a.data);
    free(b.data);
}

static void assert_document(const struct oci_document *doc, const char *json)
{
    struct oci_blob blob;
    cr_assert_str_eq(doc->json, json);
    cr_assert_eq(doc->len, strlen(json));
    oci_blob_of(json, strlen(json), &blob);
    cr_assert_str_eq(doc->blob.digest, blob.digest);
    cr_assert_eq(doc->blob.size, strlen(json));
}

Test(oci_documents, the_config_runs_app_kiln_on_linux_amd64_over_the_layers_tar)
{
    struct oci_blob diff_id = {DIGEST_A, TINY_TAR_SIZE};
    struct oci_document doc;
    cr_assert_eq(oci_config_make(&doc, &diff_id), 0);
    assert_document(&doc, "{\"created\":\"1970-01-01T00:00:00Z\",\"architecture\":\"amd64\","
                          "\"os\":\"linux\",\"config\":{\"Entrypoint\":[\"/app.kiln\"]},"
                          "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" DIGEST_A "\"]},"
                          "\"history\":[{\"created\":\"1970-01-01T00:00:00Z\","
                          "\"created_by\":\"kiln pack\"}]}");
    oci_document_free(&doc);
}

Test(oci_documents, the_manifest_names_the_config_and_the_gzip_layer)
{
    struct oci_blob config = {DIGEST_A, 294}, layer = {DIGEST_B, 63589};
    struct oci_document doc;
    cr_assert_eq(oci_manifest_make(&doc, &config, &layer), 0);
    assert_document(&doc,
                    "{\"schemaVersion\":2,\"mediaType\":"
                    "\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
                    "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" DIGEST_A "\","
                    "\"size\":294},\"layers\":[{\"mediaType\":"
                    "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" DIGEST_B "\","
                    "\"size\":63589}]}");
    oci_document_free(&doc);
}

Test(oci_documents, the_index_names_the_image_for_containerd_and_the_tag_for_the_layout)
{
    struct oci_blob manifest = {DIGEST_A, 403};
    struct oci_reference ref = {"localhost/hello", "1.0"};
    struct oci_document doc;
    cr_assert_eq(oci_index_make(&doc, &manifest, &ref), 0);
    assert_document(&doc, "{\"schemaVersion\":2,\"mediaType\":"
                          "\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{"
                          "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                          "\"digest\":\"" DIGEST_A "\",\"size\":403,\"platform\":{"
                          "\"architecture\":\"amd64\",\"os\":\"linux\"},\"annotations\":{"
                          "\"io.containerd.image.name\":\"localhost/hello:1.0\","
                          "\"org.opencontainers.image.ref.name\":\"1.0\"}}]}");
    oci_document_free(&doc);
}
