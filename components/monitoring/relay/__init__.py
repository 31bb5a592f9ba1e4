"""The alert relay's function code: formats alert notifications for Slack, DingTalk and WeCom and
posts them. `format.py` is pure, `deliver.py` posts; the entry points are `handler.py` (AWS
Lambda) and `alicloud_handler.py` (Alibaba Cloud Function Compute). Nothing here runs in the
Pulumi program: components/monitoring/aws_relay.py and alicloud_relay.py ship these files."""
