#!/usr/bin/env python3
"""Assert what jobs_stack adds to the lab, after a deploy (on moto or real AWS).

The generic checks (ASG sizes, target group wiring, instance SG admits the ALB) are
check_deploy.py's. This script checks the raw provider resources and the grant:
  * the queue at --queue-url exists with the attributes the stack sets (visibility 60 s,
    retention 4 days, long polling 20 s, SQS-managed encryption) and its tag;
  * its redrive policy sends a message to the dead-letter queue at --dlq-arn after 5
    receives (the policy is the stack's `json(..)`, encoded by Terraform);
  * the backlog alarm watches that queue's ApproximateNumberOfMessagesVisible;
  * the instance role's inline policy allows exactly sqs:SendMessage and
    sqs:GetQueueAttributes on that queue's ARN, and nothing else on SQS;
  * --account equals the caller identity's account.
--expect-empty checks, after destroy, that no queue and no alarm is left.
One line per assertion (PASS/FAIL); the last line is "N passed, N failed".
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.parse


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_deploy import Checker, clients  # noqa: E402


def policy_documents(iam, role_prefix: str) -> list[dict]:
    docs = []
    for role in iam.list_roles()["Roles"]:
        if not role["RoleName"].startswith(role_prefix):
            continue
        for name in iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]:
            doc = iam.get_role_policy(RoleName=role["RoleName"], PolicyName=name)["PolicyDocument"]
            if isinstance(doc, str):
                doc = json.loads(urllib.parse.unquote(doc))
            docs.append(doc)
    return docs


def check_deployed(c: Checker, cl: dict, a: argparse.Namespace) -> None:
    sqs, cw, iam, sts = cl["sqs"], cl["cloudwatch"], cl["iam"], cl["sts"]
    attrs = sqs.get_queue_attributes(QueueUrl=a.queue_url, AttributeNames=["All"])["Attributes"]
    arn = attrs.get("QueueArn", "")
    c.check(arn == a.queue_arn, "the queue's ARN is the output's", f"{arn} vs {a.queue_arn}")
    c.check(attrs.get("VisibilityTimeout") == "60", "visibility timeout 60 s", attrs.get("VisibilityTimeout", ""))
    c.check(attrs.get("MessageRetentionPeriod") == "345600", "retention 4 days", attrs.get("MessageRetentionPeriod", ""))
    c.check(attrs.get("ReceiveMessageWaitTimeSeconds") == "20", "long polling 20 s",
            attrs.get("ReceiveMessageWaitTimeSeconds", ""))
    c.check(attrs.get("SqsManagedSseEnabled") == "true", "SQS-managed encryption", attrs.get("SqsManagedSseEnabled", ""))
    tags = sqs.list_queue_tags(QueueUrl=a.queue_url).get("Tags", {})
    c.check(tags.get("Queue") == "jobs", "the queue's own tag", str(tags))
    c.check(tags.get("Project") == "jobs-stack", "the stack's tag (provider default_tags)", str(tags))
    queue_name = arn.rsplit(":", 1)[-1]
    try:
        redrive = json.loads(attrs.get("RedrivePolicy", "{}"))
    except ValueError:
        redrive = {}
    c.check(redrive.get("deadLetterTargetArn") == a.dlq_arn, "redrive to the dead-letter queue", str(redrive))
    c.check(str(redrive.get("maxReceiveCount")) == "5", "after 5 receives", str(redrive))

    alarms = cw.describe_alarms(AlarmNames=["jobs-backlog"])["MetricAlarms"]
    if c.check(len(alarms) == 1, "the backlog alarm exists"):
        al = alarms[0]
        dims = {d["Name"]: d["Value"] for d in al.get("Dimensions", [])}
        c.check(dims.get("QueueName") == queue_name, "the alarm watches the queue", str(dims))
        c.check(al["MetricName"] == "ApproximateNumberOfMessagesVisible", "on its visible messages",
                al["MetricName"])
        c.check(al["ComparisonOperator"] == "GreaterThanThreshold" and al["Threshold"] == 100.0,
                "over 100", f"{al['ComparisonOperator']} {al['Threshold']}")

    docs = policy_documents(iam, a.role_prefix)
    c.check(len(docs) >= 1, "the instance role has an inline policy", a.role_prefix)
    sqs_statements = [s for d in docs for s in d.get("Statement", [])
                      if any(str(x).startswith("sqs:") for x in
                             (s["Action"] if isinstance(s["Action"], list) else [s["Action"]]))]
    if c.check(len(sqs_statements) == 1, "one statement grants SQS", str(sqs_statements)):
        s = sqs_statements[0]
        actions = sorted(s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
        resources = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
        c.check(s["Effect"] == "Allow", "it allows", s["Effect"])
        c.check(actions == ["sqs:GetQueueAttributes", "sqs:SendMessage"], "send and read attributes only",
                str(actions))
        c.check(resources == [arn], "on the queue's ARN only", str(resources))

    account = sts.get_caller_identity()["Account"]
    c.check(a.account == account, "the account output is the caller's", f"{a.account} vs {account}")


def check_empty(c: Checker, cl: dict, a: argparse.Namespace) -> None:
    urls = cl["sqs"].list_queues().get("QueueUrls", [])
    c.check(not urls, "no queue is left", str(urls))
    alarms = cl["cloudwatch"].describe_alarms()["MetricAlarms"]
    c.check(not alarms, "no alarm is left", str([al["AlarmName"] for al in alarms]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoint", help="emulator endpoint, e.g. http://127.0.0.1:5000 (omit for real AWS)")
    ap.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"))
    ap.add_argument("--queue-url")
    ap.add_argument("--queue-arn")
    ap.add_argument("--dlq-arn")
    ap.add_argument("--account")
    ap.add_argument("--role-prefix", default="jobs-stack-web-role-")
    ap.add_argument("--expect-empty", action="store_true")
    a = ap.parse_args()
    c = Checker()
    cl = clients(a, ("sqs", "cloudwatch", "iam", "sts"))
    if a.expect_empty:
        check_empty(c, cl, a)
    else:
        if not (a.queue_url and a.queue_arn and a.dlq_arn and a.account):
            ap.error("--queue-url, --queue-arn, --dlq-arn and --account are required")
        check_deployed(c, cl, a)
    for line in c.lines:
        print(line)
    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
