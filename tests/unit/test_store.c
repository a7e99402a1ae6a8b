/* Store: SHA-256, open/create/migrate/refuse, imports as transactions (commit, abort, failure,
 * byte-identical rollback), bulk files, issues, results, read-only queries, allocation failures. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cm_test.h"
#include "cambium/cambium.h"
#include "store/store_internal.h"

static char *tmp_path(const char *name)
{
    static char buf[8][4096];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, 4096, "%s/%s", cm_test_tmpdir(), name);
    return p;
}

static void remove_store(const char *path)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s.files", path);
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                char f[8400];
                snprintf(f, sizeof f, "%s/%s", dir, e->d_name);
                unlink(f);
            }
        }
        closedir(d);
        rmdir(dir);
    }
    unlink(path);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int count_dir(const char *path)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s.files", path);
    DIR *d = opendir(dir);
    int n = 0;
    if (d == NULL) {
        return -1; /* absent */
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    }
    closedir(d);
    return n;
}

static void file_sha(const char *path, char hex[65])
{
    cm_error_info_t err = {0};
    CHECK_OK(cm_sha256_file(path, hex, &err), &err);
}

/* --- SHA-256 ----------------------------------------------------------------------------- */

static void test_sha256_vectors(void **state)
{
    (void)state;
    char hex[65];
    /* FIPS 180-4 / NIST CSRC example values */
    cm_sha256_buffer("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    cm_sha256_buffer("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    cm_sha256_buffer(m448, strlen(m448), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
                       "klmnopqrlmnopqrsmnopqrstnopqrstu";
    cm_sha256_buffer(m896, strlen(m896), hex);
    assert_string_equal(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");

    /* one million 'a', fed in uneven pieces and as a file: all three agree */
    char *a = malloc(1000000);
    assert_non_null(a);
    memset(a, 'a', 1000000);
    cm_sha256_buffer(a, 1000000, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    cm_i_sha256_t s;
    char hex2[65];
    cm_i_sha256_init(&s);
    size_t off = 0, step = 1;
    while (off < 1000000) {
        size_t n = step < 1000000 - off ? step : 1000000 - off;
        cm_i_sha256_update(&s, a + off, n);
        off += n;
        step = step * 3 + 1;
        if (step > 70000) {
            step = 7;
        }
    }
    cm_i_sha256_final(&s, hex2);
    assert_string_equal(hex2, hex);
    const char *path = tmp_path("million.txt");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(a, 1, 1000000, f), 1000000);
    fclose(f);
    file_sha(path, hex2);
    assert_string_equal(hex2, hex);
    unlink(path);
    free(a);

    /* lengths around the padding boundary (55, 56, 63, 64 bytes) differ from each other */
    char seen[4][65];
    size_t lens[4] = {55, 56, 63, 64};
    for (int i = 0; i < 4; i++) {
        char buf[64];
        memset(buf, 'x', sizeof buf);
        cm_sha256_buffer(buf, lens[i], seen[i]);
        for (int j = 0; j < i; j++) {
            assert_string_not_equal(seen[i], seen[j]);
        }
    }
    cm_error_info_t err = {0};
    CHECK_ERROR(cm_sha256_file(tmp_path("no-such-file"), hex, &err), CM_EFILE);
}

/* --- open / create / refuse -------------------------------------------------------------- */

static void test_open_create_reopen(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    const char *path = tmp_path("create.db");
    remove_store(path);

    CHECK_ERROR(cm_store_open(path, 0, &st, &err), CM_EFILE);
    assert_null(st);
    assert_non_null(strstr(err.message, "no such store"));
    assert_int_equal(access(path, F_OK), -1); /* nothing created */

    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    assert_int_equal(cm_store_schema_version(st), CM_STORE_SCHEMA_VERSION);
    assert_string_equal(cm_store_path(st), path);
    cm_store_summary_t sum;
    CHECK_OK(cm_store_summary(st, &sum, &err), &err);
    assert_int_equal(sum.datasets, 0);
    assert_int_equal(sum.classifications, 2); /* country and material seeded */
    assert_true(sum.class_items > 250);
    assert_true(sum.aliases > sum.class_items);
    cm_store_close(st);
    st = NULL;

    CHECK_OK(cm_store_open(path, 0, &st, &err), &err);
    assert_int_equal(cm_store_schema_version(st), CM_STORE_SCHEMA_VERSION);
    cm_store_close(st);
    st = NULL;
    CHECK_OK(cm_store_open(path, CM_STORE_READONLY, &st, &err), &err);
    cm_store_import_t *imp = NULL;
    cm_provenance_t prov = {.kind = "tidy"};
    CHECK_ERROR(cm_store_import_begin(st, &prov, &imp, &err), CM_EINVAL);
    cm_store_close(st);
    st = NULL;

    CHECK_ERROR(cm_store_open(path, CM_STORE_CREATE | CM_STORE_READONLY, &st, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_open(NULL, 0, &st, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_open(path, 0, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_open(cm_test_tmpdir(), 0, &st, &err), CM_EFILE);
    cm_store_close(NULL);
    assert_int_equal(cm_store_schema_version(NULL), 0);
    remove_store(path);
}

static void test_refuse_foreign_files(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    const char *text = tmp_path("not-sqlite.db");
    write_file(text, "code,label\nBEL,Belgium\nthis is a CSV file, long enough to look like one\n"
                     "......................................................................\n");
    CHECK_ERROR(cm_store_open(text, 0, &st, &err), CM_ESTORE);
    assert_non_null(strstr(err.message, "not a cambium store"));
    assert_non_null(strstr(err.message, "not an SQLite database"));
    CHECK_ERROR(cm_store_open(text, CM_STORE_CREATE, &st, &err), CM_ESTORE);
    assert_int_equal(access(text, F_OK), 0); /* a file that existed is never removed */
    unlink(text);

    const char *other = tmp_path("other-app.db");
    unlink(other);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", NULL, NULL,
                                  NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    CHECK_ERROR(cm_store_open(other, CM_STORE_CREATE, &st, &err), CM_ESTORE);
    assert_non_null(strstr(err.message, "another application"));
    unlink(other);

    /* an empty existing file is not a store unless creation was asked for */
    const char *empty = tmp_path("empty.db");
    write_file(empty, "");
    CHECK_ERROR(cm_store_open(empty, 0, &st, &err), CM_ESTORE);
    CHECK_ERROR(cm_store_open(empty, CM_STORE_READONLY, &st, &err), CM_ESTORE);
    CHECK_OK(cm_store_open(empty, CM_STORE_CREATE, &st, &err), &err);
    cm_store_close(st);
    remove_store(empty);
}

static void set_user_version(const char *path, int v)
{
    sqlite3 *db = NULL;
    char sql[64];
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_newer_schema_refused(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    const char *path = tmp_path("newer.db");
    remove_store(path);
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    cm_store_close(st);
    st = NULL;
    set_user_version(path, 7);
    char before[65], after[65];
    file_sha(path, before);
    CHECK_ERROR(cm_store_open(path, 0, &st, &err), CM_ESTORE);
    assert_null(st);
    char expect[128];
    snprintf(expect, sizeof expect, "store schema version 7 is newer than this cambium (%d)",
             CM_STORE_SCHEMA_VERSION);
    assert_non_null(strstr(err.message, expect));
    file_sha(path, after);
    assert_string_equal(before, after);
    remove_store(path);
}

static int64_t query_int(cm_store_t *st, const char *sql);

static void test_builtins_refreshed(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    const char *path = tmp_path("refresh.db");
    remove_store(path);
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    int64_t items = query_int(st, "SELECT count(*) FROM class_item WHERE classification = 'country'");
    cm_store_close(st);
    st = NULL;
    char before[65], after[65];
    file_sha(path, before);
    /* reopening with the same library writes nothing */
    CHECK_OK(cm_store_open(path, 0, &st, &err), &err);
    cm_store_close(st);
    st = NULL;
    file_sha(path, after);
    assert_string_equal(before, after);
    /* a store made by a library with another country list (here: an edited one) is refreshed */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "PRAGMA foreign_keys = ON;"
                                  "DELETE FROM class_item WHERE classification = 'country' AND"
                                  " code = 'BEL';"
                                  "UPDATE classification SET sha256 = 'old' WHERE name = 'country';",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    CHECK_OK(cm_store_open(path, 0, &st, &err), &err);
    assert_int_equal(query_int(st, "SELECT count(*) FROM class_item WHERE classification = 'country'"),
                     items);
    assert_int_equal(query_int(st, "SELECT count(*) FROM class_alias WHERE classification ="
                                   " 'country' AND alias_key = 'belgium' AND code = 'BEL'"),
                     1);
    cm_store_close(st);
    remove_store(path);
}

static void test_migration_from_v1(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    const char *path = tmp_path("v1.db");
    remove_store(path);
    CHECK_OK(cm_i_store_create_at_version(path, 1, &err), &err);
    CHECK_ERROR(cm_i_store_create_at_version(path, 0, &err), CM_EINVAL);

    /* a version-1 store holds provenance tables but no classifications */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 1);
    sqlite3_finalize(q);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name ="
                                            " 'classification'", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 0);
    sqlite3_finalize(q);
    /* data written at version 1 survives the migration */
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO dataset (kind, name, imported_at, rows, status)"
                                  " VALUES ('tidy', 'old', '2020-01-01T00:00:00Z', 1, 'complete');"
                                  "INSERT INTO observation (dataset_id, variable, value)"
                                  " VALUES (1, 'x', 2.5);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);

    /* read-only cannot migrate */
    CHECK_ERROR(cm_store_open(path, CM_STORE_READONLY, &st, &err), CM_ESTORE);
    assert_non_null(strstr(err.message, "older"));

    CHECK_OK(cm_store_open(path, 0, &st, &err), &err);
    assert_int_equal(cm_store_schema_version(st), 2);
    assert_int_equal(query_int(st, "PRAGMA user_version"), 2);
    assert_int_equal(query_int(st, "SELECT value FROM meta WHERE key = 'schema_version'"), 2);
    assert_int_equal(query_int(st, "SELECT count(*) FROM classification WHERE builtin = 1"), 2);
    assert_int_equal(query_int(st, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                                   " AND name = 'observation_dataset'"),
                     1);
    cm_dataset_list_t list = {0};
    CHECK_OK(cm_store_datasets(st, &list, &err), &err);
    assert_int_equal(list.n, 1);
    assert_string_equal(list.items[0].name, "old");
    cm_dataset_list_destroy(&list);
    cm_store_close(st);
    remove_store(path);
}

/* --- imports ----------------------------------------------------------------------------- */

static int64_t qi_value;
static cm_error_t qi_row(int n, const char *const *names, const char *const *values, void *ud)
{
    (void)names;
    (void)ud;
    qi_value = (n > 0 && values[0] != NULL) ? strtoll(values[0], NULL, 10) : -1;
    return CM_OK;
}

static int64_t query_int(cm_store_t *st, const char *sql)
{
    cm_error_info_t err = {0};
    qi_value = -1;
    CHECK_OK(cm_store_query(st, sql, qi_row, NULL, &err), &err);
    return qi_value;
}

static const cm_provenance_t demo_prov = {
    .kind = "tidy",
    .name = "Demo data",
    .publisher = "Cambium tests",
    .source = "tests/unit/test_store.c",
    .licence = "CC0-1.0",
    .version = "1",
    .file = NULL,
    .sha256 = "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff",
};

static void add_rows(cm_store_import_t *imp, int n)
{
    cm_error_info_t err = {0};
    for (int i = 0; i < n; i++) {
        char period[16];
        snprintf(period, sizeof period, "%d", 2000 + i % 25);
        cm_obs_t o = {.variable = "production", .region = "BEL", .material = "cobalt",
                      .period = period, .value = i * 0.5, .unit = "t", .line = i + 2};
        if (i % 7 == 3) {
            o.value = NAN;
            o.flag = "W";
        }
        CHECK_OK(cm_store_import_add(imp, &o, &err), &err);
    }
}

static void test_import_commit_and_list(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    cm_store_import_t *imp = NULL;
    const char *path = tmp_path("import.db");
    const char *src = tmp_path("source.csv");
    remove_store(path);
    write_file(src, "variable,value\nproduction,1\n");
    char src_sha[65];
    file_sha(src, src_sha);
    cm_store_set_clock(1700000000); /* 2023-11-14T22:13:20Z */

    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    cm_provenance_t prov = demo_prov;
    prov.file = src;
    prov.sha256 = NULL; /* computed from the file */
    CHECK_OK(cm_store_import_begin(st, &prov, &imp, &err), &err);
    assert_int_equal(cm_store_import_dataset_id(imp), 1);
    cm_store_import_t *second = NULL;
    CHECK_ERROR(cm_store_import_begin(st, &prov, &second, &err), CM_EINVAL);
    add_rows(imp, 10);
    CHECK_OK(cm_store_import_issue(imp, "bom", 1, 0, "UTF-8 byte-order mark removed", 0, NULL,
                                   &err),
             &err);
    CHECK_OK(cm_store_import_issue(imp, "duplicate-row", 7, 0, "same key as line 6", 1,
                                   "production,1", &err),
             &err);
    CHECK_OK(cm_store_import_issue(imp, "duplicate-row", 9, 2, NULL, 1, NULL, &err), &err);
    CHECK_ERROR(cm_store_import_issue(imp, "", 1, 1, NULL, 0, NULL, &err), CM_EINVAL);
    cm_obs_t bad = {.variable = NULL, .value = 1};
    CHECK_ERROR(cm_store_import_add(imp, &bad, &err), CM_EINVAL);
    bad.variable = "x";
    bad.value = INFINITY;
    CHECK_ERROR(cm_store_import_add(imp, &bad, &err), CM_EINVAL);
    bad.value = 1;
    bad.attrs = "{not json";
    CHECK_ERROR(cm_store_import_add(imp, &bad, &err), CM_EINVAL);
    bad.attrs = "{\"note\": \"ok\"}";
    CHECK_OK(cm_store_import_add(imp, &bad, &err), &err);
    assert_int_equal(cm_store_import_rows(imp), 11);
    assert_int_equal(cm_store_import_issues(imp), 3);
    CHECK_OK(cm_store_import_commit(imp, &err), &err);
    imp = NULL;

    /* provenance errors: no kind, a checksum that is not one, a file that cannot be read */
    cm_provenance_t badprov = demo_prov;
    badprov.kind = NULL;
    CHECK_ERROR(cm_store_import_begin(st, &badprov, &second, &err), CM_EINVAL);
    badprov = demo_prov;
    badprov.sha256 = "abc";
    CHECK_ERROR(cm_store_import_begin(st, &badprov, &second, &err), CM_EINVAL);
    badprov.sha256 = NULL;
    badprov.file = tmp_path("no-such-input.csv");
    CHECK_ERROR(cm_store_import_begin(st, &badprov, &second, &err), CM_EFILE);
    CHECK_ERROR(cm_store_import_begin(st, NULL, &second, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_import_begin(st, &demo_prov, NULL, &err), CM_EINVAL);
    assert_null(second);

    /* a second dataset from a given checksum */
    CHECK_OK(cm_store_import_begin(st, &demo_prov, &imp, &err), &err);
    add_rows(imp, 3);
    CHECK_OK(cm_store_import_commit(imp, &err), &err);
    imp = NULL;

    cm_dataset_list_t list = {0};
    CHECK_OK(cm_store_datasets(st, &list, &err), &err);
    assert_int_equal(list.n, 2);
    cm_dataset_info_t *d = &list.items[0];
    assert_int_equal(d->id, 1);
    assert_string_equal(d->kind, "tidy");
    assert_string_equal(d->name, "Demo data");
    assert_string_equal(d->publisher, "Cambium tests");
    assert_string_equal(d->licence, "CC0-1.0");
    assert_string_equal(d->version, "1");
    assert_string_equal(d->file, src);
    assert_string_equal(d->sha256, src_sha);
    assert_string_equal(d->imported_at, "2023-11-14T22:13:20Z");
    assert_int_equal(d->rows, 11);
    assert_int_equal(d->issues, 3);
    assert_int_equal(d->bulk_files, 0);
    assert_string_equal(list.items[1].sha256,
                        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    assert_null(list.items[1].file);
    assert_int_equal(list.items[1].rows, 3);
    /* destroying twice and listing into a used list are safe */
    CHECK_OK(cm_store_datasets(st, &list, &err), &err);
    cm_dataset_list_destroy(&list);
    cm_dataset_list_destroy(&list);

    int64_t id = -1;
    CHECK_OK(cm_store_dataset_find(st, "tidy", src_sha, &id, &err), &err);
    assert_int_equal(id, 1);
    CHECK_OK(cm_store_dataset_find(st, "wgi", src_sha, &id, &err), &err);
    assert_int_equal(id, 0);

    cm_issue_counts_t ic = {0};
    CHECK_OK(cm_store_issue_counts(st, 1, &ic, &err), &err);
    assert_int_equal(ic.n, 2);
    assert_string_equal(ic.items[0].kind, "bom");
    assert_int_equal(ic.items[0].count, 1);
    assert_int_equal(ic.items[0].kept_aside, 0);
    assert_string_equal(ic.items[1].kind, "duplicate-row");
    assert_int_equal(ic.items[1].count, 2);
    assert_int_equal(ic.items[1].kept_aside, 2);
    cm_issue_counts_destroy(&ic);

    /* values and flags side by side: NaN stored as NULL with its flag */
    assert_int_equal(query_int(st, "SELECT count(*) FROM observation WHERE dataset_id = 1"), 11);
    assert_int_equal(query_int(st, "SELECT count(*) FROM observation WHERE value IS NULL"
                                   " AND flag = 'W'"),
                     1);
    assert_int_equal(query_int(st, "SELECT line FROM observation WHERE dataset_id = 1 AND"
                                   " period = '2004'"),
                     6);
    cm_store_summary_t sum;
    CHECK_OK(cm_store_summary(st, &sum, &err), &err);
    assert_int_equal(sum.datasets, 2);
    assert_int_equal(sum.observations, 14);
    assert_int_equal(sum.issues, 3);
    assert_int_equal(sum.quarantined, 2);
    cm_store_close(st);
    cm_store_set_clock(-1);
    unlink(src);
    remove_store(path);
}

/* The checksum of the store file and the side directory before and after a rolled-back import. */
static void test_abort_is_byte_identical(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    cm_store_import_t *imp = NULL;
    const char *path = tmp_path("abort.db");
    const char *bulk = tmp_path("matrix.bin");
    remove_store(path);
    write_file(bulk, "a large matrix, in spirit\n");

    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    CHECK_OK(cm_store_import_begin(st, &demo_prov, &imp, &err), &err);
    add_rows(imp, 50);
    CHECK_OK(cm_store_import_commit(imp, &err), &err);
    cm_store_close(st);
    st = NULL;

    char before[65], after[65];
    file_sha(path, before);
    assert_int_equal(count_dir(path), -1);

    /* 1: an explicit abort after many rows, issues and a bulk file */
    CHECK_OK(cm_store_open(path, 0, &st, &err), &err);
    CHECK_OK(cm_store_import_begin(st, &demo_prov, &imp, &err), &err);
    add_rows(imp, 20000); /* more than the page cache: pages spill into the file */
    CHECK_OK(cm_store_import_issue(imp, "flag", 3, 4, "W", 0, NULL, &err), &err);
    CHECK_OK(cm_store_import_bulk_file(imp, bulk, "matrix", "raw", &err), &err);
    assert_int_equal(count_dir(path), 1);
    cm_store_import_abort(imp);
    imp = NULL;
    cm_store_close(st);
    st = NULL;
    file_sha(path, after);
    assert_string_equal(before, after);
    assert_int_equal(count_dir(path), -1); /* the directory it created is gone too */

    /* 2: a failure in the middle (an invalid row), then the caller aborts */
    CHECK_OK(cm_store_open(path, 0, &st, &err), &err);
    CHECK_OK(cm_store_import_begin(st, &demo_prov, &imp, &err), &err);
    add_rows(imp, 5000);
    CHECK_OK(cm_store_import_bulk_file(imp, bulk, "matrix", "raw", &err), &err);
    cm_obs_t bad = {.variable = "x", .value = 1, .attrs = "[broken"};
    CHECK_ERROR(cm_store_import_add(imp, &bad, &err), CM_EINVAL);
    cm_store_import_abort(imp);
    imp = NULL;
    cm_store_close(st);
    st = NULL;
    file_sha(path, after);
    assert_string_equal(before, after);
    assert_int_equal(count_dir(path), -1);

    /* 3: interrupted: the store is closed with the import still open */
    CHECK_OK(cm_store_open(path, 0, &st, &err), &err);
    CHECK_OK(cm_store_import_begin(st, &demo_prov, &imp, &err), &err);
    add_rows(imp, 100);
    CHECK_OK(cm_store_import_bulk_file(imp, bulk, "matrix", "raw", &err), &err);
    cm_store_close(st);
    st = NULL;
    file_sha(path, after);
    assert_string_equal(before, after);
    assert_int_equal(count_dir(path), -1);

    /* 4: a bulk file that cannot be read fails without leaving a temporary file */
    CHECK_OK(cm_store_open(path, 0, &st, &err), &err);
    CHECK_OK(cm_store_import_begin(st, &demo_prov, &imp, &err), &err);
    CHECK_ERROR(cm_store_import_bulk_file(imp, tmp_path("absent.bin"), "matrix", "raw", &err),
                CM_EFILE);
    assert_true(count_dir(path) <= 0);
    cm_store_import_abort(imp);
    cm_store_close(st);
    file_sha(path, after);
    assert_string_equal(before, after);
    assert_int_equal(count_dir(path), -1);
    unlink(bulk);
    remove_store(path);
}

static void test_bulk_files(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    cm_store_import_t *imp = NULL;
    const char *path = tmp_path("bulk.db");
    const char *b1 = tmp_path("trade-2023.csv");
    const char *b2 = tmp_path("trade-2024.csv");
    remove_store(path);
    write_file(b1, "reporter,partner,hs6,value\nBEL,COD,810520,12.5\n");
    write_file(b2, "reporter,partner,hs6,value\nBEL,COD,810520,13.5\n");
    char s1[65], s2[65];
    file_sha(b1, s1);
    file_sha(b2, s2);

    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    CHECK_OK(cm_store_import_begin(st, &demo_prov, &imp, &err), &err);
    CHECK_OK(cm_store_import_bulk_file(imp, b1, "trade-year", "csv", &err), &err);
    CHECK_ERROR(cm_store_import_bulk_file(imp, b1, NULL, "csv", &err), CM_EINVAL);
    CHECK_OK(cm_store_import_commit(imp, &err), &err);
    imp = NULL;
    char kept[4400], hex[65];
    snprintf(kept, sizeof kept, "%s.files/%s", path, s1);
    file_sha(kept, hex);
    assert_string_equal(hex, s1); /* the copy is named by, and has, the checksum */
    assert_int_equal(query_int(st, "SELECT bytes FROM bulk_file"), 47);

    /* a second import of the same content plus a new file, then abort: the shared copy stays */
    CHECK_OK(cm_store_import_begin(st, &demo_prov, &imp, &err), &err);
    CHECK_OK(cm_store_import_bulk_file(imp, b1, "trade-year", "csv", &err), &err);
    CHECK_OK(cm_store_import_bulk_file(imp, b2, "trade-year", "csv", &err), &err);
    assert_int_equal(count_dir(path), 2);
    cm_store_import_abort(imp);
    imp = NULL;
    assert_int_equal(count_dir(path), 1);
    assert_int_equal(access(kept, R_OK), 0);

    /* reading it back, and checking every checksum */
    char *bp = NULL;
    CHECK_OK(cm_store_bulk_path(st, 1, "trade-year", &bp, &err), &err);
    assert_string_equal(bp, kept);
    cm_free(bp);
    bp = NULL;
    CHECK_ERROR(cm_store_bulk_path(st, 1, "matrix", &bp, &err), CM_ENOTFOUND);
    CHECK_ERROR(cm_store_bulk_path(st, 99, "trade-year", &bp, &err), CM_ENOTFOUND);
    assert_null(bp);
    int64_t checked = 0;
    CHECK_OK(cm_store_verify_bulk(st, &checked, &err), &err);
    assert_int_equal(checked, 1);
    write_file(kept, "tampered\n");
    CHECK_ERROR(cm_store_verify_bulk(st, &checked, &err), CM_ESTORE);
    assert_non_null(strstr(err.message, "changed after import"));
    unlink(kept);
    CHECK_ERROR(cm_store_verify_bulk(st, &checked, &err), CM_ESTORE);
    assert_non_null(strstr(err.message, "missing"));

    cm_dataset_list_t list = {0};
    CHECK_OK(cm_store_datasets(st, &list, &err), &err);
    assert_int_equal(list.n, 1);
    assert_int_equal(list.items[0].bulk_files, 1);
    cm_dataset_list_destroy(&list);
    cm_store_summary_t sum;
    CHECK_OK(cm_store_summary(st, &sum, &err), &err);
    assert_int_equal(sum.bulk_files, 1);
    cm_store_close(st);
    unlink(b1);
    unlink(b2);
    remove_store(path);
}

static void test_import_speed(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    cm_store_import_t *imp = NULL;
    const char *path = tmp_path("speed.db");
    remove_store(path);
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_OK(cm_store_import_begin(st, &demo_prov, &imp, &err), &err);
    add_rows(imp, 100000);
    CHECK_OK(cm_store_import_commit(imp, &err), &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    print_message("imported 100000 observations in %.3f s\n", secs);
    assert_int_equal(query_int(st, "SELECT rows FROM dataset"), 100000);
    assert_int_equal(query_int(st, "SELECT count(*) FROM observation"), 100000);
    cm_store_close(st);
    remove_store(path);
}

/* --- results and queries ----------------------------------------------------------------- */

static void test_results(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    const char *path = tmp_path("results.db");
    remove_store(path);
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    const char *in_a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const char *in_b = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
    const char *ab[2] = {in_a, in_b};
    const char *ba[2] = {in_b, in_a};
    int64_t id1 = 0, id2 = 0;
    char *content = NULL;

    CHECK_OK(cm_store_result_put(st, "crit", "{\"year\": 2023, \"method\": \"eu\"}", 2, ab,
                                 "{\"sr\": 1.5}", NULL, &id1, &err),
             &err);
    assert_true(id1 > 0);
    /* same analysis, same parameters in another order/spacing, inputs in another order */
    CHECK_OK(cm_store_result_get(st, "crit", "{\"method\":\"eu\",\"year\":2023}", 2, ba, &content,
                                 &err),
             &err);
    assert_string_equal(content, "{\"sr\":1.5}");
    cm_free(content);
    content = NULL;
    /* the same key replaces */
    CHECK_OK(cm_store_result_put(st, "crit", "{\"method\":\"eu\",\"year\":2023}", 2, ba,
                                 "{\"sr\": 2.5}", "out/crit.csv", &id2, &err),
             &err);
    assert_int_equal(id2, id1);
    assert_int_equal(query_int(st, "SELECT count(*) FROM result"), 1);
    CHECK_OK(cm_store_result_get(st, "crit", "{\"year\":2023,\"method\":\"eu\"}", 2, ab, &content,
                                 &err),
             &err);
    assert_string_equal(content, "{\"sr\":2.5}");
    cm_free(content);
    content = NULL;
    /* other parameters, other inputs, other analysis: other keys */
    CHECK_ERROR(cm_store_result_get(st, "crit", "{\"year\":2024,\"method\":\"eu\"}", 2, ab,
                                    &content, &err),
                CM_ENOTFOUND);
    CHECK_ERROR(cm_store_result_get(st, "crit", "{\"year\":2023,\"method\":\"eu\"}", 1, ab,
                                    &content, &err),
                CM_ENOTFOUND);
    CHECK_ERROR(cm_store_result_get(st, "mfa", "{\"year\":2023,\"method\":\"eu\"}", 2, ab,
                                    &content, &err),
                CM_ENOTFOUND);
    CHECK_OK(cm_store_result_put(st, "mfa", NULL, 0, NULL, NULL, NULL, &id2, &err), &err);
    assert_true(id2 != id1);
    CHECK_OK(cm_store_result_get(st, "mfa", "{}", 0, NULL, &content, &err), &err);
    assert_string_equal(content, "null");
    cm_free(content);
    content = NULL;
    /* invalid arguments */
    CHECK_ERROR(cm_store_result_put(st, "crit", "{broken", 0, NULL, "1", NULL, NULL, &err),
                CM_EINVAL);
    const char *bad[1] = {"xyz"};
    CHECK_ERROR(cm_store_result_put(st, "crit", "{}", 1, bad, "1", NULL, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_result_put(st, "", "{}", 0, NULL, "1", NULL, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_result_put(st, "crit", "{}", 0, NULL, "{x", NULL, NULL, &err), CM_EINVAL);
    assert_null(content);
    cm_store_close(st);
    remove_store(path);
}

static int rows_seen;
static cm_error_t count_rows(int n, const char *const *names, const char *const *values, void *ud)
{
    (void)values;
    (void)ud;
    assert_true(n >= 1);
    assert_non_null(names[0]);
    rows_seen++;
    return CM_OK;
}

static cm_error_t stop_at_first(int n, const char *const *names, const char *const *values,
                                void *ud)
{
    (void)n;
    (void)names;
    (void)values;
    (void)ud;
    return CM_ENOTFOUND;
}

static void test_query_read_only(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    const char *path = tmp_path("query.db");
    remove_store(path);
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    rows_seen = 0;
    CHECK_OK(cm_store_query(st, "SELECT code, label FROM class_item WHERE classification ="
                                " 'country' AND code IN ('BEL', 'COD')",
                            count_rows, NULL, &err),
             &err);
    assert_int_equal(rows_seen, 2);
    CHECK_ERROR(cm_store_query(st, "DELETE FROM class_item", count_rows, NULL, &err), CM_EINVAL);
    assert_non_null(strstr(err.message, "read-only"));
    CHECK_ERROR(cm_store_query(st, "INSERT INTO meta VALUES ('a', 'b')", count_rows, NULL, &err),
                CM_EINVAL);
    CHECK_ERROR(cm_store_query(st, "SELECT 1; DELETE FROM meta", count_rows, NULL, &err),
                CM_EINVAL);
    CHECK_ERROR(cm_store_query(st, "SELEC nonsense", count_rows, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_query(st, "   ", count_rows, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_query(st, "SELECT 1", stop_at_first, NULL, &err), CM_ENOTFOUND);
    assert_int_equal(query_int(st, "SELECT count(*) FROM class_item"),
                     query_int(st, "SELECT count(*) FROM class_item"));
    cm_store_close(st);
    remove_store(path);
}

/* --- allocation failures ----------------------------------------------------------------- */

static void test_alloc_failure_loop(void **state)
{
    (void)state;
    const char *path = tmp_path("oom.db");
    const char *bulk = tmp_path("oom.bin");
    const char *fresh = tmp_path("oom-fresh.db");
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    remove_store(path);
    write_file(bulk, "bulk bytes\n");
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    cm_store_close(st);
    st = NULL;
    char before[65], after[65];
    file_sha(path, before);

    int succeeded = 0;
    for (long n = 0; n < 5000 && !succeeded; n++) {
        long baseline = cm_alloc_outstanding();
        cm_store_import_t *imp = NULL;
        cm_error_t rc;
        cm_test_fail_alloc_after(n);
        rc = cm_store_open(path, 0, &st, &err);
        if (rc == CM_OK) {
            rc = cm_store_import_begin(st, &demo_prov, &imp, &err);
        }
        if (rc == CM_OK) {
            cm_obs_t o = {.variable = "v", .region = "BEL", .value = 1, .line = 2};
            rc = cm_store_import_add(imp, &o, &err);
            if (rc == CM_OK) {
                rc = cm_store_import_bulk_file(imp, bulk, "matrix", NULL, &err);
            }
            if (rc == CM_OK) {
                rc = cm_store_import_commit(imp, &err);
            } else {
                cm_store_import_abort(imp);
            }
        }
        cm_store_close(st);
        st = NULL;
        cm_test_fail_alloc_after(-1);
        assert_int_equal(cm_alloc_outstanding(), baseline);
        if (rc == CM_OK) {
            succeeded = 1;
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            file_sha(path, after);
            assert_string_equal(before, after); /* a failed import leaves the store as it was */
            assert_true(count_dir(path) <= 0);
        }
    }
    assert_true(succeeded);

    /* creating a store: a failure leaves no file behind */
    succeeded = 0;
    for (long n = 0; n < 100000 && !succeeded; n += (n < 200 ? 1 : 97)) {
        remove_store(fresh);
        cm_test_fail_alloc_after(n);
        cm_error_t rc = cm_store_open(fresh, CM_STORE_CREATE, &st, &err);
        cm_store_close(st);
        st = NULL;
        cm_test_fail_alloc_after(-1);
        if (rc == CM_OK) {
            succeeded = 1;
        } else {
            assert_int_equal(rc, CM_ENOMEM);
            assert_int_equal(access(fresh, F_OK), -1);
        }
    }
    assert_true(succeeded);
    remove_store(fresh);
    unlink(bulk);
    remove_store(path);
}

static void test_null_arguments(void **state)
{
    (void)state;
    cm_error_info_t err = {0};
    cm_store_t *st = NULL;
    const char *path = tmp_path("nulls.db");
    remove_store(path);
    CHECK_OK(cm_store_open(path, CM_STORE_CREATE, &st, &err), &err);
    cm_dataset_list_t list = {0};
    cm_issue_counts_t ic = {0};
    cm_store_summary_t sum;
    int64_t id = 0, checked = 0;
    char *text = NULL;
    CHECK_ERROR(cm_store_datasets(NULL, &list, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_datasets(st, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_dataset_find(st, NULL, "00", &id, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_dataset_find(st, "tidy", "00", NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_issue_counts(NULL, 1, &ic, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_summary(st, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_summary(NULL, &sum, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_query(st, NULL, count_rows, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_query(st, "SELECT 1", NULL, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_result_put(NULL, "a", NULL, 0, NULL, NULL, NULL, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_result_get(st, "a", NULL, 0, NULL, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_result_get(st, "a", NULL, 1, NULL, &text, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_bulk_path(st, 1, NULL, &text, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_bulk_path(st, 1, "matrix", NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_verify_bulk(NULL, &checked, &err), CM_EINVAL);
    CHECK_OK(cm_store_verify_bulk(st, &checked, &err), &err);
    assert_int_equal(checked, 0);
    CHECK_ERROR(cm_store_import_add(NULL, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_import_commit(NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_import_bulk_file(NULL, "x", "matrix", NULL, &err), CM_EINVAL);
    cm_store_import_abort(NULL);
    assert_int_equal(cm_store_import_rows(NULL), 0);
    assert_int_equal(cm_store_import_issues(NULL), 0);
    assert_int_equal(cm_store_import_dataset_id(NULL), 0);
    assert_null(cm_store_path(NULL));
    assert_null(text);
    cm_issue_counts_destroy(NULL);
    cm_dataset_list_destroy(NULL);
    /* a read-only store refuses results too */
    cm_store_close(st);
    st = NULL;
    CHECK_OK(cm_store_open(path, CM_STORE_READONLY, &st, &err), &err);
    CHECK_ERROR(cm_store_result_put(st, "a", NULL, 0, NULL, NULL, NULL, NULL, &err), CM_EINVAL);
    CHECK_ERROR(cm_store_class_import(st, "hs6", "x.csv", &err), CM_EINVAL);
    CHECK_OK(cm_store_summary(st, &sum, &err), &err);
    cm_store_close(st);
    remove_store(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        CM_TEST(test_sha256_vectors),
        CM_TEST(test_open_create_reopen),
        CM_TEST(test_refuse_foreign_files),
        CM_TEST(test_newer_schema_refused),
        CM_TEST(test_migration_from_v1),
        CM_TEST(test_builtins_refreshed),
        CM_TEST(test_import_commit_and_list),
        CM_TEST(test_abort_is_byte_identical),
        CM_TEST(test_bulk_files),
        CM_TEST(test_import_speed),
        CM_TEST(test_results),
        CM_TEST(test_query_read_only),
        CM_TEST(test_alloc_failure_loop),
        CM_TEST(test_null_arguments),
    };
    return CM_RUN_TESTS(tests);
}
