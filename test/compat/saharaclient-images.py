"""The real python-saharaclient against the running local front, both API versions.

Every method of the v1 and v2 image managers, what each returns, and how service errors reach
the client (APIException with error_code and error_name). Auth is keystoneauth1's token-endpoint
plugin: a fixed endpoint and token, no Keystone. Run by `npm run test:compat`
(test/compat/run-compat.ts), which starts the front and sets:

  REGISTRY_ORIGIN  http://127.0.0.1:<port>
  REGISTRY_TOKENS  token=tenant,token=tenant,...  (the front's REGISTRY_DEV_TOKENS)
"""

import os
import unittest

from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
from saharaclient.api import base
from saharaclient.api import client as sahara_client
from saharaclient.api import images as sahara_images

ORIGIN = os.environ["REGISTRY_ORIGIN"]
TOKENS = dict(reversed(pair.split("=", 1)) for pair in os.environ["REGISTRY_TOKENS"].split(","))

# The sample catalog the local front serves (infra/local/sample-catalog.json).
SPARK_35 = "spark-3.5-ubuntu-22.04"
SPARK_34 = "spark-3.4-ubuntu-22.04"
VANILLA = "vanilla-2.7.1-centos-7"
STORM = "storm-1.2-ubuntu-18.04"
SAVING = "fedora-40-saving"
CATALOG = [SPARK_35, SPARK_34, VANILLA, STORM, SAVING]

IMAGE_FIELDS = sorted(["id", "name", "username", "description", "tags", "metadata", "status", "progress",
                       "minDisk", "minRam", "OS-EXT-IMG-SIZE:size", "created", "updated"])


def session_for(endpoint, tenant):
    return ks_session.Session(auth=token_endpoint.Token(endpoint, TOKENS[tenant]))


def v1_client(tenant, path_tenant=None):
    endpoint = "%s/v1.1/%s" % (ORIGIN, path_tenant or tenant)
    return sahara_client.Client(session=session_for(endpoint, tenant))


def v2_client(tenant):
    return sahara_client.ClientV2(session=session_for("%s/v2" % ORIGIN, tenant))


def ids(images):
    return [image.id for image in images]


class ImageManagerContract:
    """What both managers must do; mixed into one TestCase per API version."""

    tenant = None

    def setUp(self):
        self.images = self.make_client().images
        for image_id in CATALOG:
            self.images.unregister_image(image_id)

    def assertApiError(self, call, error_code, error_name):
        with self.assertRaises(base.APIException) as raised:
            call()
        self.assertEqual(raised.exception.error_code, error_code)
        self.assertEqual(raised.exception.error_name, error_name)
        self.assertIn("Error ID: req-", raised.exception.error_message)
        return raised.exception

    # Both managers share these methods (saharaclient's _ImageManager).

    def test_update_image_registers_and_returns_the_image(self):
        result = self.images.update_image(SPARK_35, "ubuntu", "Spark 3.5")
        self.assertIsInstance(result, sahara_images.Image)
        # _post without a response key: the resource wraps the whole body.
        self.assertEqual(sorted(result.image), IMAGE_FIELDS)
        self.assertEqual(result.image["username"], "ubuntu")
        self.assertEqual(result.image["description"], "Spark 3.5")
        self.assertEqual(result.image["metadata"], {"_sahara_username": "ubuntu", "_sahara_description": "Spark 3.5"})

    def test_update_image_without_description_resets_it(self):
        self.images.update_image(SPARK_35, "ubuntu", "first")
        result = self.images.update_image(SPARK_35, "centos")
        self.assertEqual(result.image["username"], "centos")
        self.assertEqual(result.image["description"], "")

    def test_get_returns_the_image_with_upstream_fields(self):
        self.images.update_image(SPARK_35, "ubuntu", "Spark")
        image = self.images.get(SPARK_35)
        self.assertIsInstance(image, sahara_images.Image)
        self.assertEqual(sorted(image.to_dict()), IMAGE_FIELDS)
        self.assertEqual((image.id, image.name, image.username, image.description), (SPARK_35, "sahara-spark-3.5-ubuntu-22.04", "ubuntu", "Spark"))
        self.assertEqual((image.status, image.minDisk, image.minRam), ("ACTIVE", 20, 2048))
        self.assertEqual(image.tags, [])

    def test_list_returns_registered_images_filtered_by_tags_and_name(self):
        for image_id in (SPARK_35, SPARK_34, STORM):
            self.images.update_image(image_id, "ubuntu")
        self.images.update_tags(SPARK_35, ["spark", "3.5"])
        self.images.update_tags(SPARK_34, ["spark", "3.4"])
        self.assertEqual(ids(self.images.list()), [SPARK_34, SPARK_35, STORM])
        self.assertTrue(all(isinstance(image, sahara_images.Image) for image in self.images.list()))
        self.assertEqual(ids(self.images.list({"tags": ["spark"]})), [SPARK_34, SPARK_35])
        self.assertEqual(ids(self.images.list({"tags": ["spark", "3.5"]})), [SPARK_35])
        self.assertEqual(ids(self.images.list({"tags": ["spark", "3.6"]})), [])
        self.assertEqual(ids(self.images.list({"name": "storm"})), [STORM])
        self.assertEqual(ids(self.images.list({"name": "spark", "tags": "3.4"})), [SPARK_34])

    def test_a_large_list_comes_gzip_compressed_and_the_client_reads_it(self):
        for image_id in CATALOG:
            self.images.update_image(image_id, "ubuntu", "Spark, Hadoop and Java; " * 40 + image_id)
        # requests asks for gzip (Accept-Encoding: gzip, deflate) and decompresses what it gets.
        response = self.images.api.get("/images")
        self.assertEqual(response.headers["Content-Encoding"], "gzip")
        self.assertIn("Accept-Encoding", response.headers["Vary"])
        listed = self.images.list()
        self.assertEqual(ids(listed), sorted(CATALOG))
        self.assertEqual([image.description for image in listed], ["Spark, Hadoop and Java; " * 40 + image_id for image_id in sorted(CATALOG)])

    def test_list_sorts_by_sort_by_in_search_opts_and_leaves_out_deprecated_images_on_request(self):
        for image_id in (SPARK_35, SPARK_34, VANILLA, STORM):
            self.images.update_image(image_id, "ubuntu")
        for image_id in (SPARK_35, SPARK_34, VANILLA):
            self.images.update_tags(image_id, ["spark"])
        # The sample catalog's creation times: vanilla 2019, storm 2020, spark 3.4 2025, spark 3.5 2026.
        self.assertEqual(ids(self.images.list({"sort_by": "-created"})), [SPARK_35, SPARK_34, STORM, VANILLA])
        self.assertEqual(ids(self.images.list({"sort_by": "name"})), [SPARK_34, SPARK_35, STORM, VANILLA])
        newest = self.images.list({"tags": ["spark"], "sort_by": "-created", "limit": 1})
        self.assertEqual(ids(newest), [SPARK_35])
        # The sample vanilla image was deprecated in 2024.
        self.assertEqual(self.images.get(VANILLA).metadata["deprecation_time"], "2024-06-30T00:00:00Z")
        self.assertEqual(ids(self.images.list({"tags": ["spark"], "include_deprecated": False})), [SPARK_34, SPARK_35])
        error = self.assertApiError(lambda: self.images.list({"sort_by": "colour"}), 400, "VALIDATION_ERROR")
        self.assertIn("id, -id, name, -name, created, -created, updated, -updated", error.error_message)

    def test_the_clients_own_pager_follows_the_markers_in_a_sorted_order(self):
        for image_id in CATALOG:
            self.images.update_image(image_id, "u")
        seen, marker = [], None
        while True:
            query = base.get_query_string({}, limit=2, marker=marker, sort_by="name", reverse=True)
            page = self.images._page("/images%s" % query, "images", 2)
            seen.extend(ids(page))
            if page.next is None:
                break
            marker = page.next
        self.assertEqual(seen, [VANILLA, STORM, SPARK_35, SPARK_34, SAVING])
        self.assertApiError(lambda: self.images._page("/images?limit=2&marker=%s" % page.prev, "images"), 400, "VALIDATION_ERROR")

    def test_find_and_find_unique_filter_the_list(self):
        self.images.update_image(SPARK_35, "ubuntu")
        self.images.update_image(STORM, "storm")
        self.assertEqual(ids(self.images.find(username="storm")), [STORM])
        self.assertEqual(self.images.find_unique(username="ubuntu").id, SPARK_35)

    def test_unregister_image_returns_none_and_drops_user_name_and_tags(self):
        self.images.update_image(SPARK_35, "ubuntu", "d")
        self.images.update_tags(SPARK_35, ["spark"])
        self.assertIsNone(self.images.unregister_image(SPARK_35))
        self.assertIsNone(self.images.unregister_image(SPARK_35))  # idempotent
        self.assertEqual(self.images.list({"tags": ["spark"]}), [])
        self.assertApiError(lambda: self.images.get(SPARK_35), 400, "IMAGE_NOT_REGISTERED")
        again = self.images.update_image(SPARK_35, "ubuntu")
        self.assertEqual((again.image["description"], again.image["tags"]), ("", []))

    def test_errors_reach_the_client_as_api_exceptions(self):
        self.assertApiError(lambda: self.images.get("no-such-image"), 404, "NOT_FOUND")
        self.assertApiError(lambda: self.images.update_image("no-such-image", "u"), 404, "NOT_FOUND")
        self.assertApiError(lambda: self.images.unregister_image("no-such-image"), 404, "NOT_FOUND")
        error = self.assertApiError(lambda: self.images.update_image(SPARK_35, ""), 400, "VALIDATION_ERROR")
        self.assertTrue(error.error_message.startswith("username: must not be empty"))
        self.assertApiError(lambda: self.images.update_image(SPARK_35, "u", "x" * 1025), 400, "VALIDATION_ERROR")
        self.assertApiError(lambda: self.images.get(SAVING), 400, "IMAGE_NOT_REGISTERED")

    def test_update_tags_validates_every_tag(self):
        self.images.update_image(SPARK_35, "ubuntu")
        error = self.assertApiError(lambda: self.images.update_tags(SPARK_35, ["ok", "bad tag"]), 400, "VALIDATION_ERROR")
        self.assertIn("is not a valid tag", error.error_message)
        self.assertEqual(self.images.get(SPARK_35).tags, [])


class ImageManagerV1Test(ImageManagerContract, unittest.TestCase):
    tenant = "alice"

    def make_client(self):
        return v1_client(self.tenant)

    def test_manager_is_the_v1_one(self):
        self.assertIsInstance(self.images, sahara_images.ImageManagerV1)

    def test_update_tags_tags_and_untags_to_the_given_set(self):
        self.images.update_image(SPARK_35, "ubuntu")
        added = self.images.update_tags(SPARK_35, ["spark", "3.5"])  # only POST .../tag
        self.assertEqual(added.tags, ["3.5", "spark"])
        self.assertEqual(added.metadata, {"_sahara_username": "ubuntu", "_sahara_tag_spark": True, "_sahara_tag_3.5": True})
        both = self.images.update_tags(SPARK_35, ["spark", "scala"])  # .../tag, then .../untag
        self.assertEqual(both.tags, ["scala", "spark"])
        unchanged = self.images.update_tags(SPARK_35, ["spark", "scala"])  # no request but get()
        self.assertEqual(unchanged.tags, ["scala", "spark"])
        self.assertEqual(self.images.update_tags(SPARK_35, []).tags, [])

    def test_update_tags_over_50_tags_is_refused_whole(self):
        self.images.update_image(SPARK_35, "ubuntu")
        error = self.assertApiError(lambda: self.images.update_tags(SPARK_35, ["t%d" % i for i in range(51)]), 400, "VALIDATION_ERROR")
        self.assertIn("at most 50 tags", error.error_message)
        self.assertEqual(self.images.get(SPARK_35).tags, [])

    def test_a_path_tenant_other_than_the_tokens_is_forbidden(self):
        other = v1_client(self.tenant, path_tenant="bob").images
        self.assertApiError(lambda: other.list(), 403, "FORBIDDEN")
        self.assertApiError(lambda: other.update_image(SPARK_35, "u"), 403, "FORBIDDEN")

    def test_an_unknown_token_is_unauthorized(self):
        stranger = sahara_client.Client(session=ks_session.Session(auth=token_endpoint.Token("%s/v1.1/alice" % ORIGIN, "not-a-token")))
        self.assertApiError(lambda: stranger.images.list(), 401, "UNAUTHORIZED")


class ImageManagerV2Test(ImageManagerContract, unittest.TestCase):
    tenant = "carol"

    def make_client(self):
        return v2_client(self.tenant)

    def test_manager_is_the_v2_one(self):
        self.assertIsInstance(self.images, sahara_images.ImageManagerV2)

    def test_update_tags_replaces_the_set_and_returns_the_image(self):
        self.images.update_image(SPARK_35, "ubuntu")
        self.images.update_tags(SPARK_35, ["old", "spark"])
        result = self.images.update_tags(SPARK_35, ["spark", "3.5", "spark"])
        self.assertIsInstance(result, sahara_images.Image)
        self.assertEqual(result.image["tags"], ["3.5", "spark"])
        # _update without a response key: the resource wraps the whole body, whose top level carries
        # the image's fields too (what the CLI's tag commands read; upstream answers only "image").
        self.assertEqual((result.tags, result.id, result.username), (["3.5", "spark"], SPARK_35, "ubuntu"))
        self.assertEqual({key: value for key, value in result.to_dict().items() if key != "image"}, result.image)
        self.assertEqual(self.images.get(SPARK_35).tags, ["3.5", "spark"])
        self.assertEqual(ids(self.images.list({"tags": ["old"]})), [])

    def test_update_tags_replaces_50_tags_by_50_others(self):
        self.images.update_image(SPARK_35, "ubuntu")
        self.images.update_tags(SPARK_35, ["before-%d" % i for i in range(50)])
        result = self.images.update_tags(SPARK_35, ["after-%d" % i for i in range(50)])
        self.assertEqual(result.image["tags"], sorted("after-%d" % i for i in range(50)))
        self.assertEqual(ids(self.images.list({"tags": ["before-7"]})), [])
        self.assertEqual(ids(self.images.list({"tags": ["after-7"]})), [SPARK_35])

    def test_get_tags_returns_the_tags(self):
        self.images.update_image(SPARK_35, "ubuntu")
        self.images.update_tags(SPARK_35, ["spark", "3.5"])
        tags = self.images.get_tags(SPARK_35)
        self.assertIsInstance(tags, sahara_images.Image)
        self.assertEqual(tags.tags, ["3.5", "spark"])
        self.assertEqual(self.images.get_tags(VANILLA).tags, [])  # known, not registered

    def test_delete_tags_returns_none_and_removes_every_tag(self):
        self.images.update_image(SPARK_35, "ubuntu")
        self.images.update_tags(SPARK_35, ["spark", "3.5"])
        self.assertIsNone(self.images.delete_tags(SPARK_35))
        self.assertEqual(self.images.get(SPARK_35).tags, [])
        self.assertIsNone(self.images.delete_tags(SPARK_35))

    def test_tag_methods_report_errors(self):
        self.assertApiError(lambda: self.images.get_tags("no-such-image"), 404, "NOT_FOUND")
        self.assertApiError(lambda: self.images.update_tags("no-such-image", ["a"]), 404, "NOT_FOUND")
        self.assertApiError(lambda: self.images.delete_tags("no-such-image"), 404, "NOT_FOUND")
        error = self.assertApiError(lambda: self.images.update_tags(SPARK_35, ["t%d" % i for i in range(51)]), 400, "VALIDATION_ERROR")
        self.assertIn("at most 50 tags", error.error_message)

    def test_an_unknown_query_parameter_is_refused(self):
        self.assertApiError(lambda: self.images.list({"colour": "red"}), 400, "INVALID_PARAMS_ON_REQUEST")

    def test_answers_name_the_api_version(self):
        response = self.images.api.get("/images")
        self.assertEqual(response.headers["OpenStack-API-Version"], "data-processing 2.0")
        self.assertEqual(response.headers["Vary"], "Accept-Encoding, OpenStack-API-Version")
        refused = self.images.api.get("/images", headers={"OpenStack-API-Version": "data-processing 2.1"})
        self.assertEqual((refused.status_code, refused.json()["error_name"]), (406, "NOT_ACCEPTABLE"))
        self.assertEqual((refused.json()["min_version"], refused.json()["max_version"]), ("2.0", "2.0"))

    def test_a_post_without_a_body_is_read_as_an_empty_object(self):
        answer = self.images.api.post("/images/%s" % SPARK_35)
        self.assertEqual((answer.status_code, answer.json()["error_name"]), (400, "VALIDATION_ERROR"))
        self.assertTrue(answer.json()["error_message"].startswith("username: is required"))

    def test_the_clients_own_pager_follows_the_markers(self):
        for image_id in CATALOG:
            self.images.update_image(image_id, "u")
        seen, marker = [], None
        while True:
            # As saharaclient pages its other v2 resources: get_query_string + _page.
            query = base.get_query_string({}, limit=2, marker=marker)
            page = self.images._page("/images%s" % query, "images", 2)
            self.assertIsInstance(page, base.Page)
            self.assertLessEqual(len(page), 2)
            seen.extend(ids(page))
            if page.next is None:
                break
            marker = page.next
        self.assertEqual(seen, sorted(CATALOG))
        self.assertIsNotNone(page.prev)
        self.assertApiError(lambda: self.images._page("/images?limit=0", "images"), 400, "VALIDATION_ERROR")

    def test_tenants_are_apart(self):
        self.images.update_image(SPARK_35, "ubuntu")
        self.images.update_tags(SPARK_35, ["spark"])
        bob = v2_client("bob").images
        self.assertEqual(bob.list({"tags": ["spark"]}), [])
        self.assertApiError(lambda: bob.get(SPARK_35), 400, "IMAGE_NOT_REGISTERED")


if __name__ == "__main__":
    unittest.main(verbosity=2)
