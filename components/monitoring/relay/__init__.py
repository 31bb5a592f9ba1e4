"""The alert relay's function code (AWS Lambda): formats each severity topic's notifications for
Slack, DingTalk and WeCom and posts them. `format.py` is pure; `handler.py` is the entry point.
Nothing here runs in the Pulumi program: components/monitoring/aws_relay.py ships these files."""
