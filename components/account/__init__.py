"""Account foundations laid once per AWS account by `bootstrap/`, before any platform stack:

- `aws_state.StateBackend`: the Pulumi state bucket and the secrets-provider keys;
- `aws_ci.CiAccess`: GitHub and GitLab OIDC providers, the read-only preview role, a deploy role
  per environment and the MFA-only admin role (`trust.py`, `permissions.py`: their policies);
- `aws_baseline.SecurityBaseline`: CloudTrail, GuardDuty, Security Hub, AWS Config, IAM Access
  Analyzer, the password policy, and high-severity findings routed to an SNS topic.
"""
