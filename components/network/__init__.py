"""Networks: `cidr_plan.py` (the cloud-neutral, zone-stable subnet plan), `aws.py` (the VPC)."""
