#include "oci_documents.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/report.h"
#include "oci_layer.h"

#define SCHEMA_VERSION 2
#define INDEX_TYPE     "application/vnd.oci.image.index.v1+json"
#define MANIFEST_TYPE  "application/vnd.oci.image.manifest.v1+json"
#define CONFIG_TYPE    "application/vnd.oci.image.config.v1+json"
#define LAYER_TYPE     "application/vnd.oci.image.layer.v1.tar+gzip"
#define ARCHITECTURE   "amd64"
#define OS             "linux"
/* The layer's own date: the image is the same whenever it is packed. */
#define CREATED    "1970-01-01T00:00:00Z"
#define CREATED_BY "kiln pack"
#define NAME_KEY   "io.containerd.image.name"
#define TAG_KEY    "org.opencontainers.image.ref.name"

/* jansson keeps keys in the order they were added. */
#define JSON_FLAGS JSON_COMPACT

static int finish(json_t *json, const char *what, struct oci_document *doc)
{
    doc->json = json != NULL ? json_dumps(json, JSON_FLAGS) : NULL;
    json_decref(json);
    if (doc->json == NULL)
        return report("cannot make the image's %s: out of memory", what);
    doc->len = strlen(doc->json);
    oci_blob_of(doc->json, doc->len, &doc->blob);
    return 0;
}

static json_t *descriptor(const char *type, const struct oci_blob *blob)
{
    return json_pack("{s:s, s:s, s:I}", "mediaType", type, "digest", blob->digest, "size",
                     (json_int_t)blob->size);
}

int oci_config_make(struct oci_document *doc, const struct oci_blob *diff_id)
{
    json_t *config =
        json_pack("{s:s, s:s, s:s, s:{s:[s]}, s:{s:s, s:[s]}, s:[{s:s, s:s}]}", "created", CREATED,
                  "architecture", ARCHITECTURE, "os", OS, "config", "Entrypoint",
                  OCI_LAYER_APP_PATH, "rootfs", "type", "layers", "diff_ids", diff_id->digest,
                  "history", "created", CREATED, "created_by", CREATED_BY);
    return finish(config, "config", doc);
}

int oci_manifest_make(struct oci_document *doc, const struct oci_blob *config,
                      const struct oci_blob *layer)
{
    json_t *manifest = json_pack(
        "{s:i, s:s, s:o, s:[o]}", "schemaVersion", SCHEMA_VERSION, "mediaType", MANIFEST_TYPE,
        "config", descriptor(CONFIG_TYPE, config), "layers", descriptor(LAYER_TYPE, layer));
    return finish(manifest, "manifest", doc);
}

int oci_index_make(struct oci_document *doc, const struct oci_blob *manifest,
                   const struct oci_reference *ref)
{
    char name[sizeof ref->name + sizeof ref->tag];
    snprintf(name, sizeof name, "%s:%s", ref->name, ref->tag);
    json_t *index = json_pack("{s:i, s:s, s:[{s:s, s:s, s:I, s:{s:s, s:s}, s:{s:s, s:s}}]}",
                              "schemaVersion", SCHEMA_VERSION, "mediaType", INDEX_TYPE, "manifests",
                              "mediaType", MANIFEST_TYPE, "digest", manifest->digest, "size",
                              (json_int_t)manifest->size, "platform", "architecture", ARCHITECTURE,
                              "os", OS, "annotations", NAME_KEY, name, TAG_KEY, ref->tag);
    return finish(index, "index", doc);
}

void oci_document_free(struct oci_document *doc)
{
    free(doc->json);
    doc->json = NULL;
}
