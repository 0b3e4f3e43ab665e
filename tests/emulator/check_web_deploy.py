#!/usr/bin/env python3
"""Assert what web_stack adds to the lab, after a deploy (on moto or real AWS).

The generic checks (ASG sizes, target group wiring, instance SG admits the ALB) are
check_deploy.py's, run with --listener-port 443. This script checks:
  * the 443 listener is HTTPS with the TLS policy, presents an ISSUED ACM certificate for
    the domain, and forwards to the target group;
  * the 80 listener answers a 301 redirect to 443 over HTTPS;
  * every ASG instance is in a private subnet (MapPublicIpOnLaunch false, no route to an
    internet gateway) and has no public IP;
  * an S3 gateway endpoint in the VPC is on those subnets' route tables;
  * the alias record for the domain (A, alias to the ALB) exists in the zone.
--create-zone NAME creates a public hosted zone (the emulator starts empty; the stack
looks its zone up by name). --expect-empty checks, after destroy, that no certificate,
no record besides the zone's NS/SOA, no VPC endpoint and no NAT gateway is left.
One line per assertion (PASS/FAIL); the last line is "N passed, N failed".
"""
from __future__ import annotations

import argparse
import os
import sys
import time


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_deploy import Checker, clients  # noqa: E402


def zone_id(r53, zone: str) -> str | None:
    name = zone.rstrip(".") + "."
    for z in r53.list_hosted_zones()["HostedZones"]:
        if z["Name"] == name:
            return z["Id"].split("/")[-1]
    return None


def check_deployed(c: Checker, cl: dict, a: argparse.Namespace) -> None:
    elb, ec2, acm, r53 = cl["elbv2"], cl["ec2"], cl["acm"], cl["route53"]
    lbs = [l for l in elb.describe_load_balancers()["LoadBalancers"] if l["DNSName"] == a.alb_dns]
    if not c.check(len(lbs) == 1, "the load balancer exists", a.alb_dns):
        return
    lb = lbs[0]
    tg = elb.describe_target_groups(Names=[a.tg_name])["TargetGroups"][0]
    listeners = {l["Port"]: l for l in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]}
    https = listeners.get(443)
    if c.check(https is not None, "a listener on 443"):
        c.check(https["Protocol"] == "HTTPS", "443 is HTTPS", https["Protocol"])
        c.check(https.get("SslPolicy") == a.tls_policy, "443 uses the TLS policy", str(https.get("SslPolicy")))
        fwd = [x for x in https["DefaultActions"] if x["Type"] == "forward"]
        c.check(bool(fwd) and fwd[0].get("TargetGroupArn") == tg["TargetGroupArn"],
                "443 forwards to the target group", str(https["DefaultActions"]))
        certs = [x["CertificateArn"] for x in https.get("Certificates", [])]
        if c.check(len(certs) == 1, "443 presents one certificate", str(certs)):
            cert = acm.describe_certificate(CertificateArn=certs[0])["Certificate"]
            c.check(cert["DomainName"] == a.domain, "the certificate is for the domain", cert["DomainName"])
            c.check(cert["Status"] == "ISSUED", "the certificate is issued (DNS-validated)", cert["Status"])
            c.check(cert.get("Type") == "AMAZON_ISSUED", "the certificate is ACM-issued", str(cert.get("Type")))
    http = listeners.get(80)
    if c.check(http is not None, "a listener on 80"):
        red = [x for x in http["DefaultActions"] if x["Type"] == "redirect"]
        cfg = red[0].get("RedirectConfig", {}) if red else {}
        c.check(cfg.get("Port") == "443" and cfg.get("Protocol") == "HTTPS" and cfg.get("StatusCode") == "HTTP_301",
                "80 answers a 301 redirect to https:443", str(http["DefaultActions"]))
    c.check(set(listeners) == {80, 443}, "no other listener", str(sorted(listeners)))

    asg = cl["autoscaling"].describe_auto_scaling_groups(AutoScalingGroupNames=[a.asg_name])["AutoScalingGroups"][0]
    ids = [i["InstanceId"] for i in asg["Instances"]]
    c.check(len(ids) >= 1, "the group has instances", str(len(ids)))
    asg_subnets = set(asg["VPCZoneIdentifier"].split(","))
    subnets = {s["SubnetId"]: s for s in ec2.describe_subnets(SubnetIds=sorted(asg_subnets))["Subnets"]}
    c.check(all(not s["MapPublicIpOnLaunch"] for s in subnets.values()),
            "the group's subnets map no public IPs", str({k: v["MapPublicIpOnLaunch"] for k, v in subnets.items()}))
    lb_subnets = {z["SubnetId"] for z in lb["AvailabilityZones"]}
    c.check(not (lb_subnets & asg_subnets), "the instances' subnets are not the load balancer's",
            f"{sorted(asg_subnets)} vs {sorted(lb_subnets)}")
    tables = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": sorted(asg_subnets)}])["RouteTables"]
    igw_routes = [r for t in tables for r in t["Routes"] if r.get("GatewayId", "").startswith("igw-")]
    c.check(len(tables) == len(asg_subnets) and not igw_routes,
            "the instances' route tables have no route to an internet gateway", str(igw_routes))
    if ids:
        for r in ec2.describe_instances(InstanceIds=ids)["Reservations"]:
            for i in r["Instances"]:
                c.check(i["SubnetId"] in asg_subnets and not i.get("PublicIpAddress"),
                        f"instance {i['InstanceId']} is private",
                        f"subnet {i['SubnetId']}, public IP {i.get('PublicIpAddress')}")
    vpc_id = lb["VpcId"]
    eps = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    s3 = [e for e in eps if e["ServiceName"].endswith(".s3") and e["VpcEndpointType"] == "Gateway"]
    if c.check(len(s3) == 1, "an S3 gateway endpoint in the VPC", str([e["ServiceName"] for e in eps])):
        want = {t["RouteTableId"] for t in tables}
        c.check(set(s3[0]["RouteTableIds"]) == want, "the S3 endpoint is on the instances' route tables",
                f"{sorted(s3[0]['RouteTableIds'])} vs {sorted(want)}")

    zid = zone_id(r53, a.zone)
    if c.check(zid is not None, "the hosted zone exists", a.zone):
        sets = r53.list_resource_record_sets(HostedZoneId=zid)["ResourceRecordSets"]
        alias = [s for s in sets if s["Name"].rstrip(".") == a.domain and s["Type"] == "A"]
        ok = len(alias) == 1 and "AliasTarget" in alias[0] and \
            alias[0]["AliasTarget"]["DNSName"].rstrip(".").lower().endswith(lb["DNSName"].lower())
        c.check(ok, "the alias record points the domain at the load balancer", str(alias))
        cnames = [s for s in sets if s["Type"] == "CNAME"]
        c.check(len(cnames) >= 1, "the certificate's validation record is in the zone", str(len(cnames)))


def check_empty(c: Checker, cl: dict, a: argparse.Namespace) -> None:
    ec2, acm, r53 = cl["ec2"], cl["acm"], cl["route53"]
    certs = [x["DomainName"] for x in acm.list_certificates()["CertificateSummaryList"]]
    c.check(not certs, "no certificates", ", ".join(certs))
    zid = zone_id(r53, a.zone)
    if zid:
        sets = r53.list_resource_record_sets(HostedZoneId=zid)["ResourceRecordSets"]
        left = [f"{s['Name']} {s['Type']}" for s in sets if s["Type"] not in ("NS", "SOA")]
        c.check(not left, "no records left in the zone", ", ".join(left))
    eps = [e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
           if e["State"].lower() not in ("deleted", "deleting")]
    c.check(not eps, "no VPC endpoints", ", ".join(eps))
    nats = [n["NatGatewayId"] for n in ec2.describe_nat_gateways()["NatGateways"]
            if n["State"] not in ("deleted", "deleting")]
    c.check(not nats, "no NAT gateways", ", ".join(nats))
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if not s.get("DefaultForAz")]
    c.check(not subnets, "no non-default subnets", ", ".join(subnets))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoint", help="emulator endpoint, e.g. http://127.0.0.1:5000 (omit for real AWS)")
    ap.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"))
    ap.add_argument("--create-zone", help="create this public hosted zone and exit")
    ap.add_argument("--zone", default="example.com")
    ap.add_argument("--domain", default="app.example.com")
    ap.add_argument("--alb-dns")
    ap.add_argument("--asg-name")
    ap.add_argument("--tg-name")
    ap.add_argument("--tls-policy", default="ELBSecurityPolicy-TLS13-1-2-2021-06")
    ap.add_argument("--expect-empty", action="store_true")
    ap.add_argument("--wait", type=float, default=0)
    a = ap.parse_args()
    cl = clients(a, ("autoscaling", "elbv2", "ec2", "acm", "route53"))
    if a.create_zone:
        z = cl["route53"].create_hosted_zone(Name=a.create_zone, CallerReference=f"web-stack-{time.time()}")
        print(z["HostedZone"]["Id"])
        return 0
    deadline = time.monotonic() + a.wait
    while True:
        c = Checker()
        try:
            (check_empty if a.expect_empty else check_deployed)(c, cl, a)
        except Exception as e:  # noqa: BLE001 - an API error is a failed check, not a traceback
            c.check(False, "AWS API calls succeed", f"{type(e).__name__}: {e}")
        if c.failed == 0 or time.monotonic() >= deadline:
            break
        time.sleep(min(10.0, max(1.0, deadline - time.monotonic())))
    print("\n".join(c.lines))
    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
