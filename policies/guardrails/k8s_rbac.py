"""RBAC rules: wildcards and cluster-admin, grants to anonymous or every authenticated user, and the
verbs and resources that let a subject escalate (CIS Kubernetes 5.1)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .core import Rule, Subject, as_list, get, known, need
from .k8s_objects import MANIFESTS, RBAC_VERSIONS, each_object, kind, tokens

ROLES = tokens("Role", RBAC_VERSIONS) + tokens("ClusterRole", RBAC_VERSIONS)
BINDINGS = tokens("RoleBinding", RBAC_VERSIONS) + tokens("ClusterRoleBinding", RBAC_VERSIONS)
PUBLIC_SUBJECTS = frozenset({"system:anonymous", "system:unauthenticated", "system:authenticated"})
"""Everyone who can reach the API server; system:authenticated includes any cloud identity that
can get a token for the cluster."""
READ = frozenset({"get", "list", "watch", "*"})
WRITE = frozenset({"create", "update", "patch", "*"})


def _name(subject: Subject) -> str:
    name = get(subject.props, "metadata.name")
    return str(name) if isinstance(name, str) else subject.name


def _allowed(subject: Subject, patterns: list[str]) -> bool:
    return any(re.search(p, _name(subject)) for p in patterns)


def _rules(subject: Subject) -> Iterator[tuple[str, list[str], list[str], list[str]]]:
    """(where, apiGroups, resources, verbs) of a role's rules; unknowns raise CannotVerify."""
    for i, rule in enumerate(as_list(get(subject.props, "rules"), "rules")):
        where = f"rules[{i}]"
        known(rule, where)
        values = [
            [str(known(v, f"{where}.{key}")) for v in as_list(get(rule, key), f"{where}.{key}")]
            for key in ("apiGroups", "resources", "verbs")
        ]
        yield where, values[0], values[1], values[2]


def _no_wildcards(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if subject.type in ROLES:
        for where, groups, resources, verbs in _rules(subject):
            for key, values in (("verbs", verbs), ("resources", resources), ("apiGroups", groups)):
                if "*" in values and not (key == "apiGroups" and params["allowWildcardApiGroups"]):
                    yield f"{where}.{key} contains '*'"
    elif need(subject.props, "roleRef.name") == "cluster-admin" and not _allowed(
        subject, params["clusterAdminBindings"]
    ):
        yield f"binds cluster-admin ('{_name(subject)}' is not in clusterAdminBindings)"


def _no_public_subjects(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if _allowed(subject, params["allowedBindings"]):
        return
    for i, s in enumerate(as_list(get(subject.props, "subjects"), "subjects")):
        name = known(get(s, "name"), f"subjects[{i}].name")
        if name in PUBLIC_SUBJECTS or name in params["extraSubjects"]:
            role = get(subject.props, "roleRef.name")
            yield f"subjects[{i}] grants role '{role}' to {name}"


def _no_escalation(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if _allowed(subject, params["allowedRoles"]):
        return
    cluster_wide = kind(subject.type) == "ClusterRole"
    for where, _, resources, verbs in _rules(subject):
        risky = sorted(set(verbs) & set(params["escalationVerbs"]))
        if risky:
            yield f"{where} grants {risky} (a subject can grant itself more than it holds)"
        writes = set(verbs) & WRITE
        for resource in resources:
            if resource in params["forbiddenResources"]:
                yield f"{where} grants {verbs} on {resource}"
            elif resource in params["forbiddenWrites"] and writes:
                yield f"{where} grants {sorted(writes)} on {resource} ({params['forbiddenWrites'][resource]})"
            elif (
                cluster_wide
                and resource in params["clusterWideReadForbidden"]
                and READ & set(verbs)
            ):
                yield f"{where} reads {resource} in every namespace"


RBAC_TYPES = (*ROLES, *BINDINGS, *MANIFESTS)

RULES = [
    Rule(
        id="k8s-rbac-no-wildcards",
        group="security",
        severity="high",
        description="RBAC roles use no '*' verbs/resources; cluster-admin is bound only by allowlisted bindings.",
        remediation="List verbs and resources explicitly; bind narrower roles.",
        types=RBAC_TYPES,
        resource_check=each_object(_no_wildcards, (*ROLES, *BINDINGS)),
        params={"clusterAdminBindings": [], "allowWildcardApiGroups": False},
        anchors="CKV_K8S_49/155, KSV-0044/0046, CIS 5.1.1/5.1.3",
    ),
    Rule(
        id="k8s-rbac-no-public-subjects",
        group="security",
        severity="critical",
        description="No (Cluster)RoleBinding grants anything to system:anonymous, system:unauthenticated or system:authenticated.",
        remediation="Bind roles to named users, groups or service accounts; never to everyone who can reach the API.",
        types=(*BINDINGS, *MANIFESTS),
        resource_check=each_object(_no_public_subjects, BINDINGS),
        params={"allowedBindings": [], "extraSubjects": ["system:serviceaccounts"]},
        anchors="KSV-0047/0111, CIS 5.1.7, KYV restrict-binding-system-groups",
    ),
    Rule(
        id="k8s-rbac-no-escalation",
        group="security",
        severity="high",
        description="Roles do not grant escalate/bind/impersonate/approve, nodes/proxy, cluster-wide read of Secrets, or writes of service-account tokens, CSR approvals, admission webhooks or PersistentVolumes.",
        remediation="Drop those verbs and resources; read Secrets through a namespaced Role bound where needed; leave token minting, CSR approval, webhooks and PersistentVolumes to the control plane and the platform.",
        types=(*ROLES, *MANIFESTS),
        resource_check=each_object(_no_escalation, ROLES),
        params={
            "escalationVerbs": ["escalate", "bind", "impersonate", "approve"],
            "forbiddenResources": ["nodes/proxy"],
            "forbiddenWrites": {
                "serviceaccounts/token": "mints tokens of any service account in reach",
                "certificatesigningrequests/approval": "approves client certificates, e.g. for system:masters",
                "mutatingwebhookconfigurations": "rewrites every object the API server admits",
                "validatingwebhookconfigurations": "sees and can veto every object the API server admits",
                "persistentvolumes": "a PersistentVolume can point at any path of a node",
            },
            "clusterWideReadForbidden": ["secrets"],
            "allowedRoles": [],
        },
        anchors="CKV_K8S_155/156/157, KSV-0041/0043/0047, CIS 5.1.2/5.1.8/5.1.9/5.1.11/5.1.12/5.1.13",
    ),
]
