"""The deployment files a platform engineer applies: valid against their published schemas
(offline copies), and saying what the product needs: probes, non-root, secrets by reference."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.33"
CREDENTIALS = {
    "PREPTALK_DATABASE_URL", "PREPTALK_ENCRYPTION_KEYS", "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN",
    "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD",
    "MICROSOFT_APP_TENANT_ID",
}  # fmt: skip


def _resources() -> dict[str, dict[str, Any]]:
    return {path.name: yaml.safe_load(path.read_text()) for path in KUBERNETES.glob("*.yaml")}


def _containers(resource: dict[str, Any]) -> list[dict[str, Any]]:
    containers: list[dict[str, Any]] = resource["spec"]["template"]["spec"]["containers"]
    return containers


def _image_user() -> int:
    [user] = re.findall(r"^USER (\d+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    return int(user.split(":")[0])


@pytest.mark.parametrize("name", sorted(p.name for p in KUBERNETES.glob("*.yaml")))
def test_each_kubernetes_file_is_valid_against_the_kubernetes_schema(name: str) -> None:
    resource = yaml.safe_load((KUBERNETES / name).read_text())
    kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_pods_run_as_the_images_non_root_user_without_privileges() -> None:
    for name, resource in _resources().items():
        if resource["kind"] not in ("Deployment", "Job"):
            continue
        pod = resource["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] == _image_user(), name
        for container in _containers(resource):
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["capabilities"]["drop"] == ["ALL"], name


def test_every_credential_comes_from_the_secret_never_a_literal() -> None:
    for name, resource in _resources().items():
        if resource["kind"] not in ("Deployment", "Job"):
            continue
        for container in _containers(resource):
            env = {item["name"]: item for item in container["env"]}
            assert set(env) >= CREDENTIALS, f"{name} misses {CREDENTIALS - set(env)}"
            for credential in CREDENTIALS:
                assert "value" not in env[credential], f"{credential} is a literal in {name}"
                assert env[credential]["valueFrom"]["secretKeyRef"]["name"] == "prep-talk"


def test_the_servers_probe_liveness_and_readiness_and_a_job_migrates() -> None:
    resources = _resources()
    [server] = _containers(resources["deployment.yaml"])
    assert server["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert server["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert resources["deployment.yaml"]["spec"]["replicas"] >= 2
    [migrate] = _containers(resources["migrate-job.yaml"])
    assert migrate["command"] == ["prep-talk", "db", "upgrade"]
    [worker] = _containers(resources["worker.yaml"])
    assert worker["command"] == ["prep-talk", "nudges", "run"]


def test_compose_file_is_valid_and_runs_postgres_two_replicas_and_a_worker() -> None:
    schema = json.loads(
        files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json").read_text()
    )
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    jsonschema.validate(compose, schema)
    services = compose["services"]
    assert services["bot"]["deploy"]["replicas"] == 2
    assert services["worker"]["command"] == ["prep-talk", "nudges", "run"]
    migrated = {"migrate": {"condition": "service_completed_successfully"}}
    assert services["bot"]["depends_on"] == services["worker"]["depends_on"] == migrated
    assert "${POSTGRES_PASSWORD:?" in services["postgres"]["environment"]["POSTGRES_PASSWORD"]
