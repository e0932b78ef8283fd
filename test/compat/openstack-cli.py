"""The real openstack CLI (python3-openstackclient with python-saharaclient's plugin) against the
running local front: every `openstack dataprocessing image` command on API v1.1 and v2, `register`
resolving the image through the image service under /image, and what each command prints.

Auth is keystoneauth1's admin_token plugin from a clouds.yaml (docs/openstack-cli.md): a fixed
endpoint and token, no Keystone; `image_endpoint_override` points openstacksdk at /image. API v2
is chosen as users choose it, with OS_DATA_PROCESSING_API_VERSION=2 (the plugin's option default
wins over clouds.yaml). Run by `npm run test:compat` (test/compat/run-compat.ts), which sets:

  REGISTRY_ORIGIN  http://127.0.0.1:<port>
  REGISTRY_TOKENS  token=tenant,...  (the front's REGISTRY_DEV_TOKENS)
  OPENSTACK_CLI    the openstack executable (default /usr/bin/openstack)
"""

import json
import os
import subprocess
import tempfile
import unittest

ORIGIN = os.environ["REGISTRY_ORIGIN"]
TOKENS = dict(reversed(pair.split("=", 1)) for pair in os.environ["REGISTRY_TOKENS"].split(","))
OPENSTACK = os.environ.get("OPENSTACK_CLI", "/usr/bin/openstack")

# The sample catalog (infra/local/sample-catalog.json): the CLI names images by name (it looks any
# argument that is not a UUID up by name), so the commands below use the names.
SPARK_35, SPARK_35_NAME = "spark-3.5-ubuntu-22.04", "sahara-spark-3.5-ubuntu-22.04"
SPARK_34, SPARK_34_NAME = "spark-3.4-ubuntu-22.04", "sahara-spark-3.4-ubuntu-22.04"
STORM, STORM_NAME = "storm-1.2-ubuntu-18.04", "sahara-storm-1.2-ubuntu-18.04"
CATALOG_NAMES = [SPARK_35_NAME, SPARK_34_NAME, STORM_NAME, "sahara-vanilla-2.7.1-centos-7", "fedora-40-cloud"]


def clouds_yaml(tenant):
    """One cloud per way in: v1.1 with the tenant in the path, v2, and v2 with the tenant in the path."""
    token = TOKENS[tenant]
    clouds = {
        "registry": "%s/v1.1/%s" % (ORIGIN, tenant),
        "registry-v2": "%s/v2" % ORIGIN,
        "registry-v2-tenant": "%s/v2/%s" % (ORIGIN, tenant),
    }
    lines = ["clouds:"]
    for name, endpoint in clouds.items():
        lines += [
            "  %s:" % name,
            "    auth_type: admin_token",
            "    auth:",
            "      endpoint: %s" % endpoint,
            "      token: %s" % token,
            "    image_endpoint_override: %s/image" % ORIGIN,
        ]
    return "\n".join(lines) + "\n"


class Cli:
    """Runs `openstack --os-cloud <cloud> ...` as a user would, with nothing of the caller's OS_* settings."""

    def __init__(self, tenant, cloud, api_version):
        self.cloud = cloud
        self.config = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        self.config.write(clouds_yaml(tenant))
        self.config.close()
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("OS_")}
        self.env.update(OS_CLIENT_CONFIG_FILE=self.config.name, OS_DATA_PROCESSING_API_VERSION=api_version)

    def run(self, *args, expect_rc=0):
        done = subprocess.run([OPENSTACK, "--os-cloud", self.cloud, *args], env=self.env, capture_output=True, text=True, timeout=120)
        if done.returncode != expect_rc:
            raise AssertionError("openstack %s: exit %d, expected %d\nstdout: %s\nstderr: %s"
                                 % (" ".join(args), done.returncode, expect_rc, done.stdout, done.stderr))
        return done

    def json(self, *args):
        return json.loads(self.run(*args, "-f", "json").stdout)

    def close(self):
        os.unlink(self.config.name)


def shown(name, image_id, username, tags="", description="", status="ACTIVE"):
    """What ShowOne commands print for an image (saharaclient's IMAGE_FIELDS, tags joined)."""
    return {"Name": name, "Id": image_id, "Username": username, "Tags": tags, "Status": status, "Description": description}


class DataProcessingImageCommands:
    """Every `openstack dataprocessing image` command; mixed into one TestCase per API version."""

    tenant = None
    cloud = None
    api_version = None

    @classmethod
    def setUpClass(cls):
        cls.cli = Cli(cls.tenant, cls.cloud, cls.api_version)

    @classmethod
    def tearDownClass(cls):
        cls.cli.close()

    def setUp(self):
        for image in self.cli.json("dataprocessing", "image", "list"):
            self.cli.run("dataprocessing", "image", "unregister", image["Name"])

    def register(self, name_or_id, username, *more):
        return self.cli.json("dataprocessing", "image", "register", name_or_id, "--username", username, *more)

    def test_register_resolves_a_name_through_the_image_service(self):
        printed = self.register(SPARK_35_NAME, "ubuntu", "--description", "Spark 3.5")
        self.assertEqual(printed, shown(SPARK_35_NAME, SPARK_35, "ubuntu", description="Spark 3.5"))

    def test_register_takes_an_id_too(self):
        self.assertEqual(self.register(STORM, "storm"), shown(STORM_NAME, STORM, "storm"))

    def test_register_prints_a_table_by_default(self):
        out = self.cli.run("dataprocessing", "image", "register", SPARK_34_NAME, "--username", "centos").stdout
        self.assertIn("| Id          | %s" % SPARK_34, out)
        self.assertIn("| Username    | centos", out)

    def test_register_of_an_image_the_catalog_does_not_have_fails_naming_it(self):
        failed = self.cli.run("dataprocessing", "image", "register", "no-such-image", "--username", "u", expect_rc=1)
        self.assertIn("No Image found for no-such-image", failed.stderr)

    def test_list_with_tags_name_username_and_long(self):
        self.register(SPARK_35_NAME, "ubuntu", "--description", "Spark 3.5")
        self.register(SPARK_34_NAME, "centos")
        self.register(STORM_NAME, "ubuntu")
        self.cli.json("dataprocessing", "image", "tags", "set", SPARK_35_NAME, "--tags", "spark", "3.5")
        self.cli.json("dataprocessing", "image", "tags", "set", SPARK_34_NAME, "--tags", "spark", "3.4")
        listed = self.cli.json("dataprocessing", "image", "list")
        self.assertEqual(listed, [
            {"Name": SPARK_34_NAME, "Id": SPARK_34, "Username": "centos", "Tags": "3.4, spark"},
            {"Name": SPARK_35_NAME, "Id": SPARK_35, "Username": "ubuntu", "Tags": "3.5, spark"},
            {"Name": STORM_NAME, "Id": STORM, "Username": "ubuntu", "Tags": ""},
        ])
        names = lambda *args: [image["Name"] for image in self.cli.json("dataprocessing", "image", "list", *args)]
        self.assertEqual(names("--tags", "spark"), [SPARK_34_NAME, SPARK_35_NAME])
        self.assertEqual(names("--tags", "spark", "3.5"), [SPARK_35_NAME])
        self.assertEqual(names("--name", "storm"), [STORM_NAME])
        self.assertEqual(names("--username", "ubu"), [SPARK_35_NAME, STORM_NAME])
        self.assertEqual(names("--tags", "spark", "--username", "cent"), [SPARK_34_NAME])
        long = self.cli.json("dataprocessing", "image", "list", "--long", "--tags", "3.5")
        self.assertEqual(long, [shown(SPARK_35_NAME, SPARK_35, "ubuntu", "3.5, spark", "Spark 3.5")])

    def test_show(self):
        self.register(SPARK_35_NAME, "ubuntu", "--description", "Spark 3.5")
        self.assertEqual(self.cli.json("dataprocessing", "image", "show", SPARK_35_NAME), shown(SPARK_35_NAME, SPARK_35, "ubuntu", description="Spark 3.5"))
        failed = self.cli.run("dataprocessing", "image", "show", STORM_NAME, expect_rc=1)
        self.assertIn("No matches found.", failed.stderr)

    def test_tags_add_set_and_remove(self):
        self.register(SPARK_35_NAME, "ubuntu")
        tags = lambda *args: self.cli.json("dataprocessing", "image", "tags", *args)["Tags"]
        self.assertEqual(tags("set", SPARK_35_NAME, "--tags", "spark", "3.5"), "3.5, spark")
        self.assertEqual(tags("add", SPARK_35_NAME, "--tags", "ubuntu", "spark"), "3.5, spark, ubuntu")
        self.assertEqual(tags("remove", SPARK_35_NAME, "--tags", "ubuntu", "absent"), "3.5, spark")
        self.assertEqual(tags("set", SPARK_35_NAME, "--tags", "scala"), "scala")
        self.assertEqual(tags("remove", SPARK_35_NAME, "--all"), "")
        self.assertEqual(self.cli.json("dataprocessing", "image", "show", SPARK_35_NAME)["Tags"], "")

    def test_tags_prints_the_whole_image(self):
        self.register(SPARK_35_NAME, "ubuntu", "--description", "d")
        printed = self.cli.json("dataprocessing", "image", "tags", "add", SPARK_35_NAME, "--tags", "spark")
        self.assertEqual(printed, shown(SPARK_35_NAME, SPARK_35, "ubuntu", "spark", "d"))

    def test_an_invalid_tag_is_refused_with_the_services_message(self):
        self.register(SPARK_35_NAME, "ubuntu")
        failed = self.cli.run("dataprocessing", "image", "tags", "set", SPARK_35_NAME, "--tags", "bad tag", expect_rc=1)
        self.assertIn("is not a valid tag", failed.stderr)

    def test_unregister_one_or_several(self):
        self.register(SPARK_35_NAME, "ubuntu")
        self.register(SPARK_34_NAME, "ubuntu")
        self.register(STORM_NAME, "ubuntu")
        out = self.cli.run("dataprocessing", "image", "unregister", SPARK_35_NAME).stdout
        self.assertEqual(out, 'Image "%s" has been unregistered successfully.\n' % SPARK_35_NAME)
        out = self.cli.run("dataprocessing", "image", "unregister", SPARK_34_NAME, STORM_NAME).stdout
        self.assertEqual(out.count("has been unregistered successfully."), 2)
        self.assertEqual(self.cli.json("dataprocessing", "image", "list"), [])


class V11Commands(DataProcessingImageCommands, unittest.TestCase):
    tenant = "dave"
    cloud = "registry"
    api_version = "1.1"


class V2Commands(DataProcessingImageCommands, unittest.TestCase):
    tenant = "erin"
    cloud = "registry-v2"
    api_version = "2"

    def test_v2_with_the_tenant_in_the_endpoint(self):
        self.register(SPARK_35_NAME, "ubuntu")
        with_tenant = Cli(self.tenant, "registry-v2-tenant", "2")
        try:
            self.assertEqual([image["Id"] for image in with_tenant.json("dataprocessing", "image", "list")], [SPARK_35])
            self.assertEqual(with_tenant.json("dataprocessing", "image", "tags", "set", SPARK_35_NAME, "--tags", "x")["Tags"], "x")
        finally:
            with_tenant.close()


class ImageServiceCommands(unittest.TestCase):
    """The image service read by openstacksdk's own commands: what register resolves through."""

    @classmethod
    def setUpClass(cls):
        cls.cli = Cli("dave", "registry", "1.1")

    @classmethod
    def tearDownClass(cls):
        cls.cli.close()

    def test_image_list_shows_the_catalog(self):
        listed = self.cli.json("image", "list")
        self.assertEqual(sorted(image["Name"] for image in listed), sorted(CATALOG_NAMES))
        self.assertIn({"ID": "fedora-40-saving", "Name": "fedora-40-cloud", "Status": "saving"}, listed)
        self.assertEqual([image["ID"] for image in self.cli.json("image", "list", "--name", STORM_NAME)], [STORM])

    def test_image_show_by_name_or_id(self):
        by_name = self.cli.json("image", "show", SPARK_35_NAME)
        self.assertEqual((by_name["id"], by_name["status"], by_name["min_disk"], by_name["visibility"]), (SPARK_35, "active", 20, "public"))
        self.assertEqual(self.cli.json("image", "show", SPARK_35)["name"], SPARK_35_NAME)
        self.assertIn("No Image found for no-such-image", self.cli.run("image", "show", "no-such-image", expect_rc=1).stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
