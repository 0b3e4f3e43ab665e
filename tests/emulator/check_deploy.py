#!/usr/bin/env python3
"""Assert what a person checks in the AWS console after deploying the lab stack.

Works against moto (`--endpoint http://127.0.0.1:PORT`, fake credentials are
filled in) or real AWS (no --endpoint; normal credential chain).

Expected values come from, in increasing priority:
  1. built-in defaults (listener 80, sizes 2/2/4),
  2. `terraform output -json` of --tf-dir DIR (or a saved copy via --outputs FILE)
     using the output names asg_name, target_group_name, app_port,
     listener_port, asg_min_size, asg_desired_capacity, asg_max_size,
  3. explicit flags (--asg-name, --tg-name, --app-port, ...).

Deployed mode checks:
  * ASG exists, sizes == min/desired/max, `desired` instances InService,
    health check type ELB, attached to the target group, spans >= 2 AZs
  * target group port == app port; every ASG instance registered in it
    (describe_target_health) and none unhealthy
  * the instance SG admits exactly that port from the ALB's SG
  * a listener on the listener port forwards to the target group
  * the ALB is an internet-facing application LB in >= 2 AZs
  * the launch template version the ASG uses requires IMDSv2
    (http_tokens=required) and carries user data
  * (ALB access logs enabled, drop_invalid_header_fields enabled)
--expect-empty checks (after destroy): no ASG, no load balancer, no target
group, no pending/running instances, no non-default VPC (restricted to names
starting with --name-prefix when given).

One line per assertion (PASS/FAIL/INFO); the last line is "N passed, N failed".
Exit status 0 only if nothing failed. --wait S re-runs the checks until they
pass or S seconds elapse (real AWS needs minutes for health checks).
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import time

import boto3
from botocore.config import Config


class Checker:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.passed = 0
        self.failed = 0

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        self.lines.append(f"{'PASS' if ok else 'FAIL'} {what}" + (f": {detail}" if detail else ""))
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        return ok

    def info(self, what: str) -> None:
        self.lines.append(f"INFO {what}")


def tf_outputs(args: argparse.Namespace) -> dict:
    raw = None
    if args.outputs:
        with open(args.outputs) as f:
            raw = json.load(f)
    elif args.tf_dir:
        out = subprocess.run(
            ["terraform", f"-chdir={args.tf_dir}", "output", "-json"],
            check=True, capture_output=True, text=True)
        raw = json.loads(out.stdout)
    if not raw:
        return {}
    return {k: v.get("value") for k, v in raw.items()}


def resolve(args: argparse.Namespace) -> dict:
    o = tf_outputs(args)
    pick = lambda flag, key, default=None: flag if flag is not None else o.get(key, default)
    exp = {
        "asg_name": pick(args.asg_name, "asg_name"),
        "tg_name": pick(args.tg_name, "target_group_name"),
        "app_port": pick(args.app_port, "app_port"),
        "listener_port": pick(args.listener_port, "listener_port", 80),
        "min": pick(args.min, "asg_min_size", 2),
        "desired": pick(args.desired, "asg_desired_capacity", 2),
        "max": pick(args.max, "asg_max_size", 4),
    }
    for k in ("app_port", "listener_port", "min", "desired", "max"):
        if exp[k] is not None:
            exp[k] = int(exp[k])
    return exp


def clients(args: argparse.Namespace, services: tuple[str, ...] = ("autoscaling", "elbv2", "ec2")) -> dict:
    """boto3 clients for `services`, on the emulator at --endpoint (fake credentials) or AWS."""
    kw: dict = {"region_name": args.region,
                "config": Config(retries={"max_attempts": 3, "mode": "standard"})}
    if args.endpoint:
        kw["endpoint_url"] = args.endpoint
        kw["aws_access_key_id"] = os.environ.get("AWS_ACCESS_KEY_ID", "testing")
        kw["aws_secret_access_key"] = os.environ.get("AWS_SECRET_ACCESS_KEY", "testing")
    return {s: boto3.client(s, **kw) for s in services}


def sg_admits_from(ec2, sg_id: str, src_sg_ids: set[str]) -> set[tuple[int, int]]:
    """(from_port, to_port) tcp ranges the SG admits from any of src_sg_ids."""
    sg = ec2.describe_security_groups(GroupIds=[sg_id])["SecurityGroups"][0]
    ranges = set()
    for p in sg.get("IpPermissions", []):
        if p.get("IpProtocol") not in ("tcp", "6", "-1"):
            continue
        if any(pair.get("GroupId") in src_sg_ids for pair in p.get("UserIdGroupPairs", [])):
            ranges.add((p.get("FromPort", 0), p.get("ToPort", 65535)))
    return ranges


def check_deployed(c: Checker, cl: dict, exp: dict) -> None:
    asg_c, elb, ec2 = cl["autoscaling"], cl["elbv2"], cl["ec2"]
    missing = [k for k in ("asg_name", "tg_name", "app_port") if exp[k] is None]
    if missing:
        c.check(False, "expected values known", f"missing {missing}: pass flags or --tf-dir")
        return

    # --- Auto Scaling group
    groups = asg_c.describe_auto_scaling_groups(
        AutoScalingGroupNames=[exp["asg_name"]])["AutoScalingGroups"]
    if not c.check(len(groups) == 1, f"ASG {exp['asg_name']} exists"):
        return
    g = groups[0]
    sizes = (g["MinSize"], g["DesiredCapacity"], g["MaxSize"])
    want = (exp["min"], exp["desired"], exp["max"])
    c.check(sizes == want, "ASG min/desired/max", f"{sizes[0]}/{sizes[1]}/{sizes[2]} (want {want[0]}/{want[1]}/{want[2]})")
    inst = [i for i in g.get("Instances", []) if i["LifecycleState"] == "InService"]
    c.check(len(inst) == exp["desired"], "ASG InService instances == desired",
            f"{len(inst)} of {len(g.get('Instances', []))}: " + ", ".join(
                f"{i['InstanceId']}({i['AvailabilityZone']},{i['HealthStatus']})" for i in g.get("Instances", [])))
    c.check(g.get("HealthCheckType") == "ELB", "ASG health check type", str(g.get("HealthCheckType")))
    c.check(len(set(g.get("AvailabilityZones", []))) >= 2, "ASG spans >= 2 AZs", ", ".join(g.get("AvailabilityZones", [])))
    inst_azs = {i["AvailabilityZone"] for i in inst}
    c.info(f"instances are in AZs {sorted(inst_azs)}" +
           ("" if len(inst_azs) >= 2 else " (moto does not balance AZs; real AWS does)"))

    # --- target group
    tgs = elb.describe_target_groups(Names=[exp["tg_name"]])["TargetGroups"]
    if not c.check(len(tgs) == 1, f"target group {exp['tg_name']} exists"):
        return
    tg = tgs[0]
    c.check(tg["TargetGroupArn"] in g.get("TargetGroupARNs", []), "ASG attached to the target group")
    c.check(tg.get("Port") == exp["app_port"], "target group port == app port", f"{tg.get('Port')} (want {exp['app_port']})")
    c.info(f"health check {tg.get('HealthCheckProtocol')} {tg.get('HealthCheckPath')} port {tg.get('HealthCheckPort')}")
    health = elb.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]
    registered = {h["Target"]["Id"]: h["TargetHealth"]["State"] for h in health}
    ids = {i["InstanceId"] for i in inst}
    c.check(bool(ids) and ids <= set(registered), "all ASG instances registered in the target group",
            ", ".join(f"{k}={v}" for k, v in sorted(registered.items())) or "none registered")
    c.check(bool(registered) and all(s == "healthy" for s in registered.values()),
            "registered targets healthy", ", ".join(sorted(set(registered.values()))) or "none")

    # --- load balancer
    lb_arns = tg.get("LoadBalancerArns", [])
    if not c.check(len(lb_arns) == 1, "target group is used by one load balancer", str(len(lb_arns))):
        return
    lb = elb.describe_load_balancers(LoadBalancerArns=lb_arns)["LoadBalancers"][0]
    # moto omits Scheme for internet-facing LBs; the API default is internet-facing.
    scheme = lb.get("Scheme", "internet-facing")
    c.check(scheme == "internet-facing", "ALB is internet-facing",
            scheme + ("" if "Scheme" in lb else " (field absent = API default)"))
    c.check(lb.get("Type") == "application", "load balancer type", str(lb.get("Type")))
    lb_azs = {az["ZoneName"] for az in lb.get("AvailabilityZones", [])}
    c.check(len(lb_azs) >= 2, "ALB spans >= 2 AZs", ", ".join(sorted(lb_azs)))
    c.info(f"ALB DNS name {lb.get('DNSName')}")
    attrs = {a["Key"]: a["Value"] for a in elb.describe_load_balancer_attributes(
        LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]}
    c.check(attrs.get("access_logs.s3.enabled") == "true", "ALB access logs enabled",
            f"bucket={attrs.get('access_logs.s3.bucket')} prefix={attrs.get('access_logs.s3.prefix')}")
    c.check(attrs.get("routing.http.drop_invalid_header_fields.enabled") == "true", "ALB drops invalid header fields")

    listeners = elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    lst = [l for l in listeners if l["Port"] == exp["listener_port"]]
    if c.check(len(lst) == 1, f"listener on port {exp['listener_port']}", ", ".join(f"{l['Protocol']}:{l['Port']}" for l in listeners)):
        fwd = set()
        for a in lst[0].get("DefaultActions", []):
            if a.get("Type") == "forward":
                if a.get("TargetGroupArn"):
                    fwd.add(a["TargetGroupArn"])
                for t in a.get("ForwardConfig", {}).get("TargetGroups", []):
                    fwd.add(t["TargetGroupArn"])
        c.check(fwd == {tg["TargetGroupArn"]}, f"listener {exp['listener_port']} forwards to the target group",
                ", ".join(sorted(fwd)) or "no forward action")

    # --- launch template and security groups
    lt_ref = g.get("LaunchTemplate") or g.get("MixedInstancesPolicy", {}).get(
        "LaunchTemplate", {}).get("LaunchTemplateSpecification")
    if not c.check(bool(lt_ref), "ASG uses a launch template"):
        return
    lt_kw = {"LaunchTemplateId": lt_ref["LaunchTemplateId"]} if lt_ref.get("LaunchTemplateId") else \
        {"LaunchTemplateName": lt_ref["LaunchTemplateName"]}
    ver = lt_ref.get("Version") or "$Default"
    data = ec2.describe_launch_template_versions(Versions=[ver], **lt_kw)["LaunchTemplateVersions"][0]["LaunchTemplateData"]
    tokens = data.get("MetadataOptions", {}).get("HttpTokens")
    c.check(tokens == "required", "launch template requires IMDSv2", f"http_tokens={tokens} (version {ver})")
    ud = data.get("UserData") or ""
    try:
        first = base64.b64decode(ud).decode("utf-8", "replace").splitlines()[0] if ud else ""
    except Exception:  # noqa: BLE001 - report, don't crash
        first = "<not base64>"
    c.check(bool(ud), "launch template carries user data", f"{len(ud)} base64 chars, first line {first!r}")
    bdm = [m for m in data.get("BlockDeviceMappings", []) if "Ebs" in m]
    c.check(bool(bdm) and all(m["Ebs"].get("Encrypted") for m in bdm), "launch template EBS volumes encrypted",
            ", ".join(f"{m.get('DeviceName')}:{m['Ebs'].get('Encrypted')}" for m in bdm) or "no EBS mapping")

    inst_sgs = set(data.get("SecurityGroupIds", []))
    for ni in data.get("NetworkInterfaces", []):
        inst_sgs.update(ni.get("Groups", []))
    alb_sgs = set(lb.get("SecurityGroups", []))
    admitted = set()
    for sg in inst_sgs:
        admitted |= sg_admits_from(ec2, sg, alb_sgs)
    want_rng = (exp["app_port"], exp["app_port"])
    c.check(admitted == {want_rng}, "instance SG admits exactly the app port from the ALB SG",
            f"{sorted(admitted)} (want [{want_rng}]); instance SGs {sorted(inst_sgs)}, ALB SGs {sorted(alb_sgs)}")


def check_empty(c: Checker, cl: dict, prefix: str | None) -> None:
    asg_c, elb, ec2 = cl["autoscaling"], cl["elbv2"], cl["ec2"]
    named = lambda n: prefix is None or (n or "").startswith(prefix)
    asgs = [g["AutoScalingGroupName"] for g in asg_c.describe_auto_scaling_groups()["AutoScalingGroups"]
            if named(g["AutoScalingGroupName"])]
    c.check(not asgs, "no Auto Scaling groups", ", ".join(asgs))
    lbs = [l["LoadBalancerName"] for l in elb.describe_load_balancers()["LoadBalancers"] if named(l["LoadBalancerName"])]
    c.check(not lbs, "no load balancers", ", ".join(lbs))
    tgs = [t["TargetGroupName"] for t in elb.describe_target_groups()["TargetGroups"] if named(t["TargetGroupName"])]
    c.check(not tgs, "no target groups", ", ".join(tgs))
    live = []
    for r in ec2.describe_instances(Filters=[{"Name": "instance-state-name",
                                              "Values": ["pending", "running", "stopping", "stopped"]}])["Reservations"]:
        for i in r["Instances"]:
            name = next((t["Value"] for t in i.get("Tags", []) if t["Key"] == "Name"), "")
            if named(name):
                live.append(f"{i['InstanceId']}({i['State']['Name']})")
    c.check(not live, "no pending/running/stopped instances", ", ".join(live))
    vpcs = []
    for v in ec2.describe_vpcs()["Vpcs"]:
        name = next((t["Value"] for t in v.get("Tags", []) if t["Key"] == "Name"), "")
        if not v.get("IsDefault") and named(name):
            vpcs.append(f"{v['VpcId']}({name})")
    c.check(not vpcs, "no non-default VPCs", ", ".join(vpcs))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoint", help="emulator endpoint, e.g. http://127.0.0.1:5000 (omit for real AWS)")
    ap.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"))
    ap.add_argument("--tf-dir", help="read expected values from `terraform output -json` here")
    ap.add_argument("--outputs", help="read expected values from a saved `terraform output -json` file")
    ap.add_argument("--asg-name")
    ap.add_argument("--tg-name")
    ap.add_argument("--app-port", type=int)
    ap.add_argument("--listener-port", type=int)
    ap.add_argument("--min", type=int)
    ap.add_argument("--desired", type=int)
    ap.add_argument("--max", type=int)
    ap.add_argument("--expect-empty", action="store_true", help="assert the stack is gone (after destroy)")
    ap.add_argument("--name-prefix", help="with --expect-empty: only consider resources named with this prefix")
    ap.add_argument("--wait", type=float, default=0, help="retry for up to this many seconds until all pass")
    args = ap.parse_args()

    cl = clients(args)
    exp = None if args.expect_empty else resolve(args)
    deadline = time.monotonic() + args.wait
    while True:
        c = Checker()
        try:
            if args.expect_empty:
                check_empty(c, cl, args.name_prefix)
            else:
                check_deployed(c, cl, exp)
        except Exception as e:  # noqa: BLE001 - an API error is a failed check, not a traceback
            c.check(False, "AWS API calls succeed", f"{type(e).__name__}: {e}")
        if c.failed == 0 or time.monotonic() >= deadline:
            break
        time.sleep(min(15.0, max(1.0, deadline - time.monotonic())))
    print("\n".join(c.lines))
    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
