"""Container registries on either cloud: no repository anyone can pull from (ECR Public,
Alibaba Container Registry repositories and namespaces made public). A private repository shared
on purpose goes through a resource policy (resource-policy-not-public holds that on AWS)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .core import Rule, Subject, need

ECR_PUBLIC = "aws:ecrpublic/repository:Repository"
ALI_REPOSITORIES = (
    "alicloud:cr/repo:Repo",
    "alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo",
)
ALI_NAMESPACES = (
    "alicloud:cr/namespace:Namespace",
    "alicloud:cs/registryEnterpriseNamespace:RegistryEnterpriseNamespace",
)


def _registry_private(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == ECR_PUBLIC:
        yield "an ECR Public repository: anyone on the internet can pull its images"
    elif subject.type in ALI_REPOSITORIES:
        if str(need(p, "repoType") or "").upper() == "PUBLIC":
            yield "repoType=PUBLIC lets anyone pull the images"
    elif str(need(p, "defaultVisibility") or "").upper() == "PUBLIC":
        yield "defaultVisibility=PUBLIC makes every repository created in the namespace public"


RULES = [
    Rule(
        id="registry-private",
        group="security",
        severity="high",
        description="Container image repositories are private: no ECR Public repository, no public Alibaba Container Registry repository (personal or Enterprise edition), no namespace that makes new repositories public.",
        remediation="Use a private ECR repository (share it with named accounts by repository policy); on Alibaba Cloud set repoType=PRIVATE and defaultVisibility=PRIVATE.",
        types=(ECR_PUBLIC, *ALI_REPOSITORIES, *ALI_NAMESPACES),
        resource_check=_registry_private,
        anchors="IG cr-repository-type-private, cr-namespace-setting-check; Security Hub ECR intent (private images)",
    ),
]
