"""`python -m planner.gateway_schemas CRD_DIR[:CRD_DIR...] [stack...]` (run through
`./tasks gateway-schemas`).

Validates every Gateway API object the stacks create (GatewayClass, Gateway, HTTPRoute, ...)
against the OpenAPI schemas of the CRDs of the pinned release (`GATEWAY_API_VERSION`; the task
takes them from the Go module `sigs.k8s.io/gateway-api` at that version, checksum-verified by the
Go module proxy), and Envoy Gateway's objects (the ACK Gateway's `EnvoyProxy`) against the CRDs
of its release. Strict like `kubectl apply` (server-side field validation): a field the schema
does not declare is an error. CEL rules (`x-kubernetes-validations`) are not evaluated.
Reads each stack's offline plan report (`out/plan-<stack>.json`), and checks the route of a
canary Workload (two weighted backends) built by the Workload's own route builder. Exit 1 on any
invalid object, or when a stack's plan has no HTTPRoute at all.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs in the lock
import yaml

from components.kubernetes.gateway_api import GATEWAY_API, http_route_spec

GROUPS = ("gateway.networking.k8s.io", "gateway.envoyproxy.io")
"""The Gateway API's objects, and Envoy Gateway's (the EnvoyProxy behind the ACK Gateway)."""
Schemas = dict[tuple[str, str], dict[str, Any]]
"""(apiVersion, kind) -> the version's openAPIV3Schema, made strict."""


def strict(schema: Any) -> Any:
    """Unknown fields rejected wherever the schema lists properties (as the API server's strict
    field validation does), except where it preserves unknown fields or types a map."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: strict(v) for k, v in schema.items()}
    if ("properties" in out and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")):  # fmt: skip
        out["additionalProperties"] = False
    return out


def load_schemas(crd_dir: Path) -> Schemas:
    schemas: Schemas = {}
    for path in sorted(crd_dir.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if not isinstance(doc, dict) or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc["spec"]
            for version in spec["versions"]:
                api_version = f"{spec['group']}/{version['name']}"
                schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
                # The API server fills these itself; a manifest may carry them.
                schema.setdefault("properties", {}).update(
                    {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                     "metadata": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}
                )  # fmt: skip
                schemas[(api_version, spec["names"]["kind"])] = strict(schema)
    return schemas


def problems(obj: Mapping[str, Any], schemas: Schemas) -> list[str]:
    key = (str(obj.get("apiVersion")), str(obj.get("kind")))
    schema = schemas.get(key)
    if schema is None:
        return [f"{key[1]} {key[0]}: not a kind of the pinned Gateway API release"]
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}"
            for e in validator.iter_errors(dict(obj))]  # fmt: skip


def gateway_objects(plan_report: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(resource name, manifest) of each Gateway API (or Envoy Gateway) object in an offline plan
    report."""
    for r in plan_report["resources"]:
        if any(r["type"].startswith(f"kubernetes:{group}/") for group in GROUPS):
            yield r["name"], r["inputs"]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    crd_dirs, stacks = [Path(d) for d in args[0].split(":")], args[1:]
    schemas: Schemas = {}
    for crd_dir in crd_dirs:
        found_here = load_schemas(crd_dir)
        if not found_here:
            print(f"error: no CRDs in {crd_dir}", file=sys.stderr)
            return 2
        schemas |= found_here
    ok = True
    for stack in stacks:
        report = json.loads(Path(f"out/plan-{stack}.json").read_text())
        objects = list(gateway_objects(report))
        kinds = sorted({o["kind"] for _, o in objects})
        found = [(name, p) for name, o in objects for p in problems(o, schemas)]
        hosts = [r for r in report["resources"] if r["type"].endswith(":HTTPRoute")]
        print(f"{stack}: {len(objects)} Gateway API objects ({', '.join(kinds)}), "
              f"{len(found)} problem(s)")  # fmt: skip
        for name, problem in found:
            print(f"  {name}: {problem}")
        if not hosts:
            print(f"  {stack}: no HTTPRoute at all (the redirect route is always there)")
        ok = ok and not found and bool(hosts)
    # No shipped stack runs a canary; its route (the Workload's builder, two weighted backends)
    # is checked here too.
    sample = canary_route_sample()
    found_sample = problems(sample, schemas)
    print(f"canary route sample (web 90 / web-canary 10): {len(found_sample)} problem(s)")
    for problem in found_sample:
        print(f"  {problem}")
    return 0 if ok and not found_sample else 1


def canary_route_sample() -> dict[str, Any]:
    """The HTTPRoute a Workload with `rollout: canary` and weight 10 publishes."""
    spec = http_route_spec(gateway_namespace="gateway", host="web.acme.example", path="/",
                           backends={"web": 90, "web-canary": 10})  # fmt: skip
    return {"apiVersion": GATEWAY_API, "kind": "HTTPRoute",
            "metadata": {"name": "web", "namespace": "apps"}, "spec": spec}  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
