"""An ACM certificate validated through DNS, shared by the CDN (us-east-1) and the public Gateway's
load balancer (the cluster's region): the records go into the Route 53 zone when one is given,
else someone adds them by hand and the validation waits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi_aws import acm, route53

from components._base import child_opts, merged_tags


def dns_validated_certificate(
    parent: pulumi.Resource,
    name: str,
    hosts: Sequence[str],
    *,
    zone_id: str | None,
    tags: Mapping[str, str],
) -> pulumi.Output[str]:
    """The ARN of a certificate for `hosts` (the first is its domain name), once ACM issued it.
    Children: `<name>-certificate`, `<name>-cert-validation-<host>` per host (named after it, so
    reordering hosts moves no record), `<name>-certificate-validation`."""
    cert = acm.Certificate(
        f"{name}-certificate",
        domain_name=hosts[0],
        subject_alternative_names=list(hosts[1:]) or None,
        validation_method="DNS",
        tags=merged_tags(tags, f"{name}-certificate"),
        opts=child_opts(parent),
    )
    fqdns: list[pulumi.Output[str]] = []
    if zone_id is not None:
        for host in hosts:
            option = cert.domain_validation_options.apply(
                lambda opts, host=host: validation_option(opts, host)
            )
            record = route53.Record(
                f"{name}-cert-validation-{host}",
                zone_id=zone_id,
                name=option.apply(lambda o: o["resource_record_name"]),
                type=option.apply(lambda o: o["resource_record_type"]),
                records=[option.apply(lambda o: o["resource_record_value"])],
                ttl=300,
                allow_overwrite=True,
                opts=child_opts(parent),
            )
            fqdns.append(record.fqdn)
    # Waits until ACM has issued the certificate (records made here or by hand).
    validation = acm.CertificateValidation(
        f"{name}-certificate-validation",
        certificate_arn=cert.arn,
        validation_record_fqdns=fqdns or None,
        opts=child_opts(parent),
    )
    return validation.certificate_arn


def validation_option(options: Sequence[Any], host: str) -> dict[str, str]:
    """The DNS record ACM asks for to validate `host` (outputs arrive as objects or dicts)."""
    for opt in options:
        get = opt.get if isinstance(opt, dict) else lambda k, o=opt: getattr(o, k, None)
        if get("domain_name") == host:
            return {k: str(get(k)) for k in
                    ("resource_record_name", "resource_record_type", "resource_record_value")}  # fmt: skip
    raise ValueError(f"ACM returned no validation record for {host}")
