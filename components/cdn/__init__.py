"""The edge in front of object storage: `aws.py` (CloudFront), `aws_waf.py` (WAFv2)."""
